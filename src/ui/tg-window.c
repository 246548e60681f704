/* tg-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window. It first looks at a database on a worker thread (TgDatabaseCheck:
 * can it connect, does the schema fit this Tollgate) and says what is wrong if
 * anything is (tg-window-connect.c); then it opens the UI thread's TgDbConnection
 * (tg-window-session.c) and shows the dashboard: the header with the month's summary,
 * the sidebar, the view stack of pages and the footer. On first run it shows the
 * welcome page instead. This file holds the object: its properties, its state and
 * what every part shares; tg-window-private.h lists the parts.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-application.h"
#include "tg-window-private.h"

enum {
  PROP_0,
  PROP_CONNINFO,
  PROP_AUTOCONNECT,
  PROP_STATE,
  PROP_READY,
  PROP_DATABASE_CHECK,
  PROP_CONNECTION,
  PROP_ROLES,
  PROP_SESSION_USER,
  PROP_BILLING_TIMEZONE,
  PROP_REPORTING_CURRENCY,
  PROP_SIDEBAR_VISIBLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgWindow, tg_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

/* Overwrites a password before freeing it: it should not linger in freed memory. */
void
_tg_window_clear_password (char **password)
{
  if (*password != NULL)
    {
      memset (*password, 0, strlen (*password));
      g_clear_pointer (password, g_free);
    }
}

void
_tg_window_replace_cancellable (GCancellable **cancellable)
{
  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

/* Asynchronous calls hold the window weakly, so that closing it is not delayed by a
 * query or a keyring call in flight: its dispose cancels them, and their callbacks
 * find no window.
 */
GWeakRef *
_tg_window_weak_ref_new (TgWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* Returns: (transfer full) (nullable): the window, if it still lives; frees @ref */
TgWindow *
_tg_window_weak_ref_steal (GWeakRef *ref)
{
  TgWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);

  return self;
}

void
_tg_window_show_toast (TgWindow   *self,
                       const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 8);
  tg_window_add_toast (self, toast);
}

void
_tg_window_set_state (TgWindow        *self,
                      TgDatabaseState  state)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  _tg_window_update_actions (self);
  _tg_window_update_ready (self);
}

gboolean
_tg_window_page_shown (TgWindow  *self,
                       GtkWidget *page)
{
  return adw_view_stack_get_visible_child (self->view_stack) == page;
}

gboolean
_tg_window_analytics_shown (TgWindow *self)
{
  return _tg_window_page_shown (self, GTK_WIDGET (self->analytics_page));
}

/* Ready: what the window shows is settled — the welcome page, a problem, or the
 * dashboard once the first summary query and the Overview's first load (its cards and
 * the newest calls of its feed) have answered, with figures or an error. --screenshot
 * waits for this.
 */
void
_tg_window_update_ready (TgWindow *self)
{
  gboolean ready;

  switch (self->state)
    {
    case TG_DATABASE_STATE_CONNECTING:
      ready = FALSE;
      break;

    case TG_DATABASE_STATE_CONNECTED:
      /* The header's figures, and the Overview's cards and newest calls; the Analytics,
       * Budgets or Alerts page's first figures when it is the one shown.
       */
      ready = self->summary_answered && tg_overview_page_get_ready (self->overview_page) &&
              (!_tg_window_analytics_shown (self) ||
               tg_analytics_page_get_ready (self->analytics_page)) &&
              (!_tg_window_page_shown (self, GTK_WIDGET (self->budgets_page)) ||
               tg_budgets_page_get_ready (self->budgets_page)) &&
              (!_tg_window_page_shown (self, GTK_WIDGET (self->alerts_page)) ||
               tg_alerts_page_get_ready (self->alerts_page));
      break;

    case TG_DATABASE_STATE_NOT_CONFIGURED:
    case TG_DATABASE_STATE_SCHEMA_BEHIND:
    case TG_DATABASE_STATE_SCHEMA_TOO_NEW:
    case TG_DATABASE_STATE_NO_SCHEMA:
    case TG_DATABASE_STATE_CANNOT_CONNECT:
    case TG_DATABASE_STATE_FAILED:
    default:
      ready = TRUE;
      break;
    }

  if (self->ready != ready)
    {
      self->ready = ready;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }

  _tg_window_maybe_take_screenshot (self);
}

