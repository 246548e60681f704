/* tg-alert-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The alerts' queries (docs/architecture.md, "Alerts"): reading tollgate.alerts, and the
 * functions of the alerts migration (data/sql/0018_alerts.sql) that change them —
 * alert_acknowledge(), alert_mute(), alert_unmute() and evaluate_alerts(). Each is a
 * statement and a parser, run blocking or asynchronously by tg-db-typed-query.h's runner.
 * The server checks ids and rights and says what is wrong in words ("There is no alert
 * 42"), so the messages reach people as the server wrote them.
 */

#include "config.h"

#include <string.h>

#include "tg-alert-queries.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"

G_DEFINE_BOXED_TYPE (TgAlert, tg_alert, tg_alert_ref, tg_alert_unref)

/* An instant as UTC microseconds; NULL for an infinite one or none. */
#define USEC(col) \
  "CASE WHEN isfinite(" col ") THEN (extract(epoch FROM " col ") * 1000000)::int8 END"

#define ALERT_COLUMNS \
  "a.alert_id, a.kind, a.scope, a.subject, " USEC ("a.period_start") ", " \
  USEC ("a.period_end") ", a.level::text, a.threshold, a.state, " USEC ("a.created_at") ", " \
  USEC ("a.updated_at") ", a.message, a.figures::text, a.acknowledged_by, " \
  USEC ("a.acknowledged_at") ", " USEC ("a.recovered_at") ", " USEC ("a.muted_until")

enum {
  COL_ID, COL_KIND, COL_SCOPE, COL_SUBJECT, COL_PERIOD_START, COL_PERIOD_END, COL_LEVEL,
  COL_THRESHOLD, COL_STATE, COL_CREATED_AT, COL_UPDATED_AT, COL_MESSAGE, COL_FIGURES,
  COL_ACKNOWLEDGED_BY, COL_ACKNOWLEDGED_AT, COL_RECOVERED_AT, COL_MUTED_UNTIL, N_COLS
};

static const char list_sql[] =
  "SELECT " ALERT_COLUMNS " "
  "FROM tollgate.alerts a "
  "WHERE a.state = ANY ($1::text[]) "
  "  AND ($2::text IS NULL OR a.kind = $2) "
  "  AND a.created_at >= timestamptz 'epoch' + $3::int8 * interval '1 microsecond' "
  "ORDER BY a.created_at DESC, a.alert_id DESC "
  "LIMIT $4::int4";

static const char get_sql[] =
  "SELECT " ALERT_COLUMNS " FROM tollgate.alerts a WHERE a.alert_id = $1::int8";

static const char acknowledge_sql[] = "SELECT tollgate.alert_acknowledge($1::int8)";

/* $2 NULL: until unmuted. */
static const char mute_sql[] =
  "SELECT tollgate.alert_mute($1::int8, "
  "                           timestamptz 'epoch' + $2::int8 * interval '1 microsecond')";

static const char unmute_sql[] = "SELECT tollgate.alert_unmute($1::int8)";

static const char evaluate_sql[] =
  "SELECT tollgate.evaluate_alerts(timestamptz 'epoch' + $1::int8 * interval '1 microsecond')";

static const char * const state_names[] = { "open", "acknowledged", "recovered", "muted" };

static const char * const kinds[] = {
  "budget", "forecast", "quota", "user_frequency", "new_ip", "new_user_agent",
  "provider_errors", "provider_timeouts", NULL
};

TgAlert *
tg_alert_new (void)
{
  TgAlert *alert = g_new0 (TgAlert, 1);

  g_atomic_ref_count_init (&alert->ref_count);
  alert->kind = g_strdup ("");
  alert->scope = g_strdup ("");
  alert->subject = g_strdup ("");
  alert->level = g_strdup ("0");
  alert->threshold = g_strdup ("");
  alert->message = g_strdup ("");
  alert->figures = g_strdup ("{}");

  return alert;
}

TgAlert *
tg_alert_ref (TgAlert *alert)
{
  g_return_val_if_fail (alert != NULL, NULL);

  g_atomic_ref_count_inc (&alert->ref_count);
  return alert;
}

