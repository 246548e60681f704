/* tg-budget-card.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One budget or provider quota on the Budgets page, from its TgBudgetStatus
 * (src/db/tg-budget-queries.h): what it covers and its amount, the month so far as a
 * chart, and where it stands in words.
 *
 * The chart runs over the billing month in local days of the billing time zone: the
 * cumulative actual as a line from nothing at the month's first instant through the end
 * of each elapsed day to the moment of the status; from there the stored month-end
 * forecast as a second line, with its 80 % range as a band widening to the month's end
 * (straight lines: the forecast says where the month ends, not how it gets there); and
 * a dashed level for the budget and each threshold, a level passed in the emphasis
 * colour. A forecast without enough history to be trusted (no calibrated range) is not
 * drawn: the card says so instead.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tg-budget-card.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"

/* Series colours from GNOME's palette (tg-chart-color.c): blue and purple. */
#define ACTUAL_COLOR   0
#define FORECAST_COLOR 4

struct _TgBudgetCard
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkImage        *icon;
  GtkLabel        *title_label;
  GtkLabel        *amount_label;
  GtkLabel        *percent_label;
  GtkMenuButton   *menu_button;
  TgChartWidget   *chart;
  GtkLabel        *state_label;
  GtkLabel        *forecast_label;

  /* owned */
  TgBudgetStatus  *status;
  char            *title;
  GTimeZone       *zone;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_TITLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgBudgetCard, tg_budget_card, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static gboolean
is_quota (TgBudgetStatus *status)
{
  return status->quota != NULL;
}

/* An amount of the status's unit for people: "$8,712.40 AUD", "105,000 calls". */
static char *
format_amount (TgBudgetStatus *status,
               gint64          micros)
{
  g_autofree char *number = NULL;

  if (!is_quota (status))
    return tg_format_money (micros, status->unit);

  number = tg_format_micros (micros, 2);
  if (g_strcmp0 (status->unit, "credits") == 0)
    /* TRANSLATORS: a number of a quota's credits, "1,200 credits" */
    return g_strdup_printf (_("%s credits"), number);

  /* TRANSLATORS: a number of a quota's calls, "105,000 calls" */
  return g_strdup_printf (_("%s calls"), number);
}

static GDateTime *
local_time (TgBudgetCard *self,
            gint64        usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_to_timezone (utc, self->zone);
}

/* "1 January": a day of the billing time zone. */
static char *
format_day (TgBudgetCard *self,
            gint64        usec)
{
  g_autoptr(GDateTime) local = local_time (self, usec);

  return g_date_time_format (local, "%-d %B");
}

static char *
format_gdate (const GDate *date)
{
  char buffer[64];

  if (!g_date_valid (date))
    return g_strdup ("");

  g_date_strftime (buffer, sizeof buffer, "%-d %B", date);
  return g_strdup (buffer);
}

static const TgBudgetThreshold *
threshold_at (TgBudgetStatus *status,
              guint           index)
{
  GArray *thresholds = tg_budget_status_get_thresholds (status);

  g_assert (thresholds != NULL && index < thresholds->len);
  return &g_array_index (thresholds, TgBudgetThreshold, index);
}

/**
 * tg_budget_card_dup_threshold_label:
 * @index: a threshold of the status's budget or quota
 *
 * Returns: (transfer full): the threshold as the chart labels it: "85 %", "$7,500.00 AUD",
 *   "Budget" for 100 % of actual spend, with " forecast" after one that compares the
 *   forecast
 */
char *
tg_budget_card_dup_threshold_label (TgBudgetStatus *status,
                                    guint           index)
{
  const TgBudgetThreshold *threshold;
  g_autofree char *value = NULL;

  g_return_val_if_fail (status != NULL, NULL);

  threshold = threshold_at (status, index);
  if (threshold->kind == TG_BUDGET_THRESHOLD_PERCENT)
    {
      g_autofree char *number = tg_format_micros (threshold->value, 2);

      /* TRANSLATORS: a threshold as a share of its budget, "85 %" */
      value = g_strdup_printf (_("%s %%"), number);
    }
  else
    value = format_amount (status, threshold->value);

  if (threshold->basis == TG_BUDGET_BASIS_FORECAST)
    /* TRANSLATORS: a threshold that the month-end forecast is compared with, "85 % forecast" */
    return g_strdup_printf (_("%s forecast"), value);

  return g_steal_pointer (&value);
}

