/* tg-migrator.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Schema migrations: numbered SQL files compiled in as a GResource
 * (RESOURCE_BASE "/sql/NNNN_name.sql"), applied in order, each in one
 * transaction, under an advisory lock, and recorded in tollgate.schema_migrations.
 */

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

#include "tg-db-util.h"
#include "tg-migrator.h"
#include "tg-sql-resources.h"

#define SQL_RESOURCE_DIR RESOURCE_BASE "/sql"

G_DEFINE_QUARK (tg-migrator-error-quark, tg_migrator_error)

static const char bootstrap_sql[] =
  "CREATE SCHEMA IF NOT EXISTS tollgate;\n"
  "CREATE TABLE IF NOT EXISTS tollgate.schema_migrations (\n"
  "  version    integer PRIMARY KEY,\n"
  "  name       text NOT NULL,\n"
  "  checksum   text NOT NULL,\n"
  "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
  "  applied_by name NOT NULL DEFAULT session_user\n"
  ");\n";

void
tg_migration_free (TgMigration *migration)
{
  if (migration == NULL)
    return;

  g_free (migration->name);
  g_free (migration->checksum);
  g_clear_pointer (&migration->applied_at, g_date_time_unref);
  g_free (migration);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const TgMigration *ma = *(const TgMigration * const *)a;
  const TgMigration *mb = *(const TgMigration * const *)b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* The SQL resource is registered on first use rather than by a constructor: a constructor
 * in an object nothing references would be dropped when linking the static library.
 */
static void
ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      tg_sql_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

static char *
resource_path (const TgMigration *migration)
{
  return g_strdup_printf (SQL_RESOURCE_DIR "/%04u_%s.sql", migration->version, migration->name);
}

static GBytes *
load_sql (const TgMigration  *migration,
          GError            **error)
{
  g_autofree char *path = resource_path (migration);

  ensure_resources ();
  return g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* The version of the last of @known (in order), 0 when there is none. */
static guint
last_version (GPtrArray *known)
{
  if (known->len == 0)
    return 0;

  return ((TgMigration *)g_ptr_array_index (known, known->len - 1))->version;
}

/**
 * tg_migrator_list_known:
 *
 * Returns: (transfer full) (element-type TgMigration): the migrations this program
 *   carries, in ascending order, none marked applied.
 */
GPtrArray *
tg_migrator_list_known (void)
{
  g_autoptr(GPtrArray) migrations = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_migration_free);
  g_auto(GStrv) children = NULL;

  ensure_resources ();
  children = g_resources_enumerate_children (SQL_RESOURCE_DIR, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (children == NULL)
    return g_steal_pointer (&migrations);

  for (guint i = 0; children[i] != NULL; i++)
    {
      const char *file = children[i];
      g_autoptr(TgMigration) migration = NULL;
      g_autoptr(GBytes) bytes = NULL;
      char *end = NULL;
      guint64 version;

      if (!g_str_has_suffix (file, ".sql"))
        continue;

      version = g_ascii_strtoull (file, &end, 10);
      if (end == file || *end != '_' || version == 0 || version > G_MAXINT)
        continue;

      migration = g_new0 (TgMigration, 1);
      migration->version = (guint)version;
      migration->name = g_strndup (end + 1, strlen (end + 1) - strlen (".sql"));

      bytes = load_sql (migration, NULL);
      if (bytes == NULL)
        continue;
      migration->checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

      g_ptr_array_add (migrations, g_steal_pointer (&migration));
    }

  g_ptr_array_sort (migrations, compare_migrations);

  return g_steal_pointer (&migrations);
}

guint
tg_migrator_get_latest_version (void)
{
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();

  return last_version (known);
}

static gboolean
schema_table_exists (PGconn    *conn,
                     gboolean  *exists,
                     GError   **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;

  name = tg_db_query_string (conn, "SELECT to_regclass('tollgate.schema_migrations')::text",
                             &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *exists = name != NULL;
  return TRUE;
}

/* Returns: (transfer full): the applied migrations by version (version → TgMigration),
 *   empty without a version table, or %NULL with @error set
 */
static GHashTable *
read_applied (PGconn  *conn,
              GError **error)
{
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(PGresult) result = NULL;
  gboolean exists = FALSE;

  if (!schema_table_exists (conn, &exists, error))
    return NULL;

  applied = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)tg_migration_free);
  if (!exists)
    return g_steal_pointer (&applied);

  result = tg_db_query (conn,
                        "SELECT version, name, checksum, "
                        "       extract(epoch FROM applied_at)::float8 "
                        "FROM tollgate.schema_migrations ORDER BY version",
                        0, NULL, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      TgMigration *migration = g_new0 (TgMigration, 1);

      migration->version = (guint)g_ascii_strtoull (PQgetvalue (result, row, 0), NULL, 10);
      migration->name = g_strdup (PQgetvalue (result, row, 1));
      migration->checksum = g_strdup (PQgetvalue (result, row, 2));
      migration->applied = TRUE;
      migration->applied_at = g_date_time_new_from_unix_utc (
          (gint64)g_ascii_strtod (PQgetvalue (result, row, 3), NULL));
      g_hash_table_insert (applied, GUINT_TO_POINTER (migration->version), migration);
    }

  return g_steal_pointer (&applied);
}

static guint
max_version (GHashTable *applied)
{
  GHashTableIter iter;
  gpointer key;
  guint max = 0;

  g_hash_table_iter_init (&iter, applied);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    max = MAX (max, GPOINTER_TO_UINT (key));

  return max;
}

static void
set_too_new_error (GError **error,
                   guint    schema_version,
                   guint    latest)
{
  g_set_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_SCHEMA_TOO_NEW,
               "The database schema is at version %u, newer than this Tollgate knows "
               "(version %u). Install a newer Tollgate, or connect to another database.",
               schema_version, latest);
}

