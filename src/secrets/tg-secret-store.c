/* tg-secret-store.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Database passwords, provider API keys and the alert webhook's URL in the user's keyring (the freedesktop
 * Secret Service: GNOME Keyring, KWallet, or the portal inside Flatpak).
 *
 * Every call is asynchronous, takes the caller's GCancellable and gives up after a
 * timeout: a keyring that shows its unlock prompt where nobody can see it must end as
 * an error the user can read, never as a window that waits forever. The secrets
 * themselves never reach a log or an error message. The _sync variants run the same
 * calls on a main context of their own, for worker threads and tollgatectl; never on
 * the UI thread.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tg-secret-store.h"

struct _TgSecretStore
{
  GObject parent_instance;

  guint   timeout_ms;
};

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

typedef enum
{
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} OpKind;

struct _TgSecretKey
{
  const SecretSchema *schema;
  GHashTable         *attributes;
  /* What the keyring shows for the item; used when storing. */
  char               *label;
};

/* One keyring call in flight; the GTask's task data. */
typedef struct
{
  OpKind              kind;
  TgSecretKey        *key;
  char               *secret;

  /* Cancelled by the caller's cancellable or by the timeout; libsecret gets this one. */
  GCancellable       *cancellable;
  GCancellable       *caller_cancellable;
  gulong              caller_cancelled_id;
  GSource            *timeout_source;
  guint               timeout_ms;
  gboolean            timed_out;

  /* The task has been returned (by the timeout, or by libsecret's answer). */
  gboolean            returned;
} Op;

G_DEFINE_FINAL_TYPE (TgSecretStore, tg_secret_store, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (TgSecretKey, tg_secret_key, tg_secret_key_ref, tg_secret_key_unref)
G_DEFINE_QUARK (tg-secret-store-error-quark, tg_secret_store_error)

static GParamSpec *properties[N_PROPS];

static const SecretSchema database_schema = {
  .name = "io.github.tollgate.Tollgate.DatabasePassword",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "host", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "port", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "dbname", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "user", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL },
  },
};

static const SecretSchema api_key_schema = {
  .name = "io.github.tollgate.Tollgate.ApiKey",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "provider", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "keyring-id", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL },
  },
};

static const SecretSchema webhook_schema = {
  .name = "io.github.tollgate.Tollgate.AlertWebhook",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "host", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "port", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "dbname", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL },
  },
};

/**
 * tg_secret_store_get_database_schema:
 *
 * Returns: the schema of database passwords, keyed by host, port, dbname and user as
 *   libpq reports them (the host is a directory for a Unix socket)
 */
const SecretSchema *
tg_secret_store_get_database_schema (void)
{
  return &database_schema;
}

/**
 * tg_secret_store_get_api_key_schema:
 *
 * Returns: the schema of provider API keys, keyed by the provider slug and a UUID that
 *   the database's key record carries (so the database never holds the key itself)
 */
const SecretSchema *
tg_secret_store_get_api_key_schema (void)
{
  return &api_key_schema;
}

/**
 * tg_secret_store_get_webhook_schema:
 *
 * Returns: the schema of the alert webhook's URL (which carries the chat tool's token),
 *   one per database, keyed by host, port and dbname as libpq reports them
 */
const SecretSchema *
tg_secret_store_get_webhook_schema (void)
{
  return &webhook_schema;
}

/**
 * tg_secret_store_new_keyring_id:
 *
 * Returns: (transfer full): a new random UUID to file an API key under
 */
char *
tg_secret_store_new_keyring_id (void)
{
  return g_uuid_string_random ();
}

/**
 * tg_secret_free:
 * @secret: (nullable): a secret returned by a lookup
 *
 * Wipes and frees a secret. Lookups return memory that libsecret keeps out of swap;
 * it must be released here, not with g_free().
 */
void
tg_secret_free (char *secret)
{
  secret_password_free (secret);
}

