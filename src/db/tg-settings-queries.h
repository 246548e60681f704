/* tg-settings-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* The settings shared by every Tollgate on a database (tollgate.settings): reading both
 * that every figure depends on, reading one, and changing one. Each is a typed query
 * (tg-db-typed-query.h): blocking for tollgatectl and worker threads, asynchronous on a
 * TgDbConnection for the UI.
 */

/* The billing time zone and the reporting currency. */
TgDbStatement   *tg_settings_statement_new        (void);
TgUsageSettings *tg_settings_parse_result         (TgDbResult           *result,
                                                   GError              **error);
TgUsageSettings *tg_settings_fetch                (PGconn               *conn,
                                                   GError              **error);
void             tg_settings_async                (TgDbConnection       *connection,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
TgUsageSettings *tg_settings_finish               (TgDbConnection       *connection,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* One setting's value, by key. */
char            *tg_settings_fetch_value          (PGconn               *conn,
                                                   const char           *key,
                                                   GError              **error);

/* The currencies costs can be reported in, sorted (tollgate.reporting_currencies()). */
TgDbStatement   *tg_settings_currencies_statement_new (void);
GStrv            tg_settings_currencies_parse_result  (TgDbResult           *result,
                                                       GError              **error);
GStrv            tg_settings_fetch_currencies         (PGconn               *conn,
                                                       GError              **error);

/* Changing one setting: one statement, atomic on its own (tollgate.change_setting()). */
TgDbStatement   *tg_settings_change_statement_new (const char           *key,
                                                   const char           *value);
gboolean         tg_settings_change               (PGconn               *conn,
                                                   const char           *key,
                                                   const char           *value,
                                                   GError              **error);
void             tg_settings_change_async         (TgDbConnection       *connection,
                                                   const char           *key,
                                                   const char           *value,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         tg_settings_change_finish        (TgDbConnection       *connection,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
