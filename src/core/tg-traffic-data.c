/* tg-traffic-data.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The platform that `tollgatectl simulate` plays: its regions (time zone, primary and
 * backup address provider, share of the traffic, number of users), the providers (slug,
 * home region, latency, error bursts), their endpoints, the features and cost centres the
 * calls are booked to, the user agents, the names of the population and the addresses
 * people look up. Tables only, and the functions that read them out; the model that uses
 * them is in tg-traffic-model.c, the rows in tg-traffic-rows.c.
 */

#include "config.h"

#include "tg-traffic-private.h"

const TgTrafficRegionInfo _tg_traffic_regions[TG_TRAFFIC_N_REGIONS] = {
  { "AU", "Australia/Sydney", "AU", TG_TRAFFIC_PROVIDER_GEOSCAPE,
    TG_TRAFFIC_PROVIDER_SMARTY_STREETS, 0.34, 680 },
  { "US", "America/New_York", "US", TG_TRAFFIC_PROVIDER_SMARTY_STREETS,
    TG_TRAFFIC_PROVIDER_HERE, 0.30, 600 },
  { "EU", "Europe/Berlin", "DE", TG_TRAFFIC_PROVIDER_HERE,
    TG_TRAFFIC_PROVIDER_POSTCODES_IO, 0.21, 420 },
  { "CA", "America/Toronto", "CA", TG_TRAFFIC_PROVIDER_CANADA_POST,
    TG_TRAFFIC_PROVIDER_SMARTY_STREETS, 0.15, 300 },
};

const TgTrafficProviderInfo _tg_traffic_providers[TG_TRAFFIC_N_PROVIDERS] = {
  { "geoscape",       TG_TRAFFIC_REGION_AU, 120.0, 0.45, 0.5 },
  { "smarty_streets", TG_TRAFFIC_REGION_US,  85.0, 0.40, 0.4 },
  { "here",           TG_TRAFFIC_REGION_EU, 140.0, 0.50, 0.5 },
  { "postcodes_io",   TG_TRAFFIC_REGION_EU,  55.0, 0.35, 0.6 },
  { "canada_post",    TG_TRAFFIC_REGION_CA, 175.0, 0.50, 0.5 },
  { "openai",         TG_TRAFFIC_REGION_US,   0.0, 0.00, 0.8 },
};

const char * const _tg_traffic_request_types[N_REQUEST_TYPES] = {
  "autocomplete", "validate", "geocode", "reverse_geocode", "chat.completions", "embeddings",
};

