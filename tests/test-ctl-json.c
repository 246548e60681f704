/* test-ctl-json.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Scripts and cron jobs parse `tollgatectl … --json`: every command's output must stay
 * valid JSON with the same keys and the same types (ints stay ints, money stays a decimal
 * string), and a flat summary stays on one line. Runs the real binary ($TOLLGATECTL)
 * against a fresh database.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "tg-test-db.h"

/* Types in a spec: "name:int", ":string", ":bool", ":money" (a decimal string with two to
 * six decimals), ":array", ":object"; a trailing "?" allows null.
 */
static const char * const figures[] = {
  "calls:int", "billable_calls:int", "errors:int", "timeouts:int", "credits:money",
  "input_tokens:int", "output_tokens:int", "cost:money", "unpriced_calls:int",
  "p50_ms:int?", "p95_ms:int?", "p99_ms:int?", NULL,
};

static const char * const native_figures[] = {
  "cost_native:money?", "native_currency:string", NULL,
};

static void
check_member (JsonObject *object,
              const char *spec,
              const char *where)
{
  g_auto(GStrv) parts = g_strsplit (spec, ":", 2);
  const char *name = parts[0];
  g_autofree char *type = g_strdup (parts[1]);
  gboolean nullable = g_str_has_suffix (type, "?");
  JsonNode *node;
  GType value_type;

  if (nullable)
    type[strlen (type) - 1] = '\0';

  node = json_object_get_member (object, name);
  if (node == NULL)
    g_error ("%s: no member “%s”", where, name);
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        g_error ("%s: “%s” is null", where, name);
      return;
    }

  if (g_str_equal (type, "array") || g_str_equal (type, "object"))
    {
      if (!(g_str_equal (type, "array") ? JSON_NODE_HOLDS_ARRAY (node)
                                        : JSON_NODE_HOLDS_OBJECT (node)))
        g_error ("%s: “%s” is not an %s", where, name, type);
      return;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    g_error ("%s: “%s” is not a plain value", where, name);

  value_type = json_node_get_value_type (node);
  if (g_str_equal (type, "int"))
    {
      if (value_type != G_TYPE_INT64)
        g_error ("%s: “%s” is a %s, not an int", where, name, g_type_name (value_type));
    }
  else if (g_str_equal (type, "bool"))
    {
      if (value_type != G_TYPE_BOOLEAN)
        g_error ("%s: “%s” is a %s, not a boolean", where, name, g_type_name (value_type));
    }
  else if (g_str_equal (type, "string") || g_str_equal (type, "money"))
    {
      if (value_type != G_TYPE_STRING)
        g_error ("%s: “%s” is a %s, not a string", where, name, g_type_name (value_type));
      if (g_str_equal (type, "money") &&
          !g_regex_match_simple ("^-?[0-9]+\\.[0-9]{2,6}$", json_node_get_string (node), 0, 0))
        g_error ("%s: “%s” is “%s”, not a plain decimal amount", where, name,
                 json_node_get_string (node));
    }
  else
    g_assert_not_reached ();
}

/* @object has exactly the members of the NULL-terminated specs. */
static void
check_object (JsonObject         *object,
              const char         *where,
              const char * const *spec,
              const char * const *more_spec,
              const char * const *even_more_spec)
{
  const char * const *specs[] = { spec, more_spec, even_more_spec };
  guint n = 0;

  g_assert_nonnull (object);
  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    for (guint i = 0; specs[s] != NULL && specs[s][i] != NULL; i++, n++)
      check_member (object, specs[s][i], where);

  if (json_object_get_size (object) != n)
    {
      g_autoptr(GList) members = json_object_get_members (object);
      g_autoptr(GString) names = g_string_new (NULL);

      for (GList *l = members; l != NULL; l = l->next)
        g_string_append_printf (names, " %s", (const char *)l->data);
      g_error ("%s: %u members (%s) where %u were expected", where,
               json_object_get_size (object), names->str, n);
    }
}

/* Checks every element of the array member @name of @object. */
static void
check_elements (JsonObject         *object,
                const char         *name,
                const char * const *spec,
                const char * const *more_spec,
                const char * const *even_more_spec)
{
  JsonArray *array = json_object_get_array_member (object, name);

  g_assert_cmpuint (json_array_get_length (array), >, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s[%u]", name, i);

      check_object (json_array_get_object_element (array, i), where, spec, more_spec,
                    even_more_spec);
    }
}

/* Runs tollgatectl with the arguments after "tollgatectl" (NULL-terminated) on @db with
 * --json; returns its output parsed, an object. @one_line: the output is a single line.
 */
