/* test-usage-queries.c — the typed usage queries, blocking and asynchronous, against plain
 * SQL over the raw rows.
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Asynchronous tests run their own GMainContext; waits have a guard timeout so that a bug
 * fails the test instead of hanging it (the guards are generous: they are not timing
 * assertions).
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "tg-db-connection.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"
#include "tg-latency-histogram.h"
#include "tg-money.h"
#include "tg-settings-queries.h"
#include "tg-test-db.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

#define GUARD_SECONDS 60

/* Waiting */

static gboolean
guard_expired_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default context until @condition holds. */
#define wait_until(condition)                                                            \
  G_STMT_START                                                                           \
  {                                                                                      \
    GMainContext *context_ = g_main_context_ref_thread_default ();                       \
    gboolean expired_ = FALSE;                                                           \
    GSource *guard_ = g_timeout_source_new_seconds (GUARD_SECONDS);                      \
                                                                                         \
    g_source_set_callback (guard_, guard_expired_cb, &expired_, NULL);                   \
    g_source_attach (guard_, context_);                                                  \
    gboolean held_ = FALSE;  /* condition read once a turn */                            \
    while (!(held_ = (condition)) && !expired_)                                          \
      g_main_context_iteration (context_, TRUE);                                         \
    g_source_destroy (guard_);                                                           \
    g_source_unref (guard_);                                                             \
    g_main_context_unref (context_);                                                     \
    if (!held_)                                                                          \
      g_error ("%s:%d: gave up after %d s waiting for: %s", __FILE__, __LINE__,          \
               GUARD_SECONDS, #condition);                                               \
  }                                                                                      \
  G_STMT_END

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Fixture: a migrated database with prices that make pricing interesting, and a fresh
 * thread-default main context.
 */

typedef struct
{
  GMainContext *context;
  TgTestDb     *db;
} Fixture;

/* On top of the defaults (0003): a provider without a rate into the reporting currency
 * (its calls are unpriced), an endpoint rule that bills failed calls and takes effect in
 * the middle of a day, a request-type rule from Adelaide's 1 November, a new USD rate
 * from 1 April, and a cost centre for the random rows' feature.
 */
static const char prices_sql[] =
  "INSERT INTO tollgate.providers (slug, display_name, home_region, currency, billing_unit, "
  "  quota_unit) VALUES ('acme', 'Acme Geo', 'AU', 'JPY', 'call', 'calls');"
  "INSERT INTO tollgate.price_book (provider, api_endpoint, request_type, unit, unit_price, "
  "  currency, bill_failed, effective_from) VALUES "
  "  ('acme', NULL, NULL, 'call', 3, 'JPY', false, '2024-01-01 00:00+00'),"
  "  ('here', '/v1/batch', NULL, 'call', 0.002, 'USD', true, '2026-03-31 13:15+00'),"
  "  ('smarty_streets', NULL, 'validate', 'call', 0.005, 'USD', false, '2026-10-31 14:00+00');"
  "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
  "  VALUES ('USD', 'AUD', '2026-04-01', 1.5);"
  "INSERT INTO tollgate.users (user_id, display_name) "
  "  SELECT i, 'User ' || i FROM generate_series(1, 8) i;"
  "INSERT INTO tollgate.cost_centres (code, display_name) VALUES ('ECOM', 'E-commerce');"
  "INSERT INTO tollgate.features (name, display_name, cost_centre) "
  "  VALUES ('checkout.address', 'Checkout address entry', 'ECOM');";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->db = tg_test_db_new (TRUE);
  if (fixture->db != NULL)
    tg_test_db_exec (fixture->db, prices_sql);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Let late idles (returned tasks) run before the context goes. */
  while (g_main_context_iteration (fixture->context, FALSE))
    ;

  g_clear_pointer (&fixture->db, tg_test_db_free);
  g_main_context_pop_thread_default (fixture->context);
  g_clear_pointer (&fixture->context, g_main_context_unref);
}

/* Rows */

static const char * const anchors[] = {
  "2026-03-31 13:30:00+00",   /* Adelaide: 1 April begins */
  "2026-04-01 00:00:00+00",   /* UTC: 1 April begins */
  "2026-04-04 16:30:00+00",   /* Adelaide: summer time ends */
  "2026-10-31 13:30:00+00",   /* Adelaide: 1 November begins */
  "2026-11-01 00:00:00+00",   /* UTC: 1 November begins */
  "2026-10-15 12:00:00+00",
};

static void
insert_rows (TgTestDb *db,
             guint32   seed,
             guint     n)
{
  tg_test_insert_random_usage (db, seed, n, anchors, G_N_ELEMENTS (anchors));
}

static void
refresh (TgTestDb *db)
{
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
}

static gint64
count_tail (TgTestDb *db)
{
  return tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE api_usage_id > (SELECT last_id FROM tollgate.rollup_state)");
}

/* Three rounds: refreshed, late rows refreshed, and a tail that no refresher saw. */
static void
insert_three_rounds (TgTestDb *db,
                     guint32   seed)
{
  insert_rows (db, seed, 1200);
  refresh (db);
  insert_rows (db, seed + 1, 700);
  refresh (db);
  insert_rows (db, seed + 2, 400);
  g_assert_cmpint (count_tail (db), ==, 400);
}

static void
set_billing_zone (TgTestDb   *db,
                  const char *zone)
{
  g_autofree char *sql = g_strdup_printf (
    "UPDATE tollgate.settings SET value = '%s' WHERE key = 'billing-timezone'", zone);

  tg_test_db_exec (db, sql);
}

/* Plain SQL: every raw row priced on its own, with the rule in force at its created_at
 * (most specific, then latest) and the rate of its UTC date.
 */
#define PRICED_RAW_SQL                                                                        \
  "priced AS ( "                                                                              \
  "  SELECT u.*, pv.currency::text AS currency, coalesce(rules.n, 0) > 0 AS has_rule, "        \
  "         coalesce(rules.cost, 0) AS cost_native, "                                         \
  "         CASE WHEN pv.currency = st.value THEN 1 ELSE "                                    \
  "           (SELECT x.rate FROM tollgate.exchange_rates x "                                 \
  "            WHERE x.from_currency = pv.currency AND x.to_currency = st.value "             \
  "              AND x.effective_from <= (u.created_at AT TIME ZONE 'UTC')::date "            \
  "            ORDER BY x.effective_from DESC LIMIT 1) END AS rate, "                         \
  "         u.is_billable AND (u.response_status BETWEEN 200 AND 299 "                        \
  "                            OR coalesce(rules.bill_failed, false)) AS billed "             \
  "  FROM tollgate.api_usage_tracking u "                                                     \
  "  JOIN tollgate.providers pv ON pv.slug = u.api_provider "                                 \
  "  CROSS JOIN (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency') st "    \
  "  LEFT JOIN LATERAL ( "                                                                    \
  "    SELECT count(*) AS n, bool_or(r.bill_failed) AS bill_failed, "                        \
  "           sum(r.unit_price * CASE r.unit "                                                \
  "                 WHEN 'call' THEN u.call_count "                                           \
  "                 WHEN 'credit' THEN u.credit_cost "                                        \
  "                 WHEN 'input_token' THEN "                                                 \
  "                   coalesce((u.response_data->'usage'->>'prompt_tokens')::numeric, 0) "    \
  "                 ELSE coalesce((u.response_data->'usage'->>'completion_tokens')::numeric, 0) " \
  "               END) "                                                                      \
  "             FILTER (WHERE u.is_billable "                                                 \
  "                       AND (u.response_status BETWEEN 200 AND 299 OR r.bill_failed)) AS cost " \
  "    FROM (SELECT DISTINCT ON (pb.unit) pb.* FROM tollgate.price_book pb "                  \
  "          WHERE pb.provider = u.api_provider "                                             \
  "            AND coalesce(pb.api_endpoint, u.api_endpoint) = u.api_endpoint "               \
  "            AND coalesce(pb.request_type, u.request_type) = u.request_type "               \
  "            AND pb.effective_from <= u.created_at "                                        \
  "          ORDER BY pb.unit, pb.api_endpoint IS NULL, pb.request_type IS NULL, "            \
  "                   pb.effective_from DESC) r "                                             \
  "  ) rules ON true "                                                                        \
  ") "

