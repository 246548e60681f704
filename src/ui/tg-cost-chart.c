/* tg-cost-chart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The story card's "Cost breakdown by provider" on screen: a widget around src/report's
 * tg_bar_chart_draw(), which the PDF export calls with the same items, so that the screen
 * and the paper show the same chart. Colours come from the theme (the text colour, and
 * GNOME's palette for the bars, the same colour as each provider card's swatch); the
 * drawing is kept as a render node until the figures, the size or the style change.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-cost-chart.h"
#include "tg-format.h"

#define VERTICAL_PADDING 4

struct _TgCostChart
{
  GtkWidget      parent_instance;

  /* owned */
  GArray        *entries;     /* TgCostChartEntry, the most expensive first */
  char          *currency;
  GskRenderNode *cache;

  int            cache_width;
  int            cache_height;
};

G_DEFINE_FINAL_TYPE (TgCostChart, tg_cost_chart, GTK_TYPE_WIDGET)

static void
clear_entry (gpointer data)
{
  TgCostChartEntry *entry = data;

  g_clear_pointer (&entry->label, g_free);
}

/**
 * _tg_cost_chart_entries_new:
 *
 * Returns: (transfer full): an empty array of #TgCostChartEntry that frees their labels
 */
GArray *
_tg_cost_chart_entries_new (void)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (TgCostChartEntry));

  g_array_set_clear_func (entries, clear_entry);
  return entries;
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const TgCostChartEntry *entry_a = a;
  const TgCostChartEntry *entry_b = b;

  if (entry_a->cost != entry_b->cost)
    return entry_a->cost < entry_b->cost ? 1 : -1;

  return g_utf8_collate (entry_a->label, entry_b->label);
}

/* The most expensive first; equal costs by name. */
void
_tg_cost_chart_entries_sort (GArray *entries)
{
  g_array_sort (entries, compare_entries);
}

/**
 * _tg_cost_chart_build_items:
 * @entries: (element-type TgCostChartEntry): the bars
 * @currency: the reporting currency
 * @texts: (out) (transfer full): the strings the items point to; keep it as long as them
 *
 * The chart items of @entries, with their cost and share of the total as text.
 *
 * Returns: (transfer full) (element-type TgBarChartItem): the items
 */
GArray *
_tg_cost_chart_build_items (GArray      *entries,
                            const char  *currency,
                            GPtrArray  **texts)
{
  GArray *items = g_array_sized_new (FALSE, TRUE, sizeof (TgBarChartItem), entries->len);
  gint64 total = 0;

  *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < entries->len; i++)
    total += MAX (g_array_index (entries, TgCostChartEntry, i).cost, 0);

  for (guint i = 0; i < entries->len; i++)
    {
      const TgCostChartEntry *entry = &g_array_index (entries, TgCostChartEntry, i);
      g_autofree char *cost = tg_format_money (entry->cost, currency);
      double share = total > 0 ? 100.0 * (double)MAX (entry->cost, 0) / (double)total : 0.0;
      TgBarChartItem item = { 0 };
      char *text;

      if (share > 0 && share < 0.5)
        /* TRANSLATORS: a provider's cost and its share of the month's when that is less
         * than one percent, "$12.34 AUD · <1%"
         */
        text = g_strdup_printf (_("%s · <1%%"), cost);
      else
        /* TRANSLATORS: a provider's cost and its share of the month's, "$1,234.56 AUD · 42%" */
        text = g_strdup_printf (_("%s · %d%%"), cost, (int)round (share));
      g_ptr_array_add (*texts, text);

      item.label = entry->label;
      item.value_text = text;
      item.value = entry->cost;
      item.color_index = entry->color_index;
      g_array_append_val (items, item);
    }

  return items;
}

static void
init_style (TgCostChart     *self,
            TgBarChartStyle *style,
            char           **font)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  GtkStyleContext *style_context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA color;
  double dpi;

  tg_bar_chart_style_init (style);

  *font = pango_font_description_to_string (pango_context_get_font_description (context));
  style->font = *font;
  dpi = pango_cairo_context_get_resolution (context);
  style->dpi = dpi > 0 ? dpi : 96.0;

  gtk_style_context_get_color (style_context, &color);
  style->foreground = (TgChartColor) { color.red, color.green, color.blue, color.alpha };
  style->secondary = (TgChartColor) { color.red, color.green, color.blue, color.alpha * 0.65 };
  style->track = (TgChartColor) { color.red, color.green, color.blue, color.alpha * 0.1 };
}

