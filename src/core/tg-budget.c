/* tg-budget.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Budgets' and quotas' plain data, and the one reader of thresholds as people write them
 * (tollgatectl budget set --thresholds 70,85,7500.00AUD:forecast).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-budget.h"
#include "tg-money.h"

G_DEFINE_QUARK (tg-budget-error-quark, tg_budget_error)

G_DEFINE_BOXED_TYPE (TgBudget, tg_budget, tg_budget_ref, tg_budget_unref)
G_DEFINE_BOXED_TYPE (TgQuota, tg_quota, tg_quota_ref, tg_quota_unref)
G_DEFINE_BOXED_TYPE (TgBudgetStatus, tg_budget_status, tg_budget_status_ref,
                     tg_budget_status_unref)

const char *
tg_budget_basis_to_string (TgBudgetBasis basis)
{
  return basis == TG_BUDGET_BASIS_FORECAST ? "forecast" : "actual";
}

gboolean
tg_budget_basis_parse (const char    *text,
                       TgBudgetBasis *basis)
{
  g_return_val_if_fail (basis != NULL, FALSE);

  if (g_strcmp0 (text, "actual") == 0)
    *basis = TG_BUDGET_BASIS_ACTUAL;
  else if (g_strcmp0 (text, "forecast") == 0)
    *basis = TG_BUDGET_BASIS_FORECAST;
  else
    return FALSE;
  return TRUE;
}

static gboolean
unit_is_count (const char *unit)
{
  return g_strcmp0 (unit, "calls") == 0 || g_strcmp0 (unit, "credits") == 0;
}

/* An amount as scripts read it, as the server writes it (tollgate.budget_amount_text()):
 * a currency with its decimals at least (two, or none for currencies without minor units)
 * and more where the amount has them; calls and credits without trailing zeros.
 */
static char *
amount_text (gint64      micros,
             const char *unit)
{
  char *text = tg_money_to_decimal (micros, 6);
  gsize keep = unit_is_count (unit) ? 0 : tg_currency_get_decimals (unit);
  char *point = strchr (text, '.');
  gsize len = strlen (text);

  g_assert (point != NULL);
  while (len > (gsize)(point - text) + 1 + keep && text[len - 1] == '0')
    text[--len] = '\0';
  if (text[len - 1] == '.')
    text[--len] = '\0';

  return text;
}

/**
 * tg_budget_threshold_to_string:
 * @unit: the budget's currency code, or the quota's "calls" or "credits"
 *
 * Returns: (transfer full): "85" for 85 %, "7500.00 AUD" or "200000 calls" for an amount:
 *   the threshold as the alerts and tollgatectl's JSON write it
 */
char *
tg_budget_threshold_to_string (const TgBudgetThreshold *threshold,
                               const char              *unit)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (threshold != NULL, NULL);

  if (threshold->kind == TG_BUDGET_THRESHOLD_PERCENT)
    return amount_text (threshold->value, "calls");

  value = amount_text (threshold->value, unit);
  return g_strdup_printf ("%s %s", value, unit);
}

static gboolean
fail (GError     **error,
      const char  *item,
      const char  *why)
{
  g_set_error (error, TG_BUDGET_ERROR, TG_BUDGET_ERROR_INVALID, "“%s”: %s", item, why);
  return FALSE;
}

static gint
decimals_of (const char *number)
{
  const char *point = strchr (number, '.');

  return point != NULL ? (gint)strlen (point + 1) : 0;
}

/* One item: NUMBER, NUMBER%, NUMBER UNIT (a space between optional), each with an optional
 * :actual or :forecast. */
