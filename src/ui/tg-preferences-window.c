/* tg-preferences-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences (Ctrl+,). The billing time zone and the reporting currency live in the
 * database's tollgate.settings and are shared by everyone; only an administrator may
 * change them. The rows follow the main window's win.save-setting action: enabled for
 * an administrator, insensitive with a tooltip naming the role otherwise. Saving
 * activates that action; the main window runs the UPDATE and reports the outcome in
 * a toast here.
 *
 * Alerts: the webhook's URL is a secret of this desktop account's keyring, one per
 * database (tg_secret_key_new_webhook()), so anyone may set it. The row never shows a
 * stored URL, only whether one is set and its host; applying checks the URL
 * (tg_webhook_check_url(), whose messages never quote it), stores it and empties the
 * row. Sending the test message looks the URL up again and posts on a GTask thread
 * (tg_alert_webhook_send_test_async()); the outcome comes back as a toast. One keyring
 * or webhook operation runs at a time; the alerts.* actions are disabled meanwhile.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-alert-webhook.h"
#include "tg-preferences-window.h"
#include "tg-webhook.h"
#include "tg-window-private.h"

#define SAVE_ACTION "save-setting"

typedef enum
{
  WEBHOOK_NO_DATABASE,  /* no database: nothing to file a webhook under */
  WEBHOOK_LOOKING,      /* the keyring has not answered yet */
  WEBHOOK_NONE,
  WEBHOOK_SET,
  WEBHOOK_FAILED,       /* the keyring could not be read */
} WebhookState;

struct _TgPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwEntryRow          *timezone_row;
  AdwEntryRow          *currency_row;
  AdwActionRow         *database_row;
  AdwActionRow         *server_row;
  AdwActionRow         *user_row;
  AdwEntryRow          *webhook_row;
  AdwActionRow         *webhook_status_row;

  /* owned */
  GCancellable         *webhook_cancellable;
  TgSecretKey          *webhook_key;          /* NULL without a database */
  char                 *webhook_host;         /* of the stored URL, NULL if none or invalid */
  char                 *webhook_problem;      /* why the keyring could not be read */
  WebhookState          webhook_state;
  gboolean              webhook_busy;         /* a keyring or webhook call is under way */

  /* borrowed, weak: the main window owns this one and destroys it when it goes */
  TgWindow             *main_window;
  AdwToast             *webhook_toast;        /* the last toast about the webhook */
};

enum {
  PROP_0,
  PROP_MAIN_WINDOW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgPreferencesWindow, tg_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static GParamSpec *properties[N_PROPS];

static void
save (TgPreferencesWindow *self,
      const char          *key,
      const char          *value)
{
  if (self->main_window == NULL)
    return;

  g_action_group_activate_action (G_ACTION_GROUP (self->main_window), SAVE_ACTION,
                                  g_variant_new ("(ss)", key, value));
}

static void
on_timezone_apply (TgPreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->timezone_row))));

  save (self, "billing-timezone", value);
}

static void
on_currency_apply (TgPreferencesWindow *self)
{
  g_autofree char *value = g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->currency_row)), -1);

  save (self, "reporting-currency", g_strstrip (value));
}

/* A disabled row says which role it needs. */
static gboolean
enabled_to_tooltip (GBinding     *binding,
                    const GValue *from_value,
                    GValue       *to_value,
                    gpointer      user_data)
{
  if (g_value_get_boolean (from_value))
    g_value_set_string (to_value, NULL);
  else
    g_value_take_string (to_value,
                         tg_role_set_dup_requirement (_tg_window_action_requirement (SAVE_ACTION)));

  return TRUE;
}

/* A NULL value (no session) leaves the row as it is rather than blanking it. */
static gboolean
string_if_set (GBinding     *binding,
               const GValue *from_value,
               GValue       *to_value,
               gpointer      user_data)
{
  if (g_value_get_string (from_value) == NULL)
    return FALSE;

  g_value_set_string (to_value, g_value_get_string (from_value));
  return TRUE;
}

