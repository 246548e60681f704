/* test-demo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "Try the Demo" for real, on a display (Xvfb inside tools/with-services): a private
 * cluster in a temporary TOLLGATE_DEMO_DIR with two days of history
 * (TOLLGATE_DEMO_DAYS), started from the welcome page's button, the window connected
 * to it with data on the Overview, live traffic arriving, and nothing left running once
 * the window closes. Also: cancelling a start, reusing the cluster, and the button's
 * blocker when the server programs are missing. As root the server runs as the
 * postgres user, as in tools/demo. Waits iterate the main loop; their guard only turns
 * a hang into a message.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg-application.h"
#include "tg-demo.h"
#include "tg-overview-page.h"
#include "tg-provider-card.h"
#include "tg-test-db.h"
#include "tg-test-ui.h"
#include "tg-welcome-page.h"
#include "tg-window.h"

#define DEMO_DAYS     "2"

static gboolean have_display;
static TgApplication *app;
static char *demo_parent;
static char *demo_dir;

/* Display, server programs: missing ones skip outside tools/with-services. */
static gboolean
require_demo (void)
{
  g_autoptr(GError) error = NULL;

  if (!have_display)
    {
      if (tg_test_services_required ())
        g_error ("No display inside tools/with-services (is Xvfb running?)");
      g_test_skip ("No display");
      return FALSE;
    }

  if (!tg_demo_check (&error))
    {
      if (tg_test_services_required ())
        g_error ("The demo cannot run inside tools/with-services: %s", error->message);
      g_test_skip_printf ("The demo cannot run here: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
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

/* A welcome window, mapped, whose demo check has answered. */
static TgWindow *
open_welcome (void)
{
  TgWindow *window = g_object_ref (tg_window_new_welcome (app));
  GtkWidget *button;

  gtk_window_present (GTK_WINDOW (window));
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  TG_TEST_ITERATE_UNTIL (tg_window_get_ready (window));

  button = find_actionable (GTK_WIDGET (window), "win.start-demo");
  g_assert_nonnull (button);
  TG_TEST_ITERATE_UNTIL (gtk_widget_get_tooltip_text (button) != NULL);

  return window;
}

static void
on_status (TgDemo     *demo,
           GParamSpec *pspec,
           GPtrArray  *statuses)
{
  if (tg_demo_get_status (demo) != NULL)
    g_ptr_array_add (statuses, g_strdup (tg_demo_get_status (demo)));
}

static gboolean
seen (GPtrArray  *statuses,
      const char *prefix)
{
  for (guint i = 0; i < statuses->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (statuses, i), prefix))
      return TRUE;

  return FALSE;
}

/* Presses "Try the Demo"; the statuses the demo goes through land in @statuses. */
static TgDemo *
press_demo_button (TgWindow  *window,
                   GPtrArray *statuses)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (window), "win.start-demo");
  TgDemo *demo;

  g_assert_true (gtk_widget_get_sensitive (button));
  /* A button's activation shows it pressed for a moment before it is clicked. */
  g_assert_true (gtk_widget_activate (button));
  TG_TEST_ITERATE_UNTIL (tg_application_get_demo (app) != NULL &&
                 !gtk_widget_get_sensitive (button));

  demo = tg_application_get_demo (app);
  g_assert_cmpstr (tg_demo_get_dir (demo), ==, demo_dir);
  g_signal_connect (demo, "notify::status", G_CALLBACK (on_status), statuses);

  return demo;
}

static char *
pid_file_path (void)
{
  return g_build_filename (demo_dir, "data", "postmaster.pid", NULL);
}

static GPid
read_postmaster_pid (void)
{
  g_autofree char *path = pid_file_path ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return (GPid)g_ascii_strtoll (contents, NULL, 10);
}

/* Whether @pid runs; a zombie (ended, not yet reaped by whoever inherited it) does not. */
static gboolean
process_exists (GPid pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int)pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return FALSE;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;

  /* "pid (comm) S …": the state follows the last parenthesis. */
  state = strrchr (stat, ')');
  return state == NULL || state[1] == '\0' || state[2] != 'Z';
}

