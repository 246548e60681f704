/* test-simulate.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs the real `tollgatectl simulate` (the binary in $TOLLGATECTL) against fresh
 * databases and checks what it wrote with SQL: determinism, the shape every later
 * feature is tested on, live mode, and the command line's errors.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-test-db.h"
#include "tg-traffic-model.h"

/* Small, so that the suite stays quick: a whole month (two DST changes, an outage)
 * at a reduced volume.
 */
#define SHAPE_SEED         "7"
#define SHAPE_DAYS         31
#define SHAPE_END          "2025-03-31"
#define SHAPE_ROWS_PER_DAY "3000"

typedef struct
{
  int   status;     /* exit status; -1 when killed by a signal */
  char *out;
  char *err;
} CtlResult;

static void
ctl_result_clear (CtlResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtlResult, ctl_result_clear)

static const char *
tollgatectl (void)
{
  const char *path = g_getenv ("TOLLGATECTL");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("TOLLGATECTL does not name the tollgatectl binary (run under meson test)");
  return path;
}

static int
exit_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return -1;
}

/* Runs tollgatectl with the NULL-terminated arguments after "tollgatectl". */
static void
run_ctl (CtlResult  *result,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer)tollgatectl ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &result->out, &result->err, &wait_status, &error))
    g_error ("Could not run tollgatectl: %s", error->message);
  result->status = exit_status (wait_status);
}

static char *
db_option (TgTestDb *db)
{
  return g_strdup_printf ("--db=%s", db->conninfo);
}

/* Simulates into @db and checks it succeeded. */
static void
simulate (TgTestDb   *db,
          const char *seed,
          const char *days,
          const char *end,
          const char *rows_per_day,
          const char *jobs)
{
  g_auto(CtlResult) result = { 0 };
  g_autofree char *db_arg = db_option (db);

  run_ctl (&result, "simulate", db_arg, "--history", days, "--end", end, "--seed", seed,
           "--rows-per-day", rows_per_day, "--jobs", jobs, "--json", NULL);
  if (result.status != 0)
    g_error ("simulate failed (%d): %s", result.status, result.err);
}

/* Simulates into @db over @jobs connections that really write at the same time: the
 * test holds a SHARE lock on the usage table, which every writer's COPY waits for, until
 * all @jobs of them are seen waiting. Each has taken a day by then, so the days are
 * written by @jobs connections at once, whatever the scheduler would have done.
 */
static void
simulate_in_parallel (TgTestDb   *db,
                      const char *seed,
                      const char *days,
                      const char *end,
                      const char *rows_per_day,
                      guint       jobs)
{
  g_autofree char *application_name = tg_test_unique_name ("tgsimulate");
  g_autofree char *db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo,
                                             application_name);
  g_autofree char *jobs_arg = g_strdup_printf ("%u", jobs);
  g_autofree char *partitions = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  /* Making a partition takes locks the held one would block: the months' partitions
   * are made first, as simulate would find them.
   */
  partitions = g_strdup_printf ("SELECT tollgate.ensure_usage_partitions ("
                                "  date '%s' - %s + 1, date '%s' + 1)", end, days, end);
  tg_test_db_exec (db, partitions);

  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE tollgate.api_usage_tracking IN SHARE MODE");

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, tollgatectl (), "simulate", db_arg, "--history", days,
                              "--end", end, "--seed", seed, "--rows-per-day", rows_per_day,
                              "--jobs", jobs_arg, "--json", NULL);
  g_assert_no_error (error);

  tg_test_wait_for_lock_waits (db, application_name, jobs);
  tg_test_db_exec (db, "COMMIT");

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("simulate failed: %s", err);
}

static double
scalar_double (TgTestDb   *db,
               const char *sql)
{
  g_autofree char *value = tg_test_db_scalar (db, sql);

  g_assert_nonnull (value);
  return g_ascii_strtod (value, NULL);
}

/* How many usage rows match @where. */
static gint64
count_usage (TgTestDb   *db,
             const char *where)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT count(*) FROM tollgate.api_usage_tracking WHERE %s", where);

  return tg_test_db_scalar_int (db, sql);
}

/* The content of every usage row except api_usage_id, and of the population. */
static char *
content_digest (TgTestDb *db)
{
  return tg_test_db_scalar (db,
    "SELECT md5(coalesce((SELECT string_agg(r, E'\\n' ORDER BY r) FROM ("
    "  SELECT (user_id, api_provider, api_endpoint, request_type, call_count, credit_cost,"
    "          response_time, request_data, response_status, response_data, billing_period,"
    "          is_billable, created_at, ip_address, user_agent, feature, region)::text AS r"
    "  FROM tollgate.api_usage_tracking) s), '')"
    " || coalesce((SELECT string_agg(u::text, E'\\n' ORDER BY user_id)"
    "              FROM tollgate.users u), '')"
    " || coalesce((SELECT string_agg(f::text, E'\\n' ORDER BY name)"
    "              FROM tollgate.features f), ''))");
}

static void
test_determinism (void)
{
  g_autoptr(TgTestDb) a = tg_test_db_new (TRUE);
  g_autoptr(TgTestDb) b = NULL;
  g_autoptr(TgTestDb) c = NULL;
  g_autofree char *digest_a = NULL;
  g_autofree char *digest_b = NULL;
  g_autofree char *digest_c = NULL;

  if (a == NULL)
    return;
  b = tg_test_db_new (TRUE);
  c = tg_test_db_new (TRUE);

  /* The same seed and options; written over one connection or three at once. */
  simulate (a, "11", "10", "2025-02-10", "1500", "1");
  simulate_in_parallel (b, "11", "10", "2025-02-10", "1500", 3);
  simulate (c, "12", "10", "2025-02-10", "1500", "1");

  g_assert_cmpint (count_usage (a, "true"), >, 10000);
  g_assert_cmpint (count_usage (a, "true"), ==, count_usage (b, "true"));

  digest_a = content_digest (a);
  digest_b = content_digest (b);
  digest_c = content_digest (c);
  g_assert_cmpstr (digest_a, ==, digest_b);
  g_assert_cmpstr (digest_a, !=, digest_c);
}

/* One simulated month, shared by the shape checks below. */
static TgTestDb *shape_db;

