/* tg-usage-async.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The usage queries, asynchronous: each runs its statement (tg-usage-queries.c) on a
 * TgDbConnection with tg_db_typed_query_async(), and its result is parsed on completion.
 * The task completes on the connection's main context (the caller's thread-default one).
 */

#include "config.h"

#include "tg-usage-queries-private.h"

/**
 * tg_usage_series_async:
 * @connection: a connection of the calling thread's main context
 * @bounds: (array length=n_bounds): as for tg_usage_series_statement_new(); copied
 * @provider: (nullable): only this provider
 *
 * Reads a usage series without blocking.
 */
void
tg_usage_series_async (TgDbConnection      *connection,
                       const gint64        *bounds,
                       guint                n_bounds,
                       TgUsageGroupBy       group_by,
                       const char          *provider,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (bounds != NULL);
  g_return_if_fail (n_bounds >= 2);

  statement = tg_usage_series_statement_new (bounds, n_bounds, group_by, provider);
  tg_db_typed_query_async (connection, statement, _tg_usage_series_parse_cb,
                           _tg_usage_bounds_new (bounds, n_bounds), (GDestroyNotify)g_array_unref,
                           (GDestroyNotify)g_ptr_array_unref, tg_usage_series_async,
                           cancellable, callback, user_data);
}

/**
 * tg_usage_series_finish:
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group;
 *   errors as tg_db_connection_query_finish() reports them
 */
GPtrArray *
tg_usage_series_finish (TgDbConnection  *connection,
                        GAsyncResult    *result,
                        GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_usage_series_async, error);
}

/**
 * tg_usage_latest_calls_async:
 * @after_id: only calls with a greater api_usage_id; 0 for the newest ones
 * @limit: at most this many calls, the newest of them (the server caps it at 10000)
 */
void
tg_usage_latest_calls_async (TgDbConnection      *connection,
                             gint64               after_id,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (limit > 0);

  statement = tg_usage_latest_calls_statement_new (after_id, limit);
  tg_db_typed_query_async (connection, statement, _tg_usage_latest_calls_parse_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_usage_latest_calls_async,
                           cancellable, callback, user_data);
}

/**
 * tg_usage_latest_calls_finish:
 *
 * Returns: (transfer full) (element-type TgUsageCall): the calls, newest first
 */
GPtrArray *
tg_usage_latest_calls_finish (TgDbConnection  *connection,
                              GAsyncResult    *result,
                              GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_usage_latest_calls_async, error);
}

/**
 * tg_usage_user_totals_async:
 * @month: the billing month, "YYYY-MM" in the billing time zone
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many users (the most expensive); 0 for all
 */
void
tg_usage_user_totals_async (TgDbConnection      *connection,
                            const char          *month,
                            const char          *provider,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (month != NULL);

  statement = tg_usage_user_totals_statement_new (month, provider, limit);
  tg_db_typed_query_async (connection, statement, _tg_usage_user_totals_parse_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_usage_user_totals_async,
                           cancellable, callback, user_data);
}

/**
 * tg_usage_user_totals_finish:
 *
 * Returns: (transfer full) (element-type TgUserTotal): the users, the most expensive first
 */
GPtrArray *
tg_usage_user_totals_finish (TgDbConnection  *connection,
                             GAsyncResult    *result,
                             GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_usage_user_totals_async, error);
}

/**
 * tg_usage_top_async:
 * @connection: a connection of the calling thread's main context
 * @bounds: as for tg_usage_top_statement_new(); copied
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many groups, 1 to %TG_USAGE_TOP_MAX_LIMIT
 *
 * Reads the groups that cost the most over a range, the rest and the total, without
 * blocking.
 */
void
tg_usage_top_async (TgDbConnection      *connection,
                    const gint64         bounds[2],
                    TgUsageGroupBy       group_by,
                    const char          *provider,
                    guint                limit,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (bounds != NULL);
  g_return_if_fail (bounds[0] < bounds[1]);
  g_return_if_fail (limit >= 1 && limit <= TG_USAGE_TOP_MAX_LIMIT);

  statement = tg_usage_top_statement_new (bounds, group_by, provider, limit);
  tg_db_typed_query_async (connection, statement, _tg_usage_top_parse_cb,
                           _tg_usage_top_data_new (bounds, group_by), g_free,
                           (GDestroyNotify)tg_usage_top_unref, tg_usage_top_async,
                           cancellable, callback, user_data);
}

/**
 * tg_usage_top_finish:
 *
 * Returns: (transfer full): the top groups, the rest and the total; errors as
 *   tg_db_connection_query_finish() reports them
 */
TgUsageTop *
tg_usage_top_finish (TgDbConnection  *connection,
                     GAsyncResult    *result,
                     GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_usage_top_async, error);
}
