/* tg-chart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a time chart is laid out, top to bottom: the legend (a swatch and a label a visible
 * series, wrapped), the currency's code over the value axis when the values are money,
 * the plot area with the value axis's labels on its left and its grid lines across, and
 * the time axis's labels under it. Ticks and their text come from src/core's
 * tg-chart-scale, so a PDF and the screen tick at the same instants; the time axis keeps
 * labels at least a label's width apart and the value axis at least two lines.
 *
 * Lengths are in device units at 96 dpi and scale with the style's resolution, so a chart
 * on a PDF page (72 units to the inch) has the same proportions as on screen. Grid lines
 * and bar edges fall on whole units, which are pixels on screen, so that they are crisp
 * and a bar is exactly as tall as its value.
 *
 * Lines are decimated to each pixel column's extremes (tg_chart_decimate()), so ten
 * thousand points cost what a thousand do and a peak narrower than a pixel still shows.
 * Stacked areas decimate by the stack's total, so every layer keeps the same points.
 *
 * Levels (TgChartLine: a budget, its thresholds) are dashed lines across the plot, drawn
 * under the series, with their labels in a column right of the plot, each at its line's
 * height unless that would make two touch; the value axis reaches every level.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-bar-chart.h"
#include "tg-chart.h"
#include "tg-chart-private.h"
#include "tg-money.h"

/* At 96 dpi, in device units. */
#define LEGEND_SWATCH      10.0
#define LEGEND_GAP          6.0   /* between a swatch and its label */
#define LEGEND_SPACING     18.0   /* between entries */
#define AXIS_GAP            8.0   /* between the value labels and the plot, and under it */
#define TICK_LENGTH         4.0
#define LABEL_SPACING      12.0   /* at least between two time labels */
#define LINE_WIDTH          2.0
#define DOT_RADIUS          3.0
#define AREA_OPACITY        0.4
#define BAND_OPACITY        0.22
#define BAR_GAP_SHARE       0.25  /* of a bucket's width, between two bars */
#define LEVEL_WIDTH         1.5
#define LEVEL_DASH          6.0
#define LEVEL_DASH_GAP      4.0

typedef struct
{
  cairo_t            *cr;
  PangoLayout        *layout;
  const TgChartData  *data;
  const TgChartStyle *style;
  double              unit;         /* device units per 96-dpi pixel */
  double              line_height;
  TgChartGeometry     geometry;
} Drawing;

/**
 * tg_chart_style_init:
 *
 * Fills @style for paper: dark text on white, GNOME's palette, Sans 10 at 72 dpi, the
 * legend drawn. A widget replaces the colours with its theme's and the resolution with
 * the screen's.
 */
void
tg_chart_style_init (TgChartStyle *style)
{
  g_return_if_fail (style != NULL);

  *style = (TgChartStyle) {
    .font = "Sans 10",
    .dpi = 72.0,
    .foreground = { 0.14, 0.14, 0.14, 1.0 },
    .secondary = { 0.14, 0.14, 0.14, 0.65 },
    .grid = { 0.14, 0.14, 0.14, 0.12 },
    .line = { 0.14, 0.14, 0.14, 0.6 },
    /* GNOME's dark orange, which reads on white paper and recalls a warning. */
    .emphasis = { 0xc6 / 255.0, 0x46 / 255.0, 0x00 / 255.0, 1.0 },
    .palette = tg_chart_palette,
    .n_palette = tg_chart_palette_length,
    .show_legend = TRUE,
  };
}

/**
 * tg_chart_has_data:
 *
 * Returns: whether @data has points and series to draw; without, a chart says "No data"
 */
gboolean
tg_chart_has_data (const TgChartData *data)
{
  g_return_val_if_fail (data != NULL, FALSE);

  return data->n_points > 0 && data->n_series > 0 && data->instants != NULL &&
         data->series != NULL;
}

static gboolean
is_vertical (const TgChartData *data)
{
  return data->kind != TG_CHART_KIND_HORIZONTAL_BARS;
}

static gboolean
is_stacked (const TgChartData *data)
{
  return data->kind == TG_CHART_KIND_STACKED_AREA || data->kind == TG_CHART_KIND_STACKED_BARS;
}

static const TgChartColor *
series_color (const TgChartStyle *style,
              guint               color_index)
{
  static const TgChartColor fallback = { 0.5, 0.5, 0.5, 1.0 };

  if (style->palette == NULL || style->n_palette == 0)
    return &fallback;

  return &style->palette[color_index % style->n_palette];
}

