/* tg-alert-notifier.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Announces each alert once per computer (docs/architecture.md, "Alert delivery"),
 * however many Tollgate windows and processes watch the same database, and across
 * restarts.
 *
 * The record is a small text file per database under
 * $XDG_STATE_HOME/tollgate/alerts/, named by a SHA-256 of the identity the caller gives
 * (the cluster's system identifier and the database name, say: never a connection
 * string or a password, and the name shows neither). A claim takes an exclusive flock()
 * on a lock file beside it — flock(), not fcntl(), so that two claims of one process
 * exclude each other too — reads the record, keeps the open alerts it does not hold,
 * adds them, and writes the record anew (a temporary file renamed over it, so a reader
 * sees the old record or the new one, never half of one) before it lets go. Whoever
 * claims an alert first announces it; the others find it recorded.
 *
 * The record stays small: it forgets alerts created before the horizon (a week), which
 * are not announced anyway, and keeps at most max-entries of the others. What it forgets
 * it sums up in its floor: any alert created at or before the floor counts as announced,
 * so forgetting never announces an alert again.
 *
 * A damaged record (cut short, edited, written by a newer format) is not trusted and
 * not thrown away blindly: the lines that still read are kept, the floor is raised to
 * the time the file was last written (any alert created before then may have been
 * announced from it; those created since cannot have been), the file is kept beside as
 * *.corrupt, and a warning says so. So a damaged record neither stops announcements nor
 * repeats the old ones at once.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tg-alert-notifier.h"

#define FORMAT_LINE      "tollgate-alert-notifier 1"
#define MAX_RECORD_BYTES (1024 * 1024)

struct _TgAlertNotifier
{
  GObject    parent_instance;

  char      *directory;
  char      *identity;
  char      *path;        /* the record */
  char      *lock_path;
  char      *corrupt_path;
  GTimeSpan  horizon;
  guint      max_entries;
};

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_IDENTITY,
  PROP_HORIZON,
  PROP_MAX_ENTRIES,
  N_PROPS
};

/* One alert the record holds. */
typedef struct
{
  gint64 id;
  gint64 created_at_usec;
} Entry;

typedef struct
{
  GHashTable *entries;         /* &Entry.id → Entry */
  gint64      floor_usec;
} Record;

G_DEFINE_FINAL_TYPE (TgAlertNotifier, tg_alert_notifier, G_TYPE_OBJECT)
G_DEFINE_QUARK (tg-alert-notifier-error-quark, tg_alert_notifier_error)

static GParamSpec *properties[N_PROPS];

static void
record_init (Record *record)
{
  record->entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  record->floor_usec = G_MININT64;
}

static void
record_clear (Record *record)
{
  g_clear_pointer (&record->entries, g_hash_table_unref);
}

static void
record_add (Record *record,
            gint64  id,
            gint64  created_at_usec)
{
  Entry *entry = g_new (Entry, 1);

  entry->id = id;
  entry->created_at_usec = created_at_usec;
  g_hash_table_replace (record->entries, &entry->id, entry);
}

static gboolean
parse_int64 (const char *text,
             gint64     *value)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL);
}

/* Reads @contents into @record, keeping every line that reads. Returns NULL, or why
 * the record is damaged.
 */
static char *
record_parse (Record     *record,
              const char *contents,
              gsize       length)
{
  g_auto(GStrv) lines = NULL;
  gboolean seen_format = FALSE;
  char *problem = NULL;

  if (memchr (contents, '\0', length) != NULL)
    return g_strdup ("it holds a NUL byte");
  if (!g_utf8_validate (contents, length, NULL))
    return g_strdup ("it is not UTF-8");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      gint64 first, second;

      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;

      if (!seen_format)
        {
          if (!g_str_equal (lines[i], FORMAT_LINE))
            return g_strdup_printf ("its first line is not “%s”", FORMAT_LINE);
          seen_format = TRUE;
          continue;
        }

      fields = g_strsplit (lines[i], " ", -1);
      if (g_strv_length (fields) == 2 && g_str_equal (fields[0], "floor") &&
          parse_int64 (fields[1], &second))
        record->floor_usec = MAX (record->floor_usec, second);
      else if (g_strv_length (fields) == 2 && parse_int64 (fields[0], &first) &&
               parse_int64 (fields[1], &second))
        record_add (record, first, second);
      else if (problem == NULL)
        problem = g_strdup_printf ("line %u is not understood", i + 1);
    }

  if (!seen_format)
    return g_strdup ("it is empty");

  return problem;
}

