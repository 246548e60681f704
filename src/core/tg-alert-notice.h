/* tg-alert-notice.h — one alert as it is announced: a desktop notification, a chat line
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The one state that is announced; muted, acknowledged and resolved alerts never are. */
#define TG_ALERT_NOTICE_STATE_OPEN "open"

/* The longest title and body a notification gets, in characters (with the ellipsis). */
#define TG_ALERT_NOTICE_TITLE_MAX 120
#define TG_ALERT_NOTICE_BODY_MAX  400

/* What announcing needs to know of an alert, whatever table it came from. The strings
 * are those of tollgate.alert_candidate (data/sql/0015_alert_candidates.sql): @kind
 * 'budget', 'forecast', 'quota', 'user_frequency', 'new_ip', 'new_user_agent',
 * 'provider_errors' or 'provider_timeouts'; @scope 'overall', 'provider:P',
 * 'cost-centre:C', 'feature:F' or 'user:ID'; @threshold as people read it ('85' for
 * 85 %, '1200.00 AUD', or ''). Any of them may be %NULL.
 */
typedef struct
{
  gint64  id;
  char   *kind;
  char   *scope;
  char   *threshold;
  char   *state;
  char   *message;
  gint64  created_at_usec;   /* UTC, microseconds since 1970 */
} TgAlertNotice;

#define TG_TYPE_ALERT_NOTICE (tg_alert_notice_get_type ())

GType          tg_alert_notice_get_type            (void) G_GNUC_CONST;
TgAlertNotice *tg_alert_notice_new                 (gint64               id,
                                                    const char          *kind,
                                                    const char          *scope,
                                                    const char          *threshold,
                                                    const char          *state,
                                                    const char          *message,
                                                    gint64               created_at_usec);
TgAlertNotice *tg_alert_notice_copy                (const TgAlertNotice *notice);
void           tg_alert_notice_free                (TgAlertNotice       *notice);
void           tg_alert_notice_clear               (TgAlertNotice       *notice);
gboolean       tg_alert_notice_is_open             (const TgAlertNotice *notice);
char          *tg_alert_notice_dup_notification_id (const TgAlertNotice *notice);
char          *tg_alert_notice_dup_title           (const TgAlertNotice *notice);
char          *tg_alert_notice_dup_body            (const TgAlertNotice *notice);
char          *tg_alert_notice_dup_summary         (const TgAlertNotice *notice);
char          *tg_alert_notice_dup_threshold       (const TgAlertNotice *notice);
char          *tg_alert_text_one_line              (const char          *text,
                                                    guint                max_chars);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgAlertNotice, tg_alert_notice_free)

G_END_DECLS
