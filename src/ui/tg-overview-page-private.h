/* tg-overview-page-private.h — the Overview's struct, shared by its files
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tg-overview-page.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* tg-overview-page.c: the cards, the chart, loading
 * tg-overview-export.c: the page as a PDF report
 */
struct _TgOverviewPage
{
  AdwBin          parent_instance;

  /* template widgets */
  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *error_page;
  GtkWidget      *content_box;
  GtkLabel       *stale_label;
  GtkLabel       *period_label;
  GtkFlowBox     *cards_box;
  GtkLabel       *total_label;
  GtkStack       *chart_stack;
  TgCostChart    *chart;
  TgActivityFeed *feed;

  /* owned */
  TgDbConnection *connection;         /* the window's, shared */
  GCancellable   *load_cancellable;   /* the load under way */
  GTimeZone      *billing_zone;
  char           *reporting_currency;
  char           *month;              /* "YYYY-MM" in the billing time zone */
  GPtrArray      *providers;          /* TgProvider, the catalogue */
  GPtrArray      *cards;              /* TgProviderCard, in the order shown */
  GDateTime      *updated_at;
  TgUsageRow     *month_total;        /* the cards' month added up: what the header shows */
  GTimeZone      *month_total_zone;

  gint64          last_load_time;     /* monotonic, when the last load started */
  guint           queue_source_id;
  guint           periodic_source_id;

  guint           reload_pending : 1;
  guint           has_data : 1;
  guint           stale : 1;
  guint           ready : 1;
};

G_END_DECLS
