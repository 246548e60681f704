/* test-time-bucket.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-time-bucket.h"

#define HOUR 3600
#define DAY (24 * HOUR)

/* Every zone the tests use; bucket starts in all of them must fall on the rollups' grain. */
static const char * const zones[] = {
  "UTC",
  "Australia/Sydney",
  "Australia/Adelaide",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Asia/Kolkata",
  "America/New_York",
  "America/Santiago",
  "America/Sao_Paulo",
  "America/St_Johns",
  "Asia/Beirut",
  "Europe/London",
  "Pacific/Chatham",
  "Pacific/Apia",
};

static GTimeZone *
zone (const char *name)
{
  g_autoptr(GError) error = NULL;
  GTimeZone *tz = tg_time_zone_new_checked (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tz);
  return tz;
}

static void
parse_date (const char *text,
            GDate      *date)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tg_time_bucket_parse_date (text, date, &error));
  g_assert_no_error (error);
}

static GArray *
range_of_day (GTimeZone    *tz,
              TgBucketSize  size,
              const char   *day)
{
  g_autoptr(GError) error = NULL;
  GArray *starts = tg_time_bucket_range_parse (tz, size, day, day, &error);

  g_assert_no_error (error);
  g_assert_nonnull (starts);
  return starts;
}

static gboolean
contains_start (GTimeZone  *tz,
                GArray     *starts,
                const char *text)
{
  for (guint i = 0; i < starts->len; i++)
    {
      gint64 start = g_array_index (starts, gint64, i);
      g_autofree char *formatted = tg_time_bucket_format_start (tz, start);

      if (g_str_equal (formatted, text))
        return TRUE;
    }
  return FALSE;
}

/* What every list of buckets must satisfy: ascending, contiguous, each its own floor, on
 * the 15-minute UTC grain.
 */
static void
assert_buckets_consistent (GTimeZone    *tz,
                           TgBucketSize  size,
                           GArray       *starts,
                           gint64        end)
{
  for (guint i = 0; i < starts->len; i++)
    {
      gint64 start = g_array_index (starts, gint64, i);
      gint64 next = tg_time_bucket_next (tz, size, start);

      g_assert_cmpint (start % 900, ==, 0);
      g_assert_cmpint (tg_time_bucket_floor (tz, size, start), ==, start);
      g_assert_cmpint (tg_time_bucket_floor (tz, size, next - 1), ==, start);
      g_assert_cmpint (next, >, start);
      if (i + 1 < starts->len)
        g_assert_cmpint (next, ==, g_array_index (starts, gint64, i + 1));
      else
        g_assert_cmpint (next, >=, end);
    }
}

typedef struct
{
  const char *zone;
  const char *day;
  const char *start;      /* formatted first instant of the day */
  gint64      length;     /* seconds */
  guint       n_hours;
  guint       n_quarters;
} DayCase;

static const DayCase day_cases[] = {
  { "UTC", "2026-06-01", "2026-06-01T00:00:00+00:00", 24 * HOUR, 24, 96 },
  /* Sydney: 02:00 → 03:00 on the first Sunday of October, 03:00 → 02:00 in April. */
  { "Australia/Sydney", "2026-10-04", "2026-10-04T00:00:00+10:00", 23 * HOUR, 23, 92 },
  { "Australia/Sydney", "2026-04-05", "2026-04-05T00:00:00+11:00", 25 * HOUR, 25, 100 },
  { "Australia/Sydney", "2026-07-01", "2026-07-01T00:00:00+10:00", 24 * HOUR, 24, 96 },
  { "America/New_York", "2026-03-08", "2026-03-08T00:00:00-05:00", 23 * HOUR, 23, 92 },
  { "America/New_York", "2026-11-01", "2026-11-01T00:00:00-04:00", 25 * HOUR, 25, 100 },
  { "Australia/Adelaide", "2026-10-04", "2026-10-04T00:00:00+09:30", 23 * HOUR, 23, 92 },
  { "Australia/Adelaide", "2026-04-05", "2026-04-05T00:00:00+10:30", 25 * HOUR, 25, 100 },
  { "Australia/Adelaide", "2026-01-15", "2026-01-15T00:00:00+10:30", 24 * HOUR, 24, 96 },
  { "Asia/Kathmandu", "2026-06-01", "2026-06-01T00:00:00+05:45", 24 * HOUR, 24, 96 },
  { "Asia/Kolkata", "2026-06-01", "2026-06-01T00:00:00+05:30", 24 * HOUR, 24, 96 },
  /* Lord Howe shifts by 30 minutes: one hour bucket is half an hour long. */
  { "Australia/Lord_Howe", "2026-10-04", "2026-10-04T00:00:00+10:30", 23 * HOUR + 1800, 24, 94 },
  { "Australia/Lord_Howe", "2026-04-05", "2026-04-05T00:00:00+11:00", 24 * HOUR + 1800, 25, 98 },
  /* Chatham changes at 02:45 standard time: 02:00 … 02:45 and 03:45 … 04:00 are buckets. */
  { "Pacific/Chatham", "2026-09-27", "2026-09-27T00:00:00+12:45", 23 * HOUR, 24, 92 },
  { "America/St_Johns", "2026-11-01", "2026-11-01T00:00:00-02:30", 25 * HOUR, 25, 100 },
  /* Chile skips midnight in September: the day starts at 01:00. In April the clocks go
   * from 24:00 back to 23:00, so the Saturday has 25 hours and Sunday starts at the
   * only midnight it has.
   */
  { "America/Santiago", "2026-09-06", "2026-09-06T01:00:00-03:00", 23 * HOUR, 23, 92 },
  { "America/Santiago", "2026-04-04", "2026-04-04T00:00:00-03:00", 25 * HOUR, 25, 100 },
  { "America/Santiago", "2026-04-05", "2026-04-05T00:00:00-04:00", 24 * HOUR, 24, 96 },
  { "America/Sao_Paulo", "2018-11-04", "2018-11-04T01:00:00-02:00", 23 * HOUR, 23, 92 },
  { "America/Sao_Paulo", "2018-02-17", "2018-02-17T00:00:00-02:00", 25 * HOUR, 25, 100 },
  { "Asia/Beirut", "2010-03-28", "2010-03-28T01:00:00+03:00", 23 * HOUR, 23, 92 },
};

