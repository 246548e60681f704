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
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-preferences-window.h"
#include "tg-window-private.h"

#define SAVE_ACTION "save-setting"

struct _TgPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwEntryRow          *timezone_row;
  AdwEntryRow          *currency_row;
  AdwActionRow         *database_row;
  AdwActionRow         *server_row;
  AdwActionRow         *user_row;

  /* borrowed, weak: the main window owns this one and destroys it when it goes */
  TgWindow             *main_window;
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
}

static void
tg_preferences_window_dispose (GObject *object)
{
  TgPreferencesWindow *self = TG_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_PREFERENCES_WINDOW);
  if (self->main_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->main_window), (gpointer *)&self->main_window);
      self->main_window = NULL;
    }

  G_OBJECT_CLASS (tg_preferences_window_parent_class)->dispose (object);
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
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_currency_apply);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
tg_preferences_window_init (TgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
