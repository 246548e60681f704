/* tg-window-actions.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's actions, their shortcuts, and the one place that enables them.
 *
 * Most are class actions (gtk_widget_class_install_action). Those that need a Tollgate
 * role are GSimpleActions in the window's own action map instead — the same "win."
 * names to every widget — because a second toplevel must follow them: the
 * Preferences window binds its rows' sensitivity and tooltips to their "enabled"
 * property, and tests ask g_action_group_get_action_enabled(). PostgreSQL's grants
 * enforce the rights; disabling only spares people an error they would get anyway.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-preferences-window.h"
#include "tg-window-private.h"

/* Ctrl+1 … Ctrl+5 show the pages of the view stack in order (Overview, Analytics,
 * Budgets, Alerts); a number without a page does nothing, so the shortcuts of pages that
 * arrive later start working with them.
 */
#define N_PAGE_SHORTCUTS 5

typedef struct
{
  const char *name;
  TgRoleSet   needs;
} RoleGate;

static const RoleGate role_gates[] = {
  /* tollgate.settings is writable by tollgate_admin only (0004_roles.sql). */
  { "save-setting", TG_ROLE_SET_ADMIN },
  /* Exports are finance's (docs/architecture.md, "The database": finance exports); an
   * admin is a member of tollgate_finance.
   */
  { "export-overview", TG_ROLE_SET_FINANCE },
};

static void
save_setting_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TgWindow *self = user_data;
  const char *key;
  const char *value;

  g_assert (TG_IS_WINDOW (self));

  g_variant_get (parameter, "(&s&s)", &key, &value);
  _tg_window_session_save_setting (self, key, value);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (!tg_overview_page_export_pdf_finish (TG_OVERVIEW_PAGE (object), result, &error))
    {
      if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* TRANSLATORS: %s is the reason */
      title = g_strdup_printf (_("Could not export the Overview: %s"), error->message);
    }
  else if (self != NULL)
    title = g_strdup (_("Exported the Overview as a PDF report"));

  if (self != NULL)
    _tg_window_show_toast (self, title);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GFile) file = NULL;

  if (self != NULL && response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL)
    {
      if (self->export_cancellable == NULL)
        self->export_cancellable = g_cancellable_new ();

      tg_overview_page_export_pdf_async (self->overview_page, file, self->export_cancellable,
                                         on_exported, _tg_window_weak_ref_new (self));
    }

  g_object_unref (dialog);
}

/* Asks where, then lets the Overview write its PDF (and the audit log record it). */
static void
export_overview_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  TgWindow *self = user_data;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;
  const char *month;

  g_assert (TG_IS_WINDOW (self));

  month = tg_overview_page_get_month (self->overview_page);
  /* TRANSLATORS: the suggested file name of an exported Overview; %s is "2026-03" */
  name = g_strdup_printf (_("tollgate-overview-%s.pdf"), month != NULL ? month : "");

  dialog = gtk_file_chooser_native_new (_("Export Overview"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response),
                    _tg_window_weak_ref_new (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static const GActionEntry gated_entries[] = {
  { .name = "save-setting", .activate = save_setting_activated, .parameter_type = "(ss)" },
  { .name = "export-overview", .activate = export_overview_activated },
};

/* A widget that activates a gated action says what it does, or which role it needs. */
typedef struct
{
  const char *action;
  const char *tooltip;
} GatedTooltip;

static gboolean
enabled_to_tooltip (GBinding     *binding,
                    const GValue *from_value,
                    GValue       *to_value,
                    gpointer      user_data)
{
  const GatedTooltip *gated = user_data;

  if (g_value_get_boolean (from_value))
    g_value_set_string (to_value, _(gated->tooltip));
  else
    g_value_take_string (to_value,
                         tg_role_set_dup_requirement (_tg_window_action_requirement (gated->action)));

  return TRUE;
}

static const GatedTooltip export_tooltip = {
  "export-overview", N_("Save this month’s Overview as a PDF report"),
};

/**
 * _tg_window_action_requirement:
 * @action_name: the name of an action of the window's action map, without "win."
 *
 * Returns: the roles of which one is needed to use @action_name, or
 *   %TG_ROLE_SET_NONE when anyone may
 */
TgRoleSet
_tg_window_action_requirement (const char *action_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_gates); i++)
    if (g_strcmp0 (role_gates[i].name, action_name) == 0)
      return role_gates[i].needs;

  return TG_ROLE_SET_NONE;
}

static gboolean
is_problem (TgDatabaseState state)
{
  return state != TG_DATABASE_STATE_CONNECTING &&
         state != TG_DATABASE_STATE_CONNECTED &&
         state != TG_DATABASE_STATE_NOT_CONFIGURED;
}

/* The one place that enables and disables the window's actions. */
void
_tg_window_update_actions (TgWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean connected = self->state == TG_DATABASE_STATE_CONNECTED;

  /* While a check runs, its result is seconds away at most (connect_timeout). */
  gtk_widget_action_set_enabled (widget, "win.reconnect", is_problem (self->state));
  gtk_widget_action_set_enabled (widget, "win.refresh", connected || is_problem (self->state));
  gtk_widget_action_set_enabled (widget, "win.preferences", connected);
  gtk_widget_action_set_enabled (widget, "win.show-page-number", connected);
  gtk_widget_action_set_enabled (widget, "win.show-sidebar", connected);
  gtk_widget_action_set_enabled (widget, "win.show-alert", connected);
  gtk_widget_action_set_enabled (widget, "win.start-demo",
                                 self->demo_blocker == NULL && !self->demo_starting);
  gtk_widget_action_set_enabled (widget, "win.cancel-demo", self->demo_starting);
  gtk_widget_action_set_enabled (widget, "win.copy-table",
                                 connected &&
                                 adw_view_stack_get_visible_child (self->view_stack) ==
                                   GTK_WIDGET (self->analytics_page) &&
                                 tg_analytics_page_get_ready (self->analytics_page));

  for (guint i = 0; i < G_N_ELEMENTS (role_gates); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), role_gates[i].name);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                   connected && (self->roles & role_gates[i].needs) != 0);
    }
}

