/* tg-db-conninfo.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* libpq connection strings: the one grammar and the one redaction of Tollgate.
 *
 * The grammar is libpq's own (PQconninfoParse), which touches neither the disk nor the
 * network and applies no defaults, so a string can be taken apart and built again
 * without connecting; src/service/tg-conninfo.c builds its policies (what is remembered,
 * where a password goes) on it.
 *
 * Redaction keeps passwords out of every message a person may see. libpq's messages
 * repeat pieces of the connection string — a malformed URI is quoted whole, userinfo
 * and all — so every path that connects or parses (TgDbConnection, tg_db_connect(), the
 * database check, tg_db_conninfo_parse() itself) passes its messages through
 * tg_db_conninfo_redact() with the secrets of its connection string. The secrets are
 * found by libpq's parser and, because a string libpq cannot parse is exactly the one
 * it quotes, also by pattern and by reading URIs the way libpq does.
 *
 * Neither a connection string nor libpq's messages need be UTF-8 (a Latin-1 locale, a
 * server's message in its own encoding), so the patterns match bytes (G_REGEX_RAW)
 * and what a person reads is made valid UTF-8 last.
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "tg-db-conninfo.h"
#include "tg-db-util.h"

/* Keywords whose values are secrets. */
static const char * const secret_keywords[] = { "password", "sslpassword", NULL };

/* A secret this short would blank out ordinary words of a message; the patterns of
 * tg_db_conninfo_redact() still catch it where the message spells it as a password.
 */
#define MIN_SECRET_LENGTH 3

/* A "password=…" or "sslpassword=…" spelling, quoted or bare (as in keywords or in a URI's
 * query), and a URI's userinfo "scheme://user:secret@".
 */
#define KEYWORD_PATTERN  "(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s&\"]+)"
#define USERINFO_PATTERN "(postgres(?:ql)?://[^:/@\\s\"]*:)[^@\\s\"]*@"

/**
 * tg_db_conninfo_parse:
 * @conninfo: (nullable): keywords or a URI; %NULL or "" is empty
 *
 * Returns: (transfer full) (element-type utf8 utf8) (nullable): the keywords that
 *   @conninfo sets, with their values; %NULL with @error (%TG_DB_ERROR_CONNECT, no
 *   secret in its message) set when libpq cannot parse it
 */
GHashTable *
tg_db_conninfo_parse (const char  *conninfo,
                      GError     **error)
{
  g_autoptr(GHashTable) options = NULL;
  PQconninfoOption *parsed;
  char *message = NULL;

  parsed = PQconninfoParse (conninfo != NULL ? conninfo : "", &message);
  if (parsed == NULL)
    {
      g_auto(GStrv) secrets = tg_db_conninfo_collect_secrets (conninfo);
      g_autofree char *text = g_strstrip (g_strdup (message != NULL ? message : "out of memory"));
      g_autofree char *redacted = tg_db_conninfo_redact ((const char * const *)secrets, text);

      g_set_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT,
                   "The connection string is not valid: %s", redacted);
      PQfreemem (message);
      return NULL;
    }

  options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (PQconninfoOption *option = parsed; option->keyword != NULL; option++)
    if (option->val != NULL)
      g_hash_table_insert (options, g_strdup (option->keyword), g_strdup (option->val));
  PQconninfoFree (parsed);

  return g_steal_pointer (&options);
}

/* Quotes @value for a keyword/value connection string. */
void
tg_db_conninfo_append_value (GString    *string,
                             const char *value)
{
  g_return_if_fail (string != NULL);
  g_return_if_fail (value != NULL);

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
 * tg_db_conninfo_build:
 * @options: (element-type utf8 utf8): keywords and values; empty values are left out
 *
 * Returns: (transfer full): a keyword/value connection string, keywords in libpq's
 *   order so that equal options give equal strings
 */
char *
tg_db_conninfo_build (GHashTable *options)
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
      tg_db_conninfo_append_value (result, value);
    }
  PQconninfoFree (known);

  return g_string_free (g_steal_pointer (&result), FALSE);
}

/* Returns: whether the value of @keyword is a secret (a password, or an SSL key's) */
gboolean
tg_db_conninfo_is_secret (const char *keyword)
{
  g_return_val_if_fail (keyword != NULL, FALSE);

  return g_strv_contains (secret_keywords, keyword);
}

static void
add_secret (GStrvBuilder *builder,
            const char   *secret)
{
  g_autofree char *unescaped = NULL;

  if (secret == NULL || *secret == '\0')
    return;

  g_strv_builder_add (builder, secret);

  /* A URI spells it percent-encoded, libpq's messages either way. */
  unescaped = g_uri_unescape_string (secret, NULL);
  if (unescaped != NULL && strcmp (unescaped, secret) != 0)
    g_strv_builder_add (builder, unescaped);
}

/* The secrets of a URI where libpq finds them (fe-connect.c, conninfo_uri_parse_options
 * and conninfo_uri_parse_params): the password of the userinfo, after its first ':' up
 * to the '@' that comes before any '/', and the value of each query parameter whose
 * keyword, once percent-decoded, is a secret one, up to the next '&'. libpq quotes them
 * as written when it cannot decode them, '?', '#' and spaces included.
 */
