/* tg-forecast-service.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Assembles forecasts (docs/architecture.md, "Forecast"): the local days of the billing
 * time zone that the model reads, their costs in one statement (whole days from the
 * rollups; the moment's own day up to the moment, to the microsecond), the month so far
 * summed exactly, and the model. A backtest reads its whole range once and replays in
 * memory.
 */

#include "config.h"

#include "tg-forecast-service.h"
#include "tg-time-bucket.h"

#define G_USEC_PER_SEC_64 ((gint64)G_USEC_PER_SEC)

static gint64
floor_seconds (gint64 usec)
{
  return usec / G_USEC_PER_SEC_64 - (usec % G_USEC_PER_SEC_64 < 0);
}

/* The local date of the first usage, or FALSE when there is none. */
static gboolean
first_usage_date (PGconn     *conn,
                  GTimeZone  *tz,
                  GDate      *date,
                  gboolean   *found,
                  GError    **error)
{
  gint64 first;

  if (!tg_forecast_fetch_first_usage (conn, &first, error))
    return FALSE;
  *found = first != G_MININT64;
  if (*found)
    tg_time_bucket_local_date (tz, first, date);
  return TRUE;
}

/* Day starts of @first … @last (inclusive) and the start of the day after, in UTC
 * microseconds: n_days + 1 bounds. A day the zone skipped starts where the next one does.
 */
static GArray *
day_bounds (GTimeZone   *tz,
            const GDate *first,
            const GDate *last)
{
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  GDate date = *first;

  while (g_date_compare (&date, last) <= 0)
    {
      gint64 start = tg_time_bucket_day_start (tz, &date) * G_USEC_PER_SEC_64;

      g_array_append_val (bounds, start);
      g_date_add_days (&date, 1);
    }
  {
    gint64 end = tg_time_bucket_day_start (tz, &date) * G_USEC_PER_SEC_64;

    g_array_append_val (bounds, end);
  }

  return bounds;
}

static GDate
earliest_supported (void)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, G_DATE_JANUARY, TG_TIME_FIRST_YEAR);
  return date;
}

/**
 * tg_forecast_service_run:
 * @tz: the billing time zone
 * @kind: the scope; @name its provider, cost centre or feature (%NULL for overall)
 * @as_of_usec: the moment, UTC microseconds: only rows created before it count
 *
 * Forecasts the month of @as_of_usec (in @tz) as if it were that moment.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
TgForecastReport *
tg_forecast_service_run (PGconn               *conn,
                         GTimeZone            *tz,
                         TgForecastScopeKind   kind,
                         const char           *name,
                         gint64                as_of_usec,
                         GError              **error)
{
  return tg_forecast_service_run_with (conn, tz, kind, name, as_of_usec, NULL, NULL, error);
}

/**
 * tg_forecast_service_run_with:
 * @kind: the scope the report names
 * @fetch: (nullable): what to forecast: the scope's amounts per bucket; %NULL: its cost
 *   (tg_forecast_fetch_costs())
 * @data: for @fetch
 *
 * Forecasts as tg_forecast_service_run() does, the month's total of what @fetch reads.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
TgForecastReport *
tg_forecast_service_run_with (PGconn               *conn,
                              GTimeZone            *tz,
                              TgForecastScopeKind   kind,
                              const char           *name,
                              gint64                as_of_usec,
                              TgForecastFetchFunc   fetch,
                              gpointer              data,
                              GError              **error)
{
  g_autoptr(TgForecastReport) report = NULL;
  g_autoptr(TgForecastCosts) costs = NULL;
  g_autoptr(GArray) bounds = NULL;
  TgForecastInput input = { 0 };
  GDate today;
  GDate month_first;
  GDate first;
  GDate usage_first;
  GDate floor_date = earliest_supported ();
  gboolean has_usage = FALSE;
  gint64 range[2];
  gint64 day_start;
  gint64 day_end;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  g_date_clear (&today, 1);
  g_date_clear (&usage_first, 1);
  tg_time_bucket_local_date (tz, floor_seconds (as_of_usec), &today);
  month_first = today;
  g_date_set_day (&month_first, 1);

  if (!first_usage_date (conn, tz, &usage_first, &has_usage, error))
    return NULL;

  /* From TG_FORECAST_HISTORY_DAYS before the month, or the first usage if later (but not
   * after the moment's day), or the first supported date. */
  first = month_first;
  if (g_date_days_between (&floor_date, &first) > TG_FORECAST_HISTORY_DAYS)
    g_date_subtract_days (&first, TG_FORECAST_HISTORY_DAYS);
  else
    first = floor_date;
  if (!has_usage || g_date_compare (&usage_first, &today) > 0)
    first = today;
  else if (g_date_compare (&usage_first, &first) > 0)
    first = usage_first;

  /* The days' bounds, the last one the moment itself. */
  bounds = day_bounds (tz, &first, &today);
  day_start = g_array_index (bounds, gint64, bounds->len - 2);
  day_end = g_array_index (bounds, gint64, bounds->len - 1);
  g_array_index (bounds, gint64, bounds->len - 1) = as_of_usec;

  range[0] = tg_time_bucket_day_start (tz, &month_first) * G_USEC_PER_SEC_64;
  range[1] = as_of_usec;

  if (fetch != NULL)
    costs = fetch (conn, (const gint64 *)bounds->data, bounds->len, range, data, error);
  else
    costs = tg_forecast_fetch_costs (conn, (const gint64 *)bounds->data, bounds->len, range,
                                     kind, name, error);
  if (costs == NULL)
    return NULL;

  input.first_date = first;
  input.days = costs->costs;
  input.n_days = costs->n_buckets;
  input.day_fraction = day_end > day_start
                       ? (double)(as_of_usec - day_start) / (double)(day_end - day_start)
                       : 0;
  input.day_fraction = CLAMP (input.day_fraction, 0.0, 0.999999);
  input.month_actual = costs->range_cost;

  report = g_new0 (TgForecastReport, 1);
  report->kind = kind;
  report->name = g_strdup (name);
  report->month = g_strdup_printf ("%04u-%02u", g_date_get_year (&today),
                                   (guint)g_date_get_month (&today));
  report->as_of_usec = as_of_usec;
  tg_forecast_compute (&input, &report->forecast);

  return g_steal_pointer (&report);
}

