/* test-budgets-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Budgets and Alerts pages, the sidebar's recent alerts and desktop notifications, on
 * a real database, a real display (Xvfb) and a real session bus inside
 * tools/with-services: a budget made in the panel's dialog (its widgets driven as a person
 * would), usage arriving until the month's spend passes a threshold, the window's worker
 * evaluating, the alert in the sidebar and announced once on the desktop, acknowledged
 * from the Alerts list and so in the database; editing and deleting; a refusal by the
 * database; and every open window seeing another session's change.
 *
 * The desktop is played by a notification server on the session bus
 * (org.freedesktop.Notifications, the interface GLib's GNotification speaks when there
 * is no portal), in this process but on a connection of its own, as a desktop's would
 * be: what it receives is what the application sent. Waits iterate the main loop until
 * a condition holds; nothing measures time.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tg-alert-queries.h"
#include "tg-alert-row.h"
#include "tg-alerts-page.h"
#include "tg-application.h"
#include "tg-budget-card.h"
#include "tg-budget-dialog.h"
#include "tg-budget-queries.h"
#include "tg-budgets-page.h"
#include "tg-money.h"
#include "tg-secret-store.h"
#include "tg-test-http.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-window.h"

static gboolean have_display;
static TgApplication *app;

/* --- a notification server ------------------------------------------------------------ */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' name='app_name' direction='in'/>"
  "      <arg type='u' name='replaces_id' direction='in'/>"
  "      <arg type='s' name='app_icon' direction='in'/>"
  "      <arg type='s' name='summary' direction='in'/>"
  "      <arg type='s' name='body' direction='in'/>"
  "      <arg type='as' name='actions' direction='in'/>"
  "      <arg type='a{sv}' name='hints' direction='in'/>"
  "      <arg type='i' name='expire_timeout' direction='in'/>"
  "      <arg type='u' name='id' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'>"
  "      <arg type='u' name='id' direction='in'/>"
  "    </method>"
  "    <method name='GetCapabilities'>"
  "      <arg type='as' name='capabilities' direction='out'/>"
  "    </method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' name='name' direction='out'/>"
  "      <arg type='s' name='vendor' direction='out'/>"
  "      <arg type='s' name='version' direction='out'/>"
  "      <arg type='s' name='spec_version' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *connection;
  guint            registration_id;
  guint            owner_id;
  gboolean         owned;
  GPtrArray       *summaries;   /* what each Notify showed: "summary\nbody" */
} NotificationServer;

static NotificationServer server;

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;
      const char *body = NULL;

      g_variant_get (parameters, "(&su&s&s&s@as@a{sv}i)", NULL, NULL, NULL, &summary, &body,
                     NULL, NULL, NULL);
      g_ptr_array_add (server.summaries, g_strdup_printf ("%s\n%s", summary, body));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", server.summaries->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", capabilities));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "tollgate-test", "Tollgate",
                                                          "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  server.owned = TRUE;
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  server.owned = FALSE;
}

