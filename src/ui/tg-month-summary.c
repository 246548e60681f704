/* tg-month-summary.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The header's summary of the current billing month (the story card's "Header: current
 * month summary (calls, costs, status)"): calls and cost so far, and the state of the
 * database connection and of the providers. When the connection is lost it keeps the
 * last figures, dimmed and marked stale, rather than blanking them.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-format.h"
#include "tg-money.h"
#include "tg-month-summary.h"
#include "tg-stale.h"

struct _TgMonthSummary
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkLabel             *month_label;
  GtkLabel             *stale_label;
  GtkLabel             *period_label;
  GtkWidget            *figures_box;
  GtkWidget            *unpriced_icon;
  GtkWidget            *error_icon;
  GtkWidget            *database_dot;
  GtkLabel             *database_label;

  /* owned */
  char                 *currency;
  GDateTime            *updated_at;

  gint64                calls;
  gint64                cost;
  TgDbConnectionStatus  database_status;
  guint                 has_data : 1;
  guint                 stale : 1;
  guint                 loading : 1;
};

enum {
  PROP_0,
  PROP_HAS_DATA,
  PROP_CALLS,
  PROP_COST,
  PROP_CURRENCY,
  PROP_STALE,
  PROP_LOADING,
  PROP_DATABASE_STATUS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgMonthSummary, tg_month_summary, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
update_staleness (TgMonthSummary *self)
{
  _tg_show_stale (self->stale_label, self->figures_box, self->stale && self->has_data,
                  self->updated_at);
}

static void
update_database_status (TgMonthSummary *self)
{
  static const char * const dot_classes[] = { "success", "warning", "error", "unknown" };
  const char *dot_class;
  const char *text;

  switch (self->database_status)
    {
    case TG_DB_CONNECTION_STATUS_CONNECTED:
      text = C_("database connection", "Connected");
      dot_class = "success";
      break;

    case TG_DB_CONNECTION_STATUS_CONNECTING:
      text = C_("database connection", "Connecting…");
      dot_class = "unknown";
      break;

    case TG_DB_CONNECTION_STATUS_RECONNECTING:
      text = C_("database connection", "Reconnecting…");
      dot_class = "warning";
      break;

    case TG_DB_CONNECTION_STATUS_FAILED:
      text = C_("database connection", "Offline");
      dot_class = "error";
      break;

    case TG_DB_CONNECTION_STATUS_DISCONNECTED:
    default:
      text = C_("database connection", "Not connected");
      dot_class = "unknown";
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (dot_classes); i++)
    gtk_widget_remove_css_class (self->database_dot, dot_classes[i]);
  gtk_widget_add_css_class (self->database_dot, dot_class);
  gtk_label_set_text (self->database_label, text);
}

/* For the template: the figures as the labels show them, a dash before the first. */
static char *
format_calls (TgMonthSummary *self,
              gboolean        has_data,
              gint64          calls)
{
  return has_data ? tg_format_count (calls) : g_strdup ("—");
}

static char *
format_cost (TgMonthSummary *self,
             gboolean        has_data,
             gint64          cost,
             const char     *currency)
{
  return has_data ? tg_format_money (cost, currency) : g_strdup ("—");
}

static void
tg_month_summary_dispose (GObject *object)
{
  TgMonthSummary *self = TG_MONTH_SUMMARY (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_MONTH_SUMMARY);

  /* Children without an id in the template are ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tg_month_summary_parent_class)->dispose (object);
}

static void
tg_month_summary_finalize (GObject *object)
{
  TgMonthSummary *self = TG_MONTH_SUMMARY (object);

  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (tg_month_summary_parent_class)->finalize (object);
}

static void
tg_month_summary_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgMonthSummary *self = TG_MONTH_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_HAS_DATA:
      g_value_set_boolean (value, self->has_data);
      break;

    case PROP_CALLS:
      g_value_set_int64 (value, self->calls);
      break;

    case PROP_COST:
      g_value_set_int64 (value, self->cost);
      break;

    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;

    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_DATABASE_STATUS:
      g_value_set_enum (value, self->database_status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_month_summary_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TgMonthSummary *self = TG_MONTH_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_STALE:
      tg_month_summary_set_stale (self, g_value_get_boolean (value));
      break;

    case PROP_LOADING:
      if (self->loading != g_value_get_boolean (value))
        {
          self->loading = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_DATABASE_STATUS:
      tg_month_summary_set_database_status (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_month_summary_class_init (TgMonthSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_month_summary_dispose;
  object_class->finalize = tg_month_summary_finalize;
  object_class->get_property = tg_month_summary_get_property;
  object_class->set_property = tg_month_summary_set_property;

  properties[PROP_HAS_DATA] =
    g_param_spec_boolean ("has-data", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CALLS] =
    g_param_spec_int64 ("calls", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgMonthSummary:cost:
   *
   * The month's cost so far in micro-units of #TgMonthSummary:currency.
   */
  properties[PROP_COST] =
    g_param_spec_int64 ("cost", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DATABASE_STATUS] =
    g_param_spec_enum ("database-status", NULL, NULL,
                       TG_TYPE_DB_CONNECTION_STATUS, TG_DB_CONNECTION_STATUS_DISCONNECTED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-month-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, month_label);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, stale_label);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, period_label);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, figures_box);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, unpriced_icon);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, error_icon);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, database_dot);
  gtk_widget_class_bind_template_child (widget_class, TgMonthSummary, database_label);
  gtk_widget_class_bind_template_callback (widget_class, format_calls);
  gtk_widget_class_bind_template_callback (widget_class, format_cost);

  gtk_widget_class_set_css_name (widget_class, "monthsummary");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_month_summary_init (TgMonthSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_database_status (self);
}

