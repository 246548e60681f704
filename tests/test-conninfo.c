/* test-conninfo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Connection strings: the grammar and the redaction of src/db/tg-db-conninfo.c, the
 * policies of src/service/tg-conninfo.c (passwords kept out of what is remembered, added
 * back for connecting), and every path that connects keeping the password out of its
 * messages; and how roles read to people. No display and no server needed: the
 * connection strings that leak are those libpq cannot even parse.
 */

#include "config.h"

#include <string.h>

#include "tg-conninfo.h"
#include "tg-database-check.h"
#include "tg-db-connection.h"
#include "tg-db-util.h"
#include "tg-role-set.h"

#define GUARD_SECONDS 30

typedef struct
{
  const char *conninfo;
  const char *stripped;
  const char *password;
} StripCase;

static const StripCase strip_cases[] = {
  { "", "", NULL },
  { "dbname=sales", "dbname='sales'", NULL },
  { "host=db.example.com dbname=sales user=ann password=s3cret",
    "user='ann' dbname='sales' host='db.example.com'", "s3cret" },
  { "password='it\\'s' dbname=x", "dbname='x'", "it's" },
  { "postgresql://ann:p%40ss@db.example.com:6543/sales?sslmode=require",
    "user='ann' dbname='sales' host='db.example.com' port='6543' sslmode='require'", "p@ss" },
  { "service=billing sslpassword=keypass", "service='billing'", NULL },
  { "dbname='we\\'ird'", "dbname='we\\'ird'", NULL },
};

static void
test_strip (gconstpointer data)
{
  const StripCase *test = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *stripped = NULL;

  stripped = tg_conninfo_strip_secrets (test->conninfo, &password, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stripped, ==, test->stripped);
  g_assert_cmpstr (password, ==, test->password);
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  char *stripped;

  stripped = tg_conninfo_strip_secrets ("this is not a connection string", &password, &error);
  g_assert_null (stripped);
  g_assert_null (password);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "not valid"));
}

static void
test_add_password (void)
{
  g_autofree char *plain = tg_conninfo_add_password ("dbname=sales", NULL);
  g_autofree char *keywords = tg_conninfo_add_password ("dbname=sales password=old", "new pw");
  g_autofree char *uri = tg_conninfo_add_password ("postgresql://ann@db/sales", "x'y");
  g_autofree char *empty = tg_conninfo_add_password (NULL, "pw");
  g_autoptr(GHashTable) parsed = NULL;

  g_assert_cmpstr (plain, ==, "dbname=sales");
  g_assert_cmpstr (keywords, ==, "password='new pw' dbname='sales'");
  g_assert_cmpstr (empty, ==, "password='pw'");

  /* A URI comes back as keywords that libpq reads to the same options. */
  parsed = tg_db_conninfo_parse (uri, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "password"), ==, "x'y");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "user"), ==, "ann");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "host"), ==, "db");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "dbname"), ==, "sales");
}

static void
test_remembering (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *service = NULL;

  /* What libpq settled on is written out, keywords in libpq's order; the password and
   * hostaddr are not.
   */
  remembered = tg_conninfo_for_remembering ("hostaddr=10.0.0.5 dbname=sales password=pw "
                                            "sslmode=verify-full",
                                            "db.example.com", "5432", "sales", "ann", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (remembered, ==,
                   "user='ann' dbname='sales' host='db.example.com' port='5432' "
                   "sslmode='verify-full'");

  service = tg_conninfo_for_remembering ("service=billing", "/run/postgresql", "5432",
                                         "billing", "ann", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (service, "service='billing'"));
  g_assert_nonnull (strstr (service, "host='/run/postgresql'"));
}

static void
test_connect_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *uri = NULL;
  char *invalid;

  g_unsetenv ("PGCONNECT_TIMEOUT");

  added = tg_conninfo_with_connect_timeout ("dbname=sales", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added, ==, "connect_timeout='10' dbname='sales'");

  kept = tg_conninfo_with_connect_timeout ("connect_timeout=3 dbname=sales", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, "connect_timeout='3' dbname='sales'");

  /* An empty value chooses nothing; it once left the rebuilt string without any timeout
   * (found by tools/fuzz conninfo).
   */
  {
    g_autofree char *empty = tg_conninfo_with_connect_timeout ("connect_timeout='' dbname=sales",
                                                               &error);

    g_assert_no_error (error);
    g_assert_cmpstr (empty, ==, "connect_timeout='10' dbname='sales'");
  }

  uri = tg_conninfo_with_connect_timeout ("postgresql://ann:pw@db/sales", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==,
                   "user='ann' password='pw' connect_timeout='10' dbname='sales' host='db'");

  invalid = tg_conninfo_with_connect_timeout ("postgresql://ann:hunter2secret@[::1/sales", &error);
  g_assert_null (invalid);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  g_assert_null (strstr (error->message, "hunter2secret"));
}

