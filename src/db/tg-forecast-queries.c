/* tg-forecast-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The queries of the month-end forecast (docs/architecture.md, "Forecast"). A scope's
 * daily costs come from tollgate.usage_cost_days() (0014_forecast.sql): the rollups for
 * whole quarter hours, raw rows only for the minutes between the last quarter hour and
 * the moment, so that rows created after it never count. One statement reads the days
 * and the month so far, so both come from one snapshot. Amounts leave the server as exact
 * decimal text and are rounded once here.
 */

#include "config.h"

#include <string.h>

#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-forecast-queries.h"
#include "tg-money.h"

/* Bucket 0 is the extra range ($2); the days are buckets 1 … n − 1 of $1. */
static const char costs_sql[] =
  "SELECT 0, c.calls, c.cost::text "
  "FROM tollgate.usage_cost_days($2::timestamptz[], $3, $4, $5) c "
  "UNION ALL "
  "SELECT c.bucket, c.calls, c.cost::text "
  "FROM tollgate.usage_cost_days($1::timestamptz[], $3, $4, $5) c";

enum { COSTS_BUCKET, COSTS_CALLS, COSTS_COST, COSTS_N_COLS };

static const char first_usage_sql[] =
  "SELECT (extract(epoch FROM tollgate.usage_first_quarter()))::int8";

static const char features_sql[] = "SELECT name FROM tollgate.features ORDER BY name";
static const char cost_centres_sql[] = "SELECT code FROM tollgate.cost_centres ORDER BY code";

/* Instants to the microsecond, as PostgreSQL reads them. */
static char *
bounds_literal (const gint64 *usec,
                guint         n)
{
  GString *literal = g_string_new ("{");

  for (guint i = 0; i < n; i++)
    {
      gint64 seconds = usec[i] / G_USEC_PER_SEC - (usec[i] % G_USEC_PER_SEC < 0);
      gint64 micros = usec[i] - seconds * G_USEC_PER_SEC;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");

      g_string_append_printf (literal, "%s\"%s.%06" G_GINT64_FORMAT "+00\"", i > 0 ? "," : "",
                              text, micros);
    }
  g_string_append_c (literal, '}');

  return g_string_free (literal, FALSE);
}

/**
 * tg_forecast_costs_statement_new:
 * @bounds_usec: (array length=n_bounds): bucket bounds in UTC microseconds, ascending,
 *   every one but the last on a quarter hour (local days of the billing time zone); the
 *   last may be any instant after the one before
 * @range_usec: (array fixed-size=2) (nullable): one more range whose exact cost to read,
 *   bounded likewise (the month so far)
 * @kind: the scope
 * @name: (nullable): the scope's provider, cost centre or feature
 *
 * Returns: (transfer full): the statement; read its result with
 *   tg_forecast_costs_parse_result()
 */
TgDbStatement *
tg_forecast_costs_statement_new (const gint64        *bounds_usec,
                                 guint                n_bounds,
                                 const gint64        *range_usec,
                                 TgForecastScopeKind  kind,
                                 const char          *name)
{
  char *params[5] = { NULL };
  TgDbStatement *statement;

  g_return_val_if_fail (bounds_usec != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);
  g_return_val_if_fail (kind == TG_FORECAST_SCOPE_OVERALL || name != NULL, NULL);

  params[0] = bounds_literal (bounds_usec, n_bounds);
  params[1] = range_usec != NULL ? bounds_literal (range_usec, 2) : NULL;
  switch (kind)
    {
    case TG_FORECAST_SCOPE_OVERALL:
      params[2] = g_strdup ("none");
      break;
    case TG_FORECAST_SCOPE_PROVIDER:
      params[2] = g_strdup ("none");
      params[3] = g_strdup (name);
      break;
    case TG_FORECAST_SCOPE_FEATURE:
      params[2] = g_strdup ("feature");
      params[4] = g_strdup (name);
      break;
    case TG_FORECAST_SCOPE_COST_CENTRE:
      params[2] = g_strdup ("cost_centre");
      params[4] = g_strdup (name);
      break;
    default:
      g_assert_not_reached ();
    }

  statement = tg_db_statement_new (costs_sql, (const char * const *)params,
                                   G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    g_free (params[i]);

  return statement;
}

void
tg_forecast_costs_free (TgForecastCosts *costs)
{
  if (costs == NULL)
    return;
  g_free (costs->costs);
  g_free (costs->calls);
  g_free (costs);
}

/**
 * tg_forecast_costs_parse_result:
 * @n_bounds: the bounds the statement was made with
 *
 * Returns: (transfer full): the costs, or %NULL with @error set
 */
TgForecastCosts *
tg_forecast_costs_parse_result (TgDbResult  *result,
                                guint        n_bounds,
                                GError     **error)
{
  g_autoptr(TgForecastCosts) costs = NULL;
  g_autofree TgMoneySum *sums = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);

  if (!tg_db_result_check_n_cols (result, COSTS_N_COLS, "forecast costs", error))
    return NULL;

  costs = g_new0 (TgForecastCosts, 1);
  costs->n_buckets = n_bounds - 1;
  costs->costs = g_new0 (gint64, costs->n_buckets);
  costs->calls = g_new0 (gint64, costs->n_buckets);
  /* sums[0]: the extra range; sums[i]: bucket i */
  sums = g_new0 (TgMoneySum, n_bounds);

  n_rows = tg_db_result_get_n_rows (result);
  for (int i = 0; i < n_rows; i++)
    {
      gint64 bucket = tg_db_result_get_int64 (result, i, COSTS_BUCKET);
      const char *cost = tg_db_result_get_value (result, i, COSTS_COST);
      g_autoptr(GError) local_error = NULL;

      if (bucket < 0 || bucket >= n_bounds)
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "The server sent a cost for bucket %" G_GINT64_FORMAT " of %u",
                       bucket, n_bounds - 1);
          return NULL;
        }
      if (cost != NULL && !tg_money_sum_add_text (&sums[bucket], cost, &local_error))
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "The server sent a cost Tollgate cannot read (“%s”): %s",
                       cost, local_error->message);
          return NULL;
        }
      if (bucket > 0 && !tg_db_result_is_null (result, i, COSTS_CALLS))
        costs->calls[bucket - 1] += tg_db_result_get_int64 (result, i, COSTS_CALLS);
    }

  for (guint i = 0; i < n_bounds; i++)
    {
      gint64 *micros = i == 0 ? &costs->range_cost : &costs->costs[i - 1];

      if (!tg_money_sum_get_micros (&sums[i], micros))
        {
          g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                               "A cost is too large for Tollgate");
          return NULL;
        }
    }

  return g_steal_pointer (&costs);
}

