/* tg-simulate-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A history back-fill writes day by day, each day (or the part of today before the run
 * started) in one transaction:
 *
 *   BEGIN; COPY tollgate.api_usage_tracking …;
 *   INSERT INTO tollgate.simulate_progress … ON CONFLICT DO NOTHING; COMMIT;
 *
 * so the rows of a day and the record that they are in commit together or not at all.
 * The record goes last, when the rows and calls it counts are known (counting them
 * first would make every row twice). A second run of the same options writing the same
 * day at the same time waits on the record's primary key until the first commits, then
 * finds the day taken and rolls its copy back. The rights check runs before any of it,
 * so that a role that may not finish does not start.
 */

#include "config.h"

#include <string.h>

#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-simulate-queries.h"

void
tg_simulate_missing_right_free (TgSimulateMissingRight *right)
{
  if (right == NULL)
    return;

  g_free (right->privilege);
  g_free (right->object);
  g_free (right->owner);
  g_free (right->grantees);
  g_free (right);
}

/* Everything a history run does, in the order it does it: reach the schema, check the
 * population's tables and write them (tg_usage_writer_write_population()), make the
 * month partitions (tollgate.ensure_usage_partitions(), SECURITY DEFINER, so EXECUTE is
 * all it takes), read and add its progress, COPY the rows. Objects are found through the
 * catalogues rather than to_regclass(), which fails outright without USAGE on the schema.
 * One row per right the session lacks: what, on which object (NULL oid: not there), its
 * owner and the other roles it is granted to.
 */
static const char rights_sql[] =
  "WITH needed (n, privilege, kind, name) AS ("
  "  VALUES (1, 'USAGE', 'schema', 'tollgate'),"
  "         (2, 'INSERT', 'table', 'api_usage_tracking'),"
  "         (3, 'EXECUTE', 'function', 'ensure_usage_partitions'),"
  "         (4, 'INSERT', 'table', 'cost_centres'),"
  "         (5, 'INSERT', 'table', 'features'),"
  "         (6, 'INSERT', 'table', 'users'),"
  "         (7, 'SELECT', 'table', 'simulate_progress'),"
  "         (8, 'INSERT', 'table', 'simulate_progress')),"
  " objects AS ("
  "  SELECT d.n, d.privilege, d.kind, d.name, o.oid, o.owner, o.acl"
  "  FROM needed d"
  "  LEFT JOIN LATERAL ("
  "    SELECT s.oid, s.nspowner AS owner, s.nspacl AS acl"
  "    FROM pg_catalog.pg_namespace s"
  "    WHERE d.kind = 'schema' AND s.nspname = d.name"
  "    UNION ALL"
  "    SELECT c.oid, c.relowner, c.relacl"
  "    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace"
  "    WHERE d.kind = 'table' AND s.nspname = 'tollgate' AND c.relname = d.name"
  "    UNION ALL"
  "    SELECT p.oid, p.proowner, p.proacl"
  "    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace s ON s.oid = p.pronamespace"
  "    WHERE d.kind = 'function' AND s.nspname = 'tollgate' AND p.proname = d.name"
  "  ) o ON true)"
  " SELECT o.privilege,"
  "        CASE o.kind WHEN 'schema' THEN 'schema ' || o.name"
  "                    WHEN 'function' THEN 'tollgate.' || o.name || '()'"
  "                    ELSE 'tollgate.' || o.name END,"
  "        o.oid IS NOT NULL,"
  "        (SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.oid = o.owner),"
  "        (SELECT string_agg (DISTINCT r.rolname, ', ' ORDER BY r.rolname)"
  "         FROM pg_catalog.aclexplode (o.acl) a"
  "         JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
  "         WHERE a.privilege_type = o.privilege AND a.grantee <> o.owner)"
  " FROM objects o"
  " WHERE o.oid IS NULL"
  "    OR NOT CASE o.kind"
  "             WHEN 'schema' THEN pg_catalog.has_schema_privilege (o.oid, o.privilege)"
  "             WHEN 'table' THEN pg_catalog.has_table_privilege (o.oid, o.privilege)"
  "             ELSE pg_catalog.has_function_privilege (o.oid, o.privilege) END"
  " ORDER BY o.n";

