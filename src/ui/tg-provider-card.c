/* tg-provider-card.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One provider on the Overview, as the story card draws it: its name and regions, this
 * month's calls (tokens for a provider billed per token), a bar of its monthly quota with
 * the percentage used, its cost in its own currency and in the reporting currency, and
 * the credits it consumed. A coloured swatch ties it to its bar in the cost chart.
 *
 * The quota bar's offsets follow the story card's alert thresholds: the fill turns to
 * the warning colour from 85 % and to the error colour from 95 %; the percentage is always
 * written beside it, and an icon marks a quota nearly or wholly used, so that colour is
 * never the only sign.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-format.h"
#include "tg-money.h"
#include "tg-provider-card.h"

#define QUOTA_WARNING_FRACTION  0.85
#define QUOTA_CRITICAL_FRACTION 0.95

struct _TgProviderCard
{
  GtkWidget    parent_instance;

  /* template widgets */
  GtkImage    *icon;
  GtkLabel    *name_label;
  GtkLabel    *regions_label;
  GtkLabel    *region_badge;
  GtkWidget   *swatch;
  GtkLabel    *count_label;
  GtkLabel    *unit_label;
  GtkLevelBar *quota_bar;
  GtkImage    *quota_icon;
  GtkLabel    *quota_label;
  GtkImage    *unpriced_icon;
  GtkLabel    *cost_native_label;
  GtkLabel    *cost_label;
  GtkLabel    *credits_label;

  /* owned */
  TgProvider  *provider;
  TgUsageRow  *usage;
  char        *reporting_currency;

  guint        color_index;
};

enum {
  PROP_0,
  PROP_PROVIDER,
  PROP_USAGE,
  PROP_COLOR_INDEX,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgProviderCard, tg_provider_card, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* "AU, CA" */
static char *
join_regions (GStrv regions)
{
  /* TRANSLATORS: the separator in a list of region codes, "AU, CA" */
  return g_strjoinv (_(", "), regions);
}

static gboolean
strv_contains_all (GStrv haystack,
                   GStrv needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)haystack, needles[i]))
      return FALSE;

  return TRUE;
}

/* Where the provider serves: "Primary in AU · Backup in US, CA", and "Active in EU" where
 * a failover made it the active provider of a region it is not the primary of.
 */
static char *
describe_regions (const TgProvider *provider)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (provider->primary_regions[0] != NULL)
    {
      g_autofree char *list = join_regions (provider->primary_regions);

      /* TRANSLATORS: %s is a list of region codes, "AU, CA" */
      g_ptr_array_add (parts, g_strdup_printf (_("Primary in %s"), list));
    }

  if (provider->backup_regions[0] != NULL)
    {
      g_autofree char *list = join_regions (provider->backup_regions);

      /* TRANSLATORS: %s is a list of region codes, "AU, CA" */
      g_ptr_array_add (parts, g_strdup_printf (_("Backup in %s"), list));
    }

  if (provider->active_regions[0] != NULL &&
      !strv_contains_all (provider->primary_regions, provider->active_regions))
    {
      g_autofree char *list = join_regions (provider->active_regions);

      /* TRANSLATORS: %s is a list of region codes; the provider took over after a failover */
      g_ptr_array_add (parts, g_strdup_printf (_("Active in %s"), list));
    }

  if (!provider->enabled)
    g_ptr_array_add (parts, g_strdup (_("Disabled")));

  if (parts->len == 0)
    {
      if (*provider->currency == '\0')
        return g_strdup (_("Not in the provider catalogue"));
      if (*provider->home_region != '\0')
        /* TRANSLATORS: %s is a region code, "US" */
        return g_strdup_printf (_("Home region %s"), provider->home_region);
      return g_strdup (_("No region"));
    }

  g_ptr_array_add (parts, NULL);
  /* TRANSLATORS: the separator between "Primary in AU" and "Backup in US" */
  return g_strjoinv (_(" · "), (char **)parts->pdata);
}

