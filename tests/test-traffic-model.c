/* test-traffic-model.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The simulator's model without a database: determinism, the daily curve in each
 * region's local time, weekends, the outage schedule and failover, the spike and the
 * population. Seeds are fixed, so the statistical checks cannot flake.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg-traffic-model.h"

static char *
row_to_string (const TgTrafficRow *row)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT
                          "|%s|%s|%s|%s|%s|%s|%u|%u|%u|%u|%d|%s|%s|%s",
                          row->created_at, row->user_id, row->api_provider, row->api_endpoint,
                          row->request_type, row->feature, row->region_code, row->user_agent,
                          row->call_count, row->credit_cost, row->response_time,
                          row->response_status, row->is_billable, row->ip_address,
                          row->request_data, row->response_data);
}

/* The rows of a day, one string each. */
static GPtrArray *
day_strings (TgTrafficModel *model,
             gint64          day_number)
{
  g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, day_number);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  TgTrafficRow row;

  for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
    {
      tg_traffic_day_get_row (day, i, &row);
      g_ptr_array_add (rows, row_to_string (&row));
    }
  return rows;
}

static gboolean
same_rows (GPtrArray *a,
           GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

static gint64
local_time (TgTrafficRegion region,
            int             year,
            int             month,
            int             day,
            int             hour)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (tg_traffic_region_get_time_zone (region));
  g_autoptr(GDateTime) at = g_date_time_new (zone, year, month, day, hour, 0, 0);

  return g_date_time_to_unix (at) * G_USEC_PER_SEC;
}

static void
test_determinism (void)
{
  g_autoptr(TgTrafficModel) a = tg_traffic_model_new (42, 5000);
  g_autoptr(TgTrafficModel) b = tg_traffic_model_new (42, 5000);
  g_autoptr(TgTrafficModel) c = tg_traffic_model_new (43, 5000);
  gint64 day = tg_traffic_day_from_date (2025, 3, 12);
  g_autoptr(GPtrArray) rows_a = day_strings (a, day);
  g_autoptr(GPtrArray) rows_b = day_strings (b, day);
  g_autoptr(GPtrArray) rows_c = day_strings (c, day);
  g_autoptr(TgTrafficDay) again = tg_traffic_model_generate_day (a, day);
  TgTrafficRow row;

  g_assert_cmpuint (rows_a->len, >, 3000);
  g_assert_true (same_rows (rows_a, rows_b));
  g_assert_false (same_rows (rows_a, rows_c));

  /* Asking for a row again, out of order, gives the same row. */
  for (guint i = rows_a->len; i > 0; i -= 97)
    {
      g_autofree char *text = NULL;

      tg_traffic_day_get_row (again, i - 1, &row);
      text = row_to_string (&row);
      g_assert_cmpstr (text, ==, g_ptr_array_index (rows_a, i - 1));
      if (i <= 97)
        break;
    }

  /* The same population for the same seed. */
  {
    const TgTrafficUser *users_a, *users_b;
    guint n_a, n_b;

    users_a = tg_traffic_model_get_users (a, &n_a);
    users_b = tg_traffic_model_get_users (b, &n_b);
    g_assert_cmpuint (n_a, ==, n_b);
    for (guint i = 0; i < n_a; i++)
      {
        g_assert_cmpstr (users_a[i].email, ==, users_b[i].email);
        g_assert_cmpuint (users_a[i].rank, ==, users_b[i].rank);
      }
  }
}

/* A day's rows do not depend on the range it is generated in (when the spike is not in it). */
static void
test_day_independence (void)
{
  g_autoptr(TgTrafficModel) a = tg_traffic_model_new (5, 3000);
  g_autoptr(TgTrafficModel) b = tg_traffic_model_new (5, 3000);
  gint64 day = tg_traffic_day_from_date (2025, 3, 12);
  g_autoptr(GPtrArray) rows_a = NULL;
  g_autoptr(GPtrArray) rows_b = NULL;

  tg_traffic_model_set_range (b, tg_traffic_day_from_date (2024, 1, 1), 30);
  rows_a = day_strings (a, day);
  rows_b = day_strings (b, day);
  g_assert_true (same_rows (rows_a, rows_b));
}

