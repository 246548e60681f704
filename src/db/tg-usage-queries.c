/* tg-usage-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-usage-queries.h"

/* Money and credits leave the server rounded to micro-units: the exact sums are made there. */
static const char series_sql[] =
  "SELECT bucket, grp, calls, billable_calls, errors, timeouts, requests, "
  "       round(credits, 6)::text, input_tokens, output_tokens, native_currency, "
  "       round(cost_native, 6)::text, round(cost, 6)::text, unpriced_calls, latency::text "
  "FROM tollgate.usage_series($1::timestamptz[], $2, $3)";

enum {
  COL_BUCKET, COL_GROUP, COL_CALLS, COL_BILLABLE, COL_ERRORS, COL_TIMEOUTS, COL_REQUESTS,
  COL_CREDITS, COL_INPUT_TOKENS, COL_OUTPUT_TOKENS, COL_NATIVE_CURRENCY, COL_COST_NATIVE,
  COL_COST, COL_UNPRICED, COL_LATENCY, N_COLS
};

void
tg_usage_statement_clear (TgUsageStatement *statement)
{
  for (guint i = 0; i < G_N_ELEMENTS (statement->params); i++)
    g_clear_pointer (&statement->params[i], g_free);
  statement->n_params = 0;
  statement->sql = NULL;
}

static char *
bounds_literal (const gint64 *bounds,
                guint         n_bounds)
{
  GString *literal = g_string_new ("{");

  for (guint i = 0; i < n_bounds; i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (bounds[i]);
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S+00");

      g_string_append_printf (literal, "%s\"%s\"", i > 0 ? "," : "", text);
    }
  g_string_append_c (literal, '}');

  return g_string_free (literal, FALSE);
}

/**
 * tg_usage_series_statement:
 * @bounds: bucket bounds in UTC seconds, ascending, multiples of 900; bucket i covers
 *   [bounds[i], bounds[i+1])
 * @provider: (nullable): only this provider
 */
void
tg_usage_series_statement (TgUsageStatement *statement,
                           const gint64     *bounds,
                           guint             n_bounds,
                           TgUsageGroupBy    group_by,
                           const char       *provider)
{
  g_return_if_fail (n_bounds >= 2);
  g_return_if_fail (group_by != TG_USAGE_GROUP_USER);

  tg_usage_statement_clear (statement);
  statement->sql = series_sql;
  statement->params[0] = bounds_literal (bounds, n_bounds);
  statement->params[1] = g_strdup (tg_usage_group_by_to_string (group_by));
  statement->params[2] = g_strdup (provider);
  statement->n_params = 3;
}

/* Parses PostgreSQL's text form of a one-dimensional bigint[]: "{3,0,17}". */
gboolean
tg_usage_parse_histogram (const char          *text,
                          TgLatencyHistogram  *histogram,
                          GError             **error)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *p = text;

  if (p == NULL || *p != '{')
    goto bad;

  for (p++; *p != '}';)
    {
      char *end = NULL;
      gint64 value = g_ascii_strtoll (p, &end, 10);

      if (end == p)
        goto bad;
      g_array_append_val (counts, value);
      p = end;
      if (*p == ',')
        p++;
      else if (*p != '}')
        goto bad;
    }

  return tg_latency_histogram_set_counts (histogram, (const gint64 *)counts->data, counts->len,
                                          error);

bad:
  g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
               "The server sent a latency histogram Tollgate cannot read");
  return FALSE;
}

static gboolean
parse_micros (PGresult  *result,
              int        row,
              int        col,
              gint64    *micros,
              GError   **error)
{
  if (PQgetisnull (result, row, col))
    {
      *micros = 0;
      return TRUE;
    }

  return tg_money_parse (PQgetvalue (result, row, col), micros, error);
}

static gint64
get_int64 (PGresult *result,
           int       row,
           int       col)
{
  if (PQgetisnull (result, row, col))
    return 0;

  return g_ascii_strtoll (PQgetvalue (result, row, col), NULL, 10);
}

