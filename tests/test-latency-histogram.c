/* test-latency-histogram.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-latency-histogram.h"

/* The scheme as SQL will compute it, written out again so that a change to the C code
 * cannot silently change the buckets stored in rollups.
 */
static void
test_thresholds (void)
{
  const gint64 *t;
  guint n = 0;
  gint64 expected = 1;

  t = tg_latency_histogram_get_thresholds (&n);
  g_assert_nonnull (t);
  g_assert_cmpuint (n, ==, 134);
  g_assert_cmpuint (tg_latency_histogram_get_n_buckets (), ==, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (t[i], ==, expected);
      expected = MAX (expected + 1, (expected * 109 + 99) / 100);
    }

  /* 1 … 11 are buckets of their own; from 12 on each is about 9 % wider. */
  g_assert_cmpint (t[11], ==, 12);
  g_assert_cmpint (t[12], ==, 14);
  g_assert_cmpint (t[n - 2], <=, TG_LATENCY_HISTOGRAM_RANGE_MS);
  g_assert_cmpint (t[n - 1], >, TG_LATENCY_HISTOGRAM_RANGE_MS);
  g_assert_cmpint (t[n - 1], ==, 640108);
}

static void
test_format_thresholds (void)
{
  g_autofree char *text = tg_latency_histogram_format_thresholds ();
  g_auto(GStrv) parts = NULL;
  const gint64 *t;
  guint n;
  gsize len;

  t = tg_latency_histogram_get_thresholds (&n);

  g_assert_true (g_str_has_prefix (text, "{1,2,3,4,5,6,7,8,9,10,11,12,14,16,18,20,22,24,27,30,"));
  g_assert_true (g_str_has_suffix (text, ",538766,587255,640108}"));
  g_assert_null (strchr (text, ' '));

  len = strlen (text);
  text[len - 1] = '\0';
  parts = g_strsplit (text + 1, ",", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_ascii_strtoll (parts[i], NULL, 10), ==, t[i]);
}

typedef struct
{
  gint64 ms;
  guint  bucket;
} BucketCase;

static const BucketCase bucket_cases[] = {
  { G_MININT64, 0 },
  { -5, 0 },
  { 0, 0 },           /* no response */
  { 1, 1 },
  { 2, 2 },
  { 12, 12 },
  { 13, 12 },
  { 14, 13 },
  { 600000, 133 },
  { 640107, 133 },
  { 640108, 134 },
  { 3600000, 134 },
  { G_MAXINT64, 134 },
};

static void
test_bucket_for_ms (gconstpointer data)
{
  const BucketCase *c = data;

  g_assert_cmpuint (tg_latency_histogram_bucket_for_ms (c->ms), ==, c->bucket);
}

/* width_bucket (ms, thresholds) counts the thresholds <= ms; check the binary search
 * against that definition for every latency in range and a little beyond.
 */
static void
test_bucket_matches_width_bucket (void)
{
  const gint64 *t;
  guint n;
  guint expected = 0;

  t = tg_latency_histogram_get_thresholds (&n);

  for (gint64 ms = 0; ms <= 700000; ms++)
    {
      while (expected < n && t[expected] <= ms)
        expected++;
      if (tg_latency_histogram_bucket_for_ms (ms) != expected)
        g_error ("%" G_GINT64_FORMAT " ms: bucket %u, width_bucket says %u",
                 ms, tg_latency_histogram_bucket_for_ms (ms), expected);
    }
}

/* The documented bound: every integer latency up to ten minutes is reported within 4.5 %
 * by the representative value of its bucket.
 */
