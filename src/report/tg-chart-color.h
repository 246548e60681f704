/* tg-chart-color.h — the colours every chart draws with
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A colour with its opacity, each from 0 to 1, as Cairo takes it. */
typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} TgChartColor;

/* GNOME's palette for series: a provider keeps its colour index on every chart and card. */
extern const TgChartColor tg_chart_palette[];
extern const guint        tg_chart_palette_length;

G_END_DECLS