/* $1: after id, $2: limit. The cost column as tollgate.latest_calls() defines it. */
static const char raw_latest_calls_sql[] =
  "WITH " PRICED_RAW_SQL
  "SELECT api_usage_id, (extract(epoch FROM created_at) * 1000000)::int8, api_provider, "
  "       api_endpoint, request_type, user_id, coalesce(feature, ''), coalesce(region, ''), "
  "       response_status, response_time, call_count, "
  "       CASE WHEN NOT billed THEN '0' "
  "            WHEN has_rule AND rate IS NOT NULL THEN round(cost_native * rate, 6)::text END "
  "FROM priced "
  "WHERE api_usage_id > $1::int8 "
  "ORDER BY api_usage_id DESC LIMIT $2::int4";

/* $1: zone, $2: month 'YYYY-MM', $3: provider or NULL. */
static const char raw_user_totals_sql[] =
  "WITH " PRICED_RAW_SQL
  "SELECT user_id, (SELECT x.display_name FROM tollgate.users x WHERE x.user_id = priced.user_id), "
  "       sum(call_count)::int8, coalesce(sum(call_count) FILTER (WHERE billed), 0)::int8, "
  "       coalesce(sum(call_count) FILTER (WHERE response_status = 0 "
  "                                          OR response_status >= 400), 0)::int8, "
  "       round(sum(credit_cost), 6)::text, "
  "       CASE WHEN count(DISTINCT currency) = 1 THEN min(currency) ELSE '' END, "
  "       CASE WHEN count(DISTINCT currency) = 1 THEN round(sum(cost_native), 6)::text END, "
  "       round(sum(cost_native * coalesce(rate, 0)), 6)::text, "
  "       coalesce(sum(call_count) FILTER (WHERE billed AND NOT (has_rule AND rate IS NOT NULL)), "
  "                0)::int8 "
  "FROM priced "
  "WHERE date_trunc('month', created_at AT TIME ZONE $1)::date = to_date($2, 'YYYY-MM') "
  "  AND ($3::text IS NULL OR api_provider = $3) "
  "GROUP BY user_id "
  "ORDER BY sum(cost_native * coalesce(rate, 0)) DESC, user_id NULLS LAST";

/* Comparisons */

static gint64
text_micros (const char *text)
{
  gint64 micros = 0;

  if (text == NULL)
    return 0;
  g_assert_true (tg_money_parse (text, &micros, NULL));
  return micros;
}

static gint64
cell_int (PGresult *result,
          int       row,
          int       col)
{
  return g_ascii_strtoll (PQgetvalue (result, row, col), NULL, 10);
}

static void
assert_rows_equal (const TgUsageRow *a,
                   const TgUsageRow *b)
{
  g_assert_cmpint (a->start, ==, b->start);
  g_assert_cmpint (a->end, ==, b->end);
  g_assert_cmpstr (a->group, ==, b->group);
  g_assert_cmpint (a->calls, ==, b->calls);
  g_assert_cmpint (a->billable_calls, ==, b->billable_calls);
  g_assert_cmpint (a->errors, ==, b->errors);
  g_assert_cmpint (a->timeouts, ==, b->timeouts);
  g_assert_cmpint (a->requests, ==, b->requests);
  g_assert_cmpint (a->credits, ==, b->credits);
  g_assert_cmpint (a->input_tokens, ==, b->input_tokens);
  g_assert_cmpint (a->output_tokens, ==, b->output_tokens);
  g_assert_cmpstr (a->native_currency, ==, b->native_currency);
  g_assert_cmpint (a->cost_native, ==, b->cost_native);
  g_assert_cmpint (a->cost, ==, b->cost);
  g_assert_cmpint (a->unpriced_calls, ==, b->unpriced_calls);
  g_assert_true (tg_latency_histogram_equal (a->latency, b->latency));
}

static void
assert_series_equal (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_rows_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

static void
assert_calls_equal_raw (TgTestDb  *db,
                        GPtrArray *calls,
                        gint64     after_id,
                        guint      limit)
{
  g_autoptr(PGresult) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after_text = g_strdup_printf ("%" G_GINT64_FORMAT, after_id);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[] = { after_text, limit_text };

  raw = tg_db_query (db->conn, raw_latest_calls_sql, 2, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (raw), ==, calls->len);

  for (guint i = 0; i < calls->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (calls, i);

      if (i > 0)
        g_assert_cmpint (call->id, <, ((TgUsageCall *)g_ptr_array_index (calls, i - 1))->id);
      g_assert_cmpint (call->id, >, after_id);

      g_assert_cmpint (call->id, ==, cell_int (raw, i, 0));
      g_assert_cmpint (call->created_at, ==, cell_int (raw, i, 1));
      g_assert_cmpstr (call->provider, ==, PQgetvalue (raw, i, 2));
      g_assert_cmpstr (call->endpoint, ==, PQgetvalue (raw, i, 3));
      g_assert_cmpstr (call->request_type, ==, PQgetvalue (raw, i, 4));
      g_assert_cmpint (call->has_user_id, ==, !PQgetisnull (raw, i, 5));
      if (call->has_user_id)
        g_assert_cmpint (call->user_id, ==, cell_int (raw, i, 5));
      g_assert_cmpstr (call->feature, ==, PQgetvalue (raw, i, 6));
      g_assert_cmpstr (call->region, ==, PQgetvalue (raw, i, 7));
      g_assert_cmpint (call->status, ==, cell_int (raw, i, 8));
      g_assert_cmpint (call->response_time, ==,
                       PQgetisnull (raw, i, 9) ? -1 : cell_int (raw, i, 9));
      g_assert_cmpint (call->call_count, ==, cell_int (raw, i, 10));
      g_assert_cmpint (call->priced, ==, !PQgetisnull (raw, i, 11));
      g_assert_cmpint (call->cost, ==,
                       PQgetisnull (raw, i, 11) ? 0 : text_micros (PQgetvalue (raw, i, 11)));
    }
}

static void
assert_totals_equal (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const TgUserTotal *x = g_ptr_array_index (a, i);
      const TgUserTotal *y = g_ptr_array_index (b, i);

      g_assert_cmpint (x->has_user_id, ==, y->has_user_id);
      g_assert_cmpint (x->user_id, ==, y->user_id);
      g_assert_cmpstr (x->display_name, ==, y->display_name);
      g_assert_cmpint (x->calls, ==, y->calls);
      g_assert_cmpint (x->billable_calls, ==, y->billable_calls);
      g_assert_cmpint (x->errors, ==, y->errors);
      g_assert_cmpint (x->credits, ==, y->credits);
      g_assert_cmpstr (x->native_currency, ==, y->native_currency);
      g_assert_cmpint (x->cost_native, ==, y->cost_native);
      g_assert_cmpint (x->cost, ==, y->cost);
      g_assert_cmpint (x->unpriced_calls, ==, y->unpriced_calls);
    }
}

/* Compares tg_usage_fetch_user_totals() with the raw answer; returns the number of users. */
static guint
assert_user_totals_equal_raw (TgTestDb   *db,
                              const char *zone,
                              const char *month,
                              const char *provider)
{
  g_autoptr(PGresult) raw = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[] = { zone, month, provider };

  totals = tg_usage_fetch_user_totals (db->conn, month, provider, 0, &error);
  g_assert_no_error (error);

  raw = tg_db_query (db->conn, raw_user_totals_sql, 3, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (raw), ==, totals->len);

  for (guint i = 0; i < totals->len; i++)
    {
      const TgUserTotal *total = g_ptr_array_index (totals, i);

      g_assert_cmpint (total->has_user_id, ==, !PQgetisnull (raw, i, 0));
      if (total->has_user_id)
        g_assert_cmpint (total->user_id, ==, cell_int (raw, i, 0));
      g_assert_cmpstr (total->display_name, ==,
                       PQgetisnull (raw, i, 1) ? NULL : PQgetvalue (raw, i, 1));
      g_assert_cmpint (total->calls, ==, cell_int (raw, i, 2));
      g_assert_cmpint (total->billable_calls, ==, cell_int (raw, i, 3));
      g_assert_cmpint (total->errors, ==, cell_int (raw, i, 4));
      g_assert_cmpint (total->credits, ==, text_micros (PQgetvalue (raw, i, 5)));
      g_assert_cmpstr (total->native_currency, ==, PQgetvalue (raw, i, 6));
      g_assert_cmpint (total->cost_native, ==,
                       PQgetisnull (raw, i, 7) ? 0 : text_micros (PQgetvalue (raw, i, 7)));
      g_assert_cmpint (total->cost, ==, text_micros (PQgetvalue (raw, i, 8)));
      g_assert_cmpint (total->unpriced_calls, ==, cell_int (raw, i, 9));
      if (i > 0)
        g_assert_cmpint (total->cost, <=, ((TgUserTotal *)g_ptr_array_index (totals, i - 1))->cost);
    }

  return totals->len;
}

