/* test-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window against real databases on the test cluster, on a real display
 * (Xvfb inside tools/with-services) with a real keyring. Outside the wrapper a missing
 * display or keyring skips. Stopping the server is test-window-restart.c's business.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tg-application.h"
#include "tg-banner.h"
#include "tg-feed-row.h"
#include "tg-migrator.h"
#include "tg-month-summary.h"
#include "tg-overview-page.h"
#include "tg-preferences-window.h"
#include "tg-secret-store.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-welcome-page.h"
#include "tg-window.h"

static gboolean have_display;
static TgApplication *app;

static TgWindow *
present (TgWindow *window)
{
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));

  return window;
}

static TgWindow *
open_window (const char *conninfo)
{
  return present (tg_application_open_window (app, conninfo));
}

static void
close_window (TgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

/* Whether @text holds @number as a number of its own (so 5 is not found in 15 or 2025). */
static gboolean
has_number (const char *text,
            guint       number)
{
  g_autofree char *needle = g_strdup_printf ("%u", number);
  gsize length = strlen (needle);

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    {
      if ((p == text || !g_ascii_isdigit (p[-1])) && !g_ascii_isdigit (p[length]))
        return TRUE;
    }

  return FALSE;
}

/* The preferences row (entry or action row) titled @title under @widget. */
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

/* The first widget under @widget that activates @action_name. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first button under @widget that activates @action_name (not a menu's item). */
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

static GtkStack *
find_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) &&
      gtk_stack_get_child_by_name (GTK_STACK (widget), "connecting") != NULL)
    return GTK_STACK (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *stack = find_stack (child);

      if (stack != NULL)
        return stack;
    }

  return NULL;
}

/* The window's page stack: the GtkStack with a "connecting" page. */
static void
assert_page (TgWindow   *window,
             const char *name)
{
  GtkStack *stack = find_stack (GTK_WIDGET (window));

  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, name);
}

static TgPreferencesWindow *
find_preferences (TgWindow *window)
{
  TgPreferencesWindow *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TG_IS_PREFERENCES_WINDOW (l->data) &&
        tg_preferences_window_get_main_window (l->data) == window)
      found = l->data;
  g_list_free (toplevels);

  return found;
}

/* Usage of this UTC month (the billing zone of a new database): two rows at its start
 * and now; one row of the month before, which must not count.
 */
static void
insert_usage (TgTestDb *db)
{
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 3, 200, now ()), "
    "       ('openai', '/v1/chat/completions', 'chat', 2, 200, "
    "        date_trunc ('month', now () AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), "
    "       ('here', '/v1/geocode', 'geocode', 7, 200, "
    "        (date_trunc ('month', now () AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') "
    "        - interval '1 second')");
}

static const char month_calls_sql[] =
  "SELECT coalesce (sum (call_count), 0) FROM tollgate.api_usage_tracking "
  "WHERE created_at >= date_trunc ('month', now () AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' "
  "  AND created_at < (date_trunc ('month', now () AT TIME ZONE 'UTC') + interval '1 month') "
  "                   AT TIME ZONE 'UTC'";

/* A LOGIN role (trust authentication on the test cluster) in @group_role, or in no
 * group for NULL. Roles are cluster-wide: the name is unique.
 */
static char *
create_login_role (TgTestDb   *db,
                   const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgwin");
  g_autofree char *sql = NULL;

  if (group_role != NULL)
    sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", name, group_role);
  else
    sql = g_strdup_printf ("CREATE ROLE %s LOGIN", name);
  tg_test_db_exec (db, sql);

  return g_steal_pointer (&name);
}

static void
drop_login_role (TgTestDb   *db,
                 const char *name)
{
  g_autofree char *sql = g_strdup_printf ("DROP ROLE %s", name);

  tg_test_db_exec (db, sql);
}

static void
test_application (void)
{
  g_auto(GStrv) quit_accels = NULL;
  g_auto(GStrv) close_accels = NULL;

  if (!tg_test_ui_require_display (have_display))
    return;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *)quit_accels, "<Control>q"));
  close_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                        "window.close");
  g_assert_true (g_strv_contains ((const char * const *)close_accels, "<Control>w"));
}

