-- 0016_series_ranges.sql — the levels read by usage_series() walk only the range asked.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- usage_series() (0012) picks each level's rows by a list of bucket starts. Given hundreds
-- of starts, the planner checks the list against every row of the dimension instead of
-- descending the key once per start, so the walk covered the level's whole history: a
-- 30-day hourly series by endpoint read all 92 days of Adelaide's half-past hours at 10M
-- rows, and the read grew with the history kept (docs/performance.md). Each branch now
-- also bounds the key's second column by the range asked — bucket starts within
-- [p_bounds[1], p_bounds[n]), days between the first and last listed — so the walk starts
-- and stops at the range, whatever the planner does with the list.
--
-- The function is otherwise 0012's, restated because a function is replaced whole.
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
  -- walking the key, and both grow with the level. The walk is bounded by the range asked
  -- (the days are listed in order; hours and quarters lie within the bounds, which
  -- ascend). The raw tail, read next, plans freely.
  PERFORM set_config('enable_seqscan', 'off', true);
  PERFORM set_config('enable_bitmapscan', 'off', true);
  RETURN QUERY EXECUTE
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_hour',
           's.bucket_start = ANY ($5) AND s.bucket_start >= $1[1] '
           'AND s.bucket_start < $1[cardinality($1)]')
    || ' UNION ALL ' ||
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_hour30',
           's.bucket_start = ANY ($6) AND s.bucket_start >= $1[1] '
           'AND s.bucket_start < $1[cardinality($1)]')
    || ' UNION ALL ' ||
    format(v_branch, 'width_bucket(s.bucket_start, $1)', 'usage_rollup_dim_15m',
           's.bucket_start = ANY ($7) AND s.bucket_start >= $1[1] '
           'AND s.bucket_start < $1[cardinality($1)]')
    || ' UNION ALL ' ||
    format(v_branch, '($9)[array_position($8, s.day)]', 'usage_rollup_dim_day',
           's.day = ANY ($8) AND s.day >= ($8)[1] AND s.day <= ($8)[cardinality($8)]')
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
