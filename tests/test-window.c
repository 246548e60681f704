/* test-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window against real databases on the test cluster, on a real display
 * (Xvfb inside tools/with-services). Outside the wrapper a missing display skips.
 */

#include "config.h"

#include <string.h>

#include "tg-application.h"
#include "tg-migrator.h"
#include "tg-test-db.h"
#include "tg-window.h"

static gboolean have_display;
static TgApplication *app;

static gboolean
require_display (void)
{
  if (have_display)
    return TRUE;

  if (tg_test_services_required ())
    g_error ("No display inside tools/with-services (is Xvfb running?)");

  g_test_skip ("No display");
  return FALSE;
}

static void
iterate_until_mapped (TgWindow *window)
{
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main loop until the window's database check has a result. meson's test
 * timeout catches a check that never ends; nothing here measures time.
 */
static void
iterate_until_checked (TgWindow *window)
{
  while (tg_window_get_state (window) == TG_DATABASE_STATE_CONNECTING)
    g_main_context_iteration (NULL, TRUE);
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static TgWindow *
open_window (const char *conninfo)
{
  TgWindow *window = g_object_ref (tg_application_open_window (app, conninfo));

  gtk_window_present (GTK_WINDOW (window));
  iterate_until_mapped (window);
  iterate_until_checked (window);

  return window;
}

static void
close_window (TgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_finalize_object (window);
}

static void
collect_labels (GtkWidget *widget,
                GString   *text)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

/* The text of every label the user can see, one per line. */
static char *
visible_text (TgWindow *window)
{
  GString *text = g_string_new (NULL);

  collect_labels (GTK_WIDGET (window), text);
  return g_string_free (text, FALSE);
}

/* Whether @text holds @number as a number of its own (so 5 is not found in 15 or 2025). */
static gboolean
has_number (const char *text,
            guint       number)
{
  g_autofree char *needle = g_strdup_printf ("%u", number);
  gsize length = strlen (needle);

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    {
      if ((p == text || !g_ascii_isdigit (p[-1])) && !g_ascii_isdigit (p[length]))
        return TRUE;
    }

  return FALSE;
}

static void
assert_text_contains (const char *text,
                      const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is not among the visible labels:\n%s", needle, text);
}

static GtkStack *
find_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) &&
      gtk_stack_get_child_by_name (GTK_STACK (widget), "connecting") != NULL)
    return GTK_STACK (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *stack = find_stack (child);

      if (stack != NULL)
        return stack;
    }

  return NULL;
}

/* The window's page stack: the GtkStack with a "connecting" page. */
static void
assert_page (TgWindow   *window,
             const char *name)
{
  GtkStack *stack = find_stack (GTK_WIDGET (window));

  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, name);
}

static void
test_connected (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  g_autofree char *debug_info = NULL;
  g_autofree char *conninfo = NULL;
  const TgDatabaseCheck *check;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!require_display () || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  /* The test cluster trusts local connections, so the password is ignored: it is here
   * to prove it never reaches the screen or the debug information.
   */
  conninfo = g_strdup_printf ("%s password=hunter2-secret", db->conninfo);
  window = open_window (conninfo);

  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  assert_page (window, "connected");

  check = tg_window_get_database_check (window);
  g_assert_nonnull (check);
  g_assert_no_error (check->error);
  g_assert_cmpuint (check->schema_version, ==, latest);
  g_assert_nonnull (strstr (check->target, db->name));

  text = visible_text (window);
  assert_text_contains (text, db->name);
  assert_text_contains (text, check->server_version);
  g_assert_true (has_number (text, latest));
  g_assert_null (strstr (text, "hunter2"));

  debug_info = tg_application_dup_debug_info (app, window);
  assert_text_contains (debug_info, "libpq ");
  assert_text_contains (debug_info, "libadwaita ");
  assert_text_contains (debug_info, "GTK ");
  assert_text_contains (debug_info, db->name);
  assert_text_contains (debug_info, check->server_version);
  g_assert_true (has_number (debug_info, latest));
  g_assert_null (strstr (debug_info, "hunter2"));

  close_window (window);
}

static void
test_no_schema_then_migrate (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TgWindow *window;

  if (!require_display () || (db = tg_test_db_new (FALSE)) == NULL)
    return;

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_NO_SCHEMA);
  assert_page (window, "problem");

  text = visible_text (window);
  assert_text_contains (text, db->name);
  assert_text_contains (text, "tollgatectl migrate");

  /* Someone runs the migration; Retry (win.reconnect) then finds the schema. */
  g_assert_true (tg_migrator_migrate (db->conn, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTING);
  assert_page (window, "connecting");
  iterate_until_checked (window);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTED);
  assert_page (window, "connected");

  close_window (window);
}

static void
test_schema_behind (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!require_display () || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  tg_test_db_exec (db, "DELETE FROM tollgate.schema_migrations"
                       " WHERE version = (SELECT max(version) FROM tollgate.schema_migrations)");

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_SCHEMA_BEHIND);
  assert_page (window, "problem");

  text = visible_text (window);
  assert_text_contains (text, db->name);
  assert_text_contains (text, "tollgatectl migrate");
  g_assert_true (has_number (text, latest - 1));
  g_assert_true (has_number (text, latest));

  close_window (window);
}

