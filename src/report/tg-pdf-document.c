/* tg-pdf-document.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An A4 PDF file being written: the base of Tollgate's finance reports. Callers draw
 * on the cairo_t in PDF points (1/72 inch, origin at the top left of the page), start
 * further pages with tg_pdf_document_new_page(), and end with tg_pdf_document_finish(),
 * which is where cairo reports whether the file was really written.
 */

#include "config.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "tg-pdf-document.h"

struct _TgPdfDocument
{
  GObject          parent_instance;

  /* owned */
  char            *filename;
  char            *title;
  char            *author;
  char            *creator;
  cairo_surface_t *surface;
  cairo_t         *cr;

  guint            n_pages;
  guint            finished : 1;
};

enum {
  PROP_0,
  PROP_FILENAME,
  PROP_TITLE,
  PROP_AUTHOR,
  PROP_CREATOR,
  PROP_N_PAGES,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgPdfDocument, tg_pdf_document, G_TYPE_OBJECT)
G_DEFINE_QUARK (tg-pdf-document-error-quark, tg_pdf_document_error)

static GParamSpec *properties[N_PROPS];

static void
tg_pdf_document_finalize (GObject *object)
{
  TgPdfDocument *self = (TgPdfDocument *)object;

  g_clear_pointer (&self->cr, cairo_destroy);
  /* Destroying an unfinished PDF surface still writes the file; that is what a caller
   * who forgot tg_pdf_document_finish() would expect.
   */
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->creator, g_free);

  G_OBJECT_CLASS (tg_pdf_document_parent_class)->finalize (object);
}

static void
tg_pdf_document_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TgPdfDocument *self = TG_PDF_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILENAME:
      g_value_set_string (value, self->filename);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;

    case PROP_CREATOR:
      g_value_set_string (value, self->creator);
      break;

    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_pdf_document_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TgPdfDocument *self = TG_PDF_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      tg_pdf_document_set_title (self, g_value_get_string (value));
      break;

    case PROP_AUTHOR:
      tg_pdf_document_set_author (self, g_value_get_string (value));
      break;

    case PROP_CREATOR:
      tg_pdf_document_set_creator (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_pdf_document_class_init (TgPdfDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tg_pdf_document_finalize;
  object_class->get_property = tg_pdf_document_get_property;
  object_class->set_property = tg_pdf_document_set_property;

  properties[PROP_FILENAME] =
    g_param_spec_string ("filename", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AUTHOR] =
    g_param_spec_string ("author", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATOR] =
    g_param_spec_string ("creator", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tg_pdf_document_init (TgPdfDocument *self)
{
  self->n_pages = 1;
}

static gboolean
set_error_from_status (GError         **error,
                       cairo_status_t   status,
                       const char      *filename)
{
  g_autofree char *display_name = NULL;

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  display_name = g_filename_display_name (filename);
  g_set_error (error, TG_PDF_DOCUMENT_ERROR,
               status == CAIRO_STATUS_WRITE_ERROR ? TG_PDF_DOCUMENT_ERROR_WRITE
                                                  : TG_PDF_DOCUMENT_ERROR_FAILED,
               "Could not write the PDF file “%s”: %s",
               display_name, cairo_status_to_string (status));
  return FALSE;
}

/**
 * tg_pdf_document_new:
 * @filename: (type filename): where to write the PDF
 *
 * Opens @filename for writing and starts the first A4 page. The creator is
 * "Tollgate VERSION" until changed.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL when the file cannot be
 *   created
 */
TgPdfDocument *
tg_pdf_document_new (const char  *filename,
                     GError     **error)
{
  g_autoptr(TgPdfDocument) self = NULL;
  cairo_surface_t *surface;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* cairo opens the file here and returns an error surface when it cannot. */
  surface = cairo_pdf_surface_create (filename, TG_PDF_A4_WIDTH, TG_PDF_A4_HEIGHT);
  if (!set_error_from_status (error, cairo_surface_status (surface), filename))
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  self = g_object_new (TG_TYPE_PDF_DOCUMENT, NULL);
  self->filename = g_strdup (filename);
  self->surface = surface;
  self->cr = cairo_create (surface);

  tg_pdf_document_set_creator (self, "Tollgate " PACKAGE_VERSION);

  return g_steal_pointer (&self);
}

const char *
tg_pdf_document_get_filename (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  return self->filename;
}

static void
set_metadata (TgPdfDocument      *self,
              char              **field,
              const char         *value,
              cairo_pdf_metadata_t key,
              GParamSpec         *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);

  /* Metadata goes into the document information dictionary, written at the end. */
  if (self->surface != NULL && !self->finished)
    cairo_pdf_surface_set_metadata (self->surface, key, value != NULL ? value : "");

  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

const char *
tg_pdf_document_get_title (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  return self->title;
}

void
tg_pdf_document_set_title (TgPdfDocument *self,
                           const char    *title)
{
  g_return_if_fail (TG_IS_PDF_DOCUMENT (self));

  set_metadata (self, &self->title, title, CAIRO_PDF_METADATA_TITLE, properties[PROP_TITLE]);
}

const char *
tg_pdf_document_get_author (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  return self->author;
}

void
tg_pdf_document_set_author (TgPdfDocument *self,
                            const char    *author)
{
  g_return_if_fail (TG_IS_PDF_DOCUMENT (self));

  set_metadata (self, &self->author, author, CAIRO_PDF_METADATA_AUTHOR,
                properties[PROP_AUTHOR]);
}

const char *
tg_pdf_document_get_creator (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  return self->creator;
}

void
tg_pdf_document_set_creator (TgPdfDocument *self,
                             const char    *creator)
{
  g_return_if_fail (TG_IS_PDF_DOCUMENT (self));

  set_metadata (self, &self->creator, creator, CAIRO_PDF_METADATA_CREATOR,
                properties[PROP_CREATOR]);
}

/* Page width in PDF points. */
double
tg_pdf_document_get_width (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), 0.0);

  return TG_PDF_A4_WIDTH;
}

/* Page height in PDF points. */
double
tg_pdf_document_get_height (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), 0.0);

  return TG_PDF_A4_HEIGHT;
}

