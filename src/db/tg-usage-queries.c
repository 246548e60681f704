/* tg-usage-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The typed usage queries' statements and the parsers of their results. Each query is
 * described once here (SQL text and text parameters, results in binary format) and read
 * by one parser, whether it ran in a pipelined batch, blocking (tg-usage-fetch.c) or
 * asynchronously (tg-usage-async.c).
 *
 * In binary format every column must be a type TgDbResult reads: integers as int2, int4
 * or int8, strings as text. Money and credits leave the server as text rounded to
 * micro-units (the exact sums are made there; numeric has no binary reader here),
 * timestamps as int8 microseconds. The parsers read text columns in either format, so
 * that a result in text format parses the same.
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-usage-queries-private.h"

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

/* tollgate.usage_top() gives the rows, then the rest, then the total; amounts rounded to
 * micro-units there, each from its own exact sum. */
static const char top_sql[] =
  "SELECT kind, grp, display_name, n_groups, calls, billable_calls, errors, timeouts, "
  "       requests, round(credits, 6)::text, input_tokens, output_tokens, native_currency, "
  "       round(cost_native, 6)::text, round(cost, 6)::text, unpriced_calls, latency "
  "FROM tollgate.usage_top($1::timestamptz[], $2, $3, $4::int4)";

enum {
  TOP_KIND, TOP_GROUP, TOP_DISPLAY_NAME, TOP_N_GROUPS, TOP_CALLS, TOP_BILLABLE, TOP_ERRORS,
  TOP_TIMEOUTS, TOP_REQUESTS, TOP_CREDITS, TOP_INPUT_TOKENS, TOP_OUTPUT_TOKENS,
  TOP_NATIVE_CURRENCY, TOP_COST_NATIVE, TOP_COST, TOP_UNPRICED, TOP_LATENCY, TOP_N_COLS
};

/* The server caps tollgate.latest_calls() at this many rows. */
#define MAX_LATEST_CALLS 10000

/* Statements */

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

static TgDbStatement *
statement_new (const char *sql,
               char      **params,
               int         n_params)
{
  TgDbStatement *statement;

  statement = tg_db_statement_new (sql, (const char * const *)params, n_params,
                                   TG_DB_QUERY_FLAGS_BINARY);
  for (int i = 0; i < n_params; i++)
    g_free (params[i]);

  return statement;
}

/**
 * tg_usage_series_statement_new:
 * @bounds: (array length=n_bounds): bucket bounds in UTC seconds, ascending, multiples of
 *   900 (tg-time-bucket.h computes them in the billing time zone); bucket i covers
 *   [bounds[i], bounds[i+1])
 * @group_by: the grouping; %TG_USAGE_GROUP_USER only with bounds on whole local days of the
 *   billing time zone (the server refuses others and says why), and without latency
 * @provider: (nullable): only this provider
 *
 * Returns: (transfer full): the series statement, results in binary format; read its
 *   result with tg_usage_series_parse_result()
 */
TgDbStatement *
tg_usage_series_statement_new (const gint64   *bounds,
                               guint           n_bounds,
                               TgUsageGroupBy  group_by,
                               const char     *provider)
{
  char *params[3];

  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (n_bounds >= 2, NULL);

  params[0] = bounds_literal (bounds, n_bounds);
  params[1] = g_strdup (tg_usage_group_by_to_string (group_by));
  params[2] = g_strdup (provider);

  return statement_new (series_sql, params, G_N_ELEMENTS (params));
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
  char *params[2];

  g_return_val_if_fail (limit > 0, NULL);

  params[0] = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (after_id, 0));
  params[1] = g_strdup_printf ("%u", MIN (limit, MAX_LATEST_CALLS));

  return statement_new (latest_calls_sql, params, G_N_ELEMENTS (params));
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
  char *params[3];

  g_return_val_if_fail (month != NULL, NULL);

  params[0] = g_strdup (month);
  params[1] = g_strdup (provider);
  params[2] = limit > 0 ? g_strdup_printf ("%u", MIN (limit, (guint)G_MAXINT32)) : NULL;

  return statement_new (user_totals_sql, params, G_N_ELEMENTS (params));
}

