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
    -- Two empty histograms (groups of calls that were never answered) add up to an empty
    -- one, not to NULL.
    ELSE coalesce((SELECT array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i)
                   FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i),
                  '{}')
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

-- Narrow levels for the questions every page asks first (totals, per provider, per region,
-- per status class), derived from the same deltas at 15-minute, 30-minute, UTC hour and UTC
-- day grain (half hours serve the zones half an hour off UTC, such as India's and South
-- Australia's):
-- usage_rollup_provider_* keyed by provider alone, usage_rollup_region_* by provider, region
-- and status class. A month per provider reads about 200 day rows instead of 200,000 wide
-- hour rows (measured on 10M simulated rows: docs/performance.md).
DO $$
DECLARE
  grain text;
  level text;
  keys text;
BEGIN
  FOREACH grain IN ARRAY ARRAY['15m', '30m', 'hour', 'day'] LOOP
    FOREACH level IN ARRAY ARRAY['provider', 'region'] LOOP
      keys := CASE level WHEN 'provider' THEN 'api_provider'
                         ELSE 'api_provider, region, status_class' END;
      EXECUTE format($t$
        CREATE TABLE tollgate.%I (
          bucket_start    timestamptz NOT NULL,
          api_provider    text NOT NULL,
          %s
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
          latency         bigint[] NOT NULL,
          PRIMARY KEY (bucket_start, %s)
        )$t$,
        format('usage_rollup_%s_%s', level, grain),
        CASE level WHEN 'region' THEN 'region text NOT NULL, status_class smallint NOT NULL,'
                   ELSE '' END,
        keys);
    END LOOP;
  END LOOP;
END
$$;

-- Per-user rollups stay coarse (DESIGN.md): billing month × user × provider, from the same
-- deltas. A month is a local calendar month of rollup_state.billing_timezone; when the
-- billing-timezone setting changes, the refresher rebuilds this level from the raw rows and
-- the readers read raw rows until it has (see rollup_follow_billing_zone).
CREATE TABLE tollgate.usage_rollup_user_month (
  month           date NOT NULL,              -- the month's first day
  user_id         bigint,                     -- NULL: calls made without a user
  api_provider    text NOT NULL,
  calls           bigint NOT NULL,
  billable_calls  bigint NOT NULL,
  errors          bigint NOT NULL,
  credits         numeric NOT NULL,
  native_currency text NOT NULL,              -- the provider's; '' when unknown
  cost_native     numeric NOT NULL,
  cost            numeric NOT NULL,           -- in rollup_state.reporting_currency
  unpriced_calls  bigint NOT NULL,            -- billable calls without a price or a rate
  CONSTRAINT usage_rollup_user_month_key UNIQUE NULLS NOT DISTINCT (month, user_id, api_provider)
);

CREATE TABLE tollgate.rollup_state (
  singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id            bigint NOT NULL DEFAULT 0,  -- every row with a smaller id is rolled up
  refreshed_at       timestamptz,
  -- The per-user level has a watermark of its own (user_last_id <= last_id): a follower
  -- adds to it every few seconds rather than every tick, since its cost is per distinct
  -- user and provider of a batch, and those repeat (docs/performance.md).
  user_last_id       bigint NOT NULL DEFAULT 0,
  users_refreshed_at timestamptz,
  reporting_currency text NOT NULL,
  billing_timezone   text NOT NULL               -- the zone of usage_rollup_user_month's months
);
INSERT INTO tollgate.rollup_state (reporting_currency, billing_timezone)
  SELECT (SELECT value FROM tollgate.settings WHERE key = 'reporting-currency'),
         (SELECT value FROM tollgate.settings WHERE key = 'billing-timezone');

-- Ids seen missing below a visible id (a writer still in flight, or rolled back). An id
-- below observed_hi was handed out before observed_hi, so its transaction had an xid
-- below the xmax of the next refresher's snapshot (horizon): once every transaction below
-- the horizon has ended, a still-missing id is missing for good.
CREATE TABLE tollgate.rollup_observations (
  observed_hi bigint NOT NULL,
  observed_at timestamptz NOT NULL DEFAULT now(),
  horizon     xid8
);

-- Pricing, written once for every level and reader. price_rule_at() finds the rules in
-- force for one provider, endpoint and request type at an instant — for each unit the most
-- specific rule (endpoint and request type before wildcards), then the latest — and the
-- rate from the provider's currency into the reporting currency on the instant's UTC date.
-- Callers look rules up for groups of rows of one quarter hour (prices change on quarter
-- hours, rates on UTC dates), not per row, and price them with price_charge(), price_bills()
-- and price_known(). All four are plain SQL without SET clauses, so the planner inlines
-- them into the caller.
CREATE TYPE tollgate.price_rule AS (
  currency           text,      -- the provider's; '' when the provider is unknown
  n_rules            bigint,    -- units with a rule; 0: no price at all
  call_price         numeric,   -- NULL: no rule for the unit
  call_bill_failed   boolean,
  credit_price       numeric,
  credit_bill_failed boolean,
  input_price        numeric,
  input_bill_failed  boolean,
  output_price       numeric,
  output_bill_failed boolean,
  rate               numeric    -- into rollup_state.reporting_currency; NULL: no rate
);

-- Always exactly one row.
CREATE FUNCTION tollgate.price_rule_at(p_at timestamptz, p_provider text, p_endpoint text,
                                       p_request_type text)
RETURNS SETOF tollgate.price_rule
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(pv.currency::text, ''), r.n_rules,
         r.call_price, r.call_bill_failed, r.credit_price, r.credit_bill_failed,
         r.input_price, r.input_bill_failed, r.output_price, r.output_bill_failed,
         CASE WHEN pv.currency = st.reporting_currency THEN 1
              ELSE (SELECT x.rate FROM tollgate.exchange_rates x
                    WHERE x.from_currency = pv.currency
                      AND x.to_currency = st.reporting_currency
                      AND x.effective_from <= (p_at AT TIME ZONE 'UTC')::date
                    ORDER BY x.effective_from DESC LIMIT 1)
         END
  FROM tollgate.rollup_state st
  LEFT JOIN tollgate.providers pv ON pv.slug = p_provider
  CROSS JOIN LATERAL (
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
          WHERE b.provider = p_provider
            AND (b.api_endpoint IS NULL OR b.api_endpoint = p_endpoint)
            AND (b.request_type IS NULL OR b.request_type = p_request_type)
            AND b.effective_from <= p_at
          ORDER BY b.unit, b.api_endpoint IS NULL, b.request_type IS NULL,
                   b.effective_from DESC) AS pb
  ) AS r
