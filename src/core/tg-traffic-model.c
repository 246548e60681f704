/* tg-traffic-model.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the simulated platform behaves.
 *
 * Each region makes calls at a rate that follows a daily curve in the region's own local
 * time (GTimeZone, so days of 23 and 25 hours come out right) and drops at weekends. A
 * day is generated in two steps: first the events — a time and a 64-bit seed each, drawn
 * per region minute by minute as Poisson counts — sorted by time; then, when the writer
 * asks for row i, the event's seed drives everything else about the row. Nothing is
 * allocated per row, and a row does not depend on how many rows came before it.
 *
 * Provider incidents are deterministic functions of the seed too: short error bursts per
 * (day, provider), and per UTC month one or two multi-hour outages of a region's
 * primary, during which the region fails over to its backup.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-traffic-model.h"

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

typedef struct
{
  const char        *code;
  const char        *time_zone;
  const char        *country;
  TgTrafficProvider  primary;
  TgTrafficProvider  backup;
  double             share;
  guint              n_users;
} RegionInfo;

static const RegionInfo regions[TG_TRAFFIC_N_REGIONS] = {
  { "AU", "Australia/Sydney", "AU", TG_TRAFFIC_PROVIDER_GEOSCAPE,
    TG_TRAFFIC_PROVIDER_SMARTY_STREETS, 0.34, 680 },
  { "US", "America/New_York", "US", TG_TRAFFIC_PROVIDER_SMARTY_STREETS,
    TG_TRAFFIC_PROVIDER_HERE, 0.30, 600 },
  { "EU", "Europe/Berlin", "DE", TG_TRAFFIC_PROVIDER_HERE,
    TG_TRAFFIC_PROVIDER_POSTCODES_IO, 0.21, 420 },
  { "CA", "America/Toronto", "CA", TG_TRAFFIC_PROVIDER_CANADA_POST,
    TG_TRAFFIC_PROVIDER_SMARTY_STREETS, 0.15, 300 },
};

typedef struct
{
  const char      *slug;
  TgTrafficRegion  home;
  double           latency_median;   /* ms, a plain call from its home region */
  double           latency_sigma;
  double           burst_rate;       /* error bursts per day */
} ProviderInfo;

static const ProviderInfo providers[TG_TRAFFIC_N_PROVIDERS] = {
  { "geoscape",       TG_TRAFFIC_REGION_AU, 120.0, 0.45, 0.5 },
  { "smarty_streets", TG_TRAFFIC_REGION_US,  85.0, 0.40, 0.4 },
  { "here",           TG_TRAFFIC_REGION_EU, 140.0, 0.50, 0.5 },
  { "postcodes_io",   TG_TRAFFIC_REGION_EU,  55.0, 0.35, 0.6 },
  { "canada_post",    TG_TRAFFIC_REGION_CA, 175.0, 0.50, 0.5 },
  { "openai",         TG_TRAFFIC_REGION_US,   0.0, 0.00, 0.8 },
};

static const char * const request_types[N_REQUEST_TYPES] = {
  "autocomplete", "validate", "geocode", "reverse_geocode", "chat.completions", "embeddings",
};

/* Endpoints by provider and request type (address providers). */
static const char * const endpoints[TG_TRAFFIC_N_PROVIDERS][4] = {
  { "/v1/predictive/address", "/v1/addresses/match",
    "/v1/addresses/geocoder", "/v1/addresses/reverseGeocoder" },
  { "us-autocomplete-pro/lookup", "us-street-api/street-address",
    "us-street-api/street-address", "us-reverse-geo/lookup" },
  { "/v1/autocomplete", "/v1/geocode", "/v1/geocode", "/v1/revgeocode" },
  { "/postcodes/{postcode}/autocomplete", "/postcodes/{postcode}/validate",
    "/postcodes/{postcode}", "/postcodes" },
  { "/AddressComplete/Interactive/Find/v2.10", "/AddressComplete/Interactive/Retrieve/v2.11",
    "/AddressComplete/Geocoding/Interactive/Geocode/v1.00",
    "/AddressComplete/Geocoding/Interactive/ReverseGeocode/v1.00" },
  { NULL, NULL, NULL, NULL },
};

/* SmartyStreets serving addresses outside the US (as AU's and CA's backup). */
static const char * const smarty_international[4] = {
  "international-autocomplete/v2/lookup", "international-street-api/verify",
  "international-street-api/verify", "us-reverse-geo/lookup",
};

static const char * const batch_endpoints[TG_TRAFFIC_N_PROVIDERS] = {
  "/v1/batch/addresses", "us-street-api/street-address", "/v1/batch/geocode",
  "/postcodes", "/AddressComplete/Batch/Cleanse/v1.00", NULL,
};

/* Geoscape bills credits: some request types cost more than one. */
static const guint geoscape_credits[4] = { 1, 1, 2, 2 };

static const TgTrafficCostCentre cost_centres[] = {
  { "ENG-PLATFORM", "Platform Engineering" },
  { "ECOM",         "E-commerce" },
  { "GROWTH",       "Growth & Onboarding" },
  { "LOGISTICS",    "Logistics" },
  { "SALES-OPS",    "Sales Operations" },
  { "RISK",         "Risk & Fraud" },
  { "DATA-AI",      "Data & AI" },
  { "SUPPORT",      "Customer Support" },
};

static const TgTrafficFeature features[N_FEATURES] = {
  { "checkout.address", "Checkout address entry",        "ECOM" },
  { "signup.verify",    "Sign-up address verification",  "GROWTH" },
  { "delivery.geocode", "Delivery geocoding",            "LOGISTICS" },
  { "store.locator",    "Store locator",                 "ECOM" },
  { "fraud.check",      "Fraud address check",           "RISK" },
  { "crm.cleanse",      "CRM bulk address cleanse",      "SALES-OPS" },
  { "ops.healthcheck",  "Provider health checks",        "ENG-PLATFORM" },
  { "ai.summary",       "AI order and ticket summaries", "DATA-AI" },
  { "ai.search",        "AI semantic search",            "ECOM" },
  { "ai.support",       "AI support assistant",          "SUPPORT" },
  { "ai.classify",      "AI ticket classification",      "SUPPORT" },
};

/* Shares of a region's address rows and AI rows. */
static const double address_feature_weights[] = {
  0.46, 0.15, 0.15, 0.08, 0.10, 0.012, 0.018,
};
static const double ai_feature_weights[] = {
  0.30, 0.35, 0.25, 0.10,
};

static const char * const user_agents[] = {
  /* 0 … 6: people's browsers and the shop's apps */
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
  "ShopApp/5.12.0 (iOS 17.4; iPhone15,2)",
  "ShopApp/5.12.1 (Android 14; SM-S918B)",
  /* 7 …: the platform's own services */
  "platform-api/3.8.2",
  "crm-sync/1.4.0",
  "tollgate-healthcheck/1.0",
  "python-requests/2.31.0",
};
#define N_PERSONAL_AGENTS 7
#define UA_PLATFORM       7
#define UA_CRM            8
#define UA_HEALTHCHECK    9
#define UA_SCRIPT         10

static const double personal_agent_weights[N_PERSONAL_AGENTS] = {
  0.30, 0.14, 0.20, 0.05, 0.11, 0.12, 0.08,
};

typedef struct
{
  const char *display;
  const char *ascii;
} Name;

static const Name first_names[] = {
  { "Olivia", "olivia" }, { "Liam", "liam" }, { "Charlotte", "charlotte" }, { "Noah", "noah" },
  { "Amelia", "amelia" }, { "Jack", "jack" }, { "Isla", "isla" }, { "William", "william" },
  { "Mia", "mia" }, { "Lucas", "lucas" }, { "Chloé", "chloe" }, { "José", "jose" },
  { "Zoë", "zoe" }, { "Björn", "bjorn" }, { "Siobhán", "siobhan" }, { "François", "francois" },
  { "Priya", "priya" }, { "Wei", "wei" }, { "Aroha", "aroha" }, { "Mateo", "mateo" },
  { "Fatima", "fatima" }, { "Hiroshi", "hiroshi" }, { "Ngozi", "ngozi" }, { "Sofia", "sofia" },
  { "Ethan", "ethan" }, { "Grace", "grace" }, { "Oscar", "oscar" }, { "Ava", "ava" },
  { "Lena", "lena" }, { "Mohammed", "mohammed" }, { "Anika", "anika" }, { "Tomás", "tomas" },
};

