-- 0007_settings.sql — changing a shared setting is one statement: tollgate.change_setting().
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Costs are stored converted into rollup_state.reporting_currency (0006), and new rows are
-- priced into it too, so a new reporting currency is only true once the rollups are
-- rebuilt in it: a bare UPDATE of tollgate.settings leaves every figure in the old
-- currency under the new label. change_setting() changes the setting and, when the
-- reporting currency really changes, rebuilds the rollups in the same transaction, so
-- that one statement is atomic on its own whoever sends it (the UI's connection sends one
-- statement at a time; tollgatectl the same one).
--
-- It runs with the caller's rights (SECURITY INVOKER): the grants of 0004 on
-- tollgate.settings decide who may change a setting, as they do for an UPDATE, and the
-- audit log (0005) records the change under the caller's name. A new billing time zone
-- stays a quick UPDATE: the refresher moves the per-user months on its own connection
-- (rollup_follow_billing_zone in 0006).

CREATE FUNCTION tollgate.change_setting(p_key text, p_value text)
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

-- Every Tollgate role may call it; whether the change is allowed is the table's grants'.
REVOKE ALL ON FUNCTION tollgate.change_setting(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.change_setting(text, text) TO tollgate_viewer;
