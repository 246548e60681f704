/* test-webhook.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Alerts posted to a webhook (src/net/tg-webhook.c, src/service/tg-alert-webhook.c)
 * against a real HTTP server on loopback (tests/tg-test-http.c): the JSON it receives,
 * retries on 5xx, 429 and no answer with the server's Retry-After honoured, no retry on
 * other answers, errors that never show the URL's token, and a cancel that stops at once.
 * Nothing here measures how fast anything is; a cancel that did not work would wait ten
 * minutes and fail by the test's timeout.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "tg-alert-webhook.h"
#include "tg-test-http.h"
#include "tg-webhook.h"

/* The secret parts of the URLs used: none may appear in a message. */
#define TOKEN_PATH  "/hooks/T0123/B0456/s3cr3tT0ken"
#define TOKEN_QUERY "?token=abc987"

static TgAlertNotice *
budget_alert (void)
{
  /* 2026-03-01T09:15:00Z */
  return tg_alert_notice_new (42, "budget", "overall", "85", "open",
                              "Overall spend passed 85 % of the monthly budget",
                              G_GINT64_CONSTANT (1772356500) * G_USEC_PER_SEC);
}

static const char budget_json[] =
  "{\"alert\":{\"id\":42,\"kind\":\"budget\",\"scope\":\"overall\",\"threshold\":\"85\","
  "\"state\":\"open\",\"created_at\":\"2026-03-01T09:15:00Z\","
  "\"message\":\"Overall spend passed 85 % of the monthly budget\"},"
  "\"source\":\"tollgate\","
  "\"text\":\"Tollgate: Budget threshold passed — Overall spend passed 85 % of the monthly "
  "budget (alert 42, overall, threshold 85 %)\"}";

/* Short waits and few attempts, so that the tests take seconds. */
static void
test_policy (TgWebhookPolicy *policy)
{
  tg_webhook_policy_init (policy);
  policy->max_attempts = 3;
  policy->connect_timeout_ms = 5000;
  policy->timeout_ms = 20000;
}

static void
assert_no_secret (const char *message)
{
  g_assert_nonnull (message);
  g_assert_null (strstr (message, "s3cr3tT0ken"));
  g_assert_null (strstr (message, "T0123"));
  g_assert_null (strstr (message, "/hooks"));
  g_assert_null (strstr (message, "token="));
  g_assert_null (strstr (message, "abc987"));
}

static void
test_body (void)
{
  g_autoptr(TgAlertNotice) notice = budget_alert ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = tg_alert_webhook_body (notice);
  JsonObject *root;
  JsonObject *alert;

  g_assert_cmpstr (body, ==, budget_json);

  /* A missing field is null; the alert's fields stay as they are, the chat line is
   * escaped as Slack asks and has no line break.
   */
  g_clear_pointer (&notice->threshold, g_free);
  g_free (notice->message);
  notice->message = g_strdup ("<!channel> & <https://evil.example|click>\nnow");
  notice->created_at_usec += 250000;
  g_clear_pointer (&body, g_free);
  body = tg_alert_webhook_body (notice);
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  alert = json_object_get_object_member (root, "alert");
  g_assert_true (json_object_get_null_member (alert, "threshold"));
  g_assert_cmpstr (json_object_get_string_member (alert, "message"), ==,
                   "<!channel> & <https://evil.example|click>\nnow");
  g_assert_cmpstr (json_object_get_string_member (alert, "created_at"), ==,
                   "2026-03-01T09:15:00.250000Z");
  g_assert_cmpstr (json_object_get_string_member (root, "source"), ==, "tollgate");
  g_assert_cmpstr (json_object_get_string_member (root, "text"), ==,
                   "Tollgate: Budget threshold passed — &lt;!channel&gt; &amp; "
                   "&lt;https://evil.example|click&gt; now (alert 42, overall)");
}

typedef struct
{
  const char *url;
  const char *host;   /* NULL: refused */
} UrlCase;

