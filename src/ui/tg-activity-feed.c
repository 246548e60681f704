/* tg-activity-feed.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The story card's "Real-time Activity Feed": the newest calls, newest first, failures
 * marked, and how many calls the last ten seconds brought.
 *
 * Inserts do not NOTIFY (a NOTIFY per row costs ingest throughput: docs/architecture.md,
 * "The database"), so while the feed is on screen it polls every half second, one
 * pipelined batch on the window's connection: tollgate.latest_calls() above the last id seen, and the calls above the
 * last id counted (tg_activity_stats_statement_new()), with JIT off
 * (tg_activity_jit_off_statement_new()). Nothing polls while the feed is unmapped or the
 * connection is down, and at most one poll is in flight.
 *
 * The counters are kept here from those increments — the last RATE_WINDOW_S seconds' polls
 * added up, and while paused the polls since pausing — so a poll reads only the rows that
 * arrived since the one before, never a time range of the raw table (on 12M rows,
 * "created in the last 10 s" cost 300 ms to 1 s a poll through the created_at index).
 *
 * Ids are drawn when a row is inserted but become visible when its transaction commits,
 * in another order: a call with a lower id can appear after a higher one was read. So
 * every poll reads again the last REREAD_IDS ids below the highest seen, and calls are
 * told apart by id (the "seen" table), so that a late commit still lands in the feed, at
 * its place by id, and nothing appears twice.
 *
 * A burst of thousands of calls a second is coalesced: a poll asks for the newest
 * MAX_CALLS calls only, and the feed keeps the MAX_CALLS newest it knows. Its rows are a
 * bounded GtkListBox whose rows are reused (call i always shows in row i), so a burst
 * rewrites labels instead of making widgets; a list box rather than a GtkListView,
 * because new calls go on top and a list view keeps its anchor item in view, scrolling
 * away from the top by itself.
 *
 * When the user scrolls away from the top the feed pauses: rows stay as they are, a bar
 * says how many calls came since, and
 * "Jump to Latest" (or scrolling back to the top) resumes.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-activity-feed.h"
#include "tg-activity-queries.h"
#include "tg-calls-window.h"
#include "tg-catalog-queries.h"
#include "tg-feed-row.h"
#include "tg-format.h"
#include "tg-usage-queries.h"

#define MAX_CALLS          200
#define REREAD_IDS         1000
#define POLL_INTERVAL_MS   500
#define RATE_WINDOW_S      10
#define TOP_TOLERANCE      1.0   /* pixels of scrolling that still count as the top */

struct _TgActivityFeed
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkLabel          *heading_label;
  GtkWidget         *live_dot;
  GtkLabel          *rate_label;
  GtkRevealer       *paused_revealer;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkListBox        *list_box;

  /* owned */
  TgDbConnection    *connection;
  GCancellable      *cancellable;    /* polls of the current connection */
  GPtrArray         *calls;          /* TgUsageCall, by id, newest first */
  GHashTable        *seen;           /* &call->id → TgUsageCall, ids of the re-read window */
  GTimeZone         *zone;
  char              *currency;
  GPtrArray         *providers;      /* TgProvider */

  /* borrowed: the list box's rows, call i in row i */
  GPtrArray         *rows;

  gint64             last_id;        /* the highest id seen */
  gint64             counted_id;     /* the highest id counted; -1 before the first poll */
  gint64             counting_since; /* monotonic µs of the first poll; 0 before it */
  GArray            *counts;         /* CountSample, the polls of the last RATE_WINDOW_S */
  gint64             new_calls;      /* calls counted since the feed paused */
  gint64             recent_calls;   /* calls counted in the last RATE_WINDOW_S seconds */
  guint              poll_source_id;

  guint              polling : 1;
  guint              paused : 1;
  guint              answered : 1;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_ANSWERED,
  PROP_PAUSED,
  PROP_NEW_CALLS,
  PROP_RECENT_CALLS,
  PROP_N_CALLS,
  N_PROPS
};

/* What one poll counted, and when. */
typedef struct
{
  gint64 at;                         /* monotonic µs */
  gint64 calls;
} CountSample;