static void
test_error_bound (void)
{
  double max_error = 0.0;
  gint64 worst = 0;

  for (gint64 v = 1; v <= TG_LATENCY_HISTOGRAM_RANGE_MS; v++)
    {
      double rep = tg_latency_histogram_bucket_value (tg_latency_histogram_bucket_for_ms (v));
      double error = fabs (rep - (double)v) / (double)v;

      if (error > max_error)
        {
          max_error = error;
          worst = v;
        }
    }

  g_test_message ("largest relative error %.5f %% at %" G_GINT64_FORMAT " ms",
                  max_error * 100.0, worst);
  g_assert_cmpfloat (max_error, <=, TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  g_assert_cmpfloat (max_error, <=, sqrt (1.09) - 1.0);

  /* Buckets holding one integer are exact; the edges are what they say. */
  for (gint64 v = 1; v <= 11; v++)
    g_assert_cmpfloat (tg_latency_histogram_bucket_value (tg_latency_histogram_bucket_for_ms (v)),
                       ==, (double)v);
  g_assert_cmpfloat (tg_latency_histogram_bucket_value (0), ==, 0.0);
  g_assert_cmpfloat (tg_latency_histogram_bucket_value (134), ==, 640108.0);
  g_assert_cmpfloat_with_epsilon (tg_latency_histogram_bucket_value (12), sqrt (12.0 * 13.0),
                                  1e-9);
}

static void
test_percentile_small (void)
{
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();

  for (gint64 v = 1; v <= 10; v++)
    tg_latency_histogram_add (h, v, 1);

  g_assert_cmpuint (tg_latency_histogram_get_total (h), ==, 10);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.0), ==, 1.0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 1.0), ==, 10.0);
  /* rank 0.5 * 9 = 4.5: the lower rank 4 holds 5 ms. */
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.5), ==, 5.0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.95), ==, 9.0);

  /* No response and beyond the range: bucket 0 reports 0, the last its threshold. */
  tg_latency_histogram_clear (h);
  tg_latency_histogram_add (h, 0, 3);
  tg_latency_histogram_add (h, 2000000, 1);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.0), ==, 0.0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.66), ==, 0.0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 1.0), ==, 640108.0);

  /* A row may stand for many calls. */
  tg_latency_histogram_clear (h);
  tg_latency_histogram_add (h, 100, 99);
  tg_latency_histogram_add (h, 5000, 1);
  g_assert_cmpuint (tg_latency_histogram_get_total (h), ==, 100);
  g_assert_cmpfloat_with_epsilon (tg_latency_histogram_percentile (h, 0.99), 100.0, 4.5);
  g_assert_cmpfloat_with_epsilon (tg_latency_histogram_percentile (h, 1.0), 5000.0, 225.0);
}

static void
test_empty (void)
{
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();

  g_assert_false (tg_latency_histogram_has_data (h));
  g_assert_cmpuint (tg_latency_histogram_get_total (h), ==, 0);
  g_assert_true (isnan (tg_latency_histogram_percentile (h, 0.5)));

  tg_latency_histogram_add (h, 0, 1);
  g_assert_true (tg_latency_histogram_has_data (h));
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.5), ==, 0.0);

  tg_latency_histogram_clear (h);
  g_assert_false (tg_latency_histogram_has_data (h));
  g_assert_true (isnan (tg_latency_histogram_percentile (h, 0.99)));

  /* Adding zero calls changes nothing. */
  tg_latency_histogram_add (h, 250, 0);
  g_assert_false (tg_latency_histogram_has_data (h));
}

static double
sample_log_normal (GRand  *rand,
                   double  median,
                   double  sigma)
{
  /* Box–Muller; 1 - u keeps the logarithm finite. */
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);
  double z = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);

  return median * exp (sigma * z);
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* PostgreSQL's percentile_cont: interpolate between the ranks around p (N - 1). */
static double
percentile_cont (const gint64 *sorted,
                 guint         n,
                 double        p)
{
  double rank = p * (double)(n - 1);
  guint lo = (guint)floor (rank);
  guint hi = (guint)ceil (rank);

  if (lo == hi)
    return (double)sorted[lo];
  return (double)sorted[lo] + (rank - lo) * (double)(sorted[hi] - sorted[lo]);
}

typedef struct
{
  const char *name;
  guint32     seed;
  double      median;   /* ms */
  double      sigma;
  guint       n;
} LogNormalCase;

static const LogNormalCase log_normal_cases[] = {
  { "address-lookup", 1, 45.0, 0.5, 100000 },
  { "geocoding", 2, 180.0, 0.9, 100000 },
  { "openai", 3, 2400.0, 1.1, 50000 },
  { "fast-cache", 4, 4.0, 0.6, 20000 },
  { "few-calls", 5, 300.0, 0.7, 2001 },
  { "slow-tail", 6, 60000.0, 0.8, 30000 },
};

