/* test-audit.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-test-db.h"

/* A LOGIN role, member of @group_role, unique in the cluster (roles are cluster-wide and
 * other tests run at the same time).
 */
static char *
create_login_role (TgTestDb   *db,
                   const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgaudit");
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

static void
conn_exec (PGconn     *conn,
           const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!tg_db_exec (conn, sql, &error))
    g_error ("%s\nwhile running: %s", error->message, sql);
}

/* One configuration table: a row is inserted, one column updated, the row deleted. */
typedef struct
{
  const char *table;
  const char *insert_sql;
  const char *update_sql;
  const char *delete_sql;
  const char *key;        /* the row's primary key, as JSON */
  const char *column;     /* the column update_sql changes … */
  const char *before;     /* … from this … */
  const char *after;      /* … to this */
} AuditCase;

static const AuditCase audit_cases[] = {
  { "providers",
    "INSERT INTO tollgate.providers (slug, display_name, home_region, currency, billing_unit, "
    "quota_unit) VALUES ('mapbox', 'Mapbox', 'US', 'USD', 'call', 'calls')",
    "UPDATE tollgate.providers SET display_name = 'Mapbox Geocoding' WHERE slug = 'mapbox'",
    "DELETE FROM tollgate.providers WHERE slug = 'mapbox'",
    "{\"slug\": \"mapbox\"}", "display_name", "Mapbox", "Mapbox Geocoding" },
  { "regions",
    "INSERT INTO tollgate.regions VALUES ('NZ', 'New Zealand', 'Pacific/Auckland', "
    "'geoscape', 'here', 'geoscape')",
    "UPDATE tollgate.regions SET active_provider = 'here' WHERE code = 'NZ'",
    "DELETE FROM tollgate.regions WHERE code = 'NZ'",
    "{\"code\": \"NZ\"}", "active_provider", "geoscape", "here" },
  { "price_book",
    "INSERT INTO tollgate.price_book (price_id, provider, unit, unit_price, currency, "
    "effective_from) OVERRIDING SYSTEM VALUE "
    "VALUES (1000, 'here', 'call', 0.00083, 'USD', '2025-01-01 00:00+00')",
    "UPDATE tollgate.price_book SET unit_price = 0.0009 WHERE price_id = 1000",
    "DELETE FROM tollgate.price_book WHERE price_id = 1000",
    "{\"price_id\": 1000}", "unit_price", "0.000830000000", "0.000900000000" },
  { "exchange_rates",
    "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
    "VALUES ('NZD', 'AUD', '2025-01-01', 0.92)",
    "UPDATE tollgate.exchange_rates SET rate = 0.93 WHERE from_currency = 'NZD'",
    "DELETE FROM tollgate.exchange_rates WHERE from_currency = 'NZD'",
    "{\"from_currency\": \"NZD\", \"to_currency\": \"AUD\", \"effective_from\": \"2025-01-01\"}",
    "rate", "0.920000000000", "0.930000000000" },
  { "settings",
    "INSERT INTO tollgate.settings VALUES ('alert-email', 'ops@example.com')",
    "UPDATE tollgate.settings SET value = 'finance@example.com' WHERE key = 'alert-email'",
    "DELETE FROM tollgate.settings WHERE key = 'alert-email'",
    "{\"key\": \"alert-email\"}", "value", "ops@example.com", "finance@example.com" },
  { "cost_centres",
    "INSERT INTO tollgate.cost_centres VALUES ('FIN', 'Finance')",
    "UPDATE tollgate.cost_centres SET display_name = 'Finance and Legal' WHERE code = 'FIN'",
    "DELETE FROM tollgate.cost_centres WHERE code = 'FIN'",
    "{\"code\": \"FIN\"}", "display_name", "Finance", "Finance and Legal" },
  { "users",
    "INSERT INTO tollgate.users (user_id, display_name, email) VALUES (1000, 'Ann', 'ann@example.com')",
    "UPDATE tollgate.users SET email = 'ann@example.org' WHERE user_id = 1000",
    "DELETE FROM tollgate.users WHERE user_id = 1000",
    "{\"user_id\": 1000}", "email", "ann@example.com", "ann@example.org" },
  { "features",
    "INSERT INTO tollgate.features (name, display_name) VALUES ('checkout', 'Checkout')",
    "UPDATE tollgate.features SET display_name = 'Pay' WHERE name = 'checkout'",
    "DELETE FROM tollgate.features WHERE name = 'checkout'",
    "{\"name\": \"checkout\"}", "display_name", "Checkout", "Pay" },
  { "api_keys",
    "INSERT INTO tollgate.api_keys (key_id, provider, label, keyring_id) OVERRIDING SYSTEM VALUE "
    "VALUES (1000, 'geoscape', 'Production', '6f1c1c52-0d7e-4b43-9a43-3f0f8c3a1b10')",
    "UPDATE tollgate.api_keys SET status = 'retired' WHERE key_id = 1000",
    "DELETE FROM tollgate.api_keys WHERE key_id = 1000",
    "{\"key_id\": 1000}", "status", "active", "retired" },
};

