/* tg-toast.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "tg-toast.h"

/**
 * tg_toast_show:
 * @widget: a widget inside the window's toast overlay
 *
 * Shows @title as a toast of the overlay around @widget, for eight seconds; a widget
 * outside any overlay (a test's) logs it instead.
 */
void
tg_toast_show (GtkWidget  *widget,
               const char *title)
{
  GtkWidget *overlay;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (title != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_message ("%s", title);
      return;
    }

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}
