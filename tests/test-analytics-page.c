/* test-analytics-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Analytics page on a real database and a real display (Xvfb inside
 * tools/with-services): each control changes the question, and the chart (what its hover
 * box says, point by point) and the table (cell by cell) show what
 * `tollgatectl usage series|latency|top --json` reports for the same question; questions
 * the figures cannot answer are refused or adapted with words on screen; the question is
 * kept in GSettings and comes back in a new window; drill-downs open the calls behind a
 * figure, a call's request and response with their secrets masked; a table goes to the
 * clipboard as CSV. Waits iterate the main loop until a condition holds.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "tg-activity-feed.h"
#include "tg-analytics-page.h"
#include "tg-application.h"
#include "tg-calls-window.h"
#include "tg-feed-row.h"
#include "tg-json-mask.h"
#include "tg-money.h"
#include "tg-overview-page.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"
#include "tg-window.h"

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
close_toplevels (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  tg_test_ui_drain ();
}

static void
close_window (TgWindow *window)
{
  close_toplevels (TG_TYPE_CALLS_WINDOW);
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

static gboolean
page_settled (TgAnalyticsPage *page)
{
  return tg_analytics_page_get_ready (page) && !tg_analytics_page_get_loading (page);
}

/* Shows the Analytics page as Ctrl+2 does, once its figures are in. */
static TgAnalyticsPage *
show_analytics (TgWindow *window)
{
  TgAnalyticsPage *page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_ANALYTICS_PAGE);

  g_assert_nonnull (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 2));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (page)));
  TG_TEST_ITERATE_UNTIL (page_settled (page));

  return page;
}

/* Asks the page a question as its menus do (their radio items activate these actions). */
static void
ask (TgAnalyticsPage *page,
     const char      *action,
     const char      *value)
{
  g_autofree char *name = g_strdup_printf ("analytics.%s", action);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), name, "s", value));
  g_assert_true (tg_analytics_page_get_loading (page));
  TG_TEST_ITERATE_UNTIL (page_settled (page));
}

static char *
get_string (gpointer    object,
            const char *property)
{
  char *value = NULL;

  g_object_get (object, property, &value, NULL);
  return value;
}

/* tollgatectl */

static JsonNode *
run_tollgatectl (TgTestDb   *db,
                 const char *first,
                 ...)
{
  const char *tollgatectl = g_getenv ("TOLLGATECTL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;

  g_assert_nonnull (tollgatectl);
  g_ptr_array_add (argv, (gpointer)tollgatectl);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, (gpointer)"--db");
  g_ptr_array_add (argv, db->conninfo);
  g_ptr_array_add (argv, (gpointer)"--json");
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("tollgatectl %s failed: %s", first, err);

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

  g_assert_true (tg_money_parse (json_object_get_string_member (object, member), &micros, &error));
  g_assert_no_error (error);
  return micros;
}

/* A row of `tollgatectl usage series|latency --json` as a TgUsageRow (no histogram). */
static TgUsageRow *
row_from_json (JsonObject *object)
{
  TgUsageRow *row = tg_usage_row_new ();

  row->calls = json_object_get_int_member (object, "calls");
  row->billable_calls = json_object_get_int_member (object, "billable_calls");
  row->errors = json_object_get_int_member (object, "errors");
  row->timeouts = json_object_get_int_member (object, "timeouts");
  row->credits = json_money (object, "credits");
  row->cost = json_money (object, "cost");
  return row;
}

static const char *
percentile_member (TgAnalyticsMetric metric)
{
  return metric == TG_ANALYTICS_METRIC_P50 ? "p50_ms" : metric == TG_ANALYTICS_METRIC_P95 ? "p95_ms"
                                                                                          : "p99_ms";
}

/* What the page writes in the CSV for @object's figure. */
static char *
expected_plain (TgAnalyticsMetric  metric,
                JsonObject        *object)
{
  g_autoptr(TgUsageRow) row = NULL;

  if (object == NULL)
    return tg_analytics_metric_to_plain (metric, NULL);

  if (tg_analytics_metric_is_latency (metric))
    {
      JsonNode *node = json_object_get_member (object, percentile_member (metric));

      return JSON_NODE_HOLDS_NULL (node) ? g_strdup ("")
                                         : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    }

  row = row_from_json (object);
  return tg_analytics_metric_to_plain (metric, row);
}

static char *
format_date (const GDate *date)
{
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

static const char *
bucket_name (TgBucketSize bucket)
{
  return tg_bucket_size_to_string (bucket);
}

/* The rows of a `usage series|latency` answer by "start/group". */
static GHashTable *
index_rows (JsonNode *root)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array = json_object_get_array_member (json_node_get_object (root), "rows");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      g_hash_table_insert (rows, g_strdup_printf ("%s/%s", json_object_get_string_member (row, "start"),
                                                  json_object_get_string_member (row, "group")),
                           row);
    }

  return rows;
}

/* The value the hover box shows for series @series, from its text. */
static char *
hover_value (const char *hover,
             guint       series)
{
  g_auto(GStrv) lines = g_strsplit (hover, "\n", -1);
  const char *line;
  const char *colon;

  g_assert_cmpuint (g_strv_length (lines), >, series + 1);
  line = lines[series + 1];
  colon = g_strrstr (line, ": ");
  g_assert_nonnull (colon);

  return g_strdup (colon + 2);
}

/* The chart shows, bucket by bucket and series by series, what `usage series` reports:
 * the same buckets of the billing zone, the same groups, the same figures to the cent.
 */