void
tg_alert_unref (TgAlert *alert)
{
  g_return_if_fail (alert != NULL);

  if (g_atomic_ref_count_dec (&alert->ref_count))
    {
      g_free (alert->kind);
      g_free (alert->scope);
      g_free (alert->subject);
      g_free (alert->level);
      g_free (alert->threshold);
      g_free (alert->message);
      g_free (alert->figures);
      g_free (alert->acknowledged_by);
      g_free (alert);
    }
}

/**
 * tg_alert_state_to_string:
 *
 * Returns: the state as the database and `tollgatectl alerts` name it ("open" …)
 */
const char *
tg_alert_state_to_string (TgAlertState state)
{
  g_return_val_if_fail ((guint)state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

/**
 * tg_alert_state_parse:
 * @text: "open", "acknowledged", "recovered" or "muted"
 * @state: (out): the state
 *
 * Returns: %FALSE when @text names no state
 */
gboolean
tg_alert_state_parse (const char   *text,
                      TgAlertState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    {
      if (strcmp (text, state_names[i]) == 0)
        {
          *state = (TgAlertState)i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * tg_alert_kind_is_valid:
 *
 * Returns: whether @kind is one of the kinds of alert (tollgate.alerts' check)
 */
gboolean
tg_alert_kind_is_valid (const char *kind)
{
  return kind != NULL && g_strv_contains (kinds, kind);
}

static gint64
read_time (TgDbResult *result,
           int         row,
           int         col,
           gint64      if_null)
{
  if (tg_db_result_is_null (result, row, col))
    return if_null;

  return tg_db_result_get_int64 (result, row, col);
}

static TgAlert *
read_alert (TgDbResult  *result,
            int          row,
            GError     **error)
{
  g_autoptr(TgAlert) alert = tg_alert_new ();
  const char *state = tg_db_result_get_value (result, row, COL_STATE);

  if (!tg_alert_state_parse (state, &alert->state))
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server sent an alert state Tollgate does not know (“%s”)",
                   state != NULL ? state : "NULL");
      return NULL;
    }

  alert->id = tg_db_result_get_int64 (result, row, COL_ID);
#define TAKE_TEXT(field, col) \
  G_STMT_START { \
    if (!tg_db_result_is_null (result, row, col)) \
      { \
        g_free (alert->field); \
        alert->field = tg_db_result_dup_text (result, row, col); \
      } \
  } G_STMT_END
  TAKE_TEXT (kind, COL_KIND);
  TAKE_TEXT (scope, COL_SCOPE);
  TAKE_TEXT (subject, COL_SUBJECT);
  TAKE_TEXT (level, COL_LEVEL);
  TAKE_TEXT (threshold, COL_THRESHOLD);
  TAKE_TEXT (message, COL_MESSAGE);
  TAKE_TEXT (figures, COL_FIGURES);
#undef TAKE_TEXT
  alert->acknowledged_by = tg_db_result_dup_text (result, row, COL_ACKNOWLEDGED_BY);

  /* A period's start is finite or -infinity, its end finite or infinity (the table's
   * check: the end is after the start). */
  alert->period_start = read_time (result, row, COL_PERIOD_START, TG_ALERT_TIME_NEVER_BEGAN);
  alert->period_end = read_time (result, row, COL_PERIOD_END, TG_ALERT_TIME_NEVER);
  alert->created_at = read_time (result, row, COL_CREATED_AT, 0);
  alert->updated_at = read_time (result, row, COL_UPDATED_AT, 0);
  alert->acknowledged_at = read_time (result, row, COL_ACKNOWLEDGED_AT, 0);
  alert->recovered_at = read_time (result, row, COL_RECOVERED_AT, 0);
  if (alert->state == TG_ALERT_STATE_MUTED)
    alert->muted_until = read_time (result, row, COL_MUTED_UNTIL, TG_ALERT_TIME_NEVER);

  return g_steal_pointer (&alert);
}

/**
 * tg_alert_list_statement_new:
 * @states: which states; at least one
 * @kind: (nullable): only alerts of this kind
 * @since: only alerts created at or after this instant (UTC microseconds); 0: any
 * @limit: at most this many, 1 to %TG_ALERT_MAX_LIMIT
 *
 * Returns: (transfer full): the statement; read its result with
 *   tg_alert_list_parse_result()
 */
TgDbStatement *
tg_alert_list_statement_new (TgAlertStates  states,
                             const char    *kind,
                             gint64         since,
                             guint          limit)
{
  g_autoptr(GString) wanted = g_string_new ("{");
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[4];

  g_return_val_if_fail ((states & TG_ALERT_STATES_ALL) != 0, NULL);
  g_return_val_if_fail (limit >= 1 && limit <= TG_ALERT_MAX_LIMIT, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    {
      if ((states & (1 << i)) != 0)
        g_string_append_printf (wanted, "%s%s", wanted->len > 1 ? "," : "", state_names[i]);
    }
  g_string_append_c (wanted, '}');

  params[0] = wanted->str;
  params[1] = kind;
  params[2] = since_text;
  params[3] = limit_text;

  return tg_db_statement_new (list_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_alert_list_parse_result:
 *
 * Returns: (transfer full) (element-type TgAlert): the alerts in the result's order, or
 *   %NULL with @error set
 */
GPtrArray *
tg_alert_list_parse_result (TgDbResult  *result,
                            GError     **error)
{
  g_autoptr(GPtrArray) alerts = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);

  if (!tg_db_result_check_n_cols (result, N_COLS, "alerts", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  alerts = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_alert_unref);
  for (int i = 0; i < n_rows; i++)
    {
      TgAlert *alert = read_alert (result, i, error);

      if (alert == NULL)
        return NULL;
      g_ptr_array_add (alerts, alert);
    }

  return g_steal_pointer (&alerts);
}

static gpointer
parse_list_cb (TgDbResult  *result,
               gpointer     data,
               GError     **error)
{
  return tg_alert_list_parse_result (result, error);
}

/**
 * tg_alert_fetch_list:
 *
 * Blocks until the alerts are read (tg_alert_list_statement_new() says which).
 *
 * Returns: (transfer full) (element-type TgAlert): the alerts, newest first, or %NULL
 *   with @error set
 */
GPtrArray *
tg_alert_fetch_list (PGconn         *conn,
                     TgAlertStates   states,
                     const char     *kind,
                     gint64          since,
                     guint           limit,
                     GError        **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  statement = tg_alert_list_statement_new (states, kind, since, limit);
  g_return_val_if_fail (statement != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_list_cb, NULL, error);
}

/**
 * tg_alert_list_async:
 * @connection: a connection of the calling thread's main context
 *
 * Reads alerts without blocking (tg_alert_list_statement_new() says which).
 */
void
tg_alert_list_async (TgDbConnection      *connection,
                     TgAlertStates        states,
                     const char          *kind,
                     gint64               since,
                     guint                limit,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  statement = tg_alert_list_statement_new (states, kind, since, limit);
  g_return_if_fail (statement != NULL);

  tg_db_typed_query_async (connection, statement, parse_list_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_alert_list_async,
                           cancellable, callback, user_data);
}

/**
 * tg_alert_list_finish:
 *
 * Returns: (transfer full) (element-type TgAlert): the alerts, newest first; errors as
 *   tg_db_connection_query_finish() reports them
 */
GPtrArray *
tg_alert_list_finish (TgDbConnection  *connection,
                      GAsyncResult    *result,
                      GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_alert_list_async, error);
}

/**
 * tg_alert_get_statement_new:
 *
 * Returns: (transfer full): the statement reading alert @id; its parser is
 *   tg_alert_list_parse_result() (no row: there is no such alert)
 */
TgDbStatement *
tg_alert_get_statement_new (gint64 id)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };

  return tg_db_statement_new (get_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

static gpointer
parse_one_cb (TgDbResult  *result,
              gpointer     data,
              GError     **error)
{
  g_autoptr(GPtrArray) alerts = tg_alert_list_parse_result (result, error);
  gint64 id = *(gint64 *)data;

  if (alerts == NULL)
    return NULL;
  if (alerts->len == 0)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY, "There is no alert %" G_GINT64_FORMAT,
                   id);
      return NULL;
    }

  return tg_alert_ref (g_ptr_array_index (alerts, 0));
}

/**
 * tg_alert_fetch:
 *
 * Returns: (transfer full): alert @id, or %NULL with @error set (also when there is none)
 */
TgAlert *
tg_alert_fetch (PGconn  *conn,
                gint64   id,
                GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, NULL);

  statement = tg_alert_get_statement_new (id);

  return tg_db_typed_query_run (conn, statement, parse_one_cb, &id, error);
}

/**
 * tg_alert_get_async:
 *
 * Reads alert @id without blocking: for the UI, when a NOTIFY of tollgate_alerts names it.
 */
void
tg_alert_get_async (TgDbConnection      *connection,
                    gint64               id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  statement = tg_alert_get_statement_new (id);
  tg_db_typed_query_async (connection, statement, parse_one_cb, g_memdup2 (&id, sizeof id),
                           g_free, (GDestroyNotify)tg_alert_unref, tg_alert_get_async,
                           cancellable, callback, user_data);
}

/**
 * tg_alert_get_finish:
 *
 * Returns: (transfer full): the alert, or %NULL with @error set
 */
TgAlert *
tg_alert_get_finish (TgDbConnection  *connection,
                     GAsyncResult    *result,
                     GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_alert_get_async, error);
}

static TgDbStatement *
id_statement_new (const char *sql,
                  gint64      id)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *params[] = { id_text };

  return tg_db_statement_new (sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/* The blocking and asynchronous halves of a change that returns nothing. */
static gboolean
run_change (PGconn         *conn,
            TgDbStatement  *statement,
            GError        **error)
{
  return tg_db_typed_query_run (conn, statement, tg_db_typed_query_parse_no_value, NULL,
                                error) != NULL;
}

static void
run_change_async (TgDbConnection      *connection,
                  TgDbStatement       *statement,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  tg_db_typed_query_async (connection, statement, tg_db_typed_query_parse_no_value, NULL,
                           NULL, NULL, source_tag, cancellable, callback, user_data);
}

static gboolean
finish_change (TgDbConnection  *connection,
               GAsyncResult    *result,
               gpointer         source_tag,
               GError         **error)
{
  return tg_db_typed_query_finish (connection, result, source_tag, error) != NULL;
}

/**
 * tg_alert_acknowledge_statement_new:
 *
 * Returns: (transfer full): the statement acknowledging alert @id as the session's login
 */
TgDbStatement *
tg_alert_acknowledge_statement_new (gint64 id)
{
  return id_statement_new (acknowledge_sql, id);
}

/**
 * tg_alert_acknowledge:
 *
 * Acknowledges alert @id as the session's login. Fails with the server's words when there
 * is no such alert, it was already acknowledged (by whom, when), or the login may not
 * (%TG_DB_ERROR_PERMISSION_DENIED).
 */
gboolean
tg_alert_acknowledge (PGconn  *conn,
                      gint64   id,
                      GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_alert_acknowledge_statement_new (id);
  return run_change (conn, statement, error);
}

void
tg_alert_acknowledge_async (TgDbConnection      *connection,
                            gint64               id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  statement = tg_alert_acknowledge_statement_new (id);
  run_change_async (connection, statement, tg_alert_acknowledge_async, cancellable, callback,
                    user_data);
}

gboolean
tg_alert_acknowledge_finish (TgDbConnection  *connection,
                             GAsyncResult    *result,
                             GError         **error)
{
  return finish_change (connection, result, tg_alert_acknowledge_async, error);
}

/**
 * tg_alert_mute_statement_new:
 * @until: UTC microseconds, or %TG_ALERT_TIME_NEVER for until unmuted
 *
 * Returns: (transfer full): the statement muting alert @id's rule
 */
TgDbStatement *
tg_alert_mute_statement_new (gint64 id,
                             gint64 until)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *until_text = NULL;
  const char *params[2];

  if (until != TG_ALERT_TIME_NEVER)
    until_text = g_strdup_printf ("%" G_GINT64_FORMAT, until);
  params[0] = id_text;
  params[1] = until_text;

  return tg_db_statement_new (mute_sql, params, G_N_ELEMENTS (params), TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_alert_mute:
 *
 * Mutes alert @id's rule (see the header). Fails with the server's words when there is
 * no such alert, @until has passed, or the login may not.
 */
gboolean
tg_alert_mute (PGconn  *conn,
               gint64   id,
               gint64   until,
               GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_alert_mute_statement_new (id, until);
  return run_change (conn, statement, error);
}

void
tg_alert_mute_async (TgDbConnection      *connection,
                     gint64               id,
                     gint64               until,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  statement = tg_alert_mute_statement_new (id, until);
  run_change_async (connection, statement, tg_alert_mute_async, cancellable, callback,
                    user_data);
}

gboolean
tg_alert_mute_finish (TgDbConnection  *connection,
                      GAsyncResult    *result,
                      GError         **error)
{
  return finish_change (connection, result, tg_alert_mute_async, error);
}

/**
 * tg_alert_unmute_statement_new:
 *
 * Returns: (transfer full): the statement ending the mute of alert @id's rule
 */
TgDbStatement *
tg_alert_unmute_statement_new (gint64 id)
{
  return id_statement_new (unmute_sql, id);
}

/**
 * tg_alert_unmute:
 *
 * Ends the mute of alert @id's rule. Fails with the server's words when there is no such
 * alert, it is not muted, or the login may not.
 */
gboolean
tg_alert_unmute (PGconn  *conn,
                 gint64   id,
                 GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_alert_unmute_statement_new (id);
  return run_change (conn, statement, error);
}

void
tg_alert_unmute_async (TgDbConnection      *connection,
                       gint64               id,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = NULL;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));

  statement = tg_alert_unmute_statement_new (id);
  run_change_async (connection, statement, tg_alert_unmute_async, cancellable, callback,
                    user_data);
}

gboolean
tg_alert_unmute_finish (TgDbConnection  *connection,
                        GAsyncResult    *result,
                        GError         **error)
{
  return finish_change (connection, result, tg_alert_unmute_async, error);
}

/**
 * tg_alert_evaluate_statement_new:
 * @now: UTC microseconds: the moment to evaluate as of
 *
 * Returns: (transfer full): the statement running tollgate.evaluate_alerts(); its one
 *   value is the number of alerts raised or changed
 */
TgDbStatement *
tg_alert_evaluate_statement_new (gint64 now)
{
  return id_statement_new (evaluate_sql, now);
}

static gpointer
parse_evaluate_cb (TgDbResult  *result,
                   gpointer     data,
                   GError     **error)
{
  guint *changed = data;

  if (!tg_db_result_check_n_cols (result, 1, "alert evaluation", error))
    return NULL;
  if (tg_db_result_get_n_rows (result) != 1 || tg_db_result_is_null (result, 0, 0))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "The server did not say how many alerts it changed");
      return NULL;
    }
  *changed = (guint)MAX (tg_db_result_get_int64 (result, 0, 0), 0);

  return TG_DB_TYPED_QUERY_NO_VALUE;
}

/**
 * tg_alert_evaluate:
 * @now: UTC microseconds: the moment to evaluate as of
 * @changed: (out) (optional): how many alerts were raised or changed
 *
 * Runs tollgate.evaluate_alerts() as of @now. Blocking: for tollgatectl and worker
 * threads.
 */
gboolean
tg_alert_evaluate (PGconn  *conn,
                   gint64   now,
                   guint   *changed,
                   GError **error)
{
  g_autoptr(TgDbStatement) statement = NULL;
  guint n = 0;

  g_return_val_if_fail (conn != NULL, FALSE);

  statement = tg_alert_evaluate_statement_new (now);
  if (tg_db_typed_query_run (conn, statement, parse_evaluate_cb, &n, error) == NULL)
    return FALSE;

  if (changed != NULL)
    *changed = n;
  return TRUE;
}
