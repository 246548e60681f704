/* bench-queries.c — sections 1-3 of bench-usage: the questions a dashboard asks
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The reading half of the benchmark:
 *
 *   1. the queries a Grafana panel sends over raw rows ($__timeGroup and date_trunc);
 *   2. Tollgate's query layer (tg_usage_fetch_series) for the same questions, in UTC and
 *      in a half-hour billing time zone, and whether its UTC answers equal the raw rows';
 *   3. the histogram percentiles next to exact percentile_cont;
 *
 * and, through bench-groupings.c, sections 6 and 7 (every grouping, the top groups).
 * bench_measure() times each query: one unmeasured run, then as many as fit in the
 * budget. Sections 2 and 3 compare with section 1's results, so one function runs all the
 * reads, in UTC first and then in the half-hour zone, whose day levels the refresher
 * builds first (bench_use_zone()).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-latency-histogram.h"
#include "tg-money.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

#include "bench-usage.h"

#define HALF_HOUR_ZONE "Australia/Adelaide"

/* ---- measuring ------------------------------------------------------------------- */

/* One unmeasured run first: it warms the cache and checks that the query works. Then as
 * many measured runs as fit in @budget seconds (--budget, or --raw-budget for the raw-row
 * queries of sections 6 and 7) by the first run's time, at least one and at most --runs.
 * A query whose first run took more than twice the budget is not run again: its first run
 * is its only figure (flagged "single" in the JSON). A query cancelled by --timeout is
 * reported as such, not as a failure.
 */
Timing *
bench_measure (Bench      *bench,
               const char *id,
               const char *label,
               BenchFunc   func,
               gpointer    data,
               double      budget)
{
  Options *options = bench->options;
  Timing *timing = g_new0 (Timing, 1);
  g_autoptr(GError) error = NULL;
  gint64 start;
  int n_runs;

  timing->id = g_strdup (id);
  timing->label = g_strdup (label);
  timing->runs_ms = g_array_new (FALSE, FALSE, sizeof (double));
  timing->first_ms = NAN;
  g_ptr_array_add (bench->timings, timing);

  bench_progress ("%s ...", label);
  start = g_get_monotonic_time ();
  if (!func (bench, data, &timing->n_rows, &error))
    goto failed;
  timing->first_ms = bench_elapsed_ms (start);

  if (timing->first_ms > 2000.0 * budget)
    {
      timing->single = TRUE;
      g_array_append_val (timing->runs_ms, timing->first_ms);
      n_runs = 0;
    }
  else
    n_runs = CLAMP ((int)(1000.0 * budget / MAX (timing->first_ms, 0.001)), 1, options->runs);

  for (int i = 0; i < n_runs; i++)
    {
      double ms;

      start = g_get_monotonic_time ();
      if (!func (bench, data, &timing->n_rows, &error))
        goto failed;
      ms = bench_elapsed_ms (start);
      g_array_append_val (timing->runs_ms, ms);
    }

  {
    g_autofree char *median = bench_format_ms (timing_median (timing));

    bench_progress ("%s: median %s ms over %u run%s%s", label, median, timing->runs_ms->len,
                    timing->runs_ms->len == 1 ? "" : "s", timing->single ? " (the first)" : "");
  }
  return timing;

failed:
  if (strstr (error->message, "statement timeout") != NULL)
    {
      timing->timed_out = TRUE;
      bench_progress ("%s: cancelled after %.0f s (--timeout)", label, options->timeout);
      return timing;
    }
  g_printerr ("bench: %s failed: %s\n", label, error->message);
  bench->failed = TRUE;
  return timing;
}

/* ---- JSON and table rows of a timing --------------------------------------------- */

