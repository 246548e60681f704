/* tg-usage-source.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"
#include "tg-usage-source.h"

/* The columns of tg_usage_series_statement()'s query, in order. */
enum {
  COL_BUCKET, COL_GROUP, COL_CALLS, COL_BILLABLE, COL_ERRORS, COL_TIMEOUTS, COL_REQUESTS,
  COL_CREDITS, COL_INPUT_TOKENS, COL_OUTPUT_TOKENS, COL_NATIVE_CURRENCY, COL_COST_NATIVE,
  COL_COST, COL_UNPRICED, COL_LATENCY, N_COLS
};

typedef struct
{
  gint64 *bounds;
  guint   n_bounds;
} SeriesData;

static void
series_data_free (SeriesData *data)
{
  g_free (data->bounds);
  g_free (data);
}

static gboolean
parse_micros (TgDbResult  *result,
              int          row,
              int          col,
              gint64      *micros,
              GError     **error)
{
  if (tg_db_result_is_null (result, row, col))
    {
      *micros = 0;
      return TRUE;
    }

  return tg_money_parse (tg_db_result_get_value (result, row, col), micros, error);
}

/* tg_usage_series_parse() for a TgDbResult (that one reads a PGresult). */
static GPtrArray *
parse_series (TgDbResult    *result,
              const gint64  *bounds,
              guint          n_bounds,
              GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);

  if (tg_db_result_get_n_cols (result) != N_COLS)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "Unexpected usage result with %d columns", tg_db_result_get_n_cols (result));
      return NULL;
    }

  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    {
      g_autoptr(TgUsageRow) row = tg_usage_row_new ();
      gint64 bucket = tg_db_result_get_int64 (result, i, COL_BUCKET);

      if (bucket < 1 || bucket >= (gint64)n_bounds)
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "Usage result names bucket %" G_GINT64_FORMAT " of %u", bucket, n_bounds - 1);
          return NULL;
        }

      row->start = bounds[bucket - 1];
      row->end = bounds[bucket];
      g_free (row->group);
      row->group = g_strdup (tg_db_result_get_value (result, i, COL_GROUP));
      row->calls = tg_db_result_get_int64 (result, i, COL_CALLS);
      row->billable_calls = tg_db_result_get_int64 (result, i, COL_BILLABLE);
      row->errors = tg_db_result_get_int64 (result, i, COL_ERRORS);
      row->timeouts = tg_db_result_get_int64 (result, i, COL_TIMEOUTS);
      row->requests = tg_db_result_get_int64 (result, i, COL_REQUESTS);
      row->input_tokens = tg_db_result_get_int64 (result, i, COL_INPUT_TOKENS);
      row->output_tokens = tg_db_result_get_int64 (result, i, COL_OUTPUT_TOKENS);
      row->unpriced_calls = tg_db_result_get_int64 (result, i, COL_UNPRICED);
      g_free (row->native_currency);
      row->native_currency = g_strdup (tg_db_result_get_value (result, i, COL_NATIVE_CURRENCY));

      if (!parse_micros (result, i, COL_CREDITS, &row->credits, error) ||
          !parse_micros (result, i, COL_COST_NATIVE, &row->cost_native, error) ||
          !parse_micros (result, i, COL_COST, &row->cost, error) ||
          !tg_usage_parse_histogram (tg_db_result_get_value (result, i, COL_LATENCY),
                                     row->latency, error))
        return NULL;

      g_ptr_array_add (rows, g_steal_pointer (&row));
    }

  return g_steal_pointer (&rows);
}

static void
series_query_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TgDbResult) db_result = NULL;
  g_autoptr(GError) error = NULL;
  SeriesData *data = g_task_get_task_data (task);
  GPtrArray *rows;

  db_result = tg_db_connection_query_finish (TG_DB_CONNECTION (object), result, &error);
  if (db_result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  rows = parse_series (db_result, data->bounds, data->n_bounds, &error);
  if (rows == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rows, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * _tg_usage_source_series_async:
 * @bounds: (array length=n_bounds): bucket bounds in UTC seconds, as for
 *   tg_usage_series_statement()
 * @provider: (nullable): only this provider
 *
 * Reads a usage series on @connection: complete rollup buckets plus the raw tail, so
 * the figures are exact up to now.
 */
void
_tg_usage_source_series_async (TgDbConnection      *connection,
                               const gint64        *bounds,
                               guint                n_bounds,
                               TgUsageGroupBy       group_by,
                               const char          *provider,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(GTask) task = NULL;
  SeriesData *data;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (bounds != NULL && n_bounds >= 2);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tg_usage_source_series_async);

  data = g_new0 (SeriesData, 1);
  data->bounds = g_memdup2 (bounds, n_bounds * sizeof *bounds);
  data->n_bounds = n_bounds;
  g_task_set_task_data (task, data, (GDestroyNotify)series_data_free);

  tg_usage_series_statement (&statement, bounds, n_bounds, group_by, provider);
  tg_db_connection_query_async (connection, statement.sql,
                                (const char * const *)statement.params, statement.n_params,
                                cancellable, series_query_cb, g_steal_pointer (&task));
  tg_usage_statement_clear (&statement);
}

/**
 * _tg_usage_source_series_finish:
 *
 * Returns: (transfer container) (element-type TgUsageRow): rows ordered by bucket,
 *   then group
 */
GPtrArray *
_tg_usage_source_series_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _tg_usage_source_series_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
month_series_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;
  const gint64 *bounds = g_task_get_task_data (task);
  TgUsageRow *total;

  rows = _tg_usage_source_series_finish (result, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A month without usage has no row: it is a month of zeros. */
  if (rows->len > 0)
    total = tg_usage_row_ref (g_ptr_array_index (rows, 0));
  else
    {
      total = tg_usage_row_new ();
      total->start = bounds[0];
      total->end = bounds[1];
    }

  g_task_return_pointer (task, total, (GDestroyNotify)tg_usage_row_unref);
}

/**
 * _tg_usage_source_month_async:
 * @billing_zone: the billing time zone, whose calendar month is meant
 * @now: the instant whose month to total
 *
 * Totals the usage of the billing month holding @now, group none. The bounds come
 * from tg_time_bucket_month_bounds(): the month is a local month of @billing_zone.
 */
void
_tg_usage_source_month_async (TgDbConnection      *connection,
                              GTimeZone           *billing_zone,
                              GDateTime           *now,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *month = NULL;
  g_autoptr(GError) error = NULL;
  gint64 *bounds;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (billing_zone != NULL);
  g_return_if_fail (now != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tg_usage_source_month_async);

  bounds = g_new0 (gint64, 2);
  g_task_set_task_data (task, bounds, g_free);

  local = g_date_time_to_timezone (now, billing_zone);
  month = g_date_time_format (local, "%Y-%m");
  if (!tg_time_bucket_month_bounds (billing_zone, month, &bounds[0], &bounds[1], &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _tg_usage_source_series_async (connection, bounds, 2, TG_USAGE_GROUP_NONE, NULL,
                                 cancellable, month_series_cb, g_steal_pointer (&task));
}

/**
 * _tg_usage_source_month_finish:
 *
 * Returns: (transfer full): the month's totals; start and end are its bounds
 */
TgUsageRow *
_tg_usage_source_month_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _tg_usage_source_month_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
