/* tg-chart-color.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The palette and the text helpers that the bar chart (tg-bar-chart.c) and the time
 * charts (tg-chart.c) share, so that both set text the same way on screen and on paper.
 */

#include "config.h"

#include <math.h>

#include "tg-chart-private.h"

/* GNOME's palette (the "3" shades of the HIG colours): blue, green, yellow, orange,
 * purple, brown, and red last, which reads as an alarm.
 */
const TgChartColor tg_chart_palette[] = {
  { 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0, 1.0 },
  { 0x33 / 255.0, 0xd1 / 255.0, 0x7a / 255.0, 1.0 },
  { 0xf6 / 255.0, 0xd3 / 255.0, 0x2d / 255.0, 1.0 },
  { 0xff / 255.0, 0x78 / 255.0, 0x00 / 255.0, 1.0 },
  { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0, 1.0 },
  { 0x98 / 255.0, 0x6a / 255.0, 0x44 / 255.0, 1.0 },
  { 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0, 1.0 },
};
const guint tg_chart_palette_length = G_N_ELEMENTS (tg_chart_palette);

/* A layout for @cr in @font at @dpi: Pango at the style's resolution, so that one point
 * size reads the same on screen (96 dpi) and on paper (72 units to the inch).
 */
PangoLayout *
_tg_chart_create_layout (cairo_t    *cr,
                         const char *font,
                         double      dpi)
{
  g_autoptr(PangoFontDescription) description = NULL;
  PangoLayout *layout;

  layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), dpi > 0 ? dpi : 96.0);
  description = pango_font_description_from_string (font != NULL ? font : "Sans 10");
  pango_layout_set_font_description (layout, description);
  pango_layout_context_changed (layout);

  return layout;
}

/* The height of a line of @font at @dpi, in device units. */
double
_tg_chart_line_height (const char *font,
                       double      dpi)
{
  g_autoptr(PangoFontDescription) description = NULL;
  double points;

  description = pango_font_description_from_string (font != NULL ? font : "Sans 10");
  points = (double)pango_font_description_get_size (description) / PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (description))
    return ceil (points * 1.3);
  if (points <= 0)
    points = 10;

  /* Points to device units at the style's resolution, with Pango's usual line spacing. */
  return ceil (points * (dpi > 0 ? dpi : 96.0) / 72.0 * 1.3);
}

void
_tg_chart_set_color (cairo_t            *cr,
                     const TgChartColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

/* The width of @text on one line, in device units. */
int
_tg_chart_text_width (PangoLayout *layout,
                      const char  *text)
{
  int width = 0;

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  pango_layout_get_pixel_size (layout, &width, NULL);

  return width;
}
