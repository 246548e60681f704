/* tg-summary-report.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The report copies everything it is given, so that it can be written on another thread
 * than the one that made it (the UI formats the figures, a GTask thread writes the file).
 * The chart is drawn by tg_bar_chart_draw(), the function the Overview's chart widget
 * draws with. Columns after the first are right-aligned: they hold figures.
 */

#include "config.h"

#include <pango/pangocairo.h>

#include "tg-pdf-document.h"
#include "tg-summary-report.h"

#define MARGIN        56.0   /* points: about 2 cm */
#define GAP           18.0
#define TABLE_FONT    "Sans 9"
#define ROW_PADDING    4.0

struct _TgSummaryReport
{
  gatomicrefcount  ref_count;

  char            *title;
  char            *subtitle;
  char            *chart_heading;
  GArray          *chart_items;   /* TgBarChartItem, pointing into chart_texts */
  GPtrArray       *chart_texts;
  char            *table_heading;
  GStrv            columns;
  GPtrArray       *rows;          /* GStrv */
  char            *footer;
};

G_DEFINE_BOXED_TYPE (TgSummaryReport, tg_summary_report, tg_summary_report_ref,
                     tg_summary_report_unref)

TgSummaryReport *
tg_summary_report_new (const char *title,
                       const char *subtitle)
{
  TgSummaryReport *self;

  g_return_val_if_fail (title != NULL, NULL);

  self = g_new0 (TgSummaryReport, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->chart_items = g_array_new (FALSE, TRUE, sizeof (TgBarChartItem));
  self->chart_texts = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  return self;
}

TgSummaryReport *
tg_summary_report_ref (TgSummaryReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tg_summary_report_unref (TgSummaryReport *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->title);
      g_free (self->subtitle);
      g_free (self->chart_heading);
      g_array_unref (self->chart_items);
      g_ptr_array_unref (self->chart_texts);
      g_free (self->table_heading);
      g_strfreev (self->columns);
      g_ptr_array_unref (self->rows);
      g_free (self->footer);
      g_free (self);
    }
}

static const char *
keep (TgSummaryReport *self,
      const char      *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  g_ptr_array_add (self->chart_texts, copy);
  return copy;
}

/**
 * tg_summary_report_set_chart:
 * @items: (array length=n_items): the bars, copied
 */
void
tg_summary_report_set_chart (TgSummaryReport      *self,
                             const char           *heading,
                             const TgBarChartItem *items,
                             guint                 n_items)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n_items == 0 || items != NULL);

  g_free (self->chart_heading);
  self->chart_heading = g_strdup (heading);
  g_array_set_size (self->chart_items, 0);
  g_ptr_array_set_size (self->chart_texts, 0);

  for (guint i = 0; i < n_items; i++)
    {
      TgBarChartItem item = items[i];

      item.label = keep (self, items[i].label);
      item.value_text = keep (self, items[i].value_text);
      g_array_append_val (self->chart_items, item);
    }
}

/**
 * tg_summary_report_set_table:
 * @columns: the column headings, %NULL-terminated
 */
void
tg_summary_report_set_table (TgSummaryReport    *self,
                             const char         *heading,
                             const char * const *columns)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (columns != NULL && columns[0] != NULL);

  g_free (self->table_heading);
  self->table_heading = g_strdup (heading);
  g_strfreev (self->columns);
  self->columns = g_strdupv ((char **)columns);
  g_ptr_array_set_size (self->rows, 0);
}

/**
 * tg_summary_report_add_row:
 * @cells: one text per column, %NULL-terminated; missing cells are empty
 */
void
tg_summary_report_add_row (TgSummaryReport    *self,
                           const char * const *cells)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->columns != NULL);
  g_return_if_fail (cells != NULL);

  g_ptr_array_add (self->rows, g_strdupv ((char **)cells));
}

void
tg_summary_report_set_footer (TgSummaryReport *self,
                              const char      *footer)
{
  g_return_if_fail (self != NULL);

  g_free (self->footer);
  self->footer = g_strdup (footer);
}

/* Shows @text at (@x, @y) in @width, returns its height. */
static double
show_text (TgPdfDocument  *document,
           const char     *font,
           const char     *text,
           double          x,
           double          y,
           double          width,
           PangoAlignment  alignment,
           double          alpha)
{
  g_autoptr(PangoLayout) layout = tg_pdf_document_create_layout (document);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  cairo_t *cr = tg_pdf_document_get_cairo (document);
  int height = 0;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, NULL, &height);

  cairo_set_source_rgba (cr, 0.14, 0.14, 0.14, alpha);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);

  return height;
}

