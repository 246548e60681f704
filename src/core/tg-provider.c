/* tg-provider.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The provider catalogue's rows, and how a month's usage measures against a provider's
 * quota: in calls, in credits (micro-credits, exact) or in tokens (input and output
 * together, as OpenAI counts them).
 */

#include "config.h"

#include "tg-money.h"
#include "tg-provider.h"

G_DEFINE_BOXED_TYPE (TgProvider, tg_provider, tg_provider_ref, tg_provider_unref)

static const char * const billing_units[] = {
  [TG_BILLING_UNIT_CALL] = "call",
  [TG_BILLING_UNIT_CREDIT] = "credit",
  [TG_BILLING_UNIT_TOKEN] = "token",
};

static const char * const quota_units[] = {
  [TG_QUOTA_UNIT_CALLS] = "calls",
  [TG_QUOTA_UNIT_CREDITS] = "credits",
  [TG_QUOTA_UNIT_TOKENS] = "tokens",
};

/**
 * tg_provider_new:
 * @slug: the provider's api_provider value
 *
 * Returns: (transfer full): a provider named after @slug, billed per call, without a
 *   quota, home region and currency unknown (""), in no region
 */
TgProvider *
tg_provider_new (const char *slug)
{
  TgProvider *provider;

  g_return_val_if_fail (slug != NULL, NULL);

  provider = g_new0 (TgProvider, 1);
  g_atomic_ref_count_init (&provider->ref_count);
  provider->slug = g_strdup (slug);
  provider->display_name = g_strdup (slug);
  provider->home_region = g_strdup ("");
  provider->currency = g_strdup ("");
  provider->billing_unit = TG_BILLING_UNIT_CALL;
  provider->quota_unit = TG_QUOTA_UNIT_CALLS;
  provider->enabled = TRUE;
  provider->primary_regions = g_new0 (char *, 1);
  provider->backup_regions = g_new0 (char *, 1);
  provider->active_regions = g_new0 (char *, 1);

  return provider;
}

TgProvider *
tg_provider_ref (TgProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  g_atomic_ref_count_inc (&provider->ref_count);
  return provider;
}

void
tg_provider_unref (TgProvider *provider)
{
  g_return_if_fail (provider != NULL);

  if (g_atomic_ref_count_dec (&provider->ref_count))
    {
      g_free (provider->slug);
      g_free (provider->display_name);
      g_free (provider->home_region);
      g_free (provider->currency);
      g_strfreev (provider->primary_regions);
      g_strfreev (provider->backup_regions);
      g_strfreev (provider->active_regions);
      g_free (provider);
    }
}

gboolean
tg_provider_has_quota (const TgProvider *provider)
{
  g_return_val_if_fail (provider != NULL, FALSE);

  return provider->monthly_quota > 0;
}

/* Whether the provider's calls are best counted in tokens (OpenAI): its usage figure is
 * then input plus output tokens rather than calls.
 */
gboolean
tg_provider_counts_tokens (const TgProvider *provider)
{
  g_return_val_if_fail (provider != NULL, FALSE);

  return provider->billing_unit == TG_BILLING_UNIT_TOKEN;
}

/**
 * tg_provider_get_usage_count:
 * @usage: (nullable): the provider's usage; %NULL is none
 *
 * Returns: the figure a provider's usage is counted in: input plus output tokens for a
 *   provider billed per token, calls otherwise
 */
gint64
tg_provider_get_usage_count (const TgProvider *provider,
                             const TgUsageRow *usage)
{
  g_return_val_if_fail (provider != NULL, 0);

  if (usage == NULL)
    return 0;

  if (tg_provider_counts_tokens (provider))
    return usage->input_tokens + usage->output_tokens;

  return usage->calls;
}

/**
 * tg_provider_get_quota_used:
 * @usage: (nullable): the provider's usage this month; %NULL is none
 * @used_micros: (out): what @usage consumed of the quota, in millionths of the quota's
 *   unit (exact for credits, which are micro-credits)
 *
 * Returns: %FALSE when the amount does not fit in 64 bits
 */
