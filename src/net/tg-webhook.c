/* tg-webhook.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* POSTs one JSON body to an incoming webhook (Slack, Mattermost and tools that read the
 * same shape), blocking, for a worker thread or a GTask thread (tg_webhook_post_async()):
 * never on the UI thread.
 *
 * Each attempt is bounded (a connect timeout and a total timeout). An attempt that gets
 * no answer (refused, reset, timed out, TLS handshake failed) or an answer of 5xx or 429
 * is tried again, up to the policy's attempts, after a pause: the server's Retry-After
 * in seconds when it sent one (capped by the policy), else the app's exponential backoff
 * with jitter (src/core/tg-backoff.h). Any other answer ends it: 2xx delivered, 3xx and
 * 4xx refused (a redirect is not followed: a POST must not be replayed elsewhere).
 * A retry after a timeout may deliver a message twice; chat tools show it twice, which
 * is better than not at all.
 *
 * The transfer runs on a libcurl multi handle of its own, waiting in curl_multi_poll();
 * cancelling the GCancellable wakes that wait (curl_multi_wakeup() may be called from
 * any thread), so a cancel stops a transfer or a pause at once.
 *
 * The URL is a secret (the token is in its path or query): no message names more of it
 * than its host, and the few texts that come from libcurl are scrubbed of its other
 * parts in case a future libcurl quotes them.
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tg-backoff.h"
#include "tg-net.h"
#include "tg-webhook.h"

G_DEFINE_QUARK (tg-webhook-error-quark, tg_webhook_error)

/* How long one wait in curl_multi_poll() may be before libcurl's timers are looked at
 * again; a cancel wakes it sooner.
 */
#define POLL_MS 1000

/* The longest Retry-After read, in digits (anything longer is capped anyway). */
#define RETRY_AFTER_DIGITS 9

/* One attempt's result. */
typedef struct
{
  CURLcode code;
  guint    status;
  gint64   retry_after_ms;   /* -1: none, or not in seconds */
  char     error_buffer[CURL_ERROR_SIZE];
} Attempt;

/* The parts of a URL that no message may contain. */
typedef struct
{
  char *host;
  char *secrets[6];
} UrlParts;

/**
 * tg_webhook_policy_init:
 *
 * Fills @policy with the defaults: %TG_WEBHOOK_DEFAULT_MAX_ATTEMPTS attempts, each
 * connecting within %TG_WEBHOOK_DEFAULT_CONNECT_TIMEOUT_MS and done within
 * %TG_WEBHOOK_DEFAULT_TIMEOUT_MS, Retry-After waited up to
 * %TG_WEBHOOK_DEFAULT_MAX_RETRY_AFTER_MS.
 */
void
tg_webhook_policy_init (TgWebhookPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  policy->max_attempts = TG_WEBHOOK_DEFAULT_MAX_ATTEMPTS;
  policy->connect_timeout_ms = TG_WEBHOOK_DEFAULT_CONNECT_TIMEOUT_MS;
  policy->timeout_ms = TG_WEBHOOK_DEFAULT_TIMEOUT_MS;
  policy->max_retry_after_ms = TG_WEBHOOK_DEFAULT_MAX_RETRY_AFTER_MS;
}

static void
url_parts_clear (UrlParts *parts)
{
  g_clear_pointer (&parts->host, curl_free);
  for (guint i = 0; i < G_N_ELEMENTS (parts->secrets); i++)
    g_clear_pointer (&parts->secrets[i], curl_free);
}

static gboolean
has_scheme (const char *url,
            const char *scheme)
{
  return g_ascii_strncasecmp (url, scheme, strlen (scheme)) == 0;
}

