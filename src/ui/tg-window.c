/* tg-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window. It first looks at a database on a worker thread (TgDatabaseCheck:
 * can it connect, does the schema fit this Tollgate) and says what is wrong if
 * anything is; then it opens the UI thread's TgDbConnection (tg-window-session.c) and
 * shows the dashboard: the header with the month's summary, the sidebar, the view
 * stack of pages and the footer. On first run it shows the welcome page instead.
 *
 * A connection that worked is remembered in GSettings without its password; the
 * password goes to the keyring (TgSecretStore), filed under the host, port, database
 * and user that libpq reported, and is looked up there at the next start.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-application.h"
#include "tg-conninfo.h"
#include "tg-window-private.h"

enum {
  PROP_0,
  PROP_CONNINFO,
  PROP_AUTOCONNECT,
  PROP_STATE,
  PROP_READY,
  PROP_DATABASE_CHECK,
  PROP_CONNECTION,
  PROP_ROLES,
  PROP_SESSION_USER,
  PROP_BILLING_TIMEZONE,
  PROP_REPORTING_CURRENCY,
  PROP_SIDEBAR_VISIBLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgWindow, tg_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void tg_window_maybe_take_screenshot (TgWindow *self);

/* Overwrites a password before freeing it: it should not linger in freed memory. */
static void
clear_password (char **password)
{
  if (*password != NULL)
    {
      memset (*password, 0, strlen (*password));
      g_clear_pointer (password, g_free);
    }
}

static void
replace_cancellable (GCancellable **cancellable)
{
  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

/* Asynchronous calls hold the window weakly, so that closing it is not delayed by a
 * query or a keyring call in flight: its dispose cancels them, and their callbacks
 * find no window.
 */
GWeakRef *
_tg_window_weak_ref_new (TgWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* Returns: (transfer full) (nullable): the window, if it still lives; frees @ref */
TgWindow *
_tg_window_weak_ref_steal (GWeakRef *ref)
{
  TgWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);

  return self;
}

void
_tg_window_show_toast (TgWindow   *self,
                       const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 8);
  tg_window_add_toast (self, toast);
}

static void
set_state (TgWindow        *self,
           TgDatabaseState  state)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  _tg_window_update_actions (self);
  _tg_window_update_ready (self);
}

/* Ready: what the window shows is settled — the welcome page, a problem, or the
 * dashboard once the first summary query and the Overview's first load (its cards and
 * the newest calls of its feed) have answered, with figures or an error. --screenshot
 * waits for this.
 */
void
_tg_window_update_ready (TgWindow *self)
{
  gboolean ready;

  switch (self->state)
    {
    case TG_DATABASE_STATE_CONNECTING:
      ready = FALSE;
      break;

    case TG_DATABASE_STATE_CONNECTED:
      /* The header's figures, and the Overview's cards and newest calls. */
      ready = self->summary_answered && tg_overview_page_get_ready (self->overview_page);
      break;

    case TG_DATABASE_STATE_NOT_CONFIGURED:
    case TG_DATABASE_STATE_SCHEMA_BEHIND:
    case TG_DATABASE_STATE_SCHEMA_TOO_NEW:
    case TG_DATABASE_STATE_NO_SCHEMA:
    case TG_DATABASE_STATE_CANNOT_CONNECT:
    case TG_DATABASE_STATE_FAILED:
    default:
      ready = TRUE;
      break;
    }

  if (self->ready != ready)
    {
      self->ready = ready;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }

  tg_window_maybe_take_screenshot (self);
}

void
_tg_window_set_roles (TgWindow   *self,
                      TgRoleSet   roles,
                      const char *session_user)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->roles != roles)
    {
      self->roles = roles;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
    }

  if (g_strcmp0 (self->session_user, session_user) != 0)
    {
      g_free (self->session_user);
      self->session_user = g_strdup (session_user);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_USER]);
    }

  _tg_window_update_actions (self);

  g_object_thaw_notify (G_OBJECT (self));
}

