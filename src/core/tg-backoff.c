/* tg-backoff.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-backoff.h"

/**
 * tg_backoff_reset:
 *
 * Starts over: the next delay is %TG_BACKOFF_INITIAL_MS again. Call it once the server
 * has answered, and before the first attempt of an outage.
 */
void
tg_backoff_reset (TgBackoff *self)
{
  g_return_if_fail (self != NULL);

  self->next_ms = TG_BACKOFF_INITIAL_MS;
}

/**
 * tg_backoff_next_delay:
 *
 * Exponential backoff with jitter: the delays double from %TG_BACKOFF_INITIAL_MS up to
 * %TG_BACKOFF_MAX_MS, and each gets up to a quarter more at random, so that many clients
 * of a restarted server do not all come back in the same millisecond.
 *
 * Returns: how long to wait before the next attempt, in milliseconds
 */
guint
tg_backoff_next_delay (TgBackoff *self)
{
  guint delay;

  g_return_val_if_fail (self != NULL, TG_BACKOFF_MAX_MS);

  /* A zeroed struct is a reset one. */
  delay = CLAMP (self->next_ms, TG_BACKOFF_INITIAL_MS, TG_BACKOFF_MAX_MS);
  self->next_ms = MIN (delay * 2, TG_BACKOFF_MAX_MS);

  return delay + (guint)g_random_int_range (0, (gint32)(delay / 4 + 1));
}
