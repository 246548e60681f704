/* test-chart-widget.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The time-chart widget on a real display (Xvfb inside tools/with-services), in a window
 * of its own with libadwaita's style and the application's CSS: hover through its motion
 * and key controllers, the hover box's exact values, a legend entry that hides a series,
 * the accessible description, and light and dark colours. Outside the wrapper a missing
 * display skips.
 *
 * With TOLLGATE_CHART_PNGS=DIR it leaves pictures of the widget, hovered, in light and
 * dark, for people to look at.
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "tg-chart-widget.h"
#include "tg-test-ui.h"
#include "tg-time-bucket.h"

#define N_DAYS 30

static gboolean have_display;

typedef struct
{
  GTimeZone     *tz;
  gint64         instants[N_DAYS];
  gint64         end;
  double         values[3][N_DAYS];
  TgChartSeries  series[3];
  TgChartData    data;
} Fixture;

/* Cost per day by provider in November 2026, Sydney: Geoscape peaks at $412.30 on the
 * 14th; OpenAI's highest is $390.00 on the 20th; HERE has a missing day.
 */
static void
fixture_init (Fixture *f)
{
  static const char * const names[] = { "Geoscape", "OpenAI", "HERE" };
  g_autoptr(GDateTime) first = NULL;

  f->tz = g_time_zone_new_identifier ("Australia/Sydney");
  first = g_date_time_new (f->tz, 2026, 11, 1, 0, 0, 0);
  f->instants[0] = g_date_time_to_unix (first);
  for (guint i = 1; i < N_DAYS; i++)
    f->instants[i] = tg_time_bucket_next (f->tz, TG_BUCKET_DAY, f->instants[i - 1]);
  f->end = tg_time_bucket_next (f->tz, TG_BUCKET_DAY, f->instants[N_DAYS - 1]);

  for (guint i = 0; i < N_DAYS; i++)
    {
      f->values[0][i] = (250 + 50 * sin (i)) * 1e6 + 123456;
      f->values[1][i] = (120 + 40 * cos (i)) * 1e6;
      f->values[2][i] = i == 7 ? NAN : 30e6 + i * 10000;
    }
  f->values[0][13] = 412300000;
  f->values[1][19] = 390e6;

  for (guint s = 0; s < 3; s++)
    f->series[s] = (TgChartSeries) { names[s], f->values[s], s, FALSE };

  f->data = (TgChartData) {
    .kind = TG_CHART_KIND_STACKED_BARS, .time_zone = f->tz, .instants = f->instants,
    .n_points = N_DAYS, .start = f->instants[0], .end = f->end, .series = f->series,
    .n_series = 3, .value_format = TG_VALUE_FORMAT_MONEY, .currency = "AUD",
  };
}

static void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->tz, g_time_zone_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

/* Waits for a frame of @window drawn with what it shows now. */
static void
wait_for_frame (GtkWidget *window)
{
  gboolean drawn = FALSE;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &drawn);
  gtk_widget_queue_draw (window);
  TG_TEST_ITERATE_UNTIL (drawn);
  g_signal_handlers_disconnect_by_data (clock, &drawn);
}

static GtkWidget *
show_chart (TgChartWidget *chart)
{
  GtkWidget *window = gtk_window_new ();

  g_object_ref (window);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 400);
  gtk_widget_set_margin_start (GTK_WIDGET (chart), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (chart), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (chart), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (chart), 18);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (chart));
  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (chart)) &&
                         gtk_widget_get_width (GTK_WIDGET (chart)) > 0);
  wait_for_frame (window);

  return window;
}

static void
close_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }

  g_error ("no %s on the widget", g_type_name (type));
}

static gboolean
press_key (TgChartWidget *chart,
           guint          keyval)
{
  GtkEventController *keys = find_controller (GTK_WIDGET (chart), GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, (GdkModifierType)0, &handled);
  return handled;
}

static void
assert_description (TgChartWidget *chart,
                    const char    *expected)
{
  g_autofree char *description = tg_chart_widget_dup_description (chart);
  g_autofree char *mismatch = NULL;

  g_assert_cmpstr (description, ==, expected);
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart),
                                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
  if (mismatch != NULL)
    g_error ("the accessible description is “%s”", mismatch);
}