static TgTestDb *
get_shape_db (void)
{
  if (shape_db == NULL)
    {
      g_auto(CtlResult) result = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *db_arg = NULL;
      g_autofree char *days = g_strdup_printf ("%d", SHAPE_DAYS);
      JsonObject *summary;

      shape_db = tg_test_db_new (TRUE);
      if (shape_db == NULL)
        return NULL;

      db_arg = db_option (shape_db);
      run_ctl (&result, "simulate", db_arg, "--history", days, "--end", SHAPE_END,
               "--seed", SHAPE_SEED, "--rows-per-day", SHAPE_ROWS_PER_DAY, "--json", NULL);
      if (result.status != 0)
        g_error ("simulate failed (%d): %s", result.status, result.err);

      /* --json prints only the summary, and the summary tells the truth. */
      json_parser_load_from_data (parser, result.out, -1, &error);
      g_assert_no_error (error);
      summary = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (summary, "mode"), ==, "history");
      g_assert_cmpint (json_object_get_int_member (summary, "seed"), ==, 7);
      g_assert_cmpstr (json_object_get_string_member (summary, "from"), ==, "2025-03-01");
      g_assert_cmpstr (json_object_get_string_member (summary, "to"), ==, SHAPE_END);
      g_assert_cmpint (json_object_get_int_member (summary, "rows"), ==,
                       count_usage (shape_db, "true"));
      g_assert_cmpint (json_object_get_int_member (summary, "calls"), ==,
                       tg_test_db_scalar_int (shape_db, "SELECT sum(call_count)"
                                                        " FROM tollgate.api_usage_tracking"));
      g_assert_cmpstr (result.err, ==, "");
    }

  return shape_db;
}

static TgTrafficModel *
shape_model (void)
{
  TgTrafficModel *model = tg_traffic_model_new (7, g_ascii_strtod (SHAPE_ROWS_PER_DAY, NULL));

  tg_traffic_model_set_range (model, tg_traffic_day_from_date (2025, 3, 1), SHAPE_DAYS);
  return model;
}

static void
test_shape_coverage (void)
{
  TgTestDb *db = get_shape_db ();
  g_autofree char *providers = NULL;

  if (db == NULL)
    return;

  /* Every provider, every region, each region's primary and backup, OpenAI everywhere. */
  providers = tg_test_db_scalar (db,
    "SELECT string_agg(DISTINCT api_provider, ',' ORDER BY api_provider)"
    " FROM tollgate.api_usage_tracking");
  g_assert_cmpstr (providers, ==, "canada_post,geoscape,here,openai,postcodes_io,smarty_streets");
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.regions r WHERE"
    " EXISTS (SELECT FROM tollgate.api_usage_tracking u"
    "         WHERE u.region = r.code AND u.api_provider = r.primary_provider)"
    " AND EXISTS (SELECT FROM tollgate.api_usage_tracking u"
    "             WHERE u.region = r.code AND u.api_provider = r.backup_provider)"
    " AND EXISTS (SELECT FROM tollgate.api_usage_tracking u"
    "             WHERE u.region = r.code AND u.api_provider = 'openai')"),
    ==, 4);
  g_assert_cmpint (count_usage (db, "region IS NULL OR feature IS NULL"
                                    " OR region NOT IN ('AU', 'US', 'EU', 'CA')"), ==, 0);

  /* Most of a region's address calls on its primary, a little on the backup. */
  g_assert_cmpfloat (scalar_double (db,
    "SELECT min(share) FROM ("
    "  SELECT r.code, sum(u.call_count) FILTER (WHERE u.api_provider = r.primary_provider)::float8"
    "                 / sum(u.call_count) AS share"
    "  FROM tollgate.api_usage_tracking u JOIN tollgate.regions r ON r.code = u.region"
    "  WHERE u.api_provider <> 'openai' GROUP BY r.code) s"), >, 0.8);

  /* Plausible request types per provider. */
  g_assert_cmpint (count_usage (db,
    "(api_provider = 'openai') <> (request_type IN ('chat.completions', 'embeddings'))"
    " OR request_type NOT IN ('autocomplete', 'validate', 'geocode', 'reverse_geocode',"
    "                         'chat.completions', 'embeddings')"), ==, 0);

  /* Rows go straight into month partitions; billing periods are the UTC month. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking_default"), ==, 0);
  g_assert_cmpint (count_usage (db,
    "billing_period IS DISTINCT FROM to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')"), ==, 0);
  g_assert_cmpint (count_usage (db,
    "created_at < '2025-03-01 00:00+00' OR created_at >= '2025-04-01 00:00+00'"), ==, 0);
}

static void
test_shape_rows (void)
{
  TgTestDb *db = get_shape_db ();

  if (db == NULL)
    return;

  /* Batches, free calls, errors, timeouts, throttling. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE call_count > 1"), >, 100);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE NOT is_billable"), >, 100);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE response_status = 0"
    " AND response_time >= 10000 AND response_data IS NULL"), >, 10);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE response_status = 429"), >, 10);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE response_status >= 500"), >, 10);

  /* OpenAI's answers carry their token counts. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE api_provider = 'openai'"
    " AND response_status = 200"), >, 1000);
  g_assert_cmpint (count_usage (db,
    "api_provider = 'openai' AND response_status = 200"
    " AND NOT ((response_data #>> '{usage,prompt_tokens}')::int > 0"
    "          AND (response_data #>> '{usage,completion_tokens}')::int >= 0"
    "          AND (response_data #>> '{usage,total_tokens}')::int ="
    "              (response_data #>> '{usage,prompt_tokens}')::int"
    "              + (response_data #>> '{usage,completion_tokens}')::int"
    "          AND response_data ? 'model')"), ==, 0);

  /* Credits only where the provider bills them; Geoscape's successes always cost some. */
  g_assert_cmpint (count_usage (db, "credit_cost > 0 AND api_provider <> 'geoscape'"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking WHERE api_provider = 'geoscape'"
    " AND response_status = 200 AND credit_cost < call_count"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(DISTINCT credit_cost / call_count) FROM tollgate.api_usage_tracking"
    " WHERE api_provider = 'geoscape' AND credit_cost > 0"), >=, 2);

  /* Identical, cacheable requests; many addresses and agents. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT max(n) FROM (SELECT count(*) AS n FROM tollgate.api_usage_tracking"
    "                    GROUP BY request_data) s"), >, 50);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(DISTINCT ip_address) FROM tollgate.api_usage_tracking"), >, 1000);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(DISTINCT family(ip_address)) FROM tollgate.api_usage_tracking"), ==, 2);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(DISTINCT user_agent) FROM tollgate.api_usage_tracking"), >=, 5);

  /* Log-normal latencies: a long right tail over the median, per provider. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT api_provider,"
    "  percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time) AS p50,"
    "  percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time) AS p99"
    "  FROM tollgate.api_usage_tracking WHERE response_status = 200 GROUP BY 1) s"
    " WHERE p50 > 20 AND p99 > 2 * p50"), ==, 6);
}

static void
test_shape_population (void)
{
  TgTestDb *db = get_shape_db ();

  if (db == NULL)
    return;

  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.users"), >=, 1000);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.features"), >=, 8);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.cost_centres"), >=, 5);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.users WHERE cost_centre IS NULL OR email IS NULL"), ==, 0);

  /* Every user and feature in the traffic exists. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT DISTINCT user_id FROM tollgate.api_usage_tracking"
    "                      WHERE user_id IS NOT NULL) u"
    " WHERE NOT EXISTS (SELECT FROM tollgate.users x WHERE x.user_id = u.user_id)"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT DISTINCT feature FROM tollgate.api_usage_tracking) f"
    " WHERE NOT EXISTS (SELECT FROM tollgate.features x WHERE x.name = f.feature)"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(DISTINCT feature) FROM tollgate.api_usage_tracking"), >=, 8);

  /* The heaviest 1 % of users make a large share of the users' calls. */
  g_assert_cmpfloat (scalar_double (db,
    "WITH u AS (SELECT user_id, sum(call_count) AS calls FROM tollgate.api_usage_tracking"
    "           WHERE user_id IS NOT NULL GROUP BY 1),"
    " top AS (SELECT calls FROM u ORDER BY calls DESC"
    "         LIMIT (SELECT ceil(count(*) / 100.0) FROM tollgate.users))"
    " SELECT (SELECT sum(calls) FROM top)::float8 / (SELECT sum(calls) FROM u)"), >, 0.3);

  /* Running again is safe: the population is left as it is. */
  {
    g_auto(CtlResult) result = { 0 };
    g_autofree char *db_arg = db_option (db);
    const char *users_sql = "SELECT md5(string_agg(u::text, ',' ORDER BY user_id))"
                            " FROM tollgate.users u";
    g_autofree char *before = tg_test_db_scalar (db, users_sql);
    g_autofree char *after = NULL;

    run_ctl (&result, "simulate", db_arg, "--live", "--duration", "0.3", "--seed", SHAPE_SEED,
             "--json", NULL);
    g_assert_cmpint (result.status, ==, 0);
    after = tg_test_db_scalar (db, users_sql);
    g_assert_cmpstr (before, ==, after);
    /* The live rows are now(), outside the month the other checks look at. */
    tg_test_db_exec (db, "DELETE FROM tollgate.api_usage_tracking"
                         " WHERE created_at >= '2025-04-01 00:00+00'");
  }
}

