/* tg-time-bucket.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-format.h"
#include "tg-time-bucket.h"

/* Julian day number (GDate's, 0001-01-01 = 1) of 1970-01-01. */
#define EPOCH_JULIAN G_GINT64_CONSTANT (719163)
#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* 0001-01-02 … 9999-12-30 UTC: whatever the offset, the local day is one GDate and
 * GDateTime can name.
 */
#define MIN_SECONDS G_GINT64_CONSTANT (-62135510400)
#define MAX_SECONDS G_GINT64_CONSTANT (253402214399)

/* Wider than any UTC offset there has been (Manila's local mean time was −15:56). */
#define OFFSET_WINDOW (G_GINT64_CONSTANT (27) * 3600)

/* Offsets are taken to change at most once within this span when looking for a change. */
#define SCAN_STEP (G_GINT64_CONSTANT (3) * 3600)

G_DEFINE_QUARK (tg-time-bucket-error-quark, tg_time_bucket_error)

static const char * const size_names[] = {
  [TG_BUCKET_15MIN] = "15min",
  [TG_BUCKET_HOUR] = "hour",
  [TG_BUCKET_DAY] = "day",
  [TG_BUCKET_WEEK] = "week",
  [TG_BUCKET_MONTH] = "month",
};

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static inline gint64
floor_mod (gint64 a,
           gint64 b)
{
  return a - floor_div (a, b) * b;
}

static inline gint32
offset_at (GTimeZone *tz,
           gint64     utc)
{
  return g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, utc));
}

/* The offset is @offset_lo at @lo and different at @hi: returns the first instant in
 * (@lo, @hi] at which it differs, i.e. the transition.
 */
static gint64
find_offset_change (GTimeZone *tz,
                    gint64     lo,
                    gint64     hi,
                    gint32     offset_lo)
{
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (offset_at (tz, mid) == offset_lo)
        lo = mid;
      else
        hi = mid;
    }

  return hi;
}

/* Wall-clock buckets: the local time floored to @step, at the offset of @utc. When the
 * offset changed since then (the step back would cross a transition), the bucket starts at
 * the transition: after a fall back the repeated local hour is a bucket of its own, and
 * after a shift by less than @step the first bucket is shorter.
 */
static gint64
wall_floor (GTimeZone *tz,
            gint64     utc,
            gint64     step)
{
  gint32 offset = offset_at (tz, utc);
  gint64 start = utc - floor_mod (utc + offset, step);
  gint32 start_offset;

  if (start == utc)
    return utc;

  start_offset = offset_at (tz, start);
  if (start_offset != offset)
    start = find_offset_change (tz, start, utc, start_offset);

  return start;
}

static gint64
wall_next (GTimeZone *tz,
           gint64     utc,
           gint64     step)
{
  gint64 start = wall_floor (tz, utc, step);
  gint32 offset = offset_at (tz, start);
  gint64 end = start - floor_mod (start + offset, step) + step;

  /* A transition inside the bucket ends it early. */
  if (offset_at (tz, end - 1) != offset)
    end = find_offset_change (tz, start, end - 1, offset);

  return end;
}

/* The first instant whose local time is at or after 00:00 of @day (days since 1970-01-01,
 * local): local midnight, or the end of the gap when midnight was skipped. The local time
 * t + offset(t) only rises between transitions, so walk the stretches of constant offset
 * from well before the day and take the first one that reaches midnight.
 */
static gint64
day_start (GTimeZone *tz,
           gint64     day)
{
  gint64 midnight = day * SECONDS_PER_DAY;
  gint64 from = midnight - OFFSET_WINDOW;
  gint32 offset = offset_at (tz, from);

  for (;;)
    {
      gint64 candidate = MAX (from, midnight - offset);
      gint64 probe = from;
      gboolean changed = FALSE;

      while (probe < candidate)
        {
          gint64 next_probe = MIN (probe + SCAN_STEP, candidate);

          if (offset_at (tz, next_probe) != offset)
            {
              from = find_offset_change (tz, probe, next_probe, offset);
              offset = offset_at (tz, from);
              changed = TRUE;
              break;
            }
          probe = next_probe;
        }

      if (!changed)
        return candidate;
    }
}

static inline gint64
local_day (GTimeZone *tz,
           gint64     utc)
{
  return floor_div (utc + offset_at (tz, utc), SECONDS_PER_DAY);
}

