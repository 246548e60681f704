/* tg-budget-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The typed queries of budgets and quotas (docs/architecture.md, "Budgets and quotas"),
 * over the tables and functions of the budgets migration (data/sql/0017_budgets.sql).
 * Amounts travel as exact decimal text and become micro-units here; instants as int8
 * microseconds since the epoch; a rule's thresholds as one text of items
 * "percent:85:actual,amount:7500.000000:forecast" (numbers and two fixed words each, so
 * no quoting is needed).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-budget-queries.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-time-bucket.h"

/* A rule's thresholds, in their order, as one text. */
#define THRESHOLDS_SQL(column) \
  "array_to_string(ARRAY(SELECT CASE WHEN (" column "[i]).percent IS NULL THEN 'amount' " \
  "ELSE 'percent' END || ':' || coalesce((" column "[i]).percent, (" column "[i]).amount) " \
  "|| ':' || (" column "[i]).basis FROM generate_subscripts(" column ", 1) i ORDER BY i), ',')"

#define USEC_SQL(expr) "(extract(epoch FROM " expr ") * 1000000)::int8"

static const char budget_list_sql[] =
  "SELECT b.budget_id, b.scope, b.amount::text, b.currency, "
  THRESHOLDS_SQL ("b.thresholds") ", " USEC_SQL ("b.updated_at") " "
  "FROM tollgate.budgets b ORDER BY b.scope";

enum { BUDGET_ID, BUDGET_SCOPE, BUDGET_AMOUNT, BUDGET_CURRENCY, BUDGET_THRESHOLDS,
       BUDGET_UPDATED_AT, BUDGET_N_COLS };

static const char quota_list_sql[] =
  "SELECT q.quota_id, q.provider, q.unit, q.amount::text, q.prepaid::text, "
  USEC_SQL ("q.prepaid_at") ", " THRESHOLDS_SQL ("q.thresholds") ", "
  USEC_SQL ("q.updated_at") " "
  "FROM tollgate.provider_quotas q ORDER BY q.provider";

enum { QUOTA_ID, QUOTA_PROVIDER, QUOTA_UNIT, QUOTA_AMOUNT, QUOTA_PREPAID, QUOTA_PREPAID_AT,
       QUOTA_THRESHOLDS, QUOTA_UPDATED_AT, QUOTA_N_COLS };

static const char budget_set_sql[] =
  "SELECT s.budget_id, s.created "
  "FROM tollgate.set_budget($1, $2::numeric, $3, $4::text[], $5::numeric[], $6::text[]) s";

static const char budget_delete_sql[] = "SELECT tollgate.delete_budget($1::int8)";

static const char quota_set_sql[] =
  "SELECT s.quota_id, s.created "
  "FROM tollgate.set_quota($1, $2, $3::numeric, $4::numeric, $5::boolean, $6::text[], "
  "$7::numeric[], $8::text[]) s";

static const char quota_delete_sql[] = "SELECT tollgate.delete_quota($1::int8)";

static const char status_sql[] =
  "SELECT s.kind, s.rule_id, s.scope, s.unit, s.amount::text, "
  THRESHOLDS_SQL ("s.thresholds") ", array_to_string(s.threshold_amounts, ','), "
  "s.first_day::text, " USEC_SQL ("s.month_start") ", " USEC_SQL ("s.month_end") ", "
  "array_to_string(s.days, ','), s.rate::text, s.passed, s.passed_since::text, "
  USEC_SQL ("s.forecast_as_of") ", s.forecast::text, s.forecast_low::text, "
  "s.forecast_high::text, s.forecast_confidence, s.forecast_enough, s.forecast_basis_days, "
  "s.forecast_passed, s.daily_rate::text, " USEC_SQL ("s.runs_out_at") ", s.prepaid::text, "
  USEC_SQL ("s.prepaid_at") ", s.prepaid_left::text, " USEC_SQL ("s.prepaid_runs_out_at") ", "
  USEC_SQL ("s.updated_at") ", $1::int8, "
  USEC_SQL ("s.passed_since::timestamp AT TIME ZONE s.zone") " "
  "FROM tollgate.budget_status(timestamptz 'epoch' + $1::int8 * interval '1 microsecond') s";

enum { ST_KIND, ST_ID, ST_SCOPE, ST_UNIT, ST_AMOUNT, ST_THRESHOLDS, ST_THRESHOLD_AMOUNTS,
       ST_FIRST_DAY, ST_MONTH_START, ST_MONTH_END, ST_DAYS, ST_RATE, ST_PASSED,
       ST_PASSED_SINCE, ST_FORECAST_AS_OF, ST_FORECAST, ST_LOW, ST_HIGH, ST_CONFIDENCE,
       ST_ENOUGH, ST_BASIS_DAYS, ST_FORECAST_PASSED, ST_DAILY_RATE, ST_RUNS_OUT_AT,
       ST_PREPAID, ST_PREPAID_AT, ST_PREPAID_LEFT, ST_PREPAID_RUNS_OUT_AT, ST_UPDATED_AT,
       ST_AS_OF, ST_PASSED_SINCE_START, ST_N_COLS };

