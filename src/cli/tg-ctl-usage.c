/* tg-ctl-usage.c — tollgatectl usage overview|series|latency|top|calls
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-calls-queries.h"
#include "tg-catalog-queries.h"
#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

static void
add_percentile (JsonBuilder      *builder,
                const char       *name,
                const TgUsageRow *row,
                double            p)
{
  double value = tg_usage_row_get_percentile (row, p);

  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, (gint64)llround (value));
}

static void
add_money (JsonBuilder *builder,
           const char  *name,
           gint64       micros)
{
  g_autofree char *text = tg_money_to_exact (micros);

  tg_ctl_json_add_string (builder, name, text);
}

/* The keys every row shares: calls to percentiles. */
static void
add_figures (JsonBuilder      *builder,
             const TgUsageRow *row,
             gboolean          with_native)
{
  tg_ctl_json_add_int (builder, "calls", row->calls);
  tg_ctl_json_add_int (builder, "billable_calls", row->billable_calls);
  tg_ctl_json_add_int (builder, "errors", row->errors);
  tg_ctl_json_add_int (builder, "timeouts", row->timeouts);
  add_money (builder, "credits", row->credits);
  tg_ctl_json_add_int (builder, "input_tokens", row->input_tokens);
  tg_ctl_json_add_int (builder, "output_tokens", row->output_tokens);
  if (with_native)
    {
      if (*row->native_currency != '\0')
        add_money (builder, "cost_native", row->cost_native);
      else
        tg_ctl_json_add_string (builder, "cost_native", NULL);
      tg_ctl_json_add_string (builder, "native_currency", row->native_currency);
    }
  add_money (builder, "cost", row->cost);
  tg_ctl_json_add_int (builder, "unpriced_calls", row->unpriced_calls);
  add_percentile (builder, "p50_ms", row, 0.50);
  add_percentile (builder, "p95_ms", row, 0.95);
  add_percentile (builder, "p99_ms", row, 0.99);
}

/* The JSON members before "providers" or "rows". */
static void
add_context (JsonBuilder        *builder,
             const TgCtlBilling *ctx)
{
  tg_ctl_json_add_string (builder, "timezone", ctx->tz_name);
  tg_ctl_json_add_string (builder, "currency", ctx->currency);
}

/* Milliseconds grouped like any count, or a dash where there were no calls to time. */
static char *
format_percentile (const TgUsageRow *row,
                   double            p)
{
  double value = tg_usage_row_get_percentile (row, p);

  return isnan (value) ? g_strdup ("–") : tg_format_count (llround (value));
}

/* The table of figures for people: counts and amounts grouped as the window shows them,
 * costs to the reporting currency's minor unit. Only the overview has native costs.
 */
static TgCtlTable *
figures_table_new (const char *first,
                   const char *currency,
                   gboolean    with_native)
{
  TgCtlTable *table = tg_ctl_table_new (0);
  g_autofree char *cost = g_strdup_printf ("cost %s", currency);

  tg_ctl_table_add_column (table, first, TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "calls", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "billable", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "errors", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "credits", TG_CTL_ALIGN_RIGHT);
  if (with_native)
    tg_ctl_table_add_column (table, "cost native", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, cost, TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "p50 ms", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "p95 ms", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "p99 ms", TG_CTL_ALIGN_RIGHT);

  return table;
}

/* @with_native: as the table was made; a row without a native currency (the total) leaves
 * that cell empty.
 */
