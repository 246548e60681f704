/* tg-role-set.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Which of the four Tollgate roles (docs/architecture.md, "The database") the session user
 * holds, directly or through membership. PostgreSQL enforces the rights; the UI uses
 * this only to disable what would fail anyway and to say which role is needed. The
 * query that finds them is tg_role_set_statement_new() in src/db/tg-role-queries.h.
 */
typedef enum
{
  TG_ROLE_SET_NONE    = 0,
  TG_ROLE_SET_VIEWER  = 1 << 0,
  TG_ROLE_SET_FINANCE = 1 << 1,
  TG_ROLE_SET_OPS     = 1 << 2,
  TG_ROLE_SET_ADMIN   = 1 << 3,
} TgRoleSet;

#define TG_ROLE_SET_ALL (TG_ROLE_SET_VIEWER | TG_ROLE_SET_FINANCE | TG_ROLE_SET_OPS | \
                         TG_ROLE_SET_ADMIN)

#define TG_TYPE_ROLE_SET (tg_role_set_get_type ())

GType        tg_role_set_get_type          (void) G_GNUC_CONST;
const char  *tg_role_get_name              (TgRoleSet    role);
char        *tg_role_set_dup_requirement   (TgRoleSet    needed);
char        *tg_role_set_dup_description   (TgRoleSet    roles);

G_END_DECLS
