/* tg-budget.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tg-forecast.h"
#include "tg-provider.h"

G_BEGIN_DECLS

/* Monthly budgets and provider quotas (docs/architecture.md, "Budgets and quotas"): what
 * they are, their thresholds, and where a month stands against them. Plain data made by
 * src/db (tg-budget-queries.h) and src/service (tg-budget-service.h); amounts are exact
 * micro-units of the budget's currency, or of the quota's unit (a call is 1,000,000).
 */

#define TG_BUDGET_ERROR (tg_budget_error_quark ())

typedef enum
{
  TG_BUDGET_ERROR_INVALID,
} TgBudgetError;

/* What a threshold is compared with. */
typedef enum
{
  TG_BUDGET_BASIS_ACTUAL,     /* the month's spend (or use) so far */
  TG_BUDGET_BASIS_FORECAST,   /* the month-end forecast, once it has enough data */
} TgBudgetBasis;

typedef enum
{
  TG_BUDGET_THRESHOLD_PERCENT,   /* a percentage of the budget or quota */
  TG_BUDGET_THRESHOLD_AMOUNT,    /* an amount in the budget's currency or the quota's unit */
} TgBudgetThresholdKind;

typedef struct
{
  TgBudgetThresholdKind  kind;
  gint64                 value;   /* PERCENT: micro-percent (85 % is 85,000,000); AMOUNT:
                                   * micro-units of the currency or unit */
  TgBudgetBasis          basis;
} TgBudgetThreshold;

/* Percentages a threshold may be, and how many may be given. */
#define TG_BUDGET_MIN_PERCENT      1
#define TG_BUDGET_MAX_PERCENT      1000
#define TG_BUDGET_MAX_THRESHOLDS   20
/* The largest amount of a budget, a quota or a threshold, in units (numeric(18, 6)). */
#define TG_BUDGET_MAX_AMOUNT       G_GINT64_CONSTANT (999999999999)

/* A budget's thresholds when none are given: 70, 85, 95 and 100 % of actual spend. */
#define TG_BUDGET_DEFAULT_THRESHOLDS "70,85,95,100"

#define TG_TYPE_BUDGET (tg_budget_get_type ())

/* A monthly budget of one scope (at most one per scope). */
typedef struct
{
  /*< private >*/
  gatomicrefcount      ref_count;

  /*< public >*/
  gint64               id;
  char                *scope;        /* "overall", "provider:P", "cost-centre:C", "feature:F" */
  TgForecastScopeKind  kind;
  char                *name;         /* the provider, cost centre or feature; NULL overall */
  gint64               amount;       /* micro-units of currency, each month */
  char                *currency;     /* ISO 4217 */
  GArray              *thresholds;   /* (element-type TgBudgetThreshold): actual ones first,
                                      * then forecast ones, each by ascending rank */
  gint64               updated_at;   /* UTC microseconds of the last change */
} TgBudget;

#define TG_TYPE_QUOTA (tg_quota_get_type ())

/* A provider's monthly allowance of calls or credits (at most one per provider). */
typedef struct
{
  /*< private >*/
  gatomicrefcount      ref_count;

  /*< public >*/
  gint64               id;
  char                *provider;     /* slug */
  TgQuotaUnit          unit;         /* calls (sum(call_count)) or credits (sum(credit_cost));
                                      * never tokens (tg-provider.h) */
  gint64               amount;       /* micro-units of the unit, each month */
  gboolean             has_prepaid;  /* a prepaid balance is counted down too */
  gint64               prepaid;      /* micro-units of the unit left at prepaid_at */
  gint64               prepaid_at;   /* UTC microseconds: when the balance was stated */
  GArray              *thresholds;   /* (element-type TgBudgetThreshold), as a budget's */
  gint64               updated_at;
} TgQuota;

#define TG_TYPE_BUDGET_STATUS (tg_budget_status_get_type ())

