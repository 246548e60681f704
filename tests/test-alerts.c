/* test-alerts.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The alert state machine of the alerts migration (data/sql/0018_alerts.sql) on a real
 * database, fed crafted candidates through tollgate.apply_alert_candidates(), and the
 * typed queries of tg-alert-queries.h: each threshold fires exactly once per period even
 * with four evaluators at once; a new period re-arms; a jump names the highest threshold;
 * recovery and reopening keep the row; absolute thresholds; spikes recover when their
 * source stops naming them, new addresses never; acknowledging records who and when;
 * muting makes the rule's alerts muted until unmuted or until the mute ends; viewers are
 * refused by the database; every change is NOTIFYed; and evaluate_alerts() works with and
 * without its sources.
 */

#include "config.h"

#include <string.h>

#include "tg-alert-queries.h"
#include "tg-alert-service.h"
#include "tg-db-util.h"
#include "tg-test-db.h"

#define GUARD_SECONDS 60

#define NOV_START "timestamptz '2026-11-01 00:00+11'"
#define DEC_START "timestamptz '2026-12-01 00:00+11'"
#define JAN_START "timestamptz '2027-01-01 00:00+11'"

/* One candidate; times are SQL expressions, level and threshold NULL when nothing is
 * passed. */
typedef struct
{
  const char *kind;
  const char *scope;
  const char *subject;
  const char *period_start;
  const char *period_end;
  const char *level;
  const char *threshold;
} Candidate;

typedef struct
{
  GMainContext *context;
  TgTestDb     *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->db = tg_test_db_new (TRUE);
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

static char *
apply_sql (const char      *now,
           const Candidate *candidates,
           guint            n)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "SELECT tollgate.apply_alert_candidates(%s, ARRAY[", now);
  for (guint i = 0; i < n; i++)
    {
      const Candidate *c = &candidates[i];

      g_string_append_printf (sql,
        "%sROW('%s', '%s', '%s', %s, %s, %s, %s%s%s, '%s %s passed %s', "
        "'{\"spent\": \"8712.40\", \"currency\": \"AUD\"}')::tollgate.alert_candidate",
        i > 0 ? ", " : "", c->kind, c->scope, c->subject, c->period_start, c->period_end,
        c->level != NULL ? c->level : "NULL",
        c->threshold != NULL ? "'" : "", c->threshold != NULL ? c->threshold : "NULL",
        c->threshold != NULL ? "'" : "",
        c->kind, c->scope, c->threshold != NULL ? c->threshold : "nothing");
    }
  g_string_append (sql, "]::tollgate.alert_candidate[])");

  return g_string_free (sql, FALSE);
}

/* Applies @candidates as of @now (an SQL expression); returns what the function did. */
static gint64
apply (TgTestDb        *db,
       const char      *now,
       const Candidate *candidates,
       guint            n)
{
  g_autofree char *sql = apply_sql (now, candidates, n);

  return tg_test_db_scalar_int (db, sql);
}

static gint64
count (TgTestDb   *db,
       const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM tollgate.alerts WHERE %s", where);

  return tg_test_db_scalar_int (db, sql);
}

static char *
events_of (TgTestDb *db,
           gint64    id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT string_agg(event, ',' ORDER BY event_id) "
                                          "FROM tollgate.alert_events WHERE alert_id = %"
                                          G_GINT64_FORMAT, id);

  return tg_test_db_scalar (db, sql);
}

static Candidate
budget (const char *start,
        const char *end,
        const char *level,
        const char *threshold)
{
  return (Candidate) { "budget", "overall", "budget:1", start, end, level, threshold };
}

/* A LOGIN role in @group_role, unique in the cluster; dropped with drop_login(). */
static char *
create_login (TgTestDb   *db,
              const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgalerts");
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", name, group_role);

  tg_test_db_exec (db, sql);
  return g_steal_pointer (&name);
}

static void
drop_login (TgTestDb   *db,
            const char *name)
{
  g_autofree char *sql = g_strdup_printf ("DROP ROLE %s", name);

  tg_test_db_exec (db, sql);
}

/* --- four evaluators at once ---------------------------------------------------------- */

typedef struct
{
  const char *conninfo;
  const char *sql;
  gint64      changed;
  char       *error;
} Evaluator;

static gpointer
evaluator_thread (gpointer data)
{
  Evaluator *evaluator = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = tg_db_connect (evaluator->conninfo, "tollgate-tests-alerts", &error);
  g_autofree char *value = NULL;

  if (conn != NULL)
    value = tg_db_query_string (conn, evaluator->sql, &error);
  if (error != NULL)
    evaluator->error = g_strdup (error->message);
  else
    evaluator->changed = g_ascii_strtoll (value, NULL, 10);

  return NULL;
}

