/* tg-chart-widget.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A time chart on screen: src/report's tg_chart_draw(), which the PDF reports call with
 * the same data, under a legend of toggle buttons that hide and show each series. The
 * drawing is kept as a render node until the data, the size, the hidden series or the
 * style change; moving the pointer or the arrow keys only redraws the hover marker over
 * it: a line through the hovered point, a dot on each series, and a box with the exact
 * values (money to the cent, from the micro-units).
 *
 * Colours come from the theme in css_changed: the text colour for labels, grid and levels
 * (a budget's thresholds), libadwaita's warning colour for a level passed, its named
 * popover colours for the box, and GNOME's palette for the series, the
 * same as the swatches of style.css. The accessible description says what the chart
 * shows, over which days, and its highest value, so that a screen reader gets the gist
 * that the picture gives at a glance.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-chart-widget.h"
#include "tg-time-bucket.h"

#define LEGEND_GAP     6     /* between the legend and the drawing */
#define MARKER_RADIUS  4.0
#define BOX_PADDING    8.0
#define BOX_OFFSET     12.0  /* between the hover line and the box */
#define BAR_ROW_HEIGHT 34    /* a horizontal bar and the space to the next */

struct _TgChartWidget
{
  GtkWidget        parent_instance;

  /* owned children */
  GtkWidget       *legend;       /* a toggle button a series, then the band's key; a flow
                                  * box, so that many series wrap rather than widen */

  /* owned: the copy of the data that @data points into */
  char            *title;
  GTimeZone       *time_zone;
  gint64          *instants;
  TgChartSeries   *series;       /* labels and values owned */
  TgChartBand     *band;         /* label, low and high owned; NULL without a band */
  TgChartLine     *lines;        /* labels owned */
  char            *currency;
  TgChartData      data;

  /* owned: drawing */
  char            *font;
  TgChartStyle     style;
  GdkRGBA          box_background;
  GdkRGBA          box_foreground;
  GdkRGBA          ring;         /* around the hover dots: the view's background */
  GskRenderNode   *cache;
  int              cache_width;
  int              cache_height;
  TgChartGeometry  geometry;     /* of the cached drawing */
  int              chart_y;      /* where the drawing starts, under the legend */

  int              hover_index;  /* -1: none */
  int              natural_width;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_HOVER_INDEX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ACTIVATE_POINT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TgChartWidget, tg_chart_widget, GTK_TYPE_WIDGET)

static void
clear_data (TgChartWidget *self)
{
  for (guint i = 0; self->series != NULL && i < self->data.n_series; i++)
    {
      g_free ((char *)self->series[i].label);
      g_free ((double *)self->series[i].values);
    }
  g_clear_pointer (&self->series, g_free);
  if (self->band != NULL)
    {
      g_free ((char *)self->band->label);
      g_free ((double *)self->band->low);
      g_free ((double *)self->band->high);
      g_clear_pointer (&self->band, g_free);
    }
  for (guint i = 0; self->lines != NULL && i < self->data.n_lines; i++)
    g_free ((char *)self->lines[i].label);
  g_clear_pointer (&self->lines, g_free);
  g_clear_pointer (&self->instants, g_free);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->currency, g_free);
  self->data = (TgChartData) { 0 };
}

static void
invalidate (TgChartWidget *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
has_hover (TgChartWidget *self)
{
  return tg_chart_has_data (&self->data) && self->data.kind != TG_CHART_KIND_HORIZONTAL_BARS;
}

static GDateTime *
local_time (TgChartWidget *self,
            gint64         instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);

  return g_date_time_to_timezone (utc, self->time_zone);
}

/* Whether every point is a whole local day (or longer), so that times of day say nothing. */
static gboolean
points_are_days (TgChartWidget *self)
{
  for (guint i = 0; i < self->data.n_points; i++)
    if (tg_time_bucket_floor (self->time_zone, TG_BUCKET_DAY, self->instants[i]) !=
        self->instants[i])
      return FALSE;

  return TRUE;
}

