/* tg-data-table.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A small table of figures: a header, then a boxed list whose rows are the table's rows,
 * each column as wide as its widest cell (a GtkSizeGroup a column), the first one taking
 * the spare width. Rows can be activated (a click, Enter), which the Analytics page uses
 * to open the calls behind a row; arrow keys move between them as in any list.
 *
 * Each cell has two texts: what people read ("$1,234.50 AUD", "+12.5%") and what
 * machines read ("1234.50", "12.50"), which tg_data_table_to_csv() writes (tg-csv.h),
 * so a copied table adds up to the cent. Tables here are short (groups, providers,
 * regions): every row is a widget, and the labels are there for tests and screen readers.
 */

#include "config.h"

#include "tg-csv.h"
#include "tg-data-table.h"

struct _TgDataTable
{
  GtkWidget     parent_instance;

  /* owned children */
  GtkWidget    *header;
  GtkWidget    *list_box;
  GtkWidget    *placeholder;

  /* owned */
  GPtrArray    *titles;      /* char * */
  GPtrArray    *csv_titles;  /* char * */
  GArray       *numeric;     /* gboolean a column */
  GPtrArray    *size_groups; /* GtkSizeGroup a column */
  GPtrArray    *cells;       /* GStrv a row */
  GPtrArray    *plain;       /* GStrv a row */
  GPtrArray    *rows;        /* borrowed: the list box's rows, row i for cells i */

  guint         activatable : 1;
};

enum {
  PROP_0,
  PROP_ACTIVATABLE,
  N_PROPS
};

enum {
  ROW_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TgDataTable, tg_data_table, GTK_TYPE_WIDGET)

static GtkWidget *
cell_label (TgDataTable *self,
            guint        column,
            const char  *text)
{
  GtkWidget *label = gtk_label_new (text);
  gboolean numeric = g_array_index (self->numeric, gboolean, column);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (column == 0)
    {
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
    }
  else
    gtk_size_group_add_widget (g_ptr_array_index (self->size_groups, column), label);

  return label;
}

static void
on_row_activated (TgDataTable   *self,
                  GtkListBoxRow *row)
{
  guint index;

  g_assert (TG_IS_DATA_TABLE (self));

  if (self->activatable && g_ptr_array_find (self->rows, row, &index))
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, index);
}

static void
update_placeholder (TgDataTable *self)
{
  gtk_widget_set_visible (self->placeholder, self->cells->len == 0);
  gtk_widget_set_visible (self->list_box, self->cells->len > 0);
}

