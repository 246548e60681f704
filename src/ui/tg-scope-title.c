/* tg-scope-title.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The scopes of budgets, forecasts and alerts ("overall", "provider:here",
 * "cost-centre:LOG", "feature:checkout", "user:42") as the Budgets and Alerts pages and the
 * sidebar title them, with the catalogue's display names where it has them.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-catalog-queries.h"
#include "tg-scope-title.h"

/**
 * tg_scope_dup_title:
 * @scope: a scope as the database writes it
 * @providers: (element-type TgProvider) (nullable): the provider catalogue
 * @catalog_scopes: (element-type TgCatalogScope) (nullable): its features and cost centres
 *
 * Returns: (transfer full): "Overall", "Provider: HERE", "Cost centre: Logistics",
 *   "Feature: Checkout", "User 42"; a scope of another shape as it is
 */
char *
tg_scope_dup_title (const char *scope,
                    GPtrArray  *providers,
                    GPtrArray  *catalog_scopes)
{
  const char *colon;
  const char *name;

  if (scope == NULL || g_str_equal (scope, "overall"))
    /* TRANSLATORS: the scope of a budget or an alert about all spend */
    return g_strdup (_("Overall"));

  colon = strchr (scope, ':');
  if (colon == NULL)
    return g_strdup (scope);
  name = colon + 1;

  if (g_str_has_prefix (scope, "provider:"))
    {
      TgProvider *provider = tg_catalog_find_provider (providers, name);

      /* TRANSLATORS: a scope, "Provider: HERE" */
      return g_strdup_printf (_("Provider: %s"), provider != NULL ? provider->display_name : name);
    }

  if (g_str_has_prefix (scope, "cost-centre:"))
    {
      TgCatalogScope *found = tg_catalog_find_scope (catalog_scopes, TG_FORECAST_SCOPE_COST_CENTRE,
                                                     name);

      /* TRANSLATORS: a scope, "Cost centre: Logistics" */
      return g_strdup_printf (_("Cost centre: %s"), found != NULL ? found->display_name : name);
    }

  if (g_str_has_prefix (scope, "feature:"))
    {
      TgCatalogScope *found = tg_catalog_find_scope (catalog_scopes, TG_FORECAST_SCOPE_FEATURE,
                                                     name);

      /* TRANSLATORS: a scope, "Feature: Checkout" */
      return g_strdup_printf (_("Feature: %s"), found != NULL ? found->display_name : name);
    }

  if (g_str_has_prefix (scope, "user:"))
    /* TRANSLATORS: the scope of an alert about one user of the platform, "User 42" */
    return g_strdup_printf (_("User %s"), name);

  return g_strdup (scope);
}