static const UrlCase url_cases[] = {
  { "https://hooks.slack.com/services/T0123/B0456/s3cr3tT0ken", "hooks.slack.com" },
  { "http://127.0.0.1:8065/hooks/s3cr3tT0ken", "127.0.0.1" },
  { "HTTPS://chat.example.com/hooks/s3cr3tT0ken?token=abc987", "chat.example.com" },
  { "https://[::1]:8443/hooks/s3cr3tT0ken", "[::1]" },
  { NULL, NULL },
  { "", NULL },
  { "hooks.slack.com/services/T0123/B0456/s3cr3tT0ken", NULL },
  { "ftp://hooks.example.com/s3cr3tT0ken", NULL },
  { "file:///etc/s3cr3tT0ken", NULL },
  { "javascript:alert('s3cr3tT0ken')", NULL },
  { "https://", NULL },
  { "https:///hooks/s3cr3tT0ken", NULL },
  { "https://hooks.example.com/s3cr3t T0ken", NULL },
  { " https://hooks.example.com/s3cr3tT0ken", NULL },
  { "https://hooks.example.com/s3cr3tT0ken\n", NULL },
  { "https://exa mple.com/s3cr3tT0ken", NULL },
};

static void
test_url (gconstpointer data)
{
  const UrlCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  gboolean valid = tg_webhook_check_url (c->url, &host, &error);

  if (c->host != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (valid);
      g_assert_cmpstr (host, ==, c->host);
      return;
    }

  g_assert_false (valid);
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL);
  g_assert_null (host);
  assert_no_secret (error->message);
  g_test_message ("%s", error->message);
}

static void
test_url_too_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *padding = g_strnfill (TG_WEBHOOK_URL_MAX, 'a');
  g_autofree char *url = g_strconcat ("https://hooks.example.com/", padding, NULL);

  g_assert_false (tg_webhook_check_url (url, NULL, &error));
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL);
  g_assert_null (strstr (error->message, "aaaa"));
}

/* 503, 503, then 200: delivered on the third attempt, each request the same JSON. */
static void
test_retries_then_delivers (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(TgAlertNotice) notice = budget_alert ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH);
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;

  test_policy (&policy);
  policy.max_attempts = 5;
  tg_test_http_reply (server, 503, NULL);
  tg_test_http_reply (server, 503, NULL);
  tg_test_http_reply (server, 200, NULL);
  tg_test_http_set_default (server, 500, NULL);

  g_assert_true (tg_alert_webhook_deliver (url, notice, &policy, &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcome.attempts, ==, 3);
  g_assert_cmpuint (outcome.http_status, ==, 200);
  /* Two pauses of the backoff: 250 ms and 500 ms, each with up to a quarter more. */
  g_assert_cmpuint (outcome.waited_ms, >=, 750);
  g_assert_cmpuint (outcome.waited_ms, <=, 750 + 750 / 4 + 2);

  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const TgTestHttpRequest *request = tg_test_http_get_request (server, i);

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->target, ==, TOKEN_PATH);
      g_assert_true (g_str_has_prefix (request->content_type, "application/json"));
      g_assert_true (g_str_has_prefix (request->user_agent, "Tollgate/"));
      g_assert_cmpstr (request->body, ==, budget_json);
    }
}

/* 429 with Retry-After: 1 — the next attempt comes a second later, not after the
 * backoff's quarter second.
 */
static void
test_retry_after (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH);
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;
  gint64 gap;

  test_policy (&policy);
  tg_test_http_reply (server, 429, "Retry-After: 1\r\n");
  tg_test_http_reply (server, 200, NULL);

  g_assert_true (tg_webhook_post (url, budget_json, &policy, &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcome.attempts, ==, 2);
  g_assert_cmpuint (outcome.http_status, ==, 200);
  g_assert_cmpuint (outcome.waited_ms, ==, 1000);

  /* The second request cannot have come sooner than the pause after the first answer. */
  gap = tg_test_http_get_request (server, 1)->arrived_usec -
        tg_test_http_get_request (server, 0)->arrived_usec;
  g_assert_cmpint (gap, >=, G_USEC_PER_SEC);
}

/* A Retry-After beyond the policy's cap waits the cap; an HTTP date falls back to the
 * backoff.
 */
