/* test-json-mask.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tg-json-mask.h"

typedef struct
{
  const char *key;
  gboolean    secret;
} KeyCase;

static const KeyCase key_cases[] = {
  { "key", TRUE },
  { "api_key", TRUE },
  { "apiKey", TRUE },
  { "APIKey", TRUE },
  { "X-Api-Key", TRUE },
  { "x-api-key", TRUE },
  { "apikey", TRUE },
  { "token", TRUE },
  { "access_token", TRUE },
  { "accessToken", TRUE },
  { "ACCESSTOKEN", TRUE },
  { "refresh-token", TRUE },
  { "secret", TRUE },
  { "client_secret", TRUE },
  { "SECRET_VALUE", TRUE },
  { "password", TRUE },
  { "db_password", TRUE },
  { "Password_Hint", TRUE },
  { "passwd", TRUE },
  { "Authorization", TRUE },
  { "proxy-authorization", TRUE },
  { "auth", TRUE },
  { "bearer", TRUE },
  { "Cookie", TRUE },
  { "Set-Cookie", TRUE },
  { "credentials", TRUE },
  { "privateKey", TRUE },
  /* counts, ids and ordinary words stay readable */
  { "prompt_tokens", FALSE },
  { "completion_tokens", FALSE },
  { "max_tokens", FALSE },
  { "token_count", FALSE },
  { "key_id", FALSE },
  { "keyword", FALSE },
  { "monkey", FALSE },
  { "address", FALSE },
  { "model", FALSE },
  { "author", FALSE },
  { "", FALSE },
};

static void
test_key (gconstpointer data)
{
  const KeyCase *c = data;

  if (tg_json_key_is_secret (c->key) != c->secret)
    g_error ("“%s” should %sbe a secret", c->key, c->secret ? "" : "not ");
}

typedef struct
{
  const char *json;
  const char *pretty;
  guint       n_masked;
} PrettyCase;

static const PrettyCase pretty_cases[] = {
  { "{}", "{}", 0 },
  { "[]", "[]", 0 },
  { " 42 ", "42", 0 },
  { "\"text\"", "\"text\"", 0 },
  { "{\"a\": 1, \"b\": [true, null, -1.5e3]}",
    "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    -1.5e3\n  ]\n}", 0 },
  /* escapes are kept as written */
  { "{\"q\": \"line\\nnext \\u00e9 \\\"x\\\"\"}",
    "{\n  \"q\": \"line\\nnext \\u00e9 \\\"x\\\"\"\n}", 0 },
  { "{\"api_key\": \"abc123\", \"q\": \"1 George St\"}",
    "{\n  \"api_key\": \"" TG_JSON_MASK "\",\n  \"q\": \"1 George St\"\n}", 1 },
  /* any case, numbers too */
  { "{\"PASSWORD\": 123456}", "{\n  \"PASSWORD\": \"" TG_JSON_MASK "\"\n}", 1 },
  /* nested: a secret deep inside, and everything under a secret name */
  { "{\"headers\": {\"Authorization\": \"Bearer sk-1\", \"Accept\": \"json\"}}",
    "{\n  \"headers\": {\n    \"Authorization\": \"" TG_JSON_MASK "\",\n"
    "    \"Accept\": \"json\"\n  }\n}", 1 },
  { "{\"auth\": {\"user\": \"u\", \"keys\": [\"k1\", 2, true]}}",
    "{\n  \"auth\": {\n    \"user\": \"" TG_JSON_MASK "\",\n    \"keys\": [\n"
    "      \"" TG_JSON_MASK "\",\n      \"" TG_JSON_MASK "\",\n      true\n    ]\n  }\n}", 3 },
  { "[{\"token\": \"t\"}, {\"token\": null}]",
    "[\n  {\n    \"token\": \"" TG_JSON_MASK "\"\n  },\n  {\n    \"token\": null\n  }\n]", 1 },
  /* a name/value pair, in either order */
  { "{\"value\": \"s3cr3t\", \"name\": \"X-Api-Key\"}",
    "{\n  \"value\": \"" TG_JSON_MASK "\",\n  \"name\": \"X-Api-Key\"\n}", 1 },
  { "{\"name\": \"Accept\", \"value\": \"json\"}",
    "{\n  \"name\": \"Accept\",\n  \"value\": \"json\"\n}", 0 },
  /* credentials inside strings */
  { "[\"Authorization\", \"Bearer abc.def\"]",
    "[\n  \"Authorization\",\n  \"Bearer " TG_JSON_MASK "\"\n]", 1 },
  { "{\"url\": \"https://api.example/v1?q=George&api_key=abc&token=t#top\"}",
    "{\n  \"url\": \"https://api.example/v1?q=George&api_key=" TG_JSON_MASK "&token="
    TG_JSON_MASK "#top\"\n}", 1 },
  /* token counts stay */
  { "{\"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 30}}",
    "{\n  \"usage\": {\n    \"prompt_tokens\": 12,\n    \"completion_tokens\": 30\n  }\n}", 0 },
};

static void
test_pretty (gconstpointer data)
{
  const PrettyCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;
  guint n_masked = 99;

  pretty = tg_json_pretty_masked (c->json, -1, &n_masked, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pretty, ==, c->pretty);
  g_assert_cmpuint (n_masked, ==, c->n_masked);
}

static void
test_invalid (void)
{
  const char * const invalid[] = {
    "", "{", "{\"a\" 1}", "{\"a\": }", "[1,]", "[1 2]", "\"open", "tru", "01x", "{} {}",
    "{\"a\": \"\\q\"}", "{1: 2}", "-", "1.", "1e", "\"\\u12\"", "059", "[-00]",
    "{\"n\": 01}",
  };
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = tg_json_pretty_masked (invalid[i], -1, NULL, &local_error);

      if (text != NULL)
        g_error ("“%s” was read as JSON", invalid[i]);
      g_assert_error (local_error, TG_JSON_MASK_ERROR, TG_JSON_MASK_ERROR_INVALID);
    }

  /* Nesting without end is refused, not followed down the stack. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  pretty = tg_json_pretty_masked (deep->str, deep->len, NULL, &error);
  g_assert_null (pretty);
  g_assert_error (error, TG_JSON_MASK_ERROR, TG_JSON_MASK_ERROR_TOO_DEEP);

  /* A length shorter than the text reads only that much. */
  g_clear_error (&error);
  pretty = tg_json_pretty_masked ("[1]garbage", 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pretty, ==, "[\n  1\n]");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (key_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/json-mask/key/%u", i);

      g_test_add_data_func (path, &key_cases[i], test_key);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pretty_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/json-mask/pretty/%u", i);

      g_test_add_data_func (path, &pretty_cases[i], test_pretty);
    }
  g_test_add_func ("/tollgate/unit/json-mask/invalid", test_invalid);

  return g_test_run ();
}
