/* tg-alert-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-db-result.h"
#include "tg-db-statement.h"

G_BEGIN_DECLS

/* Alerts (the alerts migration, data/sql/0018_alerts.sql; docs/architecture.md,
 * "Alerts"): what tollgate.evaluate_alerts() raised from the budget, forecast, quota and
 * usage-anomaly sources, and what people did with them. Shaped like the other typed
 * queries: a statement and the one parser of its result, a blocking call for tollgatectl
 * and worker threads, and an asynchronous one on a TgDbConnection for the UI.
 *
 * The server enforces who may do what: every Tollgate role lists and evaluates,
 * tollgate_finance, tollgate_ops and tollgate_admin acknowledge, mute and unmute (others
 * get %TG_DB_ERROR_PERMISSION_DENIED). Every change NOTIFYs `tollgate_alerts` with the
 * alert's id as payload.
 */

typedef enum
{
  TG_ALERT_STATE_OPEN,          /* raised, nobody has acknowledged it */
  TG_ALERT_STATE_ACKNOWLEDGED,  /* someone said they saw it (acknowledged_by, _at) */
  TG_ALERT_STATE_RECOVERED,     /* fell back below its threshold, the spike ended or
                                 * its period did */
  TG_ALERT_STATE_MUTED,         /* its rule is muted: recorded, not notified */
} TgAlertState;

/* Which states a listing holds: bits of TgAlertState. */
typedef enum
{
  TG_ALERT_STATES_OPEN         = 1 << TG_ALERT_STATE_OPEN,
  TG_ALERT_STATES_ACKNOWLEDGED = 1 << TG_ALERT_STATE_ACKNOWLEDGED,
  TG_ALERT_STATES_RECOVERED    = 1 << TG_ALERT_STATE_RECOVERED,
  TG_ALERT_STATES_MUTED        = 1 << TG_ALERT_STATE_MUTED,
  TG_ALERT_STATES_ALL          = 0xf,
} TgAlertStates;

/* Instants that are not instants: a period that began at -infinity (new_ip and
 * new_user_agent alerts, once ever), one that never ends, a mute until unmuted. */
#define TG_ALERT_TIME_NEVER_BEGAN G_MININT64
#define TG_ALERT_TIME_NEVER       G_MAXINT64

/* The most alerts one listing returns. */
#define TG_ALERT_MAX_LIMIT 10000

#define TG_TYPE_ALERT (tg_alert_get_type ())

/* One alert. Times are UTC microseconds since the epoch; 0 where a time is not set. */
typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;

  /*< public >*/
  gint64           id;
  char            *kind;             /* budget, forecast, quota, user_frequency, new_ip,
                                      * new_user_agent, provider_errors, provider_timeouts */
  char            *scope;            /* overall, provider:P, cost-centre:C, feature:F, user:ID */
  char            *subject;          /* the rule within kind and scope: "budget:7", the new
                                      * address …; "" when kind and scope say it all */
  gint64           period_start;     /* TG_ALERT_TIME_NEVER_BEGAN: once ever */
  gint64           period_end;       /* TG_ALERT_TIME_NEVER: the period never ends */
  char            *level;            /* the threshold's rank as exact decimal text ("85",
                                      * "60.5": an amount's percentage of its budget) */
  char            *threshold;        /* as people read it: "85" (percent), "1200.00 AUD",
                                      * "" for kinds without thresholds */
  TgAlertState     state;
  gint64           created_at;
  gint64           updated_at;       /* the last change of state */
  char            *message;          /* what crossed what, with the figures */
  char            *figures;          /* JSON text: the figures behind the message, money as
                                      * decimal strings beside a "currency" */
  char            *acknowledged_by;  /* the login that acknowledged it last; NULL: nobody */
  gint64           acknowledged_at;
  gint64           recovered_at;     /* when it last recovered; 0 unless recovered */
  gint64           muted_until;      /* in state muted: when the mute ends, or
                                      * TG_ALERT_TIME_NEVER (until unmuted); else 0 */
} TgAlert;