void
bench_json_timing (JsonBuilder  *builder,
                   const Timing *timing)
{
  bench_json_string (builder, "id", timing->id);
  bench_json_string (builder, "label", timing->label);
  bench_json_double (builder, "median_ms", timing_median (timing));
  bench_json_double (builder, "min_ms", timing_min (timing));
  bench_json_double (builder, "first_ms", timing->first_ms);
  json_builder_set_member_name (builder, "runs_ms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < timing->runs_ms->len; i++)
    json_builder_add_double_value (builder,
                                   round (g_array_index (timing->runs_ms, double, i) * 1000.0) / 1000.0);
  json_builder_end_array (builder);
  bench_json_int (builder, "result_rows", timing->n_rows);
  bench_json_bool (builder, "single_run", timing->single);
  bench_json_bool (builder, "timed_out", timing->timed_out);
  if (timing->sql != NULL)
    bench_json_string (builder, "sql", timing->sql);
}

/* "> 120 s" for a cancelled query, a number of milliseconds otherwise. */
char *
bench_format_timing_ms (Bench        *bench,
                        const Timing *timing,
                        double        ms)
{
  if (timing->timed_out)
    return g_strdup_printf ("> %.0f s", bench->options->timeout);
  return bench_format_ms (ms);
}

char *
bench_format_runs (const Timing *timing)
{
  return g_strdup_printf ("%u%s", timing->runs_ms->len, timing->single ? "*" : "");
}

static void
table_timing (Bench        *bench,
              const Timing *timing)
{
  g_autofree char *median = bench_format_timing_ms (bench, timing, timing_median (timing));
  g_autofree char *best = bench_format_timing_ms (bench, timing, timing_min (timing));
  g_autofree char *rows = tg_format_count (timing->n_rows);
  g_autofree char *runs = bench_format_runs (timing);

  g_string_append_printf (bench->table, "  %-58s %10s %10s %5s %8s\n",
                          timing->label, median, best, runs, rows);
}

/* ---- 1. Grafana-style queries ---------------------------------------------------- */

void
bench_raw_query_clear (RawQuery *raw)
{
  g_clear_pointer (&raw->sql, g_free);
  g_clear_pointer (&raw->result, PQclear);
}

static gboolean
run_raw (Bench    *bench,
         gpointer  data,
         guint    *n_rows,
         GError  **error)
{
  RawQuery *raw = data;
  PGresult *result = tg_db_query (bench->conn, raw->sql, 0, NULL, error);

  if (result == NULL)
    return FALSE;

  g_clear_pointer (&raw->result, PQclear);
  raw->result = result;
  *n_rows = (guint)PQntuples (result);
  return TRUE;
}

Timing *
bench_measure_raw (Bench      *bench,
                   const char *id,
                   const char *label,
                   RawQuery   *raw,
                   double      budget)
{
  Timing *timing = bench_measure (bench, id, label, run_raw, raw, budget);

  timing->sql = g_strdup (raw->sql);
  return timing;
}

typedef struct
{
  RawQuery hour_floor;
  RawQuery hour_trunc;
  RawQuery mtd_filter;
  RawQuery mtd_trunc;
  RawQuery last_month;
  RawQuery day_floor;
  RawQuery day_trunc;
  RawQuery pct;
  Timing  *t_hour_floor;
  Timing  *t_mtd_filter;
  Timing  *t_last_month;
  Timing  *t_day_floor;
  Timing  *t_pct;
} Grafana;

static void
grafana_clear (Grafana *grafana)
{
  bench_raw_query_clear (&grafana->hour_floor);
  bench_raw_query_clear (&grafana->hour_trunc);
  bench_raw_query_clear (&grafana->mtd_filter);
  bench_raw_query_clear (&grafana->mtd_trunc);
  bench_raw_query_clear (&grafana->last_month);
  bench_raw_query_clear (&grafana->day_floor);
  bench_raw_query_clear (&grafana->day_trunc);
  bench_raw_query_clear (&grafana->pct);
}

/* The SQL a Grafana PostgreSQL panel sends: $__timeGroup(created_at, '1h') expands to
 * floor(extract(epoch from created_at)/3600)*3600 and $__timeFilter to a literal range.
 * The ranges are the same half-open ones Tollgate reads, so that the figures compare.
 * The month to date holds as many days as today's date, four on the 4th: the last
 * complete month is the comparison whose ratio means the same on any day.
 */
static void
grafana_init (Grafana      *grafana,
              const Ranges *utc,
              gint64        now)
{
  g_autofree char *h_from = bench_format_utc (g_array_index (utc->range30, gint64, 0));
  g_autofree char *h_to = bench_format_utc (g_array_index (utc->range30, gint64, 1));
  g_autofree char *m_from = bench_format_utc (utc->month_start);
  g_autofree char *m_to = bench_format_utc (now + 1);
  g_autofree char *l_from = bench_format_utc (utc->last_month_start);
  g_autofree char *l_to = bench_format_utc (utc->last_month_end);
  g_autofree char *d_from = bench_format_utc (g_array_index (utc->days92, gint64, 0));
  g_autofree char *d_to = bench_format_utc (g_array_index (utc->days92, gint64,
                                                           utc->days92->len - 1));

  grafana->hour_floor.sql = g_strdup_printf (
    "SELECT floor(extract(epoch FROM created_at)/3600)*3600 AS \"time\", api_provider AS metric, "
    "sum(call_count) AS value FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1, 2 ORDER BY 1, 2", h_from, h_to);
  grafana->hour_trunc.sql = g_strdup_printf (
    "SELECT date_trunc('hour', created_at) AS \"time\", api_provider AS metric, "
    "sum(call_count) AS value FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1, 2 ORDER BY 1, 2", h_from, h_to);
  grafana->mtd_filter.sql = g_strdup_printf (
    "SELECT api_provider, sum(call_count) AS calls, "
    "coalesce(sum(call_count) FILTER (WHERE response_status / 100 IN (0, 4, 5)), 0) AS errors, "
    "sum(credit_cost) AS credits FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1 ORDER BY 1", m_from, m_to);
  grafana->mtd_trunc.sql = g_strdup (
    "SELECT date_trunc('month', created_at) AS \"time\", api_provider, sum(call_count) AS calls, "
    "coalesce(sum(call_count) FILTER (WHERE response_status / 100 IN (0, 4, 5)), 0) AS errors, "
    "sum(credit_cost) AS credits FROM tollgate.api_usage_tracking "
    "WHERE created_at >= date_trunc('month', now()) GROUP BY 1, 2 ORDER BY 1, 2");
  grafana->last_month.sql = g_strdup_printf (
    "SELECT api_provider, sum(call_count) AS calls, "
    "coalesce(sum(call_count) FILTER (WHERE response_status / 100 IN (0, 4, 5)), 0) AS errors, "
    "sum(credit_cost) AS credits FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1 ORDER BY 1", l_from, l_to);
  grafana->day_floor.sql = g_strdup_printf (
    "SELECT floor(extract(epoch FROM created_at)/86400)*86400 AS \"time\", api_provider AS metric, "
    "sum(call_count) AS value FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1, 2 ORDER BY 1, 2", d_from, d_to);
  grafana->day_trunc.sql = g_strdup_printf (
    "SELECT date_trunc('day', created_at) AS \"time\", api_provider AS metric, "
    "sum(call_count) AS value FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1, 2 ORDER BY 1, 2", d_from, d_to);
  grafana->pct.sql = g_strdup_printf (
    "SELECT api_provider, percentile_cont(ARRAY[0.5, 0.95, 0.99]) "
    "WITHIN GROUP (ORDER BY response_time) FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '%s' AND created_at < '%s' GROUP BY 1 ORDER BY 1", h_from, h_to);
}

static void
run_grafana (Bench   *bench,
             Grafana *grafana)
{
  double budget = bench->options->budget;

  g_string_append (bench->table,
                   "\n1. Grafana-style queries over raw rows (warm cache; client wall time)\n");
  g_string_append_printf (bench->table, "  %-58s %10s %10s %5s %8s\n",
                          "", "median ms", "min ms", "runs", "rows");

  grafana->t_hour_floor =
    bench_measure_raw (bench, "grafana_hourly_30d_timegroup",
                       "30-day hourly by provider, $__timeGroup (floor/extract)",
                       &grafana->hour_floor, budget);
  bench_measure_raw (bench, "grafana_hourly_30d_date_trunc",
                     "30-day hourly by provider, date_trunc('hour')", &grafana->hour_trunc, budget);
  grafana->t_mtd_filter =
    bench_measure_raw (bench, "grafana_mtd_timefilter",
                       "month-to-date per provider, $__timeFilter range", &grafana->mtd_filter,
                       budget);
  bench_measure_raw (bench, "grafana_mtd_date_trunc",
                     "month-to-date per provider, date_trunc('month', now())",
                     &grafana->mtd_trunc, budget);
  grafana->t_last_month =
    bench_measure_raw (bench, "grafana_last_month_timefilter",
                       "last complete month per provider, $__timeFilter range",
                       &grafana->last_month, budget);
  grafana->t_day_floor =
    bench_measure_raw (bench, "grafana_daily_92d_timegroup",
                       "92-day daily by provider, $__timeGroup (floor/extract)",
                       &grafana->day_floor, budget);
  bench_measure_raw (bench, "grafana_daily_92d_date_trunc",
                     "92-day daily by provider, date_trunc('day')", &grafana->day_trunc, budget);
  grafana->t_pct =
    bench_measure_raw (bench, "grafana_percentiles_30d",
                       "30-day p50/p95/p99 per provider, percentile_cont", &grafana->pct, budget);

  for (guint i = 0; i < bench->timings->len; i++)
    table_timing (bench, g_ptr_array_index (bench->timings, i));
}

/* ---- 2. Tollgate's query layer --------------------------------------------------- */

static const double percentiles[3] = { 0.50, 0.95, 0.99 };

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->bounds, g_array_unref);
  g_clear_pointer (&reader->rows, g_ptr_array_unref);
  g_clear_pointer (&reader->totals, g_ptr_array_unref);
}

