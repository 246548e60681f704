/* tg-chart-scale.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Time axes are built from tg-time-bucket's local buckets rather than from multiples of
 * 86,400 seconds, so that a tick falls on every local midnight of a 23- or 25-hour day and
 * on the local hour of a zone half an hour off UTC. Coarser steps (three hours, quarters,
 * years) are the buckets of a finer size whose local field is a multiple: the tick at
 * 03:00 is the hour bucket that starts at local 03:00.
 *
 * A step fits when no two neighbouring ticks are closer than a label's width. Steps are
 * tried finest first with their nominal length as a quick bound, and the ticks of the
 * first plausible one are measured for real, since a short day or a short month brings two
 * ticks closer than the nominal length says.
 *
 * Value axes count in round steps (1, 2, 2.5 or 5 × 10^n) and always show zero, so that
 * bars and areas are read from their base. Their text follows tg-format's one policy
 * (',' between thousands, '.' before decimals, whatever the locale) through
 * tg_format_micros(), the helper that groups and trims.
 *
 * Money on a value axis is compact: the currency's symbol, the amount with a suffix of
 * thousands (k), millions (M), billions (B) or trillions (T) and as many decimals as the
 * step needs, "$850", "$1.25k", "$3.4M"; amounts under a thousand with cents on the axis
 * show the currency's minor unit, "$0.50". The currency's code is not repeated on every
 * tick: the chart says it once beside the axis (tg-chart.c), and a currency without a
 * known symbol writes its code after each amount instead, "1.2k CHF". Exact amounts (a
 * tooltip) are tg_format_money()'s, "$412.30 AUD".
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-chart-scale.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"

/* Nominal lengths of the steps, for the quick bound; the real ticks are measured. */
static const double step_seconds[] = {
  [TG_TIME_STEP_15MIN] = 900,
  [TG_TIME_STEP_30MIN] = 1800,
  [TG_TIME_STEP_HOUR] = 3600,
  [TG_TIME_STEP_3HOURS] = 3 * 3600,
  [TG_TIME_STEP_6HOURS] = 6 * 3600,
  [TG_TIME_STEP_12HOURS] = 12 * 3600,
  [TG_TIME_STEP_DAY] = 86400,
  [TG_TIME_STEP_WEEK] = 7 * 86400,
  [TG_TIME_STEP_MONTH] = 28 * 86400,
  [TG_TIME_STEP_QUARTER] = 89 * 86400,
  [TG_TIME_STEP_YEAR] = 365 * 86400,
};

/* The bucket each step is made of, and the multiple of the bucket's local field it keeps
 * (minutes for quarter hours, hours for hours, months for months; 1 keeps every bucket).
 */
static const struct
{
  TgBucketSize bucket;
  int          multiple;
} step_buckets[] = {
  [TG_TIME_STEP_15MIN] = { TG_BUCKET_15MIN, 15 },
  [TG_TIME_STEP_30MIN] = { TG_BUCKET_15MIN, 30 },
  [TG_TIME_STEP_HOUR] = { TG_BUCKET_HOUR, 1 },
  [TG_TIME_STEP_3HOURS] = { TG_BUCKET_HOUR, 3 },
  [TG_TIME_STEP_6HOURS] = { TG_BUCKET_HOUR, 6 },
  [TG_TIME_STEP_12HOURS] = { TG_BUCKET_HOUR, 12 },
  [TG_TIME_STEP_DAY] = { TG_BUCKET_DAY, 1 },
  [TG_TIME_STEP_WEEK] = { TG_BUCKET_WEEK, 1 },
  [TG_TIME_STEP_MONTH] = { TG_BUCKET_MONTH, 1 },
  [TG_TIME_STEP_QUARTER] = { TG_BUCKET_MONTH, 3 },
  [TG_TIME_STEP_YEAR] = { TG_BUCKET_MONTH, 12 },
};

/* A series this long is beyond any axis a person reads; it bounds the loops below. */
#define MAX_TICKS 10000

/**
 * tg_time_scale_to_pixel:
 *
 * Returns: where @instant is, in pixels from the scale's left edge; 0 for an empty range
 */
double
tg_time_scale_to_pixel (const TgTimeScale *scale,
                        gint64             instant)
{
  g_return_val_if_fail (scale != NULL, 0.0);

  if (scale->end <= scale->start)
    return 0.0;

  return (double)(instant - scale->start) * scale->width / (double)(scale->end - scale->start);
}

