/* tg-analytics-sections.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Analytics page's four sections, drawn from one answer (TgAnalyticsAnswer):
 *
 *  - usage trends: the question's measure per bucket and group (TgChartWidget: stacked
 *    bars or areas for what adds up, lines for rates and latencies), the biggest
 *    MAX_SERIES groups and the others together, and a table of every group over the
 *    period against the period before: difference and change;
 *  - cost allocation: cost per feature (a bar chart and a table), per cost centre, and
 *    the users who cost the most, each with its share of the period's cost;
 *  - performance: the 95th percentile latency and the error rate per provider over time,
 *    a table of calls, errors, timeouts and percentiles per provider, and the calls by
 *    status class;
 *  - regions: cost per region, and calls and cost per region and provider.
 *
 * Every row of a table and every point of a time chart opens the calls behind it
 * (tg-calls-window.c): each keeps the TgCallsFilter of its figure. Tables hold their
 * figures twice, for people and for the CSV (money exact to the micro-unit).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-analytics-page-private.h"
#include "tg-catalog-queries.h"
#include "tg-format.h"
#include "tg-money.h"

/* Series on a chart; the groups after them are drawn together as one. */
#define MAX_SERIES 8

/* Stacked bars up to this many buckets; stacked areas beyond. */
#define MAX_BARS 45

/* What a point of a chart opens: the groups of its series (NULL for the others
 * together) and which outcomes count.
 */
typedef struct
{
  TgUsageGroupBy  group_by;
  TgCallsStatus   status;
  GPtrArray      *groups;   /* char *, one a series */
} ChartDrill;

static void
chart_drill_free (ChartDrill *drill)
{
  g_ptr_array_unref (drill->groups);
  g_free (drill);
}

/* Building the sections */

/* A heading, what it shows under it, and a Copy button for @table. */
static GtkWidget *
add_heading (TgAnalyticsPage *self,
             GtkBox          *box,
             const char      *name,
             const char      *title,
             const char      *table)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (texts), heading);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_box_append (GTK_BOX (row), texts);
  g_hash_table_insert (self->subtitles, (gpointer)name, subtitle);

  if (table != NULL)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *content = adw_button_content_new ();

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "edit-copy-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("Copy as CSV"));
      gtk_button_set_child (GTK_BUTTON (button), content);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_END);
      gtk_widget_set_tooltip_text (button, _("Copy the table as CSV"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "analytics.copy-table");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", table);
      gtk_box_append (GTK_BOX (row), button);
    }

  if (gtk_widget_get_first_child (GTK_WIDGET (box)) != NULL)
    gtk_widget_set_margin_top (row, 18);
  gtk_box_append (box, row);

  return row;
}

static void
on_point_activated (TgChartWidget   *chart,
                    guint            index,
                    int              series,
                    TgAnalyticsPage *self)
{
  g_autoptr(TgCallsFilter) filter = NULL;
  ChartDrill *drill = g_object_get_data (G_OBJECT (chart), "tg-drill");
  const TgAnalyticsPlan *plan = tg_analytics_page_get_plan (self);

  if (drill == NULL || plan == NULL || index + 1 >= plan->bounds->len)
    return;

  filter = tg_calls_filter_new (g_array_index (plan->bounds, gint64, index),
                                g_array_index (plan->bounds, gint64, index + 1));
  filter->provider = g_strdup (self->answer->provider);
  filter->status = drill->status;
  if (series >= 0 && (guint)series < drill->groups->len &&
      g_ptr_array_index (drill->groups, series) != NULL)
    {
      filter->group_by = drill->group_by;
      filter->group = g_strdup (g_ptr_array_index (drill->groups, series));
    }

  _tg_analytics_page_open_calls (self, filter, NULL);
}

static TgChartWidget *
add_chart (TgAnalyticsPage *self,
           GtkBox          *box,
           const char      *name,
           int              height)
{
  GtkWidget *chart = tg_chart_widget_new ();
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_set_size_request (chart, -1, height);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "analytics-chart-card");
  gtk_box_append (GTK_BOX (card), chart);
  gtk_box_append (box, card);
  g_hash_table_insert (self->charts, (gpointer)name, chart);
  g_signal_connect_object (chart, "activate-point", G_CALLBACK (on_point_activated), self, 0);

  return TG_CHART_WIDGET (chart);
}

static void
on_row_activated (TgDataTable     *table,
                  guint            row,
                  TgAnalyticsPage *self)
{
  GPtrArray *filters = g_object_get_data (G_OBJECT (table), "tg-row-filters");

  if (filters == NULL || row >= filters->len)
    return;

  _tg_analytics_page_open_calls (self, g_ptr_array_index (filters, row), NULL);
}

static TgDataTable *
add_table (TgAnalyticsPage *self,
           GtkBox          *box,
           const char      *name)
{
  GtkWidget *table = tg_data_table_new ();

  tg_data_table_set_activatable (TG_DATA_TABLE (table), TRUE);
  gtk_box_append (box, table);
  g_hash_table_insert (self->tables, (gpointer)name, table);
  g_signal_connect_object (table, "row-activated", G_CALLBACK (on_row_activated), self, 0);

  return TG_DATA_TABLE (table);
}

/**
 * _tg_analytics_sections_init:
 *
 * Makes the sections' charts and tables (the trends' are in the template).
 */
