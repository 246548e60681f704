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
 *   3. the histogram percentiles next to exact percentile_cont.
 *
 * measure() times each query: one unmeasured run, then as many as fit in the budget.
 * Sections 2 and 3 compare with section 1's results, so one function runs all three.
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

typedef gboolean (*BenchFunc) (Bench    *bench,
                               gpointer  data,
                               guint    *n_rows,
                               GError  **error);

/* ---- measuring ------------------------------------------------------------------- */

/* One unmeasured run first: it warms the cache and checks that the query works. Then as
 * many measured runs as fit in --budget seconds by the first run's time, at least one
 * and at most --runs. A query whose first run took more than twice the budget is not run
 * again: its first run is its only figure (flagged "single" in the JSON). A query
 * cancelled by --timeout is reported as such, not as a failure.
 */
static Timing *
measure (Bench      *bench,
         const char *id,
         const char *label,
         BenchFunc   func,
         gpointer    data)
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

  if (timing->first_ms > 2000.0 * options->budget)
    {
      timing->single = TRUE;
      g_array_append_val (timing->runs_ms, timing->first_ms);
      n_runs = 0;
    }
  else
    n_runs = CLAMP ((int)(1000.0 * options->budget / MAX (timing->first_ms, 0.001)), 1, options->runs);

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

static void
json_timing (JsonBuilder  *builder,
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
static char *
format_timing_ms (Bench        *bench,
                  const Timing *timing,
                  double        ms)
{
  if (timing->timed_out)
    return g_strdup_printf ("> %.0f s", bench->options->timeout);
  return bench_format_ms (ms);
}

static char *
format_runs (const Timing *timing)
{
  return g_strdup_printf ("%u%s", timing->runs_ms->len, timing->single ? "*" : "");
}

static void
table_timing (Bench        *bench,
              const Timing *timing)
{
  g_autofree char *median = format_timing_ms (bench, timing, timing_median (timing));
  g_autofree char *best = format_timing_ms (bench, timing, timing_min (timing));
  g_autofree char *rows = tg_format_count (timing->n_rows);
  g_autofree char *runs = format_runs (timing);

  g_string_append_printf (bench->table, "  %-58s %10s %10s %5s %8s\n",
                          timing->label, median, best, runs, rows);
}

/* ---- 1. Grafana-style queries ---------------------------------------------------- */

typedef struct
{
  char     *sql;
  PGresult *result;    /* of the last run, for the comparisons */
} RawQuery;

static void
raw_query_clear (RawQuery *raw)
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

static Timing *
measure_raw (Bench      *bench,
             const char *id,
             const char *label,
             RawQuery   *raw)
{
  Timing *timing = measure (bench, id, label, run_raw, raw);

  timing->sql = g_strdup (raw->sql);
  return timing;
}

typedef struct
{
  RawQuery hour_floor;
  RawQuery hour_trunc;
  RawQuery mtd_filter;
  RawQuery mtd_trunc;
  RawQuery day_floor;
  RawQuery day_trunc;
  RawQuery pct;
  Timing  *t_hour_floor;
  Timing  *t_mtd_filter;
  Timing  *t_day_floor;
  Timing  *t_pct;
} Grafana;

static void
grafana_clear (Grafana *grafana)
{
  raw_query_clear (&grafana->hour_floor);
  raw_query_clear (&grafana->hour_trunc);
  raw_query_clear (&grafana->mtd_filter);
  raw_query_clear (&grafana->mtd_trunc);
  raw_query_clear (&grafana->day_floor);
  raw_query_clear (&grafana->day_trunc);
  raw_query_clear (&grafana->pct);
}

/* The SQL a Grafana PostgreSQL panel sends: $__timeGroup(created_at, '1h') expands to
 * floor(extract(epoch from created_at)/3600)*3600 and $__timeFilter to a literal range.
 * The ranges are the same half-open ones Tollgate reads, so that the figures compare.
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
  g_string_append (bench->table,
                   "\n1. Grafana-style queries over raw rows (warm cache; client wall time)\n");
  g_string_append_printf (bench->table, "  %-58s %10s %10s %5s %8s\n",
                          "", "median ms", "min ms", "runs", "rows");

  grafana->t_hour_floor = measure_raw (bench, "grafana_hourly_30d_timegroup",
                                       "30-day hourly by provider, $__timeGroup (floor/extract)",
                                       &grafana->hour_floor);
  measure_raw (bench, "grafana_hourly_30d_date_trunc",
               "30-day hourly by provider, date_trunc('hour')", &grafana->hour_trunc);
  grafana->t_mtd_filter = measure_raw (bench, "grafana_mtd_timefilter",
                                       "month-to-date per provider, $__timeFilter range",
                                       &grafana->mtd_filter);
  measure_raw (bench, "grafana_mtd_date_trunc",
               "month-to-date per provider, date_trunc('month', now())", &grafana->mtd_trunc);
  grafana->t_day_floor = measure_raw (bench, "grafana_daily_92d_timegroup",
                                      "92-day daily by provider, $__timeGroup (floor/extract)",
                                      &grafana->day_floor);
  measure_raw (bench, "grafana_daily_92d_date_trunc",
               "92-day daily by provider, date_trunc('day')", &grafana->day_trunc);
  grafana->t_pct = measure_raw (bench, "grafana_percentiles_30d",
                                "30-day p50/p95/p99 per provider, percentile_cont",
                                &grafana->pct);

  for (guint i = 0; i < bench->timings->len; i++)
    table_timing (bench, g_ptr_array_index (bench->timings, i));
}

/* ---- 2. Tollgate's query layer --------------------------------------------------- */

typedef struct
{
  GArray         *bounds;      /* gint64 */
  TgUsageGroupBy  group_by;
  gboolean        with_total;  /* overview: also the "none" group, as tollgatectl does */
  gboolean        percentiles; /* compute p50/p95/p99 from each row's histogram */
  GPtrArray      *rows;        /* TgUsageRow, of the last run */
  GPtrArray      *totals;
  double          pct[64][3];
} Reader;

static const double percentiles[3] = { 0.50, 0.95, 0.99 };

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->bounds, g_array_unref);
  g_clear_pointer (&reader->rows, g_ptr_array_unref);
  g_clear_pointer (&reader->totals, g_ptr_array_unref);
}