static void
test_rows_in_order (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (1, 4000);
  gint64 day_number = tg_traffic_day_from_date (2025, 1, 15);
  g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, day_number);
  gint64 previous = G_MININT64;
  TgTrafficRow row;

  g_assert_cmpint (tg_traffic_day_get_day (day), ==, day_number);
  for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
    {
      tg_traffic_day_get_row (day, i, &row);
      g_assert_cmpint (row.created_at, >=, previous);
      g_assert_cmpint (row.created_at, >=, day_number * TG_TRAFFIC_USEC_PER_DAY);
      g_assert_cmpint (row.created_at, <, (day_number + 1) * TG_TRAFFIC_USEC_PER_DAY);
      previous = row.created_at;
    }
}

static void
test_daily_curve (void)
{
  double peak = 0.0;
  double peak_hour = 0.0;

  for (double h = 0.0; h < 24.0; h += 0.25)
    {
      double v = tg_traffic_daily_curve (h);

      g_assert_cmpfloat (v, >, 0.0);
      if (v > peak)
        {
          peak = v;
          peak_hour = h;
        }
    }

  g_assert_cmpfloat (peak_hour, >=, 10.0);
  g_assert_cmpfloat (peak_hour, <=, 15.0);
  g_assert_cmpfloat (tg_traffic_daily_curve (3.0), <, 0.1 * peak);
  /* Continuous across midnight. */
  g_assert_cmpfloat_with_epsilon (tg_traffic_daily_curve (0.0), tg_traffic_daily_curve (23.9999),
                                  0.001);
  g_assert_cmpfloat_with_epsilon (tg_traffic_daily_curve (-1.0), tg_traffic_daily_curve (23.0),
                                  1e-12);
}

/* In every region the busiest hour is a daytime hour of the region's own clock, also
 * across a change to summer time.
 */
static void
test_local_peak (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (1, 10000);
  const int dates[][3] = { { 2025, 3, 5 }, { 2025, 3, 12 }, { 2025, 4, 9 }, { 2025, 10, 29 } };

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    for (guint d = 0; d < G_N_ELEMENTS (dates); d++)
      {
        double peak = 0.0;
        int peak_hour = -1;
        gint64 three_am;
        double night;

        for (int h = 0; h < 24; h++)
          {
            gint64 t = local_time (r, dates[d][0], dates[d][1], dates[d][2], h)
                       + 30 * TG_TRAFFIC_USEC_PER_MINUTE;
            double rate = tg_traffic_model_get_rate (model, r, t);
            gboolean weekend;
            double hour = tg_traffic_model_get_local_hour (model, r, t, &weekend);

            g_assert_false (weekend);
            g_assert_cmpfloat_with_epsilon (hour, h + 0.5, 1e-9);
            if (rate > peak)
              {
                peak = rate;
                peak_hour = h;
              }
          }

        three_am = local_time (r, dates[d][0], dates[d][1], dates[d][2], 3);
        night = tg_traffic_model_get_rate (model, r, three_am);
        g_assert_cmpint (peak_hour, >=, 9);
        g_assert_cmpint (peak_hour, <=, 16);
        g_assert_cmpfloat (night, <, 0.1 * peak);
      }
}

/* Counts rows by each region's local hour over a week. */
static void
test_generated_peak (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (3, 8000);
  gint64 first = tg_traffic_day_from_date (2025, 3, 3);
  double counts[TG_TRAFFIC_N_REGIONS][24] = { { 0 } };
  TgTrafficRow row;

  for (gint64 d = first; d < first + 7; d++)
    {
      g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, d);

      for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
        {
          double hour;

          tg_traffic_day_get_row (day, i, &row);
          hour = tg_traffic_model_get_local_hour (model, row.region, row.created_at, NULL);
          counts[row.region][(int)hour] += row.call_count;
        }
    }

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      int peak_hour = 0;

      for (int h = 1; h < 24; h++)
        if (counts[r][h] > counts[r][peak_hour])
          peak_hour = h;
      g_assert_cmpint (peak_hour, >=, 9);
      g_assert_cmpint (peak_hour, <=, 16);
      g_assert_cmpfloat (counts[r][3], <, 0.15 * counts[r][peak_hour]);
    }
}

