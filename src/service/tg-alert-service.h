/* tg-alert-service.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-alert-queries.h"

G_BEGIN_DECLS

/* Alert evaluation as tollgatectl and the app's worker run it (docs/architecture.md,
 * "Alerts"). Blocking: for tollgatectl and worker threads, never the UI thread.
 */

int tg_alert_service_evaluate (PGconn     *conn,
                               GTimeZone  *tz,
                               gint64      now_usec,
                               GError    **error);

G_END_DECLS
