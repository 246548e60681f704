/* tg-backoff.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long to wait before the next attempt to reach a server that went away: the app's
 * connection (TgDbConnection) and tollgatectl's long runners back off alike
 * (docs/architecture.md, "Threads").
 */
#define TG_BACKOFF_INITIAL_MS 250
#define TG_BACKOFF_MAX_MS     30000

typedef struct
{
  guint next_ms;
} TgBackoff;

void   tg_backoff_reset        (TgBackoff *self);
guint  tg_backoff_next_delay   (TgBackoff *self);

G_END_DECLS