static JsonObject *
run_json (TgTestDb   *db,
          gboolean    one_line,
          const char *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonNode *root;
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("TOLLGATECTL")));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, g_strdup_printf ("--db=%s", db->conninfo));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("tollgatectl %s failed: %s", first, err);

  if (one_line)
    {
      g_assert_true (g_str_has_suffix (out, "}\n"));
      g_assert_cmpint (strchr (out, '\n') - out, ==, (gssize)strlen (out) - 1);
    }

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

/* A fresh database for tollgatectl, or %NULL when the test skipped. */
static TgTestDb *
ctl_db_new (gboolean migrate)
{
  if (g_getenv ("TOLLGATECTL") == NULL)
    {
      g_test_skip ("TOLLGATECTL is not set (run through meson test)");
      return NULL;
    }

  return tg_test_db_new (migrate);
}

/* usage calls: a row has every column of tollgate.api_usage_tracking under its own name,
 * jsonb as JSON (the simulated requests and responses are objects), money as decimal
 * strings, and its costs; pages follow next_after_id, an int until the last page's null.
 */
static const char * const call_columns[] = {
  "api_usage_id:int", "created_at:string", "user_id:int?", "api_provider:string",
  "api_endpoint:string", "request_type:string", "call_count:int", "credit_cost:money",
  "response_time:int?", "request_data:object?", "response_data:object?",
  "response_status:int", "billing_period:string?", "is_billable:bool", "ip_address:string?",
  "user_agent:string?", "feature:string?", "region:string?", NULL,
};

static const char * const call_costs[] = {
  "native_currency:string?", "cost_native:money?", "cost:money?", NULL,
};

static void
test_calls_shapes (TgTestDb           *db,
                   const char * const *usage_context)
{
  const char * const spec[] = { "rows:array", "next_after_id:int?", NULL };
  g_autofree char *after = NULL;
  gint64 listed = 0;
  guint pages = 0;

  do
    {
      /* The first page without --after-id: the argument list ends there. */
      g_autofree char *after_option = after != NULL ? g_strdup_printf ("--after-id=%s", after)
                                                    : NULL;
      g_autoptr(JsonObject) object = run_json (db, FALSE, "usage", "calls",
                                               "--from", "2026-03-09", "--to", "2026-03-10",
                                               "--limit", "300", after_option, NULL);
      JsonArray *rows = json_object_get_array_member (object, "rows");
      JsonNode *next = json_object_get_member (object, "next_after_id");

      check_object (object, "usage calls", spec, usage_context, NULL);
      check_elements (object, "rows", call_columns, call_costs, NULL);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);

          /* The instant to the microsecond, in the billing time zone (UTC here). */
          g_assert_true (g_regex_match_simple ("^2026-03-(09|10)T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                               "\\.[0-9]{6}\\+00:00$",
                                               json_object_get_string_member (row, "created_at"),
                                               0, 0));
        }
      listed += json_array_get_length (rows);
      pages++;

      g_clear_pointer (&after, g_free);
      if (!JSON_NODE_HOLDS_NULL (next))
        {
          JsonObject *last = json_array_get_object_element (rows, json_array_get_length (rows) - 1);

          g_assert_cmpint (json_array_get_length (rows), ==, 300);
          g_assert_cmpint (json_node_get_int (next), ==,
                           json_object_get_int_member (last, "api_usage_id"));
          after = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));
        }
    }
  while (after != NULL);

  g_assert_cmpuint (pages, >, 1);
  g_assert_cmpint (listed, ==, tg_test_db_scalar_int (db,
    "SELECT count(*) FROM tollgate.api_usage_tracking "
    "WHERE created_at >= '2026-03-09 00:00+00' AND created_at < '2026-03-11 00:00+00'"));
}

