/* test-backoff.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The delays between attempts to reach a server that went away, shared by the app's
 * connection and tollgatectl's long runners: they double from 250 ms to 30 s, each with
 * up to a quarter more at random, and start over after a reset.
 */

#include "config.h"

#include "tg-backoff.h"

static void
assert_sequence (TgBackoff *backoff)
{
  const guint bases[] = { 250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };

  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      guint delay = tg_backoff_next_delay (backoff);

      g_assert_cmpuint (delay, >=, bases[i]);
      g_assert_cmpuint (delay, <=, bases[i] + bases[i] / 4);
    }
}

static void
test_sequence (void)
{
  TgBackoff backoff;

  for (guint round = 0; round < 50; round++)
    {
      tg_backoff_reset (&backoff);
      assert_sequence (&backoff);
    }
}

/* A zeroed struct, as in a g_new0'd object, starts from the beginning too. */
static void
test_zeroed (void)
{
  TgBackoff backoff = { 0 };

  assert_sequence (&backoff);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/backoff/sequence", test_sequence);
  g_test_add_func ("/tollgate/unit/backoff/zeroed", test_zeroed);

  return g_test_run ();
}