/**
 * tg_time_scale_from_pixel:
 *
 * Returns: the instant at @x pixels from the left edge, to the second
 */
gint64
tg_time_scale_from_pixel (const TgTimeScale *scale,
                          double             x)
{
  g_return_val_if_fail (scale != NULL, 0);

  if (scale->end <= scale->start || scale->width <= 0)
    return scale->start;

  return scale->start + (gint64)llround (x * (double)(scale->end - scale->start) / scale->width);
}

static GDateTime *
local_date_time (GTimeZone *tz,
                 gint64     instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);

  return utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
}

/* Whether the bucket starting at @tick begins a tick of @step. */
static gboolean
step_keeps (GTimeZone  *tz,
            TgTimeStep  step,
            gint64      tick)
{
  g_autoptr(GDateTime) local = NULL;
  int multiple = step_buckets[step].multiple;

  if (multiple == 1 || step == TG_TIME_STEP_15MIN)
    return TRUE;

  local = local_date_time (tz, tick);
  if (local == NULL)
    return TRUE;

  switch (step_buckets[step].bucket)
    {
    case TG_BUCKET_15MIN:
      return g_date_time_get_minute (local) % multiple == 0;
    case TG_BUCKET_HOUR:
      return g_date_time_get_hour (local) % multiple == 0;
    case TG_BUCKET_MONTH:
      return (g_date_time_get_month (local) - 1) % multiple == 0;
    case TG_BUCKET_DAY:
    case TG_BUCKET_WEEK:
    default:
      return TRUE;
    }
}

/**
 * tg_time_step_floor:
 * @tz: the billing time zone
 *
 * Returns: the last tick of @step at or before @instant: for %TG_TIME_STEP_DAY the local
 *   midnight that began @instant's day, for %TG_TIME_STEP_QUARTER the first instant of
 *   January, April, July or October
 */
gint64
tg_time_step_floor (GTimeZone  *tz,
                    TgTimeStep  step,
                    gint64      instant)
{
  TgBucketSize bucket;
  gint64 tick;

  g_return_val_if_fail (tz != NULL, instant);
  g_return_val_if_fail (step <= TG_TIME_STEP_YEAR, instant);

  bucket = step_buckets[step].bucket;
  tick = tg_time_bucket_floor (tz, bucket, instant);
  for (guint i = 0; i < 32 && !step_keeps (tz, step, tick); i++)
    tick = tg_time_bucket_floor (tz, bucket, tick - 1);

  return tick;
}

/**
 * tg_time_step_next:
 * @tick: a tick of @step
 *
 * Returns: the tick of @step after @tick
 */
gint64
tg_time_step_next (GTimeZone  *tz,
                   TgTimeStep  step,
                   gint64      tick)
{
  TgBucketSize bucket;
  gint64 next;

  g_return_val_if_fail (tz != NULL, tick);
  g_return_val_if_fail (step <= TG_TIME_STEP_YEAR, tick);

  bucket = step_buckets[step].bucket;
  next = tg_time_bucket_next (tz, bucket, tick);
  for (guint i = 0; i < 32 && !step_keeps (tz, step, next); i++)
    next = tg_time_bucket_next (tz, bucket, next);

  return next;
}

static gboolean
is_day_start (GTimeZone *tz,
              gint64     instant)
{
  return tg_time_bucket_floor (tz, TG_BUCKET_DAY, instant) == instant;
}

/* "14:00" within a day, "14 Nov" where a day starts; "Nov", or "2027" for January. */
static char *
tick_label (GTimeZone  *tz,
            TgTimeStep  step,
            gint64      instant)
{
  g_autoptr(GDateTime) local = local_date_time (tz, instant);

  if (local == NULL)
    return g_strdup ("");

  if (step < TG_TIME_STEP_DAY && !is_day_start (tz, instant))
    return g_date_time_format (local, "%H:%M");

  if (step < TG_TIME_STEP_MONTH)
    return g_date_time_format (local, "%-d %b");

  if (step < TG_TIME_STEP_YEAR && g_date_time_get_month (local) != G_DATE_JANUARY)
    return g_date_time_format (local, "%b");

  return g_date_time_format (local, "%Y");
}

static void
clear_tick (gpointer data)
{
  TgTimeTick *tick = data;

  g_clear_pointer (&tick->label, g_free);
}

