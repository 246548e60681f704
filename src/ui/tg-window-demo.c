/* tg-window-demo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "Try the Demo" in the window: the demo's progress on the welcome page with a way to
 * cancel, and the connection to its database once it runs (TgDemo does the work).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-window-private.h"

static void
on_demo_status (TgWindow *self)
{
  tg_welcome_page_set_demo_status (self->welcome_page,
                                   self->demo_starting ? tg_demo_get_status (self->demo) : NULL);
}

static void
connect_demo (TgWindow *self)
{
  tg_window_connect (self, tg_demo_get_conninfo (self->demo), NULL);
  /* The demo's server runs only while this window lives: the next start must not go
   * looking for it.
   */
  self->remember = FALSE;
}

static void
on_demo_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TgWindow) self = _tg_window_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  gboolean started;

  started = tg_demo_start_finish (TG_DEMO (object), result, &error);
  if (self == NULL)
    return;

  self->demo_starting = FALSE;
  on_demo_status (self);
  _tg_window_update_actions (self);

  if (!started)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tg_window_show_toast (self, _("The demo was cancelled"));
      else
        {
          /* The whole message (the step and its program's last words) stays on the
           * page, where it can be read and copied; the toast only points at it.
           */
          tg_welcome_page_set_error (self->welcome_page, error->message);
          _tg_window_show_toast (self, _("The demo could not start"));
        }
      return;
    }

  connect_demo (self);
}

/**
 * tg_window_run_demo:
 * @demo: the application's demo
 *
 * Starts @demo, showing its progress on the welcome page with a way to cancel, and
 * connects to it once it runs.
 */
void
tg_window_run_demo (TgWindow *self,
                    TgDemo   *demo)
{
  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (TG_IS_DEMO (demo));

  if (self->demo_starting)
    return;

  if (self->demo != demo)
    {
      g_clear_signal_handler (&self->demo_status_id, self->demo);
      g_set_object (&self->demo, demo);
      self->demo_status_id = g_signal_connect_object (demo, "notify::status",
                                                      G_CALLBACK (on_demo_status), self,
                                                      G_CONNECT_SWAPPED);
    }

  if (tg_demo_get_running (demo))
    {
      connect_demo (self);
      return;
    }

  if (self->state != TG_DATABASE_STATE_NOT_CONFIGURED)
    tg_window_show_welcome (self);

  _tg_window_replace_cancellable (&self->demo_cancellable);
  self->demo_starting = TRUE;
  tg_welcome_page_set_error (self->welcome_page, NULL);
  on_demo_status (self);
  _tg_window_update_actions (self);

  tg_demo_start_async (demo, self->demo_cancellable, on_demo_started,
                       _tg_window_weak_ref_new (self));
}

/**
 * _tg_window_cancel_demo:
 *
 * Cancels the demo's start: the step under way ends and the server stops.
 */
void
_tg_window_cancel_demo (TgWindow *self)
{
  g_cancellable_cancel (self->demo_cancellable);
}

