/* bench-ingest.c — sections 4 and 5 of bench-usage: what writing and refreshing cost
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The writing half of the benchmark, with live rows shaped by the simulator's model:
 *
 *   4. the refresher's cost for 100k new rows: one refresh_rollups() call timed, wall
 *      and the backend's CPU seconds;
 *   5. ingest with multi-row INSERTs on several connections (writer threads), as fast as
 *      they go without and with a refresher thread ticking beside them, then paced at a
 *      fixed rate, and the refresher's share of a core there.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-random.h"
#include "tg-refresher-queries.h"
#include "tg-traffic-model.h"
#include "tg-usage-writer.h"

#include "bench-usage.h"

/* ---- database helpers ------------------------------------------------------------ */

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

/* Adds every row after the watermark to the rollups, the per-user level too (0: on every
 * call), so that a measurement starts from an empty tail.
 */
static gboolean
catch_up (PGconn  *conn,
          GError **error)
{
  TgRefreshResult refresh;

  return tg_refresher_refresh_all (conn, 0, &refresh, error);
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

/* Section 4, the JSON member "refresh". */
gboolean
bench_run_refresh_cost (Bench          *bench,
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
  g_autofree char *s_rows = tg_format_count (options->refresh_rows);
  g_autofree char *s_wall = NULL;

  json_builder_set_member_name (bench->json, "refresh");
  json_builder_begin_object (bench->json);
  bench_json_int (bench->json, "new_rows", options->refresh_rows);
  bench_json_int (bench->json, "insert_batch_rows", options->batch_rows);
  json_builder_set_member_name (bench->json, "runs");
  json_builder_begin_array (bench->json);

  for (int rep = 0; rep < options->refresh_repeats; rep++)
    {
      gint64 now = g_get_real_time ();
      g_autoptr(GArray) pool = NULL;
      g_autoptr(PGresult) result = NULL;
      double cpu0, cpu1;
      gint64 start;

      if (!catch_up (bench->conn, error))
        return FALSE;

      /* The last ten seconds of traffic at 10,000 rows a second, as a refresher running every
       * ten seconds would find it.
       */
      pool = make_pool (model, rng, options->refresh_rows, now - 10 * G_USEC_PER_SEC, now);
      bench_progress ("refresher cost: inserting %s live rows (%d of %d) ...", s_rows, rep + 1,
                      options->refresh_repeats);
      if (!insert_pool (bench->conn, pool, options->batch_rows, error))
        return FALSE;

      cpu0 = backend_cpu_seconds (pid);
      start = g_get_monotonic_time ();
      result = tg_db_query (bench->conn,
                            "SELECT rows_added, last_id FROM tollgate.refresh_rollups()",
                            0, NULL, error);
      if (result == NULL)
        return FALSE;
      wall = bench_elapsed_ms (start);
      cpu1 = backend_cpu_seconds (pid);
      cpu = cpu1 - cpu0;
      added = g_ascii_strtod (PQgetvalue (result, 0, 0), NULL);

      g_array_append_val (walls, wall);
      g_array_append_val (cpus, cpu);
      g_array_append_val (rows, added);
      bench_progress ("refresher cost: %.0f rows in %.0f ms, %.2f CPU s", added, wall, cpu);

      json_builder_begin_object (bench->json);
      bench_json_double (bench->json, "rows_added", added);
      bench_json_double (bench->json, "wall_ms", wall);
      bench_json_double (bench->json, "backend_cpu_s", cpu);
      json_builder_end_object (bench->json);
    }
  json_builder_end_array (bench->json);

  wall = timing_median (&wall_timing);
  cpu = timing_median (&cpu_timing);
  added = g_array_index (rows, double, 0);
  bench_json_double (bench->json, "median_wall_ms", wall);
  bench_json_double (bench->json, "min_wall_ms", timing_min (&wall_timing));
  bench_json_double (bench->json, "median_backend_cpu_s", cpu);
  bench_json_double (bench->json, "wall_us_per_row", wall * 1000.0 / MAX (added, 1));
  json_builder_end_object (bench->json);

  s_wall = bench_format_ms (wall);
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
      result = tg_db_query (refresher->conn,
                            "SELECT rows_added "
                            "FROM tollgate.refresh_rollups(1000000, '10 seconds')",
                            0, NULL, &refresher->error);
      if (result == NULL)
        break;
      ms = bench_elapsed_ms (tick);
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
  if (!catch_up (bench->conn, error))
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
  bench_json_double (builder, "target_rows_per_second", rate > 0 ? rate : NAN);
  bench_json_double (builder, "seconds", result->seconds);
  bench_json_int (builder, "rows", (gint64)result->rows);
  bench_json_double (builder, "rows_per_second", result->rows_per_second);
  bench_json_bool (builder, "with_refresher", result->with_refresher);
  if (result->with_refresher)
    {
      bench_json_double (builder, "refresher_backend_cpu_s", result->refresher_cpu);
      bench_json_double (builder, "refresher_wall_s", result->refresher_wall);
      bench_json_double (builder, "refresher_core_share", result->refresher_share);
      bench_json_int (builder, "refresher_ticks", result->ticks);
      bench_json_double (builder, "refresher_tick_median_ms", result->tick_median_ms);
      bench_json_double (builder, "refresher_tick_max_ms", result->tick_max_ms);
      bench_json_int (builder, "refreshed_rows", (gint64)result->refreshed_rows);
      bench_json_int (builder, "rows_behind_at_end", result->lag_rows);
    }
  json_builder_end_object (builder);
}

static void
table_ingest (Bench              *bench,
              const char         *label,
              const IngestResult *result)
{
  g_autofree char *rate = tg_format_count ((gint64)llround (result->rows_per_second));

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

/* Section 5, the JSON member "ingest". */
gboolean
bench_run_ingest_section (Bench          *bench,
                          TgTrafficModel *model,
                          TgRandom       *rng,
                          GError        **error)
{
  Options *options = bench->options;
  g_autofree GArray **pools = g_new0 (GArray *, options->connections);
  IngestResult plain, refreshed, paced;
  gint64 now = g_get_real_time ();
  g_autofree char *paced_label = NULL;
  g_autofree char *paced_rate = tg_format_count ((gint64)options->paced_rate);
  g_autofree char *lag = NULL;
  gboolean ok = FALSE;

  for (int i = 0; i < options->connections; i++)
    pools[i] = make_pool (model, rng, 20000, now - 2 * G_USEC_PER_SEC, now);

  bench_progress ("ingest: %d connections, %d rows an INSERT, %.0f s without a refresher ...",
                  options->connections, options->batch_rows, options->ingest_seconds);
  if (!run_ingest (bench, pools, 0.0, options->ingest_seconds, FALSE, &plain, error))
    goto out;
  bench_progress ("ingest: %.0f rows/s", plain.rows_per_second);

  bench_progress ("ingest: %.0f s with a refresher every %.0f s ...", options->ingest_seconds,
                  options->refresh_interval);
  if (!run_ingest (bench, pools, 0.0, options->ingest_seconds, TRUE, &refreshed, error))
    goto out;
  bench_progress ("ingest: %.0f rows/s, refresher %.1f %% of a core", refreshed.rows_per_second,
                  refreshed.refresher_share * 100.0);

  bench_progress ("ingest: %.0f s at %s rows/s with a refresher every %.0f s ...",
                  options->paced_seconds, paced_rate, options->refresh_interval);
  if (!run_ingest (bench, pools, options->paced_rate, options->paced_seconds, TRUE, &paced, error))
    goto out;
  bench_progress ("ingest: %.0f rows/s, refresher %.1f %% of a core", paced.rows_per_second,
                  paced.refresher_share * 100.0);

  if (!catch_up (bench->conn, error))
    goto out;

  json_builder_set_member_name (bench->json, "ingest");
  json_builder_begin_object (bench->json);
  bench_json_int (bench->json, "connections", options->connections);
  bench_json_int (bench->json, "rows_per_insert", options->batch_rows);
  bench_json_double (bench->json, "refresh_interval_s", options->refresh_interval);
  json_ingest (bench->json, "max_without_refresher", &plain, 0.0);
  json_ingest (bench->json, "max_with_refresher", &refreshed, 0.0);
  json_ingest (bench->json, "paced_with_refresher", &paced, options->paced_rate);
  bench_json_double (bench->json, "refresher_share_target", 0.10);
  bench_json_bool (bench->json, "refresher_share_met", paced.refresher_share <= 0.10);
  json_builder_end_object (bench->json);

  g_string_append_printf (bench->table,
                          "\n5. Ingest: multi-row INSERT of %d rows, %d connections, refresher "
                          "every %.0f s (synchronous_commit as the server has it)\n",
                          options->batch_rows, options->connections, options->refresh_interval);
  table_ingest (bench, "as fast as possible, no refresher", &plain);
  table_ingest (bench, "as fast as possible, with the refresher", &refreshed);
  paced_label = g_strdup_printf ("paced at %s rows/s, with the refresher", paced_rate);
  table_ingest (bench, paced_label, &paced);
  lag = tg_format_count (paced.lag_rows);
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