gboolean
bench_run_reader (Bench    *bench,
                  gpointer  data,
                  guint    *n_rows,
                  GError  **error)
{
  Reader *reader = data;
  const gint64 *bounds = (const gint64 *)(void *)reader->bounds->data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) totals = NULL;

  rows = tg_usage_fetch_series (bench->conn, bounds, reader->bounds->len, reader->group_by,
                                NULL, error);
  if (rows == NULL)
    return FALSE;

  if (reader->with_total)
    {
      totals = tg_usage_fetch_series (bench->conn, bounds, reader->bounds->len,
                                      TG_USAGE_GROUP_NONE, NULL, error);
      if (totals == NULL)
        return FALSE;
    }

  if (reader->percentiles)
    for (guint i = 0; i < rows->len && i < G_N_ELEMENTS (reader->pct); i++)
      for (guint k = 0; k < G_N_ELEMENTS (percentiles); k++)
        reader->pct[i][k] = tg_usage_row_get_percentile (g_ptr_array_index (rows, i),
                                                         percentiles[k]);

  *n_rows = rows->len + (totals != NULL ? totals->len : 0);
  g_clear_pointer (&reader->rows, g_ptr_array_unref);
  g_clear_pointer (&reader->totals, g_ptr_array_unref);
  reader->rows = g_steal_pointer (&rows);
  reader->totals = g_steal_pointer (&totals);
  return TRUE;
}

