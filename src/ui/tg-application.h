/* tg-application.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TG_TYPE_APPLICATION (tg_application_get_type ())

G_DECLARE_FINAL_TYPE (TgApplication, tg_application, TG, APPLICATION, AdwApplication)

typedef struct _TgWindow TgWindow;
typedef struct _TgDemo TgDemo;

TgApplication *tg_application_new                 (void);
gint64         tg_application_get_started_at      (void);
GSettings     *tg_application_get_settings        (TgApplication        *self);
TgWindow      *tg_application_open_window         (TgApplication        *self,
                                                   const char           *conninfo);
TgWindow      *tg_application_open_default_window (TgApplication        *self);
char          *tg_application_dup_debug_info      (TgApplication        *self,
                                                   TgWindow             *window);
int            tg_application_get_exit_status     (TgApplication        *self);
void           tg_application_check_demo_async    (TgApplication        *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean       tg_application_check_demo_finish   (TgApplication        *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           tg_application_start_demo          (TgApplication        *self,
                                                   TgWindow             *window);
TgDemo        *tg_application_get_demo            (TgApplication        *self);
void           tg_application_announce_alerts     (TgApplication        *self,
                                                   const char           *host,
                                                   const char           *port,
                                                   const char           *dbname,
                                                   GPtrArray            *alerts);
guint          tg_application_get_n_notifications (TgApplication        *self);
gboolean       tg_application_get_announcing      (TgApplication        *self);

G_END_DECLS
