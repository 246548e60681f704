/* tg-db-statement.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TG_DB_QUERY_FLAGS_NONE   = 0,
  TG_DB_QUERY_FLAGS_BINARY = 1 << 0,
} TgDbQueryFlags;

#define TG_TYPE_DB_QUERY_FLAGS (tg_db_query_flags_get_type ())
#define TG_TYPE_DB_STATEMENT   (tg_db_statement_get_type ())

GType tg_db_query_flags_get_type (void) G_GNUC_CONST;

/* One statement: SQL text, text parameters ($1, $2 …) and flags. Immutable once made, so
 * it may be shared between threads.
 */
typedef struct _TgDbStatement TgDbStatement;

GType               tg_db_statement_get_type     (void) G_GNUC_CONST;
TgDbStatement      *tg_db_statement_new          (const char          *sql,
                                                  const char * const  *params,
                                                  int                  n_params,
                                                  TgDbQueryFlags       flags);
TgDbStatement      *tg_db_statement_ref          (TgDbStatement       *self);
void                tg_db_statement_unref        (TgDbStatement       *self);
const char         *tg_db_statement_get_sql      (TgDbStatement       *self);
int                 tg_db_statement_get_n_params (TgDbStatement       *self);
const char * const *tg_db_statement_get_params   (TgDbStatement       *self);
TgDbQueryFlags      tg_db_statement_get_flags    (TgDbStatement       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgDbStatement, tg_db_statement_unref)

G_END_DECLS
