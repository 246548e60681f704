/* tg-budget-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-budget.h"
#include "tg-db-connection.h"
#include "tg-forecast-queries.h"

G_BEGIN_DECLS

/* Budgets and quotas in the database (the budgets migration, data/sql/0017_budgets.sql),
 * shaped like tg-settings-queries.h: a statement, the one parser of its result, a blocking
 * fetch for tollgatectl and worker threads and an asynchronous one on a TgDbConnection for
 * the UI, both run by tg-db-typed-query.h.
 *
 * Changes go through security-definer functions that only members of tollgate_finance
 * (and so tollgate_admin) may use: anyone else gets %TG_DB_ERROR_PERMISSION_DENIED with
 * the server's message. Every change is audited and NOTIFYs "tollgate_config" with the
 * table's name ("budgets", "provider_quotas").
 */

/* tg_quota_set*(): leave the prepaid balance as it is, or remove it. */
#define TG_QUOTA_PREPAID_KEEP  G_GINT64_CONSTANT (-1)
#define TG_QUOTA_PREPAID_NONE  G_GINT64_CONSTANT (-2)

/* Budgets: (element-type TgBudget), by scope. */
TgDbStatement  *tg_budget_list_statement_new    (void);
GPtrArray      *tg_budget_list_parse_result     (TgDbResult           *result,
                                                 GError              **error);
GPtrArray      *tg_budget_fetch_list            (PGconn               *conn,
                                                 GError              **error);
void            tg_budget_list_async            (TgDbConnection       *connection,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray      *tg_budget_list_finish           (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Sets the budget of a scope: creates it, or changes the one the scope has (keeping its
 * id). @thresholds %NULL: a new budget gets TG_BUDGET_DEFAULT_THRESHOLDS, an existing
 * one keeps its own. */
TgDbStatement  *tg_budget_set_statement_new     (const char           *scope,
                                                 gint64                amount,
                                                 const char           *currency,
                                                 GArray               *thresholds);
gboolean        tg_budget_set                   (PGconn               *conn,
                                                 const char           *scope,
                                                 gint64                amount,
                                                 const char           *currency,
                                                 GArray               *thresholds,
                                                 gint64               *id,
                                                 gboolean             *created,
                                                 GError              **error);
void            tg_budget_set_async             (TgDbConnection       *connection,
                                                 const char           *scope,
                                                 gint64                amount,
                                                 const char           *currency,
                                                 GArray               *thresholds,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tg_budget_set_finish            (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 gint64               *id,
                                                 gboolean             *created,
                                                 GError              **error);

/* Deletes a budget; @deleted FALSE when there was none with that id. */
TgDbStatement  *tg_budget_delete_statement_new  (gint64                id);
gboolean        tg_budget_delete                (PGconn               *conn,
                                                 gint64                id,
                                                 gboolean             *deleted,
                                                 GError              **error);
void            tg_budget_delete_async          (TgDbConnection       *connection,
                                                 gint64                id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tg_budget_delete_finish         (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 gboolean             *deleted,
                                                 GError              **error);

/* Quotas: (element-type TgQuota), by provider. */
TgDbStatement  *tg_quota_list_statement_new     (void);
GPtrArray      *tg_quota_list_parse_result      (TgDbResult           *result,
                                                 GError              **error);
GPtrArray      *tg_quota_fetch_list             (PGconn               *conn,
                                                 GError              **error);
void            tg_quota_list_async             (TgDbConnection       *connection,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray      *tg_quota_list_finish            (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Sets a provider's quota, as tg_budget_set() a budget. @prepaid: micro-units of the
 * unit left now, %TG_QUOTA_PREPAID_KEEP or %TG_QUOTA_PREPAID_NONE. */
TgDbStatement  *tg_quota_set_statement_new      (const char           *provider,
                                                 TgQuotaUnit           unit,
                                                 gint64                amount,
                                                 gint64                prepaid,
                                                 GArray               *thresholds);
gboolean        tg_quota_set                    (PGconn               *conn,
                                                 const char           *provider,
                                                 TgQuotaUnit           unit,
                                                 gint64                amount,
                                                 gint64                prepaid,
                                                 GArray               *thresholds,
                                                 gint64               *id,
                                                 gboolean             *created,
                                                 GError              **error);
void            tg_quota_set_async              (TgDbConnection       *connection,
                                                 const char           *provider,
                                                 TgQuotaUnit           unit,
                                                 gint64                amount,
                                                 gint64                prepaid,
                                                 GArray               *thresholds,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tg_quota_set_finish             (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 gint64               *id,
                                                 gboolean             *created,
                                                 GError              **error);

TgDbStatement  *tg_quota_delete_statement_new   (gint64                id);
gboolean        tg_quota_delete                 (PGconn               *conn,
                                                 gint64                id,
                                                 gboolean             *deleted,
                                                 GError              **error);
void            tg_quota_delete_async           (TgDbConnection       *connection,
                                                 gint64                id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        tg_quota_delete_finish          (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 gboolean             *deleted,
                                                 GError              **error);

/* The currencies a budget may be in, sorted: the reporting currency and those an
 * exchange rate leads into or out of it (tollgate.budget_currencies()). */
GStrv           tg_budget_fetch_currencies      (PGconn               *conn,
                                                 GError              **error);

/* Where every budget and quota stands at @now_usec: (element-type TgBudgetStatus), the
 * budgets by scope, then the quotas by provider, each with the forecast last stored for
 * the month (tg_budget_service_refresh_forecasts() stores them). One statement, one
 * snapshot. */
TgDbStatement  *tg_budget_status_statement_new  (gint64                now_usec);
GPtrArray      *tg_budget_status_parse_result   (TgDbResult           *result,
                                                 GError              **error);
GPtrArray      *tg_budget_fetch_status          (PGconn               *conn,
                                                 gint64                now_usec,
                                                 GError              **error);
void            tg_budget_status_async          (TgDbConnection       *connection,
                                                 gint64                now_usec,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray      *tg_budget_status_finish         (TgDbConnection       *connection,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* What the forecasts of quotas read: a provider's calls or credits per bucket (as
 * tg_forecast_fetch_costs() reads cost; costs[] then holds micro-units of the unit). */
TgForecastCosts *tg_quota_fetch_usage           (PGconn               *conn,
                                                 const gint64         *bounds_usec,
                                                 guint                 n_bounds,
                                                 const gint64         *range_usec,
                                                 const char           *provider,
                                                 TgQuotaUnit           unit,
                                                 GError              **error);

/* Stores a month-end forecast of a budget (@quota FALSE) or quota in @unit (the budget's
 * currency, "calls" or "credits"), unless a later one is stored already. Any Tollgate role
 * may: forecasts are derived from usage, like the rollups. @stored: whether it was (FALSE:
 * an as-of no later than the one there, or the budget is gone or now in another unit). */
gboolean        tg_budget_store_forecast        (PGconn               *conn,
                                                 gboolean              quota,
                                                 gint64                id,
                                                 const char           *month,
                                                 const char           *unit,
                                                 gint64                as_of_usec,
                                                 const TgForecast     *forecast,
                                                 gboolean             *stored,
                                                 GError              **error);

G_END_DECLS
