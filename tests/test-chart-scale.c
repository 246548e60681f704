/* test-chart-scale.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The arithmetic of charts without a display: time ticks on local boundaries of the
 * billing zone across daylight-saving changes and in zones half or three quarters of an
 * hour off UTC, the choice of a step that keeps labels apart, round value axes, the text
 * of ticks and of exact values, decimation that keeps peaks, and the hover look-up.
 */

#include "config.h"

#include <math.h>

#include "tg-chart-scale.h"
#include "tg-time-bucket.h"

static GTimeZone *
zone (const char *identifier)
{
  g_autoptr(GError) error = NULL;
  GTimeZone *tz = tg_time_zone_new_checked (identifier, &error);

  g_assert_no_error (error);
  return tz;
}

/* Unix seconds of local midnight of @year-@month-@day in @tz. */
static gint64
local_midnight (GTimeZone *tz,
                int        year,
                int        month,
                int        day)
{
  g_autoptr(GDateTime) local = g_date_time_new (tz, year, month, day, 0, 0, 0);

  return g_date_time_to_unix (local);
}

static GDateTime *
local_time (GTimeZone *tz,
            gint64     instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);

  return g_date_time_to_timezone (utc, tz);
}

static gint64
tick_at (GArray *ticks,
         guint   index)
{
  return g_array_index (ticks, TgTimeTick, index).instant;
}

static const char *
label_at (GArray *ticks,
          guint   index)
{
  return g_array_index (ticks, TgTimeTick, index).label;
}

typedef struct
{
  const char *zone;
  int         year;
  int         month;
  int         day;
  gint64      length;  /* of that local day, in seconds */
} DstDay;

static const DstDay dst_days[] = {
  { "Australia/Sydney", 2026, 10, 4, 23 * 3600 },  /* spring forward, 02:00 → 03:00 */
  { "Australia/Sydney", 2026, 4, 5, 25 * 3600 },   /* fall back, 03:00 → 02:00 */
  { "America/New_York", 2026, 3, 8, 23 * 3600 },
  { "America/New_York", 2026, 11, 1, 25 * 3600 },
};

/* Day ticks are every local midnight, so the change day's tick is 23 or 25 hours before
 * the next; hour ticks number 23 or 25 that day, each on a local hour.
 */
static void
test_dst_day (gconstpointer data)
{
  const DstDay *dst = data;
  g_autoptr(GTimeZone) tz = zone (dst->zone);
  gint64 day = local_midnight (tz, dst->year, dst->month, dst->day);
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) hours = NULL;
  g_autoptr(GArray) quarters = NULL;

  days = tg_time_ticks_new (tz, TG_TIME_STEP_DAY, day - 3 * 86400, day + 3 * 86400 + 43200);
  g_assert_cmpuint (days->len, ==, 7);
  for (guint i = 0; i < days->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (tz, tick_at (days, i));

      g_assert_cmpint (g_date_time_get_hour (local), ==, 0);
      g_assert_cmpint (g_date_time_get_minute (local), ==, 0);
    }
  g_assert_cmpint (tick_at (days, 3), ==, day);
  g_assert_cmpint (tick_at (days, 4) - tick_at (days, 3), ==, dst->length);
  g_assert_cmpint (tick_at (days, 3) - tick_at (days, 2), ==, 86400);
  g_assert_cmpint (tick_at (days, 5) - tick_at (days, 4), ==, 86400);

  hours = tg_time_ticks_new (tz, TG_TIME_STEP_HOUR, day, day + dst->length);
  g_assert_cmpuint (hours->len, ==, dst->length / 3600);
  for (guint i = 0; i < hours->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (tz, tick_at (hours, i));

      g_assert_cmpint (g_date_time_get_minute (local), ==, 0);
      if (i > 0)
        g_assert_cmpint (tick_at (hours, i) - tick_at (hours, i - 1), ==, 3600);
    }
  /* The day's first tick says which day it is; the others the time. */
  g_assert_true (g_str_has_suffix (label_at (hours, 0), dst->month == 10 ? "Oct" :
                                   dst->month == 4 ? "Apr" : dst->month == 3 ? "Mar" : "Nov"));
  g_assert_cmpstr (label_at (hours, 5), ==, dst->length > 86400 ? "04:00" : "06:00");

  /* Three-hour ticks fall on local 00, 03, 06… even where an hour is skipped or repeated. */
  quarters = tg_time_ticks_new (tz, TG_TIME_STEP_3HOURS, day, day + dst->length);
  g_assert_cmpuint (quarters->len, ==, 8);
  for (guint i = 0; i < quarters->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (tz, tick_at (quarters, i));

      g_assert_cmpint (g_date_time_get_hour (local), ==, 3 * i);
      g_assert_cmpint (g_date_time_get_minute (local), ==, 0);
    }
}

