/* test-calls-queries.c — the calls behind a figure against plain SQL over the raw rows,
 * against the figures themselves, and paged while a writer inserts.
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every filter is listed through all its pages and compared, call by call and column by
 * column, with a query written apart from tollgate.usage_calls(): the raw rows of the
 * range that match, each priced with the rule in force at its created_at and the rate of
 * its UTC date. The groups are then checked against the figures they stand behind
 * (tollgate.usage_series(), tollgate.user_month_totals()): the calls of a group add up to
 * its calls, errors, unpriced calls and cost. Paging is checked while another connection
 * inserts between pages and while transactions hold rows of lower ids uncommitted.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tg-calls-queries.h"
#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-test-db.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

#define GUARD_SECONDS 60

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

/* Fixture: a migrated database whose rows cover every column and every way of pricing. */

typedef struct
{
  GMainContext *context;
  TgTestDb     *db;
} Fixture;

/* On top of the defaults (0003): acme bills in JPY, into which no rate leads (its charged
 * calls have a native cost and no cost); a rule that bills failed calls, from the middle
 * of a day; a feature with a cost centre. Rows of "ghost", a provider the catalogue does
 * not know, have neither.
 */
static const char setup_sql[] =
  "INSERT INTO tollgate.providers (slug, display_name, home_region, currency, billing_unit, "
  "  quota_unit) VALUES ('acme', 'Acme Geo', 'AU', 'JPY', 'call', 'calls');"
  "INSERT INTO tollgate.price_book (provider, api_endpoint, request_type, unit, unit_price, "
  "  currency, bill_failed, effective_from) VALUES "
  "  ('acme', NULL, NULL, 'call', 3, 'JPY', false, '2024-01-01 00:00+00'),"
  "  ('here', '/v1/batch', NULL, 'call', 0.002, 'USD', true, '2026-03-31 13:15+00');"
  "INSERT INTO tollgate.cost_centres (code, display_name) VALUES ('CC-WEB', 'Web');"
  "INSERT INTO tollgate.features (name, display_name, cost_centre) "
  "  VALUES ('checkout.address', 'Checkout', 'CC-WEB');";

/* The columns the random rows leave empty, and values that read back the same only when
 * read with care: a network and a single address, '' beside NULL, JSON of several kinds.
 */
static const char fill_sql[] =
  "UPDATE tollgate.api_usage_tracking SET "
  "  billing_period = CASE WHEN api_usage_id % 5 <> 0 "
  "                   THEN to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') END, "
  "  ip_address = (CASE api_usage_id % 4 WHEN 0 THEN '203.0.113.7' WHEN 1 THEN '10.1.0.0/16' "
  "                WHEN 2 THEN '2001:db8::5' END)::inet, "
  "  user_agent = CASE WHEN api_usage_id % 3 <> 0 THEN 'agent/' || api_usage_id END, "
  "  request_data = CASE api_usage_id % 4 WHEN 0 THEN '{\"q\": \"1 Main St\", \"n\": [1, 2.5]}' "
  "                 WHEN 1 THEN '[]' WHEN 2 THEN '\"text\"' END::jsonb, "
  "  feature = CASE WHEN api_usage_id % 17 = 0 THEN '' ELSE feature END, "
  "  region = CASE WHEN api_usage_id % 19 = 0 THEN NULL ELSE region END";

static const char * const anchors[] = {
  "2026-03-31 13:30:00+00",   /* Adelaide: 1 April begins */
  "2026-04-01 00:00:00+00",   /* UTC: 1 April begins */
  "2026-04-04 16:30:00+00",
  "2026-10-15 12:00:00+00",
  "2026-10-31 13:30:00+00",
};

static void
insert_rows (TgTestDb *db,
             guint32   seed,
             guint     n)
{
  tg_test_insert_random_usage (db, seed, n, anchors, G_N_ELEMENTS (anchors));
}

static void
insert_ghosts (TgTestDb *db)
{
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, "
    "  request_type, response_status, is_billable, created_at, feature, region) "
    "SELECT i % 3, 'ghost', '/v1/ghost', 'validate', CASE WHEN i % 4 = 0 THEN 500 ELSE 200 END, "
    "       i % 5 <> 0, timestamptz '2026-04-01 00:00+00' + i * interval '7 minutes', "
    "       'checkout.address', 'AU' "
    "FROM generate_series(1, 40) AS i");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->db = tg_test_db_new (TRUE);
  if (fixture->db == NULL)
    return;

  tg_test_db_exec (fixture->db, setup_sql);
  /* Refreshed, late rows refreshed, and a tail no refresher saw; each round filled in
   * before the refresher reads it (the same values again for the rows before). */
  insert_rows (fixture->db, 70, 1200);
  insert_ghosts (fixture->db);
  tg_test_db_exec (fixture->db, fill_sql);
  tg_test_db_exec (fixture->db, "SELECT tollgate.refresh_rollups()");
  insert_rows (fixture->db, 71, 600);
  tg_test_db_exec (fixture->db, fill_sql);
  tg_test_db_exec (fixture->db, "SELECT tollgate.refresh_rollups()");
  insert_rows (fixture->db, 72, 400);
  tg_test_db_exec (fixture->db, fill_sql);
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