void
_tg_window_set_settings (TgWindow   *self,
                         const char *billing_timezone,
                         const char *reporting_currency)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->billing_timezone, billing_timezone) != 0)
    {
      g_free (self->billing_timezone);
      self->billing_timezone = g_strdup (billing_timezone);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BILLING_TIMEZONE]);
    }

  if (g_strcmp0 (self->reporting_currency, reporting_currency) != 0)
    {
      g_free (self->reporting_currency);
      self->reporting_currency = g_strdup (reporting_currency);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORTING_CURRENCY]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* Pages */

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
    case TG_DATABASE_STATE_NOT_CONFIGURED:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* libpq indents its hint lines with a tab; the label wraps on its own. */
static char *
clean_error_message (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_strstrip (lines[i]);

  return g_strstrip (g_strjoinv ("\n", lines));
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
      g_autofree char *details = clean_error_message (check->error->message);

      gtk_label_set_text (self->problem_details, details);
    }
  else
    gtk_label_set_text (self->problem_details, "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_details), show_details);

  gtk_stack_set_visible_child_name (self->stack, "problem");
}

static void
on_password_stored (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;

  if (tg_secret_store_store_database_password_finish (TG_SECRET_STORE (object), result, &error))
    return;

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  {
    /* TRANSLATORS: %s is the keyring's error message */
    g_autofree char *title = g_strdup_printf (_("The password could not be saved in the "
                                                "keyring: %s"),
                                              error->message);
    _tg_window_show_toast (self, title);
  }
}

/* The connection worked: remember it for the next start, without its password, and
 * file the password in the keyring under what libpq reported.
 */
static void
remember_connection (TgWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remembered = NULL;
  const TgDatabaseCheck *check = self->check;

  if (!self->remember)
    return;

  remembered = tg_conninfo_for_remembering (self->conninfo, check->host, check->port,
                                            check->dbname, check->user, &error);
  if (remembered == NULL)
    {
      g_debug ("Not remembering the connection: %s", error->message);
      return;
    }

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-connection", remembered);

  if (self->password != NULL)
    tg_secret_store_store_database_password_async (self->secret_store,
                                                   check->host, check->port,
                                                   check->dbname, check->user,
                                                   self->password,
                                                   self->cancellable,
                                                   on_password_stored,
                                                   _tg_window_weak_ref_new (self));
  clear_password (&self->password);
}

static void
show_connected (TgWindow *self)
{
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        self->check->target != NULL ? self->check->target : "");
  gtk_stack_set_visible_child_name (self->stack, "connected");
  _tg_window_session_start (self);
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

  if (check == NULL)
    gtk_stack_set_visible_child_name (self->stack, "connecting");
  else if (state == TG_DATABASE_STATE_CONNECTED)
    {
      remember_connection (self);
      show_connected (self);
    }
  else if (self->from_welcome &&
           (state == TG_DATABASE_STATE_CANNOT_CONNECT || state == TG_DATABASE_STATE_FAILED))
    {
      /* Back to the form the user just filled in, to fix what is wrong there. */
      g_autofree char *message = clean_error_message (check->error->message);

      tg_welcome_page_set_error (self->welcome_page, message);
      gtk_stack_set_visible_child_name (self->stack, "welcome");
    }
  else
    show_problem (self, check);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_CHECK]);
  set_state (self, state);
}

static void
on_check_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  TgDatabaseCheck *check;

  check = tg_database_check_run_finish (result, &error);
  if (check == NULL)
    {
      /* Cancelled: a newer check replaced this one, or the window is closing. */
      g_debug ("Database check dropped: %s", error->message);
      return;
    }

  if (self == NULL)
    {
      tg_database_check_free (check);
      return;
    }

  g_debug ("Database check: %s", check->error != NULL ? check->error->message : "connected");
  tg_window_set_check (self, check);
}

/* Drops whatever the window is connected or connecting to. */
static void
tg_window_disconnect (TgWindow *self)
{
  replace_cancellable (&self->cancellable);
  _tg_window_session_stop (self);

  if (self->preferences != NULL)
    gtk_window_destroy (self->preferences);
}

/**
 * tg_window_reconnect:
 *
 * Checks the database again on a worker thread, then reconnects. A check still under
 * way is cancelled: the latest request wins.
 */
void
tg_window_reconnect (TgWindow *self)
{
  g_return_if_fail (TG_IS_WINDOW (self));

  tg_window_disconnect (self);
  tg_window_set_check (self, NULL);

  tg_database_check_run_async (self->conninfo, self->cancellable,
                               on_check_done, _tg_window_weak_ref_new (self));
}

