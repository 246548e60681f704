/* tg-test-db.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <unistd.h>

#include "tg-db-util.h"
#include "tg-migrator.h"
#include "tg-test-db.h"

/* Safe to call from several threads: tests that migrate or connect concurrently name
 * their databases and roles from their threads.
 */
char *
tg_test_unique_name (const char *prefix)
{
  static gint counter;

  return g_strdup_printf ("%s_%d_%d_%08x", prefix, (int)getpid (),
                          g_atomic_int_add (&counter, 1) + 1, g_random_int ());
}

/* How long tg_test_wait_for_lock_waits() waits before it gives up with an error. */
#define LOCK_WAIT_GUARD_SECONDS 60

/**
 * tg_test_wait_for_lock_waits:
 * @db: (nullable): the database the sessions are connected to, or %NULL for any
 * @application_name: the application_name of the sessions
 * @n_sessions: how many of them must be waiting
 *
 * Waits until @n_sessions sessions named @application_name wait for a lock (a table's,
 * a row's, an advisory one: pg_stat_activity's wait_event_type "Lock"). Waits to extend
 * a relation do not count: two sessions writing the same table wait for each other's
 * new pages for a moment, and a test that took one for the wait it forced stopped a
 * session still writing elsewhere (/tollgate/db/simulate/resume failed so). A test that
 * holds a lock and waits here knows the other sides have reached it and are blocked:
 * the interleaving it wants has happened, not merely been hoped for. Gives up with an
 * error after LOCK_WAIT_GUARD_SECONDS, which is a guard against a hang, not a timing
 * assertion.
 */
void
tg_test_wait_for_lock_waits (TgTestDb   *db,
                             const char *application_name,
                             guint       n_sessions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) watch = tg_db_connect ("dbname=postgres", "tollgate-tests-watch", &error);
  const char *params[] = { application_name, db != NULL ? db->name : NULL };
  gint64 deadline = g_get_monotonic_time () + LOCK_WAIT_GUARD_SECONDS * G_USEC_PER_SEC;
  gint64 waiting = 0;

  g_assert_no_error (error);

  for (;;)
    {
      g_autoptr(PGresult) result = NULL;

      result = tg_db_query (watch,
                            "SELECT count(*) FROM pg_catalog.pg_stat_activity "
                            "WHERE application_name = $1 AND wait_event_type = 'Lock' "
                            "  AND wait_event <> 'extend' "
                            "  AND ($2::text IS NULL OR datname = $2)",
                            2, params, &error);
      g_assert_no_error (error);
      waiting = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      if (waiting >= n_sessions)
        return;

      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %d s waiting for %u sessions of %s to wait for a lock "
                 "(%" G_GINT64_FORMAT " do)", LOCK_WAIT_GUARD_SECONDS, n_sessions,
                 application_name, waiting);

      /* The other side is another process or thread: nothing to iterate meanwhile. */
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

/**
 * tg_test_db_new:
 * @migrate: whether to apply every migration
 *
 * Returns: (nullable): a new database, or %NULL when PostgreSQL is not available
 *   outside the wrapper (the test is then marked skipped and should return)
 */
TgTestDb *
tg_test_db_new (gboolean migrate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = NULL;
  g_autofree char *create = NULL;
  TgTestDb *db;

  admin = tg_db_connect ("dbname=postgres", "tollgate-tests", &error);
  if (admin == NULL)
    {
      if (tg_test_services_required ())
        g_error ("The test cluster is not reachable: %s", error->message);
      g_test_skip_printf ("No PostgreSQL server: %s", error->message);
      return NULL;
    }

  db = g_new0 (TgTestDb, 1);
  db->name = tg_test_unique_name ("tgtest");
  db->conninfo = g_strdup_printf ("dbname=%s", db->name);

  create = g_strdup_printf ("CREATE DATABASE %s TEMPLATE template0", db->name);
  if (!tg_db_exec (admin, create, &error))
    g_error ("%s", error->message);

  db->conn = tg_db_connect (db->conninfo, "tollgate-tests", &error);
  g_assert_no_error (error);

  if (migrate && !tg_migrator_migrate (db->conn, NULL, NULL, NULL, &error))
    g_error ("Migrating the test database failed: %s", error->message);

  return db;
}

