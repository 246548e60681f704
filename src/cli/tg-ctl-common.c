/* tg-ctl-common.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "tg-ctl-common.h"
#include "tg-db-util.h"

/**
 * tg_ctl_parse:
 *
 * Adds the options every subcommand shares (--db, --json) to @context and parses.
 *
 * Returns: -1 to go on, or the exit status to leave with (usage errors print why).
 */
int
tg_ctl_parse (GOptionContext   *context,
              TgCtlGlobals     *globals,
              int              *argc,
              char           ***argv)
{
  GOptionEntry shared[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &globals->db,
      "Database to use: a libpq conninfo string or URI (default: libpq's environment, "
      "PGHOST, PGDATABASE, PGSERVICE…)", "CONNINFO" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &globals->json,
      "Print machine-readable JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, shared, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  return -1;
}

int
tg_ctl_usage_error (GOptionContext *context,
                    const char     *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("tollgatectl: %s\n", message);
  if (context != NULL)
    g_printerr ("Try “%s --help”.\n", g_get_prgname ());

  return TG_CTL_EXIT_USAGE;
}

PGconn *
tg_ctl_connect (TgCtlGlobals  *globals,
                GError       **error)
{
  return tg_db_connect (globals->db, "tollgatectl", error);
}

/* Prints @error (which it frees) and returns the failure exit status. */
int
tg_ctl_fail (GError *error)
{
  g_printerr ("tollgatectl: %s\n", error != NULL ? error->message : "failed");
  g_clear_error (&error);
  return TG_CTL_EXIT_FAILURE;
}