static void
test_build (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) quoted = g_string_new (NULL);
  g_autofree char *built = NULL;
  g_autoptr(GHashTable) parsed = NULL;

  /* libpq's order, whatever the table's; empty values are left out. */
  g_hash_table_insert (options, "sslmode", "require");
  g_hash_table_insert (options, "host", "db.example.com");
  g_hash_table_insert (options, "dbname", "we'ird \\ name");
  g_hash_table_insert (options, "port", "");
  built = tg_db_conninfo_build (options);
  g_assert_cmpstr (built, ==,
                   "dbname='we\\'ird \\\\ name' host='db.example.com' sslmode='require'");

  parsed = tg_db_conninfo_parse (built, NULL);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "dbname"), ==, "we'ird \\ name");
  g_assert_false (g_hash_table_contains (parsed, "port"));

  tg_db_conninfo_append_value (quoted, "");
  g_assert_cmpstr (quoted->str, ==, "''");

  g_assert_true (tg_db_conninfo_is_secret ("password"));
  g_assert_true (tg_db_conninfo_is_secret ("sslpassword"));
  g_assert_false (tg_db_conninfo_is_secret ("passfile"));
}

typedef struct
{
  const char *conninfo;
  const char *message;
  const char *redacted;
} RedactCase;

static const RedactCase redact_cases[] = {
  /* The parsed password, wherever the message has it. */
  { "host=db password=hunter2secret",
    "authentication failed (hunter2secret)",
    "authentication failed (********)" },
  /* Quoted with an escaped quote: libpq's value and the string's spelling. */
  { "password='it\\'s secret' dbname=x",
    "bad: it's secret; it\\'s secret",
    "bad: ********; ********" },
  /* A URI's userinfo, parsed or not, and percent-encoded. */
  { "postgresql://ann:p%40ssw0rd@db/sales",
    "p@ssw0rd or p%40ssw0rd",
    "******** or ********" },
  { "postgresql://ann:hunter2secret@[::1/sales",
    "in URI: \"postgresql://ann:hunter2secret@[::1/sales\"",
    "in URI: \"postgresql://ann:********@[::1/sales\"" },
  /* In a URI's query. */
  { "postgresql://db/sales?password=hunter2secret&sslmode=require",
    "invalid URI query parameter in \"postgresql://db/sales?password=hunter2secret&sslmode=require\"",
    "invalid URI query parameter in \"postgresql://db/sales?password=********&sslmode=require\"" },
  /* An SSL key's password. */
  { "sslpassword=keypass123 sslkey=/k.pem",
    "could not decrypt the key with keypass123",
    "could not decrypt the key with ********" },
  /* A short password is not blanked out of words, but its spelling as a password is. */
  { "password=pw dbname=x",
    "pwned? password=pw or password = 'pw'",
    "pwned? password=******** or password = ********" },
  /* Spellings the connection string does not carry: a password and a userinfo. */
  { "dbname=x",
    "password=other and postgres://bob:other@host",
    "password=******** and postgres://bob:********@host" },
  /* Bytes that are not UTF-8 (as a Latin-1 libpq message has them): the secret goes
   * all the same, and the message comes back as valid UTF-8.
   */
  { "password=hunter2secret\xff",
    "bad \xff: hunter2secret\xff or password=hunter2secret\xff",
    "bad \xef\xbf\xbd: ******** or password=********" },
  { NULL, "nothing to hide", "nothing to hide" },
};

