/* tg-simulate-queries.h
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

/* What `tollgatectl simulate --history` asks of the database besides the rows themselves:
 * whether the session may do everything the run will do (asked before it writes
 * anything), and which days a run has written already (tollgate.simulate_progress,
 * data/sql/0010_simulate_progress.sql), each day written in a transaction of its own
 * that also records it. Blocking: for tollgatectl's writer threads.
 */

/* A run is named by what its rows follow from; --jobs is not part of it. */
typedef struct
{
  guint64 seed;
  double  rows_per_day;
  gint64  first_day;      /* days since 1970-01-01 */
  guint   n_days;
} TgSimulateRun;

/* Part of one day: its rows created in [from, until), µs since the epoch. */
typedef struct
{
  gint64  day;            /* days since 1970-01-01 */
  gint64  from;
  gint64  until;
  guint64 rows;
  guint64 calls;
} TgSimulatePiece;

/* A right the session lacks, and who has it. */
typedef struct
{
  char     *privilege;    /* "INSERT", "EXECUTE", "USAGE" */
  char     *object;       /* "tollgate.api_usage_tracking", "schema tollgate" */
  gboolean  exists;       /* FALSE: the schema has no such object (it needs migrating) */
  char     *owner;        /* the object's owner, who has every right on it */
  char     *grantees;     /* (nullable): the other roles granted it, "tollgate_admin" */
} TgSimulateMissingRight;

void           tg_simulate_missing_right_free       (TgSimulateMissingRight  *right);

TgDbStatement *tg_simulate_rights_statement_new     (void);
GPtrArray     *tg_simulate_rights_parse_result      (TgDbResult              *result,
                                                     GError                 **error);
GPtrArray     *tg_simulate_fetch_missing_rights     (PGconn                  *conn,
                                                     GError                 **error);

TgDbStatement *tg_simulate_progress_statement_new   (const TgSimulateRun     *run);
GArray        *tg_simulate_progress_parse_result    (TgDbResult              *result,
                                                     GError                 **error);
GArray        *tg_simulate_fetch_progress           (PGconn                  *conn,
                                                     const TgSimulateRun     *run,
                                                     GError                 **error);

gboolean       tg_simulate_piece_begin              (PGconn                  *conn,
                                                     GError                 **error);
gboolean       tg_simulate_piece_commit             (PGconn                  *conn,
                                                     const TgSimulateRun     *run,
                                                     const TgSimulatePiece   *piece,
                                                     gboolean                *claimed,
                                                     gboolean                *in_doubt,
                                                     GError                 **error);
void           tg_simulate_piece_abort              (PGconn                  *conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgSimulateMissingRight, tg_simulate_missing_right_free)

G_END_DECLS