static void
tg_data_table_dispose (GObject *object)
{
  TgDataTable *self = TG_DATA_TABLE (object);

  g_clear_pointer (&self->header, gtk_widget_unparent);
  g_clear_pointer (&self->list_box, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  g_clear_pointer (&self->size_groups, g_ptr_array_unref);

  G_OBJECT_CLASS (tg_data_table_parent_class)->dispose (object);
}

static void
tg_data_table_finalize (GObject *object)
{
  TgDataTable *self = TG_DATA_TABLE (object);

  g_clear_pointer (&self->titles, g_ptr_array_unref);
  g_clear_pointer (&self->csv_titles, g_ptr_array_unref);
  g_clear_pointer (&self->numeric, g_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->plain, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (tg_data_table_parent_class)->finalize (object);
}

static void
tg_data_table_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TgDataTable *self = TG_DATA_TABLE (object);

  switch (prop_id)
    {
    case PROP_ACTIVATABLE:
      g_value_set_boolean (value, self->activatable);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_data_table_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TgDataTable *self = TG_DATA_TABLE (object);

  switch (prop_id)
    {
    case PROP_ACTIVATABLE:
      tg_data_table_set_activatable (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tg_data_table_class_init (TgDataTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tg_data_table_dispose;
  object_class->finalize = tg_data_table_finalize;
  object_class->get_property = tg_data_table_get_property;
  object_class->set_property = tg_data_table_set_property;

  /**
   * TgDataTable:activatable:
   *
   * Whether a row can be activated (clicked, or Enter): "row-activated" is emitted.
   */
  properties[PROP_ACTIVATABLE] =
    g_param_spec_boolean ("activatable", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TgDataTable::row-activated:
   * @row: the row's index, from 0 in the order added
   */
  signals[ROW_ACTIVATED] = g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "datatable");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tg_data_table_init (TgDataTable *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->titles = g_ptr_array_new_with_free_func (g_free);
  self->csv_titles = g_ptr_array_new_with_free_func (g_free);
  self->numeric = g_array_new (FALSE, FALSE, sizeof (gboolean));
  self->size_groups = g_ptr_array_new_with_free_func (g_object_unref);
  self->cells = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  self->plain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  self->rows = g_ptr_array_new ();

  self->header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->header, "data-table-header");
  gtk_widget_set_parent (self->header, GTK_WIDGET (self));

  self->list_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list_box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list_box, "boxed-list");
  gtk_widget_add_css_class (self->list_box, "data-table-rows");
  gtk_widget_set_parent (self->list_box, GTK_WIDGET (self));
  g_signal_connect_object (self->list_box, "row-activated", G_CALLBACK (on_row_activated), self,
                           G_CONNECT_SWAPPED);

  self->placeholder = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_add_css_class (self->placeholder, "data-table-placeholder");
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));

  update_placeholder (self);
}

GtkWidget *
tg_data_table_new (void)
{
  return g_object_new (TG_TYPE_DATA_TABLE, NULL);
}

/**
 * tg_data_table_set_columns:
 * @columns: (array length=n_columns): the columns, copied
 *
 * Sets the columns and removes every row.
 */
void
tg_data_table_set_columns (TgDataTable             *self,
                           const TgDataTableColumn *columns,
                           guint                    n_columns)
{
  GtkWidget *child;

  g_return_if_fail (TG_IS_DATA_TABLE (self));
  g_return_if_fail (columns != NULL && n_columns > 0);

  tg_data_table_clear (self);

  while ((child = gtk_widget_get_first_child (self->header)) != NULL)
    gtk_box_remove (GTK_BOX (self->header), child);
  g_ptr_array_set_size (self->titles, 0);
  g_ptr_array_set_size (self->csv_titles, 0);
  g_array_set_size (self->numeric, 0);
  g_ptr_array_set_size (self->size_groups, 0);

  for (guint i = 0; i < n_columns; i++)
    {
      GtkWidget *label;

      g_ptr_array_add (self->titles, g_strdup (columns[i].title));
      g_ptr_array_add (self->csv_titles, g_strdup (columns[i].csv_title != NULL ? columns[i].csv_title
                                                                                : columns[i].title));
      g_array_append_val (self->numeric, columns[i].numeric);
      g_ptr_array_add (self->size_groups, gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL));

      label = cell_label (self, i, columns[i].title);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (self->header), label);
    }
}

guint
tg_data_table_get_n_columns (TgDataTable *self)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), 0);

  return self->titles->len;
}

/**
 * tg_data_table_clear:
 *
 * Removes every row; the columns stay.
 */
void
tg_data_table_clear (TgDataTable *self)
{
  GtkWidget *child;

  g_return_if_fail (TG_IS_DATA_TABLE (self));

  while ((child = gtk_widget_get_first_child (self->list_box)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list_box), child);
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->cells, 0);
  g_ptr_array_set_size (self->plain, 0);

  update_placeholder (self);
}

/**
 * tg_data_table_add_row:
 * @cells: (array): a text a column, for people
 * @plain: (array) (nullable): a text a column for the CSV; %NULL, or a %NULL element,
 *   uses @cells' text
 * @tooltip: (nullable): the row's tooltip
 */
