/* tg-latency-histogram.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Response times are whole milliseconds. Bucket numbers are those of PostgreSQL's
 * width_bucket (ms, thresholds): 0 below the first threshold (0 ms: no response), i for
 * T[i] <= ms < T[i+1], n at or above the last threshold. The thresholds grow by 9 % per
 * bucket (at least 1 ms), so a bucket's representative value is within 4.5 % of every
 * latency in it up to ten minutes.
 */
#define TG_LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR 0.045

/* Latencies up to this many ms have a bounded error; the last threshold lies above it. */
#define TG_LATENCY_HISTOGRAM_RANGE_MS G_GINT64_CONSTANT (600000)

#define TG_TYPE_LATENCY_HISTOGRAM (tg_latency_histogram_get_type ())
#define TG_LATENCY_HISTOGRAM_ERROR (tg_latency_histogram_error_quark ())

typedef enum
{
  TG_LATENCY_HISTOGRAM_ERROR_NEGATIVE_COUNT,
  TG_LATENCY_HISTOGRAM_ERROR_TOO_MANY_BUCKETS,
} TgLatencyHistogramError;

typedef struct _TgLatencyHistogram TgLatencyHistogram;

GType               tg_latency_histogram_get_type          (void) G_GNUC_CONST;
GQuark              tg_latency_histogram_error_quark       (void);

const gint64       *tg_latency_histogram_get_thresholds    (guint                     *n);
guint               tg_latency_histogram_get_n_buckets     (void);
char               *tg_latency_histogram_format_thresholds (void);
guint               tg_latency_histogram_bucket_for_ms     (gint64                     ms);
double              tg_latency_histogram_bucket_value      (guint                      bucket);

TgLatencyHistogram *tg_latency_histogram_new               (void);
TgLatencyHistogram *tg_latency_histogram_copy              (const TgLatencyHistogram  *self);
void                tg_latency_histogram_free              (TgLatencyHistogram        *self);
void                tg_latency_histogram_clear             (TgLatencyHistogram        *self);
void                tg_latency_histogram_add               (TgLatencyHistogram        *self,
                                                            gint64                     ms,
                                                            guint64                    count);
void                tg_latency_histogram_merge             (TgLatencyHistogram        *self,
                                                            const TgLatencyHistogram  *other);
gboolean            tg_latency_histogram_equal             (const TgLatencyHistogram  *a,
                                                            const TgLatencyHistogram  *b);
guint64             tg_latency_histogram_get_count         (const TgLatencyHistogram  *self,
                                                            guint                      bucket);
guint64             tg_latency_histogram_get_total         (const TgLatencyHistogram  *self);
gboolean            tg_latency_histogram_has_data          (const TgLatencyHistogram  *self);
gboolean            tg_latency_histogram_add_counts        (TgLatencyHistogram        *self,
                                                            const gint64              *counts,
                                                            gsize                      n_counts,
                                                            GError                   **error);
gboolean            tg_latency_histogram_set_counts        (TgLatencyHistogram        *self,
                                                            const gint64              *counts,
                                                            gsize                      n_counts,
                                                            GError                   **error);
gint64             *tg_latency_histogram_to_array          (const TgLatencyHistogram  *self,
                                                            gsize                     *n_counts);
double              tg_latency_histogram_percentile        (const TgLatencyHistogram  *self,
                                                            double                     p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgLatencyHistogram, tg_latency_histogram_free)

G_END_DECLS
