/* tg-test-ui.h — what the ui suite's tests share: waiting on the main loop, finding
 * widgets, reading what a window shows
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How long TG_TEST_ITERATE_UNTIL waits before it gives up with an error. */
#define TG_TEST_UI_GUARD_SECONDS 120

typedef struct
{
  gboolean expired;
  guint    guard_id;
  guint    wake_id;
} TgTestUiGuard;

void      tg_test_ui_guard_start          (TgTestUiGuard *guard);
void      tg_test_ui_guard_stop           (TgTestUiGuard *guard);

/* Runs the default main context until @condition holds. It wakes every 50 ms, since some
 * conditions (rows in the database, a process gone) are no main loop event, and gives up
 * with an error naming the condition after TG_TEST_UI_GUARD_SECONDS. Nothing measures time.
 */
#define TG_TEST_ITERATE_UNTIL(condition)                                                  \
  G_STMT_START                                                                            \
  {                                                                                       \
    TgTestUiGuard guard_;                                                                 \
                                                                                          \
    tg_test_ui_guard_start (&guard_);                                                     \
    gboolean held_ = FALSE;  /* condition read once a turn */                             \
    while (!(held_ = (condition)) && !guard_.expired)                                     \
      g_main_context_iteration (NULL, TRUE);                                              \
    tg_test_ui_guard_stop (&guard_);                                                      \
    if (!held_)                                                                           \
      g_error ("%s:%d: gave up after %d s waiting for: %s", __FILE__, __LINE__,           \
               TG_TEST_UI_GUARD_SECONDS, #condition);                                     \
  }                                                                                       \
  G_STMT_END

gboolean  tg_test_ui_require_display      (gboolean       have_display);
void      tg_test_ui_drain                (void);
gpointer  tg_test_ui_find_widget          (GtkWidget     *widget,
                                           GType          type);
char     *tg_test_ui_text                 (gpointer       widget,
                                           gboolean       mapped_only);
void      tg_test_ui_assert_text_contains (const char    *text,
                                           const char    *needle);
gboolean  tg_test_ui_shows                (gpointer       widget,
                                           const char    *needle);
void      tg_test_ui_maybe_save_png       (gpointer       window,
                                           const char    *name);

G_END_DECLS
