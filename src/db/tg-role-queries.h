/* tg-role-queries.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tg-db-connection.h"
#include "tg-role-set.h"

G_BEGIN_DECLS

/* Which Tollgate roles the session user holds: a statement for a pipelined batch and the
 * parser of its result. A superuser holds every role; a role the schema does not have
 * yet is not held.
 */
TgDbStatement *tg_role_set_statement_new  (void);
TgRoleSet      tg_role_set_parse_result   (TgDbResult  *result,
                                           char       **session_user,
                                           GError     **error);

G_END_DECLS
