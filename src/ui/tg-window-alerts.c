/* tg-window-alerts.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sidebar's Recent Alerts: the newest open alerts, each a row that opens the Alerts
 * page with it selected (win.show-alert), or the empty state when there are none; the
 * count on the Alerts page's tab. One query on the window's connection per load, the
 * latest winning (a load under way is followed by one more rather than cancelled, so
 * that a stream of NOTIFYs cannot starve it): when the session starts, on every NOTIFY of
 * tollgate_alerts the worker hands over, on Refresh and once a minute.
 *
 * Each load also hands the open alerts of the last days to the application
 * (tg_application_announce_alerts()), which sends a desktop notification, and posts to the
 * database's webhook when one is set, for those that nobody on this computer announced
 * yet: once per alert per computer, however many windows are open.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-alert-queries.h"
#include "tg-alert-row.h"
#include "tg-scope-title.h"
#include "tg-window-private.h"

/* Rows in the sidebar. */
#define N_RECENT      5
/* Open alerts read for announcing: the newest of the last days. */
#define N_ANNOUNCED   50
#define ANNOUNCE_DAYS 7

typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
} Load;

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->self);
  g_clear_object (&load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static GtkWidget *
recent_row_new (TgAlert *alert)
{
  g_autofree char *when = tg_alert_format_time (alert->created_at);
  g_autofree char *scope = tg_scope_dup_title (alert->scope, NULL, NULL);
  g_autofree char *caption = g_strdup_printf ("%s · %s", tg_alert_kind_get_title (alert->kind),
                                              when);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (tg_alert_kind_get_icon_name (alert->kind));
  GtkWidget *message = gtk_label_new (alert->message);
  GtkWidget *details = gtk_label_new (caption);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, "alert-icon");
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (message), 3);
  gtk_label_set_ellipsize (GTK_LABEL (message), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_add_css_class (details, "dim-label");

  gtk_box_append (GTK_BOX (text), message);
  gtk_box_append (GTK_BOX (text), details);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-alert");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (alert->id));
  gtk_widget_set_tooltip_text (row, scope);

  return row;
}

static void
show_recent (TgWindow  *self,
             GPtrArray *alerts)
{
  GtkWidget *child;
  guint n = MIN (alerts->len, N_RECENT);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_alerts))) != NULL)
    gtk_list_box_remove (self->recent_alerts, child);

  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->recent_alerts, recent_row_new (g_ptr_array_index (alerts, i)));

  gtk_widget_set_visible (GTK_WIDGET (self->recent_alerts), n > 0);
  gtk_widget_set_visible (self->alerts_empty, n == 0);

  /* The Alerts tab counts the open alerts (the newest N_ANNOUNCED of the last days). */
  adw_view_stack_page_set_badge_number (self->alerts_stack_page, alerts->len);
  adw_view_stack_page_set_needs_attention (self->alerts_stack_page, alerts->len > 0);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgWindow) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  GtkApplication *application;

  alerts = tg_alert_list_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (self->alerts_cancellable == load->cancellable)
    g_clear_object (&self->alerts_cancellable);

  if (alerts == NULL)
    g_debug ("Loading the recent alerts failed: %s", error->message);
  else
    {
      show_recent (self, alerts);

      /* Announced under the database as the check reached it. */
      application = gtk_window_get_application (GTK_WINDOW (self));
      if (TG_IS_APPLICATION (application) && self->check != NULL && self->check->dbname != NULL)
        tg_application_announce_alerts (TG_APPLICATION (application), self->check->host,
                                        self->check->port, self->check->dbname, alerts);
    }

  if (self->alerts_pending)
    {
      self->alerts_pending = FALSE;
      _tg_window_alerts_reload (self);
    }
}

/**
 * _tg_window_alerts_reload:
 *
 * Reads the open alerts again; a load under way is followed by one more.
 */
void
_tg_window_alerts_reload (TgWindow *self)
{
  Load *load;

  if (self->connection == NULL)
    return;

  if (self->alerts_cancellable != NULL)
    {
      self->alerts_pending = TRUE;
      return;
    }

  self->alerts_cancellable = g_cancellable_new ();
  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (self->alerts_cancellable);

  tg_alert_list_async (self->connection, TG_ALERT_STATES_OPEN, NULL,
                       g_get_real_time () - ANNOUNCE_DAYS * G_TIME_SPAN_DAY, N_ANNOUNCED,
                       load->cancellable, on_loaded, load);
}

/* The session ends: no load goes on, and the sidebar forgets its alerts. */
void
_tg_window_alerts_stop (TgWindow *self)
{
  g_cancellable_cancel (self->alerts_cancellable);
  g_clear_object (&self->alerts_cancellable);
  self->alerts_pending = FALSE;

  if (self->recent_alerts != NULL)
    {
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      show_recent (self, none);
    }
}
