/* bench-groupings.c — sections 6 and 7 of bench-usage: every grouping, and the top groups
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The questions of the Analytics page, each beside the same question asked of the raw
 * rows in the same run:
 *
 *   6. every grouping (provider, endpoint, request type, feature, cost centre, region,
 *      status class, user): a 30-day hourly series and a 92-day daily series
 *      (tg_usage_fetch_series), in UTC and in a half-hour zone. Users are kept per local
 *      day, so their hourly series is refused, with the server's reason, and they answer a
 *      30-day daily series instead;
 *   7. the top 10 by cost, the rest summed and the total (tg_usage_fetch_top): users over
 *      the 30 whole days before today and over the last complete month; features, cost
 *      centres and endpoints over the 30 whole days; in UTC.
 *
 * The raw-row query groups api_usage_tracking by date_trunc in the zone (the faster of
 * the two Grafana spellings in section 1) and prices every row on its own, as the tests'
 * plain SQL does (tests/test-usage-queries.c): for each unit the most specific price-book
 * rule in force at the row's created_at, then the latest; the exchange rate of its UTC
 * date; no charge for a call that is not billable, nor for one without a 2xx answer
 * unless the unit's rule bills failures. It looks the rules up per period between two
 * instants at which a price or a rate changes, joined by hash to each row, rather than
 * once per row: the per-row lookup took more than twice as long, and the baseline should
 * be the faster of two exact queries. Every amount is an exact numeric sum rounded once to
 * micro-units, as Tollgate's are, so the answers must be equal: calls, errors, credits and
 * cost of every bucket and group (section 6), the ranked groups with their calls and cost,
 * the rest and the total (section 7). A difference fails the run.
 *
 * Raw-row queries are timed with --raw-budget (a quarter of --budget by default): at 10M
 * rows each reads millions of rows and takes seconds, so most run once after the
 * unmeasured first run, or only that first run. Tollgate's queries get --budget.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tg-db-util.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"
#include "tg-usage-queries.h"

#include "bench-usage.h"

#define TOP_LIMIT 10

/* Targets at 10M rows, for every question of both sections. */
#define TARGET_MS 100.0
#define TARGET_SPEEDUP 50.0

/* How each grouping reads in labels and JSON ids, and its value in the raw-row query:
 * over the priced rows p, and f, the row's feature, where @join brings it.
 */
typedef struct
{
  TgUsageGroupBy  group_by;
  const char     *name;
  const char     *plural;
  const char     *id;
  const char     *sql;
  const char     *join;
} Grouping;

static const Grouping all_groupings[] = {
  { TG_USAGE_GROUP_PROVIDER, "provider", "providers", "provider", "p.api_provider", "" },
  { TG_USAGE_GROUP_ENDPOINT, "endpoint", "endpoints", "endpoint", "p.api_endpoint", "" },
  { TG_USAGE_GROUP_REQUEST_TYPE, "request type", "request types", "request_type",
    "p.request_type", "" },
  { TG_USAGE_GROUP_FEATURE, "feature", "features", "feature", "coalesce(p.feature, '')", "" },
  { TG_USAGE_GROUP_COST_CENTRE, "cost centre", "cost centres", "cost_centre",
    "coalesce(f.cost_centre, '')", " LEFT JOIN tollgate.features f ON f.name = p.feature" },
  { TG_USAGE_GROUP_REGION, "region", "regions", "region", "coalesce(p.region, '')", "" },
  { TG_USAGE_GROUP_STATUS_CLASS, "status class", "status classes", "status_class",
    "(p.response_status / 100)::text", "" },
  { TG_USAGE_GROUP_USER, "user", "users", "user", "coalesce(p.user_id::text, '')", "" },
};

/* ---- the raw rows, priced ------------------------------------------------------------ */

/* The price of one unit for a row: that of the most specific class of rule that has one
 * (r0: endpoint and request type, r1: endpoint, r2: request type, r3: the provider's),
 * and whether that rule bills failures.
 */
#define UNIT_PRICE(u) "coalesce(r0." u "_price, r1." u "_price, r2." u "_price, r3." u "_price)"
#define UNIT_BILLS_FAILED(u) "coalesce(r0." u "_bf, r1." u "_bf, r2." u "_bf, r3." u "_bf)"
#define UNIT_RULE(u)                                                                        \
  ", max(r.unit_price) FILTER (WHERE r.unit = '" u "') AS " u "_price"                      \
  ", bool_or(r.bill_failed) FILTER (WHERE r.unit = '" u "') AS " u "_bf"
#define OK "u.response_status BETWEEN 200 AND 299"

/* WITH … priced: the usage rows created in [%s, %s), each with its cost in the reporting
 * currency (an exact numeric). periods: the spans between two instants at which a price
 * (on a quarter hour) or a rate (at 00:00 UTC of its date) changes, within which every
 * row of one provider, endpoint and request type is priced alike; rules: per class of
 * rule and period, each unit's rule in force (the latest); rates: per provider and period.
 */