static void
check_chart (TgTestDb        *db,
             TgAnalyticsPage *page,
             const char      *group_by,
             TgAnalyticsMetric metric,
             const char      *provider)
{
  const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (page);
  GTimeZone *zone = tg_analytics_page_get_zone (page);
  TgChartWidget *chart = tg_analytics_page_get_chart (page, "trends");
  g_autofree char *from = format_date (&plan->first_day);
  g_autofree char *to = format_date (&plan->last_day);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) rows = NULL;
  guint n_series = tg_chart_widget_get_n_series (chart);
  guint n_checked = 0;

  root = provider != NULL
         ? run_tollgatectl (db, "usage", "series", "--bucket", bucket_name (plan->bucket),
                            "--group-by", group_by, "--from", from, "--to", to,
                            "--provider", provider, NULL)
         : run_tollgatectl (db, "usage", "series", "--bucket", bucket_name (plan->bucket),
                            "--group-by", group_by, "--from", from, "--to", to, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "timezone"), ==,
                   g_time_zone_get_identifier (zone));
  rows = index_rows (root);
  g_assert_cmpuint (g_hash_table_size (rows), >, 0);

  /* Every group tollgatectl names is a series of the chart. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, rows);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        const char *group = json_object_get_string_member (value, "group");
        gboolean found = FALSE;

        for (guint s = 0; s < n_series; s++)
          found |= g_strcmp0 (tg_analytics_page_get_series_group (page, s), group) == 0;
        if (!found)
          g_error ("tollgatectl reports group “%s”, which the chart does not show", group);
      }
  }

  for (guint i = 0; i + 1 < plan->bounds->len; i++)
    {
      gint64 start = g_array_index (plan->bounds, gint64, i);
      g_autofree char *start_text = tg_time_bucket_format_start (zone, start);
      g_autofree char *hover = NULL;

      /* Buckets cut at the range's ends are checked in the table; `usage series` widens
       * them to whole buckets.
       */
      if (tg_time_bucket_floor (zone, plan->bucket, start) != start ||
          tg_time_bucket_next (zone, plan->bucket, start) != g_array_index (plan->bounds, gint64, i + 1))
        continue;

      tg_chart_widget_set_hover_index (chart, i);
      hover = tg_chart_widget_dup_hover_text (chart);
      g_assert_nonnull (hover);

      for (guint s = 0; s < n_series; s++)
        {
          const char *group = tg_analytics_page_get_series_group (page, s);
          g_autofree char *key = g_strdup_printf ("%s/%s", start_text, group);
          JsonObject *expected = g_hash_table_lookup (rows, key);
          g_autofree char *shown = hover_value (hover, s);
          g_autofree char *want = NULL;

          g_assert_nonnull (group);
          if (tg_analytics_metric_is_latency (metric))
            {
              g_autofree char *plain = expected_plain (metric, expected);
              g_autofree char *digits = NULL;
              GString *number = g_string_new (NULL);

              for (const char *p = shown; *p != '\0'; p++)
                if (g_ascii_isdigit (*p) || *p == '.')
                  g_string_append_c (number, *p);
              digits = g_string_free (number, FALSE);
              if (*plain == '\0')
                g_assert_cmpstr (shown, ==, "—");
              else
                /* The box has a tenth of a millisecond, tollgatectl whole ones. */
                g_assert_cmpfloat_with_epsilon (g_ascii_strtod (digits, NULL),
                                                (double)g_ascii_strtoll (plain, NULL, 10), 0.55);
              n_checked++;
              continue;
            }

          if (expected != NULL)
            {
              g_autoptr(TgUsageRow) row = row_from_json (expected);

              want = tg_value_format_exact (tg_analytics_metric_get_format (metric),
                                            tg_analytics_metric_value (metric, row),
                                            tg_analytics_page_get_currency (page));
            }
          else
            want = tg_value_format_exact (tg_analytics_metric_get_format (metric),
                                          tg_analytics_metric_value (metric, NULL),
                                          tg_analytics_page_get_currency (page));
          if (g_strcmp0 (shown, want) != 0)
            g_error ("%s, %s: the chart shows %s, tollgatectl says %s", start_text, group, shown, want);
          n_checked++;
        }
    }
  tg_chart_widget_set_hover_index (chart, -1);
  g_assert_cmpuint (n_checked, >, 0);
}

/* The table shows, group by group, what `usage latency` (one bucket over whole days)
 * reports for the period and for the period before.
 */
