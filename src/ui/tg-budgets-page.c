/* tg-budgets-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Budgets page of the main window's view stack (issue 11): a card per budget, then a
 * card per provider quota (tg-budget-card.c), each with the month's actual against it as
 * a chart, its thresholds, the stored month-end forecast with its band, and its state in
 * words; New Budget, Edit and Delete for those who may.
 *
 * Loading: one pipelined batch on the window's connection per load, the latest winning:
 * the settings (the billing time zone the cards' days are in, the reporting currency a new
 * budget starts in), the provider catalogue and the features and cost centres (the
 * cards' titles, the dialog's lists), the currencies costs can be stated in, and where
 * every budget and quota stands now (tg_budget_status_statement_new(): one statement, one
 * snapshot, with the forecasts the worker stored). The figures shown stay while the next
 * load runs.
 *
 * When: while the page is on screen (a hidden page loads when it is shown), when the
 * connection is set, on Refresh, at once when a NOTIFY says the budgets changed (here or in
 * any other Tollgate, tollgate_config) and when the worker has evaluated the alerts (which
 * stores fresh forecasts first), and at most every QUEUE_INTERVAL_S seconds for new usage.
 *
 * Changes: PostgreSQL decides who may change budgets (finance and admin); the page only
 * disables what would fail and says which role is needed. Saving and deleting are one
 * statement each on the window's connection; the NOTIFY they cause reloads every open
 * Tollgate, this one included.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-budget-dialog.h"
#include "tg-budget-queries.h"
#include "tg-budgets-page.h"
#include "tg-toast.h"
#include "tg-catalog-queries.h"
#include "tg-scope-title.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

#define QUEUE_INTERVAL_S 10

/* Who may change budgets (the budgets migration): members of tollgate_finance, which
 * admins are. */
#define EDIT_ROLES TG_ROLE_SET_FINANCE

enum {
  RESULT_SETTINGS,
  RESULT_PROVIDERS,
  RESULT_SCOPES,
  RESULT_CURRENCIES,
  RESULT_STATUS,
  N_RESULTS
};

struct _TgBudgetsPage
{
  AdwBin           parent_instance;

  /* template widgets */
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkWidget       *content_box;
  GtkLabel        *month_label;
  GtkWidget       *new_button;
  GtkWidget       *empty_new_button;
  GtkWidget       *no_budgets_label;
  GtkFlowBox      *budget_cards;
  GtkWidget       *quotas_heading;
  GtkFlowBox      *quota_cards;

  /* owned */
  TgDbConnection  *connection;
  GCancellable    *load_cancellable;   /* the load under way */
  GCancellable    *change_cancellable; /* deletes, for the connection's life */
  GHashTable      *cards;              /* scope or "quota:SLUG" → TgBudgetCard (owned) */
  GPtrArray       *providers;          /* (element-type TgProvider) */
  GPtrArray       *scopes;             /* (element-type TgCatalogScope) */
  GPtrArray       *statuses;           /* (element-type TgBudgetStatus) */
  GPtrArray       *budgets;            /* (element-type TgBudget): the statuses' */
  GStrv            currencies;
  char            *reporting_currency;
  GTimeZone       *zone;