/* Takes @label; the attributes are name/value pairs of @schema, ending in NULL. */
static TgSecretKey *
secret_key_new (const SecretSchema *schema,
                char               *label,
                ...)
{
  TgSecretKey *key = g_atomic_rc_box_new0 (TgSecretKey);
  va_list args;

  key->schema = schema;
  key->label = label;
  va_start (args, label);
  key->attributes = secret_attributes_buildv (schema, args);
  va_end (args);

  return key;
}

/**
 * tg_secret_key_new_database:
 * @host: (nullable): the host or socket directory, as libpq's PQhost() reports it
 * @port: (nullable): the port, as PQport() reports it
 * @dbname: the database name
 * @user: the role name
 *
 * Returns: (transfer full): the key of the password of @user for one database
 */
TgSecretKey *
tg_secret_key_new_database (const char *host,
                            const char *port,
                            const char *dbname,
                            const char *user)
{
  char *label;

  g_return_val_if_fail (dbname != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  /* TRANSLATORS: the label of a keyring item: user, database, host */
  label = g_strdup_printf (_("Tollgate: password of %s for database %s on %s"),
                           user, dbname, host != NULL && *host ? host : "localhost");

  /* libsecret matches attributes exactly, so "no host" is stored as "" rather than
   * left out (which would match any host on lookup).
   */
  return secret_key_new (&database_schema, label,
                         "host", host != NULL ? host : "",
                         "port", port != NULL ? port : "",
                         "dbname", dbname,
                         "user", user,
                         NULL);
}

/**
 * tg_secret_key_new_api_key:
 * @provider: the provider slug, such as "openai"
 * @keyring_id: the UUID the database's key record refers to
 *   (tg_secret_store_new_keyring_id())
 *
 * Returns: (transfer full): the key of one provider API key
 */
TgSecretKey *
tg_secret_key_new_api_key (const char *provider,
                           const char *keyring_id)
{
  char *label;

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (keyring_id != NULL, NULL);

  /* TRANSLATORS: the label of a keyring item; %s is a provider such as "openai" */
  label = g_strdup_printf (_("Tollgate: API key for %s"), provider);

  return secret_key_new (&api_key_schema, label,
                         "provider", provider,
                         "keyring-id", keyring_id,
                         NULL);
}

/**
 * tg_secret_key_new_webhook:
 * @host: (nullable): the database's host or socket directory, as PQhost() reports it
 * @port: (nullable): its port, as PQport() reports it
 * @dbname: the database name
 *
 * Returns: (transfer full): the key of the URL that alerts of one database are posted
 *   to, for whichever role signs in to it from this desktop account
 */
TgSecretKey *
tg_secret_key_new_webhook (const char *host,
                           const char *port,
                           const char *dbname)
{
  char *label;

  g_return_val_if_fail (dbname != NULL, NULL);

  /* TRANSLATORS: the label of a keyring item: database, host */
  label = g_strdup_printf (_("Tollgate: alert webhook for database %s on %s"),
                           dbname, host != NULL && *host ? host : "localhost");

  return secret_key_new (&webhook_schema, label,
                         "host", host != NULL ? host : "",
                         "port", port != NULL ? port : "",
                         "dbname", dbname,
                         NULL);
}

TgSecretKey *
tg_secret_key_ref (TgSecretKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_atomic_rc_box_acquire (key);
}

static void
secret_key_clear (TgSecretKey *key)
{
  g_clear_pointer (&key->attributes, g_hash_table_unref);
  g_clear_pointer (&key->label, g_free);
}

void
tg_secret_key_unref (TgSecretKey *key)
{
  g_return_if_fail (key != NULL);

  g_atomic_rc_box_release_full (key, (GDestroyNotify)secret_key_clear);
}

static void
op_free (Op *op)
{
  if (op->caller_cancellable != NULL && op->caller_cancelled_id != 0)
    g_cancellable_disconnect (op->caller_cancellable, op->caller_cancelled_id);
  g_clear_object (&op->caller_cancellable);

  if (op->timeout_source != NULL)
    {
      g_source_destroy (op->timeout_source);
      g_clear_pointer (&op->timeout_source, g_source_unref);
    }

  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->key, tg_secret_key_unref);

  if (op->secret != NULL)
    {
      explicit_bzero (op->secret, strlen (op->secret));
      g_clear_pointer (&op->secret, g_free);
    }

  g_free (op);
}