/* Four sessions apply the same candidates together: each is started while the test holds
 * the alerts' lock, and the lock is let go only when all four wait for it. Returns the
 * changes the four reported, added up. */
static gint64
apply_four_at_once (TgTestDb   *db,
                    const char *sql)
{
  Evaluator evaluators[4] = { 0 };
  GThread *threads[4];
  gint64 total = 0;

  tg_test_db_exec (db, "BEGIN; SELECT pg_advisory_xact_lock(hashtext('tollgate.evaluate_alerts'))");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      evaluators[i].conninfo = db->conninfo;
      evaluators[i].sql = sql;
      threads[i] = g_thread_new ("evaluator", evaluator_thread, &evaluators[i]);
    }
  tg_test_wait_for_lock_waits (db, "tollgate-tests-alerts", G_N_ELEMENTS (threads));
  tg_test_db_exec (db, "COMMIT");

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      if (evaluators[i].error != NULL)
        g_error ("Evaluator %u failed: %s", i, evaluators[i].error);
      total += evaluators[i].changed;
    }

  return total;
}

static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate first[] = {
    budget (NOV_START, DEC_START, "70", "70"),
    { "quota", "provider:here", "quota:3", NOV_START, DEC_START, "85", "85" },
    { "new_ip", "user:7", "203.0.113.9", "'-infinity'", "'infinity'", "100", "" },
  };
  const Candidate second[] = {
    budget (NOV_START, DEC_START, "85", "85"),
    { "quota", "provider:here", "quota:3", NOV_START, DEC_START, "85", "85" },
    { "new_ip", "user:7", "203.0.113.9", "'-infinity'", "'infinity'", "100", "" },
  };
  g_autofree char *first_sql = apply_sql ("timestamptz '2026-11-10 09:00+11'", first,
                                          G_N_ELEMENTS (first));
  g_autofree char *second_sql = apply_sql ("timestamptz '2026-11-10 10:00+11'", second,
                                           G_N_ELEMENTS (second));
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) duplicate = NULL;

  if (db == NULL)
    return;

  /* Three alerts, each raised by exactly one of the four. */
  g_assert_cmpint (apply_four_at_once (db, first_sql), ==, 3);
  g_assert_cmpint (count (db, "true"), ==, 3);
  g_assert_cmpint (count (db, "kind = 'budget' AND threshold = '70'"), ==, 1);
  g_assert_cmpint (count (db, "kind = 'quota' AND threshold = '85'"), ==, 1);
  g_assert_cmpint (count (db, "kind = 'new_ip'"), ==, 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alert_events "
                                              "WHERE event = 'fired'"), ==, 3);

  /* The budget climbs to 85: one more alert, once; the rest stays as it is. */
  g_assert_cmpint (apply_four_at_once (db, second_sql), ==, 1);
  g_assert_cmpint (count (db, "true"), ==, 4);
  g_assert_cmpint (count (db, "kind = 'budget' AND threshold = '85' AND state = 'open'"), ==, 1);
  g_assert_cmpint (count (db, "state = 'open'"), ==, 4);

  /* Nothing passed any more: each of the two budget alerts recovers once, not once for
   * each evaluator that saw it open. */
  {
    Candidate gone[G_N_ELEMENTS (second)];
    g_autofree char *gone_sql = NULL;

    memcpy (gone, second, sizeof second);
    gone[0].level = gone[0].threshold = NULL;
    gone_sql = apply_sql ("timestamptz '2026-11-10 11:00+11'", gone, G_N_ELEMENTS (gone));
    g_assert_cmpint (apply_four_at_once (db, gone_sql), ==, 2);
    g_assert_cmpint (count (db, "kind = 'budget' AND state = 'recovered'"), ==, 2);
    g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alert_events "
                                                "WHERE event = 'recovered'"), ==, 2);
  }

  /* The unique key refuses a second row for a threshold even to the owner. */
  duplicate = tg_db_query (db->conn,
    "INSERT INTO tollgate.alerts (kind, scope, subject, period_start, period_end, level, "
    "  threshold, state, created_at, updated_at, message) "
    "SELECT kind, scope, subject, period_start, period_end, level, threshold, 'open', "
    "       created_at, updated_at, message "
    "FROM tollgate.alerts WHERE kind = 'quota'", 0, NULL, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "alerts_once"));
}

/* --- periods and thresholds ---------------------------------------------------------- */

