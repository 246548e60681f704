/* tg-test-ctl.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A tollgatectl that runs while the test acts on the database: a long runner (refresh
 * --follow, simulate --live) or a command the test expects to wait. Its output goes to
 * files, not pipes, so that a program writing more than a pipe holds never blocks on a
 * test that is not reading yet.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tg-test-ctl.h"

/* How long tg_test_ctl_wait_for_stderr() waits: a guard, as above. */
#define STDERR_GUARD_SECONDS 60

struct _TgTestCtl
{
  GSubprocess *process;
  char        *dir;
  char        *out_path;
  char        *err_path;
  char        *command;   /* for messages */
};

static const char *
tollgatectl (void)
{
  const char *path = g_getenv ("TOLLGATECTL");

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("TOLLGATECTL does not name the tollgatectl binary (run under meson test)");
  return path;
}

/**
 * tg_test_ctl_startv:
 * @args: the arguments after "tollgatectl", %NULL-terminated
 *
 * Returns: (transfer full): the running program; end it with tg_test_ctl_finish()
 */
TgTestCtl *
tg_test_ctl_startv (const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  TgTestCtl *self = g_new0 (TgTestCtl, 1);

  self->dir = g_dir_make_tmp ("tg-ctl-XXXXXX", &error);
  g_assert_no_error (error);
  self->out_path = g_build_filename (self->dir, "stdout", NULL);
  self->err_path = g_build_filename (self->dir, "stderr", NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->err_path);

  g_ptr_array_add (argv, (gpointer)tollgatectl ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  self->command = g_strjoinv (" ", (char **)argv->pdata + 1);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  if (self->process == NULL)
    g_error ("Could not run tollgatectl: %s", error->message);

  return self;
}

/* As tg_test_ctl_startv(), with the arguments listed. */
TgTestCtl *
tg_test_ctl_start (const char *first_arg,
                   ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list list;

  va_start (list, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (list, const char *))
    g_ptr_array_add (args, (gpointer)arg);
  va_end (list);
  g_ptr_array_add (args, NULL);

  return tg_test_ctl_startv ((const char * const *)args->pdata);
}

void
tg_test_ctl_signal (TgTestCtl *self,
                    int        signum)
{
  g_subprocess_send_signal (self->process, signum);
}

/* Until it has ended (GLib's worker thread reaps it on its own). */
gboolean
tg_test_ctl_is_running (TgTestCtl *self)
{
  return g_subprocess_get_identifier (self->process) != NULL;
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* What the program has written to stderr so far. */
char *
tg_test_ctl_peek_stderr (TgTestCtl *self)
{
  return read_file (self->err_path);
}

/* How many lines of @text contain @needle. */
guint
tg_test_count_lines_with (const char *text,
                          const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], needle) != NULL;

  return n;
}

/**
 * tg_test_ctl_wait_for_stderr:
 *
 * Waits until @n_times lines of the program's stderr contain @needle (a line it writes
 * when something happened, such as a reconnect). Fails after a guard time, or when the
 * program ends first.
 */
void
tg_test_ctl_wait_for_stderr (TgTestCtl  *self,
                             const char *needle,
                             guint       n_times)
{
  gint64 deadline = g_get_monotonic_time () + STDERR_GUARD_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *err = tg_test_ctl_peek_stderr (self);

      if (tg_test_count_lines_with (err, needle) >= n_times)
        return;
      if (!tg_test_ctl_is_running (self))
        g_error ("“tollgatectl %s” ended before writing “%s” %u times; its stderr:\n%s",
                 self->command, needle, n_times, err);
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up after %d s waiting for “tollgatectl %s” to write “%s”; its stderr:\n%s",
                 STDERR_GUARD_SECONDS, self->command, needle, err);

      /* The program is another process: nothing to iterate meanwhile. */
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

static void
wait_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
guard_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * tg_test_ctl_finish:
 * @out: (out) (optional): what it wrote to stdout
 * @err: (out) (optional): what it wrote to stderr
 *
 * Waits for the program to end (killing it and failing after
 * %TG_TEST_CTL_GUARD_SECONDS) and frees @self.
 *
 * Returns: its exit status, or -1 when a signal ended it
 */
int
tg_test_ctl_finish (TgTestCtl  *self,
                    char      **out,
                    char      **err)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean done = FALSE;
  gboolean expired = FALSE;
  GSource *guard;
  int status;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, wait_done_cb, &done);
  guard = g_timeout_source_new_seconds (TG_TEST_CTL_GUARD_SECONDS);
  g_source_set_callback (guard, guard_cb, &expired, NULL);
  g_source_attach (guard, context);
  while (!done && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);

  if (!done)
    {
      g_autofree char *text = tg_test_ctl_peek_stderr (self);

      g_subprocess_force_exit (self->process);
      g_error ("“tollgatectl %s” did not end within %d s; its stderr:\n%s", self->command,
               TG_TEST_CTL_GUARD_SECONDS, text);
    }
  g_main_context_pop_thread_default (context);

  status = g_subprocess_get_if_exited (self->process) ? g_subprocess_get_exit_status (self->process)
                                                      : -1;
  if (out != NULL)
    *out = read_file (self->out_path);
  if (err != NULL)
    *err = read_file (self->err_path);

  g_unlink (self->out_path);
  g_unlink (self->err_path);
  g_rmdir (self->dir);
  g_clear_object (&self->process);
  g_free (self->dir);
  g_free (self->out_path);
  g_free (self->err_path);
  g_free (self->command);
  g_free (self);

  return status;
}
