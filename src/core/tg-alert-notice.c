/* tg-alert-notice.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An alert as it is announced (docs/architecture.md, "Alert delivery"): the title and
 * body of its desktop notification, the notification's id, and the one line a chat tool
 * shows. No I/O: the notifier (src/service/tg-alert-notifier.c) decides which alerts to
 * announce, the app sends the notification, the webhook posts the line.
 *
 * An alert's message, scope and threshold come from the database, and some of their
 * parts from the platform's rows (an IP address, a user agent), so they are cleaned
 * before they reach a notification server or a chat: invalid UTF-8 is replaced, control
 * characters and line breaks become spaces, bidirectional overrides and isolates are
 * dropped (they would turn the rest of a line round), and the text is cut to a bounded
 * length.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tg-alert-notice.h"

/* How much of a user id or scope name goes into a title. */
#define NAME_MAX_CHARS    40
#define SUMMARY_MAX_CHARS 600

G_DEFINE_BOXED_TYPE (TgAlertNotice, tg_alert_notice, tg_alert_notice_copy, tg_alert_notice_free)

/**
 * tg_alert_notice_new:
 *
 * Returns: (transfer full): a notice holding copies of the strings
 */
TgAlertNotice *
tg_alert_notice_new (gint64      id,
                     const char *kind,
                     const char *scope,
                     const char *threshold,
                     const char *state,
                     const char *message,
                     gint64      created_at_usec)
{
  TgAlertNotice *notice = g_new0 (TgAlertNotice, 1);

  notice->id = id;
  notice->kind = g_strdup (kind);
  notice->scope = g_strdup (scope);
  notice->threshold = g_strdup (threshold);
  notice->state = g_strdup (state);
  notice->message = g_strdup (message);
  notice->created_at_usec = created_at_usec;

  return notice;
}

TgAlertNotice *
tg_alert_notice_copy (const TgAlertNotice *notice)
{
  g_return_val_if_fail (notice != NULL, NULL);

  return tg_alert_notice_new (notice->id, notice->kind, notice->scope, notice->threshold,
                              notice->state, notice->message, notice->created_at_usec);
}

/**
 * tg_alert_notice_clear:
 *
 * Frees the strings of a notice that is not itself allocated (one of an array).
 */
void
tg_alert_notice_clear (TgAlertNotice *notice)
{
  g_return_if_fail (notice != NULL);

  g_clear_pointer (&notice->kind, g_free);
  g_clear_pointer (&notice->scope, g_free);
  g_clear_pointer (&notice->threshold, g_free);
  g_clear_pointer (&notice->state, g_free);
  g_clear_pointer (&notice->message, g_free);
}

void
tg_alert_notice_free (TgAlertNotice *notice)
{
  if (notice == NULL)
    return;

  tg_alert_notice_clear (notice);
  g_free (notice);
}

/**
 * tg_alert_notice_is_open:
 *
 * Returns: whether the alert is open, the only state that is announced
 */
gboolean
tg_alert_notice_is_open (const TgAlertNotice *notice)
{
  g_return_val_if_fail (notice != NULL, FALSE);

  return g_strcmp0 (notice->state, TG_ALERT_NOTICE_STATE_OPEN) == 0;
}

/**
 * tg_alert_notice_dup_notification_id:
 *
 * The id the notification is sent under: "alert-42". Sending another notification
 * under the same id replaces the first on the desktop instead of adding a second.
 *
 * Returns: (transfer full): the id
 */
char *
tg_alert_notice_dup_notification_id (const TgAlertNotice *notice)
{
  g_return_val_if_fail (notice != NULL, NULL);

  return g_strdup_printf ("alert-%" G_GINT64_FORMAT, notice->id);
}

/* Characters that reorder the text around them: the bidirectional marks, embeddings,
 * overrides and isolates.
 */
static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/**
 * tg_alert_text_one_line:
 * @text: (nullable): text from the database, in any encoding
 * @max_chars: the most characters the result may have, 2 or more
 *
 * Makes @text fit for a notification or a chat line: invalid UTF-8 replaced with
 * U+FFFD, control characters (C0, DEL, C1: line breaks and tabs too) and runs of white
 * space turned into one space, bidirectional controls dropped, the ends trimmed, and
 * the text cut to @max_chars characters, the last of them an ellipsis when it was cut.
 *
 * Returns: (transfer full): the text on one line ("" for %NULL)
 */
