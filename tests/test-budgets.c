/* test-budgets.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Budgets and quotas in a real database (the budgets migration, tg-budget-queries.h,
 * tg-budget-service.h): set, update and delete as finance; the rights the database
 * enforces on every other role; the audit rows with old and new values; the NOTIFY every
 * open Tollgate hears; spend in another currency at the rates of its local days, exact to
 * the micro-unit against plain SQL over the rows inserted; the alert candidates (below,
 * crossing 70 then 85, a jump to the highest threshold, an absolute threshold, recovery
 * after a raise, forecasts held back until they have enough data); and quota use and
 * runway. The billing zone is Australia/Adelaide (UTC+10:30 in November), so local days
 * and months are not UTC's.
 */

#include "config.h"

#include <math.h>
#include <poll.h>
#include <string.h>

#include "tg-budget-queries.h"
#include "tg-budget-service.h"
#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-test-db.h"
#include "tg-time-bucket.h"

#define ZONE "Australia/Adelaide"
/* The moment of every figure: 20 November 2026, 12:00 in Adelaide (01:30 UTC). */
#define NOW_SQL "timestamptz '2026-11-20 12:00 " ZONE "'"
#define MONTH_START_SQL "timestamptz '2026-11-01 00:00 " ZONE "'"

static gint64
now_usec (TgTestDb *db)
{
  return tg_test_db_scalar_int (db, "SELECT (extract(epoch FROM " NOW_SQL ") * 1000000)::int8");
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
                       "('checkout', 'Checkout', 'OPS'), ('jump', 'Jump', NULL), ('abs', 'Absolute', NULL)");
  return db;
}

/* A LOGIN role in @group_role, unique in the cluster; dropped with drop_role(). */
static char *
create_role (TgTestDb   *db,
             const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgbudget");
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

/* Geoscape calls (0.10 AUD a credit) at a local time of ZONE, of @feature (or none). */
static void
insert_credits (TgTestDb   *db,
                const char *local_time,
                const char *credits,
                const char *feature)
{
  g_autofree char *feature_sql = feature != NULL ? g_strdup_printf ("'%s'", feature)
                                                 : g_strdup ("NULL");
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at, feature) VALUES "
    "('geoscape', '/v1/addresses', 'validate', 1, %s, 200, timestamptz '%s " ZONE "', %s)",
    credits, local_time, feature_sql);

  tg_test_db_exec (db, sql);
}

static GArray *
thresholds (const char *text,
            const char *unit)
{
  g_autoptr(GError) error = NULL;
  GArray *result = NULL;

  g_assert_true (tg_budget_thresholds_parse (text, unit, TG_BUDGET_BASIS_ACTUAL, &result, &error));
  g_assert_no_error (error);
  return result;
}

static gint64
set_budget (PGconn     *conn,
            const char *scope,
            const char *amount,
            const char *currency,
            const char *threshold_text,
            gboolean    expect_created)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = threshold_text != NULL ? thresholds (threshold_text, currency) : NULL;
  gint64 micros;
  gint64 id = 0;
  gboolean created = !expect_created;

  g_assert_true (tg_money_parse (amount, &micros, NULL));
  g_assert_true (tg_budget_set (conn, scope, micros, currency, list, &id, &created, &error));
  g_assert_no_error (error);
  g_assert_cmpint (created, ==, expect_created);
  g_assert_cmpint (id, >, 0);
  return id;
}

static TgBudgetStatus *
find_status (GPtrArray *statuses,
             gboolean   quota,
             gint64     id)
{
  for (guint i = 0; i < statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (statuses, i);

      if (!quota && status->budget != NULL && status->budget->id == id)
        return status;
      if (quota && status->quota != NULL && status->quota->id == id)
        return status;
    }
  g_error ("no status of %s %" G_GINT64_FORMAT, quota ? "quota" : "budget", id);
}

static GPtrArray *
fetch_status (TgTestDb *db)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *statuses = tg_budget_fetch_status (db->conn, now_usec (db), &error);

  g_assert_no_error (error);
  return statuses;
}

/* The candidate of @kind for @subject at NOW: "level|threshold|message" (level "" when
 * NULL). */
static char *
candidate (TgTestDb   *db,
           const char *kind,
           const char *subject)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT coalesce(c.level::text, '') || '|' || c.threshold || '|' || c.message "
    "FROM tollgate.budget_alert_candidates(" NOW_SQL ") c "
    "WHERE c.kind = '%s' AND c.subject = '%s'", kind, subject);
  char *value = tg_test_db_scalar (db, sql);

  g_assert_nonnull (value);
  return value;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

