/* tg-forecast.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The month-end forecast of a scope's cost: a pure function of its daily costs in local
 * days of the billing time zone (docs/architecture.md, "Forecast"). Amounts are exact
 * micro-units in; the forecast and its interval are estimates rounded to micro-units.
 */

#define TG_FORECAST_ERROR (tg_forecast_error_quark ())

typedef enum
{
  TG_FORECAST_ERROR_INVALID_SCOPE,
} TgForecastError;

/* What a forecast (or a budget) covers. */
typedef enum
{
  TG_FORECAST_SCOPE_OVERALL,
  TG_FORECAST_SCOPE_PROVIDER,
  TG_FORECAST_SCOPE_COST_CENTRE,
  TG_FORECAST_SCOPE_FEATURE,
} TgForecastScopeKind;

/* How much the forecast can be trusted, from nothing to an interval that may alert. */
typedef enum
{
  TG_FORECAST_CONFIDENCE_NONE,     /* no spend before the moment: nothing to go on */
  TG_FORECAST_CONFIDENCE_LOW,      /* no earlier month: run-rate only, no interval */
  TG_FORECAST_CONFIDENCE_MEDIUM,   /* the model, but too few replays for an interval */
  TG_FORECAST_CONFIDENCE_HIGH,     /* the model with a calibrated 80 % interval */
} TgForecastConfidence;

/* The replays an interval needs at least: earlier months on which the model was run. */
#define TG_FORECAST_MIN_REPLAY_MONTHS 2

/* Earlier months replayed to calibrate an interval, at most. */
#define TG_FORECAST_MAX_REPLAY_MONTHS 12

/* The days before the month that the model reads, at most: the calibration replays of
 * TG_FORECAST_MAX_REPLAY_MONTHS months, each with the six months of shape and the eight
 * weeks of profile before it. A reader may give more; the model looks no further back,
 * so a forecast as of a moment is the same in a backtest as on its own.
 */
#define TG_FORECAST_HISTORY_DAYS (31 * (TG_FORECAST_MAX_REPLAY_MONTHS + 7))

/* A scope's daily costs up to a moment. days[i] is the cost of local date first_date + i;
 * the last day is the one that holds the moment, with the cost of the part of it before
 * the moment, and day_fraction of it elapsed (0 at its first instant). The forecast is of
 * the month of that last day; month_actual is the exact cost of that month up to the
 * moment (the sum of its days, which the caller adds exactly: each of days[] is rounded).
 */
typedef struct
{
  GDate         first_date;
  const gint64 *days;
  guint         n_days;
  double        day_fraction;
  gint64        month_actual;
} TgForecastInput;

typedef struct
{
  gint64                actual;         /* month_actual */
  gint64                forecast;       /* the month's total, estimated */
  gboolean              has_interval;
  gint64                low;            /* 80 % interval, when has_interval */
  gint64                high;
  gint64                runrate;        /* actual ÷ elapsed days × days of the month */
  guint                 basis_days;     /* whole days of history before the moment, from
                                         * the first day with spend */
  guint                 replay_months;  /* earlier months the interval was calibrated on */
  guint                 profile_weeks;  /* weeks the day-of-week profile was read from */
  gboolean              month_shape;    /* whether earlier months' shape was used */
  double                elapsed_days;   /* of the month, at the moment */
  guint                 month_days;
  TgForecastConfidence  confidence;
} TgForecast;

/* A replay of the model over complete months: per day of the month, the mean absolute
 * percentage errors of the month-end total (ours and the run-rate's), and how often the
 * total fell inside our interval.
 */
typedef struct
{
  guint   day;             /* as of the end of this day of the month */
  guint   n;               /* months with a total to compare with */
  double  mape;            /* percent */
  double  runrate_mape;    /* percent */
} TgForecastBacktestDay;

typedef struct
{
  GArray  *by_day;           /* (element-type TgForecastBacktestDay), by day */
  guint    coverage_points;  /* replays that showed an interval */
  guint    covered;          /* of which held the month's total */
} TgForecastBacktest;

GQuark      tg_forecast_error_quark           (void);

gboolean    tg_forecast_scope_parse           (const char             *text,
                                               TgForecastScopeKind    *kind,
                                               char                  **name,
                                               GError                **error);
char       *tg_forecast_scope_to_string       (TgForecastScopeKind     kind,
                                               const char             *name);

void        tg_forecast_compute               (const TgForecastInput  *input,
                                               TgForecast             *forecast);
gint64      tg_forecast_runrate               (gint64                  actual,
                                               double                  elapsed_days,
                                               guint                   month_days);
char       *tg_forecast_describe              (const TgForecast       *forecast);
gboolean    tg_forecast_profile               (const gint64           *days,
                                               guint                   n_days,
                                               GDateWeekday            last_weekday,
                                               double                  profile[7],
                                               guint                  *n_weeks);

/* The default days of a backtest: the end of days 1, 3, 7, 14, 21 and 28. */
extern const guint tg_forecast_backtest_days[6];

TgForecastBacktest *tg_forecast_backtest      (const GDate            *first_date,
                                               const gint64           *days,
                                               guint                   n_days,
                                               const GDate            *first_month,
                                               guint                   n_months,
                                               const guint            *points,
                                               guint                   n_points);
double      tg_forecast_backtest_get_coverage (const TgForecastBacktest *backtest);
void        tg_forecast_backtest_free         (TgForecastBacktest     *backtest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgForecastBacktest, tg_forecast_backtest_free)

G_END_DECLS
