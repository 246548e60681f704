/* tg-analytics-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Analytics page of the main window's view stack: the story card's "Analytics
 * Charts" — usage trends, cost per feature, performance and the regions — for a question
 * the controls ask: a range of days, a bucket, a grouping, a measure and a provider.
 *
 * The question lives in properties (range, from, to, bucket, group-by, metric, provider,
 * section), each with a property action ("analytics.range" …) that the menus' radio items
 * use, and bound to GSettings by the window, so that it survives switching pages and is
 * back at the next launch. tg-analytics.h turns it into periods of the billing time zone
 * (src/core, unit-tested); a question the figures cannot answer is refused with a status
 * page that says why, and one they can answer differently is adapted with a notice.
 *
 * Loading: one pipelined batch on the window's connection per question, with JIT off:
 * the settings, the provider catalogue, the trends (tollgate.usage_series(), or a top of
 * users a bucket), the trends' groups over the period and the period before, and the
 * tops of the other sections (tollgate.usage_top(): features, cost centres, users,
 * status classes, regions) — the queries of `tollgatectl usage series|top` — then a
 * second batch of the regions of each provider that was called. A new question cancels
 * the load under way (the latest request wins); the figures shown stay, dimmed, with a
 * spinner beside the controls, until the new ones arrive. Bounds are computed in the
 * billing zone the last batch reported; when a batch says the zone is another, the page
 * loads once more with the right bounds.
 *
 * The page loads while it is on screen: a question asked or a Refresh while it is hidden
 * loads when it is shown, and the worker's NOTIFYs reload it at most every
 * QUEUE_INTERVAL_S seconds.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-activity-queries.h"
#include "tg-analytics-page-private.h"
#include "tg-calls-window.h"
#include "tg-catalog-queries.h"
#include "tg-settings-queries.h"
#include "tg-usage-queries.h"
#include "tg-window.h"

#define QUEUE_INTERVAL_S 10

enum {
  RESULT_JIT_OFF,
  RESULT_SETTINGS,
  RESULT_PROVIDERS,
  RESULT_CURRENT,
  RESULT_PREVIOUS,
  RESULT_FEATURES,
  RESULT_COST_CENTRES,
  RESULT_USERS,
  RESULT_PERFORMANCE,
  RESULT_STATUSES,
  RESULT_REGIONS,
  RESULT_SERIES,              /* one series, or a top of users a bucket */
};

/* At most this many users are listed by name; the others are summed. */
#define TOP_USERS 10

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_RANGE,
  PROP_FROM,
  PROP_TO,
  PROP_BUCKET,
  PROP_GROUP_BY,
  PROP_METRIC,
  PROP_PROVIDER,
  PROP_SECTION,
  PROP_READY,
  PROP_LOADING,
  PROP_TRANSITION_RUNNING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgAnalyticsPage, tg_analytics_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static const char * const bucket_names[] = { "hour", "day", "week", "month" };
static const char * const group_names[] = {
  "provider", "endpoint", "request-type", "feature", "cost-centre", "region", "status-class",
  "user",
};
static const char * const section_names[] = { "trends", "allocation", "performance", "regions" };

static void start_load (TgAnalyticsPage *self);

void
_tg_analytics_answer_free (TgAnalyticsAnswer *answer)
{
  if (answer == NULL)
    return;

  g_clear_pointer (&answer->plan, tg_analytics_plan_free);
  g_clear_pointer (&answer->zone, g_time_zone_unref);
  g_clear_pointer (&answer->currency, g_free);
  g_clear_pointer (&answer->providers, g_ptr_array_unref);
  g_clear_pointer (&answer->provider, g_free);
  g_clear_pointer (&answer->series, g_ptr_array_unref);
  g_clear_pointer (&answer->current, tg_usage_top_unref);
  g_clear_pointer (&answer->previous, tg_usage_top_unref);
  g_clear_pointer (&answer->features, tg_usage_top_unref);
  g_clear_pointer (&answer->cost_centres, tg_usage_top_unref);
  g_clear_pointer (&answer->users, tg_usage_top_unref);
  g_clear_pointer (&answer->performance, g_ptr_array_unref);
  g_clear_pointer (&answer->statuses, tg_usage_top_unref);
  g_clear_pointer (&answer->regions, tg_usage_top_unref);
  g_clear_pointer (&answer->region_providers, g_ptr_array_unref);
  g_clear_pointer (&answer->region_provider_slugs, g_ptr_array_unref);
  g_clear_pointer (&answer->updated_at, g_date_time_unref);
  g_free (answer);
}

static gboolean
in_names (const char         *value,
          const char * const *names,
          gsize               n)
{
  for (gsize i = 0; value != NULL && i < n; i++)
    if (g_str_equal (value, names[i]))
      return TRUE;

  return FALSE;
}