/* Whether threshold @index is passed: by the actual (every actual threshold up to the
 * highest passed) or by the forecast (likewise among the forecast ones, which follow).
 */
static gboolean
threshold_passed (TgBudgetStatus *status,
                  guint           index)
{
  const TgBudgetThreshold *threshold = threshold_at (status, index);

  if (threshold->basis == TG_BUDGET_BASIS_ACTUAL)
    return status->passed >= 0 && (int)index <= status->passed;

  return status->forecast_passed >= 0 && (int)index <= status->forecast_passed;
}

/* Whether the stored forecast is one to draw: for this month, and calibrated. */
static gboolean
forecast_shown (TgBudgetStatus *status)
{
  return status->has_forecast && status->enough_data && status->cumulative->len > 0;
}

/* One point of the chart at @t: the actual (NaN after the moment of the status), and
 * from that moment the forecast and its range, straight from the actual then to the
 * month-end figures. */
static void
add_point (GArray         *instants,
           GArray         *actual,
           GArray         *forecast,
           GArray         *low,
           GArray         *high,
           gint64          t,
           double          actual_value,
           TgBudgetStatus *status,
           double          scale,
           gboolean        with_forecast,
           double          now_value)
{
  gint64 as_of = status->as_of / G_USEC_PER_SEC;
  gint64 month_end = status->month_end / G_USEC_PER_SEC;
  double f = NAN;
  double l = NAN;
  double h = NAN;

  if (with_forecast && t >= as_of)
    {
      double share = month_end > as_of ? (double)(t - as_of) / (double)(month_end - as_of) : 1.0;

      f = now_value + (status->forecast * scale - now_value) * share;
      if (status->has_interval)
        {
          l = now_value + (status->low * scale - now_value) * share;
          h = now_value + (status->high * scale - now_value) * share;
        }
    }

  g_array_append_val (instants, t);
  g_array_append_val (actual, actual_value);
  g_array_append_val (forecast, f);
  g_array_append_val (low, l);
  g_array_append_val (high, h);
}

/* The chart: see the top of this file. Values are micro-units of the budget's currency,
 * or counts of the quota's unit.
 */