static void
test_rollover (Fixture       *fixture,
               gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate november = budget (NOV_START, DEC_START, "85", "85");
  const Candidate december = budget (DEC_START, JAN_START, "85", "85");

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "timestamptz '2026-11-20 12:00+11'", &november, 1), ==, 1);
  /* Still passed later in the month: nothing new. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-28 12:00+11'", &november, 1), ==, 0);
  g_assert_cmpint (count (db, "true"), ==, 1);

  /* The next month passes 85 again: the threshold fires again, and November's alert
   * recovers with its month. */
  g_assert_cmpint (apply (db, "timestamptz '2026-12-03 08:00+11'", &december, 1), ==, 2);
  g_assert_cmpint (count (db, "threshold = '85'"), ==, 2);
  g_assert_cmpint (count (db, "period_start = " DEC_START " AND state = 'open'"), ==, 1);
  g_assert_cmpint (count (db, "period_start = " NOV_START " AND state = 'recovered' "
                              "AND recovered_at = timestamptz '2026-12-03 08:00+11'"), ==, 1);
  g_assert_cmpint (apply (db, "timestamptz '2026-12-04 08:00+11'", &december, 1), ==, 0);
}

static void
test_jump (Fixture       *fixture,
           gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  Candidate c = budget (NOV_START, DEC_START, NULL, NULL);
  g_autofree char *created = NULL;

  if (db == NULL)
    return;

  /* 60 %: nothing passed. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-05 00:00+11'", &c, 1), ==, 0);
  g_assert_cmpint (count (db, "true"), ==, 0);

  /* 60 → 97 % across 70, 85 and 95: one alert, naming 95. */
  c.level = "95";
  c.threshold = "95";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-06 00:00+11'", &c, 1), ==, 1);
  g_assert_cmpint (count (db, "true"), ==, 1);
  g_assert_cmpint (count (db, "threshold = '95' AND level = 95"), ==, 1);
  created = tg_test_db_scalar (db, "SELECT message FROM tollgate.alerts");
  g_assert_cmpstr (created, ==, "budget overall passed 95");

  /* 100 % later: another alert. */
  c.level = "100";
  c.threshold = "100";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-07 00:00+11'", &c, 1), ==, 1);
  g_assert_cmpint (count (db, "state = 'open'"), ==, 2);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.alert_events "
                                              "WHERE event = 'escalated'"), ==, 1);

  /* Back to 85 % (a budget increase): 95 and 100 recover, and 85, below the highest
   * alerted, never fires in this period. */
  c.level = "85";
  c.threshold = "85";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-08 00:00+11'", &c, 1), ==, 2);
  g_assert_cmpint (count (db, "state = 'recovered'"), ==, 2);
  g_assert_cmpint (count (db, "threshold = '85'"), ==, 0);
}

static void
test_recovery (Fixture       *fixture,
               gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  Candidate c = budget (NOV_START, DEC_START, "85", "85");
  gint64 id;
  g_autofree char *events = NULL;

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 00:00+11'", &c, 1), ==, 1);
  id = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts");

  /* Nothing passed any more: recovered, once. */
  c.level = c.threshold = NULL;
  g_assert_cmpint (apply (db, "timestamptz '2026-11-11 00:00+11'", &c, 1), ==, 1);
  g_assert_cmpint (apply (db, "timestamptz '2026-11-12 00:00+11'", &c, 1), ==, 0);
  g_assert_cmpint (count (db, "state = 'recovered' "
                              "AND recovered_at = timestamptz '2026-11-11 00:00+11'"), ==, 1);

  /* Passed again in the same period: the same alert reopens, no second row. */
  c.level = c.threshold = "85";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-13 00:00+11'", &c, 1), ==, 1);
  g_assert_cmpint (count (db, "true"), ==, 1);
  g_assert_cmpint (count (db, "state = 'open' AND recovered_at IS NULL"), ==, 1);
  events = events_of (db, id);
  g_assert_cmpstr (events, ==, "fired,recovered,reopened");
}

static void
test_absolute (Fixture       *fixture,
               gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  /* 1200.00 AUD of a 2,000.00 AUD budget ranks as 60 %. */
  Candidate c = { "budget", "provider:openai", "budget:4", NOV_START, DEC_START,
                  "60", "1200.00 AUD" };
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  TgAlert *alert;

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 00:00+11'", &c, 1), ==, 1);
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  alert = g_ptr_array_index (alerts, 0);
  g_assert_cmpstr (alert->threshold, ==, "1200.00 AUD");
  g_assert_cmpstr (alert->level, ==, "60");
  g_assert_cmpstr (alert->figures, ==, "{\"spent\": \"8712.40\", \"currency\": \"AUD\"}");

  /* 85 % of the budget passed: the percentage fires too, ranked above the amount. */
  c.level = c.threshold = "85";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-11 00:00+11'", &c, 1), ==, 1);

  /* The budget rises to 3,000.00 AUD: 85 % is no longer passed, 1200.00 AUD still is,
   * now ranked 40: it stays open, and no second row is made for it. */
  c.level = "40";
  c.threshold = "1200.00 AUD";
  g_assert_cmpint (apply (db, "timestamptz '2026-11-12 00:00+11'", &c, 1), ==, 1);
  g_assert_cmpint (count (db, "threshold = '85' AND state = 'recovered'"), ==, 1);
  g_assert_cmpint (count (db, "threshold = '1200.00 AUD' AND state = 'open'"), ==, 1);
  g_assert_cmpint (count (db, "true"), ==, 2);
  g_assert_cmpint (apply (db, "timestamptz '2026-11-13 00:00+11'", &c, 1), ==, 0);
}

