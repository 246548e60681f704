/* main.c — tollgatectl
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <locale.h>
#include <string.h>

#include "tg-ctl-common.h"

typedef struct
{
  const char       *name;
  TgCtlCommandFunc  func;
  const char       *summary;
} TgCtlCommand;

static const TgCtlCommand commands[] = {
  { "alerts",   tg_ctl_alerts,   "List, acknowledge, mute and evaluate alerts (budgets, anomalies)" },
  { "budget",   tg_ctl_budget,   "Monthly budgets per scope with thresholds: set, list (spent, forecast, state), delete" },
  { "forecast", tg_ctl_forecast, "Month-end forecast of a scope with an 80 % interval (--backtest: its errors)" },
  { "migrate",  tg_ctl_migrate,  "Create or upgrade the database schema (--status lists versions)" },
  { "quota",    tg_ctl_quota,    "Monthly quotas of a provider's calls or credits: set, list (used, runway, state), delete" },
  { "refresh",  tg_ctl_refresh,  "Add new usage rows to the rollups (--follow keeps going)" },
  { "settings", tg_ctl_settings, "Get or set a shared setting (billing-timezone, reporting-currency)" },
  { "simulate", tg_ctl_simulate, "Write realistic simulated API traffic (history or live)" },
  { "usage",    tg_ctl_usage,    "Usage figures: overview, series, latency (exact up to now); the calls behind them" },
};

static void
print_help (FILE *stream)
{
  fprintf (stream,
           "Usage: tollgatectl COMMAND [OPTIONS]\n"
           "\n"
           "Tollgate's companion tool: schema migrations, simulated traffic, and more.\n"
           "Every command takes --db CONNINFO (else libpq's environment) and --help.\n"
           "\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (stream, "\nExit status: 0 success, 1 failure (the message says why), 2 bad usage.\n");
}

int
main (int   argc,
      char *argv[])
{
  TgCtlGlobals globals = { 0 };
  const char *name;
  int status;

  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_help (stderr);
      return TG_CTL_EXIT_USAGE;
    }

  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_help (stdout);
      return TG_CTL_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      g_print ("tollgatectl %s\n", PACKAGE_VERSION);
      return TG_CTL_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (commands[i].name, name) == 0)
        {
          {
            g_autofree char *prgname = g_strdup_printf ("tollgatectl %s", commands[i].name);
            g_set_prgname (prgname);
          }
          status = commands[i].func (&globals, argc - 1, argv + 1);
          g_free (globals.db);
          return status;
        }
    }

  g_printerr ("tollgatectl: unknown command “%s”\n\n", name);
  print_help (stderr);
  return TG_CTL_EXIT_USAGE;
}
