/* test-pdf-document.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tg-pdf-document.h"
#include "tg-test-programs.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tollgate-pdf-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "report.pdf", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unlink (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
draw_text (TgPdfDocument *document,
           double         y,
           const char    *markup)
{
  g_autoptr(PangoLayout) layout = tg_pdf_document_create_layout (document);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 12");
  cairo_t *cr = tg_pdf_document_get_cairo (document);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int)((tg_pdf_document_get_width (document) - 144) * PANGO_SCALE));
  pango_layout_set_markup (layout, markup, -1);

  cairo_move_to (cr, 72, y);
  pango_cairo_show_layout (cr, layout);
}

/* Runs pdfinfo on @path and returns its output, or %NULL when it is not installed (the
 * test is then failed inside tools/with-services, skipped outside).
 */
static char *
run_pdfinfo (const char *path)
{
  g_autofree char *pdfinfo = tg_test_find_program ("pdfinfo", "poppler-utils");
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  const char *argv[] = { NULL, NULL, NULL };

  if (pdfinfo == NULL)
    return NULL;

  argv[0] = pdfinfo;
  argv[1] = path;
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  return out;
}

static gboolean
info_has_line (const char *info,
               const char *key,
               const char *value)
{
  g_auto(GStrv) lines = g_strsplit (info, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *prefix = g_strconcat (key, ":", NULL);

      if (g_str_has_prefix (lines[i], prefix))
        return g_strcmp0 (g_strstrip (lines[i] + strlen (prefix)), value) == 0;
    }

  return FALSE;
}

static void
test_two_pages (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TgPdfDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *info = NULL;
  gsize length = 0;
  cairo_t *cr;

  document = tg_pdf_document_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);

  tg_pdf_document_set_title (document, "API spend — January 2026");
  tg_pdf_document_set_author (document, "Finance");
  g_assert_cmpstr (tg_pdf_document_get_title (document), ==, "API spend — January 2026");
  g_assert_cmpstr (tg_pdf_document_get_creator (document), ==, "Tollgate " PACKAGE_VERSION);
  g_assert_cmpuint (tg_pdf_document_get_n_pages (document), ==, 1);
  g_assert_cmpfloat_with_epsilon (tg_pdf_document_get_width (document), 595.2756, 0.001);
  g_assert_cmpfloat_with_epsilon (tg_pdf_document_get_height (document), 841.8898, 0.001);

  cr = tg_pdf_document_get_cairo (document);
  g_assert_nonnull (cr);
  cairo_set_source_rgb (cr, 0.2, 0.5, 0.9);
  cairo_rectangle (cr, 72, 72, 200, 20);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_text (document, 120, "<b>Usage overview</b>\nGeoscape: 1 204 calls, AUD 12.04");

  tg_pdf_document_new_page (document);
  g_assert_cmpuint (tg_pdf_document_get_n_pages (document), ==, 2);
  draw_text (document, 72, "Page two: OpenAI, 3 400 000 tokens, USD 5.10");

  g_assert_true (tg_pdf_document_finish (document, &error));
  g_assert_no_error (error);

  /* A second finish is a programming slip the caller hears about, not a crash. */
  g_assert_false (tg_pdf_document_finish (document, &error));
  g_assert_error (error, TG_PDF_DOCUMENT_ERROR, TG_PDF_DOCUMENT_ERROR_FINISHED);
  g_clear_error (&error);

  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 5);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);

  info = run_pdfinfo (fixture->path);
  if (info == NULL)
    return;
  g_assert_true (info_has_line (info, "Pages", "2"));
  g_assert_true (info_has_line (info, "Title", "API spend — January 2026"));
  g_assert_true (info_has_line (info, "Author", "Finance"));
  g_assert_true (info_has_line (info, "Creator", "Tollgate " PACKAGE_VERSION));
}

static void
test_unwritable (void)
{
  g_autoptr(TgPdfDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  document = tg_pdf_document_new ("/nonexistent-tollgate-dir/report.pdf", &error);
  g_assert_null (document);
  g_assert_error (error, TG_PDF_DOCUMENT_ERROR, TG_PDF_DOCUMENT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "report.pdf"));
}

static void
test_finalize (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TgPdfDocument *document;

  document = tg_pdf_document_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (document);

  /* Dropping an unfinished document still leaves a complete file behind. */
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tollgate/unit/pdf-document/two-pages", Fixture, NULL,
              fixture_set_up, test_two_pages, fixture_tear_down);
  g_test_add_func ("/tollgate/unit/pdf-document/unwritable", test_unwritable);
  g_test_add ("/tollgate/unit/pdf-document/finalize", Fixture, NULL,
              fixture_set_up, test_finalize, fixture_tear_down);

  return g_test_run ();
}
