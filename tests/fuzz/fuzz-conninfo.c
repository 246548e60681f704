/* fuzz-conninfo.c — connection strings typed in, passed with --db, or remembered
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The grammar (src/db/tg-db-conninfo.c) and the policies built on it
 * (src/service/tg-conninfo.c), with the promises they make:
 *
 * - a string libpq parses builds back into one that parses to the same options;
 * - a password libpq would send is in no message: neither in the string redacted with
 *   its own secrets, nor in the error of a string that libpq refuses; and messages are
 *   valid UTF-8 whatever bytes the string had;
 * - what is stripped of secrets has none, a password added is the one libpq reads, the
 *   remembered string has none and names the host it was given, and the checked
 *   string has a connect timeout.
 *
 * For strings libpq refuses it cannot say what the password was; password_tokens()
 * reads URIs the way libpq's URI parser does (fe-connect.c, conninfo_uri_parse_options
 * and conninfo_uri_parse_params) to know which spellings it would quote.
 */

#include "config.h"

#include <string.h>

#include "tg-conninfo.h"
#include "tg-db-util.h"
#include "tg-fuzz.h"

/* Shorter secrets are left in ordinary words of a message (tg-db-conninfo.c), and a
 * secret made of the redaction's own stars is still there after it.
 */
#define MIN_CHECKED_LENGTH 6

#define INVALID_PREFIX "The connection string is not valid: "

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  /* tg_conninfo_with_connect_timeout() leaves the timeout to this variable when set. */
  g_unsetenv ("PGCONNECT_TIMEOUT");
  return 0;
}

static gboolean
is_checked_secret (const char *secret)
{
  return secret != NULL && strlen (secret) >= MIN_CHECKED_LENGTH && strchr (secret, '*') == NULL;
}

/* Every spelling of a password that a URI gives libpq: the userinfo's after its first
 * ':' up to the '@' (found before any '/'), and the values of query parameters whose
 * decoded keyword is a secret one, as written and decoded.
 */
static void
password_tokens (const char *conninfo,
                 GPtrArray  *tokens)
{
  const char *start;
  const char *p;
  const char *query;
  g_auto(GStrv) params = NULL;

  if (g_str_has_prefix (conninfo, "postgresql://"))
    start = conninfo + strlen ("postgresql://");
  else if (g_str_has_prefix (conninfo, "postgres://"))
    start = conninfo + strlen ("postgres://");
  else
    return;

  for (p = start; *p != '\0' && *p != '@' && *p != '/'; p++)
    ;
  if (*p == '@')
    {
      const char *colon = start;

      while (*colon != ':' && *colon != '@')
        colon++;
      if (*colon == ':')
        g_ptr_array_add (tokens, g_strndup (colon + 1, strchr (colon + 1, '@') - colon - 1));
      start = p + 1;
    }

  query = strchr (start, '?');
  if (query == NULL)
    return;

  tg_fuzz_split (query + 1, '&', &params);
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *equals = strchr (params[i], '=');
      g_autofree char *keyword = NULL;
      g_autofree char *decoded = NULL;

      if (equals == NULL)
        continue;
      keyword = g_strndup (params[i], equals - params[i]);
      decoded = g_uri_unescape_string (keyword, NULL);
      if (decoded == NULL || !tg_db_conninfo_is_secret (decoded))
        continue;

      g_ptr_array_add (tokens, g_strdup (equals + 1));
      g_ptr_array_add (tokens, g_uri_unescape_string (equals + 1, NULL));
    }
}

static void
assert_hidden (const char *message,
               GPtrArray  *secrets)
{
  for (guint i = 0; i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);

      if (is_checked_secret (secret) && strstr (message, secret) != NULL)
        g_error ("“%s” shows in “%s”", secret, message);
    }
}

/* Whether two option tables say the same, empty values being left out by building. */
static gboolean
same_options (GHashTable *a,
              GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  guint n_a = 0;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (*(const char *)value == '\0')
        continue;
      n_a++;
      if (g_strcmp0 (g_hash_table_lookup (b, key), value) != 0)
        return FALSE;
    }

  return n_a == g_hash_table_size (b);
}