static gboolean
run_reader (Bench    *bench,
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
  g_clear_pointer (&ranges->hours30, g_array_unref);
  g_clear_pointer (&ranges->range30, g_array_unref);
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

/* The month to date, the last 30 days by hour and as one bucket, and the last 92 days
 * by day, all ending today in @tz.
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
  GDate today, from30, from92, after;
  gint64 start, end;

  if (!tg_time_bucket_month_bounds (tz, month, &ranges->month_start, &ranges->month_end, error))
    return FALSE;

  tg_time_bucket_local_date (tz, now, &today);
  from30 = today;
  g_date_subtract_days (&from30, 29);
  from92 = today;
  g_date_subtract_days (&from92, 91);
  after = today;
  g_date_add_days (&after, 1);

  ranges->hours30 = series_bounds (tz, TG_BUCKET_HOUR, &from30, &today, error);
  if (ranges->hours30 == NULL)
    return FALSE;
  ranges->days92 = series_bounds (tz, TG_BUCKET_DAY, &from92, &today, error);
  if (ranges->days92 == NULL)
    return FALSE;
  ranges->range30 = g_array_new (FALSE, FALSE, sizeof (gint64));
  start = tg_time_bucket_day_start (tz, &from30);
  end = tg_time_bucket_day_start (tz, &after);
  g_array_append_val (ranges->range30, start);
  g_array_append_val (ranges->range30, end);

  return TRUE;
}

static Reader *
reader_new (GArray         *bounds,
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

static void
reader_free (Reader *reader)
{
  reader_clear (reader);
  g_free (reader);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reader, reader_free)

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
  Timing     *hourly;
  Timing     *latency;
  Timing     *daily;
  Reader     *r_overview;
  Reader     *r_hourly;
  Reader     *r_latency;
  Reader     *r_daily;
} Layer;

static void
layer_clear (Layer *layer)
{
  g_clear_pointer (&layer->r_overview, reader_free);
  g_clear_pointer (&layer->r_hourly, reader_free);
  g_clear_pointer (&layer->r_latency, reader_free);
  g_clear_pointer (&layer->r_daily, reader_free);
}

/* @full: all four questions; otherwise only the percentiles (for section 3). */
static gboolean
run_layer (Bench       *bench,
           Layer       *layer,
           const char  *zone,
           gboolean     full,
           GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) month = NULL;
  Ranges ranges = { 0 };
  g_autofree char *l_overview = g_strdup_printf ("month-to-date overview, provider + none [%s]", zone);
  g_autofree char *l_hourly = g_strdup_printf ("30-day hourly series by provider [%s]", zone);
  g_autofree char *l_latency = g_strdup_printf ("30-day p50/p95/p99 per provider [%s]", zone);
  g_autofree char *l_daily = g_strdup_printf ("92-day daily series by provider [%s]", zone);
  g_autofree char *i_overview = g_strdup_printf ("tollgate_overview_%s", zone);
  g_autofree char *i_hourly = g_strdup_printf ("tollgate_hourly_30d_%s", zone);
  g_autofree char *i_latency = g_strdup_printf ("tollgate_percentiles_30d_%s", zone);
  g_autofree char *i_daily = g_strdup_printf ("tollgate_daily_92d_%s", zone);

  tz = tg_time_zone_new_checked (zone, error);
  if (tz == NULL || !ranges_init (&ranges, tz, bench->now, error))
    return FALSE;
  month = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (month, ranges.month_start);
  g_array_append_val (month, ranges.month_end);

  layer->zone = zone;
  layer->r_overview = reader_new (month, TG_USAGE_GROUP_PROVIDER, TRUE, FALSE);
  layer->r_hourly = reader_new (ranges.hours30, TG_USAGE_GROUP_PROVIDER, FALSE, FALSE);
  layer->r_latency = reader_new (ranges.range30, TG_USAGE_GROUP_PROVIDER, FALSE, TRUE);
  layer->r_daily = reader_new (ranges.days92, TG_USAGE_GROUP_PROVIDER, FALSE, FALSE);

  if (full)
    {
      layer->overview = measure (bench, i_overview, l_overview, run_reader, layer->r_overview);
      layer->hourly = measure (bench, i_hourly, l_hourly, run_reader, layer->r_hourly);
    }
  layer->latency = measure (bench, i_latency, l_latency, run_reader, layer->r_latency);
  if (full && g_strcmp0 (zone, "UTC") == 0)
    layer->daily = measure (bench, i_daily, l_daily, run_reader, layer->r_daily);

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
  g_autofree char *s_median = format_timing_ms (bench, timing, median);
  g_autofree char *s_min = format_timing_ms (bench, timing, timing_min (timing));
  g_autofree char *s_runs = format_runs (timing);
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
  json_timing (builder, timing);
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
  gboolean hourly_same, daily_same, mtd_same;

  g_string_append (bench->table,
                   "\n2. Tollgate query layer, tg_usage_fetch_series: rollups + raw tail "
                   "(targets at 10M rows; speed-up vs the Grafana query)\n");
  g_string_append_printf (bench->table, "  %-60s %10s %10s %4s %7s %9s %7s\n",
                          "", "median ms", "min ms", "runs", "target", "speed-up", "");

  json_builder_set_member_name (bench->json, "tollgate");
  json_builder_begin_array (bench->json);
  table_layer_row (bench, bench->json, utc_layer->overview, 30.0, grafana->t_mtd_filter);
  table_layer_row (bench, bench->json, utc_layer->hourly, 100.0, grafana->t_hour_floor);
  table_layer_row (bench, bench->json, utc_layer->latency, 50.0, grafana->t_pct);
  table_layer_row (bench, bench->json, utc_layer->daily, NAN, grafana->t_day_floor);
  table_layer_row (bench, bench->json, half_layer->overview, 30.0, grafana->t_mtd_filter);
  table_layer_row (bench, bench->json, half_layer->hourly, 100.0, grafana->t_hour_floor);
  table_layer_row (bench, bench->json, half_layer->latency, 50.0, grafana->t_pct);
  json_builder_end_array (bench->json);

  if (grafana->hour_floor.result == NULL)
    return;

  hourly_same = same_calls (utc_layer->r_hourly->rows, grafana->hour_floor.result, &hourly_cells);
  daily_same = same_calls (utc_layer->r_daily->rows, grafana->day_floor.result, &daily_cells);
  mtd_same = same_totals (utc_layer->r_overview->rows, grafana->mtd_filter.result);

  g_string_append_printf (bench->table,
                          "  same figures as the raw queries (UTC): hourly calls %s (%u cells), "
                          "daily calls %s (%u cells), month-to-date calls/errors/credits %s\n",
                          verdict (utc_layer->r_hourly->rows, hourly_same), hourly_cells,
                          verdict (utc_layer->r_daily->rows, daily_same), daily_cells,
                          verdict (utc_layer->r_overview->rows, mtd_same));
  json_builder_set_member_name (bench->json, "exact");
  json_builder_begin_object (bench->json);
  bench_json_bool (bench->json, "hourly_calls_equal", hourly_same);
  bench_json_int (bench->json, "hourly_cells", hourly_cells);
  bench_json_bool (bench->json, "daily_calls_equal", daily_same);
  bench_json_int (bench->json, "daily_cells", daily_cells);
  bench_json_bool (bench->json, "month_to_date_equal", mtd_same);
  json_builder_end_object (bench->json);

  /* A wrong answer is a failure; a slow or cancelled one is a figure. */
  if ((utc_layer->r_hourly->rows != NULL && !hourly_same)
      || (utc_layer->r_daily->rows != NULL && !daily_same)
      || (utc_layer->r_overview->rows != NULL && !mtd_same))
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

/* ---- sections 1-3 ---------------------------------------------------------------- */

/* Sections 1-3, those of them --sections asks for (2 and 3 compare with 1's answers),
 * with the JSON members "grafana", "tollgate", "exact" and "percentiles". Measures in UTC
 * and Adelaide, then gives the database its own billing time zone back.
 */
gboolean
bench_run_queries (Bench         *bench,
                   const Ranges  *utc_ranges,
                   GError       **error)
{
  Grafana grafana = { 0 };
  Layer utc_layer = { 0 };
  Layer half_layer = { 0 };
  gboolean ok = FALSE;

  /* 1. */
  grafana_init (&grafana, utc_ranges, bench->now);
  if (bench_want (bench, '1'))
    run_grafana (bench, &grafana);

  json_builder_set_member_name (bench->json, "grafana");
  json_builder_begin_array (bench->json);
  for (guint i = 0; i < bench->timings->len; i++)
    {
      json_builder_begin_object (bench->json);
      json_timing (bench->json, g_ptr_array_index (bench->timings, i));
      json_builder_end_object (bench->json);
    }
  json_builder_end_array (bench->json);

  /* 2., in UTC and in a zone half an hour off UTC's hours. */
  if (bench_want (bench, '2') || bench_want (bench, '3'))
    {
      if (!run_layer (bench, &utc_layer, "UTC", bench_want (bench, '2'), error))
        goto out;
    }
  if (bench_want (bench, '2'))
    {
      if (!bench_set_zone (bench, HALF_HOUR_ZONE, error))
        goto out;
      if (!run_layer (bench, &half_layer, HALF_HOUR_ZONE, TRUE, error))
        goto out;
      report_layer (bench, &grafana, &utc_layer, &half_layer);
    }
  if (!bench_set_zone (bench, bench->zone, error))
    goto out;

  /* 3. */
  if (bench_want (bench, '3') && grafana.pct.result != NULL && utc_layer.r_latency->rows != NULL)
    run_percentiles (bench, &grafana, &utc_layer);
  ok = TRUE;

out:
  grafana_clear (&grafana);
  layer_clear (&utc_layer);
  layer_clear (&half_layer);
  return ok;
}