static void
check_table (TgTestDb         *db,
             TgAnalyticsPage  *page,
             const char       *group_by,
             TgAnalyticsMetric metric,
             const char       *provider)
{
  const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (page);
  GTimeZone *zone = tg_analytics_page_get_zone (page);
  TgDataTable *table = tg_analytics_page_get_table (page, "trends");
  GDate after;
  struct {
    const GDate *first;
    const GDate *last;
    gint64 end;
    guint column;
  } periods[] = {
    { &plan->first_day, &plan->last_day, plan->end, 1 },
    { &plan->previous_first_day, &plan->previous_last_day, plan->previous_end, 2 },
  };

  g_assert_cmpuint (tg_data_table_get_n_rows (table), >, 1);

  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autofree char *from = format_date (periods[p].first);
      g_autofree char *to = format_date (periods[p].last);
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GHashTable) rows = NULL;
      guint n_groups;

      /* Only periods of whole days, as tollgatectl's dates are (up to now: later rows
       * do not exist).
       */
      after = *periods[p].last;
      g_date_add_days (&after, 1);
      if (periods[p].end != tg_time_bucket_day_start (zone, &after) &&
          periods[p].end < g_get_real_time () / G_USEC_PER_SEC)
        continue;

      root = provider != NULL
             ? run_tollgatectl (db, "usage", "latency", "--group-by", group_by, "--from", from,
                                "--to", to, "--provider", provider, NULL)
             : run_tollgatectl (db, "usage", "latency", "--group-by", group_by, "--from", from,
                                "--to", to, NULL);
      rows = g_hash_table_new (g_str_hash, g_str_equal);
      {
        JsonArray *array = json_object_get_array_member (json_node_get_object (root), "rows");

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonObject *row = json_array_get_object_element (array, i);

            g_hash_table_insert (rows, (gpointer)json_object_get_string_member (row, "group"), row);
          }
      }

      /* Every group but the total's row, with tollgatectl's figure; none missing. */
      n_groups = 0;
      for (guint r = 0; r + 1 < tg_data_table_get_n_rows (table); r++)
        {
          const char *group = tg_data_table_get_plain (table, r, 0);
          JsonObject *expected = g_hash_table_lookup (rows, group);
          g_autofree char *want = expected_plain (metric, expected);

          if (g_strcmp0 (tg_data_table_get_plain (table, r, periods[p].column), want) != 0)
            g_error ("%s %s: the table shows %s, tollgatectl says %s", p == 0 ? "Now" : "Before",
                     group, tg_data_table_get_plain (table, r, periods[p].column), want);
          n_groups += expected != NULL;
        }
      g_assert_cmpuint (n_groups, ==, g_hash_table_size (rows));
    }
}

/* Another section's table against `usage latency` over the period (whole days): each
 * group's figure in @column, from tollgatectl's @member (money exact, or a count).
 */
static void
check_section_table (TgTestDb        *db,
                     TgAnalyticsPage *page,
                     const char      *table_name,
                     const char      *group_by,
                     guint            column,
                     const char      *member)
{
  const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (page);
  TgDataTable *table = tg_analytics_page_get_table (page, table_name);
  g_autofree char *from = format_date (&plan->first_day);
  g_autofree char *to = format_date (&plan->last_day);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *rows;
  guint n_found = 0;

  root = run_tollgatectl (db, "usage", "latency", "--group-by", group_by, "--from", from,
                          "--to", to, NULL);
  rows = json_object_get_array_member (json_node_get_object (root), "rows");
  g_assert_cmpuint (json_array_get_length (rows), >, 0);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *group = json_object_get_string_member (row, "group");
      int r = tg_data_table_find_row (table, 0, group);
      g_autofree char *want = NULL;

      if (r < 0)
        g_error ("%s: tollgatectl has group “%s”, the table has not", table_name, group);
      if (JSON_NODE_HOLDS_NULL (json_object_get_member (row, member)))
        want = g_strdup ("");
      else if (json_node_get_value_type (json_object_get_member (row, member)) == G_TYPE_STRING)
        want = tg_money_to_exact (json_money (row, member));
      else
        want = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (row, member));
      g_assert_cmpstr (tg_data_table_get_plain (table, r, column), ==, want);
      n_found++;
    }
  g_assert_cmpuint (n_found, ==, tg_data_table_get_n_rows (table));
}

/* A cost table of the allocation section against `usage top --by @by --json` over the
 * same whole days (@limit groups before the rest): the same groups in the same order,
 * each with its exact cost, its calls and its share, then the rest.
 */
static void
check_top_table (TgTestDb        *db,
                 TgAnalyticsPage *page,
                 const char      *table_name,
                 const char      *by,
                 guint            limit)
{
  const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (page);
  TgDataTable *table = tg_analytics_page_get_table (page, table_name);
  g_autofree char *from = format_date (&plan->first_day);
  g_autofree char *to = NULL;
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer;
  JsonObject *rest;
  JsonArray *rows;
  GDate last_day;
  guint n_rows;

  /* Whole local days up to the one the period ends in, as the section takes them. */
  tg_time_bucket_local_date (tg_analytics_page_get_zone (page), plan->end - 1, &last_day);
  to = format_date (&last_day);
  root = run_tollgatectl (db, "usage", "top", "--by", by, "--from", from, "--to", to,
                          "--limit", limit_text, NULL);
  answer = json_node_get_object (root);
  rows = json_object_get_array_member (answer, "rows");
  rest = json_object_get_object_member (answer, "rest");
  n_rows = json_array_get_length (rows);
  g_assert_cmpuint (n_rows, >, 0);

  /* The rest is a row of the table only when it sums any group. */
  g_assert_cmpuint (tg_data_table_get_n_rows (table), ==,
                    n_rows + (json_object_get_int_member (rest, "calls") != 0 ||
                              json_money (rest, "cost") != 0));

  for (guint i = 0; i <= n_rows && i < tg_data_table_get_n_rows (table); i++)
    {
      JsonObject *row = i < n_rows ? json_array_get_object_element (rows, i) : rest;
      g_autofree char *cost = tg_money_to_exact (json_money (row, "cost"));
      g_autofree char *calls = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                json_object_get_int_member (row, "calls"));

      if (i < n_rows)
        {
          /* The table's share is a percentage to four decimals, tollgatectl's a ratio. */
          double shown = g_ascii_strtod (tg_data_table_get_plain (table, i, 2), NULL) / 100;
          double said = g_ascii_strtod (json_object_get_string_member (row, "share"), NULL);

          g_assert_cmpstr (tg_data_table_get_plain (table, i, 0), ==,
                           json_object_get_string_member (row, "group"));
          g_assert_cmpfloat_with_epsilon (shown, said, 0.00005 + 1e-9);
        }
      g_assert_cmpstr (tg_data_table_get_plain (table, i, 1), ==, cost);
      g_assert_cmpstr (tg_data_table_get_plain (table, i, 3), ==, calls);
    }
}

