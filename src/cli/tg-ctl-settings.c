/* tg-ctl-settings.c — tollgatectl settings get|set KEY [VALUE]
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tg-ctl-common.h"
#include "tg-ctl-table.h"
#include "tg-db-util.h"
#include "tg-money.h"
#include "tg-settings-queries.h"
#include "tg-time-bucket.h"

static const char * const known_keys[] = { "billing-timezone", "reporting-currency", NULL };

/* {"key": …, "value": …}, for get and set alike. */
static void
print_setting_json (const char *key,
                    const char *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  tg_ctl_json_add_string (builder, "key", key);
  tg_ctl_json_add_string (builder, "value", value);
  json_builder_end_object (builder);
  tg_ctl_print_json (builder);
}

int
tg_ctl_settings (TgCtlGlobals  *globals,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("get|set KEY [VALUE]");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  const char *verb;
  const char *key;
  int ret;

  g_option_context_set_summary (context,
    "Reads or changes a setting shared by every Tollgate on this database:\n"
    "  billing-timezone    IANA time zone of days, weeks, months and billing periods\n"
    "  reporting-currency  ISO 4217 code that reports and budgets use: one that an\n"
    "                      exchange rate leads into or that a provider bills in");
  if ((ret = tg_ctl_parse (context, globals, &argc, &argv)) >= 0)
    return ret;

  verb = argc > 1 ? argv[1] : NULL;
  key = argc > 2 ? argv[2] : NULL;

  if (g_strcmp0 (verb, "get") != 0 && g_strcmp0 (verb, "set") != 0)
    return tg_ctl_usage_error (context, "say “get KEY” or “set KEY VALUE”");
  if (key == NULL || !g_strv_contains (known_keys, key))
    return tg_ctl_usage_error (context, "unknown setting “%s”: use billing-timezone or "
                               "reporting-currency", key != NULL ? key : "");
  if (g_strcmp0 (verb, "get") == 0 && argc != 3)
    return tg_ctl_usage_error (context, "get takes one KEY");
  if (g_strcmp0 (verb, "set") == 0 && argc != 4)
    return tg_ctl_usage_error (context, "set takes a KEY and a VALUE");

  if (g_strcmp0 (verb, "set") == 0)
    {
      const char *value = argv[3];

      /* Refuse clearly here; the database checks again for other writers. */
      if (g_str_equal (key, "billing-timezone"))
        {
          g_autoptr(GTimeZone) tz = tg_time_zone_new_checked (value, &error);

          if (tz == NULL)
            return tg_ctl_usage_error (context, "%s", error->message);
        }
      else if (!tg_currency_is_valid (value))
        return tg_ctl_usage_error (context, "“%s” is not an ISO 4217 currency code "
                                   "(three capital letters, such as AUD)", value);

      conn = tg_ctl_connect (globals, &error);
      if (conn == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));

      /* A currency no cost can be stated in would make every cost 0.00. The server
       * refuses it too (tollgate.change_setting()); asking first makes it a mistake in
       * the call, with the currencies there are.
       */
      if (g_str_equal (key, "reporting-currency"))
        {
          g_auto(GStrv) currencies = tg_settings_fetch_currencies (conn, &error);
          g_autofree char *list = NULL;

          if (currencies == NULL)
            return tg_ctl_fail (g_steal_pointer (&error));
          if (!g_strv_contains ((const char * const *)currencies, value))
            {
              list = g_strjoinv (", ", currencies);
              return tg_ctl_usage_error (context, "cannot report costs in %s: no exchange rate "
                                         "leads into it and no provider bills in it; the "
                                         "possible currencies are %s", value,
                                         *list != '\0' ? list : "none yet");
            }
        }

      /* Costs are kept in the reporting currency: the change rebuilds them with it. */
      if (g_str_equal (key, "reporting-currency") && !globals->json)
        g_printerr ("Converting every cost to %s…\n", value);
      if (!tg_settings_change (conn, key, value, &error))
        return tg_ctl_fail (g_steal_pointer (&error));

      if (globals->json)
        print_setting_json (key, value);
      else
        g_print ("%s = %s\n", key, value);
      return TG_CTL_EXIT_OK;
    }
  else
    {
      g_autofree char *value = NULL;

      conn = tg_ctl_connect (globals, &error);
      if (conn == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));

      value = tg_settings_fetch_value (conn, key, &error);
      if (value == NULL)
        return tg_ctl_fail (g_steal_pointer (&error));

      if (globals->json)
        print_setting_json (key, value);
      else
        {
          g_autofree char *text = tg_ctl_text_escape (value);

          g_print ("%s\n", text);
        }
      return TG_CTL_EXIT_OK;
    }
}