static void
update_connection_rows (TgPreferencesWindow *self)
{
  const TgDatabaseCheck *check;
  const char *session_user;
  g_autofree char *roles = NULL;
  g_autofree char *user = NULL;
  g_autofree char *server = NULL;

  if (self->main_window == NULL)
    return;

  check = tg_window_get_database_check (self->main_window);
  roles = tg_role_set_dup_description (tg_window_get_roles (self->main_window));

  session_user = tg_window_get_session_user (self->main_window);
  adw_action_row_set_subtitle (self->database_row,
                               check != NULL && check->target != NULL ? check->target : "");

  if (check != NULL && check->server_version != NULL)
    /* TRANSLATORS: the server's version ("15.4 (Debian 15.4-1)") and the version of
     * the Tollgate schema in the database
     */
    server = g_strdup_printf (_("PostgreSQL %s, Tollgate schema version %u"),
                              check->server_version, check->schema_version);
  adw_action_row_set_subtitle (self->server_row, server != NULL ? server : "");

  if (session_user != NULL)
    /* TRANSLATORS: a PostgreSQL user name and the Tollgate roles it holds */
    user = g_strdup_printf (_("%s — %s"), session_user, roles);
  adw_action_row_set_subtitle (self->user_row, user != NULL ? user : "");
}

static void
bind_row (TgPreferencesWindow *self,
          GtkWidget           *row,
          GAction             *action,
          const char          *property)
{
  g_object_bind_property (action, "enabled", row, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (action, "enabled", row, "tooltip-text", G_BINDING_SYNC_CREATE,
                               enabled_to_tooltip, NULL, NULL, NULL);
  g_object_bind_property_full (self->main_window, property, row, "text", G_BINDING_SYNC_CREATE,
                               string_if_set, NULL, NULL, NULL);
}

/* --- Alerts: the webhook --- */

static void
update_webhook (TgPreferencesWindow *self)
{
  gboolean has_key = self->webhook_key != NULL;
  gboolean set = self->webhook_state == WEBHOOK_SET;
  g_autofree char *subtitle = NULL;

  switch (self->webhook_state)
    {
    case WEBHOOK_NO_DATABASE:
      subtitle = g_strdup (_("Connect to a database to set the webhook its alerts are posted to"));
      break;

    case WEBHOOK_LOOKING:
      subtitle = g_strdup (_("Looking in the keyring…"));
      break;

    case WEBHOOK_NONE:
      subtitle = g_strdup (_("Not set: alerts show on this computer only"));
      break;

    case WEBHOOK_SET:
      if (self->webhook_host != NULL)
        /* TRANSLATORS: %s is the host of the webhook's URL, such as "hooks.slack.com" */
        subtitle = g_strdup_printf (_("Set: alerts are posted to %s"), self->webhook_host);
      else
        subtitle = g_strdup (_("Set, but not a valid URL: paste the webhook’s URL again"));
      break;

    case WEBHOOK_FAILED:
    default:
      /* TRANSLATORS: %s is the keyring's error message */
      subtitle = g_strdup_printf (_("The keyring could not be read: %s"),
                                  self->webhook_problem != NULL ? self->webhook_problem : "");
      break;
    }

  adw_action_row_set_subtitle (self->webhook_status_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->webhook_row), has_key && !self->webhook_busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.send-test",
                                 set && self->webhook_host != NULL && !self->webhook_busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.remove-webhook",
                                 set && !self->webhook_busy);
}

/* The outcome of what the user just did replaces the toast of what they did before,
 * rather than waiting behind it.
 */