/* Plain SQL: $1, $2 the range (timestamptz); the columns in tg_calls_statement_new()'s
 * order and forms; %s the case's condition on the row "u".
 */
static const char raw_calls_sql[] =
  "WITH priced AS ( "
  "  SELECT u.*, pv.currency::text AS currency, coalesce(rules.n, 0) > 0 AS has_rule, "
  "         coalesce(rules.charge, 0) AS charge, "
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
  "    SELECT count(*) AS n, bool_or(r.bill_failed) AS bill_failed, "
  "           sum(r.unit_price * CASE r.unit "
  "                 WHEN 'call' THEN u.call_count "
  "                 WHEN 'credit' THEN u.credit_cost "
  "                 WHEN 'input_token' THEN "
  "                   coalesce((u.response_data->'usage'->>'prompt_tokens')::numeric, 0) "
  "                 ELSE coalesce((u.response_data->'usage'->>'completion_tokens')::numeric, 0) "
  "               END) "
  "             FILTER (WHERE u.response_status BETWEEN 200 AND 299 OR r.bill_failed) AS charge "
  "    FROM (SELECT DISTINCT ON (pb.unit) pb.* FROM tollgate.price_book pb "
  "          WHERE pb.provider = u.api_provider "
  "            AND coalesce(pb.api_endpoint, u.api_endpoint) = u.api_endpoint "
  "            AND coalesce(pb.request_type, u.request_type) = u.request_type "
  "            AND pb.effective_from <= u.created_at "
  "          ORDER BY pb.unit, pb.api_endpoint IS NULL, pb.request_type IS NULL, "
  "                   pb.effective_from DESC) r "
  "  ) rules ON true "
  "  WHERE u.created_at >= $1::timestamptz AND u.created_at < $2::timestamptz AND (%s) "
  ") "
  "SELECT api_usage_id, (extract(epoch FROM created_at) * 1000000)::int8, user_id, "
  "       api_provider, api_endpoint, request_type, call_count, credit_cost::text, "
  "       response_time, request_data::text, response_data::text, response_status, "
  "       billing_period, is_billable, "
  "       CASE WHEN masklen(ip_address) = CASE family(ip_address) WHEN 4 THEN 32 ELSE 128 END "
  "            THEN host(ip_address) ELSE ip_address::text END, "
  "       user_agent, feature, region, currency, "
  "       CASE WHEN NOT billed THEN '0' WHEN has_rule THEN round(charge, 6)::text END, "
  "       CASE WHEN NOT billed THEN '0' "
  "            WHEN has_rule AND rate IS NOT NULL THEN round(charge * rate, 6)::text END "
  "FROM priced u "
  "ORDER BY api_usage_id DESC";

static gint64
text_micros (const char *text)
{
  gint64 micros = 0;

  g_assert_true (tg_money_parse (text, &micros, NULL));
  return micros;
}

/* A nullable text column equals @value (NULL for SQL NULL). */
static void
assert_cell (PGresult   *raw,
             int         row,
             int         col,
             const char *value)
{
  if (PQgetisnull (raw, row, col))
    g_assert_null (value);
  else
    g_assert_cmpstr (PQgetvalue (raw, row, col), ==, value);
}

static gint64
cell_int (PGresult *raw,
          int       row,
          int       col)
{
  return g_ascii_strtoll (PQgetvalue (raw, row, col), NULL, 10);
}

