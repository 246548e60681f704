/* test-roles.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-migrator.h"
#include "tg-test-db.h"

/* Rights are checked by PostgreSQL itself: for each Tollgate role a fresh LOGIN role,
 * member of it, runs statements that must work and statements that must be refused with
 * SQLSTATE 42501. Each statement runs in its own transaction, rolled back afterwards, so
 * every one sees the same data.
 */

typedef enum
{
  REFUSED = 0,
  ALLOWED = 1,
} Expect;

typedef struct
{
  Expect      expect;
  const char *sql;
} RoleCase;

typedef struct
{
  const char     *group_role;
  const RoleCase *cases;
} RoleSpec;

/* Rows every case can work on, written by the owner before the role connects. */
static const char fixture_sql[] =
  "INSERT INTO tollgate.api_usage_tracking "
  "  (api_provider, api_endpoint, request_type, response_status, credit_cost) "
  "  VALUES ('geoscape', '/v1/addresses', 'validate', 200, 1);"
  "INSERT INTO tollgate.cost_centres VALUES ('OPS', 'Operations'), ('SALES', 'Sales');"
  "INSERT INTO tollgate.users (user_id, display_name, email, cost_centre) "
  "  VALUES (1, 'Ann', 'ann@example.com', 'OPS');"
  "INSERT INTO tollgate.features (name, display_name, cost_centre) "
  "  VALUES ('checkout', 'Checkout', 'OPS');"
  "INSERT INTO tollgate.api_keys (provider, label, keyring_id, fingerprint) "
  "  VALUES ('geoscape', 'Production', gen_random_uuid(), 'ab12');"
  "SELECT tollgate.log_action('export', '{\"report\": \"detail\"}');";

/* What nobody may do, whatever the role. */
#define NOBODY_WRITES_USAGE_OR_AUDIT                                                       \
  { REFUSED, "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, "       \
             "request_type, response_status) VALUES ('here', '/v1', 'geocode', 200)" },    \
  { REFUSED, "UPDATE tollgate.api_usage_tracking SET call_count = 2" },                    \
  { REFUSED, "DELETE FROM tollgate.api_usage_tracking" },                                  \
  { REFUSED, "TRUNCATE tollgate.api_usage_tracking" },                                     \
  { REFUSED, "INSERT INTO tollgate.audit_log (table_name, action) VALUES ('users', 'DELETE')" }, \
  { REFUSED, "UPDATE tollgate.audit_log SET acting_role = 'nobody'" },                     \
  { REFUSED, "DELETE FROM tollgate.audit_log" },                                           \
  { REFUSED, "TRUNCATE tollgate.audit_log" },                                              \
  { REFUSED, "SELECT tollgate.ensure_usage_partition('2040-01-01')" },                     \
  { REFUSED, "SELECT tollgate.ensure_usage_partitions(now(), now())" },                    \
  { REFUSED, "INSERT INTO tollgate.simulate_progress (seed, rows_per_day, first_day, n_days, " \
             "day, written_from, written_until, rows, calls) VALUES (1, 1, '2025-01-01', 1, " \
             "'2025-01-01', '2025-01-01 00:00+00', '2025-01-02 00:00+00', 0, 0)" },           \
  { REFUSED, "INSERT INTO tollgate.audit_action_roles VALUES ('export', 'tollgate_viewer')" }, \
  /* An action no row of tollgate.audit_action_roles names (0011) is nobody's to record. */ \
  { REFUSED, "SELECT tollgate.log_action('report-viewed', NULL)" }

/* What every role may read: all but the API keys. */
#define EVERYONE_READS                                                                     \
  { ALLOWED, "SELECT * FROM tollgate.api_usage_tracking" },                                \
  { ALLOWED, "SELECT * FROM tollgate.price_book" },                                        \
  { ALLOWED, "SELECT * FROM tollgate.exchange_rates" },                                    \
  { ALLOWED, "SELECT * FROM tollgate.providers" },                                         \
  { ALLOWED, "SELECT * FROM tollgate.regions" },                                           \
  { ALLOWED, "SELECT * FROM tollgate.settings" },                                          \
  { ALLOWED, "SELECT * FROM tollgate.cost_centres" },                                      \
  { ALLOWED, "SELECT * FROM tollgate.users" },                                             \
  { ALLOWED, "SELECT * FROM tollgate.features" },                                          \
  { ALLOWED, "SELECT * FROM tollgate.schema_migrations" },                                 \
  { ALLOWED, "SELECT * FROM tollgate.audit_log" },                                         \
  { ALLOWED, "SELECT * FROM tollgate.audit_action_roles" }