static gboolean
is_valid (guint       prop_id,
          const char *value)
{
  TgAnalyticsRange range;
  TgAnalyticsMetric metric;
  GDate date;

  if (value == NULL)
    return FALSE;

  switch (prop_id)
    {
    case PROP_RANGE:
      return tg_analytics_range_parse (value, &range);
    case PROP_METRIC:
      return tg_analytics_metric_parse (value, &metric);
    case PROP_BUCKET:
      return in_names (value, bucket_names, G_N_ELEMENTS (bucket_names));
    case PROP_GROUP_BY:
      return in_names (value, group_names, G_N_ELEMENTS (group_names));
    case PROP_SECTION:
      return in_names (value, section_names, G_N_ELEMENTS (section_names));
    case PROP_FROM:
    case PROP_TO:
      return *value == '\0' || tg_time_bucket_parse_date (value, &date, NULL);
    case PROP_PROVIDER:
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static char **
question_field (TgAnalyticsPage *self,
                guint            prop_id)
{
  switch (prop_id)
    {
    case PROP_RANGE: return &self->range;
    case PROP_FROM: return &self->from;
    case PROP_TO: return &self->to;
    case PROP_BUCKET: return &self->bucket;
    case PROP_GROUP_BY: return &self->group_by;
    case PROP_METRIC: return &self->metric;
    case PROP_PROVIDER: return &self->provider;
    case PROP_SECTION: return &self->section;
    default: g_assert_not_reached ();
    }
}

static gboolean
question_changed_cb (gpointer user_data)
{
  TgAnalyticsPage *self = user_data;

  self->question_source_id = 0;
  tg_analytics_page_refresh (self);

  return G_SOURCE_REMOVE;
}

/* Sets a field of the question; a value it cannot take is ignored (a hand-edited
 * setting, an old action target). Several changes at once (settings bound at start)
 * make one load.
 */
static void
set_question_field (TgAnalyticsPage *self,
                    guint            prop_id,
                    const char      *value)
{
  char **field = question_field (self, prop_id);

  if (!is_valid (prop_id, value) || g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);

  if (prop_id != PROP_SECTION && self->question_source_id == 0)
    self->question_source_id = g_idle_add (question_changed_cb, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* The question as tg-analytics.h takes it; @provider borrows from @self. */
static void
get_question (TgAnalyticsPage     *self,
              TgAnalyticsQuestion *question,
              GTimeZone           *zone)
{
  GDate today;

  tg_analytics_range_parse (self->range, &question->range);
  tg_analytics_metric_parse (self->metric, &question->metric);
  tg_bucket_size_parse (self->bucket, &question->bucket, NULL);
  tg_usage_group_by_parse (self->group_by, &question->group_by);
  question->provider = *self->provider != '\0' ? self->provider : NULL;

  /* Custom dates not chosen yet: the last 30 days. */
  tg_time_bucket_local_date (zone, g_get_real_time () / G_USEC_PER_SEC, &today);
  g_date_clear (&question->from, 1);
  g_date_clear (&question->to, 1);
  if (*self->to == '\0' || !tg_time_bucket_parse_date (self->to, &question->to, NULL))
    question->to = today;
  if (*self->from == '\0' || !tg_time_bucket_parse_date (self->from, &question->from, NULL))
    {
      question->from = question->to;
      g_date_subtract_days (&question->from, 29);
    }
}

/* Labels of the controls (closures of the template) */

static char *
range_label (gpointer    unused,
             const char *range)
{
  static const char * const labels[] = {
    N_("Today"), N_("Yesterday"), N_("Last 7 Days"), N_("Last 30 Days"), N_("Last 90 Days"),
    N_("Month to Date"), N_("Last Month"), N_("Custom Dates"),
  };
  TgAnalyticsRange value;

  if (!tg_analytics_range_parse (range, &value))
    return g_strdup ("");
  return g_strdup (_(labels[value]));
}

static gboolean
is_custom (gpointer    unused,
           const char *range)
{
  return g_strcmp0 (range, "custom") == 0;
}

static char *
bucket_label (gpointer    unused,
              const char *bucket)
{
  static const char * const labels[] = { N_("By Hour"), N_("By Day"), N_("By Week"), N_("By Month") };

  for (guint i = 0; i < G_N_ELEMENTS (bucket_names); i++)
    if (g_strcmp0 (bucket, bucket_names[i]) == 0)
      return g_strdup (_(labels[i]));

  return g_strdup ("");
}

static const char * const group_titles[] = {
  N_("Provider"), N_("Endpoint"), N_("Request Type"), N_("Feature"), N_("Cost Centre"),
  N_("Region"), N_("Status Class"), N_("User"),
};

static char *
group_label (gpointer    unused,
             const char *group_by)
{
  for (guint i = 0; i < G_N_ELEMENTS (group_names); i++)
    if (g_strcmp0 (group_by, group_names[i]) == 0)
      /* TRANSLATORS: the button of the trends' grouping, "By Provider" */
      return g_strdup_printf (_("By %s"), _(group_titles[i]));

  return g_strdup ("");
}

static const char * const metric_titles[] = {
  N_("Calls"), N_("Billable Calls"), N_("Credits"), N_("Cost"), N_("Error Rate"),
  N_("Median Latency"), N_("95th Percentile"), N_("99th Percentile"),
};

static char *
metric_label (gpointer    unused,
              const char *metric)
{
  TgAnalyticsMetric value;

  if (!tg_analytics_metric_parse (metric, &value))
    return g_strdup ("");
  return g_strdup (_(metric_titles[value]));
}

static char *
date_label (gpointer    unused,
            const char *date)
{
  GDate parsed;
  char text[64];

  if (date == NULL || *date == '\0' || !tg_time_bucket_parse_date (date, &parsed, NULL))
    return g_strdup (_("Choose…"));

  /* TRANSLATORS: a day on the custom range's buttons, see strftime() */
  g_date_strftime (text, sizeof text, _("%-d %b %Y"), &parsed);
  return g_strdup (text);
}

/**
 * _tg_analytics_format_days:
 *
 * Returns: (transfer full): "14 Oct – 13 Nov 2026", "3–9 Nov 2026", "3 Nov 2026"
 */
char *
_tg_analytics_format_days (const GDate *first,
                           const GDate *last)
{
  char from[64];
  char to[64];

  /* TRANSLATORS: the last day of a range, or a day alone, see strftime() */
  g_date_strftime (to, sizeof to, _("%-d %b %Y"), last);
  if (g_date_compare (first, last) == 0)
    return g_strdup (to);

  if (g_date_get_year (first) != g_date_get_year (last))
    g_date_strftime (from, sizeof from, _("%-d %b %Y"), first);
  else if (g_date_get_month (first) != g_date_get_month (last))
    /* TRANSLATORS: the first day of a range within a year, see strftime() */
    g_date_strftime (from, sizeof from, _("%-d %b"), first);
  else
    g_date_strftime (from, sizeof from, "%-d", first);

  /* TRANSLATORS: a range of days, "14 Oct – 13 Nov 2026" */
  return g_strdup_printf (_("%s – %s"), from, to);
}

/**
 * _tg_analytics_group_label:
 * @group: a group as figures name it (TgUsageRow.group)
 *
 * Returns: (transfer full): the group for people: a provider's name, "2xx", "No feature"
 */
char *
_tg_analytics_group_label (TgAnalyticsAnswer *answer,
                           TgUsageGroupBy     group_by,
                           const char        *group)
{
  if (group_by == TG_USAGE_GROUP_PROVIDER)
    {
      TgProvider *provider = tg_catalog_find_provider (answer->providers, group);

      return g_strdup (provider != NULL ? provider->display_name : group);
    }

  if (group_by == TG_USAGE_GROUP_STATUS_CLASS)
    {
      if (g_strcmp0 (group, "0") == 0)
        return g_strdup (_("No answer"));
      if (g_strcmp0 (group, "2") == 0)
        return g_strdup (_("2xx success"));
      if (g_strcmp0 (group, "4") == 0)
        return g_strdup (_("4xx refused"));
      if (g_strcmp0 (group, "5") == 0)
        return g_strdup (_("5xx server error"));
      /* TRANSLATORS: a class of HTTP statuses, "3xx" */
      return g_strdup_printf (_("%sxx"), group);
    }

  if (group == NULL || *group == '\0')
    switch (group_by)
      {
      case TG_USAGE_GROUP_FEATURE:
        return g_strdup (_("No feature"));
      case TG_USAGE_GROUP_COST_CENTRE:
        return g_strdup (_("No cost centre"));
      case TG_USAGE_GROUP_REGION:
        return g_strdup (_("No region"));
      case TG_USAGE_GROUP_USER:
        return g_strdup (_("No user"));
      default:
        return g_strdup (_("None"));
      }

  if (group_by == TG_USAGE_GROUP_USER)
    /* TRANSLATORS: a user of the platform by id, "User 100042" */
    return g_strdup_printf (_("User %s"), group);

  return g_strdup (group);
}

/* States */

/* The one place that enables the page's own actions. */
static void
update_actions (TgAnalyticsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analytics.refresh", self->connection != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analytics.copy-table", self->answer != NULL);
}

static void
set_ready (TgAnalyticsPage *self)
{
  if (self->ready)
    return;

  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
set_loading (TgAnalyticsPage *self,
             GCancellable    *cancellable)
{
  gboolean was_loading = self->load_cancellable != NULL;

  if (cancellable != self->load_cancellable)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      if (cancellable != NULL)
        self->load_cancellable = g_object_ref (cancellable);
    }

  gtk_spinner_set_spinning (self->busy_spinner, cancellable != NULL && self->answer != NULL);
  gtk_spinner_set_spinning (self->spinner, cancellable != NULL && self->answer == NULL);
  if (cancellable != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->sections), "loading");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sections), "loading");

  if (was_loading != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_notice (TgAnalyticsPage *self,
            const char      *notice)
{
  if (notice != NULL)
    gtk_label_set_text (self->notice_label, notice);
  gtk_revealer_set_reveal_child (self->notice_revealer, notice != NULL);
}

static void
show_refusal (TgAnalyticsPage *self,
              const GError    *error)
{
  g_free (self->refusal);
  self->refusal = g_strdup (error->message);
  set_loading (self, NULL);
  set_notice (self, NULL);
  adw_status_page_set_description (self->refused_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "refused");
  gtk_label_set_text (self->period_label, "");
  set_ready (self);
}

static void
show_error (TgAnalyticsPage *self,
            const GError    *error)
{
  set_loading (self, NULL);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  set_ready (self);
}

static void
update_period (TgAnalyticsPage *self)
{
  TgAnalyticsAnswer *answer = self->answer;
  g_autofree char *days = NULL;
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  days = _tg_analytics_format_days (&answer->plan->first_day, &answer->plan->last_day);
  time = g_date_time_format (answer->updated_at, "%H:%M:%S");
  gtk_label_set_text (self->period_label, days);
  /* TRANSLATORS: the tooltip of the period shown: its days in the billing time zone,
   * "Local days of Australia/Sydney · updated at 14:03:12"
   */
  text = g_strdup_printf (_("Local days of %s · updated at %s"),
                          g_time_zone_get_identifier (answer->zone), time);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->period_label), text);
}

