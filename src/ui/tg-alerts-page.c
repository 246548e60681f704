/* tg-alerts-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Alerts page of the main window's view stack (issue 11): the alerts that
 * tollgate.evaluate_alerts() raised from budgets, forecasts, quotas and usage anomalies,
 * newest first, filtered by state (open by default) and kind, each with Acknowledge,
 * Mute (an hour, a day, or until unmuted) and Unmute (tg-alert-row.c).
 *
 * Loading: one pipelined batch on the window's connection, the latest winning: the
 * provider catalogue and the features and cost centres (to name scopes in words), and
 * the listing (tg_alert_list_statement_new(), at most MAX_ALERTS). It loads while the
 * page is on screen (a hidden page loads when it is shown): when the connection is set,
 * when a filter changes, on Refresh, and at once when the worker hands over a NOTIFY of
 * tollgate_alerts: an alert raised or changed here or by anyone.
 *
 * Changes are one statement each on the window's connection; the server says who may
 * (finance, ops and admin) and the page only disables the buttons of those who may not.
 * The NOTIFY a change causes reloads this page, the sidebar, and every other Tollgate.
 *
 * The sidebar's recent alerts open this page with their alert selected
 * (tg_alerts_page_select_alert()): when the filters hide it, they are widened first.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-alerts-page.h"
#include "tg-toast.h"
#include "tg-catalog-queries.h"
#include "tg-scope-title.h"

#define MAX_ALERTS 500

/* Who may acknowledge, mute and unmute (the alerts migration): finance and ops, and so
 * admin, a member of both. */
#define CHANGE_ROLES (TG_ROLE_SET_FINANCE | TG_ROLE_SET_OPS)

enum {
  RESULT_PROVIDERS,
  RESULT_SCOPES,
  RESULT_ALERTS,
  N_RESULTS
};

struct _TgAlertsPage
{
  AdwBin           parent_instance;

  /* template widgets */
  GtkMenuButton   *state_button;
  GtkMenuButton   *kind_button;
  GtkLabel        *count_label;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  AdwStatusPage   *empty_page;
  GtkListBox      *list;

  /* owned */
  TgDbConnection  *connection;
  GCancellable    *load_cancellable;
  GCancellable    *change_cancellable;
  GPtrArray       *providers;
  GPtrArray       *scopes;
  GPtrArray       *alerts;       /* (element-type TgAlert): the listing shown */
  char            *state;        /* open, acknowledged, muted, recovered, all */
  char            *kind;         /* all, or a kind */

  gint64           selected_id;  /* 0: none */
  TgRoleSet        roles;
  guint            ready : 1;
  guint            rebuilding : 1;      /* rows are being replaced: selections are ours */
  guint            load_pending : 1;    /* asked while hidden */
  guint            select_pending : 1;  /* the selected alert is awaited in a listing */
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ROLES,
  PROP_STATE,
  PROP_KIND,
  PROP_READY,
  PROP_LOADING,
  PROP_SELECTED_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgAlertsPage, tg_alerts_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void start_load (TgAlertsPage *self);

static const struct
{
  const char    *name;
  TgAlertStates  states;
  const char    *label;
} state_filters[] = {
  { "open", TG_ALERT_STATES_OPEN, N_("Open") },
  { "acknowledged", TG_ALERT_STATES_ACKNOWLEDGED, N_("Acknowledged") },
  { "muted", TG_ALERT_STATES_MUTED, N_("Muted") },
  { "recovered", TG_ALERT_STATES_RECOVERED, N_("Recovered") },
  { "all", TG_ALERT_STATES_ALL, N_("All States") },
};

static guint
state_filter_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_filters); i++)
    if (g_strcmp0 (state_filters[i].name, name) == 0)
      return i;

  return 0;
}

