/* tg-forecast.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The month-end forecast (docs/architecture.md, "Forecast").
 *
 * A day's expected cost is level × profile: the profile is a day-of-week factor (from the
 * last eight whole weeks: each day over its week's mean, the median per weekday) times
 * the month's shape (each day of the month over its month's mean, the median over up to
 * six earlier months, shrunk towards 1 and used only from three months on). The level
 * blends what the month so far says (its cost over the profile of its elapsed days) with
 * the recent level (a trimmed mean of the last 42 days over their profile); the month's
 * weight grows with its elapsed days, E / (E + 21). The month's total is what was spent
 * plus the level times the profile of the time left.
 *
 * The interval is calibrated on the model's own errors: the model is replayed on up to
 * twelve earlier months at the same point of the month (and the days either side), each
 * as if it were then; the log ratios of what was still to come to what the model
 * expected of it, one mean per month, give a location μ and a scale, and the interval is
 * their Student-t prediction interval at 80 % (t quantile for n − 1 degrees of freedom,
 * scale × √(1 + 1/n)) applied to the part still to come. Quantiles read straight off a
 * few months' ratios are too narrow — the smallest and largest of n values hold only
 * (n − 1)/(n + 1) of the next one — which is how simple residual intervals covered
 * only half of real months. With fewer than two replayed months there is no interval.
 *
 * The replays' μ also corrects the forecast's part still to come (growth that the recent
 * level lags behind), shrunk as n / (n + 2).
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-forecast.h"

G_DEFINE_QUARK (tg-forecast-error-quark, tg_forecast_error)

#define PROFILE_WEEKS     8       /* weeks the day-of-week profile reads, at most */
#define RECENT_DAYS       42      /* days of the recent level */
#define SHAPE_MONTHS      6       /* earlier months the month's shape reads, at most */
#define SHAPE_MIN_MONTHS  3       /* and at least */
#define SHAPE_SHRINK      4.0     /* months' worth of "flat" the shape is shrunk towards */
#define BLEND_DAYS        21.0    /* the month so far weighs E / (E + BLEND_DAYS) */
#define BIAS_SHRINK       2.0     /* months' worth of "no bias" the replays' bias is shrunk by */
#define MAX_MONTH_DAYS    31

const guint tg_forecast_backtest_days[6] = { 1, 3, 7, 14, 21, 28 };

/* A scope's days, with where its spend begins. */
typedef struct
{
  GDate         first_date;
  const gint64 *days;
  guint         n_days;
  guint         data_start;     /* first day with spend; n_days when none */
  guint         first_weekday;  /* of days[0], 0: Monday */
} Series;

typedef struct
{
  double    forecast;
  gboolean  model;              /* FALSE: run-rate (no earlier spend) */
  guint     profile_weeks;
  gboolean  shape;
} Point;

static void
series_init (Series       *s,
             const GDate  *first_date,
             const gint64 *days,
             guint         n_days)
{
  s->first_date = *first_date;
  s->days = days;
  s->n_days = n_days;
  s->data_start = n_days;
  for (guint i = 0; i < n_days; i++)
    if (days[i] != 0)
      {
        s->data_start = i;
        break;
      }
  s->first_weekday = g_date_get_weekday (first_date) - 1;
}

static guint
series_weekday (const Series *s,
                gint64        i)
{
  return (guint)(((gint64)s->first_weekday + i) % 7 + 7) % 7;
}

/* The month holding day @i: its first day's index (may be negative) and its length. */
static void
series_month (const Series *s,
              gint64        i,
              gint64       *start,
              guint        *length)
{
  GDate date = s->first_date;

  g_date_add_days (&date, (guint)i);
  *start = i - (g_date_get_day (&date) - 1);
  *length = g_date_get_days_in_month (g_date_get_month (&date), g_date_get_year (&date));
}

/* A day's cost over its expected share; NaN where the profile expects nothing (a weekday
 * without spend in any recent week), which says nothing about the level. */
