/* tg-alert-webhook.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The JSON an alert is posted as (docs/architecture.md, "Alert delivery"):
 *
 *   {"alert":{"id":42,"kind":"budget","scope":"overall","threshold":"85","state":"open",
 *             "created_at":"2026-03-01T09:15:00Z","message":"…"},
 *    "source":"tollgate","text":"Tollgate: Budget threshold passed — … (alert 42, …)"}
 *
 * "alert" holds the alert's fields as the database has them (a string field the alert
 * lacks is null; money stays a decimal string, as the threshold "1200.00 AUD");
 * "text" is the one line that Slack- and Mattermost-compatible incoming webhooks show,
 * with &, < and > escaped as Slack asks (so text from the platform cannot write a
 * mention such as <!channel> or a link). The posting itself is src/net/tg-webhook.c.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "tg-alert-webhook.h"

/* Slack's escaping of message text: these three characters only. */
static char *
escape_for_chat (const char *text)
{
  GString *escaped = g_string_sized_new (strlen (text) + 16);

  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '&':
        g_string_append (escaped, "&amp;");
        break;

      case '<':
        g_string_append (escaped, "&lt;");
        break;

      case '>':
        g_string_append (escaped, "&gt;");
        break;

      default:
        g_string_append_c (escaped, *p);
      }

  return g_string_free (escaped, FALSE);
}

/* "2026-03-01T09:15:00Z", with microseconds only when there are some. */
static char *
format_created_at (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  gint64 fraction = usec % G_USEC_PER_SEC;
  g_autofree char *seconds = NULL;

  if (fraction < 0)
    {
      /* Before 1970: the second before, and the fraction after it. */
      g_clear_pointer (&utc, g_date_time_unref);
      utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC - 1);
      fraction += G_USEC_PER_SEC;
    }
  if (utc == NULL)
    return NULL;

  seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  if (fraction == 0)
    return g_strconcat (seconds, "Z", NULL);

  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", seconds, fraction);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
build_body (const TgAlertNotice *notice,
            const char          *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *created_at = format_created_at (notice->created_at_usec);
  g_autofree char *escaped = escape_for_chat (text);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "alert");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, notice->id);
  add_string_member (builder, "kind", notice->kind);
  add_string_member (builder, "scope", notice->scope);
  add_string_member (builder, "threshold", notice->threshold);
  add_string_member (builder, "state", notice->state);
  add_string_member (builder, "created_at", created_at);
  add_string_member (builder, "message", notice->message);
  json_builder_end_object (builder);

  add_string_member (builder, "source", "tollgate");
  add_string_member (builder, "text", escaped);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/**
 * tg_alert_webhook_body:
 *
 * Returns: (transfer full): the JSON @notice is posted as (the top of this file)
 */
char *
tg_alert_webhook_body (const TgAlertNotice *notice)
{
  g_autofree char *summary = NULL;

  g_return_val_if_fail (notice != NULL, NULL);

  summary = tg_alert_notice_dup_summary (notice);

  return build_body (notice, summary);
}

/**
 * tg_alert_webhook_test_body:
 * @now_usec: the time to send as the test's created_at (g_get_real_time())
 *
 * Returns: (transfer full): the JSON of Preferences' "Send Test Message": the shape of
 *   an alert's (id 0, kind "test"), so that an integration reading the fields sees what
 *   it will get
 */
char *
tg_alert_webhook_test_body (gint64 now_usec)
{
  TgAlertNotice notice = {
    .id = 0,
    .kind = (char *)"test",
    .scope = (char *)"overall",
    .threshold = (char *)"",
    .state = (char *)TG_ALERT_NOTICE_STATE_OPEN,
    .message = (char *)_("A test message from Tollgate: alerts will be posted here."),
    .created_at_usec = now_usec,
  };

  /* TRANSLATORS: the chat line of the webhook's test message */
  return build_body (&notice, _("Tollgate: test message. Alerts of this database will be "
                                "posted to this channel."));
}

/**
 * tg_alert_webhook_deliver:
 *
 * Posts @notice's JSON to @url (tg_webhook_post(): blocking, with retries). For the
 * worker thread.
 *
 * Returns: whether the webhook took it
 */
gboolean
tg_alert_webhook_deliver (const char             *url,
                          const TgAlertNotice    *notice,
                          const TgWebhookPolicy  *policy,
                          TgWebhookOutcome       *outcome,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_autofree char *body = NULL;

  g_return_val_if_fail (notice != NULL, FALSE);

  body = tg_alert_webhook_body (notice);

  return tg_webhook_post (url, body, policy, outcome, cancellable, error);
}

/**
 * tg_alert_webhook_send_test_async:
 * @url: the URL to try (a secret)
 *
 * Posts the test message (tg_alert_webhook_test_body()) on a GTask thread, with the
 * default policy.
 */
void
tg_alert_webhook_send_test_async (const char          *url,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *body = tg_alert_webhook_test_body (g_get_real_time ());

  tg_webhook_post_async (url, body, NULL, cancellable, callback, user_data);
}

/**
 * tg_alert_webhook_send_test_finish:
 * @outcome: (out caller-allocates) (optional): what happened, set on failure too
 *
 * Returns: whether the webhook took the test message
 */
gboolean
tg_alert_webhook_send_test_finish (GAsyncResult      *result,
                                   TgWebhookOutcome  *outcome,
                                   GError           **error)
{
  return tg_webhook_post_finish (result, outcome, error);
}

