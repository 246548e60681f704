/* tg-application.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <libsecret/secret.h>
#include <pango/pango.h>

#include "tg-alert-notifier.h"
#include "tg-alert-queries.h"
#include "tg-alert-webhook.h"
#include "tg-secret-store.h"
#include "tg-application.h"
#include "tg-demo.h"
#include "tg-migrator.h"
#include "tg-net.h"
#include "tg-window.h"
#include "tg-worker.h"

/* How long quitting waits for the worker threads to hang up. */
#define WORKER_STOP_TIMEOUT_MS 5000

struct _TgApplication
{
  AdwApplication  parent_instance;

  /* owned; NULL when the GSettings schema is not installed (an uninstalled build run
   * without GSETTINGS_SCHEMA_DIR): the window then just does not remember its size.
   */
  GSettings      *settings;
  TgDemo         *demo;          /* made at the first "Try the Demo" */

  GHashTable     *announcers;    /* database identity → Announcer */
  GCancellable   *claim_cancellable;
  TgSecretStore  *secret_store;  /* the webhooks' URLs */

  /* borrowed */
  TgWindow       *demo_window;   /* the window the demo runs for; weak pointer */

  int             exit_status;
  guint           n_demo_stops;   /* stops under way; each holds the application */
  guint           n_notifications;
  guint           n_claims;       /* claims under way */
  guint           quiet : 1;      /* --screenshot: announce nothing */
};

enum {
  PROP_0,
  PROP_N_NOTIFICATIONS,
  PROP_ANNOUNCING,
  N_PROPS
};

enum {
  ALERT_NOTIFIED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TgApplication, tg_application, ADW_TYPE_APPLICATION)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* How this computer announces the alerts of one database: its record of desktop
 * notifications, its record of webhook posts, and where the webhook's URL is kept. */
typedef struct
{
  TgAlertNotifier *desktop;
  TgAlertNotifier *webhook;
  TgSecretKey     *webhook_key;
} Announcer;

static void
announcer_free (Announcer *announcer)
{
  g_clear_object (&announcer->desktop);
  g_clear_object (&announcer->webhook);
  g_clear_pointer (&announcer->webhook_key, tg_secret_key_unref);
  g_free (announcer);
}