  gint64           last_load_time;     /* monotonic */
  guint            queue_source_id;
  TgRoleSet        roles;
  guint            ready : 1;
  guint            load_pending : 1;   /* asked while hidden */
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ROLES,
  PROP_READY,
  PROP_LOADING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgBudgetsPage, tg_budgets_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void start_load (TgBudgetsPage *self);

static void
set_ready (TgBudgetsPage *self,
           gboolean       ready)
{
  if (self->ready == !!ready)
    return;

  self->ready = !!ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
set_load_cancellable (TgBudgetsPage *self,
                      GCancellable  *cancellable)
{
  gboolean was_loading = self->load_cancellable != NULL;

  if (self->load_cancellable == cancellable)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (cancellable != NULL)
    self->load_cancellable = g_object_ref (cancellable);

  if (was_loading != (self->load_cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_actions (TgBudgetsPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean may_edit = self->connection != NULL && self->statuses != NULL &&
                      (self->roles & EDIT_ROLES) != 0;
  g_autofree char *requirement = NULL;

  gtk_widget_action_set_enabled (widget, "budgets.refresh", self->connection != NULL);
  gtk_widget_action_set_enabled (widget, "budgets.new", may_edit);
  gtk_widget_action_set_enabled (widget, "budgets.edit", may_edit);
  gtk_widget_action_set_enabled (widget, "budgets.delete", may_edit);

  /* An insensitive New Budget names the role it needs. */
  if (self->connection != NULL && (self->roles & EDIT_ROLES) == 0)
    requirement = tg_role_set_dup_requirement (EDIT_ROLES);
  gtk_widget_set_tooltip_text (self->new_button, requirement);
  gtk_widget_set_tooltip_text (self->empty_new_button, requirement);
}

/* "Overall", "Provider: HERE", "Cost centre: Logistics", "Feature: Checkout", "Quota: HERE". */
static char *
card_title (TgBudgetsPage  *self,
            TgBudgetStatus *status)
{
  if (status->quota != NULL)
    {
      TgProvider *provider = tg_catalog_find_provider (self->providers, status->quota->provider);

      /* TRANSLATORS: the title of a provider's quota on the Budgets page, "Quota: HERE" */
      return g_strdup_printf (_("Quota: %s"), provider != NULL ? provider->display_name
                                                               : status->quota->provider);
    }

  return tg_scope_dup_title (status->budget->scope, self->providers, self->scopes);
}

static char *
card_key (TgBudgetStatus *status)
{
  if (status->quota != NULL)
    return g_strdup_printf ("quota:%s", status->quota->provider);

  return g_strdup (status->budget->scope);
}

static void
remove_all (GtkFlowBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_flow_box_remove (box, child);
}

/* The cards, in the answer's order: budgets by scope, then quotas by provider. A card
 * that stays keeps its widget (and so its legend's choices).
 */
static void
show_statuses (TgBudgetsPage *self)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      g_object_unref);
  guint n_budgets = 0;
  guint n_quotas = 0;

  remove_all (self->budget_cards);
  remove_all (self->quota_cards);

  for (guint i = 0; i < self->statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (self->statuses, i);
      g_autofree char *key = card_key (status);
      g_autofree char *title = card_title (self, status);
      TgBudgetCard *card = g_hash_table_lookup (self->cards, key);

      if (card != NULL)
        g_object_ref (card);
      else
        card = g_object_ref_sink (TG_BUDGET_CARD (tg_budget_card_new ()));

      tg_budget_card_set_status (card, status, title, self->zone);
      if (status->quota != NULL)
        {
          gtk_flow_box_append (self->quota_cards, GTK_WIDGET (card));
          n_quotas++;
        }
      else
        {
          gtk_flow_box_append (self->budget_cards, GTK_WIDGET (card));
          n_budgets++;
        }
      g_hash_table_replace (kept, g_steal_pointer (&key), card);
    }

  g_clear_pointer (&self->cards, g_hash_table_unref);
  self->cards = g_steal_pointer (&kept);

  gtk_widget_set_visible (GTK_WIDGET (self->budget_cards), n_budgets > 0);
  gtk_widget_set_visible (self->no_budgets_label, n_budgets == 0);
  gtk_widget_set_visible (self->quotas_heading, n_quotas > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->quota_cards), n_quotas > 0);

  gtk_stack_set_visible_child_name (self->stack, n_budgets + n_quotas > 0 ? "budgets" : "empty");
}

/* "December 2026: budgets reset on 1 January". */
static void
update_month_label (TgBudgetsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (self->zone);
  g_autoptr(GDateTime) first = g_date_time_new (self->zone, g_date_time_get_year (now),
                                                g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GDateTime) next = g_date_time_add_months (first, 1);
  g_autofree char *month = g_date_time_format (now, "%B %Y");
  g_autofree char *reset = g_date_time_format (next, "%-d %B");
  g_autofree char *text = NULL;

  /* TRANSLATORS: the Budgets page's heading, "December 2026 — every budget resets on 1 January" */
  text = g_strdup_printf (_("%s — every budget resets on %s"), month, reset);
  gtk_label_set_text (self->month_label, text);
}

typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
} Load;

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->self);
  g_clear_object (&load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
load_failed (TgBudgetsPage *self,
             GError        *error)
{
  g_debug ("Loading the budgets failed: %s", error->message);

  /* Figures on screen stay; without any, the page says why. */
  if (self->statuses == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      /* TRANSLATORS: %s is the database's reason */
      g_autofree char *title = g_strdup_printf (_("Could not read the budgets: %s"),
                                                error->message);

      tg_toast_show (GTK_WIDGET (self), title);
    }
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgBudgetsPage) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_auto(GStrv) currencies = NULL;
  g_autoptr(GError) error = NULL;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  set_load_cancellable (self, NULL);

  if (results != NULL)
    settings = tg_settings_parse_result (g_ptr_array_index (results, RESULT_SETTINGS), &error);
  if (settings != NULL)
    providers = tg_catalog_providers_parse_result (g_ptr_array_index (results, RESULT_PROVIDERS),
                                                   &error);
  if (providers != NULL)
    scopes = tg_catalog_scopes_parse_result (g_ptr_array_index (results, RESULT_SCOPES), &error);
  if (scopes != NULL)
    currencies = tg_settings_currencies_parse_result (g_ptr_array_index (results, RESULT_CURRENCIES),
                                                      &error);
  if (currencies != NULL)
    statuses = tg_budget_status_parse_result (g_ptr_array_index (results, RESULT_STATUS), &error);

  if (statuses != NULL && (self->zone == NULL ||
                           g_strcmp0 (g_time_zone_get_identifier (self->zone),
                                      settings->billing_timezone) != 0))
    {
      GTimeZone *zone = tg_time_zone_new_checked (settings->billing_timezone, &error);

      if (zone == NULL)
        g_clear_pointer (&statuses, g_ptr_array_unref);
      else
        {
          g_clear_pointer (&self->zone, g_time_zone_unref);
          self->zone = zone;
        }
    }

  if (statuses == NULL)
    {
      load_failed (self, error);
      set_ready (self, TRUE);
      update_actions (self);
      return;
    }

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = g_steal_pointer (&providers);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  self->scopes = g_steal_pointer (&scopes);
  g_clear_pointer (&self->currencies, g_strfreev);
  self->currencies = g_steal_pointer (&currencies);
  g_free (self->reporting_currency);
  self->reporting_currency = g_strdup (settings->reporting_currency);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  self->statuses = g_steal_pointer (&statuses);

  g_clear_pointer (&self->budgets, g_ptr_array_unref);
  self->budgets = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_budget_unref);
  for (guint i = 0; i < self->statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (self->statuses, i);

      if (status->budget != NULL)
        g_ptr_array_add (self->budgets, tg_budget_ref (status->budget));
    }

  update_month_label (self);
  show_statuses (self);
  set_ready (self, TRUE);
  update_actions (self);
}

