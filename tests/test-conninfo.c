/* test-conninfo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the window takes connection strings apart: passwords kept out of what is
 * remembered, added back for connecting; and how roles read to people. No display and
 * no server needed.
 */

#include "config.h"

#include <string.h>

#include "tg-conninfo.h"
#include "tg-db-util.h"
#include "tg-role-set.h"

typedef struct
{
  const char *conninfo;
  const char *stripped;
  const char *password;
} StripCase;

static const StripCase strip_cases[] = {
  { "", "", NULL },
  { "dbname=sales", "dbname='sales'", NULL },
  { "host=db.example.com dbname=sales user=ann password=s3cret",
    "user='ann' dbname='sales' host='db.example.com'", "s3cret" },
  { "password='it\\'s' dbname=x", "dbname='x'", "it's" },
  { "postgresql://ann:p%40ss@db.example.com:6543/sales?sslmode=require",
    "user='ann' dbname='sales' host='db.example.com' port='6543' sslmode='require'", "p@ss" },
  { "service=billing sslpassword=keypass", "service='billing'", NULL },
  { "dbname='we\\'ird'", "dbname='we\\'ird'", NULL },
};

static void
test_strip (gconstpointer data)
{
  const StripCase *test = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *stripped = NULL;

  stripped = tg_conninfo_strip_secrets (test->conninfo, &password, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stripped, ==, test->stripped);
  g_assert_cmpstr (password, ==, test->password);
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  char *stripped;

  stripped = tg_conninfo_strip_secrets ("this is not a connection string", &password, &error);
  g_assert_null (stripped);
  g_assert_null (password);
  g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "not valid"));
}

static void
test_add_password (void)
{
  g_autofree char *plain = tg_conninfo_add_password ("dbname=sales", NULL);
  g_autofree char *keywords = tg_conninfo_add_password ("dbname=sales password=old", "new pw");
  g_autofree char *uri = tg_conninfo_add_password ("postgresql://ann@db/sales", "x'y");
  g_autofree char *empty = tg_conninfo_add_password (NULL, "pw");
  g_autoptr(GHashTable) parsed = NULL;

  g_assert_cmpstr (plain, ==, "dbname=sales");
  g_assert_cmpstr (keywords, ==, "password='new pw' dbname='sales'");
  g_assert_cmpstr (empty, ==, "password='pw'");

  /* A URI comes back as keywords that libpq reads to the same options. */
  parsed = tg_conninfo_parse (uri, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "password"), ==, "x'y");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "user"), ==, "ann");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "host"), ==, "db");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "dbname"), ==, "sales");
}

static void
test_remembering (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *service = NULL;

  /* What libpq settled on is written out, keywords in libpq's order; the password and
   * hostaddr are not.
   */
  remembered = tg_conninfo_for_remembering ("hostaddr=10.0.0.5 dbname=sales password=pw "
                                            "sslmode=verify-full",
                                            "db.example.com", "5432", "sales", "ann", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (remembered, ==,
                   "user='ann' dbname='sales' host='db.example.com' port='5432' "
                   "sslmode='verify-full'");

  service = tg_conninfo_for_remembering ("service=billing", "/run/postgresql", "5432",
                                         "billing", "ann", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (service, "service='billing'"));
  g_assert_nonnull (strstr (service, "host='/run/postgresql'"));
}

static void
test_roles (void)
{
  g_autofree char *admin = tg_role_set_dup_requirement (TG_ROLE_SET_ADMIN);
  g_autofree char *either = tg_role_set_dup_requirement (TG_ROLE_SET_FINANCE | TG_ROLE_SET_ADMIN);
  g_autofree char *none = tg_role_set_dup_requirement (TG_ROLE_SET_NONE);
  g_autofree char *all = tg_role_set_dup_description (TG_ROLE_SET_ALL);
  g_autofree char *viewer = tg_role_set_dup_description (TG_ROLE_SET_VIEWER);
  g_autofree char *two = tg_role_set_dup_description (TG_ROLE_SET_VIEWER | TG_ROLE_SET_FINANCE |
                                                       TG_ROLE_SET_OPS);
  g_autofree char *nothing = tg_role_set_dup_description (TG_ROLE_SET_NONE);

  g_assert_cmpstr (admin, ==, "Needs the tollgate_admin role");
  g_assert_cmpstr (either, ==, "Needs one of the roles tollgate_finance, tollgate_admin");
  g_assert_null (none);
  g_assert_cmpstr (all, ==, "Administrator");
  g_assert_cmpstr (viewer, ==, "Viewer");
  g_assert_cmpstr (two, ==, "Finance, Operations");
  g_assert_cmpstr (nothing, ==, "No Tollgate role");
  g_assert_cmpstr (tg_role_get_name (TG_ROLE_SET_OPS), ==, "tollgate_ops");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (strip_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/ui/conninfo/strip/%u", i);

      g_test_add_data_func (path, &strip_cases[i], test_strip);
    }
  g_test_add_func ("/tollgate/ui/conninfo/invalid", test_invalid);
  g_test_add_func ("/tollgate/ui/conninfo/add-password", test_add_password);
  g_test_add_func ("/tollgate/ui/conninfo/remembering", test_remembering);
  g_test_add_func ("/tollgate/ui/conninfo/role-set/text", test_roles);

  return g_test_run ();
}
