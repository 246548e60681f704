-- 0018_alerts.sql — alerts: the state machine that turns what the sources propose into
-- alerts, each threshold once per period, and what people do with them.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Sources (0015's tollgate.alert_candidate; docs/architecture.md, "Alerts") say what is
-- passed now, one row per rule instance: tollgate.anomaly_alert_candidates() for usage
-- anomalies (user_frequency, new_ip, new_user_agent, provider_errors, provider_timeouts)
-- and tollgate.budget_alert_candidates() for budgets, forecasts and quotas. A rule is
-- (kind, scope, subject); its candidates belong to a period (period_start). The state
-- machine, tollgate.evaluate_alerts(), applies them:
--
--  - fire: a level above every alert of the rule in that period raises one new alert for
--    that threshold, in state 'open' ('muted' while the rule is muted). A jump across
--    several thresholds raises one alert naming the highest; thresholds below the highest
--    alerted never fire again in that period; a new period fires again (rollover re-arms).
--  - recover: an alert that is not recovered becomes 'recovered' when its threshold is no
--    longer passed — the candidate's level is NULL or below the alert's (after a budget
--    increase, say); for the spike kinds (user_frequency, provider_errors,
--    provider_timeouts) also when its source no longer proposes its (kind, scope, subject,
--    period_start) at all: the spike ended; and for every kind when its period has ended
--    (a budget's month is over). new_ip and new_user_agent alerts never recover: they
--    stay until acknowledged.
--  - reopen: a recovered alert whose threshold is passed again in the same period becomes
--    'open' again — the same row, never a duplicate, with a 'reopened' event.
--  - acknowledge (tollgate.alert_acknowledge): who (the login) and when; an open or muted
--    alert becomes 'acknowledged'.
--  - mute (tollgate.alert_mute, alert_unmute): the alert's rule, until a moment or until
--    unmuted; its open alerts become 'muted', and the alerts it raises meanwhile are
--    created 'muted' (recorded, not notified). When the mute ends, they are 'open'.
--
-- An alert's message and figures are those of the candidate that raised it.
--
-- Duplicates are impossible twice over: every change of alerts takes one transaction-level
-- advisory lock, pg_advisory_xact_lock(hashtext('tollgate.evaluate_alerts')) — distinct
-- from the partitions' (0001, hashtext('tollgate.usage_partitions')) and the refresher's
-- (0006, 0009, 0012, hashtext('tollgate.refresh_rollups')) — so concurrent evaluators
-- take turns, each seeing what the one before committed; and the unique key
-- alerts_once (kind, scope, subject, period_start, threshold) refuses a second row for a
-- threshold in a period even to a caller that bypassed the lock. Waiting for the lock is
-- bounded by the caller's lock_timeout (tollgatectl's and the worker's: 10 s).
--
-- Who may do what (0004's roles, enforced by these grants): every Tollgate role reads
-- alerts, their events and the mutes, and evaluates (the workers of every user run it);
-- tollgate_finance, tollgate_ops and tollgate_admin acknowledge, mute and unmute. Nobody
-- writes the tables: the SECURITY DEFINER functions do. Acknowledgements are recorded in
-- tollgate.audit_log as the action 'alert-acknowledge' by alert_acknowledge() itself, not
-- through log_action() (0011), so that nobody can record one without making it; mutes
-- live in a configuration table, tollgate.alert_mutes, audited by 0005's trigger. Every change of an alert
-- NOTIFYs tollgate_alerts with the alert's id, so that every open Tollgate updates.

CREATE TABLE tollgate.alerts (
  alert_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('budget', 'forecast', 'quota', 'user_frequency',
                                                 'new_ip', 'new_user_agent', 'provider_errors',
                                                 'provider_timeouts')),
  scope            text NOT NULL CHECK (scope <> '' AND length(scope) <= 300),
  subject          text NOT NULL DEFAULT '' CHECK (length(subject) <= 1000),
  -- '-infinity' for what can happen once only; a period never ends at 'infinity'
  period_start     timestamptz NOT NULL,
  period_end       timestamptz NOT NULL,
  -- the threshold's rank (a percentage; an amount ranks as its percentage of the budget)
  level            numeric NOT NULL,
  threshold        text NOT NULL CHECK (length(threshold) <= 100),
  state            text NOT NULL CHECK (state IN ('open', 'acknowledged', 'recovered', 'muted')),
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  message          text NOT NULL,
  figures          jsonb NOT NULL DEFAULT '{}',
  -- the last acknowledgement, kept when the alert recovers or reopens
  acknowledged_by  name,
  acknowledged_at  timestamptz,
  -- set while recovered
  recovered_at     timestamptz,
  -- while muted: when the rule's mute ends, NULL until unmuted
  muted_until      timestamptz,
  CONSTRAINT alerts_once UNIQUE (kind, scope, subject, period_start, threshold),
  CONSTRAINT alerts_period_check CHECK (period_end > period_start),
  CONSTRAINT alerts_acknowledged_check CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL)),
  CONSTRAINT alerts_recovered_check CHECK ((state = 'recovered') = (recovered_at IS NOT NULL)),
  CONSTRAINT alerts_muted_check CHECK (state = 'muted' OR muted_until IS NULL)
);