/* Whether the server runs: there is a session bus (tools/with-services gives one). */
static gboolean
server_start (void)
{
  static const GDBusInterfaceVTable vtable = { server_method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  server.summaries = g_ptr_array_new_with_free_func (g_free);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (address == NULL)
    return FALSE;

  server.connection = g_dbus_connection_new_for_address_sync (address,
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  server.registration_id =
    g_dbus_connection_register_object (server.connection, "/org/freedesktop/Notifications",
                                       info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  server.owner_id = g_bus_own_name_on_connection (server.connection,
                                                  "org.freedesktop.Notifications",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE,
                                                  on_name_acquired, on_name_lost, NULL, NULL);
  TG_TEST_ITERATE_UNTIL (server.owned);

  return TRUE;
}

static void
server_stop (void)
{
  if (server.connection != NULL)
    {
      g_bus_unown_name (server.owner_id);
      g_dbus_connection_unregister_object (server.connection, server.registration_id);
      g_dbus_connection_close_sync (server.connection, NULL, NULL);
      g_clear_object (&server.connection);
    }
  g_clear_pointer (&server.summaries, g_ptr_array_unref);
}

/* How many notifications the desktop has shown whose text holds @needle. */
static guint
server_count (const char *needle)
{
  guint count = 0;

  for (guint i = 0; server.summaries != NULL && i < server.summaries->len; i++)
    count += strstr (g_ptr_array_index (server.summaries, i), needle) != NULL;

  return count;
}

/* --- windows and widgets -------------------------------------------------------------- */

static TgWindow *
open_window (const char *conninfo)
{
  TgWindow *window = g_object_ref (tg_application_open_window (app, conninfo));

  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);

  return window;
}

static GtkWindow *
find_toplevel (GType type)
{
  GtkWindow *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static void
close_toplevels (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  tg_test_ui_drain ();
}

static void
close_window (TgWindow *window)
{
  close_toplevels (TG_TYPE_BUDGET_DIALOG);
  close_toplevels (ADW_TYPE_MESSAGE_DIALOG);
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
}

static TgBudgetsPage *
show_budgets (TgWindow *window)
{
  TgBudgetsPage *page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_BUDGETS_PAGE);

  g_assert_nonnull (page);
  /* Ctrl+3, as the Keyboard Shortcuts window lists it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page-number", "i", 3));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (page)));
  TG_TEST_ITERATE_UNTIL (tg_budgets_page_get_ready (page) && !tg_budgets_page_get_loading (page));

  return page;
}

/* The preferences row titled @title (mnemonics and all) under @widget. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first visible widget under @widget that activates @action_name. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;

  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
select_string (AdwComboRow *row,
               const char  *wanted)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), wanted) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }

  g_error ("“%s” is not among the choices", wanted);
}

/* The budget dialog opened by New Budget… (the button on the page). */
static TgBudgetDialog *
open_new_budget (TgBudgetsPage *page)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (page), "budgets.new");
  TgBudgetDialog *dialog;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_null (find_toplevel (TG_TYPE_BUDGET_DIALOG));
  gtk_widget_activate (button);
  TG_TEST_ITERATE_UNTIL ((dialog = (TgBudgetDialog *)find_toplevel (TG_TYPE_BUDGET_DIALOG)) != NULL);
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)));

  return dialog;
}

static const char *
error_text (GtkWidget *row)
{
  /* The group's message is the label after the group's list of rows. */
  GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  g_autofree char *text = tg_test_ui_text (group, TRUE);
  static char buffer[1024];

  g_strlcpy (buffer, text, sizeof buffer);
  return buffer;
}

static void
save_dialog (TgBudgetDialog *dialog)
{
  GtkWidget *save = find_actionable (GTK_WIDGET (dialog), "budget.save");

  g_assert_nonnull (save);
  g_assert_true (gtk_widget_is_sensitive (save));
  gtk_widget_activate (save);
}

/* The button labelled @label under @widget. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Whether @sql answers true now: for waits that iterate the main loop meanwhile. */
static gboolean
db_holds (TgTestDb   *db,
          const char *sql)
{
  g_autofree char *answer = tg_test_db_scalar (db, sql);

  return g_strcmp0 (answer, "t") == 0;
}

static gint64
budget_count (TgTestDb *db)
{
  return tg_test_db_scalar_int (db, "SELECT count(*) FROM tollgate.budgets");
}

/* Usage of this month costing @aud: Geoscape credits at 0.10 AUD each. */
static void
insert_spend (TgTestDb *db,
              guint     aud)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO tollgate.api_usage_tracking "
                                          "  (api_provider, api_endpoint, request_type, call_count, "
                                          "   credit_cost, response_status) "
                                          "VALUES ('geoscape', '/v1/addresses', 'validate', 1, %u, 200)",
                                          aud * 10);

  tg_test_db_exec (db, sql);
}

static GtkWidget *
find_with_class (GtkWidget  *widget,
                 const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_class (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The sidebar's Recent Alerts. */
static GtkListBox *
recent_alerts (TgWindow *window)
{
  GtkWidget *list = find_with_class (GTK_WIDGET (window), "recent-alerts");

  g_assert_true (GTK_IS_LIST_BOX (list));
  return GTK_LIST_BOX (list);
}

static guint
n_recent_alerts (TgWindow *window)
{
  GtkListBox *list = recent_alerts (window);
  guint n = 0;

  if (!gtk_widget_get_visible (GTK_WIDGET (list)))
    return 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);

  return n;
}

/* --- tests ---------------------------------------------------------------------------- */

/* Each new widget is made and finalized on its own: a broken template fails here. */
static void
test_composites (void)
{
  GType types[4];

  if (!tg_test_ui_require_display (have_display))
    return;

  types[0] = TG_TYPE_BUDGETS_PAGE;
  types[1] = TG_TYPE_BUDGET_CARD;
  types[2] = TG_TYPE_ALERTS_PAGE;
  types[3] = TG_TYPE_ALERT_ROW;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *widget = g_object_ref_sink (g_object_new (types[i], NULL));

      g_assert_finalize_object (widget);
    }

  {
    g_autoptr(TgDbConnection) connection = tg_db_connection_new ("dbname=nowhere");
    const char *currencies[] = { "AUD", "USD", NULL };
    TgBudgetDialog *dialog = tg_budget_dialog_new (NULL, connection, NULL, NULL, currencies,
                                                   "AUD", NULL, NULL);

    g_object_ref (dialog);
    g_assert_false (tg_budget_dialog_get_valid (dialog));
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_assert_finalize_object (dialog);
  }
}

