/* tg-json-mask.h — JSON for people, with secrets masked
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a masked value is shown as. */
#define TG_JSON_MASK "••••••••"

#define TG_JSON_MASK_ERROR (tg_json_mask_error_quark ())

typedef enum
{
  TG_JSON_MASK_ERROR_INVALID,
  TG_JSON_MASK_ERROR_TOO_DEEP,
} TgJsonMaskError;

GQuark    tg_json_mask_error_quark (void);
gboolean  tg_json_key_is_secret    (const char  *key);
char     *tg_json_pretty_masked    (const char  *json,
                                    gssize       length,
                                    guint       *n_masked,
                                    GError     **error);

G_END_DECLS