#define PRICED_SQL                                                                          \
  "WITH periods AS ("                                                                       \
  " SELECT c.at AS since, coalesce(lead(c.at) OVER (ORDER BY c.at), 'infinity') AS until"   \
  " FROM (SELECT '-infinity'::timestamptz AS at"                                            \
  "       UNION SELECT pb.effective_from FROM tollgate.price_book pb"                       \
  "       UNION SELECT x.effective_from::timestamp AT TIME ZONE 'UTC'"                      \
  "       FROM tollgate.exchange_rates x) AS c), "                                          \
  "rules AS ("                                                                              \
  " SELECT (r.api_endpoint IS NULL)::integer * 2 + (r.request_type IS NULL)::integer AS class," \
  " r.provider, r.api_endpoint, r.request_type, r.since, r.until"                           \
  UNIT_RULE ("call") UNIT_RULE ("credit") UNIT_RULE ("input_token") UNIT_RULE ("output_token") \
  " FROM (SELECT DISTINCT ON (pb.provider, pb.api_endpoint, pb.request_type, pb.unit, p.since)" \
  "       pb.provider, pb.api_endpoint, pb.request_type, pb.unit, pb.unit_price,"           \
  "       pb.bill_failed, p.since, p.until"                                                 \
  "       FROM tollgate.price_book pb JOIN periods p ON pb.effective_from <= p.since"       \
  "       ORDER BY pb.provider, pb.api_endpoint, pb.request_type, pb.unit, p.since,"        \
  "                pb.effective_from DESC) AS r"                                            \
  " GROUP BY 1, 2, 3, 4, 5, 6), "                                                           \
  "rates AS ("                                                                              \
  " SELECT pv.slug AS provider, p.since, p.until,"                                          \
  " CASE WHEN pv.currency = st.value THEN 1"                                                \
  "      ELSE (SELECT x.rate FROM tollgate.exchange_rates x"                                \
  "            WHERE x.from_currency = pv.currency AND x.to_currency = st.value"            \
  "              AND x.effective_from <= (p.since AT TIME ZONE 'UTC')::date"                \
  "            ORDER BY x.effective_from DESC LIMIT 1) END AS rate"                         \
  " FROM tollgate.providers pv CROSS JOIN periods p"                                        \
  " CROSS JOIN (SELECT s.value FROM tollgate.settings s"                                    \
  "             WHERE s.key = 'reporting-currency') AS st), "                               \
  "priced AS ("                                                                             \
  " SELECT u.created_at, u.user_id, u.api_provider, u.api_endpoint, u.request_type,"        \
  " u.feature, u.region, u.response_status, u.call_count, u.credit_cost,"                   \
  " CASE WHEN u.is_billable THEN"                                                           \
  "   CASE WHEN " OK " OR " UNIT_BILLS_FAILED ("call")                                      \
  "        THEN u.call_count * coalesce(" UNIT_PRICE ("call") ", 0) ELSE 0 END"             \
  "   + CASE WHEN " OK " OR " UNIT_BILLS_FAILED ("credit")                                  \
  "          THEN u.credit_cost * coalesce(" UNIT_PRICE ("credit") ", 0) ELSE 0 END"        \
  "   + CASE WHEN " UNIT_PRICE ("input_token") " IS NOT NULL"                               \
  "               AND (" OK " OR " UNIT_BILLS_FAILED ("input_token") ")"                    \
  "          THEN coalesce((u.response_data #>> '{usage,prompt_tokens}')::numeric, 0)"      \
  "               * " UNIT_PRICE ("input_token") " ELSE 0 END"                              \
  "   + CASE WHEN " UNIT_PRICE ("output_token") " IS NOT NULL"                              \
  "               AND (" OK " OR " UNIT_BILLS_FAILED ("output_token") ")"                   \
  "          THEN coalesce((u.response_data #>> '{usage,completion_tokens}')::numeric, 0)"  \
  "               * " UNIT_PRICE ("output_token") " ELSE 0 END"                             \
  " ELSE 0 END * coalesce(x.rate, 0) AS cost"                                               \
  " FROM tollgate.api_usage_tracking u"                                                     \
  " LEFT JOIN rates x ON x.provider = u.api_provider"                                       \
  "      AND u.created_at >= x.since AND u.created_at < x.until"                            \
  " LEFT JOIN rules r0 ON r0.class = 0 AND r0.provider = u.api_provider"                    \
  "      AND r0.api_endpoint = u.api_endpoint AND r0.request_type = u.request_type"         \
  "      AND u.created_at >= r0.since AND u.created_at < r0.until"                          \
  " LEFT JOIN rules r1 ON r1.class = 1 AND r1.provider = u.api_provider"                    \
  "      AND r1.api_endpoint = u.api_endpoint"                                              \
  "      AND u.created_at >= r1.since AND u.created_at < r1.until"                          \
  " LEFT JOIN rules r2 ON r2.class = 2 AND r2.provider = u.api_provider"                    \
  "      AND r2.request_type = u.request_type"                                              \
  "      AND u.created_at >= r2.since AND u.created_at < r2.until"                          \
  " LEFT JOIN rules r3 ON r3.class = 3 AND r3.provider = u.api_provider"                    \
  "      AND u.created_at >= r3.since AND u.created_at < r3.until"                          \
  " WHERE u.created_at >= '%s' AND u.created_at < '%s') "

