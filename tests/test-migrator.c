/* test-migrator.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-db-util.h"
#include "tg-migrator.h"
#include "tg-test-db.h"

/* Every table the schema has had since its first migrations (docs/architecture.md). */
static const char * const design_tables[] = {
  "tollgate.schema_migrations",
  "tollgate.api_usage_tracking",
  "tollgate.price_book",
  "tollgate.exchange_rates",
  "tollgate.settings",
  "tollgate.providers",
  "tollgate.regions",
  "tollgate.cost_centres",
  "tollgate.users",
  "tollgate.features",
  "tollgate.api_keys",
  "tollgate.audit_log",
};

/* The usage table: the story card's APIUsageTracking in snake_case plus feature
 * and region, with the types the platform writes. Sorted by name, as the query below.
 */
static const char expected_usage_columns[] =
  "api_endpoint text NO, "
  "api_provider text NO, "
  "api_usage_id bigint NO, "
  "billing_period text YES, "
  "call_count integer NO, "
  "created_at timestamp with time zone NO, "
  "credit_cost numeric NO, "
  "feature text YES, "
  "ip_address inet YES, "
  "is_billable boolean NO, "
  "region text YES, "
  "request_data jsonb YES, "
  "request_type text NO, "
  "response_data jsonb YES, "
  "response_status smallint NO, "
  "response_time integer YES, "
  "user_agent text YES, "
  "user_id bigint YES";

static void
assert_schema_complete (PGconn *conn)
{
  g_autofree char *columns = NULL;
  g_autofree char *partkey = NULL;
  g_autofree char *triggers = NULL;
  g_autofree char *identity = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (design_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT to_regclass('%s')::text", design_tables[i]);
      g_autofree char *name = tg_test_conn_scalar (conn, sql);

      if (name == NULL)
        g_error ("Table %s is missing after migrating", design_tables[i]);
    }

  columns = tg_test_conn_scalar (conn,
    "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' "
    "                  ORDER BY column_name) "
    "FROM information_schema.columns "
    "WHERE table_schema = 'tollgate' AND table_name = 'api_usage_tracking'");
  g_assert_cmpstr (columns, ==, expected_usage_columns);

  identity = tg_test_conn_scalar (conn,
    "SELECT is_identity FROM information_schema.columns "
    "WHERE table_schema = 'tollgate' AND table_name = 'api_usage_tracking' "
    "  AND column_name = 'api_usage_id'");
  g_assert_cmpstr (identity, ==, "YES");

  /* Monthly range partitions on created_at, and no row triggers (ingest throughput). */
  partkey = tg_test_conn_scalar (conn,
    "SELECT pg_get_partkeydef('tollgate.api_usage_tracking'::regclass)");
  g_assert_cmpstr (partkey, ==, "RANGE (created_at)");

  triggers = tg_test_conn_scalar (conn,
    "SELECT count(*) FROM pg_trigger "
    "WHERE tgrelid = 'tollgate.api_usage_tracking'::regclass AND NOT tgisinternal");
  g_assert_cmpstr (triggers, ==, "0");
}

/* The version table as text: versions, names, checksums, times and roles. */
static char *
dump_version_table (PGconn *conn)
{
  return tg_test_conn_scalar (conn,
    "SELECT string_agg(format('%s|%s|%s|%s|%s', version, name, checksum, "
    "                         applied_at, applied_by), E'\\n' ORDER BY version) "
    "FROM tollgate.schema_migrations");
}

static void
count_progress (const TgMigration *migration,
                gpointer           user_data)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add (seen, g_strdup_printf ("%04u_%s", migration->version, migration->name));
}

