/* tg-usage-writer.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Bulk writing is COPY … FROM STDIN in binary format, formatted by hand into a buffer
 * that goes out with PQputCopyData in chunks of 64 KiB: no allocation, no printf and no
 * libpq call per row. Chunks smaller than the socket's buffer keep the server busy while
 * the client formats the next one, so on two cores the two overlap.
 */

#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "tg-db-util.h"
#include "tg-usage-writer.h"

#define COPY_CHUNK (64 * 1024)

#define USAGE_COLUMNS \
  "user_id, api_provider, api_endpoint, request_type, call_count, credit_cost, " \
  "response_time, request_data, response_status, response_data, billing_period, " \
  "is_billable, created_at, ip_address, user_agent, feature, region"
#define N_USAGE_COLUMNS 17

/* Binary COPY spares the server parsing numbers, timestamps and addresses from text: a
 * good part of its work per row once the JSON is parsed (which jsonb needs either way).
 * The header: signature, flags, length of the header extension.
 */
static const char copy_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

struct _TgUsageWriter
{
  PGconn  *conn;        /* borrowed */
  char    *buffer;
  gsize    length;
  gboolean copying;
  guint64  copy_rows;
};

TgUsageWriter *
tg_usage_writer_new (PGconn *conn)
{
  TgUsageWriter *self;

  g_return_val_if_fail (conn != NULL, NULL);

  self = g_new0 (TgUsageWriter, 1);
  self->conn = conn;
  self->buffer = g_malloc (COPY_CHUNK + TG_USAGE_WRITER_MAX_ROW_SIZE);

  return self;
}

void
tg_usage_writer_free (TgUsageWriter *self)
{
  if (self == NULL)
    return;

  /* An unfinished COPY is abandoned: the server rolls it back. */
  tg_usage_writer_copy_abort (self);

  g_free (self->buffer);
  g_free (self);
}

static gboolean
set_connection_error (GError     **error,
                      PGconn      *conn,
                      const char  *context)
{
  g_autofree char *message = tg_db_describe_failure (conn);

  g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_COPY, "%s: %s", context,
               *message ? message : "connection lost");
  return FALSE;
}

gboolean
tg_usage_writer_copy_begin (TgUsageWriter  *self,
                            GError        **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->copying, FALSE);

  result = PQexec (self->conn,
                   "COPY tollgate.api_usage_tracking (" USAGE_COLUMNS ")"
                   " FROM STDIN (FORMAT binary)");
  if (PQresultStatus (result) != PGRES_COPY_IN)
    {
      tg_db_set_error_from_result (error, self->conn, result, "Could not start COPY");
      return FALSE;
    }

  self->copying = TRUE;
  self->copy_rows = 0;
  memcpy (self->buffer, copy_header, sizeof copy_header);
  self->length = sizeof copy_header;
  return TRUE;
}

static gboolean
flush (TgUsageWriter  *self,
       GError        **error)
{
  if (self->length == 0)
    return TRUE;

  if (PQputCopyData (self->conn, self->buffer, (int)self->length) != 1)
    return set_connection_error (error, self->conn, "Sending COPY data failed");

  self->length = 0;
  return TRUE;
}

/* ---- binary format ----------------------------------------------------------------- */


/* Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
#define POSTGRES_EPOCH_USEC (G_GINT64_CONSTANT (946684800) * G_USEC_PER_SEC)

/* inet's binary form: family (2: IPv4, 3: IPv6), bits, is_cidr, length, address. */
#define PGSQL_AF_INET  2
#define PGSQL_AF_INET6 3

static inline char *
put_u16 (char    *p,
         guint16  value)
{
  value = GUINT16_TO_BE (value);
  memcpy (p, &value, 2);
  return p + 2;
}

static inline char *
put_u32 (char    *p,
         guint32  value)
{
  value = GUINT32_TO_BE (value);
  memcpy (p, &value, 4);
  return p + 4;
}

static inline char *
put_u64 (char    *p,
         guint64  value)
{
  value = GUINT64_TO_BE (value);
  memcpy (p, &value, 8);
  return p + 8;
}

static inline char *
put_null (char *p)
{
  return put_u32 (p, G_MAXUINT32);
}

static inline char *
put_int4 (char    *p,
          guint32  value)
{
  p = put_u32 (p, 4);
  return put_u32 (p, value);
}