static void
test_weekend (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (4, 8000);
  gint64 first = tg_traffic_day_from_date (2025, 2, 3);   /* a Monday, no DST change near */
  double weekday_sum[TG_TRAFFIC_N_REGIONS] = { 0 };
  double weekend_sum[TG_TRAFFIC_N_REGIONS] = { 0 };
  guint64 counts[TG_TRAFFIC_N_REGIONS][16] = { { 0 } };
  double expected = 0.0;
  TgTrafficRow row;

  /* The model's rates: a Saturday is the weekend factor of a Wednesday, at any hour. */
  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    for (int h = 0; h < 24; h += 5)
      {
        double saturday = tg_traffic_model_get_rate (model, r, local_time (r, 2025, 2, 8, h));
        double wednesday = tg_traffic_model_get_rate (model, r, local_time (r, 2025, 2, 5, h));

        g_assert_cmpfloat_with_epsilon (saturday / wednesday, TG_TRAFFIC_WEEKEND_FACTOR, 1e-9);
      }

  /* A week's rows are rows_per_day a day on average. */
  for (gint64 t = first * TG_TRAFFIC_USEC_PER_DAY; t < (first + 7) * TG_TRAFFIC_USEC_PER_DAY;
       t += TG_TRAFFIC_USEC_PER_MINUTE)
    for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
      expected += tg_traffic_model_get_rate (model, r, t + TG_TRAFFIC_USEC_PER_MINUTE / 2) / 60.0;
  g_assert_cmpfloat_with_epsilon (expected / 7.0 / 8000.0, 1.0, 0.005);

  /* Generated rows by local date: two weeks, edges left out. */
  for (gint64 d = first - 1; d < first + 15; d++)
    {
      g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, d);

      for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
        {
          gint64 local_day;
          double hour;

          tg_traffic_day_get_row (day, i, &row);
          hour = tg_traffic_model_get_local_hour (model, row.region, row.created_at, NULL);
          /* The local date: local midnight is the UTC instant shifted back by the local
           * hour, and is within 12 hours before the UTC start of that date (UTC-5 … UTC+11).
           */
          local_day = (row.created_at - (gint64)(hour * TG_TRAFFIC_USEC_PER_HOUR)
                       + 12 * TG_TRAFFIC_USEC_PER_HOUR) / TG_TRAFFIC_USEC_PER_DAY;
          if (local_day >= first && local_day < first + 14)
            counts[row.region][local_day - first]++;
        }
    }

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    {
      double ratio;

      for (guint i = 0; i < 14; i++)
        {
          if (i % 7 >= 5)
            weekend_sum[r] += counts[r][i];
          else
            weekday_sum[r] += counts[r][i];
        }
      ratio = (weekend_sum[r] / 4.0) / (weekday_sum[r] / 10.0);
      g_assert_cmpfloat (ratio, >=, 0.35);
      g_assert_cmpfloat (ratio, <=, 0.6);
    }
}

static gboolean
same_outages (GArray *a,
              GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const TgTrafficOutage *x = &g_array_index (a, TgTrafficOutage, i);
      const TgTrafficOutage *y = &g_array_index (b, TgTrafficOutage, i);

      if (x->region != y->region || x->primary != y->primary || x->backup != y->backup
          || x->start != y->start || x->failover != y->failover || x->end != y->end)
        return FALSE;
    }
  return TRUE;
}

static void
test_outage_schedule (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (42, 1000);
  g_autoptr(TgTrafficModel) same = tg_traffic_model_new (42, 99999);
  g_autoptr(TgTrafficModel) other = tg_traffic_model_new (43, 1000);
  gboolean differs = FALSE;

  for (int m = 0; m < 24; m++)
    {
      int year = 2024 + m / 12;
      int month = 1 + m % 12;
      gint64 from = tg_traffic_day_from_date (year, month, 1) * TG_TRAFFIC_USEC_PER_DAY;
      gint64 next = month == 12 ? tg_traffic_day_from_date (year + 1, 1, 1)
                                : tg_traffic_day_from_date (year, month + 1, 1);
      gint64 to = next * TG_TRAFFIC_USEC_PER_DAY;
      g_autoptr(GArray) outages = tg_traffic_model_list_outages (model, from, to);
      g_autoptr(GArray) again = tg_traffic_model_list_outages (same, from, to);
      g_autoptr(GArray) others = tg_traffic_model_list_outages (other, from, to);
      guint multi_hour = 0;

      /* A deterministic function of the seed alone. */
      g_assert_true (same_outages (outages, again));
      if (!same_outages (outages, others))
        differs = TRUE;

      for (guint i = 0; i < outages->len; i++)
        {
          const TgTrafficOutage *o = &g_array_index (outages, TgTrafficOutage, i);

          g_assert_cmpint (o->primary, ==, tg_traffic_region_get_primary (o->region));
          g_assert_cmpint (o->backup, ==, tg_traffic_region_get_backup (o->region));
          g_assert_cmpint (o->start, <, o->failover);
          g_assert_cmpint (o->failover, <, o->end);
          g_assert_cmpint (o->failover - o->start, <=, 20 * TG_TRAFFIC_USEC_PER_MINUTE);
          g_assert_cmpint (o->end - o->start, <=, 6 * TG_TRAFFIC_USEC_PER_HOUR);
          if (i > 0)
            g_assert_cmpint (o->start, >=, g_array_index (outages, TgTrafficOutage, i - 1).end);
          if (o->start >= from && o->end <= to && o->end - o->start >= 2 * TG_TRAFFIC_USEC_PER_HOUR)
            multi_hour++;
        }
      g_assert_cmpuint (multi_hour, >=, 1);
    }

  g_assert_true (differs);
}

