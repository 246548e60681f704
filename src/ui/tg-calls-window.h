/* tg-calls-window.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-calls-queries.h"
#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_CALLS_WINDOW (tg_calls_window_get_type ())

G_DECLARE_FINAL_TYPE (TgCallsWindow, tg_calls_window, TG, CALLS_WINDOW, AdwWindow)

GtkWidget   *tg_calls_window_new              (GtkWindow           *parent,
                                               TgDbConnection      *connection,
                                               GTimeZone           *zone,
                                               const char          *currency,
                                               GPtrArray           *providers);
void         tg_calls_window_show_filter      (TgCallsWindow       *self,
                                               const TgCallsFilter *filter,
                                               const char          *title);
void         tg_calls_window_show_call        (TgCallsWindow       *self,
                                               TgUsageCall         *call);
const TgCallsFilter *tg_calls_window_get_filter (TgCallsWindow     *self);
gboolean     tg_calls_window_get_loading      (TgCallsWindow       *self);
gboolean     tg_calls_window_get_complete     (TgCallsWindow       *self);
const char  *tg_calls_window_get_error        (TgCallsWindow       *self);
void         tg_calls_window_load_more        (TgCallsWindow       *self);
guint        tg_calls_window_get_n_calls      (TgCallsWindow       *self);
TgUsageCall *tg_calls_window_get_call         (TgCallsWindow       *self,
                                               guint                position);
void         tg_calls_window_open_call        (TgCallsWindow       *self,
                                               guint                position);
TgUsageCall *tg_calls_window_get_detail       (TgCallsWindow       *self);
const char  *tg_calls_window_get_request_text (TgCallsWindow       *self);
const char  *tg_calls_window_get_response_text (TgCallsWindow      *self);

G_END_DECLS
