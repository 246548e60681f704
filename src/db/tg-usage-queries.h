/* tg-usage-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "tg-usage.h"

G_BEGIN_DECLS

/* The typed usage queries. Each reads complete rollup buckets plus the raw rows after the
 * refresher's watermark, so every answer is exact up to now. The statement text and its
 * parameters are built here and the result parsed here, so that blocking callers
 * (tollgatectl, worker threads) and the asynchronous connection share them.
 */

typedef struct
{
  const char *sql;
  char       *params[3];
  int         n_params;
} TgUsageStatement;

void        tg_usage_statement_clear        (TgUsageStatement   *statement);

void        tg_usage_series_statement       (TgUsageStatement   *statement,
                                             const gint64       *bounds,
                                             guint               n_bounds,
                                             TgUsageGroupBy      group_by,
                                             const char         *provider);
GPtrArray  *tg_usage_series_parse           (PGresult           *result,
                                             const gint64       *bounds,
                                             guint               n_bounds,
                                             GError            **error);
GPtrArray  *tg_usage_fetch_series           (PGconn             *conn,
                                             const gint64       *bounds,
                                             guint               n_bounds,
                                             TgUsageGroupBy      group_by,
                                             const char         *provider,
                                             GError            **error);

char       *tg_usage_fetch_setting          (PGconn             *conn,
                                             const char         *key,
                                             GError            **error);
gboolean    tg_usage_store_setting          (PGconn             *conn,
                                             const char         *key,
                                             const char         *value,
                                             GError            **error);

gboolean    tg_usage_parse_histogram        (const char         *text,
                                             TgLatencyHistogram *histogram,
                                             GError            **error);

G_END_DECLS