/* Weekends quieter in each region's local calendar; the busiest hour in local daytime. */
static void
test_shape_local_time (void)
{
  TgTestDb *db = get_shape_db ();
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  result = tg_db_query (db->conn,
    "WITH d AS (SELECT u.region, (u.created_at AT TIME ZONE r.time_zone)::date AS day,"
    "                  sum(u.call_count) AS calls"
    "           FROM tollgate.api_usage_tracking u JOIN tollgate.regions r ON r.code = u.region"
    "           GROUP BY 1, 2)"
    " SELECT region, avg(calls) FILTER (WHERE extract(isodow FROM day) >= 6)"
    "                / avg(calls) FILTER (WHERE extract(isodow FROM day) < 6)"
    " FROM d WHERE day > '2025-03-01' AND day < '2025-03-31' GROUP BY 1 ORDER BY 1",
    0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 4);
  for (int i = 0; i < PQntuples (result); i++)
    {
      double ratio = g_ascii_strtod (PQgetvalue (result, i, 1), NULL);

      g_test_message ("%s: weekend/weekday %.3f", PQgetvalue (result, i, 0), ratio);
      g_assert_cmpfloat (ratio, >=, 0.3);
      g_assert_cmpfloat (ratio, <=, 0.65);
    }
  g_clear_pointer (&result, PQclear);

  result = tg_db_query (db->conn,
    "WITH h AS (SELECT u.region,"
    "                  extract(hour FROM u.created_at AT TIME ZONE r.time_zone)::int AS hour,"
    "                  sum(u.call_count) AS calls"
    "           FROM tollgate.api_usage_tracking u JOIN tollgate.regions r ON r.code = u.region"
    "           GROUP BY 1, 2)"
    " SELECT DISTINCT ON (region) region, hour,"
    "        (SELECT h2.calls FROM h h2 WHERE h2.region = h.region AND h2.hour = 3)::float8 / calls"
    " FROM h ORDER BY region, calls DESC",
    0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 4);
  for (int i = 0; i < PQntuples (result); i++)
    {
      int hour = atoi (PQgetvalue (result, i, 1));

      g_test_message ("%s: busiest local hour %d", PQgetvalue (result, i, 0), hour);
      g_assert_cmpint (hour, >=, 9);
      g_assert_cmpint (hour, <=, 16);
      /* Quiet nights. */
      g_assert_cmpfloat (g_ascii_strtod (PQgetvalue (result, i, 2), NULL), <, 0.15);
    }
}

