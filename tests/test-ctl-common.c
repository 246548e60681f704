/* test-ctl-common.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_ctl_parse_number(), the one reader of tollgatectl's numeric options: what it takes,
 * and what each refusal says. The commands' own refusals are tested by running them
 * (test-simulate, test-ctl-edges).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-ctl-common.h"

static const TgCtlNumberRange rate = { "--rate", 0, 1e4, TRUE, FALSE, "calls a second" };
static const TgCtlNumberRange days = { "--history", 1, 3660, FALSE, TRUE, "days" };
static const TgCtlNumberRange interval = { "--interval", 0.1, 86400, FALSE, FALSE, NULL };

typedef struct
{
  const TgCtlNumberRange *range;
  const char             *text;
  double                  value;     /* NAN: refused */
  const char             *message;   /* in the refusal */
} NumberCase;

static const NumberCase number_cases[] = {
  { &rate, "20", 20, NULL },
  { &rate, "0.5", 0.5, NULL },
  { &rate, ".5", 0.5, NULL },
  { &rate, "1e4", 1e4, NULL },
  { &rate, "+3", 3, NULL },
  { &rate, "0", NAN, "--rate takes a number above 0 and at most 10,000 (calls a second), not “0”" },
  { &rate, "-4", NAN, "not “-4”" },
  { &rate, "10000.5", NAN, "at most 10,000" },
  { &rate, "nan", NAN, "not “nan”" },
  { &rate, "NaN", NAN, "not “NaN”" },
  { &rate, "inf", NAN, "not “inf”" },
  { &rate, "-infinity", NAN, "not “-infinity”" },
  { &rate, "1e999", NAN, "not “1e999”" },
  { &rate, "0x10", NAN, "not “0x10”" },
  { &rate, " 5", NAN, "not “ 5”" },
  { &rate, "5 ", NAN, "not “5 ”" },
  /* A regular expression's "$" also matches before a last newline (tools/fuzz number). */
  { &rate, "5\n", NAN, "not “5\n”" },
  { &rate, ".5\n", NAN, "not “.5\n”" },
  { &rate, "5,5", NAN, "not “5,5”" },
  { &rate, "", NAN, "not “”" },
  { &rate, "e5", NAN, "not “e5”" },
  { &days, "90", 90, NULL },
  { &days, "1", 1, NULL },
  { &days, "3660", 3660, NULL },
  { &days, "1.5", NAN, "--history takes a whole number from 1 to 3,660 (days), not “1.5”" },
  { &days, "0", NAN, "from 1 to 3,660" },
  { &days, "-2147483648", NAN, "from 1 to 3,660" },
  { &days, "99999999999999999999", NAN, "from 1 to 3,660" },
  { &interval, "0.1", 0.1, NULL },
  { &interval, "0.05", NAN, "--interval takes a number from 0.1 to 86,400, not “0.05”" },
};

static void
test_number (gconstpointer data)
{
  const NumberCase *c = data;
  g_autoptr(GError) error = NULL;
  double value = -1;
  gboolean ok;

  ok = tg_ctl_parse_number (c->range, c->text, &value, &error);
  if (!isnan (c->value))
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpfloat (value, ==, c->value);
      return;
    }

  g_assert_false (ok);
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_cmpfloat (value, ==, -1);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” was refused with “%s”, which does not say “%s”", c->text, error->message,
             c->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/ctl-common/number/%u", i);

      g_test_add_data_func (path, &number_cases[i], test_number);
    }

  return g_test_run ();
}