/* The provider filter's menu: every provider of the catalogue. */
static void
update_provider_menu (TgAnalyticsPage *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) all = g_menu_new ();
  g_autoptr(GMenu) each = g_menu_new ();
  TgProvider *current = NULL;
  g_autoptr(GMenuItem) item = NULL;

  item = g_menu_item_new (_("All Providers"), NULL);
  g_menu_item_set_action_and_target (item, "analytics.provider", "s", "");
  g_menu_append_item (all, item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (all));

  for (guint i = 0; self->providers != NULL && i < self->providers->len; i++)
    {
      TgProvider *provider = g_ptr_array_index (self->providers, i);
      g_autoptr(GMenuItem) provider_item = g_menu_item_new (provider->display_name, NULL);

      g_menu_item_set_action_and_target (provider_item, "analytics.provider", "s", provider->slug);
      g_menu_append_item (each, provider_item);
      if (g_strcmp0 (provider->slug, self->provider) == 0)
        current = provider;
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (each));

  gtk_menu_button_set_menu_model (self->provider_button, G_MENU_MODEL (menu));
  if (*self->provider == '\0')
    gtk_menu_button_set_label (self->provider_button, _("All Providers"));
  else
    gtk_menu_button_set_label (self->provider_button,
                               current != NULL ? current->display_name : self->provider);
}

/* Loading */

/* One load: the page (weakly), its cancellable, and what it asked. */
typedef struct
{
  GWeakRef           self;
  GCancellable      *cancellable;
  TgAnalyticsAnswer *answer;      /* filled as the results come */
  guint              n_series;    /* statements of the series, from RESULT_SERIES */
} Load;

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->self);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->answer, _tg_analytics_answer_free);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
finish_load (TgAnalyticsPage *self,
             Load            *load)
{
  g_clear_pointer (&self->answer, _tg_analytics_answer_free);
  self->answer = g_steal_pointer (&load->answer);
  self->answer->updated_at = g_date_time_new_now_local ();
  g_clear_pointer (&self->refusal, g_free);

  set_loading (self, NULL);
  update_actions (self);
  set_notice (self, self->answer->plan->notice);
  update_period (self);
  _tg_analytics_sections_show (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
  set_ready (self);
}

static void
on_regions_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgAnalyticsPage) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (results == NULL)
    {
      show_error (self, error);
      return;
    }

  load->answer->region_providers = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_top_unref);
  for (guint i = 0; i < results->len; i++)
    {
      gint64 bounds[2] = { load->answer->plan->start, load->answer->plan->end };
      TgUsageTop *top = tg_usage_top_parse_result (g_ptr_array_index (results, i), bounds,
                                                   TG_USAGE_GROUP_REGION, &error);

      if (top == NULL)
        {
          show_error (self, error);
          return;
        }
      g_ptr_array_add (load->answer->region_providers, top);
    }

  finish_load (self, load);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/* The providers called in the period: the performance series' groups, in order. */