static double
draw_table (TgSummaryReport *self,
            TgPdfDocument   *document,
            double           y,
            double           width)
{
  cairo_t *cr = tg_pdf_document_get_cairo (document);
  guint n_columns = g_strv_length (self->columns);
  double first_width = width * 0.3;
  double other_width = n_columns > 1 ? (width - first_width) / (n_columns - 1) : 0;
  double page_bottom = tg_pdf_document_get_height (document) - MARGIN;

  for (int r = -1; r < (int)self->rows->len; r++)
    {
      char **cells = r < 0 ? self->columns : g_ptr_array_index (self->rows, r);
      const char *font = r < 0 ? "Sans Bold 9" : TABLE_FONT;
      guint n_cells = g_strv_length (cells);
      double row_height = 0;
      double x = MARGIN;

      /* Measure first: a row that does not fit goes to the next page. */
      for (guint c = 0; c < n_columns; c++)
        {
          g_autoptr(PangoLayout) layout = tg_pdf_document_create_layout (document);
          g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
          int height = 0;

          pango_layout_set_font_description (layout, description);
          pango_layout_set_width (layout, (int)((c == 0 ? first_width : other_width) * PANGO_SCALE));
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
          pango_layout_set_text (layout, c < n_cells ? cells[c] : "", -1);
          pango_layout_get_pixel_size (layout, NULL, &height);
          row_height = MAX (row_height, height);
        }

      if (y + row_height + 2 * ROW_PADDING > page_bottom)
        {
          tg_pdf_document_new_page (document);
          y = MARGIN;
        }

      for (guint c = 0; c < n_columns; c++)
        {
          double column_width = c == 0 ? first_width : other_width;

          show_text (document, font, c < n_cells ? cells[c] : "", x, y + ROW_PADDING,
                     column_width - (c == 0 ? 6 : 0),
                     c == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT, 1.0);
          x += column_width;
        }

      y += row_height + 2 * ROW_PADDING;

      cairo_set_source_rgba (cr, 0.14, 0.14, 0.14, r < 0 ? 0.5 : 0.15);
      cairo_set_line_width (cr, r < 0 ? 0.8 : 0.4);
      cairo_move_to (cr, MARGIN, y);
      cairo_line_to (cr, MARGIN + width, y);
      cairo_stroke (cr);
    }

  return y;
}

/**
 * tg_summary_report_write:
 * @filename: (type filename): where to write the PDF
 *
 * Writes the report. Blocks on the disk: call it from a thread.
 */
gboolean
tg_summary_report_write (TgSummaryReport  *self,
                         const char       *filename,
                         GError          **error)
{
  g_autoptr(TgPdfDocument) document = NULL;
  TgBarChartStyle style;
  double width;
  double y = MARGIN;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);

  document = tg_pdf_document_new (filename, error);
  if (document == NULL)
    return FALSE;

  tg_pdf_document_set_title (document, self->title);
  width = tg_pdf_document_get_width (document) - 2 * MARGIN;

  y += show_text (document, "Sans Bold 18", self->title, MARGIN, y, width, PANGO_ALIGN_LEFT, 1.0);
  if (self->subtitle != NULL)
    y += 4 + show_text (document, "Sans 10", self->subtitle, MARGIN, y + 4, width,
                        PANGO_ALIGN_LEFT, 0.65);

  if (self->chart_items->len > 0)
    {
      cairo_t *cr = tg_pdf_document_get_cairo (document);
      double height;

      y += GAP;
      if (self->chart_heading != NULL)
        y += 6 + show_text (document, "Sans Bold 12", self->chart_heading, MARGIN, y, width,
                            PANGO_ALIGN_LEFT, 1.0);

      tg_bar_chart_style_init (&style);
      height = tg_bar_chart_get_height (&style, self->chart_items->len);
      cairo_save (cr);
      cairo_translate (cr, MARGIN, y);
      tg_bar_chart_draw (cr, width, height,
                         (const TgBarChartItem *)(gpointer)self->chart_items->data,
                         self->chart_items->len, &style);
      cairo_restore (cr);
      y += height;
    }

  if (self->columns != NULL)
    {
      y += GAP;
      if (self->table_heading != NULL)
        y += 6 + show_text (document, "Sans Bold 12", self->table_heading, MARGIN, y, width,
                            PANGO_ALIGN_LEFT, 1.0);
      y = draw_table (self, document, y, width);
    }

  if (self->footer != NULL)
    show_text (document, "Sans Bold 10", self->footer, MARGIN, y + 8, width, PANGO_ALIGN_RIGHT,
               1.0);

  return tg_pdf_document_finish (document, error);
}