/* @calls (TgUsageCall) are exactly the rows of the plain query, in its order. */
static void
assert_calls_equal_raw (TgTestDb   *db,
                        GPtrArray  *calls,
                        gint64      from,
                        gint64      to,
                        const char *condition)
{
  g_autoptr(GDateTime) from_dt = g_date_time_new_from_unix_utc (from);
  g_autoptr(GDateTime) to_dt = g_date_time_new_from_unix_utc (to);
  g_autofree char *from_text = g_date_time_format (from_dt, "%Y-%m-%d %H:%M:%S+00");
  g_autofree char *to_text = g_date_time_format (to_dt, "%Y-%m-%d %H:%M:%S+00");
  g_autofree char *sql = g_strdup_printf (raw_calls_sql, condition);
  const char *params[] = { from_text, to_text };
  g_autoptr(PGresult) raw = NULL;
  g_autoptr(GError) error = NULL;

  raw = tg_db_query (db->conn, sql, 2, params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (raw), ==, (int)calls->len);

  for (guint i = 0; i < calls->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (calls, i);
      int r = (int)i;

      g_assert_true (call->detailed);
      g_assert_cmpint (call->id, ==, cell_int (raw, r, 0));
      g_assert_cmpint (call->created_at, ==, cell_int (raw, r, 1));
      g_assert_cmpint (call->has_user_id, ==, !PQgetisnull (raw, r, 2));
      if (call->has_user_id)
        g_assert_cmpint (call->user_id, ==, cell_int (raw, r, 2));
      g_assert_cmpstr (call->provider, ==, PQgetvalue (raw, r, 3));
      g_assert_cmpstr (call->endpoint, ==, PQgetvalue (raw, r, 4));
      g_assert_cmpstr (call->request_type, ==, PQgetvalue (raw, r, 5));
      g_assert_cmpint (call->call_count, ==, cell_int (raw, r, 6));
      g_assert_cmpint (call->credit_cost, ==, text_micros (PQgetvalue (raw, r, 7)));
      g_assert_cmpint (call->response_time, ==,
                       PQgetisnull (raw, r, 8) ? -1 : cell_int (raw, r, 8));
      assert_cell (raw, r, 9, call->request_data);
      assert_cell (raw, r, 10, call->response_data);
      g_assert_cmpint (call->status, ==, cell_int (raw, r, 11));
      assert_cell (raw, r, 12, call->billing_period);
      g_assert_cmpint (call->is_billable, ==, g_str_equal (PQgetvalue (raw, r, 13), "t"));
      assert_cell (raw, r, 14, call->ip_address);
      assert_cell (raw, r, 15, call->user_agent);
      assert_cell (raw, r, 16, call->has_feature ? call->feature : NULL);
      if (!call->has_feature)
        g_assert_cmpstr (call->feature, ==, "");
      assert_cell (raw, r, 17, call->has_region ? call->region : NULL);
      if (!call->has_region)
        g_assert_cmpstr (call->region, ==, "");
      assert_cell (raw, r, 18, *call->native_currency != '\0' ? call->native_currency : NULL);
      g_assert_cmpint (call->priced_native, ==, !PQgetisnull (raw, r, 19));
      if (call->priced_native)
        g_assert_cmpint (call->cost_native, ==, text_micros (PQgetvalue (raw, r, 19)));
      g_assert_cmpint (call->priced, ==, !PQgetisnull (raw, r, 20));
      if (call->priced)
        g_assert_cmpint (call->cost, ==, text_micros (PQgetvalue (raw, r, 20)));
    }
}

/* Every call of @filter, page after page of @limit (blocking); checks what each page says
 * of the next.
 */
static GPtrArray *
list_all (PGconn              *conn,
          const TgCallsFilter *filter,
          guint                limit)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_call_unref);
  gint64 after_id = 0;

  do
    {
      g_autoptr(TgCallsPage) page = NULL;
      g_autoptr(GError) error = NULL;

      page = tg_calls_fetch (conn, filter, after_id, limit, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->calls->len, <=, limit);
      if (page->next_after_id != 0)
        {
          g_assert_cmpuint (page->calls->len, ==, limit);
          g_assert_cmpint (page->next_after_id, ==,
                           ((TgUsageCall *)g_ptr_array_index (page->calls, limit - 1))->id);
        }
      for (guint i = 0; i < page->calls->len; i++)
        {
          TgUsageCall *call = g_ptr_array_index (page->calls, i);

          /* Newest first, and no page reaches back above the one before it. */
          if (all->len > 0)
            g_assert_cmpint (call->id, <, ((TgUsageCall *)g_ptr_array_index (all, all->len - 1))->id);
          g_ptr_array_add (all, tg_usage_call_ref (call));
        }
      after_id = page->next_after_id;
    }
  while (after_id != 0);

  return g_steal_pointer (&all);
}

/* Filters */

typedef struct
{
  const char     *name;
  const char     *provider;
  TgUsageGroupBy  group_by;
  const char     *group;
  gboolean        has_user_id;
  gint64          user_id;
  const char     *feature;
  TgCallsStatus   status;
  int             status_code;
  const char     *condition;     /* the same in plain SQL */
} FilterCase;

