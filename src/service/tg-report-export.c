/* tg-report-export.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An export, as finance relies on it: the PDF is written on a thread (no disk on the
 * calling thread), then the export is recorded in the audit log on the caller's
 * connection, and a file the audit log did not take is deleted again — no export exists
 * that the log does not name.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-audit-queries.h"
#include "tg-report-export.h"

typedef struct
{
  TgDbConnection  *connection;
  TgSummaryReport *report;
  GFile           *file;
  char            *path;
  char            *report_name;
  char            *period;
  GError          *audit_error;   /* why the file is being deleted */
} Export;

static void
export_free (Export *export)
{
  g_clear_object (&export->connection);
  g_clear_pointer (&export->report, tg_summary_report_unref);
  g_clear_object (&export->file);
  g_free (export->path);
  g_free (export->report_name);
  g_free (export->period);
  g_clear_error (&export->audit_error);
  g_free (export);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  if (tg_summary_report_write (export->report, export->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_deleted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Export *export = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (object), result, &error))
    g_warning ("Could not delete the export the audit log did not record (%s): %s",
               export->path, error->message);

  g_task_return_error (task, g_steal_pointer (&export->audit_error));
}

static void
on_logged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Export *export = g_task_get_task_data (task);
  GError *error = NULL;

  if (tg_audit_export_finish (TG_DB_CONNECTION (object), result, NULL, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* No export without its line in the audit log. Deleting is not cancelled: the file
   * must go whatever the caller does meanwhile.
   */
  g_prefix_error (&error, _("The audit log did not record the export, so it was removed: "));
  export->audit_error = error;
  g_file_delete_async (export->file, G_PRIORITY_DEFAULT, NULL, on_deleted,
                       g_steal_pointer (&task));
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Export *export = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  tg_audit_export_async (export->connection, export->report_name, export->period, "pdf",
                         cancellable, on_logged, g_steal_pointer (&task));
}

/**
 * tg_report_export_async:
 * @connection: the connection whose session user the audit log names
 * @report: the report, laid out
 * @file: a local file to write
 * @report_name: what the audit log calls it, "overview"
 * @period: (nullable): the period it covers, "2026-11"
 *
 * Writes @report to @file as a PDF and records the export in the audit log; a file the
 * audit log did not take is deleted again.
 */
void
tg_report_export_async (TgDbConnection      *connection,
                        TgSummaryReport     *report,
                        GFile               *file,
                        const char          *report_name,
                        const char          *period,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread_task = NULL;
  Export *export;

  g_return_if_fail (TG_IS_DB_CONNECTION (connection));
  g_return_if_fail (report != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (report_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_report_export_async);

  if (g_file_peek_path (file) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Reports can only be saved to local files"));
      return;
    }

  export = g_new0 (Export, 1);
  export->connection = g_object_ref (connection);
  export->report = tg_summary_report_ref (report);
  export->file = g_object_ref (file);
  export->path = g_file_get_path (file);
  export->report_name = g_strdup (report_name);
  export->period = g_strdup (period);
  g_task_set_task_data (task, export, (GDestroyNotify)export_free);

  /* The outer task owns the export's data; the thread's task borrows it. A file once
   * written goes on to the audit log even when the caller cancelled meanwhile (which
   * then cancels the logging, and so deletes the file).
   */
  thread_task = g_task_new (NULL, cancellable, on_written, g_steal_pointer (&task));
  g_task_set_source_tag (thread_task, write_thread);
  g_task_set_check_cancellable (thread_task, FALSE);
  g_task_set_task_data (thread_task, export, NULL);
  g_task_run_in_thread (thread_task, write_thread);
}

gboolean
tg_report_export_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_report_export_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