void
_tg_analytics_sections_init (TgAnalyticsPage *self)
{
  add_heading (self, self->allocation_box, "features", _("Cost by Feature"), "features");
  add_chart (self, self->allocation_box, "features", -1);
  add_table (self, self->allocation_box, "features");
  add_heading (self, self->allocation_box, "cost-centres", _("Cost by Cost Centre"), "cost-centres");
  add_table (self, self->allocation_box, "cost-centres");
  add_heading (self, self->allocation_box, "users", _("Users Who Cost the Most"), "users");
  add_table (self, self->allocation_box, "users");

  add_heading (self, self->performance_box, "latency", _("Latency, 95th Percentile"), NULL);
  add_chart (self, self->performance_box, "latency", 220);
  add_heading (self, self->performance_box, "errors", _("Error Rate"), NULL);
  add_chart (self, self->performance_box, "errors", 180);
  add_heading (self, self->performance_box, "providers", _("By Provider"), "providers");
  add_table (self, self->performance_box, "providers");
  add_heading (self, self->performance_box, "statuses", _("Calls by Outcome"), "statuses");
  add_table (self, self->performance_box, "statuses");

  add_heading (self, self->regions_box, "regions", _("Cost by Region"), "regions");
  add_chart (self, self->regions_box, "regions", -1);
  add_table (self, self->regions_box, "regions");
  add_heading (self, self->regions_box, "region-providers", _("Regions and Providers"),
               "region-providers");
  add_table (self, self->regions_box, "region-providers");
}

/* Filling them */

static void
set_subtitle (TgAnalyticsPage *self,
              const char      *name,
              const char      *text)
{
  gtk_label_set_text (g_hash_table_lookup (self->subtitles, name), text);
}

static void
set_row_filters (TgDataTable *table,
                 GPtrArray   *filters)
{
  g_object_set_data_full (G_OBJECT (table), "tg-row-filters", g_ptr_array_ref (filters),
                          (GDestroyNotify)g_ptr_array_unref);
}

static GPtrArray *
filters_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)tg_calls_filter_free);
}

/* The calls of one group (or of every group, @group_by NONE) over [@from, @to). */
static TgCallsFilter *
filter_new (TgAnalyticsAnswer *answer,
            gint64             from,
            gint64             to,
            TgUsageGroupBy     group_by,
            const char        *group,
            TgCallsStatus      status)
{
  TgCallsFilter *filter = tg_calls_filter_new (from, to);

  filter->provider = g_strdup (answer->provider);
  filter->group_by = group_by;
  filter->group = group_by != TG_USAGE_GROUP_NONE ? g_strdup (group) : NULL;
  filter->status = status;
  return filter;
}

/* The colour of a group: a provider's is its place in the catalogue, as on the Overview. */
static guint
color_for (TgAnalyticsAnswer *answer,
           TgUsageGroupBy     group_by,
           const char        *group,
           guint              fallback)
{
  if (group_by == TG_USAGE_GROUP_PROVIDER && group != NULL)
    for (guint i = 0; i < answer->providers->len; i++)
      if (g_strcmp0 (((TgProvider *)g_ptr_array_index (answer->providers, i))->slug, group) == 0)
        return i;

  return fallback;
}

static const char *
bucket_word (TgBucketSize bucket)
{
  switch (bucket)
    {
    case TG_BUCKET_HOUR:
      return _("per hour");
    case TG_BUCKET_WEEK:
      return _("per week");
    case TG_BUCKET_MONTH:
      return _("per month");
    case TG_BUCKET_DAY:
    case TG_BUCKET_15MIN:
    default:
      return _("per day");
    }
}

static const char *
metric_title (TgAnalyticsMetric metric)
{
  switch (metric)
    {
    case TG_ANALYTICS_METRIC_CALLS:
      return _("Calls");
    case TG_ANALYTICS_METRIC_BILLABLE_CALLS:
      return _("Billable calls");
    case TG_ANALYTICS_METRIC_CREDITS:
      return _("Credits");
    case TG_ANALYTICS_METRIC_COST:
      return _("Cost");
    case TG_ANALYTICS_METRIC_ERROR_RATE:
      return _("Error rate");
    case TG_ANALYTICS_METRIC_P50:
      return _("Median latency");
    case TG_ANALYTICS_METRIC_P95:
      return _("95th percentile latency");
    case TG_ANALYTICS_METRIC_P99:
    default:
      return _("99th percentile latency");
    }
}

/* How a grouping reads in a chart's title ("by provider") and over a table's column. */
static const struct
{
  const char *word;
  const char *column;
} group_names[] = {
  [TG_USAGE_GROUP_NONE] = { "", N_("Group") },
  [TG_USAGE_GROUP_PROVIDER] = { N_("provider"), N_("Provider") },
  [TG_USAGE_GROUP_ENDPOINT] = { N_("endpoint"), N_("Endpoint") },
  [TG_USAGE_GROUP_REQUEST_TYPE] = { N_("request type"), N_("Request Type") },
  [TG_USAGE_GROUP_FEATURE] = { N_("feature"), N_("Feature") },
  [TG_USAGE_GROUP_COST_CENTRE] = { N_("cost centre"), N_("Cost Centre") },
  [TG_USAGE_GROUP_REGION] = { N_("region"), N_("Region") },
  [TG_USAGE_GROUP_STATUS_CLASS] = { N_("status class"), N_("Outcome") },
  [TG_USAGE_GROUP_USER] = { N_("user"), N_("User") },
};

static const char *
group_word (TgUsageGroupBy group_by)
{
  return *group_names[group_by].word != '\0' ? _(group_names[group_by].word) : "";
}

static const char *
group_column (TgUsageGroupBy group_by)
{
  return _(group_names[group_by].column);
}

/* Sorting groups: by the measure where it adds up, else by calls; then by name. */
typedef struct
{
  TgAnalyticsMetric metric;
} SortContext;

static double
sort_key (TgAnalyticsMetric  metric,
          const TgUsageRow  *row)
{
  if (metric <= TG_ANALYTICS_METRIC_COST)
    return tg_analytics_metric_value (metric, row);
  return (double)row->calls;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const TgUsageRow *x = *(const TgUsageRow * const *)a;
  const TgUsageRow *y = *(const TgUsageRow * const *)b;
  const SortContext *context = user_data;
  double kx = sort_key (context->metric, x);
  double ky = sort_key (context->metric, y);

  if (kx != ky)
    return kx > ky ? -1 : 1;
  return g_strcmp0 (x->group, y->group);
}

