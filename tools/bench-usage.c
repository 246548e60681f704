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
 *      refresher's share of a core at a fixed rate;
 *   6. times every grouping's 30-day hourly and 92-day daily series, in both zones, beside
 *      the same question asked of the raw rows priced row by row, and checks that both
 *      give the same calls, errors, credits and cost for every bucket and group;
 *   7. times the top 10 users (30 whole days, the last complete month), features, cost
 *      centres and endpoints (30 whole days) by cost, the same way.
 *
 * Sections 6 and 7 read before 4 and 5 write rows; their tables print after 5.
 * It prints a table on stdout, progress on stderr, and the same figures as JSON (--json).
 * Times are client wall clock (g_get_monotonic_time), including the round trip and, for
 * Tollgate, parsing into TgUsageRow, on a warm cache: every query runs once unmeasured
 * first. Benchmarks never assert on time; a failed query or an answer of Tollgate's that
 * differs from the raw rows' makes the exit status 1.
 *
 * This file holds the options, main, the setup and the header, and the small helpers
 * every section uses (bench-usage.h); sections 1-3 are in bench-queries.c, 4 and 5 in
 * bench-ingest.c, 6 and 7 in bench-groupings.c.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-random.h"
#include "tg-refresher-queries.h"
#include "tg-settings-queries.h"
#include "tg-traffic-model.h"
#include "tg-usage-queries.h"

#include "bench-usage.h"

/* ---- timing figures, progress and formatting ------------------------------------- */

void
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

double
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

double
timing_min (const Timing *timing)
{
  double best = INFINITY;

  for (guint i = 0; i < timing->runs_ms->len; i++)
    best = MIN (best, g_array_index (timing->runs_ms, double, i));

  return timing->runs_ms->len > 0 ? best : NAN;
}

double
bench_elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

void
bench_progress (const char *format,
                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("bench: %s\n", text);
}

char *
bench_format_ms (double ms)
{
  if (isnan (ms))
    return g_strdup ("-");
  if (ms < 10.0)
    return g_strdup_printf ("%.2f", ms);
  if (ms < 1000.0)
    return g_strdup_printf ("%.1f", ms);
  return tg_format_count ((gint64)llround (ms));
}

/* An instant in UTC with a 'Z', as the header and the Grafana queries' literals show it
 * (tg_time_bucket_format_start() writes UTC as "+00:00").
 */
char *
bench_format_utc (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* ---- JSON members ---------------------------------------------------------------- */

/* A figure that could not be had (NaN, infinity) is null, so the JSON stays valid; the
 * rest are rounded to thousandths.
 */
void
bench_json_double (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, round (value * 1000.0) / 1000.0);
}

