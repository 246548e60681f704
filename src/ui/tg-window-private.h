/* tg-window-private.h — the window's struct, shared by its files
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tg-alerts-page.h"
#include "tg-analytics-page.h"
#include "tg-banner.h"
#include "tg-budgets-page.h"
#include "tg-demo.h"
#include "tg-month-summary.h"
#include "tg-overview-page.h"
#include "tg-secret-store.h"
#include "tg-welcome-page.h"
#include "tg-window.h"
#include "tg-worker.h"

G_BEGIN_DECLS

/* tg-window.c: the object, its properties and state
 * tg-window-connect.c: the database check, the problem and welcome pages, remembering
 * tg-window-demo.c: "Try the Demo"
 * tg-window-session.c: the UI thread's TgDbConnection, the worker, what the header shows
 * tg-window-alerts.c: the sidebar's recent alerts, and handing new ones to the application
 * tg-window-actions.c: actions, shortcuts and who may use what
 * tg-window-screenshot.c: the window as a PNG
 */
struct _TgWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  TgWelcomePage        *welcome_page;
  AdwStatusPage        *connecting_page;
  AdwStatusPage        *problem_page;
  GtkLabel             *problem_details;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  TgMonthSummary       *month_summary;
  TgBanner             *banner;
  AdwFlap              *flap;
  AdwViewStack         *view_stack;
  TgOverviewPage       *overview_page;
  TgAnalyticsPage      *analytics_page;
  TgBudgetsPage        *budgets_page;
  TgAlertsPage         *alerts_page;
  AdwViewStackPage     *alerts_stack_page;
  GtkListBox           *recent_alerts;
  GtkWidget            *alerts_empty;
  GtkLabel             *footer_status_label;
  GtkLabel             *footer_user_label;
  GtkLabel             *footer_database_label;
  GtkWidget            *export_button;

  /* owned */
  GSettings            *settings;
  TgSecretStore        *secret_store;
  GCancellable         *cancellable;          /* the check, keyring look-ups: one database */
  GCancellable         *load_cancellable;     /* the latest load of roles, settings, summary */
  GCancellable         *setting_cancellable;  /* saves of shared settings, per session */
  GCancellable         *demo_cancellable;     /* the demo's check, then its start */
  TgDemo               *demo;                 /* the demo this window started */
  TgDatabaseCheck      *check;
  TgDbConnection       *connection;
  TgWorker             *worker;               /* LISTEN and the rollup refresher */
  GCancellable         *export_cancellable;
  GCancellable         *alerts_cancellable;   /* the latest load of recent alerts */
  char                 *conninfo;             /* may hold a password: never shown */
  char                 *password;             /* to file in the keyring once it worked */
  char                 *session_user;
  char                 *billing_timezone;
  char                 *reporting_currency;
  GTimeZone            *billing_zone;         /* kept: making one reads the zoneinfo file */
  char                 *demo_blocker;
  GDateTime            *updated_at;
  GTask                *screenshot_task;

  /* borrowed */
  GtkWindow            *preferences;          /* weak pointer */
  GdkFrameClock        *screenshot_clock;
  gulong                screenshot_paint_id;
  gulong                demo_status_id;

  guint                 refresh_source_id;
  guint                 retry_source_id;

  TgDatabaseState       state;
  TgRoleSet             roles;
  guint                 autoconnect : 1;
  guint                 sidebar_visible : 1;
  guint                 demo_checked : 1;
  guint                 demo_starting : 1;
  guint                 remember : 1;         /* remember the connection once it worked */
  guint                 from_welcome : 1;     /* a failure returns to the welcome form */
  guint                 loading : 1;
  guint                 reload_pending : 1;
  guint                 summary_answered : 1; /* the first summary query came back */
  guint                 lost : 1;             /* the session dropped since its last load */
  guint                 ready : 1;
  guint                 alerts_pending : 1;   /* another load of recent alerts to follow */
};

/* tg-window.c */
gboolean  _tg_window_analytics_shown      (TgWindow   *self);
gboolean  _tg_window_page_shown           (TgWindow   *self,
                                           GtkWidget  *page);
GWeakRef *_tg_window_weak_ref_new         (TgWindow   *self);
void      _tg_window_clear_password       (char      **password);
void      _tg_window_replace_cancellable  (GCancellable **cancellable);
void      _tg_window_set_state            (TgWindow   *self,
                                           TgDatabaseState state);
void      _tg_window_set_conninfo         (TgWindow   *self,
                                           const char *conninfo);
void      _tg_window_notify_database_check (TgWindow  *self);
TgWindow *_tg_window_weak_ref_steal       (GWeakRef   *ref);
void      _tg_window_update_ready         (TgWindow   *self);
void      _tg_window_show_toast           (TgWindow   *self,
                                           const char *title);
void      _tg_window_set_roles            (TgWindow   *self,
                                           TgRoleSet   roles,
                                           const char *session_user);
void      _tg_window_set_settings         (TgWindow   *self,
                                           const char *billing_timezone,
                                           const char *reporting_currency);

/* tg-window-alerts.c */
void      _tg_window_alerts_reload        (TgWindow   *self);
void      _tg_window_alerts_stop          (TgWindow   *self);

/* tg-window-demo.c */
void      _tg_window_cancel_demo          (TgWindow   *self);

/* tg-window-screenshot.c */
void      _tg_window_cancel_screenshot    (TgWindow   *self);
void      _tg_window_maybe_take_screenshot (TgWindow  *self);

/* tg-window-session.c */
void      _tg_window_session_start        (TgWindow   *self);
void      _tg_window_session_stop         (TgWindow   *self);
void      _tg_window_session_reload       (TgWindow   *self,
                                           gboolean    user_initiated);
void      _tg_window_session_save_setting (TgWindow   *self,
                                           const char *key,
                                           const char *value);

/* tg-window-actions.c */
void      _tg_window_actions_class_init   (GtkWidgetClass *widget_class);
void      _tg_window_actions_init         (TgWindow   *self);
void      _tg_window_update_actions       (TgWindow   *self);
void      _tg_window_set_demo_blocker     (TgWindow   *self,
                                           const char *reason);
TgRoleSet _tg_window_action_requirement   (const char *action_name);

G_END_DECLS