/* "1 to 30 November 2026", "28 October to 3 November 2026", "14 November 2026". */
static char *
format_range (TgChartWidget *self)
{
  g_autoptr(GDateTime) first = local_time (self, self->instants[0]);
  g_autoptr(GDateTime) last = local_time (self, self->instants[self->data.n_points - 1]);
  g_autofree char *from = NULL;
  g_autofree char *to = g_date_time_format (last, "%-d %B %Y");

  if (g_date_time_get_year (first) != g_date_time_get_year (last))
    from = g_date_time_format (first, "%-d %B %Y");
  else if (g_date_time_get_month (first) != g_date_time_get_month (last))
    from = g_date_time_format (first, "%-d %B");
  else if (g_date_time_get_day_of_month (first) != g_date_time_get_day_of_month (last))
    from = g_date_time_format (first, "%-d");
  else
    return g_steal_pointer (&to);

  /* TRANSLATORS: the days a chart covers, "1 to 30 November 2026" */
  return g_strdup_printf (_("%s to %s"), from, to);
}

/**
 * tg_chart_widget_dup_description:
 *
 * Returns: (transfer full): what the chart shows in words, its accessible description:
 *   "Cost per day by provider, 1 to 30 November 2026; highest: Geoscape, $412.30 AUD on
 *   14 November"
 */
char *
tg_chart_widget_dup_description (TgChartWidget *self)
{
  g_autofree char *range = NULL;
  g_autofree char *value = NULL;
  g_autofree char *when = NULL;
  g_autoptr(GDateTime) local = NULL;
  const char *title;
  gssize best_series = -1;
  guint best_index = 0;

  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), NULL);

  title = self->title != NULL ? self->title : _("Chart");
  if (!tg_chart_has_data (&self->data))
    /* TRANSLATORS: the accessible description of a chart without figures, "Cost per day: no data" */
    return g_strdup_printf (_("%s: no data"), title);

  range = format_range (self);
  for (guint s = 0; s < self->data.n_series; s++)
    {
      if (self->series[s].hidden)
        continue;

      for (guint i = 0; i < self->data.n_points; i++)
        if (isfinite (self->series[s].values[i]) &&
            (best_series < 0 ||
             self->series[s].values[i] > self->series[best_series].values[best_index]))
          {
            best_series = s;
            best_index = i;
          }
    }

  if (best_series < 0)
    /* TRANSLATORS: a chart's accessible description when it shows no series, "Cost per day, 1 to 30 November 2026; every series is hidden" */
    return g_strdup_printf (_("%s, %s; every series is hidden"), title, range);

  value = tg_value_format_exact (self->data.value_format,
                                 self->series[best_series].values[best_index],
                                 self->data.currency);
  local = local_time (self, self->instants[best_index]);
  /* TRANSLATORS: when a chart's highest value was, "14 November" or "14 November at 14:00" */
  when = g_date_time_format (local, points_are_days (self) ? _("%-d %B") : _("%-d %B at %H:%M"));

  /* TRANSLATORS: a chart's accessible description: what it shows, over which days, and its
   * highest value, "Cost per day by provider, 1 to 30 November 2026; highest: Geoscape,
   * $412.30 AUD on 14 November"
   */
  return g_strdup_printf (_("%s, %s; highest: %s, %s on %s"), title, range,
                          self->series[best_series].label, value, when);
}

