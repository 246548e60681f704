/* tg-budget-dialog.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* New Budget and Edit Budget. The form says what is wrong under the group where it is
 * wrong, as it is typed, with the readers the rest of Tollgate uses (tg_money_parse(),
 * tg_budget_thresholds_parse()); Save is enabled only for a budget that could be saved.
 * A scope has one budget (the database keeps it so), so a new budget for a scope that has
 * one is refused here already, and an edited budget keeps its scope.
 *
 * Saving is one statement, tg_budget_set_async() on the window's connection: the server
 * creates or changes the budget in one transaction, audits it and NOTIFYs every open
 * Tollgate. Who may is the server's to say (finance and admin): a refusal, or any other
 * failure, shows the server's words in a toast and leaves the form as it was, to be
 * saved again or cancelled; nothing is half saved. A save is not cancelled when the dialog
 * closes: its outcome would be unknown.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-budget-dialog.h"
#include "tg-budget-queries.h"
#include "tg-catalog-queries.h"
#include "tg-money.h"

/* The rows of the scope combo, in tg-budget-dialog.ui's order. */
static const TgForecastScopeKind kinds[] = {
  TG_FORECAST_SCOPE_OVERALL,
  TG_FORECAST_SCOPE_PROVIDER,
  TG_FORECAST_SCOPE_COST_CENTRE,
  TG_FORECAST_SCOPE_FEATURE,
};

#define DEFAULT_THRESHOLDS_TEXT "70, 85, 95, 100"

struct _TgBudgetDialog
{
  AdwWindow        parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *save_stack;
  AdwComboRow     *kind_row;
  AdwComboRow     *name_row;
  GtkStringList   *names;
  GtkLabel        *scope_error;
  AdwEntryRow     *amount_row;
  AdwComboRow     *currency_row;
  GtkStringList   *currencies;
  GtkLabel        *amount_error;
  AdwEntryRow     *thresholds_row;
  AdwComboRow     *basis_row;
  GtkLabel        *thresholds_error;

  /* owned */
  TgDbConnection  *connection;
  GPtrArray       *providers;     /* (element-type TgProvider) */
  GPtrArray       *scopes;        /* (element-type TgCatalogScope) */
  GPtrArray       *budgets;       /* (element-type TgBudget): those there are */
  TgBudget        *budget;        /* the one edited; NULL for a new one */
  GPtrArray       *name_keys;     /* the slug or code of each row of names */
  GArray          *thresholds;    /* (element-type TgBudgetThreshold): the form's, if valid */
  char            *scope;         /* the form's, if valid */
  gint64           amount;

  guint            valid : 1;
  guint            saving : 1;
  guint            filling : 1;   /* the form is being filled: no validation yet */
};

enum {
  PROP_0,
  PROP_VALID,
  PROP_SAVING,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TgBudgetDialog, tg_budget_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static TgForecastScopeKind
selected_kind (TgBudgetDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  return selected < G_N_ELEMENTS (kinds) ? kinds[selected] : TG_FORECAST_SCOPE_OVERALL;
}

static const char *
selected_name (TgBudgetDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->name_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->name_keys->len)
    return NULL;

  return g_ptr_array_index (self->name_keys, selected);
}

static const char *
selected_currency (TgBudgetDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->currency_row);

  if (selected == GTK_INVALID_LIST_POSITION)
    return NULL;

  return gtk_string_list_get_string (self->currencies, selected);
}

static TgBudgetBasis
selected_basis (TgBudgetDialog *self)
{
  return adw_combo_row_get_selected (self->basis_row) == 1 ? TG_BUDGET_BASIS_FORECAST
                                                          : TG_BUDGET_BASIS_ACTUAL;
}

