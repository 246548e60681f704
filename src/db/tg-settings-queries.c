/* tg-settings-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one home of the shared settings' SQL. Changing a setting is a single call of
 * tollgate.change_setting() (data/sql/0007_settings.sql), so that the UI, whose
 * connection sends one statement at a time, and tollgatectl change settings the same
 * way: the setting and what depends on it — the rollups, whose costs are stored in the
 * reporting currency — change in one transaction, and the server's grants decide who
 * may.
 */

#include "config.h"

#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-settings-queries.h"

static const char settings_sql[] =
  "SELECT (SELECT value FROM tollgate.settings WHERE key = 'billing-timezone'), "
  "       (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency')";

enum {
  SETTINGS_BILLING_TIMEZONE, SETTINGS_REPORTING_CURRENCY, SETTINGS_N_COLS
};

static const char value_sql[] =
  "SELECT value FROM tollgate.settings WHERE key = $1";

static const char currencies_sql[] =
  "SELECT c FROM tollgate.reporting_currencies () c";

static const char change_sql[] =
  "SELECT tollgate.change_setting ($1, $2)";

static void
set_no_setting_error (GError     **error,
                      const char  *key)
{
  g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "There is no setting “%s”", key);
}

/* Both settings */

/**
 * tg_settings_statement_new:
 *
 * Returns: (transfer full): the statement that reads the billing time zone and the
 *   reporting currency, for a pipelined batch; read its result with
 *   tg_settings_parse_result()
 */
TgDbStatement *
tg_settings_statement_new (void)
{
  return tg_db_statement_new (settings_sql, NULL, 0, TG_DB_QUERY_FLAGS_BINARY);
}

/**
 * tg_settings_parse_result:
 *
 * Returns: (transfer full): the settings, or %NULL with @error set when one is missing
 */
TgUsageSettings *
tg_settings_parse_result (TgDbResult  *result,
                          GError     **error)
{
  g_autofree char *zone = NULL;
  g_autofree char *currency = NULL;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, SETTINGS_N_COLS, "settings", error))
    return NULL;

  if (tg_db_result_get_n_rows (result) == 1)
    {
      zone = tg_db_result_dup_text (result, 0, SETTINGS_BILLING_TIMEZONE);
      currency = tg_db_result_dup_text (result, 0, SETTINGS_REPORTING_CURRENCY);
    }

  if (zone == NULL || currency == NULL)
    {
      set_no_setting_error (error, zone == NULL ? "billing-timezone" : "reporting-currency");
      return NULL;
    }

  return tg_usage_settings_new (zone, currency);
}

static gpointer
parse_settings_cb (TgDbResult  *result,
                   gpointer     data,
                   GError     **error)
{
  return tg_settings_parse_result (result, error);
}

/**
 * tg_settings_fetch:
 *
 * Blocks until the settings are read.
 *
 * Returns: (transfer full): the settings
 */
TgUsageSettings *
tg_settings_fetch (PGconn  *conn,
                   GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_settings_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_settings_cb, NULL, error);
}

void
tg_settings_async (TgDbConnection      *connection,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_settings_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_settings_cb, NULL, NULL,
                           (GDestroyNotify)tg_usage_settings_unref, tg_settings_async,
                           cancellable, callback, user_data);
}

/**
 * tg_settings_finish:
 *
 * Returns: (transfer full): the settings
 */
TgUsageSettings *
tg_settings_finish (TgDbConnection  *connection,
                    GAsyncResult    *result,
                    GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_settings_async, error);
}

/* One value */

/* @data: the key */
static gpointer
parse_value_cb (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  const char *key = data;

  if (!tg_db_result_check_n_cols (result, 1, "setting", error))
    return NULL;

  if (tg_db_result_get_n_rows (result) == 0 || tg_db_result_is_null (result, 0, 0))
    {
      set_no_setting_error (error, key);
      return NULL;
    }

  return tg_db_result_dup_text (result, 0, 0);
}

/**
 * tg_settings_fetch_value:
 * @key: a setting's key, such as "billing-timezone"
 *
 * Blocks until the value is read.
 *
 * Returns: (transfer full): the value, or %NULL with @error set (also when there is no
 *   such setting)
 */
char *
tg_settings_fetch_value (PGconn      *conn,
                         const char  *key,
                         GError     **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  const char *params[1];

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  params[0] = key;
  statement = tg_db_statement_new (value_sql, params, G_N_ELEMENTS (params),
                                   TG_DB_QUERY_FLAGS_NONE);

  return tg_db_typed_query_run (conn, statement, parse_value_cb, (gpointer)key, error);
}

/* The possible reporting currencies */

/**
 * tg_settings_currencies_statement_new:
 *
 * The currencies that an exchange rate leads into or that a provider bills in: any other
 * would leave every call unpriced, and tollgate.change_setting() refuses it
 * (data/sql/0008_currency_check.sql).
 *
 * Returns: (transfer full): the statement; read its result with
 *   tg_settings_currencies_parse_result()
 */