static void
update_accessible (TgChartWidget *self)
{
  g_autofree char *description = tg_chart_widget_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->title != NULL ? self->title : _("Chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

typedef struct
{
  char  *label;
  char  *value;
  guint  color_index;
  gboolean has_color;
} HoverLine;

static void
clear_hover_line (gpointer data)
{
  HoverLine *line = data;

  g_clear_pointer (&line->label, g_free);
  g_clear_pointer (&line->value, g_free);
}

/* The hovered point's time and a line a visible series, with the stack's total and the
 * band's range where there are.
 */
static GArray *
hover_lines (TgChartWidget  *self,
             char          **header)
{
  g_autoptr(GDateTime) local = NULL;
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (HoverLine));
  guint i = (guint)self->hover_index;
  gboolean stacked = self->data.kind == TG_CHART_KIND_STACKED_AREA ||
                     self->data.kind == TG_CHART_KIND_STACKED_BARS;
  double total = 0;
  guint n_visible = 0;

  g_array_set_clear_func (lines, clear_hover_line);

  local = local_time (self, self->instants[i]);
  /* TRANSLATORS: the hovered point's day, or day and time, "Sat 14 Nov 2026" */
  *header = g_date_time_format (local, points_are_days (self) ? _("%a %-d %b %Y")
                                                             : _("%a %-d %b %Y, %H:%M"));

  for (guint s = 0; s < self->data.n_series; s++)
    {
      HoverLine line = { 0 };

      if (self->series[s].hidden)
        continue;

      line.label = g_strdup (self->series[s].label);
      line.value = tg_value_format_exact (self->data.value_format, self->series[s].values[i],
                                          self->data.currency);
      line.color_index = self->series[s].color_index;
      line.has_color = TRUE;
      g_array_append_val (lines, line);

      if (isfinite (self->series[s].values[i]))
        total += self->series[s].values[i];
      n_visible++;
    }

  if (stacked && n_visible > 1)
    {
      HoverLine line = { 0 };

      line.label = g_strdup (_("Total"));
      line.value = tg_value_format_exact (self->data.value_format, total, self->data.currency);
      g_array_append_val (lines, line);
    }

  if (self->band != NULL && isfinite (self->band->low[i]) && isfinite (self->band->high[i]))
    {
      g_autofree char *low = tg_value_format_exact (self->data.value_format, self->band->low[i],
                                                    self->data.currency);
      g_autofree char *high = tg_value_format_exact (self->data.value_format,
                                                     self->band->high[i], self->data.currency);
      HoverLine line = { 0 };

      line.label = g_strdup (self->band->label);
      /* TRANSLATORS: a range of values in the chart's box, "$380.00 AUD – $520.00 AUD" */
      line.value = g_strdup_printf (_("%s – %s"), low, high);
      g_array_append_val (lines, line);
    }

  return lines;
}

/**
 * tg_chart_widget_dup_hover_text:
 *
 * Returns: (transfer full) (nullable): what the hover box says, a line each: the point's
 *   time, then "Geoscape: $412.30 AUD" for each visible series; %NULL when nothing is
 *   hovered
 */
char *
tg_chart_widget_dup_hover_text (TgChartWidget *self)
{
  g_autoptr(GArray) lines = NULL;
  g_autofree char *header = NULL;
  GString *text;

  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), NULL);

  if (self->hover_index < 0 || !has_hover (self))
    return NULL;

  lines = hover_lines (self, &header);
  text = g_string_new (header);
  for (guint i = 0; i < lines->len; i++)
    {
      const HoverLine *line = &g_array_index (lines, HoverLine, i);

      /* TRANSLATORS: a series and its value in the chart's hover box, "Geoscape: $412.30 AUD" */
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s: %s"), line->label != NULL ? line->label : "",
                              line->value);
    }

  return g_string_free (text, FALSE);
}

static PangoLayout *
create_box_layout (TgChartWidget *self)
{
  g_autoptr(GArray) lines = NULL;
  g_autofree char *header = NULL;
  g_autoptr(PangoTabArray) tabs = NULL;
  g_autoptr(GString) markup = g_string_new (NULL);
  PangoLayout *layout;
  PangoLayout *measure;
  int widest = 0;

  lines = hover_lines (self, &header);
  measure = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  g_string_append_printf (markup, "<b>%s</b>", header);
  for (guint i = 0; i < lines->len; i++)
    {
      const HoverLine *line = &g_array_index (lines, HoverLine, i);
      g_autofree char *label = g_markup_escape_text (line->label != NULL ? line->label : "", -1);
      g_autofree char *value = g_markup_escape_text (line->value, -1);
      g_autofree char *swatch = NULL;
      int width = 0;

      if (line->has_color && self->style.n_palette > 0)
        {
          const TgChartColor *color = &self->style.palette[line->color_index %
                                                           self->style.n_palette];

          swatch = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span> ",
                                    (int)round (color->red * 255), (int)round (color->green * 255),
                                    (int)round (color->blue * 255));
        }
      else
        swatch = g_strdup ("<span alpha=\"1\">●</span> ");

      g_string_append_printf (markup, "\n%s%s\t<b>%s</b>", swatch, label, value);

      pango_layout_set_markup (measure, swatch, -1);
      pango_layout_get_pixel_size (measure, &width, NULL);
      pango_layout_set_text (measure, line->label != NULL ? line->label : "", -1);
      {
        int label_width = 0;

        pango_layout_get_pixel_size (measure, &label_width, NULL);
        widest = MAX (widest, width + label_width);
      }
    }
  g_object_unref (measure);

  tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, widest + 16);
  pango_layout_set_tabs (layout, tabs);
  pango_layout_set_markup (layout, markup->str, -1);

  return layout;
}