/* Criticals are fatal under GTest, so building each template is a check of it. */
static void
test_composites (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(TgTestDb) db = NULL;
  GtkWindow *about = NULL;
  GtkWidget *preferences;
  GObject *overlay;
  TgWindow *window;
  GType widget_types[8];

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  widget_types[0] = TG_TYPE_BANNER;
  widget_types[1] = TG_TYPE_MONTH_SUMMARY;
  widget_types[2] = TG_TYPE_OVERVIEW_PAGE;
  widget_types[3] = TG_TYPE_WELCOME_PAGE;
  widget_types[4] = TG_TYPE_PROVIDER_CARD;
  widget_types[5] = TG_TYPE_ACTIVITY_FEED;
  widget_types[6] = TG_TYPE_FEED_ROW;
  widget_types[7] = TG_TYPE_COST_CHART;
  for (guint i = 0; i < G_N_ELEMENTS (widget_types); i++)
    {
      GtkWidget *widget = g_object_ref_sink (g_object_new (widget_types[i], NULL));

      g_assert_finalize_object (widget);
    }

  /* A window without an application, closed while its check may still run. */
  window = g_object_ref (g_object_new (TG_TYPE_WINDOW, "conninfo", db->conninfo, NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTING);
  while (G_OBJECT (window)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (window);

  /* A welcome window, and the Preferences of a window that is not connected. */
  window = g_object_ref (tg_window_new_welcome (NULL));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NOT_CONFIGURED);
  preferences = g_object_ref (tg_preferences_window_new (window));
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_finalize_object (preferences);
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* The About window, with debug information about the window's database. */
  window = open_window (db->conninfo);
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  tg_test_ui_assert_text_contains (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)), db->name);
  gtk_window_destroy (about);

  close_window (window);
}

static void
test_connected (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  g_autofree char *debug_info = NULL;
  g_autofree char *conninfo = NULL;
  const TgDatabaseCheck *check;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  /* The test cluster trusts local connections, so the password is ignored: it is here
   * to prove it never reaches the screen or the debug information.
   */
  conninfo = g_strdup_printf ("%s password=hunter2-secret", db->conninfo);
  window = open_window (conninfo);

  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  assert_page (window, "connected");
  g_assert_nonnull (tg_window_get_connection (window));

  check = tg_window_get_database_check (window);
  g_assert_nonnull (check);
  g_assert_no_error (check->error);
  g_assert_cmpuint (check->schema_version, ==, latest);
  g_assert_nonnull (strstr (check->target, db->name));
  g_assert_cmpstr (check->dbname, ==, db->name);

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, db->name);
  tg_test_ui_assert_text_contains (text, "Connected");
  tg_test_ui_assert_text_contains (text, "Not monitored");
  tg_test_ui_assert_text_contains (text, "No Alerts");
  tg_test_ui_assert_text_contains (text, "Cost by Provider");
  tg_test_ui_assert_text_contains (text, "Live Activity");
  g_assert_null (strstr (text, "hunter2"));

  debug_info = tg_application_dup_debug_info (app, window);
  tg_test_ui_assert_text_contains (debug_info, "libpq ");
  tg_test_ui_assert_text_contains (debug_info, "libadwaita ");
  tg_test_ui_assert_text_contains (debug_info, "GTK ");
  tg_test_ui_assert_text_contains (debug_info, db->name);
  tg_test_ui_assert_text_contains (debug_info, check->server_version);
  g_assert_true (has_number (debug_info, latest));
  g_assert_null (strstr (debug_info, "hunter2"));

  close_window (window);
}

