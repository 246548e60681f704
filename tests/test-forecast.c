/* test-forecast.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The month-end forecast's model (src/core/tg-forecast.c) on made-up daily costs: the
 * day-of-week profile, the run-rate, the blend of the month so far with the recent level,
 * the interval held back on short history, the exact actual, and a backtest on seasonal
 * history against the targets.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-forecast.h"
#include "tg-random.h"

/* A weekly pattern, Monday first, averaging 1.04: busy weekdays, quiet weekends. */
static const double weekly[7] = { 1.25, 1.2, 1.2, 1.15, 1.1, 0.5, 0.45 };

/* @n_days of daily costs from @first: about @base micro-units a day times the weekly
 * pattern, growing by @growth a day, with log-normal noise of @sigma. */
static gint64 *
seasonal_days (const GDate *first,
               guint        n_days,
               double       base,
               double       growth,
               double       sigma,
               guint64      seed)
{
  gint64 *days = g_new0 (gint64, n_days);
  TgRandom random;

  tg_random_init (&random, seed);
  for (guint i = 0; i < n_days; i++)
    {
      GDate date = *first;
      double noise = sigma > 0 ? tg_random_log_normal (&random, 1.0, sigma) : 1.0;

      g_date_add_days (&date, i);
      days[i] = llround (base * pow (1 + growth, i) *
                         weekly[g_date_get_weekday (&date) - 1] * noise);
    }

  return days;
}

static gint64
sum (const gint64 *days,
     guint         from,
     guint         to)
{
  gint64 total = 0;

  for (guint i = from; i < to; i++)
    total += days[i];
  return total;
}

static void
test_profile (void)
{
  GDate first;
  g_autofree gint64 *days = NULL;
  double profile[7];
  double mean = 0;
  guint n_weeks = 0;
  GDate last;

  /* Noise-free: the profile is the pattern itself, scaled to average 1. */
  g_date_set_dmy (&first, 5, G_DATE_JANUARY, 2026);
  days = seasonal_days (&first, 70, 1e8, 0, 0, 1);
  last = first;
  g_date_add_days (&last, 69);
  g_assert_true (tg_forecast_profile (days, 70, g_date_get_weekday (&last), profile, &n_weeks));
  g_assert_cmpuint (n_weeks, ==, 8);
  for (guint w = 0; w < 7; w++)
    mean += weekly[w] / 7;
  for (guint w = 0; w < 7; w++)
    g_assert_cmpfloat_with_epsilon (profile[w], weekly[w] / mean, 1e-6);

  /* One outlier day (a runaway user) does not move a median of eight weeks. */
  days[69 - 7 * 3] *= 20;
  g_assert_true (tg_forecast_profile (days, 70, g_date_get_weekday (&last), profile, NULL));
  for (guint w = 0; w < 7; w++)
    g_assert_cmpfloat_with_epsilon (profile[w], weekly[w] / mean, 1e-6);

  /* Under two weeks: flat. */
  g_assert_false (tg_forecast_profile (days + 57, 13, g_date_get_weekday (&last), profile,
                                       &n_weeks));
  g_assert_cmpuint (n_weeks, ==, 0);
  for (guint w = 0; w < 7; w++)
    g_assert_cmpfloat (profile[w], ==, 1.0);
}

static void
test_runrate (void)
{
  g_assert_cmpint (tg_forecast_runrate (10000000, 10, 30), ==, 30000000);
  g_assert_cmpint (tg_forecast_runrate (7000000, 3.5, 31), ==, 62000000);
  g_assert_cmpint (tg_forecast_runrate (1, 3, 28), ==, 9);
  g_assert_cmpint (tg_forecast_runrate (5, 0, 30), ==, 5);
}

/* The moment @fraction into day @day (1-based) of January 2026, with @history_days of
 * seasonal history before the month. */
static void
forecast_in_january (guint       history_days,
                     guint       day,
                     double      fraction,
                     double      sigma,
                     TgForecast *forecast,
                     gint64     *total)
{
  GDate first;
  GDate month;
  g_autofree gint64 *days = NULL;
  g_autofree gint64 *input_days = NULL;
  TgForecastInput input = { 0 };
  guint n = history_days + 31;
  guint cur = history_days + day - 1;

  g_date_set_dmy (&month, 1, G_DATE_JANUARY, 2026);
  first = month;
  g_date_subtract_days (&first, history_days);
  days = seasonal_days (&first, n, 2e8, 0, sigma, 42);

  input_days = g_memdup2 (days, sizeof (gint64) * (cur + 1));
  input_days[cur] = llround (days[cur] * fraction);
  input.first_date = first;
  input.days = input_days;
  input.n_days = cur + 1;
  input.day_fraction = fraction;
  input.month_actual = sum (input_days, history_days, cur + 1);

  tg_forecast_compute (&input, forecast);
  *total = sum (days, history_days, n);
}

