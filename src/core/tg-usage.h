/* tg-usage.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tg-latency-histogram.h"

G_BEGIN_DECLS

/* What usage figures can be grouped by. */
typedef enum
{
  TG_USAGE_GROUP_NONE,
  TG_USAGE_GROUP_PROVIDER,
  TG_USAGE_GROUP_ENDPOINT,
  TG_USAGE_GROUP_REQUEST_TYPE,
  TG_USAGE_GROUP_FEATURE,
  TG_USAGE_GROUP_COST_CENTRE,
  TG_USAGE_GROUP_REGION,
  TG_USAGE_GROUP_STATUS_CLASS,
  TG_USAGE_GROUP_USER,
} TgUsageGroupBy;

#define TG_TYPE_USAGE_ROW (tg_usage_row_get_type ())

/* One bucket of one group: the figures every page shows. Money and credits are exact
 * micro-units (see tg-money.h); cost is in the reporting currency.
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  gint64              start;             /* bucket start, UTC seconds */
  gint64              end;               /* bucket end (exclusive), UTC seconds */
  char               *group;             /* "" for TG_USAGE_GROUP_NONE */
  gint64              calls;
  gint64              billable_calls;
  gint64              errors;
  gint64              timeouts;
  gint64              requests;
  gint64              credits;           /* micro-credits */
  gint64              input_tokens;
  gint64              output_tokens;
  char               *native_currency;   /* "" when the group mixes currencies */
  gint64              cost_native;       /* micro-units of native_currency */
  gint64              cost;              /* micro-units of the reporting currency */
  gint64              unpriced_calls;    /* billable calls without a price or a rate */
  TgLatencyHistogram *latency;
} TgUsageRow;

#define TG_TYPE_USAGE_CALL (tg_usage_call_get_type ())

/* A call (or a batch of calls) as the platform recorded it, priced on its own like the
 * rollups price it: a row of the live activity feed, or, detailed, one of the calls behind
 * a figure (tg-calls-queries.h), which also has the rest of the row and the native cost.
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  gint64              id;                /* api_usage_id */
  gint64              created_at;        /* UTC microseconds since the epoch */
  char               *provider;
  char               *endpoint;
  char               *request_type;
  gint64              user_id;           /* meaningful when has_user_id */
  gboolean            has_user_id;
  char               *feature;           /* "" where the row had none */
  char               *region;            /* "" where the row had none */
  int                 status;            /* HTTP status; 0: no response */
  int                 response_time;     /* milliseconds; -1 when not recorded */
  gint64              call_count;
  gint64              cost;              /* micro-units of the reporting currency */
  gboolean            priced;            /* FALSE: charged, but without a price or a rate */

  /* Read when detailed; the live feed leaves them as tg_usage_call_new() makes them. */
  gboolean            detailed;
  gboolean            has_feature;       /* FALSE: feature was NULL (feature is "") */
  gboolean            has_region;        /* FALSE: region was NULL (region is "") */
  gint64              credit_cost;       /* micro-credits */
  char               *request_data;      /* the jsonb as JSON text; NULL: none */
  char               *response_data;     /* the jsonb as JSON text; NULL: none */
  char               *billing_period;    /* "YYYY-MM"; NULL: none */
  gboolean            is_billable;
  char               *ip_address;        /* as PostgreSQL writes an inet: "203.0.113.7",
                                          * "10.1.0.0/16"; NULL: none */
  char               *user_agent;        /* NULL: none */
  char               *native_currency;   /* the provider's; "" when it is not in the catalogue */
  gint64              cost_native;       /* micro-units of native_currency */
  gboolean            priced_native;     /* FALSE: charged, but without a price */
} TgUsageCall;

#define TG_TYPE_USER_TOTAL (tg_user_total_get_type ())

/* One user's figures for one billing month (per provider, or all providers together). */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  gint64              user_id;           /* meaningful when has_user_id */
  gboolean            has_user_id;       /* FALSE: the calls made without a user */
  char               *display_name;      /* NULL when tollgate.users does not know the user */
  gint64              calls;
  gint64              billable_calls;
  gint64              errors;
  gint64              credits;           /* micro-credits */
  char               *native_currency;   /* "" when the user's providers bill in several */
  gint64              cost_native;       /* micro-units of native_currency */
  gint64              cost;              /* micro-units of the reporting currency */
  gint64              unpriced_calls;    /* billable calls without a price or a rate */
} TgUserTotal;