static void
set_conninfo (TgWindow   *self,
              const char *conninfo)
{
  if (g_strcmp0 (self->conninfo, conninfo) == 0)
    return;

  clear_password (&self->conninfo);
  self->conninfo = g_strdup (conninfo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNINFO]);
}

/**
 * tg_window_connect:
 * @conninfo: (nullable): a libpq connection string or URI; %NULL uses libpq's
 *   environment
 * @password: (nullable): the password, when it is not in @conninfo
 *
 * Connects to another database. Once it works the connection is remembered for the
 * next start (unless it came from the environment) and its password, whether given
 * here or in @conninfo, is saved in the keyring.
 */
void
tg_window_connect (TgWindow   *self,
                   const char *conninfo,
                   const char *password)
{
  g_autofree char *full = NULL;

  g_return_if_fail (TG_IS_WINDOW (self));

  clear_password (&self->password);
  if (password != NULL && *password != '\0')
    self->password = g_strdup (password);
  else if (conninfo != NULL)
    g_free (tg_conninfo_strip_secrets (conninfo, &self->password, NULL));

  full = conninfo != NULL ? tg_conninfo_add_password (conninfo, password) : NULL;
  self->remember = conninfo != NULL;
  self->from_welcome = FALSE;
  set_conninfo (self, full);
  clear_password (&full);

  tg_window_reconnect (self);
}

static void
on_password_looked_up (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  char *password;

  password = tg_secret_store_lookup_database_password_finish (TG_SECRET_STORE (object),
                                                              result, &error);
  if (self == NULL)
    {
      tg_secret_free (password);
      return;
    }

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Connecting without the password may still work (.pgpass, trust); if not, the
       * problem page says so and the form can take the password again.
       */
      g_message ("Could not look up the database password in the keyring: %s", error->message);
    }

  if (password != NULL)
    {
      g_autofree char *full = tg_conninfo_add_password (self->conninfo, password);

      tg_secret_free (password);
      set_conninfo (self, full);
      clear_password (&full);
    }

  tg_window_reconnect (self);
}

/**
 * tg_window_connect_remembered:
 * @conninfo: the connection remembered in GSettings (no password)
 *
 * Looks the password up in the keyring, without blocking, and then connects.
 */
void
tg_window_connect_remembered (TgWindow   *self,
                              const char *conninfo)
{
  g_autoptr(GHashTable) options = NULL;

  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (conninfo != NULL);

  tg_window_disconnect (self);
  clear_password (&self->password);
  self->remember = TRUE;
  self->from_welcome = FALSE;
  set_conninfo (self, conninfo);
  tg_window_set_check (self, NULL);

  options = tg_db_conninfo_parse (conninfo, NULL);
  if (options == NULL)
    {
      tg_window_reconnect (self);
      return;
    }

  tg_secret_store_lookup_database_password_async (self->secret_store,
                                                  g_hash_table_lookup (options, "host"),
                                                  g_hash_table_lookup (options, "port"),
                                                  g_hash_table_lookup (options, "dbname"),
                                                  g_hash_table_lookup (options, "user"),
                                                  self->cancellable,
                                                  on_password_looked_up,
                                                  _tg_window_weak_ref_new (self));
}

static void
on_demo_checked (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  gboolean available;

  available = tg_application_check_demo_finish (TG_APPLICATION (object), result, &error);
  if (self == NULL)
    return;

  if (available)
    _tg_window_set_demo_blocker (self, NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _tg_window_set_demo_blocker (self, error->message);
}

/**
 * tg_window_show_welcome:
 *
 * Disconnects and shows the welcome page, its form filled in from the current
 * connection (without its password).
 */
void
tg_window_show_welcome (TgWindow *self)
{
  GtkApplication *application;

  g_return_if_fail (TG_IS_WINDOW (self));

  tg_window_disconnect (self);
  g_clear_pointer (&self->check, tg_database_check_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_CHECK]);

  if (self->conninfo != NULL)
    tg_welcome_page_set_conninfo (self->welcome_page, self->conninfo);
  tg_welcome_page_set_error (self->welcome_page, NULL);
  gtk_stack_set_visible_child_name (self->stack, "welcome");

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (!self->demo_checked && TG_IS_APPLICATION (application))
    {
      self->demo_checked = TRUE;
      tg_application_check_demo_async (TG_APPLICATION (application), self->demo_cancellable,
                                       on_demo_checked, _tg_window_weak_ref_new (self));
    }

  set_state (self, TG_DATABASE_STATE_NOT_CONFIGURED);
}

