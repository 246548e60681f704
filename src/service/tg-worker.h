/* tg-worker.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the worker is to the rollup refresher of the database. */
typedef enum
{
  TG_WORKER_ROLE_UNKNOWN,    /* not asked yet, or the connection is down */
  TG_WORKER_ROLE_REFRESHER,  /* holds the refresher lock: this Tollgate refreshes */
  TG_WORKER_ROLE_STANDBY,    /* another client holds it */
  TG_WORKER_ROLE_DENIED,     /* the session user may not refresh */
} TgWorkerRole;

#define TG_TYPE_WORKER_ROLE (tg_worker_role_get_type ())
#define TG_TYPE_WORKER      (tg_worker_get_type ())

GType tg_worker_role_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (TgWorker, tg_worker, TG, WORKER, GObject)

TgWorker     *tg_worker_new                     (const char *conninfo);
void          tg_worker_start                   (TgWorker   *self);
void          tg_worker_stop                    (TgWorker   *self);
gboolean      tg_worker_get_running             (TgWorker   *self);
TgWorkerRole  tg_worker_get_role                (TgWorker   *self);
gint64        tg_worker_get_last_id             (TgWorker   *self);
guint         tg_worker_get_refresh_interval_ms (TgWorker   *self);
void          tg_worker_set_refresh_interval_ms (TgWorker   *self,
                                                 guint       interval_ms);
guint         tg_worker_get_evaluate_interval_ms (TgWorker  *self);
void          tg_worker_set_evaluate_interval_ms (TgWorker  *self,
                                                 guint       interval_ms);
guint64       tg_worker_get_n_evaluations       (TgWorker   *self);

gboolean      tg_worker_stop_all                (guint       timeout_ms);

G_END_DECLS