static GArray *
ticks_new (void)
{
  GArray *ticks = g_array_new (FALSE, TRUE, sizeof (TgTimeTick));

  g_array_set_clear_func (ticks, clear_tick);
  return ticks;
}

/**
 * tg_time_ticks_new:
 * @tz: the billing time zone
 * @start: Unix seconds
 * @end: Unix seconds, after @start
 *
 * Every tick of @step in [@start, @end), with its label.
 *
 * Returns: (transfer full) (element-type TgTimeTick): the ticks, in time order; the array
 *   frees their labels
 */
GArray *
tg_time_ticks_new (GTimeZone  *tz,
                   TgTimeStep  step,
                   gint64      start,
                   gint64      end)
{
  GArray *ticks;
  gint64 tick;

  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail (step <= TG_TIME_STEP_YEAR, NULL);

  ticks = ticks_new ();
  if (end <= start)
    return ticks;

  tick = tg_time_step_floor (tz, step, start);
  if (tick < start)
    tick = tg_time_step_next (tz, step, tick);

  while (tick < end && ticks->len < MAX_TICKS)
    {
      TgTimeTick item = { tick, tick_label (tz, step, tick) };
      gint64 next = tg_time_step_next (tz, step, tick);

      g_array_append_val (ticks, item);
      if (next <= tick)
        break;
      tick = next;
    }

  return ticks;
}

/* Whether neighbouring ticks are at least @label_width apart. */
static gboolean
ticks_fit (GArray            *ticks,
           const TgTimeScale *scale,
           double             label_width)
{
  for (guint i = 1; i < ticks->len; i++)
    {
      double a = tg_time_scale_to_pixel (scale, g_array_index (ticks, TgTimeTick, i - 1).instant);
      double b = tg_time_scale_to_pixel (scale, g_array_index (ticks, TgTimeTick, i).instant);

      if (b - a < label_width)
        return FALSE;
    }

  return TRUE;
}

/**
 * tg_time_axis_ticks:
 * @tz: the billing time zone
 * @start: the axis's first instant, Unix seconds
 * @end: the instant after its last
 * @width: the axis's length in pixels
 * @label_width: the width of the widest label with the space wanted between two labels
 * @step: (out) (optional): the step chosen
 *
 * The ticks of the finest step whose labels do not overlap: quarter hours, half hours,
 * hours, three, six or twelve hours, days, weeks (from Monday), months, quarters or years.
 * When even years are too close, every second, fifth, tenth… year is kept.
 *
 * Returns: (transfer full) (element-type TgTimeTick): the ticks in [@start, @end)
 */
GArray *
tg_time_axis_ticks (GTimeZone  *tz,
                    gint64      start,
                    gint64      end,
                    double      width,
                    double      label_width,
                    TgTimeStep *step)
{
  TgTimeScale scale = { start, end, width };
  GArray *ticks = NULL;

  g_return_val_if_fail (tz != NULL, NULL);

  if (step != NULL)
    *step = TG_TIME_STEP_YEAR;
  if (end <= start || width <= 0)
    return ticks_new ();

  label_width = MAX (label_width, 1.0);
  for (TgTimeStep candidate = TG_TIME_STEP_15MIN; candidate <= TG_TIME_STEP_YEAR; candidate++)
    {
      double nominal = step_seconds[candidate] * width / (double)(end - start);

      /* Too close even at its longest, or too many to lay out: no need to make them. */
      if (nominal * 1.1 < label_width || (double)(end - start) / step_seconds[candidate] > MAX_TICKS)
        continue;

      ticks = tg_time_ticks_new (tz, candidate, start, end);
      if (ticks_fit (ticks, &scale, label_width))
        {
          if (step != NULL)
            *step = candidate;
          return ticks;
        }
      g_clear_pointer (&ticks, g_array_unref);
    }

  /* Years, thinned to round multiples until they fit. */
  ticks = tg_time_ticks_new (tz, TG_TIME_STEP_YEAR, start, end);
  for (guint every = 2; ticks->len > 1 && !ticks_fit (ticks, &scale, label_width);
       every = every == 2 ? 5 : every * 2)
    {
      GArray *kept = ticks_new ();

      for (guint i = 0; i < ticks->len; i++)
        {
          TgTimeTick *tick = &g_array_index (ticks, TgTimeTick, i);
          g_autoptr(GDateTime) local = local_date_time (tz, tick->instant);

          if (local != NULL && g_date_time_get_year (local) % every == 0)
            {
              TgTimeTick copy = { tick->instant, g_strdup (tick->label) };

              g_array_append_val (kept, copy);
            }
        }

      g_array_unref (ticks);
      ticks = kept;
      if (every > 1000)
        break;
    }

  return ticks;
}

