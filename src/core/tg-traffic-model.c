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
 *
 * This file holds the model: the daily curve and local time, the population, the
 * runaway-user spike, outages and error bursts, and the events of a day. The tables it
 * draws from are in tg-traffic-data.c; the rows made from events in tg-traffic-rows.c.
 */

#include "config.h"

#include <math.h>

#include "tg-traffic-private.h"

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

  return self->rows_per_day * _tg_traffic_regions[region].share
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
    self->n_users += _tg_traffic_regions[r].n_users;
  g_assert (self->n_users == N_USERS);
  self->users = g_new0 (TgTrafficUser, self->n_users);

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      guint n = _tg_traffic_regions[r].n_users;
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
          const TgTrafficName *first_name =
            &_tg_traffic_first_names[tg_random_below (&rng, _tg_traffic_n_first_names)];
          const TgTrafficName *last_name =
            &_tg_traffic_last_names[tg_random_below (&rng, _tg_traffic_n_last_names)];
          const char *domain;

          user->user_id = 100001 + index;
          user->region = r;
          user->display_name = g_strdup_printf ("%s %s", first_name->display, last_name->display);
          domain = _tg_traffic_email_domains[tg_random_below (&rng, _tg_traffic_n_email_domains)];
          user->email = g_strdup_printf ("%s.%s%u@%s", first_name->ascii, last_name->ascii,
                                         (guint)(user->user_id % 1000), domain);
          user->tier = tiers[tg_random_weighted (&rng, tier_weights, G_N_ELEMENTS (tier_weights))];
          user->cost_centre =
            _tg_traffic_cost_centres[tg_random_weighted (&rng, centre_weights,
                                                         G_N_ELEMENTS (centre_weights))].code;
          user->user_agent = tg_random_weighted (&rng, _tg_traffic_personal_agent_weights,
                                                 N_PERSONAL_AGENTS);
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
      self->zones[r] = g_time_zone_new_identifier (_tg_traffic_regions[r].time_zone);
      if (self->zones[r] == NULL)
        {
          g_warning ("Time zone %s is unknown (is tzdata installed?); using UTC",
                     _tg_traffic_regions[r].time_zone);
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
    weights[r] = _tg_traffic_regions[r].share;
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
  rank = MIN (rank, _tg_traffic_regions[region].n_users - 1);
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
    weights[r] = _tg_traffic_regions[r].share;

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
      outage.primary = _tg_traffic_regions[region].primary;
      outage.backup = _tg_traffic_regions[region].backup;
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
  const TgTrafficEvent *x = a;
  const TgTrafficEvent *y = b;

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
      n_bursts = tg_random_poisson (&rng, _tg_traffic_providers[p].burst_rate);
      result->n_bursts[p] = MIN (n_bursts, MAX_BURSTS);
      for (guint i = 0; i < result->n_bursts[p]; i++)
        {
          TgTrafficBurst *burst = &result->bursts[p][i];

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
  result->events = g_array_sized_new (FALSE, FALSE, sizeof (TgTrafficEvent),
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
              TgTrafficEvent event;

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
          TgTrafficEvent event;

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
  TgTrafficEvent event;

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

  _tg_traffic_make_row (self->live_day, &event, row);
}
