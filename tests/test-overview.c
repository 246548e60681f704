/* test-overview.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Overview page and the worker, against real databases on the test cluster and a
 * real display (Xvfb inside tools/with-services): the provider cards against
 * `tollgatectl usage overview --json` on the same database, the live feed (new calls,
 * failures, late commits, bursts, pausing), the empty states, and the worker thread that
 * LISTENs and refreshes the rollups. Waits iterate the main loop until a condition holds;
 * their guard only turns a hang into a message, it is not a timing assertion.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "tg-application.h"
#include "tg-db-util.h"
#include "tg-feed-row.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-month-summary.h"
#include "tg-overview-page.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-time-bucket.h"
#include "tg-window.h"
#include "tg-worker.h"


static gboolean have_display;
static TgApplication *app;

static TgWindow *
open_window (const char *conninfo)
{
  TgWindow *window = g_object_ref (tg_application_open_window (app, conninfo));

  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);

  return window;
}

static void
close_window (TgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

static TgOverviewPage *
get_page (TgWindow *window)
{
  TgOverviewPage *page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_OVERVIEW_PAGE);

  g_assert_nonnull (page);
  return page;
}

/* tollgatectl usage overview --json */

static JsonNode *
run_tollgatectl_overview (TgTestDb *db)
{
  const char *tollgatectl = g_getenv ("TOLLGATECTL");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (tollgatectl);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, tollgatectl, "usage", "overview", "--db", db->conninfo,
                              "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("tollgatectl usage overview failed: %s", err);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static gint64
json_money (JsonObject *object,
            const char *member)
{
  g_autoptr(GError) error = NULL;
  gint64 micros = 0;

  g_assert_true (tg_money_parse (json_object_get_string_member (object, member), &micros,
                                 &error));
  g_assert_no_error (error);
  return micros;
}

/* Anchors of tg_test_insert_random_usage(): rows land within a day of each. */
static char *
anchor (TgTestDb   *db,
        const char *expression)
{
  g_autofree char *sql = g_strdup_printf ("SELECT to_char ((%s) AT TIME ZONE 'UTC', "
                                          "'YYYY-MM-DD HH24:MI:SS') || '+00'", expression);

  return tg_test_db_scalar (db, sql);
}

/* The cards show what tollgatectl reports for the same database: provider by provider,
 * this billing month (Adelaide's, whose month starts 10:30 or 9:30 before UTC's), with
 * rows of the month before that must not count and rows of an unknown provider.
 */
static void
test_cards (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *this_month = NULL;
  g_autofree char *month_start = NULL;
  g_autofree char *previous_month = NULL;
  g_autofree char *recent = NULL;
  g_autofree char *total_text = NULL;
  const char *month_start_sql =
    "date_trunc ('month', now () AT TIME ZONE 'Australia/Adelaide') AT TIME ZONE 'Australia/Adelaide'";
  JsonObject *object;
  JsonArray *providers;
  TgOverviewPage *page;
  TgCostChart *chart;
  TgWindow *window;
  guint n_with_usage = 0;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Australia/Adelaide' "
                       "WHERE key = 'billing-timezone'");
  {
    g_autofree char *expr1 = g_strdup_printf ("%s + interval '30 hours'", month_start_sql);
    g_autofree char *expr2 = g_strdup_printf ("%s - interval '30 hours'", month_start_sql);

    month_start = anchor (db, expr1);
    previous_month = anchor (db, expr2);
    recent = anchor (db, "now () - interval '30 hours'");
  }

  /* Some rows rolled up, some in the raw tail after the watermark. */
  {
    const char * const anchors[] = { month_start, previous_month, recent };

    tg_test_insert_random_usage (db, 16, 400, anchors, G_N_ELEMENTS (anchors));
    tg_test_db_exec (db, "SELECT tollgate.refresh_rollups ()");
    tg_test_insert_random_usage (db, 17, 300, anchors, G_N_ELEMENTS (anchors));
  }

  window = open_window (db->conninfo);
  page = get_page (window);
  g_assert_true (tg_overview_page_get_has_data (page));
  g_assert_false (tg_overview_page_get_stale (page));

  root = run_tollgatectl_overview (db);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "timezone"), ==, "Australia/Adelaide");
  g_assert_cmpstr (tg_overview_page_get_month (page), ==,
                   json_object_get_string_member (object, "period"));

  providers = json_object_get_array_member (object, "providers");
  g_assert_cmpuint (json_array_get_length (providers), >, 3);

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *expected = json_array_get_object_element (providers, i);
      const char *slug = json_object_get_string_member (expected, "provider");
      const char *native_currency = json_object_get_string_member (expected, "native_currency");
      TgProviderCard *card = tg_overview_page_get_card (page, slug);
      TgUsageRow *usage;
      TgProvider *provider;
      g_autofree char *text = NULL;
      g_autofree char *count = NULL;
      gint64 input_tokens = json_object_get_int_member (expected, "input_tokens");
      gint64 output_tokens = json_object_get_int_member (expected, "output_tokens");

      if (card == NULL)
        g_error ("No card for provider %s", slug);
      usage = tg_provider_card_get_usage (card);
      provider = tg_provider_card_get_provider (card);
      g_assert_nonnull (usage);
      n_with_usage++;

      g_assert_cmpstr (usage->group, ==, slug);
      g_assert_cmpint (usage->calls, ==, json_object_get_int_member (expected, "calls"));
      g_assert_cmpint (usage->errors, ==, json_object_get_int_member (expected, "errors"));
      g_assert_cmpint (usage->input_tokens, ==, input_tokens);
      g_assert_cmpint (usage->output_tokens, ==, output_tokens);
      g_assert_cmpint (usage->credits, ==, json_money (expected, "credits"));
      g_assert_cmpint (usage->cost, ==, json_money (expected, "cost"));
      g_assert_cmpstr (usage->native_currency, ==, native_currency);
      if (*native_currency != '\0')
        g_assert_cmpint (usage->cost_native, ==, json_money (expected, "cost_native"));

      /* Calls, or tokens for the provider billed per token. */
      if (g_str_equal (slug, "openai"))
        {
          g_assert_true (tg_provider_counts_tokens (provider));
          g_assert_cmpint (tg_provider_card_get_count (card), ==, input_tokens + output_tokens);
        }
      else
        g_assert_cmpint (tg_provider_card_get_count (card), ==,
                         json_object_get_int_member (expected, "calls"));

      /* …and on screen, grouped as the header groups numbers. */
      text = tg_test_ui_text (card, FALSE);
      count = tg_format_count (tg_provider_card_get_count (card));
      tg_test_ui_assert_text_contains (text, count);

      if (*native_currency != '\0')
        {
          g_autofree char *native = tg_money_format (usage->cost_native, native_currency);

          tg_test_ui_assert_text_contains (text, native);
        }
      if (g_strcmp0 (native_currency, "AUD") != 0)
        {
          g_autofree char *reporting = tg_money_format (usage->cost, "AUD");

          tg_test_ui_assert_text_contains (text, reporting);
        }
    }

  /* The catalogue's providers without calls this month have cards of zeros. */
  g_assert_cmpuint (tg_overview_page_get_n_cards (page), >=, n_with_usage);
  {
    TgProviderCard *acme = tg_overview_page_get_card (page, "acme");
    g_autofree char *text = NULL;

    /* A provider the platform called but the catalogue does not list still has a card. */
    g_assert_nonnull (acme);
    text = tg_test_ui_text (acme, FALSE);
    tg_test_ui_assert_text_contains (text, "Not in the provider catalogue");
    tg_test_ui_assert_text_contains (text, "No quota");
  }

  /* The chart has a bar per provider with calls, at its cost. */
  chart = tg_overview_page_get_chart (page);
  g_assert_cmpuint (tg_cost_chart_get_entries (chart)->len, ==, n_with_usage);
  g_assert_cmpstr (tg_cost_chart_get_currency (chart), ==, "AUD");
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *expected = json_array_get_object_element (providers, i);
      TgProviderCard *card = tg_overview_page_get_card (page, json_object_get_string_member (expected,
                                                                                           "provider"));
      const char *label = tg_provider_card_get_provider (card)->display_name;
      GArray *entries = tg_cost_chart_get_entries (chart);
      gboolean found = FALSE;

      for (guint j = 0; j < entries->len; j++)
        {
          TgCostChartEntry *entry = &g_array_index (entries, TgCostChartEntry, j);

          if (g_strcmp0 (entry->label, label) == 0)
            {
              g_assert_cmpint (entry->cost, ==, json_money (expected, "cost"));
              g_assert_cmpuint (entry->color_index, ==, tg_provider_card_get_color_index (card));
              found = TRUE;
            }
        }
      g_assert_true (found);
    }

  /* The month's total, exact. */
  total_text = tg_money_format (json_money (json_object_get_object_member (object, "total"), "cost"),
                                "AUD");
  {
    g_autofree char *text = tg_test_ui_text (page, FALSE);

    tg_test_ui_assert_text_contains (text, total_text);
  }

  close_window (window);
}