static void
append_disc (GtkSnapshot   *snapshot,
             double         x,
             double         y,
             double         radius,
             const GdkRGBA *color)
{
  GskRoundedRect disc;

  gsk_rounded_rect_init_from_rect (&disc, &GRAPHENE_RECT_INIT (x - radius, y - radius,
                                                               2 * radius, 2 * radius),
                                   radius);
  gtk_snapshot_push_rounded_clip (snapshot, &disc);
  gtk_snapshot_append_color (snapshot, color, &disc.bounds);
  gtk_snapshot_pop (snapshot);
}

/* The hover marker over the cached drawing, in the drawing's coordinates. */
static void
snapshot_hover (TgChartWidget *self,
                GtkSnapshot   *snapshot,
                int            width)
{
  const TgChartGeometry *g = &self->geometry;
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA line_color = { self->style.foreground.red, self->style.foreground.green,
                         self->style.foreground.blue, self->style.foreground.alpha * 0.4 };
  GskRoundedRect box;
  PangoRectangle extents;
  double x;
  double box_x;
  double box_width;
  double box_height;

  if (self->hover_index < 0 || !has_hover (self) || g->plot_width <= 0)
    return;

  x = round (tg_chart_index_x (&self->data, g, self->hover_index));
  gtk_snapshot_append_color (snapshot, &line_color,
                             &GRAPHENE_RECT_INIT (x - 0.5, g->plot_y, 1, g->plot_height));

  for (guint s = 0; s < self->data.n_series; s++)
    {
      const TgChartColor *color;
      GdkRGBA rgba;
      double point_x;
      double point_y;

      if (!tg_chart_point_position (&self->data, g, s, self->hover_index, &point_x, &point_y))
        continue;

      color = &self->style.palette[self->series[s].color_index % self->style.n_palette];
      rgba = (GdkRGBA) { color->red, color->green, color->blue, 1.0 };
      append_disc (snapshot, point_x, point_y, MARKER_RADIUS + 1.5, &self->ring);
      append_disc (snapshot, point_x, point_y, MARKER_RADIUS, &rgba);
    }

  /* The box beside the line, on the side with room, at the top of the plot. */
  layout = create_box_layout (self);
  pango_layout_get_pixel_extents (layout, NULL, &extents);
  box_width = extents.width + 2 * BOX_PADDING;
  box_height = extents.height + 2 * BOX_PADDING;
  box_x = x + BOX_OFFSET;
  if (box_x + box_width > width)
    box_x = MAX (0, x - BOX_OFFSET - box_width);

  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (box_x, g->plot_y, box_width,
                                                              box_height), 6);
  gtk_snapshot_append_outset_shadow (snapshot, &box, &(GdkRGBA) { 0, 0, 0, 0.25 }, 0, 1, 0, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &self->box_background, &box.bounds);
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (box_x + BOX_PADDING,
                                                          g->plot_y + BOX_PADDING));
  gtk_snapshot_append_layout (snapshot, layout, &self->box_foreground);
  gtk_snapshot_restore (snapshot);
}

static void
tg_chart_widget_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  TgChartWidget *self = TG_CHART_WIDGET (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget) - self->chart_y;

  if (width > 0 && height > 0)
    {
      if (self->cache == NULL || self->cache_width != width || self->cache_height != height)
        {
          GtkSnapshot *cache_snapshot = gtk_snapshot_new ();
          cairo_t *cr;

          cr = gtk_snapshot_append_cairo (cache_snapshot,
                                          &GRAPHENE_RECT_INIT (0, 0, width, height));
          tg_chart_draw (cr, width, height, &self->data, &self->style, &self->geometry);
          cairo_destroy (cr);

          g_clear_pointer (&self->cache, gsk_render_node_unref);
          self->cache = gtk_snapshot_free_to_node (cache_snapshot);
          self->cache_width = width;
          self->cache_height = height;
        }

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, self->chart_y));
      if (self->cache != NULL)
        gtk_snapshot_append_node (snapshot, self->cache);
      snapshot_hover (self, snapshot, width);
      gtk_snapshot_restore (snapshot);
    }

  gtk_widget_snapshot_child (widget, self->legend, snapshot);
}