/* Per bucket of @unit ("hour", "day") in @zone and group: calls, errors, credits, cost. */
static char *
series_sql (const Grouping *grouping,
            const char     *unit,
            const char     *zone,
            gint64          from,
            gint64          to)
{
  g_autofree char *s_from = bench_format_utc (from);
  g_autofree char *s_to = bench_format_utc (to);

  return g_strdup_printf (
    PRICED_SQL
    "SELECT extract(epoch FROM date_trunc('%s', p.created_at, '%s'))::bigint AS \"time\", "
    "%s AS grp, sum(p.call_count)::bigint AS calls, "
    "coalesce(sum(p.call_count) FILTER (WHERE p.response_status / 100 IN (0, 4, 5)), 0)::bigint "
    "AS errors, sum(p.credit_cost) AS credits, round(sum(p.cost), 6) AS cost "
    "FROM priced p%s GROUP BY 1, 2 ORDER BY 1, 2",
    s_from, s_to, unit, zone, grouping->sql, grouping->join);
}

/* The groups ranked as tollgate.usage_top() ranks them (cost rounded to micro-units,
 * descending; calls, descending; users by id, the calls without a user last; other groups
 * in byte order): the first @limit, then the rest and the total, each with calls, cost
 * and how many groups.
 */
static char *
top_sql (const Grouping *grouping,
         gint64          from,
         gint64          to,
         guint           limit)
{
  g_autofree char *s_from = bench_format_utc (from);
  g_autofree char *s_to = bench_format_utc (to);
  gboolean users = grouping->group_by == TG_USAGE_GROUP_USER;

  return g_strdup_printf (
    PRICED_SQL ", "
    "g AS (SELECT %s AS grp, sum(p.call_count) AS calls, sum(p.cost) AS cost "
    "FROM priced p%s GROUP BY 1), "
    "r AS (SELECT g.*, row_number() OVER (ORDER BY round(g.cost, 6) DESC, g.calls DESC, %s"
    "g.grp COLLATE \"C\") AS rank FROM g) "
    "SELECT 0 AS part, r.grp, r.calls::bigint, round(r.cost, 6) AS cost, r.rank AS n "
    "FROM r WHERE r.rank <= %u "
    "UNION ALL SELECT 1, '', coalesce(sum(r.calls), 0)::bigint, "
    "round(coalesce(sum(r.cost), 0), 6), count(*) FROM r WHERE r.rank > %u "
    "UNION ALL SELECT 2, '', coalesce(sum(r.calls), 0)::bigint, "
    "round(coalesce(sum(r.cost), 0), 6), count(*) FROM r "
    "ORDER BY 1, 5",
    s_from, s_to, grouping->sql, grouping->join,
    users ? "nullif(g.grp, '')::bigint NULLS LAST, " : "", limit, limit);
}

/* ---- the questions ------------------------------------------------------------------- */

typedef struct
{
  const Grouping *grouping;
  char           *zone;
  char           *label;
  char           *id;
  RawQuery        raw;
  Reader         *reader;
  Timing         *t_raw;        /* in bench->timings */
  Timing         *t_tollgate;
  char           *refusal;      /* not asked: Tollgate refuses it, for this reason */
  gboolean        compared;
  gboolean        same;
  guint           cells;
  char           *difference;   /* the first one, when not the same */
} SeriesQuestion;

typedef struct
{
  const Grouping *grouping;
  char           *label;
  char           *id;
  gint64          bounds[2];
  guint           limit;
  RawQuery        raw;
  TgUsageTop     *top;          /* of the last run */
  Timing         *t_raw;
  Timing         *t_tollgate;
  gboolean        compared;
  gboolean        same;
  char           *difference;
} TopQuestion;

struct _Groupings
{
  GPtrArray *series;            /* SeriesQuestion */
  GPtrArray *tops;              /* TopQuestion */
  gboolean   estimated;
};

static void
series_question_free (SeriesQuestion *question)
{
  g_free (question->zone);
  g_free (question->label);
  g_free (question->id);
  bench_raw_query_clear (&question->raw);
  g_clear_pointer (&question->reader, bench_reader_free);
  g_free (question->refusal);
  g_free (question->difference);
  g_free (question);
}

static void
top_question_free (TopQuestion *question)
{
  g_free (question->label);
  g_free (question->id);
  bench_raw_query_clear (&question->raw);
  g_clear_pointer (&question->top, tg_usage_top_unref);
  g_free (question->difference);
  g_free (question);
}

Groupings *
bench_groupings_new (void)
{
  Groupings *groupings = g_new0 (Groupings, 1);

  groupings->series = g_ptr_array_new_with_free_func ((GDestroyNotify)series_question_free);
  groupings->tops = g_ptr_array_new_with_free_func ((GDestroyNotify)top_question_free);
  return groupings;
}

void
bench_groupings_free (Groupings *groupings)
{
  g_ptr_array_unref (groupings->series);
  g_ptr_array_unref (groupings->tops);
  g_free (groupings);
}

