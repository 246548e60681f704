/* test-ctl-forecast.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgatectl forecast and forecast --backtest on a real database: nine months of
 * synthetic traffic with weekly seasonality in a billing zone with daylight saving
 * (Australia/Sydney), most of it in the rollups and a tail of raw rows after the
 * watermark. The JSON has the members; the month so far equals plain SQL over
 * the raw rows to the micro-unit, for every scope; rows created at or after --as-of never
 * count, one a microsecond before does; the backtest meets the targets; and what
 * the command is given at its edges is refused as bad usage. Runs the real binary
 * ($TOLLGATECTL).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-test-ctl.h"
#include "tg-test-db.h"

#define ZONE "Australia/Sydney"

/* Fixed dates, so that every run replays the same months: from the 10th of October 2024
 * (an incomplete month) to the end of November 2025, thirteen complete months. */
#define DATA_FROM "2024-10-10"
#define DATA_TO "2025-12-01"
#define FIRST_MONTH "2024-11"
#define LAST_MONTH "2025-11"
#define HISTORY_MONTHS 13

static TgTestDb *forecast_db;
static GDate this_month;     /* the first day of the current month in ZONE */
static GDate data_end;       /* DATA_TO */

/* Runs tollgatectl with @args (NULL-terminated) and --db; returns its exit status. */
static int
run_ctl (TgTestDb            *db,
         const char * const  *args,
         char               **out,
         char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", db->conninfo));
  g_ptr_array_add (argv, NULL);

  return tg_test_ctl_finish (tg_test_ctl_startv ((const char * const *)argv->pdata), out, err);
}

static JsonObject *
run_json (TgTestDb           *db,
          const char * const *args,
          JsonParser        **parser)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = run_ctl (db, args, &out, &err);

  if (status != 0)
    g_error ("tollgatectl %s %s failed (%d): %s", args[0], args[1], status, err);
  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)));

  return json_node_get_object (json_parser_get_root (*parser));
}

static char *
month_text (const GDate *month)
{
  return g_strdup_printf ("%04u-%02u", g_date_get_year (month), (guint)g_date_get_month (month));
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          (guint)g_date_get_month (date), g_date_get_day (date));
}

/* The database the cases share: HISTORY_MONTHS complete months (and the last three
 * weeks of the month before them) of
 * hourly rows of HERE (feature geo.lookup of cost centre GEO) with a weekly pattern and
 * daily noise, refreshed into the rollups; then a geoscape row every four hours (feature
 * addr.validate, fractional credits that cost below the micro-unit) left as raw tail.
 */
static TgTestDb *
get_db (void)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *here_sql = NULL;
  g_autofree char *geoscape_sql = NULL;

  if (forecast_db != NULL)
    return forecast_db;

  forecast_db = tg_test_db_new (TRUE);
  if (forecast_db == NULL)
    return NULL;

  tz = g_time_zone_new_identifier (ZONE);
  now = g_date_time_new_now (tz);
  g_date_clear (&this_month, 1);
  g_date_set_dmy (&this_month, 1, g_date_time_get_month (now), g_date_time_get_year (now));
  g_date_clear (&data_end, 1);
  g_date_set_dmy (&data_end, 1, G_DATE_DECEMBER, 2025);   /* DATA_TO */
  g_assert_cmpint (g_date_compare (&data_end, &this_month), <=, 0);
  from = g_strdup (DATA_FROM);
  to = g_strdup (DATA_TO);

  tg_test_db_exec (forecast_db,
                   "UPDATE tollgate.settings SET value = '" ZONE "' WHERE key = 'billing-timezone'");
  tg_test_db_exec (forecast_db,
                   "INSERT INTO tollgate.cost_centres (code, display_name) VALUES ('GEO', 'Geo'); "
                   "INSERT INTO tollgate.features (name, display_name, cost_centre) VALUES "
                   "  ('geo.lookup', 'Geocoding', 'GEO'), ('addr.validate', 'Validation', NULL)");

  /* Each day a weekly factor and a log-normal-ish noise of about 8 %, each hour a share of
   * it; random() seeded, so every run writes the same rows. */
  here_sql = g_strdup_printf (
    "SELECT setseed(0.25); "
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  call_count, response_status, response_time, feature, created_at) "
    "SELECT 'here', '/v1/geocode', 'GET', "
    "       greatest(1, round(400 * f.dow * f.noise * (0.9 + 0.2 * random())))::int, 200, 90, "
    "       'geo.lookup', h "
    "FROM (SELECT d::date AS d, "
    "             CASE extract(isodow FROM d) WHEN 6 THEN 0.45 WHEN 7 THEN 0.4 ELSE 1.2 END AS dow, "
    "             exp(0.08 * (random() + random() + random() + random() - 2) * 1.732) AS noise "
    "      FROM generate_series(date '%s', date '%s' - 1, interval '1 day') AS d) AS f "
    "CROSS JOIN LATERAL generate_series(f.d::timestamp AT TIME ZONE '" ZONE "', "
    "  (f.d + 1)::timestamp AT TIME ZONE '" ZONE "' - interval '1 second', interval '1 hour') AS h",
    from, to);
  tg_test_db_exec (forecast_db, here_sql);
  tg_test_db_exec (forecast_db, "SELECT tollgate.refresh_rollups()");

  geoscape_sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  call_count, credit_cost, response_status, response_time, feature, created_at) "
    "SELECT 'geoscape', '/v1/addresses', 'GET', 1, round((1 + random() * 2)::numeric, 6), "
    "       200, 80, 'addr.validate', h + interval '7 minutes 13.5 seconds' "
    "FROM generate_series(date '%s'::timestamp AT TIME ZONE '" ZONE "', "
    "  date '%s'::timestamp AT TIME ZONE '" ZONE "' - interval '1 second', interval '4 hours') AS h",
    from, to);
  tg_test_db_exec (forecast_db, geoscape_sql);

  return forecast_db;
}

