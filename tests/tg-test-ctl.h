/* tg-test-ctl.h — the real tollgatectl ($TOLLGATECTL) run from a test, in the background
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long tg_test_ctl_finish() waits for the program to end before it kills it and
 * fails: a guard against a hang, not a timing assertion.
 */
#define TG_TEST_CTL_GUARD_SECONDS 120

typedef struct _TgTestCtl TgTestCtl;

TgTestCtl *tg_test_ctl_start       (const char  *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;
TgTestCtl *tg_test_ctl_startv      (const char * const *args);
void       tg_test_ctl_signal      (TgTestCtl   *self,
                                    int          signum);
gboolean   tg_test_ctl_is_running  (TgTestCtl   *self);
char      *tg_test_ctl_peek_stderr (TgTestCtl   *self);
int        tg_test_ctl_finish      (TgTestCtl   *self,
                                    char       **out,
                                    char       **err);
void       tg_test_ctl_wait_for_stderr (TgTestCtl  *self,
                                    const char  *needle,
                                    guint        n_times);
guint      tg_test_count_lines_with (const char *text,
                                    const char  *needle);

G_END_DECLS