/* Bucket 0 is the extra range ($2); the buckets of $1 follow, as tg-forecast-queries.c. */
static const char quota_usage_sql[] =
  "WITH b AS (SELECT ARRAY(SELECT timestamptz 'epoch' + x * interval '1 microsecond' "
  "                        FROM unnest($1::int8[]) WITH ORDINALITY AS u (x, i) ORDER BY i) AS days, "
  "                  ARRAY(SELECT timestamptz 'epoch' + x * interval '1 microsecond' "
  "                        FROM unnest($2::int8[]) WITH ORDINALITY AS u (x, i) ORDER BY i) AS range) "
  "SELECT 0, u.calls, (CASE $4 WHEN 'calls' THEN u.calls::numeric ELSE u.credits END)::text "
  "FROM b, tollgate.budget_use_days(b.range, $3) u "
  "UNION ALL "
  "SELECT u.bucket, u.calls, (CASE $4 WHEN 'calls' THEN u.calls::numeric ELSE u.credits END)::text "
  "FROM b, tollgate.budget_use_days(b.days, $3) u";

static const char store_forecast_sql[] =
  "SELECT tollgate.store_budget_forecast($1, $2::int8, ($3 || '-01')::date, "
  "timestamptz 'epoch' + $4::int8 * interval '1 microsecond', $5, $6::numeric, $7::numeric, "
  "$8::numeric, $9::int4, $10)";

typedef struct
{
  gint64   id;
  gboolean created;
} SetResult;

static gboolean
query_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
query_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TG_DB_ERROR, TG_DB_ERROR_QUERY, format, args));
  va_end (args);
  return FALSE;
}

/* An amount the server sent, in micro-units (at most six decimals). */
static gboolean
get_micros (TgDbResult  *result,
            int          row,
            int          col,
            gint64      *micros,
            GError     **error)
{
  const char *text = tg_db_result_get_value (result, row, col);

  if (text == NULL || !tg_money_parse (text, micros, NULL))
    return query_error (error, "The server sent an amount Tollgate cannot read (“%s”)",
                        text != NULL ? text : "NULL");
  return TRUE;
}

static gint64
get_usec_or (TgDbResult *result,
             int         row,
             int         col,
             gint64      fallback)
{
  if (tg_db_result_is_null (result, row, col))
    return fallback;
  return tg_db_result_get_int64 (result, row, col);
}

/* "percent:85:actual,amount:7500.000000:forecast" */
static gboolean
parse_thresholds (const char  *text,
                  GArray      *thresholds,
                  GError     **error)
{
  g_auto(GStrv) items = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], ":", -1);
      TgBudgetThreshold threshold = { 0 };

      if (g_strv_length (parts) != 3
          || !tg_money_parse (parts[1], &threshold.value, NULL)
          || !tg_budget_basis_parse (parts[2], &threshold.basis)
          || !(g_str_equal (parts[0], "percent") || g_str_equal (parts[0], "amount")))
        return query_error (error, "The server sent a threshold Tollgate cannot read (“%s”)",
                            items[i]);
      threshold.kind = g_str_equal (parts[0], "percent") ? TG_BUDGET_THRESHOLD_PERCENT
                                                         : TG_BUDGET_THRESHOLD_AMOUNT;
      g_array_append_val (thresholds, threshold);
    }

  return TRUE;
}

/* "{percent,amount}", "{85,7500.000000}", "{actual,forecast}" */
static void
thresholds_params (GArray  *thresholds,
                   char   **kinds,
                   char   **values,
                   char   **bases)
{
  GString *k = g_string_new ("{");
  GString *v = g_string_new ("{");
  GString *b = g_string_new ("{");

  for (guint i = 0; i < thresholds->len; i++)
    {
      TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);
      g_autofree char *value = tg_money_to_exact (t->value);
      const char *sep = i > 0 ? "," : "";

      g_string_append_printf (k, "%s%s", sep,
                              t->kind == TG_BUDGET_THRESHOLD_PERCENT ? "percent" : "amount");
      g_string_append_printf (v, "%s%s", sep, value);
      g_string_append_printf (b, "%s%s", sep, tg_budget_basis_to_string (t->basis));
    }
  g_string_append_c (k, '}');
  g_string_append_c (v, '}');
  g_string_append_c (b, '}');

  *kinds = g_string_free (k, FALSE);
  *values = g_string_free (v, FALSE);
  *bases = g_string_free (b, FALSE);
}

/* Budgets */

