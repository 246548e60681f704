/* tg-db-connection.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-db-result.h"
#include "tg-db-statement.h"

G_BEGIN_DECLS

typedef enum
{
  TG_DB_CONNECTION_STATUS_DISCONNECTED,
  TG_DB_CONNECTION_STATUS_CONNECTING,
  TG_DB_CONNECTION_STATUS_CONNECTED,
  TG_DB_CONNECTION_STATUS_RECONNECTING,
  TG_DB_CONNECTION_STATUS_FAILED,
} TgDbConnectionStatus;

#define TG_TYPE_DB_CONNECTION_STATUS (tg_db_connection_status_get_type ())
#define TG_TYPE_DB_CONNECTION        (tg_db_connection_get_type ())

GType tg_db_connection_status_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (TgDbConnection, tg_db_connection, TG, DB_CONNECTION, GObject)

TgDbConnection       *tg_db_connection_new                      (const char           *conninfo);
const char           *tg_db_connection_get_conninfo             (TgDbConnection       *self);
const char           *tg_db_connection_get_application_name     (TgDbConnection       *self);
void                  tg_db_connection_set_application_name     (TgDbConnection       *self,
                                                                 const char           *application_name);
TgDbConnectionStatus  tg_db_connection_get_status               (TgDbConnection       *self);
guint                 tg_db_connection_get_statement_timeout_ms (TgDbConnection       *self);
void                  tg_db_connection_set_statement_timeout_ms (TgDbConnection       *self,
                                                                 guint                 timeout_ms);
guint                 tg_db_connection_get_lock_timeout_ms      (TgDbConnection       *self);
void                  tg_db_connection_set_lock_timeout_ms      (TgDbConnection       *self,
                                                                 guint                 timeout_ms);
guint                 tg_db_connection_get_connect_timeout_ms   (TgDbConnection       *self);
void                  tg_db_connection_set_connect_timeout_ms   (TgDbConnection       *self,
                                                                 guint                 timeout_ms);
const char           *tg_db_connection_get_last_error           (TgDbConnection       *self);
int                   tg_db_connection_get_server_version       (TgDbConnection       *self);
void                  tg_db_connection_connect                  (TgDbConnection       *self);
void                  tg_db_connection_reconnect_now            (TgDbConnection       *self);
void                  tg_db_connection_close                    (TgDbConnection       *self);
void                  tg_db_connection_listen                   (TgDbConnection       *self,
                                                                 const char           *channel);
void                  tg_db_connection_unlisten                 (TgDbConnection       *self,
                                                                 const char           *channel);
void                  tg_db_connection_query_async              (TgDbConnection       *self,
                                                                 const char           *sql,
                                                                 const char * const   *params,
                                                                 int                   n_params,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
void                  tg_db_connection_query_full_async         (TgDbConnection       *self,
                                                                 const char           *sql,
                                                                 const char * const   *params,
                                                                 int                   n_params,
                                                                 TgDbQueryFlags        flags,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
TgDbResult           *tg_db_connection_query_finish             (TgDbConnection       *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
void                  tg_db_connection_query_batch_async        (TgDbConnection       *self,
                                                                 GPtrArray            *statements,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
GPtrArray            *tg_db_connection_query_batch_finish       (TgDbConnection       *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

G_END_DECLS
