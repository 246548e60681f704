/* tg-provider-card.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-provider.h"
#include "tg-usage.h"

G_BEGIN_DECLS

#define TG_TYPE_PROVIDER_CARD (tg_provider_card_get_type ())

G_DECLARE_FINAL_TYPE (TgProviderCard, tg_provider_card, TG, PROVIDER_CARD, GtkWidget)

GtkWidget  *tg_provider_card_new                (void);
TgProvider *tg_provider_card_get_provider       (TgProviderCard *self);
void        tg_provider_card_set_provider       (TgProviderCard *self,
                                                 TgProvider     *provider);
TgUsageRow *tg_provider_card_get_usage          (TgProviderCard *self);
void        tg_provider_card_set_usage          (TgProviderCard *self,
                                                 TgUsageRow     *usage,
                                                 const char     *reporting_currency);
guint       tg_provider_card_get_color_index    (TgProviderCard *self);
void        tg_provider_card_set_color_index    (TgProviderCard *self,
                                                 guint           color_index);
const char *tg_provider_card_get_slug           (TgProviderCard *self);
gint64      tg_provider_card_get_count          (TgProviderCard *self);
double      tg_provider_card_get_quota_fraction (TgProviderCard *self);

G_END_DECLS