static TgUsageRow *
find_group (GPtrArray  *rows,
            const char *group)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->group, group) == 0)
        return row;
    }

  return NULL;
}

/* Chart data kept alive while tg_chart_widget_set_data() copies it. */
typedef struct
{
  GArray    *instants;   /* gint64 */
  GArray    *series;     /* TgChartSeries */
  GPtrArray *values;     /* double[], one a series */
  GPtrArray *labels;     /* char *, one a series */
} ChartBuilder;

static void
chart_builder_init (ChartBuilder          *builder,
                    const TgAnalyticsPlan *plan)
{
  builder->instants = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (builder->instants, plan->bounds->data, plan->bounds->len - 1);
  builder->series = g_array_new (FALSE, TRUE, sizeof (TgChartSeries));
  builder->values = g_ptr_array_new_with_free_func (g_free);
  builder->labels = g_ptr_array_new_with_free_func (g_free);
}

static void
chart_builder_clear (ChartBuilder *builder)
{
  g_array_unref (builder->instants);
  g_array_unref (builder->series);
  g_ptr_array_unref (builder->values);
  g_ptr_array_unref (builder->labels);
}

static double *
chart_builder_add (ChartBuilder *builder,
                   char         *label,
                   guint         color_index)
{
  TgChartSeries series = { 0 };
  double *values = g_new (double, builder->instants->len);

  g_ptr_array_add (builder->values, values);
  g_ptr_array_add (builder->labels, label);
  series.label = label;
  series.values = values;
  series.color_index = color_index;
  g_array_append_val (builder->series, series);

  return values;
}

static guint
bucket_index (const TgAnalyticsPlan *plan,
              gint64                 start)
{
  for (guint i = 0; i + 1 < plan->bounds->len; i++)
    if (g_array_index (plan->bounds, gint64, i) == start)
      return i;

  return G_MAXUINT;
}

/* A line far above every other (OpenAI's seconds among addresses' milliseconds) flattens
 * them into the axis: it starts hidden, and its label goes to @hidden_label.
 */
static void
hide_outlier (ChartBuilder  *builder,
              char         **hidden_label)
{
  gssize top = -1;
  double top_max = 0;
  double second_max = 0;

  for (guint s = 0; s < builder->series->len; s++)
    {
      const double *values = g_ptr_array_index (builder->values, s);
      double max = 0;

      for (guint i = 0; i < builder->instants->len; i++)
        if (isfinite (values[i]))
          max = MAX (max, values[i]);

      if (max > top_max)
        {
          second_max = top_max;
          top_max = max;
          top = s;
        }
      else
        second_max = MAX (second_max, max);
    }

  if (top >= 0 && second_max > 0 && top_max > 4 * second_max)
    {
      g_array_index (builder->series, TgChartSeries, top).hidden = TRUE;
      *hidden_label = g_strdup (g_ptr_array_index (builder->labels, top));
    }
}

/* A time chart of @metric per group of @rows: the biggest MAX_SERIES groups of
 * @ranking, then the others together. With @hidden_label, a line far above the others
 * starts hidden (hide_outlier()).
 */
static void
fill_time_chart (TgAnalyticsPage   *self,
                 TgChartWidget     *chart,
                 const char        *title,
                 GPtrArray         *rows,
                 GPtrArray         *ranking,
                 TgUsageGroupBy     group_by,
                 TgAnalyticsMetric  metric,
                 TgCallsStatus      status,
                 char             **hidden_label)
{
  TgAnalyticsAnswer *answer = self->answer;
  const TgAnalyticsPlan *plan = answer->plan;
  gboolean additive = metric <= TG_ANALYTICS_METRIC_COST;
  guint n_points = plan->bounds->len - 1;
  g_autoptr(GPtrArray) ranked = g_ptr_array_sized_new (ranking->len);
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  ChartDrill *drill = g_new0 (ChartDrill, 1);
  SortContext context = { metric };
  ChartBuilder builder;
  TgChartData data = { 0 };
  guint n_shown;

  /* Borrowed: a copy made by g_ptr_array_copy() would free the rows with it. */
  for (guint i = 0; i < ranking->len; i++)
    g_ptr_array_add (ranked, g_ptr_array_index (ranking, i));
  g_ptr_array_sort_with_data (ranked, compare_rows, &context);
  n_shown = ranked->len > MAX_SERIES + 1 ? MAX_SERIES : ranked->len;

  chart_builder_init (&builder, plan);
  drill->group_by = group_by;
  drill->status = status;
  drill->groups = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; s < n_shown; s++)
    {
      TgUsageRow *group = g_ptr_array_index (ranked, s);
      double *values = chart_builder_add (&builder,
                                          _tg_analytics_group_label (answer, group_by, group->group),
                                          color_for (answer, group_by, group->group, s));

      for (guint i = 0; i < n_points; i++)
        values[i] = tg_analytics_metric_value (metric, NULL);
      for (guint i = 0; i < rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (rows, i);
          guint index;

          if (g_strcmp0 (row->group, group->group) != 0 ||
              (index = bucket_index (plan, row->start)) == G_MAXUINT)
            continue;
          values[index] = tg_analytics_metric_value (metric, row);
        }
      g_ptr_array_add (drill->groups, g_strdup (group->group));
      g_hash_table_add (shown, group->group);
    }

  if (n_shown < ranked->len)
    {
      /* The other groups together, bucket by bucket (histograms merged). */
      g_autoptr(GPtrArray) by_bucket = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
      double *values;

      for (guint i = 0; i < n_points; i++)
        g_ptr_array_add (by_bucket, g_ptr_array_new ());
      for (guint i = 0; i < rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (rows, i);
          guint index = bucket_index (plan, row->start);

          if (index != G_MAXUINT && !g_hash_table_contains (shown, row->group))
            g_ptr_array_add (g_ptr_array_index (by_bucket, index), row);
        }

      /* TRANSLATORS: the other groups of a chart together, "12 others" */
      values = chart_builder_add (&builder,
                                  g_strdup_printf (g_dngettext (NULL, "%u other", "%u others",
                                                                ranked->len - n_shown),
                                                   ranked->len - n_shown),
                                  n_shown);
      for (guint i = 0; i < n_points; i++)
        {
          GPtrArray *bucket = g_ptr_array_index (by_bucket, i);
          g_autoptr(TgUsageRow) total = NULL;

          if (bucket->len == 0)
            {
              values[i] = tg_analytics_metric_value (metric, NULL);
              continue;
            }
          total = tg_usage_rows_total (bucket, 0, 0, NULL);
          values[i] = tg_analytics_metric_value (metric, total);
        }
      g_ptr_array_add (drill->groups, NULL);
    }

  if (hidden_label != NULL)
    hide_outlier (&builder, hidden_label);

  data.kind = !additive ? TG_CHART_KIND_LINE
              : n_points <= MAX_BARS ? TG_CHART_KIND_STACKED_BARS : TG_CHART_KIND_STACKED_AREA;
  data.time_zone = answer->zone;
  data.instants = (const gint64 *)builder.instants->data;
  data.n_points = n_points;
  data.start = plan->start;
  data.end = plan->axis_end;
  data.series = (const TgChartSeries *)(gpointer)builder.series->data;
  data.n_series = builder.series->len;
  data.value_format = tg_analytics_metric_get_format (metric);
  data.currency = answer->currency;

  tg_chart_widget_set_title (chart, title);
  tg_chart_widget_set_data (chart, &data);
  g_object_set_data_full (G_OBJECT (chart), "tg-drill", drill, (GDestroyNotify)chart_drill_free);
  chart_builder_clear (&builder);
}

