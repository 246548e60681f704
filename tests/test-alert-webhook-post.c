/* test-alert-webhook-post.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_alert_webhook_post_new_async(): the alerts a computer has not posted yet go to the
 * webhook whose URL the keyring holds, each once, however often and from however many
 * processes it is asked; without a URL nothing is claimed. Real components: the private
 * keyring of tools/with-services, a loopback HTTP server (tests/tg-test-http.c).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tg-alert-webhook.h"
#include "tg-test-http.h"
#include "tg-test-programs.h"

typedef struct
{
  gboolean  done;
  gboolean  ok;
  guint     n_posted;
  GError   *error;
} Outcome;

static void
on_posted (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = tg_alert_webhook_post_new_finish (result, &outcome->n_posted, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
post_new (TgAlertNotifier     *notifier,
          TgSecretStore       *store,
          TgSecretKey         *key,
          const TgAlertNotice *notices,
          guint                n_notices,
          guint               *n_posted,
          GError             **error)
{
  Outcome outcome = { FALSE, FALSE, 0, NULL };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  tg_alert_webhook_post_new_async (notifier, store, key, notices, n_notices, NULL, on_posted,
                                   &outcome);
  while (!outcome.done)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The webhook's post did not finish within a minute");
      g_main_context_iteration (NULL, TRUE);
    }
  *n_posted = outcome.n_posted;
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);

  return outcome.ok;
}

static gboolean
keyring_available (TgSecretStore *store,
                   TgSecretKey   *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = tg_secret_store_lookup_sync (store, key, NULL, &error);

  if (error == NULL)
    return TRUE;
  if (tg_test_services_required ())
    g_error ("The keyring of tools/with-services is not usable: %s", error->message);
  g_test_skip_printf ("No usable keyring: %s", error->message);
  return FALSE;
}

/* The notifiers' records and locks, in @path and below it. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_post_new (void)
{
  g_autoptr(TgTestHttp) server = tg_test_http_new ();
  g_autoptr(TgSecretStore) store = tg_secret_store_new ();
  g_autofree char *dbname = g_strdup_printf ("webhook_%08x", g_random_int ());
  g_autoptr(TgSecretKey) key = tg_secret_key_new_webhook ("db.tollgate.invalid", "5432", dbname);
  g_autofree char *dir = g_dir_make_tmp ("tollgate-webhook-XXXXXX", NULL);
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new_for_directory (dir, "cluster/db");
  g_autoptr(TgAlertNotifier) other_process = tg_alert_notifier_new_for_directory (dir, "cluster/db");
  g_autofree char *url = tg_test_http_url (server, "/hooks/T000/SECRET");
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  TgAlertNotice notices[] = {
    { 41, (char *)"budget", (char *)"overall", (char *)"85", (char *)"open",
      (char *)"Overall spend passed 85 %.", now - G_USEC_PER_SEC },
    { 42, (char *)"new_ip", (char *)"user:7", (char *)"", (char *)"muted",
      (char *)"User 7 called from 203.0.113.9.", now },
    { 43, (char *)"provider_errors", (char *)"provider:here", (char *)"", (char *)"open",
      (char *)"HERE failed 31 % of 400 calls.", now },
  };
  guint n_posted = 99;

  if (!keyring_available (store, key))
    return;
  tg_test_http_set_default (server, 200, NULL);

  /* No URL yet: nothing is posted, and nothing is claimed either. */
  g_assert_true (post_new (notifier, store, key, notices, G_N_ELEMENTS (notices), &n_posted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_posted, ==, 0);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 0);

  /* Once set, the open alerts are posted, the muted one not. */
  g_assert_true (tg_secret_store_store_sync (store, key, url, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (post_new (notifier, store, key, notices, G_N_ELEMENTS (notices), &n_posted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_posted, ==, 2);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const TgTestHttpRequest *request = tg_test_http_get_request (server, i);
      g_autoptr(JsonNode) body = json_from_string (request->body, &error);
      gint64 id;

      g_assert_no_error (error);
      g_assert_cmpstr (request->target, ==, "/hooks/T000/SECRET");
      id = json_object_get_int_member (json_object_get_object_member (json_node_get_object (body),
                                                                      "alert"), "id");
      g_assert_true (id == 41 || id == 43);
    }

  /* Asked again, by this process or another on the computer: nothing more. */
  g_assert_true (post_new (notifier, store, key, notices, G_N_ELEMENTS (notices), &n_posted, &error));
  g_assert_cmpuint (n_posted, ==, 0);
  g_assert_true (post_new (other_process, store, key, notices, G_N_ELEMENTS (notices), &n_posted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_posted, ==, 0);
  g_assert_cmpuint (tg_test_http_n_requests (server), ==, 2);

  /* A webhook that refuses: the failure is returned, without the URL's token. */
  tg_test_http_set_default (server, 403, NULL);
  notices[1].state = (char *)"open";
  g_assert_false (post_new (notifier, store, key, notices, G_N_ELEMENTS (notices), &n_posted, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "SECRET"));
  g_assert_cmpuint (n_posted, ==, 0);

  g_assert_true (tg_secret_store_clear_sync (store, key, NULL, NULL));
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/keyring/alert-webhook-post/new-alerts", test_post_new);

  return g_test_run ();
}
