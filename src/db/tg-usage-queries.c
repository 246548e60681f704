/* tg-usage-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every query is described once (SQL text and text parameters), run either blocking
 * (PQexecParams, results in binary format, wrapped in a TgDbResult) or on a TgDbConnection
 * (TG_DB_QUERY_FLAGS_BINARY), and its result read by one parser taking a TgDbResult.
 *
 * In binary format every column must be a type TgDbResult reads: integers as int2, int4
 * or int8, histograms as int8[], strings as text. Money and credits leave the server as
 * text rounded to micro-units (the exact sums are made there; numeric has no binary reader
 * here), timestamps as int8 microseconds.
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-usage-queries.h"

/* The text form, for tg_usage_series_statement() and its callers' own parsers. */
/* tollgate.usage_series() returns pieces of each (bucket, group), added up here: amounts as
 * exact decimal text (rounded to micro-units once summed), histograms as "{1,2,3}" —
 * three to six times fewer bytes than int8[]'s binary form, whose elements are 12 bytes
 * each, for the mostly small counts of a rollup row.
 */
static const char series_sql[] =
  "SELECT bucket, grp, calls, billable_calls, errors, timeouts, requests, "
  "       credits::text, input_tokens, output_tokens, native_currency, "
  "       cost_native::text, cost::text, unpriced_calls, latency "
  "FROM tollgate.usage_series($1::timestamptz[], $2, $3)";

enum {
  SERIES_BUCKET, SERIES_GROUP, SERIES_CALLS, SERIES_BILLABLE, SERIES_ERRORS, SERIES_TIMEOUTS,
  SERIES_REQUESTS, SERIES_CREDITS, SERIES_INPUT_TOKENS, SERIES_OUTPUT_TOKENS,
  SERIES_NATIVE_CURRENCY, SERIES_COST_NATIVE, SERIES_COST, SERIES_UNPRICED, SERIES_LATENCY,
  SERIES_N_COLS
};

static const char settings_sql[] =
  "SELECT (SELECT value FROM tollgate.settings WHERE key = 'billing-timezone'), "
  "       (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency')";

enum {
  SETTINGS_BILLING_TIMEZONE, SETTINGS_REPORTING_CURRENCY, SETTINGS_N_COLS
};

static const char latest_calls_sql[] =
  "SELECT api_usage_id, (extract(epoch FROM created_at) * 1000000)::int8, api_provider, "
  "       api_endpoint, request_type, user_id, coalesce(feature, ''), coalesce(region, ''), "
  "       response_status, response_time, call_count, round(cost, 6)::text "
  "FROM tollgate.latest_calls($1::int8, $2::int4)";

enum {
  CALL_ID, CALL_CREATED_AT, CALL_PROVIDER, CALL_ENDPOINT, CALL_REQUEST_TYPE, CALL_USER_ID,
  CALL_FEATURE, CALL_REGION, CALL_STATUS, CALL_RESPONSE_TIME, CALL_CALL_COUNT, CALL_COST,
  CALL_N_COLS
};

static const char user_totals_sql[] =
  "SELECT user_id, display_name, calls, billable_calls, errors, round(credits, 6)::text, "
  "       native_currency, round(cost_native, 6)::text, round(cost, 6)::text, unpriced_calls "
  "FROM tollgate.user_month_totals($1, $2, $3::int4)";

enum {
  USER_ID, USER_DISPLAY_NAME, USER_CALLS, USER_BILLABLE, USER_ERRORS, USER_CREDITS,
  USER_NATIVE_CURRENCY, USER_COST_NATIVE, USER_COST, USER_UNPRICED, USER_N_COLS
};

/* The server caps tollgate.latest_calls() at this many rows. */
#define MAX_LATEST_CALLS 10000

/* Statements */

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

static void
series_query (TgUsageStatement *statement,
              const char       *sql,
              const gint64     *bounds,
              guint             n_bounds,
              TgUsageGroupBy    group_by,
              const char       *provider)
{
  tg_usage_statement_clear (statement);
  statement->sql = sql;
  statement->params[0] = bounds_literal (bounds, n_bounds);
  statement->params[1] = g_strdup (tg_usage_group_by_to_string (group_by));
  statement->params[2] = g_strdup (provider);
  statement->n_params = 3;
}