/* The header's month totals are what plain SQL says, and follow new rows on Refresh. */
static void
test_month_summary (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  TgMonthSummary *summary;
  TgWindow *window;
  gint64 expected;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  insert_usage (db);
  expected = tg_test_db_scalar_int (db, month_calls_sql);
  g_assert_cmpint (expected, ==, 5);

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);

  summary = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_MONTH_SUMMARY);
  g_assert_nonnull (summary);
  g_assert_true (tg_month_summary_get_has_data (summary));
  g_assert_false (tg_month_summary_get_stale (summary));
  g_assert_cmpint (tg_month_summary_get_calls (summary), ==, expected);
  g_assert_cmpstr (tg_month_summary_get_currency (summary), ==, "AUD");
  g_assert_cmpstr (tg_window_get_reporting_currency (window), ==, "AUD");
  g_assert_cmpstr (tg_window_get_billing_timezone (window), ==, "UTC");
  g_assert_cmpint (tg_month_summary_get_database_status (summary), ==,
                   TG_DB_CONNECTION_STATUS_CONNECTED);

  text = tg_test_ui_text (window, TRUE);
  g_assert_true (has_number (text, expected));
  tg_test_ui_assert_text_contains (text, " AUD");
  tg_test_ui_assert_text_contains (text, "Month to date, UTC");

  /* More calls arrive; Refresh (Ctrl+R) shows them. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status) "
    "VALUES ('postcodes_io', '/postcodes', 'lookup', 1234, 200)");
  expected = tg_test_db_scalar_int (db, month_calls_sql);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  TG_TEST_ITERATE_UNTIL (tg_month_summary_get_calls (summary) == expected);

  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, "1,239");

  close_window (window);
}

static void store_result (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

/* Exports the Overview of @window to a PDF, as the action does once a file is chosen:
 * the file holds the chart and the cards, and the audit log names who exported which
 * month.
 */