/* ---- comparisons --------------------------------------------------------------------- */

typedef struct
{
  gint64 calls;
  gint64 errors;
  gint64 credits;
  gint64 cost;
} Figures;

static gboolean
parse_figures (PGresult *raw,
               int       row,
               int       column,
               Figures  *figures)
{
  figures->calls = g_ascii_strtoll (PQgetvalue (raw, row, column), NULL, 10);
  figures->errors = g_ascii_strtoll (PQgetvalue (raw, row, column + 1), NULL, 10);
  return tg_money_parse (PQgetvalue (raw, row, column + 2), &figures->credits, NULL)
         && tg_money_parse (PQgetvalue (raw, row, column + 3), &figures->cost, NULL);
}

static char *
describe_cell (GTimeZone  *tz,
               gint64      start,
               const char *group)
{
  g_autofree char *when = tg_time_bucket_format_start (tz, start);

  return g_strdup_printf ("%s, group \"%s\"", when, group);
}

/* Do Tollgate's rows hold the raw query's (time, group, calls, errors, credits, cost), no
 * more and no fewer? Sets @difference to the first that differs.
 */
static gboolean
same_series (GPtrArray   *rows,
             PGresult    *raw,
             GTimeZone   *tz,
             guint       *n_cells,
             char       **difference)
{
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  *n_cells = 0;
  for (int i = 0; i < PQntuples (raw); i++)
    {
      Figures *figures = g_new0 (Figures, 1);

      if (!parse_figures (raw, i, 2, figures))
        {
          g_free (figures);
          *difference = g_strdup_printf ("the raw row %d does not parse", i);
          return FALSE;
        }
      g_hash_table_insert (cells, g_strdup_printf ("%s|%s", PQgetvalue (raw, i, 0),
                                                   PQgetvalue (raw, i, 1)), figures);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      TgUsageRow *row = g_ptr_array_index (rows, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "|%s", row->start, row->group);
      Figures *figures = g_hash_table_lookup (cells, key);
      g_autofree char *cell = NULL;

      if (figures == NULL)
        {
          cell = describe_cell (tz, row->start, row->group);
          *difference = g_strdup_printf ("%s: Tollgate has %" G_GINT64_FORMAT " calls, the raw "
                                         "rows none", cell, row->calls);
          return FALSE;
        }
      if (figures->calls != row->calls || figures->errors != row->errors
          || figures->credits != row->credits || figures->cost != row->cost)
        {
          g_autofree char *credits = tg_money_to_decimal (row->credits, 6);
          g_autofree char *raw_credits = tg_money_to_decimal (figures->credits, 6);
          g_autofree char *cost = tg_money_to_decimal (row->cost, 6);
          g_autofree char *raw_cost = tg_money_to_decimal (figures->cost, 6);

          cell = describe_cell (tz, row->start, row->group);
          *difference = g_strdup_printf ("%s: calls %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT
                                         ", errors %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT
                                         ", credits %s / %s, cost %s / %s (Tollgate / raw rows)",
                                         cell, row->calls, figures->calls, row->errors,
                                         figures->errors, credits, raw_credits, cost, raw_cost);
          return FALSE;
        }
      g_hash_table_remove (cells, key);
    }

  if (g_hash_table_size (cells) > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, cells);
      g_hash_table_iter_next (&iter, &key, NULL);
      *difference = g_strdup_printf ("%u cells of the raw rows are not in Tollgate's answer, "
                                     "such as \"%s\" (time|group)", g_hash_table_size (cells),
                                     (const char *)key);
      return FALSE;
    }

  *n_cells = rows->len;
  return TRUE;
}

static gboolean
same_top_part (const TgUsageRow  *row,
               guint              n_groups,
               PGresult          *raw,
               int                i,
               const char        *what,
               char             **difference)
{
  gint64 calls = g_ascii_strtoll (PQgetvalue (raw, i, 2), NULL, 10);
  guint n = (guint)g_ascii_strtoull (PQgetvalue (raw, i, 4), NULL, 10);
  gint64 cost = 0;

  if (!tg_money_parse (PQgetvalue (raw, i, 3), &cost, NULL)
      || g_strcmp0 (row->group, PQgetvalue (raw, i, 1)) != 0 || row->calls != calls
      || row->cost != cost || (n_groups != G_MAXUINT && n_groups != n))
    {
      g_autofree char *text = tg_money_to_decimal (row->cost, 6);
      g_autofree char *groups = n_groups == G_MAXUINT ? g_strdup ("")
                                : g_strdup_printf (", %u groups", n_groups);
      g_autofree char *raw_groups = n_groups == G_MAXUINT ? g_strdup ("")
                                    : g_strdup_printf (", %u groups", n);

      *difference = g_strdup_printf ("%s: \"%s\", %" G_GINT64_FORMAT " calls, cost %s%s / "
                                     "\"%s\", %" G_GINT64_FORMAT " calls, cost %s%s "
                                     "(Tollgate / raw rows)",
                                     what, row->group, row->calls, text, groups,
                                     PQgetvalue (raw, i, 1), calls, PQgetvalue (raw, i, 3),
                                     raw_groups);
      return FALSE;
    }

  return TRUE;
}

