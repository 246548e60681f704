/* test-connection.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* TgDbConnection against the real test cluster. Every test runs its own GMainContext;
 * waits have a guard timeout so that a bug fails the test instead of hanging it (the
 * guards are generous: they are not timing assertions).
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tg-db-connection.h"
#include "tg-db-util.h"
#include "tg-test-db.h"

#define GUARD_SECONDS 30

/* Waiting */

static gboolean
guard_expired_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the thread-default context until @condition holds. A ticker re-checks
 * conditions that depend on the outside world (the server's pg_stat_activity).
 */
#define wait_until(condition, seconds)                                                   \
  G_STMT_START                                                                           \
  {                                                                                      \
    GMainContext *context_ = g_main_context_ref_thread_default ();                       \
    gboolean expired_ = FALSE;                                                           \
    GSource *guard_ = g_timeout_source_new_seconds (seconds);                            \
    GSource *tick_ = g_timeout_source_new (20);                                          \
                                                                                         \
    g_source_set_callback (guard_, guard_expired_cb, &expired_, NULL);                   \
    g_source_attach (guard_, context_);                                                  \
    g_source_set_callback (tick_, tick_cb, NULL, NULL);                                  \
    g_source_attach (tick_, context_);                                                   \
    gboolean held_ = FALSE;  /* condition read once a turn */                            \
    while (!(held_ = (condition)) && !expired_)                                          \
      g_main_context_iteration (context_, TRUE);                                         \
    g_source_destroy (guard_);                                                           \
    g_source_unref (guard_);                                                             \
    g_source_destroy (tick_);                                                            \
    g_source_unref (tick_);                                                              \
    g_main_context_unref (context_);                                                     \
    if (!held_)                                                                          \
      g_error ("%s:%d: gave up after %d s waiting for: %s", __FILE__, __LINE__,          \
               (int)(seconds), #condition);                                              \
  }                                                                                      \
  G_STMT_END

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static TgDbResult *
query_full (TgDbConnection      *conn,
            const char          *sql,
            const char * const  *params,
            int                  n_params,
            TgDbQueryFlags       flags,
            GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tg_db_connection_query_full_async (conn, sql, params, n_params, flags, NULL,
                                     store_result_cb, &result);
  wait_until (result != NULL, GUARD_SECONDS);

  return tg_db_connection_query_finish (conn, result, error);
}

static TgDbResult *
query (TgDbConnection  *conn,
       const char      *sql,
       GError         **error)
{
  return query_full (conn, sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE, error);
}

/* The first value of @sql, which must succeed. */
static char *
query_scalar (TgDbConnection *conn,
              const char     *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgDbResult) result = query (conn, sql, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (tg_db_result_get_n_rows (result), ==, 1);

  return g_strdup (tg_db_result_get_value (result, 0, 0));
}

/* Runs @sql, which must succeed. */
static void
query_ok (TgDbConnection *conn,
          const char     *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgDbResult) result = query (conn, sql, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
}

/* Per-test set-up: a fresh database and a fresh thread-default main context. */

typedef struct
{
  GMainContext *context;
  TgTestDb     *db;
  GArray       *statuses;       /* TgDbConnectionStatus, every notify::status */
  GPtrArray    *notifications;  /* "channel:payload" */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->db = tg_test_db_new (FALSE);
  fixture->statuses = g_array_new (FALSE, FALSE, sizeof (TgDbConnectionStatus));
  fixture->notifications = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Let late idles (returned tasks, cancel threads) run before the context goes. */
  while (g_main_context_iteration (fixture->context, FALSE))
    ;

  g_clear_pointer (&fixture->db, tg_test_db_free);
  g_clear_pointer (&fixture->statuses, g_array_unref);
  g_clear_pointer (&fixture->notifications, g_ptr_array_unref);
  g_main_context_pop_thread_default (fixture->context);
  g_clear_pointer (&fixture->context, g_main_context_unref);
}

static void
status_changed_cb (Fixture        *fixture,
                   GParamSpec     *pspec,
                   TgDbConnection *conn)
{
  TgDbConnectionStatus status = tg_db_connection_get_status (conn);

  g_array_append_val (fixture->statuses, status);
}

static void
notify_received_cb (TgDbConnection *conn,
                    const char     *channel,
                    const char     *payload,
                    Fixture        *fixture)
{
  g_ptr_array_add (fixture->notifications, g_strdup_printf ("%s:%s", channel, payload));
}

static TgDbConnection *
fixture_connection (Fixture    *fixture,
                    const char *conninfo)
{
  TgDbConnection *conn = tg_db_connection_new (conninfo);

  g_signal_connect_swapped (conn, "notify::status", G_CALLBACK (status_changed_cb), fixture);
  g_signal_connect (conn, "notify-received", G_CALLBACK (notify_received_cb), fixture);

  return conn;
}

static gboolean
saw_status (Fixture              *fixture,
            TgDbConnectionStatus  status)
{
  for (guint i = 0; i < fixture->statuses->len; i++)
    {
      if (g_array_index (fixture->statuses, TgDbConnectionStatus, i) == status)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_notification (Fixture    *fixture,
                  const char *expected)
{
  for (guint i = 0; i < fixture->notifications->len; i++)
    {
      if (strcmp (g_ptr_array_index (fixture->notifications, i), expected) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Blocking helpers on a second, plain libpq connection */

static void
send_notify (TgTestDb   *db,
             const char *channel,
             const char *payload)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) other = tg_db_connect (db->conninfo, "tollgate-tests-notify", &error);
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { channel, payload };

  g_assert_no_error (error);
  result = tg_db_query (other, "SELECT pg_notify ($1, $2)", 2, params, &error);
  g_assert_no_error (error);
}

static gint64
count_active_sleeps (const char *application_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = tg_db_connect ("dbname=postgres", "tollgate-tests-watch", &error);
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { application_name };

  g_assert_no_error (error);
  result = tg_db_query (admin,
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE application_name = $1 AND state = 'active'"
                        "   AND query LIKE 'SELECT pg_sleep%'",
                        1, params, &error);
  g_assert_no_error (error);

  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gint64
count_sessions (const char *application_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = tg_db_connect ("dbname=postgres", "tollgate-tests-watch", &error);
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { application_name };

  g_assert_no_error (error);
  result = tg_db_query (admin,
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                        1, params, &error);
  g_assert_no_error (error);

  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* Tests */

static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  TgDbConnection *conn;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgDbResult) rows = NULL;

  if (fixture->db == NULL)
    return;

  /* Never connected. */
  conn = tg_db_connection_new (fixture->db->conninfo);
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_DISCONNECTED);
  g_assert_cmpstr (tg_db_connection_get_conninfo (conn), ==, fixture->db->conninfo);
  g_assert_null (tg_db_connection_get_last_error (conn));
  g_assert_cmpint (tg_db_connection_get_server_version (conn), ==, 0);
  g_assert_finalize_object (conn);

  /* Connected, used, closed. */
  conn = tg_db_connection_new (fixture->db->conninfo);
  g_free (query_scalar (conn, "SELECT 1"));
  tg_db_connection_close (conn);
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_DISCONNECTED);

  /* A closed connection refuses politely. */
  tg_db_connection_query_async (conn, "SELECT 1", NULL, 0, NULL, store_result_cb, &result);
  wait_until (result != NULL, GUARD_SECONDS);
  rows = tg_db_connection_query_finish (conn, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_null (rows);
  g_clear_object (&result);

  /* No socket watch or timer is left on the context. */
  g_assert_null (g_main_context_find_source_by_user_data (fixture->context, conn));
  g_assert_finalize_object (conn);
}

typedef struct
{
  TgDbConnection *conn;
  GArray         *order;
  GPtrArray      *values;
} OrderData;

static void
ordered_query_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  OrderData *data = g_object_get_data (source_object, "order-data");
  g_autoptr(GError) error = NULL;
  g_autoptr(TgDbResult) rows = NULL;
  int index = GPOINTER_TO_INT (user_data);

  rows = tg_db_connection_query_finish (TG_DB_CONNECTION (source_object), result, &error);
  g_assert_no_error (error);
  g_array_append_val (data->order, index);
  g_ptr_array_add (data->values, g_strdup (tg_db_result_get_value (rows, 0, 0)));
}

static void
test_queries (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  OrderData order_data = { NULL, order, values };
  const char *params[] = { "2", "40", NULL, "it's \"quoted\"" };
  const char *sleeps[] = { "0.2", "0", "0.1", "0" };
  g_autofree char *after = NULL;
  int n_col;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  order_data.conn = conn;
  g_object_set_data (G_OBJECT (conn), "order-data", &order_data);

  /* Queued back to back, before the connection exists; the first ones are the slowest. */
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %d FROM pg_sleep (%s)", i, sleeps[i]);

      tg_db_connection_query_async (conn, sql, NULL, 0, NULL, ordered_query_cb,
                                    GINT_TO_POINTER (i));
    }
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_CONNECTING);
  wait_until (order->len == 4, GUARD_SECONDS);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%d", i);

      g_assert_cmpint (g_array_index (order, int, i), ==, i);
      g_assert_cmpstr (g_ptr_array_index (values, i), ==, expected);
    }

  /* Status went disconnected → connecting → connected, each notified once. */
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_CONNECTED);
  g_assert_cmpuint (fixture->statuses->len, ==, 2);
  g_assert_cmpint (g_array_index (fixture->statuses, TgDbConnectionStatus, 0), ==,
                   TG_DB_CONNECTION_STATUS_CONNECTING);
  g_assert_cmpint (g_array_index (fixture->statuses, TgDbConnectionStatus, 1), ==,
                   TG_DB_CONNECTION_STATUS_CONNECTED);
  g_assert_cmpint (tg_db_connection_get_server_version (conn), >=, 150000);
  g_assert_null (tg_db_connection_get_last_error (conn));

  /* Parameters, NULLs and typed getters. */
  result = query_full (conn,
                       "SELECT $1::int + $2::int AS sum, $3::text AS nothing, $3 IS NULL AS is_null,"
                       "       $4::text AS text, 1.5::float8 AS half,"
                       "       9007199254740993::int8 AS big, 'x'::text AS \"MixedCase\"",
                       params, 4, TG_DB_QUERY_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tg_db_result_get_n_rows (result), ==, 1);
  g_assert_cmpint (tg_db_result_get_n_cols (result), ==, 7);
  g_assert_cmpstr (tg_db_result_get_value (result, 0, 0), ==, "42");
  g_assert_cmpint (tg_db_result_get_int64 (result, 0, 0), ==, 42);
  g_assert_true (tg_db_result_is_null (result, 0, 1));
  g_assert_null (tg_db_result_get_value (result, 0, 1));
  g_assert_cmpint (tg_db_result_get_int64 (result, 0, 1), ==, 0);
  g_assert_true (tg_db_result_get_boolean (result, 0, 2));
  g_assert_cmpstr (tg_db_result_get_value (result, 0, 3), ==, "it's \"quoted\"");
  g_assert_cmpfloat (tg_db_result_get_double (result, 0, 4), ==, 1.5);
  g_assert_cmpint (tg_db_result_get_int64 (result, 0, 5), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpint (tg_db_result_get_column_index (result, "half"), ==, 4);
  g_assert_cmpint (tg_db_result_get_column_index (result, "MixedCase"), ==, 6);
  g_assert_cmpint (tg_db_result_get_column_index (result, "mixedcase"), ==, -1);
  g_assert_cmpint (tg_db_result_get_column_index (result, "missing"), ==, -1);
  g_assert_cmpstr (tg_db_result_get_column_name (result, 0), ==, "sum");
  g_assert_cmpuint (tg_db_result_get_column_type (result, 5), ==, TG_DB_TYPE_INT8);
  g_assert_false (tg_db_result_is_binary (result, 5));
  g_clear_pointer (&result, tg_db_result_unref);

  /* Commands and affected rows. */
  result = query (conn, "CREATE TABLE t (id int8 PRIMARY KEY, label text)", &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, tg_db_result_unref);
  result = query (conn, "INSERT INTO t SELECT g, 'row ' || g FROM generate_series (1, 3) g", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tg_db_result_get_n_affected (result), ==, 3);
  g_clear_pointer (&result, tg_db_result_unref);
  result = query (conn, "SELECT id, label FROM t ORDER BY id", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tg_db_result_get_n_rows (result), ==, 3);
  n_col = tg_db_result_get_column_index (result, "label");
  g_assert_cmpstr (tg_db_result_get_value (result, 2, n_col), ==, "row 3");
  g_clear_pointer (&result, tg_db_result_unref);

  /* A server error is the server's message; the connection carries on. */
  result = query (conn, "SELECT * FROM no_such_table", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "relation \"no_such_table\" does not exist"));
  g_assert_null (result);
  g_clear_error (&error);

  after = query_scalar (conn, "SELECT 'still here'");
  g_assert_cmpstr (after, ==, "still here");

  /* COPY is not offered; it fails cleanly and the session carries on. */
  result = query (conn, "COPY (SELECT 1) TO STDOUT", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "COPY TO STDOUT is not supported"));
  g_clear_error (&error);
  result = query (conn, "COPY t FROM STDIN", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_nonnull (strstr (error->message, "COPY FROM STDIN is not supported"));
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);
  after = query_scalar (conn, "SELECT count(*) FROM t");
  g_assert_cmpstr (after, ==, "3");

  tg_db_connection_close (conn);
}

