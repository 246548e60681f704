/* tg-worker.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The worker thread of docs/architecture.md, "Threads": a GThread with its own
 * GMainContext and GMainLoop and its own TgDbConnection, made and driven on that context
 * (TgDbConnection lives on the context that is thread-default when it is made, so the
 * thread pushes its context first). It never touches a widget; what the UI needs to hear
 * it hands to the context that made the TgWorker (the UI's) with tg_handoff(),
 * where the TgWorker's signals are emitted.
 *
 * Who does what, between the two connections of a window:
 *
 *  - The worker's connection LISTENs on tollgate_usage, the channel the rollup refresher
 *    NOTIFYs when it added usage (0006_rollups.sql), and turns each NOTIFY into
 *    TgWorker::usage-changed on the UI thread — at most one waiting at a time, so that a
 *    burst of NOTIFYs is one signal. Likewise tollgate_config (a configuration table such
 *    as the budgets changed) becomes TgWorker::config-changed, and tollgate_alerts (an
 *    alert was raised or changed) TgWorker::alerts-changed. The UI's connection LISTENs on nothing: it only
 *    answers the pages' queries, and a slow page never delays a NOTIFY.
 *  - Every refresh-interval-ms the worker runs the rollup refresher,
 *    tollgate.refresh_rollups(), if it may and if it is the one: the session user needs
 *    the EXECUTE right, and the worker must hold the session-level refresher lock
 *    (tg_refresher_elect_statement_new() asks for both). So among many Tollgates on
 *    one database exactly one refreshes; when it quits or loses its connection, the lock
 *    goes with its session and the next one to ask takes over. Each refresh adds at most
 *    MAX_ROWS_PER_REFRESH rows, and the next follows at once while there is more.
 *    TgWorker::refreshed reports each on the UI thread; the NOTIFY the refresher sends
 *    comes back through the LISTEN like anybody else's.
 *
 *  - Every evaluate-interval-ms, right after each of its refreshes that added usage, and
 *    once connected, the worker evaluates the alerts (tg_alert_service_evaluate()): the
 *    budgets' month-end forecasts are computed and stored, then
 *    tollgate.evaluate_alerts() raises, recovers and closes alerts. It blocks, so it runs
 *    on a GTask thread with a blocking connection of its own (kept from one evaluation
 *    to the next, opened again after a failure), one evaluation at a time: a request
 *    while one runs makes one more follow. Evaluations are atomic on the server, so any
 *    number of Tollgates may evaluate one database; the alerts they raise or change
 *    NOTIFY tollgate_alerts, and TgWorker::evaluated reports each on the UI thread.
 *
 * Stopping (tg_worker_stop()) never waits on the UI thread: the worker closes its
 * connection on its thread (a statement in flight is cancelled on the server), lets a
 * cancel request finish for a moment, quits its loop, and then hands "stopped" to the UI
 * context, which joins the thread. An evaluation under way is waited for on the worker
 * thread, at most EVALUATE_STOP_MS (its statements are bounded by
 * EVALUATE_STATEMENT_TIMEOUT_MS): one still running then finishes on its own and closes
 * its connection, and only its GTask is lost. The TgWorker keeps itself and the default
 * GApplication alive until then, so that quitting the application waits for the join.
 */

#include "config.h"

#include "tg-alert-service.h"
#include "tg-db-connection.h"
#include "tg-db-util.h"
#include "tg-handoff.h"
#include "tg-refresher-queries.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"
#include "tg-worker.h"

#define DEFAULT_REFRESH_INTERVAL_MS 5000
#define MAX_ROWS_PER_REFRESH        200000
/* The per-user level every tenth second, as `tollgatectl refresh --follow` does: it costs
 * per distinct user and provider of a batch (see tollgate.refresh_rollups()). */
#define USERS_EVERY_SECONDS         10
#define STATEMENT_TIMEOUT_MS        120000
/* A lock held in someone's open transaction (a row of rollup_state, the refresher's own
 * lock while another refresher works) fails the refresh after this long rather than
 * holding the worker, and the NOTIFYs its session would receive, until the statement
 * timeout. */
#define LOCK_TIMEOUT_MS             TG_DB_LOCK_TIMEOUT_MS
#define STOP_GRACE_MS               250
#define DEFAULT_EVALUATE_INTERVAL_MS 60000
#define EVALUATE_STATEMENT_TIMEOUT_MS 60000
#define EVALUATE_STOP_MS            5000
#define USAGE_CHANNEL               "tollgate_usage"
/* Configuration tables (budgets, quotas …) and alerts NOTIFY these on every change. */
#define CONFIG_CHANNEL              "tollgate_config"
#define ALERTS_CHANNEL              "tollgate_alerts"