static void
test_known (void)
{
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  guint latest = tg_migrator_get_latest_version ();

  /* Numbered from 1 without gaps, each with a checksum. A gap is most often a file left
   * out of data/sql/tollgate-sql.gresource.xml. (The migrator itself applies every one it
   * has not applied, not only those above the highest applied, so that branches which
   * took numbers in parallel may land in any order.)
   */
  g_assert_cmpuint (known->len, >=, 5);
  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);

      g_assert_cmpuint (migration->version, ==, i + 1);
      g_assert_nonnull (migration->name);
      g_assert_cmpuint (strlen (migration->checksum), ==, 64);
      g_assert_false (migration->applied);
    }
  g_assert_cmpuint (latest, ==, known->len);
}

static void
test_from_empty (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(GPtrArray) known = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  guint n_applied = 0;
  guint version = 0;

  if (db == NULL)
    return;

  known = tg_migrator_list_known ();
  seen = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (tg_migrator_migrate (db->conn, count_progress, seen, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, known->len);
  g_assert_cmpuint (seen->len, ==, known->len);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "0001_usage");

  g_assert_true (tg_migrator_get_schema_version (db->conn, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, tg_migrator_get_latest_version ());

  g_assert_true (tg_migrator_check_compatible (db->conn, &version, &error));
  g_assert_no_error (error);

  /* Each migration recorded once, with the checksum of the file this program carries. */
  for (guint i = 0; i < known->len; i++)
    {
      TgMigration *migration = g_ptr_array_index (known, i);
      g_autofree char *sql = g_strdup_printf (
        "SELECT name || ' ' || checksum FROM tollgate.schema_migrations WHERE version = %u",
        migration->version);
      g_autofree char *row = tg_test_db_scalar (db, sql);
      g_autofree char *expected = g_strdup_printf ("%s %s", migration->name, migration->checksum);

      g_assert_cmpstr (row, ==, expected);
    }
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.schema_migrations"),
                   ==, known->len);

  assert_schema_complete (db->conn);
}

static void
test_rerun_is_noop (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *tables_before = NULL;
  g_autofree char *tables_after = NULL;
  guint n_applied = 99;
  const char *tables_sql =
    "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tollgate'";

  if (db == NULL)
    return;

  seen = g_ptr_array_new_with_free_func (g_free);
  before = dump_version_table (db->conn);
  tables_before = tg_test_db_scalar (db, tables_sql);

  g_assert_true (tg_migrator_migrate (db->conn, count_progress, seen, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, 0);
  g_assert_cmpuint (seen->len, ==, 0);

  after = dump_version_table (db->conn);
  tables_after = tg_test_db_scalar (db, tables_sql);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (tables_after, ==, tables_before);
}

typedef struct
{
  /* borrowed */
  const char *conninfo;
  const char *application_name;

  /* results */
  gboolean    ok;
  guint       n_applied;
  GError     *error;
} MigrateThread;

static gpointer
migrate_thread (gpointer user_data)
{
  MigrateThread *self = user_data;
  g_autoptr(PGconn) conn = NULL;

  conn = tg_db_connect (self->conninfo, self->application_name, &self->error);
  if (conn != NULL)
    self->ok = tg_migrator_migrate (conn, NULL, NULL, &self->n_applied, &self->error);

  return NULL;
}

/* Six migrations at once. They really overlap: the test holds the migrator's lock
 * until all six are seen waiting for it, then lets them go.
 */
static void
test_concurrent (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autofree char *application_name = tg_test_unique_name ("tgmigrate");
  g_autofree char *lock_sql = NULL;
  g_autofree char *unlock_sql = NULL;
  MigrateThread threads[6] = { { 0 } };
  GThread *handles[G_N_ELEMENTS (threads)];
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  guint total_applied = 0;
  guint n_appliers = 0;
  guint latest = tg_migrator_get_latest_version ();

  if (db == NULL)
    return;

  lock_sql = g_strdup_printf ("SELECT pg_advisory_lock (%" G_GINT64_FORMAT ")",
                              TG_MIGRATOR_LOCK_KEY);
  unlock_sql = g_strdup_printf ("SELECT pg_advisory_unlock (%" G_GINT64_FORMAT ")",
                                TG_MIGRATOR_LOCK_KEY);
  tg_test_db_exec (db, lock_sql);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      threads[i].conninfo = db->conninfo;
      threads[i].application_name = application_name;
      handles[i] = g_thread_new ("migrate", migrate_thread, &threads[i]);
    }

  tg_test_wait_for_lock_waits (db, application_name, G_N_ELEMENTS (threads));
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM pg_namespace "
                                              "WHERE nspname = 'tollgate'"), ==, 0);
  tg_test_db_exec (db, unlock_sql);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (handles[i]);
      g_assert_no_error (threads[i].error);
      g_assert_true (threads[i].ok);
      total_applied += threads[i].n_applied;
      n_appliers += threads[i].n_applied > 0;
    }

  /* Whoever got the lock first applied everything; the others found nothing to do. */
  g_assert_cmpuint (n_appliers, ==, 1);
  g_assert_cmpuint (total_applied, ==, known->len);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.schema_migrations"),
                   ==, known->len);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(DISTINCT version) FROM tollgate.schema_migrations"),
                   ==, known->len);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT max(version) FROM tollgate.schema_migrations"),
                   ==, latest);

  assert_schema_complete (db->conn);
}