void
bench_json_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
bench_json_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
bench_json_bool (JsonBuilder *builder,
                 const char  *name,
                 gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* ---- the setup and the header ---------------------------------------------------- */

gboolean
bench_want (Bench *bench,
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

/* Sets the billing-timezone setting, and remembers whether the database's own one
 * (bench->zone) must be given back if the run fails.
 */
gboolean
bench_set_zone (Bench       *bench,
                const char  *zone,
                GError     **error)
{
  if (!tg_settings_change (bench->conn, "billing-timezone", zone, error))
    return FALSE;

  bench->zone_changed = g_strcmp0 (zone, bench->zone) != 0;
  return TRUE;
}

/* Sets the billing-timezone setting and, when the day levels were built for another zone,
 * has the refresher build them for this one (refresh_rollups() follows the setting:
 * per-user days from the raw rows, narrow days from the 15-minute level), as a database
 * in that zone has them, then VACUUM (ANALYZE) and CHECKPOINT as after loading. The move
 * is timed and reported, without --timeout: at 10M rows it takes minutes. A run that fails gives the setting back without moving the levels; the
 * next refresh moves them.
 */
gboolean
bench_use_zone (Bench       *bench,
                const char  *zone,
                GError     **error)
{
  g_autofree char *current = NULL;
  g_autofree char *built = NULL;
  g_autofree char *label = NULL;
  TgRefreshResult refresh;
  gint64 start;

  current = tg_settings_fetch_value (bench->conn, "billing-timezone", error);
  if (current == NULL)
    return FALSE;
  if (g_strcmp0 (current, zone) != 0 && !bench_set_zone (bench, zone, error))
    return FALSE;

  built = tg_db_query_string (bench->conn, "SELECT billing_timezone FROM tollgate.rollup_state",
                              error);
  if (built == NULL)
    return FALSE;
  if (g_strcmp0 (built, zone) == 0)
    return TRUE;

  bench_progress ("moving the day levels from %s to %s (the refresher follows the setting) ...",
                  built, zone);
  if (bench->options->timeout > 0 && !tg_db_exec (bench->conn, "SET statement_timeout = 0", error))
    return FALSE;
  start = g_get_monotonic_time ();
  if (!tg_refresher_refresh_all (bench->conn, 0, &refresh, error))
    return FALSE;
  /* As after loading: the move rewrote the per-user days (a gigabyte at 10M rows) and left
   * work for autovacuum, which would otherwise run beside the reads measured next. (It did
   * not explain why every grouping costs more per cell in the half-hour zone read after
   * the move: docs/performance.md.)
   */
  if (!tg_db_exec (bench->conn, "VACUUM (ANALYZE)", error) ||
      !tg_db_exec (bench->conn, "CHECKPOINT", error))
    return FALSE;
  label = g_strdup_printf ("day levels moved to %s", zone);
  bench_add_part (bench, label, bench_elapsed_ms (start) / 1000.0);
  bench_progress ("%s in %.1f s", label, bench_elapsed_ms (start) / 1000.0);

  return bench->options->timeout <= 0 || set_timeout (bench, bench->options->timeout, error);
}

void
bench_add_part (Bench      *bench,
                const char *label,
                double      seconds)
{
  BenchPart *part = g_new0 (BenchPart, 1);

  part->label = g_strdup (label);
  part->seconds = seconds;
  g_ptr_array_add (bench->parts, part);
}

static void
part_free (BenchPart *part)
{
  g_free (part->label);
  g_free (part);
}

/* "Time: section 1 12.3 s; …; measuring 123.4 s in all", wrapped at 100 columns, and the
 * JSON's "times".
 */
static void
write_parts (Bench *bench,
             double total_s)
{
  g_autoptr(GString) line = g_string_new ("Time:");

  g_string_append_c (bench->table, '\n');
  json_builder_set_member_name (bench->json, "times");
  json_builder_begin_object (bench->json);
  for (guint i = 0; i <= bench->parts->len; i++)
    {
      BenchPart *part = i < bench->parts->len ? g_ptr_array_index (bench->parts, i) : NULL;
      g_autofree char *text = part != NULL
                              ? g_strdup_printf (" %s %.1f s;", part->label, part->seconds)
                              : g_strdup_printf (" measuring %.1f s in all", total_s);

      if (line->len + strlen (text) > 100)
        {
          g_string_append_printf (bench->table, "%s\n", line->str);
          g_string_assign (line, "     ");
        }
      g_string_append (line, text);
      if (part != NULL)
        bench_json_double (bench->json, part->label, part->seconds);
    }
  g_string_append_printf (bench->table, "%s\n", line->str);
  bench_json_double (bench->json, "measuring", total_s);
  json_builder_end_object (bench->json);
}

static void
write_setup (Bench *bench)
{
  Options *options = bench->options;
  g_autofree char *now = bench_format_utc (bench->now);

  json_builder_set_member_name (bench->json, "setup");
  json_builder_begin_object (bench->json);
  for (guint i = 0; options->info != NULL && options->info[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (options->info[i], "=", 2);

      if (pair[0] != NULL && pair[1] != NULL)
        bench_json_string (bench->json, pair[0], pair[1]);
    }
  bench_json_string (bench->json, "measured_at", now);
  bench_json_int (bench->json, "runs", options->runs);
  bench_json_double (bench->json, "budget_s", options->budget);
  bench_json_double (bench->json, "raw_budget_s", options->raw_budget);
  bench_json_string (bench->json, "timing",
                     "client wall clock, warm cache: one unmeasured run first");
  json_builder_end_object (bench->json);
}

static void
print_header (Bench  *bench,
              Ranges *utc)
{
  g_autofree char *month = bench_format_utc (utc->month_start);
  g_autofree char *now = bench_format_utc (bench->now);
  g_autofree char *from30 = bench_format_utc (g_array_index (utc->range30, gint64, 0));
  g_autofree char *to30 = bench_format_utc (g_array_index (utc->range30, gint64, 1));
  g_autofree char *from92 = bench_format_utc (g_array_index (utc->days92, gint64, 0));
  g_autofree char *last_from = bench_format_utc (utc->last_month_start);
  g_autofree char *last_to = bench_format_utc (utc->last_month_end);
  g_autofree char *whole_from = bench_format_utc (g_array_index (utc->whole30, gint64, 0));
  g_autofree char *whole_to = bench_format_utc (g_array_index (utc->whole30, gint64, 1));

  g_string_append_printf (bench->table,
                          "Ranges (UTC): month to date %s to %s; 30 days %s to %s; 92 days from %s\n"
                          "              last month (%s) %s to %s; 30 whole days %s to %s\n"
                          "Timing: client wall clock incl. round trip and parsing, warm cache (one "
                          "unmeasured run first), median and min of up to %d runs;\n"
                          "        runs marked * are the first run alone (it took more than twice "
                          "the budget of %.0f s; %.2g s for the raw rows of sections 6 and 7).\n",
                          month, now, from30, to30, from92, utc->last_month, last_from, last_to,
                          whole_from, whole_to, bench->options->runs, bench->options->budget,
                          bench->options->raw_budget);
}

/* ---- main ------------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TgTrafficModel) model = NULL;
  Options options = {
    .runs = 5, .budget = 20.0, .connections = 8, .batch_rows = 100, .ingest_seconds = 10.0,
    .paced_seconds = 30.0, .paced_rate = 10000.0, .refresh_interval = 5.0,
    .refresh_rows = 100000, .refresh_repeats = 3, .seed = 1, .timeout = 0.0,
    .raw_budget = -1.0,
  };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &options.db, "libpq conninfo (default: environment)", "CONNINFO" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &options.json_path, "Write the figures as JSON to FILE", "FILE" },
    { "info", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.info, "A setup fact for the JSON (repeatable)", "KEY=VALUE" },
    { "sections", 0, 0, G_OPTION_ARG_STRING, &options.sections,
      "Which sections to run (default 1234567; 2 and 3 compare with 1)", "DIGITS" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &options.runs, "Most measured runs per query (default 5)", "N" },
    { "budget", 0, 0, G_OPTION_ARG_DOUBLE, &options.budget,
      "Seconds of measured runs per query, judged by its first run (default 20)", "S" },
    { "raw-budget", 0, 0, G_OPTION_ARG_DOUBLE, &options.raw_budget,
      "The same for the raw-row queries of sections 6 and 7 (default: a quarter of --budget)",
      "S" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &options.timeout,
      "Cancel a query of sections 1-3, 6 and 7 after S seconds and report it as such "
      "(default: never)", "S" },
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
  Ranges utc_ranges = { 0 };
  TgRandom rng;
  gint64 started = g_get_monotonic_time ();
  gint64 start;
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
    options.sections = g_strdup ("1234567");
  if (options.raw_budget < 0)
    options.raw_budget = options.budget / 4.0;
  if (argc > 1 || options.runs < 1 || options.connections < 1 || options.connections > 64
      || options.batch_rows < 1 || options.batch_rows > 1000 || options.refresh_rows < 1
      || options.refresh_repeats < 1 || !(options.refresh_interval > 0)
      || !(options.budget > 0) || !(options.raw_budget > 0) || options.timeout < 0
      || !(options.paced_rate > 0)
      || strspn (options.sections, "1234567") != strlen (options.sections))
    {
      g_printerr ("bench-usage: bad arguments (see --help)\n");
      return 2;
    }

  bench.options = &options;
  bench.timings = g_ptr_array_new_with_free_func ((GDestroyNotify)timing_free);
  bench.table = g_string_new (NULL);
  bench.late_table = g_string_new (NULL);
  bench.parts = g_ptr_array_new_with_free_func ((GDestroyNotify)part_free);
  bench.json = json_builder_new ();
  bench.utc = g_time_zone_new_utc ();
  bench.now = g_get_real_time () / G_USEC_PER_SEC;

  bench.conn = tg_db_connect (options.db, "tollgate-bench", &error);
  if (bench.conn == NULL)
    goto fail;

  json_builder_begin_object (bench.json);
  write_setup (&bench);

  /* The UTC figures are measured in UTC whatever the database says, with day levels in
   * UTC; it gets its own setting and levels back at the end.
   */
  bench.zone = tg_settings_fetch_value (bench.conn, "billing-timezone", &error);
  if (bench.zone == NULL)
    goto fail;
  if (!bench_use_zone (&bench, "UTC", &error))
    goto fail;

  if (!ranges_init (&utc_ranges, bench.utc, bench.now, &error))
    goto fail;
  print_header (&bench, &utc_ranges);

  if (options.timeout > 0 && !set_timeout (&bench, options.timeout, &error))
    goto fail;

  /* 1., 2., 3., 6. and 7. read; they give the database its billing time zone back. */
  if (!bench_run_queries (&bench, &utc_ranges, &error))
    goto fail;

  if (options.timeout > 0 && !tg_db_exec (bench.conn, "RESET statement_timeout", &error))
    goto fail;

  /* 4. and 5. write live rows shaped by the simulator's model. */
  model = tg_traffic_model_new ((guint64)options.seed, TG_TRAFFIC_DEFAULT_ROWS_PER_DAY);
  tg_random_init_stream (&rng, (guint64)options.seed, G_GUINT64_CONSTANT (0x62656e63), 0);

  start = g_get_monotonic_time ();
  if (bench_want (&bench, '4') && !bench_run_refresh_cost (&bench, model, &rng, &error))
    goto fail;
  if (bench_want (&bench, '4'))
    bench_add_part (&bench, "section 4", bench_elapsed_ms (start) / 1000.0);
  start = g_get_monotonic_time ();
  if (bench_want (&bench, '5') && !bench_run_ingest_section (&bench, model, &rng, &error))
    goto fail;
  if (bench_want (&bench, '5'))
    bench_add_part (&bench, "section 5", bench_elapsed_ms (start) / 1000.0);

  g_string_append (bench.table, bench.late_table->str);
  write_parts (&bench, bench_elapsed_ms (started) / 1000.0);
  bench_json_bool (bench.json, "complete", !bench.failed);
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
  if (bench.zone_changed && bench.conn != NULL && bench.zone != NULL)
    {
      tg_db_exec (bench.conn, "RESET statement_timeout", NULL);
      bench_set_zone (&bench, bench.zone, NULL);
    }
  if (bench.table->len > 0 || bench.late_table->len > 0)
    g_print ("%s%s", bench.table->str, bench.late_table->str);
  status = 1;

out:
  ranges_clear (&utc_ranges);
  g_clear_pointer (&bench.conn, PQfinish);
  g_free (bench.zone);
  g_ptr_array_unref (bench.timings);
  g_string_free (bench.table, TRUE);
  g_string_free (bench.late_table, TRUE);
  g_ptr_array_unref (bench.parts);
  g_object_unref (bench.json);
  g_time_zone_unref (bench.utc);
  g_strfreev (options.info);
  g_free (options.db);
  g_free (options.json_path);
  g_free (options.sections);
  return status;
}
