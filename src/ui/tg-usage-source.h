/* tg-usage-source.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* Where the UI's usage figures come from: the one place that turns a request for a
 * series into a query on the window's TgDbConnection. It becomes a thin wrapper of
 * tg_usage_series_async() once src/db has it; callers do not change.
 */

void        _tg_usage_source_month_async    (TgDbConnection       *connection,
                                             GTimeZone            *billing_zone,
                                             GDateTime            *now,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
TgUsageRow *_tg_usage_source_month_finish   (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