static GPtrArray *
called_providers (TgAnalyticsAnswer *answer)
{
  GPtrArray *slugs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < answer->performance->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (answer->performance, i);

      if (!g_ptr_array_find_with_equal_func (slugs, row->group, g_str_equal, NULL))
        g_ptr_array_add (slugs, g_strdup (row->group));
    }
  g_ptr_array_sort (slugs, compare_strings);

  return slugs;
}

/* The bounds of a top over whole local days (users need them): [start, the next local
 * midnight after the period's last instant).
 */
static void
whole_day_bounds (const TgAnalyticsPlan *plan,
                  GTimeZone             *zone,
                  gint64                 start,
                  gint64                 end,
                  gint64                 bounds[2])
{
  GDate last;

  tg_time_bucket_local_date (zone, end - 1, &last);
  g_date_add_days (&last, 1);
  bounds[0] = tg_time_bucket_floor (zone, TG_BUCKET_DAY, start);
  bounds[1] = tg_time_bucket_day_start (zone, &last);
}

/* The trends by user: a top of every user a bucket, as one series. */
static GPtrArray *
user_series (GPtrArray              *results,
             const TgAnalyticsPlan  *plan,
             GTimeZone              *zone,
             GError                **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);

  for (guint i = 0; i + 1 < plan->bounds->len; i++)
    {
      gint64 bounds[2] = { g_array_index (plan->bounds, gint64, i),
                           g_array_index (plan->bounds, gint64, i + 1) };
      g_autoptr(TgUsageTop) top = NULL;

      top = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_SERIES + i), bounds,
                                       TG_USAGE_GROUP_USER, error);
      if (top == NULL)
        return NULL;

      for (guint j = 0; j < top->rows->len; j++)
        g_ptr_array_add (rows, tg_usage_row_ref (g_ptr_array_index (top->rows, j)));
    }

  return g_steal_pointer (&rows);
}

/* Reading the billing zone alone: before the first load (bounds of users' whole days
 * must be the zone's), and after a load failed, which a zone changed meanwhile explains.
 */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  GError       *error;        /* the load's, shown when the zone is the same */
} ZoneCheck;

static void
zone_check_free (ZoneCheck *check)
{
  g_weak_ref_clear (&check->self);
  g_clear_object (&check->cancellable);
  g_clear_error (&check->error);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZoneCheck, zone_check_free)

static void
on_zone_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ZoneCheck) check = user_data;
  g_autoptr(TgAnalyticsPage) self = g_weak_ref_get (&check->self);
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  GTimeZone *zone;

  settings = tg_settings_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (check->cancellable))
    return;

  if (settings == NULL)
    {
      show_error (self, check->error != NULL ? check->error : error);
      return;
    }

  if (self->zone != NULL &&
      g_strcmp0 (g_time_zone_get_identifier (self->zone), settings->billing_timezone) == 0)
    {
      if (check->error != NULL)
        show_error (self, check->error);
      else
        start_load (self);
      return;
    }

  zone = tg_time_zone_new_checked (settings->billing_timezone, &error);
  if (zone == NULL)
    {
      show_error (self, error);
      return;
    }
  g_clear_pointer (&self->zone, g_time_zone_unref);
  self->zone = zone;
  start_load (self);
}

static void
check_zone (TgAnalyticsPage *self,
            GCancellable    *cancellable,
            const GError    *load_error)
{
  ZoneCheck *check = g_new0 (ZoneCheck, 1);

  g_weak_ref_init (&check->self, self);
  check->cancellable = g_object_ref (cancellable);
  check->error = load_error != NULL ? g_error_copy (load_error) : NULL;
  tg_settings_async (self->connection, cancellable, on_zone_read, check);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgAnalyticsPage) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GPtrArray) slugs = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  TgAnalyticsAnswer *answer;
  TgAnalyticsPlan *plan;
  GCancellable *cancellable;
  gint64 period[2];
  gint64 previous[2];
  gint64 days[2];

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (results == NULL)
    {
      /* A billing zone changed since: whole days of users are no longer whole. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        check_zone (self, load->cancellable, error);
      else
        show_error (self, error);
      return;
    }

  answer = load->answer;
  plan = answer->plan;

  settings = tg_settings_parse_result (g_ptr_array_index (results, RESULT_SETTINGS), &error);
  if (settings == NULL)
    {
      show_error (self, error);
      return;
    }

  /* Bounds in another zone than the database's: once more, in the right one. */
  if (g_strcmp0 (settings->billing_timezone, g_time_zone_get_identifier (answer->zone)) != 0)
    {
      GTimeZone *zone = tg_time_zone_new_checked (settings->billing_timezone, &error);

      if (zone == NULL)
        {
          show_error (self, error);
          return;
        }
      g_clear_pointer (&self->zone, g_time_zone_unref);
      self->zone = zone;
      start_load (self);
      return;
    }

  g_free (self->currency);
  self->currency = g_strdup (settings->reporting_currency);
  answer->currency = g_strdup (settings->reporting_currency);

  answer->providers = tg_catalog_providers_parse_result (g_ptr_array_index (results, RESULT_PROVIDERS),
                                                         &error);
  if (answer->providers == NULL)
    {
      show_error (self, error);
      return;
    }
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = g_ptr_array_ref (answer->providers);
  update_provider_menu (self);

  period[0] = plan->start;
  period[1] = plan->end;
  previous[0] = plan->previous_start;
  previous[1] = plan->previous_end;
  whole_day_bounds (plan, answer->zone, plan->start, plan->end, days);

  if ((answer->current = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_CURRENT),
                                                    period, answer->group_by, &error)) == NULL ||
      (answer->previous = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_PREVIOUS),
                                                     previous, answer->group_by, &error)) == NULL ||
      (answer->features = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_FEATURES),
                                                     period, TG_USAGE_GROUP_FEATURE, &error)) == NULL ||
      (answer->cost_centres = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_COST_CENTRES),
                                                         period, TG_USAGE_GROUP_COST_CENTRE, &error)) == NULL ||
      (answer->users = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_USERS),
                                                  days, TG_USAGE_GROUP_USER, &error)) == NULL ||
      (answer->performance = tg_usage_series_parse_result (g_ptr_array_index (results, RESULT_PERFORMANCE),
                                                           (const gint64 *)plan->bounds->data,
                                                           plan->bounds->len, &error)) == NULL ||
      (answer->statuses = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_STATUSES),
                                                     period, TG_USAGE_GROUP_STATUS_CLASS, &error)) == NULL ||
      (answer->regions = tg_usage_top_parse_result (g_ptr_array_index (results, RESULT_REGIONS),
                                                    period, TG_USAGE_GROUP_REGION, &error)) == NULL)
    {
      show_error (self, error);
      return;
    }

  if (answer->group_by == TG_USAGE_GROUP_USER)
    answer->series = user_series (results, plan, answer->zone, &error);
  else
    answer->series = tg_usage_series_parse_result (g_ptr_array_index (results, RESULT_SERIES),
                                                   (const gint64 *)plan->bounds->data,
                                                   plan->bounds->len, &error);
  if (answer->series == NULL)
    {
      show_error (self, error);
      return;
    }

  /* Then the regions of each provider that was called. */
  slugs = called_providers (answer);
  answer->region_provider_slugs = g_ptr_array_ref (slugs);
  if (slugs->len == 0)
    {
      answer->region_providers = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_top_unref);
      finish_load (self, load);
      return;
    }

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  for (guint i = 0; i < slugs->len; i++)
    g_ptr_array_add (statements, tg_usage_top_statement_new (period, TG_USAGE_GROUP_REGION,
                                                             g_ptr_array_index (slugs, i),
                                                             TG_USAGE_TOP_MAX_LIMIT));
  cancellable = load->cancellable;
  tg_db_connection_query_batch_async (self->connection, statements, cancellable,
                                      on_regions_loaded, g_steal_pointer (&load));
}

