/* tg-cluster-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Blocking questions about a cluster and a database as a whole, for the demo launcher
 * on its thread: whether a database exists (and making it), and which UTC days of usage
 * a Tollgate database holds.
 */

gboolean tg_cluster_ensure_database  (PGconn      *conn,
                                      const char  *dbname,
                                      gboolean    *created,
                                      GError     **error);
gboolean tg_cluster_newest_usage_day (PGconn      *conn,
                                      GDate       *day,
                                      GError     **error);

G_END_DECLS