/* Are Tollgate's ranked rows, rest and total the raw query's? */
static gboolean
same_top (const TgUsageTop  *top,
          PGresult          *raw,
          char             **difference)
{
  guint n_rows = top->rows->len;

  if (PQntuples (raw) != (int)n_rows + 2)
    {
      *difference = g_strdup_printf ("Tollgate ranks %u groups, the raw rows %d", n_rows,
                                     PQntuples (raw) - 2);
      return FALSE;
    }

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *what = g_strdup_printf ("rank %u", i + 1);

      if (!same_top_part (g_ptr_array_index (top->rows, i), G_MAXUINT, raw, (int)i, what,
                          difference))
        return FALSE;
    }

  return same_top_part (top->rest, top->n_rest_groups, raw, (int)n_rows, "the rest", difference)
         && same_top_part (top->total, n_rows + top->n_rest_groups, raw, (int)n_rows + 1,
                           "the total", difference);
}

/* ---- measuring ----------------------------------------------------------------------- */

/* What bench_measure() spends on a query whose first run took @first_ms. */
static double
expected_seconds (Bench  *bench,
                  double  first_ms,
                  double  budget)
{
  int runs = first_ms > 2000.0 * budget ? 0
             : CLAMP ((int)(1000.0 * budget / MAX (first_ms, 0.001)), 1, bench->options->runs);

  return first_ms * (1 + runs) / 1000.0;
}

/* After the first grouping's two raw-row queries, how long the rest of sections 6 and 7
 * will take, from their first runs (the other groupings' raw-row queries read the same
 * rows; Tollgate's take milliseconds).
 */
static void
print_estimate (Bench          *bench,
                SeriesQuestion *hourly,
                SeriesQuestion *daily,
                gboolean        more_zones)
{
  double budget = bench->options->raw_budget;
  double s30 = expected_seconds (bench, hourly->t_raw->first_ms, budget);
  double s92 = expected_seconds (bench, daily->t_raw->first_ms, budget);
  guint n_groupings = G_N_ELEMENTS (all_groupings);
  guint n30 = n_groupings - 1 + (bench_want (bench, '7') ? 5 : 0) + (more_zones ? n_groupings : 0);
  guint n92 = n_groupings - 1 + (more_zones ? n_groupings : 0);

  if (isnan (s30) || isnan (s92))
    return;

  bench_progress ("estimate: %u more raw-row queries in sections 6 and 7, about %.0f s "
                  "(%.1f s for each over 30 days, %.1f s over 92 days, with their runs)%s",
                  n30 + n92, n30 * s30 + n92 * s92, s30, s92,
                  more_zones ? ", plus moving the day levels to the half-hour zone and back" : "");
}

static void
measure_series (Bench          *bench,
                Groupings      *groupings,
                const Grouping *grouping,
                const char     *zone,
                GTimeZone      *tz,
                const char     *what,
                const char     *unit,
                GArray         *bounds)
{
  SeriesQuestion *question = g_new0 (SeriesQuestion, 1);
  const gint64 *b = (const gint64 *)(void *)bounds->data;
  g_autofree char *raw_label = NULL;
  g_autofree char *raw_id = NULL;

  question->grouping = grouping;
  question->zone = g_strdup (zone);
  question->label = g_strdup_printf ("%s by %s [%s]", what, grouping->name, zone);
  question->id = g_strdup_printf ("tollgate_%s_%s_%s", what, grouping->id, zone);
  g_strdelimit (question->id, " -/", '_');
  g_ptr_array_add (groupings->series, question);

  if (unit == NULL)
    {
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GError) error = NULL;

      /* Asked once, untimed, for the server's reason. */
      rows = tg_usage_fetch_series (bench->conn, b, bounds->len, grouping->group_by, NULL, &error);
      question->refusal = rows != NULL ? NULL : g_strdup (error->message);
      if (rows != NULL)
        bench_progress ("%s: answered where a refusal was expected", question->label);
      return;
    }

  question->raw.sql = series_sql (grouping, unit, zone, b[0], b[bounds->len - 1]);
  question->reader = bench_reader_new (bounds, grouping->group_by, FALSE, FALSE);
  raw_label = g_strdup_printf ("raw rows: %s", question->label);
  raw_id = g_strdup_printf ("raw_%s", question->id + strlen ("tollgate_"));

  question->t_raw = bench_measure_raw (bench, raw_id, raw_label, &question->raw,
                                       bench->options->raw_budget);
  question->t_tollgate = bench_measure (bench, question->id, question->label, bench_run_reader,
                                        question->reader, bench->options->budget);

  if (question->raw.result != NULL && question->reader->rows != NULL)
    {
      question->compared = TRUE;
      question->same = same_series (question->reader->rows, question->raw.result, tz,
                                    &question->cells, &question->difference);
      if (!question->same)
        {
          bench_progress ("%s: Tollgate's answer differs from the raw rows': %s",
                          question->label, question->difference);
          bench->failed = TRUE;
        }
    }
}