static void
test_binary (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *values = NULL;
  const gint64 expected[] = { 1, -2, G_GINT64_CONSTANT (9007199254740993), 0, G_MAXINT64 };
  const guint8 *bytes;
  gsize length = 0;
  gsize n_values = 0;
  guint32 word;
  guint64 element;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);

  result = query_full (conn,
                       "SELECT ARRAY[1, -2, 9007199254740993, 0, 9223372036854775807]::int8[] AS h,"
                       "       42::int8 AS n, -7::int4 AS i, 2.25::float8 AS f, true AS b,"
                       "       '{}'::int8[] AS empty",
                       NULL, 0, TG_DB_QUERY_FLAGS_BINARY, &error);
  g_assert_no_error (error);
  g_assert_true (tg_db_result_is_binary (result, 0));
  g_assert_cmpuint (tg_db_result_get_column_type (result, 0), ==, TG_DB_TYPE_INT8_ARRAY);

  /* The raw bytes are PostgreSQL's array_send layout, in network byte order. */
  bytes = tg_db_result_get_binary (result, 0, 0, &length);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (length, ==, 20 + G_N_ELEMENTS (expected) * (4 + 8));
#define WORD(offset) (memcpy (&word, bytes + (offset), 4), GUINT32_FROM_BE (word))
  g_assert_cmpuint (WORD (0), ==, 1);                       /* dimensions */
  g_assert_cmpuint (WORD (4), ==, 0);                       /* no NULLs */
  g_assert_cmpuint (WORD (8), ==, TG_DB_TYPE_INT8);         /* element type */
  g_assert_cmpuint (WORD (12), ==, G_N_ELEMENTS (expected)); /* length */
  g_assert_cmpuint (WORD (16), ==, 1);                      /* lower bound */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gsize offset = 20 + i * 12;

      g_assert_cmpuint (WORD (offset), ==, 8);
      memcpy (&element, bytes + offset + 4, 8);
      g_assert_cmpint ((gint64)GUINT64_FROM_BE (element), ==, expected[i]);
    }