static void
start_load (TgBudgetsPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  Load *load;

  g_clear_handle_id (&self->queue_source_id, g_source_remove);

  if (self->connection == NULL)
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_pending = TRUE;
      return;
    }
  self->load_pending = FALSE;
  self->last_load_time = g_get_monotonic_time ();

  cancellable = g_cancellable_new ();
  set_load_cancellable (self, cancellable);
  if (self->statuses == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_settings_statement_new ());
  g_ptr_array_add (statements, tg_catalog_providers_statement_new ());
  g_ptr_array_add (statements, tg_catalog_scopes_statement_new ());
  g_ptr_array_add (statements, tg_settings_currencies_statement_new ());
  g_ptr_array_add (statements, tg_budget_status_statement_new (g_get_real_time ()));

  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (cancellable);
  tg_db_connection_query_batch_async (self->connection, statements, cancellable, on_loaded, load);
}

static gboolean
queue_timeout_cb (gpointer user_data)
{
  TgBudgetsPage *self = user_data;

  self->queue_source_id = 0;
  tg_budgets_page_queue_refresh (self);

  return G_SOURCE_REMOVE;
}

/* Actions */

static TgBudgetStatus *
find_budget (TgBudgetsPage *self,
             gint64         id)
{
  for (guint i = 0; self->statuses != NULL && i < self->statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (self->statuses, i);

      if (status->budget != NULL && status->budget->id == id)
        return status;
    }

  return NULL;
}

static void
on_dialog_saved (TgBudgetsPage *self,
                 gint64         id,
                 gboolean       created)
{
  tg_toast_show (GTK_WIDGET (self), created ? _("Budget created") : _("Budget saved"));
  tg_budgets_page_refresh (self);
}

static void
open_dialog (TgBudgetsPage *self,
             TgBudget      *budget)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  TgBudgetDialog *dialog;

  dialog = tg_budget_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 self->connection, self->providers, self->scopes,
                                 (const char * const *)self->currencies,
                                 self->reporting_currency, self->budgets, budget);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_dialog_saved), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_dialog (TG_BUDGETS_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (widget);
  TgBudgetStatus *status = find_budget (self, g_variant_get_int64 (parameter));

  if (status != NULL)
    open_dialog (self, status->budget);
}