/* Reads the record into @record (left empty when there is none). A damaged one is
 * recovered as the top of this file says, and *@changed set so that it is written anew.
 */
static gboolean
record_read (TgAlertNotifier  *self,
             Record           *record,
             gboolean         *changed,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *problem = NULL;
  GStatBuf st;
  gsize length = 0;
  gint64 written_usec;

  if (g_stat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return TRUE;
      g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                   _("Could not read the record of alerts announced on this computer "
                     "(%s): %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }

  if (st.st_size > MAX_RECORD_BYTES)
    problem = g_strdup_printf ("it is larger than %d bytes", MAX_RECORD_BYTES);
  else if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                   _("Could not read the record of alerts announced on this computer: %s"),
                   local_error->message);
      return FALSE;
    }
  else
    problem = record_parse (record, contents, length);

  if (problem == NULL)
    return TRUE;

  written_usec = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  record->floor_usec = MAX (record->floor_usec, written_usec);
  *changed = TRUE;

  if (g_rename (self->path, self->corrupt_path) != 0)
    g_warning ("The record of alerts announced on this computer (%s) is damaged (%s) and "
               "could not be moved aside (%s); it is written anew, and alerts created "
               "before it was last written count as announced",
               self->path, problem, g_strerror (errno));
  else
    g_warning ("The record of alerts announced on this computer (%s) is damaged (%s); it "
               "was moved to %s and is written anew, and alerts created before it was "
               "last written count as announced",
               self->path, problem, self->corrupt_path);

  return TRUE;
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(const Entry * const *)a;
  const Entry *y = *(const Entry * const *)b;

  if (x->created_at_usec != y->created_at_usec)
    return x->created_at_usec < y->created_at_usec ? -1 : 1;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  return 0;
}

/* Forgets what the horizon and max-entries let go of, raising the floor over it.
 * Returns whether anything was forgotten.
 */
static gboolean
record_prune (TgAlertNotifier *self,
              Record          *record,
              gint64           horizon_start_usec)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter iter;
  Entry *entry;
  guint n_drop = 0;

  g_hash_table_iter_init (&iter, record->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&entry))
    g_ptr_array_add (sorted, entry);
  g_ptr_array_sort (sorted, compare_entries);

  while (n_drop < sorted->len &&
         (((Entry *)sorted->pdata[n_drop])->created_at_usec <= horizon_start_usec ||
          sorted->len - n_drop > self->max_entries))
    n_drop++;

  for (guint i = 0; i < n_drop; i++)
    {
      entry = sorted->pdata[i];
      record->floor_usec = MAX (record->floor_usec, entry->created_at_usec);
      g_hash_table_remove (record->entries, &entry->id);
    }

  return n_drop > 0;
}

static gboolean
record_write (TgAlertNotifier  *self,
              Record           *record,
              GError          **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, record->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&entry))
    g_ptr_array_add (sorted, entry);
  g_ptr_array_sort (sorted, compare_entries);

  g_string_append (text, "# The alerts Tollgate has announced on this computer: id and creation "
                         "time (µs since 1970, UTC).\n"
                         "# Alerts created at or before the floor count as announced.\n");
  g_string_append (text, FORMAT_LINE "\n");
  if (record->floor_usec != G_MININT64)
    g_string_append_printf (text, "floor %" G_GINT64_FORMAT "\n", record->floor_usec);
  for (guint i = 0; i < sorted->len; i++)
    {
      entry = sorted->pdata[i];
      g_string_append_printf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                              entry->id, entry->created_at_usec);
    }

  /* A temporary file renamed over the record, synced first. */
  if (!g_file_set_contents_full (self->path, text->str, (gssize)text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                   _("Could not write the record of alerts announced on this computer: %s"),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Opens and locks the lock file, waiting at most TG_ALERT_NOTIFIER_LOCK_TIMEOUT_MS for
 * another claim. Returns the descriptor (closing it unlocks), or -1 with @error set.
 */
static int
lock_record (TgAlertNotifier  *self,
             GError          **error)
{
  gint64 deadline = g_get_monotonic_time () + TG_ALERT_NOTIFIER_LOCK_TIMEOUT_MS * 1000;
  gulong pause_us = 1000;
  int fd;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                   _("Could not make the folder %s for the record of announced alerts: %s"),
                   self->directory, g_strerror (saved_errno));
      return -1;
    }

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                   _("Could not open %s: %s"), self->lock_path, g_strerror (saved_errno));
      return -1;
    }

  /* The lock is held for a read and a write of a small file: wait in short pauses
   * rather than block without end behind a process that hangs.
   */
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      if (saved_errno != EWOULDBLOCK)
        {
          g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED,
                       _("Could not lock %s: %s"), self->lock_path, g_strerror (saved_errno));
          close (fd);
          return -1;
        }
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_BUSY,
                       _("Another Tollgate on this computer has held %s for more than "
                         "%u seconds; alerts are announced once it lets go"),
                       self->lock_path, TG_ALERT_NOTIFIER_LOCK_TIMEOUT_MS / 1000);
          close (fd);
          return -1;
        }
      g_usleep (pause_us);
      pause_us = MIN (pause_us * 2, 50000);
    }

  return fd;
}

