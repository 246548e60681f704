/* test-catalog-queries.c — the provider catalogue and the activity figures, blocking and
 * asynchronous, against the migrated reference data and plain SQL.
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "tg-activity-queries.h"
#include "tg-catalog-queries.h"
#include "tg-db-connection.h"
#include "tg-test-db.h"

#define GUARD_SECONDS 60

static gboolean
guard_expired_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default context until *@result is set; the guard turns a hang into
 * a failure with a message (it is not a timing assertion).
 */
static void
wait_for_result (GAsyncResult **result)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  GSource *guard = g_timeout_source_new_seconds (GUARD_SECONDS);
  gboolean expired = FALSE;

  g_source_set_callback (guard, guard_expired_cb, &expired, NULL);
  g_source_attach (guard, context);
  while (*result == NULL && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  g_main_context_unref (context);

  if (*result == NULL)
    g_error ("Gave up after %d s waiting for a query", GUARD_SECONDS);
}

static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
strv_equal (GStrv       strv,
            const char *joined)
{
  g_autofree char *text = g_strjoinv (",", strv);

  return g_strcmp0 (text, joined) == 0;
}

static void
assert_reference_catalogue (GPtrArray *providers)
{
  TgProvider *geoscape;
  TgProvider *openai;
  TgProvider *postcodes;
  TgProvider *smarty;

  /* 0002_reference.sql: six providers, by display name. */
  g_assert_cmpuint (providers->len, ==, 6);
  g_assert_cmpstr (((TgProvider *)g_ptr_array_index (providers, 0))->display_name, ==,
                   "Canada Post");
  g_assert_cmpstr (((TgProvider *)g_ptr_array_index (providers, 5))->display_name, ==,
                   "SmartyStreets");

  geoscape = tg_catalog_find_provider (providers, "geoscape");
  g_assert_nonnull (geoscape);
  g_assert_cmpstr (geoscape->display_name, ==, "Geoscape");
  g_assert_cmpstr (geoscape->home_region, ==, "AU");
  g_assert_cmpstr (geoscape->currency, ==, "AUD");
  g_assert_cmpint (geoscape->billing_unit, ==, TG_BILLING_UNIT_CREDIT);
  g_assert_cmpint (geoscape->quota_unit, ==, TG_QUOTA_UNIT_CREDITS);
  g_assert_cmpint (geoscape->monthly_quota, ==, 250000);
  g_assert_true (geoscape->enabled);
  g_assert_true (strv_equal (geoscape->primary_regions, "AU"));
  g_assert_true (strv_equal (geoscape->backup_regions, ""));
  g_assert_true (strv_equal (geoscape->active_regions, "AU"));

  openai = tg_catalog_find_provider (providers, "openai");
  g_assert_cmpint (openai->billing_unit, ==, TG_BILLING_UNIT_TOKEN);
  g_assert_cmpint (openai->quota_unit, ==, TG_QUOTA_UNIT_TOKENS);
  g_assert_cmpint (openai->monthly_quota, ==, 250000000);
  g_assert_true (tg_provider_counts_tokens (openai));

  /* Free, without a quota. */
  postcodes = tg_catalog_find_provider (providers, "postcodes_io");
  g_assert_false (tg_provider_has_quota (postcodes));
  g_assert_cmpstr (postcodes->currency, ==, "GBP");
  g_assert_true (strv_equal (postcodes->backup_regions, "EU"));

  smarty = tg_catalog_find_provider (providers, "smarty_streets");
  g_assert_true (strv_equal (smarty->primary_regions, "US"));
  g_assert_true (strv_equal (smarty->backup_regions, "AU,CA"));

  g_assert_null (tg_catalog_find_provider (providers, "acme"));
  g_assert_null (tg_catalog_find_provider (NULL, "geoscape"));
}

static void
test_providers (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(TgDbConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) blocking = NULL;
  g_autoptr(GPtrArray) async = NULL;
  g_autoptr(GPtrArray) failed_over = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *viewer_conninfo = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *sql = NULL;
  TgProvider *smarty;

  if ((db = tg_test_db_new (TRUE)) == NULL)
    return;

  blocking = tg_catalog_fetch_providers (db->conn, &error);
  g_assert_no_error (error);
  assert_reference_catalogue (blocking);

  /* Asynchronously, as a viewer: the same catalogue. */
  viewer = tg_test_unique_name ("tgcat");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", viewer);
  tg_test_db_exec (db, sql);
  viewer_conninfo = tg_test_db_conninfo_as (db, viewer);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  connection = tg_db_connection_new (viewer_conninfo);
  tg_catalog_providers_async (connection, NULL, store_result_cb, &result);
  wait_for_result (&result);
  async = tg_catalog_providers_finish (connection, result, &error);
  g_assert_no_error (error);
  assert_reference_catalogue (async);

  /* A failover: the backup becomes the active provider of a region. */
  tg_test_db_exec (db, "UPDATE tollgate.regions SET active_provider = backup_provider "
                       "WHERE code = 'AU'");
  g_clear_object (&result);
  tg_catalog_providers_async (connection, NULL, store_result_cb, &result);
  wait_for_result (&result);
  failed_over = tg_catalog_providers_finish (connection, result, &error);
  g_assert_no_error (error);
  smarty = tg_catalog_find_provider (failed_over, "smarty_streets");
  g_assert_true (strv_equal (smarty->active_regions, "AU,US"));
  g_assert_true (strv_equal (tg_catalog_find_provider (failed_over, "geoscape")->active_regions,
                             ""));

  tg_db_connection_close (connection);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_object (&connection);
  g_main_context_pop_thread_default (context);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", viewer);
  tg_test_db_exec (db, sql);
}