/* Where the month of one budget or quota stands at a moment: everything the Budgets
 * panel draws (the cumulative actual per local day, the thresholds as amounts, the
 * forecast with its band) and says (the state, when it resets). Exactly one of budget and
 * quota is set.
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount       ref_count;

  /*< public >*/
  TgBudget             *budget;
  TgQuota              *quota;
  char                 *unit;            /* the currency code, "calls" or "credits" */
  gint64                limit;           /* the budget's or quota's amount (micro-units) */

  /* The local billing month of the billing time zone that holds as_of. */
  char                 *month;           /* "YYYY-MM" */
  GDate                 first_day;       /* its first local day */
  guint                 month_days;
  gint64                month_start;     /* UTC microseconds */
  gint64                month_end;       /* exclusive: when it resets */
  gint64                as_of;           /* UTC microseconds */

  /* The actual: cumulative[i] is the month's total at the end of local day i (the last
   * element up to as_of), exact micro-units, each rounded once. A budget in a currency
   * that no exchange rate connects with the reporting currency any more has no actual:
   * cumulative is empty and percent NaN. */
  GArray               *cumulative;      /* (element-type gint64): one per elapsed day */
  gint64                actual;          /* the last of cumulative[] */
  double                percent;         /* actual ÷ limit × 100 */

  /* One per element of the thresholds: the amount each stands for. */
  GArray               *threshold_amounts; /* (element-type gint64) */

  /* The state on actual: the highest actual threshold passed (-1: none), and the local
   * day on which the cumulative actual first reached it. */
  int                   passed;
  GDate                 passed_since;
  gint64                passed_since_start; /* that day's first instant, UTC microseconds */

  /* The month-end forecast stored for this month (has_forecast), in the same unit. */
  gboolean              has_forecast;
  gint64                forecast;
  gboolean              has_interval;    /* the 80 % band below */
  gint64                low;
  gint64                high;
  TgForecastConfidence  confidence;
  gboolean              enough_data;     /* only then may forecast thresholds fire */
  guint                 basis_days;
  gint64                forecast_as_of;  /* UTC microseconds */
  /* The highest forecast threshold the forecast passes (-1: none, or held back). */
  int                   forecast_passed;

  /* Quotas: the runway at the mean daily use of the last TG_QUOTA_RUNWAY_DAYS days. */
  gint64                daily_rate;      /* micro-units a day */
  gboolean              runs_out;        /* the quota runs out before the month ends */
  gint64                runs_out_at;     /* when, UTC microseconds (as_of if it has) */
  gint64                prepaid_left;    /* with quota->has_prepaid: what is left now */
  gboolean              prepaid_runs_out;/* it runs out at that rate within ten years
                                          * (prepaid_runs_out_at as_of if it has) */
  gint64                prepaid_runs_out_at;

  /* Budgets: what one unit of the reporting currency is worth in the budget's currency
   * today (1 when they are the same; NaN without a rate), for forecasts. */
  double                rate;
} TgBudgetStatus;

/* The days whose mean use is a quota's current rate. */
#define TG_QUOTA_RUNWAY_DAYS 7

GQuark          tg_budget_error_quark           (void);

gboolean        tg_budget_thresholds_parse      (const char              *text,
                                                 const char              *unit,
                                                 TgBudgetBasis            default_basis,
                                                 GArray                 **thresholds,
                                                 GError                 **error);
char           *tg_budget_threshold_to_string   (const TgBudgetThreshold *threshold,
                                                 const char              *unit);
const char     *tg_budget_basis_to_string       (TgBudgetBasis            basis);
gboolean        tg_budget_basis_parse           (const char              *text,
                                                 TgBudgetBasis           *basis);

GType           tg_budget_get_type              (void) G_GNUC_CONST;
TgBudget       *tg_budget_new                   (void);
TgBudget       *tg_budget_ref                   (TgBudget                *budget);
void            tg_budget_unref                 (TgBudget                *budget);

GType           tg_quota_get_type               (void) G_GNUC_CONST;
TgQuota        *tg_quota_new                    (void);
TgQuota        *tg_quota_ref                    (TgQuota                 *quota);
void            tg_quota_unref                  (TgQuota                 *quota);

GType           tg_budget_status_get_type       (void) G_GNUC_CONST;
TgBudgetStatus *tg_budget_status_new            (void);
TgBudgetStatus *tg_budget_status_ref            (TgBudgetStatus          *status);
void            tg_budget_status_unref          (TgBudgetStatus          *status);
GArray         *tg_budget_status_get_thresholds (TgBudgetStatus          *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgBudget, tg_budget_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgQuota, tg_quota_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgBudgetStatus, tg_budget_status_unref)

G_END_DECLS
