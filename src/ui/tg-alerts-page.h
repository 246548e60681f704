/* tg-alerts-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-alert-row.h"
#include "tg-db-connection.h"
#include "tg-role-set.h"

G_BEGIN_DECLS

#define TG_TYPE_ALERTS_PAGE (tg_alerts_page_get_type ())

G_DECLARE_FINAL_TYPE (TgAlertsPage, tg_alerts_page, TG, ALERTS_PAGE, AdwBin)

GtkWidget      *tg_alerts_page_new            (void);
TgDbConnection *tg_alerts_page_get_connection (TgAlertsPage   *self);
void            tg_alerts_page_set_connection (TgAlertsPage   *self,
                                               TgDbConnection *connection);
TgRoleSet       tg_alerts_page_get_roles      (TgAlertsPage   *self);
void            tg_alerts_page_set_roles      (TgAlertsPage   *self,
                                               TgRoleSet       roles);
void            tg_alerts_page_refresh        (TgAlertsPage   *self);
gboolean        tg_alerts_page_get_ready      (TgAlertsPage   *self);
gboolean        tg_alerts_page_get_loading    (TgAlertsPage   *self);
guint           tg_alerts_page_get_n_alerts   (TgAlertsPage   *self);
TgAlertRow     *tg_alerts_page_get_row        (TgAlertsPage   *self,
                                               gint64          id);
void            tg_alerts_page_select_alert   (TgAlertsPage   *self,
                                               gint64          id);
gint64          tg_alerts_page_get_selected_id (TgAlertsPage  *self);

G_END_DECLS
