/* tg-window.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tg-application.h"
#include "tg-database-check.h"
#include "tg-db-connection.h"
#include "tg-role-set.h"
#include "tg-worker.h"

G_BEGIN_DECLS

#define TG_TYPE_WINDOW (tg_window_get_type ())

G_DECLARE_FINAL_TYPE (TgWindow, tg_window, TG, WINDOW, AdwApplicationWindow)

TgWindow              *tg_window_new                    (TgApplication        *application,
                                                         const char           *conninfo);
TgWindow              *tg_window_new_welcome            (TgApplication        *application);
const char            *tg_window_get_conninfo           (TgWindow             *self);
void                   tg_window_set_conninfo           (TgWindow             *self,
                                                         const char           *conninfo);
void                   tg_window_connect                (TgWindow             *self,
                                                         const char           *conninfo,
                                                         const char           *password);
void                   tg_window_connect_remembered     (TgWindow             *self,
                                                         const char           *conninfo);
void                   tg_window_show_welcome           (TgWindow             *self);
void                   tg_window_run_demo               (TgWindow             *self,
                                                         TgDemo               *demo);
TgDatabaseState        tg_window_get_state              (TgWindow             *self);
gboolean               tg_window_get_ready              (TgWindow             *self);
const TgDatabaseCheck *tg_window_get_database_check     (TgWindow             *self);
TgDbConnection        *tg_window_get_connection         (TgWindow             *self);
TgWorker              *tg_window_get_worker             (TgWindow             *self);
TgRoleSet              tg_window_get_roles              (TgWindow             *self);
const char            *tg_window_get_session_user       (TgWindow             *self);
const char            *tg_window_get_billing_timezone   (TgWindow             *self);
const char            *tg_window_get_reporting_currency (TgWindow             *self);
void                   tg_window_reconnect              (TgWindow             *self);
gboolean               tg_window_show_page              (TgWindow             *self,
                                                         const char           *page);
void                   tg_window_add_toast              (TgWindow             *self,
                                                         AdwToast             *toast);
gboolean               tg_window_save_png               (TgWindow             *self,
                                                         GFile                *file,
                                                         GError              **error);
void                   tg_window_screenshot_async       (TgWindow             *self,
                                                         GFile                *file,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean               tg_window_screenshot_finish      (TgWindow             *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
