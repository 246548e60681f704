/* test-ctl-edges.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* tollgatectl at the edges of what it is given: dates and months outside the supported
 * ones, more buckets than a request may have, providers and currencies that do not exist,
 * numbers that are not numbers, a file of the zoneinfo directory that is not a zone, and
 * text in the database that would act on a terminal. Each is refused as bad usage (exit
 * 2) with a message that says why and what to ask instead, promptly, without a warning
 * from GLib and without sending nonsense to the server; or, for text, printed escaped in
 * tables and exact in JSON. Runs the real binary ($TOLLGATECTL) on a fresh database; the
 * list of what was tried is docs/reliability.md's "Input at the edges".
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tg-test-db.h"

/* A run that takes longer has hung (before these fixes, dates at the ends of the
 * calendar looped for ever): the test fails rather than wait for meson's timeout.
 */
#define RUN_GUARD_SECONDS 20

/* An endpoint as a compromised or careless writer might store it: an OSC sequence that
 * retitles the terminal, a line erased and overdrawn after a carriage return, a
 * right-to-left override, and a C1 control (CSI).
 */
#define EVIL_ENDPOINT "/v1/\033]0;pwned\007geo\033[2K\r\342\200\256evil\302\233"

static TgTestDb *edges_db;

typedef struct
{
  int       status;       /* exit status; -1 when it did not exit */
  char     *out;
  char     *err;
  gboolean  done;
  gboolean  timed_out;
} CtlRun;

static void
ctl_run_clear (CtlRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtlRun, ctl_run_clear)

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CtlRun *run = user_data;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &out, &err, &error))
    g_error ("Could not read tollgatectl's output: %s", error->message);
  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);
  run->done = TRUE;
}

