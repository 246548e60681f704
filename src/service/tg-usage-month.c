/* tg-usage-month.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-time-bucket.h"
#include "tg-usage-queries.h"
#include "tg-usage-month.h"

/* A month's totals for the window's header, answered by the typed queries of src/db. */

static void
month_series_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;
  const gint64 *bounds = g_task_get_task_data (task);
  TgUsageRow *total;

  rows = tg_usage_series_finish (TG_DB_CONNECTION (object), result, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A month without usage has no row: it is a month of zeros. */
  if (rows->len > 0)
    total = tg_usage_row_ref (g_ptr_array_index (rows, 0));
  else
    {
      total = tg_usage_row_new ();
      total->start = bounds[0];
      total->end = bounds[1];
    }

  g_task_return_pointer (task, total, (GDestroyNotify)tg_usage_row_unref);
}

/**
 * tg_usage_month_async:
 * @billing_zone: the billing time zone, whose calendar month is meant
 * @now: the instant whose month to total
 *
 * Totals the usage of the billing month holding @now, group none. The bounds come
 * from tg_time_bucket_month_bounds(): the month is a local month of @billing_zone.
 */
void
tg_usage_month_async (TgDbConnection      *connection,
                              GTimeZone           *billing_zone,
                              GDateTime           *now,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *month = NULL;
  g_autoptr(GError) error = NULL;
  gint64 *bounds;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (billing_zone != NULL);
  g_return_if_fail (now != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_usage_month_async);

  bounds = g_new0 (gint64, 2);
  g_task_set_task_data (task, bounds, g_free);

  local = g_date_time_to_timezone (now, billing_zone);
  month = g_date_time_format (local, "%Y-%m");
  if (!tg_time_bucket_month_bounds (billing_zone, month, &bounds[0], &bounds[1], &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tg_usage_series_async (connection, bounds, 2, TG_USAGE_GROUP_NONE, NULL,
                         cancellable, month_series_cb, g_steal_pointer (&task));
}

/**
 * tg_usage_month_finish:
 *
 * Returns: (transfer full): the month's totals; start and end are its bounds
 */
TgUsageRow *
tg_usage_month_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_usage_month_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
