/* test-ctl-budget.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgatectl budget set|list|delete and quota set|list|delete on a real database, run as
 * the real binary ($TOLLGATECTL) by login roles of each kind: the contract (set
 * on a scope that has a budget keeps its id and says so; the JSON members; the month's
 * actual equal to plain SQL over the raw rows), bad input refused as bad usage (exit 2,
 * nothing on stdout, nothing written, a message saying what to give instead), and a
 * viewer refused by the database (exit 1, its words).
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-test-ctl.h"
#include "tg-test-db.h"

#define ZONE "Australia/Sydney"

static int
run_ctl (const char          *conninfo,
         const char * const  *args,
         char               **out,
         char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", conninfo));
  g_ptr_array_add (argv, NULL);

  return tg_test_ctl_finish (tg_test_ctl_startv ((const char * const *)argv->pdata), out, err);
}

static JsonObject *
run_json (const char         *conninfo,
          const char * const *args,
          JsonParser        **parser)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = run_ctl (conninfo, args, &out, &err);

  if (status != 0)
    g_error ("tollgatectl %s %s failed (%d): %s", args[0], args[1], status, err);
  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)));

  return json_node_get_object (json_parser_get_root (*parser));
}

static char *
create_role (TgTestDb   *db,
             const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgctlbudget");
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", name, group_role);

  tg_test_db_exec (db, sql);
  return g_steal_pointer (&name);
}

static void
drop_role (TgTestDb   *db,
           const char *name)
{
  g_autofree char *sql = g_strdup_printf ("DROP ROLE %s", name);

  tg_test_db_exec (db, sql);
}

static TgTestDb *
new_db (void)
{
  TgTestDb *db = tg_test_db_new (TRUE);

  if (db == NULL)
    return NULL;
  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = '" ZONE "' WHERE key = 'billing-timezone'");
  tg_test_db_exec (db, "INSERT INTO tollgate.cost_centres (code, display_name) VALUES ('OPS', 'Operations');"
                       "INSERT INTO tollgate.features (name, display_name, cost_centre) VALUES "
                       "('checkout', 'Checkout', 'OPS')");
  /* Geoscape calls every hour of this local month so far, with credits that cost below
   * the micro-unit: half in the rollups, the rest in the raw tail. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at, feature) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 1.234567, 200, g, 'checkout' "
    "FROM generate_series(date_trunc('month', now() AT TIME ZONE '" ZONE "') AT TIME ZONE '" ZONE "', "
    "                     now() - interval '1 minute', interval '1 hour') g "
    "WHERE extract(hour FROM g AT TIME ZONE '" ZONE "')::int % 2 = 0");
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at, feature) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 0.765433, 200, g, 'checkout' "
    "FROM generate_series(date_trunc('month', now() AT TIME ZONE '" ZONE "') AT TIME ZONE '" ZONE "', "
    "                     now() - interval '1 minute', interval '1 hour') g "
    "WHERE extract(hour FROM g AT TIME ZONE '" ZONE "')::int % 2 = 1");
  return db;
}

static const char month_cost_sql[] =
  "SELECT round(coalesce(sum(credit_cost), 0) * 0.10, 6)::text FROM tollgate.api_usage_tracking "
  "WHERE created_at >= date_trunc('month', now() AT TIME ZONE '" ZONE "') AT TIME ZONE '" ZONE "'";

static const char month_credits_sql[] =
  "SELECT trim_scale(coalesce(sum(credit_cost), 0))::text FROM tollgate.api_usage_tracking "
  "WHERE created_at >= date_trunc('month', now() AT TIME ZONE '" ZONE "') AT TIME ZONE '" ZONE "'";

static void
assert_members (JsonObject         *object,
                const char * const *members)
{
  guint n = 0;

  for (; members[n] != NULL; n++)
    if (!json_object_has_member (object, members[n]))
      g_error ("no member “%s”", members[n]);
  g_assert_cmpuint (json_object_get_size (object), ==, n);
}

static void
test_contract (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autofree char *finance = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *credits = NULL;
  g_autofree char *month = NULL;
  g_autofree char *first_day = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonObject *budget;
  JsonArray *array;
  gint64 id;
  gint64 quota_id;

  if (db == NULL)
    return;
  finance = create_role (db, "tollgate_finance");
  conninfo = tg_test_db_conninfo_as (db, finance);

  {
    const char *args[] = { "budget", "set", "--scope", "overall", "--amount", "10000",
                           "--currency", "AUD", "--json", NULL };
    const char *members[] = { "id", "scope", "created", "amount", "currency", "thresholds", NULL };

    root = run_json (conninfo, args, &parser);
    assert_members (root, members);
    id = json_object_get_int_member (root, "id");
    g_assert_true (json_object_get_boolean_member (root, "created"));
    g_assert_cmpstr (json_object_get_string_member (root, "scope"), ==, "overall");
    g_assert_cmpstr (json_object_get_string_member (root, "amount"), ==, "10000.00");
    g_assert_cmpstr (json_object_get_string_member (root, "currency"), ==, "AUD");
    array = json_object_get_array_member (root, "thresholds");
    g_assert_cmpuint (json_array_get_length (array), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                    "threshold"), ==, "85");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                    "on"), ==, "actual");
    g_clear_object (&parser);
  }

  /* The same scope: updated, the same id, and the text says so. */
  {
    const char *args[] = { "budget", "set", "--scope", "overall", "--amount", "1000000",
                           "--currency", "AUD", "--thresholds", "0.01AUD, 100:forecast",
                           NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expected = g_strdup_printf (
      "Budget %" G_GINT64_FORMAT " for overall updated (it keeps its id): 1,000,000.00 AUD a "
      "month; thresholds 0.01 AUD of actual spend; 100 %% of the forecast.\n", id);

    g_assert_cmpint (run_ctl (conninfo, args, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, expected);
    g_assert_cmpstr (err, ==, "");
  }

  {
    const char *args[] = { "budget", "set", "--scope", "feature:checkout", "--amount", "50.5",
                           "--currency", "USD", "--on", "forecast", "--json", NULL };

    root = run_json (conninfo, args, &parser);
    g_assert_true (json_object_get_boolean_member (root, "created"));
    g_assert_cmpint (json_object_get_int_member (root, "id"), !=, id);
    array = json_object_get_array_member (root, "thresholds");
    g_assert_cmpuint (json_array_get_length (array), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 3),
                                                    "on"), ==, "forecast");
    g_clear_object (&parser);
  }

  /* list: the month, each budget's actual as plain SQL over the raw rows has it. */
  actual = tg_test_db_scalar (db, month_cost_sql);
  month = tg_test_db_scalar (db, "SELECT to_char(now() AT TIME ZONE '" ZONE "', 'YYYY-MM')");
  first_day = g_strdup_printf ("%s-01", month);
  {
    const char *args[] = { "budget", "list", "--json", NULL };
    const char *root_members[] = { "month", "time_zone", "as_of", "budgets", NULL };
    const char *members[] = { "id", "scope", "amount", "currency", "thresholds", "month",
                              "actual", "percent", "forecast", "low", "high", "confidence",
                              "forecast_as_of", "state", "resets_at", "days", NULL };
    const char *state_members[] = { "passed", "since", "forecast_passed", NULL };
    JsonObject *state;
    JsonArray *days;
    JsonObject *last;
    g_autofree char *expected_actual = NULL;
    g_autofree char *resets_at = tg_test_db_scalar (db,
      "SELECT to_char((date_trunc('month', now() AT TIME ZONE '" ZONE "') + interval '1 month') "
      "AT TIME ZONE '" ZONE "' AT TIME ZONE '" ZONE "', 'YYYY-MM-DD\"T\"HH24:MI:SS')");

    root = run_json (conninfo, args, &parser);
    assert_members (root, root_members);
    g_assert_cmpstr (json_object_get_string_member (root, "month"), ==, month);
    g_assert_cmpstr (json_object_get_string_member (root, "time_zone"), ==, ZONE);
    array = json_object_get_array_member (root, "budgets");
    g_assert_cmpuint (json_array_get_length (array), ==, 2);

    /* By scope: feature:checkout, then overall. */
    budget = json_array_get_object_element (array, 1);
    assert_members (budget, members);
    g_assert_cmpint (json_object_get_int_member (budget, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (budget, "amount"), ==, "1000000.00");
    g_assert_cmpstr (json_object_get_string_member (budget, "month"), ==, month);
    {
      /* The actual as tollgatectl writes money: exact, two decimals at least. */
      g_autofree char *trimmed = g_strdup (actual);
      gsize len = strlen (trimmed);

      while (len > 0 && trimmed[len - 1] == '0' && trimmed[len - 3] != '.')
        trimmed[--len] = '\0';
      expected_actual = g_steal_pointer (&trimmed);
    }
    g_assert_cmpstr (json_object_get_string_member (budget, "actual"), ==, expected_actual);
    g_assert_cmpstr (expected_actual, !=, "0.00");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (budget, "resets_at"), resets_at));

    {
      JsonArray *list = json_object_get_array_member (budget, "thresholds");
      JsonObject *first = json_array_get_object_element (list, 0);

      g_assert_cmpuint (json_array_get_length (list), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (first, "threshold"), ==, "0.01 AUD");
      g_assert_cmpstr (json_object_get_string_member (first, "on"), ==, "actual");
      g_assert_cmpstr (json_object_get_string_member (first, "amount"), ==, "0.01");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1),
                                                      "amount"), ==, "1000000.00");
    }

    state = json_object_get_object_member (budget, "state");
    assert_members (state, state_members);
    g_assert_cmpstr (json_object_get_string_member (state, "passed"), ==, "0.01 AUD");
    g_assert_cmpstr (json_object_get_string_member (state, "since"), ==, first_day);
    g_assert_null (json_object_get_string_member (state, "forecast_passed"));

    /* Days of the month so far, cumulative, the last the actual. */
    days = json_object_get_array_member (budget, "days");
    g_assert_cmpuint (json_array_get_length (days), >=, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 0),
                                                    "date"), ==, first_day);
    last = json_array_get_object_element (days, json_array_get_length (days) - 1);
    g_assert_cmpstr (json_object_get_string_member (last, "actual"), ==, expected_actual);

    /* A forecast was made and stored; with this month's rows only, without an interval. */
    g_assert_nonnull (json_object_get_string_member (budget, "forecast"));
    g_assert_null (json_object_get_string_member (budget, "low"));
    g_assert_cmpstr (json_object_get_string_member (budget, "confidence"), ==, "low");
    g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budget_forecasts"), ==, 2);

    budget = json_array_get_object_element (array, 0);
    g_assert_cmpstr (json_object_get_string_member (budget, "scope"), ==, "feature:checkout");
    g_assert_cmpstr (json_object_get_string_member (budget, "currency"), ==, "USD");
    g_clear_object (&parser);
  }

  /* Quotas. */
  credits = tg_test_db_scalar (db, month_credits_sql);
  {
    const char *args[] = { "quota", "set", "--provider", "geoscape", "--credits", "100000",
                           "--prepaid", "5000", "--json", NULL };
    const char *members[] = { "id", "provider", "created", "amount", "unit", "prepaid",
                              "thresholds", NULL };

    root = run_json (conninfo, args, &parser);
    assert_members (root, members);
    quota_id = json_object_get_int_member (root, "id");
    g_assert_cmpstr (json_object_get_string_member (root, "amount"), ==, "100000");
    g_assert_cmpstr (json_object_get_string_member (root, "unit"), ==, "credits");
    g_assert_cmpstr (json_object_get_string_member (root, "prepaid"), ==, "5000");
    g_clear_object (&parser);
  }
  {
    const char *args[] = { "quota", "list", "--json", NULL };
    const char *members[] = { "id", "provider", "amount", "unit", "thresholds", "month",
                              "used", "percent", "forecast", "low", "high", "confidence",
                              "forecast_as_of", "state", "resets_at", "daily_rate",
                              "runs_out_at", "prepaid", "prepaid_at", "prepaid_left",
                              "prepaid_runs_out_at", "days", NULL };
    JsonObject *quota;

    root = run_json (conninfo, args, &parser);
    array = json_object_get_array_member (root, "quotas");
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    quota = json_array_get_object_element (array, 0);
    assert_members (quota, members);
    g_assert_cmpint (json_object_get_int_member (quota, "id"), ==, quota_id);
    g_assert_cmpstr (json_object_get_string_member (quota, "used"), ==, credits);
    g_assert_cmpstr (json_object_get_string_member (quota, "prepaid"), ==, "5000");
    g_assert_nonnull (json_object_get_string_member (quota, "daily_rate"));
    g_clear_object (&parser);
  }

  /* delete */
  {
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
    const char *args[] = { "budget", "delete", id_text, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expected = g_strdup_printf ("Budget %s deleted.\n", id_text);

    g_assert_cmpint (run_ctl (conninfo, args, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, expected);
  }
  {
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, quota_id);
    const char *args[] = { "quota", "delete", id_text, "--json", NULL };

    root = run_json (conninfo, args, &parser);
    g_assert_cmpint (json_object_get_int_member (root, "id"), ==, quota_id);
    g_assert_true (json_object_get_boolean_member (root, "deleted"));
    g_clear_object (&parser);
  }
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budgets"), ==, 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.provider_quotas"), ==, 0);

  drop_role (db, finance);
}