/* Empty states: no calls this month; no providers at all. */
static void
test_empty (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  TgOverviewPage *page;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  page = get_page (window);
  g_assert_cmpuint (tg_overview_page_get_n_cards (page), ==, 6);
  g_assert_cmpint (tg_provider_card_get_count (tg_overview_page_get_card (page, "geoscape")), ==, 0);
  g_assert_null (tg_provider_card_get_usage (tg_overview_page_get_card (page, "geoscape")));
  g_assert_cmpuint (tg_cost_chart_get_entries (tg_overview_page_get_chart (page))->len, ==, 0);
  g_assert_cmpuint (tg_activity_feed_get_n_calls (tg_overview_page_get_feed (page)), ==, 0);

  text = tg_test_ui_text (page, FALSE);
  tg_test_ui_assert_text_contains (text, "No calls this month yet");
  tg_test_ui_assert_text_contains (text, "No Calls Yet");
  tg_test_ui_assert_text_contains (text, "No quota");
  close_window (window);

  /* A catalogue emptied by hand (the reference data, prices and regions first). */
  tg_test_db_exec (db, "DELETE FROM tollgate.regions; DELETE FROM tollgate.price_book; "
                       "DELETE FROM tollgate.providers");
  window = open_window (db->conninfo);
  page = get_page (window);
  g_assert_cmpuint (tg_overview_page_get_n_cards (page), ==, 0);
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (page, FALSE);
  tg_test_ui_assert_text_contains (text, "No Providers");
  close_window (window);
}

