-- 0006_rollups.sql — exact, fast usage figures: rollups, their refresher, and the readers.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Raw rows are summed into rollups at 15-minute UTC grain (every real time zone's midnight
-- falls on a 15-minute boundary) and, derived from the same delta, at UTC hour grain.
-- A reader adds the raw rows after the refresher's watermark ("the tail"), so answers are
-- exact up to now however long ago the refresher ran.

-- Functions that read or write rollups run with jit = off: the planner's estimates for
-- them are large and rough, and compiling such plans with LLVM costs seconds for
-- queries that run in milliseconds.

-- Latency histogram: fixed logarithmic buckets, mergeable by addition. The thresholds are
-- integers, T[1] = 1 ms and T[k+1] = greatest(T[k] + 1, ceil(T[k] * 1.09)), up to the first
-- one beyond ten minutes; src/core/tg-latency-histogram.c computes the same list.
-- width_bucket() numbers the buckets: 0 below 1 ms (no response), n at or above T[n].
-- Element i + 1 of a histogram array counts bucket i.
DO $$
DECLARE
  t integer[] := ARRAY[1];
  last integer := 1;
BEGIN
  WHILE last <= 600000 LOOP
    last := greatest(last + 1, (last * 109 + 99) / 100);
    t := t || last;
  END LOOP;
  EXECUTE format($f$
    CREATE FUNCTION tollgate.latency_thresholds() RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN %L::integer[]$f$, t);
  EXECUTE format($f$
    CREATE FUNCTION tollgate.latency_bucket(ms integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN width_bucket(ms, %L::integer[])$f$, t);
END
$$;

-- Adds two histograms element by element (arrays may differ in length).
CREATE FUNCTION tollgate.hist_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN a IS NULL THEN b
    WHEN b IS NULL THEN a
    ELSE (SELECT array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i)
          FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i)
  END
$$;

