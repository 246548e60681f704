/* test-chart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The time-chart renderer on image surfaces: pixels where they matter (a bar as tall as
 * its value, a band between its low and high, no trace of a hidden series) and the edge
 * cases (no data, one point, gaps, all zero), then a page of a real PDF document.
 *
 * With TOLLGATE_CHART_PNGS=DIR it also leaves one picture of each kind of chart there, in
 * light and dark colours, for people to look at.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "tg-chart.h"
#include "tg-pdf-document.h"
#include "tg-time-bucket.h"

#define WIDTH  640
#define HEIGHT 320
#define DAY    86400

static const TgChartColor white = { 1, 1, 1, 1 };

typedef struct
{
  cairo_surface_t *surface;
  TgChartGeometry  geometry;
} Picture;

static void
picture_clear (Picture *picture)
{
  g_clear_pointer (&picture->surface, cairo_surface_destroy);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Picture, picture_clear)

static void
screen_style (TgChartStyle *style)
{
  tg_chart_style_init (style);
  style->dpi = 96;
}

static void
draw (Picture            *picture,
      const TgChartData  *data,
      const TgChartStyle *style)
{
  cairo_t *cr;

  picture->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cr = cairo_create (picture->surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tg_chart_draw (cr, WIDTH, HEIGHT, data, style, &picture->geometry);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (picture->surface);
}

static void
pixel (Picture *picture,
       int      x,
       int      y,
       int     *r,
       int     *g,
       int     *b)
{
  const guint8 *data = cairo_image_surface_get_data (picture->surface);
  int stride = cairo_image_surface_get_stride (picture->surface);
  guint32 value;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x, <, WIDTH);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, HEIGHT);
  value = *(const guint32 *)(gconstpointer)(data + y * stride + x * 4);
  *r = (value >> 16) & 0xff;
  *g = (value >> 8) & 0xff;
  *b = value & 0xff;
}

/* Whether the pixel is @color drawn at @alpha over white, give or take rounding. */
static gboolean
is_color (Picture            *picture,
          int                 x,
          int                 y,
          const TgChartColor *color,
          double              alpha)
{
  int r, g, b;

  pixel (picture, x, y, &r, &g, &b);
  return ABS (r - (int)round (255 * (color->red * alpha + 1 - alpha))) <= 3 &&
         ABS (g - (int)round (255 * (color->green * alpha + 1 - alpha))) <= 3 &&
         ABS (b - (int)round (255 * (color->blue * alpha + 1 - alpha))) <= 3;
}

static int
count_color (Picture            *picture,
             const TgChartColor *color)
{
  int count = 0;

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      count += is_color (picture, x, y, color, 1.0);

  return count;
}

/* How many pixels of column @x have @color. */
static int
count_column (Picture            *picture,
              int                 x,
              const TgChartColor *color)
{
  int count = 0;

  for (int y = 0; y < HEIGHT; y++)
    count += is_color (picture, x, y, color, 1.0);

  return count;
}

static int
count_not_white (Picture *picture,
                 int      x0,
                 int      y0,
                 int      x1,
                 int      y1)
{
  int count = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      count += !is_color (picture, x, y, &white, 1.0);

  return count;
}

/* Days from 1 November 2026 in Sydney, and the end of the last. */
static gint64 *
days (GTimeZone *tz,
      guint      n,
      gint64    *end)
{
  gint64 *instants = g_new (gint64, n);
  g_autoptr(GDateTime) first = g_date_time_new (tz, 2026, 11, 1, 0, 0, 0);

  instants[0] = g_date_time_to_unix (first);
  for (guint i = 1; i < n; i++)
    instants[i] = tg_time_bucket_next (tz, TG_BUCKET_DAY, instants[i - 1]);
  *end = tg_time_bucket_next (tz, TG_BUCKET_DAY, instants[n - 1]);

  return instants;
}

/* Each bar is as many pixels tall as its value on the axis; the second series sits on
 * the first.
 */