#undef WORD

  /* The decoder agrees. */
  values = tg_db_result_dup_int64_array (result, 0, 0, &n_values, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (values, n_values * sizeof (gint64), expected, sizeof expected);
  g_clear_pointer (&values, g_free);

  values = tg_db_result_dup_int64_array (result, 0, 5, &n_values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (values);
  g_assert_cmpuint (n_values, ==, 0);
  g_clear_pointer (&values, g_free);

  /* Scalars in binary format. */
  g_assert_cmpint (tg_db_result_get_int64 (result, 0, 1), ==, 42);
  g_assert_cmpint (tg_db_result_get_int64 (result, 0, 2), ==, -7);
  g_assert_cmpfloat (tg_db_result_get_double (result, 0, 3), ==, 2.25);
  g_assert_true (tg_db_result_get_boolean (result, 0, 4));
  g_clear_pointer (&result, tg_db_result_unref);

  /* The same array in text format decodes the same; a NULL element is an error. */
  result = query (conn, "SELECT ARRAY[1, -2, 9007199254740993, 0, 9223372036854775807]::int8[],"
                        "       ARRAY[1, NULL]::int8[]", &error);
  g_assert_no_error (error);
  values = tg_db_result_dup_int64_array (result, 0, 0, &n_values, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (values, n_values * sizeof (gint64), expected, sizeof expected);
  g_clear_pointer (&values, g_free);
  values = tg_db_result_dup_int64_array (result, 0, 1, &n_values, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (values);

  tg_db_connection_close (conn);
}

static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *values = NULL;
  g_autofree char *count = NULL;
  const char *params[] = { "hello", NULL };
  gsize n_values = 0;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  query_ok (conn, "CREATE TABLE b (id int8)");

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) tg_db_statement_unref);
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT 1 AS one", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT $1::text AS greeting, $2::text IS NULL",
                                                    params, 2, TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT g FROM generate_series (1, 3) g", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT ARRAY[5, 6]::int8[]", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_BINARY));
  g_ptr_array_add (statements, tg_db_statement_new ("INSERT INTO b VALUES (1), (2)", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));

  tg_db_connection_query_batch_async (conn, statements, NULL, store_result_cb, &result);
  wait_until (result != NULL, GUARD_SECONDS);
  results = tg_db_connection_query_batch_finish (conn, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 5);
  g_assert_cmpstr (tg_db_result_get_value (g_ptr_array_index (results, 0), 0, 0), ==, "1");
  g_assert_cmpstr (tg_db_result_get_value (g_ptr_array_index (results, 1), 0, 0), ==, "hello");
  g_assert_true (tg_db_result_get_boolean (g_ptr_array_index (results, 1), 0, 1));
  g_assert_cmpint (tg_db_result_get_n_rows (g_ptr_array_index (results, 2)), ==, 3);
  g_assert_true (tg_db_result_is_binary (g_ptr_array_index (results, 3), 0));
  values = tg_db_result_dup_int64_array (g_ptr_array_index (results, 3), 0, 0, &n_values, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_values, ==, 2);
  g_assert_cmpint (values[0], ==, 5);
  g_assert_cmpint (values[1], ==, 6);
  g_assert_cmpuint (tg_db_result_get_n_affected (g_ptr_array_index (results, 4)), ==, 2);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_object (&result);

  /* An error in the middle fails the batch, names the statement, and rolls the batch's
   * implicit transaction back.
   */
  g_ptr_array_set_size (statements, 0);
  g_ptr_array_add (statements, tg_db_statement_new ("INSERT INTO b VALUES (3)", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT * FROM no_such_table", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT 3", NULL, 0, TG_DB_QUERY_FLAGS_NONE));

  tg_db_connection_query_batch_async (conn, statements, NULL, store_result_cb, &result);
  wait_until (result != NULL, GUARD_SECONDS);
  results = tg_db_connection_query_batch_finish (conn, result, &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY);
  g_assert_null (results);
  g_test_message ("Batch error: %s", error->message);
  /* The server's words, as people read them: not which statement of a batch failed. */
  g_assert_true (g_str_has_prefix (error->message, "relation \"no_such_table\" does not exist"));
  g_clear_error (&error);
  g_clear_object (&result);

  /* The connection is back out of pipeline mode and usable. */
  count = query_scalar (conn, "SELECT count(*) FROM b");
  g_assert_cmpstr (count, ==, "2");

  tg_db_connection_close (conn);
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