static void
test_day (gconstpointer data)
{
  const DayCase *c = data;
  g_autoptr(GTimeZone) tz = zone (c->zone);
  g_autoptr(GArray) days = range_of_day (tz, TG_BUCKET_DAY, c->day);
  g_autoptr(GArray) hours = range_of_day (tz, TG_BUCKET_HOUR, c->day);
  g_autoptr(GArray) quarters = range_of_day (tz, TG_BUCKET_15MIN, c->day);
  g_autofree char *formatted = NULL;
  GDate date;
  GDate local;
  gint64 start;
  gint64 end;

  parse_date (c->day, &date);
  start = tg_time_bucket_day_start (tz, &date);
  g_date_add_days (&date, 1);
  end = tg_time_bucket_day_start (tz, &date);

  formatted = tg_time_bucket_format_start (tz, start);
  g_assert_cmpstr (formatted, ==, c->start);
  g_assert_cmpint (end - start, ==, c->length);

  /* The day's first and last instants are on that local date. */
  tg_time_bucket_local_date (tz, start, &local);
  g_date_subtract_days (&date, 1);
  g_assert_cmpint (g_date_compare (&local, &date), ==, 0);
  tg_time_bucket_local_date (tz, end - 1, &local);
  g_assert_cmpint (g_date_compare (&local, &date), ==, 0);

  g_assert_cmpuint (days->len, ==, 1);
  g_assert_cmpint (g_array_index (days, gint64, 0), ==, start);
  g_assert_cmpint (tg_time_bucket_next (tz, TG_BUCKET_DAY, start), ==, end);

  g_assert_cmpuint (hours->len, ==, c->n_hours);
  g_assert_cmpuint (quarters->len, ==, c->n_quarters);
  g_assert_cmpint (g_array_index (hours, gint64, 0), ==, start);
  g_assert_cmpint (g_array_index (quarters, gint64, 0), ==, start);

  assert_buckets_consistent (tz, TG_BUCKET_DAY, days, end);
  assert_buckets_consistent (tz, TG_BUCKET_HOUR, hours, end);
  assert_buckets_consistent (tz, TG_BUCKET_15MIN, quarters, end);
  g_assert_cmpint (tg_time_bucket_next (tz, TG_BUCKET_HOUR,
                                        g_array_index (hours, gint64, hours->len - 1)), ==, end);
  g_assert_cmpint (tg_time_bucket_next (tz, TG_BUCKET_15MIN,
                                        g_array_index (quarters, gint64, quarters->len - 1)),
                   ==, end);
}

/* Hour buckets start on the local hour, whatever the offset, or at a change of offset
 * that is not on the hour (Chatham's 02:45).
 */
static void
test_hour_alignment (void)
{
  static const struct { const char *zone; gint64 utc_phase; } cases[] = {
    { "UTC", 0 },
    { "Asia/Kathmandu", 15 * 60 },      /* +05:45: hours start at :15 UTC */
    { "Asia/Kolkata", 30 * 60 },
    { "Australia/Adelaide", 30 * 60 },
    { "Pacific/Chatham", 15 * 60 },     /* +12:45 / +13:45 */
    { "America/St_Johns", 30 * 60 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GTimeZone) tz = zone (cases[i].zone);
      g_autoptr(GArray) hours = NULL;
      g_autoptr(GError) error = NULL;

      hours = tg_time_bucket_range_parse (tz, TG_BUCKET_HOUR, "2026-01-01", "2026-12-31", &error);
      g_assert_no_error (error);
      for (guint j = 0; j < hours->len; j++)
        {
          gint64 start = g_array_index (hours, gint64, j);

          if (start % HOUR != cases[i].utc_phase)
            g_assert_cmpint (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, start - 1),
                             !=,
                             g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, start));
        }
    }
}

/* Adelaide's days start at 14:30 UTC in winter and 13:30 UTC in summer. */
static void
test_adelaide_days (void)
{
  g_autoptr(GTimeZone) tz = zone ("Australia/Adelaide");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = NULL;
  guint winter = 0;
  guint summer = 0;

  days = tg_time_bucket_range_parse (tz, TG_BUCKET_DAY, "2026-01-01", "2026-12-31", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 365);

  for (guint i = 0; i < days->len; i++)
    {
      gint64 time_of_day = g_array_index (days, gint64, i) % DAY;

      if (time_of_day == 14 * HOUR + 1800)
        winter++;
      else if (time_of_day == 13 * HOUR + 1800)
        summer++;
      else
        g_assert_not_reached ();
    }

  /* Midnight is in standard time from 6 April to 4 October inclusive. */
  g_assert_cmpuint (winter, ==, 182);
  g_assert_cmpuint (summer, ==, 365 - 182);
}

