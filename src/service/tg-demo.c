/* tg-demo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The demo from inside the app, step for step what tools/demo does: a private
 * PostgreSQL cluster in the user's cache directory (kept and reused), trust
 * authentication on a Unix socket only, the schema migrated, 120 days of simulated
 * history the first time and only the missing days afterwards, the rollups refreshed,
 * and live simulated traffic for the session. The rollup refresher is not started
 * here: the window's worker runs it.
 *
 * The steps are programs (initdb, pg_ctl, tollgatectl; tg-demo-programs.c finds and
 * runs them) and two questions to the cluster (tg-cluster-queries.h), on a GTask thread
 * one after the other; cancelling terminates the running one and stops the server.
 * PostgreSQL refuses to run as root, so as root the server programs run as the postgres
 * system user, as tools/lib/postgres.sh does. What the demo is doing reaches the thread
 * that made it through tg_handoff().
 */

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tg-cluster-queries.h"
#include "tg-db-conninfo.h"
#include "tg-db-util.h"
#include "tg-demo.h"
#include "tg-demo-programs.h"
#include "tg-handoff.h"

#define DEMO_HISTORY_DAYS 120
/* One seed for the history, the days missed and the live traffic: the same population,
 * whose users keep their addresses and user agents from one session to the next (a
 * random seed would make every user's address new to the anomaly alerts). */
#define DEMO_SEED         "16"
#define DEMO_LIVE_RATE    "8"

/* How long stopping may take: the simulator (it commits its last batch), then the server,
 * politely and then at once. Quitting waits for these, so they are bounded. */
#define SIMULATOR_STOP_MS             5000
#define SERVER_STOP_FAST_SECONDS      "15"
#define SERVER_STOP_IMMEDIATE_SECONDS "5"

struct _TgDemo
{
  GObject       parent_instance;

  /* owned; set at construction */
  char         *dir;
  char         *data_dir;
  char         *conninfo;

  /* owned; the context of the thread that made the demo (the UI's), where its
   * properties change and notify; only that thread touches these */
  GMainContext *context;
  char         *status;
  GCancellable *start_cancellable;  /* ends a start under way when the demo stops */

  /* held by a start or a stop for its whole run, so they never overlap */
  GMutex        lock;

  /* under lock */
  char         *bindir;
  GSubprocess  *simulator;
  GPid          simulator_pid;

  guint         running : 1;
};

