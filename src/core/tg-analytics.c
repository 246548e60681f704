/* tg-analytics.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Analytics page's arithmetic, without widgets or a database: which instants a range
 * of the billing time zone covers, its buckets, the period before it, what a question the
 * data cannot answer becomes, and how a figure and its change read.
 *
 * A range is local days of the billing zone; one that reaches today ends now (rounded up
 * to the next quarter hour, as bounds must be), so the last bucket is the one under way
 * rather than empty future ones. The chart's buckets are cut at the range's ends: a week
 * bucket over "Last 30 days" starts with the part of a week the range holds, so that the
 * chart adds up to the period's totals. The period before has the same length: as many
 * days before (to the same time of day when the range ends now), or as many months
 * before for the month ranges (October 1 to 14 against September 1 to 14).
 *
 * What the data cannot answer is adapted where there is one obvious answer, with a notice
 * that says so — users are kept per local day, so a chart by user has no hours and counts
 * today whole; hours over more than TG_ANALYTICS_MAX_HOURS become days — and refused
 * otherwise, with an error that says why (latency is not kept per user; a first day after
 * the last).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-analytics.h"
#include "tg-format.h"
#include "tg-money.h"

G_DEFINE_QUARK (tg-analytics-error-quark, tg_analytics_error)

static const char * const range_names[] = {
  "today", "yesterday", "last-7-days", "last-30-days", "last-90-days", "month-to-date",
  "last-month", "custom",
};

static const char * const metric_names[] = {
  "calls", "billable-calls", "credits", "cost", "error-rate", "p50", "p95", "p99",
};

const char *
tg_analytics_range_to_string (TgAnalyticsRange range)
{
  g_return_val_if_fail (range < G_N_ELEMENTS (range_names), NULL);

  return range_names[range];
}

gboolean
tg_analytics_range_parse (const char       *text,
                          TgAnalyticsRange *range)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (range_names); i++)
    if (g_str_equal (text, range_names[i]))
      {
        *range = i;
        return TRUE;
      }

  return FALSE;
}

const char *
tg_analytics_metric_to_string (TgAnalyticsMetric metric)
{
  g_return_val_if_fail (metric < G_N_ELEMENTS (metric_names), NULL);

  return metric_names[metric];
}

gboolean
tg_analytics_metric_parse (const char        *text,
                           TgAnalyticsMetric *metric)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (metric_names); i++)
    if (g_str_equal (text, metric_names[i]))
      {
        *metric = i;
        return TRUE;
      }

  return FALSE;
}

gboolean
tg_analytics_metric_is_latency (TgAnalyticsMetric metric)
{
  return metric == TG_ANALYTICS_METRIC_P50 || metric == TG_ANALYTICS_METRIC_P95 ||
         metric == TG_ANALYTICS_METRIC_P99;
}

void
tg_analytics_plan_free (TgAnalyticsPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->bounds, g_array_unref);
  g_free (plan->notice);
  g_free (plan);
}

static gint64
day_start (GTimeZone   *zone,
           const GDate *date)
{
  return tg_time_bucket_day_start (zone, date);
}

static gint64
day_after_start (GTimeZone   *zone,
                 const GDate *date)
{
  GDate next = *date;

  g_date_add_days (&next, 1);
  return day_start (zone, &next);
}

/* @instant moved by whole local days or months, to the same wall-clock time, on a
 * quarter hour.
 */
static gint64
shift_local (GTimeZone *zone,
             gint64     instant,
             int        days,
             int        months)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) moved = months != 0 ? g_date_time_add_months (local, months)
                                           : g_date_time_add_days (local, days);
  gint64 shifted = g_date_time_to_unix (moved);

  return shifted - (((shifted % 900) + 900) % 900);
}

static void
add_notice (GString    **notice,
            const char  *text)
{
  if (*notice == NULL)
    *notice = g_string_new (text);
  else
    g_string_append_printf (*notice, " %s", text);
}

static gboolean
check_date (const GDate  *date,
            const char   *which,
            GError      **error)
{
  if (g_date_valid (date) &&
      g_date_get_year (date) >= TG_TIME_FIRST_YEAR && g_date_get_year (date) <= TG_TIME_LAST_YEAR)
    return TRUE;

  g_set_error (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_INVALID_DATES,
               /* TRANSLATORS: %s is "first" or "last", then the supported dates */
               _("Choose a %s day from %s"), which, TG_TIME_SUPPORTED_DATES);
  return FALSE;
}