static void
test_retry_after_capped (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH);
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;

  test_policy (&policy);
  policy.max_retry_after_ms = 300;
  tg_test_http_reply (server, 503, "Retry-After: 3600\r\n");
  tg_test_http_reply (server, 503, "Retry-After: Wed, 21 Oct 2037 07:28:00 GMT\r\n");
  tg_test_http_reply (server, 204, NULL);

  g_assert_true (tg_webhook_post (url, budget_json, &policy, &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcome.attempts, ==, 3);
  g_assert_cmpuint (outcome.http_status, ==, 204);
  /* 300 ms capped, then the backoff's first pause (250 ms and up to a quarter more). */
  g_assert_cmpuint (outcome.waited_ms, >=, 300 + 250);
  g_assert_cmpuint (outcome.waited_ms, <=, 300 + 250 + 63);
}

typedef struct
{
  guint        status;
  const char  *headers;
  const char  *says;
} RefusedCase;

static const RefusedCase refused_cases[] = {
  { 400, NULL, "refused the message (HTTP 400)" },
  { 404, NULL, "token revoked" },
  { 403, NULL, "HTTP 403" },
  { 302, "Location: http://127.0.0.1:1/elsewhere/s3cr3tT0ken\r\n", "redirect (HTTP 302)" },
};

/* An answer not to retry: one attempt, a message with the host and the status, never
 * the path or the query.
 */
static void
test_refused (gconstpointer data)
{
  const RefusedCase *c = data;
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH TOKEN_QUERY);
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;

  test_policy (&policy);
  tg_test_http_set_default (server, c->status, c->headers);

  g_assert_false (tg_webhook_post (url, budget_json, &policy, &outcome, NULL, &error));
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, c->says));
  assert_no_secret (error->message);
  g_assert_cmpuint (outcome.attempts, ==, 1);
  g_assert_cmpuint (outcome.http_status, ==, c->status);
  g_assert_cmpuint (outcome.waited_ms, ==, 0);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 1);
  g_assert_cmpstr (tg_test_http_get_request (server, 0)->target, ==, TOKEN_PATH TOKEN_QUERY);
}

/* 5xx every time: gives up after the policy's attempts. */
static void
test_server_errors (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH TOKEN_QUERY);
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;

  test_policy (&policy);
  tg_test_http_set_default (server, 502, NULL);

  g_assert_false (tg_webhook_post (url, budget_json, &policy, &outcome, NULL, &error));
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_SERVER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "HTTP 502 (3 attempts)"));
  assert_no_secret (error->message);
  g_assert_cmpuint (outcome.attempts, ==, 3);
  g_assert_cmpuint (outcome.http_status, ==, 502);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 3);
}

/* Nobody listening: every attempt refused, then a clear error. */
static void
test_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u" TOKEN_PATH TOKEN_QUERY,
                                          tg_test_http_unused_port ());
  TgWebhookPolicy policy;
  TgWebhookOutcome outcome;

  test_policy (&policy);
  g_assert_false (tg_webhook_post (url, budget_json, &policy, &outcome, NULL, &error));
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_UNREACHABLE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Could not reach the webhook at 127.0.0.1 (3 attempts): "));
  assert_no_secret (error->message);
  g_assert_cmpuint (outcome.attempts, ==, 3);
  g_assert_cmpuint (outcome.http_status, ==, 0);
  g_assert_cmpuint (outcome.waited_ms, >=, 250 + 500);
}

/* An invalid URL sends nothing. */
static void
test_invalid_url (void)
{
  g_autoptr(GError) error = NULL;
  TgWebhookOutcome outcome = { 7, 7, 7 };

  g_assert_false (tg_webhook_post ("ftp://hooks.example.com" TOKEN_PATH, budget_json, NULL,
                                   &outcome, NULL, &error));
  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL);
  assert_no_secret (error->message);
  g_assert_cmpuint (outcome.attempts, ==, 0);
  g_assert_cmpuint (outcome.http_status, ==, 0);
}

/* --- cancelling --- */

typedef struct
{
  char             *url;
  TgWebhookPolicy   policy;
  GCancellable     *cancellable;
  TgWebhookOutcome  outcome;
  GError           *error;
  gboolean          delivered;
} Post;

static gpointer
post_thread (gpointer data)
{
  Post *post = data;

  post->delivered = tg_webhook_post (post->url, budget_json, &post->policy, &post->outcome,
                                     post->cancellable, &post->error);
  return NULL;
}

/* Cancelled while it waits out a Retry-After of ten minutes, or while the server holds
 * the request without answering for as long: it returns at once, after one attempt.
 */
