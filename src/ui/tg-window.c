/* tg-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window. For now it shows which database it is connected to and whether the
 * schema fits this version of Tollgate, or why not and what to do about it. The
 * "connected" page is where later issues put the dashboard.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-application.h"
#include "tg-window.h"

struct _TgWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *connecting_page;
  AdwStatusPage        *connected_page;
  AdwActionRow         *database_row;
  AdwActionRow         *server_row;
  AdwActionRow         *schema_row;
  AdwStatusPage        *problem_page;
  GtkLabel             *problem_details;

  /* owned */
  GSettings            *settings;
  GCancellable         *cancellable;
  TgDatabaseCheck      *check;
  char                 *conninfo;
  GTask                *screenshot_task;

  /* borrowed: the frame clock we wait on for a screenshot */
  GdkFrameClock        *screenshot_clock;
  gulong                screenshot_paint_id;

  TgDatabaseState       state;
};

enum {
  PROP_0,
  PROP_CONNINFO,
  PROP_STATE,
  PROP_DATABASE_CHECK,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgWindow, tg_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void tg_window_maybe_take_screenshot (TgWindow *self);

static void
tg_window_update_actions (TgWindow *self)
{
  g_assert (TG_IS_WINDOW (self));

  /* While a check runs, its result is seconds away at most (connect_timeout). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect",
                                 self->state != TG_DATABASE_STATE_CONNECTING);
}

typedef struct
{
  TgDatabaseState  state;
  const char      *icon_name;
  const char      *title;
} ProblemPage;

static const ProblemPage problem_pages[] = {
  { TG_DATABASE_STATE_SCHEMA_BEHIND, "software-update-available-symbolic",
    N_("Database Schema Out of Date") },
  { TG_DATABASE_STATE_SCHEMA_TOO_NEW, "software-update-urgent-symbolic",
    N_("Tollgate Is Out of Date") },
  { TG_DATABASE_STATE_NO_SCHEMA, "document-new-symbolic",
    N_("No Tollgate Schema") },
  { TG_DATABASE_STATE_CANNOT_CONNECT, "network-offline-symbolic",
    N_("Cannot Connect to the Database") },
  { TG_DATABASE_STATE_FAILED, "dialog-error-symbolic",
    N_("Cannot Check the Database") },
};

/* Markup for the problem page: what happened in words a user can act on. The raw
 * error goes below it, selectable, where it applies.
 */
static char *
describe_problem (const TgDatabaseCheck *check)
{
  g_autofree char *target = g_markup_escape_text (check->target != NULL ? check->target
                                                                        : _("The database"),
                                                  -1);

  switch (check->state)
    {
    case TG_DATABASE_STATE_SCHEMA_BEHIND:
      /* TRANSLATORS: the first %s is a database, "sales on db.example.com:5432 (user ann)" */
      return g_strdup_printf (_("%s is at schema version %u, but this version of Tollgate "
                                "needs version %u. Run <tt>tollgatectl migrate</tt> to update "
                                "it."),
                              target, check->schema_version, check->required_version);

    case TG_DATABASE_STATE_SCHEMA_TOO_NEW:
      return g_strdup_printf (_("%s is at schema version %u, newer than this version of "
                                "Tollgate understands (%u). Upgrade Tollgate to use this "
                                "database."),
                              target, check->schema_version, check->required_version);

    case TG_DATABASE_STATE_NO_SCHEMA:
      return g_strdup_printf (_("%s has no Tollgate schema yet. Create it with "
                                "<tt>tollgatectl migrate</tt>, as a role that may create "
                                "schemas and roles."),
                              target);

    case TG_DATABASE_STATE_CANNOT_CONNECT:
      return g_strdup (_("Check that the server is running and that the connection settings "
                         "are right, or start Tollgate with <tt>--db</tt> and a connection "
                         "string."));

    case TG_DATABASE_STATE_FAILED:
      return g_strdup_printf (_("%s answered with an error. Check that your role may read "
                                "the <tt>tollgate</tt> schema."),
                              target);

    case TG_DATABASE_STATE_CONNECTING:
    case TG_DATABASE_STATE_CONNECTED:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
show_problem (TgWindow              *self,
              const TgDatabaseCheck *check)
{
  g_autofree char *description = describe_problem (check);
  const ProblemPage *page = NULL;
  gboolean show_details;

  for (guint i = 0; i < G_N_ELEMENTS (problem_pages); i++)
    if (problem_pages[i].state == check->state)
      page = &problem_pages[i];
  g_return_if_fail (page != NULL);

  adw_status_page_set_icon_name (self->problem_page, page->icon_name);
  adw_status_page_set_title (self->problem_page, _(page->title));
  adw_status_page_set_description (self->problem_page, description);

  /* libpq's own words matter when the connection failed; the schema states are fully
   * explained above.
   */
  show_details = check->error != NULL &&
                 (check->state == TG_DATABASE_STATE_CANNOT_CONNECT ||
                  check->state == TG_DATABASE_STATE_FAILED);
  if (show_details)
    {
      /* libpq indents its hint lines with a tab; the label wraps on its own. */
      g_auto(GStrv) lines = g_strsplit (check->error->message, "\n", -1);
      g_autofree char *details = NULL;

      for (guint i = 0; lines[i] != NULL; i++)
        g_strstrip (lines[i]);
      details = g_strjoinv ("\n", lines);
      gtk_label_set_text (self->problem_details, details);
    }
  else
    gtk_label_set_text (self->problem_details, "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_details), show_details);

  gtk_stack_set_visible_child_name (self->stack, "problem");
}

static void
show_connected (TgWindow              *self,
                const TgDatabaseCheck *check)
{
  g_autofree char *server = NULL;
  g_autofree char *schema = NULL;

  /* TRANSLATORS: %s is the server's version string, "15.4 (Debian 15.4-1)" */
  server = g_strdup_printf (_("PostgreSQL %s"),
                            check->server_version != NULL ? check->server_version : "?");
  /* TRANSLATORS: %u is a schema version number */
  schema = g_strdup_printf (_("Version %u, up to date"), check->schema_version);

  adw_action_row_set_subtitle (self->database_row, check->target);
  adw_action_row_set_subtitle (self->server_row, server);
  adw_action_row_set_subtitle (self->schema_row, schema);

  gtk_stack_set_visible_child_name (self->stack, "connected");
}

static void
tg_window_set_check (TgWindow        *self,
                     TgDatabaseCheck *check)
{
  TgDatabaseState state;

  g_assert (TG_IS_WINDOW (self));

  g_clear_pointer (&self->check, tg_database_check_free);
  self->check = check;
  state = check != NULL ? check->state : TG_DATABASE_STATE_CONNECTING;

  adw_window_title_set_subtitle (self->window_title,
                                 check != NULL && check->target != NULL ? check->target : "");

  if (check == NULL)
    gtk_stack_set_visible_child_name (self->stack, "connecting");
  else if (state == TG_DATABASE_STATE_CONNECTED)
    show_connected (self, check);
  else
    show_problem (self, check);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_CHECK]);

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  tg_window_update_actions (self);
  tg_window_maybe_take_screenshot (self);
}

static void
on_check_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TgWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TgDatabaseCheck *check;

  check = tg_database_check_run_finish (result, &error);
  if (check == NULL)
    {
      /* Cancelled: a newer check replaced this one, or the window is closing. */
      g_debug ("Database check dropped: %s", error->message);
      return;
    }

  g_debug ("Database check: %s", check->error != NULL ? check->error->message : "connected");
  tg_window_set_check (self, check);
}

/**
 * tg_window_reconnect:
 *
 * Checks the database again on a worker thread. A check still under way is
 * cancelled: the latest request wins.
 */
void
tg_window_reconnect (TgWindow *self)
{
  g_return_if_fail (TG_IS_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  tg_window_set_check (self, NULL);

  tg_database_check_run_async (self->conninfo, self->cancellable,
                               on_check_done, g_object_ref (self));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  tg_window_reconnect (TG_WINDOW (widget));
}

static void
tg_window_load_size (TgWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
tg_window_save_size (TgWindow *self)
{
  gboolean maximized;
  int width;
  int height;

  if (self->settings == NULL)
    return;

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  /* The default size is the unmaximized size, so a maximized window keeps the size it
   * returns to.
   */
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
tg_window_close_request (GtkWindow *window)
{
  TgWindow *self = TG_WINDOW (window);

  tg_window_save_size (self);

  return GTK_WINDOW_CLASS (tg_window_parent_class)->close_request (window);
}

/* GtkWindow:application is not a construct property, so g_object_new() sets it after
 * constructed(): the settings arrive with it.
 */
static void
tg_window_notify_application (TgWindow   *self,
                              GParamSpec *pspec)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings = NULL;

  if (TG_IS_APPLICATION (application))
    settings = tg_application_get_settings (TG_APPLICATION (application));

  if (settings == NULL || settings == self->settings)
    return;

  g_set_object (&self->settings, settings);
  tg_window_load_size (self);
}

static void
tg_window_constructed (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  G_OBJECT_CLASS (tg_window_parent_class)->constructed (object);

  tg_window_reconnect (self);
}

static void
cancel_screenshot (TgWindow *self)
{
  g_clear_signal_handler (&self->screenshot_paint_id, self->screenshot_clock);
  self->screenshot_clock = NULL;

  if (self->screenshot_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->screenshot_task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The window closed before its screenshot was taken");
    }
}

static void
tg_window_dispose (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  cancel_screenshot (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tg_window_parent_class)->dispose (object);
}

static void
tg_window_finalize (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  g_clear_pointer (&self->check, tg_database_check_free);
  g_clear_pointer (&self->conninfo, g_free);

  G_OBJECT_CLASS (tg_window_parent_class)->finalize (object);
}

static void
tg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TgWindow *self = TG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_value_set_string (value, self->conninfo);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_DATABASE_CHECK:
      g_value_set_boxed (value, self->check);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TgWindow *self = TG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      /* At construction the check starts in constructed(), once. */
      if (self->cancellable == NULL)
        self->conninfo = g_value_dup_string (value);
      else
        tg_window_set_conninfo (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_window_class_init (TgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tg_window_constructed;
  object_class->dispose = tg_window_dispose;
  object_class->finalize = tg_window_finalize;
  object_class->get_property = tg_window_get_property;
  object_class->set_property = tg_window_set_property;

  window_class->close_request = tg_window_close_request;

  /**
   * TgWindow:conninfo:
   *
   * The libpq connection string or URI of the database, or %NULL for libpq's
   * environment. It may hold a password, so it is never shown.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TG_TYPE_DATABASE_STATE, TG_DATABASE_STATE_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DATABASE_CHECK] =
    g_param_spec_boxed ("database-check", NULL, NULL,
                        TG_TYPE_DATABASE_CHECK,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TgWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, connected_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, schema_row);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_details);

  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  /* Menus show the accelerator of the binding added last: Ctrl+R. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.reconnect", NULL);
}

static void
tg_window_init (TgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::application",
                    G_CALLBACK (tg_window_notify_application), NULL);
}

/**
 * tg_window_new:
 * @application: (nullable): the application
 * @conninfo: (nullable): a libpq connection string or URI; %NULL uses libpq's
 *   environment
 *
 * Creates a window and starts checking its database at once.
 */
TgWindow *
tg_window_new (TgApplication *application,
               const char    *conninfo)
{
  g_return_val_if_fail (application == NULL || TG_IS_APPLICATION (application), NULL);

  return g_object_new (TG_TYPE_WINDOW,
                       "application", application,
                       "conninfo", conninfo,
                       NULL);
}

const char *
tg_window_get_conninfo (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->conninfo;
}

/* Points the window at another database and checks it. */
void
tg_window_set_conninfo (TgWindow   *self,
                        const char *conninfo)
{
  g_return_if_fail (TG_IS_WINDOW (self));

  if (g_strcmp0 (self->conninfo, conninfo) == 0)
    return;

  g_free (self->conninfo);
  self->conninfo = g_strdup (conninfo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNINFO]);
  tg_window_reconnect (self);
}

TgDatabaseState
tg_window_get_state (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), TG_DATABASE_STATE_CONNECTING);

  return self->state;
}

/**
 * tg_window_get_database_check:
 *
 * Returns: (transfer none) (nullable): the facts of the last finished check, or %NULL
 *   while connecting
 */
const TgDatabaseCheck *
tg_window_get_database_check (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->check;
}

/**
 * tg_window_save_png:
 *
 * Renders the window as it is on screen now into a PNG. The window must be mapped.
 */
gboolean
tg_window_save_png (TgWindow  *self,
                    GFile     *file,
                    GError   **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (renderer == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The window is not on screen");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);

  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window drew nothing");
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = gdk_texture_save_to_png_bytes (texture);

  return g_file_replace_contents (file,
                                  g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}

static gboolean
take_screenshot_idle (gpointer user_data)
{
  TgWindow *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->screenshot_task);
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (task == NULL)
    return G_SOURCE_REMOVE;

  file = g_task_get_task_data (task);
  if (tg_window_save_png (self, file, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  return G_SOURCE_REMOVE;
}

static void
on_screenshot_after_paint (TgWindow      *self,
                           GdkFrameClock *frame_clock)
{
  g_clear_signal_handler (&self->screenshot_paint_id, self->screenshot_clock);
  self->screenshot_clock = NULL;

  /* The frame with the result is on screen; render our copy outside the paint cycle. */
  g_idle_add_full (G_PRIORITY_DEFAULT, take_screenshot_idle,
                   g_object_ref (self), g_object_unref);
}

/* Once the check's result is shown and the window is mapped, waits for the next frame
 * to be painted (so the new page is laid out) and then takes the screenshot.
 */
static void
tg_window_maybe_take_screenshot (TgWindow *self)
{
  GdkFrameClock *frame_clock;

  if (self->screenshot_task == NULL || self->screenshot_paint_id != 0)
    return;

  if (self->state == TG_DATABASE_STATE_CONNECTING || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* Not halfway through the crossfade from the spinner. */
  if (gtk_stack_get_transition_running (self->stack))
    return;

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  g_return_if_fail (frame_clock != NULL);

  self->screenshot_clock = frame_clock;
  self->screenshot_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                       G_CALLBACK (on_screenshot_after_paint),
                                                       self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_screenshot_condition_changed (TgWindow *self)
{
  tg_window_maybe_take_screenshot (self);
}

/**
 * tg_window_screenshot_async:
 * @file: where to write the PNG
 *
 * Waits until the database check has finished and its result is on screen, then
 * saves the window to @file. The window must be presented for this to complete.
 */
void
tg_window_screenshot_async (TgWindow            *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_window_screenshot_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  if (self->screenshot_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A screenshot is already pending");
      return;
    }

  self->screenshot_task = g_steal_pointer (&task);
  g_signal_connect_object (self, "map", G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::transition-running",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  tg_window_maybe_take_screenshot (self);
}

gboolean
tg_window_screenshot_finish (TgWindow      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