static void
settings_query (TgUsageStatement *statement)
{
  tg_usage_statement_clear (statement);
  statement->sql = settings_sql;
}

static void
latest_calls_query (TgUsageStatement *statement,
                    gint64            after_id,
                    guint             limit)
{
  tg_usage_statement_clear (statement);
  statement->sql = latest_calls_sql;
  statement->params[0] = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (after_id, 0));
  statement->params[1] = g_strdup_printf ("%u", MIN (limit, MAX_LATEST_CALLS));
  statement->n_params = 2;
}

static void
user_totals_query (TgUsageStatement *statement,
                   const char       *month,
                   const char       *provider,
                   guint             limit)
{
  tg_usage_statement_clear (statement);
  statement->sql = user_totals_sql;
  statement->params[0] = g_strdup (month);
  statement->params[1] = g_strdup (provider);
  statement->params[2] = limit > 0 ? g_strdup_printf ("%u", MIN (limit, (guint)G_MAXINT32)) : NULL;
  statement->n_params = 3;
}

static TgDbStatement *
statement_new (TgUsageStatement *statement)
{
  TgDbStatement *result;

  result = tg_db_statement_new (statement->sql, (const char * const *)statement->params,
                                statement->n_params, TG_DB_QUERY_FLAGS_BINARY);
  tg_usage_statement_clear (statement);

  return result;
}

/**
 * tg_usage_series_statement:
 * @bounds: bucket bounds in UTC seconds, ascending, multiples of 900; bucket i covers
 *   [bounds[i], bounds[i+1])
 * @provider: (nullable): only this provider
 *
 * Fills @statement with the series query in text format (histograms as "{1,2,3}"). New
 * code uses tg_usage_series_statement_new() and tg_usage_series_parse_result().
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

  series_query (statement, series_sql, bounds, n_bounds, group_by, provider);
}

/**
 * tg_usage_series_statement_new:
 * @bounds: (array length=n_bounds): bucket bounds in UTC seconds, ascending, multiples of
 *   900 (tg-time-bucket.h computes them in the billing time zone); bucket i covers
 *   [bounds[i], bounds[i+1])
 * @group_by: anything but %TG_USAGE_GROUP_USER (see tg_usage_user_totals_statement_new())
 * @provider: (nullable): only this provider
 *
 * Returns: (transfer full): the series statement, results in binary format, for
 *   tg_db_connection_query_batch_async(); read its result with
 *   tg_usage_series_parse_result()
 */
TgDbStatement *
tg_usage_series_statement_new (const gint64   *bounds,
                               guint           n_bounds,
                               TgUsageGroupBy  group_by,
                               const char     *provider)
{
  TgUsageStatement statement = { 0 };

  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);
  g_return_val_if_fail (group_by != TG_USAGE_GROUP_USER, NULL);

  series_query (&statement, series_sql, bounds, n_bounds, group_by, provider);
  return statement_new (&statement);
}

/**
 * tg_usage_settings_statement_new:
 *
 * Returns: (transfer full): the statement that reads the billing time zone and the
 *   reporting currency; read its result with tg_usage_settings_parse_result()
 */
TgDbStatement *
tg_usage_settings_statement_new (void)
{
  TgUsageStatement statement = { 0 };

  settings_query (&statement);
  return statement_new (&statement);
}

/**
 * tg_usage_latest_calls_statement_new:
 * @after_id: only calls with a greater api_usage_id; 0 for the newest ones
 * @limit: at most this many calls (the newest of them); the server caps it at 10000
 *
 * Returns: (transfer full): the statement of the live feed; read its result with
 *   tg_usage_latest_calls_parse_result()
 */
TgDbStatement *
tg_usage_latest_calls_statement_new (gint64 after_id,
                                     guint  limit)
{
  TgUsageStatement statement = { 0 };

  g_return_val_if_fail (limit > 0, NULL);

  latest_calls_query (&statement, after_id, limit);
  return statement_new (&statement);
}

/**
 * tg_usage_user_totals_statement_new:
 * @month: the billing month, "YYYY-MM" in the billing time zone
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many users (the most expensive); 0 for all
 *
 * Returns: (transfer full): the statement of the per-user totals; read its result with
 *   tg_usage_user_totals_parse_result()
 */
