-- 0008_currency_check.sql — a reporting currency must be one that costs can be stated in.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A cost is converted from the provider's currency with the exchange rate into the
-- reporting currency (price_rule_at() in 0006), or taken as it is when the provider bills
-- in the reporting currency. Any other well-formed code passed the settings_valid trigger
-- (0006), and then every call was unpriced and every cost read 0.00, with only the
-- unpriced_calls of the JSON saying why. change_setting() now refuses such a currency and
-- names the possible ones; reporting_currencies() lists them for the programs to offer.

-- The currencies costs can be reported in: those that an exchange rate leads into, and
-- those that a provider bills in. Sorted, for messages and lists.
CREATE FUNCTION tollgate.reporting_currencies()
RETURNS SETOF text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT x.to_currency::text FROM tollgate.exchange_rates x
  UNION
  SELECT pv.currency::text FROM tollgate.providers pv
  ORDER BY 1
$$;

REVOKE ALL ON FUNCTION tollgate.reporting_currencies() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.reporting_currencies() TO tollgate_viewer;

-- As in 0007, with the currency checked after the rights and the key, and before anything
-- is written or rebuilt. A code that is not three capital letters is left to the
-- settings_valid trigger, which says so in its own words.
CREATE OR REPLACE FUNCTION tollgate.change_setting(p_key text, p_value text)
RETURNS void
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_old text;
BEGIN
  -- Said before anything else, and in words: the row lock below would refuse a viewer too,
  -- but with "permission denied for table settings".
  IF NOT has_column_privilege('tollgate.settings', 'value', 'UPDATE') THEN
    RAISE EXCEPTION 'permission denied to change the setting "%"', p_key
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Settings are changed by members of tollgate_admin.';
  END IF;

  SELECT s.value INTO v_old FROM tollgate.settings s WHERE s.key = p_key FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown setting "%"', p_key
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The settings are %s.',
                          (SELECT string_agg(s.key, ', ' ORDER BY s.key) FROM tollgate.settings s));
  END IF;

  IF p_key = 'reporting-currency' AND p_value ~ '^[A-Z]{3}$'
     AND NOT EXISTS (SELECT 1 FROM tollgate.reporting_currencies() c WHERE c = p_value) THEN
    RAISE EXCEPTION 'cannot report costs in %: no exchange rate leads into it and no provider bills in it',
                    p_value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The possible currencies are %s; add exchange rates into %s first to report in it.',
                          (SELECT string_agg(c, ', ') FROM tollgate.reporting_currencies() c),
                          p_value);
  END IF;

  -- An unchanged value writes nothing, and so adds nothing to the audit log. The
  -- settings_valid trigger (0006) checks a new one.
  IF p_value IS DISTINCT FROM v_old THEN
    UPDATE tollgate.settings s SET value = p_value WHERE s.key = p_key;
  END IF;

  -- Compared with the currency the rollups are in rather than with the old setting, so
  -- that a currency set earlier by a bare UPDATE is converted now. recompute_rollups()
  -- sees the new setting and rebuilds from the beginning.
  IF p_key = 'reporting-currency'
     AND p_value IS DISTINCT FROM (SELECT st.reporting_currency FROM tollgate.rollup_state st) THEN
    PERFORM tollgate.recompute_rollups('-infinity');
  END IF;
END
$$;
