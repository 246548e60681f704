/* tg-budget-service.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Budgets and quotas for tollgatectl, the alerts and the Budgets panel
 * (docs/architecture.md, "Budgets and quotas"). The database says where each month stands
 * (tollgate.budget_status()); the month-end forecasts come from the model in C
 * (tg-forecast-service.h) and are stored for the database's alert source to read.
 *
 * A budget's forecast is made of its scope's cost in the reporting currency (what the
 * rollups keep) and turned into the budget's currency as the month's actual in it plus
 * the part still to come at today's rate: the actual stays exact, the rest is an
 * estimate either way. A quota's forecast is made of its provider's calls or credits.
 */

#include "config.h"

#include <math.h>

#include "tg-budget-service.h"
#include "tg-db-util.h"
#include "tg-forecast-service.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

/* The longest a statement of the UI's own thread may run: the worker's bound. */
#define STATUS_STATEMENT_TIMEOUT_MS 120000

static TgForecastCosts *
fetch_quota_use (PGconn        *conn,
                 const gint64  *bounds_usec,
                 guint          n_bounds,
                 const gint64  *range_usec,
                 gpointer       data,
                 GError       **error)
{
  TgQuota *quota = data;

  return tg_quota_fetch_usage (conn, bounds_usec, n_bounds, range_usec, quota->provider,
                               quota->unit, error);
}

/* @reporting in the budget's currency: the actual in it plus the rest at @rate. */
static gint64
convert (gint64 reporting,
         gint64 reporting_actual,
         gint64 actual,
         double rate)
{
  double rest = (double)(reporting - reporting_actual) * rate;

  return actual + (gint64)llround (MAX (rest, 0.0));
}

/* The forecast of one status's rule as of @now_usec, in its unit; FALSE with @error set,
 * or with *@skip when there is nothing to store (a budget without a rate, a month that
 * is not the status's). */
static gboolean
forecast_rule (PGconn          *conn,
               GTimeZone       *tz,
               gint64           now_usec,
               TgBudgetStatus  *status,
               TgForecast      *forecast,
               gboolean        *skip,
               GError         **error)
{
  g_autoptr(TgForecastReport) report = NULL;

  *skip = FALSE;
  if (status->budget != NULL)
    {
      if (status->cumulative->len == 0 || isnan (status->rate))
        {
          *skip = TRUE;
          return TRUE;
        }
      report = tg_forecast_service_run (conn, tz, status->budget->kind, status->budget->name,
                                        now_usec, error);
    }
  else
    report = tg_forecast_service_run_with (conn, tz, TG_FORECAST_SCOPE_PROVIDER,
                                           status->quota->provider, now_usec,
                                           fetch_quota_use, status->quota, error);
  if (report == NULL)
    return FALSE;

  /* The billing time zone changed between the two reads: the next refresh will do. */
  if (g_strcmp0 (report->month, status->month) != 0)
    {
      *skip = TRUE;
      return TRUE;
    }

  *forecast = report->forecast;
  if (status->budget != NULL)
    {
      gint64 reporting_actual = report->forecast.actual;

      forecast->actual = status->actual;
      forecast->forecast = convert (report->forecast.forecast, reporting_actual,
                                    status->actual, status->rate);
      forecast->low = convert (report->forecast.low, reporting_actual, status->actual,
                               status->rate);
      forecast->high = convert (report->forecast.high, reporting_actual, status->actual,
                                status->rate);
      forecast->runrate = convert (report->forecast.runrate, reporting_actual, status->actual,
                                   status->rate);
    }

  return TRUE;
}

/**
 * tg_budget_service_refresh_forecasts:
 * @tz: the billing time zone
 * @now_usec: the moment, UTC microseconds: only rows created before it count
 *
 * Forecasts the month of every budget and quota as of @now_usec and stores each
 * (tollgate.store_budget_forecast()), where tollgate.budget_alert_candidates() and the
 * status read them. Idempotent, and safe to run from several Tollgates at once: a stored
 * forecast is replaced only by one as of a later moment. Any Tollgate role may; `tollgatectl
 * alerts evaluate` and the app's worker run it before tollgate.evaluate_alerts().
 *
 * Returns: %FALSE with @error set when a query failed (forecasts stored before stay)
 */
