/* tg-ctl-refresh.c — tollgatectl refresh [--follow [--interval S]] [--recompute --from DATE]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>

#include "tg-ctl-common.h"
#include "tg-db-util.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

typedef struct
{
  PGconn    *conn;
  GMainLoop *loop;
  GError    *error;
  gint64     total;
  gboolean   json;
} Follow;

/* One call brings every level up to date; a follower adds to the per-user level every
 * tenth second instead of every tick: that level costs per distinct user and provider of a
 * batch, so larger batches cost it less a row (see tollgate.refresh_rollups() and
 * docs/performance.md). */
static gboolean
refresh_once (PGconn    *conn,
              gboolean   following,
              gint64    *rows_added,
              gint64    *last_id,
              GError   **error)
{
  g_autoptr(PGresult) result = NULL;
  const char *sql = following
    ? "SELECT rows_added, last_id FROM tollgate.refresh_rollups(1000000, '10 seconds')"
    : "SELECT rows_added, last_id FROM tollgate.refresh_rollups()";

  /* Each call adds at most a million rows; loop until caught up. */
  *rows_added = 0;
  for (;;)
    {
      gint64 added;

      g_clear_pointer (&result, PQclear);
      result = tg_db_query (conn, sql, 0, NULL, error);
      if (result == NULL)
        return FALSE;

      added = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      *last_id = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
      *rows_added += added;
      if (added < 1000000)
        return TRUE;
    }
}

static gboolean
on_tick (gpointer user_data)
{
  Follow *follow = user_data;
  gint64 added = 0;
  gint64 last_id = 0;

  if (!refresh_once (follow->conn, TRUE, &added, &last_id, &follow->error))
    {
      g_main_loop_quit (follow->loop);
      return G_SOURCE_REMOVE;
    }

  follow->total += added;
  if (added > 0 && !follow->json)
    g_print ("added %" G_GINT64_FORMAT " rows, watermark %" G_GINT64_FORMAT "\n", added, last_id);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  Follow *follow = user_data;

  g_main_loop_quit (follow->loop);
  return G_SOURCE_CONTINUE;
}

int
tg_ctl_refresh (TgCtlGlobals  *globals,
                int            argc,
                char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *from = NULL;
  gboolean follow = FALSE;
  gboolean recompute = FALSE;
  double interval = 5.0;
  gint64 added = 0;
  gint64 last_id = 0;
  GOptionEntry entries[] = {
    { "follow", 0, 0, G_OPTION_ARG_NONE, &follow, "Keep refreshing until stopped", NULL },
    { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &interval,
      "Seconds between refreshes with --follow (default 5)", "S" },
    { "recompute", 0, 0, G_OPTION_ARG_NONE, &recompute,
      "Rebuild the rollups from --from on (after a price or rate changed)", NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "With --recompute: first local date to rebuild (billing time zone)", "DATE" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "Adds the usage rows that arrived since the last refresh to the rollups.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);
  if (recompute && from == NULL)
    return tg_ctl_usage_error (context, "--recompute needs --from DATE");
  if (!recompute && from != NULL)
    return tg_ctl_usage_error (context, "--from goes with --recompute");
  if (recompute && follow)
    return tg_ctl_usage_error (context, "--recompute and --follow do not go together");
  if (!(interval >= 0.1 && interval <= 86400))
    return tg_ctl_usage_error (context, "--interval must be between 0.1 and 86400 seconds");

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (recompute)
    {
      g_autofree char *zone = NULL;
      g_autoptr(GTimeZone) tz = NULL;
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(PGresult) result = NULL;
      g_autofree char *start_text = NULL;
      const char *params[1];
      GDate date;

      if (!tg_time_bucket_parse_date (from, &date, &error))
        return tg_ctl_usage_error (context, "%s", error->message);

      zone = tg_settings_fetch_value (conn, "billing-timezone", &error);
      if (zone == NULL || (tz = tg_time_zone_new_checked (zone, &error)) == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));

      start = g_date_time_new_from_unix_utc (tg_time_bucket_day_start (tz, &date));
      start_text = g_date_time_format (start, "%Y-%m-%d %H:%M:%S+00");
      params[0] = start_text;

      if (!globals->json)
        g_printerr ("Rebuilding the rollups from %s (%s)…\n", from, zone);
      result = tg_db_query (conn, "SELECT tollgate.recompute_rollups($1::timestamptz)",
                            1, params, &error);
      if (result == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));
      added = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      if (globals->json)
        g_print ("{\"recomputed_rows\": %" G_GINT64_FORMAT "}\n", added);
      else
        g_print ("Rebuilt from %" G_GINT64_FORMAT " rows.\n", added);
      return TG_CTL_EXIT_OK;
    }

  if (!follow)
    {
      if (!refresh_once (conn, FALSE, &added, &last_id, &error))
        return tg_ctl_fail (g_steal_pointer (&error));
      if (globals->json)
        g_print ("{\"rows_added\": %" G_GINT64_FORMAT ", \"last_id\": %" G_GINT64_FORMAT "}\n",
                 added, last_id);
      else
        g_print ("Added %" G_GINT64_FORMAT " rows; watermark at id %" G_GINT64_FORMAT ".\n",
                 added, last_id);
      return TG_CTL_EXIT_OK;
    }
  else
    {
      Follow state = { conn, g_main_loop_new (NULL, FALSE), NULL, 0, globals->json };
      guint tick;
      guint sigint;
      guint sigterm;

      on_tick (&state);
      tick = g_timeout_add ((guint)(interval * 1000), on_tick, &state);
      sigint = g_unix_signal_add (SIGINT, on_signal, &state);
      sigterm = g_unix_signal_add (SIGTERM, on_signal, &state);
      if (state.error == NULL)
        g_main_loop_run (state.loop);
      g_source_remove (tick);
      g_source_remove (sigint);
      g_source_remove (sigterm);
      g_main_loop_unref (state.loop);

      if (state.error != NULL)
        return tg_ctl_fail (state.error);
      if (!globals->json)
        g_print ("Stopped after adding %" G_GINT64_FORMAT " rows.\n", state.total);
      return TG_CTL_EXIT_OK;
    }
}
