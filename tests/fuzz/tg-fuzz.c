/* tg-fuzz.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-fuzz.h"

/* Criticals and warnings abort: a g_return_if_fail() that fails is a bug the input
 * found, as much as a crash, and aborting makes libFuzzer keep the input.
 */
void
tg_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* The input as a C string, or NULL when it holds a NUL byte: the parsers take C strings,
 * and an input cut at its first NUL would only repeat a shorter one.
 */
char *
tg_fuzz_dup_string (const guint8 *data,
                    size_t        size)
{
  if (memchr (data, '\0', size) != NULL)
    return NULL;

  return g_strndup ((const char *)data, size);
}

/* Splits @text at @separator, keeping empty pieces.
 *
 * Returns: the number of pieces in @pieces (free with g_strfreev())
 */
gsize
tg_fuzz_split (const char   *text,
               char          separator,
               char       ***pieces)
{
  const char separators[2] = { separator, '\0' };

  *pieces = g_strsplit (text, separators, -1);
  return g_strv_length (*pieces);
}