/* Made, shown, closed: nothing keeps it alive; a widget never shown goes too. */
static void
test_create (void)
{
  g_auto(Fixture) f = { 0 };
  TgChartWidget *chart;
  GtkWidget *window;

  if (!tg_test_ui_require_display (have_display))
    return;

  fixture_init (&f);

  chart = TG_CHART_WIDGET (tg_chart_widget_new ());
  g_object_ref_sink (chart);
  tg_chart_widget_set_data (chart, &f.data);
  g_assert_finalize_object (chart);

  chart = TG_CHART_WIDGET (tg_chart_widget_new ());
  g_object_ref (chart);
  tg_chart_widget_set_title (chart, "Cost per day by provider");
  tg_chart_widget_set_data (chart, &f.data);
  window = show_chart (chart);
  g_assert_cmpuint (tg_chart_widget_get_n_series (chart), ==, 3);

  /* Levels are copied with their labels: the caller's go away before the next frame. */
  {
    TgChartLine *lines = g_new0 (TgChartLine, 2);

    lines[0] = (TgChartLine) { g_strdup ("85 %"), 850e6, TRUE };
    lines[1] = (TgChartLine) { g_strdup ("Budget"), 1000e6, FALSE };
    f.data.lines = lines;
    f.data.n_lines = 2;
    tg_chart_widget_set_data (chart, &f.data);
    g_free ((char *)lines[0].label);
    g_free ((char *)lines[1].label);
    g_free (lines);
    f.data.lines = NULL;
    f.data.n_lines = 0;
    wait_for_frame (window);
  }

  close_window (window);
  g_assert_finalize_object (chart);
}

/* The pointer and the keys hover points; the box says the exact values. */
static void
test_hover (void)
{
  g_auto(Fixture) f = { 0 };
  g_autofree char *text = NULL;
  TgChartWidget *chart;
  GtkEventController *motion;
  GtkWidget *window;
  int width;
  int height;
  int index;

  if (!tg_test_ui_require_display (have_display))
    return;

  fixture_init (&f);
  chart = TG_CHART_WIDGET (tg_chart_widget_new ());
  tg_chart_widget_set_data (chart, &f.data);
  window = show_chart (chart);
  width = gtk_widget_get_width (GTK_WIDGET (chart));
  height = gtk_widget_get_height (GTK_WIDGET (chart));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  g_assert_null (tg_chart_widget_dup_hover_text (chart));

  /* Across the plot, left to right, the index only grows, from the first day to the last. */
  motion = find_controller (GTK_WIDGET (chart), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_signal_emit_by_name (motion, "enter", (double)width / 2, (double)height / 2);
  g_signal_emit_by_name (motion, "motion", (double)width - 2, (double)height / 2);
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, N_DAYS - 1);
  index = 0;
  for (int x = 80; x < width; x += 20)
    {
      g_signal_emit_by_name (motion, "motion", (double)x, (double)height / 2);
      g_assert_cmpint (tg_chart_widget_get_hover_index (chart), >=, index);
      index = tg_chart_widget_get_hover_index (chart);
    }
  g_assert_cmpint (index, ==, N_DAYS - 1);
  g_signal_emit_by_name (motion, "motion", (double)width / 2, (double)height / 2);
  index = tg_chart_widget_get_hover_index (chart);
  g_assert_cmpint (index, >, N_DAYS / 2 - 4);
  g_assert_cmpint (index, <, N_DAYS / 2 + 4);
  wait_for_frame (window);

  /* Over the legend, or gone: nothing. */
  g_signal_emit_by_name (motion, "motion", (double)width / 2, 2.0);
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  g_signal_emit_by_name (motion, "motion", (double)width / 2, (double)height / 2);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);

  /* The keys move only while the chart itself has the focus: with a legend entry focused
   * they are left to move between entries.
   */
  gtk_widget_grab_focus (tg_test_ui_find_widget (GTK_WIDGET (chart), GTK_TYPE_TOGGLE_BUTTON));
  g_assert_false (press_key (chart, GDK_KEY_Right));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  gtk_widget_grab_focus (GTK_WIDGET (chart));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (chart)));
  g_assert_true (press_key (chart, GDK_KEY_Home));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, 0);
  g_assert_true (press_key (chart, GDK_KEY_Left));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, 0);
  for (guint i = 0; i < 13; i++)
    g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, 13);

  text = tg_chart_widget_dup_hover_text (chart);
  g_assert_cmpstr (text, ==, "Sat 14 Nov 2026\n"
                             "Geoscape: $412.30 AUD\n"
                             "OpenAI: $156.30 AUD\n"
                             "HERE: $30.13 AUD\n"
                             "Total: $598.73 AUD");
  g_clear_pointer (&text, g_free);

  /* A missing value says so. */
  tg_chart_widget_set_hover_index (chart, 7);
  text = tg_chart_widget_dup_hover_text (chart);
  g_assert_nonnull (strstr (text, "HERE: —"));

  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, N_DAYS - 1);
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, N_DAYS - 1);
  g_assert_true (press_key (chart, GDK_KEY_Escape));
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  wait_for_frame (window);

  close_window (window);
}