static const Name last_names[] = {
  { "Smith", "smith" }, { "Nguyen", "nguyen" }, { "Williams", "williams" }, { "Brown", "brown" },
  { "Wilson", "wilson" }, { "Taylor", "taylor" }, { "Martin", "martin" }, { "Müller", "mueller" },
  { "Schmidt", "schmidt" }, { "García", "garcia" }, { "Rossi", "rossi" },
  { "Tremblay", "tremblay" },
  { "Gagnon", "gagnon" }, { "Roy", "roy" }, { "O'Brien", "obrien" }, { "Kowalski", "kowalski" },
  { "Singh", "singh" }, { "Chen", "chen" }, { "Kim", "kim" }, { "Patel", "patel" },
  { "Johansson", "johansson" }, { "Dubois", "dubois" }, { "Walker", "walker" }, { "Lee", "lee" },
  { "Anderson", "anderson" }, { "Thompson", "thompson" }, { "Okafor", "okafor" },
  { "Sato", "sato" },
};

static const char * const email_domains[] = {
  "example.com", "example.org", "example.net", "mail.example.com",
};

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
} Locality;

static const char * const au_streets[] = {
  "George Street", "Pitt Street", "Collins Street", "Bourke Street", "Queen Street",
  "Adelaide Street", "Hay Street", "Murray Street", "King William Street", "Chapel Street",
  "Oxford Street", "Elizabeth Street", "Sussex Street", "Crown Street", "Brunswick Street", NULL,
};
static const char * const us_streets[] = {
  "Main St", "Oak Ave", "Maple St", "Broadway", "Market St", "Elm St", "Washington Blvd",
  "Park Ave", "Pine St", "Lake Shore Dr", "Sunset Blvd", "Peachtree St", NULL,
};
static const char * const de_streets[] = {
  "Friedrichstraße", "Hauptstraße", "Bahnhofstraße", "Königsallee", "Schillerstraße",
  "Goethestraße", "Lindenallee", "Marktplatz", NULL,
};
static const char * const gb_streets[] = {
  "High Street", "Baker Street", "Station Road", "Church Lane", "Victoria Road",
  "Deansgate", "Oxford Road", NULL,
};
static const char * const fr_streets[] = {
  "Rue de Rivoli", "Boulevard Haussmann", "Rue de la Paix", "Avenue des Ternes", NULL,
};
static const char * const nl_streets[] = {
  "Damrak", "Kalverstraat", "Prinsengracht", "Herengracht", NULL,
};
static const char * const ca_streets[] = {
  "Yonge St", "Bay St", "Queen St W", "Rue Sainte-Catherine", "Granville St", "Jasper Ave",
  "Sparks St", "Barrington St", NULL,
};

static const Locality au_localities[] = {
  { "Sydney NSW 2000", "2000", "AU", -33.8688, 151.2093, au_streets, FALSE },
  { "Parramatta NSW 2150", "2150", "AU", -33.8150, 151.0011, au_streets, FALSE },
  { "Newcastle NSW 2300", "2300", "AU", -32.9283, 151.7817, au_streets, FALSE },
  { "Melbourne VIC 3000", "3000", "AU", -37.8136, 144.9631, au_streets, FALSE },
  { "Fitzroy VIC 3065", "3065", "AU", -37.7984, 144.9784, au_streets, FALSE },
  { "Brisbane City QLD 4000", "4000", "AU", -27.4698, 153.0251, au_streets, FALSE },
  { "Perth WA 6000", "6000", "AU", -31.9523, 115.8613, au_streets, FALSE },
  { "Adelaide SA 5000", "5000", "AU", -34.9285, 138.6007, au_streets, FALSE },
  { "Hobart TAS 7000", "7000", "AU", -42.8821, 147.3272, au_streets, FALSE },
  { "Canberra ACT 2601", "2601", "AU", -35.2809, 149.1300, au_streets, FALSE },
};
static const Locality us_localities[] = {
  { "New York, NY 10001", "10001", "US", 40.7506, -73.9972, us_streets, FALSE },
  { "Brooklyn, NY 11201", "11201", "US", 40.6943, -73.9918, us_streets, FALSE },
  { "Boston, MA 02108", "02108", "US", 42.3576, -71.0638, us_streets, FALSE },
  { "Chicago, IL 60601", "60601", "US", 41.8858, -87.6181, us_streets, FALSE },
  { "Austin, TX 78701", "78701", "US", 30.2711, -97.7437, us_streets, FALSE },
  { "Seattle, WA 98101", "98101", "US", 47.6101, -122.3344, us_streets, FALSE },
  { "Denver, CO 80202", "80202", "US", 39.7525, -104.9995, us_streets, FALSE },
  { "Atlanta, GA 30303", "30303", "US", 33.7525, -84.3888, us_streets, FALSE },
  { "San Francisco, CA 94103", "94103", "US", 37.7725, -122.4091, us_streets, FALSE },
};
static const Locality eu_localities[] = {
  { "10117 Berlin", "10117", "DE", 52.5163, 13.3889, de_streets, TRUE },
  { "80331 München", "80331", "DE", 48.1374, 11.5755, de_streets, TRUE },
  { "20095 Hamburg", "20095", "DE", 53.5503, 10.0007, de_streets, TRUE },
  { "London SW1A 1AA", "SW1A 1AA", "GB", 51.5010, -0.1416, gb_streets, FALSE },
  { "Manchester M1 1AE", "M1 1AE", "GB", 53.4794, -2.2453, gb_streets, FALSE },
  { "Leeds LS1 4DY", "LS1 4DY", "GB", 53.7997, -1.5492, gb_streets, FALSE },
  { "75001 Paris", "75001", "FR", 48.8625, 2.3364, fr_streets, FALSE },
  { "1012 Amsterdam", "1012", "NL", 52.3731, 4.8926, nl_streets, TRUE },
};
static const Locality ca_localities[] = {
  { "Toronto ON M5H 2N2", "M5H 2N2", "CA", 43.6511, -79.3832, ca_streets, FALSE },
  { "Ottawa ON K1P 5J2", "K1P 5J2", "CA", 45.4215, -75.6972, ca_streets, FALSE },
  { "Montréal QC H3B 1A7", "H3B 1A7", "CA", 45.5019, -73.5674, ca_streets, FALSE },
  { "Vancouver BC V6C 1T2", "V6C 1T2", "CA", 49.2827, -123.1207, ca_streets, FALSE },
  { "Calgary AB T2P 1J9", "T2P 1J9", "CA", 51.0447, -114.0719, ca_streets, FALSE },
  { "Edmonton AB T5J 0N3", "T5J 0N3", "CA", 53.5461, -113.4938, ca_streets, FALSE },
  { "Halifax NS B3J 1S9", "B3J 1S9", "CA", 44.6488, -63.5752, ca_streets, FALSE },
};

static const struct
{
  const Locality *items;
  guint           n_items;
} localities[TG_TRAFFIC_N_REGIONS] = {
  { au_localities, G_N_ELEMENTS (au_localities) },
  { us_localities, G_N_ELEMENTS (us_localities) },
  { eu_localities, G_N_ELEMENTS (eu_localities) },
  { ca_localities, G_N_ELEMENTS (ca_localities) },
};

/* What people search for (ai.search embeds the query: popular ones repeat exactly). */
static const char * const query_words[] = {
  "waterproof", "jacket", "running", "shoes", "kids", "wireless", "headphones", "gift",
  "card", "return", "policy", "delivery", "time", "organic", "coffee", "beans", "desk",
  "lamp", "yoga", "mat", "winter", "boots", "phone", "case", "sale",
};

typedef struct
{
  gint64 start;
  gint64 end;
  double error_rate;
  gboolean throttling;   /* 429s rather than 5xx */
} Burst;

typedef struct
{
  gint64  time;
  guint64 seed;
  guint8  region;
  guint8  spike;
} Event;

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
  GArray         *events;            /* of Event, by time */
  GArray         *outages;           /* of TgTrafficOutage touching the day */
  Burst           bursts[TG_TRAFFIC_N_PROVIDERS][MAX_BURSTS];
  guint           n_bursts[TG_TRAFFIC_N_PROVIDERS];
};

/* ---- static facts ------------------------------------------------------------------- */

const char *
tg_traffic_provider_get_slug (TgTrafficProvider provider)
{
  g_return_val_if_fail (provider < TG_TRAFFIC_N_PROVIDERS, NULL);

  return providers[provider].slug;
}