static inline char *
put_bytes (char       *p,
           const char *bytes,
           gsize       length)
{
  p = put_u32 (p, (guint32)length);
  memcpy (p, bytes, length);
  return p + length;
}

static inline char *
put_text (char       *p,
          const char *text)
{
  if (text == NULL)
    return put_null (p);
  return put_bytes (p, text, strlen (text));
}

/* jsonb: a version byte, then the JSON text. "" stands for NULL. */
static inline char *
put_jsonb (char       *p,
           const char *json)
{
  gsize length;

  if (json == NULL || *json == '\0')
    return put_null (p);

  length = strlen (json);
  p = put_u32 (p, (guint32)length + 1);
  *p++ = 1;
  memcpy (p, json, length);
  return p + length;
}

/* A whole number as numeric: base-10000 digits, most significant first. */
static inline char *
put_numeric (char    *p,
             guint32  value)
{
  guint16 digits[3];
  guint n = 0;

  while (value > 0)
    {
      digits[n++] = (guint16)(value % 10000);
      value /= 10000;
    }

  p = put_u32 (p, 8 + 2 * n);
  p = put_u16 (p, (guint16)n);                  /* ndigits */
  p = put_u16 (p, (guint16)(n > 0 ? n - 1 : 0)); /* weight */
  p = put_u16 (p, 0);                           /* sign: positive */
  p = put_u16 (p, 0);                           /* dscale; the column's typmod sets 6 */
  for (guint i = n; i > 0; i--)
    p = put_u16 (p, digits[i - 1]);
  return p;
}

static inline char *
put_inet (char       *p,
          const char *address)
{
  guchar bytes[16];

  if (address == NULL || *address == '\0')
    return put_null (p);

  if (inet_pton (AF_INET, address, bytes) == 1)
    {
      p = put_u32 (p, 8);
      *p++ = PGSQL_AF_INET;
      *p++ = 32;
      *p++ = 0;
      *p++ = 4;
      memcpy (p, bytes, 4);
      return p + 4;
    }
  if (inet_pton (AF_INET6, address, bytes) == 1)
    {
      p = put_u32 (p, 20);
      *p++ = PGSQL_AF_INET6;
      *p++ = (char)128;
      *p++ = 0;
      *p++ = 16;
      memcpy (p, bytes, 16);
      return p + 16;
    }

  /* Not an address: let the server say so. */
  g_return_val_if_reached (put_null (p));
}

/**
 * tg_usage_writer_format_copy_row:
 * @buffer: at least %TG_USAGE_WRITER_MAX_ROW_SIZE bytes
 *
 * Formats @row as one tuple of COPY's binary format, columns as in the writer's COPY.
 *
 * Returns: the number of bytes written
 */
gsize
tg_usage_writer_format_copy_row (const TgTrafficRow *row,
                                 char               *buffer)
{
  gint64 days = row->created_at / TG_TRAFFIC_USEC_PER_DAY;
  char period[7];
  int year, month, mday;
  char *p = buffer;

  if (row->created_at % TG_TRAFFIC_USEC_PER_DAY < 0)
    days--;
  tg_traffic_day_to_date (days, &year, &month, &mday);
  period[0] = (char)('0' + year / 1000 % 10);
  period[1] = (char)('0' + year / 100 % 10);
  period[2] = (char)('0' + year / 10 % 10);
  period[3] = (char)('0' + year % 10);
  period[4] = '-';
  period[5] = (char)('0' + month / 10);
  period[6] = (char)('0' + month % 10);

  p = put_u16 (p, N_USAGE_COLUMNS);
  if (row->user_id > 0)
    {
      p = put_u32 (p, 8);
      p = put_u64 (p, (guint64)row->user_id);
    }
  else
    p = put_null (p);
  p = put_text (p, row->api_provider);
  p = put_text (p, row->api_endpoint);
  p = put_text (p, row->request_type);
  p = put_int4 (p, row->call_count);
  p = put_numeric (p, row->credit_cost);
  p = put_int4 (p, row->response_time);
  p = put_jsonb (p, row->request_data);
  p = put_u32 (p, 2);
  p = put_u16 (p, (guint16)row->response_status);
  p = put_jsonb (p, row->response_data);
  p = put_bytes (p, period, sizeof period);
  p = put_u32 (p, 1);
  *p++ = row->is_billable ? 1 : 0;
  p = put_u32 (p, 8);
  p = put_u64 (p, (guint64)(row->created_at - POSTGRES_EPOCH_USEC));
  p = put_inet (p, row->ip_address);
  p = put_text (p, row->user_agent);
  p = put_text (p, row->feature);
  p = put_text (p, row->region_code);

  return (gsize)(p - buffer);
}

