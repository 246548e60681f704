/* tg-chart.h — time charts on any cairo_t
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "tg-chart-color.h"
#include "tg-chart-scale.h"

G_BEGIN_DECLS

/* Series over time, such as cost per day by provider, drawn on any cairo_t: a widget's
 * snapshot (gtk_snapshot_append_cairo()) or a PDF page (tg_pdf_document_get_cairo()), so
 * the Analytics page, the Budgets panel and the reports show the same picture. The data
 * are plain arrays the caller keeps while drawing; nothing here is a GObject.
 */

typedef enum
{
  TG_CHART_KIND_LINE,             /* a line a series, a dot where a point stands alone */
  TG_CHART_KIND_STACKED_AREA,     /* the visible series stacked, filled down to the one below */
  TG_CHART_KIND_STACKED_BARS,     /* a bar a point, its bucket wide, the series stacked */
  TG_CHART_KIND_HORIZONTAL_BARS,  /* a bar a series, its total over the points (tg-bar-chart) */
} TgChartKind;

typedef struct
{
  const char   *label;        /* "Geoscape", in the legend and the tooltip */
  const double *values;       /* one a point; NaN where there is no value (a gap) */
  guint         color_index;  /* into the style's palette, modulo its length */
  gboolean      hidden;       /* not drawn, not stacked, not in the drawn legend */
} TgChartSeries;

/* A range around the series, such as a forecast's interval: filled between low and high. */
typedef struct
{
  const char   *label;        /* "Forecast range", in the legend */
  const double *low;          /* one a point; NaN in either leaves a gap */
  const double *high;
  guint         color_index;  /* into the style's palette, drawn translucent */
} TgChartBand;

/* A level across the plot, such as a budget or one of its thresholds: a dashed line at
 * @value with @label beside it, right of the plot. The value axis reaches it, so that a
 * threshold above every value still shows where it is.
 */
typedef struct
{
  const char   *label;        /* "85 %", "Budget" */
  double        value;        /* on the value axis; NaN: not drawn */
  gboolean      emphasis;     /* in the style's emphasis colour: a threshold passed */
} TgChartLine;

typedef struct
{
  TgChartKind          kind;
  GTimeZone           *time_zone;     /* the billing zone, where the time axis ticks */
  const gint64        *instants;      /* n_points bucket starts in Unix seconds, ascending */
  guint                n_points;
  gint64               start;         /* the time axis shows [start, end) */
  gint64               end;           /* for bars, the end of the last bucket */
  const TgChartSeries *series;
  guint                n_series;
  const TgChartBand   *band;          /* (nullable) */
  const TgChartLine   *lines;         /* (nullable): levels across the plot */
  guint                n_lines;
  TgValueFormat        value_format;  /* money values are micro-units */
  const char          *currency;      /* of TG_VALUE_FORMAT_MONEY */
} TgChartData;

typedef struct
{
  const char         *font;         /* a Pango font description, "Sans 10" */
  double              dpi;          /* 96 for the screen, 72 for a PDF in points */
  TgChartColor        foreground;   /* text that matters: the legend, "No data" */
  TgChartColor        secondary;    /* axis labels */
  TgChartColor        grid;         /* the value axis's lines */
  TgChartColor        line;         /* TgChartLine: levels, and their labels */
  TgChartColor        emphasis;     /* TgChartLine.emphasis: a level passed */
  const TgChartColor *palette;      /* series colours */
  guint               n_palette;
  gboolean            show_legend;  /* a widget with legend buttons of its own says no */
} TgChartStyle;

/* Where the last drawing put things, for a widget's hover marker. */
typedef struct
{
  double       plot_x;       /* the plot area, in the chart's coordinates */
  double       plot_y;
  double       plot_width;
  double       plot_height;
  TgTimeScale  time_scale;   /* from start to end over plot_width */
  TgValueScale value_scale;  /* from the bottom of the plot area to its top */
} TgChartGeometry;

void     tg_chart_style_init     (TgChartStyle          *style);
void     tg_chart_draw           (cairo_t               *cr,
                                  double                 width,
                                  double                 height,
                                  const TgChartData     *data,
                                  const TgChartStyle    *style,
                                  TgChartGeometry       *geometry);
gboolean tg_chart_has_data       (const TgChartData     *data);
gssize   tg_chart_index_at       (const TgChartData     *data,
                                  const TgChartGeometry *geometry,
                                  double                 x);
double   tg_chart_index_x        (const TgChartData     *data,
                                  const TgChartGeometry *geometry,
                                  guint                  index);
gboolean tg_chart_point_position (const TgChartData     *data,
                                  const TgChartGeometry *geometry,
                                  guint                  series,
                                  guint                  index,
                                  double                *x,
                                  double                *y);

G_END_DECLS
