-- 0019_usage_anomalies.sql — usage anomalies as alert candidates: a user's call frequency
-- far above their own usual, spend from an address or a user agent new to a user, and a
-- provider's error and timeout spikes.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- tollgate.anomaly_alert_candidates(p_now) proposes what is anomalous at p_now as
-- tollgate.alert_candidate rows (0015), for tollgate.evaluate_alerts() to raise
-- (docs/architecture.md, "Alerts: usage anomalies"). Five kinds:
--
--   user_frequency     scope 'user:ID', subject ''          a spike: see "Spikes" below
--   provider_errors    scope 'provider:P', subject ''       a spike
--   provider_timeouts  scope 'provider:P', subject ''       a spike
--   new_ip             scope 'user:ID', subject the address  once ever: period '-infinity'
--   new_user_agent     scope 'user:ID', subject the agent    once ever: period '-infinity'
--
-- Every candidate has level 100 and threshold '' (these kinds have one threshold: being
-- anomalous), period_end 'infinity', a message with the figures, and the figures as
-- jsonb (counts as numbers; no money: anomalies are counted in calls).
--
-- Windows. Everything is judged on whole quarter hours: the window is the hour of the four
-- complete UTC quarter hours before p_now (a quarter ends at or before p_now), so an answer
-- changes only when a quarter completes, and an answer for a past p_now is what it was
-- then (rows created after it lie in later quarters). A spike is thus seen at most 15
-- minutes (plus the refresher's tick) after the quarter that makes it.
--
-- Spikes (user_frequency, provider_errors, provider_timeouts). Each is judged with two
-- sets of limits, strict and relaxed (about half as far), on the series of quarters of the
-- 48 hours before the window's end:
--   - a quarter is hot when it alone passes the relaxed limit's rate;
--   - the episode is the run of quarters up to the last one that starts with a hot
--     quarter and has no two cold quarters in a row (a quiet quarter inside a runaway
--     does not end it);
--   - the scope is anomalous when an episode runs now (the last two quarters are not both
--     cold), some hour in it passed the strict limits, and the window still passes the
--     relaxed ones.
-- period_start is the start of the episode's first quarter, so a spike that lasts is one
-- alert, not one per window, and a second spike after a quiet half hour is a second
-- alert. An episode that began more than 48 hours back (further than is looked at) takes
-- the start of the UTC day 48 hours back as its period_start: one alert a day for a spike
-- that lasts days.
-- For these kinds a candidate is only ever proposed with a level: when the spike is over
-- the candidate is simply not proposed any more, and the alerts' state machine takes "no
-- candidate for an open spike alert" as its recovery.
--
-- new_ip and new_user_agent have no recovery: they are proposed for 24 hours after the
-- address or agent was first seen (so that old history never floods), and the state
-- machine raises each (scope, subject) once, whatever follows.
--
-- State. Frequencies and first sightings are kept in small tables of their own, added to
-- incrementally by tollgate.anomaly_state_refresh() from the usage rows, by id, up to the
-- rollup refresher's watermark (rollup_state.last_id): every id below it is proven either
-- committed or gone for good (0006, 0009), so following it misses no row and counts none
-- twice, however rows commit out of id order. Rows above the state's watermark (the tail)
-- are read from the usage table when candidates are asked for, so candidates are exact up
-- to now whenever the refreshers last ran. Provider figures come from the rollups (0012's
-- provider level at 15 minutes and hours) and the rows after the rollups' watermark.

-- ---- state ---------------------------------------------------------------------------

CREATE TABLE tollgate.anomaly_state (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id      bigint NOT NULL DEFAULT 0,     -- every row with an id up to it is added
  -- Sources first seen in rows up to this id were history when the state was built
  -- (anomaly_state_rebuild(), run by this migration): they are never reported.
  seeded_upto  bigint NOT NULL DEFAULT 0,
  refreshed_at timestamptz,
  pruned_on    date                           -- the UTC day of the last pruning
);

-- Each user's calls and requests (rows) per UTC quarter hour, for the last eight days: the
-- windows and episodes of user_frequency, and a week of past moments to replay.
CREATE TABLE tollgate.anomaly_user_quarter (
  bucket_start timestamptz NOT NULL,
  user_id      bigint NOT NULL,
  calls        bigint NOT NULL,
  requests     bigint NOT NULL,
  PRIMARY KEY (bucket_start, user_id)
);
CREATE INDEX anomaly_user_quarter_user ON tollgate.anomaly_user_quarter (user_id, bucket_start);

-- The same per UTC hour, for the last 30 days: each user's history.
CREATE TABLE tollgate.anomaly_user_hour (
  user_id    bigint NOT NULL,
  hour_start timestamptz NOT NULL,
  calls      bigint NOT NULL,
  requests   bigint NOT NULL,
  PRIMARY KEY (user_id, hour_start)
);

-- When each user's first row was created (not pruned).
CREATE TABLE tollgate.anomaly_user_first (
  user_id       bigint PRIMARY KEY,
  first_seen_at timestamptz NOT NULL
);

-- Every address (kind 'i') and user agent (kind 'a') each user's rows came from, by key
-- (tollgate.anomaly_ip_key(), tollgate.anomaly_agent_key()); dropped 400 days after their
-- last row.
CREATE TABLE tollgate.anomaly_user_source (
  user_id        bigint NOT NULL,
  kind           "char" NOT NULL CHECK (kind IN ('i', 'a')),
  key            text NOT NULL,
  sample         text NOT NULL,                -- the address, or one agent of the key as sent
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  billable_calls bigint NOT NULL,
  requests       bigint NOT NULL,
  seeded         boolean NOT NULL,             -- history when the state was built
  PRIMARY KEY (user_id, kind, key)
);
CREATE INDEX anomaly_user_source_new ON tollgate.anomaly_user_source (first_seen_at)
  WHERE NOT seeded;

-- The population's per-user figures as of a UTC day (from the 28 days before it), cached
-- by the refresher for the day candidates now read; see anomaly_population_at().
CREATE TABLE tollgate.anomaly_population (
  day         date PRIMARY KEY,
  users       integer NOT NULL,
  typical     double precision NOT NULL,
  busy        double precision NOT NULL,
  spread      double precision NOT NULL,
  computed_at timestamptz NOT NULL
);

-- ---- keys ----------------------------------------------------------------------------

-- An address as a source: an IPv4 address itself; an IPv6 address by its /64 network,
-- since privacy addresses change their interface part every day or so (the simulator's
-- do: each user's /64 is theirs alone); an IPv4-mapped IPv6 address as the IPv4 one.
CREATE FUNCTION tollgate.anomaly_ip_key(p_ip inet) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_ip IS NULL THEN NULL
            WHEN family(p_ip) = 4 THEN host(p_ip)
            WHEN p_ip << inet '::ffff:0:0/96' THEN host(set_masklen(p_ip, 128))
            ELSE set_masklen(p_ip, 64)::cidr::text END;

-- A user agent as a source: its first 400 characters with every run of digits made '#'
-- (so that a browser's update is not a new agent: "Firefox/125.0" and "Firefox/126.0" are
-- one), at most 200 characters; none for an empty one.
CREATE FUNCTION tollgate.anomaly_agent_key(p_agent text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(left(regexp_replace(btrim(left(p_agent, 400)), '[0-9]+', '#', 'g'), 200), '');

-- ---- the new rows --------------------------------------------------------------------

-- Usage rows of users with ids in (p_after, p_upto] (p_upto NULL: all above p_after),
-- summed three ways (GROUPING SETS):
--   kind 'q': per user and UTC quarter hour, for rows created at or after p_quarters_since
--             (NULL: all), calls and requests;
--   kind 'u': per user, the older rows (first_at: the oldest);
--   kind 's': per user and source (source_kind 'i' address, 'a' agent; rows without one
--             have none): its key, a sample (the address; the agent first in byte order),
--             first and last created_at, billable calls and requests.
-- The refresher adds exactly this to the state; candidates add it for the tail.
-- The rows are first summed by the raw values the keys are made of, and each distinct
-- agent and address is keyed once: keying every row, and aggregating its text three ways,
-- took six times as long (7.7 s for a million rows against 1.1).
CREATE FUNCTION tollgate.anomaly_delta(p_after bigint, p_upto bigint,
                                       p_quarters_since timestamptz)
RETURNS TABLE (kind "char", user_id bigint, bucket_start timestamptz, source_kind "char",
               key text, sample text, first_at timestamptz, last_at timestamptz,
               calls bigint, billable_calls bigint, requests bigint)
LANGUAGE sql STABLE
AS $$
  WITH r AS MATERIALIZED (
    SELECT u.user_id AS uid,
           CASE WHEN p_quarters_since IS NULL OR u.created_at >= p_quarters_since
                THEN date_bin('15 minutes', u.created_at, timestamptz '2000-01-01 00:00+00')
           END AS b,
           u.ip_address AS ip, u.user_agent AS ua,
           min(u.created_at) AS first_at, max(u.created_at) AS last_at,
           sum(u.call_count) AS calls,
           coalesce(sum(u.call_count) FILTER (WHERE u.is_billable), 0) AS billable_calls,
           count(*) AS requests
    FROM tollgate.api_usage_tracking u
    WHERE u.api_usage_id > p_after
      AND (p_upto IS NULL OR u.api_usage_id <= p_upto)
      AND u.user_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
  ),
  agents AS MATERIALIZED (
    SELECT a.ua, tollgate.anomaly_agent_key(a.ua) AS ak, left(a.ua, 200) AS agent
    FROM (SELECT DISTINCT r.ua FROM r WHERE r.ua IS NOT NULL) AS a
  ),
  addresses AS MATERIALIZED (
    SELECT a.ip, tollgate.anomaly_ip_key(a.ip) AS ik
    FROM (SELECT DISTINCT r.ip FROM r WHERE r.ip IS NOT NULL) AS a
  )
  SELECT CASE WHEN g.mask <> 3 THEN 's' WHEN g.b IS NULL THEN 'u' ELSE 'q' END::"char",
         g.uid, g.b,
         CASE g.mask WHEN 5 THEN 'i' WHEN 6 THEN 'a' END::"char",
         CASE g.mask WHEN 5 THEN g.ik WHEN 6 THEN g.ak END,
         CASE g.mask WHEN 5 THEN g.ik WHEN 6 THEN g.agent END,
         g.first_at, g.last_at, g.calls, g.billable_calls, g.requests
  FROM (
    SELECT grouping(x.b, x.ik, x.ak) AS mask, x.uid, x.b, x.ik, x.ak,
           min(x.agent) AS agent, min(x.first_at) AS first_at, max(x.last_at) AS last_at,
           sum(x.calls)::bigint AS calls, sum(x.billable_calls)::bigint AS billable_calls,
           sum(x.requests)::bigint AS requests
    FROM (SELECT r.uid, r.b, ad.ik, ag.ak, ag.agent, r.first_at, r.last_at, r.calls,
                 r.billable_calls, r.requests
          FROM r
          LEFT JOIN agents ag ON ag.ua = r.ua
          LEFT JOIN addresses ad ON ad.ip = r.ip) AS x
    GROUP BY GROUPING SETS ((x.uid, x.b), (x.uid, x.ik), (x.uid, x.ak))
  ) AS g
  WHERE g.mask = 3 OR (g.mask = 5 AND g.ik IS NOT NULL) OR (g.mask = 6 AND g.ak IS NOT NULL)
$$;

-- Adds usage rows with ids in (p_after, p_upto] to the state: quarters of the last eight
-- days, hours of the last 30, first sightings of users and sources (p_seed: as history,
-- never reported). Returns the rows of users added. Called under the refresher's lock.
-- At most 500,000 ids a pass, so that a rebuild's sums fit in memory a pass at a time
-- (the tables add up what several passes give one key).
CREATE FUNCTION tollgate.anomaly_state_add(p_after bigint, p_upto bigint, p_seed boolean)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  n bigint := 0;
  added bigint;
  v_lo bigint := p_after;
  v_hi bigint;
  v_quarters_since timestamptz := now() - interval '8 days';
  v_hours_since timestamptz := date_trunc('hour', now() - interval '30 days', 'UTC');
BEGIN
  WHILE v_lo < p_upto LOOP
    v_hi := least(v_lo + 500000, p_upto);
    WITH d AS MATERIALIZED (
      SELECT * FROM tollgate.anomaly_delta(v_lo, v_hi, v_hours_since)
    ),
    quarters AS (
      INSERT INTO tollgate.anomaly_user_quarter AS t
      SELECT d.bucket_start, d.user_id, d.calls, d.requests
      FROM d
      WHERE d.kind = 'q' AND d.bucket_start >= v_quarters_since
      ON CONFLICT (bucket_start, user_id)
      DO UPDATE SET calls = t.calls + excluded.calls, requests = t.requests + excluded.requests
    ),
    hours AS (
      INSERT INTO tollgate.anomaly_user_hour AS t
      SELECT d.user_id, date_trunc('hour', d.bucket_start, 'UTC'), sum(d.calls), sum(d.requests)
      FROM d
      WHERE d.kind = 'q'
      GROUP BY 1, 2
      ON CONFLICT (user_id, hour_start)
      DO UPDATE SET calls = t.calls + excluded.calls, requests = t.requests + excluded.requests
    ),
    firsts AS (
      INSERT INTO tollgate.anomaly_user_first AS t
      SELECT d.user_id, min(d.first_at)
      FROM d
      WHERE d.kind IN ('q', 'u')
      GROUP BY 1
      ON CONFLICT (user_id)
      DO UPDATE SET first_seen_at = least(t.first_seen_at, excluded.first_seen_at)
    ),
    sources AS (
      INSERT INTO tollgate.anomaly_user_source AS t
      SELECT d.user_id, d.source_kind, d.key, d.sample, d.first_at, d.last_at, d.billable_calls,
             d.requests, p_seed
      FROM d
      WHERE d.kind = 's'
      ON CONFLICT (user_id, kind, key)
      DO UPDATE SET first_seen_at = least(t.first_seen_at, excluded.first_seen_at),
                    last_seen_at = greatest(t.last_seen_at, excluded.last_seen_at),
                    billable_calls = t.billable_calls + excluded.billable_calls,
                    requests = t.requests + excluded.requests
    )
    SELECT coalesce(sum(d.requests), 0) INTO added FROM d WHERE d.kind IN ('q', 'u');
    n := n + added;
    v_lo := v_hi;
  END LOOP;
  RETURN n;
END
$$;

-- ---- statistics ------------------------------------------------------------------------

-- Each user's history: their active hours (hours with calls) in [p_until - 28 days,
-- p_until) of anomaly_user_hour, on the log scale y = ln(1 + calls an hour):
--   hours    how many;
--   typical  the median y (a usual hour);
--   busy     the 95th percentile y (a busy hour of theirs);
--   spread   (busy - typical) / 1.645, at least 0.25: the upper half's spread as a normal
--            distribution's standard deviation (the upper tail is what a spike is judged
--            against; 0.25 keeps a user of very even hours from being flagged for a
--            small change).
-- Quantiles, not means: a runaway hour of the past moves neither much (it is one of
-- hundreds), so a user who ran away once is still judged against their ordinary hours.
-- p_users: these users only (NULL: all).
CREATE FUNCTION tollgate.anomaly_user_baselines(p_users bigint[], p_until timestamptz)
RETURNS TABLE (user_id bigint, hours integer, typical double precision,
               busy double precision, spread double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- Two statements, so that a few users' history is read through the primary key (one
  -- statement for both read every user's hours: 130 ms instead of 2 at 10M rows).
  IF p_users IS NULL THEN
    RETURN QUERY
      SELECT s.user_id, s.n::integer, s.q[1], s.q[2], greatest(0.25, (s.q[2] - s.q[1]) / 1.645)
      FROM (SELECT h.user_id, count(*) AS n,
                   percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ln(1 + h.calls)) AS q
            FROM tollgate.anomaly_user_hour h
            WHERE h.hour_start >= p_until - interval '28 days' AND h.hour_start < p_until
              AND h.calls > 0
            GROUP BY h.user_id) AS s;
  ELSE
    RETURN QUERY
      SELECT s.user_id, s.n::integer, s.q[1], s.q[2], greatest(0.25, (s.q[2] - s.q[1]) / 1.645)
      FROM (SELECT h.user_id, count(*) AS n,
                   percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ln(1 + h.calls)) AS q
            FROM tollgate.anomaly_user_hour h
            WHERE h.user_id = ANY (p_users)
              AND h.hour_start >= p_until - interval '28 days' AND h.hour_start < p_until
              AND h.calls > 0
            GROUP BY h.user_id) AS s;
  END IF;
