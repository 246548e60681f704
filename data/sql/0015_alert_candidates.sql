-- 0015_alert_candidates.sql — the shape in which every kind of alert is proposed.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Alerts are decided in two steps (docs/architecture.md, "Alerts"): source functions say
-- what is passed now — one row per rule instance, in this type — and
-- tollgate.evaluate_alerts() turns those rows into alerts: each threshold once per period,
-- one alert naming the highest on a jump, recovery when the level falls back. Sources know
-- nothing of alerts already raised, so they can be called any number of times.
CREATE TYPE tollgate.alert_candidate AS (
  -- 'budget', 'forecast', 'quota', 'user_frequency', 'new_ip', 'new_user_agent',
  -- 'provider_errors' or 'provider_timeouts'
  kind          text,
  -- 'overall', 'provider:P', 'cost-centre:C', 'feature:F' or 'user:ID'
  scope         text,
  -- the rule instance within kind and scope: 'budget:<id>', 'quota:<id>', the address or
  -- user agent seen for the first time, or '' when kind and scope say it all
  subject       text,
  -- the period the alert belongs to (a threshold fires at most once in it): the local
  -- billing month of a budget or quota, '-infinity' for what can happen once only, the
  -- window a spike is judged on
  period_start  timestamptz,
  -- when that period ends (a budget resets), 'infinity' if never
  period_end    timestamptz,
  -- the highest threshold passed now as a comparable rank (a percentage; an absolute
  -- threshold ranks as the percentage of the budget it is), NULL when none is passed
  level         numeric,
  -- that threshold as people read it: '85' for 85 %, '1200.00 AUD' for an amount, '' for
  -- kinds without thresholds
  threshold     text,
  -- what crossed what, with the figures
  message       text,
  -- the figures behind the message; money as decimal strings beside a "currency"
  figures       jsonb
);

COMMENT ON TYPE tollgate.alert_candidate IS
  'What an alert source says is passed now; tollgate.evaluate_alerts() decides what to raise.';

GRANT USAGE ON TYPE tollgate.alert_candidate TO tollgate_viewer;
