/* test-ctl-table.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-ctl-table.h"

/* A label longer than any other widens its own column; the numbers after it stay lined
 * up on their last digit.
 */
static void
test_long_label (void)
{
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
  g_autofree char *text = NULL;

  tg_ctl_table_add_column (table, "start / group", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "calls", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "cost", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_row (table, "2026-11-01T00:00 here", "7", "0.10", NULL);
  tg_ctl_table_add_row (table, "2026-11-01T00:00 smarty_streets", "1,247", "124.70", NULL);
  tg_ctl_table_add_row (table, "total", "1,254", "124.80", NULL);
  text = tg_ctl_table_to_string (table);

  g_assert_cmpstr (text, ==,
                   "start / group                    calls    cost\n"
                   "2026-11-01T00:00 here                7    0.10\n"
                   "2026-11-01T00:00 smarty_streets  1,247  124.70\n"
                   "total                            1,254  124.80\n");
  g_assert_cmpuint (tg_ctl_table_get_n_rows (table), ==, 3);
}

/* Widths are characters on the terminal, not bytes: "–" is three bytes and one column,
 * "東京" two characters and four columns.
 */
static void
test_utf8_widths (void)
{
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (2);
  g_autofree char *text = NULL;

  g_assert_cmpuint (tg_ctl_text_width ("–"), ==, 1);
  g_assert_cmpuint (tg_ctl_text_width ("Zoë"), ==, 3);
  g_assert_cmpuint (tg_ctl_text_width ("Zoe\xcc\x88"), ==, 3);   /* e and a combining diaeresis */
  g_assert_cmpuint (tg_ctl_text_width ("東京"), ==, 4);
  g_assert_cmpuint (tg_ctl_text_width (""), ==, 0);

  tg_ctl_table_add_column (table, "provider", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "p50 ms", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "note", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_row (table, "Postes Canada – Québec", "–", "", NULL);
  tg_ctl_table_add_row (table, "東京", "120", "ok", NULL);
  text = tg_ctl_table_to_string (table);

  g_assert_cmpstr (text, ==,
                   "  provider                p50 ms  note\n"
                   "  Postes Canada – Québec       –\n"
                   "  東京                       120  ok\n");
}

/* No rows: the heading alone. No columns: nothing. No titles: no heading line. */
static void
test_empty (void)
{
  g_autoptr(TgCtlTable) bare = tg_ctl_table_new (0);
  g_autoptr(TgCtlTable) headed = tg_ctl_table_new (0);
  g_autoptr(TgCtlTable) untitled = tg_ctl_table_new (1);
  g_autofree char *bare_text = NULL;
  g_autofree char *headed_text = NULL;
  g_autofree char *untitled_text = NULL;

  bare_text = tg_ctl_table_to_string (bare);
  g_assert_cmpstr (bare_text, ==, "");

  tg_ctl_table_add_column (headed, "provider", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (headed, "calls", TG_CTL_ALIGN_RIGHT);
  headed_text = tg_ctl_table_to_string (headed);
  g_assert_cmpstr (headed_text, ==, "provider  calls\n");
  g_assert_cmpuint (tg_ctl_table_get_n_rows (headed), ==, 0);

  tg_ctl_table_add_column (untitled, NULL, TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (untitled, NULL, TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_row (untitled, "1", "one", NULL);
  tg_ctl_table_add_row (untitled, "10", "ten", NULL);
  untitled_text = tg_ctl_table_to_string (untitled);
  g_assert_cmpstr (untitled_text, ==, "  1  one\n 10  ten\n");
}

/* Text from the database reaches the terminal only through the table: what a terminal
 * would act on (an ESC sequence that retitles it or clears a line, a carriage return that
 * draws over the row, a right-to-left override) is written out, and the columns stay in
 * line with the escaped text.
 */
static void
test_escaped_cells (void)
{
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
  g_autofree char *text = NULL;

  tg_ctl_table_add_column (table, "endpoint", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "calls", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_row (table, "/v1/\033]0;pwned\007geo", "1", NULL);
  tg_ctl_table_add_row (table, "/v1/a\r\033[2Ktotal   9,999", "2", NULL);
  tg_ctl_table_add_row (table, "/v1/\xe2\x80\xae" "edoc", "3", NULL);
  text = tg_ctl_table_to_string (table);

  g_assert_cmpstr (text, ==,
                   "endpoint                     calls\n"
                   "/v1/\\x1B]0;pwned\\x07geo          1\n"
                   "/v1/a\\r\\x1B[2Ktotal   9,999      2\n"
                   "/v1/\\u202Eedoc                   3\n");
  g_assert_null (strchr (text, '\033'));
}

typedef struct
{
  const char *text;
  const char *escaped;
} EscapeCase;

static const EscapeCase escape_cases[] = {
  { "/v1/geocode", "/v1/geocode" },
  { "Postes Canada – Québec 東京", "Postes Canada – Québec 東京" },
  { "", "" },
  { "a\tb\nc\rd", "a\\tb\\nc\\rd" },
  { "\001\037\177", "\\x01\\x1F\\x7F" },
  { "\033[31mred\033[0m", "\\x1B[31mred\\x1B[0m" },
  { "c1 \xc2\x9b" "2J \xc2\x85", "c1 \\u009B2J \\u0085" },       /* CSI and NEL */
  { "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae",
    "\\u202A\\u202B\\u202C\\u202D\\u202E" },
  { "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069" },
  { "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200E\\u200F\\u061C" },
  { "back\\slash \\x1B", "back\\\\slash \\\\x1B" },   /* not taken for an escape */
  { "bad \xff\xfe utf-8 \xc3", "bad \\xFF\\xFE utf-8 \\xC3" },
  { NULL, "" },
};

static void
test_escape (gconstpointer data)
{
  const EscapeCase *c = data;
  g_autofree char *escaped = tg_ctl_text_escape (c->text);

  g_assert_cmpstr (escaped, ==, c->escaped);
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/unit/ctl-table/layout/long-label", test_long_label);
  g_test_add_func ("/tollgate/unit/ctl-table/layout/utf8-widths", test_utf8_widths);
  g_test_add_func ("/tollgate/unit/ctl-table/layout/empty", test_empty);
  g_test_add_func ("/tollgate/unit/ctl-table/escaped-cells", test_escaped_cells);
  for (guint i = 0; i < G_N_ELEMENTS (escape_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/ctl-table/escape/%u", i);

      g_test_add_data_func (path, &escape_cases[i], test_escape);
    }

  return g_test_run ();
}