static void
set_ready (TgAlertsPage *self,
           gboolean      ready)
{
  if (self->ready == !!ready)
    return;

  self->ready = !!ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
set_load_cancellable (TgAlertsPage *self,
                      GCancellable *cancellable)
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
update_actions (TgAlertsPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean may_change = self->connection != NULL && (self->roles & CHANGE_ROLES) != 0;

  gtk_widget_action_set_enabled (widget, "alerts.refresh", self->connection != NULL);
  gtk_widget_action_set_enabled (widget, "alerts.acknowledge", may_change);
  gtk_widget_action_set_enabled (widget, "alerts.mute", may_change);
  gtk_widget_action_set_enabled (widget, "alerts.unmute", may_change);
}

static void
update_filter_buttons (TgAlertsPage *self)
{
  const char *kind = g_strcmp0 (self->kind, "all") == 0 ? _("All Kinds")
                                                        : tg_alert_kind_get_title (self->kind);

  gtk_menu_button_set_label (self->state_button,
                             _(state_filters[state_filter_index (self->state)].label));
  gtk_menu_button_set_label (self->kind_button, kind);
}

static TgAlertRow *
find_row (TgAlertsPage *self,
          gint64        id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (TG_IS_ALERT_ROW (child) && tg_alert_row_get_alert (TG_ALERT_ROW (child))->id == id)
        return TG_ALERT_ROW (child);
    }

  return NULL;
}

/* The selected alert's row, selected and focused, so that it is scrolled into view. */
static void
show_selected (TgAlertsPage *self)
{
  TgAlertRow *row = self->selected_id != 0 ? find_row (self, self->selected_id) : NULL;

  self->rebuilding = TRUE;
  if (row == NULL)
    gtk_list_box_unselect_all (self->list);
  else
    {
      gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  self->rebuilding = FALSE;
}

/* The listing's rows: a row that stays is updated in place, so that its selection and
 * focus survive the reloads every NOTIFY brings. */
static void
show_alerts (TgAlertsPage *self)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *count = NULL;
  GtkWidget *child;

  for (guint i = 0; i < self->alerts->len; i++)
    {
      TgAlert *alert = g_ptr_array_index (self->alerts, i);

      g_hash_table_add (wanted, &alert->id);
    }

  self->rebuilding = TRUE;

  /* Rows of alerts no longer listed go. */
  child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (!TG_IS_ALERT_ROW (child) ||
          !g_hash_table_contains (wanted, &tg_alert_row_get_alert (TG_ALERT_ROW (child))->id))
        gtk_list_box_remove (self->list, child);
      child = next;
    }

  /* The others in the listing's order, each at its place. */
  for (guint i = 0; i < self->alerts->len; i++)
    {
      TgAlert *alert = g_ptr_array_index (self->alerts, i);
      g_autofree char *scope = tg_scope_dup_title (alert->scope, self->providers, self->scopes);
      GtkListBoxRow *at = gtk_list_box_get_row_at_index (self->list, i);
      TgAlertRow *row = find_row (self, alert->id);

      if (row != NULL && GTK_LIST_BOX_ROW (row) != at)
        {
          g_object_ref (row);
          gtk_list_box_remove (self->list, GTK_WIDGET (row));
          gtk_list_box_insert (self->list, GTK_WIDGET (row), i);
          g_object_unref (row);
        }
      else if (row == NULL)
        {
          row = TG_ALERT_ROW (tg_alert_row_new ());
          tg_alert_row_set_alert (row, alert, scope);
          gtk_list_box_insert (self->list, GTK_WIDGET (row), i);
        }
      tg_alert_row_set_alert (row, alert, scope);
    }

  self->rebuilding = FALSE;

  if (self->alerts->len >= MAX_ALERTS)
    /* TRANSLATORS: %u is a number of alerts */
    count = g_strdup_printf (_("The newest %u"), self->alerts->len);
  else
    count = g_strdup_printf (ngettext ("%u alert", "%u alerts", self->alerts->len),
                             self->alerts->len);
  gtk_label_set_text (self->count_label, self->alerts->len > 0 ? count : "");

  if (self->alerts->len == 0)
    {
      gboolean open_only = g_strcmp0 (self->state, "open") == 0;

      adw_status_page_set_title (self->empty_page, open_only ? _("No Open Alerts") : _("No Alerts"));
      adw_status_page_set_description (self->empty_page,
                                       open_only ? _("Budgets, quotas and usage are within their "
                                                     "limits. New alerts appear here and in the "
                                                     "sidebar as they are raised.")
                                                 : _("No alert matches these filters."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "list");

  show_selected (self);
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
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgAlertsPage) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  set_load_cancellable (self, NULL);

  if (results != NULL)
    providers = tg_catalog_providers_parse_result (g_ptr_array_index (results, RESULT_PROVIDERS),
                                                   &error);
  if (providers != NULL)
    scopes = tg_catalog_scopes_parse_result (g_ptr_array_index (results, RESULT_SCOPES), &error);
  if (scopes != NULL)
    alerts = tg_alert_list_parse_result (g_ptr_array_index (results, RESULT_ALERTS), &error);

  if (alerts == NULL)
    {
      g_debug ("Loading the alerts failed: %s", error->message);
      if (self->alerts == NULL)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      else
        {
          /* TRANSLATORS: %s is the database's reason */
          g_autofree char *title = g_strdup_printf (_("Could not read the alerts: %s"),
                                                    error->message);

          tg_toast_show (GTK_WIDGET (self), title);
        }
      set_ready (self, TRUE);
      return;
    }

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  self->providers = g_steal_pointer (&providers);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  self->scopes = g_steal_pointer (&scopes);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  self->alerts = g_steal_pointer (&alerts);

  show_alerts (self);
  set_ready (self, TRUE);

  /* An alert to select that this listing lacks: the filters hide it. */
  if (self->select_pending)
    {
      self->select_pending = FALSE;
      if (find_row (self, self->selected_id) == NULL &&
          (g_strcmp0 (self->state, "all") != 0 || g_strcmp0 (self->kind, "all") != 0))
        {
          g_object_freeze_notify (G_OBJECT (self));
          g_object_set (self, "state", "all", "kind", "all", NULL);
          g_object_thaw_notify (G_OBJECT (self));
        }
    }
}

