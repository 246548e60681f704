/* tg-ctl-budget.c — tollgatectl budget set|list|delete, quota set|list|delete
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Monthly budgets and provider quotas (docs/architecture.md, "Budgets and quotas";
 * tg-budget-queries.h and tg-budget-service.h do the work). Only finance and admin may
 * change them: the database refuses anyone else, and the command passes its words on
 * (exit 1). Scripts read the JSON, whose members are fixed:
 *
 *   budget set:  {"id": 1, "scope": "overall", "created": true, "amount": "10000.00",
 *                 "currency": "AUD", "thresholds": [{"threshold": "70", "on": "actual"}, …]}
 *   budget list: {"month": "2026-12", "time_zone": "…", "as_of": "…",
 *                 "budgets": [{"id": 1, "scope": "overall", "amount": "10000.00",
 *                   "currency": "AUD", "thresholds": [{"threshold": "70", "on": "actual",
 *                   "amount": "7000.00"}, …], "month": "2026-12", "actual": "8712.40",
 *                   "percent": "87.1", "forecast": "10500.00", "low": "9800.00",
 *                   "high": "11200.00", "confidence": "high", "forecast_as_of": "…",
 *                   "state": {"passed": "85", "since": "2026-12-14",
 *                             "forecast_passed": "100"},
 *                   "resets_at": "2027-01-01T00:00:00+11:00",
 *                   "days": [{"date": "2026-12-01", "actual": "312.50"}, …]}]}
 *   budget delete: {"id": 1, "deleted": true}
 *
 * and the same for quotas ("quotas", "provider", "unit" for "currency", "used" for
 * "actual", and the runway: "daily_rate", "runs_out_at", "prepaid", "prepaid_at",
 * "prepaid_left", "prepaid_runs_out_at"). Money and counts are decimal strings; days[]
 * hold the month's cumulative actual at the end of each local day so far; forecast, low
 * and high are null while there is no forecast or no interval; passed and since null
 * below every threshold.
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg-budget-service.h"
#include "tg-catalog-queries.h"
#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-forecast-queries.h"
#include "tg-format.h"
#include "tg-money.h"
#include "tg-time-bucket.h"

typedef enum
{
  RULE_BUDGET,
  RULE_QUOTA,
} RuleKind;

static const TgCtlNumberRange id_range = {
  "ID", 1, 9007199254740992.0, FALSE, TRUE, "the id that list shows"
};

static gboolean
unit_is_count (const char *unit)
{
  return g_strcmp0 (unit, "calls") == 0 || g_strcmp0 (unit, "credits") == 0;
}

/* An amount as scripts read it: money with two decimals at least, counts without
 * trailing zeros. */
static char *
unit_text (gint64      micros,
           const char *unit)
{
  char *text;
  gsize len;

  if (!unit_is_count (unit))
    return tg_money_to_exact (micros);

  text = tg_money_to_decimal (micros, 6);
  len = strlen (text);
  while (len > 0 && text[len - 1] == '0')
    text[--len] = '\0';
  if (len > 0 && text[len - 1] == '.')
    text[--len] = '\0';
  return text;
}

/* For people: "8,712.40 AUD", "212,500 calls". */
static char *
unit_display (gint64      micros,
              const char *unit)
{
  g_autofree char *number = NULL;
  g_autofree char *escaped = tg_ctl_text_escape (unit);

  if (unit_is_count (unit))
    number = tg_format_micros (micros, 6);
  else
    number = tg_format_decimal (micros, tg_currency_get_decimals (unit));
  return g_strdup_printf ("%s %s", number, escaped);
}

static char *
threshold_display (const TgBudgetThreshold *threshold,
                   const char              *unit)
{
  if (threshold->kind == TG_BUDGET_THRESHOLD_PERCENT)
    {
      g_autofree char *number = tg_format_micros (threshold->value, 2);

      return g_strdup_printf ("%s %%", number);
    }
  return unit_display (threshold->value, unit);
}

/* "70 %, 85 % of actual spend; 100 % of the forecast" */
static char *
thresholds_summary (GArray     *thresholds,
                    const char *unit,
                    RuleKind    rule)
{
  GString *text = g_string_new (NULL);

  for (int basis = TG_BUDGET_BASIS_ACTUAL; basis <= TG_BUDGET_BASIS_FORECAST; basis++)
    {
      gboolean first = TRUE;

      for (guint i = 0; i < thresholds->len; i++)
        {
          TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);
          g_autofree char *shown = NULL;

          if ((int)t->basis != basis)
            continue;
          shown = threshold_display (t, unit);
          if (first && text->len > 0)
            g_string_append (text, "; ");
          g_string_append_printf (text, "%s%s", first ? "" : ", ", shown);
          first = FALSE;
        }
      if (!first)
        g_string_append (text, basis == TG_BUDGET_BASIS_FORECAST
                               ? " of the forecast"
                               : rule == RULE_BUDGET ? " of actual spend" : " of actual use");
    }

  return g_string_free (text, FALSE);
}

