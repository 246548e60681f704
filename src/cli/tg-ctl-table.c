/* tg-ctl-table.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every column is as wide as its widest cell, title included, so that a long label
 * ("2026-11-01T00:00 smarty_streets") widens its own column instead of pushing the rest of
 * its row out of line. Widths are what a terminal shows, not bytes: "–" or "Zoë" take one
 * column a character, and East Asian wide characters two. Numbers are right-aligned so
 * that their digits line up; text is left-aligned; nothing trails a line.
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "tg-ctl-table.h"

#define COLUMN_GAP 2

typedef struct
{
  char       *title;
  TgCtlAlign  align;
} Column;

struct _TgCtlTable
{
  guint      indent;
  GArray    *columns;    /* of Column */
  GPtrArray *rows;       /* of GStrv, one cell a column */
};

static void
column_clear (gpointer data)
{
  Column *column = data;

  g_free (column->title);
}

/**
 * tg_ctl_table_new:
 * @indent: spaces before every line
 *
 * Returns: (transfer full): a table without columns; add them, then rows
 */
TgCtlTable *
tg_ctl_table_new (guint indent)
{
  TgCtlTable *self = g_new0 (TgCtlTable, 1);

  self->indent = indent;
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, column_clear);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  return self;
}

void
tg_ctl_table_free (TgCtlTable *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->columns);
  g_ptr_array_unref (self->rows);
  g_free (self);
}

/**
 * tg_ctl_table_add_column:
 * @title: the heading; the table has a heading line when any column has one
 */
void
tg_ctl_table_add_column (TgCtlTable *self,
                         const char *title,
                         TgCtlAlign  align)
{
  Column column = { tg_ctl_text_escape (title != NULL ? title : ""), align };

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->rows->len == 0);

  g_array_append_val (self->columns, column);
}

/**
 * tg_ctl_table_add_rowv:
 * @cells: one text a column, as it came (tg_ctl_text_escape() makes it safe to print)
 */
void
tg_ctl_table_add_rowv (TgCtlTable         *self,
                       const char * const *cells)
{
  char **row;
  guint n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cells != NULL);
  g_return_if_fail (g_strv_length ((char **)cells) == self->columns->len);

  n = self->columns->len;
  row = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    row[i] = tg_ctl_text_escape (cells[i]);
  g_ptr_array_add (self->rows, row);
}

/**
 * tg_ctl_table_add_row:
 * @first_cell: the first of one text a column, then %NULL
 */
void
tg_ctl_table_add_row (TgCtlTable *self,
                      const char *first_cell,
                      ...)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  va_list args;

  va_start (args, first_cell);
  for (const char *cell = first_cell; cell != NULL; cell = va_arg (args, const char *))
    g_ptr_array_add (cells, (gpointer)cell);
  va_end (args);
  g_ptr_array_add (cells, NULL);

  tg_ctl_table_add_rowv (self, (const char * const *)cells->pdata);
}

guint
tg_ctl_table_get_n_rows (TgCtlTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows->len;
}

/**
 * tg_ctl_text_width:
 * @text: UTF-8
 *
 * Returns: the columns @text takes on a terminal: one a character, two for a wide one,
 *   none for a combining mark
 */