static void
test_cancel (gconstpointer data)
{
  gboolean in_transfer = GPOINTER_TO_INT (data);
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Post post = { 0 };
  GThread *thread;

  post.url = tg_test_http_url (server, TOKEN_PATH);
  post.cancellable = cancellable;
  test_policy (&post.policy);
  post.policy.timeout_ms = 600000;
  post.policy.max_retry_after_ms = 600000;
  if (in_transfer)
    tg_test_http_reply_hang (server);
  else
    tg_test_http_set_default (server, 503, "Retry-After: 600\r\n");

  thread = g_thread_new ("post", post_thread, &post);
  tg_test_http_wait_requests (server, 1);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_assert_false (post.delivered);
  g_assert_error (post.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (post.outcome.attempts, ==, 1);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 1);

  g_clear_error (&post.error);
  g_free (post.url);
}

static void
test_cancelled_before (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH);
  TgWebhookOutcome outcome;

  g_cancellable_cancel (cancellable);
  g_assert_false (tg_webhook_post (url, budget_json, NULL, &outcome, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (outcome.attempts, ==, 0);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 0);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Preferences' test message: the shape of an alert's, posted on a GTask thread. */
static void
test_send_test (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = tg_test_http_url (server, TOKEN_PATH);
  g_autofree char *status = NULL;
  TgWebhookOutcome outcome;
  JsonObject *root;
  JsonObject *alert;

  tg_alert_webhook_send_test_async (url, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tg_alert_webhook_send_test_finish (result, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outcome.attempts, ==, 1);
  g_assert_cmpuint (outcome.http_status, ==, 200);

  status = tg_alert_webhook_describe (&outcome, "127.0.0.1");
  g_assert_cmpstr (status, ==, "Delivered to 127.0.0.1 (HTTP 200)");
  outcome.attempts = 3;
  g_clear_pointer (&status, g_free);
  status = tg_alert_webhook_describe (&outcome, "127.0.0.1");
  g_assert_cmpstr (status, ==, "Delivered to 127.0.0.1 (HTTP 200) after 3 attempts");

  g_assert_true (json_parser_load_from_data (parser, tg_test_http_get_request (server, 0)->body,
                                             -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  alert = json_object_get_object_member (root, "alert");
  g_assert_cmpint (json_object_get_int_member (alert, "id"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (alert, "kind"), ==, "test");
  g_assert_cmpstr (json_object_get_string_member (alert, "state"), ==, "open");
  g_assert_true (json_object_has_member (alert, "created_at"));
  g_assert_cmpstr (json_object_get_string_member (root, "source"), ==, "tollgate");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (root, "text"), "Tollgate: "));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The test's requests go to 127.0.0.1, never through a proxy of the environment. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("https_proxy");
  g_unsetenv ("HTTPS_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");

  g_test_add_func ("/tollgate/unit/webhook/body", test_body);
  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/webhook/url/%u", i);

      g_test_add_data_func (path, &url_cases[i], test_url);
    }
  g_test_add_func ("/tollgate/unit/webhook/url-too-long", test_url_too_long);
  g_test_add_func ("/tollgate/unit/webhook/retries-then-delivers", test_retries_then_delivers);
  g_test_add_func ("/tollgate/unit/webhook/retry-after", test_retry_after);
  g_test_add_func ("/tollgate/unit/webhook/retry-after-capped", test_retry_after_capped);
  for (guint i = 0; i < G_N_ELEMENTS (refused_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/webhook/refused/%u",
                                               refused_cases[i].status);

      g_test_add_data_func (path, &refused_cases[i], test_refused);
    }
  g_test_add_func ("/tollgate/unit/webhook/server-errors", test_server_errors);
  g_test_add_func ("/tollgate/unit/webhook/unreachable", test_unreachable);
  g_test_add_func ("/tollgate/unit/webhook/invalid-url", test_invalid_url);
  g_test_add_data_func ("/tollgate/unit/webhook/cancel/pause", GINT_TO_POINTER (FALSE), test_cancel);
  g_test_add_data_func ("/tollgate/unit/webhook/cancel/transfer", GINT_TO_POINTER (TRUE), test_cancel);
  g_test_add_func ("/tollgate/unit/webhook/cancel/before", test_cancelled_before);
  g_test_add_func ("/tollgate/unit/webhook/send-test", test_send_test);

  return g_test_run ();
}