/* The feed */

static gint64
insert_call (TgTestDb   *db,
             const char *provider,
             int         status,
             int         call_count)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("INSERT INTO tollgate.api_usage_tracking "
                         "  (user_id, api_provider, api_endpoint, request_type, call_count, "
                         "   response_status, response_time) "
                         "VALUES (42, '%s', '/v1/test', 'validate', %d, %d, 120) "
                         "RETURNING api_usage_id",
                         provider, call_count, status);
  return tg_test_db_scalar_int (db, sql);
}

static guint
count_in_feed (TgActivityFeed *feed,
               gint64          id)
{
  guint count = 0;

  for (guint i = 0; i < tg_activity_feed_get_n_calls (feed); i++)
    if (tg_activity_feed_get_call (feed, i)->id == id)
      count++;

  return count;
}

static gboolean
feed_has (TgActivityFeed *feed,
          gint64          id)
{
  return tg_activity_feed_get_row_for_id (feed, id) != NULL;
}

static void
assert_newest_first (TgActivityFeed *feed)
{
  for (guint i = 1; i < tg_activity_feed_get_n_calls (feed); i++)
    g_assert_cmpint (tg_activity_feed_get_call (feed, i - 1)->id, >,
                     tg_activity_feed_get_call (feed, i)->id);
}

