/* tg-conninfo.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tg-db-conninfo.h"

G_BEGIN_DECLS

/* What Tollgate does with connection strings: keeps passwords apart from what is
 * remembered in GSettings, adds them back for connecting, and bounds how long a first
 * look at a database may wait. The grammar is tg-db-conninfo.h's.
 */

char *tg_conninfo_strip_secrets        (const char   *conninfo,
                                        char        **password,
                                        GError      **error);
char *tg_conninfo_add_password         (const char   *conninfo,
                                        const char   *password);
char *tg_conninfo_for_remembering      (const char   *conninfo,
                                        const char   *host,
                                        const char   *port,
                                        const char   *dbname,
                                        const char   *user,
                                        GError      **error);
char *tg_conninfo_with_connect_timeout (const char   *conninfo,
                                        GError      **error);

G_END_DECLS