/**
 * tg_alert_webhook_describe:
 * @host: the webhook's host (tg_webhook_check_url())
 *
 * Returns: (transfer full): a status line for a delivery that worked: "Delivered to
 *   hooks.slack.com (HTTP 200)", with the attempts when there were more than one
 */
char *
tg_alert_webhook_describe (const TgWebhookOutcome *outcome,
                           const char             *host)
{
  g_return_val_if_fail (outcome != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  if (outcome->attempts <= 1)
    /* TRANSLATORS: a webhook's host and the HTTP status it answered */
    return g_strdup_printf (_("Delivered to %s (HTTP %u)"), host, outcome->http_status);

  /* TRANSLATORS: a webhook's host, the HTTP status it answered, and how many attempts
   * it took
   */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Delivered to %s (HTTP %u) after %u attempt",
                                       "Delivered to %s (HTTP %u) after %u attempts",
                                       outcome->attempts),
                          host, outcome->http_status, outcome->attempts);
}

/* --- Posting new alerts --- */

typedef struct
{
  TgAlertNotifier *notifier;
  TgSecretStore   *store;
  TgSecretKey     *key;
  GArray          *notices;     /* TgAlertNotice, copies */
  guint            n_posted;
} PostNew;

static void
post_new_free (PostNew *post)
{
  g_clear_object (&post->notifier);
  g_clear_object (&post->store);
  g_clear_pointer (&post->key, tg_secret_key_unref);
  g_clear_pointer (&post->notices, g_array_unref);
  g_free (post);
}

static void
post_new_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  PostNew *post = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GPtrArray) claimed = NULL;
  g_autofree char *url = NULL;

  /* No webhook: nothing is claimed, so that alerts still open when one is set are
   * posted then. */
  url = tg_secret_store_lookup_sync (post->store, post->key, cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (url == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!tg_alert_notifier_claim (post->notifier, (const TgAlertNotice *)(gpointer)post->notices->data,
                                post->notices->len, &claimed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Each claimed alert is posted once, with the policy's retries; one that still fails is
   * not tried again by a later call (its claim stands), and the first failure is returned. */
  for (guint i = 0; i < claimed->len; i++)
    {
      const TgAlertNotice *notice = g_ptr_array_index (claimed, i);
      g_autoptr(GError) post_error = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (tg_alert_webhook_deliver (url, notice, NULL, NULL, cancellable, &post_error))
        post->n_posted++;
      else if (first_error == NULL)
        first_error = g_steal_pointer (&post_error);
    }

  if (first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&first_error));
  else if (g_task_return_error_if_cancelled (task))
    return;
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tg_alert_webhook_post_new_async:
 * @notifier: the record of alerts this computer has posted to the webhook — its own, apart
 *   from the desktop notifications' (an identity of its own)
 * @key: where the webhook's URL is kept (tg_secret_key_new_webhook())
 * @notices: (array length=n_notices): alerts, of which the open ones not yet posted are
 *
 * Posts each alert of @notices that this computer has not posted yet to the webhook, on a
 * GTask thread: looks the URL up in the keyring (none set: nothing is claimed, nothing
 * posted), claims the alerts through @notifier, so that every Tollgate process on the
 * computer posts an alert once, and posts the claimed ones one after the other with the
 * default policy's retries (tg_webhook_post()).
 */
void
tg_alert_webhook_post_new_async (TgAlertNotifier     *notifier,
                                 TgSecretStore       *store,
                                 TgSecretKey         *key,
                                 const TgAlertNotice *notices,
                                 guint                n_notices,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PostNew *post;

  g_return_if_fail (TG_IS_ALERT_NOTIFIER (notifier));
  g_return_if_fail (store != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (notices != NULL || n_notices == 0);

  post = g_new0 (PostNew, 1);
  post->notifier = g_object_ref (notifier);
  post->store = g_object_ref (store);
  post->key = tg_secret_key_ref (key);
  post->notices = g_array_sized_new (FALSE, TRUE, sizeof (TgAlertNotice), n_notices);
  g_array_set_clear_func (post->notices, (GDestroyNotify)tg_alert_notice_clear);
  for (guint i = 0; i < n_notices; i++)
    {
      TgAlertNotice copy = {
        notices[i].id, g_strdup (notices[i].kind), g_strdup (notices[i].scope),
        g_strdup (notices[i].threshold), g_strdup (notices[i].state),
        g_strdup (notices[i].message), notices[i].created_at_usec,
      };

      g_array_append_val (post->notices, copy);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_alert_webhook_post_new_async);
  g_task_set_task_data (task, post, (GDestroyNotify)post_new_free);
  g_task_run_in_thread (task, post_new_thread);
}

/**
 * tg_alert_webhook_post_new_finish:
 * @n_posted: (out) (optional): how many alerts the webhook took, set on failure too
 *
 * Returns: whether every claimed alert was posted (or there was no webhook)
 */
gboolean
tg_alert_webhook_post_new_finish (GAsyncResult  *result,
                                  guint         *n_posted,
                                  GError       **error)
{
  PostNew *post;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  post = g_task_get_task_data (G_TASK (result));
  if (n_posted != NULL)
    *n_posted = post->n_posted;

  return g_task_propagate_boolean (G_TASK (result), error);
}
