/* test-anomalies.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The usage-anomaly alert sources of 0019_usage_anomalies.sql on a real database:
 * tollgate.anomaly_alert_candidates() replayed quarter hour by quarter hour over days of
 * the simulator's ordinary traffic (its one runaway user flagged, once, and nobody else),
 * and over synthetic traffic whose every case is placed by hand: a user running at twenty
 * times their rate, new users working normally and hammering, addresses and user agents
 * new to a user (once, whatever follows; guards; IPv6 privacy addresses; a browser's
 * update), provider error and timeout spikes above and below the minimum-calls guard.
 * Then the state: refreshers racing each other and the rollup refresher count every row
 * once, a session holding the state's lock makes nobody wait, the tail reads what the
 * state lacks, the rebuild makes everything history; rights and refusals.
 *
 * Times are placed relative to the last quarter hour before the test began (E), since the
 * state keeps a week of quarters and 30 days of hours counted back from now.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-test-ctl.h"
#include "tg-test-db.h"
#include "tg-traffic-model.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* One candidate, as the function returned it. */
typedef struct
{
  char       *at;            /* the p_now it was asked for, as text */
  char       *kind;
  char       *scope;
  char       *subject;
  char       *period_start;  /* UTC, ISO 8601 */
  char       *level;
  char       *threshold;
  char       *message;
  JsonObject *figures;
} Candidate;

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->at);
  g_free (candidate->kind);
  g_free (candidate->scope);
  g_free (candidate->subject);
  g_free (candidate->period_start);
  g_free (candidate->level);
  g_free (candidate->threshold);
  g_free (candidate->message);
  g_clear_pointer (&candidate->figures, json_object_unref);
  g_free (candidate);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Candidate, candidate_free)

/* The candidates at every moment of @moments_sql (a query of one timestamptz column t),
 * in one statement on @conn, ordered by moment, kind, scope and subject.
 */
static GPtrArray *
candidates_over (PGconn     *conn,
                 const char *moments_sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *sql = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)candidate_free);

  sql = g_strdup_printf (
    "SELECT m.t::text, c.kind, c.scope, c.subject, "
    "       to_char (c.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS'), "
    "       c.level::text, c.threshold, c.message, c.figures::text, "
    "       c.period_start = '-infinity', c.period_end = 'infinity' "
    "FROM (%s) AS m (t) "
    "CROSS JOIN LATERAL tollgate.anomaly_alert_candidates (m.t) AS c "
    "ORDER BY m.t, c.kind, c.scope, c.subject", moments_sql);
  result = tg_db_query (conn, sql, 0, NULL, &error);
  if (error != NULL)
    g_error ("%s\nwhile running: %s", error->message, sql);

  for (int i = 0; i < PQntuples (result); i++)
    {
      Candidate *candidate = g_new0 (Candidate, 1);
      g_autoptr(JsonParser) parser = json_parser_new ();

      candidate->at = g_strdup (PQgetvalue (result, i, 0));
      candidate->kind = g_strdup (PQgetvalue (result, i, 1));
      candidate->scope = g_strdup (PQgetvalue (result, i, 2));
      candidate->subject = g_strdup (PQgetvalue (result, i, 3));
      candidate->period_start = g_str_equal (PQgetvalue (result, i, 9), "t")
                                ? g_strdup ("-infinity") : g_strdup (PQgetvalue (result, i, 4));
      candidate->level = g_strdup (PQgetvalue (result, i, 5));
      candidate->threshold = g_strdup (PQgetvalue (result, i, 6));
      candidate->message = g_strdup (PQgetvalue (result, i, 7));
      json_parser_load_from_data (parser, PQgetvalue (result, i, 8), -1, &error);
      g_assert_no_error (error);
      candidate->figures = json_object_ref (json_node_get_object (json_parser_get_root (parser)));

      /* What every candidate of these kinds has. */
      g_assert_cmpstr (candidate->level, ==, "100");
      g_assert_cmpstr (candidate->threshold, ==, "");
      g_assert_cmpstr (PQgetvalue (result, i, 10), ==, "t");
      g_assert_cmpuint (strlen (candidate->message), >, 20);

      g_ptr_array_add (list, candidate);
    }

  return list;
}

static GPtrArray *
candidates_at (PGconn     *conn,
               const char *moment_sql)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s", moment_sql);

  return candidates_over (conn, sql);
}

static guint
count_matching (GPtrArray  *list,
                const char *kind,
                const char *scope)
{
  guint n = 0;

  for (guint i = 0; i < list->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (list, i);

      if ((kind == NULL || g_str_equal (candidate->kind, kind))
          && (scope == NULL || g_str_equal (candidate->scope, scope)))
        n++;
    }
  return n;
}

static Candidate *
find_candidate (GPtrArray  *list,
                const char *kind,
                const char *scope)
{
  for (guint i = 0; i < list->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (list, i);

      if (g_str_equal (candidate->kind, kind) && g_str_equal (candidate->scope, scope))
        return candidate;
    }
  return NULL;
}

/* Brings the rollups and the anomaly state up to every row. */
static void
refresh_all (PGconn *conn)
{
  for (;;)
    {
      g_autofree char *added = tg_test_conn_scalar (conn,
        "SELECT rows_added FROM tollgate.refresh_rollups ()");

      if (g_str_equal (added, "0"))
        break;
    }
  for (;;)
    {
      g_autofree char *behind = NULL;

      g_free (tg_test_conn_scalar (conn, "SELECT tollgate.anomaly_state_refresh (1000000)"));
      behind = tg_test_conn_scalar (conn,
        "SELECT (SELECT last_id FROM tollgate.anomaly_state) "
        "       < (SELECT last_id FROM tollgate.rollup_state)");
      if (g_str_equal (behind, "f"))
        break;
    }
}

static gint64
figure_int (Candidate  *candidate,
            const char *name)
{
  g_assert_true (json_object_has_member (candidate->figures, name));
  return json_object_get_int_member (candidate->figures, name);
}

static double
figure_double (Candidate  *candidate,
               const char *name)
{
  g_assert_true (json_object_has_member (candidate->figures, name));
  return json_object_get_double_member (candidate->figures, name);
}

/* ---- the simulator's ordinary traffic ------------------------------------------------- */

#define MODEL_DAYS         10
#define MODEL_ROWS_PER_DAY "30000"
#define MODEL_REPLAY_DAYS  4

static TgTestDb *model_db;
static TgTrafficSpike model_spike;
static char *model_spike_scope;

/* Ten days of `tollgatectl simulate` ending now, with a seed whose runaway user (the
 * model places one in every range) ran between three days and three hours ago, so that
 * the replay sees it whole. Which seed that is depends on today's date; the traffic's
 * shape and the assertions do not.
 */
