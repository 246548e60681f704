/* tg-db-result.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TG_TYPE_DB_RESULT (tg_db_result_get_type ())

/* Well-known type OIDs (pg_type.oid) for tg_db_result_get_column_type(). */
#define TG_DB_TYPE_BOOL       16
#define TG_DB_TYPE_INT8       20
#define TG_DB_TYPE_INT2       21
#define TG_DB_TYPE_INT4       23
#define TG_DB_TYPE_TEXT       25
#define TG_DB_TYPE_FLOAT4    700
#define TG_DB_TYPE_FLOAT8    701
#define TG_DB_TYPE_INT8_ARRAY 1016
#define TG_DB_TYPE_NUMERIC  1700

typedef struct _TgDbResult TgDbResult;

/* Declared here so that this header does not pull in libpq-fe.h. */
struct pg_result;

GType          tg_db_result_get_type          (void) G_GNUC_CONST;
TgDbResult    *_tg_db_result_new              (struct pg_result  *result);
TgDbResult    *tg_db_result_ref               (TgDbResult        *self);
void           tg_db_result_unref             (TgDbResult        *self);
int            tg_db_result_get_n_rows        (TgDbResult        *self);
int            tg_db_result_get_n_cols        (TgDbResult        *self);
guint64        tg_db_result_get_n_affected    (TgDbResult        *self);
const char    *tg_db_result_get_column_name   (TgDbResult        *self,
                                               int                col);
int            tg_db_result_get_column_index  (TgDbResult        *self,
                                               const char        *name);
guint32        tg_db_result_get_column_type   (TgDbResult        *self,
                                               int                col);
gboolean       tg_db_result_is_binary         (TgDbResult        *self,
                                               int                col);
gboolean       tg_db_result_is_null           (TgDbResult        *self,
                                               int                row,
                                               int                col);
const char    *tg_db_result_get_value         (TgDbResult        *self,
                                               int                row,
                                               int                col);
const guint8  *tg_db_result_get_binary        (TgDbResult        *self,
                                               int                row,
                                               int                col,
                                               gsize             *length);
const char    *tg_db_result_peek_text         (TgDbResult        *self,
                                               int                row,
                                               int                col,
                                               gsize             *length);
char          *tg_db_result_dup_text          (TgDbResult        *self,
                                               int                row,
                                               int                col);
gint64         tg_db_result_get_int64         (TgDbResult        *self,
                                               int                row,
                                               int                col);
double         tg_db_result_get_double        (TgDbResult        *self,
                                               int                row,
                                               int                col);
gboolean       tg_db_result_get_micros        (TgDbResult        *self,
                                               int                row,
                                               int                col,
                                               gint64            *micros,
                                               GError           **error);
gboolean       tg_db_result_get_boolean       (TgDbResult        *self,
                                               int                row,
                                               int                col);
gint64        *tg_db_result_dup_int64_array   (TgDbResult        *self,
                                               int                row,
                                               int                col,
                                               gsize             *n_values,
                                               GError           **error);
gboolean       tg_db_result_check_n_cols      (TgDbResult        *self,
                                               int                n_cols,
                                               const char        *what,
                                               GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgDbResult, tg_db_result_unref)

G_END_DECLS
