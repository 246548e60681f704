/* tg-test-ui.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-test-db.h"
#include "tg-test-ui.h"

static gboolean
guard_expired_cb (gpointer data)
{
  TgTestUiGuard *guard = data;

  guard->expired = TRUE;
  guard->guard_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
tg_test_ui_guard_start (TgTestUiGuard *guard)
{
  guard->expired = FALSE;
  guard->guard_id = g_timeout_add_seconds (TG_TEST_UI_GUARD_SECONDS, guard_expired_cb, guard);
  guard->wake_id = g_timeout_add (50, wake_up_cb, NULL);
}

void
tg_test_ui_guard_stop (TgTestUiGuard *guard)
{
  g_clear_handle_id (&guard->guard_id, g_source_remove);
  g_clear_handle_id (&guard->wake_id, g_source_remove);
}

/* Whether the test can go on: a display is there; else a skip, or an error inside
 * tools/with-services, where a missing display is a broken setup. */
gboolean
tg_test_ui_require_display (gboolean have_display)
{
  if (have_display)
    return TRUE;

  if (tg_test_services_required ())
    g_error ("No display inside tools/with-services (is Xvfb running?)");

  g_test_skip ("No display");
  return FALSE;
}

/* Runs what is pending on the default main context. */
void
tg_test_ui_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The first widget of @type under @widget, itself included. */
gpointer
tg_test_ui_find_widget (GtkWidget *widget,
                        GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = tg_test_ui_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect_labels (GtkWidget *widget,
                gboolean   mapped_only,
                GString   *text)
{
  if (mapped_only ? !gtk_widget_get_mapped (widget) : !gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, mapped_only, text);
}

/* The text of the labels under @widget, one a line: those the user can see (mapped), or
 * all those shown, scrolled away or not. */
char *
tg_test_ui_text (gpointer widget,
                 gboolean mapped_only)
{
  GString *text = g_string_new (NULL);

  collect_labels (GTK_WIDGET (widget), mapped_only, text);
  return g_string_free (text, FALSE);
}

void
tg_test_ui_assert_text_contains (const char *text,
                                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is not among the labels:\n%s", needle, text);
}

/* Whether a label the user can see (mapped) under @widget holds @needle: for waits. */
gboolean
tg_test_ui_shows (gpointer    widget,
                  const char *needle)
{
  g_autofree char *text = tg_test_ui_text (widget, TRUE);

  return strstr (text, needle) != NULL;
}
