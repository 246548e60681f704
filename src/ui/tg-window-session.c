/* tg-window-session.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's TgDbConnection on the UI thread, and what the header and footer show
 * from it: the session user's roles, the shared settings, and the current month's
 * totals. A load is one batch (roles and settings in one round trip) followed by the
 * month's series; the latest load wins. It runs when the session starts, when the
 * connection comes back, on Refresh, when the rollup refresher NOTIFYs new usage, and
 * once a minute (which also turns the month over).
 *
 * A session also runs a TgWorker (tg-worker.c): a thread with its own connection that
 * LISTENs on tollgate_usage, tollgate_config and tollgate_alerts, refreshes the rollups
 * when this Tollgate is the one to, and evaluates the alerts. Its TgWorker::usage-changed
 * reloads the header and the pages (each at its own pace); ::config-changed the Budgets
 * page at once (someone changed a budget); ::alerts-changed the Alerts page and the
 * sidebar's recent alerts (tg-window-alerts.c); ::evaluated the Budgets page, whose
 * forecasts the evaluation stored. The UI thread's connection LISTENs on nothing.
 *
 * When the connection drops, TgDbConnection reconnects with backoff; meanwhile the
 * banner says so and the last figures stay on screen, marked stale — in the header and
 * on the Overview.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-time-bucket.h"
#include "tg-role-queries.h"
#include "tg-settings-queries.h"
#include "tg-usage-month.h"
#include "tg-window-private.h"

#define REFRESH_INTERVAL_SECONDS 60
#define RETRY_INTERVAL_SECONDS    5

/* A query of the UI that takes longer than this has a problem worth showing. */
#define STATEMENT_TIMEOUT_MS      30000

/* One load: its window (weakly), and the cancellable that was current when it
 * started.
 */
typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  GTimeZone    *billing_zone;
} Load;

static void
load_free (Load *load)
{
  g_weak_ref_clear (&load->self);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->billing_zone, g_time_zone_unref);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

/* The spinner shows for the first load and for what someone asked for, not for the
 * minute's refresh in the background.
 */
static void
set_loading (TgWindow *self,
             gboolean  loading,
             gboolean  visibly)
{
  self->loading = loading;
  g_object_set (self->month_summary,
                "loading", loading && (visibly || !tg_month_summary_get_has_data (self->month_summary)),
                NULL);
}

/* The footer: who is signed in with which roles, and how fresh the figures are. */
static void
update_footer (TgWindow *self)
{
  g_autofree char *status = NULL;

  if (self->session_user != NULL)
    {
      g_autofree char *roles = tg_role_set_dup_description (self->roles);
      /* TRANSLATORS: a PostgreSQL user name and the Tollgate roles it holds,
       * "ann — Administrator"
       */
      g_autofree char *user = g_strdup_printf (_("%s — %s"), self->session_user, roles);

      gtk_label_set_text (self->footer_user_label, user);
    }
  else
    gtk_label_set_text (self->footer_user_label, "");

  if (self->updated_at != NULL)
    {
      g_autofree char *time = g_date_time_format (self->updated_at, "%H:%M");

      if (self->lost)
        /* TRANSLATORS: %s is a time of day */
        status = g_strdup_printf (_("Offline — showing figures from %s"), time);
      else
        /* TRANSLATORS: %s is a time of day */
        status = g_strdup_printf (_("Updated at %s"), time);
    }
  else if (self->loading)
    status = g_strdup (_("Loading…"));

  gtk_label_set_text (self->footer_status_label, status != NULL ? status : "");
}

static void
load_finished (TgWindow *self,
               Load     *load)
{
  g_assert (TG_IS_WINDOW (self));

  if (self->load_cancellable == load->cancellable)
    g_clear_object (&self->load_cancellable);

  set_loading (self, FALSE, FALSE);
  self->summary_answered = TRUE;
  update_footer (self);
  _tg_window_update_ready (self);

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      _tg_window_session_reload (self, FALSE);
    }
}

static void
load_failed (TgWindow *self,
             Load     *load,
             GError   *error)
{
  g_debug ("Loading the month summary failed: %s", error->message);

  /* Figures on screen stay; they are stale when the connection is the reason. */
  if (self->connection != NULL &&
      tg_db_connection_get_status (self->connection) != TG_DB_CONNECTION_STATUS_CONNECTED)
    tg_month_summary_set_stale (self->month_summary, TRUE);

  tg_month_summary_set_error (self->month_summary, error->message);
  load_finished (self, load);
}

static void
month_finished (TgWindow *self,
                Load     *load)
{
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  self->updated_at = g_date_time_new_now_local ();

  load_finished (self, load);
}