char *
tg_alert_text_one_line (const char *text,
                        guint       max_chars)
{
  g_autofree char *valid = NULL;
  GString *line;
  gboolean pending_space = FALSE;
  const char *cut;

  g_return_val_if_fail (max_chars >= 2, NULL);

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  line = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_bidi_control (c))
        continue;

      if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || g_unichar_isspace (c))
        {
          pending_space = line->len > 0;
          continue;
        }

      if (pending_space)
        g_string_append_c (line, ' ');
      pending_space = FALSE;
      g_string_append_unichar (line, c);
    }

  if (g_utf8_strlen (line->str, -1) <= (glong)max_chars)
    return g_string_free (line, FALSE);

  /* Room for the ellipsis, and no space before it. */
  cut = g_utf8_offset_to_pointer (line->str, max_chars - 1);
  g_string_truncate (line, cut - line->str);
  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);
  g_string_append (line, "…");

  return g_string_free (line, FALSE);
}

/* Whether @text is a plain decimal number, as a percentage threshold is written. */
static gboolean
is_plain_number (const char *text)
{
  gboolean digits = FALSE;
  gboolean point = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits = TRUE;
      else if (*p == '.' && !point)
        point = TRUE;
      else
        return FALSE;
    }

  return digits;
}

/**
 * tg_alert_notice_dup_threshold:
 *
 * The threshold as people read it: "85 %" for a percentage ('85'), an amount as it is
 * ("1200.00 AUD").
 *
 * Returns: (transfer full) (nullable): the threshold, or %NULL when the alert's kind
 *   has none
 */
char *
tg_alert_notice_dup_threshold (const TgAlertNotice *notice)
{
  g_autofree char *threshold = NULL;

  g_return_val_if_fail (notice != NULL, NULL);

  threshold = tg_alert_text_one_line (notice->threshold, NAME_MAX_CHARS);
  if (*threshold == '\0')
    return NULL;

  if (is_plain_number (threshold))
    /* TRANSLATORS: a threshold in percent of a budget or quota, such as "85 %" */
    return g_strdup_printf (_("%s %%"), threshold);

  return g_steal_pointer (&threshold);
}

/* The part of @scope after "@prefix:", cleaned, or NULL when @scope is not of @prefix. */
static char *
scope_name (const char *scope,
            const char *prefix)
{
  gsize length = strlen (prefix);

  if (scope == NULL || strncmp (scope, prefix, length) != 0 || scope[length] != ':')
    return NULL;

  return tg_alert_text_one_line (scope + length + 1, NAME_MAX_CHARS);
}

/* The scope as a phrase: "overall", "provider geoscape", "user 42"; NULL for none (a
 * scope, or the name after its prefix, that is nothing once cleaned).
 */
static char *
describe_scope (const char *scope)
{
  static const char * const prefixes[] = { "provider", "cost-centre", "feature", "user" };
  g_autofree char *name = NULL;
  guint kind;

  if (scope == NULL)
    return NULL;

  if (g_str_equal (scope, "overall"))
    return g_strdup (_("overall"));

  for (kind = 0; kind < G_N_ELEMENTS (prefixes); kind++)
    if ((name = scope_name (scope, prefixes[kind])) != NULL)
      break;

  if (name == NULL)
    {
      name = tg_alert_text_one_line (scope, NAME_MAX_CHARS);
      if (*name == '\0')
        return NULL;
      return g_steal_pointer (&name);
    }

  if (*name == '\0')
    return NULL;

  switch (kind)
    {
    case 0:
      /* TRANSLATORS: an alert's scope; %s is a provider such as "geoscape" */
      return g_strdup_printf (_("provider %s"), name);

    case 1:
      /* TRANSLATORS: an alert's scope; %s is a cost centre */
      return g_strdup_printf (_("cost centre %s"), name);

    case 2:
      /* TRANSLATORS: an alert's scope; %s is a feature of the platform */
      return g_strdup_printf (_("feature %s"), name);

    default:
      /* TRANSLATORS: an alert's scope; %s is a user id */
      return g_strdup_printf (_("user %s"), name);
    }
}

/**
 * tg_alert_notice_dup_title:
 *
 * The notification's title, by kind: "Budget threshold passed", "Unusual call
 * frequency", "New IP address for user 42", "Provider error spike".
 *
 * Returns: (transfer full): the title
 */
