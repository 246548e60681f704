/* tg-money.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-format.h"
#include "tg-money.h"

G_DEFINE_QUARK (tg-money-error-quark, tg_money_error)

/**
 * tg_money_parse:
 * @text: a decimal such as "124.7", "-0.000125" or "3"
 * @micros: (out): the amount in micro-units
 *
 * Parses a plain decimal exactly. Refuses exponents, grouping separators, more than six
 * decimals (which would need rounding) and amounts beyond the range of gint64.
 */
gboolean
tg_money_parse (const char  *text,
                gint64      *micros,
                GError     **error)
{
  const char *p = text;
  gboolean negative = FALSE;
  guint64 whole = 0;
  guint64 fraction = 0;
  guint n_whole = 0;
  guint n_fraction = 0;
  guint64 magnitude;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (micros != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; g_ascii_isdigit (*p); p++, n_whole++)
    {
      if (whole > (G_MAXINT64 / TG_MICROS_PER_UNIT) / 10)
        goto overflow;
      whole = whole * 10 + (guint64)(*p - '0');
    }

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          if (n_fraction == 6)
            {
              /* Trailing zeros are exact; anything else needs rounding. */
              if (*p != '0')
                {
                  g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_TOO_PRECISE,
                               "“%s” has more than six decimals", text);
                  return FALSE;
                }
              continue;
            }
          fraction = fraction * 10 + (guint64)(*p - '0');
          n_fraction++;
        }
    }

  while (g_ascii_isspace (*p))
    p++;

  if (*p != '\0' || (n_whole == 0 && n_fraction == 0))
    {
      g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_INVALID,
                   "“%s” is not a decimal amount (write it like 1234.56)", text);
      return FALSE;
    }

  for (; n_fraction < 6; n_fraction++)
    fraction *= 10;

  magnitude = whole * (guint64)TG_MICROS_PER_UNIT;
  if (magnitude > (guint64)G_MAXINT64 - fraction)
    goto overflow;
  magnitude += fraction;

  *micros = negative ? -(gint64)magnitude : (gint64)magnitude;
  return TRUE;

overflow:
  g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_OVERFLOW,
               "“%s” is too large an amount", text);
  return FALSE;
}

#define FRAC_PART G_GINT64_CONSTANT (1000000000000)   /* 10^12 */

/* Normalises the parts so that 0 <= frac_lo, frac_hi < 10^12 (micros carries the sign). */
static gboolean
money_sum_normalise (TgMoneySum *sum)
{
  gint64 carry;

  carry = sum->frac_lo >= 0 ? sum->frac_lo / FRAC_PART : -((-sum->frac_lo + FRAC_PART - 1) / FRAC_PART);
  sum->frac_lo -= carry * FRAC_PART;
  sum->frac_hi += carry;

  carry = sum->frac_hi >= 0 ? sum->frac_hi / FRAC_PART : -((-sum->frac_hi + FRAC_PART - 1) / FRAC_PART);
  sum->frac_hi -= carry * FRAC_PART;

  return tg_money_add (sum->micros, carry, &sum->micros);
}

/**
 * tg_money_sum_add_text:
 * @sum: the sum to add to
 * @text: a decimal such as PostgreSQL's numeric text output ("-12.000000000123"), with at
 *   most 30 decimals
 *
 * Adds @text to @sum exactly. Refuses malformed text, more than 30 significant decimals and
 * sums beyond ±9.2 billion units (as micro-units in 64 bits), leaving @sum unchanged.
 */