/* Endpoints by provider and request type (address providers). */
const char * const _tg_traffic_endpoints[TG_TRAFFIC_N_PROVIDERS][4] = {
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
const char * const _tg_traffic_smarty_international[4] = {
  "international-autocomplete/v2/lookup", "international-street-api/verify",
  "international-street-api/verify", "us-reverse-geo/lookup",
};

const char * const _tg_traffic_batch_endpoints[TG_TRAFFIC_N_PROVIDERS] = {
  "/v1/batch/addresses", "us-street-api/street-address", "/v1/batch/geocode",
  "/postcodes", "/AddressComplete/Batch/Cleanse/v1.00", NULL,
};

/* Geoscape bills credits: some request types cost more than one. */
const guint _tg_traffic_geoscape_credits[4] = { 1, 1, 2, 2 };

const TgTrafficCostCentre _tg_traffic_cost_centres[] = {
  { "ENG-PLATFORM", "Platform Engineering" },
  { "ECOM",         "E-commerce" },
  { "GROWTH",       "Growth & Onboarding" },
  { "LOGISTICS",    "Logistics" },
  { "SALES-OPS",    "Sales Operations" },
  { "RISK",         "Risk & Fraud" },
  { "DATA-AI",      "Data & AI" },
  { "SUPPORT",      "Customer Support" },
};

const TgTrafficFeature _tg_traffic_features[N_FEATURES] = {
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
const double _tg_traffic_address_feature_weights[] = {
  0.46, 0.15, 0.15, 0.08, 0.10, 0.012, 0.018,
};
const double _tg_traffic_ai_feature_weights[] = {
  0.30, 0.35, 0.25, 0.10,
};

const char * const _tg_traffic_user_agents[] = {
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

const double _tg_traffic_personal_agent_weights[N_PERSONAL_AGENTS] = {
  0.30, 0.14, 0.20, 0.05, 0.11, 0.12, 0.08,
};

const TgTrafficName _tg_traffic_first_names[] = {
  { "Olivia", "olivia" }, { "Liam", "liam" }, { "Charlotte", "charlotte" }, { "Noah", "noah" },
  { "Amelia", "amelia" }, { "Jack", "jack" }, { "Isla", "isla" }, { "William", "william" },
  { "Mia", "mia" }, { "Lucas", "lucas" }, { "Chloé", "chloe" }, { "José", "jose" },
  { "Zoë", "zoe" }, { "Björn", "bjorn" }, { "Siobhán", "siobhan" }, { "François", "francois" },
  { "Priya", "priya" }, { "Wei", "wei" }, { "Aroha", "aroha" }, { "Mateo", "mateo" },
  { "Fatima", "fatima" }, { "Hiroshi", "hiroshi" }, { "Ngozi", "ngozi" }, { "Sofia", "sofia" },
  { "Ethan", "ethan" }, { "Grace", "grace" }, { "Oscar", "oscar" }, { "Ava", "ava" },
  { "Lena", "lena" }, { "Mohammed", "mohammed" }, { "Anika", "anika" }, { "Tomás", "tomas" },
};

const TgTrafficName _tg_traffic_last_names[] = {
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

const char * const _tg_traffic_email_domains[] = {
  "example.com", "example.org", "example.net", "mail.example.com",
};

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

static const TgTrafficLocality au_localities[] = {
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
static const TgTrafficLocality us_localities[] = {
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
static const TgTrafficLocality eu_localities[] = {
  { "10117 Berlin", "10117", "DE", 52.5163, 13.3889, de_streets, TRUE },
  { "80331 München", "80331", "DE", 48.1374, 11.5755, de_streets, TRUE },
  { "20095 Hamburg", "20095", "DE", 53.5503, 10.0007, de_streets, TRUE },
  { "London SW1A 1AA", "SW1A 1AA", "GB", 51.5010, -0.1416, gb_streets, FALSE },
  { "Manchester M1 1AE", "M1 1AE", "GB", 53.4794, -2.2453, gb_streets, FALSE },
  { "Leeds LS1 4DY", "LS1 4DY", "GB", 53.7997, -1.5492, gb_streets, FALSE },
  { "75001 Paris", "75001", "FR", 48.8625, 2.3364, fr_streets, FALSE },
  { "1012 Amsterdam", "1012", "NL", 52.3731, 4.8926, nl_streets, TRUE },
};
static const TgTrafficLocality ca_localities[] = {
  { "Toronto ON M5H 2N2", "M5H 2N2", "CA", 43.6511, -79.3832, ca_streets, FALSE },
  { "Ottawa ON K1P 5J2", "K1P 5J2", "CA", 45.4215, -75.6972, ca_streets, FALSE },
  { "Montréal QC H3B 1A7", "H3B 1A7", "CA", 45.5019, -73.5674, ca_streets, FALSE },
  { "Vancouver BC V6C 1T2", "V6C 1T2", "CA", 49.2827, -123.1207, ca_streets, FALSE },
  { "Calgary AB T2P 1J9", "T2P 1J9", "CA", 51.0447, -114.0719, ca_streets, FALSE },
  { "Edmonton AB T5J 0N3", "T5J 0N3", "CA", 53.5461, -113.4938, ca_streets, FALSE },
  { "Halifax NS B3J 1S9", "B3J 1S9", "CA", 44.6488, -63.5752, ca_streets, FALSE },
};

const TgTrafficLocalities _tg_traffic_localities[TG_TRAFFIC_N_REGIONS] = {
  { au_localities, G_N_ELEMENTS (au_localities) },
  { us_localities, G_N_ELEMENTS (us_localities) },
  { eu_localities, G_N_ELEMENTS (eu_localities) },
  { ca_localities, G_N_ELEMENTS (ca_localities) },
};

/* What people search for (ai.search embeds the query: popular ones repeat exactly). */
const char * const _tg_traffic_query_words[] = {
  "waterproof", "jacket", "running", "shoes", "kids", "wireless", "headphones", "gift",
  "card", "return", "policy", "delivery", "time", "organic", "coffee", "beans", "desk",
  "lamp", "yoga", "mat", "winter", "boots", "phone", "case", "sale",
};

const guint _tg_traffic_n_first_names = G_N_ELEMENTS (_tg_traffic_first_names);
const guint _tg_traffic_n_last_names = G_N_ELEMENTS (_tg_traffic_last_names);
const guint _tg_traffic_n_email_domains = G_N_ELEMENTS (_tg_traffic_email_domains);
const guint _tg_traffic_n_query_words = G_N_ELEMENTS (_tg_traffic_query_words);

/* ---- static facts ------------------------------------------------------------------- */

const char *
tg_traffic_provider_get_slug (TgTrafficProvider provider)
{
  g_return_val_if_fail (provider < TG_TRAFFIC_N_PROVIDERS, NULL);

  return _tg_traffic_providers[provider].slug;
}

const char *
tg_traffic_region_get_code (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, NULL);

  return _tg_traffic_regions[region].code;
}

const char *
tg_traffic_region_get_time_zone (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, NULL);

  return _tg_traffic_regions[region].time_zone;
}

TgTrafficProvider
tg_traffic_region_get_primary (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0);

  return _tg_traffic_regions[region].primary;
}

TgTrafficProvider
tg_traffic_region_get_backup (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0);

  return _tg_traffic_regions[region].backup;
}

/* The region's share of all rows. */
double
tg_traffic_region_get_share (TgTrafficRegion region)
{
  g_return_val_if_fail (region < TG_TRAFFIC_N_REGIONS, 0.0);

  return _tg_traffic_regions[region].share;
}

const TgTrafficFeature *
tg_traffic_get_features (guint *n_features)
{
  if (n_features != NULL)
    *n_features = G_N_ELEMENTS (_tg_traffic_features);
  return _tg_traffic_features;
}

const TgTrafficCostCentre *
tg_traffic_get_cost_centres (guint *n_cost_centres)
{
  if (n_cost_centres != NULL)
    *n_cost_centres = G_N_ELEMENTS (_tg_traffic_cost_centres);
  return _tg_traffic_cost_centres;
}
