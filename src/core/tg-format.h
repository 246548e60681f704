/* tg-format.h — counts and amounts as people read them
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest short name of an endpoint, in characters (tg_format_endpoint()). */
#define TG_FORMAT_ENDPOINT_MAX 28

char *tg_format_count       (gint64      count);
char *tg_format_decimal     (gint64      micros,
                             guint       decimals);
char *tg_format_micros      (gint64      micros,
                             guint       max_decimals);
char *tg_format_money       (gint64      micros,
                             const char *currency);
char *tg_format_money_small (gint64      micros,
                             const char *currency);
char *tg_format_endpoint    (const char *endpoint);

G_END_DECLS