static TgTestDb *
get_model_db (void)
{
  gint64 now = g_get_real_time ();
  gint64 today = now / TG_TRAFFIC_USEC_PER_DAY;
  guint64 seed = 0;
  g_autofree char *end = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *db_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int year, month, day;
  int status;

  if (model_db != NULL)
    return model_db;

  for (guint64 s = 1; s < 1000 && seed == 0; s++)
    {
      g_autoptr(TgTrafficModel) model = NULL;
      TgTrafficSpike spike;

      model = tg_traffic_model_new (s, g_ascii_strtod (MODEL_ROWS_PER_DAY, NULL));
      tg_traffic_model_set_range (model, today - MODEL_DAYS + 1, MODEL_DAYS);
      if (tg_traffic_model_get_spike (model, &spike)
          && spike.start > now - (MODEL_REPLAY_DAYS - 1) * TG_TRAFFIC_USEC_PER_DAY
          && spike.end < now - 3 * TG_TRAFFIC_USEC_PER_HOUR)
        {
          seed = s;
          model_spike = spike;
        }
    }
  g_assert_cmpuint (seed, !=, 0);
  model_spike_scope = g_strdup_printf ("user:%" G_GINT64_FORMAT, model_spike.user_id);

  model_db = tg_test_db_new (TRUE);
  if (model_db == NULL)
    return NULL;

  tg_traffic_day_to_date (today, &year, &month, &day);
  end = g_strdup_printf ("%04d-%02d-%02d", year, month, day);
  seed_text = g_strdup_printf ("%" G_GUINT64_FORMAT, seed);
  db_arg = g_strdup_printf ("--db=%s", model_db->conninfo);
  status = tg_test_ctl_finish (tg_test_ctl_start ("simulate", "--history", G_STRINGIFY (MODEL_DAYS),
                                                  "--end", end, "--seed", seed_text,
                                                  "--rows-per-day", MODEL_ROWS_PER_DAY,
                                                  "--json", db_arg, NULL),
                               &out, &err);
  if (status != 0)
    g_error ("tollgatectl simulate failed (%d): %s", status, err);
  g_test_message ("simulated %s: seed %s, runaway user %" G_GINT64_FORMAT,
                  g_strstrip (out), seed_text, model_spike.user_id);

  refresh_all (model_db->conn);

  /* The population of each replayed day, as the refresher caches it on that day: the
   * replay then computes it once a day rather than at every moment. */
  tg_test_db_exec (model_db,
    "INSERT INTO tollgate.anomaly_population "
    "SELECT d, p.users, p.typical, p.busy, p.spread, now () "
    "FROM generate_series ((now () AT TIME ZONE 'UTC')::date - " G_STRINGIFY (MODEL_REPLAY_DAYS) " - 1, "
    "                      (now () AT TIME ZONE 'UTC')::date, interval '1 day') AS d, "
    "     tollgate.anomaly_population_at (d::date) AS p "
    "WHERE p.users > 0 "
    "ON CONFLICT (day) DO NOTHING");

  return model_db;
}

static char *
spike_time_sql (gint64 usec)
{
  return g_strdup_printf ("to_timestamp (%" G_GINT64_FORMAT " / 1e6)", usec);
}

/* Every quarter hour of the last days of ordinary traffic: the simulator's users do what
 * they always do — people at their hours, light and heavy users, CRM batch imports of up
 * to 100 calls in one request, browsers and apps side by side, IPv6 privacy addresses —
 * and the only user ever flagged is its runaway, and the only new address and agent are
 * the runaway script's. Bound asserted: no other user at any of the 384 moments.
 */
static void
test_ordinary_traffic (void)
{
  TgTestDb *db = get_model_db ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) flagged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint expected_flagged;
  guint users_judged;

  if (db == NULL)
    return;

  list = candidates_over (db->conn,
    "SELECT generate_series (date_bin ('15 minutes', now (), '2000-01-01') "
    "                          - interval '" G_STRINGIFY (MODEL_REPLAY_DAYS) " days' + interval '15 minutes', "
    "                        date_bin ('15 minutes', now (), '2000-01-01'), interval '15 minutes')");

  for (guint i = 0; i < list->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (list, i);

      if (g_str_equal (candidate->kind, "user_frequency")
          || g_str_equal (candidate->kind, "new_ip")
          || g_str_equal (candidate->kind, "new_user_agent"))
        g_hash_table_add (flagged, g_strdup_printf ("%s %s", candidate->kind, candidate->scope));
    }

  /* The runaway: its frequency, and (when the user had been seen a day before) its
   * script's address and agent. */
  {
    g_autofree char *frequency = g_strdup_printf ("user_frequency %s", model_spike_scope);
    g_autofree char *address = g_strdup_printf ("new_ip %s", model_spike_scope);
    g_autofree char *agent = g_strdup_printf ("new_user_agent %s", model_spike_scope);
    g_autofree char *sql = g_strdup_printf (
      "SELECT min (created_at) < to_timestamp (%" G_GINT64_FORMAT " / 1e6) - interval '1 day' "
      "FROM tollgate.api_usage_tracking WHERE user_id = %" G_GINT64_FORMAT,
      model_spike.start, model_spike.user_id);
    g_autofree char *established = tg_test_db_scalar (db, sql);

    g_assert_true (g_hash_table_contains (flagged, frequency));
    g_assert_cmpint (g_hash_table_contains (flagged, address), ==, g_str_equal (established, "t"));
    g_assert_cmpint (g_hash_table_contains (flagged, agent), ==, g_str_equal (established, "t"));
    expected_flagged = g_str_equal (established, "t") ? 3 : 1;
  }
  if (g_hash_table_size (flagged) != expected_flagged)
    {
      GHashTableIter iter;
      const char *key;

      g_hash_table_iter_init (&iter, flagged);
      while (g_hash_table_iter_next (&iter, (gpointer *)&key, NULL))
        g_test_message ("flagged: %s", key);
    }
  g_assert_cmpuint (g_hash_table_size (flagged), ==, expected_flagged);

  /* The rules did have work: heavy users passed the minimums every day. */
  users_judged = tg_test_db_scalar_int (db,
    "SELECT count (DISTINCT (bucket_start, user_id)) FROM ("
    "  SELECT bucket_start, user_id, sum (calls) OVER w AS calls, sum (requests) OVER w AS requests "
    "  FROM tollgate.anomaly_user_quarter "
    "  WINDOW w AS (PARTITION BY user_id ORDER BY bucket_start "
    "               RANGE BETWEEN interval '45 minutes' PRECEDING AND CURRENT ROW)) AS x "
    "WHERE calls >= 100 AND requests >= 10");
  g_test_message ("%u user-windows passed the minimums", users_judged);
  g_assert_cmpuint (users_judged, >, 20);
}

/* The simulator's runaway user: flagged at the end of the quarter it began in, with the
 * window's calls as the rows hold them, as one episode (one period_start, its first
 * quarter) however long it lasts, and no longer an hour after it is over.
 */
