/* tg-test-db.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include "tg-db-util.h"
#include "tg-migrator.h"
#include "tg-test-db.h"

/* Inside tools/with-services every service must be there: a missing one fails the
 * test. Outside (a plain `meson test` on a developer's machine) the test skips.
 */
gboolean
tg_test_services_required (void)
{
  return g_strcmp0 (g_getenv ("TOLLGATE_TEST_SERVICES"), "1") == 0;
}

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