static const GOptionEntry option_entries[] = {
  { "db", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Connect to this database (a libpq connection string or URI); "
       "without it libpq’s environment applies (PGHOST, PGDATABASE, PGSERVICE …)"),
    N_("CONNINFO") },
  { "screenshot", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Save the window as a PNG once its first data is shown, then quit"),
    N_("FILE") },
  { "page", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Show this page: overview, analytics, analytics:SECTION (trends, allocation, "
       "performance, regions), budgets or alerts"),
    N_("PAGE") },
  { "dark", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Use the dark style whatever the system prefers"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static char *
format_libpq_version (int version)
{
  /* PQlibVersion(): 150004 for 15.4 since PostgreSQL 10, 90624 for 9.6.24 before. */
  if (version >= 100000)
    return g_strdup_printf ("%d.%d", version / 10000, version % 10000);

  return g_strdup_printf ("%d.%d.%d", version / 10000, (version / 100) % 100, version % 100);
}

/**
 * tg_application_dup_debug_info:
 * @window: (nullable): the window whose database to describe
 *
 * Returns: (transfer full): the versions of Tollgate and its libraries, and of the
 *   window's database once connected, for the About window and bug reports. Never a
 *   password or a connection string.
 */
char *
tg_application_dup_debug_info (TgApplication *self,
                               TgWindow      *window)
{
  g_autoptr(GString) info = g_string_new (NULL);
  g_autofree char *libpq = format_libpq_version (PQlibVersion ());
  const TgDatabaseCheck *check = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  g_return_val_if_fail (TG_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (window == NULL || TG_IS_WINDOW (window), NULL);

  g_string_append_printf (info, "Tollgate %s (%s)\n\n", PACKAGE_VERSION, APP_ID);

  g_string_append (info, "Libraries:\n");
  g_string_append_printf (info, "- GLib %u.%u.%u (built with %d.%d.%d)\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
  g_string_append_printf (info, "- GTK %u.%u.%u (built with %d.%d.%d)\n",
                          gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version (),
                          GTK_MAJOR_VERSION, GTK_MINOR_VERSION, GTK_MICRO_VERSION);
  g_string_append_printf (info, "- libadwaita %u.%u.%u (built with %d.%d.%d)\n",
                          adw_get_major_version (), adw_get_minor_version (),
                          adw_get_micro_version (),
                          ADW_MAJOR_VERSION, ADW_MINOR_VERSION, ADW_MICRO_VERSION);
  g_string_append_printf (info, "- libpq %s\n", libpq);
  g_string_append_printf (info, "- %s\n", tg_net_get_curl_version ());
  g_string_append_printf (info, "- libsecret (built with %d.%d.%d)\n",
                          SECRET_MAJOR_VERSION, SECRET_MINOR_VERSION, SECRET_MICRO_VERSION);
  g_string_append_printf (info, "- cairo %s, Pango %s\n",
                          cairo_version_string (), pango_version_string ());

  g_string_append (info, "\nDatabase:\n");
  g_string_append_printf (info, "- Schema version this Tollgate needs: %u\n",
                          tg_migrator_get_latest_version ());
  if (window != NULL)
    check = tg_window_get_database_check (window);
  if (check == NULL)
    g_string_append (info, "- Not connected yet\n");
  else
    {
      g_autoptr(GEnumClass) states = g_type_class_ref (TG_TYPE_DATABASE_STATE);
      GEnumValue *state = g_enum_get_value (states, check->state);

      g_string_append_printf (info, "- State: %s\n", state != NULL ? state->value_nick : "?");
      if (check->target != NULL)
        g_string_append_printf (info, "- Target: %s\n", check->target);
      if (check->server_version != NULL)
        g_string_append_printf (info, "- Server: PostgreSQL %s\n", check->server_version);
      if (check->target != NULL)
        g_string_append_printf (info, "- Schema version: %u\n", check->schema_version);
      if (check->error != NULL)
        g_string_append_printf (info, "- Error: %s\n", check->error->message);
    }

  g_string_append (info, "\nEnvironment:\n");
  if (display != NULL)
    g_string_append_printf (info, "- Display: %s\n", G_OBJECT_TYPE_NAME (display));
  if (window != NULL && gtk_native_get_renderer (GTK_NATIVE (window)) != NULL)
    g_string_append_printf (info, "- Renderer: %s\n",
                            G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  g_string_append_printf (info, "- Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");

  return g_string_free (g_steal_pointer (&info), FALSE);
}

static void
tg_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TgApplication *self = user_data;
  static const char *developers[] = { "The Tollgate Authors", NULL };
  g_autofree char *debug_info = NULL;
  GtkWindow *window;
  GtkWidget *about;

  g_assert (TG_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  debug_info = tg_application_dup_debug_info (self, TG_IS_WINDOW (window) ? TG_WINDOW (window)
                                                                          : NULL);

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("Tollgate"),
                        "developer-name", _("The Tollgate Authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Watch and steer what your company spends on "
                                      "external APIs"),
                        "website", "https://github.com/tollgate/tollgate",
                        "issue-url", "https://github.com/tollgate/tollgate/issues",
                        "copyright", "© 2026 The Tollgate Authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* TRANSLATORS: your name(s), one per line, for the About window */
                        "translator-credits", _("translator-credits"),
                        "debug-info", debug_info,
                        "debug-info-filename", "tollgate-debug-info.txt",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
tg_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  TgApplication *self = user_data;

  g_assert (TG_IS_APPLICATION (self));

  /* Close windows the ordinary way so that each one saves its state. */
  for (GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
       windows != NULL; )
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_close (window);
    }

  /* Closing the demo's window began stopping the demo on a thread, and that stop holds
   * the application: it ends when the server is down. Quitting the main loop now would
   * leave shutdown to wait for the server on the UI thread instead.
   */
  if (self->n_demo_stops > 0)
    return;

  g_application_quit (G_APPLICATION (self));
}

/* A notification's default action: the Alerts page of a window, with the alert selected. */
static void
tg_application_show_alert_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  TgApplication *self = user_data;
  GtkWindow *window;

  g_assert (TG_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!TG_IS_WINDOW (window))
    return;

  gtk_window_present (window);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-alert", parameter);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = tg_application_about },
  { .name = "quit", .activate = tg_application_quit_action },
  { .name = "show-alert", .activate = tg_application_show_alert_action, .parameter_type = "x" },
};

static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_message ("The GSettings schema %s is not installed; window size will not be "
                 "remembered (set GSETTINGS_SCHEMA_DIR for an uninstalled build)", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
tg_application_startup (GApplication *application)
{
  TgApplication *self = TG_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (tg_application_parent_class)->startup (application);

  self->settings = create_settings ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
tg_application_shutdown (GApplication *application)
{
  TgApplication *self = TG_APPLICATION (application);

  /* Windows hand their worker threads a stop when they close; join them before the
   * process ends (app.quit ends the main loop without waiting for them).
   */
  if (!tg_worker_stop_all (WORKER_STOP_TIMEOUT_MS))
    g_warning ("A worker thread did not stop in time");

  /* The demo's server and simulator must not outlive the application. Quitting lets
   * a stop under way finish first (tg_application_quit_action), so this is for other
   * ends of the main loop; the stop is bounded (tg-demo.c).
   */
  if (self->demo != NULL)
    tg_demo_stop (self->demo);
  g_clear_weak_pointer (&self->demo_window);

  g_cancellable_cancel (self->claim_cancellable);

  G_APPLICATION_CLASS (tg_application_parent_class)->shutdown (application);

  g_clear_object (&self->settings);
  g_clear_object (&self->demo);
}

static void
tg_application_finalize (GObject *object)
{
  TgApplication *self = TG_APPLICATION (object);

  g_clear_pointer (&self->announcers, g_hash_table_unref);
  g_clear_object (&self->claim_cancellable);
  g_clear_object (&self->secret_store);

  G_OBJECT_CLASS (tg_application_parent_class)->finalize (object);
}

static void
tg_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TgApplication *self = TG_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_N_NOTIFICATIONS:
      g_value_set_uint (value, self->n_notifications);
      break;

    case PROP_ANNOUNCING:
      g_value_set_boolean (value, self->n_claims > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_application_activate (GApplication *application)
{
  TgApplication *self = TG_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (tg_application_open_default_window (self));

  gtk_window_present (window);
}

static int
tg_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("Tollgate %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* A screenshot run must not hand its command line to a Tollgate already open (and
   * then quit that one): it runs on its own.
   */
  if (g_variant_dict_contains (options, "screenshot"))
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (tg_application_parent_class)->handle_local_options (application,
                                                                                  options);
}

static void
on_screenshot_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TgWindow *window = TG_WINDOW (object);
  g_autoptr(TgApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tg_window_screenshot_finish (window, result, &error))
    {
      g_printerr ("tollgate: %s\n", error->message);
      self->exit_status = 1;
    }

  /* The last window closing ends the application. */
  gtk_window_destroy (GTK_WINDOW (window));
}

static int
tg_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  TgApplication *self = TG_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *conninfo = NULL;
  const char *screenshot = NULL;
  const char *page = NULL;
  TgWindow *window;

  g_variant_dict_lookup (options, "db", "&s", &conninfo);
  g_variant_dict_lookup (options, "screenshot", "^&ay", &screenshot);
  g_variant_dict_lookup (options, "page", "&s", &page);

  if (g_variant_dict_contains (options, "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  if (conninfo == NULL && screenshot == NULL && page == NULL)
    {
      g_application_activate (application);
      return 0;
    }

  window = conninfo != NULL ? tg_application_open_window (self, conninfo)
                            : tg_application_open_default_window (self);

  if (page != NULL && !tg_window_show_page (window, page))
    {
      g_application_command_line_printerr (command_line,
                                           "tollgate: --page: no page “%s” (overview, analytics, "
                                           "analytics:trends|allocation|performance|regions, "
                                           "budgets, alerts)\n",
                                           page);
      gtk_window_destroy (GTK_WINDOW (window));
      return 2;
    }

  if (screenshot != NULL)
    {
      /* A picture is not a look at the alerts: they stay unannounced for the next real
       * start (tg_application_announce_alerts()). */
      self->quiet = TRUE;

      /* Relative to the directory of whoever ran the command, not of this process. */
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line,
                                                                               screenshot);

      tg_window_screenshot_async (window, file, NULL, on_screenshot_done, g_object_ref (self));
    }

  gtk_window_present (GTK_WINDOW (window));

  return 0;
}

static void
tg_application_class_init (TgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tg_application_finalize;
  object_class->get_property = tg_application_get_property;

  /**
   * TgApplication:n-notifications:
   *
   * How many alert notifications this process has sent.
   */
  properties[PROP_N_NOTIFICATIONS] =
    g_param_spec_uint ("n-notifications", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgApplication:announcing:
   *
   * Whether alerts handed to tg_application_announce_alerts() are still being claimed.
   */
  properties[PROP_ANNOUNCING] =
    g_param_spec_boolean ("announcing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgApplication::alert-notified:
   * @id: the alert's id
   * @notification_id: the id of the desktop notification sent, "alert-42"
   *
   * A desktop notification of an alert was sent (g_application_send_notification()).
   */
  signals[ALERT_NOTIFIED] =
    g_signal_new ("alert-notified",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  app_class->startup = tg_application_startup;
  app_class->shutdown = tg_application_shutdown;
  app_class->activate = tg_application_activate;
  app_class->handle_local_options = tg_application_handle_local_options;
  app_class->command_line = tg_application_command_line;
}

static void
tg_application_init (TgApplication *self)
{
  self->announcers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)announcer_free);
  self->claim_cancellable = g_cancellable_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Watch and steer what your company spends on "
                                              "external APIs."));
}

/* When the process began, near enough: main() makes the application first thing. */
static gint64 started_at;

/**
 * tg_application_get_started_at:
 *
 * Returns: the monotonic time (µs) at which the application was made, for measuring
 *   how long the first frame with data took (tools/measure-launch)
 */
gint64
tg_application_get_started_at (void)
{
  return started_at;
}

TgApplication *
tg_application_new (void)
{
  if (started_at == 0)
    started_at = g_get_monotonic_time ();

  return g_object_new (TG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * tg_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the application's settings, or %NULL before
 *   startup or when the schema is not installed
 */
GSettings *
tg_application_get_settings (TgApplication *self)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * tg_application_open_window:
 * @conninfo: (nullable): a libpq connection string or URI; %NULL for libpq's
 *   environment
 *
 * Returns: (transfer none): a new window, connecting to @conninfo; not yet presented
 */
TgWindow *
tg_application_open_window (TgApplication *self,
                            const char    *conninfo)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), NULL);

  return tg_window_new (self, conninfo);
}

/* Whether libpq's environment names a database: then a first start connects there
 * instead of asking.
 */
static gboolean
environment_names_database (void)
{
  static const char * const variables[] = { "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE" };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *value = g_getenv (variables[i]);

      if (value != NULL && *value != '\0')
        return TRUE;
    }

  return FALSE;
}

