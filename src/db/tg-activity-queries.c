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

static const char stats_sql[] =
  "SELECT (SELECT coalesce (sum (u.call_count), 0)::int8 "
  "        FROM tollgate.api_usage_tracking u "
  "        WHERE u.created_at > now () - make_interval (secs => $1::int4)), "
  "       (SELECT coalesce (sum (u.call_count), 0)::int8 "
  "        FROM tollgate.api_usage_tracking u "
  "        WHERE u.api_usage_id > $2::int8)";

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
 * @window_seconds: how far back "recent" reaches
 * @since_id: count the calls with a greater api_usage_id as well; -1 not to
 *
 * Returns: (transfer full): the statement; read its result with
 *   tg_activity_stats_parse_result()
 */
TgDbStatement *
tg_activity_stats_statement_new (guint  window_seconds,
                                 gint64 since_id)
{
  g_autofree char *window = g_strdup_printf ("%u", MIN (window_seconds, (guint)G_MAXINT32));
  g_autofree char *since = since_id >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, since_id) : NULL;
  const char *params[] = { window, since };

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

  stats->recent_calls = tg_db_result_get_int64 (result, 0, 0);
  stats->calls_since = tg_db_result_get_int64 (result, 0, 1);

  return TRUE;
}