/* The demo */

static void
on_demo_status (TgWindow *self)
{
  tg_welcome_page_set_demo_status (self->welcome_page,
                                   self->demo_starting ? tg_demo_get_status (self->demo) : NULL);
}

static void
connect_demo (TgWindow *self)
{
  tg_window_connect (self, tg_demo_get_conninfo (self->demo), NULL);
  /* The demo's server runs only while this window lives: the next start must not go
   * looking for it.
   */
  self->remember = FALSE;
}

static void
on_demo_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  gboolean started;

  started = tg_demo_start_finish (TG_DEMO (object), result, &error);
  if (self == NULL)
    return;

  self->demo_starting = FALSE;
  on_demo_status (self);
  _tg_window_update_actions (self);

  if (!started)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tg_window_show_toast (self, _("The demo was cancelled"));
      else
        {
          /* The whole message (the step and its program's last words) stays on the
           * page, where it can be read and copied; the toast only points at it.
           */
          tg_welcome_page_set_error (self->welcome_page, error->message);
          _tg_window_show_toast (self, _("The demo could not start"));
        }
      return;
    }

  connect_demo (self);
}

/**
 * tg_window_run_demo:
 * @demo: the application's demo
 *
 * Starts @demo, showing its progress on the welcome page with a way to cancel, and
 * connects to it once it runs.
 */
void
tg_window_run_demo (TgWindow *self,
                    TgDemo   *demo)
{
  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (TG_IS_DEMO (demo));

  if (self->demo_starting)
    return;

  if (self->demo != demo)
    {
      g_clear_signal_handler (&self->demo_status_id, self->demo);
      g_set_object (&self->demo, demo);
      self->demo_status_id = g_signal_connect_object (demo, "notify::status",
                                                      G_CALLBACK (on_demo_status), self,
                                                      G_CONNECT_SWAPPED);
    }

  if (tg_demo_get_running (demo))
    {
      connect_demo (self);
      return;
    }

  if (self->state != TG_DATABASE_STATE_NOT_CONFIGURED)
    tg_window_show_welcome (self);

  replace_cancellable (&self->demo_cancellable);
  self->demo_starting = TRUE;
  tg_welcome_page_set_error (self->welcome_page, NULL);
  on_demo_status (self);
  _tg_window_update_actions (self);

  tg_demo_start_async (demo, self->demo_cancellable, on_demo_started,
                       _tg_window_weak_ref_new (self));
}

/**
 * _tg_window_cancel_demo:
 *
 * Cancels the demo's start: the step under way ends and the server stops.
 */
void
_tg_window_cancel_demo (TgWindow *self)
{
  g_cancellable_cancel (self->demo_cancellable);
}

static void
on_welcome_connect (TgWindow   *self,
                    const char *conninfo,
                    const char *password)
{
  tg_window_connect (self, conninfo, password);
  self->from_welcome = TRUE;
}

/* Window size */

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

  if (self->autoconnect)
    {
      /* A connection string given at construction (--db) is remembered once it
       * works, and the password it carries goes to the keyring.
       */
      g_autofree char *conninfo = g_strdup (self->conninfo);

      tg_window_connect (self, conninfo, NULL);
    }
  else
    set_state (self, TG_DATABASE_STATE_NOT_CONFIGURED);
}

/* Screenshots */

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
  g_cancellable_cancel (self->demo_cancellable);
  _tg_window_session_stop (self);
  cancel_screenshot (self);

  if (self->preferences != NULL)
    gtk_window_destroy (self->preferences);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->demo_cancellable);
  g_clear_signal_handler (&self->demo_status_id, self->demo);
  g_clear_object (&self->demo);
  g_clear_object (&self->settings);
  g_clear_object (&self->secret_store);

  G_OBJECT_CLASS (tg_window_parent_class)->dispose (object);
}

