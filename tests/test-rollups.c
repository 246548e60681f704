/* test-rollups.c — every rollup-backed answer equals plain SQL over the raw rows.
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-db-util.h"
#include "tg-latency-histogram.h"
#include "tg-money.h"
#include "tg-test-db.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

/* The same question in plain SQL over raw rows, pricing each row on its own: the rule in
 * force at its created_at (most specific, then latest) and the rate of its UTC date.
 * $1: bucket bounds; groups by provider. Money rounded once, to micro-units, like the
 * query layer's.
 */
static const char raw_series_sql[] =
  "WITH bounds AS (SELECT $1::timestamptz[] AS b), "
  "priced AS ( "
  "  SELECT u.*, width_bucket(u.created_at, (SELECT b FROM bounds)) AS bucket, "
  "         coalesce(pv.currency::text, '') AS native_currency, "
  "         coalesce(rules.cost, 0) AS cost_native, "
  "         CASE WHEN pv.currency = st.value THEN 1 ELSE "
  "           (SELECT x.rate FROM tollgate.exchange_rates x "
  "            WHERE x.from_currency = pv.currency AND x.to_currency = st.value "
  "              AND x.effective_from <= (u.created_at AT TIME ZONE 'UTC')::date "
  "            ORDER BY x.effective_from DESC LIMIT 1) END AS rate, "
  "         u.is_billable AND (u.response_status BETWEEN 200 AND 299 "
  "                            OR coalesce(rules.bill_failed, false)) AS billed "
  "  FROM tollgate.api_usage_tracking u "
  "  LEFT JOIN tollgate.providers pv ON pv.slug = u.api_provider "
  "  CROSS JOIN (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency') st "
  "  LEFT JOIN LATERAL ( "
  "    SELECT bool_or(r.bill_failed) AS bill_failed, "
  "           sum(r.unit_price * CASE r.unit "
  "                 WHEN 'call' THEN u.call_count "
  "                 WHEN 'credit' THEN u.credit_cost "
  "                 WHEN 'input_token' THEN coalesce((u.response_data->'usage'->>'prompt_tokens')::numeric, 0) "
  "                 ELSE coalesce((u.response_data->'usage'->>'completion_tokens')::numeric, 0) END) "
  "             FILTER (WHERE u.is_billable AND (u.response_status BETWEEN 200 AND 299 OR r.bill_failed)) AS cost "
  "    FROM (SELECT DISTINCT ON (pb.unit) pb.* FROM tollgate.price_book pb "
  "          WHERE pb.provider = u.api_provider "
  "            AND coalesce(pb.api_endpoint, u.api_endpoint) = u.api_endpoint "
  "            AND coalesce(pb.request_type, u.request_type) = u.request_type "
  "            AND pb.effective_from <= u.created_at "
  "          ORDER BY pb.unit, pb.api_endpoint IS NULL, pb.request_type IS NULL, "
  "                   pb.effective_from DESC) r "
  "  ) rules ON true "
  ") "
  "SELECT bucket, "
  "       CASE $2 WHEN 'provider' THEN api_provider "
  "               WHEN 'region' THEN coalesce(region, '') "
  "               WHEN 'status_class' THEN (response_status / 100)::text "
  "               WHEN 'endpoint' THEN api_endpoint "
  "               WHEN 'feature' THEN coalesce(feature, '') "
  "               WHEN 'request_type' THEN request_type "
  "               WHEN 'cost_centre' THEN coalesce((SELECT f.cost_centre FROM tollgate.features f "
  "                                                 WHERE f.name = priced.feature), '') "
  "               WHEN 'user' THEN coalesce(user_id::text, '') "
  "               ELSE '' END, "
  "       sum(call_count), "
  "       coalesce(sum(call_count) FILTER (WHERE billed), 0), "
  "       coalesce(sum(call_count) FILTER (WHERE response_status = 0 OR response_status >= 400), 0), "
  "       coalesce(sum(call_count) FILTER (WHERE response_status = 0), 0), "
  "       round(sum(credit_cost), 6)::text, "
  "       CASE WHEN min(native_currency) = max(native_currency) "
  "            THEN round(sum(cost_native), 6) ELSE 0 END::text, "
  "       round(sum(cost_native * coalesce(rate, 0)), 6)::text, "
  "       coalesce(sum((response_data->'usage'->>'prompt_tokens')::bigint), 0), "
  "       count(response_time), "
  "       CASE WHEN min(native_currency) = max(native_currency) "
  "            THEN min(native_currency) ELSE '' END "
  "FROM priced "
  "WHERE bucket BETWEEN 1 AND cardinality((SELECT b FROM bounds)) - 1 "
  "GROUP BY 1, 2 ORDER BY 1, 2";

/* Latency samples of one bucket and provider, sorted, for exact percentiles. */
static const char raw_latency_sql[] =
  "SELECT array_agg(response_time ORDER BY response_time)::text "
  "FROM tollgate.api_usage_tracking "
  "WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz "
  "  AND api_provider = $3 AND response_time IS NOT NULL";

