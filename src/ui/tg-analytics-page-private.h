/* tg-analytics-page-private.h — the Analytics page's struct, shared by its files
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tg-analytics-page.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* What one load brought: every section is drawn from it, and drill-downs read their
 * filters from it.
 */
typedef struct
{
  TgAnalyticsPlan   *plan;
  GTimeZone         *zone;
  char              *currency;
  GPtrArray         *providers;         /* TgProvider, the catalogue */
  TgUsageGroupBy     group_by;
  TgAnalyticsMetric  metric;
  char              *provider;          /* the filter; NULL: every provider */
  GPtrArray         *series;            /* TgUsageRow, the trends by bucket and group */
  TgUsageTop        *current;           /* the trends' groups over the period */
  TgUsageTop        *previous;          /* and over the period before */
  TgUsageTop        *features;
  TgUsageTop        *cost_centres;
  TgUsageTop        *users;
  GPtrArray         *performance;       /* TgUsageRow by bucket and provider */
  TgUsageTop        *statuses;
  TgUsageTop        *regions;
  GPtrArray         *region_providers;  /* TgUsageTop by region, one a provider */
  GPtrArray         *region_provider_slugs; /* char *, the provider of each */
  GDateTime         *updated_at;
} TgAnalyticsAnswer;

/* tg-analytics-page.c: the question (properties, actions, settings), loading, states
 * tg-analytics-sections.c: the sections drawn from an answer, and their drill-downs
 */
struct _TgAnalyticsPage
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkWidget          *toolbar;
  GtkFlowBox         *controls;
  GtkMenuButton      *range_button;
  GtkMenuButton      *from_button;
  GtkMenuButton      *to_button;
  GtkCalendar        *from_calendar;
  GtkCalendar        *to_calendar;
  GtkMenuButton      *bucket_button;
  GtkMenuButton      *provider_button;
  GtkMenuButton      *group_button;
  GtkMenuButton      *metric_button;
  GtkLabel           *period_label;
  GtkSpinner         *busy_spinner;
  GtkRevealer        *notice_revealer;
  GtkLabel           *notice_label;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  AdwStatusPage      *refused_page;
  GtkScrolledWindow  *scrolled_window;
  GtkStack           *sections;
  GtkLabel           *trends_title;
  GtkStack           *trends_chart_stack;
  TgChartWidget      *trends_chart;
  GtkLabel           *compare_label;
  TgDataTable        *trends_table;
  GtkBox             *allocation_box;
  GtkBox             *performance_box;
  GtkBox             *regions_box;

  /* children of the sections made in code (tg-analytics-sections.c) */
  GHashTable         *charts;            /* name → TgChartWidget, borrowed */
  GHashTable         *tables;            /* name → TgDataTable, borrowed */
  GHashTable         *subtitles;         /* name → GtkLabel, borrowed */

  /* owned */
  TgDbConnection     *connection;        /* the window's, shared */
  GSettings          *settings;
  GCancellable       *load_cancellable;  /* the load under way: the latest question wins */
  GTimeZone          *zone;              /* the billing zone the last load reported */
  char               *currency;
  GPtrArray          *providers;         /* TgProvider, the catalogue of the last load */
  TgAnalyticsAnswer  *answer;            /* what the sections show */
  char               *refusal;           /* why the question cannot be answered */

  /* the question: nicks, as GSettings stores them */
  char               *range;
  char               *from;              /* "YYYY-MM-DD", or "" */
  char               *to;
  char               *bucket;
  char               *group_by;
  char               *metric;
  char               *provider;          /* a slug, or "" for every provider */
  char               *section;

  gint64              last_load_time;    /* monotonic, when the last load started */
  guint               question_source_id;
  guint               queue_source_id;

  guint               load_pending : 1;  /* asked while unmapped: load when shown */
  guint               ready : 1;
  guint               syncing_calendars : 1;
};

/* tg-analytics-page.c */
void     _tg_analytics_answer_free          (TgAnalyticsAnswer *answer);
char    *_tg_analytics_format_days          (const GDate       *first,
                                             const GDate       *last);
char    *_tg_analytics_group_label          (TgAnalyticsAnswer *answer,
                                             TgUsageGroupBy     group_by,
                                             const char        *group);
void     _tg_analytics_page_open_calls      (TgAnalyticsPage   *self,
                                             TgCallsFilter     *filter,
                                             const char        *title);

/* tg-analytics-sections.c */
void     _tg_analytics_sections_init        (TgAnalyticsPage   *self);
void     _tg_analytics_sections_show        (TgAnalyticsPage   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgAnalyticsAnswer, _tg_analytics_answer_free)

G_END_DECLS