$$;

-- Whether calls are charged: billable ones, and those without a 2xx answer only where a
-- rule bills failures.
CREATE FUNCTION tollgate.price_bills(p_rule tollgate.price_rule, p_billable boolean,
                                     p_ok boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_billable AND (p_ok OR coalesce((p_rule).call_bill_failed OR (p_rule).credit_bill_failed
                                        OR (p_rule).input_bill_failed
                                        OR (p_rule).output_bill_failed, false));

-- Whether a charge can be stated in the reporting currency: some rule and a rate.
CREATE FUNCTION tollgate.price_known(p_rule tollgate.price_rule)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce((p_rule).n_rules, 0) > 0 AND (p_rule).rate IS NOT NULL;

-- What a group of calls costs in the provider's currency: each unit with a rule, where the
-- calls were answered with 2xx or that unit's rule bills failures.
CREATE FUNCTION tollgate.price_charge(p_rule tollgate.price_rule, p_billable boolean,
                                      p_ok boolean, p_calls numeric, p_credits numeric,
                                      p_input_tokens numeric, p_output_tokens numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN p_billable THEN
         CASE WHEN p_ok OR (p_rule).call_bill_failed
              THEN p_calls * coalesce((p_rule).call_price, 0) ELSE 0 END
         + CASE WHEN p_ok OR (p_rule).credit_bill_failed
                THEN p_credits * coalesce((p_rule).credit_price, 0) ELSE 0 END
         + CASE WHEN p_ok OR (p_rule).input_bill_failed
                THEN p_input_tokens * coalesce((p_rule).input_price, 0) ELSE 0 END
         + CASE WHEN p_ok OR (p_rule).output_bill_failed
                THEN p_output_tokens * coalesce((p_rule).output_price, 0) ELSE 0 END
       ELSE 0 END;

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
  -- Each group is priced by a lateral lookup, and sums and histograms meet in one
  -- aggregation rather than a join: the delta's row estimates are often far off (new ids
  -- lie beyond the statistics), and a join of CTEs planned for one row became a nested loop
  -- that ran for minutes. This plan stays linear whatever the estimates.
  priced AS (
    SELECT g.*, p.currency, p.rate,
           tollgate.price_bills(p, g.is_billable, g.ok) AS billed,
           tollgate.price_known(p) AS known,
           tollgate.price_charge(p, g.is_billable, g.ok, g.calls, g.credits,
                                 g.input_tokens, g.output_tokens) AS cost_native
    FROM groups g
    CROSS JOIN LATERAL tollgate.price_rule_at(g.bucket_start, g.api_provider, g.api_endpoint,
                                              g.request_type) AS p
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
  ),
  both_parts AS (
    SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class,
           calls, billed, known, requests, credits, input_tokens, output_tokens, currency,
           cost_native, rate, NULL::bigint[] AS latency
    FROM priced
    UNION ALL
    SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, latency
    FROM hist
  )
  SELECT bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class,
         sum(calls)::bigint,
         coalesce(sum(calls) FILTER (WHERE billed), 0)::bigint,
         coalesce(sum(calls) FILTER (WHERE status_class IN (0, 4, 5)), 0)::bigint,
         coalesce(sum(calls) FILTER (WHERE status_class = 0), 0)::bigint,
         sum(requests)::bigint,
         sum(credits),
         sum(input_tokens)::bigint,
         sum(output_tokens)::bigint,
         max(currency),
         sum(cost_native),
         sum(cost_native * coalesce(rate, 0)),
         coalesce(sum(calls) FILTER (WHERE billed AND NOT known), 0)::bigint,
         coalesce(max(latency), '{}')
  FROM both_parts
  GROUP BY 1, 2, 3, 4, 5, 6, 7
$$;

-- Usage rows with ids in (p_after, p_upto], created in [p_since, p_until) (each bound
-- optional) and of p_provider (or all), summed per billing month of p_zone, user and
-- provider, and priced like usage_delta (at 15-minute grain, the month decided row by row).
-- The refresher adds exactly this to usage_rollup_user_month; user_month_totals adds it for
-- the tail.
CREATE FUNCTION tollgate.usage_user_delta(p_after bigint, p_upto bigint, p_zone text,
                                          p_since timestamptz DEFAULT NULL,
                                          p_until timestamptz DEFAULT NULL,
                                          p_provider text DEFAULT NULL)
RETURNS SETOF tollgate.usage_rollup_user_month
LANGUAGE sql STABLE
AS $$
  WITH groups AS (
    SELECT to_timestamp(floor(extract(epoch FROM u.created_at) / 900) * 900) AS bucket_start,
           u.api_provider, u.api_endpoint, u.request_type,
           date_trunc('month', u.created_at AT TIME ZONE p_zone)::date AS month,
           u.user_id, u.response_status BETWEEN 200 AND 299 AS ok, u.is_billable,
           sum(u.call_count)::bigint AS calls,
           coalesce(sum(u.call_count) FILTER (WHERE u.response_status / 100 IN (0, 4, 5)), 0)::bigint
             AS errors,
           sum(u.credit_cost) AS credits,
           sum(coalesce((u.response_data #>> '{usage,prompt_tokens}')::bigint, 0))::bigint
             AS input_tokens,
           sum(coalesce((u.response_data #>> '{usage,completion_tokens}')::bigint, 0))::bigint
             AS output_tokens
    FROM tollgate.api_usage_tracking u
    WHERE u.api_usage_id > p_after
      AND (p_upto IS NULL OR u.api_usage_id <= p_upto)
      AND (p_since IS NULL OR u.created_at >= p_since)
      AND (p_until IS NULL OR u.created_at < p_until)
      AND (p_provider IS NULL OR u.api_provider = p_provider)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ),
  -- Rules are looked up once per (quarter hour, provider, endpoint, request type): a key's
  -- groups (one per user, month and outcome; as many as rows, nearly) travel along in
  -- arrays. Like usage_delta, the plan has no join whose estimate could go wrong.
  keys AS (
    SELECT bucket_start, api_provider, api_endpoint, request_type,
           array_agg(month) AS months, array_agg(user_id) AS users, array_agg(ok) AS oks,
           array_agg(is_billable) AS billables, array_agg(calls) AS calls,
           array_agg(errors) AS errors, array_agg(credits) AS credits,
           array_agg(input_tokens) AS input_tokens, array_agg(output_tokens) AS output_tokens
    FROM groups
    GROUP BY 1, 2, 3, 4
  ),
  priced AS (
    SELECT k.api_provider, g.month, g.user_id, g.calls, g.errors, g.credits, p.currency, p.rate,
           tollgate.price_bills(p, g.is_billable, g.ok) AS billed,
           tollgate.price_known(p) AS known,
           tollgate.price_charge(p, g.is_billable, g.ok, g.calls, g.credits,
                                 g.input_tokens, g.output_tokens) AS cost_native
    FROM keys k
    CROSS JOIN LATERAL tollgate.price_rule_at(k.bucket_start, k.api_provider, k.api_endpoint,
                                              k.request_type) AS p
    CROSS JOIN LATERAL unnest(k.months, k.users, k.oks, k.billables, k.calls, k.errors,
                              k.credits, k.input_tokens, k.output_tokens)
                       AS g(month, user_id, ok, is_billable, calls, errors, credits,
                            input_tokens, output_tokens)
  )
  SELECT month, user_id, api_provider,
         sum(calls)::bigint,
         coalesce(sum(calls) FILTER (WHERE billed), 0)::bigint,
         sum(errors)::bigint,
         sum(credits),
         max(currency),
         sum(cost_native),
         sum(cost_native * coalesce(rate, 0)),
         coalesce(sum(calls) FILTER (WHERE billed AND NOT known), 0)::bigint
  FROM priced
  GROUP BY month, user_id, api_provider
$$;

-- Adds ids (p_after, p_upto] created at or after p_since to the 15-minute level and to the
-- levels derived from it (the wide hour level, the narrow provider and region levels;
-- recompute_rollups clears whole UTC days first). Returns the number of rows added.
--
-- The derived levels are summed from the delta's 15-minute groups (a few hundred rows a
-- tick), histograms with one sum per position; @UPSERTS@ below becomes one INSERT … ON
-- CONFLICT per derived level.
DO $do$
DECLARE
  sums text;
  upserts text := '';
  level record;
  -- Every level adds a delta row's figures to its own, histograms element by element.
  set_clause text := $s$
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
    latency = tollgate.hist_add(r.latency, excluded.latency);$s$;
BEGIN
  SELECT string_agg(format('sum(d.latency[%s]::integer)', i), ', ' ORDER BY i) INTO sums
  FROM generate_series(1, cardinality(tollgate.latency_thresholds()) + 1) AS i;

  FOR level IN
    SELECT * FROM (VALUES
      ('usage_rollup_hour', 'hour', 'api_provider, api_endpoint, request_type, feature, region, status_class'),
      ('usage_rollup_provider_15m', NULL, 'api_provider'),
      ('usage_rollup_provider_30m', '30m', 'api_provider'),
      ('usage_rollup_provider_hour', 'hour', 'api_provider'),
      ('usage_rollup_provider_day', 'day', 'api_provider'),
      ('usage_rollup_region_15m', NULL, 'api_provider, region, status_class'),
      ('usage_rollup_region_30m', '30m', 'api_provider, region, status_class'),
      ('usage_rollup_region_hour', 'hour', 'api_provider, region, status_class'),
      ('usage_rollup_region_day', 'day', 'api_provider, region, status_class')
    ) AS t(target, unit, keys)
  LOOP
    upserts := upserts || format($u$
  INSERT INTO tollgate.%1$I AS r
  SELECT h.bucket_start, %2$s, h.calls, h.billable_calls, h.errors, h.timeouts, h.requests,
         h.credits, h.input_tokens, h.output_tokens, h.native_currency, h.cost_native, h.cost,
         h.unpriced_calls, trim_array(h.latency, cardinality(h.latency) - h.width)
  FROM (SELECT %3$s AS bucket_start, %4$s,
               sum(d.calls) AS calls, sum(d.billable_calls) AS billable_calls,
               sum(d.errors) AS errors, sum(d.timeouts) AS timeouts, sum(d.requests) AS requests,
               sum(d.credits) AS credits, sum(d.input_tokens) AS input_tokens,
               sum(d.output_tokens) AS output_tokens, max(d.native_currency) AS native_currency,
               sum(d.cost_native) AS cost_native, sum(d.cost) AS cost,
               sum(d.unpriced_calls) AS unpriced_calls,
               max(cardinality(d.latency)) AS width,
               ARRAY[%5$s]::bigint[] AS latency
        FROM rollup_delta d
        GROUP BY 1, %4$s) AS h
  ON CONFLICT (bucket_start, %6$s)
  DO UPDATE SET
%7$s
$u$,
      level.target,
      regexp_replace(level.keys, '(\w+)', 'h.\1', 'g'),
      CASE WHEN level.unit IS NULL THEN 'd.bucket_start'
           WHEN level.unit = '30m'
           THEN 'date_bin(''30 minutes'', d.bucket_start, ''2000-01-01 00:00+00'')'
           ELSE format('date_trunc(%L, d.bucket_start, ''UTC'')', level.unit) END,
      regexp_replace(level.keys, '(\w+)', 'd.\1', 'g'),
      sums,
      level.keys,
      set_clause);
  END LOOP;

  EXECUTE replace(replace($fn$
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
  -- Kept for the session (emptied at commit), so that each tick does not create a table
  -- and re-plan every statement that reads it.
  CREATE TEMPORARY TABLE IF NOT EXISTS rollup_delta (LIKE tollgate.usage_rollup_15m)
    ON COMMIT DELETE ROWS;
  TRUNCATE rollup_delta;
  INSERT INTO rollup_delta SELECT * FROM tollgate.usage_delta(p_after, p_upto, p_since);
  -- Without statistics the planner takes the delta for one row and joins it with nested
  -- loops: minutes instead of a second for 100k rows.
  ANALYZE rollup_delta;
  SELECT coalesce(sum(requests), 0) INTO n FROM rollup_delta;

  INSERT INTO tollgate.usage_rollup_15m AS r SELECT * FROM rollup_delta
  ON CONFLICT (bucket_start, api_provider, api_endpoint, request_type, feature, region, status_class)
  DO UPDATE SET
@SET@
@UPSERTS@
  RETURN n;
END
$$
$fn$, '@UPSERTS@', upserts), '@SET@', set_clause);
END
$do$;

-- Adds ids (p_after, p_upto] created in or after the billing month holding p_since to the
-- per-user level (recompute_rollups clears whole months first).
CREATE FUNCTION tollgate.rollup_add_users(p_after bigint, p_upto bigint,
                                          p_since timestamptz DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  zone text;
BEGIN
  SELECT s.billing_timezone INTO zone FROM tollgate.rollup_state s;
  INSERT INTO tollgate.usage_rollup_user_month AS r
  SELECT * FROM tollgate.usage_user_delta(p_after, p_upto, zone, date_trunc('month', p_since, zone))
  ON CONFLICT ON CONSTRAINT usage_rollup_user_month_key
  DO UPDATE SET
    calls = r.calls + excluded.calls,
    billable_calls = r.billable_calls + excluded.billable_calls,
    errors = r.errors + excluded.errors,
    credits = r.credits + excluded.credits,
    native_currency = greatest(r.native_currency, excluded.native_currency),
    cost_native = r.cost_native + excluded.cost_native,
    cost = r.cost + excluded.cost,
    unpriced_calls = r.unpriced_calls + excluded.unpriced_calls;
END
$$;

-- The per-user level's months are local months of the billing time zone it was built for.
-- When the billing-timezone setting has changed since, rebuilds it from the raw rows up to
-- p_upto (the watermark) in the new zone. Returns whether it did. Called by the refresher and
-- by recompute_rollups, under their lock, so that an administrator's change of the setting
-- stays a quick UPDATE and the rebuild runs on the refresher's connection; readers meanwhile
-- read raw rows for that level (user_month_totals).
CREATE FUNCTION tollgate.rollup_follow_billing_zone(p_upto bigint)
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
  DELETE FROM tollgate.usage_rollup_user_month;
  INSERT INTO tollgate.usage_rollup_user_month
  SELECT * FROM tollgate.usage_user_delta(0, p_upto, zone);
  RETURN true;
END
$$;

-- Adds the rows that arrived since the watermark. Safe with concurrent writers (no row
-- missed: the watermark stops below any id that may still commit) and with concurrent
-- refreshers (they take turns on an advisory lock; each statement then sees what the
-- previous one committed). Late rows, whatever their created_at, are found by id.
-- Returns the rows added and the new watermark; NOTIFYs tollgate_usage when it added any.
--
-- The per-user level follows its own watermark up to the new one when p_users_every has
-- passed since it last did (0: every call, so that one call brings everything up to date),
-- or when 200,000 rows wait for it. Readers add what it lacks from the raw rows.
CREATE FUNCTION tollgate.refresh_rollups(p_max_rows integer DEFAULT 1000000,
                                         p_users_every interval DEFAULT '0',
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
  user_from bigint;
  users_at timestamptz;
  n_ids bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'tollgate.refresh_rollups() must run at READ COMMITTED, not %',
      current_setting('transaction_isolation');
  END IF;

  PERFORM pg_advisory_xact_lock(hashtext('tollgate.refresh_rollups'));

  SELECT s.last_id, s.refreshed_at, s.user_last_id, s.users_refreshed_at
  INTO from_id, previous, user_from, users_at
  FROM tollgate.rollup_state s FOR UPDATE;

  -- The billing time zone changed: the per-user months move (once, before the new rows).
  PERFORM tollgate.rollup_follow_billing_zone(user_from);

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
    UPDATE tollgate.rollup_state SET last_id = upto, refreshed_at = now();
    PERFORM pg_notify('tollgate_usage', upto::text);
  ELSE
    UPDATE tollgate.rollup_state SET refreshed_at = now();
  END IF;

  IF upto > user_from
     AND (users_at IS NULL OR users_at <= now() - p_users_every OR upto - user_from >= 200000) THEN
    PERFORM tollgate.rollup_add_users(user_from, upto);
    UPDATE tollgate.rollup_state SET user_last_id = upto, users_refreshed_at = now();
  END IF;
  last_id := upto;
END
$$;

-- Rebuilds every rollup bucket from p_from on, and the per-user months from the one holding
-- p_from (after a price or rate for a past period changed, or the reporting currency did;
-- the whole per-user level when the billing time zone changed since it was built). Rows
-- after the watermark stay in the tail.
CREATE FUNCTION tollgate.recompute_rollups(p_from timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  upto bigint;
  user_from bigint;
  -- Whole UTC days: the day levels' buckets are.
  from_bucket timestamptz := date_trunc('day', p_from, 'UTC');
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
  DELETE FROM tollgate.usage_rollup_provider_15m WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_provider_30m WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_provider_hour WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_provider_day WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_region_15m WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_region_30m WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_region_hour WHERE bucket_start >= from_bucket;
  DELETE FROM tollgate.usage_rollup_region_day WHERE bucket_start >= from_bucket;

  -- The per-user level: first up to the watermark (in the current zone), then its months
  -- from the one holding from_bucket on are rebuilt whole.
  SELECT s.user_last_id INTO user_from FROM tollgate.rollup_state s;
  IF NOT tollgate.rollup_follow_billing_zone(upto) THEN
    PERFORM tollgate.rollup_add_users(user_from, upto);
  END IF;
  DELETE FROM tollgate.usage_rollup_user_month
  WHERE month >= (SELECT date_trunc('month', from_bucket AT TIME ZONE s.billing_timezone)::date
                  FROM tollgate.rollup_state s);
  PERFORM tollgate.rollup_add_users(0, upto, from_bucket);
  UPDATE tollgate.rollup_state SET user_last_id = upto, users_refreshed_at = now();

  RETURN tollgate.rollup_add(0, upto, from_bucket);
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
-- adds them in C, exactly (amounts leave as decimal text): on 10M rows, summing the 30-day
-- hourly series here spent 35 ms in the aggregation alone; the whole call now takes 34.
--
-- Groupings by provider, region, status class or none read the narrow levels and return
-- their rows as pieces: each bucket is cut into whole UTC days, whole UTC hours, half hours
-- and quarter hours, each read from its level. The others read the wide levels — the whole UTC hours
-- inside a bucket from the hourly level, the hours a bound cuts from the 15-minute level —
-- and are summed here, one row per (bucket, group), histograms with one sum per position
-- (@HIST_SUMS@ below becomes that list): those levels' rows unsummed would be 75 to 90 MB
-- for a 30-day series.
DO $do$
DECLARE
  sums text;
BEGIN
  SELECT string_agg(format('sum(t.latency[%s]::integer)', i), ', ' ORDER BY i) INTO sums
  FROM generate_series(1, cardinality(tollgate.latency_thresholds()) + 1) AS i;

  EXECUTE replace($fn$
CREATE FUNCTION tollgate.usage_series(p_bounds timestamptz[], p_group text,
                                      p_provider text DEFAULT NULL)
RETURNS TABLE (bucket integer, grp text, calls bigint, billable_calls bigint, errors bigint,
               timeouts bigint, requests bigint, credits numeric, input_tokens bigint,
               output_tokens bigint, native_currency text, cost_native numeric, cost numeric,
               unpriced_calls bigint, latency text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  n integer := cardinality(p_bounds);
  v_last_id bigint;
  v_days timestamptz[];
  v_hours timestamptz[];
  v_halves timestamptz[];
  v_quarters timestamptz[];
  v_level text;
  v_key text;
  v_branch text;
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
  IF EXISTS (SELECT 1 FROM generate_series(1, n - 1) AS i WHERE p_bounds[i + 1] < p_bounds[i]) THEN
    RAISE EXCEPTION 'usage_series bounds must ascend' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- A STABLE function's statements share one snapshot, so the watermark is the one the
  -- query below sees; passed as a value, so that the plan (a custom one) sees how few rows
  -- the tail holds and reads it through the primary keys.
  SELECT st.last_id INTO v_last_id FROM tollgate.rollup_state st;

  IF p_group IN ('none', 'provider', 'region', 'status_class') THEN
    v_level := CASE WHEN p_group IN ('none', 'provider') THEN 'provider' ELSE 'region' END;
    v_key := CASE p_group WHEN 'provider' THEN 's.api_provider'
                          WHEN 'region' THEN 's.region'
                          WHEN 'status_class' THEN 's.status_class::text'
                          ELSE '''''::text' END;
    -- Each bucket is cut greedily: the whole UTC days inside it, then the whole hours
    -- inside it outside those days, then the half hours and quarter hours that remain.
    -- Listed here, so that each level is read through its primary key by a list of starts.
    WITH b AS (
      SELECT p_bounds[i] AS lo, p_bounds[i + 1] AS hi,
             date_trunc('hour', p_bounds[i] + interval '45 minutes', 'UTC') AS lo_h,
             date_trunc('hour', p_bounds[i + 1], 'UTC') AS hi_h
      FROM generate_series(1, n - 1) AS i
    ),
    bd AS (
      SELECT b.*, date_trunc('day', b.lo_h + interval '23 hours', 'UTC') AS lo_d,
             date_trunc('day', b.hi_h, 'UTC') AS hi_d
      FROM b
    ),
    -- the parts of a bucket within one hour: the whole bucket, or its ragged ends
    segments AS (
      SELECT lo AS a, hi AS c FROM bd WHERE lo_h > hi_h
      UNION ALL SELECT lo, lo_h FROM bd WHERE lo_h <= hi_h AND lo < lo_h
      UNION ALL SELECT hi_h, hi FROM bd WHERE lo_h <= hi_h AND hi_h < hi
    ),
    sm AS (
      SELECT a, c,
             date_bin('30 minutes', a + interval '15 minutes', '2000-01-01 00:00+00') AS a_m,
             date_bin('30 minutes', c, '2000-01-01 00:00+00') AS c_m
      FROM segments
    ),
    pieces AS (
      -- in each such part, the half hour it holds and the quarters around it
      SELECT 'm' AS lvl, a_m AS f, c_m AS t FROM sm WHERE a_m < c_m
      UNION ALL SELECT 'q', a, a_m FROM sm WHERE a_m <= c_m AND a < a_m
      UNION ALL SELECT 'q', c_m, c FROM sm WHERE a_m <= c_m AND c_m < c
      UNION ALL SELECT 'q', a, c FROM sm WHERE a_m > c_m
      -- hours: all whole hours when no whole day fits, else those around the days
      UNION ALL SELECT 'h', lo_h, hi_h FROM bd WHERE lo_h < hi_h AND lo_d >= hi_d
      UNION ALL SELECT 'h', lo_h, lo_d FROM bd WHERE lo_d < hi_d AND lo_h < lo_d
      UNION ALL SELECT 'h', hi_d, hi_h FROM bd WHERE lo_d < hi_d AND hi_d < hi_h
      UNION ALL SELECT 'd', lo_d, hi_d FROM bd WHERE lo_d < hi_d
    )
    SELECT coalesce(array_agg(x) FILTER (WHERE p.lvl = 'd'), '{}'),
           coalesce(array_agg(x) FILTER (WHERE p.lvl = 'h'), '{}'),
           coalesce(array_agg(x) FILTER (WHERE p.lvl = 'm'), '{}'),
           coalesce(array_agg(x) FILTER (WHERE p.lvl = 'q'), '{}')
    INTO v_days, v_hours, v_halves, v_quarters
    FROM (SELECT p.*, CASE p.lvl WHEN 'd' THEN interval '24 hours'
                                 WHEN 'h' THEN interval '1 hour'
                                 WHEN 'm' THEN interval '30 minutes'
                                 ELSE interval '15 minutes' END AS step
          FROM pieces p) AS p
    CROSS JOIN LATERAL generate_series(p.f, p.t - p.step, p.step) AS x;

    -- One branch per level (its rows whose starts are listed) and one for the raw tail.
    v_branch := 'SELECT width_bucket(s.bucket_start, $1), ' || v_key || ', s.calls, '
                || 's.billable_calls, s.errors, s.timeouts, s.requests, s.credits, '
                || 's.input_tokens, s.output_tokens, s.native_currency, s.cost_native, '
                || 's.cost, s.unpriced_calls, s.latency::text FROM %s s '
                || 'WHERE %s AND ($2 IS NULL OR s.api_provider = $2)';
    RETURN QUERY EXECUTE
      format(v_branch, format('tollgate.%I', 'usage_rollup_' || v_level || '_day'),
             's.bucket_start = ANY ($4)')
      || ' UNION ALL ' ||
      format(v_branch, format('tollgate.%I', 'usage_rollup_' || v_level || '_hour'),
             's.bucket_start = ANY ($5)')
      || ' UNION ALL ' ||
      format(v_branch, format('tollgate.%I', 'usage_rollup_' || v_level || '_15m'),
             's.bucket_start = ANY ($6)')
      || ' UNION ALL ' ||
      format(v_branch, format('tollgate.%I', 'usage_rollup_' || v_level || '_30m'),
             's.bucket_start = ANY ($7)')
      || ' UNION ALL ' ||
      format(v_branch, 'tollgate.usage_delta($3, NULL, $1[1])',
             's.bucket_start < $1[cardinality($1)]')
    USING p_bounds, p_provider, v_last_id, v_days, v_hours, v_quarters, v_halves;
    RETURN;
  END IF;

  -- The wide levels: quarters of the hours a bound cuts come from the 15-minute level.
  v_quarters := ARRAY(SELECT DISTINCT date_trunc('hour', b, 'UTC') + q * interval '15 minutes'
                      FROM unnest(p_bounds) AS b, generate_series(0, 3) AS q
                      WHERE b <> date_trunc('hour', b, 'UTC'));

  RETURN QUERY
  WITH src AS (
    SELECT r.* FROM tollgate.usage_rollup_hour r
    WHERE r.bucket_start >= date_trunc('hour', p_bounds[1], 'UTC')
      AND r.bucket_start < p_bounds[n]
      AND r.bucket_start <> ALL (v_quarters)
      AND (p_provider IS NULL OR r.api_provider = p_provider)
    UNION ALL
    SELECT r.* FROM tollgate.usage_rollup_15m r
    WHERE r.bucket_start = ANY (v_quarters)
      AND r.bucket_start >= p_bounds[1] AND r.bucket_start < p_bounds[n]
      AND (p_provider IS NULL OR r.api_provider = p_provider)
    UNION ALL
    SELECT d.* FROM tollgate.usage_delta(v_last_id, NULL, p_bounds[1]) d
    WHERE d.bucket_start < p_bounds[n]
      AND (p_provider IS NULL OR d.api_provider = p_provider)
  ),
  tagged AS (
    SELECT width_bucket(s.bucket_start, p_bounds) AS b,
           CASE p_group
             WHEN 'endpoint' THEN s.api_endpoint
             WHEN 'request_type' THEN s.request_type
             WHEN 'feature' THEN s.feature
             WHEN 'cost_centre' THEN coalesce((SELECT f.cost_centre FROM tollgate.features f
                                               WHERE f.name = s.feature), '')
           END AS g,
           s.*
    FROM src s
  ),
  -- Every row of src lies in [p_bounds[1], p_bounds[n]) (a filter on b instead makes the
  -- planner sort and spill). min = max rather than count(DISTINCT) = 1 (currencies are
  -- never NULL), so that the groups can be hashed instead of sorted; int4 sums of the
  -- histogram positions keep a by-value state where int8 sums keep a numeric one.
  merged AS (
    SELECT t.b, t.g, sum(t.calls)::bigint AS calls, sum(t.billable_calls)::bigint AS billable_calls,
           sum(t.errors)::bigint AS errors, sum(t.timeouts)::bigint AS timeouts,
           sum(t.requests)::bigint AS requests, sum(t.credits) AS credits,
           sum(t.input_tokens)::bigint AS input_tokens, sum(t.output_tokens)::bigint AS output_tokens,
           CASE WHEN min(t.native_currency) = max(t.native_currency) THEN min(t.native_currency)
                ELSE '' END AS native_currency,
           CASE WHEN min(t.native_currency) = max(t.native_currency) THEN sum(t.cost_native) END
             AS cost_native,
           sum(t.cost) AS cost, sum(t.unpriced_calls)::bigint AS unpriced_calls,
           max(cardinality(t.latency)) AS width,
           ARRAY[@HIST_SUMS@]::bigint[] AS latency
    FROM tagged t
    GROUP BY t.b, t.g
  )
  SELECT m.b, m.g, m.calls, m.billable_calls, m.errors, m.timeouts, m.requests, m.credits,
         m.input_tokens, m.output_tokens, m.native_currency, m.cost_native, m.cost,
         m.unpriced_calls, trim_array(m.latency, cardinality(m.latency) - m.width)::text
  FROM merged m
  ORDER BY m.b, m.g;
END
$$
$fn$, '@HIST_SUMS@', sums);
END
$do$;

-- Per-user totals of one billing month ('YYYY-MM' in the billing time zone), one row per
-- user (NULL: calls without a user), the most expensive first: the per-user level plus the
-- raw rows after the watermark, so exact up to now, late rows included. While the level
-- still has another zone's months (the setting changed and no refresher ran since), the
-- month is read from raw rows. native_currency is '' and cost_native NULL for a user of
-- providers in several currencies.
CREATE FUNCTION tollgate.user_month_totals(p_month text, p_provider text DEFAULT NULL,
                                           p_limit integer DEFAULT NULL)
RETURNS TABLE (user_id bigint, display_name text, calls bigint, billable_calls bigint,
               errors bigint, credits numeric, native_currency text, cost_native numeric,
               cost numeric, unpriced_calls bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_month date;
  v_zone text;
  v_built_for text;
  v_last_id bigint;
  v_since timestamptz;
  v_until timestamptz;
BEGIN
  IF p_month IS NULL OR p_month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
    RAISE EXCEPTION 'user_month_totals: "%" is not a month', p_month
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Write the billing month as YYYY-MM, such as 2026-03.';
  END IF;
  IF p_limit < 0 THEN
    RAISE EXCEPTION 'user_month_totals: the limit must not be negative'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  v_month := to_date(p_month, 'YYYY-MM');
  SELECT st.billing_timezone, st.user_last_id INTO v_built_for, v_last_id FROM tollgate.rollup_state st;
  SELECT s.value INTO v_zone FROM tollgate.settings s WHERE s.key = 'billing-timezone';
  v_zone := coalesce(v_zone, v_built_for);
  IF v_zone IS DISTINCT FROM v_built_for THEN
    v_last_id := 0;
  END IF;

  -- The rows are assigned to months one by one; these bounds, a day wider than the month,
  -- only keep the raw scan short.
  v_since := v_month::timestamp AT TIME ZONE v_zone - interval '1 day';
  v_until := (v_month + interval '1 month') AT TIME ZONE v_zone + interval '1 day';

  RETURN QUERY
  WITH src AS (
    SELECT r.user_id, r.calls, r.billable_calls, r.errors, r.credits, r.native_currency,
           r.cost_native, r.cost, r.unpriced_calls
    FROM tollgate.usage_rollup_user_month r
    WHERE v_last_id > 0
      AND r.month = v_month
      AND (p_provider IS NULL OR r.api_provider = p_provider)
    UNION ALL
    SELECT d.user_id, d.calls, d.billable_calls, d.errors, d.credits, d.native_currency,
           d.cost_native, d.cost, d.unpriced_calls
    FROM tollgate.usage_user_delta(v_last_id, NULL, v_zone, v_since, v_until, p_provider) d
    WHERE d.month = v_month
  )
  SELECT s.user_id, min(u.display_name), sum(s.calls)::bigint, sum(s.billable_calls)::bigint,
         sum(s.errors)::bigint, sum(s.credits),
         CASE WHEN count(DISTINCT s.native_currency) = 1 THEN min(s.native_currency) ELSE '' END,
         CASE WHEN count(DISTINCT s.native_currency) = 1 THEN sum(s.cost_native) END,
         sum(s.cost), sum(s.unpriced_calls)::bigint
  FROM src s
  LEFT JOIN tollgate.users u ON u.user_id = s.user_id
  GROUP BY s.user_id
  ORDER BY sum(s.cost) DESC, s.user_id NULLS LAST
  LIMIT p_limit;
END
$$;

-- The live activity feed: the newest p_limit rows (at most 10000; NULL: 100) among those
-- with an id above p_after (NULL or 0: all), newest first, each priced on its own like
-- usage_delta prices it. cost is in the reporting currency, NULL for a charged call without
-- a price or a rate. Walks the primary keys backwards: a few index pages whatever the table
-- holds.
CREATE FUNCTION tollgate.latest_calls(p_after bigint DEFAULT NULL, p_limit integer DEFAULT NULL)
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
               coalesce((t.response_data #>> '{usage,prompt_tokens}')::bigint, 0) AS input_tokens,
               coalesce((t.response_data #>> '{usage,completion_tokens}')::bigint, 0) AS output_tokens
        FROM tollgate.api_usage_tracking t
        WHERE t.api_usage_id > coalesce(p_after, 0)
        ORDER BY t.api_usage_id DESC
        LIMIT least(greatest(coalesce(p_limit, 100), 0), 10000)) AS u
  CROSS JOIN LATERAL tollgate.price_rule_at(u.created_at, u.api_provider, u.api_endpoint,
                                            u.request_type) AS p
  ORDER BY u.api_usage_id DESC
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
GRANT SELECT ON tollgate.usage_rollup_15m, tollgate.usage_rollup_hour,
  tollgate.usage_rollup_provider_15m, tollgate.usage_rollup_provider_30m,
  tollgate.usage_rollup_provider_hour, tollgate.usage_rollup_provider_day,
  tollgate.usage_rollup_region_15m, tollgate.usage_rollup_region_30m,
  tollgate.usage_rollup_region_hour, tollgate.usage_rollup_region_day,
  tollgate.usage_rollup_user_month, tollgate.rollup_state, tollgate.rollup_observations
  TO tollgate_viewer;
REVOKE ALL ON FUNCTION tollgate.refresh_rollups(integer, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.recompute_rollups(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_add(bigint, bigint, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_follow_billing_zone(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.rollup_add_users(bigint, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tollgate.refresh_rollups(integer, interval) TO tollgate_viewer;
GRANT EXECUTE ON FUNCTION tollgate.recompute_rollups(timestamptz) TO tollgate_finance, tollgate_admin;