END
$$;

-- The population's per-user distribution as of UTC day p_day (history: the 28 days before
-- it), over users with at least 24 active hours: the median user's typical hour, the
-- 95th percentile of users' busy hours (a busy hour of one of the heaviest users) and the
-- median spread. A user with little history is judged against these (see
-- anomaly_alert_candidates). users: how many users it stands on.
CREATE FUNCTION tollgate.anomaly_population_at(p_day date, OUT users integer,
                                               OUT typical double precision,
                                               OUT busy double precision,
                                               OUT spread double precision)
LANGUAGE sql STABLE
AS $$
  SELECT count(*)::integer,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY b.typical),
         percentile_cont(0.95) WITHIN GROUP (ORDER BY b.busy),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY b.spread)
  FROM tollgate.anomaly_user_baselines(NULL, p_day::timestamp AT TIME ZONE 'UTC') AS b
  WHERE b.hours >= 24
$$;

-- The UTC day whose population judges the window ending at p_end (the same day the
-- users' own history ends in: a day before the window).
CREATE FUNCTION tollgate.anomaly_population_day(p_end timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((p_end - interval '24 hours') AT TIME ZONE 'UTC')::date;

-- ---- the refresher -------------------------------------------------------------------

-- Adds the usage rows up to the rollup refresher's watermark, at most p_max_rows of them
-- (the rest next time; candidates read what is left as the tail), then once a UTC day
-- prunes the state and caches the day's population. Safe to call from any number of
-- sessions at once: one at a time does the work, under a transaction-level advisory lock
-- that the others do not wait for (busy: another session holds it; they then read its
-- rows as the tail until it commits); the state's watermark moves in the same transaction
-- as the rows it covers, so no row is added twice or missed. Must run at READ COMMITTED,
-- like refresh_rollups(), so that it sees what the previous holder committed.
-- Returns the rows of users added and the new watermark.
CREATE FUNCTION tollgate.anomaly_state_refresh(p_max_rows integer DEFAULT 200000,
                                               OUT rows_added bigint, OUT last_id bigint,
                                               OUT busy boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_from bigint;
  v_limit bigint;
  v_upto bigint;
  v_count bigint;
  v_pruned date;
  v_today date := (now() AT TIME ZONE 'UTC')::date;
  v_day date := tollgate.anomaly_population_day(date_bin('15 minutes', now(),
                                                          timestamptz '2000-01-01 00:00+00'));
BEGIN
  IF p_max_rows IS NULL OR p_max_rows < 1 THEN
    RAISE EXCEPTION 'anomaly_state_refresh: at most how many rows? % is not a positive number',
      coalesce(p_max_rows::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'tollgate.anomaly_state_refresh() must run at READ COMMITTED, not %',
      current_setting('transaction_isolation')
      USING ERRCODE = 'invalid_transaction_state';
  END IF;

  rows_added := 0;
  busy := NOT pg_try_advisory_xact_lock(hashtext('tollgate.anomaly_state_refresh'));
  IF busy THEN
    SELECT s.last_id INTO last_id FROM tollgate.anomaly_state s;
    RETURN;
  END IF;

  SELECT s.last_id, s.pruned_on INTO v_from, v_pruned FROM tollgate.anomaly_state s FOR UPDATE;
  SELECT st.last_id INTO v_limit FROM tollgate.rollup_state st;

  IF v_limit > v_from THEN
    SELECT max(i.id), count(*) INTO v_upto, v_count
    FROM (SELECT u.api_usage_id AS id
          FROM tollgate.api_usage_tracking u
          WHERE u.api_usage_id > v_from AND u.api_usage_id <= v_limit
          ORDER BY u.api_usage_id
          LIMIT p_max_rows) AS i;
    -- Fewer than asked for: everything up to the watermark (the ids between are gone).
    IF v_count < p_max_rows THEN
      v_upto := v_limit;
    END IF;
    rows_added := tollgate.anomaly_state_add(v_from, v_upto, false);
    UPDATE tollgate.anomaly_state SET last_id = v_upto, refreshed_at = now();
    last_id := v_upto;
  ELSE
    UPDATE tollgate.anomaly_state SET refreshed_at = now();
    last_id := v_from;
  END IF;

  IF v_pruned IS DISTINCT FROM v_today THEN
    DELETE FROM tollgate.anomaly_user_quarter WHERE bucket_start < now() - interval '8 days';
    DELETE FROM tollgate.anomaly_user_hour WHERE hour_start < now() - interval '30 days';
    DELETE FROM tollgate.anomaly_user_source WHERE last_seen_at < now() - interval '400 days';
    DELETE FROM tollgate.anomaly_population WHERE day < v_today - 7;
    UPDATE tollgate.anomaly_state SET pruned_on = v_today;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM tollgate.anomaly_population p WHERE p.day = v_day) THEN
    INSERT INTO tollgate.anomaly_population (day, users, typical, busy, spread, computed_at)
    SELECT v_day, p.users, p.typical, p.busy, p.spread, now()
    FROM tollgate.anomaly_population_at(v_day) AS p
    WHERE p.users > 0;
  END IF;
END
$$;

-- ---- the candidates ------------------------------------------------------------------

-- Groups digits for people, as tg_format_count() does: 1,920.
CREATE FUNCTION tollgate.anomaly_count_text(p_value numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_char(round(p_value), 'FM999,999,999,999,999,990');

-- What is anomalous at p_now, as alert candidates (the kinds, windows and periods are
-- described at the top of this file). Brings the state up to the rollups' watermark
-- first (tollgate.anomaly_state_refresh(), when the transaction can write and is READ
-- COMMITTED; else, or when another session is at it, the rows it lacks are read as the
-- tail), so it is VOLATILE; otherwise it only reads, and calling it again, or from
-- several sessions at once, proposes the same candidates.
--
-- user_frequency. A user's calls in the window x, against their history of active hours
-- in the 28 days that end a day before the window (anomaly_user_baselines: typical,
-- busy, spread on the log scale ln(1 + calls)), shrunk towards the population's
-- (anomaly_population_at) by the weight w = hours / (hours + 24): a user with a day of
-- active hours stands half on their own. So it works from a user's first day: a new
-- user is judged as one of the heavier users (the population's busy hour is the 95th
-- percentile of users' busy hours), and the more they are seen the more as themselves.
-- With usual = exp(typical) - 1 calls an hour, the window passes
--   strict:  x >= 200, x >= 10 × usual, x >= exp(busy + 4 × spread) - 1, and 20 requests;
--   relaxed: x >= 100, x >= 5 × usual, x >= exp(busy + 2 × spread) - 1, and 10 requests;
-- a quarter is hot at a quarter of the relaxed calls. All three tests, because each alone
-- fails somewhere: the robust z (four spreads above the user's own busy hour) lets a
-- bursty user burst; the ratio to the usual hour flags a steady user only far above it;
-- the minimum keeps the light users' big batch imports (one request of up to 100 calls)
-- quiet. Requests count too: a runaway is many requests. The hour of the day and the
-- weekday are not modelled: a user's hours are too few to split, and judging a quiet
-- hour against the user's busy hours only makes a night-time runaway wait a little
-- longer. Replayed at every quarter hour of a week of the simulator's ordinary traffic
-- (108,000 rows a day, 2,000 users), no user passed the strict limits; its runaway user
-- passes them five hundredfold (docs/architecture.md, "Alerts: usage anomalies").
--
-- provider_errors, provider_timeouts. A provider's calls n and errors k (answered 4xx or
-- 5xx or not at all, as the rollups count errors) or timeouts (not answered) in the
-- window, against its usual rate p0: the median of its hourly rates (hours with at least
-- 20 calls) over the week before the window, from the rollups (a median, so that last
-- week's outage is not this week's usual; 0 without such hours). The window passes
--   strict:  n >= 50 (the minimum-calls guard), k >= 10 errors or 5 timeouts, k / n at
--            least max(10 %, 3 p0, p0 + 5 points) for errors, max(5 %, 3 p0, p0 + 3
--            points) for timeouts, and a binomial z of at least 4 against p0 (p0 at least
--            0.5 % for errors, 0.2 % for timeouts);
--   relaxed: n >= 25, k >= 5 errors or 3 timeouts, k / n at least half the floor above
--            (5 %, 2.5 %), 2 p0 and p0 + half the points;
-- a quarter is hot at the relaxed rate with at least 3 errors or 2 timeouts.
--
-- new_ip, new_user_agent. An address (IPv4; IPv6 by its /64) or a user agent (digits
-- made '#') that none of the user's earlier rows came from, first seen in the 24 hours
-- before p_now, once 200 billable calls came from it — a browser used once by a person
-- is not an alert, a script or a stolen key is — and only for users seen at least 24
-- hours before it (a new user's first devices are not news). Sources of the history the
-- state was built from (by this migration) are never proposed. For a past p_now the
-- billable calls count rows up to now.
CREATE FUNCTION tollgate.anomaly_alert_candidates(p_now timestamptz DEFAULT now())
RETURNS SETOF tollgate.alert_candidate
LANGUAGE plpgsql
VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_end timestamptz;        -- the end of the last complete quarter: the window is the hour before
  v_lookback timestamptz;   -- the first quarter an episode is looked for in
  v_first timestamptz;      -- the first quarter read (the hour before the look-back)
  v_state_last bigint;
  v_rollup_last bigint;
  v_zone text;
  v_until text;             -- the window's end for people
  v_pop record;
  v_pop_users integer := 0;
  v_pop_typical double precision := ln(2);     -- without a population: a call an hour,
  v_pop_busy double precision := ln(21);       -- a busy hour of 20 calls,
  v_pop_spread double precision := 0.5;        -- and a wide spread
BEGIN
  IF p_now IS NULL OR NOT isfinite(p_now) THEN
    RAISE EXCEPTION 'anomaly_alert_candidates: % is not a moment to judge usage at',
      coalesce(p_now::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass a finite timestamp with time zone, such as now().';
  END IF;

  IF current_setting('transaction_isolation') = 'read committed' THEN
    BEGIN
      PERFORM tollgate.anomaly_state_refresh();
    EXCEPTION WHEN read_only_sql_transaction THEN
      NULL;   -- a read-only transaction: everything after the watermark is read as the tail
    END;
  END IF;

  v_end := date_bin('15 minutes', p_now, timestamptz '2000-01-01 00:00+00');
  v_lookback := v_end - interval '48 hours';
  v_first := v_lookback - interval '1 hour';
  SELECT s.last_id INTO v_state_last FROM tollgate.anomaly_state s;
  SELECT st.last_id INTO v_rollup_last FROM tollgate.rollup_state st;
  SELECT s.value INTO v_zone FROM tollgate.settings s WHERE s.key = 'billing-timezone';
  v_zone := coalesce(v_zone, 'UTC');
  v_until := to_char(v_end AT TIME ZONE v_zone, 'YYYY-MM-DD HH24:MI') || ' (' || v_zone || ')';

  SELECT p.users, p.typical, p.busy, p.spread INTO v_pop
  FROM tollgate.anomaly_population p
  WHERE p.day = tollgate.anomaly_population_day(v_end);
  IF NOT FOUND THEN
    SELECT * INTO v_pop FROM tollgate.anomaly_population_at(tollgate.anomaly_population_day(v_end));
  END IF;
  IF v_pop.users >= 5 THEN
    v_pop_users := v_pop.users;
    v_pop_typical := v_pop.typical;
    v_pop_busy := v_pop.busy;
    v_pop_spread := v_pop.spread;
  END IF;

  -- The spikes: every kind's quarters of the look-back as one series, then one episode
  -- rule for all.
  RETURN QUERY
  WITH
  -- quarters of users the state has not added yet
  tail AS MATERIALIZED (
    SELECT d.user_id, d.bucket_start, d.calls, d.requests
    FROM tollgate.anomaly_delta(v_state_last, NULL, v_first) AS d
    WHERE d.kind = 'q' AND d.bucket_start < v_end
  ),
  -- users busy enough in the window to be judged at all (the relaxed minimums)
  u_now AS (
    SELECT x.user_id
    FROM (SELECT a.user_id, a.calls, a.requests
          FROM tollgate.anomaly_user_quarter a
          WHERE a.bucket_start >= v_end - interval '1 hour' AND a.bucket_start < v_end
          UNION ALL
          SELECT t.user_id, t.calls, t.requests
          FROM tail t
          WHERE t.bucket_start >= v_end - interval '1 hour') AS x
    GROUP BY x.user_id
    HAVING sum(x.calls) >= 100 AND sum(x.requests) >= 10
  ),
  u_limits AS (
    SELECT r.*, exp(r.typical) - 1 AS usual,
           greatest(200, 10 * (exp(r.typical) - 1), exp(r.busy + 4 * r.spread) - 1) AS strict_calls,
           greatest(100, 5 * (exp(r.typical) - 1), exp(r.busy + 2 * r.spread) - 1) AS relaxed_calls
    FROM (
      SELECT n.user_id, coalesce(b.hours, 0) AS hours, w.weight,
             w.weight * coalesce(b.typical, 0) + (1 - w.weight) * v_pop_typical AS typical,
             w.weight * coalesce(b.busy, 0) + (1 - w.weight) * v_pop_busy AS busy,
             w.weight * coalesce(b.spread, 0) + (1 - w.weight) * v_pop_spread AS spread,
             b.typical AS own_typical
      FROM u_now n
      LEFT JOIN tollgate.anomaly_user_baselines(ARRAY(SELECT u.user_id FROM u_now u),
                                                v_end - interval '24 hours') AS b
        ON b.user_id = n.user_id
      CROSS JOIN LATERAL (SELECT coalesce(b.hours, 0)::double precision
                                 / (coalesce(b.hours, 0) + 24) AS weight) AS w
    ) AS r
  ),
  u_quarters AS (
    SELECT y.user_id, y.bucket_start, sum(y.calls) AS calls, sum(y.requests) AS requests
    FROM (SELECT a.user_id, a.bucket_start, a.calls, a.requests
          FROM tollgate.anomaly_user_quarter a
          WHERE a.user_id IN (SELECT l.user_id FROM u_limits l)
            AND a.bucket_start >= v_first AND a.bucket_start < v_end
          UNION ALL
          SELECT t.user_id, t.bucket_start, t.calls, t.requests
          FROM tail t
          WHERE t.user_id IN (SELECT l.user_id FROM u_limits l)) AS y
    GROUP BY 1, 2
  ),
  u_series AS (
    SELECT l.user_id, g.b, coalesce(q.calls, 0) AS calls, coalesce(q.requests, 0) AS requests,
           sum(coalesce(q.calls, 0)) OVER w AS w_calls,
           sum(coalesce(q.requests, 0)) OVER w AS w_requests
    FROM u_limits l
    CROSS JOIN generate_series(v_first, v_end - interval '15 minutes', interval '15 minutes') AS g (b)
    LEFT JOIN u_quarters q ON q.user_id = l.user_id AND q.bucket_start = g.b
    WINDOW w AS (PARTITION BY l.user_id ORDER BY g.b ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
  ),
  -- providers: the rollups' provider level and the rows after the rollups' watermark
  p_quarters AS (
    SELECT x.provider, x.b, sum(x.calls) AS calls, sum(x.errors) AS errors,
           sum(x.timeouts) AS timeouts
    FROM (SELECT r.grp AS provider, r.bucket_start AS b, r.calls, r.errors, r.timeouts
          FROM tollgate.usage_rollup_dim_15m r
          WHERE r.dim = 1 AND r.api_provider IS NULL
            AND r.bucket_start >= v_first AND r.bucket_start < v_end
          UNION ALL
          SELECT u.api_provider,
                 date_bin('15 minutes', u.created_at, timestamptz '2000-01-01 00:00+00'),
                 u.call_count,
                 CASE WHEN u.response_status / 100 IN (0, 4, 5) THEN u.call_count ELSE 0 END,
                 CASE WHEN u.response_status = 0 THEN u.call_count ELSE 0 END
          FROM tollgate.api_usage_tracking u
          WHERE u.api_usage_id > v_rollup_last
            AND u.created_at >= v_first AND u.created_at < v_end) AS x
    GROUP BY 1, 2
  ),
  p_usual AS (
    SELECT r.grp AS provider,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.errors::double precision / r.calls) AS p_errors,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.timeouts::double precision / r.calls) AS p_timeouts,
           count(*) AS hours
    FROM tollgate.usage_rollup_dim_hour r
    WHERE r.dim = 1 AND r.api_provider IS NULL AND r.calls >= 20
      AND r.bucket_start >= date_trunc('hour', v_end - interval '7 days', 'UTC')
      AND r.bucket_start < date_trunc('hour', v_end - interval '1 hour', 'UTC')
    GROUP BY 1
  ),
  p_limits AS (
    SELECT p.provider, k.kind, k.p0,
           greatest(k.floor, 3 * k.p0, k.p0 + k.points) AS strict_rate,
           greatest(k.floor / 2, 2 * k.p0, k.p0 + k.points / 2) AS relaxed_rate,
           k.min_count, greatest(k.p0, k.z_floor) AS z_p
    FROM (SELECT DISTINCT q.provider FROM p_quarters q) AS p
    LEFT JOIN p_usual u ON u.provider = p.provider
    CROSS JOIN LATERAL (VALUES
      ('provider_errors', coalesce(u.p_errors, 0), 0.10, 0.05, 10, 0.005),
      ('provider_timeouts', coalesce(u.p_timeouts, 0), 0.05, 0.03, 5, 0.002)
    ) AS k (kind, p0, floor, points, min_count, z_floor)
  ),
  p_series AS (
    SELECT l.provider, l.kind, g.b, coalesce(q.calls, 0) AS calls,
           coalesce(CASE l.kind WHEN 'provider_errors' THEN q.errors ELSE q.timeouts END, 0) AS bad,
           sum(coalesce(q.calls, 0)) OVER w AS w_calls,
           sum(coalesce(CASE l.kind WHEN 'provider_errors' THEN q.errors ELSE q.timeouts END, 0))
             OVER w AS w_bad
    FROM p_limits l
    CROSS JOIN generate_series(v_first, v_end - interval '15 minutes', interval '15 minutes') AS g (b)
    LEFT JOIN p_quarters q ON q.provider = l.provider AND q.b = g.b
    WINDOW w AS (PARTITION BY l.provider, l.kind ORDER BY g.b ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
  ),
  series AS (
    SELECT 'user_frequency'::text AS kind, 'user:' || s.user_id AS scope, s.b,
           s.calls >= l.relaxed_calls / 4 AS hot,
           s.w_calls >= l.strict_calls AND s.w_requests >= 20 AS strict,
           s.w_calls >= l.relaxed_calls AND s.w_requests >= 10 AS relaxed,
           CASE WHEN s.b = v_end - interval '15 minutes' THEN jsonb_build_object(
             'user_id', s.user_id,
             'display_name', (SELECT u.display_name FROM tollgate.users u WHERE u.user_id = s.user_id),
             'window_start', v_end - interval '1 hour',
             'window_end', v_end,
             'calls', s.w_calls,
             'requests', s.w_requests,
             'usual_calls', round(l.usual::numeric, 1),
             'busy_calls', round((exp(l.busy) - 1)::numeric, 1),
             'ratio', round((s.w_calls / greatest(l.usual, 1))::numeric, 1),
             'robust_z', round(((ln(1 + s.w_calls) - l.busy) / l.spread)::numeric, 1),
             'threshold_calls', ceil(l.strict_calls),
             'history_hours', l.hours,
             'history_weight', round(l.weight::numeric, 2),
             'population_users', v_pop_users,
             'population_typical_calls', round((exp(v_pop_typical) - 1)::numeric, 1)) END AS figures
    FROM u_series s
    JOIN u_limits l ON l.user_id = s.user_id
    UNION ALL
    SELECT s.kind, 'provider:' || s.provider, s.b,
           s.bad >= CASE s.kind WHEN 'provider_errors' THEN 3 ELSE 2 END
             AND s.bad >= s.calls * l.relaxed_rate,
           -- (CASE: AND would not keep the z from dividing by an hour without calls)
           CASE WHEN s.w_calls >= 50
                THEN s.w_bad >= l.min_count AND s.w_bad >= s.w_calls * l.strict_rate
                     AND (s.w_bad - s.w_calls * l.z_p) / sqrt(s.w_calls * l.z_p * (1 - l.z_p)) >= 4
                ELSE false END,
           s.w_calls >= 25 AND s.w_bad >= l.min_count / 2 AND s.w_bad >= s.w_calls * l.relaxed_rate,
           CASE WHEN s.b = v_end - interval '15 minutes' AND s.w_calls > 0 THEN jsonb_build_object(
             'provider', s.provider,
             'display_name', (SELECT pv.display_name FROM tollgate.providers pv WHERE pv.slug = s.provider),
             'window_start', v_end - interval '1 hour',
             'window_end', v_end,
             'calls', s.w_calls,
             CASE s.kind WHEN 'provider_errors' THEN 'errors' ELSE 'timeouts' END, s.w_bad,
             'rate', round((s.w_bad / s.w_calls)::numeric, 4),
             'usual_rate', round(l.p0::numeric, 4),
             'threshold_rate', round(l.strict_rate::numeric, 4),
             'binomial_z', round(((s.w_bad - s.w_calls * l.z_p)
                                  / sqrt(s.w_calls * l.z_p * (1 - l.z_p)))::numeric, 1),
             'min_calls', 50) END
    FROM p_series s
    JOIN p_limits l ON l.provider = s.provider AND l.kind = s.kind
  ),
  marked AS (
    SELECT s.*, lag(s.hot) OVER (PARTITION BY s.kind, s.scope ORDER BY s.b) AS hot_before
    FROM series s
  ),
  breaks AS (
    SELECT m.kind, m.scope,
           max(m.b) FILTER (WHERE NOT m.hot AND NOT m.hot_before) AS last_break
    FROM marked m
    WHERE m.b >= v_lookback
    GROUP BY 1, 2
  ),
  episodes AS (
    SELECT m.kind, m.scope, k.last_break,
           min(m.b) FILTER (WHERE m.hot AND m.b > coalesce(k.last_break, '-infinity')) AS started,
           coalesce(bool_or(m.strict) FILTER (WHERE m.b > coalesce(k.last_break, '-infinity')),
                    false) AS strict_seen,
           coalesce(bool_or(m.relaxed) FILTER (WHERE m.b = v_end - interval '15 minutes'), false)
             AS relaxed_now,
           max(m.figures::text)::jsonb AS figures
    FROM marked m
    JOIN breaks k ON k.kind = m.kind AND k.scope = m.scope
    WHERE m.b >= v_lookback
    GROUP BY 1, 2, 3
  )
  SELECT e.kind, e.scope, ''::text,
         CASE WHEN e.last_break IS NULL THEN date_trunc('day', v_lookback, 'UTC') ELSE e.started END,
         'infinity'::timestamptz,
         100::numeric,
         ''::text,
         CASE e.kind
           WHEN 'user_frequency' THEN
             format('User %s%s made %s calls in the hour to %s, %s× %s usual %s (%spopulation typical %s).',
                    e.figures->>'user_id',
                    coalesce(' (' || (e.figures->>'display_name') || ')', ''),
                    tollgate.anomaly_count_text((e.figures->>'calls')::numeric),
                    v_until,
                    CASE WHEN (e.figures->>'ratio')::numeric < 100
                         THEN to_char((e.figures->>'ratio')::numeric, 'FM990.0')
                         ELSE tollgate.anomaly_count_text((e.figures->>'ratio')::numeric) END,
                    CASE WHEN (e.figures->>'history_hours')::integer < 24 THEN 'the' ELSE 'their' END,
                    tollgate.anomaly_count_text((e.figures->>'usual_calls')::numeric),
                    CASE WHEN (e.figures->>'history_hours')::integer < 24
                         THEN format('judged mostly against other users: %s active hours of their own; ',
                                     e.figures->>'history_hours')
                         ELSE '' END,
                    tollgate.anomaly_count_text((e.figures->>'population_typical_calls')::numeric))
           WHEN 'provider_errors' THEN
             format('%s answered %s of %s calls in the hour to %s with an error (%s %%), against its usual %s %%.',
                    coalesce(e.figures->>'display_name', e.figures->>'provider'),
                    tollgate.anomaly_count_text((e.figures->>'errors')::numeric),
                    tollgate.anomaly_count_text((e.figures->>'calls')::numeric),
                    v_until,
                    to_char((e.figures->>'rate')::numeric * 100, 'FM990.0'),
                    to_char((e.figures->>'usual_rate')::numeric * 100, 'FM990.0'))
           ELSE
             format('%s did not answer %s of %s calls in the hour to %s (%s %% timed out), against its usual %s %%.',
                    coalesce(e.figures->>'display_name', e.figures->>'provider'),
                    tollgate.anomaly_count_text((e.figures->>'timeouts')::numeric),
                    tollgate.anomaly_count_text((e.figures->>'calls')::numeric),
                    v_until,
                    to_char((e.figures->>'rate')::numeric * 100, 'FM990.0'),
                    to_char((e.figures->>'usual_rate')::numeric * 100, 'FM990.0'))
         END,
         e.figures || jsonb_build_object('episode_start', e.started)
  FROM episodes e
  WHERE e.started IS NOT NULL AND e.strict_seen AND e.relaxed_now AND e.figures IS NOT NULL
  ORDER BY 1, 2;

  -- New addresses and user agents: the state's sources first seen in the 24 hours before
  -- p_now, and the tail's sources the state does not know.
  RETURN QUERY
  WITH
  tail AS MATERIALIZED (
    SELECT d.* FROM tollgate.anomaly_delta(v_state_last, NULL, NULL) AS d
  ),
  tail_users AS (
    SELECT t.user_id, min(t.first_at) AS first_at
    FROM tail t
    WHERE t.kind IN ('q', 'u')
    GROUP BY 1
  ),
  fresh AS (
    SELECT a.user_id, a.kind, a.key, a.sample, a.first_seen_at,
           a.billable_calls + coalesce(t.billable_calls, 0) AS billable_calls,
           a.requests + coalesce(t.requests, 0) AS requests
    FROM tollgate.anomaly_user_source a
    LEFT JOIN tail t
      ON t.kind = 's' AND t.user_id = a.user_id AND t.source_kind = a.kind AND t.key = a.key
    WHERE NOT a.seeded
      AND a.first_seen_at >= p_now - interval '24 hours' AND a.first_seen_at < p_now
    UNION ALL
    SELECT t.user_id, t.source_kind, t.key, t.sample, t.first_at, t.billable_calls, t.requests
    FROM tail t
    WHERE t.kind = 's'
      AND t.first_at >= p_now - interval '24 hours' AND t.first_at < p_now
      AND NOT EXISTS (SELECT 1 FROM tollgate.anomaly_user_source a
                      WHERE a.user_id = t.user_id AND a.kind = t.source_kind AND a.key = t.key)
  ),
  judged AS (
    SELECT f.*,
           least((SELECT uf.first_seen_at FROM tollgate.anomaly_user_first uf
                  WHERE uf.user_id = f.user_id),
                 (SELECT tu.first_at FROM tail_users tu WHERE tu.user_id = f.user_id))
             AS user_first_seen_at,
           (SELECT count(*)
            FROM (SELECT o.key FROM tollgate.anomaly_user_source o
                  WHERE o.user_id = f.user_id AND o.kind = f.kind
                  UNION
                  SELECT t.key FROM tail t
                  WHERE t.kind = 's' AND t.user_id = f.user_id AND t.source_kind = f.kind) AS o
            WHERE o.key <> f.key) AS others,
           (SELECT u.display_name FROM tollgate.users u WHERE u.user_id = f.user_id) AS display_name
    FROM fresh f
    WHERE f.billable_calls >= 200
  )
  SELECT CASE j.kind WHEN 'i' THEN 'new_ip' ELSE 'new_user_agent' END,
         'user:' || j.user_id,
         j.key,
         '-infinity'::timestamptz,
         'infinity'::timestamptz,
         100::numeric,
         ''::text,
         CASE j.kind
           WHEN 'i' THEN
             format('User %s%s made %s billable calls from %s %s, which none of their calls came from before, since %s.',
                    j.user_id, coalesce(' (' || j.display_name || ')', ''),
                    tollgate.anomaly_count_text(j.billable_calls),
                    CASE WHEN j.key LIKE '%/%' THEN 'the network' ELSE 'the address' END, j.key,
                    to_char(j.first_seen_at AT TIME ZONE v_zone, 'YYYY-MM-DD HH24:MI')
                      || ' (' || v_zone || ')')
           ELSE
             format('User %s%s made %s billable calls with a user agent none of their calls used before, since %s: %s',
                    j.user_id, coalesce(' (' || j.display_name || ')', ''),
                    tollgate.anomaly_count_text(j.billable_calls),
                    to_char(j.first_seen_at AT TIME ZONE v_zone, 'YYYY-MM-DD HH24:MI')
                      || ' (' || v_zone || ')',
                    j.sample)
         END,
         jsonb_build_object(
           'user_id', j.user_id,
           'display_name', j.display_name,
           CASE j.kind WHEN 'i' THEN 'address' ELSE 'user_agent' END, j.sample,
           'first_seen_at', j.first_seen_at,
           'billable_calls', j.billable_calls,
           'requests', j.requests,
           CASE j.kind WHEN 'i' THEN 'other_addresses' ELSE 'other_user_agents' END, j.others,
           'user_first_seen_at', j.user_first_seen_at,
           'min_billable_calls', 200)
  FROM judged j
  WHERE j.user_first_seen_at <= j.first_seen_at - interval '24 hours'
  ORDER BY 1, 2, 3;
END
$$;

COMMENT ON FUNCTION tollgate.anomaly_alert_candidates(timestamptz) IS
  'Usage anomalies at p_now as alert candidates (0019): user_frequency, provider_errors and '
  'provider_timeouts are spikes, proposed only while they last (no candidate: recovered); '
  'new_ip and new_user_agent are proposed for 24 hours after the first sighting, period '
  '-infinity, and have no recovery. Refreshes the anomaly state first.';

-- ---- the history already there -------------------------------------------------------

-- Rebuilds the state from the usage rows up to the rollups' watermark, as history: their
-- quarters and hours become the users' history, their addresses and agents are known and
-- never reported. One scan of every row up to the watermark (docs/architecture.md, "Alerts:
-- usage anomalies", for its time on 10M rows); the rows after it are added by the next
-- refresh like any new rows. Waits for a refresh at work (within the caller's
-- lock_timeout). Returns the rows of users added. Run by this migration, so that
-- switching the feature on over a big table neither floods alerts nor leaves a first
-- refresh to scan everything; an administrator may run it again.
CREATE FUNCTION tollgate.anomaly_state_rebuild() RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_upto bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('tollgate.anomaly_state_refresh'));
  SELECT st.last_id INTO v_upto FROM tollgate.rollup_state st;
  DELETE FROM tollgate.anomaly_user_quarter;
  DELETE FROM tollgate.anomaly_user_hour;
  DELETE FROM tollgate.anomaly_user_first;
  DELETE FROM tollgate.anomaly_user_source;
  DELETE FROM tollgate.anomaly_population;
  UPDATE tollgate.anomaly_state
  SET last_id = v_upto, seeded_upto = v_upto, refreshed_at = now(), pruned_on = NULL;
  RETURN tollgate.anomaly_state_add(0, v_upto, true);
END
$$;

INSERT INTO tollgate.anomaly_state DEFAULT VALUES;
SELECT tollgate.anomaly_state_rebuild();

-- ---- rights ----------------------------------------------------------------------------

-- Everyone who reads usage may see its anomalies (they are computed from rows a viewer
-- reads anyway) and bring the state up to date (harmless, like refresh_rollups());
-- rebuilding it, which takes a scan of every row, is the administrator's. Only those two
-- security definers write the state.
GRANT SELECT ON tollgate.anomaly_state, tollgate.anomaly_user_quarter, tollgate.anomaly_user_hour,
  tollgate.anomaly_user_first, tollgate.anomaly_user_source, tollgate.anomaly_population
  TO tollgate_viewer;
REVOKE ALL ON FUNCTION tollgate.anomaly_state_add(bigint, bigint, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.anomaly_state_refresh(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.anomaly_state_rebuild() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.anomaly_alert_candidates(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.anomaly_state_refresh(integer) TO tollgate_viewer;
GRANT EXECUTE ON FUNCTION tollgate.anomaly_alert_candidates(timestamptz) TO tollgate_viewer;
GRANT EXECUTE ON FUNCTION tollgate.anomaly_state_rebuild() TO tollgate_admin;