static void
start_load (TgAlertsPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  const char *kind;
  Load *load;

  if (self->connection == NULL)
    return;

  /* Hidden, it loads when shown: the window's connection has other pages to answer. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_pending = TRUE;
      return;
    }
  self->load_pending = FALSE;

  cancellable = g_cancellable_new ();
  set_load_cancellable (self, cancellable);
  if (self->alerts == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  kind = g_strcmp0 (self->kind, "all") == 0 ? NULL : self->kind;
  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_catalog_providers_statement_new ());
  g_ptr_array_add (statements, tg_catalog_scopes_statement_new ());
  g_ptr_array_add (statements,
                   tg_alert_list_statement_new (state_filters[state_filter_index (self->state)].states,
                                                kind, 0, MAX_ALERTS));

  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (cancellable);
  tg_db_connection_query_batch_async (self->connection, statements, cancellable, on_loaded, load);
}

/* Changes */

typedef enum
{
  CHANGE_ACKNOWLEDGE,
  CHANGE_MUTE,
  CHANGE_UNMUTE,
} ChangeKind;

typedef struct
{
  GWeakRef   self;
  ChangeKind kind;
} Change;

static void
on_changed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Change *change = user_data;
  g_autoptr(TgAlertsPage) self = g_weak_ref_get (&change->self);
  g_autoptr(GError) error = NULL;
  ChangeKind kind = change->kind;
  gboolean done;

  g_weak_ref_clear (&change->self);
  g_free (change);

  switch (kind)
    {
    case CHANGE_ACKNOWLEDGE:
      done = tg_alert_acknowledge_finish (TG_DB_CONNECTION (object), result, &error);
      break;
    case CHANGE_MUTE:
      done = tg_alert_mute_finish (TG_DB_CONNECTION (object), result, &error);
      break;
    case CHANGE_UNMUTE:
    default:
      done = tg_alert_unmute_finish (TG_DB_CONNECTION (object), result, &error);
      break;
    }

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!done)
    {
      /* TRANSLATORS: %s is the database's reason */
      g_autofree char *title = g_strdup_printf (_("Could not change the alert: %s"),
                                                error->message);

      tg_toast_show (GTK_WIDGET (self), title);
    }

  /* The NOTIFY of the change reloads too; this one does not wait for it. */
  start_load (self);
}

static Change *
change_new (TgAlertsPage *self,
            ChangeKind    kind)
{
  Change *change = g_new0 (Change, 1);

  g_weak_ref_init (&change->self, self);
  change->kind = kind;
  return change;
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (widget);

  if (self->connection == NULL)
    return;

  tg_alert_acknowledge_async (self->connection, g_variant_get_int64 (parameter),
                              self->change_cancellable, on_changed,
                              change_new (self, CHANGE_ACKNOWLEDGE));
}

/* (id, seconds): muted for that long from now, or until unmuted for 0. */
static void
mute_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (widget);
  gint64 id;
  gint64 seconds;
  gint64 until;

  if (self->connection == NULL)
    return;

  g_variant_get (parameter, "(xx)", &id, &seconds);
  until = seconds > 0 ? g_get_real_time () + seconds * G_USEC_PER_SEC : TG_ALERT_TIME_NEVER;
  tg_alert_mute_async (self->connection, id, until, self->change_cancellable, on_changed,
                       change_new (self, CHANGE_MUTE));
}