static void
tg_secret_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TgSecretStore *self = TG_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_secret_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TgSecretStore *self = TG_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      tg_secret_store_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_secret_store_class_init (TgSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tg_secret_store_get_property;
  object_class->set_property = tg_secret_store_set_property;

  /**
   * TgSecretStore:timeout:
   *
   * Milliseconds a keyring call may take before it fails with
   * %TG_SECRET_STORE_ERROR_TIMED_OUT; long enough to type an unlock password.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, G_MAXUINT, TG_SECRET_STORE_DEFAULT_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tg_secret_store_init (TgSecretStore *self)
{
  self->timeout_ms = TG_SECRET_STORE_DEFAULT_TIMEOUT_MS;
}

TgSecretStore *
tg_secret_store_new (void)
{
  return g_object_new (TG_TYPE_SECRET_STORE, NULL);
}

guint
tg_secret_store_get_timeout (TgSecretStore *self)
{
  g_return_val_if_fail (TG_IS_SECRET_STORE (self), 0);

  return self->timeout_ms;
}

/* Applies to calls started afterwards. */
void
tg_secret_store_set_timeout (TgSecretStore *self,
                             guint          timeout_ms)
{
  g_return_if_fail (TG_IS_SECRET_STORE (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->timeout_ms == timeout_ms)
    return;

  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/* Turns what libsecret and GDBus say into the few situations a user can act on. The
 * original message is kept for the rest: it names D-Bus objects, never a secret.
 */
static GError *
translate_error (Op     *op,
                 GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (op->timed_out)
        {
          guint seconds = MAX (1, (op->timeout_ms + 999) / 1000);

          return g_error_new (TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_TIMED_OUT,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "The keyring did not answer within %u second. If "
                                           "it asks for a password to unlock it, unlock it "
                                           "and try again.",
                                           "The keyring did not answer within %u seconds. If "
                                           "it asks for a password to unlock it, unlock it "
                                           "and try again.",
                                           seconds),
                              seconds);
        }
      return g_error_copy (error);
    }

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return g_error_new_literal (TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_NO_SERVICE,
                                _("No keyring service (such as GNOME Keyring) is running, so "
                                  "passwords and API keys cannot be kept in the keyring."));

  /* gnome-keyring answers a call on its default collection that it could neither unlock
   * nor create (no prompt possible) with "Object does not exist at path
   * “/org/freedesktop/secrets/collection/login”".
   */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      (strstr (error->message, "/collection/") != NULL &&
       strstr (error->message, "does not exist") != NULL))
    return g_error_new_literal (TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_LOCKED,
                                _("The keyring is locked. Unlock it (for example in Passwords "
                                  "and Keys) and try again."));

  return g_error_new (TG_SECRET_STORE_ERROR, TG_SECRET_STORE_ERROR_FAILED,
                      _("The keyring reported an error: %s"), error->message);
}

/* Returns FALSE when the timeout already answered the caller: libsecret's late answer
 * is then dropped.
 */
static gboolean
claim_return (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->returned)
    return FALSE;

  op->returned = TRUE;
  return TRUE;
}

static void
return_error (GTask  *task,
              GError *error)
{
  Op *op = g_task_get_task_data (task);

  g_task_return_error (task, translate_error (op, error));
}

/* libsecret's answer, whatever the call: a store answers TRUE, a clear whether there
 * was an item to remove, a lookup the secret or NULL.
 */