GtkWidget *
tg_month_summary_new (void)
{
  return g_object_new (TG_TYPE_MONTH_SUMMARY, NULL);
}

/**
 * tg_month_summary_set_usage:
 * @usage: the month's totals, as tg_usage_month_finish() gives them
 * @currency: the reporting currency that @usage's cost is in
 * @billing_zone: the billing time zone, whose calendar the month is of
 *
 * Shows fresh figures: the summary is no longer stale nor in error.
 */
void
tg_month_summary_set_usage (TgMonthSummary *self,
                            TgUsageRow     *usage,
                            const char     *currency,
                            GTimeZone      *billing_zone)
{
  g_autoptr(GDateTime) start = NULL;
  g_autofree char *month = NULL;
  g_autofree char *period = NULL;

  g_return_if_fail (TG_IS_MONTH_SUMMARY (self));
  g_return_if_fail (usage != NULL);
  g_return_if_fail (currency != NULL);
  g_return_if_fail (billing_zone != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  start = g_date_time_new_from_unix_utc (usage->start);
  if (start != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_timezone (start, billing_zone);

      /* TRANSLATORS: the heading of the month summary, a strftime format: "March 2026" */
      month = g_date_time_format (local, _("%B %Y"));
    }
  gtk_label_set_text (self->month_label, month != NULL ? month : _("This Month"));

  /* TRANSLATORS: %s is the billing time zone, "Australia/Sydney" */
  period = g_strdup_printf (_("Month to date, %s"), g_time_zone_get_identifier (billing_zone));
  gtk_label_set_text (self->period_label, period);

  gtk_widget_set_visible (self->unpriced_icon, usage->unpriced_calls > 0);
  if (usage->unpriced_calls > 0)
    {
      g_autofree char *count = tg_format_count (usage->unpriced_calls);
      g_autofree char *tooltip = NULL;

      tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s billable call has no price or exchange rate and is not in the cost",
                                              "%s billable calls have no price or exchange rate and are not in the cost",
                                              usage->unpriced_calls),
                                 count);
      gtk_widget_set_tooltip_text (self->unpriced_icon, tooltip);
    }

  gtk_widget_set_visible (self->error_icon, FALSE);
  gtk_widget_set_tooltip_text (self->error_icon, NULL);

  g_clear_pointer (&self->updated_at, g_date_time_unref);
  self->updated_at = g_date_time_new_now_local ();

  if (self->calls != usage->calls)
    {
      self->calls = usage->calls;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALLS]);
    }
  if (self->cost != usage->cost)
    {
      self->cost = usage->cost;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COST]);
    }
  if (g_strcmp0 (self->currency, currency) != 0)
    {
      g_free (self->currency);
      self->currency = g_strdup (currency);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
    }
  if (!self->has_data)
    {
      self->has_data = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DATA]);
    }

  tg_month_summary_set_stale (self, FALSE);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tg_month_summary_set_error:
 * @message: why the figures could not be read, for a tooltip
 *
 * Figures already shown stay (marked stale by the caller when the connection is the
 * cause); without any, the summary shows an error sign instead of numbers.
 */
void
tg_month_summary_set_error (TgMonthSummary *self,
                            const char     *message)
{
  g_autofree char *tooltip = NULL;

  g_return_if_fail (TG_IS_MONTH_SUMMARY (self));
  g_return_if_fail (message != NULL);

  /* TRANSLATORS: %s is an error message from the database */
  tooltip = g_strdup_printf (_("Could not read this month’s usage: %s"), message);
  gtk_widget_set_tooltip_text (self->error_icon, tooltip);
  gtk_widget_set_visible (self->error_icon, TRUE);
}

gboolean
tg_month_summary_get_has_data (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), FALSE);

  return self->has_data;
}

gint64
tg_month_summary_get_calls (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), 0);

  return self->calls;
}

gint64
tg_month_summary_get_cost (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), 0);

  return self->cost;
}

const char *
tg_month_summary_get_currency (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), NULL);

  return self->currency;
}

gboolean
tg_month_summary_get_stale (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), FALSE);

  return self->stale;
}

/* Stale figures stay on screen, dimmed, with a "Stale" tag that says how old they are. */
void
tg_month_summary_set_stale (TgMonthSummary *self,
                            gboolean        stale)
{
  g_return_if_fail (TG_IS_MONTH_SUMMARY (self));

  stale = !!stale;
  if (self->stale == stale)
    return;

  self->stale = stale;
  update_staleness (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

TgDbConnectionStatus
tg_month_summary_get_database_status (TgMonthSummary *self)
{
  g_return_val_if_fail (TG_IS_MONTH_SUMMARY (self), TG_DB_CONNECTION_STATUS_DISCONNECTED);

  return self->database_status;
}

void
tg_month_summary_set_database_status (TgMonthSummary       *self,
                                      TgDbConnectionStatus  status)
{
  g_return_if_fail (TG_IS_MONTH_SUMMARY (self));

  if (self->database_status == status)
    return;

  self->database_status = status;
  update_database_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_STATUS]);
}