static void
add_uri_secrets (GStrvBuilder *builder,
                 const char   *conninfo)
{
  static const char * const schemes[] = { "postgresql://", "postgres://" };
  const char *start = conninfo;
  const char *userinfo_end;
  const char *query;
  gboolean is_uri = FALSE;

  /* A URI after blanks is no URI to libpq, which then quotes it whole. */
  while (g_ascii_isspace (*start))
    start++;
  for (guint i = 0; i < G_N_ELEMENTS (schemes) && !is_uri; i++)
    {
      is_uri = g_ascii_strncasecmp (start, schemes[i], strlen (schemes[i])) == 0;
      if (is_uri)
        start += strlen (schemes[i]);
    }
  if (!is_uri)
    return;

  userinfo_end = start + strcspn (start, "@/");
  if (*userinfo_end == '@')
    {
      const char *colon = start + strcspn (start, ":@");

      if (*colon == ':')
        {
          g_autofree char *password = g_strndup (colon + 1, userinfo_end - colon - 1);

          add_secret (builder, password);
        }
      start = userinfo_end + 1;
    }

  query = strchr (start, '?');
  for (const char *param = query != NULL ? query + 1 : ""; *param != '\0';)
    {
      gsize length = strcspn (param, "&");
      const char *equals = memchr (param, '=', length);

      if (equals != NULL)
        {
          g_autofree char *keyword = g_uri_unescape_segment (param, equals, NULL);

          if (keyword != NULL && tg_db_conninfo_is_secret (keyword))
            {
              g_autofree char *value = g_strndup (equals + 1, param + length - equals - 1);

              add_secret (builder, value);
            }
        }

      param += length;
      if (*param == '&')
        param++;
    }
}

/**
 * tg_db_conninfo_collect_secrets:
 * @conninfo: (nullable): keywords or a URI, valid or not
 *
 * Every spelling of a secret that @conninfo may carry — a password or an SSL key's
 * password, in keywords, in a URI's userinfo or in its query — whether or not libpq can
 * parse it.
 *
 * Returns: (transfer full): the secrets for tg_db_conninfo_redact(); empty, never %NULL
 */
GStrv
tg_db_conninfo_collect_secrets (const char *conninfo)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GRegex) keyword = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  PQconninfoOption *options;

  if (conninfo == NULL || *conninfo == '\0')
    return g_strv_builder_end (builder);

  options = PQconninfoParse (conninfo, NULL);
  if (options != NULL)
    {
      for (PQconninfoOption *option = options; option->keyword != NULL; option++)
        if (tg_db_conninfo_is_secret (option->keyword))
          add_secret (builder, option->val);
      PQconninfoFree (options);
    }

  keyword = g_regex_new ("password\\s*=\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|([^\\s&]+))",
                         G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);
  g_regex_match (keyword, conninfo, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *quoted = g_match_info_fetch (match, 1);
      g_autofree char *bare = g_match_info_fetch (match, 2);

      add_secret (builder, quoted);
      add_secret (builder, bare);
      g_match_info_next (match, NULL);
    }

  add_uri_secrets (builder, conninfo);

  return g_strv_builder_end (builder);
}

/**
 * tg_db_conninfo_redact:
 * @secrets: (nullable) (array zero-terminated=1): what tg_db_conninfo_collect_secrets()
 *   found
 * @message: (nullable): a message that may quote a connection string
 *
 * Replaces each secret, and any "password=…" or "scheme://user:…@" spelling, by
 * %TG_DB_CONNINFO_REDACTED.
 *
 * Returns: (transfer full): the message without secrets, in valid UTF-8; "" for %NULL
 */
char *
tg_db_conninfo_redact (const char * const *secrets,
                       const char         *message)
{
  g_autoptr(GString) text = g_string_new (message);
  g_autoptr(GRegex) userinfo = NULL;
  g_autoptr(GRegex) keyword = NULL;
  g_autofree char *without_userinfo = NULL;
  g_autofree char *redacted = NULL;

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    if (strlen (secrets[i]) >= MIN_SECRET_LENGTH)
      g_string_replace (text, secrets[i], TG_DB_CONNINFO_REDACTED, 0);

  userinfo = g_regex_new (USERINFO_PATTERN, G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);
  keyword = g_regex_new (KEYWORD_PATTERN, G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);

  without_userinfo = g_regex_replace (userinfo, text->str, -1, 0,
                                      "\\1" TG_DB_CONNINFO_REDACTED "@", 0, NULL);
  redacted = g_regex_replace (keyword, without_userinfo, -1, 0, "\\1" TG_DB_CONNINFO_REDACTED, 0,
                              NULL);

  return g_utf8_make_valid (redacted, -1);
}

/* Redacts @error's message in place. */
void
tg_db_conninfo_redact_error (const char * const *secrets,
                             GError             *error)
{
  char *message;

  g_return_if_fail (error != NULL);

  message = tg_db_conninfo_redact (secrets, error->message);
  g_free (error->message);
  error->message = message;
}