/* Adelaide is UTC+9:30 (+10:30 in summer), Kathmandu +5:45: their hours and days start at
 * half and three-quarter past a UTC hour.
 */
static void
test_offset_zones (void)
{
  g_autoptr(GTimeZone) adelaide = zone ("Australia/Adelaide");
  g_autoptr(GTimeZone) kathmandu = zone ("Asia/Kathmandu");
  gint64 day = local_midnight (adelaide, 2026, 4, 5);  /* Adelaide's fall back too */
  g_autoptr(GArray) hours = NULL;
  g_autoptr(GArray) halves = NULL;
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) kathmandu_hours = NULL;

  hours = tg_time_ticks_new (adelaide, TG_TIME_STEP_HOUR, day, day + 86400 + 3600);
  g_assert_cmpuint (hours->len, ==, 25);
  for (guint i = 0; i < hours->len; i++)
    g_assert_cmpint (((tick_at (hours, i) % 3600) + 3600) % 3600, ==, 1800);
  g_assert_cmpstr (label_at (hours, 1), ==, "01:00");

  halves = tg_time_ticks_new (adelaide, TG_TIME_STEP_30MIN, day + 60, day + 3 * 3600);
  g_assert_cmpuint (halves->len, ==, 5);
  g_assert_cmpint (tick_at (halves, 0), ==, day + 1800);
  g_assert_cmpstr (label_at (halves, 0), ==, "00:30");

  days = tg_time_ticks_new (kathmandu, TG_TIME_STEP_DAY,
                            local_midnight (kathmandu, 2026, 11, 1) - 1,
                            local_midnight (kathmandu, 2026, 11, 8));
  g_assert_cmpuint (days->len, ==, 7);
  for (guint i = 0; i < days->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (kathmandu, tick_at (days, i));

      /* 00:00 at +5:45 is 18:15 UTC the day before. */
      g_assert_cmpint (((tick_at (days, i) % 86400) + 86400) % 86400, ==, 18 * 3600 + 900);
      g_assert_cmpint (g_date_time_get_day_of_month (local), ==, 1 + i);
    }
  g_assert_cmpstr (label_at (days, 0), ==, "1 Nov");

  kathmandu_hours = tg_time_ticks_new (kathmandu, TG_TIME_STEP_HOUR, tick_at (days, 0),
                                       tick_at (days, 1));
  g_assert_cmpuint (kathmandu_hours->len, ==, 24);
  g_assert_cmpint (((tick_at (kathmandu_hours, 7) % 3600) + 3600) % 3600, ==, 900);
}