TgDbStatement *
tg_usage_user_totals_statement_new (const char *month,
                                    const char *provider,
                                    guint       limit)
{
  TgUsageStatement statement = { 0 };

  g_return_val_if_fail (month != NULL, NULL);

  user_totals_query (&statement, month, provider, limit);
  return statement_new (&statement);
}

/* Reading results */

static gboolean
check_columns (TgDbResult  *result,
               int          n_cols,
               const char  *what,
               GError     **error)
{
  if (tg_db_result_get_n_cols (result) != n_cols)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "Unexpected %s result with %d columns", what, tg_db_result_get_n_cols (result));
      return FALSE;
    }

  return TRUE;
}

/* A text column in either format (in binary format, text is its bytes, not terminated). */
static char *
dup_text (TgDbResult *result,
          int         row,
          int         col)
{
  if (tg_db_result_is_null (result, row, col))
    return NULL;

  if (tg_db_result_is_binary (result, col))
    {
      gsize length = 0;
      const guint8 *bytes = tg_db_result_get_binary (result, row, col, &length);

      return g_strndup ((const char *)bytes, length);
    }

  return g_strdup (tg_db_result_get_value (result, row, col));
}

static char *
dup_text_or_empty (TgDbResult *result,
                   int         row,
                   int         col)
{
  char *text = dup_text (result, row, col);

  return text != NULL ? text : g_strdup ("");
}

/* Money and credits: micro-units; SQL NULL reads as 0. */
static gboolean
parse_micros (TgDbResult  *result,
              int          row,
              int          col,
              gint64      *micros,
              GError     **error)
{
  g_autofree char *text = dup_text (result, row, col);
  g_autoptr(GError) local_error = NULL;

  *micros = 0;
  if (text == NULL)
    return TRUE;

  if (!tg_money_parse (text, micros, &local_error))
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server sent an amount Tollgate cannot read (“%s”): %s",
                   text, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Adds PostgreSQL's text form of a one-dimensional integer array ("{3,0,17}") to
 * @histogram; leaves it unchanged on error. It runs for every piece of a series (17,000
 * for a month of hours in a half-hour zone), so it parses in place, without the
 * allocations of tg_db_result_dup_int64_array()'s general text path. */
static gboolean
add_histogram_text (const char          *text,
                    gsize                length,
                    TgLatencyHistogram  *histogram,
                    GError             **error)
{
  gint64 counts[256];
  gsize n_counts = 0;
  const char *p = text;
  const char *end = text + length;

  if (p == end || *p != '{')
    goto bad;

  for (p++; p < end && *p != '}';)
    {
      gint64 value = 0;
      const char *digits = p;

      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          if (value > G_MAXINT64 / 10 - 9)
            goto bad;
          value = value * 10 + (*p - '0');
        }
      if (p == digits || n_counts == G_N_ELEMENTS (counts))
        goto bad;
      counts[n_counts++] = value;
      if (p < end && *p == ',')
        p++;
      else if (p >= end || *p != '}')
        goto bad;
    }
  if (p >= end || p + 1 != end)
    goto bad;

  return tg_latency_histogram_add_counts (histogram, counts, n_counts, error);

bad:
  g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
               "The server sent a latency histogram Tollgate cannot read");
  return FALSE;
}

/* The text of a column in either format, not copied; NULL for SQL NULL. */
static const char *
peek_text (TgDbResult *result,
           int         row,
           int         col,
           gsize      *length)
{
  if (tg_db_result_is_null (result, row, col))
    return NULL;

  if (tg_db_result_is_binary (result, col))
    return (const char *)tg_db_result_get_binary (result, row, col, length);

  {
    const char *text = tg_db_result_get_value (result, row, col);

    *length = strlen (text);
    return text;
  }
}

/* Adds an amount column (SQL NULL: nothing) to @sum. */
static gboolean
add_amount (TgDbResult  *result,
            int          row,
            int          col,
            TgMoneySum  *sum,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *bytes = peek_text (result, row, col, &length);
  char text[80];

  if (bytes == NULL)
    return TRUE;

  if (length >= sizeof text)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server sent an amount Tollgate cannot read (%" G_GSIZE_FORMAT " characters)",
                   length);
      return FALSE;
    }
  memcpy (text, bytes, length);
  text[length] = '\0';

  if (!tg_money_sum_add_text (sum, text, &local_error))
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server sent an amount Tollgate cannot read (“%s”): %s",
                   text, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* One (bucket, group) while its pieces are added up. */
