/* bench-usage.c — times Tollgate's usage readers, the refresher and ingest
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The measuring half of tools/bench. The script makes a cluster, loads and refreshes it;
 * this program then, in one run against that database:
 *
 *   1. times the queries a Grafana panel sends over raw rows ($__timeGroup and date_trunc);
 *   2. times Tollgate's query layer (tg_usage_fetch_series) for the same questions, in UTC
 *      and in a half-hour billing time zone, and checks that both give the same figures;
 *   3. compares the histogram percentiles with exact percentile_cont;
 *   4. times the refresher for 100k new live rows (wall and backend CPU);
 *   5. measures ingest with multi-row INSERTs with and without a refresher, and the
 *      refresher's share of a core at a fixed rate.
 *
 * It prints a table on stdout, progress on stderr, and the same figures as JSON (--json).
 * Times are client wall clock (g_get_monotonic_time), including the round trip and, for
 * Tollgate, parsing into TgUsageRow, on a warm cache: every query runs once unmeasured
 * first. Benchmarks never assert on time; only a failed query makes the exit status 1.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-latency-histogram.h"
#include "tg-money.h"
#include "tg-random.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"
#include "tg-traffic-model.h"
#include "tg-usage-queries.h"
#include "tg-usage-writer.h"

#define HALF_HOUR_ZONE "Australia/Adelaide"

/* ---- options and state ----------------------------------------------------------- */

typedef struct
{
  char      *db;
  char      *json_path;
  char     **info;
  int        runs;
  double     budget;
  int        connections;
  int        batch_rows;
  double     ingest_seconds;
  double     paced_seconds;
  double     paced_rate;
  double     refresh_interval;
  int        refresh_rows;
  int        refresh_repeats;
  gint64     seed;
  double     timeout;
  char      *sections;
} Options;

typedef struct
{
  char   *id;
  char   *label;
  char   *sql;         /* Grafana queries only */
  GArray *runs_ms;     /* double */
  double  first_ms;    /* the unmeasured warm-up run */
  guint   n_rows;
  gboolean single;     /* too slow to repeat: runs_ms holds the first run */
  gboolean timed_out;  /* cancelled by statement_timeout */
} Timing;

typedef struct
{
  Options     *options;
  PGconn      *conn;
  GTimeZone   *utc;
  gint64       now;            /* Unix seconds when the run began */
  GPtrArray   *timings;        /* Timing */
  JsonBuilder *json;           /* the sections after the setup */
  GString     *table;          /* what stdout gets at the end */
  gboolean     failed;
} Bench;

typedef gboolean (*BenchFunc) (Bench    *bench,
                               gpointer  data,
                               guint    *n_rows,
                               GError  **error);

static void
timing_free (Timing *timing)
{
  g_free (timing->id);
  g_free (timing->label);
  g_free (timing->sql);
  g_array_unref (timing->runs_ms);
  g_free (timing);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
timing_median (const Timing *timing)
{
  g_autoptr(GArray) sorted = NULL;
  guint n = timing->runs_ms->len;

  if (n == 0)
    return NAN;

  sorted = g_array_copy (timing->runs_ms);
  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);
  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2.0;
}

static double
timing_min (const Timing *timing)
{
  double best = INFINITY;

  for (guint i = 0; i < timing->runs_ms->len; i++)
    best = MIN (best, g_array_index (timing->runs_ms, double, i));

  return timing->runs_ms->len > 0 ? best : NAN;
}

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

static void
progress (const char *format,
          ...) G_GNUC_PRINTF (1, 2);

static void
progress (const char *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("bench: %s\n", text);
}

/* "1234567" gives "1,234,567" */
static char *
format_count (gint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (value));
  GString *out = g_string_new (value < 0 ? "-" : NULL);
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

static char *
format_ms (double ms)
{
  if (isnan (ms))
    return g_strdup ("-");
  if (ms < 10.0)
    return g_strdup_printf ("%.2f", ms);
  if (ms < 1000.0)
    return g_strdup_printf ("%.1f", ms);
  return format_count ((gint64)llround (ms));
}

static char *
format_utc (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---- database helpers ------------------------------------------------------------ */

static PGresult *
query (PGconn      *conn,
       const char  *sql,
       GError     **error)
{
  return tg_db_query (conn, sql, 0, NULL, error);
}

static gint64
query_int (PGconn      *conn,
           const char  *sql,
           GError     **error)
{
  g_autofree char *text = tg_db_query_string (conn, sql, error);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/* A backend's CPU seconds (user + system) from /proc/PID/stat; NaN when it cannot be read
 * (the server runs elsewhere, or as another user without root).
 */
static double
backend_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;
  long ticks = sysconf (_SC_CLK_TCK);

  if (pid <= 0 || ticks <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return NAN;

  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  after = strrchr (contents, ')');
  if (after == NULL)
    return NAN;
  fields = g_strsplit (after + 2, " ", -1);
  /* Fields 14 and 15 of the whole line (utime, stime) are 12 and 13 here, from 1. */
  if (g_strv_length (fields) < 13)
    return NAN;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / ticks;
}

/* Adds every row after the watermark to the rollups: refresh_rollups() takes up to a
 * million rows a call and stops below ids that may still commit.
 */
static gboolean
catch_up (PGconn  *conn,
          gint64  *rows,
          GError **error)
{
  gint64 total = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(PGresult) result = query (conn, "SELECT rows_added FROM tollgate.refresh_rollups()",
                                          error);
      gint64 added;

      if (result == NULL)
        return FALSE;
      added = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      total += added;
      if (added == 0)
        break;
    }

  if (rows != NULL)
    *rows = total;
  return TRUE;
}

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

  progress ("%s ...", label);
  start = g_get_monotonic_time ();
  if (!func (bench, data, &timing->n_rows, &error))
    goto failed;
  timing->first_ms = elapsed_ms (start);

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
      ms = elapsed_ms (start);
      g_array_append_val (timing->runs_ms, ms);
    }

  {
    g_autofree char *median = format_ms (timing_median (timing));

    progress ("%s: median %s ms over %u run%s%s", label, median, timing->runs_ms->len,
              timing->runs_ms->len == 1 ? "" : "s", timing->single ? " (the first)" : "");
  }
  return timing;