gboolean
tg_usage_writer_copy_row (TgUsageWriter       *self,
                          const TgTrafficRow  *row,
                          GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->copying, FALSE);

  self->length += tg_usage_writer_format_copy_row (row, self->buffer + self->length);
  self->copy_rows++;

  if (self->length >= COPY_CHUNK)
    return flush (self, error);
  return TRUE;
}

/* Ends the COPY and reports the server's verdict on it: its message when it failed. */
gboolean
tg_usage_writer_copy_end (TgUsageWriter  *self,
                          GError        **error)
{
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->copying, FALSE);

  self->copying = FALSE;

  /* The trailer: a tuple of -1 fields. */
  put_u16 (self->buffer + self->length, G_MAXUINT16);
  self->length += 2;

  if (!flush (self, &local_error))
    {
      /* The server may have failed the COPY already and said why: prefer its words. */
      PQputCopyEnd (self->conn, "client failed to send data");
    }
  else if (PQputCopyEnd (self->conn, NULL) != 1)
    set_connection_error (&local_error, self->conn, "Ending COPY failed");

  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_COMMAND_OK && ok)
        {
          g_clear_error (&local_error);
          tg_db_set_error_from_result (&local_error, self->conn, result,
                                       "Writing usage rows failed");
          ok = FALSE;
        }
      g_clear_pointer (&result, PQclear);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_usage_writer_copy_abort:
 *
 * Abandons the current COPY, if any: the server fails it, with whatever it had received,
 * and the transaction it ran in can only be rolled back. For a caller that gives up on a
 * COPY after an error of its own, where tg_usage_writer_copy_end() would complete it with
 * the rows sent so far.
 */
void
tg_usage_writer_copy_abort (TgUsageWriter *self)
{
  g_autoptr(PGresult) result = NULL;

  g_return_if_fail (self != NULL);

  if (!self->copying)
    return;

  self->copying = FALSE;
  self->length = 0;
  PQputCopyEnd (self->conn, "abandoned by the writer");
  while ((result = PQgetResult (self->conn)) != NULL)
    g_clear_pointer (&result, PQclear);
}

gboolean
tg_usage_writer_is_copying (TgUsageWriter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->copying;
}

/* Rows sent in the current (or last) COPY. */
guint64
tg_usage_writer_get_copy_rows (TgUsageWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->copy_rows;
}

/* ---- INSERT ------------------------------------------------------------------------ */

static char *
format_timestamp (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) at = g_date_time_add (utc, time % G_USEC_PER_SEC);

  return g_date_time_format (at, "%Y-%m-%d %H:%M:%S.%f+00");
}

/* At most 65535 parameters a statement: 17 columns, so 1000 rows an INSERT. */
#define INSERT_MAX_ROWS 1000