static void
test_listen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  guint n_detailed = 0;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_listen (conn, "tg_listen_a");
  tg_db_connection_listen (conn, "Budgets Changed");   /* exact name, quoted */
  tg_db_connection_listen (conn, "tg_listen_a");       /* twice is once */

  /* Queue order: once this query is back, the LISTENs are in effect. */
  g_free (query_scalar (conn, "SELECT 1"));

  send_notify (fixture->db, "tg_listen_a", "first");
  wait_until (has_notification (fixture, "tg_listen_a:first"), GUARD_SECONDS);

  /* Delivered while idle, with the channel as the signal's detail. */
  {
    gulong id = g_signal_connect_swapped (conn, "notify-received::Budgets Changed",
                                          G_CALLBACK (count_cb), &n_detailed);

    send_notify (fixture->db, "Budgets Changed", "{\"id\": 7}");
    wait_until (has_notification (fixture, "Budgets Changed:{\"id\": 7}"), GUARD_SECONDS);
    send_notify (fixture->db, "tg_listen_a", "not for the detailed handler");
    wait_until (has_notification (fixture, "tg_listen_a:not for the detailed handler"),
                GUARD_SECONDS);
    g_assert_cmpuint (n_detailed, ==, 1);
    g_signal_handler_disconnect (conn, id);
  }

  /* UNLISTEN: a notification on the other channel overtakes nothing. */
  tg_db_connection_unlisten (conn, "tg_listen_a");
  g_free (query_scalar (conn, "SELECT 1"));
  send_notify (fixture->db, "tg_listen_a", "unheard");
  send_notify (fixture->db, "Budgets Changed", "heard");
  wait_until (has_notification (fixture, "Budgets Changed:heard"), GUARD_SECONDS);
  g_assert_false (has_notification (fixture, "tg_listen_a:unheard"));

  tg_db_connection_close (conn);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(GCancellable) sleep_cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) queued_cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) sleep_result = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autoptr(GAsyncResult) last_result = NULL;
  g_autoptr(TgDbResult) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tg_cancel");
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) results = NULL;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_set_application_name (conn, application_name);

  tg_db_connection_query_async (conn, "SELECT pg_sleep (30)", NULL, 0, sleep_cancellable,
                                store_result_cb, &sleep_result);
  tg_db_connection_query_async (conn, "SELECT 'queued'", NULL, 0, queued_cancellable,
                                store_result_cb, &queued_result);
  tg_db_connection_query_async (conn, "SELECT 'last'", NULL, 0, NULL,
                                store_result_cb, &last_result);

  /* The sleep is running on the server. */
  wait_until (count_active_sleeps (application_name) == 1, GUARD_SECONDS);

  /* A query still in the queue is dropped at once. */
  g_cancellable_cancel (queued_cancellable);
  wait_until (queued_result != NULL, GUARD_SECONDS);
  rows = tg_db_connection_query_finish (conn, queued_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The running one completes long before pg_sleep would have ended (the guard is
   * shorter than the sleep)…
   */
  g_cancellable_cancel (sleep_cancellable);
  wait_until (sleep_result != NULL, 20);
  rows = tg_db_connection_query_finish (conn, sleep_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (rows);
  g_clear_error (&error);

  /* …the server really stopped it… */
  wait_until (count_active_sleeps (application_name) == 0, 20);

  /* …and the connection carries on in order. */
  wait_until (last_result != NULL, 20);
  rows = tg_db_connection_query_finish (conn, last_result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tg_db_result_get_value (rows, 0, 0), ==, "last");
  g_clear_pointer (&rows, tg_db_result_unref);

  again = query_scalar (conn, "SELECT 40 + 2");
  g_assert_cmpstr (again, ==, "42");
  g_clear_pointer (&again, g_free);

  /* A batch cancelled in the middle of its pipeline: the rest is dropped with it, and
   * the session leaves pipeline mode.
   */
  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) tg_db_statement_unref);
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT 1", NULL, 0, TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT pg_sleep (30)", NULL, 0,
                                                    TG_DB_QUERY_FLAGS_NONE));
  g_ptr_array_add (statements, tg_db_statement_new ("SELECT 3", NULL, 0, TG_DB_QUERY_FLAGS_NONE));
  g_cancellable_reset (sleep_cancellable);
  g_clear_object (&sleep_result);
  tg_db_connection_query_batch_async (conn, statements, sleep_cancellable,
                                      store_result_cb, &sleep_result);
  wait_until (count_active_sleeps (application_name) == 1, GUARD_SECONDS);
  g_cancellable_cancel (sleep_cancellable);
  wait_until (sleep_result != NULL, 20);
  results = tg_db_connection_query_batch_finish (conn, sleep_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (results);
  g_clear_error (&error);
  again = query_scalar (conn, "SELECT 'after the batch'");
  g_assert_cmpstr (again, ==, "after the batch");
  g_assert_cmpint (count_active_sleeps (application_name), ==, 0);

  /* A cancellable cancelled before the call. */
  {
    g_autoptr(GCancellable) cancelled = g_cancellable_new ();
    g_autoptr(GAsyncResult) result = NULL;

    g_cancellable_cancel (cancelled);
    tg_db_connection_query_async (conn, "SELECT 1", NULL, 0, cancelled, store_result_cb, &result);
    wait_until (result != NULL, GUARD_SECONDS);
    rows = tg_db_connection_query_finish (conn, result, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  tg_db_connection_close (conn);
}

static void
test_close_pending (Fixture       *fixture,
                    gconstpointer  data)
{
  TgDbConnection *conn;
  g_autoptr(GAsyncResult) sleep_result = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autoptr(TgDbResult) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tg_close");

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_set_application_name (conn, application_name);
  tg_db_connection_listen (conn, "tg_close");

  tg_db_connection_query_async (conn, "SELECT pg_sleep (30)", NULL, 0, NULL,
                                store_result_cb, &sleep_result);
  tg_db_connection_query_async (conn, "SELECT 1", NULL, 0, NULL, store_result_cb, &queued_result);
  wait_until (count_active_sleeps (application_name) == 1, GUARD_SECONDS);

  tg_db_connection_close (conn);
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_DISCONNECTED);

  wait_until (sleep_result != NULL && queued_result != NULL, GUARD_SECONDS);
  rows = tg_db_connection_query_finish (conn, sleep_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  rows = tg_db_connection_query_finish (conn, queued_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&sleep_result);
  g_clear_object (&queued_result);

  /* Nothing is left behind: no source on the context, the server session ends. */
  g_assert_null (g_main_context_find_source_by_user_data (fixture->context, conn));
  g_assert_finalize_object (conn);
  wait_until (count_sessions (application_name) == 0, 20);
}

static void
test_statement_timeout (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *setting = NULL;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_set_statement_timeout_ms (conn, 200);

  setting = query_scalar (conn, "SHOW statement_timeout");
  g_assert_cmpstr (setting, ==, "200ms");
  g_clear_pointer (&setting, g_free);

  result = query (conn, "SELECT pg_sleep (10)", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (result);
  g_test_message ("Statement timeout: %s", error->message);
  g_assert_nonnull (strstr (error->message, "statement timeout"));
  g_clear_error (&error);

  /* Changed on a live session; 0 hands back to the server's setting. */
  tg_db_connection_set_statement_timeout_ms (conn, 1500);
  setting = query_scalar (conn, "SHOW statement_timeout");
  g_assert_cmpstr (setting, ==, "1500ms");
  g_clear_pointer (&setting, g_free);

  tg_db_connection_set_statement_timeout_ms (conn, 0);
  setting = query_scalar (conn, "SHOW statement_timeout");
  g_assert_cmpstr (setting, ==, "0");

  tg_db_connection_close (conn);
}

/* A lock held in another session's open transaction: the query waits lock-timeout-ms at
 * most and fails as busy (the worker's connection sets it), then the session goes on.
 */
static void
test_lock_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) holder = NULL;
  g_autofree char *setting = NULL;

  if (fixture->db == NULL)
    return;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_set_lock_timeout_ms (conn, 200);
  setting = query_scalar (conn, "SHOW lock_timeout");
  g_assert_cmpstr (setting, ==, "200ms");
  g_clear_pointer (&setting, g_free);

  holder = tg_test_db_connect_as (fixture->db, "postgres");
  g_assert_true (tg_db_exec (holder, "BEGIN", NULL));
  g_free (tg_test_conn_scalar (holder, "SELECT pg_advisory_xact_lock (4242)"));

  result = query (conn, "SELECT pg_advisory_lock (4242)", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_BUSY);
  g_assert_null (result);
  g_test_message ("Lock timeout: %s", error->message);
  g_assert_nonnull (strstr (error->message, "lock timeout"));
  g_clear_error (&error);

  /* Changed on a live session; 0 hands back to the server's setting. */
  tg_db_connection_set_lock_timeout_ms (conn, 0);
  setting = query_scalar (conn, "SHOW lock_timeout");
  g_assert_cmpstr (setting, ==, "0");

  g_assert_true (tg_db_exec (holder, "COMMIT", NULL));
  tg_db_connection_close (conn);
}

static void
test_connect_failure (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->db == NULL)
    return;

  /* No server behind the socket path. */
  conn = fixture_connection (fixture, "host=/nonexistent-tollgate dbname=tollgate password=hunter2secret");
  result = query (conn, "SELECT 1", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  g_test_message ("No server: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not connect to the database: "));
  g_assert_nonnull (strstr (error->message, "/nonexistent-tollgate"));
  g_assert_null (strstr (error->message, "hunter2secret"));
  g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_FAILED);
  g_assert_cmpstr (tg_db_connection_get_last_error (conn), ==, error->message);
  /* Connecting and failing happened within one call: one notification, no flicker. */
  g_assert_cmpuint (fixture->statuses->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->statuses, TgDbConnectionStatus, 0), ==,
                   TG_DB_CONNECTION_STATUS_FAILED);
  g_clear_error (&error);
  g_clear_object (&conn);

  /* libpq quotes a malformed URI whole in its message; the password must not show. */
  conn = fixture_connection (fixture, "postgresql://tg_user:hunter2secret@[::1/tollgate");
  result = query (conn, "SELECT 1", &error);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  g_test_message ("Malformed URI: %s", error->message);
  g_assert_null (strstr (error->message, "hunter2secret"));
  g_assert_null (strstr (tg_db_connection_get_last_error (conn), "hunter2secret"));
  g_clear_error (&error);
  g_clear_object (&conn);

  /* A socket that accepts and never answers: the GLib connect timeout ends it. */
  {
    g_autofree char *dir = g_dir_make_tmp ("tg-silent-XXXXXX", &error);
    g_autofree char *path = NULL;
    g_autofree char *conninfo = NULL;
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    int fd;

    g_assert_no_error (error);
    path = g_build_filename (dir, ".s.PGSQL.5432", NULL);
    g_assert_cmpuint (strlen (path), <, sizeof address.sun_path);
    strcpy (address.sun_path, path);
    fd = socket (AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (bind (fd, (struct sockaddr *)&address, sizeof address), ==, 0);
    g_assert_cmpint (listen (fd, 4), ==, 0);

    conninfo = g_strdup_printf ("host=%s port=5432 dbname=silent user=nobody", dir);
    conn = fixture_connection (fixture, conninfo);
    tg_db_connection_set_connect_timeout_ms (conn, 500);
    result = query (conn, "SELECT 1", &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_test_message ("Silent server: %s", error->message);
    g_assert_true (g_str_has_prefix (error->message, "Could not connect to the database: "));
    g_assert_cmpint (tg_db_connection_get_status (conn), ==, TG_DB_CONNECTION_STATUS_FAILED);
    g_clear_error (&error);
    g_clear_object (&conn);

    close (fd);
    g_unlink (path);
    g_rmdir (dir);
  }
}

static void
test_restart_body (Fixture *fixture)
{
  g_autoptr(TgDbConnection) conn = NULL;
  g_autoptr(TgDbConnection) retry = NULL;
  g_autoptr(GAsyncResult) in_flight = NULL;
  g_autoptr(TgDbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *application_name = tg_test_unique_name ("tg_restart");
  g_autofree char *setting = NULL;
  guint reconnecting_at;

  conn = fixture_connection (fixture, fixture->db->conninfo);
  tg_db_connection_set_application_name (conn, application_name);
  tg_db_connection_set_statement_timeout_ms (conn, 5000);
  tg_db_connection_set_lock_timeout_ms (conn, 3000);
  tg_db_connection_set_connect_timeout_ms (conn, 2000);
  tg_db_connection_listen (conn, "tg_restart");
  g_free (query_scalar (conn, "SELECT 1"));

  retry = tg_db_connection_new (fixture->db->conninfo);
  g_free (query_scalar (retry, "SELECT 1"));

  /* A query in flight when the server goes down. */
  tg_db_connection_query_async (conn, "SELECT pg_sleep (30)", NULL, 0, NULL,
                                store_result_cb, &in_flight);
  wait_until (count_active_sleeps (application_name) == 1, GUARD_SECONDS);

  tg_test_cluster_command ("stop");

  wait_until (in_flight != NULL, GUARD_SECONDS);
  result = tg_db_connection_query_finish (conn, in_flight, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_test_message ("In flight: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The connection to the database was lost: "));
  g_assert_nonnull (strstr (error->message, "administrator command"));
  g_clear_error (&error);

  wait_until (tg_db_connection_get_status (conn) == TG_DB_CONNECTION_STATUS_RECONNECTING,
              GUARD_SECONDS);
  g_assert_true (saw_status (fixture, TG_DB_CONNECTION_STATUS_RECONNECTING));
  g_assert_nonnull (tg_db_connection_get_last_error (conn));
  reconnecting_at = fixture->statuses->len;

  /* While the server is away a query waits at most connect-timeout-ms. */
  result = query (conn, "SELECT 1", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("While down: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Timed out waiting for the database connection: "));
  g_clear_error (&error);

  /* A new connection to the stopped server fails with the reason. */
  {
    g_autoptr(TgDbConnection) fresh = tg_db_connection_new (fixture->db->conninfo);

    result = query (fresh, "SELECT 1", &error);
    g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
    g_test_message ("New connection while down: %s", error->message);
    g_clear_error (&error);
  }

  wait_until (tg_db_connection_get_status (retry) == TG_DB_CONNECTION_STATUS_RECONNECTING,
              GUARD_SECONDS);

  tg_test_cluster_command ("start");

  /* The Retry button skips the backoff; the other one comes back on its own. */
  tg_db_connection_reconnect_now (retry);
  wait_until (tg_db_connection_get_status (retry) == TG_DB_CONNECTION_STATUS_CONNECTED, 60);
  wait_until (tg_db_connection_get_status (conn) == TG_DB_CONNECTION_STATUS_CONNECTED, 60);
  g_assert_cmpint (g_array_index (fixture->statuses, TgDbConnectionStatus, reconnecting_at - 1), ==,
                   TG_DB_CONNECTION_STATUS_RECONNECTING);
  g_assert_cmpint (g_array_index (fixture->statuses, TgDbConnectionStatus, fixture->statuses->len - 1), ==,
                   TG_DB_CONNECTION_STATUS_CONNECTED);
  g_assert_null (tg_db_connection_get_last_error (conn));

  /* LISTEN and the settings came back with the session. */
  send_notify (fixture->db, "tg_restart", "after restart");
  wait_until (has_notification (fixture, "tg_restart:after restart"), GUARD_SECONDS);

  setting = query_scalar (conn, "SHOW statement_timeout");
  g_assert_cmpstr (setting, ==, "5s");
  g_clear_pointer (&setting, g_free);
  setting = query_scalar (conn, "SHOW lock_timeout");
  g_assert_cmpstr (setting, ==, "3s");
  g_clear_pointer (&setting, g_free);
  setting = query_scalar (conn, "SELECT current_setting ('application_name')");
  g_assert_cmpstr (setting, ==, application_name);
  g_clear_pointer (&setting, g_free);
  setting = query_scalar (retry, "SELECT 'retry works'");
  g_assert_cmpstr (setting, ==, "retry works");

  tg_db_connection_close (conn);
  tg_db_connection_close (retry);
}

static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  if (fixture->db == NULL)
    return;

  if (g_getenv ("TG_SERVICES_DIR") == NULL)
    {
      g_test_skip ("Restarting the server needs the cluster of tools/with-services");
      return;
    }

  /* The body stops the shared cluster; run it in a child so that this process can start
   * the cluster again whatever happens, and later tests find it up.
   */
  if (g_test_subprocess ())
    {
      test_restart_body (fixture);
      return;
    }

  g_test_trap_subprocess (NULL, 150 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  tg_test_cluster_command ("start");
  g_test_trap_assert_passed ();
}

/* The worker thread's connection lives on the worker's own context. */

typedef struct
{
  const char *conninfo;
  TgTestDb   *db;
  char       *answer;
  char       *payload;
} WorkerData;

static void
worker_notify_cb (TgDbConnection *conn,
                  const char     *channel,
                  const char     *payload,
                  WorkerData     *data)
{
  data->payload = g_strdup (payload);
}

static gpointer
worker_thread (gpointer user_data)
{
  WorkerData *data = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  TgDbConnection *conn;

  g_main_context_push_thread_default (context);

  conn = tg_db_connection_new (data->conninfo);
  g_signal_connect (conn, "notify-received", G_CALLBACK (worker_notify_cb), data);
  tg_db_connection_listen (conn, "tg_worker");
  data->answer = query_scalar (conn, "SELECT 'from the worker'");
  send_notify (data->db, "tg_worker", "to the worker");
  wait_until (data->payload != NULL, GUARD_SECONDS);
  tg_db_connection_close (conn);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_finalize_object (conn);

  g_main_context_pop_thread_default (context);

  return NULL;
}

static void
test_worker_thread (Fixture       *fixture,
                    gconstpointer  data)
{
  WorkerData worker = { 0 };
  GThread *thread;

  if (fixture->db == NULL)
    return;

  worker.conninfo = fixture->db->conninfo;
  worker.db = fixture->db;
  thread = g_thread_new ("tollgate-test-worker", worker_thread, &worker);
  g_thread_join (thread);

  g_assert_cmpstr (worker.answer, ==, "from the worker");
  g_assert_cmpstr (worker.payload, ==, "to the worker");
  g_free (worker.answer);
  g_free (worker.payload);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tollgate/db/connection/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("lifecycle", test_lifecycle);
  ADD ("queries", test_queries);
  ADD ("binary", test_binary);
  ADD ("batch", test_batch);
  ADD ("listen", test_listen);
  ADD ("cancel", test_cancel);
  ADD ("close-pending", test_close_pending);
  ADD ("statement-timeout", test_statement_timeout);
  ADD ("lock-timeout", test_lock_timeout);
  ADD ("connect-failure", test_connect_failure);
  ADD ("worker-thread", test_worker_thread);
  ADD ("restart", test_restart);

#undef ADD

  return g_test_run ();
}
