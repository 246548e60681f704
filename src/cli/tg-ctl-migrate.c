/* tg-ctl-migrate.c — tollgatectl migrate [--status]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "tg-ctl-common.h"
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

static int
print_status (PGconn   *conn,
              gboolean  json)
{
  g_autoptr(GPtrArray) migrations = NULL;
  g_autoptr(GError) error = NULL;
  guint latest = tg_migrator_get_latest_version ();
  guint version = 0;
  guint pending = 0;

  if (!tg_migrator_get_status (conn, &migrations, &version, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  for (guint i = 0; i < migrations->len; i++)
    if (!((TgMigration *)g_ptr_array_index (migrations, i))->applied)
      pending++;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "schema_version");
      json_builder_add_int_value (builder, version);
      json_builder_set_member_name (builder, "program_version");
      json_builder_add_int_value (builder, latest);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, pending);
      json_builder_set_member_name (builder, "migrations");
      json_builder_begin_array (builder);
      for (guint i = 0; i < migrations->len; i++)
        {
          TgMigration *migration = g_ptr_array_index (migrations, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "version");
          json_builder_add_int_value (builder, migration->version);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, migration->name);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder,
                                         !migration->applied ? "pending"
                                         : migration->version > latest ? "unknown"
                                         : "applied");
          if (migration->applied_at != NULL)
            {
              g_autofree char *at = g_date_time_format_iso8601 (migration->applied_at);

              json_builder_set_member_name (builder, "applied_at");
              json_builder_add_string_value (builder, at);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *target = tg_db_describe_target (conn);

      g_print ("Database: %s\n", target);
      g_print ("Schema version %u; this tollgatectl knows up to %u.\n\n", version, latest);
      for (guint i = 0; i < migrations->len; i++)
        {
          TgMigration *migration = g_ptr_array_index (migrations, i);
          g_autofree char *at = NULL;

          if (migration->applied_at != NULL)
            at = g_date_time_format (migration->applied_at, "%Y-%m-%d %H:%M:%S UTC");

          g_print ("  %04u_%-20s %-8s %s\n",
                   migration->version, migration->name,
                   !migration->applied ? "pending"
                   : migration->version > latest ? "unknown" : "applied",
                   at != NULL ? at : "");
        }
      if (version > latest)
        g_print ("\nThe database is newer than this tollgatectl: install a newer Tollgate.\n");
      else if (pending > 0)
        g_print ("\n%u pending: run “tollgatectl migrate” to apply.\n", pending);
      else
        g_print ("\nUp to date.\n");
    }

  return TG_CTL_EXIT_OK;
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
      "List applied and pending migrations; change nothing", NULL },
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

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (status)
    return print_status (conn, globals->json);

  if (!tg_migrator_migrate (conn, print_applied, GINT_TO_POINTER (globals->json), &n_applied, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  if (!tg_migrator_get_schema_version (conn, &version, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    g_print ("{\"applied\": %u, \"schema_version\": %u}\n", n_applied, version);
  else if (n_applied == 0)
    g_print ("Schema is up to date at version %u.\n", version);
  else
    g_print ("Schema migrated to version %u (%u applied).\n", version, n_applied);

  return TG_CTL_EXIT_OK;
}
