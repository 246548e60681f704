/* tg-db-result.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* TgDbResult owns one PGresult, which libpq never changes after it is made, so a
 * result may be read from any thread; the reference count is atomic so that the
 * worker thread can hand results to the UI thread.
 *
 * Values come in the format they were asked for: text (libpq's default) or binary
 * (TG_DB_QUERY_FLAGS_BINARY). The typed getters understand both for the common
 * scalar types; binary values of other types are read with tg_db_result_get_binary().
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-result.h"
#include "tg-db-util.h"
#include "tg-money.h"

struct _TgDbResult
{
  gatomicrefcount  ref_count;
  PGresult        *result;
};

G_DEFINE_BOXED_TYPE (TgDbResult, tg_db_result, tg_db_result_ref, tg_db_result_unref)

/**
 * _tg_db_result_new:
 * @result: (transfer full): a result of status PGRES_TUPLES_OK or PGRES_COMMAND_OK
 *
 * Returns: (transfer full): a new result owning @result
 */
TgDbResult *
_tg_db_result_new (PGresult *result)
{
  TgDbResult *self;

  g_return_val_if_fail (result != NULL, NULL);

  self = g_new0 (TgDbResult, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->result = result;

  return self;
}

TgDbResult *
tg_db_result_ref (TgDbResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tg_db_result_unref (TgDbResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->result, PQclear);
      g_free (self);
    }
}

int
tg_db_result_get_n_rows (TgDbResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return PQntuples (self->result);
}

int
tg_db_result_get_n_cols (TgDbResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return PQnfields (self->result);
}

/* The number of rows an INSERT, UPDATE, DELETE, MERGE, SELECT, MOVE, FETCH or COPY
 * touched; 0 for other commands.
 */
guint64
tg_db_result_get_n_affected (TgDbResult *self)
{
  const char *tuples;

  g_return_val_if_fail (self != NULL, 0);

  tuples = PQcmdTuples (self->result);
  if (tuples == NULL || *tuples == '\0')
    return 0;

  return g_ascii_strtoull (tuples, NULL, 10);
}

const char *
tg_db_result_get_column_name (TgDbResult *self,
                              int         col)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (col >= 0 && col < PQnfields (self->result), NULL);

  return PQfname (self->result, col);
}

/**
 * tg_db_result_get_column_index:
 * @name: the column's name exactly as the server reports it
 *
 * Unlike PQfnumber(), @name is compared as is (no case folding, no quotes).
 *
 * Returns: the index of the first column called @name, or -1
 */
int
tg_db_result_get_column_index (TgDbResult *self,
                               const char *name)
{
  int n_cols;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  n_cols = PQnfields (self->result);
  for (int col = 0; col < n_cols; col++)
    {
      if (g_strcmp0 (PQfname (self->result, col), name) == 0)
        return col;
    }

  return -1;
}

/* The column's type OID, for example TG_DB_TYPE_INT8. */
guint32
tg_db_result_get_column_type (TgDbResult *self,
                              int         col)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (col >= 0 && col < PQnfields (self->result), 0);

  return PQftype (self->result, col);
}

gboolean
tg_db_result_is_binary (TgDbResult *self,
                        int         col)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (col >= 0 && col < PQnfields (self->result), FALSE);

  return PQfformat (self->result, col) == 1;
}

static gboolean
check_cell (TgDbResult *self,
            int         row,
            int         col)
{
  return row >= 0 && row < PQntuples (self->result) && col >= 0 && col < PQnfields (self->result);
}

gboolean
tg_db_result_is_null (TgDbResult *self,
                      int         row,
                      int         col)
{
  g_return_val_if_fail (self != NULL, TRUE);
  g_return_val_if_fail (check_cell (self, row, col), TRUE);

  return PQgetisnull (self->result, row, col);
}

/**
 * tg_db_result_get_value:
 *
 * Returns: (nullable): the text of a value, or %NULL when it is SQL NULL. For a column
 *   in binary format use tg_db_result_get_binary() instead.
 */
const char *
tg_db_result_get_value (TgDbResult *self,
                        int         row,
                        int         col)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (check_cell (self, row, col), NULL);

  if (PQgetisnull (self->result, row, col))
    return NULL;

  return PQgetvalue (self->result, row, col);
}

/**
 * tg_db_result_get_binary:
 * @length: (out): the number of bytes
 *
 * Returns: (nullable) (array length=length): the raw bytes of a value (for a binary
 *   column, PostgreSQL's binary send format in network byte order), or %NULL for SQL NULL
 */
const guint8 *
tg_db_result_get_binary (TgDbResult *self,
                         int         row,
                         int         col,
                         gsize      *length)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (check_cell (self, row, col), NULL);
  g_return_val_if_fail (length != NULL, NULL);

  if (PQgetisnull (self->result, row, col))
    {
      *length = 0;
      return NULL;
    }

  *length = PQgetlength (self->result, row, col);
  return (const guint8 *)PQgetvalue (self->result, row, col);
}

