/* tg-catalog-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-provider.h"

G_BEGIN_DECLS

/* The typed queries of the configuration catalogue, shaped like tg-usage-queries.h: a
 * statement for a pipelined batch, the one parser of its result, and a blocking fetch
 * for tollgatectl and worker threads and an asynchronous one on a TgDbConnection, both
 * run by tg-db-typed-query.h.
 */

/* The provider catalogue: one TgProvider per row of tollgate.providers, by display name. */
TgDbStatement *tg_catalog_providers_statement_new  (void);
GPtrArray     *tg_catalog_providers_parse_result   (TgDbResult           *result,
                                                    GError              **error);
GPtrArray     *tg_catalog_fetch_providers          (PGconn               *conn,
                                                    GError              **error);
void           tg_catalog_providers_async          (TgDbConnection       *connection,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray     *tg_catalog_providers_finish         (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);
TgProvider    *tg_catalog_find_provider            (GPtrArray            *providers,
                                                    const char           *slug);

G_END_DECLS
