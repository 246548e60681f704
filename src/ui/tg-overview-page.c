/* tg-overview-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Overview page of the main window's view stack: the story card's "Usage Overview
 * Widget" — a card per provider with this month's calls, quota, cost and credits, and
 * the cost by provider as a chart — beside its "Real-time Activity Feed".
 *
 * Loading: one pipelined batch on the window's connection (tg_db_connection_query_batch_
 * async()) per refresh: the settings, the provider catalogue, the month per provider
 * (tollgate.usage_series(), the same query tollgatectl usage overview makes) and the
 * feed's newest calls, after turning JIT off for the batch
 * (tg_activity_jit_off_statement_new()). The month's bounds are computed here, in the billing time zone
 * the last batch reported (UTC, the schema's default, before the first one); when the
 * batch says the zone is another, the page loads once more with the right bounds.
 *
 * When: when the window's worker hands over a NOTIFY of tollgate_usage (coalesced here to
 * at most one load every QUEUE_INTERVAL_MS, and a load under way is followed by one more
 * rather than cancelled, so that a stream of NOTIFYs cannot starve it), every
 * PERIODIC_REFRESH_S seconds (which also turns the month over), and on Refresh, which
 * replaces a load under way (the latest request wins). The feed polls on its own besides.
 *
 * When the connection is lost the last figures stay, dimmed and marked stale (the window
 * sets TgOverviewPage:stale with its header's), until a load succeeds again.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-activity-queries.h"
#include "tg-catalog-queries.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-overview-page-private.h"
#include "tg-settings-queries.h"
#include "tg-stale.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

#define QUEUE_INTERVAL_MS   500
#define PERIODIC_REFRESH_S  30

enum {
  RESULT_JIT_OFF,
  RESULT_SETTINGS,
  RESULT_PROVIDERS,
  RESULT_MONTH,
  RESULT_CALLS,
  N_RESULTS
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_READY,
  PROP_HAS_DATA,
  PROP_STALE,
  PROP_TRANSITION_RUNNING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgOverviewPage, tg_overview_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

enum {
  MONTH_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_load (TgOverviewPage *self);

/* One load: the page (weakly), its cancellable, and what its month was computed with. */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  GTimeZone    *zone;
  char         *month;
  gint64        bounds[2];
} Load;

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->self);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->zone, g_time_zone_unref);
  g_free (load->month);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
