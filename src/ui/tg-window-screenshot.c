/* tg-window-screenshot.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window as a PNG: at once (tg_window_save_png()), or once it is ready and its
 * transitions have settled (tg_window_screenshot_async(), for --screenshot and
 * tools/demo --screenshot).
 */

#include "config.h"

#include "tg-application.h"
#include "tg-window-private.h"

void
_tg_window_cancel_screenshot (TgWindow *self)
{
  g_clear_signal_handler (&self->screenshot_paint_id, self->screenshot_clock);
  self->screenshot_clock = NULL;

  if (self->screenshot_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->screenshot_task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The window closed before its screenshot was taken");
    }
}

/**
 * tg_window_save_png:
 *
 * Renders the window as it is on screen now into a PNG. The window must be mapped.
 */
gboolean
tg_window_save_png (TgWindow  *self,
                    GFile     *file,
                    GError   **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (renderer == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The window is not on screen");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);

  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window drew nothing");
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = gdk_texture_save_to_png_bytes (texture);

  return g_file_replace_contents (file,
                                  g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}

static gboolean
take_screenshot_idle (gpointer user_data)
{
  TgWindow *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->screenshot_task);
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (task == NULL)
    return G_SOURCE_REMOVE;

  file = g_task_get_task_data (task);
  if (tg_window_save_png (self, file, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  return G_SOURCE_REMOVE;
}

static void
on_screenshot_after_paint (TgWindow      *self,
                           GdkFrameClock *frame_clock)
{
  g_clear_signal_handler (&self->screenshot_paint_id, self->screenshot_clock);
  self->screenshot_clock = NULL;

  /* tools/measure-launch reads this: from start to the first frame showing data. */
  if (self->state == TG_DATABASE_STATE_CONNECTED && g_getenv ("TOLLGATE_REPORT_LAUNCH") != NULL)
    g_printerr ("tollgate: first frame with data %.1f ms after start\n",
                (g_get_monotonic_time () - tg_application_get_started_at ()) / 1000.0);

  /* The frame with the result is on screen; render our copy outside the paint cycle. */
  g_idle_add_full (G_PRIORITY_DEFAULT, take_screenshot_idle,
                   g_object_ref (self), g_object_unref);
}

static void
on_screenshot_condition_changed (TgWindow *self)
{
  _tg_window_maybe_take_screenshot (self);
}

/* Once the window is ready (tg_window_get_ready()) and mapped, waits for the next
 * frame to be painted (so the new page is laid out) and then takes the screenshot.
 */
void
_tg_window_maybe_take_screenshot (TgWindow *self)
{
  GdkFrameClock *frame_clock;

  if (self->screenshot_task == NULL || self->screenshot_paint_id != 0)
    return;

  if (!self->ready || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* Not halfway through the crossfade from the spinner, the window's or the Overview's. */
  if (gtk_stack_get_transition_running (self->stack) ||
      tg_overview_page_get_transition_running (self->overview_page))
    return;

  /* The Analytics page, when shown: its figures in, not mid-load or mid-crossfade. */
  if (_tg_window_analytics_shown (self) &&
      (tg_analytics_page_get_loading (self->analytics_page) ||
       tg_analytics_page_get_transition_running (self->analytics_page)))
    return;

  /* The Budgets or Alerts page, when shown: not mid-load. */
  if ((_tg_window_page_shown (self, GTK_WIDGET (self->budgets_page)) &&
       tg_budgets_page_get_loading (self->budgets_page)) ||
      (_tg_window_page_shown (self, GTK_WIDGET (self->alerts_page)) &&
       tg_alerts_page_get_loading (self->alerts_page)))
    return;

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  g_return_if_fail (frame_clock != NULL);

  self->screenshot_clock = frame_clock;
  self->screenshot_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                       G_CALLBACK (on_screenshot_after_paint),
                                                       self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tg_window_screenshot_async:
 * @file: where to write the PNG
 *
 * Saves the window as a PNG once it is ready: the welcome page, a problem page, or
 * the dashboard with its first figures (or their error) shown.
 */
void
tg_window_screenshot_async (TgWindow            *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_window_screenshot_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  if (self->screenshot_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A screenshot is already pending");
      return;
    }

  self->screenshot_task = g_steal_pointer (&task);

  g_signal_connect_object (self, "map", G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->overview_page, "notify::transition-running",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::transition-running",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->analytics_page, "notify::transition-running",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->analytics_page, "notify::loading",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->budgets_page, "notify::loading",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->alerts_page, "notify::loading",
                           G_CALLBACK (on_screenshot_condition_changed), self,
                           G_CONNECT_SWAPPED);
  _tg_window_maybe_take_screenshot (self);
}

gboolean
tg_window_screenshot_finish (TgWindow      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TG_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