static void
show_toast (TgPreferencesWindow *self,
            const char          *title)
{
  AdwToast *toast = adw_toast_new (title);

  if (self->webhook_toast != NULL)
    adw_toast_dismiss (self->webhook_toast);
  g_set_weak_pointer (&self->webhook_toast, toast);
  adw_toast_set_timeout (toast, 8);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* Takes @url (a secret from the keyring) and wipes it. */
static void
set_webhook_url (TgPreferencesWindow *self,
                 char                *url)
{
  g_clear_pointer (&self->webhook_host, g_free);
  if (url == NULL)
    {
      self->webhook_state = WEBHOOK_NONE;
      return;
    }

  self->webhook_state = WEBHOOK_SET;
  if (!tg_webhook_check_url (url, &self->webhook_host, NULL))
    self->webhook_host = NULL;
  tg_secret_free (url);
}

/* Calls under way hold the window weakly: a strong reference would keep a closed
 * Preferences window alive past its main window, which GTK does not allow of a
 * transient window.
 */
static GWeakRef *
weak_ref_new (TgPreferencesWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* The window of a call's callback, or NULL when it should be left alone: gone, closed
 * (its calls cancelled), or the call cancelled. Frees @ref.
 */
static TgPreferencesWindow *
weak_ref_steal (GWeakRef     *ref,
                const GError *error)
{
  TgPreferencesWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);

  if (self != NULL &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       self->webhook_cancellable == NULL ||
       g_cancellable_is_cancelled (self->webhook_cancellable)))
    g_clear_object (&self);

  return self;
}

static void
on_webhook_looked_up (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TgPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;
  char *url;

  url = tg_secret_store_lookup_finish (TG_SECRET_STORE (object), result, &error);
  self = weak_ref_steal (user_data, error);
  if (self == NULL)
    {
      tg_secret_free (url);
      return;
    }

  self->webhook_busy = FALSE;
  if (error != NULL)
    {
      self->webhook_state = WEBHOOK_FAILED;
      g_free (self->webhook_problem);
      self->webhook_problem = g_strdup (error->message);
    }
  else
    set_webhook_url (self, url);

  update_webhook (self);
}

static TgSecretStore *
secret_store (TgPreferencesWindow *self)
{
  return self->main_window != NULL ? self->main_window->secret_store : NULL;
}

static void
look_up_webhook (TgPreferencesWindow *self)
{
  const TgDatabaseCheck *check = NULL;

  if (self->main_window != NULL)
    check = tg_window_get_database_check (self->main_window);

  g_clear_pointer (&self->webhook_key, tg_secret_key_unref);
  if (check == NULL || check->dbname == NULL || secret_store (self) == NULL)
    {
      self->webhook_state = WEBHOOK_NO_DATABASE;
      update_webhook (self);
      return;
    }

  self->webhook_key = tg_secret_key_new_webhook (check->host, check->port, check->dbname);
  self->webhook_state = WEBHOOK_LOOKING;
  self->webhook_busy = TRUE;
  update_webhook (self);
  tg_secret_store_lookup_async (secret_store (self), self->webhook_key,
                                self->webhook_cancellable, on_webhook_looked_up,
                                weak_ref_new (self));
}

typedef struct
{
  GWeakRef *ref;
  char     *host;
} Stored;

static void
on_webhook_stored (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Stored *stored = user_data;
  g_autoptr(TgPreferencesWindow) self = NULL;
  g_autofree char *host = stored->host;
  g_autoptr(GError) error = NULL;

  tg_secret_store_store_finish (TG_SECRET_STORE (object), result, &error);
  self = weak_ref_steal (stored->ref, error);
  g_free (stored);
  if (self == NULL)
    return;

  self->webhook_busy = FALSE;
  if (error != NULL)
    {
      /* TRANSLATORS: %s is the keyring's error message */
      g_autofree char *title = g_strdup_printf (_("The webhook could not be saved in the "
                                                  "keyring: %s"),
                                                error->message);

      show_toast (self, title);
      update_webhook (self);
      return;
    }

  /* The row shows no stored URL. */
  gtk_editable_set_text (GTK_EDITABLE (self->webhook_row), "");
  self->webhook_state = WEBHOOK_SET;
  g_free (self->webhook_host);
  self->webhook_host = g_steal_pointer (&host);
  update_webhook (self);
  show_toast (self, _("Webhook saved in the keyring"));
}

