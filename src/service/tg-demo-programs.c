/* tg-demo-programs.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The programs the demo runs and how: finding PostgreSQL's server programs and
 * tollgatectl, running one to its end with its last words in the error when it fails
 * (as the postgres user when we are root: PostgreSQL refuses to run as root), and
 * waiting for a process a bounded time.
 */

#include "config.h"

#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tg-demo-programs.h"

#define ERROR_TAIL_LINES 12

static gboolean
is_server_bindir (const char *dir)
{
  static const char * const programs[] = { "initdb", "pg_ctl", "postgres" };

  if (dir == NULL || *dir == '\0')
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *path = g_build_filename (dir, programs[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return FALSE;
    }

  return TRUE;
}

/* The highest version first: "15" before "9.6". */
static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  const char *va = *(const char * const *)a;
  const char *vb = *(const char * const *)b;
  double da = g_ascii_strtod (va, NULL);
  double db = g_ascii_strtod (vb, NULL);

  return da < db ? 1 : da > db ? -1 : 0;
}

/**
 * tg_demo_find_server_bindir:
 *
 * Finds initdb, pg_ctl and postgres as tools/lib/postgres.sh does: in
 * `pg_config --bindir`, else in the highest /usr/lib/postgresql/VERSION/bin. The
 * environment variable TOLLGATE_PG_BINDIR names the directory instead (tests).
 * Blocks: call it on a worker thread.
 *
 * Returns: (transfer full) (nullable): the directory, or %NULL with @error set
 */
char *
tg_demo_find_server_bindir (GError **error)
{
  const char *forced = g_getenv ("TOLLGATE_PG_BINDIR");
  g_autofree char *pg_config_out = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int wait_status = 0;

  if (forced != NULL)
    {
      if (is_server_bindir (forced))
        return g_strdup (forced);
      goto not_found;
    }

  if (g_spawn_sync (NULL, (char *[]) { (char *)"pg_config", (char *)"--bindir", NULL }, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    &pg_config_out, NULL, &wait_status, NULL) &&
      g_spawn_check_wait_status (wait_status, NULL) &&
      is_server_bindir (g_strstrip (pg_config_out)))
    return g_steal_pointer (&pg_config_out);

  versions = g_ptr_array_new_with_free_func (g_free);
  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (versions, g_strdup (name));
  g_ptr_array_sort (versions, compare_versions);

  for (guint i = 0; i < versions->len; i++)
    {
      g_autofree char *bindir = g_build_filename ("/usr/lib/postgresql",
                                                  g_ptr_array_index (versions, i), "bin", NULL);

      if (is_server_bindir (bindir))
        return g_steal_pointer (&bindir);
    }

not_found:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("PostgreSQL’s server programs are not installed (Debian package "
                         "postgresql)"));
  return NULL;
}

/**
 * tg_demo_find_tollgatectl:
 *
 * Finds the tollgatectl that fills the demo database: $TOLLGATECTL, else beside the
 * running tollgate, else ../cli/tollgatectl from it (the build tree), else on PATH.
 *
 * Returns: (transfer full) (nullable): its path, or %NULL
 */