static const FilterCase filter_cases[] = {
  { "all", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_ANY, 0, "true" },
  { "provider", "here", TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_ANY, 0,
    "api_provider = 'here'" },
  { "group-provider", NULL, TG_USAGE_GROUP_PROVIDER, "ghost", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "api_provider = 'ghost'" },
  { "group-endpoint", NULL, TG_USAGE_GROUP_ENDPOINT, "/v1/batch", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "api_endpoint = '/v1/batch'" },
  { "group-request-type", "geoscape", TG_USAGE_GROUP_REQUEST_TYPE, "validate", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "api_provider = 'geoscape' AND request_type = 'validate'" },
  { "group-feature", NULL, TG_USAGE_GROUP_FEATURE, "checkout.address", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "feature = 'checkout.address'" },
  { "group-feature-none", NULL, TG_USAGE_GROUP_FEATURE, "", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "feature IS NULL OR feature = ''" },
  { "group-cost-centre", NULL, TG_USAGE_GROUP_COST_CENTRE, "CC-WEB", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0,
    "EXISTS (SELECT 1 FROM tollgate.features f WHERE f.name = u.feature "
    "        AND f.cost_centre = 'CC-WEB')" },
  { "group-cost-centre-none", NULL, TG_USAGE_GROUP_COST_CENTRE, "", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0,
    "NOT EXISTS (SELECT 1 FROM tollgate.features f WHERE f.name = u.feature "
    "            AND f.cost_centre IS NOT NULL)" },
  { "group-region", NULL, TG_USAGE_GROUP_REGION, "AU", FALSE, 0, NULL, TG_CALLS_STATUS_ANY, 0,
    "region = 'AU'" },
  { "group-region-none", NULL, TG_USAGE_GROUP_REGION, "", FALSE, 0, NULL, TG_CALLS_STATUS_ANY,
    0, "region IS NULL" },
  { "group-status-class", NULL, TG_USAGE_GROUP_STATUS_CLASS, "4", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "response_status >= 400 AND response_status < 500" },
  { "group-status-class-none", NULL, TG_USAGE_GROUP_STATUS_CLASS, "0", FALSE, 0, NULL,
    TG_CALLS_STATUS_ANY, 0, "response_status < 100" },
  { "group-user", NULL, TG_USAGE_GROUP_USER, "3", FALSE, 0, NULL, TG_CALLS_STATUS_ANY, 0,
    "user_id = 3" },
  { "group-user-none", NULL, TG_USAGE_GROUP_USER, "", FALSE, 0, NULL, TG_CALLS_STATUS_ANY, 0,
    "user_id IS NULL" },
  { "user", NULL, TG_USAGE_GROUP_NONE, NULL, TRUE, 5, NULL, TG_CALLS_STATUS_ANY, 0,
    "user_id = 5" },
  { "feature", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, "checkout.address",
    TG_CALLS_STATUS_ANY, 0, "feature = 'checkout.address'" },
  { "feature-none", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, "", TG_CALLS_STATUS_ANY, 0,
    "coalesce(feature, '') = ''" },
  { "status-ok", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_OK, 0,
    "response_status BETWEEN 200 AND 299" },
  { "status-error", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_ERROR, 0,
    "response_status < 100 OR response_status >= 400" },
  { "status-timeout", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_TIMEOUT,
    0, "response_status < 100" },
  { "status-code", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_CODE, 429,
    "response_status = 429" },
  { "status-code-0", NULL, TG_USAGE_GROUP_NONE, NULL, FALSE, 0, NULL, TG_CALLS_STATUS_CODE, 0,
    "response_status = 0" },
  { "combined", "here", TG_USAGE_GROUP_ENDPOINT, "/v1/batch", TRUE, 4, "",
    TG_CALLS_STATUS_ERROR, 0,
    "api_provider = 'here' AND api_endpoint = '/v1/batch' AND user_id = 4 "
    "AND coalesce(feature, '') = '' AND (response_status < 100 OR response_status >= 400)" },
  { "combined-user-group", NULL, TG_USAGE_GROUP_REGION, "US", TRUE, 2, "checkout.address",
    TG_CALLS_STATUS_CODE, 200,
    "region = 'US' AND user_id = 2 AND feature = 'checkout.address' AND response_status = 200" },
};

/* Ranges in UTC: across a month partition's end (rows on both sides, the tail among
 * them); an hour in the middle of October with rows after it (a first page read by time);
 * the last hour of those rows; and the whole year.
 */
static const struct
{
  const char *from;
  const char *to;
} ranges[] = {
  { "2026-03-31T18:00:00Z", "2026-04-02T00:00:00Z" },
  { "2026-10-15T06:00:00Z", "2026-10-15T07:00:00Z" },
  { "2026-11-01T12:00:00Z", "2026-11-01T13:00:00Z" },
  { "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z" },
};

static gint64
parse_utc (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static TgCallsFilter *
filter_new (const FilterCase *c,
            gint64            from,
            gint64            to)
{
  TgCallsFilter *filter = tg_calls_filter_new (from, to);

  filter->provider = g_strdup (c->provider);
  filter->group_by = c->group_by;
  filter->group = g_strdup (c->group);
  filter->has_user_id = c->has_user_id;
  filter->user_id = c->user_id;
  filter->feature = g_strdup (c->feature);
  filter->status = c->status;
  filter->status_code = c->status_code;

  return filter;
}

/* Each filter over each range, in pages of 7 and in one page of as many as allowed. */
static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  guint nonempty = 0;

  if (db == NULL)
    return;

  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE api_usage_id > (SELECT last_id FROM tollgate.rollup_state)"), ==, 400);

  for (guint i = 0; i < G_N_ELEMENTS (filter_cases); i++)
    for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
      {
        const FilterCase *c = &filter_cases[i];
        gint64 from = parse_utc (ranges[r].from);
        gint64 to = parse_utc (ranges[r].to);
        g_autoptr(TgCallsFilter) filter = filter_new (c, from, to);
        g_autoptr(GPtrArray) paged = NULL;
        g_autoptr(GPtrArray) whole = NULL;

        g_test_message ("%s over %s..%s", c->name, ranges[r].from, ranges[r].to);
        paged = list_all (db->conn, filter, 7);
        assert_calls_equal_raw (db, paged, from, to, c->condition);
        whole = list_all (db->conn, filter, TG_CALLS_MAX_LIMIT);
        g_assert_cmpuint (whole->len, ==, paged->len);
        nonempty += paged->len > 0;
      }

  /* Nearly every case finds calls somewhere: the comparisons were not of empty lists. */
  g_assert_cmpuint (nonempty, >=, G_N_ELEMENTS (filter_cases) * 2);
}