static const RoleCase viewer_cases[] = {
  EVERYONE_READS,
  NOBODY_WRITES_USAGE_OR_AUDIT,
  { REFUSED, "SELECT tollgate.log_action('export', NULL)" },
  { REFUSED, "SELECT tollgate.log_action('failover-drill', NULL)" },
  { REFUSED, "SELECT tollgate.log_action('key-rotation', NULL)" },
  { REFUSED, "SELECT * FROM tollgate.api_keys" },
  { REFUSED, "SELECT label FROM tollgate.api_keys" },
  { REFUSED, "UPDATE tollgate.price_book SET unit_price = 1" },
  { REFUSED, "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
             "VALUES ('here', 'call', 0.001, 'USD', '2025-01-01')" },
  { REFUSED, "UPDATE tollgate.exchange_rates SET rate = 2" },
  { REFUSED, "UPDATE tollgate.settings SET value = 'USD' WHERE key = 'reporting-currency'" },
  { REFUSED, "UPDATE tollgate.providers SET enabled = false" },
  { REFUSED, "UPDATE tollgate.regions SET active_provider = backup_provider WHERE code = 'AU'" },
  { REFUSED, "INSERT INTO tollgate.cost_centres VALUES ('NEW', 'New')" },
  { REFUSED, "UPDATE tollgate.users SET cost_centre = 'SALES'" },
  { REFUSED, "SELECT tollgate.maintain_usage_partitions()" },
  { 0, NULL }
};

static const RoleCase finance_cases[] = {
  EVERYONE_READS,
  NOBODY_WRITES_USAGE_OR_AUDIT,
  { ALLOWED, "SELECT tollgate.log_action('export', '{\"report\": \"overview\"}')" },
  { REFUSED, "SELECT tollgate.log_action('failover-drill', NULL)" },
  { REFUSED, "SELECT tollgate.log_action('key-rotation', NULL)" },
  { ALLOWED, "UPDATE tollgate.price_book SET unit_price = unit_price * 1.1 WHERE provider = 'here'" },
  { ALLOWED, "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
             "VALUES ('here', 'call', 0.001, 'USD', '2025-01-01')" },
  { ALLOWED, "DELETE FROM tollgate.price_book WHERE provider = 'postcodes_io'" },
  { ALLOWED, "UPDATE tollgate.exchange_rates SET rate = 1.5 WHERE from_currency = 'USD'" },
  { ALLOWED, "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
             "VALUES ('USD', 'AUD', '2025-01-01', 1.6)" },
  { ALLOWED, "DELETE FROM tollgate.exchange_rates WHERE from_currency = 'EUR'" },
  { ALLOWED, "INSERT INTO tollgate.cost_centres VALUES ('FIN', 'Finance')" },
  { ALLOWED, "UPDATE tollgate.cost_centres SET display_name = 'Sales and marketing' WHERE code = 'SALES'" },
  { ALLOWED, "DELETE FROM tollgate.cost_centres WHERE code = 'SALES'" },
  { ALLOWED, "UPDATE tollgate.users SET cost_centre = 'SALES' WHERE user_id = 1" },
  { ALLOWED, "UPDATE tollgate.features SET cost_centre = 'SALES' WHERE name = 'checkout'" },
  { REFUSED, "UPDATE tollgate.users SET email = 'ann@example.org' WHERE user_id = 1" },
  { REFUSED, "UPDATE tollgate.users SET cost_centre = 'SALES', tier = 'premium' WHERE user_id = 1" },
  { REFUSED, "UPDATE tollgate.features SET display_name = 'Pay' WHERE name = 'checkout'" },
  { REFUSED, "INSERT INTO tollgate.users (user_id, display_name) VALUES (2, 'Bob')" },
  { REFUSED, "UPDATE tollgate.providers SET enabled = false WHERE slug = 'here'" },
  { REFUSED, "UPDATE tollgate.regions SET active_provider = backup_provider WHERE code = 'AU'" },
  { REFUSED, "SELECT * FROM tollgate.api_keys" },
  { REFUSED, "UPDATE tollgate.api_keys SET status = 'retired'" },
  { REFUSED, "UPDATE tollgate.settings SET value = 'USD' WHERE key = 'reporting-currency'" },
  { REFUSED, "TRUNCATE tollgate.price_book" },
  { REFUSED, "SELECT tollgate.maintain_usage_partitions()" },
  { 0, NULL }
};

