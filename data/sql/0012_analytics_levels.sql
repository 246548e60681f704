-- 0012_analytics_levels.sql — every grouping fast and exact: narrow levels per dimension,
-- per-user days, one scan of the new rows for every level.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- 0006 kept narrow levels only by provider and by provider × region × status class; a
-- series by endpoint, request type, feature or cost centre summed the wide hour level on
-- the server (1.1–1.2 s for 30 days of hours at 10M rows), and users were kept per billing
-- month only. This migration (docs/performance.md, "How the rollups answer quickly"):
--
--  - keeps every grouping in one narrow level per grain, usage_rollup_dim_<grain>: a row
--    per (dimension, bucket, group), for all providers together (api_provider NULL) and,
--    for the dimensions a provider has several of, per provider (api_provider set), so
--    that a series by feature reads 11 rows an hour, not 36, and --provider reads the
--    provider's own. The grains: 15 minutes, UTC hours, hours starting at half past (the
--    hours of every zone half an hour off UTC: Adelaide, India, Newfoundland), and local
--    days of the billing time zone;
--  - keeps each user's figures per local day of the billing time zone
--    (usage_rollup_user_day) beside the billing months, so that users are grouped over any
--    range of whole days;
--  - keeps histograms in the narrow levels as their text, the form the readers send: a
--    read spent half the server's time converting arrays to text;
--  - sums the new rows once for every level (usage_delta_split), the per-user ones included,
--    which now follow every refresh;
--  - drops the wide hour level and the provider and region levels, which nothing reads any
--    more; the wide 15-minute level stays the one every figure can be derived from.
--
-- Days are local days of the billing time zone (docs/architecture.md, "The database"): the
-- day levels hold rollup_state.billing_timezone's days, and when the setting changes the
-- refresher rebuilds them (rollup_follow_billing_zone); readers meanwhile cut the buckets
-- into hours, or read users from raw rows, so answers stay exact.

-- Functions that read or write the levels run with jit off, as 0006's do, and without
-- parallel workers: their queries take milliseconds, and starting workers cost more than
-- they saved (a top of users over 30 days took 95 ms with two workers, 50 without); a
-- refresher's workers would also do its work outside its own backend.

-- ---- helpers -------------------------------------------------------------------------

-- Adds two histograms element by element (arrays may differ in length). A loop over the
-- shorter one: three times faster than 0006's set-returning version, and the refresher
-- calls it for every level row a tick touches.
CREATE OR REPLACE FUNCTION tollgate.hist_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
  r bigint[];
  s bigint[];
BEGIN
  IF a IS NULL THEN
    RETURN b;
  ELSIF b IS NULL THEN
    RETURN a;
  END IF;
  IF cardinality(a) >= cardinality(b) THEN
    r := a;
    s := b;
  ELSE
    r := b;
    s := a;
  END IF;
  FOR i IN 1 .. cardinality(s) LOOP
    r[i] := r[i] + s[i];
  END LOOP;
  RETURN r;
END
$$;

