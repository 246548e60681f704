/* tg-refresher-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-refresher-queries.h"

/* Any fixed 64-bit key: "Tollgate" in ASCII. It only keeps many Tollgates from queueing
 * behind each other; the refresher's own transaction lock keeps concurrent refreshes
 * correct anyway, so `tollgatectl refresh` does not take it.
 */
#define REFRESHER_LOCK_KEY "6084200834447537253"

/* One text answer: may the session user refresh, and does this session hold (or now
 * take) the session-level refresher lock? The lock goes with the session, so a lost
 * connection hands it to the next Tollgate that asks.
 */
static const char elect_sql[] =
  "SELECT CASE "
  "  WHEN NOT has_schema_privilege ('tollgate', 'USAGE') THEN 'denied' "
  "  WHEN NOT coalesce (has_function_privilege (to_regprocedure ('tollgate.refresh_rollups(integer, interval)'), "
  "                                             'EXECUTE'), false) THEN 'denied' "
  "  WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_locks l "
  "               WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid () AND l.granted "
  "                 AND l.objsubid = 1 "
  "                 AND ((l.classid::int8 << 32) | l.objid::int8) = $1::int8) THEN 'refresher' "
  "  WHEN pg_try_advisory_lock ($1::int8) THEN 'refresher' "
  "  ELSE 'standby' "
  "END";

static const char refresh_sql[] =
  "SELECT rows_added, last_id "
  "FROM tollgate.refresh_rollups ($1::int4, make_interval (secs => $2::int4))";

static const char recompute_sql[] =
  "SELECT tollgate.recompute_rollups (to_timestamp ($1::int8))";

/**
 * tg_refresher_elect_statement_new:
 *
 * Returns: (transfer full): the statement that decides whether this session refreshes;
 *   read its result with tg_refresher_elect_parse_result()
 */
TgDbStatement *
tg_refresher_elect_statement_new (void)
{
  const char *params[] = { REFRESHER_LOCK_KEY };

  return tg_db_statement_new (elect_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

gboolean
tg_refresher_elect_parse_result (TgDbResult           *result,
                                 TgRefresherElection  *election,
                                 GError              **error)
{
  const char *answer;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (election != NULL, FALSE);

  answer = tg_db_result_get_n_rows (result) == 1 ? tg_db_result_get_value (result, 0, 0) : NULL;
  if (g_strcmp0 (answer, "refresher") == 0)
    *election = TG_REFRESHER_ELECTION_REFRESHER;
  else if (g_strcmp0 (answer, "standby") == 0)
    *election = TG_REFRESHER_ELECTION_STANDBY;
  else if (g_strcmp0 (answer, "denied") == 0)
    *election = TG_REFRESHER_ELECTION_DENIED;
  else
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer to the refresher election");
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_refresher_refresh_statement_new:
 * @max_rows: at most this many usage rows in this call (1 to %TG_REFRESHER_MAX_ROWS)
 * @users_every_seconds: add to the per-user level only when this long has passed since
 *   it last was (it costs per distinct user and provider of a batch, so a follower that
 *   refreshes every few seconds does it less often); 0 adds to it every time
 *
 * Returns: (transfer full): one call of the refresher; read its result with
 *   tg_refresher_refresh_parse_result()
 */
TgDbStatement *
tg_refresher_refresh_statement_new (guint max_rows,
                                    guint users_every_seconds)
{
  g_autofree char *rows_text = NULL;
  g_autofree char *every_text = NULL;
  const char *params[2];

  g_return_val_if_fail (max_rows >= 1 && max_rows <= TG_REFRESHER_MAX_ROWS, NULL);
  g_return_val_if_fail (users_every_seconds <= G_MAXINT32, NULL);

  rows_text = g_strdup_printf ("%u", max_rows);
  every_text = g_strdup_printf ("%u", users_every_seconds);
  params[0] = rows_text;
  params[1] = every_text;

  return tg_db_statement_new (refresh_sql, params, G_N_ELEMENTS (params),
                              TG_DB_QUERY_FLAGS_NONE);
}

gboolean
tg_refresher_refresh_parse_result (TgDbResult       *result,
                                   TgRefreshResult  *refresh,
                                   GError          **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (refresh != NULL, FALSE);

  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_get_n_cols (result) != 2 ||
      tg_db_result_is_null (result, 0, 0) || tg_db_result_is_null (result, 0, 1))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer from the rollup refresher");
      return FALSE;
    }

  refresh->rows_added = tg_db_result_get_int64 (result, 0, 0);
  refresh->last_id = tg_db_result_get_int64 (result, 0, 1);

  return TRUE;
}

/* The runner's parsers: the answers as allocated values. */

static gpointer
parse_election (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  TgRefresherElection election;

  if (!tg_refresher_elect_parse_result (result, &election, error))
    return NULL;

  return g_memdup2 (&election, sizeof election);
}

static gpointer
parse_refresh (TgDbResult  *result,
               gpointer     data,
               GError     **error)
{
  TgRefreshResult refresh;

  if (!tg_refresher_refresh_parse_result (result, &refresh, error))
    return NULL;

  return g_memdup2 (&refresh, sizeof refresh);
}

static gpointer
parse_count (TgDbResult  *result,
             gpointer     data,
             GError     **error)
{
  gint64 count;

  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_is_null (result, 0, 0))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer from the rollup rebuild");
      return NULL;
    }

  count = tg_db_result_get_int64 (result, 0, 0);
  return g_memdup2 (&count, sizeof count);
}