/**
 * tg_application_open_default_window:
 *
 * A window for a start without --db: the connection remembered from last time (its
 * password from the keyring), else libpq's environment when it names a database
 * (PGHOST, PGDATABASE, PGSERVICE …), else the welcome page.
 *
 * Returns: (transfer none): a new window; not yet presented
 */
TgWindow *
tg_application_open_default_window (TgApplication *self)
{
  g_autofree char *remembered = NULL;
  TgWindow *window;

  g_return_val_if_fail (TG_IS_APPLICATION (self), NULL);

  if (self->settings != NULL)
    remembered = g_settings_get_string (self->settings, "last-connection");

  if (remembered != NULL && *remembered != '\0')
    {
      window = g_object_new (TG_TYPE_WINDOW,
                             "application", self,
                             "autoconnect", FALSE,
                             NULL);
      tg_window_connect_remembered (window, remembered);
      return window;
    }

  if (environment_names_database ())
    return tg_window_new (self, NULL);

  return tg_window_new_welcome (self);
}

static void
check_demo_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;

  if (tg_demo_check (&error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tg_application_check_demo_async:
 *
 * Finds out, on a worker thread (it looks at the disk), whether "Try the Demo" can
 * work here.
 */
void
tg_application_check_demo_async (TgApplication       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TG_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_application_check_demo_async);
  g_task_run_in_thread (task, check_demo_thread);
}

/**
 * tg_application_check_demo_finish:
 *
 * Returns: %TRUE when the demo can start; otherwise @error says what is missing, in
 *   words for the tooltip of the demo button
 */
gboolean
tg_application_check_demo_finish (TgApplication  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_demo_stopped (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TgApplication) self = user_data;

  tg_demo_stop_finish (TG_DEMO (object), result, NULL);
  self->n_demo_stops--;
  g_application_release (G_APPLICATION (self));
}

/* The window the demo ran for is gone: so is the demo. The application stays until
 * the server has stopped.
 */
static void
on_demo_window_destroy (TgApplication *self,
                        GtkWidget     *window)
{
  if (window != GTK_WIDGET (self->demo_window))
    return;

  g_clear_weak_pointer (&self->demo_window);
  g_application_hold (G_APPLICATION (self));
  self->n_demo_stops++;
  tg_demo_stop_async (self->demo, on_demo_stopped, g_object_ref (self));
}

/**
 * tg_application_start_demo:
 * @window: the window that asked, which will connect to the demo database
 *
 * Starts the demo (TgDemo: a private PostgreSQL cluster with simulated traffic) for
 * @window, which shows its progress and then connects to it. The demo stops when
 * @window is destroyed, or at the latest when the application shuts down. While it
 * runs for another window, that window is presented instead.
 */
void
tg_application_start_demo (TgApplication *self,
                           TgWindow      *window)
{
  g_return_if_fail (TG_IS_APPLICATION (self));
  g_return_if_fail (TG_IS_WINDOW (window));

  if (self->demo_window != NULL && self->demo_window != window)
    {
      gtk_window_present (GTK_WINDOW (self->demo_window));
      return;
    }

  if (self->demo == NULL)
    self->demo = tg_demo_new ();

  if (self->demo_window == NULL)
    {
      g_set_weak_pointer (&self->demo_window, window);
      g_signal_connect_object (window, "destroy", G_CALLBACK (on_demo_window_destroy), self,
                               G_CONNECT_SWAPPED);
    }

  tg_window_run_demo (window, self->demo);
}

/**
 * tg_application_get_demo:
 *
 * Returns: (transfer none) (nullable): the demo, once "Try the Demo" was used
 */
TgDemo *
tg_application_get_demo (TgApplication *self)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), NULL);

  return self->demo;
}