/* A horizontal bar a group of @top: cost over the period. */
static void
fill_bar_chart (TgAnalyticsPage *self,
                TgChartWidget   *chart,
                const char      *title,
                TgUsageTop      *top)
{
  TgAnalyticsAnswer *answer = self->answer;
  guint n_rows = MIN (top->rows->len, MAX_SERIES);
  gint64 rest = top->total->cost;
  gint64 instant = answer->plan->start;
  ChartBuilder builder;
  TgChartData data = { 0 };

  builder.instants = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (builder.instants, instant);
  builder.series = g_array_new (FALSE, TRUE, sizeof (TgChartSeries));
  builder.values = g_ptr_array_new_with_free_func (g_free);
  builder.labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_rows; i++)
    {
      TgUsageRow *row = g_ptr_array_index (top->rows, i);
      const char *name = g_ptr_array_index (top->display_names, i);
      double *value = chart_builder_add (&builder,
                                         name != NULL ? g_strdup (name)
                                                      : _tg_analytics_group_label (answer, top->group_by,
                                                                                   row->group),
                                         i);

      *value = (double)row->cost;
      rest -= row->cost;
    }
  if (top->rows->len > n_rows || top->n_rest_groups > 0)
    {
      double *value = chart_builder_add (&builder, g_strdup (_("Others")), n_rows);

      *value = (double)MAX (rest, 0);
    }

  data.kind = TG_CHART_KIND_HORIZONTAL_BARS;
  data.time_zone = answer->zone;
  data.instants = (const gint64 *)builder.instants->data;
  data.n_points = 1;
  data.start = answer->plan->start;
  data.end = answer->plan->end;
  data.series = (const TgChartSeries *)(gpointer)builder.series->data;
  data.n_series = builder.series->len;
  data.value_format = TG_VALUE_FORMAT_MONEY;
  data.currency = answer->currency;

  tg_chart_widget_set_title (chart, title);
  tg_chart_widget_set_data (chart, &data);
  chart_builder_clear (&builder);
}

/* Trends */

/* A row of the trends' table: a group (or the total) now, before, and the change. */
static void
add_compare_row (TgAnalyticsPage  *self,
                 const char       *label,
                 const char       *plain_label,
                 const TgUsageRow *now,
                 const TgUsageRow *then)
{
  TgAnalyticsMetric metric = self->answer->metric;
  const char *currency = self->answer->currency;
  g_autofree char *value = tg_analytics_metric_format (metric, now, currency);
  g_autofree char *previous = tg_analytics_metric_format (metric, then, currency);
  g_autofree char *difference = tg_analytics_format_difference (metric, now, then, currency, FALSE);
  g_autofree char *change = tg_analytics_format_change (metric, now, then, FALSE);
  g_autofree char *value_plain = tg_analytics_metric_to_plain (metric, now);
  g_autofree char *previous_plain = tg_analytics_metric_to_plain (metric, then);
  g_autofree char *difference_plain = tg_analytics_format_difference (metric, now, then, currency,
                                                                      TRUE);
  g_autofree char *change_plain = tg_analytics_format_change (metric, now, then, TRUE);
  const char *cells[] = { label, value, previous, difference, change };
  const char *plain[] = { plain_label, value_plain, previous_plain, difference_plain, change_plain };

  tg_data_table_add_row (self->trends_table, cells, plain, label);
}

