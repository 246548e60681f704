/* tg-bar-chart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Each row is one line of text high plus padding. The label column is as wide as the
 * widest label (at most a third of the width), the value column as wide as the widest
 * value, and the bars share what is left, the largest value filling it. Text is laid out
 * with Pango at the style's resolution (tg-chart-color.c), so one point size reads the
 * same on screen (96 dpi) and on paper (72 units to the inch).
 */

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "tg-bar-chart.h"
#include "tg-chart-private.h"

#define ROW_PADDING    8.0   /* above and below the text of a row, in device units */
#define COLUMN_GAP    12.0
#define BAR_THICKNESS  0.6   /* of the text's height */

/**
 * tg_bar_chart_style_init:
 *
 * Fills @style for paper: dark text on white, GNOME's palette, Sans 10 at 72 dpi. A
 * widget replaces the colours with its theme's and the resolution with the screen's.
 */
void
tg_bar_chart_style_init (TgBarChartStyle *style)
{
  g_return_if_fail (style != NULL);

  *style = (TgBarChartStyle) {
    .font = "Sans 10",
    .dpi = 72.0,
    .foreground = { 0.14, 0.14, 0.14, 1.0 },
    .secondary = { 0.14, 0.14, 0.14, 0.6 },
    .track = { 0.14, 0.14, 0.14, 0.08 },
    .palette = tg_chart_palette,
    .n_palette = tg_chart_palette_length,
  };
}

static double
line_height (const TgBarChartStyle *style)
{
  return _tg_chart_line_height (style->font, style->dpi);
}

/**
 * tg_bar_chart_get_height:
 *
 * Returns: the height @n_items rows need, in device units
 */
double
tg_bar_chart_get_height (const TgBarChartStyle *style,
                         guint                  n_items)
{
  g_return_val_if_fail (style != NULL, 0.0);

  return n_items * (line_height (style) + 2 * ROW_PADDING);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   width,
                   double   height)
{
  double radius = MIN (height / 2, width / 2);

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/**
 * tg_bar_chart_draw:
 * @cr: where to draw, with the origin at the chart's top left
 * @width: the chart's width, in @cr's units
 * @height: the chart's height; rows that do not fit are left out
 * @items: (array length=n_items): the rows, top to bottom
 *
 * Draws the chart. Saves and restores @cr's state.
 */
void
tg_bar_chart_draw (cairo_t               *cr,
                   double                 width,
                   double                 height,
                   const TgBarChartItem  *items,
                   guint                  n_items,
                   const TgBarChartStyle *style)
{
  g_autoptr(PangoLayout) layout = NULL;
  double row_height;
  double text_height;
  double label_width = 0;
  double value_width = 0;
  double bar_x;
  double bar_width;
  gint64 largest = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (n_items == 0 || items != NULL);
  g_return_if_fail (style != NULL);

  if (n_items == 0 || width <= 0 || height <= 0)
    return;

  cairo_save (cr);

  layout = _tg_chart_create_layout (cr, style->font, style->dpi);
  text_height = line_height (style);
  row_height = text_height + 2 * ROW_PADDING;

  for (guint i = 0; i < n_items; i++)
    {
      label_width = MAX (label_width, _tg_chart_text_width (layout, items[i].label));
      value_width = MAX (value_width, _tg_chart_text_width (layout, items[i].value_text));
      largest = MAX (largest, items[i].value);
    }
  label_width = MIN (label_width, floor (width / 3));
  value_width = MIN (value_width, floor (width / 3));
  bar_x = label_width + COLUMN_GAP;
  bar_width = MAX (0, width - bar_x - COLUMN_GAP - value_width);

  for (guint i = 0; i < n_items && (i + 1) * row_height <= height + 0.5; i++)
    {
      const TgBarChartItem *item = &items[i];
      double y = i * row_height;
      double thickness = round (text_height * BAR_THICKNESS);
      double bar_y = y + (row_height - thickness) / 2;
      int ink_height = 0;

      /* The label, ellipsized to its column. */
      pango_layout_set_text (layout, item->label != NULL ? item->label : "", -1);
      pango_layout_set_width (layout, (int)(label_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
      pango_layout_get_pixel_size (layout, NULL, &ink_height);
      _tg_chart_set_color (cr, &style->foreground);
      cairo_move_to (cr, 0, y + (row_height - ink_height) / 2);
      pango_cairo_show_layout (cr, layout);

      /* The track, then the bar: its share of the largest value. */
      if (bar_width > 0)
        {
          _tg_chart_set_color (cr, &style->track);
          rounded_rectangle (cr, bar_x, bar_y, bar_width, thickness);
          cairo_fill (cr);

          if (item->value > 0 && largest > 0)
            {
              double length = MAX (thickness, bar_width * ((double)item->value / (double)largest));

              if (style->n_palette > 0)
                _tg_chart_set_color (cr, &style->palette[item->color_index % style->n_palette]);
              else
                _tg_chart_set_color (cr, &style->foreground);
              rounded_rectangle (cr, bar_x, bar_y, length, thickness);
              cairo_fill (cr);
            }
        }

      /* The value, right-aligned in its column. */
      pango_layout_set_text (layout, item->value_text != NULL ? item->value_text : "", -1);
      pango_layout_set_width (layout, (int)(value_width * PANGO_SCALE));
      pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
      pango_layout_get_pixel_size (layout, NULL, &ink_height);
      _tg_chart_set_color (cr, &style->secondary);
      cairo_move_to (cr, width - value_width, y + (row_height - ink_height) / 2);
      pango_cairo_show_layout (cr, layout);
    }

  cairo_restore (cr);
}