static void
tg_window_finalize (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  g_clear_pointer (&self->check, tg_database_check_free);
  clear_password (&self->conninfo);
  clear_password (&self->password);
  g_clear_pointer (&self->session_user, g_free);
  g_clear_pointer (&self->billing_timezone, g_free);
  g_clear_pointer (&self->reporting_currency, g_free);
  g_clear_pointer (&self->billing_zone, g_time_zone_unref);
  g_clear_pointer (&self->demo_blocker, g_free);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

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

    case PROP_AUTOCONNECT:
      g_value_set_boolean (value, self->autoconnect);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_DATABASE_CHECK:
      g_value_set_boxed (value, self->check);
      break;

    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_ROLES:
      g_value_set_flags (value, self->roles);
      break;

    case PROP_SESSION_USER:
      g_value_set_string (value, self->session_user);
      break;

    case PROP_BILLING_TIMEZONE:
      g_value_set_string (value, self->billing_timezone);
      break;

    case PROP_REPORTING_CURRENCY:
      g_value_set_string (value, self->reporting_currency);
      break;

    case PROP_SIDEBAR_VISIBLE:
      g_value_set_boolean (value, self->sidebar_visible);
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
      /* At construction the connection starts in constructed(), once. */
      if (self->cancellable == NULL)
        self->conninfo = g_value_dup_string (value);
      else
        tg_window_set_conninfo (self, g_value_get_string (value));
      break;

    case PROP_AUTOCONNECT:
      self->autoconnect = g_value_get_boolean (value);
      break;

    case PROP_SIDEBAR_VISIBLE:
      if (self->sidebar_visible != g_value_get_boolean (value))
        {
          self->sidebar_visible = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
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

  /**
   * TgWindow:autoconnect:
   *
   * Whether the window connects to #TgWindow:conninfo as soon as it is made; without,
   * it waits for tg_window_connect(), tg_window_connect_remembered() or
   * tg_window_show_welcome().
   */
  properties[PROP_AUTOCONNECT] =
    g_param_spec_boolean ("autoconnect", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TG_TYPE_DATABASE_STATE, TG_DATABASE_STATE_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:ready:
   *
   * Whether what the window shows is settled: the welcome page, a problem, or the
   * dashboard once the month's summary has been read (or failed to be).
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DATABASE_CHECK] =
    g_param_spec_boxed ("database-check", NULL, NULL,
                        TG_TYPE_DATABASE_CHECK,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:connection:
   *
   * The UI thread's connection to the database, once the check found it usable.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:roles:
   *
   * The Tollgate roles the session user holds; actions that need another role are
   * disabled.
   */
  properties[PROP_ROLES] =
    g_param_spec_flags ("roles", NULL, NULL,
                        TG_TYPE_ROLE_SET, TG_ROLE_SET_NONE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION_USER] =
    g_param_spec_string ("session-user", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BILLING_TIMEZONE] =
    g_param_spec_string ("billing-timezone", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORTING_CURRENCY] =
    g_param_spec_string ("reporting-currency", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SIDEBAR_VISIBLE] =
    g_param_spec_boolean ("sidebar-visible", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_BANNER);
  g_type_ensure (TG_TYPE_MONTH_SUMMARY);
  g_type_ensure (TG_TYPE_OVERVIEW_PAGE);
  g_type_ensure (TG_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_details);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, month_summary);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, footer_status_label);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, footer_user_label);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_connect);

  _tg_window_actions_class_init (widget_class);
}

/* The header shows the month as the Overview's cards add up: one snapshot, so that the
 * header's total and the chart's agree to the cent while calls keep arriving. */
static void
on_overview_month_loaded (TgWindow *self)
{
  GTimeZone *zone = NULL;
  const char *currency = NULL;
  TgUsageRow *total = tg_overview_page_get_month_total (self->overview_page, &zone, &currency);

  if (total != NULL)
    tg_month_summary_set_usage (self->month_summary, total, currency, zone);
}

static void
tg_window_init (TgWindow *self)
{
  self->autoconnect = TRUE;
  self->sidebar_visible = TRUE;
  self->state = TG_DATABASE_STATE_CONNECTING;
  self->secret_store = tg_secret_store_new ();
  self->demo_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self, "sidebar-visible", self->flap, "reveal-flap",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_signal_connect (self, "notify::application",
                    G_CALLBACK (tg_window_notify_application), NULL);
  g_signal_connect_object (self->overview_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->overview_page, "month-loaded",
                           G_CALLBACK (on_overview_month_loaded), self, G_CONNECT_SWAPPED);

  _tg_window_actions_init (self);
}