typedef struct
{
  TgUsageRow *row;          /* owned by the result array */
  guint       bucket;
  TgMoneySum  credits;
  TgMoneySum  cost_native;
  TgMoneySum  cost;
  gboolean    mixed;        /* pieces in several currencies */
} SeriesCell;

static void
series_cell_free (SeriesCell *cell)
{
  g_clear_pointer (&cell->row, tg_usage_row_unref);
  g_free (cell);
}

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  const SeriesCell *x = *(SeriesCell * const *)a;
  const SeriesCell *y = *(SeriesCell * const *)b;

  if (x->bucket != y->bucket)
    return x->bucket < y->bucket ? -1 : 1;
  return strcmp (x->row->group, y->row->group);
}

static gboolean
finish_amount (const TgMoneySum  *sum,
               gint64            *micros,
               GError           **error)
{
  if (!tg_money_sum_get_micros (sum, micros))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "A usage total is too large for Tollgate");
      return FALSE;
    }
  return TRUE;
}

/**
 * tg_usage_series_parse_result:
 * @result: the result of tg_usage_series_statement_new()'s statement (or, in text
 *   format, of tg_usage_series_statement()'s)
 * @bounds: (array length=n_bounds): the bounds the statement was made with
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group
 */
GPtrArray *
tg_usage_series_parse_result (TgDbResult    *result,
                              const gint64  *bounds,
                              guint          n_bounds,
                              GError       **error)
{
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GHashTable) by_key = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GString *key;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_columns (result, SERIES_N_COLS, "usage", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  cells = g_ptr_array_new_with_free_func ((GDestroyNotify)series_cell_free);
  /* "bucket/group" → its cell (owned by @cells) */
  by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  key = g_string_new (NULL);

  for (int i = 0; i < n_rows; i++)
    {
      gint64 bucket = tg_db_result_get_int64 (result, i, SERIES_BUCKET);
      gsize group_length = 0;
      const char *group = peek_text (result, i, SERIES_GROUP, &group_length);
      gsize currency_length = 0;
      const char *currency = peek_text (result, i, SERIES_NATIVE_CURRENCY, &currency_length);
      gsize latency_length = 0;
      const char *latency = peek_text (result, i, SERIES_LATENCY, &latency_length);
      SeriesCell *cell;
      TgUsageRow *row;

      if (bucket < 1 || bucket >= (gint64)n_bounds)
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "Usage result names bucket %" G_GINT64_FORMAT " of %u", bucket, n_bounds - 1);
          g_string_free (key, TRUE);
          return NULL;
        }

      g_string_printf (key, "%" G_GINT64_FORMAT "/", bucket);
      if (group != NULL)
        g_string_append_len (key, group, group_length);
      cell = g_hash_table_lookup (by_key, key->str);

      if (cell == NULL)
        {
          cell = g_new0 (SeriesCell, 1);
          cell->bucket = (guint)bucket;
          cell->row = row = tg_usage_row_new ();
          row->start = bounds[bucket - 1];
          row->end = bounds[bucket];
          g_free (row->group);
          row->group = group != NULL ? g_strndup (group, group_length) : g_strdup ("");
          g_free (row->native_currency);
          row->native_currency = currency != NULL ? g_strndup (currency, currency_length) : g_strdup ("");
          g_ptr_array_add (cells, cell);
          g_hash_table_insert (by_key, g_strdup (key->str), cell);
        }
      else if (currency != NULL &&
               (strlen (cell->row->native_currency) != currency_length ||
                strncmp (cell->row->native_currency, currency, currency_length) != 0))
        {
          cell->mixed = TRUE;
        }
      row = cell->row;

      /* A NULL figure is 0 (pieces that carry only a histogram). */
      row->calls += tg_db_result_get_int64 (result, i, SERIES_CALLS);
      row->billable_calls += tg_db_result_get_int64 (result, i, SERIES_BILLABLE);
      row->errors += tg_db_result_get_int64 (result, i, SERIES_ERRORS);
      row->timeouts += tg_db_result_get_int64 (result, i, SERIES_TIMEOUTS);
      row->requests += tg_db_result_get_int64 (result, i, SERIES_REQUESTS);
      row->input_tokens += tg_db_result_get_int64 (result, i, SERIES_INPUT_TOKENS);
      row->output_tokens += tg_db_result_get_int64 (result, i, SERIES_OUTPUT_TOKENS);
      row->unpriced_calls += tg_db_result_get_int64 (result, i, SERIES_UNPRICED);

      if (!add_amount (result, i, SERIES_CREDITS, &cell->credits, error) ||
          !add_amount (result, i, SERIES_COST_NATIVE, &cell->cost_native, error) ||
          !add_amount (result, i, SERIES_COST, &cell->cost, error) ||
          (latency != NULL &&
           !add_histogram_text (latency, latency_length, row->latency, error)))
        {
          g_string_free (key, TRUE);
          return NULL;
        }
    }
  g_string_free (key, TRUE);

  g_ptr_array_sort (cells, compare_cells);
  rows = g_ptr_array_new_full (cells->len, (GDestroyNotify)tg_usage_row_unref);
  for (guint i = 0; i < cells->len; i++)
    {
      SeriesCell *cell = g_ptr_array_index (cells, i);
      TgUsageRow *row = g_steal_pointer (&cell->row);

      g_ptr_array_add (rows, row);
      if (cell->mixed)
        {
          g_free (row->native_currency);
          row->native_currency = g_strdup ("");
        }
      if (!finish_amount (&cell->credits, &row->credits, error) ||
          !finish_amount (&cell->cost, &row->cost, error) ||
          (!cell->mixed && !finish_amount (&cell->cost_native, &row->cost_native, error)))
        return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * tg_usage_series_parse:
 * @result: the text-format result of tg_usage_series_statement()'s query
 *
 * Like tg_usage_series_parse_result(), for a PGresult the caller keeps.
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group
 */
GPtrArray *
tg_usage_series_parse (PGresult      *result,
                       const gint64  *bounds,
                       guint          n_bounds,
                       GError       **error)
{
  g_autoptr(TgDbResult) wrapped = NULL;
  PGresult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = PQcopyResult (result, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
  if (copy == NULL)
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Out of memory while reading a usage result");
      return NULL;
    }

  wrapped = _tg_db_result_new (copy);
  return tg_usage_series_parse_result (wrapped, bounds, n_bounds, error);
}

/**
 * tg_usage_settings_parse_result:
 *
 * Returns: (transfer full): the settings, or %NULL with @error set when one is missing
 */
TgUsageSettings *
tg_usage_settings_parse_result (TgDbResult  *result,
                                GError     **error)
{
  g_autofree char *zone = NULL;
  g_autofree char *currency = NULL;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_columns (result, SETTINGS_N_COLS, "settings", error))
    return NULL;

  if (tg_db_result_get_n_rows (result) == 1)
    {
      zone = dup_text (result, 0, SETTINGS_BILLING_TIMEZONE);
      currency = dup_text (result, 0, SETTINGS_REPORTING_CURRENCY);
    }

  if (zone == NULL || currency == NULL)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "There is no setting “%s”",
                   zone == NULL ? "billing-timezone" : "reporting-currency");
      return NULL;
    }

  return tg_usage_settings_new (zone, currency);
}