void
_tg_window_set_roles (TgWindow   *self,
                      TgRoleSet   roles,
                      const char *session_user)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->roles != roles)
    {
      self->roles = roles;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
    }

  if (g_strcmp0 (self->session_user, session_user) != 0)
    {
      g_free (self->session_user);
      self->session_user = g_strdup (session_user);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_USER]);
    }

  _tg_window_update_actions (self);
  if (self->budgets_page != NULL)
    tg_budgets_page_set_roles (self->budgets_page, roles);
  if (self->alerts_page != NULL)
    tg_alerts_page_set_roles (self->alerts_page, roles);

  g_object_thaw_notify (G_OBJECT (self));
}

void
_tg_window_set_settings (TgWindow   *self,
                         const char *billing_timezone,
                         const char *reporting_currency)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->billing_timezone, billing_timezone) != 0)
    {
      g_free (self->billing_timezone);
      self->billing_timezone = g_strdup (billing_timezone);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BILLING_TIMEZONE]);
    }

  if (g_strcmp0 (self->reporting_currency, reporting_currency) != 0)
    {
      g_free (self->reporting_currency);
      self->reporting_currency = g_strdup (reporting_currency);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORTING_CURRENCY]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_welcome_connect (TgWindow   *self,
                    const char *conninfo,
                    const char *password)
{
  tg_window_connect (self, conninfo, password);
  self->from_welcome = TRUE;
}

void
_tg_window_set_conninfo (TgWindow   *self,
                         const char *conninfo)
{
  if (g_strcmp0 (self->conninfo, conninfo) == 0)
    return;

  _tg_window_clear_password (&self->conninfo);
  self->conninfo = g_strdup (conninfo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNINFO]);
}

void
_tg_window_notify_database_check (TgWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_CHECK]);
}

/* Window size */

static void
tg_window_load_size (TgWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
tg_window_save_size (TgWindow *self)
{
  gboolean maximized;
  int width;
  int height;

  if (self->settings == NULL)
    return;

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  /* The default size is the unmaximized size, so a maximized window keeps the size it
   * returns to.
   */
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
tg_window_close_request (GtkWindow *window)
{
  TgWindow *self = TG_WINDOW (window);

  tg_window_save_size (self);

  return GTK_WINDOW_CLASS (tg_window_parent_class)->close_request (window);
}

/* GtkWindow:application is not a construct property, so g_object_new() sets it after
 * constructed(): the settings arrive with it.
 */
static void
tg_window_notify_application (TgWindow   *self,
                              GParamSpec *pspec)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GSettings *settings = NULL;

  if (TG_IS_APPLICATION (application))
    settings = tg_application_get_settings (TG_APPLICATION (application));

  if (settings == NULL || settings == self->settings)
    return;

  g_set_object (&self->settings, settings);
  tg_window_load_size (self);
  tg_analytics_page_bind_settings (self->analytics_page, settings);
}

static void
tg_window_constructed (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  G_OBJECT_CLASS (tg_window_parent_class)->constructed (object);

  if (self->autoconnect)
    {
      /* A connection string given at construction (--db) is remembered once it
       * works, and the password it carries goes to the keyring.
       */
      g_autofree char *conninfo = g_strdup (self->conninfo);

      tg_window_connect (self, conninfo, NULL);
    }
  else
    _tg_window_set_state (self, TG_DATABASE_STATE_NOT_CONFIGURED);
}

static void
tg_window_dispose (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->demo_cancellable);
  _tg_window_session_stop (self);
  _tg_window_cancel_screenshot (self);

  if (self->preferences != NULL)
    gtk_window_destroy (self->preferences);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->demo_cancellable);
  g_clear_signal_handler (&self->demo_status_id, self->demo);
  g_clear_object (&self->demo);
  g_clear_object (&self->settings);
  g_clear_object (&self->secret_store);

  G_OBJECT_CLASS (tg_window_parent_class)->dispose (object);
}

static void
tg_window_finalize (GObject *object)
{
  TgWindow *self = TG_WINDOW (object);

  g_clear_pointer (&self->check, tg_database_check_free);
  _tg_window_clear_password (&self->conninfo);
  _tg_window_clear_password (&self->password);
  g_clear_pointer (&self->session_user, g_free);
  g_clear_pointer (&self->billing_timezone, g_free);
  g_clear_pointer (&self->reporting_currency, g_free);
  g_clear_pointer (&self->billing_zone, g_time_zone_unref);
  g_clear_pointer (&self->demo_blocker, g_free);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (tg_window_parent_class)->finalize (object);
}

