/* test-ctl-reconnect.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgatectl's long runners across outages (src/cli/tg-ctl-session.c): `refresh
 * --follow` and `simulate --live` lose their session — terminated by an administrator,
 * or the server restarted — reconnect, keep going, say so once when it goes and once
 * when it is back, stop cleanly on a signal, and count exactly what the database holds.
 *
 * Every outage is forced where it matters: the test holds a lock the runner's statement
 * needs, sees it waiting, and only then ends its session, so the statement in flight is
 * the one lost. The commit whose answer is lost is forced too: the runner's commit waits
 * for a synchronous standby that does not exist, and is terminated while it waits, after
 * committing locally. These tests restart the shared cluster and change its
 * configuration, so they run alone (is_parallel: false), and the cases that do so run
 * in a child process, after which this process puts the cluster back whatever happened.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-test-ctl.h"
#include "tg-test-db.h"

#define LOST_LINE "tollgatectl: lost the connection to the database ("
#define BACK_LINE "tollgatectl: connected to the database again after "

static JsonObject *
parse_summary (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gint64
max_usage_id (TgTestDb *db)
{
  return tg_test_db_scalar_int (db, "SELECT coalesce (max (api_usage_id), 0) "
                                    "FROM tollgate.api_usage_tracking");
}

static void
insert_usage (TgTestDb *db,
              guint     n)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, response_status) "
    "SELECT 'here', '/v1/geocode', 'geocode', 200 FROM generate_series (1, %u)", n);

  tg_test_db_exec (db, sql);
}

/* Until the rollups' watermark has passed every usage row there is. */
static void
wait_for_watermark (TgTestDb *db)
{
  g_autofree char *sql = g_strdup_printf ("SELECT last_id >= %" G_GINT64_FORMAT " "
                                          "FROM tollgate.rollup_state", max_usage_id (db));

  tg_test_db_wait_until (db, sql);
}

/* Until the live run has written more than @rows rows. */
static void
wait_for_rows (TgTestDb *db,
               gint64    rows)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) > %" G_GINT64_FORMAT " "
                                          "FROM tollgate.api_usage_tracking", rows);

  tg_test_db_wait_until (db, sql);
}

static gint64
count_rows (TgTestDb *db)
{
  return tg_test_db_scalar_int (db, "SELECT count (*) FROM tollgate.api_usage_tracking");
}

/* Ends the sessions of @application_name and waits until they are gone. */
static void
terminate (TgTestDb   *db,
           const char *application_name)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count (*) FILTER (WHERE pg_terminate_backend (pid, 60000)) "
    "FROM pg_stat_activity WHERE application_name = '%s'", application_name);

  g_assert_cmpint (tg_test_db_scalar_int (db, sql), ==, 1);
}

/* One line when the connection went, one when it came back, for each of @n_outages; no
 * GLib criticals and no PL/pgSQL context anywhere.
 */
static void
assert_outage_lines (const char *err,
                     guint       n_outages,
                     const char *reason)
{
  g_autofree char *lost = g_strdup_printf (LOST_LINE "%s", reason);

  g_test_message ("stderr:\n%s", err);
  if (tg_test_count_lines_with (err, LOST_LINE) != n_outages
      || tg_test_count_lines_with (err, lost) != n_outages
      || tg_test_count_lines_with (err, BACK_LINE) != n_outages
      || strstr (err, "CRITICAL") != NULL
      || strstr (err, "CONTEXT") != NULL
      || strstr (err, "PL/pgSQL") != NULL)
    g_error ("Expected %u outages told as “%s…” and “%s…”, and nothing else; stderr:\n%s",
             n_outages, lost, BACK_LINE, err);
}

/* What a live run reported equals what the database holds. */
static void
assert_live_summary (TgTestDb   *db,
                     const char *out,
                     guint       n_outages)
{
  g_autoptr(JsonObject) summary = parse_summary (out);

  g_assert_cmpstr (json_object_get_string_member (summary, "mode"), ==, "live");
  g_assert_cmpint (json_object_get_int_member (summary, "rows"), ==, count_rows (db));
  g_assert_cmpint (json_object_get_int_member (summary, "calls"), ==,
                   tg_test_db_scalar_int (db, "SELECT coalesce (sum (call_count), 0) "
                                              "FROM tollgate.api_usage_tracking"));
  g_assert_cmpint (json_object_get_int_member (summary, "outages"), ==, n_outages);
}

/* refresh --follow, terminated inside the refresher (it waits for the rollup state's row
 * the test holds): the refresh in flight rolls back, the follower reconnects and adds
 * every row exactly once.
 */