static const RoleCase ops_cases[] = {
  EVERYONE_READS,
  NOBODY_WRITES_USAGE_OR_AUDIT,
  { ALLOWED, "SELECT tollgate.log_action('failover-drill', '{\"region\": \"AU\"}')" },
  { ALLOWED, "SELECT tollgate.log_action('key-rotation', NULL)" },
  { REFUSED, "SELECT tollgate.log_action('export', NULL)" },
  { ALLOWED, "UPDATE tollgate.providers SET enabled = false WHERE slug = 'here'" },
  { ALLOWED, "INSERT INTO tollgate.providers (slug, display_name, home_region, currency, "
             "billing_unit, quota_unit) VALUES ('mapbox', 'Mapbox', 'US', 'USD', 'call', 'calls')" },
  { ALLOWED, "UPDATE tollgate.regions SET active_provider = backup_provider WHERE code = 'AU'" },
  { ALLOWED, "INSERT INTO tollgate.regions VALUES ('NZ', 'New Zealand', 'Pacific/Auckland', "
             "'geoscape', 'here', 'geoscape')" },
  { ALLOWED, "DELETE FROM tollgate.regions WHERE code = 'CA'" },
  { ALLOWED, "SELECT * FROM tollgate.api_keys" },
  { ALLOWED, "INSERT INTO tollgate.api_keys (provider, label, keyring_id) "
             "VALUES ('here', 'Backup', gen_random_uuid())" },
  { ALLOWED, "UPDATE tollgate.api_keys SET status = 'retired', rotated_at = now()" },
  { ALLOWED, "DELETE FROM tollgate.api_keys" },
  { REFUSED, "DELETE FROM tollgate.providers WHERE slug = 'postcodes_io'" },
  { REFUSED, "UPDATE tollgate.price_book SET unit_price = 1" },
  { REFUSED, "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
             "VALUES ('USD', 'AUD', '2025-01-01', 1.6)" },
  { REFUSED, "UPDATE tollgate.cost_centres SET display_name = 'x'" },
  { REFUSED, "UPDATE tollgate.users SET cost_centre = 'SALES'" },
  { REFUSED, "UPDATE tollgate.settings SET value = 'USD' WHERE key = 'reporting-currency'" },
  { REFUSED, "SELECT tollgate.maintain_usage_partitions()" },
  { 0, NULL }
};

static const RoleCase admin_cases[] = {
  EVERYONE_READS,
  NOBODY_WRITES_USAGE_OR_AUDIT,
  { ALLOWED, "SELECT tollgate.log_action('export', NULL)" },
  { ALLOWED, "SELECT tollgate.log_action('failover-drill', NULL)" },
  { ALLOWED, "SELECT tollgate.log_action('key-rotation', NULL)" },
  { ALLOWED, "UPDATE tollgate.price_book SET unit_price = 1 WHERE provider = 'geoscape'" },
  { ALLOWED, "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
             "VALUES ('here', 'call', 0.001, 'USD', '2025-01-01')" },
  { ALLOWED, "UPDATE tollgate.exchange_rates SET rate = 1.5 WHERE from_currency = 'USD'" },
  { ALLOWED, "INSERT INTO tollgate.cost_centres VALUES ('FIN', 'Finance')" },
  { ALLOWED, "DELETE FROM tollgate.cost_centres WHERE code = 'SALES'" },
  { ALLOWED, "UPDATE tollgate.users SET email = 'ann@example.org', tier = 'premium' WHERE user_id = 1" },
  { ALLOWED, "INSERT INTO tollgate.users (user_id, display_name) VALUES (2, 'Bob')" },
  { ALLOWED, "DELETE FROM tollgate.users WHERE user_id = 1" },
  { ALLOWED, "UPDATE tollgate.features SET display_name = 'Pay', cost_centre = 'SALES'" },
  { ALLOWED, "INSERT INTO tollgate.features (name, display_name) VALUES ('search', 'Search')" },
  { ALLOWED, "UPDATE tollgate.providers SET monthly_quota = 500000 WHERE slug = 'geoscape'" },
  { ALLOWED, "UPDATE tollgate.regions SET active_provider = backup_provider WHERE code = 'US'" },
  { ALLOWED, "SELECT * FROM tollgate.api_keys" },
  { ALLOWED, "UPDATE tollgate.api_keys SET status = 'revoked'" },
  { ALLOWED, "INSERT INTO tollgate.api_keys (provider, label, keyring_id) "
             "VALUES ('openai', 'Batch jobs', gen_random_uuid())" },
  { ALLOWED, "UPDATE tollgate.settings SET value = 'Australia/Sydney' WHERE key = 'billing-timezone'" },
  { ALLOWED, "INSERT INTO tollgate.settings VALUES ('alert-email', 'finance@example.com')" },
  { ALLOWED, "SELECT tollgate.maintain_usage_partitions()" },
  /* Emptying a table would bypass the row triggers that write the audit log. */
  { REFUSED, "TRUNCATE tollgate.price_book" },
  { REFUSED, "TRUNCATE tollgate.api_keys" },
  { 0, NULL }
};