static void
assert_nothing_runs (void)
{
  g_autofree char *pid_file = pid_file_path ();

  g_assert_false (g_file_test (pid_file, G_FILE_TEST_EXISTS));
}

static gint64
count_rows (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);
  g_autofree char *count = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  count = tg_test_conn_scalar (conn, "SELECT count(*) FROM tollgate.api_usage_tracking");
  PQfinish (conn);

  return g_ascii_strtoll (count, NULL, 10);
}

static gint64
sum_of_counts (GtkWidget *widget)
{
  gint64 sum = 0;

  if (TG_IS_PROVIDER_CARD (widget))
    return tg_provider_card_get_count (TG_PROVIDER_CARD (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sum += sum_of_counts (child);

  return sum;
}

/* The calls counted on the Overview's provider cards. */
static gint64
sum_of_cards (TgWindow *window)
{
  TgOverviewPage *page = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_OVERVIEW_PAGE);

  g_assert_nonnull (page);
  if (tg_overview_page_get_n_cards (page) == 0)
    return 0;

  return sum_of_counts (GTK_WIDGET (page));
}

/* Closing the window stops the demo: no simulator, no server. */
static void
close_and_assert_stopped (TgWindow *window,
                          TgDemo   *demo)
{
  GPid simulator = tg_demo_get_simulator_pid (demo);
  GPid postmaster = read_postmaster_pid ();

  g_assert_cmpint (simulator, >, 0);
  g_assert_cmpint (postmaster, >, 0);
  g_assert_true (process_exists (simulator));
  g_assert_true (process_exists (postmaster));

  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);

  TG_TEST_ITERATE_UNTIL (!tg_demo_get_running (demo));
  g_assert_false (process_exists (simulator));
  /* pg_ctl stop -w returns once the postmaster has removed its pid file, a moment
   * before the process ends.
   */
  assert_nothing_runs ();
  TG_TEST_ITERATE_UNTIL (!process_exists (postmaster));
}

/* A folder of server programs whose initdb only says that it runs (its pid, in
 * initdb.pid beside it) and then waits to be ended: pg_ctl, postgres and psql are the
 * real ones. Made readable for the postgres user, which runs initdb when we are root.
 */
static char *
make_initdb_stand_in (char **pid_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *real = tg_demo_find_server_bindir (&error);
  g_autofree char *dir = g_dir_make_tmp ("tg-initdb-XXXXXX", &error);
  g_autofree char *initdb = NULL;
  static const char * const linked[] = { "pg_ctl", "postgres", "psql" };
  static const char script[] =
    "#!/bin/sh\n"
    "echo $$ > \"$(dirname \"$0\")/initdb.pid\"\n"
    "exec sleep 600\n";

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (linked); i++)
    {
      g_autofree char *target = g_build_filename (real, linked[i], NULL);
      g_autofree char *link = g_build_filename (dir, linked[i], NULL);

      if (g_file_test (target, G_FILE_TEST_IS_EXECUTABLE))
        g_assert_cmpint (symlink (target, link), ==, 0);
    }

  initdb = g_build_filename (dir, "initdb", NULL);
  g_assert_true (g_file_set_contents (initdb, script, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (initdb, 0755), ==, 0);

  *pid_file = g_build_filename (dir, "initdb.pid", NULL);
  g_assert_true (g_file_set_contents (*pid_file, "", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (*pid_file, 0666), ==, 0);

  return g_steal_pointer (&dir);
}

static GPid
read_stand_in_pid (const char *pid_file)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (pid_file, &contents, NULL, NULL))
    return 0;

  return (GPid)g_ascii_strtoll (contents, NULL, 10);
}

static void remove_tree (const char *path);