static void
test_feed (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(PGconn) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *late_text = NULL;
  TgActivityFeed *feed;
  GtkWidget *row;
  TgWindow *window;
  gint64 ok_id;
  gint64 failed_id;
  gint64 timeout_id;
  gint64 late_id;
  gint64 after_id;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  feed = tg_overview_page_get_feed (get_page (window));
  g_assert_true (tg_activity_feed_get_answered (feed));
  g_assert_cmpuint (tg_activity_feed_get_n_calls (feed), ==, 0);

  /* A call appears at the top; inserts do not NOTIFY, the feed polls. */
  ok_id = insert_call (db, "geoscape", 200, 1);
  TG_TEST_ITERATE_UNTIL (feed_has (feed, ok_id));
  g_assert_cmpint (tg_activity_feed_get_call (feed, 0)->id, ==, ok_id);
  row = tg_activity_feed_get_row_for_id (feed, ok_id);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (tg_feed_row_get_failed (TG_FEED_ROW (row)));
  text = tg_test_ui_text (row, FALSE);
  tg_test_ui_assert_text_contains (text, "Geoscape");
  tg_test_ui_assert_text_contains (text, "/v1/test");
  tg_test_ui_assert_text_contains (text, "user 42");
  tg_test_ui_assert_text_contains (text, "120 ms");

  /* Failures stand out: the error style, and their status in words. */
  failed_id = insert_call (db, "here", 503, 1);
  timeout_id = insert_call (db, "openai", 0, 1);
  TG_TEST_ITERATE_UNTIL (feed_has (feed, failed_id) && feed_has (feed, timeout_id));
  row = tg_activity_feed_get_row_for_id (feed, failed_id);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (tg_feed_row_get_failed (TG_FEED_ROW (row)));
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (row, FALSE);
  tg_test_ui_assert_text_contains (text, "503");
  row = tg_activity_feed_get_row_for_id (feed, timeout_id);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (row, FALSE);
  tg_test_ui_assert_text_contains (text, "Timeout");
  assert_newest_first (feed);

  /* The counter of the last ten seconds: the calls the polls of those seconds found. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 1234, 200)");
  TG_TEST_ITERATE_UNTIL (tg_activity_feed_get_recent_calls (feed) >= 1234);
  g_clear_pointer (&text, g_free);
  text = tg_test_ui_text (feed, FALSE);
  /* Until counting has covered ten seconds, the label says so. */
  if (strstr (text, "calls so far") == NULL)
    tg_test_ui_assert_text_contains (text, "calls in the last 10 seconds");

  /* A late commit: an id drawn first, committed after a later one was seen, still comes,
   * once, at its place.
   */
  writer = tg_test_db_connect_as (db, "postgres");
  g_assert_true (tg_db_exec (writer, "BEGIN", &error));
  g_assert_no_error (error);
  late_text = tg_test_conn_scalar (writer,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status) "
    "VALUES ('canada_post', '/late', 'validate', 200) RETURNING api_usage_id");
  late_id = g_ascii_strtoll (late_text, NULL, 10);
  after_id = insert_call (db, "smarty_streets", 200, 1);
  g_assert_cmpint (after_id, >, late_id);
  TG_TEST_ITERATE_UNTIL (feed_has (feed, after_id));
  g_assert_false (feed_has (feed, late_id));
  g_assert_true (tg_db_exec (writer, "COMMIT", &error));
  g_assert_no_error (error);
  TG_TEST_ITERATE_UNTIL (feed_has (feed, late_id));
  g_assert_cmpuint (count_in_feed (feed, late_id), ==, 1);
  g_assert_cmpuint (count_in_feed (feed, after_id), ==, 1);
  g_assert_cmpint (tg_activity_feed_get_call (feed, 0)->id, ==, after_id);
  g_assert_cmpint (tg_activity_feed_get_call (feed, 1)->id, ==, late_id);
  assert_newest_first (feed);

  /* A burst: the feed keeps the newest 200. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status) "
    "SELECT 'geoscape', '/burst', 'validate', 200 FROM generate_series (1, 3000)");
  after_id = tg_test_db_scalar_int (db, "SELECT max (api_usage_id) FROM tollgate.api_usage_tracking");
  TG_TEST_ITERATE_UNTIL (feed_has (feed, after_id));
  g_assert_cmpuint (tg_activity_feed_get_n_calls (feed), ==, 200);
  g_assert_cmpint (tg_activity_feed_get_call (feed, 199)->id, ==, after_id - 199);
  assert_newest_first (feed);

  close_window (window);
}

/* Scrolling away from the top pauses the feed; jumping back resumes it. */
static void
test_feed_pause (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  GtkAdjustment *adjustment;
  TgActivityFeed *feed;
  TgWindow *window;
  gint64 top_id;
  gint64 newest_id = 0;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status) "
    "SELECT 'here', '/v1/geocode', 'geocode', 200 FROM generate_series (1, 80)");

  window = open_window (db->conninfo);
  feed = tg_overview_page_get_feed (get_page (window));
  TG_TEST_ITERATE_UNTIL (tg_activity_feed_get_n_calls (feed) == 80);
  top_id = tg_activity_feed_get_call (feed, 0)->id;

  /* The user scrolls down. */
  adjustment = tg_activity_feed_get_vadjustment (feed);
  TG_TEST_ITERATE_UNTIL (gtk_adjustment_get_upper (adjustment) >
                 gtk_adjustment_get_page_size (adjustment) + 300);
  g_assert_false (tg_activity_feed_get_paused (feed));
  gtk_adjustment_set_value (adjustment, 300);
  g_assert_true (tg_activity_feed_get_paused (feed));

  /* New calls do not move what the user reads; the bar counts them — from the feed's first
   * poll of its figures on, which a busy connection may answer after the calls shown. */
  TG_TEST_ITERATE_UNTIL (tg_activity_feed_get_counting (feed));
  for (guint i = 0; i < 4; i++)
    newest_id = insert_call (db, "geoscape", 200, 3);
  TG_TEST_ITERATE_UNTIL (tg_activity_feed_get_new_calls (feed) == 12);
  g_assert_cmpuint (tg_activity_feed_get_n_calls (feed), ==, 80);
  g_assert_cmpint (tg_activity_feed_get_call (feed, 0)->id, ==, top_id);
  g_assert_false (feed_has (feed, newest_id));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 300);
  text = tg_test_ui_text (feed, FALSE);
  tg_test_ui_assert_text_contains (text, "12 new calls");

  /* Jump to Latest: back at the top, the new calls come in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (feed), "feed.jump-to-latest", NULL));
  g_assert_false (tg_activity_feed_get_paused (feed));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  TG_TEST_ITERATE_UNTIL (feed_has (feed, newest_id));
  g_assert_cmpint (tg_activity_feed_get_call (feed, 0)->id, ==, newest_id);
  g_assert_cmpuint (tg_activity_feed_get_n_calls (feed), ==, 84);
  assert_newest_first (feed);

  /* Scrolling back to the top by hand resumes too. */
  gtk_adjustment_set_value (adjustment, 200);
  g_assert_true (tg_activity_feed_get_paused (feed));
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_false (tg_activity_feed_get_paused (feed));

  close_window (window);
}

