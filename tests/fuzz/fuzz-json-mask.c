/* fuzz-json-mask.c — the request and response JSON of a call, shown to people
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* request_data and response_data come from the platform's rows, whatever the providers
 * answered; the calls window shows them through tg_json_pretty_masked(), a parser of its
 * own (src/core links no json-glib). What it promises, checked here against json-glib:
 * what it accepts json-glib reads too, and its output is JSON again, of the same shape,
 * where no member whose name is a secret keeps a string or number of its own.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "tg-fuzz.h"
#include "tg-json-mask.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tg_fuzz_init ();
  return 0;
}

/* Every string and number under a secret member is the mask; true, false and null stay. */
static void
assert_all_masked (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          assert_all_masked (member);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          assert_all_masked (json_array_get_element (array, i));
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        g_assert_cmpstr (json_node_get_string (node), ==, TG_JSON_MASK);
      break;

    case JSON_NODE_NULL:
      break;
    }
}

/* The output against the input, node by node: the same kinds and member names; a secret
 * member's value masked whole.
 */
static void
assert_same_shape (JsonNode *in,
                   JsonNode *out)
{
  JsonNodeType type = json_node_get_node_type (in);

  g_assert_cmpint (json_node_get_node_type (out), ==, type);

  if (type == JSON_NODE_OBJECT)
    {
      JsonObject *a = json_node_get_object (in);
      JsonObject *b = json_node_get_object (out);
      g_autoptr(GList) names = json_object_get_members (a);

      /* json-glib keeps the last of repeated names; so must the comparison. */
      g_assert_cmpuint (json_object_get_size (a), ==, json_object_get_size (b));
      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *value = json_object_get_member (b, name);

          g_assert_nonnull (value);
          if (tg_json_key_is_secret (name))
            assert_all_masked (value);
          else if (json_node_get_node_type (json_object_get_member (a, name)) != JSON_NODE_VALUE)
            assert_same_shape (json_object_get_member (a, name), value);
        }
    }
  else if (type == JSON_NODE_ARRAY)
    {
      JsonArray *a = json_node_get_array (in);
      JsonArray *b = json_node_get_array (out);

      g_assert_cmpuint (json_array_get_length (a), ==, json_array_get_length (b));
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (json_node_get_node_type (json_array_get_element (a, i)) != JSON_NODE_VALUE)
          assert_same_shape (json_array_get_element (a, i), json_array_get_element (b, i));
    }
}

/* Whether @text has a \\u escape of half a UTF-16 surrogate pair without its other half.
 * PostgreSQL refuses those in jsonb, so no row holds one; the masker copies escapes as
 * they are and json-glib refuses them, which is no disagreement that matters.
 */
static gboolean
has_unpaired_surrogate (const char *text,
                        gsize       size)
{
  for (gsize i = 0; i + 6 <= size; i++)
    {
      guint unit = 0;

      if (text[i] != '\\' || text[i + 1] != 'u')
        continue;
      for (guint k = 2; k < 6; k++)
        if (g_ascii_isxdigit (text[i + k]))
          unit = unit * 16 + g_ascii_xdigit_value (text[i + k]);
        else
          unit = G_MAXUINT;   /* not an escape the masker accepts */
      if (unit >= 0xDC00 && unit <= 0xDFFF)
        return TRUE;
      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          guint low = 0;

          if (i + 12 > size || text[i + 6] != '\\' || text[i + 7] != 'u')
            return TRUE;
          for (guint k = 8; k < 12; k++)
            low = g_ascii_isxdigit (text[i + k]) ? low * 16 + g_ascii_xdigit_value (text[i + k])
                                                 : G_MAXUINT;
          if (low < 0xDC00 || low > 0xDFFF)
            return TRUE;
          i += 11;
        }
    }

  return FALSE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) in_parser = NULL;
  g_autoptr(JsonParser) out_parser = NULL;
  g_autofree char *pretty = NULL;
  guint n_masked = 0;

  /* Rows hold jsonb, which PostgreSQL has checked is UTF-8 text without NUL and without
   * half surrogate pairs. */
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate ((const char *)data, size, NULL) ||
      has_unpaired_surrogate ((const char *)data, size))
    return 0;

  pretty = tg_json_pretty_masked ((const char *)data, size, &n_masked, &error);
  if (pretty == NULL)
    {
      g_assert_true (error->domain == TG_JSON_MASK_ERROR);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (pretty, -1, NULL));

  /* What it accepted is JSON to json-glib (which also takes a few things JSON does not,
   * so the converse is not asked), and so is what it wrote.
   */
  in_parser = json_parser_new ();
  if (!json_parser_load_from_data (in_parser, (const char *)data, size, &error))
    g_error ("tg_json_pretty_masked() accepted what json-glib refuses (%s): %.*s",
             error->message, (int)MIN (size, 200), (const char *)data);
  if (json_parser_get_root (in_parser) == NULL)
    return 0;   /* json-glib reads blank text as no value; the masker refuses it */

  out_parser = json_parser_new ();
  if (!json_parser_load_from_data (out_parser, pretty, -1, &error))
    g_error ("tg_json_pretty_masked() wrote what json-glib refuses (%s): %s", error->message,
             pretty);

  assert_same_shape (json_parser_get_root (in_parser), json_parser_get_root (out_parser));
  return 0;
}
