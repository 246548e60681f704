/* tg-provider.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tg-usage.h"

G_BEGIN_DECLS

/* What a provider charges by (tollgate.providers.billing_unit). */
typedef enum
{
  TG_BILLING_UNIT_CALL,
  TG_BILLING_UNIT_CREDIT,
  TG_BILLING_UNIT_TOKEN,
} TgBillingUnit;

/* What a provider's monthly quota counts (tollgate.providers.quota_unit). */
typedef enum
{
  TG_QUOTA_UNIT_CALLS,
  TG_QUOTA_UNIT_CREDITS,
  TG_QUOTA_UNIT_TOKENS,
} TgQuotaUnit;

#define TG_TYPE_PROVIDER (tg_provider_get_type ())

/* One row of the provider catalogue (tollgate.providers), with the regions of
 * tollgate.regions in which it is the primary, the backup and the active provider.
 */
typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;

  /*< public >*/
  char            *slug;              /* the api_provider value, "geoscape" */
  char            *display_name;      /* "Geoscape" */
  char            *home_region;       /* "AU" */
  char            *currency;          /* ISO 4217 code of its prices, "AUD" */
  TgBillingUnit    billing_unit;
  gint64           monthly_quota;     /* in quota_unit; 0: no quota */
  TgQuotaUnit      quota_unit;
  gboolean         enabled;
  GStrv            primary_regions;   /* region codes, sorted; never NULL */
  GStrv            backup_regions;    /* region codes, sorted; never NULL */
  GStrv            active_regions;    /* region codes, sorted; never NULL */
} TgProvider;

GType        tg_provider_get_type           (void) G_GNUC_CONST;
TgProvider  *tg_provider_new                (const char        *slug);
TgProvider  *tg_provider_ref                (TgProvider        *provider);
void         tg_provider_unref              (TgProvider        *provider);
gboolean     tg_provider_has_quota          (const TgProvider  *provider);
gboolean     tg_provider_counts_tokens      (const TgProvider  *provider);
gint64       tg_provider_get_usage_count    (const TgProvider  *provider,
                                             const TgUsageRow  *usage);
gboolean     tg_provider_get_quota_used     (const TgProvider  *provider,
                                             const TgUsageRow  *usage,
                                             gint64            *used_micros);
double       tg_provider_get_quota_fraction (const TgProvider  *provider,
                                             const TgUsageRow  *usage);
guint        tg_provider_get_quota_percent  (const TgProvider  *provider,
                                             const TgUsageRow  *usage);

gboolean     tg_billing_unit_parse          (const char        *text,
                                             TgBillingUnit     *unit);
const char  *tg_billing_unit_to_string      (TgBillingUnit      unit);
gboolean     tg_quota_unit_parse            (const char        *text,
                                             TgQuotaUnit       *unit);
const char  *tg_quota_unit_to_string        (TgQuotaUnit        unit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgProvider, tg_provider_unref)

G_END_DECLS
