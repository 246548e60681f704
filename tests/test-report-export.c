/* test-report-export.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An export is a PDF on disk and a line in the audit log, or neither: written on a
 * thread, recorded on the caller's connection as the session user, and deleted again
 * when the audit log refuses it. On the real test cluster.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tg-report-export.h"
#include "tg-test-db.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)

static void
iterate_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting after %d s", (int)(WAIT_LIMIT_US / G_USEC_PER_SEC));
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
on_status (TgDbConnection *connection,
           GParamSpec     *pspec,
           gboolean       *connected)
{
  *connected = tg_db_connection_get_status (connection) == TG_DB_CONNECTION_STATUS_CONNECTED;
}

static TgDbConnection *
connect_as (TgTestDb   *db,
            const char *role)
{
  g_autofree char *conninfo = tg_test_db_conninfo_as (db, role);
  TgDbConnection *connection = tg_db_connection_new (conninfo);
  gboolean connected = FALSE;

  g_signal_connect (connection, "notify::status", G_CALLBACK (on_status), &connected);
  tg_db_connection_connect (connection);
  iterate_until (&connected);
  g_signal_handlers_disconnect_by_data (connection, &connected);

  return connection;
}

static char *
create_login_role (TgTestDb   *db,
                   const char *group_role)
{
  g_autofree char *name = tg_test_unique_name ("tgexport");
  g_autofree char *sql = NULL;

  if (group_role != NULL)
    sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE %s", name, group_role);
  else
    sql = g_strdup_printf ("CREATE ROLE %s LOGIN", name);
  tg_test_db_exec (db, sql);

  return g_steal_pointer (&name);
}

static TgSummaryReport *
small_report (void)
{
  static const TgBarChartItem items[] = {
    { .label = "Geoscape", .value = 12.5 },
    { .label = "OpenAI", .value = 3.25 },
  };
  const char *columns[] = { "Provider", "Cost", NULL };
  const char *row[] = { "Geoscape", "$12.50 AUD", NULL };
  TgSummaryReport *report = tg_summary_report_new ("Usage", "November 2026");

  tg_summary_report_set_chart (report, "Cost by Provider", items, G_N_ELEMENTS (items));
  tg_summary_report_set_table (report, "Providers", columns);
  tg_summary_report_add_row (report, row);

  return report;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = tg_report_export_finish (result, &outcome->error);
  outcome->done = TRUE;
}

static void
export_as (TgTestDb   *db,
           const char *role,
           const char *path,
           Outcome    *outcome)
{
  g_autoptr(TgDbConnection) connection = connect_as (db, role);
  g_autoptr(TgSummaryReport) report = small_report ();
  g_autoptr(GFile) file = g_file_new_for_path (path);

  tg_report_export_async (connection, report, file, "overview", "2026-11", NULL,
                          on_exported, outcome);
  iterate_until (&outcome->done);
  tg_db_connection_close (connection);
}

static void
test_recorded (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *details = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *drop = NULL;
  Outcome outcome = { 0 };

  if (db == NULL)
    return;

  finance = create_login_role (db, "tollgate_finance");
  dir = g_dir_make_tmp ("tg-export-XXXXXX", NULL);
  path = g_build_filename (dir, "overview.pdf", NULL);

  export_as (db, finance, path, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.ok);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  sql = g_strdup_printf ("SELECT details::text FROM tollgate.audit_log "
                         "WHERE action = 'export' AND acting_role = '%s'", finance);
  details = tg_test_db_scalar (db, sql);
  g_assert_cmpstr (details, ==, "{\"format\": \"pdf\", \"period\": \"2026-11\", "
                                "\"report\": \"overview\"}");

  g_unlink (path);
  g_rmdir (dir);
  drop = g_strdup_printf ("DROP ROLE %s", finance);
  tg_test_db_exec (db, drop);
}

/* A login without a Tollgate role may not write to the audit log: no file is left. */
static void
test_refused_removes_file (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *nobody = NULL;
  g_autofree char *drop = NULL;
  Outcome outcome = { 0 };

  if (db == NULL)
    return;

  nobody = create_login_role (db, NULL);
  dir = g_dir_make_tmp ("tg-export-XXXXXX", NULL);
  path = g_build_filename (dir, "overview.pdf", NULL);

  export_as (db, nobody, path, &outcome);
  g_assert_false (outcome.ok);
  g_assert_nonnull (outcome.error);
  g_assert_true (strstr (outcome.error->message, "audit log did not record") != NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.audit_log "
                                              "WHERE action = 'export'"), ==, 0);

  g_clear_error (&outcome.error);
  g_rmdir (dir);
  drop = g_strdup_printf ("DROP ROLE %s", nobody);
  tg_test_db_exec (db, drop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/report-export/recorded", test_recorded);
  g_test_add_func ("/tollgate/db/report-export/refused-removes-file", test_refused_removes_file);

  return g_test_run ();
}