TgDbStatement *
tg_budget_list_statement_new (void)
{
  return tg_db_statement_new (budget_list_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_budget_list_parse_result:
 *
 * Returns: (transfer full) (element-type TgBudget): the budgets, by scope
 */
GPtrArray *
tg_budget_list_parse_result (TgDbResult  *result,
                             GError     **error)
{
  g_autoptr(GPtrArray) budgets = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_budget_unref);

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, BUDGET_N_COLS, "budgets", error))
    return NULL;

  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    {
      g_autoptr(TgBudget) budget = tg_budget_new ();
      g_autoptr(GError) scope_error = NULL;

      budget->id = tg_db_result_get_int64 (result, i, BUDGET_ID);
      budget->scope = tg_db_result_dup_text (result, i, BUDGET_SCOPE);
      budget->currency = tg_db_result_dup_text (result, i, BUDGET_CURRENCY);
      budget->updated_at = tg_db_result_get_int64 (result, i, BUDGET_UPDATED_AT);
      if (!tg_forecast_scope_parse (budget->scope, &budget->kind, &budget->name, &scope_error))
        {
          query_error (error, "The server sent a scope Tollgate cannot read (“%s”)",
                       budget->scope);
          return NULL;
        }
      if (!get_micros (result, i, BUDGET_AMOUNT, &budget->amount, error)
          || !parse_thresholds (tg_db_result_get_value (result, i, BUDGET_THRESHOLDS),
                                budget->thresholds, error))
        return NULL;
      g_ptr_array_add (budgets, g_steal_pointer (&budget));
    }

  return g_steal_pointer (&budgets);
}

static gpointer
parse_budget_list_cb (TgDbResult  *result,
                      gpointer     data,
                      GError     **error)
{
  return tg_budget_list_parse_result (result, error);
}

GPtrArray *
tg_budget_fetch_list (PGconn  *conn,
                      GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_budget_list_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_budget_list_cb, NULL, error);
}

void
tg_budget_list_async (TgDbConnection      *connection,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_budget_list_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_budget_list_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_budget_list_async,
                           cancellable, callback, user_data);
}

/**
 * tg_budget_list_finish:
 *
 * Returns: (transfer full) (element-type TgBudget): the budgets
 */
GPtrArray *
tg_budget_list_finish (TgDbConnection  *connection,
                       GAsyncResult    *result,
                       GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_budget_list_async, error);
}

static gpointer
parse_set_cb (TgDbResult  *result,
              gpointer     data,
              GError     **error)
{
  SetResult *set;

  if (!tg_db_result_check_n_cols (result, 2, "set", error))
    return NULL;
  if (tg_db_result_get_n_rows (result) != 1)
    {
      query_error (error, "The server said nothing of the budget or quota it set");
      return NULL;
    }
  set = g_new0 (SetResult, 1);
  set->id = tg_db_result_get_int64 (result, 0, 0);
  set->created = tg_db_result_get_boolean (result, 0, 1);
  return set;
}

static gboolean
take_set_result (SetResult *set,
                 gint64    *id,
                 gboolean  *created)
{
  if (set == NULL)
    return FALSE;
  if (id != NULL)
    *id = set->id;
  if (created != NULL)
    *created = set->created;
  g_free (set);
  return TRUE;
}

/**
 * tg_budget_set_statement_new:
 * @scope: "overall", "provider:P", "cost-centre:C" or "feature:F"
 * @amount: micro-units of @currency, each month
 * @thresholds: (nullable) (element-type TgBudgetThreshold): %NULL to keep the budget's (a
 *   new one gets TG_BUDGET_DEFAULT_THRESHOLDS)
 */
TgDbStatement *
tg_budget_set_statement_new (const char *scope,
                             gint64      amount,
                             const char *currency,
                             GArray     *thresholds)
{
  g_autofree char *amount_text = tg_money_to_exact (amount);
  g_autofree char *kinds = NULL;
  g_autofree char *values = NULL;
  g_autofree char *bases = NULL;

  g_return_val_if_fail (scope != NULL, NULL);
  g_return_val_if_fail (currency != NULL, NULL);

  if (thresholds != NULL)
    thresholds_params (thresholds, &kinds, &values, &bases);

  {
    const char *params[] = { scope, amount_text, currency, kinds, values, bases };

    return tg_db_statement_new (budget_set_sql, params, G_N_ELEMENTS (params),
                                TG_DB_QUERY_FLAGS_NONE);
  }
}

/**
 * tg_budget_set:
 * @id: (out) (optional): the budget's id
 * @created: (out) (optional): whether the scope had no budget before
 *
 * Returns: %FALSE with @error set (%TG_DB_ERROR_PERMISSION_DENIED for a role that may not)
 */
gboolean
tg_budget_set (PGconn      *conn,
               const char  *scope,
               gint64       amount,
               const char  *currency,
               GArray      *thresholds,
               gint64      *id,
               gboolean    *created,
               GError     **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_budget_set_statement_new (scope, amount, currency, thresholds);
  return take_set_result (tg_db_typed_query_run (conn, statement, parse_set_cb, NULL, error),
                          id, created);
}

void
tg_budget_set_async (TgDbConnection      *connection,
                     const char          *scope,
                     gint64               amount,
                     const char          *currency,
                     GArray              *thresholds,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_budget_set_statement_new (scope, amount, currency,
                                                                    thresholds);

  tg_db_typed_query_async (connection, statement, parse_set_cb, NULL, NULL, g_free,
                           tg_budget_set_async, cancellable, callback, user_data);
}

gboolean
tg_budget_set_finish (TgDbConnection  *connection,
                      GAsyncResult    *result,
                      gint64          *id,
                      gboolean        *created,
                      GError         **error)
{
  return take_set_result (tg_db_typed_query_finish (connection, result, tg_budget_set_async,
                                                    error),
                          id, created);
}

