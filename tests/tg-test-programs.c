/* tg-test-programs.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-test-programs.h"

/* Inside tools/with-services every service must be there: a missing one fails the
 * test. Outside (a plain `meson test` on a developer's machine) the test skips.
 */
gboolean
tg_test_services_required (void)
{
  return g_strcmp0 (g_getenv ("TOLLGATE_TEST_SERVICES"), "1") == 0;
}

/**
 * tg_test_find_program:
 * @program: a program a test needs to check its result, looked up in PATH
 * @package: the Debian package that installs it
 *
 * A check that cannot run has not passed. Inside tools/with-services (and so under
 * tools/test and CI, which install every package the tests need) a missing program
 * fails the test; outside, the test is marked skipped.
 *
 * Returns: (transfer full) (nullable): the program's path, or %NULL when it is missing
 *   (the test is then marked failed or skipped, and should not check what the program
 *   was for)
 */
char *
tg_test_find_program (const char *program,
                      const char *package)
{
  char *path = g_find_program_in_path (program);

  if (path != NULL)
    return path;

  if (tg_test_services_required ())
    g_test_fail_printf ("%s is not installed (Debian package %s), so this test cannot check "
                        "what it reads with it; inside tools/with-services that is a failure "
                        "(tools/install-deps installs it)", program, package);
  else
    g_test_skip_printf ("%s is not installed (Debian package %s): not checked", program,
                        package);

  return NULL;
}

/**
 * tg_test_pdf_text:
 * @path: a PDF file
 *
 * The text of the PDF as pdftotext reads it, in its layout (-layout), so that text
 * that belongs together stays on one line.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when pdftotext is missing
 *   (see tg_test_find_program())
 */
char *
tg_test_pdf_text (const char *path)
{
  g_autofree char *program = tg_test_find_program ("pdftotext", "poppler-utils");
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, "-layout", path, "-", NULL };
  char *out = NULL;
  int status = 0;

  if (program == NULL)
    return NULL;

  argv[0] = program;
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("Could not run %s: %s", program, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("pdftotext %s failed: %s\n%s", path, error->message, err);

  return out;
}
