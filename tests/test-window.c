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

#include "tg-analytics-page.h"
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

  /* A viewer: the settings action is disabled, and GTK does not run a disabled action
   * (the server's own refusal of a viewer's change is test-settings-queries' "rights"). */
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
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (preferences, "Could not change the billing time zone"));
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (preferences, TRUE);
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
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (tg_test_ui_find_widget (GTK_WIDGET (window),
                                                                    TG_TYPE_OVERVIEW_PAGE),
                                            "to date, Australia/Sydney"));
  close_window (window);

  drop_login_role (db, viewer);
  drop_login_role (db, finance);
  drop_login_role (db, admin);
}

/* The keyboard: what the Keyboard Shortcuts window lists must be what the keys do. */

/* One accelerator of a GtkShortcutsShortcut of the Keyboard Shortcuts window. */
typedef struct
{
  char            *title;
  char            *accelerator;
  char            *action_name;   /* the shortcut's action-name, when it names one */
  guint            keyval;
  GdkModifierType  modifiers;
} ListedShortcut;

static void
listed_shortcut_free (ListedShortcut *listed)
{
  g_free (listed->title);
  g_free (listed->accelerator);
  g_free (listed->action_name);
  g_free (listed);
}

/* Every accelerator of every GtkShortcutsShortcut under @widget, once: the window's
 * search page repeats the sections' shortcuts.
 */
static void
collect_listed_shortcuts (GtkWidget  *widget,
                          GHashTable *seen,
                          GPtrArray  *listed)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action_name = NULL;
      g_auto(GStrv) accelerators = NULL;

      g_object_get (widget, "title", &title, "accelerator", &accelerator,
                    "action-name", &action_name, NULL);
      /* With an action-name, GTK shows the accelerators the application has for that
       * action: none for a misspelt name.
       */
      if ((accelerator == NULL || *accelerator == '\0') && action_name != NULL)
        g_error ("The shortcuts window lists “%s” as %s, for which the application has no "
                 "accelerator (is the action's name misspelt?)", title, action_name);
      if (accelerator == NULL || *accelerator == '\0')
        g_error ("The shortcuts window lists “%s” without an accelerator", title);

      /* Several accelerators are separated by spaces ("<ctrl>r F5"). */
      accelerators = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; accelerators[i] != NULL; i++)
        {
          ListedShortcut *entry;
          char *key;

          if (*accelerators[i] == '\0')
            continue;

          key = g_strdup_printf ("%s\n%s", title, accelerators[i]);
          if (!g_hash_table_add (seen, key))
            continue;

          entry = g_new0 (ListedShortcut, 1);
          entry->title = g_strdup (title);
          entry->accelerator = g_strdup (accelerators[i]);
          entry->action_name = g_strdup (action_name);
          if (!gtk_accelerator_parse (entry->accelerator, &entry->keyval, &entry->modifiers) ||
              entry->keyval == 0)
            g_error ("The shortcuts window lists “%s” as %s, which is no accelerator",
                     title, entry->accelerator);
          g_ptr_array_add (listed, entry);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed_shortcuts (child, seen, listed);
}

static GPtrArray *
list_shortcuts (GtkWidget *shortcuts_window)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *listed = g_ptr_array_new_with_free_func ((GDestroyNotify)listed_shortcut_free);

  collect_listed_shortcuts (shortcuts_window, seen, listed);
  g_assert_cmpuint (listed->len, >, 0);

  return listed;
}

/* A shortcut of an event controller, and the widget that controller belongs to. */
typedef struct
{
  GtkWidget   *owner;
  GtkShortcut *shortcut;
} Reachable;

static void
reachable_free (Reachable *reachable)
{
  g_object_unref (reachable->shortcut);
  g_free (reachable);
}

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     modifiers)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            keyval, modifiers) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            keyval, modifiers);

  return GTK_IS_KEYVAL_TRIGGER (trigger) &&
         gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) ==
           gdk_keyval_to_lower (keyval) &&
         gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers;
}