static void
tg_chart_widget_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  TgChartWidget *self = TG_CHART_WIDGET (widget);
  int legend_minimum = 0;
  int legend_natural = 0;

  if (gtk_widget_should_layout (self->legend))
    gtk_widget_measure (self->legend, orientation, for_size, &legend_minimum, &legend_natural,
                        NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (legend_minimum, 200);
      *natural = MAX (legend_natural, MAX (self->natural_width, 200));
    }
  else if (self->data.kind == TG_CHART_KIND_HORIZONTAL_BARS && self->data.n_series > 0)
    {
      /* As tall as its bars, however many. */
      *minimum = *natural = BAR_ROW_HEIGHT * self->data.n_series;
    }
  else
    {
      int gap = legend_natural > 0 ? LEGEND_GAP : 0;

      *minimum = legend_natural + gap + 120;
      *natural = legend_natural + gap + 240;
    }
}

static GtkSizeRequestMode
tg_chart_widget_get_request_mode (GtkWidget *widget)
{
  /* The legend wraps: the narrower, the taller. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
tg_chart_widget_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  TgChartWidget *self = TG_CHART_WIDGET (widget);
  int legend_height = 0;

  if (gtk_widget_should_layout (self->legend))
    {
      gtk_widget_measure (self->legend, GTK_ORIENTATION_VERTICAL, width, NULL, &legend_height,
                          NULL, NULL);
      legend_height = MIN (legend_height, height);
      gtk_widget_size_allocate (self->legend,
                                &(GtkAllocation) { 0, 0, width, legend_height }, -1);
    }

  self->chart_y = legend_height > 0 ? legend_height + LEGEND_GAP : 0;
}

static void
tg_chart_widget_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  TgChartWidget *self = TG_CHART_WIDGET (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  PangoContext *pango_context = gtk_widget_get_pango_context (widget);
  GdkRGBA warning;
  GdkRGBA color;
  double dpi;

  GTK_WIDGET_CLASS (tg_chart_widget_parent_class)->css_changed (widget, change);

  tg_chart_style_init (&self->style);
  self->style.show_legend = FALSE;

  g_free (self->font);
  self->font = pango_font_description_to_string (pango_context_get_font_description (pango_context));
  self->style.font = self->font;
  dpi = pango_cairo_context_get_resolution (pango_context);
  self->style.dpi = dpi > 0 ? dpi : 96.0;

  /* The widget's own text colour, dimmed as libadwaita dims secondary text, for labels and
   * the grid; the named popover colours for the hover box, so that it reads as one.
   */
  gtk_style_context_get_color (context, &color);
  self->style.foreground = (TgChartColor) { color.red, color.green, color.blue, color.alpha };
  self->style.secondary = (TgChartColor) { color.red, color.green, color.blue, color.alpha * 0.6 };
  self->style.grid = (TgChartColor) { color.red, color.green, color.blue, color.alpha * 0.12 };
  self->style.line = (TgChartColor) { color.red, color.green, color.blue, color.alpha * 0.55 };

  /* Levels passed in libadwaita's warning colour, which it makes readable on light and
   * dark backgrounds alike. */
  if (gtk_style_context_lookup_color (context, "warning_color", &warning))
    self->style.emphasis = (TgChartColor) { warning.red, warning.green, warning.blue, warning.alpha };

  if (!gtk_style_context_lookup_color (context, "popover_bg_color", &self->box_background))
    self->box_background = (GdkRGBA) { 1 - color.red, 1 - color.green, 1 - color.blue, 1 };
  if (!gtk_style_context_lookup_color (context, "popover_fg_color", &self->box_foreground))
    self->box_foreground = color;
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &self->ring))
    self->ring = self->box_background;

  invalidate (self);
}

static void
set_hover (TgChartWidget *self,
           int            index)
{
  if (!has_hover (self))
    index = -1;
  index = CLAMP (index, -1, (int)self->data.n_points - 1);

  if (self->hover_index == index)
    return;

  self->hover_index = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_INDEX]);
}

static void
motion_cb (TgChartWidget            *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  g_assert (TG_IS_CHART_WIDGET (self));

  if (y < self->chart_y || self->cache == NULL)
    {
      set_hover (self, -1);
      return;
    }

  set_hover (self, (int)tg_chart_index_at (&self->data, &self->geometry, x));
}