static void
set_color_alpha (cairo_t            *cr,
                 const TgChartColor *color,
                 double              alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* The end of point @index's bucket. */
static gint64
bucket_end (const TgChartData *data,
            guint              index)
{
  return index + 1 < data->n_points ? data->instants[index + 1] : data->end;
}

/* Where point @index stands on the plot's x axis: its instant, or for bars the middle of
 * its bucket.
 */
static double
point_x (const TgChartData     *data,
         const TgChartGeometry *geometry,
         guint                  index)
{
  double x = tg_time_scale_to_pixel (&geometry->time_scale, data->instants[index]);

  if (data->kind == TG_CHART_KIND_STACKED_BARS)
    x = (x + tg_time_scale_to_pixel (&geometry->time_scale, bucket_end (data, index))) / 2;

  return geometry->plot_x + x;
}

static double
value_y (const TgChartGeometry *geometry,
         double                 value)
{
  return geometry->plot_y +
         tg_value_scale_to_pixel (&geometry->value_scale, value, geometry->plot_height);
}

/* Whether no visible series has a value at @index: a gap in a stack. */
static gboolean
stack_is_gap (const TgChartData *data,
              guint              index)
{
  for (guint s = 0; s < data->n_series; s++)
    if (!data->series[s].hidden && !isnan (data->series[s].values[index]))
      return FALSE;

  return TRUE;
}

/* Where series @series's piece of the stack at @index begins and ends: positive values
 * stack up from zero, negative ones down, hidden series and missing values take no room.
 */
static void
stack_range (const TgChartData *data,
             guint              series,
             guint              index,
             double            *bottom,
             double            *top)
{
  double positive = 0;
  double negative = 0;
  double value = 0;

  for (guint s = 0; s <= series; s++)
    {
      if (data->series[s].hidden || isnan (data->series[s].values[index]))
        {
          value = 0;
          continue;
        }

      value = data->series[s].values[index];
      if (s == series)
        break;
      if (value >= 0)
        positive += value;
      else
        negative += value;
    }

  *bottom = value >= 0 ? positive : negative;
  *top = *bottom + value;
}

static void
value_extent (const TgChartData *data,
              double            *min,
              double            *max)
{
  *min = 0;
  *max = 0;

  for (guint i = 0; i < data->n_points; i++)
    {
      double positive = 0;
      double negative = 0;

      for (guint s = 0; s < data->n_series; s++)
        {
          double value = data->series[s].values[i];

          if (data->series[s].hidden || !isfinite (value))
            continue;

          if (is_stacked (data))
            {
              if (value >= 0)
                positive += value;
              else
                negative += value;
            }
          else
            {
              positive = MAX (positive, value);
              negative = MIN (negative, value);
            }
        }
      *max = MAX (*max, positive);
      *min = MIN (*min, negative);

      if (data->band != NULL)
        {
          double low = data->band->low[i];
          double high = data->band->high[i];

          if (isfinite (low) && isfinite (high))
            {
              *max = MAX (*max, MAX (low, high));
              *min = MIN (*min, MIN (low, high));
            }
        }
    }

  for (guint i = 0; i < data->n_lines; i++)
    if (isfinite (data->lines[i].value))
      {
        *max = MAX (*max, data->lines[i].value);
        *min = MIN (*min, data->lines[i].value);
      }
}

static gboolean
has_levels (const TgChartData *data)
{
  for (guint i = 0; data->lines != NULL && i < data->n_lines; i++)
    if (isfinite (data->lines[i].value))
      return TRUE;

  return FALSE;
}

/* The width of the column of level labels right of the plot, with its gap; 0 without. */
static double
levels_width (Drawing *d)
{
  double widest = 0;

  if (!has_levels (d->data))
    return 0;

  for (guint i = 0; i < d->data->n_lines; i++)
    if (isfinite (d->data->lines[i].value))
      widest = MAX (widest, _tg_chart_text_width (d->layout, d->data->lines[i].label));

  return ceil (widest + AXIS_GAP * d->unit);
}

static void
show_text (Drawing            *d,
           const char         *text,
           double              x,
           double              y,
           const TgChartColor *color)
{
  pango_layout_set_width (d->layout, -1);
  pango_layout_set_text (d->layout, text, -1);
  _tg_chart_set_color (d->cr, color);
  cairo_move_to (d->cr, x, y);
  pango_cairo_show_layout (d->cr, d->layout);
}

static void
rounded_square (cairo_t *cr,
                double   x,
                double   y,
                double   size,
                double   radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + size - radius, y + size - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + size - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Lays out (and with @draw, draws) the legend from the top left across @width. Returns its
 * height, with the space under it.
 */
static double
legend (Drawing  *d,
        double    width,
        gboolean  draw)
{
  double swatch = round (LEGEND_SWATCH * d->unit);
  double x = 0;
  double y = 0;
  guint n_entries = 0;
  guint n = d->data->n_series + (d->data->band != NULL ? 1 : 0);

  for (guint i = 0; i < n; i++)
    {
      gboolean is_band = i == d->data->n_series;
      const char *label = is_band ? d->data->band->label : d->data->series[i].label;
      guint color_index = is_band ? d->data->band->color_index : d->data->series[i].color_index;
      double entry_width;

      if (!is_band && d->data->series[i].hidden)
        continue;

      entry_width = swatch + LEGEND_GAP * d->unit + _tg_chart_text_width (d->layout, label);
      if (n_entries > 0 && x + entry_width > width)
        {
          x = 0;
          y += d->line_height;
        }

      if (draw)
        {
          set_color_alpha (d->cr, series_color (d->style, color_index),
                           is_band ? BAND_OPACITY * 2 : 1.0);
          rounded_square (d->cr, x, y + (d->line_height - swatch) / 2, swatch, 2 * d->unit);
          cairo_fill (d->cr);
          show_text (d, label != NULL ? label : "", x + swatch + LEGEND_GAP * d->unit, y,
                     &d->style->foreground);
        }

      x += entry_width + LEGEND_SPACING * d->unit;
      n_entries++;
    }

  return n_entries > 0 ? y + d->line_height + AXIS_GAP * d->unit : 0;
}

/* The widest a time label can be, whatever the step: a day and a month, a time, a year. */
static double
time_label_width (Drawing *d)
{
  static const char * const samples[] = { "28 Sep", "00:00", "2026", "Sep" };
  g_autoptr(GDateTime) sample = g_date_time_new_utc (2026, 9, 28, 0, 0, 0);
  g_autofree char *local_sample = g_date_time_format (sample, "%-d %b");
  double widest = _tg_chart_text_width (d->layout, local_sample);

  /* Month names are as wide as the locale makes them; the samples bound the usual ones. */
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    widest = MAX (widest, _tg_chart_text_width (d->layout, samples[i]));

  return widest;
}

static void
draw_value_axis (Drawing *d,
                 GPtrArray *labels)
{
  const TgChartGeometry *g = &d->geometry;

  cairo_set_line_width (d->cr, 1.0);
  for (guint i = 0; i < g->value_scale.n_ticks; i++)
    {
      double y = floor (value_y (g, tg_value_scale_tick (&g->value_scale, i))) + 0.5;
      const char *text = g_ptr_array_index (labels, i);
      double text_width = _tg_chart_text_width (d->layout, text);

      _tg_chart_set_color (d->cr, &d->style->grid);
      cairo_move_to (d->cr, g->plot_x, y);
      cairo_line_to (d->cr, g->plot_x + g->plot_width, y);
      cairo_stroke (d->cr);

      show_text (d, text, g->plot_x - AXIS_GAP * d->unit - text_width, y - d->line_height / 2,
                 &d->style->secondary);
    }
}

/* The time labels under the plot: centred on their tick, or on the bar that starts there;
 * moved inside the chart at its edges, and left out where that would make two touch.
 */
static void
draw_time_axis (Drawing *d,
                double   width)
{
  const TgChartGeometry *g = &d->geometry;
  g_autoptr(GArray) ticks = NULL;
  double label_width = time_label_width (d) + LABEL_SPACING * d->unit;
  double baseline = floor (g->plot_y + g->plot_height) + 0.5;
  double previous_right = -G_MAXDOUBLE;

  ticks = tg_time_axis_ticks (d->data->time_zone, d->data->start, d->data->end, g->plot_width,
                              label_width, NULL);

  for (guint i = 0; i < ticks->len; i++)
    {
      const TgTimeTick *tick = &g_array_index (ticks, TgTimeTick, i);
      double x = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, tick->instant);
      double center = x;
      double text_width = _tg_chart_text_width (d->layout, tick->label);
      double left;

      if (d->data->kind == TG_CHART_KIND_STACKED_BARS)
        {
          gssize index = tg_chart_nearest_index (d->data->instants, d->data->n_points,
                                                 &g->time_scale, x - g->plot_x);

          if (index >= 0 && d->data->instants[index] == tick->instant)
            center = point_x (d->data, g, index);
        }

      _tg_chart_set_color (d->cr, &d->style->grid);
      cairo_set_line_width (d->cr, 1.0);
      cairo_move_to (d->cr, floor (x) + 0.5, baseline);
      cairo_line_to (d->cr, floor (x) + 0.5, baseline + TICK_LENGTH * d->unit);
      cairo_stroke (d->cr);

      left = CLAMP (center - text_width / 2, 0, width - text_width);
      if (left < previous_right + LABEL_SPACING * d->unit / 2)
        continue;
      show_text (d, tick->label, left, g->plot_y + g->plot_height + AXIS_GAP * d->unit,
                 &d->style->secondary);
      previous_right = left + text_width;
    }
}

static void
dot (cairo_t *cr,
     double   x,
     double   y,
     double   radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* The levels' dashed lines across the plot, under the series. */
static void
draw_levels (Drawing *d)
{
  const TgChartGeometry *g = &d->geometry;
  double dashes[] = { LEVEL_DASH * d->unit, LEVEL_DASH_GAP * d->unit };

  cairo_save (d->cr);
  cairo_set_line_width (d->cr, LEVEL_WIDTH * d->unit);
  cairo_set_line_cap (d->cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_dash (d->cr, dashes, G_N_ELEMENTS (dashes), 0);

  for (guint i = 0; i < d->data->n_lines; i++)
    {
      const TgChartLine *line = &d->data->lines[i];
      double y;

      if (!isfinite (line->value))
        continue;

      /* On a whole pixel row, as the grid lines are, so that the dashes are crisp. */
      y = floor (value_y (g, line->value)) + 0.5;
      _tg_chart_set_color (d->cr, line->emphasis ? &d->style->emphasis : &d->style->line);
      cairo_move_to (d->cr, g->plot_x, y);
      cairo_line_to (d->cr, g->plot_x + g->plot_width, y);
      cairo_stroke (d->cr);
    }

  cairo_restore (d->cr);
}

typedef struct
{
  const TgChartLine *line;
  double             y;      /* the line's */
  double             top;    /* the label's */
} LevelLabel;

static int
compare_level_labels (gconstpointer a,
                      gconstpointer b)
{
  const LevelLabel *label_a = a;
  const LevelLabel *label_b = b;

  return (label_a->y > label_b->y) - (label_a->y < label_b->y);
}

/* The levels' labels right of the plot, each centred on its line. Labels that would
 * overlap form a group, stacked in their lines' order and centred where their lines are
 * on average (the least they can be moved), kept within the chart's height.
 */
static void
draw_level_labels (Drawing *d,
                   double   height)
{
  const TgChartGeometry *g = &d->geometry;
  g_autoptr(GArray) labels = g_array_new (FALSE, TRUE, sizeof (LevelLabel));
  g_autoptr(GArray) groups = g_array_new (FALSE, TRUE, sizeof (guint));  /* first label */
  double x = g->plot_x + g->plot_width + AXIS_GAP * d->unit;
  double lh = d->line_height;
  double floor_top = MAX (0, height - lh);

  for (guint i = 0; i < d->data->n_lines; i++)
    {
      LevelLabel label = { &d->data->lines[i], 0, 0 };

      if (!isfinite (label.line->value) || label.line->label == NULL)
        continue;
      label.y = value_y (g, label.line->value);
      label.top = label.y - lh / 2;
      g_array_append_val (labels, label);
    }
  g_array_sort (labels, compare_level_labels);

  for (guint i = 0; i < labels->len; i++)
    {
      g_array_append_val (groups, i);

      /* Merge the newest group into the one before while they overlap. */
      while (groups->len > 1)
        {
          guint last = groups->len - 1;
          guint first_prev = g_array_index (groups, guint, last - 1);
          guint first_last = g_array_index (groups, guint, last);
          double prev_bottom = g_array_index (labels, LevelLabel, first_last - 1).top + lh;
          double top = 0;
          guint n = i + 1 - first_prev;

          if (prev_bottom <= g_array_index (labels, LevelLabel, first_last).top)
            break;

          g_array_remove_index (groups, last);
          for (guint j = first_prev; j <= i; j++)
            top += g_array_index (labels, LevelLabel, j).y - lh / 2 - (j - first_prev) * lh;
          top = CLAMP (top / n, 0, MAX (0, floor_top - (n - 1) * lh));
          for (guint j = first_prev; j <= i; j++)
            g_array_index (labels, LevelLabel, j).top = top + (j - first_prev) * lh;
        }

      /* A group of one within the chart, too. */
      if (g_array_index (groups, guint, groups->len - 1) == i)
        {
          LevelLabel *label = &g_array_index (labels, LevelLabel, i);

          label->top = CLAMP (label->top, 0, floor_top);
        }
    }

  for (guint i = 0; i < labels->len; i++)
    {
      const LevelLabel *label = &g_array_index (labels, LevelLabel, i);

      show_text (d, label->line->label, x, label->top,
                 label->line->emphasis ? &d->style->emphasis : &d->style->secondary);
    }
}

static void
draw_band (Drawing *d)
{
  const TgChartBand *band = d->data->band;
  guint i = 0;

  set_color_alpha (d->cr, series_color (d->style, band->color_index), BAND_OPACITY);
  while (i < d->data->n_points)
    {
      guint first;

      /* One polygon a run of points with both ends of the range. */
      for (; i < d->data->n_points && !(isfinite (band->low[i]) && isfinite (band->high[i])); i++)
        ;
      first = i;
      for (; i < d->data->n_points && isfinite (band->low[i]) && isfinite (band->high[i]); i++)
        cairo_line_to (d->cr, point_x (d->data, &d->geometry, i), value_y (&d->geometry, band->high[i]));
      if (i == first)
        break;

      if (i - first == 1)
        {
          /* A lone point's range is a short bar, so that it shows. */
          double x = point_x (d->data, &d->geometry, first);

          cairo_new_path (d->cr);
          cairo_rectangle (d->cr, x - DOT_RADIUS * d->unit, value_y (&d->geometry, band->high[first]),
                           2 * DOT_RADIUS * d->unit,
                           value_y (&d->geometry, band->low[first]) -
                           value_y (&d->geometry, band->high[first]));
          cairo_fill (d->cr);
          continue;
        }

      for (guint j = i; j-- > first;)
        cairo_line_to (d->cr, point_x (d->data, &d->geometry, j), value_y (&d->geometry, band->low[j]));
      cairo_close_path (d->cr);
      cairo_fill (d->cr);
    }
}

static void
draw_lines (Drawing *d)
{
  const TgChartGeometry *g = &d->geometry;

  cairo_set_line_width (d->cr, LINE_WIDTH * d->unit);
  cairo_set_line_join (d->cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (d->cr, CAIRO_LINE_CAP_ROUND);

  for (guint s = 0; s < d->data->n_series; s++)
    {
      const TgChartSeries *series = &d->data->series[s];
      g_autoptr(GArray) kept = NULL;
      guint run = 0;
      double run_x = 0;
      double run_y = 0;

      if (series->hidden)
        continue;

      kept = tg_chart_decimate (d->data->instants, series->values, d->data->n_points,
                                &g->time_scale);
      _tg_chart_set_color (d->cr, series_color (d->style, series->color_index));

      /* A path a run of values; a run of one is a dot, or it would not show. */
      for (guint k = 0; k <= kept->len; k++)
        {
          guint i = k < kept->len ? g_array_index (kept, guint, k) : 0;
          gboolean gap = k == kept->len || isnan (series->values[i]);

          if (gap)
            {
              if (run == 1)
                {
                  cairo_new_path (d->cr);
                  dot (d->cr, run_x, run_y, DOT_RADIUS * d->unit);
                }
              else if (run > 1)
                cairo_stroke (d->cr);
              cairo_new_path (d->cr);
              run = 0;
              continue;
            }

          run_x = point_x (d->data, g, i);
          run_y = value_y (g, series->values[i]);
          cairo_line_to (d->cr, run_x, run_y);
          run++;
        }
    }
}

static void
draw_areas (Drawing *d)
{
  const TgChartGeometry *g = &d->geometry;
  g_autofree double *totals = g_new0 (double, d->data->n_points);
  g_autoptr(GArray) kept = NULL;

  /* Decimated by the stack's total, so the layers share their points and stay stacked. */
  for (guint i = 0; i < d->data->n_points; i++)
    {
      if (stack_is_gap (d->data, i))
        {
          totals[i] = NAN;
          continue;
        }

      for (guint s = 0; s < d->data->n_series; s++)
        if (!d->data->series[s].hidden && isfinite (d->data->series[s].values[i]))
          totals[i] += d->data->series[s].values[i];
    }
  kept = tg_chart_decimate (d->data->instants, totals, d->data->n_points, &g->time_scale);

  for (guint s = 0; s < d->data->n_series; s++)
    {
      const TgChartSeries *series = &d->data->series[s];
      const TgChartColor *color = series_color (d->style, series->color_index);
      guint k = 0;

      if (series->hidden)
        continue;

      while (k < kept->len)
        {
          guint first;
          double bottom;
          double top;

          for (; k < kept->len && stack_is_gap (d->data, g_array_index (kept, guint, k)); k++)
            ;
          first = k;
          for (; k < kept->len && !stack_is_gap (d->data, g_array_index (kept, guint, k)); k++)
            ;
          if (k == first)
            break;

          if (k - first == 1)
            {
              guint i = g_array_index (kept, guint, first);

              stack_range (d->data, s, i, &bottom, &top);
              _tg_chart_set_color (d->cr, color);
              dot (d->cr, point_x (d->data, g, i), value_y (g, top), DOT_RADIUS * d->unit);
              continue;
            }

          /* The layer: along its top, back along the one below, filled; then its top line. */
          cairo_new_path (d->cr);
          for (guint j = first; j < k; j++)
            {
              guint i = g_array_index (kept, guint, j);

              stack_range (d->data, s, i, &bottom, &top);
              cairo_line_to (d->cr, point_x (d->data, g, i), value_y (g, top));
            }
          for (guint j = k; j-- > first;)
            {
              guint i = g_array_index (kept, guint, j);

              stack_range (d->data, s, i, &bottom, &top);
              cairo_line_to (d->cr, point_x (d->data, g, i), value_y (g, bottom));
            }
          cairo_close_path (d->cr);
          set_color_alpha (d->cr, color, AREA_OPACITY);
          cairo_fill (d->cr);

          for (guint j = first; j < k; j++)
            {
              guint i = g_array_index (kept, guint, j);

              stack_range (d->data, s, i, &bottom, &top);
              cairo_line_to (d->cr, point_x (d->data, g, i), value_y (g, top));
            }
          _tg_chart_set_color (d->cr, color);
          cairo_set_line_width (d->cr, LINE_WIDTH * d->unit);
          cairo_set_line_join (d->cr, CAIRO_LINE_JOIN_ROUND);
          cairo_stroke (d->cr);
        }
    }
}

static void
draw_bars (Drawing *d)
{
  const TgChartGeometry *g = &d->geometry;

  for (guint i = 0; i < d->data->n_points; i++)
    {
      double x0 = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, d->data->instants[i]);
      double x1 = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, bucket_end (d->data, i));
      double gap = (x1 - x0) >= 4 ? MAX (1.0, (x1 - x0) * BAR_GAP_SHARE) : 0;
      double left = round (x0 + gap / 2);
      double right = MAX (round (x1 - gap / 2), left + 1);

      for (guint s = 0; s < d->data->n_series; s++)
        {
          const TgChartSeries *series = &d->data->series[s];
          double bottom;
          double top;
          double y0;
          double y1;

          if (series->hidden || !isfinite (series->values[i]) || series->values[i] == 0)
            continue;

          stack_range (d->data, s, i, &bottom, &top);
          y0 = round (value_y (g, bottom));
          y1 = round (value_y (g, top));
          if (y0 == y1)
            continue;

          _tg_chart_set_color (d->cr, series_color (d->style, series->color_index));
          cairo_rectangle (d->cr, left, MIN (y0, y1), right - left, fabs (y1 - y0));
          cairo_fill (d->cr);
        }
    }
}

/* One bar a visible series, as long as its total, with the total as text. */
static void
draw_horizontal_bars (Drawing *d,
                      double   width,
                      double   height)
{
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (TgBarChartItem));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *totals = g_new0 (double, d->data->n_series);
  TgBarChartStyle bar_style;
  double largest = 0;

  for (guint s = 0; s < d->data->n_series; s++)
    {
      for (guint i = 0; i < d->data->n_points; i++)
        if (isfinite (d->data->series[s].values[i]))
          totals[s] += d->data->series[s].values[i];
      if (!d->data->series[s].hidden)
        largest = MAX (largest, totals[s]);
    }

  for (guint s = 0; s < d->data->n_series; s++)
    {
      TgBarChartItem item = { 0 };
      char *text;

      if (d->data->series[s].hidden)
        continue;

      text = tg_value_format_exact (d->data->value_format, totals[s], d->data->currency);
      g_ptr_array_add (texts, text);
      item.label = d->data->series[s].label;
      item.value_text = text;
      /* The bar chart compares lengths only: a billion steps of the largest total. */
      item.value = largest > 0 ? (gint64)llround (totals[s] / largest * 1e9) : 0;
      item.color_index = d->data->series[s].color_index;
      g_array_append_val (items, item);
    }

  tg_bar_chart_style_init (&bar_style);
  bar_style.font = d->style->font;
  bar_style.dpi = d->style->dpi;
  bar_style.foreground = d->style->foreground;
  bar_style.secondary = d->style->secondary;
  bar_style.track = d->style->grid;
  bar_style.palette = d->style->palette;
  bar_style.n_palette = d->style->n_palette;

  tg_bar_chart_draw (d->cr, width, height, (const TgBarChartItem *)(gpointer)items->data,
                     items->len, &bar_style);
}

/* Whether the value labels show only the currency's symbol ("$1.2k"), so that its code
 * is written once over them; a currency without a symbol has its code on every label.
 */
static gboolean
has_currency_caption (const TgChartData *data)
{
  return data->value_format == TG_VALUE_FORMAT_MONEY && tg_currency_is_valid (data->currency) &&
         *tg_currency_get_symbol (data->currency) != '\0';
}

static void
draw_no_data (Drawing *d,
              double   width,
              double   height)
{
  /* TRANSLATORS: in place of a chart whose period has no figures */
  const char *text = _("No data");
  int text_width = 0;
  int text_height = 0;

  pango_layout_set_text (d->layout, text, -1);
  pango_layout_get_pixel_size (d->layout, &text_width, &text_height);
  show_text (d, text, (width - text_width) / 2, (height - text_height) / 2,
             &d->style->secondary);
}

/**
 * tg_chart_draw:
 * @cr: where to draw, with the origin at the chart's top left
 * @width: the chart's width, in @cr's units
 * @height: the chart's height
 * @data: what to draw; its arrays are read while drawing only
 * @geometry: (out) (optional): where the plot area and its scales ended up
 *
 * Draws the chart: with no points or no series a "No data" message, with all-zero
 * values a flat chart on a default axis. Saves and restores @cr's state.
 */
void
tg_chart_draw (cairo_t            *cr,
               double              width,
               double              height,
               const TgChartData  *data,
               const TgChartStyle *style,
               TgChartGeometry    *geometry)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(GPtrArray) value_labels = NULL;
  Drawing d = { 0 };
  double top = 0;
  double bottom;
  double label_width = 0;
  double min;
  double max;
  guint max_ticks;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (data->n_points == 0 || data->instants != NULL);
  g_return_if_fail (data->n_series == 0 || data->series != NULL);
  g_return_if_fail (data->n_lines == 0 || data->lines != NULL);
  g_return_if_fail (data->time_zone != NULL || !tg_chart_has_data (data) || !is_vertical (data));

  if (geometry != NULL)
    *geometry = (TgChartGeometry) { 0 };
  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);

  layout = _tg_chart_create_layout (cr, style->font, style->dpi);
  d.cr = cr;
  d.layout = layout;
  d.data = data;
  d.style = style;
  d.unit = (style->dpi > 0 ? style->dpi : 96.0) / 96.0;
  d.line_height = _tg_chart_line_height (style->font, style->dpi);

  if (!tg_chart_has_data (data))
    {
      draw_no_data (&d, width, height);
      cairo_restore (cr);
      return;
    }

  if (!is_vertical (data))
    {
      draw_horizontal_bars (&d, width, height);
      d.geometry.plot_width = width;
      d.geometry.plot_height = height;
      if (geometry != NULL)
        *geometry = d.geometry;
      cairo_restore (cr);
      return;
    }

  if (style->show_legend)
    top = legend (&d, width, FALSE);
  if (has_currency_caption (data))
    top += d.line_height + AXIS_GAP * d.unit / 2;
  else
    top += ceil (d.line_height / 2);
  bottom = d.line_height + AXIS_GAP * d.unit;

  /* The value axis: as many ticks as fit two lines apart. */
  value_extent (data, &min, &max);
  max_ticks = (guint)MAX (2.0, floor ((height - top - bottom) / (2.0 * d.line_height)) + 1);
  tg_value_scale_init (&d.geometry.value_scale, data->value_format, min, max, max_ticks);
  value_labels = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < d.geometry.value_scale.n_ticks; i++)
    {
      char *text = tg_value_format_tick (data->value_format,
                                         tg_value_scale_tick (&d.geometry.value_scale, i),
                                         d.geometry.value_scale.step, data->currency);

      label_width = MAX (label_width, _tg_chart_text_width (layout, text));
      g_ptr_array_add (value_labels, text);
    }

  /* The currency's code over the labels is right-aligned with them: room for it too. */
  if (has_currency_caption (data))
    label_width = MAX (label_width, _tg_chart_text_width (layout, data->currency));
  d.geometry.plot_x = ceil (label_width + AXIS_GAP * d.unit);
  d.geometry.plot_y = top;
  d.geometry.plot_width = MAX (1, floor (width - d.geometry.plot_x - AXIS_GAP * d.unit / 2 -
                                         levels_width (&d)));
  d.geometry.plot_height = MAX (1, floor (height - top - bottom));
  d.geometry.time_scale = (TgTimeScale) { data->start, data->end, d.geometry.plot_width };

  if (style->show_legend)
    legend (&d, width, TRUE);
  if (has_currency_caption (data))
    {
      /* The currency once, over the value labels, since they show only its symbol. */
      show_text (&d, data->currency,
                 d.geometry.plot_x - AXIS_GAP * d.unit -
                 _tg_chart_text_width (layout, data->currency),
                 top - d.line_height - AXIS_GAP * d.unit / 2, &style->secondary);
    }

  draw_value_axis (&d, value_labels);
  draw_time_axis (&d, width);

  /* The data, inside the plot area with room for a line's width at its edges. */
  cairo_save (cr);
  cairo_rectangle (cr, d.geometry.plot_x - LINE_WIDTH * d.unit,
                   d.geometry.plot_y - LINE_WIDTH * d.unit,
                   d.geometry.plot_width + 2 * LINE_WIDTH * d.unit,
                   d.geometry.plot_height + 2 * LINE_WIDTH * d.unit);
  cairo_clip (cr);
  cairo_new_path (cr);

  if (data->band != NULL && data->band->low != NULL && data->band->high != NULL)
    draw_band (&d);
  if (has_levels (data))
    draw_levels (&d);

  switch (data->kind)
    {
    case TG_CHART_KIND_LINE:
      draw_lines (&d);
      break;
    case TG_CHART_KIND_STACKED_AREA:
      draw_areas (&d);
      break;
    case TG_CHART_KIND_STACKED_BARS:
      draw_bars (&d);
      break;
    case TG_CHART_KIND_HORIZONTAL_BARS:
    default:
      g_assert_not_reached ();
    }
  cairo_restore (cr);

  if (has_levels (data))
    draw_level_labels (&d, height);

  if (geometry != NULL)
    *geometry = d.geometry;

  cairo_restore (cr);
}