static gboolean
insert_rows (TgUsageWriter       *self,
             const TgTrafficRow  *rows,
             guint                n_rows,
             GError             **error)
{
  g_autoptr(GString) sql = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(PGresult) result = NULL;

  sql = g_string_new ("INSERT INTO tollgate.api_usage_tracking (" USAGE_COLUMNS ") VALUES ");
  values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_rows; i++)
    {
      const TgTrafficRow *row = &rows[i];
      g_autofree char *created_at = format_timestamp (row->created_at);
      guint base = i * N_USAGE_COLUMNS;

      g_string_append_printf (sql, "%s($%u", i > 0 ? ", " : "", base + 1);
      for (guint c = 2; c <= N_USAGE_COLUMNS; c++)
        g_string_append_printf (sql, ", $%u", base + c);
      g_string_append_c (sql, ')');

      g_ptr_array_add (values, row->user_id > 0
                               ? g_strdup_printf ("%" G_GINT64_FORMAT, row->user_id) : NULL);
      g_ptr_array_add (values, g_strdup (row->api_provider));
      g_ptr_array_add (values, g_strdup (row->api_endpoint));
      g_ptr_array_add (values, g_strdup (row->request_type));
      g_ptr_array_add (values, g_strdup_printf ("%u", row->call_count));
      g_ptr_array_add (values, g_strdup_printf ("%u", row->credit_cost));
      g_ptr_array_add (values, g_strdup_printf ("%u", row->response_time));
      g_ptr_array_add (values, *row->request_data ? g_strdup (row->request_data) : NULL);
      g_ptr_array_add (values, g_strdup_printf ("%u", row->response_status));
      g_ptr_array_add (values, *row->response_data ? g_strdup (row->response_data) : NULL);
      g_ptr_array_add (values, g_strndup (created_at, 7));
      g_ptr_array_add (values, g_strdup (row->is_billable ? "t" : "f"));
      g_ptr_array_add (values, g_steal_pointer (&created_at));
      g_ptr_array_add (values, *row->ip_address ? g_strdup (row->ip_address) : NULL);
      g_ptr_array_add (values, g_strdup (row->user_agent));
      g_ptr_array_add (values, g_strdup (row->feature));
      g_ptr_array_add (values, g_strdup (row->region_code));
    }

  result = PQexecParams (self->conn, sql->str, (int)values->len, NULL,
                         (const char * const *)values->pdata, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      tg_db_set_error_from_result (error, self->conn, result, "Inserting usage rows failed");
      return FALSE;
    }

  return TRUE;
}

/**
 * tg_usage_writer_insert:
 *
 * Inserts @rows with multi-row INSERTs (one for up to a thousand rows), as the platform
 * does for each small batch of calls it has made.
 */
gboolean
tg_usage_writer_insert (TgUsageWriter       *self,
                        const TgTrafficRow  *rows,
                        guint                n_rows,
                        GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->copying, FALSE);
  g_return_val_if_fail (n_rows == 0 || rows != NULL, FALSE);

  for (guint start = 0; start < n_rows; start += INSERT_MAX_ROWS)
    if (!insert_rows (self, rows + start, MIN (n_rows - start, INSERT_MAX_ROWS), error))
      return FALSE;

  return TRUE;
}

/**
 * tg_usage_writer_insert_in_transaction:
 * @transaction_id: (out): the transaction's id (pg_current_xact_id()) as soon as the
 *   server gave it, 0 before
 *
 * Inserts @rows as tg_usage_writer_insert() does, all in one transaction, so that they
 * are in the database all together or not at all. When the connection is lost on the
 * way, the caller cannot tell which: if @transaction_id is set by then, it asks once
 * connected again (tg_db_get_transaction_status()); if not, nothing was written. Any
 * other failure rolls the transaction back.
 *
 * Returns: %TRUE when committed
 */
gboolean
tg_usage_writer_insert_in_transaction (TgUsageWriter       *self,
                                       const TgTrafficRow  *rows,
                                       guint                n_rows,
                                       guint64             *transaction_id,
                                       GError             **error)
{
  g_autofree char *id_text = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->copying, FALSE);
  g_return_val_if_fail (n_rows == 0 || rows != NULL, FALSE);
  g_return_val_if_fail (transaction_id != NULL, FALSE);

  *transaction_id = 0;

  /* One round trip: the simple protocol runs both and answers with the last. */
  id_text = tg_db_query_string (self->conn, "BEGIN; SELECT pg_catalog.pg_current_xact_id ()",
                                error);
  if (id_text == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                             "The server gave the transaction no id");
      goto fail;
    }
  *transaction_id = g_ascii_strtoull (id_text, NULL, 10);

  for (guint start = 0; start < n_rows; start += INSERT_MAX_ROWS)
    if (!insert_rows (self, rows + start, MIN (n_rows - start, INSERT_MAX_ROWS), error))
      goto fail;

  if (!tg_db_exec (self->conn, "COMMIT", error))
    goto fail;

  return TRUE;

fail:
  /* A live session rolls back; a lost one has nothing left to roll back here. */
  if (PQstatus (self->conn) == CONNECTION_OK
      && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexec (self->conn, "ROLLBACK"));
  return FALSE;
}

/* ---- schema and reference rows ----------------------------------------------------- */

/* Fails clearly when the database has no Tollgate schema yet. */
gboolean
tg_usage_writer_check_schema (PGconn  *conn,
                              GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *found = NULL;

  found = tg_db_query_string (conn, "SELECT to_regclass('tollgate.api_usage_tracking')::text",
                              &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (found == NULL)
    {
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                   "The database %s has no Tollgate schema: run “tollgatectl migrate” first",
                   PQdb (conn));
      return FALSE;
    }

  return TRUE;
}

