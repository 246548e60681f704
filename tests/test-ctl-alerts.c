/* test-ctl-alerts.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgatectl alerts on a real database, with alerts raised through
 * tollgate.apply_alert_candidates(): the JSON of list is the contract exactly (its
 * keys, their types, created_at in ISO 8601 with the billing zone's offset, open by
 * default, the --state filter, newest first); ack by id records who; mute, unmute and
 * evaluate; an unknown id fails with a clear message (exit 1), bad usage exits 2, and a
 * viewer is refused by the database. Runs the real binary ($TOLLGATECTL).
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-test-ctl.h"
#include "tg-test-db.h"

/* Adelaide is UTC+10:30 in November: a half-hour offset shows in created_at. */
#define ZONE "Australia/Adelaide"

static TgTestDb *alerts_db;

/* Three open alerts an hour apart (budget, then quota, then new_ip), and one recovered
 * (a spike that ended). Their periods never end, so that evaluating now keeps them. */
static const char setup_sql[] =
  "UPDATE tollgate.settings SET value = '" ZONE "' WHERE key = 'billing-timezone'; "
  "SELECT tollgate.apply_alert_candidates(timestamptz '2026-11-10 08:00+00', ARRAY[ "
  "  ROW('provider_errors', 'provider:here', '', timestamptz '2026-11-10 08:00+00', "
  "      'infinity', 100, '', 'HERE fails', '{}')::tollgate.alert_candidate]); "
  "SELECT tollgate.apply_alert_candidates(timestamptz '2026-11-10 08:30+00', "
  "  '{}'::tollgate.alert_candidate[]); "
  "SELECT tollgate.apply_alert_candidates(timestamptz '2026-11-10 09:00+00', ARRAY[ "
  "  ROW('budget', 'overall', 'budget:1', timestamptz '2026-11-01 00:00+10:30', 'infinity', "
  "      85, '85', 'Overall spend 8,712.40 AUD is 87.1 % of the 10,000.00 AUD November "
  "budget (85 % threshold passed).', '{\"currency\": \"AUD\"}')::tollgate.alert_candidate]); "
  "SELECT tollgate.apply_alert_candidates(timestamptz '2026-11-10 10:00+00', ARRAY[ "
  "  ROW('quota', 'provider:openai', 'quota:2', timestamptz '2026-11-01 00:00+10:30', "
  "      'infinity', 60, '1200.00 AUD', 'OpenAI spend passed 1,200.00 AUD.', "
  "      '{}')::tollgate.alert_candidate]); "
  "SELECT tollgate.apply_alert_candidates(timestamptz '2026-11-10 11:00+00', ARRAY[ "
  "  ROW('new_ip', 'user:7', '203.0.113.9', '-infinity', 'infinity', 100, '', "
  "      'User 7 called from 203.0.113.9 for the first time.', "
  "      '{}')::tollgate.alert_candidate])";

static TgTestDb *
get_db (void)
{
  if (alerts_db != NULL)
    return alerts_db;

  alerts_db = tg_test_db_new (TRUE);
  if (alerts_db != NULL)
    tg_test_db_exec (alerts_db, setup_sql);

  return alerts_db;
}

/* Runs tollgatectl with @args (NULL-terminated) and @conninfo; returns its exit status. */
static int
run_ctl_as (const char         *conninfo,
            const char * const *args,
            char              **out,
            char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", conninfo));
  g_ptr_array_add (argv, NULL);

  return tg_test_ctl_finish (tg_test_ctl_startv ((const char * const *)argv->pdata), out, err);
}

static int
run_ctl (TgTestDb           *db,
         const char * const *args,
         char              **out,
         char              **err)
{
  return run_ctl_as (db->conninfo, args, out, err);
}

static JsonNode *
run_json (TgTestDb           *db,
          const char * const *args)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = run_ctl (db, args, &out, &err);

  if (status != 0)
    g_error ("tollgatectl alerts %s failed (%d): %s", args[1], status, err);

  return json_from_string (out, &error);
}