/* An administrator (a login role in tollgate_admin) changes a row of every configuration
 * table; each change is one audit row saying what, which row, before and after, who and
 * from which program.
 */
static void
test_config_change (gconstpointer data)
{
  const AuditCase *c = data;
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *login = NULL;
  const char *params[3];
  const char * const actions[] = { "INSERT", "UPDATE", "DELETE" };

  if (db == NULL)
    return;

  login = create_login_role (db, "tollgate_admin");
  conn = tg_test_db_connect_as (db, login);
  conn_exec (conn, "SET application_name = 'tollgate-audit-test'");

  conn_exec (conn, c->insert_sql);
  conn_exec (conn, c->update_sql);
  /* Saving without changing anything is not a change, and leaves no row. */
  {
    g_autofree char *noop = g_strdup_printf ("UPDATE tollgate.%s SET %s = %s",
                                             c->table, c->column, c->column);
    conn_exec (conn, noop);
  }
  conn_exec (conn, c->delete_sql);

  params[0] = c->table;
  params[1] = c->key;
  params[2] = c->column;
  result = tg_db_query (db->conn,
    "SELECT action, (row_key = $2::jsonb)::text, "
    "       old_values ->> $3, new_values ->> $3, "
    "       acting_role, application_name, "
    "       (old_values IS NULL)::text, (new_values IS NULL)::text "
    "FROM tollgate.audit_log WHERE table_name = $1 ORDER BY audit_id",
    3, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 3);

  for (int row = 0; row < 3; row++)
    {
      const char *old_value = PQgetisnull (result, row, 2) ? NULL : PQgetvalue (result, row, 2);
      const char *new_value = PQgetisnull (result, row, 3) ? NULL : PQgetvalue (result, row, 3);

      g_assert_cmpstr (PQgetvalue (result, row, 0), ==, actions[row]);
      g_assert_cmpstr (PQgetvalue (result, row, 1), ==, "true");
      g_assert_cmpstr (PQgetvalue (result, row, 4), ==, login);
      g_assert_cmpstr (PQgetvalue (result, row, 5), ==, "tollgate-audit-test");

      switch (row)
        {
        case 0: /* INSERT: nothing before */
          g_assert_cmpstr (PQgetvalue (result, row, 6), ==, "true");
          g_assert_cmpstr (new_value, ==, c->before);
          break;
        case 1: /* UPDATE */
          g_assert_cmpstr (old_value, ==, c->before);
          g_assert_cmpstr (new_value, ==, c->after);
          break;
        case 2: /* DELETE: nothing after */
          g_assert_cmpstr (old_value, ==, c->after);
          g_assert_cmpstr (PQgetvalue (result, row, 7), ==, "true");
          break;
        default:
          g_assert_not_reached ();
        }
    }

  /* Times are the real times of the changes, in order. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT occurred_at, lag(occurred_at) OVER (ORDER BY audit_id) AS prev "
    "                      FROM tollgate.audit_log) s WHERE occurred_at < prev"), ==, 0);

  g_clear_pointer (&conn, PQfinish);
  drop_login_role (db, login);
}

/* Every configuration table carries the audit trigger, and the usage table none. */
static void
test_triggers_attached (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *tables = NULL;

  if (db == NULL)
    return;

  tables = tg_test_db_scalar (db,
    "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_trigger t "
    "JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE t.tgfoid = 'tollgate.audit_row_change()'::regprocedure");
  g_assert_cmpstr (tables, ==,
                   "api_keys,cost_centres,exchange_rates,features,price_book,providers,"
                   "regions,settings,users");
}

/* Tries @sql on @conn and expects the refusal with SQLSTATE 42501. */
static void
assert_refused (PGconn     *conn,
                const char *sql,
                const char *message_part)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = tg_db_query (conn, sql, 0, NULL, &error);
  if (error == NULL)
    g_error ("“%s” on the audit log was not refused", sql);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("The refusal of “%s” does not say “%s”: %s", sql, message_part, error->message);
}