static const char * const anchors[] = {
  "2026-04-05 00:00:00+11",   /* Sydney: 25-hour day */
  "2026-10-04 00:00:00+10",   /* Sydney: 23-hour day */
  "2026-03-08 00:00:00-05",   /* New York: 23-hour day */
  "2026-11-01 00:00:00-04",   /* New York: 25-hour day */
  "2026-03-31 23:00:00+00",   /* month end */
  "2026-06-15 12:00:00+00",
};

static void
insert_random_rows (TgTestDb *db,
                    guint32   seed,
                    guint     n)
{
  tg_test_insert_random_usage (db, seed, n, anchors, G_N_ELEMENTS (anchors));
}

/* The plain-SQL answers are planned as expensive; compiling them with LLVM would only
 * slow the test. Tollgate's own functions set jit = off themselves.
 */
static TgTestDb *
rollup_test_db_new (void)
{
  TgTestDb *db = tg_test_db_new (TRUE);

  if (db != NULL)
    {
      tg_test_db_exec (db, "SET jit = off");
      /* The random rows' feature has a cost centre, so that grouping by it means something. */
      tg_test_db_exec (db,
        "INSERT INTO tollgate.cost_centres (code, display_name) VALUES ('ECOM', 'E-commerce');"
        "INSERT INTO tollgate.features (name, display_name, cost_centre) "
        "  VALUES ('checkout.address', 'Checkout address entry', 'ECOM')");
    }
  return db;
}

static void
refresh (TgTestDb *db)
{
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
}

static char *
bounds_literal (GArray *bounds)
{
  GString *literal = g_string_new ("{");

  for (guint i = 0; i < bounds->len; i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (g_array_index (bounds, gint64, i));
      g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S+00");

      g_string_append_printf (literal, "%s\"%s\"", i > 0 ? "," : "", text);
    }
  g_string_append_c (literal, '}');
  return g_string_free (literal, FALSE);
}

static char *
micros_text (gint64 micros)
{
  return tg_money_to_decimal (micros, 6);
}

/* Normalises a numeric's text ("12.300000" and "12.3" are the same amount). */
static char *
numeric_text (const char *text)
{
  gint64 micros = 0;

  g_assert_true (tg_money_parse (text, &micros, NULL));
  return micros_text (micros);
}

static void
assert_percentiles_close (TgTestDb         *db,
                          const TgUsageRow *row)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *samples = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (row->start);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (row->end);
  g_autoptr(PGresult) result = NULL;
  g_auto(GStrv) values = NULL;
  const char *params[3];
  static const double ps[] = { 0.5, 0.95, 0.99 };
  guint n;

  from = g_date_time_format (start, "%Y-%m-%d %H:%M:%S+00");
  to = g_date_time_format (end, "%Y-%m-%d %H:%M:%S+00");
  params[0] = from;
  params[1] = to;
  params[2] = row->group;
  result = tg_db_query (db->conn, raw_latency_sql, 3, params, NULL);
  g_assert_nonnull (result);
  if (PQgetisnull (result, 0, 0))
    {
      g_assert_false (tg_latency_histogram_has_data (row->latency));
      return;
    }

  samples = g_strdup (PQgetvalue (result, 0, 0));
  samples[strlen (samples) - 1] = '\0';
  values = g_strsplit (samples + 1, ",", -1);
  n = g_strv_length (values);
  g_assert_cmpuint (tg_latency_histogram_get_total (row->latency), ==, n);

  for (guint i = 0; i < G_N_ELEMENTS (ps); i++)
    {
      /* The sample at percentile_cont's lower rank, as the histogram defines it. */
      double exact = g_ascii_strtod (values[(guint)floor (ps[i] * (n - 1))], NULL);
      double estimate = tg_usage_row_get_percentile (row, ps[i]);

      if (exact == 0)
        g_assert_cmpfloat (estimate, ==, 0);
      else
        g_assert_cmpfloat (fabs (estimate - exact) / exact, <=, TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
    }
}

/* Compares tg_usage_fetch_series (rollups + tail) grouped by @group_by with the raw answer
 * for @bounds. Percentiles are checked per provider.
 */