/**
 * tg_usage_top_statement_new:
 * @bounds: the range [bounds[0], bounds[1]) in UTC seconds, multiples of 900; for
 *   %TG_USAGE_GROUP_USER the first instants of local days of the billing time zone
 * @group_by: what to rank
 * @provider: (nullable): only this provider's calls
 * @limit: at most this many groups, 1 to %TG_USAGE_TOP_MAX_LIMIT; the others are the rest
 *
 * Returns: (transfer full): the statement of the top groups; read its result with
 *   tg_usage_top_parse_result()
 */
TgDbStatement *
tg_usage_top_statement_new (const gint64    bounds[2],
                            TgUsageGroupBy  group_by,
                            const char     *provider,
                            guint           limit)
{
  char *params[4];

  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (bounds[0] < bounds[1], NULL);
  g_return_val_if_fail (limit >= 1 && limit <= TG_USAGE_TOP_MAX_LIMIT, NULL);

  params[0] = bounds_literal (bounds, 2);
  params[1] = g_strdup (tg_usage_group_by_to_string (group_by));
  params[2] = g_strdup (provider);
  params[3] = g_strdup_printf ("%u", limit);

  return statement_new (top_sql, params, G_N_ELEMENTS (params));
}

/* Reading results */

static char *
dup_text_or_empty (TgDbResult *result,
                   int         row,
                   int         col)
{
  char *text = tg_db_result_dup_text (result, row, col);

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
  return tg_db_result_get_micros (result, row, col, micros, error);
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
          if (value > (G_MAXINT64 - (*p - '0')) / 10)
            goto bad;
          value = value * 10 + (*p - '0');
        }
      if (p == digits || n_counts == G_N_ELEMENTS (counts))
        goto bad;
      counts[n_counts++] = value;
      /* A comma comes between two counts, never before the brace. */
      if (p + 1 < end && *p == ',' && p[1] != '}')
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
  const char *bytes = tg_db_result_peek_text (result, row, col, &length);
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
  guint       group;        /* index into the groups, then their rank by name */
  TgMoneySum  credits;
  TgMoneySum  cost_native;
  TgMoneySum  cost;
  gboolean    mixed;        /* pieces in several currencies */
} SeriesCell;

/* The cells of a result, found by (bucket, group index) in an open-addressing table of
 * cell numbers: a month of hours by endpoint has 17,000 cells, and building a text key
 * for each piece cost more than adding its figures up. */
typedef struct
{
  GArray  *cells;           /* SeriesCell */
  guint32 *slots;           /* cell number + 1, 0 = empty */
  guint    mask;
} SeriesCells;