static void
test_follow_terminated (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(PGconn) locker = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tgfollow");
  g_autofree char *db_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  TgTestCtl *ctl;

  if (db == NULL)
    return;

  insert_usage (db, 30);
  db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, application_name);
  ctl = tg_test_ctl_start ("refresh", "--follow", "--interval", "0.1", "--json", db_arg, NULL);
  wait_for_watermark (db);

  locker = tg_db_connect (db->conninfo, "tollgate-tests-locker", &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_exec (locker, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (locker, "SELECT last_id FROM tollgate.rollup_state FOR UPDATE"));
  insert_usage (db, 20);
  tg_test_wait_for_lock_waits (db, application_name, 1);
  terminate (db, application_name);
  g_assert_true (tg_db_exec (locker, "COMMIT", NULL));

  tg_test_ctl_wait_for_stderr (ctl, BACK_LINE, 1);
  insert_usage (db, 5);
  wait_for_watermark (db);

  tg_test_ctl_signal (ctl, SIGINT);
  g_assert_cmpint (tg_test_ctl_finish (ctl, &out, &err), ==, 0);
  assert_outage_lines (err, 1, "terminating connection due to administrator command)");

  summary = parse_summary (out);
  g_assert_cmpint (json_object_get_int_member (summary, "rows_added"), ==, 55);
  g_assert_cmpint (json_object_get_int_member (summary, "last_id"), ==, max_usage_id (db));
  g_assert_cmpint (json_object_get_int_member (summary, "outages"), ==, 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT sum (calls) FROM tollgate.usage_rollup_15m"),
                   ==, 55);
}

/* simulate --live, terminated while it inserts (the test holds a SHARE lock on the usage
 * table): the batch in flight was never committed, goes again after the reconnect, and
 * the summary is what the table holds.
 */
static void
test_live_terminated (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *application_name = tg_test_unique_name ("tglive");
  g_autofree char *db_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 rows;
  TgTestCtl *ctl;

  if (db == NULL)
    return;

  db_arg = g_strdup_printf ("--db=%s application_name=%s", db->conninfo, application_name);
  ctl = tg_test_ctl_start ("simulate", "--live", "--rate", "200", "--json", db_arg, NULL);
  wait_for_rows (db, 0);

  tg_test_db_exec (db, "BEGIN");
  tg_test_db_exec (db, "LOCK TABLE tollgate.api_usage_tracking IN SHARE MODE");
  tg_test_wait_for_lock_waits (db, application_name, 1);
  terminate (db, application_name);
  tg_test_db_exec (db, "COMMIT");

  tg_test_ctl_wait_for_stderr (ctl, BACK_LINE, 1);
  rows = count_rows (db);
  wait_for_rows (db, rows);

  tg_test_ctl_signal (ctl, SIGTERM);
  g_assert_cmpint (tg_test_ctl_finish (ctl, &out, &err), ==, 0);
  assert_outage_lines (err, 1, "terminating connection due to administrator command)");
  assert_live_summary (db, out, 1);
}

/* The cluster-wide settings the next case changes, put back. */
static void
reset_synchronous_standby (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = tg_db_connect ("dbname=postgres", "tollgate-tests", &error);

  g_assert_no_error (error);
  g_assert_true (tg_db_exec (admin, "ALTER SYSTEM RESET synchronous_standby_names", NULL));
  g_assert_true (tg_db_exec (admin, "SELECT pg_reload_conf ()", NULL));
}

/* simulate --live, terminated after its commit happened but before it was told: the
 * commit waits for a synchronous standby that never answers (only this run's session asks
 * for synchronous commit; the cluster runs without), and ending the session then leaves
 * the batch committed and the client without an answer. The run must ask what became of
 * it: counted once, not sent again, not left out.
 */
static void
test_live_commit_unanswered_body (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *application_name = tg_test_unique_name ("tglive");
  g_autofree char *db_arg = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 rows;
  TgTestCtl *ctl;

  if (db == NULL)
    return;

  db_arg = g_strdup_printf ("--db=%s application_name=%s options='-c synchronous_commit=on'",
                            db->conninfo, application_name);
  ctl = tg_test_ctl_start ("simulate", "--live", "--rate", "200", "--json", db_arg, NULL);
  wait_for_rows (db, 0);

  tg_test_db_exec (db, "ALTER SYSTEM SET synchronous_standby_names = 'tollgate_test_nobody'");
  tg_test_db_exec (db, "SELECT pg_reload_conf ()");
  waiting = g_strdup_printf ("SELECT count (*) = 1 FROM pg_stat_activity "
                             "WHERE application_name = '%s' AND wait_event = 'SyncRep'",
                             application_name);
  tg_test_db_wait_until (db, waiting);
  terminate (db, application_name);
  reset_synchronous_standby ();

  tg_test_ctl_wait_for_stderr (ctl, BACK_LINE, 1);
  rows = count_rows (db);
  wait_for_rows (db, rows);

  tg_test_ctl_signal (ctl, SIGTERM);
  g_assert_cmpint (tg_test_ctl_finish (ctl, &out, &err), ==, 0);
  /* A session ended in that wait says why in a warning only, not as its last word. */
  assert_outage_lines (err, 1, "");
  assert_live_summary (db, out, 1);
}

