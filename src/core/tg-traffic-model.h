/* tg-traffic-model.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tg-random.h"

G_BEGIN_DECLS

/* The model behind `tollgatectl simulate`: realistic API traffic as a pure function of a
 * seed. Days are UTC days numbered from 1970-01-01 (day 0); times are microseconds since
 * the Unix epoch, UTC. Each day's rows come from generators derived from (seed, day,
 * region), so a day is the same whichever range it is generated in, except for the one
 * runaway-user spike, which tg_traffic_model_set_range() places inside the range.
 *
 * After tg_traffic_model_set_range(), several threads may generate days and read their
 * rows at once; tg_traffic_model_make_live_row() is for one thread.
 */

#define TG_TRAFFIC_USEC_PER_MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define TG_TRAFFIC_USEC_PER_HOUR   (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define TG_TRAFFIC_USEC_PER_DAY    (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* Rows per day (a week's mean, without the spike) when nothing else is asked for: 90 days
 * then hold about a million calls.
 */
#define TG_TRAFFIC_DEFAULT_ROWS_PER_DAY 9300.0

/* A weekend day's traffic relative to a weekday's, in each region's own local time. */
#define TG_TRAFFIC_WEEKEND_FACTOR 0.45

typedef enum
{
  TG_TRAFFIC_PROVIDER_GEOSCAPE,
  TG_TRAFFIC_PROVIDER_SMARTY_STREETS,
  TG_TRAFFIC_PROVIDER_HERE,
  TG_TRAFFIC_PROVIDER_POSTCODES_IO,
  TG_TRAFFIC_PROVIDER_CANADA_POST,
  TG_TRAFFIC_PROVIDER_OPENAI,
  TG_TRAFFIC_N_PROVIDERS
} TgTrafficProvider;

typedef enum
{
  TG_TRAFFIC_REGION_AU,
  TG_TRAFFIC_REGION_US,
  TG_TRAFFIC_REGION_EU,
  TG_TRAFFIC_REGION_CA,
  TG_TRAFFIC_N_REGIONS
} TgTrafficRegion;

/* One row of tollgate.api_usage_tracking (without api_usage_id). The strings are static
 * or point into the model; the buffers are the row's own. Filled by
 * tg_traffic_day_get_row() without allocating, so one row can be reused for a day.
 */
typedef struct
{
  gint64             created_at;          /* µs since the epoch, UTC */
  gint64             user_id;             /* 0: no user (SQL NULL) */
  TgTrafficProvider  provider;
  TgTrafficRegion    region;
  const char        *api_provider;        /* the provider's slug */
  const char        *api_endpoint;
  const char        *request_type;
  const char        *feature;
  const char        *region_code;
  const char        *user_agent;
  guint              call_count;
  guint              credit_cost;         /* whole credits */
  guint              response_time;       /* ms */
  guint              response_status;     /* HTTP status; 0: timeout */
  gboolean           is_billable;
  char               ip_address[48];
  char               request_data[256];   /* JSON */
  char               response_data[256];  /* JSON; "" for SQL NULL (no response) */
} TgTrafficRow;

/* A multi-hour outage of a region's primary provider: from @start it fails (timeouts and
 * 5xx), from @failover the region's address traffic runs on @backup, at @end the
 * primary is healthy and takes the traffic back.
 */
typedef struct
{
  TgTrafficRegion   region;
  TgTrafficProvider primary;
  TgTrafficProvider backup;
  gint64            start;
  gint64            failover;
  gint64            end;
} TgTrafficOutage;

/* One user's runaway script: a burst of autocomplete calls for an hour or so. */
typedef struct
{
  TgTrafficRegion region;
  gint64          user_id;
  gint64          start;
  gint64          end;
  guint           expected_rows;
} TgTrafficSpike;

typedef struct
{
  gint64      user_id;
  char       *display_name;
  char       *email;
  const char *tier;
  const char *cost_centre;
  TgTrafficRegion region;
  guint       rank;             /* 0: the region's heaviest user */
  guint       user_agent;       /* index of the usual user agent */
  guint32     address_seed;     /* where the IP address comes from */
  gboolean    ipv6;
} TgTrafficUser;

typedef struct
{
  const char *name;
  const char *display_name;
  const char *cost_centre;
} TgTrafficFeature;

typedef struct
{
  const char *code;
  const char *display_name;
} TgTrafficCostCentre;

typedef struct _TgTrafficModel TgTrafficModel;
typedef struct _TgTrafficDay   TgTrafficDay;

const char                *tg_traffic_provider_get_slug        (TgTrafficProvider  provider);
const char                *tg_traffic_region_get_code          (TgTrafficRegion    region);
const char                *tg_traffic_region_get_time_zone     (TgTrafficRegion    region);
TgTrafficProvider          tg_traffic_region_get_primary       (TgTrafficRegion    region);
TgTrafficProvider          tg_traffic_region_get_backup        (TgTrafficRegion    region);
double                     tg_traffic_region_get_share         (TgTrafficRegion    region);
double                     tg_traffic_daily_curve              (double             local_hour);
const TgTrafficFeature    *tg_traffic_get_features             (guint             *n_features);
const TgTrafficCostCentre *tg_traffic_get_cost_centres         (guint             *n_cost_centres);
gint64                     tg_traffic_day_from_date            (int                year,
                                                                int                month,
                                                                int                day);
void                       tg_traffic_day_to_date              (gint64             days,
                                                                int               *year,
                                                                int               *month,
                                                                int               *day);

TgTrafficModel            *tg_traffic_model_new                (guint64            seed,
                                                                double             rows_per_day);
void                       tg_traffic_model_free               (TgTrafficModel    *self);
guint64                    tg_traffic_model_get_seed           (TgTrafficModel    *self);
double                     tg_traffic_model_get_rows_per_day   (TgTrafficModel    *self);
void                       tg_traffic_model_set_range          (TgTrafficModel    *self,
                                                                gint64             first_day,
                                                                guint              n_days);
gboolean                   tg_traffic_model_get_spike          (TgTrafficModel    *self,
                                                                TgTrafficSpike    *spike);
GArray                    *tg_traffic_model_list_outages       (TgTrafficModel    *self,
                                                                gint64             from,
                                                                gint64             to);
double                     tg_traffic_model_get_rate           (TgTrafficModel    *self,
                                                                TgTrafficRegion    region,
                                                                gint64             time);
double                     tg_traffic_model_get_local_hour     (TgTrafficModel    *self,
                                                                TgTrafficRegion    region,
                                                                gint64             time,
                                                                gboolean          *weekend);
const TgTrafficUser       *tg_traffic_model_get_users          (TgTrafficModel    *self,
                                                                guint             *n_users);
TgTrafficDay              *tg_traffic_model_generate_day       (TgTrafficModel    *self,
                                                                gint64             day);
void                       tg_traffic_model_make_live_row      (TgTrafficModel    *self,
                                                                TgRandom          *rng,
                                                                gint64             time,
                                                                TgTrafficRow      *row);

gint64                     tg_traffic_day_get_day              (TgTrafficDay      *day);
guint                      tg_traffic_day_get_n_rows           (TgTrafficDay      *day);
void                       tg_traffic_day_get_row              (TgTrafficDay      *day,
                                                                guint              index,
                                                                TgTrafficRow      *row);
void                       tg_traffic_day_free                 (TgTrafficDay      *day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgTrafficModel, tg_traffic_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgTrafficDay, tg_traffic_day_free)

G_END_DECLS
