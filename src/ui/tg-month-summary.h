/* tg-month-summary.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_MONTH_SUMMARY (tg_month_summary_get_type ())

G_DECLARE_FINAL_TYPE (TgMonthSummary, tg_month_summary, TG, MONTH_SUMMARY, GtkWidget)

GtkWidget            *tg_month_summary_new                 (void);
void                  tg_month_summary_set_usage           (TgMonthSummary       *self,
                                                            TgUsageRow           *usage,
                                                            const char           *currency,
                                                            GTimeZone            *billing_zone);
void                  tg_month_summary_set_error           (TgMonthSummary       *self,
                                                            const char           *message);
gboolean              tg_month_summary_get_has_data        (TgMonthSummary       *self);
gint64                tg_month_summary_get_calls           (TgMonthSummary       *self);
gint64                tg_month_summary_get_cost            (TgMonthSummary       *self);
const char           *tg_month_summary_get_currency        (TgMonthSummary       *self);
gboolean              tg_month_summary_get_stale           (TgMonthSummary       *self);
void                  tg_month_summary_set_stale           (TgMonthSummary       *self,
                                                            gboolean              stale);
TgDbConnectionStatus  tg_month_summary_get_database_status (TgMonthSummary       *self);
void                  tg_month_summary_set_database_status (TgMonthSummary       *self,
                                                            TgDbConnectionStatus  status);

G_END_DECLS