static gboolean
guard_cb (gpointer user_data)
{
  CtlRun *run = user_data;

  run->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs tollgatectl with @args (NULL-terminated) and, unless @db is %NULL, --db for it;
 * fails the test when it does not end within RUN_GUARD_SECONDS.
 */
static void
run_ctl (CtlRun             *run,
         TgTestDb           *db,
         const char * const *args)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSource) guard = NULL;
  g_autoptr(GError) error = NULL;
  const char *ctl = g_getenv ("TOLLGATECTL");

  if (ctl == NULL || !g_file_test (ctl, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("TOLLGATECTL does not name the tollgatectl binary (run under meson test)");

  g_ptr_array_add (argv, g_strdup (ctl));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  if (db != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--db=%s", db->conninfo));
  g_ptr_array_add (argv, NULL);

  g_main_context_push_thread_default (context);
  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, communicated_cb, run);

  guard = g_timeout_source_new_seconds (RUN_GUARD_SECONDS);
  g_source_set_callback (guard, guard_cb, run, NULL);
  g_source_attach (guard, context);

  while (!run->done && !run->timed_out)
    g_main_context_iteration (context, TRUE);

  if (run->timed_out)
    {
      g_subprocess_force_exit (process);
      while (!run->done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (guard);
  g_main_context_pop_thread_default (context);

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;

  if (run->timed_out)
    g_error ("tollgatectl %s did not end within %d s (it printed %zu bytes of errors)",
             args[0], RUN_GUARD_SECONDS, strlen (run->err));
}

/* The database the cases share, made on first use: migrated, with a few calls of March
 * 2026 (here and geoscape) and one with EVIL_ENDPOINT. %NULL when the test skipped.
 */
static TgTestDb *
get_db (void)
{
  if (edges_db != NULL)
    return edges_db;

  edges_db = tg_test_db_new (TRUE);
  if (edges_db == NULL)
    return NULL;

  tg_test_db_exec (edges_db,
                   "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, "
                   "  request_type, credit_cost, response_status, response_time, created_at) "
                   "VALUES ('geoscape', '/v1/addresses', 'GET', 1, 200, 80, "
                   "          '2026-03-02 10:00+00'), "
                   "       ('geoscape', '/v1/addresses', 'GET', 1, 200, 90, "
                   "          '2026-03-03 10:00+00'), "
                   "       ('geoscape', '/v1/addresses', 'GET', 1, 200, 95, "
                   "          '2026-03-04 10:00+00'), "
                   "       ('here', '/v1/geocode', 'GET', 0, 200, 120, '2026-03-05 10:00+00'), "
                   "       ('here', '/v1/geocode', 'GET', 0, 200, 130, '2026-03-06 10:00+00')");
  {
    g_autofree char *evil = g_strdup_printf (
      "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
      "  response_status, response_time, created_at) "
      "VALUES ('here', E'%s', 'GET', 200, 50, '2026-03-08 10:00+00')", EVIL_ENDPOINT);

    tg_test_db_exec (edges_db, evil);
  }

  return edges_db;
}

/* Nothing a terminal would act on: no C0 control but the newline, no DEL, no C1 control,
 * no control of bidirectional text.
 */
static void
assert_inert (const char *text,
              const char *what)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar)-1 || c == (gunichar)-2 ||
          (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) ||
          c == 0x061c || c == 0x200e || c == 0x200f ||
          (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        g_error ("%s holds U+%04X at byte %zu: %s", what, c, (gsize)(p - text), text);
    }
}

/* A refusal: bad usage, saying @message, nothing on stdout, no GLib warning. */
static void
assert_refused (const CtlRun *run,
                const char   *message)
{
  g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  if (strstr (run->err, "CRITICAL") != NULL || strstr (run->err, "WARNING") != NULL)
    g_error ("tollgatectl warned: %s", run->err);
  if (strstr (run->err, "(null)") != NULL)
    g_error ("tollgatectl said “(null)”: %s", run->err);
  if (strstr (run->err, message) == NULL)
    g_error ("tollgatectl said “%s”, not “%s”", run->err, message);
  assert_inert (run->err, "stderr");
}

typedef struct
{
  const char *name;
  const char *args[12];
  const char *message;
} RefusalCase;

#define RANGE "outside the supported dates, 1970-01-01 to 2199-12-31"
#define CAP "more than the 100,000 one request may have: ask for a larger bucket or a shorter range"

static const RefusalCase refusal_cases[] = {
  /* Dates and months at the ends of the calendar and beyond the supported ones. */
  { "dates/series-year-1",
    { "usage", "series", "--bucket", "day", "--from", "0001-01-01", "--to", "0001-01-02" },
    RANGE },
  { "dates/series-year-9999",
    { "usage", "series", "--bucket", "day", "--from", "9999-12-30", "--to", "9999-12-31" },
    RANGE },
  { "dates/series-15min-ages",
    { "usage", "series", "--bucket", "15min", "--from", "0002-01-01", "--to", "9999-12-29" },
    RANGE },
  { "dates/series-month-9999",
    { "usage", "series", "--bucket", "month", "--from", "9999-11-01", "--to", "9999-12-31" },
    RANGE },
  { "dates/series-week-9999",
    { "usage", "series", "--bucket", "week", "--from", "9999-12-20", "--to", "9999-12-31" },
    RANGE },
  { "dates/series-user-9999",
    { "usage", "series", "--bucket", "month", "--group-by", "user", "--from", "9999-11-01",
      "--to", "9999-12-31" },
    RANGE },
  { "dates/series-month-year-1",
    { "usage", "series", "--bucket", "month", "--from", "0001-01-01", "--to", "0001-02-01" },
    RANGE },
  { "dates/series-1969",
    { "usage", "series", "--bucket", "day", "--from", "1969-12-31", "--to", "1970-01-01" },
    RANGE },
  { "dates/series-2200",
    { "usage", "series", "--bucket", "day", "--from", "2199-12-31", "--to", "2200-01-01" },
    RANGE },
  { "dates/latency-9999",
    { "usage", "latency", "--from", "9999-12-01", "--to", "9999-12-31" }, RANGE },
  { "dates/latency-year-1",
    { "usage", "latency", "--from", "0001-01-01", "--to", "0001-01-31" }, RANGE },
  { "dates/overview-9999",
    { "usage", "overview", "--month", "9999-12" }, RANGE },
  { "dates/overview-1969",
    { "usage", "overview", "--month", "1969-12" }, RANGE },
  { "dates/recompute-year-1",
    { "refresh", "--recompute", "--from", "0001-01-01" }, RANGE },
  /* More buckets than a request may have. */
  { "buckets/15min-everything",
    { "usage", "series", "--bucket", "15min", "--from", "1970-01-01", "--to", "2199-12-31" },
    CAP },
  { "buckets/hour-decades",
    { "usage", "series", "--bucket", "hour", "--from", "2000-01-01", "--to", "2020-12-31" },
    CAP },
  /* Names that do not exist. */
  { "names/provider",
    { "usage", "series", "--bucket", "day", "--from", "2026-03-01", "--to", "2026-03-31",
      "--provider", "nosuch" },
    "no provider “nosuch”; the providers are canada_post, geoscape, here, openai, "
    "postcodes_io, smarty_streets" },
  { "names/provider-latency",
    { "usage", "latency", "--from", "2026-03-01", "--to", "2026-03-31", "--provider", "" },
    "the providers are canada_post, geoscape" },
  { "names/currency",
    { "settings", "set", "reporting-currency", "XYZ" },
    "cannot report costs in XYZ: no exchange rate leads into it and no provider bills in it; "
    "the possible currencies are AUD, CAD, GBP, USD" },
  { "names/currency-rates-from",
    { "settings", "set", "reporting-currency", "EUR" }, "the possible currencies are" },
  { "names/zoneinfo-leapseconds",
    { "settings", "set", "billing-timezone", "leapseconds" }, "not a known time zone" },
  { "names/zoneinfo-tzdata",
    { "settings", "set", "billing-timezone", "tzdata.zi" }, "not a known time zone" },
  /* The calls behind a figure: outcomes, page sizes, ids, names and dates. */
  { "calls/status-word",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--status", "fine" },
    "--status takes ok, error (no answer, 4xx or 5xx), timeout (no answer) or an HTTP status "
    "code from 0 to 599, not “fine”" },
  { "calls/status-600",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--status", "600" },
    "not “600”" },
  { "calls/status-hex",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--status", "0x1F4" },
    "not “0x1F4”" },
  { "calls/status-fraction",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--status", "200.5" },
    "not “200.5”" },
  { "calls/limit-0",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--limit", "0" },
    "--limit takes a whole number from 1 to 1,000 (calls a page), not “0”" },
  { "calls/limit-1001",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--limit", "1001" },
    "--limit takes a whole number from 1 to 1,000" },
  { "calls/limit-nan",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--limit", "nan" },
    "--limit takes a whole number from 1 to 1,000" },
  { "calls/after-id-0",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--after-id", "0" },
    "--after-id takes a whole number from 1 to 9,007,199,254,740,992" },
  { "calls/after-id-fraction",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--after-id", "2.5" },
    "--after-id takes a whole number" },
  { "calls/after-id-huge",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--after-id",
      "9223372036854775807" },
    "--after-id takes a whole number" },
  { "calls/user-text",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--user", "ann" },
    "--user takes a whole number" },
  { "calls/provider",
    { "usage", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--provider", "nosuch" },
    "no provider “nosuch”; the providers are canada_post, geoscape" },
  { "calls/year-1",
    { "usage", "calls", "--from", "0001-01-01", "--to", "0001-01-02" }, RANGE },
  { "calls/2200",
    { "usage", "calls", "--from", "2199-12-31", "--to", "2200-01-01" }, RANGE },
  { "calls/backwards",
    { "usage", "calls", "--from", "2026-03-31", "--to", "2026-03-01" }, "is after --to" },
  { "calls/no-range",
    { "usage", "calls", "--from", "2026-03-01" }, "--from and --to are required" },
  /* Numbers of refresh (simulate's are test-simulate's). */
  { "numbers/interval-nan",
    { "refresh", "--follow", "--interval", "nan" }, "--interval takes a number" },
  { "numbers/interval-hex",
    { "refresh", "--follow", "--interval", "0x10" }, "--interval takes a number" },
  { "numbers/interval-inf",
    { "refresh", "--follow", "--interval", "inf" }, "--interval takes a number" },
  { "numbers/interval-tiny",
    { "refresh", "--follow", "--interval", "1e-9" }, "from 0.1 to 86,400" },
};

static void
test_refusal (gconstpointer data)
{
  const RefusalCase *c = data;
  g_auto(CtlRun) run = { 0 };
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  run_ctl (&run, db, c->args);
  assert_refused (&run, c->message);
}

/* Nothing was changed by the refusals above. */
static void
test_settings_kept (void)
{
  TgTestDb *db = get_db ();
  g_autofree char *settings = NULL;

  if (db == NULL)
    return;

  settings = tg_test_db_scalar (db, "SELECT string_agg(value, ',' ORDER BY key) "
                                    "FROM tollgate.settings");
  g_assert_cmpstr (settings, ==, "UTC,AUD");
}

/* The widest real requests still work: a leap year of quarter hours (35,136 buckets), and
 * the whole supported calendar by day, by month and as one range.
 */
static void
test_widest (void)
{
  const char * const year_15min[] = {
    "usage", "series", "--bucket", "15min", "--group-by", "none", "--from", "2028-01-01",
    "--to", "2028-12-31", "--json", NULL,
  };
  const char * const all_days[] = {
    "usage", "series", "--bucket", "day", "--from", "1970-01-01", "--to", "2199-12-31",
    "--json", NULL,
  };
  const char * const all_months[] = {
    "usage", "series", "--bucket", "month", "--group-by", "user", "--from", "2026-01-01",
    "--to", "2026-12-31", "--json", NULL,
  };
  const char * const all_range[] = {
    "usage", "latency", "--from", "1970-01-01", "--to", "2199-12-31", NULL,
  };
  const char * const * const requests[] = { year_15min, all_days, all_months, all_range };
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_auto(CtlRun) run = { 0 };

      run_ctl (&run, db, requests[i]);
      g_test_message ("%s: %s", requests[i][3], run.err);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.err, ==, "");
    }
}