/* Around a change the repeated hour is two buckets, the skipped hour none. */
static void
test_dst_hours (void)
{
  g_autoptr(GTimeZone) sydney = zone ("Australia/Sydney");
  g_autoptr(GTimeZone) new_york = zone ("America/New_York");
  g_autoptr(GTimeZone) lord_howe = zone ("Australia/Lord_Howe");
  g_autoptr(GArray) hours = NULL;
  gint64 start;

  hours = range_of_day (sydney, TG_BUCKET_HOUR, "2026-04-05");
  g_assert_true (contains_start (sydney, hours, "2026-04-05T02:00:00+11:00"));
  g_assert_true (contains_start (sydney, hours, "2026-04-05T02:00:00+10:00"));
  g_assert_true (contains_start (sydney, hours, "2026-04-05T03:00:00+10:00"));
  g_clear_pointer (&hours, g_array_unref);

  hours = range_of_day (sydney, TG_BUCKET_HOUR, "2026-10-04");
  g_assert_true (contains_start (sydney, hours, "2026-10-04T01:00:00+10:00"));
  g_assert_false (contains_start (sydney, hours, "2026-10-04T02:00:00+10:00"));
  g_assert_false (contains_start (sydney, hours, "2026-10-04T02:00:00+11:00"));
  g_assert_true (contains_start (sydney, hours, "2026-10-04T03:00:00+11:00"));
  g_clear_pointer (&hours, g_array_unref);

  hours = range_of_day (new_york, TG_BUCKET_HOUR, "2026-11-01");
  g_assert_true (contains_start (new_york, hours, "2026-11-01T01:00:00-04:00"));
  g_assert_true (contains_start (new_york, hours, "2026-11-01T01:00:00-05:00"));
  g_clear_pointer (&hours, g_array_unref);

  hours = range_of_day (new_york, TG_BUCKET_HOUR, "2026-03-08");
  g_assert_false (contains_start (new_york, hours, "2026-03-08T02:00:00-05:00"));
  g_assert_true (contains_start (new_york, hours, "2026-03-08T03:00:00-04:00"));
  g_clear_pointer (&hours, g_array_unref);

  /* Lord Howe, spring: 02:00 +10:30 becomes 02:30 +11:00, leaving half of the 2 o'clock
   * hour, a bucket of 30 minutes.
   */
  hours = range_of_day (lord_howe, TG_BUCKET_HOUR, "2026-10-04");
  g_assert_true (contains_start (lord_howe, hours, "2026-10-04T01:00:00+10:30"));
  g_assert_true (contains_start (lord_howe, hours, "2026-10-04T02:30:00+11:00"));
  g_assert_true (contains_start (lord_howe, hours, "2026-10-04T03:00:00+11:00"));
  start = g_array_index (hours, gint64, 2);
  g_assert_cmpint (tg_time_bucket_next (lord_howe, TG_BUCKET_HOUR, start) - start, ==, 1800);
  g_clear_pointer (&hours, g_array_unref);

  /* Autumn: 02:00 +11:00 becomes 01:30 +10:30; the second 01:30 … 02:00 is its own bucket. */
  hours = range_of_day (lord_howe, TG_BUCKET_HOUR, "2026-04-05");
  g_assert_true (contains_start (lord_howe, hours, "2026-04-05T01:00:00+11:00"));
  g_assert_true (contains_start (lord_howe, hours, "2026-04-05T01:30:00+10:30"));
  g_assert_true (contains_start (lord_howe, hours, "2026-04-05T02:00:00+10:30"));
  start = g_array_index (hours, gint64, 1);
  g_assert_cmpint (tg_time_bucket_next (lord_howe, TG_BUCKET_HOUR, start) - start, ==, HOUR);
  start = g_array_index (hours, gint64, 2);
  g_assert_cmpint (tg_time_bucket_next (lord_howe, TG_BUCKET_HOUR, start) - start, ==, 1800);
}

/* Samoa moved across the date line and skipped 2011-12-30: the day has no bucket. */
static void
test_skipped_day (void)
{
  g_autoptr(GTimeZone) tz = zone ("Pacific/Apia");
  g_autoptr(GArray) days = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  days = tg_time_bucket_range_parse (tz, TG_BUCKET_DAY, "2011-12-29", "2011-12-31", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 2);

  first = tg_time_bucket_format_start (tz, g_array_index (days, gint64, 0));
  second = tg_time_bucket_format_start (tz, g_array_index (days, gint64, 1));
  g_assert_cmpstr (first, ==, "2011-12-29T00:00:00-10:00");
  g_assert_cmpstr (second, ==, "2011-12-31T00:00:00+14:00");
  g_assert_cmpint (g_array_index (days, gint64, 1) - g_array_index (days, gint64, 0), ==, DAY);
  assert_buckets_consistent (tz, TG_BUCKET_DAY, days, g_array_index (days, gint64, 1) + DAY);
}

typedef struct
{
  const char  *zone;
  TgBucketSize size;
  const char  *from;
  const char  *to;
  guint        n_buckets;
  const char  *first;
  const char  *last;
  gint64       first_length;
} RangeCase;

