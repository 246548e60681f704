/* tg-budget-dialog.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-budget.h"
#include "tg-db-connection.h"

G_BEGIN_DECLS

#define TG_TYPE_BUDGET_DIALOG (tg_budget_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TgBudgetDialog, tg_budget_dialog, TG, BUDGET_DIALOG, AdwWindow)

TgBudgetDialog *tg_budget_dialog_new            (GtkWindow            *parent,
                                                 TgDbConnection       *connection,
                                                 GPtrArray            *providers,
                                                 GPtrArray            *scopes,
                                                 const char * const   *currencies,
                                                 const char           *default_currency,
                                                 GPtrArray            *budgets,
                                                 TgBudget             *budget);
TgBudget       *tg_budget_dialog_get_budget     (TgBudgetDialog       *self);
gboolean        tg_budget_dialog_get_valid      (TgBudgetDialog       *self);
gboolean        tg_budget_dialog_get_saving     (TgBudgetDialog       *self);
char           *tg_budget_dialog_dup_scope      (TgBudgetDialog       *self);

G_END_DECLS
