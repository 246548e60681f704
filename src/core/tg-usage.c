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