/* The months around the anchors, and one without rows. */
static const char *months[] = { "2026-03", "2026-04", "2026-10", "2026-11", "2026-07" };
static const char *user_providers[] = { NULL, "here", "geoscape", "acme" };

static void
check_all_user_totals (TgTestDb   *db,
                       const char *zone)
{
  guint users = 0;

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    for (guint j = 0; j < G_N_ELEMENTS (user_providers); j++)
      {
        guint n;

        g_test_message ("%s, %s, %s", zone, months[i],
                        user_providers[j] != NULL ? user_providers[j] : "all providers");
        n = assert_user_totals_equal_raw (db, zone, months[i], user_providers[j]);
        if (g_str_equal (months[i], "2026-07"))
          g_assert_cmpuint (n, ==, 0);
        users += n;
      }

  g_assert_cmpuint (users, >, 0);
}

/* Series bounds */

typedef struct
{
  const char   *zone;
  TgBucketSize  size;
  const char   *from;
  const char   *to;
} SeriesCase;

static const SeriesCase series_cases[] = {
  { "UTC", TG_BUCKET_DAY, "2026-03-30", "2026-04-06" },
  { "Australia/Adelaide", TG_BUCKET_HOUR, "2026-03-31", "2026-04-01" },
  { "Australia/Adelaide", TG_BUCKET_MONTH, "2026-03-01", "2026-11-30" },
  { "America/New_York", TG_BUCKET_WEEK, "2026-03-01", "2026-11-30" },
};

static GArray *
series_bounds (const SeriesCase *c)
{
  g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (c->zone, NULL);
  g_autoptr(GError) error = NULL;
  GArray *bounds;
  gint64 end;

  bounds = tg_time_bucket_range_parse (tz, c->size, c->from, c->to, &error);
  g_assert_no_error (error);
  end = tg_time_bucket_next (tz, c->size, g_array_index (bounds, gint64, bounds->len - 1));
  g_array_append_val (bounds, end);

  return bounds;
}

/* Asynchronous helpers */

static GPtrArray *
series_async (TgDbConnection *conn,
              GArray         *bounds,
              TgUsageGroupBy  group_by,
              const char     *provider,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tg_usage_series_async (conn, (const gint64 *)bounds->data, bounds->len, group_by, provider,
                         NULL, store_result_cb, &result);
  wait_until (result != NULL);

  return tg_usage_series_finish (conn, result, error);
}

static GPtrArray *
latest_calls_async (TgDbConnection *conn,
                    gint64          after_id,
                    guint           limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *calls;

  tg_usage_latest_calls_async (conn, after_id, limit, NULL, store_result_cb, &result);
  wait_until (result != NULL);
  calls = tg_usage_latest_calls_finish (conn, result, &error);
  g_assert_no_error (error);

  return calls;
}

static GPtrArray *
user_totals_async (TgDbConnection *conn,
                   const char     *month,
                   const char     *provider,
                   guint           limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *totals;

  tg_usage_user_totals_async (conn, month, provider, limit, NULL, store_result_cb, &result);
  wait_until (result != NULL);
  totals = tg_usage_user_totals_finish (conn, result, &error);
  g_assert_no_error (error);

  return totals;
}

static gpointer
parse_series_cb (TgDbResult  *result,
                 gpointer     data,
                 GError     **error)
{
  GArray *bounds = data;

  return tg_usage_series_parse_result (result, (const gint64 *)bounds->data, bounds->len, error);
}

/* The series statement's own SQL and parameters, asking for results in text format: the
 * parser reads either.
 */
static GPtrArray *
series_text (TgTestDb       *db,
             GArray         *bounds,
             TgUsageGroupBy  group_by)
{
  g_autoptr(TgDbStatement) binary = NULL;
  g_autoptr(TgDbStatement) text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  binary = tg_usage_series_statement_new ((const gint64 *)bounds->data, bounds->len, group_by,
                                          NULL);
  g_assert_cmpint (tg_db_statement_get_flags (binary), ==, TG_DB_QUERY_FLAGS_BINARY);
  text = tg_db_statement_new (tg_db_statement_get_sql (binary),
                              tg_db_statement_get_params (binary),
                              tg_db_statement_get_n_params (binary), TG_DB_QUERY_FLAGS_NONE);

  rows = tg_db_typed_query_run (db->conn, text, parse_series_cb, bounds, &error);
  g_assert_no_error (error);
  return rows;
}

/* Tests */

/* The asynchronous series (binary) equals the blocking one and one read in text format,
 * field by field and histogram by histogram; totals merged in C equal the server's.
 */
static void
test_series_async (Fixture       *fixture,
                   gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  static const TgUsageGroupBy groups[] = {
    TG_USAGE_GROUP_PROVIDER, TG_USAGE_GROUP_NONE, TG_USAGE_GROUP_STATUS_CLASS,
    TG_USAGE_GROUP_COST_CENTRE,
  };
  guint histograms = 0;

  if (db == NULL)
    return;

  insert_three_rounds (db, 10);
  conn = tg_db_connection_new (db->conninfo);

  for (guint i = 0; i < G_N_ELEMENTS (series_cases); i++)
    {
      g_autoptr(GArray) bounds = series_bounds (&series_cases[i]);

      for (guint j = 0; j < G_N_ELEMENTS (groups); j++)
        {
          g_autoptr(GPtrArray) blocking = NULL;
          g_autoptr(GPtrArray) async = NULL;
          g_autoptr(GPtrArray) text = NULL;
          g_autoptr(GError) error = NULL;

          g_test_message ("%s, %s buckets, %s to %s, by %s", series_cases[i].zone,
                          tg_bucket_size_to_string (series_cases[i].size), series_cases[i].from,
                          series_cases[i].to, tg_usage_group_by_to_string (groups[j]));

          blocking = tg_usage_fetch_series (db->conn, (const gint64 *)bounds->data, bounds->len,
                                            groups[j], NULL, &error);
          g_assert_no_error (error);
          async = series_async (conn, bounds, groups[j], NULL, &error);
          g_assert_no_error (error);
          text = series_text (db, bounds, groups[j]);

          g_assert_cmpuint (blocking->len, >, 0);
          assert_series_equal (async, blocking);
          assert_series_equal (text, blocking);

          for (guint k = 0; k < blocking->len; k++)
            if (tg_latency_histogram_has_data (((TgUsageRow *)g_ptr_array_index (blocking, k))->latency))
              histograms++;
        }

      /* Merging the provider rows of each bucket in C gives the server's totals. */
      {
        g_autoptr(GPtrArray) per_provider = NULL;
        g_autoptr(GPtrArray) totals = NULL;
        g_autoptr(GError) error = NULL;
        guint k = 0;

        per_provider = series_async (conn, bounds, TG_USAGE_GROUP_PROVIDER, NULL, &error);
        g_assert_no_error (error);
        totals = series_async (conn, bounds, TG_USAGE_GROUP_NONE, NULL, &error);
        g_assert_no_error (error);

        for (guint t = 0; t < totals->len; t++)
          {
            TgUsageRow *expected = g_ptr_array_index (totals, t);
            g_autoptr(GPtrArray) bucket = g_ptr_array_new ();
            g_autoptr(TgUsageRow) merged = NULL;

            for (; k < per_provider->len; k++)
              {
                TgUsageRow *row = g_ptr_array_index (per_provider, k);

                if (row->start != expected->start)
                  break;
                g_ptr_array_add (bucket, row);
              }

            /* Amounts were rounded per row: within half a micro-unit per row merged. */
            merged = tg_usage_rows_total (bucket, expected->start, expected->end, "");
            g_assert_cmpint (ABS (merged->credits - expected->credits), <=, bucket->len / 2);
            g_assert_cmpint (ABS (merged->cost_native - expected->cost_native), <=, bucket->len / 2);
            g_assert_cmpint (ABS (merged->cost - expected->cost), <=, bucket->len / 2);
            merged->credits = expected->credits;
            merged->cost_native = expected->cost_native;
            merged->cost = expected->cost;
            assert_rows_equal (merged, expected);
          }
        g_assert_cmpuint (k, ==, per_provider->len);
      }
    }

  g_assert_cmpuint (histograms, >, 0);

  /* The provider filter and a bad group reach the server. */
  {
    g_autoptr(GArray) bounds = series_bounds (&series_cases[0]);
    g_autoptr(GPtrArray) rows = NULL;
    g_autoptr(GError) error = NULL;

    rows = series_async (conn, bounds, TG_USAGE_GROUP_ENDPOINT, "here", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, >, 0);
    g_clear_pointer (&rows, g_ptr_array_unref);

    g_array_index (bounds, gint64, 0) += 60;    /* not on a quarter hour */
    rows = series_async (conn, bounds, TG_USAGE_GROUP_PROVIDER, NULL, &error);
    g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
    g_assert_null (rows);
  }

  tg_db_connection_close (conn);
}

