/* tg-calls-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "tg-db-connection.h"
#include "tg-usage.h"

G_BEGIN_DECLS

/* The calls behind a figure: the raw rows of a time range that one figure of a page or of
 * `tollgatectl usage` counts, every column of each, priced one by one as the rollups price
 * them, newest (highest api_usage_id) first, a page at a time. As for the usage queries
 * there is a statement and its parser (tg-calls-queries.c), a blocking fetch for
 * tollgatectl and worker threads, and an asynchronous one on a TgDbConnection for the UI.
 *
 * Paging is by id (keyset): a page holds the calls with an id below after_id (0: the first
 * page, the newest calls), and TgCallsPage.next_after_id is the after_id of the next one. A listing (a first page and
 * the pages that follow it) holds every call of the filter that was committed when its
 * first page was read exactly once, and never a call twice, however many rows arrive
 * meanwhile. A call committed later is in it only if its id is below the last page read
 * when it commits (new calls never are: their ids are higher than any the listing has
 * shown); the next listing holds it. docs/architecture.md, "The calls behind a figure".
 */

/* Which outcomes, as the figures count them. */
typedef enum
{
  TG_CALLS_STATUS_ANY,
  TG_CALLS_STATUS_OK,        /* answered 2xx */
  TG_CALLS_STATUS_ERROR,     /* no answer, 4xx or 5xx: a figure's errors (timeouts included) */
  TG_CALLS_STATUS_TIMEOUT,   /* no answer (response_status 0): a figure's timeouts */
  TG_CALLS_STATUS_CODE,      /* exactly TgCallsFilter.status_code */
} TgCallsStatus;

#define TG_TYPE_CALLS_FILTER (tg_calls_filter_get_type ())

/* Which calls: those created in [from, to) that match every other field set. A group is
 * named as a figure names it (TgUsageRow.group): "" is the group of calls without a
 * feature, region, cost centre or user; a status class is "0" (no answer), "2", "4" …;
 * a user is the decimal id.
 */
typedef struct
{
  gint64          from;              /* UTC seconds, inclusive */
  gint64          to;                /* UTC seconds, exclusive */
  char           *provider;          /* NULL: every provider */
  TgUsageGroupBy  group_by;          /* TG_USAGE_GROUP_NONE: no group */
  char           *group;             /* the group's value; ignored without group_by */
  gboolean        has_user_id;       /* only the calls of user_id */
  gint64          user_id;
  char           *feature;           /* NULL: any; "": calls without a feature */
  TgCallsStatus   status;
  int             status_code;       /* 0–599, with TG_CALLS_STATUS_CODE; 0: no answer */
} TgCallsFilter;

#define TG_TYPE_CALLS_PAGE (tg_calls_page_get_type ())

/* One page of calls. */
typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;

  /*< public >*/
  GPtrArray       *calls;            /* (element-type TgUsageCall), detailed, highest id first */
  gint64           next_after_id;    /* the next page's after_id; 0: this page is the last */
} TgCallsPage;

/* The most calls one page may hold. */
#define TG_CALLS_MAX_LIMIT 1000

GType          tg_calls_filter_get_type  (void) G_GNUC_CONST;
TgCallsFilter *tg_calls_filter_new       (gint64                from,
                                          gint64                to);
TgCallsFilter *tg_calls_filter_copy      (const TgCallsFilter  *filter);
void           tg_calls_filter_free      (TgCallsFilter        *filter);

GType          tg_calls_page_get_type    (void) G_GNUC_CONST;
TgCallsPage   *tg_calls_page_new         (void);
TgCallsPage   *tg_calls_page_ref         (TgCallsPage          *page);
void           tg_calls_page_unref       (TgCallsPage          *page);

TgDbStatement *tg_calls_statement_new    (const TgCallsFilter  *filter,
                                          gint64                after_id,
                                          guint                 limit);
TgCallsPage   *tg_calls_parse_result     (TgDbResult           *result,
                                          guint                 limit,
                                          GError              **error);
TgCallsPage   *tg_calls_fetch            (PGconn               *conn,
                                          const TgCallsFilter  *filter,
                                          gint64                after_id,
                                          guint                 limit,
                                          GError              **error);
void           tg_calls_async            (TgDbConnection       *connection,
                                          const TgCallsFilter  *filter,
                                          gint64                after_id,
                                          guint                 limit,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
TgCallsPage   *tg_calls_finish           (TgDbConnection       *connection,
                                          GAsyncResult         *result,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCallsFilter, tg_calls_filter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCallsPage, tg_calls_page_unref)

G_END_DECLS
