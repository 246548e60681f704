/* tg-activity-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Both sums read few rows whatever the table holds: the last seconds of created_at through
 * the BRIN index of the newest partition (the others are pruned when the executor starts,
 * now() being stable), and the ids above since_id through the primary keys. A NULL
 * since_id makes the second sum a constant zero.
 */

#include "config.h"

#include "tg-activity-queries.h"
#include "tg-db-util.h"

/* Reads only the rows above $1 (through the primary keys), and the highest id. */
static const char stats_sql[] =
  "SELECT CASE WHEN $1::int8 < 0 THEN 0 "
  "            ELSE (SELECT coalesce (sum (u.call_count), 0) "
  "                  FROM tollgate.api_usage_tracking u "
  "                  WHERE u.api_usage_id > $1::int8 AND u.api_usage_id <= m.id) END::int8, "
  "       coalesce (m.id, greatest ($1::int8, 0)) "
  "FROM (SELECT max (api_usage_id) AS id FROM tollgate.api_usage_tracking) AS m";

/**
 * tg_activity_jit_off_statement_new:
 *
 * The first statement of a batch that reads the live feed: turns JIT compilation off
 * until the batch's implicit transaction ends (set_config(…, true), so the session keeps
 * its own setting). tollgate.latest_calls() and plain sums over the usage table are planned
 * with large, rough estimates, and compiling their plans with LLVM takes about a second
 * for queries that run in a millisecond — too slow for a feed polled twice a second.
 *
 * Returns: (transfer full): the statement; its result is of no interest
 */
TgDbStatement *
tg_activity_jit_off_statement_new (void)
{
  return tg_db_statement_new ("SELECT pg_catalog.set_config ('jit', 'off', true)", NULL, 0,
                              TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_activity_stats_statement_new:
 * @after_id: the highest id counted so far; -1 for none (the answer then only says where
 *   counting starts)
 *
 * Returns: (transfer full): the statement; read its result with
 *   tg_activity_stats_parse_result()
 */
TgDbStatement *
tg_activity_stats_statement_new (gint64 after_id)
{
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (after_id, -1));
  const char *params[] = { after };

  return tg_db_statement_new (stats_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_activity_stats_parse_result:
 * @stats: (out caller-allocates): the figures
 */
gboolean
tg_activity_stats_parse_result (TgDbResult       *result,
                                TgActivityStats  *stats,
                                GError          **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_get_n_cols (result) != 2)
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer to the activity query");
      return FALSE;
    }

  stats->new_calls = tg_db_result_get_int64 (result, 0, 0);
  stats->last_id = tg_db_result_get_int64 (result, 0, 1);

  return TRUE;
}