/**
 * tg_refresher_elect_async:
 * @connection: a connection of the calling thread's main context, whose session takes
 *   the refresher lock (it keeps it until it ends)
 *
 * Asks whether this session refreshes, taking the lock when it is free.
 */
void
tg_refresher_elect_async (TgDbConnection      *connection,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_refresher_elect_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_election, NULL, NULL, g_free,
                           tg_refresher_elect_async, cancellable, callback, user_data);
}

gboolean
tg_refresher_elect_finish (TgDbConnection       *connection,
                           GAsyncResult         *result,
                           TgRefresherElection  *election,
                           GError              **error)
{
  g_autofree TgRefresherElection *value = NULL;

  g_return_val_if_fail (election != NULL, FALSE);

  value = tg_db_typed_query_finish (connection, result, tg_refresher_elect_async, error);
  if (value == NULL)
    return FALSE;

  *election = *value;
  return TRUE;
}

/**
 * tg_refresher_refresh_async:
 *
 * One call of the refresher without blocking: see tg_refresher_refresh_statement_new().
 */
void
tg_refresher_refresh_async (TgDbConnection      *connection,
                            guint                max_rows,
                            guint                users_every_seconds,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  statement = tg_refresher_refresh_statement_new (max_rows, users_every_seconds);
  g_return_if_fail (statement != NULL);

  tg_db_typed_query_async (connection, statement, parse_refresh, NULL, NULL, g_free,
                           tg_refresher_refresh_async, cancellable, callback, user_data);
}

gboolean
tg_refresher_refresh_finish (TgDbConnection   *connection,
                             GAsyncResult     *result,
                             TgRefreshResult  *refresh,
                             GError          **error)
{
  g_autofree TgRefreshResult *value = NULL;

  g_return_val_if_fail (refresh != NULL, FALSE);

  value = tg_db_typed_query_finish (connection, result, tg_refresher_refresh_async, error);
  if (value == NULL)
    return FALSE;

  *refresh = *value;
  return TRUE;
}

/**
 * tg_refresher_refresh_all:
 * @users_every_seconds: as for tg_refresher_refresh_statement_new()
 * @refresh: (out caller-allocates): the rows added by all calls together, and the
 *   watermark after the last
 *
 * Calls the refresher until it has caught up (each call adds at most
 * %TG_REFRESHER_MAX_ROWS rows). Blocks.
 *
 * Returns: %TRUE when the rollups are up to date with what had committed
 */
gboolean
tg_refresher_refresh_all (PGconn           *conn,
                          guint             users_every_seconds,
                          TgRefreshResult  *refresh,
                          GError          **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (refresh != NULL, FALSE);

  statement = tg_refresher_refresh_statement_new (TG_REFRESHER_MAX_ROWS, users_every_seconds);
  refresh->rows_added = 0;
  refresh->last_id = 0;

  for (;;)
    {
      g_autofree TgRefreshResult *call = tg_db_typed_query_run (conn, statement, parse_refresh,
                                                                NULL, error);

      if (call == NULL)
        return FALSE;

      refresh->rows_added += call->rows_added;
      refresh->last_id = call->last_id;
      if (call->rows_added < TG_REFRESHER_MAX_ROWS)
        return TRUE;
    }
}

/**
 * tg_refresher_recompute:
 * @from_utc: the first instant to rebuild, Unix time; the rollups are cleared from the
 *   start of its UTC day (and everything when the reporting currency changed)
 * @rows: (out) (optional): how many usage rows were rolled up again
 *
 * Rebuilds the rollups after a price or a rate changed. Blocks; needs the finance or
 * the admin role.
 */
gboolean
tg_refresher_recompute (PGconn  *conn,
                        gint64   from_utc,
                        gint64  *rows,
                        GError **error)
{
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from_utc);
  const char *params[] = { from_text };
  g_autoptr(TgDbStatement) statement = NULL;
  g_autofree gint64 *count = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_db_statement_new (recompute_sql, params, 1, TG_DB_QUERY_FLAGS_NONE);
  count = tg_db_typed_query_run (conn, statement, parse_count, NULL, error);
  if (count == NULL)
    return FALSE;

  if (rows != NULL)
    *rows = *count;
  return TRUE;
}
