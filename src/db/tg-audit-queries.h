/* tg-audit-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tg-db-connection.h"

G_BEGIN_DECLS

/* Administrative actions in the append-only audit log (tollgate.log_action() in
 * data/sql/0005_audit.sql). The details are built by the server from typed parameters,
 * so no caller writes JSON by hand; every viewer can read them, so they never hold a
 * secret.
 */

TgDbStatement *tg_audit_export_statement_new (const char           *report,
                                              const char           *period,
                                              const char           *format);
gboolean       tg_audit_parse_result         (TgDbResult           *result,
                                              gint64               *audit_id,
                                              GError              **error);
void           tg_audit_export_async         (TgDbConnection       *connection,
                                              const char           *report,
                                              const char           *period,
                                              const char           *format,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       tg_audit_export_finish        (TgDbConnection       *connection,
                                              GAsyncResult         *result,
                                              gint64               *audit_id,
                                              GError              **error);

G_END_DECLS