-- Builds a dense histogram from (bucket, count) pairs.
CREATE FUNCTION tollgate.hist_from(buckets integer[], counts bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT array_agg(coalesce(x.c, 0) ORDER BY i)
  FROM generate_series(0, (SELECT max(b) FROM unnest(buckets) AS b)) AS i
  LEFT JOIN (SELECT b, sum(c)::bigint AS c FROM unnest(buckets, counts) AS u(b, c) GROUP BY b) AS x
    ON x.b = i
$$;

-- Prices change on 15-minute boundaries, so that pricing 15-minute groups of rows is the
-- same as pricing each row; a provider is priced in its own currency.
ALTER TABLE tollgate.price_book
  ADD CONSTRAINT price_book_effective_on_quarter_hour
  CHECK (extract(epoch FROM effective_from)::bigint % 900 = 0);

CREATE FUNCTION tollgate.check_price_currency() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  provider_currency char(3);
BEGIN
  SELECT currency INTO provider_currency FROM tollgate.providers WHERE slug = NEW.provider;
  IF provider_currency IS DISTINCT FROM NEW.currency THEN
    RAISE EXCEPTION 'price for % is in %, but % bills in %', NEW.provider, NEW.currency,
      NEW.provider, provider_currency
      USING ERRCODE = 'check_violation',
            HINT = 'Enter the price in the provider''s currency; reports convert it.';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER price_book_currency
  BEFORE INSERT OR UPDATE ON tollgate.price_book
  FOR EACH ROW EXECUTE FUNCTION tollgate.check_price_currency();

-- The 15-minute rollup. Every figure of every page can be derived from it.
CREATE TABLE tollgate.usage_rollup_15m (
  bucket_start    timestamptz NOT NULL,
  api_provider    text NOT NULL,
  api_endpoint    text NOT NULL,
  request_type    text NOT NULL,
  feature         text NOT NULL,              -- '' where the row had none
  region          text NOT NULL,              -- '' where the row had none
  status_class    smallint NOT NULL,          -- response_status / 100; 0: no response
  calls           bigint NOT NULL,            -- sum(call_count)
  billable_calls  bigint NOT NULL,            -- calls that are charged
  errors          bigint NOT NULL,            -- calls answered 4xx/5xx or not at all
  timeouts        bigint NOT NULL,            -- calls not answered (status 0)
  requests        bigint NOT NULL,            -- rows: what the latency histogram counts
  credits         numeric NOT NULL,
  input_tokens    bigint NOT NULL,
  output_tokens   bigint NOT NULL,
  native_currency text NOT NULL,              -- the provider's; '' when unknown
  cost_native     numeric NOT NULL,
  cost            numeric NOT NULL,           -- in rollup_state.reporting_currency
  unpriced_calls  bigint NOT NULL,            -- billable calls without a price or a rate
  latency         bigint[] NOT NULL,
  PRIMARY KEY (bucket_start, api_provider, api_endpoint, request_type, feature, region,
               status_class)
);

-- Derived from the same deltas at UTC hour grain: a day or a month reads 4 times fewer rows.
CREATE TABLE tollgate.usage_rollup_hour (LIKE tollgate.usage_rollup_15m);
ALTER TABLE tollgate.usage_rollup_hour
  ADD PRIMARY KEY (bucket_start, api_provider, api_endpoint, request_type, feature, region,
                   status_class);

CREATE TABLE tollgate.rollup_state (
  singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id            bigint NOT NULL DEFAULT 0,  -- every row with a smaller id is rolled up
  refreshed_at       timestamptz,
  reporting_currency text NOT NULL
);
INSERT INTO tollgate.rollup_state (reporting_currency)
  SELECT value FROM tollgate.settings WHERE key = 'reporting-currency';

-- Ids seen missing below a visible id (a writer still in flight, or rolled back). An id
-- below observed_hi was handed out before observed_hi, so its transaction had an xid
-- below the xmax of the next refresher's snapshot (horizon): once every transaction below
-- the horizon has ended, a still-missing id is missing for good.
CREATE TABLE tollgate.rollup_observations (
  observed_hi bigint NOT NULL,
  observed_at timestamptz NOT NULL DEFAULT now(),
  horizon     xid8
);

-- Usage rows with ids in (p_after, p_upto] (and created at or after p_since), summed and
-- priced at 15-minute grain. The refresher adds exactly this to the rollups; readers add
-- it for the tail.
CREATE FUNCTION tollgate.usage_delta(p_after bigint, p_upto bigint,
                                     p_since timestamptz DEFAULT NULL)
RETURNS SETOF tollgate.usage_rollup_15m
LANGUAGE sql STABLE
AS $$
  WITH raw AS MATERIALIZED (
    SELECT to_timestamp(floor(extract(epoch FROM u.created_at) / 900) * 900) AS bucket_start,
           u.api_provider, u.api_endpoint, u.request_type,
           coalesce(u.feature, '') AS feature, coalesce(u.region, '') AS region,
           (u.response_status / 100)::smallint AS status_class,
           u.response_status BETWEEN 200 AND 299 AS ok,
           u.is_billable, u.call_count, u.credit_cost,
           coalesce((u.response_data #>> '{usage,prompt_tokens}')::bigint, 0) AS input_tokens,
           coalesce((u.response_data #>> '{usage,completion_tokens}')::bigint, 0) AS output_tokens,
           tollgate.latency_bucket(u.response_time) AS lat
    FROM tollgate.api_usage_tracking u
    WHERE u.api_usage_id > p_after
      AND (p_upto IS NULL OR u.api_usage_id <= p_upto)
      AND (p_since IS NULL OR u.created_at >= p_since)
  ),
  groups AS (
    SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region,
           status_class, ok, is_billable,
           sum(call_count)::bigint AS calls, count(*) AS requests, sum(credit_cost) AS credits,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens
    FROM raw
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ),
  -- Prices are looked up once per (quarter hour, provider, endpoint, request type), not per
  -- row: the rule in force for each unit is the most specific one, then the latest.
  prices AS (
    SELECT k.bucket_start, k.api_provider, k.api_endpoint, k.request_type,
           coalesce(pv.currency::text, '') AS currency, r.n_rules,
           r.call_price, r.call_bill_failed, r.credit_price, r.credit_bill_failed,
           r.input_price, r.input_bill_failed, r.output_price, r.output_bill_failed,
           CASE WHEN pv.currency = st.reporting_currency THEN 1
                ELSE (SELECT x.rate FROM tollgate.exchange_rates x
                      WHERE x.from_currency = pv.currency
                        AND x.to_currency = st.reporting_currency
                        AND x.effective_from <= (k.bucket_start AT TIME ZONE 'UTC')::date
                      ORDER BY x.effective_from DESC LIMIT 1)
           END AS rate
    FROM (SELECT DISTINCT bucket_start, api_provider, api_endpoint, request_type FROM groups) AS k
    CROSS JOIN tollgate.rollup_state st
    LEFT JOIN tollgate.providers pv ON pv.slug = k.api_provider
    LEFT JOIN LATERAL (
      SELECT count(*) AS n_rules,
             min(pb.unit_price) FILTER (WHERE pb.unit = 'call') AS call_price,
             bool_or(pb.bill_failed) FILTER (WHERE pb.unit = 'call') AS call_bill_failed,
             min(pb.unit_price) FILTER (WHERE pb.unit = 'credit') AS credit_price,
             bool_or(pb.bill_failed) FILTER (WHERE pb.unit = 'credit') AS credit_bill_failed,
             min(pb.unit_price) FILTER (WHERE pb.unit = 'input_token') AS input_price,
             bool_or(pb.bill_failed) FILTER (WHERE pb.unit = 'input_token') AS input_bill_failed,
             min(pb.unit_price) FILTER (WHERE pb.unit = 'output_token') AS output_price,
             bool_or(pb.bill_failed) FILTER (WHERE pb.unit = 'output_token') AS output_bill_failed
      FROM (SELECT DISTINCT ON (b.unit) b.unit, b.unit_price, b.bill_failed
            FROM tollgate.price_book b
            WHERE b.provider = k.api_provider
              AND (b.api_endpoint IS NULL OR b.api_endpoint = k.api_endpoint)
              AND (b.request_type IS NULL OR b.request_type = k.request_type)
              AND b.effective_from <= k.bucket_start
            ORDER BY b.unit, b.api_endpoint IS NULL, b.request_type IS NULL,
                     b.effective_from DESC) AS pb
    ) AS r ON true
  ),
  priced AS (
    SELECT g.*, p.currency, p.rate,
           g.is_billable AND (g.ok OR coalesce(p.call_bill_failed OR p.credit_bill_failed
                                               OR p.input_bill_failed OR p.output_bill_failed,
                                               false)) AS billed,
           coalesce(p.n_rules, 0) > 0 AS has_price,
           CASE WHEN g.is_billable THEN
             CASE WHEN g.ok OR p.call_bill_failed THEN g.calls * coalesce(p.call_price, 0) ELSE 0 END
             + CASE WHEN g.ok OR p.credit_bill_failed THEN g.credits * coalesce(p.credit_price, 0) ELSE 0 END
             + CASE WHEN g.ok OR p.input_bill_failed THEN g.input_tokens * coalesce(p.input_price, 0) ELSE 0 END
             + CASE WHEN g.ok OR p.output_bill_failed THEN g.output_tokens * coalesce(p.output_price, 0) ELSE 0 END
           ELSE 0 END AS cost_native
    FROM groups g
    JOIN prices p USING (bucket_start, api_provider, api_endpoint, request_type)
  ),
  sums AS (
    SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class,
           sum(calls)::bigint AS calls,
           coalesce(sum(calls) FILTER (WHERE billed), 0)::bigint AS billable_calls,
           coalesce(sum(calls) FILTER (WHERE status_class IN (0, 4, 5)), 0)::bigint AS errors,
           coalesce(sum(calls) FILTER (WHERE status_class = 0), 0)::bigint AS timeouts,
           sum(requests)::bigint AS requests,
           sum(credits) AS credits,
           sum(input_tokens)::bigint AS input_tokens,
           sum(output_tokens)::bigint AS output_tokens,
           max(currency) AS native_currency,
           sum(cost_native) AS cost_native,
           sum(cost_native * coalesce(rate, 0)) AS cost,
           coalesce(sum(calls) FILTER (WHERE billed AND (NOT has_price OR rate IS NULL)), 0)::bigint
             AS unpriced_calls
    FROM priced
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  ),
  hist AS (
    SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class,
           tollgate.hist_from(array_agg(lat), array_agg(n)) AS latency
    FROM (SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region,
                 status_class, lat, count(*) AS n
          FROM raw
          WHERE lat IS NOT NULL
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS per_bucket
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  )
  SELECT s.bucket_start, s.api_provider, s.api_endpoint, s.request_type, s.feature, s.region,
         s.status_class, s.calls, s.billable_calls, s.errors, s.timeouts, s.requests, s.credits,
         s.input_tokens, s.output_tokens, s.native_currency, s.cost_native, s.cost,
         s.unpriced_calls, coalesce(h.latency, '{}')
  FROM sums s
  LEFT JOIN hist h USING (bucket_start, api_provider, api_endpoint, request_type, feature,
                          region, status_class)
$$;

-- Adds ids (p_after, p_upto] created at or after p_since to both rollup levels.
-- Returns the number of rows added.
CREATE FUNCTION tollgate.rollup_add(p_after bigint, p_upto bigint,
                                    p_since timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  n bigint;
BEGIN
  CREATE TEMPORARY TABLE IF NOT EXISTS rollup_delta (LIKE tollgate.usage_rollup_15m) ON COMMIT DROP;
  TRUNCATE rollup_delta;
  INSERT INTO rollup_delta SELECT * FROM tollgate.usage_delta(p_after, p_upto, p_since);
  SELECT coalesce(sum(requests), 0) INTO n FROM rollup_delta;

  INSERT INTO tollgate.usage_rollup_15m AS r SELECT * FROM rollup_delta
  ON CONFLICT (bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class)
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

  INSERT INTO tollgate.usage_rollup_hour AS r
  SELECT s.*, coalesce(h.latency, '{}')
  FROM (SELECT date_trunc('hour', bucket_start, 'UTC') AS bucket_start, api_provider,
               api_endpoint, request_type, feature, region, status_class, sum(calls),
               sum(billable_calls), sum(errors), sum(timeouts), sum(requests), sum(credits),
               sum(input_tokens), sum(output_tokens), max(native_currency), sum(cost_native),
               sum(cost), sum(unpriced_calls)
        FROM rollup_delta
        GROUP BY 1, 2, 3, 4, 5, 6, 7) AS s
  LEFT JOIN (SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region,
                    status_class, array_agg(c ORDER BY i) AS latency
             FROM (SELECT date_trunc('hour', d.bucket_start, 'UTC') AS bucket_start,
                          d.api_provider, d.api_endpoint, d.request_type, d.feature, d.region,
                          d.status_class, u.i, sum(u.c)::bigint AS c
                   FROM rollup_delta d, unnest(d.latency) WITH ORDINALITY AS u(c, i)
                   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS per_bucket
             GROUP BY 1, 2, 3, 4, 5, 6, 7) AS h
    USING (bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class)
  ON CONFLICT (bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class)
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

  RETURN n;
END
$$;

-- Adds the rows that arrived since the watermark. Safe with concurrent writers (no row
-- missed: the watermark stops below any id that may still commit) and with concurrent
-- refreshers (they take turns on an advisory lock; each statement then sees what the
-- previous one committed). Late rows, whatever their created_at, are found by id.
-- Returns the rows added and the new watermark; NOTIFYs tollgate_usage when it added any.
CREATE FUNCTION tollgate.refresh_rollups(p_max_rows integer DEFAULT 1000000,
                                         OUT rows_added bigint, OUT last_id bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  snap pg_snapshot;
  proven bigint;
  from_id bigint;
  upto bigint;
  batch_max bigint;
  previous timestamptz;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'tollgate.refresh_rollups() must run at READ COMMITTED, not %',
      current_setting('transaction_isolation');
  END IF;

  PERFORM pg_advisory_xact_lock(hashtext('tollgate.refresh_rollups'));

  SELECT s.last_id, s.refreshed_at INTO from_id, previous FROM tollgate.rollup_state s FOR UPDATE;

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

  -- Walk the next ids in order; stop below the first hole that is not proven permanent.
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
    UPDATE tollgate.rollup_state SET last_id = upto, refreshed_at = now();
    PERFORM pg_notify('tollgate_usage', upto::text);
  ELSE
    UPDATE tollgate.rollup_state SET refreshed_at = now();
  END IF;
  last_id := upto;
END
$$;

-- Rebuilds every rollup bucket from p_from on (after a price or rate for a past period
-- changed, or the reporting currency did). Rows after the watermark stay in the tail.
CREATE FUNCTION tollgate.recompute_rollups(p_from timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  upto bigint;
  from_bucket timestamptz := to_timestamp(floor(extract(epoch FROM p_from) / 3600) * 3600);
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('tollgate.refresh_rollups'));
  SELECT s.last_id INTO upto FROM tollgate.rollup_state s FOR UPDATE;

  -- Costs in another reporting currency are wrong everywhere, not only from p_from.
  IF (SELECT reporting_currency FROM tollgate.rollup_state)
     IS DISTINCT FROM (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency') THEN
    from_bucket := '-infinity';
    UPDATE tollgate.rollup_state
    SET reporting_currency = (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency');
  END IF;

  DELETE FROM tollgate.usage_rollup_15m WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_hour WHERE bucket_start >= from_bucket;

  RETURN tollgate.rollup_add(0, upto, from_bucket);
END
$$;

-- The reader behind every figure: one row per (bucket, group), where bucket i covers
-- [p_bounds[i], p_bounds[i+1]) and bounds are multiples of 15 minutes (the caller computes
-- them in the billing time zone). Whole UTC hours inside one bucket come from the hourly
-- level, the hours a bound cuts from the 15-minute level, and rows after the watermark from
-- the raw table: exact up to now, in one snapshot.
-- native_currency is '' and cost_native NULL when a group mixes currencies.
CREATE FUNCTION tollgate.usage_series(p_bounds timestamptz[], p_group text,
                                      p_provider text DEFAULT NULL)
RETURNS TABLE (bucket integer, grp text, calls bigint, billable_calls bigint, errors bigint,
               timeouts bigint, requests bigint, credits numeric, input_tokens bigint,
               output_tokens bigint, native_currency text, cost_native numeric, cost numeric,
               unpriced_calls bigint, latency bigint[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  n integer := cardinality(p_bounds);
BEGIN
  IF p_group NOT IN ('provider', 'endpoint', 'request_type', 'feature', 'cost_centre',
                     'region', 'status_class', 'none') THEN
    RAISE EXCEPTION 'cannot group usage by "%"', p_group
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Group by provider, endpoint, request_type, feature, cost_centre, region, status_class or none.';
  END IF;
  IF n IS NULL OR n < 2 THEN
    RAISE EXCEPTION 'usage_series needs at least two bounds' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_bounds) AS b WHERE extract(epoch FROM b)::numeric % 900 <> 0) THEN
    RAISE EXCEPTION 'usage_series bounds must fall on 15-minute boundaries'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  RETURN QUERY
  WITH straddle AS (
    SELECT DISTINCT date_trunc('hour', b, 'UTC') AS h
    FROM unnest(p_bounds) AS b
    WHERE b <> date_trunc('hour', b, 'UTC')
  ),
  src AS (
    SELECT r.* FROM tollgate.usage_rollup_hour r
    WHERE r.bucket_start >= date_trunc('hour', p_bounds[1], 'UTC')
      AND r.bucket_start < p_bounds[n]
      AND r.bucket_start NOT IN (SELECT h FROM straddle)
      AND (p_provider IS NULL OR r.api_provider = p_provider)
    UNION ALL
    SELECT r.* FROM straddle s
    JOIN tollgate.usage_rollup_15m r
      ON r.bucket_start >= s.h AND r.bucket_start < s.h + interval '1 hour'
    WHERE p_provider IS NULL OR r.api_provider = p_provider
    UNION ALL
    SELECT d.* FROM tollgate.rollup_state st, tollgate.usage_delta(st.last_id, NULL, p_bounds[1]) d
    WHERE d.bucket_start < p_bounds[n]
      AND (p_provider IS NULL OR d.api_provider = p_provider)
  ),
  tagged AS MATERIALIZED (
    SELECT width_bucket(s.bucket_start, p_bounds) AS b,
           CASE p_group
             WHEN 'provider' THEN s.api_provider
             WHEN 'endpoint' THEN s.api_endpoint
             WHEN 'request_type' THEN s.request_type
             WHEN 'feature' THEN s.feature
             WHEN 'cost_centre' THEN coalesce((SELECT f.cost_centre FROM tollgate.features f
                                               WHERE f.name = s.feature), '')
             WHEN 'region' THEN s.region
             WHEN 'status_class' THEN s.status_class::text
             ELSE ''
           END AS g,
           s.*
    FROM src s
  ),
  sums AS (
    SELECT t.b, t.g, sum(t.calls)::bigint AS calls, sum(t.billable_calls)::bigint AS billable_calls,
           sum(t.errors)::bigint AS errors, sum(t.timeouts)::bigint AS timeouts,
           sum(t.requests)::bigint AS requests, sum(t.credits) AS credits,
           sum(t.input_tokens)::bigint AS input_tokens, sum(t.output_tokens)::bigint AS output_tokens,
           CASE WHEN count(DISTINCT t.native_currency) = 1 THEN min(t.native_currency) ELSE '' END
             AS native_currency,
           CASE WHEN count(DISTINCT t.native_currency) = 1 THEN sum(t.cost_native) END AS cost_native,
           sum(t.cost) AS cost, sum(t.unpriced_calls)::bigint AS unpriced_calls
    FROM tagged t
    WHERE t.b BETWEEN 1 AND n - 1
    GROUP BY t.b, t.g
  ),
  hist AS (
    SELECT x.b, x.g, array_agg(x.c ORDER BY x.i) AS latency
    FROM (SELECT t.b, t.g, u.i, sum(u.c)::bigint AS c
          FROM tagged t, unnest(t.latency) WITH ORDINALITY AS u(c, i)
          WHERE t.b BETWEEN 1 AND n - 1
          GROUP BY 1, 2, 3) AS x
    GROUP BY x.b, x.g
  )
  SELECT s.b, s.g, s.calls, s.billable_calls, s.errors, s.timeouts, s.requests, s.credits,
         s.input_tokens, s.output_tokens, s.native_currency, s.cost_native, s.cost,
         s.unpriced_calls, coalesce(h.latency, '{}')
  FROM sums s
  LEFT JOIN hist h ON h.b = s.b AND h.g = s.g
  ORDER BY s.b, s.g;
END
$$;

-- The readers depend on these settings being valid.
CREATE FUNCTION tollgate.check_setting() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.key = 'billing-timezone'
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.value) THEN
    RAISE EXCEPTION 'unknown time zone "%"', NEW.value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use an IANA name such as Australia/Sydney, America/New_York or UTC.';
  END IF;
  IF NEW.key = 'reporting-currency' AND NEW.value !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION '"%" is not an ISO 4217 currency code', NEW.value
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use three capital letters, such as AUD, USD or EUR.';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER settings_valid
  BEFORE INSERT OR UPDATE ON tollgate.settings
  FOR EACH ROW EXECUTE FUNCTION tollgate.check_setting();

-- Rights: everyone who reads usage reads the rollups (through the readers, which run as
-- the caller). Refreshing is harmless and keeps figures fresh; every role may. Rebuilding
-- history follows a price change, so it is finance's and the admin's.
GRANT SELECT ON tollgate.usage_rollup_15m, tollgate.usage_rollup_hour, tollgate.rollup_state,
  tollgate.rollup_observations TO tollgate_viewer;
REVOKE ALL ON FUNCTION tollgate.refresh_rollups(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.recompute_rollups(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_add(bigint, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.refresh_rollups(integer) TO tollgate_viewer;
GRANT EXECUTE ON FUNCTION tollgate.recompute_rollups(timestamptz) TO tollgate_finance, tollgate_admin;
