/* test-window-restart.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window while the database server goes away and comes back: a banner says
 * so, the header keeps its figures marked stale, and both clear by themselves when the
 * server returns. This stops the shared test cluster, so meson runs it alone
 * (is_parallel: false), like test-connection.
 */

#include "config.h"

#include <string.h>

#include "tg-application.h"
#include "tg-banner.h"
#include "tg-month-summary.h"
#include "tg-overview-page.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-window.h"

static gboolean have_display;
static TgApplication *app;

static void
test_restart_body (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  TgMonthSummary *summary;
  TgOverviewPage *page;
  TgProviderCard *card;
  TgBanner *banner;
  TgWindow *window;
  gint64 calls;

  db = tg_test_db_new (TRUE);
  g_assert_nonnull (db);
  tg_test_db_exec (db,
    "INSERT INTO tollgate.api_usage_tracking "
    "  (api_provider, api_endpoint, request_type, call_count, response_status) "
    "VALUES ('geoscape', '/v1/addresses', 'validate', 42, 200)");

  window = g_object_ref (tg_application_open_window (app, db->conninfo));
  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);

  summary = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_MONTH_SUMMARY);
  banner = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_BANNER);
  g_assert_nonnull (summary);
  g_assert_nonnull (banner);
  g_assert_true (tg_month_summary_get_has_data (summary));
  calls = tg_month_summary_get_calls (summary);
  g_assert_cmpint (calls, ==, 42);
  g_assert_false (tg_banner_get_revealed (banner));
  g_assert_false (tg_month_summary_get_stale (summary));

  page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_OVERVIEW_PAGE);
  g_assert_nonnull (page);
  card = tg_overview_page_get_card (page, "geoscape");
  g_assert_nonnull (card);
  g_assert_cmpint (tg_provider_card_get_count (card), ==, 42);
  g_assert_false (tg_overview_page_get_stale (page));

  /* The server goes away: a banner, and the last figures stay, marked stale. */
  tg_test_cluster_command ("stop");
  TG_TEST_ITERATE_UNTIL (tg_banner_get_revealed (banner));
  g_assert_true (tg_month_summary_get_stale (summary));
  g_assert_cmpint (tg_month_summary_get_calls (summary), ==, calls);
  g_assert_cmpint (tg_month_summary_get_database_status (summary), ==,
                   TG_DB_CONNECTION_STATUS_RECONNECTING);
  g_assert_nonnull (strstr (tg_banner_get_title (banner), "connection to the database was lost"));
  /* On screen, not only in the property: the template binds the label and the button. */
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (banner, "connection to the database was lost") &&
                         tg_test_ui_shows (banner, "Retry Now"));
  text = tg_test_ui_text (window, TRUE);
  g_assert_nonnull (strstr (text, "Stale"));
  g_assert_nonnull (strstr (text, "42"));

  /* The Overview keeps its cards too, marked stale. */
  g_assert_true (tg_overview_page_get_stale (page));
  g_assert_true (tg_overview_page_get_has_data (page));
  g_assert_true (tg_overview_page_get_card (page, "geoscape") == card);
  g_assert_cmpint (tg_provider_card_get_count (card), ==, 42);

  /* Nothing waits on the UI thread: the window still answers while the server is down. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));

  /* It comes back: the window recovers by itself. */
  tg_test_cluster_command ("start");
  TG_TEST_ITERATE_UNTIL (!tg_banner_get_revealed (banner) && !tg_month_summary_get_stale (summary));
  TG_TEST_ITERATE_UNTIL (!tg_overview_page_get_stale (page));
  g_assert_cmpint (tg_provider_card_get_count (tg_overview_page_get_card (page, "geoscape")), ==, 42);
  g_assert_cmpint (tg_month_summary_get_database_status (summary), ==,
                   TG_DB_CONNECTION_STATUS_CONNECTED);
  g_assert_cmpint (tg_month_summary_get_calls (summary), ==, calls);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

static void
test_restart (void)
{
  if (!have_display)
    {
      if (tg_test_services_required ())
        g_error ("No display inside tools/with-services (is Xvfb running?)");
      g_test_skip ("No display");
      return;
    }

  if (g_getenv ("TG_SERVICES_DIR") == NULL)
    {
      g_test_skip ("Restarting the server needs the cluster of tools/with-services");
      return;
    }

  /* The body stops the shared cluster; run it in a child so that this process can start
   * the cluster again whatever happens, and later tests find it up.
   */
  if (g_test_subprocess ())
    {
      test_restart_body ();
      return;
    }

  g_test_trap_subprocess (NULL, 150 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  tg_test_cluster_command ("start");
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();
  if (have_display)
    {
      app = tg_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/tollgate/ui/window-restart/restart", test_restart);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