static gboolean
parse_item (const char         *item,
            const char         *unit,
            TgBudgetBasis       default_basis,
            TgBudgetThreshold  *threshold,
            GError            **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *basis = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 micros;

  regex = g_regex_new ("^([0-9]+(\\.[0-9]+)?) ?(%|[A-Za-z]+)?(:([a-z]*))?$",
                       G_REGEX_DOLLAR_ENDONLY, 0, NULL);
  if (!g_regex_match (regex, item, 0, &match))
    return fail (error, item, unit_is_count (unit)
                 ? "a threshold is a percentage such as 85 or 85%, or a number of the quota's "
                   "unit such as 200000calls, each optionally followed by :actual or :forecast"
                 : "a threshold is a percentage such as 85 or 85%, or an amount in the budget's "
                   "currency such as 7500.00AUD, each optionally followed by :actual or "
                   ":forecast");

  number = g_match_info_fetch (match, 1);
  suffix = g_match_info_fetch (match, 3);
  basis = g_match_info_fetch (match, 5);

  threshold->basis = default_basis;
  if (g_match_info_get_match_count (match) > 4 && !tg_budget_basis_parse (basis, &threshold->basis))
    {
      g_autofree char *why = g_strdup_printf ("“:%s” is neither :actual nor :forecast", basis);

      return fail (error, item, why);
    }

  if (!tg_money_parse (number, &micros, &local_error))
    return fail (error, item, "a number has at most six decimals and is at most "
                 "999,999,999,999.999999");

  if (suffix == NULL || *suffix == '\0' || g_str_equal (suffix, "%"))
    {
      if (decimals_of (number) > 2 || micros < TG_BUDGET_MIN_PERCENT * TG_MICROS_PER_UNIT
          || micros > TG_BUDGET_MAX_PERCENT * TG_MICROS_PER_UNIT)
        return fail (error, item, "a percentage is from 1 to 1000, with at most two decimals");
      threshold->kind = TG_BUDGET_THRESHOLD_PERCENT;
      threshold->value = micros;
      return TRUE;
    }

  if (g_strcmp0 (suffix, unit) != 0)
    {
      g_autofree char *why = NULL;

      if (unit_is_count (unit))
        why = g_strdup_printf ("this quota counts %s: write an amount like 200000%s", unit, unit);
      else
        why = g_strdup_printf ("the budget is in %s: write an amount like 7500.00%s", unit, unit);
      return fail (error, item, why);
    }
  if (micros <= 0 || micros > TG_BUDGET_MAX_AMOUNT * TG_MICROS_PER_UNIT + 999999)
    return fail (error, item, "an amount is above 0 and at most 999,999,999,999.999999");
  if (g_str_equal (unit, "calls") && micros % TG_MICROS_PER_UNIT != 0)
    return fail (error, item, "calls are whole numbers");

  threshold->kind = TG_BUDGET_THRESHOLD_AMOUNT;
  threshold->value = micros;
  return TRUE;
}

/**
 * tg_budget_thresholds_parse:
 * @text: comma-separated thresholds, spaces around each allowed: a bare number or one
 *   followed by % is a percentage
 *   (1 to 1000, at most two decimals); a number followed by @unit (a space between
 *   optional) an amount in it; each optionally followed by :actual or :forecast, which
 *   overrides @default_basis
 * @unit: the budget's currency code, or the quota's "calls" or "credits"
 * @thresholds: (out) (transfer full) (element-type TgBudgetThreshold): in the order given
 *
 * Reads thresholds as people write them: "70,85,95,100",
 * "50%,7500.00AUD:forecast". Refuses an empty list, more than
 * %TG_BUDGET_MAX_THRESHOLDS, and a threshold given twice; the database also refuses two
 * of one basis that stand for the same amount (85 and 8500.00AUD of 10000.00AUD).
 *
 * Returns: %FALSE with @error (%TG_BUDGET_ERROR_INVALID) naming the item and what it
 *   should be
 */
gboolean
tg_budget_thresholds_parse (const char     *text,
                            const char     *unit,
                            TgBudgetBasis   default_basis,
                            GArray        **thresholds,
                            GError        **error)
{
  g_autoptr(GArray) result = NULL;
  g_auto(GStrv) items = NULL;
  guint n;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (thresholds != NULL, FALSE);

  items = g_strsplit (text, ",", -1);
  n = g_strv_length (items);
  if (n == 0 || n > TG_BUDGET_MAX_THRESHOLDS)
    {
      g_set_error (error, TG_BUDGET_ERROR, TG_BUDGET_ERROR_INVALID,
                   "give from 1 to %d thresholds, separated by commas, not %u",
                   TG_BUDGET_MAX_THRESHOLDS, n);
      return FALSE;
    }

  result = g_array_sized_new (FALSE, TRUE, sizeof (TgBudgetThreshold), n);
  for (guint i = 0; i < n; i++)
    {
      TgBudgetThreshold threshold = { 0 };
      char *item = items[i];
      gsize len;

      /* Spaces around an item, and only spaces: "50, 100" as people type it. */
      while (*item == ' ')
        item++;
      len = strlen (item);
      while (len > 0 && item[len - 1] == ' ')
        item[--len] = '\0';

      if (*item == '\0')
        {
          g_set_error_literal (error, TG_BUDGET_ERROR, TG_BUDGET_ERROR_INVALID,
                               "an empty threshold: separate thresholds by single commas");
          return FALSE;
        }
      if (!parse_item (item, unit, default_basis, &threshold, error))
        return FALSE;

      for (guint j = 0; j < result->len; j++)
        {
          TgBudgetThreshold *other = &g_array_index (result, TgBudgetThreshold, j);

          if (other->kind == threshold.kind && other->value == threshold.value
              && other->basis == threshold.basis)
            return fail (error, item, "this threshold is given twice");
        }
      g_array_append_val (result, threshold);
    }

  *thresholds = g_steal_pointer (&result);
  return TRUE;
}

