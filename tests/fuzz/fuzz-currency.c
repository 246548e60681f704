/* fuzz-currency.c — the reporting currency setting and the currencies of the server
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A currency code comes from `tollgatectl settings set reporting-currency`, from the
 * Preferences, and from every usage row. tg_currency_is_valid() says yes to three
 * capital letters only, and an amount in any code, valid or not, is shown without harm.
 */

#include "config.h"

#include <string.h>

#include "tg-format.h"
#include "tg-fuzz.h"
#include "tg-money.h"

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
  static const gint64 amounts[] = {
    0, 1, -1, 4999, -5000, 124700000, G_MAXINT64, G_MININT64, G_MININT64 + 1,
  };
  g_autofree char *code = tg_fuzz_dup_string (data, size);
  gboolean valid;
  guint decimals;

  if (code == NULL)
    return 0;

  valid = tg_currency_is_valid (code);
  g_assert_true (valid == (strlen (code) == 3 && g_ascii_isupper (code[0]) &&
                           g_ascii_isupper (code[1]) && g_ascii_isupper (code[2])));

  decimals = tg_currency_get_decimals (code);
  g_assert_true (decimals == 0 || decimals == 2);
  g_assert_nonnull (tg_currency_get_symbol (code));

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      g_autofree char *money = tg_format_money (amounts[i], code);
      g_autofree char *small = tg_format_money_small (amounts[i], code);

      g_assert_true (valid || g_str_equal (money, "—"));
      g_assert_true (valid || g_str_equal (small, "—"));
      g_assert_true (!valid || g_str_has_suffix (money, code));
      g_assert_true (!valid || g_str_has_suffix (small, code));
    }

  return 0;
}