static const RoleSpec role_specs[] = {
  { "tollgate_viewer",  viewer_cases },
  { "tollgate_finance", finance_cases },
  { "tollgate_ops",     ops_cases },
  { "tollgate_admin",   admin_cases },
};

/* A LOGIN role, member of @group_role, unique in the cluster (roles are cluster-wide and
 * other tests run at the same time). Drop it with drop_login_role().
 */
static char *
create_login_role (TgTestDb   *db,
                   const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgrole");
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", name, group_role);

  tg_test_db_exec (db, sql);
  return g_steal_pointer (&name);
}

static void
drop_login_role (TgTestDb   *db,
                 const char *name)
{
  g_autofree char *sql = g_strdup_printf ("DROP ROLE %s", name);

  tg_test_db_exec (db, sql);
}

/* Runs @sql in a transaction that is rolled back. Returns how many rows it returned or
 * touched, or -1 with @error set.
 */
static gint64
run_rolled_back (PGconn      *conn,
                 const char  *sql,
                 GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) rollback_error = NULL;
  gint64 rows = -1;

  if (!tg_db_exec (conn, "BEGIN", error))
    return -1;

  result = tg_db_query (conn, sql, 0, NULL, error);
  if (result != NULL)
    {
      if (PQresultStatus (result) == PGRES_TUPLES_OK)
        rows = PQntuples (result);
      else
        rows = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
    }

  if (!tg_db_exec (conn, "ROLLBACK", &rollback_error))
    g_error ("ROLLBACK failed: %s", rollback_error->message);

  return rows;
}

static void
test_role (gconstpointer data)
{
  const RoleSpec *spec = data;
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *login = NULL;
  guint version = 0;

  if (db == NULL)
    return;

  tg_test_db_exec (db, fixture_sql);
  login = create_login_role (db, spec->group_role);
  conn = tg_test_db_connect_as (db, login);

  for (const RoleCase *c = spec->cases; c->sql != NULL; c++)
    {
      g_autoptr(GError) case_error = NULL;
      gint64 rows;

      g_test_message ("%s: %s %s", spec->group_role,
                      c->expect == ALLOWED ? "may" : "may not", c->sql);
      rows = run_rolled_back (conn, c->sql, &case_error);

      if (c->expect == ALLOWED)
        {
          if (case_error != NULL)
            g_error ("%s should be allowed to run “%s”: %s",
                     spec->group_role, c->sql, case_error->message);
          /* A permitted statement that touches nothing might be hidden by a policy:
           * every allowed case is written to find at least one row.
           */
          if (rows < 1)
            g_error ("%s ran “%s” but it found no row", spec->group_role, c->sql);
        }
      else
        {
          if (case_error == NULL)
            g_error ("%s should not be allowed to run “%s”, but it touched %" G_GINT64_FORMAT " rows",
                     spec->group_role, c->sql, rows);
          if (!g_error_matches (case_error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED))
            g_error ("%s running “%s” failed, but not with SQLSTATE 42501: %s",
                     spec->group_role, c->sql, case_error->message);
        }
    }

  /* Every role can tell whether the schema is the one this program knows. */
  g_assert_true (tg_migrator_check_compatible (conn, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, tg_migrator_get_latest_version ());

  g_clear_pointer (&conn, PQfinish);
  drop_login_role (db, login);
}

/* The four roles exist, cannot log in, and include each other as docs/architecture.md says. */
static void
test_role_graph (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *roles = NULL;
  g_autofree char *memberships = NULL;
  g_autofree char *inherited = NULL;

  if (db == NULL)
    return;

  roles = tg_test_db_scalar (db,
    "SELECT string_agg(rolname || ':' || rolcanlogin::text || ':' || rolsuper::text, ',' "
    "                  ORDER BY rolname) "
    "FROM pg_roles WHERE rolname LIKE 'tollgate\\_%'");
  g_assert_cmpstr (roles, ==,
                   "tollgate_admin:false:false,tollgate_finance:false:false,"
                   "tollgate_ops:false:false,tollgate_viewer:false:false");

  memberships = tg_test_db_scalar (db,
    "SELECT string_agg(u.rolname || '>' || g.rolname, ',' ORDER BY u.rolname, g.rolname) "
    "FROM pg_auth_members am "
    "JOIN pg_roles g ON g.oid = am.roleid "
    "JOIN pg_roles u ON u.oid = am.member "
    "WHERE g.rolname LIKE 'tollgate\\_%' AND u.rolname LIKE 'tollgate\\_%'");
  g_assert_cmpstr (memberships, ==,
                   "tollgate_admin>tollgate_finance,tollgate_admin>tollgate_ops,"
                   "tollgate_admin>tollgate_viewer,tollgate_finance>tollgate_viewer,"
                   "tollgate_ops>tollgate_viewer");

  /* Admin has the rights of all the others. */
  inherited = tg_test_db_scalar (db,
    "SELECT bool_and(pg_has_role('tollgate_admin', r, 'USAGE'))::text "
    "FROM unnest(ARRAY['tollgate_viewer', 'tollgate_finance', 'tollgate_ops']) r");
  g_assert_cmpstr (inherited, ==, "true");
}

/* Nobody outside the four roles reads anything: a plain LOGIN role is refused. */
static void
test_outsider (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *login = NULL;
  g_autofree char *create = NULL;
  const char * const refused[] = {
    "SELECT * FROM tollgate.api_usage_tracking",
    "SELECT * FROM tollgate.price_book",
    "SELECT * FROM tollgate.audit_log",
    "SELECT tollgate.log_action('export', NULL)",
  };

  if (db == NULL)
    return;

  login = tg_test_unique_name ("tgrole");
  create = g_strdup_printf ("CREATE ROLE %s LOGIN", login);
  tg_test_db_exec (db, create);
  conn = tg_test_db_connect_as (db, login);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (run_rolled_back (conn, refused[i], &error), ==, -1);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
    }

  g_clear_pointer (&conn, PQfinish);
  drop_login_role (db, login);
}

