/* tg-csv.h — tables as CSV text (RFC 4180)
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void      tg_csv_append_field   (GString            *out,
                                 const char         *field);
void      tg_csv_append_row     (GString            *out,
                                 const char * const *fields,
                                 gssize              n_fields);
char     *tg_csv_encode         (const char * const *header,
                                 GPtrArray          *rows);

G_END_DECLS
