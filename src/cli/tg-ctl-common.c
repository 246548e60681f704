/* tg-ctl-common.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg-ctl-common.h"
#include "tg-catalog-queries.h"
#include "tg-ctl-table.h"
#include "tg-forecast-queries.h"
#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-migrator.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

/**
 * tg_ctl_parse:
 *
 * Adds the options every subcommand shares (--db, --json) to @context and parses.
 *
 * Returns: -1 to go on, or the exit status to leave with (usage errors print why).
 */
int
tg_ctl_parse (GOptionContext   *context,
              TgCtlGlobals     *globals,
              int              *argc,
              char           ***argv)
{
  GOptionEntry shared[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &globals->db,
      "Database to use: a libpq conninfo string or URI (default: libpq's environment, "
      "PGHOST, PGDATABASE, PGSERVICE…)", "CONNINFO" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &globals->json,
      "Print machine-readable JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, shared, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  return -1;
}

/* Messages may quote the database or the command line: each line is escaped
 * (tg_ctl_text_escape()) before it reaches the terminal, and the lines stay lines.
 */
static void
print_message (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);

  g_printerr ("tollgatectl: ");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = tg_ctl_text_escape (lines[i]);

      g_printerr ("%s%s", i > 0 ? "\n" : "", line);
    }
  g_printerr ("\n");
}

int
tg_ctl_usage_error (GOptionContext *context,
                    const char     *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  print_message (message);
  if (context != NULL)
    g_printerr ("Try “%s --help”.\n", g_get_prgname ());

  return TG_CTL_EXIT_USAGE;
}

/**
 * tg_ctl_connect_any_schema:
 *
 * Connects for `tollgatectl migrate`, which meets databases at any schema version. The
 * session waits at most %TG_DB_LOCK_TIMEOUT_MS for a lock and runs a statement at most
 * %TG_DB_LONG_STATEMENT_MS (where the server, the role or the conninfo set no bound of
 * their own: tg_db_connect_bounded()), so that a lock held in someone's open transaction
 * fails a command with a message instead of stopping it forever.
 */
PGconn *
tg_ctl_connect_any_schema (TgCtlGlobals  *globals,
                           GError       **error)
{
  return tg_db_connect_bounded (globals->db, "tollgatectl", TG_DB_LOCK_TIMEOUT_MS,
                                TG_DB_LONG_STATEMENT_MS, error);
}

/**
 * tg_ctl_connect:
 *
 * Connects as tg_ctl_connect_any_schema() does, then checks that the database's schema
 * is the one this tollgatectl knows: a database never migrated, behind or ahead fails
 * here with what to do (run `tollgatectl migrate`, install a newer Tollgate) rather
 * than later with "relation does not exist".
 */
PGconn *
tg_ctl_connect (TgCtlGlobals  *globals,
                GError       **error)
{
  g_autoptr(PGconn) conn = tg_ctl_connect_any_schema (globals, error);
  GError *local_error = NULL;

  if (conn == NULL)
    return NULL;

  if (!tg_migrator_check_compatible (conn, NULL, &local_error))
    {
      /* Every Tollgate role may read the schema version; a login without one may not. */
      if (g_error_matches (local_error, TG_DB_ERROR, TG_DB_ERROR_PERMISSION_DENIED))
        g_prefix_error (&local_error, "Cannot read the schema version (a Tollgate role such as "
                                      "tollgate_viewer may): ");
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&conn);
}

/* Prints @error (which it frees) and returns the failure exit status. */
int
tg_ctl_fail (GError *error)
{
  print_message (error != NULL ? error->message : "failed");
  g_clear_error (&error);
  return TG_CTL_EXIT_FAILURE;
}

/* A bound of a numeric option as people read it: "10,000", "0.1". Whole numbers are
 * exact in a double up to 2^53 (the largest id tollgatectl takes).
 */
static char *
format_bound (double value)
{
  if (value == floor (value) && fabs (value) <= 9007199254740992.0)
    return tg_format_count ((gint64)value);

  return g_strdup_printf ("%g", value);
}