G_DEFINE_ENUM_TYPE (TgWorkerRole, tg_worker_role,
                    G_DEFINE_ENUM_VALUE (TG_WORKER_ROLE_UNKNOWN, "unknown"),
                    G_DEFINE_ENUM_VALUE (TG_WORKER_ROLE_REFRESHER, "refresher"),
                    G_DEFINE_ENUM_VALUE (TG_WORKER_ROLE_STANDBY, "standby"),
                    G_DEFINE_ENUM_VALUE (TG_WORKER_ROLE_DENIED, "denied"))

/* The worker thread's state. Made on the UI thread, then only the worker thread touches
 * it, except the atomics and what is set before the thread starts.
 */
typedef struct
{
  gatomicrefcount  ref_count;

  /* set before the thread starts, then read-only */
  GMainContext    *context;        /* the worker's */
  GMainContext    *ui_context;
  GMainLoop       *loop;
  char            *conninfo;       /* may hold a password: never logged */
  GWeakRef         owner;          /* the TgWorker, for what goes to the UI */
  guint            interval_ms;
  guint            evaluate_interval_ms;

  /* atomic */
  gint             usage_pending;  /* a usage-changed is on its way to the UI */
  gint             config_pending; /* a config-changed */
  gint             alerts_pending; /* an alerts-changed */

  /* the worker thread's */
  TgDbConnection  *connection;
  GCancellable    *cancellable;
  GSource         *tick_source;
  GSource         *evaluate_source;
  TgWorkerRole     role;
  guint            busy : 1;
  guint            more : 1;       /* the last refresh hit its row limit */
  guint            stopping : 1;
  guint            evaluating : 1; /* an evaluation runs on a GTask thread */
  guint            evaluate_again : 1;

  /* the evaluation's blocking connection: the GTask thread's while evaluating, else the
   * worker thread's */
  PGconn          *evaluate_conn;
  gint             abandoned;      /* atomic: the worker left; the evaluation closes it */
} Worker;

struct _TgWorker
{
  GObject       parent_instance;

  /* owned */
  Worker       *worker;
  GThread      *thread;
  GApplication *application;   /* held while the thread runs */

  /* what the worker thread last reported */
  TgWorkerRole  role;
  gint64        last_id;
  guint         interval_ms;
  guint         evaluate_interval_ms;
  guint64       n_evaluations;
  guint         running : 1;
  guint         stop_requested : 1;
};

enum {
  PROP_0,
  PROP_CONNINFO,
  PROP_RUNNING,
  PROP_ROLE,
  PROP_LAST_ID,
  PROP_REFRESH_INTERVAL_MS,
  PROP_EVALUATE_INTERVAL_MS,
  PROP_N_EVALUATIONS,
  N_PROPS
};

