/* tg-overview-page.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Overview page of the main window's view stack: usage per provider, the live
 * activity feed and the charts of the story card's "Usage Overview Widget" and
 * "Real-time Activity Feed". For now it shows a placeholder; the page already has
 * its place, its database connection and its refresh hook, so what fills it needs no
 * change to the window.
 */

#include "config.h"

#include "tg-overview-page.h"

struct _TgOverviewPage
{
  AdwBin          parent_instance;

  /* owned: the window's connection, shared */
  TgDbConnection *connection;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgOverviewPage, tg_overview_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
tg_overview_page_dispose (GObject *object)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_OVERVIEW_PAGE);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tg_overview_page_parent_class)->dispose (object);
}

static void
tg_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TgOverviewPage *self = TG_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_overview_page_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_overview_page_class_init (TgOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_overview_page_dispose;
  object_class->get_property = tg_overview_page_get_property;
  object_class->set_property = tg_overview_page_set_property;

  /**
   * TgOverviewPage:connection:
   *
   * The window's database connection on the UI thread, or %NULL while there is none.
   * It changes when the window switches databases.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-overview-page.ui");
}

static void
tg_overview_page_init (TgOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tg_overview_page_new (void)
{
  return g_object_new (TG_TYPE_OVERVIEW_PAGE, NULL);
}

/**
 * tg_overview_page_get_connection:
 *
 * Returns: (transfer none) (nullable): the database connection
 */
TgDbConnection *
tg_overview_page_get_connection (TgOverviewPage *self)
{
  g_return_val_if_fail (TG_IS_OVERVIEW_PAGE (self), NULL);

  return self->connection;
}

void
tg_overview_page_set_connection (TgOverviewPage *self,
                                 TgDbConnection *connection)
{
  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (g_set_object (&self->connection, connection))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * tg_overview_page_refresh:
 *
 * Reloads what the page shows (win.refresh, Ctrl+R). The placeholder has nothing to
 * load.
 */
void
tg_overview_page_refresh (TgOverviewPage *self)
{
  g_return_if_fail (TG_IS_OVERVIEW_PAGE (self));
}