static void
date_from_day (GDate  *date,
               gint64  day)
{
  g_date_clear (date, 1);
  g_date_set_julian (date, (guint32)(day + EPOCH_JULIAN));
}

static inline gint64
day_from_date (const GDate *date)
{
  return (gint64)g_date_get_julian (date) - EPOCH_JULIAN;
}

/* The first day of the calendar unit holding @day. */
static gint64
unit_first_day (TgBucketSize size,
                gint64       day)
{
  GDate date;

  switch (size)
    {
    case TG_BUCKET_WEEK:
      /* 1970-01-01 was a Thursday, day 3 of an ISO week counted from Monday = 0. */
      return day - floor_mod (day + 3, 7);

    case TG_BUCKET_MONTH:
      date_from_day (&date, day);
      return day - (g_date_get_day (&date) - 1);

    case TG_BUCKET_DAY:
    case TG_BUCKET_15MIN:
    case TG_BUCKET_HOUR:
    default:
      return day;
    }
}

/* The first day of the calendar unit after the one starting on @first_day. */
static gint64
unit_following_day (TgBucketSize size,
                    gint64       first_day)
{
  GDate date;

  switch (size)
    {
    case TG_BUCKET_WEEK:
      return first_day + 7;

    case TG_BUCKET_MONTH:
      date_from_day (&date, first_day);
      g_date_add_months (&date, 1);
      return day_from_date (&date);

    case TG_BUCKET_DAY:
    case TG_BUCKET_15MIN:
    case TG_BUCKET_HOUR:
    default:
      return first_day + 1;
    }
}

/* Finds the calendar bucket holding @utc. Normally that is the unit of its local date; where
 * a fall back crosses midnight and the local date runs backwards for a while, the later unit
 * has already begun and wins, so that buckets never overlap.
 */
static gint64
calendar_floor (GTimeZone    *tz,
                TgBucketSize  size,
                gint64        utc,
                gint64       *out_first_day)
{
  gint64 first_day = unit_first_day (size, local_day (tz, utc));
  gint64 start = day_start (tz, first_day);

  for (;;)
    {
      gint64 following = unit_following_day (size, first_day);
      gint64 following_start = day_start (tz, following);

      if (following_start > utc)
        break;

      /* A unit that never happened (Samoa skipped 2011-12-30) has no bucket. */
      first_day = following;
      start = following_start;
    }

  if (out_first_day != NULL)
    *out_first_day = first_day;
  return start;
}

static gboolean
is_zone_name (const char *name)
{
  static const char * const with_digits[] = {
    "GMT0", "GMT+0", "GMT-0", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
  };
  gboolean has_digit = FALSE;

  if (name == NULL || *name == '\0' || strlen (name) > 255)
    return FALSE;

  /* Every component of an IANA name begins with a capital letter. The files beside the
   * zones in the zoneinfo directory begin with a small one: the variants with leap seconds
   * or POSIX rules (right/, posix/, posixrules), the system's localtime, and data that is
   * no zone at all (leapseconds, tzdata.zi), which GLib would try to read as one.
   */
  for (const char *p = name; *p != '\0'; p++)
    {
      if ((p == name || p[-1] == '/') && !g_ascii_isupper (*p))
        return FALSE;
      if (!g_ascii_isalnum (*p) && strchr ("/_+-", *p) == NULL)
        return FALSE;
      if (*p == '/' && p[1] == '\0')
        return FALSE;
      has_digit |= g_ascii_isdigit (*p);
    }

  /* GLib also accepts POSIX TZ rules such as "ABC5"; an IANA name has digits only in a
   * few fixed zones.
   */
  if (has_digit)
    {
      const char *rest;

      if (g_str_has_prefix (name, "Etc/GMT"))
        {
          rest = name + strlen ("Etc/GMT");
          if (*rest == '+' || *rest == '-')
            rest++;
          return g_ascii_isdigit (rest[0]) &&
                 (rest[1] == '\0' || (g_ascii_isdigit (rest[1]) && rest[2] == '\0'));
        }

      for (guint i = 0; i < G_N_ELEMENTS (with_digits); i++)
        if (g_str_equal (name, with_digits[i]))
          return TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_time_zone_new_checked:
 * @identifier: an IANA time zone name such as "Australia/Sydney" or "UTC"
 *
 * Unlike g_time_zone_new(), refuses what it does not know instead of falling back to UTC,
 * and refuses POSIX TZ strings, file paths, the system's "localtime" and the files of the
 * zoneinfo directory that are not zones ("leapseconds"), without a warning.
 *
 * Returns: (transfer full): the zone, or %NULL with @error set
 */
GTimeZone *
tg_time_zone_new_checked (const char  *identifier,
                          GError     **error)
{
  GTimeZone *tz = NULL;

  if (is_zone_name (identifier))
    tz = g_time_zone_new_identifier (identifier);

  if (tz == NULL)
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_UNKNOWN_ZONE,
                   "“%s” is not a known time zone; use an IANA name such as "
                   "“Australia/Sydney” or “UTC”",
                   identifier != NULL ? identifier : "");
      return NULL;
    }

  return tz;
}

