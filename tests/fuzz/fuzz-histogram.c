/* fuzz-histogram.c — latency histograms as the server sends them
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgate.usage_series() sends each piece's latency histogram as the text of an int8[]
 * ("{3,0,17}"), which tg_usage_series_parse_result() reads in place and adds into the
 * row of its bucket; tg_db_result_dup_int64_array() reads int8[] values in general, as
 * text or in binary. The results here are made with libpq's own PQmakeEmptyPGresult()
 * and PQsetvalue(), as a server would have sent them.
 *
 * The input is one histogram per line; lines go alternately to two buckets, so pieces
 * are added up. What the series parser accepts, the general reader accepts too, with
 * the same counts, and the rows hold their sums; what PostgreSQL would write, the
 * series parser accepts. The general reader also reads every line as text, and the
 * whole input as a binary int8[] value.
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "tg-db-result.h"
#include "tg-db-util.h"
#include "tg-fuzz.h"
#include "tg-usage-queries.h"

#define MAX_PIECES 64
#define N_SERIES_COLUMNS 15
#define LATENCY_COLUMN 14

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

/* A result of one int8[] column (binary when @binary) whose rows hold @values, or the
 * @length bytes at @bytes when @values is NULL.
 */
static TgDbResult *
make_array_result (char         **values,
                   gsize          n_values,
                   const guint8  *bytes,
                   gsize          length,
                   gboolean       binary)
{
  PGresult *result = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
  PGresAttDesc column = {
    .name = (char *)"latency", .format = binary ? 1 : 0, .typid = 1016, .typlen = -1,
    .atttypmod = -1,
  };

  g_assert_true (PQsetResultAttrs (result, 1, &column));
  if (values == NULL)
    g_assert_true (PQsetvalue (result, 0, 0, (char *)bytes, (int)length));
  for (gsize i = 0; values != NULL && i < n_values; i++)
    g_assert_true (PQsetvalue (result, (int)i, 0, values[i], (int)strlen (values[i])));

  return _tg_db_result_new (result);
}

/* Reads row @row of a result of make_array_result(); a refusal comes with an error. */
static gint64 *
read_array (TgDbResult  *result,
            int          row,
            gsize       *n_values,
            GError     **error)
{
  gint64 *values = tg_db_result_dup_int64_array (result, row, 0, n_values, error);

  g_assert_true ((values == NULL) == (error != NULL && *error != NULL));
  return values;
}

/* A result of tollgate.usage_series() in text format whose pieces carry only their
 * histograms, in buckets 1 and 2 of one group.
 */
static TgDbResult *
make_series_result (char   **latencies,
                    gsize    n_latencies)
{
  PGresult *result = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
  PGresAttDesc columns[N_SERIES_COLUMNS];

  for (guint i = 0; i < N_SERIES_COLUMNS; i++)
    columns[i] = (PGresAttDesc) {
      .name = (char *)"c", .format = 0, .typid = 25, .typlen = -1, .atttypmod = -1,
    };
  g_assert_true (PQsetResultAttrs (result, N_SERIES_COLUMNS, columns));

  for (gsize i = 0; i < n_latencies; i++)
    {
      const char *bucket = i % 2 == 0 ? "1" : "2";

      g_assert_true (PQsetvalue (result, (int)i, 0, (char *)bucket, 1));
      g_assert_true (PQsetvalue (result, (int)i, 1, (char *)"geoscape", 8));
      for (guint col = 2; col < LATENCY_COLUMN; col++)
        g_assert_true (PQsetvalue (result, (int)i, (int)col, NULL, -1));
      g_assert_true (PQsetvalue (result, (int)i, LATENCY_COLUMN, latencies[i],
                                 (int)strlen (latencies[i])));
    }

  return _tg_db_result_new (result);
}

/* Whether @line is an int8[] exactly as PostgreSQL writes one that the series parser
 * must take: no blanks, no NULL, counts not negative, no more of them than buckets.
 */
