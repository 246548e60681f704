/* tg-scope-title.h — a budget's or an alert's scope in words
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tg_scope_dup_title (const char *scope,
                          GPtrArray  *providers,
                          GPtrArray  *catalog_scopes);

G_END_DECLS
