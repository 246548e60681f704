/* tg-overview-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-db-connection.h"

G_BEGIN_DECLS

#define TG_TYPE_OVERVIEW_PAGE (tg_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (TgOverviewPage, tg_overview_page, TG, OVERVIEW_PAGE, AdwBin)

GtkWidget      *tg_overview_page_new            (void);
TgDbConnection *tg_overview_page_get_connection (TgOverviewPage *self);
void            tg_overview_page_set_connection (TgOverviewPage *self,
                                                 TgDbConnection *connection);
void            tg_overview_page_refresh        (TgOverviewPage *self);

G_END_DECLS