/* The smallest step a value axis takes, and whether steps must be whole multiples of it
 * (no half calls, no fractions of a cent).
 */
static void
format_limits (TgValueFormat  format,
               double        *min_step,
               gboolean      *whole,
               double        *default_span)
{
  switch (format)
    {
    case TG_VALUE_FORMAT_COUNT:
      *min_step = 1;
      *whole = TRUE;
      *default_span = 1;
      break;

    case TG_VALUE_FORMAT_MONEY:
      *min_step = 10000;  /* a cent, in micro-units */
      *whole = TRUE;
      *default_span = TG_MICROS_PER_UNIT;
      break;

    case TG_VALUE_FORMAT_PERCENT:
      *min_step = 0.0001;  /* a hundredth of a percent */
      *whole = FALSE;
      *default_span = 0.01;
      break;

    case TG_VALUE_FORMAT_MILLISECONDS:
    default:
      *min_step = 0.01;
      *whole = FALSE;
      *default_span = 1;
      break;
    }
}

static gboolean
is_whole_multiple (double value,
                   double unit)
{
  double ratio = value / unit;

  return fabs (ratio - round (ratio)) < 1e-9 * MAX (1.0, fabs (ratio));
}

/**
 * tg_value_scale_init:
 * @format: what the values measure
 * @data_min: the smallest value to show
 * @data_max: the largest
 * @max_ticks: at most this many ticks (2 at least)
 *
 * A round axis for [@data_min, @data_max]: its ends are multiples of a step of 1, 2, 2.5
 * or 5 × 10^n, and zero is always on it, so non-negative data start at zero. Counts and
 * money step by whole calls and whole cents.
 *
 * Returns: %TRUE, or %FALSE when the data have no extent (all zero, or not finite) and
 *   the axis shows a default span above zero: one call, one unit of money, 1 %, 1 ms
 */
gboolean
tg_value_scale_init (TgValueScale  *scale,
                     TgValueFormat  format,
                     double         data_min,
                     double         data_max,
                     guint          max_ticks)
{
  static const double mantissas[] = { 1, 2, 2.5, 5 };
  double min_step;
  double default_span;
  gboolean whole;
  gboolean spanned = TRUE;
  double lo;
  double hi;
  int exponent;

  g_return_val_if_fail (scale != NULL, FALSE);

  format_limits (format, &min_step, &whole, &default_span);
  max_ticks = MAX (max_ticks, 2);

  lo = isfinite (data_min) ? MIN (data_min, 0.0) : 0.0;
  hi = isfinite (data_max) ? MAX (data_max, 0.0) : 0.0;
  if (hi <= lo)
    {
      hi = lo + default_span;
      spanned = FALSE;
    }

  exponent = (int)floor (log10 ((hi - lo) / (max_ticks - 1))) - 1;
  for (;; exponent++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
        {
          double step = mantissas[i] * pow (10, exponent);
          double first;
          double last;

          if (step < min_step * (1 - 1e-9) || (whole && !is_whole_multiple (step, min_step)))
            continue;

          first = floor (lo / step + 1e-9);
          last = ceil (hi / step - 1e-9);
          if (last - first + 1 <= max_ticks)
            {
              scale->min = first * step;
              scale->max = last * step;
              scale->step = step;
              scale->n_ticks = (guint)(last - first) + 1;
              return spanned;
            }
        }
    }
}

/**
 * tg_value_scale_tick:
 *
 * Returns: the value of tick @index, from the bottom
 */
double
tg_value_scale_tick (const TgValueScale *scale,
                     guint               index)
{
  double value;

  g_return_val_if_fail (scale != NULL, 0.0);

  /* Multiplying rather than adding keeps 0.1 + 0.1 + 0.1 from drifting off the round value. */
  value = scale->min + index * scale->step;
  return fabs (value) < scale->step * 1e-9 ? 0.0 : value;
}

/**
 * tg_value_scale_to_pixel:
 * @height: the axis's length in pixels
 *
 * Returns: how far below the top @value is drawn: @height for the scale's minimum, 0 for
 *   its maximum
 */
