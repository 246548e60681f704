/* test-secret-store.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs against the real Secret Service that tools/with-services provides (an unlocked,
 * throwaway gnome-keyring). Outside the wrapper a missing keyring skips the round trips;
 * inside it fails them. The error cases run in subprocesses with their own (or no)
 * session bus, so they never disturb the keyring of the person running the tests.
 */

#include "config.h"

#include <string.h>

#include "tg-secret-store.h"
#include "tg-test-programs.h"

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* Iterates the default main context until the operation whose result lands in @slot
 * has finished. meson's test timeout catches a call that never ends.
 */
static GAsyncResult *
await_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static char *
lookup_secret (TgSecretStore  *store,
               TgSecretKey    *key,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tg_secret_store_lookup_async (store, key, NULL, on_ready, &result);
  return tg_secret_store_lookup_finish (store, await_result (&result), error);
}

static gboolean
store_secret (TgSecretStore  *store,
              TgSecretKey    *key,
              const char     *secret,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tg_secret_store_store_async (store, key, secret, NULL, on_ready, &result);
  return tg_secret_store_store_finish (store, await_result (&result), error);
}

static gboolean
clear_secret (TgSecretStore  *store,
              TgSecretKey    *key,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tg_secret_store_clear_async (store, key, NULL, on_ready, &result);
  return tg_secret_store_clear_finish (store, await_result (&result), error);
}

static void
assert_no_secret (char *secret)
{
  g_assert_null (secret);
}

/* Returns FALSE (and marks the test skipped) when there is no usable keyring outside
 * the wrapper; inside the wrapper a missing keyring fails the test.
 */
static gboolean
keyring_available (TgSecretStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dbname = g_strdup_printf ("probe_%08x", g_random_int ());
  g_autoptr(TgSecretKey) key = tg_secret_key_new_database ("probe.invalid", "5432", dbname,
                                                           "nobody");
  char *secret;

  secret = lookup_secret (store, key, &error);
  assert_no_secret (secret);

  if (error == NULL)
    return TRUE;

  if (tg_test_services_required ())
    g_error ("The keyring of tools/with-services is not usable: %s", error->message);

  g_test_skip_printf ("No usable keyring: %s", error->message);
  return FALSE;
}

static void
test_schemas (void)
{
  const SecretSchema *db = tg_secret_store_get_database_schema ();
  const SecretSchema *api = tg_secret_store_get_api_key_schema ();
  const char *db_attributes[] = { "host", "port", "dbname", "user", NULL };
  const char *api_attributes[] = { "provider", "keyring-id", NULL };
  g_autofree char *id1 = tg_secret_store_new_keyring_id ();
  g_autofree char *id2 = tg_secret_store_new_keyring_id ();

  g_assert_cmpstr (db->name, ==, "io.github.tollgate.Tollgate.DatabasePassword");
  g_assert_cmpstr (api->name, ==, "io.github.tollgate.Tollgate.ApiKey");

  for (guint i = 0; db_attributes[i] != NULL; i++)
    {
      g_assert_cmpstr (db->attributes[i].name, ==, db_attributes[i]);
      g_assert_cmpint (db->attributes[i].type, ==, SECRET_SCHEMA_ATTRIBUTE_STRING);
    }
  g_assert_null (db->attributes[G_N_ELEMENTS (db_attributes) - 1].name);

  for (guint i = 0; api_attributes[i] != NULL; i++)
    g_assert_cmpstr (api->attributes[i].name, ==, api_attributes[i]);
  g_assert_null (api->attributes[G_N_ELEMENTS (api_attributes) - 1].name);

  g_assert_cmpstr (tg_secret_store_get_webhook_schema ()->name, ==,
                   "io.github.tollgate.Tollgate.AlertWebhook");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (tg_secret_store_get_webhook_schema ()->attributes[i].name, ==,
                     db_attributes[i]);
  g_assert_null (tg_secret_store_get_webhook_schema ()->attributes[3].name);

  g_assert_true (g_uuid_string_is_valid (id1));
  g_assert_cmpstr (id1, !=, id2);
}

