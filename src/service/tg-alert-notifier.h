/* tg-alert-notifier.h — which alerts this computer has announced
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-alert-notice.h"

G_BEGIN_DECLS

#define TG_ALERT_NOTIFIER_ERROR (tg_alert_notifier_error_quark ())

typedef enum
{
  TG_ALERT_NOTIFIER_ERROR_BUSY,     /* another process held the record too long */
  TG_ALERT_NOTIFIER_ERROR_FAILED,   /* the record could not be read or written */
} TgAlertNotifierError;

/* Alerts created longer ago than this are not announced (they are in the Alerts list):
 * a first start, or a computer that was off for a while, does not bring a burst of old
 * news.
 */
#define TG_ALERT_NOTIFIER_DEFAULT_HORIZON (7 * G_TIME_SPAN_DAY)

/* The most alerts the record keeps; older ones are summed up by a horizon of its own. */
#define TG_ALERT_NOTIFIER_DEFAULT_MAX_ENTRIES 4096

/* How long a claim waits for another process's claim to finish. */
#define TG_ALERT_NOTIFIER_LOCK_TIMEOUT_MS 10000

#define TG_TYPE_ALERT_NOTIFIER (tg_alert_notifier_get_type ())

G_DECLARE_FINAL_TYPE (TgAlertNotifier, tg_alert_notifier, TG, ALERT_NOTIFIER, GObject)

GQuark           tg_alert_notifier_error_quark       (void);
TgAlertNotifier *tg_alert_notifier_new               (const char           *identity);
TgAlertNotifier *tg_alert_notifier_new_for_directory (const char           *directory,
                                                      const char           *identity);
const char      *tg_alert_notifier_get_path          (TgAlertNotifier      *self);
GTimeSpan        tg_alert_notifier_get_horizon       (TgAlertNotifier      *self);
void             tg_alert_notifier_set_horizon       (TgAlertNotifier      *self,
                                                      GTimeSpan             horizon);
guint            tg_alert_notifier_get_max_entries   (TgAlertNotifier      *self);
void             tg_alert_notifier_set_max_entries   (TgAlertNotifier      *self,
                                                      guint                 max_entries);
gboolean         tg_alert_notifier_claim             (TgAlertNotifier      *self,
                                                      const TgAlertNotice  *alerts,
                                                      guint                 n_alerts,
                                                      GPtrArray           **to_announce,
                                                      GError              **error);
void             tg_alert_notifier_claim_async       (TgAlertNotifier      *self,
                                                      const TgAlertNotice  *alerts,
                                                      guint                 n_alerts,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray       *tg_alert_notifier_claim_finish      (TgAlertNotifier      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

GNotification   *tg_alert_notification_new           (const TgAlertNotice  *notice);
void             tg_alert_notification_send          (GApplication         *application,
                                                      const TgAlertNotice  *notice);

G_END_DECLS
