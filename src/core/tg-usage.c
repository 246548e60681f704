/* tg-usage.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tg-usage.h"

G_DEFINE_BOXED_TYPE (TgUsageRow, tg_usage_row, tg_usage_row_ref, tg_usage_row_unref)
G_DEFINE_BOXED_TYPE (TgUsageCall, tg_usage_call, tg_usage_call_ref, tg_usage_call_unref)
G_DEFINE_BOXED_TYPE (TgUserTotal, tg_user_total, tg_user_total_ref, tg_user_total_unref)
G_DEFINE_BOXED_TYPE (TgUsageTop, tg_usage_top, tg_usage_top_ref, tg_usage_top_unref)
G_DEFINE_BOXED_TYPE (TgUsageSettings, tg_usage_settings, tg_usage_settings_ref,
                     tg_usage_settings_unref)

TgUsageRow *
tg_usage_row_new (void)
{
  TgUsageRow *row = g_new0 (TgUsageRow, 1);

  g_atomic_ref_count_init (&row->ref_count);
  row->group = g_strdup ("");
  row->native_currency = g_strdup ("");
  row->latency = tg_latency_histogram_new ();

  return row;
}

TgUsageRow *
tg_usage_row_ref (TgUsageRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);

  g_atomic_ref_count_inc (&row->ref_count);
  return row;
}

void
tg_usage_row_unref (TgUsageRow *row)
{
  g_return_if_fail (row != NULL);

  if (g_atomic_ref_count_dec (&row->ref_count))
    {
      g_free (row->group);
      g_free (row->native_currency);
      g_clear_pointer (&row->latency, tg_latency_histogram_free);
      g_free (row);
    }
}

/* Returns NAN when the row has no latency data. */
double
tg_usage_row_get_percentile (const TgUsageRow *row,
                             double            p)
{
  g_return_val_if_fail (row != NULL, NAN);

  if (row->latency == NULL || !tg_latency_histogram_has_data (row->latency))
    return NAN;

  return tg_latency_histogram_percentile (row->latency, p);
}

/* Errors per call, 0 when there were no calls. */
double
tg_usage_row_get_error_rate (const TgUsageRow *row)
{
  g_return_val_if_fail (row != NULL, 0);

  return row->calls > 0 ? (double)row->errors / (double)row->calls : 0.0;
}

/**
 * tg_usage_rows_total:
 * @rows: (element-type TgUsageRow): rows to add up, for example the groups of one bucket
 * @group: (nullable): the group of the total; %NULL for ""
 *
 * Adds rows up in C: every count, and the latency histograms merged bucket by bucket, so
 * that a page that fetched a series per provider gets its totals without a second query.
 * Counts and histograms are exact. Amounts are sums of amounts the server rounded to
 * micro-units, so each may differ from the server's exact total by half a micro-unit per
 * row: ask the server for figures that must be exact to the micro-unit. The native
 * currency is kept when every row has the same one; otherwise it is "" and cost_native 0,
 * as the readers report a group that mixes currencies.
 *
 * Returns: (transfer full): the total, covering [@start, @end)
 */
TgUsageRow *
tg_usage_rows_total (GPtrArray  *rows,
                     gint64      start,
                     gint64      end,
                     const char *group)
{
  TgUsageRow *total;
  gboolean same_currency = TRUE;

  g_return_val_if_fail (rows != NULL, NULL);

  total = tg_usage_row_new ();
  total->start = start;
  total->end = end;
  g_free (total->group);
  total->group = g_strdup (group != NULL ? group : "");

  for (guint i = 0; i < rows->len; i++)
    {
      const TgUsageRow *row = g_ptr_array_index (rows, i);

      total->calls += row->calls;
      total->billable_calls += row->billable_calls;
      total->errors += row->errors;
      total->timeouts += row->timeouts;
      total->requests += row->requests;
      total->credits += row->credits;
      total->input_tokens += row->input_tokens;
      total->output_tokens += row->output_tokens;
      total->cost_native += row->cost_native;
      total->cost += row->cost;
      total->unpriced_calls += row->unpriced_calls;
      if (row->latency != NULL)
        tg_latency_histogram_merge (total->latency, row->latency);

      if (i == 0)
        {
          g_free (total->native_currency);
          total->native_currency = g_strdup (row->native_currency);
        }
      else if (g_strcmp0 (total->native_currency, row->native_currency) != 0)
        same_currency = FALSE;
    }

  if (!same_currency || *total->native_currency == '\0')
    {
      g_free (total->native_currency);
      total->native_currency = g_strdup ("");
      total->cost_native = 0;
    }

  return total;
}