static void
update_chart (TgBudgetCard *self)
{
  TgBudgetStatus *status = self->status;
  GArray *thresholds = tg_budget_status_get_thresholds (status);
  g_autoptr(GArray) instants = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) actual = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) forecast = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) low = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) high = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (TgChartLine));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double scale = is_quota (status) ? 1.0 / TG_MICROS_PER_UNIT : 1.0;
  gint64 month_start = status->month_start / G_USEC_PER_SEC;
  gint64 month_end = status->month_end / G_USEC_PER_SEC;
  gint64 as_of = status->as_of / G_USEC_PER_SEC;
  guint elapsed = status->cumulative->len;
  gboolean with_forecast = forecast_shown (status);
  double now_value = elapsed > 0 ? g_array_index (status->cumulative, gint64, elapsed - 1) * scale
                                 : NAN;
  TgChartSeries series[2];
  TgChartBand band;
  TgChartData data;
  guint day = 0;

  /* The instants: each local day's start and the month's end, with the moment of the
   * status between them. Day d's cumulative total stands at the end of day d. */
  for (gint64 t = month_start, previous = G_MININT64; ; previous = t, t = tg_time_bucket_next (self->zone, TG_BUCKET_DAY, t), day++)
    {
      double value = NAN;

      if (previous < as_of && as_of < t)
        add_point (instants, actual, forecast, low, high, as_of, now_value, status, scale,
                   with_forecast, now_value);

      if (day == 0)
        value = elapsed > 0 ? 0 : NAN;
      else if (t <= as_of && day - 1 < elapsed)
        value = g_array_index (status->cumulative, gint64, day - 1) * scale;
      add_point (instants, actual, forecast, low, high, t, value, status, scale, with_forecast,
                 now_value);

      /* A month has at most 31 days; the bound only guards against a zone's oddities. */
      if (t >= month_end || day > 40)
        break;
    }

  series[0] = (TgChartSeries) {
    /* TRANSLATORS: the line of a budget's chart that shows what was spent so far */
    is_quota (status) ? _("Used") : _("Spent"),
    (const double *)(gpointer)actual->data, ACTUAL_COLOR, FALSE
  };
  series[1] = (TgChartSeries) {
    _("Forecast"), (const double *)(gpointer)forecast->data, FORECAST_COLOR, FALSE
  };
  band = (TgChartBand) {
    /* TRANSLATORS: the band around a forecast on a budget's chart */
    _("80 % range"), (const double *)(gpointer)low->data, (const double *)(gpointer)high->data,
    FORECAST_COLOR
  };

  /* The budget itself, then each threshold that is not the budget again. */
  {
    /* TRANSLATORS: the level of the budget (or quota) itself on its chart */
    TgChartLine line = { is_quota (status) ? _("Quota") : _("Budget"), status->limit * scale,
                         status->actual >= status->limit && elapsed > 0 };

    g_array_append_val (lines, line);
  }
  for (guint i = 0; thresholds != NULL && i < thresholds->len; i++)
    {
      gint64 amount = g_array_index (status->threshold_amounts, gint64, i);
      TgChartLine line = { NULL, amount * scale, threshold_passed (status, i) };

      if (amount == status->limit &&
          g_array_index (thresholds, TgBudgetThreshold, i).basis == TG_BUDGET_BASIS_ACTUAL)
        {
          g_array_index (lines, TgChartLine, 0).emphasis |= line.emphasis;
          continue;
        }
      line.label = tg_budget_card_dup_threshold_label (status, i);
      g_ptr_array_add (labels, (gpointer)line.label);
      g_array_append_val (lines, line);
    }

  data = (TgChartData) {
    .kind = TG_CHART_KIND_LINE,
    .time_zone = self->zone,
    .instants = (const gint64 *)(gpointer)instants->data,
    .n_points = instants->len,
    .start = month_start,
    .end = month_end,
    .series = series,
    .n_series = with_forecast ? 2 : 1,
    .band = with_forecast && status->has_interval ? &band : NULL,
    .lines = (const TgChartLine *)(gpointer)lines->data,
    .n_lines = lines->len,
    .value_format = is_quota (status) ? TG_VALUE_FORMAT_COUNT : TG_VALUE_FORMAT_MONEY,
    .currency = is_quota (status) ? NULL : status->unit,
  };
  if (elapsed == 0)
    data.n_series = 0;

  tg_chart_widget_set_data (self->chart, &data);
}

/* "85 % threshold passed on 12 December — $8,712.40 AUD of $10,000.00 AUD; resets
 * 1 January", or how much is spent while no threshold is.
 */
