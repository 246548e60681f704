/* tg-alert-row.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "tg-alert-queries.h"

G_BEGIN_DECLS

#define TG_TYPE_ALERT_ROW (tg_alert_row_get_type ())

G_DECLARE_FINAL_TYPE (TgAlertRow, tg_alert_row, TG, ALERT_ROW, GtkListBoxRow)

GtkWidget  *tg_alert_row_new             (void);
TgAlert    *tg_alert_row_get_alert       (TgAlertRow  *self);
void        tg_alert_row_set_alert       (TgAlertRow  *self,
                                          TgAlert     *alert,
                                          const char  *scope_title);
const char *tg_alert_row_get_state_text  (TgAlertRow  *self);

const char *tg_alert_kind_get_icon_name  (const char  *kind);
const char *tg_alert_kind_get_title      (const char  *kind);
char       *tg_alert_dup_threshold_text  (TgAlert     *alert);
char       *tg_alert_format_time         (gint64       usec);

G_END_DECLS
