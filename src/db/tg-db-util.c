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
 * Connects and blocks until the connection is ready or has failed (at most the conninfo's
 * connect_timeout, 10 s unless it says otherwise). The error message is libpq's, without
 * the secrets of @conninfo (libpq quotes a malformed URI whole). The session keeps the
 * server's timeouts: see tg_db_connect_bounded() for one that never waits unbounded.
 */
PGconn *
tg_db_connect (const char  *conninfo,
               const char  *application_name,
               GError     **error)
{
  /* Keywords before "dbname" are defaults the conninfo may override; those after it win.
   * The connect timeout and the keepalives, as TgDbConnection has them, bound the waits
   * the server's timeouts cannot: for a server that never answers, or a network gone
   * quiet under a statement.
   */
  const char *keys[] = { "fallback_application_name", "connect_timeout", "keepalives_idle",
                         "keepalives_interval", "keepalives_count", "dbname",
                         "client_encoding", NULL };
  const char *values[] = { application_name != NULL ? application_name : "tollgate",
                           "10", "30", "10", "3",
                           conninfo != NULL ? conninfo : "",
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

  /* A failure inside a PL/pgSQL function carries the function's statements as CONTEXT,
   * kilobytes of SQL that say nothing to the person reading the message; messages are made
   * of the primary text, detail and hint (tg_db_set_error_from_result()), and this keeps
   * CONTEXT out of libpq's own text too, which is all there is when the connection died.
   */
  PQsetErrorContextVisibility (conn, PQSHOW_CONTEXT_NEVER);

  return g_steal_pointer (&conn);
}

/* Only settings nobody chose: pg_settings says "default" for a setting that neither the
 * server's configuration, the database, the role nor the connection's options set.
 */
static const char bound_sql[] =
  "SELECT pg_catalog.set_config (s.name, v.value, false) "
  "FROM (VALUES ('lock_timeout', $1), ('statement_timeout', $2)) AS v (name, value) "
  "JOIN pg_catalog.pg_settings s ON s.name = v.name "
  "WHERE s.source = 'default' AND v.value <> '0'";

/**
 * tg_db_connect_bounded:
 * @lock_timeout_ms: how long a statement may wait for a lock; 0 sets none
 * @statement_timeout_ms: how long a statement may run; 0 sets none
 *
 * As tg_db_connect(), for sessions that must not wait forever: tollgatectl's and the
 * worker's (docs/architecture.md, "Threads"). A statement that waits longer for a lock
 * fails with %TG_DB_ERROR_BUSY; one that runs longer is cancelled.
 *
 * The bounds apply where the session has none of its own: a lock_timeout or
 * statement_timeout set in the server's configuration, for the database or the role, or
 * in the conninfo's options (`options='-c statement_timeout=0'` for a rebuild longer
 * than %TG_DB_LONG_STATEMENT_MS) is kept, whatever its value.
 */
PGconn *
tg_db_connect_bounded (const char  *conninfo,
                       const char  *application_name,
                       guint        lock_timeout_ms,
                       guint        statement_timeout_ms,
                       GError     **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *lock_text = g_strdup_printf ("%u", lock_timeout_ms);
  g_autofree char *statement_text = g_strdup_printf ("%u", statement_timeout_ms);
  const char *params[] = { lock_text, statement_text };

  conn = tg_db_connect (conninfo, application_name, error);
  if (conn == NULL)
    return NULL;

  result = tg_db_query (conn, bound_sql, G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;

  return g_steal_pointer (&conn);
}

/**
 * tg_db_describe_failure:
 *
 * libpq's account of the last failure on @conn as one line: the first line of its
 * message, without the severity ("FATAL:  "). After a lost connection that is the
 * server's reason ("terminating connection due to administrator command") or libpq's
 * ("server closed the connection unexpectedly"), without the explanations after it.
 *
 * Returns: (transfer full): the line, "" when libpq has none
 */
char *
tg_db_describe_failure (PGconn *conn)
{
  static const char * const severities[] = { "ERROR:", "FATAL:", "PANIC:" };
  g_autofree char *message = strip_message (conn != NULL ? PQerrorMessage (conn) : NULL);
  char *line = message;
  char *end = strchr (line, '\n');

  if (end != NULL)
    *end = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (severities); i++)
    {
      if (g_str_has_prefix (line, severities[i]))
        {
          line += strlen (severities[i]);
          break;
        }
    }

  return g_strstrip (g_strdup (line));
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
      /* No fields: libpq made the result from its own text (a lost connection). */
      g_autofree char *text = tg_db_describe_failure (conn);

      g_string_append (message, *text ? text : "unknown database error");
    }

  if (detail != NULL)
    g_string_append_printf (message, " (%s)", detail);
  if (hint != NULL)
    {
      /* The server's messages end without a full stop; the hint is a sentence after it. */
      if (message->len > 0 && strchr (".?!", message->str[message->len - 1]) == NULL)
        g_string_append_c (message, '.');
      g_string_append_printf (message, " Hint: %s", hint);
    }

  if (g_strcmp0 (sqlstate, "42501") == 0)
    code = TG_DB_ERROR_PERMISSION_DENIED;
  else if (g_strcmp0 (sqlstate, "55P03") == 0)
    code = TG_DB_ERROR_BUSY;

  /* Whatever the server said last, the session is gone: the caller may reconnect. */
  if (conn != NULL && PQstatus (conn) == CONNECTION_BAD)
    code = TG_DB_ERROR_CONNECTION_LOST;

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

/**
 * tg_db_get_transaction_status:
 * @transaction_id: a transaction's pg_current_xact_id(), asked in that transaction
 * @status: (out): whether it committed, rolled back, or still runs
 *
 * For a writer whose connection was lost while it committed: the transaction may have
 * committed or not, and this asks the server which (pg_xact_status()), so that the
 * writer counts what the database holds rather than what it sent. A transaction of a
 * session the server has not yet noticed is gone is still "in progress"; ask again later.
 */
gboolean
tg_db_get_transaction_status (PGconn                 *conn,
                              guint64                 transaction_id,
                              TgDbTransactionStatus  *status,
                              GError                **error)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GUINT64_FORMAT, transaction_id);
  const char *params[] = { id_text };
  g_autoptr(PGresult) result = NULL;
  const char *answer;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  result = tg_db_query (conn, "SELECT pg_catalog.pg_xact_status ($1::xid8)", 1, params, error);
  if (result == NULL)
    return FALSE;

  answer = PQntuples (result) == 1 && !PQgetisnull (result, 0, 0) ? PQgetvalue (result, 0, 0) : "";
  if (g_str_equal (answer, "committed"))
    *status = TG_DB_TRANSACTION_COMMITTED;
  else if (g_str_equal (answer, "aborted"))
    *status = TG_DB_TRANSACTION_ABORTED;
  else if (g_str_equal (answer, "in progress"))
    *status = TG_DB_TRANSACTION_IN_PROGRESS;
  else
    {
      /* NULL: too old for the server to remember. */
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server no longer knows what became of transaction %s", id_text);
      return FALSE;
    }

  return TRUE;
}
