/* tg-feed-row.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One call in the live activity feed (and in the calls behind a figure): provider,
 * request type and cost; then the feature and the endpoint's tail (tg_format_endpoint():
 * "…/Interactive/Retrieve", never a cut in the middle of a word), the whole of both in the
 * row's tooltip; then its status, time, user and latency. A failed call (4xx, 5xx, or no answer at all)
 * stands out three ways: an error icon instead of a tick, its status in words in the
 * error colour, and the "error" style class on the row; its accessible label says so
 * too. The feed reuses rows, so setting another call rewrites everything.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-feed-row.h"
#include "tg-format.h"

struct _TgFeedRow
{
  GtkListBoxRow  parent_instance;

  /* template widgets */
  GtkImage      *status_icon;
  GtkLabel      *provider_label;
  GtkLabel      *request_type_label;
  GtkLabel      *endpoint_label;
  GtkLabel      *cost_label;
  GtkLabel      *status_label;
  GtkLabel      *details_label;

  /* owned */
  TgUsageCall   *call;

  guint          failed : 1;
};

G_DEFINE_FINAL_TYPE (TgFeedRow, tg_feed_row, GTK_TYPE_LIST_BOX_ROW)

/**
 * tg_call_is_failure:
 *
 * Returns: whether @call failed: answered with 4xx or 5xx, or not answered at all
 *   (status 0, a timeout)
 */
gboolean
tg_call_is_failure (const TgUsageCall *call)
{
  g_return_val_if_fail (call != NULL, FALSE);

  return call->status == 0 || call->status >= 400;
}

static char *
describe_status (const TgUsageCall *call)
{
  if (call->status == 0)
    return g_strdup (_("Timeout"));

  if (call->status >= 500)
    /* TRANSLATORS: an HTTP status of a failed call, "HTTP 503 server error" */
    return g_strdup_printf (_("HTTP %d server error"), call->status);

  if (call->status >= 400)
    /* TRANSLATORS: an HTTP status of a refused call, "HTTP 429 error" */
    return g_strdup_printf (_("HTTP %d error"), call->status);

  /* TRANSLATORS: an HTTP status of a call that worked, "HTTP 200" */
  return g_strdup_printf (_("HTTP %d"), call->status);
}

static void
tg_feed_row_finalize (GObject *object)
{
  TgFeedRow *self = TG_FEED_ROW (object);

  g_clear_pointer (&self->call, tg_usage_call_unref);

  G_OBJECT_CLASS (tg_feed_row_parent_class)->finalize (object);
}

static void
tg_feed_row_class_init (TgFeedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tg_feed_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-feed-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, provider_label);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, request_type_label);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, endpoint_label);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, cost_label);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TgFeedRow, details_label);
}