/* The shortcuts that pressing @keyval with @modifiers can reach in a window: every one
 * of the window's own controllers (its classes' bindings, the application's
 * accelerators), and the managed and global ones of the widgets in it (a primary menu
 * button's F10). A local shortcut of a widget inside works only with the focus there,
 * and a popover (a menu's items) handles its own while it is open, so they do not count.
 */
static void
find_reachable (GtkWidget       *widget,
                GtkWidget       *root,
                guint            keyval,
                GdkModifierType  modifiers,
                GPtrArray       *found)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      if (widget != root &&
          gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)) ==
            GTK_SHORTCUT_SCOPE_LOCAL)
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, modifiers))
            {
              Reachable *reachable = g_new0 (Reachable, 1);

              reachable->owner = widget;
              reachable->shortcut = g_object_ref (shortcut);
              g_ptr_array_add (found, reachable);
            }
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_NATIVE (child))
      find_reachable (child, root, keyval, modifiers, found);
}

/* What @shortcut does: the name of its action, or GTK's description of another kind. */
static char *
describe_shortcut_action (GtkShortcut *shortcut)
{
  GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

  if (GTK_IS_NAMED_ACTION (action))
    return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));

  return gtk_shortcut_action_to_string (action);
}

/* The one shortcut of @window that @entry's accelerator reaches, and (in @action) the
 * action it names. An accelerator that reaches nothing, or two different actions, is a
 * broken shortcuts window or a broken binding.
 */
static Reachable *
find_listed_shortcut (TgWindow              *window,
                      const ListedShortcut  *entry,
                      GPtrArray            **found,
                      char                 **action)
{
  Reachable *first;

  *found = g_ptr_array_new_with_free_func ((GDestroyNotify)reachable_free);
  find_reachable (GTK_WIDGET (window), GTK_WIDGET (window), entry->keyval, entry->modifiers,
                  *found);
  if ((*found)->len == 0)
    g_error ("The shortcuts window lists %s for “%s”, but no shortcut of the window or the "
             "application has that accelerator", entry->accelerator, entry->title);

  first = g_ptr_array_index (*found, 0);
  *action = describe_shortcut_action (first->shortcut);
  for (guint i = 1; i < (*found)->len; i++)
    {
      Reachable *other = g_ptr_array_index (*found, i);
      g_autofree char *other_action = describe_shortcut_action (other->shortcut);

      if (g_strcmp0 (other_action, *action) != 0)
        g_error ("%s (“%s” in the shortcuts window) is bound to both %s and %s",
                 entry->accelerator, entry->title, *action, other_action);
    }

  if (entry->action_name != NULL && g_strcmp0 (entry->action_name, *action) != 0)
    g_error ("The shortcuts window lists %s for %s (“%s”), but the key activates %s",
             entry->accelerator, entry->action_name, entry->title, *action);

  return first;
}

/* Activates @reachable's action as a key press would: FALSE when the action is
 * missing, disabled, or takes other arguments than the shortcut gives.
 */
static gboolean
activate_reachable (Reachable *reachable)
{
  return gtk_shortcut_action_activate (gtk_shortcut_get_action (reachable->shortcut),
                                       GTK_SHORTCUT_ACTION_EXCLUSIVE, reachable->owner,
                                       gtk_shortcut_get_arguments (reachable->shortcut));
}

static void
press (Reachable            *reachable,
       const ListedShortcut *entry,
       const char           *action)
{
  if (!activate_reachable (reachable))
    g_error ("%s (“%s” in the shortcuts window) reaches %s, which is missing or disabled "
             "while connected", entry->accelerator, entry->title, action);
}

