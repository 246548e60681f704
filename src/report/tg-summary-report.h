/* tg-summary-report.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tg-bar-chart.h"

G_BEGIN_DECLS

/* A one-page A4 PDF: a title and a line under it, a bar chart with its heading, and a
 * table with its heading, a header row and a closing line such as a total. The caller
 * formats every text (money exactly, with tg-money.h); the report only lays it out.
 */

#define TG_TYPE_SUMMARY_REPORT (tg_summary_report_get_type ())

typedef struct _TgSummaryReport TgSummaryReport;

GType            tg_summary_report_get_type       (void) G_GNUC_CONST;
TgSummaryReport *tg_summary_report_new            (const char            *title,
                                                   const char            *subtitle);
TgSummaryReport *tg_summary_report_ref            (TgSummaryReport       *self);
void             tg_summary_report_unref          (TgSummaryReport       *self);
void             tg_summary_report_set_chart      (TgSummaryReport       *self,
                                                   const char            *heading,
                                                   const TgBarChartItem  *items,
                                                   guint                  n_items);
void             tg_summary_report_set_table      (TgSummaryReport       *self,
                                                   const char            *heading,
                                                   const char * const    *columns);
void             tg_summary_report_add_row        (TgSummaryReport       *self,
                                                   const char * const    *cells);
void             tg_summary_report_set_footer     (TgSummaryReport       *self,
                                                   const char            *footer);
gboolean         tg_summary_report_write          (TgSummaryReport       *self,
                                                   const char            *filename,
                                                   GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgSummaryReport, tg_summary_report_unref)

G_END_DECLS