static void
assert_group_equals_raw (TgTestDb       *db,
                         GArray         *bounds,
                         TgUsageGroupBy  group_by,
                         gboolean        check_latency)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(PGresult) raw = NULL;
  g_autofree char *literal = bounds_literal (bounds);
  const char *params[] = { literal, tg_usage_group_by_to_string (group_by) };
  guint compared = 0;

  rows = tg_usage_fetch_series (db->conn, (const gint64 *)bounds->data, bounds->len,
                                group_by, NULL, &error);
  g_assert_no_error (error);

  raw = tg_db_query (db->conn, raw_series_sql, 2, params, &error);
  g_assert_no_error (error);

  g_assert_cmpint (PQntuples (raw), ==, rows->len);

  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);
      gint64 bucket = g_ascii_strtoll (PQgetvalue (raw, i, 0), NULL, 10);
      g_autofree char *credits = micros_text (row->credits);
      g_autofree char *cost_native = micros_text (row->cost_native);
      g_autofree char *cost = micros_text (row->cost);
      g_autofree char *raw_credits = numeric_text (PQgetvalue (raw, i, 6));
      g_autofree char *raw_cost_native = numeric_text (PQgetvalue (raw, i, 7));
      g_autofree char *raw_cost = numeric_text (PQgetvalue (raw, i, 8));

      g_assert_cmpint (row->start, ==, g_array_index (bounds, gint64, bucket - 1));
      g_assert_cmpstr (row->group, ==, PQgetvalue (raw, i, 1));
      g_assert_cmpint (row->calls, ==, g_ascii_strtoll (PQgetvalue (raw, i, 2), NULL, 10));
      g_assert_cmpint (row->billable_calls, ==, g_ascii_strtoll (PQgetvalue (raw, i, 3), NULL, 10));
      g_assert_cmpint (row->errors, ==, g_ascii_strtoll (PQgetvalue (raw, i, 4), NULL, 10));
      g_assert_cmpint (row->timeouts, ==, g_ascii_strtoll (PQgetvalue (raw, i, 5), NULL, 10));
      g_assert_cmpstr (credits, ==, raw_credits);
      g_assert_cmpstr (row->native_currency, ==, PQgetvalue (raw, i, 11));
      g_assert_cmpstr (cost_native, ==, raw_cost_native);
      g_assert_cmpstr (cost, ==, raw_cost);
      g_assert_cmpint (row->input_tokens, ==, g_ascii_strtoll (PQgetvalue (raw, i, 9), NULL, 10));
      /* the per-user levels keep no latency */
      g_assert_cmpint ((gint64)tg_latency_histogram_get_total (row->latency), ==,
                       group_by == TG_USAGE_GROUP_USER
                       ? 0 : g_ascii_strtoll (PQgetvalue (raw, i, 10), NULL, 10));
      if (check_latency && group_by == TG_USAGE_GROUP_PROVIDER)
        assert_percentiles_close (db, row);
      compared++;
    }

  g_assert_cmpuint (compared, >, 0);
}

/* Every grouping of the narrow levels: none and provider (all providers' rows), the
 * others (rows of all providers; cost centres through their features').
 */