static void
invalidate (TgCostChart *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_accessible_label (TgCostChart *self)
{
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GString) label = g_string_new (_("Cost by provider"));

  items = _tg_cost_chart_build_items (self->entries, self->currency, &texts);
  for (guint i = 0; i < items->len; i++)
    {
      const TgBarChartItem *item = &g_array_index (items, TgBarChartItem, i);

      /* TRANSLATORS: one bar of the cost chart for a screen reader: "Geoscape, $12.00 AUD · 42%" */
      g_string_append (label, _("; "));
      g_string_append_printf (label, _("%s, %s"), item->label, item->value_text);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label->str,
                                  -1);
}

static void
tg_cost_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  TgCostChart *self = TG_COST_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    {
      g_autofree char *font = NULL;
      TgBarChartStyle style;

      init_style (self, &style, &font);
      *minimum = *natural = (int)ceil (tg_bar_chart_get_height (&style, self->entries->len)) +
                            2 * VERTICAL_PADDING;
    }
}

static void
tg_cost_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  TgCostChart *self = TG_COST_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->entries->len == 0 || width <= 0 || height <= 0)
    return;

  if (self->cache == NULL || self->cache_width != width || self->cache_height != height)
    {
      g_autofree char *font = NULL;
      g_autoptr(GPtrArray) texts = NULL;
      g_autoptr(GArray) items = NULL;
      GtkSnapshot *cache_snapshot = gtk_snapshot_new ();
      TgBarChartStyle style;
      cairo_t *cr;

      init_style (self, &style, &font);
      items = _tg_cost_chart_build_items (self->entries, self->currency, &texts);

      cr = gtk_snapshot_append_cairo (cache_snapshot,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
      cairo_translate (cr, 0, VERTICAL_PADDING);
      tg_bar_chart_draw (cr, width, height - 2 * VERTICAL_PADDING,
                         (const TgBarChartItem *)(gpointer)items->data, items->len, &style);
      cairo_destroy (cr);

      g_clear_pointer (&self->cache, gsk_render_node_unref);
      self->cache = gtk_snapshot_free_to_node (cache_snapshot);
      self->cache_width = width;
      self->cache_height = height;
    }

  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);
}

static void
tg_cost_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (tg_cost_chart_parent_class)->css_changed (widget, change);

  invalidate (TG_COST_CHART (widget));
  gtk_widget_queue_resize (widget);
}

static void
tg_cost_chart_finalize (GObject *object)
{
  TgCostChart *self = TG_COST_CHART (object);

  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->cache, gsk_render_node_unref);

  G_OBJECT_CLASS (tg_cost_chart_parent_class)->finalize (object);
}

static void
tg_cost_chart_class_init (TgCostChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tg_cost_chart_finalize;

  widget_class->measure = tg_cost_chart_measure;
  widget_class->snapshot = tg_cost_chart_snapshot;
  widget_class->css_changed = tg_cost_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "costchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tg_cost_chart_init (TgCostChart *self)
{
  self->entries = _tg_cost_chart_entries_new ();
  update_accessible_label (self);
}

GtkWidget *
tg_cost_chart_new (void)
{
  return g_object_new (TG_TYPE_COST_CHART, NULL);
}

/**
 * tg_cost_chart_set_entries:
 * @entries: (element-type TgCostChartEntry): the bars, copied and sorted, the most
 *   expensive first
 * @currency: the reporting currency
 */
void
tg_cost_chart_set_entries (TgCostChart *self,
                           GArray      *entries,
                           const char  *currency)
{
  g_return_if_fail (TG_IS_COST_CHART (self));
  g_return_if_fail (entries != NULL);

  g_array_set_size (self->entries, 0);
  for (guint i = 0; i < entries->len; i++)
    {
      TgCostChartEntry entry = g_array_index (entries, TgCostChartEntry, i);

      entry.label = g_strdup (entry.label);
      g_array_append_val (self->entries, entry);
    }
  _tg_cost_chart_entries_sort (self->entries);

  g_free (self->currency);
  self->currency = g_strdup (currency);

  update_accessible_label (self);
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * tg_cost_chart_get_entries:
 *
 * Returns: (transfer none) (element-type TgCostChartEntry): the bars, the most expensive
 *   first
 */
GArray *
tg_cost_chart_get_entries (TgCostChart *self)
{
  g_return_val_if_fail (TG_IS_COST_CHART (self), NULL);

  return self->entries;
}

const char *
tg_cost_chart_get_currency (TgCostChart *self)
{
  g_return_val_if_fail (TG_IS_COST_CHART (self), NULL);

  return self->currency;
}