enum {
  USAGE_CHANGED,
  CONFIG_CHANGED,
  ALERTS_CHANGED,
  REFRESHED,
  EVALUATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (TgWorker, tg_worker, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The workers whose thread was started and not yet joined, on the UI thread. Each holds
 * a reference on itself meanwhile, so the pointers stay valid.
 */
static GPtrArray *running_workers;

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (g_atomic_ref_count_dec (&worker->ref_count))
    {
      g_assert (worker->connection == NULL);
      g_assert (worker->tick_source == NULL);
      g_assert (worker->evaluate_source == NULL);
      g_assert (worker->evaluate_conn == NULL);

      g_clear_object (&worker->cancellable);
      g_clear_pointer (&worker->loop, g_main_loop_unref);
      g_clear_pointer (&worker->context, g_main_context_unref);
      g_clear_pointer (&worker->ui_context, g_main_context_unref);
      g_weak_ref_clear (&worker->owner);
      g_free (worker->conninfo);
      g_free (worker);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Worker, worker_unref)

/* To the UI thread */

typedef enum
{
  POST_USAGE_CHANGED,
  POST_CONFIG_CHANGED,
  POST_ALERTS_CHANGED,
  POST_ROLE,
  POST_REFRESHED,
  POST_EVALUATED,
  POST_STOPPED,
} PostKind;

typedef struct
{
  Worker   *worker;
  PostKind  kind;
  gint64    rows;
  gint64    last_id;
  int       role;
} Post;

static void
post_free (Post *post)
{
  worker_unref (post->worker);
  g_free (post);
}

static gboolean
post_cb (gpointer data)
{
  Post *post = data;
  g_autoptr(TgWorker) self = g_weak_ref_get (&post->worker->owner);

  if (post->kind == POST_USAGE_CHANGED)
    g_atomic_int_set (&post->worker->usage_pending, FALSE);
  else if (post->kind == POST_CONFIG_CHANGED)
    g_atomic_int_set (&post->worker->config_pending, FALSE);
  else if (post->kind == POST_ALERTS_CHANGED)
    g_atomic_int_set (&post->worker->alerts_pending, FALSE);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  switch (post->kind)
    {
    case POST_USAGE_CHANGED:
      g_signal_emit (self, signals[USAGE_CHANGED], 0);
      break;

    case POST_CONFIG_CHANGED:
      g_signal_emit (self, signals[CONFIG_CHANGED], 0);
      break;

    case POST_ALERTS_CHANGED:
      g_signal_emit (self, signals[ALERTS_CHANGED], 0);
      break;

    case POST_ROLE:
      if (self->role != (TgWorkerRole)post->role)
        {
          self->role = post->role;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
        }
      break;

    case POST_REFRESHED:
      if (self->last_id != post->last_id)
        {
          self->last_id = post->last_id;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ID]);
        }
      g_signal_emit (self, signals[REFRESHED], 0, post->rows, post->last_id);
      break;

    case POST_EVALUATED:
      /* rows: the alerts raised or changed; last_id: 0, or 1 when it failed. */
      self->n_evaluations++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_EVALUATIONS]);
      g_signal_emit (self, signals[EVALUATED], 0, (guint)post->rows, post->last_id == 0);
      break;

    case POST_STOPPED:
      /* The thread has left its loop and is returning: the join is immediate. */
      if (self->thread != NULL)
        g_thread_join (g_steal_pointer (&self->thread));
      if (self->application != NULL)
        {
          g_application_release (self->application);
          g_clear_object (&self->application);
        }
      if (self->role != TG_WORKER_ROLE_UNKNOWN)
        {
          self->role = TG_WORKER_ROLE_UNKNOWN;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
        }
      self->running = FALSE;
      g_ptr_array_remove (running_workers, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      /* The reference the thread held on its TgWorker. */
      g_object_unref (self);
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
post (Worker   *worker,
      PostKind  kind,
      gint64    rows,
      gint64    last_id,
      int       role)
{
  Post *data = g_new0 (Post, 1);

  data->worker = worker_ref (worker);
  data->kind = kind;
  data->rows = rows;
  data->last_id = last_id;
  data->role = role;

  tg_handoff (worker->ui_context, G_PRIORITY_DEFAULT, post_cb, data,
              (GDestroyNotify)post_free, "[tollgate] worker to UI");
}

/* The worker thread */

static void     schedule_tick (Worker   *worker,
                               guint     delay_ms);
static gboolean give_up_cb    (gpointer  data);

static void
set_role (Worker       *worker,
          TgWorkerRole  role)
{
  if (worker->role == role)
    return;

  worker->role = role;
  post (worker, POST_ROLE, 0, 0, role);
}

/* A job's answer has arrived: the worker is free for the next. Returns FALSE when the
 * worker is stopping, and the answer is to be dropped.
 */
static gboolean
job_done (Worker *worker)
{
  worker->busy = FALSE;

  return !worker->stopping;
}

/* Evaluating the alerts */

static void evaluate (Worker *worker);

/* On a GTask thread: the forecasts, then the alerts, on the evaluation's connection. */
static void
evaluate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Worker *worker = task_data;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  int changed = -1;

  if (worker->evaluate_conn == NULL)
    worker->evaluate_conn = tg_db_connect_bounded (worker->conninfo, "tollgate-evaluator",
                                                   LOCK_TIMEOUT_MS,
                                                   EVALUATE_STATEMENT_TIMEOUT_MS, &error);

  if (worker->evaluate_conn != NULL)
    settings = tg_settings_fetch (worker->evaluate_conn, &error);
  if (settings != NULL)
    zone = tg_time_zone_new_checked (settings->billing_timezone, &error);
  if (zone != NULL)
    changed = tg_alert_service_evaluate (worker->evaluate_conn, zone, now, &error);

  if (changed < 0)
    {
      /* The next evaluation starts on a new connection: this one may be broken. */
      g_autoptr(PGconn) broken = g_steal_pointer (&worker->evaluate_conn);

      g_debug ("Evaluating the alerts failed: %s", error->message);
    }

  /* The worker left while this ran: nobody else will close the connection. */
  if (g_atomic_int_get (&worker->abandoned))
    {
      g_autoptr(PGconn) closing = g_steal_pointer (&worker->evaluate_conn);
    }

  g_task_return_int (task, changed);
}