/* Parses @url as libcurl will; fills @parts when given. */
static gboolean
parse_url (const char  *url,
           UrlParts    *parts,
           GError     **error)
{
  static const CURLUPart secret_parts[] = {
    CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
    CURLUPART_PATH, CURLUPART_QUERY, CURLUPART_FRAGMENT,
  };
  CURLU *handle;
  CURLUcode code;
  char *host = NULL;

  G_STATIC_ASSERT (G_N_ELEMENTS (secret_parts) == G_N_ELEMENTS (((UrlParts *)NULL)->secrets));

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                           _("No webhook URL is set. Paste the incoming webhook’s URL from "
                             "your chat tool."));
      return FALSE;
    }

  if (strlen (url) > TG_WEBHOOK_URL_MAX)
    {
      g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                   _("The webhook URL is too long (more than %u characters)."),
                   (guint)TG_WEBHOOK_URL_MAX);
      return FALSE;
    }

  for (const char *p = url; *p != '\0'; p++)
    if ((guchar)*p <= 0x20 || (guchar)*p == 0x7F)
      {
        g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                             _("The webhook URL contains spaces or control characters. "
                               "Paste it again exactly as your chat tool shows it."));
        return FALSE;
      }

  if (!has_scheme (url, "https://") && !has_scheme (url, "http://"))
    {
      g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                           _("The webhook URL must begin with https:// (or http://)."));
      return FALSE;
    }

  /* libcurl reads "https:///x" as the host "x": not what was meant. */
  if (strstr (url, "://")[3] == '/')
    {
      g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                           _("The webhook URL has no host after its https://."));
      return FALSE;
    }

  tg_net_init ();
  handle = curl_url ();
  if (handle == NULL)
    {
      g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_FAILED,
                           _("Out of memory while reading the webhook URL."));
      return FALSE;
    }

  code = curl_url_set (handle, CURLUPART_URL, url, 0);
  if (code == CURLUE_OK)
    code = curl_url_get (handle, CURLUPART_HOST, &host, 0);
  if (code != CURLUE_OK || host == NULL || *host == '\0')
    {
      /* curl_url_strerror() describes the problem, never the text. */
      g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL,
                   _("The webhook URL is not a valid URL (%s)."),
                   code != CURLUE_OK ? curl_url_strerror (code) : _("no host"));
      curl_free (host);
      curl_url_cleanup (handle);
      return FALSE;
    }

  if (parts != NULL)
    {
      parts->host = host;
      host = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (secret_parts); i++)
        if (curl_url_get (handle, secret_parts[i], &parts->secrets[i], 0) != CURLUE_OK)
          parts->secrets[i] = NULL;
    }

  curl_free (host);
  curl_url_cleanup (handle);

  return TRUE;
}

/**
 * tg_webhook_check_url:
 * @url: (nullable): what the user pasted
 * @host: (out) (optional) (transfer full): the URL's host, which may be shown
 *
 * Checks that @url is one the webhook can POST to: an http or https URL that libcurl
 * parses, with a host, at most %TG_WEBHOOK_URL_MAX bytes, without white space. The
 * message of @error never quotes @url.
 *
 * Returns: whether it is
 */
gboolean
tg_webhook_check_url (const char  *url,
                      char       **host,
                      GError     **error)
{
  UrlParts parts = { 0 };

  if (!parse_url (url, &parts, error))
    return FALSE;

  if (host != NULL)
    *host = g_strdup (parts.host);
  url_parts_clear (&parts);

  return TRUE;
}

/* @text with every secret part of the URL replaced, for a message. */
static char *
scrub (const char     *text,
       const UrlParts *parts)
{
  GString *scrubbed = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (parts->secrets); i++)
    {
      const char *secret = parts->secrets[i];

      /* A path of "/" gives nothing away, and replacing every slash would garble the
       * message.
       */
      if (secret == NULL || strlen (secret) < 2)
        continue;
      g_string_replace (scrubbed, secret, "…", 0);
    }

  return g_string_free (scrubbed, FALSE);
}