static void
tg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TgWindow *self = TG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_value_set_string (value, self->conninfo);
      break;

    case PROP_AUTOCONNECT:
      g_value_set_boolean (value, self->autoconnect);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_DATABASE_CHECK:
      g_value_set_boxed (value, self->check);
      break;

    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_ROLES:
      g_value_set_flags (value, self->roles);
      break;

    case PROP_SESSION_USER:
      g_value_set_string (value, self->session_user);
      break;

    case PROP_BILLING_TIMEZONE:
      g_value_set_string (value, self->billing_timezone);
      break;

    case PROP_REPORTING_CURRENCY:
      g_value_set_string (value, self->reporting_currency);
      break;

    case PROP_SIDEBAR_VISIBLE:
      g_value_set_boolean (value, self->sidebar_visible);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TgWindow *self = TG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      /* At construction the connection starts in constructed(), once. */
      if (self->cancellable == NULL)
        self->conninfo = g_value_dup_string (value);
      else
        tg_window_set_conninfo (self, g_value_get_string (value));
      break;

    case PROP_AUTOCONNECT:
      self->autoconnect = g_value_get_boolean (value);
      break;

    case PROP_SIDEBAR_VISIBLE:
      if (self->sidebar_visible != g_value_get_boolean (value))
        {
          self->sidebar_visible = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_window_class_init (TgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tg_window_constructed;
  object_class->dispose = tg_window_dispose;
  object_class->finalize = tg_window_finalize;
  object_class->get_property = tg_window_get_property;
  object_class->set_property = tg_window_set_property;

  window_class->close_request = tg_window_close_request;

  /**
   * TgWindow:conninfo:
   *
   * The libpq connection string or URI of the database, or %NULL for libpq's
   * environment. It may hold a password, so it is never shown.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:autoconnect:
   *
   * Whether the window connects to #TgWindow:conninfo as soon as it is made; without,
   * it waits for tg_window_connect(), tg_window_connect_remembered() or
   * tg_window_show_welcome().
   */
  properties[PROP_AUTOCONNECT] =
    g_param_spec_boolean ("autoconnect", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TG_TYPE_DATABASE_STATE, TG_DATABASE_STATE_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:ready:
   *
   * Whether what the window shows is settled: the welcome page, a problem, or the
   * dashboard once the month's summary has been read (or failed to be).
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DATABASE_CHECK] =
    g_param_spec_boxed ("database-check", NULL, NULL,
                        TG_TYPE_DATABASE_CHECK,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:connection:
   *
   * The UI thread's connection to the database, once the check found it usable.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWindow:roles:
   *
   * The Tollgate roles the session user holds; actions that need another role are
   * disabled.
   */
  properties[PROP_ROLES] =
    g_param_spec_flags ("roles", NULL, NULL,
                        TG_TYPE_ROLE_SET, TG_ROLE_SET_NONE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION_USER] =
    g_param_spec_string ("session-user", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BILLING_TIMEZONE] =
    g_param_spec_string ("billing-timezone", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORTING_CURRENCY] =
    g_param_spec_string ("reporting-currency", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SIDEBAR_VISIBLE] =
    g_param_spec_boolean ("sidebar-visible", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_BANNER);
  g_type_ensure (TG_TYPE_MONTH_SUMMARY);
  g_type_ensure (TG_TYPE_OVERVIEW_PAGE);
  g_type_ensure (TG_TYPE_ANALYTICS_PAGE);
  g_type_ensure (TG_TYPE_BUDGETS_PAGE);
  g_type_ensure (TG_TYPE_ALERTS_PAGE);
  g_type_ensure (TG_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, problem_details);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, month_summary);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, analytics_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, budgets_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, alerts_stack_page);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, recent_alerts);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, alerts_empty);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, footer_database_label);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, footer_status_label);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, footer_user_label);
  gtk_widget_class_bind_template_child (widget_class, TgWindow, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_connect);

  _tg_window_actions_class_init (widget_class);
}

/* The header shows the month as the Overview's cards add up: one snapshot, so that the
 * header's total and the chart's agree to the cent while calls keep arriving. */
static void
on_overview_month_loaded (TgWindow *self)
{
  GTimeZone *zone = NULL;
  const char *currency = NULL;
  TgUsageRow *total = tg_overview_page_get_month_total (self->overview_page, &zone, &currency);

  if (total != NULL)
    tg_month_summary_set_usage (self->month_summary, total, currency, zone);
}