/**
 * tg_migrator_get_schema_version:
 * @schema_version: (out): the highest applied migration, 0 for a database without Tollgate
 *
 * Blocking.
 */
gboolean
tg_migrator_get_schema_version (PGconn   *conn,
                                guint    *schema_version,
                                GError  **error)
{
  g_autoptr(GHashTable) applied = NULL;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (schema_version != NULL, FALSE);

  applied = read_applied (conn, error);
  if (applied == NULL)
    return FALSE;

  *schema_version = max_version (applied);
  return TRUE;
}

/**
 * tg_migrator_check_compatible:
 * @schema_version: (out) (optional): the highest applied migration, 0 for none
 *
 * Succeeds when the database has every migration this program knows applied, and none
 * it does not know. Otherwise explains what to do: migrate (never migrated, behind, or
 * missing one of the migrations before the newest: numbers may be merged out of order)
 * or upgrade (too new). Blocking.
 */
gboolean
tg_migrator_check_compatible (PGconn   *conn,
                              guint    *schema_version,
                              GError  **error)
{
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(GPtrArray) known = NULL;
  guint version;
  guint latest;

  g_return_val_if_fail (conn != NULL, FALSE);

  applied = read_applied (conn, error);
  if (applied == NULL)
    return FALSE;

  known = tg_migrator_list_known ();
  latest = last_version (known);
  version = max_version (applied);

  if (schema_version != NULL)
    *schema_version = version;

  if (version == 0)
    {
      g_set_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_NO_SCHEMA,
                   "This database has no Tollgate schema yet. Create it with "
                   "“tollgatectl migrate” (as a role that may create schemas and roles).");
      return FALSE;
    }

  if (version > latest)
    {
      set_too_new_error (error, version, latest);
      return FALSE;
    }

  if (version < latest)
    {
      g_set_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_BEHIND,
                   "The database schema is at version %u; this Tollgate needs version %u. "
                   "Run “tollgatectl migrate” to bring it up to date.",
                   version, latest);
      return FALSE;
    }

  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);

      if (!g_hash_table_contains (applied, GUINT_TO_POINTER (migration->version)))
        {
          g_set_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_BEHIND,
                       "The database schema lacks migration %04u_%s, which this Tollgate "
                       "needs. Run “tollgatectl migrate” to apply it.",
                       migration->version, migration->name);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * tg_migrator_get_status:
 * @migrations: (out) (transfer full) (element-type TgMigration): known migrations, with
 *   @applied, @applied_at and @changed filled in, followed by any applied migration this
 *   program does not know (a newer schema)
 *
 * Blocking. Takes no lock and changes nothing.
 */
gboolean
tg_migrator_get_status (PGconn     *conn,
                        GPtrArray **migrations,
                        guint      *schema_version,
                        GError    **error)
{
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(GPtrArray) known = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (migrations != NULL, FALSE);

  applied = read_applied (conn, error);
  if (applied == NULL)
    return FALSE;

  if (schema_version != NULL)
    *schema_version = max_version (applied);

  known = tg_migrator_list_known ();
  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);
      TgMigration *done = g_hash_table_lookup (applied, GUINT_TO_POINTER (migration->version));

      if (done != NULL)
        {
          migration->applied = TRUE;
          migration->applied_at = g_date_time_ref (done->applied_at);
          migration->changed = g_strcmp0 (done->checksum, migration->checksum) != 0;
          g_hash_table_remove (applied, GUINT_TO_POINTER (migration->version));
        }
    }

  /* What remains was applied by a newer Tollgate. */
  g_hash_table_iter_init (&iter, applied);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (known, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (known, compare_migrations);

  *migrations = g_steal_pointer (&known);
  return TRUE;
}