/**
 * tg_ctl_parse_number:
 * @range: what the option accepts
 * @text: the option's argument as given
 * @value: (out): the number, when it is accepted
 *
 * The one reader of numeric options. GOption's own take "nan", "inf", "0x10" and " 5":
 * a NaN was read as an option not given and an infinity overflowed the conversion to
 * microseconds. Here a number is written in decimal, with an optional exponent, and must
 * be finite, within @range and, where asked, whole.
 *
 * Returns: %FALSE with @error saying what the option takes
 */
gboolean
tg_ctl_parse_number (const TgCtlNumberRange  *range,
                     const char              *text,
                     double                  *value,
                     GError                 **error)
{
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;
  double number = NAN;

  g_return_val_if_fail (range != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  /* DOLLAR_ENDONLY: "$" would otherwise also match before a last newline, "5\n". */
  if (text != NULL &&
      g_regex_match_simple ("^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$", text,
                            G_REGEX_DOLLAR_ENDONLY, 0))
    number = g_ascii_strtod (text, NULL);

  if (isfinite (number) &&
      (range->above_min ? number > range->min : number >= range->min) &&
      number <= range->max &&
      (!range->whole || number == floor (number)))
    {
      *value = number;
      return TRUE;
    }

  min = format_bound (range->min);
  max = format_bound (range->max);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s takes a %s %s %s %s %s%s%s%s, not “%s”", range->option,
               range->whole ? "whole number" : "number",
               range->above_min ? "above" : "from", min,
               range->above_min ? "and at most" : "to", max,
               range->unit != NULL ? " (" : "", range->unit != NULL ? range->unit : "",
               range->unit != NULL ? ")" : "", text != NULL ? text : "");
  return FALSE;
}

/**
 * tg_ctl_parse_datetime:
 * @option: the option, as messages name it ("--as-of")
 * @text: its argument as given
 * @tz: the billing time zone, for a moment given without an offset
 * @usec: (out): the moment, UTC microseconds
 *
 * The one reader of moments on the command line: ISO 8601 with a time (2026-11-14T10:00,
 * seconds and fractions optional, a space for the T), with `Z` or an offset, or without
 * one in local time of @tz; in the supported calendar (TG_TIME_SUPPORTED_DATES).
 *
 * Returns: %FALSE with @error (%G_OPTION_ERROR_BAD_VALUE) saying what the option takes
 */
gboolean
tg_ctl_parse_datetime (const char  *option,
                       const char  *text,
                       GTimeZone   *tz,
                       gint64      *usec,
                       GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) local = NULL;
  int year;

  g_return_val_if_fail (option != NULL, FALSE);
  g_return_val_if_fail (tz != NULL, FALSE);
  g_return_val_if_fail (usec != NULL, FALSE);

  /* GLib's reader wants seconds; people write 10:00, and a space for the T. */
  regex = g_regex_new ("^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})"
                       "(:[0-9]{2}(\\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$",
                       G_REGEX_DOLLAR_ENDONLY, 0, NULL);
  if (text != NULL && g_regex_match (regex, text, 0, &match))
    {
      g_autofree char *date = g_match_info_fetch (match, 1);
      g_autofree char *time = g_match_info_fetch (match, 2);
      g_autofree char *seconds = g_match_info_fetch (match, 3);
      g_autofree char *offset = g_match_info_fetch (match, 5);
      g_autofree char *iso = g_strdup_printf ("%sT%s%s%s", date, time,
                                              seconds != NULL && *seconds != '\0' ? seconds : ":00",
                                              offset != NULL ? offset : "");

      dt = g_date_time_new_from_iso8601 (iso, tz);
    }

  if (dt == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: “%s” is not a date and time such as 2026-11-14T10:00 (local "
                   "time of the billing time zone) or 2026-11-13T23:00Z", option,
                   text != NULL ? text : "");
      return FALSE;
    }
  local = g_date_time_to_timezone (dt, tz);
  year = g_date_time_get_year (local);
  if (year < TG_TIME_FIRST_YEAR || year > TG_TIME_LAST_YEAR)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: choose a moment from " TG_TIME_SUPPORTED_DATES, option);
      return FALSE;
    }
  *usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/* Does the root hold an array or an object, or only plain values? */