failed:
  if (strstr (error->message, "statement timeout") != NULL)
    {
      timing->timed_out = TRUE;
      progress ("%s: cancelled after %.0f s (--timeout)", label, options->timeout);
      return timing;
    }
  g_printerr ("bench: %s failed: %s\n", label, error->message);
  bench->failed = TRUE;
  return timing;
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
  PGresult *result = query (bench->conn, raw->sql, error);

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

/* The bounds tollgatectl makes (src/cli/tg-ctl-usage.c) for "today" in @tz. */
typedef struct
{
  gint64  month_start;
  gint64  month_end;
  GArray *hours30;       /* bounds of the 30-day hourly series */
  GArray *range30;       /* one bucket over the same 30 days */
  GArray *days92;        /* bounds of the 92-day daily series */
} Ranges;

static void
ranges_clear (Ranges *ranges)
{
  g_clear_pointer (&ranges->hours30, g_array_unref);
  g_clear_pointer (&ranges->range30, g_array_unref);
  g_clear_pointer (&ranges->days92, g_array_unref);
}

static GArray *
series_bounds (GTimeZone    *tz,
               TgBucketSize  size,
               const GDate  *from,
               const GDate  *to)
{
  GArray *bounds = tg_time_bucket_range (tz, size, from, to);
  gint64 end = tg_time_bucket_next (tz, size, g_array_index (bounds, gint64, bounds->len - 1));

  g_array_append_val (bounds, end);
  return bounds;
}

static gboolean
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

  ranges->hours30 = series_bounds (tz, TG_BUCKET_HOUR, &from30, &today);
  ranges->days92 = series_bounds (tz, TG_BUCKET_DAY, &from92, &today);
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

/* ---- JSON and table helpers ------------------------------------------------------- */

static void
json_double (JsonBuilder *builder,
             const char  *name,
             double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, round (value * 1000.0) / 1000.0);
}

