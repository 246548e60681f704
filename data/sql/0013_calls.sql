-- 0013_calls.sql — the calls behind a figure.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- tollgate.usage_calls(): the raw rows of [p_from, p_to) that one figure counts — all of
-- them, those of a provider, of one group as tollgate.usage_series() forms its groups, of
-- a user, a feature, an outcome — a page at a time, newest (highest api_usage_id) first,
-- below p_after_id (NULL: the first page), each priced on its own as
-- tollgate.latest_calls() prices it: the rule in force at created_at and the rate of its
-- UTC date, which, prices changing on quarter hours, is how the rollups price the quarter
-- hour the call is in. native_currency is NULL for a provider the catalogue does not know;
-- cost_native is NULL for a charged call without a price, cost for one without a price or
-- a rate (the figures leave those out of cost and count them in unpriced_calls).
--
-- Keyset paging by id means a listing (a first page and the pages below it) holds every
-- call that was committed when its first page was read, each once, whatever arrives
-- meanwhile: new calls have higher ids than any the listing has shown, and a page only
-- ever reads below the last one. A call whose transaction was still open when the first
-- page was read commits with a lower id: it is in the listing if its id is below the
-- last page read when it commits, and otherwise in the next listing
-- (docs/architecture.md, "The calls behind a figure").
--
-- How a page is read. Ids are what the primary key (api_usage_id, created_at) of each
-- month partition orders, so the rows are walked backwards from p_after_id with created_at
-- checked in the index: a page in the middle of a range costs a few index pages. Rows
-- arrive roughly in time order, so a walk to the range's first rows passes the entries of
-- its last partition created after the range: none for a range that runs to now or to the
-- month's end, most of the partition for an hour early in a month. For a first page whose
-- range holds fewer than a 32nd of the rows that follow it in its partition (counted on
-- the hourly level of every provider together, dim 0 of 0012's usage_rollup_dim_hour;
-- docs/performance.md has the measurements), the rows are read in
-- time instead: the BRIN index on created_at finds the range's blocks and the page is the
-- top of a sort of the range's rows (ORDER BY api_usage_id + 0, so that the planner does
-- not walk the key). Both read the same rows.
CREATE FUNCTION tollgate.usage_calls(p_from timestamptz, p_to timestamptz,
                                     p_after_id bigint DEFAULT NULL,
                                     p_limit integer DEFAULT 100,
                                     p_provider text DEFAULT NULL,
                                     p_group text DEFAULT 'none',
                                     p_group_value text DEFAULT NULL,
                                     p_user_id bigint DEFAULT NULL,
                                     p_feature text DEFAULT NULL,
                                     p_status text DEFAULT NULL,
                                     p_status_code integer DEFAULT NULL)
