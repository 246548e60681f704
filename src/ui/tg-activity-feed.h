/* tg-activity-feed.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_ACTIVITY_FEED (tg_activity_feed_get_type ())

G_DECLARE_FINAL_TYPE (TgActivityFeed, tg_activity_feed, TG, ACTIVITY_FEED, GtkWidget)

GtkWidget      *tg_activity_feed_new              (void);
TgDbConnection *tg_activity_feed_get_connection   (TgActivityFeed *self);
void            tg_activity_feed_set_connection   (TgActivityFeed *self,
                                                   TgDbConnection *connection);
void            tg_activity_feed_set_context      (TgActivityFeed *self,
                                                   GTimeZone      *zone,
                                                   const char     *currency,
                                                   GPtrArray      *providers);
TgDbStatement  *tg_activity_feed_new_statement    (TgActivityFeed *self);
void            tg_activity_feed_add_calls        (TgActivityFeed *self,
                                                   GPtrArray      *calls);
void            tg_activity_feed_jump_to_latest   (TgActivityFeed *self);
gboolean        tg_activity_feed_get_answered     (TgActivityFeed *self);
gboolean        tg_activity_feed_get_counting     (TgActivityFeed *self);
gboolean        tg_activity_feed_get_paused       (TgActivityFeed *self);
gint64          tg_activity_feed_get_new_calls    (TgActivityFeed *self);
gint64          tg_activity_feed_get_recent_calls (TgActivityFeed *self);
guint           tg_activity_feed_get_n_calls      (TgActivityFeed *self);
TgUsageCall    *tg_activity_feed_get_call         (TgActivityFeed *self,
                                                   guint           position);
GtkWidget      *tg_activity_feed_get_row_for_id   (TgActivityFeed *self,
                                                   gint64          id);
GtkAdjustment  *tg_activity_feed_get_vadjustment  (TgActivityFeed *self);

G_END_DECLS
