/* test-analytics.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Analytics page's periods and figures, in Sydney's billing zone (a 23-hour day on
 * 4 October 2026), without a database.
 */

#include "config.h"

#include <math.h>

#include "tg-analytics.h"
#include "tg-money.h"

static GTimeZone *sydney;

static gint64
local (int year,
       int month,
       int day,
       int hour,
       int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (sydney, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

/* Saturday 14 November 2026, 14:07 in Sydney. */
static gint64
now (void)
{
  return local (2026, 11, 14, 14, 7);
}

static TgAnalyticsQuestion
question (TgAnalyticsRange  range,
          TgBucketSize      bucket)
{
  TgAnalyticsQuestion q = { 0 };

  q.range = range;
  q.bucket = bucket;
  q.group_by = TG_USAGE_GROUP_PROVIDER;
  q.metric = TG_ANALYTICS_METRIC_COST;
  g_date_clear (&q.from, 1);
  g_date_clear (&q.to, 1);
  return q;
}

static gint64
bound (TgAnalyticsPlan *plan,
       guint            i)
{
  return g_array_index (plan->bounds, gint64, i);
}

static void
test_today (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_TODAY, TG_BUCKET_HOUR);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = tg_analytics_plan_new (&q, sydney, now (), &error);

  g_assert_no_error (error);
  g_assert_null (plan->notice);
  g_assert_cmpint (plan->bucket, ==, TG_BUCKET_HOUR);
  /* Up to now, on the next quarter hour; the last hour is the one under way. */
  g_assert_cmpint (plan->start, ==, local (2026, 11, 14, 0, 0));
  g_assert_cmpint (plan->end, ==, local (2026, 11, 14, 14, 15));
  g_assert_cmpuint (plan->bounds->len, ==, 16);
  g_assert_cmpint (bound (plan, 1), ==, local (2026, 11, 14, 1, 0));
  g_assert_cmpint (bound (plan, 14), ==, local (2026, 11, 14, 14, 0));
  g_assert_cmpint (bound (plan, 15), ==, plan->end);
  g_assert_cmpint (plan->axis_end, ==, local (2026, 11, 14, 15, 0));
  /* Yesterday to the same time. */
  g_assert_cmpint (plan->previous_start, ==, local (2026, 11, 13, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, local (2026, 11, 13, 14, 15));
  g_assert_cmpint (g_date_get_day (&plan->previous_first_day), ==, 13);
  g_assert_cmpint (g_date_get_day (&plan->previous_last_day), ==, 13);
}

static void
test_last_7_days (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_LAST_7_DAYS, TG_BUCKET_DAY);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = tg_analytics_plan_new (&q, sydney, now (), &error);

  g_assert_no_error (error);
  g_assert_cmpint (plan->start, ==, local (2026, 11, 8, 0, 0));
  g_assert_cmpuint (plan->bounds->len, ==, 8);
  g_assert_cmpint (bound (plan, 6), ==, local (2026, 11, 14, 0, 0));
  g_assert_cmpint (plan->axis_end, ==, local (2026, 11, 15, 0, 0));
  g_assert_cmpint (plan->previous_start, ==, local (2026, 11, 1, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, local (2026, 11, 7, 14, 15));
  g_assert_cmpint (g_date_get_day (&plan->first_day), ==, 8);
  g_assert_cmpint (g_date_get_day (&plan->last_day), ==, 14);
}

static void
test_last_month (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_LAST_MONTH, TG_BUCKET_DAY);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = tg_analytics_plan_new (&q, sydney, now (), &error);

  g_assert_no_error (error);
  /* October: 31 local days, one of them 23 hours long. */
  g_assert_cmpint (plan->start, ==, local (2026, 10, 1, 0, 0));
  g_assert_cmpint (plan->end, ==, local (2026, 11, 1, 0, 0));
  g_assert_cmpint (plan->end - plan->start, ==, 31 * 86400 - 3600);
  g_assert_cmpuint (plan->bounds->len, ==, 32);
  g_assert_cmpint (bound (plan, 4) - bound (plan, 3), ==, 23 * 3600);
  /* The month before, whatever its length. */
  g_assert_cmpint (plan->previous_start, ==, local (2026, 9, 1, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, plan->start);
  g_assert_cmpint (g_date_get_month (&plan->previous_last_day), ==, 9);
  g_assert_cmpint (g_date_get_day (&plan->previous_last_day), ==, 30);
}

static void
test_month_to_date_by_week (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_MONTH_TO_DATE, TG_BUCKET_WEEK);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = tg_analytics_plan_new (&q, sydney, now (), &error);

  g_assert_no_error (error);
  /* 1 November 2026 is a Sunday: the first bucket is that day, cut from its week. */
  g_assert_cmpuint (plan->bounds->len, ==, 4);
  g_assert_cmpint (bound (plan, 0), ==, local (2026, 11, 1, 0, 0));
  g_assert_cmpint (bound (plan, 1), ==, local (2026, 11, 2, 0, 0));
  g_assert_cmpint (bound (plan, 2), ==, local (2026, 11, 9, 0, 0));
  g_assert_cmpint (bound (plan, 3), ==, local (2026, 11, 14, 14, 15));
  /* The last week is drawn to the end of the range, today. */
  g_assert_cmpint (plan->axis_end, ==, local (2026, 11, 15, 0, 0));
  g_assert_cmpint (plan->previous_start, ==, local (2026, 10, 1, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, local (2026, 10, 14, 14, 15));
}

static void
test_custom (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_CUSTOM, TG_BUCKET_HOUR);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = NULL;

  /* Three whole days; the three before. */
  g_date_set_dmy (&q.from, 3, 10, 2026);
  g_date_set_dmy (&q.to, 5, 10, 2026);
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->bounds->len, ==, 3 * 24 - 1 + 1);
  g_assert_cmpint (plan->previous_start, ==, local (2026, 9, 30, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, plan->start);
  g_clear_pointer (&plan, tg_analytics_plan_free);

  /* Hours over four months read as days, and say so. */
  g_date_set_dmy (&q.from, 1, 6, 2026);
  g_date_set_dmy (&q.to, 30, 9, 2026);
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->bucket, ==, TG_BUCKET_DAY);
  g_assert_nonnull (plan->notice);
  g_assert_cmpuint (plan->bounds->len, ==, 123);
  g_clear_pointer (&plan, tg_analytics_plan_free);

  /* Backwards, in the future, or outside the supported dates: refused, saying why. */
  g_date_set_dmy (&q.from, 5, 10, 2026);
  g_date_set_dmy (&q.to, 3, 10, 2026);
  g_assert_null (tg_analytics_plan_new (&q, sydney, now (), &error));
  g_assert_error (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_INVALID_DATES);
  g_clear_error (&error);

  g_date_set_dmy (&q.from, 1, 12, 2026);
  g_date_set_dmy (&q.to, 3, 12, 2026);
  g_assert_null (tg_analytics_plan_new (&q, sydney, now (), &error));
  g_assert_error (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_FUTURE);
  g_clear_error (&error);

  g_date_set_dmy (&q.from, 1, 12, 1969);
  g_date_set_dmy (&q.to, 3, 12, 2026);
  g_assert_null (tg_analytics_plan_new (&q, sydney, now (), &error));
  g_assert_error (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_INVALID_DATES);
  g_clear_error (&error);

  /* Until today: up to now. */
  g_date_set_dmy (&q.from, 13, 11, 2026);
  g_date_set_dmy (&q.to, 20, 11, 2026);
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->end, ==, local (2026, 11, 14, 14, 15));
  g_assert_cmpint (g_date_get_day (&plan->last_day), ==, 14);
}