/* During each outage in the month its region's traffic runs on the backup. */
static void
test_shape_outage (void)
{
  TgTestDb *db = get_shape_db ();
  g_autoptr(TgTrafficModel) model = NULL;
  g_autoptr(GArray) outages = NULL;
  gint64 from = tg_traffic_day_from_date (2025, 3, 1) * TG_TRAFFIC_USEC_PER_DAY;
  gint64 to;
  guint checked = 0;

  if (db == NULL)
    return;

  model = shape_model ();
  to = from + SHAPE_DAYS * TG_TRAFFIC_USEC_PER_DAY;
  outages = tg_traffic_model_list_outages (model, from, to);
  g_assert_cmpuint (outages->len, >=, 1);

  for (guint i = 0; i < outages->len; i++)
    {
      const TgTrafficOutage *o = &g_array_index (outages, TgTrafficOutage, i);
      const char *region = tg_traffic_region_get_code (o->region);
      const char *primary = tg_traffic_provider_get_slug (o->primary);
      const char *backup = tg_traffic_provider_get_slug (o->backup);
      g_autofree char *during_sql = NULL;
      g_autofree char *outside_sql = NULL;
      g_autofree char *failing_sql = NULL;
      g_autofree char *pair_sql = NULL;
      g_autofree char *pair = NULL;
      g_autofree char *expected_pair = NULL;
      double during, outside, failing;

      if (o->start < from || o->end > to)
        continue;

      /* The schedule matches tollgate.regions. */
      pair_sql = g_strdup_printf ("SELECT primary_provider || '/' || backup_provider"
                                  " FROM tollgate.regions WHERE code = '%s'", region);
      pair = tg_test_db_scalar (db, pair_sql);
      expected_pair = g_strdup_printf ("%s/%s", primary, backup);
      g_assert_cmpstr (pair, ==, expected_pair);

      during_sql = g_strdup_printf (
        "SELECT sum(call_count) FILTER (WHERE api_provider = '%s')::float8 / sum(call_count)"
        " FROM tollgate.api_usage_tracking WHERE region = '%s' AND api_provider <> 'openai'"
        " AND feature <> 'ops.healthcheck'"
        " AND created_at >= to_timestamp(%" G_GINT64_FORMAT " / 1e6)"
        " AND created_at < to_timestamp(%" G_GINT64_FORMAT " / 1e6)",
        backup, region, o->failover, o->end);
      outside_sql = g_strdup_printf (
        "SELECT sum(call_count) FILTER (WHERE api_provider = '%s')::float8 / sum(call_count)"
        " FROM tollgate.api_usage_tracking WHERE region = '%s' AND api_provider <> 'openai'"
        " AND feature <> 'ops.healthcheck'"
        " AND NOT (created_at >= to_timestamp(%" G_GINT64_FORMAT " / 1e6)"
        "          AND created_at < to_timestamp(%" G_GINT64_FORMAT " / 1e6))",
        backup, region, o->start, o->end);
      failing_sql = g_strdup_printf (
        "SELECT count(*) FILTER (WHERE response_status = 0 OR response_status >= 500)::float8"
        "       / count(*)"
        " FROM tollgate.api_usage_tracking WHERE api_provider = '%s'"
        " AND created_at >= to_timestamp(%" G_GINT64_FORMAT " / 1e6)"
        " AND created_at < to_timestamp(%" G_GINT64_FORMAT " / 1e6)",
        primary, o->start, o->failover);

      during = scalar_double (db, during_sql);
      outside = scalar_double (db, outside_sql);
      failing = scalar_double (db, failing_sql);
      g_test_message ("%s outage of %s: backup share %.3f during, %.3f outside; "
                      "%.2f failing at first", region, primary, during, outside, failing);
      g_assert_cmpfloat (during, >, 0.9);
      g_assert_cmpfloat (outside, <, 0.1);
      g_assert_cmpfloat (failing, >, 0.8);
      checked++;
    }

  g_assert_cmpuint (checked, >=, 1);
}

/* One user makes a huge burst for an hour or so. */
static void
test_shape_spike (void)
{
  TgTestDb *db = get_shape_db ();
  g_autoptr(TgTrafficModel) model = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  TgTrafficSpike spike;
  gint64 spike_calls;

  if (db == NULL)
    return;

  model = shape_model ();
  g_assert_true (tg_traffic_model_get_spike (model, &spike));

  sql = g_strdup_printf ("SELECT sum(call_count) FROM tollgate.api_usage_tracking"
                         " WHERE user_id = %" G_GINT64_FORMAT
                         " AND created_at >= to_timestamp(%" G_GINT64_FORMAT " / 1e6)"
                         " AND created_at < to_timestamp(%" G_GINT64_FORMAT " / 1e6)",
                         spike.user_id, spike.start, spike.end);
  spike_calls = tg_test_db_scalar_int (db, sql);
  g_assert_cmpint (spike_calls, >, 0.8 * spike.expected_rows);

  /* Found without the model: the busiest user-hour, far above any other user's. */
  result = tg_db_query (db->conn,
    "WITH h AS (SELECT user_id, date_trunc('hour', created_at) AS hour, sum(call_count) AS calls"
    "           FROM tollgate.api_usage_tracking WHERE user_id IS NOT NULL GROUP BY 1, 2),"
    " top AS (SELECT user_id, calls FROM h ORDER BY calls DESC LIMIT 1)"
    " SELECT top.user_id, top.calls, (SELECT max(calls) FROM h WHERE h.user_id <> top.user_id)"
    " FROM top",
    0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10), ==, spike.user_id);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10), >,
                   10 * g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10));
}

static void
test_live (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_auto(CtlResult) result = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db_arg = NULL;
  JsonObject *summary;
  gint64 rows;
  gint64 calls;

  if (db == NULL)
    return;

  db_arg = db_option (db);
  run_ctl (&result, "simulate", db_arg, "--live", "--rate", "50", "--duration", "2", "--json",
           NULL);
  g_assert_cmpint (result.status, ==, 0);

  rows = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.api_usage_tracking");
  calls = tg_test_db_scalar_int (db, "SELECT sum(call_count) FROM tollgate.api_usage_tracking");
  /* 100 calls expected; Poisson's spread is ±10, a batch row can add up to 100. How many
   * rows carry them depends on how many batch rows the random draw made (a run here had
   * 39 rows for its calls), so rows are only bounded by the calls.
   */
  g_assert_cmpint (calls, >=, 60);
  g_assert_cmpint (calls, <=, 260);
  g_assert_cmpint (rows, >=, 1);
  g_assert_cmpint (rows, <=, calls);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking"
    " WHERE created_at > now() - interval '1 minute' AND created_at <= now()"), ==, rows);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking_default"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.users"), >=, 1000);

  json_parser_load_from_data (parser, result.out, -1, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "mode"), ==, "live");
  g_assert_cmpint (json_object_get_int_member (summary, "rows"), ==, rows);
  g_assert_cmpint (json_object_get_int_member (summary, "calls"), ==, calls);
}

/* SIGTERM (or SIGINT) ends a live run cleanly with its summary, even when it comes while
 * a write is under way: the test holds a SHARE lock on the usage table until the run's
 * INSERT is seen waiting for it, signals, and only then lets the INSERT go on. The
 * summary then counts what is in the database, the interrupted write included.
 */
static void
test_live_signal (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tglive");
  g_autofree char *db_arg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { tollgatectl (), "simulate", NULL, "--live", "--rate", "40", "--json",
                         NULL };
  JsonObject *summary;
  GPid pid;
  int out_fd;
  int wait_status = 0;
  char buffer[4096];
  gssize n;
  GString *text = g_string_new (NULL);

  if (db == NULL)
    {
      g_string_free (text, TRUE);
      return;
    }

  db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, application_name);
  argv[2] = db_arg;
  if (!g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out_fd, NULL, &error))
    g_error ("Could not run tollgatectl: %s", error->message);

  /* Until it has written something (its signal handlers are in place by then); the
   * guard only turns a run that writes nothing into a failure.
   */
  for (guint i = 0; count_usage (db, "true") == 0; i++)
    {
      if (i == 6000)
        g_error ("The live run wrote nothing in a minute");
      g_usleep (G_USEC_PER_SEC / 100);
    }

  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE tollgate.api_usage_tracking IN SHARE MODE");
  tg_test_wait_for_lock_waits (db, application_name, 1);
  g_assert_cmpint (kill (pid, SIGTERM), ==, 0);
  tg_test_db_exec (db, "COMMIT");

  while ((n = read (out_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  close (out_fd);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  out = g_string_free (text, FALSE);

  g_assert_cmpint (exit_status (wait_status), ==, 0);
  parser = json_parser_new ();
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "mode"), ==, "live");
  g_assert_cmpint (json_object_get_int_member (summary, "rows"), ==, count_usage (db, "true"));
  g_assert_cmpint (json_object_get_int_member (summary, "calls"), ==,
                   tg_test_db_scalar_int (db, "SELECT sum(call_count)"
                                              " FROM tollgate.api_usage_tracking"));
}

