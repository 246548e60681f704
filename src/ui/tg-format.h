/* tg-format.h — numbers for people, and stale figures marked, shared by the widgets of src/ui
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *_tg_format_count       (gint64      count);
char *_tg_format_micros      (gint64      micros,
                              guint       max_decimals);
char *_tg_format_money       (gint64      micros,
                              const char *currency);
char *_tg_format_money_small (gint64      micros,
                              const char *currency);
void  _tg_show_stale         (GtkLabel   *tag,
                              GtkWidget  *figures,
                              gboolean    stale,
                              GDateTime  *updated_at);

G_END_DECLS