static void
assert_series_equals_raw (TgTestDb *db,
                          GArray   *bounds,
                          gboolean  check_latency)
{
  static const TgUsageGroupBy groups[] = {
    TG_USAGE_GROUP_PROVIDER, TG_USAGE_GROUP_NONE, TG_USAGE_GROUP_REGION,
    TG_USAGE_GROUP_STATUS_CLASS, TG_USAGE_GROUP_ENDPOINT, TG_USAGE_GROUP_FEATURE,
    TG_USAGE_GROUP_REQUEST_TYPE, TG_USAGE_GROUP_COST_CENTRE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    assert_group_equals_raw (db, bounds, groups[i], check_latency);
}

typedef struct
{
  const char   *zone;
  TgBucketSize  size;
  const char   *from;
  const char   *to;
} SeriesCase;

static const SeriesCase series_cases[] = {
  { "UTC", TG_BUCKET_DAY, "2026-03-01", "2026-11-30" },
  { "Australia/Sydney", TG_BUCKET_DAY, "2026-04-03", "2026-04-07" },
  { "Australia/Sydney", TG_BUCKET_HOUR, "2026-10-03", "2026-10-05" },
  { "Australia/Sydney", TG_BUCKET_15MIN, "2026-04-04", "2026-04-05" },
  { "Australia/Sydney", TG_BUCKET_WEEK, "2026-03-01", "2026-10-31" },
  { "Australia/Sydney", TG_BUCKET_MONTH, "2026-03-01", "2026-11-30" },
  { "America/New_York", TG_BUCKET_DAY, "2026-03-06", "2026-03-10" },
  { "America/New_York", TG_BUCKET_HOUR, "2026-10-31", "2026-11-02" },
  { "Australia/Adelaide", TG_BUCKET_DAY, "2026-03-01", "2026-11-30" },
  { "Australia/Adelaide", TG_BUCKET_HOUR, "2026-04-04", "2026-04-06" },
  { "Asia/Kathmandu", TG_BUCKET_HOUR, "2026-06-14", "2026-06-16" },
  { "Asia/Kathmandu", TG_BUCKET_DAY, "2026-06-10", "2026-06-20" },
  { "Asia/Kolkata", TG_BUCKET_MONTH, "2026-01-01", "2026-12-31" },
};

static void
check_all_series (TgTestDb *db,
                  gboolean  check_latency)
{
  for (guint i = 0; i < G_N_ELEMENTS (series_cases); i++)
    {
      const SeriesCase *c = &series_cases[i];
      g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (c->zone, NULL);
      g_autoptr(GArray) bounds = NULL;
      g_autoptr(GError) error = NULL;
      gint64 end;

      g_test_message ("%s, %s buckets, %s to %s", c->zone, tg_bucket_size_to_string (c->size),
                      c->from, c->to);
      bounds = tg_time_bucket_range_parse (tz, c->size, c->from, c->to, &error);
      g_assert_no_error (error);
      end = tg_time_bucket_next (tz, c->size, g_array_index (bounds, gint64, bounds->len - 1));
      g_array_append_val (bounds, end);
      assert_series_equals_raw (db, bounds, check_latency);
    }
}

/* Rows refreshed in several rounds, late rows after a refresh, and an unrefreshed tail. */
static void
test_series_equal_raw (void)
{
  g_autoptr(TgTestDb) db = rollup_test_db_new ();

  if (db == NULL)
    return;

  insert_random_rows (db, 1, 3000);
  refresh (db);
  insert_random_rows (db, 2, 1500);       /* late rows: created before the last refresh */
  refresh (db);
  insert_random_rows (db, 3, 700);        /* the tail: never refreshed */

  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE api_usage_id > (SELECT last_id FROM tollgate.rollup_state)"), ==, 700);

  check_all_series (db, TRUE);

  /* The same answers once everything is rolled up. */
  refresh (db);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE api_usage_id > (SELECT last_id FROM tollgate.rollup_state)"), ==, 0);
  check_all_series (db, FALSE);
}

/* Every level agrees with the raw table: calls, cost and latency samples. Each dimension
 * of a narrow level holds every row once, for all providers together and (dimensions 2
 * to 6) once more per provider; the per-user days and months hold every row once.
 */
static void
test_levels_consistent (void)
{
  static const char * const narrow[] = {
    "usage_rollup_dim_15m", "usage_rollup_dim_hour", "usage_rollup_dim_hour30",
    "usage_rollup_dim_day",
  };
  /* each holds every row once (the days per provider and, again, for all providers) */
  static const char * const users[] = {
    "usage_rollup_user_day WHERE api_provider IS NOT NULL",
    "usage_rollup_user_day WHERE api_provider IS NULL",
    "usage_rollup_user_week", "usage_rollup_user_month",
  };
  g_autoptr(TgTestDb) db = rollup_test_db_new ();
  g_autofree char *raw = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *raw_users = NULL;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Australia/Adelaide' "
                       "WHERE key = 'billing-timezone'");
  insert_random_rows (db, 7, 2000);
  refresh (db);
  insert_random_rows (db, 8, 500);        /* a second delta, adding to existing buckets */
  refresh (db);

  raw = tg_test_db_scalar (db, "SELECT sum(call_count) || '/' || count(response_time) "
                               "FROM tollgate.api_usage_tracking");
  cost = tg_test_db_scalar (db, "SELECT sum(cost) FROM tollgate.usage_rollup_15m");
  raw_users = tg_test_db_scalar (db, "SELECT sum(call_count) || '/' || count(*) "
                                     "FROM tollgate.api_usage_tracking");

  {
    g_autofree char *level = tg_test_db_scalar (db,
      "SELECT sum(calls) || '/' || (SELECT sum(c) FROM tollgate.usage_rollup_15m, unnest(latency) c) "
      "FROM tollgate.usage_rollup_15m");

    g_assert_cmpstr (level, ==, raw);
  }

  for (guint i = 0; i < G_N_ELEMENTS (narrow); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT l.dim, l.api_provider IS NULL, sum(l.calls) || '/' || sum(h.n), sum(l.cost) "
        "FROM tollgate.%s l "
        "CROSS JOIN LATERAL (SELECT coalesce(sum(c), 0) AS n "
        "                    FROM unnest(l.latency::bigint[]) AS c) h "
        "GROUP BY 1, 2 ORDER BY 1, 2", narrow[i]);
      g_autoptr(PGresult) result = tg_db_query (db->conn, sql, 0, NULL, NULL);

      g_test_message ("%s", narrow[i]);
      g_assert_nonnull (result);
      /* dims 0 and 1 for all providers; 2 to 6 for all and per provider */
      g_assert_cmpint (PQntuples (result), ==, 12);
      for (int row = 0; row < PQntuples (result); row++)
        {
          g_test_message ("dim %s, all providers %s", PQgetvalue (result, row, 0),
                          PQgetvalue (result, row, 1));
          g_assert_cmpstr (PQgetvalue (result, row, 2), ==, raw);
          g_assert_cmpstr (PQgetvalue (result, row, 3), ==, cost);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT sum(calls) || '/' || sum(requests) "
                                              "FROM tollgate.%s", users[i]);
      g_autofree char *cost_sql = g_strdup_printf ("SELECT sum(cost) FROM tollgate.%s", users[i]);
      g_autofree char *level = tg_test_db_scalar (db, sql);
      g_autofree char *level_cost = tg_test_db_scalar (db, cost_sql);

      g_test_message ("%s", users[i]);
      g_assert_cmpstr (level, ==, raw_users);
      g_assert_cmpstr (level_cost, ==, cost);
    }

  /* The day levels hold Adelaide's days: a day's rows, wherever they fall in UTC. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT (created_at AT TIME ZONE 'Australia/Adelaide')::date AS d, "
    "                             sum(call_count) AS c "
    "                      FROM tollgate.api_usage_tracking GROUP BY 1) r "
    "FULL JOIN (SELECT day AS d, calls AS c FROM tollgate.usage_rollup_dim_day "
    "           WHERE dim = 0) l USING (d) "
    "WHERE r.c IS DISTINCT FROM l.c"), ==, 0);

  /* The SQL thresholds are the C ones. */
  {
    g_autofree char *sql_thresholds = tg_test_db_scalar (db, "SELECT tollgate.latency_thresholds()::text");
    g_autofree char *c_thresholds = tg_latency_histogram_format_thresholds ();

    g_assert_cmpstr (sql_thresholds, ==, c_thresholds);
  }
}