static void
test_model_runaway (void)
{
  TgTestDb *db = get_model_db ();
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *first_quarter = NULL;
  g_autofree char *raw_calls = NULL;
  g_autofree char *calls_text = NULL;
  g_autofree char *made = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) after = NULL;
  Candidate *candidate;
  guint n_flagged = 0;

  if (db == NULL)
    return;

  start = spike_time_sql (model_spike.start);
  end = spike_time_sql (model_spike.end);

  sql = g_strdup_printf ("SELECT to_char (date_bin ('15 minutes', %s, '2000-01-01') AT TIME ZONE 'UTC', "
                         "                'YYYY-MM-DD\"T\"HH24:MI:SS')", start);
  first_quarter = tg_test_db_scalar (db, sql);

  /* Every quarter from the runaway's first to two hours after its last: one episode. */
  g_free (sql);
  sql = g_strdup_printf ("SELECT generate_series (date_bin ('15 minutes', %s, '2000-01-01'), "
                         "                        date_bin ('15 minutes', %s, '2000-01-01') + interval '2 hours', "
                         "                        interval '15 minutes')", start, end);
  list = candidates_over (db->conn, sql);
  for (guint i = 0; i < list->len; i++)
    {
      candidate = g_ptr_array_index (list, i);
      if (g_str_equal (candidate->kind, "user_frequency"))
        {
          g_assert_cmpstr (candidate->scope, ==, model_spike_scope);
          g_assert_cmpstr (candidate->subject, ==, "");
          g_assert_cmpstr (candidate->period_start, ==, first_quarter);
          n_flagged++;
        }
    }
  g_assert_cmpuint (n_flagged, >=, 3);

  /* At the end of its first quarter: flagged, the window's calls exactly the rows'. */
  g_free (sql);
  sql = g_strdup_printf ("date_bin ('15 minutes', %s, '2000-01-01') + interval '15 minutes'", start);
  first = candidates_at (db->conn, sql);
  candidate = find_candidate (first, "user_frequency", model_spike_scope);
  g_assert_nonnull (candidate);
  g_free (sql);
  sql = g_strdup_printf ("SELECT sum (call_count) FROM tollgate.api_usage_tracking "
                         "WHERE user_id = %" G_GINT64_FORMAT " "
                         "  AND created_at >= date_bin ('15 minutes', %s, '2000-01-01') - interval '45 minutes' "
                         "  AND created_at < date_bin ('15 minutes', %s, '2000-01-01') + interval '15 minutes'",
                         model_spike.user_id, start, start);
  raw_calls = tg_test_db_scalar (db, sql);
  g_assert_cmpint (figure_int (candidate, "calls"), ==, g_ascii_strtoll (raw_calls, NULL, 10));
  g_assert_cmpint (figure_int (candidate, "user_id"), ==, model_spike.user_id);
  g_assert_cmpfloat (figure_double (candidate, "ratio"), >=, 10.0);
  g_assert_cmpint (figure_int (candidate, "calls"), >=, figure_int (candidate, "threshold_calls"));
  calls_text = tg_format_count (g_ascii_strtoll (raw_calls, NULL, 10));
  made = g_strdup_printf (" made %s calls in the hour to ", calls_text);
  g_assert_nonnull (strstr (candidate->message, made));
  g_assert_true (g_str_has_prefix (candidate->message, "User "));

  /* An hour and a quarter after its last quarter: over, so no candidate (recovery). */
  g_free (sql);
  sql = g_strdup_printf ("date_bin ('15 minutes', %s, '2000-01-01') + interval '75 minutes'", end);
  after = candidates_at (db->conn, sql);
  g_assert_cmpuint (count_matching (after, "user_frequency", NULL), ==, 0);
}

/* ---- synthetic traffic, every case placed by hand ------------------------------------ */

/* The last quarter hour before the test began. */
#define E "(SELECT e FROM test_clock)"

/* Eight days of steady users 5001 … 5030 (10 + 2 (n − 5001) calls an hour, ± 25 %, every
 * hour, in requests of up to five calls, each from their own address — user 5004 from an
 * IPv6 privacy address that changes every day — and their own app), and four providers'
 * steady platform traffic (no user). Then, placed relative to E:
 *   - user 5010 (28 calls an hour) runs away: 560 more calls, one a request, in
 *     [E − 30 h, E − 29 h) — twenty times their rate;
 *   - user 6001 starts at E − 6 h and makes 150 calls an hour: a heavy user, new;
 *   - user 6002 starts at E − 2 h with a few calls, then makes 3,000 in [E − 1 h, E);
 *   - user 5002 makes 250 billable calls from 203.0.113.77, user 5003 20 from
 *     203.0.113.78, user 5005 300 with python-requests and user 5006 300 with the next
 *     version of their app, each spread over [E − 20 h, E − 2 h);
 *   - in [E − 5 h, E − 4 h): Geoscape (97 calls an hour, 1 % errors) 50 errors, Canada
 *     Post (28 calls an hour) 20 errors, SmartyStreets (100 calls an hour, a timeout
 *     every four hours) 30 timeouts, Postcodes.io (28 calls an hour) 20 timeouts.
 */