const char *
tg_traffic_region_get_code (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, NULL);

  return regions[region].code;
}

const char *
tg_traffic_region_get_time_zone (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, NULL);

  return regions[region].time_zone;
}

TgTrafficProvider
tg_traffic_region_get_primary (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0);

  return regions[region].primary;
}

TgTrafficProvider
tg_traffic_region_get_backup (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0);

  return regions[region].backup;
}

/* The region's share of all rows. */
double
tg_traffic_region_get_share (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0.0);

  return regions[region].share;
}

const TgTrafficFeature *
tg_traffic_get_features (guint *n_features)
{
  if (n_features != NULL)
    *n_features = G_N_ELEMENTS (features);
  return features;
}

const TgTrafficCostCentre *
tg_traffic_get_cost_centres (guint *n_cost_centres)
{
  if (n_cost_centres != NULL)
    *n_cost_centres = G_N_ELEMENTS (cost_centres);
  return cost_centres;
}

static inline double
bump (double hour,
      double centre,
      double width)
{
  double d = hour - centre;

  /* Distance around the clock, so that the curve is continuous at midnight. */
  if (d > 12.0)
    d -= 24.0;
  else if (d < -12.0)
    d += 24.0;

  return exp (-0.5 * (d / width) * (d / width));
}

/**
 * tg_traffic_daily_curve:
 * @local_hour: hours since local midnight, fractional
 *
 * Relative activity (no unit) at a local time of day: quiet nights, a morning rise, a
 * peak around midday and a smaller evening shoulder of people shopping from home.
 */
double
tg_traffic_daily_curve (double local_hour)
{
  local_hour = fmod (local_hour, 24.0);
  if (local_hour < 0.0)
    local_hour += 24.0;

  return 0.04
         + 1.00 * bump (local_hour, 10.5, 2.0)
         + 0.90 * bump (local_hour, 14.5, 2.3)
         + 0.35 * bump (local_hour, 20.0, 1.6);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
gint64
tg_traffic_day_from_date (int year,
                          int month,
                          int day)
{
  gint64 y = year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

/* The proleptic Gregorian date of a day number. */
void
tg_traffic_day_to_date (gint64  days,
                        int    *year,
                        int    *month,
                        int    *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);

  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = m;
  *day = d;
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- local time -------------------------------------------------------------------- */

static int
zone_offset (GTimeZone *zone,
             gint64     time)
{
  gint64 seconds = floor_div (time, G_USEC_PER_SEC);
  int interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, seconds);

  return g_time_zone_get_offset (zone, interval);
}

/* Local hour of day and whether it is Saturday or Sunday there. */
static double
local_hour (TgTrafficModel *self,
            TgTrafficRegion region,
            gint64          time,
            gboolean       *weekend)
{
  gint64 local = time + (gint64)zone_offset (self->zones[region], time) * G_USEC_PER_SEC;
  gint64 local_day = floor_div (local, TG_TRAFFIC_USEC_PER_DAY);
  gint64 weekday = ((local_day + 3) % 7 + 7) % 7;   /* 0: Monday; day 0 was a Thursday */

  if (weekend != NULL)
    *weekend = weekday >= 5;

  return (double)(local - local_day * TG_TRAFFIC_USEC_PER_DAY) / (double)TG_TRAFFIC_USEC_PER_HOUR;
}

double
tg_traffic_model_get_local_hour (TgTrafficModel  *self,
                                 TgTrafficRegion  region,
                                 gint64           time,
                                 gboolean        *weekend)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0.0);

  return local_hour (self, region, time, weekend);
}

/* Microseconds of a local wall-clock time in @zone. */
static gint64
local_to_utc (GTimeZone *zone,
              int        year,
              int        month,
              int        day,
              double     hour)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (zone, year, month, day, 0, 0, 0.0);
  g_autoptr(GDateTime) at = NULL;

  if (midnight == NULL)
    return tg_traffic_day_from_date (year, month, day) * TG_TRAFFIC_USEC_PER_DAY;

  /* Adding to local midnight keeps an hour that a DST change skips from vanishing. */
  at = g_date_time_add (midnight, (GTimeSpan)(hour * TG_TRAFFIC_USEC_PER_HOUR));
  return g_date_time_to_unix (at) * G_USEC_PER_SEC + g_date_time_get_microsecond (at);
}

/**
 * tg_traffic_model_get_rate:
 *
 * Expected rows per hour that @region makes at @time (without the spike).
 */
double
tg_traffic_model_get_rate (TgTrafficModel  *self,
                           TgTrafficRegion  region,
                           gint64           time)
{
  const double weekday = 7.0 / (5.0 + 2.0 * TG_TRAFFIC_WEEKEND_FACTOR);
  gboolean weekend = FALSE;
  double hour;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0.0);

  hour = local_hour (self, region, time, &weekend);

  return self->rows_per_day * regions[region].share
         * (weekend ? TG_TRAFFIC_WEEKEND_FACTOR * weekday : weekday)
         * tg_traffic_daily_curve (hour) / self->curve_hours;
}

/* ---- the population ---------------------------------------------------------------- */

static void
make_population (TgTrafficModel *self)
{
  static const char * const tiers[] = { "free", "standard", "premium", "enterprise", "internal" };
  static const double tier_weights[] = { 0.45, 0.33, 0.14, 0.06, 0.02 };
  static const double centre_weights[] = { 0.10, 0.22, 0.14, 0.12, 0.12, 0.08, 0.10, 0.12 };
  TgRandom rng;
  guint index = 0;

  tg_random_init_stream (&rng, self->seed, STREAM_POPULATION, 0);

  self->n_users = 0;
  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    self->n_users += regions[r].n_users;
  g_assert (self->n_users == N_USERS);
  self->users = g_new0 (TgTrafficUser, self->n_users);

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      guint n = regions[r].n_users;
      guint first = index;

      self->rank_to_user[r] = g_new (guint, n);
      for (guint k = 0; k < n; k++)
        self->rank_to_user[r][k] = first + k;
      tg_random_shuffle (&rng, self->rank_to_user[r], n);

      /* A few users far heavier than the rest. */
      self->user_zipf[r] = tg_zipf_new (n, 1.1);

      for (guint k = 0; k < n; k++, index++)
        {
          TgTrafficUser *user = &self->users[index];
          const Name *first_name = &first_names[tg_random_below (&rng, G_N_ELEMENTS (first_names))];
          const Name *last_name = &last_names[tg_random_below (&rng, G_N_ELEMENTS (last_names))];
          const char *domain;

          user->user_id = 100001 + index;
          user->region = r;
          user->display_name = g_strdup_printf ("%s %s", first_name->display, last_name->display);
          domain = email_domains[tg_random_below (&rng, G_N_ELEMENTS (email_domains))];
          user->email = g_strdup_printf ("%s.%s%u@%s", first_name->ascii, last_name->ascii,
                                         (guint)(user->user_id % 1000), domain);
          user->tier = tiers[tg_random_weighted (&rng, tier_weights, G_N_ELEMENTS (tier_weights))];
          user->cost_centre = cost_centres[tg_random_weighted (&rng, centre_weights,
                                                               G_N_ELEMENTS (centre_weights))].code;
          user->user_agent = tg_random_weighted (&rng, personal_agent_weights, N_PERSONAL_AGENTS);
          user->address_seed = (guint32)tg_random_next (&rng);
          user->ipv6 = tg_random_chance (&rng, 0.3);
        }

      for (guint k = 0; k < n; k++)
        {
          TgTrafficUser *user = &self->users[self->rank_to_user[r][k]];

          user->rank = k;
          /* The heaviest accounts are the company's big customers and its own staff. */
          if (k < 3)
            user->tier = k == 0 ? "internal" : "enterprise";
        }
    }
}

/* ---- the model --------------------------------------------------------------------- */

TgTrafficModel *
tg_traffic_model_new (guint64 seed,
                      double  rows_per_day)
{
  TgTrafficModel *self;

  g_return_val_if_fail (rows_per_day >= 0.0, NULL);

  self = g_new0 (TgTrafficModel, 1);
  self->seed = seed;
  self->rows_per_day = rows_per_day;

  for (guint i = 0; i < 1440; i++)
    self->curve_hours += tg_traffic_daily_curve ((i + 0.5) / 60.0) / 60.0;

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      self->zones[r] = g_time_zone_new_identifier (regions[r].time_zone);
      if (self->zones[r] == NULL)
        {
          g_warning ("Time zone %s is unknown (is tzdata installed?); using UTC",
                     regions[r].time_zone);
          self->zones[r] = g_time_zone_new_utc ();
        }
    }

  self->address_zipf = tg_zipf_new (ADDRESS_POOL, 0.8);
  self->query_zipf = tg_zipf_new (QUERY_POOL, 1.0);
  make_population (self);

  return self;
}