static void
leave_cb (TgChartWidget            *self,
          GtkEventControllerMotion *controller)
{
  g_assert (TG_IS_CHART_WIDGET (self));

  set_hover (self, -1);
}

/* Left and Right move the hovered point, Home and End go to the first and last; only
 * while the chart itself has the focus, so that arrows still move between legend entries.
 */
static gboolean
key_pressed_cb (TgChartWidget         *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  int last = (int)self->data.n_points - 1;

  g_assert (TG_IS_CHART_WIDGET (self));

  if (!gtk_widget_is_focus (GTK_WIDGET (self)) || !has_hover (self))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      set_hover (self, self->hover_index < 0 ? last : MAX (self->hover_index - 1, 0));
      return TRUE;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      set_hover (self, self->hover_index < 0 ? 0 : MIN (self->hover_index + 1, last));
      return TRUE;

    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      set_hover (self, 0);
      return TRUE;

    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      set_hover (self, last);
      return TRUE;

    case GDK_KEY_Escape:
      if (self->hover_index < 0)
        return FALSE;
      set_hover (self, -1);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (self->hover_index < 0)
        return FALSE;
      g_signal_emit (self, signals[ACTIVATE_POINT], 0, (guint)self->hover_index, -1);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
pressed_cb (TgChartWidget   *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  g_assert (TG_IS_CHART_WIDGET (self));

  if (y >= self->chart_y)
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

/* The series drawn at @y (chart coordinates) over point @index: the piece of a stack
 * that holds it, or the line whose point is nearest within a few pixels; -1 for none.
 */
static int
series_at (TgChartWidget *self,
           guint          index,
           double         y)
{
  gboolean stacked = self->data.kind == TG_CHART_KIND_STACKED_BARS ||
                     self->data.kind == TG_CHART_KIND_STACKED_AREA;
  double below = self->geometry.plot_y + self->geometry.plot_height;
  double best_distance = 16.0;
  int best = -1;

  for (guint s = 0; s < self->data.n_series; s++)
    {
      double px;
      double py;

      if (!tg_chart_point_position (&self->data, &self->geometry, s, index, &px, &py))
        continue;

      if (stacked)
        {
          if (y >= py - 1 && y <= below + 1)
            return s;
          below = py;
        }
      else if (fabs (py - y) < best_distance)
        {
          best_distance = fabs (py - y);
          best = s;
        }
    }

  return best;
}

static void
released_cb (TgChartWidget   *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  gssize index;
  double chart_y = y - self->chart_y;

  g_assert (TG_IS_CHART_WIDGET (self));

  if (n_press != 1 || y < self->chart_y || self->cache == NULL || !has_hover (self))
    return;

  index = tg_chart_index_at (&self->data, &self->geometry, x);
  if (index < 0)
    return;

  g_signal_emit (self, signals[ACTIVATE_POINT], 0, (guint)index, series_at (self, index, chart_y));
}

static void
legend_toggled_cb (TgChartWidget   *self,
                   GtkToggleButton *button)
{
  guint series = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tg-series-index"));

  g_assert (TG_IS_CHART_WIDGET (self));

  tg_chart_widget_set_series_visible (self, series, gtk_toggle_button_get_active (button));
}

static GtkWidget *
legend_key (const char *label,
            guint       color_index,
            gboolean    band)
{
  g_autofree char *color_class = g_strdup_printf ("chart-color-%u",
                                                  color_index % tg_chart_palette_length);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (swatch, "chart-swatch");
  gtk_widget_add_css_class (swatch, color_class);
  if (band)
    gtk_widget_add_css_class (swatch, "chart-band");
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), gtk_label_new (label));

  return box;
}