/* Audit rows cannot be changed or removed: not by the owner (the tests' superuser, who
 * passes every privilege check), not by an administrator.
 */
static void
test_append_only (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) admin = NULL;
  g_autofree char *login = NULL;
  gint64 count;
  const char * const changes[] = {
    "UPDATE tollgate.audit_log SET acting_role = 'nobody'",
    "DELETE FROM tollgate.audit_log",
    "DELETE FROM tollgate.audit_log WHERE table_name = 'settings'",
    "TRUNCATE tollgate.audit_log",
  };

  if (db == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Australia/Sydney' "
                       "WHERE key = 'billing-timezone'");
  tg_test_db_exec (db, "SELECT tollgate.log_action('export', '{\"format\": \"csv\"}')");
  count = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log");
  g_assert_cmpint (count, ==, 2);

  /* The owner and superuser: the triggers refuse, with a message that says why. */
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    assert_refused (db->conn, changes[i], "append-only");

  /* Even with triggers switched to replica mode, which silences ordinary triggers. */
  tg_test_db_exec (db, "SET session_replication_role = replica");
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    assert_refused (db->conn, changes[i], "append-only");
  tg_test_db_exec (db, "RESET session_replication_role");

  /* An administrator: refused by privileges already. Writing rows directly too. */
  login = create_login_role (db, "tollgate_admin");
  admin = tg_test_db_connect_as (db, login);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    assert_refused (admin, changes[i], NULL);
  assert_refused (admin, "INSERT INTO tollgate.audit_log (table_name, action) "
                         "VALUES ('settings', 'UPDATE')", NULL);

  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"), ==, count);

  g_clear_pointer (&admin, PQfinish);
  drop_login_role (db, login);
}

typedef struct
{
  const char *group_role;
  gboolean    sees_key_rows;
} VisibilityCase;

static const VisibilityCase visibility_cases[] = {
  { "tollgate_viewer",  FALSE },
  { "tollgate_finance", FALSE },
  { "tollgate_ops",     TRUE },
  { "tollgate_admin",   TRUE },
};

