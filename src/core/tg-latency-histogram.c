/* tg-latency-histogram.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-latency-histogram.h"

/* The scheme is fixed by integers so that SQL can reproduce it exactly:
 *
 *   T[1] = 1,  T[k+1] = MAX (T[k] + 1, ceil (T[k] * 109 / 100))
 *
 * until a threshold exceeds TG_LATENCY_HISTOGRAM_RANGE_MS, which is kept as the last one.
 * A bucket [a, b) holds the integers a … b-1 with b - 1 < 1.09 a, so the geometric mean
 * sqrt (a (b-1)) is within sqrt (1.09) - 1 < 4.41 % of each of them.
 */
#define MAX_THRESHOLDS 160

struct _TgLatencyHistogram
{
  guint64 total;
  guint64 counts[];   /* buckets 0 … n_thresholds */
};

static gint64 thresholds[MAX_THRESHOLDS];
static guint n_thresholds;

G_DEFINE_BOXED_TYPE (TgLatencyHistogram, tg_latency_histogram,
                     tg_latency_histogram_copy, tg_latency_histogram_free)
G_DEFINE_QUARK (tg-latency-histogram-error-quark, tg_latency_histogram_error)

static void
ensure_thresholds (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gint64 t = 1;
      guint n = 0;

      thresholds[n++] = t;
      while (t <= TG_LATENCY_HISTOGRAM_RANGE_MS)
        {
          t = MAX (t + 1, (t * 109 + 99) / 100);
          g_assert (n < MAX_THRESHOLDS);
          thresholds[n++] = t;
        }
      n_thresholds = n;

      g_once_init_leave (&initialized, 1);
    }
}

static inline guint
get_n_buckets (void)
{
  ensure_thresholds ();
  return n_thresholds + 1;
}

/* Counts arrive from PostgreSQL as int8, so they stay within its range. */
static inline guint64
saturating_add (guint64 a,
                guint64 b)
{
  if (b > (guint64)G_MAXINT64 - MIN (a, (guint64)G_MAXINT64))
    return G_MAXINT64;
  return a + b;
}

/**
 * tg_latency_histogram_get_thresholds:
 * @n: (out): the number of thresholds (buckets are 0 … @n)
 *
 * Returns: (array length=n) (transfer none): T[1] … T[n], ascending; element 0
 *   is T[1]
 */
const gint64 *
tg_latency_histogram_get_thresholds (guint *n)
{
  ensure_thresholds ();

  if (n != NULL)
    *n = n_thresholds;
  return thresholds;
}

/**
 * tg_latency_histogram_get_n_buckets:
 *
 * Returns: the number of buckets, the thresholds' count plus one for bucket 0
 */
guint
tg_latency_histogram_get_n_buckets (void)
{
  return get_n_buckets ();
}

/**
 * tg_latency_histogram_format_thresholds:
 *
 * Returns: (transfer full): the thresholds as a PostgreSQL array literal, "{1,2,3,…}", to
 *   be used as width_bucket (response_time, '{…}'::bigint[])
 */
