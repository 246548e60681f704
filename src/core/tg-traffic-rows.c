/* tg-traffic-rows.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The row builders of the traffic model: from an event (a time, a region and a seed) the
 * whole row — provider and endpoint, status and latency, user, IP address, user agent and
 * the request and response bodies — drawn from the event's seed alone, and written
 * without allocating. The tables come from tg-traffic-data.c, the events from
 * tg-traffic-model.c.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-traffic-private.h"

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
  const TgTrafficLocality *locality;
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
  const TgTrafficLocalities *pool = &_tg_traffic_localities[region];
  const TgTrafficLocality *locality = &pool->items[h % pool->n_items];
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

/* A person's browser or app, as common as each is. */
static const char *
pick_personal_agent (TgRandom *rng)
{
  return _tg_traffic_user_agents[tg_random_weighted (rng, _tg_traffic_personal_agent_weights,
                                                     N_PERSONAL_AGENTS)];
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
    row->user_agent = _tg_traffic_user_agents[user->user_agent];
  else if (user != NULL)
    row->user_agent = pick_personal_agent (rng);
  else
    row->user_agent = _tg_traffic_user_agents[UA_PLATFORM];
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
  row->user_agent = pick_personal_agent (rng);
}

static const TgTrafficBurst *
find_burst (TgTrafficDay      *day,
            TgTrafficProvider  provider,
            gint64             time)
{
  for (guint i = 0; i < day->n_bursts[provider]; i++)
    {
      const TgTrafficBurst *burst = &day->bursts[provider][i];

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

  return tg_random_chance (rng, BACKUP_SHARE) ? _tg_traffic_regions[region].backup
                                              : _tg_traffic_regions[region].primary;
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
  const TgTrafficBurst *burst;
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
make_address_row (TgTrafficDay         *day,
                  const TgTrafficEvent *event,
                  TgRandom             *rng,
                  TgTrafficRow         *row)
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
      feature = tg_random_weighted (rng, _tg_traffic_address_feature_weights,
                                    N_ADDRESS_FEATURES);
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
      row->provider = tg_random_chance (rng, 0.5) ? _tg_traffic_regions[region].primary
                                                   : _tg_traffic_regions[region].backup;
    }
  else
    row->provider = route_address (day, region, event->time, rng);

  row->api_provider = _tg_traffic_providers[row->provider].slug;
  row->request_type = _tg_traffic_request_types[rt];
  row->feature = _tg_traffic_features[feature].name;
  row->call_count = 1;
  if (batch)
    {
      guint size = (guint)tg_random_log_normal (rng, 14.0, 0.7);

      row->call_count = 2 + MIN (size, 98);
    }

  international = row->provider == TG_TRAFFIC_PROVIDER_SMARTY_STREETS
                  && region != TG_TRAFFIC_REGION_US;
  if (batch)
    row->api_endpoint = _tg_traffic_batch_endpoints[row->provider];
  else if (international)
    row->api_endpoint = _tg_traffic_smarty_international[rt];
  else
    row->api_endpoint = _tg_traffic_endpoints[row->provider][rt];

  row->response_status = pick_status (day, row->provider, event->time,
                                      provider_down (day, row->provider, event->time),
                                      event->spike ? 0.08 : 0.0, rng, &in_burst);

  median = _tg_traffic_providers[row->provider].latency_median;
  if (_tg_traffic_providers[row->provider].home != region)
    median *= 1.7;
  if (rt == RT_AUTOCOMPLETE)
    median *= 0.7;
  if (batch)
    median *= 1.0 + 0.05 * row->call_count;
  if (in_burst)
    median *= 2.5;
  row->response_time = latency (rng, median,
                                _tg_traffic_providers[row->provider].latency_sigma,
                                row->response_status, batch ? 30000 : 10000);

  if (row->provider == TG_TRAFFIC_PROVIDER_GEOSCAPE
      && row->response_status != 0 && row->response_status < 500 && row->response_status != 429)
    row->credit_cost = _tg_traffic_geoscape_credits[rt] * row->call_count;
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
      row->user_agent = _tg_traffic_user_agents[UA_SCRIPT];
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
        row->user_agent = _tg_traffic_user_agents[UA_CRM];
      else if (health)
        row->user_agent = _tg_traffic_user_agents[UA_HEALTHCHECK];
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
make_ai_row (TgTrafficDay         *day,
             const TgTrafficEvent *event,
             TgRandom             *rng,
             TgTrafficRow         *row)
{
  static const guint feature_ids[] = { F_AI_SUMMARY, F_AI_SEARCH, F_AI_SUPPORT, F_AI_CLASSIFY };
  TgTrafficModel *self = day->model;
  const TgTrafficUser *user = NULL;
  guint feature = feature_ids[tg_random_weighted (rng, _tg_traffic_ai_feature_weights,
                                                  N_AI_FEATURES)];
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
  row->api_provider = _tg_traffic_providers[TG_TRAFFIC_PROVIDER_OPENAI].slug;
  row->feature = _tg_traffic_features[feature].name;
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

  row->request_type = _tg_traffic_request_types[embeddings ? RT_EMBEDDINGS : RT_CHAT];
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
      guint n = _tg_traffic_n_query_words;

      out_str (&request, "\",\"input\":\"");
      out_str (&request, _tg_traffic_query_words[h % n]);
      out_str (&request, " ");
      out_str (&request, _tg_traffic_query_words[(h >> 16) % n]);
      out_str (&request, " ");
      out_str (&request, _tg_traffic_query_words[(h >> 32) % n]);
      out_str (&request, "\"}");
    }
  else
    {
      out_str (&request, "\",\"messages\":");
      out_uint (&request, 2 + tg_random_below (rng, 6));
      out_str (&request, ",\"max_tokens\":");
      out_uint (&request, feature == F_AI_CLASSIFY ? 16 : 1024);
      out_str (&request, ",\"template\":\"");
      out_str (&request, _tg_traffic_features[feature].name + 3);
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

/* Everything about a row but its time and region comes from the event's own seed, so a
 * row does not depend on the rows made before it.
 */
void
_tg_traffic_make_row (TgTrafficDay         *day,
                      const TgTrafficEvent *event,
                      TgTrafficRow         *row)
{
  TgRandom rng;

  tg_random_init (&rng, event->seed);

  row->created_at = event->time;
  row->region = event->region;
  row->region_code = _tg_traffic_regions[event->region].code;

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

  _tg_traffic_make_row (day, &g_array_index (day->events, TgTrafficEvent, index), row);
}