char *
tg_alert_notice_dup_title (const TgAlertNotice *notice)
{
  g_autofree char *user = NULL;
  g_autofree char *title = NULL;
  const char *kind;

  g_return_val_if_fail (notice != NULL, NULL);

  kind = notice->kind != NULL ? notice->kind : "";
  user = scope_name (notice->scope, "user");
  if (user != NULL && *user == '\0')
    g_clear_pointer (&user, g_free);

  if (g_str_equal (kind, "budget"))
    title = g_strdup (_("Budget threshold passed"));
  else if (g_str_equal (kind, "forecast"))
    title = g_strdup (_("Forecast above budget"));
  else if (g_str_equal (kind, "quota"))
    title = g_strdup (_("Quota threshold passed"));
  else if (g_str_equal (kind, "user_frequency"))
    title = g_strdup (_("Unusual call frequency"));
  else if (g_str_equal (kind, "new_ip") && user != NULL)
    /* TRANSLATORS: %s is the platform's id of a user, such as "42" */
    title = g_strdup_printf (_("New IP address for user %s"), user);
  else if (g_str_equal (kind, "new_ip"))
    title = g_strdup (_("New IP address"));
  else if (g_str_equal (kind, "new_user_agent") && user != NULL)
    /* TRANSLATORS: %s is the platform's id of a user, such as "42" */
    title = g_strdup_printf (_("New user agent for user %s"), user);
  else if (g_str_equal (kind, "new_user_agent"))
    title = g_strdup (_("New user agent"));
  else if (g_str_equal (kind, "provider_errors"))
    title = g_strdup (_("Provider error spike"));
  else if (g_str_equal (kind, "provider_timeouts"))
    title = g_strdup (_("Provider timeout spike"));
  else
    title = g_strdup (_("Tollgate alert"));

  return tg_alert_text_one_line (title, TG_ALERT_NOTICE_TITLE_MAX);
}

/**
 * tg_alert_notice_dup_body:
 *
 * The notification's body: the alert's message on one line, or, for an alert without
 * one, its scope and threshold.
 *
 * Returns: (transfer full): the body
 */
char *
tg_alert_notice_dup_body (const TgAlertNotice *notice)
{
  g_autofree char *message = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *threshold = NULL;

  g_return_val_if_fail (notice != NULL, NULL);

  message = tg_alert_text_one_line (notice->message, TG_ALERT_NOTICE_BODY_MAX);
  if (*message != '\0')
    return g_steal_pointer (&message);

  scope = describe_scope (notice->scope);
  threshold = tg_alert_notice_dup_threshold (notice);
  if (scope != NULL && threshold != NULL)
    /* TRANSLATORS: an alert without a message: its scope ("provider geoscape") and
     * threshold ("85 %")
     */
    return g_strdup_printf (_("Scope: %s; threshold: %s"), scope, threshold);
  if (scope != NULL)
    /* TRANSLATORS: an alert without a message: its scope ("provider geoscape") */
    return g_strdup_printf (_("Scope: %s"), scope);

  return g_strdup ("");
}

/**
 * tg_alert_notice_dup_summary:
 *
 * The one line a chat tool shows for the alert (the webhook's "text"): "Tollgate:
 * Budget threshold passed — Spend passed 85 % of the budget (alert 42, overall,
 * threshold 85 %)". Plain text: a channel that reads markup escapes it itself.
 *
 * Returns: (transfer full): the line
 */
char *
tg_alert_notice_dup_summary (const TgAlertNotice *notice)
{
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *threshold = NULL;
  g_autofree char *details = NULL;
  g_autofree char *line = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (notice != NULL, NULL);

  title = tg_alert_notice_dup_title (notice);
  message = tg_alert_text_one_line (notice->message, TG_ALERT_NOTICE_BODY_MAX);
  scope = describe_scope (notice->scope);
  threshold = tg_alert_notice_dup_threshold (notice);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, notice->id);
  if (scope != NULL && threshold != NULL)
    /* TRANSLATORS: after an alert's title in a chat message: its id, scope
     * ("provider geoscape") and threshold ("85 %")
     */
    details = g_strdup_printf (_("alert %s, %s, threshold %s"), id, scope, threshold);
  else if (scope != NULL)
    /* TRANSLATORS: after an alert's title in a chat message: its id and scope */
    details = g_strdup_printf (_("alert %s, %s"), id, scope);
  else
    /* TRANSLATORS: after an alert's title in a chat message: its id */
    details = g_strdup_printf (_("alert %s"), id);

  if (*message != '\0')
    /* TRANSLATORS: a chat message: the alert's title, its message and its details */
    line = g_strdup_printf (_("Tollgate: %s — %s (%s)"), title, message, details);
  else
    /* TRANSLATORS: a chat message: the alert's title and its details */
    line = g_strdup_printf (_("Tollgate: %s (%s)"), title, details);

  return tg_alert_text_one_line (line, SUMMARY_MAX_CHARS);
}