set_ready (TgOverviewPage *self,
           gboolean        ready)
{
  if (self->ready == !!ready)
    return;

  self->ready = !!ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
update_staleness (TgOverviewPage *self)
{
  _tg_show_stale (self->stale_label, self->content_box, self->stale && self->has_data,
                  self->updated_at);
}

/* Cards */

/* The provider a row of the series is about: from the catalogue, or made up for a slug
 * the catalogue does not know (usage rows name any api_provider the platform wrote).
 */
static TgProvider *
provider_for_usage (TgOverviewPage *self,
                    TgUsageRow     *usage)
{
  TgProvider *provider = tg_catalog_find_provider (self->providers, usage->group);

  if (provider != NULL)
    return tg_provider_ref (provider);

  provider = tg_provider_new (usage->group);
  if (*usage->native_currency != '\0')
    {
      g_free (provider->currency);
      provider->currency = g_strdup (usage->native_currency);
    }
  /* No catalogue entry: shown as not in it, whatever its currency. */
  g_free (provider->home_region);
  provider->home_region = g_strdup ("");
  return provider;
}

static TgUsageRow *
find_usage (GPtrArray  *usage,
            const char *slug)
{
  for (guint i = 0; usage != NULL && i < usage->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (usage, i);

      if (g_strcmp0 (row->group, slug) == 0)
        return row;
    }

  return NULL;
}

static TgProviderCard *
find_card (GPtrArray  *cards,
           const char *slug)
{
  for (guint i = 0; cards != NULL && i < cards->len; i++)
    {
      TgProviderCard *card = g_ptr_array_index (cards, i);

      if (g_strcmp0 (tg_provider_card_get_slug (card), slug) == 0)
        return card;
    }

  return NULL;
}

static gint
compare_usage_by_slug (gconstpointer a,
                       gconstpointer b)
{
  const TgUsageRow *row_a = *(TgUsageRow * const *)a;
  const TgUsageRow *row_b = *(TgUsageRow * const *)b;

  return g_strcmp0 (row_a->group, row_b->group);
}

/* The cards in catalogue order (enabled providers, and disabled ones that were called
 * this month), then providers the catalogue does not know, by slug. The order does not
 * follow the figures: cards that jump around as calls come in are hard to read.
 */
static void
update_cards (TgOverviewPage *self,
              GPtrArray      *usage)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) unknown = g_ptr_array_new ();
  g_autoptr(GArray) entries = _tg_cost_chart_entries_new ();
  gboolean same_order;
  gint64 total = 0;
  gboolean total_exact = TRUE;

  for (guint i = 0; i < self->providers->len; i++)
    {
      TgProvider *provider = g_ptr_array_index (self->providers, i);
      TgUsageRow *row = find_usage (usage, provider->slug);
      TgProviderCard *card;

      if (!provider->enabled && row == NULL)
        continue;

      card = find_card (self->cards, provider->slug);
      card = card != NULL ? g_object_ref (card)
                         : TG_PROVIDER_CARD (g_object_ref_sink (tg_provider_card_new ()));
      tg_provider_card_set_provider (card, provider);
      tg_provider_card_set_color_index (card, i);
      tg_provider_card_set_usage (card, row, self->reporting_currency);
      g_ptr_array_add (cards, card);
    }

  for (guint i = 0; usage != NULL && i < usage->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (usage, i);

      if (tg_catalog_find_provider (self->providers, row->group) == NULL)
        g_ptr_array_add (unknown, row);
    }
  g_ptr_array_sort (unknown, compare_usage_by_slug);

  for (guint i = 0; i < unknown->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (unknown, i);
      g_autoptr(TgProvider) provider = provider_for_usage (self, row);
      TgProviderCard *card = find_card (self->cards, row->group);

      card = card != NULL ? g_object_ref (card)
                         : TG_PROVIDER_CARD (g_object_ref_sink (tg_provider_card_new ()));
      tg_provider_card_set_provider (card, provider);
      tg_provider_card_set_color_index (card, self->providers->len + i);
      tg_provider_card_set_usage (card, row, self->reporting_currency);
      g_ptr_array_add (cards, card);
    }

  /* Rebuild the flow box only when the cards or their order changed. */
  same_order = self->cards != NULL && self->cards->len == cards->len;
  for (guint i = 0; same_order && i < cards->len; i++)
    same_order = g_ptr_array_index (self->cards, i) == g_ptr_array_index (cards, i);

  if (!same_order)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
        {
          gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), NULL);
          gtk_flow_box_remove (self->cards_box, child);
        }
      for (guint i = 0; i < cards->len; i++)
        gtk_flow_box_append (self->cards_box, g_ptr_array_index (cards, i));
    }

  g_clear_pointer (&self->cards, g_ptr_array_unref);
  self->cards = g_steal_pointer (&cards);

  /* The chart: every provider that was called, with its cost in the reporting currency. */
  for (guint i = 0; i < self->cards->len; i++)
    {
      TgProviderCard *card = g_ptr_array_index (self->cards, i);
      TgUsageRow *row = tg_provider_card_get_usage (card);
      TgCostChartEntry entry = { 0 };

      if (row == NULL || (row->calls == 0 && row->cost == 0))
        continue;

      entry.label = g_strdup (tg_provider_card_get_provider (card)->display_name);
      entry.cost = row->cost;
      entry.color_index = tg_provider_card_get_color_index (card);
      g_array_append_val (entries, entry);

      if (!tg_money_add (total, row->cost, &total))
        total_exact = FALSE;
    }

  tg_cost_chart_set_entries (self->chart, entries, self->reporting_currency);
  gtk_stack_set_visible_child_name (self->chart_stack, entries->len > 0 ? "chart" : "empty");

  if (entries->len > 0 && total_exact)
    {
      g_autofree char *amount = tg_format_money (total, self->reporting_currency);
      /* TRANSLATORS: the month's total cost, "Total $1,234.56 AUD" */
      g_autofree char *text = g_strdup_printf (_("Total %s"), amount);

      gtk_label_set_text (self->total_label, text);
    }
  else
    gtk_label_set_text (self->total_label, "");
}

static void
update_period (TgOverviewPage *self,
               Load           *load)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (load->bounds[0]);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (start, load->zone);
  /* TRANSLATORS: a strftime format of the month, "March 2026" */
  g_autofree char *month = g_date_time_format (local, _("%B %Y"));
  g_autofree char *time = g_date_time_format (self->updated_at, "%H:%M:%S");
  g_autofree char *text = NULL;

  /* TRANSLATORS: "March 2026 to date, Australia/Sydney · updated 14:03:12" */
  text = g_strdup_printf (_("%s to date, %s · updated %s"), month,
                          g_time_zone_get_identifier (load->zone), time);
  gtk_label_set_text (self->period_label, text);
}

