/* tg-ctl-simulate.c — tollgatectl simulate (--history DAYS | --live)
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "tg-ctl-common.h"
#include "tg-ctl-session.h"
#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-simulate-queries.h"
#include "tg-time-bucket.h"
#include "tg-traffic-model.h"
#include "tg-usage-writer.h"

/* Live rows go in with one INSERT this often. */
#define LIVE_TICK_MS 100

#define MAX_HISTORY_DAYS 3660

typedef struct
{
  gboolean  json;
  guint64   seed;
  gint64    started;      /* monotonic µs */
  guint64   rows;
  guint64   calls;
  guint     skipped_days; /* history: written by an earlier run of the same options */
  guint     outages;      /* live: connections lost and made again */
} Totals;

static char *
format_day (gint64 day)
{
  int year, month, mday;

  tg_traffic_day_to_date (day, &year, &month, &mday);
  return g_strdup_printf ("%04d-%02d-%02d", year, month, mday);
}

/* --end: a strict YYYY-MM-DD (tg_time_bucket_parse_date()), so one of the supported
 * dates, which begin in 1970 as the model's day numbers do.
 */
static gboolean
parse_end (const char  *text,
           gint64      *day,
           GError     **error)
{
  GDate date;

  if (!tg_time_bucket_parse_date (text, &date, error))
    return FALSE;

  *day = tg_traffic_day_from_date (g_date_get_year (&date), g_date_get_month (&date),
                                   g_date_get_day (&date));
  return TRUE;
}

static gboolean
parse_seed (const char *text,
            guint64    *seed)
{
  g_autoptr(GError) error = NULL;

  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, seed, &error);
}

static void
print_summary (const char *mode,
               Totals     *totals,
               const char *from,
               const char *to,
               guint       n_days,
               gboolean    clipped)
{
  double seconds = (g_get_monotonic_time () - totals->started) / (double)G_USEC_PER_SEC;
  double rows_per_second = seconds > 0 ? totals->rows / seconds : 0.0;
  double calls_per_second = seconds > 0 ? totals->calls / seconds : 0.0;

  if (totals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "mode", mode);
      tg_ctl_json_add_int (builder, "seed", (gint64)totals->seed);
      if (from != NULL)
        {
          tg_ctl_json_add_string (builder, "from", from);
          tg_ctl_json_add_string (builder, "to", to);
          tg_ctl_json_add_int (builder, "days", n_days);
          json_builder_set_member_name (builder, "stopped_at_now");
          json_builder_add_boolean_value (builder, clipped);
          tg_ctl_json_add_int (builder, "skipped_days", totals->skipped_days);
        }
      tg_ctl_json_add_int (builder, "rows", (gint64)totals->rows);
      tg_ctl_json_add_int (builder, "calls", (gint64)totals->calls);
      if (from == NULL)
        tg_ctl_json_add_int (builder, "outages", totals->outages);
      /* Whole numbers: JSON doubles would print as 1.1519999999999999. */
      tg_ctl_json_add_int (builder, "milliseconds", (gint64)round (seconds * 1000.0));
      tg_ctl_json_add_int (builder, "rows_per_second", (gint64)round (rows_per_second));
      tg_ctl_json_add_int (builder, "calls_per_second", (gint64)round (calls_per_second));
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autofree char *rows = tg_format_count ((gint64)totals->rows);
      g_autofree char *calls = tg_format_count ((gint64)totals->calls);

      if (from != NULL)
        g_print ("Simulated %u day%s, %s to %s (UTC), seed %" G_GUINT64_FORMAT "%s\n",
                 n_days, n_days == 1 ? "" : "s", from, to, totals->seed,
                 clipped ? "; stopped at the current time" : "");
      else
        g_print ("Simulated live traffic, seed %" G_GUINT64_FORMAT "\n", totals->seed);
      if (totals->skipped_days > 0)
        g_print ("%u of them written by another run of these options, left as they were\n",
                 totals->skipped_days);
      g_print ("%s rows, %s calls in %.2f s: %.0f rows/s, %.0f calls/s\n",
               rows, calls, seconds, rows_per_second, calls_per_second);
      if (totals->outages > 0)
        g_print ("The connection was lost %u time%s; the rows are those the database holds.\n",
                 totals->outages, totals->outages == 1 ? "" : "s");
    }
}

static void
report_progress (Totals  *totals,
                 guint64  n_rows,
                 gint64   day,
                 guint    done,
                 guint    n_days)
{
  double seconds = (g_get_monotonic_time () - totals->started) / (double)G_USEC_PER_SEC;
  g_autofree char *date = format_day (day);
  g_autofree char *rows = tg_format_count ((gint64)n_rows);
  gboolean tty = isatty (STDERR_FILENO);

  g_printerr ("%s%u of %u days (to about %s), %s rows, %.0f rows/s%s",
              tty ? "\r" : "", done, n_days, date, rows,
              seconds > 0 ? n_rows / seconds : 0.0, tty ? "\033[K" : "\n");
}

