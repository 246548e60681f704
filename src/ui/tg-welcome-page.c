/* tg-welcome-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The first thing a new user sees: a form to connect to the platform's database — by
 * host and database, by a connection string or URI, or by a pg_service name — and a
 * way to try Tollgate on demo data. The page only builds the connection string; the
 * window connects, and files the password in the keyring once it worked.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-conninfo.h"
#include "tg-db-util.h"
#include "tg-welcome-page.h"

struct _TgWelcomePage
{
  AdwBin               parent_instance;

  /* template widgets */
  GtkStack            *mode_stack;
  AdwEntryRow         *host_row;
  AdwEntryRow         *port_row;
  AdwEntryRow         *dbname_row;
  AdwEntryRow         *user_row;
  AdwComboRow         *sslmode_row;
  AdwEntryRow         *conninfo_row;
  AdwEntryRow         *service_row;
  AdwPasswordEntryRow *password_row;
  GtkButton           *demo_button;
  GtkButton           *connect_button;

  /* owned; the template binds the labels to error and demo_status */
  char                *mode;
  char                *error;
  char                *demo_status;
};

enum {
  PROP_0,
  PROP_MODE,
  PROP_ERROR,
  PROP_DEMO_STATUS,
  N_PROPS
};

enum {
  CONNECT,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TgWelcomePage, tg_welcome_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The rows of sslmode_row, in order; "" leaves libpq's default (prefer). */
static const char * const ssl_modes[] = { "", "require", "verify-ca", "verify-full", "disable" };

static const char * const modes[] = { "server", "conninfo", "service" };

static const char *
entry_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Whitespace around a typed value is never meant: a pasted host name often has some. */
static char *
stripped_text (gpointer row)
{
  return g_strstrip (g_strdup (entry_text (row)));
}

static void
tg_welcome_page_update_actions (TgWelcomePage *self)
{
  gboolean can_connect = TRUE;

  /* Empty server fields are libpq's defaults (a local socket, the login name); an
   * empty connection string or service name is not a choice.
   */
  if (g_strcmp0 (self->mode, "conninfo") == 0)
    can_connect = *entry_text (self->conninfo_row) != '\0';
  else if (g_strcmp0 (self->mode, "service") == 0)
    can_connect = *entry_text (self->service_row) != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.connect", can_connect);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TgWelcomePage *self = TG_WELCOME_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  char *password = NULL;

  conninfo = tg_welcome_page_dup_conninfo (self, &password, &error);
  if (conninfo == NULL)
    {
      tg_welcome_page_set_error (self, error->message);
      return;
    }

  tg_welcome_page_set_error (self, NULL);
  g_signal_emit (self, signals[CONNECT], 0, conninfo, password);

  if (password != NULL)
    {
      memset (password, 0, strlen (password));
      g_free (password);
    }
}

static void
on_entry_activated (TgWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.connect", NULL);
}

static void
tg_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (tg_welcome_page_parent_class)->dispose (object);
}

/* For the template: the error and the demo's progress show only when there is one. */
static gboolean
has_text (TgWelcomePage *self,
          const char    *text)
{
  return text != NULL && *text != '\0';
}

static gboolean
lacks_text (TgWelcomePage *self,
            const char    *text)
{
  return !has_text (self, text);
}

static void
tg_welcome_page_finalize (GObject *object)
{
  TgWelcomePage *self = TG_WELCOME_PAGE (object);

  g_clear_pointer (&self->mode, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->demo_status, g_free);

  G_OBJECT_CLASS (tg_welcome_page_parent_class)->finalize (object);
}

