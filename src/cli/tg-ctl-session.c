/* tg-ctl-session.c — the connection of tollgatectl's long runners, kept across outages
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `tollgatectl refresh --follow` and `tollgatectl simulate --live` run for hours, and
 * the server they talk to restarts, or an administrator terminates their session. They
 * used to end there; now each runs its steps through a TgCtlSession, which does for a
 * blocking connection what TgDbConnection does for the app's (docs/architecture.md,
 * "Threads"):
 *
 *  - a step that fails because the connection died starts an outage: one line says so
 *    on stderr, the connection is dropped, and attempts to connect again follow with the
 *    app's backoff (tg-backoff.c: 250 ms doubling to 30 s, with jitter); steps wait
 *    meanwhile;
 *  - a new connection is checked like the first (tg_ctl_connect(): timeouts, schema
 *    version); one line says it is back, and the step runs at once, told by a new
 *    generation that it has a new session (its writer, its in-doubt transaction);
 *  - SIGINT and SIGTERM end the run cleanly, in an outage too; a step under way (a
 *    blocking statement) finishes first;
 *  - any other failure, of a step or of a reconnect (the schema changed under us), ends
 *    the run with its error.
 *
 * Everything runs on the default main context of tollgatectl's only thread.
 */

#include "config.h"

#include <glib-unix.h>
#include <signal.h>

#include "tg-backoff.h"
#include "tg-ctl-session.h"
#include "tg-db-util.h"

struct _TgCtlSession
{
  /* borrowed */
  TgCtlGlobals  *globals;
  TgCtlStepFunc  step;
  gpointer       step_data;

  /* owned */
  PGconn        *conn;           /* NULL while the connection is down */
  GMainLoop     *loop;           /* while tg_ctl_session_run() runs */
  GError        *error;          /* what ended the run */
  guint          reconnect_id;
  guint          step_now_id;

  TgBackoff      backoff;
  guint          generation;
  guint          n_outages;
  gint64         lost_at;        /* monotonic µs */
  guint          ended : 1;      /* done, failed or interrupted */
  guint          interrupted : 1;
};

/**
 * tg_ctl_session_new:
 * @conn: (transfer full): a connection made by tg_ctl_connect()
 *
 * Returns: (transfer full): a session over @conn, which reconnects as @globals say
 */
TgCtlSession *
tg_ctl_session_new (TgCtlGlobals *globals,
                    PGconn       *conn)
{
  TgCtlSession *self;

  g_return_val_if_fail (globals != NULL, NULL);
  g_return_val_if_fail (conn != NULL, NULL);

  self = g_new0 (TgCtlSession, 1);
  self->globals = globals;
  self->conn = conn;
  tg_backoff_reset (&self->backoff);

  return self;
}

void
tg_ctl_session_free (TgCtlSession *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->step_now_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_error (&self->error);
  g_free (self);
}

/* The connection, or %NULL during an outage. Valid until the next step fails. */
PGconn *
tg_ctl_session_get_conn (TgCtlSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->conn;
}

/* Which session the connection is: it grows by one with every reconnect, so that a step
 * knows its server-side state (a writer, a transaction in doubt) belongs to an old one.
 */
guint
tg_ctl_session_get_generation (TgCtlSession *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->generation;
}

/* How many times the connection was lost. */
guint
tg_ctl_session_get_n_outages (TgCtlSession *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_outages;
}

/* Whether SIGINT or SIGTERM ended the run. */
gboolean
tg_ctl_session_get_interrupted (TgCtlSession *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->interrupted;
}

static void
end_run (TgCtlSession *self)
{
  self->ended = TRUE;
  if (self->loop != NULL)
    g_main_loop_quit (self->loop);
}

static void schedule_reconnect (TgCtlSession *self);

/**
 * tg_ctl_session_handle_lost:
 *
 * After a failure: when the connection died (libpq says it is bad, whatever the failing
 * call made of it), starts an outage — one line on stderr, the connection dropped,
 * reconnection attempts scheduled on the default main context.
 *
 * Returns: %TRUE when the failure was the connection's, and an outage began
 */
gboolean
tg_ctl_session_handle_lost (TgCtlSession *self)
{
  g_autofree char *reason = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_BAD)
    return FALSE;

  reason = tg_db_describe_failure (self->conn);
  g_clear_pointer (&self->conn, PQfinish);
  self->n_outages++;
  self->lost_at = g_get_monotonic_time ();
  tg_backoff_reset (&self->backoff);

  if (self->loop != NULL && !self->ended)
    {
      g_printerr ("tollgatectl: lost the connection to the database (%s); reconnecting\n",
                  *reason != '\0' ? reason : "no reason given");
      schedule_reconnect (self);
    }
  else
    g_printerr ("tollgatectl: lost the connection to the database (%s)\n",
                *reason != '\0' ? reason : "no reason given");

  return TRUE;
}