gboolean
tg_budget_service_refresh_forecasts (PGconn     *conn,
                                     GTimeZone  *tz,
                                     gint64      now_usec,
                                     GError    **error)
{
  g_autoptr(GPtrArray) statuses = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);

  statuses = tg_budget_fetch_status (conn, now_usec, error);
  if (statuses == NULL)
    return FALSE;

  for (guint i = 0; i < statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (statuses, i);
      TgForecast forecast = { 0 };
      gboolean skip;

      if (!forecast_rule (conn, tz, now_usec, status, &forecast, &skip, error))
        return FALSE;
      if (skip)
        continue;

      if (!tg_budget_store_forecast (conn, status->quota != NULL,
                                     status->budget != NULL ? status->budget->id
                                                            : status->quota->id,
                                     status->month, status->unit, now_usec, &forecast, NULL,
                                     error))
        return FALSE;
    }

  return TRUE;
}

/**
 * tg_budget_service_status:
 * @tz: the billing time zone
 * @now_usec: the moment, UTC microseconds
 * @refresh_forecasts: forecast every rule as of @now_usec first
 *   (tg_budget_service_refresh_forecasts()); otherwise the forecasts last stored
 *
 * Returns: (transfer full) (element-type TgBudgetStatus): the budgets by scope, then the
 *   quotas by provider, or %NULL with @error set
 */
GPtrArray *
tg_budget_service_status (PGconn     *conn,
                          GTimeZone  *tz,
                          gint64      now_usec,
                          gboolean    refresh_forecasts,
                          GError    **error)
{
  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  if (refresh_forecasts && !tg_budget_service_refresh_forecasts (conn, tz, now_usec, error))
    return NULL;

  return tg_budget_fetch_status (conn, now_usec, error);
}

typedef struct
{
  char     *conninfo;
  gint64    now_usec;
  gboolean  refresh_forecasts;
} StatusTask;

static void
status_task_free (StatusTask *data)
{
  g_free (data->conninfo);
  g_free (data);
}

static void
status_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  StatusTask *data = task_data;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *zone = NULL;
  GError *error = NULL;

  /* Named apart from the window's own connection ("tollgate"), so that whoever reads
   * pg_stat_activity (an administrator, the tests) can tell the two loads apart. */
  conn = tg_db_connect_bounded (data->conninfo, "tollgate-budgets", TG_DB_LOCK_TIMEOUT_MS,
                                STATUS_STATEMENT_TIMEOUT_MS, &error);
  if (conn != NULL)
    zone = tg_settings_fetch_value (conn, "billing-timezone", &error);
  if (zone != NULL)
    tz = tg_time_zone_new_checked (zone, &error);
  if (tz != NULL)
    statuses = tg_budget_service_status (conn, tz, data->now_usec, data->refresh_forecasts,
                                         &error);

  if (statuses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&statuses), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * tg_budget_service_status_async:
 * @conninfo: the database (tg_db_connection_get_conninfo() of the window's connection)
 * @now_usec: the moment, UTC microseconds
 * @refresh_forecasts: as tg_budget_service_status() takes it
 *
 * Runs tg_budget_service_status() on a thread of its own with a connection of its own,
 * closed before the thread ends: for the UI, which must not block. Cancelling does not
 * stop the statement under way, but the callback then gets %G_IO_ERROR_CANCELLED.
 */
void
tg_budget_service_status_async (const char          *conninfo,
                                gint64               now_usec,
                                gboolean             refresh_forecasts,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StatusTask *data;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (StatusTask, 1);
  data->conninfo = g_strdup (conninfo);
  data->now_usec = now_usec;
  data->refresh_forecasts = refresh_forecasts;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_budget_service_status_async);
  g_task_set_task_data (task, data, (GDestroyNotify)status_task_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, status_thread);
}

/**
 * tg_budget_service_status_finish:
 *
 * Returns: (transfer full) (element-type TgBudgetStatus): as tg_budget_service_status()
 */
GPtrArray *
tg_budget_service_status_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_budget_service_status_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
