/* test-alert-notice.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What an alert's desktop notification and chat line say (src/core/tg-alert-notice.c):
 * titles by kind, bodies and summaries on one line, cleaned of what would disturb a
 * notification server or a chat, cut to their bounds.
 */

#include "config.h"

#include <string.h>

#include "tg-alert-notice.h"

static TgAlertNotice *
notice_new (const char *kind,
            const char *scope,
            const char *threshold,
            const char *message)
{
  return tg_alert_notice_new (42, kind, scope, threshold, "open", message,
                              G_GINT64_CONSTANT (1772356500000000));
}

typedef struct
{
  const char *kind;
  const char *scope;
  const char *title;
} TitleCase;

static const TitleCase title_cases[] = {
  { "budget", "overall", "Budget threshold passed" },
  { "forecast", "provider:openai", "Forecast above budget" },
  { "quota", "provider:geoscape", "Quota threshold passed" },
  { "user_frequency", "user:42", "Unusual call frequency" },
  { "new_ip", "user:42", "New IP address for user 42" },
  { "new_ip", "overall", "New IP address" },
  { "new_ip", "user:", "New IP address" },
  { "new_user_agent", "user:7", "New user agent for user 7" },
  { "provider_errors", "provider:here", "Provider error spike" },
  { "provider_timeouts", "provider:here", "Provider timeout spike" },
  { "something_new", "overall", "Tollgate alert" },
  { NULL, NULL, "Tollgate alert" },
  /* A user id from the platform is cleaned and bounded like any text. */
  { "new_ip", "user:4\n2\u202E", "New IP address for user 4 2" },
};

static void
test_title (gconstpointer data)
{
  const TitleCase *c = data;
  g_autoptr(TgAlertNotice) notice = notice_new (c->kind, c->scope, NULL, NULL);
  g_autofree char *title = tg_alert_notice_dup_title (notice);

  g_assert_cmpstr (title, ==, c->title);
}

static void
test_notification_id (void)
{
  g_autoptr(TgAlertNotice) notice = notice_new ("budget", "overall", "85", "m");
  g_autofree char *id = tg_alert_notice_dup_notification_id (notice);

  g_assert_cmpstr (id, ==, "alert-42");

  notice->id = G_MAXINT64;
  g_clear_pointer (&id, g_free);
  id = tg_alert_notice_dup_notification_id (notice);
  g_assert_cmpstr (id, ==, "alert-9223372036854775807");
}

static void
test_open (void)
{
  const char *states[] = { "acknowledged", "muted", "resolved", "OPEN", "", NULL };
  g_autoptr(TgAlertNotice) notice = notice_new ("budget", "overall", "85", "m");

  g_assert_true (tg_alert_notice_is_open (notice));
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_free (notice->state);
      notice->state = g_strdup (states[i]);
      g_assert_false (tg_alert_notice_is_open (notice));
    }
}

typedef struct
{
  const char *text;
  guint       max_chars;
  const char *expected;
} LineCase;

static const LineCase line_cases[] = {
  { NULL, 10, "" },
  { "", 10, "" },
  { "plain", 10, "plain" },
  { "  padded \t ", 10, "padded" },
  { "two\nlines\r\nand\ttabs", 40, "two lines and tabs" },
  /* Escapes lose their ESC and BEL; C1 controls and DEL become spaces. */
  { "a\x1B]0;title\x07" "b", 40, "a ]0;title b" },
  { "a\xC2\x9B" "2Kb\x7F" "c", 40, "a 2Kb c" },
  /* Overrides and isolates are dropped. */
  { "evil \u202Etxt.exe\u202C \u2066x\u2069 \u200Fy", 40, "evil txt.exe x y" },
  /* Not UTF-8: replaced, not passed on. */
  { "caf\xE9 ok", 40, "caf\uFFFD ok" },
  /* Cut with an ellipsis, counted in characters, no space before it. */
  { "abcdef", 6, "abcdef" },
  { "abcdefg", 6, "abcde…" },
  { "abcd efg", 6, "abcd…" },
  { "ééééééé", 4, "ééé…" },
  { "ab", 2, "ab" },
  { "abc", 2, "a…" },
};