static void
start_load (TgAnalyticsPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(TgAnalyticsPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  TgAnalyticsQuestion question;
  TgAnalyticsAnswer *answer;
  const char *provider;
  gint64 period[2];
  gint64 previous[2];
  gint64 days[2];
  Load *load;

  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  g_clear_handle_id (&self->question_source_id, g_source_remove);

  if (self->connection == NULL)
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_pending = TRUE;
      return;
    }
  self->load_pending = FALSE;
  self->last_load_time = g_get_monotonic_time ();

  if (self->zone == NULL)
    {
      cancellable = g_cancellable_new ();
      set_loading (self, cancellable);
      if (self->answer == NULL)
        gtk_stack_set_visible_child_name (self->stack, "loading");
      check_zone (self, cancellable, NULL);
      return;
    }

  get_question (self, &question, self->zone);
  plan = tg_analytics_plan_new (&question, self->zone, g_get_real_time () / G_USEC_PER_SEC,
                                &error);
  if (plan == NULL)
    {
      set_loading (self, NULL);
      show_refusal (self, error);
      return;
    }

  cancellable = g_cancellable_new ();
  set_loading (self, cancellable);
  if (self->answer == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, "content");

  provider = question.provider;
  period[0] = plan->start;
  period[1] = plan->end;
  previous[0] = plan->previous_start;
  previous[1] = plan->previous_end;
  whole_day_bounds (plan, self->zone, plan->start, plan->end, days);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_activity_jit_off_statement_new ());
  g_ptr_array_add (statements, tg_settings_statement_new ());
  g_ptr_array_add (statements, tg_catalog_providers_statement_new ());
  g_ptr_array_add (statements, tg_usage_top_statement_new (period, question.group_by, provider,
                                                           TG_USAGE_TOP_MAX_LIMIT));
  g_ptr_array_add (statements, tg_usage_top_statement_new (previous, question.group_by, provider,
                                                           TG_USAGE_TOP_MAX_LIMIT));
  g_ptr_array_add (statements, tg_usage_top_statement_new (period, TG_USAGE_GROUP_FEATURE,
                                                           provider, TG_USAGE_TOP_MAX_LIMIT));
  g_ptr_array_add (statements, tg_usage_top_statement_new (period, TG_USAGE_GROUP_COST_CENTRE,
                                                           provider, TG_USAGE_TOP_MAX_LIMIT));
  g_ptr_array_add (statements, tg_usage_top_statement_new (days, TG_USAGE_GROUP_USER, provider,
                                                           TOP_USERS));
  g_ptr_array_add (statements, tg_usage_series_statement_new ((const gint64 *)plan->bounds->data,
                                                              plan->bounds->len,
                                                              TG_USAGE_GROUP_PROVIDER, provider));
  g_ptr_array_add (statements, tg_usage_top_statement_new (period, TG_USAGE_GROUP_STATUS_CLASS,
                                                           provider, TG_USAGE_TOP_MAX_LIMIT));
  g_ptr_array_add (statements, tg_usage_top_statement_new (period, TG_USAGE_GROUP_REGION,
                                                           provider, TG_USAGE_TOP_MAX_LIMIT));
  g_assert (statements->len == RESULT_SERIES);

  if (question.group_by == TG_USAGE_GROUP_USER)
    for (guint i = 0; i + 1 < plan->bounds->len; i++)
      {
        gint64 bucket[2] = { g_array_index (plan->bounds, gint64, i),
                             g_array_index (plan->bounds, gint64, i + 1) };

        g_ptr_array_add (statements, tg_usage_top_statement_new (bucket, TG_USAGE_GROUP_USER,
                                                                 provider,
                                                                 TG_USAGE_TOP_MAX_LIMIT));
      }
  else
    g_ptr_array_add (statements, tg_usage_series_statement_new ((const gint64 *)plan->bounds->data,
                                                                plan->bounds->len,
                                                                question.group_by, provider));

  answer = g_new0 (TgAnalyticsAnswer, 1);
  answer->plan = g_steal_pointer (&plan);
  answer->zone = g_time_zone_ref (self->zone);
  answer->group_by = question.group_by;
  answer->metric = question.metric;
  answer->provider = g_strdup (provider);

  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (cancellable);
  load->answer = answer;

  tg_db_connection_query_batch_async (self->connection, statements, cancellable, on_loaded, load);
}

