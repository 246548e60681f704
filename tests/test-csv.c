/* test-csv.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-csv.h"

typedef struct
{
  const char *field;
  const char *csv;
} FieldCase;

static const FieldCase field_cases[] = {
  { "", "" },
  { "geoscape", "geoscape" },
  { "1234.50", "1234.50" },
  { "-12.50", "-12.50" },               /* a negative amount is a number, not a formula */
  { "+3.25e2", "+3.25e2" },
  { "a,b", "\"a,b\"" },
  { "say \"hi\"", "\"say \"\"hi\"\"\"" },
  { "\"", "\"\"\"\"" },
  { "two\nlines", "\"two\nlines\"" },
  { "cr\rlf", "\"cr\rlf\"" },
  { " padded", "\" padded\"" },
  { "padded ", "\"padded \"" },
  { "in side", "in side" },
  { "Zoë — Café", "Zoë — Café" },
  { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
  { "@SUM(A1)", "\"'@SUM(A1)\"" },
  { "-2+3", "\"'-2+3\"" },
  { "+cmd", "\"'+cmd\"" },
  { "\tx", "\"'\tx\"" },
  { "-", "\"'-\"" },
};

static void
test_field (gconstpointer data)
{
  const FieldCase *c = data;
  g_autoptr(GString) out = g_string_new (NULL);

  tg_csv_append_field (out, c->field);
  g_assert_cmpstr (out->str, ==, c->csv);
}

static void
test_rows (void)
{
  const char * const header[] = { "Group", "Cost, AUD", "Change", NULL };
  const char * const row1[] = { "checkout.address", "1234.50", "+12.5", NULL };
  const char * const row2[] = { "say \"hi\"", "-0.000003", "", NULL };
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *csv = NULL;
  const char * const with_null[] = { "a", NULL, "c" };

  g_ptr_array_add (rows, (gpointer)row1);
  g_ptr_array_add (rows, (gpointer)row2);
  csv = tg_csv_encode (header, rows);
  g_assert_cmpstr (csv, ==,
                   "Group,\"Cost, AUD\",Change\r\n"
                   "checkout.address,1234.50,+12.5\r\n"
                   "\"say \"\"hi\"\"\",-0.000003,\r\n");

  /* A NULL field is an empty one; an empty table is its header. */
  tg_csv_append_row (out, with_null, 3);
  g_assert_cmpstr (out->str, ==, "a,,c\r\n");
  g_clear_pointer (&csv, g_free);
  g_ptr_array_set_size (rows, 0);
  csv = tg_csv_encode (header, rows);
  g_assert_cmpstr (csv, ==, "Group,\"Cost, AUD\",Change\r\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/csv/field/%u", i);

      g_test_add_data_func (path, &field_cases[i], test_field);
    }
  g_test_add_func ("/tollgate/unit/csv/rows", test_rows);

  return g_test_run ();
}