static void
show_trends (TgAnalyticsPage *self)
{
  TgAnalyticsAnswer *answer = self->answer;
  const TgAnalyticsPlan *plan = answer->plan;
  TgAnalyticsMetric metric = answer->metric;
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GPtrArray) filters = filters_new ();
  g_autofree char *title = NULL;
  g_autofree char *period = NULL;
  g_autofree char *before = NULL;
  g_autofree char *compare = NULL;
  g_autofree char *value_title = NULL;
  TgCallsStatus status = metric == TG_ANALYTICS_METRIC_ERROR_RATE ? TG_CALLS_STATUS_ERROR
                                                                  : TG_CALLS_STATUS_ANY;
  SortContext context = { metric };
  TgDataTableColumn columns[5];

  /* TRANSLATORS: a chart's title, "Cost per day by provider" */
  title = g_strdup_printf (_("%s %s by %s"), metric_title (metric), bucket_word (plan->bucket),
                           group_word (answer->group_by));
  gtk_label_set_text (self->trends_title, title);

  fill_time_chart (self, self->trends_chart, title, answer->series, answer->current->rows,
                   answer->group_by, metric, status, NULL);
  gtk_stack_set_visible_child_name (self->trends_chart_stack,
                                    answer->current->total->calls > 0 ? "chart" : "empty");

  period = _tg_analytics_format_days (&plan->first_day, &plan->last_day);
  before = _tg_analytics_format_days (&plan->previous_first_day, &plan->previous_last_day);
  /* TRANSLATORS: "14 Oct – 13 Nov 2026 against 14 Sep – 13 Oct 2026" */
  compare = g_strdup_printf (_("%s against %s. Select a row for its calls."), period, before);
  gtk_label_set_text (self->compare_label, compare);

  /* TRANSLATORS: a column of the trends' table, "Cost, AUD" */
  value_title = metric == TG_ANALYTICS_METRIC_COST
                ? g_strdup_printf (_("Cost, %s"), answer->currency)
                : g_strdup (metric_title (metric));
  columns[0] = (TgDataTableColumn) { group_column (answer->group_by), FALSE };
  columns[1] = (TgDataTableColumn) { value_title, TRUE };
  columns[2] = (TgDataTableColumn) { _("Period Before"), TRUE };
  columns[3] = (TgDataTableColumn) { _("Difference"), TRUE };
  columns[4] = (TgDataTableColumn) { _("Change"), TRUE, _("Change, %") };
  tg_data_table_set_columns (self->trends_table, columns, G_N_ELEMENTS (columns));
  tg_data_table_set_placeholder (self->trends_table, _("No calls in either period"));

  /* Every group of either period, the biggest now first. */
  for (guint i = 0; i < answer->current->rows->len; i++)
    g_ptr_array_add (groups, g_ptr_array_index (answer->current->rows, i));
  g_ptr_array_sort_with_data (groups, compare_rows, &context);
  for (guint i = 0; i < answer->previous->rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (answer->previous->rows, i);

      if (find_group (answer->current->rows, row->group) == NULL)
        g_ptr_array_add (groups, row);
    }

  for (guint i = 0; i < groups->len; i++)
    {
      const char *group = ((TgUsageRow *)g_ptr_array_index (groups, i))->group;
      g_autofree char *label = _tg_analytics_group_label (answer, answer->group_by, group);

      add_compare_row (self, label, group, find_group (answer->current->rows, group),
                       find_group (answer->previous->rows, group));
      g_ptr_array_add (filters, filter_new (answer, plan->start, plan->end, answer->group_by,
                                            group, status));
    }

  if (groups->len > 0)
    {
      add_compare_row (self, _("Total"), _("Total"), answer->current->total,
                       answer->previous->total);
      gtk_widget_add_css_class (tg_data_table_get_row_widget (self->trends_table,
                                                              tg_data_table_get_n_rows (self->trends_table) - 1),
                                "total");
      g_ptr_array_add (filters, filter_new (answer, plan->start, plan->end, TG_USAGE_GROUP_NONE,
                                            NULL, status));
    }

  set_row_filters (self->trends_table, filters);
}

/* A table of @top's groups by cost: name, cost, share of the total cost, calls. */
static void
fill_cost_table (TgAnalyticsPage *self,
                 const char      *name,
                 TgUsageTop      *top,
                 const char      *group_title,
                 const char      *empty,
                 gint64           from,
                 gint64           to)
{
  TgAnalyticsAnswer *answer = self->answer;
  TgDataTable *table = g_hash_table_lookup (self->tables, name);
  g_autoptr(GPtrArray) filters = filters_new ();
  g_autofree char *cost_title = g_strdup_printf (_("Cost, %s"), answer->currency);
  TgDataTableColumn columns[] = {
    { group_title, FALSE }, { cost_title, TRUE }, { _("Share"), TRUE, _("Share, %") }, { _("Calls"), TRUE },
  };

  tg_data_table_set_columns (table, columns, G_N_ELEMENTS (columns));
  tg_data_table_set_placeholder (table, empty);

  for (guint i = 0; i <= top->rows->len; i++)
    {
      gboolean rest = i == top->rows->len;
      TgUsageRow *row = rest ? top->rest : g_ptr_array_index (top->rows, i);
      const char *display = rest ? NULL : g_ptr_array_index (top->display_names, i);
      g_autofree char *label = NULL;
      g_autofree char *cost = tg_format_money (row->cost, answer->currency);
      g_autofree char *cost_plain = tg_money_to_exact (row->cost);
      g_autofree char *share = tg_analytics_format_share (row->cost, top->total->cost, FALSE);
      g_autofree char *share_plain = tg_analytics_format_share (row->cost, top->total->cost, TRUE);
      g_autofree char *calls = tg_format_count (row->calls);
      g_autofree char *calls_plain = g_strdup_printf ("%" G_GINT64_FORMAT, row->calls);
      g_autofree char *tooltip = NULL;

      if (rest && top->n_rest_groups == 0)
        break;

      if (rest)
        /* TRANSLATORS: the groups after the ones listed, summed: "8 others" */
        label = g_strdup_printf (g_dngettext (NULL, "%u other", "%u others", top->n_rest_groups),
                                 top->n_rest_groups);
      else if (display != NULL && *row->group != '\0')
        {
          /* TRANSLATORS: a group with its catalogue name, "Checkout address entry (checkout.address)" */
          label = g_strdup_printf (_("%s (%s)"), display, row->group);
        }
      else
        label = _tg_analytics_group_label (answer, top->group_by, row->group);

      {
        const char *cells[] = { label, cost, share, calls };
        const char *plain[] = { rest ? label : row->group, cost_plain, share_plain, calls_plain };

        tooltip = g_strdup (label);
        tg_data_table_add_row (table, cells, plain, tooltip);
      }
      g_ptr_array_add (filters, rest ? filter_new (answer, from, to, TG_USAGE_GROUP_NONE, NULL,
                                                   TG_CALLS_STATUS_ANY)
                                     : filter_new (answer, from, to, top->group_by, row->group,
                                                   TG_CALLS_STATUS_ANY));
    }

  set_row_filters (table, filters);
}

