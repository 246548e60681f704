/* tg-usage-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* The typed usage queries. Each reads complete rollup buckets plus the raw rows after the
 * refresher's watermark, so every answer is exact up to now. For each query there is
 *
 *  - a statement (tg_usage_*_statement_new) for a pipelined batch on a TgDbConnection,
 *    asking for results in binary format, and the parser of its TgDbResult
 *    (tg_usage_*_parse_result), the only one (tg-usage-queries.c);
 *  - a blocking fetch on a PGconn, for tollgatectl and worker threads (tg-usage-fetch.c);
 *  - an asynchronous fetch on a TgDbConnection, for the UI and the worker's loop
 *    (tg-usage-async.c).
 *
 * The shared settings (billing time zone, reporting currency) are tg-settings-queries.h's.
 */

/* Usage series: one TgUsageRow per (bucket, group). */
TgDbStatement   *tg_usage_series_statement_new       (const gint64         *bounds,
                                                      guint                 n_bounds,
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider);
GPtrArray       *tg_usage_series_parse_result        (TgDbResult           *result,
                                                      const gint64         *bounds,
                                                      guint                 n_bounds,
                                                      GError              **error);
GPtrArray       *tg_usage_fetch_series               (PGconn               *conn,
                                                      const gint64         *bounds,
                                                      guint                 n_bounds,
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider,
                                                      GError              **error);
void             tg_usage_series_async               (TgDbConnection       *connection,
                                                      const gint64         *bounds,
                                                      guint                 n_bounds,
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray       *tg_usage_series_finish              (TgDbConnection       *connection,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* The live activity feed: the newest calls after an id, newest first. */
TgDbStatement   *tg_usage_latest_calls_statement_new (gint64                after_id,
                                                      guint                 limit);
GPtrArray       *tg_usage_latest_calls_parse_result  (TgDbResult           *result,
                                                      GError              **error);
GPtrArray       *tg_usage_fetch_latest_calls         (PGconn               *conn,
                                                      gint64                after_id,
                                                      guint                 limit,
                                                      GError              **error);
void             tg_usage_latest_calls_async         (TgDbConnection       *connection,
                                                      gint64                after_id,
                                                      guint                 limit,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray       *tg_usage_latest_calls_finish        (TgDbConnection       *connection,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* Per-user totals of a billing month, the most expensive user first. */
TgDbStatement   *tg_usage_user_totals_statement_new  (const char           *month,
                                                      const char           *provider,
                                                      guint                 limit);
GPtrArray       *tg_usage_user_totals_parse_result   (TgDbResult           *result,
                                                      GError              **error);
GPtrArray       *tg_usage_fetch_user_totals          (PGconn               *conn,
                                                      const char           *month,
                                                      const char           *provider,
                                                      guint                 limit,
                                                      GError              **error);
void             tg_usage_user_totals_async          (TgDbConnection       *connection,
                                                      const char           *month,
                                                      const char           *provider,
                                                      guint                 limit,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray       *tg_usage_user_totals_finish         (TgDbConnection       *connection,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* The groups that cost the most over a range, the rest summed and the total: one bucket
 * [bounds[0], bounds[1]) grouped by anything, users included (then whole local days of the
 * billing time zone; the server refuses other bounds for users and says why). At most
 * @limit rows (1 to TG_USAGE_TOP_MAX_LIMIT); see TgUsageTop for the order and the amounts.
 */
#define TG_USAGE_TOP_MAX_LIMIT 10000

TgDbStatement   *tg_usage_top_statement_new          (const gint64          bounds[2],
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider,
                                                      guint                 limit);
TgUsageTop      *tg_usage_top_parse_result           (TgDbResult           *result,
                                                      const gint64          bounds[2],
                                                      TgUsageGroupBy        group_by,
                                                      GError              **error);
TgUsageTop      *tg_usage_fetch_top                  (PGconn               *conn,
                                                      const gint64          bounds[2],
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider,
                                                      guint                 limit,
                                                      GError              **error);
void             tg_usage_top_async                  (TgDbConnection       *connection,
                                                      const gint64          bounds[2],
                                                      TgUsageGroupBy        group_by,
                                                      const char           *provider,
                                                      guint                 limit,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TgUsageTop      *tg_usage_top_finish                 (TgDbConnection       *connection,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