/* A price for a past period changes: recompute makes every figure reflect it. */
static void
test_recompute_after_price_change (void)
{
  g_autoptr(TgTestDb) db = rollup_test_db_new ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GArray) bounds = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 end;

  if (db == NULL)
    return;

  insert_random_rows (db, 11, 1500);
  refresh (db);

  bounds = tg_time_bucket_range_parse (tz, TG_BUCKET_MONTH, "2026-03-01", "2026-11-30", NULL);
  end = tg_time_bucket_next (tz, TG_BUCKET_MONTH, g_array_index (bounds, gint64, bounds->len - 1));
  g_array_append_val (bounds, end);

  before = tg_test_db_scalar (db, "SELECT sum(cost) FROM tollgate.usage_rollup_15m");
  tg_test_db_exec (db,
    "INSERT INTO tollgate.price_book (provider, unit, unit_price, currency, effective_from) "
    "VALUES ('smarty_streets', 'call', 0.5, 'USD', '2026-05-01 00:00+00')");
  tg_test_db_exec (db,
    "INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate) "
    "VALUES ('USD', 'AUD', '2026-06-01', 2)");
  /* From the middle of a UTC day: the day levels must not count its first hours twice. */
  tg_test_db_exec (db, "SELECT tollgate.recompute_rollups('2026-04-01 07:45+00')");
  after = tg_test_db_scalar (db, "SELECT sum(cost) FROM tollgate.usage_rollup_15m");

  g_assert_cmpstr (before, !=, after);
  assert_series_equals_raw (db, bounds, FALSE);
  assert_group_equals_raw (db, bounds, TG_USAGE_GROUP_USER, FALSE);

  /* A new reporting currency converts everything, not only from the date. Without a rate
   * from GBP, CAD or AUD into USD those calls are counted as unpriced (cost 0), and said so.
   */
  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'USD' WHERE key = 'reporting-currency'");
  tg_test_db_exec (db, "SELECT tollgate.recompute_rollups('2026-10-01 00:00+00')");
  {
    g_autofree char *currency = tg_test_db_scalar (db, "SELECT reporting_currency FROM tollgate.rollup_state");

    g_assert_cmpstr (currency, ==, "USD");
  }
  assert_series_equals_raw (db, bounds, FALSE);
  assert_group_equals_raw (db, bounds, TG_USAGE_GROUP_USER, FALSE);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT sum(unpriced_calls) FROM tollgate.usage_rollup_15m WHERE api_provider = 'geoscape'"),
    ==,
    tg_test_db_scalar_int (db,
    "SELECT sum(call_count) FROM tollgate.api_usage_tracking WHERE api_provider = 'geoscape' "
    "AND is_billable AND response_status BETWEEN 200 AND 299"));
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT sum(unpriced_calls) FROM tollgate.usage_rollup_15m WHERE api_provider = 'here'"), ==, 0);
}

/* Token counts as the platform may write them: whole numbers count, anything else counts
 * as no tokens, and no row stops the refresher, the tail, the feed or the calls behind a
 * figure (a count of "abc" failed every refresh while the row existed).
 */
