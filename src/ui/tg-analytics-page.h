/* tg-analytics-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-analytics.h"
#include "tg-calls-queries.h"
#include "tg-chart-widget.h"
#include "tg-data-table.h"
#include "tg-db-connection.h"

G_BEGIN_DECLS

#define TG_TYPE_ANALYTICS_PAGE (tg_analytics_page_get_type ())

G_DECLARE_FINAL_TYPE (TgAnalyticsPage, tg_analytics_page, TG, ANALYTICS_PAGE, AdwBin)

GtkWidget             *tg_analytics_page_new            (void);
TgDbConnection        *tg_analytics_page_get_connection (TgAnalyticsPage  *self);
void                   tg_analytics_page_set_connection (TgAnalyticsPage  *self,
                                                         TgDbConnection   *connection);
void                   tg_analytics_page_bind_settings  (TgAnalyticsPage  *self,
                                                         GSettings        *settings);
void                   tg_analytics_page_refresh        (TgAnalyticsPage  *self);
void                   tg_analytics_page_queue_refresh  (TgAnalyticsPage  *self);
gboolean               tg_analytics_page_get_ready      (TgAnalyticsPage  *self);
gboolean               tg_analytics_page_get_loading    (TgAnalyticsPage  *self);
gboolean               tg_analytics_page_get_transition_running (TgAnalyticsPage *self);
const TgAnalyticsPlan *tg_analytics_page_get_plan       (TgAnalyticsPage  *self);
const char            *tg_analytics_page_get_currency   (TgAnalyticsPage  *self);
GTimeZone             *tg_analytics_page_get_zone       (TgAnalyticsPage  *self);
const char            *tg_analytics_page_get_refusal    (TgAnalyticsPage  *self);
TgChartWidget         *tg_analytics_page_get_chart      (TgAnalyticsPage  *self,
                                                         const char       *name);
TgDataTable           *tg_analytics_page_get_table      (TgAnalyticsPage  *self,
                                                         const char       *name);
const char            *tg_analytics_page_get_series_group (TgAnalyticsPage *self,
                                                         guint             series);
char                  *tg_analytics_page_dup_csv        (TgAnalyticsPage  *self,
                                                         const char       *table);
gboolean               tg_analytics_page_copy_table     (TgAnalyticsPage  *self,
                                                         const char       *table);
TgCallsFilter         *tg_analytics_page_dup_point_filter (TgAnalyticsPage *self,
                                                         guint             index,
                                                         int               series);
TgCallsFilter         *tg_analytics_page_dup_row_filter (TgAnalyticsPage  *self,
                                                         const char       *table,
                                                         guint             row);

G_END_DECLS