/* Every pricing case was met: a cost, a charged failure, a native cost without a rate,
 * neither for an unknown provider, and every column's NULL and non-NULL.
 */
static void
test_pricing_cases (Fixture       *fixture,
                    gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgCallsFilter) filter = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint priced = 0, failed_charged = 0, native_only = 0, unknown = 0, unknown_free = 0;
  guint networks = 0, addresses = 0, nulls = 0, empty_features = 0, tokens = 0;

  if (db == NULL)
    return;

  filter = tg_calls_filter_new (parse_utc (ranges[3].from), parse_utc (ranges[3].to));
  all = list_all (db->conn, filter, TG_CALLS_MAX_LIMIT);
  g_assert_cmpint (all->len, ==,
                   tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking"));
  assert_calls_equal_raw (db, all, filter->from, filter->to, "true");

  for (guint i = 0; i < all->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (all, i);

      priced += call->priced && call->cost > 0;
      failed_charged += call->priced && call->cost > 0 && (call->status < 200 || call->status > 299);
      native_only += call->priced_native && !call->priced;
      unknown += !call->priced_native && *call->native_currency == '\0';
      unknown_free += call->priced && *call->native_currency == '\0';
      networks += g_strcmp0 (call->ip_address, "10.1.0.0/16") == 0;
      addresses += g_strcmp0 (call->ip_address, "203.0.113.7") == 0;
      nulls += call->ip_address == NULL && call->request_data == NULL &&
               call->billing_period == NULL && !call->has_region;
      empty_features += call->has_feature && *call->feature == '\0';
      tokens += call->response_data != NULL;
      if (!call->priced_native)
        g_assert_false (call->priced);
      if (call->priced_native && g_str_equal (call->provider, "acme"))
        g_assert_cmpstr (call->native_currency, ==, "JPY");
    }

  g_assert_cmpuint (priced, >, 0);
  g_assert_cmpuint (failed_charged, >, 0);
  g_assert_cmpuint (native_only, >, 0);
  g_assert_cmpuint (unknown, >, 0);
  g_assert_cmpuint (unknown_free, >, 0);
  g_assert_cmpuint (networks, >, 0);
  g_assert_cmpuint (addresses, >, 0);
  g_assert_cmpuint (nulls, >, 0);
  g_assert_cmpuint (empty_features, >, 0);
  g_assert_cmpuint (tokens, >, 0);
}

/* The calls of each group of a figure add up to the figure. */
static void
assert_calls_make_row (PGconn           *conn,
                       TgCallsFilter    *filter,
                       const TgUsageRow *row)
{
  g_autoptr(GPtrArray) calls = list_all (conn, filter, 250);
  gint64 n_calls = 0, errors = 0, timeouts = 0, unpriced = 0, cost = 0;

  for (guint i = 0; i < calls->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (calls, i);

      n_calls += call->call_count;
      errors += call->status / 100 == 0 || call->status / 100 == 4 || call->status / 100 == 5
                ? call->call_count : 0;
      timeouts += call->status / 100 == 0 ? call->call_count : 0;
      unpriced += call->priced ? 0 : call->call_count;
      cost += call->cost;
    }

  g_test_message ("%s %s: %" G_GINT64_FORMAT " calls", tg_usage_group_by_to_string (filter->group_by),
                  filter->group, n_calls);
  g_assert_cmpint (n_calls, ==, row->calls);
  g_assert_cmpint (errors, ==, row->errors);
  g_assert_cmpint (timeouts, ==, row->timeouts);
  g_assert_cmpint (unpriced, ==, row->unpriced_calls);
  g_assert_cmpint (calls->len, ==, row->requests);
  /* Each call's cost is rounded to the micro-unit, the figure's once. */
  g_assert_cmpint (ABS (cost - row->cost), <=, (gint64)calls->len / 2 + 1);
}