/* ---- the bounds tollgatectl makes ------------------------------------------------ */

void
ranges_clear (Ranges *ranges)
{
  g_clear_pointer (&ranges->last_month, g_free);
  g_clear_pointer (&ranges->hours30, g_array_unref);
  g_clear_pointer (&ranges->days30, g_array_unref);
  g_clear_pointer (&ranges->range30, g_array_unref);
  g_clear_pointer (&ranges->whole30, g_array_unref);
  g_clear_pointer (&ranges->days92, g_array_unref);
}

static GArray *
series_bounds (GTimeZone     *tz,
               TgBucketSize   size,
               const GDate   *from,
               const GDate   *to,
               GError       **error)
{
  GArray *bounds = tg_time_bucket_range (tz, size, from, to, error);
  gint64 end;

  if (bounds == NULL)
    return NULL;

  end = tg_time_bucket_next (tz, size, g_array_index (bounds, gint64, bounds->len - 1));
  g_array_append_val (bounds, end);
  return bounds;
}

/* One bucket [@from, the day after @to) of local days. */
static GArray *
day_range (GTimeZone   *tz,
           const GDate *from,
           const GDate *to)
{
  GArray *bounds = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 2);
  GDate after = *to;
  gint64 start = tg_time_bucket_day_start (tz, from);
  gint64 end;

  g_date_add_days (&after, 1);
  end = tg_time_bucket_day_start (tz, &after);
  g_array_append_val (bounds, start);
  g_array_append_val (bounds, end);
  return bounds;
}

/* The month to date and the last complete month; the last 30 days by hour, by day and as
 * one bucket; the 30 whole days before today as one bucket; and the last 92 days by day;
 * all of them local to @tz, where today is the date @now has there.
 */
gboolean
ranges_init (Ranges     *ranges,
             GTimeZone  *tz,
             gint64      now,
             GError    **error)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) in_zone = g_date_time_to_timezone (local, tz);
  g_autofree char *month = g_date_time_format (in_zone, "%Y-%m");
  int year = g_date_time_get_year (in_zone);
  int month_number = g_date_time_get_month (in_zone);
  GDate today, yesterday, from30, before30, from92;

  if (!tg_time_bucket_month_bounds (tz, month, &ranges->month_start, &ranges->month_end, error))
    return FALSE;
  ranges->last_month = month_number == 1 ? g_strdup_printf ("%04d-12", year - 1)
                                         : g_strdup_printf ("%04d-%02d", year, month_number - 1);
  if (!tg_time_bucket_month_bounds (tz, ranges->last_month, &ranges->last_month_start,
                                    &ranges->last_month_end, error))
    return FALSE;

  tg_time_bucket_local_date (tz, now, &today);
  yesterday = today;
  g_date_subtract_days (&yesterday, 1);
  from30 = today;
  g_date_subtract_days (&from30, 29);
  before30 = today;
  g_date_subtract_days (&before30, 30);
  from92 = today;
  g_date_subtract_days (&from92, 91);

  ranges->hours30 = series_bounds (tz, TG_BUCKET_HOUR, &from30, &today, error);
  if (ranges->hours30 == NULL)
    return FALSE;
  ranges->days30 = series_bounds (tz, TG_BUCKET_DAY, &from30, &today, error);
  if (ranges->days30 == NULL)
    return FALSE;
  ranges->days92 = series_bounds (tz, TG_BUCKET_DAY, &from92, &today, error);
  if (ranges->days92 == NULL)
    return FALSE;
  ranges->range30 = day_range (tz, &from30, &today);
  ranges->whole30 = day_range (tz, &before30, &yesterday);

  return TRUE;
}

Reader *
bench_reader_new (GArray         *bounds,
                  TgUsageGroupBy  group_by,
                  gboolean        with_total,
                  gboolean        with_percentiles)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->bounds = g_array_ref (bounds);
  reader->group_by = group_by;
  reader->with_total = with_total;
  reader->percentiles = with_percentiles;
  return reader;
}

void
bench_reader_free (Reader *reader)
{
  reader_clear (reader);
  g_free (reader);
}

/* ---- comparisons ----------------------------------------------------------------- */