/**
 * tg_simulate_rights_statement_new:
 *
 * Returns: (transfer full): the statement that lists the rights a history run needs and
 *   the session lacks; read it with tg_simulate_rights_parse_result()
 */
TgDbStatement *
tg_simulate_rights_statement_new (void)
{
  return tg_db_statement_new (rights_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_simulate_rights_parse_result:
 *
 * Returns: (transfer full) (element-type TgSimulateMissingRight): the rights missing,
 *   empty when the session may run the whole back-fill; %NULL with @error set
 */
GPtrArray *
tg_simulate_rights_parse_result (TgDbResult  *result,
                                 GError     **error)
{
  g_autoptr(GPtrArray) rights = NULL;

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, 5, "the rights check", error))
    return NULL;

  rights = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_simulate_missing_right_free);
  for (int row = 0; row < tg_db_result_get_n_rows (result); row++)
    {
      TgSimulateMissingRight *right = g_new0 (TgSimulateMissingRight, 1);

      right->privilege = tg_db_result_dup_text (result, row, 0);
      right->object = tg_db_result_dup_text (result, row, 1);
      right->exists = tg_db_result_get_boolean (result, row, 2);
      right->owner = tg_db_result_dup_text (result, row, 3);
      right->grantees = tg_db_result_dup_text (result, row, 4);
      g_ptr_array_add (rights, right);
    }

  return g_steal_pointer (&rights);
}

static gpointer
parse_rights (TgDbResult  *result,
              gpointer     data,
              GError     **error)
{
  return tg_simulate_rights_parse_result (result, error);
}

/**
 * tg_simulate_fetch_missing_rights:
 *
 * The blocking twin of tg_simulate_rights_statement_new() and its parser.
 *
 * Returns: (transfer full) (element-type TgSimulateMissingRight): as
 *   tg_simulate_rights_parse_result()
 */
GPtrArray *
tg_simulate_fetch_missing_rights (PGconn  *conn,
                                  GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_simulate_rights_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_rights, NULL, error);
}

/* ---- progress ---------------------------------------------------------------------- */

/* The parameters that name @run, $1 to $4, as progress_sql and claim_sql read them. The
 * mean rows per day goes as the shortest text that reads back as the same double, so the
 * float8 key compares equal run after run.
 */
typedef struct
{
  char seed[24];
  char rows_per_day[G_ASCII_DTOSTR_BUF_SIZE];
  char first_day[24];
  char n_days[16];
} RunParams;

static void
run_params_init (RunParams           *params,
                 const TgSimulateRun *run)
{
  g_snprintf (params->seed, sizeof params->seed, "%" G_GUINT64_FORMAT, run->seed);
  g_ascii_dtostr (params->rows_per_day, sizeof params->rows_per_day, run->rows_per_day);
  g_snprintf (params->first_day, sizeof params->first_day, "%" G_GINT64_FORMAT, run->first_day);
  g_snprintf (params->n_days, sizeof params->n_days, "%u", run->n_days);
}

/* Days are numbers of days since 1970-01-01 and instants µs since the epoch, as in
 * src/core/tg-traffic-model.h. extract(epoch) is numeric since PostgreSQL 14, so the µs
 * come back exact.
 */
static const char progress_sql[] =
  "SELECT (p.day - date '1970-01-01')::bigint,"
  "       (extract (epoch FROM min (p.written_from)) * 1000000)::bigint,"
  "       (extract (epoch FROM max (p.written_until)) * 1000000)::bigint,"
  "       sum (p.rows)::bigint, sum (p.calls)::bigint"
  " FROM tollgate.simulate_progress p"
  " WHERE p.seed = $1::bigint AND p.rows_per_day = $2::float8"
  "   AND p.first_day = date '1970-01-01' + $3::integer AND p.n_days = $4::integer"
  " GROUP BY p.day"
  " ORDER BY p.day";

