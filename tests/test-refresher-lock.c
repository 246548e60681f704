/* test-refresher-lock.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The refresher's lock (0009_refresher_lock.sql) and the waits around it: a session that
 * holds it in an open transaction no longer stops every refresh, rebuild and currency
 * change; they fail at once and say who holds it, while refreshers at work still take
 * turns. Then what each caller does with that: tollgatectl exits 1 with the message, the
 * worker tries again at its next tick. And a lock held on something else the refresh
 * needs: tollgatectl gives up after its lock timeout instead of waiting forever.
 *
 * Every interleaving is forced: the test holds the lock (or a row) and sees the other
 * side waiting in pg_stat_activity before it lets go. The guards are against hangs, not
 * timing assertions.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "tg-db-util.h"
#include "tg-test-ctl.h"
#include "tg-test-db.h"
#include "tg-worker.h"

#define REFRESHER_LOCK_SQL "SELECT pg_advisory_xact_lock (hashtext ('tollgate.refresh_rollups'))"
#define GUARD_SECONDS      60

/* A session that holds the refresher's lock in an open transaction, idle: a viewer who
 * typed the statement in psql and went to lunch. Returns its connection; its pid and
 * application name as they are.
 */
static PGconn *
hold_refresher_lock (TgTestDb    *db,
                     const char  *role,
                     const char  *application_name,
                     char       **pid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  PGconn *holder;

  conninfo = role != NULL ? tg_test_db_conninfo_as (db, role) : g_strdup (db->conninfo);
  holder = tg_db_connect (conninfo, application_name, &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (holder, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (holder, REFRESHER_LOCK_SQL));
  *pid = tg_test_conn_scalar (holder, "SELECT pg_backend_pid ()");

  return holder;
}

/* "held by pid 123 (user postgres, application tgholder_…, idle in transaction) since
 * 2026-03-01 12:00:00 UTC": what the refresher says of a holder a caller may see, from
 * pg_stat_activity as the test sees it.
 */
static char *
expected_holder (TgTestDb   *db,
                 const char *pid)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT format ('held by pid %%s (user %%s, application %%s, %%s) since %%s UTC', pid, "
    "               usename, application_name, state, "
    "               to_char (xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')) "
    "FROM pg_stat_activity WHERE pid = %s", pid);

  return tg_test_db_scalar (db, sql);
}

/* A caller that would wait for the lock without 0009: its lock_timeout keeps a test of
 * the old behaviour from hanging, and its error would then not name the holder.
 */
static PGconn *
caller_connect (TgTestDb   *db,
                const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  PGconn *caller;

  conninfo = role != NULL ? tg_test_db_conninfo_as (db, role) : g_strdup (db->conninfo);
  caller = tg_db_connect (conninfo, "tollgate-tests-caller", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (caller, "SET lock_timeout = '10s'", NULL));

  return caller;
}

/* The lock held idle in a transaction: refresh_rollups() and recompute_rollups() fail at
 * once with lock_not_available, naming the holder and since when, with a hint.
 */
static void
test_idle_holder (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) holder = NULL;
  g_autoptr(PGconn) caller = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgholder");
  g_autofree char *pid = NULL;
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  const char * const calls[] = {
    "SELECT tollgate.refresh_rollups ()",
    "SELECT tollgate.recompute_rollups ('2026-01-01 00:00+00')",
  };

  if (db == NULL)
    return;

  holder = hold_refresher_lock (db, NULL, application_name, &pid);
  who = expected_holder (db, pid);
  expected = g_strdup_printf ("the refresher is busy: %s.", who);
  caller = caller_connect (db, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_false (tg_db_exec (caller, calls[i], &error));
      g_test_message ("%s: %s", calls[i], error->message);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_BUSY);
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_assert_nonnull (strstr (error->message, "Hint: The rollups are refreshed once that "
                                                "transaction ends"));
      /* The message is the server's primary text and hint, no PL/pgSQL context. */
      g_assert_null (strstr (error->message, "PL/pgSQL"));
      g_clear_error (&error);
    }

  /* Once the holder is done, the refresher runs again. */
  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  g_assert_true (tg_db_exec (caller, calls[0], &error));
  g_assert_no_error (error);
}

