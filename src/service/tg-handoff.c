/* tg-handoff.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How work crosses from one thread to another (docs/architecture.md, "Threads"): the
 * sender captures the receiver's GMainContext while it still runs on the receiver's
 * thread (g_main_context_ref_thread_default() when the object or the task is made) and
 * later attaches an idle source there.
 *
 * Never g_main_context_invoke(): it calls the function at once, on the calling thread,
 * whenever that thread can acquire the target context — and a GTask thread or a worker
 * that has popped its own context can acquire the global default context whenever the
 * UI thread happens not to be iterating it. A callback meant for the UI would then run
 * on the wrong thread and reach widgets from there.
 */

#include "config.h"

#include "tg-handoff.h"

/**
 * tg_handoff:
 * @context: the receiving thread's context, captured on that thread
 * @priority: the source's priority, %G_PRIORITY_DEFAULT for most
 * @func: called once on the thread that iterates @context
 * @data: for @func
 * @notify: (nullable): frees @data, on that thread too (or wherever @context is
 *   destroyed, if it never runs)
 * @name: the source's name, for profilers and debugging; a static string
 *
 * Hands @func to the thread of @context. Safe from any thread; never runs @func on the
 * calling thread unless that thread is the one iterating @context.
 */
void
tg_handoff (GMainContext   *context,
            int             priority,
            GSourceFunc     func,
            gpointer        data,
            GDestroyNotify  notify,
            const char     *name)
{
  GSource *source;

  g_return_if_fail (context != NULL);
  g_return_if_fail (func != NULL);

  source = g_idle_source_new ();
  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}
