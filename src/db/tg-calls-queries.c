/* tg-calls-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The calls behind a figure: one statement over tollgate.usage_calls()
 * (data/sql/0013_calls.sql, which says how a page is read and priced), its parser, and
 * the blocking and asynchronous fetches over tg-db-typed-query.h's runner.
 *
 * The statement asks for one row more than the page holds, so that the parser knows
 * whether a next page exists without asking again.
 */

#include "config.h"

#include "tg-calls-queries.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"

G_DEFINE_BOXED_TYPE (TgCallsFilter, tg_calls_filter, tg_calls_filter_copy, tg_calls_filter_free)
G_DEFINE_BOXED_TYPE (TgCallsPage, tg_calls_page, tg_calls_page_ref, tg_calls_page_unref)

/* In binary format every column must be one TgDbResult reads: amounts leave as text
 * rounded to micro-units, jsonb as its text, inet as PostgreSQL writes it (abbrev(): no
 * "/32" on a single address, unlike inet::text), created_at as microseconds.
 */
static const char calls_sql[] =
  "SELECT c.api_usage_id, (extract(epoch FROM c.created_at) * 1000000)::int8, c.user_id, "
  "       c.api_provider, c.api_endpoint, c.request_type, c.call_count, "
  "       round(c.credit_cost, 6)::text, c.response_time, c.request_data::text, "
  "       c.response_data::text, c.response_status, c.billing_period, c.is_billable, "
  "       abbrev(c.ip_address), c.user_agent, c.feature, c.region, c.native_currency, "
  "       round(c.cost_native, 6)::text, round(c.cost, 6)::text "
  "FROM tollgate.usage_calls(to_timestamp($1::int8), to_timestamp($2::int8), $3::int8, "
  "                          $4::int4, $5, $6, $7, $8::int8, $9, $10, $11::int4) AS c "
  "ORDER BY c.api_usage_id DESC";

enum {
  COL_ID, COL_CREATED_AT, COL_USER_ID, COL_PROVIDER, COL_ENDPOINT, COL_REQUEST_TYPE,
  COL_CALL_COUNT, COL_CREDIT_COST, COL_RESPONSE_TIME, COL_REQUEST_DATA, COL_RESPONSE_DATA,
  COL_STATUS, COL_BILLING_PERIOD, COL_IS_BILLABLE, COL_IP_ADDRESS, COL_USER_AGENT,
  COL_FEATURE, COL_REGION, COL_NATIVE_CURRENCY, COL_COST_NATIVE, COL_COST, N_COLS
};

/* An outcome as usage_calls() names it; a code travels on its own. */
static const char *
status_name (TgCallsStatus status)
{
  switch (status)
    {
    case TG_CALLS_STATUS_OK:
      return "ok";
    case TG_CALLS_STATUS_ERROR:
      return "error";
    case TG_CALLS_STATUS_TIMEOUT:
      return "timeout";
    case TG_CALLS_STATUS_CODE:
    case TG_CALLS_STATUS_ANY:
    default:
      return NULL;
    }
}

/**
 * tg_calls_filter_new:
 * @from: UTC seconds, the first instant of the range
 * @to: UTC seconds, the first instant after it
 *
 * Returns: (transfer full): a filter of every call created in [@from, @to)
 */
TgCallsFilter *
tg_calls_filter_new (gint64 from,
                     gint64 to)
{
  TgCallsFilter *filter = g_new0 (TgCallsFilter, 1);

  filter->from = from;
  filter->to = to;
  filter->group_by = TG_USAGE_GROUP_NONE;
  filter->status = TG_CALLS_STATUS_ANY;

  return filter;
}

TgCallsFilter *
tg_calls_filter_copy (const TgCallsFilter *filter)
{
  TgCallsFilter *copy;

  g_return_val_if_fail (filter != NULL, NULL);

  copy = g_memdup2 (filter, sizeof *filter);
  copy->provider = g_strdup (filter->provider);
  copy->group = g_strdup (filter->group);
  copy->feature = g_strdup (filter->feature);

  return copy;
}

void
tg_calls_filter_free (TgCallsFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->provider);
  g_free (filter->group);
  g_free (filter->feature);
  g_free (filter);
}

TgCallsPage *
tg_calls_page_new (void)
{
  TgCallsPage *page = g_new0 (TgCallsPage, 1);

  g_atomic_ref_count_init (&page->ref_count);
  page->calls = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_call_unref);

  return page;
}

TgCallsPage *
tg_calls_page_ref (TgCallsPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);

  g_atomic_ref_count_inc (&page->ref_count);
  return page;
}