/**
 * tg_usage_series_parse:
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group
 */
GPtrArray *
tg_usage_series_parse (PGresult      *result,
                       const gint64  *bounds,
                       guint          n_bounds,
                       GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);

  if (PQnfields (result) != N_COLS)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "Unexpected usage result with %d columns", PQnfields (result));
      return NULL;
    }

  for (int i = 0; i < PQntuples (result); i++)
    {
      g_autoptr(TgUsageRow) row = tg_usage_row_new ();
      gint64 bucket = get_int64 (result, i, COL_BUCKET);

      if (bucket < 1 || bucket >= (gint64)n_bounds)
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "Usage result names bucket %" G_GINT64_FORMAT " of %u", bucket, n_bounds - 1);
          return NULL;
        }

      row->start = bounds[bucket - 1];
      row->end = bounds[bucket];
      g_free (row->group);
      row->group = g_strdup (PQgetvalue (result, i, COL_GROUP));
      row->calls = get_int64 (result, i, COL_CALLS);
      row->billable_calls = get_int64 (result, i, COL_BILLABLE);
      row->errors = get_int64 (result, i, COL_ERRORS);
      row->timeouts = get_int64 (result, i, COL_TIMEOUTS);
      row->requests = get_int64 (result, i, COL_REQUESTS);
      row->input_tokens = get_int64 (result, i, COL_INPUT_TOKENS);
      row->output_tokens = get_int64 (result, i, COL_OUTPUT_TOKENS);
      row->unpriced_calls = get_int64 (result, i, COL_UNPRICED);
      g_free (row->native_currency);
      row->native_currency = g_strdup (PQgetvalue (result, i, COL_NATIVE_CURRENCY));

      if (!parse_micros (result, i, COL_CREDITS, &row->credits, error) ||
          !parse_micros (result, i, COL_COST_NATIVE, &row->cost_native, error) ||
          !parse_micros (result, i, COL_COST, &row->cost, error) ||
          !tg_usage_parse_histogram (PQgetvalue (result, i, COL_LATENCY), row->latency, error))
        return NULL;

      g_ptr_array_add (rows, g_steal_pointer (&row));
    }

  return g_steal_pointer (&rows);
}

/* Blocking: for tollgatectl and worker threads. */
GPtrArray *
tg_usage_fetch_series (PGconn          *conn,
                       const gint64    *bounds,
                       guint            n_bounds,
                       TgUsageGroupBy   group_by,
                       const char      *provider,
                       GError         **error)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(PGresult) result = NULL;
  GPtrArray *rows;

  tg_usage_series_statement (&statement, bounds, n_bounds, group_by, provider);
  result = tg_db_query (conn, statement.sql, statement.n_params,
                        (const char * const *)statement.params, error);
  tg_usage_statement_clear (&statement);
  if (result == NULL)
    return NULL;

  rows = tg_usage_series_parse (result, bounds, n_bounds, error);
  return rows;
}

char *
tg_usage_fetch_setting (PGconn      *conn,
                        const char  *key,
                        GError     **error)
{
  const char *params[] = { key };
  g_autoptr(PGresult) result = NULL;

  result = tg_db_query (conn, "SELECT value FROM tollgate.settings WHERE key = $1",
                        1, params, error);
  if (result == NULL)
    return NULL;

  if (PQntuples (result) == 0)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "There is no setting “%s”", key);
      return NULL;
    }

  return g_strdup (PQgetvalue (result, 0, 0));
}

gboolean
tg_usage_store_setting (PGconn      *conn,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  const char *params[] = { key, value };
  g_autoptr(PGresult) result = NULL;

  result = tg_db_query (conn, "UPDATE tollgate.settings SET value = $2 WHERE key = $1",
                        2, params, error);
  if (result == NULL)
    return FALSE;

  if (g_strcmp0 (PQcmdTuples (result), "1") != 0)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "There is no setting “%s”", key);
      return FALSE;
    }

  return TRUE;
}