static const RangeCase range_cases[] = {
  /* ISO weeks start on Monday; 2026-01-01 is a Thursday in the week of 2025-12-29. */
  { "Australia/Sydney", TG_BUCKET_WEEK, "2025-12-25", "2026-01-06", 3,
    "2025-12-22T00:00:00+11:00", "2026-01-05T00:00:00+11:00", 7 * DAY },
  { "UTC", TG_BUCKET_WEEK, "2026-01-01", "2026-01-01", 1,
    "2025-12-29T00:00:00+00:00", "2025-12-29T00:00:00+00:00", 7 * DAY },
  { "UTC", TG_BUCKET_WEEK, "2027-01-03", "2027-01-04", 2,
    "2026-12-28T00:00:00+00:00", "2027-01-04T00:00:00+00:00", 7 * DAY },
  /* The week of a DST start is an hour short. */
  { "Australia/Sydney", TG_BUCKET_WEEK, "2026-10-04", "2026-10-05", 2,
    "2026-09-28T00:00:00+10:00", "2026-10-05T00:00:00+11:00", 7 * DAY - HOUR },
  /* February of leap years. */
  { "Australia/Sydney", TG_BUCKET_MONTH, "2028-02-10", "2028-03-01", 2,
    "2028-02-01T00:00:00+11:00", "2028-03-01T00:00:00+11:00", 29 * DAY },
  { "UTC", TG_BUCKET_MONTH, "2024-02-29", "2024-02-29", 1,
    "2024-02-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00", 29 * DAY },
  { "America/New_York", TG_BUCKET_MONTH, "2026-01-01", "2026-12-31", 12,
    "2026-01-01T00:00:00-05:00", "2026-12-01T00:00:00-05:00", 31 * DAY },
  { "America/New_York", TG_BUCKET_MONTH, "2026-03-31", "2026-03-31", 1,
    "2026-03-01T00:00:00-05:00", "2026-03-01T00:00:00-05:00", 31 * DAY - HOUR },
  { "Australia/Lord_Howe", TG_BUCKET_MONTH, "2026-04-01", "2026-04-30", 1,
    "2026-04-01T00:00:00+11:00", "2026-04-01T00:00:00+11:00", 30 * DAY + 1800 },
  { "Asia/Kathmandu", TG_BUCKET_DAY, "2026-02-27", "2026-03-02", 4,
    "2026-02-27T00:00:00+05:45", "2026-03-02T00:00:00+05:45", DAY },
  { "Australia/Adelaide", TG_BUCKET_15MIN, "2026-10-03", "2026-10-04", 96 + 92,
    "2026-10-03T00:00:00+09:30", "2026-10-04T23:45:00+10:30", 900 },
  { "Australia/Sydney", TG_BUCKET_HOUR, "2026-04-04", "2026-04-06", 24 + 25 + 24,
    "2026-04-04T00:00:00+11:00", "2026-04-06T23:00:00+10:00", HOUR },
};

static void
test_range (gconstpointer data)
{
  const RangeCase *c = data;
  g_autoptr(GTimeZone) tz = zone (c->zone);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) starts = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  GDate to;
  gint64 end;

  starts = tg_time_bucket_range_parse (tz, c->size, c->from, c->to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (starts->len, ==, c->n_buckets);

  first = tg_time_bucket_format_start (tz, g_array_index (starts, gint64, 0));
  last = tg_time_bucket_format_start (tz, g_array_index (starts, gint64, starts->len - 1));
  g_assert_cmpstr (first, ==, c->first);
  g_assert_cmpstr (last, ==, c->last);
  g_assert_cmpint (tg_time_bucket_next (tz, c->size, g_array_index (starts, gint64, 0)) -
                   g_array_index (starts, gint64, 0), ==, c->first_length);

  parse_date (c->to, &to);
  g_date_add_days (&to, 1);
  end = tg_time_bucket_day_start (tz, &to);
  assert_buckets_consistent (tz, c->size, starts, end);
}

static void
test_range_errors (void)
{
  g_autoptr(GTimeZone) tz = zone ("UTC");
  g_autoptr(GError) error = NULL;
  GArray *starts;

  starts = tg_time_bucket_range_parse (tz, TG_BUCKET_DAY, "2026-02-02", "2026-02-01", &error);
  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_RANGE);
  g_clear_error (&error);

  starts = tg_time_bucket_range_parse (tz, TG_BUCKET_DAY, "2026-02-30", "2026-03-01", &error);
  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
}

/* Ranges at and beyond the edges of the supported dates, and ranges of more buckets than
 * a request may have: each is refused with an error that says why, never with a warning,
 * an endless loop or memory without end; the widest the cap allows still works.
 */
typedef struct
{
  const char   *zone;
  TgBucketSize  size;
  const char   *from;
  const char   *to;
  guint         n_buckets;    /* 0: refused */
  int           code;
  const char   *message;
} EdgeCase;

static const EdgeCase edge_cases[] = {
  { "UTC", TG_BUCKET_DAY, "0001-01-01", "0001-01-02", 0, TG_TIME_BUCKET_ERROR_INVALID_DATE,
    "1970-01-01 to 2199-12-31" },
  { "UTC", TG_BUCKET_DAY, "9999-12-30", "9999-12-31", 0, TG_TIME_BUCKET_ERROR_INVALID_DATE,
    "1970-01-01 to 2199-12-31" },
  { "Etc/GMT+12", TG_BUCKET_MONTH, "9999-11-01", "9999-12-31", 0,
    TG_TIME_BUCKET_ERROR_INVALID_DATE, "1970-01-01 to 2199-12-31" },
  { "UTC", TG_BUCKET_15MIN, "0002-01-01", "9999-12-29", 0, TG_TIME_BUCKET_ERROR_INVALID_DATE,
    "1970-01-01 to 2199-12-31" },
  { "UTC", TG_BUCKET_15MIN, "1970-01-01", "2199-12-31", 0,
    TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS, "ask for a larger bucket or a shorter range" },
  { "Australia/Lord_Howe", TG_BUCKET_15MIN, "2026-01-01", "2028-12-31", 0,
    TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS, "more than the 100,000 one request may have" },
  { "UTC", TG_BUCKET_HOUR, "2000-01-01", "2020-12-31", 0,
    TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS, "hour buckets" },
  { "UTC", TG_BUCKET_DAY, "2026-02-02", "2026-02-01", 0, TG_TIME_BUCKET_ERROR_INVALID_RANGE,
    "before it begins" },
  /* A leap year of quarter hours, the finest real use, is within the cap. */
  { "UTC", TG_BUCKET_15MIN, "2028-01-01", "2028-12-31", 35136, 0, NULL },
  { "Etc/GMT-14", TG_BUCKET_DAY, "1970-01-01", "2199-12-31", 84006, 0, NULL },
  { "Etc/GMT+12", TG_BUCKET_WEEK, "1970-01-01", "2199-12-31", 12002, 0, NULL },
  { "Pacific/Chatham", TG_BUCKET_MONTH, "1970-01-01", "2199-12-31", 2760, 0, NULL },
};

