/* tg-alert-row.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One alert of the Alerts list: its kind as an icon, the server's message (what crossed
 * what, with the figures), its scope, threshold and when it was raised, its state, and
 * the buttons for what may be done with it — Acknowledge while nobody has, Mute (for an
 * hour, a day, or until unmuted) and Unmute while muted. The buttons name the page's
 * actions with the alert's id; the page decides whether they are enabled.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-alert-row.h"

struct _TgAlertRow
{
  GtkListBoxRow  parent_instance;

  /* template widgets */
  GtkImage      *icon;
  GtkLabel      *message_label;
  GtkLabel      *details_label;
  GtkLabel      *state_label;
  GtkWidget     *acknowledge_button;
  GtkMenuButton *mute_button;
  GtkWidget     *unmute_button;

  /* owned */
  TgAlert       *alert;
};

G_DEFINE_FINAL_TYPE (TgAlertRow, tg_alert_row, GTK_TYPE_LIST_BOX_ROW)

/**
 * tg_alert_kind_get_icon_name:
 * @kind: an alert's kind
 *
 * Returns: the icon of alerts of @kind
 */
const char *
tg_alert_kind_get_icon_name (const char *kind)
{
  static const struct { const char *kind; const char *icon; } icons[] = {
    { "budget", "tg-budgets-symbolic" },
    { "forecast", "tg-analytics-symbolic" },
    { "quota", "tg-budgets-symbolic" },
    { "user_frequency", "avatar-default-symbolic" },
    { "new_ip", "network-wired-symbolic" },
    { "new_user_agent", "computer-symbolic" },
    { "provider_errors", "dialog-error-symbolic" },
    { "provider_timeouts", "appointment-soon-symbolic" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (g_strcmp0 (icons[i].kind, kind) == 0)
      return icons[i].icon;

  return "dialog-warning-symbolic";
}

/**
 * tg_alert_kind_get_title:
 * @kind: an alert's kind
 *
 * Returns: (transfer none): the kind in words, "Budget", "Provider errors"
 */
const char *
tg_alert_kind_get_title (const char *kind)
{
  static const struct { const char *kind; const char *title; } titles[] = {
    { "budget", N_("Budget") },
    { "forecast", N_("Forecast") },
    { "quota", N_("Quota") },
    { "user_frequency", N_("Unusual call rate") },
    { "new_ip", N_("New address") },
    { "new_user_agent", N_("New client") },
    { "provider_errors", N_("Provider errors") },
    { "provider_timeouts", N_("Provider timeouts") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].kind, kind) == 0)
      return _(titles[i].title);

  return kind != NULL ? kind : "";
}

/**
 * tg_alert_dup_threshold_text:
 *
 * Returns: (transfer full) (nullable): the alert's threshold as people read it: "85 %" for
 *   a percentage, the amount as the server wrote it otherwise; %NULL for kinds without one
 */
char *
tg_alert_dup_threshold_text (TgAlert *alert)
{
  const char *threshold;
  gboolean number = TRUE;

  g_return_val_if_fail (alert != NULL, NULL);

  threshold = alert->threshold;
  if (threshold == NULL || *threshold == '\0')
    return NULL;

  for (const char *p = threshold; *p != '\0'; p++)
    number &= g_ascii_isdigit (*p) || *p == '.';

  if (number)
    /* TRANSLATORS: an alert's threshold as a share of its budget, "85 %" */
    return g_strdup_printf (_("%s %%"), threshold);

  return g_strdup (threshold);
}

/**
 * tg_alert_format_time:
 * @usec: UTC microseconds
 *
 * Returns: (transfer full): the moment in this computer's time: "14:05" today,
 *   "5 Dec 14:05" this year, "5 Dec 2025 14:05" before
 */
char *
tg_alert_format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    return g_date_time_format (local, "%-d %b %H:%M");

  return g_date_time_format (local, "%-d %b %Y %H:%M");
}

static char *
describe_state (TgAlert *alert,
                char   **tooltip)
{
  *tooltip = NULL;

  switch (alert->state)
    {
    case TG_ALERT_STATE_OPEN:
      return g_strdup (C_("alert state", "Open"));

    case TG_ALERT_STATE_ACKNOWLEDGED:
      if (alert->acknowledged_by != NULL)
        {
          g_autofree char *when = tg_alert_format_time (alert->acknowledged_at);

          /* TRANSLATORS: "Acknowledged by ann at 14:10" */
          *tooltip = g_strdup_printf (_("Acknowledged by %s at %s"), alert->acknowledged_by, when);
        }
      return g_strdup (C_("alert state", "Acknowledged"));

    case TG_ALERT_STATE_RECOVERED:
      if (alert->recovered_at != 0)
        {
          g_autofree char *when = tg_alert_format_time (alert->recovered_at);

          /* TRANSLATORS: "Recovered at 14:10" */
          *tooltip = g_strdup_printf (_("Recovered at %s"), when);
        }
      return g_strdup (C_("alert state", "Recovered"));

    case TG_ALERT_STATE_MUTED:
      if (alert->muted_until == TG_ALERT_TIME_NEVER || alert->muted_until == 0)
        return g_strdup (_("Muted until unmuted"));
      else
        {
          g_autofree char *when = tg_alert_format_time (alert->muted_until);

          /* TRANSLATORS: "Muted until 15:05" */
          return g_strdup_printf (_("Muted until %s"), when);
        }

    default:
      return g_strdup ("");
    }
}