void
tg_forecast_report_free (TgForecastReport *report)
{
  if (report == NULL)
    return;
  g_free (report->name);
  g_free (report->month);
  g_free (report);
}

/**
 * tg_forecast_service_backtest:
 * @from_month: (nullable): the first day of the first month to replay; %NULL: the first
 *   month wholly after the first usage
 * @to_month: (nullable): the first day of the last month; %NULL: the month before the
 *   one of @now_usec. It must be complete: before the month of @now_usec.
 * @now_usec: now, UTC microseconds
 * @every_day: replay every day of each month rather than days 1, 3, 7, 14, 21 and 28
 *
 * Replays the forecast over complete months: reads their daily costs (and the history
 * before them) once, then replays in memory.
 *
 * Returns: (transfer full): the report, or %NULL with @error set (%G_IO_ERROR_NOT_FOUND
 *   when there is no complete month with usage to replay)
 */
TgForecastBacktestReport *
tg_forecast_service_backtest (PGconn               *conn,
                              GTimeZone            *tz,
                              TgForecastScopeKind   kind,
                              const char           *name,
                              const GDate          *from_month,
                              const GDate          *to_month,
                              gint64                now_usec,
                              gboolean              every_day,
                              GError              **error)
{
  g_autoptr(TgForecastBacktestReport) report = NULL;
  g_autoptr(TgForecastCosts) costs = NULL;
  g_autoptr(GArray) bounds = NULL;
  g_autoptr(GStrvBuilder) months = g_strv_builder_new ();
  GDate now_month;
  GDate from;
  GDate to;
  GDate last;
  GDate first;
  GDate usage_first;
  GDate floor_date = earliest_supported ();
  gboolean has_usage = FALSE;
  guint n_months = 0;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  g_date_clear (&now_month, 1);
  g_date_clear (&usage_first, 1);
  g_date_clear (&from, 1);
  tg_time_bucket_local_date (tz, floor_seconds (now_usec), &now_month);
  g_date_set_day (&now_month, 1);

  if (!first_usage_date (conn, tz, &usage_first, &has_usage, error))
    return NULL;

  if (to_month != NULL)
    to = *to_month;
  else
    {
      to = now_month;
      g_date_subtract_months (&to, 1);
    }
  if (from_month != NULL)
    from = *from_month;
  else if (has_usage)
    {
      /* The first month whose every day comes after the first usage began. */
      from = usage_first;
      if (g_date_get_day (&from) != 1)
        {
          g_date_set_day (&from, 1);
          g_date_add_months (&from, 1);
        }
    }

  if (g_date_compare (&to, &now_month) >= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a backtest replays complete months: the last must be before %04u-%02u",
                   g_date_get_year (&now_month), (guint)g_date_get_month (&now_month));
      return NULL;
    }
  if (!has_usage || (from_month == NULL && g_date_compare (&from, &to) > 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "there is no complete month with usage to replay yet");
      return NULL;
    }

  for (GDate m = from; g_date_compare (&m, &to) <= 0; g_date_add_months (&m, 1))
    {
      g_autofree char *text = g_strdup_printf ("%04u-%02u", g_date_get_year (&m),
                                               (guint)g_date_get_month (&m));

      g_strv_builder_add (months, text);
      n_months++;
    }

  /* The history the replays may read, then the months themselves. */
  first = from;
  if (g_date_days_between (&floor_date, &first) > TG_FORECAST_HISTORY_DAYS)
    g_date_subtract_days (&first, TG_FORECAST_HISTORY_DAYS);
  else
    first = floor_date;
  if (g_date_compare (&usage_first, &first) > 0 && g_date_compare (&usage_first, &from) < 0)
    first = usage_first;
  else if (g_date_compare (&usage_first, &from) >= 0)
    first = from;
  last = to;
  g_date_set_day (&last, g_date_get_days_in_month (g_date_get_month (&to),
                                                  g_date_get_year (&to)));

  bounds = day_bounds (tz, &first, &last);
  costs = tg_forecast_fetch_costs (conn, (const gint64 *)bounds->data, bounds->len, NULL,
                                   kind, name, error);
  if (costs == NULL)
    return NULL;

  report = g_new0 (TgForecastBacktestReport, 1);
  report->kind = kind;
  report->name = g_strdup (name);
  report->months = g_strv_builder_end (months);
  report->backtest = tg_forecast_backtest (&first, costs->costs, costs->n_buckets, &from,
                                           n_months,
                                           every_day ? NULL : tg_forecast_backtest_days,
                                           every_day ? 0 : G_N_ELEMENTS (tg_forecast_backtest_days));

  return g_steal_pointer (&report);
}

void
tg_forecast_backtest_report_free (TgForecastBacktestReport *report)
{
  if (report == NULL)
    return;
  g_free (report->name);
  g_strfreev (report->months);
  g_clear_pointer (&report->backtest, tg_forecast_backtest_free);
  g_free (report);
}