static size_t
on_header (char   *buffer,
           size_t  size,
           size_t  n_items,
           void   *user_data)
{
  Attempt *attempt = user_data;
  size_t length = size * n_items;
  static const char name[] = "retry-after:";
  const char *p;
  const char *end = buffer + length;
  guint64 seconds = 0;
  guint digits = 0;

  /* Headers of each response in turn (an interim 100 Continue first): a status line
   * starts the next one.
   */
  if (length >= 5 && strncmp (buffer, "HTTP/", 5) == 0)
    attempt->retry_after_ms = -1;

  if (length < sizeof name - 1 || g_ascii_strncasecmp (buffer, name, sizeof name - 1) != 0)
    return length;

  for (p = buffer + sizeof name - 1; p < end && (*p == ' ' || *p == '\t'); p++)
    ;
  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      if (++digits > RETRY_AFTER_DIGITS)
        return length;
      seconds = seconds * 10 + (guint64)(*p - '0');
    }
  for (; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
    ;

  /* Seconds only; an HTTP date falls back to the backoff. */
  if (digits > 0 && p == end)
    attempt->retry_after_ms = (gint64)(seconds * 1000);

  return length;
}

static size_t
on_body (char   *buffer,
         size_t  size,
         size_t  n_items,
         void   *user_data)
{
  /* The answer's body is not read: some servers echo what they were sent. */
  return size * n_items;
}

static void
on_cancelled (GCancellable *cancellable,
              CURLM        *multi)
{
  curl_multi_wakeup (multi);
}

/* One request, until it ends or @cancellable is cancelled. */
static void
run_attempt (CURLM                 *multi,
             const char            *url,
             const char            *json_body,
             const TgWebhookPolicy *policy,
             Attempt               *attempt,
             GCancellable          *cancellable)
{
  struct curl_slist *headers = NULL;
  CURL *easy;
  CURLMsg *message;
  int running = 1;
  int queued;
  long status = 0;

  memset (attempt, 0, sizeof *attempt);
  attempt->code = CURLE_FAILED_INIT;
  attempt->retry_after_ms = -1;

  easy = curl_easy_init ();
  if (easy == NULL)
    return;

  headers = curl_slist_append (headers, "Content-Type: application/json; charset=utf-8");
  /* No "Expect: 100-continue" round trip for bodies over 1 KiB. */
  headers = curl_slist_append (headers, "Expect:");

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt (easy, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "Tollgate/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_POSTFIELDS, json_body);
  curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen (json_body));
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long)policy->connect_timeout_ms);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long)policy->timeout_ms);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, attempt);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, attempt->error_buffer);

  if (curl_multi_add_handle (multi, easy) != CURLM_OK)
    goto out;

  while (running > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      if (curl_multi_perform (multi, &running) != CURLM_OK)
        break;
      if (running > 0 && !g_cancellable_is_cancelled (cancellable))
        curl_multi_poll (multi, NULL, 0, POLL_MS, NULL);
    }

  while ((message = curl_multi_info_read (multi, &queued)) != NULL)
    if (message->msg == CURLMSG_DONE && message->easy_handle == easy)
      attempt->code = message->data.result;

  if (attempt->code == CURLE_OK &&
      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
    attempt->status = (guint)CLAMP (status, 0, 999);

  curl_multi_remove_handle (multi, easy);

out:
  curl_easy_cleanup (easy);
  curl_slist_free_all (headers);
}

/* Sleeps @delay_ms, or less when @cancellable is cancelled. */
static void
pause_between (CURLM        *multi,
               guint         delay_ms,
               GCancellable *cancellable)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)delay_ms * 1000;

  /* With no transfer, curl_multi_poll() waits the whole timeout unless woken. */
  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;

      if (left_ms <= 0)
        break;
      curl_multi_poll (multi, NULL, 0, (int)MIN (left_ms, POLL_MS), NULL);
    }
}