/* The number of pages started so far, the current one included. */
guint
tg_pdf_document_get_n_pages (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), 0);

  return self->n_pages;
}

/**
 * tg_pdf_document_get_cairo:
 *
 * Returns: (transfer none): the drawing context of the current page, in points with
 *   the origin at the top left. It stays valid until the document is finalized.
 */
cairo_t *
tg_pdf_document_get_cairo (TgPdfDocument *self)
{
  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  return self->cr;
}

/**
 * tg_pdf_document_create_layout:
 *
 * Returns: (transfer full): a Pango layout for the document's cairo context whose font
 *   sizes are in points (Pango's cairo default would assume 96 dpi and shrink them)
 */
PangoLayout *
tg_pdf_document_create_layout (TgPdfDocument *self)
{
  PangoLayout *layout;

  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), NULL);

  layout = pango_cairo_create_layout (self->cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72.0);
  pango_layout_context_changed (layout);

  return layout;
}

/**
 * tg_pdf_document_new_page:
 *
 * Ends the current page and starts the next. The cairo state (source, font, transform)
 * carries over; the path does not.
 */
void
tg_pdf_document_new_page (TgPdfDocument *self)
{
  g_return_if_fail (TG_IS_PDF_DOCUMENT (self));
  g_return_if_fail (!self->finished);

  cairo_show_page (self->cr);
  self->n_pages++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
}

/**
 * tg_pdf_document_finish:
 *
 * Ends the last page and writes the rest of the file. Drawing errors and write errors
 * (a full disk, a vanished directory) surface here.
 *
 * Returns: %TRUE when the whole file was written
 */
gboolean
tg_pdf_document_finish (TgPdfDocument  *self,
                        GError        **error)
{
  cairo_status_t status;

  g_return_val_if_fail (TG_IS_PDF_DOCUMENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->finished)
    {
      g_set_error_literal (error, TG_PDF_DOCUMENT_ERROR, TG_PDF_DOCUMENT_ERROR_FINISHED,
                           "The PDF document is already finished");
      return FALSE;
    }

  self->finished = TRUE;

  /* A failed drawing operation puts the context, not the surface, in an error state. */
  status = cairo_status (self->cr);
  cairo_surface_finish (self->surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (self->surface);

  return set_error_from_status (error, status, self->filename);
}