/**
 * tg_usage_latest_calls_parse_result:
 *
 * Returns: (transfer full) (element-type TgUsageCall): the calls, newest first
 */
GPtrArray *
tg_usage_latest_calls_parse_result (TgDbResult  *result,
                                    GError     **error)
{
  g_autoptr(GPtrArray) calls = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_columns (result, CALL_N_COLS, "latest calls", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  calls = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_usage_call_unref);

  for (int i = 0; i < n_rows; i++)
    {
      g_autoptr(TgUsageCall) call = tg_usage_call_new ();

      call->id = tg_db_result_get_int64 (result, i, CALL_ID);
      call->created_at = tg_db_result_get_int64 (result, i, CALL_CREATED_AT);
      g_free (call->provider);
      call->provider = dup_text_or_empty (result, i, CALL_PROVIDER);
      g_free (call->endpoint);
      call->endpoint = dup_text_or_empty (result, i, CALL_ENDPOINT);
      g_free (call->request_type);
      call->request_type = dup_text_or_empty (result, i, CALL_REQUEST_TYPE);
      call->has_user_id = !tg_db_result_is_null (result, i, CALL_USER_ID);
      call->user_id = tg_db_result_get_int64 (result, i, CALL_USER_ID);
      g_free (call->feature);
      call->feature = dup_text_or_empty (result, i, CALL_FEATURE);
      g_free (call->region);
      call->region = dup_text_or_empty (result, i, CALL_REGION);
      call->status = (int)tg_db_result_get_int64 (result, i, CALL_STATUS);
      call->response_time = tg_db_result_is_null (result, i, CALL_RESPONSE_TIME)
                            ? -1 : (int)tg_db_result_get_int64 (result, i, CALL_RESPONSE_TIME);
      call->call_count = tg_db_result_get_int64 (result, i, CALL_CALL_COUNT);
      call->priced = !tg_db_result_is_null (result, i, CALL_COST);
      if (!parse_micros (result, i, CALL_COST, &call->cost, error))
        return NULL;

      g_ptr_array_add (calls, g_steal_pointer (&call));
    }

  return g_steal_pointer (&calls);
}