static void
tg_welcome_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TgWelcomePage *self = TG_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, self->mode);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_DEMO_STATUS:
      g_value_set_string (value, self->demo_status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_welcome_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TgWelcomePage *self = TG_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      tg_welcome_page_set_mode (self, g_value_get_string (value));
      break;

    case PROP_ERROR:
      tg_welcome_page_set_error (self, g_value_get_string (value));
      break;

    case PROP_DEMO_STATUS:
      tg_welcome_page_set_demo_status (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_welcome_page_class_init (TgWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_welcome_page_dispose;
  object_class->finalize = tg_welcome_page_finalize;
  object_class->get_property = tg_welcome_page_get_property;
  object_class->set_property = tg_welcome_page_set_property;

  /**
   * TgWelcomePage:mode:
   *
   * How the user names the database: "server" (host, port, database, user, SSL
   * mode), "conninfo" (a connection string or URI) or "service" (a pg_service name).
   */
  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL,
                         "server",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWelcomePage:error:
   *
   * Why connecting failed, shown under the form; %NULL shows nothing.
   */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWelcomePage:demo-status:
   *
   * What the demo's start is doing, shown with a spinner and a Cancel button in place
   * of the buttons; %NULL when none runs.
   */
  properties[PROP_DEMO_STATUS] =
    g_param_spec_string ("demo-status", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgWelcomePage::connect:
   * @conninfo: the connection string, without a password
   * @password: (nullable): the password typed (or found in a connection string)
   *
   * The user asked to connect.
   */
  signals[CONNECT] =
    g_signal_new ("connect",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, host_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, port_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, dbname_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, user_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, conninfo_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, service_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, TgWelcomePage, connect_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, has_text);
  gtk_widget_class_bind_template_callback (widget_class, lacks_text);

  gtk_widget_class_install_property_action (widget_class, "welcome.mode", "mode");
  gtk_widget_class_install_action (widget_class, "welcome.connect", NULL, connect_action);
}

static void
tg_welcome_page_init (TgWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->mode = g_strdup ("server");

  g_signal_connect_object (self->conninfo_row, "changed",
                           G_CALLBACK (tg_welcome_page_update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->service_row, "changed",
                           G_CALLBACK (tg_welcome_page_update_actions), self,
                           G_CONNECT_SWAPPED);

  tg_welcome_page_update_actions (self);
}

GtkWidget *
tg_welcome_page_new (void)
{
  return g_object_new (TG_TYPE_WELCOME_PAGE, NULL);
}

const char *
tg_welcome_page_get_mode (TgWelcomePage *self)
{
  g_return_val_if_fail (TG_IS_WELCOME_PAGE (self), NULL);

  return self->mode;
}

void
tg_welcome_page_set_mode (TgWelcomePage *self,
                          const char    *mode)
{
  gboolean known = FALSE;

  g_return_if_fail (TG_IS_WELCOME_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    known |= g_strcmp0 (modes[i], mode) == 0;
  g_return_if_fail (known);

  if (g_strcmp0 (self->mode, mode) == 0)
    return;

  g_free (self->mode);
  self->mode = g_strdup (mode);
  gtk_stack_set_visible_child_name (self->mode_stack, mode);
  tg_welcome_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * tg_welcome_page_set_conninfo:
 * @conninfo: (nullable): a connection string without a password
 *
 * Fills the form from @conninfo: the server fields when that is all it sets, the
 * service name when it names only a service, the connection string otherwise.
 */
void
tg_welcome_page_set_conninfo (TgWelcomePage *self,
                              const char    *conninfo)
{
  static const char * const server_keys[] = { "host", "port", "dbname", "user", "sslmode" };
  g_autoptr(GHashTable) options = NULL;
  g_autofree char *stripped = NULL;
  const char *sslmode;
  gboolean server_only = TRUE;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (TG_IS_WELCOME_PAGE (self));

  stripped = tg_conninfo_strip_secrets (conninfo, NULL, NULL);
  options = tg_db_conninfo_parse (stripped, NULL);
  if (options == NULL)
    return;

  g_hash_table_iter_init (&iter, options);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    server_only &= g_strv_contains (server_keys, key);

  sslmode = g_hash_table_lookup (options, "sslmode");
  if (server_only && sslmode != NULL)
    {
      server_only = FALSE;
      for (guint i = 1; i < G_N_ELEMENTS (ssl_modes); i++)
        server_only |= g_str_equal (ssl_modes[i], sslmode);
    }

  if (g_hash_table_size (options) == 1 && g_hash_table_contains (options, "service"))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->service_row),
                             g_hash_table_lookup (options, "service"));
      tg_welcome_page_set_mode (self, "service");
    }
  else if (server_only)
    {
      const char *value;

      value = g_hash_table_lookup (options, "host");
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), value != NULL ? value : "");
      value = g_hash_table_lookup (options, "port");
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), value != NULL ? value : "");
      value = g_hash_table_lookup (options, "dbname");
      gtk_editable_set_text (GTK_EDITABLE (self->dbname_row), value != NULL ? value : "");
      value = g_hash_table_lookup (options, "user");
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), value != NULL ? value : "");

      adw_combo_row_set_selected (self->sslmode_row, 0);
      for (guint i = 1; sslmode != NULL && i < G_N_ELEMENTS (ssl_modes); i++)
        if (g_str_equal (ssl_modes[i], sslmode))
          adw_combo_row_set_selected (self->sslmode_row, i);

      tg_welcome_page_set_mode (self, "server");
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->conninfo_row), stripped);
      tg_welcome_page_set_mode (self, "conninfo");
    }
}

