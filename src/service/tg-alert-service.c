/* tg-alert-service.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One evaluation of every alert: what the sources read is brought up to date, then
 * tollgate.evaluate_alerts() (the alerts migration, data/sql/0018_alerts.sql) asks the
 * sources and applies the state machine in one statement, so that an evaluation is
 * atomic and any number of them may run at once without duplicates. tollgatectl alerts
 * evaluate and the app's worker both come here.
 */

#include "config.h"

#include "tg-alert-service.h"
#include "tg-budget-service.h"

/**
 * tg_alert_service_evaluate:
 * @conn: a blocking connection (tg_db_connect_bounded())
 * @tz: the billing time zone, in which the sources' months and days are read
 * @now_usec: the moment to evaluate as of, UTC microseconds (g_get_real_time() but in
 *   tests)
 *
 * Returns: how many alerts were raised or changed state, or -1 with @error set
 */
int
tg_alert_service_evaluate (PGconn     *conn,
                           GTimeZone  *tz,
                           gint64      now_usec,
                           GError    **error)
{
  g_autoptr(GError) forecast_error = NULL;
  guint changed = 0;

  g_return_val_if_fail (conn != NULL, -1);
  g_return_val_if_fail (tz != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  /* What the sources read that the server cannot compute on its own comes first: the
   * budgets' and quotas' month-end forecasts, stored for budget_alert_candidates(), which
   * holds the forecast kind back while a forecast says there is too little data. One that
   * cannot be stored leaves the last; the alerts go on. */
  if (!tg_budget_service_refresh_forecasts (conn, tz, now_usec, &forecast_error))
    g_debug ("Storing the budgets' forecasts failed: %s", forecast_error->message);

  if (!tg_alert_evaluate (conn, now_usec, &changed, error))
    return -1;

  return (int)MIN (changed, (guint)G_MAXINT);
}