static void
test_no_history (void)
{
  TgForecast forecast;
  gint64 total;
  g_autofree char *why = NULL;

  forecast_in_january (0, 10, 0.5, 0.05, &forecast, &total);
  g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_LOW);
  g_assert_false (forecast.has_interval);
  g_assert_cmpint (forecast.basis_days, ==, 9);
  g_assert_cmpfloat (forecast.elapsed_days, ==, 9.5);
  g_assert_cmpint (forecast.forecast, ==, tg_forecast_runrate (forecast.actual, 9.5, 31));
  g_assert_cmpint (forecast.runrate, ==, forecast.forecast);
  why = tg_forecast_describe (&forecast);
  g_assert_nonnull (strstr (why, "no earlier months"));

  /* The first instant of the first month: nothing to go on. */
  forecast_in_january (0, 1, 0, 0.05, &forecast, &total);
  g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_NONE);
  g_assert_cmpint (forecast.forecast, ==, 0);
  g_assert_cmpint (forecast.actual, ==, 0);
}

static void
test_short_history (void)
{
  TgForecast forecast;
  gint64 total;
  g_autofree char *why = NULL;

  /* One earlier month: the model, from the first day, but no interval. */
  forecast_in_january (31, 1, 0, 0.05, &forecast, &total);
  g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_MEDIUM);
  g_assert_false (forecast.has_interval);
  g_assert_cmpuint (forecast.replay_months, <, TG_FORECAST_MIN_REPLAY_MONTHS);
  g_assert_cmpint (forecast.actual, ==, 0);
  g_assert_cmpfloat (fabs ((double)forecast.forecast - total) / total, <, 0.05);
  why = tg_forecast_describe (&forecast);
  g_assert_nonnull (strstr (why, "held back"));

  /* Two earlier months: still only one of them has history of its own to replay. */
  forecast_in_january (61, 5, 0, 0.05, &forecast, &total);
  g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_MEDIUM);
  g_assert_false (forecast.has_interval);
  g_assert_cmpuint (forecast.replay_months, ==, 1);
}

static void
test_interval (void)
{
  TgForecast forecast;
  gint64 total;
  g_autofree char *why = NULL;

  forecast_in_january (400, 9, 0.25, 0.08, &forecast, &total);
  g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_HIGH);
  g_assert_true (forecast.has_interval);
  g_assert_cmpuint (forecast.replay_months, ==, TG_FORECAST_MAX_REPLAY_MONTHS);
  g_assert_cmpuint (forecast.profile_weeks, ==, 8);
  g_assert_true (forecast.month_shape);
  g_assert_cmpint (forecast.actual, <=, forecast.low);
  g_assert_cmpint (forecast.low, <=, forecast.forecast);
  g_assert_cmpint (forecast.forecast, <=, forecast.high);
  /* A real interval, not a point, and a sensible one. */
  g_assert_cmpint (forecast.high - forecast.low, >, forecast.forecast / 200);
  g_assert_cmpint (forecast.high - forecast.low, <, forecast.forecast / 3);
  g_assert_cmpfloat (fabs ((double)forecast.forecast - total) / total, <, 0.05);
  why = tg_forecast_describe (&forecast);
  g_assert_nonnull (strstr (why, "80 % interval"));
}

/* The actual is what the caller added, to the micro-unit, however large. */
static void
test_exact_actual (void)
{
  GDate first;
  gint64 days[40];
  TgForecastInput input = { 0 };
  TgForecast forecast;

  g_date_set_dmy (&first, 1, G_DATE_DECEMBER, 2025);
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    days[i] = G_GINT64_CONSTANT (123456789012345) + i;   /* 123 million units a day */
  input.first_date = first;
  input.days = days;
  input.n_days = G_N_ELEMENTS (days);
  input.day_fraction = 0;
  input.month_actual = G_GINT64_CONSTANT (987654321987654) + 1;
  tg_forecast_compute (&input, &forecast);
  g_assert_cmpint (forecast.actual, ==, input.month_actual);
  g_assert_cmpint (forecast.forecast, >=, forecast.actual);
}