static void
on_month_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgWindow) self = g_weak_ref_get (&load->self);
  g_autoptr(TgUsageRow) usage = NULL;
  g_autoptr(GError) error = NULL;

  usage = tg_usage_month_finish (result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (usage == NULL)
    {
      load_failed (self, load, error);
      return;
    }

  /* Once the Overview has loaded, the header shows its figures (on_overview_month_loaded):
   * two loads a moment apart would disagree by the calls made in between. */
  if (tg_overview_page_get_month_total (self->overview_page, NULL, NULL) == NULL)
    tg_month_summary_set_usage (self->month_summary, usage, self->reporting_currency,
                                load->billing_zone);

  month_finished (self, load);
}

static void
on_context_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(TgWindow) self = g_weak_ref_get (&load->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(TgUsageSettings) settings = NULL;
  g_autofree char *session_user = NULL;
  const char *timezone;
  GCancellable *cancellable;
  GTimeZone *zone;
  TgRoleSet roles;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (load->cancellable))
    return;

  if (results == NULL)
    {
      load_failed (self, load, error);
      return;
    }

  roles = tg_role_set_parse_result (g_ptr_array_index (results, 0), &session_user, &error);
  if (error != NULL)
    {
      load_failed (self, load, error);
      return;
    }
  _tg_window_set_roles (self, roles, session_user);

  settings = tg_settings_parse_result (g_ptr_array_index (results, 1), &error);
  if (settings == NULL)
    {
      load_failed (self, load, error);
      return;
    }
  _tg_window_set_settings (self, settings->billing_timezone, settings->reporting_currency);

  /* The zone is made once per setting: making it reads the zoneinfo file from the disk. */
  timezone = settings->billing_timezone;
  if (self->billing_zone == NULL ||
      g_strcmp0 (g_time_zone_get_identifier (self->billing_zone), timezone) != 0)
    {
      g_clear_pointer (&self->billing_zone, g_time_zone_unref);
      self->billing_zone = tg_time_zone_new_checked (timezone, &error);
      if (self->billing_zone == NULL)
        {
          load_failed (self, load, error);
          return;
        }
    }
  load->billing_zone = g_time_zone_ref (self->billing_zone);

  /* Once the Overview has loaded, its loads fill the header: no second month query. */
  if (tg_overview_page_get_month_total (self->overview_page, NULL, NULL) != NULL)
    {
      month_finished (self, load);
      return;
    }

  now = g_date_time_new_now_utc ();
  zone = load->billing_zone;
  cancellable = load->cancellable;
  tg_usage_month_async (self->connection, zone, now, cancellable,
                                on_month_loaded, g_steal_pointer (&load));
}

/**
 * _tg_window_session_reload:
 * @user_initiated: whether someone asked (Refresh, a reconnect): then a load under way
 *   is cancelled and a new one starts; otherwise (a timer, a NOTIFY) a load under way
 *   is followed by one more when it ends, so that a stream of NOTIFYs cannot starve it
 */