/* Week ticks are local Mondays; month ticks first days, January named by its year. */
static void
test_weeks_and_months (void)
{
  g_autoptr(GTimeZone) sydney = zone ("Australia/Sydney");
  g_autoptr(GArray) weeks = NULL;
  g_autoptr(GArray) months = NULL;
  g_autoptr(GArray) quarters = NULL;
  g_autoptr(GArray) years = NULL;

  weeks = tg_time_ticks_new (sydney, TG_TIME_STEP_WEEK, local_midnight (sydney, 2026, 9, 20),
                             local_midnight (sydney, 2026, 11, 1));
  g_assert_cmpuint (weeks->len, ==, 6);
  for (guint i = 0; i < weeks->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (sydney, tick_at (weeks, i));

      g_assert_cmpint (g_date_time_get_day_of_week (local), ==, 1);
      g_assert_cmpint (g_date_time_get_hour (local), ==, 0);
    }
  g_assert_cmpstr (label_at (weeks, 0), ==, "21 Sep");
  /* The week of the spring forward is an hour short. */
  g_assert_cmpint (tick_at (weeks, 2) - tick_at (weeks, 1), ==, 7 * 86400 - 3600);

  months = tg_time_ticks_new (sydney, TG_TIME_STEP_MONTH, local_midnight (sydney, 2026, 3, 15),
                              local_midnight (sydney, 2027, 3, 1));
  g_assert_cmpuint (months->len, ==, 11);
  for (guint i = 0; i < months->len; i++)
    {
      g_autoptr(GDateTime) local = local_time (sydney, tick_at (months, i));

      g_assert_cmpint (g_date_time_get_day_of_month (local), ==, 1);
      g_assert_cmpint (g_date_time_get_hour (local), ==, 0);
      g_assert_cmpint (g_date_time_get_month (local), ==, (3 + i) % 12 + 1);
    }
  g_assert_cmpstr (label_at (months, 0), ==, "Apr");
  g_assert_cmpstr (label_at (months, 9), ==, "2027");

  quarters = tg_time_ticks_new (sydney, TG_TIME_STEP_QUARTER, local_midnight (sydney, 2026, 2, 1),
                                local_midnight (sydney, 2027, 2, 1));
  g_assert_cmpuint (quarters->len, ==, 4);
  g_assert_cmpstr (label_at (quarters, 0), ==, "Apr");
  g_assert_cmpstr (label_at (quarters, 3), ==, "2027");

  years = tg_time_ticks_new (sydney, TG_TIME_STEP_YEAR, local_midnight (sydney, 2020, 1, 1),
                             local_midnight (sydney, 2030, 1, 1));
  g_assert_cmpuint (years->len, ==, 10);
  g_assert_cmpstr (label_at (years, 0), ==, "2020");
  g_assert_cmpint (tg_time_step_floor (sydney, TG_TIME_STEP_YEAR, tick_at (years, 3) + 86400 * 200),
                   ==, tick_at (years, 3));
  g_assert_cmpint (tg_time_step_next (sydney, TG_TIME_STEP_YEAR, tick_at (years, 3)), ==,
                   tick_at (years, 4));
}

typedef struct
{
  const char *name;
  gint64      span;         /* seconds from 2026-11-01 00:00 Sydney */
  double      width;
  double      label_width;
  TgTimeStep  step;         /* expected */
} AxisCase;

static const AxisCase axis_cases[] = {
  { "two-hours", 2 * 3600, 800, 50, TG_TIME_STEP_15MIN },
  { "six-hours", 6 * 3600, 800, 50, TG_TIME_STEP_30MIN },
  { "day", 86400, 800, 50, TG_TIME_STEP_3HOURS },
  { "day-narrow", 86400, 300, 50, TG_TIME_STEP_6HOURS },
  { "week", 7 * 86400, 800, 60, TG_TIME_STEP_DAY },
  { "week-twice-a-day", 7 * 86400, 800, 50, TG_TIME_STEP_12HOURS },
  { "month", 30 * 86400, 800, 50, TG_TIME_STEP_WEEK },
  { "year", 365 * 86400, 800, 50, TG_TIME_STEP_MONTH },
  { "year-narrow", 365 * 86400, 240, 50, TG_TIME_STEP_QUARTER },
  { "decade", 3653 * 86400, 800, 50, TG_TIME_STEP_YEAR },
};

/* The finest step whose labels do not overlap, and they really don't. */
static void
test_axis_choice (gconstpointer data)
{
  const AxisCase *axis = data;
  g_autoptr(GTimeZone) tz = zone ("Australia/Sydney");
  gint64 start = local_midnight (tz, 2026, 11, 1);
  TgTimeScale scale = { start, start + axis->span, axis->width };
  g_autoptr(GArray) ticks = NULL;
  TgTimeStep step;

  ticks = tg_time_axis_ticks (tz, scale.start, scale.end, axis->width, axis->label_width, &step);
  g_assert_cmpint (step, ==, axis->step);
  g_assert_cmpuint (ticks->len, >=, 2);
  for (guint i = 1; i < ticks->len; i++)
    g_assert_cmpfloat (tg_time_scale_to_pixel (&scale, tick_at (ticks, i)) -
                       tg_time_scale_to_pixel (&scale, tick_at (ticks, i - 1)),
                       >=, axis->label_width);
  for (guint i = 0; i < ticks->len; i++)
    {
      g_assert_cmpint (tick_at (ticks, i), >=, scale.start);
      g_assert_cmpint (tick_at (ticks, i), <, scale.end);
    }
}