/**
 * tg_bucket_size_parse:
 * @text: "15min", "hour", "day", "week" or "month"
 */
gboolean
tg_bucket_size_parse (const char    *text,
                      TgBucketSize  *size,
                      GError       **error)
{
  g_return_val_if_fail (size != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (size_names); i++)
    {
      if (g_strcmp0 (text, size_names[i]) == 0)
        {
          *size = (TgBucketSize)i;
          return TRUE;
        }
    }

  g_set_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_SIZE,
               "“%s” is not a bucket size (15min, hour, day, week or month)",
               text != NULL ? text : "");
  return FALSE;
}

const char *
tg_bucket_size_to_string (TgBucketSize size)
{
  g_return_val_if_fail ((guint)size < G_N_ELEMENTS (size_names), NULL);

  return size_names[size];
}

/**
 * tg_time_bucket_floor:
 * @tz: the billing time zone
 * @utc_seconds: an instant (Unix time)
 *
 * Returns: the start (Unix time) of the local bucket of @size holding @utc_seconds
 */
gint64
tg_time_bucket_floor (GTimeZone    *tz,
                      TgBucketSize  size,
                      gint64        utc_seconds)
{
  g_return_val_if_fail (tz != NULL, utc_seconds);
  g_return_val_if_fail (utc_seconds >= MIN_SECONDS && utc_seconds <= MAX_SECONDS, utc_seconds);

  switch (size)
    {
    case TG_BUCKET_15MIN:
      return wall_floor (tz, utc_seconds, 15 * 60);

    case TG_BUCKET_HOUR:
      return wall_floor (tz, utc_seconds, 60 * 60);

    case TG_BUCKET_DAY:
    case TG_BUCKET_WEEK:
    case TG_BUCKET_MONTH:
      return calendar_floor (tz, size, utc_seconds, NULL);

    default:
      g_return_val_if_reached (utc_seconds);
    }
}

/**
 * tg_time_bucket_next:
 * @tz: the billing time zone
 * @bucket_start: the start of a bucket (any instant in it will do)
 *
 * Returns: the start of the following bucket, which is where this one ends
 */
gint64
tg_time_bucket_next (GTimeZone    *tz,
                     TgBucketSize  size,
                     gint64        bucket_start)
{
  gint64 first_day;

  g_return_val_if_fail (tz != NULL, bucket_start);
  g_return_val_if_fail (bucket_start >= MIN_SECONDS && bucket_start <= MAX_SECONDS,
                        bucket_start);

  switch (size)
    {
    case TG_BUCKET_15MIN:
      return wall_next (tz, bucket_start, 15 * 60);

    case TG_BUCKET_HOUR:
      return wall_next (tz, bucket_start, 60 * 60);

    case TG_BUCKET_DAY:
    case TG_BUCKET_WEEK:
    case TG_BUCKET_MONTH:
      /* calendar_floor() made sure the following unit starts later. */
      calendar_floor (tz, size, bucket_start, &first_day);
      return day_start (tz, unit_following_day (size, first_day));

    default:
      g_return_val_if_reached (bucket_start);
    }
}

/* Is @date among the supported dates (TG_TIME_SUPPORTED_DATES)? */
static gboolean
check_supported_date (const GDate  *date,
                      GError      **error)
{
  GDateYear year = g_date_get_year (date);

  if (year >= TG_TIME_FIRST_YEAR && year <= TG_TIME_LAST_YEAR)
    return TRUE;

  g_set_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_DATE,
               "%04u-%02u-%02u is outside the supported dates, %s", (guint)year,
               (guint)g_date_get_month (date), (guint)g_date_get_day (date),
               TG_TIME_SUPPORTED_DATES);
  return FALSE;
}