static void
export_overview (TgTestDb   *db,
                 TgWindow   *window,
                 const char *user)
{
  TgOverviewPage *page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_OVERVIEW_PAGE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *audited = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  dir = g_dir_make_tmp ("tollgate-export-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "overview.pdf", NULL);
  file = g_file_new_for_path (path);

  tg_overview_page_export_pdf_async (page, file, NULL, store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);
  g_assert_true (tg_overview_page_export_pdf_finish (page, result, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 5);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);

  /* A missing pdftotext fails the test inside tools/with-services, skips it outside. */
  text = tg_test_pdf_text (path);
  if (text != NULL)
    {
      tg_test_ui_assert_text_contains (text, "Cost by Provider");
      tg_test_ui_assert_text_contains (text, "Geoscape");
      tg_test_ui_assert_text_contains (text, "OpenAI");
    }

  sql = g_strdup_printf ("SELECT details ->> 'period' FROM tollgate.audit_log "
                         "WHERE action = 'export' AND acting_role = '%s'", user);
  audited = tg_test_db_scalar (db, sql);
  g_assert_cmpstr (audited, ==, tg_overview_page_get_month (page));

  g_unlink (path);
  g_rmdir (dir);
}

/* Roles decide which actions are enabled; PostgreSQL decides what really happens. */
static void
test_roles (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *viewer_conninfo = NULL;
  g_autofree char *finance_conninfo = NULL;
  g_autofree char *admin_conninfo = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;
  TgPreferencesWindow *preferences;
  GtkWidget *row;
  GtkWidget *button;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  insert_usage (db);
  viewer = create_login_role (db, "tollgate_viewer");
  finance = create_login_role (db, "tollgate_finance");
  admin = create_login_role (db, "tollgate_admin");
  viewer_conninfo = tg_test_db_conninfo_as (db, viewer);
  finance_conninfo = tg_test_db_conninfo_as (db, finance);
  admin_conninfo = tg_test_db_conninfo_as (db, admin);

  /* A viewer: the settings action is disabled, and activating it changes nothing. */
  window = open_window (viewer_conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  g_assert_cmpint (tg_window_get_roles (window), ==, TG_ROLE_SET_VIEWER);
  g_assert_cmpstr (tg_window_get_session_user (window), ==, viewer);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "save-setting"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save-setting"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-setting", "(ss)",
                              "reporting-currency", "USD");
  tg_test_ui_drain ();
  value = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                 "WHERE key = 'reporting-currency'");
  g_assert_cmpstr (value, ==, "AUD");
  g_clear_pointer (&value, g_free);

  /* Preferences are open to anyone; the shared settings are not. */
  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, "Viewer");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  preferences = find_preferences (window);
  g_assert_nonnull (preferences);
  row = find_row (GTK_WIDGET (preferences), "Reporting Currency");
  g_assert_nonnull (row);
  g_assert_false (gtk_widget_get_sensitive (row));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, "Needs the tollgate_admin role");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "AUD");
  row = find_row (GTK_WIDGET (preferences), "Billing Time Zone");
  g_assert_false (gtk_widget_get_sensitive (row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "UTC");
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Exports are finance's: the footer's Export button is insensitive and says why. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "export-overview"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export-overview"));
  button = find_button (GTK_WIDGET (window), "win.export-overview");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Needs the tollgate_finance role");
  close_window (window);
  g_assert_null (find_preferences (window));

  /* Finance may export, but not change the shared settings. */
  window = open_window (finance_conninfo);
  g_assert_cmpint (tg_window_get_roles (window), ==, TG_ROLE_SET_VIEWER | TG_ROLE_SET_FINANCE);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save-setting"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export-overview"));
  button = find_button (GTK_WIDGET (window), "win.export-overview");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "Save this month’s Overview as a PDF report");
  export_overview (db, window, finance);
  close_window (window);

  /* A member of tollgate_admin may; the change lands in the database. */
  window = open_window (admin_conninfo);
  g_assert_cmpint (tg_window_get_roles (window), ==, TG_ROLE_SET_ALL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save-setting"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "export-overview"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  preferences = find_preferences (window);
  row = find_row (GTK_WIDGET (preferences), "Reporting Currency");
  g_assert_true (gtk_widget_get_sensitive (row));
  g_assert_null (gtk_widget_get_tooltip_text (row));

  /* Through the row, as a user would: type, then apply. */
  gtk_editable_set_text (GTK_EDITABLE (row), "usd");
  g_signal_emit_by_name (row, "apply");
  TG_TEST_ITERATE_UNTIL (g_strcmp0 (tg_window_get_reporting_currency (window), "USD") == 0);
  value = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                 "WHERE key = 'reporting-currency'");
  g_assert_cmpstr (value, ==, "USD");
  g_clear_pointer (&value, g_free);

  /* A value the database refuses: the reason shows in a toast, nothing changes. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-setting", "(ss)",
                              "billing-timezone", "Mars/Olympus_Mons");
  for (;;)
    {
      g_clear_pointer (&text, g_free);
      text = tg_test_ui_text (preferences, TRUE);
      if (strstr (text, "Could not change the billing time zone") != NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  tg_test_ui_assert_text_contains (text, "Mars/Olympus_Mons");
  value = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                 "WHERE key = 'billing-timezone'");
  g_assert_cmpstr (value, ==, "UTC");
  g_clear_pointer (&value, g_free);
  close_window (window);

  /* A superuser holds every role. */
  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_roles (window), ==, TG_ROLE_SET_ALL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save-setting"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-setting", "(ss)",
                              "billing-timezone", "Australia/Sydney");
  TG_TEST_ITERATE_UNTIL (g_strcmp0 (tg_window_get_billing_timezone (window), "Australia/Sydney") == 0);
  value = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                 "WHERE key = 'billing-timezone'");
  g_assert_cmpstr (value, ==, "Australia/Sydney");
  g_clear_pointer (&text, g_free);
  TG_TEST_ITERATE_UNTIL (!tg_month_summary_get_stale (tg_test_ui_find_widget (GTK_WIDGET (window),
                                                           TG_TYPE_MONTH_SUMMARY)));

  /* The Overview follows: its month is now Sydney's. */
  for (;;)
    {
      g_clear_pointer (&text, g_free);
      text = tg_test_ui_text (tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_OVERVIEW_PAGE), TRUE);
      if (strstr (text, "to date, Australia/Sydney") != NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  close_window (window);

  drop_login_role (db, viewer);
  drop_login_role (db, finance);
  drop_login_role (db, admin);
}