static gboolean
apply_one (PGconn             *conn,
           const TgMigration  *migration,
           GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *version = g_strdup_printf ("%u", migration->version);
  const char *params[3] = { version, migration->name, migration->checksum };

  bytes = load_sql (migration, error);
  if (bytes == NULL)
    return FALSE;

  sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (!tg_db_exec (conn, "BEGIN", error))
    return FALSE;

  /* A migration file may hold many statements: the simple query protocol runs them all,
   * inside our transaction.
   */
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_autofree char *context = g_strdup_printf ("Migration %04u_%s failed",
                                                  migration->version, migration->name);

      tg_db_set_error_from_result (error, conn, result, context);
      g_clear_pointer (&result, PQclear);
      PQclear (PQexec (conn, "ROLLBACK"));
      return FALSE;
    }
  g_clear_pointer (&result, PQclear);

  result = tg_db_query (conn,
                        "INSERT INTO tollgate.schema_migrations (version, name, checksum) "
                        "VALUES ($1::integer, $2, $3)",
                        3, params, error);
  if (result == NULL)
    {
      PQclear (PQexec (conn, "ROLLBACK"));
      return FALSE;
    }

  if (!tg_db_exec (conn, "COMMIT", error))
    {
      PQclear (PQexec (conn, "ROLLBACK"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_locked (PGconn              *conn,
                TgMigratorProgress   progress,
                gpointer             user_data,
                guint               *n_applied,
                GError             **error)
{
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(GPtrArray) known = NULL;
  guint schema_version;
  guint latest;

  if (!tg_db_exec (conn, bootstrap_sql, error))
    return FALSE;

  applied = read_applied (conn, error);
  if (applied == NULL)
    return FALSE;

  known = tg_migrator_list_known ();
  latest = last_version (known);
  schema_version = max_version (applied);

  if (schema_version > latest)
    {
      set_too_new_error (error, schema_version, latest);
      return FALSE;
    }

  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);
      TgMigration *done = g_hash_table_lookup (applied, GUINT_TO_POINTER (migration->version));

      if (done != NULL && g_strcmp0 (done->checksum, migration->checksum) != 0)
        {
          g_set_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_MODIFIED,
                       "Migration %04u_%s differs from the one applied to this database on "
                       "its version table; refusing to continue. Restore the original file "
                       "or migrate a fresh database.",
                       migration->version, migration->name);
          return FALSE;
        }
    }

  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);

      if (g_hash_table_contains (applied, GUINT_TO_POINTER (migration->version)))
        continue;

      if (!apply_one (conn, migration, error))
        return FALSE;

      migration->applied = TRUE;
      if (n_applied != NULL)
        (*n_applied)++;
      if (progress != NULL)
        progress (migration, user_data);
    }

  /* Keep month partitions of the usage table ready ahead of time and move any rows that
   * landed in the default partition into their own month.
   */
  if (latest > 0 && !tg_db_exec (conn, "SELECT tollgate.maintain_usage_partitions()", error))
    return FALSE;

  return TRUE;
}

/**
 * tg_migrator_migrate:
 * @n_applied: (out) (optional): how many migrations were applied
 *
 * Applies every pending migration, each in its own transaction, while holding a
 * session advisory lock so that concurrent runs serialise: the second finds nothing
 * to do. Refuses a database whose schema is newer than this program. Blocking.
 */
gboolean
tg_migrator_migrate (PGconn              *conn,
                     TgMigratorProgress   progress,
                     gpointer             user_data,
                     guint               *n_applied,
                     GError             **error)
{
  g_autofree char *lock_sql = NULL;
  g_autofree char *unlock_sql = NULL;
  gboolean ret;

  g_return_val_if_fail (conn != NULL, FALSE);

  if (n_applied != NULL)
    *n_applied = 0;

  /* Another migration holds the lock while it works: wait for it, however long the
   * session's lock_timeout (tollgatectl's sessions have one), so that concurrent runs
   * still serialise; the statement timeout bounds the wait. The session lock outlives
   * the little transaction that sets the local timeout.
   */
  lock_sql = g_strdup_printf ("BEGIN; "
                              "SELECT set_config ('lock_timeout', '0', true); "
                              "SELECT pg_advisory_lock(%" G_GINT64_FORMAT "); "
                              "COMMIT", TG_MIGRATOR_LOCK_KEY);
  unlock_sql = g_strdup_printf ("SELECT pg_advisory_unlock(%" G_GINT64_FORMAT ")", TG_MIGRATOR_LOCK_KEY);

  if (!tg_db_exec (conn, lock_sql, error))
    {
      PQclear (PQexec (conn, "ROLLBACK"));
      return FALSE;
    }

  ret = migrate_locked (conn, progress, user_data, n_applied, error);

  /* Report the first error only. */
  if (!tg_db_exec (conn, unlock_sql, ret ? error : NULL))
    ret = FALSE;

  return ret;
}
