/* tg-budgets-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-budget-card.h"
#include "tg-db-connection.h"
#include "tg-role-set.h"

G_BEGIN_DECLS

#define TG_TYPE_BUDGETS_PAGE (tg_budgets_page_get_type ())

G_DECLARE_FINAL_TYPE (TgBudgetsPage, tg_budgets_page, TG, BUDGETS_PAGE, AdwBin)

GtkWidget      *tg_budgets_page_new            (void);
TgDbConnection *tg_budgets_page_get_connection (TgBudgetsPage  *self);
void            tg_budgets_page_set_connection (TgBudgetsPage  *self,
                                                TgDbConnection *connection);
TgRoleSet       tg_budgets_page_get_roles      (TgBudgetsPage  *self);
void            tg_budgets_page_set_roles      (TgBudgetsPage  *self,
                                                TgRoleSet       roles);
void            tg_budgets_page_refresh        (TgBudgetsPage  *self);
void            tg_budgets_page_queue_refresh  (TgBudgetsPage  *self);
gboolean        tg_budgets_page_get_ready      (TgBudgetsPage  *self);
gboolean        tg_budgets_page_get_loading    (TgBudgetsPage  *self);
GTimeZone      *tg_budgets_page_get_zone       (TgBudgetsPage  *self);
guint           tg_budgets_page_get_n_cards    (TgBudgetsPage  *self);
TgBudgetCard   *tg_budgets_page_get_card       (TgBudgetsPage  *self,
                                                const char     *scope);

G_END_DECLS