static void
figures_table_add (TgCtlTable       *table,
                   const char       *label,
                   const TgUsageRow *row,
                   const char       *currency,
                   gboolean          with_native)
{
  g_autofree char *calls = tg_format_count (row->calls);
  g_autofree char *billable = tg_format_count (row->billable_calls);
  g_autofree char *errors = tg_format_count (row->errors);
  g_autofree char *credits = tg_format_micros (row->credits, 6);
  g_autofree char *cost_native = NULL;
  g_autofree char *cost = tg_format_decimal (row->cost, tg_currency_get_decimals (currency));
  g_autofree char *p50 = format_percentile (row, 0.50);
  g_autofree char *p95 = format_percentile (row, 0.95);
  g_autofree char *p99 = format_percentile (row, 0.99);
  const char *cells[11];
  guint n = 0;

  cells[n++] = label;
  cells[n++] = calls;
  cells[n++] = billable;
  cells[n++] = errors;
  cells[n++] = credits;
  if (with_native)
    {
      if (*row->native_currency != '\0')
        cost_native = tg_format_money (row->cost_native, row->native_currency);
      cells[n++] = cost_native != NULL ? cost_native : "";
    }
  cells[n++] = cost;
  cells[n++] = p50;
  cells[n++] = p95;
  cells[n++] = p99;
  cells[n] = NULL;

  tg_ctl_table_add_rowv (table, cells);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

/* The first line of a text report. The time zone passed tg_time_zone_new_checked(); the
 * currency is the database's text like any other, and escaped as the table's cells are.
 */
static void
print_heading (const char         *what,
               const TgCtlBilling *ctx)
{
  g_autofree char *currency = tg_ctl_text_escape (ctx->currency);

  g_print ("%s (%s), cost in %s\n\n", what, ctx->tz_name, currency);
}

/* What the window's header says with its warning icon, said under a table: costs leave
 * out the billable calls without a price or an exchange rate into the reporting currency,
 * so a cost of 0.00 is not read as free. Up to a few groups are named, most first; the
 * JSON has the same count per row as "unpriced_calls".
 */
#define MAX_UNPRICED_GROUPS 5

static int
compare_unpriced (gconstpointer a,
                  gconstpointer b)
{
  const TgUsageRow *x = *(const TgUsageRow * const *)a;
  const TgUsageRow *y = *(const TgUsageRow * const *)b;

  if (x->unpriced_calls != y->unpriced_calls)
    return x->unpriced_calls > y->unpriced_calls ? -1 : 1;
  return g_strcmp0 (x->group, y->group);
}

static void
print_unpriced_note (GPtrArray  *rows,
                     const char *currency)
{
  g_autoptr(GHashTable) by_group = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *count = NULL;
  g_autofree char *escaped_currency = tg_ctl_text_escape (currency);
  gint64 unpriced = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);
      TgUsageRow *group;

      if (row->unpriced_calls == 0)
        continue;
      unpriced += row->unpriced_calls;

      group = g_hash_table_lookup (by_group, row->group);
      if (group == NULL)
        {
          group = tg_usage_row_new ();
          g_free (group->group);
          group->group = g_strdup (row->group);
          g_ptr_array_add (groups, group);
          g_hash_table_insert (by_group, group->group, group);
        }
      group->unpriced_calls += row->unpriced_calls;
    }

  if (unpriced == 0)
    return;

  g_ptr_array_sort (groups, compare_unpriced);
  for (guint i = 0; i < groups->len && i < MAX_UNPRICED_GROUPS; i++)
    {
      TgUsageRow *group = g_ptr_array_index (groups, i);
      g_autofree char *name = tg_ctl_text_escape (*group->group != '\0' ? group->group : "–");
      g_autofree char *calls = tg_format_count (group->unpriced_calls);

      g_string_append_printf (names, "%s%s %s", i > 0 ? ", " : "", name, calls);
    }
  if (groups->len > MAX_UNPRICED_GROUPS)
    g_string_append_printf (names, " and %u more", groups->len - MAX_UNPRICED_GROUPS);

  count = tg_format_count (unpriced);
  g_print ("\n%s billable call%s no price or no exchange rate into %s and %s not in the "
           "cost (%s).\n",
           count, unpriced == 1 ? " has" : "s have", escaped_currency,
           unpriced == 1 ? "is" : "are", names->str);
}

/* --provider: a slug of the catalogue, or a usage error that lists them. */
static int
check_provider (GOptionContext *context,
                PGconn         *conn,
                const char     *provider)
{
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GStrvBuilder) slugs = NULL;
  g_auto(GStrv) known = NULL;
  g_autofree char *list = NULL;
  g_autoptr(GError) error = NULL;

  if (provider == NULL)
    return -1;

  providers = tg_catalog_fetch_providers (conn, &error);
  if (providers == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  if (tg_catalog_find_provider (providers, provider) != NULL)
    return -1;

  slugs = g_strv_builder_new ();
  for (guint i = 0; i < providers->len; i++)
    g_strv_builder_add (slugs, ((TgProvider *)g_ptr_array_index (providers, i))->slug);
  known = g_strv_builder_end (slugs);
  qsort (known, g_strv_length (known), sizeof (char *), compare_strings);
  list = g_strjoinv (", ", known);

  return tg_ctl_usage_error (context, "--provider: no provider “%s”; the providers are %s",
                             provider, *list != '\0' ? list : "none yet");
}