/* The scope's names in the catalogue, by display name. */
static void
fill_names (TgBudgetDialog *self)
{
  TgForecastScopeKind kind = selected_kind (self);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_ptr_array_set_size (self->name_keys, 0);

  if (kind == TG_FORECAST_SCOPE_PROVIDER)
    for (guint i = 0; self->providers != NULL && i < self->providers->len; i++)
      {
        TgProvider *provider = g_ptr_array_index (self->providers, i);

        g_ptr_array_add (self->name_keys, g_strdup (provider->slug));
        g_ptr_array_add (labels, *provider->display_name != '\0' ? provider->display_name
                                                                 : provider->slug);
      }
  else if (kind != TG_FORECAST_SCOPE_OVERALL)
    for (guint i = 0; self->scopes != NULL && i < self->scopes->len; i++)
      {
        TgCatalogScope *scope = g_ptr_array_index (self->scopes, i);

        if (scope->kind != kind)
          continue;
        g_ptr_array_add (self->name_keys, g_strdup (scope->name));
        g_ptr_array_add (labels, *scope->display_name != '\0' ? scope->display_name : scope->name);
      }
  g_ptr_array_add (labels, NULL);

  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char * const *)labels->pdata);

  switch (kind)
    {
    case TG_FORECAST_SCOPE_PROVIDER:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("_Provider"));
      break;
    case TG_FORECAST_SCOPE_COST_CENTRE:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("_Cost Centre"));
      break;
    case TG_FORECAST_SCOPE_FEATURE:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("_Feature"));
      break;
    case TG_FORECAST_SCOPE_OVERALL:
    default:
      break;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->name_row), kind != TG_FORECAST_SCOPE_OVERALL);
}

static void
show_error (GtkLabel   *label,
            GtkWidget  *row,
            const char *message)
{
  gboolean shown = message != NULL && *message != '\0';

  gtk_label_set_text (label, shown ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), shown);
  if (row == NULL)
    return;
  if (shown)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* What people type as an amount: "10000", "10,000.50", "10 000". */
static gboolean
parse_amount (const char  *text,
              gint64      *micros,
              GError     **error)
{
  g_autoptr(GString) plain = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ',' && !g_ascii_isspace (*p))
      g_string_append_c (plain, *p);

  return tg_money_parse (plain->str, micros, error);
}

static void
update_actions (TgBudgetDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "budget.save", self->valid && !self->saving);
  gtk_stack_set_visible_child_name (self->save_stack, self->saving ? "saving" : "button");
}

