/* tg-stale.h — figures kept on screen while the database is away, marked as such
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void _tg_show_stale (GtkLabel  *tag,
                     GtkWidget *figures,
                     gboolean   stale,
                     GDateTime *updated_at);

G_END_DECLS