typedef struct
{
  const char *name;
  const char *args[8];
  const char *message;
} UsageCase;

static const UsageCase usage_cases[] = {
  { "negative-days",   { "--history", "-3" }, "--history" },
  { "zero-days",       { "--history", "0" }, "--history" },
  { "not-a-number",    { "--history", "many" }, "many" },
  { "bad-date",        { "--history", "5", "--end", "2025-13-01" }, "2025-13-01" },
  { "bad-date-format", { "--history", "5", "--end", "31/03/2025" }, "YYYY-MM-DD" },
  { "unknown-option",  { "--history", "5", "--frobnicate" }, "frobnicate" },
  { "both-modes",      { "--history", "5", "--live" }, "--live" },
  { "no-mode",         { "--seed", "3" }, "--history" },
  { "bad-seed",        { "--history", "5", "--seed", "-1" }, "--seed" },
  { "rate-in-history", { "--history", "5", "--rate", "3" }, "--rate" },
  { "end-in-live",     { "--live", "--end", "2025-01-01" }, "--end" },
  { "negative-rate",   { "--live", "--rate", "-4" }, "--rate" },
  { "scale-and-rows",  { "--history", "5", "--scale", "2", "--rows-per-day", "10" }, "--scale" },
  { "zero-scale",      { "--history", "5", "--scale", "0" }, "--scale" },
  { "stray-argument",  { "--history", "5", "extra" }, "extra" },
  { "future",          { "--history", "5", "--end", "2199-01-01" }, "future" },
  /* Numbers GOption would take: each is refused before anything connects. */
  { "nan-rate",        { "--live", "--rate", "nan" }, "--rate takes a number above 0" },
  { "hex-rate",        { "--live", "--rate", "0x10" }, "--rate" },
  { "spaced-rate",     { "--live", "--rate", " 5" }, "--rate" },
  { "inf-duration",    { "--live", "--duration", "inf" }, "--duration" },
  { "nan-duration",    { "--live", "--duration", "nan" }, "--duration" },
  { "huge-duration",   { "--live", "--duration", "1e300" }, "--duration" },
  { "nan-rows",        { "--history", "5", "--rows-per-day", "nan" }, "--rows-per-day" },
  { "negative-rows",   { "--history", "5", "--rows-per-day", "-10" }, "--rows-per-day" },
  { "nan-scale",       { "--history", "5", "--scale", "nan" }, "--scale" },
  { "inf-scale",       { "--history", "5", "--scale", "inf" }, "--scale" },
  { "zero-jobs",       { "--history", "5", "--jobs", "0" }, "--jobs" },
  { "fraction-days",   { "--history", "1.5" }, "--history takes a whole number" },
  { "min-int-days",    { "--history", "-2147483648" }, "--history takes a whole number" },
  /* Dates outside the supported ones, and a history that would begin before them. */
  { "year-9999",       { "--history", "5", "--end", "9999-12-31" }, "1970-01-01 to 2199-12-31" },
  { "year-1969",       { "--history", "5", "--end", "1969-12-31" }, "1970-01-01 to 2199-12-31" },
  { "before-1970",     { "--history", "30", "--end", "1970-01-10" }, "1970-01-01 to 2199-12-31" },
};

static void
test_usage_error (gconstpointer data)
{
  const UsageCase *c = data;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer)tollgatectl ());
  g_ptr_array_add (argv, "simulate");
  /* Usage is checked before connecting: this database need not exist. */
  g_ptr_array_add (argv, "--db=dbname=tollgate_no_such_database");
  for (guint i = 0; c->args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)c->args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &wait_status, &error))
    g_error ("Could not run tollgatectl: %s", error->message);

  g_test_message ("stderr: %s", err);
  g_assert_cmpint (exit_status (wait_status), ==, 2);
  g_assert_nonnull (strstr (err, c->message));
  g_assert_cmpstr (out, ==, "");
}

static void
test_failures (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_auto(CtlResult) missing = { 0 };
  g_auto(CtlResult) bare = { 0 };
  g_autofree char *db_arg = NULL;

  if (db == NULL)
    return;

  /* No such database: a failure, with libpq's reason. */
  run_ctl (&missing, "simulate", "--db=dbname=tollgate_no_such_database", "--history", "1", NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "tollgate_no_such_database"));

  /* A database without the schema: says to migrate. */
  db_arg = db_option (db);
  run_ctl (&bare, "simulate", db_arg, "--history", "1", NULL);
  g_assert_cmpint (bare.status, ==, 1);
  g_assert_nonnull (strstr (bare.err, "tollgatectl migrate"));
}

/* A COPY the server refuses: exit 1 with the server's own message. */
static void
test_copy_failure (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_auto(CtlResult) result = { 0 };
  g_autofree char *db_arg = NULL;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "ALTER TABLE tollgate.api_usage_tracking"
                       " ADD CONSTRAINT test_no_openai CHECK (api_provider <> 'openai')");
  db_arg = db_option (db);
  run_ctl (&result, "simulate", db_arg, "--history", "3", "--end", "2025-01-10",
           "--rows-per-day", "500", "--seed", "1", NULL);
  g_test_message ("stderr: %s", result.err);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_nonnull (strstr (result.err, "test_no_openai"));
}

/* The days @list names ("2025-01-27..2025-01-31, 2025-02-02"), one "YYYY-MM-DD" each. */
static GPtrArray *
expand_days (const char *list)
{
  g_autoptr(GPtrArray) days = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) items = g_strsplit (list, ", ", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "..", 2);
      GDate first, last;

      g_date_clear (&first, 1);
      g_date_clear (&last, 1);
      g_date_set_parse (&first, ends[0]);
      g_date_set_parse (&last, ends[1] != NULL ? ends[1] : ends[0]);
      g_assert_true (g_date_valid (&first) && g_date_valid (&last));
      for (; g_date_compare (&first, &last) <= 0; g_date_add_days (&first, 1))
        g_ptr_array_add (days, g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&first),
                                                g_date_get_month (&first),
                                                g_date_get_day (&first)));
    }

  return g_steal_pointer (&days);
}

/* The days a failed run's message puts on the line that ends with @suffix, joined by
 * commas; "" when no line does.
 */
