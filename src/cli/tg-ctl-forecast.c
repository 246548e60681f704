/* tg-ctl-forecast.c — tollgatectl forecast [--backtest]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The month-end forecast of a scope as of a moment, and its backtest over complete months
 * (docs/architecture.md, "Forecast"; tg-forecast-service.h does the work). Scripts read
 * the JSON, whose members are fixed:
 *
 *   {"scope": "overall", "month": "2026-11", "as_of": "2026-11-14T10:00:00.000000+11:00",
 *    "actual": "1234.56", "forecast": "2345.67", "low": "2200.00", "high": "2500.00",
 *    "currency": "AUD", "basis_days": 120}
 *
 * money as tollgatectl usage prints it (actual exact; forecast, low and high estimates),
 * low and high null when the interval is held back (too little history);
 *
 *   {"scope": "overall", "months": ["2026-02", …],
 *    "by_day": [{"day": 1, "n": 4, "mape": 0.61, "runrate_mape": 3.03}, …],
 *    "coverage": 0.81, "coverage_points": 112}
 *
 * mean absolute percentage errors in percent, coverage a fraction (null without points).
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-catalog-queries.h"
#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-forecast-service.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"

/* --as-of: a moment tg_ctl_parse_datetime() reads, and not in the future. */
static gboolean
parse_as_of (const char  *text,
             GTimeZone   *tz,
             gint64       now_usec,
             gint64      *as_of_usec,
             GError     **error)
{
  if (!tg_ctl_parse_datetime ("--as-of", text, tz, as_of_usec, error))
    return FALSE;
  /* A moment to come has no rows after now yet, so its forecast would quietly be today's
   * with the days between counted as spending nothing. */
  if (*as_of_usec > now_usec)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--as-of: “%s” is in the future; leave --as-of out to forecast as of now",
                   text);
      return FALSE;
    }
  return TRUE;
}

static void
add_money (JsonBuilder *builder,
           const char  *name,
           gint64       micros,
           gboolean     present)
{
  g_autofree char *text = present ? tg_money_to_exact (micros) : NULL;

  tg_ctl_json_add_string (builder, name, text);
}

/* A number with @decimals decimals, as written ("0.61", not 0.60999999999999999, which
 * json-glib writes for a double); null for NaN. */
static void
add_number (JsonBuilder  *builder,
            TgCtlJsonRaw *raw,
            const char   *name,
            double        value,
            guint         decimals)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  if (isnan (value))
    {
      tg_ctl_json_add_raw (builder, raw, name, NULL);
      return;
    }
  g_snprintf (format, sizeof format, "%%.%uf", decimals);
  g_ascii_formatd (text, sizeof text, format, value);
  tg_ctl_json_add_raw (builder, raw, name, text);
}

static void
print_forecast (const TgForecastReport *report,
                const TgCtlBilling     *ctx,
                const char             *scope)
{
  const TgForecast *f = &report->forecast;
  guint decimals = tg_currency_get_decimals (ctx->currency);
  g_autofree char *currency = tg_ctl_text_escape (ctx->currency);
  g_autofree char *as_of = tg_time_bucket_format_usec (ctx->tz, report->as_of_usec);
  g_autofree char *escaped_scope = tg_ctl_text_escape (scope);
  g_autofree char *actual = tg_format_decimal (f->actual, decimals);
  g_autofree char *forecast = tg_format_decimal (f->forecast, decimals);
  g_autofree char *runrate = tg_format_decimal (f->runrate, decimals);
  g_autofree char *why = tg_forecast_describe (f);
  g_autofree char *interval = NULL;
  g_autofree char *basis = g_strdup_printf ("%u day%s", f->basis_days,
                                            f->basis_days == 1 ? "" : "s");
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);

  if (f->has_interval)
    {
      g_autofree char *low = tg_format_decimal (f->low, decimals);
      g_autofree char *high = tg_format_decimal (f->high, decimals);

      interval = g_strdup_printf ("%s – %s", low, high);
    }
  else
    interval = g_strdup ("held back");

  g_print ("Forecast of %s for %s (%s) as of %.19s%s, in %s\n\n", escaped_scope,
           report->month, ctx->tz_name, as_of, as_of + 26, currency);
  tg_ctl_table_add_column (table, "", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_row (table, "spent so far", actual, NULL);
  tg_ctl_table_add_row (table, "month-end forecast", forecast, NULL);
  tg_ctl_table_add_row (table, "80 % interval", interval, NULL);
  tg_ctl_table_add_row (table, "run-rate", runrate, NULL);
  tg_ctl_table_add_row (table, "history", basis, NULL);
  tg_ctl_table_print (table);
  g_print ("\nConfidence %s.\n", why);
}

