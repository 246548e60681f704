/* tg-db-statement.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* TgDbStatement: what is sent for one statement, whoever sends it — a batch or a single
 * query on a TgDbConnection, or a blocking PQexecParams (tg_db_typed_query_run()). The
 * accessors give libpq's arguments as they are, so that every path sends the same thing.
 */

#include "config.h"

#include "tg-db-statement.h"

#define MAX_PARAMS 65535   /* the protocol's limit */

G_DEFINE_FLAGS_TYPE (TgDbQueryFlags, tg_db_query_flags,
                     G_DEFINE_ENUM_VALUE (TG_DB_QUERY_FLAGS_NONE, "none"),
                     G_DEFINE_ENUM_VALUE (TG_DB_QUERY_FLAGS_BINARY, "binary"))

struct _TgDbStatement
{
  gatomicrefcount   ref_count;
  int               n_params;
  TgDbQueryFlags    flags;
  char             *sql;
  char            **params;     /* n_params entries; a NULL entry is SQL NULL */
};

G_DEFINE_BOXED_TYPE (TgDbStatement, tg_db_statement, tg_db_statement_ref, tg_db_statement_unref)

/**
 * tg_db_statement_new:
 * @sql: one SQL statement, with $1, $2 … for parameters
 * @params: (nullable) (array length=n_params): parameter values in text format; a %NULL
 *   element is SQL NULL
 * @flags: %TG_DB_QUERY_FLAGS_BINARY for results in binary format
 *
 * Returns: (transfer full): a statement for tg_db_connection_query_batch_async() or
 *   tg_db_typed_query_async() and tg_db_typed_query_run()
 */
TgDbStatement *
tg_db_statement_new (const char         *sql,
                     const char * const *params,
                     int                 n_params,
                     TgDbQueryFlags      flags)
{
  TgDbStatement *self;

  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (n_params >= 0 && n_params <= MAX_PARAMS, NULL);
  g_return_val_if_fail (n_params == 0 || params != NULL, NULL);

  self = g_new0 (TgDbStatement, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->sql = g_strdup (sql);
  self->n_params = n_params;
  self->flags = flags;
  self->params = g_new0 (char *, n_params + 1);
  for (int i = 0; i < n_params; i++)
    self->params[i] = g_strdup (params[i]);

  return self;
}

TgDbStatement *
tg_db_statement_ref (TgDbStatement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tg_db_statement_unref (TgDbStatement *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      for (int i = 0; i < self->n_params; i++)
        g_free (self->params[i]);
      g_free (self->params);
      g_free (self->sql);
      g_free (self);
    }
}

const char *
tg_db_statement_get_sql (TgDbStatement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->sql;
}

int
tg_db_statement_get_n_params (TgDbStatement *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_params;
}

/**
 * tg_db_statement_get_params:
 *
 * Returns: (transfer none) (array length=n_params): the parameters in text format, as
 *   PQsendQueryParams() and PQexecParams() take them; an element may be %NULL (SQL NULL),
 *   so this is not a %NULL-terminated vector
 */
const char * const *
tg_db_statement_get_params (TgDbStatement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *)self->params;
}

TgDbQueryFlags
tg_db_statement_get_flags (TgDbStatement *self)
{
  g_return_val_if_fail (self != NULL, TG_DB_QUERY_FLAGS_NONE);

  return self->flags;
}