/* The worker */

static void
count_signal (gpointer  instance,
              guint    *counter)
{
  (*counter)++;
}

/* What a worker's refreshes added, as its "refreshed" signal reports them. */
typedef struct
{
  gint64 rows;
  gint64 last_id;
} RefreshRecord;

static void
record_refresh (TgWorker      *worker,
                gint64         rows,
                gint64         last_id,
                RefreshRecord *record)
{
  record->rows += rows;
  record->last_id = last_id;
}

static void
stop_worker (TgWorker *worker)
{
  tg_worker_stop (worker);
  TG_TEST_ITERATE_UNTIL (!tg_worker_get_running (worker));
  g_assert_finalize_object (worker);
}

static void
test_worker (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *nobody = NULL;
  g_autofree char *nobody_conninfo = NULL;
  g_autofree char *sql = NULL;
  TgWorker *first;
  TgWorker *second;
  TgWorker *denied;
  RefreshRecord second_refresh = { 0 };
  guint usage_changed = 0;
  gint64 max_id;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 2, 200 FROM generate_series (1, 500)");
  max_id = tg_test_db_scalar_int (db, "SELECT max (api_usage_id) FROM tollgate.api_usage_tracking");
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"), <, max_id);

  /* One worker: it takes the refresher lock and rolls the rows up. */
  first = tg_worker_new (db->conninfo);
  tg_worker_set_refresh_interval_ms (first, 100);
  g_signal_connect (first, "usage-changed", G_CALLBACK (count_signal), &usage_changed);
  tg_worker_start (first);
  g_assert_true (tg_worker_get_running (first));
  TG_TEST_ITERATE_UNTIL (tg_worker_get_last_id (first) >= max_id);
  g_assert_cmpint (tg_worker_get_role (first), ==, TG_WORKER_ROLE_REFRESHER);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"), >=, max_id);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT sum (calls) FROM tollgate.usage_rollup_15m"),
                   ==, 1000);

  /* Its refresh NOTIFYs, and its LISTEN hands that to this thread. */
  TG_TEST_ITERATE_UNTIL (usage_changed > 0);

  /* A second Tollgate on the same database stands by while the first holds the lock… */
  second = tg_worker_new (db->conninfo);
  tg_worker_set_refresh_interval_ms (second, 100);
  g_signal_connect (second, "refreshed", G_CALLBACK (record_refresh), &second_refresh);
  tg_worker_start (second);
  TG_TEST_ITERATE_UNTIL (tg_worker_get_role (second) == TG_WORKER_ROLE_STANDBY);
  g_assert_cmpint (tg_worker_get_role (first), ==, TG_WORKER_ROLE_REFRESHER);

  /* …and takes over when the first one quits. The call comes after the first stopped,
   * so only the second can roll it up: the takeover is what is checked, not which of
   * the two happened to refresh first.
   */
  stop_worker (first);
  max_id = insert_call (db, "here", 200, 5);
  TG_TEST_ITERATE_UNTIL (tg_worker_get_role (second) == TG_WORKER_ROLE_REFRESHER);
  TG_TEST_ITERATE_UNTIL (second_refresh.last_id >= max_id);
  g_assert_cmpint (second_refresh.rows, >=, 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"), >=, max_id);
  stop_worker (second);

  /* A login without any Tollgate role may not refresh: the worker only listens. */
  nobody = tg_test_unique_name ("tgnobody");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN", nobody);
  tg_test_db_exec (db, sql);
  nobody_conninfo = tg_test_db_conninfo_as (db, nobody);
  max_id = insert_call (db, "here", 200, 1);
  denied = tg_worker_new (nobody_conninfo);
  tg_worker_set_refresh_interval_ms (denied, 100);
  tg_worker_start (denied);
  TG_TEST_ITERATE_UNTIL (tg_worker_get_role (denied) == TG_WORKER_ROLE_DENIED);
  g_assert_cmpint (tg_worker_get_last_id (denied), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"), <, max_id);
  stop_worker (denied);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", nobody);
  tg_test_db_exec (db, sql);

  /* Stopping at once after starting, before the thread ran its loop, is clean too. */
  first = tg_worker_new (db->conninfo);
  tg_worker_start (first);
  stop_worker (first);
}

/* The window's own worker refreshes the rollups, and its NOTIFY reloads the Overview. */
static void
test_window_worker (void)
{
  g_autoptr(TgTestDb) db = NULL;
  TgOverviewPage *page;
  TgProviderCard *card;
  TgWindow *window;
  gint64 max_id;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  window = open_window (db->conninfo);
  page = get_page (window);
  card = tg_overview_page_get_card (page, "canada_post");
  g_assert_cmpint (tg_provider_card_get_count (card), ==, 0);

  max_id = insert_call (db, "canada_post", 200, 77);
  TG_TEST_ITERATE_UNTIL (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state") >= max_id);
  TG_TEST_ITERATE_UNTIL (tg_provider_card_get_count (card) == 77);

  close_window (window);
}

/* A call of today shows its time; one of another day its date too. */
static void
test_feed_row_dates (void)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(TgUsageCall) call = tg_usage_call_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) earlier = NULL;
  g_autofree char *today_text = NULL;
  g_autofree char *earlier_text = NULL;
  g_autofree char *month = NULL;
  GtkWidget *row;

  if (!tg_test_ui_require_display (have_display))
    return;

  zone = g_time_zone_new_identifier ("Australia/Adelaide");
  now = g_date_time_new_now (zone);
  earlier = g_date_time_add_days (now, -3);
  month = g_date_time_format (earlier, "%b");

  row = g_object_ref_sink (tg_feed_row_new ());
  g_free (call->provider);
  call->provider = g_strdup ("here");
  g_free (call->endpoint);
  call->endpoint = g_strdup ("/v1/geocode");
  call->status = 200;
  call->response_time = 90;
  call->call_count = 1;
  call->priced = TRUE;

  call->created_at = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  tg_feed_row_set_call (TG_FEED_ROW (row), call, "HERE", zone, "AUD");
  today_text = tg_test_ui_text (row, FALSE);
  g_assert_null (strstr (today_text, month));

  call->created_at = g_date_time_to_unix (earlier) * G_USEC_PER_SEC;
  tg_feed_row_set_call (TG_FEED_ROW (row), call, "HERE", zone, "AUD");
  earlier_text = tg_test_ui_text (row, FALSE);
  tg_test_ui_assert_text_contains (earlier_text, month);

  g_object_unref (row);
}