static void
set_valid (TgBudgetDialog *self,
           gboolean        valid)
{
  if (self->valid != !!valid)
    {
      self->valid = !!valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
  update_actions (self);
}

/* Checks every field and says what is wrong with each, under its group. */
static void
validate (TgBudgetDialog *self)
{
  g_autofree char *scope_message = NULL;
  g_autofree char *amount_message = NULL;
  g_autofree char *thresholds_message = NULL;
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GError) error = NULL;
  TgForecastScopeKind kind = selected_kind (self);
  const char *name = selected_name (self);
  const char *currency = selected_currency (self);
  const char *amount_text = gtk_editable_get_text (GTK_EDITABLE (self->amount_row));
  const char *thresholds_text = gtk_editable_get_text (GTK_EDITABLE (self->thresholds_row));
  g_autofree char *thresholds_stripped = g_strstrip (g_strdup (thresholds_text));
  gboolean valid = TRUE;
  gint64 amount = 0;

  if (self->filling)
    return;

  g_clear_pointer (&self->scope, g_free);
  g_clear_pointer (&self->thresholds, g_array_unref);

  /* The scope: a name of the catalogue, and no budget yet unless it is this one. */
  if (kind != TG_FORECAST_SCOPE_OVERALL && name == NULL)
    {
      valid = FALSE;
      if (self->name_keys->len == 0)
        scope_message = g_strdup (kind == TG_FORECAST_SCOPE_PROVIDER ? _("The catalogue lists no providers")
                                  : kind == TG_FORECAST_SCOPE_COST_CENTRE ? _("The catalogue lists no cost centres")
                                  : _("The catalogue lists no features"));
    }
  else
    {
      g_autofree char *scope = tg_forecast_scope_to_string (kind, name);

      for (guint i = 0; self->budget == NULL && self->budgets != NULL && i < self->budgets->len; i++)
        {
          TgBudget *other = g_ptr_array_index (self->budgets, i);

          if (g_strcmp0 (other->scope, scope) == 0)
            {
              valid = FALSE;
              scope_message = g_strdup (_("This scope has a budget already: edit that one instead"));
            }
        }
      self->scope = g_steal_pointer (&scope);
    }

  /* The amount: above nothing, at most what the database keeps. */
  if (*amount_text == '\0')
    valid = FALSE;
  else if (!parse_amount (amount_text, &amount, &error))
    {
      valid = FALSE;
      amount_message = g_strdup (_("Write the amount as a number, such as 10000 or 12,500.50"));
    }
  else if (amount <= 0 || amount > TG_BUDGET_MAX_AMOUNT * TG_MICROS_PER_UNIT)
    {
      valid = FALSE;
      amount_message = g_strdup (_("The amount is above 0 and at most 999,999,999,999"));
    }
  else if (currency != NULL && tg_money_round (amount, tg_currency_get_decimals (currency)) != amount)
    {
      valid = FALSE;
      /* TRANSLATORS: %s is a currency code, %u its number of decimals */
      amount_message = g_strdup_printf (_("%s amounts have at most %u decimals"), currency,
                                        tg_currency_get_decimals (currency));
    }
  g_clear_error (&error);
  if (currency == NULL)
    valid = FALSE;
  self->amount = amount;

  /* The thresholds, in the budget's currency. */
  if (*thresholds_stripped == '\0')
    {
      valid = FALSE;
      thresholds_message = g_strdup (_("Give at least one threshold, such as 85"));
    }
  else if (currency != NULL &&
           !tg_budget_thresholds_parse (thresholds_text, currency, selected_basis (self),
                                        &thresholds, &error))
    {
      valid = FALSE;
      thresholds_message = g_strdup (error->message);
    }
  self->thresholds = g_steal_pointer (&thresholds);

  show_error (self->scope_error, GTK_WIDGET (self->name_row), scope_message);
  show_error (self->amount_error, GTK_WIDGET (self->amount_row), amount_message);
  show_error (self->thresholds_error, GTK_WIDGET (self->thresholds_row), thresholds_message);

  set_valid (self, valid);
}

static void
on_changed (TgBudgetDialog *self)
{
  validate (self);
}

static void
on_kind_changed (TgBudgetDialog *self)
{
  if (self->filling)
    return;

  fill_names (self);
  validate (self);
}

static void
on_entry_activated (TgBudgetDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "budget.save", NULL);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(TgBudgetDialog) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 id = 0;
  gboolean saved;

  g_weak_ref_clear (ref);
  g_free (ref);

  saved = tg_budget_set_finish (TG_DB_CONNECTION (object), result, &id, &created, &error);
  if (self == NULL)
    return;

  self->saving = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
  update_actions (self);

  if (!saved)
    {
      /* TRANSLATORS: %s is the database's reason */
      g_autofree char *title = g_strdup_printf (_("Could not save the budget: %s"),
                                                error->message);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, id, created);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TgBudgetDialog *self = TG_BUDGET_DIALOG (widget);
  GWeakRef *ref;

  validate (self);
  if (!self->valid || self->saving || self->connection == NULL)
    return;

  self->saving = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
  update_actions (self);

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  tg_budget_set_async (self->connection, self->scope, self->amount, selected_currency (self),
                       self->thresholds, NULL, on_saved, ref);
}

/* "70, 85, 7500.00 AUD:forecast": a budget's thresholds as the form takes them. */
static char *
thresholds_text (TgBudget      *budget,
                 TgBudgetBasis  basis)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < budget->thresholds->len; i++)
    {
      const TgBudgetThreshold *threshold = &g_array_index (budget->thresholds,
                                                           TgBudgetThreshold, i);
      g_autofree char *item = tg_budget_threshold_to_string (threshold, budget->currency);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, item);
      if (threshold->basis != basis)
        g_string_append_printf (text, ":%s", tg_budget_basis_to_string (threshold->basis));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