static gboolean
prepare (PGconn          *conn,
         TgTrafficModel  *model,
         gint64           from,
         gint64           to,
         GError         **error)
{
  const TgTrafficUser *users;
  guint n_users;

  if (!tg_usage_writer_check_schema (conn, error))
    return FALSE;

  users = tg_traffic_model_get_users (model, &n_users);
  if (!tg_usage_writer_write_population (conn, users, n_users, error))
    return FALSE;

  return tg_usage_writer_ensure_partitions (conn, from, to, error);
}

/* ---- history ----------------------------------------------------------------------- */

/* A history run writes each day in a transaction of its own that also records the day in
 * tollgate.simulate_progress (src/db/tg-simulate-queries.c), so whatever stops it, every
 * day is in whole or not at all, the command can say which, and running it again with
 * the same options writes only what is missing: the same rows as a run that never
 * stopped, whatever --jobs and however many reruns. Before anything is written it checks
 * that the session may do all of it, so that a role that could not finish does not start.
 */

/* What became of one day of the range. */
typedef enum
{
  DAY_TO_WRITE,     /* not written (yet) */
  DAY_WRITTEN,      /* committed by this run */
  DAY_WAS_WRITTEN,  /* by another run of the same options, before or meanwhile: left */
  DAY_IN_DOUBT,     /* the connection was lost during its COMMIT */
  DAY_FUTURE,       /* starts after the run started: a later run writes it */
} DayState;

/* The days are shared by the connections' threads: each takes the next day not taken yet
 * until none is left, so the servers work in parallel (one core each) while the days,
 * independent of each other, stay the same whoever writes them.
 */
typedef struct
{
  TgTrafficModel *model;       /* read-only while workers run */
  TgSimulateRun   key;
  gint64          now;         /* history stops here */
  gint64         *resume_from; /* per day: where its rows go on (its start when none are in) */
  DayState       *states;      /* per day: written by the worker that took it */
  gint            next_day;    /* atomic */
  gint            days_done;   /* atomic */
  gint            failed;      /* atomic */
  gint            running;     /* atomic: workers not finished */
  GMutex          lock;
  guint64         rows;        /* under lock: written by this run */
  guint64         calls;       /* under lock */
  GError         *error;       /* under lock: the first failure */
  guint           int_id;      /* main thread: the signal handlers */
  guint           term_id;
} HistoryRun;

typedef struct
{
  HistoryRun    *run;
  PGconn        *conn;
  GThread       *thread;
} HistoryWorker;

static void
history_fail (HistoryRun *run,
              GError     *error)
{
  g_mutex_lock (&run->lock);
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&run->lock);
  g_atomic_int_set (&run->failed, 1);
}

/* Writes what is missing of day @d of the range in one transaction; FALSE with @error set
 * when that failed, and then nothing of it is in (or, DAY_IN_DOUBT, maybe all of it).
 */
static gboolean
history_write_day (HistoryRun     *run,
                   PGconn         *conn,
                   TgUsageWriter  *writer,
                   guint           d,
                   GError        **error)
{
  gint64 day_number = run->key.first_day + d;
  g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (run->model, day_number);
  guint n_rows = tg_traffic_day_get_n_rows (day);
  TgSimulatePiece piece = { 0 };
  gboolean claimed = FALSE;
  gboolean in_doubt = FALSE;
  TgTrafficRow row;

  piece.day = day_number;
  piece.from = run->resume_from[d];
  piece.until = MIN ((day_number + 1) * TG_TRAFFIC_USEC_PER_DAY, run->now);

  if (!tg_simulate_piece_begin (conn, error))
    return FALSE;
  if (!tg_usage_writer_copy_begin (writer, error))
    goto abort;

  /* The day's rows come in time order: the piece is a run of them. */
  for (guint i = 0; i < n_rows; i++)
    {
      tg_traffic_day_get_row (day, i, &row);
      if (row.created_at < piece.from)
        continue;
      if (row.created_at >= piece.until)
        break;

      if (!tg_usage_writer_copy_row (writer, &row, error))
        goto abort;
      piece.rows++;
      piece.calls += row.call_count;
    }
  if (!tg_usage_writer_copy_end (writer, error))
    goto abort;

  if (!tg_simulate_piece_commit (conn, &run->key, &piece, &claimed, &in_doubt, error))
    {
      if (in_doubt)
        run->states[d] = DAY_IN_DOUBT;
      return FALSE;
    }

  /* Another run of the same options wrote it since this one read the progress: this
   * one's copy was rolled back.
   */
  if (!claimed)
    {
      run->states[d] = DAY_WAS_WRITTEN;
      g_atomic_int_inc (&run->days_done);
      return TRUE;
    }

  run->states[d] = DAY_WRITTEN;
  g_mutex_lock (&run->lock);
  run->rows += piece.rows;
  run->calls += piece.calls;
  g_mutex_unlock (&run->lock);
  g_atomic_int_inc (&run->days_done);

  return TRUE;

abort:
  tg_usage_writer_copy_abort (writer);
  tg_simulate_piece_abort (conn);
  return FALSE;
}

/* Takes days until none is left or a connection failed; a day under way when another
 * connection fails is finished, and said to be written.
 */