/**
 * tg_ctl_session_try_reconnect:
 *
 * One attempt to connect again during an outage, as the first connection was made
 * (tg_ctl_connect()). Blocks for at most the connect timeout. Does nothing when
 * connected.
 *
 * Returns: %TRUE when connected; %FALSE with @error (%TG_DB_ERROR_CONNECT while the
 *   server is still away)
 */
gboolean
tg_ctl_session_try_reconnect (TgCtlSession  *self,
                              GError       **error)
{
  PGconn *conn;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->conn != NULL)
    return TRUE;

  conn = tg_ctl_connect (self->globals, error);
  if (conn == NULL)
    return FALSE;

  self->conn = conn;
  self->generation++;
  tg_backoff_reset (&self->backoff);
  g_printerr ("tollgatectl: connected to the database again after %.1f s\n",
              (g_get_monotonic_time () - self->lost_at) / (double)G_USEC_PER_SEC);

  return TRUE;
}

static void
run_step (TgCtlSession *self)
{
  g_autoptr(GError) error = NULL;

  if (self->ended || self->conn == NULL)
    return;

  switch (self->step (self, self->conn, self->step_data, &error))
    {
    case TG_CTL_STEP_AGAIN:
      break;

    case TG_CTL_STEP_DONE:
      end_run (self);
      break;

    case TG_CTL_STEP_FAILED:
    default:
      if (tg_ctl_session_handle_lost (self))
        break;
      g_assert (error != NULL);
      self->error = g_steal_pointer (&error);
      end_run (self);
      break;
    }
}

static gboolean
step_now_cb (gpointer data)
{
  TgCtlSession *self = data;

  self->step_now_id = 0;
  run_step (self);

  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer data)
{
  run_step (data);

  return G_SOURCE_CONTINUE;
}

static gboolean
reconnect_cb (gpointer data)
{
  TgCtlSession *self = data;
  g_autoptr(GError) error = NULL;

  self->reconnect_id = 0;

  if (tg_ctl_session_try_reconnect (self, &error))
    {
      /* Back: go on now rather than at the next tick. */
      self->step_now_id = g_idle_add (step_now_cb, self);
      return G_SOURCE_REMOVE;
    }

  /* Still away (or gone again during the checks): keep trying. Anything else, such as a
   * schema this tollgatectl does not know any more, ends the run.
   */
  if (g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT)
      || g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_CONNECTION_LOST))
    {
      g_debug ("Reconnecting failed: %s", error->message);
      schedule_reconnect (self);
    }
  else
    {
      self->error = g_steal_pointer (&error);
      end_run (self);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (TgCtlSession *self)
{
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add (tg_backoff_next_delay (&self->backoff), reconnect_cb, self);
}

static gboolean
signal_cb (gpointer data)
{
  TgCtlSession *self = data;

  self->interrupted = TRUE;
  end_run (self);

  return G_SOURCE_CONTINUE;
}

/**
 * tg_ctl_session_run:
 * @interval_ms: how often to step
 * @step: one step of the work, run at once and then every @interval_ms (and at once
 *   after a reconnect) while connected
 *
 * Runs the default main context until @step is done, fails for another reason than a
 * lost connection, or SIGINT or SIGTERM arrives. Outages are waited out, each told on
 * stderr when it begins and when it ends.
 *
 * Returns: %TRUE when the work was done or a signal ended it
 *   (tg_ctl_session_get_interrupted()); %FALSE with @error when it failed
 */
gboolean
tg_ctl_session_run (TgCtlSession   *self,
                    guint           interval_ms,
                    TgCtlStepFunc   step,
                    gpointer        user_data,
                    GError        **error)
{
  guint tick_id;
  guint int_id;
  guint term_id;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->loop == NULL, FALSE);
  g_return_val_if_fail (step != NULL, FALSE);

  self->step = step;
  self->step_data = user_data;
  self->ended = FALSE;
  self->loop = g_main_loop_new (NULL, FALSE);

  int_id = g_unix_signal_add (SIGINT, signal_cb, self);
  term_id = g_unix_signal_add (SIGTERM, signal_cb, self);
  tick_id = g_timeout_add (interval_ms, tick_cb, self);

  if (self->conn == NULL)
    schedule_reconnect (self);
  else
    run_step (self);

  if (!self->ended)
    g_main_loop_run (self->loop);

  g_clear_handle_id (&tick_id, g_source_remove);
  g_clear_handle_id (&int_id, g_source_remove);
  g_clear_handle_id (&term_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->step_now_id, g_source_remove);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  self->step = NULL;
  self->step_data = NULL;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }

  return TRUE;
}
