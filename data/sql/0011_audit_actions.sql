-- 0011_audit_actions.sql — who may record which administrative action, and how much.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- tollgate.log_action() (0005) let every Tollgate role record any action name with details
-- of any size, into a log that nobody may shorten: a viewer could fill the disk with one
-- 20 MB call after another, or write "failover-drill" rows for drills that never happened.
-- Now an action is recorded only by members of a role this table allows for it, and its
-- details are at most 4096 bytes of JSON text: a few lines saying what was exported or
-- drilled, never a payload.

-- Each row allows the members of role_name (and so the members of roles that are members
-- of it, like tollgate_admin) to record action. An action without a row is recorded by
-- nobody. Later migrations add the actions they bring:
--   INSERT INTO tollgate.audit_action_roles VALUES ('budget-override', 'tollgate_finance');
-- Changes to it are configuration changes, and audited like the others.
CREATE TABLE tollgate.audit_action_roles (
  action    text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$' AND length(action) <= 63),
  role_name name NOT NULL,
  PRIMARY KEY (action, role_name)
);

COMMENT ON TABLE tollgate.audit_action_roles IS
  'Which roles may record which administrative action with tollgate.log_action().';

-- admin is a member of finance and ops, so its rows follow from theirs; they are written
-- out anyway so that the table reads as the rule does, whatever becomes of the memberships.
INSERT INTO tollgate.audit_action_roles (action, role_name) VALUES
  ('export',         'tollgate_finance'),
  ('export',         'tollgate_admin'),
  ('failover-drill', 'tollgate_ops'),
  ('failover-drill', 'tollgate_admin'),
  ('key-rotation',   'tollgate_ops'),
  ('key-rotation',   'tollgate_admin');

SELECT tollgate.enable_audit('tollgate.audit_action_roles');

-- Every role reads it (the UI may say who records what); only the owner changes it.
REVOKE ALL ON tollgate.audit_action_roles FROM PUBLIC;
GRANT SELECT ON tollgate.audit_action_roles TO tollgate_viewer;

-- The size is measured as the JSON text the reader gets back (details::text), in bytes:
-- what a person sees and can check, whatever the storage compresses.
CREATE OR REPLACE FUNCTION tollgate.log_action(action text, details jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  max_details constant integer := 4096;
  details_size integer;
  allowed text;
  new_id bigint;
BEGIN
  IF log_action.action IS NULL OR log_action.action !~ '^[a-z][a-z0-9_.-]*$' THEN
    RAISE EXCEPTION 'Not an action name: %', coalesce(quote_literal(left(log_action.action, 64)), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Action names are lower-case words such as export, failover-drill or key-rotation.';
  END IF;

  -- session_user, as the row records it: the person, whatever role they SET. A superuser
  -- is a member of every role. A role named in the table but dropped since allows nobody.
  IF NOT EXISTS (SELECT FROM tollgate.audit_action_roles a
                 JOIN pg_catalog.pg_roles r ON r.rolname = a.role_name
                 WHERE a.action = log_action.action
                   AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')) THEN
    SELECT string_agg(a.role_name, ', ' ORDER BY a.role_name) INTO allowed
    FROM tollgate.audit_action_roles a WHERE a.action = log_action.action;
    RAISE EXCEPTION 'permission denied to record the action "%"', left(log_action.action, 64)
      USING ERRCODE = 'insufficient_privilege',
            HINT = CASE WHEN allowed IS NULL
                        THEN 'No role records this action: tollgate.audit_action_roles lists the actions and who records them.'
                        ELSE format('It is recorded by members of %s.', allowed) END;
  END IF;

  details_size := octet_length(log_action.details::text);
  IF details_size > max_details THEN
    RAISE EXCEPTION 'The details of an audited action are limited to % bytes of JSON; these are % bytes',
                    max_details, details_size
      USING ERRCODE = 'program_limit_exceeded',
            HINT = 'Say what was done in a few fields (a report, a period, a region); keep data out of the audit log.';
  END IF;

  INSERT INTO tollgate.audit_log (table_name, action, details, acting_role, application_name)
  VALUES (NULL, log_action.action, log_action.details,
          session_user, current_setting('application_name', true))
  RETURNING audit_id INTO new_id;

  RETURN new_id;
END
$$;

-- CREATE OR REPLACE keeps 0005's grants (EXECUTE for the four roles, none for PUBLIC):
-- every role may call it, and the table above decides what each may record.