/* The endpoint's escapes are written out in the table, whose columns stay in line, and
 * exact in the JSON.
 */
static void
test_escapes (void)
{
  const char * const table[] = {
    "usage", "series", "--bucket", "month", "--group-by", "endpoint", "--provider", "here",
    "--from", "2026-03-01", "--to", "2026-03-31", NULL,
  };
  const char * const json[] = {
    "usage", "series", "--bucket", "month", "--group-by", "endpoint", "--provider", "here",
    "--from", "2026-03-01", "--to", "2026-03-31", "--json", NULL,
  };
  g_auto(CtlRun) text_run = { 0 };
  g_auto(CtlRun) json_run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *rows;
  gboolean found = FALSE;
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  run_ctl (&text_run, db, table);
  g_test_message ("%s", text_run.out);
  g_assert_cmpint (text_run.status, ==, 0);
  assert_inert (text_run.out, "the table");
  g_assert_nonnull (strstr (text_run.out,
                            "2026-03-01T00:00 /v1/\\x1B]0;pwned\\x07geo\\x1B[2K\\r\\u202Eevil"
                            "\\u009B  "));

  /* Every row of the table ends its calls column where the heading does. */
  lines = g_strsplit (text_run.out, "\n", -1);
  for (guint i = 3; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      const char *heading_end = strstr (lines[2], "calls") + strlen ("calls");

      g_assert_cmpuint (g_utf8_strlen (lines[i], -1), >=, heading_end - lines[2]);
      g_assert_true (g_ascii_isdigit (lines[i][heading_end - lines[2] - 1]));
    }

  run_ctl (&json_run, db, json);
  g_assert_cmpint (json_run.status, ==, 0);
  json_parser_load_from_data (parser, json_run.out, -1, &error);
  g_assert_no_error (error);
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      found |= g_strcmp0 (json_object_get_string_member (row, "group"), EVIL_ENDPOINT) == 0;
    }
  g_assert_true (found);
}