G_DEFINE_FINAL_TYPE (TgActivityFeed, tg_activity_feed, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void poll_now (TgActivityFeed *self);

static const char *
provider_name (TgActivityFeed *self,
               const char     *slug)
{
  TgProvider *provider = tg_catalog_find_provider (self->providers, slug);

  return provider != NULL ? provider->display_name : NULL;
}

static void
update_rate (TgActivityFeed *self)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (!self->answered)
    {
      gtk_label_set_text (self->rate_label, "");
      return;
    }

  count = tg_format_count (self->recent_calls);
  if (self->counting_since == 0 ||
      g_get_monotonic_time () - self->counting_since < RATE_WINDOW_S * G_USEC_PER_SEC)
    {
      /* Counting has not covered ten seconds yet. */
      if (self->recent_calls == 0)
        text = g_strdup (_("Counting calls…"));
      else
        /* TRANSLATORS: %s is a number of calls since the feed began counting them */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s call so far", "%s calls so far",
                                             self->recent_calls),
                                count);
    }
  else if (self->recent_calls == 0)
    text = g_strdup (_("No calls in the last 10 seconds"));
  else
    /* TRANSLATORS: %s is a number of calls, "1,234 calls in the last 10 seconds" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s call in the last 10 seconds",
                                         "%s calls in the last 10 seconds",
                                         self->recent_calls),
                            count);
  gtk_label_set_text (self->rate_label, text);
}

/* For the template: the line shown while the feed is paused. */
static char *
describe_pause (TgActivityFeed *self,
                gint64          new_calls)
{
  g_autofree char *count = NULL;

  if (new_calls == 0)
    return g_strdup (_("Paused — no new calls"));

  count = tg_format_count (new_calls);
  /* TRANSLATORS: %s is a number of calls */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Paused — %s new call",
                                       "Paused — %s new calls",
                                       new_calls),
                          count);
}

static void
update_paused (TgActivityFeed *self)
{
  gboolean live;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feed.jump-to-latest", self->paused);

  /* The dot is green while new calls come in, a hollow ring otherwise. */
  live = !self->paused && self->connection != NULL &&
         tg_db_connection_get_status (self->connection) == TG_DB_CONNECTION_STATUS_CONNECTED;
  if (live)
    {
      gtk_widget_remove_css_class (self->live_dot, "unknown");
      gtk_widget_add_css_class (self->live_dot, "success");
      gtk_widget_set_tooltip_text (self->live_dot, _("New calls appear as they happen"));
    }
  else
    {
      gtk_widget_remove_css_class (self->live_dot, "success");
      gtk_widget_add_css_class (self->live_dot, "unknown");
      gtk_widget_set_tooltip_text (self->live_dot,
                                   self->paused ? _("Paused while you scroll")
                                                : _("Not receiving calls"));
    }
}

/* Call i in row i: rows are made as the list grows and reused after. */
static void
update_rows (TgActivityFeed *self)
{
  for (guint i = 0; i < self->calls->len; i++)
    {
      TgUsageCall *call = g_ptr_array_index (self->calls, i);
      TgFeedRow *row;

      if (i == self->rows->len)
        {
          row = TG_FEED_ROW (tg_feed_row_new ());
          gtk_list_box_append (self->list_box, GTK_WIDGET (row));
          g_ptr_array_add (self->rows, row);
        }
      else
        row = g_ptr_array_index (self->rows, i);

      if (tg_feed_row_get_call (row) != call)
        tg_feed_row_set_call (row, call, provider_name (self, call->provider), self->zone,
                              self->currency);
    }

  while (self->rows->len > self->calls->len)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->rows, self->rows->len - 1);

      gtk_list_box_remove (self->list_box, row);
    }

  gtk_stack_set_visible_child_name (self->stack, self->calls->len > 0 ? "calls" : "empty");
}

static void
rebind_all_rows (TgActivityFeed *self)
{
  for (guint i = 0; i < self->rows->len && i < self->calls->len; i++)
    {
      TgUsageCall *call = g_ptr_array_index (self->calls, i);

      tg_feed_row_set_call (g_ptr_array_index (self->rows, i), call,
                            provider_name (self, call->provider), self->zone, self->currency);
    }
}

static gint
compare_calls_newest_first (gconstpointer a,
                            gconstpointer b)
{
  const TgUsageCall *call_a = *(TgUsageCall * const *)a;
  const TgUsageCall *call_b = *(TgUsageCall * const *)b;

  return call_a->id < call_b->id ? 1 : call_a->id > call_b->id ? -1 : 0;
}

static gboolean
forget_old (gpointer key,
            gpointer value,
            gpointer user_data)
{
  const gint64 *floor = user_data;

  return *(const gint64 *)key <= *floor;
}