static void
test_finalize (void)
{
  TgSecretStore *store = tg_secret_store_new ();

  g_assert_cmpuint (tg_secret_store_get_timeout (store), ==, TG_SECRET_STORE_DEFAULT_TIMEOUT_MS);
  tg_secret_store_set_timeout (store, 1500);
  g_assert_cmpuint (tg_secret_store_get_timeout (store), ==, 1500);
  g_assert_finalize_object (store);
}

static void
test_key (void)
{
  g_autoptr(TgSecretKey) key = tg_secret_key_new_database (NULL, NULL, "db", "ann");
  TgSecretKey *copy;

  g_assert_true (G_TYPE_IS_BOXED (TG_TYPE_SECRET_KEY));
  copy = g_boxed_copy (TG_TYPE_SECRET_KEY, key);
  g_assert_true (copy == key);
  g_boxed_free (TG_TYPE_SECRET_KEY, copy);

  g_clear_pointer (&key, tg_secret_key_unref);
  key = tg_secret_key_new_api_key ("openai", "0");
  g_assert_nonnull (key);
}

static void
test_database_password (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dbname = g_strdup_printf ("tollgate_%08x", g_random_int ());
  const char *host = "db.tollgate.invalid";
  g_autoptr(TgSecretKey) key = tg_secret_key_new_database (host, "5432", dbname, "ann");
  g_autoptr(TgSecretKey) other_db = tg_secret_key_new_database (host, "5432", "other_db", "ann");
  g_autoptr(TgSecretKey) other_user = tg_secret_key_new_database (host, "5432", dbname, "bob");
  g_autoptr(TgSecretKey) other_port = tg_secret_key_new_database (host, "5433", dbname, "ann");
  g_autoptr(TgSecretKey) no_host = tg_secret_key_new_database (NULL, NULL, dbname, "ann");
  char *secret;

  if (!keyring_available (store))
    return;

  g_assert_true (store_secret (store, key, "s3cret-ann", &error));
  g_assert_no_error (error);

  secret = lookup_secret (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret-ann");
  tg_secret_free (secret);

  /* Every attribute takes part in the match. */
  assert_no_secret (lookup_secret (store, other_db, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, other_user, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, other_port, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, no_host, &error));
  g_assert_no_error (error);

  /* Storing again replaces rather than adds. */
  g_assert_true (store_secret (store, key, "rotated", &error));
  g_assert_no_error (error);
  secret = lookup_secret (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "rotated");
  tg_secret_free (secret);

  g_assert_true (clear_secret (store, key, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, key, &error));
  g_assert_no_error (error);

  /* Clearing what is not there is not an error. */
  g_assert_false (clear_secret (store, key, &error));
  g_assert_no_error (error);
}

static void
test_api_key (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = tg_secret_store_new_keyring_id ();
  g_autofree char *other_id = tg_secret_store_new_keyring_id ();
  g_autoptr(TgSecretKey) key = tg_secret_key_new_api_key ("openai", id);
  g_autoptr(TgSecretKey) other_key = tg_secret_key_new_api_key ("openai", other_id);
  g_autoptr(TgSecretKey) other_provider = tg_secret_key_new_api_key ("geoscape", id);
  char *secret;

  if (!keyring_available (store))
    return;

  g_assert_true (store_secret (store, key, "sk-test-1234567890", &error));
  g_assert_no_error (error);

  secret = lookup_secret (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-test-1234567890");
  tg_secret_free (secret);

  assert_no_secret (lookup_secret (store, other_key, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, other_provider, &error));
  g_assert_no_error (error);

  g_assert_true (clear_secret (store, key, &error));
  g_assert_no_error (error);

  assert_no_secret (lookup_secret (store, key, &error));
  g_assert_no_error (error);
}

/* The label of the one item under @schema and the attributes that follow, checked
 * with libsecret directly.
 */
static char *
only_item_label (const SecretSchema *schema,
                 ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  char *label;
  va_list args;

  va_start (args, schema);
  attributes = secret_attributes_buildv (schema, args);
  va_end (args);

  items = secret_password_searchv_sync (schema, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_list_free_full (items, g_object_unref);

  return label;
}

/* Items filed by earlier versions are found: the schemas, the attributes (by name and
 * value, an empty string for no host or port) and the labels stay as they were.
 */
static void
test_earlier_items (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dbname = g_strdup_printf ("tollgate_%08x", g_random_int ());
  g_autofree char *id = tg_secret_store_new_keyring_id ();
  g_autoptr(TgSecretKey) db_key = tg_secret_key_new_database (NULL, NULL, dbname, "ann");
  g_autoptr(TgSecretKey) api_key = tg_secret_key_new_api_key ("openai", id);
  g_autofree char *db_label = g_strdup_printf ("Tollgate: password of ann for database %s "
                                               "on localhost", dbname);
  g_autofree char *label = NULL;
  char *secret;

  if (!keyring_available (store))
    return;

  /* As an earlier version filed it. */
  secret_password_store_sync (tg_secret_store_get_database_schema (), SECRET_COLLECTION_DEFAULT,
                              "Tollgate: password of ann for database earlier on localhost",
                              "earlier-pw", NULL, &error,
                              "host", "", "port", "", "dbname", dbname, "user", "ann", NULL);
  g_assert_no_error (error);
  secret = lookup_secret (store, db_key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "earlier-pw");
  tg_secret_free (secret);

  /* Storing under the same key replaces that item and gives it this version's label. */
  g_assert_true (store_secret (store, db_key, "now-pw", &error));
  g_assert_no_error (error);
  label = only_item_label (tg_secret_store_get_database_schema (),
                           "host", "", "port", "", "dbname", dbname, "user", "ann", NULL);
  g_assert_cmpstr (label, ==, db_label);
  g_assert_true (clear_secret (store, db_key, &error));
  g_assert_no_error (error);

  g_assert_true (store_secret (store, api_key, "sk-now", &error));
  g_assert_no_error (error);
  secret = secret_password_lookup_sync (tg_secret_store_get_api_key_schema (), NULL, &error,
                                        "provider", "openai", "keyring-id", id, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-now");
  secret_password_free (secret);
  g_clear_pointer (&label, g_free);
  label = only_item_label (tg_secret_store_get_api_key_schema (),
                           "provider", "openai", "keyring-id", id, NULL);
  g_assert_cmpstr (label, ==, "Tollgate: API key for openai");
  g_assert_true (clear_secret (store, api_key, &error));
  g_assert_no_error (error);
}

/* The alert webhook's URL: one per database, whoever signs in; stored, found, replaced
 * and cleared with the blocking calls a worker thread uses and the asynchronous ones the
 * Preferences window uses, which see the same item.
 */
static void
test_webhook_url (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dbname = g_strdup_printf ("tollgate_%08x", g_random_int ());
  g_autoptr(TgSecretKey) key = tg_secret_key_new_webhook ("/run/postgresql", "5432", dbname);
  g_autoptr(TgSecretKey) other_db = tg_secret_key_new_webhook ("/run/postgresql", "5432",
                                                               "other_db");
  g_autoptr(TgSecretKey) other_port = tg_secret_key_new_webhook ("/run/postgresql", "5433",
                                                                 dbname);
  g_autoptr(TgSecretKey) password = tg_secret_key_new_database ("/run/postgresql", "5432",
                                                                dbname, "ann");
  g_autofree char *expected_label = g_strdup_printf ("Tollgate: alert webhook for database %s "
                                                     "on /run/postgresql", dbname);
  g_autofree char *label = NULL;
  const char *url = "https://hooks.slack.com/services/T0123/B0456/s3cr3tT0ken";
  char *secret;

  if (!keyring_available (store))
    return;

  g_assert_true (tg_secret_store_store_sync (store, key, url, NULL, &error));
  g_assert_no_error (error);

  secret = tg_secret_store_lookup_sync (store, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, url);
  tg_secret_free (secret);

  secret = lookup_secret (store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, url);
  tg_secret_free (secret);

  label = only_item_label (tg_secret_store_get_webhook_schema (),
                           "host", "/run/postgresql", "port", "5432", "dbname", dbname, NULL);
  g_assert_cmpstr (label, ==, expected_label);

  /* Another database, and the database's password, are other items. */
  assert_no_secret (tg_secret_store_lookup_sync (store, other_db, NULL, &error));
  g_assert_no_error (error);
  assert_no_secret (tg_secret_store_lookup_sync (store, other_port, NULL, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, password, &error));
  g_assert_no_error (error);

  /* Replaced, then cleared (blocking), then gone for the asynchronous look-up too. */
  g_assert_true (store_secret (store, key, "https://chat.example.com/hooks/new", &error));
  g_assert_no_error (error);
  secret = tg_secret_store_lookup_sync (store, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "https://chat.example.com/hooks/new");
  tg_secret_free (secret);

  g_assert_true (tg_secret_store_clear_sync (store, key, NULL, &error));
  g_assert_no_error (error);
  assert_no_secret (lookup_secret (store, key, &error));
  g_assert_no_error (error);
  g_assert_false (tg_secret_store_clear_sync (store, key, NULL, &error));
  g_assert_no_error (error);
}

/* The blocking calls run on a thread with no main loop of its own (a worker's job). */
static gpointer
lookup_on_thread (gpointer data)
{
  TgSecretKey *key = data;
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  char *secret = tg_secret_store_lookup_sync (store, key, NULL, &error);

  g_assert_no_error (error);

  return secret;
}

static void
test_sync_on_thread (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TgSecretKey) key = NULL;
  g_autofree char *dbname = g_strdup_printf ("tollgate_%08x", g_random_int ());
  char *secret;

  if (!keyring_available (store))
    return;

  key = tg_secret_key_new_webhook (NULL, NULL, dbname);
  g_assert_true (tg_secret_store_store_sync (store, key, "https://h.example/x", NULL, &error));
  g_assert_no_error (error);

  secret = g_thread_join (g_thread_new ("lookup", lookup_on_thread, key));
  g_assert_cmpstr (secret, ==, "https://h.example/x");
  tg_secret_free (secret);

  g_assert_true (tg_secret_store_clear_sync (store, key, NULL, &error));
  g_assert_no_error (error);
}

static void
test_sync_cancelled (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TgSecretKey) key = tg_secret_key_new_webhook ("h", "5432", "db");

  /* Needs no keyring, as the asynchronous case below. */
  g_cancellable_cancel (cancellable);
  assert_no_secret (tg_secret_store_lookup_sync (store, key, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (tg_secret_store_store_sync (store, key, "https://h.example/x", cancellable,
                                              &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancelled (void)
{
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgSecretKey) key = tg_secret_key_new_api_key ("openai", "0");
  char *secret;

  /* Needs no keyring: a call cancelled up front ends as cancelled, whatever is there. */
  g_cancellable_cancel (cancellable);
  tg_secret_store_lookup_async (store, key, cancellable, on_ready, &result);
  secret = tg_secret_store_lookup_finish (store, await_result (&result), &error);
  assert_no_secret (secret);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- error cases, each in a subprocess with its own session bus (or none) --- */

static void
use_private_runtime_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tollgate-runtime-XXXXXX", &error);

  g_assert_no_error (error);
  /* No "bus" socket in it, so GLib cannot fall back to a user bus. */
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TgSecretStore) store = NULL;
      g_autoptr(TgSecretKey) key = tg_secret_key_new_database ("h", "5432", "db", "ann");
      g_autoptr(GError) error = NULL;

      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DBUS_STARTER_ADDRESS");
      g_unsetenv ("DISPLAY");
      use_private_runtime_dir ();

      store = tg_secret_store_new ();
      assert_no_secret (lookup_secret (store, key, &error));
      g_assert_error (error, TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_NO_SESSION_BUS);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "session bus"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static GTestDBus *
start_private_bus (void)
{
  GTestDBus *bus;

  use_private_runtime_dir ();
  g_unsetenv ("DISPLAY");

  /* No service directories: nothing can be activated on this bus. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  return bus;
}

static void
stop_private_bus (GTestDBus *bus)
{
  /* libsecret keeps its service proxy (and so the shared connection) for the life of
   * the process, so do not wait for the connection to go away.
   */
  g_test_dbus_stop (bus);
  g_object_unref (bus);
}

static gboolean
have_dbus_daemon (void)
{
  g_autofree char *path = tg_test_find_program ("dbus-daemon", "dbus");

  return path != NULL;
}

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      GTestDBus *bus = start_private_bus ();
      g_autoptr(TgSecretStore) store = tg_secret_store_new ();
      g_autoptr(TgSecretKey) key = tg_secret_key_new_database ("h", "5432", "db", "ann");
      g_autoptr(GError) error = NULL;

      g_assert_false (store_secret (store, key, "s3cret", &error));
      g_assert_error (error, TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_NO_SERVICE);
      g_assert_null (strstr (error->message, "s3cret"));
      g_test_message ("%s", error->message);

      g_clear_object (&store);
      stop_private_bus (bus);
      return;
    }

  if (!have_dbus_daemon ())
    return;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* How many method calls the silent peer has received (and dropped): atomic, since the
 * filter runs on GDBus's worker thread.
 */
static gint silent_calls;

static GDBusMessage *
drop_method_calls (GDBusConnection *connection,
                   GDBusMessage    *message,
                   gboolean         incoming,
                   gpointer         user_data)
{
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_object_unref (message);
      g_atomic_int_inc (&silent_calls);
      /* The test's main loop may be waiting for this. */
      g_main_context_wakeup (NULL);
      return NULL;
    }

  return message;
}

/* A peer that owns the Secret Service's name and never answers: what libsecret sees
 * while a keyring waits on an unlock prompt nobody can reach.
 */
static GDBusConnection *
own_silent_secret_service (GTestDBus *bus)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (connection, drop_method_calls, NULL, NULL);

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1); /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */

  return g_steal_pointer (&connection);
}

static void
test_stuck_keyring (void)
{
  if (g_test_subprocess ())
    {
      GTestDBus *bus = start_private_bus ();
      g_autoptr(GDBusConnection) silent = own_silent_secret_service (bus);
      g_autoptr(TgSecretStore) store = tg_secret_store_new ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(TgSecretKey) db_key = tg_secret_key_new_database ("h", "5432", "db", "ann");
      g_autoptr(TgSecretKey) api_key = tg_secret_key_new_api_key ("openai", "0");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gint calls_before;

      /* The timeout turns the silence into a readable error... */
      tg_secret_store_set_timeout (store, 200);
      g_assert_false (store_secret (store, db_key, "s3cret", &error));
      g_assert_error (error, TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_TIMED_OUT);
      g_assert_null (strstr (error->message, "s3cret"));
      g_test_message ("%s", error->message);
      g_clear_error (&error);

      /* ...and the caller can give up earlier, which is not a timeout. The cancel comes
       * once the lookup is stuck, its call received by the silent service, not at
       * whatever point the lookup had reached by the next idle.
       */
      tg_secret_store_set_timeout (store, G_MAXUINT);
      calls_before = g_atomic_int_get (&silent_calls);
      tg_secret_store_lookup_async (store, api_key, cancellable, on_ready, &result);
      while (g_atomic_int_get (&silent_calls) == calls_before && result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_null (result);
      g_cancellable_cancel (cancellable);
      assert_no_secret (tg_secret_store_lookup_finish (store, await_result (&result), &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      g_clear_object (&store);
      g_dbus_connection_close_sync (silent, NULL, NULL);
      stop_private_bus (bus);
      return;
    }

  if (!have_dbus_daemon ())
    return;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/keyring/secret-store/schemas", test_schemas);
  g_test_add_func ("/tollgate/keyring/secret-store/finalize", test_finalize);
  g_test_add_func ("/tollgate/keyring/secret-store/cancelled", test_cancelled);
  g_test_add_func ("/tollgate/keyring/secret-store/key", test_key);
  g_test_add_func ("/tollgate/keyring/secret-store/database-password", test_database_password);
  g_test_add_func ("/tollgate/keyring/secret-store/api-key", test_api_key);
  g_test_add_func ("/tollgate/keyring/secret-store/earlier-items", test_earlier_items);
  g_test_add_func ("/tollgate/keyring/secret-store/webhook-url", test_webhook_url);
  g_test_add_func ("/tollgate/keyring/secret-store/sync-on-thread", test_sync_on_thread);
  g_test_add_func ("/tollgate/keyring/secret-store/sync-cancelled", test_sync_cancelled);
  g_test_add_func ("/tollgate/keyring/secret-store/no-session-bus", test_no_session_bus);
  g_test_add_func ("/tollgate/keyring/secret-store/no-service", test_no_service);
  g_test_add_func ("/tollgate/keyring/secret-store/stuck-keyring", test_stuck_keyring);

  return g_test_run ();
}