static GHashTable *
parse_valid (const char *conninfo)
{
  g_autoptr(GError) error = NULL;
  GHashTable *options = tg_db_conninfo_parse (conninfo, &error);

  g_assert_no_error (error);
  g_assert_nonnull (options);
  return options;
}

static void
check_policies (const char *conninfo,
                GHashTable *options)
{
  static const char added[] = "added 'pass\\word";
  g_autoptr(GHashTable) stripped_options = NULL;
  g_autoptr(GHashTable) added_options = NULL;
  g_autoptr(GHashTable) remembered_options = NULL;
  g_autoptr(GHashTable) timeout_options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *with_password = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *with_timeout = NULL;
  const char *expected;

  stripped = tg_conninfo_strip_secrets (conninfo, &password, &error);
  g_assert_no_error (error);
  stripped_options = parse_valid (stripped);
  g_assert_false (g_hash_table_contains (stripped_options, "password"));
  g_assert_false (g_hash_table_contains (stripped_options, "sslpassword"));
  expected = g_hash_table_lookup (options, "password");
  if (expected != NULL && *expected == '\0')
    expected = NULL;
  g_assert_cmpstr (password, ==, expected);

  with_password = tg_conninfo_add_password (conninfo, added);
  added_options = parse_valid (with_password);
  g_assert_cmpstr (g_hash_table_lookup (added_options, "password"), ==, added);

  remembered = tg_conninfo_for_remembering (conninfo, "db.example.com", "6543", "sales", "ann",
                                            &error);
  g_assert_no_error (error);
  remembered_options = parse_valid (remembered);
  g_assert_false (g_hash_table_contains (remembered_options, "password"));
  g_assert_false (g_hash_table_contains (remembered_options, "sslpassword"));
  g_assert_false (g_hash_table_contains (remembered_options, "hostaddr"));
  g_assert_cmpstr (g_hash_table_lookup (remembered_options, "host"), ==, "db.example.com");

  with_timeout = tg_conninfo_with_connect_timeout (conninfo, &error);
  g_assert_no_error (error);
  timeout_options = parse_valid (with_timeout);
  g_assert_true (g_hash_table_contains (timeout_options, "connect_timeout"));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *conninfo = tg_fuzz_dup_string (data, size);
  g_autoptr(GHashTable) options = NULL;
  g_autoptr(GPtrArray) passwords = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) secrets = NULL;
  g_autofree char *redacted = NULL;

  if (conninfo == NULL)
    return 0;

  passwords = g_ptr_array_new_with_free_func (g_free);
  password_tokens (conninfo, passwords);
  secrets = tg_db_conninfo_collect_secrets (conninfo);
  g_assert_nonnull (secrets);

  options = tg_db_conninfo_parse (conninfo, &error);
  if (options != NULL)
    {
      g_autoptr(GHashTable) again = NULL;
      g_autofree char *built = NULL;

      g_assert_no_error (error);
      g_ptr_array_add (passwords, g_strdup (g_hash_table_lookup (options, "password")));
      g_ptr_array_add (passwords, g_strdup (g_hash_table_lookup (options, "sslpassword")));

      built = tg_db_conninfo_build (options);
      again = parse_valid (built);
      g_assert_true (same_options (options, again));

      check_policies (conninfo, options);
    }
  else
    {
      g_autofree char *stripped = NULL;
      g_autofree char *password = NULL;

      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_true (g_str_has_prefix (error->message, INVALID_PREFIX));
      assert_hidden (error->message + strlen (INVALID_PREFIX), passwords);
      g_clear_error (&error);

      /* What the welcome page shows for a string typed in. */
      stripped = tg_conninfo_strip_secrets (conninfo, &password, &error);
      g_assert_null (stripped);
      g_assert_null (password);
      g_assert_error (error, TG_DB_ERROR, TG_DB_ERROR_CONNECT);
    }

  /* libpq's messages at connect time may quote the whole string. */
  redacted = tg_db_conninfo_redact ((const char * const *)secrets, conninfo);
  g_assert_nonnull (redacted);
  g_assert_true (g_utf8_validate (redacted, -1, NULL));
  assert_hidden (redacted, passwords);

  return 0;
}