/* Noise-free seasonal costs are forecast exactly, whatever the day and hour. */
static void
test_noise_free (void)
{
  for (guint day = 1; day <= 31; day += 3)
    {
      TgForecast forecast;
      gint64 total;

      forecast_in_january (120, day, 0, 0, &forecast, &total);
      g_assert_cmpfloat (fabs ((double)forecast.forecast - total) / total, <, 1e-6);
    }
}

/* A level that doubles at the start of the month: the blend moves to the month as its
 * days pass, and the forecast then follows the new level, not the old one. */
static void
test_blend (void)
{
  GDate first;
  GDate month;
  g_autofree gint64 *days = NULL;
  double errors[3];
  const guint at[3] = { 1, 10, 25 };
  guint history = 120;

  g_date_set_dmy (&month, 1, G_DATE_MARCH, 2026);
  first = month;
  g_date_subtract_days (&first, history);
  days = seasonal_days (&first, history + 31, 1e8, 0, 0, 7);
  for (guint i = history; i < history + 31; i++)
    days[i] *= 2;

  for (guint k = 0; k < G_N_ELEMENTS (at); k++)
    {
      TgForecastInput input = { 0 };
      TgForecast forecast;
      guint cur = history + at[k];

      input.first_date = first;
      input.days = days;
      input.n_days = cur + 1;
      input.month_actual = sum (days, history, cur);
      tg_forecast_compute (&input, &forecast);
      errors[k] = fabs ((double)forecast.forecast - sum (days, history, history + 31)) /
                  sum (days, history, history + 31);
    }

  g_assert_cmpfloat (errors[0], >, errors[1]);
  g_assert_cmpfloat (errors[1], >, errors[2]);
  g_assert_cmpfloat (errors[2], <, 0.05);
}

/* A scope that never spends at weekends: the profile says nothing for them, and the
 * forecast stays finite and right. */
static void
test_no_weekends (void)
{
  GDate first;
  GDate month;
  g_autofree gint64 *days = NULL;
  guint history = 200;

  g_date_set_dmy (&month, 1, G_DATE_JUNE, 2026);
  first = month;
  g_date_subtract_days (&first, history);
  days = seasonal_days (&first, history + 30, 1e8, 0, 0.05, 11);
  for (guint i = 0; i < history + 30; i++)
    {
      GDate date = first;

      g_date_add_days (&date, i);
      if (g_date_get_weekday (&date) >= G_DATE_SATURDAY)
        days[i] = 0;
    }

  for (guint day = 0; day < 30; day += 4)
    {
      TgForecastInput input = { 0 };
      TgForecast forecast;
      gint64 total = sum (days, history, history + 30);

      input.first_date = first;
      input.days = days;
      input.n_days = history + day + 1;
      input.month_actual = sum (days, history, history + day);
      tg_forecast_compute (&input, &forecast);
      g_assert_cmpint (forecast.confidence, ==, TG_FORECAST_CONFIDENCE_HIGH);
      g_assert_cmpfloat (fabs ((double)forecast.forecast - total) / total, <, 0.05);
      g_assert_cmpint (forecast.low, <=, forecast.forecast);
      g_assert_cmpint (forecast.high, >=, forecast.forecast);
      g_assert_cmpint (forecast.high, <, 2 * total);
    }
}

