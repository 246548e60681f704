/* bench-usage.h — what the parts of tools/bench-usage share
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Private to the bench-usage program, which is split by concern:
 *
 *   bench-usage.c    options, main, the setup and the header, and the helpers below
 *                    that every section uses (progress, timing figures, JSON members);
 *   bench-queries.c  sections 1-3: Grafana-style raw queries, Tollgate's query layer,
 *                    histogram percentiles, and measure(), which times their queries;
 *   bench-ingest.c   sections 4-5: the refresher's cost, and ingest with the live-row
 *                    pool with and without a refresher.
 *
 * The sections write to one Bench: the table that stdout gets at the end and the JSON
 * builder, in the order of the sections, so the JSON's members keep their order.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "tg-random.h"
#include "tg-traffic-model.h"

G_BEGIN_DECLS

typedef struct
{
  char      *db;
  char      *json_path;
  char     **info;
  int        runs;
  double     budget;
  int        connections;
  int        batch_rows;
  double     ingest_seconds;
  double     paced_seconds;
  double     paced_rate;
  double     refresh_interval;
  int        refresh_rows;
  int        refresh_repeats;
  gint64     seed;
  double     timeout;
  char      *sections;
} Options;

typedef struct
{
  char   *id;
  char   *label;
  char   *sql;         /* Grafana queries only */
  GArray *runs_ms;     /* double */
  double  first_ms;    /* the unmeasured warm-up run */
  guint   n_rows;
  gboolean single;     /* too slow to repeat: runs_ms holds the first run */
  gboolean timed_out;  /* cancelled by statement_timeout */
} Timing;

typedef struct
{
  Options     *options;
  PGconn      *conn;
  GTimeZone   *utc;
  gint64       now;            /* Unix seconds when the run began */
  GPtrArray   *timings;        /* Timing */
  JsonBuilder *json;           /* the sections after the setup */
  GString     *table;          /* what stdout gets at the end */
  char        *zone;           /* the database's billing-timezone, given back at the end */
  gboolean     zone_changed;   /* the setting is not @zone now */
  gboolean     failed;
} Bench;

/* The bounds tollgatectl makes (src/cli/tg-ctl-usage.c) for "today" in a zone. */
typedef struct
{
  gint64  month_start;
  gint64  month_end;
  GArray *hours30;       /* bounds of the 30-day hourly series */
  GArray *range30;       /* one bucket over the same 30 days */
  GArray *days92;        /* bounds of the 92-day daily series */
} Ranges;

/* bench-usage.c */
void      timing_free                (Timing         *timing);
double    timing_median              (const Timing   *timing);
double    timing_min                 (const Timing   *timing);
double    bench_elapsed_ms           (gint64          since);
void      bench_progress             (const char     *format,
                                      ...) G_GNUC_PRINTF (1, 2);
char     *bench_format_ms            (double          ms);
char     *bench_format_utc           (gint64          seconds);
void      bench_json_double          (JsonBuilder    *builder,
                                      const char     *name,
                                      double          value);
void      bench_json_int             (JsonBuilder    *builder,
                                      const char     *name,
                                      gint64          value);
void      bench_json_string          (JsonBuilder    *builder,
                                      const char     *name,
                                      const char     *value);
void      bench_json_bool            (JsonBuilder    *builder,
                                      const char     *name,
                                      gboolean        value);
gboolean  bench_want                 (Bench          *bench,
                                      char            section);
gboolean  bench_set_zone             (Bench          *bench,
                                      const char     *zone,
                                      GError        **error);

/* bench-queries.c */
gboolean  ranges_init                (Ranges         *ranges,
                                      GTimeZone      *tz,
                                      gint64          now,
                                      GError        **error);
void      ranges_clear               (Ranges         *ranges);
gboolean  bench_run_queries          (Bench          *bench,
                                      const Ranges   *utc_ranges,
                                      GError        **error);

/* bench-ingest.c */
gboolean  bench_run_refresh_cost     (Bench          *bench,
                                      TgTrafficModel *model,
                                      TgRandom       *rng,
                                      GError        **error);
gboolean  bench_run_ingest_section   (Bench          *bench,
                                      TgTrafficModel *model,
                                      TgRandom       *rng,
                                      GError        **error);

G_END_DECLS
