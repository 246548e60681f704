/* tg-json-mask.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A call's request_data and response_data, shown to people: indented two spaces a level,
 * every value that looks like a secret replaced by TG_JSON_MASK before it reaches a label,
 * a clipboard or a screenshot.
 *
 * What looks like a secret:
 *  - the value of a member whose name says so (tg_json_key_is_secret(): "api_key",
 *    "X-Api-Key", "accessToken", "Authorization", "client_secret", "password" …), in any
 *    case and at any depth; an object or array under such a member has every string and
 *    number inside masked (true, false and null say nothing and stay);
 *  - the "value" of a name/value pair whose name says so ({"name": "X-Api-Key",
 *    "value": "…"}, how header lists are often written);
 *  - in any string, what follows "Bearer " or "Basic " at its start, and the values of
 *    URL query parameters whose names say so ("…?api_key=…&q=…").
 *
 * The text is read by a small recursive parser here rather than json-glib, which src/core
 * does not link (docs/architecture.md, "Layers"): strings and numbers are copied as they
 * were written, escapes included, and only their layout changes.
 */

#include "config.h"

#include <string.h>

#include "tg-json-mask.h"

#define MAX_DEPTH 200

G_DEFINE_QUARK (tg-json-mask-error-quark, tg_json_mask_error)

/* The last word of a name that is a secret (api_key, access_token) … */
static const char * const secret_words[] = {
  "key", "apikey", "token", "secret", "password", "passwd", "pwd", "passphrase",
  "authorization", "auth", "bearer", "credential", "credentials", "cookie", "signature",
  "jwt", "otp",
};

/* … words that make any name a secret wherever they stand (secret_value) … */
static const char * const strong_words[] = {
  "secret", "password", "passwd", "passphrase", "authorization", "bearer", "credential",
  "credentials", "apikey",
};

/* … and the endings of names written as one word (accesstoken, xapikey, clientsecret). */
static const char * const secret_endings[] = {
  "apikey", "accesstoken", "refreshtoken", "authtoken", "idtoken", "sessiontoken",
  "secret", "password", "secretkey", "privatekey",
};

static gboolean
in_list (const char         *word,
         const char * const *list,
         gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (word, list[i]))
      return TRUE;

  return FALSE;
}

/**
 * tg_json_key_is_secret:
 * @key: a member name, unescaped
 *
 * The name is cut into words at anything but letters and digits and where a lower-case
 * letter meets an upper-case one ("apiKey", "APIKey"); it names a secret when its last
 * word is one ("api_key", "X-Auth-Token", "Cookie"), when any word is one whatever
 * follows it ("secret_value", "password_hint"), or when it ends like one written as one
 * word ("accesstoken"). Counts and ids stay readable: "prompt_tokens", "key_id",
 * "token_count", "keyword" and "monkey" are no secrets.
 *
 * Returns: whether the values of @key are masked
 */
gboolean
tg_json_key_is_secret (const char *key)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) word = g_string_new (NULL);
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *last;

  g_return_val_if_fail (key != NULL, FALSE);

  for (const char *p = key; ; p++)
    {
      gboolean boundary = *p == '\0' || !g_ascii_isalnum (*p);

      /* aB: a word ends before B; ABc: before B, the start of "Bc" */
      if (!boundary && word->len > 0 && g_ascii_isupper (*p) &&
          (g_ascii_islower (p[-1]) || g_ascii_isdigit (p[-1]) ||
           (g_ascii_isupper (p[-1]) && g_ascii_islower (p[1]))))
        {
          g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
          word = g_string_new (NULL);
        }

      if (boundary)
        {
          if (word->len > 0)
            {
              g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
              word = g_string_new (NULL);
            }
          if (*p == '\0')
            break;
          continue;
        }

      g_string_append_c (word, g_ascii_tolower (*p));
      g_string_append_c (joined, g_ascii_tolower (*p));
    }

  if (words->len == 0)
    return FALSE;

  last = g_ptr_array_index (words, words->len - 1);
  if (in_list (last, secret_words, G_N_ELEMENTS (secret_words)))
    return TRUE;

  for (guint i = 0; i < words->len; i++)
    if (in_list (g_ptr_array_index (words, i), strong_words, G_N_ELEMENTS (strong_words)))
      return TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (secret_endings); i++)
    if (g_str_has_suffix (joined->str, secret_endings[i]))
      return TRUE;

  return FALSE;
}

typedef struct
{
  const char *p;
  const char *end;
  GString    *out;
  guint       n_masked;
} Parser;