static void
test_bar_height (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double below[] = { 300e6, 150e6, 0, 75e6 };
  const double above[] = { 100e6, NAN, 50e6, 75e6 };
  const TgChartSeries series[] = {
    { "Geoscape", below, 0, FALSE },
    { "OpenAI", above, 3, FALSE },
  };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  const TgChartGeometry *g = &picture.geometry;
  double per_unit;
  gint64 end;

  instants = days (tz, 4, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_STACKED_BARS, .time_zone = tz, .instants = instants,
    .n_points = 4, .start = instants[0], .end = end, .series = series, .n_series = 2,
    .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
  screen_style (&style);
  draw (&picture, &data, &style);

  g_assert_cmpfloat (g->value_scale.min, ==, 0);
  g_assert_cmpfloat (g->value_scale.max, >=, 400e6);
  per_unit = g->plot_height / (g->value_scale.max - g->value_scale.min);

  for (guint i = 0; i < 4; i++)
    {
      double x;
      double y;
      int column;
      int expected_below = (int)round (below[i] * per_unit);
      int expected_above = isnan (above[i]) ? 0 : (int)round (above[i] * per_unit);

      g_assert_true (tg_chart_point_position (&data, g, 0, i, &x, &y));
      column = (int)x;
      g_assert_cmpint (ABS (count_column (&picture, column, &style.palette[0]) - expected_below),
                       <=, 1);
      g_assert_cmpint (ABS (count_column (&picture, column, &style.palette[3]) - expected_above),
                       <=, 1);

      /* The bar stands on the axis's zero. */
      if (below[i] > 0)
        g_assert_true (is_color (&picture, column,
                                 (int)round (g->plot_y + g->plot_height) - 1,
                                 &style.palette[0], 1.0));
    }

  /* Bars are their bucket wide less a gap, and bars of a bucket's neighbours do not touch. */
  {
    double x0 = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, instants[0]);
    double x1 = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, instants[1]);
    int y = (int)round (g->plot_y + g->plot_height) - 2;
    int run = 0;

    for (int x = (int)x0; x < (int)x1; x++)
      run += is_color (&picture, x, y, &style.palette[0], 1.0);
    g_assert_cmpint (run, >, (x1 - x0) * 0.6);
    g_assert_cmpint (run, <, (x1 - x0));
    g_assert_false (is_color (&picture, (int)x1, y, &style.palette[0], 1.0));
  }

  /* The hover look-up finds the bar under the pointer, anywhere across it. */
  g_assert_cmpint (tg_chart_index_at (&data, g, g->plot_x + 1), ==, 0);
  g_assert_cmpint (tg_chart_index_at (&data, g, g->plot_x + g->plot_width * 0.3), ==, 1);
  g_assert_cmpint (tg_chart_index_at (&data, g, g->plot_x + g->plot_width - 1), ==, 3);
}

/* The band fills between its low and high where it has them, and nowhere else. */
static void
test_band (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double actual[] = { 100e6, 120e6, 110e6, NAN, NAN, NAN };
  const double low[] = { NAN, NAN, 110e6, 90e6, 80e6, 70e6 };
  const double high[] = { NAN, NAN, 110e6, 150e6, 170e6, 190e6 };
  const TgChartSeries series[] = { { "Cost", actual, 0, FALSE } };
  const TgChartBand band = { "Forecast range", low, high, 4 };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  const TgChartGeometry *g = &picture.geometry;
  gint64 end;
  double x;
  double y_low;
  double y_high;
  double y_actual;

  instants = days (tz, 6, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_LINE, .time_zone = tz, .instants = instants, .n_points = 6,
    .start = instants[0], .end = instants[5], .series = series, .n_series = 1,
    .band = &band, .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
  screen_style (&style);
  draw (&picture, &data, &style);

  /* The axis reaches the band's top. */
  g_assert_cmpfloat (g->value_scale.max, >=, 190e6);

  x = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, instants[4]);
  y_low = g->plot_y + tg_value_scale_to_pixel (&g->value_scale, 80e6, g->plot_height);
  y_high = g->plot_y + tg_value_scale_to_pixel (&g->value_scale, 170e6, g->plot_height);
  g_assert_true (is_color (&picture, (int)x, (int)((y_low + y_high) / 2), &style.palette[4], 0.22));
  g_assert_true (is_color (&picture, (int)x, (int)y_high + 3, &style.palette[4], 0.22));
  g_assert_true (is_color (&picture, (int)x, (int)y_low - 3, &style.palette[4], 0.22));
  g_assert_false (is_color (&picture, (int)x, (int)y_high - 3, &style.palette[4], 0.22));
  g_assert_false (is_color (&picture, (int)x, (int)y_low + 3, &style.palette[4], 0.22));

  /* Where the band has no values there is no band, and the line is there. */
  x = g->plot_x + tg_time_scale_to_pixel (&g->time_scale, instants[1]);
  y_actual = g->plot_y + tg_value_scale_to_pixel (&g->value_scale, 120e6, g->plot_height);
  for (int y = (int)g->plot_y; y < (int)(g->plot_y + g->plot_height); y++)
    g_assert_false (is_color (&picture, (int)x, y, &style.palette[4], 0.22));
  g_assert_true (is_color (&picture, (int)x, (int)round (y_actual), &style.palette[0], 1.0));
}

