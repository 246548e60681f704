/* tg-catalog-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The catalogue is small and read in text format: every column is text, an integer or a
 * boolean, and the region lists arrive as comma-separated codes (region codes are two
 * capital letters, tollgate.regions checks it).
 */

#include "config.h"

#include "tg-catalog-queries.h"
#include "tg-db-typed-query.h"
#include "tg-db-util.h"

static const char providers_sql[] =
  "SELECT p.slug, p.display_name, p.home_region, p.currency::text, p.billing_unit, "
  "       p.monthly_quota, p.quota_unit, p.enabled, "
  "       coalesce ((SELECT string_agg (r.code, ',' ORDER BY r.code) FROM tollgate.regions r "
  "                  WHERE r.primary_provider = p.slug), ''), "
  "       coalesce ((SELECT string_agg (r.code, ',' ORDER BY r.code) FROM tollgate.regions r "
  "                  WHERE r.backup_provider = p.slug), ''), "
  "       coalesce ((SELECT string_agg (r.code, ',' ORDER BY r.code) FROM tollgate.regions r "
  "                  WHERE r.active_provider = p.slug), '') "
  "FROM tollgate.providers p "
  "ORDER BY p.display_name, p.slug";

enum {
  PROVIDER_SLUG, PROVIDER_DISPLAY_NAME, PROVIDER_HOME_REGION, PROVIDER_CURRENCY,
  PROVIDER_BILLING_UNIT, PROVIDER_MONTHLY_QUOTA, PROVIDER_QUOTA_UNIT, PROVIDER_ENABLED,
  PROVIDER_PRIMARY_REGIONS, PROVIDER_BACKUP_REGIONS, PROVIDER_ACTIVE_REGIONS, PROVIDER_N_COLS
};

/**
 * tg_catalog_providers_statement_new:
 *
 * Returns: (transfer full): the statement that reads the provider catalogue, in text
 *   format; read its result with tg_catalog_providers_parse_result()
 */
TgDbStatement *
tg_catalog_providers_statement_new (void)
{
  return tg_db_statement_new (providers_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

static GStrv
split_regions (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);

  return g_strsplit (text, ",", -1);
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value != NULL ? value : "");
}

/**
 * tg_catalog_providers_parse_result:
 *
 * Returns: (transfer full) (element-type TgProvider): the providers, by display name
 */
GPtrArray *
tg_catalog_providers_parse_result (TgDbResult  *result,
                                   GError     **error)
{
  g_autoptr(GPtrArray) providers = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, PROVIDER_N_COLS, "provider catalogue", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  providers = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_provider_unref);

  for (int i = 0; i < n_rows; i++)
    {
      g_autoptr(TgProvider) provider = NULL;
      const char *billing_unit = tg_db_result_get_value (result, i, PROVIDER_BILLING_UNIT);
      const char *quota_unit = tg_db_result_get_value (result, i, PROVIDER_QUOTA_UNIT);

      provider = tg_provider_new (tg_db_result_get_value (result, i, PROVIDER_SLUG));
      replace_string (&provider->display_name,
                      tg_db_result_get_value (result, i, PROVIDER_DISPLAY_NAME));
      replace_string (&provider->home_region,
                      tg_db_result_get_value (result, i, PROVIDER_HOME_REGION));
      replace_string (&provider->currency,
                      tg_db_result_get_value (result, i, PROVIDER_CURRENCY));

      if (!tg_billing_unit_parse (billing_unit, &provider->billing_unit) ||
          !tg_quota_unit_parse (quota_unit, &provider->quota_unit))
        {
          g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                       "Provider “%s” has units Tollgate does not know (“%s”, “%s”)",
                       provider->slug, billing_unit, quota_unit);
          return NULL;
        }

      /* NULL: no quota (Postcodes.io is free). */
      provider->monthly_quota = tg_db_result_is_null (result, i, PROVIDER_MONTHLY_QUOTA)
                                ? 0 : tg_db_result_get_int64 (result, i, PROVIDER_MONTHLY_QUOTA);
      provider->enabled = tg_db_result_get_boolean (result, i, PROVIDER_ENABLED);

      g_strfreev (provider->primary_regions);
      provider->primary_regions =
        split_regions (tg_db_result_get_value (result, i, PROVIDER_PRIMARY_REGIONS));
      g_strfreev (provider->backup_regions);
      provider->backup_regions =
        split_regions (tg_db_result_get_value (result, i, PROVIDER_BACKUP_REGIONS));
      g_strfreev (provider->active_regions);
      provider->active_regions =
        split_regions (tg_db_result_get_value (result, i, PROVIDER_ACTIVE_REGIONS));

      g_ptr_array_add (providers, g_steal_pointer (&provider));
    }

  return g_steal_pointer (&providers);
}

static gpointer
parse_providers_cb (TgDbResult  *result,
                    gpointer     data,
                    GError     **error)
{
  return tg_catalog_providers_parse_result (result, error);
}

/**
 * tg_catalog_fetch_providers:
 *
 * Blocks until the catalogue is read.
 *
 * Returns: (transfer full) (element-type TgProvider): the providers, by display name
 */
GPtrArray *
tg_catalog_fetch_providers (PGconn  *conn,
                            GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_catalog_providers_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_providers_cb, NULL, error);
}

/**
 * tg_catalog_providers_async:
 * @connection: a connection of the calling thread's main context
 *
 * Reads the provider catalogue without blocking.
 */