gboolean
tg_provider_get_quota_used (const TgProvider *provider,
                            const TgUsageRow *usage,
                            gint64           *used_micros)
{
  gint64 units;

  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (used_micros != NULL, FALSE);

  *used_micros = 0;
  if (usage == NULL)
    return TRUE;

  switch (provider->quota_unit)
    {
    case TG_QUOTA_UNIT_CREDITS:
      *used_micros = usage->credits;
      return TRUE;

    case TG_QUOTA_UNIT_TOKENS:
      if (!tg_money_add (usage->input_tokens, usage->output_tokens, &units))
        return FALSE;
      break;

    case TG_QUOTA_UNIT_CALLS:
    default:
      units = usage->calls;
      break;
    }

  if (units > G_MAXINT64 / TG_MICROS_PER_UNIT || units < G_MININT64 / TG_MICROS_PER_UNIT)
    return FALSE;

  *used_micros = units * TG_MICROS_PER_UNIT;
  return TRUE;
}

/**
 * tg_provider_get_quota_fraction:
 *
 * Returns: how much of the monthly quota @usage used, 1.0 being all of it (more when
 *   over quota), for a level bar; 0 without a quota
 */
double
tg_provider_get_quota_fraction (const TgProvider *provider,
                                const TgUsageRow *usage)
{
  gint64 used = 0;

  g_return_val_if_fail (provider != NULL, 0.0);

  if (!tg_provider_has_quota (provider))
    return 0.0;

  if (!tg_provider_get_quota_used (provider, usage, &used))
    return G_MAXDOUBLE;

  return (double)used / ((double)provider->monthly_quota * (double)TG_MICROS_PER_UNIT);
}

/**
 * tg_provider_get_quota_percent:
 *
 * Returns: the whole percent of the quota used, rounded down (so that 99.7 % does not
 *   read as a full quota); 0 without a quota
 */
guint
tg_provider_get_quota_percent (const TgProvider *provider,
                               const TgUsageRow *usage)
{
  gint64 used = 0;
  guint64 quota;
  guint64 whole;
  guint64 rest;
  guint64 percent;

  g_return_val_if_fail (provider != NULL, 0);

  if (!tg_provider_has_quota (provider))
    return 0;

  if (!tg_provider_get_quota_used (provider, usage, &used))
    return G_MAXUINT;
  if (used <= 0)
    return 0;

  /* In integers, exactly: used / (quota × 10⁶) × 100, without overflowing. */
  if ((guint64)provider->monthly_quota > G_MAXUINT64 / (guint64)TG_MICROS_PER_UNIT)
    return (guint)MIN (tg_provider_get_quota_fraction (provider, usage) * 100.0, (double)G_MAXUINT);
  quota = (guint64)provider->monthly_quota * (guint64)TG_MICROS_PER_UNIT;
  whole = (guint64)used / quota;
  rest = (guint64)used % quota;

  if (whole > G_MAXUINT / 100)
    return G_MAXUINT;

  /* rest < quota ≤ 2⁶⁴ / 10⁶ × 10⁶, and rest × 100 may not fit: divide the quota first
   * when it would not.
   */
  if (rest <= G_MAXUINT64 / 100)
    percent = whole * 100 + rest * 100 / quota;
  else
    percent = whole * 100 + rest / (quota / 100);

  return (guint)MIN (percent, (guint64)G_MAXUINT);
}

gboolean
tg_billing_unit_parse (const char    *text,
                       TgBillingUnit *unit)
{
  g_return_val_if_fail (unit != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (billing_units); i++)
    if (g_strcmp0 (text, billing_units[i]) == 0)
      {
        *unit = i;
        return TRUE;
      }

  return FALSE;
}

const char *
tg_billing_unit_to_string (TgBillingUnit unit)
{
  g_return_val_if_fail (unit < G_N_ELEMENTS (billing_units), NULL);

  return billing_units[unit];
}

gboolean
tg_quota_unit_parse (const char  *text,
                     TgQuotaUnit *unit)
{
  g_return_val_if_fail (unit != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (quota_units); i++)
    if (g_strcmp0 (text, quota_units[i]) == 0)
      {
        *unit = i;
        return TRUE;
      }

  return FALSE;
}

const char *
tg_quota_unit_to_string (TgQuotaUnit unit)
{
  g_return_val_if_fail (unit < G_N_ELEMENTS (quota_units), NULL);

  return quota_units[unit];
}