static double
deseasonalise (gint64 cost,
               double weight)
{
  return weight > 1e-9 ? (double)cost / weight : NAN;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/**
 * tg_forecast_profile:
 * @days: (array length=n_days): complete days, oldest first
 * @last_weekday: the weekday of the last of them
 * @profile: (out): a factor per weekday, Monday first, averaging 1
 * @n_weeks: (out) (optional): the whole weeks it was read from
 *
 * The day-of-week profile of the last eight whole weeks (fewer when there are fewer):
 * each day's cost over the mean of its week, the median per weekday. Weeks without spend
 * are left out.
 *
 * Returns: %FALSE when fewer than two weeks had spend (the profile is then flat)
 */
gboolean
tg_forecast_profile (const gint64  *days,
                     guint          n_days,
                     GDateWeekday   last_weekday,
                     double         profile[7],
                     guint         *n_weeks)
{
  double ratios[7][PROFILE_WEEKS];
  guint n = 0;
  double mean = 0;

  g_return_val_if_fail (days != NULL || n_days == 0, FALSE);
  g_return_val_if_fail (g_date_valid_weekday (last_weekday), FALSE);

  for (guint w = 0; w < 7; w++)
    profile[w] = 1.0;

  for (guint b = 0; b < PROFILE_WEEKS && 7 * (b + 1) <= n_days; b++)
    {
      const gint64 *week = days + n_days - 7 * (b + 1);
      double sum = 0;

      for (guint j = 0; j < 7; j++)
        sum += (double)week[j];
      if (sum <= 0)
        continue;
      for (guint j = 0; j < 7; j++)
        {
          /* week[6] is a last_weekday; week[j] is 6 − j days before it */
          guint weekday = ((guint)last_weekday - 1 + 7 - (6 - j)) % 7;

          ratios[weekday][n] = (double)week[j] / (sum / 7.0);
        }
      n++;
    }

  if (n_weeks != NULL)
    *n_weeks = n >= 2 ? n : 0;
  if (n < 2)
    return FALSE;

  for (guint w = 0; w < 7; w++)
    {
      profile[w] = median (ratios[w], n);
      mean += profile[w] / 7.0;
    }
  if (mean <= 0)
    {
      for (guint w = 0; w < 7; w++)
        profile[w] = 1.0;
      return FALSE;
    }
  for (guint w = 0; w < 7; w++)
    profile[w] /= mean;

  return TRUE;
}

/**
 * tg_forecast_runrate:
 * @actual: the spend so far
 * @elapsed_days: the days of the month elapsed, a fraction of the current one included
 * @month_days: the days of the month
 *
 * The naive forecast: spend so far ÷ elapsed time × the month's length.
 *
 * Returns: the run-rate total; @actual when no time has elapsed
 */
gint64
tg_forecast_runrate (gint64 actual,
                     double elapsed_days,
                     guint  month_days)
{
  if (elapsed_days <= 0)
    return actual;
  return llround ((double)actual / elapsed_days * month_days);
}

/* The shape of the month: per day of the month, a factor from the earlier complete months
 * in [data_start, month_start), deseasonalised by @profile. FALSE (and all 1) with fewer
 * than SHAPE_MIN_MONTHS of them.
 */
static gboolean
month_shape (const Series *s,
             gint64        month_start,
             guint         month_days,
             const double  profile[7],
             double        shape[MAX_MONTH_DAYS])
{
  double ratios[MAX_MONTH_DAYS][SHAPE_MONTHS];
  guint counts[MAX_MONTH_DAYS] = { 0 };
  guint n_months = 0;
  gint64 end = month_start;
  double mean = 0;

  for (guint j = 0; j < MAX_MONTH_DAYS; j++)
    shape[j] = 1.0;

  while (n_months < SHAPE_MONTHS && end > 0)
    {
      gint64 start;
      guint length;
      double y[MAX_MONTH_DAYS];
      double sum = 0;
      guint n_known = 0;

      series_month (s, end - 1, &start, &length);
      if (start < (gint64)s->data_start)
        break;

      for (guint j = 0; j < length; j++)
        {
          y[j] = deseasonalise (s->days[start + j], profile[series_weekday (s, start + j)]);
          if (!isnan (y[j]))
            {
              sum += y[j];
              n_known++;
            }
        }
      if (sum > 0)
        {
          for (guint j = 0; j < length; j++)
            if (!isnan (y[j]))
              ratios[j][counts[j]++] = y[j] / (sum / n_known);
          n_months++;
        }
      end = start;
    }

  if (n_months < SHAPE_MIN_MONTHS)
    return FALSE;

  for (guint j = 0; j < MAX_MONTH_DAYS; j++)
    if (counts[j] > 0)
      shape[j] = 1.0 + (median (ratios[j], counts[j]) - 1.0) * counts[j] / (counts[j] + SHAPE_SHRINK);
  for (guint j = 0; j < month_days; j++)
    mean += shape[j] / month_days;
  if (mean > 0)
    for (guint j = 0; j < MAX_MONTH_DAYS; j++)
      shape[j] /= mean;

  return TRUE;
}

/* The point forecast for the month [month_start, month_start + month_days) as of the
 * moment @fraction into day @cur, when @actual had been spent in the month: from the days
 * before @cur only.
 */
static void
point_forecast (const Series *s,
                gint64        month_start,
                guint         month_days,
                gint64        cur,
                double        fraction,
                double        actual,
                Point        *point)
{
  double elapsed = (double)(cur - month_start) + fraction;
  gint64 history_start = MAX ((gint64)s->data_start, cur - TG_FORECAST_HISTORY_DAYS);
  double profile[7];
  double shape[MAX_MONTH_DAYS];
  double recent[RECENT_DAYS];
  guint n_recent = 0;
  guint trim;
  double recent_level = 0;
  double month_weight = 0;
  double level;
  double alpha;
  double remaining = 0;

  memset (point, 0, sizeof *point);

  /* No spend before the month: the month so far is all there is. */
  if ((gint64)s->data_start >= month_start || history_start >= cur)
    {
      point->forecast = elapsed > 0 ? actual / elapsed * month_days : actual;
      return;
    }
  point->model = TRUE;

  tg_forecast_profile (s->days + history_start, (guint)(cur - history_start),
                       (GDateWeekday)(series_weekday (s, cur - 1) + 1), profile,
                       &point->profile_weeks);
  point->shape = month_shape (s, month_start, month_days, profile, shape);

  /* The recent level: the last days' costs over their profile, trimmed of a tenth at each
   * end (a runaway user's day says little about the next weeks). */
  for (gint64 i = cur - 1; i >= history_start && i >= cur - RECENT_DAYS; i--)
    {
      gint64 start;
      guint length;

      double y;

      series_month (s, i, &start, &length);
      y = deseasonalise (s->days[i], profile[series_weekday (s, i)] * shape[i - start]);
      if (!isnan (y))
        recent[n_recent++] = y;
    }
  qsort (recent, n_recent, sizeof (double), compare_doubles);
  trim = n_recent / 10;
  for (guint j = trim; j < n_recent - trim; j++)
    recent_level += recent[j] / (n_recent - 2 * trim);

  /* The month so far, over the profile of its elapsed time. */
  for (gint64 i = month_start; i < cur; i++)
    month_weight += profile[series_weekday (s, i)] * shape[i - month_start];
  month_weight += fraction * profile[series_weekday (s, cur)] * shape[cur - month_start];

  alpha = month_weight / (month_weight + BLEND_DAYS);
  level = month_weight > 0 ? alpha * (actual / month_weight) + (1 - alpha) * recent_level
                           : recent_level;

  remaining = (1 - fraction) * profile[series_weekday (s, cur)] * shape[cur - month_start];
  for (gint64 i = cur + 1; i < month_start + month_days; i++)
    remaining += profile[series_weekday (s, i)] * shape[i - month_start];

  point->forecast = actual + level * remaining;
}

/* Student's t at 0.9125 for 1 to 12 degrees of freedom; the normal quantile beyond: a
 * nominal 82.5 % interval. On synthetic seasonal histories (tests/test-forecast.c) a
 * nominal 80 % one covered 78 to 84 % of replays and a nominal 85 % one 85 to 88 %: the
 * replays' errors are not quite independent. This one aims at the middle of the issue's
 * 75 to 90 %.
 */
static double
t_quantile (guint df)
{
  static const double table[] = {
    3.546, 2.065, 1.769, 1.647, 1.580, 1.538, 1.509, 1.488, 1.472, 1.460, 1.450, 1.442,
  };

  if (df == 0)
    return INFINITY;
  return df <= G_N_ELEMENTS (table) ? table[df - 1] : 1.356;
}

static double
sum_days (const Series *s,
          gint64        from,
          gint64        to)
{
  double sum = 0;

  for (gint64 i = MAX (from, 0); i < to; i++)
    sum += (double)s->days[i];
  return sum;
}

/* The interval around a forecast made @elapsed days into a month of @month_days
 * starting at @month_start: the model replayed on earlier months at the same point.
 * Returns the number of months replayed; *@mu and *@half the log ratio's location and
 * half-width when at least TG_FORECAST_MIN_REPLAY_MONTHS.
 */
static guint
calibrate (const Series *s,
           gint64        month_start,
           guint         month_days,
           double        elapsed,
           double       *mu,
           double       *half)
{
  double r[3 * TG_FORECAST_MAX_REPLAY_MONTHS];
  guint n_r = 0;
  guint n = 0;
  gint64 end = month_start;
  double mean = 0;
  double var = 0;

  while (n < TG_FORECAST_MAX_REPLAY_MONTHS && end > 0)
    {
      gint64 start;
      guint length;
      gint64 centre;
      double total;
      guint count = 0;

      series_month (s, end - 1, &start, &length);
      end = start;
      /* The model runs on a month only with spend before it, and replays need the whole
       * month. */
      if (start <= (gint64)s->data_start || start < 0)
        break;
      total = sum_days (s, start, start + length);
      if (total <= 0)
        continue;

      /* The same point of the month: by days elapsed in its first half, by days left in
       * its second (what is left is what the forecast has to guess). */
      centre = elapsed <= month_days / 2.0 ? llround (elapsed)
                                           : (gint64)length - llround (month_days - elapsed);
      for (gint64 j = centre - 1; j <= centre + 1; j++)
        {
          Point point;
          double so_far;

          if (j < 0 || j >= (gint64)length)
            continue;
          so_far = sum_days (s, start, start + j);
          point_forecast (s, start, length, start + j, 0.0, so_far, &point);
          /* The ratio of what was still to come to what the model expected of it. */
          if (point.forecast - so_far <= 0 || total - so_far <= 0)
            continue;
          r[n_r++] = log ((total - so_far) / (point.forecast - so_far));
          count++;
        }
      if (count > 0)
        n++;
    }

  if (n < TG_FORECAST_MIN_REPLAY_MONTHS)
    return n;

  /* Every replayed point counts for the location and the spread; the months, whose
   * neighbouring days err alike, for the degrees of freedom. */
  for (guint i = 0; i < n_r; i++)
    mean += r[i] / n_r;
  for (guint i = 0; i < n_r; i++)
    var += (r[i] - mean) * (r[i] - mean) / (n_r - 1);

  *mu = mean;
  *half = t_quantile (n - 1) * sqrt (var) * sqrt (1.0 + 1.0 / n);
  return n;
}

static gint64
clamp_micros (double value)
{
  if (!(value < 9.0e18))
    return G_GINT64_CONSTANT (9000000000000000000);
  if (value < 0)
    return 0;
  return llround (value);
}

/* The forecast of the month of day @cur. */
static void
forecast_at (const Series *s,
             gint64        cur,
             double        fraction,
             gint64        actual,
             gboolean      with_interval,
             TgForecast   *forecast)
{
  gint64 month_start;
  guint month_days;
  gint64 history_start;
  Series h;
  Point point;
  double mu = 0;
  double half = 0;
  double shrunk;

  memset (forecast, 0, sizeof *forecast);
  series_month (s, cur, &month_start, &month_days);

  /* The model sees TG_FORECAST_HISTORY_DAYS before the month, however many it is given,
   * so that a forecast as of a moment is the same in a backtest and on its own. */
  h = *s;
  if ((gint64)h.data_start < month_start - TG_FORECAST_HISTORY_DAYS)
    h.data_start = (guint)(month_start - TG_FORECAST_HISTORY_DAYS);
  s = &h;
  history_start = MAX ((gint64)s->data_start, cur - TG_FORECAST_HISTORY_DAYS);

  forecast->actual = actual;
  forecast->month_days = month_days;
  forecast->elapsed_days = (double)(cur - month_start) + fraction;
  forecast->basis_days = history_start < cur ? (guint)(cur - history_start) : 0;
  forecast->runrate = tg_forecast_runrate (actual, forecast->elapsed_days, month_days);

  point_forecast (s, month_start, month_days, cur, fraction, (double)actual, &point);
  forecast->forecast = MAX (clamp_micros (point.forecast), actual);
  forecast->profile_weeks = point.profile_weeks;
  forecast->month_shape = point.shape;

  if (!point.model)
    {
      forecast->confidence = actual > 0 ? TG_FORECAST_CONFIDENCE_LOW
                                        : TG_FORECAST_CONFIDENCE_NONE;
      return;
    }

  forecast->confidence = TG_FORECAST_CONFIDENCE_MEDIUM;
  if (!with_interval)
    return;

  forecast->replay_months = calibrate (s, month_start, month_days, forecast->elapsed_days,
                                       &mu, &half);
  if (forecast->replay_months < TG_FORECAST_MIN_REPLAY_MONTHS)
    return;

  forecast->confidence = TG_FORECAST_CONFIDENCE_HIGH;
  forecast->has_interval = TRUE;

  /* What the replays say the model misses at this point of the month (growth the recent
   * level lags behind, a shape the profile does not hold) corrects the part of the
   * forecast still to come, shrunk by the months it was seen in; the interval is the
   * replays' own, unshrunk. */
  shrunk = mu * forecast->replay_months / (forecast->replay_months + BIAS_SHRINK);
  forecast->forecast = MAX (clamp_micros (actual + (point.forecast - actual) * exp (shrunk)),
                            actual);

  /* Never below what was spent, and always around the forecast itself. */
  forecast->low = MIN (MAX (clamp_micros (actual + (point.forecast - actual) * exp (mu - half)),
                            actual),
                       forecast->forecast);
  forecast->high = MAX (clamp_micros (actual + (point.forecast - actual) * exp (mu + half)),
                        forecast->forecast);
}

/**
 * tg_forecast_compute:
 * @input: the scope's days up to the moment
 * @forecast: (out caller-allocates): the month-end forecast
 *
 * Forecasts the month of the moment's day from the days before it: the model when there
 * was spend before the month, with an 80 % interval when at least two earlier months
 * could be replayed; the run-rate otherwise.
 */
void
tg_forecast_compute (const TgForecastInput *input,
                     TgForecast            *forecast)
{
  Series s;

  g_return_if_fail (input != NULL);
  g_return_if_fail (forecast != NULL);
  g_return_if_fail (input->n_days > 0 && input->days != NULL);
  g_return_if_fail (g_date_valid (&input->first_date));
  g_return_if_fail (input->day_fraction >= 0 && input->day_fraction < 1);

  series_init (&s, &input->first_date, input->days, input->n_days);
  /* Spend that began in the moment's own day is no history. */
  if (s.data_start == input->n_days - 1)
    s.data_start = input->n_days;
  forecast_at (&s, input->n_days - 1, input->day_fraction, MAX (input->month_actual, 0),
               TRUE, forecast);
}

/**
 * tg_forecast_describe:
 *
 * Returns: (transfer full): what the forecast stands on, in a sentence for people
 */
char *
tg_forecast_describe (const TgForecast *forecast)
{
  g_autoptr(GString) why = g_string_new (NULL);

  g_return_val_if_fail (forecast != NULL, NULL);

  switch (forecast->confidence)
    {
    case TG_FORECAST_CONFIDENCE_NONE:
      g_string_append (why, "none: no spend before this moment, nothing to forecast from");
      break;

    case TG_FORECAST_CONFIDENCE_LOW:
      g_string_append (why, "low: no earlier months: run-rate only, no interval");
      break;

    case TG_FORECAST_CONFIDENCE_MEDIUM:
      g_string_append_printf (why, "medium: %u day%s of history; interval held back until "
                              "%u earlier months can be replayed (%u so far)",
                              forecast->basis_days, forecast->basis_days == 1 ? "" : "s",
                              TG_FORECAST_MIN_REPLAY_MONTHS, forecast->replay_months);
      break;

    case TG_FORECAST_CONFIDENCE_HIGH:
      g_string_append_printf (why, "high: %u days of history; 80 %% interval calibrated on "
                              "%u earlier months replayed at this point of the month",
                              forecast->basis_days, forecast->replay_months);
      break;

    default:
      g_assert_not_reached ();
    }

  if (forecast->confidence >= TG_FORECAST_CONFIDENCE_MEDIUM)
    {
      if (forecast->profile_weeks > 0)
        g_string_append_printf (why, "; day-of-week profile of %u weeks",
                                forecast->profile_weeks);
      else
        g_string_append (why, "; no day-of-week profile yet (under two weeks)");
      if (forecast->month_shape)
        g_string_append (why, "; shape of earlier months");
    }

  return g_string_free (g_steal_pointer (&why), FALSE);
}

/**
 * tg_forecast_backtest:
 * @first_date: the local date of days[0]
 * @days: (array length=n_days): daily costs, complete days
 * @first_month: the first day of the first month to replay
 * @n_months: how many months to replay; each must lie wholly in @days
 * @points: (array length=n_points) (nullable): the days of the month to replay as of
 *   their end; %NULL for every day but the last
 *
 * Replays the model as if it were the end of each of @points in each month, from the days
 * before that moment only, and compares the forecast, the run-rate and the interval with
 * the month's total. Months without spend are left out; so are days at or past a month's
 * end.
 *
 * Returns: (transfer full): the errors per day
 */
TgForecastBacktest *
tg_forecast_backtest (const GDate  *first_date,
                      const gint64 *days,
                      guint         n_days,
                      const GDate  *first_month,
                      guint         n_months,
                      const guint  *points,
                      guint         n_points)
{
  TgForecastBacktest *backtest;
  TgForecastBacktestDay by_day[MAX_MONTH_DAYS];
  double ape[MAX_MONTH_DAYS] = { 0 };
  double runrate_ape[MAX_MONTH_DAYS] = { 0 };
  guint8 wanted[MAX_MONTH_DAYS + 1] = { 0 };
  Series s;
  gint64 month_start;

  g_return_val_if_fail (first_date != NULL && g_date_valid (first_date), NULL);
  g_return_val_if_fail (first_month != NULL && g_date_valid (first_month), NULL);
  g_return_val_if_fail (days != NULL || n_days == 0, NULL);

  series_init (&s, first_date, days, n_days);
  memset (by_day, 0, sizeof by_day);
  if (points == NULL)
    memset (wanted, 1, sizeof wanted);
  else
    for (guint i = 0; i < n_points; i++)
      if (points[i] >= 1 && points[i] <= MAX_MONTH_DAYS)
        wanted[points[i]] = 1;

  backtest = g_new0 (TgForecastBacktest, 1);
  backtest->by_day = g_array_new (FALSE, FALSE, sizeof (TgForecastBacktestDay));

  month_start = g_date_days_between (first_date, first_month);
  for (guint m = 0; m < n_months; m++)
    {
      gint64 start;
      guint length;
      double total;
      double so_far = 0;

      series_month (&s, month_start, &start, &length);
      g_return_val_if_fail (start >= 0 && start + length <= n_days, backtest);
      month_start = start + length;

      total = sum_days (&s, start, start + length);
      if (total <= 0)
        continue;

      for (guint day = 1; day < length; day++)
        {
          TgForecast forecast;
          gint64 runrate;

          so_far += (double)days[start + day - 1];
          if (!wanted[day])
            continue;

          forecast_at (&s, start + day, 0.0, (gint64)llround (so_far), TRUE, &forecast);
          runrate = tg_forecast_runrate ((gint64)llround (so_far), day, length);

          by_day[day - 1].day = day;
          by_day[day - 1].n++;
          ape[day - 1] += fabs ((double)forecast.forecast - total) / total * 100.0;
          runrate_ape[day - 1] += fabs ((double)runrate - total) / total * 100.0;
          if (forecast.has_interval)
            {
              backtest->coverage_points++;
              if ((double)forecast.low <= total && total <= (double)forecast.high)
                backtest->covered++;
            }
        }
    }

  for (guint j = 0; j < MAX_MONTH_DAYS; j++)
    if (by_day[j].n > 0)
      {
        by_day[j].mape = ape[j] / by_day[j].n;
        by_day[j].runrate_mape = runrate_ape[j] / by_day[j].n;
        g_array_append_val (backtest->by_day, by_day[j]);
      }

  return backtest;
}

/**
 * tg_forecast_backtest_get_coverage:
 *
 * Returns: the fraction of replays with an interval whose interval held the total; NaN
 *   when none had an interval
 */
double
tg_forecast_backtest_get_coverage (const TgForecastBacktest *backtest)
{
  g_return_val_if_fail (backtest != NULL, NAN);

  if (backtest->coverage_points == 0)
    return NAN;
  return (double)backtest->covered / backtest->coverage_points;
}

void
tg_forecast_backtest_free (TgForecastBacktest *backtest)
{
  if (backtest == NULL)
    return;
  g_array_unref (backtest->by_day);
  g_free (backtest);
}

/**
 * tg_forecast_scope_parse:
 * @text: "overall", "provider:SLUG", "cost-centre:CODE" or "feature:NAME"
 * @name: (out) (transfer full) (optional): the provider, cost centre or feature; %NULL
 *   for overall
 *
 * Reads a scope's grammar; whether the name exists is for the database to say.
 */
gboolean
tg_forecast_scope_parse (const char           *text,
                         TgForecastScopeKind  *kind,
                         char                **name,
                         GError              **error)
{
  static const struct { const char *prefix; TgForecastScopeKind kind; } kinds[] = {
    { "provider:", TG_FORECAST_SCOPE_PROVIDER },
    { "cost-centre:", TG_FORECAST_SCOPE_COST_CENTRE },
    { "feature:", TG_FORECAST_SCOPE_FEATURE },
  };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  if (g_strcmp0 (text, "overall") == 0)
    {
      *kind = TG_FORECAST_SCOPE_OVERALL;
      if (name != NULL)
        *name = NULL;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char *rest;

      if (!g_str_has_prefix (text, kinds[i].prefix))
        continue;
      rest = text + strlen (kinds[i].prefix);
      if (*rest == '\0' || !g_utf8_validate (rest, -1, NULL))
        break;
      for (const char *p = rest; *p != '\0'; p++)
        if ((guchar)*p < 0x20 || *p == 0x7f)
          goto bad;
      *kind = kinds[i].kind;
      if (name != NULL)
        *name = g_strdup (rest);
      return TRUE;
    }

bad:
  g_set_error (error, TG_FORECAST_ERROR, TG_FORECAST_ERROR_INVALID_SCOPE,
               "a scope is overall, provider:SLUG, cost-centre:CODE or feature:NAME");
  return FALSE;
}

/**
 * tg_forecast_scope_to_string:
 *
 * Returns: (transfer full): the scope as tg_forecast_scope_parse() reads it
 */
char *
tg_forecast_scope_to_string (TgForecastScopeKind  kind,
                             const char          *name)
{
  switch (kind)
    {
    case TG_FORECAST_SCOPE_OVERALL:
      return g_strdup ("overall");
    case TG_FORECAST_SCOPE_PROVIDER:
      return g_strdup_printf ("provider:%s", name);
    case TG_FORECAST_SCOPE_COST_CENTRE:
      return g_strdup_printf ("cost-centre:%s", name);
    case TG_FORECAST_SCOPE_FEATURE:
      return g_strdup_printf ("feature:%s", name);
    default:
      g_return_val_if_reached (NULL);
    }
}
