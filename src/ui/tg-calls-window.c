/* tg-calls-window.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The calls behind a figure: what a bar, a point or a row of the Analytics page, or a
 * call of the live feed, stands for.
 *
 * A list of the calls of a TgCallsFilter (tg-calls-queries.h), newest first, PAGE_SIZE at
 * a time: the next page is read when the list is scrolled to its end (or with Load More),
 * by id, so that calls arriving meanwhile neither repeat nor shift the list. A call opens
 * in detail: every column of its row, and its request and response as indented JSON with
 * every value that looks like a secret masked (tg_json_pretty_masked(), src/core) before
 * it reaches a label. A call from the feed opens in detail at once.
 *
 * One read at a time, with a cancellable of the window's: closing the window or asking
 * for other calls cancels it.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-calls-window.h"
#include "tg-catalog-queries.h"
#include "tg-feed-row.h"
#include "tg-format.h"
#include "tg-json-mask.h"
#include "tg-money.h"

#define PAGE_SIZE 50

struct _TgCallsWindow
{
  AdwWindow            parent_instance;

  /* template widgets */
  GtkWidget           *back_button;
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkScrolledWindow   *list_scroller;
  GtkLabel            *count_label;
  GtkListBox          *list_box;
  GtkStack            *more_stack;
  GtkSpinner          *more_spinner;
  GtkGrid             *fields_grid;
  GtkLabel            *request_label;
  GtkLabel            *response_label;

  /* owned */
  TgDbConnection      *connection;
  GCancellable        *cancellable;      /* the read under way */
  GTimeZone           *zone;
  char                *currency;
  GPtrArray           *providers;        /* TgProvider */
  TgCallsFilter       *filter;           /* NULL: one call from the feed */
  char                *title;
  GPtrArray           *calls;            /* TgUsageCall, detailed, newest first */
  TgUsageCall         *detail;           /* the call shown in detail */
  char                *request_text;
  char                *response_text;
  char                *error;            /* why the last read failed */
  guint                n_fields;         /* in fields_grid, two a line */

  gint64               next_after_id;    /* 0 before the first page */
  guint                complete : 1;     /* every page read */
};

G_DEFINE_FINAL_TYPE (TgCallsWindow, tg_calls_window, ADW_TYPE_WINDOW)

static void read_page (TgCallsWindow *self);

static const char *
provider_name (TgCallsWindow *self,
               const char    *slug)
{
  TgProvider *provider = tg_catalog_find_provider (self->providers, slug);

  return provider != NULL ? provider->display_name : slug;
}

static void
update_actions (TgCallsWindow *self)
{
  gboolean reading = self->cancellable != NULL;
  gboolean in_detail = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "detail") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "calls.load-more",
                                 self->filter != NULL && !self->complete && !reading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "calls.back",
                                 self->filter != NULL && in_detail);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "calls.reload", !reading);
  gtk_widget_set_visible (self->back_button, self->filter != NULL && in_detail);
}

static void
update_count (TgCallsWindow *self)
{
  g_autofree char *count = tg_format_count (self->calls->len);
  g_autofree char *text = NULL;

  if (self->complete)
    /* TRANSLATORS: how many calls the list holds, all of them */
    text = g_strdup_printf (g_dngettext (NULL, "%s call, newest first. Select one for its "
                                         "request and response.",
                                         "%s calls, newest first. Select one for its "
                                         "request and response.", self->calls->len), count);
  else
    /* TRANSLATORS: how many calls the list shows so far; more come on scrolling */
    text = g_strdup_printf (_("The newest %s calls; more appear as you scroll. Select one for "
                              "its request and response."), count);
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->more_stack,
                                    self->cancellable != NULL ? "loading"
                                    : self->complete ? "end" : "more");
  gtk_spinner_set_spinning (self->more_spinner, self->cancellable != NULL);
}

/* Detail */

/* A field of the call, two a line: its name over its value, which can be selected. */
static void
add_field (TgCallsWindow *self,
           const char    *title,
           const char    *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *text = gtk_label_new (value != NULL && *value != '\0' ? value : "–");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (name, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), text);
  gtk_grid_attach (self->fields_grid, box, self->n_fields % 2, self->n_fields / 2, 1, 1);
  self->n_fields++;
}

/* @json as people read it, secrets masked; never the raw text of something that does not
 * parse, which could hold a secret the masking did not see.
 */
static char *
present_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  char *pretty;

  if (json == NULL)
    return g_strdup (_("None recorded"));

  pretty = tg_json_pretty_masked (json, -1, NULL, &error);
  if (pretty == NULL)
    /* TRANSLATORS: %s says what is wrong with the recorded JSON */
    return g_strdup_printf (_("Not shown: %s"), error->message);

  return pretty;
}

