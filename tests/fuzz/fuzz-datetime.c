/* fuzz-datetime.c — moments on tollgatectl's command line: --as-of, --since, --until
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_ctl_parse_datetime() reads every moment given to tollgatectl. Whatever it accepts is
 * a local time of the supported calendar, and reads back as the same instant from the way
 * Tollgate writes moments (ISO 8601 with the zone's offset, to the microsecond); whatever
 * it refuses comes with a message naming the option. In zones with a half-hour offset and
 * with daylight saving, so that local times in a gap or an overlap are met.
 */

#include "config.h"

#include <string.h>

#include "tg-ctl-common.h"
#include "tg-fuzz.h"
#include "tg-time-bucket.h"

static const char * const zones[] = { "UTC", "Australia/Adelaide", "America/St_Johns" };
static GTimeZone *tzs[G_N_ELEMENTS (zones)];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    tzs[i] = g_time_zone_new_identifier (zones[i]);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = tg_fuzz_dup_string (data, size);

  if (text == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (tzs); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = 0;

      g_assert_nonnull (tzs[i]);
      if (tg_ctl_parse_datetime ("--until", text, tzs[i], &usec, &error))
        {
          g_autofree char *written = tg_time_bucket_format_usec (tzs[i], usec);
          g_autoptr(GError) again_error = NULL;
          gint64 again = 0;
          int year;

          g_assert_no_error (error);
          g_assert_nonnull (written);
          year = (int)g_ascii_strtoll (written, NULL, 10);
          g_assert_cmpint (year, >=, TG_TIME_FIRST_YEAR);
          g_assert_cmpint (year, <=, TG_TIME_LAST_YEAR);
          g_assert_true (tg_ctl_parse_datetime ("--until", written, tzs[i], &again,
                                                &again_error));
          g_assert_no_error (again_error);
          g_assert_cmpint (again, ==, usec);
        }
      else
        {
          g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
          g_assert_true (g_str_has_prefix (error->message, "--until: "));
        }
    }

  return 0;
}