gboolean
tg_money_sum_add_text (TgMoneySum  *sum,
                       const char  *text,
                       GError     **error)
{
  TgMoneySum piece = { 0 };
  TgMoneySum result;
  const char *p = text;
  gboolean negative = FALSE;
  guint n_whole = 0;
  guint n_fraction = 0;
  gint64 whole = 0;
  gint64 parts[3] = { 0, 0, 0 };  /* decimals 1-6, 7-18, 19-30 */

  g_return_val_if_fail (sum != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; g_ascii_isdigit (*p); p++, n_whole++)
    {
      if (whole > (G_MAXINT64 / TG_MICROS_PER_UNIT) / 10)
        goto overflow;
      whole = whole * 10 + (*p - '0');
    }

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          if (n_fraction >= 30)
            {
              if (*p != '0')
                {
                  g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_TOO_PRECISE,
                               "“%s” has more than 30 decimals", text);
                  return FALSE;
                }
              continue;
            }
          if (n_fraction < 6)
            parts[0] = parts[0] * 10 + (*p - '0');
          else if (n_fraction < 18)
            parts[1] = parts[1] * 10 + (*p - '0');
          else
            parts[2] = parts[2] * 10 + (*p - '0');
          n_fraction++;
        }
    }

  if (*p != '\0' || (n_whole == 0 && n_fraction == 0))
    {
      g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_INVALID,
                   "“%s” is not a decimal amount (write it like 1234.56)", text);
      return FALSE;
    }

  for (guint i = n_fraction; i < 30; i++)
    {
      if (i < 6)
        parts[0] *= 10;
      else if (i < 18)
        parts[1] *= 10;
      else
        parts[2] *= 10;
    }

  /* The loop above bounds the whole units only roughly: "9223372036854.775808" passes it
   * and would overflow here.
   */
  if (whole > (G_MAXINT64 - parts[0]) / TG_MICROS_PER_UNIT)
    goto overflow;
  piece.micros = whole * TG_MICROS_PER_UNIT + parts[0];
  piece.frac_hi = parts[1];
  piece.frac_lo = parts[2];
  if (negative)
    {
      piece.micros = -piece.micros;
      piece.frac_hi = -piece.frac_hi;
      piece.frac_lo = -piece.frac_lo;
    }

  result = *sum;
  result.frac_lo += piece.frac_lo;
  result.frac_hi += piece.frac_hi;
  if (!tg_money_add (result.micros, piece.micros, &result.micros) ||
      !money_sum_normalise (&result))
    goto overflow;

  *sum = result;
  return TRUE;

overflow:
  g_set_error (error, TG_MONEY_ERROR, TG_MONEY_ERROR_OVERFLOW,
               "“%s” makes a sum too large for Tollgate", text);
  return FALSE;
}

/**
 * tg_money_sum_get_micros:
 * @micros: (out): the sum rounded to micro-units, half away from zero (as PostgreSQL's
 *   round(numeric, 6))
 *
 * Returns: %FALSE when rounding up would overflow
 */
gboolean
tg_money_sum_get_micros (const TgMoneySum *sum,
                         gint64           *micros)
{
  const gint64 half = FRAC_PART / 2;

  g_return_val_if_fail (sum != NULL, FALSE);
  g_return_val_if_fail (micros != NULL, FALSE);

  /* The parts are normalised: the value is micros + (frac_hi, frac_lo) with both >= 0. */
  if (sum->micros >= 0)
    return tg_money_add (sum->micros, sum->frac_hi >= half ? 1 : 0, micros);

  /* Negative: the magnitude's fraction is 1 - (frac_hi, frac_lo) when that is not zero. */
  if (sum->frac_hi == 0 && sum->frac_lo == 0)
    {
      *micros = sum->micros;
      return TRUE;
    }
  /* value = micros + f with 0 < f < 1 micro; |value| = -micros - f; its sub-micro part is
   * 1 - f, which is at least one half when f <= one half. */
  if (sum->frac_hi < half || (sum->frac_hi == half && sum->frac_lo == 0))
    *micros = sum->micros;
  else
    *micros = sum->micros + 1;
  return TRUE;
}

/* 10^(6 - @decimals): the step, in micro-units, of the last decimal kept. */
static gint64
decimal_step (guint decimals)
{
  gint64 step = 1;

  for (guint i = decimals; i < 6; i++)
    step *= 10;

  return step;
}

/**
 * tg_money_round:
 * @decimals: 0 to 6
 *
 * Rounds half away from zero to @decimals places, still in micro-units. Within a step of
 * the ends of gint64, where rounding away from zero would leave the type, it rounds
 * towards zero instead; tg_money_to_decimal() shows those amounts rounded right.
 */
gint64
tg_money_round (gint64 micros,
                guint  decimals)
{
  gint64 step;
  gint64 rest;

  g_return_val_if_fail (decimals <= 6, micros);

  step = decimal_step (decimals);
  if (step == 1)
    return micros;

  rest = micros % step;
  micros -= rest;
  if (rest >= step / 2 && micros <= G_MAXINT64 - step)
    micros += step;
  else if (rest <= -(step / 2) && micros >= G_MININT64 + step)
    micros -= step;

  return micros;
}