/* What the refresher may say of the holder depends on who asks, as pg_stat_activity
 * does: the state and since when only to members of the holder's role.
 */
static void
test_visibility (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) holder = NULL;
  g_autoptr(PGconn) caller = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *viewer = tg_test_unique_name ("tgviewer");
  g_autofree char *application_name = tg_test_unique_name ("tgholder");
  g_autofree char *pid = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *who = NULL;
  g_autofree char *shown = NULL;

  if (db == NULL)
    return;

  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", viewer);
  tg_test_db_exec (db, sql);

  /* A superuser's session, seen by a viewer: who, not what or since when. */
  holder = hold_refresher_lock (db, NULL, application_name, &pid);
  caller = caller_connect (db, viewer);
  hidden = g_strdup_printf ("the refresher is busy: held by pid %s (user postgres, "
                            "application %s).", pid, application_name);
  g_assert_false (tg_db_exec (caller, "SELECT tollgate.refresh_rollups ()", &error));
  g_test_message ("Seen by a viewer: %s", error->message);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, hidden));
  g_assert_null (strstr (error->message, "since"));
  g_clear_error (&error);
  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  g_clear_pointer (&holder, PQfinish);
  g_clear_pointer (&pid, g_free);

  /* The viewer's own other session: everything. */
  holder = hold_refresher_lock (db, viewer, application_name, &pid);
  who = expected_holder (db, pid);
  shown = g_strdup_printf ("the refresher is busy: %s.", who);
  g_assert_false (tg_db_exec (caller, "SELECT tollgate.refresh_rollups ()", &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, shown));
  g_clear_error (&error);
  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  g_clear_pointer (&holder, PQfinish);
  g_clear_pointer (&caller, PQfinish);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", viewer);
  tg_test_db_exec (db, sql);
}

/* A holder at work — another refresher, blocked on a row the test holds — is waited for:
 * refreshers take turns, and the second sees what the first committed. With a
 * lock_timeout shorter than the holder's work, the caller gives up and says so.
 */
static void
test_turns (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) locker = NULL;
  g_autoptr(PGconn) first = NULL;
  g_autoptr(PGconn) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_name = tg_test_unique_name ("tgfirst");
  g_autofree char *second_name = tg_test_unique_name ("tgsecond");
  g_autofree char *first_pid = NULL;
  g_autofree char *expected = NULL;
  PGresult *result;
  gboolean answered = FALSE;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "INSERT INTO tollgate.api_usage_tracking "
                       "  (api_provider, api_endpoint, request_type, response_status) "
                       "SELECT 'here', '/v1/geocode', 'geocode', 200 FROM generate_series (1, 40)");

  locker = tg_db_connect (db->conninfo, "tollgate-tests-locker", &error);
  g_assert_no_error (error);
  first = tg_db_connect (db->conninfo, first_name, &error);
  g_assert_no_error (error);
  second = tg_db_connect (db->conninfo, second_name, &error);
  g_assert_no_error (error);
  first_pid = tg_test_conn_scalar (first, "SELECT pg_backend_pid ()");

  /* The first refresher takes the lock and then waits for the row the locker holds:
   * it is at work ("active"), holding the refresher's lock.
   */
  g_assert_true (tg_db_exec (locker, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (locker, "SELECT last_id FROM tollgate.rollup_state FOR UPDATE"));
  g_assert_cmpint (PQsendQuery (first, "SELECT rows_added FROM tollgate.refresh_rollups ()"), ==, 1);
  tg_test_wait_for_lock_waits (db, first_name, 1);

  /* A caller whose lock_timeout runs out first is told who is at work. */
  expected = g_strdup_printf ("the refresher is busy: held by pid %s (user postgres, "
                              "application %s, active) since ", first_pid, first_name);
  g_assert_true (tg_db_exec (second, "SET lock_timeout = 100", NULL));
  g_assert_false (tg_db_exec (second, "SELECT tollgate.refresh_rollups ()", &error));
  g_test_message ("Gave up on a refresher at work: %s", error->message);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Hint: It is still at work"));
  g_clear_error (&error);

  /* One without a lock_timeout waits its turn… */
  g_assert_true (tg_db_exec (second, "SET lock_timeout = 0", NULL));
  g_assert_cmpint (PQsendQuery (second, "SELECT rows_added FROM tollgate.refresh_rollups ()"), ==, 1);
  tg_test_wait_for_lock_waits (db, second_name, 1);

  /* …and once the first is done, finds nothing left to add. */
  g_assert_true (tg_db_exec (locker, "COMMIT", NULL));
  while ((result = PQgetResult (first)) != NULL)
    {
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "40");
      PQclear (result);
    }
  while ((result = PQgetResult (second)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("The second refresh failed: %s", PQresultErrorMessage (result));
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "0");
      answered = TRUE;
      PQclear (result);
    }
  g_assert_true (answered);
}

