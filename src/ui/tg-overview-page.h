/* tg-overview-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-activity-feed.h"
#include "tg-cost-chart.h"
#include "tg-db-connection.h"
#include "tg-provider-card.h"
#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_OVERVIEW_PAGE (tg_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (TgOverviewPage, tg_overview_page, TG, OVERVIEW_PAGE, AdwBin)

GtkWidget      *tg_overview_page_new               (void);
TgDbConnection *tg_overview_page_get_connection    (TgOverviewPage       *self);
void            tg_overview_page_set_connection    (TgOverviewPage       *self,
                                                    TgDbConnection       *connection);
void            tg_overview_page_refresh           (TgOverviewPage       *self);
void            tg_overview_page_queue_refresh     (TgOverviewPage       *self);
gboolean        tg_overview_page_get_ready         (TgOverviewPage       *self);
gboolean        tg_overview_page_get_has_data      (TgOverviewPage       *self);
gboolean        tg_overview_page_get_transition_running (TgOverviewPage  *self);
TgUsageRow     *tg_overview_page_get_month_total   (TgOverviewPage       *self,
                                                    GTimeZone           **zone,
                                                    const char          **currency);
gboolean        tg_overview_page_get_stale         (TgOverviewPage       *self);
void            tg_overview_page_set_stale         (TgOverviewPage       *self,
                                                    gboolean              stale);
const char     *tg_overview_page_get_month         (TgOverviewPage       *self);
TgProviderCard *tg_overview_page_get_card          (TgOverviewPage       *self,
                                                    const char           *slug);
guint           tg_overview_page_get_n_cards       (TgOverviewPage       *self);
TgActivityFeed *tg_overview_page_get_feed          (TgOverviewPage       *self);
TgCostChart    *tg_overview_page_get_chart         (TgOverviewPage       *self);
void            tg_overview_page_export_pdf_async  (TgOverviewPage       *self,
                                                    GFile                *file,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        tg_overview_page_export_pdf_finish (TgOverviewPage       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