/* Actions */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tg_analytics_page_refresh (TG_ANALYTICS_PAGE (widget));
}

static void
copy_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  tg_analytics_page_copy_table (TG_ANALYTICS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
on_from_selected (TgAnalyticsPage *self,
                  GtkCalendar     *calendar)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  if (self->syncing_calendars)
    return;

  set_question_field (self, PROP_FROM, text);
  gtk_menu_button_popdown (self->from_button);
}

static void
on_to_selected (TgAnalyticsPage *self,
                GtkCalendar     *calendar)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  if (self->syncing_calendars)
    return;

  set_question_field (self, PROP_TO, text);
  gtk_menu_button_popdown (self->to_button);
}

/* The calendars open on the chosen days. */
static void
sync_calendars (TgAnalyticsPage *self)
{
  const char *dates[2] = { self->from, self->to };
  GtkCalendar *calendars[2] = { self->from_calendar, self->to_calendar };

  self->syncing_calendars = TRUE;
  for (guint i = 0; i < 2; i++)
    {
      GDate date;

      if (dates[i] != NULL && tg_time_bucket_parse_date (dates[i], &date, NULL))
        {
          g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (&date),
                                                           g_date_get_month (&date),
                                                           g_date_get_day (&date), 12, 0, 0);

          gtk_calendar_select_day (calendars[i], dt);
        }
    }
  self->syncing_calendars = FALSE;
}

static void
on_trends_point_activated (TgAnalyticsPage *self,
                           guint            index,
                           int              series,
                           TgChartWidget   *chart)
{
  g_autoptr(TgCallsFilter) filter = tg_analytics_page_dup_point_filter (self, index, series);

  if (filter != NULL)
    _tg_analytics_page_open_calls (self, filter, NULL);
}

static void
on_trends_row_activated (TgAnalyticsPage *self,
                         guint            row,
                         TgDataTable     *table)
{
  g_autoptr(TgCallsFilter) filter = tg_analytics_page_dup_row_filter (self, "trends", row);

  if (filter != NULL)
    _tg_analytics_page_open_calls (self, filter, tg_data_table_get_cell (table, row, 0));
}

/**
 * _tg_analytics_page_open_calls:
 * @title: (nullable): what the calls are behind, "Geoscape"; %NULL says it from @filter
 *
 * Opens the calls behind a figure in a window of their own.
 */
void
_tg_analytics_page_open_calls (TgAnalyticsPage *self,
                               TgCallsFilter   *filter,
                               const char      *title)
{
  g_autofree char *what = NULL;
  g_autofree char *when = NULL;
  g_autofree char *heading = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window;
  GDate first;
  GDate last;

  if (self->connection == NULL || self->answer == NULL)
    return;

  tg_time_bucket_local_date (self->answer->zone, filter->from, &first);
  tg_time_bucket_local_date (self->answer->zone, filter->to - 1, &last);
  when = _tg_analytics_format_days (&first, &last);
  if (title == NULL && filter->group_by != TG_USAGE_GROUP_NONE)
    what = _tg_analytics_group_label (self->answer, filter->group_by, filter->group);
  else if (title == NULL)
    what = g_strdup (_("All calls"));
  else
    what = g_strdup (title);

  /* TRANSLATORS: the title of the calls behind a figure, "Geoscape, 3 Nov 2026" */
  heading = g_strdup_printf (_("%s, %s"), what, when);
  window = tg_calls_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                self->connection, self->answer->zone, self->answer->currency,
                                self->answer->providers);
  tg_calls_window_show_filter (TG_CALLS_WINDOW (window), filter, heading);
  gtk_window_present (GTK_WINDOW (window));
}

/* GObject */

static void
tg_analytics_page_map (GtkWidget *widget)
{
  TgAnalyticsPage *self = TG_ANALYTICS_PAGE (widget);

  GTK_WIDGET_CLASS (tg_analytics_page_parent_class)->map (widget);

  if (self->load_pending || (self->answer == NULL && self->load_cancellable == NULL &&
                             self->refusal == NULL))
    start_load (self);
}

static void
tg_analytics_page_dispose (GObject *object)
{
  TgAnalyticsPage *self = TG_ANALYTICS_PAGE (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  g_clear_handle_id (&self->question_source_id, g_source_remove);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_ANALYTICS_PAGE);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tg_analytics_page_parent_class)->dispose (object);
}

static void
tg_analytics_page_finalize (GObject *object)
{
  TgAnalyticsPage *self = TG_ANALYTICS_PAGE (object);

  g_clear_pointer (&self->charts, g_hash_table_unref);
  g_clear_pointer (&self->tables, g_hash_table_unref);
  g_clear_pointer (&self->subtitles, g_hash_table_unref);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->answer, _tg_analytics_answer_free);
  g_clear_pointer (&self->refusal, g_free);
  for (guint prop_id = PROP_RANGE; prop_id <= PROP_SECTION; prop_id++)
    g_clear_pointer (question_field (self, prop_id), g_free);

  G_OBJECT_CLASS (tg_analytics_page_parent_class)->finalize (object);
}

