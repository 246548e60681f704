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
} TgDbError;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

GQuark    tg_db_error_quark        (void);
PGconn   *tg_db_connect            (const char          *conninfo,
                                    const char          *application_name,
                                    GError             **error);
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