/* Do Tollgate's calls per (bucket, provider) equal the raw query's (time, provider, calls)? */
static gboolean
same_calls (GPtrArray *rows,
            PGresult  *raw,
            guint     *n_cells)
{
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n_raw = 0;

  *n_cells = 0;
  if (rows == NULL || raw == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (raw); i++)
    {
      gint64 time = g_ascii_strtoll (PQgetvalue (raw, i, 0), NULL, 10);
      gint64 *calls = g_new (gint64, 1);

      *calls = g_ascii_strtoll (PQgetvalue (raw, i, 2), NULL, 10);
      g_hash_table_insert (cells, g_strdup_printf ("%" G_GINT64_FORMAT "|%s", time,
                                                   PQgetvalue (raw, i, 1)), calls);
      n_raw++;
    }

  if (n_raw != rows->len)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "|%s", row->start, row->group);
      gint64 *calls = g_hash_table_lookup (cells, key);

      if (calls == NULL || *calls != row->calls)
        return FALSE;
    }

  *n_cells = rows->len;
  return TRUE;
}

/* Month to date: calls, errors and credits per provider, exactly. */
static gboolean
same_totals (GPtrArray *rows,
             PGresult  *raw)
{
  if (rows == NULL || raw == NULL || (int)rows->len != PQntuples (raw))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);
      gboolean found = FALSE;

      for (int j = 0; j < PQntuples (raw); j++)
        {
          gint64 credits = 0;

          if (g_strcmp0 (PQgetvalue (raw, j, 0), row->group) != 0)
            continue;
          found = TRUE;
          if (!tg_money_parse (PQgetvalue (raw, j, 3), &credits, NULL)
              || g_ascii_strtoll (PQgetvalue (raw, j, 1), NULL, 10) != row->calls
              || g_ascii_strtoll (PQgetvalue (raw, j, 2), NULL, 10) != row->errors
              || credits != row->credits)
            return FALSE;
        }
      if (!found)
        return FALSE;
    }

  return TRUE;
}

/* ---- Tollgate's answers in one zone, timed and reported -------------------------- */

typedef struct
{
  const char *zone;
  Timing     *overview;
  Timing     *last_month;
  Timing     *hourly;
  Timing     *latency;
  Timing     *daily;
  Reader     *r_overview;
  Reader     *r_last_month;
  Reader     *r_hourly;
  Reader     *r_latency;
  Reader     *r_daily;
} Layer;

static void
layer_clear (Layer *layer)
{
  g_clear_pointer (&layer->r_overview, bench_reader_free);
  g_clear_pointer (&layer->r_last_month, bench_reader_free);
  g_clear_pointer (&layer->r_hourly, bench_reader_free);
  g_clear_pointer (&layer->r_latency, bench_reader_free);
  g_clear_pointer (&layer->r_daily, bench_reader_free);
}

/* @full: every question; otherwise only the percentiles (for section 3). */
static gboolean
run_layer (Bench       *bench,
           Layer       *layer,
           const char  *zone,
           gboolean     full,
           GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) month = NULL;
  g_autoptr(GArray) last_month = NULL;
  Ranges ranges = { 0 };
  double budget = bench->options->budget;
  g_autofree char *l_overview = g_strdup_printf ("month-to-date overview, provider + none [%s]", zone);
  g_autofree char *l_last_month = g_strdup_printf ("last-month overview, provider + none [%s]",
                                                   zone);
  g_autofree char *l_hourly = g_strdup_printf ("30-day hourly series by provider [%s]", zone);
  g_autofree char *l_latency = g_strdup_printf ("30-day p50/p95/p99 per provider [%s]", zone);
  g_autofree char *l_daily = g_strdup_printf ("92-day daily series by provider [%s]", zone);
  g_autofree char *i_overview = g_strdup_printf ("tollgate_overview_%s", zone);
  g_autofree char *i_last_month = g_strdup_printf ("tollgate_last_month_%s", zone);
  g_autofree char *i_hourly = g_strdup_printf ("tollgate_hourly_30d_%s", zone);
  g_autofree char *i_latency = g_strdup_printf ("tollgate_percentiles_30d_%s", zone);
  g_autofree char *i_daily = g_strdup_printf ("tollgate_daily_92d_%s", zone);

  tz = tg_time_zone_new_checked (zone, error);
  if (tz == NULL || !ranges_init (&ranges, tz, bench->now, error))
    return FALSE;
  month = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (month, ranges.month_start);
  g_array_append_val (month, ranges.month_end);
  last_month = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (last_month, ranges.last_month_start);
  g_array_append_val (last_month, ranges.last_month_end);

  layer->zone = zone;
  layer->r_overview = bench_reader_new (month, TG_USAGE_GROUP_PROVIDER, TRUE, FALSE);
  layer->r_last_month = bench_reader_new (last_month, TG_USAGE_GROUP_PROVIDER, TRUE, FALSE);
  layer->r_hourly = bench_reader_new (ranges.hours30, TG_USAGE_GROUP_PROVIDER, FALSE, FALSE);
  layer->r_latency = bench_reader_new (ranges.range30, TG_USAGE_GROUP_PROVIDER, FALSE, TRUE);
  layer->r_daily = bench_reader_new (ranges.days92, TG_USAGE_GROUP_PROVIDER, FALSE, FALSE);

  if (full)
    {
      layer->overview = bench_measure (bench, i_overview, l_overview, bench_run_reader,
                                       layer->r_overview, budget);
      layer->last_month = bench_measure (bench, i_last_month, l_last_month, bench_run_reader,
                                         layer->r_last_month, budget);
      layer->hourly = bench_measure (bench, i_hourly, l_hourly, bench_run_reader,
                                     layer->r_hourly, budget);
    }
  layer->latency = bench_measure (bench, i_latency, l_latency, bench_run_reader,
                                  layer->r_latency, budget);
  if (full && g_strcmp0 (zone, "UTC") == 0)
    layer->daily = bench_measure (bench, i_daily, l_daily, bench_run_reader, layer->r_daily,
                                  budget);

  ranges_clear (&ranges);
  return TRUE;
}