/* Loading */

static void
load_finished (TgOverviewPage *self,
               Load           *load)
{
  if (self->load_cancellable == load->cancellable)
    g_clear_object (&self->load_cancellable);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  set_ready (self, TRUE);

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      tg_overview_page_queue_refresh (self);
    }
}

static void
load_failed (TgOverviewPage *self,
             Load           *load,
             const GError   *error)
{
  g_debug ("Loading the Overview failed: %s", error->message);

  if (self->has_data)
    {
      /* The figures on screen stay; stale when the connection is the reason. */
      if (self->connection != NULL &&
          tg_db_connection_get_status (self->connection) != TG_DB_CONNECTION_STATUS_CONNECTED)
        tg_overview_page_set_stale (self, TRUE);
    }
  else
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }

  load_finished (self, load);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgOverviewPage) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) usage = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (results == NULL ||
      (settings = tg_settings_parse_result (g_ptr_array_index (results, RESULT_SETTINGS),
                                            &error)) == NULL ||
      (providers = tg_catalog_providers_parse_result (g_ptr_array_index (results, RESULT_PROVIDERS),
                                                      &error)) == NULL ||
      (usage = tg_usage_series_parse_result (g_ptr_array_index (results, RESULT_MONTH),
                                             load->bounds, 2, &error)) == NULL ||
      (calls = tg_usage_latest_calls_parse_result (g_ptr_array_index (results, RESULT_CALLS),
                                                   &error)) == NULL)
    {
      load_failed (self, load, error);
      return;
    }

  /* The month was computed in another zone than the billing time zone: once more, with
   * the right one (the zone is made once per setting: making it reads the disk). A zone
   * whose identifier GLib spells otherwise is the same zone, and is not tried again.
   */
  if (g_strcmp0 (settings->billing_timezone, g_time_zone_get_identifier (load->zone)) != 0)
    {
      g_autoptr(GTimeZone) zone = tg_time_zone_new_checked (settings->billing_timezone, &error);

      if (zone == NULL)
        {
          load_failed (self, load, error);
          return;
        }

      if (g_strcmp0 (g_time_zone_get_identifier (zone),
                     g_time_zone_get_identifier (load->zone)) != 0)
        {
          g_clear_pointer (&self->billing_zone, g_time_zone_unref);
          self->billing_zone = g_steal_pointer (&zone);
          if (self->load_cancellable == load->cancellable)
            g_clear_object (&self->load_cancellable);
          start_load (self);
          return;
        }
    }

  g_free (self->reporting_currency);
  self->reporting_currency = g_strdup (settings->reporting_currency);
  g_free (self->month);
  self->month = g_strdup (load->month);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = g_steal_pointer (&providers);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  self->updated_at = g_date_time_new_now_local ();

  tg_activity_feed_set_context (self->feed, load->zone, self->reporting_currency,
                                self->providers);
  tg_activity_feed_add_calls (self->feed, calls);

  update_cards (self, usage);
  update_period (self, load);

  g_clear_pointer (&self->month_total, tg_usage_row_unref);
  self->month_total = tg_usage_rows_total (usage, load->bounds[0], load->bounds[1], "");
  g_clear_pointer (&self->month_total_zone, g_time_zone_unref);
  self->month_total_zone = g_time_zone_ref (load->zone);
  g_signal_emit (self, signals[MONTH_LOADED], 0);

  gtk_stack_set_visible_child_name (self->stack,
                                    self->cards->len > 0 ? "overview" : "empty");

  if (!self->has_data)
    {
      self->has_data = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DATA]);
    }
  tg_overview_page_set_stale (self, FALSE);

  load_finished (self, load);
}

static void
start_load (TgOverviewPage *self)
{
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GError) error = NULL;
  Load *load;

  if (self->connection == NULL)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->last_load_time = g_get_monotonic_time ();

  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (self->load_cancellable);
  load->zone = self->billing_zone != NULL ? g_time_zone_ref (self->billing_zone)
                                          : g_time_zone_new_utc ();

  /* This month of the billing time zone, whole: the rest of it holds no calls yet, and
   * tollgatectl usage overview asks for the same bounds.
   */
  now = g_date_time_new_now_utc ();
  local = g_date_time_to_timezone (now, load->zone);
  load->month = g_date_time_format (local, "%Y-%m");
  if (!tg_time_bucket_month_bounds (load->zone, load->month, &load->bounds[0], &load->bounds[1],
                                    &error))
    {
      load_failed (self, load, error);
      load_free (load);
      return;
    }

  if (!self->has_data)
    {
      gtk_spinner_set_spinning (self->spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_activity_jit_off_statement_new ());
  g_ptr_array_add (statements, tg_settings_statement_new ());
  g_ptr_array_add (statements, tg_catalog_providers_statement_new ());
  g_ptr_array_add (statements, tg_usage_series_statement_new (load->bounds, 2,
                                                              TG_USAGE_GROUP_PROVIDER, NULL));
  g_ptr_array_add (statements, tg_activity_feed_new_statement (self->feed));
  g_assert (statements->len == N_RESULTS);

  tg_db_connection_query_batch_async (self->connection, statements, load->cancellable,
                                      on_loaded, load);
}