static gpointer
parse_deleted_cb (TgDbResult  *result,
                  gpointer     data,
                  GError     **error)
{
  if (!tg_db_result_check_n_cols (result, 1, "delete", error))
    return NULL;
  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_is_null (result, 0, 0))
    {
      query_error (error, "The server said nothing of what it deleted");
      return NULL;
    }
  /* Either way a value, never NULL: a pointer to a static boolean. */
  {
    static const gboolean yes = TRUE;
    static const gboolean no = FALSE;

    return (gpointer)(tg_db_result_get_boolean (result, 0, 0) ? &yes : &no);
  }
}

static gboolean
take_deleted (gpointer  value,
              gboolean *deleted)
{
  if (value == NULL)
    return FALSE;
  if (deleted != NULL)
    *deleted = *(const gboolean *)value;
  return TRUE;
}

static TgDbStatement *
delete_statement_new (const char *sql,
                      gint64      id)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { text };

  return tg_db_statement_new (sql, params, 1, TG_DB_QUERY_FLAGS_NONE);
}

TgDbStatement *
tg_budget_delete_statement_new (gint64 id)
{
  return delete_statement_new (budget_delete_sql, id);
}

/**
 * tg_budget_delete:
 * @deleted: (out) (optional): whether there was a budget @id
 */
gboolean
tg_budget_delete (PGconn    *conn,
                  gint64     id,
                  gboolean  *deleted,
                  GError   **error)
{
  g_autoptr(TgDbStatement) statement = tg_budget_delete_statement_new (id);

  g_return_val_if_fail (conn != NULL, FALSE);

  return take_deleted (tg_db_typed_query_run (conn, statement, parse_deleted_cb, NULL, error),
                       deleted);
}

void
tg_budget_delete_async (TgDbConnection      *connection,
                        gint64               id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_budget_delete_statement_new (id);

  tg_db_typed_query_async (connection, statement, parse_deleted_cb, NULL, NULL, NULL,
                           tg_budget_delete_async, cancellable, callback, user_data);
}

gboolean
tg_budget_delete_finish (TgDbConnection  *connection,
                         GAsyncResult    *result,
                         gboolean        *deleted,
                         GError         **error)
{
  return take_deleted (tg_db_typed_query_finish (connection, result, tg_budget_delete_async,
                                                 error),
                       deleted);
}

/* Quotas */

TgDbStatement *
tg_quota_list_statement_new (void)
{
  return tg_db_statement_new (quota_list_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_quota_list_parse_result:
 *
 * Returns: (transfer full) (element-type TgQuota): the quotas, by provider
 */
GPtrArray *
tg_quota_list_parse_result (TgDbResult  *result,
                            GError     **error)
{
  g_autoptr(GPtrArray) quotas = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_quota_unref);

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, QUOTA_N_COLS, "quotas", error))
    return NULL;

  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    {
      g_autoptr(TgQuota) quota = tg_quota_new ();
      const char *unit = tg_db_result_get_value (result, i, QUOTA_UNIT);

      quota->id = tg_db_result_get_int64 (result, i, QUOTA_ID);
      quota->provider = tg_db_result_dup_text (result, i, QUOTA_PROVIDER);
      quota->updated_at = tg_db_result_get_int64 (result, i, QUOTA_UPDATED_AT);
      if (!tg_quota_unit_parse (unit, &quota->unit))
        {
          query_error (error, "The server sent a unit Tollgate cannot read (“%s”)",
                       unit != NULL ? unit : "NULL");
          return NULL;
        }
      quota->has_prepaid = !tg_db_result_is_null (result, i, QUOTA_PREPAID);
      if (!get_micros (result, i, QUOTA_AMOUNT, &quota->amount, error)
          || (quota->has_prepaid
              && !get_micros (result, i, QUOTA_PREPAID, &quota->prepaid, error))
          || !parse_thresholds (tg_db_result_get_value (result, i, QUOTA_THRESHOLDS),
                                quota->thresholds, error))
        return NULL;
      quota->prepaid_at = get_usec_or (result, i, QUOTA_PREPAID_AT, 0);
      g_ptr_array_add (quotas, g_steal_pointer (&quota));
    }

  return g_steal_pointer (&quotas);
}

static gpointer
parse_quota_list_cb (TgDbResult  *result,
                     gpointer     data,
                     GError     **error)
{
  return tg_quota_list_parse_result (result, error);
}

GPtrArray *
tg_quota_fetch_list (PGconn  *conn,
                     GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_quota_list_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_quota_list_cb, NULL, error);
}

void
tg_quota_list_async (TgDbConnection      *connection,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_quota_list_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_quota_list_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_quota_list_async,
                           cancellable, callback, user_data);
}

/**
 * tg_quota_list_finish:
 *
 * Returns: (transfer full) (element-type TgQuota): the quotas
 */
GPtrArray *
tg_quota_list_finish (TgDbConnection  *connection,
                      GAsyncResult    *result,
                      GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_quota_list_async, error);
}

/**
 * tg_quota_set_statement_new:
 * @provider: a provider slug
 * @amount: micro-units of @unit (whole calls), each month
 * @prepaid: micro-units of @unit left now, %TG_QUOTA_PREPAID_KEEP or %TG_QUOTA_PREPAID_NONE
 * @thresholds: (nullable) (element-type TgBudgetThreshold): %NULL to keep the quota's
 */