TgUsageCall *
tg_usage_call_new (void)
{
  TgUsageCall *call = g_new0 (TgUsageCall, 1);

  g_atomic_ref_count_init (&call->ref_count);
  call->provider = g_strdup ("");
  call->endpoint = g_strdup ("");
  call->request_type = g_strdup ("");
  call->feature = g_strdup ("");
  call->region = g_strdup ("");
  call->response_time = -1;
  call->priced = TRUE;
  call->is_billable = TRUE;
  call->native_currency = g_strdup ("");
  call->priced_native = TRUE;

  return call;
}

TgUsageCall *
tg_usage_call_ref (TgUsageCall *call)
{
  g_return_val_if_fail (call != NULL, NULL);

  g_atomic_ref_count_inc (&call->ref_count);
  return call;
}

void
tg_usage_call_unref (TgUsageCall *call)
{
  g_return_if_fail (call != NULL);

  if (g_atomic_ref_count_dec (&call->ref_count))
    {
      g_free (call->provider);
      g_free (call->endpoint);
      g_free (call->request_type);
      g_free (call->feature);
      g_free (call->region);
      g_free (call->request_data);
      g_free (call->response_data);
      g_free (call->billing_period);
      g_free (call->ip_address);
      g_free (call->user_agent);
      g_free (call->native_currency);
      g_free (call);
    }
}

TgUserTotal *
tg_user_total_new (void)
{
  TgUserTotal *total = g_new0 (TgUserTotal, 1);

  g_atomic_ref_count_init (&total->ref_count);
  total->native_currency = g_strdup ("");

  return total;
}

TgUserTotal *
tg_user_total_ref (TgUserTotal *total)
{
  g_return_val_if_fail (total != NULL, NULL);

  g_atomic_ref_count_inc (&total->ref_count);
  return total;
}

void
tg_user_total_unref (TgUserTotal *total)
{
  g_return_if_fail (total != NULL);

  if (g_atomic_ref_count_dec (&total->ref_count))
    {
      g_free (total->display_name);
      g_free (total->native_currency);
      g_free (total);
    }
}

/**
 * tg_usage_top_new:
 *
 * Returns: (transfer full): a top with no rows, an empty rest and an empty total over
 *   [@start, @end)
 */
TgUsageTop *
tg_usage_top_new (TgUsageGroupBy group_by,
                  gint64         start,
                  gint64         end)
{
  TgUsageTop *top = g_new0 (TgUsageTop, 1);

  g_atomic_ref_count_init (&top->ref_count);
  top->group_by = group_by;
  top->start = start;
  top->end = end;
  top->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);
  top->display_names = g_ptr_array_new_with_free_func (g_free);
  top->rest = tg_usage_row_new ();
  top->rest->start = start;
  top->rest->end = end;
  top->total = tg_usage_row_new ();
  top->total->start = start;
  top->total->end = end;

  return top;
}

TgUsageTop *
tg_usage_top_ref (TgUsageTop *top)
{
  g_return_val_if_fail (top != NULL, NULL);

  g_atomic_ref_count_inc (&top->ref_count);
  return top;
}

void
tg_usage_top_unref (TgUsageTop *top)
{
  g_return_if_fail (top != NULL);

  if (g_atomic_ref_count_dec (&top->ref_count))
    {
      g_ptr_array_unref (top->rows);
      g_ptr_array_unref (top->display_names);
      tg_usage_row_unref (top->rest);
      tg_usage_row_unref (top->total);
      g_free (top);
    }
}

/**
 * tg_usage_share:
 * @part: an amount, such as a group's cost in micro-units
 * @whole: the amount it is a part of, such as the total cost
 *
 * The share of @part in @whole in ten-thousandths (1234 is 0.1234, 12.34 %), rounded half
 * away from zero: the quotient of the two amounts as they are printed, so that anyone can
 * check it from the printed figures. 0 when @whole is 0 or less (nothing cost anything).
 *
 * Returns: the share, 0 to 10000 for a part of a whole
 */
