/* tg-chart-widget.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-chart.h"

G_BEGIN_DECLS

#define TG_TYPE_CHART_WIDGET (tg_chart_widget_get_type ())

G_DECLARE_FINAL_TYPE (TgChartWidget, tg_chart_widget, TG, CHART_WIDGET, GtkWidget)

GtkWidget  *tg_chart_widget_new                (void);
void        tg_chart_widget_set_data           (TgChartWidget     *self,
                                                const TgChartData *data);
void        tg_chart_widget_set_natural_width  (TgChartWidget     *self,
                                                int                width);
const char *tg_chart_widget_get_title          (TgChartWidget     *self);
void        tg_chart_widget_set_title          (TgChartWidget     *self,
                                                const char        *title);
guint       tg_chart_widget_get_n_series       (TgChartWidget     *self);
gboolean    tg_chart_widget_get_series_visible (TgChartWidget     *self,
                                                guint              series);
void        tg_chart_widget_set_series_visible (TgChartWidget     *self,
                                                guint              series,
                                                gboolean           visible);
int         tg_chart_widget_get_hover_index    (TgChartWidget     *self);
void        tg_chart_widget_set_hover_index    (TgChartWidget     *self,
                                                int                index);
char       *tg_chart_widget_dup_hover_text     (TgChartWidget     *self);
char       *tg_chart_widget_dup_description    (TgChartWidget     *self);

G_END_DECLS
