/* tg-ctl-alerts.c — tollgatectl alerts list|ack|mute|unmute|evaluate
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Alerts from scripts and cron (docs/architecture.md, "Alerts"): list them, acknowledge,
 * mute and unmute one, and evaluate every alert now (tg-alert-service.h), which any
 * number of workers and cron jobs may do at once. The server checks ids and rights and
 * says what is wrong; this file checks the command line. Scripts read the JSON of list,
 * whose members are fixed:
 *
 *   {"alerts": [{"id": 42, "kind": "budget", "scope": "overall", "threshold": "85",
 *                "state": "open", "created_at": "2026-11-14T10:00:00.000000+11:00",
 *                "message": "Overall spend …"}]}
 *
 * newest first, created_at in the billing time zone with its offset; ack, mute and unmute
 * print the alert so, and evaluate {"changed": 3}.
 */

#include "config.h"

#include <string.h>

#include "tg-alert-service.h"
#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-time-bucket.h"

/* tollgatectl alerts list prints at most this many unless --limit says otherwise. */
#define DEFAULT_LIMIT 1000

static const char kinds_text[] =
  "budget, forecast, quota, user_frequency, new_ip, new_user_agent, provider_errors, "
  "provider_timeouts";

/* The largest id tollgatectl takes: exact in a double (tg_ctl_parse_number()). */
static const TgCtlNumberRange id_range = { "ID", 1, 9007199254740992.0, FALSE, TRUE, NULL };

static void
add_alert_json (JsonBuilder   *builder,
                const TgAlert *alert,
                GTimeZone     *tz)
{
  g_autofree char *created_at = tg_time_bucket_format_usec (tz, alert->created_at);

  json_builder_begin_object (builder);
  tg_ctl_json_add_int (builder, "id", alert->id);
  tg_ctl_json_add_string (builder, "kind", alert->kind);
  tg_ctl_json_add_string (builder, "scope", alert->scope);
  tg_ctl_json_add_string (builder, "threshold", alert->threshold);
  tg_ctl_json_add_string (builder, "state", tg_alert_state_to_string (alert->state));
  tg_ctl_json_add_string (builder, "created_at", created_at);
  tg_ctl_json_add_string (builder, "message", alert->message);
  json_builder_end_object (builder);
}

/* "2026-11-14 10:00" in @tz: minutes are what people compare alerts by. */
static char *
format_minute (GTimeZone *tz,
               gint64     usec)
{
  g_autofree char *iso = tg_time_bucket_format_usec (tz, usec);

  return g_strdup_printf ("%.10s %.5s", iso, iso + 11);
}

/* A threshold as the table shows it: "85 %" for a percentage, an amount as it is. */
static char *
format_threshold (const TgAlert *alert)
{
  if (*alert->threshold != '\0' &&
      g_regex_match_simple ("^[0-9]+(\\.[0-9]+)?$", alert->threshold, G_REGEX_DOLLAR_ENDONLY, 0))
    return g_strdup_printf ("%s %%", alert->threshold);

  return g_strdup (alert->threshold);
}

/* What the state column says: when a mute ends, who acknowledged. */
static char *
format_state (const TgAlert *alert,
              GTimeZone     *tz)
{
  const char *state = tg_alert_state_to_string (alert->state);

  if (alert->state == TG_ALERT_STATE_MUTED && alert->muted_until != TG_ALERT_TIME_NEVER)
    {
      g_autofree char *until = format_minute (tz, alert->muted_until);

      return g_strdup_printf ("%s until %s", state, until);
    }
  if (alert->state == TG_ALERT_STATE_ACKNOWLEDGED && alert->acknowledged_by != NULL)
    return g_strdup_printf ("%s by %s", state, alert->acknowledged_by);

  return g_strdup (state);
}

static void
print_alerts (GPtrArray  *alerts,
              GTimeZone  *tz,
              const char *tz_name)
{
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);

  tg_ctl_table_add_column (table, "id", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "created", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "state", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "kind", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "scope", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "threshold", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "message", TG_CTL_ALIGN_LEFT);
  for (guint i = 0; i < alerts->len; i++)
    {
      const TgAlert *alert = g_ptr_array_index (alerts, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, alert->id);
      g_autofree char *created = format_minute (tz, alert->created_at);
      g_autofree char *state = format_state (alert, tz);
      g_autofree char *threshold = format_threshold (alert);

      tg_ctl_table_add_row (table, id, created, state, alert->kind, alert->scope, threshold,
                            alert->message, NULL);
    }
  tg_ctl_table_print (table);
  g_print ("\nTimes in %s.\n", tz_name);
}