#define TG_TYPE_USAGE_TOP (tg_usage_top_get_type ())

/* The groups that cost the most over a range of time, the other groups summed, and the
 * total (tollgate usage top, the Analytics page; tg_usage_top_async() in src/db).
 *
 * Rows come most expensive first; ties go to more calls, then to the group in byte order
 * (users: the smaller user id, the calls without a user last), so the order is the same
 * on every run. Each amount is its own exact sum rounded once to micro-units (half away
 * from zero), as every usage figure is: the rows and the rest may add up to a few
 * micro-units more or less than the total. Rows of users carry no latency (the per-user
 * levels keep none).
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  TgUsageGroupBy      group_by;
  gint64              start;             /* the range, UTC seconds */
  gint64              end;               /* exclusive */
  GPtrArray          *rows;              /* (element-type TgUsageRow): at most the limit */
  GPtrArray          *display_names;     /* (element-type utf8): one per row, NULL when the
                                          * catalogue has no name for the group (users,
                                          * features, cost centres, providers, regions) */
  TgUsageRow         *rest;              /* every group after the rows, summed; group "" */
  guint               n_rest_groups;     /* how many groups the rest sums */
  TgUsageRow         *total;             /* every group; group "" */
} TgUsageTop;

#define TG_TYPE_USAGE_SETTINGS (tg_usage_settings_get_type ())

/* The shared settings that shape every figure. */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;

  /*< public >*/
  char               *billing_timezone;  /* IANA zone of days, weeks and months */
  char               *reporting_currency; /* ISO 4217 code of every cost */
} TgUsageSettings;

GType            tg_usage_row_get_type          (void) G_GNUC_CONST;
TgUsageRow      *tg_usage_row_new               (void);
TgUsageRow      *tg_usage_row_ref               (TgUsageRow        *row);
void             tg_usage_row_unref             (TgUsageRow        *row);
double           tg_usage_row_get_percentile    (const TgUsageRow  *row,
                                                 double             p);
double           tg_usage_row_get_error_rate    (const TgUsageRow  *row);
TgUsageRow      *tg_usage_rows_total            (GPtrArray         *rows,
                                                 gint64             start,
                                                 gint64             end,
                                                 const char        *group);

GType            tg_usage_call_get_type         (void) G_GNUC_CONST;
TgUsageCall     *tg_usage_call_new              (void);
TgUsageCall     *tg_usage_call_ref              (TgUsageCall       *call);
void             tg_usage_call_unref            (TgUsageCall       *call);

GType            tg_user_total_get_type         (void) G_GNUC_CONST;
TgUserTotal     *tg_user_total_new              (void);
TgUserTotal     *tg_user_total_ref              (TgUserTotal       *total);
void             tg_user_total_unref            (TgUserTotal       *total);

GType            tg_usage_top_get_type          (void) G_GNUC_CONST;
TgUsageTop      *tg_usage_top_new               (TgUsageGroupBy     group_by,
                                                 gint64             start,
                                                 gint64             end);
TgUsageTop      *tg_usage_top_ref               (TgUsageTop        *top);
void             tg_usage_top_unref             (TgUsageTop        *top);
guint            tg_usage_top_get_share         (const TgUsageTop  *top,
                                                 guint              index);
guint            tg_usage_share                 (gint64             part,
                                                 gint64             whole);

GType            tg_usage_settings_get_type     (void) G_GNUC_CONST;
TgUsageSettings *tg_usage_settings_new          (const char        *billing_timezone,
                                                 const char        *reporting_currency);
TgUsageSettings *tg_usage_settings_ref          (TgUsageSettings   *settings);
void             tg_usage_settings_unref        (TgUsageSettings   *settings);

gboolean         tg_usage_group_by_parse        (const char        *text,
                                                 TgUsageGroupBy    *group_by);
const char      *tg_usage_group_by_to_string    (TgUsageGroupBy     group_by);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageRow, tg_usage_row_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageCall, tg_usage_call_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUserTotal, tg_user_total_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageTop, tg_usage_top_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgUsageSettings, tg_usage_settings_unref)

G_END_DECLS
