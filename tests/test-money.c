/* test-money.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-money.h"

typedef struct
{
  const char *text;
  gint64      micros;
  int         error;   /* -1: parses */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "0", 0, -1 },
  { "124.70", 124700000, -1 },
  { "-0.000125", -125, -1 },
  { "+3", 3000000, -1 },
  { " 7.5 ", 7500000, -1 },
  { ".5", 500000, -1 },
  { "1.1234560000", 1123456, -1 },
  { "9223372036854.775807", G_MAXINT64, -1 },
  { "9223372036854.775808", 0, TG_MONEY_ERROR_OVERFLOW },
  { "99999999999999999999", 0, TG_MONEY_ERROR_OVERFLOW },
  { "1.0000001", 0, TG_MONEY_ERROR_TOO_PRECISE },
  { "", 0, TG_MONEY_ERROR_INVALID },
  { "-", 0, TG_MONEY_ERROR_INVALID },
  { "1,000.00", 0, TG_MONEY_ERROR_INVALID },
  { "1e3", 0, TG_MONEY_ERROR_INVALID },
  { "12.5 AUD", 0, TG_MONEY_ERROR_INVALID },
};

static void
test_parse (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr(GError) error = NULL;
  gint64 micros = -1;
  gboolean ok;

  ok = tg_money_parse (c->text, &micros, &error);
  if (c->error < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (micros, ==, c->micros);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, TG_MONEY_ERROR, c->error);
      g_assert_cmpint (micros, ==, -1);
    }
}

