/* tg-role-set.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

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