static gboolean
any_to_announce (const TgAlertNotice *alerts,
                 guint                n_alerts,
                 gint64               horizon_start_usec)
{
  for (guint i = 0; i < n_alerts; i++)
    if (tg_alert_notice_is_open (&alerts[i]) && alerts[i].created_at_usec > horizon_start_usec)
      return TRUE;

  return FALSE;
}

/**
 * tg_alert_notifier_claim:
 * @alerts: (array length=n_alerts): alerts as the database has them now
 * @to_announce: (out) (transfer container) (element-type TgAlertNotice): the alerts
 *   this computer has not announced yet, copies, in the order of @alerts
 *
 * Claims for this computer the open alerts of @alerts that no Tollgate on it has
 * announced and that were created within the horizon, and records them as announced.
 * The caller announces those (tg_alert_notification_send()); every other claim, in this
 * process or another, before or after a restart, leaves them out. Blocks on the disk
 * (and on another process's claim, up to %TG_ALERT_NOTIFIER_LOCK_TIMEOUT_MS): call it
 * on the worker thread, or use tg_alert_notifier_claim_async().
 *
 * Returns: %TRUE with @to_announce set (perhaps empty); %FALSE with @error set, and
 *   nothing claimed, when the record could not be read or written
 */
gboolean
tg_alert_notifier_claim (TgAlertNotifier      *self,
                         const TgAlertNotice  *alerts,
                         guint                 n_alerts,
                         GPtrArray           **to_announce,
                         GError              **error)
{
  g_autoptr(GPtrArray) claimed = NULL;
  Record record;
  gint64 horizon_start_usec;
  gboolean changed = FALSE;
  gboolean ok;
  int fd;

  g_return_val_if_fail (TG_IS_ALERT_NOTIFIER (self), FALSE);
  g_return_val_if_fail (alerts != NULL || n_alerts == 0, FALSE);
  g_return_val_if_fail (to_announce != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  claimed = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_alert_notice_free);
  horizon_start_usec = g_get_real_time () - self->horizon;

  /* Nothing to announce needs no lock and no file. */
  if (!any_to_announce (alerts, n_alerts, horizon_start_usec))
    {
      *to_announce = g_steal_pointer (&claimed);
      return TRUE;
    }

  fd = lock_record (self, error);
  if (fd < 0)
    return FALSE;

  record_init (&record);
  ok = record_read (self, &record, &changed, error);

  for (guint i = 0; ok && i < n_alerts; i++)
    {
      const TgAlertNotice *alert = &alerts[i];

      if (!tg_alert_notice_is_open (alert) ||
          alert->created_at_usec <= horizon_start_usec ||
          alert->created_at_usec <= record.floor_usec ||
          g_hash_table_contains (record.entries, &alert->id))
        continue;

      record_add (&record, alert->id, alert->created_at_usec);
      g_ptr_array_add (claimed, tg_alert_notice_copy (alert));
      changed = TRUE;
    }

  if (ok && record_prune (self, &record, horizon_start_usec))
    changed = TRUE;
  if (ok && changed)
    ok = record_write (self, &record, error);

  record_clear (&record);
  close (fd);

  if (!ok)
    return FALSE;

  *to_announce = g_steal_pointer (&claimed);
  return TRUE;
}

typedef struct
{
  TgAlertNotice *alerts;
  guint          n_alerts;
} ClaimData;

static void
claim_data_free (ClaimData *data)
{
  for (guint i = 0; i < data->n_alerts; i++)
    tg_alert_notice_clear (&data->alerts[i]);
  g_free (data->alerts);
  g_free (data);
}

