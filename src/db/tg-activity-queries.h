/* tg-activity-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-db-connection.h"

G_BEGIN_DECLS

/* How busy the platform is right now, for the live activity feed beside the newest calls
 * (tg_usage_latest_calls_statement_new()): sent in the same pipelined batch.
 */
typedef struct
{
  gint64 new_calls;      /* sum(call_count) of rows with an id above after_id, up to last_id */
  gint64 last_id;        /* the highest id now */
} TgActivityStats;

TgDbStatement *tg_activity_jit_off_statement_new (void);
TgDbStatement *tg_activity_stats_statement_new (gint64            after_id);
gboolean       tg_activity_stats_parse_result  (TgDbResult       *result,
                                                TgActivityStats  *stats,
                                                GError          **error);

G_END_DECLS