static void
on_clipboard_text (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static GtkWindow *
find_toplevel (GType type)
{
  GtkWindow *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

/* The name of the @number-th visible page of @pages, from 1. */
static const char *
page_name (AdwViewStack *pages,
           int           number)
{
  g_autoptr(GtkSelectionModel) model = adw_view_stack_get_pages (pages);
  int n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (adw_view_stack_page_get_visible (page) && ++n == number)
        return adw_view_stack_page_get_name (page);
    }

  return NULL;
}

/* The menu button under @widget that F10 opens (GtkMenuButton:primary). */
static GtkMenuButton *
find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Presses @entry's shortcut in a connected @window and checks that its action did what
 * it is for. Every action the shortcuts window lists needs a check here.
 */
static void
press_and_check (TgTestDb             *db,
                 TgWindow             *window,
                 const ListedShortcut *entry,
                 Reachable            *reachable,
                 const char           *action)
{
  GtkWidget *widget = GTK_WIDGET (window);

  if (g_str_equal (action, "win.show-help-overlay"))
    {
      GtkApplicationWindow *app_window = GTK_APPLICATION_WINDOW (window);
      GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (app_window));

      g_assert_false (gtk_widget_get_visible (overlay));
      press (reachable, entry, action);
      TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (overlay));
      gtk_widget_set_visible (overlay, FALSE);
    }
  else if (g_str_equal (action, "win.preferences"))
    {
      TgPreferencesWindow *preferences;

      g_assert_null (find_preferences (window));
      press (reachable, entry, action);
      preferences = find_preferences (window);
      g_assert_nonnull (preferences);
      gtk_window_destroy (GTK_WINDOW (preferences));
      g_assert_null (find_preferences (window));
    }
  else if (g_str_equal (action, "win.show-sidebar"))
    {
      AdwFlap *flap = tg_test_ui_find_widget (widget, ADW_TYPE_FLAP);
      gboolean revealed = adw_flap_get_reveal_flap (flap);

      press (reachable, entry, action);
      g_assert_true (adw_flap_get_reveal_flap (flap) == !revealed);
      press (reachable, entry, action);
      g_assert_true (adw_flap_get_reveal_flap (flap) == revealed);
    }
  else if (g_str_equal (action, "win.refresh"))
    {
      TgMonthSummary *summary = tg_test_ui_find_widget (widget, TG_TYPE_MONTH_SUMMARY);
      gint64 expected;

      /* New calls, which only a reload shows. */
      tg_test_db_exec (db,
        "INSERT INTO tollgate.api_usage_tracking "
        "  (api_provider, api_endpoint, request_type, call_count, response_status) "
        "VALUES ('postcodes_io', '/postcodes', 'lookup', 1000, 200)");
      expected = tg_test_db_scalar_int (db, month_calls_sql);
      g_assert_cmpint (tg_month_summary_get_calls (summary), <, expected);
      press (reachable, entry, action);
      TG_TEST_ITERATE_UNTIL (tg_month_summary_get_calls (summary) == expected);
    }
  else if (g_str_equal (action, "win.export-overview"))
    {
      GtkWindow *chooser;

      /* It asks where: without a portal, GtkFileChooserNative shows GTK's own dialog. */
      g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
      press (reachable, entry, action);
      TG_TEST_ITERATE_UNTIL ((chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL);
      g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (window));
      gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
      TG_TEST_ITERATE_UNTIL (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL);
    }
  else if (g_str_equal (action, "win.copy-table"))
    {
      TgAnalyticsPage *page = tg_test_ui_find_widget (widget, TG_TYPE_ANALYTICS_PAGE);
      AdwViewStack *pages = tg_test_ui_find_widget (widget, ADW_TYPE_VIEW_STACK);
      g_autofree char *expected = NULL;
      g_autofree char *copied = NULL;

      /* On the Analytics page, once its figures are in: the table goes to the clipboard. */
      gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), "");
      adw_view_stack_set_visible_child_name (pages, "analytics");
      TG_TEST_ITERATE_UNTIL (tg_analytics_page_get_ready (page) &&
                             !tg_analytics_page_get_loading (page));
      press (reachable, entry, action);
      expected = tg_analytics_page_dup_csv (page, "trends");
      g_assert_nonnull (expected);
      gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_text,
                                     &copied);
      TG_TEST_ITERATE_UNTIL (copied != NULL);
      g_assert_cmpstr (copied, ==, expected);
      adw_view_stack_set_visible_child_name (pages, "overview");
    }
  else if (g_str_equal (action, "win.show-page-number"))
    {
      AdwViewStack *pages = tg_test_ui_find_widget (widget, ADW_TYPE_VIEW_STACK);
      GVariant *arguments = gtk_shortcut_get_arguments (reachable->shortcut);
      const char *name;

      g_assert_nonnull (arguments);
      name = page_name (pages, g_variant_get_int32 (arguments));
      g_assert_nonnull (name);
      press (reachable, entry, action);
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, name);
    }
  else if (entry->keyval == GDK_KEY_F10 && entry->modifiers == 0)
    {
      GtkMenuButton *menu_button = find_primary_menu_button (widget);
      GtkPopover *popover;

      /* GTK's own: F10 opens the window's primary menu. */
      g_assert_nonnull (menu_button);
      press (reachable, entry, action);
      popover = gtk_menu_button_get_popover (menu_button);
      g_assert_nonnull (popover);
      TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
      gtk_popover_popdown (popover);
    }
  else
    {
      /* A misspelt action fails here; a new one needs its check above. */
      press (reachable, entry, action);
      g_error ("%s (“%s” in the shortcuts window) activates %s, which test_keyboard has no "
               "check for: add one", entry->accelerator, entry->title, action);
    }
}