static void
show_allocation (TgAnalyticsPage *self)
{
  TgAnalyticsAnswer *answer = self->answer;
  const TgAnalyticsPlan *plan = answer->plan;
  g_autofree char *days = _tg_analytics_format_days (&plan->first_day, &plan->last_day);
  g_autofree char *total = tg_format_money (answer->features->total->cost, answer->currency);
  g_autofree char *subtitle = NULL;
  g_autofree char *users_subtitle = NULL;
  GDate last_day;

  /* TRANSLATORS: under "Cost by Feature": "$1,234.56 AUD, 14 Oct – 13 Nov 2026" */
  subtitle = g_strdup_printf (_("%s in all, %s"), total, days);
  set_subtitle (self, "features", subtitle);
  set_subtitle (self, "cost-centres", _("Features are booked to cost centres in the catalogue"));
  tg_time_bucket_local_date (answer->zone, answer->users->end - 1, &last_day);
  {
    g_autofree char *user_days = _tg_analytics_format_days (&plan->first_day, &last_day);

    /* TRANSLATORS: under "Users Who Cost the Most": whole days, "14 Oct – 13 Nov 2026" */
    users_subtitle = g_strdup_printf (_("Whole days, %s"), user_days);
    set_subtitle (self, "users", users_subtitle);
  }

  fill_bar_chart (self, g_hash_table_lookup (self->charts, "features"), _("Cost by feature"),
                  answer->features);
  fill_cost_table (self, "features", answer->features, _("Feature"),
                   _("No calls in these days"), plan->start, plan->end);
  fill_cost_table (self, "cost-centres", answer->cost_centres, _("Cost Centre"),
                   _("No calls in these days"), plan->start, plan->end);
  fill_cost_table (self, "users", answer->users, _("User"), _("No calls in these days"),
                   answer->users->start, answer->users->end);
}