static void
test_refuses_newer_schema (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;
  g_autofree char *newer_text = NULL;
  g_autofree char *latest_text = NULL;
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  guint n_known = known->len;
  guint latest = tg_migrator_get_latest_version ();
  guint n_applied = 99;
  guint version = 0;

  if (db == NULL)
    return;

  insert = g_strdup_printf ("INSERT INTO tollgate.schema_migrations (version, name, checksum) "
                            "VALUES (%u, 'from_the_future', 'unknown')", latest + 1);
  tg_test_db_exec (db, insert);
  newer_text = g_strdup_printf ("version %u", latest + 1);
  latest_text = g_strdup_printf ("version %u", latest);

  g_assert_false (tg_migrator_migrate (db->conn, NULL, NULL, &n_applied, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, newer_text));
  g_assert_nonnull (strstr (error->message, latest_text));
  g_assert_cmpuint (n_applied, ==, 0);
  g_clear_error (&error);

  g_assert_false (tg_migrator_check_compatible (db->conn, &version, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, newer_text));
  g_assert_nonnull (strstr (error->message, latest_text));
  g_assert_cmpuint (version, ==, latest + 1);
  g_clear_error (&error);

  /* Refusing changed nothing: the table is as it was and the session lock is released. */
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.schema_migrations"),
                   ==, n_known + 1);
  g_assert_cmpint (tg_test_db_scalar_int (db, "SELECT count(*) FROM pg_locks "
                                              "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"),
                   ==, 0);
}