static int
forecast_now (TgCtlGlobals        *globals,
              GOptionContext      *context,
              PGconn              *conn,
              TgCtlBilling        *ctx,
              TgForecastScopeKind  kind,
              const char          *name,
              const char          *scope,
              const char          *as_of_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgForecastReport) report = NULL;
  gint64 now_usec = g_get_real_time ();
  gint64 as_of_usec = now_usec;

  if (as_of_text != NULL && !parse_as_of (as_of_text, ctx->tz, now_usec, &as_of_usec, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  report = tg_forecast_service_run (conn, ctx->tz, kind, name, as_of_usec, &error);
  if (report == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *as_of = tg_time_bucket_format_usec (ctx->tz, report->as_of_usec);
      const TgForecast *f = &report->forecast;

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "scope", scope);
      tg_ctl_json_add_string (builder, "month", report->month);
      tg_ctl_json_add_string (builder, "as_of", as_of);
      add_money (builder, "actual", f->actual, TRUE);
      add_money (builder, "forecast", f->forecast, TRUE);
      add_money (builder, "low", f->low, f->has_interval);
      add_money (builder, "high", f->high, f->has_interval);
      tg_ctl_json_add_string (builder, "currency", ctx->currency);
      tg_ctl_json_add_int (builder, "basis_days", f->basis_days);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    print_forecast (report, ctx, scope);

  return TG_CTL_EXIT_OK;
}

static int
forecast_backtest (TgCtlGlobals        *globals,
                   GOptionContext      *context,
                   PGconn              *conn,
                   TgCtlBilling        *ctx,
                   TgForecastScopeKind  kind,
                   const char          *name,
                   const char          *scope,
                   const GDate         *from,
                   const GDate         *to,
                   gboolean             every_day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgForecastBacktestReport) report = NULL;
  GArray *by_day;
  double coverage;

  report = tg_forecast_service_backtest (conn, ctx->tz, kind, name, from, to,
                                         g_get_real_time (), every_day, &error);
  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        return tg_ctl_usage_error (context, "--to: %s", error->message);
      return tg_ctl_fail (g_steal_pointer (&error));
    }
  by_day = report->backtest->by_day;
  coverage = tg_forecast_backtest_get_coverage (report->backtest);

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(TgCtlJsonRaw) raw = tg_ctl_json_raw_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "scope", scope);
      json_builder_set_member_name (builder, "months");
      json_builder_begin_array (builder);
      for (guint i = 0; report->months[i] != NULL; i++)
        json_builder_add_string_value (builder, report->months[i]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "by_day");
      json_builder_begin_array (builder);
      for (guint i = 0; i < by_day->len; i++)
        {
          TgForecastBacktestDay *day = &g_array_index (by_day, TgForecastBacktestDay, i);

          json_builder_begin_object (builder);
          tg_ctl_json_add_int (builder, "day", day->day);
          tg_ctl_json_add_int (builder, "n", day->n);
          add_number (builder, raw, "mape", day->mape, 2);
          add_number (builder, raw, "runrate_mape", day->runrate_mape, 2);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      add_number (builder, raw, "coverage", coverage, 4);
      tg_ctl_json_add_int (builder, "coverage_points", report->backtest->coverage_points);
      json_builder_end_object (builder);
      tg_ctl_print_json_raw (builder, raw);
    }
  else
    {
      g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
      g_autofree char *escaped_scope = tg_ctl_text_escape (scope);
      guint n_months = g_strv_length (report->months);

      g_print ("Backtest of %s over %u month%s, %s to %s (%s): mean absolute %% error of "
               "the month-end total\n\n", escaped_scope, n_months, n_months == 1 ? "" : "s",
               report->months[0], report->months[n_months - 1], ctx->tz_name);
      tg_ctl_table_add_column (table, "day", TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, "months", TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, "forecast", TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, "run-rate", TG_CTL_ALIGN_RIGHT);
      for (guint i = 0; i < by_day->len; i++)
        {
          TgForecastBacktestDay *day = &g_array_index (by_day, TgForecastBacktestDay, i);
          g_autofree char *d = g_strdup_printf ("%u", day->day);
          g_autofree char *n = g_strdup_printf ("%u", day->n);
          g_autofree char *ours = g_strdup_printf ("%.2f %%", day->mape);
          g_autofree char *runrate = g_strdup_printf ("%.2f %%", day->runrate_mape);

          tg_ctl_table_add_row (table, d, n, ours, runrate, NULL);
        }
      tg_ctl_table_print (table);
      if (isnan (coverage))
        g_print ("\nNo replay had an interval (each needs two earlier months replayed).\n");
      else
        g_print ("\n80 %% interval held the month's total in %.1f %% of %u replays.\n",
                 coverage * 100, report->backtest->coverage_points);
    }

  return TG_CTL_EXIT_OK;
}

