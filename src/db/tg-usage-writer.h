/* tg-usage-writer.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "tg-traffic-model.h"

G_BEGIN_DECLS

/* Writes model rows into tollgate.api_usage_tracking over a borrowed, blocking
 * connection: COPY for bulk history, small multi-row INSERTs for live traffic. Not for
 * the UI thread.
 */
typedef struct _TgUsageWriter TgUsageWriter;

TgUsageWriter *tg_usage_writer_new                (PGconn               *conn);
void           tg_usage_writer_free               (TgUsageWriter        *self);
gboolean       tg_usage_writer_copy_begin         (TgUsageWriter        *self,
                                                   GError              **error);
gboolean       tg_usage_writer_copy_row           (TgUsageWriter        *self,
                                                   const TgTrafficRow   *row,
                                                   GError              **error);
gboolean       tg_usage_writer_copy_end           (TgUsageWriter        *self,
                                                   GError              **error);
void           tg_usage_writer_copy_abort         (TgUsageWriter        *self);
gboolean       tg_usage_writer_is_copying         (TgUsageWriter        *self);
guint64        tg_usage_writer_get_copy_rows      (TgUsageWriter        *self);
gboolean       tg_usage_writer_insert             (TgUsageWriter        *self,
                                                   const TgTrafficRow   *rows,
                                                   guint                 n_rows,
                                                   GError              **error);
gboolean       tg_usage_writer_insert_in_transaction (TgUsageWriter     *self,
                                                   const TgTrafficRow   *rows,
                                                   guint                 n_rows,
                                                   guint64              *transaction_id,
                                                   GError              **error);

gsize          tg_usage_writer_format_copy_row    (const TgTrafficRow   *row,
                                                   char                 *buffer);
gboolean       tg_usage_writer_check_schema       (PGconn               *conn,
                                                   GError              **error);
gboolean       tg_usage_writer_ensure_partitions  (PGconn               *conn,
                                                   gint64                from,
                                                   gint64                to,
                                                   GError              **error);
gboolean       tg_usage_writer_write_population   (PGconn               *conn,
                                                   const TgTrafficUser  *users,
                                                   guint                 n_users,
                                                   GError              **error);

/* The most bytes one row takes in COPY text format. */
#define TG_USAGE_WRITER_MAX_ROW_SIZE 4096

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageWriter, tg_usage_writer_free)

G_END_DECLS