/* Plain SQL over the raw rows: the cost of [local midnight of @month_first, @as_of) for
 * a filter, each provider's calls or credits at its price and rate into AUD, summed and
 * rounded once. */
static char *
raw_month_cost (TgTestDb   *db,
                const char *month_first,
                const char *as_of,
                const char *filter)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT round(coalesce(sum(CASE u.api_provider "
    "  WHEN 'here' THEN u.call_count * (SELECT unit_price FROM tollgate.price_book "
    "                                    WHERE provider = 'here') "
    "                  * (SELECT rate FROM tollgate.exchange_rates "
    "                     WHERE from_currency = 'USD' AND to_currency = 'AUD') "
    "  WHEN 'geoscape' THEN u.credit_cost * (SELECT unit_price FROM tollgate.price_book "
    "                                        WHERE provider = 'geoscape') END), 0), 6)::text "
    "FROM tollgate.api_usage_tracking u "
    "LEFT JOIN tollgate.features f ON f.name = u.feature "
    "WHERE u.created_at >= (date '%s')::timestamp AT TIME ZONE '" ZONE "' "
    "  AND u.created_at < timestamptz '%s' AND %s",
    month_first, as_of, filter);

  return tg_test_db_scalar (db, sql);
}

/* A decimal string as micro-units. */
static gint64
micros (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ".", 2);
  gint64 whole = g_ascii_strtoll (parts[0], NULL, 10);
  char fraction[7] = "000000";

  if (parts[1] != NULL)
    memcpy (fraction, parts[1], MIN (strlen (parts[1]), 6));
  return whole * 1000000 + g_ascii_strtoll (fraction, NULL, 10);
}

static void
assert_money (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  g_assert_true (g_regex_match_simple ("^[0-9]+\\.[0-9]{2,6}$", json_node_get_string (node), 0, 0));
}

/* The last month of data, as of its 14th at 10:37:12.345678 local time. */
static void
last_month_as_of (char **month_first,
                  char **as_of_local,
                  char **month)
{
  GDate last = data_end;
  g_autofree char *day = NULL;

  g_date_subtract_months (&last, 1);
  *month_first = date_text (&last);
  *month = month_text (&last);
  g_date_set_day (&last, 14);
  day = date_text (&last);
  *as_of_local = g_strdup_printf ("%sT10:37:12.345678", day);
}