static gint64
alert_id (TgTestDb   *db,
          const char *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT alert_id FROM tollgate.alerts WHERE kind = '%s'",
                                          kind);

  return tg_test_db_scalar_int (db, sql);
}

/* The alerts of a listing, checking the contract on the way: {"alerts": [...]} and
 * nothing else, each alert with exactly the keys and types. */
static JsonArray *
alerts_of (JsonNode *root)
{
  static const char * const keys[] = {
    "id", "kind", "scope", "threshold", "state", "created_at", "message",
  };
  JsonObject *object;
  JsonArray *alerts;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  g_assert_true (json_object_has_member (object, "alerts"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "alerts")));
  alerts = json_object_get_array_member (object, "alerts");

  for (guint i = 0; i < json_array_get_length (alerts); i++)
    {
      JsonNode *node = json_array_get_element (alerts, i);
      JsonObject *alert;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      alert = json_node_get_object (node);
      g_assert_cmpuint (json_object_get_size (alert), ==, G_N_ELEMENTS (keys));
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          JsonNode *member = json_object_get_member (alert, keys[k]);

          g_assert_nonnull (member);
          g_assert_true (JSON_NODE_HOLDS_VALUE (member));
          g_assert_cmpint (json_node_get_value_type (member), ==,
                           k == 0 ? G_TYPE_INT64 : G_TYPE_STRING);
        }
      g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                           "(\\.[0-9]+)?[+-][0-9]{2}:[0-9]{2}$",
                                           json_object_get_string_member (alert, "created_at"),
                                           G_REGEX_DOLLAR_ENDONLY, 0));
      g_assert_true (g_strv_contains ((const char * const []) { "open", "acknowledged",
                                                                 "recovered", "muted", NULL },
                                      json_object_get_string_member (alert, "state")));
    }

  return alerts;
}

static const char *
member (JsonArray  *alerts,
        guint       index,
        const char *name)
{
  return json_object_get_string_member (json_array_get_object_element (alerts, index), name);
}

static void
test_list_json (void)
{
  TgTestDb *db = get_db ();
  g_autoptr(JsonNode) open = NULL;
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonNode) recovered = NULL;
  JsonArray *alerts;

  if (db == NULL)
    return;

  /* Open by default, newest first. */
  open = run_json (db, (const char *[]) { "alerts", "list", "--json", NULL });
  alerts = alerts_of (open);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 3);
  g_assert_cmpstr (member (alerts, 0, "kind"), ==, "new_ip");
  g_assert_cmpstr (member (alerts, 1, "kind"), ==, "quota");
  g_assert_cmpstr (member (alerts, 2, "kind"), ==, "budget");

  /* The budget's alert as the issue spells it. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (alerts, 2), "id"),
                   ==, alert_id (db, "budget"));
  g_assert_cmpstr (member (alerts, 2, "scope"), ==, "overall");
  g_assert_cmpstr (member (alerts, 2, "threshold"), ==, "85");
  g_assert_cmpstr (member (alerts, 2, "state"), ==, "open");
  g_assert_cmpstr (member (alerts, 2, "created_at"), ==, "2026-11-10T19:30:00.000000+10:30");
  g_assert_cmpstr (member (alerts, 2, "message"), ==,
                   "Overall spend 8,712.40 AUD is 87.1 % of the 10,000.00 AUD November budget "
                   "(85 % threshold passed).");
  g_assert_cmpstr (member (alerts, 1, "threshold"), ==, "1200.00 AUD");
  g_assert_cmpstr (member (alerts, 1, "scope"), ==, "provider:openai");
  g_assert_cmpstr (member (alerts, 0, "threshold"), ==, "");
  g_assert_cmpstr (member (alerts, 0, "scope"), ==, "user:7");

  /* --state filters; all holds the recovered spike too. */
  all = run_json (db, (const char *[]) { "alerts", "list", "--state", "all", "--json", NULL });
  alerts = alerts_of (all);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 4);
  g_assert_cmpstr (member (alerts, 3, "kind"), ==, "provider_errors");
  g_assert_cmpstr (member (alerts, 3, "state"), ==, "recovered");
  recovered = run_json (db, (const char *[]) { "alerts", "list", "--state", "recovered",
                                               "--json", NULL });
  alerts = alerts_of (recovered);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (member (alerts, 0, "scope"), ==, "provider:here");
}