void
tg_calls_page_unref (TgCallsPage *page)
{
  g_return_if_fail (page != NULL);

  if (g_atomic_ref_count_dec (&page->ref_count))
    {
      g_ptr_array_unref (page->calls);
      g_free (page);
    }
}

static gboolean
filter_is_valid (const TgCallsFilter *filter)
{
  return filter->from <= filter->to &&
         (filter->group_by == TG_USAGE_GROUP_NONE || filter->group != NULL) &&
         (filter->status != TG_CALLS_STATUS_CODE ||
          (filter->status_code >= 0 && filter->status_code <= 599));
}

/**
 * tg_calls_statement_new:
 * @filter: which calls
 * @after_id: the previous page's TgCallsPage.next_after_id, or 0 for the first page
 * @limit: at most this many calls, from 1 to %TG_CALLS_MAX_LIMIT
 *
 * Returns: (transfer full): the statement of one page of calls, results in binary format;
 *   read its result with tg_calls_parse_result() and the same @limit
 */
TgDbStatement *
tg_calls_statement_new (const TgCallsFilter *filter,
                        gint64               after_id,
                        guint                limit)
{
  char *params[11];
  TgDbStatement *statement;
  gboolean grouped;

  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (filter_is_valid (filter), NULL);
  g_return_val_if_fail (after_id >= 0, NULL);
  g_return_val_if_fail (limit >= 1 && limit <= TG_CALLS_MAX_LIMIT, NULL);

  grouped = filter->group_by != TG_USAGE_GROUP_NONE;
  params[0] = g_strdup_printf ("%" G_GINT64_FORMAT, filter->from);
  params[1] = g_strdup_printf ("%" G_GINT64_FORMAT, filter->to);
  params[2] = after_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, after_id) : NULL;
  params[3] = g_strdup_printf ("%u", limit + 1);
  params[4] = g_strdup (filter->provider);
  params[5] = g_strdup (tg_usage_group_by_to_string (filter->group_by));
  params[6] = grouped ? g_strdup (filter->group) : NULL;
  params[7] = filter->has_user_id ? g_strdup_printf ("%" G_GINT64_FORMAT, filter->user_id)
                                  : NULL;
  params[8] = g_strdup (filter->feature);
  params[9] = g_strdup (status_name (filter->status));
  params[10] = filter->status == TG_CALLS_STATUS_CODE
               ? g_strdup_printf ("%d", filter->status_code) : NULL;

  statement = tg_db_statement_new (calls_sql, (const char * const *)params,
                                   G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_BINARY);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    g_free (params[i]);

  return statement;
}

/* A text column into *@field, unless it is SQL NULL: then *@field stays as it was ("" for
 * the columns tg_usage_call_new() fills, NULL for the others). Returns whether it was not
 * NULL.
 */
static gboolean
read_text (TgDbResult  *result,
           int          row,
           int          col,
           char       **field)
{
  char *text = tg_db_result_dup_text (result, row, col);

  if (text == NULL)
    return FALSE;

  g_free (*field);
  *field = text;
  return TRUE;
}

static TgUsageCall *
read_call (TgDbResult  *result,
           int          row,
           GError     **error)
{
  g_autoptr(TgUsageCall) call = tg_usage_call_new ();

  call->detailed = TRUE;
  call->id = tg_db_result_get_int64 (result, row, COL_ID);
  call->created_at = tg_db_result_get_int64 (result, row, COL_CREATED_AT);
  call->has_user_id = !tg_db_result_is_null (result, row, COL_USER_ID);
  call->user_id = tg_db_result_get_int64 (result, row, COL_USER_ID);
  read_text (result, row, COL_PROVIDER, &call->provider);
  read_text (result, row, COL_ENDPOINT, &call->endpoint);
  read_text (result, row, COL_REQUEST_TYPE, &call->request_type);
  call->call_count = tg_db_result_get_int64 (result, row, COL_CALL_COUNT);
  call->response_time = tg_db_result_is_null (result, row, COL_RESPONSE_TIME)
                        ? -1 : (int)tg_db_result_get_int64 (result, row, COL_RESPONSE_TIME);
  read_text (result, row, COL_REQUEST_DATA, &call->request_data);
  read_text (result, row, COL_RESPONSE_DATA, &call->response_data);
  call->status = (int)tg_db_result_get_int64 (result, row, COL_STATUS);
  read_text (result, row, COL_BILLING_PERIOD, &call->billing_period);
  call->is_billable = tg_db_result_get_boolean (result, row, COL_IS_BILLABLE);
  read_text (result, row, COL_IP_ADDRESS, &call->ip_address);
  read_text (result, row, COL_USER_AGENT, &call->user_agent);
  call->has_feature = read_text (result, row, COL_FEATURE, &call->feature);
  call->has_region = read_text (result, row, COL_REGION, &call->region);
  read_text (result, row, COL_NATIVE_CURRENCY, &call->native_currency);
  call->priced_native = !tg_db_result_is_null (result, row, COL_COST_NATIVE);
  call->priced = !tg_db_result_is_null (result, row, COL_COST);

  if (!tg_db_result_get_micros (result, row, COL_CREDIT_COST, &call->credit_cost, error) ||
      !tg_db_result_get_micros (result, row, COL_COST_NATIVE, &call->cost_native, error) ||
      !tg_db_result_get_micros (result, row, COL_COST, &call->cost, error))
    return NULL;

  return g_steal_pointer (&call);
}

