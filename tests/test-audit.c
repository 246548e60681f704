/* test-audit.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-audit-queries.h"
#include "tg-db-typed-query.h"
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
                   "alert_mutes,api_keys,audit_action_roles,budgets,cost_centres,exchange_rates,"
                   "features,price_book,provider_quotas,providers,regions,settings,users");
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

/* Who records which action (data/sql/0011_audit_actions.sql): a bit per group role. */
enum
{
  VIEWER  = 1 << 0,
  FINANCE = 1 << 1,
  OPS     = 1 << 2,
  ADMIN   = 1 << 3,
};

static const char * const log_groups[] = {
  "tollgate_viewer", "tollgate_finance", "tollgate_ops", "tollgate_admin",
};

typedef struct
{
  const char *action;
  guint       groups;     /* who may record it */
  const char *recorded_by; /* what the refusal's hint names, or NULL */
} ActionCase;

static const ActionCase action_cases[] = {
  { "export",         FINANCE | ADMIN, "tollgate_admin, tollgate_finance" },
  { "failover-drill", OPS | ADMIN,     "tollgate_admin, tollgate_ops" },
  { "key-rotation",   OPS | ADMIN,     "tollgate_admin, tollgate_ops" },
  /* Not in the table: nobody, not even an administrator. */
  { "report-viewed",  0,               NULL },
};

/* Each role records the actions the table allows it, under its own login name, and is
 * refused the others with SQLSTATE 42501 and a hint naming who records them.
 */
static void
test_log_action (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  guint n_recorded = 0;

  if (db == NULL)
    return;

  for (guint g = 0; g < G_N_ELEMENTS (log_groups); g++)
    {
      g_autoptr(PGconn) conn = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) result = NULL;
      g_autofree char *login = create_login_role (db, log_groups[g]);

      conn = tg_test_db_connect_as (db, login);
      conn_exec (conn, "SET application_name = 'tollgatectl'");

      for (guint a = 0; a < G_N_ELEMENTS (action_cases); a++)
        {
          const ActionCase *c = &action_cases[a];
          g_autoptr(PGresult) logged = NULL;
          g_autoptr(GError) log_error = NULL;
          const char *params[] = { c->action };

          logged = tg_db_query (conn,
            "SELECT tollgate.log_action ($1, '{\"report\": \"detail\", \"period\": \"2025-01\"}')",
            1, params, &log_error);

          if ((c->groups & (1u << g)) == 0)
            {
              g_test_message ("%s refused %s: %s", log_groups[g], c->action,
                              log_error != NULL ? log_error->message : "(not refused)");
              g_assert_error (log_error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
              g_assert_nonnull (strstr (log_error->message, "permission denied to record the action"));
              if (c->recorded_by != NULL)
                g_assert_nonnull (strstr (log_error->message, c->recorded_by));
              else
                g_assert_nonnull (strstr (log_error->message, "tollgate.audit_action_roles"));
              continue;
            }

          g_assert_no_error (log_error);
          n_recorded++;
          params[0] = PQgetvalue (logged, 0, 0);

          /* Read back as the owner: the row says who, what, from where, with the details. */
          result = tg_db_query (db->conn,
            "SELECT table_name IS NULL, action, details ->> 'period', acting_role, "
            "       application_name, row_key IS NULL AND old_values IS NULL AND new_values IS NULL "
            "FROM tollgate.audit_log WHERE audit_id = $1::bigint",
            1, params, &error);
          g_assert_no_error (error);
          g_assert_cmpint (PQntuples (result), ==, 1);
          g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
          g_assert_cmpstr (PQgetvalue (result, 0, 1), ==, c->action);
          g_assert_cmpstr (PQgetvalue (result, 0, 2), ==, "2025-01");
          g_assert_cmpstr (PQgetvalue (result, 0, 3), ==, login);
          g_assert_cmpstr (PQgetvalue (result, 0, 4), ==, "tollgatectl");
          g_assert_cmpstr (PQgetvalue (result, 0, 5), ==, "t");
          g_clear_pointer (&result, PQclear);
        }

      /* An action needs a name, not free text. */
      result = tg_db_query (conn, "SELECT tollgate.log_action('Deleted everything!', NULL)",
                            0, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
      g_assert_nonnull (strstr (error->message, "Not an action name"));

      g_clear_pointer (&conn, PQfinish);
      drop_login_role (db, login);
    }

  /* export by finance and admin, the drill and the rotation by ops and admin. */
  g_assert_cmpuint (n_recorded, ==, 6);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"
                                              " WHERE table_name IS NULL"), ==, n_recorded);
}

/* Details of @n_bytes bytes of JSON text: {"note": "xxx…"}. */
static char *
details_of_size (gsize n_bytes)
{
  const gsize overhead = strlen ("{\"note\": \"\"}");
  g_autofree char *note = NULL;

  g_assert_cmpuint (n_bytes, >, overhead);
  note = g_strnfill (n_bytes - overhead, 'x');
  return g_strdup_printf ("{\"note\": \"%s\"}", note);
}

/* Details are at most 4096 bytes of JSON text, for everyone who records (the owner too):
 * a 20 MB value is refused, with the limit in the message, and leaves no row.
 */
