/* tg-ctl-migrate.c — tollgatectl migrate [--status]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-migrator.h"

static void
print_applied (const TgMigration *migration,
               gpointer           user_data)
{
  gboolean json = GPOINTER_TO_INT (user_data);

  if (!json)
    g_print ("applied %04u_%s\n", migration->version, migration->name);
}

/* "applied", "pending", "unknown" for a migration newer than this program, or "changed"
 * for one applied from a file that differs from this program's (its checksum).
 */
static const char *
migration_state (const TgMigration *migration,
                 guint              latest)
{
  if (!migration->applied)
    return "pending";
  if (migration->version > latest)
    return "unknown";
  return migration->changed ? "changed" : "applied";
}

static int
print_status (PGconn   *conn,
              gboolean  json)
{
  g_autoptr(GPtrArray) migrations = NULL;
  g_autoptr(GError) error = NULL;
  guint latest = tg_migrator_get_latest_version ();
  guint version = 0;
  guint pending = 0;
  guint changed = 0;
  const TgMigration *first_changed = NULL;

  if (!tg_migrator_get_status (conn, &migrations, &version, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  for (guint i = 0; i < migrations->len; i++)
    {
      const TgMigration *migration = g_ptr_array_index (migrations, i);

      if (!migration->applied)
        pending++;
      if (migration->changed)
        {
          changed++;
          if (first_changed == NULL)
            first_changed = migration;
        }
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_int (builder, "schema_version", version);
      tg_ctl_json_add_int (builder, "program_version", latest);
      tg_ctl_json_add_int (builder, "pending", pending);
      tg_ctl_json_add_int (builder, "changed", changed);
      json_builder_set_member_name (builder, "migrations");
      json_builder_begin_array (builder);
      for (guint i = 0; i < migrations->len; i++)
        {
          TgMigration *migration = g_ptr_array_index (migrations, i);

          json_builder_begin_object (builder);
          tg_ctl_json_add_int (builder, "version", migration->version);
          tg_ctl_json_add_string (builder, "name", migration->name);
          tg_ctl_json_add_string (builder, "state", migration_state (migration, latest));
          if (migration->applied_at != NULL)
            {
              g_autofree char *at = g_date_time_format_iso8601 (migration->applied_at);

              tg_ctl_json_add_string (builder, "applied_at", at);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autofree char *described = tg_db_describe_target (conn);
      g_autofree char *target = tg_ctl_text_escape (described);
      g_autoptr(TgCtlTable) table = tg_ctl_table_new (2);

      g_print ("Database: %s\n", target);
      g_print ("Schema version %u; this tollgatectl knows up to %u.\n\n", version, latest);

      tg_ctl_table_add_column (table, "migration", TG_CTL_ALIGN_LEFT);
      tg_ctl_table_add_column (table, "state", TG_CTL_ALIGN_LEFT);
      tg_ctl_table_add_column (table, "applied at", TG_CTL_ALIGN_LEFT);
      for (guint i = 0; i < migrations->len; i++)
        {
          TgMigration *migration = g_ptr_array_index (migrations, i);
          g_autofree char *name = g_strdup_printf ("%04u_%s", migration->version, migration->name);
          g_autofree char *at = NULL;

          if (migration->applied_at != NULL)
            at = g_date_time_format (migration->applied_at, "%Y-%m-%d %H:%M:%S UTC");

          tg_ctl_table_add_row (table, name, migration_state (migration, latest),
                                at != NULL ? at : "", NULL);
        }
      tg_ctl_table_print (table);

      if (changed > 0)
        g_print ("\nMigration %04u_%s%s differs from the one applied to this database (their "
                 "checksums differ): “tollgatectl migrate” refuses to go on. Restore the "
                 "original file, or migrate a fresh database.\n",
                 first_changed->version, first_changed->name,
                 changed > 1 ? " (and others marked “changed”)" : "");
      else if (version > latest)
        g_print ("\nThe database is newer than this tollgatectl: install a newer Tollgate.\n");
      else if (pending > 0)
        g_print ("\n%u pending: run “tollgatectl migrate” to apply.\n", pending);
      else
        g_print ("\nUp to date.\n");
    }

  /* A changed migration is a fault to mend, not a state to wait out as pending ones
   * are: scripts that check the status see it in the exit status too.
   */
  return changed > 0 ? TG_CTL_EXIT_FAILURE : TG_CTL_EXIT_OK;
}

int
tg_ctl_migrate (TgCtlGlobals  *globals,
                int            argc,
                char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  gboolean status = FALSE;
  guint n_applied = 0;
  guint version = 0;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_NONE, &status,
      "List applied and pending migrations; change nothing (exit status 1 when an applied "
      "migration was changed since)", NULL },
    { NULL }
  };
  int ret;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "Applies the pending schema migrations, each in one transaction, under an advisory lock.\n"
    "Running it again is a no-op. Needs a role that may create schemas and roles.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  conn = tg_ctl_connect_any_schema (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (status)
    return print_status (conn, globals->json);

  if (!tg_migrator_migrate (conn, print_applied, GINT_TO_POINTER (globals->json), &n_applied, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  if (!tg_migrator_get_schema_version (conn, &version, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_int (builder, "applied", n_applied);
      tg_ctl_json_add_int (builder, "schema_version", version);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else if (n_applied == 0)
    g_print ("Schema is up to date at version %u.\n", version);
  else
    g_print ("Schema migrated to version %u (%u applied).\n", version, n_applied);

  return TG_CTL_EXIT_OK;
}
