/* tg-chart-private.h — what the chart renderers of src/report share
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "tg-chart-color.h"

G_BEGIN_DECLS

PangoLayout *_tg_chart_create_layout (cairo_t            *cr,
                                      const char         *font,
                                      double              dpi);
double       _tg_chart_line_height   (const char         *font,
                                      double              dpi);
void         _tg_chart_set_color     (cairo_t            *cr,
                                      const TgChartColor *color);
int          _tg_chart_text_width    (PangoLayout        *layout,
                                      const char         *text);

G_END_DECLS