/**
 * tg_db_result_peek_text:
 * @length: (out): the number of bytes
 *
 * Reads a text column (text, varchar, name …) in either format: in binary format text is
 * its bytes, the same as in text format, so its raw bytes are its text; @length says
 * where it ends.
 *
 * Returns: (nullable) (transfer none): the text, not copied; %NULL for SQL NULL
 */
const char *
tg_db_result_peek_text (TgDbResult *self,
                        int         row,
                        int         col,
                        gsize      *length)
{
  return (const char *)tg_db_result_get_binary (self, row, col, length);
}

/**
 * tg_db_result_dup_text:
 *
 * Like tg_db_result_peek_text(), copied.
 *
 * Returns: (nullable) (transfer full): the text, or %NULL for SQL NULL
 */
char *
tg_db_result_dup_text (TgDbResult *self,
                       int         row,
                       int         col)
{
  const char *text;
  gsize length = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (check_cell (self, row, col), NULL);

  text = tg_db_result_peek_text (self, row, col, &length);
  return text != NULL ? g_strndup (text, length) : NULL;
}

static gint64
read_be_int (const guint8 *data,
             gsize         size)
{
  switch (size)
    {
    case 2:
      {
        guint16 v;
        memcpy (&v, data, 2);
        return (gint16)GUINT16_FROM_BE (v);
      }
    case 4:
      {
        guint32 v;
        memcpy (&v, data, 4);
        return (gint32)GUINT32_FROM_BE (v);
      }
    case 8:
      {
        guint64 v;
        memcpy (&v, data, 8);
        return (gint64)GUINT64_FROM_BE (v);
      }
    default:
      g_assert_not_reached ();
    }

  return 0;
}

static gsize
binary_int_size (guint32 type)
{
  switch (type)
    {
    case TG_DB_TYPE_INT2:
      return 2;
    case TG_DB_TYPE_INT4:
    case 26: /* oid */
      return 4;
    case TG_DB_TYPE_INT8:
      return 8;
    default:
      return 0;
    }
}

/**
 * tg_db_result_get_int64:
 *
 * Reads an integer column in text or binary format (int2, int4, int8, oid).
 *
 * Returns: the value, or 0 for SQL NULL
 */
gint64
tg_db_result_get_int64 (TgDbResult *self,
                        int         row,
                        int         col)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (check_cell (self, row, col), 0);

  if (PQgetisnull (self->result, row, col))
    return 0;

  if (PQfformat (self->result, col) == 1)
    {
      gsize size = binary_int_size (PQftype (self->result, col));

      g_return_val_if_fail (size != 0, 0);
      g_return_val_if_fail ((gsize)PQgetlength (self->result, row, col) == size, 0);

      return read_be_int ((const guint8 *)PQgetvalue (self->result, row, col), size);
    }

  return g_ascii_strtoll (PQgetvalue (self->result, row, col), NULL, 10);
}

/**
 * tg_db_result_get_micros:
 * @micros: (out): the amount in micro-units; 0 for SQL NULL
 *
 * Reads an amount sent as decimal text (money and credits leave the server as
 * `round(x, 6)::text`: numeric has no binary reader here), in either format.
 *
 * Returns: %FALSE with @error set when the text is no amount Tollgate can hold
 */
gboolean
tg_db_result_get_micros (TgDbResult  *self,
                         int          row,
                         int          col,
                         gint64      *micros,
                         GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (check_cell (self, row, col), FALSE);
  g_return_val_if_fail (micros != NULL, FALSE);

  *micros = 0;
  text = tg_db_result_dup_text (self, row, col);
  if (text == NULL)
    return TRUE;

  if (!tg_money_parse (text, micros, &local_error))
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The server sent an amount Tollgate cannot read (“%s”): %s",
                   text, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_db_result_get_double:
 *
 * Reads a number in text format (any numeric type) or binary format (float4, float8,
 * and the integer types).
 *
 * Returns: the value, or 0 for SQL NULL
 */
double
tg_db_result_get_double (TgDbResult *self,
                         int         row,
                         int         col)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (check_cell (self, row, col), 0.0);

  if (PQgetisnull (self->result, row, col))
    return 0.0;

  if (PQfformat (self->result, col) == 1)
    {
      guint32 type = PQftype (self->result, col);
      const guint8 *data = (const guint8 *)PQgetvalue (self->result, row, col);
      gsize length = PQgetlength (self->result, row, col);

      if (type == TG_DB_TYPE_FLOAT8 && length == 8)
        {
          guint64 bits = (guint64)read_be_int (data, 8);
          double value;

          memcpy (&value, &bits, sizeof value);
          return value;
        }
      if (type == TG_DB_TYPE_FLOAT4 && length == 4)
        {
          guint32 bits = (guint32)read_be_int (data, 4);
          float value;

          memcpy (&value, &bits, sizeof value);
          return value;
        }

      g_return_val_if_fail (binary_int_size (type) == length, 0.0);
      return (double)read_be_int (data, length);
    }

  return g_ascii_strtod (PQgetvalue (self->result, row, col), NULL);
}