void
tg_traffic_model_free (TgTrafficModel *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->live_day, tg_traffic_day_free);
  for (guint i = 0; i < self->n_users; i++)
    {
      g_free (self->users[i].display_name);
      g_free (self->users[i].email);
    }
  g_free (self->users);
  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      g_free (self->rank_to_user[r]);
      tg_zipf_free (self->user_zipf[r]);
      g_time_zone_unref (self->zones[r]);
    }
  tg_zipf_free (self->address_zipf);
  tg_zipf_free (self->query_zipf);
  g_free (self);
}

guint64
tg_traffic_model_get_seed (TgTrafficModel *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->seed;
}

double
tg_traffic_model_get_rows_per_day (TgTrafficModel *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->rows_per_day;
}

const TgTrafficUser *
tg_traffic_model_get_users (TgTrafficModel *self,
                            guint          *n_users)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_users != NULL)
    *n_users = self->n_users;
  return self->users;
}

/**
 * tg_traffic_model_set_range:
 * @first_day: the first UTC day simulated
 * @n_days: how many
 *
 * Places the runaway-user spike: one user of one region hammers autocomplete for an hour
 * or so, in local working hours of a weekday inside the range (away from its edges when
 * the range allows). The same seed and range give the same spike.
 */
void
tg_traffic_model_set_range (TgTrafficModel *self,
                            gint64          first_day,
                            guint           n_days)
{
  TgRandom rng;
  double weights[TG_TRAFFIC_N_REGIONS];
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (gint64));
  TgTrafficRegion region;
  gint64 day;
  guint rank;
  int year, month, mday;
  double start_hour;
  gint64 duration;

  g_return_if_fail (self != NULL);

  self->has_spike = FALSE;
  if (n_days == 0)
    return;

  tg_random_init_stream (&rng, self->seed, STREAM_SPIKE,
                         tg_random_mix ((guint64)first_day, n_days));

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    weights[r] = regions[r].share;
  region = tg_random_weighted (&rng, weights, TG_TRAFFIC_N_REGIONS);

  /* Inner days only, so that the spike's local day cannot spill out of the range. */
  for (gint64 d = first_day + 1; d + 1 < first_day + (gint64)n_days; d++)
    if (((d + 3) % 7 + 7) % 7 < 5)
      g_array_append_val (candidates, d);

  duration = tg_random_range (&rng, 60, 101) * TG_TRAFFIC_USEC_PER_MINUTE;
  start_hour = tg_random_range (&rng, 9 * 4, 15 * 4) / 4.0;

  if (candidates->len > 0)
    {
      day = g_array_index (candidates, gint64, tg_random_below (&rng, candidates->len));
      tg_traffic_day_to_date (day, &year, &month, &mday);
      self->spike.start = local_to_utc (self->zones[region], year, month, mday, start_hour);
    }
  else
    {
      /* A range too short for that: somewhere inside it, in UTC. */
      day = first_day + tg_random_below (&rng, n_days);
      self->spike.start = day * TG_TRAFFIC_USEC_PER_DAY
                          + tg_random_range (&rng, 0, TG_TRAFFIC_USEC_PER_DAY - duration);
    }

  /* A middling user, not one of the heavy ones: the spike is what stands out. */
  rank = 30 + tg_random_below (&rng, 50);
  rank = MIN (rank, regions[region].n_users - 1);
  self->spike_user = self->rank_to_user[region][rank];

  self->spike.region = region;
  self->spike.user_id = self->users[self->spike_user].user_id;
  self->spike.end = self->spike.start + duration;
  self->spike.expected_rows = (guint)MAX (200.0, SPIKE_ROWS_PER_DAY * self->rows_per_day);
  self->has_spike = TRUE;
}

gboolean
tg_traffic_model_get_spike (TgTrafficModel *self,
                            TgTrafficSpike *spike)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->has_spike && spike != NULL)
    *spike = self->spike;
  return self->has_spike;
}

/* ---- outages ----------------------------------------------------------------------- */

static int
days_in_month (int year,
               int month)
{
  gint64 next = month == 12 ? tg_traffic_day_from_date (year + 1, 1, 1)
                            : tg_traffic_day_from_date (year, month + 1, 1);

  return (int)(next - tg_traffic_day_from_date (year, month, 1));
}

/* One or two outages in each UTC month, of different regions on different days, starting
 * in local working hours, two to six hours long.
 */
static void
month_outages (TgTrafficModel *self,
               int             year,
               int             month,
               GArray         *out)
{
  TgRandom rng;
  double weights[TG_TRAFFIC_N_REGIONS];
  guint n;
  int used_day = 0;

  tg_random_init_stream (&rng, self->seed, STREAM_OUTAGES, (guint64)(year * 12 + month - 1));

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    weights[r] = regions[r].share;

  n = tg_random_chance (&rng, 0.45) ? 2 : 1;
  for (guint i = 0; i < n; i++)
    {
      TgTrafficOutage outage;
      TgTrafficRegion region = tg_random_weighted (&rng, weights, TG_TRAFFIC_N_REGIONS);
      int mday;
      double hour;
      gint64 minutes;

      do
        mday = 3 + (int)tg_random_below (&rng, days_in_month (year, month) - 5);
      while (mday == used_day);
      used_day = mday;
      weights[region] = 0.0;

      hour = 7.0 + tg_random_below (&rng, 8 * 12) / 12.0;
      minutes = tg_random_range (&rng, 120, 361);

      outage.region = region;
      outage.primary = regions[region].primary;
      outage.backup = regions[region].backup;
      outage.start = local_to_utc (self->zones[region], year, month, mday, hour);
      outage.failover = outage.start + tg_random_range (&rng, 4, 16) * TG_TRAFFIC_USEC_PER_MINUTE;
      outage.end = outage.start + minutes * TG_TRAFFIC_USEC_PER_MINUTE;
      g_array_append_val (out, outage);
    }
}

static int
compare_outages (gconstpointer a,
                 gconstpointer b)
{
  const TgTrafficOutage *x = a;
  const TgTrafficOutage *y = b;

  return (x->start > y->start) - (x->start < y->start);
}

/**
 * tg_traffic_model_list_outages:
 * @from: µs, inclusive
 * @to: µs, exclusive
 *
 * Returns: (transfer full) (element-type TgTrafficOutage): the outages that overlap
 *   [@from, @to), by start time. Every UTC month has at least one.
 */
GArray *
tg_traffic_model_list_outages (TgTrafficModel *self,
                               gint64          from,
                               gint64          to)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (TgTrafficOutage));
  GArray *result = g_array_new (FALSE, FALSE, sizeof (TgTrafficOutage));
  int year, month, mday, last_year, last_month;

  g_return_val_if_fail (self != NULL, result);

  /* Outages start on the 3rd at the earliest and end well before the month does; a
   * month either side covers any time zone.
   */
  tg_traffic_day_to_date (floor_div (from, TG_TRAFFIC_USEC_PER_DAY) - 31,
                          &year, &month, &mday);
  tg_traffic_day_to_date (floor_div (to, TG_TRAFFIC_USEC_PER_DAY) + 31,
                          &last_year, &last_month, &mday);

  while (year < last_year || (year == last_year && month <= last_month))
    {
      month_outages (self, year, month, all);
      if (++month > 12)
        {
          month = 1;
          year++;
        }
    }

  for (guint i = 0; i < all->len; i++)
    {
      const TgTrafficOutage *outage = &g_array_index (all, TgTrafficOutage, i);

      if (outage->end > from && outage->start < to)
        g_array_append_vals (result, outage, 1);
    }
  g_array_sort (result, compare_outages);

  return result;
}

/* ---- days -------------------------------------------------------------------------- */

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const Event *x = a;
  const Event *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return (x->seed > y->seed) - (x->seed < y->seed);
}