static char *
days_said (const char *message,
           const char *suffix)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strstr (lines[i], ": ");
      g_autofree char *list = NULL;
      g_autoptr(GPtrArray) days = NULL;

      if (colon == NULL || !g_str_has_suffix (lines[i], suffix))
        continue;
      list = g_strndup (lines[i], colon - lines[i]);
      days = expand_days (list);
      g_ptr_array_add (days, NULL);
      return g_strjoinv (",", (char **)days->pdata);
    }

  return g_strdup ("");
}

/* The usage rows of each UTC day, "2025-01-27:1219,…"; with @days, of those days only. */
static char *
rows_per_day_of (TgTestDb   *db,
                 const char *days)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[] = { days };

  result = tg_db_query (db->conn,
    "SELECT coalesce (string_agg (d || ':' || n, ',' ORDER BY d), '') FROM ("
    "  SELECT to_char (created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, count(*) AS n"
    "  FROM tollgate.api_usage_tracking GROUP BY 1) s"
    " WHERE $1::text IS NULL OR d = ANY (string_to_array ($1, ','))",
    1, params, &error);
  g_assert_no_error (error);
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* How many items a comma-separated list has. */
static guint
count_items (const char *list)
{
  g_auto(GStrv) items = g_strsplit (list, ",", -1);

  return *list != '\0' ? g_strv_length (items) : 0;
}

/* Reruns @db's run with @jobs connections; returns its JSON summary. */
static JsonObject *
simulate_json (TgTestDb   *db,
               const char *seed,
               const char *days,
               const char *end,
               const char *rows_per_day,
               const char *jobs)
{
  g_auto(CtlResult) result = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db_arg = db_option (db);

  run_ctl (&result, "simulate", db_arg, "--history", days, "--end", end, "--seed", seed,
           "--rows-per-day", rows_per_day, "--jobs", jobs, "--json", NULL);
  if (result.status != 0)
    g_error ("simulate failed (%d): %s", result.status, result.err);

  json_parser_load_from_data (parser, result.out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* How test_resume() stops a run while both its connections wait with a COPY. */
typedef enum
{
  STOP_TERMINATE,   /* one connection's backend is terminated: the connection dies */
  STOP_SIGINT,      /* Ctrl+C */
} StopHow;

/* A run that stops halfway keeps the days it committed — those its other connection
 * finished after one died, or those under way at Ctrl+C — says which days are in and which
 * are not, and the rerun it prints writes exactly the rest: the same rows as a run that
 * never stopped, over another number of connections. The interleaving is forced: the test
 * holds a SHARE lock on the February partition, so both connections finish every January
 * day and then wait with a February day's COPY; it stops the run while they wait, then
 * lets them go on.
 */
static void
test_resume (gconstpointer data)
{
  StopHow how = GPOINTER_TO_INT (data);
  g_autoptr(TgTestDb) clean = tg_test_db_new (TRUE);
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgresume");
  g_autofree char *db_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *present = NULL;
  g_autofree char *absent = NULL;
  g_autofree char *written = NULL;
  g_autofree char *not_written = NULL;
  g_autofree char *kept_rows = NULL;
  g_autofree char *clean_rows = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *clean_digest = NULL;

  if (clean == NULL)
    return;
  db = tg_test_db_new (TRUE);

  simulate (clean, "13", "10", "2025-02-05", "1000", "1");
  clean_digest = content_digest (clean);

  /* The partitions first: making one takes locks the held one would block. */
  tg_test_db_exec (db, "SELECT tollgate.ensure_usage_partitions (date '2025-01-27', "
                       "                                         date '2025-02-06')");
  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE tollgate.api_usage_tracking_y2025m02 IN SHARE MODE");

  db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, application_name);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, tollgatectl (), "simulate", db_arg, "--history", "10",
                              "--end", "2025-02-05", "--seed", "13", "--rows-per-day", "1000",
                              "--jobs", "2", NULL);
  g_assert_no_error (error);

  tg_test_wait_for_lock_waits (db, application_name, 2);
  if (how == STOP_TERMINATE)
    {
      g_autofree char *terminate = NULL;
      g_autofree char *terminated = NULL;

      /* pg_terminate_backend() with a timeout returns once the backend is gone. */
      terminate = g_strdup_printf ("SELECT pg_terminate_backend (pid, 60000)"
                                   " FROM pg_stat_activity"
                                   " WHERE application_name = '%s' AND wait_event_type = 'Lock'"
                                   " AND wait_event <> 'extend'"
                                   " ORDER BY pid LIMIT 1", application_name);
      terminated = tg_test_db_scalar (db, terminate);
      g_assert_cmpstr (terminated, ==, "t");
    }
  else
    g_subprocess_send_signal (process, SIGINT);
  tg_test_db_exec (db, "COMMIT");

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_cmpstr (out, ==, "");
  if (how == STOP_SIGINT)
    g_assert_nonnull (strstr (err, "Interrupted"));

  /* Every day it says is written is there whole; every day it says is not, is not. The
   * January days were all in before the stop; the terminated connection's day is not.
   */
  present = tg_test_db_scalar (db,
    "SELECT coalesce (string_agg (DISTINCT to_char (created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
    "                             ',' ORDER BY to_char (created_at AT TIME ZONE 'UTC',"
    "                                                   'YYYY-MM-DD')), '')"
    " FROM tollgate.api_usage_tracking");
  absent = tg_test_db_scalar (db,
    "SELECT coalesce (string_agg (to_char (d, 'YYYY-MM-DD'), ',' ORDER BY d), '')"
    " FROM generate_series (date '2025-01-27', date '2025-02-05', interval '1 day') d"
    " WHERE NOT EXISTS (SELECT FROM tollgate.api_usage_tracking u"
    "                   WHERE (u.created_at AT TIME ZONE 'UTC')::date = d)");
  written = days_said (err, "kept.");
  not_written = days_said (err, "not written.");
  g_assert_cmpstr (written, ==, present);
  g_assert_cmpstr (not_written, ==, absent);
  g_assert_true (g_str_has_prefix (present, "2025-01-27,2025-01-28,2025-01-29,2025-01-30,"
                                            "2025-01-31,2025-02-0"));
  if (how == STOP_TERMINATE)
    g_assert_cmpstr (absent, !=, "");
  kept_rows = rows_per_day_of (db, NULL);
  clean_rows = rows_per_day_of (clean, present);
  g_assert_cmpstr (kept_rows, ==, clean_rows);
  g_assert_nonnull (strstr (err, "tollgatectl simulate --history 10 --end 2025-02-05 --seed 13"
                                 " --rows-per-day 1000"));

  /* The rerun it asks for, over another number of connections, finishes the run. */
  again = simulate_json (db, "13", "10", "2025-02-05", "1000", "3");
  g_assert_cmpint (json_object_get_int_member (again, "skipped_days"), ==, count_items (present));
  digest = content_digest (db);
  g_assert_cmpstr (digest, ==, clean_digest);
  g_assert_cmpint (count_usage (db, "true"), ==, count_usage (clean, "true"));
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(DISTINCT day)"
                                              " FROM tollgate.simulate_progress"), ==, 10);

  /* Once more: nothing is missing, nothing is written. */
  g_clear_pointer (&again, json_object_unref);
  again = simulate_json (db, "13", "10", "2025-02-05", "1000", "1");
  g_assert_cmpint (json_object_get_int_member (again, "skipped_days"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (again, "rows"), ==, 0);
  g_clear_pointer (&digest, g_free);
  digest = content_digest (db);
  g_assert_cmpstr (digest, ==, clean_digest);
}