static void
test_redact (gconstpointer data)
{
  const RedactCase *test = data;
  g_auto(GStrv) secrets = tg_db_conninfo_collect_secrets (test->conninfo);
  g_autofree char *redacted = tg_db_conninfo_redact ((const char * const *)secrets, test->message);

  g_assert_nonnull (secrets);
  g_assert_cmpstr (redacted, ==, test->redacted);
}

/* Connection strings whose password libpq repeats in its messages. The last three are
 * URIs as libpq reads them and Tollgate's patterns once did not (found by tools/fuzz
 * conninfo): a '?' in the userinfo's password, a keyword percent-encoded, and a space in
 * a parameter's value; a bad percent sign makes libpq quote the password.
 */
static const char * const leaky_conninfos[] = {
  "postgresql://tg_user:hunter2secret@[::1/tollgate",
  "postgresql://tg_user:hunter2%73ecret@[::1/tollgate",
  "postgres://tg_user:hunter2secret@[::1]x/tollgate",
  "postgresql://tg_user:hunter2secret?%zz@db/tollgate",
  "postgresql://db/tollgate?pass%77ord=hunter2secret%zz",
  "postgresql://db/tollgate?password=x hunter2secret%zz",
};

static void
assert_no_secret (const char *message)
{
  g_test_message ("%s", message);
  g_assert_null (strstr (message, "hunter2secret"));
  g_assert_null (strstr (message, "hunter2%73ecret"));
  g_assert_nonnull (strstr (message, TG_DB_CONNINFO_REDACTED));
}

static void
test_parse_error (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) options = NULL;
  g_autofree char *password = NULL;
  char *stripped;

  options = tg_db_conninfo_parse (data, &error);
  g_assert_null (options);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  assert_no_secret (error->message);
  g_clear_error (&error);

  /* What the welcome page shows for a string typed in. */
  stripped = tg_conninfo_strip_secrets (data, &password, &error);
  g_assert_null (stripped);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  assert_no_secret (error->message);
}

/* Strings that are not UTF-8, which libpq quotes in its messages: the message is still
 * there, readable and without the password (found by tools/fuzz conninfo: the redaction
 * lost the whole message with a critical).
 */
static void
test_parse_not_utf8 (void)
{
  static const char * const conninfos[] = {
    "dbn\xfd\xfd" "ame=sales password=hunter2secret",
    "postgresql://ann:hunter2secret\xff@[::1/sales",
  };

  for (guint i = 0; i < G_N_ELEMENTS (conninfos); i++)
    {
      g_autoptr(GHashTable) options = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *password = NULL;
      g_autofree char *stripped = NULL;

      options = tg_db_conninfo_parse (conninfos[i], &error);
      g_assert_null (options);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_true (g_str_has_prefix (error->message, "The connection string is not valid: "));
      g_assert_null (strstr (error->message, "hunter2secret"));
      g_clear_error (&error);

      stripped = tg_conninfo_strip_secrets (conninfos[i], &password, &error);
      g_assert_null (stripped);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (strstr (error->message, "hunter2secret"));
    }
}

/* tollgatectl, the migrator and worker threads. */
static void
test_blocking_connect (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;

  conn = tg_db_connect (data, "tollgate-tests", &error);
  g_assert_null (conn);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  assert_no_secret (error->message);
}