static void
test_set_update_delete (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autofree char *finance = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) budgets = NULL;
  g_autoptr(GPtrArray) quotas = NULL;
  g_autoptr(GArray) dup = NULL;
  PGconn *conn;
  TgBudget *budget;
  gint64 id;
  gint64 other;
  gint64 quota_id = 0;
  gboolean created = FALSE;
  gboolean deleted = FALSE;

  if (db == NULL)
    return;
  finance = create_role (db, "tollgate_finance");
  conn = tg_test_db_connect_as (db, finance);

  id = set_budget (conn, "overall", "1000", "AUD", NULL, TRUE);
  budgets = tg_budget_fetch_list (conn, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (budgets->len, ==, 1);
  budget = g_ptr_array_index (budgets, 0);
  g_assert_cmpstr (budget->scope, ==, "overall");
  g_assert_cmpint (budget->kind, ==, TG_FORECAST_SCOPE_OVERALL);
  g_assert_cmpint (budget->amount, ==, 1000 * TG_MICROS_PER_UNIT);
  g_assert_cmpstr (budget->currency, ==, "AUD");
  g_assert_cmpuint (budget->thresholds->len, ==, 4);
  g_assert_cmpint (g_array_index (budget->thresholds, TgBudgetThreshold, 3).value, ==,
                   100 * TG_MICROS_PER_UNIT);
  g_clear_pointer (&budgets, g_ptr_array_unref);

  /* The same scope again: the same budget, changed; its thresholds kept. */
  g_assert_cmpint (set_budget (conn, "overall", "1200.50", "AUD", NULL, FALSE), ==, id);
  budgets = tg_budget_fetch_list (conn, &error);
  budget = g_ptr_array_index (budgets, 0);
  g_assert_cmpint (budget->amount, ==, 1200500000);
  g_assert_cmpuint (budget->thresholds->len, ==, 4);
  g_clear_pointer (&budgets, g_ptr_array_unref);

  /* New thresholds, stored actual first, each basis by rank. */
  g_assert_cmpint (set_budget (conn, "overall", "1000", "AUD", "900.00AUD:forecast,75,60", FALSE),
                   ==, id);
  budgets = tg_budget_fetch_list (conn, &error);
  budget = g_ptr_array_index (budgets, 0);
  g_assert_cmpuint (budget->thresholds->len, ==, 3);
  g_assert_cmpint (g_array_index (budget->thresholds, TgBudgetThreshold, 0).value, ==, 60000000);
  g_assert_cmpint (g_array_index (budget->thresholds, TgBudgetThreshold, 1).value, ==, 75000000);
  g_assert_cmpint (g_array_index (budget->thresholds, TgBudgetThreshold, 2).kind, ==,
                   TG_BUDGET_THRESHOLD_AMOUNT);
  g_assert_cmpint (g_array_index (budget->thresholds, TgBudgetThreshold, 2).basis, ==,
                   TG_BUDGET_BASIS_FORECAST);
  g_clear_pointer (&budgets, g_ptr_array_unref);

  /* Amount thresholds do not follow a change of currency by themselves. */
  g_assert_false (tg_budget_set (conn, "overall", 1000 * TG_MICROS_PER_UNIT, "USD", NULL, NULL,
                                 NULL, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  assert_contains (error->message, "give its thresholds again in USD");
  g_clear_error (&error);

  /* Two thresholds that stand for the same amount. */
  dup = thresholds ("85,850.00AUD", "AUD");
  g_assert_false (tg_budget_set (conn, "overall", 1000 * TG_MICROS_PER_UNIT, "AUD", dup, NULL,
                                 NULL, &error));
  assert_contains (error->message, "stand for the same amount");
  g_clear_error (&error);

  /* Names the catalogue does not have, said by the database too. */
  g_assert_false (tg_budget_set (conn, "provider:nosuch", TG_MICROS_PER_UNIT, "AUD", NULL, NULL,
                                 NULL, &error));
  assert_contains (error->message, "no provider 'nosuch'");
  assert_contains (error->message, "The providers are canada_post, geoscape");
  g_clear_error (&error);
  g_assert_false (tg_budget_set (conn, "overall", TG_MICROS_PER_UNIT, "XYZ", NULL, NULL, NULL,
                                 &error));
  assert_contains (error->message, "The possible currencies are AUD, CAD, EUR, GBP, USD");
  g_clear_error (&error);

  other = set_budget (conn, "cost-centre:OPS", "50", "USD", NULL, TRUE);
  g_assert_cmpint (other, !=, id);
  budgets = tg_budget_fetch_list (conn, &error);
  g_assert_cmpuint (budgets->len, ==, 2);
  g_assert_cmpstr (((TgBudget *)g_ptr_array_index (budgets, 0))->scope, ==, "cost-centre:OPS");
  g_assert_cmpstr (((TgBudget *)g_ptr_array_index (budgets, 0))->name, ==, "OPS");
  g_clear_pointer (&budgets, g_ptr_array_unref);

  g_assert_true (tg_budget_delete (conn, id, &deleted, &error));
  g_assert_true (deleted);
  g_assert_true (tg_budget_delete (conn, id, &deleted, &error));
  g_assert_false (deleted);
  budgets = tg_budget_fetch_list (conn, &error);
  g_assert_cmpuint (budgets->len, ==, 1);

  /* Quotas: the same, and a prepaid balance kept, set and removed. */
  g_assert_true (tg_quota_set (conn, "geoscape", TG_QUOTA_UNIT_CREDITS, 250000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, &quota_id, &created, &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_true (tg_quota_set (conn, "geoscape", TG_QUOTA_UNIT_CREDITS, 250000 * TG_MICROS_PER_UNIT,
                               5000500000, NULL, &other, &created, &error));
  g_assert_false (created);
  g_assert_cmpint (other, ==, quota_id);
  quotas = tg_quota_fetch_list (conn, &error);
  g_assert_cmpuint (quotas->len, ==, 1);
  g_assert_true (((TgQuota *)g_ptr_array_index (quotas, 0))->has_prepaid);
  g_assert_cmpint (((TgQuota *)g_ptr_array_index (quotas, 0))->prepaid, ==, 5000500000);
  g_assert_cmpint (((TgQuota *)g_ptr_array_index (quotas, 0))->unit, ==, TG_QUOTA_UNIT_CREDITS);
  g_clear_pointer (&quotas, g_ptr_array_unref);
  g_assert_true (tg_quota_set (conn, "geoscape", TG_QUOTA_UNIT_CREDITS, 250000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  quotas = tg_quota_fetch_list (conn, &error);
  g_assert_true (((TgQuota *)g_ptr_array_index (quotas, 0))->has_prepaid);
  g_clear_pointer (&quotas, g_ptr_array_unref);
  g_assert_true (tg_quota_set (conn, "geoscape", TG_QUOTA_UNIT_CREDITS, 250000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_NONE, NULL, NULL, NULL, &error));
  quotas = tg_quota_fetch_list (conn, &error);
  g_assert_false (((TgQuota *)g_ptr_array_index (quotas, 0))->has_prepaid);
  g_clear_pointer (&quotas, g_ptr_array_unref);

  /* Credits of a provider that bills per call would never be used. */
  g_assert_false (tg_quota_set (conn, "here", TG_QUOTA_UNIT_CREDITS, TG_MICROS_PER_UNIT,
                                TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  assert_contains (error->message, "does not bill in credits");
  g_clear_error (&error);
  /* Calls are whole. */
  g_assert_false (tg_quota_set (conn, "here", TG_QUOTA_UNIT_CALLS, 1500000,
                                TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  assert_contains (error->message, "a whole number");
  g_clear_error (&error);

  g_assert_true (tg_quota_delete (conn, quota_id, &deleted, &error));
  g_assert_true (deleted);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.provider_quotas"), ==, 0);

  PQfinish (conn);
  drop_role (db, finance);
}

/* Every role but finance and admin is refused by the database, in words, and writes
 * nothing; nobody writes the tables but through the functions. */
static void
test_rights (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  const char *groups[] = { "tollgate_viewer", "tollgate_ops", "tollgate_finance", "tollgate_admin" };
  gint64 budget_id;
  gint64 audit_before;

  if (db == NULL)
    return;
  budget_id = set_budget (db->conn, "overall", "1000", "AUD", NULL, TRUE);
  audit_before = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log");

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autofree char *role = create_role (db, groups[g]);
      PGconn *conn = tg_test_db_connect_as (db, role);
      gboolean allowed = g >= 2;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) statuses = NULL;
      g_autoptr(GPtrArray) budgets = NULL;
      gboolean deleted = TRUE;
      gboolean stored = FALSE;
      const char *direct[] = {
        "INSERT INTO tollgate.budgets (scope, amount, currency, thresholds) VALUES "
        "('feature:jump', 1, 'AUD', tollgate.budget_default_thresholds())",
        "UPDATE tollgate.budgets SET amount = 1",
        "DELETE FROM tollgate.budgets",
        "INSERT INTO tollgate.provider_quotas (provider, unit, amount, thresholds) VALUES "
        "('here', 'calls', 1, tollgate.budget_default_thresholds())",
        "DELETE FROM tollgate.budget_forecasts",
      };
      TgForecast forecast = { 0 };

      /* Everyone reads. */
      budgets = tg_budget_fetch_list (conn, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (budgets->len, ==, 1);
      statuses = tg_budget_fetch_status (conn, now_usec (db), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (statuses->len, ==, 1);

      if (allowed)
        {
          g_assert_cmpint (set_budget (conn, "overall", "2000", "AUD", NULL, FALSE), ==, budget_id);
          g_assert_cmpint (set_budget (conn, "overall", "1000", "AUD", NULL, FALSE), ==, budget_id);
        }
      else
        {
          g_assert_false (tg_budget_set (conn, "overall", 2000 * TG_MICROS_PER_UNIT, "AUD", NULL,
                                         NULL, NULL, &error));
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          assert_contains (error->message, "permission denied to change budgets");
          assert_contains (error->message, "tollgate_finance or tollgate_admin");
          g_clear_error (&error);
          g_assert_false (tg_budget_delete (conn, budget_id, &deleted, &error));
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          g_clear_error (&error);
          g_assert_false (tg_quota_set (conn, "here", TG_QUOTA_UNIT_CALLS, TG_MICROS_PER_UNIT,
                                        TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          assert_contains (error->message, "permission denied to change quotas");
          g_clear_error (&error);
        }

      for (guint i = 0; i < G_N_ELEMENTS (direct); i++)
        {
          g_autoptr(PGresult) result = tg_db_query (conn, direct[i], 0, NULL, &error);

          g_assert_null (result);
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          g_clear_error (&error);
        }

      /* Forecasts are derived data: every role may store them. */
      forecast.forecast = 900 * TG_MICROS_PER_UNIT;
      forecast.basis_days = 3;
      forecast.confidence = TG_FORECAST_CONFIDENCE_LOW;
      g_assert_true (tg_budget_store_forecast (conn, FALSE, budget_id, "2026-11", "AUD",
                                               now_usec (db) - 1000 * (4 - g), &forecast,
                                               &stored, &error));
      g_assert_no_error (error);
      g_assert_true (stored);

      PQfinish (conn);
      drop_role (db, role);
    }

  /* The refused wrote nothing; finance's and admin's changes are audited. */
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budgets"), ==, 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT amount FROM tollgate.budgets"), ==, 1000);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"), ==,
                   audit_before + 4);
}

static void
test_audit (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autofree char *finance = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted;
  PGconn *conn;
  gint64 id;

  if (db == NULL)
    return;
  finance = create_role (db, "tollgate_finance");
  conn = tg_test_db_connect_as (db, finance);

  id = set_budget (conn, "feature:checkout", "1000", "AUD", NULL, TRUE);
  set_budget (conn, "feature:checkout", "1500", "AUD", "80,1400.00AUD:forecast", FALSE);
  /* Unchanged: nothing written, nothing audited. */
  set_budget (conn, "feature:checkout", "1500", "AUD", NULL, FALSE);
  g_assert_true (tg_budget_delete (conn, id, &deleted, &error));
  g_assert_true (tg_quota_set (conn, "here", TG_QUOTA_UNIT_CALLS, 1000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  sql = g_strdup_printf (
    "SELECT string_agg(a.table_name || ' ' || a.action || ' ' || (a.acting_role = '%s') || ' ' "
    "  || coalesce(a.row_key::text, '-') || ' ' "
    "  || coalesce(a.old_values ->> 'amount', '-') || ' ' || coalesce(a.new_values ->> 'amount', '-') "
    "  || ' ' || coalesce(jsonb_array_length(a.old_values -> 'thresholds'), 0) "
    "  || ' ' || coalesce(jsonb_array_length(a.new_values -> 'thresholds'), 0), '; ' "
    "  ORDER BY a.audit_id) "
    "FROM tollgate.audit_log a WHERE a.table_name IN ('budgets', 'provider_quotas')", finance);
  rows = tg_test_db_scalar (db, sql);
  g_assert_cmpstr (rows, ==,
    "budgets INSERT true {\"budget_id\": 1} - 1000.000000 0 4; "
    "budgets UPDATE true {\"budget_id\": 1} 1000.000000 1500.000000 4 2; "
    "budgets DELETE true {\"budget_id\": 1} 1500.000000 - 2 0; "
    "provider_quotas INSERT true {\"quota_id\": 1} - 1000.000000 0 4");
  /* The thresholds, old and new, as they were. */
  g_free (rows);
  rows = tg_test_db_scalar (db,
    "SELECT a.new_values -> 'thresholds' FROM tollgate.audit_log a "
    "WHERE a.table_name = 'budgets' AND a.action = 'UPDATE'");
  g_assert_cmpstr (rows, ==,
    "[{\"basis\": \"actual\", \"amount\": null, \"percent\": 80}, "
    "{\"basis\": \"forecast\", \"amount\": 1400.00, \"percent\": null}]");

  PQfinish (conn);
  drop_role (db, finance);
}

/* Waits for a notification on @listener, with a guard against a hang. */
static char *
wait_for_notification (PGconn *listener)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      PGnotify *notify;
      struct pollfd fd = { PQsocket (listener), POLLIN, 0 };

      g_assert_cmpint (PQconsumeInput (listener), ==, 1);
      notify = PQnotifies (listener);
      if (notify != NULL)
        {
          char *payload = g_strdup_printf ("%s %s", notify->relname, notify->extra);

          PQfreemem (notify);
          return payload;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("No notification came within 30 s");
      poll (&fd, 1, 100);
    }
}

static void
test_notify (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) listener = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  gboolean deleted;
  gint64 id;

  if (db == NULL)
    return;
  listener = tg_db_connect (db->conninfo, "tollgate-tests-listener", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (listener, "LISTEN tollgate_config", &error));

  id = set_budget (db->conn, "overall", "1000", "AUD", NULL, TRUE);
  first = wait_for_notification (listener);
  g_assert_cmpstr (first, ==, "tollgate_config budgets");

  g_assert_true (tg_quota_set (db->conn, "here", TG_QUOTA_UNIT_CALLS, TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  second = wait_for_notification (listener);
  g_assert_cmpstr (second, ==, "tollgate_config provider_quotas");

  g_assert_true (tg_budget_delete (db->conn, id, &deleted, &error));
  third = wait_for_notification (listener);
  g_assert_cmpstr (third, ==, "tollgate_config budgets");
}

/* Spend in the reporting currency (AUD), in USD (rates stored USD→AUD, so AUD→USD
 * divides) and in NZD (stored AUD→NZD, multiplies), each local day at the rate of its
 * local date, against plain SQL over the rows; rows in the rollups and in the tail; none
 * at or after the moment. */
static void
test_currency (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *hand = NULL;
  g_auto(GStrv) parts = NULL;
  const char *budget_scopes[] = { "feature:checkout", "overall", "provider:geoscape" };
  const char *currencies[] = { "AUD", "USD", "NZD" };
  gint64 ids[3];

  if (db == NULL)
    return;
  tg_test_db_exec (db,
    "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) VALUES "
    "('USD', 'AUD', '2026-11-10', 1.6),"
    "('AUD', 'NZD', '2026-01-01', 1.0825), ('AUD', 'NZD', '2026-11-15', 1.0911)");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = set_budget (db->conn, budget_scopes[i], "100", currencies[i], NULL, TRUE);

  /* Before the month; on both sides of local midnight of the 10th (both on the 9th in
   * UTC); across the 15th; the tail after the refresh; the moment itself and later. */
  insert_credits (db, "2026-10-31 23:59:59", "1000", "checkout");
  insert_credits (db, "2026-11-01 00:00", "3.333", "checkout");
  insert_credits (db, "2026-11-03 08:15:07", "17.777", "checkout");
  insert_credits (db, "2026-11-09 23:50", "7.001", "checkout");
  insert_credits (db, "2026-11-10 00:10", "9.999", "checkout");
  insert_credits (db, "2026-11-14 23:59:59.999999", "1.234", "checkout");
  insert_credits (db, "2026-11-15 00:00", "2.345", "checkout");
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  insert_credits (db, "2026-11-16 10:00", "4.321", "checkout");
  insert_credits (db, "2026-11-20 11:52", "0.007", "checkout");
  insert_credits (db, "2026-11-20 11:59:59.999999", "0.011", "checkout");
  insert_credits (db, "2026-11-20 12:00", "500", "checkout");
  insert_credits (db, "2026-11-21 09:00", "500", "checkout");

  hand = tg_test_db_scalar (db,
    "WITH d AS (SELECT (u.created_at AT TIME ZONE '" ZONE "')::date AS day, "
    "                  sum(u.credit_cost) * 0.10 AS aud "
    "           FROM tollgate.api_usage_tracking u "
    "           WHERE u.created_at >= " MONTH_START_SQL " AND u.created_at < " NOW_SQL " "
    "           GROUP BY 1) "
    "SELECT round(sum(d.aud), 6) || ' ' "
    "    || round(sum(round(d.aud / CASE WHEN d.day >= '2026-11-10' THEN 1.6 ELSE 1.4680 END, 12)), 6) || ' ' "
    "    || round(sum(round(d.aud * CASE WHEN d.day >= '2026-11-15' THEN 1.0911 ELSE 1.0825 END, 12)), 6) "
    "FROM d");
  parts = g_strsplit (hand, " ", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  statuses = fetch_status (db);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      TgBudgetStatus *status = find_status (statuses, FALSE, ids[i]);
      gint64 expected;

      g_assert_true (tg_money_parse (parts[i], &expected, NULL));
      g_assert_cmpstr (status->unit, ==, currencies[i]);
      g_assert_cmpint (status->actual, ==, expected);
      g_assert_cmpstr (status->month, ==, "2026-11");
      g_assert_cmpuint (status->month_days, ==, 30);
      g_assert_cmpuint (status->cumulative->len, ==, 20);
      g_assert_cmpint (g_date_get_day (&status->first_day), ==, 1);
      g_assert_cmpint (status->month_start, ==,
                       tg_test_db_scalar_int (db, "SELECT (extract(epoch FROM " MONTH_START_SQL ") * 1000000)::int8"));
      g_assert_cmpint (status->month_end, ==,
                       tg_test_db_scalar_int (db, "SELECT (extract(epoch FROM timestamptz '2026-12-01 00:00 " ZONE "') * 1000000)::int8"));
      g_assert_cmpint (status->as_of, ==, now_usec (db));
    }

  /* Day by day, the USD budget's cumulative actual against the same plain SQL. */
  {
    TgBudgetStatus *status = find_status (statuses, FALSE, ids[1]);
    g_autofree char *days = tg_test_db_scalar (db,
      "WITH d AS (SELECT (u.created_at AT TIME ZONE '" ZONE "')::date AS day, "
      "                  sum(u.credit_cost) * 0.10 AS aud "
      "           FROM tollgate.api_usage_tracking u "
      "           WHERE u.created_at >= " MONTH_START_SQL " AND u.created_at < " NOW_SQL " "
      "           GROUP BY 1), "
      "c AS (SELECT g.day::date AS day, "
      "             round(coalesce(d.aud, 0) / CASE WHEN g.day >= '2026-11-10' THEN 1.6 ELSE 1.4680 END, 12) AS usd "
      "      FROM generate_series(date '2026-11-01', date '2026-11-20', interval '1 day') g (day) "
      "      LEFT JOIN d ON d.day = g.day) "
      "SELECT string_agg(round(s.total, 6)::text, ',' ORDER BY s.day) "
      "FROM (SELECT c.day, sum(c.usd) OVER (ORDER BY c.day) AS total FROM c) s");
    g_auto(GStrv) each = g_strsplit (days, ",", -1);

    g_assert_cmpuint (g_strv_length (each), ==, status->cumulative->len);
    for (guint d = 0; each[d] != NULL; d++)
      {
        gint64 expected;

        g_assert_true (tg_money_parse (each[d], &expected, NULL));
        g_assert_cmpint (g_array_index (status->cumulative, gint64, d), ==, expected);
      }
    g_assert_cmpfloat_with_epsilon (status->rate, 1 / 1.6, 1e-9);
  }

  /* A reporting currency no rate connects with NZD: no actual, said so. */
  tg_test_db_exec (db, "SELECT tollgate.change_setting('reporting-currency', 'GBP')");
  g_clear_pointer (&statuses, g_ptr_array_unref);
  statuses = fetch_status (db);
  {
    TgBudgetStatus *status = find_status (statuses, FALSE, ids[2]);
    g_autofree char *subject = g_strdup_printf ("budget:%" G_GINT64_FORMAT, ids[2]);
    g_autofree char *c = candidate (db, "budget", subject);

    g_assert_cmpuint (status->cumulative->len, ==, 0);
    g_assert_true (isnan (status->percent));
    g_assert_true (isnan (status->rate));
    assert_contains (c, "no exchange rate leads between NZD and GBP");
    g_assert_true (g_str_has_prefix (c, "||"));
  }
}

static void
test_candidates (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *c = NULL;
  g_autofree char *overall = NULL;
  g_autofree char *jump = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *period = NULL;
  TgForecast forecast = { 0 };
  gboolean stored = FALSE;
  gint64 overall_id;
  gint64 jump_id;
  gint64 abs_id;
  TgBudgetStatus *status;

  if (db == NULL)
    return;
  overall_id = set_budget (db->conn, "overall", "10000", "AUD", NULL, TRUE);
  jump_id = set_budget (db->conn, "feature:jump", "100", "AUD", NULL, TRUE);
  abs_id = set_budget (db->conn, "feature:abs", "1000", "AUD", "50,750.00AUD,100:forecast", TRUE);
  overall = g_strdup_printf ("budget:%" G_GINT64_FORMAT, overall_id);
  jump = g_strdup_printf ("budget:%" G_GINT64_FORMAT, jump_id);
  absolute = g_strdup_printf ("budget:%" G_GINT64_FORMAT, abs_id);

  /* One row per budget and kind, in the local month. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.budget_alert_candidates(" NOW_SQL ")"), ==, 6);
  period = tg_test_db_scalar (db,
    "SELECT string_agg(DISTINCT (c.period_start = " MONTH_START_SQL
    " AND c.period_end = timestamptz '2026-12-01 00:00 " ZONE "')::text, ',') "
    "FROM tollgate.budget_alert_candidates(" NOW_SQL ") c");
  g_assert_cmpstr (period, ==, "true");

  /* 5,000 AUD of 10,000: below every threshold. */
  insert_credits (db, "2026-11-03 10:00", "50000", NULL);
  c = candidate (db, "budget", overall);
  g_assert_cmpstr (c, ==, "||Overall spend 5,000.00 AUD is 50.0 % of the 10,000.00 AUD "
                   "November budget; no threshold is passed.");
  g_clear_pointer (&c, g_free);

  /* Crossing 70 on the 5th, then 85 on the 7th. */
  insert_credits (db, "2026-11-05 10:00", "22000", NULL);
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  c = candidate (db, "budget", overall);
  g_assert_cmpstr (c, ==, "70.0000|70|Overall spend 7,200.00 AUD is 72.0 % of the 10,000.00 AUD "
                   "November budget; the 70 % threshold is passed.");
  g_clear_pointer (&c, g_free);
  insert_credits (db, "2026-11-07 23:59", "14000", NULL);
  c = candidate (db, "budget", overall);
  g_assert_true (g_str_has_prefix (c, "85.0000|85|Overall spend 8,600.00 AUD is 86.0 %"));
  g_clear_pointer (&c, g_free);
  statuses = fetch_status (db);
  status = find_status (statuses, FALSE, overall_id);
  g_assert_cmpint (status->passed, ==, 1);
  g_assert_cmpint (g_date_get_day (&status->passed_since), ==, 7);
  g_assert_cmpint (status->passed_since_start, ==, tg_test_db_scalar_int (db,
    "SELECT (extract(epoch FROM timestamptz '2026-11-07 00:00 " ZONE "') * 1000000)::int8"));
  g_assert_cmpint (g_array_index (status->threshold_amounts, gint64, 1), ==, 8500 * TG_MICROS_PER_UNIT);
  g_clear_pointer (&statuses, g_ptr_array_unref);

  /* A jump from 60 % to 97 %: one candidate naming 95. */
  insert_credits (db, "2026-11-02 09:00", "600", "jump");
  c = candidate (db, "budget", jump);
  g_assert_true (g_str_has_prefix (c, "||Feature jump spend 60.00 AUD is 60.0 %"));
  g_clear_pointer (&c, g_free);
  insert_credits (db, "2026-11-19 09:00", "370", "jump");
  c = candidate (db, "budget", jump);
  g_assert_cmpstr (c, ==, "95.0000|95|Feature jump spend 97.00 AUD is 97.0 % of the 100.00 AUD "
                   "November budget; the 95 % threshold is passed.");
  g_clear_pointer (&c, g_free);

  /* An absolute threshold ranks as the percentage it is. */
  insert_credits (db, "2026-11-12 13:00", "7600", "abs");
  c = candidate (db, "budget", absolute);
  g_assert_cmpstr (c, ==, "75.0000|750.00 AUD|Feature abs spend 760.00 AUD is 76.0 % of the "
                   "1,000.00 AUD November budget; the 750.00 AUD threshold is passed.");
  g_clear_pointer (&c, g_free);

  /* A raised budget passes nothing: the state machine hears of the recovery. */
  set_budget (db->conn, "overall", "50000", "AUD", NULL, FALSE);
  c = candidate (db, "budget", overall);
  g_assert_true (g_str_has_prefix (c, "||Overall spend"));
  g_clear_pointer (&c, g_free);

  /* Forecasts: none yet; one without enough history; then one with its interval. */
  c = candidate (db, "forecast", absolute);
  g_assert_cmpstr (c, ==, "||Feature abs spend forecast for November is held back: none has "
                   "been made this month yet.");
  g_clear_pointer (&c, g_free);

  forecast.forecast = 1500 * TG_MICROS_PER_UNIT;
  forecast.basis_days = 40;
  forecast.confidence = TG_FORECAST_CONFIDENCE_MEDIUM;
  g_assert_true (tg_budget_store_forecast (db->conn, FALSE, abs_id, "2026-11", "AUD",
                                           now_usec (db) - G_USEC_PER_SEC, &forecast, &stored,
                                           &error));
  g_assert_no_error (error);
  g_assert_true (stored);
  c = candidate (db, "forecast", absolute);
  g_assert_cmpstr (c, ==, "||Feature abs spend forecast for November is held back: it stands on "
                   "too little history yet (confidence medium, 40 days).");
  g_clear_pointer (&c, g_free);

  forecast.confidence = TG_FORECAST_CONFIDENCE_HIGH;
  forecast.has_interval = TRUE;
  forecast.low = 1200 * TG_MICROS_PER_UNIT;
  forecast.high = 1800 * TG_MICROS_PER_UNIT;
  /* An older one than what is stored is not stored. */
  g_assert_true (tg_budget_store_forecast (db->conn, FALSE, abs_id, "2026-11", "AUD",
                                           now_usec (db) - 2 * G_USEC_PER_SEC, &forecast, &stored,
                                           &error));
  g_assert_false (stored);
  g_assert_true (tg_budget_store_forecast (db->conn, FALSE, abs_id, "2026-11", "AUD",
                                           now_usec (db), &forecast, &stored, &error));
  g_assert_true (stored);
  c = candidate (db, "forecast", absolute);
  g_assert_cmpstr (c, ==, "100.0000|100|Feature abs spend is forecast to reach 1,500.00 AUD by the "
                   "end of November (80 % interval 1,200.00 AUD to 1,800.00 AUD), 150.0 % of the 1,000.00 AUD "
                   "budget; the 100 % threshold is passed.");
  g_clear_pointer (&c, g_free);
  /* The actual thresholds of that budget are another candidate. */
  c = candidate (db, "budget", absolute);
  g_assert_true (g_str_has_prefix (c, "75.0000|750.00 AUD|"));
  g_clear_pointer (&c, g_free);

  statuses = fetch_status (db);
  status = find_status (statuses, FALSE, abs_id);
  g_assert_true (status->has_forecast);
  g_assert_true (status->enough_data);
  g_assert_true (status->has_interval);
  g_assert_cmpint (status->forecast, ==, 1500 * TG_MICROS_PER_UNIT);
  g_assert_cmpint (status->low, ==, 1200 * TG_MICROS_PER_UNIT);
  g_assert_cmpint (status->confidence, ==, TG_FORECAST_CONFIDENCE_HIGH);
  g_assert_cmpint (status->forecast_passed, ==, 2);
  g_assert_cmpint (status->passed, ==, 1);

  /* A forecast of another month, or in another currency, is not this month's. */
  g_assert_true (tg_budget_store_forecast (db->conn, FALSE, abs_id, "2026-11", "USD",
                                           now_usec (db) + 1, &forecast, &stored, &error));
  g_assert_false (stored);
  g_assert_false (tg_budget_store_forecast (db->conn, FALSE, abs_id, "2026-10", "AUD",
                                            now_usec (db), &forecast, &stored, &error));
  assert_contains (error->message, "is of the month beginning 2026-11-01");
}

/* tg_budget_service_refresh_forecasts() with half a year of steady history: a forecast
 * with its interval, in the budget's currency, that may alert; with a fortnight only:
 * held back. */
static void
test_refresh_forecasts (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autoptr(TgTestDb) young = new_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (ZONE);
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *c = NULL;
  g_autofree char *subject = NULL;
  TgBudgetStatus *status;
  TgBudgetStatus *usd;
  gint64 id;
  gint64 usd_id;

  if (db == NULL)
    return;

  /* 25 credits (2.50 AUD) every six hours from May: 10 AUD a day. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 25, 200, g "
    "FROM generate_series(timestamptz '2026-05-01 03:00 " ZONE "', " NOW_SQL " - interval '1 second', "
    "                     interval '6 hours') g");
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  id = set_budget (db->conn, "overall", "280", "AUD", "70,100:forecast", TRUE);
  usd_id = set_budget (db->conn, "provider:geoscape", "1000", "USD", "50:forecast", TRUE);

  g_assert_true (tg_budget_service_refresh_forecasts (db->conn, tz, now_usec (db), &error));
  g_assert_no_error (error);
  /* Again: the same rows, nothing added. */
  g_assert_true (tg_budget_service_refresh_forecasts (db->conn, tz, now_usec (db), &error));
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budget_forecasts"), ==, 2);

  statuses = fetch_status (db);
  status = find_status (statuses, FALSE, id);
  g_assert_true (status->has_forecast);
  g_assert_cmpint (status->confidence, ==, TG_FORECAST_CONFIDENCE_HIGH);
  g_assert_true (status->enough_data);
  g_assert_true (status->has_interval);
  g_assert_cmpint (status->forecast_as_of, ==, now_usec (db));
  g_assert_cmpint (status->actual, ==, 195 * TG_MICROS_PER_UNIT);
  /* 30 days of 10 AUD. */
  g_assert_cmpfloat (fabs ((double)status->forecast - 300e6), <, 3e6);
  g_assert_cmpint (status->low, <=, status->forecast);
  g_assert_cmpint (status->high, >=, status->forecast);
  g_assert_cmpint (status->forecast_passed, ==, 1);
  subject = g_strdup_printf ("budget:%" G_GINT64_FORMAT, id);
  c = candidate (db, "forecast", subject);
  g_assert_true (g_str_has_prefix (c, "100.0000|100|Overall spend is forecast to reach 30"));

  /* The USD budget's forecast: its actual in USD plus the rest at today's rate. */
  usd = find_status (statuses, FALSE, usd_id);
  g_assert_true (usd->has_forecast);
  g_assert_cmpint (usd->actual, ==, tg_test_db_scalar_int (db,
    "SELECT (round(19 * round(10 / 1.4680, 12) + round(5 / 1.4680, 12), 6) * 1000000)::int8"));
  g_assert_cmpfloat (fabs ((double)usd->forecast - (double)usd->actual
                           - ((double)status->forecast - (double)status->actual) / 1.4680), <, 2.0);
  g_assert_cmpint (usd->forecast_passed, ==, -1);

  if (young == NULL)
    return;
  /* A fortnight of history: the run-rate, held back. */
  tg_test_db_exec (young,
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, credit_cost, response_status, created_at) "
    "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 25, 200, g "
    "FROM generate_series(timestamptz '2026-11-06 03:00 " ZONE "', " NOW_SQL " - interval '1 second', "
    "                     interval '6 hours') g");
  id = set_budget (young->conn, "overall", "100", "AUD", "50:forecast", TRUE);
  g_assert_true (tg_budget_service_refresh_forecasts (young->conn, tz, now_usec (young), &error));
  g_assert_no_error (error);
  g_clear_pointer (&statuses, g_ptr_array_unref);
  statuses = tg_budget_fetch_status (young->conn, now_usec (young), &error);
  status = find_status (statuses, FALSE, id);
  g_assert_true (status->has_forecast);
  g_assert_false (status->enough_data);
  g_assert_false (status->has_interval);
  g_assert_cmpint (status->forecast_passed, ==, -1);
  g_clear_pointer (&c, g_free);
  g_free (subject);
  subject = g_strdup_printf ("budget:%" G_GINT64_FORMAT, id);
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT coalesce(c.level::text, '') || '|' || c.message "
      "FROM tollgate.budget_alert_candidates(" NOW_SQL ") c "
      "WHERE c.kind = 'forecast' AND c.subject = '%s'", subject);

    c = tg_test_db_scalar (young, sql);
  }
  g_assert_true (g_str_has_prefix (c, "|Overall spend forecast for November is held back: it "
                                      "stands on too little history yet (confidence low"));
}

/* Quota use this month, the mean of the last seven days, when the quota and a prepaid
 * balance run out, against plain SQL over the rows. */
static void
test_quotas (void)
{
  g_autoptr(TgTestDb) db = new_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *c = NULL;
  g_autofree char *subject = NULL;
  TgBudgetStatus *status;
  gint64 calls_id = 0;
  gint64 credits_id = 0;
  gint64 expected;

  if (db == NULL)
    return;
  /* HERE: 10 calls an hour since the 1st (local), a batch of 100 before the month. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, response_status, created_at) "
    "SELECT 'here', '/v1/geocode', 'geocode', 10, 200, g "
    "FROM generate_series(" MONTH_START_SQL " + interval '30 minutes', " NOW_SQL " + interval '2 hours', "
    "                     interval '1 hour') g;"
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "call_count, response_status, created_at) VALUES "
    "('here', '/v1/geocode', 'geocode', 100, 200, " MONTH_START_SQL " - interval '1 minute')");
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  g_assert_true (tg_quota_set (db->conn, "here", TG_QUOTA_UNIT_CALLS, 6000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, &calls_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tg_quota_set (db->conn, "geoscape", TG_QUOTA_UNIT_CREDITS,
                               100 * TG_MICROS_PER_UNIT, 80 * TG_MICROS_PER_UNIT, NULL, &credits_id,
                               NULL, &error));
  /* Geoscape: 12.5 credits on the 18th, 2.25 on the 19th; the balance stated on the 18th. */
  insert_credits (db, "2026-11-18 08:00", "12.5", NULL);
  insert_credits (db, "2026-11-19 08:00", "2.25", NULL);
  tg_test_db_exec (db, "UPDATE tollgate.provider_quotas SET prepaid_at = timestamptz '2026-11-18 09:07 "
                       ZONE "' WHERE provider = 'geoscape'");

  statuses = fetch_status (db);
  g_assert_cmpuint (statuses->len, ==, 2);
  status = find_status (statuses, TRUE, calls_id);
  g_assert_cmpstr (status->unit, ==, "calls");
  g_assert_cmpstr (status->quota->provider, ==, "here");
  /* 19 days and 11.5 hours of 10 calls an hour: the 12 hours of the 20th hold 12 calls
   * before noon (00:30 … 11:30). */
  expected = tg_test_db_scalar_int (db,
    "SELECT sum(call_count) FROM tollgate.api_usage_tracking "
    "WHERE api_provider = 'here' AND created_at >= " MONTH_START_SQL " AND created_at < " NOW_SQL);
  g_assert_cmpint (status->actual, ==, expected * TG_MICROS_PER_UNIT);
  g_assert_cmpint (status->actual, ==, 4680 * TG_MICROS_PER_UNIT);
  g_assert_cmpint (g_array_index (status->cumulative, gint64, 0), ==, 240 * TG_MICROS_PER_UNIT);
  /* 7 days × 240 calls. */
  g_assert_cmpint (status->daily_rate, ==, 240 * TG_MICROS_PER_UNIT);
  /* 6,000 − 4,680 = 1,320 calls at 240 a day: 5.5 days after the moment. */
  g_assert_true (status->runs_out);
  g_assert_cmpint (status->runs_out_at, ==, now_usec (db) + (gint64)(5.5 * 86400) * G_USEC_PER_SEC);
  g_assert_cmpint (status->passed, ==, 0);   /* 78 %: 70 passed */

  subject = g_strdup_printf ("quota:%" G_GINT64_FORMAT, calls_id);
  c = candidate (db, "quota", subject);
  g_assert_cmpstr (c, ==, "70.0000|70|HERE used 4,680 calls of its 6,000 calls for November "
                   "(78.0 %); the 70 % threshold is passed. At the last 7 days' rate it runs out "
                   "on 2026-11-26.");
  g_clear_pointer (&c, g_free);

  /* Credits: 14.75 of 100; the balance of 80 stated at 09:07 on the 18th counts from 09:00,
   * so only the 19th's 2.25 go against it. */
  status = find_status (statuses, TRUE, credits_id);
  g_assert_cmpstr (status->unit, ==, "credits");
  g_assert_cmpint (status->actual, ==, 14750000);
  g_assert_cmpint (status->passed, ==, -1);
  g_assert_true (status->quota->has_prepaid);
  g_assert_cmpint (status->prepaid_left, ==, 77750000);
  /* 14.75 credits over 7 days. */
  g_assert_cmpint (status->daily_rate, ==, 2107143);
  g_assert_true (status->prepaid_runs_out);
  g_assert_cmpfloat (fabs ((double)(status->prepaid_runs_out_at - now_usec (db)) / G_USEC_PER_SEC
                           - 77.75 / 2.107143 * 86400), <, 1.0);
  /* At that rate 85.25 credits last well beyond the month. */
  g_assert_false (status->runs_out);

  /* Used up: the quota runs out now, and says so. */
  g_assert_true (tg_quota_set (db->conn, "here", TG_QUOTA_UNIT_CALLS, 4000 * TG_MICROS_PER_UNIT,
                               TG_QUOTA_PREPAID_KEEP, NULL, NULL, NULL, &error));
  g_clear_pointer (&statuses, g_ptr_array_unref);
  statuses = fetch_status (db);
  status = find_status (statuses, TRUE, calls_id);
  g_assert_true (status->runs_out);
  g_assert_cmpint (status->runs_out_at, ==, now_usec (db));
  g_assert_cmpint (status->passed, ==, 3);
  c = candidate (db, "quota", subject);
  g_assert_cmpstr (c, ==, "100.0000|100|HERE used 4,680 calls of its 4,000 calls for November "
                   "(117.0 %); the 100 % threshold is passed. It is used up.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/budgets/set-update-delete", test_set_update_delete);
  g_test_add_func ("/tollgate/db/budgets/rights", test_rights);
  g_test_add_func ("/tollgate/db/budgets/audit", test_audit);
  g_test_add_func ("/tollgate/db/budgets/notify", test_notify);
  g_test_add_func ("/tollgate/db/budgets/currency", test_currency);
  g_test_add_func ("/tollgate/db/budgets/candidates", test_candidates);
  g_test_add_func ("/tollgate/db/budgets/refresh-forecasts", test_refresh_forecasts);
  g_test_add_func ("/tollgate/db/budgets/quotas", test_quotas);

  return g_test_run ();
}