static gpointer
history_work (gpointer data)
{
  HistoryWorker *worker = data;
  HistoryRun *run = worker->run;
  g_autoptr(TgUsageWriter) writer = tg_usage_writer_new (worker->conn);
  g_autoptr(GError) error = NULL;

  while (!g_atomic_int_get (&run->failed))
    {
      guint d = (guint)g_atomic_int_add (&run->next_day, 1);

      if (d >= run->key.n_days)
        break;

      if (run->states[d] != DAY_TO_WRITE)
        {
          g_atomic_int_inc (&run->days_done);
          continue;
        }

      if (!history_write_day (run, worker->conn, writer, d, &error))
        {
          history_fail (run, g_steal_pointer (&error));
          break;
        }
    }

  g_atomic_int_dec_and_test (&run->running);
  return NULL;
}

/* The first SIGINT or SIGTERM: no new day is started. Both handlers go, so that GLib
 * gives the signals back their default action.
 */
static gboolean
history_signal (gpointer user_data)
{
  HistoryRun *run = user_data;

  history_fail (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          "Interrupted; the days under way were finished"));
  g_clear_handle_id (&run->int_id, g_source_remove);
  g_clear_handle_id (&run->term_id, g_source_remove);
  return G_SOURCE_REMOVE;
}

/* "2025-01-27..2025-01-31, 2025-02-02": the days of the range in @state, as runs. */
static guint
append_days (GString          *text,
             const HistoryRun *run,
             DayState          state)
{
  guint n = 0;

  for (guint d = 0; d < run->key.n_days; d++)
    {
      g_autofree char *start = NULL;
      guint e;

      if (run->states[d] != state)
        continue;

      for (e = d; e + 1 < run->key.n_days && run->states[e + 1] == state; e++)
        ;
      start = format_day (run->key.first_day + d);
      g_string_append_printf (text, "%s%s", n > 0 ? ", " : "", start);
      if (e > d)
        {
          g_autofree char *last = format_day (run->key.first_day + e);

          g_string_append_printf (text, "..%s", last);
        }
      n += e - d + 1;
      d = e;
    }

  return n;
}

/* Refuses a run the session could not finish, before it writes anything, naming each
 * right it lacks and who has it.
 */
static int
fail_missing_rights (PGconn    *conn,
                     GPtrArray *missing)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *owner = NULL;
  gboolean migrate = FALSE;

  g_string_append_printf (text, "%s may not write simulated history, so nothing was written. "
                                "It lacks:", PQuser (conn));

  for (guint i = 0; i < missing->len; i++)
    {
      const TgSimulateMissingRight *right = g_ptr_array_index (missing, i);

      if (!right->exists)
        {
          g_string_append_printf (text, "\n  %s on %s, which the schema does not have yet",
                                  right->privilege, right->object);
          migrate = TRUE;
          continue;
        }

      g_string_append_printf (text, "\n  %s on %s, held by ", right->privilege, right->object);
      if (right->grantees != NULL)
        g_string_append_printf (text, "%s and ", right->grantees);
      g_string_append_printf (text, "its owner %s", right->owner);
      owner = right->owner;
    }

  if (migrate)
    g_string_append (text, "\nRun “tollgatectl migrate” to bring the schema up to date.");
  if (owner != NULL)
    g_string_append_printf (text, "\nRun it as %s (the role that owns the schema's tables), or "
                                  "have %s grant %s these rights.", owner, owner, PQuser (conn));

  return tg_ctl_fail (g_error_new_literal (TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED, text->str));
}

/* What a run that failed leaves behind, in the words of the error: which days are in,
 * which are not, and the command that finishes it.
 */
static void
history_explain_failure (GError           *error,
                         const HistoryRun *run,
                         const char       *rerun)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) days = g_string_new (NULL);
  g_autofree char *rows = tg_format_count ((gint64)run->rows);
  g_autofree char *old_message = NULL;
  guint n_written, n_before, n_doubt, n_missing;

  /* Only called once the population is in: its rows are there whatever else failed. */
  g_string_append (text, "\nThe simulated users, features and cost centres are in; a rerun "
                         "leaves them as they are.");

  n_written = append_days (days, run, DAY_WRITTEN);
  if (n_written > 0)
    g_string_append_printf (text, "\n%s: written by this run (%s rows), kept.", days->str, rows);

  g_string_truncate (days, 0);
  n_before = append_days (days, run, DAY_WAS_WRITTEN);
  if (n_before > 0)
    g_string_append_printf (text, "\n%s: written by another run of these options, left as "
                                  "they were.", days->str);

  g_string_truncate (days, 0);
  n_doubt = append_days (days, run, DAY_IN_DOUBT);
  if (n_doubt > 0)
    g_string_append_printf (text, "\n%s: the connection was lost while committing; "
                                  "in whole or not at all.", days->str);

  g_string_truncate (days, 0);
  n_missing = append_days (days, run, DAY_TO_WRITE);
  if (n_missing > 0)
    g_string_append_printf (text, "\n%s: not written.", days->str);

  if (n_written + n_before + n_doubt == 0)
    g_string_append (text, "\nNo day of the history was written.");

  g_string_append_printf (text, "\nRerun with the same --db to finish; it writes only the days "
                                "not written:\n  %s", rerun);

  old_message = error->message;
  error->message = g_strconcat (old_message, text->str, NULL);
}

