/* tg-format.h — numbers for people, shared by the widgets of src/ui
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *_tg_format_count       (gint64      count);
char *_tg_format_micros      (gint64      micros,
                              guint       max_decimals);
char *_tg_format_money       (gint64      micros,
                              const char *currency);
char *_tg_format_money_small (gint64      micros,
                              const char *currency);

G_END_DECLS