static gboolean
is_retryable_code (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
is_retryable_status (guint status)
{
  return status == 429 || (status >= 500 && status <= 599);
}

/* What libcurl said about a failed attempt, without any part of the URL but the host. */
static char *
describe_code (const Attempt  *attempt,
               const UrlParts *parts)
{
  const char *text = attempt->error_buffer[0] != '\0' ? attempt->error_buffer
                                                      : curl_easy_strerror (attempt->code);

  return scrub (text, parts);
}

static void
set_final_error (const Attempt  *attempt,
                 const UrlParts *parts,
                 guint           attempts,
                 gboolean        retryable,
                 GError        **error)
{
  g_autofree char *reason = NULL;

  if (attempt->code != CURLE_OK)
    {
      reason = describe_code (attempt, parts);
      if (retryable)
        g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_UNREACHABLE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "Could not reach the webhook at %s (%u attempt): %s.",
                                  "Could not reach the webhook at %s (%u attempts): %s.",
                                  attempts),
                     parts->host, attempts, reason);
      else if (attempt->code == CURLE_PEER_FAILED_VERIFICATION)
        g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_FAILED,
                     _("The webhook at %s has a certificate that could not be verified, so "
                       "nothing was sent: %s."),
                     parts->host, reason);
      else
        g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_FAILED,
                     _("Could not post to the webhook at %s: %s."), parts->host, reason);
      return;
    }

  if (is_retryable_status (attempt->status))
    g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_SERVER,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The webhook at %s answered HTTP %u (%u attempt); try again later.",
                              "The webhook at %s answered HTTP %u (%u attempts); try again later.",
                              attempts),
                 parts->host, attempt->status, attempts);
  else if (attempt->status >= 300 && attempt->status <= 399)
    g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_REFUSED,
                 _("The webhook at %s answered with a redirect (HTTP %u), which Tollgate "
                   "does not follow; paste the URL your chat tool gives for the incoming "
                   "webhook."),
                 parts->host, attempt->status);
  else if (attempt->status == 401 || attempt->status == 403 || attempt->status == 404 ||
           attempt->status == 410)
    g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_REFUSED,
                 _("The webhook at %s refused the message (HTTP %u): the webhook may have "
                   "been removed or its token revoked; paste its current URL in Preferences."),
                 parts->host, attempt->status);
  else
    g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_REFUSED,
                 _("The webhook at %s refused the message (HTTP %u)."),
                 parts->host, attempt->status);
}

/**
 * tg_webhook_post:
 * @url: the webhook's URL (a secret)
 * @json_body: the JSON text to POST, at most %TG_WEBHOOK_BODY_MAX bytes
 * @policy: (nullable): how hard to try; %NULL for the defaults
 * @outcome: (out caller-allocates) (optional): attempts, last status, pauses — set
 *   whether or not it worked
 *
 * POSTs @json_body to @url as application/json, trying again on no answer, 5xx and
 * 429 with pauses between (see the top of this file). Blocks: call it on a worker
 * thread, or use tg_webhook_post_async().
 *
 * Returns: %TRUE when the webhook answered 2xx; %FALSE with @error set otherwise
 *   (%G_IO_ERROR_CANCELLED when cancelled)
 */