/**
 * tg_chart_index_at:
 * @geometry: from the last tg_chart_draw() of @data
 * @x: a position across the chart, such as the pointer's
 *
 * Returns: the point under @x: the nearest one, or for bars the one whose bar spans @x;
 *   -1 without points or for horizontal bars
 */
gssize
tg_chart_index_at (const TgChartData     *data,
                   const TgChartGeometry *geometry,
                   double                 x)
{
  gssize index;

  g_return_val_if_fail (data != NULL, -1);
  g_return_val_if_fail (geometry != NULL, -1);

  if (!tg_chart_has_data (data) || !is_vertical (data) || geometry->plot_width <= 0)
    return -1;

  x -= geometry->plot_x;
  index = tg_chart_nearest_index (data->instants, data->n_points, &geometry->time_scale, x);
  if (data->kind == TG_CHART_KIND_STACKED_BARS && index > 0 &&
      tg_time_scale_to_pixel (&geometry->time_scale, data->instants[index]) > x)
    index--;

  return index;
}

/**
 * tg_chart_index_x:
 * @geometry: from the last tg_chart_draw() of @data
 *
 * Returns: where point @index is drawn across the chart: at its instant, or for bars in
 *   the middle of its bar
 */
double
tg_chart_index_x (const TgChartData     *data,
                  const TgChartGeometry *geometry,
                  guint                  index)
{
  g_return_val_if_fail (data != NULL, 0.0);
  g_return_val_if_fail (geometry != NULL, 0.0);
  g_return_val_if_fail (index < data->n_points, 0.0);

  return point_x (data, geometry, index);
}

/**
 * tg_chart_point_position:
 * @geometry: from the last tg_chart_draw() of @data
 * @x: (out): where the point is drawn across
 * @y: (out): and down: the top of the series's piece of a stack
 *
 * Returns: whether series @series has a point drawn at @index (it is visible and has a
 *   value there)
 */
gboolean
tg_chart_point_position (const TgChartData     *data,
                         const TgChartGeometry *geometry,
                         guint                  series,
                         guint                  index,
                         double                *x,
                         double                *y)
{
  double bottom;
  double top;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (geometry != NULL, FALSE);

  if (!tg_chart_has_data (data) || !is_vertical (data) || series >= data->n_series ||
      index >= data->n_points || data->series[series].hidden ||
      isnan (data->series[series].values[index]))
    return FALSE;

  if (is_stacked (data))
    stack_range (data, series, index, &bottom, &top);
  else
    top = data->series[series].values[index];

  if (x != NULL)
    *x = point_x (data, geometry, index);
  if (y != NULL)
    *y = value_y (geometry, top);

  return TRUE;
}