int
tg_ctl_forecast (TgCtlGlobals  *globals,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *name = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *canonical = NULL;
  g_auto(TgCtlBilling) ctx = { 0 };
  gboolean backtest = FALSE;
  gboolean every_day = FALSE;
  TgForecastScopeKind kind = TG_FORECAST_SCOPE_OVERALL;
  GDate from_month;
  GDate to_month;
  GOptionEntry entries[] = {
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
      "overall (default), provider:SLUG, cost-centre:CODE or feature:NAME", "SCOPE" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of,
      "Forecast as if it were this moment (ISO 8601; without an offset, local time of the "
      "billing time zone); only rows created before it count", "DATETIME" },
    { "backtest", 0, 0, G_OPTION_ARG_NONE, &backtest,
      "Replay the forecast over complete months and report its errors", NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "With --backtest: the first month (default: the first complete month with data)",
      "YYYY-MM" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      "With --backtest: the last month (default: last month)", "YYYY-MM" },
    { "every-day", 0, 0, G_OPTION_ARG_NONE, &every_day,
      "With --backtest: replay every day of each month, not days 1, 3, 7, 14, 21 and 28",
      NULL },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "The month-end total of a scope with an 80 % interval, from the month so far and the\n"
    "history before it; or, with --backtest, how it fared over complete months.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (scope != NULL && !tg_forecast_scope_parse (scope, &kind, &name, &error))
    {
      g_autofree char *escaped = tg_ctl_text_escape (scope);

      return tg_ctl_usage_error (context, "--scope: “%s”: %s", escaped, error->message);
    }
  canonical = tg_forecast_scope_to_string (kind, name);

  if (backtest && as_of != NULL)
    return tg_ctl_usage_error (context, "--as-of is for a forecast; a backtest replays "
                               "every month as of its own days");
  if (!backtest && (from != NULL || to != NULL || every_day))
    return tg_ctl_usage_error (context, "--from, --to and --every-day go with --backtest");
  if (from != NULL && !tg_time_bucket_parse_month (from, &from_month, &error))
    return tg_ctl_usage_error (context, "--from: %s", error->message);
  if (to != NULL && !tg_time_bucket_parse_month (to, &to_month, &error))
    return tg_ctl_usage_error (context, "--to: %s", error->message);
  if (from != NULL && to != NULL && g_date_compare (&from_month, &to_month) > 0)
    return tg_ctl_usage_error (context, "--from %s is after --to %s", from, to);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if ((ret = tg_ctl_check_scope_name (context, conn, kind, name)) >= 0)
    return ret;

  if (backtest)
    return forecast_backtest (globals, context, conn, &ctx, kind, name, canonical,
                              from != NULL ? &from_month : NULL, to != NULL ? &to_month : NULL,
                              every_day);
  return forecast_now (globals, context, conn, &ctx, kind, name, canonical, as_of);
}