static gboolean
queue_timeout_cb (gpointer user_data)
{
  TgOverviewPage *self = user_data;

  self->queue_source_id = 0;
  tg_overview_page_queue_refresh (self);

  return G_SOURCE_REMOVE;
}

static gboolean
periodic_timeout_cb (gpointer user_data)
{
  tg_overview_page_queue_refresh (TG_OVERVIEW_PAGE (user_data));

  return G_SOURCE_CONTINUE;
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tg_overview_page_refresh (TG_OVERVIEW_PAGE (widget));
}

static void
reset (TgOverviewPage *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  g_clear_handle_id (&self->periodic_source_id, g_source_remove);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
    gtk_flow_box_remove (self->cards_box, child);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->month, g_free);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  self->reload_pending = FALSE;
  self->last_load_time = 0;
  gtk_stack_set_visible_child_name (self->stack, "loading");

  if (self->has_data)
    {
      self->has_data = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DATA]);
    }
  tg_overview_page_set_stale (self, FALSE);
  set_ready (self, FALSE);
}

/* GObject */

static void
tg_overview_page_dispose (GObject *object)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  g_clear_handle_id (&self->periodic_source_id, g_source_remove);
  g_clear_pointer (&self->cards, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_OVERVIEW_PAGE);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tg_overview_page_parent_class)->dispose (object);
}

static void
tg_overview_page_finalize (GObject *object)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  g_clear_pointer (&self->billing_zone, g_time_zone_unref);
  g_clear_pointer (&self->reporting_currency, g_free);
  g_clear_pointer (&self->month, g_free);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->month_total, tg_usage_row_unref);
  g_clear_pointer (&self->month_total_zone, g_time_zone_unref);

  G_OBJECT_CLASS (tg_overview_page_parent_class)->finalize (object);
}

static void
tg_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_HAS_DATA:
      g_value_set_boolean (value, self->has_data);
      break;

    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;

    case PROP_TRANSITION_RUNNING:
      g_value_set_boolean (value, tg_overview_page_get_transition_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_overview_page_set_connection (self, g_value_get_object (value));
      break;

    case PROP_STALE:
      tg_overview_page_set_stale (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_overview_page_class_init (TgOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_overview_page_dispose;
  object_class->finalize = tg_overview_page_finalize;
  object_class->get_property = tg_overview_page_get_property;
  object_class->set_property = tg_overview_page_set_property;

  /**
   * TgOverviewPage:connection:
   *
   * The window's database connection on the UI thread, or %NULL while there is none.
   * It changes when the window switches databases.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgOverviewPage:ready:
   *
   * Whether the first load of the connection has answered, with figures and the
   * newest calls or with an error. --screenshot waits for it.
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_DATA] =
    g_param_spec_boolean ("has-data", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgOverviewPage:stale:
   *
   * Whether the figures shown are out of date because the connection was lost; they
   * stay on screen, dimmed.
   */
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Whether the page is crossfading from its spinner (--screenshot waits for the end). */
  properties[PROP_TRANSITION_RUNNING] =
    g_param_spec_boolean ("transition-running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgOverviewPage::month-loaded:
   *
   * A load brought this month's figures: tg_overview_page_get_month_total() holds their
   * sum, for the window's header to show the same snapshot as the cards.
   */
  signals[MONTH_LOADED] = g_signal_new ("month-loaded", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  g_type_ensure (TG_TYPE_ACTIVITY_FEED);
  g_type_ensure (TG_TYPE_COST_CHART);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, stale_label);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, cards_box);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, chart_stack);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, chart);
  gtk_widget_class_bind_template_child (widget_class, TgOverviewPage, feed);

  gtk_widget_class_install_action (widget_class, "overview.refresh", NULL, refresh_action);
}

