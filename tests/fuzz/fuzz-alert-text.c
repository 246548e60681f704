/* fuzz-alert-text.c — an alert's notification and chat line from text of the database
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An alert's message, scope and threshold come from the database, parts of them from the
 * platform's rows (an IP address, a user agent). What tg_alert_text_one_line() and the
 * notice's title, body and chat line promise, whatever the bytes: valid UTF-8, within
 * their bounds, one line without control or bidirectional characters, no space at
 * either end or twice in a row, and cleaning again changes nothing.
 */

#include "config.h"

#include <string.h>

#include "tg-alert-notice.h"
#include "tg-fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

static void
assert_clean (const char *text,
              guint       max_chars)
{
  gunichar previous = ' ';

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (text, -1), <=, max_chars);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F));
      g_assert_false (c == 0x061C || c == 0x200E || c == 0x200F ||
                      (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069));
      g_assert_false (g_unichar_isspace (c) && c != ' ');
      g_assert_false (c == ' ' && previous == ' ');
      previous = c;
    }
  g_assert_true (*text == '\0' || previous != ' ');
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const guint bounds[] = { 2, 3, 10, 120, 400 };
  g_autofree char *text = tg_fuzz_dup_string (data, size);
  g_auto(GStrv) fields = NULL;
  g_autoptr(TgAlertNotice) notice = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *threshold = NULL;

  if (text == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      g_autofree char *line = tg_alert_text_one_line (text, bounds[i]);
      g_autofree char *again = tg_alert_text_one_line (line, bounds[i]);

      assert_clean (line, bounds[i]);
      g_assert_cmpstr (again, ==, line);
    }

  /* kind TAB scope TAB threshold TAB message */
  if (tg_fuzz_split (text, '\t', &fields) < 4)
    return 0;
  notice = tg_alert_notice_new (1, fields[0], fields[1], fields[2], "open", fields[3], 0);
  title = tg_alert_notice_dup_title (notice);
  body = tg_alert_notice_dup_body (notice);
  summary = tg_alert_notice_dup_summary (notice);
  threshold = tg_alert_notice_dup_threshold (notice);
  assert_clean (title, TG_ALERT_NOTICE_TITLE_MAX);
  assert_clean (body, TG_ALERT_NOTICE_BODY_MAX);
  assert_clean (summary, 600);
  g_assert_true (threshold == NULL || g_utf8_validate (threshold, -1, NULL));
  g_assert_cmpuint (strlen (title), >, 0);

  return 0;
}