static const char synthetic_sql[] =
  "SELECT setseed (0.42); "
  "CREATE TABLE test_clock AS SELECT date_bin ('15 minutes', now (), '2000-01-01') AS e; "
  "GRANT SELECT ON test_clock TO PUBLIC; "
  "INSERT INTO tollgate.users (user_id, display_name) VALUES "
  "  (5010, 'Runaway Tester'), (6002, 'New Hammer'), (5002, 'Roaming Tester'); "
  "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
  "  call_count, response_status, response_time, created_at, ip_address, user_agent) "
  "SELECT u, 'here', '/v1/geocode', 'geocode', least (5, c.n - 5 * i), 200, 80, "
  "       h.t + (5 * i + 1) * interval '3600 seconds' / (c.n + 1), "
  "       CASE WHEN u = 5004 "
  "            THEN ('2001:db8:1:2:' || to_hex ((extract (epoch FROM h.t) / 86400)::integer) || ':1:2:3')::inet "
  "            ELSE ('198.51.100.' || (u - 5000))::inet END, "
  "       'TestApp/1.0 (user ' || u || ')' "
  "FROM generate_series (5001, 5030) AS u, "
  "     generate_series (" E " - interval '8 days', " E " - interval '1 hour', interval '1 hour') AS h (t), "
  "     LATERAL (SELECT greatest (1, round ((10 + 2 * (u - 5001)) * (0.75 + 0.5 * random ())))::integer AS n) AS c, "
  "     generate_series (0, (c.n - 1) / 5) AS i; "
  /* the runaway */
  "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
  "  call_count, response_status, response_time, created_at, ip_address, user_agent) "
  "SELECT 5010, 'here', '/v1/geocode', 'geocode', 1, 200, 80, "
  "       " E " - interval '30 hours' + i * interval '3600 seconds' / 560, "
  "       '198.51.100.10', 'TestApp/1.0 (user 5010)' "
  "FROM generate_series (0, 559) AS i; "
  /* the new users */
  "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
  "  call_count, response_status, response_time, created_at, ip_address, user_agent) "
  "SELECT 6001, 'here', '/v1/geocode', 'geocode', 1, 200, 80, "
  "       " E " - interval '6 hours' + i * interval '24 seconds', "
  "       '198.51.100.201'::inet, 'TestApp/1.0 (user 6001)' "
  "FROM generate_series (0, 899) AS i "
  "UNION ALL "
  "SELECT 6002, 'here', '/v1/geocode', 'geocode', 1, 200, 80, "
  "       " E " - interval '2 hours' + i * interval '1 minute', '198.51.100.202'::inet, 'TestApp/1.0 (user 6002)' "
  "FROM generate_series (0, 4) AS i "
  "UNION ALL "
  "SELECT 6002, 'here', '/v1/geocode', 'geocode', 10, 200, 80, "
  "       " E " - interval '1 hour' + i * interval '12 seconds', '198.51.100.202'::inet, 'TestApp/1.0 (user 6002)' "
  "FROM generate_series (0, 299) AS i; "
  /* sources new to established users */
  "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
  "  call_count, response_status, response_time, created_at, ip_address, user_agent) "
  "SELECT s.u, 'here', '/v1/geocode', 'geocode', 1, 200, 80, "
  "       " E " - interval '20 hours' + i * interval '18 hours' / s.n, s.ip::inet, s.agent "
  "FROM (VALUES (5002, 250, '203.0.113.77', 'TestApp/1.0 (user 5002)'), "
  "             (5003, 20, '203.0.113.78', 'TestApp/1.0 (user 5003)'), "
  "             (5005, 300, '198.51.100.5', 'python-requests/2.31.0'), "
  "             (5006, 300, '198.51.100.6', 'TestApp/1.1 (user 5006)')) AS s (u, n, ip, agent), "
  "     generate_series (0, s.n - 1) AS i; "
  /* the providers' steady traffic, and their spikes */
  "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
  "  call_count, response_status, response_time, created_at, user_agent) "
  "SELECT p.slug, '/v1/addresses', 'validate', p.calls, 200, 120, q, 'platform-api/3.8.2' "
  "FROM (VALUES ('geoscape', 24), ('canada_post', 7), ('smarty_streets', 25), ('postcodes_io', 7)) "
  "       AS p (slug, calls), "
  "     generate_series (" E " - interval '8 days', " E " - interval '15 minutes', interval '15 minutes') AS q "
  "UNION ALL "
  "SELECT 'geoscape', '/v1/addresses', 'validate', 1, 500, 120, q + interval '7 minutes', 'platform-api/3.8.2' "
  "FROM generate_series (" E " - interval '8 days', " E " - interval '1 hour', interval '1 hour') AS q "
  "UNION ALL "
  "SELECT 'smarty_streets', '/v1/addresses', 'validate', 1, 0, NULL, q + interval '9 minutes', 'platform-api/3.8.2' "
  "FROM generate_series (" E " - interval '8 days', " E " - interval '4 hours', interval '4 hours') AS q "
  "UNION ALL "
  "SELECT s.slug, '/v1/addresses', 'validate', 1, s.status, 120, "
  "       " E " - interval '5 hours' + i * interval '3600 seconds' / s.n, 'platform-api/3.8.2' "
  "FROM (VALUES ('geoscape', 50, 500), ('canada_post', 20, 503), ('smarty_streets', 30, 0), "
  "             ('postcodes_io', 20, 0)) AS s (slug, n, status), "
  "     generate_series (0, s.n - 1) AS i; ";

static TgTestDb *synthetic_db;

static TgTestDb *
get_synthetic_db (void)
{
  if (synthetic_db != NULL)
    return synthetic_db;

  synthetic_db = tg_test_db_new (TRUE);
  if (synthetic_db == NULL)
    return NULL;

  tg_test_db_exec (synthetic_db, synthetic_sql);
  refresh_all (synthetic_db->conn);
  return synthetic_db;
}

/* A user at twenty times their usual rate for an hour: flagged at the hour's end, with
 * the window's calls as the rows hold them, their usual hour and the ratio; the episode
 * starts at the runaway's first quarter; two hours later it is over. Nobody else's steady
 * traffic is ever flagged.
 */
static void
test_runaway (void)
{
  TgTestDb *db = get_synthetic_db ();
  g_autoptr(GPtrArray) at_end = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GPtrArray) replay = NULL;
  g_autofree char *raw_calls = NULL;
  g_autofree char *raw_requests = NULL;
  g_autofree char *expected_start = NULL;
  g_autofree char *calls_text = NULL;
  g_autofree char *prefix = NULL;
  Candidate *candidate;
  double usual;

  if (db == NULL)
    return;

  at_end = candidates_at (db->conn, E " - interval '29 hours'");
  candidate = find_candidate (at_end, "user_frequency", "user:5010");
  g_assert_nonnull (candidate);
  g_assert_cmpuint (count_matching (at_end, "user_frequency", NULL), ==, 1);

  raw_calls = tg_test_db_scalar (db,
    "SELECT sum (call_count) FROM tollgate.api_usage_tracking "
    "WHERE user_id = 5010 AND created_at >= " E " - interval '30 hours' "
    "  AND created_at < " E " - interval '29 hours'");
  raw_requests = tg_test_db_scalar (db,
    "SELECT count (*) FROM tollgate.api_usage_tracking "
    "WHERE user_id = 5010 AND created_at >= " E " - interval '30 hours' "
    "  AND created_at < " E " - interval '29 hours'");
  expected_start = tg_test_db_scalar (db,
    "SELECT to_char ((" E " - interval '30 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')");

  g_assert_cmpint (figure_int (candidate, "calls"), ==, g_ascii_strtoll (raw_calls, NULL, 10));
  g_assert_cmpint (figure_int (candidate, "requests"), ==, g_ascii_strtoll (raw_requests, NULL, 10));
  g_assert_cmpstr (candidate->period_start, ==, expected_start);
  /* Their usual hour is their 28 calls (± 25 % a day), the ratio about twenty-one. */
  usual = figure_double (candidate, "usual_calls");
  g_assert_cmpfloat (usual, >=, 21.0);
  g_assert_cmpfloat (usual, <=, 35.0);
  g_assert_cmpfloat (figure_double (candidate, "ratio"), >=, 15.0);
  g_assert_cmpfloat (figure_double (candidate, "ratio"), <=, 30.0);
  g_assert_cmpint (figure_int (candidate, "history_hours"), >=, 100);
  calls_text = tg_format_count (g_ascii_strtoll (raw_calls, NULL, 10));
  prefix = g_strdup_printf ("User 5010 (Runaway Tester) made %s calls in the hour to ", calls_text);
  g_assert_true (g_str_has_prefix (candidate->message, prefix));
  g_assert_nonnull (strstr (candidate->message, "× their usual "));

  later = candidates_at (db->conn, E " - interval '27 hours'");
  g_assert_cmpuint (count_matching (later, "user_frequency", NULL), ==, 0);

  /* Every quarter of the three days before E: the runaway (one period) and the new user
   * hammering at E are the only users ever flagged. */
  replay = candidates_over (db->conn,
    "SELECT generate_series (" E " - interval '3 days', " E ", interval '15 minutes')");
  for (guint i = 0; i < replay->len; i++)
    {
      candidate = g_ptr_array_index (replay, i);
      if (!g_str_equal (candidate->kind, "user_frequency"))
        continue;
      if (!g_str_equal (candidate->scope, "user:6002"))
        {
          g_assert_cmpstr (candidate->scope, ==, "user:5010");
          g_assert_cmpstr (candidate->period_start, ==, expected_start);
        }
    }
  g_assert_cmpuint (count_matching (replay, "user_frequency", "user:5010"), >=, 2);
  g_assert_cmpuint (count_matching (replay, "user_frequency", "user:6002"), >=, 1);
}