/**
 * tg_analytics_plan_new:
 * @question: what to show
 * @zone: the billing time zone
 * @now: the current instant, Unix seconds
 *
 * Returns: (transfer full) (nullable): the periods that answer @question, or %NULL with
 *   @error (%TG_ANALYTICS_ERROR) saying in words why it cannot be answered
 */
TgAnalyticsPlan *
tg_analytics_plan_new (const TgAnalyticsQuestion  *question,
                       GTimeZone                  *zone,
                       gint64                      now,
                       GError                    **error)
{
  g_autoptr(TgAnalyticsPlan) plan = g_new0 (TgAnalyticsPlan, 1);
  g_autoptr(GArray) starts = NULL;
  GString *notice = NULL;
  GDate today;
  GDate first;
  GDate last;
  GDate last_bucket_day;
  gint64 natural_end;
  gint64 now_ceil;
  gint64 last_start;
  int days = 0;
  int months = 0;
  gboolean whole_days;

  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (zone != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (question->group_by == TG_USAGE_GROUP_USER && tg_analytics_metric_is_latency (question->metric))
    {
      g_set_error_literal (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_NOT_RECORDED,
                           _("Latency is not recorded per user. Choose another measure, or "
                             "group by something else to see latency."));
      return NULL;
    }

  tg_time_bucket_local_date (zone, now, &today);
  first = today;
  last = today;

  switch (question->range)
    {
    case TG_ANALYTICS_RANGE_TODAY:
      days = 1;
      break;

    case TG_ANALYTICS_RANGE_YESTERDAY:
      g_date_subtract_days (&first, 1);
      last = first;
      days = 1;
      break;

    case TG_ANALYTICS_RANGE_LAST_7_DAYS:
    case TG_ANALYTICS_RANGE_LAST_30_DAYS:
    case TG_ANALYTICS_RANGE_LAST_90_DAYS:
      days = question->range == TG_ANALYTICS_RANGE_LAST_7_DAYS ? 7
             : question->range == TG_ANALYTICS_RANGE_LAST_30_DAYS ? 30 : 90;
      g_date_subtract_days (&first, days - 1);
      break;

    case TG_ANALYTICS_RANGE_MONTH_TO_DATE:
      g_date_set_day (&first, 1);
      months = 1;
      break;

    case TG_ANALYTICS_RANGE_LAST_MONTH:
      g_date_set_day (&first, 1);
      g_date_subtract_months (&first, 1);
      last = first;
      g_date_add_months (&last, 1);
      g_date_subtract_days (&last, 1);
      months = 1;
      break;

    case TG_ANALYTICS_RANGE_CUSTOM:
    default:
      if (!check_date (&question->from, _("first"), error) ||
          !check_date (&question->to, _("last"), error))
        return NULL;
      if (g_date_compare (&question->from, &question->to) > 0)
        {
          g_set_error_literal (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_INVALID_DATES,
                               _("The first day comes after the last. Choose a first day "
                                 "on or before the last one."));
          return NULL;
        }
      first = question->from;
      last = question->to;
      days = g_date_days_between (&first, &last) + 1;
      break;
    }

  plan->bucket = question->bucket;
  /* Users are kept per local day (tollgate.usage_top() reads whole days): no hours, and
   * a range that ends today takes the whole of today (its rest has no calls yet).
   */
  whole_days = question->group_by == TG_USAGE_GROUP_USER;
  if (whole_days && question->bucket == TG_BUCKET_HOUR)
    {
      add_notice (&notice, _("Usage by user is kept per day, so the chart shows days."));
      plan->bucket = TG_BUCKET_DAY;
    }
  if (whole_days && g_date_compare (&last, &today) >= 0)
    add_notice (&notice, _("By user, today counts as a whole day, against whole days "
                           "before."));

  plan->first_day = first;
  plan->start = day_start (zone, &first);
  natural_end = day_after_start (zone, &last);
  now_ceil = now - (((now % 900) + 900) % 900) + 900;
  plan->end = whole_days ? natural_end : MIN (natural_end, now_ceil);

  if (plan->start >= now_ceil)
    {
      g_set_error_literal (error, TG_ANALYTICS_ERROR, TG_ANALYTICS_ERROR_FUTURE,
                           _("These days have not begun yet. Choose days up to today."));
      if (notice != NULL)
        g_string_free (notice, TRUE);
      return NULL;
    }
  tg_time_bucket_local_date (zone, plan->end - 1, &plan->last_day);

  /* The period before, of the same length. */
  plan->previous_first_day = first;
  if (months > 0)
    g_date_subtract_months (&plan->previous_first_day, months);
  else
    g_date_subtract_days (&plan->previous_first_day, days);
  plan->previous_start = day_start (zone, &plan->previous_first_day);
  if (plan->end < natural_end && !whole_days)
    plan->previous_end = MIN (shift_local (zone, plan->end, -days, -months), plan->start);
  else if (months > 0)
    {
      /* Month to date by user: 1 to 14 November against 1 to 14 October. */
      GDate previous_last = last;

      g_date_subtract_months (&previous_last, months);
      plan->previous_end = MIN (day_after_start (zone, &previous_last), plan->start);
    }
  else
    plan->previous_end = plan->start;
  plan->previous_end = MAX (plan->previous_end, plan->previous_start + 900);
  tg_time_bucket_local_date (zone, plan->previous_end - 1, &plan->previous_last_day);

  if (plan->bucket == TG_BUCKET_HOUR && (plan->end - plan->start) / 3600 > TG_ANALYTICS_MAX_HOURS)
    {
      add_notice (&notice, _("Hours over this many days are too many points to read, so the "
                             "chart shows days."));
      plan->bucket = TG_BUCKET_DAY;
    }

  /* The buckets, cut at the period's ends. */
  last_bucket_day = plan->last_day;
  starts = tg_time_bucket_range (zone, plan->bucket, &first, &last_bucket_day, error);
  if (starts == NULL)
    {
      if (notice != NULL)
        g_string_free (notice, TRUE);
      return NULL;
    }

  plan->bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (plan->bounds, plan->start);
  for (guint i = 0; i < starts->len; i++)
    {
      gint64 start = g_array_index (starts, gint64, i);

      if (start > plan->start && start < plan->end)
        g_array_append_val (plan->bounds, start);
    }
  g_array_append_val (plan->bounds, plan->end);

  last_start = tg_time_bucket_floor (zone, plan->bucket,
                                     g_array_index (plan->bounds, gint64, plan->bounds->len - 2));
  plan->axis_end = MIN (tg_time_bucket_next (zone, plan->bucket, last_start), natural_end);

  if (notice != NULL)
    plan->notice = g_string_free (notice, FALSE);

  return g_steal_pointer (&plan);
}

/* Figures */

TgValueFormat
tg_analytics_metric_get_format (TgAnalyticsMetric metric)
{
  switch (metric)
    {
    case TG_ANALYTICS_METRIC_COST:
      return TG_VALUE_FORMAT_MONEY;
    case TG_ANALYTICS_METRIC_ERROR_RATE:
      return TG_VALUE_FORMAT_PERCENT;
    case TG_ANALYTICS_METRIC_P50:
    case TG_ANALYTICS_METRIC_P95:
    case TG_ANALYTICS_METRIC_P99:
      return TG_VALUE_FORMAT_MILLISECONDS;
    case TG_ANALYTICS_METRIC_CALLS:
    case TG_ANALYTICS_METRIC_BILLABLE_CALLS:
    case TG_ANALYTICS_METRIC_CREDITS:
    default:
      return TG_VALUE_FORMAT_COUNT;
    }
}

static double
percentile_of (TgAnalyticsMetric metric)
{
  return metric == TG_ANALYTICS_METRIC_P50 ? 0.50 : metric == TG_ANALYTICS_METRIC_P95 ? 0.95 : 0.99;
}

/* Counts and amounts as exact integers (micro-units for credits and cost). */
static gint64
exact_value (TgAnalyticsMetric  metric,
             const TgUsageRow  *row)
{
  switch (metric)
    {
    case TG_ANALYTICS_METRIC_CALLS:
      return row->calls;
    case TG_ANALYTICS_METRIC_BILLABLE_CALLS:
      return row->billable_calls;
    case TG_ANALYTICS_METRIC_CREDITS:
      return row->credits;
    case TG_ANALYTICS_METRIC_COST:
      return row->cost;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_exact (TgAnalyticsMetric metric)
{
  return metric <= TG_ANALYTICS_METRIC_COST;
}

/**
 * tg_analytics_metric_value:
 * @row: (nullable): a bucket of a group; %NULL where the group had no calls
 *
 * Returns: @row's figure for a chart in tg_analytics_metric_get_format()'s unit: calls,
 *   credits (whole), cost in micro-units, an error rate as a fraction, latency in
 *   milliseconds; NaN for a rate or a latency without calls
 */
double
tg_analytics_metric_value (TgAnalyticsMetric  metric,
                           const TgUsageRow  *row)
{
  if (metric == TG_ANALYTICS_METRIC_ERROR_RATE)
    return row != NULL && row->calls > 0 ? tg_usage_row_get_error_rate (row) : NAN;
  if (tg_analytics_metric_is_latency (metric))
    return row != NULL ? tg_usage_row_get_percentile (row, percentile_of (metric)) : NAN;
  if (row == NULL)
    return 0;
  if (metric == TG_ANALYTICS_METRIC_CREDITS)
    return (double)row->credits / TG_MICROS_PER_UNIT;

  return (double)exact_value (metric, row);
}

static char *
format_percent (double   fraction,
                gboolean plain)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (plain)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4f", fraction * 100));

  /* TRANSLATORS: a percentage with two decimals, "2.35%" */
  return g_strdup_printf (_("%s%%"), g_ascii_formatd (buffer, sizeof buffer, "%.2f",
                                                       fraction * 100));
}

/**
 * tg_analytics_metric_format:
 * @row: (nullable)
 * @currency: the reporting currency, for cost
 *
 * Returns: (transfer full): @row's figure for people, grouped as everywhere (tg-format.h):
 *   "1,234", "$12.50 AUD", "2.35%", "123 ms"; "–" for a rate or latency without calls
 */
char *
tg_analytics_metric_format (TgAnalyticsMetric  metric,
                            const TgUsageRow  *row,
                            const char        *currency)
{
  double value;

  switch (metric)
    {
    case TG_ANALYTICS_METRIC_CREDITS:
      return tg_format_micros (row != NULL ? row->credits : 0, 6);
    case TG_ANALYTICS_METRIC_COST:
      return tg_format_money (row != NULL ? row->cost : 0, currency);
    case TG_ANALYTICS_METRIC_CALLS:
    case TG_ANALYTICS_METRIC_BILLABLE_CALLS:
      return tg_format_count (row != NULL ? exact_value (metric, row) : 0);
    default:
      break;
    }

  value = tg_analytics_metric_value (metric, row);
  if (isnan (value))
    return g_strdup ("–");
  if (metric == TG_ANALYTICS_METRIC_ERROR_RATE)
    return format_percent (value, FALSE);

  {
    g_autofree char *ms = tg_format_count ((gint64)llround (value));

    /* TRANSLATORS: a latency, "1,234 ms" */
    return g_strdup_printf (_("%s ms"), ms);
  }
}

/**
 * tg_analytics_metric_to_plain:
 * @row: (nullable)
 *
 * Returns: (transfer full): @row's figure for machines (CSV): counts as integers, credits
 *   and cost exact ("1234.50"), an error rate in percent with four decimals, latency in
 *   whole milliseconds; "" for a rate or latency without calls
 */
char *
tg_analytics_metric_to_plain (TgAnalyticsMetric  metric,
                              const TgUsageRow  *row)
{
  double value;

  switch (metric)
    {
    case TG_ANALYTICS_METRIC_CREDITS:
      return tg_money_to_exact (row != NULL ? row->credits : 0);
    case TG_ANALYTICS_METRIC_COST:
      return tg_money_to_exact (row != NULL ? row->cost : 0);
    case TG_ANALYTICS_METRIC_CALLS:
    case TG_ANALYTICS_METRIC_BILLABLE_CALLS:
      return g_strdup_printf ("%" G_GINT64_FORMAT, row != NULL ? exact_value (metric, row) : 0);
    default:
      break;
    }

  value = tg_analytics_metric_value (metric, row);
  if (isnan (value))
    return g_strdup ("");
  if (metric == TG_ANALYTICS_METRIC_ERROR_RATE)
    return format_percent (value, TRUE);

  return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)llround (value));
}

