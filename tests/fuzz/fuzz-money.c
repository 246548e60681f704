/* fuzz-money.c — decimal amounts, from prices typed in to numeric text from the server
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Two readers of decimal text: tg_money_parse() (at most six decimals, into micro-units)
 * and tg_money_sum_add_text() (up to 30, summed exactly). The input is one amount, or
 * several separated by commas:
 *
 * - an amount tg_money_parse() reads writes back (tg_money_to_decimal()) as itself;
 * - where both read an amount (no blanks around it), they agree on its value;
 * - pieces summed exactly add up to the sum of their micro-units, and the exact sum
 *   refuses to go past the range of gint64 exactly when integer addition would.
 */

#include "config.h"

#include "tg-fuzz.h"
#include "tg-money.h"

#define MAX_PIECES 16

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

static gboolean
has_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

/* What is done with an amount that was read: written back, rounded, shown. */
static void
check_amount (const char *text,
              gint64      micros)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *decimal = tg_money_to_decimal (micros, 6);
  gint64 again = 0;

  g_assert_true (tg_money_parse (decimal, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, micros);

  for (guint decimals = 0; decimals <= 6; decimals++)
    {
      g_autofree char *rounded = tg_money_to_decimal (micros, decimals);

      g_assert_nonnull (rounded);
      (void)tg_money_round (micros, decimals);
    }
  g_free (tg_money_format (micros, "AUD"));
  g_free (tg_money_format (micros, "JPY"));
}

static void
check_pieces (char **pieces,
              gsize  n_pieces)
{
  TgMoneySum sum = { 0 };
  gint64 total = 0;
  gint64 exact = 0;

  for (gsize i = 0; i < n_pieces; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 micros = 0;
      gboolean fits;

      if (has_blank (pieces[i]) || !tg_money_parse (pieces[i], &micros, NULL))
        return;

      fits = tg_money_add (total, micros, &total);
      if (tg_money_sum_add_text (&sum, pieces[i], &error))
        {
          g_assert_true (fits);
        }
      else
        {
          g_assert_false (fits);
          g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_OVERFLOW);
          return;
        }
    }

  g_assert_true (tg_money_sum_get_micros (&sum, &exact));
  g_assert_cmpint (exact, ==, total);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = tg_fuzz_dup_string (data, size);
  g_auto(GStrv) pieces = NULL;
  g_autoptr(GError) error = NULL;
  TgMoneySum sum = { 0 };
  gint64 micros = 0;
  gboolean parsed;
  gsize n_pieces;

  if (text == NULL)
    return 0;

  parsed = tg_money_parse (text, &micros, &error);
  if (parsed)
    {
      g_assert_no_error (error);
      check_amount (text, micros);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == TG_MONEY_ERROR);
    }
  g_clear_error (&error);

  if (tg_money_sum_add_text (&sum, text, &error))
    {
      gint64 rounded = 0;

      g_assert_no_error (error);
      if (tg_money_sum_get_micros (&sum, &rounded) && parsed)
        g_assert_cmpint (rounded, ==, micros);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == TG_MONEY_ERROR);
      /* Whatever tg_money_parse() reads without blanks is in the exact reader's range. */
      g_assert_false (parsed && !has_blank (text));
      /* A refused amount leaves the sum as it was. */
      g_assert_cmpint (sum.micros, ==, 0);
      g_assert_cmpint (sum.frac_hi, ==, 0);
      g_assert_cmpint (sum.frac_lo, ==, 0);
    }

  n_pieces = tg_fuzz_split (text, ',', &pieces);
  if (n_pieces > 1 && n_pieces <= MAX_PIECES)
    check_pieces (pieces, n_pieces);

  return 0;
}