/* The usual length of a bucket, to say how many a refused range would have had. */
static gint64
nominal_seconds (TgBucketSize size)
{
  switch (size)
    {
    case TG_BUCKET_15MIN:
      return 15 * 60;
    case TG_BUCKET_HOUR:
      return 60 * 60;
    case TG_BUCKET_DAY:
      return SECONDS_PER_DAY;
    case TG_BUCKET_WEEK:
      return 7 * SECONDS_PER_DAY;
    case TG_BUCKET_MONTH:
    default:
      /* A Gregorian year's mean month. */
      return 2629746;
    }
}

static void
set_too_many_error (GError       **error,
                    TgBucketSize   size,
                    const GDate   *from,
                    const GDate   *to,
                    gint64         seconds)
{
  g_autofree char *wanted = tg_format_count (MAX (seconds / nominal_seconds (size),
                                                  TG_TIME_BUCKET_MAX_BUCKETS + 1));
  g_autofree char *cap = tg_format_count (TG_TIME_BUCKET_MAX_BUCKETS);

  g_set_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS,
               "%04u-%02u-%02u to %04u-%02u-%02u in %s buckets would be about %s buckets, "
               "more than the %s one request may have: ask for a larger bucket or a "
               "shorter range",
               (guint)g_date_get_year (from), (guint)g_date_get_month (from),
               (guint)g_date_get_day (from), (guint)g_date_get_year (to),
               (guint)g_date_get_month (to), (guint)g_date_get_day (to),
               size_names[size], wanted, cap);
}

/**
 * tg_time_bucket_range:
 * @tz: the billing time zone
 * @from: the first local day
 * @to: the last local day (inclusive), not before @from
 *
 * The buckets covering [@from 00:00, @to + 1 00:00) local time; the first week or month may
 * begin before @from and the last end after @to.
 *
 * Refuses, rather than loop or fill memory: a day outside the supported dates
 * (%TG_TIME_BUCKET_ERROR_INVALID_DATE), @to before @from
 * (%TG_TIME_BUCKET_ERROR_INVALID_RANGE), and more than %TG_TIME_BUCKET_MAX_BUCKETS buckets
 * (%TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS, saying how to ask instead).
 *
 * Returns: (transfer full) (element-type gint64): bucket starts in Unix time, ascending, or
 *   %NULL with @error set
 */
GArray *
tg_time_bucket_range (GTimeZone     *tz,
                      TgBucketSize   size,
                      const GDate   *from,
                      const GDate   *to,
                      GError       **error)
{
  g_autoptr(GArray) starts = NULL;
  gint64 first;
  gint64 end;

  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail ((guint)size < G_N_ELEMENTS (size_names), NULL);
  g_return_val_if_fail (from != NULL && g_date_valid (from), NULL);
  g_return_val_if_fail (to != NULL && g_date_valid (to), NULL);

  if (!check_supported_date (from, error) || !check_supported_date (to, error))
    return NULL;

  if (g_date_compare (from, to) > 0)
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_RANGE,
                   "The range ends (%04u-%02u-%02u) before it begins (%04u-%02u-%02u)",
                   (guint)g_date_get_year (to), (guint)g_date_get_month (to),
                   (guint)g_date_get_day (to), (guint)g_date_get_year (from),
                   (guint)g_date_get_month (from), (guint)g_date_get_day (from));
      return NULL;
    }

  first = tg_time_bucket_floor (tz, size, day_start (tz, day_from_date (from)));
  end = day_start (tz, day_from_date (to) + 1);

  /* Counted before anything is allocated for them. A shift of offset shortens a bucket,
   * so the nominal count may be a little low; the loop stops at the cap whatever it says.
   */
  if ((end - first) / nominal_seconds (size) > TG_TIME_BUCKET_MAX_BUCKETS)
    {
      set_too_many_error (error, size, from, to, end - first);
      return NULL;
    }

  starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gint64 start = first; start < end; start = tg_time_bucket_next (tz, size, start))
    {
      if (starts->len == TG_TIME_BUCKET_MAX_BUCKETS)
        {
          set_too_many_error (error, size, from, to, end - first);
          return NULL;
        }
      g_array_append_val (starts, start);
    }

  return g_steal_pointer (&starts);
}

/**
 * tg_time_bucket_range_parse:
 * @from: the first local day, "YYYY-MM-DD"
 * @to: the last local day, "YYYY-MM-DD", inclusive
 *
 * Like tg_time_bucket_range(), from the dates a command line or a query string carries.
 *
 * Returns: (transfer full) (element-type gint64): bucket starts, or %NULL with @error set
 */
