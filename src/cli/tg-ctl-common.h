/* tg-ctl-common.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "tg-forecast.h"

G_BEGIN_DECLS

/* Exit statuses of tollgatectl: scripts tell a failure from a mistake in the call. */
#define TG_CTL_EXIT_OK      0
#define TG_CTL_EXIT_FAILURE 1
#define TG_CTL_EXIT_USAGE   2

/* What every subcommand accepts. */
typedef struct
{
  char     *db;     /* --db CONNINFO; NULL: libpq's environment */
  gboolean  json;   /* --json */
} TgCtlGlobals;

/* What a numeric option accepts, for tg_ctl_parse_number(). */
typedef struct
{
  const char *option;      /* "--rate" */
  double      min;
  double      max;
  gboolean    above_min;   /* strictly above @min rather than from it */
  gboolean    whole;       /* whole numbers only */
  const char *unit;        /* "calls a second", said in a refusal; NULL: none */
} TgCtlNumberRange;

/* JSON texts written into --json as they are (tg_ctl_json_add_raw()). */
typedef struct _TgCtlJsonRaw TgCtlJsonRaw;

/* The shared settings every figure is read in: days of the billing time zone, costs in
 * the reporting currency. */
typedef struct
{
  GTimeZone *tz;
  char      *tz_name;
  char      *currency;
} TgCtlBilling;

typedef int (*TgCtlCommandFunc) (TgCtlGlobals  *globals,
                                 int            argc,
                                 char         **argv);

int       tg_ctl_parse              (GOptionContext  *context,
                                     TgCtlGlobals    *globals,
                                     int             *argc,
                                     char          ***argv);
PGconn   *tg_ctl_connect            (TgCtlGlobals    *globals,
                                     GError         **error);
PGconn   *tg_ctl_connect_any_schema (TgCtlGlobals    *globals,
                                     GError         **error);
int       tg_ctl_fail               (GError          *error);
int       tg_ctl_usage_error        (GOptionContext  *context,
                                     const char      *format,
                                     ...) G_GNUC_PRINTF (2, 3);
gboolean  tg_ctl_parse_number       (const TgCtlNumberRange  *range,
                                     const char              *text,
                                     double                  *value,
                                     GError                 **error);
gboolean  tg_ctl_parse_datetime     (const char              *option,
                                     const char              *text,
                                     GTimeZone               *tz,
                                     gint64                  *usec,
                                     GError                 **error);
void      tg_ctl_print_json         (JsonBuilder     *builder);
void      tg_ctl_json_add_int       (JsonBuilder     *builder,
                                     const char      *name,
                                     gint64           value);
void      tg_ctl_json_add_string    (JsonBuilder     *builder,
                                     const char      *name,
                                     const char      *value);

TgCtlJsonRaw *tg_ctl_json_raw_new   (void);
void          tg_ctl_json_raw_free  (TgCtlJsonRaw  *raw);
void          tg_ctl_json_add_raw   (JsonBuilder   *builder,
                                     TgCtlJsonRaw  *raw,
                                     const char    *name,
                                     const char    *json);
void          tg_ctl_print_json_raw (JsonBuilder   *builder,
                                     TgCtlJsonRaw  *raw);

int       tg_ctl_alerts             (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_budget             (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_forecast           (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_migrate            (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_quota              (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_refresh            (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_settings           (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_usage              (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);
int       tg_ctl_simulate           (TgCtlGlobals    *globals,
                                     int              argc,
                                     char           **argv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCtlJsonRaw, tg_ctl_json_raw_free)

gboolean  tg_ctl_billing_load       (TgCtlBilling    *billing,
                                     PGconn          *conn,
                                     GError         **error);
void      tg_ctl_billing_clear      (TgCtlBilling    *billing);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TgCtlBilling, tg_ctl_billing_clear)

int       tg_ctl_check_scope_name   (GOptionContext       *context,
                                     PGconn               *conn,
                                     TgForecastScopeKind   kind,
                                     const char           *name);

G_END_DECLS
