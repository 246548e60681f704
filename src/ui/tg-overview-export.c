/* tg-overview-export.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Overview as a one-page PDF: what the cards and the chart show, laid out by
 * src/report and exported (written, then recorded in the audit log) by
 * tg_report_export_async().
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-format.h"
#include "tg-money.h"
#include "tg-overview-page-private.h"
#include "tg-report-export.h"
#include "tg-summary-report.h"
#include "tg-time-bucket.h"

/* What the cards show, as text for the report's table. */
static TgSummaryReport *
build_report (TgOverviewPage *self)
{
  g_autoptr(GTimeZone) zone = self->billing_zone != NULL ? g_time_zone_ref (self->billing_zone)
                                                          : g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GArray) items = NULL;
  g_autofree char *month = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *subtitle = NULL;
  const char *columns[] = {
    C_("report column", "Provider"),
    C_("report column", "Calls or tokens"),
    C_("report column", "Quota used"),
    C_("report column", "Credits"),
    C_("report column", "Cost, own currency"),
    NULL, NULL
  };
  g_autofree char *cost_column = NULL;
  TgSummaryReport *report;
  gint64 total = 0;

  {
    g_autoptr(GDateTime) start = NULL;
    gint64 bounds[2] = { 0, 0 };

    if (self->month != NULL && self->billing_zone != NULL &&
        tg_time_bucket_month_bounds (self->billing_zone, self->month, &bounds[0], &bounds[1],
                                     NULL))
      {
        g_autoptr(GDateTime) local = NULL;

        start = g_date_time_new_from_unix_utc (bounds[0]);
        local = g_date_time_to_timezone (start, self->billing_zone);
        month = g_date_time_format (local, _("%B %Y"));
      }
  }

  stamp = g_date_time_format (now, "%Y-%m-%d %H:%M");
  /* TRANSLATORS: under the report's title: the month, the billing time zone, the
   * reporting currency and when the report was made
   */
  subtitle = g_strdup_printf (_("%s to date (%s) · costs in %s · made %s"),
                              month != NULL ? month : self->month,
                              self->billing_zone != NULL ? g_time_zone_get_identifier (self->billing_zone)
                                                         : "UTC",
                              self->reporting_currency, stamp);
  report = tg_summary_report_new (_("Tollgate — API Usage Overview"), subtitle);

  items = _tg_cost_chart_build_items (tg_cost_chart_get_entries (self->chart),
                                      self->reporting_currency, &texts);
  tg_summary_report_set_chart (report, _("Cost by Provider"),
                               (const TgBarChartItem *)(gpointer)items->data, items->len);

  /* TRANSLATORS: a column of the report, %s is the reporting currency code */
  cost_column = g_strdup_printf (C_("report column", "Cost, %s"), self->reporting_currency);
  columns[5] = cost_column;
  tg_summary_report_set_table (report, _("Providers"), columns);

  for (guint i = 0; self->cards != NULL && i < self->cards->len; i++)
    {
      TgProviderCard *card = g_ptr_array_index (self->cards, i);
      TgProvider *provider = tg_provider_card_get_provider (card);
      TgUsageRow *row = tg_provider_card_get_usage (card);
      g_autofree char *count = tg_format_count (tg_provider_card_get_count (card));
      g_autofree char *quota = NULL;
      g_autofree char *credits = tg_format_micros (row != NULL ? row->credits : 0, 6);
      g_autofree char *native = tg_format_money (row != NULL ? row->cost_native : 0,
                                                  row != NULL && *row->native_currency != '\0'
                                                  ? row->native_currency : provider->currency);
      g_autofree char *cost = tg_format_money (row != NULL ? row->cost : 0,
                                                self->reporting_currency);
      const char *cells[7];

      if (tg_provider_has_quota (provider))
        /* TRANSLATORS: a percentage of the quota used, "82%" */
        quota = g_strdup_printf (_("%u%%"), tg_provider_get_quota_percent (provider, row));
      else
        quota = g_strdup (_("No quota"));

      cells[0] = provider->display_name;
      cells[1] = count;
      cells[2] = quota;
      cells[3] = credits;
      cells[4] = native;
      cells[5] = cost;
      cells[6] = NULL;
      tg_summary_report_add_row (report, cells);

      if (row != NULL)
        tg_money_add (total, row->cost, &total);
    }

  {
    g_autofree char *amount = tg_format_money (total, self->reporting_currency);
    g_autofree char *footer = g_strdup_printf (_("Total %s"), amount);

    tg_summary_report_set_footer (report, footer);
  }

  return report;
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (tg_report_export_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tg_overview_page_export_pdf_async:
 * @file: a local file
 *
 * Writes what the page shows — the cost chart, drawn by the same code as on screen, and
 * a table of the cards — into a one-page PDF, and records the export in the audit log
 * (tg_report_export_async()).
 */
void
tg_overview_page_export_pdf_async (TgOverviewPage      *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TgSummaryReport) report = NULL;

  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_overview_page_export_pdf_async);

  if (!self->has_data)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("There are no figures to export yet"));
      return;
    }

  if (self->connection == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The export cannot be recorded without a database connection"));
      return;
    }

  report = build_report (self);
  tg_report_export_async (self->connection, report, file, "overview", self->month,
                          cancellable, on_exported, g_steal_pointer (&task));
}

gboolean
tg_overview_page_export_pdf_finish (TgOverviewPage  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