TgDbStatement *
tg_settings_currencies_statement_new (void)
{
  return tg_db_statement_new (currencies_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_settings_currencies_parse_result:
 *
 * Returns: (transfer full): the ISO 4217 codes, sorted; empty when there are none
 */
GStrv
tg_settings_currencies_parse_result (TgDbResult  *result,
                                     GError     **error)
{
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, 1, "reporting currencies", error))
    return NULL;

  for (int i = 0; i < tg_db_result_get_n_rows (result); i++)
    {
      g_autofree char *code = tg_db_result_dup_text (result, i, 0);

      if (code != NULL)
        g_strv_builder_add (codes, code);
    }

  return g_strv_builder_end (codes);
}

static gpointer
parse_currencies_cb (TgDbResult  *result,
                     gpointer     data,
                     GError     **error)
{
  return tg_settings_currencies_parse_result (result, error);
}

/**
 * tg_settings_fetch_currencies:
 *
 * Blocks until the possible reporting currencies are read.
 *
 * Returns: (transfer full): the codes, sorted, or %NULL with @error set
 */
GStrv
tg_settings_fetch_currencies (PGconn  *conn,
                              GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_settings_currencies_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_currencies_cb, NULL, error);
}

/* Changing one */

/**
 * tg_settings_change_statement_new:
 * @key: a setting's key, such as "reporting-currency"
 * @value: its new value
 *
 * The change runs with the session user's rights: the server refuses it to anyone who
 * may not UPDATE tollgate.settings (%TG_DB_ERROR_PERMISSION_DENIED), and refuses an
 * unknown key or a value the setting cannot take (%TG_DB_ERROR_QUERY), such as a reporting
 * currency that no cost can be stated in (tg_settings_fetch_currencies()). A new reporting
 * currency rebuilds the rollups in the same transaction, which takes as long as rolling
 * up every usage row afresh: close to a minute per million rows on a two-core machine,
 * longer than the UI connection's statement timeout (tg_settings_change_async() allows
 * for it).
 *
 * Returns: (transfer full): the statement; its result is of no interest
 */
TgDbStatement *
tg_settings_change_statement_new (const char *key,
                                  const char *value)
{
  const char *params[2];

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  params[0] = key;
  params[1] = value;

  return tg_db_statement_new (change_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_settings_change:
 *
 * Blocks until the change, and the rebuild it may need, is committed (or refused).
 *
 * Returns: %TRUE once changed; errors as tg_settings_change_statement_new() says
 */
gboolean
tg_settings_change (PGconn      *conn,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_settings_change_statement_new (key, value);
  g_return_val_if_fail (statement != NULL, FALSE);

  return tg_db_typed_query_run (conn, statement, tg_db_typed_query_parse_no_value, NULL,
                                error) != NULL;
}

/* The change may rebuild every rollup (a new reporting currency): close to a minute per
 * million usage rows, far beyond the statement timeout of a UI connection. The batch
 * raises the timeout for its own transaction only (set_config's is_local), to the bound
 * tollgatectl's sessions have rather than to none, so that nothing waits forever. */
#define CHANGE_TIMEOUT_MS G_STRINGIFY (TG_DB_LONG_STATEMENT_MS)

static const char change_timeout_sql[] =
  "SELECT set_config ('statement_timeout', $1, true)";

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tg_settings_change_async:
 *
 * Changes a setting without blocking, in one transaction whose statement timeout allows
 * for a rebuild of the rollups (30 minutes, whatever the connection's own timeout).
 * Cancelling asks the server to stop the statement, which then has committed whole or
 * not at all; the caller does not learn which.
 */
void
tg_settings_change_async (TgDbConnection      *connection,
                          const char          *key,
                          const char          *value,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GPtrArray) statements = NULL;
  const char *timeout[] = { CHANGE_TIMEOUT_MS };
  TgDbStatement *change;
  GTask *task;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  change = tg_settings_change_statement_new (key, value);
  g_return_if_fail (change != NULL);

  task = g_task_new (connection, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_settings_change_async);

  /* One batch is one implicit transaction: the timeout holds for the change only. */
  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_db_statement_new (change_timeout_sql, timeout, 1,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, change);
  tg_db_connection_query_batch_async (connection, statements, cancellable, change_done_cb, task);
}

/**
 * tg_settings_change_finish:
 *
 * Returns: %TRUE once changed; errors as tg_settings_change_statement_new() says, or as
 *   tg_db_connection_query_batch_finish() reports them
 */
gboolean
tg_settings_change_finish (TgDbConnection  *connection,
                           GAsyncResult    *result,
                           GError         **error)
{
  g_return_val_if_fail (TG_IS_DB_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, connection), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_settings_change_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