static void
rebuild_legend (TgChartWidget *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->legend)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->legend), child);

  for (guint s = 0; s < self->data.n_series; s++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      const char *label = self->series[s].label != NULL ? self->series[s].label : "";

      gtk_button_set_child (GTK_BUTTON (button),
                            legend_key (label, self->series[s].color_index, FALSE));
      gtk_widget_add_css_class (button, "flat");
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), !self->series[s].hidden);
      gtk_widget_set_tooltip_text (button, _("Show or hide on the chart"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_object_set_data (G_OBJECT (button), "tg-series-index", GUINT_TO_POINTER (s));
      g_signal_connect_object (button, "toggled", G_CALLBACK (legend_toggled_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_flow_box_append (GTK_FLOW_BOX (self->legend), button);
    }

  if (self->band != NULL)
    {
      GtkWidget *key = legend_key (self->band->label != NULL ? self->band->label : "",
                                   self->band->color_index, TRUE);

      gtk_widget_add_css_class (key, "band-key");
      gtk_flow_box_append (GTK_FLOW_BOX (self->legend), key);
    }

  /* Horizontal bars carry their names beside them: a legend would say it twice. */
  gtk_widget_set_visible (self->legend, self->data.n_series > 0 &&
                                        self->data.kind != TG_CHART_KIND_HORIZONTAL_BARS);
}

static void
tg_chart_widget_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TgChartWidget *self = TG_CHART_WIDGET (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_HOVER_INDEX:
      g_value_set_int (value, self->hover_index);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_chart_widget_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TgChartWidget *self = TG_CHART_WIDGET (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      tg_chart_widget_set_title (self, g_value_get_string (value));
      break;

    case PROP_HOVER_INDEX:
      tg_chart_widget_set_hover_index (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_chart_widget_dispose (GObject *object)
{
  TgChartWidget *self = TG_CHART_WIDGET (object);

  g_clear_pointer (&self->legend, gtk_widget_unparent);

  G_OBJECT_CLASS (tg_chart_widget_parent_class)->dispose (object);
}

static void
tg_chart_widget_finalize (GObject *object)
{
  TgChartWidget *self = TG_CHART_WIDGET (object);

  clear_data (self);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->font, g_free);
  g_clear_pointer (&self->cache, gsk_render_node_unref);

  G_OBJECT_CLASS (tg_chart_widget_parent_class)->finalize (object);
}

static void
tg_chart_widget_class_init (TgChartWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tg_chart_widget_get_property;
  object_class->set_property = tg_chart_widget_set_property;
  object_class->dispose = tg_chart_widget_dispose;
  object_class->finalize = tg_chart_widget_finalize;

  widget_class->measure = tg_chart_widget_measure;
  widget_class->size_allocate = tg_chart_widget_size_allocate;
  widget_class->get_request_mode = tg_chart_widget_get_request_mode;
  widget_class->snapshot = tg_chart_widget_snapshot;
  widget_class->css_changed = tg_chart_widget_css_changed;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_HOVER_INDEX] =
    g_param_spec_int ("hover-index", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgChartWidget::activate-point:
   * @index: the point (bucket) clicked, or hovered when Enter was pressed
   * @series: the series clicked: its piece of a stack, or its line; -1 for the whole
   *   point (Enter, or a click beside every line)
   *
   * Someone asked for what is behind a point: the Analytics page opens its calls.
   */
  signals[ACTIVATE_POINT] = g_signal_new ("activate-point", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "chartwidget");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_chart_widget_init (TgChartWidget *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->hover_index = -1;
  self->natural_width = 480;
  tg_chart_style_init (&self->style);
  self->style.show_legend = FALSE;

  self->legend = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->legend), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->legend), 64);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->legend), 2);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->legend), 0);
  gtk_widget_add_css_class (self->legend, "chart-legend");
  gtk_widget_set_halign (self->legend, GTK_ALIGN_FILL);
  gtk_widget_set_parent (self->legend, GTK_WIDGET (self));
  gtk_widget_set_visible (self->legend, FALSE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  update_accessible (self);
}

GtkWidget *
tg_chart_widget_new (void)
{
  return g_object_new (TG_TYPE_CHART_WIDGET, NULL);
}

/**
 * tg_chart_widget_set_data:
 * @data: what to show; copied, arrays and labels with it
 *
 * Replaces the chart's data: series keep @data's hidden flags, and nothing is hovered.
 */