static guint
series_slot (guint bucket,
             guint group,
             guint mask)
{
  guint64 key = ((guint64)group << 32) | bucket;

  /* Fibonacci hashing spreads the neighbouring keys of one group over the table. */
  return (guint)((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & mask;
}

static void
series_cells_init (SeriesCells *self,
                   guint        max_cells)
{
  guint size = 16;

  while (size < max_cells * 2)
    size *= 2;
  self->cells = g_array_sized_new (FALSE, TRUE, sizeof (SeriesCell), max_cells);
  self->slots = g_new0 (guint32, size);
  self->mask = size - 1;
}

static void
series_cells_clear (SeriesCells *self)
{
  for (guint i = 0; self->cells != NULL && i < self->cells->len; i++)
    g_clear_pointer (&g_array_index (self->cells, SeriesCell, i).row, tg_usage_row_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->slots, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SeriesCells, series_cells_clear)

/* The cell of (@bucket, @group), or NULL; *@slot is where it is or would go. */
static SeriesCell *
series_cells_lookup (SeriesCells *self,
                     guint        bucket,
                     guint        group,
                     guint       *slot)
{
  for (guint i = series_slot (bucket, group, self->mask);; i = (i + 1) & self->mask)
    {
      SeriesCell *cell;

      if (self->slots[i] == 0)
        {
          *slot = i;
          return NULL;
        }
      cell = &g_array_index (self->cells, SeriesCell, self->slots[i] - 1);
      if (cell->bucket == bucket && cell->group == group)
        {
          *slot = i;
          return cell;
        }
    }
}

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  const SeriesCell *x = a;
  const SeriesCell *y = b;

  if (x->bucket != y->bucket)
    return x->bucket < y->bucket ? -1 : 1;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return 0;
}

static int
compare_group_names (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
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
 * @result: the result of tg_usage_series_statement_new()'s statement, in binary or text
 *   format
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
  g_auto(SeriesCells) cells = { NULL, NULL, 0 };
  g_autoptr(GHashTable) group_index = NULL;
  g_autoptr(GPtrArray) group_names = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree guint *rank = NULL;
  const char *last_group = NULL;
  gsize last_group_length = 0;
  guint last_group_index = 0;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, SERIES_N_COLS, "usage", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  series_cells_init (&cells, (guint)n_rows);
  /* group name → its index + 1 in @group_names, which owns the names */
  group_index = g_hash_table_new (g_str_hash, g_str_equal);
  group_names = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < n_rows; i++)
    {
      gint64 bucket = tg_db_result_get_int64 (result, i, SERIES_BUCKET);
      gsize group_length = 0;
      const char *group = tg_db_result_peek_text (result, i, SERIES_GROUP, &group_length);
      gsize currency_length = 0;
      const char *currency = tg_db_result_peek_text (result, i, SERIES_NATIVE_CURRENCY,
                                                     &currency_length);
      gsize latency_length = 0;
      const char *latency = tg_db_result_peek_text (result, i, SERIES_LATENCY, &latency_length);
      SeriesCell *cell;
      TgUsageRow *row;
      guint slot;

      if (bucket < 1 || bucket >= (gint64)n_bounds)
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "Usage result names bucket %" G_GINT64_FORMAT " of %u", bucket, n_bounds - 1);
          return NULL;
        }

      if (group == NULL)
        {
          group = "";
          group_length = 0;
        }
      /* Pieces of one group mostly come together: compare with the last before hashing. */
      if (last_group == NULL || group_length != last_group_length ||
          memcmp (group, last_group, group_length) != 0)
        {
          char buffer[256];
          g_autofree char *long_name = NULL;
          const char *name = buffer;
          gpointer found;

          /* Most names fit the buffer: look up without allocating. */
          if (group_length < sizeof buffer)
            {
              memcpy (buffer, group, group_length);
              buffer[group_length] = '\0';
            }
          else
            {
              name = long_name = g_strndup (group, group_length);
            }

          found = g_hash_table_lookup (group_index, name);
          if (found != NULL)
            {
              last_group_index = GPOINTER_TO_UINT (found) - 1;
            }
          else
            {
              char *owned = g_strndup (group, group_length);

              last_group_index = group_names->len;
              g_ptr_array_add (group_names, owned);
              g_hash_table_insert (group_index, owned, GUINT_TO_POINTER (last_group_index + 1));
            }
          last_group = group;
          last_group_length = group_length;
        }

      cell = series_cells_lookup (&cells, (guint)bucket, last_group_index, &slot);
      if (cell == NULL)
        {
          SeriesCell fresh = { NULL, (guint)bucket, last_group_index, { 0 }, { 0 }, { 0 }, FALSE };

          fresh.row = row = tg_usage_row_new ();
          row->start = bounds[bucket - 1];
          row->end = bounds[bucket];
          g_free (row->group);
          row->group = g_strndup (group, group_length);
          g_free (row->native_currency);
          row->native_currency = currency != NULL ? g_strndup (currency, currency_length) : g_strdup ("");
          g_array_append_val (cells.cells, fresh);
          cells.slots[slot] = cells.cells->len;
          cell = &g_array_index (cells.cells, SeriesCell, cells.cells->len - 1);
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
        return NULL;
    }

  /* Order by bucket, then group name: rank the groups once, then sort by numbers. */
  {
    g_autofree const char **sorted = g_new (const char *, group_names->len + 1);

    for (guint g = 0; g < group_names->len; g++)
      sorted[g] = g_ptr_array_index (group_names, g);
    qsort (sorted, group_names->len, sizeof *sorted, compare_group_names);
    rank = g_new (guint, group_names->len + 1);
    for (guint r = 0; r < group_names->len; r++)
      rank[GPOINTER_TO_UINT (g_hash_table_lookup (group_index, sorted[r])) - 1] = r;
  }
  for (guint i = 0; i < cells.cells->len; i++)
    {
      SeriesCell *cell = &g_array_index (cells.cells, SeriesCell, i);

      cell->group = rank[cell->group];
    }
  g_array_sort (cells.cells, compare_cells);

  rows = g_ptr_array_new_full (cells.cells->len, (GDestroyNotify)tg_usage_row_unref);
  for (guint i = 0; i < cells.cells->len; i++)
    {
      SeriesCell *cell = &g_array_index (cells.cells, SeriesCell, i);
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

  if (!tg_db_result_check_n_cols (result, CALL_N_COLS, "latest calls", error))
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

  if (!tg_db_result_check_n_cols (result, USER_N_COLS, "user totals", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  totals = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_user_total_unref);

  for (int i = 0; i < n_rows; i++)
    {
      g_autoptr(TgUserTotal) total = tg_user_total_new ();

      total->has_user_id = !tg_db_result_is_null (result, i, USER_ID);
      total->user_id = tg_db_result_get_int64 (result, i, USER_ID);
      total->display_name = tg_db_result_dup_text (result, i, USER_DISPLAY_NAME);
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

/* One row of tollgate.usage_top()'s result as a TgUsageRow over the range. */
static TgUsageRow *
top_row_new (TgDbResult    *result,
             int            i,
             const gint64  *bounds,
             GError       **error)
{
  g_autoptr(TgUsageRow) row = tg_usage_row_new ();
  gsize latency_length = 0;
  const char *latency = tg_db_result_peek_text (result, i, TOP_LATENCY, &latency_length);

  row->start = bounds[0];
  row->end = bounds[1];
  g_free (row->group);
  row->group = dup_text_or_empty (result, i, TOP_GROUP);
  row->calls = tg_db_result_get_int64 (result, i, TOP_CALLS);
  row->billable_calls = tg_db_result_get_int64 (result, i, TOP_BILLABLE);
  row->errors = tg_db_result_get_int64 (result, i, TOP_ERRORS);
  row->timeouts = tg_db_result_get_int64 (result, i, TOP_TIMEOUTS);
  row->requests = tg_db_result_get_int64 (result, i, TOP_REQUESTS);
  row->input_tokens = tg_db_result_get_int64 (result, i, TOP_INPUT_TOKENS);
  row->output_tokens = tg_db_result_get_int64 (result, i, TOP_OUTPUT_TOKENS);
  row->unpriced_calls = tg_db_result_get_int64 (result, i, TOP_UNPRICED);
  g_free (row->native_currency);
  row->native_currency = dup_text_or_empty (result, i, TOP_NATIVE_CURRENCY);

  if (!parse_micros (result, i, TOP_CREDITS, &row->credits, error) ||
      !parse_micros (result, i, TOP_COST_NATIVE, &row->cost_native, error) ||
      !parse_micros (result, i, TOP_COST, &row->cost, error) ||
      (latency != NULL &&
       !add_histogram_text (latency, latency_length, row->latency, error)))
    return NULL;

  return g_steal_pointer (&row);
}

/**
 * tg_usage_top_parse_result:
 * @result: the result of tg_usage_top_statement_new()'s statement, in binary or text format
 * @bounds: the range the statement was made with
 * @group_by: the grouping the statement was made with
 *
 * Returns: (transfer full): the top groups, the rest and the total
 */
TgUsageTop *
tg_usage_top_parse_result (TgDbResult      *result,
                           const gint64     bounds[2],
                           TgUsageGroupBy   group_by,
                           GError         **error)
{
  g_autoptr(TgUsageTop) top = NULL;
  gboolean have_rest = FALSE;
  gboolean have_total = FALSE;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, TOP_N_COLS, "top usage", error))
    return NULL;

  top = tg_usage_top_new (group_by, bounds[0], bounds[1]);
  n_rows = tg_db_result_get_n_rows (result);

  for (int i = 0; i < n_rows; i++)
    {
      g_autofree char *kind = tg_db_result_dup_text (result, i, TOP_KIND);
      TgUsageRow *row = top_row_new (result, i, bounds, error);

      if (row == NULL)
        return NULL;

      if (g_strcmp0 (kind, "row") == 0 && !have_rest && !have_total)
        {
          g_ptr_array_add (top->rows, row);
          g_ptr_array_add (top->display_names,
                           tg_db_result_dup_text (result, i, TOP_DISPLAY_NAME));
        }
      else if (g_strcmp0 (kind, "rest") == 0 && !have_rest && !have_total)
        {
          g_clear_pointer (&top->rest, tg_usage_row_unref);
          top->rest = row;
          top->n_rest_groups = (guint)MAX (tg_db_result_get_int64 (result, i, TOP_N_GROUPS), 0);
          have_rest = TRUE;
        }
      else if (g_strcmp0 (kind, "total") == 0 && have_rest && !have_total)
        {
          g_clear_pointer (&top->total, tg_usage_row_unref);
          top->total = row;
          have_total = TRUE;
        }
      else
        {
          tg_usage_row_unref (row);
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "The server sent top usage Tollgate cannot read (a “%s” row out of place)",
                       kind != NULL ? kind : "");
          return NULL;
        }
    }

  if (!have_total)
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "The server sent top usage without a total");
      return NULL;
    }

  return g_steal_pointer (&top);
}