/* Section 6 in one zone (the billing time zone is @zone, its day levels built): every
 * grouping's 30-day hourly series (users: refused, then the 30-day daily series) and
 * 92-day daily series. @more_zones: another zone follows (for the estimate).
 */
gboolean
bench_groupings_measure_series (Bench       *bench,
                                Groupings   *groupings,
                                const char  *zone,
                                gboolean     more_zones,
                                GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  Ranges ranges = { 0 };

  tz = tg_time_zone_new_checked (zone, error);
  if (tz == NULL || !ranges_init (&ranges, tz, bench->now, error))
    {
      ranges_clear (&ranges);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_groupings); i++)
    {
      const Grouping *grouping = &all_groupings[i];
      guint n = groupings->series->len;

      if (grouping->group_by == TG_USAGE_GROUP_USER)
        {
          measure_series (bench, groupings, grouping, zone, tz, "30-day hourly", NULL,
                          ranges.hours30);
          measure_series (bench, groupings, grouping, zone, tz, "30-day daily", "day",
                          ranges.days30);
        }
      else
        measure_series (bench, groupings, grouping, zone, tz, "30-day hourly", "hour",
                        ranges.hours30);
      measure_series (bench, groupings, grouping, zone, tz, "92-day daily", "day",
                      ranges.days92);

      if (!groupings->estimated)
        {
          groupings->estimated = TRUE;
          print_estimate (bench, g_ptr_array_index (groupings->series, n),
                          g_ptr_array_index (groupings->series, n + 1), more_zones);
        }
    }

  ranges_clear (&ranges);
  return TRUE;
}

static gboolean
run_top (Bench    *bench,
         gpointer  data,
         guint    *n_rows,
         GError  **error)
{
  TopQuestion *question = data;
  TgUsageTop *top = tg_usage_fetch_top (bench->conn, question->bounds,
                                        question->grouping->group_by, NULL, question->limit,
                                        error);

  if (top == NULL)
    return FALSE;

  *n_rows = top->rows->len + 2;
  g_clear_pointer (&question->top, tg_usage_top_unref);
  question->top = top;
  return TRUE;
}

static void
measure_top (Bench          *bench,
             Groupings      *groupings,
             TgUsageGroupBy  group_by,
             const char     *range,
             const char     *range_id,
             GArray         *bounds)
{
  TopQuestion *question = g_new0 (TopQuestion, 1);
  g_autofree char *raw_label = NULL;
  g_autofree char *raw_id = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (all_groupings); i++)
    if (all_groupings[i].group_by == group_by)
      question->grouping = &all_groupings[i];
  g_assert (question->grouping != NULL);

  question->bounds[0] = g_array_index (bounds, gint64, 0);
  question->bounds[1] = g_array_index (bounds, gint64, 1);
  question->limit = TOP_LIMIT;
  question->label = g_strdup_printf ("top %u %s by cost, %s [UTC]", TOP_LIMIT,
                                     question->grouping->plural, range);
  question->id = g_strdup_printf ("tollgate_top_%s_%s", question->grouping->id, range_id);
  question->raw.sql = top_sql (question->grouping, question->bounds[0], question->bounds[1],
                               question->limit);
  g_ptr_array_add (groupings->tops, question);

  raw_label = g_strdup_printf ("raw rows: %s", question->label);
  raw_id = g_strdup_printf ("raw_top_%s_%s", question->grouping->id, range_id);
  question->t_raw = bench_measure_raw (bench, raw_id, raw_label, &question->raw,
                                       bench->options->raw_budget);
  question->t_tollgate = bench_measure (bench, question->id, question->label, run_top, question,
                                        bench->options->budget);

  if (question->raw.result != NULL && question->top != NULL)
    {
      question->compared = TRUE;
      question->same = same_top (question->top, question->raw.result, &question->difference);
      if (!question->same)
        {
          bench_progress ("%s: Tollgate's answer differs from the raw rows': %s",
                          question->label, question->difference);
          bench->failed = TRUE;
        }
    }
}

/* Section 7, in UTC (the billing time zone then): the top 10 users over the 30 whole days
 * before today and over the last complete month, and the top 10 features, cost centres and
 * endpoints over the same 30 days.
 */
gboolean
bench_groupings_measure_top (Bench         *bench,
                             Groupings     *groupings,
                             const Ranges  *utc_ranges,
                             GError       **error)
{
  g_autoptr(GArray) month = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *month_label = g_strdup_printf ("last month (%s)", utc_ranges->last_month);

  g_array_append_val (month, utc_ranges->last_month_start);
  g_array_append_val (month, utc_ranges->last_month_end);

  measure_top (bench, groupings, TG_USAGE_GROUP_USER, "30 whole days", "30d",
               utc_ranges->whole30);
  measure_top (bench, groupings, TG_USAGE_GROUP_USER, month_label, "last_month", month);
  measure_top (bench, groupings, TG_USAGE_GROUP_FEATURE, "30 whole days", "30d",
               utc_ranges->whole30);
  measure_top (bench, groupings, TG_USAGE_GROUP_COST_CENTRE, "30 whole days", "30d",
               utc_ranges->whole30);
  measure_top (bench, groupings, TG_USAGE_GROUP_ENDPOINT, "30 whole days", "30d",
               utc_ranges->whole30);

  return TRUE;
}