static void
reset (TgActivityFeed *self)
{
  g_ptr_array_set_size (self->calls, 0);
  g_hash_table_remove_all (self->seen);
  self->last_id = 0;
  self->counted_id = -1;
  self->counting_since = 0;
  g_array_set_size (self->counts, 0);
  self->new_calls = 0;
  self->recent_calls = 0;
  self->paused = FALSE;
  self->answered = FALSE;

  update_rows (self);
  update_rate (self);
  update_paused (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CALLS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
set_answered (TgActivityFeed *self)
{
  if (self->answered)
    return;

  self->answered = TRUE;
  update_rate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
}

/* Polling */

typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  guint         with_calls : 1;
} Poll;

static void
poll_free (Poll *poll)
{
  g_weak_ref_clear (&poll->self);
  g_clear_object (&poll->cancellable);
  g_free (poll);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Poll, poll_free)

static void
add_stats (TgActivityFeed        *self,
           const TgActivityStats *stats)
{
  gint64 now = g_get_monotonic_time ();
  gint64 recent = 0;
  guint expired = 0;

  /* The first poll only learns where counting starts. */
  if (self->counted_id >= 0 && stats->new_calls > 0)
    {
      CountSample sample = { now, stats->new_calls };

      g_array_append_val (self->counts, sample);
      if (self->paused)
        {
          self->new_calls += stats->new_calls;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_CALLS]);
        }
    }
  if (self->counted_id < 0)
    self->counting_since = now;
  self->counted_id = MAX (self->counted_id, stats->last_id);

  for (guint i = 0; i < self->counts->len; i++)
    {
      const CountSample *sample = &g_array_index (self->counts, CountSample, i);

      if (sample->at < now - RATE_WINDOW_S * G_USEC_PER_SEC)
        expired = i + 1;
      else
        recent += sample->calls;
    }
  g_array_remove_range (self->counts, 0, expired);

  if (self->recent_calls != recent)
    {
      self->recent_calls = recent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECENT_CALLS]);
    }

  update_rate (self);
  update_paused (self);
}

static void
on_poll_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Poll) poll = user_data;
  g_autoptr(TgActivityFeed) self = g_weak_ref_get (&poll->self);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;
  TgActivityStats stats = { 0 };
  guint stats_index;

  results = tg_db_connection_query_batch_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (poll->cancellable))
    return;

  self->polling = FALSE;

  if (results == NULL)
    {
      g_debug ("Polling the activity feed failed: %s", error->message);
      return;
    }

  if (poll->with_calls)
    {
      calls = tg_usage_latest_calls_parse_result (g_ptr_array_index (results, 1), &error);
      if (calls == NULL)
        {
          g_debug ("Reading the newest calls failed: %s", error->message);
          return;
        }
      tg_activity_feed_add_calls (self, calls);
    }

  stats_index = poll->with_calls ? 2 : 1;
  if (!tg_activity_stats_parse_result (g_ptr_array_index (results, stats_index), &stats, &error))
    {
      g_debug ("Reading the feed's figures failed: %s", error->message);
      return;
    }
  add_stats (self, &stats);
}

static void
poll_now (TgActivityFeed *self)
{
  g_autoptr(GPtrArray) statements = NULL;
  Poll *poll;

  if (self->polling || self->connection == NULL ||
      tg_db_connection_get_status (self->connection) != TG_DB_CONNECTION_STATUS_CONNECTED)
    return;

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_db_statement_unref);

  poll = g_new0 (Poll, 1);
  g_weak_ref_init (&poll->self, self);
  poll->cancellable = g_object_ref (self->cancellable);

  /* Paused: only how many calls came since; the calls are read again on resuming. */
  poll->with_calls = !self->paused;
  g_ptr_array_add (statements, tg_activity_jit_off_statement_new ());
  if (poll->with_calls)
    g_ptr_array_add (statements, tg_activity_feed_new_statement (self));
  g_ptr_array_add (statements, tg_activity_stats_statement_new (self->counted_id));

  self->polling = TRUE;
  tg_db_connection_query_batch_async (self->connection, statements, poll->cancellable,
                                      on_poll_done, poll);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  poll_now (TG_ACTIVITY_FEED (user_data));

  return G_SOURCE_CONTINUE;
}

