/* tg-conninfo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "tg-conninfo.h"
#include "tg-db-util.h"

/* Keywords whose values are secrets: they go to the keyring or nowhere. */
static const char * const secret_keywords[] = { "password", "sslpassword", NULL };

/**
 * tg_conninfo_parse:
 * @conninfo: (nullable): keywords or a URI; %NULL or "" is empty
 *
 * Returns: (transfer full) (element-type utf8 utf8) (nullable): the keywords that
 *   @conninfo sets, with their values; %NULL with @error set when libpq cannot parse it
 */
GHashTable *
tg_conninfo_parse (const char  *conninfo,
                   GError     **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  PQconninfoOption *parsed;
  char *message = NULL;

  parsed = PQconninfoParse (conninfo != NULL ? conninfo : "", &message);
  if (parsed == NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (message != NULL ? message : "out of memory"));

      /* libpq's parse errors quote the offending keyword, never a value. */
      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                   _("The connection string is not valid: %s"), text);
      PQfreemem (message);
      return NULL;
    }

  for (PQconninfoOption *option = parsed; option->keyword != NULL; option++)
    if (option->val != NULL)
      g_hash_table_insert (options, g_strdup (option->keyword), g_strdup (option->val));
  PQconninfoFree (parsed);

  return g_steal_pointer (&options);
}

/* Quotes @value for a keyword/value connection string. */
void
tg_conninfo_append_value (GString    *string,
                          const char *value)
{
  g_string_append_c (string, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (string, '\\');
      g_string_append_c (string, *p);
    }
  g_string_append_c (string, '\'');
}

/**
 * tg_conninfo_build:
 * @options: (element-type utf8 utf8): keywords and values; empty values are left out
 *
 * Returns: (transfer full): a keyword/value connection string, keywords in libpq's
 *   order so that equal options give equal strings
 */
char *
tg_conninfo_build (GHashTable *options)
{
  g_autoptr(GString) result = g_string_new (NULL);
  PQconninfoOption *known;

  g_return_val_if_fail (options != NULL, NULL);

  known = PQconninfoParse ("", NULL);
  g_return_val_if_fail (known != NULL, NULL);

  for (PQconninfoOption *option = known; option->keyword != NULL; option++)
    {
      const char *value = g_hash_table_lookup (options, option->keyword);

      if (value == NULL || *value == '\0')
        continue;

      if (result->len > 0)
        g_string_append_c (result, ' ');
      g_string_append_printf (result, "%s=", option->keyword);
      tg_conninfo_append_value (result, value);
    }
  PQconninfoFree (known);

  return g_string_free (g_steal_pointer (&result), FALSE);
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
  g_autoptr(GHashTable) options = tg_conninfo_parse (conninfo, error);

  if (password != NULL)
    *password = NULL;

  if (options == NULL)
    return NULL;

  if (password != NULL)
    {
      const char *value = g_hash_table_lookup (options, "password");

      *password = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
    }

  for (guint i = 0; secret_keywords[i] != NULL; i++)
    g_hash_table_remove (options, secret_keywords[i]);

  return tg_conninfo_build (options);
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
  options = tg_conninfo_parse (conninfo, NULL);
  if (options == NULL)
    return g_strdup (conninfo);

  g_hash_table_insert (options, g_strdup ("password"), g_strdup (password));

  return tg_conninfo_build (options);
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
  g_autoptr(GHashTable) options = tg_conninfo_parse (conninfo, error);
  const struct { const char *keyword; const char *value; } effective[] = {
    { "host", host }, { "port", port }, { "dbname", dbname }, { "user", user },
  };

  if (options == NULL)
    return NULL;

  for (guint i = 0; secret_keywords[i] != NULL; i++)
    g_hash_table_remove (options, secret_keywords[i]);

  /* hostaddr would contradict the host that is written out now. */
  if (host != NULL && *host != '\0')
    g_hash_table_remove (options, "hostaddr");

  for (guint i = 0; i < G_N_ELEMENTS (effective); i++)
    if (effective[i].value != NULL && *effective[i].value != '\0')
      g_hash_table_insert (options, g_strdup (effective[i].keyword),
                           g_strdup (effective[i].value));

  return tg_conninfo_build (options);
}