static void
test_ack (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *who = NULL;
  g_autoptr(JsonNode) acknowledged = NULL;
  g_autoptr(JsonNode) open = NULL;
  JsonArray *alerts;

  if (db == NULL)
    return;

  id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id (db, "quota"));
  g_assert_cmpint (run_ctl (db, (const char *[]) { "alerts", "ack", id, NULL }, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Acknowledged alert "));

  /* Who: the login tollgatectl connected as. */
  who = tg_test_db_scalar (db, "SELECT acknowledged_by = session_user AND acknowledged_at IS NOT NULL "
                               "FROM tollgate.alerts WHERE kind = 'quota'");
  g_assert_cmpstr (who, ==, "t");

  acknowledged = run_json (db, (const char *[]) { "alerts", "list", "--state", "acknowledged",
                                                  "--json", NULL });
  alerts = alerts_of (acknowledged);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (member (alerts, 0, "state"), ==, "acknowledged");
  g_assert_cmpstr (member (alerts, 0, "kind"), ==, "quota");
  open = run_json (db, (const char *[]) { "alerts", "list", "--json", NULL });
  g_assert_cmpuint (json_array_get_length (alerts_of (open)), ==, 2);

  /* Twice: a failure that says who did it first. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (db, (const char *[]) { "alerts", "ack", id, NULL }, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already acknowledged by"));
}

static void
test_unknown_id (void)
{
  TgTestDb *db = get_db ();
  const char *verbs[] = { "ack", "mute", "unmute" };

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_ctl (db, (const char *[]) { "alerts", verbs[i], "987654", NULL },
                                &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "tollgatectl: There is no alert 987654."));
      g_assert_nonnull (strstr (err, "tollgatectl alerts list --state all"));
    }
}

static void
test_mute_evaluate (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) muted = NULL;
  g_autoptr(JsonNode) unmuted = NULL;
  g_autoptr(JsonNode) evaluated = NULL;
  g_autoptr(JsonNode) until = NULL;
  g_autofree char *until_sql = NULL;
  JsonObject *object;

  if (db == NULL)
    return;

  id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id (db, "new_ip"));
  muted = run_json (db, (const char *[]) { "alerts", "mute", id, "--json", NULL });
  object = json_node_get_object (muted);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "muted");
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, alert_id (db, "new_ip"));

  /* Evaluating changes nothing here: no source proposes anything new. */
  evaluated = run_json (db, (const char *[]) { "alerts", "evaluate", "--json", NULL });
  object = json_node_get_object (evaluated);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "changed"), ==, 0);

  unmuted = run_json (db, (const char *[]) { "alerts", "unmute", id, "--json", NULL });
  object = json_node_get_object (unmuted);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "open");

  /* --until in local time of the billing zone. */
  until = run_json (db, (const char *[]) { "alerts", "mute", id, "--until", "2199-06-01T09:30",
                                           "--json", NULL });
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (until), "state"), ==,
                   "muted");
  until_sql = g_strdup_printf ("SELECT muted_until = timestamptz '2199-06-01 09:30+09:30' "
                               "FROM tollgate.alerts WHERE alert_id = %s", id);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alert_mutes"), ==, 1);
  {
    g_autofree char *same = tg_test_db_scalar (db, until_sql);

    g_assert_cmpstr (same, ==, "t");
  }
  json_node_unref (run_json (db, (const char *[]) { "alerts", "unmute", id, "--json", NULL }));
}

