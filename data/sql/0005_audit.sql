-- 0005_audit.sql — the append-only audit log of configuration changes and administrative
-- actions.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Every INSERT, UPDATE and DELETE on a configuration table, and every administrative
-- action (an export, a failover drill, a key rotation), lands here with who did it,
-- when, from which program, and the values before and after. Nobody writes this table
-- directly: row triggers and tollgate.log_action() do, as SECURITY DEFINER functions.
-- Nobody changes or removes a row: privileges say so to everyone but the owner and
-- superusers, and triggers say so to those two as well.

CREATE TABLE tollgate.audit_log (
  audit_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- clock_timestamp(), not now(): several changes in one transaction keep their order
  -- and their real times.
  occurred_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  table_name       text,          -- NULL for an administrative action (log_action)
  action           text NOT NULL, -- INSERT/UPDATE/DELETE, or the administrative action
  row_key          jsonb,         -- the changed row's primary key: {"price_id": 7}
  old_values       jsonb,         -- the whole row before (UPDATE, DELETE)
  new_values       jsonb,         -- the whole row after (INSERT, UPDATE)
  details          jsonb,         -- what log_action() was told about an action
  -- session_user is the role that logged in, even inside SECURITY DEFINER functions and
  -- after SET ROLE: the person, not the group whose rights they used.
  acting_role      name NOT NULL DEFAULT session_user,
  -- Set by the client (Tollgate sets "tollgate", tollgatectl "tollgatectl"); informative,
  -- not proof.
  application_name text DEFAULT current_setting('application_name', true),
  CONSTRAINT audit_log_action_check CHECK (
    (table_name IS NOT NULL AND action IN ('INSERT', 'UPDATE', 'DELETE'))
    OR (table_name IS NULL AND action ~ '^[a-z][a-z0-9_.-]*$'))
);

COMMENT ON TABLE tollgate.audit_log IS
  'Append-only: configuration changes (table_name set) and administrative actions (table_name NULL).';

-- The log is read newest first and by time range.
CREATE INDEX audit_log_occurred_at ON tollgate.audit_log (occurred_at);

-- Writes one audit row for a row changed in the table the trigger is on. The row's key is
-- read from the table's primary key in the catalogue, so a table gets audited by
-- attaching the trigger (tollgate.enable_audit) and nothing has to be kept in step when
-- a table changes. SECURITY DEFINER: the roles that change configuration have no right
-- to write the audit log themselves.
CREATE FUNCTION tollgate.audit_row_change()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
  key_row jsonb;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    old_row := to_jsonb(OLD);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    new_row := to_jsonb(NEW);
  END IF;

  -- Saving a form without changing anything is not a change.
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;

  -- The key the row had before the change (for an INSERT, the one it got): what the
  -- statement addressed. A changed key shows in old_values and new_values.
  SELECT jsonb_object_agg(a.attname, coalesce(old_row, new_row) -> a.attname::text ORDER BY k.n)
    INTO key_row
  FROM pg_catalog.pg_index i
  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, n)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = TG_RELID AND i.indisprimary;

  INSERT INTO tollgate.audit_log
    (table_name, action, row_key, old_values, new_values, acting_role, application_name)
  VALUES
    (TG_TABLE_NAME, TG_OP, key_row, old_row, new_row,
     session_user, current_setting('application_name', true));

  RETURN NULL;
END
$$;

-- Attaches the audit trigger to a table. Later migrations call it for the configuration
-- tables they add: SELECT tollgate.enable_audit('tollgate.budgets');
CREATE FUNCTION tollgate.enable_audit(p_table regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER audit_row_change '
                 'AFTER INSERT OR UPDATE OR DELETE ON %s '
                 'FOR EACH ROW EXECUTE FUNCTION tollgate.audit_row_change()', p_table);
END
$$;

SELECT tollgate.enable_audit(t::regclass)
FROM unnest(ARRAY['tollgate.providers',
                  'tollgate.regions',
                  'tollgate.price_book',
                  'tollgate.exchange_rates',
                  'tollgate.settings',
                  'tollgate.cost_centres',
                  'tollgate.users',
                  'tollgate.features',
                  'tollgate.api_keys']) AS t;

-- Records an administrative action: tollgate.log_action('export', '{"report": "detail",
-- "period": "2025-01"}'). Callable by every Tollgate role; the acting role is always the
-- caller's login (session_user), so nobody can record an action in someone else's name.
-- The details are readable by every viewer: never put a secret in them.
CREATE FUNCTION tollgate.log_action(action text, details jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  new_id bigint;
BEGIN
  IF log_action.action IS NULL OR log_action.action !~ '^[a-z][a-z0-9_.-]*$' THEN
    RAISE EXCEPTION 'Not an action name: %', coalesce(quote_literal(log_action.action), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Action names are lower-case words such as export, failover-drill or key-rotation.';
  END IF;

  INSERT INTO tollgate.audit_log (table_name, action, details, acting_role, application_name)
  VALUES (NULL, log_action.action, log_action.details,
          session_user, current_setting('application_name', true))
  RETURNING audit_id INTO new_id;

  RETURN new_id;
END
$$;

-- Append-only, second line of defence: the owner and superusers pass every privilege
-- check, so triggers refuse UPDATE, DELETE and TRUNCATE to them too. ENABLE ALWAYS keeps
-- them firing under session_replication_role = replica, which otherwise silences
-- triggers. Dropping the triggers or the table takes a schema change, not ordinary SQL.
CREATE FUNCTION tollgate.audit_log_refuse_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'The audit log is append-only: % on tollgate.audit_log is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit rows are never changed or removed.';
END
$$;

CREATE TRIGGER audit_log_refuse_update_delete
  BEFORE UPDATE OR DELETE ON tollgate.audit_log
  FOR EACH ROW EXECUTE FUNCTION tollgate.audit_log_refuse_change();
CREATE TRIGGER audit_log_refuse_truncate
  BEFORE TRUNCATE ON tollgate.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION tollgate.audit_log_refuse_change();
ALTER TABLE tollgate.audit_log ENABLE ALWAYS TRIGGER audit_log_refuse_update_delete;
ALTER TABLE tollgate.audit_log ENABLE ALWAYS TRIGGER audit_log_refuse_truncate;

-- First line of defence: privileges. Nobody may write the log (the SECURITY DEFINER
-- functions above write it as its owner), not even the owner may change it through
-- ordinary SQL, and the viewer (and so every Tollgate role) may read it.
REVOKE ALL ON tollgate.audit_log FROM PUBLIC;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tollgate.audit_log
  FROM tollgate_viewer, tollgate_finance, tollgate_ops, tollgate_admin;
REVOKE UPDATE, DELETE, TRUNCATE ON tollgate.audit_log FROM CURRENT_USER;
GRANT SELECT ON tollgate.audit_log TO tollgate_viewer;

-- Rows about API keys are for ops (and admin, a member of ops) only, like the api_keys
-- table itself. The owner bypasses row level security, which is what the SECURITY
-- DEFINER writers need.
ALTER TABLE tollgate.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON tollgate.audit_log
  FOR SELECT TO tollgate_viewer
  USING (table_name IS DISTINCT FROM 'api_keys' OR pg_catalog.pg_has_role('tollgate_ops', 'USAGE'));

-- Functions are executable by PUBLIC unless revoked.
REVOKE ALL ON FUNCTION tollgate.audit_row_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.audit_log_refuse_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.enable_audit(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.log_action(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.log_action(text, jsonb)
  TO tollgate_viewer, tollgate_finance, tollgate_ops, tollgate_admin;
