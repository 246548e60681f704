/* tg-random.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* xoshiro256** (Blackman & Vigna) seeded with splitmix64, as its authors recommend.
 * Every simulated row draws from a generator derived from (seed, stream, substream), so
 * streams never depend on how many numbers another stream consumed.
 */

#include "config.h"

#include <math.h>

#include "tg-random.h"

/* Drawn with Walker's alias method (Vose's construction): one uniform number and one
 * table lookup a draw, whatever n is.
 */
typedef struct
{
  double accept;        /* stay in this column when the fraction is below this … */
  guint  alias;         /* … else take this one */
} ZipfColumn;

struct _TgZipf
{
  guint       n;
  double     *probability;
  ZipfColumn *columns;
};

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/**
 * tg_random_mix:
 *
 * Hashes two 64-bit values into one, well mixed: the way to derive the seed of a
 * sub-stream (a day, a region, an event) from its parent.
 */
guint64
tg_random_mix (guint64 a,
               guint64 b)
{
  guint64 state = a ^ rotl (b, 29) ^ G_GUINT64_CONSTANT (0x6a09e667f3bcc909);
  guint64 h = splitmix64 (&state);

  state ^= b;
  return h ^ splitmix64 (&state);
}

void
tg_random_init (TgRandom *self,
                guint64   seed)
{
  guint64 state = seed;

  g_return_if_fail (self != NULL);

  for (guint i = 0; i < 4; i++)
    self->s[i] = splitmix64 (&state);
  self->has_spare_normal = FALSE;
  self->spare_normal = 0.0;
}

/* A generator for one (stream, substream) of @seed: e.g. (seed, day, region). */
void
tg_random_init_stream (TgRandom *self,
                       guint64   seed,
                       guint64   stream,
                       guint64   substream)
{
  tg_random_init (self, tg_random_mix (tg_random_mix (seed, stream), substream));
}

