/* test-random.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every test draws from a fixed seed: the tolerances are wide enough for any seed, and
 * a fixed one means a run can never flake.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "tg-random.h"

#define N_SAMPLES 200000

static void
test_determinism (void)
{
  TgRandom a, b, c, d;
  guint differ = 0;

  tg_random_init (&a, 42);
  tg_random_init (&b, 42);
  tg_random_init (&c, 43);
  for (guint i = 0; i < 1000; i++)
    {
      guint64 x = tg_random_next (&a);

      g_assert_cmpuint (x, ==, tg_random_next (&b));
      differ += x != tg_random_next (&c);
    }
  g_assert_cmpuint (differ, ==, 1000);

  /* Streams of one seed are independent of each other and reproducible. */
  tg_random_init_stream (&a, 42, 1, 20000);
  tg_random_init_stream (&b, 42, 1, 20000);
  tg_random_init_stream (&c, 42, 1, 20001);
  tg_random_init_stream (&d, 42, 2, 20000);
  g_assert_cmpuint (tg_random_next (&a), ==, tg_random_next (&b));
  g_assert_cmpuint (tg_random_next (&a), !=, tg_random_next (&c));
  g_assert_cmpuint (tg_random_next (&b), !=, tg_random_next (&d));

  /* The distributions draw reproducibly too, including Box–Muller's spare value. */
  tg_random_init (&a, 7);
  tg_random_init (&b, 7);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpfloat (tg_random_normal (&a, 0, 1), ==, tg_random_normal (&b, 0, 1));
      g_assert_cmpuint (tg_random_poisson (&a, 30.0), ==, tg_random_poisson (&b, 30.0));
    }

  g_assert_cmpuint (tg_random_mix (1, 2), ==, tg_random_mix (1, 2));
  g_assert_cmpuint (tg_random_mix (1, 2), !=, tg_random_mix (2, 1));
}

static void
test_uniform (void)
{
  TgRandom rng;
  guint buckets[10] = { 0 };
  double sum = 0.0;
  double chi2 = 0.0;

  tg_random_init (&rng, 1);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      double x = tg_random_double (&rng);
      guint32 k = tg_random_below (&rng, 10);

      g_assert_cmpfloat (x, >=, 0.0);
      g_assert_cmpfloat (x, <, 1.0);
      g_assert_cmpuint (k, <, 10);
      buckets[k]++;
      sum += x;
    }
  g_assert_cmpfloat_with_epsilon (sum / N_SAMPLES, 0.5, 0.005);

  for (guint k = 0; k < 10; k++)
    {
      double expected = N_SAMPLES / 10.0;

      chi2 += (buckets[k] - expected) * (buckets[k] - expected) / expected;
    }
  /* 9 degrees of freedom: 27.9 is the 0.1 % quantile. */
  g_assert_cmpfloat (chi2, <, 27.9);

  g_assert_cmpuint (tg_random_below (&rng, 0), ==, 0);
  g_assert_cmpuint (tg_random_below (&rng, 1), ==, 0);
  for (guint i = 0; i < 1000; i++)
    {
      gint64 v = tg_random_range (&rng, -5, 5);
      double u = tg_random_uniform (&rng, 2.0, 3.0);

      g_assert_cmpint (v, >=, -5);
      g_assert_cmpint (v, <, 5);
      g_assert_cmpfloat (u, >=, 2.0);
      g_assert_cmpfloat (u, <, 3.0);
    }
  g_assert_cmpint (tg_random_range (&rng, 9, 9), ==, 9);
  g_assert_cmpint (tg_random_range (&rng, 0, G_GINT64_CONSTANT (1) << 40), >=, 0);
}

static void
test_normal (void)
{
  TgRandom rng;
  double sum = 0.0;
  double squares = 0.0;
  double mean;
  guint within_one = 0;

  tg_random_init (&rng, 2);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      double x = tg_random_normal (&rng, 10.0, 3.0);

      sum += x;
      squares += x * x;
      within_one += fabs (x - 10.0) < 3.0;
    }

  mean = sum / N_SAMPLES;
  g_assert_cmpfloat_with_epsilon (mean, 10.0, 0.05);
  g_assert_cmpfloat_with_epsilon (sqrt (squares / N_SAMPLES - mean * mean), 3.0, 0.05);
  /* 68.27 % within one standard deviation. */
  g_assert_cmpfloat_with_epsilon ((double)within_one / N_SAMPLES, 0.6827, 0.01);
}