/* New users: judged against the population from their first call. One making 150 calls
 * an hour (more than any steady user, but as a heavy user does) is not flagged at any
 * quarter of its first six hours; one making 3,000 in an hour is, with no history of its
 * own. Neither is a new address's or agent's alert: a new user's first devices are not
 * news.
 */
static void
test_new_users (void)
{
  TgTestDb *db = get_synthetic_db ();
  g_autoptr(GPtrArray) replay = NULL;
  g_autoptr(GPtrArray) at_end = NULL;
  g_autofree char *expected_start = NULL;
  Candidate *candidate;

  if (db == NULL)
    return;

  replay = candidates_over (db->conn,
    "SELECT generate_series (" E " - interval '5 hours 45 minutes', " E ", interval '15 minutes')");
  g_assert_cmpuint (count_matching (replay, NULL, "user:6001"), ==, 0);

  at_end = candidates_at (db->conn, E);
  candidate = find_candidate (at_end, "user_frequency", "user:6002");
  g_assert_nonnull (candidate);
  expected_start = tg_test_db_scalar (db,
    "SELECT to_char ((" E " - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')");
  g_assert_cmpstr (candidate->period_start, ==, expected_start);
  g_assert_cmpint (figure_int (candidate, "calls"), ==, 3000);
  g_assert_cmpint (figure_int (candidate, "history_hours"), ==, 0);
  g_assert_cmpfloat (figure_double (candidate, "history_weight"), ==, 0.0);
  g_assert_cmpint (figure_int (candidate, "population_users"), ==, 30);
  g_assert_true (g_str_has_prefix (candidate->message, "User 6002 (New Hammer) made 3,000 calls"));
  g_assert_nonnull (strstr (candidate->message, "judged mostly against other users"));
  g_assert_cmpuint (count_matching (at_end, "new_ip", "user:6002"), ==, 0);
  g_assert_cmpuint (count_matching (at_end, "new_user_agent", "user:6002"), ==, 0);
  g_assert_cmpuint (count_matching (at_end, NULL, "user:6001"), ==, 0);

  /* The heavy new user was judged, not merely too quiet to be. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT sum (calls) FROM tollgate.anomaly_user_quarter "
    "WHERE user_id = 6001 AND bucket_start >= " E " - interval '1 hour'"), >=, 100);
}

static char *
figures_text (Candidate *candidate)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), candidate->figures);

  return json_to_string (node, FALSE);
}

static void
assert_same_candidates (GPtrArray *a,
                        GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      Candidate *x = g_ptr_array_index (a, i);
      Candidate *y = g_ptr_array_index (b, i);
      g_autofree char *fx = figures_text (x);
      g_autofree char *fy = figures_text (y);

      g_assert_cmpstr (x->kind, ==, y->kind);
      g_assert_cmpstr (x->scope, ==, y->scope);
      g_assert_cmpstr (x->subject, ==, y->subject);
      g_assert_cmpstr (x->period_start, ==, y->period_start);
      g_assert_cmpstr (x->message, ==, y->message);
      g_assert_cmpstr (fx, ==, fy);
    }
}

/* Addresses and agents new to an established user: proposed once they carry 200
 * billable calls, under a stable subject with period '-infinity' (the state machine's
 * "once"), still one subject after more calls come from it, the same whether its rows
 * are in the state or still in the tail. Not proposed: 20 calls from a new address, an
 * IPv6 privacy address that changes every day within the user's /64, the next version of
 * the user's own app.
 */
static void
test_new_sources (void)
{
  TgTestDb *db = get_synthetic_db ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) from_tail = NULL;
  g_autoptr(GPtrArray) from_state = NULL;
  g_autofree char *moment = NULL;
  Candidate *candidate;

  if (db == NULL)
    return;

  /* One moment for every question below, so that they differ only in what the rows are. */
  moment = tg_test_db_scalar (db, "SELECT quote_literal (now ()) || '::timestamptz'");
  first = candidates_at (db->conn, moment);
  g_assert_cmpuint (count_matching (first, "new_ip", NULL), ==, 1);
  candidate = find_candidate (first, "new_ip", "user:5002");
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->subject, ==, "203.0.113.77");
  g_assert_cmpstr (candidate->period_start, ==, "-infinity");
  g_assert_cmpint (figure_int (candidate, "billable_calls"), ==, 250);
  g_assert_cmpint (figure_int (candidate, "other_addresses"), ==, 1);
  g_assert_true (g_str_has_prefix (candidate->message,
                                   "User 5002 (Roaming Tester) made 250 billable calls from the address 203.0.113.77, "));

  g_assert_cmpuint (count_matching (first, "new_user_agent", NULL), ==, 1);
  candidate = find_candidate (first, "new_user_agent", "user:5005");
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->subject, ==, "python-requests/#.#.#");
  g_assert_cmpstr (candidate->period_start, ==, "-infinity");
  g_assert_cmpint (figure_int (candidate, "billable_calls"), ==, 300);
  g_assert_true (g_str_has_suffix (candidate->message, ": python-requests/2.31.0"));

  /* The IPv6 user's addresses are eight, one a day, all in one /64. */
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count (DISTINCT ip_address) FROM tollgate.api_usage_tracking WHERE user_id = 5004"), >=, 8);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count (*) FROM tollgate.anomaly_user_source WHERE user_id = 5004 AND kind = 'i'"), ==, 1);

  /* A hundred more calls from the new address, not yet in the rollups or the state:
   * still the one subject, with every call counted, from the tail … */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
    "  call_count, response_status, created_at, ip_address, user_agent) "
    "SELECT 5002, 'here', '/v1/geocode', 'geocode', 1, 200, "
    "       " E " - interval '1 hour' + i * interval '15 seconds', '203.0.113.77', "
    "       'TestApp/1.0 (user 5002)' "
    "FROM generate_series (0, 99) AS i");
  from_tail = candidates_at (db->conn, moment);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT (SELECT max (api_usage_id) FROM tollgate.api_usage_tracking) "
    "       - (SELECT last_id FROM tollgate.anomaly_state)"), ==, 100);
  g_assert_cmpuint (count_matching (from_tail, "new_ip", NULL), ==, 1);
  candidate = find_candidate (from_tail, "new_ip", "user:5002");
  g_assert_cmpstr (candidate->subject, ==, "203.0.113.77");
  g_assert_cmpint (figure_int (candidate, "billable_calls"), ==, 350);

  /* … and the same from the state. */
  refresh_all (db->conn);
  from_state = candidates_at (db->conn, moment);
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT (SELECT max (api_usage_id) FROM tollgate.api_usage_tracking) "
    "       - (SELECT last_id FROM tollgate.anomaly_state)"), ==, 0);
  assert_same_candidates (from_tail, from_state);
}