static void
on_answered (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (task);
  gboolean done = FALSE;
  char *secret = NULL;

  switch (op->kind)
    {
    case OP_STORE:
      done = secret_password_store_finish (result, &error);
      break;

    case OP_LOOKUP:
      secret = secret_password_lookup_finish (result, &error);
      break;

    case OP_CLEAR:
      done = secret_password_clear_finish (result, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!claim_return (task))
    secret_password_free (secret);
  else if (error != NULL)
    return_error (task, error);
  else if (op->kind == OP_LOOKUP)
    g_task_return_pointer (task, secret, (GDestroyNotify)secret_password_free);
  else
    g_task_return_boolean (task, done);
}

static void
on_bus_ready (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (task);

  /* libsecret would find the same shared connection; asking for it first is how a
   * missing session bus becomes its own, clear error instead of an autolaunch message.
   */
  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      if (!claim_return (task))
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return_error (task, error);
      else
        g_task_return_new_error (task, TG_SECRET_STORE_ERROR,
                                 TG_SECRET_STORE_ERROR_NO_SESSION_BUS,
                                 _("There is no D-Bus session bus, so the keyring cannot be "
                                   "reached (%s)."),
                                 error->message);
      return;
    }

  if (op->returned)
    return;

  switch (op->kind)
    {
    case OP_STORE:
      secret_password_storev (op->key->schema, op->key->attributes, SECRET_COLLECTION_DEFAULT,
                              op->key->label, op->secret, op->cancellable,
                              on_answered, g_steal_pointer (&task));
      break;

    case OP_LOOKUP:
      secret_password_lookupv (op->key->schema, op->key->attributes, op->cancellable,
                               on_answered, g_steal_pointer (&task));
      break;

    case OP_CLEAR:
      secret_password_clearv (op->key->schema, op->key->attributes, op->cancellable,
                              on_answered, g_steal_pointer (&task));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Answers the caller at once, so that even a call libsecret cannot abort promptly
 * ends on time; cancelling also dismisses a pending unlock prompt.
 */
static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) cancelled = NULL;

  g_clear_pointer (&op->timeout_source, g_source_unref);
  op->timed_out = TRUE;

  if (claim_return (task))
    {
      cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Timed out");
      /* Keep the task alive for the return even if cancelling drops the last other ref. */
      g_object_ref (task);
      g_cancellable_cancel (op->cancellable);
      return_error (task, cancelled);
      g_object_unref (task);
    }

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
start_op (TgSecretStore       *self,
          OpKind               kind,
          TgSecretKey         *key,
          const char          *secret,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->key = tg_secret_key_ref (key);
  op->secret = g_strdup (secret);
  op->cancellable = g_cancellable_new ();
  op->timeout_ms = self->timeout_ms;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);

  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      op->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                       G_CALLBACK (on_caller_cancelled),
                                                       op->cancellable, NULL);
    }

  op->timeout_source = g_timeout_source_new (op->timeout_ms);
  g_source_set_static_name (op->timeout_source, "[tollgate] keyring timeout");
  /* No reference: finishing the task destroys this source first (op_free). */
  g_source_set_callback (op->timeout_source, on_timeout, task, NULL);
  g_source_attach (op->timeout_source, g_task_get_context (task));

  /* No cancellable here: GLib caches the shared session bus connection even when its
   * first connection attempt is cancelled, and every later g_bus_get() would then fail
   * with "Operation was cancelled". Connecting to a local socket is quick, and the
   * timeout answers the caller anyway.
   */
  g_bus_get (G_BUS_TYPE_SESSION, NULL, on_bus_ready, g_steal_pointer (&task));
}