static TgTrafficDay *
day_context_new (TgTrafficModel *self,
                 gint64          day)
{
  TgTrafficDay *result = g_new0 (TgTrafficDay, 1);

  result->model = self;
  result->day = day;
  result->start = day * TG_TRAFFIC_USEC_PER_DAY;
  result->outages = tg_traffic_model_list_outages (self, result->start,
                                                   result->start + TG_TRAFFIC_USEC_PER_DAY);

  /* Short windows of elevated errors per provider. */
  for (guint p = 0; p < TG_TRAFFIC_N_PROVIDERS; p++)
    {
      TgRandom rng;
      guint n_bursts;

      tg_random_init_stream (&rng, self->seed, ((guint64)STREAM_BURSTS << 32) | p, (guint64)day);
      n_bursts = tg_random_poisson (&rng, providers[p].burst_rate);
      result->n_bursts[p] = MIN (n_bursts, MAX_BURSTS);
      for (guint i = 0; i < result->n_bursts[p]; i++)
        {
          Burst *burst = &result->bursts[p][i];

          burst->start = result->start + tg_random_range (&rng, 0, TG_TRAFFIC_USEC_PER_DAY);
          burst->end = burst->start + tg_random_range (&rng, 4, 26) * TG_TRAFFIC_USEC_PER_MINUTE;
          burst->error_rate = tg_random_uniform (&rng, 0.2, 0.6);
          burst->throttling = tg_random_chance (&rng, p == TG_TRAFFIC_PROVIDER_OPENAI ? 0.6 : 0.35);
        }
    }

  return result;
}

/**
 * tg_traffic_model_generate_day:
 * @day: a UTC day (days since 1970-01-01)
 *
 * Draws the day's events. The day borrows @self and must be freed before it.
 */
TgTrafficDay *
tg_traffic_model_generate_day (TgTrafficModel *self,
                               gint64          day)
{
  TgTrafficDay *result;
  gint64 day_end;

  g_return_val_if_fail (self != NULL, NULL);

  result = day_context_new (self, day);
  day_end = result->start + TG_TRAFFIC_USEC_PER_DAY;
  result->events = g_array_sized_new (FALSE, FALSE, sizeof (Event),
                                      (guint)(self->rows_per_day * 1.6) + 64);

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      TgRandom rng;

      tg_random_init_stream (&rng, self->seed, ((guint64)STREAM_EVENTS << 32) | r, (guint64)day);

      for (guint m = 0; m < 1440; m++)
        {
          gint64 minute = result->start + m * TG_TRAFFIC_USEC_PER_MINUTE;
          gint64 middle = minute + TG_TRAFFIC_USEC_PER_MINUTE / 2;
          guint n = tg_random_poisson (&rng, tg_traffic_model_get_rate (self, r, middle) / 60.0);

          for (guint i = 0; i < n; i++)
            {
              Event event;

              event.time = minute + tg_random_range (&rng, 0, TG_TRAFFIC_USEC_PER_MINUTE);
              event.seed = tg_random_next (&rng);
              event.region = r;
              event.spike = FALSE;
              g_array_append_val (result->events, event);
            }
        }
    }

  if (self->has_spike && self->spike.end > result->start && self->spike.start < day_end)
    {
      gint64 from = MAX (self->spike.start, result->start);
      gint64 to = MIN (self->spike.end, day_end);
      double share = (double)(to - from) / (double)(self->spike.end - self->spike.start);
      TgRandom rng;
      guint n;

      tg_random_init_stream (&rng, self->seed, STREAM_SPIKE_EVENTS, (guint64)day);
      n = tg_random_poisson (&rng, self->spike.expected_rows * share);
      for (guint i = 0; i < n; i++)
        {
          Event event;

          event.time = tg_random_range (&rng, from, to);
          event.seed = tg_random_next (&rng);
          event.region = self->spike.region;
          event.spike = TRUE;
          g_array_append_val (result->events, event);
        }
    }

  g_array_sort (result->events, compare_events);

  return result;
}

void
tg_traffic_day_free (TgTrafficDay *day)
{
  if (day == NULL)
    return;

  g_clear_pointer (&day->events, g_array_unref);
  g_clear_pointer (&day->outages, g_array_unref);
  g_free (day);
}

gint64
tg_traffic_day_get_day (TgTrafficDay *day)
{
  g_return_val_if_fail (day != NULL, 0);

  return day->day;
}

guint
tg_traffic_day_get_n_rows (TgTrafficDay *day)
{
  g_return_val_if_fail (day != NULL, 0);

  return day->events != NULL ? day->events->len : 0;
}

/* ---- rows -------------------------------------------------------------------------- */

/* Text is appended by hand rather than with printf: a history run formats hundreds of
 * thousands of rows a second, and printf was a fifth of the generator's time. Output
 * that does not fit is cut short (the buffers are sized so that it never is).
 */
typedef struct
{
  char *p;
  char *end;   /* the last byte, kept for the NUL */
} Out;

static inline Out
out_init (char  *buffer,
          gsize  size)
{
  Out out = { buffer, buffer + size - 1 };

  return out;
}

static inline void
out_finish (Out *out)
{
  *out->p = '\0';
}

static inline void
out_str (Out        *out,
         const char *text)
{
  gsize length = MIN (strlen (text), (gsize)(out->end - out->p));

  memcpy (out->p, text, length);
  out->p += length;
}

static inline void
out_strn (Out        *out,
          const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length && text[i] != '\0' && out->p < out->end; i++)
    *out->p++ = text[i];
}

static inline void
out_uint (Out     *out,
          guint64  value)
{
  char digits[20];
  guint n = 0;

  do
    {
      digits[n++] = (char)('0' + value % 10);
      value /= 10;
    }
  while (value > 0);

  while (n > 0 && out->p < out->end)
    *out->p++ = digits[--n];
}

/* Lower-case hexadecimal, at least @width digits. */
static inline void
out_hex (Out     *out,
         guint64  value,
         guint    width)
{
  char digits[16];
  guint n = 0;

  do
    {
      digits[n++] = "0123456789abcdef"[value & 0xf];
      value >>= 4;
    }
  while (value > 0 || n < width);

  while (n > 0 && out->p < out->end)
    *out->p++ = digits[--n];
}

/* A decimal with exactly @decimals digits after the point. */
static inline void
out_fixed (Out    *out,
           double  value,
           guint   decimals)
{
  guint64 scale = 1;
  gint64 scaled;
  guint64 fraction;
  char digits[12];

  for (guint i = 0; i < decimals; i++)
    scale *= 10;

  scaled = (gint64)llround (value * (double)scale);
  if (scaled < 0)
    {
      if (out->p < out->end)
        *out->p++ = '-';
      scaled = -scaled;
    }

  out_uint (out, (guint64)scaled / scale);
  if (decimals == 0)
    return;

  if (out->p < out->end)
    *out->p++ = '.';
  fraction = (guint64)scaled % scale;
  for (guint i = decimals; i > 0; i--)
    {
      digits[i - 1] = (char)('0' + fraction % 10);
      fraction /= 10;
    }
  out_strn (out, digits, decimals);
}

typedef struct
{
  const Locality *locality;
  const char     *street;
  guint           number;
  double          lat;
  double          lon;
} Address;

static void
pick_address (TgTrafficRegion  region,
              guint            index,
              Address         *address)
{
  guint64 h = tg_random_mix ((guint64)region + 1, index);
  const Locality *locality = &localities[region].items[h % localities[region].n_items];
  guint n_streets = 0;

  while (locality->streets[n_streets] != NULL)
    n_streets++;

  address->locality = locality;
  address->street = locality->streets[(h >> 16) % n_streets];
  address->number = 1 + (guint)((h >> 32) % 240);
  address->lat = locality->lat + (((h >> 40) & 0xfff) / 4096.0 - 0.5) * 0.06;
  address->lon = locality->lon + (((h >> 52) & 0xfff) / 4096.0 - 0.5) * 0.06;
}

static void
format_address (const Address *address,
                char          *buffer,
                gsize          size)
{
  Out out = out_init (buffer, size);

  if (address->locality->number_after_street)
    {
      out_str (&out, address->street);
      out_str (&out, " ");
      out_uint (&out, address->number);
    }
  else
    {
      out_uint (&out, address->number);
      out_str (&out, " ");
      out_str (&out, address->street);
    }
  out_str (&out, ", ");
  out_str (&out, address->locality->locality);
  out_finish (&out);
}

/* The longest prefix of @text of at most @length bytes that ends on a character boundary. */
static int
utf8_prefix (const char *text,
             int         length)
{
  int n = (int)strlen (text);

  if (length >= n)
    return n;
  while (length > 0 && ((guchar)text[length] & 0xc0) == 0x80)
    length--;
  return length;
}