/* ---- the tables and the JSON ----------------------------------------------------------- */

/* A note under a table: @text after two spaces, wrapped at 100 columns (at spaces) with
 * the lines after the first indented by six.
 */
static void
append_note (GString    *out,
             const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n", -1);
  gsize line = 2;

  g_string_append (out, " ");
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize length = g_utf8_strlen (words[i], -1);

      if (length == 0)
        continue;
      if (line > 6 && line + 1 + length > 100)
        {
          g_string_append (out, "\n     ");
          line = 5;
        }
      g_string_append_printf (out, " %s", words[i]);
      line += 1 + length;
    }
  g_string_append_c (out, '\n');
}

static const char *
exact_text (gboolean compared,
            gboolean same)
{
  return !compared ? "-" : same ? "yes" : "NO";
}

/* One row: Tollgate's median, min and runs, the raw query's median and runs, the target,
 * the speed-up and whether both are met, and whether the answers are equal (@extra after
 * that); and its JSON object (the caller adds its own members and ends it).
 */
static void
table_pair_row (Bench        *bench,
                const char   *label,
                const Timing *tollgate,
                const Timing *raw,
                const char   *exact,
                const char   *extra)
{
  double median = timing_median (tollgate);
  double raw_median = raw->timed_out ? NAN : timing_median (raw);
  /* A cancelled raw query was at least --timeout slow: the speed-up is then a bound. */
  double speedup = (raw->timed_out ? 1000.0 * bench->options->timeout : raw_median)
                   / (tollgate->timed_out ? NAN : median);
  g_autofree char *s_median = bench_format_timing_ms (bench, tollgate, median);
  g_autofree char *s_min = bench_format_timing_ms (bench, tollgate, timing_min (tollgate));
  g_autofree char *s_runs = bench_format_runs (tollgate);
  g_autofree char *s_raw = bench_format_timing_ms (bench, raw, raw_median);
  g_autofree char *s_raw_runs = bench_format_runs (raw);
  g_autofree char *s_target = g_strdup_printf ("<= %.0f", TARGET_MS);
  g_autofree char *s_speedup = isnan (speedup) ? g_strdup ("-")
                               : g_strdup_printf (speedup >= 10.0 ? "%s%.0fx" : "%s%.2fx",
                                                  raw->timed_out ? "> " : "", speedup);
  gboolean met = !tollgate->timed_out && median <= TARGET_MS && speedup >= TARGET_SPEEDUP;

  g_string_append_printf (bench->late_table, "  %-51s %8s %8s %4s %9s %4s %7s %8s %6s  %-5s%s\n",
                          label, s_median, s_min, s_runs, s_raw, s_raw_runs, s_target, s_speedup,
                          met ? "met" : "MISSED", exact, extra);

  json_builder_set_member_name (bench->json, "tollgate");
  json_builder_begin_object (bench->json);
  bench_json_timing (bench->json, tollgate);
  json_builder_end_object (bench->json);
  json_builder_set_member_name (bench->json, "raw");
  json_builder_begin_object (bench->json);
  bench_json_timing (bench->json, raw);
  json_builder_end_object (bench->json);
  bench_json_double (bench->json, "target_ms", TARGET_MS);
  bench_json_double (bench->json, raw->timed_out ? "speedup_above" : "speedup", speedup);
  bench_json_bool (bench->json, "target_met", met);
}

static void
table_heading (Bench      *bench,
               const char *last)
{
  g_string_append_printf (bench->late_table, "  %-51s %22s %14s\n", "", "Tollgate ms",
                          "raw rows ms");
  g_string_append_printf (bench->late_table, "  %-51s %8s %8s %4s %9s %4s %7s %8s %6s  %s\n",
                          "", "median", "min", "runs", "median", "runs", "target", "speed-up",
                          "", last);
}