/**
 * tg_calls_parse_result:
 * @result: the result of tg_calls_statement_new()'s statement, in binary or text format
 * @limit: the limit the statement was made with
 *
 * Returns: (transfer full): the page: at most @limit calls, highest id first, and the
 *   after_id of the next page (0 when there is none)
 */
TgCallsPage *
tg_calls_parse_result (TgDbResult  *result,
                       guint        limit,
                       GError     **error)
{
  g_autoptr(TgCallsPage) page = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (limit >= 1, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, N_COLS, "calls", error))
    return NULL;

  page = tg_calls_page_new ();
  n_rows = tg_db_result_get_n_rows (result);

  for (int i = 0; i < n_rows && (guint)i < limit; i++)
    {
      TgUsageCall *call = read_call (result, i, error);

      if (call == NULL)
        return NULL;
      g_ptr_array_add (page->calls, call);
    }

  /* The statement read one row more than the page holds: there is a next page. */
  if ((guint)n_rows > limit)
    page->next_after_id = ((TgUsageCall *)g_ptr_array_index (page->calls, limit - 1))->id;

  return g_steal_pointer (&page);
}

/* @data: the limit */
static gpointer
parse_cb (TgDbResult  *result,
          gpointer     data,
          GError     **error)
{
  return tg_calls_parse_result (result, GPOINTER_TO_UINT (data), error);
}

/**
 * tg_calls_fetch:
 * @filter: which calls
 * @after_id: the previous page's TgCallsPage.next_after_id, or 0 for the first page
 * @limit: at most this many calls, from 1 to %TG_CALLS_MAX_LIMIT
 *
 * Reads one page of calls, blocking: for tollgatectl and worker threads, never the UI
 * thread.
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
TgCallsPage *
tg_calls_fetch (PGconn               *conn,
                const TgCallsFilter  *filter,
                gint64                after_id,
                guint                 limit,
                GError              **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (filter_is_valid (filter), NULL);
  g_return_val_if_fail (limit >= 1 && limit <= TG_CALLS_MAX_LIMIT, NULL);

  statement = tg_calls_statement_new (filter, after_id, limit);

  return tg_db_typed_query_run (conn, statement, parse_cb, GUINT_TO_POINTER (limit), error);
}

/**
 * tg_calls_async:
 * @connection: a connection of the calling thread's main context
 * @filter: which calls; read before this returns
 * @after_id: the previous page's TgCallsPage.next_after_id, or 0 for the first page
 * @limit: at most this many calls, from 1 to %TG_CALLS_MAX_LIMIT
 *
 * Reads one page of calls without blocking. Cancelling @cancellable completes the call
 * at once with %G_IO_ERROR_CANCELLED.
 */
void
tg_calls_async (TgDbConnection      *connection,
                const TgCallsFilter *filter,
                gint64               after_id,
                guint                limit,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (filter != NULL);
  g_return_if_fail (filter_is_valid (filter));
  g_return_if_fail (limit >= 1 && limit <= TG_CALLS_MAX_LIMIT);

  statement = tg_calls_statement_new (filter, after_id, limit);
  tg_db_typed_query_async (connection, statement, parse_cb, GUINT_TO_POINTER (limit), NULL,
                           (GDestroyNotify)tg_calls_page_unref, tg_calls_async,
                           cancellable, callback, user_data);
}

/**
 * tg_calls_finish:
 *
 * Returns: (transfer full): the page, or %NULL with @error set: errors as
 *   tg_db_connection_query_finish() reports them
 */
TgCallsPage *
tg_calls_finish (TgDbConnection  *connection,
                 GAsyncResult    *result,
                 GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_calls_async, error);
}