/* Provider spikes in [E − 5 h, E − 4 h): errors at Geoscape (147 calls, 51 errors) and
 * timeouts at SmartyStreets (130 calls, 30 timeouts, also errors) above the
 * minimum-calls guard are flagged, from their first quarter, with the window's figures;
 * the same rates at Canada Post and Postcodes.io (48 calls) are not. Two hours later all
 * are over.
 */
static void
test_provider_spikes (void)
{
  TgTestDb *db = get_synthetic_db ();
  g_autoptr(GPtrArray) at_end = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autofree char *expected_start = NULL;
  g_autofree char *expected_message = NULL;
  Candidate *candidate;

  if (db == NULL)
    return;

  at_end = candidates_at (db->conn, E " - interval '4 hours'");
  expected_start = tg_test_db_scalar (db,
    "SELECT to_char ((" E " - interval '5 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')");

  g_assert_cmpuint (count_matching (at_end, "provider_errors", NULL), ==, 2);
  g_assert_cmpuint (count_matching (at_end, "provider_timeouts", NULL), ==, 1);
  g_assert_cmpuint (count_matching (at_end, NULL, "provider:canada_post"), ==, 0);
  g_assert_cmpuint (count_matching (at_end, NULL, "provider:postcodes_io"), ==, 0);

  candidate = find_candidate (at_end, "provider_errors", "provider:geoscape");
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->subject, ==, "");
  g_assert_cmpstr (candidate->period_start, ==, expected_start);
  g_assert_cmpint (figure_int (candidate, "calls"), ==, 147);
  g_assert_cmpint (figure_int (candidate, "errors"), ==, 51);
  g_assert_cmpfloat (fabs (figure_double (candidate, "usual_rate") - 1.0 / 97.0), <, 0.0001);
  expected_message = tg_test_db_scalar (db,
    "SELECT 'Geoscape answered 51 of 147 calls in the hour to ' "
    "       || to_char ((" E " - interval '4 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
    "       || ' (UTC) with an error (34.7 %), against its usual 1.0 %.'");
  g_assert_cmpstr (candidate->message, ==, expected_message);

  candidate = find_candidate (at_end, "provider_timeouts", "provider:smarty_streets");
  g_assert_nonnull (candidate);
  g_assert_cmpstr (candidate->period_start, ==, expected_start);
  g_assert_cmpint (figure_int (candidate, "calls"), ==, 130);
  g_assert_cmpint (figure_int (candidate, "timeouts"), ==, 30);
  g_assert_true (g_str_has_prefix (candidate->message, "SmartyStreets did not answer 30 of 130 calls"));
  g_assert_nonnull (find_candidate (at_end, "provider_errors", "provider:smarty_streets"));

  later = candidates_at (db->conn, E " - interval '2 hours'");
  g_assert_cmpuint (count_matching (later, "provider_errors", NULL), ==, 0);
  g_assert_cmpuint (count_matching (later, "provider_timeouts", NULL), ==, 0);
}

/* ---- the state ---------------------------------------------------------------------- */

/* @n rows of users 7000 … 7039, ids from @first on, created in the two days before now in
 * no order, from a few addresses and agents each, some not billable, some of several
 * calls.
 */
static void
insert_state_rows (PGconn *conn,
                   guint   first,
                   guint   n)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
    "  call_count, response_status, created_at, ip_address, user_agent, is_billable) "
    "SELECT 7000 + i %% 40, 'here', '/v1/geocode', 'geocode', 1 + i %% 3, 200, "
    "       now () - interval '2 days' + ((i * 7919) %% 2880) * interval '1 minute', "
    "       ('10.1.' || (i %% 7) || '.' || (i %% 40))::inet, "
    "       'Agent/' || (i %% 5) || '.' || (i %% 4) || ' (kind ' || (i %% 3) || ')', "
    "       i %% 9 <> 0 "
    "FROM generate_series (%u, %u) AS i", first, first + n - 1);

  g_assert_true (tg_db_exec (conn, sql, NULL));
}

/* How many (user, hour), (user, quarter) and (user, source) figures of the state differ
 * from the raw rows': 0 when every row is counted exactly once.
 */
static gint64
state_mismatches (TgTestDb *db)
{
  return tg_test_db_scalar_int (db,
    "WITH raw_hours AS ("
    "  SELECT user_id, date_trunc ('hour', created_at, 'UTC') AS t, sum (call_count) AS calls, "
    "         count (*) AS requests "
    "  FROM tollgate.api_usage_tracking WHERE user_id IS NOT NULL GROUP BY 1, 2), "
    "raw_quarters AS ("
    "  SELECT user_id, date_bin ('15 minutes', created_at, '2000-01-01') AS t, "
    "         sum (call_count) AS calls, count (*) AS requests "
    "  FROM tollgate.api_usage_tracking WHERE user_id IS NOT NULL GROUP BY 1, 2), "
    "raw_sources AS ("
    "  SELECT user_id, 'i'::\"char\" AS kind, tollgate.anomaly_ip_key (ip_address) AS key, "
    "         coalesce (sum (call_count) FILTER (WHERE is_billable), 0) AS billable, "
    "         count (*) AS requests, min (created_at) AS first "
    "  FROM tollgate.api_usage_tracking WHERE user_id IS NOT NULL AND ip_address IS NOT NULL "
    "  GROUP BY 1, 2, 3 "
    "  UNION ALL "
    "  SELECT user_id, 'a'::\"char\", tollgate.anomaly_agent_key (user_agent), "
    "         coalesce (sum (call_count) FILTER (WHERE is_billable), 0), count (*), min (created_at) "
    "  FROM tollgate.api_usage_tracking WHERE user_id IS NOT NULL AND user_agent IS NOT NULL "
    "  GROUP BY 1, 2, 3), "
    "state_hours AS (SELECT user_id, hour_start AS t, calls, requests FROM tollgate.anomaly_user_hour), "
    "state_quarters AS (SELECT user_id, bucket_start AS t, calls, requests "
    "                   FROM tollgate.anomaly_user_quarter), "
    "state_sources AS (SELECT user_id, kind, key, billable_calls AS billable, requests, "
    "                         first_seen_at AS first FROM tollgate.anomaly_user_source) "
    "SELECT (SELECT count (*) FROM ((TABLE raw_hours EXCEPT TABLE state_hours) "
    "                               UNION ALL (TABLE state_hours EXCEPT TABLE raw_hours)) AS h) "
    "     + (SELECT count (*) FROM ((TABLE raw_quarters EXCEPT TABLE state_quarters) "
    "                               UNION ALL (TABLE state_quarters EXCEPT TABLE raw_quarters)) AS q) "
    "     + (SELECT count (*) FROM ((TABLE raw_sources EXCEPT TABLE state_sources) "
    "                               UNION ALL (TABLE state_sources EXCEPT TABLE raw_sources)) AS s)");
}

