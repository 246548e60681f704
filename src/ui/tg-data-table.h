/* tg-data-table.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TG_TYPE_DATA_TABLE (tg_data_table_get_type ())

G_DECLARE_FINAL_TYPE (TgDataTable, tg_data_table, TG, DATA_TABLE, GtkWidget)

/* A column: its title, whether it holds figures (right-aligned, tabular digits) or text
 * (left-aligned, the first one takes the spare width), and its title in the CSV when that
 * says more (the unit of plain figures: "Share, %").
 */
typedef struct
{
  const char *title;
  gboolean    numeric;
  const char *csv_title;   /* (nullable): the title */
} TgDataTableColumn;

GtkWidget  *tg_data_table_new             (void);
void        tg_data_table_set_columns     (TgDataTable             *self,
                                           const TgDataTableColumn *columns,
                                           guint                    n_columns);
guint       tg_data_table_get_n_columns   (TgDataTable             *self);
void        tg_data_table_clear           (TgDataTable             *self);
void        tg_data_table_add_row         (TgDataTable             *self,
                                           const char * const      *cells,
                                           const char * const      *plain,
                                           const char              *tooltip);
guint       tg_data_table_get_n_rows      (TgDataTable             *self);
const char *tg_data_table_get_cell        (TgDataTable             *self,
                                           guint                    row,
                                           guint                    column);
const char *tg_data_table_get_plain       (TgDataTable             *self,
                                           guint                    row,
                                           guint                    column);
int         tg_data_table_find_row        (TgDataTable             *self,
                                           guint                    column,
                                           const char              *plain);
GtkWidget  *tg_data_table_get_row_widget  (TgDataTable             *self,
                                           guint                    row);
void        tg_data_table_set_placeholder (TgDataTable             *self,
                                           const char              *text);
gboolean    tg_data_table_get_activatable (TgDataTable             *self);
void        tg_data_table_set_activatable (TgDataTable             *self,
                                           gboolean                 activatable);
char       *tg_data_table_to_csv          (TgDataTable             *self);

G_END_DECLS