static void
on_stack_transition_running (TgOverviewPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSITION_RUNNING]);
}

static void
tg_overview_page_init (TgOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->stack, "notify::transition-running",
                           G_CALLBACK (on_stack_transition_running), self, G_CONNECT_SWAPPED);
}

GtkWidget *
tg_overview_page_new (void)
{
  return g_object_new (TG_TYPE_OVERVIEW_PAGE, NULL);
}

/**
 * tg_overview_page_get_connection:
 *
 * Returns: (transfer none) (nullable): the database connection
 */
TgDbConnection *
tg_overview_page_get_connection (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return self->connection;
}

/**
 * tg_overview_page_set_connection:
 * @connection: (nullable): the window's connection
 *
 * Shows the database of @connection: the page forgets what it showed and loads.
 */
void
tg_overview_page_set_connection (TgOverviewPage *self,
                                 TgDbConnection *connection)
{
  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;

  reset (self);
  tg_activity_feed_set_connection (self->feed, connection);

  if (connection != NULL)
    {
      self->periodic_source_id = g_timeout_add_seconds (PERIODIC_REFRESH_S,
                                                        periodic_timeout_cb, self);
      start_load (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * tg_overview_page_refresh:
 *
 * Reloads what the page shows now (win.refresh, Ctrl+R): a load under way is replaced.
 */
void
tg_overview_page_refresh (TgOverviewPage *self)
{
  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));

  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  self->reload_pending = FALSE;
  start_load (self);
}

/**
 * tg_overview_page_queue_refresh:
 *
 * Reloads soon, for a NOTIFY or a timer: at most once every half second, and after the
 * load under way rather than instead of it.
 */
void
tg_overview_page_queue_refresh (TgOverviewPage *self)
{
  gint64 since_last;

  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));

  if (self->connection == NULL || self->queue_source_id != 0)
    return;

  if (self->load_cancellable != NULL)
    {
      self->reload_pending = TRUE;
      return;
    }

  since_last = (g_get_monotonic_time () - self->last_load_time) / 1000;
  if (self->last_load_time != 0 && since_last < QUEUE_INTERVAL_MS)
    {
      self->queue_source_id = g_timeout_add (QUEUE_INTERVAL_MS - since_last,
                                             queue_timeout_cb, self);
      return;
    }

  start_load (self);
}

gboolean
tg_overview_page_get_ready (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), FALSE);

  return self->ready;
}

/**
 * tg_overview_page_get_month_total:
 * @zone: (out) (optional) (transfer none): the billing time zone of its month
 * @currency: (out) (optional) (transfer none): the currency of its cost
 *
 * Returns: (transfer none) (nullable): the month's figures as the cards show them, added
 *   up (cost as the chart's total), or %NULL before the first load
 */
TgUsageRow *
tg_overview_page_get_month_total (TgOverviewPage  *self,
                                  GTimeZone      **zone,
                                  const char     **currency)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  if (zone != NULL)
    *zone = self->month_total_zone;
  if (currency != NULL)
    *currency = self->reporting_currency;
  return self->month_total;
}

gboolean
tg_overview_page_get_transition_running (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), FALSE);

  return gtk_stack_get_transition_running (self->stack);
}

gboolean
tg_overview_page_get_has_data (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), FALSE);

  return self->has_data;
}

gboolean
tg_overview_page_get_stale (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), FALSE);

  return self->stale;
}

void
tg_overview_page_set_stale (TgOverviewPage *self,
                            gboolean        stale)
{
  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));

  if (self->stale == !!stale)
    return;

  self->stale = !!stale;
  update_staleness (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

/**
 * tg_overview_page_get_month:
 *
 * Returns: (nullable): the billing month shown, "YYYY-MM"
 */
const char *
tg_overview_page_get_month (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return self->month;
}

/**
 * tg_overview_page_get_card:
 *
 * Returns: (transfer none) (nullable): the card of the provider @slug
 */
TgProviderCard *
tg_overview_page_get_card (TgOverviewPage *self,
                           const char     *slug)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return find_card (self->cards, slug);
}

guint
tg_overview_page_get_n_cards (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), 0);

  return self->cards != NULL ? self->cards->len : 0;
}

/**
 * tg_overview_page_get_feed:
 *
 * Returns: (transfer none): the live activity feed
 */
TgActivityFeed *
tg_overview_page_get_feed (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return self->feed;
}

/**
 * tg_overview_page_get_chart:
 *
 * Returns: (transfer none): the cost by provider chart
 */
TgCostChart *
tg_overview_page_get_chart (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return self->chart;
}