char *
tg_latency_histogram_format_thresholds (void)
{
  GString *str = g_string_new ("{");

  ensure_thresholds ();

  for (guint i = 0; i < n_thresholds; i++)
    g_string_append_printf (str, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", thresholds[i]);
  g_string_append_c (str, '}');

  return g_string_free (str, FALSE);
}

/**
 * tg_latency_histogram_bucket_for_ms:
 * @ms: a response time; 0 (or less) means no response
 *
 * Returns: what width_bucket (@ms, thresholds) returns: the number of thresholds <= @ms
 */
guint
tg_latency_histogram_bucket_for_ms (gint64 ms)
{
  guint lo = 0;
  guint hi;

  ensure_thresholds ();

  /* Invariant: thresholds[0 … lo-1] <= ms < thresholds[hi … n-1]. */
  hi = n_thresholds;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (thresholds[mid] <= ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * tg_latency_histogram_bucket_value:
 * @bucket: 0 … n_thresholds
 *
 * The value a percentile falling into @bucket reports: 0 for bucket 0 (no response), the
 * threshold itself for the last, open bucket, and otherwise the geometric mean of the
 * bucket's smallest and largest integer member (exact when it holds a single integer).
 *
 * Returns: milliseconds
 */
double
tg_latency_histogram_bucket_value (guint bucket)
{
  gint64 lower;
  gint64 upper;

  g_return_val_if_fail (bucket < get_n_buckets (), NAN);

  if (bucket == 0)
    return 0.0;
  if (bucket == n_thresholds)
    return (double)thresholds[n_thresholds - 1];

  lower = thresholds[bucket - 1];
  upper = thresholds[bucket] - 1;
  if (lower == upper)
    return (double)lower;

  return sqrt ((double)lower * (double)upper);
}

/**
 * tg_latency_histogram_new:
 *
 * Returns: (transfer full): an empty histogram
 */
TgLatencyHistogram *
tg_latency_histogram_new (void)
{
  guint n_buckets = get_n_buckets ();

  return g_malloc0 (sizeof (TgLatencyHistogram) + n_buckets * sizeof (guint64));
}

TgLatencyHistogram *
tg_latency_histogram_copy (const TgLatencyHistogram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof (TgLatencyHistogram) + get_n_buckets () * sizeof (guint64));
}

void
tg_latency_histogram_free (TgLatencyHistogram *self)
{
  g_free (self);
}

void
tg_latency_histogram_clear (TgLatencyHistogram *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof (TgLatencyHistogram) + get_n_buckets () * sizeof (guint64));
}

/**
 * tg_latency_histogram_add:
 * @ms: a response time in milliseconds (0: no response)
 * @count: how many calls took @ms (a usage row's call_count)
 *
 * Counts saturate at G_MAXINT64, the range of the int8 they are stored in.
 */
void
tg_latency_histogram_add (TgLatencyHistogram *self,
                          gint64              ms,
                          guint64             count)
{
  guint bucket;

  g_return_if_fail (self != NULL);

  bucket = tg_latency_histogram_bucket_for_ms (ms);
  self->counts[bucket] = saturating_add (self->counts[bucket], count);
  self->total = saturating_add (self->total, count);
}

/**
 * tg_latency_histogram_merge:
 * @other: the histogram to add into @self
 *
 * Histograms merge by adding counts bucket by bucket, so rollups of any grain combine.
 */
void
tg_latency_histogram_merge (TgLatencyHistogram       *self,
                            const TgLatencyHistogram *other)
{
  guint n_buckets = get_n_buckets ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  for (guint i = 0; i < n_buckets; i++)
    self->counts[i] = saturating_add (self->counts[i], other->counts[i]);
  self->total = saturating_add (self->total, other->total);
}

gboolean
tg_latency_histogram_equal (const TgLatencyHistogram *a,
                            const TgLatencyHistogram *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return memcmp (a, b, sizeof (TgLatencyHistogram) + get_n_buckets () * sizeof (guint64)) == 0;
}

guint64
tg_latency_histogram_get_count (const TgLatencyHistogram *self,
                                guint                     bucket)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (bucket < get_n_buckets (), 0);

  return self->counts[bucket];
}

guint64
tg_latency_histogram_get_total (const TgLatencyHistogram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->total;
}

/**
 * tg_latency_histogram_has_data:
 *
 * Returns: whether any call was counted; percentiles of an empty histogram are NaN
 */
gboolean
tg_latency_histogram_has_data (const TgLatencyHistogram *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->total > 0;
}

/**
 * tg_latency_histogram_add_counts:
 * @counts: (array length=n_counts): counts by bucket, as PostgreSQL's int8[] of a rollup
 *   row arrives: element 0 is bucket 0
 * @n_counts: at most the number of buckets; missing trailing buckets count 0
 *
 * Adds @counts to those of @self (merging a histogram that arrived as an array). Refuses
 * negative counts and arrays longer than the scheme, leaving @self unchanged.
 */