TgDbStatement *
tg_quota_set_statement_new (const char  *provider,
                            TgQuotaUnit  unit,
                            gint64       amount,
                            gint64       prepaid,
                            GArray      *thresholds)
{
  g_autofree char *amount_text = tg_money_to_exact (amount);
  g_autofree char *prepaid_text = prepaid >= 0 ? tg_money_to_exact (prepaid) : NULL;
  g_autofree char *kinds = NULL;
  g_autofree char *values = NULL;
  g_autofree char *bases = NULL;

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (prepaid >= 0 || prepaid == TG_QUOTA_PREPAID_KEEP ||
                        prepaid == TG_QUOTA_PREPAID_NONE, NULL);

  if (thresholds != NULL)
    thresholds_params (thresholds, &kinds, &values, &bases);

  {
    const char *params[] = { provider, tg_quota_unit_to_string (unit), amount_text,
                             prepaid_text, prepaid == TG_QUOTA_PREPAID_NONE ? "false" : "true",
                             kinds, values, bases };

    return tg_db_statement_new (quota_set_sql, params, G_N_ELEMENTS (params),
                                TG_DB_QUERY_FLAGS_NONE);
  }
}

gboolean
tg_quota_set (PGconn       *conn,
              const char   *provider,
              TgQuotaUnit   unit,
              gint64        amount,
              gint64        prepaid,
              GArray       *thresholds,
              gint64       *id,
              gboolean     *created,
              GError      **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_quota_set_statement_new (provider, unit, amount, prepaid, thresholds);
  return take_set_result (tg_db_typed_query_run (conn, statement, parse_set_cb, NULL, error),
                          id, created);
}

void
tg_quota_set_async (TgDbConnection      *connection,
                    const char          *provider,
                    TgQuotaUnit          unit,
                    gint64               amount,
                    gint64               prepaid,
                    GArray              *thresholds,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_quota_set_statement_new (provider, unit, amount,
                                                                   prepaid, thresholds);

  tg_db_typed_query_async (connection, statement, parse_set_cb, NULL, NULL, g_free,
                           tg_quota_set_async, cancellable, callback, user_data);
}

gboolean
tg_quota_set_finish (TgDbConnection  *connection,
                     GAsyncResult    *result,
                     gint64          *id,
                     gboolean        *created,
                     GError         **error)
{
  return take_set_result (tg_db_typed_query_finish (connection, result, tg_quota_set_async,
                                                    error),
                          id, created);
}

TgDbStatement *
tg_quota_delete_statement_new (gint64 id)
{
  return delete_statement_new (quota_delete_sql, id);
}

gboolean
tg_quota_delete (PGconn    *conn,
                 gint64     id,
                 gboolean  *deleted,
                 GError   **error)
{
  g_autoptr(TgDbStatement) statement = tg_quota_delete_statement_new (id);

  g_return_val_if_fail (conn != NULL, FALSE);

  return take_deleted (tg_db_typed_query_run (conn, statement, parse_deleted_cb, NULL, error),
                       deleted);
}

void
tg_quota_delete_async (TgDbConnection      *connection,
                       gint64               id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_quota_delete_statement_new (id);

  tg_db_typed_query_async (connection, statement, parse_deleted_cb, NULL, NULL, NULL,
                           tg_quota_delete_async, cancellable, callback, user_data);
}

gboolean
tg_quota_delete_finish (TgDbConnection  *connection,
                        GAsyncResult    *result,
                        gboolean        *deleted,
                        GError         **error)
{
  return take_deleted (tg_db_typed_query_finish (connection, result, tg_quota_delete_async,
                                                 error),
                       deleted);
}

static gpointer
parse_currencies_cb (TgDbResult  *result,
                     gpointer     data,
                     GError     **error)
{
  g_autoptr(GStrvBuilder) currencies = g_strv_builder_new ();

  if (!tg_db_result_check_n_cols (result, 1, "currencies", error))
    return NULL;
  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    g_strv_builder_add (currencies, tg_db_result_get_value (result, i, 0));

  return g_strv_builder_end (currencies);
}

/**
 * tg_budget_fetch_currencies:
 *
 * Returns: (transfer full): the currencies a budget may be in, sorted
 */
GStrv
tg_budget_fetch_currencies (PGconn  *conn,
                            GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  statement = tg_db_statement_new ("SELECT c FROM tollgate.budget_currencies() c", NULL, 0,
                                   TG_DB_QUERY_FLAGS_NONE);
  return tg_db_typed_query_run (conn, statement, parse_currencies_cb, NULL, error);
}

/* Where they stand */

/**
 * tg_budget_status_statement_new:
 * @now_usec: the moment, UTC microseconds
 */
TgDbStatement *
tg_budget_status_statement_new (gint64 now_usec)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, now_usec);
  const char *params[] = { now };

  return tg_db_statement_new (status_sql, params, 1, TG_DB_QUERY_FLAGS_NONE);
}

