/* tg-cost-chart.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-bar-chart.h"

G_BEGIN_DECLS

/* One bar of the cost breakdown. */
typedef struct
{
  char   *label;        /* the provider's display name */
  gint64  cost;         /* micro-units of the reporting currency */
  guint   color_index;  /* into tg_chart_palette, the provider card's swatch */
} TgCostChartEntry;

#define TG_TYPE_COST_CHART (tg_cost_chart_get_type ())

G_DECLARE_FINAL_TYPE (TgCostChart, tg_cost_chart, TG, COST_CHART, GtkWidget)

GtkWidget  *tg_cost_chart_new                (void);
void        tg_cost_chart_set_entries        (TgCostChart      *self,
                                              GArray           *entries,
                                              const char       *currency);
GArray     *tg_cost_chart_get_entries        (TgCostChart      *self);
const char *tg_cost_chart_get_currency       (TgCostChart      *self);

GArray     *_tg_cost_chart_entries_new       (void);
void        _tg_cost_chart_entries_sort      (GArray           *entries);
GArray     *_tg_cost_chart_build_items       (GArray           *entries,
                                              const char       *currency,
                                              GPtrArray       **texts);

G_END_DECLS
