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
#include "tg-forecast.h"
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

/* The features and cost centres of the catalogue (tollgate.features, tollgate.cost_centres):
 * the scopes a budget or a forecast may name besides providers. */
typedef struct
{
  TgForecastScopeKind  kind;          /* %TG_FORECAST_SCOPE_FEATURE or _COST_CENTRE */
  char                *name;          /* the feature's name, the cost centre's code */
  char                *display_name;  /* "Address autocomplete", "Logistics" */
} TgCatalogScope;

void           tg_catalog_scope_free               (TgCatalogScope       *scope);

/* (element-type TgCatalogScope): the features by display name, then the cost centres. */
TgDbStatement *tg_catalog_scopes_statement_new     (void);
GPtrArray     *tg_catalog_scopes_parse_result      (TgDbResult           *result,
                                                    GError              **error);
GPtrArray     *tg_catalog_fetch_scopes             (PGconn               *conn,
                                                    GError              **error);
void           tg_catalog_scopes_async             (TgDbConnection       *connection,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray     *tg_catalog_scopes_finish            (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);
TgCatalogScope *tg_catalog_find_scope              (GPtrArray            *scopes,
                                                    TgForecastScopeKind   kind,
                                                    const char           *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCatalogScope, tg_catalog_scope_free)

G_END_DECLS