static gboolean
is_canonical (TgDbResult *general,
              int         row,
              const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) written = g_string_new ("{");
  g_autofree gint64 *counts = NULL;
  gsize n_counts = 0;

  counts = read_array (general, row, &n_counts, &error);
  if (counts == NULL || n_counts > tg_latency_histogram_get_n_buckets ())
    return FALSE;
  for (gsize i = 0; i < n_counts; i++)
    {
      if (counts[i] < 0)
        return FALSE;
      g_string_append_printf (written, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", counts[i]);
    }
  g_string_append_c (written, '}');

  return g_str_equal (written->str, line);
}

/* The series parser took every line: so does the general reader, and each row's
 * histogram is the sum of its lines'.
 */
static void
check_sums (GPtrArray  *rows,
            char      **latencies,
            gsize       n_latencies)
{
  g_autoptr(TgDbResult) general = make_array_result (latencies, n_latencies, NULL, 0, FALSE);
  g_autoptr(TgLatencyHistogram) even = tg_latency_histogram_new ();
  g_autoptr(TgLatencyHistogram) odd = tg_latency_histogram_new ();
  TgLatencyHistogram *expected[2] = { even, odd };

  for (gsize i = 0; i < n_latencies; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gint64 *counts = NULL;
      gsize n_counts = 0;

      counts = read_array (general, (int)i, &n_counts, &error);
      if (counts == NULL)
        g_error ("The series parser took “%s”, the general reader refuses it: %s",
                 latencies[i], error->message);
      g_assert_true (tg_latency_histogram_add_counts (expected[i % 2], counts, n_counts,
                                                      &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (rows->len, ==, MIN (n_latencies, 2));
  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);

      g_assert_true (tg_latency_histogram_equal (row->latency, expected[i]));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const gint64 bounds[] = { 0, 900, 1800 };
  g_autofree char *text = NULL;
  g_autoptr(TgDbResult) series = NULL;
  g_autoptr(TgDbResult) as_text = NULL;
  g_autoptr(TgDbResult) as_binary = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gsize n_lines;

  /* The bytes as a binary int8[], NUL bytes and all. */
  {
    g_autofree gint64 *values = NULL;
    gsize n_values = 0;

    as_binary = make_array_result (NULL, 0, data, size, TRUE);
    values = read_array (as_binary, 0, &n_values, &error);
    g_clear_error (&error);
  }

  text = tg_fuzz_dup_string (data, size);
  if (text == NULL)
    return 0;

  n_lines = tg_fuzz_split (text, '\n', &lines);
  if (n_lines > MAX_PIECES)
    return 0;

  series = make_series_result (lines, n_lines);
  rows = tg_usage_series_parse_result (series, bounds, G_N_ELEMENTS (bounds), &error);
  if (rows != NULL)
    {
      g_assert_no_error (error);
      check_sums (rows, lines, n_lines);
    }
  else
    {
      g_autoptr(TgDbResult) general = make_array_result (lines, n_lines, NULL, 0, FALSE);
      gboolean all_canonical = TRUE;

      /* Unreadable text is the parser's error, too many buckets the histogram's. */
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, TG_DB_ERROR, TG_DB_ERROR_QUERY) ||
                     error->domain == TG_LATENCY_HISTOGRAM_ERROR);
      for (gsize i = 0; i < n_lines && all_canonical; i++)
        all_canonical = is_canonical (general, (int)i, lines[i]);
      if (all_canonical)
        g_error ("The series parser refused histograms as PostgreSQL writes them: %s",
                 error->message);
    }

  /* Each line as the text of an int8[] in general, refused or not. */
  as_text = make_array_result (lines, n_lines, NULL, 0, FALSE);
  for (gsize i = 0; i < n_lines; i++)
    {
      g_autoptr(GError) text_error = NULL;
      g_autofree gint64 *values = NULL;
      gsize n_values = 0;

      values = read_array (as_text, (int)i, &n_values, &text_error);
    }

  return 0;
}
