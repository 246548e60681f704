/* tg-db-conninfo.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libpq connection strings: parsing and building them without connecting, and keeping
 * their secrets out of messages. Every path that connects redacts with these.
 */

/* What replaces a secret in a message. */
#define TG_DB_CONNINFO_REDACTED "********"

GHashTable *tg_db_conninfo_parse           (const char          *conninfo,
                                            GError             **error);
char       *tg_db_conninfo_build           (GHashTable          *options);
void        tg_db_conninfo_append_value    (GString             *string,
                                            const char          *value);
gboolean    tg_db_conninfo_is_secret       (const char          *keyword);
GStrv       tg_db_conninfo_collect_secrets (const char          *conninfo);
char       *tg_db_conninfo_redact          (const char * const  *secrets,
                                            const char          *message);
void        tg_db_conninfo_redact_error    (const char * const  *secrets,
                                            GError              *error);

G_END_DECLS