static void
stop_polling (TgActivityFeed *self)
{
  g_clear_handle_id (&self->poll_source_id, g_source_remove);

  /* A poll in flight is dropped; its answer would only be half of one. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->polling = FALSE;
}

static void
start_polling (TgActivityFeed *self)
{
  if (self->poll_source_id != 0 || self->connection == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  self->poll_source_id = g_timeout_add (POLL_INTERVAL_MS, poll_timeout_cb, self);
  poll_now (self);
}

static void
on_connection_status (TgActivityFeed *self)
{
  update_paused (self);
  poll_now (self);
}

/* Pausing */

static void
set_paused (TgActivityFeed *self,
            gboolean        paused)
{
  if (self->paused == !!paused)
    return;

  self->paused = !!paused;
  self->new_calls = 0;
  update_paused (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_CALLS]);

  /* Back at the top: catch up at once, not at the next tick. */
  if (!self->paused)
    {
      if (self->polling)
        {
          g_cancellable_cancel (self->cancellable);
          g_clear_object (&self->cancellable);
          self->cancellable = g_cancellable_new ();
          self->polling = FALSE;
        }
      poll_now (self);
    }
}

static void
on_scrolled (TgActivityFeed *self,
             GtkAdjustment  *adjustment)
{
  set_paused (self, gtk_adjustment_get_value (adjustment) > TOP_TOLERANCE);
}

static void
jump_to_latest_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  tg_activity_feed_jump_to_latest (TG_ACTIVITY_FEED (widget));
}

/* GtkWidget */

/* A call opens in detail: every column, its request and response (secrets masked). */
static void
on_row_activated (TgActivityFeed *self,
                  GtkListBoxRow  *row)
{
  g_autoptr(GTimeZone) zone = NULL;
  TgUsageCall *call;
  GtkRoot *root;
  GtkWidget *window;

  g_assert (TG_IS_ACTIVITY_FEED (self));

  call = TG_IS_FEED_ROW (row) ? tg_feed_row_get_call (TG_FEED_ROW (row)) : NULL;
  if (call == NULL || self->connection == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  zone = self->zone != NULL ? g_time_zone_ref (self->zone) : g_time_zone_new_utc ();
  window = tg_calls_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                self->connection, zone, self->currency, self->providers);
  tg_calls_window_show_call (TG_CALLS_WINDOW (window), call);
  gtk_window_present (GTK_WINDOW (window));
}

static void
tg_activity_feed_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tg_activity_feed_parent_class)->map (widget);

  start_polling (TG_ACTIVITY_FEED (widget));
}

static void
tg_activity_feed_unmap (GtkWidget *widget)
{
  stop_polling (TG_ACTIVITY_FEED (widget));

  GTK_WIDGET_CLASS (tg_activity_feed_parent_class)->unmap (widget);
}

static void
tg_activity_feed_dispose (GObject *object)
{
  TgActivityFeed *self = TG_ACTIVITY_FEED (object);
  GtkWidget *child;

  stop_polling (self);
  g_cancellable_cancel (self->cancellable);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);

  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_ACTIVITY_FEED);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tg_activity_feed_parent_class)->dispose (object);
}

static void
tg_activity_feed_finalize (GObject *object)
{
  TgActivityFeed *self = TG_ACTIVITY_FEED (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_array_unref);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (tg_activity_feed_parent_class)->finalize (object);
}