static gpointer
parse_costs_cb (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  return tg_forecast_costs_parse_result (result, GPOINTER_TO_UINT (data), error);
}

/**
 * tg_forecast_fetch_costs:
 *
 * Blocks until the costs are read (tg_forecast_costs_statement_new() says what).
 *
 * Returns: (transfer full): the costs, or %NULL with @error set
 */
TgForecastCosts *
tg_forecast_fetch_costs (PGconn               *conn,
                         const gint64         *bounds_usec,
                         guint                 n_bounds,
                         const gint64         *range_usec,
                         TgForecastScopeKind   kind,
                         const char           *name,
                         GError              **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  statement = tg_forecast_costs_statement_new (bounds_usec, n_bounds, range_usec, kind, name);

  return tg_db_typed_query_run (conn, statement, parse_costs_cb, GUINT_TO_POINTER (n_bounds),
                                error);
}

static gpointer
parse_first_usage_cb (TgDbResult  *result,
                      gpointer     data,
                      GError     **error)
{
  gint64 *first = data;

  if (!tg_db_result_check_n_cols (result, 1, "first usage", error))
    return NULL;
  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_is_null (result, 0, 0))
    *first = G_MININT64;
  else
    *first = tg_db_result_get_int64 (result, 0, 0);

  return TG_DB_TYPED_QUERY_NO_VALUE;
}

/**
 * tg_forecast_fetch_first_usage:
 * @first_seconds: (out): the first quarter hour with usage, UTC seconds; %G_MININT64 when
 *   there is no usage yet
 *
 * Returns: %FALSE with @error set when the query failed
 */
gboolean
tg_forecast_fetch_first_usage (PGconn  *conn,
                               gint64  *first_seconds,
                               GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (first_seconds != NULL, FALSE);

  statement = tg_db_statement_new (first_usage_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);

  return tg_db_typed_query_run (conn, statement, parse_first_usage_cb, first_seconds,
                                error) != NULL;
}

static gpointer
parse_names_cb (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (!tg_db_result_check_n_cols (result, 1, "names", error))
    return NULL;
  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    g_strv_builder_add (names, tg_db_result_get_value (result, i, 0));

  return g_strv_builder_end (names);
}

/**
 * tg_forecast_fetch_scope_names:
 * @kind: %TG_FORECAST_SCOPE_FEATURE or %TG_FORECAST_SCOPE_COST_CENTRE
 *
 * Returns: (transfer full): the catalogue's features or cost centres, sorted
 */
GStrv
tg_forecast_fetch_scope_names (PGconn               *conn,
                               TgForecastScopeKind   kind,
                               GError              **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (kind == TG_FORECAST_SCOPE_FEATURE ||
                        kind == TG_FORECAST_SCOPE_COST_CENTRE, NULL);

  statement = tg_db_statement_new (kind == TG_FORECAST_SCOPE_FEATURE ? features_sql
                                                                     : cost_centres_sql,
                                   NULL, 0, TG_DB_QUERY_FLAGS_NONE);

  return tg_db_typed_query_run (conn, statement, parse_names_cb, NULL, error);
}