/**
 * tg_usage_user_totals_parse_result:
 *
 * Returns: (transfer full) (element-type TgUserTotal): the users, the most expensive first
 */
GPtrArray *
tg_usage_user_totals_parse_result (TgDbResult  *result,
                                   GError     **error)
{
  g_autoptr(GPtrArray) totals = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_columns (result, USER_N_COLS, "user totals", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  totals = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_user_total_unref);

  for (int i = 0; i < n_rows; i++)
    {
      g_autoptr(TgUserTotal) total = tg_user_total_new ();

      total->has_user_id = !tg_db_result_is_null (result, i, USER_ID);
      total->user_id = tg_db_result_get_int64 (result, i, USER_ID);
      total->display_name = dup_text (result, i, USER_DISPLAY_NAME);
      total->calls = tg_db_result_get_int64 (result, i, USER_CALLS);
      total->billable_calls = tg_db_result_get_int64 (result, i, USER_BILLABLE);
      total->errors = tg_db_result_get_int64 (result, i, USER_ERRORS);
      total->unpriced_calls = tg_db_result_get_int64 (result, i, USER_UNPRICED);
      g_free (total->native_currency);
      total->native_currency = dup_text_or_empty (result, i, USER_NATIVE_CURRENCY);

      if (!parse_micros (result, i, USER_CREDITS, &total->credits, error) ||
          !parse_micros (result, i, USER_COST_NATIVE, &total->cost_native, error) ||
          !parse_micros (result, i, USER_COST, &total->cost, error))
        return NULL;

      g_ptr_array_add (totals, g_steal_pointer (&total));
    }

  return g_steal_pointer (&totals);
}

/* Blocking: for tollgatectl and worker threads. The result comes in binary format, as on
 * the asynchronous connection, so that both take the same parser.
 */

static TgDbResult *
query_blocking (PGconn            *conn,
                TgUsageStatement  *statement,
                GError           **error)
{
  PGresult *result;

  result = PQexecParams (conn, statement->sql, statement->n_params, NULL,
                         (const char * const *)statement->params, NULL, NULL, 1);
  tg_usage_statement_clear (statement);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      tg_db_set_error_from_result (error, conn, result, NULL);
      PQclear (result);
      return NULL;
    }

  return _tg_db_result_new (result);
}

/**
 * tg_usage_fetch_series:
 * @bounds: (array length=n_bounds): as for tg_usage_series_statement_new()
 * @provider: (nullable): only this provider
 *
 * Blocks until the series is read.
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group
 */
GPtrArray *
tg_usage_fetch_series (PGconn          *conn,
                       const gint64    *bounds,
                       guint            n_bounds,
                       TgUsageGroupBy   group_by,
                       const char      *provider,
                       GError         **error)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(TgDbResult) result = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);
  g_return_val_if_fail (group_by != TG_USAGE_GROUP_USER, NULL);

  series_query (&statement, series_sql, bounds, n_bounds, group_by, provider);
  result = query_blocking (conn, &statement, error);
  if (result == NULL)
    return NULL;

  return tg_usage_series_parse_result (result, bounds, n_bounds, error);
}

