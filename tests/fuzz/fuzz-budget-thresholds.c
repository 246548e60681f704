/* fuzz-budget-thresholds.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_budget_thresholds_parse() (tollgatectl budget|quota set --thresholds). The input is
 * "UNIT\nTEXT". What it accepts is 1 to 20 thresholds, none twice, each a percentage from
 * 1 to 1000 with at most two decimals or an amount above 0 and within the largest, whole
 * for calls, and each writes back (tg_budget_threshold_to_string()) as text it reads as
 * itself; what it refuses comes with an error.
 */

#include "config.h"

#include <string.h>

#include "tg-budget.h"
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
  g_autofree char *input = tg_fuzz_dup_string (data, size);
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GError) error = NULL;
  const char *newline;
  g_autofree char *unit = NULL;
  const char *text;

  if (input == NULL || (newline = strchr (input, '\n')) == NULL)
    return 0;
  unit = g_strndup (input, newline - input);
  text = newline + 1;
  if (!tg_currency_is_valid (unit) && g_strcmp0 (unit, "calls") != 0
      && g_strcmp0 (unit, "credits") != 0)
    return 0;

  if (!tg_budget_thresholds_parse (text, unit, TG_BUDGET_BASIS_ACTUAL, &thresholds, &error))
    {
      g_assert_error (error, TG_BUDGET_ERROR, TG_BUDGET_ERROR_INVALID);
      g_assert_null (thresholds);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (thresholds->len, >=, 1);
  g_assert_cmpuint (thresholds->len, <=, TG_BUDGET_MAX_THRESHOLDS);
  for (guint i = 0; i < thresholds->len; i++)
    {
      TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);
      g_autofree char *again_text = tg_budget_threshold_to_string (t, unit);
      g_autoptr(GArray) again = NULL;
      g_autoptr(GError) again_error = NULL;

      if (t->kind == TG_BUDGET_THRESHOLD_PERCENT)
        {
          g_assert_cmpint (t->value, >=, TG_BUDGET_MIN_PERCENT * TG_MICROS_PER_UNIT);
          g_assert_cmpint (t->value, <=, TG_BUDGET_MAX_PERCENT * TG_MICROS_PER_UNIT);
          g_assert_cmpint (t->value % 10000, ==, 0);
        }
      else
        {
          g_assert_cmpint (t->value, >, 0);
          g_assert_cmpint (t->value, <=, TG_BUDGET_MAX_AMOUNT * TG_MICROS_PER_UNIT + 999999);
          if (g_str_equal (unit, "calls"))
            g_assert_cmpint (t->value % TG_MICROS_PER_UNIT, ==, 0);
        }
      for (guint j = 0; j < i; j++)
        {
          TgBudgetThreshold *o = &g_array_index (thresholds, TgBudgetThreshold, j);

          g_assert_false (o->kind == t->kind && o->value == t->value && o->basis == t->basis);
        }

      g_assert_true (tg_budget_thresholds_parse (again_text, unit, t->basis, &again,
                                                 &again_error));
      g_assert_no_error (again_error);
      g_assert_cmpuint (again->len, ==, 1);
      g_assert_cmpint (g_array_index (again, TgBudgetThreshold, 0).kind, ==, t->kind);
      g_assert_cmpint (g_array_index (again, TgBudgetThreshold, 0).value, ==, t->value);
      g_assert_cmpint (g_array_index (again, TgBudgetThreshold, 0).basis, ==, t->basis);
    }

  return 0;
}