static void
test_users (void)
{
  TgAnalyticsQuestion q = question (TG_ANALYTICS_RANGE_LAST_7_DAYS, TG_BUCKET_HOUR);
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAnalyticsPlan) plan = NULL;

  /* By user: whole local days, no hours, said in a notice. */
  q.group_by = TG_USAGE_GROUP_USER;
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->bucket, ==, TG_BUCKET_DAY);
  g_assert_nonnull (plan->notice);
  g_assert_cmpint (plan->start, ==, local (2026, 11, 8, 0, 0));
  g_assert_cmpint (plan->end, ==, local (2026, 11, 15, 0, 0));
  g_assert_cmpuint (plan->bounds->len, ==, 8);
  g_assert_cmpint (plan->previous_start, ==, local (2026, 11, 1, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, plan->start);
  g_clear_pointer (&plan, tg_analytics_plan_free);

  /* Month to date by user: whole days of each month. */
  q.range = TG_ANALYTICS_RANGE_MONTH_TO_DATE;
  q.bucket = TG_BUCKET_MONTH;
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->end, ==, local (2026, 11, 15, 0, 0));
  g_assert_cmpint (plan->previous_start, ==, local (2026, 10, 1, 0, 0));
  g_assert_cmpint (plan->previous_end, ==, local (2026, 10, 15, 0, 0));
  g_clear_pointer (&plan, tg_analytics_plan_free);

  /* Last month by user needs no notice. */
  q.range = TG_ANALYTICS_RANGE_LAST_MONTH;
  plan = tg_analytics_plan_new (&q, sydney, now (), &error);
  g_assert_no_error (error);
  g_assert_null (plan->notice);
  g_assert_cmpint (plan->previous_end, ==, plan->start);
  g_clear_pointer (&plan, tg_analytics_plan_free);

  /* Latency is not kept per user. */
  q.metric = TG_ANALYTICS_METRIC_P95;
  g_assert_null (tg_analytics_plan_new (&q, sydney, now (), &error));
  g_assert_error (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_NOT_RECORDED);
}