static int
alerts_list (TgCtlGlobals  *globals,
             int            argc,
             char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_auto(TgCtlBilling) billing = { 0 };
  g_autofree char *state_text = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *since_text = NULL;
  g_autofree char *limit_text = NULL;
  TgAlertStates states = TG_ALERT_STATES_OPEN;
  gint64 since = 0;
  double limit = DEFAULT_LIMIT;
  const TgCtlNumberRange limit_range = { "--limit", 1, TG_ALERT_MAX_LIMIT, FALSE, TRUE, "alerts" };
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_text,
      "open (default), acknowledged, recovered, muted or all", "STATE" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      "Only alerts of this kind (budget, forecast, quota, user_frequency, new_ip, "
      "new_user_agent, provider_errors, provider_timeouts)", "KIND" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text,
      "Only alerts raised at or after this moment (ISO 8601; without an offset, local time "
      "of the billing time zone)", "DATETIME" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      "At most this many alerts, the newest (default 1000, at most 10000)", "N" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "The alerts in a state, newest first: each threshold passed once per period, the\n"
    "anomalies of usage, and what people did with them.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (state_text != NULL && g_strcmp0 (state_text, "all") == 0)
    states = TG_ALERT_STATES_ALL;
  else if (state_text != NULL)
    {
      TgAlertState state;

      if (!tg_alert_state_parse (state_text, &state))
        {
          g_autofree char *escaped = tg_ctl_text_escape (state_text);

          return tg_ctl_usage_error (context, "--state: no state “%s”; the states are open, "
                                     "acknowledged, recovered, muted and all", escaped);
        }
      states = 1 << state;
    }
  if (kind != NULL && !tg_alert_kind_is_valid (kind))
    {
      g_autofree char *escaped = tg_ctl_text_escape (kind);

      return tg_ctl_usage_error (context, "--kind: no kind “%s”; the kinds are %s", escaped,
                                 kinds_text);
    }
  if (limit_text != NULL && !tg_ctl_parse_number (&limit_range, limit_text, &limit, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&billing, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if (since_text != NULL &&
      !tg_ctl_parse_datetime ("--since", since_text, billing.tz, &since, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  alerts = tg_alert_fetch_list (conn, states, kind, since, (guint)limit, &error);
  if (alerts == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "alerts");
      json_builder_begin_array (builder);
      for (guint i = 0; i < alerts->len; i++)
        add_alert_json (builder, g_ptr_array_index (alerts, i), billing.tz);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else if (alerts->len == 0)
    {
      if (states == TG_ALERT_STATES_ALL)
        g_print ("No alerts.\n");
      else
        g_print ("No %s alerts.\n", state_text != NULL ? state_text : "open");
    }
  else
    {
      print_alerts (alerts, billing.tz, billing.tz_name);
      if (alerts->len == (guint)limit)
        g_print ("The newest %u; --limit shows more.\n", alerts->len);
    }

  return TG_CTL_EXIT_OK;
}

/* The one argument ID of ack, mute and unmute; -1 to go on, or the exit status. */
static int
parse_id (GOptionContext  *context,
          int              argc,
          char           **argv,
          gint64          *id)
{
  g_autoptr(GError) error = NULL;
  double value = 0;

  if (argc < 2)
    return tg_ctl_usage_error (context, "which alert? Give its ID (tollgatectl alerts list "
                               "shows them)");
  if (argc > 2)
    {
      g_autofree char *escaped = tg_ctl_text_escape (argv[2]);

      return tg_ctl_usage_error (context, "unexpected argument “%s”", escaped);
    }
  if (!tg_ctl_parse_number (&id_range, argv[1], &value, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  *id = (gint64)value;
  return -1;
}

/* A refusal of the server's, with who may do it. */
static int
fail_change (GError     *error,
             const char *what)
{
  if (g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED))
    g_prefix_error (&error, "%s takes membership of tollgate_finance, tollgate_ops or "
                    "tollgate_admin: ", what);
  return tg_ctl_fail (error);
}

/* After a change: the alert as it is now, as JSON (as in list) or a line of text. */
static int
print_changed (TgCtlGlobals *globals,
               PGconn       *conn,
               GTimeZone    *tz,
               gint64        id,
               const char   *done)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAlert) alert = tg_alert_fetch (conn, id, &error);

  if (alert == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      add_alert_json (builder, alert, tz);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autofree char *state = format_state (alert, tz);
      g_autofree char *escaped_state = tg_ctl_text_escape (state);
      g_autofree char *message = tg_ctl_text_escape (alert->message);

      g_print ("%s alert %" G_GINT64_FORMAT ", now %s: %s\n", done, alert->id, escaped_state,
               message);
    }

  return TG_CTL_EXIT_OK;
}

typedef enum
{
  CHANGE_ACK,
  CHANGE_MUTE,
  CHANGE_UNMUTE,
} Change;

static int
alerts_change (TgCtlGlobals  *globals,
               int            argc,
               char         **argv,
               Change         change)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("ID");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_auto(TgCtlBilling) billing = { 0 };
  g_autofree char *until_text = NULL;
  gint64 until = TG_ALERT_TIME_NEVER;
  gint64 id = 0;
  GOptionEntry mute_entries[] = {
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      "Mute until this moment (ISO 8601; without an offset, local time of the billing time "
      "zone); default: until unmuted", "DATETIME" },
    { NULL }
  };
  int ret;

  switch (change)
    {
    case CHANGE_ACK:
      g_option_context_set_summary (context,
        "Acknowledge an alert: records who (your login) and when. Takes tollgate_finance,\n"
        "tollgate_ops or tollgate_admin.");
      break;
    case CHANGE_MUTE:
      g_option_context_set_summary (context,
        "Mute an alert and its rule (kind, scope and subject): its open alerts, and those it\n"
        "raises meanwhile, are muted (recorded, not notified) until --until or until\n"
        "unmuted. Takes tollgate_finance, tollgate_ops or tollgate_admin.");
      g_option_context_add_main_entries (context, mute_entries, NULL);
      break;
    case CHANGE_UNMUTE:
      g_option_context_set_summary (context,
        "End the mute of an alert's rule: its muted alerts are open again. Takes\n"
        "tollgate_finance, tollgate_ops or tollgate_admin.");
      break;
    default:
      g_assert_not_reached ();
    }

  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if ((ret = parse_id (context, argc, argv, &id)) >= 0)
    return ret;

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&billing, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  switch (change)
    {
    case CHANGE_ACK:
      if (!tg_alert_acknowledge (conn, id, &error))
        return fail_change (g_steal_pointer (&error), "Acknowledging an alert");
      return print_changed (globals, conn, billing.tz, id, "Acknowledged");

    case CHANGE_MUTE:
      if (until_text != NULL)
        {
          if (!tg_ctl_parse_datetime ("--until", until_text, billing.tz, &until, &error))
            return tg_ctl_usage_error (context, "%s", error->message);
          if (until <= g_get_real_time ())
            {
              g_autofree char *escaped = tg_ctl_text_escape (until_text);

              return tg_ctl_usage_error (context, "--until: “%s” has passed; a mute ends in "
                                         "the future (leave --until out to mute until "
                                         "unmuted)", escaped);
            }
        }
      if (!tg_alert_mute (conn, id, until, &error))
        return fail_change (g_steal_pointer (&error), "Muting an alert");
      return print_changed (globals, conn, billing.tz, id, "Muted");

    case CHANGE_UNMUTE:
      if (!tg_alert_unmute (conn, id, &error))
        return fail_change (g_steal_pointer (&error), "Unmuting an alert");
      return print_changed (globals, conn, billing.tz, id, "Unmuted");

    default:
      g_assert_not_reached ();
    }
}

static int
alerts_evaluate (TgCtlGlobals  *globals,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_auto(TgCtlBilling) billing = { 0 };
  int changed;
  int ret;

  g_option_context_set_summary (context,
    "Evaluate every alert now: raise those whose threshold was passed, recover those that\n"
    "fell back. Safe to run at any time and from any number of places (cron, workers).");
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&billing, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  changed = tg_alert_service_evaluate (conn, billing.tz, g_get_real_time (), &error);
  if (changed < 0)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_int (builder, "changed", changed);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else if (changed == 0)
    g_print ("Alerts evaluated: nothing raised or changed.\n");
  else
    g_print ("Alerts evaluated: %d raised or changed.\n", changed);

  return TG_CTL_EXIT_OK;
}

int
tg_ctl_alerts (TgCtlGlobals  *globals,
               int            argc,
               char         **argv)
{
  const char *verb = argc > 1 ? argv[1] : NULL;

  if (g_strcmp0 (verb, "list") == 0)
    return alerts_list (globals, argc - 1, argv + 1);
  if (g_strcmp0 (verb, "ack") == 0)
    return alerts_change (globals, argc - 1, argv + 1, CHANGE_ACK);
  if (g_strcmp0 (verb, "mute") == 0)
    return alerts_change (globals, argc - 1, argv + 1, CHANGE_MUTE);
  if (g_strcmp0 (verb, "unmute") == 0)
    return alerts_change (globals, argc - 1, argv + 1, CHANGE_UNMUTE);
  if (g_strcmp0 (verb, "evaluate") == 0)
    return alerts_evaluate (globals, argc - 1, argv + 1);

  g_printerr ("Usage: tollgatectl alerts list|ack|mute|unmute|evaluate [OPTIONS]\n"
              "  list      the alerts in a state (--state open by default), newest first\n"
              "  ack       acknowledge alert ID: who and when are recorded\n"
              "  mute      mute alert ID and its rule, until --until or until unmuted\n"
              "  unmute    end the mute of alert ID's rule\n"
              "  evaluate  raise and recover alerts now (safe from cron and many workers)\n");
  return verb == NULL || g_strcmp0 (verb, "--help") != 0 ? TG_CTL_EXIT_USAGE : TG_CTL_EXIT_OK;
}