/* Cancel while initdb runs: the window returns to the welcome page, initdb is ended, and
 * no server runs. That the cancel comes while initdb runs is forced, not a matter of
 * how fast initdb is: a stand-in initdb runs until something ends it. Run in a child,
 * whose environment can point the demo at the stand-in.
 */
static void
test_cancel (void)
{
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *bindir = NULL;
  g_autofree char *pid_file = NULL;
  TgWelcomePage *welcome;
  TgWindow *window;
  TgDemo *demo;
  GPid initdb = 0;

  if (!require_demo ())
    return;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  statuses = g_ptr_array_new_with_free_func (g_free);
  bindir = make_initdb_stand_in (&pid_file);
  g_setenv ("TOLLGATE_PG_BINDIR", bindir, TRUE);

  window = open_welcome ();
  welcome = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_WELCOME_PAGE);
  demo = press_demo_button (window, statuses);

  /* Progress shows on the welcome page, with its Cancel button enabled. */
  TG_TEST_ITERATE_UNTIL (tg_welcome_page_get_demo_status (welcome) != NULL);
  g_assert_true (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (window),
                                                            "win.cancel-demo")));
  /* On screen: the template binds the progress line to the status, in place of the
   * buttons. */
  TG_TEST_ITERATE_UNTIL (tg_welcome_page_get_demo_status (welcome) != NULL &&
                         tg_test_ui_shows (welcome, tg_welcome_page_get_demo_status (welcome)));
  g_assert_true (gtk_widget_get_mapped (find_actionable (GTK_WIDGET (window), "win.cancel-demo")));
  g_assert_false (gtk_widget_get_mapped (find_actionable (GTK_WIDGET (window), "win.start-demo")));
  g_assert_false (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (window),
                                                             "win.start-demo")));

  /* initdb runs, and only a cancel will end it. The step's status is handed to this
   * thread before initdb starts, but may be dispatched after its pid file appears. */
  TG_TEST_ITERATE_UNTIL ((initdb = read_stand_in_pid (pid_file)) > 0 &&
                         seen (statuses, "Creating the demo database cluster"));
  g_assert_true (process_exists (initdb));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-demo", NULL);

  TG_TEST_ITERATE_UNTIL (tg_welcome_page_get_demo_status (welcome) == NULL);
  TG_TEST_ITERATE_UNTIL (tg_test_ui_shows (window, "The demo was cancelled"));
  g_assert_false (tg_demo_get_running (demo));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NOT_CONFIGURED);
  g_assert_true (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (window),
                                                            "win.start-demo")));
  g_assert_false (process_exists (initdb));
  g_assert_false (seen (statuses, "Starting PostgreSQL"));
  assert_nothing_runs ();

  g_signal_handlers_disconnect_by_data (demo, statuses);
  gtk_window_destroy (GTK_WINDOW (window));
  tg_test_ui_drain ();
  g_assert_finalize_object (window);
  remove_tree (bindir);
}

/* With TOLLGATE_DEMO_SCREENSHOTS=DIR the run leaves pictures of its progress and its
 * result there, for people to look at.
 */
static void
set_flag (gboolean *flag)
{
  *flag = TRUE;
}

