/* tg-pdf-document.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib-object.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* ISO 216 A4 in PDF points (1/72 inch): 210 mm × 297 mm. */
#define TG_PDF_A4_WIDTH  (210.0 / 25.4 * 72.0)
#define TG_PDF_A4_HEIGHT (297.0 / 25.4 * 72.0)

#define TG_PDF_DOCUMENT_ERROR (tg_pdf_document_error_quark ())

typedef enum
{
  TG_PDF_DOCUMENT_ERROR_FAILED,
  TG_PDF_DOCUMENT_ERROR_WRITE,
  TG_PDF_DOCUMENT_ERROR_FINISHED,
} TgPdfDocumentError;

#define TG_TYPE_PDF_DOCUMENT (tg_pdf_document_get_type ())

G_DECLARE_FINAL_TYPE (TgPdfDocument, tg_pdf_document, TG, PDF_DOCUMENT, GObject)

GQuark         tg_pdf_document_error_quark   (void);
TgPdfDocument *tg_pdf_document_new           (const char     *filename,
                                              GError        **error);
const char    *tg_pdf_document_get_filename  (TgPdfDocument  *self);
const char    *tg_pdf_document_get_title     (TgPdfDocument  *self);
void           tg_pdf_document_set_title     (TgPdfDocument  *self,
                                              const char     *title);
const char    *tg_pdf_document_get_author    (TgPdfDocument  *self);
void           tg_pdf_document_set_author    (TgPdfDocument  *self,
                                              const char     *author);
const char    *tg_pdf_document_get_creator   (TgPdfDocument  *self);
void           tg_pdf_document_set_creator   (TgPdfDocument  *self,
                                              const char     *creator);
double         tg_pdf_document_get_width     (TgPdfDocument  *self);
double         tg_pdf_document_get_height    (TgPdfDocument  *self);
guint          tg_pdf_document_get_n_pages   (TgPdfDocument  *self);
cairo_t       *tg_pdf_document_get_cairo     (TgPdfDocument  *self);
PangoLayout   *tg_pdf_document_create_layout (TgPdfDocument  *self);
void           tg_pdf_document_new_page      (TgPdfDocument  *self);
gboolean       tg_pdf_document_finish        (TgPdfDocument  *self,
                                              GError        **error);

G_END_DECLS