GArray *
tg_time_bucket_range_parse (GTimeZone     *tz,
                            TgBucketSize   size,
                            const char    *from,
                            const char    *to,
                            GError       **error)
{
  GDate from_date;
  GDate to_date;

  g_return_val_if_fail (tz != NULL, NULL);

  if (!tg_time_bucket_parse_date (from, &from_date, error) ||
      !tg_time_bucket_parse_date (to, &to_date, error))
    return NULL;

  return tg_time_bucket_range (tz, size, &from_date, &to_date, error);
}

/* ISO 8601 with the offset in force, to the second or the microsecond. */
static char *
format_local (GDateTime *local,
              gboolean   microseconds)
{
  /* Only local mean times of the 19th century have offsets with seconds. */
  if (g_date_time_get_utc_offset (local) % G_TIME_SPAN_MINUTE != 0)
    return g_date_time_format (local, microseconds ? "%Y-%m-%dT%H:%M:%S.%f%::z"
                                                   : "%Y-%m-%dT%H:%M:%S%::z");

  return g_date_time_format (local, microseconds ? "%Y-%m-%dT%H:%M:%S.%f%:z"
                                                 : "%Y-%m-%dT%H:%M:%S%:z");
}

/**
 * tg_time_bucket_format_start:
 *
 * Returns: (transfer full): the local time at @utc_seconds with the offset in force then,
 *   as "2026-10-04T00:00:00+10:30" (UTC is "+00:00", never "Z")
 */
char *
tg_time_bucket_format_start (GTimeZone *tz,
                             gint64     utc_seconds)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail (utc_seconds >= MIN_SECONDS && utc_seconds <= MAX_SECONDS, NULL);

  utc = g_date_time_new_from_unix_utc (utc_seconds);
  local = g_date_time_to_timezone (utc, tz);

  return format_local (local, FALSE);
}

/**
 * tg_time_bucket_format_usec:
 * @utc_usec: microseconds since the epoch, UTC (a call's created_at)
 *
 * Returns: (transfer full): the local time at @utc_usec to the microsecond, with the
 *   offset in force then, as "2026-10-04T09:15:02.000417+10:30"
 */
char *
tg_time_bucket_format_usec (GTimeZone *tz,
                            gint64     utc_usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) exact = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 seconds = utc_usec / G_USEC_PER_SEC;
  gint64 usec = utc_usec % G_USEC_PER_SEC;

  g_return_val_if_fail (tz != NULL, NULL);

  /* Whole seconds towards the past, so that the microseconds count forwards. */
  if (usec < 0)
    {
      seconds -= 1;
      usec += G_USEC_PER_SEC;
    }
  g_return_val_if_fail (seconds >= MIN_SECONDS && seconds < MAX_SECONDS, NULL);

  utc = g_date_time_new_from_unix_utc (seconds);
  exact = g_date_time_add (utc, usec);
  local = g_date_time_to_timezone (exact, tz);

  return format_local (local, TRUE);
}

/**
 * tg_time_bucket_day_start:
 * @date: a local calendar day
 *
 * Returns: the first instant of @date in @tz: local midnight, or the first instant after
 *   it when midnight was skipped
 */
gint64
tg_time_bucket_day_start (GTimeZone   *tz,
                          const GDate *date)
{
  g_return_val_if_fail (tz != NULL, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  return day_start (tz, day_from_date (date));
}

/**
 * tg_time_bucket_local_date:
 * @date: (out caller-allocates): the local calendar day of @utc_seconds in @tz
 */
void
tg_time_bucket_local_date (GTimeZone *tz,
                           gint64     utc_seconds,
                           GDate     *date)
{
  g_return_if_fail (tz != NULL);
  g_return_if_fail (date != NULL);
  g_return_if_fail (utc_seconds >= MIN_SECONDS && utc_seconds <= MAX_SECONDS);

  date_from_day (date, local_day (tz, utc_seconds));
}

/* Reads @n digits of @text, and nothing else, into @value. */
static gboolean
parse_digits (const char *text,
              guint       n,
              guint      *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      *value = *value * 10 + (guint)(text[i] - '0');
    }
  return TRUE;
}

/* The one reader of calendar text: "YYYY-MM-DD", or "YYYY-MM" when @day is %NULL, exactly
 * (no spaces, no times, no shorter fields), a day the calendar has, and one of the
 * supported dates (TG_TIME_SUPPORTED_DATES).
 */
