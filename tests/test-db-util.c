/* test-db-util.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The blocking helpers of src/db/tg-db-util.c against the real test cluster: sessions
 * bounded in their waits unless someone chose otherwise, messages without PL/pgSQL
 * context when a session dies inside a function, and what became of a transaction
 * whose commit was never heard.
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-test-db.h"

static char *
show (PGconn     *conn,
      const char *setting)
{
  g_autofree char *sql = g_strdup_printf ("SHOW %s", setting);

  return tg_test_conn_scalar (conn, sql);
}

/* The bounds apply where nobody set a timeout; the conninfo's options and the role's
 * settings are kept, even 0.
 */
static void
test_bounded (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *role = tg_test_unique_name ("tgbounded");
  g_autofree char *sql = NULL;
  g_autofree char *conninfo = NULL;

  if (db == NULL)
    return;

  {
    g_autoptr(PGconn) conn = tg_db_connect_bounded (db->conninfo, "tollgate-tests",
                                                    TG_DB_LOCK_TIMEOUT_MS,
                                                    TG_DB_LONG_STATEMENT_MS, &error);
    g_autofree char *lock = NULL;
    g_autofree char *statement = NULL;

    g_assert_no_error (error);
    lock = show (conn, "lock_timeout");
    statement = show (conn, "statement_timeout");
    g_assert_cmpstr (lock, ==, "10s");
    g_assert_cmpstr (statement, ==, "30min");
  }

  /* The conninfo's options win, 0 included: a rebuild longer than half an hour. */
  {
    g_autoptr(PGconn) conn = NULL;
    g_autofree char *lock = NULL;
    g_autofree char *statement = NULL;

    conninfo = g_strdup_printf ("%s options='-c lock_timeout=0 -c statement_timeout=5s'",
                                db->conninfo);
    conn = tg_db_connect_bounded (conninfo, "tollgate-tests", TG_DB_LOCK_TIMEOUT_MS,
                                  TG_DB_LONG_STATEMENT_MS, &error);
    g_assert_no_error (error);
    lock = show (conn, "lock_timeout");
    statement = show (conn, "statement_timeout");
    g_assert_cmpstr (lock, ==, "0");
    g_assert_cmpstr (statement, ==, "5s");
  }

  /* So does a DBA's setting for the role. */
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN; ALTER ROLE %s SET statement_timeout = '7s'",
                         role, role);
  tg_test_db_exec (db, sql);
  {
    g_autoptr(PGconn) conn = NULL;
    g_autofree char *lock = NULL;
    g_autofree char *statement = NULL;

    g_clear_pointer (&conninfo, g_free);
    conninfo = tg_test_db_conninfo_as (db, role);
    conn = tg_db_connect_bounded (conninfo, "tollgate-tests", TG_DB_LOCK_TIMEOUT_MS,
                                  TG_DB_LONG_STATEMENT_MS, &error);
    g_assert_no_error (error);
    lock = show (conn, "lock_timeout");
    statement = show (conn, "statement_timeout");
    g_assert_cmpstr (lock, ==, "10s");
    g_assert_cmpstr (statement, ==, "7s");
  }
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", role);
  tg_test_db_exec (db, sql);

  /* A plain connection keeps the server's. */
  {
    g_autoptr(PGconn) conn = tg_db_connect (db->conninfo, "tollgate-tests", &error);
    g_autofree char *lock = NULL;

    g_assert_no_error (error);
    lock = show (conn, "lock_timeout");
    g_assert_cmpstr (lock, ==, "0");
  }
}

/* A session terminated while it runs a PL/pgSQL function: libpq has only its own text,
 * which used to carry the function's CONTEXT lines. The message is now the server's
 * reason on one line, and the code says the connection is gone. Forced: the function
 * waits for a lock the test holds until it is seen waiting.
 */