/* tollgatectl: refresh, recompute and a currency change exit 1 with the holder in the
 * message, and change nothing.
 */
static void
test_tollgatectl (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) holder = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgholder");
  g_autofree char *db_arg = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  const char *commands[][5] = {
    { "refresh", NULL },
    { "refresh", "--recompute", "--from", "2026-01-01", NULL },
    { "settings", "set", "reporting-currency", "GBP", NULL },
  };

  if (db == NULL)
    return;

  db_arg = g_strdup_printf ("--db=%s", db->conninfo);
  holder = hold_refresher_lock (db, NULL, application_name, &pid);
  who = expected_holder (db, pid);
  expected = g_strdup_printf ("tollgatectl: the refresher is busy: %s.", who);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      for (guint j = 0; commands[i][j] != NULL; j++)
        g_ptr_array_add (args, (gpointer)commands[i][j]);
      g_ptr_array_add (args, db_arg);
      g_ptr_array_add (args, NULL);

      status = tg_test_ctl_finish (tg_test_ctl_startv ((const char * const *)args->pdata),
                                   &out, &err);
      g_test_message ("tollgatectl %s: %s", commands[i][0], err);
      g_assert_cmpint (status, ==, 1);
      /* After "Rebuilding…" or "Converting…", where the command says what it starts. */
      g_assert_nonnull (strstr (err, expected));
      g_assert_null (strstr (err, "CONTEXT"));
      g_assert_cmpstr (out, ==, "");
    }

  /* The currency change changed nothing: neither the setting nor the rollups. */
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count (*) FROM tollgate.settings "
                                              "WHERE key = 'reporting-currency' "
                                              "  AND value = 'EUR'"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count (*) FROM tollgate.rollup_state "
                                              "WHERE reporting_currency = 'EUR'"), ==, 0);
}

/* Something else the refresh needs, held in an open transaction (the rollup state's
 * row): tollgatectl waits for it its lock timeout at most, 10 s, and says why it gave
 * up. The test only sees that it ends, and how.
 */
static void
test_tollgatectl_lock_timeout (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) locker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgrefresh");
  g_autofree char *db_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  TgTestCtl *ctl;

  if (db == NULL)
    return;

  locker = tg_db_connect (db->conninfo, "tollgate-tests-locker", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (locker, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (locker, "SELECT last_id FROM tollgate.rollup_state FOR UPDATE"));

  db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, application_name);
  ctl = tg_test_ctl_start ("refresh", db_arg, NULL);
  tg_test_wait_for_lock_waits (db, application_name, 1);

  g_assert_cmpint (tg_test_ctl_finish (ctl, &out, &err), ==, 1);
  g_test_message ("tollgatectl refresh: %s", err);
  g_assert_true (g_str_has_prefix (err, "tollgatectl: canceling statement due to lock timeout"));
  g_assert_null (strstr (err, "CONTEXT"));
  g_assert_true (tg_db_exec (locker, "COMMIT", NULL));
}

/* The worker */