/* The parsers as TgDbParseFunc, for tg-usage-fetch.c and tg-usage-async.c. */

/**
 * _tg_usage_bounds_new:
 *
 * Returns: (transfer full): a copy of @bounds, the data of _tg_usage_series_parse_cb()
 */
GArray *
_tg_usage_bounds_new (const gint64 *bounds,
                      guint         n_bounds)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_bounds);

  g_array_append_vals (copy, bounds, n_bounds);
  return copy;
}

/* @data: the bounds, a GArray of gint64 */
gpointer
_tg_usage_series_parse_cb (TgDbResult  *result,
                           gpointer     data,
                           GError     **error)
{
  GArray *bounds = data;

  return tg_usage_series_parse_result (result, (const gint64 *)bounds->data, bounds->len, error);
}

gpointer
_tg_usage_latest_calls_parse_cb (TgDbResult  *result,
                                 gpointer     data,
                                 GError     **error)
{
  return tg_usage_latest_calls_parse_result (result, error);
}

gpointer
_tg_usage_user_totals_parse_cb (TgDbResult  *result,
                                gpointer     data,
                                GError     **error)
{
  return tg_usage_user_totals_parse_result (result, error);
}

/**
 * _tg_usage_top_data_new:
 *
 * Returns: (transfer full): what _tg_usage_top_parse_cb() needs besides the result
 */
UsageTopData *
_tg_usage_top_data_new (const gint64   bounds[2],
                        TgUsageGroupBy group_by)
{
  UsageTopData *data = g_new0 (UsageTopData, 1);

  data->bounds[0] = bounds[0];
  data->bounds[1] = bounds[1];
  data->group_by = group_by;
  return data;
}

/* @data: a UsageTopData */
gpointer
_tg_usage_top_parse_cb (TgDbResult  *result,
                        gpointer     data,
                        GError     **error)
{
  UsageTopData *top = data;

  return tg_usage_top_parse_result (result, top->bounds, top->group_by, error);
}
