/* tg-role-queries.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-db-util.h"
#include "tg-role-queries.h"

/* The roles in the order of the columns after the first two. */
static const TgRoleSet column_roles[] = {
  TG_ROLE_SET_VIEWER, TG_ROLE_SET_FINANCE, TG_ROLE_SET_OPS, TG_ROLE_SET_ADMIN,
};

/* One row: session_user, whether it is a superuser, and one boolean per role of
 * column_roles. A role that does not exist (a schema older than 0004) is not held:
 * pg_has_role() would fail on its name, so it is looked up by oid.
 */
static const char roles_sql[] =
  "SELECT session_user::text, "
  "       coalesce ((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false), "
  "       coalesce ((SELECT pg_catalog.pg_has_role (session_user, oid, 'member') "
  "                  FROM pg_catalog.pg_roles WHERE rolname = 'tollgate_viewer'), false), "
  "       coalesce ((SELECT pg_catalog.pg_has_role (session_user, oid, 'member') "
  "                  FROM pg_catalog.pg_roles WHERE rolname = 'tollgate_finance'), false), "
  "       coalesce ((SELECT pg_catalog.pg_has_role (session_user, oid, 'member') "
  "                  FROM pg_catalog.pg_roles WHERE rolname = 'tollgate_ops'), false), "
  "       coalesce ((SELECT pg_catalog.pg_has_role (session_user, oid, 'member') "
  "                  FROM pg_catalog.pg_roles WHERE rolname = 'tollgate_admin'), false)";

/**
 * tg_role_set_statement_new:
 *
 * Returns: (transfer full): the statement whose result tg_role_set_parse_result() reads
 */
TgDbStatement *
tg_role_set_statement_new (void)
{
  return tg_db_statement_new (roles_sql, NULL, 0, TG_DB_QUERY_FLAGS_NONE);
}

/**
 * tg_role_set_parse_result:
 * @session_user: (out) (optional): the name the session logged in as
 *
 * Returns: the roles the session user holds; a superuser holds every role
 */
TgRoleSet
tg_role_set_parse_result (TgDbResult  *result,
                          char       **session_user,
                          GError     **error)
{
  TgRoleSet set = TG_ROLE_SET_NONE;

  g_return_val_if_fail (result != NULL, TG_ROLE_SET_NONE);

  if (tg_db_result_get_n_rows (result) != 1 ||
      tg_db_result_get_n_cols (result) != 2 + (int)G_N_ELEMENTS (column_roles))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer to the roles query");
      return TG_ROLE_SET_NONE;
    }

  if (session_user != NULL)
    *session_user = g_strdup (tg_db_result_get_value (result, 0, 0));

  if (tg_db_result_get_boolean (result, 0, 1))
    return TG_ROLE_SET_ALL;

  for (guint i = 0; i < G_N_ELEMENTS (column_roles); i++)
    if (tg_db_result_get_boolean (result, 0, 2 + i))
      set |= column_roles[i];

  return set;
}