/* Levels: a dashed line across the plot at each, in the level colour or the emphasis
 * colour, its label right of the plot; a level above every value raises the axis to it;
 * a NaN level is not drawn; without levels the plot keeps the whole width.
 */
static void
test_levels (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double actual[] = { 0, 8e6, 17e6, 25e6, 33e6, 41e6, 50e6, 58e6, 66e6, NAN };
  const TgChartSeries series[] = { { "Actual", actual, 0, FALSE } };
  const TgChartLine lines[] = {
    { "70 %", 63e6, FALSE },
    { "85 %", 76.5e6, TRUE },
    { "Budget", 90e6, FALSE },
    { "Nowhere", NAN, FALSE },
  };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  g_auto(Picture) plain = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  const TgChartGeometry *g = &picture.geometry;
  TgChartColor line_color;
  TgChartColor emphasis_color;
  gint64 end;

  instants = days (tz, 10, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_LINE, .time_zone = tz, .instants = instants, .n_points = 10,
    .start = instants[0], .end = end, .series = series, .n_series = 1,
    .lines = lines, .n_lines = G_N_ELEMENTS (lines),
    .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
  screen_style (&style);
  style.show_legend = FALSE;
  draw (&picture, &data, &style);

  /* The budget is above every value: the axis reaches it. Levels off the grid's ticks, so
   * that their pixels are theirs alone. */
  g_assert_cmpfloat (g->value_scale.max, >=, 90e6);
  for (guint i = 0; i < g->value_scale.n_ticks; i++)
    for (guint j = 0; j < 3; j++)
      g_assert_cmpfloat (tg_value_scale_tick (&g->value_scale, i), !=, lines[j].value);

  line_color = style.line;
  line_color.alpha = 1;
  emphasis_color = style.emphasis;
  emphasis_color.alpha = 1;

  for (guint i = 0; i < 3; i++)
    {
      int y = (int)floor (g->plot_y + tg_value_scale_to_pixel (&g->value_scale, lines[i].value,
                                                               g->plot_height));
      const TgChartColor *color = lines[i].emphasis ? &emphasis_color : &line_color;
      double alpha = lines[i].emphasis ? style.emphasis.alpha : style.line.alpha;
      int on = 0;
      int off = 0;
      int label = 0;

      /* Dashed: mostly drawn, with gaps, from one end of the plot to the other. */
      for (int x = (int)ceil (g->plot_x); x < (int)(g->plot_x + g->plot_width); x++)
        {
          if (is_color (&picture, x, y, color, alpha))
            on++;
          else if (is_color (&picture, x, y, &white, 1.0))
            off++;
        }
      g_assert_cmpint (on, >, g->plot_width * 0.45);
      g_assert_cmpint (off, >, g->plot_width * 0.2);
      g_assert_true (is_color (&picture, (int)ceil (g->plot_x) + 1, y, color, alpha));
      g_assert_true (is_color (&picture, (int)(g->plot_x + g->plot_width) - 2, y, color, alpha));

      /* The label, right of the plot at the line's height. */
      label = count_not_white (&picture, (int)ceil (g->plot_x + g->plot_width) + 2, MAX (0, y - 8),
                               WIDTH, MIN (HEIGHT, y + 8));
      g_assert_cmpint (label, >, 15);
    }

  /* The passed level's label is in the emphasis colour: orange, not grey. */
  {
    int y = (int)floor (g->plot_y + tg_value_scale_to_pixel (&g->value_scale, 76.5e6,
                                                             g->plot_height));
    int orange = 0;

    for (int py = MAX (0, y - 8); py < MIN (HEIGHT, y + 8); py++)
      for (int px = (int)ceil (g->plot_x + g->plot_width) + 2; px < WIDTH; px++)
        {
          int r, gr, b;

          pixel (&picture, px, py, &r, &gr, &b);
          orange += r - b > 80;
        }
    g_assert_cmpint (orange, >, 5);
  }

  /* The series is drawn over the levels. */
  {
    double x;
    double y;

    g_assert_true (tg_chart_point_position (&data, g, 0, 5, &x, &y));
    g_assert_true (is_color (&picture, (int)x, (int)round (y), &style.palette[0], 1.0));
  }

  /* Without levels: no label column, and the axis stays near the data. */
  data.lines = NULL;
  data.n_lines = 0;
  draw (&plain, &data, &style);
  g_assert_cmpfloat (plain.geometry.plot_width, >, g->plot_width);
  g_assert_cmpfloat (plain.geometry.value_scale.max, <, 90e6);
}

/* A hidden series leaves no pixel of its colour, in the plot or the legend, and the axis
 * leaves it out; shown again, it is there.
 */
static void
test_hidden (gconstpointer user_data)
{
  TgChartKind kind = GPOINTER_TO_INT (user_data);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  const double small[] = { 10, 20, 15, 30, 25, 20, 10 };
  const double large[] = { 500, 400, 450, 600, 550, 500, 480 };
  TgChartSeries series[] = {
    { "Small", small, 0, FALSE },
    { "Large", large, 1, TRUE },
  };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) hidden = { 0 };
  g_auto(Picture) shown = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  gint64 end;

  instants = days (tz, 7, &end);
  data = (TgChartData) {
    .kind = kind, .time_zone = tz, .instants = instants, .n_points = 7,
    .start = instants[0], .end = end, .series = series, .n_series = 2,
    .value_format = TG_VALUE_FORMAT_COUNT,
  };
  screen_style (&style);
  draw (&hidden, &data, &style);
  g_assert_cmpint (count_color (&hidden, &style.palette[1]), ==, 0);
  g_assert_cmpint (count_color (&hidden, &style.palette[0]), >, 20);
  if (kind != TG_CHART_KIND_HORIZONTAL_BARS)
    g_assert_cmpfloat (hidden.geometry.value_scale.max, <, 100);

  series[1].hidden = FALSE;
  draw (&shown, &data, &style);
  g_assert_cmpint (count_color (&shown, &style.palette[1]), >, 20);
  if (kind != TG_CHART_KIND_HORIZONTAL_BARS)
    g_assert_cmpfloat (shown.geometry.value_scale.max, >=, 600);
}