/**
 * tg_simulate_progress_statement_new:
 *
 * Returns: (transfer full): the statement that reads what @run has written; read it with
 *   tg_simulate_progress_parse_result()
 */
TgDbStatement *
tg_simulate_progress_statement_new (const TgSimulateRun *run)
{
  RunParams params;
  const char *values[4];

  g_return_val_if_fail (run != NULL, NULL);

  run_params_init (&params, run);
  values[0] = params.seed;
  values[1] = params.rows_per_day;
  values[2] = params.first_day;
  values[3] = params.n_days;

  return tg_db_statement_new (progress_sql, values, G_N_ELEMENTS (values), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_simulate_progress_parse_result:
 *
 * Returns: (transfer full) (element-type TgSimulatePiece): one piece per day the run has
 *   written anything of, in order of days, from its earliest instant written to its
 *   latest, with the rows and calls of all its pieces; %NULL with @error set
 */
GArray *
tg_simulate_progress_parse_result (TgDbResult  *result,
                                   GError     **error)
{
  g_autoptr(GArray) pieces = NULL;

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, 5, "the simulation's progress", error))
    return NULL;

  pieces = g_array_new (FALSE, TRUE, sizeof (TgSimulatePiece));
  for (int row = 0; row < tg_db_result_get_n_rows (result); row++)
    {
      TgSimulatePiece piece = {
        .day = tg_db_result_get_int64 (result, row, 0),
        .from = tg_db_result_get_int64 (result, row, 1),
        .until = tg_db_result_get_int64 (result, row, 2),
        .rows = (guint64)tg_db_result_get_int64 (result, row, 3),
        .calls = (guint64)tg_db_result_get_int64 (result, row, 4),
      };

      g_array_append_val (pieces, piece);
    }

  return g_steal_pointer (&pieces);
}

static gpointer
parse_progress (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  return tg_simulate_progress_parse_result (result, error);
}

/**
 * tg_simulate_fetch_progress:
 *
 * The blocking twin of tg_simulate_progress_statement_new() and its parser.
 *
 * Returns: (transfer full) (element-type TgSimulatePiece): as
 *   tg_simulate_progress_parse_result()
 */
GArray *
tg_simulate_fetch_progress (PGconn               *conn,
                            const TgSimulateRun  *run,
                            GError              **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (run != NULL, NULL);

  statement = tg_simulate_progress_statement_new (run);
  return tg_db_typed_query_run (conn, statement, parse_progress, NULL, error);
}

/* ---- one piece, one transaction ---------------------------------------------------- */

/* Instants travel as µs counts: a float8 factor below 2^53 times one microsecond is exact
 * (dates up to the 2250s), and no DateStyle or TimeZone of the session shapes them.
 */
static const char claim_sql[] =
  "INSERT INTO tollgate.simulate_progress"
  "  (seed, rows_per_day, first_day, n_days, day, written_from, written_until, rows, calls)"
  " VALUES ($1::bigint, $2::float8, date '1970-01-01' + $3::integer, $4::integer,"
  "         date '1970-01-01' + $5::integer,"
  "         timestamptz 'epoch' + $6::bigint * interval '1 microsecond',"
  "         timestamptz 'epoch' + $7::bigint * interval '1 microsecond',"
  "         $8::bigint, $9::bigint)"
  " ON CONFLICT DO NOTHING";

static gpointer
parse_claimed (TgDbResult  *result,
               gpointer     data,
               GError     **error)
{
  gboolean *claimed = data;

  *claimed = tg_db_result_get_n_affected (result) == 1;
  return TG_DB_TYPED_QUERY_NO_VALUE;
}

/**
 * tg_simulate_piece_begin:
 *
 * Opens a piece's transaction. Send its rows (a COPY on @conn), then end it with
 * tg_simulate_piece_commit(), or with tg_simulate_piece_abort() on any failure.
 */