typedef struct
{
  const char *args[16];
  const char *message;
} Refusal;

static const Refusal refusals[] = {
  { { "budget", NULL }, "say set, list or delete ID" },
  { { "budget", "frob", NULL }, "unknown action “frob”" },
  { { "budget", "set", NULL }, "set needs --scope, --amount and --currency" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", NULL }, "set needs --scope, --amount and --currency" },
  { { "budget", "set", "--scope", "everything", "--amount", "1", "--currency", "AUD", NULL }, "--scope: “everything”" },
  { { "budget", "set", "--scope", "provider:nosuch", "--amount", "1", "--currency", "AUD", NULL },
    "--scope: no provider “nosuch”; the providers are canada_post, geoscape, here, openai, postcodes_io, smarty_streets" },
  { { "budget", "set", "--scope", "feature:nosuch", "--amount", "1", "--currency", "AUD", NULL },
    "--scope: no feature “nosuch”; the features are checkout" },
  { { "budget", "set", "--scope", "cost-centre:NOPE", "--amount", "1", "--currency", "AUD", NULL },
    "--scope: no cost centre “NOPE”; the cost centres are OPS" },
  { { "budget", "set", "--scope", "overall", "--amount", "0", "--currency", "AUD", NULL }, "--amount takes an amount above 0" },
  { { "budget", "set", "--scope", "overall", "--amount", "-5", "--currency", "AUD", NULL }, "--amount takes an amount above 0" },
  { { "budget", "set", "--scope", "overall", "--amount", "abc", "--currency", "AUD", NULL }, "not “abc”" },
  { { "budget", "set", "--scope", "overall", "--amount", "1.1234567", "--currency", "AUD", NULL }, "with at most six decimals" },
  { { "budget", "set", "--scope", "overall", "--amount", "1e3", "--currency", "AUD", NULL }, "not “1e3”" },
  { { "budget", "set", "--scope", "overall", "--amount", "nan", "--currency", "AUD", NULL }, "not “nan”" },
  { { "budget", "set", "--scope", "overall", "--amount", "+5", "--currency", "AUD", NULL }, "not “+5”" },
  { { "budget", "set", "--scope", "overall", "--amount", "1000000000000", "--currency", "AUD", NULL }, "up to 999,999,999,999.999999" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "usd", NULL }, "“usd” is not an ISO 4217 currency code" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "XYZ", NULL },
    "cannot compare spend with a budget in XYZ: no exchange rate leads between it and the currency costs are kept in; the possible currencies are AUD, CAD, EUR, GBP, USD" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "0", NULL }, "--thresholds: “0”: a percentage is from 1 to 1000" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "1001", NULL }, "a percentage is from 1 to 1000" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "85.125", NULL }, "at most two decimals" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "7500USD", NULL }, "the budget is in AUD: write an amount like 7500.00AUD" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "", NULL }, "--thresholds: give from 1 to 20 thresholds" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "85,85", NULL }, "given twice" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--thresholds", "85:later", NULL }, "neither :actual nor :forecast" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "--on", "sideways", NULL }, "--on takes actual or forecast, not “sideways”" },
  { { "budget", "set", "--scope", "overall", "--amount", "5", "--currency", "AUD", "extra", NULL }, "unexpected argument “extra”" },
  { { "budget", "list", "--scope", "overall", NULL }, "list takes no options but --db and --json" },
  { { "budget", "list", "extra", NULL }, "unexpected argument “extra”" },
  { { "budget", "delete", NULL }, "delete takes one ID" },
  { { "budget", "delete", "1", "2", NULL }, "delete takes one ID" },
  { { "budget", "delete", "abc", NULL }, "ID takes a whole number from 1" },
  { { "budget", "delete", "0", NULL }, "ID takes a whole number from 1" },
  { { "budget", "delete", "1.5", NULL }, "ID takes a whole number from 1" },
  { { "budget", "delete", "999", NULL }, "there is no budget 999; “tollgatectl budget list” shows them with their ids" },
  { { "quota", "set", "--calls", "5", NULL }, "set needs --provider" },
  { { "quota", "set", "--provider", "here", NULL }, "give the quota as either --calls N or --credits DEC" },
  { { "quota", "set", "--provider", "here", "--calls", "5", "--credits", "5", NULL }, "either --calls N or --credits DEC" },
  { { "quota", "set", "--provider", "here", "--calls", "1.5", NULL }, "--calls takes a whole number above 0" },
  { { "quota", "set", "--provider", "nosuch", "--calls", "5", NULL }, "--provider: no provider “nosuch”; the providers are canada_post" },
  { { "quota", "set", "--provider", "here", "--credits", "5", NULL }, "--credits: here does not bill in credits" },
  { { "quota", "set", "--provider", "here", "--calls", "5", "--prepaid", "-1", NULL }, "--prepaid takes a whole number from 0" },
  { { "quota", "set", "--provider", "here", "--calls", "5", "--thresholds", "5AUD", NULL }, "this quota counts calls: write an amount like 200000calls" },
  { { "quota", "set", "--provider", "here", "--scope", "overall", "--calls", "5", NULL }, "Unknown option --scope" },
  { { "quota", "delete", "7", NULL }, "there is no quota 7" },
  { { "quota", "list", "--calls", "5", NULL }, "list takes no options" },
};