static void
tg_window_init (TgWindow *self)
{
  self->autoconnect = TRUE;
  self->sidebar_visible = TRUE;
  self->state = TG_DATABASE_STATE_CONNECTING;
  self->secret_store = tg_secret_store_new ();
  self->demo_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self, "sidebar-visible", self->flap, "reveal-flap",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_signal_connect (self, "notify::application",
                    G_CALLBACK (tg_window_notify_application), NULL);
  g_signal_connect_object (self->overview_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->overview_page, "month-loaded",
                           G_CALLBACK (on_overview_month_loaded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (_tg_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->analytics_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->analytics_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->budgets_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->alerts_page, "notify::ready",
                           G_CALLBACK (_tg_window_update_ready), self, G_CONNECT_SWAPPED);

  _tg_window_actions_init (self);
}

/**
 * tg_window_show_page:
 * @page: "overview", "analytics", "analytics:SECTION" (trends, allocation,
 *   performance, regions), "budgets" or "alerts"
 *
 * Shows a page of the dashboard (--page, for screenshots).
 *
 * Returns: whether there is such a page
 */
gboolean
tg_window_show_page (TgWindow   *self,
                     const char *page)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);

  parts = g_strsplit (page, ":", 2);
  if (adw_view_stack_get_child_by_name (self->view_stack, parts[0]) == NULL)
    return FALSE;

  if (parts[1] != NULL)
    {
      g_autofree char *section = NULL;

      if (!g_str_equal (parts[0], "analytics"))
        return FALSE;
      g_object_set (self->analytics_page, "section", parts[1], NULL);
      g_object_get (self->analytics_page, "section", &section, NULL);
      if (g_strcmp0 (section, parts[1]) != 0)
        return FALSE;
    }

  adw_view_stack_set_visible_child_name (self->view_stack, parts[0]);
  return TRUE;
}

/**
 * tg_window_new:
 * @application: (nullable): the application
 * @conninfo: (nullable): a libpq connection string or URI; %NULL uses libpq's
 *   environment
 *
 * Creates a window and starts connecting at once. A @conninfo that works is
 * remembered for the next start.
 */
TgWindow *
tg_window_new (TgApplication *application,
               const char    *conninfo)
{
  g_return_val_if_fail (application == NULL || TG_IS_APPLICATION (application), NULL);

  return g_object_new (TG_TYPE_WINDOW,
                       "application", application,
                       "conninfo", conninfo,
                       NULL);
}

/**
 * tg_window_new_welcome:
 *
 * Creates a window that shows the welcome page: no database is chosen yet.
 */
TgWindow *
tg_window_new_welcome (TgApplication *application)
{
  TgWindow *self;

  g_return_val_if_fail (application == NULL || TG_IS_APPLICATION (application), NULL);

  self = g_object_new (TG_TYPE_WINDOW,
                       "application", application,
                       "autoconnect", FALSE,
                       NULL);
  tg_window_show_welcome (self);

  return self;
}

/* The connection string may hold a password: for tests, never for the screen. */
const char *
tg_window_get_conninfo (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->conninfo;
}

/* Points the window at another database and connects to it. */
void
tg_window_set_conninfo (TgWindow   *self,
                        const char *conninfo)
{
  g_return_if_fail (TG_IS_WINDOW (self));

  if (g_strcmp0 (self->conninfo, conninfo) == 0)
    return;

  tg_window_connect (self, conninfo, NULL);
}

TgDatabaseState
tg_window_get_state (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), TG_DATABASE_STATE_CONNECTING);

  return self->state;
}

gboolean
tg_window_get_ready (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);

  return self->ready;
}

/**
 * tg_window_get_database_check:
 *
 * Returns: (transfer none) (nullable): the facts of the last finished check, or %NULL
 *   while connecting
 */
const TgDatabaseCheck *
tg_window_get_database_check (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->check;
}

/**
 * tg_window_get_connection:
 *
 * Returns: (transfer none) (nullable): the UI thread's database connection
 */
TgDbConnection *
tg_window_get_connection (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->connection;
}

/**
 * tg_window_get_worker:
 *
 * Returns: (transfer none) (nullable): the session's worker: LISTEN, the rollup
 *   refresher, alert evaluation
 */
TgWorker *
tg_window_get_worker (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->worker;
}

TgRoleSet
tg_window_get_roles (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), TG_ROLE_SET_NONE);

  return self->roles;
}

const char *
tg_window_get_session_user (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->session_user;
}

const char *
tg_window_get_billing_timezone (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->billing_timezone;
}

const char *
tg_window_get_reporting_currency (TgWindow *self)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), NULL);

  return self->reporting_currency;
}

/**
 * tg_window_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in the Preferences window when that is open (it is modal, and covers
 * this one), else in this window.
 */
void
tg_window_add_toast (TgWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  if (ADW_IS_PREFERENCES_WINDOW (self->preferences))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self->preferences), toast);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