static void
json_int (JsonBuilder *builder,
          const char  *name,
          gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
json_string (JsonBuilder *builder,
             const char  *name,
             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
json_bool (JsonBuilder *builder,
           const char  *name,
           gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
json_timing (JsonBuilder  *builder,
             const Timing *timing)
{
  json_string (builder, "id", timing->id);
  json_string (builder, "label", timing->label);
  json_double (builder, "median_ms", timing_median (timing));
  json_double (builder, "min_ms", timing_min (timing));
  json_double (builder, "first_ms", timing->first_ms);
  json_builder_set_member_name (builder, "runs_ms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < timing->runs_ms->len; i++)
    json_builder_add_double_value (builder,
                                   round (g_array_index (timing->runs_ms, double, i) * 1000.0) / 1000.0);
  json_builder_end_array (builder);
  json_int (builder, "result_rows", timing->n_rows);
  json_bool (builder, "single_run", timing->single);
  json_bool (builder, "timed_out", timing->timed_out);
  if (timing->sql != NULL)
    json_string (builder, "sql", timing->sql);
}

/* "> 120 s" for a cancelled query, a number of milliseconds otherwise. */
static char *
format_timing_ms (Bench        *bench,
                  const Timing *timing,
                  double        ms)
{
  if (timing->timed_out)
    return g_strdup_printf ("> %.0f s", bench->options->timeout);
  return format_ms (ms);
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
  g_autofree char *rows = format_count (timing->n_rows);
  g_autofree char *runs = format_runs (timing);

  g_string_append_printf (bench->table, "  %-58s %10s %10s %5s %8s\n",
                          timing->label, median, best, runs, rows);
}

/* ---- the query sections ----------------------------------------------------------- */

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
  g_autofree char *h_from = format_utc (g_array_index (utc->range30, gint64, 0));
  g_autofree char *h_to = format_utc (g_array_index (utc->range30, gint64, 1));
  g_autofree char *m_from = format_utc (utc->month_start);
  g_autofree char *m_to = format_utc (now + 1);
  g_autofree char *d_from = format_utc (g_array_index (utc->days92, gint64, 0));
  g_autofree char *d_to = format_utc (g_array_index (utc->days92, gint64, utc->days92->len - 1));

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
  json_double (builder, "target_ms", target_ms);
  json_string (builder, "baseline", baseline != NULL ? baseline->id : NULL);
  json_double (builder, timing->timed_out ? "speedup_below" : "speedup", speedup);
  if (*verdict)
    json_bool (builder, "target_met", g_strcmp0 (verdict, "met") == 0);
  json_builder_end_object (builder);
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
      g_autofree char *requests = format_count (row->requests);

      for (int j = 0; exact != NULL && j < PQntuples (exact); j++)
        if (g_strcmp0 (PQgetvalue (exact, j, 0), row->group) == 0)
          parse_float_array (PQgetvalue (exact, j, 1), values, 3);

      g_string_append_printf (bench->table, "  %-16s %8s", row->group, requests);
      json_builder_begin_object (bench->json);
      json_string (bench->json, "provider", row->group);
      json_int (bench->json, "requests", row->requests);

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
          json_double (bench->json, "exact_ms", values[k]);
          json_double (bench->json, "histogram_ms", hist);
          json_double (bench->json, "relative_error", error);
          json_builder_end_object (bench->json);
        }
      g_string_append_c (bench->table, '\n');
      json_builder_end_object (bench->json);
    }

  json_builder_end_array (bench->json);
  json_double (bench->json, "max_relative_error", worst);
  json_double (bench->json, "bound", TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  json_bool (bench->json, "within_bound", worst <= TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  json_builder_end_object (bench->json);

  g_string_append_printf (bench->table, "  largest relative error %.2f %% (bound %.1f %%): %s\n",
                          worst * 100.0, TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR * 100.0,
                          worst <= TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR ? "within" : "EXCEEDED");
}

/* ---- live rows ------------------------------------------------------------------- */

/* A pool of live rows shaped by the simulator's model (one per call it would make), to
 * be inserted again and again with fresh timestamps: making rows costs the client no
 * time while it measures.
 */
static GArray *
make_pool (TgTrafficModel *model,
           TgRandom       *rng,
           guint           n_rows,
           gint64          from,
           gint64          to)
{
  GArray *pool = g_array_sized_new (FALSE, TRUE, sizeof (TgTrafficRow), n_rows);

  g_array_set_size (pool, n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      gint64 time = from + (to - from) * (gint64)i / MAX (n_rows, 1);

      tg_traffic_model_make_live_row (model, rng, time,
                                      &g_array_index (pool, TgTrafficRow, i));
    }

  return pool;
}

/* ---- 4. the refresher's cost ----------------------------------------------------- */

static gboolean
insert_pool (PGconn  *conn,
             GArray  *pool,
             guint    batch_rows,
             GError **error)
{
  g_autoptr(TgUsageWriter) writer = tg_usage_writer_new (conn);

  for (guint start = 0; start < pool->len; start += batch_rows)
    if (!tg_usage_writer_insert (writer, &g_array_index (pool, TgTrafficRow, start),
                                 MIN (batch_rows, pool->len - start), error))
      return FALSE;

  return TRUE;
}

static gboolean
run_refresh_cost (Bench          *bench,
                  TgTrafficModel *model,
                  TgRandom       *rng,
                  GError        **error)
{
  Options *options = bench->options;
  g_autoptr(GArray) walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (double));
  int pid = PQbackendPID (bench->conn);
  Timing wall_timing = { .runs_ms = walls };
  Timing cpu_timing = { .runs_ms = cpus };
  double wall, cpu, added;
  g_autofree char *s_rows = format_count (options->refresh_rows);
  g_autofree char *s_wall = NULL;

  json_builder_set_member_name (bench->json, "refresh");
  json_builder_begin_object (bench->json);
  json_int (bench->json, "new_rows", options->refresh_rows);
  json_int (bench->json, "insert_batch_rows", options->batch_rows);
  json_builder_set_member_name (bench->json, "runs");
  json_builder_begin_array (bench->json);

  for (int rep = 0; rep < options->refresh_repeats; rep++)
    {
      gint64 now = g_get_real_time ();
      g_autoptr(GArray) pool = NULL;
      g_autoptr(PGresult) result = NULL;
      double cpu0, cpu1;
      gint64 start;

      if (!catch_up (bench->conn, NULL, error))
        return FALSE;

      /* The last ten seconds of traffic at 10,000 rows a second, as a refresher running every
       * ten seconds would find it.
       */
      pool = make_pool (model, rng, options->refresh_rows, now - 10 * G_USEC_PER_SEC, now);
      progress ("refresher cost: inserting %s live rows (%d of %d) ...", s_rows, rep + 1,
                options->refresh_repeats);
      if (!insert_pool (bench->conn, pool, options->batch_rows, error))
        return FALSE;

      cpu0 = backend_cpu_seconds (pid);
      start = g_get_monotonic_time ();
      result = query (bench->conn, "SELECT rows_added, last_id FROM tollgate.refresh_rollups()", error);
      if (result == NULL)
        return FALSE;
      wall = elapsed_ms (start);
      cpu1 = backend_cpu_seconds (pid);
      cpu = cpu1 - cpu0;
      added = g_ascii_strtod (PQgetvalue (result, 0, 0), NULL);

      g_array_append_val (walls, wall);
      g_array_append_val (cpus, cpu);
      g_array_append_val (rows, added);
      progress ("refresher cost: %.0f rows in %.0f ms, %.2f CPU s", added, wall, cpu);

      json_builder_begin_object (bench->json);
      json_double (bench->json, "rows_added", added);
      json_double (bench->json, "wall_ms", wall);
      json_double (bench->json, "backend_cpu_s", cpu);
      json_builder_end_object (bench->json);
    }
  json_builder_end_array (bench->json);

  wall = timing_median (&wall_timing);
  cpu = timing_median (&cpu_timing);
  added = g_array_index (rows, double, 0);
  json_double (bench->json, "median_wall_ms", wall);
  json_double (bench->json, "min_wall_ms", timing_min (&wall_timing));
  json_double (bench->json, "median_backend_cpu_s", cpu);
  json_double (bench->json, "wall_us_per_row", wall * 1000.0 / MAX (added, 1));
  json_builder_end_object (bench->json);

  s_wall = format_ms (wall);
  g_string_append_printf (bench->table,
                          "\n4. Refresher cost per %s new live rows (10 s of traffic; "
                          "one SELECT tollgate.refresh_rollups(), median of %d)\n",
                          s_rows, options->refresh_repeats);
  g_string_append_printf (bench->table,
                          "  wall %s ms (min %.0f), backend CPU %.2f s, %.1f us wall per row\n",
                          s_wall, timing_min (&wall_timing), cpu, wall * 1000.0 / MAX (added, 1));
  return TRUE;
}

/* ---- 5. ingest ------------------------------------------------------------------- */

typedef struct
{
  PGconn  *conn;
  GArray  *pool;           /* TgTrafficRow; timestamps rewritten before each INSERT */
  guint    next;
  guint    batch_rows;
  double   rate;           /* rows/s for this connection; 0: as fast as it goes */
  gint64   start;          /* monotonic µs */
  gint64   deadline;       /* monotonic µs */
  guint64  rows;
  GError  *error;
  GThread *thread;
} Writer;

static gpointer
writer_work (gpointer data)
{
  Writer *writer = data;
  g_autoptr(TgUsageWriter) usage_writer = tg_usage_writer_new (writer->conn);
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, TRUE, sizeof (TgTrafficRow), writer->batch_rows);
  guint64 n_batches = 0;

  g_array_set_size (batch, writer->batch_rows);

  while (g_get_monotonic_time () < writer->start)
    g_usleep (1000);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 real = g_get_real_time ();

      if (now >= writer->deadline)
        break;

      if (writer->rate > 0)
        {
          gint64 due = writer->start
                       + (gint64)(n_batches * writer->batch_rows * G_USEC_PER_SEC / writer->rate);

          if (due >= writer->deadline)
            break;
          if (due > now)
            {
              g_usleep (due - now);
              continue;
            }
        }

      for (guint i = 0; i < writer->batch_rows; i++)
        {
          TgTrafficRow *row = &g_array_index (batch, TgTrafficRow, i);

          *row = g_array_index (writer->pool, TgTrafficRow, writer->next);
          writer->next = (writer->next + 1) % writer->pool->len;
          row->created_at = real - (gint64)(writer->batch_rows - i) * 50;
        }

      if (!tg_usage_writer_insert (usage_writer, (const TgTrafficRow *)(void *)batch->data,
                                   writer->batch_rows, &writer->error))
        break;
      writer->rows += writer->batch_rows;
      n_batches++;
    }

  return NULL;
}