double
tg_value_scale_to_pixel (const TgValueScale *scale,
                         double              value,
                         double              height)
{
  g_return_val_if_fail (scale != NULL, 0.0);

  if (scale->max <= scale->min)
    return height;

  return height - (value - scale->min) / (scale->max - scale->min) * height;
}

/* How many decimals, at most 4, write every multiple of @step exactly. */
static guint
step_decimals (double step)
{
  for (guint decimals = 0; decimals < 4; decimals++)
    if (is_whole_multiple (step * pow (10, decimals), 1.0))
      return decimals;

  return 4;
}

/* @value grouped, with at most @decimals decimals, trailing zeros dropped: "1,250.5". */
static char *
format_plain (double value,
              guint  decimals)
{
  return tg_format_micros ((gint64)llround (value * 1e6), decimals);
}

/* @value in the largest of thousands, millions… it reaches, with its suffix: "12.5k". */
static char *
format_compact (double             value,
                double             step,
                const char * const suffixes[4])
{
  static const double units[] = { 1e3, 1e6, 1e9, 1e12 };
  g_autofree char *number = NULL;

  for (int i = G_N_ELEMENTS (units) - 1; i >= 0; i--)
    if (fabs (value) >= units[i])
      {
        number = format_plain (value / units[i], step_decimals (step / units[i]));
        return g_strconcat (number, suffixes[i], NULL);
      }

  return format_plain (value, step_decimals (step));
}

static char *
format_money_tick (double      micros,
                   double      step,
                   const char *currency)
{
  static const char * const suffixes[] = { "k", "M", "B", "T" };
  const char *symbol = tg_currency_is_valid (currency) ? tg_currency_get_symbol (currency) : "";
  g_autofree char *number = NULL;
  double units = fabs (micros) / TG_MICROS_PER_UNIT;
  double step_units = step / TG_MICROS_PER_UNIT;

  if (units < 1000 && !is_whole_multiple (step_units, 1.0))
    number = tg_format_decimal ((gint64)llround (fabs (micros)),
                                tg_currency_get_decimals (currency));
  else
    number = format_compact (units, step_units, suffixes);

  if (*symbol == '\0')
    return g_strdup_printf ("%s%s%s%s", micros < 0 ? "-" : "", number,
                            tg_currency_is_valid (currency) ? " " : "",
                            tg_currency_is_valid (currency) ? currency : "");

  return g_strdup_printf ("%s%s%s", micros < 0 ? "-" : "", symbol, number);
}

/**
 * tg_value_format_tick:
 * @value: a tick's value
 * @step: the axis's step, which decides how many decimals every tick shows
 * @currency: (nullable): the currency of %TG_VALUE_FORMAT_MONEY
 *
 * A tick's label, short: "12k", "3.4M" for counts; "$1.25k", "$0.50" for money (the file's
 * comment says how); "2.5%"; "850 ms", "1.5 s".
 *
 * Returns: (transfer full): the label
 */
char *
tg_value_format_tick (TgValueFormat  format,
                      double         value,
                      double         step,
                      const char    *currency)
{
  static const char * const si[] = { "k", "M", "G", "T" };
  g_autofree char *number = NULL;

  if (!isfinite (value))
    return g_strdup ("—");
  if (!(step > 0) || !isfinite (step))
    step = 1;

  switch (format)
    {
    case TG_VALUE_FORMAT_COUNT:
      return format_compact (value, step, si);

    case TG_VALUE_FORMAT_MONEY:
      return format_money_tick (value, step, currency);

    case TG_VALUE_FORMAT_PERCENT:
      number = format_plain (value * 100, step_decimals (step * 100));
      return g_strconcat (number, "%", NULL);

    case TG_VALUE_FORMAT_MILLISECONDS:
    default:
      if (fabs (value) < 1000)
        {
          number = format_plain (value, step_decimals (step));
          return g_strconcat (number, " ms", NULL);
        }
      number = format_plain (value / 1000, step_decimals (step / 1000));
      return g_strconcat (number, " s", NULL);
    }
}

/**
 * tg_value_format_exact:
 * @currency: (nullable): the currency of %TG_VALUE_FORMAT_MONEY
 *
 * A value in full, for a tooltip or a screen reader: "1,247" calls (two decimals if it is
 * not whole), "$412.30 AUD" (tg_format_money() of the micro-units, exact below 2^53 of
 * them, nine billion units), "2.53%", "1,234.5 ms"; a missing value (NaN) as a dash.
 *
 * Returns: (transfer full): the text
 */