/* During an outage the region's address traffic runs on its backup. */
static void
test_failover (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (42, 20000);
  gint64 from = tg_traffic_day_from_date (2025, 3, 1) * TG_TRAFFIC_USEC_PER_DAY;
  gint64 to = from + 31 * TG_TRAFFIC_USEC_PER_DAY;
  g_autoptr(GArray) outages = tg_traffic_model_list_outages (model, from, to);

  g_assert_cmpuint (outages->len, >=, 1);

  for (guint k = 0; k < outages->len; k++)
    {
      const TgTrafficOutage *o = &g_array_index (outages, TgTrafficOutage, k);
      guint before_total = 0, before_failing = 0;
      guint during_total = 0, during_backup = 0;
      guint outside_total = 0, outside_backup = 0;
      gint64 first = o->start / TG_TRAFFIC_USEC_PER_DAY;
      gint64 last = o->end / TG_TRAFFIC_USEC_PER_DAY;
      TgTrafficRow row;

      for (gint64 d = first; d <= last; d++)
        {
          g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, d);

          for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
            {
              tg_traffic_day_get_row (day, i, &row);
              if (row.region != o->region || row.provider == TG_TRAFFIC_PROVIDER_OPENAI
                  || g_str_equal (row.feature, "ops.healthcheck"))
                continue;

              if (row.created_at >= o->start && row.created_at < o->failover)
                {
                  before_total++;
                  before_failing += row.provider == o->primary
                                    && (row.response_status == 0 || row.response_status >= 500);
                }
              else if (row.created_at >= o->failover && row.created_at < o->end)
                {
                  during_total++;
                  during_backup += row.provider == o->backup;
                }
              else
                {
                  outside_total++;
                  outside_backup += row.provider == o->backup;
                }
            }
        }

      g_assert_cmpuint (before_total, >, 0);
      g_assert_cmpfloat ((double)before_failing / before_total, >, 0.9);
      g_assert_cmpuint (during_total, >, 100);
      g_assert_cmpfloat ((double)during_backup / during_total, >, 0.9);
      g_assert_cmpfloat ((double)outside_backup / outside_total, <, 0.08);
    }
}