typedef struct
{
  GWeakRef  self;
  gint64    id;
  char     *title;
} Delete;

static void
delete_free (Delete *delete)
{
  g_weak_ref_clear (&delete->self);
  g_free (delete->title);
  g_free (delete);
}

static void
on_deleted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Delete *delete = user_data;
  g_autoptr(TgBudgetsPage) self = g_weak_ref_get (&delete->self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean deleted = FALSE;

  if (!tg_budget_delete_finish (TG_DB_CONNECTION (object), result, &deleted, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* TRANSLATORS: the first %s is a budget's scope, "Provider: HERE", the second the
         * database's reason */
        message = g_strdup_printf (_("Could not delete the budget of %s: %s"), delete->title,
                                   error->message);
    }
  else if (self != NULL)
    {
      /* TRANSLATORS: %s is a budget's scope, "Provider: HERE" */
      message = g_strdup_printf (_("Deleted the budget of %s"), delete->title);
      tg_budgets_page_refresh (self);
    }

  if (message != NULL)
    tg_toast_show (GTK_WIDGET (self), message);
  delete_free (delete);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  Delete *delete = user_data;
  g_autoptr(TgBudgetsPage) self = g_weak_ref_get (&delete->self);

  if (self == NULL || self->connection == NULL || g_strcmp0 (response, "delete") != 0)
    {
      delete_free (delete);
      return;
    }

  tg_budget_delete_async (self->connection, delete->id, self->change_cancellable, on_deleted,
                          delete);
}

/* Asks first: a budget's thresholds go with it. */
static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  TgBudgetStatus *status = find_budget (self, id);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = NULL;
  Delete *delete;
  GtkWidget *dialog;

  if (status == NULL)
    return;

  delete = g_new0 (Delete, 1);
  g_weak_ref_init (&delete->self, self);
  delete->id = id;
  delete->title = card_title (self, status);

  /* TRANSLATORS: %s is a budget's scope, "Provider: HERE" */
  body = g_strdup_printf (_("The budget of %s and its thresholds will be deleted for everyone. "
                            "The alerts it raised stay in the Alerts list."), delete->title);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete the Budget?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), delete);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tg_budgets_page_refresh (TG_BUDGETS_PAGE (widget));
}

/* GObject */

static void
tg_budgets_page_map (GtkWidget *widget)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (widget);

  GTK_WIDGET_CLASS (tg_budgets_page_parent_class)->map (widget);

  if (self->load_pending || (self->statuses == NULL && self->load_cancellable == NULL))
    start_load (self);
}

static void
tg_budgets_page_dispose (GObject *object)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (object);

  set_load_cancellable (self, NULL);
  g_cancellable_cancel (self->change_cancellable);
  g_clear_handle_id (&self->queue_source_id, g_source_remove);
  g_clear_object (&self->connection);

  /* The stack is the bin's child and a template child: the bin lets go of it first, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_BUDGETS_PAGE);

  g_clear_pointer (&self->cards, g_hash_table_unref);

  G_OBJECT_CLASS (tg_budgets_page_parent_class)->dispose (object);
}

static void
tg_budgets_page_finalize (GObject *object)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (object);

  g_clear_object (&self->change_cancellable);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  g_clear_pointer (&self->budgets, g_ptr_array_unref);
  g_clear_pointer (&self->currencies, g_strfreev);
  g_clear_pointer (&self->reporting_currency, g_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);

  G_OBJECT_CLASS (tg_budgets_page_parent_class)->finalize (object);
}

static void
tg_budgets_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_ROLES:
      g_value_set_flags (value, self->roles);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->load_cancellable != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_budgets_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TgBudgetsPage *self = TG_BUDGETS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_budgets_page_set_connection (self, g_value_get_object (value));
      break;

    case PROP_ROLES:
      tg_budgets_page_set_roles (self, g_value_get_flags (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_budgets_page_class_init (TgBudgetsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_budgets_page_dispose;
  object_class->finalize = tg_budgets_page_finalize;
  object_class->get_property = tg_budgets_page_get_property;
  object_class->set_property = tg_budgets_page_set_property;

  widget_class->map = tg_budgets_page_map;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgBudgetsPage:roles:
   *
   * The session user's Tollgate roles: New, Edit and Delete need finance or admin.
   */
  properties[PROP_ROLES] =
    g_param_spec_flags ("roles", NULL, NULL,
                        TG_TYPE_ROLE_SET, TG_ROLE_SET_NONE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgBudgetsPage:ready:
   *
   * Whether the first load since the connection was set has answered, with figures or
   * an error.
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_BUDGET_CARD);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-budgets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, month_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, empty_new_button);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, no_budgets_label);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, budget_cards);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, quotas_heading);
  gtk_widget_class_bind_template_child (widget_class, TgBudgetsPage, quota_cards);

  gtk_widget_class_install_action (widget_class, "budgets.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "budgets.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "budgets.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "budgets.refresh", NULL, refresh_action);

  gtk_widget_class_set_css_name (widget_class, "budgetspage");
}