static gboolean
fail (Parser      *parser,
      GError     **error,
      const char  *what)
{
  g_set_error (error, TG_JSON_MASK_ERROR, TG_JSON_MASK_ERROR_INVALID,
               "Not valid JSON: %s", what);
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (parser->p < parser->end &&
         (*parser->p == ' ' || *parser->p == '\t' || *parser->p == '\n' || *parser->p == '\r'))
    parser->p++;
}

static void
indent (GString *out,
        guint    level)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

/* Reads a string token at parser->p (its opening quote): sets *start and *length to the
 * whole token, quotes included, and fills @text, when given, with its unescaped value.
 */
static gboolean
read_string (Parser      *parser,
             const char **start,
             gsize       *length,
             GString     *text,
             GError     **error)
{
  const char *p = parser->p;

  g_assert (*p == '"');
  *start = p++;

  while (p < parser->end && *p != '"')
    {
      if ((guchar)*p < 0x20)
        return fail (parser, error, "a control character in a string");

      if (*p != '\\')
        {
          if (text != NULL)
            g_string_append_c (text, *p);
          p++;
          continue;
        }

      if (++p >= parser->end)
        break;

      switch (*p)
        {
        case '"': case '\\': case '/':
          if (text != NULL)
            g_string_append_c (text, *p);
          break;
        case 'b': case 'f': case 'n': case 'r': case 't':
          if (text != NULL)
            g_string_append_c (text, ' ');
          break;
        case 'u':
          {
            gunichar c = 0;

            for (int i = 1; i <= 4; i++)
              {
                if (p + i >= parser->end || !g_ascii_isxdigit (p[i]))
                  return fail (parser, error, "a bad \\u escape");
                c = c * 16 + g_ascii_xdigit_value (p[i]);
              }
            p += 4;
            /* Only ASCII matters for names: surrogates and the rest become a space. */
            if (text != NULL)
              g_string_append_c (text, c < 0x80 ? (char)c : ' ');
          }
          break;
        default:
          return fail (parser, error, "a bad escape");
        }
      p++;
    }

  if (p >= parser->end)
    return fail (parser, error, "a string without its end");

  p++;
  *length = p - *start;
  parser->p = p;
  return TRUE;
}

static gboolean
read_number (Parser      *parser,
             const char **start,
             gsize       *length,
             GError     **error)
{
  const char *p = parser->p;
  const char *digits;

  *start = p;
  if (p < parser->end && *p == '-')
    p++;
  digits = p;
  while (p < parser->end && g_ascii_isdigit (*p))
    p++;
  if (p == digits)
    return fail (parser, error, "an unexpected character");
  /* JSON writes no leading zeros ("059" is no number; json-glib reads it as octal). */
  if (*digits == '0' && p - digits > 1)
    return fail (parser, error, "a number with a leading zero");
  if (p < parser->end && *p == '.')
    {
      digits = ++p;
      while (p < parser->end && g_ascii_isdigit (*p))
        p++;
      if (p == digits)
        return fail (parser, error, "a number without digits after its point");
    }
  if (p < parser->end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < parser->end && (*p == '+' || *p == '-'))
        p++;
      digits = p;
      while (p < parser->end && g_ascii_isdigit (*p))
        p++;
      if (p == digits)
        return fail (parser, error, "a number without digits in its exponent");
    }

  *length = p - *start;
  parser->p = p;
  return TRUE;
}

static void
append_mask (Parser *parser)
{
  g_string_append (parser->out, "\"" TG_JSON_MASK "\"");
  parser->n_masked++;
}

/* A string value that is not under a secret name: masks a credential at its start
 * ("Bearer …", "Basic …") and the values of query parameters with secret names.
 */