/* A budget's month, end to end: the budgets' source and the state machine as
 * `tollgatectl alerts evaluate` runs them (forecasts stored first). The budget is set
 * around the month's actual spend, read back from `budget list`, so that the spend stands
 * at 75 %, then 97 %, then 50 % of it. */
static char *
scaled_budget (TgTestDb   *db,
               const char *actual,
               const char *factor)
{
  g_autofree char *sql = g_strdup_printf ("SELECT round(%s::numeric / %s, 2)::text", actual, factor);

  return tg_test_db_scalar (db, sql);
}

static void
set_budget (TgTestDb   *db,
            const char *amount)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = run_ctl (db, (const char *[]) { "budget", "set", "--scope", "overall",
                                              "--amount", amount, "--currency", "AUD", NULL },
                        &out, &err);

  if (status != 0)
    g_error ("tollgatectl budget set --amount %s failed (%d): %s", amount, status, err);
}

static gint64
evaluate (TgTestDb *db)
{
  g_autoptr(JsonNode) evaluated = run_json (db, (const char *[]) { "alerts", "evaluate", "--json", NULL });

  return json_object_get_int_member (json_node_get_object (evaluated), "changed");
}

static void
test_budget_month (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) budgets = NULL;
  g_autoptr(JsonNode) open = NULL;
  g_autoptr(JsonNode) all = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *amount = NULL;
  JsonArray *alerts;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = '" ZONE "' WHERE key = 'billing-timezone'");
  /* Twenty priced calls spread over this local month so far, whatever day it is. */
  tg_test_db_exec (db,
    "WITH m AS (SELECT date_trunc('month', now() AT TIME ZONE '" ZONE "') AT TIME ZONE '" ZONE "' AS start) "
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 3.5, 200, "
    "       m.start + (now() - m.start) * k / 21 "
    "FROM m, generate_series(1, 20) k");
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");

  set_budget (db, "1000000");
  budgets = run_json (db, (const char *[]) { "budget", "list", "--json", NULL });
  actual = g_strdup (json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (budgets),
                                                                 "budgets"), 0),
    "actual"));
  g_assert_cmpstr (actual, !=, "0.00");
  g_assert_cmpint (evaluate (db), ==, 0);

  /* 75 %: the 70 % threshold, once however often it is evaluated. */
  amount = scaled_budget (db, actual, "0.75");
  set_budget (db, amount);
  g_assert_cmpint (evaluate (db), ==, 1);
  g_assert_cmpint (evaluate (db), ==, 0);
  open = run_json (db, (const char *[]) { "alerts", "list", "--json", NULL });
  alerts = alerts_of (open);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 0), "kind"),
                   ==, "budget");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 0), "scope"),
                   ==, "overall");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, 0), "threshold"),
                   ==, "70");

  /* 97 %: across 85 and 95 at once, one alert naming 95. */
  g_free (amount);
  amount = scaled_budget (db, actual, "0.97");
  set_budget (db, amount);
  evaluate (db);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alerts WHERE kind = 'budget'"),
                   ==, 2);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alerts "
                                              "WHERE kind = 'budget' AND threshold = '95'"), ==, 1);
  g_assert_cmpint (evaluate (db), ==, 0);

  /* 50 % after a budget increase: both recover. */
  g_free (amount);
  amount = scaled_budget (db, actual, "0.5");
  set_budget (db, amount);
  g_assert_cmpint (evaluate (db), >=, 1);
  all = run_json (db, (const char *[]) { "alerts", "list", "--state", "all", "--json", NULL });
  alerts = alerts_of (all);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (alerts, i), "state"),
                     ==, "recovered");
}