gboolean
tg_simulate_piece_begin (PGconn  *conn,
                         GError **error)
{
  g_return_val_if_fail (conn != NULL, FALSE);

  return tg_db_exec (conn, "BEGIN", error);
}

/**
 * tg_simulate_piece_commit:
 * @piece: what the transaction wrote, its rows and calls counted
 * @claimed: (out): %FALSE when another run of the same options wrote this piece since
 *   the caller read the progress: the transaction is rolled back then, and it is not an
 *   error
 * @in_doubt: (out): %TRUE when the connection was lost after COMMIT was sent: the piece
 *   may or may not be in, and tollgate.simulate_progress knows which
 *
 * Records @piece and commits, so that the rows and their record go in together. A
 * transaction an error aborted is not committed (PostgreSQL would answer its COMMIT with
 * ROLLBACK): that is a failure too.
 *
 * Returns: %TRUE when the server answered; then the piece is in if @claimed
 */
gboolean
tg_simulate_piece_commit (PGconn                 *conn,
                          const TgSimulateRun    *run,
                          const TgSimulatePiece  *piece,
                          gboolean               *claimed,
                          gboolean               *in_doubt,
                          GError                **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  g_autoptr(PGresult) result = NULL;
  RunParams params;
  char day[24], from[24], until[24], rows[24], calls[24];
  const char *values[9];

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (piece != NULL, FALSE);
  g_return_val_if_fail (claimed != NULL, FALSE);
  g_return_val_if_fail (in_doubt != NULL, FALSE);

  *claimed = FALSE;
  *in_doubt = FALSE;

  if (PQtransactionStatus (conn) != PQTRANS_INTRANS)
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           PQstatus (conn) == CONNECTION_OK
                           ? "The day's transaction was aborted before its commit"
                           : "The connection was lost before the day's commit");
      tg_simulate_piece_abort (conn);
      return FALSE;
    }

  run_params_init (&params, run);
  g_snprintf (day, sizeof day, "%" G_GINT64_FORMAT, piece->day);
  g_snprintf (from, sizeof from, "%" G_GINT64_FORMAT, piece->from);
  g_snprintf (until, sizeof until, "%" G_GINT64_FORMAT, piece->until);
  g_snprintf (rows, sizeof rows, "%" G_GUINT64_FORMAT, piece->rows);
  g_snprintf (calls, sizeof calls, "%" G_GUINT64_FORMAT, piece->calls);
  values[0] = params.seed;
  values[1] = params.rows_per_day;
  values[2] = params.first_day;
  values[3] = params.n_days;
  values[4] = day;
  values[5] = from;
  values[6] = until;
  values[7] = rows;
  values[8] = calls;
  statement = tg_db_statement_new (claim_sql, values, G_N_ELEMENTS (values),
                                   TG_DB_QUERY_FLAGS_NONE);

  if (tg_db_typed_query_run (conn, statement, parse_claimed, claimed, error) == NULL)
    {
      tg_simulate_piece_abort (conn);
      return FALSE;
    }

  if (!*claimed)
    {
      tg_simulate_piece_abort (conn);
      return TRUE;
    }

  result = PQexec (conn, "COMMIT");
  if (PQresultStatus (result) == PGRES_COMMAND_OK
      && g_strcmp0 (PQcmdStatus (result), "COMMIT") == 0)
    return TRUE;

  *claimed = FALSE;
  *in_doubt = PQstatus (conn) != CONNECTION_OK;
  tg_db_set_error_from_result (error, conn, result, "Committing the day failed");
  return FALSE;
}

/**
 * tg_simulate_piece_abort:
 *
 * Rolls the piece's transaction back, if one is open on a connection still there; a
 * lost connection has lost its transaction with it.
 */
void
tg_simulate_piece_abort (PGconn *conn)
{
  PGTransactionStatusType status;

  g_return_if_fail (conn != NULL);

  status = PQtransactionStatus (conn);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR)
    tg_db_exec (conn, "ROLLBACK", NULL);
}