/* The calls behind a figure: the endpoint written out in the table, its columns in line;
 * exact in the JSON.
 */
static void
test_calls_escapes (void)
{
  const char * const table[] = {
    "usage", "calls", "--from", "2026-03-08", "--to", "2026-03-08", NULL,
  };
  const char * const json[] = {
    "usage", "calls", "--from", "2026-03-08", "--to", "2026-03-08", "--json", NULL,
  };
  g_auto(CtlRun) text_run = { 0 };
  g_auto(CtlRun) json_run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root;
  JsonArray *rows;
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  run_ctl (&text_run, db, table);
  g_test_message ("%s", text_run.out);
  g_assert_cmpint (text_run.status, ==, 0);
  assert_inert (text_run.out, "the table");
  g_assert_nonnull (strstr (text_run.out,
                            "  /v1/\\x1B]0;pwned\\x07geo\\x1B[2K\\r\\u202Eevil\\u009B  "));

  /* Heading, blank line, column titles, one call: the status ends under its title. */
  lines = g_strsplit (text_run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  {
    const char *title_end = strstr (lines[2], "status") + strlen ("status");
    glong column = g_utf8_pointer_to_offset (lines[2], title_end);
    g_autofree char *head = NULL;

    g_assert_cmpint (g_utf8_strlen (lines[3], -1), >, column);
    head = g_utf8_substring (lines[3], 0, column);
    g_assert_true (g_str_has_suffix (head, "200"));
  }

  run_ctl (&json_run, db, json);
  g_assert_cmpint (json_run.status, ==, 0);
  json_parser_load_from_data (parser, json_run.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  rows = json_object_get_array_member (root, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0),
                                                  "api_endpoint"), ==, EVIL_ENDPOINT);
  g_assert_true (json_object_get_null_member (root, "next_after_id"));
}

/* A jsonb column comes out in --json as the JSON it holds, exactly: an integer beyond
 * int64 and a decimal that is no double stay as PostgreSQL writes them (json-glib alone
 * made the first negative and the second 0.81999999999999995), a control character stays
 * escaped, and a string that looks like tollgatectl's own placeholders stays a string.
 */