static void
unmute_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (widget);

  if (self->connection == NULL)
    return;

  tg_alert_unmute_async (self->connection, g_variant_get_int64 (parameter),
                         self->change_cancellable, on_changed, change_new (self, CHANGE_UNMUTE));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tg_alerts_page_refresh (TG_ALERTS_PAGE (widget));
}

/* Someone selected a row (or none): that is the selected alert now. */
static void
on_row_selected (TgAlertsPage  *self,
                 GtkListBoxRow *row)
{
  gint64 id = TG_IS_ALERT_ROW (row) ? tg_alert_row_get_alert (TG_ALERT_ROW (row))->id : 0;

  if (self->rebuilding || self->selected_id == id)
    return;

  self->selected_id = id;
  self->select_pending = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ID]);
}

/* GObject */

static void
set_filter (TgAlertsPage  *self,
            char         **field,
            const char    *value,
            GParamSpec    *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  update_filter_buttons (self);
  start_load (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
tg_alerts_page_map (GtkWidget *widget)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (widget);

  GTK_WIDGET_CLASS (tg_alerts_page_parent_class)->map (widget);

  if (self->load_pending || (self->alerts == NULL && self->load_cancellable == NULL))
    start_load (self);
}

static void
tg_alerts_page_dispose (GObject *object)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (object);

  set_load_cancellable (self, NULL);
  g_cancellable_cancel (self->change_cancellable);
  g_clear_object (&self->connection);

  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_ALERTS_PAGE);

  G_OBJECT_CLASS (tg_alerts_page_parent_class)->dispose (object);
}

static void
tg_alerts_page_finalize (GObject *object)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (object);

  g_clear_object (&self->change_cancellable);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->kind, g_free);

  G_OBJECT_CLASS (tg_alerts_page_parent_class)->finalize (object);
}

