/* tg-chart-scale.h — axes, ticks, decimation and hit-testing for charts
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The arithmetic of a chart, without drawing: where the ticks of a time axis go in the
 * billing time zone and what they say, which round values a value axis marks and how it
 * writes them, which points of a long series are worth drawing, and which point is under
 * the pointer. The renderer (src/report/tg-chart.c) and the widget (src/ui) share it, so
 * the screen and the PDF put ticks at the same instants.
 */

/* Steps of a time axis, finest first. Every tick is a local boundary of the billing zone
 * (tg_time_bucket_floor()'s buckets): quarter hours and hours on the wall clock, days at
 * local midnight, weeks on Mondays, months on their first day.
 */
typedef enum
{
  TG_TIME_STEP_15MIN,
  TG_TIME_STEP_30MIN,
  TG_TIME_STEP_HOUR,
  TG_TIME_STEP_3HOURS,
  TG_TIME_STEP_6HOURS,
  TG_TIME_STEP_12HOURS,
  TG_TIME_STEP_DAY,
  TG_TIME_STEP_WEEK,
  TG_TIME_STEP_MONTH,
  TG_TIME_STEP_QUARTER,
  TG_TIME_STEP_YEAR,
} TgTimeStep;

typedef struct
{
  gint64  instant;  /* Unix seconds of a local boundary */
  char   *label;    /* "14:00"; "14 Nov" where a day starts; "Nov"; "2027" where a year does */
} TgTimeTick;

/* A linear map of [start, end) in Unix seconds onto [0, width) pixels: time runs evenly,
 * so a 25-hour day is a twenty-fourth wider than a 24-hour one.
 */
typedef struct
{
  gint64 start;
  gint64 end;
  double width;
} TgTimeScale;

/* What a value axis measures, which decides its round steps and its text. */
typedef enum
{
  TG_VALUE_FORMAT_COUNT,         /* calls: "850", "12k", "3.4M" (SI) */
  TG_VALUE_FORMAT_MONEY,         /* micro-units of a currency: "$850", "$1.2k", "$3.4M" */
  TG_VALUE_FORMAT_PERCENT,       /* a fraction, 1.0 being all: "2.5%" */
  TG_VALUE_FORMAT_MILLISECONDS,  /* latency: "850 ms", "1.2 s" */
} TgValueFormat;

/* A value axis: ticks at min, min + step, … up to max, all round. */
typedef struct
{
  double min;
  double max;
  double step;
  guint  n_ticks;
} TgValueScale;

double      tg_time_scale_to_pixel      (const TgTimeScale  *scale,
                                         gint64              instant);
gint64      tg_time_scale_from_pixel    (const TgTimeScale  *scale,
                                         double              x);

gint64      tg_time_step_floor          (GTimeZone          *tz,
                                         TgTimeStep          step,
                                         gint64              instant);
gint64      tg_time_step_next           (GTimeZone          *tz,
                                         TgTimeStep          step,
                                         gint64              tick);
GArray     *tg_time_ticks_new           (GTimeZone          *tz,
                                         TgTimeStep          step,
                                         gint64              start,
                                         gint64              end);
GArray     *tg_time_axis_ticks          (GTimeZone          *tz,
                                         gint64              start,
                                         gint64              end,
                                         double              width,
                                         double              label_width,
                                         TgTimeStep         *step);

gboolean    tg_value_scale_init         (TgValueScale       *scale,
                                         TgValueFormat       format,
                                         double              data_min,
                                         double              data_max,
                                         guint               max_ticks);
double      tg_value_scale_tick         (const TgValueScale *scale,
                                         guint               index);
double      tg_value_scale_to_pixel     (const TgValueScale *scale,
                                         double              value,
                                         double              height);

char       *tg_value_format_tick        (TgValueFormat       format,
                                         double              value,
                                         double              step,
                                         const char         *currency);
char       *tg_value_format_exact       (TgValueFormat       format,
                                         double              value,
                                         const char         *currency);

GArray     *tg_chart_decimate           (const gint64       *instants,
                                         const double       *values,
                                         guint               n_points,
                                         const TgTimeScale  *scale);
gssize      tg_chart_nearest_index      (const gint64       *instants,
                                         guint               n_points,
                                         const TgTimeScale  *scale,
                                         double              x);

G_END_DECLS