select_string (AdwComboRow   *row,
               GListModel    *model,
               const char    *wanted)
{
  for (guint i = 0; wanted != NULL && i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), wanted) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

/* Fills the form: a new budget's defaults, or the budget edited. */
static void
fill (TgBudgetDialog     *self,
      const char * const *currencies,
      const char         *default_currency)
{
  g_autoptr(GStrvBuilder) list = g_strv_builder_new ();
  g_auto(GStrv) codes = NULL;
  const char *currency = self->budget != NULL ? self->budget->currency : default_currency;

  self->filling = TRUE;

  for (guint i = 0; currencies != NULL && currencies[i] != NULL; i++)
    g_strv_builder_add (list, currencies[i]);
  if (currency != NULL && (currencies == NULL || !g_strv_contains (currencies, currency)))
    g_strv_builder_add (list, currency);
  codes = g_strv_builder_end (list);
  gtk_string_list_splice (self->currencies, 0, 0, (const char * const *)codes);
  select_string (self->currency_row, G_LIST_MODEL (self->currencies), currency);

  if (self->budget == NULL)
    {
      adw_window_title_set_title (self->window_title, _("New Budget"));
      gtk_window_set_title (GTK_WINDOW (self), _("New Budget"));
      adw_combo_row_set_selected (self->kind_row, 0);
      fill_names (self);
      gtk_editable_set_text (GTK_EDITABLE (self->thresholds_row), DEFAULT_THRESHOLDS_TEXT);
    }
  else
    {
      TgBudgetBasis basis = TG_BUDGET_BASIS_ACTUAL;
      g_autofree char *amount = tg_money_to_decimal (self->budget->amount,
                                                     tg_currency_get_decimals (self->budget->currency));
      g_autofree char *text = NULL;
      gboolean all_forecast = self->budget->thresholds->len > 0;

      adw_window_title_set_title (self->window_title, _("Edit Budget"));
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Budget"));

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (kinds[i] == self->budget->kind)
          adw_combo_row_set_selected (self->kind_row, i);
      fill_names (self);
      for (guint i = 0; i < self->name_keys->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->name_keys, i), self->budget->name) == 0)
          adw_combo_row_set_selected (self->name_row, i);
      if (self->budget->name != NULL && selected_name (self) == NULL)
        {
          /* A name the catalogue no longer lists: kept, as the budget has it. */
          const char *names[] = { self->budget->name, NULL };

          g_ptr_array_add (self->name_keys, g_strdup (self->budget->name));
          gtk_string_list_splice (self->names, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                                  0, names);
          adw_combo_row_set_selected (self->name_row, self->name_keys->len - 1);
        }
      /* A budget's scope is what it is: another scope is another budget. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);

      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), amount);

      for (guint i = 0; i < self->budget->thresholds->len; i++)
        all_forecast &= g_array_index (self->budget->thresholds, TgBudgetThreshold, i).basis ==
                        TG_BUDGET_BASIS_FORECAST;
      if (all_forecast)
        basis = TG_BUDGET_BASIS_FORECAST;
      adw_combo_row_set_selected (self->basis_row, basis == TG_BUDGET_BASIS_FORECAST ? 1 : 0);
      text = thresholds_text (self->budget, basis);
      gtk_editable_set_text (GTK_EDITABLE (self->thresholds_row), text);
    }

  self->filling = FALSE;
  validate (self);
}

static void
tg_budget_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_BUDGET_DIALOG);

  G_OBJECT_CLASS (tg_budget_dialog_parent_class)->dispose (object);
}

static void
tg_budget_dialog_finalize (GObject *object)
{
  TgBudgetDialog *self = TG_BUDGET_DIALOG (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->budgets, g_ptr_array_unref);
  g_clear_pointer (&self->budget, tg_budget_unref);
  g_clear_pointer (&self->name_keys, g_ptr_array_unref);
  g_clear_pointer (&self->thresholds, g_array_unref);
  g_clear_pointer (&self->scope, g_free);

  G_OBJECT_CLASS (tg_budget_dialog_parent_class)->finalize (object);
}

static void
tg_budget_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgBudgetDialog *self = TG_BUDGET_DIALOG (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    case PROP_SAVING:
      g_value_set_boolean (value, self->saving);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_budget_dialog_class_init (TgBudgetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_budget_dialog_dispose;
  object_class->finalize = tg_budget_dialog_finalize;
  object_class->get_property = tg_budget_dialog_get_property;

  /**
   * TgBudgetDialog:valid:
   *
   * Whether the form holds a budget that can be saved.
   */
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SAVING] =
    g_param_spec_boolean ("saving", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgBudgetDialog::saved:
   * @id: the budget's id
   * @created: whether it is new
   *
   * The database saved the budget; the dialog closes.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-budget-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, save_stack);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, names);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, scope_error);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, currency_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, currencies);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, amount_error);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, thresholds_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, basis_row);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetDialog, thresholds_error);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "budget.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "budget.save", NULL);
}