/* Every role reads the audit log, but rows about API keys only ops and admin. */
static void
test_visibility (gconstpointer data)
{
  const VisibilityCase *c = data;
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *login = NULL;
  g_autofree char *key_rows = NULL;
  g_autofree char *other_rows = NULL;
  g_autofree char *action_rows = NULL;

  if (db == NULL)
    return;

  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_keys (provider, label, keyring_id, fingerprint) "
    "VALUES ('openai', 'Production', gen_random_uuid(), 'x9z8');"
    "UPDATE tollgate.api_keys SET status = 'retired';"
    "INSERT INTO tollgate.cost_centres VALUES ('OPS', 'Operations');"
    "SELECT tollgate.log_action('failover-drill', '{\"region\": \"AU\"}');");

  login = create_login_role (db, c->group_role);
  conn = tg_test_db_connect_as (db, login);

  key_rows = tg_test_conn_scalar (conn,
    "SELECT count(*) FROM tollgate.audit_log WHERE table_name = 'api_keys'");
  other_rows = tg_test_conn_scalar (conn,
    "SELECT count(*) FROM tollgate.audit_log WHERE table_name = 'cost_centres'");
  action_rows = tg_test_conn_scalar (conn,
    "SELECT count(*) FROM tollgate.audit_log WHERE table_name IS NULL");

  g_assert_cmpstr (key_rows, ==, c->sees_key_rows ? "2" : "0");
  g_assert_cmpstr (other_rows, ==, "1");
  g_assert_cmpstr (action_rows, ==, "1");

  g_clear_pointer (&conn, PQfinish);
  drop_login_role (db, login);
}

/* Every role records administrative actions under its own login name. */
static void
test_log_action (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  const char * const groups[] = { "tollgate_viewer", "tollgate_finance", "tollgate_ops", "tollgate_admin" };

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr(PGconn) conn = NULL;
      g_autoptr(PGresult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *login = create_login_role (db, groups[i]);
      g_autofree char *id = NULL;
      const char *params[1];

      conn = tg_test_db_connect_as (db, login);
      conn_exec (conn, "SET application_name = 'tollgatectl'");

      id = tg_test_conn_scalar (conn,
        "SELECT tollgate.log_action('export', "
        "                           '{\"report\": \"detail\", \"period\": \"2025-01\"}')");
      g_assert_nonnull (id);

      /* Read back as the owner: the row says who, what, from where, with the details. */
      params[0] = id;
      result = tg_db_query (db->conn,
        "SELECT table_name IS NULL, action, details ->> 'period', acting_role, "
        "       application_name, row_key IS NULL AND old_values IS NULL AND new_values IS NULL "
        "FROM tollgate.audit_log WHERE audit_id = $1::bigint",
        1, params, &error);
      g_assert_no_error (error);
      g_assert_cmpint (PQntuples (result), ==, 1);
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
      g_assert_cmpstr (PQgetvalue (result, 0, 1), ==, "export");
      g_assert_cmpstr (PQgetvalue (result, 0, 2), ==, "2025-01");
      g_assert_cmpstr (PQgetvalue (result, 0, 3), ==, login);
      g_assert_cmpstr (PQgetvalue (result, 0, 4), ==, "tollgatectl");
      g_assert_cmpstr (PQgetvalue (result, 0, 5), ==, "t");
      g_clear_pointer (&result, PQclear);

      /* An action needs a name, not free text. */
      result = tg_db_query (conn, "SELECT tollgate.log_action('Deleted everything!', NULL)",
                            0, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
      g_assert_nonnull (strstr (error->message, "Not an action name"));

      g_clear_pointer (&conn, PQfinish);
      drop_login_role (db, login);
    }

  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"),
                   ==, G_N_ELEMENTS (groups));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (audit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/audit/config-change/%s",
                                               audit_cases[i].table);

      g_test_add_data_func (path, &audit_cases[i], test_config_change);
    }
  g_test_add_func ("/tollgate/db/audit/triggers-attached", test_triggers_attached);
  g_test_add_func ("/tollgate/db/audit/append-only", test_append_only);
  for (guint i = 0; i < G_N_ELEMENTS (visibility_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/audit/visibility/%s",
                                               visibility_cases[i].group_role + strlen ("tollgate_"));

      g_test_add_data_func (path, &visibility_cases[i], test_visibility);
    }
  g_test_add_func ("/tollgate/db/audit/log-action", test_log_action);

  return g_test_run ();
}