/**
 * tg_window_new:
 * @application: (nullable): the application
 * @conninfo: (nullable): a libpq connection string or URI; %NULL uses libpq's
 *   environment
 *
 * Creates a window and starts connecting at once. A @conninfo that works is
 * remembered for the next start.
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

/**
 * tg_window_new_welcome:
 *
 * Creates a window that shows the welcome page: no database is chosen yet.
 */
TgWindow *
tg_window_new_welcome (TgApplication *application)
{
  TgWindow *self;

  g_return_val_if_fail (application == NULL || TG_IS_APPLICATION (application), NULL);

  self = g_object_new (TG_TYPE_WINDOW,
                       "application", application,
                       "autoconnect", FALSE,
                       NULL);
  tg_window_show_welcome (self);

  return self;
}

/* The connection string may hold a password: for tests, never for the screen. */
const char *
tg_window_get_conninfo (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->conninfo;
}

/* Points the window at another database and connects to it. */
void
tg_window_set_conninfo (TgWindow   *self,
                        const char *conninfo)
{
  g_return_if_fail (TG_IS_WINDOW (self));

  if (g_strcmp0 (self->conninfo, conninfo) == 0)
    return;

  tg_window_connect (self, conninfo, NULL);
}

TgDatabaseState
tg_window_get_state (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), TG_DATABASE_STATE_CONNECTING);

  return self->state;
}

gboolean
tg_window_get_ready (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);

  return self->ready;
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
 * tg_window_get_connection:
 *
 * Returns: (transfer none) (nullable): the UI thread's database connection
 */
TgDbConnection *
tg_window_get_connection (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->connection;
}

TgRoleSet
tg_window_get_roles (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), TG_ROLE_SET_NONE);

  return self->roles;
}

const char *
tg_window_get_session_user (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->session_user;
}

const char *
tg_window_get_billing_timezone (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->billing_timezone;
}

const char *
tg_window_get_reporting_currency (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->reporting_currency;
}

/**
 * tg_window_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in the Preferences window when that is open (it is modal, and covers
 * this one), else in this window.
 */
void
tg_window_add_toast (TgWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  if (ADW_IS_PREFERENCES_WINDOW (self->preferences))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self->preferences), toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

  /* tools/measure-launch reads this: from start to the first frame showing data. */
  if (self->state == TG_DATABASE_STATE_CONNECTED && g_getenv ("TOLLGATE_REPORT_LAUNCH") != NULL)
    g_printerr ("tollgate: first frame with data %.1f ms after start\n",
                (g_get_monotonic_time () - tg_application_get_started_at ()) / 1000.0);

  /* The frame with the result is on screen; render our copy outside the paint cycle. */
  g_idle_add_full (G_PRIORITY_DEFAULT, take_screenshot_idle,
                   g_object_ref (self), g_object_unref);
}

static void
on_screenshot_condition_changed (TgWindow *self)
{
  tg_window_maybe_take_screenshot (self);
}

/* Once the window is ready (tg_window_get_ready()) and mapped, waits for the next
 * frame to be painted (so the new page is laid out) and then takes the screenshot.
 */
static void
tg_window_maybe_take_screenshot (TgWindow *self)
{
  GdkFrameClock *frame_clock;

  if (self->screenshot_task == NULL || self->screenshot_paint_id != 0)
    return;

  if (!self->ready || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* Not halfway through the crossfade from the spinner, the window's or the Overview's. */
  if (gtk_stack_get_transition_running (self->stack) ||
      tg_overview_page_get_transition_running (self->overview_page))
    return;

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  g_return_if_fail (frame_clock != NULL);

  self->screenshot_clock = frame_clock;
  self->screenshot_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                       G_CALLBACK (on_screenshot_after_paint),
                                                       self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tg_window_screenshot_async:
 * @file: where to write the PNG
 *
 * Saves the window as a PNG once it is ready: the welcome page, a problem page, or
 * the dashboard with its first figures (or their error) shown.
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
  g_signal_connect_object (self->overview_page, "notify::transition-running",
                           G_CALLBACK (on_screenshot_condition_changed), self,
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
