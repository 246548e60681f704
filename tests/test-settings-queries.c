/* test-settings-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The shared settings: reading them, and changing one as the UI does (asynchronously on a
 * TgDbConnection) and as tollgatectl does (blocking, and through the program itself).
 * A new reporting currency must leave every figure as a fresh rebuild of the rollups in
 * that currency gives it; the rights are the server's.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tg-db-connection.h"
#include "tg-db-util.h"
#include "tg-settings-queries.h"
#include "tg-test-db.h"
#include "tg-usage-queries.h"

#define GUARD_SECONDS 60

/* Rates into USD besides the defaults' into AUD (0003), so that every provider's costs
 * convert either way.
 */
static const char rates_sql[] =
  "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
  "VALUES ('AUD', 'USD', '2024-01-01', 0.68), ('GBP', 'USD', '2024-01-01', 1.27), "
  "       ('CAD', 'USD', '2024-01-01', 0.74), ('EUR', 'USD', '2024-01-01', 1.10)";

static const char * const anchors[] = {
  "2026-03-31 13:30:00+00",
  "2026-04-15 00:00:00+00",
  "2026-05-02 07:45:00+00",
};

/* April and May 2026 by day, UTC. */
#define FIRST_DAY G_GINT64_CONSTANT (1774915200)    /* 2026-03-31 00:00 UTC */
#define N_DAYS    63

typedef struct
{
  GMainContext *context;
  TgTestDb     *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->db = tg_test_db_new (TRUE);
  if (fixture->db == NULL)
    return;

  tg_test_db_exec (fixture->db, rates_sql);

  /* Rolled up, then a tail that no refresher saw: both must change currency. */
  tg_test_insert_random_usage (fixture->db, 7, 1500, anchors, G_N_ELEMENTS (anchors));
  tg_test_db_exec (fixture->db, "SELECT tollgate.refresh_rollups()");
  tg_test_insert_random_usage (fixture->db, 8, 300, anchors, G_N_ELEMENTS (anchors));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  while (g_main_context_iteration (fixture->context, FALSE))
    ;

  g_clear_pointer (&fixture->db, tg_test_db_free);
  g_main_context_pop_thread_default (fixture->context);
  g_clear_pointer (&fixture->context, g_main_context_unref);
}

/* Waiting */

static gboolean
guard_expired_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);

  g_source_set_callback (guard, guard_expired_cb, &expired, NULL);
  g_source_attach (guard, context);
  while (*result == NULL && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);

  if (*result == NULL)
    g_error ("gave up after %d s waiting for the database", GUARD_SECONDS);
}

/* Figures */

/* Every day of April and May by provider, as the Overview and tollgatectl read them:
 * rollups plus the tail.
 */
static GPtrArray *
fetch_figures (TgTestDb *db)
{
  gint64 bounds[N_DAYS + 1];
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  for (guint i = 0; i <= N_DAYS; i++)
    bounds[i] = FIRST_DAY + i * 86400;

  rows = tg_usage_fetch_series (db->conn, bounds, G_N_ELEMENTS (bounds),
                                TG_USAGE_GROUP_PROVIDER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >, 0);

  return rows;
}

static gint64
total_cost (GPtrArray *rows)
{
  gint64 cost = 0;

  for (guint i = 0; i < rows->len; i++)
    cost += ((TgUsageRow *)g_ptr_array_index (rows, i))->cost;

  return cost;
}

static void
assert_figures_equal (GPtrArray *a,
                      GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const TgUsageRow *x = g_ptr_array_index (a, i);
      const TgUsageRow *y = g_ptr_array_index (b, i);

      g_assert_cmpint (x->start, ==, y->start);
      g_assert_cmpstr (x->group, ==, y->group);
      g_assert_cmpint (x->calls, ==, y->calls);
      g_assert_cmpint (x->billable_calls, ==, y->billable_calls);
      g_assert_cmpint (x->credits, ==, y->credits);
      g_assert_cmpstr (x->native_currency, ==, y->native_currency);
      g_assert_cmpint (x->cost_native, ==, y->cost_native);
      g_assert_cmpint (x->cost, ==, y->cost);
      g_assert_cmpint (x->unpriced_calls, ==, y->unpriced_calls);
    }
}

/* After a change of the reporting currency to @currency: the setting, the currency the
 * rollups are in, and every figure equal to a fresh rebuild's; the costs are not those in
 * the old currency (@before).
 */