static void
on_webhook_apply (TgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Stored *stored;
  char *host = NULL;

  if (self->webhook_key == NULL || self->webhook_busy || secret_store (self) == NULL)
    return;

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->webhook_row))));
  if (!tg_webhook_check_url (url, &host, &error))
    {
      explicit_bzero (url, strlen (url));
      show_toast (self, error->message);
      return;
    }

  stored = g_new0 (Stored, 1);
  stored->ref = weak_ref_new (self);
  stored->host = host;
  self->webhook_busy = TRUE;
  update_webhook (self);
  tg_secret_store_store_async (secret_store (self), self->webhook_key, url,
                               self->webhook_cancellable, on_webhook_stored, stored);
  explicit_bzero (url, strlen (url));
}

static void
on_test_sent (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TgPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  TgWebhookOutcome outcome;

  tg_alert_webhook_send_test_finish (result, &outcome, &error);
  self = weak_ref_steal (user_data, error);
  if (self == NULL)
    return;

  self->webhook_busy = FALSE;
  update_webhook (self);
  if (error == NULL)
    title = tg_alert_webhook_describe (&outcome, self->webhook_host != NULL ? self->webhook_host
                                                                            : "");
  else
    /* TRANSLATORS: %s says why, and names the webhook's host at most */
    title = g_strdup_printf (_("The test message was not delivered: %s"), error->message);
  show_toast (self, title);
}

static void
on_test_url (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TgPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;
  char *url;

  url = tg_secret_store_lookup_finish (TG_SECRET_STORE (object), result, &error);
  self = weak_ref_steal (user_data, error);
  if (self == NULL)
    {
      tg_secret_free (url);
      return;
    }

  if (url == NULL)
    {
      self->webhook_busy = FALSE;
      if (error == NULL)
        {
          /* Removed meanwhile, by another window. */
          set_webhook_url (self, NULL);
          show_toast (self, _("No webhook is set"));
        }
      else
        {
          /* TRANSLATORS: %s is the keyring's error message */
          g_autofree char *title = g_strdup_printf (_("The keyring could not be read: %s"),
                                                    error->message);
          show_toast (self, title);
        }
      update_webhook (self);
      return;
    }

  tg_alert_webhook_send_test_async (url, self->webhook_cancellable, on_test_sent,
                                    weak_ref_new (self));
  tg_secret_free (url);
}

static void
send_test_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (widget);

  if (self->webhook_key == NULL || self->webhook_busy || secret_store (self) == NULL)
    return;

  self->webhook_busy = TRUE;
  update_webhook (self);
  tg_secret_store_lookup_async (secret_store (self), self->webhook_key,
                                self->webhook_cancellable, on_test_url, weak_ref_new (self));
}

static void
on_webhook_removed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TgPreferencesWindow) self = NULL;
  g_autoptr(GError) error = NULL;

  tg_secret_store_clear_finish (TG_SECRET_STORE (object), result, &error);
  self = weak_ref_steal (user_data, error);
  if (self == NULL)
    return;

  self->webhook_busy = FALSE;
  if (error != NULL)
    {
      /* TRANSLATORS: %s is the keyring's error message */
      g_autofree char *title = g_strdup_printf (_("The webhook could not be removed from the "
                                                  "keyring: %s"),
                                                error->message);
      show_toast (self, title);
    }
  else
    {
      set_webhook_url (self, NULL);
      show_toast (self, _("Webhook removed"));
    }
  update_webhook (self);
}

static void
remove_webhook_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (widget);

  if (self->webhook_key == NULL || self->webhook_busy || secret_store (self) == NULL)
    return;

  self->webhook_busy = TRUE;
  update_webhook (self);
  tg_secret_store_clear_async (secret_store (self), self->webhook_key,
                               self->webhook_cancellable, on_webhook_removed,
                               weak_ref_new (self));
}