char *
tg_value_format_exact (TgValueFormat  format,
                       double         value,
                       const char    *currency)
{
  g_autofree char *number = NULL;

  if (!isfinite (value))
    return g_strdup ("—");

  switch (format)
    {
    case TG_VALUE_FORMAT_COUNT:
      return format_plain (value, 2);

    case TG_VALUE_FORMAT_MONEY:
      return tg_format_money ((gint64)llround (value), currency);

    case TG_VALUE_FORMAT_PERCENT:
      number = format_plain (value * 100, 2);
      return g_strconcat (number, "%", NULL);

    case TG_VALUE_FORMAT_MILLISECONDS:
    default:
      number = format_plain (value, 1);
      return g_strconcat (number, " ms", NULL);
    }
}

/* Adds a column's kept indices to @kept in series order. */
static void
flush_column (GArray *kept,
              gssize  min_index,
              gssize  max_index,
              gssize  gap_index)
{
  gssize chosen[3] = { min_index, max_index, gap_index };
  gssize last = -1;
  guint index;

  for (guint pass = 0; pass < 3; pass++)
    {
      gssize smallest = -1;

      for (guint i = 0; i < 3; i++)
        if (chosen[i] > last && (smallest < 0 || chosen[i] < smallest))
          smallest = chosen[i];

      if (smallest < 0)
        break;

      index = (guint)smallest;
      g_array_append_val (kept, index);
      last = smallest;
    }
}

/**
 * tg_chart_decimate:
 * @instants: (array length=n_points): Unix seconds, ascending
 * @values: (array length=n_points): the values; NaN is no value (a gap)
 * @scale: the x axis the points are drawn on
 *
 * Which points to draw so that no pixel column gets more than its extremes: of each column
 * the point with the smallest and the one with the largest value (one point where they are
 * the same), so that a peak or a dip narrower than a pixel survives, and the column's first
 * missing value if it has one, so that a gap does. A column thus keeps two points, three
 * with a gap; a series with fewer points than the axis has pixels comes back whole where no
 * two share a column.
 *
 * Returns: (transfer full) (element-type guint): indices into @instants, ascending
 */
GArray *
tg_chart_decimate (const gint64      *instants,
                   const double      *values,
                   guint              n_points,
                   const TgTimeScale *scale)
{
  GArray *kept;
  gint64 column = G_MININT64;
  gssize min_index = -1;
  gssize max_index = -1;
  gssize gap_index = -1;

  g_return_val_if_fail (n_points == 0 || (instants != NULL && values != NULL), NULL);
  g_return_val_if_fail (scale != NULL, NULL);

  kept = g_array_sized_new (FALSE, FALSE, sizeof (guint), MIN (n_points, 4096));

  for (guint i = 0; i < n_points; i++)
    {
      gint64 this_column = (gint64)floor (tg_time_scale_to_pixel (scale, instants[i]));

      if (this_column != column)
        {
          flush_column (kept, min_index, max_index, gap_index);
          column = this_column;
          min_index = max_index = gap_index = -1;
        }

      if (isnan (values[i]))
        {
          if (gap_index < 0)
            gap_index = i;
          continue;
        }

      if (min_index < 0 || values[i] < values[min_index])
        min_index = i;
      if (max_index < 0 || values[i] > values[max_index])
        max_index = i;
    }
  flush_column (kept, min_index, max_index, gap_index);

  return kept;
}

/**
 * tg_chart_nearest_index:
 * @instants: (array length=n_points): Unix seconds, ascending
 * @scale: the x axis they are drawn on
 * @x: a pixel position on it, such as the pointer's
 *
 * Returns: the index of the instant drawn nearest to @x (the earlier of two as near), or
 *   -1 when there is none
 */
gssize
tg_chart_nearest_index (const gint64      *instants,
                        guint              n_points,
                        const TgTimeScale *scale,
                        double             x)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (n_points == 0 || instants != NULL, -1);
  g_return_val_if_fail (scale != NULL, -1);

  if (n_points == 0)
    return -1;

  /* The first instant drawn at or right of @x, then whichever neighbour is nearer. */
  hi = n_points;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (tg_time_scale_to_pixel (scale, instants[mid]) < x)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == n_points)
    return n_points - 1;
  if (lo == 0)
    return 0;

  if (x - tg_time_scale_to_pixel (scale, instants[lo - 1]) <=
      tg_time_scale_to_pixel (scale, instants[lo]) - x)
    return lo - 1;

  return lo;
}