static void
assert_converted (TgTestDb   *db,
                  const char *currency,
                  GPtrArray  *before)
{
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) rebuilt = NULL;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rollup_currency = NULL;

  settings = tg_settings_fetch (db->conn, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (settings->reporting_currency, ==, currency);
  rollup_currency = tg_test_db_scalar (db, "SELECT reporting_currency FROM tollgate.rollup_state");
  g_assert_cmpstr (rollup_currency, ==, currency);

  after = fetch_figures (db);
  tg_test_db_exec (db, "SELECT tollgate.recompute_rollups('-infinity')");
  rebuilt = fetch_figures (db);
  assert_figures_equal (after, rebuilt);

  g_assert_cmpint (total_cost (after), !=, total_cost (before));
}

/* Tests */

static void
test_read (Fixture       *fixture,
           gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgUsageSettings) blocking = NULL;
  g_autoptr(TgUsageSettings) async = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zone = NULL;
  char *missing;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Australia/Adelaide' "
                       "WHERE key = 'billing-timezone'");

  blocking = tg_settings_fetch (db->conn, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (blocking->billing_timezone, ==, "Australia/Adelaide");
  g_assert_cmpstr (blocking->reporting_currency, ==, "AUD");

  conn = tg_db_connection_new (db->conninfo);
  tg_settings_async (conn, NULL, store_result_cb, &result);
  wait_for (&result);
  async = tg_settings_finish (conn, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (async->billing_timezone, ==, blocking->billing_timezone);
  g_assert_cmpstr (async->reporting_currency, ==, blocking->reporting_currency);
  tg_db_connection_close (conn);

  zone = tg_settings_fetch_value (db->conn, "billing-timezone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (zone, ==, "Australia/Adelaide");

  missing = tg_settings_fetch_value (db->conn, "alert-email", &error);
  g_assert_null (missing);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_cmpstr (error->message, ==, "There is no setting “alert-email”");
}

/* As the Preferences window does: one statement on the UI's connection, which has a
 * statement timeout.
 */
static void
test_change_async (Fixture       *fixture,
                   gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  before = fetch_figures (db);

  conn = tg_db_connection_new (db->conninfo);
  tg_db_connection_set_statement_timeout_ms (conn, 30000);
  tg_settings_change_async (conn, "reporting-currency", "USD", NULL, store_result_cb, &result);
  wait_for (&result);
  g_assert_true (tg_settings_change_finish (conn, result, &error));
  g_assert_no_error (error);
  tg_db_connection_close (conn);

  assert_converted (db, "USD", before);
}

/* A rebuild that outlasts the UI connection's statement timeout still completes: the
 * change's transaction has a timeout of its own. Forced, not hoped for: another session
 * holds the rollup state's row, so the rebuild waits for it (holding the refresher's own
 * lock instead would fail the change at once: 0009_refresher_lock.sql); that session
 * lets go only once the change has waited three times the connection's timeout.
 * Afterwards the connection's own timeout holds again.
 */
static void
test_change_async_outlasts_timeout (Fixture       *fixture,
                                    gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) slow = NULL;
  g_autoptr(TgDbResult) slow_result = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) holder = NULL;
  gint64 deadline;

  if (db == NULL)
    return;

  before = fetch_figures (db);

  holder = tg_test_db_connect_as (db, "postgres");
  g_assert_null (tg_test_conn_scalar (holder, "BEGIN"));
  g_free (tg_test_conn_scalar (holder,
                               "SELECT last_id FROM tollgate.rollup_state FOR UPDATE"));

  conn = tg_db_connection_new (db->conninfo);
  tg_db_connection_set_statement_timeout_ms (conn, 100);
  tg_settings_change_async (conn, "reporting-currency", "USD", NULL, store_result_cb, &result);

  /* The change waits for the lock, and has waited well past 100 ms. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *waited = tg_test_db_scalar (db,
        "SELECT coalesce (max (extract (epoch FROM now () - query_start)), 0) "
        "FROM pg_stat_activity "
        "WHERE datname = current_database () AND wait_event_type = 'Lock' "
        "  AND query LIKE '%change_setting%'");

      g_assert_null (result);
      if (g_ascii_strtod (waited, NULL) >= 0.3)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (g_main_context_get_thread_default (), FALSE);
      g_usleep (10000);
    }

  g_free (tg_test_conn_scalar (holder, "COMMIT"));
  wait_for (&result);
  g_assert_true (tg_settings_change_finish (conn, result, &error));
  g_assert_no_error (error);
  assert_converted (db, "USD", before);

  /* The connection's own timeout is back for what follows. */
  tg_db_connection_query_async (conn, "SELECT pg_sleep (0.5)", NULL, 0, NULL,
                                store_result_cb, &slow);
  wait_for (&slow);
  slow_result = tg_db_connection_query_finish (conn, slow, &error);
  g_assert_null (slow_result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "statement timeout"));

  tg_db_connection_close (conn);
}

