/* tg-conninfo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Policies on connection strings, built on the grammar of src/db/tg-db-conninfo.c: which
 * options are remembered, where a password goes, and the database check's connect
 * timeout.
 */

#include "config.h"

#include "tg-conninfo.h"

/* Seconds libpq may spend reaching the server, when neither the connection string nor
 * PGCONNECT_TIMEOUT says otherwise.
 */
#define DEFAULT_CONNECT_TIMEOUT "10"

static gboolean
is_secret_cb (gpointer key,
              gpointer value,
              gpointer user_data)
{
  return tg_db_conninfo_is_secret (key);
}

/* Secrets go to the keyring or nowhere. */
static void
remove_secrets (GHashTable *options)
{
  g_hash_table_foreach_remove (options, is_secret_cb, NULL);
}

/**
 * tg_conninfo_strip_secrets:
 * @password: (out) (optional) (nullable): the password @conninfo carried, or %NULL
 *
 * Returns: (transfer full) (nullable): @conninfo without its password (nor the
 *   password of an SSL key), as keywords; %NULL with @error set when it is not valid
 */
char *
tg_conninfo_strip_secrets (const char  *conninfo,
                           char       **password,
                           GError     **error)
{
  g_autoptr(GHashTable) options = tg_db_conninfo_parse (conninfo, error);

  if (password != NULL)
    *password = NULL;

  if (options == NULL)
    return NULL;

  if (password != NULL)
    {
      const char *value = g_hash_table_lookup (options, "password");

      *password = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
    }

  remove_secrets (options);

  return tg_db_conninfo_build (options);
}

/**
 * tg_conninfo_add_password:
 * @password: (nullable): the password; %NULL or "" leaves @conninfo as it is
 *
 * Returns: (transfer full): @conninfo (keywords or a URI) with @password, which wins
 *   over one it already has
 */
char *
tg_conninfo_add_password (const char *conninfo,
                          const char *password)
{
  g_autoptr(GHashTable) options = NULL;

  if (password == NULL || *password == '\0')
    return g_strdup (conninfo != NULL ? conninfo : "");

  /* Rebuilt as keywords: a URI cannot be extended, and libpq expands only the first
   * level of a connection string nested in "dbname".
   */
  options = tg_db_conninfo_parse (conninfo, NULL);
  if (options == NULL)
    return g_strdup (conninfo);

  g_hash_table_insert (options, g_strdup ("password"), g_strdup (password));

  return tg_db_conninfo_build (options);
}

/**
 * tg_conninfo_for_remembering:
 * @host: (nullable): the host libpq connected to (PQhost()), which wins
 * @port: (nullable): likewise the port
 * @dbname: (nullable): likewise the database
 * @user: (nullable): likewise the user
 *
 * What GSettings remembers of a connection that worked: its options without secrets,
 * with the host, port, database and user that libpq settled on written out, so that
 * the next start looks the password up in the keyring under the same key it was
 * filed under.
 *
 * Returns: (transfer full) (nullable): a keyword/value connection string
 */
char *
tg_conninfo_for_remembering (const char  *conninfo,
                             const char  *host,
                             const char  *port,
                             const char  *dbname,
                             const char  *user,
                             GError     **error)
{
  g_autoptr(GHashTable) options = tg_db_conninfo_parse (conninfo, error);
  const struct { const char *keyword; const char *value; } effective[] = {
    { "host", host }, { "port", port }, { "dbname", dbname }, { "user", user },
  };

  if (options == NULL)
    return NULL;

  remove_secrets (options);

  /* hostaddr would contradict the host that is written out now. */
  if (host != NULL && *host != '\0')
    g_hash_table_remove (options, "hostaddr");

  for (guint i = 0; i < G_N_ELEMENTS (effective); i++)
    if (effective[i].value != NULL && *effective[i].value != '\0')
      g_hash_table_insert (options, g_strdup (effective[i].keyword),
                           g_strdup (effective[i].value));

  return tg_db_conninfo_build (options);
}

/**
 * tg_conninfo_with_connect_timeout:
 * @conninfo: (nullable): keywords or a URI; %NULL or "" uses libpq's environment
 *
 * @conninfo with a connect_timeout of 10 seconds unless it, or PGCONNECT_TIMEOUT,
 * chooses one: a dead host becomes an error instead of a spinner that turns for the
 * kernel's TCP timeout (minutes). libpq's connect_timeout bounds blocking connections
 * only, such as the database check's.
 *
 * Returns: (transfer full) (nullable): keywords; %NULL with @error set when @conninfo
 *   is not valid
 */
char *
tg_conninfo_with_connect_timeout (const char  *conninfo,
                                  GError     **error)
{
  g_autoptr(GHashTable) options = tg_db_conninfo_parse (conninfo, error);
  const char *timeout;

  if (options == NULL)
    return NULL;

  /* "connect_timeout=''" chooses nothing, and the string is rebuilt without it
   * (tg_db_conninfo_build() leaves empty values out), which would leave no timeout.
   */
  timeout = g_hash_table_lookup (options, "connect_timeout");
  if ((timeout == NULL || *timeout == '\0') && g_getenv ("PGCONNECT_TIMEOUT") == NULL)
    g_hash_table_insert (options, g_strdup ("connect_timeout"), g_strdup (DEFAULT_CONNECT_TIMEOUT));

  return tg_db_conninfo_build (options);
}
