/* tg-budget-service.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-budget-queries.h"
#include "tg-budget.h"

G_BEGIN_DECLS

/* Budgets and quotas assembled for tollgatectl budget|quota, the alerts and the Budgets
 * panel (docs/architecture.md, "Budgets and quotas"): the month-end forecasts, which the
 * model computes in C, stored for tollgate.budget_alert_candidates() to read, and where
 * every budget and quota stands.
 *
 * The blocking functions are for tollgatectl and worker threads, never the UI thread; the
 * UI reads tg_budget_status_async() on its own connection (the stored forecasts), or
 * tg_budget_service_status_async(), which runs the blocking one on a thread of its own
 * with a connection of its own.
 */

gboolean   tg_budget_service_refresh_forecasts (PGconn               *conn,
                                                GTimeZone            *tz,
                                                gint64                now_usec,
                                                GError              **error);
GPtrArray *tg_budget_service_status            (PGconn               *conn,
                                                GTimeZone            *tz,
                                                gint64                now_usec,
                                                gboolean              refresh_forecasts,
                                                GError              **error);
void       tg_budget_service_status_async      (const char           *conninfo,
                                                gint64                now_usec,
                                                gboolean              refresh_forecasts,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray *tg_budget_service_status_finish     (GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
