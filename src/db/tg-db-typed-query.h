/* tg-db-typed-query.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"

G_BEGIN_DECLS

/**
 * TgDbParseFunc:
 * @result: the statement's result
 * @data: what the parser needs besides the result (the bounds of a series …)
 *
 * Reads a result into a value. Returns %NULL only with @error set; a parser with nothing
 * to return (an UPDATE, a function returning void) returns
 * %TG_DB_TYPED_QUERY_NO_VALUE, and its query's finish function returns a gboolean.
 */
typedef gpointer (*TgDbParseFunc) (TgDbResult  *result,
                                   gpointer     data,
                                   GError     **error);

/* Success with nothing to return: not a pointer to anything, so never freed. */
#define TG_DB_TYPED_QUERY_NO_VALUE (GINT_TO_POINTER (1))

gpointer tg_db_typed_query_parse_no_value (TgDbResult           *result,
                                           gpointer              data,
                                           GError              **error);
void     tg_db_typed_query_async          (TgDbConnection       *connection,
                                           TgDbStatement        *statement,
                                           TgDbParseFunc         parse,
                                           gpointer              data,
                                           GDestroyNotify        data_free,
                                           GDestroyNotify        value_free,
                                           gpointer              source_tag,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gpointer tg_db_typed_query_finish         (TgDbConnection       *connection,
                                           GAsyncResult         *result,
                                           gpointer              source_tag,
                                           GError              **error);
gpointer tg_db_typed_query_run            (PGconn               *conn,
                                           TgDbStatement        *statement,
                                           TgDbParseFunc         parse,
                                           gpointer              data,
                                           GError              **error);

G_END_DECLS
