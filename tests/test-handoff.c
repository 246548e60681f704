/* test-handoff.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Work handed from a thread to another runs on the receiving thread, never on the
 * sender's — even when the receiver is not iterating at that moment and nobody owns the
 * global default main context (when g_main_context_invoke() would run it on the spot).
 * Needs no service: TgDemo's start fails at once when TOLLGATE_PG_BINDIR names no server
 * programs, after reporting its first step.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "tg-demo.h"
#include "tg-handoff.h"

typedef struct
{
  GMutex    lock;
  GThread  *expected;
  guint     n_calls;
  guint     n_wrong_thread;
} Record;

static void
record_call (Record *record)
{
  g_mutex_lock (&record->lock);
  record->n_calls++;
  if (g_thread_self () != record->expected)
    record->n_wrong_thread++;
  g_mutex_unlock (&record->lock);
}

static gboolean
record_cb (gpointer data)
{
  record_call (data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GMainContext *target;
  Record       *record;
} Send;

static gpointer
send_thread (gpointer data)
{
  Send *send = data;

  tg_handoff (send->target, G_PRIORITY_DEFAULT, record_cb, send->record, NULL, "[test] handoff");

  return NULL;
}

/* The main thread hands nothing and iterates nothing while the sender runs. */
static void
test_to_idle_receiver (void)
{
  Record record = { .expected = g_thread_self () };
  GMainContext *context = g_main_context_default ();
  Send send = { context, &record };
  GThread *thread;

  g_mutex_init (&record.lock);

  thread = g_thread_new ("sender", send_thread, &send);
  g_thread_join (thread);

  /* Nothing ran while this thread was not looking. */
  g_assert_cmpuint (record.n_calls, ==, 0);

  while (record.n_calls == 0)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (record.n_wrong_thread, ==, 0);

  g_mutex_clear (&record.lock);
}

/* TgDemo made on a thread with a context of its own: its properties change there. */
typedef struct
{
  Record     record;
  GMainLoop *loop;
  GError    *error;
  guint      n_status;
} DemoRun;

static void
on_status (TgDemo     *demo,
           GParamSpec *pspec,
           DemoRun    *run)
{
  record_call (&run->record);
  g_mutex_lock (&run->record.lock);
  run->n_status++;
  g_mutex_unlock (&run->record.lock);
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DemoRun *run = user_data;

  g_assert_false (tg_demo_start_finish (TG_DEMO (object), result, &run->error));
  g_main_loop_quit (run->loop);
}

static gpointer
demo_thread (gpointer data)
{
  DemoRun *run = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TgDemo) demo = NULL;

  g_main_context_push_thread_default (context);
  run->record.expected = g_thread_self ();
  run->loop = g_main_loop_new (context, FALSE);

  demo = tg_demo_new ();
  g_signal_connect (demo, "notify::status", G_CALLBACK (on_status), run);
  tg_demo_start_async (demo, NULL, on_started, run);
  g_main_loop_run (run->loop);

  /* The start's last word (status back to none) may still be on its way. */
  while (tg_demo_get_status (demo) != NULL)
    g_main_context_iteration (context, TRUE);

  g_signal_handlers_disconnect_by_data (demo, run);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_main_context_pop_thread_default (context);

  return NULL;
}

static void
test_demo_status_thread (void)
{
  g_autofree char *empty = g_dir_make_tmp ("tg-no-pg-XXXXXX", NULL);
  DemoRun run = { 0 };
  GThread *thread;

  g_mutex_init (&run.record.lock);
  g_setenv ("TOLLGATE_PG_BINDIR", empty, TRUE);

  /* The main thread only joins: it never iterates the global default context, which is
   * where g_main_context_invoke (NULL, …) would have sent the status.
   */
  thread = g_thread_new ("demo owner", demo_thread, &run);
  g_thread_join (thread);

  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* "Starting the demo…", "Looking for PostgreSQL…", then none. */
  g_assert_cmpuint (run.n_status, >=, 3);
  g_assert_cmpuint (run.record.n_wrong_thread, ==, 0);

  g_clear_error (&run.error);
  g_mutex_clear (&run.record.lock);
  g_unsetenv ("TOLLGATE_PG_BINDIR");
  g_rmdir (empty);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/handoff/to-idle-receiver", test_to_idle_receiver);
  g_test_add_func ("/tollgate/unit/handoff/demo-status-thread", test_demo_status_thread);

  return g_test_run ();
}