static void
test_range_edges (gconstpointer data)
{
  const EdgeCase *c = data;
  g_autoptr(GTimeZone) tz = zone (c->zone);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) starts = NULL;

  starts = tg_time_bucket_range_parse (tz, c->size, c->from, c->to, &error);
  if (c->n_buckets > 0)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (starts->len, ==, c->n_buckets);
      return;
    }

  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, c->code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, c->message) == NULL)
    g_error ("%s to %s was refused with “%s”, which does not say “%s”", c->from, c->to,
             error->message, c->message);
}

/* The same from days a program computed rather than parsed: the supported dates and the
 * order of the days are checked there too.
 */
static void
test_range_days (void)
{
  g_autoptr(GTimeZone) tz = zone ("UTC");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) starts = NULL;
  GDate from;
  GDate to;

  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&from, 1, G_DATE_JANUARY, 1);
  g_date_set_dmy (&to, 2, G_DATE_JANUARY, 1);
  starts = tg_time_bucket_range (tz, TG_BUCKET_DAY, &from, &to, &error);
  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
  g_assert_nonnull (strstr (error->message, "0001-01-01 is outside the supported dates"));
  g_clear_error (&error);

  g_date_set_dmy (&from, 31, G_DATE_DECEMBER, 9999);
  g_date_set_dmy (&to, 31, G_DATE_DECEMBER, 9999);
  starts = tg_time_bucket_range (tz, TG_BUCKET_MONTH, &from, &to, &error);
  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
  g_clear_error (&error);

  g_date_set_dmy (&from, 2, G_DATE_MARCH, 2026);
  g_date_set_dmy (&to, 1, G_DATE_MARCH, 2026);
  starts = tg_time_bucket_range (tz, TG_BUCKET_HOUR, &from, &to, &error);
  g_assert_null (starts);
  g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_RANGE);
  g_clear_error (&error);

  g_date_set_dmy (&from, 1, G_DATE_MARCH, 2026);
  g_date_set_dmy (&to, 31, G_DATE_MARCH, 2026);
  starts = tg_time_bucket_range (tz, TG_BUCKET_HOUR, &from, &to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (starts->len, ==, 31 * 24);
}

typedef struct
{
  const char *text;
  gboolean    valid;
} DateCase;

static const DateCase date_cases[] = {
  { "2026-10-04", TRUE },
  { "2028-02-29", TRUE },
  { "2026-02-29", FALSE },
  { "2026-13-01", FALSE },
  { "2026-00-10", FALSE },
  { "2026-1-04", FALSE },
  { "2026/10/04", FALSE },
  { "2026-10-04T00:00", FALSE },
  { " 2026-10-04", FALSE },
  { "0000-01-01", FALSE },
  { "", FALSE },
  { NULL, FALSE },
};

static void
test_parse_date (gconstpointer data)
{
  const DateCase *c = data;
  g_autoptr(GError) error = NULL;
  GDate date;

  if (c->valid)
    {
      g_assert_true (tg_time_bucket_parse_date (c->text, &date, &error));
      g_assert_no_error (error);
      g_assert_true (g_date_valid (&date));
    }
  else
    {
      g_assert_false (tg_time_bucket_parse_date (c->text, &date, &error));
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
    }
}

/* Dates and months come through one parser: what each refusal says, so that a user can
 * tell a wrong form from a day the calendar does not have.
 */
typedef struct
{
  const char *text;
  gboolean    month;      /* parse as YYYY-MM */
  const char *parsed;     /* the first day as YYYY-MM-DD; NULL: refused */
  const char *message;    /* in the refusal */
} CalendarCase;

static const CalendarCase calendar_cases[] = {
  { "2026-10-04", FALSE, "2026-10-04", NULL },
  { "1970-01-01", FALSE, "1970-01-01", NULL },
  { "2199-12-31", FALSE, "2199-12-31", NULL },
  { "0001-01-01", FALSE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "1969-12-31", FALSE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "2200-01-01", FALSE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "9999-12-31", FALSE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "1970-01", TRUE, "1970-01-01", NULL },
  { "2199-12", TRUE, "2199-12-01", NULL },
  { "1969-12", TRUE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "9999-12", TRUE, NULL, "outside the supported dates, 1970-01-01 to 2199-12-31" },
  { "2026-10", TRUE, "2026-10-01", NULL },
  { "2028-02", TRUE, "2028-02-01", NULL },
  { "31/03/2025", FALSE, NULL, "write it as YYYY-MM-DD" },
  { "2026-10-4", FALSE, NULL, "write it as YYYY-MM-DD" },
  { "2026-10-04 ", FALSE, NULL, "write it as YYYY-MM-DD" },
  { "2026-10", FALSE, NULL, "write it as YYYY-MM-DD" },
  { "2026-13-01", FALSE, NULL, "no month 13" },
  { "2026-02-29", FALSE, NULL, "2026-02 has 28 days" },
  { "2026-04-31", FALSE, NULL, "2026-04 has 30 days" },
  { "2026-04-00", FALSE, NULL, "2026-04 has 30 days" },
  { "0000-06-01", FALSE, NULL, "years start at 0001" },
  { "2026-10-04", TRUE, NULL, "write it as YYYY-MM" },
  { "2026/10", TRUE, NULL, "write it as YYYY-MM" },
  { "2026-00", TRUE, NULL, "no month 00" },
  { "0000-01", TRUE, NULL, "years start at 0001" },
  { NULL, TRUE, NULL, "write it as YYYY-MM" },
};