/* The test: a budget made in the panel, usage crossing its 70 % threshold, the
 * worker's evaluation raising an alert that the sidebar lists and the desktop shows once,
 * and acknowledging it from the Alerts list.
 */
static void
test_budget_alert (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *alert_id_text = NULL;
  TgBudgetDialog *dialog;
  TgBudgetsPage *page;
  TgBudgetCard *card;
  TgAlertsPage *alerts_page;
  TgAlertRow *row;
  GtkWidget *amount;
  GtkWidget *thresholds;
  GtkWidget *acknowledge;
  TgWindow *window;
  guint notifications;
  gint64 alert_id;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  insert_spend (db, 50);
  window = open_window (db->conninfo);
  page = show_budgets (window);

  /* No budget yet: the empty state offers one. */
  g_assert_true (tg_test_ui_shows (page, "No Budgets"));
  g_assert_cmpuint (tg_budgets_page_get_n_cards (page), ==, 0);

  /* New Budget: overall, 100 AUD a month, the default thresholds. */
  dialog = open_new_budget (page);
  g_assert_true (tg_test_ui_shows (dialog, "New Budget"));
  amount = find_row (GTK_WIDGET (dialog), "_Monthly Amount");
  thresholds = find_row (GTK_WIDGET (dialog), "_Thresholds");
  g_assert_nonnull (amount);
  g_assert_nonnull (thresholds);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (thresholds)), ==, "70, 85, 95, 100");
  g_assert_false (tg_budget_dialog_get_valid (dialog));

  /* What is wrong is said where it is wrong, and Save waits for a budget that can be. */
  gtk_editable_set_text (GTK_EDITABLE (amount), "a hundred");
  g_assert_false (tg_budget_dialog_get_valid (dialog));
  g_assert_true (gtk_widget_has_css_class (amount, "error"));
  tg_test_ui_assert_text_contains (error_text (amount), "Write the amount as a number");
  g_assert_false (gtk_widget_is_sensitive (find_actionable (GTK_WIDGET (dialog), "budget.save")));
  gtk_editable_set_text (GTK_EDITABLE (amount), "100.001");
  tg_test_ui_assert_text_contains (error_text (amount), "AUD amounts have at most 2 decimals");
  gtk_editable_set_text (GTK_EDITABLE (thresholds), "70, 85, 70");
  tg_test_ui_assert_text_contains (error_text (thresholds), "given twice");
  gtk_editable_set_text (GTK_EDITABLE (thresholds), "70, 85, 95, 100");
  gtk_editable_set_text (GTK_EDITABLE (amount), "100");
  select_string (ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), "C_urrency")), "AUD");
  g_assert_true (tg_budget_dialog_get_valid (dialog));
  g_assert_false (gtk_widget_has_css_class (amount, "error"));

  g_object_ref (dialog);
  save_dialog (dialog);
  TG_TEST_ITERATE_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_finalize_object (dialog);
  g_assert_cmpint (budget_count (db), ==, 1);
  g_assert_cmpstr (tg_test_db_scalar (db, "SELECT scope || ' ' || amount::numeric(18,2) || ' ' || "
                                          "currency FROM tollgate.budgets"),
                   ==, "overall 100.00 AUD");

  /* The NOTIFY of the change shows the card: half spent, under every threshold. */
  TG_TEST_ITERATE_UNTIL ((card = tg_budgets_page_get_card (page, "overall")) != NULL);
  tg_test_ui_assert_text_contains (tg_budget_card_get_state_text (card), "Under every threshold: 50 %");
  g_assert_cmpstr (tg_budget_card_get_title (card), ==, "Overall");
  g_assert_cmpuint (n_recent_alerts (window), ==, 0);
  notifications = tg_application_get_n_notifications (app);

  /* Spend arrives: 75 AUD of 100. The worker rolls it up, evaluates, and the alert is
   * raised; the sidebar lists it and the desktop shows it, once. */
  insert_spend (db, 25);
  TG_TEST_ITERATE_UNTIL (n_recent_alerts (window) == 1);
  alert_id_text = tg_test_db_scalar (db, "SELECT alert_id FROM tollgate.alerts WHERE kind = 'budget' "
                                         "AND state = 'open'");
  alert_id = g_ascii_strtoll (alert_id_text, NULL, 10);
  g_assert_cmpint (alert_id, >, 0);
  TG_TEST_ITERATE_UNTIL (!tg_application_get_announcing (app) &&
                         tg_application_get_n_notifications (app) == notifications + 1);
  TG_TEST_ITERATE_UNTIL (server_count ("70") >= 1);
  g_assert_cmpuint (server.summaries->len, ==, notifications + 1);

  /* The card says which threshold is passed, since when and when it resets. */
  TG_TEST_ITERATE_UNTIL (strstr (tg_budget_card_get_state_text (card), "70 % threshold passed") != NULL);
  tg_test_ui_assert_text_contains (tg_budget_card_get_state_text (card), "$75.00 AUD of $100.00 AUD");
  tg_test_ui_assert_text_contains (tg_budget_card_get_state_text (card), "resets 1 ");

  /* The sidebar's alert opens the Alerts list with it selected. */
  {
    GtkWidget *sidebar_row = gtk_widget_get_first_child (GTK_WIDGET (recent_alerts (window)));

    gtk_widget_activate (sidebar_row);
  }
  alerts_page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_ALERTS_PAGE);
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (alerts_page)));
  TG_TEST_ITERATE_UNTIL ((row = tg_alerts_page_get_row (alerts_page, alert_id)) != NULL &&
                         !tg_alerts_page_get_loading (alerts_page));
  g_assert_cmpint (tg_alerts_page_get_selected_id (alerts_page), ==, alert_id);
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)));
  g_assert_cmpstr (tg_alert_row_get_state_text (row), ==, "Open");

  /* Acknowledge, as its button does: the database records it, and the sidebar empties. */
  acknowledge = find_actionable (GTK_WIDGET (row), "alerts.acknowledge");
  g_assert_nonnull (acknowledge);
  g_assert_true (gtk_widget_is_sensitive (acknowledge));
  gtk_widget_activate (acknowledge);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT state = 'acknowledged' AND acknowledged_by IS "
                                            "NOT NULL FROM tollgate.alerts WHERE alert_id = %"
                                            G_GINT64_FORMAT, alert_id);

    TG_TEST_ITERATE_UNTIL (db_holds (db, sql));
  }
  TG_TEST_ITERATE_UNTIL (n_recent_alerts (window) == 0);
  /* The open filter no longer lists it. */
  TG_TEST_ITERATE_UNTIL (tg_alerts_page_get_row (alerts_page, alert_id) == NULL &&
                         !tg_alerts_page_get_loading (alerts_page));
  g_assert_true (tg_test_ui_shows (alerts_page, "No Open Alerts"));

  /* Nothing was announced twice. */
  g_assert_cmpuint (tg_application_get_n_notifications (app), ==, notifications + 1);

  tg_test_ui_maybe_save_png (window, "alerts-page");
  close_window (window);
}

