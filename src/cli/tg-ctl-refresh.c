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
#include "tg-format.h"
#include "tg-refresher-queries.h"
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
  TgRefreshResult refresh;

  if (!tg_refresher_refresh_all (conn, following ? 10 : 0, &refresh, error))
    return FALSE;

  *rows_added = refresh.rows_added;
  *last_id = refresh.last_id;
  return TRUE;
}

/* {"NAME": N} or {"NAME": N, "SECOND": M}: the summaries of --json. */
static void
print_counts_json (const char *name,
                   gint64      value,
                   const char *second_name,
                   gint64      second_value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  tg_ctl_json_add_int (builder, name, value);
  if (second_name != NULL)
    tg_ctl_json_add_int (builder, second_name, second_value);
  json_builder_end_object (builder);
  tg_ctl_print_json (builder);
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
    {
      g_autofree char *rows = tg_format_count (added);

      g_print ("added %s rows, watermark %" G_GINT64_FORMAT "\n", rows, last_id);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  Follow *follow = user_data;

  g_main_loop_quit (follow->loop);
  return G_SOURCE_CONTINUE;
}

/* A tick at least every day, and not so often that refreshing is all the server does. */
static const TgCtlNumberRange interval_range =
  { "--interval", 0.1, 86400, FALSE, FALSE, "seconds" };

int
tg_ctl_refresh (TgCtlGlobals  *globals,
                int            argc,
                char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *from = NULL;
  g_autofree char *interval_text = NULL;
  gboolean follow = FALSE;
  gboolean recompute = FALSE;
  double interval = 5.0;
  gint64 added = 0;
  gint64 last_id = 0;
  GDate date;
  GOptionEntry entries[] = {
    { "follow", 0, 0, G_OPTION_ARG_NONE, &follow, "Keep refreshing until stopped", NULL },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval_text,
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
  if (interval_text != NULL && !tg_ctl_parse_number (&interval_range, interval_text, &interval,
                                                     &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  /* A date is checked before anything connects, like every mistake in the call. */
  if (recompute && !tg_time_bucket_parse_date (from, &date, &error))
    return tg_ctl_usage_error (context, "--from: %s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (recompute)
    {
      g_autofree char *zone = NULL;
      g_autoptr(GTimeZone) tz = NULL;

      zone = tg_settings_fetch_value (conn, "billing-timezone", &error);
      if (zone == NULL || (tz = tg_time_zone_new_checked (zone, &error)) == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));

      if (!globals->json)
        g_printerr ("Rebuilding the rollups from %s (%s)…\n", from, zone);
      if (!tg_refresher_recompute (conn, tg_time_bucket_day_start (tz, &date), &added, &error))
        return tg_ctl_fail (g_steal_pointer (&error));
      if (globals->json)
        print_counts_json ("recomputed_rows", added, NULL, 0);
      else
        {
          g_autofree char *rows = tg_format_count (added);

          g_print ("Rebuilt from %s rows.\n", rows);
        }
      return TG_CTL_EXIT_OK;
    }

  if (!follow)
    {
      if (!refresh_once (conn, FALSE, &added, &last_id, &error))
        return tg_ctl_fail (g_steal_pointer (&error));
      if (globals->json)
        print_counts_json ("rows_added", added, "last_id", last_id);
      else
        {
          g_autofree char *rows = tg_format_count (added);

          /* The watermark is an id, not a count: plain digits, to look up as they are. */
          g_print ("Added %s rows; watermark at id %" G_GINT64_FORMAT ".\n", rows, last_id);
        }
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
        {
          g_autofree char *rows = tg_format_count (state.total);

          g_print ("Stopped after adding %s rows.\n", rows);
        }
      return TG_CTL_EXIT_OK;
    }
}