static void
test_lost_in_function (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(PGconn) victim = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgvictim");
  g_autofree char *terminate = NULL;
  PGresult *result;
  PGresult *last = NULL;

  if (db == NULL)
    return;

  victim = tg_db_connect (db->conninfo, application_name, &error);
  g_assert_no_error (error);

  tg_test_db_exec (db, "SELECT pg_advisory_lock (4242)");
  g_assert_cmpint (PQsendQuery (victim, "DO $$ BEGIN\n"
                                        "  PERFORM pg_advisory_lock (4242);\n"
                                        "END $$"), ==, 1);
  tg_test_wait_for_lock_waits (db, application_name, 1);
  terminate = g_strdup_printf ("SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                               "WHERE application_name = '%s'", application_name);
  g_free (tg_test_db_scalar (db, terminate));

  while ((result = PQgetResult (victim)) != NULL)
    {
      g_clear_pointer (&last, PQclear);
      last = result;
    }
  g_assert_nonnull (last);
  g_assert_cmpint (PQresultStatus (last), ==, PGRES_FATAL_ERROR);

  tg_db_set_error_from_result (&error, victim, last, NULL);
  PQclear (last);
  g_test_message ("Lost: %s", error->message);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECTION_LOST);
  g_assert_cmpstr (error->message, ==, "terminating connection due to administrator command");
  tg_test_db_exec (db, "SELECT pg_advisory_unlock (4242)");
}

/* An error inside a function that the session survives: the primary message, detail and
 * hint, nothing of the function.
 */
static void
test_error_in_function (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  g_assert_false (tg_db_exec (db->conn,
                              "DO $$ BEGIN\n"
                              "  RAISE EXCEPTION 'out of tea' USING DETAIL = 'the pot is empty',\n"
                              "                                     HINT = 'Put the kettle on.';\n"
                              "END $$", &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_cmpstr (error->message, ==, "out of tea (the pot is empty). Hint: Put the kettle on.");
}

static guint64
begin_with_id (PGconn *conn)
{
  g_autofree char *id = NULL;

  g_assert_true (tg_db_exec (conn, "BEGIN", NULL));
  id = tg_test_conn_scalar (conn, "SELECT pg_current_xact_id ()");
  return g_ascii_strtoull (id, NULL, 10);
}

static TgDbTransactionStatus
status_of (TgTestDb *db,
           guint64   transaction_id)
{
  g_autoptr(GError) error = NULL;
  TgDbTransactionStatus status;

  g_assert_true (tg_db_get_transaction_status (db->conn, transaction_id, &status, &error));
  g_assert_no_error (error);
  return status;
}

/* What became of a transaction, asked from another session: committed, rolled back,
 * running, and rolled back by a terminated session.
 */
static void
test_transaction_status (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(PGconn) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgxact");
  g_autofree char *terminate = NULL;
  guint64 id;

  if (db == NULL)
    return;

  other = tg_db_connect (db->conninfo, application_name, &error);
  g_assert_no_error (error);

  id = begin_with_id (other);
  g_assert_cmpint (status_of (db, id), ==, TG_DB_TRANSACTION_IN_PROGRESS);
  g_assert_true (tg_db_exec (other, "COMMIT", NULL));
  g_assert_cmpint (status_of (db, id), ==, TG_DB_TRANSACTION_COMMITTED);

  id = begin_with_id (other);
  g_assert_true (tg_db_exec (other, "ROLLBACK", NULL));
  g_assert_cmpint (status_of (db, id), ==, TG_DB_TRANSACTION_ABORTED);

  id = begin_with_id (other);
  terminate = g_strdup_printf ("SELECT pg_terminate_backend (pid, 60000) FROM pg_stat_activity "
                               "WHERE application_name = '%s'", application_name);
  g_free (tg_test_db_scalar (db, terminate));
  g_assert_cmpint (status_of (db, id), ==, TG_DB_TRANSACTION_ABORTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/db-util/bounded", test_bounded);
  g_test_add_func ("/tollgate/db/db-util/lost-in-function", test_lost_in_function);
  g_test_add_func ("/tollgate/db/db-util/error-in-function", test_error_in_function);
  g_test_add_func ("/tollgate/db/db-util/transaction-status", test_transaction_status);

  return g_test_run ();
}