static void
tg_alerts_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_ROLES:
      g_value_set_flags (value, self->roles);
      break;

    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->load_cancellable != NULL);
      break;

    case PROP_SELECTED_ID:
      g_value_set_int64 (value, self->selected_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_alerts_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TgAlertsPage *self = TG_ALERTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_alerts_page_set_connection (self, g_value_get_object (value));
      break;

    case PROP_ROLES:
      tg_alerts_page_set_roles (self, g_value_get_flags (value));
      break;

    case PROP_STATE:
      {
        const char *state = g_value_get_string (value);

        /* Only the filters there are: an unknown one from a menu or a setting is "open". */
        set_filter (self, &self->state, state_filters[state_filter_index (state)].name, pspec);
      }
      break;

    case PROP_KIND:
      {
        const char *kind = g_value_get_string (value);

        set_filter (self, &self->kind,
                    kind != NULL && (g_str_equal (kind, "all") || tg_alert_kind_is_valid (kind))
                    ? kind : "all",
                    pspec);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_alerts_page_class_init (TgAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_alerts_page_dispose;
  object_class->finalize = tg_alerts_page_finalize;
  object_class->get_property = tg_alerts_page_get_property;
  object_class->set_property = tg_alerts_page_set_property;

  widget_class->map = tg_alerts_page_map;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertsPage:roles:
   *
   * The session user's Tollgate roles: acknowledging and muting need finance, ops or admin.
   */
  properties[PROP_ROLES] =
    g_param_spec_flags ("roles", NULL, NULL,
                        TG_TYPE_ROLE_SET, TG_ROLE_SET_NONE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertsPage:state:
   *
   * Which alerts are listed by state: "open", "acknowledged", "muted", "recovered" or
   * "all".
   */
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL,
                         "open",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertsPage:kind:
   *
   * Which alerts are listed by kind: "all", or one kind ("budget", "provider_errors" …).
   */
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL,
                         "all",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertsPage:selected-id:
   *
   * The id of the alert selected, 0 for none.
   */
  properties[PROP_SELECTED_ID] =
    g_param_spec_int64 ("selected-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TG_TYPE_ALERT_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-alerts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, state_button);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, kind_button);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TgAlertsPage, list);

  gtk_widget_class_install_property_action (widget_class, "alerts.state", "state");
  gtk_widget_class_install_property_action (widget_class, "alerts.kind", "kind");
  gtk_widget_class_install_action (widget_class, "alerts.acknowledge", "x", acknowledge_action);
  gtk_widget_class_install_action (widget_class, "alerts.mute", "(xx)", mute_action);
  gtk_widget_class_install_action (widget_class, "alerts.unmute", "x", unmute_action);
  gtk_widget_class_install_action (widget_class, "alerts.refresh", NULL, refresh_action);

  gtk_widget_class_set_css_name (widget_class, "alertspage");
}

static void
tg_alerts_page_init (TgAlertsPage *self)
{
  self->state = g_strdup ("open");
  self->kind = g_strdup ("all");
  self->change_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->list, "row-selected", G_CALLBACK (on_row_selected), self,
                           G_CONNECT_SWAPPED);
  update_filter_buttons (self);
  update_actions (self);
}

GtkWidget *
tg_alerts_page_new (void)
{
  return g_object_new (TG_TYPE_ALERTS_PAGE, NULL);
}

/**
 * tg_alerts_page_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection the page reads
 */
TgDbConnection *
tg_alerts_page_get_connection (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), NULL);

  return self->connection;
}

/**
 * tg_alerts_page_set_connection:
 * @connection: (nullable): the window's connection, or %NULL when its session ends
 */
void
tg_alerts_page_set_connection (TgAlertsPage   *self,
                               TgDbConnection *connection)
{
  GtkWidget *child;

  g_return_if_fail (TG_IS_ALERTS_PAGE (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (self->connection == connection)
    return;

  set_load_cancellable (self, NULL);
  g_cancellable_cancel (self->change_cancellable);
  g_clear_object (&self->change_cancellable);
  self->change_cancellable = g_cancellable_new ();
  g_set_object (&self->connection, connection);

  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  gtk_label_set_text (self->count_label, "");
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_ready (self, FALSE);
  update_actions (self);

  start_load (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

TgRoleSet
tg_alerts_page_get_roles (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), TG_ROLE_SET_NONE);

  return self->roles;
}

void
tg_alerts_page_set_roles (TgAlertsPage *self,
                          TgRoleSet     roles)
{
  g_return_if_fail (TG_IS_ALERTS_PAGE (self));

  if (self->roles == roles)
    return;

  self->roles = roles;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
}

/**
 * tg_alerts_page_refresh:
 *
 * Reads the alerts again now (Refresh, a NOTIFY of tollgate_alerts): a load under way
 * is replaced.
 */
void
tg_alerts_page_refresh (TgAlertsPage *self)
{
  g_return_if_fail (TG_IS_ALERTS_PAGE (self));

  start_load (self);
}

gboolean
tg_alerts_page_get_ready (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), FALSE);

  return self->ready;
}

gboolean
tg_alerts_page_get_loading (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), FALSE);

  return self->load_cancellable != NULL;
}

guint
tg_alerts_page_get_n_alerts (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), 0);

  return self->alerts != NULL ? self->alerts->len : 0;
}

/**
 * tg_alerts_page_get_row:
 *
 * Returns: (transfer none) (nullable): the row of alert @id, if it is listed
 */
TgAlertRow *
tg_alerts_page_get_row (TgAlertsPage *self,
                        gint64        id)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), NULL);

  return find_row (self, id);
}

/**
 * tg_alerts_page_select_alert:
 * @id: an alert's id
 *
 * Selects alert @id (the sidebar's recent alerts): at once when it is listed; otherwise
 * once a new listing holds it, the filters widened to every state and kind if they hide
 * it.
 */
void
tg_alerts_page_select_alert (TgAlertsPage *self,
                             gint64        id)
{
  g_return_if_fail (TG_IS_ALERTS_PAGE (self));

  if (self->selected_id != id)
    {
      self->selected_id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ID]);
    }

  if (find_row (self, id) != NULL)
    {
      self->select_pending = FALSE;
      show_selected (self);
      return;
    }

  /* Not listed: it may be newer than the listing, or filtered out. A new listing tells;
   * if it lacks the alert too, the filters are widened (on_loaded()). */
  self->select_pending = TRUE;
  start_load (self);
}

gint64
tg_alerts_page_get_selected_id (TgAlertsPage *self)
{
  g_return_val_if_fail (TG_IS_ALERTS_PAGE (self), 0);

  return self->selected_id;
}