static int
run_history (TgCtlGlobals   *globals,
             PGconn         *conn,
             TgTrafficModel *model,
             gint64          first_day,
             guint           n_days,
             guint           n_jobs,
             const char     *rerun,
             Totals         *totals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GArray) progress = NULL;
  g_autofree char *from = format_day (first_day);
  g_autofree char *to = format_day (first_day + n_days - 1);
  g_autofree HistoryWorker *workers = NULL;
  g_autofree gint64 *resume_from = g_new0 (gint64, n_days);
  g_autofree DayState *states = g_new0 (DayState, n_days);
  HistoryRun run = { 0 };
  const TgTrafficUser *users;
  gint64 range_start = first_day * TG_TRAFFIC_USEC_PER_DAY;
  gint64 range_end = (first_day + n_days) * TG_TRAFFIC_USEC_PER_DAY;
  guint n_users;
  guint n_reports = 0;
  guint n_to_write = 0;
  gboolean clipped;
  guint n_workers;
  int status = TG_CTL_EXIT_OK;

  run.model = model;
  run.key.seed = tg_traffic_model_get_seed (model);
  run.key.rows_per_day = tg_traffic_model_get_rows_per_day (model);
  run.key.first_day = first_day;
  run.key.n_days = n_days;
  run.now = g_get_real_time ();
  run.resume_from = resume_from;
  run.states = states;
  g_mutex_init (&run.lock);
  clipped = range_end > run.now;

  tg_traffic_model_set_range (model, first_day, n_days);

  /* Nothing is written until the session is known to be able to write all of it. */
  if (!tg_usage_writer_check_schema (conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  missing = tg_simulate_fetch_missing_rights (conn, &error);
  if (missing == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  if (missing->len > 0)
    return fail_missing_rights (conn, missing);

  /* What earlier runs of the same options wrote; days after the start of this run are
   * not history yet.
   */
  progress = tg_simulate_fetch_progress (conn, &run.key, &error);
  if (progress == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  for (guint d = 0; d < n_days; d++)
    {
      resume_from[d] = (first_day + d) * TG_TRAFFIC_USEC_PER_DAY;
      if (resume_from[d] >= run.now)
        states[d] = DAY_FUTURE;
    }
  for (guint i = 0; i < progress->len; i++)
    {
      const TgSimulatePiece *piece = &g_array_index (progress, TgSimulatePiece, i);
      gint64 d = piece->day - first_day;

      if (d < 0 || d >= n_days || states[d] == DAY_FUTURE)
        continue;
      resume_from[d] = piece->until;
      if (piece->until >= MIN ((piece->day + 1) * TG_TRAFFIC_USEC_PER_DAY, run.now))
        states[d] = DAY_WAS_WRITTEN;
    }
  for (guint d = 0; d < n_days; d++)
    n_to_write += states[d] == DAY_TO_WRITE;

  /* The population first (its own transaction; a rerun leaves rows that are there as
   * they are), then the months' partitions, so COPY routes rows straight into them.
   */
  users = tg_traffic_model_get_users (model, &n_users);
  if (!tg_usage_writer_write_population (conn, users, n_users, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if (n_to_write > 0
      && !tg_usage_writer_ensure_partitions (conn, range_start,
                                             MAX (range_start, MIN (range_end, run.now)), &error))
    {
      history_explain_failure (error, &run, rerun);
      return tg_ctl_fail (g_steal_pointer (&error));
    }

  /* No more connections than days to write; every one of them made before any writing
   * starts.
   */
  n_workers = MAX (1, MIN (n_jobs, n_to_write));
  workers = g_new0 (HistoryWorker, n_workers);
  workers[0].conn = conn;
  for (guint i = 1; i < n_workers; i++)
    {
      workers[i].conn = tg_ctl_connect (globals, &error);
      if (workers[i].conn == NULL)
        {
          history_explain_failure (error, &run, rerun);
          status = tg_ctl_fail (g_steal_pointer (&error));
          goto out;
        }
    }

  totals->started = g_get_monotonic_time ();
  run.running = (gint)n_workers;

  for (guint i = 0; i < n_workers; i++)
    {
      workers[i].run = &run;
      workers[i].thread = g_thread_new ("tg-simulate", history_work, &workers[i]);
    }

  /* Ctrl+C or SIGTERM stops the run after the days under way, which then says what it
   * kept; the handlers go after the first signal, so a second one stops it at once (and
   * the days under way are rolled back).
   */
  run.int_id = g_unix_signal_add (SIGINT, history_signal, &run);
  run.term_id = g_unix_signal_add (SIGTERM, history_signal, &run);

  /* Progress while the workers write: a line a second, only for runs that long. */
  for (;;)
    {
      guint done = (guint)g_atomic_int_get (&run.days_done);
      guint64 rows;

      if (g_atomic_int_get (&run.running) == 0)
        break;

      g_usleep (G_USEC_PER_SEC / 20);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (totals->json
          || g_get_monotonic_time () - totals->started < G_USEC_PER_SEC * (n_reports + 1))
        continue;

      g_mutex_lock (&run.lock);
      rows = run.rows;
      g_mutex_unlock (&run.lock);
      report_progress (totals, rows, first_day + MAX (done, 1) - 1, done, n_days);
      n_reports++;
    }

  for (guint i = 0; i < n_workers; i++)
    g_thread_join (workers[i].thread);
  g_clear_handle_id (&run.int_id, g_source_remove);
  g_clear_handle_id (&run.term_id, g_source_remove);

  if (n_reports > 0 && isatty (STDERR_FILENO))
    g_printerr ("\n");

  totals->rows = run.rows;
  totals->calls = run.calls;

  if (run.error != NULL)
    {
      history_explain_failure (run.error, &run, rerun);
      status = tg_ctl_fail (g_steal_pointer (&run.error));
      goto out;
    }

  /* Before this run, or by another one of the same options while it ran. */
  for (guint d = 0; d < n_days; d++)
    totals->skipped_days += states[d] == DAY_WAS_WRITTEN;
  print_summary ("history", totals, from, to, n_days, clipped);

out:
  for (guint i = 1; i < n_workers; i++)
    g_clear_pointer (&workers[i].conn, PQfinish);
  g_mutex_clear (&run.lock);
  return status;
}

/* ---- live -------------------------------------------------------------------------- */

/* A live run writes a batch a tick, each in one transaction, over a session that
 * outlives server restarts (tg-ctl-session.c). Its rows and calls are counted when the
 * server has said the batch's transaction committed, so the summary is what the database
 * holds, whatever happened to the connection:
 *
 *  - a batch whose transaction the server never gave an id was not written: it is sent
 *    again once connected;
 *  - a batch lost after that (while inserting, or while committing: the commit may have
 *    happened and its answer not come back) is in doubt until the new session asks the
 *    server (pg_xact_status()): counted if it committed, sent again if it did not;
 *  - the calls due while the database was away are not made (the simulated platform
 *    could not have recorded them either), so that a long outage is not written as a
 *    burst of rows when it ends.
 */
typedef struct
{
  TgTrafficModel *model;
  TgUsageWriter  *writer;       /* over the session's connection of writer_generation */
  guint           writer_generation;
  TgRandom        rng;
  double          rate;         /* calls per second */
  gint64          call_debt;    /* calls due but not made; negative after a batch row */
  gint64          deadline;     /* real time µs; 0: none */
  gint64          last_tick;    /* real time µs */
  gint64          last_report;  /* monotonic µs */
  gint64          partitioned;  /* real time µs up to which month partitions exist */
  GArray         *batch;        /* TgTrafficRow: made, not yet known to be written */
  guint64         batch_calls;
  guint64         in_doubt;     /* the batch's transaction, when its end was not heard */
  gboolean        skip_outage;  /* a new session: make no calls for the time it was away */
  gboolean        busy;         /* the last write waited for a lock in vain */
  Totals         *totals;
} LiveRun;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const TgTrafficRow *x = a;
  const TgTrafficRow *y = b;

  return (x->created_at > y->created_at) - (x->created_at < y->created_at);
}

/* Makes the calls of (last tick, @now] into the batch: a Poisson number of calls at the
 * rate asked for, so a row standing for a batch of calls counts as all of them.
 */
static void
live_make (LiveRun *run,
           gint64   now)
{
  guint n = 0;

  if (now <= run->last_tick)
    return;

  run->call_debt += tg_random_poisson (&run->rng, run->rate * (now - run->last_tick)
                                                  / (double)G_USEC_PER_SEC);
  g_array_set_size (run->batch, 0);
  run->batch_calls = 0;
  while (run->call_debt > 0)
    {
      gint64 at = tg_random_range (&run->rng, run->last_tick + 1, now + 1);
      TgTrafficRow *row;

      g_array_set_size (run->batch, ++n);
      row = &g_array_index (run->batch, TgTrafficRow, n - 1);
      tg_traffic_model_make_live_row (run->model, &run->rng, at, row);
      run->call_debt -= row->call_count;
      run->batch_calls += row->call_count;
    }
  g_array_sort (run->batch, compare_rows);
  run->last_tick = now;
}

/* The batch is in the database. */
static void
live_count_batch (LiveRun *run)
{
  run->totals->rows += run->batch->len;
  run->totals->calls += run->batch_calls;
  g_array_set_size (run->batch, 0);
  run->batch_calls = 0;
}

/* Asks what became of the batch in doubt. Returns %FALSE with @error when asking failed;
 * the batch stays in doubt while the server still sees its transaction running.
 */
static gboolean
live_resolve (LiveRun  *run,
              PGconn   *conn,
              GError  **error)
{
  TgDbTransactionStatus status;

  if (run->in_doubt == 0)
    return TRUE;

  if (!tg_db_get_transaction_status (conn, run->in_doubt, &status, error))
    return FALSE;

  switch (status)
    {
    case TG_DB_TRANSACTION_COMMITTED:
      run->in_doubt = 0;
      live_count_batch (run);
      break;

    case TG_DB_TRANSACTION_ABORTED:
      /* Not written: the batch goes again. */
      run->in_doubt = 0;
      break;

    case TG_DB_TRANSACTION_IN_PROGRESS:
    default:
      break;
    }

  return TRUE;
}

/* Resolves a batch in doubt, makes the calls up to @now when none wait, and writes them. */
static gboolean
live_write (LiveRun       *run,
            TgCtlSession  *session,
            PGconn        *conn,
            gint64         now,
            GError       **error)
{
  guint generation = tg_ctl_session_get_generation (session);
  guint64 transaction_id = 0;

  /* A writer belongs to its session's connection. */
  if (run->writer == NULL || run->writer_generation != generation)
    {
      run->skip_outage = run->writer != NULL;
      g_clear_pointer (&run->writer, tg_usage_writer_free);
      run->writer = tg_usage_writer_new (conn);
      run->writer_generation = generation;
    }

  if (!live_resolve (run, conn, error))
    return FALSE;
  if (run->in_doubt != 0)
    return TRUE;  /* ask again at the next tick */

  if (run->skip_outage)
    {
      run->last_tick = MAX (run->last_tick, now);
      run->skip_outage = FALSE;
    }

  if (run->batch->len == 0)
    live_make (run, now);

  /* A run longer than the partitions made at its start gets the next month's in time. */
  if (now + TG_TRAFFIC_USEC_PER_HOUR >= run->partitioned)
    {
      if (!tg_usage_writer_ensure_partitions (conn, now, now + TG_TRAFFIC_USEC_PER_DAY, error))
        return FALSE;
      run->partitioned = now + TG_TRAFFIC_USEC_PER_DAY;
    }

  if (run->batch->len == 0)
    return TRUE;

  if (!tg_usage_writer_insert_in_transaction (run->writer,
                                              (const TgTrafficRow *)run->batch->data,
                                              run->batch->len, &transaction_id, error))
    {
      if (transaction_id != 0 && PQstatus (conn) == CONNECTION_BAD)
        run->in_doubt = transaction_id;
      return FALSE;
    }

  live_count_batch (run);
  return TRUE;
}

static TgCtlStep
live_step (TgCtlSession  *session,
           PGconn        *conn,
           gpointer       user_data,
           GError       **error)
{
  LiveRun *run = user_data;
  g_autoptr(GError) local_error = NULL;
  gint64 now = g_get_real_time ();
  gboolean finished = FALSE;

  if (run->deadline > 0 && now >= run->deadline)
    {
      now = run->deadline;
      finished = TRUE;
    }

  if (!live_write (run, session, conn, now, &local_error))
    {
      /* A lock held elsewhere longer than the session's lock timeout (a month's partition
       * being made, someone's LOCK TABLE): the batch was rolled back and goes again at
       * the next tick, as a platform would retry it. */
      if (!g_error_matches (local_error, TG_DB_ERROR, TG_DB_ERROR_BUSY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TG_CTL_STEP_FAILED;
        }
      if (!run->busy)
        g_printerr ("tollgatectl: %s (trying again at every tick)\n", local_error->message);
      run->busy = TRUE;
      return TG_CTL_STEP_AGAIN;
    }
  run->busy = FALSE;

  /* Done once everything made up to the deadline is known to be written. */
  if (finished && run->batch->len == 0 && run->in_doubt == 0)
    return TG_CTL_STEP_DONE;

  if (!run->totals->json && g_get_monotonic_time () - run->last_report >= 10 * G_USEC_PER_SEC)
    {
      g_autofree char *rows = tg_format_count ((gint64)run->totals->rows);

      g_printerr ("live: %s rows so far\n", rows);
      run->last_report = g_get_monotonic_time ();
    }

  return TG_CTL_STEP_AGAIN;
}

/* After a signal: what happened since the last tick, up to the signal, and what became of
 * a batch in doubt — with one attempt to connect during an outage, enough to ask.
 */
static gboolean
live_finish (LiveRun       *run,
             TgCtlSession  *session,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  PGconn *conn = tg_ctl_session_get_conn (session);

  if (conn != NULL && !live_write (run, session, conn, g_get_real_time (), &local_error))
    {
      if (!tg_ctl_session_handle_lost (session))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_error (&local_error);
    }

  if (run->in_doubt != 0)
    {
      if (tg_ctl_session_get_conn (session) == NULL
          && !tg_ctl_session_try_reconnect (session, &local_error))
        g_debug ("Could not connect again to ask about the last write: %s", local_error->message);
      g_clear_error (&local_error);

      conn = tg_ctl_session_get_conn (session);
      if (conn != NULL && !live_resolve (run, conn, &local_error))
        g_debug ("Could not ask about the last write: %s", local_error->message);
    }

  return TRUE;
}

static int
run_live (TgCtlGlobals   *globals,
          PGconn         *conn,
          TgTrafficModel *model,
          double          rate,
          double          duration,
          Totals         *totals)
{
  g_autoptr(TgCtlSession) session = NULL;
  g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (TgTrafficRow));
  g_autoptr(GError) error = NULL;
  LiveRun run = { 0 };
  gint64 now = g_get_real_time ();
  gboolean ok;

  if (!prepare (conn, model, now, now + TG_TRAFFIC_USEC_PER_DAY, &error))
    {
      PQfinish (conn);
      return tg_ctl_fail (g_steal_pointer (&error));
    }

  session = tg_ctl_session_new (globals, conn);

  run.model = model;
  run.partitioned = now + TG_TRAFFIC_USEC_PER_DAY;
  run.rate = rate;
  run.batch = batch;
  run.totals = totals;
  tg_random_init_stream (&run.rng, totals->seed, G_GUINT64_CONSTANT (0x6c697665), 0);

  totals->started = run.last_report = g_get_monotonic_time ();
  run.last_tick = g_get_real_time ();
  if (duration > 0)
    run.deadline = run.last_tick + (gint64)(duration * G_USEC_PER_SEC);

  if (!totals->json)
    g_printerr ("Writing about %g calls a second%s; Ctrl+C stops.\n", rate,
                duration > 0 ? "" : " until interrupted");

  ok = tg_ctl_session_run (session, LIVE_TICK_MS, live_step, &run, &error);
  if (ok && tg_ctl_session_get_interrupted (session))
    ok = live_finish (&run, session, &error);

  g_clear_pointer (&run.writer, tg_usage_writer_free);
  totals->outages = tg_ctl_session_get_n_outages (session);

  if (!ok)
    return tg_ctl_fail (g_steal_pointer (&error));

  print_summary ("live", totals, NULL, NULL, 0, FALSE);

  /* The summary counts what is known to be written; say what is not known. */
  if (run.in_doubt != 0)
    {
      g_autofree char *rows = tg_format_count ((gint64)run.batch->len);

      g_set_error (&error, TG_DB_ERROR, TG_DB_ERROR_CONNECTION_LOST,
                   "The last write (%s rows, transaction %" G_GUINT64_FORMAT ") may or may "
                   "not have committed: the database could not be asked, and the summary "
                   "leaves it out", rows, run.in_doubt);
      return tg_ctl_fail (g_steal_pointer (&error));
    }

  return TG_CTL_EXIT_OK;
}

/* ---- the command ------------------------------------------------------------------- */

/* The numeric options and what each accepts (tg_ctl_parse_number()). A day is generated
 * whole before it is written, so --rows-per-day keeps one within a few hundred MB; live
 * rows go in as a platform writes them, with INSERTs, thousands a second at most; a live
 * run meant to last longer than a year leaves out --duration.
 */
static const TgCtlNumberRange history_range =
  { "--history", 1, MAX_HISTORY_DAYS, FALSE, TRUE, "days" };
static const TgCtlNumberRange jobs_range =
  { "--jobs", 1, 64, FALSE, TRUE, "connections" };
static const TgCtlNumberRange rate_range =
  { "--rate", 0, 1e4, TRUE, FALSE, "calls a second" };
static const TgCtlNumberRange duration_range =
  { "--duration", 0, 366 * 86400, TRUE, FALSE, "seconds" };
static const TgCtlNumberRange rows_per_day_range =
  { "--rows-per-day", 0, 5e6, TRUE, FALSE, "rows" };
static const TgCtlNumberRange scale_range =
  { "--scale", 0, 500, TRUE, FALSE, NULL };

/* Reads @text (when given) into @value; %FALSE with the usage message printed otherwise. */
static gboolean
parse_option (GOptionContext         *context,
              const TgCtlNumberRange *range,
              const char             *text,
              double                 *value)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL || tg_ctl_parse_number (range, text, value, &error))
    return TRUE;

  tg_ctl_usage_error (context, "%s", error->message);
  return FALSE;
}

int
tg_ctl_simulate (TgCtlGlobals  *globals,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(TgTrafficModel) model = NULL;
  g_autofree char *end = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *history_text = NULL;
  g_autofree char *jobs_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *rows_per_day_text = NULL;
  g_autofree char *scale_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *rerun = NULL;
  gboolean live = FALSE;
  double history = 0;
  double jobs = 0;
  double rate = 20.0;
  double duration = 0;
  double rows_per_day = TG_TRAFFIC_DEFAULT_ROWS_PER_DAY;
  double scale = 1.0;
  gint64 end_day;
  guint n_days;
  Totals totals = { 0 };
  GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_STRING, &history_text,
      "Back-fill DAYS days of traffic with COPY", "DAYS" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end,
      "Last day of the history, YYYY-MM-DD in UTC (default: today; never past the current time)",
      "DATE" },
    { "live", 0, 0, G_OPTION_ARG_NONE, &live,
      "Insert calls as they happen, in small batches, until --duration passes or a signal", NULL },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text,
      "Live calls per second (default 20)", "N" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration_text,
      "Stop live traffic after S seconds (default: run until interrupted)", "S" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of the simulation: the same seed and options give the same rows (default: random)",
      "N" },
    { "jobs", 0, 0, G_OPTION_ARG_STRING, &jobs_text,
      "Connections writing history in parallel (default: one per processor, at most 4)", "N" },
    { "rows-per-day", 0, 0, G_OPTION_ARG_STRING, &rows_per_day_text,
      "Mean rows per day of history (default 9300: 90 days hold about a million calls)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale_text,
      "Multiply the default volume of history by F", "F" },
    { NULL }
  };
  int ret;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "Writes realistic simulated traffic into tollgate.api_usage_tracking: six providers in\n"
    "four regions with local daily curves, weekends, error bursts, monthly outages with\n"
    "failover, heavy users and one runaway user. Fills tollgate.users, tollgate.features\n"
    "and tollgate.cost_centres with the population the traffic uses.\n"
    "\n"
    "  tollgatectl simulate --history 90 [--end DATE] [--seed N]\n"
    "  tollgatectl simulate --live [--rate N] [--duration S]");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (history_text != NULL && live)
    return tg_ctl_usage_error (context, "choose one of --history and --live");
  if (history_text == NULL && !live)
    return tg_ctl_usage_error (context, "say what to simulate: --history DAYS or --live");
  if (live && end != NULL)
    return tg_ctl_usage_error (context, "--end applies to --history only");
  if (live && (rows_per_day_text != NULL || scale_text != NULL))
    return tg_ctl_usage_error (context,
                               "--rows-per-day and --scale apply to --history; use --rate");
  if (!live && (rate_text != NULL || duration_text != NULL))
    return tg_ctl_usage_error (context, "--rate and --duration apply to --live only");
  if (live && jobs_text != NULL)
    return tg_ctl_usage_error (context, "--jobs applies to --history only");
  if (rows_per_day_text != NULL && scale_text != NULL)
    return tg_ctl_usage_error (context, "give --rows-per-day or --scale, not both");
  if (!parse_option (context, &history_range, history_text, &history) ||
      !parse_option (context, &jobs_range, jobs_text, &jobs) ||
      !parse_option (context, &rate_range, rate_text, &rate) ||
      !parse_option (context, &duration_range, duration_text, &duration) ||
      !parse_option (context, &rows_per_day_range, rows_per_day_text, &rows_per_day) ||
      !parse_option (context, &scale_range, scale_text, &scale))
    return TG_CTL_EXIT_USAGE;

  if (end != NULL)
    {
      if (!parse_end (end, &end_day, &error))
        return tg_ctl_usage_error (context, "--end: %s", error->message);
    }
  else
    end_day = g_get_real_time () / TG_TRAFFIC_USEC_PER_DAY;

  if (seed_text != NULL)
    {
      if (!parse_seed (seed_text, &totals.seed))
        return tg_ctl_usage_error (context,
                                   "--seed takes a whole number from 0 to %" G_GINT64_FORMAT
                                   ", not “%s”", G_MAXINT64, seed_text);
    }
  else
    {
      /* 53 bits, so that the seed survives a round trip through JSON. */
      totals.seed = (((guint64)g_random_int () << 32) | g_random_int ())
                    & G_GUINT64_CONSTANT (0x1fffffffffffff);
    }
  totals.json = globals->json;

  n_days = (guint)history;
  if (!live && (end_day - n_days + 1) * TG_TRAFFIC_USEC_PER_DAY > g_get_real_time ())
    return tg_ctl_usage_error (context, "--end %s: the whole history would be in the future", end);
  /* Day 0 of the model is 1970-01-01, the first of the supported dates. */
  if (!live && end_day - n_days + 1 < 0)
    {
      g_autofree char *last = format_day (end_day);

      return tg_ctl_usage_error (context, "%u days of history up to %s would begin before "
                                 "the supported dates, " TG_TIME_SUPPORTED_DATES, n_days, last);
    }

  if (scale_text != NULL)
    rows_per_day = TG_TRAFFIC_DEFAULT_ROWS_PER_DAY * scale;

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  model = tg_traffic_model_new (totals.seed, rows_per_day);

  if (live)
    return run_live (globals, g_steal_pointer (&conn), model, rate, duration, &totals);

  if (jobs_text == NULL)
    jobs = CLAMP (g_get_num_processors (), 1, 4);

  /* Everything that decides the rows, spelled out: --end and --seed have defaults that
   * change from run to run. Not --db, which may hold a password.
   */
  end_text = format_day (end_day);
  if (scale_text != NULL)
    volume = g_strdup_printf (" --scale %s", scale_text);
  else if (rows_per_day_text != NULL)
    volume = g_strdup_printf (" --rows-per-day %s", rows_per_day_text);
  rerun = g_strdup_printf ("tollgatectl simulate --history %u --end %s --seed %" G_GUINT64_FORMAT
                           "%s", n_days, end_text, totals.seed, volume != NULL ? volume : "");

  return run_history (globals, conn, model, end_day - n_days + 1, n_days, (guint)jobs,
                      rerun, &totals);
}