COMMENT ON TABLE tollgate.alerts IS
  'Alerts raised by tollgate.evaluate_alerts(): one row per threshold passed per rule and period.';

-- Listings are newest first; the evaluator reads a rule's alerts by the unique key and the
-- alerts not recovered (few) by state.
CREATE INDEX alerts_created_at ON tollgate.alerts (created_at DESC, alert_id DESC);
CREATE INDEX alerts_not_recovered ON tollgate.alerts (kind, scope, subject)
  WHERE state <> 'recovered';

-- What happened to each alert, append-only: who (the login; for the evaluator's events
-- the login whose worker or command evaluated) and when (for the evaluator's events the
-- moment it evaluated as of).
CREATE TABLE tollgate.alert_events (
  event_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id     bigint NOT NULL REFERENCES tollgate.alerts (alert_id),
  event        text NOT NULL CHECK (event IN ('fired', 'escalated', 'recovered', 'reopened',
                                              'acknowledged', 'muted', 'unmuted')),
  occurred_at  timestamptz NOT NULL,
  acting_role  name NOT NULL DEFAULT session_user,
  details      jsonb
);

COMMENT ON TABLE tollgate.alert_events IS
  'Append-only history of every alert: fired, escalated, recovered, reopened, acknowledged, muted, unmuted.';

CREATE INDEX alert_events_alert ON tollgate.alert_events (alert_id, event_id);

-- A muted rule: its alerts are recorded but not notified until muted_until (NULL: until
-- unmuted). A mute that has ended stays as a row until the rule is muted again or
-- unmuted; it mutes nothing.
CREATE TABLE tollgate.alert_mutes (
  kind         text NOT NULL,
  scope        text NOT NULL,
  subject      text NOT NULL,
  muted_until  timestamptz,
  muted_by     name NOT NULL DEFAULT session_user,
  muted_at     timestamptz NOT NULL DEFAULT now(),
  alert_id     bigint NOT NULL REFERENCES tollgate.alerts (alert_id),
  PRIMARY KEY (kind, scope, subject)
);

COMMENT ON TABLE tollgate.alert_mutes IS
  'Muted alert rules (kind, scope, subject), until muted_until or until unmuted.';

SELECT tollgate.enable_audit('tollgate.alert_mutes');

-- Append-only, as the audit log is: privileges keep everyone out, and these triggers keep
-- out the owner and superusers too.
CREATE FUNCTION tollgate.alert_events_refuse_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'The alerts'' history is append-only: % on tollgate.alert_events is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Events are never changed or removed.';
END
$$;

CREATE TRIGGER alert_events_refuse_update_delete
  BEFORE UPDATE OR DELETE ON tollgate.alert_events
  FOR EACH ROW EXECUTE FUNCTION tollgate.alert_events_refuse_change();
CREATE TRIGGER alert_events_refuse_truncate
  BEFORE TRUNCATE ON tollgate.alert_events
  FOR EACH STATEMENT EXECUTE FUNCTION tollgate.alert_events_refuse_change();