/* As tollgatectl settings set does, through the function and through the program. */
static void
test_change_blocking (Fixture       *fixture,
                      gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const char *tollgatectl = g_getenv ("TOLLGATECTL");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  before = fetch_figures (db);
  g_assert_true (tg_settings_change (db->conn, "reporting-currency", "USD", &error));
  g_assert_no_error (error);
  assert_converted (db, "USD", before);

  if (tollgatectl == NULL)
    {
      g_test_message ("TOLLGATECTL is not set (run through meson test): program not run");
      return;
    }

  /* Back to AUD: the figures are again those of before. */
  {
    const char *argv[] = { tollgatectl, "settings", "set", "reporting-currency", "AUD",
                           "--db", db->conninfo, NULL };
    g_autoptr(GPtrArray) usd = fetch_figures (db);
    g_autoptr(GPtrArray) aud = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int wait_status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &wait_status, &error));
    g_assert_no_error (error);
    g_test_message ("tollgatectl: %s%s", out, err);
    g_assert_true (g_spawn_check_wait_status (wait_status, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (out, ==, "reporting-currency = AUD\n");

    assert_converted (db, "AUD", usd);
    aud = fetch_figures (db);
    assert_figures_equal (aud, before);
  }
}

/* A currency set earlier by a bare UPDATE (as the UI did) is converted when it is set
 * again; setting a currency the rollups are in already rebuilds nothing and logs nothing.
 */
static void
test_change_repairs (Fixture       *fixture,
                     gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refreshed = NULL;
  g_autofree char *refreshed_again = NULL;
  gint64 audited;

  if (db == NULL)
    return;

  before = fetch_figures (db);
  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'USD' WHERE key = 'reporting-currency'");
  g_assert_true (tg_settings_change (db->conn, "reporting-currency", "USD", &error));
  g_assert_no_error (error);
  assert_converted (db, "USD", before);

  refreshed = tg_test_db_scalar (db, "SELECT users_refreshed_at FROM tollgate.rollup_state");
  audited = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log "
                                       "WHERE table_name = 'settings'");
  g_assert_true (tg_settings_change (db->conn, "reporting-currency", "USD", &error));
  g_assert_no_error (error);
  refreshed_again = tg_test_db_scalar (db, "SELECT users_refreshed_at FROM tollgate.rollup_state");
  g_assert_cmpstr (refreshed_again, ==, refreshed);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log "
                                              "WHERE table_name = 'settings'"), ==, audited);
}

/* A new billing time zone is a plain change: the refresher moves the per-user months. */
static void
test_change_zone (Fixture       *fixture,
                  gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *built_for = NULL;
  g_autofree char *currency = NULL;

  if (db == NULL)
    return;

  g_assert_true (tg_settings_change (db->conn, "billing-timezone", "Australia/Sydney", &error));
  g_assert_no_error (error);
  zone = tg_settings_fetch_value (db->conn, "billing-timezone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (zone, ==, "Australia/Sydney");

  built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
  g_assert_cmpstr (built_for, ==, "UTC");
  currency = tg_test_db_scalar (db, "SELECT reporting_currency FROM tollgate.rollup_state");
  g_assert_cmpstr (currency, ==, "AUD");
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  if (db == NULL)
    return;

  g_assert_false (tg_settings_change (db->conn, "nonsense", "1", &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "unknown setting \"nonsense\""));
  g_assert_nonnull (strstr (error->message, "billing-timezone, reporting-currency"));
  g_clear_error (&error);

  /* The settings_valid trigger's refusal, and nothing changed or rebuilt. */
  g_assert_false (tg_settings_change (db->conn, "reporting-currency", "usd", &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "is not an ISO 4217 currency code"));
  g_clear_error (&error);
  g_assert_false (tg_settings_change (db->conn, "billing-timezone", "Mars/Olympus_Mons", &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_clear_error (&error);

  value = tg_test_db_scalar (db, "SELECT string_agg(value, ',' ORDER BY key) FROM tollgate.settings");
  g_assert_cmpstr (value, ==, "UTC,AUD");
}

/* A well-formed code that no cost can be stated in — no exchange rate leads into it and no
 * provider bills in it — would leave every call unpriced and every cost at 0.00: the
 * server refuses it, names the possible currencies, and changes and rebuilds nothing.
 * Once a rate leads into it, it is possible.
 */
static void
test_currency_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const refused[] = { "XYZ", "EUR" };
  TgTestDb *db = fixture->db;
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *message = g_strdup_printf ("cannot report costs in %s", refused[i]);
      g_autofree char *value = NULL;
      g_autofree char *rollup_currency = NULL;

      g_assert_false (tg_settings_change (db->conn, "reporting-currency", refused[i], &error));
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, message));
      g_assert_nonnull (strstr (error->message,
                                "The possible currencies are AUD, CAD, GBP, USD"));
      g_clear_error (&error);

      value = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                     "WHERE key = 'reporting-currency'");
      g_assert_cmpstr (value, ==, "AUD");
      rollup_currency = tg_test_db_scalar (db, "SELECT reporting_currency "
                                               "FROM tollgate.rollup_state");
      g_assert_cmpstr (rollup_currency, ==, "AUD");
    }

  tg_test_db_exec (db, "INSERT INTO tollgate.exchange_rates "
                       "(from_currency, to_currency, effective_from, rate) "
                       "VALUES ('AUD', 'EUR', '2024-01-01', 0.62)");
  g_assert_true (tg_settings_change (db->conn, "reporting-currency", "EUR", &error));
  g_assert_no_error (error);
}