static void
test_calls_json_exact (void)
{
  const char * const json[] = {
    "usage", "calls", "--from", "2026-02-10", "--to", "2026-02-10", "--json", NULL,
  };
  const char *forged = "tollgatectl-json-00000000-0000-4000-8000-000000000000-0";
  g_auto(CtlRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;
  JsonObject *row;
  JsonObject *request;
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  insert = g_strdup_printf (
    "INSERT INTO tollgate.api_usage_tracking (api_provider, api_endpoint, request_type, "
    "  response_status, created_at, request_data, response_data) "
    "VALUES ('here', '/v1/geocode', 'GET', 200, '2026-02-10 10:00+00', "
    "        '{\"n\": 12345678901234567890, \"x\": 0.82, \"s\": \"%s\", "
    "          \"e\": \"\\u001b[2J\"}', "
    "        '[0.1, 3, \"%s\"]')", forged, forged);
  tg_test_db_exec (db, insert);

  run_ctl (&run, db, json);
  g_test_message ("%s", run.out);
  g_assert_cmpint (run.status, ==, 0);
  assert_inert (run.out, "the JSON");
  g_assert_nonnull (strstr (run.out, "\"n\": 12345678901234567890"));
  g_assert_nonnull (strstr (run.out, "\"x\": 0.82"));
  g_assert_nonnull (strstr (run.out, "[0.1, 3, \""));
  g_assert_null (strstr (run.out, "0.8199"));

  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  row = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "rows"),
    0);
  request = json_object_get_object_member (row, "request_data");
  g_assert_cmpstr (json_object_get_string_member (request, "s"), ==, forged);
  g_assert_cmpstr (json_object_get_string_member (request, "e"), ==, "\033[2J");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (row,
                                                                                "response_data"),
                                                  2), ==, forged);
}

/* Costs that leave out unpriced calls say so under the table, with the count the JSON
 * gives and the groups they are in; a table whose costs are whole says nothing more.
 */
static void
test_unpriced (void)
{
  const char * const set_usd[] = { "settings", "set", "reporting-currency", "USD", NULL };
  const char * const set_aud[] = { "settings", "set", "reporting-currency", "AUD", NULL };
  const char * const overview[] = { "usage", "overview", "--month", "2026-03", NULL };
  const char * const by_day[] = {
    "usage", "series", "--bucket", "day", "--from", "2026-03-01", "--to", "2026-03-31", NULL,
  };
  const char * const latency[] = {
    "usage", "latency", "--group-by", "region", "--from", "2026-03-01", "--to", "2026-03-31",
    NULL,
  };
  const char * const * const reports[] = { overview, by_day, latency };
  TgTestDb *db = get_db ();

  if (db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_auto(CtlRun) run = { 0 };

      run_ctl (&run, db, reports[i]);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_null (strstr (run.out, "no price"));
    }

  {
    g_auto(CtlRun) run = { 0 };

    run_ctl (&run, db, set_usd);
    g_assert_cmpint (run.status, ==, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_auto(CtlRun) run = { 0 };

      run_ctl (&run, db, reports[i]);
      g_test_message ("%s", run.out);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "\n3 billable calls have no price or no exchange "
                                         "rate into USD and are not in the cost ("));
    }

  {
    g_auto(CtlRun) run = { 0 };

    run_ctl (&run, db, overview);
    g_assert_true (g_str_has_suffix (run.out, "are not in the cost (geoscape 3).\n"));
  }

  {
    g_auto(CtlRun) run = { 0 };

    run_ctl (&run, db, set_aud);
    g_assert_cmpint (run.status, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refusal_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/db/ctl-edges/%s",
                                               refusal_cases[i].name);

      g_test_add_data_func (path, &refusal_cases[i], test_refusal);
    }
  g_test_add_func ("/tollgate/db/ctl-edges/settings-kept", test_settings_kept);
  g_test_add_func ("/tollgate/db/ctl-edges/widest", test_widest);
  g_test_add_func ("/tollgate/db/ctl-edges/escapes", test_escapes);
  g_test_add_func ("/tollgate/db/ctl-edges/calls-escapes", test_calls_escapes);
  g_test_add_func ("/tollgate/db/ctl-edges/calls-json-exact", test_calls_json_exact);
  g_test_add_func ("/tollgate/db/ctl-edges/unpriced", test_unpriced);

  status = g_test_run ();
  g_clear_pointer (&edges_db, tg_test_db_free);
  return status;
}