char *
tg_demo_find_tollgatectl (void)
{
  const char *forced = g_getenv ("TOLLGATECTL");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (forced != NULL && *forced != '\0')
    return g_strdup (forced);

  if (exe != NULL)
    {
      g_autofree char *exe_dir = g_path_get_dirname (exe);
      g_autofree char *beside = g_build_filename (exe_dir, "tollgatectl", NULL);
      g_autofree char *built = g_build_filename (exe_dir, "..", "cli", "tollgatectl", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_canonicalize_filename (built, NULL);
    }

  return g_find_program_in_path ("tollgatectl");
}

char *
_tg_demo_find_runuser (void)
{
  char *path = g_find_program_in_path ("runuser");

  if (path == NULL && g_file_test ("/usr/sbin/runuser", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/runuser");
  if (path == NULL && g_file_test ("/sbin/runuser", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/sbin/runuser");

  return path;
}

/**
 * tg_demo_check:
 *
 * Whether the demo can run here: the server programs, tollgatectl, and as root a
 * postgres user to run the server as. Blocks (it looks at the disk and runs
 * pg_config): call it on a worker thread.
 *
 * Returns: %TRUE, or %FALSE with @error saying what is missing, in words for the
 *   tooltip of the demo button
 */
gboolean
tg_demo_check (GError **error)
{
  g_autofree char *bindir = NULL;
  g_autofree char *ctl = NULL;

  bindir = tg_demo_find_server_bindir (error);
  if (bindir == NULL)
    return FALSE;

  if (geteuid () == 0)
    {
      g_autofree char *runuser = _tg_demo_find_runuser ();

      if (getpwnam (TG_DEMO_SERVER_OWNER) == NULL || runuser == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("The demo cannot run as root: PostgreSQL refuses to, and "
                                 "there is no “postgres” user to run it as"));
          return FALSE;
        }
    }

  ctl = tg_demo_find_tollgatectl ();
  if (ctl == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("tollgatectl, which fills the demo database, is not installed "
                             "beside Tollgate"));
      return FALSE;
    }

  return TRUE;
}

gboolean
_tg_demo_is_root (void)
{
  return geteuid () == 0;
}

/* The last lines of @text, for an error message. */
static char *
tail_lines (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *start = copy + strlen (copy);
  guint lines = 0;

  while (start > copy && lines < ERROR_TAIL_LINES)
    {
      start--;
      if (*start == '\n')
        lines++;
    }
  if (*start == '\n')
    start++;

  return g_strdup (start);
}

static char *
file_tail (const char *path)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");

  return tail_lines (contents);
}

GSubprocessLauncher *
_tg_demo_new_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  static const char * const unset[] = {
    "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE", "PGSERVICEFILE",
    "PGOPTIONS", "PGDATA",
  };

  /* The user's libpq environment is for their own databases, not for this cluster. */
  for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
    g_subprocess_launcher_unsetenv (launcher, unset[i]);
  g_subprocess_launcher_setenv (launcher, "PGPORT", TG_DEMO_PORT, TRUE);

  return launcher;
}

/* Runs one step to its end. A server program (@as_owner) runs as the postgres user
 * when we are root. On failure @error says @what failed, with the tail of @log_path
 * when given, else of the program's standard error.
 */
gboolean
_tg_demo_run_program (const char          *what,
                      gboolean             as_owner,
                      const char * const  *argv,
                      const char          *log_path,
                      char               **stdout_text,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *program = g_path_get_basename (argv[0]);

  if (as_owner && _tg_demo_is_root ())
    {
      g_ptr_array_add (args, _tg_demo_find_runuser ());
      g_ptr_array_add (args, g_strdup ("-u"));
      g_ptr_array_add (args, g_strdup (TG_DEMO_SERVER_OWNER));
      g_ptr_array_add (args, g_strdup ("--"));
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);

  launcher = _tg_demo_new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata,
                                          &local_error);
  if (process == NULL)
    {
      /* TRANSLATORS: %s is a step ("Starting PostgreSQL"), then an error */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s failed: %s"), what,
                   local_error->message);
      return FALSE;
    }

  if (!g_subprocess_communicate_utf8 (process, NULL, cancellable, &out, &err, &local_error))
    {
      /* Cancelled (or unreadable output): end the program, and wait so that nothing is
       * left behind. runuser passes SIGTERM on to the program it runs.
       */
      g_subprocess_send_signal (process, SIGTERM);
      g_subprocess_wait (process, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!g_subprocess_get_successful (process))
    {
      tail = log_path != NULL ? file_tail (log_path) : tail_lines (err);
      if (*tail == '\0')
        {
          g_free (tail);
          tail = tail_lines (out);
        }

      if (g_subprocess_get_if_exited (process))
        /* TRANSLATORS: a step ("Starting PostgreSQL"), a program, its exit status, and
         * the last lines it wrote
         */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("%s failed (%s exited with status %d):\n%s"), what, program,
                     g_subprocess_get_exit_status (process), tail);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("%s failed (%s was killed by signal %d):\n%s"), what, program,
                     g_subprocess_get_term_sig (process), tail);
      return FALSE;
    }

  if (stdout_text != NULL)
    *stdout_text = g_strstrip (g_steal_pointer (&out));

  return TRUE;
}

static void
on_waited (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Waits at most @timeout_ms for @process to exit, on a private context so that it works
 * on any thread, the UI's at shutdown included. */
gboolean
_tg_demo_wait_bounded (GSubprocess *process,
                       guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GSource *timeout;
  gboolean done = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, cancellable, on_waited, &done);
  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, cancel_cb, cancellable, NULL);
  g_source_attach (timeout, context);
  /* A cancelled wait completes too, so this ends either way. */
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (context);

  return g_subprocess_get_if_exited (process) || g_subprocess_get_if_signaled (process);
}

