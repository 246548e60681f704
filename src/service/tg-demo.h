/* tg-demo.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tg-demo-programs.h"

G_BEGIN_DECLS

#define TG_TYPE_DEMO (tg_demo_get_type ())

G_DECLARE_FINAL_TYPE (TgDemo, tg_demo, TG, DEMO, GObject)

TgDemo     *tg_demo_new                 (void);
const char *tg_demo_get_dir             (TgDemo               *self);
const char *tg_demo_get_conninfo        (TgDemo               *self);
const char *tg_demo_get_status          (TgDemo               *self);
gboolean    tg_demo_get_running         (TgDemo               *self);
GPid        tg_demo_get_simulator_pid   (TgDemo               *self);
void        tg_demo_start_async         (TgDemo               *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    tg_demo_start_finish        (TgDemo               *self,
                                         GAsyncResult         *result,
                                         GError              **error);
void        tg_demo_stop_async          (TgDemo               *self,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    tg_demo_stop_finish         (TgDemo               *self,
                                         GAsyncResult         *result,
                                         GError              **error);
void        tg_demo_stop                (TgDemo               *self);

G_END_DECLS