static void
test_malformed_token_counts (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  const char *insert =
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  call_count, response_time, response_status, is_billable, response_data, created_at) "
    "SELECT 'openai', '/v1/chat/completions', 'chat', 1, 300, 200, true, d::jsonb, "
    "       now () - interval '1 hour' "
    "FROM unnest (ARRAY["
    "  '{\"usage\": {\"prompt_tokens\": 100, \"completion_tokens\": 20}}', "
    "  '{\"usage\": {\"prompt_tokens\": \"abc\", \"completion_tokens\": 5}}', "
    "  '{\"usage\": {\"prompt_tokens\": 1e30, \"completion_tokens\": 7}}', "
    "  '{\"usage\": {\"prompt_tokens\": 2.5, \"completion_tokens\": -5}}', "
    "  '{\"usage\": {\"prompt_tokens\": \"12\", \"completion_tokens\": 99999999999999999999}}', "
    "  '{\"usage\": [1, 2]}', "
    "  '[\"no object\"]']) AS d";
  const char *tokens =
    "SELECT sum (input_tokens) || '/' || sum (output_tokens) FROM tollgate.usage_rollup_15m";
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (db == NULL)
    return;

  tg_test_db_exec (db, insert);

  /* Read from the tail before any refresh: the feed and the calls of the range. */
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count (*) FROM tollgate.latest_calls ()"),
                   ==, 7);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count (*) FROM tollgate.usage_calls (now () - interval '1 day', now ())"), ==, 7);
  before = tg_test_db_scalar (db,
    "SELECT sum (calls) || '/' || sum (cost) FROM tollgate.usage_series ("
    "  ARRAY[date_trunc ('day', now ()) - interval '1 day', date_trunc ('day', now ()) + interval '1 day'], "
    "  'none', NULL)");

  /* Rolled up: the whole counts only (100 + 12 in, 20 + 5 + 7 out). */
  if (!tg_db_exec (db->conn, "SELECT tollgate.refresh_rollups ()", &error))
    g_error ("refresh_rollups failed on malformed token counts: %s", error->message);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"), ==,
                   tg_test_db_scalar_int (db, "SELECT max (api_usage_id) FROM tollgate.api_usage_tracking"));
  after = tg_test_db_scalar (db, tokens);
  g_assert_cmpstr (after, ==, "112/32");

  /* The same figures from the levels as from the tail. */
  g_clear_pointer (&after, g_free);
  after = tg_test_db_scalar (db,
    "SELECT sum (calls) || '/' || sum (cost) FROM tollgate.usage_series ("
    "  ARRAY[date_trunc ('day', now ()) - interval '1 day', date_trunc ('day', now ()) + interval '1 day'], "
    "  'none', NULL)");
  g_assert_cmpstr (after, ==, before);
}

/* Inserts @n rows on @conn (in its transaction, if it has one open) and gives the
 * smallest and largest of their ids.
 */
static void
insert_rows (PGconn *conn,
             guint   n,
             gint64 *first_id,
             gint64 *last_id)
{
  g_autofree char *sql = NULL;
  g_autofree char *ids = NULL;
  g_auto(GStrv) pair = NULL;

  sql = g_strdup_printf (
    "WITH inserted AS ("
    "  INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "    call_count, response_time, response_status, created_at) "
    "  SELECT 'here', '/v1/geocode', 'geocode', 1 + i %% 3, 20 + i, 200, "
    "         now () - i * interval '7 minutes' "
    "  FROM generate_series (1, %u) i "
    "  RETURNING api_usage_id) "
    "SELECT min (api_usage_id) || ' ' || max (api_usage_id) FROM inserted", n);
  ids = tg_test_conn_scalar (conn, sql);
  pair = g_strsplit (ids, " ", 2);
  *first_id = g_ascii_strtoll (pair[0], NULL, 10);
  *last_id = g_ascii_strtoll (pair[1], NULL, 10);
  g_assert_cmpint (*last_id - *first_id, ==, n - 1);
}

static void
conn_exec (PGconn     *conn,
           const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!tg_db_exec (conn, sql, &error))
    g_error ("%s\nwhile running: %s", error->message, sql);
}

static gint64
watermark (TgTestDb *db)
{
  return tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state");
}

/* The 15-minute level, the narrow hours and the per-user days hold exactly the committed
 * rows up to the watermark: none missed, none twice.
 */
static void
assert_rolled_up_to_watermark (TgTestDb *db)
{
  g_autofree char *raw = NULL;
  g_autofree char *quarters = NULL;
  g_autofree char *hours = NULL;
  g_autofree char *users = NULL;

  raw = tg_test_db_scalar (db,
    "SELECT coalesce (sum (call_count), 0) || '/' || count (*) FROM tollgate.api_usage_tracking "
    "WHERE api_usage_id <= (SELECT last_id FROM tollgate.rollup_state)");
  quarters = tg_test_db_scalar (db,
    "SELECT coalesce (sum (calls), 0) || '/' || coalesce (sum (requests), 0) "
    "FROM tollgate.usage_rollup_15m");
  hours = tg_test_db_scalar (db,
    "SELECT coalesce (sum (calls), 0) || '/' || coalesce (sum (requests), 0) "
    "FROM tollgate.usage_rollup_dim_hour WHERE dim = 0");
  users = tg_test_db_scalar (db,
    "SELECT coalesce (sum (calls), 0) || '/' || coalesce (sum (requests), 0) "
    "FROM tollgate.usage_rollup_user_day WHERE api_provider IS NOT NULL");
  g_assert_cmpstr (quarters, ==, raw);
  g_assert_cmpstr (hours, ==, raw);
  g_assert_cmpstr (users, ==, raw);
}

/* Writers whose ids commit out of order, and one that rolls back, against the refresher:
 * each interleaving is forced (a transaction held open across the refresh), not left to
 * threads and sleeps. No row is missed or counted twice.
 */
