/* tg-report-export.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-db-connection.h"
#include "tg-summary-report.h"

G_BEGIN_DECLS

void     tg_report_export_async  (TgDbConnection       *connection,
                                  TgSummaryReport      *report,
                                  GFile                *file,
                                  const char           *report_name,
                                  const char           *period,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
gboolean tg_report_export_finish (GAsyncResult         *result,
                                  GError              **error);

G_END_DECLS