static void
set_ip_address (TgTrafficRow        *row,
                const TgTrafficUser *user,
                TgTrafficRegion      region,
                gint64               day,
                TgRandom            *rng)
{
  static const char * const v4_blocks[TG_TRAFFIC_N_REGIONS] = {
    "203.0.113.", "198.51.100.", "192.0.2.", "192.0.2.",
  };
  Out out = out_init (row->ip_address, sizeof row->ip_address);

  if (user == NULL)
    {
      /* The platform's own servers, behind a NAT of a handful of addresses. */
      out_str (&out, "10.20.");
      out_uint (&out, region);
      out_str (&out, ".");
      out_uint (&out, 10 + tg_random_below (rng, 6));
    }
  else if (user->ipv6)
    {
      /* Privacy addresses: the interface part changes from day to day. */
      guint64 iid = tg_random_mix (user->address_seed, (guint64)day);

      out_str (&out, "2001:db8:");
      out_hex (&out, 0x100 + (guint)region, 1);
      out_str (&out, ":");
      out_hex (&out, user->address_seed & 0xffff, 1);
      for (int shift = 48; shift >= 0; shift -= 16)
        {
          out_str (&out, ":");
          out_hex (&out, (iid >> shift) & 0xffff, 1);
        }
    }
  else
    {
      /* Canada shares 192.0.2.0/24 with Europe: its upper half. */
      out_str (&out, v4_blocks[region]);
      if (region == TG_TRAFFIC_REGION_CA)
        out_uint (&out, 128 + user->address_seed % 126);
      else if (region == TG_TRAFFIC_REGION_EU)
        out_uint (&out, 1 + user->address_seed % 126);
      else
        out_uint (&out, 1 + user->address_seed % 254);
    }
  out_finish (&out);
}

static const TgTrafficUser *
pick_user (TgTrafficModel  *self,
           TgTrafficRegion  region,
           TgRandom        *rng)
{
  guint rank = tg_random_zipf (rng, self->user_zipf[region]);

  return &self->users[self->rank_to_user[region][rank]];
}

/* @user %NULL: a call of the platform itself (batch jobs, probes). */
static void
set_user (TgTrafficRow        *row,
          const TgTrafficUser *user,
          TgTrafficDay        *day,
          TgRandom            *rng)
{
  row->user_id = user != NULL ? user->user_id : 0;
  if (user != NULL && tg_random_chance (rng, 0.85))
    row->user_agent = user_agents[user->user_agent];
  else if (user != NULL)
    row->user_agent = user_agents[tg_random_weighted (rng, personal_agent_weights,
                                                      N_PERSONAL_AGENTS)];
  else
    row->user_agent = user_agents[UA_PLATFORM];
  set_ip_address (row, user, row->region, day->day, rng);
}

/* A shopper without an account: a person's browser, an address of the region. */
static void
set_guest (TgTrafficRow *row,
           TgTrafficDay *day,
           TgRandom     *rng)
{
  TgTrafficUser guest = { 0 };

  guest.address_seed = (guint32)tg_random_next (rng);
  guest.ipv6 = tg_random_chance (rng, 0.3);
  set_ip_address (row, &guest, row->region, day->day, rng);
  row->user_id = 0;
  row->user_agent = user_agents[tg_random_weighted (rng, personal_agent_weights,
                                                    N_PERSONAL_AGENTS)];
}

static const Burst *
find_burst (TgTrafficDay      *day,
            TgTrafficProvider  provider,
            gint64             time)
{
  for (guint i = 0; i < day->n_bursts[provider]; i++)
    {
      const Burst *burst = &day->bursts[provider][i];

      if (time >= burst->start && time < burst->end)
        return burst;
    }
  return NULL;
}

/* Is @provider down (an outage of a region whose primary it is) at @time? */
static gboolean
provider_down (TgTrafficDay      *day,
               TgTrafficProvider  provider,
               gint64             time)
{
  for (guint i = 0; i < day->outages->len; i++)
    {
      const TgTrafficOutage *outage = &g_array_index (day->outages, TgTrafficOutage, i);

      if (outage->primary == provider && time >= outage->start && time < outage->end)
        return TRUE;
    }
  return FALSE;
}

/* Which provider serves an address call of @region at @time. */
static TgTrafficProvider
route_address (TgTrafficDay    *day,
               TgTrafficRegion  region,
               gint64           time,
               TgRandom        *rng)
{
  for (guint i = 0; i < day->outages->len; i++)
    {
      const TgTrafficOutage *outage = &g_array_index (day->outages, TgTrafficOutage, i);

      if (outage->region != region || time < outage->start || time >= outage->end)
        continue;

      /* Until the platform notices, calls keep going to the failing primary; after the
       * failover its circuit breaker still lets a trickle of probes through.
       */
      if (time < outage->failover || tg_random_chance (rng, PROBE_SHARE))
        return outage->primary;
      return outage->backup;
    }

  return tg_random_chance (rng, BACKUP_SHARE) ? regions[region].backup : regions[region].primary;
}

/* The HTTP status of a call: 0 for a timeout. */
static guint
pick_status (TgTrafficDay      *day,
             TgTrafficProvider  provider,
             gint64             time,
             gboolean           down,
             double             extra_throttling,
             TgRandom          *rng,
             gboolean          *in_burst)
{
  static const guint server_errors[] = { 500, 502, 503, 504 };
  static const double server_error_weights[] = { 0.35, 0.25, 0.30, 0.10 };
  static const guint client_errors[] = { 400, 401, 403, 404, 422 };
  static const double client_error_weights[] = { 0.45, 0.05, 0.05, 0.35, 0.10 };
  const Burst *burst;
  double u;

  *in_burst = FALSE;

  if (down)
    {
      /* A dead provider: connections hang until the client gives up, or the load
       * balancer answers for it.
       */
      if (tg_random_chance (rng, 0.55))
        return 0;
      return tg_random_chance (rng, 0.7) ? 503 : 502;
    }

  burst = find_burst (day, provider, time);
  if (burst != NULL)
    {
      *in_burst = TRUE;
      if (tg_random_chance (rng, burst->error_rate))
        {
          if (burst->throttling)
            return 429;
          if (tg_random_chance (rng, 0.1))
            return 0;
          return server_errors[tg_random_weighted (rng, server_error_weights,
                                                   G_N_ELEMENTS (server_error_weights))];
        }
    }

  u = tg_random_double (rng);
  if (u < 0.0015)
    return 0;
  if (u < 0.0045)
    return server_errors[tg_random_weighted (rng, server_error_weights,
                                             G_N_ELEMENTS (server_error_weights))];
  if (u < 0.0075 + extra_throttling)
    return 429;
  if (u < 0.0175 + extra_throttling)
    return client_errors[tg_random_weighted (rng, client_error_weights,
                                             G_N_ELEMENTS (client_error_weights))];
  return 200;
}

static guint
latency (TgRandom *rng,
         double    median,
         double    sigma,
         guint     status,
         guint     timeout_ms)
{
  double ms;

  if (status == 0)
    return timeout_ms + tg_random_below (rng, 40);
  if (status == 429)
    ms = tg_random_log_normal (rng, 25.0, 0.4);
  else if (status >= 500)
    ms = tg_random_log_normal (rng, median * 0.6, sigma);
  else
    ms = tg_random_log_normal (rng, median, sigma);

  return (guint)CLAMP (ms, 1.0, timeout_ms - 1.0);
}

static void
address_error_response (TgTrafficRow *row,
                        TgRandom     *rng)
{
  Out out = out_init (row->response_data, sizeof row->response_data);
  const char *error;

  switch (row->response_status)
    {
    case 0:
      row->response_data[0] = '\0';
      return;
    case 429:
      out_str (&out, "{\"error\":\"rate_limited\",\"retry_after\":");
      out_uint (&out, 1 + tg_random_below (rng, 30));
      out_str (&out, "}");
      out_finish (&out);
      return;
    case 400: error = "bad_request"; break;
    case 401: error = "unauthorized"; break;
    case 403: error = "forbidden"; break;
    case 404: error = "not_found"; break;
    case 422: error = "unprocessable_address"; break;
    case 500: error = "internal_error"; break;
    case 502: error = "bad_gateway"; break;
    case 503: error = "service_unavailable"; break;
    default:  error = "gateway_timeout"; break;
    }

  out_str (&out, "{\"error\":\"");
  out_str (&out, error);
  out_str (&out, "\"}");
  out_finish (&out);
}