static void
tg_analytics_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TgAnalyticsPage *self = TG_ANALYTICS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_RANGE:
    case PROP_FROM:
    case PROP_TO:
    case PROP_BUCKET:
    case PROP_GROUP_BY:
    case PROP_METRIC:
    case PROP_PROVIDER:
    case PROP_SECTION:
      g_value_set_string (value, *question_field (self, prop_id));
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->load_cancellable != NULL);
      break;

    case PROP_TRANSITION_RUNNING:
      g_value_set_boolean (value, tg_analytics_page_get_transition_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_analytics_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TgAnalyticsPage *self = TG_ANALYTICS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_analytics_page_set_connection (self, g_value_get_object (value));
      break;

    case PROP_RANGE:
    case PROP_FROM:
    case PROP_TO:
    case PROP_BUCKET:
    case PROP_GROUP_BY:
    case PROP_METRIC:
    case PROP_PROVIDER:
    case PROP_SECTION:
      set_question_field (self, prop_id, g_value_get_string (value));
      if (prop_id == PROP_FROM || prop_id == PROP_TO)
        sync_calendars (self);
      if (prop_id == PROP_PROVIDER)
        update_provider_menu (self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
question_param (const char *name,
                const char *default_value)
{
  return g_param_spec_string (name, NULL, NULL, default_value,
                              (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS));
}

static void
tg_analytics_page_class_init (TgAnalyticsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_analytics_page_dispose;
  object_class->finalize = tg_analytics_page_finalize;
  object_class->get_property = tg_analytics_page_get_property;
  object_class->set_property = tg_analytics_page_set_property;
  widget_class->map = tg_analytics_page_map;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The question, as the analytics-* GSettings keys hold it. */
  properties[PROP_RANGE] = question_param ("range", "last-30-days");
  properties[PROP_FROM] = question_param ("from", "");
  properties[PROP_TO] = question_param ("to", "");
  properties[PROP_BUCKET] = question_param ("bucket", "day");
  properties[PROP_GROUP_BY] = question_param ("group-by", "provider");
  properties[PROP_METRIC] = question_param ("metric", "cost");
  properties[PROP_PROVIDER] = question_param ("provider", "");
  properties[PROP_SECTION] = question_param ("section", "trends");

  /**
   * TgAnalyticsPage:ready:
   *
   * Whether a first load has answered (figures, an error, or a refusal).
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TRANSITION_RUNNING] =
    g_param_spec_boolean ("transition-running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_CHART_WIDGET);
  g_type_ensure (TG_TYPE_DATA_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-analytics-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, controls);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, range_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, bucket_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, provider_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, group_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, metric_button);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, refused_page);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, sections);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, trends_title);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, trends_chart_stack);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, trends_chart);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, compare_label);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, trends_table);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, allocation_box);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, performance_box);
  gtk_widget_class_bind_template_child (widget_class, TgAnalyticsPage, regions_box);
  gtk_widget_class_bind_template_callback (widget_class, range_label);
  gtk_widget_class_bind_template_callback (widget_class, is_custom);
  gtk_widget_class_bind_template_callback (widget_class, bucket_label);
  gtk_widget_class_bind_template_callback (widget_class, group_label);
  gtk_widget_class_bind_template_callback (widget_class, metric_label);
  gtk_widget_class_bind_template_callback (widget_class, date_label);
  gtk_widget_class_bind_template_callback (widget_class, on_from_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_to_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_trends_point_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_trends_row_activated);

  gtk_widget_class_install_property_action (widget_class, "analytics.range", "range");
  gtk_widget_class_install_property_action (widget_class, "analytics.bucket", "bucket");
  gtk_widget_class_install_property_action (widget_class, "analytics.group-by", "group-by");
  gtk_widget_class_install_property_action (widget_class, "analytics.metric", "metric");
  gtk_widget_class_install_property_action (widget_class, "analytics.provider", "provider");
  gtk_widget_class_install_property_action (widget_class, "analytics.section", "section");
  gtk_widget_class_install_action (widget_class, "analytics.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "analytics.copy-table", "s", copy_table_action);
}

static void
on_stack_transition_running (TgAnalyticsPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSITION_RUNNING]);
}

static void
tg_analytics_page_init (TgAnalyticsPage *self)
{
  self->range = g_strdup ("last-30-days");
  self->from = g_strdup ("");
  self->to = g_strdup ("");
  self->bucket = g_strdup ("day");
  self->group_by = g_strdup ("provider");
  self->metric = g_strdup ("cost");
  self->provider = g_strdup ("");
  self->section = g_strdup ("trends");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The controls' flow box only lays them out: focus goes to the buttons themselves. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->controls));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);

  self->charts = g_hash_table_new (g_str_hash, g_str_equal);
  self->tables = g_hash_table_new (g_str_hash, g_str_equal);
  self->subtitles = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (self->charts, (gpointer)"trends", self->trends_chart);
  g_hash_table_insert (self->tables, (gpointer)"trends", self->trends_table);
  _tg_analytics_sections_init (self);

  g_object_bind_property (self, "section", self->sections, "visible-child-name",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->stack, "notify::transition-running",
                           G_CALLBACK (on_stack_transition_running), self, G_CONNECT_SWAPPED);
  update_provider_menu (self);
  update_actions (self);
}

GtkWidget *
tg_analytics_page_new (void)
{
  return g_object_new (TG_TYPE_ANALYTICS_PAGE, NULL);
}

/**
 * tg_analytics_page_get_connection:
 *
 * Returns: (transfer none) (nullable): the database connection
 */
TgDbConnection *
tg_analytics_page_get_connection (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return self->connection;
}

/**
 * tg_analytics_page_set_connection:
 * @connection: (nullable): the window's connection
 *
 * Shows the database of @connection: the page forgets what it showed and loads when it
 * is on screen.
 */
void
tg_analytics_page_set_connection (TgAnalyticsPage *self,
                                  TgDbConnection  *connection)
{
  g_return_if_fail (TG_IS_ANALYTICS_PAGE (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;

  set_loading (self, NULL);
  g_clear_pointer (&self->answer, _tg_analytics_answer_free);
  g_clear_pointer (&self->refusal, g_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_notice (self, NULL);
  gtk_label_set_text (self->period_label, "");
  if (self->ready)
    {
      self->ready = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }

  if (connection != NULL)
    start_load (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * tg_analytics_page_bind_settings:
 * @settings: the application's settings
 *
 * Keeps the question in @settings (the analytics-* keys): it is read from them now, and
 * every change is written back.
 */
void
tg_analytics_page_bind_settings (TgAnalyticsPage *self,
                                 GSettings       *settings)
{
  static const struct { const char *key; const char *property; } keys[] = {
    { "analytics-range", "range" },
    { "analytics-from", "from" },
    { "analytics-to", "to" },
    { "analytics-bucket", "bucket" },
    { "analytics-group-by", "group-by" },
    { "analytics-metric", "metric" },
    { "analytics-provider", "provider" },
    { "analytics-section", "section" },
  };

  g_return_if_fail (TG_IS_ANALYTICS_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_bind (settings, keys[i].key, self, keys[i].property, G_SETTINGS_BIND_DEFAULT);
}

/**
 * tg_analytics_page_refresh:
 *
 * Reads the figures again (Refresh, Ctrl+R): a load under way is replaced; while the
 * page is hidden, it loads when it is shown.
 */
void
tg_analytics_page_refresh (TgAnalyticsPage *self)
{
  g_return_if_fail (TG_IS_ANALYTICS_PAGE (self));

  start_load (self);
}

static gboolean
queue_timeout_cb (gpointer user_data)
{
  TgAnalyticsPage *self = user_data;

  self->queue_source_id = 0;
  tg_analytics_page_queue_refresh (self);

  return G_SOURCE_REMOVE;
}

/**
 * tg_analytics_page_queue_refresh:
 *
 * Reloads soon, for a NOTIFY of new usage: at most every QUEUE_INTERVAL_S seconds, never
 * instead of a load under way, and only while the page is on screen.
 */
void
tg_analytics_page_queue_refresh (TgAnalyticsPage *self)
{
  gint64 since_last;

  g_return_if_fail (TG_IS_ANALYTICS_PAGE (self));

  if (self->connection == NULL || self->queue_source_id != 0 || self->load_cancellable != NULL)
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_pending = self->answer != NULL;
      return;
    }

  since_last = (g_get_monotonic_time () - self->last_load_time) / G_USEC_PER_SEC;
  if (since_last < QUEUE_INTERVAL_S)
    {
      self->queue_source_id = g_timeout_add_seconds (QUEUE_INTERVAL_S - since_last,
                                                     queue_timeout_cb, self);
      return;
    }

  start_load (self);
}

gboolean
tg_analytics_page_get_ready (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), FALSE);

  return self->ready;
}

gboolean
tg_analytics_page_get_loading (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), FALSE);

  return self->load_cancellable != NULL || self->question_source_id != 0;
}

gboolean
tg_analytics_page_get_transition_running (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), FALSE);

  return gtk_stack_get_transition_running (self->stack);
}

/**
 * tg_analytics_page_get_plan:
 *
 * Returns: (transfer none) (nullable): the periods of the figures shown
 */
const TgAnalyticsPlan *
tg_analytics_page_get_plan (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return self->answer != NULL ? self->answer->plan : NULL;
}

/**
 * tg_analytics_page_get_currency:
 *
 * Returns: (nullable): the reporting currency of the figures shown
 */
const char *
tg_analytics_page_get_currency (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return self->answer != NULL ? self->answer->currency : NULL;
}

/**
 * tg_analytics_page_get_zone:
 *
 * Returns: (transfer none) (nullable): the billing zone of the figures shown
 */
GTimeZone *
tg_analytics_page_get_zone (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return self->answer != NULL ? self->answer->zone : NULL;
}

/**
 * tg_analytics_page_get_refusal:
 *
 * Returns: (nullable): why the question asked cannot be answered, as the page says it
 */
const char *
tg_analytics_page_get_refusal (TgAnalyticsPage *self)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return self->refusal;
}

/**
 * tg_analytics_page_get_chart:
 * @name: "trends", "latency", "errors", "features" or "regions"
 *
 * Returns: (transfer none) (nullable): the chart
 */
TgChartWidget *
tg_analytics_page_get_chart (TgAnalyticsPage *self,
                             const char      *name)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return g_hash_table_lookup (self->charts, name);
}