static void
on_evaluated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Worker *worker = g_task_get_task_data (G_TASK (result));
  gssize changed = g_task_propagate_int (G_TASK (result), NULL);

  worker->evaluating = FALSE;
  if (worker->stopping)
    return;

  post (worker, POST_EVALUATED, MAX (changed, 0), changed < 0, 0);

  if (worker->evaluate_again)
    {
      worker->evaluate_again = FALSE;
      evaluate (worker);
    }
}

static void
evaluate (Worker *worker)
{
  g_autoptr(GTask) task = NULL;

  if (worker->stopping)
    return;

  if (worker->evaluating)
    {
      worker->evaluate_again = TRUE;
      return;
    }

  worker->evaluating = TRUE;
  task = g_task_new (NULL, NULL, on_evaluated, NULL);
  g_task_set_source_tag (task, evaluate);
  g_task_set_name (task, "[tollgate] alert evaluation");
  g_task_set_task_data (task, worker_ref (worker), (GDestroyNotify)worker_unref);
  g_task_run_in_thread (task, evaluate_thread);
}

static gboolean
evaluate_cb (gpointer data)
{
  evaluate (data);

  return G_SOURCE_CONTINUE;
}

static void
on_refreshed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Worker) worker = user_data;
  g_autoptr(GError) error = NULL;
  TgRefreshResult refresh;
  gboolean refreshed;

  refreshed = tg_refresher_refresh_finish (TG_DB_CONNECTION (object), result, &refresh, &error);
  if (!job_done (worker))
    return;

  if (!refreshed)
    {
      /* Busy: another session holds the refresher's lock (0009_refresher_lock.sql says
       * who) or a lock the refresh needs. Nothing to report: the next tick tries again. */
      if (g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_BUSY))
        g_debug ("The rollup refresher is busy; trying again at the next tick: %s",
                 error->message);
      else
        g_debug ("The rollup refresh failed: %s", error->message);
      worker->more = FALSE;
    }
  else
    {
      worker->more = refresh.rows_added >= MAX_ROWS_PER_REFRESH;
      post (worker, POST_REFRESHED, refresh.rows_added, refresh.last_id, 0);

      /* New usage: budgets and quotas may have passed a threshold. */
      if (refresh.rows_added > 0)
        evaluate (worker);
    }

  /* More than one refresh's worth waiting: go on at once. */
  if (worker->more)
    schedule_tick (worker, 0);
}

static void
refresh (Worker *worker)
{
  worker->busy = TRUE;
  tg_refresher_refresh_async (worker->connection, MAX_ROWS_PER_REFRESH, USERS_EVERY_SECONDS,
                              worker->cancellable, on_refreshed, worker_ref (worker));
}

static void
on_elected (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Worker) worker = user_data;
  g_autoptr(GError) error = NULL;
  TgRefresherElection election;
  gboolean elected;

  elected = tg_refresher_elect_finish (TG_DB_CONNECTION (object), result, &election, &error);
  if (!job_done (worker))
    return;

  if (!elected)
    {
      g_debug ("Asking for the refresher lock failed: %s", error->message);
      set_role (worker, TG_WORKER_ROLE_UNKNOWN);
      return;
    }

  switch (election)
    {
    case TG_REFRESHER_ELECTION_REFRESHER:
      set_role (worker, TG_WORKER_ROLE_REFRESHER);
      refresh (worker);
      break;

    case TG_REFRESHER_ELECTION_DENIED:
      set_role (worker, TG_WORKER_ROLE_DENIED);
      break;

    case TG_REFRESHER_ELECTION_STANDBY:
    default:
      set_role (worker, TG_WORKER_ROLE_STANDBY);
      break;
    }
}

/* One tick: who refreshes (the lock is checked every time, for it goes with a lost
 * session), then the refresh.
 */
