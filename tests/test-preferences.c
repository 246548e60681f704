/* test-preferences.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Preferences window's Alerts group on a real display, with a real keyring, a real
 * database and a real HTTP server on loopback standing in for the chat tool: the webhook
 * URL typed into its row lands in the keyring (and nowhere on screen), the test message
 * reaches the server, and Remove takes it out of the keyring again.
 */

#include "config.h"

#include <string.h>

#include "tg-application.h"
#include "tg-preferences-window.h"
#include "tg-secret-store.h"
#include "tg-test-db.h"
#include "tg-test-http.h"
#include "tg-test-ui.h"
#include "tg-window.h"

#define HOOK_PATH "/hooks/ui/T0123/s3cr3tT0ken"

static gboolean have_display;
static TgApplication *app;

static TgWindow *
open_window (const char *conninfo)
{
  TgWindow *window = g_object_ref (tg_application_open_window (app, conninfo));

  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));

  return window;
}

static void
close_window (TgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static TgPreferencesWindow *
open_preferences (TgWindow *window)
{
  TgPreferencesWindow *found = NULL;
  GList *toplevels;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TG_IS_PREFERENCES_WINDOW (l->data) &&
        tg_preferences_window_get_main_window (l->data) == window)
      found = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (found);

  return found;
}

static gboolean
subtitle_has (GtkWidget  *row,
              const char *needle)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  return subtitle != NULL && strstr (subtitle, needle) != NULL;
}

static char *
stored_url (TgSecretStore *store,
            TgSecretKey   *key)
{
  g_autoptr(GError) error = NULL;
  char *secret = tg_secret_store_lookup_sync (store, key, NULL, &error);
  char *copy;

  g_assert_no_error (error);
  copy = g_strdup (secret);
  tg_secret_free (secret);

  return copy;
}