static void
table_layer_row (Bench        *bench,
                 JsonBuilder  *builder,
                 const Timing *timing,
                 double        target_ms,
                 const Timing *baseline)
{
  double median = timing_median (timing);
  double base = baseline != NULL && !baseline->timed_out ? timing_median (baseline) : NAN;
  /* A cancelled query was at least --timeout slow: its speed-up is a bound. */
  double speedup = base / (timing->timed_out ? 1000.0 * bench->options->timeout : median);
  g_autofree char *s_median = bench_format_timing_ms (bench, timing, median);
  g_autofree char *s_min = bench_format_timing_ms (bench, timing, timing_min (timing));
  g_autofree char *s_runs = bench_format_runs (timing);
  g_autofree char *s_target = isnan (target_ms) ? g_strdup ("-") : g_strdup_printf ("<= %.0f", target_ms);
  g_autofree char *s_speedup = isnan (speedup) ? g_strdup ("-")
                               : g_strdup_printf (speedup >= 10.0 ? "%s%.0fx" : "%s%.2fx",
                                                  timing->timed_out ? "< " : "", speedup);
  const char *verdict = "";

  if (!isnan (target_ms))
    verdict = (!timing->timed_out && median <= target_ms && (isnan (speedup) || speedup >= 50.0))
              ? "met" : "MISSED";

  g_string_append_printf (bench->table, "  %-60s %10s %10s %4s %7s %9s %7s\n",
                          timing->label, s_median, s_min, s_runs, s_target, s_speedup, verdict);

  json_builder_begin_object (builder);
  bench_json_timing (builder, timing);
  bench_json_double (builder, "target_ms", target_ms);
  bench_json_string (builder, "baseline", baseline != NULL ? baseline->id : NULL);
  bench_json_double (builder, timing->timed_out ? "speedup_below" : "speedup", speedup);
  if (*verdict)
    bench_json_bool (builder, "target_met", g_strcmp0 (verdict, "met") == 0);
  json_builder_end_object (builder);
}

static const char *
verdict (GPtrArray *rows,
         gboolean   same)
{
  return rows == NULL ? "not compared (cancelled)" : same ? "yes" : "NO";
}