static void
test_one_line (gconstpointer data)
{
  const LineCase *c = data;
  g_autofree char *line = tg_alert_text_one_line (c->text, c->max_chars);

  g_assert_cmpstr (line, ==, c->expected);
  g_assert_true (g_utf8_validate (line, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (line, -1), <=, c->max_chars);
}

static void
test_threshold (void)
{
  g_autoptr(TgAlertNotice) notice = notice_new ("budget", "overall", "85", "m");
  g_autofree char *threshold = tg_alert_notice_dup_threshold (notice);

  g_assert_cmpstr (threshold, ==, "85 %");

  g_clear_pointer (&threshold, g_free);
  g_free (notice->threshold);
  notice->threshold = g_strdup ("92.5");
  threshold = tg_alert_notice_dup_threshold (notice);
  g_assert_cmpstr (threshold, ==, "92.5 %");

  /* An amount stays as it is written: money is a decimal string with its currency. */
  g_clear_pointer (&threshold, g_free);
  g_free (notice->threshold);
  notice->threshold = g_strdup ("1200.00 AUD");
  threshold = tg_alert_notice_dup_threshold (notice);
  g_assert_cmpstr (threshold, ==, "1200.00 AUD");

  g_clear_pointer (&threshold, g_free);
  g_free (notice->threshold);
  notice->threshold = g_strdup ("");
  g_assert_null (tg_alert_notice_dup_threshold (notice));

  g_clear_pointer (&notice->threshold, g_free);
  g_assert_null (tg_alert_notice_dup_threshold (notice));
}

static void
test_body (void)
{
  g_autoptr(TgAlertNotice) notice = notice_new ("budget", "overall", "85",
                                                "Overall spend passed 85 % of the monthly "
                                                "budget:\n1,020.00 of 1,200.00 AUD");
  g_autofree char *body = tg_alert_notice_dup_body (notice);
  g_autofree char *long_message = NULL;

  g_assert_cmpstr (body, ==, "Overall spend passed 85 % of the monthly budget: 1,020.00 of "
                             "1,200.00 AUD");

  /* Without a message: the scope and the threshold. */
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&notice->message, g_free);
  g_free (notice->scope);
  notice->scope = g_strdup ("provider:geoscape");
  body = tg_alert_notice_dup_body (notice);
  g_assert_cmpstr (body, ==, "Scope: provider geoscape; threshold: 85 %");

  g_clear_pointer (&body, g_free);
  g_free (notice->scope);
  notice->scope = g_strdup ("cost-centre:Field Ops");
  g_clear_pointer (&notice->threshold, g_free);
  body = tg_alert_notice_dup_body (notice);
  g_assert_cmpstr (body, ==, "Scope: cost centre Field Ops");

  g_clear_pointer (&body, g_free);
  g_clear_pointer (&notice->scope, g_free);
  body = tg_alert_notice_dup_body (notice);
  g_assert_cmpstr (body, ==, "");

  /* A scope that is nothing once cleaned is none (found by fuzz-alert-text: the body
   * was "Scope: " with a space at its end).
   */
  for (guint i = 0; i < 3; i++)
    {
      const char *blank[] = { "  ", "provider:", "user:\t\u202E" };

      g_clear_pointer (&body, g_free);
      g_free (notice->scope);
      notice->scope = g_strdup (blank[i]);
      body = tg_alert_notice_dup_body (notice);
      g_assert_cmpstr (body, ==, "");
    }

  /* A long message is cut to the body's bound. */
  g_clear_pointer (&body, g_free);
  long_message = g_strnfill (5000, 'x');
  notice->message = g_strdup (long_message);
  body = tg_alert_notice_dup_body (notice);
  g_assert_cmpint (g_utf8_strlen (body, -1), ==, TG_ALERT_NOTICE_BODY_MAX);
  g_assert_true (g_str_has_suffix (body, "x…"));
}

