/* tg-bar-chart.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "tg-chart-color.h"

G_BEGIN_DECLS

/* A horizontal bar chart of one figure per item, a breakdown such as cost by provider:
 * a row per item with its label, a bar as long as its share of the largest value, and
 * its value as text. It draws on any cairo_t — a widget's snapshot or a PDF page — so
 * that the screen and the reports show the same picture.
 */

typedef struct
{
  const char *label;        /* "Geoscape" */
  const char *value_text;   /* "$1,234.56 AUD · 42 %", drawn as given */
  gint64      value;        /* the bar's length in any unit; ≤ 0 draws no bar */
  guint       color_index;  /* into the style's palette, modulo its length */
} TgBarChartItem;

typedef struct
{
  const char         *font;        /* a Pango font description, "Sans 10" */
  double              dpi;         /* 96 for the screen, 72 for a PDF in points */
  TgChartColor        foreground;  /* labels */
  TgChartColor        secondary;   /* values */
  TgChartColor        track;       /* behind each bar */
  const TgChartColor *palette;     /* bar colours */
  guint               n_palette;
} TgBarChartStyle;

void    tg_bar_chart_style_init   (TgBarChartStyle       *style);
double  tg_bar_chart_get_height   (const TgBarChartStyle *style,
                                   guint                  n_items);
void    tg_bar_chart_draw         (cairo_t               *cr,
                                   double                 width,
                                   double                 height,
                                   const TgBarChartItem  *items,
                                   guint                  n_items,
                                   const TgBarChartStyle *style);

G_END_DECLS