static char *
describe_state (TgBudgetCard *self)
{
  TgBudgetStatus *status = self->status;
  g_autofree char *actual = format_amount (status, status->actual);
  g_autofree char *limit = format_amount (status, status->limit);
  g_autofree char *reset = format_day (self, status->month_end);
  g_autoptr(GString) text = g_string_new (NULL);

  if (status->cumulative->len == 0 || isnan (status->percent))
    {
      /* TRANSLATORS: %s is a currency code */
      g_string_printf (text, _("No exchange rate leads into %s, so this month’s spend cannot "
                               "be stated in it"), status->unit);
    }
  else if (status->passed >= 0)
    {
      g_autofree char *threshold = tg_budget_card_dup_threshold_label (status, status->passed);
      g_autofree char *since = format_gdate (&status->passed_since);

      /* TRANSLATORS: "85 % threshold passed on 12 December — $8,712.40 AUD of $10,000.00 AUD" */
      g_string_printf (text, _("%s threshold passed on %s — %s of %s"), threshold, since,
                       actual, limit);
    }
  else
    {
      g_autofree char *percent = g_strdup_printf ("%.0f", floor (status->percent));

      if (is_quota (status))
        /* TRANSLATORS: "Under every threshold: 42 % used — 105,000 calls of 250,000 calls" */
        g_string_printf (text, _("Under every threshold: %s %% used — %s of %s"), percent,
                         actual, limit);
      else
        /* TRANSLATORS: "Under every threshold: 42 % spent — $4,200.00 AUD of $10,000.00 AUD" */
        g_string_printf (text, _("Under every threshold: %s %% spent — %s of %s"), percent,
                         actual, limit);
    }

  /* TRANSLATORS: the day a monthly budget starts again, "; resets 1 January" */
  g_string_append_printf (text, _("; resets %s"), reset);

  if (status->forecast_passed >= 0)
    {
      g_autofree char *threshold = tg_budget_card_dup_threshold_label (status,
                                                                       status->forecast_passed);

      /* TRANSLATORS: %s is a threshold, "100 % forecast" */
      g_string_append_printf (text, _(". The month-end forecast passes the %s threshold"),
                              threshold);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The forecast in words, and for quotas the runway at the current rate. */
static char *
describe_forecast (TgBudgetCard *self)
{
  TgBudgetStatus *status = self->status;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GDateTime) month = local_time (self, status->month_start);
  g_autofree char *month_name = g_date_time_format (month, "%B");

  if (forecast_shown (status))
    {
      g_autofree char *forecast = format_amount (status, status->forecast);

      if (status->has_interval)
        {
          g_autofree char *low = format_amount (status, status->low);
          g_autofree char *high = format_amount (status, status->high);

          /* TRANSLATORS: "Forecast for December: $11,204.00 AUD (80 % range $10,100.00 AUD
           * to $12,300.00 AUD)" */
          g_string_printf (text, _("Forecast for %s: %s (80 %% range %s to %s)"), month_name,
                           forecast, low, high);
        }
      else
        /* TRANSLATORS: "Forecast for December: $11,204.00 AUD" */
        g_string_printf (text, _("Forecast for %s: %s"), month_name, forecast);
    }
  else if (status->cumulative->len > 0)
    g_string_assign (text, _("Not enough history for a forecast"));

  if (is_quota (status) && status->cumulative->len > 0)
    {
      g_autofree char *rate = format_amount (status, status->daily_rate);

      if (text->len > 0)
        g_string_append (text, ". ");
      if (status->runs_out && status->runs_out_at <= status->as_of)
        g_string_append (text, _("The quota is used up"));
      else if (status->runs_out)
        {
          g_autofree char *when = format_day (self, status->runs_out_at);

          /* TRANSLATORS: "Runs out around 27 December at the current rate (3,400 calls a day)" */
          g_string_append_printf (text, _("Runs out around %s at the current rate (%s a day)"),
                                  when, rate);
        }
      else
        /* TRANSLATORS: "Lasts the month at the current rate (3,400 calls a day)" */
        g_string_append_printf (text, _("Lasts the month at the current rate (%s a day)"), rate);

      if (status->quota->has_prepaid)
        {
          g_autofree char *left = format_amount (status, status->prepaid_left);

          g_string_append (text, ". ");
          if (status->prepaid_runs_out && status->prepaid_runs_out_at <= status->as_of)
            g_string_append (text, _("The prepaid balance is used up"));
          else if (status->prepaid_runs_out)
            {
              g_autofree char *when = format_day (self, status->prepaid_runs_out_at);

              /* TRANSLATORS: "Prepaid balance: 120,000 calls left, until around 3 March" */
              g_string_append_printf (text, _("Prepaid balance: %s left, until around %s"),
                                      left, when);
            }
          else
            /* TRANSLATORS: "Prepaid balance: 120,000 calls left" */
            g_string_append_printf (text, _("Prepaid balance: %s left"), left);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The card's menu: Edit and Delete for budgets, each naming the budget's id. */
static void
update_menu (TgBudgetCard *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) edit = NULL;
  g_autoptr(GMenuItem) remove = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), !is_quota (self->status));
  if (is_quota (self->status))
    return;

  edit = g_menu_item_new (_("_Edit…"), NULL);
  g_menu_item_set_action_and_target_value (edit, "budgets.edit",
                                           g_variant_new_int64 (self->status->budget->id));
  g_menu_append_item (menu, edit);
  remove = g_menu_item_new (_("_Delete…"), NULL);
  g_menu_item_set_action_and_target_value (remove, "budgets.delete",
                                           g_variant_new_int64 (self->status->budget->id));
  g_menu_append_item (menu, remove);
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
update (TgBudgetCard *self)
{
  TgBudgetStatus *status = self->status;
  g_autofree char *limit = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *state = NULL;
  g_autofree char *forecast = NULL;
  g_autofree char *percent = NULL;

  gtk_label_set_text (self->title_label, self->title != NULL ? self->title : "");
  if (status == NULL)
    return;

  limit = format_amount (status, status->limit);
  /* TRANSLATORS: a budget's or quota's amount, "$10,000.00 AUD a month" */
  amount = g_strdup_printf (_("%s a month"), limit);
  gtk_label_set_text (self->amount_label, amount);

  if (!isnan (status->percent) && status->cumulative->len > 0)
    /* TRANSLATORS: the share of a budget spent, "87 %" */
    percent = g_strdup_printf (_("%.0f %%"), floor (status->percent));
  gtk_label_set_text (self->percent_label, percent != NULL ? percent : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->percent_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->percent_label), "error");
  if (status->actual >= status->limit && status->cumulative->len > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->percent_label), "error");
  else if (status->passed >= 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->percent_label), "warning");

  state = describe_state (self);
  gtk_label_set_text (self->state_label, state);
  forecast = describe_forecast (self);
  gtk_label_set_text (self->forecast_label, forecast);
  gtk_widget_set_visible (GTK_WIDGET (self->forecast_label), *forecast != '\0');

  tg_chart_widget_set_title (self->chart, self->title);
  update_chart (self);
  update_menu (self);
}

