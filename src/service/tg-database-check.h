/* tg-database-check.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TG_DATABASE_STATE_CONNECTING,
  TG_DATABASE_STATE_CONNECTED,
  TG_DATABASE_STATE_SCHEMA_BEHIND,
  TG_DATABASE_STATE_SCHEMA_TOO_NEW,
  TG_DATABASE_STATE_NO_SCHEMA,
  TG_DATABASE_STATE_CANNOT_CONNECT,
  TG_DATABASE_STATE_FAILED,
  TG_DATABASE_STATE_NOT_CONFIGURED,   /* a window with no database chosen yet */
} TgDatabaseState;

#define TG_TYPE_DATABASE_STATE (tg_database_state_get_type ())
GType tg_database_state_get_type (void);

/* Facts about one database, gathered on a worker thread for the UI. Never a PGconn or
 * a password: the description of the target comes from tg_db_describe_target().
 */
typedef struct
{
  TgDatabaseState  state;
  char            *target;            /* "sales on db.example.com:5432 (user ann)", or NULL */
  char            *server_version;    /* "15.4 (Debian 15.4-1)", or NULL */
  char            *host;              /* as PQhost() reports it (a directory for a socket) */
  char            *port;              /* as PQport() reports it */
  char            *dbname;            /* as PQdb() reports it */
  char            *user;              /* as PQuser() reports it */
  guint            schema_version;    /* 0 when unknown or empty */
  guint            required_version;  /* what this build of Tollgate knows */
  GError          *error;             /* NULL when state is CONNECTED */
} TgDatabaseCheck;

#define TG_TYPE_DATABASE_CHECK (tg_database_check_get_type ())

GType            tg_database_check_get_type   (void) G_GNUC_CONST;
TgDatabaseCheck *tg_database_check_copy       (const TgDatabaseCheck  *check);
void             tg_database_check_free       (TgDatabaseCheck        *check);
void             tg_database_check_run_async  (const char             *conninfo,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
TgDatabaseCheck *tg_database_check_run_finish (GAsyncResult           *result,
                                               GError                **error);
TgDatabaseCheck *tg_database_check_run        (const char             *conninfo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgDatabaseCheck, tg_database_check_free)

G_END_DECLS