typedef struct
{
  TgTestDb   *db;
  const char *application_name;
  gboolean    ok;
  GError     *error;
} DatabaseThread;

static gpointer
migrate_database_thread (gpointer user_data)
{
  DatabaseThread *self = user_data;
  g_autoptr(PGconn) conn = tg_db_connect (self->db->conninfo, self->application_name,
                                          &self->error);

  if (conn != NULL)
    self->ok = tg_migrator_migrate (conn, NULL, NULL, NULL, &self->error);

  return NULL;
}

/* Roles are shared by all databases of a cluster: migrating several databases at once
 * must not trip over each other creating roles or granting memberships. They do meet:
 * the test holds the cluster-wide lock on pg_authid that the roles migration takes
 * until all four migrations are seen waiting for it.
 */
static void
test_several_databases_at_once (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *application_name = tg_test_unique_name ("tgroles");
  DatabaseThread threads[4] = { { 0 } };
  GThread *handles[G_N_ELEMENTS (threads)];

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      threads[i].db = tg_test_db_new (FALSE);
      threads[i].application_name = application_name;
    }

  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE pg_catalog.pg_authid IN EXCLUSIVE MODE");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    handles[i] = g_thread_new ("migrate", migrate_database_thread, &threads[i]);
  tg_test_wait_for_lock_waits (NULL, application_name, G_N_ELEMENTS (threads));
  tg_test_db_exec (db, "COMMIT");

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *grant = NULL;

      g_thread_join (handles[i]);
      g_assert_no_error (threads[i].error);
      g_assert_true (threads[i].ok);

      /* Each database got its own grants. */
      grant = tg_test_db_scalar (threads[i].db,
        "SELECT has_table_privilege('tollgate_finance', 'tollgate.price_book', 'UPDATE')::text");
      g_assert_cmpstr (grant, ==, "true");
      g_clear_pointer (&threads[i].db, tg_test_db_free);
    }

  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM pg_roles WHERE rolname IN "
    "('tollgate_viewer', 'tollgate_finance', 'tollgate_ops', 'tollgate_admin')"), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/roles/graph", test_role_graph);
  for (guint i = 0; i < G_N_ELEMENTS (role_specs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/roles/rights/%s",
                                               role_specs[i].group_role + strlen ("tollgate_"));

      g_test_add_data_func (path, &role_specs[i], test_role);
    }
  g_test_add_func ("/tollgate/db/roles/outsider", test_outsider);
  g_test_add_func ("/tollgate/db/roles/several-databases-at-once", test_several_databases_at_once);

  return g_test_run ();
}