/* Features and cost centres with their display names, blocking and as a viewer
 * asynchronously. */
static void
test_scopes (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(TgDbConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) blocking = NULL;
  g_autoptr(GPtrArray) async = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *viewer_conninfo = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *sql = NULL;
  TgCatalogScope *scope;

  if ((db = tg_test_db_new (TRUE)) == NULL)
    return;

  blocking = tg_catalog_fetch_scopes (db->conn, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocking->len, ==, 0);

  tg_test_db_exec (db, "INSERT INTO tollgate.cost_centres (code, display_name) VALUES "
                       "('LOG', 'Logistics'), ('ECOM', 'E-commerce');"
                       "INSERT INTO tollgate.features (name, display_name, cost_centre) VALUES "
                       "('checkout', 'Checkout', 'ECOM'), ('address.autocomplete', "
                       "'Address autocomplete', NULL)");

  viewer = tg_test_unique_name ("tgcat");
  sql = g_strdup_printf ("CREATE ROLE %s LOGIN IN ROLE tollgate_viewer", viewer);
  tg_test_db_exec (db, sql);
  viewer_conninfo = tg_test_db_conninfo_as (db, viewer);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  connection = tg_db_connection_new (viewer_conninfo);
  tg_catalog_scopes_async (connection, NULL, store_result_cb, &result);
  wait_for_result (&result);
  async = tg_catalog_scopes_finish (connection, result, &error);
  g_assert_no_error (error);

  /* Features first, then cost centres, each by display name. */
  g_assert_cmpuint (async->len, ==, 4);
  scope = g_ptr_array_index (async, 0);
  g_assert_cmpint (scope->kind, ==, TG_FORECAST_SCOPE_FEATURE);
  g_assert_cmpstr (scope->name, ==, "address.autocomplete");
  g_assert_cmpstr (scope->display_name, ==, "Address autocomplete");
  scope = g_ptr_array_index (async, 1);
  g_assert_cmpstr (scope->name, ==, "checkout");
  scope = g_ptr_array_index (async, 2);
  g_assert_cmpint (scope->kind, ==, TG_FORECAST_SCOPE_COST_CENTRE);
  g_assert_cmpstr (scope->name, ==, "ECOM");
  g_assert_cmpstr (scope->display_name, ==, "E-commerce");
  scope = g_ptr_array_index (async, 3);
  g_assert_cmpstr (scope->name, ==, "LOG");

  g_assert_true (tg_catalog_find_scope (async, TG_FORECAST_SCOPE_COST_CENTRE, "LOG") == scope);
  g_assert_null (tg_catalog_find_scope (async, TG_FORECAST_SCOPE_FEATURE, "LOG"));
  g_assert_null (tg_catalog_find_scope (NULL, TG_FORECAST_SCOPE_FEATURE, "checkout"));

  tg_db_connection_close (connection);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_object (&connection);
  g_main_context_pop_thread_default (context);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("DROP ROLE %s", viewer);
  tg_test_db_exec (db, sql);
}

static TgActivityStats
stats_now (TgDbConnection *connection,
           gint64          after_id)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  TgActivityStats stats = { -1, -1 };

  g_ptr_array_add (statements, tg_activity_stats_statement_new (after_id));
  tg_db_connection_query_batch_async (connection, statements, NULL, store_result_cb, &result);
  wait_for_result (&result);
  results = tg_db_connection_query_batch_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_true (tg_activity_stats_parse_result (g_ptr_array_index (results, 0), &stats, &error));
  g_assert_no_error (error);

  return stats;
}

static void
test_activity_stats (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(TgDbConnection) connection = NULL;
  TgActivityStats stats;
  gint64 middle;
  gint64 newest;

  if ((db = tg_test_db_new (TRUE)) == NULL)
    return;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  connection = tg_db_connection_new (db->conninfo);

  /* An empty table: nothing counted, counting starts at 0. */
  stats = stats_now (connection, -1);
  g_assert_cmpint (stats.new_calls, ==, 0);
  g_assert_cmpint (stats.last_id, ==, 0);

  /* 50 calls in one row, then 3 + 4 calls in two rows. */
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status, created_at) "
    "VALUES ('here', '/v1/geocode', 'geocode', 50, 200, now () - interval '1 hour')");
  middle = tg_test_db_scalar_int (db, "SELECT max (api_usage_id) FROM tollgate.api_usage_tracking");
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 3, 200), "
    "       ('openai', '/v1/chat/completions', 'chat', 4, 0)");
  newest = tg_test_db_scalar_int (db, "SELECT max (api_usage_id) FROM tollgate.api_usage_tracking");

  /* The first poll learns where to start and counts nothing, however much the table holds. */
  stats = stats_now (connection, -1);
  g_assert_cmpint (stats.new_calls, ==, 0);
  g_assert_cmpint (stats.last_id, ==, newest);

  stats = stats_now (connection, middle);
  g_assert_cmpint (stats.new_calls, ==, 7);
  g_assert_cmpint (stats.last_id, ==, newest);

  stats = stats_now (connection, 0);
  g_assert_cmpint (stats.new_calls, ==, 57);

  stats = stats_now (connection, newest);
  g_assert_cmpint (stats.new_calls, ==, 0);
  g_assert_cmpint (stats.last_id, ==, newest);

  tg_db_connection_close (connection);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_clear_object (&connection);
  g_main_context_pop_thread_default (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/catalog-queries/providers", test_providers);
  g_test_add_func ("/tollgate/db/catalog-queries/scopes", test_scopes);
  g_test_add_func ("/tollgate/db/catalog-queries/activity-stats", test_activity_stats);

  return g_test_run ();
}