/**
 * tg_analytics_format_difference:
 * @current: (nullable): the group in the period
 * @previous: (nullable): the group in the period before
 * @plain: for machines (CSV) rather than people
 *
 * Returns: (transfer full): @current less @previous with its sign: "+1,234",
 *   "−$12.50 AUD", "+0.42 pp" (percentage points of an error rate), "+15 ms"; "–" (""
 *   when @plain) where either has no rate or latency
 */
char *
tg_analytics_format_difference (TgAnalyticsMetric  metric,
                                const TgUsageRow  *current,
                                const TgUsageRow  *previous,
                                const char        *currency,
                                gboolean           plain)
{
  g_autofree char *magnitude = NULL;
  const char *sign;

  if (is_exact (metric))
    {
      gint64 a = current != NULL ? exact_value (metric, current) : 0;
      gint64 b = previous != NULL ? exact_value (metric, previous) : 0;
      gint64 diff = a - b;
      gint64 abs_diff = diff < 0 ? -diff : diff;

      if (plain)
        return metric == TG_ANALYTICS_METRIC_CREDITS || metric == TG_ANALYTICS_METRIC_COST
               ? tg_money_to_exact (diff) : g_strdup_printf ("%" G_GINT64_FORMAT, diff);

      if (metric == TG_ANALYTICS_METRIC_COST)
        magnitude = tg_format_money (abs_diff, currency);
      else if (metric == TG_ANALYTICS_METRIC_CREDITS)
        magnitude = tg_format_micros (abs_diff, 6);
      else
        magnitude = tg_format_count (abs_diff);
      sign = diff > 0 ? "+" : diff < 0 ? "−" : "";
    }
  else
    {
      double a = tg_analytics_metric_value (metric, current);
      double b = tg_analytics_metric_value (metric, previous);
      double diff = a - b;
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (isnan (diff))
        return g_strdup (plain ? "" : "–");

      if (metric == TG_ANALYTICS_METRIC_ERROR_RATE)
        {
          if (plain)
            return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4f", diff * 100));
          /* TRANSLATORS: a difference of two error rates in percentage points, "0.42 pp" */
          magnitude = g_strdup_printf (_("%s pp"),
                                       g_ascii_formatd (buffer, sizeof buffer, "%.2f",
                                                        fabs (diff) * 100));
          sign = diff * 100 >= 0.005 ? "+" : diff * 100 <= -0.005 ? "−" : "";
        }
      else
        {
          gint64 ms = llround (diff);
          g_autofree char *count = tg_format_count (ms < 0 ? -ms : ms);

          if (plain)
            return g_strdup_printf ("%" G_GINT64_FORMAT, ms);
          magnitude = g_strdup_printf (_("%s ms"), count);
          sign = ms > 0 ? "+" : ms < 0 ? "−" : "";
        }
    }

  return g_strconcat (sign, magnitude, NULL);
}

