/* tg-cluster-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-cluster-queries.h"
#include "tg-db-util.h"

/**
 * tg_cluster_ensure_database:
 * @conn: a connection to another database of the cluster (postgres), as a role that
 *   may create databases
 * @dbname: the database that must exist
 * @created: (out) (optional): whether it was made now
 *
 * Makes @dbname unless it exists. CREATE DATABASE cannot run in a transaction, so two
 * callers at once may both try: the loser's "already exists" counts as success.
 *
 * Returns: %TRUE when @dbname exists now
 */
gboolean
tg_cluster_ensure_database (PGconn      *conn,
                            const char  *dbname,
                            gboolean    *created,
                            GError     **error)
{
  const char *params[] = { dbname };
  g_autoptr(PGresult) found = NULL;
  g_autoptr(PGresult) made = NULL;
  g_autofree char *sql = NULL;
  char *identifier;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (dbname != NULL && *dbname != '\0', FALSE);

  if (created != NULL)
    *created = FALSE;

  found = tg_db_query (conn, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1",
                       1, params, error);
  if (found == NULL)
    return FALSE;
  if (PQntuples (found) > 0)
    return TRUE;

  identifier = PQescapeIdentifier (conn, dbname, strlen (dbname));
  if (identifier == NULL)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "Not a database name: %s", dbname);
      return FALSE;
    }
  sql = g_strdup_printf ("CREATE DATABASE %s", identifier);
  PQfreemem (identifier);

  made = PQexec (conn, sql);
  if (PQresultStatus (made) == PGRES_COMMAND_OK)
    {
      if (created != NULL)
        *created = TRUE;
      return TRUE;
    }
  /* duplicate_database: someone else made it in between. */
  if (g_strcmp0 (PQresultErrorField (made, PG_DIAG_SQLSTATE), "42P04") == 0)
    return TRUE;

  tg_db_set_error_from_result (error, conn, made, "Could not create the database");
  return FALSE;
}

/**
 * tg_cluster_newest_usage_day:
 * @conn: a connection to a Tollgate database
 * @day: (out caller-allocates): the UTC date of the newest usage row; cleared (not
 *   valid) when there is none
 *
 * Only a BRIN index covers created_at, so max() reads every row: fine for the demo's
 * database on its start, not for a page. (The newest id is no answer: a back-fill's
 * last rows can carry the highest ids with older dates.)
 *
 * Returns: %TRUE when the question was answered, with or without rows
 */
gboolean
tg_cluster_newest_usage_day (PGconn  *conn,
                             GDate   *day,
                             GError **error)
{
  g_autoptr(PGresult) result = NULL;
  guint64 year, month, mday;
  const char *text;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  g_date_clear (day, 1);

  result = tg_db_query (conn,
                        "SELECT extract (year FROM d)::int, extract (month FROM d)::int, "
                        "       extract (day FROM d)::int "
                        "FROM (SELECT (max (created_at) AT TIME ZONE 'UTC')::date AS d "
                        "      FROM tollgate.api_usage_tracking) AS newest "
                        "WHERE d IS NOT NULL",
                        0, NULL, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;

  text = PQgetvalue (result, 0, 0);
  if (!g_ascii_string_to_unsigned (text, 10, 1, 9999, &year, NULL) ||
      !g_ascii_string_to_unsigned (PQgetvalue (result, 0, 1), 10, 1, 12, &month, NULL) ||
      !g_ascii_string_to_unsigned (PQgetvalue (result, 0, 2), 10, 1, 31, &mday, NULL) ||
      !g_date_valid_dmy (mday, month, year))
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "Unexpected answer to the newest-usage query: year %s", text);
      return FALSE;
    }

  g_date_set_dmy (day, mday, month, year);
  return TRUE;
}
