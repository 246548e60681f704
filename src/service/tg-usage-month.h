/* tg-usage-month.h
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

/* The totals of the billing month that holds an instant: the month's bounds in the
 * billing time zone, then one usage series of one bucket (tg_usage_series_async()).
 */

void        tg_usage_month_async    (TgDbConnection       *connection,
                                     GTimeZone            *billing_zone,
                                     GDateTime            *now,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
TgUsageRow *tg_usage_month_finish   (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