/**
 * tg_money_to_exact:
 *
 * Returns: (transfer full): @micros for machines (JSON, CSV): exact to the micro-unit,
 *   with at least two decimals and no grouping: "1234.50", "0.000003", "-7.25"
 */
char *
tg_money_to_exact (gint64 micros)
{
  char *text = tg_money_to_decimal (micros, 6);
  gsize len = strlen (text);

  while (len > 3 && text[len - 1] == '0' && text[len - 3] != '.')
    text[--len] = '\0';

  return text;
}

/**
 * tg_money_to_decimal:
 * @decimals: 0 to 6
 *
 * Rounds half away from zero, on the magnitude, so that every gint64 amount (G_MININT64
 * included) comes out right.
 *
 * Returns: (transfer full): "-1234.50": no grouping, '.' whatever the locale, and no
 *   "-" on an amount that rounds to zero
 */
char *
tg_money_to_decimal (gint64 micros,
                     guint  decimals)
{
  guint64 step;
  guint64 magnitude;
  guint64 rest;
  guint64 whole;
  guint64 fraction;
  gboolean negative;

  g_return_val_if_fail (decimals <= 6, NULL);

  step = (guint64)decimal_step (decimals);
  negative = micros < 0;
  magnitude = negative ? (guint64)(-(micros + 1)) + 1 : (guint64)micros;

  /* At most 2^63 + 10^6: no overflow in 64 unsigned bits. */
  rest = magnitude % step;
  magnitude -= rest;
  if (step > 1 && rest >= step / 2)
    magnitude += step;
  negative = negative && magnitude > 0;

  whole = magnitude / (guint64)TG_MICROS_PER_UNIT;
  fraction = magnitude % (guint64)TG_MICROS_PER_UNIT / step;

  if (decimals == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, negative ? "-" : "", whole);

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          negative ? "-" : "", whole, (int)decimals, fraction);
}

/**
 * tg_money_format:
 * @currency: an ISO 4217 code
 *
 * Digits are grouped as tg_format_decimal() groups them, whatever the locale.
 *
 * Returns: (transfer full): the amount as the story card shows it, rounded to the
 *   currency's minor unit: "$1,124.70 AUD", "-€3.10 EUR", "¥120 JPY"
 */
char *
tg_money_format (gint64      micros,
                 const char *currency)
{
  g_autofree char *grouped = tg_format_decimal (micros, tg_currency_get_decimals (currency));
  gboolean negative = grouped[0] == '-';

  return g_strdup_printf ("%s%s%s %s", negative ? "-" : "", tg_currency_get_symbol (currency),
                          grouped + (negative ? 1 : 0), currency);
}

/* Returns FALSE instead of wrapping around. */
gboolean
tg_money_add (gint64  a,
              gint64  b,
              gint64 *sum)
{
  if ((b > 0 && a > G_MAXINT64 - b) || (b < 0 && a < G_MININT64 - b))
    return FALSE;

  *sum = a + b;
  return TRUE;
}

gboolean
tg_currency_is_valid (const char *code)
{
  return code != NULL
         && g_ascii_isupper (code[0])
         && g_ascii_isupper (code[1])
         && g_ascii_isupper (code[2])
         && code[3] == '\0';
}

/* Minor-unit digits of ISO 4217; the currencies without cents that Tollgate may meet. */
guint
tg_currency_get_decimals (const char *code)
{
  static const char * const zero_decimal[] = { "JPY", "KRW", "VND", "CLP", "ISK", "UGX", NULL };

  if (code != NULL && g_strv_contains (zero_decimal, code))
    return 0;

  return 2;
}

const char *
tg_currency_get_symbol (const char *code)
{
  static const struct { const char *code; const char *symbol; } symbols[] = {
    { "AUD", "$" }, { "USD", "$" }, { "CAD", "$" }, { "NZD", "$" },
    { "EUR", "€" }, { "GBP", "£" }, { "JPY", "¥" },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (symbols); i++)
    if (strcmp (symbols[i].code, code) == 0)
      return symbols[i].symbol;

  return "";
}