static void
test_check_compatible_empty (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  guint version = 99;

  if (db == NULL)
    return;

  g_assert_true (tg_migrator_get_schema_version (db->conn, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, 0);

  version = 99;
  g_assert_false (tg_migrator_check_compatible (db->conn, &version, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_NO_SCHEMA);
  g_assert_nonnull (strstr (error->message, "tollgatectl migrate"));
  g_assert_cmpuint (version, ==, 0);

  /* Checking is read-only: it did not create the schema. */
  g_assert_null (tg_test_db_scalar (db, "SELECT to_regnamespace('tollgate')::text"));
}

static void
test_check_compatible_behind (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *delete = NULL;
  g_autofree char *behind_text = NULL;
  g_autofree char *latest_text = NULL;
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  guint latest = tg_migrator_get_latest_version ();
  /* The one before the latest. */
  guint previous = ((TgMigration *)g_ptr_array_index (known, known->len - 2))->version;
  guint version = 0;

  if (db == NULL)
    return;

  delete = g_strdup_printf ("DELETE FROM tollgate.schema_migrations WHERE version = %u", latest);
  tg_test_db_exec (db, delete);

  g_assert_false (tg_migrator_check_compatible (db->conn, &version, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_BEHIND);
  g_assert_cmpuint (version, ==, previous);
  behind_text = g_strdup_printf ("version %u", previous);
  latest_text = g_strdup_printf ("version %u", latest);
  g_assert_nonnull (strstr (error->message, behind_text));
  g_assert_nonnull (strstr (error->message, latest_text));
}

/* The newest migration applied but one before it not (numbers merged out of order, or a
 * row lost): still behind, and the message names the one that is missing.
 */
static void
test_check_compatible_gap (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  g_autoptr(GError) error = NULL;
  g_autofree char *delete = NULL;
  g_autofree char *missing = NULL;
  TgMigration *middle = g_ptr_array_index (known, known->len - 2);
  guint version = 0;

  if (db == NULL)
    return;

  delete = g_strdup_printf ("DELETE FROM tollgate.schema_migrations WHERE version = %u",
                            middle->version);
  tg_test_db_exec (db, delete);

  g_assert_false (tg_migrator_check_compatible (db->conn, &version, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_BEHIND);
  g_assert_cmpuint (version, ==, tg_migrator_get_latest_version ());
  missing = g_strdup_printf ("%04u_%s", middle->version, middle->name);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, "tollgatectl migrate"));
}

static void
test_refuses_modified (void)
{
  g_autoptr(TgTestDb) db = tg_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;

  if (db == NULL)
    return;

  tg_test_db_exec (db, "UPDATE tollgate.schema_migrations SET checksum = 'edited' WHERE version = 1");
  g_assert_false (tg_migrator_migrate (db->conn, NULL, NULL, NULL, &error));
  g_assert_error (error, TG_MIGRATOR_ERROR, TG_MIGRATOR_ERROR_MODIFIED);
  g_assert_nonnull (strstr (error->message, "0001_usage"));
}

/* Runs tollgatectl with @args and returns its exit status. */
static int
run_tollgatectl (const char * const  *args,
                 char               **out,
                 char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer)g_getenv ("TOLLGATECTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     out, err, &wait_status, &error))
    g_error ("Could not run %s: %s", g_getenv ("TOLLGATECTL"), error->message);

  if (g_spawn_check_wait_status (wait_status, &error))
    return 0;
  if (error->domain == G_SPAWN_EXIT_ERROR)
    return error->code;

  g_error ("tollgatectl did not exit normally: %s", error->message);
  return -1;
}

/* The integer value of "member": N in the JSON text @json, or -1 when absent. */
static gint64
json_int_member (const char *json,
                 const char *member)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\"\\s*:\\s*(-?[0-9]+)", member);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  if (!g_regex_match (regex, json, 0, &match))
    return -1;

  digits = g_match_info_fetch (match, 1);
  return g_ascii_strtoll (digits, NULL, 10);
}