static gboolean
json_is_nested (JsonNode *root)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (JSON_NODE_HOLDS_ARRAY (root))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = json_object_get_member (object, l->data);

      if (JSON_NODE_HOLDS_ARRAY (member) || JSON_NODE_HOLDS_OBJECT (member))
        return TRUE;
    }

  return FALSE;
}

/* The document as text: one line for a flat summary, indented for a report with rows. */
static char *
json_to_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  root = json_builder_get_root (builder);
  g_return_val_if_fail (root != NULL, NULL);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, json_is_nested (root));
  return json_generator_to_data (generator, NULL);
}

/**
 * tg_ctl_print_json:
 * @builder: a finished document
 *
 * Prints what --json asks for, with json-glib, so that any value is escaped as JSON
 * needs. A flat summary (settings, refresh, migrate, simulate) stays on one line, as it
 * always was, for the scripts that append it to a log a line a run; a report with rows
 * (usage, migrate --status) is indented for people reading it.
 */
void
tg_ctl_print_json (JsonBuilder *builder)
{
  g_autofree char *text = NULL;

  g_return_if_fail (JSON_IS_BUILDER (builder));

  text = json_to_text (builder);
  g_return_if_fail (text != NULL);
  g_print ("%s\n", text);
}

/* JSON text from the database (a jsonb column) written into --json as it is. json-glib
 * would read it into gint64 and double and write those back: 12345678901234567890 wrapped
 * round to a negative number, 0.82 came out as 0.81999999999999995. So the builder gets a
 * placeholder string instead, "tollgatectl-json-NONCE-N", and the generated text has
 * each quoted placeholder replaced by the N-th text. The nonce is random for each run,
 * so that no string from the database can stand for a placeholder.
 */
struct _TgCtlJsonRaw
{
  char      *prefix;    /* "\"tollgatectl-json-NONCE-" */
  GPtrArray *texts;     /* (element-type utf8): the N-th placeholder's text */
};

TgCtlJsonRaw *
tg_ctl_json_raw_new (void)
{
  TgCtlJsonRaw *self = g_new0 (TgCtlJsonRaw, 1);
  g_autofree char *nonce = g_uuid_string_random ();

  self->prefix = g_strdup_printf ("\"tollgatectl-json-%s-", nonce);
  self->texts = g_ptr_array_new_with_free_func (g_free);

  return self;
}

void
tg_ctl_json_raw_free (TgCtlJsonRaw *self)
{
  if (self == NULL)
    return;

  g_free (self->prefix);
  g_ptr_array_unref (self->texts);
  g_free (self);
}

/**
 * tg_ctl_json_add_raw:
 * @json: (nullable): valid JSON text, such as PostgreSQL writes a jsonb; %NULL: null
 *
 * Adds the member @name whose value is @json as it is, once the document is printed with
 * tg_ctl_print_json_raw().
 */