typedef struct
{
  double median;
  double sigma;
} LogNormalCase;

static const LogNormalCase log_normal_cases[] = {
  { 120.0, 0.45 },   /* an address API's latency */
  { 1800.0, 0.6 },   /* a chat completion's */
  { 1.0, 1.0 },
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
test_log_normal (gconstpointer data)
{
  const LogNormalCase *c = data;
  g_autofree double *samples = g_new (double, N_SAMPLES);
  double log_sum = 0.0;
  double mean = 0.0;
  TgRandom rng;

  tg_random_init (&rng, 3);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      samples[i] = tg_random_log_normal (&rng, c->median, c->sigma);
      g_assert_cmpfloat (samples[i], >, 0.0);
      log_sum += log (samples[i]);
      mean += samples[i] / N_SAMPLES;
    }
  qsort (samples, N_SAMPLES, sizeof (double), compare_doubles);

  g_assert_cmpfloat_with_epsilon (samples[N_SAMPLES / 2] / c->median, 1.0, 0.02);
  g_assert_cmpfloat_with_epsilon (log_sum / N_SAMPLES, log (c->median), 0.01);
  /* The mean sits above the median by exp(σ²/2): a long right tail. */
  g_assert_cmpfloat_with_epsilon (mean / (c->median * exp (c->sigma * c->sigma / 2.0)), 1.0, 0.03);
}

static void
test_exponential (void)
{
  TgRandom rng;
  double sum = 0.0;

  tg_random_init (&rng, 4);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      double x = tg_random_exponential (&rng, 5.0);

      g_assert_cmpfloat (x, >=, 0.0);
      sum += x;
    }
  g_assert_cmpfloat_with_epsilon (sum / N_SAMPLES / 5.0, 1.0, 0.02);
}

static const double poisson_means[] = { 0.05, 0.7, 4.0, 9.99, 10.0, 37.5, 900.0 };

static void
test_poisson (gconstpointer data)
{
  double lambda = *(const double *)data;
  TgRandom rng;
  double sum = 0.0;
  double squares = 0.0;
  double mean;
  guint zeros = 0;

  tg_random_init (&rng, 5);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      guint k = tg_random_poisson (&rng, lambda);

      sum += k;
      squares += (double)k * k;
      zeros += k == 0;
    }

  /* Mean and variance are both λ. */
  mean = sum / N_SAMPLES;
  g_assert_cmpfloat_with_epsilon (mean / lambda, 1.0, 0.02);
  g_assert_cmpfloat_with_epsilon ((squares / N_SAMPLES - mean * mean) / lambda, 1.0, 0.04);
  if (lambda < 5.0)
    g_assert_cmpfloat_with_epsilon ((double)zeros / N_SAMPLES, exp (-lambda), 0.01);

  g_assert_cmpuint (tg_random_poisson (&rng, 0.0), ==, 0);
  g_assert_cmpuint (tg_random_poisson (&rng, -1.0), ==, 0);
}