static void
tg_budget_dialog_init (TgBudgetDialog *self)
{
  self->name_keys = g_ptr_array_new_with_free_func (g_free);
  self->filling = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

/**
 * tg_budget_dialog_new:
 * @parent: (nullable): the window the dialog is for
 * @connection: where to save
 * @providers: (element-type TgProvider) (nullable): the catalogue's providers
 * @scopes: (element-type TgCatalogScope) (nullable): its features and cost centres
 * @currencies: (nullable): the currencies costs can be stated in
 * @default_currency: (nullable): a new budget's, the reporting currency
 * @budgets: (element-type TgBudget) (nullable): the budgets there are
 * @budget: (nullable): the budget to edit; %NULL for a new one
 *
 * Returns: (transfer none): the dialog, not yet presented; it destroys itself when closed
 */
TgBudgetDialog *
tg_budget_dialog_new (GtkWindow          *parent,
                      TgDbConnection     *connection,
                      GPtrArray          *providers,
                      GPtrArray          *scopes,
                      const char * const *currencies,
                      const char         *default_currency,
                      GPtrArray          *budgets,
                      TgBudget           *budget)
{
  TgBudgetDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TG_IS_DB_CONNECTION (connection), NULL);

  self = g_object_new (TG_TYPE_BUDGET_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->connection = g_object_ref (connection);
  self->providers = providers != NULL ? g_ptr_array_ref (providers) : NULL;
  self->scopes = scopes != NULL ? g_ptr_array_ref (scopes) : NULL;
  self->budgets = budgets != NULL ? g_ptr_array_ref (budgets) : NULL;
  self->budget = budget != NULL ? tg_budget_ref (budget) : NULL;

  fill (self, currencies, default_currency);

  return self;
}

/**
 * tg_budget_dialog_get_budget:
 *
 * Returns: (transfer none) (nullable): the budget edited; %NULL for a new one
 */
TgBudget *
tg_budget_dialog_get_budget (TgBudgetDialog *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_DIALOG (self), NULL);

  return self->budget;
}

gboolean
tg_budget_dialog_get_valid (TgBudgetDialog *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_DIALOG (self), FALSE);

  return self->valid;
}

gboolean
tg_budget_dialog_get_saving (TgBudgetDialog *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_DIALOG (self), FALSE);

  return self->saving;
}

/**
 * tg_budget_dialog_dup_scope:
 *
 * Returns: (transfer full) (nullable): the scope the form names ("provider:here"), when
 *   it names one
 */
char *
tg_budget_dialog_dup_scope (TgBudgetDialog *self)
{
  g_return_val_if_fail (TG_IS_BUDGET_DIALOG (self), NULL);

  return g_strdup (self->scope);
}