/**
 * tg_welcome_page_dup_conninfo:
 * @password: (out) (optional) (nullable): the password, from the password row or else
 *   from a connection string that carried one
 *
 * Returns: (transfer full) (nullable): the connection string the form describes,
 *   without a password; %NULL with @error set when it is not valid
 */
char *
tg_welcome_page_dup_conninfo (TgWelcomePage  *self,
                              char          **password,
                              GError        **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *embedded = NULL;
  const char *typed;
  char *conninfo;

  g_return_val_if_fail (TG_IS_WELCOME_PAGE (self), NULL);

  if (password != NULL)
    *password = NULL;

  if (g_strcmp0 (self->mode, "conninfo") == 0)
    {
      g_autofree char *text = stripped_text (self->conninfo_row);

      if (*text == '\0')
        {
          g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                               _("Enter a connection string or URI"));
          return NULL;
        }

      conninfo = tg_conninfo_strip_secrets (text, &embedded, error);
      if (conninfo == NULL)
        return NULL;
    }
  else if (g_strcmp0 (self->mode, "service") == 0)
    {
      g_autofree char *service = stripped_text (self->service_row);

      if (*service == '\0')
        {
          g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                               _("Enter the name of a service"));
          return NULL;
        }

      g_hash_table_insert (options, "service", g_steal_pointer (&service));
      conninfo = tg_db_conninfo_build (options);
    }
  else
    {
      g_autofree char *port = stripped_text (self->port_row);
      guint selected = adw_combo_row_get_selected (self->sslmode_row);
      guint64 number;

      if (*port != '\0' &&
          (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL)))
        {
          /* TRANSLATORS: %s is what the user typed as a port */
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                       _("“%s” is not a port number: use a number from 1 to 65535"), port);
          return NULL;
        }

      g_hash_table_insert (options, "host", stripped_text (self->host_row));
      g_hash_table_insert (options, "port", g_steal_pointer (&port));
      g_hash_table_insert (options, "dbname", stripped_text (self->dbname_row));
      g_hash_table_insert (options, "user", stripped_text (self->user_row));
      if (selected < G_N_ELEMENTS (ssl_modes))
        g_hash_table_insert (options, "sslmode", g_strdup (ssl_modes[selected]));
      conninfo = tg_db_conninfo_build (options);
    }

  /* Passwords are taken as typed: spaces may be part of one. */
  typed = entry_text (self->password_row);
  if (password != NULL)
    *password = *typed != '\0' ? g_strdup (typed) : g_steal_pointer (&embedded);

  return conninfo;
}

/**
 * tg_welcome_page_set_error:
 * @message: (nullable): why connecting failed, or %NULL to hide the message
 */
void
tg_welcome_page_set_error (TgWelcomePage *self,
                           const char    *message)
{
  g_return_if_fail (TG_IS_WELCOME_PAGE (self));

  if (g_strcmp0 (self->error, message) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * tg_welcome_page_set_demo_blocker:
 * @reason: (nullable): why the demo cannot start, for the tooltip of its button; the
 *   button's sensitivity follows win.start-demo
 */
void
tg_welcome_page_set_demo_blocker (TgWelcomePage *self,
                                  const char    *reason)
{
  g_return_if_fail (TG_IS_WELCOME_PAGE (self));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->demo_button),
                               reason != NULL ? reason
                                              : _("Explore Tollgate on a local database with simulated API traffic"));
}

/**
 * tg_welcome_page_set_demo_status:
 * @status: (nullable): what the demo's start is doing, or %NULL when none runs
 *
 * Shows the demo's progress with a spinner and a Cancel button (win.cancel-demo).
 */
void
tg_welcome_page_set_demo_status (TgWelcomePage *self,
                                 const char    *status)
{
  g_return_if_fail (TG_IS_WELCOME_PAGE (self));

  if (g_strcmp0 (self->demo_status, status) == 0)
    return;

  g_free (self->demo_status);
  self->demo_status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO_STATUS]);
}

/**
 * tg_welcome_page_get_demo_status:
 *
 * Returns: (nullable): the demo progress shown, or %NULL when none is
 */
const char *
tg_welcome_page_get_demo_status (TgWelcomePage *self)
{
  g_return_val_if_fail (TG_IS_WELCOME_PAGE (self), NULL);

  return self->demo_status;
}
