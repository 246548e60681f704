/* test-partitions.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-db-util.h"
#include "tg-test-db.h"

/* Attached partitions of the usage table, by name. */
static const char partitions_sql[] =
  "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i "
  "JOIN pg_class c ON c.oid = i.inhrelid "
  "WHERE i.inhparent = 'tollgate.api_usage_tracking'::regclass";

/* Where a row lives and what it holds (without tableoid), by id. */
static char *
row_place (TgTestDb   *db,
           const char *id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT tableoid::regclass::text FROM tollgate.api_usage_tracking WHERE api_usage_id = %s", id);

  return tg_test_db_scalar (db, sql);
}

static char *
row_values (TgTestDb   *db,
            const char *id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT to_jsonb(u)::text FROM tollgate.api_usage_tracking u WHERE api_usage_id = %s", id);

  return tg_test_db_scalar (db, sql);
}

/* The month partitions from the current UTC month to three months ahead exist after
 * migrating, attached with exact UTC month bounds.
 */
static void
test_months_ahead (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);

  if (db == NULL)
    return;

  tg_test_db_exec (db, "SET TimeZone = 'UTC'");

  for (int ahead = 0; ahead <= 3; ahead++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT format('%%s|%%s', m.name, pg_get_expr(c.relpartbound, c.oid)) "
        "FROM (SELECT tollgate.usage_partition_name(month) AS name, month "
        "      FROM (SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') "
        "                    + interval '%d months')::date AS month) s) m "
        "LEFT JOIN pg_class c ON c.oid = to_regclass('tollgate.' || m.name)",
        ahead);
      g_autofree char *expected_sql = g_strdup_printf (
        "SELECT format('%%s|FOR VALUES FROM (''%%s 00:00:00+00'') TO (''%%s 00:00:00+00'')', "
        "              tollgate.usage_partition_name(m), m, (m + interval '1 month')::date) "
        "FROM (SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') "
        "              + interval '%d months')::date AS m) s",
        ahead);
      g_autofree char *found = tg_test_db_scalar (db, sql);
      g_autofree char *expected = tg_test_db_scalar (db, expected_sql);

      g_assert_cmpstr (found, ==, expected);
    }
}

/* Rows of months without a partition land in the default partition, and
 * maintain_usage_partitions() gives their months partitions and moves them there,
 * unchanged.
 */
static void
test_default_then_own_month (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *past_id = NULL;
  g_autofree char *future_id = NULL;
  g_autofree char *past_before = NULL;
  g_autofree char *future_before = NULL;
  g_autofree char *past_after = NULL;
  g_autofree char *future_after = NULL;
  g_autofree char *place = NULL;
  gint64 count_before;
  gint64 created;

  if (db == NULL)
    return;

  past_id = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (user_id, api_provider, api_endpoint, request_type, call_count, credit_cost, "
    "   response_time, request_data, response_status, response_data, billing_period, "
    "   is_billable, created_at, ip_address, user_agent, feature, region) "
    "VALUES (42, 'geoscape', '/v1/addresses', 'validate', 3, 1.5, 120, "
    "        '{\"q\": \"1 Main St\"}', 200, '{\"ok\": true}', '1999-03', true, "
    "        '1999-03-15 10:00+00', '192.0.2.1', 'platform/1.0', 'checkout', 'AU') "
    "RETURNING api_usage_id");
  future_id = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at, is_billable) "
    "VALUES ('openai', '/v1/chat/completions', 'chat', 0, '2099-07-01 00:00+00', false) "
    "RETURNING api_usage_id");

  place = row_place (db, past_id);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_default");
  g_clear_pointer (&place, g_free);
  place = row_place (db, future_id);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_default");
  g_clear_pointer (&place, g_free);

  past_before = row_values (db, past_id);
  future_before = row_values (db, future_id);
  count_before = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking");

  created = tg_test_db_scalar_int (db, "SELECT tollgate.maintain_usage_partitions()");
  g_assert_cmpint (created, ==, 2);

  place = row_place (db, past_id);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y1999m03");
  g_clear_pointer (&place, g_free);
  place = row_place (db, future_id);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2099m07");
  g_clear_pointer (&place, g_free);

  past_after = row_values (db, past_id);
  future_after = row_values (db, future_id);
  g_assert_cmpstr (past_after, ==, past_before);
  g_assert_cmpstr (future_after, ==, future_before);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking"),
                   ==, count_before);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking_default"),
                   ==, 0);

  /* New rows of those months now go straight to their partitions. */
  place = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('here', '/v1/geocode', 'geocode', 200, '1999-03-31 23:59:59+00') "
    "RETURNING tableoid::regclass::text");
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y1999m03");
}

