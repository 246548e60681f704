/* test-provider.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-money.h"
#include "tg-provider.h"

static TgProvider *
make_provider (TgBillingUnit billing_unit,
               TgQuotaUnit   quota_unit,
               gint64        quota)
{
  TgProvider *provider = tg_provider_new ("test");

  provider->billing_unit = billing_unit;
  provider->quota_unit = quota_unit;
  provider->monthly_quota = quota;

  return provider;
}

static TgUsageRow *
make_usage (gint64 calls,
            gint64 credits_micros,
            gint64 input_tokens,
            gint64 output_tokens)
{
  TgUsageRow *row = tg_usage_row_new ();

  row->calls = calls;
  row->credits = credits_micros;
  row->input_tokens = input_tokens;
  row->output_tokens = output_tokens;

  return row;
}

static void
test_new (void)
{
  g_autoptr(TgProvider) provider = tg_provider_new ("acme");

  g_assert_cmpstr (provider->slug, ==, "acme");
  g_assert_cmpstr (provider->display_name, ==, "acme");
  g_assert_cmpstr (provider->currency, ==, "");
  g_assert_nonnull (provider->primary_regions);
  g_assert_null (provider->primary_regions[0]);
  g_assert_nonnull (provider->backup_regions);
  g_assert_nonnull (provider->active_regions);
  g_assert_false (tg_provider_has_quota (provider));
  g_assert_cmpuint (tg_provider_get_quota_percent (provider, NULL), ==, 0);
  g_assert_cmpfloat (tg_provider_get_quota_fraction (provider, NULL), ==, 0.0);
}

typedef struct
{
  TgBillingUnit billing_unit;
  TgQuotaUnit   quota_unit;
  gint64        quota;
  gint64        calls;
  gint64        credits;         /* micro-credits */
  gint64        input_tokens;
  gint64        output_tokens;
  gint64        expected_count;  /* what the card shows in large */
  guint         expected_percent;
} QuotaCase;

static const QuotaCase quota_cases[] = {
  /* The story card: 82 % of a quota in calls. */
  { TG_BILLING_UNIT_CALL, TG_QUOTA_UNIT_CALLS, 250000, 205000, 0, 0, 0, 205000, 82 },
  /* Credits are exact micro-credits: 99.9996 % is not yet 100. */
  { TG_BILLING_UNIT_CREDIT, TG_QUOTA_UNIT_CREDITS, 250000, 1, G_GINT64_CONSTANT (249999) * 1000000 + 999000,
    0, 0, 1, 99 },
  { TG_BILLING_UNIT_CREDIT, TG_QUOTA_UNIT_CREDITS, 250000, 7, G_GINT64_CONSTANT (250000) * 1000000,
    0, 0, 7, 100 },
  /* Tokens: input and output together, both for the figure and the quota. */
  { TG_BILLING_UNIT_TOKEN, TG_QUOTA_UNIT_TOKENS, 250000000, 856, 0, 120000000, 57500000,
    177500000, 71 },
  /* Over quota. */
  { TG_BILLING_UNIT_CALL, TG_QUOTA_UNIT_CALLS, 100000, 112345, 0, 0, 0, 112345, 112 },
  /* A per-call provider whose quota counts credits. */
  { TG_BILLING_UNIT_CALL, TG_QUOTA_UNIT_CREDITS, 1000, 999, 500000000, 0, 0, 999, 50 },
  /* No quota. */
  { TG_BILLING_UNIT_CALL, TG_QUOTA_UNIT_CALLS, 0, 5000, 0, 0, 0, 5000, 0 },
};

static void
test_quota (gconstpointer data)
{
  const QuotaCase *c = data;
  g_autoptr(TgProvider) provider = make_provider (c->billing_unit, c->quota_unit, c->quota);
  g_autoptr(TgUsageRow) usage = make_usage (c->calls, c->credits, c->input_tokens,
                                            c->output_tokens);
  double fraction;

  g_assert_cmpint (tg_provider_get_usage_count (provider, usage), ==, c->expected_count);
  g_assert_cmpint (tg_provider_get_usage_count (provider, NULL), ==, 0);
  g_assert_cmpuint (tg_provider_get_quota_percent (provider, usage), ==, c->expected_percent);

  fraction = tg_provider_get_quota_fraction (provider, usage);
  if (c->quota == 0)
    g_assert_cmpfloat (fraction, ==, 0.0);
  else
    {
      /* The percentage is the fraction, rounded down. */
      g_assert_cmpfloat (fraction * 100, >=, c->expected_percent);
      g_assert_cmpfloat (fraction * 100, <, c->expected_percent + 1);
    }
}

static void
test_quota_used (void)
{
  g_autoptr(TgProvider) provider = make_provider (TG_BILLING_UNIT_TOKEN, TG_QUOTA_UNIT_TOKENS, 10);
  g_autoptr(TgUsageRow) usage = make_usage (1, 0, G_MAXINT64, 1);
  gint64 used = -1;

  /* Sums that do not fit are refused, not wrapped around. */
  g_assert_false (tg_provider_get_quota_used (provider, usage, &used));

  usage->input_tokens = 3;
  usage->output_tokens = 4;
  g_assert_true (tg_provider_get_quota_used (provider, usage, &used));
  g_assert_cmpint (used, ==, 7 * TG_MICROS_PER_UNIT);
}

static void
test_units (void)
{
  TgBillingUnit billing;
  TgQuotaUnit quota;

  g_assert_true (tg_billing_unit_parse ("token", &billing));
  g_assert_cmpint (billing, ==, TG_BILLING_UNIT_TOKEN);
  g_assert_true (tg_billing_unit_parse ("credit", &billing));
  g_assert_cmpint (billing, ==, TG_BILLING_UNIT_CREDIT);
  g_assert_false (tg_billing_unit_parse ("tokens", &billing));
  g_assert_false (tg_billing_unit_parse (NULL, &billing));
  g_assert_cmpstr (tg_billing_unit_to_string (TG_BILLING_UNIT_CALL), ==, "call");

  g_assert_true (tg_quota_unit_parse ("credits", &quota));
  g_assert_cmpint (quota, ==, TG_QUOTA_UNIT_CREDITS);
  g_assert_false (tg_quota_unit_parse ("credit", &quota));
  g_assert_cmpstr (tg_quota_unit_to_string (TG_QUOTA_UNIT_TOKENS), ==, "tokens");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/provider/new", test_new);
  for (guint i = 0; i < G_N_ELEMENTS (quota_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/provider/quota/%u", i);

      g_test_add_data_func (path, &quota_cases[i], test_quota);
    }
  g_test_add_func ("/tollgate/unit/provider/quota-used", test_quota_used);
  g_test_add_func ("/tollgate/unit/provider/units", test_units);

  return g_test_run ();
}