gboolean
tg_webhook_post (const char             *url,
                 const char             *json_body,
                 const TgWebhookPolicy  *policy,
                 TgWebhookOutcome       *outcome,
                 GCancellable           *cancellable,
                 GError                **error)
{
  TgWebhookPolicy defaults;
  TgWebhookOutcome local_outcome = { 0 };
  UrlParts parts = { 0 };
  TgBackoff backoff = { 0 };
  Attempt attempt;
  CURLM *multi;
  gulong cancelled_id = 0;
  gboolean delivered = FALSE;

  g_return_val_if_fail (json_body != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (outcome == NULL)
    outcome = &local_outcome;
  memset (outcome, 0, sizeof *outcome);

  if (policy == NULL)
    {
      tg_webhook_policy_init (&defaults);
      policy = &defaults;
    }
  g_return_val_if_fail (policy->max_attempts > 0, FALSE);

  if (!parse_url (url, &parts, error))
    return FALSE;

  if (strlen (json_body) > TG_WEBHOOK_BODY_MAX)
    {
      g_set_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_FAILED,
                   _("The message for the webhook at %s is larger than %u bytes."),
                   parts.host, (guint)TG_WEBHOOK_BODY_MAX);
      url_parts_clear (&parts);
      return FALSE;
    }

  multi = curl_multi_init ();
  if (multi == NULL)
    {
      g_set_error_literal (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_FAILED,
                           _("Out of memory while posting to the webhook."));
      url_parts_clear (&parts);
      return FALSE;
    }

  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), multi, NULL);

  tg_backoff_reset (&backoff);
  while (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      gboolean retryable;
      guint delay_ms;

      outcome->attempts++;
      run_attempt (multi, url, json_body, policy, &attempt, cancellable);
      outcome->http_status = attempt.status;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;

      if (attempt.code == CURLE_OK && attempt.status >= 200 && attempt.status <= 299)
        {
          delivered = TRUE;
          break;
        }

      retryable = attempt.code == CURLE_OK ? is_retryable_status (attempt.status)
                                           : is_retryable_code (attempt.code);
      if (!retryable || outcome->attempts >= policy->max_attempts)
        {
          set_final_error (&attempt, &parts, outcome->attempts, retryable, error);
          break;
        }

      if (attempt.code == CURLE_OK && attempt.retry_after_ms >= 0)
        delay_ms = (guint)MIN (attempt.retry_after_ms, (gint64)policy->max_retry_after_ms);
      else
        delay_ms = tg_backoff_next_delay (&backoff);

      g_debug ("Webhook at %s: attempt %u got %s %u; next in %u ms", parts.host,
               outcome->attempts, attempt.code == CURLE_OK ? "HTTP" : "curl error",
               attempt.code == CURLE_OK ? attempt.status : (guint)attempt.code, delay_ms);

      outcome->waited_ms += delay_ms;
      pause_between (multi, delay_ms, cancellable);
    }

  /* Waits for a handler running on another thread, so the multi handle outlives it. */
  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);
  curl_multi_cleanup (multi);
  url_parts_clear (&parts);

  return delivered;
}

/* The GTask's data: what to post, and what happened (read by the finish function
 * whether the task returned an error or not).
 */
typedef struct
{
  char             *url;
  char             *json_body;
  TgWebhookPolicy   policy;
  TgWebhookOutcome  outcome;
} PostData;

static void
post_data_free (PostData *data)
{
  if (data->url != NULL)
    {
      /* The URL is a secret: leave no copy in freed memory. */
      explicit_bzero (data->url, strlen (data->url));
      g_free (data->url);
    }
  g_free (data->json_body);
  g_free (data);
}

static void
post_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PostData *data = task_data;
  GError *error = NULL;

  if (tg_webhook_post (data->url, data->json_body, &data->policy, &data->outcome,
                       cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tg_webhook_post_async:
 *
 * Runs tg_webhook_post() on a GTask thread; @callback runs on the thread-default main
 * context of the caller.
 */
void
tg_webhook_post_async (const char             *url,
                       const char             *json_body,
                       const TgWebhookPolicy  *policy,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  PostData *data;

  g_return_if_fail (json_body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PostData, 1);
  data->url = g_strdup (url);
  data->json_body = g_strdup (json_body);
  if (policy != NULL)
    data->policy = *policy;
  else
    tg_webhook_policy_init (&data->policy);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tg_webhook_post_async);
  g_task_set_name (task, "[tollgate] webhook post");
  g_task_set_task_data (task, data, (GDestroyNotify)post_data_free);
  g_task_run_in_thread (task, post_thread);
}

/**
 * tg_webhook_post_finish:
 * @outcome: (out caller-allocates) (optional): what happened, set on failure too
 *
 * Returns: whether the webhook answered 2xx
 */
gboolean
tg_webhook_post_finish (GAsyncResult      *result,
                        TgWebhookOutcome  *outcome,
                        GError           **error)
{
  PostData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tg_webhook_post_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (outcome != NULL)
    *outcome = data->outcome;

  return g_task_propagate_boolean (G_TASK (result), error);
}