typedef struct
{
  TgMonthSummary *summary;
  TgOverviewPage *page;
  guint           loads;
  gint64          loaded_calls;   /* the month's calls of the last load */
  guint           mismatches;
} HeaderCheck;

static void
on_month_loaded_check (TgOverviewPage *page,
                       HeaderCheck    *check)
{
  TgUsageRow *total = tg_overview_page_get_month_total (page, NULL, NULL);

  g_assert_nonnull (total);
  check->loads++;
  check->loaded_calls = total->calls;
  if (tg_month_summary_get_calls (check->summary) != total->calls ||
      tg_month_summary_get_cost (check->summary) != total->cost)
    check->mismatches++;
}

/* Whenever the header changes, it shows the Overview's month: no other load (a month
 * query of its own, a moment apart from the cards') may set it.
 */
static void
on_header_changed_check (TgMonthSummary *summary,
                         GParamSpec     *pspec,
                         HeaderCheck    *check)
{
  TgUsageRow *total = tg_overview_page_get_month_total (check->page, NULL, NULL);

  if (total == NULL)
    return;

  if (g_str_equal (pspec->name, "calls") ? tg_month_summary_get_calls (summary) != total->calls
                                         : tg_month_summary_get_cost (summary) != total->cost)
    {
      g_test_message ("The header's %s changed to what the cards do not show", pspec->name);
      check->mismatches++;
    }
}