-- The first instant of local day p_day in p_zone, on a quarter hour (every real zone's
-- midnight and every shift of its offset fall on one). Usually local midnight; for a day
-- whose midnight was skipped, the instant the clocks jumped; for one whose midnight came
-- twice (a fall back from 01:00 to 00:00), the first of them, which AT TIME ZONE alone
-- does not give. A day the zone skipped whole starts where the next one does.
CREATE FUNCTION tollgate.local_day_start(p_day date, p_zone text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (
  WITH guess AS (
    SELECT date_bin('15 minutes', p_day::timestamp AT TIME ZONE p_zone,
                    timestamptz '2000-01-01 00:00+00') AS t
  )
  SELECT CASE
           WHEN (g.t AT TIME ZONE p_zone)::date >= p_day
                AND ((g.t - interval '15 minutes') AT TIME ZONE p_zone)::date < p_day
           THEN g.t
           ELSE (SELECT min(c) FROM generate_series(g.t - interval '3 hours', g.t + interval '27 hours',
                                                    interval '15 minutes') AS c
                 WHERE (c AT TIME ZONE p_zone)::date >= p_day)
         END
  FROM guess g
);

-- Whether p_at is the first instant of a local day of p_zone.
CREATE FUNCTION tollgate.is_local_day_start(p_at timestamptz, p_zone text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN ((p_at - interval '15 minutes') AT TIME ZONE p_zone)::date < (p_at AT TIME ZONE p_zone)::date;

-- A token count of a provider's response (usage.prompt_tokens, usage.completion_tokens) as
-- the platform wrote it: a whole number of up to 18 digits (or a string of them), else
-- none. Rows come from outside: a count of "abc", 2.5, -5 or 1e30 made the cast of 0006
-- fail, and with it every refresh, the live feed and every read of the tail, for as long
-- as the row existed (docs/reliability.md). Such a call still counts; its tokens count as
-- none.
CREATE FUNCTION tollgate.token_count(p_value text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_value ~ '^[0-9]{1,18}$' THEN p_value::bigint ELSE 0 END;

-- Whether rows lie after the watermark p_last_id. Readers skip the tail when none do: the
-- tail's query costs ten milliseconds to plan even when it finds nothing.
CREATE FUNCTION tollgate.usage_has_tail(p_last_id bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (SELECT 1 FROM tollgate.api_usage_tracking u WHERE u.api_usage_id > p_last_id);

-- The dimensions of the narrow levels, by the names usage_series() takes (a cost centre is
-- its feature's, looked up when read, so that moving a feature moves its history too).
CREATE FUNCTION tollgate.usage_dim(p_group text) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_group
         WHEN 'none' THEN 0
         WHEN 'provider' THEN 1
         WHEN 'endpoint' THEN 2
         WHEN 'request_type' THEN 3
         WHEN 'feature' THEN 4
         WHEN 'cost_centre' THEN 4
         WHEN 'region' THEN 5
         WHEN 'status_class' THEN 6
       END;

-- ---- the levels ----------------------------------------------------------------------

-- usage_rollup_dim_15m, _hour (UTC hours), _hour30 (hours from half past), and _day (local
-- days of rollup_state.billing_timezone, keyed by the date). A row holds one group of one
-- dimension: dim 0 (none, grp ''), 1 (provider, grp the slug), 2 endpoint, 3 request type,
-- 4 feature, 5 region, 6 status class (grp its digit) — for all providers together
-- (api_provider NULL) and, for dims 2 to 6, also per provider. A group of several
-- providers may mix currencies: native_currency is then '' and cost_native 0, as the
-- readers report such a group. latency is the histogram's text ("{0,3,17}", as bigint[]
-- prints it).
DO $$
DECLARE
  grain text;
BEGIN
  FOREACH grain IN ARRAY ARRAY['15m', 'hour', 'hour30', 'day'] LOOP
    EXECUTE format($t$
      CREATE TABLE tollgate.%1$I (
        dim             smallint NOT NULL,
        %2$s
        api_provider    text,                       -- NULL: every provider
        grp             text NOT NULL,
        calls           bigint NOT NULL,
        billable_calls  bigint NOT NULL,
        errors          bigint NOT NULL,
        timeouts        bigint NOT NULL,
        requests        bigint NOT NULL,
        credits         numeric NOT NULL,
        input_tokens    bigint NOT NULL,
        output_tokens   bigint NOT NULL,
        native_currency text NOT NULL,
        cost_native     numeric NOT NULL,
        cost            numeric NOT NULL,
        unpriced_calls  bigint NOT NULL,
        latency         text NOT NULL,
        CONSTRAINT %3$I UNIQUE NULLS NOT DISTINCT (dim, %4$s, api_provider, grp)
      )$t$,
      'usage_rollup_dim_' || grain,
      CASE grain WHEN 'day' THEN 'day date NOT NULL,' ELSE 'bucket_start timestamptz NOT NULL,' END,
      'usage_rollup_dim_' || grain || '_key',
      CASE grain WHEN 'day' THEN 'day' ELSE 'bucket_start' END);
  END LOOP;
END
$$;

-- Each user's figures per local day of rollup_state.billing_timezone, per provider and for
-- all providers together (api_provider NULL: a month of users is 60,000 such rows at 10M
-- rows where per provider it is 135,000). No latency: the per-user levels keep none.
CREATE TABLE tollgate.usage_rollup_user_day (
  day             date NOT NULL,
  user_id         bigint,                     -- NULL: calls made without a user
  api_provider    text,                       -- NULL: every provider
  calls           bigint NOT NULL,
  billable_calls  bigint NOT NULL,
  errors          bigint NOT NULL,
  timeouts        bigint NOT NULL,
  requests        bigint NOT NULL,
  credits         numeric NOT NULL,
  input_tokens    bigint NOT NULL,
  output_tokens   bigint NOT NULL,
  native_currency text NOT NULL,
  cost_native     numeric NOT NULL,
  cost            numeric NOT NULL,
  unpriced_calls  bigint NOT NULL,
  -- the provider before the user, so that a provider's days (or all providers') are a range
  CONSTRAINT usage_rollup_user_day_key UNIQUE NULLS NOT DISTINCT (day, api_provider, user_id)
);

-- Each user's figures per ISO week (from Monday) of local days, for all providers
-- together: a month of users reads about 24,000 rows of weeks and days where it reads
-- 60,000 of days alone (usage_top, docs/performance.md). week is the Monday's date.
CREATE TABLE tollgate.usage_rollup_user_week (
  week            date NOT NULL,
  user_id         bigint,                     -- NULL: calls made without a user
  calls           bigint NOT NULL,
  billable_calls  bigint NOT NULL,
  errors          bigint NOT NULL,
  timeouts        bigint NOT NULL,
  requests        bigint NOT NULL,
  credits         numeric NOT NULL,
  input_tokens    bigint NOT NULL,
  output_tokens   bigint NOT NULL,
  native_currency text NOT NULL,
  cost_native     numeric NOT NULL,
  cost            numeric NOT NULL,
  unpriced_calls  bigint NOT NULL,
  CONSTRAINT usage_rollup_user_week_key UNIQUE NULLS NOT DISTINCT (week, user_id)
);

-- The billing months get the figures the days have, so that a range of whole months reads
-- the same figures from either (they are rebuilt from the days at the end).
ALTER TABLE tollgate.usage_rollup_user_month
  ADD COLUMN timeouts bigint NOT NULL DEFAULT 0,
  ADD COLUMN requests bigint NOT NULL DEFAULT 0,
  ADD COLUMN input_tokens bigint NOT NULL DEFAULT 0,
  ADD COLUMN output_tokens bigint NOT NULL DEFAULT 0;

-- ---- the new rows, summed once for every level ----------------------------------------

-- Usage rows with ids in (p_after, p_upto] (p_after NULL: all up to p_upto), created in
-- [p_since, p_until) and of p_provider (each bound optional), summed and priced for the
-- levels:
--   kind 'w': per 15-minute UTC bucket and every dimension, as usage_rollup_15m holds them
--             (when p_wide);
--   kind 'u': per local day of p_zone, user and provider, as usage_rollup_user_day holds
--             them (when p_users).
-- The refresher adds exactly this to the levels; readers add it for the tail.
--
-- One scan: the rows are summed two ways at once (GROUPING SETS), per user and price key
-- and per dimension and latency bucket; each group is priced by a rule looked up once per
-- (quarter hour, provider, endpoint, request type). On 50,000 rows of live traffic this
-- costs half the CPU of 0006's two scans (usage_delta and usage_user_delta) together
-- (docs/performance.md).
CREATE FUNCTION tollgate.usage_delta_split(p_after bigint, p_upto bigint, p_since timestamptz,
                                           p_until timestamptz, p_provider text, p_zone text,
                                           p_wide boolean, p_users boolean)
RETURNS TABLE (kind "char", bucket_start timestamptz, day date, user_id bigint,
               api_provider text, api_endpoint text, request_type text, feature text,
               region text, status_class smallint, calls bigint, billable_calls bigint,
               errors bigint, timeouts bigint, requests bigint, credits numeric,
               input_tokens bigint, output_tokens bigint, native_currency text,
               cost_native numeric, cost numeric, unpriced_calls bigint, latency bigint[])
LANGUAGE sql STABLE
AS $$
  WITH s AS MATERIALIZED (
    SELECT u.b, u.p, u.e, u.rt, u.f, u.rg, u.sc, u.ok, u.bl, u.uid, u.lat,
           grouping(u.uid) AS gs,         -- 0: per user, 1: per dimension and latency
           sum(u.calls)::bigint AS calls, count(*) AS requests, sum(u.credits) AS credits,
           sum(u.tin)::bigint AS input_tokens, sum(u.tout)::bigint AS output_tokens,
           coalesce(sum(u.calls) FILTER (WHERE u.sc IN (0, 4, 5)), 0)::bigint AS errors,
           coalesce(sum(u.calls) FILTER (WHERE u.sc = 0), 0)::bigint AS timeouts
    FROM (
      SELECT date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00+00') AS b,
             r.api_provider AS p, r.api_endpoint AS e, r.request_type AS rt,
             coalesce(r.feature, '') AS f, coalesce(r.region, '') AS rg,
             (r.response_status / 100)::smallint AS sc,
             r.response_status BETWEEN 200 AND 299 AS ok, r.is_billable AS bl,
             CASE WHEN p_users THEN r.user_id END AS uid,
             CASE WHEN p_wide THEN tollgate.latency_bucket(r.response_time) END AS lat,
             r.call_count AS calls, r.credit_cost AS credits,
             tollgate.token_count(r.response_data #>> '{usage,prompt_tokens}') AS tin,
             tollgate.token_count(r.response_data #>> '{usage,completion_tokens}') AS tout
      FROM tollgate.api_usage_tracking r
      -- p_after NULL: every row up to p_upto, found by created_at (the BRIN index) with the
      -- id as a mere filter, for rebuilds a day at a time; as an index condition the id
      -- made each day scan its whole month's primary key.
      WHERE CASE WHEN p_after IS NULL THEN p_upto IS NULL OR r.api_usage_id + 0 <= p_upto
                 ELSE r.api_usage_id > p_after AND (p_upto IS NULL OR r.api_usage_id <= p_upto)
            END
        AND (p_since IS NULL OR r.created_at >= p_since)
        AND (p_until IS NULL OR r.created_at < p_until)
        AND (p_provider IS NULL OR r.api_provider = p_provider)
    ) AS u
    GROUP BY GROUPING SETS ((u.b, u.p, u.e, u.rt, u.ok, u.bl, u.uid),
                            (u.b, u.p, u.e, u.rt, u.f, u.rg, u.sc, u.ok, u.bl, u.lat))
  ),
  -- Rules are looked up once per price key (quarter hour, provider, endpoint, request
  -- type), then joined to the groups: a few dozen keys a tick, hashed (a join of two
  -- large sets planned for one row each once ran for minutes; this one's inner side is
  -- always small).
  rules AS MATERIALIZED (
    SELECT k.b, k.p, k.e, k.rt, pr AS rule
    FROM (SELECT DISTINCT s.b, s.p, s.e, s.rt FROM s) AS k
    CROSS JOIN LATERAL tollgate.price_rule_at(k.b, k.p, k.e, k.rt) AS pr
  ),
  priced AS MATERIALIZED (
    SELECT s.*, (k.rule).currency AS currency, (k.rule).rate AS rate,
           tollgate.price_bills(k.rule, s.bl, s.ok) AS billed,
           tollgate.price_known(k.rule) AS known,
           tollgate.price_charge(k.rule, s.bl, s.ok, s.calls, s.credits, s.input_tokens,
                                 s.output_tokens) AS cost_native
    FROM s
    JOIN rules k ON k.b = s.b AND k.p = s.p AND k.e = s.e AND k.rt = s.rt
  )
  -- Per dimension: the latency groups summed, their histogram built from the (bucket,
  -- count) pairs in the same aggregation.
  SELECT 'w'::"char", x.b, NULL::date, NULL::bigint, x.p, x.e, x.rt, x.f, x.rg, x.sc,
         sum(x.calls)::bigint,
         coalesce(sum(x.calls) FILTER (WHERE x.billed), 0)::bigint,
         sum(x.errors)::bigint, sum(x.timeouts)::bigint, sum(x.requests)::bigint,
         sum(x.credits), sum(x.input_tokens)::bigint, sum(x.output_tokens)::bigint, max(x.currency),
         sum(x.cost_native), sum(x.cost_native * coalesce(x.rate, 0)),
         coalesce(sum(x.calls) FILTER (WHERE x.billed AND NOT x.known), 0)::bigint,
         coalesce(tollgate.hist_from(array_agg(x.lat) FILTER (WHERE x.lat IS NOT NULL),
                                     array_agg(x.requests) FILTER (WHERE x.lat IS NOT NULL)), '{}')
  FROM priced x
  WHERE x.gs = 1 AND p_wide
  GROUP BY x.b, x.p, x.e, x.rt, x.f, x.rg, x.sc
  UNION ALL
  SELECT 'u'::"char", NULL::timestamptz, (x.b AT TIME ZONE p_zone)::date, x.uid, x.p,
         NULL::text, NULL::text, NULL::text, NULL::text, NULL::smallint,
         sum(x.calls)::bigint, coalesce(sum(x.calls) FILTER (WHERE x.billed), 0)::bigint,
         sum(x.errors)::bigint, sum(x.timeouts)::bigint, sum(x.requests)::bigint,
         sum(x.credits), sum(x.input_tokens)::bigint, sum(x.output_tokens)::bigint,
         max(x.currency), sum(x.cost_native), sum(x.cost_native * coalesce(x.rate, 0)),
         coalesce(sum(x.calls) FILTER (WHERE x.billed AND NOT x.known), 0)::bigint,
         NULL::bigint[]
  FROM priced x
  WHERE x.gs = 0 AND p_users
  GROUP BY (x.b AT TIME ZONE p_zone)::date, x.uid, x.p
$$;

-- The wide 15-minute delta, as 0006 defined it (the tail of the readers), now from the one
-- pipeline above.
CREATE OR REPLACE FUNCTION tollgate.usage_delta(p_after bigint, p_upto bigint,
                                                p_since timestamptz DEFAULT NULL)
RETURNS SETOF tollgate.usage_rollup_15m
LANGUAGE sql STABLE
AS $$
  SELECT d.bucket_start, d.api_provider, d.api_endpoint, d.request_type, d.feature, d.region,
         d.status_class, d.calls, d.billable_calls, d.errors, d.timeouts, d.requests, d.credits,
         d.input_tokens, d.output_tokens, d.native_currency, d.cost_native, d.cost,
         d.unpriced_calls, d.latency
  FROM tollgate.usage_delta_split(nullif(p_after, 0), p_upto, p_since, NULL, NULL, 'UTC', true,
                                  false) d
$$;

-- The per-user months, as 0006 defined them (user_month_totals' tail, and tests), from the
-- per-user days: a month of p_zone is a run of its days.
CREATE OR REPLACE FUNCTION tollgate.usage_user_delta(p_after bigint, p_upto bigint, p_zone text,
                                                     p_since timestamptz DEFAULT NULL,
                                                     p_until timestamptz DEFAULT NULL,
                                                     p_provider text DEFAULT NULL)
RETURNS SETOF tollgate.usage_rollup_user_month
LANGUAGE sql STABLE
AS $$
  SELECT date_trunc('month', d.day::timestamp)::date, d.user_id, d.api_provider, sum(d.calls)::bigint,
         sum(d.billable_calls)::bigint, sum(d.errors)::bigint, sum(d.credits),
         max(d.native_currency), sum(d.cost_native), sum(d.cost), sum(d.unpriced_calls)::bigint,
         sum(d.timeouts)::bigint, sum(d.requests)::bigint, sum(d.input_tokens)::bigint,
         sum(d.output_tokens)::bigint
  FROM tollgate.usage_delta_split(nullif(p_after, 0), p_upto, p_since, p_until, p_provider, p_zone,
                                  false, true) d
  GROUP BY 1, 2, 3
$$;

-- ---- writing the levels ----------------------------------------------------------------

-- tollgate.rollup_dims_add(p_days_only, p_from): adds the wide rows of the session's
-- rollup_wide table to the narrow levels (all four grains, or the days alone; p_from: only
-- the buckets from the one holding p_from on, for a rebuild). First the wide rows are
-- grouped twelve ways at once into the session's rollup_dims, at 15 minutes (GROUPING
-- SETS: none; provider; each of the five other dimensions alone and per provider); then
-- each grain sums those few rows into its buckets and adds them to its level. Histograms
-- are summed with one int4 sum per position (an int4 sum keeps a by-value state where an
-- int8 sum keeps a numeric one; a quarter hour counts far fewer than 2^31 calls of one
-- latency bucket). @DIMS@ below becomes the INSERT … ON CONFLICT of each grain.
DO $do$
DECLARE
  sums text;
  statements text := '';
  grain record;
  set_clause text := $s$
      calls = r.calls + excluded.calls,
      billable_calls = r.billable_calls + excluded.billable_calls,
      errors = r.errors + excluded.errors,
      timeouts = r.timeouts + excluded.timeouts,
      requests = r.requests + excluded.requests,
      credits = r.credits + excluded.credits,
      input_tokens = r.input_tokens + excluded.input_tokens,
      output_tokens = r.output_tokens + excluded.output_tokens,
      native_currency = CASE WHEN r.native_currency = excluded.native_currency
                             THEN r.native_currency ELSE '' END,
      cost_native = CASE WHEN r.native_currency = excluded.native_currency
                         THEN r.cost_native + excluded.cost_native ELSE 0 END,
      cost = r.cost + excluded.cost,
      unpriced_calls = r.unpriced_calls + excluded.unpriced_calls,
      latency = tollgate.hist_add(r.latency::bigint[], excluded.latency::bigint[])::text;$s$;
  figures text := $f$
             sum(d.calls)::bigint AS calls, sum(d.billable_calls)::bigint AS billable_calls,
             sum(d.errors)::bigint AS errors, sum(d.timeouts)::bigint AS timeouts,
             sum(d.requests)::bigint AS requests, sum(d.credits) AS credits,
             sum(d.input_tokens)::bigint AS input_tokens,
             sum(d.output_tokens)::bigint AS output_tokens,
             CASE WHEN min(d.native_currency) = max(d.native_currency)
                  THEN min(d.native_currency) ELSE '' END AS native_currency,
             CASE WHEN min(d.native_currency) = max(d.native_currency)
                  THEN sum(d.cost_native) ELSE 0 END AS cost_native,
             sum(d.cost) AS cost, sum(d.unpriced_calls)::bigint AS unpriced_calls,
             coalesce(max(cardinality(d.latency)), 0) AS width,$f$;
BEGIN
  SELECT string_agg(format('sum(d.latency[%s]::integer)', i), ', ' ORDER BY i) INTO sums
  FROM generate_series(1, cardinality(tollgate.latency_thresholds()) + 1) AS i;

  FOR grain IN
    SELECT * FROM (VALUES
      ('15m', 'bucket_start', 'd.bucket_start', 'p_from', false),
      ('hour', 'bucket_start', 'date_trunc(''hour'', d.bucket_start, ''UTC'')',
       'date_trunc(''hour'', p_from, ''UTC'')', false),
      ('hour30', 'bucket_start',
       'date_bin(''1 hour'', d.bucket_start, timestamptz ''2000-01-01 00:30+00'')',
       'date_bin(''1 hour'', p_from, timestamptz ''2000-01-01 00:30+00'')', false),
      ('day', 'day', '(d.bucket_start AT TIME ZONE v_zone)::date',
       'tollgate.local_day_start((p_from AT TIME ZONE v_zone)::date, v_zone)', true)
    ) AS t(name, key, expr, first, is_day)
  LOOP
    statements := statements || format($s$
  IF NOT p_days_only OR %4$L THEN
    INSERT INTO tollgate.%1$I AS r
      (dim, %2$s, api_provider, grp, calls, billable_calls, errors, timeouts, requests, credits,
       input_tokens, output_tokens, native_currency, cost_native, cost, unpriced_calls, latency)
    SELECT h.dim, h.k, h.api_provider, h.grp, h.calls, h.billable_calls, h.errors, h.timeouts,
           h.requests, h.credits, h.input_tokens, h.output_tokens, h.native_currency,
           h.cost_native, h.cost, h.unpriced_calls,
           trim_array(h.latency, cardinality(h.latency) - h.width)::text
    FROM (
      SELECT d.dim, %3$s AS k, d.api_provider, d.grp, %6$s
             ARRAY[%5$s]::bigint[] AS latency
      FROM rollup_dims d
      WHERE p_from IS NULL OR d.bucket_start >= %7$s
      GROUP BY 1, 2, 3, 4
    ) AS h
    ON CONFLICT ON CONSTRAINT %1$I_key
    DO UPDATE SET%8$s
  END IF;
$s$,
      'usage_rollup_dim_' || grain.name, grain.key, grain.expr, grain.is_day, sums, figures,
      grain.first, set_clause);
  END LOOP;

  EXECUTE replace(replace(replace($fn$
CREATE FUNCTION tollgate.rollup_dims_add(p_days_only boolean DEFAULT false,
                                         p_from timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_zone text;
BEGIN
  SELECT st.billing_timezone INTO v_zone FROM tollgate.rollup_state st;
  -- NULL: every row of rollup_wide (-infinity would be out of date_bin()'s range).
  IF p_from = '-infinity' THEN
    p_from := NULL;
  END IF;

  TRUNCATE rollup_dims;
  INSERT INTO rollup_dims
  SELECT CASE g.mask & 31 WHEN 31 THEN CASE WHEN g.mask = 63 THEN 0 ELSE 1 END
                          WHEN 15 THEN 2 WHEN 23 THEN 3 WHEN 27 THEN 4 WHEN 29 THEN 5
                          ELSE 6 END,
         g.bucket_start,
         CASE WHEN g.mask & 31 <> 31 THEN g.p END,
         coalesce(g.e, g.rt, g.f, g.rg, g.sc::text, g.p, ''),
         g.calls, g.billable_calls, g.errors, g.timeouts, g.requests, g.credits, g.input_tokens,
         g.output_tokens, g.native_currency, g.cost_native, g.cost, g.unpriced_calls,
         trim_array(g.latency, cardinality(g.latency) - g.width)
  FROM (
    SELECT d.bucket_start,
           grouping(d.api_provider, d.api_endpoint, d.request_type, d.feature, d.region,
                    d.status_class) AS mask,
           d.api_provider AS p, d.api_endpoint AS e, d.request_type AS rt, d.feature AS f,
           d.region AS rg, d.status_class AS sc, @FIGURES@
           ARRAY[@SUMS@]::bigint[] AS latency
    FROM rollup_wide d
    GROUP BY GROUPING SETS ((d.bucket_start), (d.bucket_start, d.api_provider),
                            (d.bucket_start, d.api_endpoint),
                            (d.bucket_start, d.api_provider, d.api_endpoint),
                            (d.bucket_start, d.request_type),
                            (d.bucket_start, d.api_provider, d.request_type),
                            (d.bucket_start, d.feature), (d.bucket_start, d.api_provider, d.feature),
                            (d.bucket_start, d.region), (d.bucket_start, d.api_provider, d.region),
                            (d.bucket_start, d.status_class),
                            (d.bucket_start, d.api_provider, d.status_class))
  ) AS g;
@DIMS@
END
$$
$fn$, '@DIMS@', statements), '@SUMS@', sums), '@FIGURES@', figures);

  -- The narrow days again, from the narrow quarters (the zone's days changed): a row per
  -- dimension and quarter rather than twelve groupings of every wide row.
  EXECUTE replace(replace($fn$
CREATE FUNCTION tollgate.rollup_dim_days_from_quarters(p_from timestamptz)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_zone text;
BEGIN
  SELECT st.billing_timezone INTO v_zone FROM tollgate.rollup_state st;
  INSERT INTO tollgate.usage_rollup_dim_day
    (dim, day, api_provider, grp, calls, billable_calls, errors, timeouts, requests, credits,
     input_tokens, output_tokens, native_currency, cost_native, cost, unpriced_calls, latency)
  SELECT h.dim, h.k, h.api_provider, h.grp, h.calls, h.billable_calls, h.errors, h.timeouts,
         h.requests, h.credits, h.input_tokens, h.output_tokens, h.native_currency,
         h.cost_native, h.cost, h.unpriced_calls,
         trim_array(h.latency, cardinality(h.latency) - h.width)::text
  FROM (
    SELECT d.dim, (d.bucket_start AT TIME ZONE v_zone)::date AS k, d.api_provider, d.grp, @FIGURES@
           ARRAY[@SUMS@]::bigint[] AS latency
    FROM (SELECT q.dim, q.bucket_start, q.api_provider, q.grp, q.calls, q.billable_calls,
                 q.errors, q.timeouts, q.requests, q.credits, q.input_tokens, q.output_tokens,
                 q.native_currency, q.cost_native, q.cost, q.unpriced_calls,
                 q.latency::bigint[] AS latency
          FROM tollgate.usage_rollup_dim_15m q
          WHERE p_from IS NULL OR q.bucket_start >= p_from
          OFFSET 0) AS d
    GROUP BY 1, 2, 3, 4
  ) AS h;
END
$$
$fn$, '@SUMS@', sums), '@FIGURES@', figures);
END
$do$;

-- The session's work tables of the refresher and of the rebuilds: kept for the session
-- (emptied at commit), so that each tick does not create tables and re-plan every
-- statement that reads them.
CREATE FUNCTION tollgate.rollup_work_tables() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- Looked up rather than CREATE … IF NOT EXISTS, which says NOTICE every tick.
  IF to_regclass('pg_temp.rollup_dims') IS NULL THEN
    CREATE TEMPORARY TABLE rollup_wide (LIKE tollgate.usage_rollup_15m) ON COMMIT DELETE ROWS;
    CREATE TEMPORARY TABLE rollup_users (LIKE tollgate.usage_rollup_user_day)
      ON COMMIT DELETE ROWS;
    -- the wide rows grouped by each dimension at 15 minutes (rollup_dims_add)
    CREATE TEMPORARY TABLE rollup_dims (
      dim smallint, bucket_start timestamptz, api_provider text, grp text, calls bigint,
      billable_calls bigint, errors bigint, timeouts bigint, requests bigint, credits numeric,
      input_tokens bigint, output_tokens bigint, native_currency text, cost_native numeric,
      cost numeric, unpriced_calls bigint, latency bigint[]
    ) ON COMMIT DELETE ROWS;
  END IF;
  TRUNCATE rollup_wide, rollup_users, rollup_dims;
END
$$;

-- Adds the session's rollup_users rows to the per-user days, and to the weeks and months
-- unless p_days_only (a rebuild sums those from the days at the end: a month row added to
-- by every pass of one transaction grew a chain of versions each pass had to walk).
CREATE FUNCTION tollgate.rollup_users_add(p_days_only boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
BEGIN
  INSERT INTO tollgate.usage_rollup_user_day AS r
  SELECT * FROM rollup_users
  UNION ALL
  SELECT u.day, u.user_id, NULL, sum(u.calls), sum(u.billable_calls), sum(u.errors),
         sum(u.timeouts), sum(u.requests), sum(u.credits), sum(u.input_tokens),
         sum(u.output_tokens),
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN min(u.native_currency)
              ELSE '' END,
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN sum(u.cost_native)
              ELSE 0 END,
         sum(u.cost), sum(u.unpriced_calls)
  FROM rollup_users u
  GROUP BY u.day, u.user_id
  ON CONFLICT ON CONSTRAINT usage_rollup_user_day_key
  DO UPDATE SET
    calls = r.calls + excluded.calls,
    billable_calls = r.billable_calls + excluded.billable_calls,
    errors = r.errors + excluded.errors,
    timeouts = r.timeouts + excluded.timeouts,
    requests = r.requests + excluded.requests,
    credits = r.credits + excluded.credits,
    input_tokens = r.input_tokens + excluded.input_tokens,
    output_tokens = r.output_tokens + excluded.output_tokens,
    -- a user's providers may bill in several currencies (the rows of all providers)
    native_currency = CASE WHEN r.native_currency = excluded.native_currency
                           THEN r.native_currency ELSE '' END,
    cost_native = CASE WHEN r.native_currency = excluded.native_currency
                       THEN r.cost_native + excluded.cost_native ELSE 0 END,
    cost = r.cost + excluded.cost,
    unpriced_calls = r.unpriced_calls + excluded.unpriced_calls;

  IF p_days_only THEN
    RETURN;
  END IF;

  INSERT INTO tollgate.usage_rollup_user_week AS r
  SELECT u.day - (extract(isodow FROM u.day)::integer - 1), u.user_id, sum(u.calls),
         sum(u.billable_calls), sum(u.errors), sum(u.timeouts), sum(u.requests), sum(u.credits),
         sum(u.input_tokens), sum(u.output_tokens),
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN min(u.native_currency)
              ELSE '' END,
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN sum(u.cost_native)
              ELSE 0 END,
         sum(u.cost), sum(u.unpriced_calls)
  FROM rollup_users u
  GROUP BY 1, 2
  ON CONFLICT ON CONSTRAINT usage_rollup_user_week_key
  DO UPDATE SET
    calls = r.calls + excluded.calls,
    billable_calls = r.billable_calls + excluded.billable_calls,
    errors = r.errors + excluded.errors,
    timeouts = r.timeouts + excluded.timeouts,
    requests = r.requests + excluded.requests,
    credits = r.credits + excluded.credits,
    input_tokens = r.input_tokens + excluded.input_tokens,
    output_tokens = r.output_tokens + excluded.output_tokens,
    native_currency = CASE WHEN r.native_currency = excluded.native_currency
                           THEN r.native_currency ELSE '' END,
    cost_native = CASE WHEN r.native_currency = excluded.native_currency
                       THEN r.cost_native + excluded.cost_native ELSE 0 END,
    cost = r.cost + excluded.cost,
    unpriced_calls = r.unpriced_calls + excluded.unpriced_calls;

  INSERT INTO tollgate.usage_rollup_user_month AS r
    (month, user_id, api_provider, calls, billable_calls, errors, credits, native_currency,
     cost_native, cost, unpriced_calls, timeouts, requests, input_tokens, output_tokens)
  SELECT date_trunc('month', u.day::timestamp)::date, u.user_id, u.api_provider, sum(u.calls),
         sum(u.billable_calls), sum(u.errors), sum(u.credits), max(u.native_currency),
         sum(u.cost_native), sum(u.cost), sum(u.unpriced_calls), sum(u.timeouts),
         sum(u.requests), sum(u.input_tokens), sum(u.output_tokens)
  FROM rollup_users u
  GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT usage_rollup_user_month_key
  DO UPDATE SET
    calls = r.calls + excluded.calls,
    billable_calls = r.billable_calls + excluded.billable_calls,
    errors = r.errors + excluded.errors,
    credits = r.credits + excluded.credits,
    native_currency = greatest(r.native_currency, excluded.native_currency),
    cost_native = r.cost_native + excluded.cost_native,
    cost = r.cost + excluded.cost,
    unpriced_calls = r.unpriced_calls + excluded.unpriced_calls,
    timeouts = r.timeouts + excluded.timeouts,
    requests = r.requests + excluded.requests,
    input_tokens = r.input_tokens + excluded.input_tokens,
    output_tokens = r.output_tokens + excluded.output_tokens;
END
$$;

-- Adds ids (p_after, p_upto] created at or after p_since to the levels asked for: the
-- wide 15-minute one (p_wide), the narrow ones (p_dims, from the same wide rows) and the
-- per-user days and, unless not p_user_months, months (p_users), from one scan of the
-- rows (usage_delta_split).
-- Returns the number of rows added to the wide level (else 0).
--
-- At most 100,000 ids a pass, found through the primary key: a tick's rows (50,000 at
-- 10,000 rows/s and a 5 s tick) are one pass, and a back-fill or a rebuild of millions is
-- many, whose sums each fit in memory (a single pass over a million rows spilled its hash
-- tables to disk and took seven times as long a row).
CREATE FUNCTION tollgate.rollup_rows_add(p_after bigint, p_upto bigint, p_since timestamptz,
                                         p_wide boolean, p_dims boolean, p_users boolean,
                                         p_user_months boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  n bigint := 0;
  added bigint;
  v_zone text;
  v_lo bigint := p_after;
  v_hi bigint;
BEGIN
  SELECT st.billing_timezone INTO v_zone FROM tollgate.rollup_state st;

  WHILE v_lo < p_upto LOOP
    v_hi := least(v_lo + 100000, p_upto);
    PERFORM tollgate.rollup_work_tables();

    -- One call sums both kinds of rows; each goes to its work table.
    WITH d AS (
      SELECT *
      FROM tollgate.usage_delta_split(v_lo, v_hi, p_since, NULL, NULL, v_zone,
                                      p_wide OR p_dims, p_users)
    ),
    users AS (
      INSERT INTO rollup_users
      SELECT d.day, d.user_id, d.api_provider, d.calls, d.billable_calls, d.errors, d.timeouts,
             d.requests, d.credits, d.input_tokens, d.output_tokens, d.native_currency,
             d.cost_native, d.cost, d.unpriced_calls
      FROM d
      WHERE d.kind = 'u'
    )
    INSERT INTO rollup_wide
    SELECT d.bucket_start, d.api_provider, d.api_endpoint, d.request_type, d.feature, d.region,
           d.status_class, d.calls, d.billable_calls, d.errors, d.timeouts, d.requests, d.credits,
           d.input_tokens, d.output_tokens, d.native_currency, d.cost_native, d.cost,
           d.unpriced_calls, d.latency
    FROM d
    WHERE d.kind = 'w';

    IF p_wide THEN
      SELECT coalesce(sum(w.requests), 0) INTO added FROM rollup_wide w;
      n := n + added;

      INSERT INTO tollgate.usage_rollup_15m AS r SELECT * FROM rollup_wide
      ON CONFLICT (bucket_start, api_provider, api_endpoint, request_type, feature, region,
                   status_class)
      DO UPDATE SET
        calls = r.calls + excluded.calls,
        billable_calls = r.billable_calls + excluded.billable_calls,
        errors = r.errors + excluded.errors,
        timeouts = r.timeouts + excluded.timeouts,
        requests = r.requests + excluded.requests,
        credits = r.credits + excluded.credits,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        native_currency = greatest(r.native_currency, excluded.native_currency),
        cost_native = r.cost_native + excluded.cost_native,
        cost = r.cost + excluded.cost,
        unpriced_calls = r.unpriced_calls + excluded.unpriced_calls,
        latency = tollgate.hist_add(r.latency, excluded.latency);
    END IF;
    IF p_dims THEN
      PERFORM tollgate.rollup_dims_add();
    END IF;
    IF p_users THEN
      PERFORM tollgate.rollup_users_add(NOT p_user_months);
    END IF;
    v_lo := v_hi;
  END LOOP;
  RETURN n;
END
$$;

-- Adds ids (p_after, p_upto] created at or after p_since to every level (the refresher).
CREATE OR REPLACE FUNCTION tollgate.rollup_add(p_after bigint, p_upto bigint,
                                               p_since timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
RETURN tollgate.rollup_rows_add(p_after, p_upto, p_since, true, true, true);

-- Rebuilds the narrow levels from the wide 15-minute one for every bucket that holds
-- quarters at or after p_from (NULL: all of them), or only their days (after a change of
-- the billing time zone). The wide level is exact up to the watermark, so the narrow ones
-- are too.
CREATE FUNCTION tollgate.rollup_dims_rebuild(p_from timestamptz, p_days_only boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_zone text;
  v_source timestamptz;
  v_day timestamptz;
BEGIN
  SELECT st.billing_timezone INTO v_zone FROM tollgate.rollup_state st;
  IF p_from = '-infinity' THEN
    p_from := NULL;
  END IF;

  IF p_from IS NULL THEN
    IF NOT p_days_only THEN
      DELETE FROM tollgate.usage_rollup_dim_15m;
      DELETE FROM tollgate.usage_rollup_dim_hour;
      DELETE FROM tollgate.usage_rollup_dim_hour30;
    END IF;
    DELETE FROM tollgate.usage_rollup_dim_day;
  ELSE
    IF NOT p_days_only THEN
      DELETE FROM tollgate.usage_rollup_dim_15m WHERE bucket_start >= p_from;
      DELETE FROM tollgate.usage_rollup_dim_hour
      WHERE bucket_start >= date_trunc('hour', p_from, 'UTC');
      DELETE FROM tollgate.usage_rollup_dim_hour30
      WHERE bucket_start >= date_bin('1 hour', p_from, timestamptz '2000-01-01 00:30+00');
    END IF;
    DELETE FROM tollgate.usage_rollup_dim_day WHERE day >= (p_from AT TIME ZONE v_zone)::date;
    -- the first quarter of the earliest bucket rebuilt: a day's or a half-past hour's
    v_source := least(date_bin('1 hour', p_from, timestamptz '2000-01-01 00:30+00'),
                      tollgate.local_day_start((p_from AT TIME ZONE v_zone)::date, v_zone));
  END IF;

  -- Days alone: from the narrow quarters, which are per UTC quarter and stay as they are.
  IF p_days_only THEN
    PERFORM tollgate.rollup_dim_days_from_quarters(
      CASE WHEN p_from IS NOT NULL
           THEN tollgate.local_day_start((p_from AT TIME ZONE v_zone)::date, v_zone) END);
    RETURN;
  END IF;

  -- A UTC day of wide rows at a time: grouped at once, the twelve groupings of 92 days
  -- would keep a million groups of histogram sums in memory. The levels add up what the
  -- batches give a bucket that spans two of them.
  FOR v_day IN
    SELECT DISTINCT date_trunc('day', r.bucket_start, 'UTC')
    FROM tollgate.usage_rollup_15m r
    WHERE v_source IS NULL OR r.bucket_start >= date_trunc('day', v_source, 'UTC')
    ORDER BY 1
  LOOP
    PERFORM tollgate.rollup_work_tables();
    INSERT INTO rollup_wide
    SELECT * FROM tollgate.usage_rollup_15m r
    WHERE r.bucket_start >= greatest(v_day, v_source) AND r.bucket_start < v_day + interval '1 day';
    PERFORM tollgate.rollup_dims_add(p_days_only, p_from);
  END LOOP;
END
$$;

-- Rebuilds the per-user days and months from the raw rows up to p_upto, for the months
-- from p_month on (NULL: all).
CREATE FUNCTION tollgate.rollup_users_rebuild(p_upto bigint, p_month date)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  v_zone text;
  v_since timestamptz;
  v_week date;
BEGIN
  SELECT st.billing_timezone INTO v_zone FROM tollgate.rollup_state st;
  IF p_month = '-infinity' THEN
    p_month := NULL;
  END IF;
  DELETE FROM tollgate.usage_rollup_user_day WHERE p_month IS NULL OR day >= p_month;
  DELETE FROM tollgate.usage_rollup_user_month WHERE p_month IS NULL OR month >= p_month;
  -- the weeks that hold days from p_month on; summed again from all their days below
  v_week := p_month - (extract(isodow FROM p_month)::integer - 1);
  DELETE FROM tollgate.usage_rollup_user_week WHERE p_month IS NULL OR week >= v_week;

  v_since := CASE WHEN p_month IS NOT NULL THEN tollgate.local_day_start(p_month, v_zone) END;
  -- Every row up to the watermark, a pass of ids at a time; the days add up what two
  -- passes give them, and the months are their days.
  PERFORM tollgate.rollup_rows_add(0, p_upto, v_since, false, false, true, false);
  INSERT INTO tollgate.usage_rollup_user_month
    (month, user_id, api_provider, calls, billable_calls, errors, credits, native_currency,
     cost_native, cost, unpriced_calls, timeouts, requests, input_tokens, output_tokens)
  SELECT date_trunc('month', u.day::timestamp)::date, u.user_id, u.api_provider, sum(u.calls),
         sum(u.billable_calls), sum(u.errors), sum(u.credits), max(u.native_currency),
         sum(u.cost_native), sum(u.cost), sum(u.unpriced_calls), sum(u.timeouts),
         sum(u.requests), sum(u.input_tokens), sum(u.output_tokens)
  FROM tollgate.usage_rollup_user_day u
  WHERE u.api_provider IS NOT NULL AND (p_month IS NULL OR u.day >= p_month)
  GROUP BY 1, 2, 3;
  INSERT INTO tollgate.usage_rollup_user_week
  SELECT u.day - (extract(isodow FROM u.day)::integer - 1), u.user_id, sum(u.calls),
         sum(u.billable_calls), sum(u.errors), sum(u.timeouts), sum(u.requests), sum(u.credits),
         sum(u.input_tokens), sum(u.output_tokens),
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN min(u.native_currency)
              ELSE '' END,
         CASE WHEN min(u.native_currency) = max(u.native_currency) THEN sum(u.cost_native)
              ELSE 0 END,
         sum(u.cost), sum(u.unpriced_calls)
  FROM tollgate.usage_rollup_user_day u
  WHERE u.api_provider IS NULL AND (p_month IS NULL OR u.day >= v_week)
  GROUP BY 1, 2;
END
$$;

-- The day levels hold local days of the billing time zone they were built for
-- (rollup_state.billing_timezone): the per-user days and months, and the narrow days. When
-- the billing-timezone setting has changed since, rebuilds them in the new zone — the
-- users from the raw rows up to p_upto (the watermark), the narrow days from the wide
-- 15-minute level — and returns true. Called by the refresher and by recompute_rollups,
-- under their lock, so that an administrator's change of the setting stays a quick UPDATE
-- and the rebuild runs on the refresher's connection; readers meanwhile cut buckets into
-- hours and read users from raw rows (usage_series, user_month_totals).
CREATE OR REPLACE FUNCTION tollgate.rollup_follow_billing_zone(p_upto bigint)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  zone text;
BEGIN
  SELECT value INTO zone FROM tollgate.settings WHERE key = 'billing-timezone';
  IF zone IS NULL OR zone = (SELECT billing_timezone FROM tollgate.rollup_state) THEN
    RETURN false;
  END IF;

  UPDATE tollgate.rollup_state SET billing_timezone = zone;
  PERFORM tollgate.rollup_users_rebuild(p_upto, NULL);
  PERFORM tollgate.rollup_dims_rebuild(NULL, true);
  RETURN true;
END
$$;

-- Adds the rows that arrived since the watermark to every level. Safe with concurrent
-- writers (no row missed: the watermark stops below any id that may still commit) and with
-- concurrent refreshers (they take turns on an advisory lock; each statement then sees what
-- the previous one committed). Late rows, whatever their created_at, are found by id.
-- Returns the rows added and the new watermark; NOTIFYs tollgate_usage when it added any.
--
-- Every level follows every call, the per-user ones included: the one scan of the new rows
-- that the others need sums them too (usage_delta_split), which costs less than the
-- separate scan 0006 saved up for every p_users_every. p_users_every is kept for the
-- callers and has no effect.
CREATE OR REPLACE FUNCTION tollgate.refresh_rollups(p_max_rows integer DEFAULT 1000000,
                                                    p_users_every interval DEFAULT '0',
                                                    OUT rows_added bigint, OUT last_id bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  snap pg_snapshot;
  proven bigint;
  from_id bigint;
  upto bigint;
  batch_max bigint;
  previous timestamptz;
  user_from bigint;
  n_ids bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'tollgate.refresh_rollups() must run at READ COMMITTED, not %',
      current_setting('transaction_isolation');
  END IF;

  PERFORM tollgate.take_refresher_lock();   -- 0009: bounded, names who holds it

  SELECT s.last_id, s.refreshed_at, s.user_last_id
  INTO from_id, previous, user_from
  FROM tollgate.rollup_state s FOR UPDATE;

  -- The per-user level of 0006 may lag behind the others: it catches up first, so that
  -- from here on every level stands at the same watermark.
  IF user_from < from_id THEN
    PERFORM tollgate.rollup_rows_add(user_from, from_id, NULL, false, false, true);
    UPDATE tollgate.rollup_state SET user_last_id = from_id, users_refreshed_at = now();
  END IF;

  -- The billing time zone changed: the day levels move (once, before the new rows).
  PERFORM tollgate.rollup_follow_billing_zone(from_id);

  -- Once an hour, keep the usage table's month partitions ahead of time.
  IF previous IS NULL OR date_trunc('hour', previous) <> date_trunc('hour', now()) THEN
    PERFORM tollgate.maintain_usage_partitions();
  END IF;

  snap := pg_current_snapshot();

  -- Observations whose writers have all ended: their missing ids are gone for good.
  SELECT max(o.observed_hi) INTO proven
  FROM tollgate.rollup_observations o
  WHERE o.horizon IS NOT NULL AND pg_snapshot_xmin(snap) > o.horizon;
  DELETE FROM tollgate.rollup_observations o
  WHERE o.horizon IS NOT NULL AND pg_snapshot_xmin(snap) > o.horizon;
  UPDATE tollgate.rollup_observations o
  SET horizon = pg_snapshot_xmax(snap)
  WHERE o.horizon IS NULL AND o.observed_at < now() - interval '2 seconds';

  -- The next ids: without a hole (the common case) the count says so; else walk them in
  -- order and stop below the first hole that is not proven permanent.
  SELECT max(i.id), count(*) INTO batch_max, n_ids
  FROM (SELECT u.api_usage_id AS id
        FROM tollgate.api_usage_tracking u
        WHERE u.api_usage_id > from_id
        ORDER BY u.api_usage_id
        LIMIT p_max_rows) AS i;

  IF batch_max IS NULL OR batch_max - from_id = n_ids THEN
    upto := batch_max;
  ELSE
    WITH ids AS (
      SELECT u.api_usage_id AS id
      FROM tollgate.api_usage_tracking u
      WHERE u.api_usage_id > from_id
      ORDER BY u.api_usage_id
      LIMIT p_max_rows
    ),
    steps AS (
      SELECT id, lag(id, 1, from_id) OVER (ORDER BY id) AS prev FROM ids
    )
    SELECT min(prev) FILTER (WHERE id > prev + 1 AND id - 1 > coalesce(proven, 0)), max(id)
    INTO upto, batch_max
    FROM steps;
  END IF;

  IF batch_max IS NULL THEN
    upto := from_id;                       -- nothing new
  ELSIF upto IS NULL THEN
    upto := batch_max;                     -- no hole
  END IF;

  IF batch_max IS NOT NULL AND batch_max > upto THEN
    INSERT INTO tollgate.rollup_observations (observed_hi) VALUES (batch_max);
  END IF;

  rows_added := 0;
  IF upto > from_id THEN
    rows_added := tollgate.rollup_add(from_id, upto);
    UPDATE tollgate.rollup_state
    SET last_id = upto, refreshed_at = now(), user_last_id = upto, users_refreshed_at = now();
    PERFORM pg_notify('tollgate_usage', upto::text);
  ELSE
    UPDATE tollgate.rollup_state SET refreshed_at = now();
  END IF;
  last_id := upto;
END
$$;

-- Rebuilds every level from p_from on (after a price or rate for a past period changed, or
-- the reporting currency did, which rebuilds everything): the wide 15-minute buckets from
-- the UTC day holding p_from, the narrow ones from the wide level for every bucket that
-- holds such quarters, and the per-user days and months from the billing month holding it
-- (whole months, in the zone the day levels are in; all of them after a change of the
-- billing time zone). Rows after the watermark stay in the tail. Returns the rows added to
-- the wide level.
CREATE OR REPLACE FUNCTION tollgate.recompute_rollups(p_from timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  upto bigint;
  n bigint;
  -- Whole UTC days: the wide level's quarters from there on are summed again.
  from_bucket timestamptz := date_trunc('day', p_from, 'UTC');
BEGIN
  PERFORM tollgate.take_refresher_lock();   -- 0009: bounded, names who holds it
  SELECT s.last_id INTO upto FROM tollgate.rollup_state s FOR UPDATE;

  -- Costs in another reporting currency are wrong everywhere, not only from p_from.
  IF (SELECT reporting_currency FROM tollgate.rollup_state)
     IS DISTINCT FROM (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency') THEN
    from_bucket := '-infinity';
    UPDATE tollgate.rollup_state
    SET reporting_currency = (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency');
  END IF;

  -- A new billing time zone moves the day levels first (the rest below is per UTC quarter).
  PERFORM tollgate.rollup_follow_billing_zone(upto);

  DELETE FROM tollgate.usage_rollup_15m WHERE bucket_start >= from_bucket;
  n := tollgate.rollup_rows_add(0, upto, nullif(from_bucket, '-infinity'), true, false, false);

  PERFORM tollgate.rollup_dims_rebuild(from_bucket, false);
  PERFORM tollgate.rollup_users_rebuild(
    upto, (SELECT date_trunc('month', from_bucket AT TIME ZONE s.billing_timezone)::date
           FROM tollgate.rollup_state s));
  UPDATE tollgate.rollup_state SET user_last_id = upto, users_refreshed_at = now();

  RETURN n;
END
$$;

-- ---- reading ---------------------------------------------------------------------------

-- How usage by user is read for p_bounds (whole local days): from the per-user levels when
-- they are in the billing time zone (from_levels; each bucket's whole billing months from
-- usage_rollup_user_month, its other whole weeks from usage_rollup_user_week when p_weeks
-- (all providers together), its other days from usage_rollup_user_day), else from raw rows
-- (while a change of the zone waits for the refresher). dates are the local dates of the bounds in zone, so that a day's or a
-- month's bucket is width_bucket(its date, dates). Refuses bounds that are not whole
-- local days, with the reason.
CREATE FUNCTION tollgate.usage_user_cut(p_bounds timestamptz[], p_weeks boolean,
                                        OUT zone text, OUT from_levels boolean,
                                        OUT dates date[], OUT months date[], OUT weeks date[],
                                        OUT days date[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_built text;
BEGIN
  SELECT st.billing_timezone INTO v_built FROM tollgate.rollup_state st;
  SELECT s.value INTO zone FROM tollgate.settings s WHERE s.key = 'billing-timezone';
  zone := coalesce(zone, v_built);
  from_levels := zone = v_built;

  IF EXISTS (SELECT 1 FROM unnest(p_bounds) AS b WHERE NOT tollgate.is_local_day_start(b, zone)) THEN
    RAISE EXCEPTION 'usage by user is kept per local day of the billing time zone (%), '
                    'and these buckets are not whole days', zone
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Group users by day, week or month, or over a range of whole days.';
  END IF;

  dates := ARRAY(SELECT (b AT TIME ZONE zone)::date FROM unnest(p_bounds) AS b);
  IF NOT from_levels THEN
    RETURN;
  END IF;

  -- Per bucket [d_lo, d_hi): the months [m_lo, m_hi) wholly inside; in the runs of days
  -- around them, the weeks [w_lo, w_hi) wholly inside (Mondays on or after the run's first
  -- day, to the last Monday that ends the run); then the other days.
  WITH b AS (
    SELECT dates[i] AS d_lo, dates[i + 1] AS d_hi,
           (date_trunc('month', (dates[i] - 1)::timestamp) + interval '1 month')::date AS m_lo,
           date_trunc('month', dates[i + 1]::timestamp)::date AS m_hi
    FROM generate_series(1, cardinality(dates) - 1) AS i
  ),
  runs AS (
    SELECT d_lo AS a, d_hi AS c FROM b WHERE m_lo >= m_hi AND d_lo < d_hi
    UNION ALL SELECT d_lo, m_lo FROM b WHERE m_lo < m_hi AND d_lo < m_lo
    UNION ALL SELECT m_hi, d_hi FROM b WHERE m_lo < m_hi AND m_hi < d_hi
  ),
  rw AS (
    SELECT a, c,
           CASE WHEN p_weeks THEN a + (8 - extract(isodow FROM a)::integer) % 7 END AS w_lo,
           CASE WHEN p_weeks THEN c - (extract(isodow FROM c)::integer - 1) END AS w_hi
    FROM runs
  )
  SELECT coalesce((SELECT array_agg(m::date)
                   FROM b, generate_series(b.m_lo::timestamp, b.m_hi - interval '1 month',
                                           interval '1 month') AS m
                   WHERE b.m_lo < b.m_hi), '{}'),
         coalesce((SELECT array_agg(w::date)
                   FROM rw, generate_series(rw.w_lo::timestamp, (rw.w_hi - 7)::timestamp,
                                            interval '7 days') AS w
                   WHERE rw.w_lo < rw.w_hi), '{}'),
         coalesce((SELECT array_agg(d::date)
                   FROM rw, generate_series(rw.a::timestamp, (rw.c - 1)::timestamp,
                                            interval '1 day') AS d
                   WHERE rw.w_lo IS NULL OR rw.w_lo >= rw.w_hi OR d < rw.w_lo
                         OR d >= rw.w_hi), '{}')
  INTO months, weeks, days;
END
$$;

-- The reader behind every figure: the figures of each (bucket, group), where bucket i
-- covers [p_bounds[i], p_bounds[i+1]) and bounds are multiples of 15 minutes (the caller
-- computes them in the billing time zone), exact up to now in one snapshot: complete
-- rollup buckets plus the raw rows after the watermark (the tail).
--
-- The result holds pieces: a (bucket, group) may have several rows, and its figures are
-- their sums — every column added up (histograms element by element), native_currency ''
-- and cost_native meaningless when the pieces' currencies differ. tg_usage_series_parse_result
-- adds them in C, exactly (amounts leave as decimal text).
--
-- Every grouping but users reads the narrow levels: each bucket is cut into the whole local
-- days of the day level's zone inside it, then, in what remains, whole hours — UTC hours or
-- hours from half past, whichever fit more — then quarter hours; each piece is read from its
-- level through its key by a list of starts. An hour of Adelaide is one row of the
-- half-past level, a day of any billing zone one row of the day level. Users read the
-- per-user levels (usage_user_cut) and have no latency.
CREATE OR REPLACE FUNCTION tollgate.usage_series(p_bounds timestamptz[], p_group text,
                                                 p_provider text DEFAULT NULL)
RETURNS TABLE (bucket integer, grp text, calls bigint, billable_calls bigint, errors bigint,
               timeouts bigint, requests bigint, credits numeric, input_tokens bigint,
               output_tokens bigint, native_currency text, cost_native numeric, cost numeric,
               unpriced_calls bigint, latency text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
SET plan_cache_mode = force_custom_plan
-- Set within for the levels' statement alone (below); these restore the caller's values.
SET enable_seqscan = on
SET enable_bitmapscan = on
AS $$
DECLARE
  n integer := cardinality(p_bounds);
  v_last_id bigint;
  v_zone text;
  v_dim smallint;
  v_days date[];
  v_day_buckets integer[];
  v_hours timestamptz[];
  v_halves timestamptz[];
  v_quarters timestamptz[];
  v_key text;
  v_tail_key text;
  v_join text := '';
  v_tail_join text := '';
  v_where text;
  v_branch text;
  v_cut record;
BEGIN
  IF p_group NOT IN ('provider', 'endpoint', 'request_type', 'feature', 'cost_centre',
                     'region', 'status_class', 'none', 'user') THEN
    RAISE EXCEPTION 'cannot group usage by "%"', p_group
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Group by provider, endpoint, request_type, feature, cost_centre, region, status_class, user or none.';
  END IF;
  IF n IS NULL OR n < 2 THEN
    RAISE EXCEPTION 'usage_series needs at least two bounds' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_bounds) AS b WHERE extract(epoch FROM b)::numeric % 900 <> 0) THEN
    RAISE EXCEPTION 'usage_series bounds must fall on 15-minute boundaries'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM generate_series(1, n - 1) AS i WHERE p_bounds[i + 1] < p_bounds[i]) THEN
    RAISE EXCEPTION 'usage_series bounds must ascend' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- A STABLE function's statements share one snapshot, so the watermark is the one the
  -- queries below see; passed as a value, so that the plan (a custom one) sees how few
  -- rows the tail holds and reads it through the primary keys.
  SELECT st.last_id, st.billing_timezone INTO v_last_id, v_zone FROM tollgate.rollup_state st;

  IF p_group = 'user' THEN
    -- Whole billing months from the months, the other days from the days (their rows of
    -- all providers, or of the one asked for), the tail from raw rows; or everything from
    -- raw rows while the day levels wait for the refresher to follow a new zone.
    v_cut := tollgate.usage_user_cut(p_bounds, p_provider IS NULL);
    RETURN QUERY EXECUTE
      'SELECT width_bucket(s.month, $1), coalesce(s.user_id::text, ''''), s.calls, '
      || 's.billable_calls, s.errors, s.timeouts, s.requests, s.credits, s.input_tokens, '
      || 's.output_tokens, s.native_currency, s.cost_native, s.cost, s.unpriced_calls, NULL::text '
      || 'FROM tollgate.usage_rollup_user_month s '
      || 'WHERE $5 AND s.month = ANY ($2) AND ($4::text IS NULL OR s.api_provider = $4) '
      || 'UNION ALL '
      || 'SELECT width_bucket(s.week, $1), coalesce(s.user_id::text, ''''), s.calls, '
      || 's.billable_calls, s.errors, s.timeouts, s.requests, s.credits, s.input_tokens, '
      || 's.output_tokens, s.native_currency, s.cost_native, s.cost, s.unpriced_calls, NULL::text '
      || 'FROM tollgate.usage_rollup_user_week s WHERE $5 AND s.week = ANY ($9) '
      || 'UNION ALL '
      || 'SELECT width_bucket(s.day, $1), coalesce(s.user_id::text, ''''), s.calls, '
      || 's.billable_calls, s.errors, s.timeouts, s.requests, s.credits, s.input_tokens, '
      || 's.output_tokens, s.native_currency, s.cost_native, s.cost, s.unpriced_calls, NULL::text '
      || 'FROM tollgate.usage_rollup_user_day s '
      || 'WHERE $5 AND s.day = ANY ($3) AND '
      || CASE WHEN p_provider IS NULL THEN 's.api_provider IS NULL ' ELSE 's.api_provider = $4 ' END
      || CASE WHEN v_cut.from_levels AND NOT tollgate.usage_has_tail(v_last_id) THEN ''
         ELSE 'UNION ALL '
           || 'SELECT width_bucket(t.day, $1), coalesce(t.user_id::text, ''''), t.calls, '
           || 't.billable_calls, t.errors, t.timeouts, t.requests, t.credits, t.input_tokens, '
           || 't.output_tokens, t.native_currency, t.cost_native, t.cost, t.unpriced_calls, '
           || 'NULL::text '
           || 'FROM tollgate.usage_delta_split(CASE WHEN $5 THEN $6 END, NULL, $7[1], '
           || '$7[cardinality($7)], $4, $8, false, true) t' END
    USING v_cut.dates, v_cut.months, v_cut.days, p_provider, v_cut.from_levels, v_last_id,
          p_bounds, v_cut.zone, v_cut.weeks;
    RETURN;
  END IF;

  -- Each bucket is cut greedily: the whole local days inside it (days d with the date of
  -- the quarter before lo < d < the date of hi: with local dates ascending, all of d's
  -- quarters lie in [lo, hi)), then whole hours in the rest, then quarters.
  WITH b AS (
    SELECT i, p_bounds[i] AS lo, p_bounds[i + 1] AS hi,
           ((p_bounds[i] - interval '15 minutes') AT TIME ZONE v_zone)::date + 1 AS d_lo,
           (p_bounds[i + 1] AT TIME ZONE v_zone)::date AS d_hi
    FROM generate_series(1, n - 1) AS i
  ),
  bd AS (
    SELECT b.*,
           CASE WHEN b.d_lo < b.d_hi THEN tollgate.local_day_start(b.d_lo, v_zone) END AS s_lo,
           CASE WHEN b.d_lo < b.d_hi THEN tollgate.local_day_start(b.d_hi, v_zone) END AS s_hi
    FROM b
  ),
  -- the parts of a bucket outside its whole days
  segments AS (
    SELECT lo AS a, hi AS c FROM bd WHERE s_lo IS NULL AND lo < hi
    UNION ALL SELECT lo, s_lo FROM bd WHERE s_lo IS NOT NULL AND lo < s_lo
    UNION ALL SELECT s_hi, hi FROM bd WHERE s_lo IS NOT NULL AND s_hi < hi
  ),
  -- in each, the whole hours of both grids; the grid that fits more is read
  sh AS (
    SELECT a, c,
           date_trunc('hour', a + interval '45 minutes', 'UTC') AS u_a,
           date_trunc('hour', c, 'UTC') AS u_c,
           date_bin('1 hour', a + interval '45 minutes', timestamptz '2000-01-01 00:30+00') AS x_a,
           date_bin('1 hour', c, timestamptz '2000-01-01 00:30+00') AS x_c
    FROM segments
  ),
  sg AS (
    SELECT a, c,
           CASE WHEN x_c - x_a > greatest(u_c - u_a, interval '0') THEN 'x'
                WHEN u_a < u_c THEN 'h' END AS grid,
           CASE WHEN x_c - x_a > greatest(u_c - u_a, interval '0') THEN x_a ELSE u_a END AS h_a,
           CASE WHEN x_c - x_a > greatest(u_c - u_a, interval '0') THEN x_c ELSE u_c END AS h_c
    FROM sh
  ),
  pieces AS (
    SELECT grid AS lvl, h_a AS f, h_c AS t FROM sg WHERE grid IS NOT NULL
    UNION ALL SELECT 'q', a, h_a FROM sg WHERE grid IS NOT NULL AND a < h_a
    UNION ALL SELECT 'q', h_c, c FROM sg WHERE grid IS NOT NULL AND h_c < c
    UNION ALL SELECT 'q', a, c FROM sg WHERE grid IS NULL
  ),
  starts AS (
    SELECT p.lvl, x
    FROM pieces p
    CROSS JOIN LATERAL generate_series(p.f, p.t - CASE p.lvl WHEN 'q' THEN interval '15 minutes'
                                                             ELSE interval '1 hour' END,
                                       CASE p.lvl WHEN 'q' THEN interval '15 minutes'
                                                  ELSE interval '1 hour' END) AS x
  )
  SELECT (SELECT coalesce(array_agg(x) FILTER (WHERE lvl = 'h'), '{}') FROM starts),
         (SELECT coalesce(array_agg(x) FILTER (WHERE lvl = 'x'), '{}') FROM starts),
         (SELECT coalesce(array_agg(x) FILTER (WHERE lvl = 'q'), '{}') FROM starts),
         (SELECT coalesce(array_agg(d::date ORDER BY d), '{}')
          FROM bd, generate_series(bd.d_lo::timestamp, (bd.d_hi - 1)::timestamp, interval '1 day') AS d
          WHERE bd.s_lo IS NOT NULL),
         (SELECT coalesce(array_agg(bd.i ORDER BY d), '{}')
          FROM bd, generate_series(bd.d_lo::timestamp, (bd.d_hi - 1)::timestamp, interval '1 day') AS d
          WHERE bd.s_lo IS NOT NULL)
  INTO v_hours, v_halves, v_quarters, v_days, v_day_buckets;

  -- Which rows of the narrow levels: all providers together, or one provider's. Grouped by
  -- none or provider, one provider is its own row of the provider dimension.
  v_dim := tollgate.usage_dim(p_group);
  IF p_group IN ('none', 'provider') THEN
    v_dim := CASE WHEN p_provider IS NULL AND p_group = 'none' THEN 0 ELSE 1 END;
    v_where := CASE WHEN p_provider IS NULL THEN 's.api_provider IS NULL'
                    ELSE 's.api_provider IS NULL AND s.grp = $2' END;
  ELSE
    v_where := CASE WHEN p_provider IS NULL THEN 's.api_provider IS NULL'
                    ELSE 's.api_provider = $2' END;
  END IF;
  v_key := CASE p_group WHEN 'none' THEN '''''::text'
                        WHEN 'cost_centre' THEN 'coalesce(f.cost_centre, '''')'
                        ELSE 's.grp' END;
  v_tail_key := CASE p_group WHEN 'none' THEN '''''::text'
                             WHEN 'provider' THEN 't.api_provider'
                             WHEN 'endpoint' THEN 't.api_endpoint'
                             WHEN 'request_type' THEN 't.request_type'
                             WHEN 'feature' THEN 't.feature'
                             WHEN 'cost_centre' THEN 'coalesce(f.cost_centre, '''')'
                             WHEN 'region' THEN 't.region'
                             ELSE 't.status_class::text' END;
  IF p_group = 'cost_centre' THEN
    v_join := ' LEFT JOIN tollgate.features f ON f.name = s.grp';
    v_tail_join := ' LEFT JOIN tollgate.features f ON f.name = t.feature';
  END IF;

  -- One branch per level (its rows whose starts are listed) and one for the raw tail.
  v_branch := 'SELECT %s, ' || v_key || ', s.calls, s.billable_calls, s.errors, s.timeouts, '
              || 's.requests, s.credits, s.input_tokens, s.output_tokens, s.native_currency, '
              || 's.cost_native, s.cost, s.unpriced_calls, s.latency FROM tollgate.%I s'
              || v_join || ' WHERE s.dim = $3 AND %s AND ' || v_where;
  -- The levels through their keys, always: the planner reckons a scan of the whole level
  -- (every dimension's rows, all 92 days) or a bitmap of one probe per hour cheaper than
  -- walking the key, and both grow with the level: a 30-day hourly series by endpoint read
  -- Adelaide's half-past hours in 118 ms at 10M rows, where the key's walk takes 15 ms
  -- of the server's time (docs/performance.md). The raw tail, read next, plans freely.
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  RETURN QUERY EXECUTE
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_hour',
           's.bucket_start = ANY ($5)')
    || ' UNION ALL ' ||
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_hour30',
           's.bucket_start = ANY ($6)')
    || ' UNION ALL ' ||
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_15m',
           's.bucket_start = ANY ($7)')
    || ' UNION ALL ' ||
    format(v_branch, '($9)[array_position($8, s.day)]', 'usage_rollup_dim_day',
           's.day = ANY ($8)')
  USING p_bounds, p_provider, v_dim, v_last_id, v_hours, v_halves, v_quarters, v_days,
        v_day_buckets;
  PERFORM set_config('enable_seqscan', 'on', true);
  PERFORM set_config('enable_bitmapscan', 'on', true);

  IF tollgate.usage_has_tail(v_last_id) THEN
    RETURN QUERY EXECUTE
      'SELECT width_bucket(t.bucket_start, $1), ' || v_tail_key || ', t.calls, '
      || 't.billable_calls, t.errors, t.timeouts, t.requests, t.credits, t.input_tokens, '
      || 't.output_tokens, t.native_currency, t.cost_native, t.cost, t.unpriced_calls, '
      || 't.latency::text FROM tollgate.usage_delta($4, NULL, $1[1]) t' || v_tail_join
      || ' WHERE t.bucket_start < $1[cardinality($1)] AND ($2::text IS NULL OR t.api_provider = $2)'
    USING p_bounds, p_provider, v_dim, v_last_id;
  END IF;
END
$$;

-- The groups that cost the most over one bucket [p_bounds[1], p_bounds[2]) (users: whole
-- local days), the rest summed and the total (tollgatectl usage top, the Analytics page):
--   kind 'row':   the p_limit (1 to 10000) most expensive groups, rank 1, 2, …: by cost
--                 as rounded to micro-units, descending; then by calls, descending; then
--                 users by id (calls without a user last), other groups in byte order;
--   kind 'rest':  every other group, summed (n_groups: how many);
--   kind 'total': every group (n_groups: how many).
-- Each amount is its own exact sum (numeric), rounded by the caller; display_name is the
-- catalogue's name of a row's group where it has one.
DO $do$
DECLARE
  sums text;
  group_sums text;
BEGIN
  SELECT string_agg(format('sum(x.lat[%s]::integer)', i), ', ' ORDER BY i),
         string_agg(format('sum(r.latency[%s])', i), ', ' ORDER BY i)
  INTO sums, group_sums
  FROM generate_series(1, cardinality(tollgate.latency_thresholds()) + 1) AS i;

  EXECUTE replace(replace($fn$
CREATE FUNCTION tollgate.usage_top(p_bounds timestamptz[], p_group text,
                                   p_provider text DEFAULT NULL, p_limit integer DEFAULT 10)
RETURNS TABLE (kind text, rank integer, grp text, display_name text, n_groups integer,
               calls bigint, billable_calls bigint, errors bigint, timeouts bigint,
               requests bigint, credits numeric, input_tokens bigint, output_tokens bigint,
               native_currency text, cost_native numeric, cost numeric, unpriced_calls bigint,
               latency text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_last_id bigint := 0;
  v_cut record;
  v_zone text := 'UTC';
  v_from_levels boolean := false;
  v_months date[] := '{}';
  v_weeks date[] := '{}';
  v_days date[] := '{}';
  v_source text;
  -- the groups' histograms; users have none, and 140 sums of nothing a user still cost
  v_latency text := 'ARRAY[@SUMS@]::bigint[]';
  v_total_latency text := 'ARRAY[@GROUP_SUMS@]::bigint[]';
BEGIN
  IF cardinality(p_bounds) IS DISTINCT FROM 2 OR p_bounds[1] >= p_bounds[2] THEN
    RAISE EXCEPTION 'usage_top needs one range: two ascending bounds'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
    RAISE EXCEPTION 'usage_top: the limit must be from 1 to 10000, not %', p_limit
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  IF p_group = 'user' THEN
    -- Summed here from the per-user levels rather than as usage_series' pieces: a month of
    -- user days is 135,000 rows at 10M rows, and every piece kept on the way costs.
    SELECT st.last_id INTO v_last_id FROM tollgate.rollup_state st;
    v_cut := tollgate.usage_user_cut(p_bounds, p_provider IS NULL);
    v_zone := v_cut.zone;
    v_from_levels := v_cut.from_levels;
    v_months := v_cut.months;
    v_weeks := v_cut.weeks;
    v_days := v_cut.days;
    v_source := $q$
      SELECT coalesce(u.user_id::text, '') AS grp, sum(u.calls)::bigint AS calls,
             sum(u.billable_calls)::bigint AS billable_calls, sum(u.errors)::bigint AS errors,
             sum(u.timeouts)::bigint AS timeouts, sum(u.requests)::bigint AS requests,
             sum(u.credits) AS credits, sum(u.input_tokens)::bigint AS input_tokens,
             sum(u.output_tokens)::bigint AS output_tokens,
             CASE WHEN min(u.native_currency) = max(u.native_currency) THEN min(u.native_currency)
                  ELSE '' END AS native_currency,
             CASE WHEN min(u.native_currency) = max(u.native_currency) THEN sum(u.cost_native)
                  ELSE 0 END AS cost_native,
             sum(u.cost) AS cost, sum(u.unpriced_calls)::bigint AS unpriced_calls,
             NULL::bigint[] AS lat
      FROM (
        SELECT s.user_id, s.calls, s.billable_calls, s.errors, s.timeouts, s.requests, s.credits,
               s.input_tokens, s.output_tokens, s.native_currency, s.cost_native, s.cost,
               s.unpriced_calls
        FROM tollgate.usage_rollup_user_month s
        WHERE $5 AND s.month = ANY ($6) AND ($3::text IS NULL OR s.api_provider = $3)
        UNION ALL
        SELECT s.user_id, s.calls, s.billable_calls, s.errors, s.timeouts, s.requests, s.credits,
               s.input_tokens, s.output_tokens, s.native_currency, s.cost_native, s.cost,
               s.unpriced_calls
        FROM tollgate.usage_rollup_user_week s
        WHERE $5 AND s.week = ANY ($10)
        UNION ALL
        SELECT s.user_id, s.calls, s.billable_calls, s.errors, s.timeouts, s.requests, s.credits,
               s.input_tokens, s.output_tokens, s.native_currency, s.cost_native, s.cost,
               s.unpriced_calls
        FROM tollgate.usage_rollup_user_day s
        WHERE $5 AND s.day = ANY ($7) AND @DAY_PROVIDER@
        @TAIL@
      ) AS u
      GROUP BY u.user_id$q$;
    v_source := replace(v_source, '@TAIL@',
                        CASE WHEN v_from_levels AND NOT tollgate.usage_has_tail(v_last_id) THEN ''
                        ELSE $t$
        UNION ALL
        SELECT t.user_id, t.calls, t.billable_calls, t.errors, t.timeouts, t.requests, t.credits,
               t.input_tokens, t.output_tokens, t.native_currency, t.cost_native, t.cost,
               t.unpriced_calls
        FROM tollgate.usage_delta_split(CASE WHEN $5 THEN $8 END, NULL, $1[1], $1[2], $3,
                                        $9, false, true) t$t$ END);
    v_source := replace(v_source, '@DAY_PROVIDER@',
                        CASE WHEN p_provider IS NULL THEN 's.api_provider IS NULL'
                             ELSE 's.api_provider = $3' END);
    v_latency := 'NULL::bigint[]';
    v_total_latency := 'NULL::bigint[]';
  ELSE
    v_source := $q$
      SELECT p.grp, p.calls, p.billable_calls, p.errors, p.timeouts, p.requests, p.credits,
             p.input_tokens, p.output_tokens, p.native_currency, p.cost_native, p.cost,
             p.unpriced_calls, p.latency::bigint[] AS lat
      FROM tollgate.usage_series($1, $2, $3) p$q$;
  END IF;

  RETURN QUERY EXECUTE format($q$
    WITH x AS MATERIALIZED (%s),
    g AS (
      SELECT x.grp, sum(x.calls)::bigint AS calls, sum(x.billable_calls)::bigint AS billable_calls,
             sum(x.errors)::bigint AS errors, sum(x.timeouts)::bigint AS timeouts,
             sum(x.requests)::bigint AS requests, sum(x.credits) AS credits,
             sum(x.input_tokens)::bigint AS input_tokens, sum(x.output_tokens)::bigint AS output_tokens,
             CASE WHEN min(x.native_currency) = max(x.native_currency) THEN min(x.native_currency)
                  ELSE '' END AS native_currency,
             CASE WHEN min(x.native_currency) = max(x.native_currency) THEN sum(x.cost_native)
             END AS cost_native,
             sum(x.cost) AS cost, sum(x.unpriced_calls)::bigint AS unpriced_calls,
             max(cardinality(x.lat)) AS width, %s AS latency
      FROM x
      GROUP BY x.grp
    ),
    r AS (
      SELECT g.*, row_number() OVER (ORDER BY round(g.cost, 6) DESC, g.calls DESC,
                                              CASE WHEN $2 = 'user' THEN nullif(g.grp, '')::bigint END
                                                ASC NULLS LAST,
                                              g.grp COLLATE "C") AS rn
      FROM g
    ),
    parts AS (
      SELECT 'row' AS kind, r.rn::integer AS rank, r.grp, 1 AS n_groups, r.calls,
             r.billable_calls, r.errors, r.timeouts, r.requests, r.credits, r.input_tokens,
             r.output_tokens, r.native_currency, r.cost_native, r.cost, r.unpriced_calls,
             trim_array(r.latency, cardinality(r.latency) - coalesce(r.width, 0)) AS latency
      FROM r
      WHERE r.rn <= $4
      UNION ALL
      SELECT z.kind, NULL, '', z.n_groups, z.calls, z.billable_calls, z.errors, z.timeouts,
             z.requests, z.credits, z.input_tokens, z.output_tokens, z.native_currency,
             z.cost_native, z.cost, z.unpriced_calls,
             trim_array(z.latency, cardinality(z.latency) - coalesce(z.width, 0))
      FROM (
        SELECT k.kind, count(r.grp)::integer AS n_groups, coalesce(sum(r.calls), 0)::bigint AS calls,
               coalesce(sum(r.billable_calls), 0)::bigint AS billable_calls,
               coalesce(sum(r.errors), 0)::bigint AS errors,
               coalesce(sum(r.timeouts), 0)::bigint AS timeouts,
               coalesce(sum(r.requests), 0)::bigint AS requests,
               coalesce(sum(r.credits), 0) AS credits,
               coalesce(sum(r.input_tokens), 0)::bigint AS input_tokens,
               coalesce(sum(r.output_tokens), 0)::bigint AS output_tokens,
               CASE WHEN min(r.native_currency) = max(r.native_currency)
                         AND bool_and(r.cost_native IS NOT NULL)
                    THEN min(r.native_currency) ELSE '' END AS native_currency,
               CASE WHEN min(r.native_currency) = max(r.native_currency)
                         AND bool_and(r.cost_native IS NOT NULL)
                    THEN sum(r.cost_native) END AS cost_native,
               coalesce(sum(r.cost), 0) AS cost,
               coalesce(sum(r.unpriced_calls), 0)::bigint AS unpriced_calls,
               max(r.width) AS width, %s AS latency
        FROM (VALUES ('rest'), ('total')) AS k (kind)
        LEFT JOIN r ON k.kind = 'total' OR r.rn > $4
        GROUP BY k.kind
      ) AS z
    )
    SELECT p.kind, p.rank, p.grp,
           CASE WHEN p.kind <> 'row' THEN NULL
                WHEN $2 = 'user' THEN (SELECT u.display_name FROM tollgate.users u
                                       WHERE u.user_id = nullif(p.grp, '')::bigint)
                WHEN $2 = 'feature' THEN (SELECT f.display_name FROM tollgate.features f
                                          WHERE f.name = p.grp)
                WHEN $2 = 'cost_centre' THEN (SELECT c.display_name FROM tollgate.cost_centres c
                                              WHERE c.code = p.grp)
                WHEN $2 = 'provider' THEN (SELECT pv.display_name FROM tollgate.providers pv
                                           WHERE pv.slug = p.grp)
                WHEN $2 = 'region' THEN (SELECT rg.display_name FROM tollgate.regions rg
                                         WHERE rg.code = p.grp)
           END,
           p.n_groups, p.calls, p.billable_calls, p.errors, p.timeouts, p.requests, p.credits,
           p.input_tokens, p.output_tokens, p.native_currency, p.cost_native, p.cost,
           p.unpriced_calls,
           CASE WHEN $2 = 'user' THEN NULL ELSE coalesce(p.latency, '{}')::text END
    FROM parts p
    ORDER BY CASE p.kind WHEN 'row' THEN 0 WHEN 'rest' THEN 1 ELSE 2 END, p.rank$q$, v_source,
    v_latency, v_total_latency)
  USING p_bounds, p_group, p_provider, p_limit, v_from_levels, coalesce(v_months, '{}'),
        coalesce(v_days, '{}'), v_last_id, v_zone, coalesce(v_weeks, '{}');
END
$$
$fn$, '@SUMS@', sums), '@GROUP_SUMS@', group_sums);
END
$do$;

-- ---- what nothing reads any more ------------------------------------------------------

DROP FUNCTION tollgate.rollup_add_users(bigint, bigint, timestamptz);
DROP TABLE tollgate.usage_rollup_hour,
  tollgate.usage_rollup_provider_15m, tollgate.usage_rollup_provider_30m,
  tollgate.usage_rollup_provider_hour, tollgate.usage_rollup_provider_day,
  tollgate.usage_rollup_region_15m, tollgate.usage_rollup_region_30m,
  tollgate.usage_rollup_region_hour, tollgate.usage_rollup_region_day;

-- ---- rights ------------------------------------------------------------------------------

-- Readers read the levels through the readers, which run as the caller; only the
-- refresher and recompute_rollups (security definers) write them.
GRANT SELECT ON tollgate.usage_rollup_dim_15m, tollgate.usage_rollup_dim_hour,
  tollgate.usage_rollup_dim_hour30, tollgate.usage_rollup_dim_day,
  tollgate.usage_rollup_user_day, tollgate.usage_rollup_user_week
  TO tollgate_viewer;
REVOKE ALL ON FUNCTION tollgate.rollup_work_tables() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_users_add(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_rows_add(bigint, bigint, timestamptz, boolean, boolean, boolean,
                                                 boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_dims_add(boolean, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_dims_rebuild(timestamptz, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_dim_days_from_quarters(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_users_rebuild(bigint, date) FROM PUBLIC;

-- ---- the live feed, its token counts read as the levels read them ---------------------

-- As 0006 made it, with tollgate.token_count(): a row with a malformed count no longer
-- stops the feed.
CREATE OR REPLACE FUNCTION tollgate.latest_calls(p_after bigint DEFAULT NULL,
                                                 p_limit integer DEFAULT NULL)
RETURNS TABLE (api_usage_id bigint, created_at timestamptz, api_provider text,
               api_endpoint text, request_type text, user_id bigint, feature text,
               region text, response_status smallint, response_time integer,
               call_count integer, cost numeric)
LANGUAGE sql STABLE
SET jit = off
AS $$
  SELECT u.api_usage_id, u.created_at, u.api_provider, u.api_endpoint, u.request_type,
         u.user_id, u.feature, u.region, u.response_status, u.response_time, u.call_count,
         CASE WHEN NOT tollgate.price_bills(p, u.is_billable, u.ok) THEN 0
              WHEN tollgate.price_known(p)
              THEN tollgate.price_charge(p, u.is_billable, u.ok, u.call_count, u.credit_cost,
                                         u.input_tokens, u.output_tokens) * p.rate
         END
  FROM (SELECT t.*, t.response_status BETWEEN 200 AND 299 AS ok,
               tollgate.token_count(t.response_data #>> '{usage,prompt_tokens}') AS input_tokens,
               tollgate.token_count(t.response_data #>> '{usage,completion_tokens}') AS output_tokens
        FROM tollgate.api_usage_tracking t
        WHERE t.api_usage_id > coalesce(p_after, 0)
        ORDER BY t.api_usage_id DESC
        LIMIT least(greatest(coalesce(p_limit, 100), 0), 10000)) AS u
  CROSS JOIN LATERAL tollgate.price_rule_at(u.created_at, u.api_provider, u.api_endpoint,
                                            u.request_type) AS p
  ORDER BY u.api_usage_id DESC
$$;

-- ---- the new levels for what is rolled up already -------------------------------------

-- The narrow levels from the wide 15-minute level (exact up to the watermark), the per-user
-- days from the raw rows up to it, in the zone the billing months are in (the refresher
-- moves them when the setting differs); the months again from the same pass, now with
-- every figure. About 3 µs a rolled-up row (docs/performance.md).
DO $$
DECLARE
  v_last bigint;
BEGIN
  SELECT st.last_id INTO v_last FROM tollgate.rollup_state st;
  PERFORM tollgate.rollup_users_rebuild(v_last, NULL);
  PERFORM tollgate.rollup_dims_rebuild(NULL, false);
  UPDATE tollgate.rollup_state SET user_last_id = v_last;
END
$$;