static void
show_performance (TgAnalyticsPage *self)
{
  TgAnalyticsAnswer *answer = self->answer;
  const TgAnalyticsPlan *plan = answer->plan;
  TgDataTable *table = g_hash_table_lookup (self->tables, "providers");
  TgDataTable *statuses = g_hash_table_lookup (self->tables, "statuses");
  g_autoptr(GPtrArray) totals = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);
  g_autoptr(GPtrArray) filters = filters_new ();
  g_autoptr(GPtrArray) status_filters = filters_new ();
  g_autofree char *days = _tg_analytics_format_days (&plan->first_day, &plan->last_day);
  g_autofree char *latency_title = NULL;
  g_autofree char *latency_subtitle = NULL;
  g_autofree char *errors_title = NULL;
  g_autofree char *hidden = NULL;
  TgDataTableColumn columns[] = {
    { _("Provider"), FALSE }, { _("Calls"), TRUE }, { _("Error Rate"), TRUE, _("Error Rate, %") },
    { _("Timeouts"), TRUE }, { _("p50"), TRUE, _("p50, ms") }, { _("p95"), TRUE, _("p95, ms") },
    { _("p99"), TRUE, _("p99, ms") },
  };
  TgDataTableColumn status_columns[] = {
    { _("Outcome"), FALSE }, { _("Calls"), TRUE }, { _("Share"), TRUE, _("Share, %") },
  };

  /* Each provider over the period: its buckets added up, histograms merged. */
  {
    g_autoptr(GHashTable) by_provider = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                               (GDestroyNotify)g_ptr_array_unref);
    SortContext context = { TG_ANALYTICS_METRIC_CALLS };
    GHashTableIter iter;
    gpointer key;
    gpointer value;

    for (guint i = 0; i < answer->performance->len; i++)
      {
        TgUsageRow *row = g_ptr_array_index (answer->performance, i);
        GPtrArray *rows = g_hash_table_lookup (by_provider, row->group);

        if (rows == NULL)
          g_hash_table_insert (by_provider, row->group, rows = g_ptr_array_new ());
        g_ptr_array_add (rows, row);
      }
    g_hash_table_iter_init (&iter, by_provider);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_ptr_array_add (totals, tg_usage_rows_total (value, plan->start, plan->end, key));
    g_ptr_array_sort_with_data (totals, compare_rows, &context);
  }

  /* TRANSLATORS: a chart's title, "95th percentile latency per day by provider" */
  latency_title = g_strdup_printf (_("95th percentile latency %s by provider"),
                                   bucket_word (plan->bucket));
  errors_title = g_strdup_printf (_("Error rate %s by provider"), bucket_word (plan->bucket));
  fill_time_chart (self, g_hash_table_lookup (self->charts, "latency"), latency_title,
                   answer->performance, totals, TG_USAGE_GROUP_PROVIDER, TG_ANALYTICS_METRIC_P95,
                   TG_CALLS_STATUS_ANY, &hidden);
  fill_time_chart (self, g_hash_table_lookup (self->charts, "errors"), errors_title,
                   answer->performance, totals, TG_USAGE_GROUP_PROVIDER,
                   TG_ANALYTICS_METRIC_ERROR_RATE, TG_CALLS_STATUS_ERROR, NULL);
  if (hidden != NULL)
    /* TRANSLATORS: under the latency chart; %s is a provider whose line starts hidden */
    latency_subtitle = g_strdup_printf (_("One call in twenty took longer than this. %s takes "
                                          "far longer than the others and is hidden: select "
                                          "it above the chart to show it."), hidden);
  else
    latency_subtitle = g_strdup (_("One call in twenty took longer than this"));
  set_subtitle (self, "latency", latency_subtitle);
  set_subtitle (self, "errors", _("Calls answered with 4xx or 5xx, or not answered"));
  set_subtitle (self, "providers", days);
  set_subtitle (self, "statuses", days);

  tg_data_table_set_columns (table, columns, G_N_ELEMENTS (columns));
  tg_data_table_set_placeholder (table, _("No calls in these days"));
  for (guint i = 0; i < totals->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (totals, i);
      g_autofree char *label = _tg_analytics_group_label (answer, TG_USAGE_GROUP_PROVIDER, row->group);
      g_autofree char *calls = tg_format_count (row->calls);
      g_autofree char *calls_plain = g_strdup_printf ("%" G_GINT64_FORMAT, row->calls);
      g_autofree char *rate = tg_analytics_metric_format (TG_ANALYTICS_METRIC_ERROR_RATE, row, NULL);
      g_autofree char *rate_plain = tg_analytics_metric_to_plain (TG_ANALYTICS_METRIC_ERROR_RATE, row);
      g_autofree char *timeouts = tg_format_count (row->timeouts);
      g_autofree char *timeouts_plain = g_strdup_printf ("%" G_GINT64_FORMAT, row->timeouts);
      g_autofree char *p50 = tg_analytics_metric_format (TG_ANALYTICS_METRIC_P50, row, NULL);
      g_autofree char *p95 = tg_analytics_metric_format (TG_ANALYTICS_METRIC_P95, row, NULL);
      g_autofree char *p99 = tg_analytics_metric_format (TG_ANALYTICS_METRIC_P99, row, NULL);
      g_autofree char *p50_plain = tg_analytics_metric_to_plain (TG_ANALYTICS_METRIC_P50, row);
      g_autofree char *p95_plain = tg_analytics_metric_to_plain (TG_ANALYTICS_METRIC_P95, row);
      g_autofree char *p99_plain = tg_analytics_metric_to_plain (TG_ANALYTICS_METRIC_P99, row);
      const char *cells[] = { label, calls, rate, timeouts, p50, p95, p99 };
      const char *plain[] = { row->group, calls_plain, rate_plain, timeouts_plain, p50_plain,
                              p95_plain, p99_plain };

      tg_data_table_add_row (table, cells, plain, label);
      g_ptr_array_add (filters, filter_new (answer, plan->start, plan->end,
                                            TG_USAGE_GROUP_PROVIDER, row->group,
                                            TG_CALLS_STATUS_ANY));
    }
  set_row_filters (table, filters);

  tg_data_table_set_columns (statuses, status_columns, G_N_ELEMENTS (status_columns));
  tg_data_table_set_placeholder (statuses, _("No calls in these days"));
  for (guint i = 0; i < answer->statuses->rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (answer->statuses->rows, i);
      g_autofree char *label = _tg_analytics_group_label (answer, TG_USAGE_GROUP_STATUS_CLASS,
                                                          row->group);
      g_autofree char *calls = tg_format_count (row->calls);
      g_autofree char *calls_plain = g_strdup_printf ("%" G_GINT64_FORMAT, row->calls);
      g_autofree char *share = tg_analytics_format_share (row->calls,
                                                          answer->statuses->total->calls, FALSE);
      g_autofree char *share_plain = tg_analytics_format_share (row->calls,
                                                                answer->statuses->total->calls,
                                                                TRUE);
      const char *cells[] = { label, calls, share };
      const char *plain[] = { row->group, calls_plain, share_plain };

      tg_data_table_add_row (statuses, cells, plain, label);
      g_ptr_array_add (status_filters, filter_new (answer, plan->start, plan->end,
                                                   TG_USAGE_GROUP_STATUS_CLASS, row->group,
                                                   TG_CALLS_STATUS_ANY));
    }
  set_row_filters (statuses, status_filters);
}

/* One provider's part of a region. */
typedef struct
{
  TgUsageRow *row;
  const char *slug;
} RegionPiece;

static int
compare_pieces (gconstpointer a,
                gconstpointer b)
{
  const RegionPiece *x = a;
  const RegionPiece *y = b;

  if (x->row->cost != y->row->cost)
    return x->row->cost > y->row->cost ? -1 : 1;
  return g_strcmp0 (x->slug, y->slug);
}