guint64
tg_random_next (TgRandom *self)
{
  guint64 *s = self->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

/* Uniform in [0, 1) with 53 random bits. */
double
tg_random_double (TgRandom *self)
{
  return (double)(tg_random_next (self) >> 11) * 0x1.0p-53;
}

/* Uniform in (0, 1]: safe to take the logarithm of. */
static inline double
random_double_positive (TgRandom *self)
{
  return ((double)(tg_random_next (self) >> 11) + 1.0) * 0x1.0p-53;
}

/* Uniform integer in [0, bound), without modulo bias (Lemire's method). */
guint32
tg_random_below (TgRandom *self,
                 guint32   bound)
{
  guint64 m;
  guint32 low;

  if (bound <= 1)
    return 0;

  m = (guint64)(guint32)(tg_random_next (self) >> 32) * bound;
  low = (guint32)m;
  if (low < bound)
    {
      guint32 threshold = -bound % bound;

      while (low < threshold)
        {
          m = (guint64)(guint32)(tg_random_next (self) >> 32) * bound;
          low = (guint32)m;
        }
    }

  return (guint32)(m >> 32);
}

/* Uniform integer in [begin, end). */
gint64
tg_random_range (TgRandom *self,
                 gint64    begin,
                 gint64    end)
{
  guint64 span;

  if (end <= begin)
    return begin;

  span = (guint64)end - (guint64)begin;
  if (span <= G_MAXUINT32)
    return begin + tg_random_below (self, (guint32)span);

  return begin + (gint64)(tg_random_next (self) % span);
}

double
tg_random_uniform (TgRandom *self,
                   double    begin,
                   double    end)
{
  return begin + (end - begin) * tg_random_double (self);
}

gboolean
tg_random_chance (TgRandom *self,
                  double    probability)
{
  return tg_random_double (self) < probability;
}

/* Box–Muller; the second value of each pair is kept for the next call. */
double
tg_random_normal (TgRandom *self,
                  double    mean,
                  double    stddev)
{
  double radius;
  double angle;

  if (self->has_spare_normal)
    {
      self->has_spare_normal = FALSE;
      return mean + stddev * self->spare_normal;
    }

  radius = sqrt (-2.0 * log (random_double_positive (self)));
  angle = 2.0 * G_PI * tg_random_double (self);
  self->spare_normal = radius * sin (angle);
  self->has_spare_normal = TRUE;

  return mean + stddev * radius * cos (angle);
}

/* exp(N(ln median, sigma²)): the median is @median, the mean median·exp(sigma²/2). */
double
tg_random_log_normal (TgRandom *self,
                      double    median,
                      double    sigma)
{
  return median * exp (tg_random_normal (self, 0.0, sigma));
}

double
tg_random_exponential (TgRandom *self,
                       double    mean)
{
  return -mean * log (random_double_positive (self));
}

/* Inversion for small means; Hörmann's transformed rejection (PTRS) for large ones. */
guint
tg_random_poisson (TgRandom *self,
                   double    lambda)
{
  double slam, loglam, b, a, inv_alpha, v_r;

  if (!(lambda > 0.0))
    return 0;

  if (lambda < 10.0)
    {
      double p = exp (-lambda);
      double sum = p;
      double u = tg_random_double (self);
      guint k = 0;

      while (u > sum && k < 1000)
        {
          k++;
          p *= lambda / k;
          sum += p;
        }
      return k;
    }

  slam = sqrt (lambda);
  loglam = log (lambda);
  b = 0.931 + 2.53 * slam;
  a = -0.059 + 0.02483 * b;
  inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  v_r = 0.9277 - 3.6224 / (b - 2.0);

  for (;;)
    {
      double u = tg_random_double (self) - 0.5;
      double v = tg_random_double (self);
      double us = 0.5 - fabs (u);
      double k = floor ((2.0 * a / us + b) * u + lambda + 0.43);

      if (us >= 0.07 && v <= v_r)
        return (guint)k;
      if (k < 0.0 || (us < 0.013 && v > us))
        continue;
      if (log (v) + log (inv_alpha) - log (a / (us * us) + b)
          <= -lambda + k * loglam - lgamma (k + 1.0))
        return (guint)k;
    }
}

/* An index in [0, n_weights) with probability proportional to its weight. */
guint
tg_random_weighted (TgRandom     *self,
                    const double *weights,
                    guint         n_weights)
{
  double total = 0.0;
  double x;

  g_return_val_if_fail (n_weights > 0, 0);

  for (guint i = 0; i < n_weights; i++)
    total += weights[i];

  x = tg_random_double (self) * total;
  for (guint i = 0; i < n_weights; i++)
    {
      if (x < weights[i])
        return i;
      x -= weights[i];
    }

  /* Rounding left us past the end: the last item with a weight. */
  for (guint i = n_weights; i > 0; i--)
    if (weights[i - 1] > 0.0)
      return i - 1;

  return n_weights - 1;
}

/* Fisher–Yates. */
void
tg_random_shuffle (TgRandom *self,
                   guint    *items,
                   guint     n_items)
{
  for (guint i = n_items; i > 1; i--)
    {
      guint j = tg_random_below (self, i);
      guint tmp = items[i - 1];

      items[i - 1] = items[j];
      items[j] = tmp;
    }
}

TgZipf *
tg_zipf_new (guint  n,
             double exponent)
{
  TgZipf *zipf;
  g_autofree double *scaled = NULL;
  g_autofree guint *small = NULL;
  g_autofree guint *large = NULL;
  guint n_small = 0, n_large = 0;
  double total = 0.0;

  g_return_val_if_fail (n > 0, NULL);

  zipf = g_new0 (TgZipf, 1);
  zipf->n = n;
  zipf->probability = g_new (double, n);
  zipf->columns = g_new (ZipfColumn, n);
  scaled = g_new (double, n);
  small = g_new (guint, n);
  large = g_new (guint, n);

  for (guint k = 0; k < n; k++)
    total += pow (k + 1.0, -exponent);
  for (guint k = 0; k < n; k++)
    {
      zipf->probability[k] = pow (k + 1.0, -exponent) / total;
      scaled[k] = zipf->probability[k] * n;
      zipf->columns[k].alias = k;
      if (scaled[k] < 1.0)
        small[n_small++] = k;
      else
        large[n_large++] = k;
    }

  /* Fill each under-full column with the rest from an over-full one. */
  while (n_small > 0 && n_large > 0)
    {
      guint s = small[--n_small];
      guint l = large[--n_large];

      zipf->columns[s].accept = scaled[s];
      zipf->columns[s].alias = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0)
        small[n_small++] = l;
      else
        large[n_large++] = l;
    }
  /* What is left is full, up to rounding. */
  while (n_large > 0)
    zipf->columns[large[--n_large]].accept = 1.0;
  while (n_small > 0)
    zipf->columns[small[--n_small]].accept = 1.0;

  return zipf;
}

void
tg_zipf_free (TgZipf *zipf)
{
  if (zipf == NULL)
    return;

  g_free (zipf->probability);
  g_free (zipf->columns);
  g_free (zipf);
}

guint
tg_zipf_get_n (const TgZipf *zipf)
{
  g_return_val_if_fail (zipf != NULL, 0);

  return zipf->n;
}

double
tg_zipf_get_probability (const TgZipf *zipf,
                         guint         rank)
{
  g_return_val_if_fail (zipf != NULL, 0.0);

  if (rank >= zipf->n)
    return 0.0;

  return zipf->probability[rank];
}

/* A rank in [0, n): a column from the integer part of u·n, its alias or not from the
 * fraction.
 */
guint
tg_random_zipf (TgRandom     *self,
                const TgZipf *zipf)
{
  double x = tg_random_double (self) * zipf->n;
  guint i = MIN ((guint)x, zipf->n - 1);

  return x - i < zipf->columns[i].accept ? i : zipf->columns[i].alias;
}