static void
test_spike (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (42, 6000);
  gint64 first = tg_traffic_day_from_date (2025, 3, 1);
  TgTrafficSpike spike;
  guint spike_rows = 0;
  guint64 other_max = 0;
  g_autoptr(GHashTable) per_user_hour = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                               g_free, NULL);
  g_autofree char *spike_prefix = NULL;
  gboolean weekend;
  double hour;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_false (tg_traffic_model_get_spike (model, &spike));
  tg_traffic_model_set_range (model, first, 31);
  g_assert_true (tg_traffic_model_get_spike (model, &spike));

  g_assert_cmpint (spike.start, >=, (first + 1) * TG_TRAFFIC_USEC_PER_DAY);
  g_assert_cmpint (spike.end, <=, (first + 30) * TG_TRAFFIC_USEC_PER_DAY);
  g_assert_cmpint (spike.end - spike.start, >=, 60 * TG_TRAFFIC_USEC_PER_MINUTE);
  g_assert_cmpint (spike.end - spike.start, <=, 100 * TG_TRAFFIC_USEC_PER_MINUTE);
  hour = tg_traffic_model_get_local_hour (model, spike.region, spike.start, &weekend);
  g_assert_false (weekend);
  g_assert_cmpfloat (hour, >=, 9.0);
  g_assert_cmpfloat (hour, <, 16.0);

  for (gint64 d = spike.start / TG_TRAFFIC_USEC_PER_DAY;
       d <= spike.end / TG_TRAFFIC_USEC_PER_DAY;
       d++)
    {
      g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, d);
      TgTrafficRow row;

      for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
        {
          char *bucket;

          tg_traffic_day_get_row (day, i, &row);
          if (row.user_id == spike.user_id
              && row.created_at >= spike.start && row.created_at < spike.end
              && g_str_equal (row.user_agent, "python-requests/2.31.0"))
            spike_rows++;
          if (row.user_id == 0)
            continue;
          bucket = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                    row.user_id, row.created_at / TG_TRAFFIC_USEC_PER_HOUR);
          value = g_hash_table_lookup (per_user_hour, bucket);
          g_hash_table_insert (per_user_hour, bucket,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + row.call_count));
        }
    }

  g_assert_cmpfloat (fabs ((double)spike_rows - spike.expected_rows), <, 0.1 * spike.expected_rows);

  /* Nobody else comes near in any hour. */
  spike_prefix = g_strdup_printf ("%" G_GINT64_FORMAT "/", spike.user_id);
  g_hash_table_iter_init (&iter, per_user_hour);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_has_prefix (key, spike_prefix))
      other_max = MAX (other_max, GPOINTER_TO_UINT (value));
  g_assert_cmpuint (spike_rows, >, 10 * other_max);
}

static void
test_rows_plausible (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (9, 20000);
  g_autoptr(TgTrafficDay) day = NULL;
  g_autoptr(GHashTable) requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint providers[TG_TRAFFIC_N_PROVIDERS] = { 0 };
  guint regions[TG_TRAFFIC_N_REGIONS] = { 0 };
  guint batches = 0, free_rows = 0, timeouts = 0, server_errors = 0, throttled = 0;
  guint openai_ok = 0, repeats = 0;
  TgTrafficRow row;

  day = tg_traffic_model_generate_day (model, tg_traffic_day_from_date (2025, 5, 14));
  for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
    {
      gpointer seen;

      tg_traffic_day_get_row (day, i, &row);
      providers[row.provider]++;
      regions[row.region]++;

      g_assert_cmpstr (row.api_provider, ==, tg_traffic_provider_get_slug (row.provider));
      g_assert_cmpstr (row.region_code, ==, tg_traffic_region_get_code (row.region));
      g_assert_nonnull (row.api_endpoint);
      g_assert_nonnull (row.feature);
      g_assert_nonnull (row.user_agent);
      g_assert_cmpuint (row.call_count, >=, 1);
      g_assert_cmpuint (row.call_count, <=, 100);
      g_assert_true (row.response_status == 0
                     || (row.response_status >= 200 && row.response_status < 600));
      g_assert_true (g_hostname_is_ip_address (row.ip_address));
      g_assert_true (g_str_has_prefix (row.request_data, "{"));
      g_assert_true (g_utf8_validate (row.request_data, -1, NULL));
      g_assert_true (row.response_data[0] == '\0' || g_str_has_prefix (row.response_data, "{"));
      g_assert_cmpint (row.response_status == 0, ==, row.response_data[0] == '\0');

      if (row.provider == TG_TRAFFIC_PROVIDER_GEOSCAPE && row.response_status == 200)
        g_assert_cmpuint (row.credit_cost, >=, row.call_count);
      if (row.provider != TG_TRAFFIC_PROVIDER_GEOSCAPE)
        g_assert_cmpuint (row.credit_cost, ==, 0);

      if (row.provider == TG_TRAFFIC_PROVIDER_OPENAI)
        {
          g_assert_true (g_str_equal (row.request_type, "chat.completions")
                         || g_str_equal (row.request_type, "embeddings"));
          g_assert_true (g_str_has_prefix (row.feature, "ai."));
          if (row.response_status == 200)
            {
              const char *usage = strstr (row.response_data, "\"usage\":");
              guint prompt, completion, total;

              g_assert_nonnull (usage);
              g_assert_cmpint (sscanf (usage, "\"usage\":{\"prompt_tokens\":%u,"
                                       "\"completion_tokens\":%u,\"total_tokens\":%u}",
                                       &prompt, &completion, &total), ==, 3);
              g_assert_cmpuint (prompt, >, 0);
              g_assert_cmpuint (total, ==, prompt + completion);
              g_assert_nonnull (strstr (row.response_data, "\"model\":\""));
              openai_ok++;
            }
        }
      else
        g_assert_false (g_str_has_prefix (row.feature, "ai."));

      batches += row.call_count > 1;
      free_rows += !row.is_billable;
      timeouts += row.response_status == 0;
      server_errors += row.response_status >= 500;
      throttled += row.response_status == 429;

      seen = g_hash_table_lookup (requests, row.request_data);
      if (seen != NULL)
        repeats++;
      else
        g_hash_table_insert (requests, g_strdup (row.request_data), GUINT_TO_POINTER (1));
    }

  for (guint p = 0; p < TG_TRAFFIC_N_PROVIDERS; p++)
    g_assert_cmpuint (providers[p], >, 0);
  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    g_assert_cmpuint (regions[r], >, 0);
  g_assert_cmpuint (batches, >, 0);
  g_assert_cmpuint (free_rows, >, 0);
  g_assert_cmpuint (timeouts, >, 0);
  g_assert_cmpuint (server_errors, >, 0);
  g_assert_cmpuint (throttled, >, 0);
  g_assert_cmpuint (openai_ok, >, 1000);
  /* Identical requests, which a cache would answer. */
  g_assert_cmpuint (repeats, >, tg_traffic_day_get_n_rows (day) / 4);
}

