/* tg-alert-webhook.h — alerts posted to a chat tool's incoming webhook
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-alert-notice.h"
#include "tg-alert-notifier.h"
#include "tg-secret-store.h"
#include "tg-webhook.h"

G_BEGIN_DECLS

char     *tg_alert_webhook_body             (const TgAlertNotice     *notice);
char     *tg_alert_webhook_test_body        (gint64                   now_usec);
gboolean  tg_alert_webhook_deliver          (const char              *url,
                                             const TgAlertNotice     *notice,
                                             const TgWebhookPolicy   *policy,
                                             TgWebhookOutcome        *outcome,
                                             GCancellable            *cancellable,
                                             GError                 **error);
void      tg_alert_webhook_send_test_async  (const char              *url,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);
gboolean  tg_alert_webhook_send_test_finish (GAsyncResult            *result,
                                             TgWebhookOutcome        *outcome,
                                             GError                 **error);
char     *tg_alert_webhook_describe         (const TgWebhookOutcome  *outcome,
                                             const char              *host);
void      tg_alert_webhook_post_new_async   (TgAlertNotifier         *notifier,
                                             TgSecretStore           *store,
                                             TgSecretKey             *key,
                                             const TgAlertNotice     *notices,
                                             guint                    n_notices,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);
gboolean  tg_alert_webhook_post_new_finish  (GAsyncResult            *result,
                                             guint                   *n_posted,
                                             GError                 **error);

G_END_DECLS
