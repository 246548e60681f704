/* tg-conninfo.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libpq connection strings as the window handles them: parsed and rebuilt without
 * touching the disk or the network (PQconninfoParse applies no defaults), so that a
 * password can be kept apart from what is remembered in GSettings.
 */

GHashTable *tg_conninfo_parse               (const char   *conninfo,
                                             GError      **error);
char       *tg_conninfo_build               (GHashTable   *options);
void        tg_conninfo_append_value        (GString      *string,
                                             const char   *value);
char       *tg_conninfo_strip_secrets       (const char   *conninfo,
                                             char        **password,
                                             GError      **error);
char       *tg_conninfo_add_password        (const char   *conninfo,
                                             const char   *password);
char       *tg_conninfo_for_remembering     (const char   *conninfo,
                                             const char   *host,
                                             const char   *port,
                                             const char   *dbname,
                                             const char   *user,
                                             GError      **error);

G_END_DECLS