static void
test_population (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (11, 1000);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GRegex) name_re = g_regex_new ("^[a-z][a-z0-9_.-]*$", 0, 0, NULL);
  g_autoptr(GRegex) code_re = g_regex_new ("^[A-Z0-9][A-Z0-9-]*$", 0, 0, NULL);
  const TgTrafficCostCentre *centres;
  const TgTrafficFeature *features;
  const TgTrafficUser *users;
  guint n_users, n_centres, n_features;
  guint heaviest[TG_TRAFFIC_N_REGIONS] = { 0 };

  users = tg_traffic_model_get_users (model, &n_users);
  centres = tg_traffic_get_cost_centres (&n_centres);
  features = tg_traffic_get_features (&n_features);

  g_assert_cmpuint (n_users, >=, 1000);
  g_assert_cmpuint (n_centres, >=, 5);
  g_assert_cmpuint (n_features, >=, 8);

  for (guint i = 0; i < n_centres; i++)
    g_assert_true (g_regex_match (code_re, centres[i].code, 0, NULL));

  for (guint i = 0; i < n_features; i++)
    {
      gboolean known = FALSE;

      g_assert_true (g_regex_match (name_re, features[i].name, 0, NULL));
      for (guint c = 0; c < n_centres; c++)
        known |= g_str_equal (features[i].cost_centre, centres[c].code);
      g_assert_true (known);
    }

  for (guint i = 0; i < n_users; i++)
    {
      const TgTrafficUser *user = &users[i];
      const char *tiers[] = { "free", "standard", "premium", "enterprise", "internal" };
      gboolean tier_ok = FALSE;

      g_assert_false (g_hash_table_contains (ids, &user->user_id));
      g_hash_table_add (ids, (gpointer)&user->user_id);
      g_assert_true (g_utf8_validate (user->display_name, -1, NULL));
      g_assert_nonnull (strchr (user->email, '@'));
      for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
        tier_ok |= g_str_equal (user->tier, tiers[t]);
      g_assert_true (tier_ok);
      if (user->rank == 0)
        heaviest[user->region]++;
    }

  for (guint r = 0; r < TG_TRAFFIC_N_REGIONS; r++)
    g_assert_cmpuint (heaviest[r], ==, 1);
}