/* No series or no points: "No data" in the middle, nothing else. */
static void
test_no_data (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double values[] = { 1 };
  const TgChartSeries series[] = { { "Calls", values, 0, FALSE } };
  const gint64 instants[] = { 1790000000 };
  TgChartStyle style;

  screen_style (&style);
  for (TgChartKind kind = TG_CHART_KIND_LINE; kind <= TG_CHART_KIND_HORIZONTAL_BARS; kind++)
    {
      g_auto(Picture) no_points = { 0 };
      g_auto(Picture) no_series = { 0 };
      TgChartData data = {
        .kind = kind, .time_zone = tz, .instants = NULL, .n_points = 0,
        .start = 1790000000, .end = 1790000000 + DAY, .series = series, .n_series = 1,
      };

      g_assert_false (tg_chart_has_data (&data));
      draw (&no_points, &data, &style);
      g_assert_cmpint (count_not_white (&no_points, WIDTH / 3, HEIGHT / 3,
                                        2 * WIDTH / 3, 2 * HEIGHT / 3), >, 20);
      g_assert_cmpint (count_not_white (&no_points, 0, 0, WIDTH, HEIGHT / 3), ==, 0);
      g_assert_cmpint (count_not_white (&no_points, 0, 2 * HEIGHT / 3, WIDTH, HEIGHT), ==, 0);
      g_assert_cmpint (count_color (&no_points, &style.palette[0]), ==, 0);
      g_assert_cmpint (tg_chart_index_at (&data, &no_points.geometry, 100), ==, -1);

      data.instants = instants;
      data.n_points = 1;
      data.n_series = 0;
      draw (&no_series, &data, &style);
      g_assert_cmpint (count_not_white (&no_series, 0, 0, WIDTH, HEIGHT / 3), ==, 0);
      g_assert_cmpint (count_not_white (&no_series, WIDTH / 3, HEIGHT / 3,
                                        2 * WIDTH / 3, 2 * HEIGHT / 3), >, 20);
    }
}