/* Two runs of the same options at once write each day once: the test holds a SHARE lock
 * on the usage table until both have their first day's COPY waiting on it, so both copy
 * the same day; the second to record it waits for the first's commit, finds the day
 * taken and rolls its copy back. Between them they write what one run would.
 */
static void
test_concurrent_runs (void)
{
  g_autoptr(TgTestDb) clean = tg_test_db_new (TRUE);
  g_autoptr(TgTestDb) db = NULL;
  char *names[2] = { NULL, NULL };
  GSubprocess *processes[2] = { NULL, NULL };
  g_autofree char *digest = NULL;
  g_autofree char *clean_digest = NULL;
  gint64 rows = 0;
  gint64 skipped = 0;

  if (clean == NULL)
    return;
  db = tg_test_db_new (TRUE);

  simulate (clean, "19", "6", "2025-03-06", "1000", "1");
  clean_digest = content_digest (clean);

  tg_test_db_exec (db, "SELECT tollgate.ensure_usage_partitions (date '2025-03-01', "
                       "                                         date '2025-03-07')");
  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE tollgate.api_usage_tracking IN SHARE MODE");

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *db_arg = NULL;

      names[i] = tg_test_unique_name ("tgtwice");
      db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, names[i]);
      processes[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                       &error, tollgatectl (), "simulate", db_arg,
                                       "--history", "6", "--end", "2025-03-06", "--seed", "19",
                                       "--rows-per-day", "1000", "--jobs", "1", "--json", NULL);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    tg_test_wait_for_lock_waits (db, names[i], 1);
  tg_test_db_exec (db, "COMMIT");

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      JsonObject *summary;

      g_subprocess_communicate_utf8 (processes[i], NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_successful (processes[i]))
        g_error ("simulate failed: %s", err);

      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      summary = json_node_get_object (json_parser_get_root (parser));
      /* Checked after the rows themselves, which say more when this goes wrong. */
      g_test_message ("run %u: %" G_GINT64_FORMAT " rows, %" G_GINT64_FORMAT " days skipped", i,
                      json_object_get_int_member_with_default (summary, "rows", -1),
                      json_object_get_int_member_with_default (summary, "skipped_days", -1));
      rows += json_object_get_int_member_with_default (summary, "rows", -1);
      skipped += json_object_get_int_member_with_default (summary, "skipped_days", -1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_clear_object (&processes[i]);
      g_clear_pointer (&names[i], g_free);
    }

  digest = content_digest (db);
  g_assert_cmpstr (digest, ==, clean_digest);
  g_assert_cmpint (rows, ==, count_usage (clean, "true"));
  g_assert_cmpint (skipped, ==, 6);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.simulate_progress"),
                   ==, 6);
}

/* History stops at the current time: the last day of a range that ends today is written up
 * to the moment the run starts, and a rerun writes the rest of it up to its own start —
 * not again what is there.
 */
static void
test_resume_today (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(TgTrafficModel) model = NULL;
  g_autoptr(TgTrafficDay) day = NULL;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *pieces_sql = NULL;
  g_autofree char *until_sql = NULL;
  g_autofree char *rows_sql = NULL;
  gint64 today_number;
  gint64 until;
  gint64 expected = 0;
  TgTrafficRow row;

  if (db == NULL)
    return;

  simulate (db, "17", "2", today, "2000", "1");
  simulate (db, "17", "2", today, "2000", "2");

  /* Each run wrote a piece of today, the second from where the first stopped. */
  pieces_sql = g_strdup_printf ("SELECT count(*) FROM tollgate.simulate_progress"
                                " WHERE day = date '%s'", today);
  g_assert_cmpint (tg_test_db_scalar_int (db, pieces_sql), ==, 2);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) FROM (SELECT written_from,"
    "                             lag (written_until) OVER (PARTITION BY day"
    "                                                       ORDER BY written_from) AS prev"
    "                      FROM tollgate.simulate_progress) s"
    " WHERE prev IS NOT NULL AND prev <> written_from"), ==, 0);

  /* Today holds exactly the model's rows before the second run started, each once. */
  until_sql = g_strdup_printf ("SELECT (extract (epoch FROM max (written_until)) * 1000000)::bigint"
                               " FROM tollgate.simulate_progress WHERE day = date '%s'", today);
  until = tg_test_db_scalar_int (db, until_sql);
  today_number = g_date_time_to_unix (now) / 86400;
  model = tg_traffic_model_new (17, 2000);
  tg_traffic_model_set_range (model, today_number - 1, 2);
  day = tg_traffic_model_generate_day (model, today_number);
  for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
    {
      tg_traffic_day_get_row (day, i, &row);
      expected += row.created_at < until;
    }
  rows_sql = g_strdup_printf ("SELECT count(*) FROM tollgate.api_usage_tracking"
                              " WHERE created_at >= date '%s'::timestamp AT TIME ZONE 'UTC'",
                              today);
  g_assert_cmpint (tg_test_db_scalar_int (db, rows_sql), ==, expected);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count(*) - count(DISTINCT (user_id, api_provider, api_endpoint, request_type,"
    "                                  call_count, credit_cost, response_time, request_data,"
    "                                  response_status, response_data, created_at, ip_address,"
    "                                  user_agent, feature, region))"
    " FROM tollgate.api_usage_tracking"), ==, 0);
}

/* A LOGIN role, in @in_role when given, unique in the cluster (roles are cluster-wide). */
static char *
create_role (TgTestDb   *db,
             const char *prefix,
             const char *in_role)
{
  g_autofree char *name = tg_test_unique_name (prefix);
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("CREATE ROLE %s LOGIN%s%s", name, in_role != NULL ? " IN ROLE " : "",
                         in_role != NULL ? in_role : "");
  tg_test_db_exec (db, sql);
  return g_steal_pointer (&name);
}