static void
tg_budgets_page_init (TgBudgetsPage *self)
{
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->change_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
tg_budgets_page_new (void)
{
  return g_object_new (TG_TYPE_BUDGETS_PAGE, NULL);
}

/**
 * tg_budgets_page_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection the page reads
 */
TgDbConnection *
tg_budgets_page_get_connection (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), NULL);

  return self->connection;
}

/**
 * tg_budgets_page_set_connection:
 * @connection: (nullable): the window's connection, or %NULL when its session ends
 *
 * Reads budgets from @connection from now on: at once when the page is shown, else when
 * it is. Without a connection the page forgets what it showed.
 */
void
tg_budgets_page_set_connection (TgBudgetsPage  *self,
                                TgDbConnection *connection)
{
  g_return_if_fail (TG_IS_BUDGETS_PAGE (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (self->connection == connection)
    return;

  set_load_cancellable (self, NULL);
  g_cancellable_cancel (self->change_cancellable);
  g_clear_object (&self->change_cancellable);
  self->change_cancellable = g_cancellable_new ();
  g_set_object (&self->connection, connection);

  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  g_clear_pointer (&self->budgets, g_ptr_array_unref);
  g_hash_table_remove_all (self->cards);
  remove_all (self->budget_cards);
  remove_all (self->quota_cards);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_ready (self, FALSE);
  update_actions (self);

  if (connection != NULL)
    start_load (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

TgRoleSet
tg_budgets_page_get_roles (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), TG_ROLE_SET_NONE);

  return self->roles;
}

void
tg_budgets_page_set_roles (TgBudgetsPage *self,
                           TgRoleSet      roles)
{
  g_return_if_fail (TG_IS_BUDGETS_PAGE (self));

  if (self->roles == roles)
    return;

  self->roles = roles;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
}

/**
 * tg_budgets_page_refresh:
 *
 * Reads the budgets again now (Refresh, a NOTIFY that they changed): a load under way is
 * replaced; while the page is hidden, it loads when it is shown.
 */
void
tg_budgets_page_refresh (TgBudgetsPage *self)
{
  g_return_if_fail (TG_IS_BUDGETS_PAGE (self));

  start_load (self);
}

/**
 * tg_budgets_page_queue_refresh:
 *
 * Reloads soon, for new usage: at most every QUEUE_INTERVAL_S seconds, never instead of
 * a load under way, and only while the page is on screen.
 */
void
tg_budgets_page_queue_refresh (TgBudgetsPage *self)
{
  gint64 since_last;

  g_return_if_fail (TG_IS_BUDGETS_PAGE (self));

  if (self->connection == NULL || self->queue_source_id != 0 || self->load_cancellable != NULL)
    return;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_pending = self->statuses != NULL;
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
tg_budgets_page_get_ready (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), FALSE);

  return self->ready;
}

gboolean
tg_budgets_page_get_loading (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), FALSE);

  return self->load_cancellable != NULL;
}

/**
 * tg_budgets_page_get_zone:
 *
 * Returns: (transfer none) (nullable): the billing time zone of the last load
 */
GTimeZone *
tg_budgets_page_get_zone (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), NULL);

  return self->zone;
}

guint
tg_budgets_page_get_n_cards (TgBudgetsPage *self)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), 0);

  return g_hash_table_size (self->cards);
}

/**
 * tg_budgets_page_get_card:
 * @scope: a budget's scope ("overall", "provider:here"), or "quota:SLUG"
 *
 * Returns: (transfer none) (nullable): its card
 */
TgBudgetCard *
tg_budgets_page_get_card (TgBudgetsPage *self,
                          const char    *scope)
{
  g_return_val_if_fail (TG_IS_BUDGETS_PAGE (self), NULL);

  return g_hash_table_lookup (self->cards, scope);
}