/* Whether the window's connection is inside the month's query (tollgate.usage_series),
 * waiting for a lock.
 */
static gboolean
window_waits_in_series (PGconn   *watch,
                        TgTestDb *db)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count (*) FROM pg_catalog.pg_stat_activity "
    "WHERE datname = '%s' AND application_name = 'tollgate' "
    "  AND wait_event_type = 'Lock' AND query LIKE '%%usage_series%%'", db->name);
  g_autofree char *count = tg_test_conn_scalar (watch, sql);

  return g_strcmp0 (count, "0") != 0;
}

/* Whether the header's own load (the month summary's) is under way. */
static gboolean
summary_loading (TgMonthSummary *summary)
{
  gboolean loading = FALSE;

  g_object_get (summary, "loading", &loading, NULL);
  return loading;
}

static void
insert_calls (TgTestDb *db,
              int       call_count)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking "
    "  (user_id, api_provider, api_endpoint, request_type, call_count, response_status, "
    "   response_time) "
    "VALUES (7, 'geoscape', '/v1/test', 'validate', %d, 200, 80)", call_count);

  tg_test_db_exec (db, sql);
}

/* Calls arrive while the Overview loads, and the header's month and the Overview's cards
 * show one snapshot. The arrival is forced: the test holds the rollup state
 * (which the month's query reads first, after its snapshot is taken) until the window's
 * connection is seen waiting inside that query, commits calls, and only then lets the
 * load go on. The load then shows the month without them, and the header must agree
 * with it, whenever it changes and once everything has settled.
 */
