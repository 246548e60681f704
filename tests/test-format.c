/* test-format.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "tg-format.h"
#include "tg-money.h"

typedef struct
{
  gint64      value;
  guint       decimals;
  const char *text;
} NumberCase;

static const NumberCase count_cases[] = {
  { 0, 0, "0" },
  { 7, 0, "7" },
  { 999, 0, "999" },
  { 1000, 0, "1,000" },
  { 1247, 0, "1,247" },
  { -1234567, 0, "-1,234,567" },
  { -999, 0, "-999" },
  { G_MAXINT64, 0, "9,223,372,036,854,775,807" },
  { G_MININT64, 0, "-9,223,372,036,854,775,808" },
};

static const NumberCase decimal_cases[] = {
  { 0, 2, "0.00" },
  { 1234567890000, 2, "1,234,567.89" },
  { 1005000, 2, "1.01" },          /* half away from zero */
  { 1004999, 2, "1.00" },
  { -1005000, 2, "-1.01" },
  { -4999, 2, "0.00" },            /* no negative zero */
  { 2500000, 0, "3" },
  { -2500000, 0, "-3" },
  { 999999500000, 0, "1,000,000" },
  { G_MAXINT64, 6, "9,223,372,036,854.775807" },
  { G_MAXINT64, 2, "9,223,372,036,854.78" },
  { G_MININT64, 6, "-9,223,372,036,854.775808" },
  { G_MININT64, 2, "-9,223,372,036,854.78" },
  { G_MININT64, 0, "-9,223,372,036,855" },
};

static const NumberCase micros_cases[] = {
  { 0, 6, "0" },
  { 2494500000, 6, "2,494.5" },
  { 3000000, 6, "3" },
  { 1234567, 2, "1.23" },
  { 1235000, 2, "1.24" },
  { -1235000, 2, "-1.24" },
  { -400, 3, "0" },
  { 1500000000, 9, "1,500" },      /* more than six decimals: exact */
  { G_MAXINT64, 6, "9,223,372,036,854.775807" },
  { G_MININT64, 0, "-9,223,372,036,855" },
};

typedef struct
{
  gint64      micros;
  const char *currency;
  const char *text;
} MoneyCase;

static const MoneyCase money_cases[] = {
  { 124700000, "AUD", "$124.70 AUD" },
  { 0, "AUD", "$0.00 AUD" },
  { -1234567890000, "USD", "-$1,234,567.89 USD" },
  { 1005000, "EUR", "€1.01 EUR" },
  { -1005000, "EUR", "-€1.01 EUR" },
  { 120500000, "JPY", "¥121 JPY" },
  { 1000000, "CHF", "1.00 CHF" },
  { G_MAXINT64, "JPY", "¥9,223,372,036,855 JPY" },
  { G_MININT64, "EUR", "-€9,223,372,036,854.78 EUR" },
  { 1000000, NULL, "—" },
  { 1000000, "mixed", "—" },
};

static const MoneyCase money_small_cases[] = {
  { 0, "USD", "$0.00 USD" },
  { 1200, "USD", "$0.0012 USD" },
  { -1200, "USD", "-$0.0012 USD" },
  { 4999, "USD", "$0.004999 USD" },
  { 5000, "USD", "$0.01 USD" },            /* shows in cents: the usual way */
  { 1234567890000, "AUD", "$1,234,567.89 AUD" },
  { 400000, "JPY", "¥0.4 JPY" },
  { G_MININT64, "USD", "-$9,223,372,036,854.78 USD" },
  { 1200, NULL, "—" },
};