static void
test_shapes (void)
{
  g_autoptr(TgTestDb) db = NULL;
  const char * const usage_context[] = { "timezone:string", "currency:string", NULL };

  db = ctl_db_new (FALSE);
  if (db == NULL)
    return;

  {
    g_autoptr(JsonObject) object = run_json (db, TRUE, "migrate", NULL);
    const char * const spec[] = { "applied:int", "schema_version:int", NULL };

    check_object (object, "migrate", spec, NULL, NULL);
    g_assert_cmpint (json_object_get_int_member (object, "applied"), >, 0);
  }

  {
    g_autoptr(JsonObject) object = run_json (db, FALSE, "migrate", "--status", NULL);
    const char * const spec[] = {
      "schema_version:int", "program_version:int", "pending:int", "migrations:array", NULL,
    };
    const char * const migration[] = {
      "version:int", "name:string", "state:string", "applied_at:string", NULL,
    };

    check_object (object, "migrate --status", spec, NULL, NULL);
    check_elements (object, "migrations", migration, NULL, NULL);
  }

  {
    g_autoptr(JsonObject) object = run_json (db, TRUE, "simulate", "--history", "2",
                                             "--end", "2026-03-10", "--seed", "3",
                                             "--rows-per-day", "400", "--jobs", "1", NULL);
    const char * const spec[] = {
      "mode:string", "seed:int", "from:string", "to:string", "days:int",
      "stopped_at_now:bool", "skipped_days:int", "rows:int", "calls:int", "milliseconds:int",
      "rows_per_second:int", "calls_per_second:int", NULL,
    };

    check_object (object, "simulate", spec, NULL, NULL);
  }

  {
    g_autoptr(JsonObject) object = run_json (db, TRUE, "refresh", NULL);
    const char * const spec[] = { "rows_added:int", "last_id:int", NULL };

    check_object (object, "refresh", spec, NULL, NULL);
    g_assert_cmpint (json_object_get_int_member (object, "rows_added"), >, 0);
  }

  {
    g_autoptr(JsonObject) object = run_json (db, TRUE, "refresh", "--recompute",
                                             "--from", "2026-03-09", NULL);
    const char * const spec[] = { "recomputed_rows:int", NULL };

    check_object (object, "refresh --recompute", spec, NULL, NULL);
  }

  {
    g_autoptr(JsonObject) set = run_json (db, TRUE, "settings", "set", "reporting-currency",
                                          "AUD", NULL);
    g_autoptr(JsonObject) get = run_json (db, TRUE, "settings", "get", "billing-timezone", NULL);
    const char * const spec[] = { "key:string", "value:string", NULL };

    check_object (set, "settings set", spec, NULL, NULL);
    check_object (get, "settings get", spec, NULL, NULL);
    g_assert_cmpstr (json_object_get_string_member (set, "value"), ==, "AUD");
    g_assert_cmpstr (json_object_get_string_member (get, "key"), ==, "billing-timezone");
  }

  {
    g_autoptr(JsonObject) object = run_json (db, FALSE, "usage", "overview",
                                             "--month", "2026-03", NULL);
    const char * const spec[] = { "period:string", "providers:array", "total:object", NULL };
    const char * const provider[] = { "provider:string", NULL };

    check_object (object, "usage overview", spec, usage_context, NULL);
    check_elements (object, "providers", provider, figures, native_figures);
    check_object (json_object_get_object_member (object, "total"), "total", figures, NULL, NULL);
  }

  for (guint latency = 0; latency < 2; latency++)
    {
      g_autoptr(JsonObject) object = NULL;
      const char * const spec[] = { "bucket:string", "group_by:string", "rows:array", NULL };
      const char * const row[] = { "start:string", "group:string", NULL };

      if (latency)
        object = run_json (db, FALSE, "usage", "latency", "--from", "2026-03-09",
                           "--to", "2026-03-10", NULL);
      else
        object = run_json (db, FALSE, "usage", "series", "--bucket", "day",
                           "--from", "2026-03-09", "--to", "2026-03-10", NULL);

      check_object (object, latency ? "usage latency" : "usage series", spec, usage_context,
                    NULL);
      check_elements (object, "rows", row, figures, NULL);
    }

  test_calls_shapes (db, usage_context);
}

/* A value holding quotes and a backslash comes out as the same string, not broken JSON.
 * Only another writer could store one (tollgatectl and the database both check settings):
 * the test steps past the database's check to play that writer.
 */
static void
test_escaping (void)
{
  g_autoptr(TgTestDb) db = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *value = "Say \"hi\" \\ to Zoë";

  db = ctl_db_new (TRUE);
  if (db == NULL)
    return;

  tg_test_db_exec (db, "ALTER TABLE tollgate.settings DISABLE TRIGGER settings_valid");
  tg_test_db_exec (db, "UPDATE tollgate.settings SET value = 'Say \"hi\" \\ to Zoë' "
                       "WHERE key = 'billing-timezone'");

  object = run_json (db, TRUE, "settings", "get", "billing-timezone", NULL);
  g_assert_cmpstr (json_object_get_string_member (object, "value"), ==, value);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tollgate/db/ctl-json/commands/shapes", test_shapes);
  g_test_add_func ("/tollgate/db/ctl-json/commands/escaping", test_escaping);

  return g_test_run ();
}
