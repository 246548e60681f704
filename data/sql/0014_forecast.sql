-- 0014_forecast.sql — what a month-end forecast reads: a scope's cost per day, up to any
-- instant, and where usage begins.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- usage_series() takes bounds on quarter hours only (its pieces are rollup buckets), but a
-- forecast "as of" a moment counts the rows created before that moment, to the
-- microsecond (docs/architecture.md, "Forecast"). tollgate.usage_cost_days() answers the
-- buckets [p_bounds[i], p_bounds[i+1]) of one scope, where every bound but the last lies
-- on a quarter hour and the last anywhere after the one before: usage_series() up to the
-- last quarter hour, then the raw rows of the few minutes after it, priced as the
-- refresher prices them (usage_delta_split, the rule of the row's quarter hour and the
-- rate of its UTC date), added to the last bucket. So a whole range of days reads the
-- levels, and at most fifteen minutes come from raw rows.
--
-- The scope: p_group as usage_series() takes it ('none', 'feature', 'cost_centre'),
-- p_provider its provider filter, p_grp the one group wanted (NULL: all together).
-- Amounts are exact sums (numeric); NULL or fewer than two bounds: no rows.
CREATE FUNCTION tollgate.usage_cost_days(p_bounds timestamptz[], p_group text,
                                         p_provider text DEFAULT NULL,
                                         p_grp text DEFAULT NULL)
RETURNS TABLE (bucket integer, calls bigint, cost numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
  n integer := cardinality(p_bounds);
  v_quarter timestamptz;
BEGIN
  IF n IS NULL OR n < 2 THEN
    RETURN;
  END IF;
  IF p_group NOT IN ('none', 'provider', 'feature', 'cost_centre') THEN
    RAISE EXCEPTION 'usage_cost_days cannot group by "%"', p_group
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_bounds[n] < p_bounds[n - 1] THEN
    RAISE EXCEPTION 'usage_cost_days bounds must ascend' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  v_quarter := greatest(date_bin('15 minutes', p_bounds[n], timestamptz '2000-01-01 00:00+00'),
                        p_bounds[n - 1]);

  RETURN QUERY
    SELECT s.bucket, sum(s.calls)::bigint, sum(s.cost)
    FROM tollgate.usage_series(p_bounds[1:n - 1] || v_quarter, p_group, p_provider) s
    WHERE p_grp IS NULL OR s.grp = p_grp
    GROUP BY s.bucket;

  IF v_quarter < p_bounds[n] THEN
    RETURN QUERY
      SELECT n - 1, sum(d.calls)::bigint, sum(d.cost)
      FROM tollgate.usage_delta_split(NULL, NULL, v_quarter, p_bounds[n], p_provider, 'UTC',
                                      true, false) d
      LEFT JOIN tollgate.features f ON f.name = d.feature
      WHERE d.kind = 'w'
        AND (p_grp IS NULL
             OR CASE p_group WHEN 'provider' THEN d.api_provider
                             WHEN 'feature' THEN d.feature
                             WHEN 'cost_centre' THEN coalesce(f.cost_centre, '')
                             ELSE '' END = p_grp)
      HAVING count(*) > 0;
  END IF;
END
$$;

-- The first instant with usage, to the quarter hour (NULL: none yet): the oldest bucket of
-- the 15-minute rollup (its primary key leads with bucket_start) or an older raw row
-- after the watermark. A forecast's history and a backtest's months start there.
CREATE FUNCTION tollgate.usage_first_quarter() RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
RETURN least((SELECT min(r.bucket_start) FROM tollgate.usage_rollup_15m r),
             (SELECT date_bin('15 minutes', min(u.created_at), timestamptz '2000-01-01 00:00+00')
              FROM tollgate.api_usage_tracking u
              WHERE u.api_usage_id > (SELECT st.last_id FROM tollgate.rollup_state st)));