static void
test_weighted (void)
{
  const double weights[] = { 0.5, 0.0, 0.3, 0.2 };
  guint counts[G_N_ELEMENTS (weights)] = { 0 };
  TgRandom rng;

  tg_random_init (&rng, 6);
  for (guint i = 0; i < N_SAMPLES; i++)
    counts[tg_random_weighted (&rng, weights, G_N_ELEMENTS (weights))]++;

  g_assert_cmpuint (counts[1], ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    g_assert_cmpfloat_with_epsilon ((double)counts[i] / N_SAMPLES, weights[i], 0.005);

  /* Weights need not add up to one. */
  {
    const double raw[] = { 3.0, 1.0 };
    guint first = 0;

    for (guint i = 0; i < 10000; i++)
      first += tg_random_weighted (&rng, raw, 2) == 0;
    g_assert_cmpfloat_with_epsilon (first / 10000.0, 0.75, 0.02);
  }
}

static void
test_zipf (void)
{
  g_autoptr(TgZipf) zipf = tg_zipf_new (1000, 1.1);
  g_autofree guint *counts = g_new0 (guint, 1000);
  double total = 0.0;
  double top = 0.0;
  TgRandom rng;

  g_assert_cmpuint (tg_zipf_get_n (zipf), ==, 1000);
  for (guint k = 0; k < 1000; k++)
    {
      total += tg_zipf_get_probability (zipf, k);
      if (k > 0)
        g_assert_cmpfloat (tg_zipf_get_probability (zipf, k), <,
                           tg_zipf_get_probability (zipf, k - 1));
    }
  g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-9);
  g_assert_cmpfloat (tg_zipf_get_probability (zipf, 1000), ==, 0.0);
  /* P(k) ∝ (k+1)^-s: rank 0 is 2^1.1 times as likely as rank 1. */
  g_assert_cmpfloat_with_epsilon (tg_zipf_get_probability (zipf, 0)
                                  / tg_zipf_get_probability (zipf, 1), pow (2.0, 1.1), 1e-9);

  tg_random_init (&rng, 8);
  for (guint i = 0; i < N_SAMPLES; i++)
    {
      guint k = tg_random_zipf (&rng, zipf);

      g_assert_cmpuint (k, <, 1000);
      counts[k]++;
    }
  for (guint k = 0; k < 5; k++)
    g_assert_cmpfloat_with_epsilon ((double)counts[k] / N_SAMPLES,
                                    tg_zipf_get_probability (zipf, k), 0.006);

  /* The long tail too, in tenths of the ranks. */
  for (guint decile = 0; decile < 10; decile++)
    {
      double expected = 0.0;
      double seen = 0.0;

      for (guint k = decile * 100; k < (decile + 1) * 100; k++)
        {
          expected += tg_zipf_get_probability (zipf, k);
          seen += counts[k];
        }
      g_assert_cmpfloat_with_epsilon (seen / N_SAMPLES / expected, 1.0, 0.05);
    }

  /* A few ranks far heavier than the rest: the top 1 % draw over a third. */
  for (guint k = 0; k < 10; k++)
    top += counts[k];
  g_assert_cmpfloat (top / N_SAMPLES, >, 0.35);
}

static void
test_shuffle (void)
{
  guint items[50];
  guint seen[50] = { 0 };
  guint moved = 0;
  TgRandom rng;

  for (guint i = 0; i < 50; i++)
    items[i] = i;

  tg_random_init (&rng, 9);
  tg_random_shuffle (&rng, items, 50);
  for (guint i = 0; i < 50; i++)
    {
      seen[items[i]]++;
      moved += items[i] != i;
    }
  for (guint i = 0; i < 50; i++)
    g_assert_cmpuint (seen[i], ==, 1);
  g_assert_cmpuint (moved, >, 25);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/random/determinism", test_determinism);
  g_test_add_func ("/tollgate/unit/random/uniform", test_uniform);
  g_test_add_func ("/tollgate/unit/random/normal", test_normal);
  for (guint i = 0; i < G_N_ELEMENTS (log_normal_cases); i++)
    {
      const LogNormalCase *c = &log_normal_cases[i];
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/random/log-normal/%g-%g",
                                               c->median, c->sigma);

      g_test_add_data_func (path, c, test_log_normal);
    }
  g_test_add_func ("/tollgate/unit/random/exponential", test_exponential);
  for (guint i = 0; i < G_N_ELEMENTS (poisson_means); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/random/poisson/%g",
                                               poisson_means[i]);

      g_test_add_data_func (path, &poisson_means[i], test_poisson);
    }
  g_test_add_func ("/tollgate/unit/random/weighted", test_weighted);
  g_test_add_func ("/tollgate/unit/random/zipf", test_zipf);
  g_test_add_func ("/tollgate/unit/random/shuffle", test_shuffle);

  return g_test_run ();
}