/* Data: random calls around today, yesterday, a week and five weeks ago, in Adelaide. */
static TgTestDb *
analytics_db_new (void)
{
  TgTestDb *db = tg_test_db_new (TRUE);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  if (db == NULL)
    return NULL;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Australia/Adelaide' "
                       "WHERE key = 'billing-timezone'");
  a = tg_test_db_scalar (db, "SELECT (now () - interval '2 hours')::text");
  b = tg_test_db_scalar (db, "SELECT (now () - interval '30 hours')::text");
  c = tg_test_db_scalar (db, "SELECT (now () - interval '8 days')::text");
  d = tg_test_db_scalar (db, "SELECT (now () - interval '36 days')::text");
  {
    const char * const anchors[] = { a, b, c, d };

    tg_test_insert_random_usage (db, 31, 600, anchors, G_N_ELEMENTS (anchors));
    tg_test_db_exec (db, "SELECT tollgate.refresh_rollups ()");
    tg_test_insert_random_usage (db, 32, 300, anchors, G_N_ELEMENTS (anchors));
  }

  return db;
}

/* Each control changes the question, and what the page shows is what tollgatectl says. */
static void
test_trends (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *title = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  TgAnalyticsPage *page;
  TgChartWidget *chart;
  TgWindow *window;
  GDate today;
  GDate first;

  if (!tg_test_ui_require_display (have_display) || (db = analytics_db_new ()) == NULL)
    return;

  window = open_window (db->conninfo);
  page = show_analytics (window);
  chart = tg_analytics_page_get_chart (page, "trends");
  g_assert_cmpstr (g_time_zone_get_identifier (tg_analytics_page_get_zone (page)), ==,
                   "Australia/Adelaide");

  /* The defaults: cost per day by provider over the last 30 days. */
  g_assert_cmpint (tg_analytics_page_get_plan (page)->bucket, ==, TG_BUCKET_DAY);
  g_assert_cmpuint (tg_analytics_page_get_plan (page)->bounds->len, ==, 31);
  check_chart (db, page, "provider", TG_ANALYTICS_METRIC_COST, NULL);
  g_assert_true (tg_test_ui_shows (page, "Cost per day by provider"));

  /* Yesterday by hour: 23 to 25 buckets of Adelaide's day, calls by provider. */
  ask (page, "range", "yesterday");
  ask (page, "bucket", "hour");
  ask (page, "metric", "calls");
  g_assert_cmpint (tg_analytics_page_get_plan (page)->bucket, ==, TG_BUCKET_HOUR);
  g_assert_cmpuint (tg_analytics_page_get_plan (page)->bounds->len, >=, 24);
  g_assert_true (tg_test_ui_shows (page, "Calls per hour by provider"));
  check_chart (db, page, "provider", TG_ANALYTICS_METRIC_CALLS, NULL);
  check_table (db, page, "provider", TG_ANALYTICS_METRIC_CALLS, NULL);

  /* By request type, then by feature; billable calls, credits. */
  ask (page, "group-by", "request-type");
  g_assert_true (tg_test_ui_shows (page, "Calls per hour by request type"));
  check_chart (db, page, "request-type", TG_ANALYTICS_METRIC_CALLS, NULL);
  check_table (db, page, "request-type", TG_ANALYTICS_METRIC_CALLS, NULL);
  ask (page, "metric", "credits");
  check_chart (db, page, "request-type", TG_ANALYTICS_METRIC_CREDITS, NULL);
  ask (page, "group-by", "feature");
  ask (page, "metric", "billable-calls");
  check_chart (db, page, "feature", TG_ANALYTICS_METRIC_BILLABLE_CALLS, NULL);
  check_table (db, page, "feature", TG_ANALYTICS_METRIC_BILLABLE_CALLS, NULL);

  /* Custom dates: a week ending yesterday, by day, cost by region, against the week before. */
  tg_time_bucket_local_date (tg_analytics_page_get_zone (page), g_get_real_time () / G_USEC_PER_SEC,
                             &today);
  first = today;
  g_date_subtract_days (&first, 7);
  from = format_date (&first);
  g_date_subtract_days (&today, 1);
  to = format_date (&today);
  g_object_set (page, "from", from, "to", to, NULL);
  ask (page, "range", "custom");
  ask (page, "bucket", "day");
  ask (page, "group-by", "region");
  ask (page, "metric", "cost");
  g_assert_cmpuint (tg_analytics_page_get_plan (page)->bounds->len, ==, 8);
  title = g_strdup (tg_chart_widget_get_title (chart));
  g_assert_cmpstr (title, ==, "Cost per day by region");
  check_chart (db, page, "region", TG_ANALYTICS_METRIC_COST, NULL);
  check_table (db, page, "region", TG_ANALYTICS_METRIC_COST, NULL);

  /* The other sections, over the same whole days. */
  check_section_table (db, page, "features", "feature", 1, "cost");
  check_section_table (db, page, "features", "feature", 3, "calls");
  check_section_table (db, page, "cost-centres", "cost-centre", 1, "cost");
  check_top_table (db, page, "features", "feature", TG_USAGE_TOP_MAX_LIMIT);
  check_top_table (db, page, "cost-centres", "cost-centre", TG_USAGE_TOP_MAX_LIMIT);
  check_top_table (db, page, "users", "user", 10);   /* the page names ten users */
  check_section_table (db, page, "regions", "region", 1, "cost");
  check_section_table (db, page, "providers", "provider", 1, "calls");
  check_section_table (db, page, "providers", "provider", 3, "timeouts");
  check_section_table (db, page, "providers", "provider", 5, "p95_ms");
  check_section_table (db, page, "statuses", "status-class", 1, "calls");

  /* One provider only; the error rate, then a latency percentile, by status class. */
  ask (page, "provider", "geoscape");
  check_chart (db, page, "region", TG_ANALYTICS_METRIC_COST, "geoscape");
  check_table (db, page, "region", TG_ANALYTICS_METRIC_COST, "geoscape");
  ask (page, "metric", "error-rate");
  check_chart (db, page, "region", TG_ANALYTICS_METRIC_ERROR_RATE, "geoscape");
  check_table (db, page, "region", TG_ANALYTICS_METRIC_ERROR_RATE, "geoscape");
  ask (page, "provider", "");
  ask (page, "group-by", "status-class");
  ask (page, "metric", "p95");
  check_chart (db, page, "status-class", TG_ANALYTICS_METRIC_P95, NULL);
  check_table (db, page, "status-class", TG_ANALYTICS_METRIC_P95, NULL);
  ask (page, "metric", "p50");
  check_table (db, page, "status-class", TG_ANALYTICS_METRIC_P50, NULL);

  /* Questions faster than answers: the latest wins, whatever order the answers take. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "analytics.metric", "s", "calls"));
  /* Asked, not answered: no iteration of the loop in between (under the sanitizers one
   * was long enough for the answer to arrive). */
  g_assert_true (tg_analytics_page_get_loading (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "analytics.group-by", "s", "feature"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "analytics.metric", "s", "credits"));
  TG_TEST_ITERATE_UNTIL (page_settled (page));
  g_assert_cmpstr (tg_chart_widget_get_title (chart), ==, "Credits per day by feature");
  check_chart (db, page, "feature", TG_ANALYTICS_METRIC_CREDITS, NULL);

  /* By week, over two whole ISO weeks before this one. */
  {
    GDate monday;
    g_autofree char *week_from = NULL;
    g_autofree char *week_to = NULL;

    tg_time_bucket_local_date (tg_analytics_page_get_zone (page), g_get_real_time () / G_USEC_PER_SEC,
                               &monday);
    g_date_subtract_days (&monday, g_date_get_weekday (&monday) - G_DATE_MONDAY + 14);
    week_from = format_date (&monday);
    g_date_add_days (&monday, 13);
    week_to = format_date (&monday);
    g_object_set (page, "from", week_from, "to", week_to, NULL);
    ask (page, "bucket", "week");
    ask (page, "group-by", "endpoint");
    ask (page, "metric", "calls");
    g_assert_cmpuint (tg_analytics_page_get_plan (page)->bounds->len, ==, 3);
    check_chart (db, page, "endpoint", TG_ANALYTICS_METRIC_CALLS, NULL);
    check_table (db, page, "endpoint", TG_ANALYTICS_METRIC_CALLS, NULL);
  }

  close_window (window);
}