static void
claim_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ClaimData *data = task_data;
  GPtrArray *to_announce = NULL;
  GError *error = NULL;

  if (tg_alert_notifier_claim (source_object, data->alerts, data->n_alerts, &to_announce, &error))
    g_task_return_pointer (task, to_announce, (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

/**
 * tg_alert_notifier_claim_async:
 *
 * Runs tg_alert_notifier_claim() on a GTask thread, with copies of @alerts. Cancelling
 * drops the answer, not the claim: alerts claimed by then are recorded as announced.
 */
void
tg_alert_notifier_claim_async (TgAlertNotifier      *self,
                               const TgAlertNotice  *alerts,
                               guint                 n_alerts,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ClaimData *data;

  g_return_if_fail (TG_IS_ALERT_NOTIFIER (self));
  g_return_if_fail (alerts != NULL || n_alerts == 0);

  data = g_new0 (ClaimData, 1);
  data->alerts = g_new0 (TgAlertNotice, MAX (n_alerts, 1));
  data->n_alerts = n_alerts;
  for (guint i = 0; i < n_alerts; i++)
    {
      TgAlertNotice *copy = tg_alert_notice_copy (&alerts[i]);

      data->alerts[i] = *copy;
      g_free (copy);
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_alert_notifier_claim_async);
  g_task_set_name (task, "[tollgate] claim alerts");
  g_task_set_task_data (task, data, (GDestroyNotify)claim_data_free);
  g_task_set_check_cancellable (task, TRUE);
  g_task_run_in_thread (task, claim_thread);
}

/**
 * tg_alert_notifier_claim_finish:
 *
 * Returns: (transfer container) (element-type TgAlertNotice): the alerts to announce,
 *   or %NULL with @error set
 */
GPtrArray *
tg_alert_notifier_claim_finish (TgAlertNotifier  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (TG_IS_ALERT_NOTIFIER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_alert_notifier_claim_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tg_alert_notification_new:
 *
 * Returns: (transfer full): the desktop notification of @notice: its title and body
 *   (src/core/tg-alert-notice.c), high priority for a provider's error or timeout spike
 *   (an outage wants attention now), normal otherwise
 */
GNotification *
tg_alert_notification_new (const TgAlertNotice *notice)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GNotification *notification;

  g_return_val_if_fail (notice != NULL, NULL);

  title = tg_alert_notice_dup_title (notice);
  body = tg_alert_notice_dup_body (notice);

  notification = g_notification_new (title);
  if (*body != '\0')
    g_notification_set_body (notification, body);
  if (g_strcmp0 (notice->kind, "provider_errors") == 0 ||
      g_strcmp0 (notice->kind, "provider_timeouts") == 0)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  else
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);

  return notification;
}

/**
 * tg_alert_notification_send:
 *
 * Sends the notification of @notice under its id ("alert-42"), so that sending it
 * again replaces it on the desktop rather than adding another. Call it from the thread
 * that runs @application, for alerts tg_alert_notifier_claim() returned.
 */
void
tg_alert_notification_send (GApplication        *application,
                            const TgAlertNotice *notice)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (G_IS_APPLICATION (application));
  g_return_if_fail (notice != NULL);

  id = tg_alert_notice_dup_notification_id (notice);
  notification = tg_alert_notification_new (notice);
  g_application_send_notification (application, id, notification);
}

/* --- the object --- */

static void
tg_alert_notifier_constructed (GObject *object)
{
  TgAlertNotifier *self = TG_ALERT_NOTIFIER (object);
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (tg_alert_notifier_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_state_dir (), "tollgate", "alerts", NULL);

  /* The identity may name a database: only its digest reaches the disk. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                          self->identity != NULL ? self->identity : "", -1);
  name = g_strdup_printf ("announced-%.32s", digest);
  self->path = g_build_filename (self->directory, name, NULL);
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  self->corrupt_path = g_strconcat (self->path, ".corrupt", NULL);
}

static void
tg_alert_notifier_finalize (GObject *object)
{
  TgAlertNotifier *self = TG_ALERT_NOTIFIER (object);

  g_free (self->directory);
  g_free (self->identity);
  g_free (self->path);
  g_free (self->lock_path);
  g_free (self->corrupt_path);

  G_OBJECT_CLASS (tg_alert_notifier_parent_class)->finalize (object);
}

static void
tg_alert_notifier_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TgAlertNotifier *self = TG_ALERT_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;

    case PROP_HORIZON:
      g_value_set_int64 (value, self->horizon);
      break;

    case PROP_MAX_ENTRIES:
      g_value_set_uint (value, self->max_entries);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_alert_notifier_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TgAlertNotifier *self = TG_ALERT_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    case PROP_IDENTITY:
      self->identity = g_value_dup_string (value);
      break;

    case PROP_HORIZON:
      tg_alert_notifier_set_horizon (self, g_value_get_int64 (value));
      break;

    case PROP_MAX_ENTRIES:
      tg_alert_notifier_set_max_entries (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_alert_notifier_class_init (TgAlertNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tg_alert_notifier_constructed;
  object_class->finalize = tg_alert_notifier_finalize;
  object_class->get_property = tg_alert_notifier_get_property;
  object_class->set_property = tg_alert_notifier_set_property;

  /**
   * TgAlertNotifier:directory:
   *
   * Where the record is kept; %NULL for $XDG_STATE_HOME/tollgate/alerts.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertNotifier:identity:
   *
   * What tells this database from every other one (its cluster's system identifier
   * and its name): the record is per identity. Never a connection string.
   */
  properties[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertNotifier:horizon:
   *
   * Alerts created longer ago than this (µs) are not announced, and forgotten. Set it
   * before the first claim.
   */
  properties[PROP_HORIZON] =
    g_param_spec_int64 ("horizon", NULL, NULL,
                        G_TIME_SPAN_SECOND, 366 * G_TIME_SPAN_DAY,
                        TG_ALERT_NOTIFIER_DEFAULT_HORIZON,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgAlertNotifier:max-entries:
   *
   * The most alerts the record keeps. Set it before the first claim.
   */
  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, NULL,
                       1, 1000000, TG_ALERT_NOTIFIER_DEFAULT_MAX_ENTRIES,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tg_alert_notifier_init (TgAlertNotifier *self)
{
  self->horizon = TG_ALERT_NOTIFIER_DEFAULT_HORIZON;
  self->max_entries = TG_ALERT_NOTIFIER_DEFAULT_MAX_ENTRIES;
}

/**
 * tg_alert_notifier_new:
 * @identity: what tells the database from any other, such as its cluster's system
 *   identifier and its name ("7301234567890123456/sales"); never a connection string
 *
 * Returns: (transfer full): a notifier keeping its record under
 *   $XDG_STATE_HOME/tollgate/alerts
 */
TgAlertNotifier *
tg_alert_notifier_new (const char *identity)
{
  g_return_val_if_fail (identity != NULL && *identity != '\0', NULL);

  return g_object_new (TG_TYPE_ALERT_NOTIFIER, "identity", identity, NULL);
}

/**
 * tg_alert_notifier_new_for_directory:
 *
 * Returns: (transfer full): a notifier keeping its record in @directory
 */
TgAlertNotifier *
tg_alert_notifier_new_for_directory (const char *directory,
                                     const char *identity)
{
  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (identity != NULL && *identity != '\0', NULL);

  return g_object_new (TG_TYPE_ALERT_NOTIFIER,
                       "directory", directory,
                       "identity", identity,
                       NULL);
}

/**
 * tg_alert_notifier_get_path:
 *
 * Returns: the file that records the alerts announced
 */
const char *
tg_alert_notifier_get_path (TgAlertNotifier *self)
{
  g_return_val_if_fail (TG_IS_ALERT_NOTIFIER (self), NULL);

  return self->path;
}

GTimeSpan
tg_alert_notifier_get_horizon (TgAlertNotifier *self)
{
  g_return_val_if_fail (TG_IS_ALERT_NOTIFIER (self), 0);

  return self->horizon;
}

void
tg_alert_notifier_set_horizon (TgAlertNotifier *self,
                               GTimeSpan        horizon)
{
  g_return_if_fail (TG_IS_ALERT_NOTIFIER (self));
  g_return_if_fail (horizon >= G_TIME_SPAN_SECOND);

  if (self->horizon == horizon)
    return;

  self->horizon = horizon;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HORIZON]);
}

guint
tg_alert_notifier_get_max_entries (TgAlertNotifier *self)
{
  g_return_val_if_fail (TG_IS_ALERT_NOTIFIER (self), 0);

  return self->max_entries;
}

void
tg_alert_notifier_set_max_entries (TgAlertNotifier *self,
                                   guint            max_entries)
{
  g_return_if_fail (TG_IS_ALERT_NOTIFIER (self));
  g_return_if_fail (max_entries > 0);

  if (self->max_entries == max_entries)
    return;

  self->max_entries = max_entries;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ENTRIES]);
}