static void
tg_preferences_window_constructed (GObject *object)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);
  GAction *action;

  G_OBJECT_CLASS (tg_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (TG_IS_WINDOW (self->main_window));

  gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (self->main_window));

  action = g_action_map_lookup_action (G_ACTION_MAP (self->main_window), SAVE_ACTION);
  g_return_if_fail (G_IS_SIMPLE_ACTION (action));

  bind_row (self, GTK_WIDGET (self->timezone_row), action, "billing-timezone");
  bind_row (self, GTK_WIDGET (self->currency_row), action, "reporting-currency");

  g_signal_connect_object (self->main_window, "notify::roles",
                           G_CALLBACK (update_connection_rows), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_window, "notify::session-user",
                           G_CALLBACK (update_connection_rows), self, G_CONNECT_SWAPPED);
  update_connection_rows (self);

  look_up_webhook (self);
}

static void
tg_preferences_window_dispose (GObject *object)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);

  /* The calls under way see the cancel (or the window gone) and leave it alone. */
  g_cancellable_cancel (self->webhook_cancellable);
  g_clear_object (&self->webhook_cancellable);
  g_clear_pointer (&self->webhook_key, tg_secret_key_unref);
  g_clear_weak_pointer (&self->webhook_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_PREFERENCES_WINDOW);
  if (self->main_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->main_window), (gpointer *)&self->main_window);
      self->main_window = NULL;
    }

  G_OBJECT_CLASS (tg_preferences_window_parent_class)->dispose (object);
}

static void
tg_preferences_window_finalize (GObject *object)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);

  g_free (self->webhook_host);
  g_free (self->webhook_problem);

  G_OBJECT_CLASS (tg_preferences_window_parent_class)->finalize (object);
}

static void
tg_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MAIN_WINDOW:
      g_value_set_object (value, self->main_window);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MAIN_WINDOW:
      self->main_window = g_value_get_object (value);
      if (self->main_window != NULL)
        g_object_add_weak_pointer (G_OBJECT (self->main_window), (gpointer *)&self->main_window);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_preferences_window_class_init (TgPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tg_preferences_window_constructed;
  object_class->dispose = tg_preferences_window_dispose;
  object_class->finalize = tg_preferences_window_finalize;
  object_class->get_property = tg_preferences_window_get_property;
  object_class->set_property = tg_preferences_window_set_property;

  /**
   * TgPreferencesWindow:main-window:
   *
   * The window whose database the preferences are of.
   */
  properties[PROP_MAIN_WINDOW] =
    g_param_spec_object ("main-window", NULL, NULL,
                         TG_TYPE_WINDOW,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tg-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, timezone_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, webhook_row);
  gtk_widget_class_bind_template_child (widget_class, TgPreferencesWindow, webhook_status_row);
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_currency_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_webhook_apply);

  gtk_widget_class_install_action (widget_class, "alerts.send-test", NULL, send_test_action);
  gtk_widget_class_install_action (widget_class, "alerts.remove-webhook", NULL,
                                   remove_webhook_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
tg_preferences_window_init (TgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->webhook_cancellable = g_cancellable_new ();
  update_webhook (self);
}

/**
 * tg_preferences_window_new:
 * @main_window: the window whose database to configure
 *
 * Returns: (transfer none): a new Preferences window, transient for @main_window
 */
GtkWidget *
tg_preferences_window_new (TgWindow *main_window)
{
  g_return_val_if_fail (TG_IS_WINDOW (main_window), NULL);

  return g_object_new (TG_TYPE_PREFERENCES_WINDOW,
                       "main-window", main_window,
                       "application", gtk_window_get_application (GTK_WINDOW (main_window)),
                       NULL);
}

TgWindow *
tg_preferences_window_get_main_window (TgPreferencesWindow *self)
{
  g_return_val_if_fail (TG_IS_PREFERENCES_WINDOW (self), NULL);

  return self->main_window;
}
