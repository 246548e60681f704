/* tg-window-connect.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's way to a database: the check on a worker thread (TgDatabaseCheck), the
 * problem page when it fails, remembering a connection that worked (GSettings without
 * the password, the password in the keyring under what libpq reported), looking the
 * password up again at the next start, and the welcome page.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-application.h"
#include "tg-conninfo.h"
#include "tg-window-private.h"

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

  if (tg_secret_store_store_finish (TG_SECRET_STORE (object), result, &error))
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
    {
      g_autoptr(TgSecretKey) key = tg_secret_key_new_database (check->host, check->port,
                                                               check->dbname, check->user);

      tg_secret_store_store_async (self->secret_store, key, self->password,
                                   self->cancellable, on_password_stored,
                                   _tg_window_weak_ref_new (self));
    }
  _tg_window_clear_password (&self->password);
}

static void
show_connected (TgWindow *self)
{
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        self->check->target != NULL ? self->check->target : "");
  gtk_label_set_text (self->footer_database_label,
                      self->check->target != NULL ? self->check->target : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->footer_database_label), self->check->target);
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

  _tg_window_notify_database_check (self);
  _tg_window_set_state (self, state);
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
  _tg_window_replace_cancellable (&self->cancellable);
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

  _tg_window_clear_password (&self->password);
  if (password != NULL && *password != '\0')
    self->password = g_strdup (password);
  else if (conninfo != NULL)
    g_free (tg_conninfo_strip_secrets (conninfo, &self->password, NULL));

  full = conninfo != NULL ? tg_conninfo_add_password (conninfo, password) : NULL;
  self->remember = conninfo != NULL;
  self->from_welcome = FALSE;
  _tg_window_set_conninfo (self, full);
  _tg_window_clear_password (&full);

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

  password = tg_secret_store_lookup_finish (TG_SECRET_STORE (object), result, &error);
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
      _tg_window_set_conninfo (self, full);
      _tg_window_clear_password (&full);
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
  g_autoptr(TgSecretKey) key = NULL;

  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (conninfo != NULL);

  tg_window_disconnect (self);
  _tg_window_clear_password (&self->password);
  self->remember = TRUE;
  self->from_welcome = FALSE;
  _tg_window_set_conninfo (self, conninfo);
  tg_window_set_check (self, NULL);

  options = tg_db_conninfo_parse (conninfo, NULL);
  if (options == NULL)
    {
      tg_window_reconnect (self);
      return;
    }

  key = tg_secret_key_new_database (g_hash_table_lookup (options, "host"),
                                    g_hash_table_lookup (options, "port"),
                                    g_hash_table_lookup (options, "dbname"),
                                    g_hash_table_lookup (options, "user"));
  tg_secret_store_lookup_async (self->secret_store, key, self->cancellable,
                                on_password_looked_up, _tg_window_weak_ref_new (self));
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
  _tg_window_notify_database_check (self);

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

  _tg_window_set_state (self, TG_DATABASE_STATE_NOT_CONFIGURED);
}

