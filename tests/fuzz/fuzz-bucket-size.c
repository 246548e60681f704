/* fuzz-bucket-size.c — `--bucket 15min|hour|day|week|month` and `--group-by`
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tg_bucket_size_parse() accepts exactly the names tg_bucket_size_to_string() writes,
 * tg_usage_group_by_parse() those tg_usage_group_by_to_string() writes in any case and
 * with '-' for '_' ("request-type").
 */

#include "config.h"

#include "tg-fuzz.h"
#include "tg-time-bucket.h"
#include "tg-usage.h"

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
  g_autofree char *text = tg_fuzz_dup_string (data, size);
  g_autoptr(GError) error = NULL;
  TgBucketSize bucket;
  TgUsageGroupBy group_by;

  if (text == NULL)
    return 0;

  if (tg_usage_group_by_parse (text, &group_by))
    {
      g_autofree char *name = g_strdelimit (g_ascii_strdown (text, -1), "-", '_');

      g_assert_cmpstr (tg_usage_group_by_to_string (group_by), ==, name);
    }

  if (tg_bucket_size_parse (text, &bucket, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpstr (tg_bucket_size_to_string (bucket), ==, text);
    }
  else
    {
      g_assert_error (error, TG_TIME_BUCKET_ERROR, TG_TIME_BUCKET_ERROR_INVALID_SIZE);
    }

  return 0;
}