static void
append_string (Parser     *parser,
               const char *token,
               gsize       length)
{
  static const char * const schemes[] = { "Bearer ", "Basic ", "Token " };
  const char *body = token + 1;
  const char *body_end = token + length - 1;
  gsize done = 0;
  gboolean masked = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize n = strlen (schemes[i]);

      if ((gsize)(body_end - body) > n && g_ascii_strncasecmp (body, schemes[i], n) == 0)
        {
          g_string_append_len (parser->out, token, 1 + n);
          g_string_append (parser->out, TG_JSON_MASK "\"");
          parser->n_masked++;
          return;
        }
    }

  /* name=value after ? or &: the value up to the next &, # or the end */
  for (const char *p = body; p < body_end; p++)
    {
      const char *name;
      const char *eq;
      const char *value_end;
      g_autofree char *key = NULL;

      if (*p != '?' && *p != '&')
        continue;

      name = p + 1;
      for (eq = name; eq < body_end && *eq != '=' && *eq != '&' && *eq != '#'; eq++)
        ;
      if (eq >= body_end || *eq != '=' || eq == name)
        continue;

      key = g_strndup (name, eq - name);
      if (!tg_json_key_is_secret (key))
        continue;

      for (value_end = eq + 1; value_end < body_end && *value_end != '&' && *value_end != '#';
           value_end++)
        ;
      if (value_end == eq + 1)
        continue;

      g_string_append_len (parser->out, token + done, (eq + 1) - (token + done));
      g_string_append (parser->out, TG_JSON_MASK);
      done = value_end - token;
      masked = TRUE;
      p = value_end - 1;
    }

  g_string_append_len (parser->out, token + done, length - done);
  if (masked)
    parser->n_masked++;
}

static gboolean write_value (Parser   *parser,
                             guint     level,
                             gboolean  secret,
                             GError  **error);

/* Moves past one value without writing anything. */
static gboolean
skip_value (Parser  *parser,
            guint    level,
            GError **error)
{
  GString *saved = parser->out;
  guint n_masked = parser->n_masked;
  gboolean ok;

  parser->out = g_string_new (NULL);
  ok = write_value (parser, level, FALSE, error);
  g_string_free (parser->out, TRUE);
  parser->out = saved;
  parser->n_masked = n_masked;

  return ok;
}

typedef struct
{
  const char *key;          /* the name's token, quotes included */
  gsize       key_length;
  char       *name;         /* unescaped */
  const char *value;        /* where the value starts */
  char       *text;         /* the value unescaped, when it is a string */
} Member;

static void
member_clear (Member *member)
{
  g_free (member->name);
  g_free (member->text);
}

/* Whether the object is a name/value pair naming a secret: {"name": "X-Api-Key", …}. */
static gboolean
names_secret (GArray *members)
{
  static const char * const name_keys[] = { "name", "key", "header", "field", "param" };

  for (guint i = 0; i < members->len; i++)
    {
      Member *member = &g_array_index (members, Member, i);
      g_autofree char *name = g_ascii_strdown (member->name, -1);

      if (member->text != NULL && in_list (name, name_keys, G_N_ELEMENTS (name_keys)) &&
          tg_json_key_is_secret (member->text))
        return TRUE;
    }

  return FALSE;
}

static gboolean
write_object (Parser   *parser,
              guint     level,
              gboolean  secret,
              GError  **error)
{
  g_autoptr(GArray) members = g_array_new (FALSE, TRUE, sizeof (Member));
  gboolean pair_secret;

  g_array_set_clear_func (members, (GDestroyNotify)member_clear);
  parser->p++;
  skip_space (parser);

  /* First where each member is, so that a pair's name can mask its value wherever
   * the two stand.
   */
  if (parser->p < parser->end && *parser->p == '}')
    parser->p++;
  else
    for (;;)
      {
        Member member = { 0 };
        g_autoptr(GString) name = g_string_new (NULL);

        skip_space (parser);
        if (parser->p >= parser->end || *parser->p != '"')
          return fail (parser, error, "an object member without a name");
        if (!read_string (parser, &member.key, &member.key_length, name, error))
          return FALSE;
        member.name = g_string_free (g_steal_pointer (&name), FALSE);
        g_array_append_val (members, member);

        skip_space (parser);
        if (parser->p >= parser->end || *parser->p != ':')
          return fail (parser, error, "a member name without a colon");
        parser->p++;
        skip_space (parser);

        g_array_index (members, Member, members->len - 1).value = parser->p;
        if (parser->p < parser->end && *parser->p == '"')
          {
            g_autoptr(GString) text = g_string_new (NULL);
            const char *start;
            gsize length;

            if (!read_string (parser, &start, &length, text, error))
              return FALSE;
            g_array_index (members, Member, members->len - 1).text =
              g_string_free (g_steal_pointer (&text), FALSE);
          }
        else if (!skip_value (parser, level + 1, error))
          return FALSE;

        skip_space (parser);
        if (parser->p < parser->end && *parser->p == ',')
          {
            parser->p++;
            continue;
          }
        if (parser->p < parser->end && *parser->p == '}')
          {
            parser->p++;
            break;
          }
        return fail (parser, error, "an object without its end");
      }

  if (members->len == 0)
    {
      g_string_append (parser->out, "{}");
      return TRUE;
    }

  pair_secret = names_secret (members);

  g_string_append_c (parser->out, '{');
  {
    const char *after = parser->p;

    for (guint i = 0; i < members->len; i++)
      {
        Member *member = &g_array_index (members, Member, i);
        g_autofree char *lower = g_ascii_strdown (member->name, -1);
        gboolean member_secret = secret || tg_json_key_is_secret (member->name) ||
                                 (pair_secret && (g_str_equal (lower, "value") ||
                                                  g_str_equal (lower, "val")));

        if (i > 0)
          g_string_append_c (parser->out, ',');
        indent (parser->out, level + 1);
        g_string_append_len (parser->out, member->key, member->key_length);
        g_string_append (parser->out, ": ");

        parser->p = member->value;
        if (!write_value (parser, level + 1, member_secret, error))
          return FALSE;
      }
    parser->p = after;
  }
  indent (parser->out, level);
  g_string_append_c (parser->out, '}');

  return TRUE;
}

