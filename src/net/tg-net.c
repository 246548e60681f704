/* tg-net.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The networking layer's process-wide state. HTTP clients and provider probes (later
 * issues) run libcurl multi handles on a GLib main context; they all call tg_net_init()
 * first.
 */

#include "config.h"

#include <curl/curl.h>

#include "tg-net.h"

static gpointer
tg_net_init_once (gpointer data)
{
  CURLcode code;

  /* curl_global_init() is not thread-safe in libcurl 7.88 and must run before any other
   * libcurl call in the process; GOnce runs it exactly once, whichever thread is first.
   */
  code = curl_global_init (CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK)
    g_warning ("Could not initialise libcurl: %s", curl_easy_strerror (code));

  return GINT_TO_POINTER (code == CURLE_OK);
}

/**
 * tg_net_init:
 *
 * Initialises libcurl for the whole process. Safe to call from any thread, any number
 * of times; only the first call does the work. libcurl is never deinitialised: other
 * threads may still hold handles when the process exits.
 */
void
tg_net_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, tg_net_init_once, NULL);
}

/**
 * tg_net_get_curl_version:
 *
 * Returns: the libcurl version string with its TLS and compression libraries,
 *   such as "libcurl/7.88.1 OpenSSL/3.0.11 zlib/1.2.13", for the About window
 */
const char *
tg_net_get_curl_version (void)
{
  tg_net_init ();

  return curl_version ();
}
