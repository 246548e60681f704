/* tg-traffic-private.h — what the files of the traffic model share
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The traffic model is three files. tg-traffic-data.c holds the platform it simulates:
 * regions, providers and their endpoints, features and cost centres, user agents, names
 * and addresses. tg-traffic-model.c holds the model itself: population, rates, outages and
 * the events of a day. tg-traffic-rows.c turns an event into a row. This header holds the
 * constants of the model and the types all three share.
 */

#pragma once

#include "tg-traffic-model.h"

G_BEGIN_DECLS

/* Streams of the seed, so that no generator depends on another one's use. */
enum
{
  STREAM_EVENTS = 1,
  STREAM_BURSTS,
  STREAM_OUTAGES,
  STREAM_SPIKE,
  STREAM_SPIKE_EVENTS,
  STREAM_POPULATION,
};

enum
{
  RT_AUTOCOMPLETE,
  RT_VALIDATE,
  RT_GEOCODE,
  RT_REVERSE_GEOCODE,
  RT_CHAT,
  RT_EMBEDDINGS,
  N_REQUEST_TYPES
};

enum
{
  F_CHECKOUT_ADDRESS,
  F_SIGNUP_VERIFY,
  F_DELIVERY_GEOCODE,
  F_STORE_LOCATOR,
  F_FRAUD_CHECK,
  F_CRM_CLEANSE,
  F_OPS_HEALTHCHECK,
  F_AI_SUMMARY,
  F_AI_SEARCH,
  F_AI_SUPPORT,
  F_AI_CLASSIFY,
  N_FEATURES
};

#define N_USERS             2000
#define ADDRESS_POOL        20000
#define QUERY_POOL          3000
#define AI_SHARE            0.17    /* of a region's rows */
#define BACKUP_SHARE        0.04    /* of a region's address rows outside outages */
#define PROBE_SHARE         0.02    /* calls the circuit breaker still sends a failed primary */
#define GUEST_SHARE         0.07    /* address rows of guests (no user) */
#define MAX_BURSTS          4
#define SPIKE_ROWS_PER_DAY  1.2     /* spike rows per rows_per_day */

/* Indices into _tg_traffic_user_agents: people's browsers and apps first, then the
 * platform's own services.
 */
#define N_PERSONAL_AGENTS   7
#define UA_PLATFORM         7
#define UA_CRM              8
#define UA_HEALTHCHECK      9
#define UA_SCRIPT           10

/* Address features come first in the feature enumeration, then AI features. */
#define N_ADDRESS_FEATURES  F_AI_SUMMARY
#define N_AI_FEATURES       (N_FEATURES - F_AI_SUMMARY)

typedef struct
{
  const char        *code;
  const char        *time_zone;
  const char        *country;
  TgTrafficProvider  primary;
  TgTrafficProvider  backup;
  double             share;
  guint              n_users;
} TgTrafficRegionInfo;

typedef struct
{
  const char      *slug;
  TgTrafficRegion  home;
  double           latency_median;   /* ms, a plain call from its home region */
  double           latency_sigma;
  double           burst_rate;       /* error bursts per day */
} TgTrafficProviderInfo;

typedef struct
{
  const char *display;
  const char *ascii;
} TgTrafficName;

/* Address pools: a locality, its streets and how addresses are written there. */
typedef struct
{
  const char         *locality;
  const char         *postcode;
  const char         *country;
  double              lat;
  double              lon;
  const char * const *streets;
  gboolean            number_after_street;
} TgTrafficLocality;

typedef struct
{
  const TgTrafficLocality *items;
  guint                    n_items;
} TgTrafficLocalities;

/* A short window of elevated errors of one provider. */
typedef struct
{
  gint64   start;
  gint64   end;
  double   error_rate;
  gboolean throttling;   /* 429s rather than 5xx */
} TgTrafficBurst;

/* A row to be: its time and region, and the seed that decides everything else. */
typedef struct
{
  gint64  time;
  guint64 seed;
  guint8  region;
  guint8  spike;
} TgTrafficEvent;

struct _TgTrafficModel
{
  guint64        seed;
  double         rows_per_day;
  double         curve_hours;        /* integral of the daily curve over 24 h */
  GTimeZone     *zones[TG_TRAFFIC_N_REGIONS];

  TgTrafficUser *users;
  guint          n_users;
  guint         *rank_to_user[TG_TRAFFIC_N_REGIONS];
  TgZipf        *user_zipf[TG_TRAFFIC_N_REGIONS];
  TgZipf        *address_zipf;
  TgZipf        *query_zipf;

  gboolean       has_spike;
  TgTrafficSpike spike;
  guint          spike_user;         /* index into users */

  TgTrafficDay  *live_day;           /* context for live rows; no events */
};

struct _TgTrafficDay
{
  TgTrafficModel *model;             /* borrowed */
  gint64          day;
  gint64          start;
  GArray         *events;            /* of TgTrafficEvent, by time */
  GArray         *outages;           /* of TgTrafficOutage touching the day */
  TgTrafficBurst  bursts[TG_TRAFFIC_N_PROVIDERS][MAX_BURSTS];
  guint           n_bursts[TG_TRAFFIC_N_PROVIDERS];
};

/* The tables of tg-traffic-data.c. */
extern const TgTrafficRegionInfo   _tg_traffic_regions[TG_TRAFFIC_N_REGIONS];
extern const TgTrafficProviderInfo _tg_traffic_providers[TG_TRAFFIC_N_PROVIDERS];
extern const char * const          _tg_traffic_request_types[N_REQUEST_TYPES];
extern const char * const          _tg_traffic_endpoints[TG_TRAFFIC_N_PROVIDERS][4];
extern const char * const          _tg_traffic_smarty_international[4];
extern const char * const          _tg_traffic_batch_endpoints[TG_TRAFFIC_N_PROVIDERS];
extern const guint                 _tg_traffic_geoscape_credits[4];
extern const TgTrafficCostCentre   _tg_traffic_cost_centres[];
extern const TgTrafficFeature      _tg_traffic_features[N_FEATURES];
extern const double                _tg_traffic_address_feature_weights[N_ADDRESS_FEATURES];
extern const double                _tg_traffic_ai_feature_weights[N_AI_FEATURES];
extern const char * const          _tg_traffic_user_agents[];
extern const double                _tg_traffic_personal_agent_weights[N_PERSONAL_AGENTS];
extern const TgTrafficName         _tg_traffic_first_names[];
extern const guint                 _tg_traffic_n_first_names;
extern const TgTrafficName         _tg_traffic_last_names[];
extern const guint                 _tg_traffic_n_last_names;
extern const char * const          _tg_traffic_email_domains[];
extern const guint                 _tg_traffic_n_email_domains;
extern const TgTrafficLocalities   _tg_traffic_localities[TG_TRAFFIC_N_REGIONS];
extern const char * const          _tg_traffic_query_words[];
extern const guint                 _tg_traffic_n_query_words;

void _tg_traffic_make_row (TgTrafficDay         *day,
                           const TgTrafficEvent *event,
                           TgTrafficRow         *row);

G_END_DECLS