/* The list the refusal names, as a typed query, for the programs to offer. */
static void
test_currencies (Fixture       *fixture,
                 gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) currencies = NULL;
  g_autofree char *joined = NULL;

  if (db == NULL)
    return;

  currencies = tg_settings_fetch_currencies (db->conn, &error);
  g_assert_no_error (error);
  joined = g_strjoinv (",", currencies);
  g_assert_cmpstr (joined, ==, "AUD,CAD,GBP,USD");

  /* A viewer may read it: tollgatectl asks before it changes anything. */
  {
    g_autofree char *login = tg_test_unique_name ("tgcurrencies");
    g_autofree char *create = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer",
                                               login);
    g_autofree char *drop = g_strdup_printf ("DROP ROLE %s", login);
    g_auto(GStrv) seen = NULL;

    tg_test_db_exec (db, create);
    {
      g_autoptr(PGconn) viewer = tg_test_db_connect_as (db, login);

      seen = tg_settings_fetch_currencies (viewer, &error);
    }
    tg_test_db_exec (db, drop);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (seen), ==, 4);
  }
}

/* The server decides: a viewer and finance may not, an admin may. */
static void
test_rights (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct
  {
    const char *role;
    gboolean    allowed;
  } cases[] = {
    { "tollgate_viewer", FALSE },
    { "tollgate_finance", FALSE },
    { "tollgate_admin", TRUE },
  };
  TgTestDb *db = fixture->db;

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *login = tg_test_unique_name ("tgsettings");
      g_autofree char *create = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", login,
                                                 cases[i].role);
      g_autofree char *drop = g_strdup_printf ("DROP ROLE %s", login);
      g_autofree char *conninfo = NULL;
      g_autofree char *currency = NULL;
      g_autoptr(TgDbConnection) conn = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean changed;

      tg_test_db_exec (db, create);
      conninfo = tg_test_db_conninfo_as (db, login);

      /* The UI's way: asynchronously, as the user the window signed in as. */
      conn = tg_db_connection_new (conninfo);
      tg_settings_change_async (conn, "reporting-currency", "GBP", NULL, store_result_cb, &result);
      wait_for (&result);
      changed = tg_settings_change_finish (conn, result, &error);
      tg_db_connection_close (conn);
      while (g_main_context_iteration (fixture->context, FALSE))
        ;
      g_clear_object (&conn);

      currency = tg_test_db_scalar (db, "SELECT value FROM tollgate.settings "
                                        "WHERE key = 'reporting-currency'");
      if (cases[i].allowed)
        {
          g_assert_no_error (error);
          g_assert_true (changed);
          g_assert_cmpstr (currency, ==, "GBP");
          tg_test_db_exec (db, "SELECT tollgate.change_setting('reporting-currency', 'AUD')");
        }
      else
        {
          g_assert_false (changed);
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          g_test_message ("%s: %s", cases[i].role, error->message);
          g_assert_true (g_str_has_prefix (error->message,
                                           "permission denied to change the setting "
                                           "\"reporting-currency\""));
          g_assert_nonnull (strstr (error->message, "tollgate_admin"));
          g_assert_cmpstr (currency, ==, "AUD");

          /* tollgatectl's way says the same. */
          {
            g_autoptr(PGconn) blocking = tg_test_db_connect_as (db, login);

            g_clear_error (&error);
            g_assert_false (tg_settings_change (blocking, "billing-timezone", "UTC", &error));
            g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
          }
        }

      tg_test_db_exec (db, drop);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tollgate/db/settings-queries/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("read", test_read);
  ADD ("change-async", test_change_async);
  ADD ("change-async-outlasts-timeout", test_change_async_outlasts_timeout);
  ADD ("change-blocking", test_change_blocking);
  ADD ("change-repairs", test_change_repairs);
  ADD ("change-zone", test_change_zone);
  ADD ("refused", test_refused);
  ADD ("rights", test_rights);
  ADD ("currency-refused", test_currency_refused);
  ADD ("currencies", test_currencies);

#undef ADD

  return g_test_run ();
}