guint
tg_ctl_text_width (const char *text)
{
  guint width = 0;

  g_return_val_if_fail (text != NULL, 0);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

/* Characters that steer the terminal or the direction of text rather than show: C1
 * controls, and the marks, embeddings, overrides and isolates of bidirectional text, which
 * can make a cell read backwards or run its text into the next column.
 */
static gboolean
is_steering (gunichar c)
{
  return (c >= 0x80 && c <= 0x9f) ||
         c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

/**
 * tg_ctl_text_escape:
 * @text: (nullable): text to print, from the database or any other outside source; not
 *   necessarily valid UTF-8
 *
 * Every text output of tollgatectl goes through this, so that text from the database can
 * never act on the terminal (an ESC sequence retitles it, moves the cursor or draws a
 * table line of its own; a right-to-left override turns a cell around). What a terminal
 * would act on is written out instead: C0 controls and DEL as "\xNN" (tab, newline and
 * return as "\t", "\n", "\r"), bytes that are not UTF-8 as "\xNN", C1 controls and
 * the controls of bidirectional text as "\u202E", and the backslash as "\\", so that
 * the escaped text tells them apart from text that looks like an escape. JSON output does
 * not use it: json-glib escapes what JSON must, and the value stays exact.
 *
 * Returns: (transfer full): the text to print, valid UTF-8; "" for %NULL
 */
char *
tg_ctl_text_escape (const char *text)
{
  GString *escaped;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  escaped = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      guchar byte = (guchar)*p;

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_string_append_printf (escaped, "\\x%02X", byte);
          p++;
          continue;
        }

      if (c == '\\')
        g_string_append (escaped, "\\\\");
      else if (c == '\t')
        g_string_append (escaped, "\\t");
      else if (c == '\n')
        g_string_append (escaped, "\\n");
      else if (c == '\r')
        g_string_append (escaped, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (escaped, "\\x%02X", (guint)c);
      else if (is_steering (c))
        g_string_append_printf (escaped, "\\u%04X", (guint)c);
      else
        g_string_append_len (escaped, p, g_utf8_next_char (p) - p);

      p = g_utf8_next_char (p);
    }

  return g_string_free (escaped, FALSE);
}

static void
append_line (TgCtlTable         *self,
             GString            *text,
             const guint        *widths,
             const char * const *cells)
{
  guint n_columns = self->columns->len;
  gsize start = text->len;
  gsize end;

  g_string_append_printf (text, "%*s", (int)self->indent, "");
  for (guint i = 0; i < n_columns; i++)
    {
      const Column *column = &g_array_index (self->columns, Column, i);
      guint padding = widths[i] - tg_ctl_text_width (cells[i]);

      if (i > 0)
        g_string_append_printf (text, "%*s", COLUMN_GAP, "");
      if (column->align == TG_CTL_ALIGN_RIGHT)
        g_string_append_printf (text, "%*s", (int)padding, "");
      g_string_append (text, cells[i]);
      if (column->align == TG_CTL_ALIGN_LEFT)
        g_string_append_printf (text, "%*s", (int)padding, "");
    }

  /* Padding of a short last cell (or of empty cells at the end) would trail the line. */
  end = text->len;
  while (end > start && text->str[end - 1] == ' ')
    end--;
  g_string_truncate (text, end);
  g_string_append_c (text, '\n');
}

/**
 * tg_ctl_table_to_string:
 *
 * Returns: (transfer full): the heading line (when a column has a title) and the rows,
 *   each ending in a newline; "" for a table without columns
 */
char *
tg_ctl_table_to_string (TgCtlTable *self)
{
  g_autofree guint *widths = NULL;
  g_autofree const char **titles = NULL;
  GString *text = g_string_new (NULL);
  gboolean has_titles = FALSE;
  guint n_columns;

  g_return_val_if_fail (self != NULL, NULL);

  n_columns = self->columns->len;
  if (n_columns == 0)
    return g_string_free (text, FALSE);

  widths = g_new0 (guint, n_columns);
  titles = g_new0 (const char *, n_columns + 1);
  for (guint i = 0; i < n_columns; i++)
    {
      const Column *column = &g_array_index (self->columns, Column, i);

      titles[i] = column->title;
      widths[i] = tg_ctl_text_width (column->title);
      has_titles |= *column->title != '\0';
    }
  for (guint r = 0; r < self->rows->len; r++)
    {
      char **row = g_ptr_array_index (self->rows, r);

      for (guint i = 0; i < n_columns; i++)
        widths[i] = MAX (widths[i], tg_ctl_text_width (row[i]));
    }

  if (has_titles)
    append_line (self, text, widths, titles);
  for (guint r = 0; r < self->rows->len; r++)
    append_line (self, text, widths, g_ptr_array_index (self->rows, r));

  return g_string_free (text, FALSE);
}

void
tg_ctl_table_print (TgCtlTable *self)
{
  g_autofree char *text = tg_ctl_table_to_string (self);

  g_print ("%s", text);
}