static void
test_tollgatectl (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GPtrArray) known = tg_migrator_list_known ();
  g_autofree char *db_arg = NULL;
  guint latest = tg_migrator_get_latest_version ();

  if (g_getenv ("TOLLGATECTL") == NULL)
    {
      g_test_skip ("TOLLGATECTL is not set (run through meson test)");
      return;
    }

  db = tg_test_db_new (FALSE);
  if (db == NULL)
    return;

  db_arg = g_strdup_printf ("--db=%s", db->conninfo);

  /* Migrate from empty, human output. */
  {
    const char * const args[] = { "migrate", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *expected = g_strdup_printf ("Schema migrated to version %u (%u applied).",
                                                 latest, known->len);

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "applied 0001_usage"));
    g_assert_nonnull (strstr (out, expected));
  }

  /* Status as JSON: everything applied, nothing pending. */
  {
    const char * const args[] = { "migrate", "--status", "--json", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 0);
    g_assert_cmpint (json_int_member (out, "schema_version"), ==, latest);
    g_assert_cmpint (json_int_member (out, "program_version"), ==, latest);
    g_assert_cmpint (json_int_member (out, "pending"), ==, 0);
    g_assert_nonnull (strstr (out, "\"state\" : \"applied\""));
    g_assert_null (strstr (out, "\"state\" : \"pending\""));
  }

  /* Again: a no-op, in JSON. */
  {
    const char * const args[] = { "migrate", "--json", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 0);
    g_assert_cmpint (json_int_member (out, "applied"), ==, 0);
    g_assert_cmpint (json_int_member (out, "schema_version"), ==, latest);
  }

  /* Bad usage: 2, with a message saying what was wrong. */
  {
    const char * const args[] = { "migrate", "--no-such-option", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "--no-such-option"));
  }
  {
    const char * const args[] = { "migrate", "surplus", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "surplus"));
  }

  /* Unreachable server: 1, with libpq's reason and no crash. A socket directory that
   * does not exist fails at once, without waiting for a timeout.
   */
  {
    const char * const args[] = { "migrate", "--status",
                                  "--db=host=/nonexistent/tollgate-test port=5432 dbname=none",
                                  NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "Could not connect to the database"));
    g_assert_nonnull (strstr (err, "/nonexistent/tollgate-test"));
  }

  /* A newer schema: 1, naming both versions. */
  {
    const char * const args[] = { "migrate", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *insert = g_strdup_printf (
      "INSERT INTO tollgate.schema_migrations (version, name, checksum) "
      "VALUES (%u, 'from_the_future', 'unknown')", latest + 1);
    g_autofree char *newer_text = g_strdup_printf ("version %u", latest + 1);

    tg_test_db_exec (db, insert);
    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, newer_text));
  }
}

/* `migrate --status` after an applied migration's file changed: the state says so in
 * text and JSON, the advice replaces "Up to date.", and the exit status is 1.
 */
static void
test_tollgatectl_status_changed (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *db_arg = NULL;

  if (g_getenv ("TOLLGATECTL") == NULL)
    {
      g_test_skip ("TOLLGATECTL is not set (run through meson test)");
      return;
    }

  db = tg_test_db_new (TRUE);
  if (db == NULL)
    return;

  db_arg = g_strdup_printf ("--db=%s", db->conninfo);
  tg_test_db_exec (db, "UPDATE tollgate.schema_migrations SET checksum = 'edited' WHERE version = 3");

  {
    const char * const args[] = { "migrate", "--status", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GRegex) row = g_regex_new ("^ *0003_prices +changed ", G_REGEX_MULTILINE, 0, NULL);

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 1);
    g_test_message ("%s", out);
    g_assert_true (g_regex_match (row, out, 0, NULL));
    g_assert_nonnull (strstr (out, "Migration 0003_prices differs from the one applied"));
    g_assert_null (strstr (out, "Up to date."));
  }

  {
    const char * const args[] = { "migrate", "--status", "--json", db_arg, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_tollgatectl (args, &out, &err), ==, 1);
    g_assert_cmpint (json_int_member (out, "changed"), ==, 1);
    g_assert_cmpint (json_int_member (out, "pending"), ==, 0);
    g_assert_nonnull (strstr (out, "\"name\" : \"prices\",\n      \"state\" : \"changed\""));
  }
}

/* The commands other than migrate check the schema before anything else, and say what
 * to do: on a database never migrated, one behind and one newer than they know.
 */
typedef struct
{
  const char *name;
  const char *args[6];
} CommandCase;

static const CommandCase schema_commands[] = {
  { "refresh",        { "refresh", NULL } },
  { "refresh-follow", { "refresh", "--follow", NULL } },
  { "recompute",      { "refresh", "--recompute", "--from", "2026-01-01", NULL } },
  { "settings-get",   { "settings", "get", "billing-timezone", NULL } },
  { "settings-set",   { "settings", "set", "reporting-currency", "EUR", NULL } },
  { "usage",          { "usage", "overview", NULL } },
  { "simulate",       { "simulate", "--live", "--duration", "1", NULL } },
};