/* Two windows on one database, one process: the alert is announced once, on the desktop
 * and to the database's webhook (a loopback server, its URL in the test keyring).
 */
static void
test_two_windows (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TgTestHttp) webhook = tg_test_http_new ();
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autoptr(TgSecretKey) key = NULL;
  g_autofree char *url = NULL;
  const TgDatabaseCheck *check;
  TgWindow *first;
  TgWindow *second;
  guint notifications;
  guint shown;
  gint64 id = 0;
  gboolean created = FALSE;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  g_assert_true (tg_budget_set (db->conn, "provider:geoscape", 40 * TG_MICROS_PER_UNIT, "AUD", NULL,
                                &id, &created, &error));
  g_assert_no_error (error);

  first = open_window (db->conninfo);
  second = open_window (db->conninfo);
  notifications = tg_application_get_n_notifications (app);
  shown = server.summaries->len;

  /* Preferences → Alerts would file the URL under the database as the check reached it. */
  check = tg_window_get_database_check (first);
  key = tg_secret_key_new_webhook (check->host, check->port, check->dbname);
  url = tg_test_http_url (webhook, "/hooks/T000/SECRET");
  tg_test_http_set_default (webhook, 200, NULL);
  g_assert_true (tg_secret_store_store_sync (store, key, url, NULL, &error));
  g_assert_no_error (error);

  insert_spend (db, 30);
  TG_TEST_ITERATE_UNTIL (n_recent_alerts (first) == 1 && n_recent_alerts (second) == 1);
  TG_TEST_ITERATE_UNTIL (!tg_application_get_announcing (app) &&
                         tg_application_get_n_notifications (app) > notifications);
  /* Both windows read the alert and handed it over; once is what the desktop got. */
  TG_TEST_ITERATE_UNTIL (server.summaries->len > shown);
  g_assert_cmpuint (tg_application_get_n_notifications (app), ==, notifications + 1);
  g_assert_cmpuint (server.summaries->len, ==, shown + 1);
  /* The webhook got the alert once too. */
  TG_TEST_ITERATE_UNTIL (tg_test_http_n_requests (webhook) >= 1);
  g_assert_cmpuint (tg_test_http_n_requests (webhook), ==, 1);
  tg_test_ui_assert_text_contains (tg_test_http_get_request (webhook, 0)->body,
                                   "\"kind\":\"budget\"");

  /* Reloads that follow (the minute's, Refresh) announce nothing again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.refresh", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.refresh", NULL));
  TG_TEST_ITERATE_UNTIL (tg_application_get_announcing (app) == FALSE);
  g_assert_cmpuint (tg_application_get_n_notifications (app), ==, notifications + 1);
  g_assert_cmpuint (tg_test_http_n_requests (webhook), ==, 1);

  close_window (second);
  close_window (first);
  g_assert_true (tg_secret_store_clear_sync (store, key, NULL, &error));
  g_assert_no_error (error);
}

/* Edit and Delete from a card's menu; a change made elsewhere shows in every window at
 * once (NOTIFY tollgate_config), with no reload asked for.
 */