static gboolean
parse_calendar (const char  *text,
                guint       *year,
                guint       *month,
                guint       *day,
                GError     **error)
{
  const char *what = day != NULL ? "date" : "month";
  const int code = day != NULL ? TG_TIME_BUCKET_ERROR_INVALID_DATE
                               : TG_TIME_BUCKET_ERROR_INVALID_MONTH;
  gsize length = day != NULL ? 10 : 7;

  if (text == NULL || strlen (text) != length || text[4] != '-' ||
      !parse_digits (text, 4, year) || !parse_digits (text + 5, 2, month) ||
      (day != NULL && (text[7] != '-' || !parse_digits (text + 8, 2, day))))
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, code,
                   "“%s” is not a %s: write it as %s, like %s", text != NULL ? text : "", what,
                   day != NULL ? "YYYY-MM-DD" : "YYYY-MM", day != NULL ? "2026-10-04" : "2026-10");
      return FALSE;
    }

  if (*year < 1)
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, code,
                   "“%s” is not a %s: years start at 0001", text, what);
      return FALSE;
    }
  if (*month < 1 || *month > 12)
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, code,
                   "“%s” is not a %s: there is no month %02u", text, what, *month);
      return FALSE;
    }
  if (day != NULL &&
      (*day < 1 || *day > g_date_get_days_in_month ((GDateMonth)*month, (GDateYear)*year)))
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, code,
                   "“%s” is not a date: %.7s has %u days", text, text,
                   (guint)g_date_get_days_in_month ((GDateMonth)*month, (GDateYear)*year));
      return FALSE;
    }

  /* A day the calendar has, but not one Tollgate can count in: refused here, where it
   * comes in, rather than deep in the bucket arithmetic or on the server.
   */
  if (*year < TG_TIME_FIRST_YEAR || *year > TG_TIME_LAST_YEAR)
    {
      g_set_error (error, TG_TIME_BUCKET_ERROR, code,
                   "“%s” is outside the supported dates, %s", text, TG_TIME_SUPPORTED_DATES);
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_time_bucket_parse_date:
 * @text: "YYYY-MM-DD", exactly
 * @date: (out caller-allocates): the day
 *
 * Returns: %FALSE with @error (%TG_TIME_BUCKET_ERROR_INVALID_DATE) saying what is wrong:
 *   the form, the month, the day, or a year outside %TG_TIME_SUPPORTED_DATES
 */
gboolean
tg_time_bucket_parse_date (const char  *text,
                           GDate       *date,
                           GError     **error)
{
  guint year;
  guint month;
  guint day;

  g_return_val_if_fail (date != NULL, FALSE);

  if (!parse_calendar (text, &year, &month, &day, error))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
  return TRUE;
}

/**
 * tg_time_bucket_parse_month:
 * @text: "YYYY-MM", exactly
 * @first_day: (out caller-allocates): the first day of the month
 *
 * Returns: %FALSE with @error (%TG_TIME_BUCKET_ERROR_INVALID_MONTH) saying what is wrong,
 *   a year outside %TG_TIME_SUPPORTED_DATES included
 */
gboolean
tg_time_bucket_parse_month (const char  *text,
                            GDate       *first_day,
                            GError     **error)
{
  guint year;
  guint month;

  g_return_val_if_fail (first_day != NULL, FALSE);

  if (!parse_calendar (text, &year, &month, NULL, error))
    return FALSE;

  g_date_clear (first_day, 1);
  g_date_set_dmy (first_day, 1, (GDateMonth)month, (GDateYear)year);
  return TRUE;
}

/**
 * tg_time_bucket_month_bounds:
 * @month: a billing month, "YYYY-MM"
 * @start: (out): the first instant of the month in @tz
 * @end: (out): the first instant of the following month (exclusive)
 */
gboolean
tg_time_bucket_month_bounds (GTimeZone   *tz,
                             const char  *month,
                             gint64      *start,
                             gint64      *end,
                             GError     **error)
{
  GDate date;
  gint64 first_day;

  g_return_val_if_fail (tz != NULL, FALSE);

  if (!tg_time_bucket_parse_month (month, &date, error))
    return FALSE;

  first_day = day_from_date (&date);
  if (start != NULL)
    *start = day_start (tz, first_day);
  if (end != NULL)
    *end = day_start (tz, unit_following_day (TG_BUCKET_MONTH, first_day));
  return TRUE;
}
