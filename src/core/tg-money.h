/* tg-money.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is exact: integer micro-units (millionths) of a currency, as PostgreSQL's numeric
 * values with six decimals. Rounding happens only for display.
 */
#define TG_MICROS_PER_UNIT G_GINT64_CONSTANT (1000000)

#define TG_MONEY_ERROR (tg_money_error_quark ())

typedef enum
{
  TG_MONEY_ERROR_INVALID,
  TG_MONEY_ERROR_TOO_PRECISE,
  TG_MONEY_ERROR_OVERFLOW,
} TgMoneyError;

/* An exact sum of decimal amounts with up to 30 decimals (PostgreSQL numeric values such as
 * a rollup's cost: prices with 12 decimals times credits with 6 times rates with 12),
 * rounded to micro-units only when read: adding pieces of a figure in C gives what the
 * server's sum would. Zero-initialise it; amounts may be negative.
 */
typedef struct
{
  /*< private >*/
  gint64   micros;      /* whole micro-units */
  gint64   frac_hi;     /* the next 12 decimals, 0 <= frac_hi < 10^12 */
  gint64   frac_lo;     /* the 12 after those, 0 <= frac_lo < 10^12 */
} TgMoneySum;

GQuark    tg_money_error_quark        (void);
gboolean  tg_money_sum_add_text       (TgMoneySum   *sum,
                                       const char   *text,
                                       GError      **error);
gboolean  tg_money_sum_get_micros     (const TgMoneySum *sum,
                                       gint64       *micros);
gboolean  tg_money_parse              (const char   *text,
                                       gint64       *micros,
                                       GError      **error);
gint64    tg_money_round              (gint64        micros,
                                       guint         decimals);
char     *tg_money_to_decimal         (gint64        micros,
                                       guint         decimals);
char     *tg_money_to_exact           (gint64        micros);
char     *tg_money_format             (gint64        micros,
                                       const char   *currency);
gboolean  tg_money_add                (gint64        a,
                                       gint64        b,
                                       gint64       *sum);
gboolean  tg_currency_is_valid        (const char   *code);
guint     tg_currency_get_decimals    (const char   *code);
const char *tg_currency_get_symbol    (const char   *code);

G_END_DECLS