static gboolean
finish_boolean (TgSecretStore  *self,
                GAsyncResult   *result,
                gpointer        source_tag,
                GError        **error)
{
  g_return_val_if_fail (TG_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tg_secret_store_store_async:
 * @key: what the secret is filed under (tg_secret_key_new_database(),
 *   tg_secret_key_new_api_key())
 * @secret: the password or key to keep
 *
 * Stores (or replaces) the secret of @key in the default collection.
 */
void
tg_secret_store_store_async (TgSecretStore       *self,
                             TgSecretKey         *key,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TG_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_op (self, OP_STORE, key, secret, cancellable, callback, user_data,
            tg_secret_store_store_async);
}

gboolean
tg_secret_store_store_finish (TgSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return finish_boolean (self, result, tg_secret_store_store_async, error);
}

void
tg_secret_store_lookup_async (TgSecretStore       *self,
                              TgSecretKey         *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TG_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_op (self, OP_LOOKUP, key, NULL, cancellable, callback, user_data,
            tg_secret_store_lookup_async);
}

/**
 * tg_secret_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, to be released with
 *   tg_secret_free(), or %NULL — with @error set on failure, without when the keyring
 *   holds nothing under the key
 */
char *
tg_secret_store_lookup_finish (TgSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (TG_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_secret_store_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tg_secret_store_clear_async (TgSecretStore       *self,
                             TgSecretKey         *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TG_IS_SECRET_STORE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_op (self, OP_CLEAR, key, NULL, cancellable, callback, user_data,
            tg_secret_store_clear_async);
}

/**
 * tg_secret_store_clear_finish:
 *
 * Returns: %TRUE when a secret was removed; %FALSE with @error set on failure, or
 *   without when there was none
 */
gboolean
tg_secret_store_clear_finish (TgSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return finish_boolean (self, result, tg_secret_store_clear_async, error);
}

/* --- blocking variants --- */

static void
on_sync_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
  g_main_context_wakeup (g_main_context_get_thread_default ());
}

/* Starts @kind on a main context of this thread's own and iterates it until the answer
 * (or the timeout) comes, as libsecret's own _sync calls do.
 */
static GAsyncResult *
run_sync (TgSecretStore *self,
          OpKind         kind,
          TgSecretKey   *key,
          const char    *secret,
          GCancellable  *cancellable,
          gpointer       source_tag)
{
  GMainContext *context = g_main_context_new ();
  GAsyncResult *result = NULL;

  g_main_context_push_thread_default (context);
  start_op (self, kind, key, secret, cancellable, on_sync_ready, &result, source_tag);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return result;
}

/**
 * tg_secret_store_store_sync:
 *
 * tg_secret_store_store_async(), blocking: for worker threads and tollgatectl.
 *
 * Returns: whether the secret was stored
 */
gboolean
tg_secret_store_store_sync (TgSecretStore  *self,
                            TgSecretKey    *key,
                            const char     *secret,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (TG_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  result = run_sync (self, OP_STORE, key, secret, cancellable, tg_secret_store_store_async);

  return tg_secret_store_store_finish (self, result, error);
}

/**
 * tg_secret_store_lookup_sync:
 *
 * tg_secret_store_lookup_async(), blocking: for worker threads and tollgatectl.
 *
 * Returns: (transfer full) (nullable): as tg_secret_store_lookup_finish()
 */
char *
tg_secret_store_lookup_sync (TgSecretStore  *self,
                             TgSecretKey    *key,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (TG_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  result = run_sync (self, OP_LOOKUP, key, NULL, cancellable, tg_secret_store_lookup_async);

  return tg_secret_store_lookup_finish (self, result, error);
}

/**
 * tg_secret_store_clear_sync:
 *
 * tg_secret_store_clear_async(), blocking: for worker threads and tollgatectl.
 *
 * Returns: as tg_secret_store_clear_finish()
 */
gboolean
tg_secret_store_clear_sync (TgSecretStore  *self,
                            TgSecretKey    *key,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (TG_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  result = run_sync (self, OP_CLEAR, key, NULL, cancellable, tg_secret_store_clear_async);

  return tg_secret_store_clear_finish (self, result, error);
}