static void
test_keyboard (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GPtrArray) accelerators = g_ptr_array_new_with_free_func (g_free);
  static const char * const expected[] = {
    "<ctrl>question", "<ctrl>comma", "<ctrl>r F5", "<ctrl>e", "<ctrl>1", "F9", "F10",
    "<ctrl>w", "<ctrl>q", NULL
  };
  AdwViewStack *pages;
  GSList *objects;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  pages = tg_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  g_assert_nonnull (pages);

  /* Ctrl+1 is the first page; a number without a page does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number",
                                             "i", 1));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, "overview");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 5);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, "overview");

  /* Pages that have not arrived are absent, not dead buttons. */
  g_assert_null (adw_view_stack_get_child_by_name (pages, "analytics"));
  g_assert_null (adw_view_stack_get_child_by_name (pages, "reports"));

  /* F9 hides and shows the sidebar. */
  g_assert_true (adw_flap_get_reveal_flap (tg_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_FLAP)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_false (adw_flap_get_reveal_flap (tg_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_FLAP)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_true (adw_flap_get_reveal_flap (tg_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_FLAP)));

  close_window (window);

  /* The Keyboard Shortcuts window lists them all. */
  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        char *accelerator = NULL;

        g_object_get (l->data, "accelerator", &accelerator, NULL);
        g_ptr_array_add (accelerators, accelerator);
      }
  g_slist_free (objects);
  g_ptr_array_add (accelerators, NULL);

  for (guint i = 0; expected[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)accelerators->pdata, expected[i]))
      g_error ("The shortcuts window does not list %s", expected[i]);

  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}

static void
test_no_schema_then_migrate (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (FALSE)) == NULL)
    return;

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NO_SCHEMA);
  assert_page (window, "problem");

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, db->name);
  tg_test_ui_assert_text_contains (text, "tollgatectl migrate");

  /* Someone runs the migration; Retry (win.reconnect) then finds the schema. */
  g_assert_true (tg_migrator_migrate (db->conn, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTING);
  assert_page (window, "connecting");
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  assert_page (window, "connected");

  close_window (window);
}

static void
test_schema_behind (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "DELETE FROM tollgate.schema_migrations"
                       " WHERE version = (SELECT max(version) FROM tollgate.schema_migrations)");

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_SCHEMA_BEHIND);
  assert_page (window, "problem");

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, db->name);
  tg_test_ui_assert_text_contains (text, "tollgatectl migrate");
  g_assert_true (has_number (text, latest - 1));
  g_assert_true (has_number (text, latest));

  close_window (window);
}

static void
test_schema_too_new (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sql = NULL;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  sql = g_strdup_printf ("INSERT INTO tollgate.schema_migrations (version, name, checksum)"
                         " VALUES (%u, 'from_the_future', 'x')", latest + 1);
  tg_test_db_exec (db, sql);

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_SCHEMA_TOO_NEW);
  assert_page (window, "problem");

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, db->name);
  tg_test_ui_assert_text_contains (text, "Upgrade Tollgate");
  g_assert_true (has_number (text, latest + 1));

  close_window (window);
}

static void
test_cannot_connect (void)
{
  g_autofree char *name = tg_test_unique_name ("tgmissing");
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s", name);
  g_autofree char *text = NULL;
  const TgDatabaseCheck *check;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  window = open_window (conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CANNOT_CONNECT);
  assert_page (window, "problem");

  check = tg_window_get_database_check (window);
  g_assert_nonnull (check->error);
  g_assert_null (check->target);

  /* libpq's own message, which names the missing database. */
  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, "Cannot Connect");
  tg_test_ui_assert_text_contains (text, name);

  /* From the problem page to the form, filled in with what failed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-database", NULL));
  assert_page (window, "welcome");
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NOT_CONFIGURED);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (window),
                                                                  "Database"))),
                   ==, name);

  close_window (window);
}

static void
test_bad_conninfo (void)
{
  g_autofree char *text = NULL;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  window = open_window ("this is not a connection string");
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CANNOT_CONNECT);

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, "not valid");

  close_window (window);
}

/* First run: nothing remembered and no libpq environment shows the welcome page. Run in
 * a child, whose environment can lose PGHOST & co.
 */