/* Questions the figures cannot answer: refused with words, or adapted with a notice. */
static void
test_refused (void)
{
  g_autoptr(TgTestDb) db = NULL;
  TgAnalyticsPage *page;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = analytics_db_new ()) == NULL)
    return;

  window = open_window (db->conninfo);
  page = show_analytics (window);

  /* Users by hour: by day, and the page says why. */
  ask (page, "range", "last-7-days");
  ask (page, "bucket", "hour");
  ask (page, "group-by", "user");
  g_assert_null (tg_analytics_page_get_refusal (page));
  g_assert_cmpint (tg_analytics_page_get_plan (page)->bucket, ==, TG_BUCKET_DAY);
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (page, "Usage by user is kept per day, so the chart shows days."));

  /* Latency by user: not recorded; the page says so instead of an error. */
  ask (page, "metric", "p95");
  g_assert_nonnull (tg_analytics_page_get_refusal (page));
  g_assert_true (tg_test_ui_shows (page, "Latency is not recorded per user"));
  g_assert_false (tg_test_ui_shows (page, "Cannot Show Analytics"));

  /* Another measure answers again. */
  ask (page, "metric", "cost");
  g_assert_null (tg_analytics_page_get_refusal (page));
  g_assert_true (tg_test_ui_shows (page, "Cost per day by user"));

  /* Dates the wrong way round. */
  g_object_set (page, "from", "2026-03-10", "to", "2026-03-01", NULL);
  ask (page, "range", "custom");
  g_assert_true (tg_test_ui_shows (page, "The first day comes after the last"));

  /* Hours (still asked for) over half a year: days, said. */
  g_object_set (page, "from", "2025-01-01", "to", "2025-06-30", NULL);
  ask (page, "group-by", "provider");
  g_assert_cmpint (tg_analytics_page_get_plan (page)->bucket, ==, TG_BUCKET_DAY);
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (page, "too many points to read"));
  /* No calls in those days: an empty state, not an empty chart. */
  g_assert_true (tg_test_ui_shows (page, "No Calls in These Days"));
  tg_test_ui_maybe_save_png (window, "analytics-empty");

  /* Latency by user again: the refusal on screen. */
  ask (page, "group-by", "user");
  ask (page, "metric", "p99");
  tg_test_ui_maybe_save_png (window, "analytics-refused");

  close_window (window);
}