static void
drop_role (TgTestDb   *db,
           const char *name)
{
  g_autofree char *sql = g_strdup_printf ("DROP OWNED BY %s; DROP ROLE %s", name, name);

  tg_test_db_exec (db, sql);
}

static void
simulate_as (CtlResult  *result,
             TgTestDb   *db,
             const char *role)
{
  g_autofree char *conninfo = tg_test_db_conninfo_as (db, role);
  g_autofree char *db_arg = g_strdup_printf ("--db=%s", conninfo);

  run_ctl (result, "simulate", db_arg, "--history", "2", "--end", "2025-01-10", "--seed", "1",
           "--rows-per-day", "200", NULL);
  g_test_message ("simulate as %s: %d, stderr: %s", role, result->status, result->err);
}

static void
assert_says (const char *text,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
assert_says (const char *text,
             const char *format,
             ...)
{
  g_autofree char *expected = NULL;
  va_list args;

  va_start (args, format);
  expected = g_strdup_vprintf (format, args);
  va_end (args);

  if (strstr (text, expected) == NULL)
    g_error ("“%s” does not say “%s”", text, expected);
}

static void
assert_nothing_written (TgTestDb *db,
                        gint64    audit_rows)
{
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.users"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT (SELECT count(*) FROM tollgate.features)"
    " + (SELECT count(*) FROM tollgate.cost_centres)"
    " + (SELECT count(*) FROM tollgate.api_usage_tracking)"
    " + (SELECT count(*) FROM tollgate.simulate_progress)"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log"), ==,
                   audit_rows);
}

/* A Tollgate administrator who does not own the schema may write users and features but
 * not usage rows or partitions: the run is refused before it writes anything (users,
 * features, audit rows), naming each right missing and who holds it. A role granted
 * exactly the rights a refusal names runs it: the list is complete.
 */
static void
test_rights (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_auto(CtlResult) as_admin = { 0 };
  g_auto(CtlResult) as_finance = { 0 };
  g_auto(CtlResult) as_writer = { 0 };
  g_autofree char *owner = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *writer = NULL;
  g_autofree char *grants = NULL;
  g_autofree char *audited = NULL;
  gint64 audit_rows;

  if (db == NULL)
    return;

  owner = tg_test_db_scalar (db, "SELECT tableowner FROM pg_tables"
                                 " WHERE schemaname = 'tollgate'"
                                 "   AND tablename = 'api_usage_tracking'");
  admin = create_role (db, "tgsimadmin", "tollgate_admin");
  finance = create_role (db, "tgsimfinance", "tollgate_finance");
  audit_rows = tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log");

  /* Refused, and nothing written: no user, feature or cost centre, no audit row. */
  simulate_as (&as_admin, db, admin);
  g_assert_cmpint (as_admin.status, ==, 1);
  assert_nothing_written (db, audit_rows);
  assert_says (as_admin.err, "%s may not write simulated history, so nothing was written", admin);
  assert_says (as_admin.err, "INSERT on tollgate.api_usage_tracking, held by its owner %s", owner);
  assert_says (as_admin.err, "EXECUTE on tollgate.ensure_usage_partitions(), held by its owner %s",
               owner);
  assert_says (as_admin.err, "INSERT on tollgate.simulate_progress, held by its owner %s", owner);
  g_assert_null (strstr (as_admin.err, "tollgate.users"));

  simulate_as (&as_finance, db, finance);
  g_assert_cmpint (as_finance.status, ==, 1);
  assert_nothing_written (db, audit_rows);
  assert_says (as_finance.err, "INSERT on tollgate.users, held by tollgate_admin and its owner %s",
               owner);
  g_assert_null (strstr (as_finance.err, "tollgate.cost_centres"));

  /* Those rights, and reading the schema version, which every command does first. */
  writer = create_role (db, "tgsimwriter", NULL);
  grants = g_strdup_printf (
    "GRANT USAGE ON SCHEMA tollgate TO %s;"
    "GRANT SELECT ON tollgate.schema_migrations TO %s;"
    "GRANT INSERT ON tollgate.api_usage_tracking, tollgate.cost_centres, tollgate.features,"
    "  tollgate.users, tollgate.simulate_progress TO %s;"
    "GRANT SELECT ON tollgate.simulate_progress TO %s;"
    "GRANT EXECUTE ON FUNCTION tollgate.ensure_usage_partitions (timestamptz, timestamptz) TO %s",
    writer, writer, writer, writer, writer);
  tg_test_db_exec (db, grants);

  simulate_as (&as_writer, db, writer);
  g_assert_cmpint (as_writer.status, ==, 0);
  g_assert_cmpint (count_usage (db, "true"), >, 0);
  audited = g_strdup_printf ("SELECT count(*) FROM tollgate.audit_log"
                             " WHERE table_name = 'users' AND acting_role = '%s'", writer);
  g_assert_cmpint (tg_test_db_scalar_int (db, audited), >=, 1000);

  drop_role (db, writer);
  drop_role (db, finance);
  drop_role (db, admin);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/simulate/determinism", test_determinism);
  g_test_add_func ("/tollgate/db/simulate/shape/coverage", test_shape_coverage);
  g_test_add_func ("/tollgate/db/simulate/shape/rows", test_shape_rows);
  g_test_add_func ("/tollgate/db/simulate/shape/population", test_shape_population);
  g_test_add_func ("/tollgate/db/simulate/shape/local-time", test_shape_local_time);
  g_test_add_func ("/tollgate/db/simulate/shape/outage", test_shape_outage);
  g_test_add_func ("/tollgate/db/simulate/shape/spike", test_shape_spike);
  g_test_add_func ("/tollgate/db/simulate/live", test_live);
  g_test_add_func ("/tollgate/db/simulate/live-signal", test_live_signal);
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/simulate/usage/%s",
                                               usage_cases[i].name);

      g_test_add_data_func (path, &usage_cases[i], test_usage_error);
    }
  g_test_add_func ("/tollgate/db/simulate/failures", test_failures);
  g_test_add_func ("/tollgate/db/simulate/copy-failure", test_copy_failure);
  g_test_add_data_func ("/tollgate/db/simulate/resume/terminated",
                        GINT_TO_POINTER (STOP_TERMINATE), test_resume);
  g_test_add_data_func ("/tollgate/db/simulate/resume/interrupted",
                        GINT_TO_POINTER (STOP_SIGINT), test_resume);
  g_test_add_func ("/tollgate/db/simulate/resume-today", test_resume_today);
  g_test_add_func ("/tollgate/db/simulate/concurrent-runs", test_concurrent_runs);
  g_test_add_func ("/tollgate/db/simulate/rights", test_rights);

  status = g_test_run ();
  g_clear_pointer (&shape_db, tg_test_db_free);
  return status;
}
