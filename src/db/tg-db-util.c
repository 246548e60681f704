/* tg-db-util.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Small blocking helpers over libpq for tollgatectl, the migrator and worker threads.
 * Never call these on the UI thread: they wait on the network.
 */

#include "config.h"

#include <string.h>

#include "tg-db-conninfo.h"
#include "tg-db-util.h"

G_DEFINE_QUARK (tg-db-error-quark, tg_db_error)

static char *
strip_message (const char *message)
{
  char *copy = g_strdup (message != NULL ? message : "");

  return g_strstrip (copy);
}

static void
log_notice (void       *user_data,
            const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

/**
 * tg_db_connect:
 * @conninfo: (nullable): a libpq conninfo string or URI; %NULL or "" uses libpq's environment
 * @application_name: (nullable): the fallback application name shown in pg_stat_activity
 *
 * Connects and blocks until the connection is ready or has failed. The error message is
 * libpq's, without the secrets of @conninfo (libpq quotes a malformed URI whole).
 */
PGconn *
tg_db_connect (const char  *conninfo,
               const char  *application_name,
               GError     **error)
{
  const char *keys[] = { "dbname", "fallback_application_name", "client_encoding", NULL };
  const char *values[] = { conninfo != NULL ? conninfo : "",
                           application_name != NULL ? application_name : "tollgate",
                           "UTF8",
                           NULL };
  g_autoptr(PGconn) conn = NULL;

  conn = PQconnectdbParams (keys, values, TRUE);
  if (conn == NULL)
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                           "Out of memory while connecting to PostgreSQL");
      return NULL;
    }

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_auto(GStrv) secrets = tg_db_conninfo_collect_secrets (conninfo);
      g_autofree char *message = strip_message (PQerrorMessage (conn));
      g_autofree char *redacted = tg_db_conninfo_redact ((const char * const *)secrets, message);

      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                   "Could not connect to the database: %s", redacted);
      return NULL;
    }

  /* Server notices ("relation already exists, skipping") are for the debug log only. */
  PQsetNoticeProcessor (conn, log_notice, NULL);

  return g_steal_pointer (&conn);
}

void
tg_db_set_error_from_result (GError         **error,
                             PGconn          *conn,
                             const PGresult  *result,
                             const char      *context)
{
  const char *sqlstate = NULL;
  const char *primary = NULL;
  const char *detail = NULL;
  const char *hint = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  TgDbError code = TG_DB_ERROR_QUERY;

  if (result != NULL)
    {
      sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);
      primary = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);
      detail = PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL);
      hint = PQresultErrorField (result, PG_DIAG_MESSAGE_HINT);
    }

  if (context != NULL)
    g_string_append_printf (message, "%s: ", context);

  if (primary != NULL)
    g_string_append (message, primary);
  else
    {
      g_autofree char *text = strip_message (conn != NULL ? PQerrorMessage (conn) : NULL);
      g_string_append (message, *text ? text : "unknown database error");
    }

  if (detail != NULL)
    g_string_append_printf (message, " (%s)", detail);
  if (hint != NULL)
    g_string_append_printf (message, " Hint: %s", hint);

  if (g_strcmp0 (sqlstate, "42501") == 0)
    code = TG_DB_ERROR_PERMISSION_DENIED;

  g_set_error_literal (error, TG_DB_ERROR, code, message->str);
}

/**
 * tg_db_query:
 *
 * Runs one statement with text parameters and returns its result, or %NULL
 * with @error set when the server reported an error.
 */
PGresult *
tg_db_query (PGconn              *conn,
             const char          *sql,
             int                  n_params,
             const char * const  *params,
             GError             **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (n_params > 0)
    result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  else
    result = PQexec (conn, sql);

  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      tg_db_set_error_from_result (error, conn, result, NULL);
      return NULL;
    }

  return g_steal_pointer (&result);
}

gboolean
tg_db_exec (PGconn      *conn,
            const char  *sql,
            GError     **error)
{
  g_autoptr(PGresult) result = tg_db_query (conn, sql, 0, NULL, error);

  return result != NULL;
}

/* Returns the first column of the first row, or %NULL (without error) when it is SQL NULL
 * or there is no row.
 */
char *
tg_db_query_string (PGconn      *conn,
                    const char  *sql,
                    GError     **error)
{
  g_autoptr(PGresult) result = tg_db_query (conn, sql, 0, NULL, error);

  if (result == NULL || PQntuples (result) == 0 || PQgetisnull (result, 0, 0))
    return NULL;

  return g_strdup (PQgetvalue (result, 0, 0));
}

/* A human description of where @conn points, without any password:
 * "tollgate on /tmp/sock (user postgres)" or "sales on db.example.com:5432 (user ann)".
 */
char *
tg_db_describe_target (PGconn *conn)
{
  const char *host;
  const char *port;

  g_return_val_if_fail (conn != NULL, NULL);

  host = PQhost (conn);
  port = PQport (conn);

  if (host == NULL || *host == '\0' || host[0] == '/')
    return g_strdup_printf ("%s on %s (user %s)",
                            PQdb (conn),
                            host != NULL && *host ? host : "the local socket",
                            PQuser (conn));

  return g_strdup_printf ("%s on %s:%s (user %s)",
                          PQdb (conn), host, port != NULL ? port : "5432", PQuser (conn));
}

/**
 * tg_db_get_session:
 * @server_version: (out) (optional): "15.4 (Debian 15.4-1)"
 * @host: (out) (optional): the host libpq connected to (a directory for a socket)
 * @port: (out) (optional): its port
 * @dbname: (out) (optional): the database
 * @user: (out) (optional): the user
 *
 * What a connection settled on, whatever mix of conninfo, service file and environment
 * it came from: the keyring files a password under these.
 */
void
tg_db_get_session (PGconn  *conn,
                   char   **server_version,
                   char   **host,
                   char   **port,
                   char   **dbname,
                   char   **user)
{
  g_return_if_fail (conn != NULL);

  if (server_version != NULL)
    *server_version = g_strdup (PQparameterStatus (conn, "server_version"));
  if (host != NULL)
    *host = g_strdup (PQhost (conn));
  if (port != NULL)
    *port = g_strdup (PQport (conn));
  if (dbname != NULL)
    *dbname = g_strdup (PQdb (conn));
  if (user != NULL)
    *user = g_strdup (PQuser (conn));
}