static void
test_forecast_json (void)
{
  TgTestDb *db = get_db ();
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *month_first = NULL;
  g_autofree char *as_of_local = NULL;
  g_autofree char *month = NULL;
  g_autofree char *as_of_sql = NULL;
  g_autofree char *raw = NULL;
  static const char * const members[] = {
    "scope", "month", "as_of", "actual", "forecast", "low", "high", "currency", "basis_days",
  };
  JsonObject *object;

  if (db == NULL)
    return;

  last_month_as_of (&month_first, &as_of_local, &month);
  object = run_json (db, (const char *[]) { "forecast", "--as-of", as_of_local, "--json", NULL },
                     &parser);

  g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (members));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "overall");
  g_assert_cmpstr (json_object_get_string_member (object, "month"), ==, month);
  g_assert_cmpstr (json_object_get_string_member (object, "currency"), ==, "AUD");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "as_of"), as_of_local));
  assert_money (object, "actual");
  assert_money (object, "forecast");
  /* Eight months of history: an interval. */
  assert_money (object, "low");
  assert_money (object, "high");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "basis_days")),
                   ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (object, "basis_days"), >=, 8 * 28);

  /* The actual is plain SQL over the raw rows, to the micro-unit. */
  as_of_sql = g_strdup_printf ("%s", json_object_get_string_member (object, "as_of"));
  raw = raw_month_cost (db, month_first, as_of_sql, "true");
  g_assert_cmpint (micros (json_object_get_string_member (object, "actual")), ==, micros (raw));
  g_assert_cmpint (micros (raw), >, 0);

  /* The estimates bracket each other, and the month's total lies near them. */
  {
    gint64 actual = micros (json_object_get_string_member (object, "actual"));
    gint64 forecast = micros (json_object_get_string_member (object, "forecast"));
    gint64 low = micros (json_object_get_string_member (object, "low"));
    gint64 high = micros (json_object_get_string_member (object, "high"));
    g_autofree char *next = date_text (&data_end);
    g_autofree char *end_sql = g_strdup_printf ("%s 00:00 " ZONE, next);
    g_autofree char *total_text = raw_month_cost (db, month_first, end_sql, "true");
    gint64 total = micros (total_text);

    g_assert_cmpint (actual, <=, low);
    g_assert_cmpint (low, <=, forecast);
    g_assert_cmpint (forecast, <=, high);
    g_assert_cmpfloat (fabs ((double)forecast - total) / total, <, 0.1);
  }
}

/* Nothing that happened after the moment moves the forecast either. */
static void
assert_same_estimates (JsonObject *object,
                       JsonObject *before)
{
  static const char * const members[] = { "forecast", "low", "high", "basis_days", "as_of" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *a = json_to_string (json_object_get_member (object, members[i]), FALSE);
      g_autofree char *b = json_to_string (json_object_get_member (before, members[i]), FALSE);

      g_assert_cmpstr (a, ==, b);
    }
}

/* Rows created at or after the moment never count; one a microsecond before does. */
static void
test_as_of_ignores_later_rows (void)
{
  TgTestDb *db = get_db ();
  g_autoptr(JsonParser) before = NULL;
  g_autoptr(JsonParser) after = NULL;
  g_autoptr(JsonParser) refreshed = NULL;
  g_autoptr(JsonParser) earlier = NULL;
  g_autofree char *month_first = NULL;
  g_autofree char *as_of_local = NULL;
  g_autofree char *month = NULL;
  g_autofree char *insert = NULL;
  g_autofree char *insert_before = NULL;
  g_autofree char *as_of = NULL;
  const char *args[] = { "forecast", "--scope", "provider:geoscape", "--as-of", NULL, "--json",
                         NULL };
  JsonObject *object;
  gint64 actual;

  if (db == NULL)
    return;

  last_month_as_of (&month_first, &as_of_local, &month);
  args[4] = as_of_local;
  object = run_json (db, args, &before);
  actual = micros (json_object_get_string_member (object, "actual"));
  as_of = g_strdup (json_object_get_string_member (object, "as_of"));

  /* At the moment itself, a minute, an hour and a week after it. */
  insert = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  credit_cost, response_status, response_time, feature, created_at) "
    "SELECT 'geoscape', '/v1/addresses', 'GET', 1000, 200, 80, 'addr.validate', "
    "       timestamptz '%s' + d "
    "FROM unnest(ARRAY[interval '0', interval '1 minute', interval '1 hour', "
    "                  interval '7 days']) AS d", as_of);
  tg_test_db_exec (db, insert);
  object = run_json (db, args, &after);
  g_assert_cmpint (micros (json_object_get_string_member (object, "actual")), ==, actual);
  assert_same_estimates (object, json_node_get_object (json_parser_get_root (before)));

  /* Now in the rollups too. */
  tg_test_db_exec (db, "SELECT tollgate.refresh_rollups()");
  object = run_json (db, args, &refreshed);
  g_assert_cmpint (micros (json_object_get_string_member (object, "actual")), ==, actual);
  assert_same_estimates (object, json_node_get_object (json_parser_get_root (before)));

  /* A microsecond before: 1000 credits at 0.10 AUD. */
  insert_before = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  credit_cost, response_status, response_time, feature, created_at) "
    "VALUES ('geoscape', '/v1/addresses', 'GET', 1000, 200, 80, 'addr.validate', "
    "        timestamptz '%s' - interval '1 microsecond')", as_of);
  tg_test_db_exec (db, insert_before);
  object = run_json (db, args, &earlier);
  g_assert_cmpint (micros (json_object_get_string_member (object, "actual")), ==,
                   actual + 100 * 1000000);
}