TgBudget *
tg_budget_new (void)
{
  TgBudget *budget = g_new0 (TgBudget, 1);

  g_atomic_ref_count_init (&budget->ref_count);
  budget->thresholds = g_array_new (FALSE, TRUE, sizeof (TgBudgetThreshold));
  return budget;
}

TgBudget *
tg_budget_ref (TgBudget *budget)
{
  g_return_val_if_fail (budget != NULL, NULL);

  g_atomic_ref_count_inc (&budget->ref_count);
  return budget;
}

void
tg_budget_unref (TgBudget *budget)
{
  g_return_if_fail (budget != NULL);

  if (g_atomic_ref_count_dec (&budget->ref_count))
    {
      g_free (budget->scope);
      g_free (budget->name);
      g_free (budget->currency);
      g_array_unref (budget->thresholds);
      g_free (budget);
    }
}

TgQuota *
tg_quota_new (void)
{
  TgQuota *quota = g_new0 (TgQuota, 1);

  g_atomic_ref_count_init (&quota->ref_count);
  quota->thresholds = g_array_new (FALSE, TRUE, sizeof (TgBudgetThreshold));
  return quota;
}

TgQuota *
tg_quota_ref (TgQuota *quota)
{
  g_return_val_if_fail (quota != NULL, NULL);

  g_atomic_ref_count_inc (&quota->ref_count);
  return quota;
}

void
tg_quota_unref (TgQuota *quota)
{
  g_return_if_fail (quota != NULL);

  if (g_atomic_ref_count_dec (&quota->ref_count))
    {
      g_free (quota->provider);
      g_array_unref (quota->thresholds);
      g_free (quota);
    }
}

TgBudgetStatus *
tg_budget_status_new (void)
{
  TgBudgetStatus *status = g_new0 (TgBudgetStatus, 1);

  g_atomic_ref_count_init (&status->ref_count);
  g_date_clear (&status->first_day, 1);
  g_date_clear (&status->passed_since, 1);
  status->cumulative = g_array_new (FALSE, TRUE, sizeof (gint64));
  status->threshold_amounts = g_array_new (FALSE, TRUE, sizeof (gint64));
  status->passed = -1;
  status->forecast_passed = -1;
  status->percent = NAN;
  status->rate = NAN;
  return status;
}

TgBudgetStatus *
tg_budget_status_ref (TgBudgetStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  g_atomic_ref_count_inc (&status->ref_count);
  return status;
}

void
tg_budget_status_unref (TgBudgetStatus *status)
{
  g_return_if_fail (status != NULL);

  if (g_atomic_ref_count_dec (&status->ref_count))
    {
      g_clear_pointer (&status->budget, tg_budget_unref);
      g_clear_pointer (&status->quota, tg_quota_unref);
      g_free (status->unit);
      g_free (status->month);
      g_array_unref (status->cumulative);
      g_array_unref (status->threshold_amounts);
      g_free (status);
    }
}

/**
 * tg_budget_status_get_thresholds:
 *
 * Returns: (transfer none) (element-type TgBudgetThreshold): the budget's or the quota's
 *   thresholds, to which threshold_amounts, passed and forecast_passed refer
 */
GArray *
tg_budget_status_get_thresholds (TgBudgetStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  if (status->budget != NULL)
    return status->budget->thresholds;
  g_return_val_if_fail (status->quota != NULL, NULL);
  return status->quota->thresholds;
}