/* The heaviest 1 % of users make a large share of the calls. */
static void
test_heavy_users (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (12, 8000);
  g_autoptr(GHashTable) per_user = g_hash_table_new (g_int64_hash, g_int64_equal);
  const TgTrafficUser *users;
  guint n_users;
  guint64 *calls;
  guint64 all = 0, top = 0;
  TgTrafficRow row;

  users = tg_traffic_model_get_users (model, &n_users);
  calls = g_new0 (guint64, n_users);
  for (guint i = 0; i < n_users; i++)
    g_hash_table_insert (per_user, (gpointer)&users[i].user_id, &calls[i]);

  for (gint64 d = tg_traffic_day_from_date (2025, 6, 2); d < tg_traffic_day_from_date (2025, 6, 9);
       d++)
    {
      g_autoptr(TgTrafficDay) day = tg_traffic_model_generate_day (model, d);

      for (guint i = 0; i < tg_traffic_day_get_n_rows (day); i++)
        {
          guint64 *slot;

          tg_traffic_day_get_row (day, i, &row);
          if (row.user_id == 0)
            continue;
          slot = g_hash_table_lookup (per_user, &row.user_id);
          g_assert_nonnull (slot);
          *slot += row.call_count;
          all += row.call_count;
        }
    }

  /* The heaviest 1 %, one at a time. */
  for (guint k = 0; k < n_users / 100; k++)
    {
      guint best = 0;

      for (guint i = 1; i < n_users; i++)
        if (calls[i] > calls[best])
          best = i;
      top += calls[best];
      calls[best] = 0;
    }
  g_free (calls);

  g_assert_cmpfloat ((double)top / all, >, 0.3);
}

static void
test_live_row (void)
{
  g_autoptr(TgTrafficModel) model = tg_traffic_model_new (13, 1000);
  gint64 now = tg_traffic_day_from_date (2025, 7, 1) * TG_TRAFFIC_USEC_PER_DAY
               + 3 * TG_TRAFFIC_USEC_PER_HOUR;
  guint regions[TG_TRAFFIC_N_REGIONS] = { 0 };
  TgRandom rng;
  TgTrafficRow row;

  tg_random_init (&rng, 1);
  for (guint i = 0; i < 4000; i++)
    {
      tg_traffic_model_make_live_row (model, &rng, now + i * 1000, &row);
      g_assert_cmpint (row.created_at, ==, now + i * 1000);
      g_assert_nonnull (row.api_provider);
      regions[row.region]++;
    }

  /* 03:00 UTC is the middle of the working day in Sydney and night in the Americas. */
  g_assert_cmpuint (regions[TG_TRAFFIC_REGION_AU], >, regions[TG_TRAFFIC_REGION_US]);
  g_assert_cmpuint (regions[TG_TRAFFIC_REGION_AU], >, regions[TG_TRAFFIC_REGION_CA]);
}

static void
test_dates (void)
{
  int year, month, day;

  g_assert_cmpint (tg_traffic_day_from_date (1970, 1, 1), ==, 0);
  g_assert_cmpint (tg_traffic_day_from_date (2000, 3, 1), ==, 11017);
  g_assert_cmpint (tg_traffic_day_from_date (2024, 2, 29) + 1, ==,
                   tg_traffic_day_from_date (2024, 3, 1));
  for (gint64 d = -1000; d < 30000; d += 7)
    {
      tg_traffic_day_to_date (d, &year, &month, &day);
      g_assert_cmpint (tg_traffic_day_from_date (year, month, day), ==, d);
    }
  tg_traffic_day_to_date (20089, &year, &month, &day);
  g_assert_cmpint (year, ==, 2025);
  g_assert_cmpint (month, ==, 1);
  g_assert_cmpint (day, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/traffic-model/dates", test_dates);
  g_test_add_func ("/tollgate/unit/traffic-model/determinism", test_determinism);
  g_test_add_func ("/tollgate/unit/traffic-model/day-independence", test_day_independence);
  g_test_add_func ("/tollgate/unit/traffic-model/rows-in-order", test_rows_in_order);
  g_test_add_func ("/tollgate/unit/traffic-model/daily-curve", test_daily_curve);
  g_test_add_func ("/tollgate/unit/traffic-model/local-peak", test_local_peak);
  g_test_add_func ("/tollgate/unit/traffic-model/generated-peak", test_generated_peak);
  g_test_add_func ("/tollgate/unit/traffic-model/weekend", test_weekend);
  g_test_add_func ("/tollgate/unit/traffic-model/outage-schedule", test_outage_schedule);
  g_test_add_func ("/tollgate/unit/traffic-model/failover", test_failover);
  g_test_add_func ("/tollgate/unit/traffic-model/spike", test_spike);
  g_test_add_func ("/tollgate/unit/traffic-model/rows", test_rows_plausible);
  g_test_add_func ("/tollgate/unit/traffic-model/population", test_population);
  g_test_add_func ("/tollgate/unit/traffic-model/heavy-users", test_heavy_users);
  g_test_add_func ("/tollgate/unit/traffic-model/live-row", test_live_row);

  return g_test_run ();
}