/* The question is kept: switching pages leaves it, and a new window reads it back from
 * GSettings.
 */
static void
test_settings (void)
{
  g_autoptr(TgTestDb) db = NULL;
  GSettings *settings = tg_application_get_settings (app);
  TgAnalyticsPage *page;
  TgWindow *window;
  static const struct { const char *key; const char *property; const char *value; } question[] = {
    { "analytics-range", "range", "custom" },
    { "analytics-from", "from", "2026-02-01" },
    { "analytics-to", "to", "2026-02-14" },
    { "analytics-bucket", "bucket", "week" },
    { "analytics-group-by", "group-by", "cost-centre" },
    { "analytics-metric", "metric", "billable-calls" },
    { "analytics-provider", "provider", "here" },
    { "analytics-section", "section", "regions" },
  };

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  g_assert_nonnull (settings);
  window = open_window (db->conninfo);
  page = show_analytics (window);

  for (guint i = 0; i < G_N_ELEMENTS (question); i++)
    {
      g_autofree char *name = g_strdup_printf ("analytics.%s", question[i].property);
      g_autofree char *stored = NULL;

      if (g_str_equal (question[i].property, "from") || g_str_equal (question[i].property, "to"))
        g_object_set (page, question[i].property, question[i].value, NULL);
      else
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), name, "s", question[i].value));
      stored = g_settings_get_string (settings, question[i].key);
      g_assert_cmpstr (stored, ==, question[i].value);
    }
  TG_TEST_ITERATE_UNTIL (page_settled (page));

  /* To the Overview and back: the same question. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 2));
  for (guint i = 0; i < G_N_ELEMENTS (question); i++)
    {
      g_autofree char *value = get_string (page, question[i].property);

      g_assert_cmpstr (value, ==, question[i].value);
    }
  close_window (window);

  /* The next launch: a new window reads the question back. */
  window = open_window (db->conninfo);
  page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_ANALYTICS_PAGE);
  for (guint i = 0; i < G_N_ELEMENTS (question); i++)
    {
      g_autofree char *value = get_string (page, question[i].property);

      g_assert_cmpstr (value, ==, question[i].value);
    }
  page = show_analytics (window);
  {
    GtkStackSwitcher *switcher = tg_test_ui_find_widget (GTK_WIDGET (page), GTK_TYPE_STACK_SWITCHER);

    g_assert_nonnull (switcher);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (gtk_stack_switcher_get_stack (switcher)),
                     ==, "regions");
  }
  g_assert_true (tg_test_ui_shows (page, "Cost by Region"));
  g_assert_cmpint (tg_analytics_page_get_plan (page)->bucket, ==, TG_BUCKET_WEEK);
  close_window (window);

  for (guint i = 0; i < G_N_ELEMENTS (question); i++)
    g_settings_reset (settings, question[i].key);
}

/* Copy as CSV: the table on the clipboard, money exact. */
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

static char *
read_clipboard (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_text, &text);
  TG_TEST_ITERATE_UNTIL (text != NULL);
  return text;
}

static void
test_copy (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;
  TgAnalyticsPage *page;
  TgDataTable *table;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = analytics_db_new ()) == NULL)
    return;

  window = open_window (db->conninfo);
  page = show_analytics (window);
  /* The defaults: cost by provider. */
  g_assert_cmpstr (tg_chart_widget_get_title (tg_analytics_page_get_chart (page, "trends")), ==,
                   "Cost per day by provider");
  table = tg_analytics_page_get_table (page, "trends");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "analytics.copy-table", "s", "trends"));
  csv = read_clipboard (GTK_WIDGET (page));
  expected = tg_data_table_to_csv (table);
  g_assert_cmpstr (csv, ==, expected);

  /* A header, a row a group and the total; cost exact, never grouped. */
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "Provider,\"Cost, AUD\",Period Before,Difference,\"Change, %\"");
  g_assert_cmpuint (g_strv_length (lines), ==, tg_data_table_get_n_rows (table) + 2);
  for (guint r = 0; r < tg_data_table_get_n_rows (table); r++)
    {
      const char *cost = tg_data_table_get_plain (table, r, 1);
      gint64 micros;

      g_assert_true (tg_money_parse (cost, &micros, NULL));
      g_assert_null (strchr (cost, ','));
      g_assert_true (g_str_has_prefix (lines[r + 1], tg_data_table_get_plain (table, r, 0)));
    }

  close_window (window);
}

/* A feed, a table row and a chart point open the calls behind them; a call's request
 * and response show with their secrets masked.
 */
static const char secret_request[] =
  "{\"address\": \"1 George St\", \"api_key\": \"sk-live-abc123\", "
  "\"headers\": {\"Authorization\": \"Bearer tok-987\", \"X-Trace\": \"t1\"}, "
  "\"auth\": {\"client_secret\": \"cs-555\", \"user\": \"svc\"}, "
  "\"url\": \"https://api.example/v1?q=x&token=qt-444\"}";
static const char secret_response[] =
  "{\"results\": [{\"match\": 0.98}], \"session\": {\"accessToken\": \"at-222\"}, "
  "\"usage\": {\"prompt_tokens\": 12}}";