/* The Overview's burst: settings and two series in one pipelined batch. */
static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = series_bounds (&series_cases[0]);
  g_autoptr(GArray) months_bounds = series_bounds (&series_cases[2]);
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(TgUsageSettings) blocking_settings = NULL;
  g_autoptr(GPtrArray) by_day = NULL;
  g_autoptr(GPtrArray) by_month = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) expected = NULL;

  if (db == NULL)
    return;

  insert_three_rounds (db, 20);
  set_billing_zone (db, "Australia/Adelaide");
  conn = tg_db_connection_new (db->conninfo);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_settings_statement_new ());
  g_ptr_array_add (statements, tg_usage_series_statement_new ((const gint64 *)days->data, days->len,
                                                              TG_USAGE_GROUP_PROVIDER, NULL));
  g_ptr_array_add (statements, tg_usage_series_statement_new ((const gint64 *)months_bounds->data,
                                                              months_bounds->len,
                                                              TG_USAGE_GROUP_NONE, NULL));
  g_ptr_array_add (statements, tg_usage_latest_calls_statement_new (0, 20));
  g_ptr_array_add (statements, tg_usage_user_totals_statement_new ("2026-04", NULL, 5));

  tg_db_connection_query_batch_async (conn, statements, NULL, store_result_cb, &result);
  wait_until (result != NULL);
  results = tg_db_connection_query_batch_finish (conn, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, statements->len);

  /* A binary-format result whose histograms are their compact text ("{0,3,17}"): int8[]'s
   * binary form spends 12 bytes on every count. */
  g_assert_true (tg_db_result_is_binary (g_ptr_array_index (results, 1), 14));
  g_assert_cmpuint (tg_db_result_get_column_type (g_ptr_array_index (results, 1), 14), ==,
                    TG_DB_TYPE_TEXT);

  settings = tg_settings_parse_result (g_ptr_array_index (results, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (settings->billing_timezone, ==, "Australia/Adelaide");
  g_assert_cmpstr (settings->reporting_currency, ==, "AUD");
  blocking_settings = tg_settings_fetch (db->conn, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (blocking_settings->billing_timezone, ==, settings->billing_timezone);
  g_assert_cmpstr (blocking_settings->reporting_currency, ==, settings->reporting_currency);

  by_day = tg_usage_series_parse_result (g_ptr_array_index (results, 1),
                                         (const gint64 *)days->data, days->len, &error);
  g_assert_no_error (error);
  expected = tg_usage_fetch_series (db->conn, (const gint64 *)days->data, days->len,
                                    TG_USAGE_GROUP_PROVIDER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_day->len, >, 0);
  assert_series_equal (by_day, expected);
  g_clear_pointer (&expected, g_ptr_array_unref);

  by_month = tg_usage_series_parse_result (g_ptr_array_index (results, 2),
                                           (const gint64 *)months_bounds->data,
                                           months_bounds->len, &error);
  g_assert_no_error (error);
  expected = tg_usage_fetch_series (db->conn, (const gint64 *)months_bounds->data,
                                    months_bounds->len, TG_USAGE_GROUP_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_month->len, >, 0);
  assert_series_equal (by_month, expected);
  g_clear_pointer (&expected, g_ptr_array_unref);

  calls = tg_usage_latest_calls_parse_result (g_ptr_array_index (results, 3), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calls->len, ==, 20);
  assert_calls_equal_raw (db, calls, 0, 20);

  users = tg_usage_user_totals_parse_result (g_ptr_array_index (results, 4), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 5);
  expected = tg_usage_fetch_user_totals (db->conn, "2026-04", NULL, 5, &error);
  g_assert_no_error (error);
  assert_totals_equal (users, expected);

  tg_db_connection_close (conn);
}

/* The live feed: the newest calls, and those after an id, priced row by row. */
static void
test_latest_calls (Fixture       *fixture,
                   gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GPtrArray) newest = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_id;
  gint64 middle;
  guint unpriced = 0;
  guint failed_but_billed = 0;

  if (db == NULL)
    return;

  insert_three_rounds (db, 30);
  conn = tg_db_connection_new (db->conninfo);
  max_id = tg_test_db_scalar_int (db, "SELECT max(api_usage_id) FROM tollgate.api_usage_tracking");

  /* The newest ones, blocking and asynchronously. */
  newest = tg_usage_fetch_latest_calls (db->conn, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (newest->len, ==, 50);
  g_assert_cmpint (((TgUsageCall *)g_ptr_array_index (newest, 0))->id, ==, max_id);
  assert_calls_equal_raw (db, newest, 0, 50);
  g_clear_pointer (&newest, g_ptr_array_unref);

  newest = latest_calls_async (conn, 0, 50);
  assert_calls_equal_raw (db, newest, 0, 50);

  /* After an id: only greater ids, the newest of them when more than the limit. */
  middle = max_id - 120;
  after = latest_calls_async (conn, middle, 500);
  g_assert_cmpuint (after->len, ==, 120);
  assert_calls_equal_raw (db, after, middle, 500);
  g_clear_pointer (&after, g_ptr_array_unref);

  after = tg_usage_fetch_latest_calls (db->conn, middle, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 30);
  g_assert_cmpint (((TgUsageCall *)g_ptr_array_index (after, 0))->id, ==, max_id);
  assert_calls_equal_raw (db, after, middle, 30);
  g_clear_pointer (&after, g_ptr_array_unref);

  after = latest_calls_async (conn, max_id, 10);
  g_assert_cmpuint (after->len, ==, 0);

  /* Every row, so that every pricing case is compared at least once. */
  all = tg_usage_fetch_latest_calls (db->conn, 0, 10000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (all->len, ==, tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking"));
  assert_calls_equal_raw (db, all, 0, 10000);
  for (guint i = 0; i < all->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (all, i);

      if (!call->priced)
        {
          g_assert_cmpstr (call->provider, ==, "acme");
          unpriced++;
        }
      if (call->priced && call->cost > 0 && (call->status < 200 || call->status > 299))
        failed_but_billed++;
    }
  g_assert_cmpuint (unpriced, >, 0);
  g_assert_cmpuint (failed_but_billed, >, 0);

  tg_db_connection_close (conn);
}

/* Per-user month totals equal plain SQL in the zone the level was built in, with late
 * rows and an unrefreshed tail.
 */
static void
test_user_totals (Fixture       *fixture,
                  gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const char *zone = data;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GPtrArray) async = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *built_for = NULL;

  if (db == NULL)
    return;

  set_billing_zone (db, zone);
  insert_three_rounds (db, 40);
  built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
  g_assert_cmpstr (built_for, ==, zone);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.usage_rollup_user_month"), >, 0);

  check_all_user_totals (db, zone);

  /* A limit keeps the most expensive users; the asynchronous path agrees. */
  conn = tg_db_connection_new (db->conninfo);
  all = tg_usage_fetch_user_totals (db->conn, "2026-04", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 4);
  top = tg_usage_fetch_user_totals (db->conn, "2026-04", NULL, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->len, ==, 4);
  g_ptr_array_set_size (all, 4);
  assert_totals_equal (top, all);
  async = user_totals_async (conn, "2026-04", NULL, 4);
  assert_totals_equal (async, top);

  /* A bad month is the server's error. */
  g_clear_pointer (&top, g_ptr_array_unref);
  top = tg_usage_fetch_user_totals (db->conn, "2026-13", NULL, 0, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_null (top);

  /* Everything rolled up: the same answers from the level alone. */
  refresh (db);
  g_assert_cmpint (count_tail (db), ==, 0);
  check_all_user_totals (db, zone);

  tg_db_connection_close (conn);
}

/* Changing the billing time zone moves the per-user months: readers read raw rows until
 * the refresher (or a recompute) rebuilt the level in the new zone.
 */
static void
test_zone_change (Fixture       *fixture,
                  gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autofree char *built_for = NULL;
  g_autofree char *level = NULL;
  g_autofree char *raw = NULL;

  if (db == NULL)
    return;

  insert_three_rounds (db, 50);
  check_all_user_totals (db, "UTC");

  /* Changed, not yet rebuilt: exact in the new zone all the same. */
  set_billing_zone (db, "Australia/Adelaide");
  built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
  g_assert_cmpstr (built_for, ==, "UTC");
  check_all_user_totals (db, "Australia/Adelaide");

  /* The refresher rebuilds the level, then adds the tail. */
  refresh (db);
  g_clear_pointer (&built_for, g_free);
  built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
  g_assert_cmpstr (built_for, ==, "Australia/Adelaide");
  g_assert_cmpint (count_tail (db), ==, 0);
  check_all_user_totals (db, "Australia/Adelaide");

  /* The level holds what the raw rows say, month by month, in the new zone. */
  level = tg_test_db_scalar (db,
    "SELECT string_agg(format('%s/%s/%s/%s/%s', month, user_id, api_provider, calls, round(cost, 6)), "
    "                  ' ' ORDER BY month, user_id, api_provider) "
    "FROM tollgate.usage_rollup_user_month");
  raw = tg_test_db_scalar (db,
    "SELECT string_agg(format('%s/%s/%s/%s/%s', month, user_id, api_provider, calls, round(cost, 6)), "
    "                  ' ' ORDER BY month, user_id, api_provider) "
    "FROM tollgate.usage_user_delta(0, NULL, 'Australia/Adelaide')");
  g_assert_cmpstr (level, ==, raw);

  /* Late rows and a price change for a past month; a recompute also follows a zone change. */
  insert_rows (db, 53, 300);
  set_billing_zone (db, "UTC");
  tg_test_db_exec (db,
    "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
    "VALUES ('here', 'call', 0.01, 'USD', '2026-10-20 00:00+00')");
  tg_test_db_exec (db, "SELECT tollgate.recompute_rollups('2026-10-01 00:00+00')");
  g_clear_pointer (&built_for, g_free);
  built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
  g_assert_cmpstr (built_for, ==, "UTC");
  g_assert_cmpint (count_tail (db), ==, 300);
  check_all_user_totals (db, "UTC");

  refresh (db);
  check_all_user_totals (db, "UTC");
}

/* The per-user levels follow every refresh, whatever pace the caller asks for (one scan
 * of the new rows serves every level since 0012); a per-user watermark left behind by
 * 0006's pace catches up first. Totals stay exact throughout. */
static void
test_user_level_follows_every_refresh (Fixture       *fixture,
                                       gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  gint64 behind;

  if (db == NULL)
    return;

  insert_rows (db, 81, 900);
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups(1000000, '1 hour')");
  insert_rows (db, 82, 500);
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups(1000000, '1 hour')");
  g_assert_cmpint (count_tail (db), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT last_id - user_last_id FROM tollgate.rollup_state"), ==, 0);
  check_all_user_totals (db, "UTC");

  /* A price change for the past: recompute brings the per-user levels along. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
    "VALUES ('here', 'call', 0.25, 'USD', '2026-02-01 00:00+00')");
  tg_test_db_exec (db, "SELECT tollgate.recompute_rollups('2026-02-01 00:00+00')");
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT last_id - user_last_id FROM tollgate.rollup_state"), ==, 0);
  check_all_user_totals (db, "UTC");

  /* The per-user levels as 0006's pace could leave them: built up to an earlier id. */
  behind = tg_test_db_scalar_int (db, "SELECT last_id - 400 FROM tollgate.rollup_state");
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT tollgate.rollup_users_rebuild(%" G_GINT64_FORMAT ", NULL); "
      "UPDATE tollgate.rollup_state SET user_last_id = %" G_GINT64_FORMAT, behind, behind);

    tg_test_db_exec (db, sql);
  }
  check_all_user_totals (db, "UTC");

  insert_rows (db, 83, 300);
  refresh (db);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT last_id - user_last_id FROM tollgate.rollup_state"), ==, 0);
  g_assert_cmpint (count_tail (db), ==, 0);
  check_all_user_totals (db, "UTC");
}

/* Runs tollgatectl with @args (NULL-terminated, after "--db CONNINFO" is added) and
 * returns its stdout; @status gets the exit status and @err its stderr. */
static char *
run_tollgatectl (TgTestDb    *db,
                 int         *status,
                 char       **err,
                 const char  *first_arg,
                 ...)
{
  const char *tollgatectl = g_getenv ("TOLLGATECTL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list args;

  g_assert_nonnull (tollgatectl);
  g_ptr_array_add (argv, (char *)tollgatectl);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, (char *)"--db");
  g_ptr_array_add (argv, db->conninfo);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);
  return out;
}

static JsonObject *
parse_json_object (JsonParser *parser,
                   const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* $1: zone, $2: 'day', 'week' or 'month', $3: from, $4: until (instants). Per local bucket
 * and user: calls and cost, as plain SQL over the raw rows. */
static const char raw_user_buckets_sql[] =
  "WITH " PRICED_RAW_SQL
  "SELECT to_char(date_trunc($2, created_at AT TIME ZONE $1), 'YYYY-MM-DD'), "
  "       coalesce(user_id::text, ''), sum(call_count)::int8, "
  "       round(sum(cost_native * coalesce(rate, 0)), 6)::text "
  "FROM priced "
  "WHERE created_at >= $3::timestamptz AND created_at < $4::timestamptz "
  "GROUP BY 1, 2";

/* The CLI's user series equals the raw rows per local day, week and month of @zone. */
static void
assert_cli_user_series_equal_raw (TgTestDb   *db,
                                  const char *zone,
                                  const char *bucket,
                                  const char *from,
                                  const char *to)
{
  g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (zone, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(PGresult) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) bounds = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  const char *sql_bucket = g_str_equal (bucket, "week") ? "week"
                           : g_str_equal (bucket, "month") ? "month" : "day";
  JsonArray *rows;
  int status;
  gint64 end;

  g_test_message ("usage series --bucket %s --group-by user, %s, %s to %s", bucket, zone, from, to);
  bounds = tg_time_bucket_range_parse (tz, g_str_equal (bucket, "week") ? TG_BUCKET_WEEK
                                           : g_str_equal (bucket, "month") ? TG_BUCKET_MONTH
                                           : TG_BUCKET_DAY, from, to, &error);
  g_assert_no_error (error);
  end = tg_time_bucket_next (tz, g_str_equal (bucket, "week") ? TG_BUCKET_WEEK
                                 : g_str_equal (bucket, "month") ? TG_BUCKET_MONTH
                                 : TG_BUCKET_DAY, g_array_index (bounds, gint64, bounds->len - 1));
  {
    g_autoptr(GDateTime) a = g_date_time_new_from_unix_utc (g_array_index (bounds, gint64, 0));
    g_autoptr(GDateTime) b = g_date_time_new_from_unix_utc (end);

    since = g_date_time_format (a, "%Y-%m-%d %H:%M:%S+00");
    until = g_date_time_format (b, "%Y-%m-%d %H:%M:%S+00");
  }

  {
    const char *params[] = { zone, sql_bucket, since, until };

    raw = tg_db_query (db->conn, raw_user_buckets_sql, 4, params, &error);
    g_assert_no_error (error);
  }
  for (int i = 0; i < PQntuples (raw); i++)
    g_hash_table_insert (expected,
                         g_strdup_printf ("%s/%s", PQgetvalue (raw, i, 0), PQgetvalue (raw, i, 1)),
                         g_strdup_printf ("%s/%" G_GINT64_FORMAT, PQgetvalue (raw, i, 2),
                                          text_micros (PQgetvalue (raw, i, 3))));

  out = run_tollgatectl (db, &status, &err, "usage", "series", "--bucket", bucket, "--group-by",
                         "user", "--from", from, "--to", to, "--json", NULL);
  if (status != 0)
    g_error ("tollgatectl usage series --group-by user failed: %s", err);
  rows = json_object_get_array_member (parse_json_object (parser, out), "rows");

  g_assert_cmpuint (json_array_get_length (rows), ==, g_hash_table_size (expected));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *object = json_array_get_object_element (rows, i);
      g_autofree char *start = g_strndup (json_object_get_string_member (object, "start"), 10);
      g_autofree char *key = g_strdup_printf ("%s/%s", start,
                                              json_object_get_string_member (object, "group"));
      g_autofree char *got = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                              json_object_get_int_member (object, "calls"),
                                              text_micros (json_object_get_string_member (object, "cost")));

      g_assert_cmpstr (got, ==, g_hash_table_lookup (expected, key));
      g_assert_true (json_object_get_null_member (object, "p50_ms"));
    }
}

/* tollgatectl usage series --group-by user: local days, ISO weeks and billing months of
 * the per-user levels (plus the tail), equal to the raw rows in a half-hour zone across
 * its end of summer time; finer buckets and latency are refused with the reason. */
static void
test_series_by_user (Fixture       *fixture,
                     gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (db == NULL)
    return;

  set_billing_zone (db, "Australia/Adelaide");
  insert_three_rounds (db, 90);

  assert_cli_user_series_equal_raw (db, "Australia/Adelaide", "month", "2026-03-01", "2026-11-30");
  assert_cli_user_series_equal_raw (db, "Australia/Adelaide", "week", "2026-03-23", "2026-04-12");
  assert_cli_user_series_equal_raw (db, "Australia/Adelaide", "day", "2026-03-30", "2026-04-06");
  assert_cli_user_series_equal_raw (db, "Australia/Adelaide", "day", "2026-10-30", "2026-11-02");

  /* Finer buckets are refused with a reason (exit status 2), and so is latency. */
  out = run_tollgatectl (db, &status, &err, "usage", "series", "--bucket", "hour", "--group-by",
                         "user", "--from", "2026-03-01", "--to", "2026-03-02", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "per local day of the billing time zone"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = run_tollgatectl (db, &status, &err, "usage", "latency", "--group-by", "user",
                         "--from", "2026-03-01", "--to", "2026-03-02", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "latency is not kept per user"));
}

/* Top groups, as plain SQL over the raw rows: the groups ranked as tollgate.usage_top()
 * promises (cost rounded to micro-units, descending; calls, descending; users by id with
 * the calls without a user last, other groups in byte order), the rest and the total,
 * each amount its own exact sum rounded once. $1, $2: the range; $3: provider or NULL;
 * $4: grouping; $5: limit. */
static const char raw_top_sql[] =
  "WITH " PRICED_RAW_SQL ", "
  "g AS ( "
  "  SELECT CASE $4 WHEN 'user' THEN coalesce(user_id::text, '') "
  "                 WHEN 'feature' THEN coalesce(feature, '') "
  "                 WHEN 'cost_centre' THEN coalesce((SELECT f.cost_centre FROM tollgate.features f "
  "                                                   WHERE f.name = priced.feature), '') "
  "                 WHEN 'endpoint' THEN api_endpoint "
  "                 WHEN 'request_type' THEN request_type "
  "                 WHEN 'region' THEN coalesce(region, '') "
  "                 WHEN 'provider' THEN api_provider "
  "                 ELSE (response_status / 100)::text END AS grp, "
  "         sum(call_count) AS calls, sum(cost_native * coalesce(rate, 0)) AS cost "
  "  FROM priced "
  "  WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz "
  "    AND ($3::text IS NULL OR api_provider = $3) "
  "  GROUP BY 1), "
  "r AS ( "
  "  SELECT g.*, row_number() OVER (ORDER BY round(cost, 6) DESC, calls DESC, "
  "           CASE WHEN $4 = 'user' THEN nullif(grp, '')::int8 END NULLS LAST, "
  "           grp COLLATE \"C\") AS rn "
  "  FROM g) "
  "SELECT 'row', grp, calls::int8, round(cost, 6)::text, rn, 0 AS part FROM r WHERE rn <= $5::int4 "
  "UNION ALL "
  "SELECT 'rest', '', coalesce(sum(calls), 0)::int8, round(coalesce(sum(cost), 0), 6)::text, "
  "       count(*), 1 FROM r WHERE rn > $5::int4 "
  "UNION ALL "
  "SELECT 'total', '', coalesce(sum(calls), 0)::int8, round(coalesce(sum(cost), 0), 6)::text, "
  "       count(*), 2 FROM r "
  "ORDER BY 6, 5";

static const TgUsageGroupBy top_groups[] = {
  TG_USAGE_GROUP_USER, TG_USAGE_GROUP_FEATURE, TG_USAGE_GROUP_COST_CENTRE,
  TG_USAGE_GROUP_ENDPOINT, TG_USAGE_GROUP_REQUEST_TYPE, TG_USAGE_GROUP_REGION,
  TG_USAGE_GROUP_PROVIDER, TG_USAGE_GROUP_STATUS_CLASS,
};

static void
assert_top_row_equal_raw (const TgUsageRow *row,
                          PGresult         *raw,
                          int               i)
{
  g_assert_cmpstr (row->group, ==, PQgetvalue (raw, i, 1));
  g_assert_cmpint (row->calls, ==, cell_int (raw, i, 2));
  g_assert_cmpint (row->cost, ==, text_micros (PQgetvalue (raw, i, 3)));
}

/* tg_usage_fetch_top() over [@from, @to] (local dates of @zone) equals the raw answer. */
static void
assert_top_equal_raw (TgTestDb       *db,
                      TgDbConnection *conn,
                      const char     *zone,
                      const char     *from,
                      const char     *to,
                      TgUsageGroupBy  group_by,
                      const char     *provider,
                      guint           limit)
{
  g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (zone, NULL);
  g_autoptr(TgUsageTop) top = NULL;
  g_autoptr(TgUsageTop) async = NULL;
  g_autoptr(PGresult) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  GDate from_date, to_date;
  gint64 bounds[2];
  int n;

  g_test_message ("top %s, %s, %s to %s, %s, limit %u", tg_usage_group_by_to_string (group_by),
                  zone, from, to, provider != NULL ? provider : "all providers", limit);
  g_assert_true (tg_time_bucket_parse_date (from, &from_date, NULL));
  g_assert_true (tg_time_bucket_parse_date (to, &to_date, NULL));
  g_date_add_days (&to_date, 1);
  bounds[0] = tg_time_bucket_day_start (tz, &from_date);
  bounds[1] = tg_time_bucket_day_start (tz, &to_date);
  {
    g_autoptr(GDateTime) a = g_date_time_new_from_unix_utc (bounds[0]);
    g_autoptr(GDateTime) b = g_date_time_new_from_unix_utc (bounds[1]);

    since = g_date_time_format (a, "%Y-%m-%d %H:%M:%S+00");
    until = g_date_time_format (b, "%Y-%m-%d %H:%M:%S+00");
  }

  top = tg_usage_fetch_top (db->conn, bounds, group_by, provider, limit, &error);
  g_assert_no_error (error);
  {
    const char *params[] = { since, until, provider, tg_usage_group_by_to_string (group_by),
                             limit_text };

    raw = tg_db_query (db->conn, raw_top_sql, 5, params, &error);
    g_assert_no_error (error);
  }

  n = PQntuples (raw);
  g_assert_cmpint (n, ==, (int)top->rows->len + 2);
  g_assert_cmpuint (top->display_names->len, ==, top->rows->len);
  for (guint i = 0; i < top->rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (top->rows, i);

      assert_top_row_equal_raw (row, raw, i);
      g_assert_cmpint (row->start, ==, bounds[0]);
      g_assert_cmpint (row->end, ==, bounds[1]);
      g_assert_cmpuint (tg_usage_top_get_share (top, i), ==,
                        tg_usage_share (row->cost, top->total->cost));
      if (group_by == TG_USAGE_GROUP_USER && *row->group != '\0')
        {
          g_autofree char *sql = g_strdup_printf (
            "SELECT display_name FROM tollgate.users WHERE user_id = %s", row->group);
          g_autofree char *name = tg_test_db_scalar (db, sql);

          g_assert_cmpstr (g_ptr_array_index (top->display_names, i), ==, name);
        }
    }
  assert_top_row_equal_raw (top->rest, raw, n - 2);
  g_assert_cmpuint (top->n_rest_groups, ==, cell_int (raw, n - 2, 4));
  assert_top_row_equal_raw (top->total, raw, n - 1);
  g_assert_cmpint (top->total->calls, >, 0);

  /* The same, asynchronously. */
  tg_usage_top_async (conn, bounds, group_by, provider, limit, NULL, store_result_cb, &result);
  wait_until (result != NULL);
  async = tg_usage_top_finish (conn, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async->rows->len, ==, top->rows->len);
  for (guint i = 0; i < top->rows->len; i++)
    assert_rows_equal (g_ptr_array_index (async->rows, i), g_ptr_array_index (top->rows, i));
  assert_rows_equal (async->rest, top->rest);
  assert_rows_equal (async->total, top->total);

  /* Every group but users also has the series' figures, histograms included. */
  if (group_by != TG_USAGE_GROUP_USER)
    {
      g_autoptr(GPtrArray) series = tg_usage_fetch_series (db->conn, bounds, 2, group_by,
                                                           provider, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < top->rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (top->rows, i);
          gboolean found = FALSE;

          for (guint j = 0; j < series->len; j++)
            if (g_str_equal (((TgUsageRow *)g_ptr_array_index (series, j))->group, row->group))
              {
                assert_rows_equal (row, g_ptr_array_index (series, j));
                found = TRUE;
              }
          g_assert_true (found);
        }
    }
}

/* Two users who cost the same and made as many calls, and two who cost the same with more
 * calls for one (a call that is not billable): the ties the order promises to break. */
static const char tied_users_sql[] =
  "INSERT INTO tollgate.users (user_id, display_name) VALUES "
  "  (20, 'Tie A'), (21, 'Tie B'), (22, 'Tie C'), (23, 'Tie D');"
  "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
  "  call_count, response_time, response_status, is_billable, created_at) VALUES "
  "  (21, 'here', '/v1/geocode', 'geocode', 7, 100, 200, true, '2026-04-02 03:00+00'), "
  "  (20, 'here', '/v1/geocode', 'geocode', 7, 100, 200, true, '2026-04-02 03:00+00'), "
  "  (22, 'here', '/v1/geocode', 'geocode', 5, 100, 200, true, '2026-04-02 03:00+00'), "
  "  (23, 'here', '/v1/geocode', 'geocode', 5, 100, 200, true, '2026-04-02 03:00+00'), "
  "  (23, 'here', '/v1/geocode', 'geocode', 2, 100, 200, false, '2026-04-02 03:00+00');";

/* tg_usage_fetch_top() for every grouping, all providers and one, with a limit that leaves
 * a rest and with one that lists every group, in the zone given (UTC, or Adelaide across
 * its end of summer time), with late rows and a tail; the CLI's JSON keeps its contract. */
static void
test_top (Fixture       *fixture,
          gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const char *zone = data;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *root;
  JsonArray *rows;
  int status;

  if (db == NULL)
    return;

  set_billing_zone (db, zone);
  tg_test_db_exec (db, tied_users_sql);
  insert_three_rounds (db, 70);
  conn = tg_db_connection_new (db->conninfo);

  for (guint i = 0; i < G_N_ELEMENTS (top_groups); i++)
    {
      assert_top_equal_raw (db, conn, zone, "2026-03-30", "2026-04-06", top_groups[i], NULL, 3);
      assert_top_equal_raw (db, conn, zone, "2026-03-01", "2026-11-30", top_groups[i], NULL, 10000);
      assert_top_equal_raw (db, conn, zone, "2026-10-01", "2026-11-02", top_groups[i], "here", 2);
    }

  /* Everything rolled up: the same answers from the levels alone. */
  refresh (db);
  assert_top_equal_raw (db, conn, zone, "2026-03-01", "2026-11-30", TG_USAGE_GROUP_USER, NULL, 5);
  assert_top_equal_raw (db, conn, zone, "2026-03-15", "2026-04-14", TG_USAGE_GROUP_USER, NULL, 10000);
  assert_top_equal_raw (db, conn, zone, "2026-03-15", "2026-04-14", TG_USAGE_GROUP_USER, "geoscape", 4);

  /* The ties: 20 before 21 (the same cost and calls, the smaller id), 23 before 22 (the
   * same cost, more calls). */
  {
    g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (zone, NULL);
    g_autoptr(TgUsageTop) top = NULL;
    g_autoptr(GError) error = NULL;
    GDate a, b;
    gint64 bounds[2];
    int seen = 0;

    g_date_set_dmy (&a, 1, 3, 2026);
    g_date_set_dmy (&b, 1, 12, 2026);
    bounds[0] = tg_time_bucket_day_start (tz, &a);
    bounds[1] = tg_time_bucket_day_start (tz, &b);
    top = tg_usage_fetch_top (db->conn, bounds, TG_USAGE_GROUP_USER, NULL, 10000, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < top->rows->len; i++)
      {
        const char *group = ((TgUsageRow *)g_ptr_array_index (top->rows, i))->group;
        const char *order[] = { "20", "21", "23", "22" };

        if (seen < 4 && g_str_equal (group, order[seen]))
          seen++;
      }
    g_assert_cmpint (seen, ==, 4);
  }

  /* The CLI's JSON: exactly these members, the same figures, the share of each row. */
  out = run_tollgatectl (db, &status, &err, "usage", "top", "--by", "cost-centre", "--from",
                         "2026-03-01", "--to", "2026-11-30", "--limit", "2", "--json", NULL);
  if (status != 0)
    g_error ("tollgatectl usage top failed: %s", err);
  root = parse_json_object (parser, out);
  {
    g_autoptr(GList) members = json_object_get_members (root);
    g_autoptr(GString) names = g_string_new (NULL);

    for (GList *l = members; l != NULL; l = l->next)
      g_string_append_printf (names, "%s ", (char *)l->data);
    g_assert_cmpstr (names->str, ==, "by from to currency rows rest total ");
  }
  g_assert_cmpstr (json_object_get_string_member (root, "by"), ==, "cost-centre");
  g_assert_cmpstr (json_object_get_string_member (root, "from"), ==, "2026-03-01");
  g_assert_cmpstr (json_object_get_string_member (root, "to"), ==, "2026-11-30");
  g_assert_cmpstr (json_object_get_string_member (root, "currency"), ==, "AUD");
  rows = json_object_get_array_member (root, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  {
    g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (zone, NULL);
    g_autoptr(TgUsageTop) top = NULL;
    g_autoptr(GError) error = NULL;
    JsonObject *rest = json_object_get_object_member (root, "rest");
    JsonObject *total = json_object_get_object_member (root, "total");
    GDate a, b;
    gint64 bounds[2];

    g_date_set_dmy (&a, 1, 3, 2026);
    g_date_set_dmy (&b, 1, 12, 2026);
    bounds[0] = tg_time_bucket_day_start (tz, &a);
    bounds[1] = tg_time_bucket_day_start (tz, &b);
    top = tg_usage_fetch_top (db->conn, bounds, TG_USAGE_GROUP_COST_CENTRE, NULL, 2, &error);
    g_assert_no_error (error);

    for (guint i = 0; i < 2; i++)
      {
        JsonObject *row = json_array_get_object_element (rows, i);
        TgUsageRow *expected = g_ptr_array_index (top->rows, i);
        g_autoptr(GList) members = json_object_get_members (row);
        g_autofree char *sql = g_strdup_printf (
          "SELECT to_char(round(%s::numeric / %s::numeric, 4), 'FM0.0000')",
          json_object_get_string_member (row, "cost"),
          json_object_get_string_member (total, "cost"));
        g_autofree char *share = tg_test_db_scalar (db, sql);
        const char *cost = json_object_get_string_member (row, "cost");

        g_assert_cmpuint (g_list_length (members), ==, 4);
        g_assert_cmpstr (json_object_get_string_member (row, "group"), ==, expected->group);
        g_assert_cmpint (json_object_get_int_member (row, "calls"), ==, expected->calls);
        g_assert_cmpint (text_micros (cost), ==, expected->cost);
        /* at least two decimals, no more than six */
        g_assert_true (g_regex_match_simple ("^[0-9]+\\.[0-9]{2,6}$", cost, 0, 0));
        g_assert_cmpstr (json_object_get_string_member (row, "share"), ==, share);
      }
    g_assert_cmpuint (json_object_get_size (rest), ==, 2);
    g_assert_cmpuint (json_object_get_size (total), ==, 2);
    g_assert_cmpint (json_object_get_int_member (rest, "calls"), ==, top->rest->calls);
    g_assert_cmpint (text_micros (json_object_get_string_member (rest, "cost")), ==, top->rest->cost);
    g_assert_cmpint (json_object_get_int_member (total, "calls"), ==, top->total->calls);
    g_assert_cmpint (text_micros (json_object_get_string_member (total, "cost")), ==, top->total->cost);
  }

  /* Bad options are usage errors; users by hour do not exist. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = run_tollgatectl (db, &status, &err, "usage", "top", "--by", "none", "--from",
                         "2026-03-01", "--to", "2026-03-02", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "cannot rank by"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = run_tollgatectl (db, &status, &err, "usage", "top", "--by", "user", "--from",
                         "2026-03-01", "--to", "2026-03-02", "--limit", "0", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--limit"));

  tg_db_connection_close (conn);
}

static void
test_viewer (Fixture       *fixture,
             gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autofree char *login = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) bounds = series_bounds (&series_cases[0]);

  if (db == NULL)
    return;

  insert_three_rounds (db, 60);

  login = tg_test_unique_name ("tgusage");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", login);
  tg_test_db_exec (db, sql);

  conninfo = tg_test_db_conninfo_as (db, login);
  conn = tg_db_connection_new (conninfo);

  calls = latest_calls_async (conn, 0, 10);
  g_assert_cmpuint (calls->len, ==, 10);
  totals = user_totals_async (conn, "2026-04", "here", 0);
  g_assert_cmpuint (totals->len, >, 0);
  rows = series_async (conn, bounds, TG_USAGE_GROUP_PROVIDER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >, 0);

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(TgDbResult) level = NULL;

    tg_db_connection_query_async (conn, "SELECT count(*) FROM tollgate.usage_rollup_user_month",
                                  NULL, 0, NULL, store_result_cb, &result);
    wait_until (result != NULL);
    level = tg_db_connection_query_finish (conn, result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (tg_db_result_get_int64 (level, 0, 0), >, 0);
  }

  tg_db_connection_close (conn);
  while (g_main_context_iteration (fixture->context, FALSE))
    ;
  g_clear_object (&conn);

  g_free (sql);
  sql = g_strdup_printf ("DROP ROLE %s", login);
  tg_test_db_exec (db, sql);
}

/* The series parser reads each piece's histogram in place from the text of its int8[]
 * ("{3,0,17}"), as PostgreSQL writes it and nothing else: it once took "{0,0,}", which
 * tg_db_result_dup_int64_array() refuses (found by tools/fuzz histogram). The results
 * are made with libpq's PQmakeEmptyPGresult(), so no server is needed.
 */
static void
test_histogram_text (void)
{
  static const struct { const char *text; gboolean valid; guint64 total; } cases[] = {
    { "{3,0,17}", TRUE, 20 },
    { "{}", TRUE, 0 },
    { "{9223372036854775807}", TRUE, G_MAXINT64 },
    { "{0,0,}", FALSE, 0 },
    { "{,}", FALSE, 0 },
    { "{1,,2}", FALSE, 0 },
    { "{,1}", FALSE, 0 },
    { "{1} ", FALSE, 0 },
    { "{1, 2}", FALSE, 0 },
    { "{-1}", FALSE, 0 },
    { "{1", FALSE, 0 },
    { "1}", FALSE, 0 },
  };
  const gint64 bounds[] = { 0, 900 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PGresult *pg = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
      g_autoptr(TgDbResult) result = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GError) error = NULL;
      PGresAttDesc columns[15];

      for (guint col = 0; col < G_N_ELEMENTS (columns); col++)
        columns[col] = (PGresAttDesc) {
          .name = (char *)"c", .format = 0, .typid = 25, .typlen = -1, .atttypmod = -1,
        };
      g_assert_true (PQsetResultAttrs (pg, G_N_ELEMENTS (columns), columns));
      g_assert_true (PQsetvalue (pg, 0, 0, (char *)"1", 1));
      g_assert_true (PQsetvalue (pg, 0, 1, (char *)"geoscape", 8));
      for (guint col = 2; col < 14; col++)
        g_assert_true (PQsetvalue (pg, 0, (int)col, NULL, -1));
      g_assert_true (PQsetvalue (pg, 0, 14, (char *)cases[i].text, (int)strlen (cases[i].text)));
      result = _tg_db_result_new (pg);

      rows = tg_usage_series_parse_result (result, bounds, G_N_ELEMENTS (bounds), &error);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (rows->len, ==, 1);
          g_assert_cmpuint (tg_latency_histogram_get_total (
                              ((TgUsageRow *)g_ptr_array_index (rows, 0))->latency),
                            ==, cases[i].total);
        }
      else
        {
          if (rows != NULL)
            g_error ("The series parser took the histogram “%s”", cases[i].text);
          g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
        }
    }
}

/* Pieces arrive in any order: several per (bucket, group), groups interleaved, names
 * longer than the parser's lookup buffer, SQL NULL groups. Each (bucket, group) must come
 * out once, summed, ordered by bucket then name, the native currency kept only when its
 * pieces agree. */
static void
test_series_pieces (void)
{
  g_autofree char *long_a = g_strnfill (300, 'a');
  g_autofree char *long_b = g_strconcat (long_a, "b", NULL);
  const struct { const char *bucket; const char *group; const char *calls; const char *currency; const char *cost; } pieces[] = {
    { "2", "here", "1", "AUD", "0.1" },
    { "1", long_b, "2", "AUD", "0.2" },
    { "2", NULL, "4", "USD", "0.4" },
    { "1", "here", "8", "AUD", "0.000001" },
    { "2", "here", "16", "USD", "1.6" },
    { "1", long_a, "32", "AUD", "3.2" },
    { "1", long_b, "64", "AUD", "6.4" },
    { "1", "here", "128", "AUD", "12.8" },
    { "2", "", "256", "USD", "25.6" },
  };
  const struct { gint64 start; const char *group; gint64 calls; const char *currency; gint64 cost; } expected[] = {
    { 0, long_a, 32, "AUD", 3200000 },
    { 0, long_b, 66, "AUD", 6600000 },
    { 0, "here", 136, "AUD", 12800001 },
    { 900, "", 260, "USD", 26000000 },
    { 900, "here", 17, "", 1700000 },
  };
  const gint64 bounds[] = { 0, 900, 1800 };
  PGresult *pg = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  PGresAttDesc columns[15];

  for (guint col = 0; col < G_N_ELEMENTS (columns); col++)
    columns[col] = (PGresAttDesc) {
      .name = (char *)"c", .format = 0, .typid = 25, .typlen = -1, .atttypmod = -1,
    };
  g_assert_true (PQsetResultAttrs (pg, G_N_ELEMENTS (columns), columns));
  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      const char *values[15] = { pieces[i].bucket, pieces[i].group, pieces[i].calls,
                                 NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                 pieces[i].currency, NULL, pieces[i].cost, NULL, "{1}" };

      for (guint col = 0; col < G_N_ELEMENTS (values); col++)
        g_assert_true (PQsetvalue (pg, (int)i, (int)col, (char *)values[col],
                                   values[col] != NULL ? (int)strlen (values[col]) : -1));
    }
  result = _tg_db_result_new (pg);

  rows = tg_usage_series_parse_result (result, bounds, G_N_ELEMENTS (bounds), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (row->start, ==, expected[i].start);
      g_assert_cmpint (row->end, ==, expected[i].start + 900);
      g_assert_cmpstr (row->group, ==, expected[i].group);
      g_assert_cmpint (row->calls, ==, expected[i].calls);
      g_assert_cmpstr (row->native_currency, ==, expected[i].currency);
      g_assert_cmpint (row->cost, ==, expected[i].cost);
    }
  /* Two pieces of "here" in the first bucket, each with a histogram of one call. */
  g_assert_cmpuint (tg_latency_histogram_get_total (((TgUsageRow *)g_ptr_array_index (rows, 2))->latency),
                    ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/tollgate/db/usage-queries/" path, Fixture, data, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("series-async", test_series_async, NULL);
  ADD ("batch", test_batch, NULL);
  ADD ("latest-calls", test_latest_calls, NULL);
  ADD ("user-totals/utc", test_user_totals, "UTC");
  ADD ("user-totals/adelaide", test_user_totals, "Australia/Adelaide");
  ADD ("zone-change", test_zone_change, NULL);
  ADD ("user-level-follows-every-refresh", test_user_level_follows_every_refresh, NULL);
  ADD ("series-by-user", test_series_by_user, NULL);
  ADD ("top/utc", test_top, "UTC");
  ADD ("top/adelaide", test_top, "Australia/Adelaide");
  ADD ("viewer", test_viewer, NULL);

#undef ADD

  g_test_add_func ("/tollgate/db/usage-queries/histogram-text", test_histogram_text);
  g_test_add_func ("/tollgate/db/usage-queries/series-pieces", test_series_pieces);

  return g_test_run ();
}