static void
show_detail (TgCallsWindow *self,
             TgUsageCall   *call)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (call->created_at / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->zone);
  g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call->id);
  g_autofree char *user = call->has_user_id ? g_strdup_printf ("%" G_GINT64_FORMAT, call->user_id)
                                            : g_strdup (_("No user"));
  g_autofree char *status = call->status == 0 ? g_strdup (_("No answer (timeout)"))
                                              : g_strdup_printf ("%d", call->status);
  g_autofree char *latency = call->response_time >= 0 ? g_strdup_printf (_("%d ms"), call->response_time)
                                                      : NULL;
  g_autofree char *count = tg_format_count (call->call_count);
  g_autofree char *credits = tg_format_micros (call->credit_cost, 6);
  g_autofree char *cost = call->priced ? tg_format_money_small (call->cost, self->currency)
                                       : g_strdup (_("No price or exchange rate"));
  g_autofree char *native = NULL;
  g_autofree char *heading = NULL;

  if (call->priced_native && call->native_currency != NULL && *call->native_currency != '\0')
    native = tg_format_money_small (call->cost_native, call->native_currency);

  if (self->detail != call)
    {
      g_clear_pointer (&self->detail, tg_usage_call_unref);
      self->detail = tg_usage_call_ref (call);
    }

  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_grid))) != NULL)
      gtk_grid_remove (self->fields_grid, child);
    self->n_fields = 0;
  }

  add_field (self, _("Time"), when);
  add_field (self, _("Provider"), provider_name (self, call->provider));
  add_field (self, _("Endpoint"), call->endpoint);
  add_field (self, _("Request type"), call->request_type);
  add_field (self, _("Feature"), call->feature);
  add_field (self, _("Region"), call->region);
  add_field (self, _("User"), user);
  add_field (self, _("Status"), status);
  add_field (self, _("Response time"), latency);
  add_field (self, _("Calls in this row"), count);
  add_field (self, _("Billable"), call->is_billable ? _("Yes") : _("No"));
  add_field (self, _("Credits"), credits);
  add_field (self, _("Cost"), cost);
  add_field (self, _("Cost in the provider’s currency"), native);
  add_field (self, _("Billing period"), call->billing_period);
  add_field (self, _("IP address"), call->ip_address);
  add_field (self, _("User agent"), call->user_agent);
  add_field (self, _("Call id"), id);

  g_free (self->request_text);
  self->request_text = present_json (call->request_data);
  gtk_label_set_text (self->request_label, self->request_text);
  g_free (self->response_text);
  self->response_text = present_json (call->response_data);
  gtk_label_set_text (self->response_label, self->response_text);

  /* TRANSLATORS: the title of one call, "Geoscape call 123456" */
  heading = g_strdup_printf (_("%s call %s"), provider_name (self, call->provider), id);
  adw_window_title_set_title (self->window_title, heading);
  adw_window_title_set_subtitle (self->window_title, when);
  gtk_stack_set_visible_child_name (self->stack, "detail");
  update_actions (self);
}

/* Reading */

typedef struct
{
  GWeakRef      self;
  GCancellable *cancellable;
  gint64        call_id;          /* one call from the feed; 0: a page of the list */
} Read;

static void
read_free (Read *read)
{
  g_weak_ref_clear (&read->self);
  g_clear_object (&read->cancellable);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Read, read_free)

static void
read_finished (TgCallsWindow *self,
               Read          *read)
{
  if (self->cancellable == read->cancellable)
    g_clear_object (&self->cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);
}

static void
on_page_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Read) read = user_data;
  g_autoptr(TgCallsWindow) self = g_weak_ref_get (&read->self);
  g_autoptr(TgCallsPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = tg_calls_finish (TG_DB_CONNECTION (object), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (read->cancellable))
    return;

  read_finished (self, read);

  g_clear_pointer (&self->error, g_free);
  if (page == NULL)
    {
      self->error = g_strdup (error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }

  if (read->call_id != 0)
    {
      TgUsageCall *call = page->calls->len > 0 ? g_ptr_array_index (page->calls, 0) : NULL;

      if (call == NULL || call->id != read->call_id)
        {
          adw_status_page_set_description (self->error_page,
                                           _("The call is no longer in the database"));
          gtk_stack_set_visible_child_name (self->stack, "error");
          update_actions (self);
          return;
        }
      show_detail (self, call);
      return;
    }

  for (guint i = 0; i < page->calls->len; i++)
    {
      TgUsageCall *call = g_ptr_array_index (page->calls, i);
      GtkWidget *row = tg_feed_row_new ();

      tg_feed_row_set_call (TG_FEED_ROW (row), call, provider_name (self, call->provider),
                            self->zone, self->currency);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->list_box, row);
      g_ptr_array_add (self->calls, tg_usage_call_ref (call));
    }
  self->next_after_id = page->next_after_id;
  self->complete = page->next_after_id == 0;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "detail") != 0)
    gtk_stack_set_visible_child_name (self->stack, self->calls->len > 0 ? "list" : "empty");
  update_count (self);
  update_actions (self);

  /* A page that does not fill the window cannot be scrolled to its end: read on. */
  if (!self->complete)
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->list_scroller);

      if (gtk_widget_get_mapped (GTK_WIDGET (self->list_scroller)) &&
          gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment))
        read_page (self);
    }
}