/* Section 2: Tollgate's answers next to the raw queries'. */
static void
report_layer (Bench   *bench,
              Grafana *grafana,
              Layer   *utc_layer,
              Layer   *half_layer)
{
  guint hourly_cells = 0, daily_cells = 0;
  gboolean hourly_same, daily_same, mtd_same, last_month_same;

  g_string_append (bench->table,
                   "\n2. Tollgate query layer, tg_usage_fetch_series: rollups + raw tail "
                   "(targets at 10M rows; speed-up vs the Grafana query)\n");
  g_string_append_printf (bench->table, "  %-60s %10s %10s %4s %7s %9s %7s\n",
                          "", "median ms", "min ms", "runs", "target", "speed-up", "");

  json_builder_set_member_name (bench->json, "tollgate");
  json_builder_begin_array (bench->json);
  table_layer_row (bench, bench->json, utc_layer->overview, 30.0, grafana->t_mtd_filter);
  table_layer_row (bench, bench->json, utc_layer->last_month, 30.0, grafana->t_last_month);
  table_layer_row (bench, bench->json, utc_layer->hourly, 100.0, grafana->t_hour_floor);
  table_layer_row (bench, bench->json, utc_layer->latency, 50.0, grafana->t_pct);
  table_layer_row (bench, bench->json, utc_layer->daily, NAN, grafana->t_day_floor);
  table_layer_row (bench, bench->json, half_layer->overview, 30.0, grafana->t_mtd_filter);
  table_layer_row (bench, bench->json, half_layer->last_month, 30.0, grafana->t_last_month);
  table_layer_row (bench, bench->json, half_layer->hourly, 100.0, grafana->t_hour_floor);
  table_layer_row (bench, bench->json, half_layer->latency, 50.0, grafana->t_pct);
  json_builder_end_array (bench->json);

  if (grafana->hour_floor.result == NULL)
    return;

  hourly_same = same_calls (utc_layer->r_hourly->rows, grafana->hour_floor.result, &hourly_cells);
  daily_same = same_calls (utc_layer->r_daily->rows, grafana->day_floor.result, &daily_cells);
  mtd_same = same_totals (utc_layer->r_overview->rows, grafana->mtd_filter.result);
  last_month_same = same_totals (utc_layer->r_last_month->rows, grafana->last_month.result);

  g_string_append_printf (bench->table,
                          "  same figures as the raw queries (UTC): hourly calls %s (%u cells), "
                          "daily calls %s (%u cells), month-to-date calls/errors/credits %s\n",
                          verdict (utc_layer->r_hourly->rows, hourly_same), hourly_cells,
                          verdict (utc_layer->r_daily->rows, daily_same), daily_cells,
                          verdict (utc_layer->r_overview->rows, mtd_same));
  g_string_append_printf (bench->table,
                          "  and for the last complete month (UTC): calls/errors/credits %s\n",
                          verdict (utc_layer->r_last_month->rows, last_month_same));
  json_builder_set_member_name (bench->json, "exact");
  json_builder_begin_object (bench->json);
  bench_json_bool (bench->json, "hourly_calls_equal", hourly_same);
  bench_json_int (bench->json, "hourly_cells", hourly_cells);
  bench_json_bool (bench->json, "daily_calls_equal", daily_same);
  bench_json_int (bench->json, "daily_cells", daily_cells);
  bench_json_bool (bench->json, "month_to_date_equal", mtd_same);
  bench_json_bool (bench->json, "last_month_equal", last_month_same);
  json_builder_end_object (bench->json);

  /* A wrong answer is a failure; a slow or cancelled one is a figure. */
  if ((utc_layer->r_hourly->rows != NULL && !hourly_same)
      || (utc_layer->r_daily->rows != NULL && !daily_same)
      || (utc_layer->r_overview->rows != NULL && !mtd_same)
      || (utc_layer->r_last_month->rows != NULL && !last_month_same))
    bench->failed = TRUE;
}

/* ---- 3. percentiles -------------------------------------------------------------- */

/* "{12.5,340,1200.25}": three doubles */
static gboolean
parse_float_array (const char *text,
                   double     *values,
                   guint       n_values)
{
  const char *p = text;

  if (p == NULL || *p != '{')
    return FALSE;
  p++;
  for (guint i = 0; i < n_values; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (p, &end);
      if (end == p)
        return FALSE;
      p = *end == ',' ? end + 1 : end;
    }

  return TRUE;
}

