/* fuzz-forecast-scope.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_forecast_scope_parse() (tollgatectl forecast --scope): what it accepts writes back as
 * itself through tg_forecast_scope_to_string(), with a name of valid UTF-8 without
 * control characters; what it refuses comes with an error.
 */

#include "config.h"

#include <string.h>

#include "tg-forecast.h"
#include "tg-fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = tg_fuzz_dup_string (data, size);
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  TgForecastScopeKind kind;

  if (text == NULL)
    return 0;

  if (tg_forecast_scope_parse (text, &kind, &name, &error))
    {
      g_autofree char *again = tg_forecast_scope_to_string (kind, name);

      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, text);
      g_assert_true (kind == TG_FORECAST_SCOPE_OVERALL || (name != NULL && *name != '\0'));
      if (name != NULL)
        {
          g_assert_true (g_utf8_validate (name, -1, NULL));
          for (const char *p = name; *p != '\0'; p++)
            g_assert_true ((guchar)*p >= 0x20 && *p != 0x7f);
        }
    }
  else
    g_assert_error (error, TG_FORECAST_ERROR, TG_FORECAST_ERROR_INVALID_SCOPE);

  return 0;
}
