/* tg-role-set.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "tg-db-util.h"
#include "tg-role-set.h"

G_DEFINE_FLAGS_TYPE (TgRoleSet, tg_role_set,
  G_DEFINE_ENUM_VALUE (TG_ROLE_SET_NONE, "none"),
  G_DEFINE_ENUM_VALUE (TG_ROLE_SET_VIEWER, "viewer"),
  G_DEFINE_ENUM_VALUE (TG_ROLE_SET_FINANCE, "finance"),
  G_DEFINE_ENUM_VALUE (TG_ROLE_SET_OPS, "ops"),
  G_DEFINE_ENUM_VALUE (TG_ROLE_SET_ADMIN, "admin"))

static const struct
{
  TgRoleSet   role;
  const char *name;
  const char *display_name;
} roles[] = {
  { TG_ROLE_SET_VIEWER, "tollgate_viewer", N_("Viewer") },
  { TG_ROLE_SET_FINANCE, "tollgate_finance", N_("Finance") },
  { TG_ROLE_SET_OPS, "tollgate_ops", N_("Operations") },
  { TG_ROLE_SET_ADMIN, "tollgate_admin", N_("Administrator") },
};

/* One row: session_user, whether it is a superuser, and one boolean per role in the
 * order of roles[]. A role that does not exist (a schema older than 0004) is not held:
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
 * tg_role_set_get_sql:
 *
 * Returns: the statement whose result tg_role_set_from_result() reads
 */
const char *
tg_role_set_get_sql (void)
{
  return roles_sql;
}

/**
 * tg_role_set_from_result:
 * @session_user: (out) (optional): the name the session logged in as
 *
 * A superuser holds every role.
 */
TgRoleSet
tg_role_set_from_result (TgDbResult  *result,
                         char       **session_user,
                         GError     **error)
{
  TgRoleSet set = TG_ROLE_SET_NONE;

  g_return_val_if_fail (result != NULL, TG_ROLE_SET_NONE);

  if (tg_db_result_get_n_rows (result) != 1 ||
      tg_db_result_get_n_cols (result) != 2 + (int)G_N_ELEMENTS (roles))
    {
      g_set_error_literal (error, TG_DB_ERROR, TG_DB_ERROR_QUERY,
                           "Unexpected answer to the roles query");
      return TG_ROLE_SET_NONE;
    }

  if (session_user != NULL)
    *session_user = g_strdup (tg_db_result_get_value (result, 0, 0));

  if (tg_db_result_get_boolean (result, 0, 1))
    return TG_ROLE_SET_ALL;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (tg_db_result_get_boolean (result, 0, 2 + i))
      set |= roles[i].role;

  return set;
}

/**
 * tg_role_get_name:
 * @role: exactly one role
 *
 * Returns: the PostgreSQL name of @role, "tollgate_admin"
 */
const char *
tg_role_get_name (TgRoleSet role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return roles[i].name;

  g_return_val_if_reached (NULL);
}

/**
 * tg_role_set_dup_requirement:
 * @needed: the roles of which one suffices
 *
 * Returns: (transfer full): a tooltip for what @needed guards, "Needs the
 *   tollgate_admin role"
 */
char *
tg_role_set_dup_requirement (TgRoleSet needed)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *joined = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (needed & roles[i].role)
      g_ptr_array_add (names, (gpointer)roles[i].name);

  if (names->len == 0)
    return NULL;

  if (names->len == 1)
    /* TRANSLATORS: %s is a PostgreSQL role name, "tollgate_admin" */
    return g_strdup_printf (_("Needs the %s role"), (const char *)names->pdata[0]);

  g_ptr_array_add (names, NULL);
  /* TRANSLATORS: the separator between PostgreSQL role names in "Needs one of the
   * roles tollgate_finance, tollgate_admin"
   */
  joined = g_strjoinv (_(", "), (char **)names->pdata);
  /* TRANSLATORS: %s is a list of PostgreSQL role names */
  return g_strdup_printf (_("Needs one of the roles %s"), joined);
}

/**
 * tg_role_set_dup_description:
 *
 * Returns: (transfer full): the roles held, for people: "Administrator",
 *   "Finance, Operations", "No Tollgate role". Lower roles that a higher one includes
 *   are left out.
 */
char *
tg_role_set_dup_description (TgRoleSet set)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (set & TG_ROLE_SET_ADMIN)
    return g_strdup (_("Administrator"));

  for (guint i = G_N_ELEMENTS (roles); i-- > 1; )
    if (set & roles[i].role)
      g_ptr_array_insert (names, 0, (gpointer)_(roles[i].display_name));

  if (names->len == 0 && (set & TG_ROLE_SET_VIEWER))
    return g_strdup (_("Viewer"));

  if (names->len == 0)
    return g_strdup (_("No Tollgate role"));

  g_ptr_array_add (names, NULL);
  return g_strjoinv (_(", "), (char **)names->pdata);
}