static void
test_axis_edges (void)
{
  g_autoptr(GTimeZone) tz = zone ("America/New_York");
  gint64 start = local_midnight (tz, 2000, 1, 1);
  gint64 end = local_midnight (tz, 2050, 1, 1);
  TgTimeScale scale = { start, end, 200 };
  g_autoptr(GArray) empty = NULL;
  g_autoptr(GArray) years = NULL;
  TgTimeStep step;

  empty = tg_time_axis_ticks (tz, start, start, 800, 50, &step);
  g_assert_cmpuint (empty->len, ==, 0);

  /* Fifty years in 200 pixels: every tenth year. */
  years = tg_time_axis_ticks (tz, start, end, 200, 35, &step);
  g_assert_cmpint (step, ==, TG_TIME_STEP_YEAR);
  g_assert_cmpuint (years->len, >=, 2);
  g_assert_cmpstr (label_at (years, 0), ==, "2000");
  g_assert_cmpstr (label_at (years, 1), ==, "2010");
  for (guint i = 1; i < years->len; i++)
    g_assert_cmpfloat (tg_time_scale_to_pixel (&scale, tick_at (years, i)) -
                       tg_time_scale_to_pixel (&scale, tick_at (years, i - 1)), >=, 35);
}

typedef struct
{
  const char    *name;
  TgValueFormat  format;
  double         min;
  double         max;
  guint          max_ticks;
  double         scale_min;
  double         scale_max;
  double         step;
} ScaleCase;

static const ScaleCase scale_cases[] = {
  { "money", TG_VALUE_FORMAT_MONEY, 1.5e6, 412.3e6, 6, 0, 500e6, 100e6 },
  { "money-2.5", TG_VALUE_FORMAT_MONEY, 0, 9e9, 5, 0, 10e9, 2.5e9 },
  { "money-cents", TG_VALUE_FORMAT_MONEY, 0, 0.07e6, 5, 0, 0.08e6, 0.02e6 },
  { "money-zero", TG_VALUE_FORMAT_MONEY, 0, 0, 5, 0, 1e6, 0.25e6 },
  { "count", TG_VALUE_FORMAT_COUNT, 0, 7, 5, 0, 8, 2 },
  { "count-whole", TG_VALUE_FORMAT_COUNT, 0, 9, 5, 0, 10, 5 },
  { "count-2.5k", TG_VALUE_FORMAT_COUNT, 3, 9000, 5, 0, 10000, 2500 },
  { "count-one", TG_VALUE_FORMAT_COUNT, 1, 1, 5, 0, 1, 1 },
  { "negative", TG_VALUE_FORMAT_COUNT, -30, 70, 7, -40, 80, 20 },
  { "percent", TG_VALUE_FORMAT_PERCENT, 0, 0.037, 5, 0, 0.04, 0.01 },
  { "milliseconds", TG_VALUE_FORMAT_MILLISECONDS, 12, 1730, 5, 0, 2000, 500 },
};

static void
test_value_scale (gconstpointer data)
{
  const ScaleCase *expected = data;
  TgValueScale scale;
  gboolean spanned;

  spanned = tg_value_scale_init (&scale, expected->format, expected->min, expected->max,
                                 expected->max_ticks);
  g_assert_true (spanned == (expected->max != 0 || expected->min != 0));
  g_assert_cmpfloat_with_epsilon (scale.min, expected->scale_min, 1e-9);
  g_assert_cmpfloat_with_epsilon (scale.max, expected->scale_max, 1e-6);
  g_assert_cmpfloat_with_epsilon (scale.step, expected->step, 1e-9);
  g_assert_cmpuint (scale.n_ticks, <=, expected->max_ticks);
  g_assert_cmpfloat_with_epsilon (tg_value_scale_tick (&scale, scale.n_ticks - 1), scale.max, 1e-6);
  g_assert_cmpfloat (tg_value_scale_to_pixel (&scale, scale.min, 100), ==, 100);
  g_assert_cmpfloat (tg_value_scale_to_pixel (&scale, scale.max, 100), ==, 0);

  /* Zero is a tick. */
  for (guint i = 0; i < scale.n_ticks; i++)
    if (tg_value_scale_tick (&scale, i) == 0.0)
      return;
  g_assert_not_reached ();
}