static void
tg_feed_row_init (TgFeedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tg_feed_row_new (void)
{
  return g_object_new (TG_TYPE_FEED_ROW, NULL);
}

/**
 * tg_feed_row_get_call:
 *
 * Returns: (transfer none) (nullable): the call the row shows
 */
TgUsageCall *
tg_feed_row_get_call (TgFeedRow *self)
{
  g_return_val_if_fail (TG_IS_FEED_ROW (self), NULL);

  return self->call;
}

gboolean
tg_feed_row_get_failed (TgFeedRow *self)
{
  g_return_val_if_fail (TG_IS_FEED_ROW (self), FALSE);

  return self->failed;
}

/**
 * tg_feed_row_set_call:
 * @call: the call
 * @provider_name: (nullable): the provider's display name; %NULL shows its slug
 * @zone: (nullable): the time zone to show the time in; %NULL is local time
 * @currency: (nullable): the reporting currency of @call's cost
 */
void
tg_feed_row_set_call (TgFeedRow   *self,
                      TgUsageCall *call,
                      const char  *provider_name,
                      GTimeZone   *zone,
                      const char  *currency)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *status = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *details_text = NULL;
  g_autofree char *accessible = NULL;
  gboolean failed;

  g_return_if_fail (TG_IS_FEED_ROW (self));
  g_return_if_fail (call != NULL);

  if (call != self->call)
    {
      g_clear_pointer (&self->call, tg_usage_call_unref);
      self->call = tg_usage_call_ref (call);
    }

  gtk_label_set_text (self->provider_label,
                      provider_name != NULL ? provider_name : call->provider);
  gtk_label_set_text (self->request_type_label, call->request_type);

  {
    g_autofree char *endpoint = tg_format_endpoint (call->endpoint);
    g_autofree char *where = NULL;
    g_autofree char *tooltip = NULL;

    /* TRANSLATORS: a call's feature and endpoint, "checkout.address · …/Interactive/Retrieve" */
    where = *call->feature != '\0' ? g_strdup_printf (_("%s · %s"), call->feature, endpoint)
                                   : g_strdup (endpoint);
    gtk_label_set_text (self->endpoint_label, where);

    /* TRANSLATORS: the tooltip of a call: its whole endpoint, request type and feature */
    tooltip = g_strdup_printf (_("%s\nRequest type: %s\nFeature: %s\nSelect for its request and response"),
                               call->endpoint, call->request_type,
                               *call->feature != '\0' ? call->feature : _("none"));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  }

  if (!call->priced)
    cost = g_strdup (_("No price"));
  else if (currency != NULL)
    cost = tg_format_money_small (call->cost, currency);
  else
    cost = tg_format_micros (call->cost, 6);
  gtk_label_set_text (self->cost_label, cost);

  failed = tg_call_is_failure (call);
  status = describe_status (call);
  gtk_label_set_text (self->status_label, status);
  gtk_image_set_from_icon_name (self->status_icon,
                                failed ? "dialog-error-symbolic" : "object-select-symbolic");
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  self->failed = failed;

  /* Time, in the billing time zone when there is one. */
  utc = g_date_time_new_from_unix_utc (call->created_at / G_USEC_PER_SEC);
  if (utc != NULL)
    {
      g_autoptr(GDateTime) now = NULL;

      local = zone != NULL ? g_date_time_to_timezone (utc, zone) : g_date_time_to_local (utc);
      now = zone != NULL ? g_date_time_new_now (zone) : g_date_time_new_now_local ();
      /* A call of another day (a late row, a back-fill) says which. */
      if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
          g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
        g_ptr_array_add (details, g_date_time_format (local, "%H:%M:%S"));
      else
        /* TRANSLATORS: a call's date and time in the live feed, see g_date_time_format() */
        g_ptr_array_add (details, g_date_time_format (local, _("%b %-d %H:%M:%S")));
    }

  if (call->has_user_id)
    {
      g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT, call->user_id);

      /* TRANSLATORS: the platform's user who made a call, "user 42" */
      g_ptr_array_add (details, g_strdup_printf (_("user %s"), user));
    }
  else
    g_ptr_array_add (details, g_strdup (_("no user")));

  if (call->response_time >= 0)
    /* TRANSLATORS: a response time in milliseconds, "123 ms" */
    g_ptr_array_add (details, g_strdup_printf (_("%d ms"), call->response_time));

  if (call->call_count > 1)
    {
      g_autofree char *count = tg_format_count (call->call_count);

      /* TRANSLATORS: a row that stands for several calls, "× 12" */
      g_ptr_array_add (details, g_strdup_printf (_("× %s"), count));
    }

  g_ptr_array_add (details, NULL);
  /* TRANSLATORS: the separator between the time, user and latency of a call */
  details_text = g_strjoinv (_(" · "), (char **)details->pdata);
  gtk_label_set_text (self->details_label, details_text);

  /* TRANSLATORS: what a screen reader says for a call: provider, request type, endpoint,
   * status, details (time, user, latency), cost
   */
  accessible = g_strdup_printf (_("%s %s %s, %s, %s, %s"),
                                provider_name != NULL ? provider_name : call->provider,
                                call->request_type, call->endpoint, status, details_text, cost);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}
