/* tg-feed-row.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_FEED_ROW (tg_feed_row_get_type ())

G_DECLARE_FINAL_TYPE (TgFeedRow, tg_feed_row, TG, FEED_ROW, GtkListBoxRow)

GtkWidget   *tg_feed_row_new        (void);
TgUsageCall *tg_feed_row_get_call   (TgFeedRow   *self);
void         tg_feed_row_set_call   (TgFeedRow   *self,
                                     TgUsageCall *call,
                                     const char  *provider_name,
                                     GTimeZone   *zone,
                                     const char  *currency);
gboolean     tg_feed_row_get_failed (TgFeedRow   *self);
gboolean     tg_call_is_failure     (const TgUsageCall *call);

G_END_DECLS