void
tg_data_table_add_row (TgDataTable        *self,
                       const char * const *cells,
                       const char * const *plain,
                       const char         *tooltip)
{
  guint n = self->titles->len;
  GStrvBuilder *display_builder;
  GStrvBuilder *plain_builder;
  GtkWidget *box;
  GtkWidget *row;
  g_autoptr(GString) accessible = g_string_new (NULL);

  g_return_if_fail (TG_IS_DATA_TABLE (self));
  g_return_if_fail (cells != NULL);
  g_return_if_fail (n > 0);

  display_builder = g_strv_builder_new ();
  plain_builder = g_strv_builder_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  for (guint i = 0; i < n; i++)
    {
      const char *text = cells[i] != NULL ? cells[i] : "";
      const char *machine = plain != NULL && plain[i] != NULL ? plain[i] : text;

      g_strv_builder_add (display_builder, text);
      g_strv_builder_add (plain_builder, machine);
      gtk_box_append (GTK_BOX (box), cell_label (self, i, text));
      g_string_append_printf (accessible, "%s%s %s", i > 0 ? ", " : "",
                              (const char *)g_ptr_array_index (self->titles, i), text);
    }
  g_ptr_array_add (self->cells, g_strv_builder_end (display_builder));
  g_ptr_array_add (self->plain, g_strv_builder_end (plain_builder));
  g_strv_builder_unref (display_builder);
  g_strv_builder_unref (plain_builder);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), self->activatable);
  gtk_widget_add_css_class (row, "data-table-row");
  gtk_widget_set_tooltip_text (row, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str,
                                  -1);
  gtk_list_box_append (GTK_LIST_BOX (self->list_box), row);
  g_ptr_array_add (self->rows, row);

  update_placeholder (self);
}

guint
tg_data_table_get_n_rows (TgDataTable *self)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), 0);

  return self->cells->len;
}

/**
 * tg_data_table_get_cell:
 *
 * Returns: (transfer none): the text people read in a cell
 */
const char *
tg_data_table_get_cell (TgDataTable *self,
                        guint        row,
                        guint        column)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), NULL);
  g_return_val_if_fail (row < self->cells->len, NULL);
  g_return_val_if_fail (column < self->titles->len, NULL);

  return ((char **)g_ptr_array_index (self->cells, row))[column];
}

/**
 * tg_data_table_get_plain:
 *
 * Returns: (transfer none): the text of a cell in the CSV
 */
const char *
tg_data_table_get_plain (TgDataTable *self,
                         guint        row,
                         guint        column)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), NULL);
  g_return_val_if_fail (row < self->plain->len, NULL);
  g_return_val_if_fail (column < self->titles->len, NULL);

  return ((char **)g_ptr_array_index (self->plain, row))[column];
}

/**
 * tg_data_table_find_row:
 *
 * Returns: the first row whose @column holds @plain in the CSV, or -1
 */
int
tg_data_table_find_row (TgDataTable *self,
                        guint        column,
                        const char  *plain)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), -1);

  for (guint i = 0; i < self->plain->len; i++)
    if (g_strcmp0 (tg_data_table_get_plain (self, i, column), plain) == 0)
      return i;

  return -1;
}

/**
 * tg_data_table_get_row_widget:
 *
 * Returns: (transfer none): the list box row that shows @row
 */
GtkWidget *
tg_data_table_get_row_widget (TgDataTable *self,
                              guint        row)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);

  return g_ptr_array_index (self->rows, row);
}

/**
 * tg_data_table_set_placeholder:
 * @text: what the table says when it has no rows
 */
void
tg_data_table_set_placeholder (TgDataTable *self,
                               const char  *text)
{
  g_return_if_fail (TG_IS_DATA_TABLE (self));

  gtk_label_set_text (GTK_LABEL (self->placeholder), text);
}

gboolean
tg_data_table_get_activatable (TgDataTable *self)
{
  g_return_val_if_fail (TG_IS_DATA_TABLE (self), FALSE);

  return self->activatable;
}

void
tg_data_table_set_activatable (TgDataTable *self,
                               gboolean     activatable)
{
  g_return_if_fail (TG_IS_DATA_TABLE (self));

  if (self->activatable == !!activatable)
    return;

  self->activatable = !!activatable;
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_row_set_activatable (g_ptr_array_index (self->rows, i), self->activatable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVATABLE]);
}

/**
 * tg_data_table_to_csv:
 *
 * Returns: (transfer full): the table as CSV (tg-csv.h): the titles, then each row's
 *   machine texts
 */
char *
tg_data_table_to_csv (TgDataTable *self)
{
  g_autoptr(GPtrArray) titles = NULL;

  g_return_val_if_fail (TG_IS_DATA_TABLE (self), NULL);

  titles = g_ptr_array_sized_new (self->csv_titles->len + 1);
  for (guint i = 0; i < self->csv_titles->len; i++)
    g_ptr_array_add (titles, g_ptr_array_index (self->csv_titles, i));
  g_ptr_array_add (titles, NULL);

  return tg_csv_encode ((const char * const *)titles->pdata, self->plain);
}