static gboolean
closes_windows (const char *action)
{
  return g_str_equal (action, "window.close") || g_str_equal (action, "app.quit");
}

/* Every accelerator the Keyboard Shortcuts window lists reaches an action that exists
 * and is enabled while connected, and pressing it does what the action is for. Closing
 * and quitting come last, each on a window of its own.
 */
static void
test_keyboard (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) closing = g_ptr_array_new ();
  /* The frequent actions, whose shortcuts must be listed. */
  static const char * const expected[] = {
    "<ctrl>question", "<ctrl>comma", "<ctrl>r", "F5", "<ctrl>e", "<ctrl>1", "<ctrl>2",
    "<ctrl><shift>c", "F9", "F10", "<ctrl>w", "<ctrl>q",
  };
  GtkShortcutsWindow *overlay;
  AdwViewStack *pages;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  insert_usage (db);
  window = open_window (db->conninfo);
  pages = tg_test_ui_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);
  g_assert_nonnull (pages);

  /* The window's own Keyboard Shortcuts window, as Ctrl+? shows it. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  listed = list_shortcuts (GTK_WIDGET (overlay));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean found = FALSE;
      GdkModifierType modifiers;
      guint keyval;

      g_assert_true (gtk_accelerator_parse (expected[i], &keyval, &modifiers));
      for (guint j = 0; j < listed->len; j++)
        {
          ListedShortcut *entry = g_ptr_array_index (listed, j);

          found |= entry->keyval == keyval && entry->modifiers == modifiers;
        }
      if (!found)
        g_error ("The shortcuts window does not list %s", expected[i]);
    }

  for (guint i = 0; i < listed->len; i++)
    {
      ListedShortcut *entry = g_ptr_array_index (listed, i);
      g_autoptr(GPtrArray) found = NULL;
      g_autofree char *action = NULL;
      Reachable *reachable = find_listed_shortcut (window, entry, &found, &action);

      g_test_message ("%s (%s): %s", entry->title, entry->accelerator, action);
      if (closes_windows (action))
        g_ptr_array_add (closing, entry);
      else
        press_and_check (db, window, entry, reachable, action);
    }

  /* A number without a page does nothing; pages that have not arrived are absent, not
   * dead buttons.
   */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 5);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, "overview");
  g_assert_nonnull (adw_view_stack_get_child_by_name (pages, "analytics"));
  g_assert_null (adw_view_stack_get_child_by_name (pages, "reports"));

  /* Closing: each closes the window it is pressed in. */
  for (guint i = 0; i < closing->len; i++)
    {
      ListedShortcut *entry = g_ptr_array_index (closing, i);
      g_autoptr(GPtrArray) found = NULL;
      g_autofree char *action = NULL;
      Reachable *reachable;

      if (window == NULL)
        window = open_window (db->conninfo);
      reachable = find_listed_shortcut (window, entry, &found, &action);
      press (reachable, entry, action);
      g_clear_pointer (&found, g_ptr_array_unref);
      TG_TEST_ITERATE_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (window)));
      g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
      tg_test_ui_drain ();
      g_assert_finalize_object (window);
      window = NULL;
    }

  if (window != NULL)
    close_window (window);

  /* Not connected, the data's shortcuts find their actions disabled. */
  window = present (tg_window_new_welcome (app));
  {
    ListedShortcut preferences = { (char *)"Preferences", (char *)"<ctrl>comma", NULL,
                                   GDK_KEY_comma, GDK_CONTROL_MASK };
    g_autoptr(GPtrArray) found = NULL;
    g_autofree char *action = NULL;
    Reachable *reachable = find_listed_shortcut (window, &preferences, &found, &action);

    g_assert_cmpstr (action, ==, "win.preferences");
    g_assert_false (activate_reachable (reachable));
    g_assert_null (find_preferences (window));
  }
  close_window (window);
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
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  guint latest = tg_migrator_get_latest_version ();
  /* The one before the newest: numbers may have a gap while branches merge. */
  guint previous = ((TgMigration *)g_ptr_array_index (known, known->len - 2))->version;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "DELETE FROM tollgate.schema_migrations"
                       " WHERE version = (SELECT max(version) FROM tollgate.schema_migrations)");
  /* The one before the latest. */
  previous = (guint)tg_test_db_scalar_int (db, "SELECT max(version) FROM tollgate.schema_migrations");

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_SCHEMA_BEHIND);
  assert_page (window, "problem");

  text = tg_test_ui_text (window, TRUE);
  tg_test_ui_assert_text_contains (text, db->name);
  tg_test_ui_assert_text_contains (text, "tollgatectl migrate");
  g_assert_true (has_number (text, previous));
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
  g_autoptr(TgSecretKey) key = tg_secret_key_new_database (host, port, dbname, user);
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;
  char *copy;

  tg_secret_store_lookup_async (store, key, NULL, store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);

  secret = tg_secret_store_lookup_finish (store, result, error);
  copy = g_strdup (secret);
  tg_secret_free (secret);

  return copy;
}