static const char * const secrets[] = {
  "sk-live-abc123", "tok-987", "cs-555", "svc", "qt-444", "at-222",
};

static gint64
insert_secret_call (TgTestDb *db)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("INSERT INTO tollgate.api_usage_tracking "
                         "  (user_id, api_provider, api_endpoint, request_type, response_status, "
                         "   response_time, request_data, response_data, feature, region) "
                         "VALUES (77, 'geoscape', '/v1/addresses', 'validate', 200, 88, "
                         "        $$%s$$::jsonb, $$%s$$::jsonb, 'checkout.address', 'AU') "
                         "RETURNING api_usage_id", secret_request, secret_response);
  return tg_test_db_scalar_int (db, sql);
}

static TgCallsWindow *
find_calls_window (void)
{
  TgCallsWindow *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TG_IS_CALLS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
assert_masked (TgCallsWindow *calls)
{
  g_autofree char *text = tg_test_ui_text (calls, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (strstr (text, secrets[i]) != NULL)
      g_error ("The call's detail shows the secret “%s”:\n%s", secrets[i], text);
  tg_test_ui_assert_text_contains (text, TG_JSON_MASK);
  tg_test_ui_assert_text_contains (text, "1 George St");
  tg_test_ui_assert_text_contains (text, "\"prompt_tokens\": 12");
  tg_test_ui_assert_text_contains (text, "\"X-Trace\": \"t1\"");
}

/* The calls of a window are those of its filter: every one, none twice, each a match. */
static void
check_calls (TgTestDb      *db,
             TgCallsWindow *calls,
             const char    *where)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  const TgCallsFilter *filter = tg_calls_window_get_filter (calls);
  g_autofree char *sql = NULL;

  TG_TEST_ITERATE_UNTIL (!tg_calls_window_get_loading (calls));
  g_assert_null (tg_calls_window_get_error (calls));
  while (!tg_calls_window_get_complete (calls))
    {
      tg_calls_window_load_more (calls);
      TG_TEST_ITERATE_UNTIL (!tg_calls_window_get_loading (calls));
      g_assert_null (tg_calls_window_get_error (calls));
    }

  sql = g_strdup_printf ("SELECT count (*) FROM tollgate.api_usage_tracking "
                         "WHERE created_at >= to_timestamp (%" G_GINT64_FORMAT ") "
                         "  AND created_at < to_timestamp (%" G_GINT64_FORMAT ") AND %s",
                         filter->from, filter->to, where);
  g_assert_cmpint (tg_calls_window_get_n_calls (calls), ==, tg_test_db_scalar_int (db, sql));

  for (guint i = 0; i < tg_calls_window_get_n_calls (calls); i++)
    {
      TgUsageCall *call = tg_calls_window_get_call (calls, i);

      g_assert_true (g_hash_table_add (ids, &call->id));
      g_assert_cmpint (call->created_at / G_USEC_PER_SEC, >=, filter->from);
      g_assert_cmpint (call->created_at / G_USEC_PER_SEC, <, filter->to);
      if (i > 0)
        g_assert_cmpint (call->id, <, tg_calls_window_get_call (calls, i - 1)->id);
    }
}

static void
test_drill_down (void)
{
  g_autoptr(TgTestDb) db = NULL;
  TgAnalyticsPage *page;
  TgChartWidget *chart;
  TgDataTable *table;
  TgCallsWindow *calls;
  TgWindow *window;
  gint64 secret_id;
  int row;

  if (!tg_test_ui_require_display (have_display) || (db = analytics_db_new ()) == NULL)
    return;

  /* More than a page of Geoscape calls. */
  tg_test_db_exec (db, "INSERT INTO tollgate.api_usage_tracking "
                       "  (api_provider, api_endpoint, request_type, response_status, created_at) "
                       "SELECT 'geoscape', '/v1/geocode', 'geocode', 200, now () - interval '3 hours' "
                       "FROM generate_series (1, 130)");
  secret_id = insert_secret_call (db);

  window = open_window (db->conninfo);
  page = show_analytics (window);
  ask (page, "range", "today");
  ask (page, "metric", "calls");

  /* A row of the table: Geoscape's calls today, paged by scrolling. */
  table = tg_analytics_page_get_table (page, "trends");
  row = tg_data_table_find_row (table, 0, "geoscape");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (gtk_widget_activate (tg_data_table_get_row_widget (table, row)));
  TG_TEST_ITERATE_UNTIL ((calls = find_calls_window ()) != NULL);
  g_assert_cmpint (tg_calls_window_get_filter (calls)->group_by, ==, TG_USAGE_GROUP_PROVIDER);
  g_assert_cmpstr (tg_calls_window_get_filter (calls)->group, ==, "geoscape");
  check_calls (db, calls, "api_provider = 'geoscape'");
  g_assert_cmpuint (tg_calls_window_get_n_calls (calls), >, 130);

  /* The newest is the call with secrets: its detail masks them. */
  g_assert_cmpint (tg_calls_window_get_call (calls, 0)->id, ==, secret_id);
  tg_test_ui_maybe_save_png (calls, "calls-list");
  tg_calls_window_open_call (calls, 0);
  g_assert_cmpint (tg_calls_window_get_detail (calls)->id, ==, secret_id);
  assert_masked (calls);
  tg_test_ui_maybe_save_png (calls, "calls-detail");
  gtk_window_destroy (GTK_WINDOW (calls));
  tg_test_ui_drain ();

  /* A point of the chart: the bucket of now, one provider's piece of it. */
  chart = tg_analytics_page_get_chart (page, "trends");
  {
    const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (page);
    guint last = plan->bounds->len - 2;
    gint64 from = g_array_index (plan->bounds, gint64, last);
    gint64 to = g_array_index (plan->bounds, gint64, last + 1);
    guint series;

    for (series = 0; series < tg_chart_widget_get_n_series (chart); series++)
      if (g_strcmp0 (tg_analytics_page_get_series_group (page, series), "geoscape") == 0)
        break;
    g_assert_cmpuint (series, <, tg_chart_widget_get_n_series (chart));

    g_signal_emit_by_name (chart, "activate-point", last, (int)series);
    TG_TEST_ITERATE_UNTIL ((calls = find_calls_window ()) != NULL);
    g_assert_cmpint (tg_calls_window_get_filter (calls)->from, ==, from);
    g_assert_cmpint (tg_calls_window_get_filter (calls)->to, ==, to);
    check_calls (db, calls, "api_provider = 'geoscape'");
    gtk_window_destroy (GTK_WINDOW (calls));
    tg_test_ui_drain ();

    /* Enter on a point: every group of its bucket. */
    g_signal_emit_by_name (chart, "activate-point", last, -1);
    TG_TEST_ITERATE_UNTIL ((calls = find_calls_window ()) != NULL);
    g_assert_cmpint (tg_calls_window_get_filter (calls)->group_by, ==, TG_USAGE_GROUP_NONE);
    check_calls (db, calls, "true");
    gtk_window_destroy (GTK_WINDOW (calls));
    tg_test_ui_drain ();
  }

  /* A row of another section: the calls of a region. */
  table = tg_analytics_page_get_table (page, "regions");
  row = tg_data_table_find_row (table, 0, "AU");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (gtk_widget_activate (tg_data_table_get_row_widget (table, row)));
  TG_TEST_ITERATE_UNTIL ((calls = find_calls_window ()) != NULL);
  check_calls (db, calls, "region = 'AU'");

  close_window (window);
}

/* The Overview's feed: short endpoints with the whole in a tooltip, and a row opens its
 * call.
 */
static void
test_feed_drill_down (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  TgActivityFeed *feed;
  TgCallsWindow *calls;
  TgWindow *window;
  GtkWidget *row;
  gint64 id;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "INSERT INTO tollgate.api_usage_tracking "
                       "  (api_provider, api_endpoint, request_type, response_status, feature) "
                       "VALUES ('canada_post', '/AddressComplete/Interactive/Retrieve/v2.11', "
                       "        'validate', 200, 'signup.verify')");
  id = insert_secret_call (db);

  window = open_window (db->conninfo);
  feed = tg_overview_page_get_feed (tg_test_ui_find_widget (GTK_WIDGET (window),
                                                            TG_TYPE_OVERVIEW_PAGE));
  TG_TEST_ITERATE_UNTIL (tg_activity_feed_get_n_calls (feed) == 2);

  row = tg_activity_feed_get_row_for_id (feed, id - 1);
  text = tg_test_ui_text (row, FALSE);
  tg_test_ui_assert_text_contains (text, "validate");
  tg_test_ui_assert_text_contains (text, "signup.verify · …/Interactive/Retrieve");
  g_assert_null (strstr (text, "/AddressComplete/Interactive/Retrieve/v2.11"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "/AddressComplete/Interactive/Retrieve/v2.11"));

  tg_test_ui_maybe_save_png (window, "feed");
  row = tg_activity_feed_get_row_for_id (feed, id);
  g_assert_true (gtk_widget_activate (row));
  TG_TEST_ITERATE_UNTIL ((calls = find_calls_window ()) != NULL);
  TG_TEST_ITERATE_UNTIL (tg_calls_window_get_detail (calls) != NULL ||
                         tg_calls_window_get_error (calls) != NULL);
  g_assert_null (tg_calls_window_get_error (calls));
  g_assert_cmpint (tg_calls_window_get_detail (calls)->id, ==, id);
  g_assert_null (tg_calls_window_get_filter (calls));
  assert_masked (calls);

  close_window (window);
}