/* A list of amounts, each added to the running sum: cumulative[] of a status. */
static gboolean
parse_days (const char  *text,
            GArray      *cumulative,
            GError     **error)
{
  g_auto(GStrv) items = NULL;
  TgMoneySum sum = { 0 };

  if (text == NULL || *text == '\0')
    return TRUE;

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      gint64 micros;

      if (!tg_money_sum_add_text (&sum, items[i], NULL) || !tg_money_sum_get_micros (&sum, &micros))
        return query_error (error, "The server sent a day's amount Tollgate cannot read (“%s”)",
                            items[i]);
      g_array_append_val (cumulative, micros);
    }

  return TRUE;
}

static gboolean
parse_amounts (const char  *text,
               GArray      *amounts,
               GError     **error)
{
  g_auto(GStrv) items = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      gint64 micros;

      if (!tg_money_parse (items[i], &micros, NULL))
        return query_error (error, "The server sent an amount Tollgate cannot read (“%s”)",
                            items[i]);
      g_array_append_val (amounts, micros);
    }

  return TRUE;
}

static gboolean
parse_date (TgDbResult  *result,
            int          row,
            int          col,
            GDate       *date,
            GError     **error)
{
  const char *text = tg_db_result_get_value (result, row, col);

  if (text == NULL || !tg_time_bucket_parse_date (text, date, NULL))
    return query_error (error, "The server sent a date Tollgate cannot read (“%s”)",
                        text != NULL ? text : "NULL");
  return TRUE;
}

static TgForecastConfidence
confidence_from_string (const char *text)
{
  if (g_strcmp0 (text, "high") == 0)
    return TG_FORECAST_CONFIDENCE_HIGH;
  if (g_strcmp0 (text, "medium") == 0)
    return TG_FORECAST_CONFIDENCE_MEDIUM;
  if (g_strcmp0 (text, "low") == 0)
    return TG_FORECAST_CONFIDENCE_LOW;
  return TG_FORECAST_CONFIDENCE_NONE;
}