static void
test_first_run (void)
{
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  if (g_test_subprocess ())
    {
      static const char * const variables[] = { "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE" };

      for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
        g_unsetenv (variables[i]);
      g_settings_reset (tg_application_get_settings (app), "last-connection");

      GtkWidget *demo;

      window = present (tg_application_open_default_window (app));
      g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NOT_CONFIGURED);
      assert_page (window, "welcome");
      g_assert_null (tg_window_get_connection (window));
      g_assert_nonnull (tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_WELCOME_PAGE));

      /* The demo's button says what it does, or why it cannot (test-demo.c runs it). */
      demo = find_actionable (GTK_WIDGET (window), "win.start-demo");
      g_assert_nonnull (demo);
      TG_TEST_ITERATE_UNTIL (gtk_widget_get_tooltip_text (demo) != NULL);
      if (gtk_widget_get_sensitive (demo))
        g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (demo), "Explore Tollgate"));
      else
        g_assert_false (g_str_has_prefix (gtk_widget_get_tooltip_text (demo), "Explore Tollgate"));

      close_window (window);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* With libpq's environment naming a database, a first start connects there. */
static void
test_environment (void)
{
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  g_settings_reset (tg_application_get_settings (app), "last-connection");
  g_assert_nonnull (g_getenv ("PGHOST"));

  window = present (tg_application_open_default_window (app));
  g_assert_cmpint (tg_window_get_state (window), !=, TG_DATABASE_STATE_NOT_CONFIGURED);
  g_assert_null (tg_window_get_conninfo (window));
  close_window (window);

  /* …and does not remember it: the environment applies again next time. */
  {
    g_autofree char *remembered = g_settings_get_string (tg_application_get_settings (app),
                                                         "last-connection");
    g_assert_cmpstr (remembered, ==, "");
  }
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The password the keyring holds for a database, or NULL. */
static char *
lookup_password (TgSecretStore  *store,
                 const char     *host,
                 const char     *port,
                 const char     *dbname,
                 const char     *user,
                 GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;
  char *copy;

  tg_secret_store_lookup_database_password_async (store, host, port, dbname, user, NULL,
                                                  store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);

  secret = tg_secret_store_lookup_database_password_finish (store, result, error);
  copy = g_strdup (secret);
  tg_secret_free (secret);

  return copy;
}

static void
clear_password (TgSecretStore *store,
                const char    *host,
                const char    *port,
                const char    *dbname,
                const char    *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tg_secret_store_clear_database_password_async (store, host, port, dbname, user, NULL,
                                                 store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);
  tg_secret_store_clear_database_password_finish (store, result, &error);
  g_assert_no_error (error);
}

/* Returns FALSE (the test skipped) without a usable keyring outside the wrapper. */
static gboolean
require_keyring (TgSecretStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  secret = lookup_password (store, "probe.invalid", "5432", "probe", "nobody", &error);
  g_assert_null (secret);
  if (error == NULL)
    return TRUE;

  if (tg_test_services_required ())
    g_error ("The keyring of tools/with-services is not usable: %s", error->message);

  g_test_skip_printf ("No usable keyring: %s", error->message);
  return FALSE;
}

/* No GSettings key holds @needle. */
static void
assert_settings_lack (GSettings  *settings,
                      const char *needle)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      if (strstr (text, needle) != NULL)
        g_error ("The setting %s holds the password: %s", keys[i], text);
    }
}

/* The welcome form: its password lands in the keyring, never in GSettings; the next
 * start finds the connection remembered and the password in the keyring.
 */