/* Every composite instantiates (a broken template is a critical, fatal here). */
static void
test_composites (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(TgDbConnection) connection = NULL;
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  GtkWidget *widget;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (FALSE)) == NULL)
    return;

  widget = g_object_ref_sink (tg_analytics_page_new ());
  g_assert_finalize_object (widget);

  widget = g_object_ref_sink (tg_data_table_new ());
  g_assert_finalize_object (widget);

  connection = tg_db_connection_new (db->conninfo);
  widget = g_object_ref (tg_calls_window_new (NULL, connection, zone, "AUD", NULL));
  gtk_window_destroy (GTK_WINDOW (widget));
  tg_test_ui_drain ();
  g_assert_finalize_object (widget);
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

  g_test_add_func ("/tollgate/ui/analytics-page/composites", test_composites);
  g_test_add_func ("/tollgate/ui/analytics-page/trends", test_trends);
  g_test_add_func ("/tollgate/ui/analytics-page/refused", test_refused);
  g_test_add_func ("/tollgate/ui/analytics-page/settings", test_settings);
  g_test_add_func ("/tollgate/ui/analytics-page/copy", test_copy);
  g_test_add_func ("/tollgate/ui/analytics-page/drill-down", test_drill_down);
  g_test_add_func ("/tollgate/ui/analytics-page/feed-drill-down", test_feed_drill_down);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