static void
test_viewer (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *login = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (db == NULL)
    return;

  login = tg_test_unique_name ("tgctlalerts");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", login);
  tg_test_db_exec (db, sql);
  conninfo = tg_test_db_conninfo_as (db, login);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id (db, "budget"));

  g_assert_cmpint (run_ctl_as (conninfo, (const char *[]) { "alerts", "list", NULL }, &out, &err),
                   ==, 0);
  g_assert_nonnull (strstr (out, "threshold"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl_as (conninfo, (const char *[]) { "alerts", "ack", id, NULL }, &out, &err),
                   ==, 1);
  g_assert_nonnull (strstr (err, "tollgate_finance, tollgate_ops or tollgate_admin"));
  g_assert_nonnull (strstr (err, "permission denied"));
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alerts "
                                              "WHERE kind = 'budget' AND state = 'open'"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl_as (conninfo, (const char *[]) { "alerts", "evaluate", NULL }, &out,
                               &err), ==, 0);

  g_free (sql);
  sql = g_strdup_printf ("DROP ROLE %s", login);
  tg_test_db_exec (db, sql);
}

static void
test_text (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (db == NULL)
    return;

  g_assert_cmpint (run_ctl (db, (const char *[]) { "alerts", "list", "--state", "all", NULL },
                            &out, &err), ==, 0);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, "id"));
  g_assert_nonnull (strstr (out, "2026-11-10 19:30"));
  g_assert_nonnull (strstr (out, "85 %"));
  g_assert_nonnull (strstr (out, "1200.00 AUD"));
  g_assert_nonnull (strstr (out, "Times in " ZONE "."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (db, (const char *[]) { "alerts", "list", "--kind", "forecast", NULL },
                            &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "No open alerts.\n");
}

/* Bad usage: exit 2 with a message, before anything is asked of the database. */
static void
test_usage (void)
{
  TgTestDb *db = get_db ();
  static const char * const cases[][6] = {
    { "alerts", NULL },
    { "alerts", "frobnicate", NULL },
    { "alerts", "list", "--state", "closed", NULL },
    { "alerts", "list", "--state", NULL },
    { "alerts", "list", "--kind", "budgets", NULL },
    { "alerts", "list", "--limit", "0", NULL },
    { "alerts", "list", "--since", "yesterday", NULL },
    { "alerts", "list", "--frobnicate", NULL },
    { "alerts", "list", "extra", NULL },
    { "alerts", "ack", NULL },
    { "alerts", "ack", "abc", NULL },
    { "alerts", "ack", "-1", NULL },
    { "alerts", "ack", "1", "2", NULL },
    { "alerts", "ack", "1.5", NULL },
    { "alerts", "mute", "1", "--until", "tomorrow", NULL },
    { "alerts", "mute", "1", "--until", "2020-01-01T00:00", NULL },
    { "alerts", "unmute", NULL },
    { "alerts", "evaluate", "now", NULL },
  };

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *line = g_strjoinv (" ", (char **)cases[i]);

      g_test_message ("tollgatectl %s", line);
      g_assert_cmpint (run_ctl (db, cases[i], &out, &err), ==, 2);
      g_assert_cmpstr (err, !=, "");
    }
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alert_mutes"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/ctl-alerts/list-json", test_list_json);
  g_test_add_func ("/tollgate/db/ctl-alerts/text", test_text);
  g_test_add_func ("/tollgate/db/ctl-alerts/ack", test_ack);
  g_test_add_func ("/tollgate/db/ctl-alerts/unknown-id", test_unknown_id);
  g_test_add_func ("/tollgate/db/ctl-alerts/mute-evaluate", test_mute_evaluate);
  g_test_add_func ("/tollgate/db/ctl-alerts/viewer", test_viewer);
  g_test_add_func ("/tollgate/db/ctl-alerts/budget-month", test_budget_month);
  g_test_add_func ("/tollgate/db/ctl-alerts/usage", test_usage);

  status = g_test_run ();
  g_clear_pointer (&alerts_db, tg_test_db_free);

  return status;
}