guint
tg_usage_share (gint64 part,
                gint64 whole)
{
  guint share = 0;
  gint64 remainder;

  if (whole <= 0 || part <= 0)
    return 0;

  /* Long division, a decimal at a time, so that no product overflows: the remainder stays
   * below @whole, and times 20 below G_MAXINT64 once @whole is scaled under it (amounts of
   * more than 4.6 * 10^11 units, where dropping their last digits cannot move the fourth
   * decimal of a share).
   */
  while (whole > G_MAXINT64 / 20)
    {
      part /= 10;
      whole /= 10;
    }
  share = (guint)MIN (part / whole, (gint64)G_MAXUINT / 10000);
  remainder = part % whole;
  for (guint i = 0; i < 4; i++)
    {
      share = share * 10 + (guint)(remainder * 10 / whole);
      remainder = remainder * 10 % whole;
    }
  if (remainder * 2 >= whole)
    share++;

  return share;
}

/**
 * tg_usage_top_get_share:
 * @index: a row of @top
 *
 * Returns: the row's cost over the total cost in ten-thousandths (tg_usage_share())
 */
guint
tg_usage_top_get_share (const TgUsageTop *top,
                        guint             index)
{
  g_return_val_if_fail (top != NULL, 0);
  g_return_val_if_fail (index < top->rows->len, 0);

  return tg_usage_share (((const TgUsageRow *)g_ptr_array_index (top->rows, index))->cost,
                         top->total->cost);
}

TgUsageSettings *
tg_usage_settings_new (const char *billing_timezone,
                       const char *reporting_currency)
{
  TgUsageSettings *settings;

  g_return_val_if_fail (billing_timezone != NULL, NULL);
  g_return_val_if_fail (reporting_currency != NULL, NULL);

  settings = g_new0 (TgUsageSettings, 1);
  g_atomic_ref_count_init (&settings->ref_count);
  settings->billing_timezone = g_strdup (billing_timezone);
  settings->reporting_currency = g_strdup (reporting_currency);

  return settings;
}

TgUsageSettings *
tg_usage_settings_ref (TgUsageSettings *settings)
{
  g_return_val_if_fail (settings != NULL, NULL);

  g_atomic_ref_count_inc (&settings->ref_count);
  return settings;
}

void
tg_usage_settings_unref (TgUsageSettings *settings)
{
  g_return_if_fail (settings != NULL);

  if (g_atomic_ref_count_dec (&settings->ref_count))
    {
      g_free (settings->billing_timezone);
      g_free (settings->reporting_currency);
      g_free (settings);
    }
}

static const char * const group_names[] = {
  [TG_USAGE_GROUP_NONE] = "none",
  [TG_USAGE_GROUP_PROVIDER] = "provider",
  [TG_USAGE_GROUP_ENDPOINT] = "endpoint",
  [TG_USAGE_GROUP_REQUEST_TYPE] = "request_type",
  [TG_USAGE_GROUP_FEATURE] = "feature",
  [TG_USAGE_GROUP_COST_CENTRE] = "cost_centre",
  [TG_USAGE_GROUP_REGION] = "region",
  [TG_USAGE_GROUP_STATUS_CLASS] = "status_class",
  [TG_USAGE_GROUP_USER] = "user",
};

/* Accepts the names above, and "request-type", "cost-centre", "status-class". */
gboolean
tg_usage_group_by_parse (const char     *text,
                         TgUsageGroupBy *group_by)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (group_by != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  name = g_strdelimit (g_ascii_strdown (text, -1), "-", '_');
  for (guint i = 0; i < G_N_ELEMENTS (group_names); i++)
    {
      if (strcmp (group_names[i], name) == 0)
        {
          *group_by = (TgUsageGroupBy)i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tg_usage_group_by_to_string (TgUsageGroupBy group_by)
{
  g_return_val_if_fail (group_by < G_N_ELEMENTS (group_names), NULL);

  return group_names[group_by];
}
