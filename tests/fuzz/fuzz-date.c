/* fuzz-date.c — calendar dates and months as a command line or a setting writes them
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_time_bucket_parse_date() and tg_time_bucket_parse_month() read `--from`, `--to`,
 * `--month` and `--end`. Whatever they accept must be the day the text names, and must
 * be a day the bucket functions can work with in any zone: a date the parser lets
 * through and the bucket code then refuses is a command that fails with a critical.
 * An input of two dates, "FROM TO", is also a range as tollgatectl asks for one: its
 * weeks and months, or an error that says why not, within the cap on buckets.
 */

#include "config.h"

#include "tg-fuzz.h"
#include "tg-time-bucket.h"

/* The extremes of the offsets there are (+14, −12), a half-hour zone with a half-hour
 * summer shift, and a zone that skipped a whole day.
 */
static const char * const zone_names[] = {
  "UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Australia/Lord_Howe", "Pacific/Apia",
};
static GTimeZone *zones[G_N_ELEMENTS (zone_names)];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();

  for (guint i = 0; i < G_N_ELEMENTS (zone_names); i++)
    {
      g_autoptr(GError) error = NULL;

      zones[i] = tg_time_zone_new_checked (zone_names[i], &error);
      g_assert_no_error (error);
    }

  return 0;
}

/* Buckets of a one-day range: ascending, each ending where the next begins; none of 15
 * minutes, an hour or a day when the zone skipped the day (Samoa's 2011-12-30), and so
 * a caller must not count on a first or last one.
 */
static void
check_day (GTimeZone   *tz,
           const GDate *date)
{
  static const TgBucketSize sizes[] = {
    TG_BUCKET_15MIN, TG_BUCKET_HOUR, TG_BUCKET_DAY, TG_BUCKET_WEEK, TG_BUCKET_MONTH,
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) starts = tg_time_bucket_range (tz, sizes[i], date, date, &error);

      g_assert_no_error (error);
      g_assert_nonnull (starts);
      if (sizes[i] == TG_BUCKET_WEEK || sizes[i] == TG_BUCKET_MONTH)
        g_assert_cmpuint (starts->len, >, 0);
      for (guint j = 0; j < starts->len; j++)
        {
          gint64 start = g_array_index (starts, gint64, j);
          gint64 next = tg_time_bucket_next (tz, sizes[i], start);

          g_assert_cmpint (next, >, start);
          if (j + 1 < starts->len)
            g_assert_cmpint (next, ==, g_array_index (starts, gint64, j + 1));
        }
    }
}

static void
check_date (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  GDate date;

  if (!tg_time_bucket_parse_date (text, &date, &error))
    {
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (g_date_valid (&date));

  /* Exactly "YYYY-MM-DD": the text is the date's own spelling. */
  written = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date),
                             g_date_get_month (&date), g_date_get_day (&date));
  g_assert_cmpstr (written, ==, text);

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    check_day (zones[i], &date);
}

static void
check_month (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  GDate first_day;

  if (!tg_time_bucket_parse_month (text, &first_day, &error))
    {
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_MONTH);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (g_date_valid (&first_day));
  g_assert_cmpuint (g_date_get_day (&first_day), ==, 1);

  written = g_strdup_printf ("%04u-%02u", g_date_get_year (&first_day),
                             g_date_get_month (&first_day));
  g_assert_cmpstr (written, ==, text);

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      gint64 start = 0;
      gint64 end = 0;

      g_assert_true (tg_time_bucket_month_bounds (zones[i], text, &start, &end, &error));
      g_assert_no_error (error);
      g_assert_cmpint (start, <, end);
      g_assert_cmpint (start, ==, tg_time_bucket_day_start (zones[i], &first_day));
    }
}

/* Weeks and months only: a range of days or finer may hold up to the cap of 100,000
 * buckets, which would make each input take long.
 */
static void
check_range (const char *from,
             const char *to)
{
  static const TgBucketSize sizes[] = { TG_BUCKET_WEEK, TG_BUCKET_MONTH };

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) starts = NULL;

        starts = tg_time_bucket_range_parse (zones[z], sizes[i], from, to, &error);
        if (starts == NULL)
          {
            g_assert_nonnull (error);
            g_assert_true (error->domain == TG_TIME_BUCKET_ERROR);
            continue;
          }
        g_assert_no_error (error);
        g_assert_cmpuint (starts->len, >, 0);
        g_assert_cmpuint (starts->len, <=, TG_TIME_BUCKET_MAX_BUCKETS);
        for (guint j = 1; j < starts->len; j++)
          g_assert_cmpint (g_array_index (starts, gint64, j - 1), <,
                           g_array_index (starts, gint64, j));
      }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = tg_fuzz_dup_string (data, size);
  g_auto(GStrv) dates = NULL;

  if (text == NULL)
    return 0;

  check_date (text);
  check_month (text);

  if (tg_fuzz_split (text, ' ', &dates) == 2)
    check_range (dates[0], dates[1]);
  return 0;
}