void
tg_chart_widget_set_data (TgChartWidget     *self,
                          const TgChartData *data)
{
  g_return_if_fail (TG_IS_CHART_WIDGET (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (data->n_points == 0 || data->instants != NULL);
  g_return_if_fail (data->n_series == 0 || data->series != NULL);
  g_return_if_fail (data->n_lines == 0 || data->lines != NULL);

  clear_data (self);

  self->data = *data;
  self->time_zone = data->time_zone != NULL ? g_time_zone_ref (data->time_zone)
                                            : g_time_zone_new_utc ();
  self->instants = g_memdup2 (data->instants, sizeof (gint64) * data->n_points);
  self->series = g_new0 (TgChartSeries, data->n_series);
  for (guint s = 0; s < data->n_series; s++)
    {
      self->series[s] = data->series[s];
      self->series[s].label = g_strdup (data->series[s].label);
      self->series[s].values = g_memdup2 (data->series[s].values, sizeof (double) * data->n_points);
    }
  if (data->band != NULL)
    {
      self->band = g_new0 (TgChartBand, 1);
      *self->band = *data->band;
      self->band->label = g_strdup (data->band->label);
      self->band->low = g_memdup2 (data->band->low, sizeof (double) * data->n_points);
      self->band->high = g_memdup2 (data->band->high, sizeof (double) * data->n_points);
    }
  if (data->n_lines > 0)
    {
      self->lines = g_new0 (TgChartLine, data->n_lines);
      for (guint i = 0; i < data->n_lines; i++)
        {
          self->lines[i] = data->lines[i];
          self->lines[i].label = g_strdup (data->lines[i].label);
        }
    }
  self->currency = g_strdup (data->currency);

  self->data.time_zone = self->time_zone;
  self->data.instants = self->instants;
  self->data.series = self->series;
  self->data.band = self->band;
  self->data.lines = self->lines;
  self->data.currency = self->currency;

  rebuild_legend (self);
  set_hover (self, -1);
  update_accessible (self);
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * tg_chart_widget_set_natural_width:
 * @width: the width the chart asks for when there is room, at least 200
 *
 * Lets a chart that shares a row with others (the Budgets page's cards) ask for less than
 * the 480 pixels a chart has by default, so that two fit side by side.
 */
void
tg_chart_widget_set_natural_width (TgChartWidget *self,
                                   int            width)
{
  g_return_if_fail (TG_IS_CHART_WIDGET (self));

  width = MAX (width, 200);
  if (self->natural_width == width)
    return;

  self->natural_width = width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
tg_chart_widget_get_title (TgChartWidget *self)
{
  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), NULL);

  return self->title;
}

/**
 * tg_chart_widget_set_title:
 * @title: (nullable): what the chart shows, "Cost per day by provider": its accessible
 *   name and the start of its description
 */
void
tg_chart_widget_set_title (TgChartWidget *self,
                           const char    *title)
{
  g_return_if_fail (TG_IS_CHART_WIDGET (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);

  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

guint
tg_chart_widget_get_n_series (TgChartWidget *self)
{
  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), 0);

  return self->data.n_series;
}

gboolean
tg_chart_widget_get_series_visible (TgChartWidget *self,
                                    guint          series)
{
  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), FALSE);
  g_return_val_if_fail (series < self->data.n_series, FALSE);

  return !self->series[series].hidden;
}

/**
 * tg_chart_widget_set_series_visible:
 *
 * Shows or hides a series, as its legend entry does; a stack closes up over a hidden
 * series and the value axis fits what is left.
 */
void
tg_chart_widget_set_series_visible (TgChartWidget *self,
                                    guint          series,
                                    gboolean       visible)
{
  GtkWidget *button;
  guint i = 0;

  g_return_if_fail (TG_IS_CHART_WIDGET (self));
  g_return_if_fail (series < self->data.n_series);

  if (self->series[series].hidden == !visible)
    return;

  self->series[series].hidden = !visible;

  for (button = gtk_widget_get_first_child (self->legend); button != NULL && i < series;
       button = gtk_widget_get_next_sibling (button))
    i++;
  if (GTK_IS_FLOW_BOX_CHILD (button))
    button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (button));
  if (GTK_IS_TOGGLE_BUTTON (button))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), visible);

  update_accessible (self);
  invalidate (self);
}

int
tg_chart_widget_get_hover_index (TgChartWidget *self)
{
  g_return_val_if_fail (TG_IS_CHART_WIDGET (self), -1);

  return self->hover_index;
}

/**
 * tg_chart_widget_set_hover_index:
 * @index: a point, or -1 for none
 *
 * Hovers a point as the pointer or the arrow keys do; only the marker is redrawn.
 */
void
tg_chart_widget_set_hover_index (TgChartWidget *self,
                                 int            index)
{
  g_return_if_fail (TG_IS_CHART_WIDGET (self));

  set_hover (self, index);
}