/* The targets on a year of seasonal history with noise and growth. */
static void
test_backtest_seasonal (gconstpointer data)
{
  guint64 seed = GPOINTER_TO_UINT (data);
  GDate first;
  GDate first_month;
  g_autofree gint64 *days = NULL;
  g_autoptr(TgForecastBacktest) backtest = NULL;
  g_autoptr(TgForecastBacktest) every_day = NULL;
  guint n_days;
  double coverage;

  g_date_set_dmy (&first, 1, G_DATE_JANUARY, 2025);
  g_date_set_dmy (&first_month, 1, G_DATE_FEBRUARY, 2025);
  {
    GDate end;

    g_date_set_dmy (&end, 1, G_DATE_JANUARY, 2026);
    n_days = g_date_days_between (&first, &end);
  }
  days = seasonal_days (&first, n_days, 3e8, 0.001, 0.08, seed);

  backtest = tg_forecast_backtest (&first, days, n_days, &first_month, 11,
                                   tg_forecast_backtest_days,
                                   G_N_ELEMENTS (tg_forecast_backtest_days));
  g_assert_cmpuint (backtest->by_day->len, ==, 6);
  for (guint i = 0; i < backtest->by_day->len; i++)
    {
      TgForecastBacktestDay *day = &g_array_index (backtest->by_day, TgForecastBacktestDay, i);

      g_test_message ("day %2u: n %u, ours %.2f %%, run-rate %.2f %%", day->day, day->n,
                      day->mape, day->runrate_mape);
      g_assert_cmpuint (day->day, ==, tg_forecast_backtest_days[i]);
      /* February 2025 ends with its 28th: nothing is left to forecast then. */
      g_assert_cmpuint (day->n, ==, day->day == 28 ? 10 : 11);
      if (day->day <= 3)
        g_assert_cmpfloat (day->mape, <=, 0.3 * day->runrate_mape);
      else if (day->day == 7)
        g_assert_cmpfloat (day->mape, <=, 0.75 * day->runrate_mape);
      else
        g_assert_cmpfloat (day->mape, <=, day->runrate_mape + 0.2);
    }

  every_day = tg_forecast_backtest (&first, days, n_days, &first_month, 11, NULL, 0);
  g_assert_cmpuint (every_day->by_day->len, ==, 30);
  coverage = tg_forecast_backtest_get_coverage (every_day);
  g_test_message ("coverage %.3f over %u points", coverage, every_day->coverage_points);
  g_assert_cmpuint (every_day->coverage_points, >=, 4 * 27);
  g_assert_cmpfloat (coverage, >=, 0.75);
  g_assert_cmpfloat (coverage, <=, 0.90);
}

static void
test_scope (void)
{
  static const struct { const char *text; TgForecastScopeKind kind; const char *name; } good[] = {
    { "overall", TG_FORECAST_SCOPE_OVERALL, NULL },
    { "provider:geoscape", TG_FORECAST_SCOPE_PROVIDER, "geoscape" },
    { "cost-centre:ENG-1", TG_FORECAST_SCOPE_COST_CENTRE, "ENG-1" },
    { "feature:address.autocomplete", TG_FORECAST_SCOPE_FEATURE, "address.autocomplete" },
  };
  static const char * const bad[] = {
    "", "Overall", "provider", "provider:", "cost_centre:X", "feature", "team:x",
    "provider:a\nb", "overall:x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;
      TgForecastScopeKind kind;
      g_autoptr(GError) error = NULL;

      g_assert_true (tg_forecast_scope_parse (good[i].text, &kind, &name, &error));
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, good[i].kind);
      g_assert_cmpstr (name, ==, good[i].name);
      text = tg_forecast_scope_to_string (kind, name);
      g_assert_cmpstr (text, ==, good[i].text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      TgForecastScopeKind kind;

      g_assert_false (tg_forecast_scope_parse (bad[i], &kind, NULL, &error));
      g_assert_error (error, TG_FORECAST_ERROR, TG_FORECAST_ERROR_INVALID_SCOPE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/forecast/profile", test_profile);
  g_test_add_func ("/tollgate/unit/forecast/runrate", test_runrate);
  g_test_add_func ("/tollgate/unit/forecast/no-history", test_no_history);
  g_test_add_func ("/tollgate/unit/forecast/short-history", test_short_history);
  g_test_add_func ("/tollgate/unit/forecast/interval", test_interval);
  g_test_add_func ("/tollgate/unit/forecast/exact-actual", test_exact_actual);
  g_test_add_func ("/tollgate/unit/forecast/noise-free", test_noise_free);
  g_test_add_func ("/tollgate/unit/forecast/blend", test_blend);
  g_test_add_func ("/tollgate/unit/forecast/no-weekends", test_no_weekends);
  g_test_add_data_func ("/tollgate/unit/forecast/backtest-seasonal/1", GUINT_TO_POINTER (1),
                        test_backtest_seasonal);
  g_test_add_data_func ("/tollgate/unit/forecast/backtest-seasonal/2", GUINT_TO_POINTER (2),
                        test_backtest_seasonal);
  g_test_add_data_func ("/tollgate/unit/forecast/backtest-seasonal/3", GUINT_TO_POINTER (3),
                        test_backtest_seasonal);
  g_test_add_func ("/tollgate/unit/forecast/scope", test_scope);

  return g_test_run ();
}
