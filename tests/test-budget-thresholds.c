/* test-budget-thresholds.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_budget_thresholds_parse(), the reader of tollgatectl budget|quota set --thresholds:
 * percentages, amounts in the budget's currency or the quota's unit, :actual and
 * :forecast, and what it refuses with which words; and the threshold text the alerts and
 * the JSON write.
 */

#include "config.h"

#include <string.h>

#include "tg-budget.h"

typedef struct
{
  const char *text;
  const char *unit;
  const char *expected;   /* the items as "kind value basis;…" */
} Accepted;

static const Accepted accepted[] = {
  { "70,85,95,100", "AUD",
    "percent 70000000 actual;percent 85000000 actual;percent 95000000 actual;percent 100000000 actual" },
  { "85%", "AUD", "percent 85000000 actual" },
  { "87.5", "AUD", "percent 87500000 actual" },
  { "1,1000", "AUD", "percent 1000000 actual;percent 1000000000 actual" },
  { "7500.00AUD", "AUD", "amount 7500000000 actual" },
  { "7500 AUD:forecast", "AUD", "amount 7500000000 forecast" },
  { " 50 , 100:forecast ", "USD", "percent 50000000 actual;percent 100000000 forecast" },
  { "0.000001USD", "USD", "amount 1 actual" },
  { "999999999999.999999USD", "USD", "amount 999999999999999999 actual" },
  { "200000calls,90%:forecast", "calls", "amount 200000000000 actual;percent 90000000 forecast" },
  { "2500.5credits", "credits", "amount 2500500000 actual" },
  { "85,85:forecast", "AUD", "percent 85000000 actual;percent 85000000 forecast" },
};

typedef struct
{
  const char *text;
  const char *unit;
  const char *message;    /* a part of the refusal */
} Refused;

static const Refused refused[] = {
  { "", "AUD", "give from 1 to 20 thresholds" },
  { "70,,85", "AUD", "an empty threshold" },
  { "0", "AUD", "from 1 to 1000" },
  { "0.5", "AUD", "from 1 to 1000" },
  { "1000.01", "AUD", "from 1 to 1000" },
  { "85.125", "AUD", "at most two decimals" },
  { "-5", "AUD", "a threshold is a percentage" },
  { "1e2", "AUD", "a threshold is a percentage" },
  { "nan", "AUD", "a threshold is a percentage" },
  { "85 %%", "AUD", "a threshold is a percentage" },
  { "7500USD", "AUD", "the budget is in AUD" },
  { "7500aud", "AUD", "the budget is in AUD" },
  { "0AUD", "AUD", "above 0" },
  { "0.0000001AUD", "AUD", "at most six decimals" },
  { "1000000000000AUD", "AUD", "at most 999,999,999,999.999999" },
  { "99999999999999999999AUD", "AUD", "at most six decimals and is at most" },
  { "85:later", "AUD", "neither :actual nor :forecast" },
  { "85:", "AUD", "neither :actual nor :forecast" },
  { "85,85", "AUD", "given twice" },
  { "1.5calls", "calls", "whole numbers" },
  { "500AUD", "calls", "this quota counts calls" },
  { "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21", "AUD", "from 1 to 20" },
  { "85\n", "AUD", "a threshold is a percentage" },
};

static char *
describe (GArray *thresholds)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < thresholds->len; i++)
    {
      TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);

      g_string_append_printf (text, "%s%s %" G_GINT64_FORMAT " %s", i > 0 ? ";" : "",
                              t->kind == TG_BUDGET_THRESHOLD_PERCENT ? "percent" : "amount",
                              t->value, tg_budget_basis_to_string (t->basis));
    }
  return g_string_free (text, FALSE);
}