static void
test_parse_calendar (gconstpointer data)
{
  const CalendarCase *c = data;
  g_autoptr(GError) error = NULL;
  GDate date;
  gboolean ok;

  if (c->month)
    ok = tg_time_bucket_parse_month (c->text, &date, &error);
  else
    ok = tg_time_bucket_parse_date (c->text, &date, &error);

  if (c->parsed != NULL)
    {
      char text[16];

      g_assert_no_error (error);
      g_assert_true (ok);
      g_snprintf (text, sizeof text, "%04u-%02u-%02u", (guint)g_date_get_year (&date),
                  (guint)g_date_get_month (&date), (guint)g_date_get_day (&date));
      g_assert_cmpstr (text, ==, c->parsed);
      return;
    }

  g_assert_false (ok);
  if (c->month)
    g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_MONTH);
  else
    g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE);
  if (strstr (error->message, c->message) == NULL)
    g_error ("“%s” was refused with “%s”, which does not say “%s”",
             c->text, error->message, c->message);
}

typedef struct
{
  const char *zone;
  const char *month;
  const char *start;    /* NULL: refused */
  const char *end;
  gint64      length;
} MonthCase;

static const MonthCase month_cases[] = {
  { "UTC", "2026-01", "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00", 31 * DAY },
  { "UTC", "2028-02", "2028-02-01T00:00:00+00:00", "2028-03-01T00:00:00+00:00", 29 * DAY },
  { "UTC", "2100-02", "2100-02-01T00:00:00+00:00", "2100-03-01T00:00:00+00:00", 28 * DAY },
  { "Australia/Sydney", "2026-10", "2026-10-01T00:00:00+10:00", "2026-11-01T00:00:00+11:00",
    31 * DAY - HOUR },
  { "Australia/Sydney", "2026-12", "2026-12-01T00:00:00+11:00", "2027-01-01T00:00:00+11:00",
    31 * DAY },
  { "Australia/Lord_Howe", "2026-10", "2026-10-01T00:00:00+10:30", "2026-11-01T00:00:00+11:00",
    31 * DAY - 1800 },
  { "America/Santiago", "2026-09", "2026-09-01T00:00:00-04:00", "2026-10-01T00:00:00-03:00",
    30 * DAY - HOUR },
  { "Asia/Kathmandu", "2026-06", "2026-06-01T00:00:00+05:45", "2026-07-01T00:00:00+05:45",
    30 * DAY },
  { "UTC", "2199-12", "2199-12-01T00:00:00+00:00", "2200-01-01T00:00:00+00:00", 31 * DAY },
  { "Etc/GMT-14", "1970-01", "1970-01-01T00:00:00+14:00", "1970-02-01T00:00:00+14:00",
    31 * DAY },
  { "UTC", "9999-12", NULL, NULL, 0 },
  { "Etc/GMT+12", "1969-12", NULL, NULL, 0 },
  { "UTC", "2026-13", NULL, NULL, 0 },
  { "UTC", "2026-00", NULL, NULL, 0 },
  { "UTC", "2026-1", NULL, NULL, 0 },
  { "UTC", "2026-10-01", NULL, NULL, 0 },
  { "UTC", "October", NULL, NULL, 0 },
};

static void
test_month_bounds (gconstpointer data)
{
  const MonthCase *c = data;
  g_autoptr(GTimeZone) tz = zone (c->zone);
  g_autoptr(GError) error = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  gint64 start = -1;
  gint64 end = -1;
  gboolean ok;

  ok = tg_time_bucket_month_bounds (tz, c->month, &start, &end, &error);
  if (c->start == NULL)
    {
      g_assert_false (ok);
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_MONTH);
      g_assert_cmpint (start, ==, -1);
      return;
    }

  g_assert_no_error (error);
  g_assert_true (ok);
  start_text = tg_time_bucket_format_start (tz, start);
  end_text = tg_time_bucket_format_start (tz, end);
  g_assert_cmpstr (start_text, ==, c->start);
  g_assert_cmpstr (end_text, ==, c->end);
  g_assert_cmpint (end - start, ==, c->length);

  /* The month bucket of any instant in it is the same. */
  g_assert_cmpint (tg_time_bucket_floor (tz, TG_BUCKET_MONTH, start), ==, start);
  g_assert_cmpint (tg_time_bucket_floor (tz, TG_BUCKET_MONTH, end - 1), ==, start);
  g_assert_cmpint (tg_time_bucket_next (tz, TG_BUCKET_MONTH, start), ==, end);
}

typedef struct
{
  const char *zone;
  gint64      utc;
  const char *text;
} FormatCase;

