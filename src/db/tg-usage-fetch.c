/* tg-usage-fetch.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The usage queries, blocking: for tollgatectl and worker threads, never the UI thread.
 * Each runs its statement (tg-usage-queries.c) with tg_db_typed_query_run(), results in
 * binary format as on the asynchronous connection, so that both take the same parser.
 */

#include "config.h"

#include "tg-usage-queries-private.h"

/**
 * tg_usage_fetch_series:
 * @bounds: (array length=n_bounds): as for tg_usage_series_statement_new()
 * @provider: (nullable): only this provider
 *
 * Blocks until the series is read.
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group
 */
GPtrArray *
tg_usage_fetch_series (PGconn          *conn,
                       const gint64    *bounds,
                       guint            n_bounds,
                       TgUsageGroupBy   group_by,
                       const char      *provider,
                       GError         **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  g_autoptr(GArray) copy = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);

  statement = tg_usage_series_statement_new (bounds, n_bounds, group_by, provider);
  copy = _tg_usage_bounds_new (bounds, n_bounds);

  return tg_db_typed_query_run (conn, statement, _tg_usage_series_parse_cb, copy, error);
}

/**
 * tg_usage_fetch_latest_calls:
 * @after_id: only calls with a greater api_usage_id; 0 for the newest ones
 * @limit: at most this many calls, the newest of them (the server caps it at 10000)
 *
 * Returns: (transfer full) (element-type TgUsageCall): the calls, newest first
 */
GPtrArray *
tg_usage_fetch_latest_calls (PGconn   *conn,
                             gint64    after_id,
                             guint     limit,
                             GError  **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);

  statement = tg_usage_latest_calls_statement_new (after_id, limit);

  return tg_db_typed_query_run (conn, statement, _tg_usage_latest_calls_parse_cb, NULL, error);
}

/**
 * tg_usage_fetch_user_totals:
 * @month: the billing month, "YYYY-MM" in the billing time zone
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many users (the most expensive); 0 for all
 *
 * Returns: (transfer full) (element-type TgUserTotal): the users, the most expensive first
 */
GPtrArray *
tg_usage_fetch_user_totals (PGconn      *conn,
                            const char  *month,
                            const char  *provider,
                            guint        limit,
                            GError     **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (month != NULL, NULL);

  statement = tg_usage_user_totals_statement_new (month, provider, limit);

  return tg_db_typed_query_run (conn, statement, _tg_usage_user_totals_parse_cb, NULL, error);
}

/**
 * tg_usage_fetch_top:
 * @bounds: as for tg_usage_top_statement_new()
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many groups, 1 to %TG_USAGE_TOP_MAX_LIMIT
 *
 * Blocks until the top groups are read.
 *
 * Returns: (transfer full): the top groups, the rest and the total
 */
TgUsageTop *
tg_usage_fetch_top (PGconn          *conn,
                    const gint64     bounds[2],
                    TgUsageGroupBy   group_by,
                    const char      *provider,
                    guint            limit,
                    GError         **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  g_autofree UsageTopData *data = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (bounds[0] < bounds[1], NULL);
  g_return_val_if_fail (limit >= 1 && limit <= TG_USAGE_TOP_MAX_LIMIT, NULL);

  statement = tg_usage_top_statement_new (bounds, group_by, provider, limit);
  data = _tg_usage_top_data_new (bounds, group_by);

  return tg_db_typed_query_run (conn, statement, _tg_usage_top_parse_cb, data, error);
}