void
tg_test_db_free (TgTestDb *db)
{
  g_autoptr(PGconn) admin = NULL;
  g_autofree char *drop = NULL;

  if (db == NULL)
    return;

  g_clear_pointer (&db->conn, PQfinish);

  admin = tg_db_connect ("dbname=postgres", "tollgate-tests", NULL);
  if (admin != NULL)
    {
      drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
      tg_db_exec (admin, drop, NULL);
    }

  g_free (db->name);
  g_free (db->conninfo);
  g_free (db);
}

char *
tg_test_db_conninfo_as (TgTestDb   *db,
                        const char *role)
{
  return g_strdup_printf ("dbname=%s user=%s", db->name, role);
}

PGconn *
tg_test_db_connect_as (TgTestDb   *db,
                       const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = tg_test_db_conninfo_as (db, role);
  PGconn *conn;

  conn = tg_db_connect (conninfo, "tollgate-tests", &error);
  g_assert_no_error (error);
  return conn;
}

void
tg_test_db_exec (TgTestDb   *db,
                 const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!tg_db_exec (db->conn, sql, &error))
    g_error ("%s\nwhile running: %s", error->message, sql);
}

char *
tg_test_conn_scalar (PGconn     *conn,
                     const char *sql)
{
  g_autoptr(GError) error = NULL;
  char *value;

  value = tg_db_query_string (conn, sql, &error);
  if (error != NULL)
    g_error ("%s\nwhile running: %s", error->message, sql);
  return value;
}

char *
tg_test_db_scalar (TgTestDb   *db,
                   const char *sql)
{
  return tg_test_conn_scalar (db->conn, sql);
}

gint64
tg_test_db_scalar_int (TgTestDb   *db,
                       const char *sql)
{
  g_autofree char *value = tg_test_db_scalar (db, sql);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

static const char * const providers[] = {
  "geoscape", "smarty_streets", "here", "postcodes_io", "canada_post", "openai", "acme",
};
static const char * const endpoints[] = { "/v1/addresses", "/v1/geocode", "/v1/batch" };
static const char * const request_types[] = { "autocomplete", "validate", "geocode" };
static const int statuses[] = { 200, 200, 200, 200, 200, 201, 400, 429, 500, 503, 0 };

/* Rows land within a day of these: the months' first instants in UTC and in Adelaide
 * (UTC+10:30 in summer), Adelaide's change from summer time, and an ordinary day.
 */
/* Inserts @n random usage rows (deterministic for @seed) with plain INSERTs, each within a
 * day of one of @anchors: every provider, call_count > 1, failures and timeouts, OpenAI
 * tokens, non-billable rows, rows without a user. Rows of a later call spread over the
 * same anchors, so they are late: created before rows an earlier refresh rolled up.
 */
void
tg_test_insert_random_usage (TgTestDb           *db,
                             guint32             seed,
                             guint               n,
                             const char * const *anchors,
                             guint               n_anchors)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (seed);

  g_string_append (sql,
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, "
    "request_type, call_count, credit_cost, response_time, response_status, response_data, "
    "is_billable, created_at, feature, region) VALUES ");

  for (guint i = 0; i < n; i++)
    {
      const char *provider = providers[g_rand_int_range (rand, 0, G_N_ELEMENTS (providers))];
      int status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
      int call_count = g_rand_int_range (rand, 0, 10) == 0 ? g_rand_int_range (rand, 2, 60) : 1;
      int offset = g_rand_int_range (rand, -86400, 86400);
      double latency = exp (g_rand_double_range (rand, 1.0, 9.0));
      g_autofree char *user = NULL;
      g_autofree char *tokens = NULL;
      g_autofree char *response_time = NULL;

      if (g_rand_int_range (rand, 0, 7) == 0)
        user = g_strdup ("NULL");
      else
        user = g_strdup_printf ("%d", g_rand_int_range (rand, 1, 13));

      if (g_str_equal (provider, "openai") && status == 200)
        tokens = g_strdup_printf ("'{\"usage\": {\"prompt_tokens\": %d, \"completion_tokens\": %d}}'",
                                  g_rand_int_range (rand, 10, 4000), g_rand_int_range (rand, 1, 800));

      if (status == 0 && g_rand_boolean (rand))
        response_time = g_strdup ("NULL");
      else
        response_time = g_strdup_printf ("%d", (int)latency);

      g_string_append_printf (sql,
        "%s(%s, '%s', '%s', '%s', %d, %d.%03d, %s, %d, %s, %s, "
        "timestamptz '%s' + interval '%d seconds' + interval '%d microseconds', %s, %s)",
        i > 0 ? ", " : "",
        user,
        provider,
        endpoints[g_rand_int_range (rand, 0, G_N_ELEMENTS (endpoints))],
        request_types[g_rand_int_range (rand, 0, G_N_ELEMENTS (request_types))],
        call_count,
        g_str_equal (provider, "geoscape") ? call_count * g_rand_int_range (rand, 1, 3) : 0,
        g_rand_int_range (rand, 0, 1000),
        response_time,
        status,
        tokens != NULL ? tokens : "NULL",
        g_rand_int_range (rand, 0, 12) == 0 ? "false" : "true",
        anchors[g_rand_int_range (rand, 0, n_anchors)],
        offset,
        g_rand_int_range (rand, 0, 1000000),
        g_rand_boolean (rand) ? "'checkout.address'" : "NULL",
        g_rand_boolean (rand) ? "'AU'" : "'US'");
    }

  tg_test_db_exec (db, sql->str);
  g_rand_free (rand);
}