TgUsageSettings *
tg_usage_fetch_settings (PGconn  *conn,
                         GError **error)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(TgDbResult) result = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  settings_query (&statement);
  result = query_blocking (conn, &statement, error);
  if (result == NULL)
    return NULL;

  return tg_usage_settings_parse_result (result, error);
}

/**
 * tg_usage_fetch_latest_calls:
 * @after_id: only calls with a greater api_usage_id; 0 for the newest ones
 * @limit: at most this many calls, the newest of them (the server caps it at 10000)
 *
 * Returns: (transfer full) (element-type TgUsageCall): the calls, newest first
 */
GPtrArray *
tg_usage_fetch_latest_calls (PGconn   *conn,
                             gint64    after_id,
                             guint     limit,
                             GError  **error)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(TgDbResult) result = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);

  latest_calls_query (&statement, after_id, limit);
  result = query_blocking (conn, &statement, error);
  if (result == NULL)
    return NULL;

  return tg_usage_latest_calls_parse_result (result, error);
}

/**
 * tg_usage_fetch_user_totals:
 * @month: the billing month, "YYYY-MM" in the billing time zone
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many users (the most expensive); 0 for all
 *
 * Returns: (transfer full) (element-type TgUserTotal): the users, the most expensive first
 */
GPtrArray *
tg_usage_fetch_user_totals (PGconn      *conn,
                            const char  *month,
                            const char  *provider,
                            guint        limit,
                            GError     **error)
{
  TgUsageStatement statement = { 0 };
  g_autoptr(TgDbResult) result = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (month != NULL, NULL);

  user_totals_query (&statement, month, provider, limit);
  result = query_blocking (conn, &statement, error);
  if (result == NULL)
    return NULL;

  return tg_usage_user_totals_parse_result (result, error);
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

/* Asynchronous: one query on the connection, its result parsed on completion. The task
 * completes on the connection's main context (the caller's thread-default one).
 */

typedef gpointer (*ParseFunc) (TgDbResult  *result,
                               gpointer     data,
                               GError     **error);

typedef struct
{
  ParseFunc       parse;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  value_free;
} Request;

static void
request_free (Request *request)
{
  if (request->data_free != NULL)
    request->data_free (request->data);
  g_free (request);
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TgDbResult) db_result = NULL;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);
  gpointer value;

  db_result = tg_db_connection_query_finish (TG_DB_CONNECTION (object), result, &error);
  if (db_result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = request->parse (db_result, request->data, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, request->value_free);
}

static void
request_start (TgDbConnection      *connection,
               TgUsageStatement    *statement,
               ParseFunc            parse,
               gpointer             data,
               GDestroyNotify       data_free,
               GDestroyNotify       value_free,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;
  Request *request;

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  request = g_new0 (Request, 1);
  request->parse = parse;
  request->data = data;
  request->data_free = data_free;
  request->value_free = value_free;
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);

  tg_db_connection_query_full_async (connection, statement->sql,
                                     (const char * const *)statement->params,
                                     statement->n_params, TG_DB_QUERY_FLAGS_BINARY,
                                     cancellable, request_done_cb, task);
  tg_usage_statement_clear (statement);
}