static const FormatCase format_cases[] = {
  { "UTC", 0, "1970-01-01T00:00:00+00:00" },
  { "UTC", 1791072000, "2026-10-04T00:00:00+00:00" },
  { "Australia/Lord_Howe", 1791034200, "2026-10-04T00:00:00+10:30" },
  { "Australia/Sydney", 1791036000, "2026-10-04T00:00:00+10:00" },
  { "Australia/Sydney", 1791043200, "2026-10-04T03:00:00+11:00" },
  { "Asia/Kathmandu", 1780252200, "2026-06-01T00:15:00+05:45" },
  { "America/New_York", 1793512800, "2026-11-01T01:00:00-05:00" },
  { "America/St_Johns", 1780281000, "2026-06-01T00:00:00-02:30" },
};

static void
test_format (gconstpointer data)
{
  const FormatCase *c = data;
  g_autoptr(GTimeZone) tz = zone (c->zone);
  g_autofree char *text = tg_time_bucket_format_start (tz, c->utc);

  g_assert_cmpstr (text, ==, c->text);
}

static void
test_local_date (void)
{
  /* Instants before the supported dates have a local day too (the first bucket of a week
   * or a month may begin there), so the days are given as numbers, not parsed.
   */
  static const struct { const char *zone; gint64 utc; guint year, month, day; } cases[] = {
    { "UTC", 0, 1970, 1, 1 },
    { "UTC", -1, 1969, 12, 31 },
    { "Australia/Sydney", 1791035999, 2026, 10, 3 },
    { "Australia/Sydney", 1791036000, 2026, 10, 4 },
    { "Asia/Kathmandu", 1780251299, 2026, 5, 31 },     /* 23:59:59 +05:45 */
    { "Asia/Kathmandu", 1780251300, 2026, 6, 1 },
    { "America/New_York", 1793512800, 2026, 11, 1 },   /* the second 01:00 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GTimeZone) tz = zone (cases[i].zone);
      GDate date;
      GDate expected;

      tg_time_bucket_local_date (tz, cases[i].utc, &date);
      g_date_clear (&expected, 1);
      g_date_set_dmy (&expected, (GDateDay)cases[i].day, (GDateMonth)cases[i].month,
                      (GDateYear)cases[i].year);
      g_assert_cmpint (g_date_compare (&date, &expected), ==, 0);
    }
}

typedef struct
{
  const char *name;
  gboolean    valid;
} ZoneCase;

static const ZoneCase zone_cases[] = {
  { "UTC", TRUE },
  { "Australia/Sydney", TRUE },
  { "America/Argentina/Buenos_Aires", TRUE },
  { "Asia/Kathmandu", TRUE },
  { "Etc/GMT+5", TRUE },
  { "Etc/GMT-14", TRUE },
  { "EST5EDT", TRUE },
  { "", FALSE },
  { "Mars/Olympus_Mons", FALSE },
  { "australia/sydney", FALSE },
  { "Australia", FALSE },
  { "Australia/", FALSE },
  { "ABC5", FALSE },              /* a POSIX TZ rule, not a zone */
  { "UTC+3", FALSE },
  { "+05:30", FALSE },
  { "/etc/localtime", FALSE },
  { "localtime", FALSE },
  { "right/Australia/Sydney", FALSE },
  { "../zoneinfo/UTC", FALSE },
  { "Etc/GMT+123", FALSE },
  { "leapseconds", FALSE },       /* files of the zoneinfo directory that are no zones */
  { "tzdata.zi", FALSE },
  { "zone1970.tab", FALSE },
  { "posixrules", FALSE },
  { "posix/UTC", FALSE },
  { "Australia//Sydney", FALSE },
  { NULL, FALSE },
};

static void
test_zone (gconstpointer data)
{
  const ZoneCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (c->name, &error);

  if (c->valid)
    {
      g_assert_no_error (error);
      g_assert_nonnull (tz);
      g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, c->name);
    }
  else
    {
      g_assert_null (tz);
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_UNKNOWN_ZONE);
      g_assert_nonnull (strstr (error->message, c->name != NULL ? c->name : ""));
    }
}

/* Every file of the zoneinfo directory, zone or not, is looked at without a warning
 * (warnings are fatal here), and one that is no zone is refused.
 */
static void
check_zoneinfo_dir (const char *root,
                    const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir == NULL)
    return;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = *relative != '\0' ? g_strconcat (relative, "/", entry, NULL)
                                                  : g_strdup (entry);
      g_autofree char *file = g_build_filename (root, name, NULL);
      g_autoptr(GTimeZone) tz = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *head = NULL;
      gsize length = 0;

      if (g_file_test (file, G_FILE_TEST_IS_SYMLINK) && *relative == '\0')
        continue;
      if (g_file_test (file, G_FILE_TEST_IS_DIR))
        {
          check_zoneinfo_dir (root, name);
          continue;
        }

      tz = tg_time_zone_new_checked (name, &error);
      if (g_file_get_contents (file, &head, &length, NULL) &&
          (length < 4 || memcmp (head, "TZif", 4) != 0) && tz != NULL)
        g_error ("“%s” is no zone, but was taken for one", name);
    }
}

static void
test_zoneinfo_files (void)
{
  const char *root = "/usr/share/zoneinfo";

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no /usr/share/zoneinfo");
      return;
    }

  check_zoneinfo_dir (root, "");
}

static void
test_size_names (void)
{
  static const char * const names[] = { "15min", "hour", "day", "week", "month" };
  static const char * const refused[] = { "Hour", "1h", "15m", "", "days", NULL };
  TgBucketSize size;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (tg_bucket_size_parse (names[i], &size, &error));
      g_assert_no_error (error);
      g_assert_cmpint (size, ==, i);
      g_assert_cmpstr (tg_bucket_size_to_string (size), ==, names[i]);
    }
  g_assert_cmpint (TG_BUCKET_WEEK, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      size = TG_BUCKET_MONTH;
      g_assert_false (tg_bucket_size_parse (refused[i], &size, &error));
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_SIZE);
      g_assert_cmpint (size, ==, TG_BUCKET_MONTH);
    }
}