static gboolean
write_array (Parser   *parser,
             guint     level,
             gboolean  secret,
             GError  **error)
{
  guint n = 0;

  parser->p++;
  skip_space (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      g_string_append (parser->out, "[]");
      return TRUE;
    }

  g_string_append_c (parser->out, '[');
  for (;;)
    {
      if (n++ > 0)
        g_string_append_c (parser->out, ',');
      indent (parser->out, level + 1);
      if (!write_value (parser, level + 1, secret, error))
        return FALSE;

      skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (parser->p < parser->end && *parser->p == ']')
        {
          parser->p++;
          break;
        }
      return fail (parser, error, "an array without its end");
    }
  indent (parser->out, level);
  g_string_append_c (parser->out, ']');

  return TRUE;
}

static gboolean
write_literal (Parser     *parser,
               const char *literal,
               GError    **error)
{
  gsize n = strlen (literal);

  if ((gsize)(parser->end - parser->p) < n || strncmp (parser->p, literal, n) != 0)
    return fail (parser, error, "an unexpected character");

  g_string_append (parser->out, literal);
  parser->p += n;
  return TRUE;
}

static gboolean
write_value (Parser   *parser,
             guint     level,
             gboolean  secret,
             GError  **error)
{
  const char *start;
  gsize length;

  if (level > MAX_DEPTH)
    {
      g_set_error (error, TG_JSON_MASK_ERROR, TG_JSON_MASK_ERROR_TOO_DEEP,
                   "The JSON is nested more than %d levels deep", MAX_DEPTH);
      return FALSE;
    }

  skip_space (parser);
  if (parser->p >= parser->end)
    return fail (parser, error, "a value is missing");

  switch (*parser->p)
    {
    case '{':
      return write_object (parser, level, secret, error);

    case '[':
      return write_array (parser, level, secret, error);

    case '"':
      if (!read_string (parser, &start, &length, NULL, error))
        return FALSE;
      if (secret)
        append_mask (parser);
      else
        append_string (parser, start, length);
      return TRUE;

    case 't':
      return write_literal (parser, "true", error);

    case 'f':
      return write_literal (parser, "false", error);

    case 'n':
      return write_literal (parser, "null", error);

    default:
      if (!read_number (parser, &start, &length, error))
        return FALSE;
      if (secret)
        append_mask (parser);
      else
        g_string_append_len (parser->out, start, length);
      return TRUE;
    }
}

/**
 * tg_json_pretty_masked:
 * @json: JSON text, UTF-8
 * @length: its length in bytes, or -1 when it ends with a NUL
 * @n_masked: (out) (optional): how many values were masked
 *
 * Returns: (transfer full) (nullable): @json indented two spaces a level, with every
 *   value that looks like a secret replaced by TG_JSON_MASK; %NULL with @error set when
 *   @json is not one JSON value
 */
char *
tg_json_pretty_masked (const char  *json,
                       gssize       length,
                       guint       *n_masked,
                       GError     **error)
{
  Parser parser = { 0 };

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (json);

  parser.p = json;
  parser.end = json + length;
  parser.out = g_string_new (NULL);

  if (!write_value (&parser, 0, FALSE, error))
    {
      g_string_free (parser.out, TRUE);
      return NULL;
    }

  skip_space (&parser);
  if (parser.p != parser.end)
    {
      fail (&parser, error, "text after the value");
      g_string_free (parser.out, TRUE);
      return NULL;
    }

  if (n_masked != NULL)
    *n_masked = parser.n_masked;
  return g_string_free (parser.out, FALSE);
}
