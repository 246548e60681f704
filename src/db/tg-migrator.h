/* tg-migrator.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define TG_MIGRATOR_ERROR (tg_migrator_error_quark ())

typedef enum
{
  TG_MIGRATOR_ERROR_FAILED,
  TG_MIGRATOR_ERROR_SCHEMA_TOO_NEW,
  TG_MIGRATOR_ERROR_MODIFIED,
  TG_MIGRATOR_ERROR_BEHIND,
  TG_MIGRATOR_ERROR_NO_SCHEMA,
} TgMigratorError;

/* Key of the advisory lock held while migrating ("tollgate" in ASCII). */
#define TG_MIGRATOR_LOCK_KEY G_GINT64_CONSTANT (0x746f6c6c67617465)

typedef struct
{
  guint      version;
  char      *name;
  char      *checksum;
  gboolean   applied;
  GDateTime *applied_at;
  gboolean   changed;     /* applied from a file that differs from this program's */
} TgMigration;

typedef void (*TgMigratorProgress) (const TgMigration *migration,
                                    gpointer           user_data);

void       tg_migration_free                  (TgMigration         *migration);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgMigration, tg_migration_free)

GPtrArray *tg_migrator_list_known             (void);
guint      tg_migrator_get_latest_version     (void);
gboolean   tg_migrator_get_status             (PGconn              *conn,
                                               GPtrArray          **migrations,
                                               guint               *schema_version,
                                               GError             **error);
gboolean   tg_migrator_get_schema_version     (PGconn              *conn,
                                               guint               *schema_version,
                                               GError             **error);
gboolean   tg_migrator_check_compatible       (PGconn              *conn,
                                               guint               *schema_version,
                                               GError             **error);
gboolean   tg_migrator_migrate                (PGconn              *conn,
                                               TgMigratorProgress   progress,
                                               gpointer             user_data,
                                               guint               *n_applied,
                                               GError             **error);
GQuark     tg_migrator_error_quark            (void);

G_END_DECLS