static const char *state_classes[] = { "open", "acknowledged", "recovered", "muted" };

static void
update (TgAlertRow *self,
        const char *scope_title)
{
  TgAlert *alert = self->alert;
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *threshold = tg_alert_dup_threshold_text (alert);
  g_autofree char *raised = tg_alert_format_time (alert->created_at);
  g_autofree char *state = NULL;
  g_autofree char *tooltip = NULL;
  static const struct { const char *label; gint64 seconds; } mutes[] = {
    { N_("For 1 _Hour"), 3600 },
    { N_("For 1 _Day"), 86400 },
    { N_("_Until Unmuted"), 0 },
  };

  gtk_image_set_from_icon_name (self->icon, tg_alert_kind_get_icon_name (alert->kind));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->icon), tg_alert_kind_get_title (alert->kind));
  gtk_label_set_text (self->message_label, alert->message != NULL ? alert->message : "");

  g_string_append (details, tg_alert_kind_get_title (alert->kind));
  if (scope_title != NULL && *scope_title != '\0')
    g_string_append_printf (details, " · %s", scope_title);
  if (threshold != NULL)
    {
      /* TRANSLATORS: an alert's threshold among its details, "85 % threshold" */
      g_autofree char *text = g_strdup_printf (_("%s threshold"), threshold);

      g_string_append_printf (details, " · %s", text);
    }
  {
    /* TRANSLATORS: when an alert was raised, "raised 5 Dec 14:05" */
    g_autofree char *text = g_strdup_printf (_("raised %s"), raised);

    g_string_append_printf (details, " · %s", text);
  }
  gtk_label_set_text (self->details_label, details->str);

  state = describe_state (alert, &tooltip);
  gtk_label_set_text (self->state_label, state);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), tooltip);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  if ((guint)alert->state < G_N_ELEMENTS (state_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_classes[alert->state]);

  /* The target first: an action name without it would not match the action's type. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->acknowledge_button),
                                          g_variant_new_int64 (alert->id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->acknowledge_button), "alerts.acknowledge");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->unmute_button),
                                          g_variant_new_int64 (alert->id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->unmute_button), "alerts.unmute");
  for (guint i = 0; i < G_N_ELEMENTS (mutes); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(mutes[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, "alerts.mute",
                                               g_variant_new ("(xx)", alert->id, mutes[i].seconds));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->mute_button, G_MENU_MODEL (menu));

  /* What can be done: acknowledge what nobody acknowledged; mute a rule, or unmute it. */
  gtk_widget_set_visible (self->acknowledge_button, alert->acknowledged_by == NULL &&
                                                    alert->state != TG_ALERT_STATE_ACKNOWLEDGED);
  gtk_widget_set_visible (GTK_WIDGET (self->mute_button), alert->state != TG_ALERT_STATE_MUTED);
  gtk_widget_set_visible (self->unmute_button, alert->state == TG_ALERT_STATE_MUTED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, alert->message,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, details->str,
                                  -1);
}

static void
tg_alert_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_ALERT_ROW);

  G_OBJECT_CLASS (tg_alert_row_parent_class)->dispose (object);
}

static void
tg_alert_row_finalize (GObject *object)
{
  TgAlertRow *self = TG_ALERT_ROW (object);

  g_clear_pointer (&self->alert, tg_alert_unref);

  G_OBJECT_CLASS (tg_alert_row_parent_class)->finalize (object);
}

static void
tg_alert_row_class_init (TgAlertRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_alert_row_dispose;
  object_class->finalize = tg_alert_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-alert-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, icon);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, acknowledge_button);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, TgAlertRow, unmute_button);
}

static void
tg_alert_row_init (TgAlertRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "alert-row");
}

GtkWidget *
tg_alert_row_new (void)
{
  return g_object_new (TG_TYPE_ALERT_ROW, NULL);
}

/**
 * tg_alert_row_get_alert:
 *
 * Returns: (transfer none) (nullable): the alert the row shows
 */
TgAlert *
tg_alert_row_get_alert (TgAlertRow *self)
{
  g_return_val_if_fail (TG_IS_ALERT_ROW (self), NULL);

  return self->alert;
}

/**
 * tg_alert_row_set_alert:
 * @scope_title: the alert's scope in words, "Provider: HERE"
 */
void
tg_alert_row_set_alert (TgAlertRow *self,
                        TgAlert    *alert,
                        const char *scope_title)
{
  g_return_if_fail (TG_IS_ALERT_ROW (self));
  g_return_if_fail (alert != NULL);

  if (self->alert != alert)
    {
      g_clear_pointer (&self->alert, tg_alert_unref);
      self->alert = tg_alert_ref (alert);
    }

  update (self, scope_title);
}

const char *
tg_alert_row_get_state_text (TgAlertRow *self)
{
  g_return_val_if_fail (TG_IS_ALERT_ROW (self), NULL);

  return gtk_label_get_text (self->state_label);
}