static void
save_screenshot (TgWindow   *window,
                 const char *name)
{
  const char *dir = g_getenv ("TOLLGATE_DEMO_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean drawn = FALSE;
  GdkFrameClock *clock;

  if (dir == NULL)
    return;

  /* One frame with what is shown now. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &drawn);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  TG_TEST_ITERATE_UNTIL (drawn);
  g_signal_handlers_disconnect_by_data (clock, &drawn);

  path = g_build_filename (dir, name, NULL);
  file = g_file_new_for_path (path);
  tg_window_save_png (window, file, &error);
  g_assert_no_error (error);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The dashboard as --screenshot saves it: once the Overview has settled. */
static void
save_dashboard_screenshot (TgWindow   *window,
                           const char *name)
{
  const char *dir = g_getenv ("TOLLGATE_DEMO_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;

  path = g_build_filename (dir, name, NULL);
  file = g_file_new_for_path (path);
  tg_window_screenshot_async (window, file, NULL, store_result, &result);
  TG_TEST_ITERATE_UNTIL (result != NULL);
  tg_window_screenshot_finish (window, result, &error);
  g_assert_no_error (error);
}

static TgDemo *
run_demo (TgWindow  *window,
          GPtrArray *statuses)
{
  TgWelcomePage *welcome = tg_test_ui_find_widget (GTK_WIDGET (window), TG_TYPE_WELCOME_PAGE);
  TgDemo *demo = press_demo_button (window, statuses);

  TG_TEST_ITERATE_UNTIL (tg_welcome_page_get_demo_status (welcome) != NULL ||
                 tg_window_get_state (window) != TG_DATABASE_STATE_NOT_CONFIGURED);
  if (tg_welcome_page_get_demo_status (welcome) != NULL)
    save_screenshot (window, "demo-progress.png");
  TG_TEST_ITERATE_UNTIL (tg_window_get_state (window) == TG_DATABASE_STATE_CONNECTED &&
                 tg_window_get_ready (window));
  g_signal_handlers_disconnect_by_data (demo, statuses);

  g_assert_true (tg_demo_get_running (demo));
  g_assert_cmpstr (tg_window_get_conninfo (window), ==, tg_demo_get_conninfo (demo));

  return demo;
}

static void
test_run (void)
{
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  TgWindow *window;
  TgDemo *demo;
  gint64 rows;

  if (!require_demo ())
    return;

  window = open_welcome ();
  demo = run_demo (window, statuses);

  g_assert_true (seen (statuses, "Creating the demo database cluster"));
  g_assert_true (seen (statuses, "Starting PostgreSQL…"));
  g_assert_true (seen (statuses, "Simulating " DEMO_DAYS " days of history"));
  g_assert_true (seen (statuses, "Rolling up…"));

  /* The history is in, and the Overview shows this month's part of it. */
  rows = count_rows (tg_demo_get_conninfo (demo));
  g_assert_cmpint (rows, >, 1000);
  TG_TEST_ITERATE_UNTIL (sum_of_cards (window) > 0);
  save_dashboard_screenshot (window, "demo-result.png");

  /* Live traffic arrives. */
  TG_TEST_ITERATE_UNTIL (count_rows (tg_demo_get_conninfo (demo)) > rows);

  /* Not remembered: the demo's server does not run at the next start. */
  {
    g_autofree char *remembered = g_settings_get_string (tg_application_get_settings (app),
                                                         "last-connection");
    g_assert_cmpstr (remembered, ==, "");
  }

  close_and_assert_stopped (window, demo);
}

/* The second time the cluster is reused and today's history is already there. */
static void
test_again (void)
{
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  TgWindow *window;
  TgDemo *demo;

  if (!require_demo ())
    return;

  window = open_welcome ();
  demo = run_demo (window, statuses);

  g_assert_false (seen (statuses, "Creating the demo database cluster"));
  g_assert_true (seen (statuses, "Starting PostgreSQL…"));
  g_assert_false (seen (statuses, "Simulating"));
  g_assert_cmpint (count_rows (tg_demo_get_conninfo (demo)), >, 1000);

  close_and_assert_stopped (window, demo);
}

/* app.quit with the demo running: the windows close at once and the main loop goes on
 * while the demo stops on its thread (the UI thread never waits for pg_ctl); the
 * application ends when the server is down. Run in a child, under g_application_run().
 */
typedef struct
{
  TgDemo   *demo;
  GPid      postmaster;
  GPid      simulator;
  gboolean  shutting_down;
  gboolean  dispatched_while_stopping;
} QuitRun;

static void
on_shutdown (QuitRun *run)
{
  run->shutting_down = TRUE;
}

/* Dispatched by the application's main loop, not by something shutdown iterates (it
 * iterates the context while it joins worker threads): the loop still runs. The demo's
 * running turns FALSE on this context when its stop has finished.
 */
static gboolean
heartbeat_cb (gpointer data)
{
  QuitRun *run = data;

  run->dispatched_while_stopping = !run->shutting_down && tg_demo_get_running (run->demo);

  return G_SOURCE_REMOVE;
}

static gboolean
start_and_quit_cb (gpointer data)
{
  QuitRun *run = data;
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  TgWindow *window;

  g_assert_nonnull (windows);
  window = windows->data;
  run->demo = g_object_ref (run_demo (window, statuses));
  run->postmaster = read_postmaster_pid ();
  run->simulator = tg_demo_get_simulator_pid (run->demo);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* First in line at the next iteration, before the stop's completion can be. */
  g_idle_add_full (G_PRIORITY_HIGH, heartbeat_cb, run, NULL);

  return G_SOURCE_REMOVE;
}

static void
test_quit (void)
{
  if (!require_demo ())
    return;

  if (g_test_subprocess ())
    {
      static const char * const libpq_environment[] = {
        "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE",
      };
      QuitRun run = { 0 };
      int status;

      /* Without a database in the environment the application opens the welcome page. */
      for (guint i = 0; i < G_N_ELEMENTS (libpq_environment); i++)
        g_unsetenv (libpq_environment[i]);

      g_signal_connect_swapped (app, "shutdown", G_CALLBACK (on_shutdown), &run);
      g_idle_add (start_and_quit_cb, &run);
      status = g_application_run (G_APPLICATION (app), 0, NULL);
      g_assert_cmpint (status, ==, 0);

      g_assert_true (run.dispatched_while_stopping);
      g_assert_false (tg_demo_get_running (run.demo));
      g_assert_false (process_exists (run.simulator));
      assert_nothing_runs ();
      TG_TEST_ITERATE_UNTIL (!process_exists (run.postmaster));
      g_clear_object (&run.demo);
      return;
    }

  g_test_trap_subprocess (NULL, 240 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Without the server programs the button is insensitive and says what to install. Run
 * in a child, whose environment can point the lookup at an empty folder.
 */
static void
test_no_server_programs (void)
{
  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  if (g_test_subprocess ())
    {
      g_autofree char *empty = g_dir_make_tmp ("tg-no-pg-XXXXXX", NULL);
      GtkWidget *button;
      TgWindow *window;

      g_setenv ("TOLLGATE_PG_BINDIR", empty, TRUE);
      window = open_welcome ();
      button = find_actionable (GTK_WIDGET (window), "win.start-demo");
      g_assert_false (gtk_widget_get_sensitive (button));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                       "PostgreSQL’s server programs are not installed (Debian package "
                       "postgresql)");

      gtk_window_destroy (GTK_WINDOW (window));
      tg_test_ui_drain ();
      g_assert_finalize_object (window);
      g_rmdir (empty);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A short path under /tmp (the socket goes there, and socket paths are short) that
   * the postgres user can reach when we are root.
   */
  demo_parent = g_dir_make_tmp ("tg-demo-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (demo_parent, 0755), ==, 0);
  demo_dir = g_build_filename (demo_parent, "demo", NULL);
  g_setenv ("TOLLGATE_DEMO_DIR", demo_dir, TRUE);
  g_setenv ("TOLLGATE_DEMO_DAYS", DEMO_DAYS, TRUE);

  have_display = gtk_init_check ();
  if (have_display)
    {
      app = tg_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/tollgate/ui/demo/no-server-programs", test_no_server_programs);
  g_test_add_func ("/tollgate/ui/demo/cancel", test_cancel);
  g_test_add_func ("/tollgate/ui/demo/run", test_run);
  g_test_add_func ("/tollgate/ui/demo/again", test_again);
  g_test_add_func ("/tollgate/ui/demo/quit", test_quit);

  status = g_test_run ();

  g_clear_object (&app);
  remove_tree (demo_parent);
  g_free (demo_dir);
  g_free (demo_parent);

  return status;
}
