/* tg-db-util.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define TG_DB_ERROR (tg_db_error_quark ())

typedef enum
{
  TG_DB_ERROR_CONNECT,
  TG_DB_ERROR_QUERY,
  TG_DB_ERROR_PERMISSION_DENIED,
  TG_DB_ERROR_COPY,
  TG_DB_ERROR_BUSY,             /* lock_not_available: a lock timeout, or the refresher is busy */
  TG_DB_ERROR_CONNECTION_LOST,  /* a blocking connection died under its statement */
} TgDbError;

/* Bounds on the waits of tollgatectl's and the worker's sessions (docs/architecture.md,
 * "Threads"): a lock held by someone else's open transaction is waited for this long at
 * most, and one statement runs at most this long — enough to rebuild every rollup of
 * about 30 million usage rows (a new reporting currency), the longest statement Tollgate
 * sends.
 */
#define TG_DB_LOCK_TIMEOUT_MS       10000
#define TG_DB_LONG_STATEMENT_MS     1800000

/* What became of a transaction, asked after its session was lost (pg_xact_status()). */
typedef enum
{
  TG_DB_TRANSACTION_COMMITTED,
  TG_DB_TRANSACTION_ABORTED,
  TG_DB_TRANSACTION_IN_PROGRESS,
} TgDbTransactionStatus;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

GQuark    tg_db_error_quark        (void);
PGconn   *tg_db_connect            (const char          *conninfo,
                                    const char          *application_name,
                                    GError             **error);
PGconn   *tg_db_connect_bounded    (const char          *conninfo,
                                    const char          *application_name,
                                    guint                lock_timeout_ms,
                                    guint                statement_timeout_ms,
                                    GError             **error);
gboolean  tg_db_get_transaction_status (PGconn          *conn,
                                    guint64              transaction_id,
                                    TgDbTransactionStatus *status,
                                    GError             **error);
char     *tg_db_describe_failure   (PGconn              *conn);
PGresult *tg_db_query              (PGconn              *conn,
                                    const char          *sql,
                                    int                  n_params,
                                    const char * const  *params,
                                    GError             **error);
gboolean  tg_db_exec               (PGconn              *conn,
                                    const char          *sql,
                                    GError             **error);
char     *tg_db_query_string       (PGconn              *conn,
                                    const char          *sql,
                                    GError             **error);
char     *tg_db_describe_target    (PGconn              *conn);
void      tg_db_get_session        (PGconn              *conn,
                                    char               **server_version,
                                    char               **host,
                                    char               **port,
                                    char               **dbname,
                                    char               **user);
void      tg_db_set_error_from_result (GError          **error,
                                    PGconn              *conn,
                                    const PGresult      *result,
                                    const char          *context);

G_END_DECLS
