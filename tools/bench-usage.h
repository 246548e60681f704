/* bench-usage.h — what the parts of tools/bench-usage share
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Private to the bench-usage program, which is split by concern:
 *
 *   bench-usage.c      options, main, the setup and the header, and the helpers below
 *                      that every section uses (progress, timing figures, JSON members,
 *                      the billing time zone);
 *   bench-queries.c    sections 1-3: Grafana-style raw queries, Tollgate's query layer,
 *                      histogram percentiles; bench_measure(), which times every read,
 *                      and the readers of Tollgate's series; the order of the reads;
 *   bench-groupings.c  sections 6-7: every grouping's series and the top groups, each
 *                      beside the same question asked of the raw rows, priced row by row;
 *   bench-ingest.c     sections 4-5: the refresher's cost, and ingest with the live-row
 *                      pool with and without a refresher.
 *
 * The sections write to one Bench: the table that stdout gets at the end and the JSON
 * builder, in the order they run, so the JSON's members keep their order. Sections 6 and 7
 * read before 4 and 5 write rows, but their text goes to late_table, printed after 5, so
 * that the table reads in the order of its numbers.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "tg-random.h"
#include "tg-traffic-model.h"
#include "tg-usage.h"

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
  double     raw_budget;   /* the raw-row queries of sections 6 and 7 */
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

/* How long a part of the run took (the "Time:" line and the JSON's "times"). */
typedef struct
{
  char   *label;
  double  seconds;
} BenchPart;

typedef struct
{
  Options     *options;
  PGconn      *conn;
  GTimeZone   *utc;
  gint64       now;            /* Unix seconds when the run began */
  GPtrArray   *timings;        /* Timing */
  JsonBuilder *json;           /* the sections after the setup */
  GString     *table;          /* what stdout gets at the end */
  GString     *late_table;     /* sections 6 and 7, printed after 5 */
  GPtrArray   *parts;          /* BenchPart, in the order they ran */
  char        *zone;           /* the database's billing-timezone, given back at the end */
  gboolean     zone_changed;   /* the setting is not @zone now */
  gboolean     failed;
} Bench;

/* The bounds tollgatectl makes (src/cli/tg-ctl-usage.c) for "today" in a zone. */
typedef struct
{
  gint64  month_start;
  gint64  month_end;
  gint64  last_month_start;   /* the last complete billing month */
  gint64  last_month_end;
  char   *last_month;         /* its name, "YYYY-MM" */
  GArray *hours30;            /* bounds of the 30-day hourly series */
  GArray *days30;             /* bounds of the 30-day daily series (the same days) */
  GArray *range30;            /* one bucket over the same 30 days */
  GArray *whole30;            /* one bucket over the 30 whole days before today */
  GArray *days92;             /* bounds of the 92-day daily series */
} Ranges;

/* A query timed by bench_measure(): it runs once and says how many rows it read. */
typedef gboolean (*BenchFunc) (Bench    *bench,
                               gpointer  data,
                               guint    *n_rows,
                               GError  **error);

/* A raw-row query, timed by bench_measure_raw(); the result of its last run is kept for
 * the comparisons.
 */
typedef struct
{
  char     *sql;
  PGresult *result;
} RawQuery;

/* Tollgate's series for some bounds and grouping (tg_usage_fetch_series), timed by
 * bench_measure() with bench_run_reader(); the rows of its last run are kept.
 */
typedef struct
{
  GArray         *bounds;      /* gint64 */
  TgUsageGroupBy  group_by;
  gboolean        with_total;  /* overview: also the "none" group, as tollgatectl does */
  gboolean        percentiles; /* compute p50/p95/p99 from each row's histogram */
  GPtrArray      *rows;        /* TgUsageRow, of the last run */
  GPtrArray      *totals;
  double          pct[64][3];
} Reader;

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
gboolean  bench_use_zone             (Bench          *bench,
                                      const char     *zone,
                                      GError        **error);
void      bench_add_part             (Bench          *bench,
                                      const char     *label,
                                      double          seconds);

/* bench-queries.c */
gboolean  ranges_init                (Ranges         *ranges,
                                      GTimeZone      *tz,
                                      gint64          now,
                                      GError        **error);
void      ranges_clear               (Ranges         *ranges);
Timing   *bench_measure              (Bench          *bench,
                                      const char     *id,
                                      const char     *label,
                                      BenchFunc       func,
                                      gpointer        data,
                                      double          budget);
Timing   *bench_measure_raw          (Bench          *bench,
                                      const char     *id,
                                      const char     *label,
                                      RawQuery       *raw,
                                      double          budget);
void      bench_raw_query_clear      (RawQuery       *raw);
Reader   *bench_reader_new           (GArray         *bounds,
                                      TgUsageGroupBy  group_by,
                                      gboolean        with_total,
                                      gboolean        with_percentiles);
void      bench_reader_free          (Reader         *reader);
gboolean  bench_run_reader           (Bench          *bench,
                                      gpointer        data,
                                      guint          *n_rows,
                                      GError        **error);
void      bench_json_timing          (JsonBuilder    *builder,
                                      const Timing   *timing);
char     *bench_format_timing_ms     (Bench          *bench,
                                      const Timing   *timing,
                                      double          ms);
char     *bench_format_runs          (const Timing   *timing);
gboolean  bench_run_queries          (Bench          *bench,
                                      const Ranges   *utc_ranges,
                                      GError        **error);

/* bench-groupings.c */
typedef struct _Groupings Groupings;

Groupings *bench_groupings_new            (void);
void       bench_groupings_free           (Groupings      *groupings);
gboolean   bench_groupings_measure_series (Bench          *bench,
                                           Groupings      *groupings,
                                           const char     *zone,
                                           gboolean        more_zones,
                                           GError        **error);
gboolean   bench_groupings_measure_top    (Bench          *bench,
                                           Groupings      *groupings,
                                           const Ranges   *utc_ranges,
                                           GError        **error);
void       bench_groupings_report         (Bench          *bench,
                                           Groupings      *groupings);

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