/* --- kinds without thresholds -------------------------------------------------------- */

static void
test_spike (Fixture       *fixture,
            gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate spikes[] = {
    { "provider_errors", "provider:here", "", "timestamptz '2026-11-10 09:00+11'",
      "timestamptz '2026-11-10 10:00+11'", "100", "" },
    { "user_frequency", "user:12", "", "timestamptz '2026-11-10 09:00+11'",
      "timestamptz '2026-11-10 10:00+11'", "100", "" },
  };

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 09:20+11'", spikes, 2), ==, 2);
  /* Still named: still open. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 09:25+11'", spikes, 2), ==, 0);
  /* The errors' source no longer names them: that spike is over. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 09:30+11'", &spikes[1], 1), ==, 1);
  g_assert_cmpint (count (db, "kind = 'provider_errors' AND state = 'recovered'"), ==, 1);
  g_assert_cmpint (count (db, "kind = 'user_frequency' AND state = 'open'"), ==, 1);
  /* Named again in the same window: reopened, not raised again. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 09:35+11'", spikes, 2), ==, 1);
  g_assert_cmpint (count (db, "true"), ==, 2);
  g_assert_cmpint (count (db, "state = 'open'"), ==, 2);
}

static void
test_new_ip (Fixture       *fixture,
             gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate seen[] = {
    { "new_ip", "user:7", "203.0.113.9", "'-infinity'", "'infinity'", "100", "" },
    { "new_user_agent", "user:7", "curl/8.0", "'-infinity'", "'infinity'", "100", "" },
  };
  g_autoptr(TgAlert) alert = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 09:00+11'", seen, 2), ==, 2);
  /* Not named any more, nor with a level of NULL, nor years later: they stay open. */
  g_assert_cmpint (apply (db, "timestamptz '2026-11-10 10:00+11'", NULL, 0), ==, 0);
  g_assert_cmpint (apply (db, "timestamptz '2030-01-01 00:00+11'", seen, 2), ==, 0);
  {
    Candidate gone = seen[0];

    gone.level = gone.threshold = NULL;
    g_assert_cmpint (apply (db, "timestamptz '2030-01-02 00:00+11'", &gone, 1), ==, 0);
  }
  g_assert_cmpint (count (db, "state = 'open'"), ==, 2);

  /* Once ever: the period is unbounded both ways. */
  id = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts WHERE kind = 'new_ip'");
  alert = tg_alert_fetch (db->conn, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->period_start, ==, TG_ALERT_TIME_NEVER_BEGAN);
  g_assert_cmpint (alert->period_end, ==, TG_ALERT_TIME_NEVER);
  g_assert_cmpstr (alert->subject, ==, "203.0.113.9");
  g_assert_cmpstr (alert->threshold, ==, "");
}

/* --- people -------------------------------------------------------------------------- */