static void
report_series (Bench     *bench,
               Groupings *groupings)
{
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new ();
  guint n_compared = 0, n_same = 0;

  g_string_append_printf (bench->late_table,
                          "\n6. Every grouping: Tollgate's series (tg_usage_fetch_series) beside "
                          "the same question over raw rows,\n"
                          "   date_trunc in the zone and every row priced on its own, in the same "
                          "run (read before 4 and 5 wrote rows;\n"
                          "   targets at 10M rows: <= %.0f ms and >= %.0fx; exact: calls, errors, "
                          "credits and cost of every bucket and group)\n",
                          TARGET_MS, TARGET_SPEEDUP);
  table_heading (bench, "exact");

  json_builder_set_member_name (bench->json, "groupings");
  json_builder_begin_array (bench->json);
  for (guint i = 0; i < groupings->series->len; i++)
    {
      SeriesQuestion *question = g_ptr_array_index (groupings->series, i);

      json_builder_begin_object (bench->json);
      bench_json_string (bench->json, "label", question->label);
      bench_json_string (bench->json, "grouping", question->grouping->id);
      bench_json_string (bench->json, "zone", question->zone);
      if (question->t_tollgate == NULL)
        {
          g_autofree char *mark = NULL;
          guint k;

          /* Each reason once, under the table. */
          for (k = 0; question->refusal != NULL && k < reasons->len; k++)
            if (g_strcmp0 (g_ptr_array_index (reasons, k), question->refusal) == 0)
              break;
          if (question->refusal != NULL && k == reasons->len)
            {
              g_autofree char *note = g_strdup_printf ("(%u) refused, with the server's reason: %s",
                                                       k + 1, question->refusal);

              g_ptr_array_add (reasons, question->refusal);
              append_note (notes, note);
            }
          mark = question->refusal != NULL ? g_strdup_printf ("refused (%u)", k + 1)
                                           : g_strdup ("ANSWERED (a refusal was expected)");
          g_string_append_printf (bench->late_table,
                                  "  %-51s %8s %8s %4s %9s %4s %7s %8s %6s  %s\n",
                                  question->label, "-", "-", "-", "-", "-", "-", "-", "", mark);
          bench_json_bool (bench->json, "refused", question->refusal != NULL);
          bench_json_string (bench->json, "reason", question->refusal);
        }
      else
        {
          g_autofree char *count = tg_format_count (question->cells);
          g_autofree char *cells = g_strdup_printf ("  %s cells", count);

          table_pair_row (bench, question->label, question->t_tollgate, question->t_raw,
                          exact_text (question->compared, question->same),
                          question->same ? cells : "");
          bench_json_bool (bench->json, "compared", question->compared);
          bench_json_bool (bench->json, "equal", question->same);
          bench_json_int (bench->json, "cells", question->cells);
          bench_json_string (bench->json, "difference", question->difference);
          if (question->difference != NULL)
            {
              g_autofree char *note = g_strdup_printf ("%s: %s", question->label,
                                                       question->difference);

              append_note (notes, note);
            }
          n_compared += question->compared;
          n_same += question->compared && question->same;
        }
      json_builder_end_object (bench->json);
    }
  json_builder_end_array (bench->json);

  g_string_append (bench->late_table, notes->str);
  g_string_append_printf (bench->late_table,
                          "  same figures as the raw rows: %u of %u series%s\n", n_same, n_compared,
                          n_same == n_compared ? "" : " (the others: NO, see above)");
}

static void
report_tops (Bench     *bench,
             Groupings *groupings)
{
  g_autoptr(GString) notes = g_string_new (NULL);

  g_string_append_printf (bench->late_table,
                          "\n7. Top %u by cost (tg_usage_fetch_top: the groups, the rest summed, "
                          "the total) beside a GROUP BY over the raw rows,\n"
                          "   priced the same way, ranked alike, in the same run (targets at "
                          "10M rows: <= %.0f ms and >= %.0fx;\n"
                          "   exact: each rank's group, calls and cost, the rest's and the "
                          "total's calls, cost and number of groups)\n",
                          TOP_LIMIT, TARGET_MS, TARGET_SPEEDUP);
  table_heading (bench, "exact     groups    top share");

  json_builder_set_member_name (bench->json, "top");
  json_builder_begin_array (bench->json);
  for (guint i = 0; i < groupings->tops->len; i++)
    {
      TopQuestion *question = g_ptr_array_index (groupings->tops, i);
      TgUsageTop *top = question->top;
      g_autofree char *extra = NULL;
      guint share = 0;

      if (top != NULL)
        {
          g_autofree char *groups = tg_format_count (top->rows->len + top->n_rest_groups);

          share = tg_usage_share (top->total->cost - top->rest->cost, top->total->cost);
          extra = g_strdup_printf ("  %9s  %6u.%02u %%", groups, share / 100, share % 100);
        }

      json_builder_begin_object (bench->json);
      bench_json_string (bench->json, "label", question->label);
      bench_json_string (bench->json, "grouping", question->grouping->id);
      table_pair_row (bench, question->label, question->t_tollgate, question->t_raw,
                      exact_text (question->compared, question->same), extra != NULL ? extra : "");
      bench_json_int (bench->json, "limit", question->limit);
      bench_json_bool (bench->json, "compared", question->compared);
      bench_json_bool (bench->json, "equal", question->same);
      bench_json_string (bench->json, "difference", question->difference);
      if (top != NULL)
        {
          bench_json_int (bench->json, "groups", top->rows->len + top->n_rest_groups);
          bench_json_double (bench->json, "top_share", share / 10000.0);
        }
      json_builder_end_object (bench->json);

      if (question->difference != NULL)
        {
          g_autofree char *note = g_strdup_printf ("%s: %s", question->label,
                                                   question->difference);

          append_note (notes, note);
        }
    }
  json_builder_end_array (bench->json);

  g_string_append (bench->late_table, notes->str);
}

/* Sections 6 and 7: their tables (into late_table) and JSON members "groupings", "top". */
void
bench_groupings_report (Bench     *bench,
                        Groupings *groupings)
{
  if (bench_want (bench, '6'))
    report_series (bench, groupings);
  if (bench_want (bench, '7'))
    report_tops (bench, groupings);
}