enum {
  PROP_0,
  PROP_STATUS,
  PROP_RUNNING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (TgDemo, tg_demo, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* ---- reporting to the UI thread ------------------------------------------------- */

static void
set_status (TgDemo     *self,
            const char *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_running (TgDemo   *self,
             gboolean  running)
{
  running = !!running;
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

typedef struct
{
  TgDemo *self;
  char   *status;
} StatusUpdate;

static void
status_update_free (StatusUpdate *update)
{
  g_object_unref (update->self);
  g_free (update->status);
  g_free (update);
}

static gboolean
apply_status (gpointer data)
{
  StatusUpdate *update = data;

  set_status (update->self, update->status);

  return G_SOURCE_REMOVE;
}

/* From the start's thread: what the demo is doing now, for the progress label. It
 * changes on the thread that made the demo, through tg_handoff(), never here. */
static void
publish_status (TgDemo     *self,
                const char *status)
{
  StatusUpdate *update = g_new0 (StatusUpdate, 1);

  update->self = g_object_ref (self);
  update->status = g_strdup (status);
  tg_handoff (self->context, G_PRIORITY_DEFAULT, apply_status, update,
              (GDestroyNotify)status_update_free, "[tollgate] demo status");
}

static gboolean
server_pid_file_exists (TgDemo *self)
{
  g_autofree char *pid_file = g_build_filename (self->data_dir, "postmaster.pid", NULL);

  return g_file_test (pid_file, G_FILE_TEST_EXISTS);
}

/* Stopping is bounded: a fast shutdown (sessions ended, a checkpoint) for a while, then
 * an immediate one, which the next start's crash recovery cleans up after. */
static gboolean
stop_server_locked (TgDemo  *self,
                    GError **error)
{
  g_autofree char *pg_ctl = NULL;
  g_autoptr(GError) fast_error = NULL;

  if (self->bindir == NULL || !server_pid_file_exists (self))
    return TRUE;

  pg_ctl = g_build_filename (self->bindir, "pg_ctl", NULL);
  if (_tg_demo_run_program (_("Stopping PostgreSQL"), TRUE,
                (const char * const[]) { pg_ctl, "-D", self->data_dir, "-m", "fast", "-w",
                                         "-t", SERVER_STOP_FAST_SECONDS, "stop", NULL },
                NULL, NULL, NULL, &fast_error))
    return TRUE;

  g_debug ("The demo's server did not stop in time, stopping it at once: %s",
           fast_error->message);
  return _tg_demo_run_program (_("Stopping PostgreSQL"), TRUE,
                   (const char * const[]) { pg_ctl, "-D", self->data_dir, "-m", "immediate",
                                            "-w", "-t", SERVER_STOP_IMMEDIATE_SECONDS, "stop",
                                            NULL },
                   NULL, NULL, NULL, error);
}

static void
stop_locked (TgDemo *self)
{
  g_autoptr(GError) error = NULL;

  if (self->simulator != NULL)
    {
      g_subprocess_send_signal (self->simulator, SIGTERM);
      if (!_tg_demo_wait_bounded (self->simulator, SIMULATOR_STOP_MS))
        {
          g_debug ("The demo's simulator did not stop in time: killing it");
          g_subprocess_force_exit (self->simulator);
          _tg_demo_wait_bounded (self->simulator, SIMULATOR_STOP_MS);
        }
      g_clear_object (&self->simulator);
      self->simulator_pid = 0;
    }

  if (!stop_server_locked (self, &error))
    g_warning ("%s", error->message);
}

static gboolean
prepare_dir (TgDemo  *self,
             GError **error)
{
  int saved_errno;

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the demo’s folder %s: %s"), self->dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* As root the server runs as postgres, which must own the folder (the socket goes
   * there too) and be able to reach it: tg_pg_start does the same.
   */
  if (_tg_demo_is_root ())
    {
      struct passwd *owner = getpwnam (TG_DEMO_SERVER_OWNER);

      if (owner == NULL ||
          chown (self->dir, owner->pw_uid, owner->pw_gid) != 0 ||
          chmod (self->dir, 0755) != 0)
        {
          saved_errno = owner == NULL ? ENOENT : errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not hand the demo’s folder %s to the postgres user: %s"),
                       self->dir, g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}

/* The number of days of history a new demo gets: TOLLGATE_DEMO_DAYS lets tests ask
 * for a few.
 */
static guint
history_days (void)
{
  const char *value = g_getenv ("TOLLGATE_DEMO_DAYS");
  guint64 days;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 3660, &days, NULL))
    return (guint)days;

  return DEMO_HISTORY_DAYS;
}

/* Connects to a database of the demo's cluster, on the start's thread. */
static PGconn *
connect_demo (TgDemo      *self,
              const char  *dbname,
              GError     **error)
{
  g_autofree char *conninfo = NULL;
  g_autoptr(GString) quoted = g_string_new (NULL);

  tg_db_conninfo_append_value (quoted, self->dir);
  conninfo = g_strdup_printf ("host=%s port=" TG_DEMO_PORT " dbname=%s user=postgres "
                              "connect_timeout=10", quoted->str, dbname);

  return tg_db_connect (conninfo, "tollgate-demo", error);
}

static gboolean
start_locked (TgDemo        *self,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *ctl = NULL;
  g_autofree char *initdb = NULL;
  g_autofree char *pg_ctl = NULL;
  g_autofree char *version_file = NULL;
  g_autofree char *server_log = NULL;
  g_autofree char *server_options = NULL;
  g_autofree char *quoted_dir = NULL;
  GDate newest;
  g_autofree char *simulator_log = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *today_text = NULL;
  GDate today;
  const char *identifier;

  publish_status (self, _("Looking for PostgreSQL…"));
  if (!tg_demo_check (error))
    return FALSE;

  g_clear_pointer (&self->bindir, g_free);
  self->bindir = tg_demo_find_server_bindir (error);
  ctl = tg_demo_find_tollgatectl ();
  if (self->bindir == NULL || ctl == NULL)
    return FALSE;

  initdb = g_build_filename (self->bindir, "initdb", NULL);
  pg_ctl = g_build_filename (self->bindir, "pg_ctl", NULL);

  if (!prepare_dir (self, error))
    return FALSE;

  version_file = g_build_filename (self->data_dir, "PG_VERSION", NULL);
  if (!g_file_test (version_file, G_FILE_TEST_EXISTS))
    {
      publish_status (self, _("Creating the demo database cluster…"));
      if (!_tg_demo_run_program (_("Creating the database cluster"), TRUE,
                     (const char * const[]) { initdb, "-D", self->data_dir, "-U", "postgres",
                                              "-A", "trust", "-E", "UTF8",
                                              "--locale=C.UTF-8", NULL },
                     NULL, NULL, cancellable, error))
        return FALSE;
    }

  /* A server left running by a demo that was killed is stopped and started again. */
  if (server_pid_file_exists (self))
    {
      publish_status (self, _("Stopping the demo’s old server…"));
      if (!stop_server_locked (self, error))
        return FALSE;
    }

  publish_status (self, _("Starting PostgreSQL…"));
  server_log = g_build_filename (self->dir, "server.log", NULL);
  quoted_dir = g_shell_quote (self->dir);
  server_options = g_strdup_printf ("-c listen_addresses='' -k %s -p " TG_DEMO_PORT
                                    " -c max_connections=200", quoted_dir);
  if (!_tg_demo_run_program (_("Starting PostgreSQL"), TRUE,
                 (const char * const[]) { pg_ctl, "-D", self->data_dir, "-l", server_log,
                                          "-w", "-t", "60", "-o", server_options, "start",
                                          NULL },
                 server_log, NULL, NULL, error))
    return FALSE;

  /* pg_ctl start is not interrupted (it takes a second at most): ended while it waits,
   * it would leave a server starting up that no pid file names yet, which nothing
   * could stop. A cancel takes effect now instead, and stops the server.
   */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  publish_status (self, _("Preparing the demo database…"));
  {
    g_autoptr(PGconn) server = connect_demo (self, "postgres", error);

    if (server == NULL || !tg_cluster_ensure_database (server, "tollgate", NULL, error))
      return FALSE;
  }

  publish_status (self, _("Updating the demo database’s schema…"));
  if (!_tg_demo_run_program (_("Updating the schema"), FALSE,
                 (const char * const[]) { ctl, "migrate", "--db", self->conninfo, NULL },
                 NULL, NULL, cancellable, error))
    return FALSE;

  /* History: all of it the first time; afterwards only the days since the newest row. */
  {
    g_autoptr(PGconn) demo = connect_demo (self, "tollgate", error);

    if (demo == NULL || !tg_cluster_newest_usage_day (demo, &newest, error))
      return FALSE;
  }

  now = g_date_time_new_now_utc ();
  today_text = g_date_time_format (now, "%Y-%m-%d");
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));

  if (!g_date_valid (&newest))
    {
      guint days = history_days ();
      g_autofree char *days_text = g_strdup_printf ("%u", days);
      g_autofree char *status = NULL;

      if (days == DEMO_HISTORY_DAYS)
        status = g_strdup_printf (_("Simulating %u days of history (about a minute)…"), days);
      else
        status = g_strdup_printf (ngettext ("Simulating %u day of history…",
                                            "Simulating %u days of history…", days),
                                  days);
      publish_status (self, status);
      if (!_tg_demo_run_program (_("Simulating history"), FALSE,
                     (const char * const[]) { ctl, "simulate", "--db", self->conninfo,
                                              "--history", days_text, "--seed", DEMO_SEED,
                                              NULL },
                     NULL, NULL, cancellable, error))
        return FALSE;
    }
  else
    {
      int gap = g_date_days_between (&newest, &today);

      if (gap > 0)
        {
          g_autofree char *gap_text = g_strdup_printf ("%d", MIN (gap, 3660));
          g_autofree char *status = NULL;

          status = g_strdup_printf (ngettext ("Simulating the %d day since the demo last ran…",
                                              "Simulating the %d days since the demo last ran…",
                                              gap),
                                    gap);
          publish_status (self, status);
          if (!_tg_demo_run_program (_("Simulating the missing days"), FALSE,
                         (const char * const[]) { ctl, "simulate", "--db", self->conninfo,
                                                  "--history", gap_text, "--end", today_text,
                                                  "--seed", DEMO_SEED, NULL },
                         NULL, NULL, cancellable, error))
            return FALSE;
        }
    }

  publish_status (self, _("Rolling up…"));
  if (!_tg_demo_run_program (_("Rolling up"), FALSE,
                 (const char * const[]) { ctl, "refresh", "--db", self->conninfo, NULL },
                 NULL, NULL, cancellable, error))
    return FALSE;

  /* Live traffic for the session; the window's worker refreshes the rollups. */
  publish_status (self, _("Starting live traffic…"));
  simulator_log = g_build_filename (self->dir, "simulate.log", NULL);
  launcher = _tg_demo_new_launcher (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, simulator_log);
  self->simulator = g_subprocess_launcher_spawn (launcher, error, ctl, "simulate",
                                                 "--db", self->conninfo, "--live",
                                                 "--rate", DEMO_LIVE_RATE, "--seed", DEMO_SEED,
                                                 NULL);
  if (self->simulator == NULL)
    return FALSE;

  identifier = g_subprocess_get_identifier (self->simulator);
  self->simulator_pid = identifier != NULL ? atoi (identifier) : 0;

  return TRUE;
}

typedef struct
{
  GCancellable *stopping;  /* cancelled by a stop, or by the caller's cancellable */
  GCancellable *outer;
  gulong        outer_id;
} StartData;

static void
start_data_free (StartData *data)
{
  if (data->outer != NULL)
    g_cancellable_disconnect (data->outer, data->outer_id);
  g_clear_object (&data->outer);
  g_clear_object (&data->stopping);
  g_free (data);
}

static void
cancel_other (GCancellable *cancellable,
              GCancellable *other)
{
  g_cancellable_cancel (other);
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TgDemo *self = source_object;
  StartData *data = task_data;
  g_autoptr(GError) error = NULL;
  gboolean started;

  g_mutex_lock (&self->lock);
  started = start_locked (self, data->stopping, &error);
  /* Failing or cancelling stops whatever was started. */
  if (!started)
    stop_locked (self);
  g_mutex_unlock (&self->lock);

  publish_status (self, NULL);

  if (started)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TgDemo *self = TG_DEMO (object);
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (self->start_cancellable == data->stopping)
    g_clear_object (&self->start_cancellable);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  set_running (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

/**
 * tg_demo_start_async:
 * @cancellable: (nullable): cancelling ends the step under way and stops the server
 *
 * Starts the demo: see the top of this file. #TgDemo:status says what it is doing.
 */
void
tg_demo_start_async (TgDemo              *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  StartData *data;

  g_return_if_fail (TG_IS_DEMO (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_demo_start_async);

  if (self->running || self->start_cancellable != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The demo is already running"));
      return;
    }

  data = g_new0 (StartData, 1);
  data->stopping = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other),
                                              g_object_ref (data->stopping), g_object_unref);
    }
  self->start_cancellable = g_object_ref (data->stopping);

  /* The thread's task has no cancellable of its own: it always runs to its end (a
   * cancelled start still has to stop the server), and says "cancelled" then.
   */
  inner = g_task_new (self, NULL, on_started, g_steal_pointer (&task));
  g_task_set_task_data (inner, data, (GDestroyNotify)start_data_free);
  set_status (self, _("Starting the demo…"));
  g_task_run_in_thread (inner, start_thread);
}

gboolean
tg_demo_start_finish (TgDemo        *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (TG_IS_DEMO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
stop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TgDemo *self = source_object;

  g_mutex_lock (&self->lock);
  stop_locked (self);
  g_mutex_unlock (&self->lock);

  g_task_return_boolean (task, TRUE);
}

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TgDemo *self = TG_DEMO (object);
  g_autoptr(GTask) task = user_data;

  set_running (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

/**
 * tg_demo_stop_async:
 *
 * Stops the demo without blocking: a start under way is cancelled, the live simulator
 * gets SIGTERM and is waited for, then the server stops (pg_ctl stop -m fast).
 */
void
tg_demo_stop_async (TgDemo              *self,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (TG_IS_DEMO (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tg_demo_stop_async);

  g_cancellable_cancel (self->start_cancellable);

  inner = g_task_new (self, NULL, on_stopped, g_steal_pointer (&task));
  g_task_run_in_thread (inner, stop_thread);
}

gboolean
tg_demo_stop_finish (TgDemo        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (TG_IS_DEMO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tg_demo_stop:
 *
 * Stops the demo and waits for it: for the application's shutdown, when the main
 * loop no longer runs. A start or a stop under way on a thread is waited for.
 */
void
tg_demo_stop (TgDemo *self)
{
  g_return_if_fail (TG_IS_DEMO (self));

  g_cancellable_cancel (self->start_cancellable);

  g_mutex_lock (&self->lock);
  stop_locked (self);
  g_mutex_unlock (&self->lock);

  set_running (self, FALSE);
}

/* ---- the object ----------------------------------------------------------------- */

static void
tg_demo_dispose (GObject *object)
{
  TgDemo *self = TG_DEMO (object);

  /* No thread runs now (each holds a reference); stop what is left. */
  g_mutex_lock (&self->lock);
  stop_locked (self);
  g_mutex_unlock (&self->lock);

  g_clear_object (&self->start_cancellable);

  G_OBJECT_CLASS (tg_demo_parent_class)->dispose (object);
}

static void
tg_demo_finalize (GObject *object)
{
  TgDemo *self = TG_DEMO (object);

  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->bindir, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tg_demo_parent_class)->finalize (object);
}

static void
tg_demo_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TgDemo *self = TG_DEMO (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_demo_class_init (TgDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tg_demo_dispose;
  object_class->finalize = tg_demo_finalize;
  object_class->get_property = tg_demo_get_property;

  /**
   * TgDemo:status:
   *
   * What a start is doing now, in words for a progress label; %NULL when none runs.
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgDemo:running:
   *
   * Whether the demo's server and live traffic run (between a start that worked and
   * a stop).
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tg_demo_init (TgDemo *self)
{
  const char *dir = g_getenv ("TOLLGATE_DEMO_DIR");

  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();

  /* The same place as tools/demo: as root one the postgres user can reach. */
  if (dir != NULL && *dir != '\0')
    self->dir = g_canonicalize_filename (dir, NULL);
  else if (_tg_demo_is_root ())
    self->dir = g_strdup ("/var/tmp/tollgate-demo");
  else
    self->dir = g_build_filename (g_get_user_cache_dir (), "tollgate", "demo", NULL);

  self->data_dir = g_build_filename (self->dir, "data", NULL);
  /* As tools/demo's, with the port it exports in PGPORT. */
  self->conninfo = g_strdup_printf ("host=%s port=" TG_DEMO_PORT " dbname=tollgate user=postgres "
                                    "application_name=tollgate-demo", self->dir);
}

TgDemo *
tg_demo_new (void)
{
  return g_object_new (TG_TYPE_DEMO, NULL);
}

/**
 * tg_demo_get_dir:
 *
 * Returns: the folder of the demo's cluster: data/, the socket and the logs
 */
const char *
tg_demo_get_dir (TgDemo *self)
{
  g_return_val_if_fail (TG_IS_DEMO (self), NULL);

  return self->dir;
}

/**
 * tg_demo_get_conninfo:
 *
 * Returns: the connection string of the demo database (no password: trust on a
 *   Unix socket)
 */
const char *
tg_demo_get_conninfo (TgDemo *self)
{
  g_return_val_if_fail (TG_IS_DEMO (self), NULL);

  return self->conninfo;
}

const char *
tg_demo_get_status (TgDemo *self)
{
  g_return_val_if_fail (TG_IS_DEMO (self), NULL);

  return self->status;
}

gboolean
tg_demo_get_running (TgDemo *self)
{
  g_return_val_if_fail (TG_IS_DEMO (self), FALSE);

  return self->running;
}

/**
 * tg_demo_get_simulator_pid:
 *
 * Returns: the process id of the live simulator while the demo runs, else 0
 */
GPid
tg_demo_get_simulator_pid (TgDemo *self)
{
  g_return_val_if_fail (TG_IS_DEMO (self), 0);

  return self->running ? self->simulator_pid : 0;
}