static void
test_concurrent_writers (void)
{
  g_autoptr(TgTestDb) db = rollup_test_db_new ();
  g_autoptr(PGconn) early = NULL;
  g_autoptr(PGconn) late = NULL;
  gint64 early_first, early_last;
  gint64 late_first, late_last;
  gint64 hole_first, hole_last;
  gint64 after_first, after_last;

  if (db == NULL)
    return;

  early = tg_test_db_connect_as (db, "postgres");
  late = tg_test_db_connect_as (db, "postgres");

  /* Rows already rolled up. */
  insert_random_rows (db, 21, 300);
  refresh (db);
  assert_rolled_up_to_watermark (db);

  /* A writer draws ids and has not committed; another draws later ids and commits. */
  conn_exec (early, "BEGIN");
  insert_rows (early, 40, &early_first, &early_last);
  insert_rows (late, 30, &late_first, &late_last);
  g_assert_cmpint (late_first, >, early_last);

  /* The refresher runs in between: it sees the later ids, and must stop below the
   * earlier ones that may still commit.
   */
  refresh (db);
  g_assert_cmpint (watermark (db), <, early_first);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT coalesce (max (observed_hi), 0) FROM tollgate.rollup_observations"), >=, late_last);
  assert_rolled_up_to_watermark (db);

  /* They commit late: the next refresh takes both, once. */
  conn_exec (early, "COMMIT");
  refresh (db);
  g_assert_cmpint (watermark (db), ==, late_last);
  assert_rolled_up_to_watermark (db);

  /* A writer rolls back, leaving a hole below rows committed after it. */
  conn_exec (early, "BEGIN");
  insert_rows (early, 10, &hole_first, &hole_last);
  conn_exec (early, "ROLLBACK");
  insert_rows (late, 20, &after_first, &after_last);
  g_assert_cmpint (after_first, >, hole_last);

  /* Until the hole is proven permanent, the watermark stays below it… */
  refresh (db);
  g_assert_cmpint (watermark (db), ==, late_last);
  assert_rolled_up_to_watermark (db);

  /* …which takes an observation older than the refresher's two seconds, then every
   * transaction of that time ended (in the whole cluster: other tests' too, so this
   * is a guarded wait). Ageing the observation spares the test the two seconds.
   */
  tg_test_db_exec (db, "UPDATE tollgate.rollup_observations "
                       "SET observed_at = observed_at - interval '1 hour'");
  for (guint round = 0; watermark (db) < after_last; round++)
    {
      if (round == 6000)
        g_error ("The rolled back ids were never proven permanent");
      refresh (db);
      if (watermark (db) < after_last)
        g_usleep (G_USEC_PER_SEC / 100);
    }
  g_assert_cmpint (watermark (db), ==, after_last);
  assert_rolled_up_to_watermark (db);
}

/* Two refreshers at once: the second waits for the first's lock, and at READ COMMITTED
 * its statements then see what the first committed, so it adds nothing twice. The wait
 * is forced: the first is held at work (a third session holds the rollup state's row it
 * needs) until the second is seen waiting for it — a refresher waits for one at work,
 * not for a lock held in an idle transaction (0009_refresher_lock.sql).
 * REPEATABLE READ, where it could not see the other's commit, is refused.
 */
static void
test_refresh_needs_read_committed (void)
{
  g_autoptr(TgTestDb) db = rollup_test_db_new ();
  g_autoptr(PGconn) locker = NULL;
  g_autoptr(PGconn) first = NULL;
  g_autoptr(PGconn) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_name = tg_test_unique_name ("tgrefresher");
  g_autofree char *second_name = tg_test_unique_name ("tgrefresher");
  PGresult *result;
  gint64 first_id, last_id;
  gboolean answered = FALSE;

  if (db == NULL)
    return;

  locker = tg_test_db_connect_as (db, "postgres");
  first = tg_db_connect (db->conninfo, first_name, &error);
  g_assert_no_error (error);
  second = tg_db_connect (db->conninfo, second_name, &error);
  g_assert_no_error (error);

  insert_rows (db->conn, 50, &first_id, &last_id);

  /* The first refresher takes the lock and is held at work. */
  conn_exec (locker, "BEGIN");
  g_free (tg_test_conn_scalar (locker, "SELECT last_id FROM tollgate.rollup_state FOR UPDATE"));
  g_assert_cmpint (PQsendQuery (first, "SELECT rows_added, last_id "
                                       "FROM tollgate.refresh_rollups ()"), ==, 1);
  tg_test_wait_for_lock_waits (db, first_name, 1);

  /* The second starts, and is seen waiting for the first. */
  g_assert_cmpint (PQsendQuery (second, "SELECT rows_added, last_id "
                                        "FROM tollgate.refresh_rollups ()"), ==, 1);
  tg_test_wait_for_lock_waits (db, second_name, 1);
  g_assert_cmpint (PQconsumeInput (second), ==, 1);
  g_assert_cmpint (PQisBusy (second), ==, 1);

  /* The first goes on and commits its rows; the second goes on from where it left off. */
  conn_exec (locker, "COMMIT");
  while ((result = PQgetResult (first)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("The first refresh failed: %s", PQresultErrorMessage (result));
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "50");
      PQclear (result);
    }
  while ((result = PQgetResult (second)) != NULL)
    {
      g_autofree char *expected_last = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);

      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("The second refresh failed: %s", PQresultErrorMessage (result));
      g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "0");
      g_assert_cmpstr (PQgetvalue (result, 0, 1), ==, expected_last);
      answered = TRUE;
      PQclear (result);
    }
  g_assert_true (answered);
  g_assert_cmpint (watermark (db), ==, last_id);
  assert_rolled_up_to_watermark (db);

  tg_test_db_exec (db, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  g_assert_false (tg_db_exec (db->conn, "SELECT tollgate.refresh_rollups()", &error));
  g_assert_nonnull (strstr (error->message, "READ COMMITTED"));
  tg_test_db_exec (db, "ROLLBACK");
}