typedef struct
{
  PGconn  *conn;
  int      pid;
  gint64   interval;       /* µs */
  gint     stop;           /* atomic */
  GArray  *ticks_ms;       /* double */
  guint64  rows;
  double   cpu;            /* backend CPU seconds while running */
  double   wall;           /* seconds */
  GError  *error;
  GThread *thread;
} Refresher;

static gpointer
refresher_work (gpointer data)
{
  Refresher *refresher = data;
  double cpu0 = backend_cpu_seconds (refresher->pid);
  gint64 started = g_get_monotonic_time ();
  gint64 due = started;

  while (!g_atomic_int_get (&refresher->stop))
    {
      g_autoptr(PGresult) result = NULL;
      gint64 now = g_get_monotonic_time ();
      gint64 tick;
      double ms;

      if (now < due)
        {
          g_usleep (MIN (due - now, 20000));
          continue;
        }

      tick = g_get_monotonic_time ();
      /* As `tollgatectl refresh --follow` and the app's worker call it. */
      result = query (refresher->conn,
                      "SELECT rows_added FROM tollgate.refresh_rollups(1000000, '10 seconds')",
                      &refresher->error);
      if (result == NULL)
        break;
      ms = elapsed_ms (tick);
      g_array_append_val (refresher->ticks_ms, ms);
      refresher->rows += g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);

      /* A tick that overran starts the next one at once, not a burst of them. */
      due = MAX (due + refresher->interval, g_get_monotonic_time ());
    }

  refresher->cpu = backend_cpu_seconds (refresher->pid) - cpu0;
  refresher->wall = (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC;
  return NULL;
}

typedef struct
{
  double  seconds;
  guint64 rows;
  double  rows_per_second;
  gboolean with_refresher;
  double  refresher_cpu;
  double  refresher_wall;
  double  refresher_share;
  guint   ticks;
  double  tick_median_ms;
  double  tick_max_ms;
  guint64 refreshed_rows;
  gint64  lag_rows;        /* rows after the watermark when ingest stopped */
} IngestResult;