static int
usage_overview (TgCtlGlobals  *globals,
                int            argc,
                char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autofree char *month = NULL;
  g_auto(TgCtlBilling) ctx = { 0 };
  gint64 bounds[2];
  TgUsageRow *total = NULL;
  GDate first_day;
  g_autoptr(TgUsageRow) empty = tg_usage_row_new ();
  GOptionEntry entries[] = {
    { "month", 0, 0, G_OPTION_ARG_STRING, &month,
      "Billing month (default: this month in the billing time zone)", "YYYY-MM" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "Calls, credits, cost and latency per provider for one billing month, exact up to now.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);
  if (month != NULL && !tg_time_bucket_parse_month (month, &first_day, &error))
    return tg_ctl_usage_error (context, "--month: %s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  if (month == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (ctx.tz);

      month = g_date_time_format (now, "%Y-%m");
    }

  if (!tg_time_bucket_month_bounds (ctx.tz, month, &bounds[0], &bounds[1], &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  providers = tg_usage_fetch_series (conn, bounds, 2, TG_USAGE_GROUP_PROVIDER, NULL, &error);
  if (providers != NULL)
    totals = tg_usage_fetch_series (conn, bounds, 2, TG_USAGE_GROUP_NONE, NULL, &error);
  if (totals == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  total = totals->len > 0 ? g_ptr_array_index (totals, 0) : empty;

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "period", month);
      add_context (builder, &ctx);
      json_builder_set_member_name (builder, "providers");
      json_builder_begin_array (builder);
      for (guint i = 0; i < providers->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (providers, i);

          json_builder_begin_object (builder);
          tg_ctl_json_add_string (builder, "provider", row->group);
          add_figures (builder, row, TRUE);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_begin_object (builder);
      add_figures (builder, total, FALSE);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autoptr(TgCtlTable) table = figures_table_new ("provider", ctx.currency, TRUE);

      g_autofree char *what = g_strdup_printf ("Usage for %s", month);

      print_heading (what, &ctx);
      for (guint i = 0; i < providers->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (providers, i);

          figures_table_add (table, row->group, row, ctx.currency, TRUE);
        }
      figures_table_add (table, "total", total, ctx.currency, TRUE);
      tg_ctl_table_print (table);
      print_unpriced_note (providers, ctx.currency);
    }

  return TG_CTL_EXIT_OK;
}

/* series and latency share options and output; latency is one bucket over the range. */
static int
usage_series_or_latency (TgCtlGlobals  *globals,
                         int            argc,
                         char         **argv,
                         gboolean       latency)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) starts = NULL;
  g_autoptr(GArray) bounds = NULL;
  g_autofree char *bucket_name = NULL;
  g_autofree char *group_name = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *provider = NULL;
  g_auto(TgCtlBilling) ctx = { 0 };
  TgBucketSize bucket = TG_BUCKET_DAY;
  TgUsageGroupBy group_by = TG_USAGE_GROUP_PROVIDER;
  GDate from_date;
  GDate to_date;
  GOptionEntry series_entries[] = {
    { "bucket", 0, 0, G_OPTION_ARG_STRING, &bucket_name,
      "15min, hour, day, week (ISO, from Monday) or month, in the billing time zone", "SIZE" },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_name,
      "provider, endpoint, request-type, feature, cost-centre, region, status-class, none, "
      "or user (with --bucket day, week or month)", "GROUP" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "First local date (billing time zone), from " TG_TIME_SUPPORTED_DATES, "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last local date, inclusive", "DATE" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "Only this provider", "SLUG" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context, latency
    ? "Latency percentiles, calls and error rates per group over a range of local dates."
    : "Usage per time bucket and group over a range of local dates (widened to whole buckets).");
  g_option_context_add_main_entries (context, series_entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (from == NULL || to == NULL)
    return tg_ctl_usage_error (context, "--from and --to are required (YYYY-MM-DD)");
  if (!tg_time_bucket_parse_date (from, &from_date, &error))
    return tg_ctl_usage_error (context, "--from: %s", error->message);
  if (!tg_time_bucket_parse_date (to, &to_date, &error))
    return tg_ctl_usage_error (context, "--to: %s", error->message);
  if (g_date_compare (&from_date, &to_date) > 0)
    return tg_ctl_usage_error (context, "--from %s is after --to %s", from, to);
  if (latency && bucket_name != NULL)
    return tg_ctl_usage_error (context, "latency has no --bucket: it covers the whole range");
  if (!latency && bucket_name == NULL)
    return tg_ctl_usage_error (context, "--bucket is required (15min, hour, day, week or month)");
  if (bucket_name != NULL && !tg_bucket_size_parse (bucket_name, &bucket, &error))
    return tg_ctl_usage_error (context, "%s", error->message);
  if (group_name != NULL && !tg_usage_group_by_parse (group_name, &group_by))
    return tg_ctl_usage_error (context, "cannot group by “%s”: use provider, endpoint, "
                               "request-type, feature, cost-centre, region, status-class, "
                               "none or user", group_name);
  /* The per-user levels keep local days of the billing time zone, and no latency. */
  if (group_by == TG_USAGE_GROUP_USER && latency)
    return tg_ctl_usage_error (context, "latency is not kept per user: group the latency by "
                               "anything else, or see the users' calls and cost with "
                               "“series --group-by user”");
  if (group_by == TG_USAGE_GROUP_USER && bucket != TG_BUCKET_DAY && bucket != TG_BUCKET_WEEK &&
      bucket != TG_BUCKET_MONTH)
    return tg_ctl_usage_error (context, "usage by user is kept per local day of the billing "
                               "time zone: use --bucket day, week or month");

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if ((ret = check_provider (context, conn, provider)) >= 0)
    return ret;

  bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (latency)
    {
      gint64 start = tg_time_bucket_day_start (ctx.tz, &from_date);
      gint64 end;
      GDate after = to_date;

      g_date_add_days (&after, 1);
      end = tg_time_bucket_day_start (ctx.tz, &after);
      g_array_append_val (bounds, start);
      g_array_append_val (bounds, end);
    }
  else
    {
      gint64 end;

      starts = tg_time_bucket_range (ctx.tz, bucket, &from_date, &to_date, &error);
      if (starts == NULL)
        return tg_ctl_usage_error (context, "%s", error->message);
      g_array_append_vals (bounds, starts->data, starts->len);
      /* Days the zone skipped (Samoa's 2011-12-30) have no bucket: nothing to report. */
      if (starts->len > 0)
        {
          end = tg_time_bucket_next (ctx.tz, bucket,
                                     g_array_index (starts, gint64, starts->len - 1));
          g_array_append_val (bounds, end);
        }
    }

  if (bounds->len < 2)
    rows = g_ptr_array_new_with_free_func ((GDestroyNotify)tg_usage_row_unref);
  else
    rows = tg_usage_fetch_series (conn, (const gint64 *)bounds->data, bounds->len, group_by,
                                  provider, &error);
  if (rows == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "bucket",
                              latency ? "range" : tg_bucket_size_to_string (bucket));
      tg_ctl_json_add_string (builder, "group_by", tg_usage_group_by_to_string (group_by));
      add_context (builder, &ctx);
      json_builder_set_member_name (builder, "rows");
      json_builder_begin_array (builder);
      for (guint i = 0; i < rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (rows, i);
          g_autofree char *start = tg_time_bucket_format_start (ctx.tz, row->start);

          json_builder_begin_object (builder);
          tg_ctl_json_add_string (builder, "start", start);
          tg_ctl_json_add_string (builder, "group", row->group);
          add_figures (builder, row, FALSE);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autoptr(TgCtlTable) table = figures_table_new ("start / group", ctx.currency, FALSE);

      g_autofree char *what = g_strdup_printf ("%s from %s to %s", latency ? "Latency" : "Usage",
                                               from, to);

      print_heading (what, &ctx);
      for (guint i = 0; i < rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (rows, i);
          g_autofree char *start = tg_time_bucket_format_start (ctx.tz, row->start);
          g_autofree char *label = g_strdup_printf ("%.16s %s", start, row->group);

          figures_table_add (table, label, row, ctx.currency, FALSE);
        }
      tg_ctl_table_print (table);
      print_unpriced_note (rows, ctx.currency);
    }

  return TG_CTL_EXIT_OK;
}

/* tollgatectl usage top: the groups that cost the most over a range of local days, the
 * rest and the total (tg_usage_fetch_top()). Scripts read its JSON, whose members are fixed:
 *
 *   {"by": "user", "from": "2026-11-01", "to": "2026-11-30", "currency": "AUD",
 *    "rows": [{"group": "100042", "calls": 1234, "cost": "56.78", "share": "0.1234"}, …],
 *    "rest": {"calls": 5678, "cost": "90.12"}, "total": {"calls": 6912, "cost": "146.90"}}
 *
 * "by" is the --by name as written below; "from" and "to" the dates given; "group" the
 * user id ("" for calls made without a user), the provider's slug, the endpoint, … as
 * series prints them; money as series prints it (exact micro-units, at least two
 * decimals); "share" the row's cost over the total's, both as printed, rounded half away
 * from zero to four decimals ("0.0000" when nothing cost anything); "rest" and "total" the
 * same members as a row without "group" and "share". Rows come most expensive first; ties
 * go to more calls, then to the group in byte order (users by id, the calls without a user
 * last). Each amount is its own exact sum rounded once, so the rows and the rest may differ
 * from the total by a few micro-units.
 */
static const char * const top_groupings[] = {
  "user", "feature", "cost-centre", "endpoint", "request-type", "region", "provider",
  "status-class", NULL,   /* NULL-terminated for g_strjoinv() */
};

/* Ten-thousandths as "0.1234". */
static char *
share_text (guint share)
{
  return g_strdup_printf ("%u.%04u", share / 10000, share % 10000);
}

static void
add_top_figures (JsonBuilder      *builder,
                 const TgUsageRow *row)
{
  tg_ctl_json_add_int (builder, "calls", row->calls);
  add_money (builder, "cost", row->cost);
}

/* What a row is called in the text table: a name where the catalogue has one. */
static char *
top_label (const TgUsageTop *top,
           guint             i)
{
  const TgUsageRow *row = g_ptr_array_index (top->rows, i);
  const char *name = g_ptr_array_index (top->display_names, i);

  if (*row->group == '\0')
    return g_strdup (top->group_by == TG_USAGE_GROUP_USER ? "(no user)" : "–");
  if (name != NULL && g_strcmp0 (name, row->group) != 0)
    return g_strdup_printf ("%s (%s)", name, row->group);
  return g_strdup (row->group);
}

static void
top_table_add (TgCtlTable       *table,
               const char       *rank,
               const char       *label,
               const TgUsageRow *row,
               gint64            total_cost,
               const char       *currency)
{
  g_autofree char *calls = tg_format_count (row->calls);
  g_autofree char *cost = tg_format_decimal (row->cost, tg_currency_get_decimals (currency));
  guint share = tg_usage_share (row->cost, total_cost);
  g_autofree char *percent = g_strdup_printf ("%u.%02u %%", share / 100, share % 100);

  tg_ctl_table_add_row (table, rank, label, calls, cost, percent, NULL);
}

static int
usage_top (TgCtlGlobals  *globals,
           int            argc,
           char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(TgUsageTop) top = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *limit_text = NULL;
  g_autofree char *by_list = g_strjoinv (", ", (char **)top_groupings);
  g_auto(TgCtlBilling) ctx = { 0 };
  TgUsageGroupBy group_by = TG_USAGE_GROUP_USER;
  const char *by = NULL;
  gint64 bounds[2];
  GDate from_date;
  GDate to_date;
  GDate after;
  double limit = 10;
  const TgCtlNumberRange limit_range = {
    "--limit", 1, TG_USAGE_TOP_MAX_LIMIT, FALSE, TRUE, "groups"
  };
  GOptionEntry entries[] = {
    { "by", 0, 0, G_OPTION_ARG_STRING, &by_name,
      "user, feature, cost-centre, endpoint, request-type, region, provider or status-class",
      "GROUP" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "First local date (billing time zone), from " TG_TIME_SUPPORTED_DATES, "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last local date, inclusive", "DATE" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      "How many groups to list before the rest (default 10, at most 10000)", "N" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "Only this provider's calls", "SLUG" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "The groups that cost the most over a range of local dates, each with its share of the\n"
    "cost, the other groups summed, and the total; exact up to now.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (by_name == NULL)
    return tg_ctl_usage_error (context, "--by is required: %s", by_list);
  /* Any spelling tg_usage_group_by_parse() reads; "by" is then the name listed above. */
  if (tg_usage_group_by_parse (by_name, &group_by))
    for (guint i = 0; top_groupings[i] != NULL; i++)
      {
        TgUsageGroupBy candidate;

        if (tg_usage_group_by_parse (top_groupings[i], &candidate) && candidate == group_by)
          by = top_groupings[i];
      }
  if (by == NULL)
    return tg_ctl_usage_error (context, "cannot rank by “%s”: use %s", by_name, by_list);

  if (from == NULL || to == NULL)
    return tg_ctl_usage_error (context, "--from and --to are required (YYYY-MM-DD)");
  if (!tg_time_bucket_parse_date (from, &from_date, &error))
    return tg_ctl_usage_error (context, "--from: %s", error->message);
  if (!tg_time_bucket_parse_date (to, &to_date, &error))
    return tg_ctl_usage_error (context, "--to: %s", error->message);
  if (g_date_compare (&from_date, &to_date) > 0)
    return tg_ctl_usage_error (context, "--from %s is after --to %s", from, to);
  if (limit_text != NULL && !tg_ctl_parse_number (&limit_range, limit_text, &limit, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if ((ret = check_provider (context, conn, provider)) >= 0)
    return ret;

  /* Whole local days of the billing time zone, as every range of tollgatectl usage. */
  after = to_date;
  g_date_add_days (&after, 1);
  bounds[0] = tg_time_bucket_day_start (ctx.tz, &from_date);
  bounds[1] = tg_time_bucket_day_start (ctx.tz, &after);

  top = tg_usage_fetch_top (conn, bounds, group_by, provider, (guint)limit, &error);
  if (top == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "by", by);
      tg_ctl_json_add_string (builder, "from", from);
      tg_ctl_json_add_string (builder, "to", to);
      tg_ctl_json_add_string (builder, "currency", ctx.currency);
      json_builder_set_member_name (builder, "rows");
      json_builder_begin_array (builder);
      for (guint i = 0; i < top->rows->len; i++)
        {
          TgUsageRow *row = g_ptr_array_index (top->rows, i);
          g_autofree char *share = share_text (tg_usage_top_get_share (top, i));

          json_builder_begin_object (builder);
          tg_ctl_json_add_string (builder, "group", row->group);
          add_top_figures (builder, row);
          tg_ctl_json_add_string (builder, "share", share);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "rest");
      json_builder_begin_object (builder);
      add_top_figures (builder, top->rest);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_begin_object (builder);
      add_top_figures (builder, top->total);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
      g_autoptr(GPtrArray) unpriced = g_ptr_array_new ();
      g_autoptr(TgUsageRow) others = NULL;
      g_autofree char *cost_title = g_strdup_printf ("cost %s", ctx.currency);
      g_autofree char *what = g_strdup_printf ("Cost by %s from %s to %s, the most expensive first",
                                               by, from, to);
      g_autofree char *rest_label = NULL;
      g_autofree char *n_rest = tg_format_count (top->n_rest_groups);

      print_heading (what, &ctx);
      tg_ctl_table_add_column (table, "#", TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, by, TG_CTL_ALIGN_LEFT);
      tg_ctl_table_add_column (table, "calls", TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, cost_title, TG_CTL_ALIGN_RIGHT);
      tg_ctl_table_add_column (table, "share", TG_CTL_ALIGN_RIGHT);
      for (guint i = 0; i < top->rows->len; i++)
        {
          g_autofree char *rank = g_strdup_printf ("%u", i + 1);
          g_autofree char *label = top_label (top, i);

          top_table_add (table, rank, label, g_ptr_array_index (top->rows, i),
                         top->total->cost, ctx.currency);
          g_ptr_array_add (unpriced, g_ptr_array_index (top->rows, i));
        }
      rest_label = g_strdup_printf ("%s other%s", n_rest, top->n_rest_groups == 1 ? "" : "s");
      top_table_add (table, "", rest_label, top->rest, top->total->cost, ctx.currency);
      top_table_add (table, "", "total", top->total, top->total->cost, ctx.currency);
      tg_ctl_table_print (table);

      /* The rest's unpriced calls are named as "others". */
      if (top->rest->unpriced_calls > 0)
        {
          others = tg_usage_row_new ();
          g_free (others->group);
          others->group = g_strdup ("others");
          others->unpriced_calls = top->rest->unpriced_calls;
          g_ptr_array_add (unpriced, others);
        }
      print_unpriced_note (unpriced, ctx.currency);
    }

  return TG_CTL_EXIT_OK;
}

/* The calls behind a figure, a page at a time. */

/* --status: ok, error, timeout, or an HTTP status code (0: no answer). */
static gboolean
parse_status (const char     *text,
              TgCallsStatus  *status,
              int            *code,
              GError        **error)
{
  const TgCtlNumberRange range = { "--status", 0, 599, FALSE, TRUE, NULL };
  double value;

  if (g_strcmp0 (text, "ok") == 0)
    *status = TG_CALLS_STATUS_OK;
  else if (g_strcmp0 (text, "error") == 0)
    *status = TG_CALLS_STATUS_ERROR;
  else if (g_strcmp0 (text, "timeout") == 0)
    *status = TG_CALLS_STATUS_TIMEOUT;
  else if (tg_ctl_parse_number (&range, text, &value, NULL))
    {
      *status = TG_CALLS_STATUS_CODE;
      *code = (int)value;
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--status takes ok, error (no answer, 4xx or 5xx), timeout (no answer) "
                   "or an HTTP status code from 0 to 599, not “%s”", text);
      return FALSE;
    }

  return TRUE;
}

/* One call with every column of its row, named as the table names them, and its cost;
 * the jsonb columns as the JSON they hold, exactly (@raw).
 */
static void
add_call (JsonBuilder       *builder,
          TgCtlJsonRaw      *raw,
          const TgUsageCall *call,
          GTimeZone         *tz)
{
  g_autofree char *created_at = tg_time_bucket_format_usec (tz, call->created_at);

  json_builder_begin_object (builder);
  tg_ctl_json_add_int (builder, "api_usage_id", call->id);
  tg_ctl_json_add_string (builder, "created_at", created_at);
  json_builder_set_member_name (builder, "user_id");
  if (call->has_user_id)
    json_builder_add_int_value (builder, call->user_id);
  else
    json_builder_add_null_value (builder);
  tg_ctl_json_add_string (builder, "api_provider", call->provider);
  tg_ctl_json_add_string (builder, "api_endpoint", call->endpoint);
  tg_ctl_json_add_string (builder, "request_type", call->request_type);
  tg_ctl_json_add_int (builder, "call_count", call->call_count);
  add_money (builder, "credit_cost", call->credit_cost);
  json_builder_set_member_name (builder, "response_time");
  if (call->response_time >= 0)
    json_builder_add_int_value (builder, call->response_time);
  else
    json_builder_add_null_value (builder);
  tg_ctl_json_add_raw (builder, raw, "request_data", call->request_data);
  tg_ctl_json_add_raw (builder, raw, "response_data", call->response_data);
  tg_ctl_json_add_int (builder, "response_status", call->status);
  tg_ctl_json_add_string (builder, "billing_period", call->billing_period);
  json_builder_set_member_name (builder, "is_billable");
  json_builder_add_boolean_value (builder, call->is_billable);
  tg_ctl_json_add_string (builder, "ip_address", call->ip_address);
  tg_ctl_json_add_string (builder, "user_agent", call->user_agent);
  tg_ctl_json_add_string (builder, "feature", call->has_feature ? call->feature : NULL);
  tg_ctl_json_add_string (builder, "region", call->has_region ? call->region : NULL);
  tg_ctl_json_add_string (builder, "native_currency",
                          *call->native_currency != '\0' ? call->native_currency : NULL);
  if (call->priced_native)
    add_money (builder, "cost_native", call->cost_native);
  else
    tg_ctl_json_add_string (builder, "cost_native", NULL);
  if (call->priced)
    add_money (builder, "cost", call->cost);
  else
    tg_ctl_json_add_string (builder, "cost", NULL);
  json_builder_end_object (builder);
}

/* The table for people: when, who, what, how it went and what it cost, not every column. */
static void
print_calls_table (TgCallsPage *page,
                   GTimeZone   *tz,
                   const char  *currency)
{
  g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
  g_autofree char *cost_title = g_strdup_printf ("cost %s", currency);

  tg_ctl_table_add_column (table, "id", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "time", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "provider", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "endpoint", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "type", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "status", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "ms", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "user", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, "feature", TG_CTL_ALIGN_LEFT);
  tg_ctl_table_add_column (table, "calls", TG_CTL_ALIGN_RIGHT);
  tg_ctl_table_add_column (table, cost_title, TG_CTL_ALIGN_RIGHT);

  for (guint i = 0; i < page->calls->len; i++)
    {
      const TgUsageCall *call = g_ptr_array_index (page->calls, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call->id);
      g_autofree char *instant = tg_time_bucket_format_usec (tz, call->created_at);
      g_autofree char *time = g_strdup_printf ("%.10s %.8s", instant, instant + 11);
      g_autofree char *status = call->status == 0 ? g_strdup ("timeout")
                                                  : g_strdup_printf ("%d", call->status);
      g_autofree char *ms = call->response_time >= 0 ? tg_format_count (call->response_time)
                                                     : g_strdup ("–");
      g_autofree char *user = call->has_user_id
                              ? g_strdup_printf ("%" G_GINT64_FORMAT, call->user_id)
                              : g_strdup ("–");
      g_autofree char *calls = tg_format_count (call->call_count);
      g_autofree char *cost = call->priced ? tg_format_micros (call->cost, 6)
                                           : g_strdup ("no price");

      tg_ctl_table_add_row (table, id, time, call->provider, call->endpoint,
                            call->request_type, status, ms, user,
                            *call->feature != '\0' ? call->feature : "–", calls, cost, NULL);
    }

  tg_ctl_table_print (table);
}

static int
usage_calls (TgCtlGlobals  *globals,
             int            argc,
             char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(TgCallsFilter) filter = NULL;
  g_autoptr(TgCallsPage) page = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *user = NULL;
  g_autofree char *feature = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *limit_text = NULL;
  g_auto(TgCtlBilling) ctx = { 0 };
  TgCallsStatus status = TG_CALLS_STATUS_ANY;
  int status_code = 0;
  double user_id = 0;
  double after_id = 0;
  double limit = 100;
  GDate from_date;
  GDate to_date;
  GDate after_to;
  /* Ids and user ids travel through JSON, whose readers mostly hold numbers as doubles:
   * whole numbers up to 2^53 are exact there and in tg_ctl_parse_number(). */
  const TgCtlNumberRange user_range = {
    "--user", -9007199254740992.0, 9007199254740992.0, FALSE, TRUE, "a user id",
  };
  const TgCtlNumberRange after_range = {
    "--after-id", 1, 9007199254740992.0, FALSE, TRUE, "the next_after_id of the page before",
  };
  const TgCtlNumberRange limit_range = {
    "--limit", 1, TG_CALLS_MAX_LIMIT, FALSE, TRUE, "calls a page",
  };
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "First local date (billing time zone), from " TG_TIME_SUPPORTED_DATES, "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last local date, inclusive", "DATE" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "Only this provider", "SLUG" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "Only this user's calls", "ID" },
    { "feature", 0, 0, G_OPTION_ARG_STRING, &feature,
      "Only this feature's calls (\"\": calls without one)", "NAME" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      "ok (2xx), error (no answer, 4xx, 5xx), timeout (no answer) or a status code", "STATUS" },
    { "after-id", 0, 0, G_OPTION_ARG_STRING, &after_text,
      "The next page: the calls below this id (the previous page's next_after_id)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, "Calls a page, 1 to 1,000 (default 100)",
      "N" },
    { NULL }
  };
  int ret;

  g_option_context_set_summary (context,
    "The calls behind a figure over a range of local dates, newest first, every column of\n"
    "each with its cost, a page at a time (--after-id the previous page's next_after_id).");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;
  if (argc > 1)
    return tg_ctl_usage_error (context, "unexpected argument “%s”", argv[1]);

  if (from == NULL || to == NULL)
    return tg_ctl_usage_error (context, "--from and --to are required (YYYY-MM-DD)");
  if (!tg_time_bucket_parse_date (from, &from_date, &error))
    return tg_ctl_usage_error (context, "--from: %s", error->message);
  if (!tg_time_bucket_parse_date (to, &to_date, &error))
    return tg_ctl_usage_error (context, "--to: %s", error->message);
  if (g_date_compare (&from_date, &to_date) > 0)
    return tg_ctl_usage_error (context, "--from %s is after --to %s", from, to);
  if (status_text != NULL && !parse_status (status_text, &status, &status_code, &error))
    return tg_ctl_usage_error (context, "%s", error->message);
  if ((user != NULL && !tg_ctl_parse_number (&user_range, user, &user_id, &error)) ||
      (after_text != NULL && !tg_ctl_parse_number (&after_range, after_text, &after_id, &error)) ||
      (limit_text != NULL && !tg_ctl_parse_number (&limit_range, limit_text, &limit, &error)))
    return tg_ctl_usage_error (context, "%s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));
  if ((ret = check_provider (context, conn, provider)) >= 0)
    return ret;

  after_to = to_date;
  g_date_add_days (&after_to, 1);
  filter = tg_calls_filter_new (tg_time_bucket_day_start (ctx.tz, &from_date),
                                tg_time_bucket_day_start (ctx.tz, &after_to));
  filter->provider = g_strdup (provider);
  filter->has_user_id = user != NULL;
  filter->user_id = (gint64)user_id;
  filter->feature = g_strdup (feature);
  filter->status = status;
  filter->status_code = status_code;

  page = tg_calls_fetch (conn, filter, (gint64)after_id, (guint)limit, &error);
  if (page == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(TgCtlJsonRaw) raw = tg_ctl_json_raw_new ();

      json_builder_begin_object (builder);
      add_context (builder, &ctx);
      json_builder_set_member_name (builder, "rows");
      json_builder_begin_array (builder);
      for (guint i = 0; i < page->calls->len; i++)
        add_call (builder, raw, g_ptr_array_index (page->calls, i), ctx.tz);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "next_after_id");
      if (page->next_after_id != 0)
        json_builder_add_int_value (builder, page->next_after_id);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json_raw (builder, raw);
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("Calls from %s to %s, newest first", from, to);

      print_heading (what, &ctx);
      print_calls_table (page, ctx.tz, ctx.currency);
      if (page->next_after_id != 0)
        g_print ("\nMore calls: add --after-id %" G_GINT64_FORMAT "\n", page->next_after_id);
    }

  return TG_CTL_EXIT_OK;
}

int
tg_ctl_usage (TgCtlGlobals  *globals,
              int            argc,
              char         **argv)
{
  const char *verb = argc > 1 ? argv[1] : NULL;

  if (g_strcmp0 (verb, "overview") == 0)
    return usage_overview (globals, argc - 1, argv + 1);
  if (g_strcmp0 (verb, "series") == 0)
    return usage_series_or_latency (globals, argc - 1, argv + 1, FALSE);
  if (g_strcmp0 (verb, "latency") == 0)
    return usage_series_or_latency (globals, argc - 1, argv + 1, TRUE);
  if (g_strcmp0 (verb, "top") == 0)
    return usage_top (globals, argc - 1, argv + 1);
  if (g_strcmp0 (verb, "calls") == 0)
    return usage_calls (globals, argc - 1, argv + 1);

  g_printerr ("Usage: tollgatectl usage overview|series|latency|top|calls [OPTIONS]\n"
              "  overview  this month (or --month) per provider\n"
              "  series    per time bucket and group over a range\n"
              "  latency   percentiles and error rates per group over a range\n"
              "  top       the groups that cost the most over a range, the rest and the total\n"
              "  calls     the calls behind a figure, newest first, a page at a time\n");
  return verb == NULL || g_strcmp0 (verb, "--help") != 0 ? TG_CTL_EXIT_USAGE : TG_CTL_EXIT_OK;
}
