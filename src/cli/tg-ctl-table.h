/* tg-ctl-table.h — tollgatectl's text tables
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TG_CTL_ALIGN_LEFT,     /* text */
  TG_CTL_ALIGN_RIGHT,    /* numbers */
} TgCtlAlign;

typedef struct _TgCtlTable TgCtlTable;

TgCtlTable *tg_ctl_table_new          (guint        indent);
void        tg_ctl_table_free         (TgCtlTable  *self);
void        tg_ctl_table_add_column   (TgCtlTable  *self,
                                       const char  *title,
                                       TgCtlAlign   align);
void        tg_ctl_table_add_row      (TgCtlTable  *self,
                                       const char  *first_cell,
                                       ...) G_GNUC_NULL_TERMINATED;
void        tg_ctl_table_add_rowv     (TgCtlTable  *self,
                                       const char * const *cells);
guint       tg_ctl_table_get_n_rows   (TgCtlTable  *self);
char       *tg_ctl_table_to_string    (TgCtlTable  *self);
void        tg_ctl_table_print        (TgCtlTable  *self);

guint       tg_ctl_text_width         (const char  *text);
char       *tg_ctl_text_escape        (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgCtlTable, tg_ctl_table_free)

G_END_DECLS
