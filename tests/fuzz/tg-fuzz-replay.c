/* tg-fuzz-replay.c — runs a fuzz target over files, without libFuzzer
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The unit suite's "fuzz-NAME" tests: each file of the seed corpus, the inputs that once
 * broke the target among them, goes through LLVMFuzzerTestOneInput() as libFuzzer would
 * pass it. A target reports a broken property by aborting, so the exit status says it.
 */

#include "config.h"

#include "tg-fuzz.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
replay_path (const char *path,
             guint      *n_inputs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* Sorted, so that a failure names the same input on every machine. */
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        replay_path (g_ptr_array_index (names, i), n_inputs);
      return;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  g_printerr ("%s\n", path);
  LLVMFuzzerTestOneInput ((const guint8 *)contents, length);
  (*n_inputs)++;
}

int
main (int    argc,
      char **argv)
{
  guint n_inputs = 0;

  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    replay_path (argv[i], &n_inputs);

  if (n_inputs == 0)
    g_error ("No input to replay");
  g_print ("%u inputs replayed\n", n_inputs);
  return 0;
}