static void
test_acknowledge (Fixture       *fixture,
                  gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate c = budget (NOV_START, DEC_START, "85", "85");
  g_autofree char *login = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAlert) alert = NULL;
  g_autofree char *sql = NULL;
  gint64 id;
  gint64 before = g_get_real_time ();

  if (db == NULL)
    return;

  apply (db, "timestamptz '2026-11-10 00:00+11'", &c, 1);
  id = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts");
  login = create_login (db, "tollgate_finance");
  conn = tg_test_db_connect_as (db, login);

  g_assert_true (tg_alert_acknowledge (conn, id, &error));
  g_assert_no_error (error);

  alert = tg_alert_fetch (conn, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->state, ==, TG_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (alert->acknowledged_by, ==, login);
  /* The server's clock and ours are the machine's; a second either way for rounding. */
  g_assert_cmpint (alert->acknowledged_at, >=, before - G_USEC_PER_SEC);
  g_assert_cmpint (alert->acknowledged_at, <=, g_get_real_time () + G_USEC_PER_SEC);

  /* In the history and the audit log, under the person's login. */
  sql = g_strdup_printf ("SELECT count(*) FROM tollgate.alert_events WHERE alert_id = %"
                         G_GINT64_FORMAT " AND event = 'acknowledged' AND acting_role = '%s'",
                         id, login);
  g_assert_cmpint (tg_test_db_scalar_int (db, sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM tollgate.audit_log WHERE action = "
                         "'alert-acknowledge' AND acting_role = '%s' "
                         "AND (details->>'alert_id')::int8 = %" G_GINT64_FORMAT, login, id);
  g_assert_cmpint (tg_test_db_scalar_int (db, sql), ==, 1);

  /* A second time says who did it. */
  g_assert_false (tg_alert_acknowledge (conn, id, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "already acknowledged by"));
  g_assert_nonnull (strstr (error->message, login));
  g_clear_error (&error);

  /* An id that names no alert. */
  g_assert_false (tg_alert_acknowledge (conn, id + 1000, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_true (g_str_has_prefix (error->message, "There is no alert"));
  g_clear_error (&error);

  /* An acknowledged alert still recovers, and keeps who acknowledged it. */
  {
    Candidate gone = c;

    gone.level = gone.threshold = NULL;
    g_assert_cmpint (apply (db, "timestamptz '2026-11-11 00:00+11'", &gone, 1), ==, 1);
  }
  g_clear_pointer (&alert, tg_alert_unref);
  alert = tg_alert_fetch (conn, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->state, ==, TG_ALERT_STATE_RECOVERED);
  g_assert_cmpstr (alert->acknowledged_by, ==, login);

  g_clear_pointer (&conn, PQfinish);
  drop_login (db, login);
}

static void
test_mute (Fixture       *fixture,
           gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  Candidate c = { "budget", "overall", "budget:1", "date_trunc('month', now())",
                  "'infinity'", "70", "70" };
  g_autofree char *login = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAlert) alert = NULL;
  g_autofree char *sql = NULL;
  gint64 first;
  gint64 until;

  if (db == NULL)
    return;

  g_assert_cmpint (apply (db, "now()", &c, 1), ==, 1);
  first = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts");
  login = create_login (db, "tollgate_ops");
  conn = tg_test_db_connect_as (db, login);

  /* Muted until unmuted: the alert, and the one its rule raises next. */
  g_assert_true (tg_alert_mute (conn, first, TG_ALERT_TIME_NEVER, &error));
  g_assert_no_error (error);
  alert = tg_alert_fetch (conn, first, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->state, ==, TG_ALERT_STATE_MUTED);
  g_assert_cmpint (alert->muted_until, ==, TG_ALERT_TIME_NEVER);

  c.level = c.threshold = "85";
  g_assert_cmpint (apply (db, "now()", &c, 1), ==, 1);
  g_assert_cmpint (count (db, "threshold = '85' AND state = 'muted'"), ==, 1);
  g_assert_cmpint (count (db, "state = 'open'"), ==, 0);
  /* Another rule is not muted. */
  {
    Candidate other = c;

    other.subject = "budget:2";
    g_assert_cmpint (apply (db, "now()", &other, 1), ==, 1);
    g_assert_cmpint (count (db, "subject = 'budget:2' AND state = 'open'"), ==, 1);
  }

  /* Unmuted: both open again. */
  g_assert_true (tg_alert_unmute (conn, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "subject = 'budget:1' AND state = 'open'"), ==, 2);
  g_assert_false (tg_alert_unmute (conn, first, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "is not muted"));
  g_clear_error (&error);

  /* Muted for an hour: an evaluation after it ends opens the alerts again. */
  until = g_get_real_time () + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_assert_true (tg_alert_mute (conn, first, until, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "subject = 'budget:1' AND state = 'muted'"), ==, 2);
  g_clear_pointer (&alert, tg_alert_unref);
  alert = tg_alert_fetch (conn, first, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alert->muted_until, ==, until);
  g_assert_cmpint (apply (db, "now() + interval '30 minutes'", &c, 1), ==, 0);
  g_assert_cmpint (apply (db, "now() + interval '2 hours'", &c, 1), ==, 2);
  g_assert_cmpint (count (db, "subject = 'budget:1' AND state = 'open'"), ==, 2);

  /* A mute that ended is refused before it starts. */
  g_assert_false (tg_alert_mute (conn, first, g_get_real_time () - G_USEC_PER_SEC, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "has passed"));
  g_clear_error (&error);

  /* Mutes are configuration: audited under the login. */
  sql = g_strdup_printf ("SELECT count(*) FROM tollgate.audit_log WHERE table_name = "
                         "'alert_mutes' AND acting_role = '%s'", login);
  g_assert_cmpint (tg_test_db_scalar_int (db, sql), >=, 3);

  g_clear_pointer (&conn, PQfinish);
  drop_login (db, login);
}

static void
test_viewer (Fixture       *fixture,
             gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate c = budget (NOV_START, DEC_START, "85", "85");
  g_autofree char *login = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) result = NULL;
  guint changed = 99;
  gint64 id;

  if (db == NULL)
    return;

  apply (db, "timestamptz '2026-11-10 00:00+11'", &c, 1);
  id = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts");
  login = create_login (db, "tollgate_viewer");
  conn = tg_test_db_connect_as (db, login);

  /* Reads and evaluates … */
  alerts = tg_alert_fetch_list (conn, TG_ALERT_STATES_ALL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  /* (as of the 15th of November, so that the alert's month is not over) */
  g_assert_true (tg_alert_evaluate (conn, G_GINT64_CONSTANT (1794700800) * G_USEC_PER_SEC,
                                    &changed, &error));
  g_assert_no_error (error);

  /* … but may neither acknowledge nor mute, nor raise or change alerts itself. */
  g_assert_false (tg_alert_acknowledge (conn, id, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (tg_alert_mute (conn, id, TG_ALERT_TIME_NEVER, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (tg_alert_unmute (conn, id, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  sql = apply_sql ("now()", &c, 1);
  result = tg_db_query (conn, sql, 0, NULL, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_pointer (&result, PQclear);
  result = tg_db_query (conn, "UPDATE tollgate.alerts SET state = 'acknowledged'", 0, NULL,
                        &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_pointer (&result, PQclear);
  result = tg_db_query (conn, "DELETE FROM tollgate.alert_events", 0, NULL, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_cmpint (count (db, "state = 'open' AND acknowledged_by IS NULL"), ==, 1);

  g_clear_pointer (&conn, PQfinish);
  drop_login (db, login);
}

/* --- notifications ------------------------------------------------------------------- */

/* Waits until @listener has been told of every id in @ids (and maybe more). */
static void
wait_for_notifies (PGconn        *listener,
                   const gint64  *ids,
                   guint          n_ids)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 deadline = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      PGnotify *notify;
      guint found = 0;

      g_assert_true (PQconsumeInput (listener));
      while ((notify = PQnotifies (listener)) != NULL)
        {
          g_assert_cmpstr (notify->relname, ==, "tollgate_alerts");
          g_hash_table_add (seen, g_strdup (notify->extra));
          PQfreemem (notify);
        }
      for (guint i = 0; i < n_ids; i++)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ids[i]);

          found += g_hash_table_contains (seen, id);
        }
      if (found == n_ids)
        return;

      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %d s waiting for NOTIFY tollgate_alerts", GUARD_SECONDS);
      /* The notifier is another session: nothing to iterate meanwhile. */
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

static void
test_notify (Fixture       *fixture,
             gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate c[] = {
    budget (NOV_START, DEC_START, "85", "85"),
    { "quota", "provider:here", "quota:3", NOV_START, DEC_START, "70", "70" },
  };
  g_autoptr(PGconn) listener = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[2];

  if (db == NULL)
    return;

  listener = tg_db_connect (db->conninfo, "tollgate-tests-listener", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (listener, "LISTEN tollgate_alerts", &error));
  g_assert_no_error (error);

  apply (db, "timestamptz '2026-11-10 00:00+11'", c, 2);
  ids[0] = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts WHERE kind = 'budget'");
  ids[1] = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts WHERE kind = 'quota'");
  wait_for_notifies (listener, ids, 2);

  /* An acknowledgement is told as well. */
  g_assert_true (tg_alert_acknowledge (db->conn, ids[1], &error));
  g_assert_no_error (error);
  wait_for_notifies (listener, &ids[1], 1);
}

/* --- evaluation with and without sources --------------------------------------------- */

/* Stand-ins for the sources of the budgets and anomalies migrations, reading tables the
 * test fills; replaced if those migrations made the real ones. */
static const char sources_sql[] =
  "DROP FUNCTION IF EXISTS tollgate.budget_alert_candidates(timestamptz) CASCADE; "
  "DROP FUNCTION IF EXISTS tollgate.anomaly_alert_candidates(timestamptz) CASCADE; "
  "CREATE TABLE public.test_budget (level numeric, threshold text); "
  "CREATE TABLE public.test_spikes (scope text); "
  "CREATE FUNCTION tollgate.budget_alert_candidates(p_now timestamptz) "
  "RETURNS SETOF tollgate.alert_candidate LANGUAGE sql STABLE AS $$ "
  "  SELECT ROW('budget', 'overall', 'budget:1', date_trunc('month', p_now), "
  "             date_trunc('month', p_now) + interval '1 month', b.level, b.threshold, "
  "             'Overall spend passed ' || coalesce(b.threshold, 'nothing'), "
  "             '{}'::jsonb)::tollgate.alert_candidate "
  "  FROM public.test_budget b $$; "
  "CREATE FUNCTION tollgate.anomaly_alert_candidates(p_now timestamptz) "
  "RETURNS SETOF tollgate.alert_candidate LANGUAGE sql STABLE AS $$ "
  "  SELECT ROW('provider_errors', s.scope, '', date_trunc('hour', p_now), "
  "             date_trunc('hour', p_now) + interval '1 hour', 100, '', "
  "             s.scope || ' fails', '{}'::jsonb)::tollgate.alert_candidate "
  "  FROM public.test_spikes s $$";

static void
test_evaluate (Fixture       *fixture,
               gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autofree char *login = NULL;
  g_autoptr(PGconn) viewer = NULL;
  guint changed = 99;
  gint64 now = g_get_real_time ();

  if (db == NULL)
    return;

  /* Without sources: nothing to do, and no error. */
  tg_test_db_exec (db,
                   "DROP FUNCTION IF EXISTS tollgate.budget_alert_candidates(timestamptz) CASCADE; "
                   "DROP FUNCTION IF EXISTS tollgate.anomaly_alert_candidates(timestamptz) CASCADE");
  g_assert_true (tg_alert_evaluate (db->conn, now, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpint (tg_alert_service_evaluate (db->conn, tz, now, &error), ==, 0);
  g_assert_no_error (error);

  /* With them: what they propose, once, whoever evaluates. */
  tg_test_db_exec (db, sources_sql);
  tg_test_db_exec (db, "INSERT INTO public.test_budget VALUES (85, '85'); "
                       "INSERT INTO public.test_spikes VALUES ('provider:here')");
  g_assert_cmpint (tg_alert_service_evaluate (db->conn, tz, now, &error), ==, 2);
  g_assert_no_error (error);
  login = create_login (db, "tollgate_viewer");
  viewer = tg_test_db_connect_as (db, login);
  g_assert_cmpint (tg_alert_service_evaluate (viewer, tz, now, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "state = 'open'"), ==, 2);

  /* The spike is over when its source no longer names it; the budget when its level is
   * NULL. */
  tg_test_db_exec (db, "DELETE FROM public.test_spikes");
  g_assert_cmpint (tg_alert_service_evaluate (viewer, tz, now, &error), ==, 1);
  g_assert_cmpint (count (db, "kind = 'provider_errors' AND state = 'recovered'"), ==, 1);
  tg_test_db_exec (db, "UPDATE public.test_budget SET level = NULL, threshold = NULL");
  g_assert_cmpint (tg_alert_service_evaluate (viewer, tz, now, &error), ==, 1);
  g_assert_cmpint (count (db, "state = 'recovered'"), ==, 2);

  /* A source's mistake is said, and changes nothing. */
  tg_test_db_exec (db, "UPDATE public.test_budget SET level = 95, threshold = NULL");
  g_assert_cmpint (tg_alert_service_evaluate (viewer, tz, now, &error), ==, -1);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "does not say which"));
  g_clear_error (&error);
  g_assert_cmpint (count (db, "state = 'recovered'"), ==, 2);

  g_clear_pointer (&viewer, PQfinish);
  drop_login (db, login);
}

/* --- the queries --------------------------------------------------------------------- */

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
guard_expired_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);

  g_source_set_callback (guard, guard_expired_cb, &expired, NULL);
  g_source_attach (guard, context);
  while (*result == NULL && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  if (*result == NULL)
    g_error ("Gave up after %d s waiting for an asynchronous query", GUARD_SECONDS);

  return *result;
}

static void
test_queries (Fixture       *fixture,
              gconstpointer  data)
{
  TgTestDb *db = fixture->db;
  const Candidate c[] = {
    budget (NOV_START, DEC_START, "70", "70"),
    { "quota", "provider:here", "quota:3", NOV_START, DEC_START, "70", "70" },
    { "new_ip", "user:7", "203.0.113.9", "'-infinity'", "'infinity'", "100", "" },
  };
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) async_alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgDbConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TgAlert) one = NULL;
  TgAlert *newest;
  gint64 quota_id;
  gint64 since;

  if (db == NULL)
    return;

  /* Raised an hour apart, newest last; then the quota is acknowledged. */
  apply (db, "timestamptz '2026-11-10 09:00+11'", &c[0], 1);
  apply (db, "timestamptz '2026-11-10 10:00+11'", c, 2);
  apply (db, "timestamptz '2026-11-10 11:00+11'", c, 3);
  quota_id = tg_test_db_scalar_int (db, "SELECT alert_id FROM tollgate.alerts WHERE kind = 'quota'");
  g_assert_true (tg_alert_acknowledge (db->conn, quota_id, &error));
  g_assert_no_error (error);

  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, NULL, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 3);
  newest = g_ptr_array_index (alerts, 0);
  g_assert_cmpstr (newest->kind, ==, "new_ip");
  g_assert_cmpstr (((TgAlert *)g_ptr_array_index (alerts, 1))->kind, ==, "quota");
  g_assert_cmpstr (((TgAlert *)g_ptr_array_index (alerts, 2))->kind, ==, "budget");
  /* 2026-11-10 11:00+11 */
  g_assert_cmpint (newest->created_at, ==, G_GINT64_CONSTANT (1794268800) * G_USEC_PER_SEC);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* By state, kind, time and number. */
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_OPEN, NULL, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ACKNOWLEDGED | TG_ALERT_STATES_MUTED,
                                NULL, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpint (((TgAlert *)g_ptr_array_index (alerts, 0))->id, ==, quota_id);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, "budget", 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  since = G_GINT64_CONSTANT (1794265200) * G_USEC_PER_SEC;   /* 2026-11-10 10:00+11 */
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, NULL, since, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, NULL, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_clear_pointer (&alerts, g_ptr_array_unref);

  /* One by id, and one that is not there. */
  one = tg_alert_fetch (db->conn, quota_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (one->state, ==, TG_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (one->scope, ==, "provider:here");
  g_assert_cmpstr (one->subject, ==, "quota:3");
  g_assert_cmpstr (one->message, ==, "quota provider:here passed 70");
  g_assert_cmpint (one->period_start, ==, G_GINT64_CONSTANT (1793451600) * G_USEC_PER_SEC);
  g_assert_cmpint (one->muted_until, ==, 0);
  g_assert_cmpint (one->recovered_at, ==, 0);
  g_assert_null (tg_alert_fetch (db->conn, 424242, &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_cmpstr (error->message, ==, "There is no alert 424242");
  g_clear_error (&error);

  /* The asynchronous listing reads the same, as the Alerts page will. */
  alerts = tg_alert_fetch_list (db->conn, TG_ALERT_STATES_ALL, NULL, 0, 100, &error);
  g_assert_no_error (error);
  connection = tg_db_connection_new (db->conninfo);
  tg_alert_list_async (connection, TG_ALERT_STATES_ALL, NULL, 0, 100, NULL, store_result_cb,
                       &result);
  async_alerts = tg_alert_list_finish (connection, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (async_alerts->len, ==, alerts->len);
  for (guint i = 0; i < alerts->len; i++)
    {
      TgAlert *a = g_ptr_array_index (alerts, i);
      TgAlert *b = g_ptr_array_index (async_alerts, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->state, ==, b->state);
      g_assert_cmpint (a->created_at, ==, b->created_at);
      g_assert_cmpstr (a->message, ==, b->message);
      g_assert_cmpstr (a->acknowledged_by, ==, b->acknowledged_by);
    }
  g_clear_object (&result);
  tg_alert_get_async (connection, 424242, NULL, store_result_cb, &result);
  g_assert_null (tg_alert_get_finish (connection, wait_for_result (&result), &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_clear_error (&error);
  g_clear_object (&result);
  tg_alert_acknowledge_async (connection, quota_id, NULL, store_result_cb, &result);
  g_assert_false (tg_alert_acknowledge_finish (connection, wait_for_result (&result), &error));
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_clear_error (&error);
  g_clear_object (&result);
  tg_alert_mute_async (connection, quota_id, TG_ALERT_TIME_NEVER, NULL, store_result_cb, &result);
  g_assert_true (tg_alert_mute_finish (connection, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tg_alert_unmute_async (connection, quota_id, NULL, store_result_cb, &result);
  g_assert_true (tg_alert_unmute_finish (connection, wait_for_result (&result), &error));
  g_assert_no_error (error);
  tg_db_connection_close (connection);
}

/* --- the table's own rules ----------------------------------------------------------- */

static void
test_state_names (void)
{
  TgAlertState state;

  for (guint i = TG_ALERT_STATE_OPEN; i <= TG_ALERT_STATE_MUTED; i++)
    {
      g_assert_true (tg_alert_state_parse (tg_alert_state_to_string (i), &state));
      g_assert_cmpint (state, ==, i);
    }
  g_assert_false (tg_alert_state_parse ("all", &state));
  g_assert_false (tg_alert_state_parse ("Open", &state));
  g_assert_false (tg_alert_state_parse (NULL, &state));
  g_assert_true (tg_alert_kind_is_valid ("provider_timeouts"));
  g_assert_false (tg_alert_kind_is_valid ("budgets"));
  g_assert_false (tg_alert_kind_is_valid (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/alerts/state-names", test_state_names);
#define ADD(name, func) \
  g_test_add ("/tollgate/db/alerts/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("four-evaluators-once", test_concurrent);
  ADD ("rollover-re-arms", test_rollover);
  ADD ("jump-names-highest", test_jump);
  ADD ("recovery-and-reopen", test_recovery);
  ADD ("absolute-thresholds", test_absolute);
  ADD ("spike-recovers-when-gone", test_spike);
  ADD ("new-ip-never-recovers", test_new_ip);
  ADD ("acknowledge", test_acknowledge);
  ADD ("mute", test_mute);
  ADD ("viewer-refused", test_viewer);
  ADD ("notify", test_notify);
  ADD ("evaluate-sources", test_evaluate);
  ADD ("queries", test_queries);
#undef ADD

  return g_test_run ();
}