static void
tg_activity_feed_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TgActivityFeed *self = TG_ACTIVITY_FEED (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_ANSWERED:
      g_value_set_boolean (value, self->answered);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    case PROP_NEW_CALLS:
      g_value_set_int64 (value, self->new_calls);
      break;

    case PROP_RECENT_CALLS:
      g_value_set_int64 (value, self->recent_calls);
      break;

    case PROP_N_CALLS:
      g_value_set_uint (value, self->calls->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_activity_feed_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TgActivityFeed *self = TG_ACTIVITY_FEED (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      tg_activity_feed_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_activity_feed_class_init (TgActivityFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_activity_feed_dispose;
  object_class->finalize = tg_activity_feed_finalize;
  object_class->get_property = tg_activity_feed_get_property;
  object_class->set_property = tg_activity_feed_set_property;

  widget_class->map = tg_activity_feed_map;
  widget_class->unmap = tg_activity_feed_unmap;

  /**
   * TgActivityFeed:connection:
   *
   * The connection the feed polls, the window's on the UI thread.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         TG_TYPE_DB_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgActivityFeed:answered:
   *
   * Whether the newest calls of the connection have been read once.
   */
  properties[PROP_ANSWERED] =
    g_param_spec_boolean ("answered", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgActivityFeed:paused:
   *
   * Whether the feed is paused because the user scrolled away from the top.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgActivityFeed:new-calls:
   *
   * While paused, how many calls came since the feed paused.
   */
  properties[PROP_NEW_CALLS] =
    g_param_spec_int64 ("new-calls", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TgActivityFeed:recent-calls:
   *
   * How many calls the last ten seconds brought.
   */
  properties[PROP_RECENT_CALLS] =
    g_param_spec_int64 ("recent-calls", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_CALLS] =
    g_param_spec_uint ("n-calls", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-activity-feed.ui");
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, heading_label);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, live_dot);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, rate_label);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, paused_revealer);
  gtk_widget_class_bind_template_callback (widget_class, describe_pause);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, stack);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TgActivityFeed, list_box);

  gtk_widget_class_install_action (widget_class, "feed.jump-to-latest", NULL,
                                   jump_to_latest_action);

  gtk_widget_class_set_css_name (widget_class, "activityfeed");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_activity_feed_init (TgActivityFeed *self)
{
  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_call_unref);
  self->rows = g_ptr_array_new ();
  self->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                      (GDestroyNotify)tg_usage_call_unref);
  self->cancellable = g_cancellable_new ();
  self->counts = g_array_new (FALSE, FALSE, sizeof (CountSample));
  self->counted_id = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "value-changed", G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_box, "row-activated", G_CALLBACK (on_row_activated),
                           self, G_CONNECT_SWAPPED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Live Activity"),
                                  -1);

  update_rows (self);
  update_rate (self);
  update_paused (self);
}

GtkWidget *
tg_activity_feed_new (void)
{
  return g_object_new (TG_TYPE_ACTIVITY_FEED, NULL);
}

/**
 * tg_activity_feed_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection the feed polls
 */
TgDbConnection *
tg_activity_feed_get_connection (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), NULL);

  return self->connection;
}

/**
 * tg_activity_feed_set_connection:
 * @connection: (nullable): the window's connection, or %NULL without one
 *
 * Starts over on another database: the feed forgets its calls.
 */
void
tg_activity_feed_set_connection (TgActivityFeed *self,
                                 TgDbConnection *connection)
{
  g_return_if_fail (TG_IS_ACTIVITY_FEED (self));
  g_return_if_fail (connection == NULL || TG_IS_DB_CONNECTION (connection));

  if (self->connection == connection)
    return;

  stop_polling (self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);

  g_set_object (&self->connection, connection);
  reset (self);

  if (connection != NULL)
    {
      g_signal_connect_object (connection, "notify::status",
                               G_CALLBACK (on_connection_status), self, G_CONNECT_SWAPPED);
      start_polling (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * tg_activity_feed_set_context:
 * @zone: (nullable): the billing time zone, in which the feed shows times; %NULL for
 *   local time
 * @currency: (nullable): the reporting currency, that of the calls' cost
 * @providers: (nullable) (element-type TgProvider): the catalogue, for display names
 */
void
tg_activity_feed_set_context (TgActivityFeed *self,
                              GTimeZone      *zone,
                              const char     *currency,
                              GPtrArray      *providers)
{
  g_return_if_fail (TG_IS_ACTIVITY_FEED (self));

  if (zone != self->zone)
    {
      g_clear_pointer (&self->zone, g_time_zone_unref);
      self->zone = zone != NULL ? g_time_zone_ref (zone) : NULL;
    }

  if (g_strcmp0 (currency, self->currency) != 0)
    {
      g_free (self->currency);
      self->currency = g_strdup (currency);
    }

  if (providers != self->providers)
    {
      g_clear_pointer (&self->providers, g_ptr_array_unref);
      self->providers = providers != NULL ? g_ptr_array_ref (providers) : NULL;
    }

  rebind_all_rows (self);
}

/**
 * tg_activity_feed_new_statement:
 *
 * The statement of the next read of the newest calls, for the Overview's batch: the
 * MAX_CALLS newest above the re-read window below the highest id seen. Give its result
 * to tg_activity_feed_add_calls().
 *
 * Returns: (transfer full): the statement
 */
TgDbStatement *
tg_activity_feed_new_statement (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), NULL);

  return tg_usage_latest_calls_statement_new (MAX (self->last_id - REREAD_IDS, 0), MAX_CALLS);
}

/**
 * tg_activity_feed_add_calls:
 * @calls: (element-type TgUsageCall): calls read by tg_activity_feed_new_statement()'s
 *   statement, in any order
 *
 * Adds the calls the feed has not seen, each at its place by id, and keeps the newest
 * MAX_CALLS. While paused the feed does not change.
 */
void
tg_activity_feed_add_calls (TgActivityFeed *self,
                            GPtrArray      *calls)
{
  g_autoptr(GPtrArray) merged = NULL;
  gboolean changed = FALSE;
  gint64 floor;

  g_return_if_fail (TG_IS_ACTIVITY_FEED (self));
  g_return_if_fail (calls != NULL);

  set_answered (self);

  if (self->paused)
    return;

  merged = g_ptr_array_new_full (self->calls->len + calls->len,
                                 (GDestroyNotify)tg_usage_call_unref);
  for (guint i = 0; i < self->calls->len; i++)
    g_ptr_array_add (merged, tg_usage_call_ref (g_ptr_array_index (self->calls, i)));

  for (guint i = 0; i < calls->len; i++)
    {
      TgUsageCall *call = g_ptr_array_index (calls, i);

      if (g_hash_table_contains (self->seen, &call->id))
        continue;

      g_hash_table_insert (self->seen, &call->id, tg_usage_call_ref (call));
      g_ptr_array_add (merged, tg_usage_call_ref (call));
      self->last_id = MAX (self->last_id, call->id);
      changed = TRUE;
    }

  /* Ids below the re-read window are not read again: no need to remember them. */
  floor = self->last_id - REREAD_IDS;
  g_hash_table_foreach_remove (self->seen, forget_old, &floor);

  if (!changed)
    return;

  g_ptr_array_sort (merged, compare_calls_newest_first);
  if (merged->len > MAX_CALLS)
    g_ptr_array_set_size (merged, MAX_CALLS);

  g_clear_pointer (&self->calls, g_ptr_array_unref);
  self->calls = g_steal_pointer (&merged);

  update_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CALLS]);
}

