/* tg-ctl-refresh.c — tollgatectl refresh [--follow [--interval S]] [--recompute --from DATE]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-ctl-common.h"
#include "tg-ctl-session.h"
#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-refresher-queries.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

/* `--follow`: one refresh a tick, over a session that outlives server restarts. */
typedef struct
{
  gint64   total;
  gint64   last_id;
  gboolean json;
  gboolean busy;       /* the last refresh found the refresher busy */
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

/* One refresh. The refresher's lock held elsewhere (0009_refresher_lock.sql) is said once
 * and waited out like an outage: --follow is a periodic refresher, as the worker is.
 */
static TgCtlStep
follow_step (TgCtlSession  *session,
             PGconn        *conn,
             gpointer       user_data,
             GError       **error)
{
  Follow *follow = user_data;
  g_autoptr(GError) local_error = NULL;
  gint64 added = 0;
  gint64 last_id = 0;

  if (!refresh_once (conn, TRUE, &added, &last_id, &local_error))
    {
      if (!g_error_matches (local_error, TG_DB_ERROR, TG_DB_ERROR_BUSY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TG_CTL_STEP_FAILED;
        }

      if (!follow->busy)
        g_printerr ("tollgatectl: %s (trying again at every tick)\n", local_error->message);
      follow->busy = TRUE;
      return TG_CTL_STEP_AGAIN;
    }

  follow->busy = FALSE;
  follow->total += added;
  follow->last_id = last_id;
  if (added > 0 && !follow->json)
    {
      g_autofree char *rows = tg_format_count (added);

      g_print ("added %s rows, watermark %" G_GINT64_FORMAT "\n", rows, last_id);
    }

  return TG_CTL_STEP_AGAIN;
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
      g_autoptr(TgCtlSession) session = tg_ctl_session_new (globals, g_steal_pointer (&conn));
      Follow state = { 0, 0, globals->json, FALSE };

      if (!tg_ctl_session_run (session, (guint)(interval * 1000), follow_step, &state, &error))
        return tg_ctl_fail (g_steal_pointer (&error));

      if (globals->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          tg_ctl_json_add_int (builder, "rows_added", state.total);
          tg_ctl_json_add_int (builder, "last_id", state.last_id);
          tg_ctl_json_add_int (builder, "outages", tg_ctl_session_get_n_outages (session));
          json_builder_end_object (builder);
          tg_ctl_print_json (builder);
        }
      else
        {
          g_autofree char *rows = tg_format_count (state.total);

          g_print ("Stopped after adding %s rows.\n", rows);
        }
      return TG_CTL_EXIT_OK;
    }
}