static void
test_accepted (gconstpointer data)
{
  const Accepted *c = data;
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *described = NULL;

  g_assert_true (tg_budget_thresholds_parse (c->text, c->unit, TG_BUDGET_BASIS_ACTUAL,
                                             &thresholds, &error));
  g_assert_no_error (error);
  described = describe (thresholds);
  g_assert_cmpstr (described, ==, c->expected);

  /* Each threshold's text reads back as itself. */
  for (guint i = 0; i < thresholds->len; i++)
    {
      TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);
      g_autofree char *text = tg_budget_threshold_to_string (t, c->unit);
      g_autoptr(GArray) again = NULL;

      g_assert_true (tg_budget_thresholds_parse (text, c->unit, t->basis, &again, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (again->len, ==, 1);
      g_assert_cmpint (g_array_index (again, TgBudgetThreshold, 0).kind, ==, t->kind);
      g_assert_cmpint (g_array_index (again, TgBudgetThreshold, 0).value, ==, t->value);
    }
}

static void
test_refused (gconstpointer data)
{
  const Refused *c = data;
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (tg_budget_thresholds_parse (c->text, c->unit, TG_BUDGET_BASIS_ACTUAL,
                                              &thresholds, &error));
  g_assert_error (error, TG_BUDGET_ERROR, TG_BUDGET_ERROR_INVALID);
  g_assert_null (thresholds);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” was refused with “%s”, which does not say “%s”", c->text, error->message,
             c->message);
}

static void
test_default_basis (void)
{
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *described = NULL;

  g_assert_true (tg_budget_thresholds_parse (TG_BUDGET_DEFAULT_THRESHOLDS ",50:actual", "AUD",
                                             TG_BUDGET_BASIS_FORECAST, &thresholds, &error));
  described = describe (thresholds);
  g_assert_cmpstr (described, ==,
                   "percent 70000000 forecast;percent 85000000 forecast;"
                   "percent 95000000 forecast;percent 100000000 forecast;"
                   "percent 50000000 actual");
}

static void
test_to_string (void)
{
  const struct { TgBudgetThreshold t; const char *unit; const char *text; } cases[] = {
    { { TG_BUDGET_THRESHOLD_PERCENT, 85000000, TG_BUDGET_BASIS_ACTUAL }, "AUD", "85" },
    { { TG_BUDGET_THRESHOLD_PERCENT, 87500000, TG_BUDGET_BASIS_ACTUAL }, "AUD", "87.5" },
    { { TG_BUDGET_THRESHOLD_AMOUNT, 1200000000, TG_BUDGET_BASIS_ACTUAL }, "AUD", "1200.00 AUD" },
    { { TG_BUDGET_THRESHOLD_AMOUNT, 1200005000, TG_BUDGET_BASIS_ACTUAL }, "AUD", "1200.005 AUD" },
    { { TG_BUDGET_THRESHOLD_AMOUNT, 1200000000, TG_BUDGET_BASIS_ACTUAL }, "JPY", "1200 JPY" },
    { { TG_BUDGET_THRESHOLD_AMOUNT, 200000000000, TG_BUDGET_BASIS_ACTUAL }, "calls", "200000 calls" },
    { { TG_BUDGET_THRESHOLD_AMOUNT, 2500500000, TG_BUDGET_BASIS_ACTUAL }, "credits", "2500.5 credits" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tg_budget_threshold_to_string (&cases[i].t, cases[i].unit);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_boxed (void)
{
  TgBudget *budget = tg_budget_new ();
  TgQuota *quota = tg_quota_new ();
  TgBudgetStatus *status = tg_budget_status_new ();

  g_assert_cmpint (status->passed, ==, -1);
  g_assert_cmpint (status->forecast_passed, ==, -1);
  status->quota = tg_quota_ref (quota);
  g_assert_true (tg_budget_status_get_thresholds (status) == quota->thresholds);
  tg_quota_unref (quota);
  tg_budget_status_unref (status);
  tg_budget_unref (budget);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/budget-thresholds/accepted/%u", i);

      g_test_add_data_func (path, &accepted[i], test_accepted);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/budget-thresholds/refused/%u", i);

      g_test_add_data_func (path, &refused[i], test_refused);
    }
  g_test_add_func ("/tollgate/unit/budget-thresholds/default-basis", test_default_basis);
  g_test_add_func ("/tollgate/unit/budget-thresholds/to-string", test_to_string);
  g_test_add_func ("/tollgate/unit/budget-thresholds/boxed", test_boxed);

  return g_test_run ();
}