static void
make_address_row (TgTrafficDay *day,
                  const Event  *event,
                  TgRandom     *rng,
                  TgTrafficRow *row)
{
  TgTrafficModel *self = day->model;
  TgTrafficRegion region = event->region;
  const TgTrafficUser *user = NULL;
  guint feature;
  guint rt;
  gboolean batch = FALSE;
  gboolean health = FALSE;
  gboolean guest = FALSE;
  gboolean in_burst = FALSE;
  gboolean international;
  double median;
  Address address;
  char text[160];
  const char *country;
  Out request;
  Out response;

  if (event->spike)
    {
      feature = F_CHECKOUT_ADDRESS;
      rt = RT_AUTOCOMPLETE;
      user = &self->users[self->spike_user];
    }
  else
    {
      feature = tg_random_weighted (rng, address_feature_weights,
                                    G_N_ELEMENTS (address_feature_weights));
      switch (feature)
        {
        case F_CHECKOUT_ADDRESS:
          rt = tg_random_chance (rng, 0.7) ? RT_AUTOCOMPLETE : RT_VALIDATE;
          break;
        case F_DELIVERY_GEOCODE:
          rt = RT_GEOCODE;
          break;
        case F_STORE_LOCATOR:
          rt = tg_random_chance (rng, 0.6) ? RT_REVERSE_GEOCODE : RT_GEOCODE;
          break;
        case F_CRM_CLEANSE:
          rt = RT_VALIDATE;
          batch = TRUE;
          break;
        case F_OPS_HEALTHCHECK:
          rt = RT_VALIDATE;
          health = TRUE;
          break;
        default:
          rt = RT_VALIDATE;
          break;
        }

      if (!health && !batch)
        {
          guest = tg_random_chance (rng, GUEST_SHARE);
          if (!guest)
            user = pick_user (self, region, rng);
        }
      else if (batch && tg_random_chance (rng, 0.3))
        user = pick_user (self, region, rng);
    }

  if (health)
    {
      /* Probes check the primary and the backup alike. */
      row->provider = tg_random_chance (rng, 0.5) ? regions[region].primary
                                                   : regions[region].backup;
    }
  else
    row->provider = route_address (day, region, event->time, rng);

  row->api_provider = providers[row->provider].slug;
  row->request_type = request_types[rt];
  row->feature = features[feature].name;
  row->call_count = 1;
  if (batch)
    {
      guint size = (guint)tg_random_log_normal (rng, 14.0, 0.7);

      row->call_count = 2 + MIN (size, 98);
    }

  international = row->provider == TG_TRAFFIC_PROVIDER_SMARTY_STREETS
                  && region != TG_TRAFFIC_REGION_US;
  if (batch)
    row->api_endpoint = batch_endpoints[row->provider];
  else if (international)
    row->api_endpoint = smarty_international[rt];
  else
    row->api_endpoint = endpoints[row->provider][rt];

  row->response_status = pick_status (day, row->provider, event->time,
                                      provider_down (day, row->provider, event->time),
                                      event->spike ? 0.08 : 0.0, rng, &in_burst);

  median = providers[row->provider].latency_median;
  if (providers[row->provider].home != region)
    median *= 1.7;
  if (rt == RT_AUTOCOMPLETE)
    median *= 0.7;
  if (batch)
    median *= 1.0 + 0.05 * row->call_count;
  if (in_burst)
    median *= 2.5;
  row->response_time = latency (rng, median, providers[row->provider].latency_sigma,
                                row->response_status, batch ? 30000 : 10000);

  if (row->provider == TG_TRAFFIC_PROVIDER_GEOSCAPE
      && row->response_status != 0 && row->response_status < 500 && row->response_status != 429)
    row->credit_cost = geoscape_credits[rt] * row->call_count;
  else
    row->credit_cost = 0;

  /* Postcodes.io is free; health probes are not the business's traffic. */
  row->is_billable = row->provider != TG_TRAFFIC_PROVIDER_POSTCODES_IO && !health;

  if (event->spike)
    {
      /* A script walking through addresses: no repeats, and its own agent. */
      Out out = out_init (row->ip_address, sizeof row->ip_address);

      pick_address (region, tg_random_below (rng, 1000000), &address);
      row->user_id = user->user_id;
      row->user_agent = user_agents[UA_SCRIPT];
      out_str (&out, "203.0.113.");
      out_uint (&out, 200 + user->address_seed % 50);
      out_finish (&out);
    }
  else
    {
      /* Popular addresses repeat exactly: cacheable requests. */
      pick_address (region, health ? 0 : tg_random_zipf (rng, self->address_zipf), &address);
      if (guest)
        set_guest (row, day, rng);
      else
        set_user (row, user, day, rng);
      if (batch)
        row->user_agent = user_agents[UA_CRM];
      else if (health)
        row->user_agent = user_agents[UA_HEALTHCHECK];
    }

  format_address (&address, text, sizeof text);
  country = address.locality->country;

  request = out_init (row->request_data, sizeof row->request_data);
  if (batch)
    {
      out_str (&request, "{\"addresses\":");
      out_uint (&request, row->call_count);
      out_str (&request, ",\"country\":\"");
      out_str (&request, country);
      out_str (&request, "\",\"source\":\"crm-import\"}");
    }
  else if (row->provider == TG_TRAFFIC_PROVIDER_POSTCODES_IO && rt != RT_REVERSE_GEOCODE)
    {
      out_str (&request, "{\"postcode\":\"");
      out_str (&request, address.locality->postcode);
      out_str (&request, "\"}");
    }
  else if (rt == RT_AUTOCOMPLETE)
    {
      /* What people have typed so far: short prefixes repeat often. */
      static const int prefixes[] = { 6, 9, 12, 16, 64 };
      int length = utf8_prefix (text, prefixes[tg_random_below (rng, G_N_ELEMENTS (prefixes))]);

      out_str (&request, "{\"query\":\"");
      out_strn (&request, text, (gsize)length);
      out_str (&request, "\",\"country\":\"");
      out_str (&request, country);
      out_str (&request, "\"}");
    }
  else if (rt == RT_REVERSE_GEOCODE)
    {
      out_str (&request, "{\"lat\":");
      out_fixed (&request, address.lat, 5);
      out_str (&request, ",\"lon\":");
      out_fixed (&request, address.lon, 5);
      out_str (&request, "}");
    }
  else
    {
      out_str (&request, "{\"address\":\"");
      out_str (&request, text);
      out_str (&request, "\",\"country\":\"");
      out_str (&request, country);
      out_str (&request, "\"}");
    }
  out_finish (&request);

  if (row->response_status != 200)
    {
      address_error_response (row, rng);
      return;
    }

  response = out_init (row->response_data, sizeof row->response_data);
  switch (rt)
    {
    case RT_AUTOCOMPLETE:
      out_str (&response, "{\"suggestions\":");
      out_uint (&response, tg_random_below (rng, 11));
      out_str (&response, "}");
      break;
    case RT_GEOCODE:
      out_str (&response, "{\"lat\":");
      out_fixed (&response, address.lat, 5);
      out_str (&response, ",\"lon\":");
      out_fixed (&response, address.lon, 5);
      out_str (&response, ",\"precision\":\"");
      out_str (&response, tg_random_chance (rng, 0.85) ? "rooftop" : "street");
      out_str (&response, "\"}");
      break;
    case RT_REVERSE_GEOCODE:
      out_str (&response, "{\"address\":\"");
      out_str (&response, text);
      out_str (&response, "\"}");
      break;
    default:
      if (batch)
        {
          out_str (&response, "{\"processed\":");
          out_uint (&response, row->call_count);
          out_str (&response, ",\"verified\":");
          out_uint (&response, row->call_count - tg_random_below (rng, row->call_count / 5 + 1));
          out_str (&response, "}");
        }
      else
        {
          out_str (&response, "{\"verified\":");
          out_str (&response, tg_random_chance (rng, 0.92) ? "true" : "false");
          out_str (&response, ",\"confidence\":");
          out_fixed (&response, tg_random_uniform (rng, 0.6, 1.0), 2);
          out_str (&response, "}");
        }
      break;
    }
  out_finish (&response);
}

