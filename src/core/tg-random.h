/* tg-random.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small, fast, seedable pseudo-random generator (xoshiro256**, seeded through
 * splitmix64) with the distributions the traffic simulator needs. Not for secrets.
 * The state is a plain struct: put it on the stack, copy it to fork a stream.
 */
typedef struct
{
  guint64  s[4];
  double   spare_normal;
  gboolean has_spare_normal;
} TgRandom;

/* A Zipf-like law over ranks 0 … n-1: P(rank k) ∝ 1 / (k + 1)^exponent. */
typedef struct _TgZipf TgZipf;

guint64  tg_random_mix             (guint64          a,
                                    guint64          b);
void     tg_random_init            (TgRandom        *self,
                                    guint64          seed);
void     tg_random_init_stream     (TgRandom        *self,
                                    guint64          seed,
                                    guint64          stream,
                                    guint64          substream);
guint64  tg_random_next            (TgRandom        *self);
double   tg_random_double          (TgRandom        *self);
guint32  tg_random_below           (TgRandom        *self,
                                    guint32          bound);
gint64   tg_random_range           (TgRandom        *self,
                                    gint64           begin,
                                    gint64           end);
double   tg_random_uniform         (TgRandom        *self,
                                    double           begin,
                                    double           end);
gboolean tg_random_chance          (TgRandom        *self,
                                    double           probability);
double   tg_random_normal          (TgRandom        *self,
                                    double           mean,
                                    double           stddev);
double   tg_random_log_normal      (TgRandom        *self,
                                    double           median,
                                    double           sigma);
double   tg_random_exponential     (TgRandom        *self,
                                    double           mean);
guint    tg_random_poisson         (TgRandom        *self,
                                    double           lambda);
guint    tg_random_weighted        (TgRandom        *self,
                                    const double    *weights,
                                    guint            n_weights);
void     tg_random_shuffle         (TgRandom        *self,
                                    guint           *items,
                                    guint            n_items);

TgZipf  *tg_zipf_new               (guint            n,
                                    double           exponent);
void     tg_zipf_free              (TgZipf          *zipf);
guint    tg_zipf_get_n             (const TgZipf    *zipf);
double   tg_zipf_get_probability   (const TgZipf    *zipf,
                                    guint            rank);
guint    tg_random_zipf            (TgRandom        *self,
                                    const TgZipf    *zipf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgZipf, tg_zipf_free)

G_END_DECLS
