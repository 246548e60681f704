/* tg-budget-card.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-budget.h"
#include "tg-chart-widget.h"

G_BEGIN_DECLS

#define TG_TYPE_BUDGET_CARD (tg_budget_card_get_type ())

G_DECLARE_FINAL_TYPE (TgBudgetCard, tg_budget_card, TG, BUDGET_CARD, GtkWidget)

GtkWidget      *tg_budget_card_new             (void);
TgBudgetStatus *tg_budget_card_get_status      (TgBudgetCard   *self);
void            tg_budget_card_set_status      (TgBudgetCard   *self,
                                                TgBudgetStatus *status,
                                                const char     *title,
                                                GTimeZone      *zone);
const char     *tg_budget_card_get_title       (TgBudgetCard   *self);
const char     *tg_budget_card_get_state_text  (TgBudgetCard   *self);
const char     *tg_budget_card_get_forecast_text (TgBudgetCard *self);
TgChartWidget  *tg_budget_card_get_chart       (TgBudgetCard   *self);

char           *tg_budget_card_dup_threshold_label (TgBudgetStatus *status,
                                                    guint           index);

G_END_DECLS