/* Types @text into the entry row and applies it, as a user would. */
static void
apply_text (GtkWidget  *row,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

static void
test_webhook (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(TgTestHttp) server = NULL;
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(TgSecretKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *text = NULL;
  const TgDatabaseCheck *check;
  const TgTestHttpRequest *request;
  TgPreferencesWindow *preferences;
  TgWindow *window;
  GtkWidget *entry_row;
  GtkWidget *status_row;
  GtkWidget *send_button;
  GtkWidget *remove_button;
  char *secret;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  check = tg_window_get_database_check (window);
  key = tg_secret_key_new_webhook (check->host, check->port, check->dbname);

  secret = tg_secret_store_lookup_sync (store, key, NULL, &error);
  if (error != NULL)
    {
      if (tg_test_services_required ())
        g_error ("The keyring of tools/with-services is not usable: %s", error->message);
      g_test_skip_printf ("No usable keyring: %s", error->message);
      close_window (window);
      return;
    }
  g_assert_null (secret);

  server = tg_test_http_new ();
  url = tg_test_http_url (server, HOOK_PATH);

  preferences = open_preferences (window);
  entry_row = find_row (GTK_WIDGET (preferences), "Webhook URL");
  status_row = find_row (GTK_WIDGET (preferences), "Webhook");
  send_button = find_button (GTK_WIDGET (preferences), "alerts.send-test");
  remove_button = find_button (GTK_WIDGET (preferences), "alerts.remove-webhook");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (entry_row));
  g_assert_nonnull (status_row);
  g_assert_nonnull (send_button);
  g_assert_nonnull (remove_button);

  TG_TEST_ITERATE_UNTIL (subtitle_has (status_row, "Not set"));
  g_assert_true (gtk_widget_get_sensitive (entry_row));
  g_assert_false (gtk_widget_get_sensitive (send_button));
  g_assert_false (gtk_widget_get_sensitive (remove_button));

  /* Not a URL: a toast says why, without the text; nothing is stored. */
  apply_text (entry_row, "hooks.example.com/services/s3cr3tT0ken");
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (preferences, "must begin with https://"));
  g_assert_false (tg_test_ui_shows (preferences, "s3cr3tT0ken"));
  g_clear_pointer (&stored, g_free);
  stored = stored_url (store, key);
  g_assert_null (stored);

  /* A URL: stored in the keyring, the row emptied, only the host shown. */
  apply_text (entry_row, url);
  TG_TEST_ITERATE_UNTIL (subtitle_has (status_row, "Set: alerts are posted to 127.0.0.1"));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_sensitive (send_button));
  stored = stored_url (store, key);
  g_assert_cmpstr (stored, ==, url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_row)), ==, "");
  g_assert_true (gtk_widget_get_sensitive (remove_button));
  text = tg_test_ui_text (preferences, FALSE);
  g_assert_null (strstr (text, "s3cr3tT0ken"));
  tg_test_ui_assert_text_contains (text, "Webhook saved in the keyring");

  /* The test message reaches the server, in the alert's shape. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "alerts.send-test", NULL));
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (preferences, "Delivered to 127.0.0.1 (HTTP 200)"));
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 1);
  request = tg_test_http_get_request (server, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->target, ==, HOOK_PATH);
  g_assert_nonnull (strstr (request->body, "\"kind\":\"test\""));
  g_assert_nonnull (strstr (request->body, "\"source\":\"tollgate\""));

  /* A refusal: the toast names the host and the status, never the token. */
  tg_test_http_set_default (server, 404, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "alerts.send-test", NULL));
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (preferences, "The test message was not delivered"));
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (preferences, TRUE);
  tg_test_ui_assert_text_contains (text, "127.0.0.1");
  tg_test_ui_assert_text_contains (text, "HTTP 404");
  g_assert_null (strstr (text, "s3cr3tT0ken"));
  g_assert_null (strstr (text, "/hooks"));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_sensitive (send_button));

  /* Closed and opened again: the window finds the webhook in the keyring. */
  gtk_window_destroy (GTK_WINDOW (preferences));
  tg_test_ui_drain ();
  preferences = open_preferences (window);
  status_row = find_row (GTK_WIDGET (preferences), "Webhook");
  TG_TEST_ITERATE_UNTIL (subtitle_has (status_row, "Set: alerts are posted to 127.0.0.1"));

  /* Remove: out of the keyring. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "alerts.remove-webhook",
                                             NULL));
  TG_TEST_ITERATE_UNTIL (subtitle_has (status_row, "Not set"));
  g_clear_pointer (&stored, g_free);
  stored = stored_url (store, key);
  g_assert_null (stored);
  g_assert_true (tg_test_ui_shows (preferences, "Webhook removed"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_window (window);
}

/* Closed while the keyring is still looking, then its main window closed: the look-up
 * holds neither alive (GTK does not allow a transient window to outlive its parent).
 */
static void
test_closed_while_looking (void)
{
  g_autoptr(TgTestDb) db = NULL;
  TgPreferencesWindow *preferences;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  preferences = g_object_ref (open_preferences (window));
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);
  close_window (window);
}

/* A window that is not connected has no database to file a webhook under. */
static void
test_no_database (void)
{
  TgWindow *window;
  GtkWidget *preferences;
  GtkWidget *status_row;

  if (!tg_test_ui_require_display (have_display))
    return;

  window = g_object_ref (tg_window_new_welcome (NULL));
  preferences = g_object_ref (tg_preferences_window_new (window));
  status_row = find_row (preferences, "Webhook");
  g_assert_true (subtitle_has (status_row, "Connect to a database"));
  g_assert_false (gtk_widget_get_sensitive (find_row (preferences, "Webhook URL")));
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The webhook's requests go to 127.0.0.1, never through a proxy of the environment. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");

  have_display = gtk_init_check ();
  if (have_display)
    {
      app = tg_application_new ();
      /* Another Tollgate on the bus must not take over this one's windows. */
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/tollgate/ui/preferences/webhook", test_webhook);
  g_test_add_func ("/tollgate/ui/preferences/closed-while-looking", test_closed_while_looking);
  g_test_add_func ("/tollgate/ui/preferences/no-database", test_no_database);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