typedef struct
{
  const char *conninfo;
  gint       *stop;
  guint       calls;
  guint       busy;
} Refresher;

/* Calls anomaly_state_refresh() on a connection of its own, again and again, in small
 * batches, until told to stop.
 */
static gpointer
refresher_thread (gpointer data)
{
  Refresher *refresher = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = tg_db_connect (refresher->conninfo, "tgtest-anomaly-refresher", &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (refresher->stop))
    {
      g_autofree char *busy = tg_test_conn_scalar (conn,
        "SELECT busy FROM tollgate.anomaly_state_refresh (777)");

      refresher->calls++;
      if (g_str_equal (busy, "t"))
        refresher->busy++;
      /* Not a wait for anything: only less of a spin beside the other tests. */
      g_usleep (G_USEC_PER_SEC / 1000);
    }
  return NULL;
}

typedef struct
{
  const char *conninfo;
  guint       batches;
} Writer;

/* Inserts rows in batches, each its own transaction, with the rollup refresher after each. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = tg_db_connect (writer->conninfo, "tgtest-anomaly-writer", &error);

  g_assert_no_error (error);
  for (guint b = 0; b < writer->batches; b++)
    {
      insert_state_rows (conn, 100000 + b * 1000, 1000);
      g_free (tg_test_conn_scalar (conn, "SELECT rows_added FROM tollgate.refresh_rollups ()"));
    }
  return NULL;
}

/* The state against the raw rows while everything happens at once: a session holding the
 * state's lock in an open transaction makes another caller neither wait nor fail (it
 * says busy, and its candidates read the rest as the tail); a row committed after rows
 * with higher ids is counted once it commits, not before and not twice; three refreshers
 * racing each other and a writer with the rollup refresher count every row exactly once.
 * Then the rebuild: the same figures, and every address and agent history.
 */
static void
test_concurrent_refresh (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) holder = NULL;
  g_autoptr(PGconn) other = NULL;
  g_autoptr(PGconn) late = NULL;
  g_autofree char *late_id = NULL;
  g_autofree char *holder_added = NULL;
  g_autofree char *other_busy = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) during = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) rebuilt = NULL;
  gint stop = 0;
  Refresher refreshers[3];
  GThread *threads[G_N_ELEMENTS (refreshers)];
  Writer writer = { 0 };
  GThread *writer_handle;
  g_autofree char *moment = NULL;

  if (db == NULL)
    return;

  insert_state_rows (db->conn, 1, 20000);
  /* user 7001 from an address new to it, an hour ago: a new_ip candidate */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
    "  call_count, response_status, created_at, ip_address, user_agent) "
    "SELECT 7001, 'here', '/v1/geocode', 'geocode', 1, 200, "
    "       now () - interval '1 hour' + i * interval '1 second', '10.9.9.9', 'Agent/1.1 (kind 1)' "
    "FROM generate_series (1, 300) AS i");
  g_free (tg_test_db_scalar (db, "SELECT rows_added FROM tollgate.refresh_rollups ()"));
  moment = tg_test_db_scalar (db, "SELECT quote_literal (now ()) || '::timestamptz'");

  /* A session at work on the state, its transaction open. */
  holder = tg_db_connect (db->conninfo, "tgtest-anomaly-holder", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (holder, "BEGIN", NULL));
  holder_added = tg_test_conn_scalar (holder,
    "SELECT rows_added FROM tollgate.anomaly_state_refresh (5000) WHERE NOT busy");
  g_assert_cmpstr (holder_added, ==, "5000");

  /* Another caller, whose lock_timeout would fail a wait: it does not wait. */
  other = tg_db_connect (db->conninfo, "tgtest-anomaly-other", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (other, "SET lock_timeout = '5s'", NULL));
  other_busy = tg_test_conn_scalar (other,
    "SELECT busy::text || ' ' || rows_added || ' ' || last_id FROM tollgate.anomaly_state_refresh ()");
  g_assert_cmpstr (other_busy, ==, "true 0 0");
  during = candidates_at (other, moment);
  g_assert_cmpuint (count_matching (during, "new_ip", "user:7001"), ==, 1);

  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  before = candidates_at (other, moment);
  assert_same_candidates (during, before);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.anomaly_state"),
                   ==, tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"));
  g_assert_cmpint (state_mismatches (db), ==, 0);

  /* A row whose id is handed out first but that commits last. */
  late = tg_db_connect (db->conninfo, "tgtest-anomaly-late", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (late, "BEGIN", NULL));
  late_id = tg_test_conn_scalar (late,
    "INSERT INTO tollgate.api_usage_tracking (user_id, api_provider, api_endpoint, request_type, "
    "  call_count, response_status, created_at, ip_address, user_agent) "
    "VALUES (7002, 'here', '/v1/geocode', 'geocode', 5, 200, now () - interval '3 hours', "
    "        '10.1.2.2', 'Agent/2.2 (kind 2)') RETURNING api_usage_id");
  insert_state_rows (db->conn, 50000, 500);
  refresh_all (db->conn);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.anomaly_state"),
                   <, g_ascii_strtoll (late_id, NULL, 10));
  g_assert_true (tg_db_exec (late, "COMMIT", NULL));
  refresh_all (db->conn);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.anomaly_state"),
                   >, g_ascii_strtoll (late_id, NULL, 10));
  g_assert_cmpint (state_mismatches (db), ==, 0);

  /* Three refreshers racing a writer and the rollup refresher. */
  writer.conninfo = db->conninfo;
  writer.batches = 20;
  for (guint i = 0; i < G_N_ELEMENTS (refreshers); i++)
    {
      refreshers[i] = (Refresher) { db->conninfo, &stop, 0, 0 };
      threads[i] = g_thread_new ("refresher", refresher_thread, &refreshers[i]);
    }
  writer_handle = g_thread_new ("writer", writer_thread, &writer);
  g_thread_join (writer_handle);
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (refreshers); i++)
    {
      g_thread_join (threads[i]);
      g_test_message ("refresher %u: %u calls, %u found another at work", i,
                      refreshers[i].calls, refreshers[i].busy);
    }
  refresh_all (db->conn);
  g_assert_cmpint (state_mismatches (db), ==, 0);

  /* The rebuild: the same figures, and what was new is history now. */
  after = candidates_at (db->conn, moment);
  g_assert_cmpuint (count_matching (after, "new_ip", "user:7001"), ==, 1);
  g_free (tg_test_db_scalar (db, "SELECT tollgate.anomaly_state_rebuild ()"));
  g_assert_cmpint (state_mismatches (db), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT seeded_upto FROM tollgate.anomaly_state"),
                   ==, tg_test_db_scalar_int (db, "SELECT last_id FROM tollgate.rollup_state"));
  g_assert_cmpint (tg_test_db_scalar_int (db,
    "SELECT count (*) FROM tollgate.anomaly_user_source WHERE NOT seeded"), ==, 0);
  rebuilt = candidates_at (db->conn, moment);
  g_assert_cmpuint (count_matching (rebuilt, "new_ip", NULL), ==, 0);
  g_assert_cmpuint (count_matching (rebuilt, "new_user_agent", NULL), ==, 0);
}