static void
tick (Worker *worker)
{
  if (worker->busy || worker->stopping ||
      tg_db_connection_get_status (worker->connection) != TG_DB_CONNECTION_STATUS_CONNECTED)
    return;

  worker->busy = TRUE;
  tg_refresher_elect_async (worker->connection, worker->cancellable, on_elected,
                            worker_ref (worker));
}

static gboolean
tick_cb (gpointer data)
{
  Worker *worker = data;

  tick (worker);

  return G_SOURCE_CONTINUE;
}

static gboolean
tick_once_cb (gpointer data)
{
  tick (data);

  return G_SOURCE_REMOVE;
}

static void
schedule_tick (Worker *worker,
               guint   delay_ms)
{
  GSource *source;

  if (delay_ms == 0)
    {
      source = g_idle_source_new ();
      g_source_set_callback (source, tick_once_cb, worker_ref (worker),
                             (GDestroyNotify)worker_unref);
      g_source_set_static_name (source, "[tollgate] worker tick");
      g_source_attach (source, worker->context);
      g_source_unref (source);
      return;
    }

  g_assert (worker->tick_source == NULL);
  worker->tick_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (worker->tick_source, tick_cb, worker, NULL);
  g_source_set_static_name (worker->tick_source, "[tollgate] worker refresh timer");
  g_source_attach (worker->tick_source, worker->context);
}

static void
on_notify_received (TgDbConnection *connection,
                    const char     *channel,
                    const char     *payload,
                    gpointer        user_data)
{
  Worker *worker = user_data;
  gint *pending;
  PostKind kind;

  if (g_strcmp0 (channel, CONFIG_CHANNEL) == 0)
    {
      pending = &worker->config_pending;
      kind = POST_CONFIG_CHANGED;
    }
  else if (g_strcmp0 (channel, ALERTS_CHANNEL) == 0)
    {
      pending = &worker->alerts_pending;
      kind = POST_ALERTS_CHANGED;
    }
  else
    {
      pending = &worker->usage_pending;
      kind = POST_USAGE_CHANGED;
    }

  /* Coalesced: while one is on its way to the UI, later ones of its channel join it. */
  if (g_atomic_int_compare_and_exchange (pending, FALSE, TRUE))
    post (worker, kind, 0, 0, 0);
}

static void
on_status_changed (TgDbConnection *connection,
                   GParamSpec     *pspec,
                   gpointer        user_data)
{
  Worker *worker = user_data;

  switch (tg_db_connection_get_status (connection))
    {
    case TG_DB_CONNECTION_STATUS_CONNECTED:
      /* Back (or first there): ask at once rather than at the next tick, and evaluate
       * what happened meanwhile. */
      schedule_tick (worker, 0);
      evaluate (worker);
      break;

    case TG_DB_CONNECTION_STATUS_RECONNECTING:
    case TG_DB_CONNECTION_STATUS_FAILED:
      /* A lost session lost its lock too. */
      set_role (worker, TG_WORKER_ROLE_UNKNOWN);
      break;

    case TG_DB_CONNECTION_STATUS_CONNECTING:
    case TG_DB_CONNECTION_STATUS_DISCONNECTED:
    default:
      break;
    }
}

static gboolean
quit_cb (gpointer data)
{
  Worker *worker = data;

  g_main_loop_quit (worker->loop);

  return G_SOURCE_REMOVE;
}

