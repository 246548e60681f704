/* tg-refresher-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"

G_BEGIN_DECLS

/* The rollup refresher (tollgate.refresh_rollups() and recompute_rollups() in
 * data/sql/0006_rollups.sql), as the worker thread and `tollgatectl refresh` drive it.
 */

/* At most this many rows per call of the refresher; the next call follows at once while
 * more wait. */
#define TG_REFRESHER_MAX_ROWS 1000000

/* Whether this session is the one that refreshes, among many Tollgates on a database. */
typedef enum
{
  TG_REFRESHER_ELECTION_REFRESHER,  /* it holds the refresher lock */
  TG_REFRESHER_ELECTION_STANDBY,    /* another session holds it */
  TG_REFRESHER_ELECTION_DENIED,     /* the session user may not refresh */
} TgRefresherElection;

/* What one call of the refresher did. */
typedef struct
{
  gint64 rows_added;   /* usage rows added to the rollups */
  gint64 last_id;      /* the watermark after it: every row with a smaller id is in */
} TgRefreshResult;

TgDbStatement *tg_refresher_elect_statement_new    (void);
gboolean       tg_refresher_elect_parse_result     (TgDbResult           *result,
                                                    TgRefresherElection  *election,
                                                    GError              **error);
void           tg_refresher_elect_async            (TgDbConnection       *connection,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       tg_refresher_elect_finish           (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    TgRefresherElection  *election,
                                                    GError              **error);

TgDbStatement *tg_refresher_refresh_statement_new  (guint                 max_rows,
                                                    guint                 users_every_seconds);
gboolean       tg_refresher_refresh_parse_result   (TgDbResult           *result,
                                                    TgRefreshResult      *refresh,
                                                    GError              **error);
void           tg_refresher_refresh_async          (TgDbConnection       *connection,
                                                    guint                 max_rows,
                                                    guint                 users_every_seconds,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       tg_refresher_refresh_finish         (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    TgRefreshResult      *refresh,
                                                    GError              **error);
gboolean       tg_refresher_refresh_all            (PGconn               *conn,
                                                    guint                 users_every_seconds,
                                                    TgRefreshResult      *refresh,
                                                    GError              **error);

gboolean       tg_refresher_recompute              (PGconn               *conn,
                                                    gint64                from_utc,
                                                    gint64               *rows,
                                                    GError              **error);

G_END_DECLS
