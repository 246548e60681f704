/* tg-analytics.h — the Analytics page's question, and the periods that answer it
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tg-chart-scale.h"
#include "tg-time-bucket.h"
#include "tg-usage.h"

G_BEGIN_DECLS

typedef enum
{
  TG_ANALYTICS_RANGE_TODAY,
  TG_ANALYTICS_RANGE_YESTERDAY,
  TG_ANALYTICS_RANGE_LAST_7_DAYS,
  TG_ANALYTICS_RANGE_LAST_30_DAYS,
  TG_ANALYTICS_RANGE_LAST_90_DAYS,
  TG_ANALYTICS_RANGE_MONTH_TO_DATE,
  TG_ANALYTICS_RANGE_LAST_MONTH,
  TG_ANALYTICS_RANGE_CUSTOM,
} TgAnalyticsRange;

typedef enum
{
  TG_ANALYTICS_METRIC_CALLS,
  TG_ANALYTICS_METRIC_BILLABLE_CALLS,
  TG_ANALYTICS_METRIC_CREDITS,
  TG_ANALYTICS_METRIC_COST,
  TG_ANALYTICS_METRIC_ERROR_RATE,
  TG_ANALYTICS_METRIC_P50,
  TG_ANALYTICS_METRIC_P95,
  TG_ANALYTICS_METRIC_P99,
} TgAnalyticsMetric;

/* What the page asks: the same as `tollgatectl usage series` takes. */
typedef struct
{
  TgAnalyticsRange  range;
  GDate             from;       /* TG_ANALYTICS_RANGE_CUSTOM: first and last local day */
  GDate             to;
  TgBucketSize      bucket;     /* hour, day, week or month */
  TgUsageGroupBy    group_by;
  TgAnalyticsMetric metric;
  const char       *provider;   /* (nullable): only this provider */
} TgAnalyticsQuestion;

/* The periods that answer a question, in the billing time zone. */
typedef struct
{
  TgBucketSize  bucket;          /* the bucket the chart uses (user: always month) */
  gint64        start;           /* the period [start, end): end is now at the latest */
  gint64        end;
  gint64        previous_start;  /* the period before, of the same length */
  gint64        previous_end;
  GArray       *bounds;          /* gint64: start, the bucket boundaries inside, end */
  gint64        axis_end;        /* the end of the last bucket on the chart's time axis */
  GDate         first_day;       /* the local days the period covers */
  GDate         last_day;
  GDate         previous_first_day;
  GDate         previous_last_day;
  char         *notice;          /* (nullable): how the question was adapted, and why */
} TgAnalyticsPlan;

#define TG_ANALYTICS_ERROR (tg_analytics_error_quark ())

typedef enum
{
  TG_ANALYTICS_ERROR_INVALID_DATES,
  TG_ANALYTICS_ERROR_FUTURE,
  TG_ANALYTICS_ERROR_NOT_RECORDED,
} TgAnalyticsError;

/* At most this many hourly buckets on a chart (93 days): beyond, the chart shows days. */
#define TG_ANALYTICS_MAX_HOURS (24 * 93)

GQuark            tg_analytics_error_quark         (void);

const char       *tg_analytics_range_to_string     (TgAnalyticsRange         range);
gboolean          tg_analytics_range_parse         (const char              *text,
                                                    TgAnalyticsRange        *range);
const char       *tg_analytics_metric_to_string    (TgAnalyticsMetric        metric);
gboolean          tg_analytics_metric_parse        (const char              *text,
                                                    TgAnalyticsMetric       *metric);

TgAnalyticsPlan  *tg_analytics_plan_new            (const TgAnalyticsQuestion *question,
                                                    GTimeZone               *zone,
                                                    gint64                   now,
                                                    GError                 **error);
void              tg_analytics_plan_free           (TgAnalyticsPlan         *plan);

gboolean          tg_analytics_metric_is_latency   (TgAnalyticsMetric        metric);
TgValueFormat     tg_analytics_metric_get_format   (TgAnalyticsMetric        metric);
double            tg_analytics_metric_value        (TgAnalyticsMetric        metric,
                                                    const TgUsageRow        *row);
char             *tg_analytics_metric_format       (TgAnalyticsMetric        metric,
                                                    const TgUsageRow        *row,
                                                    const char              *currency);
char             *tg_analytics_metric_to_plain     (TgAnalyticsMetric        metric,
                                                    const TgUsageRow        *row);
char             *tg_analytics_format_difference   (TgAnalyticsMetric        metric,
                                                    const TgUsageRow        *current,
                                                    const TgUsageRow        *previous,
                                                    const char              *currency,
                                                    gboolean                 plain);
char             *tg_analytics_format_change       (TgAnalyticsMetric        metric,
                                                    const TgUsageRow        *current,
                                                    const TgUsageRow        *previous,
                                                    gboolean                 plain);
char             *tg_analytics_format_share        (gint64                   part,
                                                    gint64                   whole,
                                                    gboolean                 plain);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgAnalyticsPlan, tg_analytics_plan_free)

G_END_DECLS