/* On the worker thread: hang up and leave the loop. */
static gboolean
stop_cb (gpointer data)
{
  Worker *worker = data;
  gboolean was_busy = worker->busy;
  GSource *source;

  worker->stopping = TRUE;

  if (worker->tick_source != NULL)
    {
      g_source_destroy (worker->tick_source);
      g_clear_pointer (&worker->tick_source, g_source_unref);
    }
  if (worker->evaluate_source != NULL)
    {
      g_source_destroy (worker->evaluate_source);
      g_clear_pointer (&worker->evaluate_source, g_source_unref);
    }

  g_cancellable_cancel (worker->cancellable);
  g_signal_handlers_disconnect_by_data (worker->connection, worker);
  tg_db_connection_close (worker->connection);
  g_clear_object (&worker->connection);

  /* A statement was in flight: closing sent a cancel request from a thread, whose answer
   * comes back to this context. Give it a moment before the loop ends.
   */
  source = g_timeout_source_new (was_busy ? STOP_GRACE_MS : 0);
  g_source_set_callback (source, quit_cb, worker, NULL);
  g_source_set_static_name (source, "[tollgate] worker quit");
  g_source_attach (source, worker->context);
  g_source_unref (source);

  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;

  g_main_context_push_thread_default (worker->context);

  worker->connection = tg_db_connection_new (worker->conninfo);
  tg_db_connection_set_application_name (worker->connection, "tollgate-worker");
  tg_db_connection_set_statement_timeout_ms (worker->connection, STATEMENT_TIMEOUT_MS);
  tg_db_connection_set_lock_timeout_ms (worker->connection, LOCK_TIMEOUT_MS);
  g_signal_connect (worker->connection, "notify-received::" USAGE_CHANNEL,
                    G_CALLBACK (on_notify_received), worker);
  g_signal_connect (worker->connection, "notify-received::" CONFIG_CHANNEL,
                    G_CALLBACK (on_notify_received), worker);
  g_signal_connect (worker->connection, "notify-received::" ALERTS_CHANNEL,
                    G_CALLBACK (on_notify_received), worker);
  g_signal_connect (worker->connection, "notify::status",
                    G_CALLBACK (on_status_changed), worker);
  tg_db_connection_listen (worker->connection, USAGE_CHANNEL);
  tg_db_connection_listen (worker->connection, CONFIG_CHANNEL);
  tg_db_connection_listen (worker->connection, ALERTS_CHANNEL);

  schedule_tick (worker, worker->interval_ms);

  worker->evaluate_source = g_timeout_source_new (worker->evaluate_interval_ms);
  g_source_set_callback (worker->evaluate_source, evaluate_cb, worker, NULL);
  g_source_set_static_name (worker->evaluate_source, "[tollgate] worker evaluation timer");
  g_source_attach (worker->evaluate_source, worker->context);

  g_main_loop_run (worker->loop);

  /* An evaluation under way: its answer comes back to this context. Waited for, but not
   * for ever (its statements are bounded too). */
  if (worker->evaluating)
    {
      gboolean expired = FALSE;
      GSource *guard = g_timeout_source_new (EVALUATE_STOP_MS);

      g_source_set_callback (guard, give_up_cb, &expired, NULL);
      g_source_attach (guard, worker->context);
      while (worker->evaluating && !expired)
        g_main_context_iteration (worker->context, TRUE);
      g_source_destroy (guard);
      g_source_unref (guard);
    }
  if (worker->evaluating)
    {
      g_warning ("An alert evaluation was still running when the worker stopped");
      g_atomic_int_set (&worker->abandoned, TRUE);
    }
  else
    {
      g_autoptr(PGconn) closing = g_steal_pointer (&worker->evaluate_conn);
    }

  /* Whatever the loop left: completions of the closed connection, idles. */
  while (g_main_context_iteration (worker->context, FALSE))
    ;

  g_main_context_pop_thread_default (worker->context);

  post (worker, POST_STOPPED, 0, 0, 0);
  worker_unref (worker);

  return NULL;
}

/* GObject */

static void
tg_worker_dispose (GObject *object)
{
  TgWorker *self = TG_WORKER (object);

  /* The thread holds a reference while it runs, so it is not running here. */
  g_assert (self->thread == NULL);

  G_OBJECT_CLASS (tg_worker_parent_class)->dispose (object);
}

static void
tg_worker_finalize (GObject *object)
{
  TgWorker *self = TG_WORKER (object);

  g_clear_pointer (&self->worker, worker_unref);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (tg_worker_parent_class)->finalize (object);
}

