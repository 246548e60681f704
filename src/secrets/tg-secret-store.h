/* tg-secret-store.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define TG_SECRET_STORE_ERROR (tg_secret_store_error_quark ())

typedef enum
{
  TG_SECRET_STORE_ERROR_NO_SESSION_BUS,
  TG_SECRET_STORE_ERROR_NO_SERVICE,
  TG_SECRET_STORE_ERROR_LOCKED,
  TG_SECRET_STORE_ERROR_TIMED_OUT,
  TG_SECRET_STORE_ERROR_FAILED,
} TgSecretStoreError;

/* How long a keyring call may take, unlock prompt included, before it fails. */
#define TG_SECRET_STORE_DEFAULT_TIMEOUT_MS 60000

/* What identifies one secret in the keyring: its kind (schema), its attributes, and
 * the label it is filed under. Immutable and reference-counted.
 */
typedef struct _TgSecretKey TgSecretKey;

#define TG_TYPE_SECRET_KEY (tg_secret_key_get_type ())

#define TG_TYPE_SECRET_STORE (tg_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (TgSecretStore, tg_secret_store, TG, SECRET_STORE, GObject)

GQuark              tg_secret_store_error_quark         (void);
const SecretSchema *tg_secret_store_get_database_schema (void);
const SecretSchema *tg_secret_store_get_api_key_schema  (void);
const SecretSchema *tg_secret_store_get_webhook_schema  (void);
char               *tg_secret_store_new_keyring_id      (void);
void                tg_secret_free                      (char                 *secret);

GType               tg_secret_key_get_type              (void) G_GNUC_CONST;
TgSecretKey        *tg_secret_key_new_database          (const char           *host,
                                                         const char           *port,
                                                         const char           *dbname,
                                                         const char           *user);
TgSecretKey        *tg_secret_key_new_api_key           (const char           *provider,
                                                         const char           *keyring_id);
TgSecretKey        *tg_secret_key_new_webhook           (const char           *host,
                                                         const char           *port,
                                                         const char           *dbname);
TgSecretKey        *tg_secret_key_ref                   (TgSecretKey          *key);
void                tg_secret_key_unref                 (TgSecretKey          *key);

TgSecretStore      *tg_secret_store_new                 (void);
guint               tg_secret_store_get_timeout         (TgSecretStore        *self);
void                tg_secret_store_set_timeout         (TgSecretStore        *self,
                                                         guint                 timeout_ms);

void                tg_secret_store_store_async         (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         const char           *secret,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            tg_secret_store_store_finish        (TgSecretStore        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                tg_secret_store_lookup_async        (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
char               *tg_secret_store_lookup_finish       (TgSecretStore        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
void                tg_secret_store_clear_async         (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean            tg_secret_store_clear_finish        (TgSecretStore        *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

gboolean            tg_secret_store_store_sync          (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         const char           *secret,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
char               *tg_secret_store_lookup_sync         (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         GCancellable         *cancellable,
                                                         GError              **error);
gboolean            tg_secret_store_clear_sync          (TgSecretStore        *self,
                                                         TgSecretKey          *key,
                                                         GCancellable         *cancellable,
                                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgSecretKey, tg_secret_key_unref)

G_END_DECLS
