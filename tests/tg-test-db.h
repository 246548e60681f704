/* tg-test-db.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "tg-test-programs.h"

G_BEGIN_DECLS

/* A fresh database on the test cluster (PGHOST & co. from tools/with-services),
 * dropped again by tg_test_db_free().
 */
typedef struct
{
  char   *name;
  char   *conninfo;   /* "dbname=…": the rest comes from libpq's environment */
  PGconn *conn;       /* superuser connection to it */
} TgTestDb;

TgTestDb *tg_test_db_new            (gboolean     migrate);
void      tg_test_db_free           (TgTestDb    *db);
char     *tg_test_db_conninfo_as    (TgTestDb    *db,
                                     const char  *role);
PGconn   *tg_test_db_connect_as     (TgTestDb    *db,
                                     const char  *role);
void      tg_test_db_exec           (TgTestDb    *db,
                                     const char  *sql);
char     *tg_test_db_scalar         (TgTestDb    *db,
                                     const char  *sql);
gint64    tg_test_db_scalar_int     (TgTestDb    *db,
                                     const char  *sql);
char     *tg_test_conn_scalar       (PGconn      *conn,
                                     const char  *sql);
char     *tg_test_unique_name       (const char  *prefix);
void      tg_test_cluster_command   (const char  *action);
void      tg_test_db_wait_until (TgTestDb    *db,
                                 const char  *sql);
void      tg_test_wait_for_lock_waits (TgTestDb   *db,
                                       const char *application_name,
                                       guint       n_sessions);
void      tg_test_insert_random_usage (TgTestDb           *db,
                                       guint32             seed,
                                       guint               n,
                                       const char * const *anchors,
                                       guint               n_anchors);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgTestDb, tg_test_db_free)

G_END_DECLS