/* The status main() should return once g_application_run() has returned 0: a failed
 * --screenshot makes it 1.
 */
int
tg_application_get_exit_status (TgApplication *self)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), 1);

  return self->exit_status;
}

/* Announcing alerts */

static void
on_alerts_claimed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TgApplication) self = user_data;
  g_autoptr(GPtrArray) to_announce = NULL;
  g_autoptr(GError) error = NULL;

  to_announce = tg_alert_notifier_claim_finish (TG_ALERT_NOTIFIER (object), result, &error);

  if (--self->n_claims == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCING]);

  if (to_announce == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not record which alerts this computer announced: %s",
                   error->message);
      return;
    }

  for (guint i = 0; i < to_announce->len; i++)
    {
      const TgAlertNotice *notice = g_ptr_array_index (to_announce, i);
      g_autoptr(GNotification) notification = tg_alert_notification_new (notice);
      g_autofree char *id = tg_alert_notice_dup_notification_id (notice);

      g_notification_set_default_action_and_target_value (notification, "app.show-alert",
                                                          g_variant_new_int64 (notice->id));
      g_application_send_notification (G_APPLICATION (self), id, notification);

      self->n_notifications++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_NOTIFICATIONS]);
      g_signal_emit (self, signals[ALERT_NOTIFIED], 0, notice->id, id);
    }
}