/* Both runners while the server stops and starts again: each comes back by itself and
 * goes on.
 */
static void
test_restart_body (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *follow_arg = NULL;
  g_autofree char *live_arg = NULL;
  g_autofree char *follow_out = NULL;
  g_autofree char *follow_err = NULL;
  g_autofree char *live_out = NULL;
  g_autofree char *live_err = NULL;
  TgTestCtl *follow;
  TgTestCtl *live;
  gint64 rows;

  if (db == NULL)
    return;

  follow_arg = g_strdup_printf ("--db=%s application_name=tgfollow", db->conninfo);
  live_arg = g_strdup_printf ("--db=%s application_name=tglive", db->conninfo);
  follow = tg_test_ctl_start ("refresh", "--follow", "--interval", "0.1", "--json", follow_arg,
                              NULL);
  live = tg_test_ctl_start ("simulate", "--live", "--rate", "200", "--json", live_arg, NULL);
  wait_for_rows (db, 0);
  wait_for_watermark (db);

  tg_test_cluster_command ("stop");
  /* Both notice while the server is away (their next statement fails), not after. */
  tg_test_ctl_wait_for_stderr (follow, LOST_LINE, 1);
  tg_test_ctl_wait_for_stderr (live, LOST_LINE, 1);
  tg_test_cluster_command ("start");

  tg_test_ctl_wait_for_stderr (follow, BACK_LINE, 1);
  tg_test_ctl_wait_for_stderr (live, BACK_LINE, 1);
  g_clear_pointer (&db->conn, PQfinish);
  db->conn = tg_db_connect (db->conninfo, "tollgate-tests", &error);
  g_assert_no_error (error);

  rows = count_rows (db);
  wait_for_rows (db, rows);
  tg_test_ctl_signal (live, SIGINT);
  g_assert_cmpint (tg_test_ctl_finish (live, &live_out, &live_err), ==, 0);
  assert_live_summary (db, live_out, 1);

  wait_for_watermark (db);
  tg_test_ctl_signal (follow, SIGINT);
  g_assert_cmpint (tg_test_ctl_finish (follow, &follow_out, &follow_err), ==, 0);
  summary = parse_summary (follow_out);
  g_assert_cmpint (json_object_get_int_member (summary, "rows_added"), ==, count_rows (db));
  g_assert_cmpint (json_object_get_int_member (summary, "outages"), ==, 1);

  /* Whether the server's goodbye reached them before the socket closed varies; that
   * they said it once, and once that they are back, does not.
   */
  assert_outage_lines (live_err, 1, "");
  assert_outage_lines (follow_err, 1, "");
}

/* Runs @body in a child, so that this process can put the cluster back (started, its
 * configuration reset) whatever became of it, and later tests find it as they expect.
 */
static void
run_alone (void (*body) (void))
{
  if (g_getenv ("TG_SERVICES_DIR") == NULL)
    {
      g_test_skip ("Restarting or reconfiguring the server needs the cluster of "
                   "tools/with-services");
      return;
    }

  if (g_test_subprocess ())
    {
      body ();
      return;
    }

  g_test_trap_subprocess (NULL, 300 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  tg_test_cluster_command ("start");
  reset_synchronous_standby ();
  g_test_trap_assert_passed ();
}

static void
test_live_commit_unanswered (void)
{
  run_alone (test_live_commit_unanswered_body);
}

static void
test_restart (void)
{
  run_alone (test_restart_body);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/ctl-reconnect/follow-terminated", test_follow_terminated);
  g_test_add_func ("/tollgate/db/ctl-reconnect/live-terminated", test_live_terminated);
  g_test_add_func ("/tollgate/db/ctl-reconnect/live-commit-unanswered",
                   test_live_commit_unanswered);
  g_test_add_func ("/tollgate/db/ctl-reconnect/restart", test_restart);

  return g_test_run ();
}
