/* tg-fuzz.h — what the fuzz targets share
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each fuzz-NAME.c defines libFuzzer's two entry points. Built with -Dfuzzing=true they
 * are driven by libFuzzer (tools/fuzz); otherwise tg-fuzz-replay.c drives them over the
 * seed corpus in the unit suite, so that every target keeps building and every input
 * that ever broke one keeps being checked.
 */
int   LLVMFuzzerInitialize   (int           *argc,
                              char        ***argv);
int   LLVMFuzzerTestOneInput (const guint8  *data,
                              size_t         size);

void  tg_fuzz_init           (void);
char *tg_fuzz_dup_string     (const guint8  *data,
                              size_t         size);
gsize tg_fuzz_split          (const char    *text,
                              char           separator,
                              char        ***pieces);

G_END_DECLS