static TgBudgetStatus *
parse_status_row (TgDbResult  *result,
                  int          i,
                  GError     **error)
{
  g_autoptr(TgBudgetStatus) status = tg_budget_status_new ();
  const char *kind = tg_db_result_get_value (result, i, ST_KIND);
  GArray *thresholds;

  if (g_strcmp0 (kind, "budget") == 0)
    {
      g_autoptr(GError) scope_error = NULL;

      status->budget = tg_budget_new ();
      status->budget->id = tg_db_result_get_int64 (result, i, ST_ID);
      status->budget->scope = tg_db_result_dup_text (result, i, ST_SCOPE);
      status->budget->currency = tg_db_result_dup_text (result, i, ST_UNIT);
      status->budget->updated_at = tg_db_result_get_int64 (result, i, ST_UPDATED_AT);
      if (!tg_forecast_scope_parse (status->budget->scope, &status->budget->kind,
                                    &status->budget->name, &scope_error))
        {
          query_error (error, "The server sent a scope Tollgate cannot read (“%s”)",
                       status->budget->scope);
          return NULL;
        }
      if (!get_micros (result, i, ST_AMOUNT, &status->budget->amount, error))
        return NULL;
      status->limit = status->budget->amount;
      thresholds = status->budget->thresholds;
    }
  else if (g_strcmp0 (kind, "quota") == 0)
    {
      const char *scope = tg_db_result_get_value (result, i, ST_SCOPE);
      const char *unit = tg_db_result_get_value (result, i, ST_UNIT);

      status->quota = tg_quota_new ();
      status->quota->id = tg_db_result_get_int64 (result, i, ST_ID);
      status->quota->provider = g_strdup (g_str_has_prefix (scope, "provider:") ? scope + 9 : scope);
      status->quota->updated_at = tg_db_result_get_int64 (result, i, ST_UPDATED_AT);
      if (!tg_quota_unit_parse (unit, &status->quota->unit))
        {
          query_error (error, "The server sent a unit Tollgate cannot read (“%s”)",
                       unit != NULL ? unit : "NULL");
          return NULL;
        }
      status->quota->has_prepaid = !tg_db_result_is_null (result, i, ST_PREPAID);
      if (!get_micros (result, i, ST_AMOUNT, &status->quota->amount, error)
          || (status->quota->has_prepaid
              && !get_micros (result, i, ST_PREPAID, &status->quota->prepaid, error)))
        return NULL;
      status->quota->prepaid_at = get_usec_or (result, i, ST_PREPAID_AT, 0);
      status->limit = status->quota->amount;
      thresholds = status->quota->thresholds;
    }
  else
    {
      query_error (error, "The server sent a rule Tollgate does not know (“%s”)",
                   kind != NULL ? kind : "NULL");
      return NULL;
    }

  status->unit = tg_db_result_dup_text (result, i, ST_UNIT);
  if (!parse_thresholds (tg_db_result_get_value (result, i, ST_THRESHOLDS), thresholds, error)
      || !parse_amounts (tg_db_result_get_value (result, i, ST_THRESHOLD_AMOUNTS),
                         status->threshold_amounts, error)
      || !parse_date (result, i, ST_FIRST_DAY, &status->first_day, error)
      || !parse_days (tg_db_result_get_value (result, i, ST_DAYS), status->cumulative, error))
    return NULL;
  if (status->threshold_amounts->len != thresholds->len)
    {
      query_error (error, "The server sent %u threshold amounts for %u thresholds",
                   status->threshold_amounts->len, thresholds->len);
      return NULL;
    }

  status->month = g_strdup_printf ("%04u-%02u", g_date_get_year (&status->first_day),
                                   (guint)g_date_get_month (&status->first_day));
  status->month_days = g_date_get_days_in_month (g_date_get_month (&status->first_day),
                                                 g_date_get_year (&status->first_day));
  status->month_start = tg_db_result_get_int64 (result, i, ST_MONTH_START);
  status->month_end = tg_db_result_get_int64 (result, i, ST_MONTH_END);
  status->as_of = tg_db_result_get_int64 (result, i, ST_AS_OF);

  if (!tg_db_result_is_null (result, i, ST_RATE))
    status->rate = g_ascii_strtod (tg_db_result_get_value (result, i, ST_RATE), NULL);

  if (status->cumulative->len > 0)
    {
      status->actual = g_array_index (status->cumulative, gint64, status->cumulative->len - 1);
      status->percent = (double)status->actual / (double)status->limit * 100;
    }

  if (!tg_db_result_is_null (result, i, ST_PASSED))
    {
      gint64 passed = tg_db_result_get_int64 (result, i, ST_PASSED);

      if (passed < 1 || passed > thresholds->len)
        {
          query_error (error, "The server sent threshold %" G_GINT64_FORMAT " of %u", passed,
                       thresholds->len);
          return NULL;
        }
      status->passed = (int)passed - 1;
      if (!parse_date (result, i, ST_PASSED_SINCE, &status->passed_since, error))
        return NULL;
      status->passed_since_start = tg_db_result_get_int64 (result, i, ST_PASSED_SINCE_START);
    }

  status->has_forecast = !tg_db_result_is_null (result, i, ST_FORECAST);
  if (status->has_forecast)
    {
      status->has_interval = !tg_db_result_is_null (result, i, ST_LOW);
      if (!get_micros (result, i, ST_FORECAST, &status->forecast, error)
          || (status->has_interval
              && (!get_micros (result, i, ST_LOW, &status->low, error)
                  || !get_micros (result, i, ST_HIGH, &status->high, error))))
        return NULL;
      status->confidence = confidence_from_string (tg_db_result_get_value (result, i, ST_CONFIDENCE));
      status->enough_data = tg_db_result_get_boolean (result, i, ST_ENOUGH);
      status->basis_days = (guint)tg_db_result_get_int64 (result, i, ST_BASIS_DAYS);
      status->forecast_as_of = tg_db_result_get_int64 (result, i, ST_FORECAST_AS_OF);
    }
  if (!tg_db_result_is_null (result, i, ST_FORECAST_PASSED))
    {
      gint64 passed = tg_db_result_get_int64 (result, i, ST_FORECAST_PASSED);

      if (passed < 1 || passed > thresholds->len)
        {
          query_error (error, "The server sent threshold %" G_GINT64_FORMAT " of %u", passed,
                       thresholds->len);
          return NULL;
        }
      status->forecast_passed = (int)passed - 1;
    }

  if (status->quota != NULL)
    {
      if (!get_micros (result, i, ST_DAILY_RATE, &status->daily_rate, error))
        return NULL;
      status->runs_out = !tg_db_result_is_null (result, i, ST_RUNS_OUT_AT);
      status->runs_out_at = get_usec_or (result, i, ST_RUNS_OUT_AT, 0);
      if (status->quota->has_prepaid)
        {
          if (!get_micros (result, i, ST_PREPAID_LEFT, &status->prepaid_left, error))
            return NULL;
          status->prepaid_runs_out = !tg_db_result_is_null (result, i, ST_PREPAID_RUNS_OUT_AT);
          status->prepaid_runs_out_at = get_usec_or (result, i, ST_PREPAID_RUNS_OUT_AT, 0);
        }
    }

  return g_steal_pointer (&status);
}

/**
 * tg_budget_status_parse_result:
 *
 * Returns: (transfer full) (element-type TgBudgetStatus): budgets, then quotas
 */
GPtrArray *
tg_budget_status_parse_result (TgDbResult  *result,
                               GError     **error)
{
  g_autoptr(GPtrArray) statuses = NULL;

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, ST_N_COLS, "budget status", error))
    return NULL;

  statuses = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_budget_status_unref);
  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    {
      TgBudgetStatus *status = parse_status_row (result, i, error);

      if (status == NULL)
        return NULL;
      g_ptr_array_add (statuses, status);
    }

  return g_steal_pointer (&statuses);
}

static gpointer
parse_status_cb (TgDbResult  *result,
                 gpointer     data,
                 GError     **error)
{
  return tg_budget_status_parse_result (result, error);
}

/**
 * tg_budget_fetch_status:
 * @now_usec: the moment, UTC microseconds
 *
 * Returns: (transfer full) (element-type TgBudgetStatus): budgets, then quotas
 */
