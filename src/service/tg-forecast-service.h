/* tg-forecast-service.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-forecast-queries.h"
#include "tg-forecast.h"

G_BEGIN_DECLS

/* A scope's month-end forecast as of a moment, and backtests of it, assembled from the
 * database (tg-forecast-queries.h) and the model (tg-forecast.h): what tollgatectl
 * forecast prints, and what the budgets and alerts will read. Blocking: for tollgatectl
 * and worker threads, never the UI thread.
 */

typedef struct
{
  TgForecastScopeKind  kind;
  char                *name;          /* NULL for overall */
  char                *month;         /* "YYYY-MM" of the billing time zone */
  gint64               as_of_usec;    /* UTC microseconds */
  TgForecast           forecast;
} TgForecastReport;

typedef struct
{
  TgForecastScopeKind  kind;
  char                *name;
  GStrv                months;        /* "YYYY-MM", oldest first */
  TgForecastBacktest  *backtest;
} TgForecastBacktestReport;

/* Reads a scope's amounts per bucket for tg_forecast_service_run_with(), as
 * tg_forecast_fetch_costs() reads cost (the budgets read a quota's calls or credits). */
typedef TgForecastCosts *(*TgForecastFetchFunc) (PGconn        *conn,
                                                 const gint64  *bounds_usec,
                                                 guint          n_bounds,
                                                 const gint64  *range_usec,
                                                 gpointer       data,
                                                 GError       **error);

TgForecastReport         *tg_forecast_service_run_with        (PGconn               *conn,
                                                                GTimeZone            *tz,
                                                                TgForecastScopeKind   kind,
                                                                const char           *name,
                                                                gint64                as_of_usec,
                                                                TgForecastFetchFunc   fetch,
                                                                gpointer              data,
                                                                GError              **error);
TgForecastReport         *tg_forecast_service_run             (PGconn               *conn,
                                                                GTimeZone            *tz,
                                                                TgForecastScopeKind   kind,
                                                                const char           *name,
                                                                gint64                as_of_usec,
                                                                GError              **error);
void                      tg_forecast_report_free             (TgForecastReport     *report);

TgForecastBacktestReport *tg_forecast_service_backtest        (PGconn               *conn,
                                                                GTimeZone            *tz,
                                                                TgForecastScopeKind   kind,
                                                                const char           *name,
                                                                const GDate          *from_month,
                                                                const GDate          *to_month,
                                                                gint64                now_usec,
                                                                gboolean              every_day,
                                                                GError              **error);
void                      tg_forecast_backtest_report_free    (TgForecastBacktestReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgForecastReport, tg_forecast_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgForecastBacktestReport, tg_forecast_backtest_report_free)

G_END_DECLS
