/* tg-usage-queries-private.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tg-db-typed-query.h"
#include "tg-usage-queries.h"

G_BEGIN_DECLS

/* The usage parsers as TgDbParseFunc (tg-usage-queries.c), shared by the blocking
 * fetches (tg-usage-fetch.c) and the asynchronous ones (tg-usage-async.c).
 */
/* What the top's parser needs besides the result: the range and the grouping. */
typedef struct
{
  gint64          bounds[2];
  TgUsageGroupBy  group_by;
} UsageTopData;

GArray       *_tg_usage_bounds_new         (const gint64   *bounds,
                                            guint           n_bounds);
UsageTopData *_tg_usage_top_data_new       (const gint64    bounds[2],
                                            TgUsageGroupBy  group_by);
gpointer      _tg_usage_top_parse_cb       (TgDbResult     *result,
                                            gpointer        data,
                                            GError        **error);
gpointer  _tg_usage_series_parse_cb        (TgDbResult    *result,
                                            gpointer       data,
                                            GError       **error);
gpointer  _tg_usage_latest_calls_parse_cb  (TgDbResult    *result,
                                            gpointer       data,
                                            GError       **error);
gpointer  _tg_usage_user_totals_parse_cb   (TgDbResult    *result,
                                            gpointer       data,
                                            GError       **error);

G_END_DECLS