static GArray *
zone_bounds (const char   *zone,
             TgBucketSize  size,
             const char   *from,
             const char   *to)
{
  g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (zone, NULL);
  g_autoptr(GError) error = NULL;
  GArray *bounds = tg_time_bucket_range_parse (tz, size, from, to, &error);
  gint64 end;

  g_assert_no_error (error);
  end = tg_time_bucket_next (tz, size, g_array_index (bounds, gint64, bounds->len - 1));
  g_array_append_val (bounds, end);
  return bounds;
}

/* Users by local day (across the zone's changes of offset), by ISO week and by billing
 * month, equal the raw rows; so do the narrow days, grouped by anything. */
static void
check_users_and_days (TgTestDb   *db,
                      const char *zone)
{
  static const struct
  {
    TgBucketSize  size;
    const char   *from;
    const char   *to;
  } ranges[] = {
    { TG_BUCKET_DAY, "2026-04-02", "2026-04-07" },
    { TG_BUCKET_DAY, "2026-09-30", "2026-10-06" },
    { TG_BUCKET_DAY, "2026-10-30", "2026-11-03" },
    { TG_BUCKET_WEEK, "2026-03-01", "2026-04-30" },
    { TG_BUCKET_MONTH, "2026-03-01", "2026-11-30" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GArray) bounds = zone_bounds (zone, ranges[i].size, ranges[i].from, ranges[i].to);

      g_test_message ("%s, %s buckets, %s to %s", zone, tg_bucket_size_to_string (ranges[i].size),
                      ranges[i].from, ranges[i].to);
      assert_group_equals_raw (db, bounds, TG_USAGE_GROUP_USER, FALSE);
      assert_series_equals_raw (db, bounds, FALSE);
    }
}

/* The per-user levels and the narrow days are local days of the billing time zone. After a
 * change of the zone they are read from raw rows (users) and cut into hours (the rest)
 * until the refresher rebuilds them in the new zone; late rows and a tail on top; every
 * answer exact throughout, in zones with summer time, half-hour and 45-minute offsets. A
 * user series in buckets that are not whole days is refused with the reason.
 */
static void
test_users_equal_raw (void)
{
  static const char * const zones[] = {
    "Australia/Sydney", "Australia/Adelaide", "America/New_York", "Asia/Kathmandu", "UTC",
  };
  g_autoptr(TgTestDb) db = rollup_test_db_new ();

  if (db == NULL)
    return;

  insert_random_rows (db, 31, 3000);
  refresh (db);
  check_users_and_days (db, "UTC");

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "UPDATE tollgate.settings SET value = '%s' WHERE key = 'billing-timezone'", zones[i]);
      g_autofree char *built_for = NULL;

      tg_test_db_exec (db, sql);
      insert_random_rows (db, 32 + i, 300);             /* a tail while the levels are stale */
      check_users_and_days (db, zones[i]);

      refresh (db);
      built_for = tg_test_db_scalar (db, "SELECT billing_timezone FROM tollgate.rollup_state");
      g_assert_cmpstr (built_for, ==, zones[i]);

      insert_random_rows (db, 42 + i, 300);             /* late rows, refreshed */
      refresh (db);
      insert_random_rows (db, 52 + i, 200);             /* and a tail */
      check_users_and_days (db, zones[i]);
    }

  /* Hours of users do not exist: refused, and said why. */
  {
    g_autoptr(GArray) bounds = zone_bounds ("UTC", TG_BUCKET_HOUR, "2026-04-02", "2026-04-02");
    g_autoptr(GPtrArray) rows = NULL;
    g_autoptr(GError) error = NULL;

    rows = tg_usage_fetch_series (db->conn, (const gint64 *)bounds->data, bounds->len,
                                  TG_USAGE_GROUP_USER, NULL, &error);
    g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
    g_assert_nonnull (strstr (error->message, "per local day of the billing time zone"));
    g_assert_null (rows);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/rollups/series-equal-raw", test_series_equal_raw);
  g_test_add_func ("/tollgate/db/rollups/levels-consistent", test_levels_consistent);
  g_test_add_func ("/tollgate/db/rollups/recompute", test_recompute_after_price_change);
  g_test_add_func ("/tollgate/db/rollups/users-equal-raw", test_users_equal_raw);
  g_test_add_func ("/tollgate/db/rollups/concurrent", test_concurrent_writers);
  g_test_add_func ("/tollgate/db/rollups/read-committed", test_refresh_needs_read_committed);
  g_test_add_func ("/tollgate/db/rollups/malformed-token-counts", test_malformed_token_counts);

  return g_test_run ();
}
