/* tg-usage.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tg-latency-histogram.h"

G_BEGIN_DECLS

/* What usage figures can be grouped by. */
typedef enum
{
  TG_USAGE_GROUP_NONE,
  TG_USAGE_GROUP_PROVIDER,
  TG_USAGE_GROUP_ENDPOINT,
  TG_USAGE_GROUP_REQUEST_TYPE,
  TG_USAGE_GROUP_FEATURE,
  TG_USAGE_GROUP_COST_CENTRE,
  TG_USAGE_GROUP_REGION,
  TG_USAGE_GROUP_STATUS_CLASS,
  TG_USAGE_GROUP_USER,
} TgUsageGroupBy;

#define TG_TYPE_USAGE_ROW (tg_usage_row_get_type ())

/* One bucket of one group: the figures every page shows. Money and credits are exact
 * micro-units (see tg-money.h); cost is in the reporting currency.
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  gint64              start;             /* bucket start, UTC seconds */
  gint64              end;               /* bucket end (exclusive), UTC seconds */
  char               *group;             /* "" for TG_USAGE_GROUP_NONE */
  gint64              calls;
  gint64              billable_calls;
  gint64              errors;
  gint64              timeouts;
  gint64              requests;
  gint64              credits;           /* micro-credits */
  gint64              input_tokens;
  gint64              output_tokens;
  char               *native_currency;   /* "" when the group mixes currencies */
  gint64              cost_native;       /* micro-units of native_currency */
  gint64              cost;              /* micro-units of the reporting currency */
  gint64              unpriced_calls;    /* billable calls without a price or a rate */
  TgLatencyHistogram *latency;
} TgUsageRow;

GType           tg_usage_row_get_type          (void) G_GNUC_CONST;
TgUsageRow     *tg_usage_row_new               (void);
TgUsageRow     *tg_usage_row_ref               (TgUsageRow      *row);
void            tg_usage_row_unref             (TgUsageRow      *row);
double          tg_usage_row_get_percentile    (const TgUsageRow *row,
                                                double           p);
double          tg_usage_row_get_error_rate    (const TgUsageRow *row);

gboolean        tg_usage_group_by_parse        (const char      *text,
                                                TgUsageGroupBy  *group_by);
const char     *tg_usage_group_by_to_string    (TgUsageGroupBy   group_by);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageRow, tg_usage_row_unref)

G_END_DECLS