static void
check_instant (GTimeZone    *tz,
               TgBucketSize  size,
               gint64        x)
{
  gint64 start = tg_time_bucket_floor (tz, size, x);
  gint64 next = tg_time_bucket_next (tz, size, start);

  if (!(start <= x && x < next &&
        start % 900 == 0 && next % 900 == 0 &&
        tg_time_bucket_floor (tz, size, start) == start &&
        tg_time_bucket_floor (tz, size, next - 1) == start &&
        tg_time_bucket_floor (tz, size, next) == next &&
        tg_time_bucket_next (tz, size, x) == next))
    {
      g_autofree char *x_text = tg_time_bucket_format_start (tz, x);
      g_autofree char *start_text = tg_time_bucket_format_start (tz, start);
      g_autofree char *next_text = tg_time_bucket_format_start (tz, next);

      g_error ("%s %s: %s lies in [%s, %s) which is not a consistent bucket",
               g_time_zone_get_identifier (tz), tg_bucket_size_to_string (size),
               x_text, start_text, next_text);
    }
}

/* floor (next (b) - 1) == floor (x) and friends, over a sweep of instants in every zone:
 * a coarse one across two years and a fine one across the days of a change.
 */
static void
test_sweep (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GTimeZone) tz = zone (name);
  const gint64 from = 1767225600;          /* 2026-01-01T00:00:00Z */
  const gint64 to = 1830297600;            /* 2028-01-01T00:00:00Z */

  for (TgBucketSize size = TG_BUCKET_15MIN; size <= TG_BUCKET_MONTH; size++)
    {
      /* A step that is no multiple of any bucket visits every phase. */
      for (gint64 x = from; x < to; x += 4 * HOUR + 17 * 60 + 13)
        check_instant (tz, size, x);
    }

  for (gint64 x = from; x < to; x += 12 * HOUR)
    {
      /* Near a change of offset, look at every 7 minutes for a day either side. */
      if (g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, x) !=
          g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, x + 12 * HOUR))
        {
          for (gint64 y = x - DAY; y < x + 2 * DAY; y += 7 * 60 + 1)
            for (TgBucketSize size = TG_BUCKET_15MIN; size <= TG_BUCKET_MONTH; size++)
              check_instant (tz, size, y);
        }
    }
}

/* Zones whose history skipped or repeated midnight: buckets stay consistent there too. */
static void
test_sweep_history (void)
{
  static const struct { const char *zone; gint64 from; } cases[] = {
    { "America/Sao_Paulo", 1518825600 },   /* 2018-02-17: 25-hour day ending at 24:00 */
    { "America/Sao_Paulo", 1541203200 },   /* 2018-11-03: midnight skipped */
    { "Asia/Beirut", 1269648000 },         /* 2010-03-27 */
    { "Pacific/Apia", 1325030400 },        /* 2011-12-28: a skipped day */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GTimeZone) tz = zone (cases[i].zone);

      for (gint64 y = cases[i].from; y < cases[i].from + 3 * DAY; y += 7 * 60 + 1)
        for (TgBucketSize size = TG_BUCKET_15MIN; size <= TG_BUCKET_MONTH; size++)
          check_instant (tz, size, y);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (day_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/day/%s/%s",
                                               day_cases[i].zone, day_cases[i].day);

      g_test_add_data_func (path, &day_cases[i], test_day);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/hour-alignment", test_hour_alignment);
  g_test_add_func ("/tollgate/unit/time-bucket/adelaide-days", test_adelaide_days);
  g_test_add_func ("/tollgate/unit/time-bucket/dst-hours", test_dst_hours);
  g_test_add_func ("/tollgate/unit/time-bucket/skipped-day", test_skipped_day);
  for (guint i = 0; i < G_N_ELEMENTS (range_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/range/%u", i);

      g_test_add_data_func (path, &range_cases[i], test_range);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/range-errors", test_range_errors);
  for (guint i = 0; i < G_N_ELEMENTS (edge_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/range-edges/%u", i);

      g_test_add_data_func (path, &edge_cases[i], test_range_edges);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/range-days", test_range_days);
  for (guint i = 0; i < G_N_ELEMENTS (date_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/parse-date/%u", i);

      g_test_add_data_func (path, &date_cases[i], test_parse_date);
    }
  for (guint i = 0; i < G_N_ELEMENTS (calendar_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/parse-calendar/%u", i);

      g_test_add_data_func (path, &calendar_cases[i], test_parse_calendar);
    }
  for (guint i = 0; i < G_N_ELEMENTS (month_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/month-bounds/%u", i);

      g_test_add_data_func (path, &month_cases[i], test_month_bounds);
    }
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/format/%u", i);

      g_test_add_data_func (path, &format_cases[i], test_format);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/local-date", test_local_date);
  for (guint i = 0; i < G_N_ELEMENTS (zone_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/zone/%u", i);

      g_test_add_data_func (path, &zone_cases[i], test_zone);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/zoneinfo-files", test_zoneinfo_files);
  g_test_add_func ("/tollgate/unit/time-bucket/size-names", test_size_names);
  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/time-bucket/sweep/%s", zones[i]);

      g_test_add_data_func (path, zones[i], test_sweep);
    }
  g_test_add_func ("/tollgate/unit/time-bucket/sweep-history", test_sweep_history);

  return g_test_run ();
}