void
_tg_window_session_reload (TgWindow *self,
                           gboolean  user_initiated)
{
  g_autoptr(GPtrArray) statements = NULL;
  Load *load;

  if (self->connection == NULL)
    return;

  if (self->load_cancellable != NULL && !user_initiated)
    {
      self->reload_pending = TRUE;
      return;
    }

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->reload_pending = FALSE;

  set_loading (self, TRUE, user_initiated);
  update_footer (self);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);
  g_ptr_array_add (statements, tg_role_set_statement_new ());
  g_ptr_array_add (statements, tg_settings_statement_new ());

  load = g_new0 (Load, 1);
  g_weak_ref_init (&load->self, self);
  load->cancellable = g_object_ref (self->load_cancellable);

  tg_db_connection_query_batch_async (self->connection, statements, load->cancellable,
                                      on_context_loaded, load);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  TgWindow *self = user_data;

  _tg_window_session_reload (self, FALSE);
  /* Recent alerts too, in case a NOTIFY was lost with a connection. */
  _tg_window_alerts_reload (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
retry_timeout_cb (gpointer user_data)
{
  TgWindow *self = user_data;

  self->retry_source_id = 0;
  if (self->connection != NULL)
    tg_db_connection_reconnect_now (self->connection);

  return G_SOURCE_REMOVE;
}

static void
on_status_changed (TgWindow *self)
{
  TgDbConnectionStatus status = tg_db_connection_get_status (self->connection);
  const char *last_error = tg_db_connection_get_last_error (self->connection);

  tg_month_summary_set_database_status (self->month_summary, status);

  switch (status)
    {
    case TG_DB_CONNECTION_STATUS_CONNECTED:
      g_clear_handle_id (&self->retry_source_id, g_source_remove);
      tg_banner_set_revealed (self->banner, FALSE);
      if (self->lost)
        {
          /* Back: what waited for the connection may still be timing out, so this
           * load replaces it.
           */
          self->lost = FALSE;
          _tg_window_session_reload (self, TRUE);
          tg_overview_page_refresh (self->overview_page);
          tg_analytics_page_refresh (self->analytics_page);
          tg_budgets_page_refresh (self->budgets_page);
          tg_alerts_page_refresh (self->alerts_page);
          _tg_window_alerts_reload (self);
        }
      break;

    case TG_DB_CONNECTION_STATUS_RECONNECTING:
      self->lost = TRUE;
      tg_banner_set_title (self->banner, _("The connection to the database was lost. "
                                           "Reconnecting…"));
      tg_banner_set_button_label (self->banner, _("Retry _Now"));
      tg_banner_set_revealed (self->banner, TRUE);
      tg_month_summary_set_stale (self->month_summary, TRUE);
      tg_overview_page_set_stale (self->overview_page, TRUE);
      break;

    case TG_DB_CONNECTION_STATUS_FAILED:
      {
        g_autofree char *title = NULL;

        /* TRANSLATORS: %s is libpq's reason */
        title = g_strdup_printf (_("Cannot reach the database: %s"),
                                 last_error != NULL ? last_error : _("unknown error"));
        self->lost = TRUE;
        tg_banner_set_title (self->banner, title);
        tg_banner_set_button_label (self->banner, _("_Retry"));
        tg_banner_set_revealed (self->banner, TRUE);
        tg_month_summary_set_stale (self->month_summary, TRUE);
        tg_overview_page_set_stale (self->overview_page, TRUE);

        /* A connection that never came up does not retry on its own; this one
         * should come back when the server does, like a lost one.
         */
        if (self->retry_source_id == 0)
          self->retry_source_id = g_timeout_add_seconds (RETRY_INTERVAL_SECONDS,
                                                         retry_timeout_cb, self);
      }
      break;

    case TG_DB_CONNECTION_STATUS_CONNECTING:
    case TG_DB_CONNECTION_STATUS_DISCONNECTED:
    default:
      break;
    }

  update_footer (self);
  _tg_window_update_actions (self);
}

/* From the worker: someone's refresher added usage. The reloads coalesce. */
static void
on_usage_changed (TgWindow *self)
{
  _tg_window_session_reload (self, FALSE);
  tg_overview_page_queue_refresh (self->overview_page);
  tg_analytics_page_queue_refresh (self->analytics_page);
  tg_budgets_page_queue_refresh (self->budgets_page);
}

/* From the worker: a budget or quota changed, here or in another Tollgate. */
static void
on_config_changed (TgWindow *self)
{
  tg_budgets_page_refresh (self->budgets_page);
}

/* From the worker: an alert was raised or changed state. */
static void
on_alerts_changed (TgWindow *self)
{
  tg_alerts_page_refresh (self->alerts_page);
  _tg_window_alerts_reload (self);
}

/* From the worker: it evaluated the alerts, after storing the budgets' forecasts. */
static void
on_evaluated (TgWindow *self)
{
  tg_budgets_page_refresh (self->budgets_page);
}

/**
 * _tg_window_session_start:
 *
 * Opens the UI thread's connection to the database the check found usable, and loads
 * what the header shows.
 */
void
_tg_window_session_start (TgWindow *self)
{
  g_assert (self->connection == NULL);

  self->connection = tg_db_connection_new (self->conninfo);
  tg_db_connection_set_application_name (self->connection, "tollgate");
  tg_db_connection_set_statement_timeout_ms (self->connection, STATEMENT_TIMEOUT_MS);
  g_signal_connect_object (self->connection, "notify::status",
                           G_CALLBACK (on_status_changed), self, G_CONNECT_SWAPPED);

  self->summary_answered = FALSE;
  self->lost = FALSE;
  self->reload_pending = FALSE;

  self->worker = tg_worker_new (self->conninfo);
  g_signal_connect_object (self->worker, "usage-changed",
                           G_CALLBACK (on_usage_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "config-changed",
                           G_CALLBACK (on_config_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "alerts-changed",
                           G_CALLBACK (on_alerts_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "evaluated",
                           G_CALLBACK (on_evaluated), self, G_CONNECT_SWAPPED);
  tg_worker_start (self->worker);

  /* Nothing LISTENs here: the worker does, and the first query connects. */
  tg_db_connection_connect (self->connection);
  tg_month_summary_set_database_status (self->month_summary,
                                        tg_db_connection_get_status (self->connection));
  tg_overview_page_set_connection (self->overview_page, self->connection);
  tg_analytics_page_set_connection (self->analytics_page, self->connection);
  tg_budgets_page_set_connection (self->budgets_page, self->connection);
  tg_alerts_page_set_connection (self->alerts_page, self->connection);

  self->refresh_source_id = g_timeout_add_seconds (REFRESH_INTERVAL_SECONDS,
                                                   refresh_timeout_cb, self);

  _tg_window_session_reload (self, TRUE);
  _tg_window_alerts_reload (self);

  g_object_notify (G_OBJECT (self), "connection");
}

/* Hangs up: pending loads and saves are cancelled, the header forgets the session. */
void
_tg_window_session_stop (TgWindow *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->setting_cancellable);
  g_clear_object (&self->setting_cancellable);
  g_clear_handle_id (&self->refresh_source_id, g_source_remove);
  g_clear_handle_id (&self->retry_source_id, g_source_remove);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  _tg_window_alerts_stop (self);

  /* The thread stops on its own and is joined on this context; the worker keeps itself
   * alive until then.
   */
  if (self->worker != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      tg_worker_stop (self->worker);
      g_clear_object (&self->worker);
    }

  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  tg_db_connection_close (self->connection);
  g_clear_object (&self->connection);

  if (self->overview_page != NULL)
    tg_overview_page_set_connection (self->overview_page, NULL);
  if (self->analytics_page != NULL)
    tg_analytics_page_set_connection (self->analytics_page, NULL);
  if (self->budgets_page != NULL)
    tg_budgets_page_set_connection (self->budgets_page, NULL);
  if (self->alerts_page != NULL)
    tg_alerts_page_set_connection (self->alerts_page, NULL);
  if (self->banner != NULL)
    tg_banner_set_revealed (self->banner, FALSE);
  if (self->month_summary != NULL)
    {
      set_loading (self, FALSE, FALSE);
      tg_month_summary_set_database_status (self->month_summary,
                                            TG_DB_CONNECTION_STATUS_DISCONNECTED);
    }

  self->reload_pending = FALSE;
  self->summary_answered = FALSE;
  self->lost = FALSE;
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  _tg_window_set_roles (self, TG_ROLE_SET_NONE, NULL);
  _tg_window_set_settings (self, NULL, NULL);

  g_object_notify (G_OBJECT (self), "connection");
}

/* Saving a shared setting */

typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  char         *key;
  char         *value;
} Save;

static void
save_free (Save *save)
{
  g_weak_ref_clear (&save->self);
  g_clear_object (&save->cancellable);
  g_free (save->key);
  g_free (save->value);
  g_free (save);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Save, save_free)

static const char *
describe_setting (const char *key)
{
  if (g_strcmp0 (key, "billing-timezone") == 0)
    return _("the billing time zone");
  if (g_strcmp0 (key, "reporting-currency") == 0)
    return _("the reporting currency");

  return key;
}

static void
on_setting_saved (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Save) save = user_data;
  g_autoptr(TgWindow) self = g_weak_ref_get (&save->self);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  gboolean changed;

  changed = tg_settings_change_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (save->cancellable))
    return;

  if (!changed)
    /* TRANSLATORS: the first %s is "the billing time zone" or "the reporting currency",
     * the second the database's reason
     */
    title = g_strdup_printf (_("Could not change %s: %s"), describe_setting (save->key),
                             error->message);
  else
    {
      /* TRANSLATORS: the first %s is "the billing time zone" or "the reporting currency",
       * the second its new value
       */
      title = g_strdup_printf (_("Changed %s to %s"), describe_setting (save->key),
                               save->value);
      _tg_window_session_reload (self, TRUE);
      tg_overview_page_refresh (self->overview_page);
    }

  _tg_window_show_toast (self, title);
}