/* One point shows: a dot for a line or an area, a bar for bars. */
static void
test_one_point (gconstpointer user_data)
{
  TgChartKind kind = GPOINTER_TO_INT (user_data);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Kathmandu");
  const double values[] = { 42 };
  const TgChartSeries series[] = { { "Calls", values, 2, FALSE } };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  gint64 end;
  double x;
  double y;

  instants = days (tz, 1, &end);
  data = (TgChartData) {
    .kind = kind, .time_zone = tz, .instants = instants, .n_points = 1,
    .start = instants[0] - (kind == TG_CHART_KIND_STACKED_BARS ? 0 : DAY / 2),
    .end = kind == TG_CHART_KIND_STACKED_BARS ? end : instants[0] + DAY / 2,
    .series = series, .n_series = 1, .value_format = TG_VALUE_FORMAT_COUNT,
  };
  screen_style (&style);
  style.show_legend = FALSE;
  draw (&picture, &data, &style);

  g_assert_cmpint (count_color (&picture, &style.palette[2]), >=, 12);
  g_assert_true (tg_chart_point_position (&data, &picture.geometry, 0, 0, &x, &y));
  g_assert_true (is_color (&picture, (int)x, (int)y + 1, &style.palette[2], 1.0));
  g_assert_cmpint (tg_chart_index_at (&data, &picture.geometry, 0), ==, 0);
  g_assert_cmpint (tg_chart_index_at (&data, &picture.geometry, WIDTH), ==, 0);
}