static void
test_percentile_log_normal (gconstpointer data)
{
  const LogNormalCase *c = data;
  static const double ps[] = { 0.5, 0.95, 0.99 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (c->seed);
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();
  g_autofree gint64 *samples = g_new (gint64, c->n);

  for (guint i = 0; i < c->n; i++)
    {
      double v = sample_log_normal (rand, c->median, c->sigma);

      /* Whole milliseconds like response_time; 0 would mean no response. */
      samples[i] = CLAMP ((gint64)llround (v), 1, TG_LATENCY_HISTOGRAM_RANGE_MS);
      tg_latency_histogram_add (h, samples[i], 1);
    }
  qsort (samples, c->n, sizeof (gint64), compare_gint64);

  for (guint i = 0; i < G_N_ELEMENTS (ps); i++)
    {
      double exact = percentile_cont (samples, c->n, ps[i]);
      double estimate = tg_latency_histogram_percentile (h, ps[i]);
      double error = fabs (estimate - exact) / exact;
      double lower = (double)samples[(guint)floor (ps[i] * (double)(c->n - 1))];

      g_test_message ("%s p%g: exact %.2f ms, histogram %.2f ms, error %.3f %%",
                      c->name, ps[i] * 100.0, exact, estimate, error * 100.0);
      g_assert_cmpfloat (error, <=, TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);

      /* Against the sample at the lower rank the bound holds by construction. */
      g_assert_cmpfloat (fabs (estimate - lower) / lower, <=, sqrt (1.09) - 1.0);
    }
}

/* Adds values[from … to-1], each standing for 1 to 3 calls as usage rows may. */
static void
add_values (TgLatencyHistogram *h,
            const gint64       *values,
            guint               from,
            guint               to)
{
  for (guint i = from; i < to; i++)
    tg_latency_histogram_add (h, values[i], 1 + (guint64)(i % 3));
}

static void
test_merge (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(TgLatencyHistogram) whole = tg_latency_histogram_new ();
  g_autoptr(TgLatencyHistogram) first = tg_latency_histogram_new ();
  g_autoptr(TgLatencyHistogram) second = tg_latency_histogram_new ();
  g_autoptr(TgLatencyHistogram) merged = NULL;
  g_autoptr(TgLatencyHistogram) empty = tg_latency_histogram_new ();
  gint64 values[6000];

  /* Some calls without a response, some beyond ten minutes. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i % 97 == 0 ? 0 : (gint64)llround (sample_log_normal (rand, 300.0, 2.0));

  add_values (whole, values, 0, G_N_ELEMENTS (values));
  add_values (first, values, 0, 2500);
  add_values (second, values, 2500, G_N_ELEMENTS (values));

  merged = tg_latency_histogram_copy (first);
  g_assert_true (tg_latency_histogram_equal (merged, first));
  tg_latency_histogram_merge (merged, second);

  g_assert_true (tg_latency_histogram_equal (merged, whole));
  g_assert_false (tg_latency_histogram_equal (merged, first));
  g_assert_cmpuint (tg_latency_histogram_get_total (merged), ==,
                    tg_latency_histogram_get_total (first) +
                    tg_latency_histogram_get_total (second));
  for (guint i = 0; i < tg_latency_histogram_get_n_buckets (); i++)
    g_assert_cmpuint (tg_latency_histogram_get_count (merged, i), ==,
                      tg_latency_histogram_get_count (first, i) +
                      tg_latency_histogram_get_count (second, i));
  g_assert_cmpuint (tg_latency_histogram_get_count (whole, 0), >, 0);
  g_assert_cmpuint (tg_latency_histogram_get_count (whole, 134), >, 0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (merged, 0.95), ==,
                     tg_latency_histogram_percentile (whole, 0.95));

  /* Merging is commutative and the empty histogram is its identity. */
  tg_latency_histogram_merge (second, first);
  g_assert_true (tg_latency_histogram_equal (second, whole));
  tg_latency_histogram_merge (merged, empty);
  g_assert_true (tg_latency_histogram_equal (merged, whole));
}

static void
test_arrays (void)
{
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();
  g_autoptr(TgLatencyHistogram) back = tg_latency_histogram_new ();
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *array = NULL;
  g_autofree gint64 *too_long = NULL;
  const gint64 short_counts[] = { 2, 0, 5, 1 };
  const gint64 negative[] = { 1, 4, -1 };
  guint n_buckets = tg_latency_histogram_get_n_buckets ();
  gsize n = 0;

  tg_latency_histogram_add (h, 0, 7);
  tg_latency_histogram_add (h, 250, 3);
  tg_latency_histogram_add (h, 10000000, 1);

  array = tg_latency_histogram_to_array (h, &n);
  g_assert_cmpuint (n, ==, n_buckets);
  g_assert_cmpint (array[0], ==, 7);
  g_assert_cmpint (array[tg_latency_histogram_bucket_for_ms (250)], ==, 3);
  g_assert_cmpint (array[n - 1], ==, 1);

  g_assert_true (tg_latency_histogram_set_counts (back, array, n, &error));
  g_assert_no_error (error);
  g_assert_true (tg_latency_histogram_equal (back, h));
  g_assert_cmpuint (tg_latency_histogram_get_total (back), ==, 11);

  /* A shorter array leaves the remaining buckets at zero. */
  g_assert_true (tg_latency_histogram_set_counts (back, short_counts,
                                                  G_N_ELEMENTS (short_counts), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tg_latency_histogram_get_total (back), ==, 8);
  g_assert_cmpuint (tg_latency_histogram_get_count (back, 2), ==, 5);
  g_assert_cmpuint (tg_latency_histogram_get_count (back, 4), ==, 0);
  g_assert_cmpfloat (tg_latency_histogram_percentile (back, 1.0), ==, 3.0);

  g_assert_true (tg_latency_histogram_set_counts (back, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_false (tg_latency_histogram_has_data (back));

  /* Refusals leave the histogram as it was. */
  tg_latency_histogram_add (back, 42, 1);
  g_assert_false (tg_latency_histogram_set_counts (back, negative, G_N_ELEMENTS (negative),
                                                   &error));
  g_assert_error (error, TG_LATENCY_HISTOGRAM_ERROR, TG_LATENCY_HISTOGRAM_ERROR_NEGATIVE_COUNT);
  g_clear_error (&error);
  g_assert_cmpuint (tg_latency_histogram_get_total (back), ==, 1);

  too_long = g_new0 (gint64, n_buckets + 1);
  g_assert_false (tg_latency_histogram_set_counts (back, too_long, n_buckets + 1, &error));
  g_assert_error (error, TG_LATENCY_HISTOGRAM_ERROR,
                  TG_LATENCY_HISTOGRAM_ERROR_TOO_MANY_BUCKETS);
  g_assert_cmpuint (tg_latency_histogram_get_total (back), ==, 1);
}

static void
test_saturation (void)
{
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();
  g_autofree gint64 *array = NULL;

  tg_latency_histogram_add (h, 5, G_MAXINT64);
  tg_latency_histogram_add (h, 5, 10);
  tg_latency_histogram_add (h, 7, G_MAXUINT64);

  g_assert_cmpuint (tg_latency_histogram_get_count (h, 5), ==, G_MAXINT64);
  g_assert_cmpuint (tg_latency_histogram_get_total (h), ==, G_MAXINT64);
  array = tg_latency_histogram_to_array (h, NULL);
  g_assert_cmpint (array[5], ==, G_MAXINT64);
  g_assert_cmpint (array[7], ==, G_MAXINT64);
  g_assert_cmpfloat (tg_latency_histogram_percentile (h, 0.5), ==, 5.0);
}

static void
test_boxed (void)
{
  g_autoptr(TgLatencyHistogram) h = tg_latency_histogram_new ();
  TgLatencyHistogram *copy;
  GType type = TG_TYPE_LATENCY_HISTOGRAM;

  g_assert_true (G_TYPE_IS_BOXED (type));
  g_assert_cmpstr (g_type_name (type), ==, "TgLatencyHistogram");

  tg_latency_histogram_add (h, 120, 4);
  copy = g_boxed_copy (type, h);
  g_assert_true (copy != h);
  g_assert_true (tg_latency_histogram_equal (copy, h));

  /* The copy is independent. */
  tg_latency_histogram_add (copy, 120, 1);
  g_assert_cmpuint (tg_latency_histogram_get_total (h), ==, 4);
  g_boxed_free (type, copy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/latency-histogram/thresholds", test_thresholds);
  g_test_add_func ("/tollgate/unit/latency-histogram/format-thresholds", test_format_thresholds);
  for (guint i = 0; i < G_N_ELEMENTS (bucket_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/latency-histogram/bucket/%u", i);

      g_test_add_data_func (path, &bucket_cases[i], test_bucket_for_ms);
    }
  g_test_add_func ("/tollgate/unit/latency-histogram/width-bucket",
                   test_bucket_matches_width_bucket);
  g_test_add_func ("/tollgate/unit/latency-histogram/error-bound", test_error_bound);
  g_test_add_func ("/tollgate/unit/latency-histogram/percentile/small", test_percentile_small);
  for (guint i = 0; i < G_N_ELEMENTS (log_normal_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/latency-histogram/percentile/%s",
                                               log_normal_cases[i].name);

      g_test_add_data_func (path, &log_normal_cases[i], test_percentile_log_normal);
    }
  g_test_add_func ("/tollgate/unit/latency-histogram/empty", test_empty);
  g_test_add_func ("/tollgate/unit/latency-histogram/merge", test_merge);
  g_test_add_func ("/tollgate/unit/latency-histogram/arrays", test_arrays);
  g_test_add_func ("/tollgate/unit/latency-histogram/saturation", test_saturation);
  g_test_add_func ("/tollgate/unit/latency-histogram/boxed", test_boxed);

  return g_test_run ();
}