GType          tg_alert_get_type                   (void) G_GNUC_CONST;
TgAlert       *tg_alert_new                        (void);
TgAlert       *tg_alert_ref                        (TgAlert              *alert);
void           tg_alert_unref                      (TgAlert              *alert);

const char    *tg_alert_state_to_string            (TgAlertState          state);
gboolean       tg_alert_state_parse                (const char           *text,
                                                    TgAlertState         *state);
gboolean       tg_alert_kind_is_valid              (const char           *kind);

/* Listing: newest first (created_at, then id), at most @limit (1 to
 * TG_ALERT_MAX_LIMIT) of the alerts in one of @states, of @kind (NULL: any), created at or
 * after @since (UTC microseconds; 0: any). */
TgDbStatement *tg_alert_list_statement_new         (TgAlertStates         states,
                                                    const char           *kind,
                                                    gint64                since,
                                                    guint                 limit);
GPtrArray     *tg_alert_list_parse_result          (TgDbResult           *result,
                                                    GError              **error);
GPtrArray     *tg_alert_fetch_list                 (PGconn               *conn,
                                                    TgAlertStates         states,
                                                    const char           *kind,
                                                    gint64                since,
                                                    guint                 limit,
                                                    GError              **error);
void           tg_alert_list_async                 (TgDbConnection       *connection,
                                                    TgAlertStates         states,
                                                    const char           *kind,
                                                    gint64                since,
                                                    guint                 limit,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GPtrArray     *tg_alert_list_finish                (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* One alert by id; an id that names none is an error ("There is no alert 42"). */
TgDbStatement *tg_alert_get_statement_new          (gint64                id);
TgAlert       *tg_alert_fetch                      (PGconn               *conn,
                                                    gint64                id,
                                                    GError              **error);
void           tg_alert_get_async                  (TgDbConnection       *connection,
                                                    gint64                id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
TgAlert       *tg_alert_get_finish                 (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* Acknowledging records who (the login) and when. An open or muted alert becomes
 * acknowledged; a recovered one stays recovered with the acknowledgement recorded; one
 * already acknowledged is refused, naming who did it. */
TgDbStatement *tg_alert_acknowledge_statement_new  (gint64                id);
gboolean       tg_alert_acknowledge                (PGconn               *conn,
                                                    gint64                id,
                                                    GError              **error);
void           tg_alert_acknowledge_async          (TgDbConnection       *connection,
                                                    gint64                id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       tg_alert_acknowledge_finish         (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* Muting mutes the alert's rule (kind, scope, subject) until @until (UTC microseconds,
 * in the future; TG_ALERT_TIME_NEVER: until unmuted): its open alerts become muted, and
 * the alerts it raises meanwhile are created muted. Unmuting ends that: the rule's muted
 * alerts become open again. */
TgDbStatement *tg_alert_mute_statement_new         (gint64                id,
                                                    gint64                until);
gboolean       tg_alert_mute                       (PGconn               *conn,
                                                    gint64                id,
                                                    gint64                until,
                                                    GError              **error);
void           tg_alert_mute_async                 (TgDbConnection       *connection,
                                                    gint64                id,
                                                    gint64                until,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       tg_alert_mute_finish                (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);
TgDbStatement *tg_alert_unmute_statement_new       (gint64                id);
gboolean       tg_alert_unmute                     (PGconn               *conn,
                                                    gint64                id,
                                                    GError              **error);
void           tg_alert_unmute_async               (TgDbConnection       *connection,
                                                    gint64                id,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean       tg_alert_unmute_finish              (TgDbConnection       *connection,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* tollgate.evaluate_alerts() as of @now (UTC microseconds): every source's candidates
 * through the state machine. @changed: the alerts raised or changed. Callers go through
 * tg_alert_service_evaluate() (src/service/tg-alert-service.h), which refreshes what the
 * sources read first. */
TgDbStatement *tg_alert_evaluate_statement_new     (gint64                now);
gboolean       tg_alert_evaluate                   (PGconn               *conn,
                                                    gint64                now,
                                                    guint                *changed,
                                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgAlert, tg_alert_unref)

G_END_DECLS