static void
test_behind_figures (Fixture       *fixture,
                     gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const TgUsageGroupBy groups[] = {
    TG_USAGE_GROUP_NONE, TG_USAGE_GROUP_PROVIDER, TG_USAGE_GROUP_ENDPOINT,
    TG_USAGE_GROUP_REQUEST_TYPE, TG_USAGE_GROUP_FEATURE, TG_USAGE_GROUP_COST_CENTRE,
    TG_USAGE_GROUP_REGION, TG_USAGE_GROUP_STATUS_CLASS,
  };
  /* A local day of Adelaide, across the month partitions' end: figures from rollups of
   * several levels and from the tail. */
  gint64 bounds[] = { parse_utc ("2026-03-31T13:30:00Z"), parse_utc ("2026-04-01T13:30:00Z") };

  if (db == NULL)
    return;

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    for (guint p = 0; p < 2; p++)
      {
        const char *provider = p == 0 ? NULL : "here";
        g_autoptr(GPtrArray) rows = NULL;
        g_autoptr(GError) error = NULL;

        rows = tg_usage_fetch_series (db->conn, bounds, 2, groups[g], provider, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (rows->len, >, 0);

        for (guint i = 0; i < rows->len; i++)
          {
            const TgUsageRow *row = g_ptr_array_index (rows, i);
            g_autoptr(TgCallsFilter) filter = tg_calls_filter_new (bounds[0], bounds[1]);

            filter->provider = g_strdup (provider);
            filter->group_by = groups[g];
            filter->group = g_strdup (row->group);
            assert_calls_make_row (db->conn, filter, row);
          }
      }

  /* Users: a billing month's per-user figures (the billing time zone is UTC here). */
  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("UTC");
    g_autoptr(GPtrArray) totals = NULL;
    g_autoptr(GError) error = NULL;
    gint64 start, end;

    g_assert_true (tg_time_bucket_month_bounds (tz, "2026-04", &start, &end, NULL));
    totals = tg_usage_fetch_user_totals (db->conn, "2026-04", NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (totals->len, >, 1);

    for (guint i = 0; i < totals->len; i++)
      {
        const TgUserTotal *total = g_ptr_array_index (totals, i);
        g_autoptr(TgCallsFilter) filter = tg_calls_filter_new (start, end);
        g_autoptr(TgUsageRow) row = tg_usage_row_new ();
        g_autoptr(GPtrArray) calls = NULL;
        gint64 n_calls = 0, cost = 0;

        filter->group_by = TG_USAGE_GROUP_USER;
        filter->group = total->has_user_id ? g_strdup_printf ("%" G_GINT64_FORMAT, total->user_id)
                                           : g_strdup ("");
        calls = list_all (db->conn, filter, 500);
        for (guint j = 0; j < calls->len; j++)
          {
            n_calls += ((TgUsageCall *)g_ptr_array_index (calls, j))->call_count;
            cost += ((TgUsageCall *)g_ptr_array_index (calls, j))->cost;
          }
        g_assert_cmpint (n_calls, ==, total->calls);
        g_assert_cmpint (ABS (cost - total->cost), <=, (gint64)calls->len / 2 + 1);
      }
  }
}

/* The asynchronous fetch reads the same pages, also as a viewer. */
static TgCallsPage *
fetch_async (TgDbConnection      *conn,
             const TgCallsFilter *filter,
             gint64               after_id,
             guint                limit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GMainContext *context = g_main_context_ref_thread_default ();
  gboolean expired = FALSE;
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);
  TgCallsPage *page;

  g_source_set_callback (guard, guard_expired_cb, &expired, NULL);
  g_source_attach (guard, context);
  tg_calls_async (conn, filter, after_id, limit, NULL, store_result_cb, &result);
  while (result == NULL && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  g_main_context_unref (context);
  if (result == NULL)
    g_error ("gave up after %d s waiting for a page of calls", GUARD_SECONDS);

  page = tg_calls_finish (conn, result, &error);
  g_assert_no_error (error);
  return page;
}

static void
assert_pages_equal (const TgCallsPage *a,
                    const TgCallsPage *b)
{
  g_assert_cmpint (a->next_after_id, ==, b->next_after_id);
  g_assert_cmpuint (a->calls->len, ==, b->calls->len);
  for (guint i = 0; i < a->calls->len; i++)
    {
      const TgUsageCall *x = g_ptr_array_index (a->calls, i);
      const TgUsageCall *y = g_ptr_array_index (b->calls, i);

      g_assert_cmpint (x->id, ==, y->id);
      g_assert_cmpint (x->cost, ==, y->cost);
      g_assert_cmpint (x->cost_native, ==, y->cost_native);
      g_assert_cmpstr (x->request_data, ==, y->request_data);
    }
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autofree char *login = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *sql = NULL;

  if (db == NULL)
    return;

  login = tg_test_unique_name ("tgcalls");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", login);
  tg_test_db_exec (db, sql);
  conninfo = tg_test_db_conninfo_as (db, login);

  for (guint as_viewer = 0; as_viewer < 2; as_viewer++)
    {
      g_autoptr(TgDbConnection) conn = tg_db_connection_new (as_viewer ? conninfo : db->conninfo);
      g_autoptr(TgCallsFilter) filter = tg_calls_filter_new (parse_utc (ranges[0].from),
                                                             parse_utc (ranges[0].to));
      gint64 after_id = 0;
      guint pages = 0;

      /* A cost centre's calls: the viewer reads features and the rollups too. */
      filter->group_by = TG_USAGE_GROUP_COST_CENTRE;
      filter->group = g_strdup ("CC-WEB");
      do
        {
          g_autoptr(TgCallsPage) page = fetch_async (conn, filter, after_id, 40);
          g_autoptr(TgCallsPage) blocking = NULL;
          g_autoptr(GError) error = NULL;

          blocking = tg_calls_fetch (db->conn, filter, after_id, 40, &error);
          g_assert_no_error (error);
          assert_pages_equal (page, blocking);
          after_id = page->next_after_id;
          pages++;
        }
      while (after_id != 0);
      g_assert_cmpuint (pages, >, 2);

      tg_db_connection_close (conn);
      while (g_main_context_iteration (fixture->context, FALSE))
        ;
    }

  g_free (sql);
  sql = g_strdup_printf ("DROP ROLE %s", login);
  tg_test_db_exec (db, sql);
}

/* Paging while rows arrive.
 *
 * The guarantee (tg-calls-queries.h): a listing holds every call of its filter that was
 * committed when its first page was read, each exactly once, and never a call twice. A
 * call committed later is in it only if its id is below the last page read when it
 * commits; else the next listing holds it.
 */

static gint64
insert_one (PGconn     *conn,
            const char *created_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { created_at };

  result = tg_db_query (conn,
                        "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, "
                        "  request_type, response_status, created_at) "
                        "VALUES ('here', '/v1/geocode', 'geocode', 200, $1::timestamptz) "
                        "RETURNING api_usage_id",
                        1, params, &error);
  g_assert_no_error (error);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* @n rows in the range (and one outside it), committed. */
static void
insert_committed (TgTestDb *db,
                  guint     n)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  response_status, created_at) "
    "SELECT 'here', '/v1/geocode', 'geocode', 200, "
    "       timestamptz '2026-04-02 00:00+00' + i * interval '1 second' "
    "FROM generate_series(1, %u) AS i "
    "UNION ALL SELECT 'here', '/v1/geocode', 'geocode', 200, '2026-05-01 00:00+00'", n);

  tg_test_db_exec (db, sql);
}

