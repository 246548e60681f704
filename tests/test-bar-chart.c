/* test-bar-chart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The bar chart renderer that the Overview's chart widget and the PDF report share: its
 * geometry on an image surface, and a summary report read back with pdftotext.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tg-bar-chart.h"
#include "tg-summary-report.h"
#include "tg-test-programs.h"

#define WIDTH 600

static gboolean
is_color (const guint8       *pixel,
          const TgChartColor *color)
{
  /* CAIRO_FORMAT_RGB24, native endian: B, G, R, unused on little-endian machines. */
  guint32 value = *(const guint32 *)pixel;
  int r = (value >> 16) & 0xff;
  int g = (value >> 8) & 0xff;
  int b = value & 0xff;

  return ABS (r - (int)(color->red * 255)) <= 2 &&
         ABS (g - (int)(color->green * 255)) <= 2 &&
         ABS (b - (int)(color->blue * 255)) <= 2;
}

/* How many pixels of row @y have @color. */
static int
count_color (cairo_surface_t    *surface,
             int                 y,
             const TgChartColor *color)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int count = 0;

  for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
    if (is_color (data + y * stride + x * 4, color))
      count++;

  return count;
}

static void
test_geometry (void)
{
  const TgBarChartItem items[] = {
    { "Geoscape", "$100.00 AUD · 57%", 100000000, 0 },
    { "OpenAI", "$50.00 AUD · 29%", 50000000, 1 },
    { "Postcodes.io", "$0.00 AUD · 0%", 0, 2 },
    { "HERE", "$25.00 AUD · 14%", 25000000, 3 },
  };
  TgBarChartStyle style;
  cairo_surface_t *surface;
  cairo_t *cr;
  double height;
  double row_height;
  int lengths[G_N_ELEMENTS (items)];

  tg_bar_chart_style_init (&style);
  style.dpi = 96;
  height = tg_bar_chart_get_height (&style, G_N_ELEMENTS (items));
  g_assert_cmpfloat (height, >, 0);
  row_height = height / G_N_ELEMENTS (items);
  g_assert_cmpfloat (tg_bar_chart_get_height (&style, 0), ==, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, (int)height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tg_bar_chart_draw (cr, WIDTH, height, items, G_N_ELEMENTS (items), &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Each bar is in its row, in its palette colour, as long as its share of the largest. */
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      int y = (int)(row_height * i + row_height / 2);

      lengths[i] = count_color (surface, y, &style.palette[items[i].color_index]);
    }

  g_assert_cmpint (lengths[0], >, WIDTH / 4);
  g_assert_cmpint (lengths[0], <, WIDTH);
  g_assert_cmpint (ABS (lengths[1] * 2 - lengths[0]), <=, 4);
  g_assert_cmpint (ABS (lengths[3] * 4 - lengths[0]), <=, 8);
  g_assert_cmpint (lengths[2], ==, 0);

  /* Nothing to draw is nothing drawn, not a crash. */
  cr = cairo_create (surface);
  tg_bar_chart_draw (cr, WIDTH, height, NULL, 0, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);

  cairo_surface_destroy (surface);
}

static void
test_summary_report (void)
{
  g_autoptr(TgSummaryReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const TgBarChartItem items[] = {
    { "Geoscape", "$9,927.50 AUD · 74%", 9927500000, 0 },
    { "Canada Post", "$2,883.29 AUD · 22%", 2883290000, 1 },
  };
  const char *columns[] = { "Provider", "Calls", "Cost", NULL };
  const char *row1[] = { "Geoscape", "85,115", "$9,927.50 AUD", NULL };
  const char *row2[] = { "Canada Post", "38,201", NULL };

  dir = g_dir_make_tmp ("tollgate-chart-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "overview.pdf", NULL);

  report = tg_summary_report_new ("Tollgate — API Usage Overview", "November 2026 to date");
  tg_summary_report_set_chart (report, "Cost by Provider", items, G_N_ELEMENTS (items));
  tg_summary_report_set_table (report, "Providers", columns);
  tg_summary_report_add_row (report, row1);
  tg_summary_report_add_row (report, row2);
  tg_summary_report_set_footer (report, "Total $12,810.79 AUD");

  /* Written here on the test's thread; the Overview writes it on another
   * (tg_report_export_async()), which is why the report keeps copies of every text. */
  g_assert_true (tg_summary_report_write (report, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Without pdftotext the text is not checked: the test then fails inside
   * tools/with-services and is skipped outside, never passed.
   */
  text = tg_test_pdf_text (path);
  if (text != NULL)
    {
      static const char * const expected[] = {
        "Tollgate — API Usage Overview", "November 2026 to date", "Cost by Provider",
        "$9,927.50 AUD · 74%", "$2,883.29 AUD · 22%", "Canada Post", "38,201",
        "Total $12,810.79 AUD",
      };

      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        if (strstr (text, expected[i]) == NULL)
          g_error ("“%s” is not in the PDF:\n%s", expected[i], text);
    }

  g_unlink (path);
  g_rmdir (dir);

  /* An unwritable place is an error, not a crash. */
  g_assert_false (tg_summary_report_write (report, "/nonexistent-tollgate-dir/x.pdf", &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/bar-chart/geometry", test_geometry);
  g_test_add_func ("/tollgate/unit/bar-chart/summary-report", test_summary_report);

  return g_test_run ();
}