/* All zero: a flat line on the axis's zero, no bars, a default axis; nothing crashes. */
static void
test_all_zero (gconstpointer user_data)
{
  TgChartKind kind = GPOINTER_TO_INT (user_data);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Adelaide");
  const double zeros[] = { 0, 0, 0, 0, 0 };
  const TgChartSeries series[] = {
    { "Geoscape", zeros, 0, FALSE },
    { "HERE", zeros, 1, FALSE },
  };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  gint64 end;
  int zero_row;

  instants = days (tz, 5, &end);
  data = (TgChartData) {
    .kind = kind, .time_zone = tz, .instants = instants, .n_points = 5,
    .start = instants[0], .end = end, .series = series, .n_series = 2,
    .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
  screen_style (&style);
  style.show_legend = FALSE;
  draw (&picture, &data, &style);

  if (kind == TG_CHART_KIND_HORIZONTAL_BARS)
    {
      /* Labels and totals, tracks, and no bar. */
      g_assert_cmpint (count_not_white (&picture, 0, 0, WIDTH, HEIGHT), >, 100);
      g_assert_cmpint (count_color (&picture, &style.palette[0]), ==, 0);
      return;
    }

  g_assert_cmpfloat (picture.geometry.value_scale.min, ==, 0);
  g_assert_cmpfloat (picture.geometry.value_scale.max, ==, 1e6);
  zero_row = (int)floor (picture.geometry.plot_y + picture.geometry.plot_height);
  if (kind == TG_CHART_KIND_STACKED_BARS)
    {
      g_assert_cmpint (count_color (&picture, &style.palette[0]), ==, 0);
      g_assert_cmpint (count_color (&picture, &style.palette[1]), ==, 0);
    }
  else
    {
      /* The last series drawn is on top, along zero. */
      int on_zero = 0;

      for (int x = (int)picture.geometry.plot_x; x < WIDTH; x++)
        on_zero += is_color (&picture, x, zero_row, &style.palette[1], 1.0);
      g_assert_cmpint (on_zero, >, picture.geometry.plot_width * 0.75);
    }
  /* The axis is drawn: labels on the left. */
  g_assert_cmpint (count_not_white (&picture, 0, 0, (int)picture.geometry.plot_x, HEIGHT), >, 20);
}

/* A missing value breaks the line: nothing of it in the gap's column. */
static void
test_gap (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double values[] = { 10, 12, 11, NAN, NAN, 14, 13, 15 };
  const TgChartSeries series[] = { { "Latency", values, 0, FALSE } };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  const TgChartGeometry *g = &picture.geometry;
  gint64 end;
  double gap_x;

  instants = days (tz, 8, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_LINE, .time_zone = tz, .instants = instants, .n_points = 8,
    .start = instants[0], .end = instants[7], .series = series, .n_series = 1,
    .value_format = TG_VALUE_FORMAT_MILLISECONDS,
  };
  screen_style (&style);
  draw (&picture, &data, &style);

  gap_x = g->plot_x + (tg_time_scale_to_pixel (&g->time_scale, instants[3]) +
                       tg_time_scale_to_pixel (&g->time_scale, instants[4])) / 2;
  g_assert_cmpint (count_column (&picture, (int)gap_x, &style.palette[0]), ==, 0);
  g_assert_cmpint (count_column (&picture, (int)(g->plot_x + g->plot_width / 10), &style.palette[0]),
                   >, 0);
  g_assert_false (tg_chart_point_position (&data, g, 0, 3, NULL, NULL));
}

/* Horizontal bars are tg-bar-chart's, one a series, as long as its total. */
static void
test_horizontal_bars (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double a[] = { 60e6, 40e6 };
  const double b[] = { 25e6, 25e6 };
  const TgChartSeries series[] = { { "Geoscape", a, 0, FALSE }, { "HERE", b, 1, FALSE } };
  g_autofree gint64 *instants = NULL;
  g_auto(Picture) picture = { 0 };
  TgChartData data = { 0 };
  TgChartStyle style;
  int length_a = 0;
  int length_b = 0;
  gint64 end;

  instants = days (tz, 2, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_HORIZONTAL_BARS, .time_zone = tz, .instants = instants,
    .n_points = 2, .start = instants[0], .end = end, .series = series, .n_series = 2,
    .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
  screen_style (&style);
  draw (&picture, &data, &style);

  for (int y = 0; y < HEIGHT; y++)
    {
      int count_a = 0;
      int count_b = 0;

      for (int x = 0; x < WIDTH; x++)
        {
          count_a += is_color (&picture, x, y, &style.palette[0], 1.0);
          count_b += is_color (&picture, x, y, &style.palette[1], 1.0);
        }
      length_a = MAX (length_a, count_a);
      length_b = MAX (length_b, count_b);
    }
  g_assert_cmpint (length_a, >, WIDTH / 4);
  g_assert_cmpint (ABS (length_b * 2 - length_a), <=, 4);
}

/* The same drawing on a page of the reports' PDF document. */
static void
test_pdf (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  const double values[] = { 1, 2, 3, 4 };
  const TgChartSeries series[] = { { "Calls", values, 0, FALSE } };
  g_autoptr(TgPdfDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree gint64 *instants = NULL;
  TgChartGeometry geometry;
  TgChartData data = { 0 };
  TgChartStyle style;
  gint64 end;
  cairo_t *cr;

  instants = days (tz, 4, &end);
  data = (TgChartData) {
    .kind = TG_CHART_KIND_STACKED_AREA, .time_zone = tz, .instants = instants,
    .n_points = 4, .start = instants[0], .end = instants[3], .series = series, .n_series = 1,
    .value_format = TG_VALUE_FORMAT_COUNT,
  };

  dir = g_dir_make_tmp ("tollgate-chart-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "chart.pdf", NULL);
  document = tg_pdf_document_new (path, &error);
  g_assert_no_error (error);

  tg_chart_style_init (&style);
  cr = tg_pdf_document_get_cairo (document);
  cairo_save (cr);
  cairo_translate (cr, 56, 56);
  tg_chart_draw (cr, tg_pdf_document_get_width (document) - 112, 240, &data, &style, &geometry);
  cairo_restore (cr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpfloat (geometry.plot_width, >, 300);
  g_assert_true (tg_pdf_document_finish (document, &error));
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);
}

/* --- pictures for people --------------------------------------------------------------- */

typedef struct
{
  const char   *name;
  TgChartColor  background;
  TgChartColor  foreground;
  TgChartColor  emphasis;
} Theme;

/* Adwaita's window colours, light and dark, and its warning colours. */
static const Theme themes[] = {
  { "light", { 0.98, 0.98, 0.98, 1 }, { 0, 0, 0, 0.8 },
    { 0x9c / 255.0, 0x6e / 255.0, 0x03 / 255.0, 1 } },
  { "dark", { 0x24 / 255.0, 0x24 / 255.0, 0x24 / 255.0, 1 }, { 1, 1, 1, 1 },
    { 0xf8 / 255.0, 0xe4 / 255.0, 0x5c / 255.0, 1 } },
};

static void
save_png (const char         *dir,
          const char         *name,
          const Theme        *theme,
          const TgChartData  *data,
          double              width,
          double              height)
{
  g_autofree char *file = g_strdup_printf ("chart-%s-%s.png", name, theme->name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  cairo_surface_t *surface;
  TgChartStyle style;
  cairo_t *cr;

  tg_chart_style_init (&style);
  style.dpi = 96;
  style.font = "Cantarell 11";
  style.foreground = theme->foreground;
  style.secondary = (TgChartColor) { theme->foreground.red, theme->foreground.green,
                                     theme->foreground.blue, theme->foreground.alpha * 0.65 };
  style.grid = (TgChartColor) { theme->foreground.red, theme->foreground.green,
                                theme->foreground.blue, theme->foreground.alpha * 0.12 };
  style.line = (TgChartColor) { theme->foreground.red, theme->foreground.green,
                                theme->foreground.blue, theme->foreground.alpha * 0.55 };
  style.emphasis = theme->emphasis;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)width + 48, (int)height + 48);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, theme->background.red, theme->background.green,
                        theme->background.blue);
  cairo_paint (cr);
  cairo_translate (cr, 24, 24);
  tg_chart_draw (cr, width, height, data, &style, NULL);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* A day's cost of a provider: weekdays busier than weekends, a little noise. */
static double
daily_cost (guint provider,
            guint day)
{
  static const double base[] = { 310, 120, 64, 18 };
  double weekday = (day + 6) % 7 >= 5 ? 0.55 : 1.0;  /* 1 Nov 2026 is a Sunday */

  return base[provider] * weekday * (0.85 + 0.3 * fabs (sin (day * 1.7 + provider))) * 1e6;
}

static void
test_pictures (void)
{
  const char *dir = g_getenv ("TOLLGATE_CHART_PNGS");
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Australia/Sydney");
  static const char * const providers[] = { "Geoscape", "OpenAI", "HERE", "Postcodes.io" };
  enum { N_DAYS = 30, N_HOURS = 72 };
  double costs[4][N_DAYS];
  double latency[2][N_HOURS];
  double calls[3][N_HOURS];
  double actual[N_DAYS];
  double low[N_DAYS];
  double high[N_DAYS];
  gint64 hours[N_HOURS];
  g_autofree gint64 *instants = NULL;
  TgChartSeries cost_series[4];
  TgChartSeries latency_series[2];
  TgChartSeries call_series[3];
  TgChartSeries actual_series[1];
  TgChartBand band = { "Forecast range", low, high, 0 };
  gint64 end;

  instants = days (tz, N_DAYS, &end);
  for (guint p = 0; p < 4; p++)
    {
      for (guint i = 0; i < N_DAYS; i++)
        costs[p][i] = daily_cost (p, i);
      cost_series[p] = (TgChartSeries) { providers[p], costs[p], p, FALSE };
    }

  hours[0] = instants[0];
  for (guint i = 1; i < N_HOURS; i++)
    hours[i] = tg_time_bucket_next (tz, TG_BUCKET_HOUR, hours[i - 1]);
  for (guint i = 0; i < N_HOURS; i++)
    {
      double daytime = 0.5 + 0.5 * sin ((i % 24 - 6) * G_PI / 12);

      latency[0][i] = 180 + 420 * daytime + 60 * sin (i * 2.3);
      latency[1][i] = i >= 30 && i < 36 ? NAN : 900 + 700 * daytime + 150 * sin (i * 1.1);
      calls[0][i] = 4000 + 18000 * daytime;
      calls[1][i] = 2000 + 9000 * daytime * (0.8 + 0.2 * sin (i));
      calls[2][i] = 500 + 3000 * daytime;
    }
  latency_series[0] = (TgChartSeries) { "Geoscape p95", latency[0], 0, FALSE };
  latency_series[1] = (TgChartSeries) { "OpenAI p95", latency[1], 3, FALSE };
  for (guint s = 0; s < 3; s++)
    call_series[s] = (TgChartSeries) { providers[s], calls[s], s, FALSE };

  /* The forecast goes on from the last actual day at the last week's mean, its range
   * widening by the day.
   */
  {
    double mean = 0;

    for (guint i = 0; i < N_DAYS; i++)
      {
        actual[i] = 0;
        for (guint p = 0; p < 4; p++)
          actual[i] += costs[p][i];
      }
    for (guint i = 13; i < 20; i++)
      mean += actual[i] / 7;
    for (guint i = 0; i < N_DAYS; i++)
      {
        double days_ahead = i >= 19 ? i - 19 : 0;
        double center = actual[19] + (mean - actual[19]) * MIN (1.0, days_ahead / 3);

        low[i] = i >= 19 ? center - 25e6 * days_ahead : NAN;
        high[i] = i >= 19 ? center + 35e6 * days_ahead : NAN;
        if (i > 19)
          actual[i] = NAN;
      }
  }
  actual_series[0] = (TgChartSeries) { "Cost per day", actual, 0, FALSE };

  for (guint t = 0; t < G_N_ELEMENTS (themes); t++)
    {
      const Theme *theme = &themes[t];
      TgChartData bars = {
        .kind = TG_CHART_KIND_STACKED_BARS, .time_zone = tz, .instants = instants,
        .n_points = N_DAYS, .start = instants[0], .end = end, .series = cost_series,
        .n_series = 4, .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
      };
      TgChartData lines = {
        .kind = TG_CHART_KIND_LINE, .time_zone = tz, .instants = hours, .n_points = N_HOURS,
        .start = hours[0], .end = hours[N_HOURS - 1] + 3600, .series = latency_series,
        .n_series = 2, .value_format = TG_VALUE_FORMAT_MILLISECONDS,
      };
      TgChartData areas = {
        .kind = TG_CHART_KIND_STACKED_AREA, .time_zone = tz, .instants = hours,
        .n_points = N_HOURS, .start = hours[0], .end = hours[N_HOURS - 1],
        .series = call_series, .n_series = 3, .value_format = TG_VALUE_FORMAT_COUNT,
      };
      TgChartData horizontal = bars;
      TgChartData forecast = {
        .kind = TG_CHART_KIND_LINE, .time_zone = tz, .instants = instants,
        .n_points = N_DAYS, .start = instants[0], .end = instants[N_DAYS - 1],
        .series = actual_series, .n_series = 1, .band = &band,
        .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
      };
      TgChartData empty = { .kind = TG_CHART_KIND_LINE, .time_zone = tz };
      TgChartData budget = forecast;
      const TgChartLine levels[] = {
        { "70 %", 0.7 * 800e6, TRUE }, { "85 %", 0.85 * 800e6, FALSE },
        { "95 %", 0.95 * 800e6, FALSE }, { "Budget", 800e6, FALSE },
      };

      horizontal.kind = TG_CHART_KIND_HORIZONTAL_BARS;
      save_png (dir, "stacked-bars", theme, &bars, 720, 320);
      save_png (dir, "line", theme, &lines, 720, 320);
      save_png (dir, "stacked-area", theme, &areas, 720, 320);
      save_png (dir, "horizontal-bars", theme, &horizontal, 520, 160);
      save_png (dir, "band", theme, &forecast, 720, 320);
      save_png (dir, "no-data", theme, &empty, 400, 200);
      save_png (dir, "narrow-bars", theme, &bars, 320, 220);
      budget.lines = levels;
      budget.n_lines = G_N_ELEMENTS (levels);
      save_png (dir, "levels", theme, &budget, 720, 320);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char  *name;
    TgChartKind  kind;
  } kinds[] = {
    { "line", TG_CHART_KIND_LINE },
    { "stacked-area", TG_CHART_KIND_STACKED_AREA },
    { "stacked-bars", TG_CHART_KIND_STACKED_BARS },
    { "horizontal-bars", TG_CHART_KIND_HORIZONTAL_BARS },
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/chart/bar-height", test_bar_height);
  g_test_add_func ("/tollgate/unit/chart/band", test_band);
  g_test_add_func ("/tollgate/unit/chart/levels", test_levels);
  g_test_add_func ("/tollgate/unit/chart/no-data", test_no_data);
  g_test_add_func ("/tollgate/unit/chart/gap", test_gap);
  g_test_add_func ("/tollgate/unit/chart/horizontal-bars", test_horizontal_bars);
  g_test_add_func ("/tollgate/unit/chart/pdf", test_pdf);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *hidden = g_strdup_printf ("/tollgate/unit/chart/hidden/%s", kinds[i].name);
      g_autofree char *zero = g_strdup_printf ("/tollgate/unit/chart/all-zero/%s", kinds[i].name);
      g_autofree char *one = g_strdup_printf ("/tollgate/unit/chart/one-point/%s", kinds[i].name);

      g_test_add_data_func (hidden, GINT_TO_POINTER (kinds[i].kind), test_hidden);
      g_test_add_data_func (zero, GINT_TO_POINTER (kinds[i].kind), test_all_zero);
      if (kinds[i].kind != TG_CHART_KIND_HORIZONTAL_BARS)
        g_test_add_data_func (one, GINT_TO_POINTER (kinds[i].kind), test_one_point);
    }
  if (g_getenv ("TOLLGATE_CHART_PNGS") != NULL)
    g_test_add_func ("/tollgate/unit/chart/pictures", test_pictures);

  return g_test_run ();
}