static void
conn_exec (PGconn     *conn,
           const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tg_db_exec (conn, sql, &error));
  g_assert_no_error (error);
}

static gboolean
holds_id (GPtrArray *calls,
          gint64     id)
{
  for (guint i = 0; i < calls->len; i++)
    if (((TgUsageCall *)g_ptr_array_index (calls, i))->id == id)
      return TRUE;
  return FALSE;
}

static void
test_paging_while_writing (Fixture       *fixture,
                           gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(TgDbConnection) async_conn = NULL;
  g_autoptr(PGconn) early = NULL;
  g_autoptr(PGconn) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) listing = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_call_unref);
  g_autoptr(GPtrArray) next_listing = NULL;
  g_autoptr(TgCallsFilter) filter = NULL;
  g_autofree char *expected_sql = NULL;
  g_autoptr(PGresult) expected = NULL;
  gint64 early_id, late_id;
  gint64 after_id = 0;
  gboolean early_committed = FALSE;
  guint page_number = 0;

  if (db == NULL)
    return;

  /* The range: the day of April 1 and 2 (UTC), which holds the fixture's rows. */
  filter = tg_calls_filter_new (parse_utc ("2026-04-01T00:00:00Z"),
                                parse_utc ("2026-04-03T00:00:00Z"));
  async_conn = tg_db_connection_new (db->conninfo);
  early = tg_db_connect (db->conninfo, "tollgate-tests-early", &error);
  g_assert_no_error (error);
  late = tg_db_connect (db->conninfo, "tollgate-tests-late", &error);
  g_assert_no_error (error);

  /* Two writers hold a row each, uncommitted: "early" takes its id before 150 committed
   * rows, "late" after them and before 150 more. */
  conn_exec (early, "BEGIN");
  early_id = insert_one (early, "2026-04-02 12:00+00");
  insert_committed (db, 150);
  conn_exec (late, "BEGIN");
  late_id = insert_one (late, "2026-04-02 12:00+00");
  insert_committed (db, 150);
  g_assert_cmpint (early_id, <, late_id);

  /* What the first page is read against: the committed rows of the range now. */
  expected_sql = g_strdup_printf ("SELECT api_usage_id FROM tollgate.api_usage_tracking "
                                  "WHERE created_at >= to_timestamp(%" G_GINT64_FORMAT ") "
                                  "  AND created_at < to_timestamp(%" G_GINT64_FORMAT ") "
                                  "ORDER BY api_usage_id DESC", filter->from, filter->to);
  expected = tg_db_query (db->conn, expected_sql, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (expected), >, 600);

  do
    {
      g_autoptr(TgCallsPage) page = NULL;

      /* Every other page asynchronously, as the Analytics page reads them. */
      if (page_number % 2 == 0)
        page = tg_calls_fetch (db->conn, filter, after_id, 25, &error);
      else
        page = fetch_async (async_conn, filter, after_id, 25);
      g_assert_no_error (error);
      page_number++;

      for (guint i = 0; i < page->calls->len; i++)
        {
          TgUsageCall *call = g_ptr_array_index (page->calls, i);
          gint64 *key = g_memdup2 (&call->id, sizeof call->id);

          g_assert_false (g_hash_table_contains (seen, key));
          g_hash_table_add (seen, key);
          g_ptr_array_add (listing, tg_usage_call_ref (call));
        }
      after_id = page->next_after_id;

      /* New rows between every two pages: all with higher ids than the listing has. */
      insert_committed (db, 10);

      /* After the first page, "late" commits: its id is below where the listing is, so
       * the listing holds it. */
      if (page_number == 1)
        {
          g_assert_cmpint (after_id, >, late_id);
          conn_exec (late, "COMMIT");
        }

      /* Once the listing has passed below "early"'s id, "early" commits: the listing never
       * goes back up for it. */
      if (!early_committed && after_id != 0 && after_id < early_id)
        {
          conn_exec (early, "COMMIT");
          early_committed = TRUE;
        }
    }
  while (after_id != 0);

  g_assert_true (early_committed);
  g_assert_cmpuint (page_number, >, 20);

  /* Exactly the rows committed before the first page, and "late". */
  g_assert_cmpuint (listing->len, ==, PQntuples (expected) + 1);
  for (int i = 0; i < PQntuples (expected); i++)
    {
      gint64 id = g_ascii_strtoll (PQgetvalue (expected, i, 0), NULL, 10);

      g_assert_true (g_hash_table_contains (seen, &id));
    }
  g_assert_true (g_hash_table_contains (seen, &late_id));
  g_assert_false (g_hash_table_contains (seen, &early_id));

  /* The next listing has "early" and every row that arrived, each once. */
  next_listing = list_all (db->conn, filter, 60);
  g_assert_true (holds_id (next_listing, early_id));
  g_assert_true (holds_id (next_listing, late_id));
  g_assert_cmpint (next_listing->len, ==, tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '2026-04-01 00:00+00' AND created_at < '2026-04-03 00:00+00'"));
  assert_calls_equal_raw (db, next_listing, filter->from, filter->to, "true");

  tg_db_connection_close (async_conn);
}