void
_tg_window_set_demo_blocker (TgWindow   *self,
                             const char *reason)
{
  g_free (self->demo_blocker);
  self->demo_blocker = g_strdup (reason);
  tg_welcome_page_set_demo_blocker (self->welcome_page, reason);
  _tg_window_update_actions (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);

  if (self->state != TG_DATABASE_STATE_CONNECTED)
    {
      tg_window_reconnect (self);
      return;
    }

  if (self->connection == NULL)
    return;

  /* While the connection is down, Refresh is the "retry now" of the banner. */
  switch (tg_db_connection_get_status (self->connection))
    {
    case TG_DB_CONNECTION_STATUS_RECONNECTING:
    case TG_DB_CONNECTION_STATUS_FAILED:
      tg_db_connection_reconnect_now (self->connection);
      break;

    case TG_DB_CONNECTION_STATUS_CONNECTED:
    case TG_DB_CONNECTION_STATUS_CONNECTING:
    case TG_DB_CONNECTION_STATUS_DISCONNECTED:
    default:
      _tg_window_session_reload (self, TRUE);
      tg_overview_page_refresh (self->overview_page);
      tg_analytics_page_refresh (self->analytics_page);
      tg_budgets_page_refresh (self->budgets_page);
      tg_alerts_page_refresh (self->alerts_page);
      _tg_window_alerts_reload (self);
      break;
    }
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  tg_window_reconnect (TG_WINDOW (widget));
}

static void
change_database_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  tg_window_show_welcome (TG_WINDOW (widget));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);

  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (tg_preferences_window_new (self));
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *)&self->preferences);
    }

  gtk_window_present (self->preferences);
}

static void
show_page_number_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  int wanted = g_variant_get_int32 (parameter);
  int number = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (!adw_view_stack_page_get_visible (page))
        continue;

      if (++number == wanted)
        {
          adw_view_stack_set_visible_child (self->view_stack,
                                            adw_view_stack_page_get_child (page));
          return;
        }
    }
}

/* Ctrl+Shift+C on the Analytics page: the table with the focus, else the section's first. */
static void
copy_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);

  if (!tg_analytics_page_copy_table (self->analytics_page, NULL))
    _tg_window_show_toast (self, _("There is no table to copy yet"));
}

/* A recent alert of the sidebar: the Alerts page, with it selected. */
static void
show_alert_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);

  adw_view_stack_set_visible_child (self->view_stack, GTK_WIDGET (self->alerts_page));
  tg_alerts_page_select_alert (self->alerts_page, g_variant_get_int64 (parameter));
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
start_demo_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TgWindow *self = TG_WINDOW (widget);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (TG_IS_APPLICATION (application))
    tg_application_start_demo (TG_APPLICATION (application), self);
}

static void
cancel_demo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  _tg_window_cancel_demo (TG_WINDOW (widget));
}

/* The view switcher bar appears in narrow windows, and only when there is more than
 * one page to switch between (AdwViewSwitcherTitle shows its title, not a switcher,
 * for a single page, and its title-visible alone would reveal a bar of one button).
 */
static void
update_switcher_bar (TgWindow *self)
{
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  guint n_visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      n_visible += adw_view_stack_page_get_visible (page);
    }

  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    n_visible > 1 &&
                                    adw_view_switcher_title_get_title_visible (self->switcher_title));
}

void
_tg_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.change-database", NULL,
                                   change_database_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-page-number", "i",
                                   show_page_number_action);
  gtk_widget_class_install_action (widget_class, "win.start-demo", NULL, start_demo_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-demo", NULL, cancel_demo_action);
  gtk_widget_class_install_action (widget_class, "win.copy-table", NULL, copy_table_action);
  gtk_widget_class_install_action (widget_class, "win.show-alert", "x", show_alert_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar",
                                            "sidebar-visible");

  /* Menus show the accelerator of the binding added last: Ctrl+R. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export-overview", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-table", NULL);

  for (int i = 1; i <= N_PAGE_SHORTCUTS; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, GDK_CONTROL_MASK,
                                         "win.show-page-number", "i", i);
}

void
_tg_window_actions_init (TgWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), gated_entries,
                                   G_N_ELEMENTS (gated_entries), self);

  /* An insensitive Export button names the role it needs (no tooltip without). */
  g_object_bind_property_full (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                           export_tooltip.action),
                               "enabled", self->export_button, "tooltip-text",
                               G_BINDING_SYNC_CREATE, enabled_to_tooltip, NULL,
                               (gpointer)&export_tooltip, NULL);

  /* The pages come from the template and do not change while the window lives. */
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (update_switcher_bar), self, G_CONNECT_SWAPPED);
  update_switcher_bar (self);

  _tg_window_update_actions (self);
}