static void
test_refused (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autofree char *finance = NULL;
  g_autofree char *conninfo = NULL;
  gint64 audit_before;

  if (db == NULL)
    return;
  finance = create_role (db, "tollgate_finance");
  conninfo = tg_test_db_conninfo_as (db, finance);
  audit_before = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log");

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_ctl (conninfo, refusals[i].args, &out, &err);

      if (status != 2 || strstr (err, refusals[i].message) == NULL || *out != '\0')
        g_error ("refusal %u (%s %s): exit %d, stdout “%s”, stderr “%s”; expected exit 2 and “%s”",
                 i, refusals[i].args[0], refusals[i].args[1] != NULL ? refusals[i].args[1] : "",
                 status, out, err, refusals[i].message);
      g_assert_true (g_str_has_prefix (err, "tollgatectl"));
      for (const char *p = err; *p != '\0'; p++)
        g_assert_true ((guchar)*p >= 0x20 || *p == '\n');
    }

  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budgets"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.provider_quotas"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"), ==,
                   audit_before);
  drop_role (db, finance);
}

/* A viewer lists, and is refused every change by the database (exit 1), in its words. */
static void
test_viewer (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autofree char *viewer = NULL;
  g_autofree char *conninfo = NULL;
  const char *set_budget[] = { "budget", "set", "--scope", "overall", "--amount", "100",
                               "--currency", "AUD", NULL };
  const char *set_quota[] = { "quota", "set", "--provider", "here", "--calls", "100", NULL };
  const char *delete_budget[] = { "budget", "delete", "1", NULL };
  const char *list[] = { "budget", "list", NULL };
  const char * const *refused[] = { set_budget, set_quota, delete_budget };

  if (db == NULL)
    return;
  tg_test_db_exec (db, "SELECT tollgate.set_budget('overall', 10, 'AUD')");
  viewer = create_role (db, "tollgate_viewer");
  conninfo = tg_test_db_conninfo_as (db, viewer);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_ctl (conninfo, refused[i], &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "tollgatectl: permission denied to change "));
      g_assert_nonnull (strstr (err, "Hint: Budgets and quotas are changed by members of "
                                     "tollgate_finance or tollgate_admin."));
    }
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT amount FROM tollgate.budgets"), ==, 10);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.provider_quotas"), ==, 0);

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_ctl (conninfo, list, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "overall"));
  }
  drop_role (db, viewer);
}

