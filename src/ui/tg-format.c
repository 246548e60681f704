/* tg-format.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "tg-format.h"
#include "tg-money.h"

/* Groups the digits before the decimal point of @digits ("-1234.5") by thousands with
 * the locale's separator, or a comma where the locale has none (the C locale), as
 * tg_money_format() groups amounts.
 */
static char *
group_digits (const char *digits)
{
  const char *separator = localeconv ()->thousands_sep;
  const char *dot = strchr (digits, '.');
  GString *text = g_string_new (NULL);
  const char *p = digits;
  gsize n;

  if (separator == NULL || *separator == '\0')
    separator = ",";

  if (*p == '-')
    g_string_append_c (text, *p++);

  n = dot != NULL ? (gsize)(dot - p) : strlen (p);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (text, separator);
      g_string_append_c (text, p[i]);
    }
  if (dot != NULL)
    g_string_append (text, dot);

  return g_string_free (text, FALSE);
}

/* 1234567 as "1,234,567". */
char *
_tg_format_count (gint64 count)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  return group_digits (digits);
}

/* Micro-units (credits) as a grouped decimal with at most @max_decimals decimals and no
 * trailing zeros: 2494500000 as "2,494.5". Rounds half away from zero.
 */
char *
_tg_format_micros (gint64 micros,
                   guint  max_decimals)
{
  g_autofree char *digits = tg_money_to_decimal (micros, MIN (max_decimals, 6));
  char *dot = strchr (digits, '.');

  if (dot != NULL)
    {
      char *end = dot + strlen (dot);

      while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
      if (end == dot + 1)
        *dot = '\0';
    }

  return group_digits (digits);
}

/* An amount as the story card writes it, "$124.70 AUD"; an amount without a currency
 * (a group that mixes currencies) as a dash.
 */
char *
_tg_format_money (gint64      micros,
                  const char *currency)
{
  if (currency == NULL || !tg_currency_is_valid (currency))
    return g_strdup ("—");

  return tg_money_format (micros, currency);
}

/* An amount that may be a fraction of a cent (the price of one call): in the currency's
 * minor unit when that shows it, else with as many decimals as it needs (up to the
 * micro-unit), "$0.0012 USD", so that a cheap call does not read as free.
 */
char *
_tg_format_money_small (gint64      micros,
                        const char *currency)
{
  g_autofree char *decimal = NULL;
  guint decimals;
  gsize length;

  if (currency == NULL || !tg_currency_is_valid (currency))
    return g_strdup ("—");

  decimals = tg_currency_get_decimals (currency);
  if (micros == 0 || tg_money_round (micros, decimals) != 0)
    return tg_money_format (micros, currency);

  decimal = tg_money_to_decimal (micros < 0 ? -micros : micros, 6);
  length = strlen (decimal);
  while (length > 0 && decimal[length - 1] == '0')
    decimal[--length] = '\0';

  return g_strdup_printf ("%s%s%s %s", micros < 0 ? "-" : "", tg_currency_get_symbol (currency),
                          decimal, currency);
}

/* Figures kept on screen while the database is away: @figures recede (the "stale" style
 * class), @tag shows, its tooltip saying from when they are. */
void
_tg_show_stale (GtkLabel  *tag,
                GtkWidget *figures,
                gboolean   stale,
                GDateTime *updated_at)
{
  gtk_widget_set_visible (GTK_WIDGET (tag), stale);
  if (stale)
    gtk_widget_add_css_class (figures, "stale");
  else
    gtk_widget_remove_css_class (figures, "stale");

  if (stale && updated_at != NULL)
    {
      g_autofree char *time = g_date_time_format (updated_at, "%H:%M");
      g_autofree char *tooltip = NULL;

      /* TRANSLATORS: %s is a time of day */
      tooltip = g_strdup_printf (_("These figures are from %s. Tollgate lost the connection "
                                   "to the database and updates them when it is back."),
                                 time);
      gtk_widget_set_tooltip_text (GTK_WIDGET (tag), tooltip);
    }
}