static void
test_schema_too_new (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sql = NULL;
  guint latest = tg_migrator_get_latest_version ();
  TgWindow *window;

  if (!require_display () || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  sql = g_strdup_printf ("INSERT INTO tollgate.schema_migrations (version, name, checksum)"
                         " VALUES (%u, 'from_the_future', 'x')", latest + 1);
  tg_test_db_exec (db, sql);

  window = open_window (db->conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_SCHEMA_TOO_NEW);
  assert_page (window, "problem");

  text = visible_text (window);
  assert_text_contains (text, db->name);
  assert_text_contains (text, "Upgrade Tollgate");
  g_assert_true (has_number (text, latest + 1));

  close_window (window);
}

static void
test_cannot_connect (void)
{
  g_autofree char *name = tg_test_unique_name ("tgmissing");
  g_autofree char *conninfo = g_strdup_printf ("dbname=%s", name);
  g_autofree char *text = NULL;
  const TgDatabaseCheck *check;
  TgWindow *window;

  if (!require_display ())
    return;

  window = open_window (conninfo);
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CANNOT_CONNECT);
  assert_page (window, "problem");

  check = tg_window_get_database_check (window);
  g_assert_nonnull (check->error);
  g_assert_null (check->target);

  /* libpq's own message, which names the missing database. */
  text = visible_text (window);
  assert_text_contains (text, "Cannot Connect");
  assert_text_contains (text, name);

  close_window (window);
}

static void
test_bad_conninfo (void)
{
  g_autofree char *text = NULL;
  TgWindow *window;

  if (!require_display ())
    return;

  window = open_window ("this is not a connection string");
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CANNOT_CONNECT);

  text = visible_text (window);
  assert_text_contains (text, "not valid");

  close_window (window);
}

static void
test_window_size (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autofree char *last_connection = NULL;
  GSettings *settings;
  TgWindow *window;
  int width;
  int height;

  if (!require_display () || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  settings = tg_application_get_settings (app);
  g_assert_nonnull (settings);

  /* What a user's resize leaves behind; set on a realized window that is not shown,
   * so that no window manager (or its absence under Xvfb) has a say.
   */
  window = g_object_ref (tg_application_open_window (app, db->conninfo));
  gtk_window_set_default_size (GTK_WINDOW (window), 801, 602);
  gtk_widget_realize (GTK_WIDGET (window));
  iterate_until_checked (window);
  gtk_window_close (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_finalize_object (window);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 801);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 602);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  last_connection = g_settings_get_string (settings, "last-connection");
  g_assert_cmpstr (last_connection, ==, "");

  window = g_object_ref (tg_application_open_window (app, db->conninfo));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 801);
  g_assert_cmpint (height, ==, 602);
  iterate_until_checked (window);
  close_window (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_application (void)
{
  g_auto(GStrv) quit_accels = NULL;
  g_auto(GStrv) close_accels = NULL;

  if (!require_display ())
    return;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *)quit_accels, "<Control>q"));
  close_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                        "window.close");
  g_assert_true (g_strv_contains ((const char * const *)close_accels, "<Control>w"));
}

/* Criticals are fatal under GTest, so building each template is a check of it. */
static void
test_composites (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(TgTestDb) db = NULL;
  GtkWindow *about = NULL;
  GObject *overlay;
  TgWindow *window;

  if (!require_display () || (db = tg_test_db_new (TRUE)) == NULL)
    return;

  /* A window without an application, closed while its check may still run. */
  window = g_object_ref (g_object_new (TG_TYPE_WINDOW, "conninfo", db->conninfo, NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (tg_window_get_state (window), ==, TG_DATABASE_STATE_CONNECTING);
  while (G_OBJECT (window)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (window);

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* The About window, with debug information about the window's database. */
  window = open_window (db->conninfo);
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_ABOUT_WINDOW (l->data))
      about = l->data;
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  assert_text_contains (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)), db->name);
  gtk_window_destroy (about);

  close_window (window);
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
      /* Another Tollgate on the bus must not take over this one's windows. */
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/tollgate/ui/application", test_application);
  g_test_add_func ("/tollgate/ui/composites", test_composites);
  g_test_add_func ("/tollgate/ui/window/connected", test_connected);
  g_test_add_func ("/tollgate/ui/window/no-schema", test_no_schema_then_migrate);
  g_test_add_func ("/tollgate/ui/window/schema-behind", test_schema_behind);
  g_test_add_func ("/tollgate/ui/window/schema-too-new", test_schema_too_new);
  g_test_add_func ("/tollgate/ui/window/cannot-connect", test_cannot_connect);
  g_test_add_func ("/tollgate/ui/window/bad-conninfo", test_bad_conninfo);
  g_test_add_func ("/tollgate/ui/window/size", test_window_size);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
