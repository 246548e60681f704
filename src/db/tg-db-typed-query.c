/* tg-db-typed-query.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one runner of typed queries. A typed query is a statement builder
 * (tg_*_statement_new) and a parser of its result (TgDbParseFunc); this file runs the
 * pair blocking on a PGconn, for tollgatectl and worker threads, or asynchronously on a
 * TgDbConnection, for the UI and the worker's loop. Both send the statement as it is —
 * text parameters, results in the format its flags ask for — so that a parser sees the
 * same result either way.
 *
 * A query's own wrappers are then a few lines: build the statement, hand it over with the
 * parser, and give the finish function its source tag.
 */

#include "config.h"

#include "tg-db-typed-query.h"
#include "tg-db-util.h"

/**
 * tg_db_typed_query_parse_no_value:
 *
 * A TgDbParseFunc for statements whose result is of no interest once the server has
 * accepted them.
 *
 * Returns: %TG_DB_TYPED_QUERY_NO_VALUE
 */
gpointer
tg_db_typed_query_parse_no_value (TgDbResult  *result,
                                  gpointer     data,
                                  GError     **error)
{
  return TG_DB_TYPED_QUERY_NO_VALUE;
}

typedef struct
{
  TgDbParseFunc   parse;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  value_free;
} Request;

static void
request_free (Request *request)
{
  if (request->data_free != NULL)
    request->data_free (request->data);
  g_free (request);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TgDbResult) db_result = NULL;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer value;

  db_result = tg_db_connection_query_finish (TG_DB_CONNECTION (object), result, &error);
  if (db_result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  value = request->parse (db_result, request->data, &error);
  if (value == NULL)
    g_task_return_error (task, error);
  else if (value == TG_DB_TYPED_QUERY_NO_VALUE)
    g_task_return_pointer (task, value, NULL);
  else
    g_task_return_pointer (task, value, request->value_free);
}

/**
 * tg_db_typed_query_async:
 * @connection: a connection of the calling thread's main context
 * @statement: (transfer none): what to run
 * @parse: the parser of its result, run on the connection's main context
 * @data: (nullable): for @parse; owned by the call from now on, freed with @data_free
 * @value_free: (nullable): frees what @parse returns if nobody takes it
 * @source_tag: the caller's _async function, which its _finish function checks
 *
 * Queues @statement on @connection and parses its result. Cancelling @cancellable
 * completes the call at once with %G_IO_ERROR_CANCELLED, as
 * tg_db_connection_query_async() does.
 */
void
tg_db_typed_query_async (TgDbConnection      *connection,
                         TgDbStatement       *statement,
                         TgDbParseFunc        parse,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       value_free,
                         gpointer             source_tag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Request *request;
  GTask *task;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (statement != NULL);
  g_return_if_fail (parse != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->parse = parse;
  request->data = data;
  request->data_free = data_free;
  request->value_free = value_free;

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);

  tg_db_connection_query_full_async (connection,
                                     tg_db_statement_get_sql (statement),
                                     tg_db_statement_get_params (statement),
                                     tg_db_statement_get_n_params (statement),
                                     tg_db_statement_get_flags (statement),
                                     cancellable, query_done_cb, task);
}

/**
 * tg_db_typed_query_finish:
 * @source_tag: the tag given to tg_db_typed_query_async()
 *
 * Returns: (transfer full) (nullable): what the parser returned (possibly
 *   %TG_DB_TYPED_QUERY_NO_VALUE), or %NULL with @error set: errors as
 *   tg_db_connection_query_finish() reports them, or the parser's
 */
gpointer
tg_db_typed_query_finish (TgDbConnection  *connection,
                          GAsyncResult    *result,
                          gpointer         source_tag,
                          GError         **error)
{
  g_return_val_if_fail (TG_IS_DB_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tg_db_typed_query_run:
 * @conn: a blocking connection (tg_db_connect())
 * @statement: (transfer none): what to run
 * @data: (nullable): for @parse; still the caller's
 *
 * Runs @statement with PQexecParams, results in the format its flags ask for, and parses
 * the result. Blocks on the network: never on the UI thread.
 *
 * Returns: (transfer full) (nullable): what the parser returned (possibly
 *   %TG_DB_TYPED_QUERY_NO_VALUE), or %NULL with @error set
 */
gpointer
tg_db_typed_query_run (PGconn         *conn,
                       TgDbStatement  *statement,
                       TgDbParseFunc   parse,
                       gpointer        data,
                       GError        **error)
{
  g_autoptr(TgDbResult) wrapped = NULL;
  PGresult *result;
  gboolean binary;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (statement != NULL, NULL);
  g_return_val_if_fail (parse != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  binary = (tg_db_statement_get_flags (statement) & TG_DB_QUERY_FLAGS_BINARY) != 0;
  result = PQexecParams (conn, tg_db_statement_get_sql (statement),
                         tg_db_statement_get_n_params (statement), NULL,
                         tg_db_statement_get_params (statement), NULL, NULL, binary ? 1 : 0);

  if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      tg_db_set_error_from_result (error, conn, result, NULL);
      PQclear (result);
      return NULL;
    }

  wrapped = _tg_db_result_new (result);
  return parse (wrapped, data, error);
}