/* tg_settings_change_async(), as the session user: PostgreSQL refuses it to anyone but
 * an admin, whatever the UI allowed, and a new reporting currency rebuilds the rollups in
 * the same statement. Saves are not "latest wins": cancelling a change in flight would
 * leave its outcome unknown, so each runs to the end (in queue order) and only closing
 * the session cancels them.
 */
void
_tg_window_session_save_setting (TgWindow   *self,
                                 const char *key,
                                 const char *value)
{
  Save *save;

  if (self->connection == NULL)
    return;

  if (self->setting_cancellable == NULL)
    self->setting_cancellable = g_cancellable_new ();

  save = g_new0 (Save, 1);
  g_weak_ref_init (&save->self, self);
  save->cancellable = g_object_ref (self->setting_cancellable);
  save->key = g_strdup (key);
  save->value = g_strdup (value);

  /* A new reporting currency converts every cost in the database: minutes on a large
   * one. Say so now; the toast of the outcome follows when it is done. */
  if (g_str_equal (key, "reporting-currency"))
    {
      /* TRANSLATORS: %s is a currency code, "USD" */
      g_autofree char *title = g_strdup_printf (_("Converting every cost to %s. On a large "
                                                  "database this takes a few minutes."),
                                                value);

      _tg_window_show_toast (self, title);
    }

  tg_settings_change_async (self->connection, key, value, save->cancellable,
                            on_setting_saved, save);
}