typedef struct
{
  TgValueFormat  format;
  double         value;
  double         step;   /* 0: the exact form */
  const char    *currency;
  const char    *text;
} FormatCase;

static const FormatCase format_cases[] = {
  { TG_VALUE_FORMAT_COUNT, 0, 2000, NULL, "0" },
  { TG_VALUE_FORMAT_COUNT, 850, 50, NULL, "850" },
  { TG_VALUE_FORMAT_COUNT, 12000, 2000, NULL, "12k" },
  { TG_VALUE_FORMAT_COUNT, 1250, 250, NULL, "1.25k" },
  { TG_VALUE_FORMAT_COUNT, 3400000, 200000, NULL, "3.4M" },
  { TG_VALUE_FORMAT_COUNT, 1.5e9, 0.5e9, NULL, "1.5G" },
  { TG_VALUE_FORMAT_COUNT, 1.5e15, 0.5e15, NULL, "1,500T" },
  { TG_VALUE_FORMAT_COUNT, 1234567, 0, NULL, "1,234,567" },
  { TG_VALUE_FORMAT_COUNT, 2.5, 0, NULL, "2.5" },
  { TG_VALUE_FORMAT_MONEY, 0, 100e6, "AUD", "$0" },
  { TG_VALUE_FORMAT_MONEY, 500e6, 100e6, "AUD", "$500" },
  { TG_VALUE_FORMAT_MONEY, 1250e6, 250e6, "AUD", "$1.25k" },
  { TG_VALUE_FORMAT_MONEY, 3.4e12, 0.2e12, "USD", "$3.4M" },
  { TG_VALUE_FORMAT_MONEY, 2e15, 1e15, "EUR", "€2B" },
  { TG_VALUE_FORMAT_MONEY, 0.5e6, 0.25e6, "AUD", "$0.50" },
  { TG_VALUE_FORMAT_MONEY, -500e6, 250e6, "AUD", "-$500" },
  { TG_VALUE_FORMAT_MONEY, 1200e6, 200e6, "CHF", "1.2k CHF" },
  { TG_VALUE_FORMAT_MONEY, 412300000, 0, "AUD", "$412.30 AUD" },
  { TG_VALUE_FORMAT_MONEY, 412304999, 0, "AUD", "$412.30 AUD" },
  { TG_VALUE_FORMAT_MONEY, 1234567890000, 0, "AUD", "$1,234,567.89 AUD" },
  { TG_VALUE_FORMAT_PERCENT, 0.025, 0.005, NULL, "2.5%" },
  { TG_VALUE_FORMAT_PERCENT, 0.4, 0.2, NULL, "40%" },
  { TG_VALUE_FORMAT_PERCENT, 0.02534, 0, NULL, "2.53%" },
  { TG_VALUE_FORMAT_MILLISECONDS, 850, 50, NULL, "850 ms" },
  { TG_VALUE_FORMAT_MILLISECONDS, 1200, 200, NULL, "1.2 s" },
  { TG_VALUE_FORMAT_MILLISECONDS, 1000, 500, NULL, "1 s" },
  { TG_VALUE_FORMAT_MILLISECONDS, 2500000, 500000, NULL, "2,500 s" },
  { TG_VALUE_FORMAT_MILLISECONDS, 0.5, 0.25, NULL, "0.5 ms" },
  { TG_VALUE_FORMAT_MILLISECONDS, 1234.5, 0, NULL, "1,234.5 ms" },
  { TG_VALUE_FORMAT_COUNT, NAN, 0, NULL, "—" },
};

static void
test_format (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      const FormatCase *c = &format_cases[i];
      g_autofree char *text = NULL;

      if (c->step > 0)
        text = tg_value_format_tick (c->format, c->value, c->step, c->currency);
      else
        text = tg_value_format_exact (c->format, c->value, c->currency);
      g_assert_cmpstr (text, ==, c->text);
    }
}

/* Ten thousand points into 800 pixels: at most two a column, and the global extremes,
 * one-sample spikes both ways, survive; so does a gap.
 */