/* What the server refuses, from any client: bad ranges, limits, groups and outcomes. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const char * const refused[] = {
    "SELECT * FROM tollgate.usage_calls('2026-04-02', '2026-04-01')",
    "SELECT * FROM tollgate.usage_calls(NULL, '2026-04-01')",
    "SELECT * FROM tollgate.usage_calls('2026-04-01', '2026-04-02', p_limit => 0)",
    "SELECT * FROM tollgate.usage_calls('2026-04-01', '2026-04-02', p_limit => 10001)",
    "SELECT * FROM tollgate.usage_calls('2026-04-01', '2026-04-02', p_group => 'colour', "
    "                                   p_group_value => 'red')",
    "SELECT * FROM tollgate.usage_calls('2026-04-01', '2026-04-02', p_group => 'endpoint')",
    "SELECT * FROM tollgate.usage_calls('2026-04-01', '2026-04-02', p_status => 'fine')",
  };

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) result = tg_db_query (db->conn, refused[i], 0, NULL, &error);

      g_test_message ("%s: %s", refused[i], error != NULL ? error->message : "accepted");
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
      g_assert_null (result);
    }

  /* An empty range is no error: no calls. */
  {
    g_autoptr(TgCallsFilter) filter = tg_calls_filter_new (1775000000, 1775000000);
    g_autoptr(TgCallsPage) page = NULL;
    g_autoptr(GError) error = NULL;

    page = tg_calls_fetch (db->conn, filter, 0, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->calls->len, ==, 0);
    g_assert_cmpint (page->next_after_id, ==, 0);
  }
}

/* The filter's copy owns its strings. */
static void
test_filter_copy (void)
{
  g_autoptr(TgCallsFilter) filter = tg_calls_filter_new (10, 20);
  g_autoptr(TgCallsFilter) copy = NULL;

  filter->provider = g_strdup ("here");
  filter->group_by = TG_USAGE_GROUP_FEATURE;
  filter->group = g_strdup ("");
  filter->feature = g_strdup ("checkout.address");
  filter->has_user_id = TRUE;
  filter->user_id = 42;
  filter->status = TG_CALLS_STATUS_CODE;
  filter->status_code = 503;

  copy = tg_calls_filter_copy (filter);
  g_clear_pointer (&filter, tg_calls_filter_free);
  g_assert_cmpint (copy->from, ==, 10);
  g_assert_cmpint (copy->to, ==, 20);
  g_assert_cmpstr (copy->provider, ==, "here");
  g_assert_cmpint (copy->group_by, ==, TG_USAGE_GROUP_FEATURE);
  g_assert_cmpstr (copy->group, ==, "");
  g_assert_cmpstr (copy->feature, ==, "checkout.address");
  g_assert_true (copy->has_user_id);
  g_assert_cmpint (copy->user_id, ==, 42);
  g_assert_cmpint (copy->status, ==, TG_CALLS_STATUS_CODE);
  g_assert_cmpint (copy->status_code, ==, 503);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tollgate/db/calls-queries/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("filters", test_filters);
  ADD ("pricing-cases", test_pricing_cases);
  ADD ("behind-figures", test_behind_figures);
  ADD ("async", test_async);
  ADD ("paging-while-writing", test_paging_while_writing);
  ADD ("refusals", test_refusals);

#undef ADD

  g_test_add_func ("/tollgate/db/calls-queries/filter-copy", test_filter_copy);

  return g_test_run ();
}