static void
on_webhook_posted (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TgApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_posted = 0;

  /* A failure after the retries is not tried again (tg-alert-webhook.c): it is said in
   * the log, as the desktop has no place for it. */
  if (!tg_alert_webhook_post_new_finish (result, &n_posted, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not post alerts to the webhook: %s", error->message);
  else if (n_posted > 0)
    g_debug ("Posted %u alerts to the webhook", n_posted);

  if (--self->n_claims == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCING]);
}

/**
 * tg_application_announce_alerts:
 * @host: (nullable): the database's host as the connection reached it (a directory for
 *   a socket)
 * @port: (nullable): its port
 * @dbname: its name
 * @alerts: (element-type TgAlert): open alerts, as a window just read them
 *
 * Announces each of @alerts that nobody on this computer has announced yet: a desktop
 * notification, and a post to the database's webhook when one is set in the keyring
 * (Preferences → Alerts). The application's windows (one process for a session, however
 * many windows) and other Tollgate processes claim alerts through one record per database
 * and channel (TgAlertNotifier, tg-alert-notifier.c), and only the claim that records an
 * alert first announces it. Windows call this with every load of their open alerts; an
 * alert is announced once, whichever window read it first. A --screenshot run announces
 * nothing.
 */
void
tg_application_announce_alerts (TgApplication *self,
                                const char    *host,
                                const char    *port,
                                const char    *dbname,
                                GPtrArray     *alerts)
{
  g_autoptr(GArray) notices = NULL;
  g_autofree char *identity = NULL;
  Announcer *announcer;

  g_return_if_fail (TG_IS_APPLICATION (self));
  g_return_if_fail (dbname != NULL);
  g_return_if_fail (alerts != NULL);

  if (alerts->len == 0 || self->quiet)
    return;

  /* The database as the connection reached it; never a user or a password. */
  identity = g_strdup_printf ("host=%s port=%s dbname=%s", host != NULL ? host : "",
                              port != NULL ? port : "", dbname);
  announcer = g_hash_table_lookup (self->announcers, identity);
  if (announcer == NULL)
    {
      g_autofree char *webhook_identity = g_strdup_printf ("webhook %s", identity);

      announcer = g_new0 (Announcer, 1);
      announcer->desktop = tg_alert_notifier_new (identity);
      announcer->webhook = tg_alert_notifier_new (webhook_identity);
      announcer->webhook_key = tg_secret_key_new_webhook (host, port, dbname);
      g_hash_table_insert (self->announcers, g_strdup (identity), announcer);
    }
  if (self->secret_store == NULL)
    self->secret_store = tg_secret_store_new ();

  notices = g_array_sized_new (FALSE, TRUE, sizeof (TgAlertNotice), alerts->len);
  g_array_set_clear_func (notices, (GDestroyNotify)tg_alert_notice_clear);
  for (guint i = 0; i < alerts->len; i++)
    {
      TgAlert *alert = g_ptr_array_index (alerts, i);
      TgAlertNotice notice = {
        .id = alert->id,
        .kind = g_strdup (alert->kind),
        .scope = g_strdup (alert->scope),
        .threshold = g_strdup (alert->threshold),
        .state = g_strdup (tg_alert_state_to_string (alert->state)),
        .message = g_strdup (alert->message),
        .created_at_usec = alert->created_at,
      };

      g_array_append_val (notices, notice);
    }

  /* Two claims: the desktop's and the webhook's, each ending in its callback. */
  self->n_claims += 2;
  if (self->n_claims == 2)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCING]);
  tg_alert_notifier_claim_async (announcer->desktop, (const TgAlertNotice *)(gpointer)notices->data,
                                 notices->len, self->claim_cancellable, on_alerts_claimed,
                                 g_object_ref (self));
  tg_alert_webhook_post_new_async (announcer->webhook, self->secret_store, announcer->webhook_key,
                                   (const TgAlertNotice *)(gpointer)notices->data, notices->len,
                                   self->claim_cancellable, on_webhook_posted,
                                   g_object_ref (self));
}

/* Whether alerts are still being claimed: for tests, which wait for it. */
gboolean
tg_application_get_announcing (TgApplication *self)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), FALSE);

  return self->n_claims > 0;
}

/* How many alert notifications this process has sent. */
guint
tg_application_get_n_notifications (TgApplication *self)
{
  g_return_val_if_fail (TG_IS_APPLICATION (self), 0);

  return self->n_notifications;
}