static void
test_details_size (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *login = NULL;
  const gsize sizes[] = { 4096, 4097, 20 * 1024 * 1024 };
  const gboolean fits[] = { TRUE, FALSE, FALSE };

  if (db == NULL)
    return;

  login = create_login_role (db, "tollgate_admin");
  conn = tg_test_db_connect_as (db, login);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      PGconn * const conns[] = { conn, db->conn };

      for (guint k = 0; k < G_N_ELEMENTS (conns); k++)
        {
          g_autofree char *details = details_of_size (sizes[i]);
          g_autofree char *size = NULL;
          g_autoptr(PGresult) result = NULL;
          g_autoptr(GError) error = NULL;
          const char *params[] = { details };

          /* The server's own measure of what it was sent. */
          result = tg_db_query (conns[k], "SELECT octet_length ($1::jsonb::text)", 1, params, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10), ==, sizes[i]);
          g_clear_pointer (&result, PQclear);

          result = tg_db_query (conns[k], "SELECT tollgate.log_action ('export', $1::jsonb)",
                                1, params, &error);
          if (fits[i])
            {
              g_assert_no_error (error);
              continue;
            }

          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
          g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", sizes[i], error->message);
          size = g_strdup_printf ("these are %" G_GSIZE_FORMAT " bytes", sizes[i]);
          g_assert_nonnull (strstr (error->message, "limited to 4096 bytes"));
          g_assert_nonnull (strstr (error->message, size));
        }
    }

  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"
                                              " WHERE table_name IS NULL"), ==, 2);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT max(octet_length(details::text))"
                                              " FROM tollgate.audit_log"), ==, 4096);

  g_clear_pointer (&conn, PQfinish);
  drop_login_role (db, login);
}

static gpointer
parse_audit_id (TgDbResult  *result,
                gpointer     data,
                GError     **error)
{
  gint64 *audit_id = data;

  if (!tg_audit_parse_result (result, audit_id, error))
    return NULL;
  return TG_DB_TYPED_QUERY_NO_VALUE;
}

/* The exports Tollgate records (tg_audit_export_statement_new(), which the report export
 * sends before it keeps a file) still go in for finance and admin, the roles the UI lets
 * export, and not for the others.
 */
static void
test_export_statement (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);

  if (db == NULL)
    return;

  for (guint g = 0; g < G_N_ELEMENTS (log_groups); g++)
    {
      g_autoptr(TgDbStatement) statement = tg_audit_export_statement_new ("overview", "2026-11",
                                                                          "pdf");
      g_autoptr(PGconn) conn = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *login = create_login_role (db, log_groups[g]);
      gboolean may = (action_cases[0].groups & (1u << g)) != 0;
      gint64 audit_id = 0;
      gpointer value;

      g_assert_cmpstr (action_cases[0].action, ==, "export");
      conn = tg_test_db_connect_as (db, login);
      value = tg_db_typed_query_run (conn, statement, parse_audit_id, &audit_id, &error);

      if (may)
        {
          g_autofree char *sql = NULL;
          g_autofree char *details = NULL;

          g_assert_no_error (error);
          g_assert_true (value == TG_DB_TYPED_QUERY_NO_VALUE);
          sql = g_strdup_printf ("SELECT details::text FROM tollgate.audit_log"
                                 " WHERE audit_id = %" G_GINT64_FORMAT " AND action = 'export'"
                                 "   AND acting_role = '%s'", audit_id, login);
          details = tg_test_db_scalar (db, sql);
          g_assert_cmpstr (details, ==,
                           "{\"format\": \"pdf\", \"period\": \"2026-11\", \"report\": \"overview\"}");
        }
      else
        {
          g_assert_null (value);
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
        }

      g_clear_pointer (&conn, PQfinish);
      drop_login_role (db, login);
    }
}

/* Who records what is configuration: the owner adds an action with a migration's INSERT,
 * the change is audited, and its role may record it from then on. Nobody else changes the
 * table, not even an administrator.
 */
static void
test_action_rules (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *admin = NULL;

  if (db == NULL)
    return;

  finance = create_login_role (db, "tollgate_finance");
  conn = tg_test_db_connect_as (db, finance);
  result = tg_db_query (conn, "SELECT tollgate.log_action ('budget-override', NULL)", 0, NULL, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  tg_test_db_exec (db, "INSERT INTO tollgate.audit_action_roles VALUES ('budget-override', 'tollgate_finance')");
  {
    g_autofree char *role = tg_test_db_scalar (db,
      "SELECT new_values ->> 'role_name' FROM tollgate.audit_log"
      " WHERE table_name = 'audit_action_roles' AND action = 'INSERT'");
    g_autofree char *logged = tg_test_conn_scalar (conn,
      "SELECT tollgate.log_action ('budget-override', NULL)");

    g_assert_cmpstr (role, ==, "tollgate_finance");
    g_assert_nonnull (logged);
  }
  g_clear_pointer (&conn, PQfinish);

  admin = create_login_role (db, "tollgate_admin");
  conn = tg_test_db_connect_as (db, admin);
  assert_refused (conn, "INSERT INTO tollgate.audit_action_roles VALUES ('export', 'tollgate_viewer')",
                  NULL);
  assert_refused (conn, "DELETE FROM tollgate.audit_action_roles", NULL);
  g_clear_pointer (&conn, PQfinish);

  drop_login_role (db, admin);
  drop_login_role (db, finance);
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
  g_test_add_func ("/tollgate/db/audit/details-size", test_details_size);
  g_test_add_func ("/tollgate/db/audit/export-statement", test_export_statement);
  g_test_add_func ("/tollgate/db/audit/action-rules", test_action_rules);

  return g_test_run ();
}