/* Creates the month partitions that [@from, @to] touches, so COPY routes rows straight
 * into them instead of the default partition.
 */
gboolean
tg_usage_writer_ensure_partitions (PGconn  *conn,
                                   gint64   from,
                                   gint64   to,
                                   GError **error)
{
  g_autofree char *from_text = format_timestamp (from);
  g_autofree char *to_text = format_timestamp (to);
  const char *params[] = { from_text, to_text };
  g_autoptr(PGresult) result = NULL;

  result = tg_db_query (conn,
                        "SELECT tollgate.ensure_usage_partitions($1::timestamptz, $2::timestamptz)",
                        2, params, error);
  return result != NULL;
}

static gboolean
insert_batch (PGconn      *conn,
              const char  *head,
              guint        n_columns,
              GPtrArray   *values,
              GError     **error)
{
  g_autoptr(GString) sql = g_string_new (head);
  g_autoptr(PGresult) result = NULL;
  guint n_rows = values->len / n_columns;

  if (n_rows == 0)
    return TRUE;

  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append (sql, i > 0 ? ", (" : " (");
      for (guint c = 0; c < n_columns; c++)
        g_string_append_printf (sql, "%s$%u", c > 0 ? ", " : "", i * n_columns + c + 1);
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, " ON CONFLICT DO NOTHING");

  result = tg_db_query (conn, sql->str, (int)values->len,
                        (const char * const *)values->pdata, error);
  return result != NULL;
}

/**
 * tg_usage_writer_write_population:
 *
 * Fills tollgate.cost_centres, tollgate.features and tollgate.users with the simulated
 * population, in one transaction. Rows already there are left alone, so running the
 * simulator again is safe.
 */
gboolean
tg_usage_writer_write_population (PGconn               *conn,
                                  const TgTrafficUser  *users,
                                  guint                 n_users,
                                  GError              **error)
{
  const TgTrafficCostCentre *centres;
  const TgTrafficFeature *features;
  guint n_centres, n_features;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);

  centres = tg_traffic_get_cost_centres (&n_centres);
  features = tg_traffic_get_features (&n_features);

  if (!tg_db_exec (conn, "BEGIN", error))
    return FALSE;

  for (guint i = 0; i < n_centres; i++)
    {
      g_ptr_array_add (values, (gpointer)centres[i].code);
      g_ptr_array_add (values, (gpointer)centres[i].display_name);
    }
  if (!insert_batch (conn, "INSERT INTO tollgate.cost_centres (code, display_name) VALUES",
                     2, values, error))
    goto fail;

  g_ptr_array_set_size (values, 0);
  for (guint i = 0; i < n_features; i++)
    {
      g_ptr_array_add (values, (gpointer)features[i].name);
      g_ptr_array_add (values, (gpointer)features[i].display_name);
      g_ptr_array_add (values, (gpointer)features[i].cost_centre);
    }
  if (!insert_batch (conn, "INSERT INTO tollgate.features (name, display_name, cost_centre) VALUES",
                     3, values, error))
    goto fail;

  /* Five columns and at most 65535 parameters a statement: 1000 users at a time. */
  for (guint start = 0; start < n_users; start += 1000)
    {
      g_ptr_array_set_size (values, 0);
      g_ptr_array_set_size (owned, 0);
      for (guint i = start; i < MIN (n_users, start + 1000); i++)
        {
          char *id = g_strdup_printf ("%" G_GINT64_FORMAT, users[i].user_id);

          g_ptr_array_add (owned, id);
          g_ptr_array_add (values, id);
          g_ptr_array_add (values, users[i].display_name);
          g_ptr_array_add (values, users[i].email);
          g_ptr_array_add (values, (gpointer)users[i].tier);
          g_ptr_array_add (values, (gpointer)users[i].cost_centre);
        }
      if (!insert_batch (conn,
                         "INSERT INTO tollgate.users"
                         " (user_id, display_name, email, tier, cost_centre) VALUES",
                         5, values, error))
        goto fail;
    }

  return tg_db_exec (conn, "COMMIT", error);

fail:
  tg_db_exec (conn, "ROLLBACK", NULL);
  return FALSE;
}
