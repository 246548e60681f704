/* fuzz-time-zone.c — the billing time zone setting
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The billing zone comes from `tollgatectl settings set billing-timezone`, from the
 * Preferences and from the settings table, and tg_time_zone_new_checked() turns its
 * name into a zone. It must refuse what is not an IANA name (a path, a POSIX rule) and
 * keep the name of what it accepts; every bucket of an accepted zone contains its
 * instant and ends where the next one starts, at instants from 1850 to 2100.
 */

#include "config.h"

#include "tg-fuzz.h"
#include "tg-time-bucket.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

static void
check_instant (GTimeZone *tz,
               gint64     instant)
{
  static const TgBucketSize sizes[] = {
    TG_BUCKET_15MIN, TG_BUCKET_HOUR, TG_BUCKET_DAY, TG_BUCKET_WEEK, TG_BUCKET_MONTH,
  };
  g_autofree char *written = tg_time_bucket_format_start (tz, instant);
  GDate date;

  g_assert_nonnull (written);
  tg_time_bucket_local_date (tz, instant, &date);
  g_assert_true (g_date_valid (&date));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gint64 start = tg_time_bucket_floor (tz, sizes[i], instant);
      gint64 next = tg_time_bucket_next (tz, sizes[i], start);

      g_assert_cmpint (start, <=, instant);
      g_assert_cmpint (instant, <, next);
      g_assert_cmpint (tg_time_bucket_floor (tz, sizes[i], next), ==, next);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* 1850, 1900, 1970, the starts of summer time in Europe and in Sydney in 2026, both
   * sides of 2038-01-19, the end of 2099.
   */
  static const gint64 instants[] = {
    G_GINT64_CONSTANT (-3786825600), G_GINT64_CONSTANT (-2208988800), 0,
    G_GINT64_CONSTANT (1774746000), G_GINT64_CONSTANT (1791043200),
    G_GINT64_CONSTANT (2147483647), G_GINT64_CONSTANT (2147483648),
    G_GINT64_CONSTANT (4102444799),
  };
  g_autofree char *name = tg_fuzz_dup_string (data, size);
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GError) error = NULL;

  if (name == NULL)
    return 0;

  tz = tg_time_zone_new_checked (name, &error);
  if (tz == NULL)
    {
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_UNKNOWN_ZONE);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, name);
  g_assert_true (g_ascii_isalpha (name[0]));

  for (guint i = 0; i < G_N_ELEMENTS (instants); i++)
    check_instant (tz, instants[i]);

  return 0;
}
