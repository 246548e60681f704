/* tg-stale.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-stale.h"

/* Figures kept on screen while the database is away: @figures recede (the "stale" style
 * class), @tag shows, its tooltip saying from when they are. */
void
_tg_show_stale (GtkLabel  *tag,
                GtkWidget *figures,
                gboolean   stale,
                GDateTime *updated_at)
{
  gtk_widget_set_visible (GTK_WIDGET (tag), stale);
  if (stale)
    gtk_widget_add_css_class (figures, "stale");
  else
    gtk_widget_remove_css_class (figures, "stale");

  if (stale && updated_at != NULL)
    {
      g_autofree char *time = g_date_time_format (updated_at, "%H:%M");
      g_autofree char *tooltip = NULL;

      /* TRANSLATORS: %s is a time of day */
      tooltip = g_strdup_printf (_("These figures are from %s. Tollgate lost the connection "
                                   "to the database and updates them when it is back."),
                                 time);
      gtk_widget_set_tooltip_text (GTK_WIDGET (tag), tooltip);
    }
}