/* Returns: the value of a boolean column, %FALSE for SQL NULL */
gboolean
tg_db_result_get_boolean (TgDbResult *self,
                          int         row,
                          int         col)
{
  const char *value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (check_cell (self, row, col), FALSE);

  if (PQgetisnull (self->result, row, col))
    return FALSE;

  value = PQgetvalue (self->result, row, col);
  if (PQfformat (self->result, col) == 1)
    return PQgetlength (self->result, row, col) == 1 && value[0] != 0;

  return value[0] == 't';
}

static gint64 *
parse_binary_int_array (const guint8  *data,
                        gsize          length,
                        gsize         *n_values,
                        GError       **error)
{
  gint32 ndim;
  guint32 element_type;
  gsize element_size;
  gint64 n;
  const guint8 *p;
  const guint8 *end = data + length;
  g_autofree gint64 *values = NULL;

  /* Header: ndim, has-null flag, element type; then (size, lower bound) per dimension. */
  if (length < 12)
    goto truncated;

  ndim = (gint32)read_be_int (data, 4);
  element_type = (guint32)read_be_int (data + 8, 4);
  element_size = binary_int_size (element_type);

  if (element_size == 0 || element_type == 26)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Expected an array of integers, got element type %u", element_type);
      return NULL;
    }

  if (ndim == 0)
    {
      *n_values = 0;
      return g_new0 (gint64, 1);
    }

  if (ndim != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Expected a one-dimensional array, got %d dimensions", ndim);
      return NULL;
    }

  if (length < 20)
    goto truncated;

  n = read_be_int (data + 12, 4);
  if (n < 0 || (gsize)n > length / 4)
    goto truncated;

  values = g_new0 (gint64, n + 1);
  p = data + 20;
  for (gint64 i = 0; i < n; i++)
    {
      gint32 element_length;

      if (end - p < 4)
        goto truncated;
      element_length = (gint32)read_be_int (p, 4);
      p += 4;

      if (element_length < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Element %" G_GINT64_FORMAT " of the array is NULL", i + 1);
          return NULL;
        }
      if ((gsize)element_length != element_size || (gsize)(end - p) < element_size)
        goto truncated;

      values[i] = read_be_int (p, element_size);
      p += element_size;
    }

  *n_values = n;
  return g_steal_pointer (&values);

truncated:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The binary array value is malformed");
  return NULL;
}

static gint64 *
parse_text_int_array (const char  *text,
                      gsize       *n_values,
                      GError     **error)
{
  const char *open = strchr (text, '{');
  const char *close = strrchr (text, '}');
  g_autofree char *inner = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree gint64 *values = NULL;
  guint n;

  if (open == NULL || close == NULL || close < open)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not an array", text);
      return NULL;
    }

  inner = g_strndup (open + 1, close - open - 1);
  if (*g_strstrip (inner) == '\0')
    {
      *n_values = 0;
      return g_new0 (gint64, 1);
    }

  parts = g_strsplit (inner, ",", -1);
  n = g_strv_length (parts);
  values = g_new0 (gint64, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      const char *part = g_strstrip (parts[i]);

      if (!g_ascii_string_to_signed (part, 10, G_MININT64, G_MAXINT64, &values[i],
                                     &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Element %u of the array is not an integer: %s", i + 1,
                       g_ascii_strcasecmp (part, "NULL") == 0 ? "NULL" : local_error->message);
          return NULL;
        }
    }

  *n_values = n;
  return g_steal_pointer (&values);
}

/**
 * tg_db_result_dup_int64_array:
 * @n_values: (out): the number of elements
 *
 * Decodes a one-dimensional array of int2, int4 or int8 without NULL elements, in text
 * format ("{1,2,3}") or binary format (PostgreSQL's array_send layout). Histograms are
 * stored as int8[] and travel in binary.
 *
 * Returns: (transfer full) (array length=n_values): the elements, or %NULL with @error
 *   set when the value is SQL NULL, not such an array, or malformed
 */
gint64 *
tg_db_result_dup_int64_array (TgDbResult  *self,
                              int          row,
                              int          col,
                              gsize       *n_values,
                              GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (check_cell (self, row, col), NULL);
  g_return_val_if_fail (n_values != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *n_values = 0;

  if (PQgetisnull (self->result, row, col))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Column “%s” is NULL, not an array", PQfname (self->result, col));
      return NULL;
    }

  if (PQfformat (self->result, col) == 1)
    return parse_binary_int_array ((const guint8 *)PQgetvalue (self->result, row, col),
                                   PQgetlength (self->result, row, col), n_values, error);

  return parse_text_int_array (PQgetvalue (self->result, row, col), n_values, error);
}

/**
 * tg_db_result_check_n_cols:
 * @what: what the result is, for the message ("usage", "settings")
 *
 * For parsers, which read columns by position: a result of another shape comes from
 * another statement or another schema, and is refused rather than misread.
 *
 * Returns: %TRUE if the result has @n_cols columns; otherwise %FALSE with @error
 *   (%TG_DB_ERROR_QUERY) set
 */
gboolean
tg_db_result_check_n_cols (TgDbResult  *self,
                           int          n_cols,
                           const char  *what,
                           GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);

  if (PQnfields (self->result) != n_cols)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "Unexpected %s result with %d columns", what, PQnfields (self->result));
      return FALSE;
    }

  return TRUE;
}