static void
check_numbers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (count_cases); i++)
    {
      g_autofree char *text = tg_format_count (count_cases[i].value);

      g_assert_cmpstr (text, ==, count_cases[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (decimal_cases); i++)
    {
      g_autofree char *text = tg_format_decimal (decimal_cases[i].value,
                                                 decimal_cases[i].decimals);

      g_assert_cmpstr (text, ==, decimal_cases[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (micros_cases); i++)
    {
      g_autofree char *text = tg_format_micros (micros_cases[i].value,
                                                micros_cases[i].decimals);

      g_assert_cmpstr (text, ==, micros_cases[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (money_cases); i++)
    {
      g_autofree char *text = tg_format_money (money_cases[i].micros, money_cases[i].currency);

      g_assert_cmpstr (text, ==, money_cases[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (money_small_cases); i++)
    {
      g_autofree char *text = tg_format_money_small (money_small_cases[i].micros,
                                                     money_small_cases[i].currency);

      g_assert_cmpstr (text, ==, money_small_cases[i].text);
    }
}

/* A count and an amount of as many whole units read the same up to the decimal point:
 * "1,247 calls" beside "$1,247.00 AUD", never "1.247" beside "1,247.00".
 */
static void
check_agreement (void)
{
  static const gint64 wholes[] = { 0, 12, 1247, 1234567, -7654321, 9223372036853 };

  for (guint i = 0; i < G_N_ELEMENTS (wholes); i++)
    {
      g_autofree char *count = tg_format_count (wholes[i]);
      g_autofree char *money = tg_format_money (wholes[i] * TG_MICROS_PER_UNIT, "AUD");
      g_autofree char *micros = tg_format_micros (wholes[i] * TG_MICROS_PER_UNIT, 6);
      g_autofree char *expected = NULL;

      expected = g_strdup_printf ("%s$%s.00 AUD", wholes[i] < 0 ? "-" : "",
                                  count + (wholes[i] < 0 ? 1 : 0));
      g_assert_cmpstr (money, ==, expected);
      g_assert_cmpstr (micros, ==, count);
    }
}

static void
test_format_c_locale (void)
{
  check_numbers ();
  check_agreement ();
}

/* German groups with '.' and writes decimals after ','; Tollgate does not follow it. */
static void
test_format_german_locale (void)
{
  g_autofree char *previous = g_strdup (setlocale (LC_ALL, NULL));

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    {
      g_test_message ("The de_DE.UTF-8 locale is not installed: only the C locale was checked");
      return;
    }

  /* The locale really is German, else the test proves nothing. */
  g_assert_cmpstr (localeconv ()->thousands_sep, ==, ".");

  check_numbers ();
  check_agreement ();

  setlocale (LC_ALL, previous);
}

/* Short names of endpoints for the live feed's narrow column: the tail that tells calls
 * apart, never a cut in the middle of a word.
 */
static void
test_endpoint (void)
{
  static const struct {
    const char *endpoint;
    const char *short_name;
  } cases[] = {
    { "/v1/geocode", "/v1/geocode" },
    { "us-street-api/street-address", "us-street-api/street-address" },
    { "/AddressComplete/Interactive/Retrieve/v2.11", "…/Interactive/Retrieve" },
    { "/AddressComplete/Geocoding/Interactive/ReverseGeocode/v1.00",
      "…/Interactive/ReverseGeocode" },
    { "/postcodes/{postcode}/autocomplete", "…/{postcode}/autocomplete" },
    { "/v1/addresses/reverseGeocoder", "…/addresses/reverseGeocoder" },
    { "international-autocomplete/v2/lookup", "…/lookup" },
    { "/an-endpoint-name-that-is-far-too-long-to-show", "…/an-endpoint-name-that-is-fa…" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *short_name = tg_format_endpoint (cases[i].endpoint);

      g_assert_cmpstr (short_name, ==, cases[i].short_name);
      g_assert_cmpint (g_utf8_strlen (short_name, -1), <=, TG_FORMAT_ENDPOINT_MAX + 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/format/numbers/c-locale", test_format_c_locale);
  g_test_add_func ("/tollgate/unit/format/numbers/german-locale", test_format_german_locale);
  g_test_add_func ("/tollgate/unit/format/endpoint", test_endpoint);

  return g_test_run ();
}
