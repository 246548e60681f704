/* tg-test-programs.h — what every test program may share, whatever it links: whether
 * the services of tools/with-services are required, and the outside programs some tests
 * read their results with
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  tg_test_services_required (void);
char     *tg_test_find_program      (const char *program,
                                     const char *package);
char     *tg_test_pdf_text          (const char *path);

G_END_DECLS