ALTER TABLE tollgate.alert_events ENABLE ALWAYS TRIGGER alert_events_refuse_update_delete;
ALTER TABLE tollgate.alert_events ENABLE ALWAYS TRIGGER alert_events_refuse_truncate;

-- Records an event of an alert and tells every listening Tollgate.
CREATE FUNCTION tollgate.alert_record(p_alert_id bigint, p_event text, p_at timestamptz,
                                      p_details jsonb DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO tollgate.alert_events (alert_id, event, occurred_at, acting_role, details)
  VALUES (p_alert_id, p_event, p_at, session_user, p_details);
  PERFORM pg_notify('tollgate_alerts', p_alert_id::text);
END
$$;

-- Takes the alerts' lock (see the top of this file).
CREATE FUNCTION tollgate.alert_lock()
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT pg_advisory_xact_lock(hashtext('tollgate.evaluate_alerts'));
$$;

-- The state machine (the top of this file), applied to @p_candidates as of @p_now. Alerts
-- of the kinds in @p_recover_absent whose (kind, scope, subject, period_start) has no
-- candidate recover: those kinds' sources were asked, and say the spike is over.
-- Returns how many alerts were raised or changed state.
CREATE FUNCTION tollgate.alert_apply(p_now timestamptz,
                                     p_candidates tollgate.alert_candidate[],
                                     p_recover_absent text[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  kinds constant text[] := ARRAY['budget', 'forecast', 'quota', 'user_frequency', 'new_ip',
                                 'new_user_agent', 'provider_errors', 'provider_timeouts'];
  -- what happens once and stays until acknowledged
  never_recover constant text[] := ARRAY['new_ip', 'new_user_agent'];
  c tollgate.alert_candidate;
  k record;
  a record;
  mute_until timestamptz;
  muted boolean;
  top numeric;
  new_id bigint;
  changed bigint[] := '{}';
BEGIN
  IF p_now IS NULL OR NOT isfinite(p_now) THEN
    RAISE EXCEPTION 'Alerts are evaluated as of a moment, not %', coalesce(p_now::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- A source's mistake is said with the candidate it is in, before anything changes.
  FOREACH c IN ARRAY coalesce(p_candidates, '{}') LOOP
    IF c.kind IS NULL OR NOT c.kind = ANY (kinds) THEN
      RAISE EXCEPTION 'An alert candidate has an unknown kind: %', coalesce(quote_literal(c.kind), 'NULL')
        USING ERRCODE = 'invalid_parameter_value',
              HINT = format('The kinds are %s.', array_to_string(kinds, ', '));
    ELSIF c.scope IS NULL OR c.scope = '' OR length(c.scope) > 300
          OR length(c.subject) > 1000 OR length(c.threshold) > 100 THEN
      RAISE EXCEPTION 'A % alert candidate has no scope, or a scope, subject or threshold too long', c.kind
        USING ERRCODE = 'invalid_parameter_value';
    ELSIF c.period_start IS NULL OR c.period_end IS NULL OR c.period_end <= c.period_start THEN
      RAISE EXCEPTION 'The % alert candidate of % has no period, or one that ends before it begins', c.kind, c.scope
        USING ERRCODE = 'invalid_parameter_value';
    ELSIF c.level IS NOT NULL AND (c.threshold IS NULL OR c.message IS NULL) THEN
      RAISE EXCEPTION 'The % alert candidate of % passes a threshold but does not say which, or has no message', c.kind, c.scope
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END LOOP;

  PERFORM tollgate.alert_lock();

  -- 1. Mutes that have ended: their alerts are open again.
  FOR a IN
    SELECT al.alert_id FROM tollgate.alerts al
    WHERE al.state = 'muted'
      AND NOT EXISTS (SELECT FROM tollgate.alert_mutes m
                      WHERE m.kind = al.kind AND m.scope = al.scope AND m.subject = al.subject
                        AND (m.muted_until IS NULL OR m.muted_until > p_now))
    ORDER BY al.alert_id
  LOOP
    UPDATE tollgate.alerts SET state = 'open', muted_until = NULL, updated_at = p_now
    WHERE alert_id = a.alert_id;
    PERFORM tollgate.alert_record(a.alert_id, 'unmuted', p_now, '{"reason": "mute ended"}');
    changed := changed || a.alert_id;
  END LOOP;

  -- 2. Each rule and period once, with its highest level (a source that proposed one twice).
  FOR k IN
    SELECT DISTINCT ON (u.kind, u.scope, coalesce(u.subject, ''), u.period_start)
           u.kind, u.scope, coalesce(u.subject, '') AS subject, u.period_start, u.period_end,
           u.level, u.threshold, u.message, coalesce(u.figures, '{}') AS figures
    FROM unnest(coalesce(p_candidates, '{}')) AS u
    -- A period that is over fires nothing (step 4 recovers what it raised).
    WHERE u.period_end > p_now
    ORDER BY u.kind, u.scope, coalesce(u.subject, ''), u.period_start, u.level DESC NULLS LAST
  LOOP
    SELECT m.muted_until INTO mute_until
    FROM tollgate.alert_mutes m
    WHERE m.kind = k.kind AND m.scope = k.scope AND m.subject = k.subject
      AND (m.muted_until IS NULL OR m.muted_until > p_now);
    muted := FOUND;

    -- Recovery: the alerts whose threshold is no longer passed.
    IF NOT k.kind = ANY (never_recover) THEN
      FOR a IN
        SELECT al.alert_id FROM tollgate.alerts al
        WHERE al.kind = k.kind AND al.scope = k.scope AND al.subject = k.subject
          AND al.period_start = k.period_start AND al.state <> 'recovered'
          AND (k.level IS NULL OR (al.level > k.level AND al.threshold <> k.threshold))
        ORDER BY al.alert_id
      LOOP
        UPDATE tollgate.alerts
        SET state = 'recovered', recovered_at = p_now, muted_until = NULL, updated_at = p_now
        WHERE alert_id = a.alert_id;
        PERFORM tollgate.alert_record(a.alert_id, 'recovered', p_now,
                                      jsonb_build_object('reason', 'below', 'level', k.level,
                                                         'message', k.message));
        changed := changed || a.alert_id;
      END LOOP;
    END IF;

    CONTINUE WHEN k.level IS NULL;

    -- Reopening: recovered alerts whose threshold is passed again (an amount's rank may
    -- have moved with its budget: the same threshold is passed whatever its rank).
    FOR a IN
      SELECT al.alert_id FROM tollgate.alerts al
      WHERE al.kind = k.kind AND al.scope = k.scope AND al.subject = k.subject
        AND al.period_start = k.period_start AND al.state = 'recovered'
        AND (al.level <= k.level OR al.threshold = k.threshold)
      ORDER BY al.alert_id
    LOOP
      UPDATE tollgate.alerts
      SET state = CASE WHEN muted THEN 'muted' ELSE 'open' END,
          recovered_at = NULL,
          muted_until = CASE WHEN muted THEN mute_until END,
          updated_at = p_now
      WHERE alert_id = a.alert_id;
      PERFORM tollgate.alert_record(a.alert_id, 'reopened', p_now,
                                    jsonb_build_object('level', k.level, 'message', k.message,
                                                       'muted', muted));
      changed := changed || a.alert_id;
    END LOOP;

    -- Firing: above every alert of the rule in this period.
    SELECT max(al.level) INTO top
    FROM tollgate.alerts al
    WHERE al.kind = k.kind AND al.scope = k.scope AND al.subject = k.subject
      AND al.period_start = k.period_start;

    IF (top IS NULL OR k.level > top)
       AND NOT EXISTS (SELECT FROM tollgate.alerts al
                       WHERE al.kind = k.kind AND al.scope = k.scope AND al.subject = k.subject
                         AND al.period_start = k.period_start AND al.threshold = k.threshold) THEN
      new_id := NULL;
      INSERT INTO tollgate.alerts AS al
        (kind, scope, subject, period_start, period_end, level, threshold, state, created_at,
         updated_at, message, figures, muted_until)
      VALUES
        (k.kind, k.scope, k.subject, k.period_start, k.period_end, k.level, k.threshold,
         CASE WHEN muted THEN 'muted' ELSE 'open' END, p_now, p_now, k.message, k.figures,
         CASE WHEN muted THEN mute_until END)
      ON CONFLICT ON CONSTRAINT alerts_once DO NOTHING
      RETURNING al.alert_id INTO new_id;

      IF new_id IS NOT NULL THEN
        PERFORM tollgate.alert_record(new_id, 'fired', p_now,
                                      jsonb_build_object('level', k.level, 'muted', muted));
        changed := changed || new_id;

        -- The rule's lower alerts still passed: a higher threshold followed them.
        FOR a IN
          SELECT al.alert_id FROM tollgate.alerts al
          WHERE al.kind = k.kind AND al.scope = k.scope AND al.subject = k.subject
            AND al.period_start = k.period_start AND al.state <> 'recovered'
            AND al.alert_id <> new_id
          ORDER BY al.alert_id
        LOOP
          PERFORM tollgate.alert_record(a.alert_id, 'escalated', p_now,
                                        jsonb_build_object('alert_id', new_id,
                                                           'threshold', k.threshold));
        END LOOP;
      END IF;
    END IF;
  END LOOP;

  -- 3. Spikes over: sources asked in full no longer propose the alert's rule and period.
  FOR a IN
    SELECT al.alert_id FROM tollgate.alerts al
    WHERE al.state <> 'recovered'
      AND al.kind = ANY (coalesce(p_recover_absent, '{}'))
      AND NOT al.kind = ANY (never_recover)
      AND NOT EXISTS (SELECT FROM unnest(coalesce(p_candidates, '{}')) AS u
                      WHERE u.kind = al.kind AND u.scope = al.scope
                        AND coalesce(u.subject, '') = al.subject
                        AND u.period_start = al.period_start)
    ORDER BY al.alert_id
  LOOP
    UPDATE tollgate.alerts
    SET state = 'recovered', recovered_at = p_now, muted_until = NULL, updated_at = p_now
    WHERE alert_id = a.alert_id;
    PERFORM tollgate.alert_record(a.alert_id, 'recovered', p_now, '{"reason": "ended"}');
    changed := changed || a.alert_id;
  END LOOP;

  -- 4. Periods over: a budget's month has ended, and its spend with it.
  FOR a IN
    SELECT al.alert_id FROM tollgate.alerts al
    WHERE al.state <> 'recovered' AND al.period_end <= p_now
      AND NOT al.kind = ANY (never_recover)
    ORDER BY al.alert_id
  LOOP
    UPDATE tollgate.alerts
    SET state = 'recovered', recovered_at = p_now, muted_until = NULL, updated_at = p_now
    WHERE alert_id = a.alert_id;
    PERFORM tollgate.alert_record(a.alert_id, 'recovered', p_now, '{"reason": "period ended"}');
    changed := changed || a.alert_id;
  END LOOP;

  RETURN (SELECT count(DISTINCT x)::integer FROM unnest(changed) AS x);
END
$$;

-- The state machine on candidates given by the caller, as evaluate_alerts() applies the
-- sources' (the spike kinds recover when absent from @p_candidates). For tests and
-- tools: a caller could raise any alert with it, so only the owner may call it.
CREATE FUNCTION tollgate.apply_alert_candidates(p_now timestamptz,
                                                p_candidates tollgate.alert_candidate[])
RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT tollgate.alert_apply(p_now, p_candidates,
                              ARRAY['user_frequency', 'provider_errors', 'provider_timeouts']);
$$;

-- Evaluates every alert as of @p_now: asks the sources that exist — the anomalies' first,
-- then the budgets' (each only once its migration is applied, so that this one works
-- alone and with them) — and applies what they propose. Idempotent: calling it again
-- changes nothing until the sources say something else. Safe to call at any time from
-- any number of sessions (the lock at the top of this file). Returns how many alerts were
-- raised or changed state.
CREATE FUNCTION tollgate.evaluate_alerts(p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  candidates tollgate.alert_candidate[] := '{}';
  part tollgate.alert_candidate[];
  recover_absent text[] := '{}';
BEGIN
  IF p_now IS NULL OR NOT isfinite(p_now) THEN
    RAISE EXCEPTION 'Alerts are evaluated as of a moment, not %', coalesce(p_now::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- Taken before the sources are read, so that evaluations apply in the order they read.
  PERFORM tollgate.alert_lock();

  IF to_regprocedure('tollgate.anomaly_alert_candidates(timestamptz)') IS NOT NULL THEN
    EXECUTE 'SELECT array_agg(c) FROM tollgate.anomaly_alert_candidates($1) AS c'
      INTO part USING p_now;
    candidates := candidates || coalesce(part, '{}');
    -- It returns only what is anomalous now: an open spike it no longer names is over.
    recover_absent := ARRAY['user_frequency', 'provider_errors', 'provider_timeouts'];
  END IF;

  IF to_regprocedure('tollgate.budget_alert_candidates(timestamptz)') IS NOT NULL THEN
    EXECUTE 'SELECT array_agg(c) FROM tollgate.budget_alert_candidates($1) AS c'
      INTO part USING p_now;
    candidates := candidates || coalesce(part, '{}');
  END IF;

  RETURN tollgate.alert_apply(p_now, candidates, recover_absent);
END
$$;

-- An alert by id, locked for a change, or an error that says there is none.
CREATE FUNCTION tollgate.alert_for_change(p_alert_id bigint)
RETURNS tollgate.alerts
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a tollgate.alerts;
BEGIN
  PERFORM tollgate.alert_lock();
  SELECT * INTO a FROM tollgate.alerts al WHERE al.alert_id = p_alert_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'There is no alert %', coalesce(p_alert_id::text, 'NULL')
      USING ERRCODE = 'no_data_found',
            HINT = 'tollgatectl alerts list --state all lists every alert with its id.';
  END IF;
  RETURN a;
END
$$;

-- Records that the caller (session_user: the person, whatever role they SET) saw the
-- alert. An open or muted alert becomes acknowledged; a recovered one stays recovered
-- with the acknowledgement recorded (it recovered while someone was looking at it); one
-- already acknowledged is refused, saying by whom.
CREATE FUNCTION tollgate.alert_acknowledge(p_alert_id bigint)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a tollgate.alerts := tollgate.alert_for_change(p_alert_id);
BEGIN
  IF a.state = 'acknowledged' THEN
    RAISE EXCEPTION 'Alert % was already acknowledged by % at %', a.alert_id, a.acknowledged_by,
                    to_char(a.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  UPDATE tollgate.alerts
  SET state = CASE WHEN state = 'recovered' THEN 'recovered' ELSE 'acknowledged' END,
      muted_until = NULL,
      acknowledged_by = session_user,
      acknowledged_at = now(),
      updated_at = now()
  WHERE alert_id = a.alert_id;
  PERFORM tollgate.alert_record(a.alert_id, 'acknowledged', now());
  INSERT INTO tollgate.audit_log (table_name, action, details, acting_role, application_name)
  VALUES (NULL, 'alert-acknowledge',
          jsonb_build_object('alert_id', a.alert_id, 'kind', a.kind, 'scope', a.scope,
                             'threshold', a.threshold),
          session_user, current_setting('application_name', true));
END
$$;

-- Mutes the alert's rule (kind, scope, subject) until @p_until, or until unmuted (NULL or
-- 'infinity'): the rule's open alerts become muted (an acknowledged or recovered one
-- keeps its state), and alerts the rule raises meanwhile are created muted. Muting a
-- muted rule again changes when the mute ends.
CREATE FUNCTION tollgate.alert_mute(p_alert_id bigint, p_until timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a tollgate.alerts := tollgate.alert_for_change(p_alert_id);
  v_until timestamptz := nullif(p_until, 'infinity');
  b record;
BEGIN
  IF v_until IS NOT NULL AND v_until <= now() THEN
    RAISE EXCEPTION 'A mute ends in the future; % has passed',
                    to_char(v_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give a later moment, or none to mute until unmuted.';
  END IF;

  INSERT INTO tollgate.alert_mutes AS m (kind, scope, subject, muted_until, muted_by, muted_at, alert_id)
  VALUES (a.kind, a.scope, a.subject, v_until, session_user, now(), a.alert_id)
  ON CONFLICT (kind, scope, subject) DO UPDATE
  SET muted_until = EXCLUDED.muted_until, muted_by = EXCLUDED.muted_by,
      muted_at = EXCLUDED.muted_at, alert_id = EXCLUDED.alert_id;

  FOR b IN
    SELECT al.alert_id FROM tollgate.alerts al
    WHERE al.kind = a.kind AND al.scope = a.scope AND al.subject = a.subject
      AND al.state IN ('open', 'muted')
    ORDER BY al.alert_id
  LOOP
    UPDATE tollgate.alerts
    SET state = 'muted', muted_until = v_until, updated_at = now()
    WHERE alert_id = b.alert_id;
    PERFORM tollgate.alert_record(b.alert_id, 'muted', now(),
                                  jsonb_build_object('until', v_until));
  END LOOP;

  -- An acknowledged or recovered alert keeps its state; its history says that its rule
  -- was muted from it.
  IF a.state IN ('acknowledged', 'recovered') THEN
    PERFORM tollgate.alert_record(a.alert_id, 'muted', now(),
                                  jsonb_build_object('until', v_until));
  END IF;
END
$$;

-- Ends the mute of the alert's rule: its muted alerts are open again. Refused when the
-- rule is not muted.
CREATE FUNCTION tollgate.alert_unmute(p_alert_id bigint)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a tollgate.alerts := tollgate.alert_for_change(p_alert_id);
  had_mute boolean;
  b record;
  n integer := 0;
BEGIN
  DELETE FROM tollgate.alert_mutes m
  WHERE m.kind = a.kind AND m.scope = a.scope AND m.subject = a.subject
    AND (m.muted_until IS NULL OR m.muted_until > now());
  had_mute := FOUND;
  -- One that has ended goes too, without counting as a mute.
  DELETE FROM tollgate.alert_mutes m
  WHERE m.kind = a.kind AND m.scope = a.scope AND m.subject = a.subject;

  FOR b IN
    SELECT al.alert_id FROM tollgate.alerts al
    WHERE al.kind = a.kind AND al.scope = a.scope AND al.subject = a.subject
      AND al.state = 'muted'
    ORDER BY al.alert_id
  LOOP
    UPDATE tollgate.alerts SET state = 'open', muted_until = NULL, updated_at = now()
    WHERE alert_id = b.alert_id;
    PERFORM tollgate.alert_record(b.alert_id, 'unmuted', now());
    n := n + 1;
  END LOOP;

  IF NOT had_mute AND n = 0 THEN
    RAISE EXCEPTION 'Alert % is not muted', a.alert_id
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Neither it nor its rule is muted: there is nothing to unmute.';
  END IF;
END
$$;

-- Rights. Every Tollgate role reads; nobody writes but the functions above.
REVOKE ALL ON tollgate.alerts, tollgate.alert_events, tollgate.alert_mutes FROM PUBLIC;
GRANT SELECT ON tollgate.alerts, tollgate.alert_events, tollgate.alert_mutes TO tollgate_viewer;

REVOKE ALL ON FUNCTION tollgate.alert_events_refuse_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_record(bigint, text, timestamptz, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_lock() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_apply(timestamptz, tollgate.alert_candidate[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.apply_alert_candidates(timestamptz, tollgate.alert_candidate[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_for_change(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.evaluate_alerts(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_acknowledge(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_mute(bigint, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.alert_unmute(bigint) FROM PUBLIC;

-- The workers of every user evaluate.
GRANT EXECUTE ON FUNCTION tollgate.evaluate_alerts(timestamptz) TO tollgate_viewer;
-- Those who answer for spend and for the providers acknowledge and mute (admin is a
-- member of both).
GRANT EXECUTE ON FUNCTION tollgate.alert_acknowledge(bigint),
                          tollgate.alert_mute(bigint, timestamptz),
                          tollgate.alert_unmute(bigint)
  TO tollgate_finance, tollgate_ops;