/* Every scope's month so far is its plain SQL, to the micro-unit. */
static void
test_scopes_exact (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *month_first = NULL;
  g_autofree char *as_of_local = NULL;
  g_autofree char *month = NULL;
  static const struct { const char *scope; const char *filter; } scopes[] = {
    { "overall", "true" },
    { "provider:here", "u.api_provider = 'here'" },
    { "provider:geoscape", "u.api_provider = 'geoscape'" },
    { "feature:addr.validate", "u.feature = 'addr.validate'" },
    { "cost-centre:GEO", "f.cost_centre = 'GEO'" },
    { "provider:openai", "u.api_provider = 'openai'" },
  };

  if (db == NULL)
    return;

  last_month_as_of (&month_first, &as_of_local, &month);
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      g_autofree char *raw = NULL;
      JsonObject *object;

      object = run_json (db, (const char *[]) { "forecast", "--scope", scopes[i].scope,
                                                "--as-of", as_of_local, "--json", NULL },
                         &parser);
      g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, scopes[i].scope);
      raw = raw_month_cost (db, month_first, json_object_get_string_member (object, "as_of"),
                            scopes[i].filter);
      g_assert_cmpint (micros (json_object_get_string_member (object, "actual")), ==,
                       micros (raw));
    }
}

static void
test_backtest (void)
{
  TgTestDb *db = get_db ();
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) every_parser = NULL;
  g_autoptr(JsonParser) default_parser = NULL;
  static const char * const members[] = {
    "scope", "months", "by_day", "coverage", "coverage_points",
  };
  static const guint days[] = { 1, 3, 7, 14, 21, 28 };
  JsonObject *object;
  JsonArray *months;
  JsonArray *by_day;
  GDate month;
  double coverage;

  if (db == NULL)
    return;

  object = run_json (db, (const char *[]) { "forecast", "--backtest", "--from", FIRST_MONTH,
                                            "--to", LAST_MONTH, "--json", NULL }, &parser);
  g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (members));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "overall");

  months = json_object_get_array_member (object, "months");
  g_assert_cmpuint (json_array_get_length (months), ==, HISTORY_MONTHS);
  month = data_end;
  g_date_subtract_months (&month, HISTORY_MONTHS);
  for (guint i = 0; i < HISTORY_MONTHS; i++, g_date_add_months (&month, 1))
    {
      g_autofree char *text = month_text (&month);

      g_assert_cmpstr (json_array_get_string_element (months, i), ==, text);
    }

  by_day = json_object_get_array_member (object, "by_day");
  g_assert_cmpuint (json_array_get_length (by_day), ==, G_N_ELEMENTS (days));
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      JsonObject *day = json_array_get_object_element (by_day, i);
      double mape = json_object_get_double_member (day, "mape");
      double runrate = json_object_get_double_member (day, "runrate_mape");

      g_test_message ("day %u: n %" G_GINT64_FORMAT ", ours %.2f %%, run-rate %.2f %%",
                      days[i], json_object_get_int_member (day, "n"), mape, runrate);
      g_assert_cmpuint (json_object_get_size (day), ==, 4);
      /* Percentages to two decimals, as written, not a double's seventeen digits. */
      g_assert_cmpint (json_node_get_value_type (json_object_get_member (day, "mape")), ==,
                       G_TYPE_DOUBLE);
      g_assert_cmpfloat_with_epsilon (mape * 100, round (mape * 100), 1e-6);
      g_assert_cmpint (json_object_get_int_member (day, "day"), ==, days[i]);
      g_assert_cmpint (json_object_get_int_member (day, "n"), ==,
                       days[i] == 28 ? HISTORY_MONTHS - 1 : HISTORY_MONTHS);
      g_assert_cmpfloat (runrate, >, 0);
      if (days[i] <= 3)
        g_assert_cmpfloat (mape, <=, 0.3 * runrate);
      else if (days[i] == 7)
        g_assert_cmpfloat (mape, <=, 0.75 * runrate);
      else
        g_assert_cmpfloat (mape, <=, runrate + 0.2);
    }

  /* Coverage over every day of the months that have an interval (at least four). */
  object = run_json (db, (const char *[]) { "forecast", "--backtest", "--from", FIRST_MONTH,
                                            "--to", LAST_MONTH, "--every-day", "--json", NULL },
                     &every_parser);
  coverage = json_object_get_double_member (object, "coverage");
  g_test_message ("coverage %.4f over %" G_GINT64_FORMAT " replays", coverage,
                  json_object_get_int_member (object, "coverage_points"));
  g_assert_cmpint (json_object_get_int_member (object, "coverage_points"), >=, 4 * 27);
  g_assert_cmpfloat (coverage, >=, 0.75);
  g_assert_cmpfloat (coverage, <=, 0.90);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "by_day")),
                    ==, 30);

  /* The table for people, in the log. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_ctl (db, (const char *[]) { "forecast", "--backtest", "--from",
                                                     FIRST_MONTH, "--to", LAST_MONTH, NULL },
                              &out, &err), ==, 0);
    g_test_message ("%s", out);
  }

  /* By default, the complete months with data: from the first whole one (not October,
   * whose data began on the 10th) to the last month before this one. */
  object = run_json (db, (const char *[]) { "forecast", "--backtest", "--json", NULL },
                     &default_parser);
  months = json_object_get_array_member (object, "months");
  g_assert_cmpstr (json_array_get_string_element (months, 0), ==, FIRST_MONTH);
  month = this_month;
  g_date_subtract_months (&month, 1);
  {
    g_autofree char *last = month_text (&month);

    g_assert_cmpstr (json_array_get_string_element (months, json_array_get_length (months) - 1),
                     ==, last);
  }
}

