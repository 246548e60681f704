/* tg-ctl-session.h — the connection of tollgatectl's long runners, kept across outages
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "tg-ctl-common.h"

G_BEGIN_DECLS

/* What one step of a long runner came to. */
typedef enum
{
  TG_CTL_STEP_AGAIN,   /* step again at the next tick */
  TG_CTL_STEP_DONE,    /* the work is finished */
  TG_CTL_STEP_FAILED,  /* the error says why: a lost connection is waited out, anything
                        * else ends the run */
} TgCtlStep;

typedef struct _TgCtlSession TgCtlSession;

typedef TgCtlStep (*TgCtlStepFunc) (TgCtlSession  *session,
                                    PGconn        *conn,
                                    gpointer       user_data,
                                    GError       **error);

TgCtlSession *tg_ctl_session_new              (TgCtlGlobals    *globals,
                                               PGconn          *conn);
void          tg_ctl_session_free             (TgCtlSession    *self);
gboolean      tg_ctl_session_run              (TgCtlSession    *self,
                                               guint            interval_ms,
                                               TgCtlStepFunc    step,
                                               gpointer         user_data,
                                               GError         **error);
PGconn       *tg_ctl_session_get_conn         (TgCtlSession    *self);
guint         tg_ctl_session_get_generation   (TgCtlSession    *self);
guint         tg_ctl_session_get_n_outages    (TgCtlSession    *self);
gboolean      tg_ctl_session_get_interrupted  (TgCtlSession    *self);
gboolean      tg_ctl_session_handle_lost      (TgCtlSession    *self);
gboolean      tg_ctl_session_try_reconnect    (TgCtlSession    *self,
                                               GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCtlSession, tg_ctl_session_free)

G_END_DECLS