/* Whether the keyring answered: with the password in @stored, or with @error. Made for
 * TG_TEST_ITERATE_UNTIL, which evaluates its condition once more after it held, so it
 * drops the answer of the call before.
 */
static gboolean
password_answered (TgSecretStore  *store,
                   const char     *host,
                   const char     *port,
                   const char     *dbname,
                   const char     *user,
                   char          **stored,
                   GError        **error)
{
  g_clear_pointer (stored, g_free);
  g_clear_error (error);
  *stored = lookup_password (store, host, port, dbname, user, error);

  return *stored != NULL || *error != NULL;
}

static void
clear_password (TgSecretStore *store,
                const char    *host,
                const char    *port,
                const char    *dbname,
                const char    *user)
{
  g_autoptr(TgSecretKey) key = tg_secret_key_new_database (host, port, dbname, user);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tg_secret_store_clear_async (store, key, NULL, store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);
  tg_secret_store_clear_finish (store, result, &error);
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
  TG_TEST_ITERATE_UNTIL (password_answered (store, host, port, db->name, "postgres",
                                            &stored, &error));
  g_assert_no_error (error);
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

  g_test_add_func ("/tollgate/ui/window/application", test_application);
  g_test_add_func ("/tollgate/ui/window/composites", test_composites);
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
