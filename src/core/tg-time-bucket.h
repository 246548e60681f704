/* tg-time-bucket.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Buckets are local units of the billing time zone, identified by the UTC instant (Unix
 * seconds) at which they start. 15-minute and hour buckets follow the local wall clock; a
 * repeated hour after a "fall back" is a bucket of its own, a skipped hour has none, and a
 * shift that is not a whole number of buckets (Lord Howe's 30 minutes) leaves one shorter
 * bucket. Days, ISO weeks (from Monday) and months start at the first instant of their first
 * local day, which is local midnight unless midnight was skipped.
 */
typedef enum
{
  TG_BUCKET_15MIN,
  TG_BUCKET_HOUR,
  TG_BUCKET_DAY,
  TG_BUCKET_WEEK,
  TG_BUCKET_MONTH,
} TgBucketSize;

/* The calendar Tollgate supports: local dates of the billing time zone from 1970-01-01 to
 * 2199-12-31. Usage is recorded from 1970 on, and the last year keeps every bucket, its
 * end and its offset far inside what GDateTime and PostgreSQL can name. Dates and months
 * outside it are refused where they come in (docs/architecture.md, "The database").
 */
#define TG_TIME_FIRST_YEAR 1970
#define TG_TIME_LAST_YEAR  2199
#define TG_TIME_SUPPORTED_DATES \
  G_STRINGIFY (TG_TIME_FIRST_YEAR) "-01-01 to " G_STRINGIFY (TG_TIME_LAST_YEAR) "-12-31"

/* The most buckets one request may ask for. The finest real use, a year of 15-minute
 * buckets, has 35,136; anything beyond this is a mistake that would only fill memory.
 */
#define TG_TIME_BUCKET_MAX_BUCKETS 100000

#define TG_TIME_BUCKET_ERROR (tg_time_bucket_error_quark ())

typedef enum
{
  TG_TIME_BUCKET_ERROR_UNKNOWN_ZONE,
  TG_TIME_BUCKET_ERROR_INVALID_SIZE,
  TG_TIME_BUCKET_ERROR_INVALID_DATE,
  TG_TIME_BUCKET_ERROR_INVALID_MONTH,
  TG_TIME_BUCKET_ERROR_INVALID_RANGE,
  TG_TIME_BUCKET_ERROR_TOO_MANY_BUCKETS,
} TgTimeBucketError;

GQuark      tg_time_bucket_error_quark   (void);

GTimeZone  *tg_time_zone_new_checked     (const char    *identifier,
                                          GError       **error);

gboolean    tg_bucket_size_parse         (const char    *text,
                                          TgBucketSize  *size,
                                          GError       **error);
const char *tg_bucket_size_to_string     (TgBucketSize   size);

gint64      tg_time_bucket_floor         (GTimeZone     *tz,
                                          TgBucketSize   size,
                                          gint64         utc_seconds);
gint64      tg_time_bucket_next          (GTimeZone     *tz,
                                          TgBucketSize   size,
                                          gint64         bucket_start);
GArray     *tg_time_bucket_range         (GTimeZone     *tz,
                                          TgBucketSize   size,
                                          const GDate   *from,
                                          const GDate   *to,
                                          GError       **error);
GArray     *tg_time_bucket_range_parse   (GTimeZone     *tz,
                                          TgBucketSize   size,
                                          const char    *from,
                                          const char    *to,
                                          GError       **error);
char       *tg_time_bucket_format_start  (GTimeZone     *tz,
                                          gint64         utc_seconds);
char       *tg_time_bucket_format_usec   (GTimeZone     *tz,
                                          gint64         utc_usec);

gint64      tg_time_bucket_day_start     (GTimeZone     *tz,
                                          const GDate   *date);
void        tg_time_bucket_local_date    (GTimeZone     *tz,
                                          gint64         utc_seconds,
                                          GDate         *date);
gboolean    tg_time_bucket_parse_date    (const char    *text,
                                          GDate         *date,
                                          GError       **error);
gboolean    tg_time_bucket_parse_month   (const char    *text,
                                          GDate         *first_day,
                                          GError       **error);
gboolean    tg_time_bucket_month_bounds  (GTimeZone     *tz,
                                          const char    *month,
                                          gint64        *start,
                                          gint64        *end,
                                          GError       **error);

G_END_DECLS