static void
show_regions (TgAnalyticsPage *self)
{
  TgAnalyticsAnswer *answer = self->answer;
  const TgAnalyticsPlan *plan = answer->plan;
  TgDataTable *table = g_hash_table_lookup (self->tables, "region-providers");
  g_autoptr(GPtrArray) filters = filters_new ();
  g_autofree char *days = _tg_analytics_format_days (&plan->first_day, &plan->last_day);
  g_autofree char *cost_title = g_strdup_printf (_("Cost, %s"), answer->currency);
  TgDataTableColumn columns[] = {
    { _("Region"), FALSE }, { _("Provider"), FALSE }, { _("Calls"), TRUE }, { cost_title, TRUE },
    { _("Share of Region"), TRUE, _("Share of Region, %") },
  };

  set_subtitle (self, "regions", days);
  set_subtitle (self, "region-providers", _("Which providers serve each region, and what "
                                            "they cost there"));
  fill_bar_chart (self, g_hash_table_lookup (self->charts, "regions"), _("Cost by region"),
                  answer->regions);
  fill_cost_table (self, "regions", answer->regions, _("Region"), _("No calls in these days"),
                   plan->start, plan->end);

  tg_data_table_set_columns (table, columns, G_N_ELEMENTS (columns));
  tg_data_table_set_placeholder (table, _("No calls in these days"));
  for (guint r = 0; r < answer->regions->rows->len; r++)
    {
      TgUsageRow *region = g_ptr_array_index (answer->regions->rows, r);
      const char *display = g_ptr_array_index (answer->regions->display_names, r);
      g_autofree char *region_label = display != NULL && *region->group != '\0'
                                      ? g_strdup (display)
                                      : _tg_analytics_group_label (answer, TG_USAGE_GROUP_REGION,
                                                                   region->group);
      g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (RegionPiece));

      /* The region's providers, the most expensive first. */
      for (guint p = 0; p < answer->region_providers->len; p++)
        {
          TgUsageTop *top = g_ptr_array_index (answer->region_providers, p);
          RegionPiece piece = { find_group (top->rows, region->group),
                                g_ptr_array_index (answer->region_provider_slugs, p) };

          if (piece.row != NULL && piece.row->calls > 0)
            g_array_append_val (pieces, piece);
        }
      g_array_sort (pieces, compare_pieces);

      for (guint p = 0; p < pieces->len; p++)
        {
          TgUsageRow *row = g_array_index (pieces, RegionPiece, p).row;
          const char *slug = g_array_index (pieces, RegionPiece, p).slug;
          g_autofree char *provider = _tg_analytics_group_label (answer, TG_USAGE_GROUP_PROVIDER, slug);
          g_autofree char *calls = tg_format_count (row->calls);
          g_autofree char *calls_plain = g_strdup_printf ("%" G_GINT64_FORMAT, row->calls);
          g_autofree char *cost = tg_format_money (row->cost, answer->currency);
          g_autofree char *cost_plain = tg_money_to_exact (row->cost);
          g_autofree char *share = tg_analytics_format_share (row->cost, region->cost, FALSE);
          g_autofree char *share_plain = tg_analytics_format_share (row->cost, region->cost, TRUE);
          /* TRANSLATORS: a row's tooltip, "Geoscape in Australia" */
          g_autofree char *tooltip = g_strdup_printf (_("%s in %s"), provider, region_label);
          const char *cells[] = { region_label, provider, calls, cost, share };
          const char *plain[] = { region->group, slug, calls_plain, cost_plain, share_plain };
          TgCallsFilter *filter;

          tg_data_table_add_row (table, cells, plain, tooltip);
          filter = filter_new (answer, plan->start, plan->end, TG_USAGE_GROUP_REGION,
                               region->group, TG_CALLS_STATUS_ANY);
          g_free (filter->provider);
          filter->provider = g_strdup (slug);
          g_ptr_array_add (filters, filter);
        }
    }
  set_row_filters (table, filters);
}

/**
 * _tg_analytics_sections_show:
 *
 * Draws every section from the page's answer.
 */
void
_tg_analytics_sections_show (TgAnalyticsPage *self)
{
  g_return_if_fail (self->answer != NULL);

  show_trends (self);
  show_allocation (self);
  show_performance (self);
  show_regions (self);
}

/* Drill-downs */

/**
 * tg_analytics_page_get_series_group:
 * @series: a series of the trends chart
 *
 * Returns: (nullable): the group the series shows (TgUsageRow.group), or %NULL for the
 *   other groups together
 */
const char *
tg_analytics_page_get_series_group (TgAnalyticsPage *self,
                                    guint            series)
{
  ChartDrill *drill;

  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  drill = g_object_get_data (G_OBJECT (self->trends_chart), "tg-drill");
  if (drill == NULL || series >= drill->groups->len)
    return NULL;

  return g_ptr_array_index (drill->groups, series);
}

/**
 * tg_analytics_page_dup_point_filter:
 * @index: a bucket of the trends chart
 * @series: one of its series, or -1 for every group
 *
 * Returns: (transfer full) (nullable): which calls a point of the trends chart opens
 */
TgCallsFilter *
tg_analytics_page_dup_point_filter (TgAnalyticsPage *self,
                                    guint            index,
                                    int              series)
{
  ChartDrill *drill;
  const TgAnalyticsPlan *plan;
  TgCallsFilter *filter;

  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  drill = g_object_get_data (G_OBJECT (self->trends_chart), "tg-drill");
  plan = tg_analytics_page_get_plan (self);
  if (drill == NULL || plan == NULL || index + 1 >= plan->bounds->len)
    return NULL;

  filter = filter_new (self->answer, g_array_index (plan->bounds, gint64, index),
                       g_array_index (plan->bounds, gint64, index + 1), TG_USAGE_GROUP_NONE,
                       NULL, drill->status);
  if (series >= 0 && (guint)series < drill->groups->len &&
      g_ptr_array_index (drill->groups, series) != NULL)
    {
      filter->group_by = drill->group_by;
      filter->group = g_strdup (g_ptr_array_index (drill->groups, series));
    }

  return filter;
}

/**
 * tg_analytics_page_dup_row_filter:
 *
 * Returns: (transfer full) (nullable): which calls row @row of table @table opens
 */
TgCallsFilter *
tg_analytics_page_dup_row_filter (TgAnalyticsPage *self,
                                  const char      *table,
                                  guint            row)
{
  TgDataTable *data_table;
  GPtrArray *filters;

  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  data_table = g_hash_table_lookup (self->tables, table);
  filters = data_table != NULL ? g_object_get_data (G_OBJECT (data_table), "tg-row-filters") : NULL;
  if (filters == NULL || row >= filters->len)
    return NULL;

  return tg_calls_filter_copy (g_ptr_array_index (filters, row));
}