static gboolean
guard_expired_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default context until @condition holds; a ticker re-checks conditions on
 * the database. */
#define iterate_until(condition)                                                         \
  G_STMT_START                                                                           \
  {                                                                                      \
    gboolean expired_ = FALSE;                                                           \
    guint guard_ = g_timeout_add_seconds (GUARD_SECONDS, guard_expired_cb, &expired_);   \
    guint tick_ = g_timeout_add (20, tick_cb, NULL);                                     \
                                                                                         \
    gboolean held_ = FALSE;  /* condition read once a turn */                            \
    while (!(held_ = (condition)) && !expired_)                                          \
      g_main_context_iteration (NULL, TRUE);                                             \
    if (!expired_)                                                                       \
      g_source_remove (guard_);                                                          \
    g_source_remove (tick_);                                                             \
    if (!held_)                                                                          \
      g_error ("%s:%d: gave up after %d s waiting for: %s", __FILE__, __LINE__,          \
               GUARD_SECONDS, #condition);                                               \
  }                                                                                      \
  G_STMT_END

typedef struct
{
  guint  n_refreshes;
  gint64 rows;
} Refreshes;

static void
refreshed_cb (TgWorker  *worker,
              gint64     rows,
              gint64     last_id,
              Refreshes *refreshes)
{
  refreshes->n_refreshes++;
  refreshes->rows += rows;
}

/* Whether the worker's session has come back from a refresh: idle, its last statement
 * the refresher's. Stuck waiting for the lock, it would stay "active" in it.
 */
static gboolean
worker_refresh_returned (TgTestDb *db)
{
  return tg_test_db_scalar_int (db,
    "SELECT count (*) FROM pg_stat_activity "
    "WHERE datname = current_database () AND application_name = 'tollgate-worker' "
    "  AND state = 'idle' AND query LIKE '%refresh_rollups%'") > 0;
}

/* The periodic refresher meets the lock held idle: its refresh comes back busy at once,
 * quietly, and it goes on ticking; once the lock is free the next tick refreshes.
 */
static void
test_worker (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) holder = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgholder");
  g_autofree char *pid = NULL;
  Refreshes refreshes = { 0 };
  TgWorker *worker;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "INSERT INTO tollgate.api_usage_tracking "
                       "  (api_provider, api_endpoint, request_type, response_status) "
                       "SELECT 'here', '/v1/geocode', 'geocode', 200 FROM generate_series (1, 25)");
  holder = hold_refresher_lock (db, NULL, application_name, &pid);

  worker = tg_worker_new (db->conninfo);
  tg_worker_set_refresh_interval_ms (worker, 50);
  g_signal_connect (worker, "refreshed", G_CALLBACK (refreshed_cb), &refreshes);
  tg_worker_start (worker);

  iterate_until (tg_worker_get_role (worker) == TG_WORKER_ROLE_REFRESHER);
  iterate_until (worker_refresh_returned (db));
  g_assert_cmpuint (refreshes.n_refreshes, ==, 0);
  g_assert_cmpint (tg_worker_get_role (worker), ==, TG_WORKER_ROLE_REFRESHER);
  g_assert_true (tg_worker_get_running (worker));

  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  iterate_until (refreshes.rows == 25);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT sum (calls) FROM tollgate.usage_rollup_15m"),
                   ==, 25);

  tg_worker_stop (worker);
  iterate_until (!tg_worker_get_running (worker));
  g_assert_finalize_object (worker);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/refresher-lock/idle-holder", test_idle_holder);
  g_test_add_func ("/tollgate/db/refresher-lock/visibility", test_visibility);
  g_test_add_func ("/tollgate/db/refresher-lock/turns", test_turns);
  g_test_add_func ("/tollgate/db/refresher-lock/tollgatectl", test_tollgatectl);
  g_test_add_func ("/tollgate/db/refresher-lock/tollgatectl-lock-timeout",
                   test_tollgatectl_lock_timeout);
  g_test_add_func ("/tollgate/db/refresher-lock/worker", test_worker);

  return g_test_run ();
}