/* The first days of data: run-rate only, and said so; no interval in JSON. */
static void
test_first_month (void)
{
  TgTestDb *db = get_db ();
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *day = NULL;
  JsonObject *object;

  if (db == NULL)
    return;

  day = g_strdup ("2024-10-15");
  as_of = g_strdup_printf ("%sT12:00", day);
  object = run_json (db, (const char *[]) { "forecast", "--as-of", as_of, "--json", NULL },
                     &parser);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "low")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "high")));
  /* The 10th to the 14th. */
  g_assert_cmpint (json_object_get_int_member (object, "basis_days"), ==, 5);

  g_assert_cmpint (run_ctl (db, (const char *[]) { "forecast", "--as-of", as_of, NULL },
                            &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "no earlier months: run-rate only"));
}

static void
test_bad_usage (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *this_text = NULL;
  static const char * const cases[][8] = {
    { "forecast", "--scope", "everything", NULL },
    { "forecast", "--scope", "provider:nope", NULL },
    { "forecast", "--scope", "feature:nope", NULL },
    { "forecast", "--scope", "cost-centre:NOPE", NULL },
    { "forecast", "--as-of", "yesterday", NULL },
    { "forecast", "--as-of", "2199-06-01T00:00Z", NULL },
    { "forecast", "--as-of", "1969-12-31T10:00Z", NULL },
    { "forecast", "--backtest", "--from", "2026-13", NULL },
    { "forecast", "--backtest", "--from", "2026-05", "--to", "2026-04", NULL },
    { "forecast", "--backtest", "--as-of", "2026-05-01T00:00", NULL },
    { "forecast", "--every-day", NULL },
    { "forecast", "--backtest", "--to", "2199-01", NULL },
  };

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_ctl (db, cases[i], &out, &err);

      g_test_message ("%s %s %s: %s", cases[i][1], cases[i][2] ? cases[i][2] : "",
                      cases[i][3] ? cases[i][3] : "", err);
      g_assert_cmpint (status, ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, "tollgatectl"));
    }

  /* This month is not complete. */
  this_text = month_text (&this_month);
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_ctl (db, (const char *[]) { "forecast", "--backtest", "--to",
                                                     this_text, NULL }, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "complete months"));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/ctl-forecast/json", test_forecast_json);
  g_test_add_func ("/tollgate/db/ctl-forecast/scopes-exact", test_scopes_exact);
  g_test_add_func ("/tollgate/db/ctl-forecast/backtest", test_backtest);
  g_test_add_func ("/tollgate/db/ctl-forecast/first-month", test_first_month);
  g_test_add_func ("/tollgate/db/ctl-forecast/bad-usage", test_bad_usage);
  /* Last: it adds rows to the shared database. */
  g_test_add_func ("/tollgate/db/ctl-forecast/as-of-ignores-later-rows",
                   test_as_of_ignores_later_rows);

  status = g_test_run ();
  g_clear_pointer (&forecast_db, tg_test_db_free);
  return status;
}
