/* tg-webhook.h — one JSON message POSTed to a chat tool's incoming webhook
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TG_WEBHOOK_ERROR (tg_webhook_error_quark ())

typedef enum
{
  TG_WEBHOOK_ERROR_INVALID_URL,   /* not an http(s) URL: nothing was sent */
  TG_WEBHOOK_ERROR_UNREACHABLE,   /* no answer (connection, TLS, timeout) after every attempt */
  TG_WEBHOOK_ERROR_REFUSED,       /* an answer not to retry: 3xx, or 4xx other than 429 */
  TG_WEBHOOK_ERROR_SERVER,        /* 5xx or 429 after every attempt */
  TG_WEBHOOK_ERROR_FAILED,        /* anything else (a certificate refused, libcurl itself) */
} TgWebhookError;

/* The defaults of a policy (tg_webhook_policy_init()). */
#define TG_WEBHOOK_DEFAULT_MAX_ATTEMPTS       5
#define TG_WEBHOOK_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define TG_WEBHOOK_DEFAULT_TIMEOUT_MS         15000
#define TG_WEBHOOK_DEFAULT_MAX_RETRY_AFTER_MS 60000

/* The longest URL accepted, in bytes; and the largest body. */
#define TG_WEBHOOK_URL_MAX  2048
#define TG_WEBHOOK_BODY_MAX (64 * 1024)

/* How hard to try: the attempts in all (the first included), how long one may take to
 * connect and in all, and the longest a server's Retry-After is waited.
 */
typedef struct
{
  guint max_attempts;
  guint connect_timeout_ms;
  guint timeout_ms;
  guint max_retry_after_ms;
} TgWebhookPolicy;

/* What happened, for a status line, whether it worked or not. */
typedef struct
{
  guint attempts;      /* requests started */
  guint http_status;   /* the last answer's status; 0 when none came */
  guint waited_ms;     /* the pauses between attempts, as planned */
} TgWebhookOutcome;

GQuark   tg_webhook_error_quark (void);
void     tg_webhook_policy_init (TgWebhookPolicy         *policy);
gboolean tg_webhook_check_url   (const char              *url,
                                 char                   **host,
                                 GError                 **error);
gboolean tg_webhook_post        (const char              *url,
                                 const char              *json_body,
                                 const TgWebhookPolicy   *policy,
                                 TgWebhookOutcome        *outcome,
                                 GCancellable            *cancellable,
                                 GError                 **error);
void     tg_webhook_post_async  (const char              *url,
                                 const char              *json_body,
                                 const TgWebhookPolicy   *policy,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data);
gboolean tg_webhook_post_finish (GAsyncResult            *result,
                                 TgWebhookOutcome        *outcome,
                                 GError                 **error);

G_END_DECLS