static void
test_decimate (void)
{
  enum { N = 10000, WIDTH = 800 };
  g_autofree gint64 *instants = g_new (gint64, N);
  g_autofree double *values = g_new (double, N);
  g_autoptr(GArray) kept = NULL;
  g_autoptr(GArray) few = NULL;
  TgTimeScale scale = { 1790000000, 1790000000 + N * 60, WIDTH };
  gboolean has_max = FALSE;
  gboolean has_min = FALSE;
  gboolean has_gap = FALSE;
  guint per_column[WIDTH] = { 0 };

  for (guint i = 0; i < N; i++)
    {
      instants[i] = scale.start + i * 60;
      values[i] = 100 + 10 * sin (i / 50.0) + (i * 7919 % 13);
    }
  values[7777] = 1000;  /* the global maximum */
  values[1234] = -50;   /* the global minimum */
  values[4000] = NAN;

  kept = tg_chart_decimate (instants, values, N, &scale);
  g_assert_cmpuint (kept->len, <=, 2 * WIDTH + 1);
  g_assert_cmpuint (kept->len, >=, WIDTH);
  for (guint i = 0; i < kept->len; i++)
    {
      guint index = g_array_index (kept, guint, i);
      int column = (int)floor (tg_time_scale_to_pixel (&scale, instants[index]));

      if (i > 0)
        g_assert_cmpuint (index, >, g_array_index (kept, guint, i - 1));
      g_assert_cmpint (column, >=, 0);
      g_assert_cmpint (column, <, WIDTH);
      per_column[column]++;
      has_max |= index == 7777;
      has_min |= index == 1234;
      has_gap |= isnan (values[index]);
    }
  g_assert_true (has_max);
  g_assert_true (has_min);
  g_assert_true (has_gap);
  for (guint c = 0; c < WIDTH; c++)
    g_assert_cmpuint (per_column[c], <=, 3);

  /* Fewer points than pixels come back whole. */
  few = tg_chart_decimate (instants, values, 30, &(TgTimeScale) { scale.start,
                                                                   scale.start + 30 * 60,
                                                                   WIDTH });
  g_assert_cmpuint (few->len, ==, 30);

  g_clear_pointer (&few, g_array_unref);
  few = tg_chart_decimate (NULL, NULL, 0, &scale);
  g_assert_cmpuint (few->len, ==, 0);
}

static void
test_nearest (void)
{
  const gint64 instants[] = { 0, 100, 200, 300, 1000 };
  TgTimeScale scale = { 0, 1000, 500 };  /* two seconds a pixel */

  g_assert_cmpint (tg_chart_nearest_index (instants, 0, &scale, 10), ==, -1);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, -20), ==, 0);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 24), ==, 0);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 25), ==, 0);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 26), ==, 1);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 140), ==, 3);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 400), ==, 4);
  g_assert_cmpint (tg_chart_nearest_index (instants, 5, &scale, 900), ==, 4);
  g_assert_cmpint (tg_chart_nearest_index (instants, 1, &scale, 900), ==, 0);

  g_assert_cmpfloat (tg_time_scale_to_pixel (&scale, 300), ==, 150);
  g_assert_cmpint (tg_time_scale_from_pixel (&scale, 150), ==, 300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (dst_days); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/chart-scale/dst/%s/%04d-%02d-%02d",
                                               dst_days[i].zone, dst_days[i].year,
                                               dst_days[i].month, dst_days[i].day);

      g_test_add_data_func (path, &dst_days[i], test_dst_day);
    }
  g_test_add_func ("/tollgate/unit/chart-scale/offset-zones", test_offset_zones);
  g_test_add_func ("/tollgate/unit/chart-scale/weeks-and-months", test_weeks_and_months);
  for (guint i = 0; i < G_N_ELEMENTS (axis_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/chart-scale/axis/%s",
                                               axis_cases[i].name);

      g_test_add_data_func (path, &axis_cases[i], test_axis_choice);
    }
  g_test_add_func ("/tollgate/unit/chart-scale/axis-edges", test_axis_edges);
  for (guint i = 0; i < G_N_ELEMENTS (scale_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/chart-scale/value-scale/%s",
                                               scale_cases[i].name);

      g_test_add_data_func (path, &scale_cases[i], test_value_scale);
    }
  g_test_add_func ("/tollgate/unit/chart-scale/format", test_format);
  g_test_add_func ("/tollgate/unit/chart-scale/decimate", test_decimate);
  g_test_add_func ("/tollgate/unit/chart-scale/nearest", test_nearest);

  return g_test_run ();
}