static void
tg_worker_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TgWorker *self = TG_WORKER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;

    case PROP_LAST_ID:
      g_value_set_int64 (value, self->last_id);
      break;

    case PROP_REFRESH_INTERVAL_MS:
      g_value_set_uint (value, self->interval_ms);
      break;

    case PROP_EVALUATE_INTERVAL_MS:
      g_value_set_uint (value, self->evaluate_interval_ms);
      break;

    case PROP_N_EVALUATIONS:
      g_value_set_uint64 (value, self->n_evaluations);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_worker_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TgWorker *self = TG_WORKER (object);

  switch (prop_id)
    {
    case PROP_CONNINFO:
      g_free (self->worker->conninfo);
      self->worker->conninfo = g_value_dup_string (value);
      break;

    case PROP_REFRESH_INTERVAL_MS:
      tg_worker_set_refresh_interval_ms (self, g_value_get_uint (value));
      break;

    case PROP_EVALUATE_INTERVAL_MS:
      tg_worker_set_evaluate_interval_ms (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_worker_class_init (TgWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tg_worker_dispose;
  object_class->finalize = tg_worker_finalize;
  object_class->get_property = tg_worker_get_property;
  object_class->set_property = tg_worker_set_property;

  /**
   * TgWorker:conninfo:
   *
   * The database, as the window's connection reaches it. It may hold a password.
   */
  properties[PROP_CONNINFO] =
    g_param_spec_string ("conninfo", NULL, NULL,
                         NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:running:
   *
   * Whether the thread runs: from tg_worker_start() until the thread was joined after
   * tg_worker_stop().
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:role:
   *
   * Whether this Tollgate refreshes the rollups of its database.
   */
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL,
                       TG_TYPE_WORKER_ROLE, TG_WORKER_ROLE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:last-id:
   *
   * The rollups' watermark after this worker's last refresh: every usage row with a
   * smaller id is rolled up. 0 before the first.
   */
  properties[PROP_LAST_ID] =
    g_param_spec_int64 ("last-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:refresh-interval-ms:
   *
   * How often the worker refreshes the rollups; takes effect at tg_worker_start().
   */
  properties[PROP_REFRESH_INTERVAL_MS] =
    g_param_spec_uint ("refresh-interval-ms", NULL, NULL,
                       10, G_MAXINT32, DEFAULT_REFRESH_INTERVAL_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:evaluate-interval-ms:
   *
   * How often the worker evaluates the alerts besides after its refreshes that added
   * usage; takes effect at tg_worker_start().
   */
  properties[PROP_EVALUATE_INTERVAL_MS] =
    g_param_spec_uint ("evaluate-interval-ms", NULL, NULL,
                       10, G_MAXINT32, DEFAULT_EVALUATE_INTERVAL_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgWorker:n-evaluations:
   *
   * How many alert evaluations this worker has finished, successful or not.
   */
  properties[PROP_N_EVALUATIONS] =
    g_param_spec_uint64 ("n-evaluations", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgWorker::usage-changed:
   *
   * Someone's rollup refresher added usage (a NOTIFY on tollgate_usage). Emitted on the
   * context that made the worker; NOTIFYs that arrive while one waits to be emitted are
   * folded into it.
   */
  signals[USAGE_CHANGED] =
    g_signal_new ("usage-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TgWorker::config-changed:
   *
   * Someone changed a configuration table (budgets, quotas …; a NOTIFY on
   * tollgate_config). Emitted and folded as #TgWorker::usage-changed.
   */
  signals[CONFIG_CHANGED] =
    g_signal_new ("config-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TgWorker::alerts-changed:
   *
   * An alert was raised or changed state (a NOTIFY on tollgate_alerts). Emitted and
   * folded as #TgWorker::usage-changed.
   */
  signals[ALERTS_CHANGED] =
    g_signal_new ("alerts-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TgWorker::refreshed:
   * @rows: the usage rows the refresh added
   * @last_id: the rollups' watermark after it
   *
   * This worker ran the rollup refresher. Emitted on the context that made the worker.
   */
  signals[REFRESHED] =
    g_signal_new ("refreshed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * TgWorker::evaluated:
   * @changed: the alerts the evaluation raised or changed
   * @succeeded: whether it ran to the end (a failure is logged; the next one tries again)
   *
   * This worker evaluated the alerts, after storing the budgets' forecasts. Emitted on
   * the context that made the worker.
   */
  signals[EVALUATED] =
    g_signal_new ("evaluated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
}

static void
tg_worker_init (TgWorker *self)
{
  Worker *worker = g_new0 (Worker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->context = g_main_context_new ();
  worker->ui_context = g_main_context_ref_thread_default ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->cancellable = g_cancellable_new ();
  g_weak_ref_init (&worker->owner, self);

  self->worker = worker;
  self->interval_ms = DEFAULT_REFRESH_INTERVAL_MS;
  self->evaluate_interval_ms = DEFAULT_EVALUATE_INTERVAL_MS;
}

/**
 * tg_worker_new:
 * @conninfo: (nullable): the window's libpq connection string; %NULL for libpq's
 *   environment
 *
 * Makes a worker for the database of @conninfo. Its signals are emitted on the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): the worker, not yet started
 */
TgWorker *
tg_worker_new (const char *conninfo)
{
  return g_object_new (TG_TYPE_WORKER, "conninfo", conninfo, NULL);
}

/**
 * tg_worker_start:
 *
 * Starts the thread: it connects, LISTENs, and refreshes the rollups every
 * #TgWorker:refresh-interval-ms when it may. A worker starts once.
 */
void
tg_worker_start (TgWorker *self)
{
  g_autoptr(GError) error = NULL;
  GApplication *application;

  g_return_if_fail (TG_IS_WORKER (self));
  g_return_if_fail (self->thread == NULL && !self->running && !self->stop_requested);

  self->worker->interval_ms = self->interval_ms;
  self->worker->evaluate_interval_ms = self->evaluate_interval_ms;

  /* The thread's reference, returned when it was joined. */
  g_object_ref (self);

  self->thread = g_thread_try_new ("tollgate-worker", worker_thread, worker_ref (self->worker),
                                   &error);
  if (self->thread == NULL)
    {
      g_warning ("Could not start the worker thread: %s", error->message);
      worker_unref (self->worker);
      g_object_unref (self);
      return;
    }

  application = g_application_get_default ();
  if (application != NULL)
    {
      self->application = g_object_ref (application);
      g_application_hold (application);
    }

  self->running = TRUE;
  if (running_workers == NULL)
    running_workers = g_ptr_array_new ();
  g_ptr_array_add (running_workers, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * tg_worker_stop:
 *
 * Asks the thread to stop: its connection closes (cancelling a statement in flight) and
 * its loop ends. Returns at once; #TgWorker:running turns %FALSE when the thread has
 * been joined, on this context. No signal is emitted after that.
 */
void
tg_worker_stop (TgWorker *self)
{
  g_return_if_fail (TG_IS_WORKER (self));

  if (self->thread == NULL || self->stop_requested)
    return;

  self->stop_requested = TRUE;
  tg_handoff (self->worker->context, G_PRIORITY_HIGH, stop_cb, worker_ref (self->worker),
              (GDestroyNotify)worker_unref, "[tollgate] worker stop");
}

gboolean
tg_worker_get_running (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), FALSE);

  return self->running;
}

TgWorkerRole
tg_worker_get_role (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), TG_WORKER_ROLE_UNKNOWN);

  return self->role;
}

gint64
tg_worker_get_last_id (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), 0);

  return self->last_id;
}

guint
tg_worker_get_refresh_interval_ms (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), 0);

  return self->interval_ms;
}

void
tg_worker_set_refresh_interval_ms (TgWorker *self,
                                   guint     interval_ms)
{
  g_return_if_fail (TG_IS_WORKER (self));
  g_return_if_fail (interval_ms >= 10);

  if (self->interval_ms == interval_ms)
    return;

  self->interval_ms = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_INTERVAL_MS]);
}

guint
tg_worker_get_evaluate_interval_ms (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), 0);

  return self->evaluate_interval_ms;
}

void
tg_worker_set_evaluate_interval_ms (TgWorker *self,
                                    guint     interval_ms)
{
  g_return_if_fail (TG_IS_WORKER (self));
  g_return_if_fail (interval_ms >= 10);

  if (self->evaluate_interval_ms == interval_ms)
    return;

  self->evaluate_interval_ms = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVALUATE_INTERVAL_MS]);
}

/* How many alert evaluations this worker has finished. */
guint64
tg_worker_get_n_evaluations (TgWorker *self)
{
  g_return_val_if_fail (TG_IS_WORKER (self), 0);

  return self->n_evaluations;
}

static gboolean
give_up_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * tg_worker_stop_all:
 * @timeout_ms: how long to wait at most
 *
 * For the application's shutdown, once its main loop has ended: stops every worker still
 * running and iterates the thread-default main context until each thread has been
 * joined, or @timeout_ms has passed (a worker stuck in a DNS lookup of libpq).
 *
 * Returns: %TRUE when every thread was joined
 */
gboolean
tg_worker_stop_all (guint timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *guard;

  if (running_workers == NULL || running_workers->len == 0)
    return TRUE;

  for (guint i = 0; i < running_workers->len; i++)
    tg_worker_stop (g_ptr_array_index (running_workers, i));

  guard = g_timeout_source_new (timeout_ms);
  g_source_set_callback (guard, give_up_cb, &expired, NULL);
  g_source_attach (guard, context);

  while (running_workers->len > 0 && !expired)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (guard);
  g_source_unref (guard);

  return running_workers->len == 0;
}