/* How long tg_test_db_wait_until() waits before it gives up with an error. */
#define WAIT_UNTIL_GUARD_SECONDS 60

/**
 * tg_test_db_wait_until:
 * @sql: a query whose one value turns true (it runs on a connection of its own, again
 *   and again)
 *
 * Waits for something another process or thread makes happen in the database (a row
 * written, a session back). Gives up with an error after WAIT_UNTIL_GUARD_SECONDS, a
 * guard against a hang, not a timing assertion.
 */
void
tg_test_db_wait_until (TgTestDb   *db,
                       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) watch = tg_db_connect (db->conninfo, "tollgate-tests-watch", &error);
  gint64 deadline = g_get_monotonic_time () + WAIT_UNTIL_GUARD_SECONDS * G_USEC_PER_SEC;

  g_assert_no_error (error);

  for (;;)
    {
      g_autofree char *value = tg_test_conn_scalar (watch, sql);

      if (g_strcmp0 (value, "t") == 0)
        return;

      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %d s waiting for: %s", WAIT_UNTIL_GUARD_SECONDS, sql);

      /* The other side is another process or thread: nothing to iterate meanwhile. */
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

/**
 * tg_test_cluster_command:
 * @action: "stop" or "start"
 *
 * Runs tools/lib/postgres.sh's stop or start on the wrapper's cluster
 * ($TG_SERVICES_DIR/pg), with the options tools/with-services starts it with. For
 * tests that restart the server under a client; they run alone (is_parallel: false).
 * Starting a cluster that runs does nothing.
 */
void
tg_test_cluster_command (const char *action)
{
  g_autofree char *library = g_test_build_filename (G_TEST_DIST, "..", "tools", "lib",
                                                    "postgres.sh", NULL);
  const char *script =
    "set -e\n"
    ". \"$1\"\n"
    "dir=$TG_SERVICES_DIR/pg\n"
    "case $2 in\n"
    "  stop) tg_pg_stop \"$dir\" ;;\n"
    "  start) [ -f \"$dir/data/postmaster.pid\" ] ||\n"
    "           tg_pg_start \"$dir\" fsync=off synchronous_commit=off full_page_writes=off ;;\n"
    "esac\n";
  const char *argv[] = { "bash", "-c", script, "tg-cluster", library, action, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("Cluster %s failed: %s\n%s%s", action, error->message, out, err);
}