static void
test_tollgatectl_schema_checks (void)
{
  g_autoptr(TgTestDb) bare = NULL;
  g_autoptr(TgTestDb) behind = NULL;
  g_autoptr(TgTestDb) newer = NULL;
  g_autofree char *sql = NULL;
  guint latest = tg_migrator_get_latest_version ();
  struct
  {
    TgTestDb   **db;
    const char  *advice;
  } states[] = {
    { &bare, "Create it with “tollgatectl migrate”" },
    { &behind, "Run “tollgatectl migrate”" },
    { &newer, "Install a newer Tollgate" },
  };

  if (g_getenv ("TOLLGATECTL") == NULL)
    {
      g_test_skip ("TOLLGATECTL is not set (run through meson test)");
      return;
    }

  if ((bare = tg_test_db_new (FALSE)) == NULL)
    return;
  behind = tg_test_db_new (TRUE);
  newer = tg_test_db_new (TRUE);

  sql = g_strdup_printf ("DELETE FROM tollgate.schema_migrations WHERE version = %u", latest);
  tg_test_db_exec (behind, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO tollgate.schema_migrations (version, name, checksum) "
                         "VALUES (%u, 'from_the_future', 'unknown')", latest + 1);
  tg_test_db_exec (newer, sql);

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autofree char *db_arg = g_strdup_printf ("--db=%s", (*states[s].db)->conninfo);

      for (guint c = 0; c < G_N_ELEMENTS (schema_commands); c++)
        {
          const CommandCase *command = &schema_commands[c];
          g_autoptr(GPtrArray) args = g_ptr_array_new ();
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;

          for (guint i = 0; command->args[i] != NULL; i++)
            g_ptr_array_add (args, (gpointer)command->args[i]);
          g_ptr_array_add (args, db_arg);
          g_ptr_array_add (args, NULL);

          g_assert_cmpint (run_tollgatectl ((const char * const *)args->pdata, &out, &err), ==, 1);
          g_test_message ("%s: %s", command->name, err);
          g_assert_nonnull (strstr (err, states[s].advice));
          g_assert_null (strstr (err, "does not exist"));
          g_assert_cmpstr (out, ==, "");
        }
    }

  /* Nothing was written to the database never migrated, nor to the newer one. */
  g_assert_cmpint (tg_test_db_scalar_int (bare, "SELECT count (*) FROM pg_namespace "
                                                "WHERE nspname = 'tollgate'"), ==, 0);
  g_assert_cmpint (tg_test_db_scalar_int (newer, "SELECT count (*) FROM tollgate.settings "
                                                 "WHERE value = 'EUR'"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/migrator/known", test_known);
  g_test_add_func ("/tollgate/db/migrator/from-empty", test_from_empty);
  g_test_add_func ("/tollgate/db/migrator/rerun-is-noop", test_rerun_is_noop);
  g_test_add_func ("/tollgate/db/migrator/concurrent", test_concurrent);
  g_test_add_func ("/tollgate/db/migrator/refuses-newer-schema", test_refuses_newer_schema);
  g_test_add_func ("/tollgate/db/migrator/check-compatible-empty", test_check_compatible_empty);
  g_test_add_func ("/tollgate/db/migrator/check-compatible-behind", test_check_compatible_behind);
  g_test_add_func ("/tollgate/db/migrator/refuses-modified", test_refuses_modified);
  g_test_add_func ("/tollgate/db/migrator/check-compatible-gap", test_check_compatible_gap);
  g_test_add_func ("/tollgate/db/migrator/tollgatectl", test_tollgatectl);
  g_test_add_func ("/tollgate/db/migrator/tollgatectl-status-changed",
                   test_tollgatectl_status_changed);
  g_test_add_func ("/tollgate/db/migrator/tollgatectl-schema-checks",
                   test_tollgatectl_schema_checks);

  return g_test_run ();
}