static void
run_percentiles (Bench   *bench,
                 Grafana *grafana,
                 Layer   *utc)
{
  Reader *reader = utc->r_latency;
  PGresult *exact = grafana->pct.result;
  double worst = 0.0;

  g_string_append (bench->table,
                   "\n3. Histogram percentiles (Tollgate, merged histogram, in C) vs exact "
                   "percentile_cont, 30 days, UTC\n");
  g_string_append_printf (bench->table, "  %-16s %8s %9s %9s %7s %9s %9s %7s %9s %9s %7s\n",
                          "provider", "requests", "p50 exact", "hist", "err %", "p95 exact", "hist",
                          "err %", "p99 exact", "hist", "err %");

  json_builder_set_member_name (bench->json, "percentiles");
  json_builder_begin_object (bench->json);
  json_builder_set_member_name (bench->json, "providers");
  json_builder_begin_array (bench->json);

  for (guint i = 0; reader->rows != NULL && i < reader->rows->len && i < G_N_ELEMENTS (reader->pct); i++)
    {
      TgUsageRow *row = g_ptr_array_index (reader->rows, i);
      double values[3] = { NAN, NAN, NAN };
      g_autofree char *requests = tg_format_count (row->requests);

      for (int j = 0; exact != NULL && j < PQntuples (exact); j++)
        if (g_strcmp0 (PQgetvalue (exact, j, 0), row->group) == 0)
          parse_float_array (PQgetvalue (exact, j, 1), values, 3);

      g_string_append_printf (bench->table, "  %-16s %8s", row->group, requests);
      json_builder_begin_object (bench->json);
      bench_json_string (bench->json, "provider", row->group);
      bench_json_int (bench->json, "requests", row->requests);

      for (guint k = 0; k < 3; k++)
        {
          double hist = reader->pct[i][k];
          double error = values[k] > 0 ? fabs (hist - values[k]) / values[k]
                         : (hist == values[k] ? 0.0 : INFINITY);
          g_autofree char *name = g_strdup_printf ("p%.0f", percentiles[k] * 100);

          worst = MAX (worst, isnan (error) ? INFINITY : error);
          g_string_append_printf (bench->table, " %9.1f %9.1f %7.2f", values[k], hist, error * 100.0);

          json_builder_set_member_name (bench->json, name);
          json_builder_begin_object (bench->json);
          bench_json_double (bench->json, "exact_ms", values[k]);
          bench_json_double (bench->json, "histogram_ms", hist);
          bench_json_double (bench->json, "relative_error", error);
          json_builder_end_object (bench->json);
        }
      g_string_append_c (bench->table, '\n');
      json_builder_end_object (bench->json);
    }

  json_builder_end_array (bench->json);
  bench_json_double (bench->json, "max_relative_error", worst);
  bench_json_double (bench->json, "bound", TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  bench_json_bool (bench->json, "within_bound", worst <= TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  json_builder_end_object (bench->json);

  g_string_append_printf (bench->table, "  largest relative error %.2f %% (bound %.1f %%): %s\n",
                          worst * 100.0, TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR * 100.0,
                          worst <= TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR ? "within" : "EXCEEDED");
}

/* ---- the reads: sections 1-3, 6 and 7 ------------------------------------------- */

/* Sections 1-3, 6 and 7, those of them --sections asks for (2 and 3 compare with 1's
 * answers), with the JSON members "grafana", "tollgate", "exact", "percentiles",
 * "groupings" and "top". Everything is read in UTC first, then in the half-hour zone,
 * whose day levels the refresher builds before it is read (bench_use_zone(): as a
 * deployment in that zone has them); then the database gets its own billing time zone,
 * and its levels, back.
 */
gboolean
bench_run_queries (Bench         *bench,
                   const Ranges  *utc_ranges,
                   GError       **error)
{
  Grafana grafana = { 0 };
  Layer utc_layer = { 0 };
  Layer half_layer = { 0 };
  Groupings *groupings = bench_groupings_new ();
  gboolean half = bench_want (bench, '2') || bench_want (bench, '6');
  gboolean ok = FALSE;
  gint64 start;

  /* 1. */
  start = g_get_monotonic_time ();
  grafana_init (&grafana, utc_ranges, bench->now);
  if (bench_want (bench, '1'))
    {
      run_grafana (bench, &grafana);
      bench_add_part (bench, "section 1", bench_elapsed_ms (start) / 1000.0);
    }

  json_builder_set_member_name (bench->json, "grafana");
  json_builder_begin_array (bench->json);
  for (guint i = 0; i < bench->timings->len; i++)
    {
      json_builder_begin_object (bench->json);
      bench_json_timing (bench->json, g_ptr_array_index (bench->timings, i));
      json_builder_end_object (bench->json);
    }
  json_builder_end_array (bench->json);

  /* 2., 6. and 7. in UTC. */
  start = g_get_monotonic_time ();
  if (bench_want (bench, '2') || bench_want (bench, '3'))
    {
      if (!run_layer (bench, &utc_layer, "UTC", bench_want (bench, '2'), error))
        goto out;
    }
  if (bench_want (bench, '6')
      && !bench_groupings_measure_series (bench, groupings, "UTC", half, error))
    goto out;
  if (bench_want (bench, '7')
      && !bench_groupings_measure_top (bench, groupings, utc_ranges, error))
    goto out;
  bench_add_part (bench, "reads in UTC", bench_elapsed_ms (start) / 1000.0);

  /* 2. and 6. in a zone half an hour off UTC's hours. */
  if (half)
    {
      if (!bench_use_zone (bench, HALF_HOUR_ZONE, error))
        goto out;
      start = g_get_monotonic_time ();
      if (bench_want (bench, '2') && !run_layer (bench, &half_layer, HALF_HOUR_ZONE, TRUE, error))
        goto out;
      if (bench_want (bench, '6')
          && !bench_groupings_measure_series (bench, groupings, HALF_HOUR_ZONE, FALSE, error))
        goto out;
      bench_add_part (bench, "reads in " HALF_HOUR_ZONE, bench_elapsed_ms (start) / 1000.0);
    }
  if (!bench_use_zone (bench, bench->zone, error))
    goto out;

  if (bench_want (bench, '2'))
    report_layer (bench, &grafana, &utc_layer, &half_layer);

  /* 3. */
  if (bench_want (bench, '3') && grafana.pct.result != NULL && utc_layer.r_latency->rows != NULL)
    run_percentiles (bench, &grafana, &utc_layer);

  /* 6. and 7. */
  if (bench_want (bench, '6') || bench_want (bench, '7'))
    bench_groupings_report (bench, groupings);
  ok = TRUE;

out:
  grafana_clear (&grafana);
  layer_clear (&utc_layer);
  layer_clear (&half_layer);
  bench_groupings_free (groupings);
  return ok;
}