static void
test_header_matches_cards (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(PGconn) locker = NULL;
  g_autoptr(PGconn) watch = NULL;
  HeaderCheck check = { 0 };
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  insert_calls (db, 3);
  locker = tg_test_db_connect_as (db, "postgres");
  watch = tg_test_db_connect_as (db, "postgres");

  /* The window's worker stands by (the test holds the refresher's lock, tg-worker.c's
   * REFRESHER_LOCK_KEY): its NOTIFYs would start loads of their own, and the only
   * loads here are the Refreshes'. The Overview's and the header's timers are 30 and
   * 60 seconds away.
   */
  g_free (tg_test_conn_scalar (watch, "SELECT pg_advisory_lock (6084200834447537253)"));

  window = open_window (db->conninfo);
  check.page = get_page (window);
  check.summary = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_MONTH_SUMMARY);
  g_assert_nonnull (check.summary);
  g_signal_connect_after (check.page, "month-loaded", G_CALLBACK (on_month_loaded_check), &check);
  g_signal_connect (check.summary, "notify::calls", G_CALLBACK (on_header_changed_check), &check);
  g_signal_connect (check.summary, "notify::cost", G_CALLBACK (on_header_changed_check), &check);

  for (int round = 1; round <= 3; round++)
    {
      guint loads;
      gint64 before;

      /* Nothing else loading: the window's first loads and whatever the last round's
       * commit set off (the worker's evaluation, which waited on the rollup state, and
       * what it reports) have settled, so that the load seen waiting is the Refresh's. */
      TG_TEST_ITERATE_UNTIL (!summary_loading (check.summary) && tg_window_get_ready (window));
      tg_test_ui_drain ();
      loads = check.loads;

      /* Calls committed before the Refresh, which its load must show… */
      insert_calls (db, 10 * round);
      before = tg_test_db_scalar_int (db, "SELECT sum (call_count) "
                                          "FROM tollgate.api_usage_tracking");

      g_assert_true (tg_db_exec (locker, "BEGIN", NULL));
      g_assert_true (tg_db_exec (locker, "LOCK TABLE tollgate.rollup_state "
                                         "IN ACCESS EXCLUSIVE MODE", NULL));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
      TG_TEST_ITERATE_UNTIL (window_waits_in_series (watch, db));

      /* …and calls committed while it is under way, after its snapshot, which it cannot. */
      insert_calls (db, 1000 * round);
      g_assert_true (tg_db_exec (locker, "COMMIT", NULL));

      TG_TEST_ITERATE_UNTIL (check.loads > loads);
      g_assert_cmpint (check.loaded_calls, ==, before);

      /* Whatever the header loads itself for this Refresh has come in too. */
      TG_TEST_ITERATE_UNTIL (!summary_loading (check.summary) && tg_window_get_ready (window));
      /* Only this Refresh loaded: the load seen waiting was its own. */
      g_assert_cmpuint (check.loads, ==, loads + 1);
      g_assert_cmpint (tg_month_summary_get_calls (check.summary), ==,
                       tg_overview_page_get_month_total (check.page, NULL, NULL)->calls);
    }

  /* A last Refresh with nothing held shows every call, in the header too. */
  {
    guint loads = check.loads;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
    TG_TEST_ITERATE_UNTIL (check.loads > loads);
    TG_TEST_ITERATE_UNTIL (!summary_loading (check.summary) && tg_window_get_ready (window));
    g_assert_cmpint (tg_month_summary_get_calls (check.summary), ==,
                     tg_test_db_scalar_int (db, "SELECT sum (call_count) "
                                                "FROM tollgate.api_usage_tracking"));
  }

  g_assert_cmpuint (check.mismatches, ==, 0);

  /* The labels show the properties (the template binds them), grouped as everywhere. */
  {
    g_autofree char *text = tg_test_ui_text (check.summary, FALSE);
    g_autofree char *calls = tg_format_count (tg_month_summary_get_calls (check.summary));
    g_autofree char *cost = tg_money_format (tg_month_summary_get_cost (check.summary),
                                             tg_month_summary_get_currency (check.summary));

    tg_test_ui_assert_text_contains (text, calls);
    tg_test_ui_assert_text_contains (text, cost);
  }

  g_signal_handlers_disconnect_by_data (check.page, &check);
  g_signal_handlers_disconnect_by_data (check.summary, &check);
  close_window (window);
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
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/tollgate/ui/overview/cards", test_cards);
  g_test_add_func ("/tollgate/ui/overview/empty", test_empty);
  g_test_add_func ("/tollgate/ui/overview/feed", test_feed);
  g_test_add_func ("/tollgate/ui/overview/feed-row-dates", test_feed_row_dates);
  g_test_add_func ("/tollgate/ui/overview/feed-pause", test_feed_pause);
  g_test_add_func ("/tollgate/ui/overview/worker", test_worker);
  g_test_add_func ("/tollgate/ui/overview/window-worker", test_window_worker);
  g_test_add_func ("/tollgate/ui/overview/header-matches-cards", test_header_matches_cards);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
