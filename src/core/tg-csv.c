/* tg-csv.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CSV as RFC 4180 writes it and spreadsheets read it: fields separated by commas, records
 * ended by CRLF, a field quoted (and its quotes doubled) when it holds a comma, a quote, a
 * line break or spaces at either end. Figures go in as machine text (tg_money_to_decimal():
 * "1234.50", no grouping), so that a pasted table adds up to the cent.
 *
 * Text from the database (an endpoint, a feature) that a spreadsheet would run as a
 * formula — a field starting with =, +, -, @, a tab or a carriage return that is not a
 * plain number — gets a leading apostrophe, which spreadsheets show as text (OWASP's
 * advice against CSV injection). Numbers, negative ones included, are left alone.
 */

#include "config.h"

#include <string.h>

#include "tg-csv.h"

/* "-12", "-0.50", "+3.25e2": what a spreadsheet reads as a number, not a formula. */
static gboolean
is_plain_number (const char *field)
{
  const char *p = field;
  gboolean digits = FALSE;

  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (digits && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (*p == '-' || *p == '+')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return digits && *p == '\0';
}

static gboolean
looks_like_formula (const char *field)
{
  return strchr ("=+-@\t\r", field[0]) != NULL && field[0] != '\0' && !is_plain_number (field);
}

/**
 * tg_csv_append_field:
 * @out: the text so far
 * @field: (nullable): one field; %NULL is an empty one
 *
 * Appends @field, quoted when it must be, without a separator.
 */
void
tg_csv_append_field (GString    *out,
                     const char *field)
{
  gboolean formula;
  gboolean quote;
  gsize length;

  g_return_if_fail (out != NULL);

  if (field == NULL || *field == '\0')
    return;

  length = strlen (field);
  formula = looks_like_formula (field);
  quote = formula || strpbrk (field, ",\"\r\n") != NULL ||
          field[0] == ' ' || field[length - 1] == ' ';

  if (!quote)
    {
      g_string_append (out, field);
      return;
    }

  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * tg_csv_append_row:
 * @fields: (array length=n_fields): the fields; %NULL ones are empty
 * @n_fields: their number, or -1 when @fields ends with %NULL
 *
 * Appends one record and its CRLF.
 */
void
tg_csv_append_row (GString            *out,
                   const char * const *fields,
                   gssize              n_fields)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (fields != NULL || n_fields == 0);

  if (n_fields < 0)
    n_fields = g_strv_length ((char **)fields);

  for (gssize i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      tg_csv_append_field (out, fields[i]);
    }
  g_string_append (out, "\r\n");
}

/**
 * tg_csv_encode:
 * @header: (array zero-terminated=1): the column names
 * @rows: (element-type GStrv): the records, each as long as @header
 *
 * Returns: (transfer full): the table as CSV, the header first
 */
char *
tg_csv_encode (const char * const *header,
               GPtrArray          *rows)
{
  GString *out;
  gssize n_columns;

  g_return_val_if_fail (header != NULL, NULL);
  g_return_val_if_fail (rows != NULL, NULL);

  out = g_string_new (NULL);
  n_columns = g_strv_length ((char **)header);
  tg_csv_append_row (out, header, n_columns);
  for (guint i = 0; i < rows->len; i++)
    {
      const char * const *row = g_ptr_array_index (rows, i);

      g_return_val_if_fail (g_strv_length ((char **)row) == (guint)n_columns,
                            g_string_free (out, TRUE));
      tg_csv_append_row (out, row, n_columns);
    }

  return g_string_free (out, FALSE);
}
