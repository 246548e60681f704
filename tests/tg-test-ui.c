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

static void
set_true (gpointer data)
{
  *(gboolean *)data = TRUE;
}

/* With TOLLGATE_SCREENSHOT_DIR set, saves @window (mapped) as NAME.png there once its
 * next frame is painted: pictures of windows that only tests open, to look at.
 */
void
tg_test_ui_maybe_save_png (gpointer    window,
                           const char *name)
{
  const char *dir = g_getenv ("TOLLGATE_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width;
  int height;

  if (dir == NULL || *dir == '\0')
    return;

  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  /* Past any crossfade or slide (a picture, not a check: no test waits on time). */
  {
    gboolean waited = FALSE;

    g_timeout_add_once (800, set_true, &waited);
    TG_TEST_ITERATE_UNTIL (waited);
  }

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("%s.png", name);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