/**
 * tg_analytics_format_change:
 *
 * Returns: (transfer full): how much @current differs from @previous relative to it,
 *   "+12.5%", "−3.0%", "0.0%"; "New" where @previous is zero and @current is not, "–"
 *   where there is nothing to compare ("" for both when @plain)
 */
char *
tg_analytics_format_change (TgAnalyticsMetric  metric,
                            const TgUsageRow  *current,
                            const TgUsageRow  *previous,
                            gboolean           plain)
{
  double a;
  double b;
  double change;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (is_exact (metric))
    {
      a = current != NULL ? (double)exact_value (metric, current) : 0;
      b = previous != NULL ? (double)exact_value (metric, previous) : 0;
    }
  else
    {
      a = tg_analytics_metric_value (metric, current);
      b = tg_analytics_metric_value (metric, previous);
    }

  if (isnan (a) || isnan (b) || (a == 0 && b == 0))
    return g_strdup (plain ? "" : "–");
  if (b == 0)
    return g_strdup (plain ? "" : C_("a figure that had none before", "New"));

  change = (a - b) / fabs (b) * 100;
  if (plain)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f", change));

  g_ascii_formatd (buffer, sizeof buffer, "%.1f", fabs (change));
  if (g_str_equal (buffer, "0.0"))
    return g_strdup ("0.0%");

  /* TRANSLATORS: a relative change with its sign, "+12.5%" */
  return g_strdup_printf (_("%s%s%%"), change > 0 ? "+" : "−", buffer);
}

/**
 * tg_analytics_format_share:
 * @part: a group's figure
 * @whole: every group's together
 *
 * Returns: (transfer full): @part's share of @whole, "42.5%" ("<0.1%" for a small one
 *   that is not nothing), or in percent with four decimals when @plain
 */
char *
tg_analytics_format_share (gint64   part,
                           gint64   whole,
                           gboolean plain)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double share = whole != 0 ? (double)part / (double)whole : 0;

  if (plain)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4f", share * 100));
  if (part != 0 && fabs (share) < 0.001)
    return g_strdup ("<0.1%");

  /* TRANSLATORS: a share with one decimal, "42.5%" */
  return g_strdup_printf (_("%s%%"), g_ascii_formatd (buffer, sizeof buffer, "%.1f", share * 100));
}