/* The text for people: an empty list says how to begin; a list has its table and the
 * thresholds under it. */
static void
test_text (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  const char *list[] = { "budget", "list", NULL };
  const char *quotas[] = { "quota", "list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *header = NULL;
  g_autofree char *month = NULL;

  if (db == NULL)
    return;

  g_assert_cmpint (run_ctl (db->conninfo, list, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "No budgets yet. Set one with “tollgatectl budget set --scope overall "
                   "--amount 10000 --currency AUD”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  tg_test_db_exec (db, "SELECT tollgate.set_budget('overall', 1000000, 'AUD', "
                       "'{amount,percent}', '{0.01,90}', '{actual,forecast}')");
  tg_test_db_exec (db, "SELECT tollgate.set_quota('here', 'calls', 250000)");
  month = tg_test_db_scalar (db, "SELECT to_char(now() AT TIME ZONE '" ZONE "', 'YYYY-MM')");
  header = g_strdup_printf ("Budgets for %s (" ZONE ") as of ", month);
  g_assert_cmpint (run_ctl (db->conninfo, list, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, header));
  g_assert_nonnull (strstr (out, "id  scope"));
  g_assert_nonnull (strstr (out, "1,000,000.00 AUD"));
  g_assert_nonnull (strstr (out, "0.01 AUD since "));
  g_assert_nonnull (strstr (out, "\nThresholds:\n  1 overall: 0.01 AUD of actual spend; 90 % of the forecast.\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (db->conninfo, quotas, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "250,000 calls"));
  g_assert_nonnull (strstr (out, "not this month"));
  g_assert_nonnull (strstr (out, "  1 here: 70 %, 85 %, 95 %, 100 % of actual use.\n"
                                 "    0 calls a day over the last 7 days.\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/ctl-budget/contract", test_contract);
  g_test_add_func ("/tollgate/db/ctl-budget/refused", test_refused);
  g_test_add_func ("/tollgate/db/ctl-budget/viewer", test_viewer);
  g_test_add_func ("/tollgate/db/ctl-budget/text", test_text);

  return g_test_run ();
}