RETURNS TABLE (api_usage_id bigint, created_at timestamptz, user_id bigint,
               api_provider text, api_endpoint text, request_type text, call_count integer,
               credit_cost numeric, response_time integer, request_data jsonb,
               response_data jsonb, response_status smallint, billing_period text,
               is_billable boolean, ip_address inet, user_agent text, feature text,
               region text, native_currency text, cost_native numeric, cost numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
  v_where text := '';
  v_order text := 't.api_usage_id';
  v_month_end timestamptz;
  v_in_range bigint;
  v_after_range bigint;
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
    RAISE EXCEPTION 'usage_calls needs a range [p_from, p_to) with p_from not after p_to'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
    RAISE EXCEPTION 'usage_calls reads 1 to 10000 calls a page, not %', p_limit
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_group IS NULL OR p_group NOT IN ('none', 'provider', 'endpoint', 'request_type',
                                        'feature', 'cost_centre', 'region', 'status_class',
                                        'user') THEN
    RAISE EXCEPTION 'cannot read the calls of a group of "%"', p_group
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Groups are by provider, endpoint, request_type, feature, cost_centre, region, status_class, user or none.';
  END IF;
  IF p_group <> 'none' AND p_group_value IS NULL THEN
    RAISE EXCEPTION 'usage_calls needs the value of the % group', p_group
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_status IS NOT NULL AND p_status NOT IN ('ok', 'error', 'timeout') THEN
    RAISE EXCEPTION 'usage_calls knows the outcomes ok, error and timeout, not "%"', p_status
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- Conditions only for what is asked, so that the planner sees the plain query; the
  -- parameters are those of USING below, and the groups are usage_series()'s.
  IF p_after_id IS NOT NULL THEN
    v_where := v_where || ' AND t.api_usage_id < $3';
  END IF;
  IF p_provider IS NOT NULL THEN
    v_where := v_where || ' AND t.api_provider = $5';
  END IF;
  v_where := v_where || CASE p_group
    WHEN 'provider' THEN ' AND t.api_provider = $7'
    WHEN 'endpoint' THEN ' AND t.api_endpoint = $7'
    WHEN 'request_type' THEN ' AND t.request_type = $7'
    WHEN 'feature' THEN ' AND coalesce(t.feature, '''') = $7'
    WHEN 'cost_centre' THEN ' AND coalesce((SELECT f.cost_centre FROM tollgate.features f '
                            '               WHERE f.name = t.feature), '''') = $7'
    WHEN 'region' THEN ' AND coalesce(t.region, '''') = $7'
    WHEN 'status_class' THEN ' AND (t.response_status / 100)::text = $7'
    WHEN 'user' THEN ' AND coalesce(t.user_id::text, '''') = $7'
    ELSE '' END;
  IF p_user_id IS NOT NULL THEN
    v_where := v_where || ' AND t.user_id = $8';
  END IF;
  IF p_feature IS NOT NULL THEN
    v_where := v_where || ' AND coalesce(t.feature, '''') = $9';
  END IF;
  -- Outcomes as usage_delta() counts them: errors are the status classes 0, 4 and 5,
  -- timeouts class 0.
  v_where := v_where || CASE p_status
    WHEN 'ok' THEN ' AND t.response_status BETWEEN 200 AND 299'
    WHEN 'error' THEN ' AND t.response_status / 100 IN (0, 4, 5)'
    WHEN 'timeout' THEN ' AND t.response_status / 100 = 0'
    ELSE '' END;
  IF p_status_code IS NOT NULL THEN
    v_where := v_where || ' AND t.response_status = $11';
  END IF;

  -- A first page of a short range: by time when the rows after it in its last partition
  -- outnumber its own 32 to 1. A range of a week or more never is (a month is 31 days).
  IF p_after_id IS NULL AND p_to - p_from < interval '7 days' THEN
    v_month_end := date_trunc('month', p_to - interval '1 microsecond', 'UTC')
                   + interval '1 month';
    SELECT coalesce(sum(r.requests) FILTER (WHERE r.bucket_start < p_to), 0),
           coalesce(sum(r.requests) FILTER (WHERE r.bucket_start >= p_to), 0)
    INTO v_in_range, v_after_range
    FROM tollgate.usage_rollup_dim_hour r
    WHERE r.dim = 0
      AND r.bucket_start >= date_trunc('hour', p_from, 'UTC')
      AND r.bucket_start < v_month_end;
    IF v_after_range > 32 * greatest(v_in_range, 1) THEN
      v_order := 't.api_usage_id + 0';
    END IF;
  END IF;

  RETURN QUERY EXECUTE format($q$
    SELECT u.api_usage_id, u.created_at, u.user_id, u.api_provider, u.api_endpoint,
           u.request_type, u.call_count, u.credit_cost, u.response_time, u.request_data,
           u.response_data, u.response_status, u.billing_period, u.is_billable,
           u.ip_address, u.user_agent, u.feature, u.region, nullif(p.currency, ''),
           CASE WHEN NOT tollgate.price_bills(p, u.is_billable, u.ok) THEN 0
                WHEN p.n_rules > 0
                THEN tollgate.price_charge(p, u.is_billable, u.ok, u.call_count,
                                           u.credit_cost, u.input_tokens, u.output_tokens)
           END,
           CASE WHEN NOT tollgate.price_bills(p, u.is_billable, u.ok) THEN 0
                WHEN tollgate.price_known(p)
                THEN tollgate.price_charge(p, u.is_billable, u.ok, u.call_count,
                                           u.credit_cost, u.input_tokens, u.output_tokens)
                     * p.rate
           END
    FROM (SELECT t.*, t.response_status BETWEEN 200 AND 299 AS ok,
                 tollgate.token_count(t.response_data #>> '{usage,prompt_tokens}')
                   AS input_tokens,
                 tollgate.token_count(t.response_data #>> '{usage,completion_tokens}')
                   AS output_tokens
          FROM tollgate.api_usage_tracking t
          WHERE t.created_at >= $1 AND t.created_at < $2%s
          ORDER BY %s DESC
          LIMIT $4) AS u
    CROSS JOIN LATERAL tollgate.price_rule_at(u.created_at, u.api_provider, u.api_endpoint,
                                              u.request_type) AS p
    ORDER BY u.api_usage_id DESC
  $q$, v_where, v_order)
  USING p_from, p_to, p_after_id, p_limit, p_provider, p_group, p_group_value, p_user_id,
        p_feature, p_status, p_status_code;
END
$$;
