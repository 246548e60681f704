/* fuzz-number.c — numeric options of tollgatectl: --rate, --duration, --after-id, …
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_ctl_parse_number() reads every numeric option, durations among them. Whatever it
 * accepts is a plain decimal (no nan, inf or hex), finite, within the option's range and
 * whole where asked, and reads back the same from its shortest spelling; whatever it
 * refuses comes with a message naming the option. The ranges are those of the options
 * in src/cli (each kind once: above or from a minimum, whole or not).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-ctl-common.h"
#include "tg-fuzz.h"

static const TgCtlNumberRange ranges[] = {
  { "--rate", 0, 1e4, TRUE, FALSE, "calls a second" },
  { "--duration", 0, 366 * 86400, TRUE, FALSE, "seconds" },
  { "--interval", 0.1, 86400, FALSE, FALSE, "seconds" },
  { "--history", 1, 3660, FALSE, TRUE, "days" },
  { "--jobs", 1, 64, FALSE, TRUE, "connections" },
  { "--scale", 0, 500, TRUE, FALSE, NULL },
  { "--status", 0, 599, FALSE, TRUE, NULL },
  { "--after-id", 1, 9007199254740992.0, FALSE, TRUE, "the next_after_id of the page before" },
  { "--user", -9007199254740992.0, 9007199254740992.0, FALSE, TRUE, "a user id" },
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = tg_fuzz_dup_string (data, size);

  if (text == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      const TgCtlNumberRange *range = &ranges[i];
      g_autoptr(GError) error = NULL;
      double value = NAN;

      if (tg_ctl_parse_number (range, text, &value, &error))
        {
          char shortest[G_ASCII_DTOSTR_BUF_SIZE];
          double again = NAN;

          g_assert_no_error (error);
          g_assert_true (strspn (text, "0123456789+-.eE") == strlen (text));
          g_assert_true (isfinite (value));
          g_assert_true (range->above_min ? value > range->min : value >= range->min);
          g_assert_true (value <= range->max);
          g_assert_true (!range->whole || value == floor (value));

          g_ascii_dtostr (shortest, sizeof shortest, value);
          g_assert_true (tg_ctl_parse_number (range, shortest, &again, NULL));
          g_assert_cmpfloat (again, ==, value);
        }
      else
        {
          g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
          g_assert_true (g_str_has_prefix (error->message, range->option));
        }
    }

  return 0;
}