static void
test_edit_delete (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *activate = NULL;
  TgBudgetsPage *page;
  TgBudgetsPage *other_page;
  TgBudgetDialog *dialog;
  AdwMessageDialog *confirm;
  TgBudgetCard *card;
  TgWindow *window;
  TgWindow *other;
  GtkWidget *amount;
  gint64 id = 0;
  gboolean created = FALSE;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "INSERT INTO tollgate.cost_centres (code, display_name) VALUES "
                       "('LOG', 'Logistics')");
  g_assert_true (tg_budget_set (db->conn, "cost-centre:LOG", 500 * TG_MICROS_PER_UNIT, "AUD", NULL,
                                &id, &created, &error));
  g_assert_no_error (error);

  window = open_window (db->conninfo);
  other = open_window (db->conninfo);
  page = show_budgets (window);
  other_page = show_budgets (other);
  card = tg_budgets_page_get_card (page, "cost-centre:LOG");
  g_assert_nonnull (card);
  g_assert_cmpstr (tg_budget_card_get_title (card), ==, "Cost centre: Logistics");

  /* Edit: the scope is fixed, the amount and thresholds change. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "budgets.edit", "x", id));
  TG_TEST_ITERATE_UNTIL ((dialog = (TgBudgetDialog *)find_toplevel (TG_TYPE_BUDGET_DIALOG)) != NULL);
  g_assert_true (tg_test_ui_shows (dialog, "Edit Budget"));
  g_assert_false (gtk_widget_is_sensitive (find_row (GTK_WIDGET (dialog), "_Scope")));
  amount = find_row (GTK_WIDGET (dialog), "_Monthly Amount");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (amount)), ==, "500.00");
  gtk_editable_set_text (GTK_EDITABLE (amount), "750");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "_Thresholds")), "50, 90");
  g_object_ref (dialog);
  save_dialog (dialog);
  TG_TEST_ITERATE_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_finalize_object (dialog);
  g_assert_cmpstr (tg_test_db_scalar (db, "SELECT amount::numeric(18,2) FROM tollgate.budgets"),
                   ==, "750.00");

  /* Both windows show the new amount: the other one by the NOTIFY alone. */
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (page, "$750.00 AUD a month"));
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (other_page, "$750.00 AUD a month"));

  /* Another session changes it: every window follows. */
  tg_test_db_exec (db, "SELECT tollgate.set_budget ('cost-centre:LOG', 820, 'AUD')");
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (page, "$820.00 AUD a month") &&
                         tg_test_ui_shows (other_page, "$820.00 AUD a month"));

  /* Delete asks first; Cancel keeps it, Delete deletes it. */
  card = tg_budgets_page_get_card (page, "cost-centre:LOG");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "budgets.delete", "x", id));
  TG_TEST_ITERATE_UNTIL ((confirm = (AdwMessageDialog *)find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  tg_test_ui_assert_text_contains (adw_message_dialog_get_body (confirm), "Cost centre: Logistics");
  gtk_widget_activate (find_button (GTK_WIDGET (confirm), "_Cancel"));
  TG_TEST_ITERATE_UNTIL (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  g_assert_cmpint (budget_count (db), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "budgets.delete", "x", id));
  TG_TEST_ITERATE_UNTIL ((confirm = (AdwMessageDialog *)find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  gtk_widget_activate (find_button (GTK_WIDGET (confirm), "_Delete"));
  TG_TEST_ITERATE_UNTIL (db_holds (db, "SELECT count(*) = 0 FROM tollgate.budgets"));
  TG_TEST_ITERATE_UNTIL (tg_budgets_page_get_n_cards (page) == 0 &&
                         tg_budgets_page_get_n_cards (other_page) == 0);
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (page, "No Budgets"));

  close_window (other);
  close_window (window);
}

/* Rights are the database's: a viewer finds New Budget disabled and told which role it
 * needs; a finance user whose role is revoked while the dialog is open gets the
 * database's refusal in the dialog, which stays, and nothing is saved.
 */
static void
test_refused (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *viewer_conninfo = NULL;
  g_autofree char *finance_conninfo = NULL;
  g_autofree char *sql = NULL;
  TgBudgetDialog *dialog;
  TgBudgetsPage *page;
  GtkWidget *button;
  TgWindow *window;

  if (!tg_test_ui_require_display (have_display) || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  viewer = tg_test_unique_name ("tgview");
  finance = tg_test_unique_name ("tgfin");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer; "
                         "CREATE ROLE %s LOGIN IN ROLE tollgate_finance", viewer, finance);
  tg_test_db_exec (db, sql);
  viewer_conninfo = tg_test_db_conninfo_as (db, viewer);
  finance_conninfo = tg_test_db_conninfo_as (db, finance);

  /* A viewer: the button is there, disabled, and says why. */
  window = open_window (viewer_conninfo);
  page = show_budgets (window);
  button = find_actionable (GTK_WIDGET (page), "budgets.new");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  tg_test_ui_assert_text_contains (gtk_widget_get_tooltip_text (button), "tollgate_finance");
  close_window (window);

  /* Finance, until the role goes. */
  window = open_window (finance_conninfo);
  page = show_budgets (window);
  dialog = open_new_budget (page);
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "_Monthly Amount")), "250");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("REVOKE tollgate_finance FROM %s; GRANT tollgate_viewer TO %s", finance,
                         finance);
  tg_test_db_exec (db, sql);
  save_dialog (dialog);
  TG_TEST_ITERATE_UNTIL (tg_budget_dialog_get_saving (dialog));
  TG_TEST_ITERATE_UNTIL (!tg_budget_dialog_get_saving (dialog));
  /* The dialog stays, with the database's words in a toast, and nothing is saved. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (dialog, "Could not save the budget"));
  g_assert_cmpint (budget_count (db), ==, 0);
  close_window (window);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s; DROP ROLE %s", viewer, finance);
  tg_test_db_exec (db, sql);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Which alerts this computer announced is recorded under XDG_STATE_HOME: a fresh one. */
  state_dir = g_dir_make_tmp ("tollgate-state-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);

  have_display = gtk_init_check ();
  if (have_display)
    {
      app = tg_application_new ();
      /* Another Tollgate on the bus must not take over this one's windows. */
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);

      /* Without a session bus nothing could be announced: the tests skip then. */
      if (!server_start ())
        have_display = FALSE;
    }

  g_test_add_func ("/tollgate/ui/budgets-page/composites", test_composites);
  g_test_add_func ("/tollgate/ui/budgets-page/budget-alert", test_budget_alert);
  g_test_add_func ("/tollgate/ui/budgets-page/two-windows", test_two_windows);
  g_test_add_func ("/tollgate/ui/budgets-page/edit-delete", test_edit_delete);
  g_test_add_func ("/tollgate/ui/budgets-page/refused", test_refused);

  status = g_test_run ();

  server_stop ();
  g_clear_object (&app);

  return status;
}