static gboolean
run_ingest (Bench        *bench,
            GArray      **pools,
            double        rate,
            double        seconds,
            gboolean      with_refresher,
            IngestResult *out,
            GError      **error)
{
  Options *options = bench->options;
  g_autofree Writer *writers = g_new0 (Writer, options->connections);
  Refresher refresher = { 0 };
  gint64 start, end;
  gboolean ok = TRUE;

  memset (out, 0, sizeof *out);
  if (!catch_up (bench->conn, NULL, error))
    return FALSE;

  for (int i = 0; i < options->connections; i++)
    {
      writers[i].conn = tg_db_connect (options->db, "tollgate-bench-writer", error);
      if (writers[i].conn == NULL)
        {
          ok = FALSE;
          goto out;
        }
      writers[i].pool = pools[i];
      writers[i].batch_rows = options->batch_rows;
      writers[i].rate = rate > 0 ? rate / options->connections : 0.0;
    }

  if (with_refresher)
    {
      refresher.conn = tg_db_connect (options->db, "tollgate-bench-refresher", error);
      if (refresher.conn == NULL)
        {
          ok = FALSE;
          goto out;
        }
      refresher.pid = PQbackendPID (refresher.conn);
      refresher.interval = (gint64)(options->refresh_interval * G_USEC_PER_SEC);
      refresher.ticks_ms = g_array_new (FALSE, FALSE, sizeof (double));
    }

  start = g_get_monotonic_time () + 100000;
  for (int i = 0; i < options->connections; i++)
    {
      writers[i].start = start;
      writers[i].deadline = start + (gint64)(seconds * G_USEC_PER_SEC);
      writers[i].thread = g_thread_new ("bench-writer", writer_work, &writers[i]);
    }
  if (with_refresher)
    {
      while (g_get_monotonic_time () < start)
        g_usleep (1000);
      refresher.thread = g_thread_new ("bench-refresher", refresher_work, &refresher);
    }

  for (int i = 0; i < options->connections; i++)
    {
      g_thread_join (writers[i].thread);
      out->rows += writers[i].rows;
      if (writers[i].error != NULL && ok)
        {
          g_propagate_error (error, g_steal_pointer (&writers[i].error));
          ok = FALSE;
        }
      g_clear_error (&writers[i].error);
    }
  end = g_get_monotonic_time ();
  out->seconds = (end - start) / (double)G_USEC_PER_SEC;
  out->rows_per_second = out->rows / out->seconds;

  if (with_refresher)
    {
      GError *lag_error = NULL;
      Timing ticks = { .runs_ms = refresher.ticks_ms };

      out->lag_rows = query_int (bench->conn,
                                 "SELECT (SELECT coalesce(max(api_usage_id), 0) FROM tollgate.api_usage_tracking) "
                                 "- (SELECT last_id FROM tollgate.rollup_state)", &lag_error);
      g_clear_error (&lag_error);

      g_atomic_int_set (&refresher.stop, 1);
      g_thread_join (refresher.thread);
      if (refresher.error != NULL && ok)
        {
          g_propagate_error (error, g_steal_pointer (&refresher.error));
          ok = FALSE;
        }
      g_clear_error (&refresher.error);

      out->with_refresher = TRUE;
      out->refresher_cpu = refresher.cpu;
      out->refresher_wall = refresher.wall;
      out->refresher_share = refresher.cpu / refresher.wall;
      out->ticks = refresher.ticks_ms->len;
      out->tick_median_ms = timing_median (&ticks);
      out->tick_max_ms = 0.0;
      for (guint i = 0; i < refresher.ticks_ms->len; i++)
        out->tick_max_ms = MAX (out->tick_max_ms, g_array_index (refresher.ticks_ms, double, i));
      out->refreshed_rows = refresher.rows;
    }

out:
  for (int i = 0; i < options->connections; i++)
    g_clear_pointer (&writers[i].conn, PQfinish);
  g_clear_pointer (&refresher.conn, PQfinish);
  g_clear_pointer (&refresher.ticks_ms, g_array_unref);
  return ok;
}

static void
json_ingest (JsonBuilder        *builder,
             const char         *name,
             const IngestResult *result,
             double              rate)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_double (builder, "target_rows_per_second", rate > 0 ? rate : NAN);
  json_double (builder, "seconds", result->seconds);
  json_int (builder, "rows", (gint64)result->rows);
  json_double (builder, "rows_per_second", result->rows_per_second);
  json_bool (builder, "with_refresher", result->with_refresher);
  if (result->with_refresher)
    {
      json_double (builder, "refresher_backend_cpu_s", result->refresher_cpu);
      json_double (builder, "refresher_wall_s", result->refresher_wall);
      json_double (builder, "refresher_core_share", result->refresher_share);
      json_int (builder, "refresher_ticks", result->ticks);
      json_double (builder, "refresher_tick_median_ms", result->tick_median_ms);
      json_double (builder, "refresher_tick_max_ms", result->tick_max_ms);
      json_int (builder, "refreshed_rows", (gint64)result->refreshed_rows);
      json_int (builder, "rows_behind_at_end", result->lag_rows);
    }
  json_builder_end_object (builder);
}