gboolean
tg_latency_histogram_add_counts (TgLatencyHistogram  *self,
                                 const gint64        *counts,
                                 gsize                n_counts,
                                 GError             **error)
{
  guint n_buckets = get_n_buckets ();

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (counts != NULL || n_counts == 0, FALSE);

  if (n_counts > n_buckets)
    {
      g_set_error (error, TG_LATENCY_HISTOGRAM_ERROR,
                   TG_LATENCY_HISTOGRAM_ERROR_TOO_MANY_BUCKETS,
                   "A latency histogram has %u buckets, not %" G_GSIZE_FORMAT,
                   n_buckets, n_counts);
      return FALSE;
    }

  for (gsize i = 0; i < n_counts; i++)
    {
      if (counts[i] < 0)
        {
          g_set_error (error, TG_LATENCY_HISTOGRAM_ERROR,
                       TG_LATENCY_HISTOGRAM_ERROR_NEGATIVE_COUNT,
                       "Latency bucket %" G_GSIZE_FORMAT " has a negative count "
                       "(%" G_GINT64_FORMAT ")", i, counts[i]);
          return FALSE;
        }
    }

  for (gsize i = 0; i < n_counts; i++)
    {
      self->counts[i] = saturating_add (self->counts[i], (guint64)counts[i]);
      self->total = saturating_add (self->total, (guint64)counts[i]);
    }

  return TRUE;
}

/**
 * tg_latency_histogram_set_counts:
 * @counts: (array length=n_counts): counts by bucket, as PostgreSQL's int8[] of a rollup
 *   row arrives: element 0 is bucket 0
 * @n_counts: at most the number of buckets; missing trailing buckets count 0
 *
 * Replaces the counts of @self. Refuses negative counts and arrays longer than the scheme,
 * leaving @self unchanged.
 */
gboolean
tg_latency_histogram_set_counts (TgLatencyHistogram  *self,
                                 const gint64        *counts,
                                 gsize                n_counts,
                                 GError             **error)
{
  g_autoptr(TgLatencyHistogram) replacement = tg_latency_histogram_new ();

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (counts != NULL || n_counts == 0, FALSE);

  if (!tg_latency_histogram_add_counts (replacement, counts, n_counts, error))
    return FALSE;

  tg_latency_histogram_clear (self);
  tg_latency_histogram_merge (self, replacement);

  return TRUE;
}

/**
 * tg_latency_histogram_to_array:
 * @n_counts: (out): the number of buckets
 *
 * Returns: (array length=n_counts) (transfer full): the counts of every bucket, element 0
 *   being bucket 0, ready to be sent as an int8[]
 */
gint64 *
tg_latency_histogram_to_array (const TgLatencyHistogram *self,
                               gsize                    *n_counts)
{
  guint n_buckets = get_n_buckets ();
  gint64 *array;

  g_return_val_if_fail (self != NULL, NULL);

  array = g_new (gint64, n_buckets);
  for (guint i = 0; i < n_buckets; i++)
    array[i] = (gint64)MIN (self->counts[i], (guint64)G_MAXINT64);

  if (n_counts != NULL)
    *n_counts = n_buckets;
  return array;
}

/**
 * tg_latency_histogram_percentile:
 * @p: 0 … 1
 *
 * Finds the bucket that holds the 0-based rank floor (@p (N - 1)), the lower of the two
 * ranks percentile_cont interpolates between, and returns its representative value (see
 * tg_latency_histogram_bucket_value()). For latencies up to ten minutes the
 * answer is within 4.5 % of the sample at that rank.
 *
 * Returns: milliseconds, or NaN when the histogram is empty (see
 *   tg_latency_histogram_has_data())
 */
double
tg_latency_histogram_percentile (const TgLatencyHistogram *self,
                                 double                    p)
{
  guint n_buckets = get_n_buckets ();
  guint64 rank;
  guint64 seen = 0;

  g_return_val_if_fail (self != NULL, NAN);
  g_return_val_if_fail (p >= 0.0 && p <= 1.0, NAN);

  if (self->total == 0)
    return NAN;

  rank = (guint64)floor (p * (double)(self->total - 1));
  rank = MIN (rank, self->total - 1);

  for (guint i = 0; i < n_buckets; i++)
    {
      seen = saturating_add (seen, self->counts[i]);
      if (seen > rank)
        return tg_latency_histogram_bucket_value (i);
    }

  /* Only reachable when counts saturated and no longer sum to the total. */
  return tg_latency_histogram_bucket_value (n_buckets - 1);
}