static void
test_welcome_password (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *password = g_strdup_printf ("tg-pw-%08x", g_random_int ());
  g_autofree char *stored = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  const TgDatabaseCheck *check;
  TgWelcomePage *page;
  GSettings *settings;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL || !require_keyring (store))
    return;

  settings = tg_application_get_settings (app);

  window = present (tg_window_new_welcome (app));
  assert_page (window, "welcome");
  page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_WELCOME_PAGE);

  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (page), "Host")), g_getenv ("PGHOST"));
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (page), "Database")), db->name);
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (page), "User")), "postgres");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (page), "Password")), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "welcome.connect", NULL));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);

  check = tg_window_get_database_check (window);
  host = g_strdup (check->host);
  port = g_strdup (check->port);
  g_assert_cmpstr (check->dbname, ==, db->name);
  g_assert_cmpstr (check->user, ==, "postgres");

  /* The keyring gets it asynchronously, under what libpq reported. */
  for (;;)
    {
      stored = lookup_password (store, host, port, db->name, "postgres", &error);
      g_assert_no_error (error);
      if (stored != NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpstr (stored, ==, password);

  remembered = g_settings_get_string (settings, "last-connection");
  g_assert_nonnull (strstr (remembered, db->name));
  assert_settings_lack (settings, password);
  {
    g_autofree char *text = tg_test_ui_text (window, TRUE);

    g_assert_null (strstr (text, password));
  }
  close_window (window);

  /* The next start: the remembered connection, with the password from the keyring. */
  window = present (tg_application_open_default_window (app));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  g_assert_cmpstr (tg_window_get_database_check (window)->dbname, ==, db->name);
  g_assert_nonnull (strstr (tg_window_get_conninfo (window), password));
  close_window (window);

  clear_password (store, host, port, db->name, "postgres");
  g_settings_reset (settings, "last-connection");
}

/* A connection from the form that fails returns to the form, saying why. */
static void
test_welcome_failure (void)
{
  g_autofree char *name = tg_test_unique_name ("tgmissing");
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s", name);
  g_autofree char *text = NULL;
  TgWelcomePage *page;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  window = present (tg_window_new_welcome (app));
  page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_WELCOME_PAGE);

  /* An empty connection string is not a choice. */
  tg_welcome_page_set_mode (page, "conninfo");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "welcome.connect", NULL) &&
                  tg_window_get_state (window) != TG_DATABASE_STATE_NOT_CONFIGURED);

  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (page), "Connection String")),
                         conninfo);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "welcome.connect", NULL));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CANNOT_CONNECT);
  assert_page (window, "welcome");

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, name);

  close_window (window);
}

static void
test_window_size (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *last_connection = NULL;
  GSettings *settings;
  TgWindow *window;
  int width;
  int height;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  settings = tg_application_get_settings (app);
  g_assert_nonnull (settings);

  /* What a user's resize leaves behind; set on a realized window that is not shown,
   * so that no window manager (or its absence under Xvfb) has a say.
   */
  window = g_object_ref (tg_application_open_window (app, db->conninfo));
  gtk_window_set_default_size (GTK_WINDOW (window), 801, 602);
  gtk_widget_realize (GTK_WIDGET (window));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  gtk_window_close (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 801);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 602);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* --db is remembered, as keywords that name what libpq connected to. */
  last_connection = g_settings_get_string (settings, "last-connection");
  g_assert_nonnull (strstr (last_connection, db->name));
  g_assert_nonnull (strstr (last_connection, "host="));

  window = g_object_ref (tg_application_open_window (app, db->conninfo));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 801);
  g_assert_cmpint (height, ==, 602);
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  close_window (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "last-connection");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

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

  g_test_add_func ("/tollgate/ui/application", test_application);
  g_test_add_func ("/tollgate/ui/composites", test_composites);
  g_test_add_func ("/tollgate/ui/window/connected", test_connected);
  g_test_add_func ("/tollgate/ui/window/month-summary", test_month_summary);
  g_test_add_func ("/tollgate/ui/window/roles", test_roles);
  g_test_add_func ("/tollgate/ui/window/keyboard", test_keyboard);
  g_test_add_func ("/tollgate/ui/window/no-schema", test_no_schema_then_migrate);
  g_test_add_func ("/tollgate/ui/window/schema-behind", test_schema_behind);
  g_test_add_func ("/tollgate/ui/window/schema-too-new", test_schema_too_new);
  g_test_add_func ("/tollgate/ui/window/cannot-connect", test_cannot_connect);
  g_test_add_func ("/tollgate/ui/window/bad-conninfo", test_bad_conninfo);
  g_test_add_func ("/tollgate/ui/window/first-run", test_first_run);
  g_test_add_func ("/tollgate/ui/window/environment", test_environment);
  g_test_add_func ("/tollgate/ui/window/welcome-password", test_welcome_password);
  g_test_add_func ("/tollgate/ui/window/welcome-failure", test_welcome_failure);
  g_test_add_func ("/tollgate/ui/window/size", test_window_size);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