static const char *
describe_quota_unit (const TgProvider *provider,
                     gint64            quota)
{
  switch (provider->quota_unit)
    {
    case TG_QUOTA_UNIT_CREDITS:
      return g_dngettext (GETTEXT_PACKAGE, "credit", "credits", quota);

    case TG_QUOTA_UNIT_TOKENS:
      return g_dngettext (GETTEXT_PACKAGE, "token", "tokens", quota);

    case TG_QUOTA_UNIT_CALLS:
    default:
      return g_dngettext (GETTEXT_PACKAGE, "call", "calls", quota);
    }
}

static void
update_quota (TgProviderCard *self)
{
  g_autofree char *quota_text = NULL;
  g_autofree char *text = NULL;
  double fraction;
  guint percent;

  if (!tg_provider_has_quota (self->provider))
    {
      gtk_level_bar_set_value (self->quota_bar, 0.0);
      gtk_widget_set_sensitive (GTK_WIDGET (self->quota_bar), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->quota_icon), FALSE);
      gtk_label_set_text (self->quota_label, _("No quota"));
      gtk_widget_add_css_class (GTK_WIDGET (self->quota_label), "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->quota_bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("No quota"),
                                      -1);
      return;
    }

  fraction = tg_provider_get_quota_fraction (self->provider, self->usage);
  percent = tg_provider_get_quota_percent (self->provider, self->usage);
  quota_text = tg_format_count (self->provider->monthly_quota);

  if (fraction > 1.0)
    /* TRANSLATORS: "112 % of 250,000 credits — over quota"; the first %u is a
     * percentage, %s a number and the last %s its unit
     */
    text = g_strdup_printf (_("%u %% of %s %s — over quota"), percent, quota_text,
                            describe_quota_unit (self->provider, self->provider->monthly_quota));
  else
    /* TRANSLATORS: "82 % of 250,000 credits"; %u is a percentage, %s a number and the
     * last %s its unit
     */
    text = g_strdup_printf (_("%u %% of %s %s"), percent, quota_text,
                            describe_quota_unit (self->provider, self->provider->monthly_quota));

  gtk_widget_set_sensitive (GTK_WIDGET (self->quota_bar), TRUE);
  gtk_level_bar_set_value (self->quota_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_label_set_text (self->quota_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->quota_label), "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quota_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);

  gtk_widget_set_visible (GTK_WIDGET (self->quota_icon), fraction >= QUOTA_WARNING_FRACTION);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quota_icon),
                               fraction > 1.0 ? _("Over the monthly quota")
                                              : _("Close to the monthly quota"));
}

static void
update_usage (TgProviderCard *self)
{
  const TgUsageRow *usage = self->usage;
  const char *native_currency;
  g_autofree char *count = NULL;
  g_autofree char *cost_native = NULL;
  g_autofree char *credits = NULL;
  gint64 value;

  if (self->provider == NULL)
    return;

  value = tg_provider_get_usage_count (self->provider, usage);
  count = tg_format_count (value);
  gtk_label_set_text (self->count_label, count);

  if (tg_provider_counts_tokens (self->provider))
    gtk_label_set_text (self->unit_label,
                        g_dngettext (GETTEXT_PACKAGE, "token this month", "tokens this month",
                                     value));
  else
    gtk_label_set_text (self->unit_label,
                        g_dngettext (GETTEXT_PACKAGE, "call this month", "calls this month",
                                     value));

  /* The provider's own currency; a group without one (an unknown provider) has none. */
  native_currency = usage != NULL && *usage->native_currency != '\0' ? usage->native_currency
                                                                     : self->provider->currency;
  cost_native = tg_format_money (usage != NULL ? usage->cost_native : 0, native_currency);
  gtk_label_set_text (self->cost_native_label, cost_native);

  if (self->reporting_currency != NULL &&
      g_strcmp0 (self->reporting_currency, native_currency) != 0)
    {
      g_autofree char *cost = tg_format_money (usage != NULL ? usage->cost : 0,
                                                self->reporting_currency);
      /* TRANSLATORS: the cost in the reporting currency under the provider's own,
       * "= $131.20 AUD"
       */
      g_autofree char *text = g_strdup_printf (_("= %s"), cost);

      gtk_label_set_text (self->cost_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->cost_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->cost_label), FALSE);

  gtk_widget_set_visible (GTK_WIDGET (self->unpriced_icon),
                          usage != NULL && usage->unpriced_calls > 0);
  if (usage != NULL && usage->unpriced_calls > 0)
    {
      g_autofree char *unpriced = tg_format_count (usage->unpriced_calls);
      g_autofree char *tooltip = NULL;

      tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s billable call has no price or exchange rate and is not in the cost",
                                              "%s billable calls have no price or exchange rate and are not in the cost",
                                              usage->unpriced_calls),
                                 unpriced);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->unpriced_icon), tooltip);
    }

  credits = tg_format_micros (usage != NULL ? usage->credits : 0, 6);
  gtk_label_set_text (self->credits_label, credits);

  update_quota (self);
}