static gpointer
request_finish (TgDbConnection  *connection,
                GAsyncResult    *result,
                gpointer         source_tag,
                GError         **error)
{
  g_return_val_if_fail (TG_IS_DB_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
parse_series_cb (TgDbResult  *result,
                 gpointer     data,
                 GError     **error)
{
  GArray *bounds = data;

  return tg_usage_series_parse_result (result, (const gint64 *)bounds->data, bounds->len, error);
}

/**
 * tg_usage_series_async:
 * @connection: a connection of the calling thread's main context
 * @bounds: (array length=n_bounds): as for tg_usage_series_statement_new(); copied
 * @provider: (nullable): only this provider
 *
 * Reads a usage series without blocking, histograms in binary format.
 */
void
tg_usage_series_async (TgDbConnection      *connection,
                       const gint64        *bounds,
                       guint                n_bounds,
                       TgUsageGroupBy       group_by,
                       const char          *provider,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TgUsageStatement statement = { 0 };
  GArray *copy;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (bounds != NULL);
  g_return_if_fail (n_bounds >= 2);
  g_return_if_fail (group_by != TG_USAGE_GROUP_USER);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_bounds);
  g_array_append_vals (copy, bounds, n_bounds);

  series_query (&statement, series_sql, bounds, n_bounds, group_by, provider);
  request_start (connection, &statement, parse_series_cb, copy, (GDestroyNotify)g_array_unref,
                 (GDestroyNotify)g_ptr_array_unref, tg_usage_series_async,
                 cancellable, callback, user_data);
}

/**
 * tg_usage_series_finish:
 *
 * Returns: (transfer full) (element-type TgUsageRow): rows ordered by bucket, then group;
 *   errors as tg_db_connection_query_finish() reports them
 */
GPtrArray *
tg_usage_series_finish (TgDbConnection  *connection,
                        GAsyncResult    *result,
                        GError         **error)
{
  return request_finish (connection, result, tg_usage_series_async, error);
}

static gpointer
parse_settings_cb (TgDbResult  *result,
                   gpointer     data,
                   GError     **error)
{
  return tg_usage_settings_parse_result (result, error);
}

void
tg_usage_settings_async (TgDbConnection      *connection,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  TgUsageStatement statement = { 0 };

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  settings_query (&statement);
  request_start (connection, &statement, parse_settings_cb, NULL, NULL,
                 (GDestroyNotify)tg_usage_settings_unref, tg_usage_settings_async,
                 cancellable, callback, user_data);
}

/**
 * tg_usage_settings_finish:
 *
 * Returns: (transfer full): the settings
 */
TgUsageSettings *
tg_usage_settings_finish (TgDbConnection  *connection,
                          GAsyncResult    *result,
                          GError         **error)
{
  return request_finish (connection, result, tg_usage_settings_async, error);
}

static gpointer
parse_latest_calls_cb (TgDbResult  *result,
                       gpointer     data,
                       GError     **error)
{
  return tg_usage_latest_calls_parse_result (result, error);
}

/**
 * tg_usage_latest_calls_async:
 * @after_id: only calls with a greater api_usage_id; 0 for the newest ones
 * @limit: at most this many calls, the newest of them (the server caps it at 10000)
 */
void
tg_usage_latest_calls_async (TgDbConnection      *connection,
                             gint64               after_id,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TgUsageStatement statement = { 0 };

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (limit > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  latest_calls_query (&statement, after_id, limit);
  request_start (connection, &statement, parse_latest_calls_cb, NULL, NULL,
                 (GDestroyNotify)g_ptr_array_unref, tg_usage_latest_calls_async,
                 cancellable, callback, user_data);
}

/**
 * tg_usage_latest_calls_finish:
 *
 * Returns: (transfer full) (element-type TgUsageCall): the calls, newest first
 */
GPtrArray *
tg_usage_latest_calls_finish (TgDbConnection  *connection,
                              GAsyncResult    *result,
                              GError         **error)
{
  return request_finish (connection, result, tg_usage_latest_calls_async, error);
}

static gpointer
parse_user_totals_cb (TgDbResult  *result,
                      gpointer     data,
                      GError     **error)
{
  return tg_usage_user_totals_parse_result (result, error);
}

/**
 * tg_usage_user_totals_async:
 * @month: the billing month, "YYYY-MM" in the billing time zone
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many users (the most expensive); 0 for all
 */
void
tg_usage_user_totals_async (TgDbConnection      *connection,
                            const char          *month,
                            const char          *provider,
                            guint                limit,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  TgUsageStatement statement = { 0 };

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (month != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  user_totals_query (&statement, month, provider, limit);
  request_start (connection, &statement, parse_user_totals_cb, NULL, NULL,
                 (GDestroyNotify)g_ptr_array_unref, tg_usage_user_totals_async,
                 cancellable, callback, user_data);
}

/**
 * tg_usage_user_totals_finish:
 *
 * Returns: (transfer full) (element-type TgUserTotal): the users, the most expensive first
 */
GPtrArray *
tg_usage_user_totals_finish (TgDbConnection  *connection,
                             GAsyncResult    *result,
                             GError         **error)
{
  return request_finish (connection, result, tg_usage_user_totals_async, error);
}