static void
start_read (TgCallsWindow       *self,
            const TgCallsFilter *filter,
            gint64               after_id,
            guint                limit,
            gint64               call_id)
{
  Read *read;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  read = g_new0 (Read, 1);
  g_weak_ref_init (&read->self, self);
  read->cancellable = g_object_ref (self->cancellable);
  read->call_id = call_id;

  tg_calls_async (self->connection, filter, after_id, limit, self->cancellable, on_page_read, read);
  update_count (self);
  update_actions (self);
}

static void
read_page (TgCallsWindow *self)
{
  if (self->filter == NULL || self->complete || self->cancellable != NULL)
    return;

  start_read (self, self->filter, self->next_after_id, PAGE_SIZE, 0);
}

static void
reset_list (TgCallsWindow *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  g_ptr_array_set_size (self->calls, 0);
  self->next_after_id = 0;
  self->complete = FALSE;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

/* Signals and actions */

static void
on_edge_reached (TgCallsWindow     *self,
                 GtkPositionType    position,
                 GtkScrolledWindow *scroller)
{
  if (position == GTK_POS_BOTTOM)
    read_page (self);
}

static void
on_row_activated (TgCallsWindow *self,
                  GtkListBoxRow *row)
{
  tg_calls_window_open_call (self, gtk_list_box_row_get_index (row));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TgCallsWindow *self = TG_CALLS_WINDOW (widget);

  if (self->filter == NULL)
    return;

  adw_window_title_set_title (self->window_title, self->title);
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_stack_set_visible_child_name (self->stack, self->calls->len > 0 ? "list" : "empty");
  update_actions (self);
}

static void
load_more_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  read_page (TG_CALLS_WINDOW (widget));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TgCallsWindow *self = TG_CALLS_WINDOW (widget);

  if (self->filter != NULL)
    {
      reset_list (self);
      read_page (self);
    }
  else if (self->detail != NULL)
    tg_calls_window_show_call (self, self->detail);
}

/* GObject */

static void
tg_calls_window_dispose (GObject *object)
{
  TgCallsWindow *self = TG_CALLS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), TG_TYPE_CALLS_WINDOW);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tg_calls_window_parent_class)->dispose (object);
}

static void
tg_calls_window_finalize (GObject *object)
{
  TgCallsWindow *self = TG_CALLS_WINDOW (object);

  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->filter, tg_calls_filter_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->detail, tg_usage_call_unref);
  g_clear_pointer (&self->request_text, g_free);
  g_clear_pointer (&self->response_text, g_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (tg_calls_window_parent_class)->finalize (object);
}

static void
tg_calls_window_class_init (TgCallsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_calls_window_dispose;
  object_class->finalize = tg_calls_window_finalize;

  g_type_ensure (TG_TYPE_FEED_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tg-calls-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, more_stack);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, more_spinner);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, fields_grid);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, request_label);
  gtk_widget_class_bind_template_child (widget_class, TgCallsWindow, response_label);
  gtk_widget_class_bind_template_callback (widget_class, on_edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "calls.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "calls.load-more", NULL, load_more_action);
  gtk_widget_class_install_action (widget_class, "calls.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "calls.back", NULL);
}

static void
tg_calls_window_init (TgCallsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->calls = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_call_unref);
  update_actions (self);
}

/**
 * tg_calls_window_new:
 * @parent: (nullable): the window the figure is in
 * @connection: the window's connection
 * @zone: the billing time zone, for times
 * @currency: the reporting currency, for costs
 * @providers: (nullable) (element-type TgProvider): the catalogue, for names
 *
 * Returns: (transfer none): a new window, not yet showing anything
 */
GtkWidget *
tg_calls_window_new (GtkWindow      *parent,
                     TgDbConnection *connection,
                     GTimeZone      *zone,
                     const char     *currency,
                     GPtrArray      *providers)
{
  TgCallsWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TG_IS_DB_CONNECTION (connection), NULL);
  g_return_val_if_fail (zone != NULL, NULL);

  self = g_object_new (TG_TYPE_CALLS_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->connection = g_object_ref (connection);
  self->zone = g_time_zone_ref (zone);
  self->currency = g_strdup (currency);
  self->providers = providers != NULL ? g_ptr_array_ref (providers)
                                      : g_ptr_array_new_with_free_func ((GDestroyNotify)tg_provider_unref);

  return GTK_WIDGET (self);
}

