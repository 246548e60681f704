/* tg-forecast-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-forecast.h"

G_BEGIN_DECLS

/* What a month-end forecast reads (data/sql/0014_forecast.sql), shaped like
 * tg-usage-queries.h: a statement, the one parser of its result, and a blocking fetch for
 * tollgatectl and worker threads (run by tg-db-typed-query.h).
 */

/* One scope's cost per bucket, and the exact cost of one more range (the month so far). */
typedef struct
{
  gint64   *costs;          /* micro-units of the reporting currency, one per bucket, each
                             * its exact sum rounded once */
  gint64   *calls;          /* one per bucket */
  guint     n_buckets;
  gint64    range_cost;     /* the extra range's exact sum, rounded once; 0 without one */
} TgForecastCosts;

TgDbStatement   *tg_forecast_costs_statement_new  (const gint64          *bounds_usec,
                                                   guint                  n_bounds,
                                                   const gint64          *range_usec,
                                                   TgForecastScopeKind    kind,
                                                   const char            *name);
TgForecastCosts *tg_forecast_costs_parse_result   (TgDbResult            *result,
                                                   guint                  n_bounds,
                                                   GError               **error);
TgForecastCosts *tg_forecast_fetch_costs          (PGconn                *conn,
                                                   const gint64          *bounds_usec,
                                                   guint                  n_bounds,
                                                   const gint64          *range_usec,
                                                   TgForecastScopeKind    kind,
                                                   const char            *name,
                                                   GError               **error);
void             tg_forecast_costs_free           (TgForecastCosts       *costs);

gboolean         tg_forecast_fetch_first_usage    (PGconn                *conn,
                                                   gint64                *first_seconds,
                                                   GError               **error);
GStrv            tg_forecast_fetch_scope_names    (PGconn                *conn,
                                                   TgForecastScopeKind    kind,
                                                   GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgForecastCosts, tg_forecast_costs_free)

G_END_DECLS