/**
 * tg_analytics_page_get_table:
 * @name: "trends", "features", "cost-centres", "users", "providers", "statuses",
 *   "regions" or "region-providers"
 *
 * Returns: (transfer none) (nullable): the table
 */
TgDataTable *
tg_analytics_page_get_table (TgAnalyticsPage *self,
                             const char      *name)
{
  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  return g_hash_table_lookup (self->tables, name);
}

/**
 * tg_analytics_page_dup_csv:
 *
 * Returns: (transfer full) (nullable): the table @name as CSV, or %NULL when there is no
 *   such table or it has no rows
 */
char *
tg_analytics_page_dup_csv (TgAnalyticsPage *self,
                           const char      *table)
{
  TgDataTable *data_table;

  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), NULL);

  data_table = g_hash_table_lookup (self->tables, table);
  if (data_table == NULL || tg_data_table_get_n_rows (data_table) == 0)
    return NULL;

  return tg_data_table_to_csv (data_table);
}

/**
 * tg_analytics_page_copy_table:
 * @table: (nullable): a table's name; %NULL: the table with the keyboard focus, else the
 *   first table of the section shown
 *
 * Puts a table on the clipboard as CSV, and says so in a toast.
 *
 * Returns: whether a table was copied
 */
gboolean
tg_analytics_page_copy_table (TgAnalyticsPage *self,
                              const char      *table)
{
  static const struct { const char *section; const char *table; } first_tables[] = {
    { "trends", "trends" }, { "allocation", "features" }, { "performance", "providers" },
    { "regions", "regions" },
  };
  g_autofree char *csv = NULL;
  GtkRoot *root;

  g_return_val_if_fail (TG_IS_ANALYTICS_PAGE (self), FALSE);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (table == NULL && root != NULL)
    {
      GtkWidget *focus = gtk_root_get_focus (root);
      GtkWidget *focused_table = focus != NULL ? gtk_widget_get_ancestor (focus, TG_TYPE_DATA_TABLE)
                                               : NULL;
      GHashTableIter iter;
      gpointer key;
      gpointer value;

      g_hash_table_iter_init (&iter, self->tables);
      while (focused_table != NULL && g_hash_table_iter_next (&iter, &key, &value))
        if (value == focused_table)
          table = key;
    }
  for (guint i = 0; table == NULL && i < G_N_ELEMENTS (first_tables); i++)
    if (g_str_equal (self->section, first_tables[i].section))
      table = first_tables[i].table;

  csv = tg_analytics_page_dup_csv (self, table);
  if (csv == NULL)
    return FALSE;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), csv);
  if (TG_IS_WINDOW (root))
    tg_window_add_toast (TG_WINDOW (root), adw_toast_new (_("Copied the table as CSV")));

  return TRUE;
}