/* Creating partitions that exist is a no-op, however often it runs. */
static void
test_idempotent (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *again = NULL;

  if (db == NULL)
    return;

  /* migrate already ran maintain_usage_partitions(). */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT tollgate.ensure_usage_partitions(now() - interval '2 months', now() + interval '3 months')"),
    ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT tollgate.maintain_usage_partitions()"), ==, 0);

  /* A range touching three months makes three, then none. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT tollgate.ensure_usage_partitions('2040-01-15 00:00+00', '2040-03-01 00:00+00')"),
    ==, 3);
  before = tg_test_db_scalar (db, partitions_sql);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT tollgate.ensure_usage_partitions('2040-01-15 00:00+00', '2040-03-01 00:00+00')"),
    ==, 0);
  again = tg_test_db_scalar (db, "SELECT tollgate.ensure_usage_partition('2040-02-29')::text");
  g_assert_cmpstr (again, ==, "false");
  after = tg_test_db_scalar (db, partitions_sql);
  g_assert_cmpstr (after, ==, before);

  listed = tg_test_db_scalar (db,
    "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
    "WHERE relname LIKE 'api_usage_tracking_y2040%' AND relkind = 'r'");
  g_assert_cmpstr (listed, ==,
                   "api_usage_tracking_y2040m01,api_usage_tracking_y2040m02,api_usage_tracking_y2040m03");
}

/* A row of a month being given its partition, written by a transaction that commits
 * while the partition is made, is moved too: the partition function waits for writers
 * of the default partition instead of attaching around their row.
 */
static void
test_concurrent_writer (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) writer = NULL;
  g_autoptr(PGconn) maker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *maker_name = tg_test_unique_name ("tgmaker");
  g_autofree char *place = NULL;
  PGresult *result;
  gboolean made = FALSE;

  if (db == NULL)
    return;

  writer = tg_db_connect (db->conninfo, "tollgate-tests-writer", &error);
  g_assert_no_error (error);
  maker = tg_db_connect (db->conninfo, maker_name, &error);
  g_assert_no_error (error);

  g_assert_true (tg_db_exec (writer, "BEGIN", &error));
  g_assert_true (tg_db_exec (writer,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('here', '/v1/geocode', 'geocode', 200, '2031-05-05 12:00+00')", &error));
  g_assert_no_error (error);

  /* Make the partition while the row is not committed yet, and wait until that call
   * waits for the writer's lock.
   */
  g_assert_cmpint (PQsendQuery (maker, "SELECT tollgate.ensure_usage_partition('2031-05-01')"), ==, 1);
  tg_test_wait_for_lock_waits (db, maker_name, 1);

  g_assert_true (tg_db_exec (writer, "COMMIT", &error));
  g_assert_no_error (error);

  while ((result = PQgetResult (maker)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("Making the partition failed: %s", PQresultErrorMessage (result));
      made = g_strcmp0 (PQgetvalue (result, 0, 0), "t") == 0;
      PQclear (result);
    }
  g_assert_true (made);

  place = tg_test_db_scalar (db,
    "SELECT string_agg(tableoid::regclass::text, ',') FROM tollgate.api_usage_tracking "
    "WHERE created_at = '2031-05-05 12:00+00'");
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2031m05");
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking_default"),
                   ==, 0);
}

typedef struct
{
  const char *time_zone;
  const char *date_style;
} SessionCase;

/* Session settings a client may have. Month partitions are UTC months whatever they are:
 * Adelaide is UTC+10:30 in March (a half-hour zone, ahead of UTC), St John's UTC-2:30 /
 * -3:30 (behind), and under DateStyle SQL/Postgres timestamps are written with zone
 * abbreviations, some of which read back as another zone ("IST" in Kolkata).
 */
static const SessionCase session_cases[] = {
  { "Australia/Adelaide", "ISO, YMD" },
  { "Asia/Kolkata",       "Postgres, DMY" },
  { "America/St_Johns",   "SQL, MDY" },
};

static void
test_utc_month_boundary (gconstpointer data)
{
  const SessionCase *c = data;
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *set = NULL;
  g_autofree char *last_of_march = NULL;
  g_autofree char *first_of_april = NULL;
  g_autofree char *place = NULL;
  g_autofree char *bounds = NULL;
  g_autofree char *again = NULL;

  if (db == NULL)
    return;

  set = g_strdup_printf ("SET TimeZone = '%s'; SET DateStyle = '%s'", c->time_zone, c->date_style);
  tg_test_db_exec (db, set);

  last_of_march = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 200, '2026-03-31 23:59:59.999+00') "
    "RETURNING api_usage_id");
  first_of_april = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 200, '2026-04-01 00:00+00') "
    "RETURNING api_usage_id");

  /* Gives both months partitions (unless they are near enough to now to exist). */
  tg_test_db_exec (db, "SELECT tollgate.maintain_usage_partitions()");

  place = row_place (db, last_of_march);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2026m03");
  g_clear_pointer (&place, g_free);
  place = row_place (db, first_of_april);
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2026m04");
  g_clear_pointer (&place, g_free);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking_default"),
                   ==, 0);

  /* Asking again for a month that has its partition changes nothing. */
  again = tg_test_db_scalar (db, "SELECT tollgate.ensure_usage_partition('2026-04-15')::text");
  g_assert_cmpstr (again, ==, "false");

  /* Routing through the attached bounds: the instant before April is March, April's
   * first instant is April.
   */
  place = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 200, '2026-03-31 23:59:59.999999+00') "
    "RETURNING tableoid::regclass::text");
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2026m03");
  g_clear_pointer (&place, g_free);
  place = tg_test_db_scalar (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 200, '2026-04-01 00:00:00+00') "
    "RETURNING tableoid::regclass::text");
  g_assert_cmpstr (place, ==, "tollgate.api_usage_tracking_y2026m04");

  /* And the bounds themselves, read in UTC: midnights of the first of each month. */
  tg_test_db_exec (db, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'");
  bounds = tg_test_db_scalar (db,
    "SELECT string_agg(pg_get_expr(relpartbound, oid), '; ' ORDER BY relname) FROM pg_class "
    "WHERE relname IN ('api_usage_tracking_y2026m03', 'api_usage_tracking_y2026m04')");
  g_assert_cmpstr (bounds, ==,
                   "FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00'); "
                   "FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00')");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/partitions/months-ahead", test_months_ahead);
  g_test_add_func ("/tollgate/db/partitions/default-then-own-month", test_default_then_own_month);
  g_test_add_func ("/tollgate/db/partitions/idempotent", test_idempotent);
  g_test_add_func ("/tollgate/db/partitions/concurrent-writer", test_concurrent_writer);
  for (guint i = 0; i < G_N_ELEMENTS (session_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/partitions/utc-month-boundary/%s",
                                               session_cases[i].time_zone);

      g_test_add_data_func (path, &session_cases[i], test_utc_month_boundary);
    }

  return g_test_run ();
}