static void
table_ingest (Bench              *bench,
              const char         *label,
              const IngestResult *result)
{
  g_autofree char *rate = format_count ((gint64)llround (result->rows_per_second));

  g_string_append_printf (bench->table, "  %-44s %9s rows/s", label, rate);
  if (result->with_refresher)
    g_string_append_printf (bench->table,
                            "   refresher %4.1f %% of a core (%.1f CPU s / %.1f s), %u ticks, "
                            "median %.0f ms, max %.0f ms",
                            result->refresher_share * 100.0, result->refresher_cpu,
                            result->refresher_wall, result->ticks, result->tick_median_ms,
                            result->tick_max_ms);
  g_string_append_c (bench->table, '\n');
}

static gboolean
run_ingest_section (Bench          *bench,
                    TgTrafficModel *model,
                    TgRandom       *rng,
                    GError        **error)
{
  Options *options = bench->options;
  g_autofree GArray **pools = g_new0 (GArray *, options->connections);
  IngestResult plain, refreshed, paced;
  gint64 now = g_get_real_time ();
  g_autofree char *paced_label = NULL;
  g_autofree char *paced_rate = format_count ((gint64)options->paced_rate);
  g_autofree char *lag = NULL;
  gboolean ok = FALSE;

  for (int i = 0; i < options->connections; i++)
    pools[i] = make_pool (model, rng, 20000, now - 2 * G_USEC_PER_SEC, now);

  progress ("ingest: %d connections, %d rows an INSERT, %.0f s without a refresher ...",
            options->connections, options->batch_rows, options->ingest_seconds);
  if (!run_ingest (bench, pools, 0.0, options->ingest_seconds, FALSE, &plain, error))
    goto out;
  progress ("ingest: %.0f rows/s", plain.rows_per_second);

  progress ("ingest: %.0f s with a refresher every %.0f s ...", options->ingest_seconds,
            options->refresh_interval);
  if (!run_ingest (bench, pools, 0.0, options->ingest_seconds, TRUE, &refreshed, error))
    goto out;
  progress ("ingest: %.0f rows/s, refresher %.1f %% of a core", refreshed.rows_per_second,
            refreshed.refresher_share * 100.0);

  progress ("ingest: %.0f s at %s rows/s with a refresher every %.0f s ...", options->paced_seconds,
            paced_rate, options->refresh_interval);
  if (!run_ingest (bench, pools, options->paced_rate, options->paced_seconds, TRUE, &paced, error))
    goto out;
  progress ("ingest: %.0f rows/s, refresher %.1f %% of a core", paced.rows_per_second,
            paced.refresher_share * 100.0);

  if (!catch_up (bench->conn, NULL, error))
    goto out;

  json_builder_set_member_name (bench->json, "ingest");
  json_builder_begin_object (bench->json);
  json_int (bench->json, "connections", options->connections);
  json_int (bench->json, "rows_per_insert", options->batch_rows);
  json_double (bench->json, "refresh_interval_s", options->refresh_interval);
  json_ingest (bench->json, "max_without_refresher", &plain, 0.0);
  json_ingest (bench->json, "max_with_refresher", &refreshed, 0.0);
  json_ingest (bench->json, "paced_with_refresher", &paced, options->paced_rate);
  json_double (bench->json, "refresher_share_target", 0.10);
  json_bool (bench->json, "refresher_share_met", paced.refresher_share <= 0.10);
  json_builder_end_object (bench->json);

  g_string_append_printf (bench->table,
                          "\n5. Ingest: multi-row INSERT of %d rows, %d connections, refresher "
                          "every %.0f s (synchronous_commit as the server has it)\n",
                          options->batch_rows, options->connections, options->refresh_interval);
  table_ingest (bench, "as fast as possible, no refresher", &plain);
  table_ingest (bench, "as fast as possible, with the refresher", &refreshed);
  paced_label = g_strdup_printf ("paced at %s rows/s, with the refresher", paced_rate);
  table_ingest (bench, paced_label, &paced);
  lag = format_count (paced.lag_rows);
  g_string_append_printf (bench->table,
                          "  refresher share of one core at %s rows/s: %.1f %% (target <= 10 %%): %s; "
                          "%s rows behind the watermark when ingest stopped\n",
                          paced_rate, paced.refresher_share * 100.0,
                          paced.refresher_share <= 0.10 ? "met" : "MISSED", lag);
  ok = TRUE;

out:
  for (int i = 0; i < options->connections; i++)
    g_clear_pointer (&pools[i], g_array_unref);
  return ok;
}

/* ---- main ------------------------------------------------------------------------ */

static gboolean
set_zone (Bench       *bench,
          const char  *zone,
          GError     **error)
{
  return tg_settings_change (bench->conn, "billing-timezone", zone, error);
}

