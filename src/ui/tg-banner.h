/* tg-banner.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TG_TYPE_BANNER (tg_banner_get_type ())

G_DECLARE_FINAL_TYPE (TgBanner, tg_banner, TG, BANNER, GtkWidget)

GtkWidget  *tg_banner_new              (const char *title);
const char *tg_banner_get_title        (TgBanner   *self);
void        tg_banner_set_title        (TgBanner   *self,
                                        const char *title);
const char *tg_banner_get_button_label (TgBanner   *self);
void        tg_banner_set_button_label (TgBanner   *self,
                                        const char *label);
gboolean    tg_banner_get_revealed     (TgBanner   *self);
void        tg_banner_set_revealed     (TgBanner   *self,
                                        gboolean    revealed);

G_END_DECLS
