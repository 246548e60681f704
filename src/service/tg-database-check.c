/* tg-database-check.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Connects to a database and checks its schema version on a worker thread, and hands
 * the UI the facts. The blocking helpers of src/db run there; the connection is closed
 * before the thread ends, so no PGconn ever crosses into the UI thread. (A later issue
 * brings the non-blocking connection on the UI's main context; this check stays the
 * first look at a database.)
 */

#include "config.h"

#include "tg-conninfo.h"
#include "tg-database-check.h"
#include "tg-db-util.h"
#include "tg-migrator.h"

G_DEFINE_ENUM_TYPE (TgDatabaseState, tg_database_state,
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_SCHEMA_BEHIND, "schema-behind"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_SCHEMA_TOO_NEW, "schema-too-new"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_NO_SCHEMA, "no-schema"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_CANNOT_CONNECT, "cannot-connect"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (TG_DATABASE_STATE_NOT_CONFIGURED, "not-configured"))

G_DEFINE_BOXED_TYPE (TgDatabaseCheck, tg_database_check,
                     tg_database_check_copy, tg_database_check_free)

TgDatabaseCheck *
tg_database_check_copy (const TgDatabaseCheck *check)
{
  TgDatabaseCheck *copy;

  g_return_val_if_fail (check != NULL, NULL);

  copy = g_new0 (TgDatabaseCheck, 1);
  copy->state = check->state;
  copy->target = g_strdup (check->target);
  copy->server_version = g_strdup (check->server_version);
  copy->host = g_strdup (check->host);
  copy->port = g_strdup (check->port);
  copy->dbname = g_strdup (check->dbname);
  copy->user = g_strdup (check->user);
  copy->schema_version = check->schema_version;
  copy->required_version = check->required_version;
  copy->error = check->error != NULL ? g_error_copy (check->error) : NULL;

  return copy;
}

void
tg_database_check_free (TgDatabaseCheck *check)
{
  if (check == NULL)
    return;

  g_free (check->target);
  g_free (check->server_version);
  g_free (check->host);
  g_free (check->port);
  g_free (check->dbname);
  g_free (check->user);
  g_clear_error (&check->error);
  g_free (check);
}

static TgDatabaseState
state_for_error (const GError *error)
{
  if (g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT))
    return TG_DATABASE_STATE_CANNOT_CONNECT;
  if (g_error_matches (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_BEHIND))
    return TG_DATABASE_STATE_SCHEMA_BEHIND;
  if (g_error_matches (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_SCHEMA_TOO_NEW))
    return TG_DATABASE_STATE_SCHEMA_TOO_NEW;
  if (g_error_matches (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_NO_SCHEMA))
    return TG_DATABASE_STATE_NO_SCHEMA;

  return TG_DATABASE_STATE_FAILED;
}

/**
 * tg_database_check_run:
 * @conninfo: (nullable): a libpq connection string or URI; %NULL or "" uses libpq's
 *   environment (PGHOST, PGDATABASE, PGSERVICE …)
 *
 * Blocks on the network: call it on a worker thread only.
 *
 * Returns: (transfer full): the facts, never %NULL; the state is never CONNECTING
 */
TgDatabaseCheck *
tg_database_check_run (const char *conninfo)
{
  g_autoptr(TgDatabaseCheck) check = g_new0 (TgDatabaseCheck, 1);
  g_autofree char *effective = NULL;
  g_autoptr(PGconn) conn = NULL;
  GError *error = NULL;

  check->required_version = tg_migrator_get_latest_version ();

  /* Both report errors without the secrets of the connection string: libpq quotes a
   * malformed URI whole.
   */
  effective = tg_conninfo_with_connect_timeout (conninfo, &error);
  if (effective != NULL)
    conn = tg_db_connect (effective, "tollgate", &error);

  if (conn == NULL)
    {
      check->state = state_for_error (error);
      check->error = error;
      return g_steal_pointer (&check);
    }

  check->target = tg_db_describe_target (conn);
  /* What the keyring files the password under: the values libpq settled on. */
  tg_db_get_session (conn, &check->server_version, &check->host, &check->port,
                     &check->dbname, &check->user);

  if (tg_migrator_check_compatible (conn, &check->schema_version, &error))
    check->state = TG_DATABASE_STATE_CONNECTED;
  else
    {
      check->state = state_for_error (error);
      check->error = error;
    }

  return g_steal_pointer (&check);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *conninfo = task_data;

  g_task_return_pointer (task, tg_database_check_run (conninfo),
                         (GDestroyNotify)tg_database_check_free);
}

/**
 * tg_database_check_run_async:
 *
 * Runs tg_database_check_run() on a worker thread. Cancelling completes the call at
 * once with %G_IO_ERROR_CANCELLED; the thread finishes its connection attempt (bounded
 * by connect_timeout) in the background and its result is dropped.
 */
void
tg_database_check_run_async (const char          *conninfo,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_database_check_run_async);
  g_task_set_name (task, "[tollgate] database check");
  g_task_set_task_data (task, g_strdup (conninfo), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, run_in_thread);
}

/**
 * tg_database_check_run_finish:
 *
 * Returns: (transfer full) (nullable): the facts (whose own error explains a failed
 *   connection or schema check), or %NULL with @error set when cancelled
 */
TgDatabaseCheck *
tg_database_check_run_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_database_check_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