/* Viewers may see anomalies and bring the state up to date; only its two security
 * definers write it, and only administrators rebuild it.
 */
static void
test_rights (void)
{
  TgTestDb *db = get_synthetic_db ();
  g_autofree char *viewer = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) as_viewer = NULL;
  g_autoptr(PGconn) as_admin = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) by_owner = NULL;
  const char *refused[] = {
    "SELECT tollgate.anomaly_state_rebuild ()",
    "SELECT tollgate.anomaly_state_add (0, 10, false)",
    "INSERT INTO tollgate.anomaly_user_first VALUES (1, now ())",
    "UPDATE tollgate.anomaly_state SET last_id = 0",
    "DELETE FROM tollgate.anomaly_user_source",
  };

  if (db == NULL)
    return;

  viewer = tg_test_unique_name ("tganomalyviewer");
  admin = tg_test_unique_name ("tganomalyadmin");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer; "
                         "CREATE ROLE %s LOGIN IN ROLE tollgate_admin", viewer, admin);
  tg_test_db_exec (db, sql);

  conninfo = tg_test_db_conninfo_as (db, viewer);
  as_viewer = tg_db_connect (conninfo, "tgtest-anomaly-viewer", &error);
  g_assert_no_error (error);
  seen = candidates_at (as_viewer, E " - interval '4 hours'");
  by_owner = candidates_at (db->conn, E " - interval '4 hours'");
  assert_same_candidates (seen, by_owner);
  g_free (tg_test_conn_scalar (as_viewer, "SELECT busy FROM tollgate.anomaly_state_refresh ()"));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) refusal = NULL;

      g_assert_false (tg_db_exec (as_viewer, refused[i], &refusal));
      g_assert_nonnull (refusal);
      g_assert_nonnull (strstr (refusal->message, "permission denied"));
    }

  g_free (conninfo);
  conninfo = tg_test_db_conninfo_as (db, admin);
  as_admin = tg_db_connect (conninfo, "tgtest-anomaly-admin", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (as_admin, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (as_admin, "SELECT tollgate.anomaly_state_rebuild ()"));
  g_assert_true (tg_db_exec (as_admin, "ROLLBACK", NULL));

  g_clear_pointer (&as_viewer, PQfinish);
  g_clear_pointer (&as_admin, PQfinish);
  g_free (sql);
  sql = g_strdup_printf ("DROP ROLE %s; DROP ROLE %s", viewer, admin);
  tg_test_db_exec (db, sql);
}

/* What the functions refuse, and where they still answer without writing. */
static void
test_refusals (void)
{
  TgTestDb *db = get_synthetic_db ();
  const char *refused[] = {
    "SELECT * FROM tollgate.anomaly_alert_candidates (NULL)",
    "SELECT * FROM tollgate.anomaly_alert_candidates ('infinity')",
    "SELECT * FROM tollgate.anomaly_state_refresh (0)",
    "SELECT * FROM tollgate.anomaly_state_refresh (NULL)",
    "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT * FROM tollgate.anomaly_state_refresh ()",
  };
  g_autoptr(GPtrArray) read_committed = NULL;
  g_autoptr(GPtrArray) read_only = NULL;
  g_autoptr(GPtrArray) repeatable = NULL;

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tg_db_exec (db->conn, refused[i], &error));
      g_assert_nonnull (error);
      g_test_message ("%s: %s", refused[i], error->message);
      if (g_str_has_prefix (refused[i], "BEGIN"))
        tg_test_db_exec (db, "ROLLBACK");
    }

  /* Without the right to write, or at another isolation level, the candidates are the
   * same: the state is not refreshed, the tail is read instead. */
  read_committed = candidates_at (db->conn, E " - interval '4 hours'");
  tg_test_db_exec (db, "BEGIN READ ONLY");
  read_only = candidates_at (db->conn, E " - interval '4 hours'");
  tg_test_db_exec (db, "ROLLBACK");
  tg_test_db_exec (db, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  repeatable = candidates_at (db->conn, E " - interval '4 hours'");
  tg_test_db_exec (db, "ROLLBACK");
  assert_same_candidates (read_committed, read_only);
  assert_same_candidates (read_committed, repeatable);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/anomalies/ordinary-traffic", test_ordinary_traffic);
  g_test_add_func ("/tollgate/db/anomalies/model-runaway", test_model_runaway);
  g_test_add_func ("/tollgate/db/anomalies/runaway", test_runaway);
  g_test_add_func ("/tollgate/db/anomalies/new-users", test_new_users);
  g_test_add_func ("/tollgate/db/anomalies/provider-spikes", test_provider_spikes);
  g_test_add_func ("/tollgate/db/anomalies/new-sources", test_new_sources);
  g_test_add_func ("/tollgate/db/anomalies/concurrent-refresh", test_concurrent_refresh);
  g_test_add_func ("/tollgate/db/anomalies/rights", test_rights);
  g_test_add_func ("/tollgate/db/anomalies/refusals", test_refusals);

  status = g_test_run ();

  g_clear_pointer (&model_db, tg_test_db_free);
  g_clear_pointer (&synthetic_db, tg_test_db_free);
  g_clear_pointer (&model_spike_scope, g_free);
  return status;
}