GPtrArray *
tg_budget_fetch_status (PGconn  *conn,
                        gint64   now_usec,
                        GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_budget_status_statement_new (now_usec);

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_status_cb, NULL, error);
}

void
tg_budget_status_async (TgDbConnection      *connection,
                        gint64               now_usec,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_budget_status_statement_new (now_usec);

  tg_db_typed_query_async (connection, statement, parse_status_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_budget_status_async,
                           cancellable, callback, user_data);
}

/**
 * tg_budget_status_finish:
 *
 * Returns: (transfer full) (element-type TgBudgetStatus): budgets, then quotas
 */
GPtrArray *
tg_budget_status_finish (TgDbConnection  *connection,
                         GAsyncResult    *result,
                         GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_budget_status_async, error);
}

/* Forecasts */

static char *
int64_array_literal (const gint64 *values,
                     guint         n)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", values[i]);
  g_string_append_c (text, '}');

  return g_string_free (text, FALSE);
}

static gpointer
parse_usage_cb (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  return tg_forecast_costs_parse_result (result, GPOINTER_TO_UINT (data), error);
}

/**
 * tg_quota_fetch_usage:
 * @bounds_usec: (array length=n_bounds): as tg_forecast_costs_statement_new() takes them
 * @range_usec: (array fixed-size=2) (nullable): one more range, likewise
 * @unit: which use to read
 *
 * Blocks until a provider's calls or credits per bucket are read: costs[] and range_cost
 * of the result hold micro-units of @unit, calls[] the calls.
 *
 * Returns: (transfer full): the use, or %NULL with @error set
 */
TgForecastCosts *
tg_quota_fetch_usage (PGconn        *conn,
                      const gint64  *bounds_usec,
                      guint          n_bounds,
                      const gint64  *range_usec,
                      const char    *provider,
                      TgQuotaUnit    unit,
                      GError       **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  g_autofree char *bounds = NULL;
  g_autofree char *range = NULL;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (bounds_usec != NULL && n_bounds >= 2, NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  bounds = int64_array_literal (bounds_usec, n_bounds);
  range = range_usec != NULL ? int64_array_literal (range_usec, 2) : NULL;
  {
    const char *params[] = { bounds, range, provider, tg_quota_unit_to_string (unit) };

    statement = tg_db_statement_new (quota_usage_sql, params, G_N_ELEMENTS (params),
                                     TG_DB_QUERY_FLAGS_NONE);
  }

  return tg_db_typed_query_run (conn, statement, parse_usage_cb, GUINT_TO_POINTER (n_bounds),
                                error);
}

static const char *
confidence_to_string (TgForecastConfidence confidence)
{
  switch (confidence)
    {
    case TG_FORECAST_CONFIDENCE_HIGH:
      return "high";
    case TG_FORECAST_CONFIDENCE_MEDIUM:
      return "medium";
    case TG_FORECAST_CONFIDENCE_LOW:
      return "low";
    case TG_FORECAST_CONFIDENCE_NONE:
    default:
      return "none";
    }
}

static gpointer
parse_stored_cb (TgDbResult  *result,
                 gpointer     data,
                 GError     **error)
{
  gboolean *stored = data;

  if (!tg_db_result_check_n_cols (result, 1, "stored forecast", error))
    return NULL;
  *stored = tg_db_result_get_n_rows (result) == 1 && tg_db_result_get_boolean (result, 0, 0);
  return TG_DB_TYPED_QUERY_NO_VALUE;
}

/**
 * tg_budget_store_forecast:
 * @month: "YYYY-MM", the local month of @as_of_usec
 * @forecast: its forecast, low and high in micro-units of @unit
 * @stored: (out) (optional): whether it was stored
 */
gboolean
tg_budget_store_forecast (PGconn            *conn,
                          gboolean           quota,
                          gint64             id,
                          const char        *month,
                          const char        *unit,
                          gint64             as_of_usec,
                          const TgForecast  *forecast,
                          gboolean          *stored,
                          GError           **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *as_of = g_strdup_printf ("%" G_GINT64_FORMAT, as_of_usec);
  g_autofree char *value = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *basis_days = NULL;
  gboolean local_stored = FALSE;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (month != NULL && unit != NULL && forecast != NULL, FALSE);

  value = tg_money_to_exact (MAX (forecast->forecast, 0));
  low = forecast->has_interval ? tg_money_to_exact (MAX (forecast->low, 0)) : NULL;
  high = forecast->has_interval ? tg_money_to_exact (MAX (forecast->high, forecast->low)) : NULL;
  basis_days = g_strdup_printf ("%u", forecast->basis_days);
  {
    const char *params[] = { quota ? "quota" : "budget", id_text, month, as_of, unit, value,
                             low, high, basis_days,
                             confidence_to_string (forecast->confidence) };

    statement = tg_db_statement_new (store_forecast_sql, params, G_N_ELEMENTS (params),
                                     TG_DB_QUERY_FLAGS_NONE);
  }

  if (tg_db_typed_query_run (conn, statement, parse_stored_cb, &local_stored, error) == NULL)
    return FALSE;
  if (stored != NULL)
    *stored = local_stored;
  return TRUE;
}
