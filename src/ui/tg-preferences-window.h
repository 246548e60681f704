/* tg-preferences-window.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-window.h"

G_BEGIN_DECLS

#define TG_TYPE_PREFERENCES_WINDOW (tg_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TgPreferencesWindow, tg_preferences_window, TG, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *tg_preferences_window_new             (TgWindow            *main_window);
TgWindow  *tg_preferences_window_get_main_window (TgPreferencesWindow *self);

G_END_DECLS
