/* tg-format.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Text for people (the window, the PDF, tollgatectl's tables) groups digits by thousands
 * with ',' and writes decimals after '.', whatever the locale, for counts and amounts
 * alike: the story card says "1,247 calls" and "$124.70 AUD", and finance compares the
 * screens, the PDFs and the CSVs figure by figure, so one figure must read the same
 * everywhere. Machine output (JSON, CSV) stays plain: tg_money_to_decimal().
 */

#include "config.h"

#include <string.h>

#include "tg-format.h"
#include "tg-money.h"

/* @plain is "-1234567.5" (tg_money_to_decimal()'s output, or a whole number): the same
 * with the digits before the point grouped by thousands, "-1,234,567.5".
 */
static char *
group_digits (const char *plain)
{
  const char *p = plain;
  const char *dot;
  GString *text;
  gsize n;

  text = g_string_sized_new (strlen (plain) + strlen (plain) / 3 + 1);
  if (*p == '-')
    g_string_append_c (text, *p++);

  dot = strchr (p, '.');
  n = dot != NULL ? (gsize)(dot - p) : strlen (p);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, p[i]);
    }
  if (dot != NULL)
    g_string_append (text, dot);

  return g_string_free (text, FALSE);
}

/**
 * tg_format_count:
 *
 * Returns: (transfer full): @count grouped by thousands: "1,234,567", "-42"
 */
char *
tg_format_count (gint64 count)
{
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  return group_digits (plain);
}

/**
 * tg_format_decimal:
 * @micros: micro-units (millionths)
 * @decimals: 0 to 6
 *
 * Returns: (transfer full): @micros rounded half away from zero to exactly @decimals
 *   decimals and grouped: 1234567890000 with 2 as "1,234,567.89"
 */
char *
tg_format_decimal (gint64 micros,
                   guint  decimals)
{
  g_autofree char *plain = NULL;

  g_return_val_if_fail (decimals <= 6, NULL);

  plain = tg_money_to_decimal (micros, decimals);
  return group_digits (plain);
}

/**
 * tg_format_micros:
 * @micros: micro-units, such as credits
 * @max_decimals: at most this many decimals (6 and above: exact)
 *
 * Returns: (transfer full): @micros rounded half away from zero, grouped, without trailing
 *   zeros: 2494500000 as "2,494.5", 3000000 as "3"
 */
char *
tg_format_micros (gint64 micros,
                  guint  max_decimals)
{
  g_autofree char *plain = tg_money_to_decimal (micros, MIN (max_decimals, 6));
  char *dot = strchr (plain, '.');

  if (dot != NULL)
    {
      char *end = dot + strlen (dot);

      while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
      if (end == dot + 1)
        *dot = '\0';
    }

  return group_digits (plain);
}

/**
 * tg_format_money:
 * @currency: (nullable): an ISO 4217 code
 *
 * Returns: (transfer full): the amount as the story card writes it, "$124.70 AUD"
 *   (tg_money_format()); an amount without a valid currency (a group that mixes
 *   currencies) as a dash
 */
char *
tg_format_money (gint64      micros,
                 const char *currency)
{
  if (!tg_currency_is_valid (currency))
    return g_strdup ("—");

  return tg_money_format (micros, currency);
}

/**
 * tg_format_money_small:
 * @currency: (nullable): an ISO 4217 code
 *
 * An amount that may be a fraction of a cent (the price of one call): in the currency's
 * minor unit when that shows it, else with as many decimals as it needs, up to the
 * micro-unit ("$0.0012 USD"), so that a cheap call does not read as free.
 *
 * Returns: (transfer full): the amount, or a dash without a valid currency
 */
char *
tg_format_money_small (gint64      micros,
                       const char *currency)
{
  g_autofree char *exact = NULL;
  guint decimals;

  if (!tg_currency_is_valid (currency))
    return g_strdup ("—");

  /* Amounts that show in minor units go the usual way; only those under half a minor
   * unit, which would read as zero, need more decimals (and are far from the edges of
   * gint64, so negating them is safe).
   */
  decimals = tg_currency_get_decimals (currency);
  if (micros == 0 || tg_money_round (micros, decimals) != 0)
    return tg_money_format (micros, currency);

  exact = tg_format_micros (ABS (micros), 6);
  return g_strdup_printf ("%s%s%s %s", micros < 0 ? "-" : "", tg_currency_get_symbol (currency),
                          exact, currency);
}

/* A version ("v1", "v2.10", "v1.00"): says nothing a reader of a short name needs. */
static gboolean
is_version_segment (const char *segment)
{
  const char *p = segment;

  if (*p != 'v' && *p != 'V')
    return FALSE;
  if (!g_ascii_isdigit (*++p))
    return FALSE;
  while (g_ascii_isdigit (*p) || *p == '.')
    p++;

  return *p == '\0';
}

/**
 * tg_format_endpoint:
 * @endpoint: an API endpoint as the platform recorded it
 *
 * The part of an endpoint that tells calls apart, for a narrow column: the whole of a
 * short one, else its last path segments (without versions) up to
 * TG_FORMAT_ENDPOINT_MAX characters after "…/": "/AddressComplete/Interactive/Retrieve/v2.11"
 * reads "…/Interactive/Retrieve", "us-street-api/street-address" stays whole. Show the
 * whole endpoint in a tooltip beside it.
 *
 * Returns: (transfer full): the short name
 */
char *
tg_format_endpoint (const char *endpoint)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) tail = g_string_new (NULL);

  g_return_val_if_fail (endpoint != NULL, NULL);

  if (g_utf8_strlen (endpoint, -1) <= TG_FORMAT_ENDPOINT_MAX)
    return g_strdup (endpoint);

  segments = g_strsplit (endpoint, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (*segments[i] != '\0' && !is_version_segment (segments[i]))
      g_ptr_array_add (kept, segments[i]);

  for (guint i = kept->len; i > 0; i--)
    {
      const char *segment = g_ptr_array_index (kept, i - 1);
      glong length = g_utf8_strlen (segment, -1) + (tail->len > 0 ? 1 : 0);

      if (tail->len > 0 && g_utf8_strlen (tail->str, -1) + length > TG_FORMAT_ENDPOINT_MAX)
        break;
      if (tail->len > 0)
        g_string_prepend_c (tail, '/');
      g_string_prepend (tail, segment);
    }

  if (tail->len == 0)
    return g_strdup (endpoint);

  /* A single segment longer than the limit is cut at its end, as a label would. */
  if (g_utf8_strlen (tail->str, -1) > TG_FORMAT_ENDPOINT_MAX)
    {
      const char *end = g_utf8_offset_to_pointer (tail->str, TG_FORMAT_ENDPOINT_MAX - 1);

      g_string_truncate (tail, end - tail->str);
      g_string_append (tail, "…");
    }

  /* The endpoint was longer: something before the tail was left out. */
  g_string_prepend (tail, "…/");

  return g_string_free (g_steal_pointer (&tail), FALSE);
}