/* A legend entry, activated as the keyboard does, hides its series and says so; the
 * description follows; activated again, it is back.
 */
static void
test_legend (void)
{
  g_auto(Fixture) f = { 0 };
  g_autofree char *text = NULL;
  TgChartWidget *chart;
  GtkWidget *window;
  GtkWidget *button;

  if (!tg_test_ui_require_display (have_display))
    return;

  fixture_init (&f);
  chart = TG_CHART_WIDGET (tg_chart_widget_new ());
  tg_chart_widget_set_title (chart, "Cost per day by provider");
  tg_chart_widget_set_data (chart, &f.data);
  window = show_chart (chart);

  assert_description (chart, "Cost per day by provider, 1 to 30 November 2026; "
                             "highest: Geoscape, $412.30 AUD on 14 November");

  button = tg_test_ui_find_widget (GTK_WIDGET (chart), GTK_TYPE_TOGGLE_BUTTON);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_focusable (button) || gtk_widget_get_can_focus (button));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  /* As Space or Enter does: the button shows itself pressed for a moment, then toggles. */
  g_assert_true (gtk_widget_activate (button));
  TG_TEST_ITERATE_UNTIL (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_false (tg_chart_widget_get_series_visible (chart, 0));
  assert_description (chart, "Cost per day by provider, 1 to 30 November 2026; "
                             "highest: OpenAI, $390.00 AUD on 20 November");
  wait_for_frame (window);

  tg_chart_widget_set_hover_index (chart, 13);
  text = tg_chart_widget_dup_hover_text (chart);
  g_assert_null (strstr (text, "Geoscape"));
  g_assert_nonnull (strstr (text, "Total: $186.43 AUD"));

  /* The API and the button agree. */
  tg_chart_widget_set_series_visible (chart, 0, TRUE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  for (guint s = 0; s < 3; s++)
    tg_chart_widget_set_series_visible (chart, s, FALSE);
  assert_description (chart, "Cost per day by provider, 1 to 30 November 2026; "
                             "every series is hidden");

  /* No data. */
  f.data.n_points = 0;
  tg_chart_widget_set_data (chart, &f.data);
  assert_description (chart, "Cost per day by provider: no data");
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  tg_chart_widget_set_hover_index (chart, 3);
  g_assert_cmpint (tg_chart_widget_get_hover_index (chart), ==, -1);
  wait_for_frame (window);

  close_window (window);
}

static void
save_png (GtkWidget  *window,
          const char *name)
{
  const char *dir = g_getenv ("TOLLGATE_CHART_PNGS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  if (dir == NULL)
    return;

  wait_for_frame (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The theme's colours reach the drawing: dark text on light, light text on dark. */
static void
test_colors (void)
{
  g_auto(Fixture) f = { 0 };
  AdwStyleManager *manager;
  TgChartWidget *chart;
  GtkWidget *window;
  GdkRGBA light;
  GdkRGBA dark;

  if (!tg_test_ui_require_display (have_display))
    return;

  fixture_init (&f);
  manager = adw_style_manager_get_default ();
  chart = TG_CHART_WIDGET (tg_chart_widget_new ());
  tg_chart_widget_set_title (chart, "Cost per day by provider");
  tg_chart_widget_set_data (chart, &f.data);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  window = show_chart (chart);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (chart)), &light);
  g_assert_cmpfloat (light.red + light.green + light.blue, <, 1.0);
  tg_chart_widget_set_hover_index (chart, 13);
  save_png (window, "chart-widget-light.png");

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_for_frame (window);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (chart)), &dark);
  g_assert_cmpfloat (dark.red + dark.green + dark.blue, >, 2.0);
  tg_chart_widget_set_series_visible (chart, 1, FALSE);
  save_png (window, "chart-widget-dark.png");

  f.data.kind = TG_CHART_KIND_LINE;
  f.data.end = f.instants[N_DAYS - 1];
  tg_chart_widget_set_data (chart, &f.data);
  tg_chart_widget_set_hover_index (chart, 19);
  save_png (window, "chart-widget-line-dark.png");

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The test accessibility backend keeps the properties the widget sets, for
   * gtk_test_accessible_check_property(); without one (GTK_A11Y=none) there are none.
   */
  g_setenv ("GTK_A11Y", "test", TRUE);
  have_display = gtk_init_check ();
  if (have_display)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      adw_init ();
      gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  g_test_add_func ("/tollgate/ui/chart-widget/create", test_create);
  g_test_add_func ("/tollgate/ui/chart-widget/hover", test_hover);
  g_test_add_func ("/tollgate/ui/chart-widget/legend", test_legend);
  g_test_add_func ("/tollgate/ui/chart-widget/colors", test_colors);

  return g_test_run ();
}
