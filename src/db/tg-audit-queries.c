/* tg-audit-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-audit-queries.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"

static const char export_sql[] =
  "SELECT tollgate.log_action ('export', "
  "                            jsonb_build_object ('report', $1::text, 'period', $2::text, "
  "                                                'format', $3::text))";

/**
 * tg_audit_export_statement_new:
 * @report: which report, "overview"
 * @period: (nullable): the period it covers, "2026-11"
 * @format: "pdf" or "csv"
 *
 * Returns: (transfer full): the statement that records an export; read its result with
 *   tg_audit_parse_result()
 */
TgDbStatement *
tg_audit_export_statement_new (const char *report,
                               const char *period,
                               const char *format)
{
  const char *params[] = { report, period, format };

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  return tg_db_statement_new (export_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_audit_parse_result:
 * @audit_id: (out) (optional): the new row of the audit log
 *
 * Returns: %TRUE when the action was recorded
 */
gboolean
tg_audit_parse_result (TgDbResult  *result,
                       gint64      *audit_id,
                       GError     **error)
{
  g_return_val_if_fail (result != NULL, FALSE);

  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_is_null (result, 0, 0))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "The audit log did not answer with the new entry");
      return FALSE;
    }

  if (audit_id != NULL)
    *audit_id = tg_db_result_get_int64 (result, 0, 0);

  return TRUE;
}

static gpointer
parse_audit_id (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  gint64 audit_id;

  if (!tg_audit_parse_result (result, &audit_id, error))
    return NULL;

  return g_memdup2 (&audit_id, sizeof audit_id);
}

/**
 * tg_audit_export_async:
 *
 * Records an export in the audit log, in the name of @connection's session user.
 */
void
tg_audit_export_async (TgDbConnection      *connection,
                       const char          *report,
                       const char          *period,
                       const char          *format,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_audit_export_statement_new (report, period, format);

  g_return_if_fail (statement != NULL);

  tg_db_typed_query_async (connection, statement, parse_audit_id, NULL, NULL, g_free,
                           tg_audit_export_async, cancellable, callback, user_data);
}

/**
 * tg_audit_export_finish:
 * @audit_id: (out) (optional): the new row of the audit log
 *
 * Returns: %TRUE when the export was recorded
 */
gboolean
tg_audit_export_finish (TgDbConnection  *connection,
                        GAsyncResult    *result,
                        gint64          *audit_id,
                        GError         **error)
{
  g_autofree gint64 *value = tg_db_typed_query_finish (connection, result,
                                                       tg_audit_export_async, error);

  if (value == NULL)
    return FALSE;

  if (audit_id != NULL)
    *audit_id = *value;
  return TRUE;
}