static void
add_unit_amount (JsonBuilder *builder,
                 const char  *name,
                 gint64       micros,
                 const char  *unit,
                 gboolean     present)
{
  g_autofree char *text = present ? unit_text (micros, unit) : NULL;

  tg_ctl_json_add_string (builder, name, text);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GTimeZone   *tz,
          gint64       usec,
          gboolean     present)
{
  g_autofree char *text = present ? tg_time_bucket_format_usec (tz, usec) : NULL;

  tg_ctl_json_add_string (builder, name, text);
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          (guint)g_date_get_month (date), g_date_get_day (date));
}

/* [{"threshold": "70", "on": "actual", "amount": "7000.00"}, …]; amounts when known. */
static void
add_thresholds (JsonBuilder *builder,
                GArray      *thresholds,
                GArray      *amounts,
                const char  *unit)
{
  json_builder_set_member_name (builder, "thresholds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < thresholds->len; i++)
    {
      TgBudgetThreshold *t = &g_array_index (thresholds, TgBudgetThreshold, i);
      g_autofree char *text = tg_budget_threshold_to_string (t, unit);

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "threshold", text);
      tg_ctl_json_add_string (builder, "on", tg_budget_basis_to_string (t->basis));
      if (amounts != NULL)
        add_unit_amount (builder, "amount", g_array_index (amounts, gint64, i), unit, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

/* An amount option: above 0 (@zero: from 0), at most six decimals (@whole: none),
 * within the largest, in plain decimals. */
static gboolean
parse_amount (const char  *option,
              const char  *text,
              gboolean     whole,
              gboolean     zero,
              const char  *example,
              gint64      *micros,
              GError     **error)
{
  if (tg_money_parse (text, micros, NULL) && (*micros > 0 || (zero && *micros == 0))
      && *micros <= TG_BUDGET_MAX_AMOUNT * TG_MICROS_PER_UNIT + 999999
      && (!whole || *micros % TG_MICROS_PER_UNIT == 0)
      && strspn (text, "0123456789.") == strlen (text))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s takes %s %s 0%s, such as %s, up to 999,999,999,999%s, not “%s”", option,
               whole ? "a whole number" : "an amount", zero ? "from" : "above",
               whole ? "" : " with at most six decimals", example,
               whole ? "" : ".999999", text);
  return FALSE;
}

static int
parse_id (GOptionContext *context,
          const char     *text,
          gint64         *id)
{
  g_autoptr(GError) error = NULL;
  double value;

  if (!tg_ctl_parse_number (&id_range, text, &value, &error))
    return tg_ctl_usage_error (context, "%s", error->message);
  *id = (gint64)value;
  return -1;
}

static gboolean
parse_basis (const char    *text,
             TgBudgetBasis *basis,
             GError       **error)
{
  if (text == NULL)
    {
      *basis = TG_BUDGET_BASIS_ACTUAL;
      return TRUE;
    }
  if (tg_budget_basis_parse (text, basis))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--on takes actual or forecast, not “%s”", text);
  return FALSE;
}

/* --thresholds and --on: the thresholds to set, or NULL to keep the rule's (a new one gets
 * the defaults). --on alone puts the default thresholds on that basis. */
static gboolean
parse_thresholds (const char  *text,
                  const char  *on,
                  const char  *unit,
                  GArray     **thresholds,
                  GError     **error)
{
  TgBudgetBasis basis;
  g_autoptr(GError) local_error = NULL;

  *thresholds = NULL;
  if (!parse_basis (on, &basis, error))
    return FALSE;
  if (text == NULL && on == NULL)
    return TRUE;
  if (tg_budget_thresholds_parse (text != NULL ? text : TG_BUDGET_DEFAULT_THRESHOLDS, unit,
                                  basis, thresholds, &local_error))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--thresholds: %s",
               local_error->message);
  return FALSE;
}

static TgBudget *
find_budget (GPtrArray *budgets,
             gint64     id)
{
  for (guint i = 0; i < budgets->len; i++)
    if (((TgBudget *)g_ptr_array_index (budgets, i))->id == id)
      return g_ptr_array_index (budgets, i);
  return NULL;
}

static TgQuota *
find_quota (GPtrArray *quotas,
            gint64     id)
{
  for (guint i = 0; i < quotas->len; i++)
    if (((TgQuota *)g_ptr_array_index (quotas, i))->id == id)
      return g_ptr_array_index (quotas, i);
  return NULL;
}

/* What set printed: the rule as the database now holds it. */
static void
print_set (TgCtlGlobals *globals,
           RuleKind      rule,
           gint64        id,
           gboolean      created,
           const char   *what,        /* scope or provider */
           gint64        amount,
           const char   *unit,
           GArray       *thresholds,
           gboolean      has_prepaid,
           gint64        prepaid)
{
  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_int (builder, "id", id);
      tg_ctl_json_add_string (builder, rule == RULE_BUDGET ? "scope" : "provider", what);
      json_builder_set_member_name (builder, "created");
      json_builder_add_boolean_value (builder, created);
      add_unit_amount (builder, "amount", amount, unit, TRUE);
      tg_ctl_json_add_string (builder, rule == RULE_BUDGET ? "currency" : "unit", unit);
      if (rule == RULE_QUOTA)
        add_unit_amount (builder, "prepaid", prepaid, unit, has_prepaid);
      add_thresholds (builder, thresholds, NULL, unit);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    {
      g_autofree char *shown_what = tg_ctl_text_escape (what);
      g_autofree char *shown_amount = unit_display (amount, unit);
      g_autofree char *summary = thresholds_summary (thresholds, unit, rule);

      g_print ("%s %" G_GINT64_FORMAT " for %s %s: %s a month; thresholds %s.\n",
               rule == RULE_BUDGET ? "Budget" : "Quota", id, shown_what,
               created ? "created" : "updated (it keeps its id)", shown_amount, summary);
      if (has_prepaid)
        {
          g_autofree char *shown_prepaid = unit_display (prepaid, unit);

          g_print ("Prepaid balance: %s left now, counted down from here.\n", shown_prepaid);
        }
    }
}

static int
budget_set (TgCtlGlobals   *globals,
            GOptionContext *context,
            const char     *scope,
            const char     *amount_text,
            const char     *currency,
            const char     *thresholds_text,
            const char     *on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GPtrArray) budgets = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) currencies = NULL;
  TgForecastScopeKind kind;
  TgBudget *budget;
  gint64 amount;
  gint64 id = 0;
  gboolean created = FALSE;
  int ret;

  if (scope == NULL || amount_text == NULL || currency == NULL)
    return tg_ctl_usage_error (context, "set needs --scope, --amount and --currency");
  if (!tg_forecast_scope_parse (scope, &kind, &name, &error))
    {
      g_autofree char *escaped = tg_ctl_text_escape (scope);

      return tg_ctl_usage_error (context, "--scope: “%s”: %s", escaped, error->message);
    }
  if (!parse_amount ("--amount", amount_text, FALSE, FALSE, "10000.00", &amount, &error))
    return tg_ctl_usage_error (context, "%s", error->message);
  if (!tg_currency_is_valid (currency))
    return tg_ctl_usage_error (context, "--currency: “%s” is not an ISO 4217 currency code "
                               "(three capital letters, such as AUD)", currency);
  if (!parse_thresholds (thresholds_text, on, currency, &thresholds, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  if ((ret = tg_ctl_check_scope_name (context, conn, kind, name)) >= 0)
    return ret;

  /* Spend is kept in the reporting currency; a budget in another needs a rate between. */
  currencies = tg_budget_fetch_currencies (conn, &error);
  if (currencies == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  if (!g_strv_contains ((const char * const *)currencies, currency))
    {
      g_autofree char *list = g_strjoinv (", ", currencies);

      return tg_ctl_usage_error (context, "--currency: cannot compare spend with a budget in "
                                 "%s: no exchange rate leads between it and the currency "
                                 "costs are kept in; the possible currencies are %s",
                                 currency, list);
    }

  if (!tg_budget_set (conn, scope, amount, currency, thresholds, &id, &created, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  budgets = tg_budget_fetch_list (conn, &error);
  if (budgets == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  budget = find_budget (budgets, id);
  if (budget == NULL)
    return tg_ctl_fail (g_error_new (TG_DB_ERROR, TG_DB_ERROR_QUERY,
                                     "Budget %" G_GINT64_FORMAT " was set but is gone again "
                                     "(deleted meanwhile?)", id));

  print_set (globals, RULE_BUDGET, id, created, budget->scope, budget->amount,
             budget->currency, budget->thresholds, FALSE, 0);
  return TG_CTL_EXIT_OK;
}

static int
quota_set (TgCtlGlobals   *globals,
           GOptionContext *context,
           const char     *provider,
           const char     *calls_text,
           const char     *credits_text,
           const char     *prepaid_text,
           const char     *thresholds_text,
           const char     *on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GArray) thresholds = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) quotas = NULL;
  TgQuotaUnit unit = calls_text != NULL ? TG_QUOTA_UNIT_CALLS : TG_QUOTA_UNIT_CREDITS;
  const char *unit_name = tg_quota_unit_to_string (unit);
  TgProvider *found;
  TgQuota *quota;
  gint64 amount;
  gint64 prepaid = TG_QUOTA_PREPAID_KEEP;
  gint64 id = 0;
  gboolean created = FALSE;

  if (provider == NULL)
    return tg_ctl_usage_error (context, "set needs --provider, and --calls or --credits");
  if ((calls_text == NULL) == (credits_text == NULL))
    return tg_ctl_usage_error (context, "give the quota as either --calls N or --credits DEC");
  if (!parse_amount (calls_text != NULL ? "--calls" : "--credits",
                     calls_text != NULL ? calls_text : credits_text, calls_text != NULL, FALSE,
                     calls_text != NULL ? "250000" : "250000.5", &amount, &error))
    return tg_ctl_usage_error (context, "%s", error->message);
  if (prepaid_text != NULL && g_str_equal (prepaid_text, "none"))
    prepaid = TG_QUOTA_PREPAID_NONE;
  else if (prepaid_text != NULL
           && !parse_amount ("--prepaid", prepaid_text, unit == TG_QUOTA_UNIT_CALLS, TRUE,
                             unit == TG_QUOTA_UNIT_CALLS ? "100000" : "5000.5", &prepaid, &error))
    return tg_ctl_usage_error (context, "%s (or none to remove the balance)", error->message);
  if (!parse_thresholds (thresholds_text, on, unit_name, &thresholds, &error))
    return tg_ctl_usage_error (context, "%s", error->message);

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  providers = tg_catalog_fetch_providers (conn, &error);
  if (providers == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  found = tg_catalog_find_provider (providers, provider);
  if (found == NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) slugs = NULL;
      g_autofree char *list = NULL;
      g_autofree char *escaped = tg_ctl_text_escape (provider);

      for (guint i = 0; i < providers->len; i++)
        g_strv_builder_add (builder, ((TgProvider *)g_ptr_array_index (providers, i))->slug);
      slugs = g_strv_builder_end (builder);
      qsort (slugs, g_strv_length (slugs), sizeof (char *), compare_strings);
      list = g_strjoinv (", ", slugs);
      return tg_ctl_usage_error (context, "--provider: no provider “%s”; the providers are %s",
                                 escaped, list);
    }
  /* The platform records credits (credit_cost) only for providers that bill in them. */
  if (unit == TG_QUOTA_UNIT_CREDITS && found->billing_unit != TG_BILLING_UNIT_CREDIT)
    return tg_ctl_usage_error (context, "--credits: %s does not bill in credits, so its calls "
                               "use none; give its quota with --calls", provider);

  if (!tg_quota_set (conn, provider, unit, amount, prepaid, thresholds, &id, &created, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  quotas = tg_quota_fetch_list (conn, &error);
  if (quotas == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  quota = find_quota (quotas, id);
  if (quota == NULL)
    return tg_ctl_fail (g_error_new (TG_DB_ERROR, TG_DB_ERROR_QUERY,
                                     "Quota %" G_GINT64_FORMAT " was set but is gone again "
                                     "(deleted meanwhile?)", id));

  print_set (globals, RULE_QUOTA, id, created, quota->provider, quota->amount,
             tg_quota_unit_to_string (quota->unit), quota->thresholds, quota->has_prepaid,
             quota->prepaid);
  return TG_CTL_EXIT_OK;
}

static int
rule_delete (TgCtlGlobals   *globals,
             GOptionContext *context,
             RuleKind        rule,
             const char     *id_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  const char *noun = rule == RULE_BUDGET ? "budget" : "quota";
  gboolean deleted = FALSE;
  gboolean ok;
  gint64 id;
  int ret;

  if ((ret = parse_id (context, id_text, &id)) >= 0)
    return ret;

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));

  ok = rule == RULE_BUDGET ? tg_budget_delete (conn, id, &deleted, &error)
                           : tg_quota_delete (conn, id, &deleted, &error);
  if (!ok)
    return tg_ctl_fail (g_steal_pointer (&error));
  if (!deleted)
    return tg_ctl_usage_error (context, "there is no %s %" G_GINT64_FORMAT "; “tollgatectl %s "
                               "list” shows them with their ids", noun, id, noun);

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      tg_ctl_json_add_int (builder, "id", id);
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
    }
  else
    g_print ("%s %" G_GINT64_FORMAT " deleted.\n", rule == RULE_BUDGET ? "Budget" : "Quota", id);

  return TG_CTL_EXIT_OK;
}

/* "85 % since 2026-12-14; forecast past 100 %" */
static char *
state_text (TgBudgetStatus *status)
{
  GArray *thresholds = tg_budget_status_get_thresholds (status);
  GString *text = g_string_new (NULL);

  if (status->cumulative->len == 0)
    g_string_append (text, "no exchange rate");
  else if (status->passed >= 0)
    {
      g_autofree char *shown = threshold_display (&g_array_index (thresholds, TgBudgetThreshold,
                                                                  status->passed), status->unit);
      g_autofree char *since = date_text (&status->passed_since);

      g_string_append_printf (text, "%s since %s", shown, since);
    }
  else
    g_string_append (text, "below its thresholds");

  if (status->forecast_passed >= 0)
    {
      g_autofree char *shown = threshold_display (&g_array_index (thresholds, TgBudgetThreshold,
                                                                  status->forecast_passed),
                                                  status->unit);

      g_string_append_printf (text, "; forecast past %s", shown);
    }

  return g_string_free (text, FALSE);
}

static char *
forecast_text (TgBudgetStatus *status)
{
  g_autofree char *forecast = NULL;

  if (!status->has_forecast)
    return g_strdup ("—");
  /* An estimate: counts to the whole, money to the currency's decimals. */
  forecast = tg_format_decimal (status->forecast, unit_is_count (status->unit) ? 0
                                : tg_currency_get_decimals (status->unit));
  if (!status->enough_data || !status->has_interval)
    return g_strdup_printf ("%s (held back: too little history)", forecast);
  {
    guint decimals = unit_is_count (status->unit) ? 0 : tg_currency_get_decimals (status->unit);
    g_autofree char *low = tg_format_decimal (status->low, decimals);
    g_autofree char *high = tg_format_decimal (status->high, decimals);

    return g_strdup_printf ("%s (%s – %s)", forecast, low, high);
  }
}

static void
add_status_json (JsonBuilder    *builder,
                 TgBudgetStatus *status,
                 GTimeZone      *tz)
{
  GArray *thresholds = tg_budget_status_get_thresholds (status);
  gboolean has_actual = status->cumulative->len > 0;
  GDate day = status->first_day;

  json_builder_begin_object (builder);
  if (status->budget != NULL)
    {
      tg_ctl_json_add_int (builder, "id", status->budget->id);
      tg_ctl_json_add_string (builder, "scope", status->budget->scope);
      add_unit_amount (builder, "amount", status->limit, status->unit, TRUE);
      tg_ctl_json_add_string (builder, "currency", status->unit);
    }
  else
    {
      tg_ctl_json_add_int (builder, "id", status->quota->id);
      tg_ctl_json_add_string (builder, "provider", status->quota->provider);
      add_unit_amount (builder, "amount", status->limit, status->unit, TRUE);
      tg_ctl_json_add_string (builder, "unit", status->unit);
    }
  add_thresholds (builder, thresholds, status->threshold_amounts, status->unit);
  tg_ctl_json_add_string (builder, "month", status->month);
  add_unit_amount (builder, status->budget != NULL ? "actual" : "used", status->actual,
                   status->unit, has_actual);
  if (has_actual)
    {
      char percent[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (percent, sizeof percent, "%.1f", status->percent);
      tg_ctl_json_add_string (builder, "percent", percent);
    }
  else
    tg_ctl_json_add_string (builder, "percent", NULL);
  add_unit_amount (builder, "forecast", status->forecast, status->unit, status->has_forecast);
  add_unit_amount (builder, "low", status->low, status->unit,
                   status->has_forecast && status->has_interval);
  add_unit_amount (builder, "high", status->high, status->unit,
                   status->has_forecast && status->has_interval);
  if (status->has_forecast)
    {
      static const char * const confidences[] = { "none", "low", "medium", "high" };

      tg_ctl_json_add_string (builder, "confidence", confidences[status->confidence]);
    }
  else
    tg_ctl_json_add_string (builder, "confidence", NULL);
  add_time (builder, "forecast_as_of", tz, status->forecast_as_of, status->has_forecast);

  json_builder_set_member_name (builder, "state");
  json_builder_begin_object (builder);
  {
    g_autofree char *passed = NULL;
    g_autofree char *since = NULL;
    g_autofree char *forecast_passed = NULL;

    if (status->passed >= 0)
      {
        passed = tg_budget_threshold_to_string (&g_array_index (thresholds, TgBudgetThreshold,
                                                                status->passed), status->unit);
        since = date_text (&status->passed_since);
      }
    if (status->forecast_passed >= 0)
      forecast_passed = tg_budget_threshold_to_string (&g_array_index (thresholds,
                                                                       TgBudgetThreshold,
                                                                       status->forecast_passed),
                                                       status->unit);
    tg_ctl_json_add_string (builder, "passed", passed);
    tg_ctl_json_add_string (builder, "since", since);
    tg_ctl_json_add_string (builder, "forecast_passed", forecast_passed);
  }
  json_builder_end_object (builder);

  {
    g_autofree char *resets_at = tg_time_bucket_format_start (tz, status->month_end / G_USEC_PER_SEC);

    tg_ctl_json_add_string (builder, "resets_at", resets_at);
  }

  if (status->quota != NULL)
    {
      add_unit_amount (builder, "daily_rate", status->daily_rate, status->unit, TRUE);
      add_time (builder, "runs_out_at", tz, status->runs_out_at, status->runs_out);
      add_unit_amount (builder, "prepaid", status->quota->prepaid, status->unit,
                       status->quota->has_prepaid);
      add_time (builder, "prepaid_at", tz, status->quota->prepaid_at,
                status->quota->has_prepaid);
      add_unit_amount (builder, "prepaid_left", status->prepaid_left, status->unit,
                       status->quota->has_prepaid);
      add_time (builder, "prepaid_runs_out_at", tz, status->prepaid_runs_out_at,
                status->quota->has_prepaid && status->prepaid_runs_out);
    }

  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint i = 0; i < status->cumulative->len; i++, g_date_add_days (&day, 1))
    {
      g_autofree char *date = date_text (&day);

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "date", date);
      add_unit_amount (builder, status->budget != NULL ? "actual" : "used",
                       g_array_index (status->cumulative, gint64, i), status->unit, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static char *
local_minute (GTimeZone *tz,
              gint64     usec)
{
  g_autofree char *text = tg_time_bucket_format_usec (tz, usec);

  /* "2026-12-05T10:03:07.000000+11:00" → "2026-12-05 10:03" */
  text[10] = ' ';
  return g_strndup (text, 16);
}

static int
rule_list (TgCtlGlobals   *globals,
           RuleKind        rule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_auto(TgCtlBilling) ctx = { 0 };
  gint64 now_usec = g_get_real_time ();
  g_autofree char *month = NULL;
  g_autofree char *resets = NULL;

  conn = tg_ctl_connect (globals, &error);
  if (conn == NULL || !tg_ctl_billing_load (&ctx, conn, &error))
    return tg_ctl_fail (g_steal_pointer (&error));

  /* Fresh forecasts, stored for the alerts as the worker would. */
  statuses = tg_budget_service_status (conn, ctx.tz, now_usec, TRUE, &error);
  if (statuses == NULL)
    return tg_ctl_fail (g_steal_pointer (&error));
  for (guint i = 0; i < statuses->len; i++)
    {
      TgBudgetStatus *status = g_ptr_array_index (statuses, i);

      if ((rule == RULE_BUDGET) == (status->budget != NULL))
        g_ptr_array_add (shown, status);
    }

  {
    GDate today;

    g_date_clear (&today, 1);
    tg_time_bucket_local_date (ctx.tz, now_usec / G_USEC_PER_SEC, &today);
    month = g_strdup_printf ("%04u-%02u", g_date_get_year (&today),
                             (guint)g_date_get_month (&today));
  }

  if (globals->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *as_of = tg_time_bucket_format_usec (ctx.tz, now_usec);

      json_builder_begin_object (builder);
      tg_ctl_json_add_string (builder, "month", month);
      tg_ctl_json_add_string (builder, "time_zone", ctx.tz_name);
      tg_ctl_json_add_string (builder, "as_of", as_of);
      json_builder_set_member_name (builder, rule == RULE_BUDGET ? "budgets" : "quotas");
      json_builder_begin_array (builder);
      for (guint i = 0; i < shown->len; i++)
        add_status_json (builder, g_ptr_array_index (shown, i), ctx.tz);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      tg_ctl_print_json (builder);
      return TG_CTL_EXIT_OK;
    }

  if (shown->len == 0)
    {
      if (rule == RULE_BUDGET)
        g_print ("No budgets yet. Set one with “tollgatectl budget set --scope overall "
                 "--amount 10000 --currency %s”.\n", ctx.currency);
      else
        g_print ("No quotas yet. Set one with “tollgatectl quota set --provider here "
                 "--calls 250000”.\n");
      return TG_CTL_EXIT_OK;
    }

  {
    TgBudgetStatus *first = g_ptr_array_index (shown, 0);
    g_autofree char *now = local_minute (ctx.tz, now_usec);
    g_autofree char *zone = tg_ctl_text_escape (ctx.tz_name);
    g_autoptr(TgCtlTable) table = tg_ctl_table_new (0);
    g_autoptr(GString) notes = g_string_new (NULL);

    resets = local_minute (ctx.tz, first->month_end);
    g_print ("%s for %s (%s) as of %s; they reset on %s.\n\n",
             rule == RULE_BUDGET ? "Budgets" : "Quotas", month, zone, now, resets);

    tg_ctl_table_add_column (table, "id", TG_CTL_ALIGN_RIGHT);
    tg_ctl_table_add_column (table, rule == RULE_BUDGET ? "scope" : "provider",
                             TG_CTL_ALIGN_LEFT);
    tg_ctl_table_add_column (table, rule == RULE_BUDGET ? "budget" : "quota",
                             TG_CTL_ALIGN_RIGHT);
    tg_ctl_table_add_column (table, rule == RULE_BUDGET ? "spent" : "used", TG_CTL_ALIGN_RIGHT);
    tg_ctl_table_add_column (table, "%", TG_CTL_ALIGN_RIGHT);
    tg_ctl_table_add_column (table, "forecast (80 % interval)", TG_CTL_ALIGN_RIGHT);
    if (rule == RULE_QUOTA)
      tg_ctl_table_add_column (table, "runs out", TG_CTL_ALIGN_LEFT);
    tg_ctl_table_add_column (table, "state", TG_CTL_ALIGN_LEFT);

    for (guint i = 0; i < shown->len; i++)
      {
        TgBudgetStatus *status = g_ptr_array_index (shown, i);
        gint64 id = status->budget != NULL ? status->budget->id : status->quota->id;
        g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
        const char *what = status->budget != NULL ? status->budget->scope
                                                  : status->quota->provider;
        g_autofree char *limit = unit_display (status->limit, status->unit);
        g_autofree char *actual = status->cumulative->len > 0
                                  ? unit_display (status->actual, status->unit)
                                  : g_strdup ("—");
        g_autofree char *percent = status->cumulative->len > 0
                                   ? g_strdup_printf ("%.1f", status->percent)
                                   : g_strdup ("—");
        g_autofree char *forecast = forecast_text (status);
        g_autofree char *state = state_text (status);
        g_autofree char *summary = thresholds_summary (tg_budget_status_get_thresholds (status),
                                                       status->unit, rule);
        g_autofree char *escaped_what = tg_ctl_text_escape (what);
        g_autofree char *runs_out = NULL;

        if (rule == RULE_QUOTA)
          {
            if (!status->runs_out)
              runs_out = g_strdup ("not this month");
            else if (status->actual >= status->limit)
              runs_out = g_strdup ("used up");
            else
              {
                g_autofree char *at = local_minute (ctx.tz, status->runs_out_at);

                runs_out = g_strndup (at, 10);
              }
            {
              const char *cells[] = { id_text, what, limit, actual, percent, forecast, runs_out,
                                      state, NULL };

              tg_ctl_table_add_rowv (table, cells);
            }
          }
        else
          {
            const char *cells[] = { id_text, what, limit, actual, percent, forecast, state,
                                    NULL };

            tg_ctl_table_add_rowv (table, cells);
          }

        g_string_append_printf (notes, "  %s %s: %s.\n", id_text, escaped_what, summary);
        if (status->quota != NULL)
          {
            g_autofree char *rate = unit_display (status->daily_rate, status->unit);

            g_string_append_printf (notes, "    %s a day over the last %d days.", rate,
                                    TG_QUOTA_RUNWAY_DAYS);
            if (status->quota->has_prepaid)
              {
                g_autofree char *left = unit_display (status->prepaid_left, status->unit);

                if (status->prepaid_left <= 0)
                  g_string_append (notes, " The prepaid balance is used up.");
                else if (status->prepaid_runs_out)
                  {
                    g_autofree char *at = local_minute (ctx.tz, status->prepaid_runs_out_at);

                    g_string_append_printf (notes, " Prepaid: %s left, to about %.10s.", left, at);
                  }
                else
                  g_string_append_printf (notes, " Prepaid: %s left.", left);
              }
            g_string_append_c (notes, '\n');
          }
      }

    tg_ctl_table_print (table);
    g_print ("\nThresholds:\n%s", notes->str);
  }

  return TG_CTL_EXIT_OK;
}

static int
run (TgCtlGlobals  *globals,
     RuleKind       rule,
     int            argc,
     char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("set|list|delete [ID]");
  g_autofree char *scope = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *calls = NULL;
  g_autofree char *credits = NULL;
  g_autofree char *prepaid = NULL;
  g_autofree char *thresholds = NULL;
  g_autofree char *on = NULL;
  GOptionEntry budget_entries[] = {
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
      "set: overall, provider:SLUG, cost-centre:CODE or feature:NAME", "SCOPE" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount,
      "set: the budget a month, such as 10000.00", "DEC" },
    { "currency", 0, 0, G_OPTION_ARG_STRING, &currency,
      "set: its currency (the reporting currency, or one an exchange rate connects with it)",
      "CUR" },
    { NULL }
  };
  GOptionEntry quota_entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "set: the provider", "SLUG" },
    { "calls", 0, 0, G_OPTION_ARG_STRING, &calls, "set: the calls a month the plan allows", "N" },
    { "credits", 0, 0, G_OPTION_ARG_STRING, &credits,
      "set: the credits a month the plan allows (providers that bill in credits)", "DEC" },
    { "prepaid", 0, 0, G_OPTION_ARG_STRING, &prepaid,
      "set: a prepaid balance left now, in the quota's unit, counted down from now; none "
      "removes it (default: keep)", "N" },
    { NULL }
  };
  GOptionEntry shared_entries[] = {
    { "thresholds", 0, 0, G_OPTION_ARG_STRING, &thresholds,
      "set: comma-separated: 85 or 85% (of the budget), 7500.00AUD or 200000calls (an "
      "amount), each optionally :actual or :forecast (default 70,85,95,100 for a new one; "
      "an existing one keeps its own)", "LIST" },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on,
      "set: what thresholds without :actual or :forecast compare with (default actual; "
      "alone, the default thresholds on it)", "actual|forecast" },
    { NULL }
  };
  const char *verb;
  int ret;

  if (rule == RULE_BUDGET)
    {
      g_option_context_set_summary (context,
        "Monthly budgets per scope, in any currency, with thresholds on actual spend or on\n"
        "the month-end forecast. Finance and admin may set and delete them; everyone lists.\n"
        "  set --scope S --amount DEC --currency CUR [--thresholds …] [--on …]\n"
        "      creates the scope's budget, or changes it (keeping its id)\n"
        "  list     each budget's month: spent, forecast, the threshold passed and since when\n"
        "  delete ID");
      g_option_context_add_main_entries (context, budget_entries, NULL);
    }
  else
    {
      g_option_context_set_summary (context,
        "Monthly quotas of a provider's calls or credits, from its plan, with thresholds and\n"
        "a runway. Finance and admin may set and delete them; everyone lists.\n"
        "  set --provider P (--calls N | --credits DEC) [--prepaid N|none] [--thresholds …]\n"
        "      [--on …]   creates the provider's quota, or changes it (keeping its id)\n"
        "  list     each quota's month: used, forecast, runway, the threshold passed\n"
        "  delete ID");
      g_option_context_add_main_entries (context, quota_entries, NULL);
    }
  g_option_context_add_main_entries (context, shared_entries, NULL);
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;

  verb = argc > 1 ? argv[1] : NULL;
  if (g_strcmp0 (verb, "set") != 0 && g_strcmp0 (verb, "list") != 0
      && g_strcmp0 (verb, "delete") != 0)
    {
      g_autofree char *escaped = verb != NULL ? tg_ctl_text_escape (verb) : NULL;

      if (verb == NULL)
        return tg_ctl_usage_error (context, "say set, list or delete ID");
      return tg_ctl_usage_error (context, "unknown action “%s”: say set, list or delete ID",
                                 escaped);
    }
  if (!g_str_equal (verb, "set")
      && (scope != NULL || amount != NULL || currency != NULL || provider != NULL
          || calls != NULL || credits != NULL || prepaid != NULL || thresholds != NULL
          || on != NULL))
    return tg_ctl_usage_error (context, "%s takes no options but --db and --json; the others "
                               "are for set", verb);
  if (g_str_equal (verb, "delete"))
    {
      if (argc != 3)
        return tg_ctl_usage_error (context, "delete takes one ID (“tollgatectl %s list” shows "
                                   "them)", rule == RULE_BUDGET ? "budget" : "quota");
      return rule_delete (globals, context, rule, argv[2]);
    }
  if (argc > 2)
    {
      g_autofree char *escaped = tg_ctl_text_escape (argv[2]);

      return tg_ctl_usage_error (context, "unexpected argument “%s”", escaped);
    }
  if (g_str_equal (verb, "list"))
    return rule_list (globals, rule);

  if (rule == RULE_BUDGET)
    return budget_set (globals, context, scope, amount, currency, thresholds, on);
  return quota_set (globals, context, provider, calls, credits, prepaid, thresholds, on);
}

int
tg_ctl_budget (TgCtlGlobals  *globals,
               int            argc,
               char         **argv)
{
  return run (globals, RULE_BUDGET, argc, argv);
}

int
tg_ctl_quota (TgCtlGlobals  *globals,
              int            argc,
              char         **argv)
{
  return run (globals, RULE_QUOTA, argc, argv);
}