static gboolean
guard_expired_cb (gpointer data)
{
  g_error ("gave up after %d s waiting for the connection to fail", GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The UI's and the worker's connection. */
static void
test_connection (gconstpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TgDbResult) db_result = NULL;
  g_autoptr(GError) error = NULL;
  GSource *guard;

  g_main_context_push_thread_default (context);
  guard = g_timeout_source_new_seconds (GUARD_SECONDS);
  g_source_set_callback (guard, guard_expired_cb, NULL, NULL);
  g_source_attach (guard, context);

  conn = tg_db_connection_new (data);
  tg_db_connection_query_async (conn, "SELECT 1", NULL, 0, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  db_result = tg_db_connection_query_finish (conn, result, &error);
  g_assert_null (db_result);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  assert_no_secret (error->message);
  assert_no_secret (tg_db_connection_get_last_error (conn));

  tg_db_connection_close (conn);
  g_clear_object (&conn);
  g_source_destroy (guard);
  g_source_unref (guard);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
}

/* The window's first look at a database. */
static void
test_database_check (gconstpointer data)
{
  g_autoptr(TgDatabaseCheck) check = tg_database_check_run (data);

  g_assert_cmpint (check->state, ==, TG_DATABASE_STATE_CANNOT_CONNECT);
  g_assert_nonnull (check->error);
  assert_no_secret (check->error->message);
}

static void
test_tollgatectl (gconstpointer data)
{
  const char *tollgatectl = g_getenv ("TOLLGATECTL");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  if (tollgatectl == NULL)
    {
      g_test_skip ("TOLLGATECTL is not set (run through meson test)");
      return;
    }

  {
    const char *argv[] = { tollgatectl, "usage", "overview", "--db", data, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &wait_status, &error));
  }
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (wait_status, NULL));
  g_assert_nonnull (strstr (err, "Could not connect to the database"));
  assert_no_secret (err);
  g_assert_null (strstr (out, "hunter2"));
}

static void
test_roles (void)
{
  g_autofree char *admin = tg_role_set_dup_requirement (TG_ROLE_SET_ADMIN);
  g_autofree char *either = tg_role_set_dup_requirement (TG_ROLE_SET_FINANCE | TG_ROLE_SET_ADMIN);
  g_autofree char *none = tg_role_set_dup_requirement (TG_ROLE_SET_NONE);
  g_autofree char *all = tg_role_set_dup_description (TG_ROLE_SET_ALL);
  g_autofree char *viewer = tg_role_set_dup_description (TG_ROLE_SET_VIEWER);
  g_autofree char *two = tg_role_set_dup_description (TG_ROLE_SET_VIEWER | TG_ROLE_SET_FINANCE |
                                                       TG_ROLE_SET_OPS);
  g_autofree char *nothing = tg_role_set_dup_description (TG_ROLE_SET_NONE);

  g_assert_cmpstr (admin, ==, "Needs the tollgate_admin role");
  g_assert_cmpstr (either, ==, "Needs one of the roles tollgate_finance, tollgate_admin");
  g_assert_null (none);
  g_assert_cmpstr (all, ==, "Administrator");
  g_assert_cmpstr (viewer, ==, "Viewer");
  g_assert_cmpstr (two, ==, "Finance, Operations");
  g_assert_cmpstr (nothing, ==, "No Tollgate role");
  g_assert_cmpstr (tg_role_get_name (TG_ROLE_SET_OPS), ==, "tollgate_ops");
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char    *name;
    GTestDataFunc  func;
  } paths[] = {
    { "parse", test_parse_error },
    { "blocking", test_blocking_connect },
    { "connection", test_connection },
    { "database-check", test_database_check },
    { "tollgatectl", test_tollgatectl },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (strip_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/conninfo/strip/%u", i);

      g_test_add_data_func (path, &strip_cases[i], test_strip);
    }
  g_test_add_func ("/tollgate/unit/conninfo/invalid", test_invalid);
  g_test_add_func ("/tollgate/unit/conninfo/not-utf8", test_parse_not_utf8);
  g_test_add_func ("/tollgate/unit/conninfo/add-password", test_add_password);
  g_test_add_func ("/tollgate/unit/conninfo/remembering", test_remembering);
  g_test_add_func ("/tollgate/unit/conninfo/connect-timeout", test_connect_timeout);
  g_test_add_func ("/tollgate/unit/conninfo/build", test_build);
  for (guint i = 0; i < G_N_ELEMENTS (redact_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/conninfo/redact/%u", i);

      g_test_add_data_func (path, &redact_cases[i], test_redact);
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (guint j = 0; j < G_N_ELEMENTS (leaky_conninfos); j++)
      {
        g_autofree char *path = g_strdup_printf ("/tollgate/unit/conninfo/no-secret/%s/%u",
                                                 paths[i].name, j);

        g_test_add_data_func (path, leaky_conninfos[j], paths[i].func);
      }
  g_test_add_func ("/tollgate/unit/conninfo/role-set/text", test_roles);

  return g_test_run ();
}