static void
update_provider (TgProviderCard *self)
{
  TgProvider *provider = self->provider;
  g_autofree char *regions = NULL;

  if (provider == NULL)
    return;

  gtk_widget_set_name (GTK_WIDGET (self), provider->slug);
  gtk_label_set_text (self->name_label, provider->display_name);
  gtk_image_set_from_icon_name (self->icon,
                                tg_provider_counts_tokens (provider) ? "applications-science-symbolic"
                                                                     : "mark-location-symbolic");

  regions = describe_regions (provider);
  gtk_label_set_text (self->regions_label, regions);

  gtk_label_set_text (self->region_badge, provider->home_region);
  gtk_widget_set_visible (GTK_WIDGET (self->region_badge), *provider->home_region != '\0');
  if (*provider->home_region != '\0')
    {
      /* TRANSLATORS: the tooltip of a region code, %s is "AU" */
      g_autofree char *tooltip = g_strdup_printf (_("Home region %s"), provider->home_region);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->region_badge), tooltip);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, provider->display_name,
                                  -1);

  update_usage (self);
}

static void
tg_provider_card_dispose (GObject *object)
{
  TgProviderCard *self = TG_PROVIDER_CARD (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_PROVIDER_CARD);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tg_provider_card_parent_class)->dispose (object);
}

static void
tg_provider_card_finalize (GObject *object)
{
  TgProviderCard *self = TG_PROVIDER_CARD (object);

  g_clear_pointer (&self->provider, tg_provider_unref);
  g_clear_pointer (&self->usage, tg_usage_row_unref);
  g_clear_pointer (&self->reporting_currency, g_free);

  G_OBJECT_CLASS (tg_provider_card_parent_class)->finalize (object);
}