/**
 * tg_activity_feed_jump_to_latest:
 *
 * Scrolls back to the newest call, which resumes a paused feed.
 */
void
tg_activity_feed_jump_to_latest (TgActivityFeed *self)
{
  GtkAdjustment *adjustment;

  g_return_if_fail (TG_IS_ACTIVITY_FEED (self));

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
  set_paused (self, FALSE);
}

gboolean
tg_activity_feed_get_answered (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), FALSE);

  return self->answered;
}

/**
 * tg_activity_feed_get_counting:
 *
 * Returns: whether the feed knows where its counting of new calls starts: its first poll
 *   of the figures has answered, and every call after it is counted
 */
gboolean
tg_activity_feed_get_counting (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), FALSE);

  return self->counted_id >= 0;
}

gboolean
tg_activity_feed_get_paused (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), FALSE);

  return self->paused;
}

gint64
tg_activity_feed_get_new_calls (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), 0);

  return self->new_calls;
}

gint64
tg_activity_feed_get_recent_calls (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), 0);

  return self->recent_calls;
}

guint
tg_activity_feed_get_n_calls (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), 0);

  return self->calls->len;
}

/**
 * tg_activity_feed_get_call:
 * @position: 0 for the newest call shown
 *
 * Returns: (transfer none) (nullable): the call shown at @position
 */
TgUsageCall *
tg_activity_feed_get_call (TgActivityFeed *self,
                           guint           position)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), NULL);

  if (position >= self->calls->len)
    return NULL;

  return g_ptr_array_index (self->calls, position);
}

/**
 * tg_activity_feed_get_row_for_id:
 *
 * Returns: (transfer none) (nullable): the row that shows the call @id
 */
GtkWidget *
tg_activity_feed_get_row_for_id (TgActivityFeed *self,
                                 gint64          id)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      TgFeedRow *row = g_ptr_array_index (self->rows, i);
      TgUsageCall *call = tg_feed_row_get_call (row);

      if (call != NULL && call->id == id)
        return GTK_WIDGET (row);
    }

  return NULL;
}

/**
 * tg_activity_feed_get_vadjustment:
 *
 * Returns: (transfer none): the vertical adjustment of the feed's scrolled list
 */
GtkAdjustment *
tg_activity_feed_get_vadjustment (TgActivityFeed *self)
{
  g_return_val_if_fail (TG_IS_ACTIVITY_FEED (self), NULL);

  return gtk_scrolled_window_get_vadjustment (self->scrolled_window);
}
