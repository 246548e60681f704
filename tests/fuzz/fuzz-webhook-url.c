/* fuzz-webhook-url.c — the webhook URL a user pastes into Preferences
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_webhook_check_url() takes what the user pasted. What it promises: it accepts only
 * http(s) URLs with a host, without white space or control characters, within
 * TG_WEBHOOK_URL_MAX bytes; the host it gives is part of the URL; and a refusal says
 * why without quoting the URL (it carries a token).
 */

#include "config.h"

#include <string.h>

#include "tg-fuzz.h"
#include "tg-webhook.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *url = tg_fuzz_dup_string (data, size);
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;

  if (url == NULL)
    return 0;

  if (tg_webhook_check_url (url, &host, &error))
    {
      g_assert_no_error (error);
      g_assert_true (g_ascii_strncasecmp (url, "http://", 7) == 0 ||
                     g_ascii_strncasecmp (url, "https://", 8) == 0);
      g_assert_cmpuint (strlen (url), <=, TG_WEBHOOK_URL_MAX);
      for (const char *p = url; *p != '\0'; p++)
        g_assert_true ((guchar)*p > 0x20 && (guchar)*p != 0x7F);
      g_assert_nonnull (host);
      g_assert_cmpuint (strlen (host), >, 0);
      return 0;
    }

  g_assert_error (error, TG_WEBHOOK_ERROR, TG_WEBHOOK_ERROR_INVALID_URL);
  g_assert_null (host);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  /* Long enough not to be a word of the message by chance. */
  if (strlen (url) >= 12)
    g_assert_null (strstr (error->message, url));

  return 0;
}