void
tg_ctl_json_add_raw (JsonBuilder  *builder,
                     TgCtlJsonRaw *raw,
                     const char   *name,
                     const char   *json)
{
  g_autofree char *placeholder = NULL;

  json_builder_set_member_name (builder, name);
  if (json == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  /* The prefix without its opening quote, which the generator adds. */
  placeholder = g_strdup_printf ("%s%u", raw->prefix + 1, raw->texts->len);
  g_ptr_array_add (raw->texts, g_strdup (json));
  json_builder_add_string_value (builder, placeholder);
}

/**
 * tg_ctl_print_json_raw:
 *
 * Prints @builder's document as tg_ctl_print_json() does, with the texts of @raw in place
 * of their placeholders: one pass over the text, however many there are.
 */
void
tg_ctl_print_json_raw (JsonBuilder  *builder,
                       TgCtlJsonRaw *raw)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) out = NULL;
  gsize prefix_length;
  const char *p;
  const char *hit;

  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (raw != NULL);

  text = json_to_text (builder);
  g_return_if_fail (text != NULL);

  out = g_string_sized_new (strlen (text));
  prefix_length = strlen (raw->prefix);
  for (p = text; (hit = strstr (p, raw->prefix)) != NULL;)
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (hit + prefix_length, &end, 10);

      g_return_if_fail (end != hit + prefix_length && *end == '"' && index < raw->texts->len);
      g_string_append_len (out, p, hit - p);
      g_string_append (out, g_ptr_array_index (raw->texts, index));
      p = end + 1;
    }
  g_string_append (out, p);

  g_print ("%s\n", out->str);
}

void
tg_ctl_json_add_int (JsonBuilder *builder,
                     const char  *name,
                     gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* @value %NULL: JSON's null. */
void
tg_ctl_json_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * tg_ctl_billing_load:
 * @billing: (out caller-allocates): zeroed; cleared with tg_ctl_billing_clear() whether
 *   or not this succeeds
 *
 * Reads the billing time zone and the reporting currency.
 */
gboolean
tg_ctl_billing_load (TgCtlBilling  *billing,
                     PGconn        *conn,
                     GError       **error)
{
  billing->tz_name = tg_settings_fetch_value (conn, "billing-timezone", error);
  if (billing->tz_name == NULL)
    return FALSE;
  billing->currency = tg_settings_fetch_value (conn, "reporting-currency", error);
  if (billing->currency == NULL)
    return FALSE;
  billing->tz = tg_time_zone_new_checked (billing->tz_name, error);
  return billing->tz != NULL;
}

void
tg_ctl_billing_clear (TgCtlBilling *billing)
{
  g_clear_pointer (&billing->tz, g_time_zone_unref);
  g_clear_pointer (&billing->tz_name, g_free);
  g_clear_pointer (&billing->currency, g_free);
}

static int
compare_scope_names (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

/**
 * tg_ctl_check_scope_name:
 *
 * Whether a --scope's name exists (forecast, budget): a provider of the catalogue, a
 * feature or a cost centre; or a usage error that lists them.
 *
 * Returns: -1 when it exists, else the exit status
 */
int
tg_ctl_check_scope_name (GOptionContext       *context,
                         PGconn               *conn,
                         TgForecastScopeKind   kind,
                         const char           *name)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) known = NULL;
  g_autofree char *list = NULL;
  const char *what;

  if (kind == TG_FORECAST_SCOPE_OVERALL)
    return -1;

  if (kind == TG_FORECAST_SCOPE_PROVIDER)
    {
      g_autoptr(GPtrArray) providers = tg_catalog_fetch_providers (conn, &error);
      g_autoptr(GStrvBuilder) slugs = g_strv_builder_new ();

      if (providers == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));
      for (guint i = 0; i < providers->len; i++)
        g_strv_builder_add (slugs, ((TgProvider *)g_ptr_array_index (providers, i))->slug);
      known = g_strv_builder_end (slugs);
      qsort (known, g_strv_length (known), sizeof (char *), compare_scope_names);
      what = "provider";
    }
  else
    {
      known = tg_forecast_fetch_scope_names (conn, kind, &error);
      if (known == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));
      what = kind == TG_FORECAST_SCOPE_FEATURE ? "feature" : "cost centre";
    }

  if (g_strv_contains ((const char * const *)known, name))
    return -1;

  {
    g_autofree char *escaped = tg_ctl_text_escape (name);
    g_autofree char *joined = g_strjoinv (", ", known);
    g_autofree char *escaped_list = tg_ctl_text_escape (joined);

    return tg_ctl_usage_error (context, "--scope: no %s “%s”; the %ss are %s", what, escaped,
                               what, *escaped_list != '\0' ? escaped_list : "none yet");
  }
}