static void
tg_provider_card_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgProviderCard *self = TG_PROVIDER_CARD (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_boxed (value, self->provider);
      break;

    case PROP_USAGE:
      g_value_set_boxed (value, self->usage);
      break;

    case PROP_COLOR_INDEX:
      g_value_set_uint (value, self->color_index);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_provider_card_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TgProviderCard *self = TG_PROVIDER_CARD (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      tg_provider_card_set_provider (self, g_value_get_boxed (value));
      break;

    case PROP_COLOR_INDEX:
      tg_provider_card_set_color_index (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_provider_card_class_init (TgProviderCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_provider_card_dispose;
  object_class->finalize = tg_provider_card_finalize;
  object_class->get_property = tg_provider_card_get_property;
  object_class->set_property = tg_provider_card_set_property;

  properties[PROP_PROVIDER] =
    g_param_spec_boxed ("provider", NULL, NULL,
                        TG_TYPE_PROVIDER,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgProviderCard:usage:
   *
   * The provider's usage this month, or %NULL for none.
   */
  properties[PROP_USAGE] =
    g_param_spec_boxed ("usage", NULL, NULL,
                        TG_TYPE_USAGE_ROW,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgProviderCard:color-index:
   *
   * The provider's colour in the cost chart's palette.
   */
  properties[PROP_COLOR_INDEX] =
    g_param_spec_uint ("color-index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-provider-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, icon);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, regions_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, region_badge);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, swatch);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, count_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, unit_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, quota_bar);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, quota_icon);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, quota_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, unpriced_icon);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, cost_native_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, cost_label);
  gtk_widget_class_bind_template_child (widget_class, TgProviderCard, credits_label);

  gtk_widget_class_set_css_name (widget_class, "providercard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_provider_card_init (TgProviderCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The story card's alert thresholds instead of GTK's low/high/full. */
  gtk_level_bar_remove_offset_value (self->quota_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->quota_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->quota_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (self->quota_bar, "quota-normal", QUOTA_WARNING_FRACTION);
  gtk_level_bar_add_offset_value (self->quota_bar, "quota-warning", QUOTA_CRITICAL_FRACTION);
  gtk_level_bar_add_offset_value (self->quota_bar, "quota-critical", 1.0);

  gtk_widget_add_css_class (self->swatch, "chart-color-0");
}

GtkWidget *
tg_provider_card_new (void)
{
  return g_object_new (TG_TYPE_PROVIDER_CARD, NULL);
}

/**
 * tg_provider_card_get_provider:
 *
 * Returns: (transfer none) (nullable): the provider the card shows
 */
TgProvider *
tg_provider_card_get_provider (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), NULL);

  return self->provider;
}

void
tg_provider_card_set_provider (TgProviderCard *self,
                               TgProvider     *provider)
{
  g_return_if_fail (TG_IS_PROVIDER_CARD (self));

  if (self->provider == provider)
    return;

  g_clear_pointer (&self->provider, tg_provider_unref);
  self->provider = provider != NULL ? tg_provider_ref (provider) : NULL;
  update_provider (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

/**
 * tg_provider_card_get_usage:
 *
 * Returns: (transfer none) (nullable): the usage the card shows; %NULL for none
 */
TgUsageRow *
tg_provider_card_get_usage (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), NULL);

  return self->usage;
}

/**
 * tg_provider_card_set_usage:
 * @usage: (nullable): the provider's usage this month, by tg_usage_series_async()
 *   grouped by provider; %NULL when it made no calls
 * @reporting_currency: the currency of @usage's cost
 */
void
tg_provider_card_set_usage (TgProviderCard *self,
                            TgUsageRow     *usage,
                            const char     *reporting_currency)
{
  g_return_if_fail (TG_IS_PROVIDER_CARD (self));

  if (usage != self->usage)
    {
      g_clear_pointer (&self->usage, tg_usage_row_unref);
      self->usage = usage != NULL ? tg_usage_row_ref (usage) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USAGE]);
    }

  g_free (self->reporting_currency);
  self->reporting_currency = g_strdup (reporting_currency);

  update_usage (self);
}

guint
tg_provider_card_get_color_index (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), 0);

  return self->color_index;
}

void
tg_provider_card_set_color_index (TgProviderCard *self,
                                  guint           color_index)
{
  g_autofree char *old_class = NULL;
  g_autofree char *new_class = NULL;

  g_return_if_fail (TG_IS_PROVIDER_CARD (self));

  if (self->color_index == color_index)
    return;

  /* style.css names a class per colour of the chart palette (seven). */
  old_class = g_strdup_printf ("chart-color-%u", self->color_index % 7);
  new_class = g_strdup_printf ("chart-color-%u", color_index % 7);
  gtk_widget_remove_css_class (self->swatch, old_class);
  gtk_widget_add_css_class (self->swatch, new_class);

  self->color_index = color_index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_INDEX]);
}

const char *
tg_provider_card_get_slug (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), NULL);

  return self->provider != NULL ? self->provider->slug : NULL;
}

/* The figure the card shows in large: calls, or input plus output tokens. */
gint64
tg_provider_card_get_count (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), 0);

  if (self->provider == NULL)
    return 0;

  return tg_provider_get_usage_count (self->provider, self->usage);
}

double
tg_provider_card_get_quota_fraction (TgProviderCard *self)
{
  g_return_val_if_fail (TG_IS_PROVIDER_CARD (self), 0.0);

  if (self->provider == NULL)
    return 0.0;

  return tg_provider_get_quota_fraction (self->provider, self->usage);
}