static void
test_summary (void)
{
  g_autoptr(TgAlertNotice) notice = notice_new ("budget", "overall", "85",
                                                "Overall spend passed 85 % of the budget");
  g_autofree char *summary = tg_alert_notice_dup_summary (notice);

  g_assert_cmpstr (summary, ==, "Tollgate: Budget threshold passed — Overall spend passed 85 % "
                                "of the budget (alert 42, overall, threshold 85 %)");

  g_clear_pointer (&summary, g_free);
  g_free (notice->kind);
  notice->kind = g_strdup ("new_ip");
  g_free (notice->scope);
  notice->scope = g_strdup ("user:42");
  g_clear_pointer (&notice->threshold, g_free);
  g_free (notice->message);
  notice->message = g_strdup ("User 42 called from\n203.0.113.9 for the first time");
  summary = tg_alert_notice_dup_summary (notice);
  g_assert_cmpstr (summary, ==, "Tollgate: New IP address for user 42 — User 42 called from "
                                "203.0.113.9 for the first time (alert 42, user 42)");

  g_clear_pointer (&summary, g_free);
  g_clear_pointer (&notice->message, g_free);
  g_clear_pointer (&notice->scope, g_free);
  summary = tg_alert_notice_dup_summary (notice);
  g_assert_cmpstr (summary, ==, "Tollgate: New IP address (alert 42)");
}

static void
test_copy (void)
{
  g_autoptr(TgAlertNotice) notice = notice_new ("quota", "provider:here", "90", "m");
  g_autoptr(TgAlertNotice) copy = tg_alert_notice_copy (notice);
  TgAlertNotice in_array = { 0 };
  TgAlertNotice *boxed;

  g_assert_true (copy != notice);
  g_assert_cmpint (copy->id, ==, 42);
  g_assert_cmpstr (copy->kind, ==, "quota");
  g_assert_cmpstr (copy->scope, ==, "provider:here");
  g_assert_cmpstr (copy->threshold, ==, "90");
  g_assert_cmpstr (copy->state, ==, "open");
  g_assert_cmpstr (copy->message, ==, "m");
  g_assert_cmpint (copy->created_at_usec, ==, notice->created_at_usec);
  g_assert_true (copy->kind != notice->kind);

  boxed = g_boxed_copy (TG_TYPE_ALERT_NOTICE, notice);
  g_assert_cmpstr (boxed->message, ==, "m");
  g_boxed_free (TG_TYPE_ALERT_NOTICE, boxed);

  in_array.kind = g_strdup ("budget");
  in_array.message = g_strdup ("m");
  tg_alert_notice_clear (&in_array);
  g_assert_null (in_array.kind);
  g_assert_null (in_array.message);
  tg_alert_notice_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (title_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/alert-notice/title/%u", i);

      g_test_add_data_func (path, &title_cases[i], test_title);
    }
  for (guint i = 0; i < G_N_ELEMENTS (line_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/alert-notice/one-line/%u", i);

      g_test_add_data_func (path, &line_cases[i], test_one_line);
    }
  g_test_add_func ("/tollgate/unit/alert-notice/notification-id", test_notification_id);
  g_test_add_func ("/tollgate/unit/alert-notice/open", test_open);
  g_test_add_func ("/tollgate/unit/alert-notice/threshold", test_threshold);
  g_test_add_func ("/tollgate/unit/alert-notice/body", test_body);
  g_test_add_func ("/tollgate/unit/alert-notice/summary", test_summary);
  g_test_add_func ("/tollgate/unit/alert-notice/copy", test_copy);

  return g_test_run ();
}