/**
 * tg_calls_window_show_filter:
 * @filter: which calls; copied
 * @title: what they are behind, "Geoscape, 3 Nov 2026"
 *
 * Lists the calls of @filter, newest first, a page at a time.
 */
void
tg_calls_window_show_filter (TgCallsWindow       *self,
                             const TgCallsFilter *filter,
                             const char          *title)
{
  g_return_if_fail (TG_IS_CALLS_WINDOW (self));
  g_return_if_fail (filter != NULL);

  g_clear_pointer (&self->filter, tg_calls_filter_free);
  self->filter = tg_calls_filter_copy (filter);
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, NULL);

  reset_list (self);
  read_page (self);
}

/**
 * tg_calls_window_show_call:
 * @call: a call, detailed or not (a row of the live feed)
 *
 * Shows one call in detail, read again with every column.
 */
void
tg_calls_window_show_call (TgCallsWindow *self,
                           TgUsageCall   *call)
{
  g_autoptr(TgCallsFilter) filter = NULL;
  gint64 second;

  g_return_if_fail (TG_IS_CALLS_WINDOW (self));
  g_return_if_fail (call != NULL);

  g_clear_pointer (&self->filter, tg_calls_filter_free);
  reset_list (self);
  gtk_window_set_title (GTK_WINDOW (self), _("Call"));
  adw_window_title_set_title (self->window_title, provider_name (self, call->provider));

  if (call->detailed)
    {
      gtk_spinner_set_spinning (self->spinner, FALSE);
      show_detail (self, call);
      return;
    }

  /* The call is the newest of its second below the id after it. */
  second = call->created_at / G_USEC_PER_SEC;
  filter = tg_calls_filter_new (second, second + 1);
  filter->provider = g_strdup (call->provider);
  start_read (self, filter, call->id + 1, 1, call->id);
}

/**
 * tg_calls_window_get_filter:
 *
 * Returns: (nullable): the filter of the calls listed; %NULL for one call of the feed
 */
const TgCallsFilter *
tg_calls_window_get_filter (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);

  return self->filter;
}

gboolean
tg_calls_window_get_loading (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * tg_calls_window_get_complete:
 *
 * Returns: whether every call of the filter is in the list
 */
gboolean
tg_calls_window_get_complete (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), FALSE);

  return self->complete;
}

/**
 * tg_calls_window_load_more:
 *
 * Reads the next page, as scrolling to the end does.
 */
void
tg_calls_window_load_more (TgCallsWindow *self)
{
  g_return_if_fail (TG_IS_CALLS_WINDOW (self));

  read_page (self);
}

guint
tg_calls_window_get_n_calls (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), 0);

  return self->calls->len;
}

/**
 * tg_calls_window_get_call:
 *
 * Returns: (transfer none): the call at @position of the list, newest first
 */
TgUsageCall *
tg_calls_window_get_call (TgCallsWindow *self,
                          guint          position)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);
  g_return_val_if_fail (position < self->calls->len, NULL);

  return g_ptr_array_index (self->calls, position);
}

/**
 * tg_calls_window_open_call:
 *
 * Shows the call at @position of the list in detail, as activating its row does.
 */
void
tg_calls_window_open_call (TgCallsWindow *self,
                           guint          position)
{
  g_return_if_fail (TG_IS_CALLS_WINDOW (self));
  g_return_if_fail (position < self->calls->len);

  show_detail (self, g_ptr_array_index (self->calls, position));
}

/**
 * tg_calls_window_get_error:
 *
 * Returns: (nullable): why the last read failed, as the window says it
 */
const char *
tg_calls_window_get_error (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);

  return self->error;
}

/**
 * tg_calls_window_get_detail:
 *
 * Returns: (transfer none) (nullable): the call shown in detail
 */
TgUsageCall *
tg_calls_window_get_detail (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);

  return self->detail;
}

/**
 * tg_calls_window_get_request_text:
 *
 * Returns: (nullable): the request as the detail shows it, secrets masked
 */
const char *
tg_calls_window_get_request_text (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);

  return self->request_text;
}

/**
 * tg_calls_window_get_response_text:
 *
 * Returns: (nullable): the response as the detail shows it, secrets masked
 */
const char *
tg_calls_window_get_response_text (TgCallsWindow *self)
{
  g_return_val_if_fail (TG_IS_CALLS_WINDOW (self), NULL);

  return self->response_text;
}