static void
tg_budget_card_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_BUDGET_CARD);

  /* The template's children without an id are the card's still. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tg_budget_card_parent_class)->dispose (object);
}

static void
tg_budget_card_finalize (GObject *object)
{
  TgBudgetCard *self = TG_BUDGET_CARD (object);

  g_clear_pointer (&self->status, tg_budget_status_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (tg_budget_card_parent_class)->finalize (object);
}

static void
tg_budget_card_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TgBudgetCard *self = TG_BUDGET_CARD (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_boxed (value, self->status);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_budget_card_class_init (TgBudgetCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_budget_card_dispose;
  object_class->finalize = tg_budget_card_finalize;
  object_class->get_property = tg_budget_card_get_property;

  properties[PROP_STATUS] =
    g_param_spec_boxed ("status", NULL, NULL,
                        TG_TYPE_BUDGET_STATUS,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_CHART_WIDGET);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-budget-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, icon);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, amount_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, percent_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, chart);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, state_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetCard, forecast_label);

  gtk_widget_class_set_css_name (widget_class, "budgetcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_budget_card_init (TgBudgetCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->zone = g_time_zone_new_utc ();

  /* Two cards side by side from about 820 pixels of page. */
  tg_chart_widget_set_natural_width (self->chart, 360);
}

GtkWidget *
tg_budget_card_new (void)
{
  return g_object_new (TG_TYPE_BUDGET_CARD, NULL);
}

/**
 * tg_budget_card_get_status:
 *
 * Returns: (transfer none) (nullable): what the card shows
 */
TgBudgetStatus *
tg_budget_card_get_status (TgBudgetCard *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_CARD (self), NULL);

  return self->status;
}

/**
 * tg_budget_card_set_status:
 * @status: where a budget or quota stands
 * @title: what it covers, in words: "Overall", "Provider: HERE"
 * @zone: the billing time zone, whose local days the chart and the dates are in
 *
 * Shows @status.
 */
void
tg_budget_card_set_status (TgBudgetCard   *self,
                           TgBudgetStatus *status,
                           const char     *title,
                           GTimeZone      *zone)
{
  g_return_if_fail (TG_IS_BUDGET_CARD (self));
  g_return_if_fail (status != NULL);
  g_return_if_fail (zone != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->status != status)
    {
      g_clear_pointer (&self->status, tg_budget_status_unref);
      self->status = tg_budget_status_ref (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  g_clear_pointer (&self->zone, g_time_zone_unref);
  self->zone = g_time_zone_ref (zone);

  update (self);

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
tg_budget_card_get_title (TgBudgetCard *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_CARD (self), NULL);

  return self->title;
}

/* What the card says of where the month stands, for tests. */
const char *
tg_budget_card_get_state_text (TgBudgetCard *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_CARD (self), NULL);

  return gtk_label_get_text (self->state_label);
}

const char *
tg_budget_card_get_forecast_text (TgBudgetCard *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_CARD (self), NULL);

  return gtk_label_get_text (self->forecast_label);
}

/**
 * tg_budget_card_get_chart:
 *
 * Returns: (transfer none): the card's chart
 */
TgChartWidget *
tg_budget_card_get_chart (TgBudgetCard *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_CARD (self), NULL);

  return self->chart;
}
