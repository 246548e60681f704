/* tg-banner.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A bar that slides in under the header to say something about the whole window
 * ("the connection to the database was lost") without blocking it, with an optional
 * button that activates an action. It plays the part of libadwaita 1.3's AdwBanner,
 * built from a GtkRevealer; GtkInfoBar is deprecated.
 */

#include "config.h"

#include "tg-banner.h"

struct _TgBanner
{
  GtkWidget    parent_instance;

  /* template widgets */
  GtkRevealer *revealer;
  GtkButton   *button;

  /* owned; the template binds the widgets to them */
  char        *title;
  char        *button_label;
  gboolean     revealed;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_BUTTON_LABEL,
  PROP_REVEALED,
  N_PROPS,

  /* GtkActionable */
  PROP_ACTION_NAME = N_PROPS,
  PROP_ACTION_TARGET,
};

enum {
  BUTTON_CLICKED,
  N_SIGNALS
};

static void tg_banner_actionable_init (GtkActionableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TgBanner, tg_banner, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_ACTIONABLE,
                                                      tg_banner_actionable_init))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_button_clicked (TgBanner *self)
{
  g_signal_emit (self, signals[BUTTON_CLICKED], 0);
}

/* The button carries the action; the banner forwards GtkActionable to it. */

static const char *
tg_banner_get_action_name (GtkActionable *actionable)
{
  return gtk_actionable_get_action_name (GTK_ACTIONABLE (TG_BANNER (actionable)->button));
}

static void
tg_banner_set_action_name (GtkActionable *actionable,
                           const char    *action_name)
{
  TgBanner *self = TG_BANNER (actionable);

  if (g_strcmp0 (action_name, gtk_actionable_get_action_name (GTK_ACTIONABLE (self->button))) == 0)
    return;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
  g_object_notify (G_OBJECT (self), "action-name");
}

static GVariant *
tg_banner_get_action_target_value (GtkActionable *actionable)
{
  return gtk_actionable_get_action_target_value (GTK_ACTIONABLE (TG_BANNER (actionable)->button));
}

static void
tg_banner_set_action_target_value (GtkActionable *actionable,
                                   GVariant      *target)
{
  TgBanner *self = TG_BANNER (actionable);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button), target);
  g_object_notify (G_OBJECT (self), "action-target");
}

static void
tg_banner_actionable_init (GtkActionableInterface *iface)
{
  iface->get_action_name = tg_banner_get_action_name;
  iface->set_action_name = tg_banner_set_action_name;
  iface->get_action_target_value = tg_banner_get_action_target_value;
  iface->set_action_target_value = tg_banner_set_action_target_value;
}

/* For the template: the button shows only with a label. */
static gboolean
has_text (TgBanner   *self,
          const char *text)
{
  return text != NULL && *text != '\0';
}

static void
tg_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TG_TYPE_BANNER);

  G_OBJECT_CLASS (tg_banner_parent_class)->dispose (object);
}

static void
tg_banner_finalize (GObject *object)
{
  TgBanner *self = TG_BANNER (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->button_label, g_free);

  G_OBJECT_CLASS (tg_banner_parent_class)->finalize (object);
}

static void
tg_banner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TgBanner *self = TG_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, tg_banner_get_title (self));
      break;

    case PROP_BUTTON_LABEL:
      g_value_set_string (value, tg_banner_get_button_label (self));
      break;

    case PROP_REVEALED:
      g_value_set_boolean (value, tg_banner_get_revealed (self));
      break;

    case PROP_ACTION_NAME:
      g_value_set_string (value, tg_banner_get_action_name (GTK_ACTIONABLE (self)));
      break;

    case PROP_ACTION_TARGET:
      g_value_set_variant (value, tg_banner_get_action_target_value (GTK_ACTIONABLE (self)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_banner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TgBanner *self = TG_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      tg_banner_set_title (self, g_value_get_string (value));
      break;

    case PROP_BUTTON_LABEL:
      tg_banner_set_button_label (self, g_value_get_string (value));
      break;

    case PROP_REVEALED:
      tg_banner_set_revealed (self, g_value_get_boolean (value));
      break;

    case PROP_ACTION_NAME:
      tg_banner_set_action_name (GTK_ACTIONABLE (self), g_value_get_string (value));
      break;

    case PROP_ACTION_TARGET:
      tg_banner_set_action_target_value (GTK_ACTIONABLE (self), g_value_get_variant (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_banner_class_init (TgBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_banner_dispose;
  object_class->finalize = tg_banner_finalize;
  object_class->get_property = tg_banner_get_property;
  object_class->set_property = tg_banner_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgBanner:button-label:
   *
   * The label of the button, with a mnemonic; %NULL or "" hides the button.
   */
  properties[PROP_BUTTON_LABEL] =
    g_param_spec_string ("button-label", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_ACTION_NAME, "action-name");
  g_object_class_override_property (object_class, PROP_ACTION_TARGET, "action-target");

  signals[BUTTON_CLICKED] =
    g_signal_new ("button-clicked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, TgBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, TgBanner, button);
  gtk_widget_class_bind_template_callback (widget_class, on_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, has_text);

  gtk_widget_class_set_css_name (widget_class, "tgbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_banner_init (TgBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tg_banner_new (const char *title)
{
  return g_object_new (TG_TYPE_BANNER, "title", title, NULL);
}

const char *
tg_banner_get_title (TgBanner *self)
{
  g_return_val_if_fail (TG_IS_BANNER (self), NULL);

  return self->title;
}

void
tg_banner_set_title (TgBanner   *self,
                     const char *title)
{
  g_return_if_fail (TG_IS_BANNER (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
tg_banner_get_button_label (TgBanner *self)
{
  g_return_val_if_fail (TG_IS_BANNER (self), NULL);

  return self->button_label;
}

void
tg_banner_set_button_label (TgBanner   *self,
                            const char *label)
{
  g_return_if_fail (TG_IS_BANNER (self));

  if (g_strcmp0 (self->button_label, label) == 0)
    return;

  g_free (self->button_label);
  self->button_label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUTTON_LABEL]);
}

gboolean
tg_banner_get_revealed (TgBanner *self)
{
  g_return_val_if_fail (TG_IS_BANNER (self), FALSE);

  return self->revealed;
}

void
tg_banner_set_revealed (TgBanner *self,
                        gboolean  revealed)
{
  g_return_if_fail (TG_IS_BANNER (self));

  revealed = !!revealed;
  if (self->revealed == revealed)
    return;

  self->revealed = revealed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}