void
tg_catalog_providers_async (TgDbConnection      *connection,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_catalog_providers_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_providers_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_catalog_providers_async,
                           cancellable, callback, user_data);
}

/**
 * tg_catalog_providers_finish:
 *
 * Returns: (transfer full) (element-type TgProvider): the providers, by display name
 */
GPtrArray *
tg_catalog_providers_finish (TgDbConnection  *connection,
                             GAsyncResult    *result,
                             GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_catalog_providers_async, error);
}

/**
 * tg_catalog_find_provider:
 * @providers: (element-type TgProvider) (nullable): a catalogue
 *
 * Returns: (transfer none) (nullable): the provider of @slug
 */
TgProvider *
tg_catalog_find_provider (GPtrArray  *providers,
                          const char *slug)
{
  for (guint i = 0; providers != NULL && i < providers->len; i++)
    {
      TgProvider *provider = g_ptr_array_index (providers, i);

      if (g_strcmp0 (provider->slug, slug) == 0)
        return provider;
    }

  return NULL;
}

/* Scopes */

static const char scopes_sql[] =
  "SELECT 'feature', name, display_name FROM tollgate.features "
  "UNION ALL "
  "SELECT 'cost-centre', code, display_name FROM tollgate.cost_centres "
  "ORDER BY 1 DESC, 3, 2";

void
tg_catalog_scope_free (TgCatalogScope *scope)
{
  if (scope == NULL)
    return;

  g_free (scope->name);
  g_free (scope->display_name);
  g_free (scope);
}

/**
 * tg_catalog_scopes_statement_new:
 *
 * Returns: (transfer full): the statement that reads the catalogue's features and cost
 *   centres; read its result with tg_catalog_scopes_parse_result()
 */
TgDbStatement *
tg_catalog_scopes_statement_new (void)
{
  return tg_db_statement_new (scopes_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_catalog_scopes_parse_result:
 *
 * Returns: (transfer full) (element-type TgCatalogScope): the features by display name,
 *   then the cost centres by display name
 */
GPtrArray *
tg_catalog_scopes_parse_result (TgDbResult  *result,
                                GError     **error)
{
  g_autoptr(GPtrArray) scopes = NULL;
  int n_rows;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tg_db_result_check_n_cols (result, 3, "features and cost centres", error))
    return NULL;

  n_rows = tg_db_result_get_n_rows (result);
  scopes = g_ptr_array_new_full (n_rows, (GDestroyNotify)tg_catalog_scope_free);
  for (int i = 0; i < n_rows; i++)
    {
      TgCatalogScope *scope = g_new0 (TgCatalogScope, 1);

      scope->kind = g_strcmp0 (tg_db_result_get_value (result, i, 0), "feature") == 0
                    ? TG_FORECAST_SCOPE_FEATURE : TG_FORECAST_SCOPE_COST_CENTRE;
      scope->name = g_strdup (tg_db_result_get_value (result, i, 1));
      scope->display_name = g_strdup (tg_db_result_get_value (result, i, 2));
      g_ptr_array_add (scopes, scope);
    }

  return g_steal_pointer (&scopes);
}

static gpointer
parse_scopes_cb (TgDbResult  *result,
                 gpointer     data,
                 GError     **error)
{
  return tg_catalog_scopes_parse_result (result, error);
}

/**
 * tg_catalog_fetch_scopes:
 *
 * Blocks until the features and cost centres are read.
 *
 * Returns: (transfer full) (element-type TgCatalogScope): as
 *   tg_catalog_scopes_parse_result()
 */
GPtrArray *
tg_catalog_fetch_scopes (PGconn  *conn,
                         GError **error)
{
  g_autoptr(TgDbStatement) statement = tg_catalog_scopes_statement_new ();

  g_return_val_if_fail (conn != NULL, NULL);

  return tg_db_typed_query_run (conn, statement, parse_scopes_cb, NULL, error);
}

/**
 * tg_catalog_scopes_async:
 * @connection: a connection of the calling thread's main context
 *
 * Reads the features and cost centres without blocking.
 */
void
tg_catalog_scopes_async (TgDbConnection      *connection,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(TgDbStatement) statement = tg_catalog_scopes_statement_new ();

  tg_db_typed_query_async (connection, statement, parse_scopes_cb, NULL, NULL,
                           (GDestroyNotify)g_ptr_array_unref, tg_catalog_scopes_async,
                           cancellable, callback, user_data);
}

/**
 * tg_catalog_scopes_finish:
 *
 * Returns: (transfer full) (element-type TgCatalogScope): as
 *   tg_catalog_scopes_parse_result()
 */
GPtrArray *
tg_catalog_scopes_finish (TgDbConnection  *connection,
                          GAsyncResult    *result,
                          GError         **error)
{
  return tg_db_typed_query_finish (connection, result, tg_catalog_scopes_async, error);
}

/**
 * tg_catalog_find_scope:
 * @scopes: (element-type TgCatalogScope) (nullable): features and cost centres
 *
 * Returns: (transfer none) (nullable): the feature or cost centre @name
 */
TgCatalogScope *
tg_catalog_find_scope (GPtrArray           *scopes,
                       TgForecastScopeKind  kind,
                       const char          *name)
{
  for (guint i = 0; scopes != NULL && i < scopes->len; i++)
    {
      TgCatalogScope *scope = g_ptr_array_index (scopes, i);

      if (scope->kind == kind && g_strcmp0 (scope->name, name) == 0)
        return scope;
    }

  return NULL;
}