static void
test_round_and_decimal (void)
{
  static const struct { gint64 micros; guint decimals; const char *text; } cases[] = {
    { 124700000, 2, "124.70" },
    { 1005000, 2, "1.01" },       /* half away from zero */
    { 1004999, 2, "1.00" },
    { -1005000, 2, "-1.01" },
    { -4999, 2, "0.00" },         /* no negative zero */
    { -5000, 2, "-0.01" },
    { 123456789, 6, "123.456789" },
    { 2500000, 0, "3" },
    { G_MININT64 + 1, 6, "-9223372036854.775807" },
    { G_MININT64, 6, "-9223372036854.775808" },
    { G_MININT64, 2, "-9223372036854.78" },     /* rounds past the end of gint64 */
    { G_MAXINT64, 2, "9223372036854.78" },
    { G_MAXINT64, 0, "9223372036855" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tg_money_to_decimal (cases[i].micros, cases[i].decimals);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* Where rounding away from zero would leave gint64, tg_money_round() keeps inside it. */
  g_assert_cmpint (tg_money_round (G_MAXINT64, 2), ==, G_GINT64_CONSTANT (9223372036854770000));
  g_assert_cmpint (tg_money_round (G_MININT64, 2), ==, G_GINT64_CONSTANT (-9223372036854770000));
  g_assert_cmpint (tg_money_round (-1005000, 2), ==, -1010000);
}

static void
test_format (void)
{
  static const struct { gint64 micros; const char *currency; const char *text; } cases[] = {
    { 124700000, "AUD", "$124.70 AUD" },
    { 1234567890000, "USD", "$1,234,567.89 USD" },
    { -3100000, "EUR", "-€3.10 EUR" },
    { 120400000, "JPY", "¥120 JPY" },
    { 999995000, "GBP", "£1,000.00 GBP" },
    { 1000000, "CHF", "1.00 CHF" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tg_money_format (cases[i].micros, cases[i].currency);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Summing display-rounded parts must not be how totals are made: the exact sum of
 * micro-units rounds once. This is the property finance checks.
 */
static void
test_sum_is_exact (void)
{
  gint64 total = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < 1000; i++)
    g_assert_true (tg_money_add (total, 1234, &total));   /* 0.001234 each */

  text = tg_money_to_decimal (total, 2);
  g_assert_cmpint (total, ==, 1234000);
  g_assert_cmpstr (text, ==, "1.23");

  g_assert_false (tg_money_add (G_MAXINT64, 1, &total));
  g_assert_false (tg_money_add (G_MININT64, -1, &total));
}

static void
test_currency (void)
{
  g_assert_true (tg_currency_is_valid ("AUD"));
  g_assert_false (tg_currency_is_valid ("aud"));
  g_assert_false (tg_currency_is_valid ("AUDX"));
  g_assert_false (tg_currency_is_valid ("AU"));
  g_assert_false (tg_currency_is_valid (NULL));
  g_assert_cmpuint (tg_currency_get_decimals ("AUD"), ==, 2);
  g_assert_cmpuint (tg_currency_get_decimals ("JPY"), ==, 0);
  g_assert_cmpstr (tg_currency_get_symbol ("GBP"), ==, "£");
  g_assert_cmpstr (tg_currency_get_symbol ("XYZ"), ==, "");
}

/* Adds decimal texts with a TgMoneySum and rounds once; the same as rounding the exact sum. */
static gint64
sum_texts (const char * const *texts,
           gsize               n)
{
  TgMoneySum sum = { 0 };
  gint64 micros = 0;

  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (tg_money_sum_add_text (&sum, texts[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (tg_money_sum_get_micros (&sum, &micros));
  return micros;
}

static void
test_exact_sum_of_pieces (void)
{
  /* Each piece rounds down on its own (0.0000004 → 0), their sum rounds up. */
  static const char * const quarter_pieces[] = {
    "0.0000004", "0.0000004", "0.0000004", "0.000000000000000000000000000001",
  };
  /* 30 decimals, carries through both fraction parts. */
  static const char * const deep[] = {
    "1.999999999999999999999999999999", "0.000000000000000000000000000001",
  };
  /* PostgreSQL's round(numeric, 6) rounds half away from zero, also below zero. */
  static const char * const half_up[] = { "2.0000005" };
  static const char * const half_down_negative[] = { "-2.0000005" };
  static const char * const below_half_negative[] = { "-2.00000049999999" };
  static const char * const mixed_signs[] = { "10.25", "-0.0000001", "-10.2500004" };
  static const char * const exponentless_ints[] = { "17", "+3", "0.5" };
  TgMoneySum sum = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 micros = 0;

  g_assert_cmpint (sum_texts (quarter_pieces, G_N_ELEMENTS (quarter_pieces)), ==, 1);
  g_assert_cmpint (sum_texts (deep, G_N_ELEMENTS (deep)), ==, 2000000);
  g_assert_cmpint (sum_texts (half_up, 1), ==, 2000001);
  g_assert_cmpint (sum_texts (half_down_negative, 1), ==, -2000001);
  g_assert_cmpint (sum_texts (below_half_negative, 1), ==, -2000000);
  g_assert_cmpint (sum_texts (mixed_signs, G_N_ELEMENTS (mixed_signs)), ==, -1);
  g_assert_cmpint (sum_texts (exponentless_ints, G_N_ELEMENTS (exponentless_ints)), ==, 20500000);

  /* Refused: more than 30 decimals, not a number, too large; the sum stays as it was. */
  g_assert_true (tg_money_sum_add_text (&sum, "1.5", NULL));
  g_assert_false (tg_money_sum_add_text (&sum, "0.0000000000000000000000000000001", &error));
  g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_TOO_PRECISE);
  g_clear_error (&error);
  g_assert_false (tg_money_sum_add_text (&sum, "1e5", &error));
  g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tg_money_sum_add_text (&sum, "", &error));
  g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tg_money_sum_add_text (&sum, "9000000000000", NULL));
  g_assert_false (tg_money_sum_add_text (&sum, "9000000000000", &error));
  g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_OVERFLOW);
  g_assert_true (tg_money_sum_get_micros (&sum, &micros));
  g_assert_cmpint (micros, ==, G_GINT64_CONSTANT (9000000000001500000));
}

/* One piece whose whole units are within gint64's micro-units but whose decimals take it
 * past them (found by tools/fuzz money): refused as too large, not wrapped around into a
 * large negative amount, and without signed overflow on the way.
 */
static void
test_sum_piece_at_the_edge (void)
{
  static const char * const too_large[] = {
    "9223372036854.775808", "9223372036854.999999", "9223372036855", "-9223372036854.775808",
    "-9223372036855",
  };
  gint64 micros = 0;

  for (guint i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_autoptr(GError) error = NULL;
      TgMoneySum sum = { 0 };

      g_assert_false (tg_money_sum_add_text (&sum, too_large[i], &error));
      g_assert_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_OVERFLOW);
      g_assert_true (tg_money_sum_get_micros (&sum, &micros));
      g_assert_cmpint (micros, ==, 0);
    }

  {
    static const char * const largest[] = { "9223372036854.775807" };
    static const char * const smallest[] = { "-9223372036854.775807" };

    g_assert_cmpint (sum_texts (largest, 1), ==, G_MAXINT64);
    g_assert_cmpint (sum_texts (smallest, 1), ==, -G_MAXINT64);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/money/parse/%u", i);

      g_test_add_data_func (path, &parse_cases[i], test_parse);
    }
  g_test_add_func ("/tollgate/unit/money/round-and-decimal", test_round_and_decimal);
  g_test_add_func ("/tollgate/unit/money/format", test_format);
  g_test_add_func ("/tollgate/unit/money/sum-is-exact", test_sum_is_exact);
  g_test_add_func ("/tollgate/unit/money/currency", test_currency);
  g_test_add_func ("/tollgate/unit/money/exact-sum-of-pieces", test_exact_sum_of_pieces);
  g_test_add_func ("/tollgate/unit/money/sum-piece-at-the-edge", test_sum_piece_at_the_edge);

  return g_test_run ();
}