static void
make_ai_row (TgTrafficDay *day,
             const Event  *event,
             TgRandom     *rng,
             TgTrafficRow *row)
{
  static const guint feature_ids[] = { F_AI_SUMMARY, F_AI_SEARCH, F_AI_SUPPORT, F_AI_CLASSIFY };
  TgTrafficModel *self = day->model;
  const TgTrafficUser *user = NULL;
  guint feature = feature_ids[tg_random_weighted (rng, ai_feature_weights,
                                                  G_N_ELEMENTS (ai_feature_weights))];
  gboolean embeddings = feature == F_AI_SEARCH;
  gboolean large = FALSE;
  gboolean in_burst = FALSE;
  const char *model;
  const char *version;
  guint prompt_tokens;
  guint completion_tokens = 0;
  Out request;
  Out response;

  if (!tg_random_chance (rng, 0.04))
    user = pick_user (self, event->region, rng);

  row->provider = TG_TRAFFIC_PROVIDER_OPENAI;
  row->api_provider = providers[TG_TRAFFIC_PROVIDER_OPENAI].slug;
  row->feature = features[feature].name;
  row->call_count = 1;
  row->credit_cost = 0;
  row->is_billable = TRUE;

  switch (feature)
    {
    case F_AI_SUMMARY:
      large = tg_random_chance (rng, 0.3);
      prompt_tokens = (guint)tg_random_log_normal (rng, 1200.0, 0.6);
      completion_tokens = (guint)tg_random_log_normal (rng, 220.0, 0.5);
      break;
    case F_AI_SUPPORT:
      large = tg_random_chance (rng, 0.5);
      prompt_tokens = (guint)tg_random_log_normal (rng, 2200.0, 0.5);
      completion_tokens = (guint)tg_random_log_normal (rng, 180.0, 0.6);
      break;
    case F_AI_CLASSIFY:
      prompt_tokens = (guint)tg_random_log_normal (rng, 300.0, 0.4);
      completion_tokens = 1 + tg_random_below (rng, 8);
      break;
    default:
      prompt_tokens = (guint)tg_random_log_normal (rng, 12.0, 0.5);
      break;
    }
  prompt_tokens = MAX (prompt_tokens, 1);
  completion_tokens = embeddings ? 0 : MAX (completion_tokens, 1);

  if (embeddings)
    {
      model = "text-embedding-3-small";
      version = "text-embedding-3-small";
    }
  else if (large)
    {
      model = "gpt-4o";
      version = "gpt-4o-2024-08-06";
    }
  else
    {
      model = "gpt-4o-mini";
      version = "gpt-4o-mini-2024-07-18";
    }

  row->request_type = request_types[embeddings ? RT_EMBEDDINGS : RT_CHAT];
  row->api_endpoint = embeddings ? "/v1/embeddings" : "/v1/chat/completions";
  row->response_status = pick_status (day, row->provider, event->time, FALSE, 0.004, rng,
                                      &in_burst);

  if (embeddings)
    row->response_time = latency (rng, 180.0 * (in_burst ? 2.0 : 1.0), 0.4,
                                  row->response_status, 60000);
  else
    row->response_time = latency (rng, (350.0 + 18.0 * completion_tokens) * (large ? 1.5 : 1.0)
                                       * (in_burst ? 2.0 : 1.0),
                                  0.35, row->response_status, 60000);

  set_user (row, user, day, rng);

  request = out_init (row->request_data, sizeof row->request_data);
  out_str (&request, "{\"model\":\"");
  out_str (&request, model);
  if (embeddings)
    {
      /* Popular searches repeat exactly: the same request, cacheable. */
      guint q = tg_random_zipf (rng, self->query_zipf);
      guint64 h = tg_random_mix (0x5eed, q);
      guint n = G_N_ELEMENTS (query_words);

      out_str (&request, "\",\"input\":\"");
      out_str (&request, query_words[h % n]);
      out_str (&request, " ");
      out_str (&request, query_words[(h >> 16) % n]);
      out_str (&request, " ");
      out_str (&request, query_words[(h >> 32) % n]);
      out_str (&request, "\"}");
    }
  else
    {
      out_str (&request, "\",\"messages\":");
      out_uint (&request, 2 + tg_random_below (rng, 6));
      out_str (&request, ",\"max_tokens\":");
      out_uint (&request, feature == F_AI_CLASSIFY ? 16 : 1024);
      out_str (&request, ",\"template\":\"");
      out_str (&request, features[feature].name + 3);
      out_str (&request, "-v");
      out_uint (&request, 2 + tg_random_below (rng, 2));
      out_str (&request, "\"}");
    }
  out_finish (&request);

  response = out_init (row->response_data, sizeof row->response_data);
  switch (row->response_status)
    {
    case 200:
      /* What the platform keeps of OpenAI's answer: the model and the token counts. */
      if (embeddings)
        out_str (&response, "{\"model\":\"");
      else
        {
          out_str (&response, "{\"id\":\"chatcmpl-");
          out_hex (&response, tg_random_next (rng) & G_GUINT64_CONSTANT (0xffffffffffff), 12);
          out_str (&response, "\",\"model\":\"");
        }
      out_str (&response, version);
      out_str (&response, "\",\"usage\":{\"prompt_tokens\":");
      out_uint (&response, prompt_tokens);
      out_str (&response, ",\"completion_tokens\":");
      out_uint (&response, completion_tokens);
      out_str (&response, ",\"total_tokens\":");
      out_uint (&response, prompt_tokens + completion_tokens);
      out_str (&response, "}}");
      break;
    case 0:
      break;
    case 429:
      out_str (&response, "{\"error\":{\"type\":\"rate_limit_error\","
                          "\"code\":\"rate_limit_exceeded\"}}");
      break;
    case 400:
    case 422:
      out_str (&response, "{\"error\":{\"type\":\"invalid_request_error\","
                          "\"code\":\"context_length_exceeded\"}}");
      break;
    case 401:
    case 403:
      out_str (&response, "{\"error\":{\"type\":\"invalid_request_error\","
                          "\"code\":\"invalid_api_key\"}}");
      break;
    case 404:
      out_str (&response, "{\"error\":{\"type\":\"invalid_request_error\","
                          "\"code\":\"model_not_found\"}}");
      break;
    default:
      out_str (&response, "{\"error\":{\"type\":\"server_error\",\"code\":null}}");
      break;
    }
  out_finish (&response);
}

static void
make_row (TgTrafficDay *day,
          const Event  *event,
          TgTrafficRow *row)
{
  TgRandom rng;

  tg_random_init (&rng, event->seed);

  row->created_at = event->time;
  row->region = event->region;
  row->region_code = regions[event->region].code;

  if (!event->spike && tg_random_chance (&rng, AI_SHARE))
    make_ai_row (day, event, &rng, row);
  else
    make_address_row (day, event, &rng, row);
}

/**
 * tg_traffic_day_get_row:
 * @index: less than tg_traffic_day_get_n_rows(); rows come in time order
 *
 * Fills @row. Asking twice for the same index gives the same row.
 */
void
tg_traffic_day_get_row (TgTrafficDay *day,
                        guint         index,
                        TgTrafficRow *row)
{
  g_return_if_fail (day != NULL && day->events != NULL);
  g_return_if_fail (index < day->events->len);
  g_return_if_fail (row != NULL);

  make_row (day, &g_array_index (day->events, Event, index), row);
}

/**
 * tg_traffic_model_make_live_row:
 * @rng: the live run's generator
 * @time: when the call happens (µs)
 *
 * A call happening now: the region is drawn by the regions' current rates, so live
 * traffic shifts around the globe with the time of day; outages and error bursts of the
 * day apply as in history.
 */
void
tg_traffic_model_make_live_row (TgTrafficModel *self,
                                TgRandom       *rng,
                                gint64          time,
                                TgTrafficRow   *row)
{
  double weights[TG_TRAFFIC_N_REGIONS];
  gint64 day = floor_div (time, TG_TRAFFIC_USEC_PER_DAY);
  Event event;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rng != NULL);
  g_return_if_fail (row != NULL);

  if (self->live_day == NULL || self->live_day->day != day)
    {
      g_clear_pointer (&self->live_day, tg_traffic_day_free);
      self->live_day = day_context_new (self, day);
    }

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    weights[r] = tg_traffic_model_get_rate (self, r, time) + 1e-9;

  event.time = time;
  event.region = tg_random_weighted (rng, weights, TG_TRAFFIC_N_REGIONS);
  event.seed = tg_random_next (rng);
  event.spike = FALSE;

  make_row (self->live_day, &event, row);
}