static void
write_setup (Bench *bench)
{
  Options *options = bench->options;
  g_autofree char *now = format_utc (bench->now);

  json_builder_set_member_name (bench->json, "setup");
  json_builder_begin_object (bench->json);
  for (guint i = 0; options->info != NULL && options->info[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (options->info[i], "=", 2);

      if (pair[0] != NULL && pair[1] != NULL)
        json_string (bench->json, pair[0], pair[1]);
    }
  json_string (bench->json, "measured_at", now);
  json_int (bench->json, "runs", options->runs);
  json_double (bench->json, "budget_s", options->budget);
  json_string (bench->json, "timing", "client wall clock, warm cache: one unmeasured run first");
  json_builder_end_object (bench->json);
}

static void
print_header (Bench  *bench,
              Ranges *utc)
{
  g_autofree char *month = format_utc (utc->month_start);
  g_autofree char *now = format_utc (bench->now);
  g_autofree char *from30 = format_utc (g_array_index (utc->range30, gint64, 0));
  g_autofree char *to30 = format_utc (g_array_index (utc->range30, gint64, 1));
  g_autofree char *from92 = format_utc (g_array_index (utc->days92, gint64, 0));

  g_string_append_printf (bench->table,
                          "Ranges (UTC): month to date %s to %s; 30 days %s to %s; 92 days from %s\n"
                          "Timing: client wall clock incl. round trip and parsing, warm cache (one "
                          "unmeasured run first), median and min of up to %d runs;\n"
                          "        runs marked * are the first run alone (it took more than twice "
                          "the budget of %.0f s).\n",
                          month, now, from30, to30, from92, bench->options->runs,
                          bench->options->budget);
}

static gboolean
want (Bench *bench,
      char   section)
{
  return strchr (bench->options->sections, section) != NULL;
}

static gboolean
set_timeout (Bench       *bench,
             double       seconds,
             GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SET statement_timeout = %.0f", seconds * 1000.0);

  return tg_db_exec (bench->conn, sql, error);
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
  json_bool (bench->json, "hourly_calls_equal", hourly_same);
  json_int (bench->json, "hourly_cells", hourly_cells);
  json_bool (bench->json, "daily_calls_equal", daily_same);
  json_int (bench->json, "daily_cells", daily_cells);
  json_bool (bench->json, "month_to_date_equal", mtd_same);
  json_builder_end_object (bench->json);

  /* A wrong answer is a failure; a slow or cancelled one is a figure. */
  if ((utc_layer->r_hourly->rows != NULL && !hourly_same)
      || (utc_layer->r_daily->rows != NULL && !daily_same)
      || (utc_layer->r_overview->rows != NULL && !mtd_same))
    bench->failed = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TgTrafficModel) model = NULL;
  g_autofree char *zone = NULL;
  Options options = {
    .runs = 5, .budget = 20.0, .connections = 8, .batch_rows = 100, .ingest_seconds = 10.0,
    .paced_seconds = 30.0, .paced_rate = 10000.0, .refresh_interval = 5.0,
    .refresh_rows = 100000, .refresh_repeats = 3, .seed = 1, .timeout = 0.0,
  };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &options.db, "libpq conninfo (default: environment)", "CONNINFO" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &options.json_path, "Write the figures as JSON to FILE", "FILE" },
    { "info", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.info, "A setup fact for the JSON (repeatable)", "KEY=VALUE" },
    { "sections", 0, 0, G_OPTION_ARG_STRING, &options.sections,
      "Which sections to run (default 12345; 2 and 3 compare with 1)", "DIGITS" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &options.runs, "Most measured runs per query (default 5)", "N" },
    { "budget", 0, 0, G_OPTION_ARG_DOUBLE, &options.budget,
      "Seconds of measured runs per query, judged by its first run (default 20)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &options.timeout,
      "Cancel a query of sections 1-3 after S seconds and report it as such (default: never)", "S" },
    { "connections", 0, 0, G_OPTION_ARG_INT, &options.connections, "Ingest connections (default 8)", "N" },
    { "batch-rows", 0, 0, G_OPTION_ARG_INT, &options.batch_rows, "Rows per INSERT (default 100)", "N" },
    { "ingest-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &options.ingest_seconds,
      "Length of each as-fast-as-possible ingest run (default 10)", "S" },
    { "paced-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &options.paced_seconds,
      "Length of the paced ingest run (default 30)", "S" },
    { "paced-rate", 0, 0, G_OPTION_ARG_DOUBLE, &options.paced_rate,
      "Rows per second of the paced run (default 10000)", "N" },
    { "refresh-interval", 0, 0, G_OPTION_ARG_DOUBLE, &options.refresh_interval,
      "Seconds between refresher ticks (default 5, as tollgatectl refresh --follow and the app tick)", "S" },
    { "refresh-rows", 0, 0, G_OPTION_ARG_INT, &options.refresh_rows,
      "New rows per refresher-cost run (default 100000)", "N" },
    { "refresh-repeats", 0, 0, G_OPTION_ARG_INT, &options.refresh_repeats,
      "Refresher-cost runs (default 3)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options.seed, "Seed of the live rows (default 1)", "N" },
    { NULL }
  };
  Bench bench = { 0 };
  Grafana grafana = { 0 };
  Layer utc_layer = { 0 };
  Layer half_layer = { 0 };
  Ranges utc_ranges = { 0 };
  TgRandom rng;
  gboolean zone_changed = FALSE;
  int status;

  g_option_context_set_summary (context,
    "Times Tollgate's usage readers, the refresher and ingest against the database libpq's\n"
    "environment names (normally run by tools/bench, which makes and loads it first).\n"
    "Prints a table on stdout and progress on stderr.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-usage: %s\n", error->message);
      return 2;
    }
  if (options.sections == NULL)
    options.sections = g_strdup ("12345");
  if (argc > 1 || options.runs < 1 || options.connections < 1 || options.connections > 64
      || options.batch_rows < 1 || options.batch_rows > 1000 || options.refresh_rows < 1
      || options.refresh_repeats < 1 || !(options.refresh_interval > 0)
      || !(options.budget > 0) || options.timeout < 0 || !(options.paced_rate > 0)
      || strspn (options.sections, "12345") != strlen (options.sections))
    {
      g_printerr ("bench-usage: bad arguments (see --help)\n");
      return 2;
    }

  bench.options = &options;
  bench.timings = g_ptr_array_new_with_free_func ((GDestroyNotify)timing_free);
  bench.table = g_string_new (NULL);
  bench.json = json_builder_new ();
  bench.utc = g_time_zone_new_utc ();
  bench.now = g_get_real_time () / G_USEC_PER_SEC;

  bench.conn = tg_db_connect (options.db, "tollgate-bench", &error);
  if (bench.conn == NULL)
    goto fail;

  /* The UTC figures are measured in UTC whatever the database says; it gets its own
   * setting back at the end.
   */
  zone = tg_settings_fetch_value (bench.conn, "billing-timezone", &error);
  if (zone == NULL)
    goto fail;
  if (g_strcmp0 (zone, "UTC") != 0)
    {
      if (!set_zone (&bench, "UTC", &error))
        goto fail;
      zone_changed = TRUE;
    }

  json_builder_begin_object (bench.json);
  write_setup (&bench);

  if (!ranges_init (&utc_ranges, bench.utc, bench.now, &error))
    goto fail;
  print_header (&bench, &utc_ranges);

  if (options.timeout > 0 && !set_timeout (&bench, options.timeout, &error))
    goto fail;

  /* 1. */
  grafana_init (&grafana, &utc_ranges, bench.now);
  if (want (&bench, '1'))
    run_grafana (&bench, &grafana);

  json_builder_set_member_name (bench.json, "grafana");
  json_builder_begin_array (bench.json);
  for (guint i = 0; i < bench.timings->len; i++)
    {
      json_builder_begin_object (bench.json);
      json_timing (bench.json, g_ptr_array_index (bench.timings, i));
      json_builder_end_object (bench.json);
    }
  json_builder_end_array (bench.json);

  /* 2., in UTC and in a zone half an hour off UTC's hours. */
  if (want (&bench, '2') || want (&bench, '3'))
    {
      if (!run_layer (&bench, &utc_layer, "UTC", want (&bench, '2'), &error))
        goto fail;
    }
  if (want (&bench, '2'))
    {
      if (!set_zone (&bench, HALF_HOUR_ZONE, &error))
        goto fail;
      zone_changed = TRUE;
      if (!run_layer (&bench, &half_layer, HALF_HOUR_ZONE, TRUE, &error))
        goto fail;
      report_layer (&bench, &grafana, &utc_layer, &half_layer);
    }
  if (!set_zone (&bench, zone, &error))
    goto fail;
  zone_changed = FALSE;

  /* 3. */
  if (want (&bench, '3') && grafana.pct.result != NULL && utc_layer.r_latency->rows != NULL)
    run_percentiles (&bench, &grafana, &utc_layer);

  if (options.timeout > 0 && !tg_db_exec (bench.conn, "RESET statement_timeout", &error))
    goto fail;

  /* 4. and 5. write live rows shaped by the simulator's model. */
  model = tg_traffic_model_new ((guint64)options.seed, TG_TRAFFIC_DEFAULT_ROWS_PER_DAY);
  tg_random_init_stream (&rng, (guint64)options.seed, G_GUINT64_CONSTANT (0x62656e63), 0);

  if (want (&bench, '4') && !run_refresh_cost (&bench, model, &rng, &error))
    goto fail;
  if (want (&bench, '5') && !run_ingest_section (&bench, model, &rng, &error))
    goto fail;

  json_bool (bench.json, "complete", !bench.failed);
  json_builder_end_object (bench.json);

  g_print ("%s", bench.table->str);

  if (options.json_path != NULL)
    {
      root = json_builder_get_root (bench.json);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      if (!json_generator_to_file (generator, options.json_path, &error))
        goto fail;
    }

  status = bench.failed ? 1 : 0;
  goto out;

fail:
  g_printerr ("bench-usage: %s\n", error != NULL ? error->message : "failed");
  if (zone_changed && bench.conn != NULL && zone != NULL)
    {
      tg_db_exec (bench.conn, "RESET statement_timeout", NULL);
      set_zone (&bench, zone, NULL);
    }
  if (bench.table->len > 0)
    g_print ("%s", bench.table->str);
  status = 1;

out:
  grafana_clear (&grafana);
  layer_clear (&utc_layer);
  layer_clear (&half_layer);
  ranges_clear (&utc_ranges);
  g_clear_pointer (&bench.conn, PQfinish);
  g_ptr_array_unref (bench.timings);
  g_string_free (bench.table, TRUE);
  g_object_unref (bench.json);
  g_time_zone_unref (bench.utc);
  g_strfreev (options.info);
  g_free (options.db);
  g_free (options.json_path);
  g_free (options.sections);
  return status;
}