static TgUsageRow *
row_new (gint64 calls,
         gint64 errors,
         gint64 cost)
{
  TgUsageRow *row = tg_usage_row_new ();

  row->calls = calls;
  row->billable_calls = calls;
  row->errors = errors;
  row->cost = cost;
  row->credits = calls * TG_MICROS_PER_UNIT / 2;
  return row;
}

static void
test_figures (void)
{
  g_autoptr(TgUsageRow) now_row = row_new (1500, 30, 12500000);
  g_autoptr(TgUsageRow) before = row_new (1000, 10, 13000000);
  g_autoptr(TgUsageRow) empty = row_new (0, 0, 0);
  struct {
    TgAnalyticsMetric metric;
    const TgUsageRow *current;
    const TgUsageRow *previous;
    const char *value;
    const char *plain;
    const char *difference;
    const char *plain_difference;
    const char *change;
  } cases[] = {
    { TG_ANALYTICS_METRIC_CALLS, now_row, before, "1,500", "1500", "+500", "500", "+50.0%" },
    { TG_ANALYTICS_METRIC_COST, now_row, before, "$12.50 AUD", "12.50", "−$0.50 AUD", "-0.50", "−3.8%" },
    { TG_ANALYTICS_METRIC_CREDITS, now_row, before, "750", "750.00", "+250", "250.00", "+50.0%" },
    { TG_ANALYTICS_METRIC_ERROR_RATE, now_row, before, "2.00%", "2.0000", "+1.00 pp", "1.0000", "+100.0%" },
    { TG_ANALYTICS_METRIC_CALLS, now_row, NULL, "1,500", "1500", "+1,500", "1500", "New" },
    { TG_ANALYTICS_METRIC_CALLS, NULL, before, "0", "0", "−1,000", "-1000", "−100.0%" },
    { TG_ANALYTICS_METRIC_ERROR_RATE, empty, before, "–", "", "–", "", "–" },
    { TG_ANALYTICS_METRIC_P95, empty, empty, "–", "", "–", "", "–" },
    { TG_ANALYTICS_METRIC_COST, empty, empty, "$0.00 AUD", "0.00", "$0.00 AUD", "0.00", "–" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = tg_analytics_metric_format (cases[i].metric, cases[i].current, "AUD");
      g_autofree char *plain = tg_analytics_metric_to_plain (cases[i].metric, cases[i].current);
      g_autofree char *difference = tg_analytics_format_difference (cases[i].metric, cases[i].current,
                                                                    cases[i].previous, "AUD", FALSE);
      g_autofree char *plain_difference = tg_analytics_format_difference (cases[i].metric,
                                                                          cases[i].current,
                                                                          cases[i].previous, "AUD", TRUE);
      g_autofree char *change = tg_analytics_format_change (cases[i].metric, cases[i].current,
                                                            cases[i].previous, FALSE);

      g_test_message ("case %u", i);
      g_assert_cmpstr (value, ==, cases[i].value);
      g_assert_cmpstr (plain, ==, cases[i].plain);
      g_assert_cmpstr (difference, ==, cases[i].difference);
      g_assert_cmpstr (plain_difference, ==, cases[i].plain_difference);
      g_assert_cmpstr (change, ==, cases[i].change);
    }

  /* Values for the chart: money in micro-units, rates as fractions, gaps as NaN. */
  g_assert_cmpfloat (tg_analytics_metric_value (TG_ANALYTICS_METRIC_COST, now_row), ==, 12500000);
  g_assert_cmpfloat (tg_analytics_metric_value (TG_ANALYTICS_METRIC_CREDITS, now_row), ==, 750);
  g_assert_cmpfloat (tg_analytics_metric_value (TG_ANALYTICS_METRIC_ERROR_RATE, now_row), ==, 0.02);
  g_assert_cmpfloat (tg_analytics_metric_value (TG_ANALYTICS_METRIC_CALLS, NULL), ==, 0);
  g_assert_true (isnan (tg_analytics_metric_value (TG_ANALYTICS_METRIC_P50, NULL)));
  g_assert_true (isnan (tg_analytics_metric_value (TG_ANALYTICS_METRIC_ERROR_RATE, empty)));

  {
    g_autofree char *share = tg_analytics_format_share (425, 1000, FALSE);
    g_autofree char *small = tg_analytics_format_share (1, 100000, FALSE);
    g_autofree char *plain = tg_analytics_format_share (1, 3, TRUE);
    g_autofree char *none = tg_analytics_format_share (0, 0, FALSE);

    g_assert_cmpstr (share, ==, "42.5%");
    g_assert_cmpstr (small, ==, "<0.1%");
    g_assert_cmpstr (plain, ==, "33.3333");
    g_assert_cmpstr (none, ==, "0.0%");
  }
}

static void
test_names (void)
{
  for (TgAnalyticsRange r = TG_ANALYTICS_RANGE_TODAY; r <= TG_ANALYTICS_RANGE_CUSTOM; r++)
    {
      TgAnalyticsRange parsed = 99;

      g_assert_true (tg_analytics_range_parse (tg_analytics_range_to_string (r), &parsed));
      g_assert_cmpint (parsed, ==, r);
    }
  for (TgAnalyticsMetric m = TG_ANALYTICS_METRIC_CALLS; m <= TG_ANALYTICS_METRIC_P99; m++)
    {
      TgAnalyticsMetric parsed = 99;

      g_assert_true (tg_analytics_metric_parse (tg_analytics_metric_to_string (m), &parsed));
      g_assert_cmpint (parsed, ==, m);
    }
  {
    TgAnalyticsRange r;
    TgAnalyticsMetric m;

    g_assert_false (tg_analytics_range_parse ("fortnight", &r));
    g_assert_false (tg_analytics_metric_parse (NULL, &m));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sydney = g_time_zone_new_identifier ("Australia/Sydney");
  g_assert_nonnull (sydney);

  g_test_add_func ("/tollgate/unit/analytics/today", test_today);
  g_test_add_func ("/tollgate/unit/analytics/last-7-days", test_last_7_days);
  g_test_add_func ("/tollgate/unit/analytics/last-month", test_last_month);
  g_test_add_func ("/tollgate/unit/analytics/month-to-date-by-week", test_month_to_date_by_week);
  g_test_add_func ("/tollgate/unit/analytics/custom", test_custom);
  g_test_add_func ("/tollgate/unit/analytics/users", test_users);
  g_test_add_func ("/tollgate/unit/analytics/figures", test_figures);
  g_test_add_func ("/tollgate/unit/analytics/names", test_names);

  status = g_test_run ();
  g_time_zone_unref (sydney);
  return status;
}
