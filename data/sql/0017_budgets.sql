-- 0017_budgets.sql — monthly budgets and provider quotas: their thresholds, where each month
-- stands against them, and what they propose to the alerts.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A budget caps a scope's spend in a local billing month (of the billing-timezone setting):
-- overall, one provider, one cost centre or one feature, in any currency. A quota caps a
-- provider's calls or credits in the month, as the provider's plan does, and may count down
-- a prepaid balance too. Each has thresholds, percentages of it or amounts, each compared
-- with the month's actual so far or with its month-end forecast (docs/architecture.md,
-- "Budgets and quotas").
--
-- Rights: finance and admin change budgets and quotas through the set/delete functions
-- below (SECURITY DEFINER: nobody writes the tables directly), every change lands in the
-- audit log (0005's trigger) and NOTIFYs tollgate_config with the table's name, so that
-- every open Tollgate sees it at once. Everyone reads.
--
-- Money: costs in the rollups are in the reporting currency (rollup_state, 0006). A budget in
-- another currency converts each local day's cost at the exchange rate in force on that
-- local day (tollgate.budget_convert()), kept to 12 decimals; the month is the exact sum of
-- its days, rounded once to micro-units.

-- A threshold: a percentage or an amount (exactly one), on 'actual' or 'forecast'.
CREATE TYPE tollgate.budget_threshold AS (
  percent numeric,   -- of the budget or quota, 1 to 1000, at most two decimals
  amount  numeric,   -- in the budget's currency or the quota's unit, at most six decimals
  basis   text       -- 'actual' or 'forecast'
);

GRANT USAGE ON TYPE tollgate.budget_threshold TO tollgate_viewer;

-- The checks of the tables below; the set functions say in words what is wrong first.
CREATE FUNCTION tollgate.budget_thresholds_valid(p tollgate.budget_threshold[])
RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN p IS NOT NULL AND cardinality(p) BETWEEN 1 AND 20
       AND NOT EXISTS (SELECT FROM unnest(p) t
                       WHERE t.basis IS NULL OR t.basis NOT IN ('actual', 'forecast')
                          OR num_nonnulls(t.percent, t.amount) <> 1
                          OR t.percent < 1 OR t.percent > 1000 OR t.percent <> round(t.percent, 2)
                          OR t.amount <= 0 OR t.amount <> round(t.amount, 6)
                          OR t.amount > 999999999999.999999);

-- One budget per scope: 'overall', 'provider:P', 'cost-centre:C', 'feature:F'.
CREATE TABLE tollgate.budgets (
  budget_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope       text NOT NULL UNIQUE
              CHECK (scope ~ '^(overall|provider:.+|cost-centre:.+|feature:.+)$'),
  amount      numeric(18, 6) NOT NULL CHECK (amount > 0),
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- actual thresholds first, then forecast ones, each by ascending rank
  thresholds  tollgate.budget_threshold[] NOT NULL
              CHECK (tollgate.budget_thresholds_valid(thresholds)),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE tollgate.budgets IS
  'Monthly budgets per scope; changed by tollgate.set_budget() and tollgate.delete_budget().';

-- One quota per provider: its plan's calls or credits a month, and optionally a prepaid
-- balance (in the same unit) stated at prepaid_at and counted down from then.
CREATE TABLE tollgate.provider_quotas (
  quota_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider    text NOT NULL UNIQUE REFERENCES tollgate.providers (slug),
  unit        text NOT NULL CHECK (unit IN ('calls', 'credits')),
  amount      numeric(18, 6) NOT NULL
              CHECK (amount > 0 AND (unit = 'credits' OR amount = trunc(amount))),
  prepaid     numeric(18, 6)
              CHECK (prepaid >= 0 AND (unit = 'credits' OR prepaid = trunc(prepaid))),
  prepaid_at  timestamptz,
  thresholds  tollgate.budget_threshold[] NOT NULL
              CHECK (tollgate.budget_thresholds_valid(thresholds)),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((prepaid IS NULL) = (prepaid_at IS NULL))
);

COMMENT ON TABLE tollgate.provider_quotas IS
  'Monthly quotas of calls or credits per provider; changed by tollgate.set_quota() and tollgate.delete_quota().';

-- Month-end forecasts, computed in C (src/core/tg-forecast.c) by whichever Tollgate refreshes
-- them (tg_budget_service_refresh_forecasts()) and read by the status and the alert
-- candidates below: the latest per budget or quota and local month, in the unit (currency,
-- 'calls' or 'credits') the rule had then. Derived data, like the rollups: any Tollgate
-- role may store them, through tollgate.store_budget_forecast(), and they are not audited.
CREATE TABLE tollgate.budget_forecasts (
  budget_id    bigint REFERENCES tollgate.budgets ON DELETE CASCADE,
  quota_id     bigint REFERENCES tollgate.provider_quotas ON DELETE CASCADE,
  month        date NOT NULL,            -- the local month's first day
  unit         text NOT NULL,
  as_of        timestamptz NOT NULL,     -- the moment forecast: rows created before it count
  computed_at  timestamptz NOT NULL DEFAULT now(),
  forecast     numeric NOT NULL CHECK (forecast >= 0),
  low          numeric,                  -- the 80 % interval, NULL when held back
  high         numeric,
  basis_days   integer NOT NULL CHECK (basis_days >= 0),
  confidence   text NOT NULL CHECK (confidence IN ('none', 'low', 'medium', 'high')),
  -- only a forecast with its calibrated interval may alert (TgForecast's confidence high)
  enough_data  boolean NOT NULL,
  CHECK (num_nonnulls(budget_id, quota_id) = 1),
  CHECK ((low IS NULL) = (high IS NULL) AND (low IS NULL OR low <= high)),
  CHECK (enough_data = (confidence = 'high'))
);
CREATE UNIQUE INDEX budget_forecasts_budget ON tollgate.budget_forecasts (budget_id, month)
  WHERE budget_id IS NOT NULL;
CREATE UNIQUE INDEX budget_forecasts_quota ON tollgate.budget_forecasts (quota_id, month)
  WHERE quota_id IS NOT NULL;

SELECT tollgate.enable_audit(t::regclass)
FROM unnest(ARRAY['tollgate.budgets', 'tollgate.provider_quotas']) AS t;

-- Every open Tollgate LISTENs on tollgate_config; the payload names the table. One NOTIFY a
-- statement (PostgreSQL also folds equal ones of a transaction into one).
CREATE FUNCTION tollgate.budgets_notify_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_notify('tollgate_config', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER budgets_notify
  AFTER INSERT OR UPDATE OR DELETE ON tollgate.budgets
  FOR EACH STATEMENT EXECUTE FUNCTION tollgate.budgets_notify_change();
CREATE TRIGGER provider_quotas_notify
  AFTER INSERT OR UPDATE OR DELETE ON tollgate.provider_quotas
  FOR EACH STATEMENT EXECUTE FUNCTION tollgate.budgets_notify_change();

-- Amounts as scripts read them: no grouping, '.', the currency's decimals at least (two, none
-- for currencies without minor units) and more only where the amount has them; units
-- ('calls', 'credits') without trailing zeros.
CREATE FUNCTION tollgate.budget_amount_text(p_amount numeric, p_unit text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE
  WHEN p_amount IS NULL THEN NULL
  WHEN p_unit IN ('calls', 'credits') THEN trim_scale(p_amount)::text
  ELSE round(p_amount, greatest(scale(trim_scale(p_amount)),
                                CASE WHEN p_unit IN ('JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX')
                                     THEN 0 ELSE 2 END))::text
END;

-- For people: rounded to the currency's decimals (credits keep theirs), grouped by
-- thousands, with the unit: '8,712.40 AUD', '212,500 calls'.
CREATE FUNCTION tollgate.budget_amount_display(p_amount numeric, p_unit text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT CASE WHEN x.v IS NULL THEN NULL
                    ELSE CASE WHEN x.v < 0 THEN '-' ELSE '' END
                         || to_char(trunc(abs(x.v)), 'FM999,999,999,999,999,990')
                         || coalesce('.' || nullif(split_part(abs(x.v)::text, '.', 2), ''), '')
                         || ' ' || p_unit
               END
        FROM (SELECT CASE WHEN p_unit = 'credits' THEN trim_scale(p_amount)
                          WHEN p_unit = 'calls' THEN round(p_amount)
                          WHEN p_unit IN ('JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX') THEN round(p_amount)
                          ELSE round(p_amount, 2) END AS v) x);

-- The currencies a budget may be in: the one costs are kept in (rollup_state, 0006) and
-- those an exchange rate leads into or out of it. Sorted, for messages and lists.
CREATE FUNCTION tollgate.budget_currencies()
RETURNS SETOF text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT st.reporting_currency FROM tollgate.rollup_state st
  UNION
  SELECT CASE WHEN x.from_currency = st.reporting_currency THEN x.to_currency
              ELSE x.from_currency END::text
  FROM tollgate.exchange_rates x
  CROSS JOIN tollgate.rollup_state st
  WHERE st.reporting_currency IN (x.from_currency, x.to_currency)
  ORDER BY 1
$$;

-- p_amount in p_from as p_to on the local day p_day, to 12 decimals: the rate in force on the
-- day (the latest effective_from not after it), stored either way round — from p_from into
-- p_to multiplies, from p_to into p_from divides; the later one wins, and a direct one on the
-- same day. A day before every rate takes the first one there is. NULL: no rate either way.
CREATE FUNCTION tollgate.budget_convert(p_amount numeric, p_from text, p_to text, p_day date)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN p_amount IS NULL THEN NULL
    WHEN p_from = p_to THEN p_amount
    ELSE (SELECT round(CASE WHEN r.direct THEN p_amount * r.rate ELSE p_amount / r.rate END, 12)
          FROM (SELECT true AS direct, x.rate, x.effective_from FROM tollgate.exchange_rates x
                WHERE x.from_currency = p_from AND x.to_currency = p_to
                UNION ALL
                SELECT false, x.rate, x.effective_from FROM tollgate.exchange_rates x
                WHERE x.from_currency = p_to AND x.to_currency = p_from) r
          ORDER BY r.effective_from <= p_day DESC,
                   CASE WHEN r.effective_from <= p_day THEN r.effective_from END DESC,
                   r.effective_from, r.direct DESC
          LIMIT 1)
  END
$$;

-- A threshold's rank, the percentage of the budget (or quota) it is; its amount; its text.
CREATE FUNCTION tollgate.budget_threshold_rank(p tollgate.budget_threshold, p_limit numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN round(coalesce((p).percent, (p).amount / p_limit * 100), 4);

CREATE FUNCTION tollgate.budget_threshold_amount(p tollgate.budget_threshold, p_limit numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN coalesce((p).amount, round(p_limit * (p).percent / 100, 6));

-- '85' for 85 %, '1200.00 AUD' or '200000 calls' for an amount.
CREATE FUNCTION tollgate.budget_threshold_text(p tollgate.budget_threshold, p_unit text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN (p).percent IS NOT NULL THEN trim_scale((p).percent)::text
            ELSE tollgate.budget_amount_text((p).amount, p_unit) || ' ' || p_unit END;

-- The same for people: '85 %', '1,200.00 AUD'.
CREATE FUNCTION tollgate.budget_threshold_display(p tollgate.budget_threshold, p_unit text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE WHEN (p).percent IS NOT NULL THEN trim_scale((p).percent)::text || ' %'
            ELSE tollgate.budget_amount_display((p).amount, p_unit) END;

-- Thresholds in their order (actual ones first, each basis by rank), refusing two of one
-- basis that stand for the same amount.
CREATE FUNCTION tollgate.budget_thresholds_sorted(p tollgate.budget_threshold[], p_limit numeric,
                                                  p_unit text)
RETURNS tollgate.budget_threshold[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_same record;
BEGIN
  SELECT p[i] AS first, p[j] AS second INTO v_same
  FROM generate_subscripts(p, 1) i
  JOIN generate_subscripts(p, 1) j ON j > i
  WHERE (p[i]).basis = (p[j]).basis
    AND tollgate.budget_threshold_amount(p[i], p_limit) = tollgate.budget_threshold_amount(p[j], p_limit)
  ORDER BY i, j
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the thresholds % and % on % stand for the same amount',
                    tollgate.budget_threshold_display(v_same.first, p_unit),
                    tollgate.budget_threshold_display(v_same.second, p_unit), (v_same.first).basis
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give each threshold once.';
  END IF;

  RETURN ARRAY(SELECT p[i] FROM generate_subscripts(p, 1) i
               ORDER BY (p[i]).basis = 'forecast', tollgate.budget_threshold_amount(p[i], p_limit));
END
$$;

-- Thresholds from the set functions' three arrays (each item: 'percent' or 'amount', its
-- value, 'actual' or 'forecast'), checked one by one with a message that names the item.
-- p_unit: the budget's currency, or the quota's 'calls' or 'credits'.
CREATE FUNCTION tollgate.budget_thresholds_from(p_kinds text[], p_values numeric[],
                                                p_bases text[], p_limit numeric, p_unit text)
RETURNS tollgate.budget_threshold[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n integer := coalesce(cardinality(p_kinds), 0);
  v_result tollgate.budget_threshold[] := '{}';
  v_value numeric;
BEGIN
  IF n = 0 OR n > 20 THEN
    RAISE EXCEPTION 'a budget or quota has from 1 to 20 thresholds, not %', n
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give them like 70,85,95,100 (percentages) or 7500.00AUD (amounts).';
  END IF;
  IF cardinality(p_values) IS DISTINCT FROM n OR cardinality(p_bases) IS DISTINCT FROM n THEN
    RAISE EXCEPTION 'the thresholds'' kinds, values and bases differ in number'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  FOR i IN 1 .. n LOOP
    v_value := p_values[i];
    IF p_bases[i] IS NULL OR p_bases[i] NOT IN ('actual', 'forecast') THEN
      RAISE EXCEPTION 'threshold %: % is neither actual nor forecast', i, coalesce(quote_literal(p_bases[i]), 'NULL')
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kinds[i] = 'percent' THEN
      IF v_value IS NULL OR v_value < 1 OR v_value > 1000 OR v_value <> round(v_value, 2) THEN
        RAISE EXCEPTION 'threshold %: % is not a percentage from 1 to 1000 with at most two decimals',
                        i, coalesce(v_value::text, 'NULL')
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      v_result := v_result || (trim_scale(v_value), NULL, p_bases[i])::tollgate.budget_threshold;
    ELSIF p_kinds[i] = 'amount' THEN
      IF v_value IS NULL OR v_value <= 0 OR v_value <> round(v_value, 6)
         OR v_value > 999999999999.999999 THEN
        RAISE EXCEPTION 'threshold %: % is not an amount above 0 with at most six decimals',
                        i, coalesce(v_value::text, 'NULL')
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Amounts go up to 999,999,999,999.999999.';
      END IF;
      IF p_unit = 'calls' AND v_value <> trunc(v_value) THEN
        RAISE EXCEPTION 'threshold %: % is not a whole number of calls', i, v_value
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      v_result := v_result || (NULL, v_value, p_bases[i])::tollgate.budget_threshold;
    ELSE
      RAISE EXCEPTION 'threshold %: % is neither percent nor amount', i, coalesce(quote_literal(p_kinds[i]), 'NULL')
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END LOOP;

  RETURN tollgate.budget_thresholds_sorted(v_result, p_limit, p_unit);
END
$$;

-- The defaults: 70, 85, 95 and 100 % of the actual.
CREATE FUNCTION tollgate.budget_default_thresholds()
RETURNS tollgate.budget_threshold[]
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN ARRAY[(70, NULL, 'actual'), (85, NULL, 'actual'), (95, NULL, 'actual'),
             (100, NULL, 'actual')]::tollgate.budget_threshold[];

-- Budgets and quotas are finance's: members of tollgate_finance (tollgate_admin is one). The
-- session user, as the audit log records it: the person, whatever role they SET.
CREATE FUNCTION tollgate.budget_require_finance(p_what text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT pg_has_role(session_user, 'tollgate_finance', 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied to change %: % is not a member of tollgate_finance', p_what, session_user
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Budgets and quotas are changed by members of tollgate_finance or tollgate_admin.';
  END IF;
END
$$;

-- A scope a budget may have: overall, or a provider, cost centre or feature of the catalogue.
CREATE FUNCTION tollgate.budget_check_scope(p_scope text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_kind text := split_part(p_scope, ':', 1);
  v_name text := substr(p_scope, length(v_kind) + 2);
  v_known text;
BEGIN
  IF p_scope = 'overall' THEN
    RETURN;
  END IF;
  IF p_scope IS NULL OR position(':' IN p_scope) = 0 OR v_name = ''
     OR v_kind NOT IN ('provider', 'cost-centre', 'feature') THEN
    RAISE EXCEPTION 'not a budget scope: %', coalesce(quote_literal(left(p_scope, 64)), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A scope is overall, provider:P, cost-centre:C or feature:F.';
  END IF;

  IF v_kind = 'provider' AND NOT EXISTS (SELECT FROM tollgate.providers p WHERE p.slug = v_name) THEN
    SELECT string_agg(p.slug, ', ' ORDER BY p.slug) INTO v_known FROM tollgate.providers p;
  ELSIF v_kind = 'cost-centre' AND NOT EXISTS (SELECT FROM tollgate.cost_centres c WHERE c.code = v_name) THEN
    SELECT string_agg(c.code, ', ' ORDER BY c.code) INTO v_known FROM tollgate.cost_centres c;
    v_known := coalesce(v_known, 'none yet');
  ELSIF v_kind = 'feature' AND NOT EXISTS (SELECT FROM tollgate.features f WHERE f.name = v_name) THEN
    SELECT string_agg(f.name, ', ' ORDER BY f.name) INTO v_known FROM tollgate.features f;
    v_known := coalesce(v_known, 'none yet');
  ELSE
    RETURN;
  END IF;

  RAISE EXCEPTION 'no % %', replace(v_kind, '-', ' '), quote_literal(left(v_name, 64))
    USING ERRCODE = 'invalid_parameter_value',
          HINT = format('The %ss are %s.', replace(v_kind, '-', ' '), v_known);
END
$$;

-- Checks an amount of a budget, a quota or a prepaid balance.
CREATE FUNCTION tollgate.budget_check_amount(p_what text, p_amount numeric, p_whole boolean,
                                             p_zero boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_amount IS NULL OR p_amount < 0 OR (p_amount = 0 AND NOT p_zero)
     OR p_amount <> round(p_amount, 6) OR p_amount > 999999999999.999999
     OR (p_whole AND p_amount <> trunc(p_amount)) THEN
    RAISE EXCEPTION '% must be % % with at most % decimals, not %', p_what,
                    CASE WHEN p_whole THEN 'a whole number' ELSE 'an amount' END,
                    CASE WHEN p_zero THEN 'from 0' ELSE 'above 0' END,
                    CASE WHEN p_whole THEN 'no' ELSE 'six' END,
                    coalesce(p_amount::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Amounts go up to 999,999,999,999.999999.';
  END IF;
END
$$;

-- Sets the budget of a scope: creates it, or changes the scope's budget and keeps its id.
-- Thresholds NULL: a new budget gets the defaults, an existing one keeps its own (unless
-- they hold amounts and the currency changes: they are then asked for again). Returns the
-- id and whether the budget was created. An unchanged budget is not written (nor audited).
CREATE FUNCTION tollgate.set_budget(p_scope text, p_amount numeric, p_currency text,
                                    p_threshold_kinds text[] DEFAULT NULL,
                                    p_threshold_values numeric[] DEFAULT NULL,
                                    p_threshold_bases text[] DEFAULT NULL)
RETURNS TABLE (budget_id bigint, created boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_old tollgate.budgets;
  v_thresholds tollgate.budget_threshold[];
  v_id bigint;
BEGIN
  PERFORM tollgate.budget_require_finance('budgets');
  PERFORM tollgate.budget_check_scope(p_scope);
  PERFORM tollgate.budget_check_amount('a budget', p_amount, false);
  IF p_currency IS NULL OR p_currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION 'not a currency code: %', coalesce(quote_literal(left(p_currency, 16)), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A currency is three capital letters, such as AUD.';
  END IF;
  IF NOT EXISTS (SELECT FROM tollgate.budget_currencies() c WHERE c = p_currency) THEN
    RAISE EXCEPTION 'cannot compare spend with a budget in %: no exchange rate leads between % and %, the currency costs are kept in',
                    p_currency, p_currency, (SELECT st.reporting_currency FROM tollgate.rollup_state st)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The possible currencies are %s; add an exchange rate first to budget in %s.',
                          (SELECT string_agg(c, ', ') FROM tollgate.budget_currencies() c), p_currency);
  END IF;
  IF p_threshold_kinds IS NOT NULL THEN
    v_thresholds := tollgate.budget_thresholds_from(p_threshold_kinds, p_threshold_values,
                                                    p_threshold_bases, p_amount, p_currency);
  END IF;

  LOOP
    SELECT * INTO v_old FROM tollgate.budgets b WHERE b.scope = p_scope FOR UPDATE;
    IF FOUND THEN
      IF v_thresholds IS NULL THEN
        IF v_old.currency <> p_currency
           AND EXISTS (SELECT FROM unnest(v_old.thresholds) t WHERE t.amount IS NOT NULL) THEN
          RAISE EXCEPTION 'the budget of % has thresholds in %: give its thresholds again in %',
                          p_scope, v_old.currency, p_currency
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the thresholds with the new currency (--thresholds).';
        END IF;
        v_thresholds := tollgate.budget_thresholds_sorted(v_old.thresholds, p_amount, p_currency);
      END IF;
      IF (v_old.amount, v_old.currency, v_old.thresholds) IS DISTINCT FROM (p_amount, p_currency, v_thresholds) THEN
        UPDATE tollgate.budgets b
        SET amount = p_amount, currency = p_currency, thresholds = v_thresholds, updated_at = now()
        WHERE b.budget_id = v_old.budget_id;
      END IF;
      RETURN QUERY SELECT v_old.budget_id, false;
      RETURN;
    END IF;

    INSERT INTO tollgate.budgets (scope, amount, currency, thresholds)
    VALUES (p_scope, p_amount, p_currency,
            coalesce(v_thresholds, tollgate.budget_default_thresholds()))
    ON CONFLICT (scope) DO NOTHING
    RETURNING budgets.budget_id INTO v_id;
    IF v_id IS NOT NULL THEN
      RETURN QUERY SELECT v_id, true;
      RETURN;
    END IF;
    -- Another session created it meanwhile: change that one.
  END LOOP;
END
$$;

-- Deletes a budget (and its stored forecasts). Returns whether there was one.
CREATE FUNCTION tollgate.delete_budget(p_budget_id bigint)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM tollgate.budget_require_finance('budgets');
  DELETE FROM tollgate.budgets b WHERE b.budget_id = p_budget_id;
  RETURN FOUND;
END
$$;

-- Sets a provider's quota, as set_budget() a budget. p_prepaid: the balance left now (in the
-- unit); NULL with p_keep_prepaid keeps the one there is, NULL without it removes it.
CREATE FUNCTION tollgate.set_quota(p_provider text, p_unit text, p_amount numeric,
                                   p_prepaid numeric DEFAULT NULL,
                                   p_keep_prepaid boolean DEFAULT true,
                                   p_threshold_kinds text[] DEFAULT NULL,
                                   p_threshold_values numeric[] DEFAULT NULL,
                                   p_threshold_bases text[] DEFAULT NULL)
RETURNS TABLE (quota_id bigint, created boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_old tollgate.provider_quotas;
  v_thresholds tollgate.budget_threshold[];
  v_prepaid numeric := p_prepaid;
  v_prepaid_at timestamptz := CASE WHEN p_prepaid IS NOT NULL THEN now() END;
  v_id bigint;
  v_billing_unit text;
BEGIN
  PERFORM tollgate.budget_require_finance('quotas');
  SELECT p.billing_unit INTO v_billing_unit FROM tollgate.providers p WHERE p.slug = p_provider;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no provider %', coalesce(quote_literal(left(p_provider, 64)), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The providers are %s.',
                          (SELECT string_agg(p.slug, ', ' ORDER BY p.slug) FROM tollgate.providers p));
  END IF;
  IF p_unit IS NULL OR p_unit NOT IN ('calls', 'credits') THEN
    RAISE EXCEPTION 'a quota counts calls or credits, not %', coalesce(quote_literal(left(p_unit, 16)), 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Only providers that bill in credits have the platform record them (credit_cost).
  IF p_unit = 'credits' AND v_billing_unit <> 'credit' THEN
    RAISE EXCEPTION '% does not bill in credits (it bills per %): a quota of credits would never be used',
                    p_provider, v_billing_unit
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give its quota in calls.';
  END IF;
  PERFORM tollgate.budget_check_amount('a quota', p_amount, p_unit = 'calls');
  IF p_prepaid IS NOT NULL THEN
    PERFORM tollgate.budget_check_amount('a prepaid balance', p_prepaid, p_unit = 'calls', true);
  END IF;
  IF p_threshold_kinds IS NOT NULL THEN
    v_thresholds := tollgate.budget_thresholds_from(p_threshold_kinds, p_threshold_values,
                                                    p_threshold_bases, p_amount, p_unit);
  END IF;

  LOOP
    SELECT * INTO v_old FROM tollgate.provider_quotas q WHERE q.provider = p_provider FOR UPDATE;
    IF FOUND THEN
      IF v_thresholds IS NULL THEN
        IF v_old.unit <> p_unit
           AND EXISTS (SELECT FROM unnest(v_old.thresholds) t WHERE t.amount IS NOT NULL) THEN
          RAISE EXCEPTION 'the quota of % has thresholds in %: give its thresholds again in %',
                          p_provider, v_old.unit, p_unit
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the thresholds with the new unit (--thresholds).';
        END IF;
        v_thresholds := tollgate.budget_thresholds_sorted(v_old.thresholds, p_amount, p_unit);
      END IF;
      IF p_prepaid IS NULL AND p_keep_prepaid THEN
        IF v_old.unit <> p_unit AND v_old.prepaid IS NOT NULL THEN
          RAISE EXCEPTION 'the quota of % has a prepaid balance in %: give it again in %',
                          p_provider, v_old.unit, p_unit
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the prepaid balance with the new unit (--prepaid), or none.';
        END IF;
        v_prepaid := v_old.prepaid;
        v_prepaid_at := v_old.prepaid_at;
      END IF;
      IF (v_old.unit, v_old.amount, v_old.prepaid, v_old.thresholds)
         IS DISTINCT FROM (p_unit, p_amount, v_prepaid, v_thresholds)
         OR p_prepaid IS NOT NULL THEN
        UPDATE tollgate.provider_quotas q
        SET unit = p_unit, amount = p_amount, prepaid = v_prepaid, prepaid_at = v_prepaid_at,
            thresholds = v_thresholds, updated_at = now()
        WHERE q.quota_id = v_old.quota_id;
      END IF;
      RETURN QUERY SELECT v_old.quota_id, false;
      RETURN;
    END IF;

    INSERT INTO tollgate.provider_quotas (provider, unit, amount, prepaid, prepaid_at, thresholds)
    VALUES (p_provider, p_unit, p_amount, v_prepaid, v_prepaid_at,
            coalesce(v_thresholds, tollgate.budget_default_thresholds()))
    ON CONFLICT (provider) DO NOTHING
    RETURNING provider_quotas.quota_id INTO v_id;
    IF v_id IS NOT NULL THEN
      RETURN QUERY SELECT v_id, true;
      RETURN;
    END IF;
  END LOOP;
END
$$;

CREATE FUNCTION tollgate.delete_quota(p_quota_id bigint)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM tollgate.budget_require_finance('quotas');
  DELETE FROM tollgate.provider_quotas q WHERE q.quota_id = p_quota_id;
  RETURN FOUND;
END
$$;

-- The local billing month (billing-timezone setting) holding p_now: its first day, first
-- instant and end (exclusive: when budgets reset), and the zone.
CREATE FUNCTION tollgate.budget_month(p_now timestamptz,
                                      OUT zone text, OUT first_day date,
                                      OUT month_start timestamptz, OUT month_end timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT z.value, m.d, m.d::timestamp AT TIME ZONE z.value,
         (m.d + interval '1 month') AT TIME ZONE z.value
  FROM tollgate.settings z
  CROSS JOIN LATERAL (SELECT date_trunc('month', p_now AT TIME ZONE z.value)::date AS d) m
  WHERE z.key = 'billing-timezone'
$$;

-- Stores a month-end forecast of a budget (p_kind 'budget') or quota ('quota') as of p_as_of,
-- unless one as of the same moment or later is there. Returns whether it was stored (false
-- too when the budget or quota is gone). Safe to run concurrently: the upsert keeps the
-- latest.
CREATE FUNCTION tollgate.store_budget_forecast(p_kind text, p_id bigint, p_month date,
                                               p_as_of timestamptz, p_unit text,
                                               p_forecast numeric, p_low numeric, p_high numeric,
                                               p_basis_days integer, p_confidence text)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_month date := (SELECT m.first_day FROM tollgate.budget_month(p_as_of) m);
  v_rows integer;
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('budget', 'quota') THEN
    RAISE EXCEPTION 'a forecast is of a budget or a quota, not %', coalesce(quote_literal(p_kind), 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_month IS DISTINCT FROM v_month THEN
    RAISE EXCEPTION 'a forecast as of % is of the month beginning %, not %', p_as_of, v_month, p_month
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  BEGIN
    IF p_kind = 'budget' THEN
      INSERT INTO tollgate.budget_forecasts AS f
        (budget_id, month, unit, as_of, forecast, low, high, basis_days, confidence, enough_data)
      SELECT b.budget_id, p_month, p_unit, p_as_of, p_forecast, p_low, p_high, p_basis_days,
             p_confidence, p_confidence = 'high'
      FROM tollgate.budgets b WHERE b.budget_id = p_id AND b.currency = p_unit
      ON CONFLICT (budget_id, month) WHERE budget_id IS NOT NULL DO UPDATE
        SET unit = excluded.unit, as_of = excluded.as_of, computed_at = excluded.computed_at,
            forecast = excluded.forecast, low = excluded.low, high = excluded.high,
            basis_days = excluded.basis_days, confidence = excluded.confidence,
            enough_data = excluded.enough_data
        WHERE f.as_of < excluded.as_of OR f.unit <> excluded.unit;
    ELSE
      INSERT INTO tollgate.budget_forecasts AS f
        (quota_id, month, unit, as_of, forecast, low, high, basis_days, confidence, enough_data)
      SELECT q.quota_id, p_month, p_unit, p_as_of, p_forecast, p_low, p_high, p_basis_days,
             p_confidence, p_confidence = 'high'
      FROM tollgate.provider_quotas q WHERE q.quota_id = p_id AND q.unit = p_unit
      ON CONFLICT (quota_id, month) WHERE quota_id IS NOT NULL DO UPDATE
        SET unit = excluded.unit, as_of = excluded.as_of, computed_at = excluded.computed_at,
            forecast = excluded.forecast, low = excluded.low, high = excluded.high,
            basis_days = excluded.basis_days, confidence = excluded.confidence,
            enough_data = excluded.enough_data
        WHERE f.as_of < excluded.as_of OR f.unit <> excluded.unit;
    END IF;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
  EXCEPTION WHEN foreign_key_violation THEN
    -- Deleted meanwhile.
    v_rows := 0;
  END;

  RETURN v_rows > 0;
END
$$;

-- A provider's calls and credits per bucket [p_bounds[i], p_bounds[i+1]): as
-- usage_cost_days() (0014) reads cost — usage_series() up to the last quarter hour, the raw
-- rows after it — with the credits, which quotas count.
CREATE FUNCTION tollgate.budget_use_days(p_bounds timestamptz[], p_provider text)
RETURNS TABLE (bucket integer, calls bigint, credits numeric)
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
  IF p_bounds[n] < p_bounds[n - 1] THEN
    RAISE EXCEPTION 'budget_use_days bounds must ascend' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  v_quarter := greatest(date_bin('15 minutes', p_bounds[n], timestamptz '2000-01-01 00:00+00'),
                        p_bounds[n - 1]);

  RETURN QUERY
    SELECT s.bucket, sum(s.calls)::bigint, sum(s.credits)
    FROM tollgate.usage_series(p_bounds[1:n - 1] || v_quarter, 'none', p_provider) s
    GROUP BY s.bucket;

  IF v_quarter < p_bounds[n] THEN
    RETURN QUERY
      SELECT n - 1, sum(d.calls)::bigint, sum(d.credits)
      FROM tollgate.usage_delta_split(NULL, NULL, v_quarter, p_bounds[n], p_provider, 'UTC',
                                      true, false) d
      WHERE d.kind = 'w'
      HAVING count(*) > 0;
  END IF;
END
$$;

-- When, at p_rate a day from p_now, p_left runs out; NULL when it does not within
-- p_horizon (or the rate is nothing). p_now when nothing is left.
CREATE FUNCTION tollgate.budget_runs_out(p_now timestamptz, p_left numeric, p_rate numeric,
                                         p_horizon timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN CASE
  WHEN p_left <= 0 THEN p_now
  WHEN p_rate IS NULL OR p_rate <= 0 THEN NULL
  WHEN p_left / p_rate * 86400 >= extract(epoch FROM p_horizon - p_now) THEN NULL
  ELSE p_now + (p_left / p_rate * 86400)::double precision * interval '1 second'
END;

-- One row of budget_status() from what it read: the thresholds as amounts, the actual, and
-- the state they give.
CREATE FUNCTION tollgate.budget_status_row(
  p_kind text, p_id bigint, p_scope text, p_unit text, p_amount numeric,
  p_thresholds tollgate.budget_threshold[], p_zone text, p_first_day date,
  p_month_start timestamptz, p_month_end timestamptz, p_day_dates date[], p_days numeric[],
  p_rate numeric, p_forecast_as_of timestamptz, p_forecast numeric, p_low numeric,
  p_high numeric, p_confidence text, p_enough boolean, p_basis_days integer,
  p_daily_rate numeric, p_runs_out_at timestamptz, p_prepaid numeric,
  p_prepaid_at timestamptz, p_prepaid_left numeric, p_prepaid_runs_out_at timestamptz,
  p_updated_at timestamptz)
RETURNS TABLE (kind text, rule_id bigint, scope text, unit text, amount numeric,
               thresholds tollgate.budget_threshold[], threshold_amounts numeric[],
               zone text, first_day date, month_start timestamptz, month_end timestamptz,
               days numeric[], actual numeric, rate numeric,
               passed integer, passed_since date,
               forecast_as_of timestamptz, forecast numeric, forecast_low numeric,
               forecast_high numeric, forecast_confidence text, forecast_enough boolean,
               forecast_basis_days integer, forecast_passed integer,
               daily_rate numeric, runs_out_at timestamptz,
               prepaid numeric, prepaid_at timestamptz, prepaid_left numeric,
               prepaid_runs_out_at timestamptz, updated_at timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH a AS (
    SELECT ARRAY(SELECT tollgate.budget_threshold_amount(p_thresholds[i], p_amount)
                 FROM generate_subscripts(p_thresholds, 1) i ORDER BY i) AS amounts,
           (SELECT round(sum(x), 6) FROM unnest(p_days) x) AS actual
  ), s AS (
    SELECT a.amounts, a.actual,
           (SELECT max(i) FROM generate_subscripts(p_thresholds, 1) i
            WHERE (p_thresholds[i]).basis = 'actual' AND a.amounts[i] <= a.actual) AS passed,
           (SELECT max(i) FROM generate_subscripts(p_thresholds, 1) i
            WHERE p_enough AND (p_thresholds[i]).basis = 'forecast'
              AND a.amounts[i] <= p_forecast) AS forecast_passed
    FROM a
  )
  SELECT p_kind, p_id, p_scope, p_unit, p_amount, p_thresholds, s.amounts, p_zone, p_first_day,
         p_month_start, p_month_end, p_days, s.actual, p_rate, s.passed,
         p_day_dates[(SELECT min(c.i)
                      FROM (SELECT i, round(sum(p_days[i]) OVER (ORDER BY i), 6) AS total
                            FROM generate_subscripts(p_days, 1) i) c
                      WHERE c.total >= s.amounts[s.passed])],
         p_forecast_as_of, p_forecast, p_low, p_high, p_confidence, p_enough, p_basis_days,
         s.forecast_passed, p_daily_rate, p_runs_out_at, p_prepaid, p_prepaid_at,
         p_prepaid_left, p_prepaid_runs_out_at, p_updated_at
  FROM s
$$;

-- Where every budget and quota stands at p_now, in its local billing month: one row each,
-- budgets by scope, then quotas by provider. days[i] is the actual of the month's i-th local
-- day (the last up to p_now) in the budget's currency (12 decimals) or the quota's unit;
-- actual their sum rounded once to micro-units; passed the position in thresholds of the
-- highest actual threshold reached (NULL: none), passed_since the local day the month's
-- cumulative actual first reached it. The forecast is the latest stored for the month as of
-- p_now at the latest, in the rule's current unit; forecast_passed the highest forecast
-- threshold it reaches, only with enough data. rate turns a reporting-currency amount into
-- the budget's currency today (for forecasts). Quotas: the runway at the mean daily use of
-- the 7 days (from the quarter hour) before p_now — when the quota runs out within the
-- month (p_now when it has), and the prepaid balance left and when it runs out (within
-- ten years) at that rate; the balance counts use from the quarter hour it was stated in.
-- A budget in a currency that no exchange rate now connects with the reporting currency
-- has days, actual and rate NULL.
CREATE FUNCTION tollgate.budget_status(p_now timestamptz DEFAULT now())
RETURNS TABLE (kind text, rule_id bigint, scope text, unit text, amount numeric,
               thresholds tollgate.budget_threshold[], threshold_amounts numeric[],
               zone text, first_day date, month_start timestamptz, month_end timestamptz,
               days numeric[], actual numeric, rate numeric,
               passed integer, passed_since date,
               forecast_as_of timestamptz, forecast numeric, forecast_low numeric,
               forecast_high numeric, forecast_confidence text, forecast_enough boolean,
               forecast_basis_days integer, forecast_passed integer,
               daily_rate numeric, runs_out_at timestamptz,
               prepaid numeric, prepaid_at timestamptz, prepaid_left numeric,
               prepaid_runs_out_at timestamptz, updated_at timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  quarter_origin constant timestamptz := timestamptz '2000-01-01 00:00+00';
  v_month record;
  v_today date;
  v_days date[];
  v_bounds timestamptz[];
  v_reporting text;
  v_window_start timestamptz;
  v_window numeric;
  v_since timestamptz;
  v_used numeric;
  r record;
  q record;
  f record;
BEGIN
  SELECT * INTO v_month FROM tollgate.budget_month(p_now) m;
  v_today := (p_now AT TIME ZONE v_month.zone)::date;
  v_days := ARRAY(SELECT d::date FROM generate_series(v_month.first_day, v_today, interval '1 day') d);
  v_bounds := ARRAY(SELECT d::timestamp AT TIME ZONE v_month.zone FROM unnest(v_days) d) || p_now;
  v_reporting := (SELECT st.reporting_currency FROM tollgate.rollup_state st);
  v_window_start := date_bin('15 minutes', p_now - interval '7 days', quarter_origin);

  zone := v_month.zone;
  first_day := v_month.first_day;
  month_start := v_month.month_start;
  month_end := v_month.month_end;

  FOR r IN SELECT b.* FROM tollgate.budgets b ORDER BY b.scope LOOP
    kind := 'budget';
    rule_id := r.budget_id;
    scope := r.scope;
    unit := r.currency;
    amount := r.amount;
    thresholds := r.thresholds;
    updated_at := r.updated_at;
    rate := tollgate.budget_convert(1, v_reporting, r.currency, v_today);

    IF rate IS NULL THEN
      days := NULL;
    ELSE
      WITH c AS (
        SELECT u.bucket, sum(u.cost) AS cost
        FROM tollgate.usage_cost_days(
               v_bounds,
               CASE split_part(r.scope, ':', 1) WHEN 'feature' THEN 'feature'
                                                WHEN 'cost-centre' THEN 'cost_centre'
                                                ELSE 'none' END,
               CASE WHEN r.scope LIKE 'provider:%' THEN substr(r.scope, 10) END,
               CASE WHEN r.scope LIKE 'feature:%' THEN substr(r.scope, 9)
                    WHEN r.scope LIKE 'cost-centre:%' THEN substr(r.scope, 13) END) u
        GROUP BY u.bucket)
      SELECT array_agg(tollgate.budget_convert(coalesce(c.cost, 0), v_reporting, r.currency,
                                               v_days[i]) ORDER BY i)
        INTO days
      FROM generate_subscripts(v_days, 1) i
      LEFT JOIN c ON c.bucket = i;
    END IF;

    SELECT * INTO f FROM tollgate.budget_forecasts bf
    WHERE bf.budget_id = r.budget_id AND bf.month = v_month.first_day
      AND bf.unit = r.currency AND bf.as_of <= p_now;

    daily_rate := NULL;
    runs_out_at := NULL;
    prepaid := NULL;
    prepaid_at := NULL;
    prepaid_left := NULL;
    prepaid_runs_out_at := NULL;

    RETURN QUERY SELECT * FROM tollgate.budget_status_row(kind, rule_id, scope, unit, amount,
                                                          thresholds, zone, first_day,
                                                          month_start, month_end, v_days,
                                                          days, rate, f.as_of, f.forecast,
                                                          f.low, f.high, f.confidence,
                                                          f.enough_data, f.basis_days,
                                                          daily_rate, runs_out_at, prepaid,
                                                          prepaid_at, prepaid_left,
                                                          prepaid_runs_out_at, updated_at);
  END LOOP;

  FOR q IN SELECT pq.* FROM tollgate.provider_quotas pq ORDER BY pq.provider LOOP
    kind := 'quota';
    rule_id := q.quota_id;
    scope := 'provider:' || q.provider;
    unit := q.unit;
    amount := q.amount;
    thresholds := q.thresholds;
    updated_at := q.updated_at;
    rate := NULL;

    WITH u AS (
      SELECT d.bucket, sum(CASE q.unit WHEN 'calls' THEN d.calls::numeric ELSE d.credits END) AS used
      FROM tollgate.budget_use_days(v_bounds, q.provider) d
      GROUP BY d.bucket)
    SELECT array_agg(coalesce(u.used, 0) ORDER BY i) INTO days
    FROM generate_subscripts(v_days, 1) i
    LEFT JOIN u ON u.bucket = i;

    SELECT coalesce(sum(CASE q.unit WHEN 'calls' THEN d.calls::numeric ELSE d.credits END), 0)
      INTO v_window
    FROM tollgate.budget_use_days(ARRAY[v_window_start, p_now], q.provider) d;
    daily_rate := round(v_window / (extract(epoch FROM p_now - v_window_start) / 86400), 6);
    runs_out_at := tollgate.budget_runs_out(p_now,
                                            q.amount - (SELECT coalesce(sum(x), 0) FROM unnest(days) x),
                                            daily_rate, v_month.month_end);

    prepaid := q.prepaid;
    prepaid_at := q.prepaid_at;
    prepaid_left := NULL;
    prepaid_runs_out_at := NULL;
    IF q.prepaid IS NOT NULL THEN
      v_since := date_bin('15 minutes', q.prepaid_at, quarter_origin);
      v_used := 0;
      IF v_since < p_now THEN
        SELECT coalesce(sum(CASE q.unit WHEN 'calls' THEN d.calls::numeric ELSE d.credits END), 0)
          INTO v_used
        FROM tollgate.budget_use_days(ARRAY[v_since, p_now], q.provider) d;
      END IF;
      prepaid_left := q.prepaid - v_used;
      prepaid_runs_out_at := tollgate.budget_runs_out(p_now, prepaid_left, daily_rate,
                                                      p_now + interval '10 years');
    END IF;

    SELECT * INTO f FROM tollgate.budget_forecasts bf
    WHERE bf.quota_id = q.quota_id AND bf.month = v_month.first_day
      AND bf.unit = q.unit AND bf.as_of <= p_now;

    RETURN QUERY SELECT * FROM tollgate.budget_status_row(kind, rule_id, scope, unit, amount,
                                                          thresholds, zone, first_day,
                                                          month_start, month_end, v_days,
                                                          days, rate, f.as_of, f.forecast,
                                                          f.low, f.high, f.confidence,
                                                          f.enough_data, f.basis_days,
                                                          daily_rate, runs_out_at, prepaid,
                                                          prepaid_at, prepaid_left,
                                                          prepaid_runs_out_at, updated_at);
  END LOOP;
END
$$;

-- The alert source of budgets and quotas (the shape of 0015): for each budget a 'budget'
-- candidate (its thresholds on actual spend) and a 'forecast' one (its thresholds on the
-- stored month-end forecast), for each quota a 'quota' one and a 'forecast' one. subject
-- 'budget:<id>' or 'quota:<id>', the period the local billing month (so a threshold fires
-- once a month, and the next month starts afresh), level the rank of the highest threshold
-- reached now, NULL when none is (which tells evaluate_alerts() of a recovery, after a budget
-- was raised for instance). A forecast is held back — NULL, the message says why — until
-- one with enough data (its calibrated interval) is stored for the month. Reads
-- budget_status(): the rollups and at most the last quarter hour of raw rows.
CREATE FUNCTION tollgate.budget_alert_candidates(p_now timestamptz DEFAULT now())
RETURNS SETOF tollgate.alert_candidate
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
  WITH s AS (
    SELECT st.*,
           CASE WHEN st.kind = 'quota' OR st.scope LIKE 'provider:%'
                  THEN coalesce((SELECT p.display_name FROM tollgate.providers p
                                 WHERE p.slug = substr(st.scope, 10)), substr(st.scope, 10))
                WHEN st.scope LIKE 'cost-centre:%' THEN 'Cost centre ' || substr(st.scope, 13)
                WHEN st.scope LIKE 'feature:%' THEN 'Feature ' || substr(st.scope, 9)
                ELSE 'Overall' END AS who,
           to_char(st.first_day, 'FMMonth') AS month_name,
           to_char(st.first_day, 'YYYY-MM') AS month_key,
           round(st.actual / st.amount * 100, 1) AS pct,
           round(st.forecast / st.amount * 100, 1) AS forecast_pct,
           EXISTS (SELECT FROM unnest(st.thresholds) t WHERE t.basis = 'actual') AS has_actual,
           EXISTS (SELECT FROM unnest(st.thresholds) t WHERE t.basis = 'forecast') AS has_forecast,
           (SELECT x.reporting_currency FROM tollgate.rollup_state x) AS reporting
    FROM tollgate.budget_status(p_now) st
  )
  SELECT (s.kind,
          s.scope,
          s.kind || ':' || s.rule_id,
          s.month_start,
          s.month_end,
          tollgate.budget_threshold_rank(s.thresholds[s.passed], s.amount),
          coalesce(tollgate.budget_threshold_text(s.thresholds[s.passed], s.unit), ''),
          CASE
            WHEN s.kind = 'budget' AND s.actual IS NULL THEN
              format('%s spend cannot be compared with its %s budget: no exchange rate leads between %s and %s.',
                     s.who, s.unit, s.unit, s.reporting)
            WHEN s.kind = 'budget' THEN
              format('%s spend %s is %s %% of the %s %s budget; %s.', s.who,
                     tollgate.budget_amount_display(s.actual, s.unit), s.pct,
                     tollgate.budget_amount_display(s.amount, s.unit), s.month_name,
                     CASE WHEN s.passed IS NOT NULL
                          THEN format('the %s threshold is passed',
                                      tollgate.budget_threshold_display(s.thresholds[s.passed], s.unit))
                          WHEN s.has_actual THEN 'no threshold is passed'
                          ELSE 'it has no thresholds on actual spend' END)
            ELSE
              format('%s used %s of its %s for %s (%s %%); %s.%s%s', s.who,
                     tollgate.budget_amount_display(s.actual, s.unit),
                     tollgate.budget_amount_display(s.amount, s.unit), s.month_name, s.pct,
                     CASE WHEN s.passed IS NOT NULL
                          THEN format('the %s threshold is passed',
                                      tollgate.budget_threshold_display(s.thresholds[s.passed], s.unit))
                          WHEN s.has_actual THEN 'no threshold is passed'
                          ELSE 'it has no thresholds on actual use' END,
                     CASE WHEN s.actual >= s.amount THEN ' It is used up.'
                          WHEN s.runs_out_at IS NULL THEN ' At the last 7 days'' rate it lasts the month.'
                          ELSE format(' At the last 7 days'' rate it runs out on %s.',
                                      to_char(s.runs_out_at AT TIME ZONE s.zone, 'YYYY-MM-DD')) END,
                     CASE WHEN s.prepaid IS NULL THEN ''
                          WHEN s.prepaid_left <= 0 THEN ' The prepaid balance is used up.'
                          ELSE format(' The prepaid balance has %s left%s.',
                                      tollgate.budget_amount_display(s.prepaid_left, s.unit),
                                      CASE WHEN s.prepaid_runs_out_at IS NULL THEN ''
                                           ELSE format(', to about %s',
                                                       to_char(s.prepaid_runs_out_at AT TIME ZONE s.zone, 'YYYY-MM-DD')) END) END)
          END,
          jsonb_strip_nulls(jsonb_build_object(
            CASE s.kind WHEN 'budget' THEN 'currency' ELSE 'unit' END, s.unit,
            s.kind, tollgate.budget_amount_text(s.amount, s.unit),
            CASE s.kind WHEN 'budget' THEN 'actual' ELSE 'used' END,
            tollgate.budget_amount_text(s.actual, s.unit),
            'percent', s.pct::text,
            'month', s.month_key,
            'threshold_amount', tollgate.budget_amount_text(s.threshold_amounts[s.passed], s.unit),
            'since', s.passed_since::text,
            'resets_at', s.month_end,
            'daily_rate', tollgate.budget_amount_text(s.daily_rate, s.unit),
            'runs_out_at', s.runs_out_at,
            'prepaid_left', tollgate.budget_amount_text(s.prepaid_left, s.unit),
            'prepaid_runs_out_at', s.prepaid_runs_out_at)))::tollgate.alert_candidate
  FROM s
  UNION ALL
  SELECT ('forecast',
          s.scope,
          s.kind || ':' || s.rule_id,
          s.month_start,
          s.month_end,
          tollgate.budget_threshold_rank(s.thresholds[s.forecast_passed], s.amount),
          coalesce(tollgate.budget_threshold_text(s.thresholds[s.forecast_passed], s.unit), ''),
          CASE
            WHEN s.forecast IS NULL THEN
              format('%s %s forecast for %s is held back: none has been made this month yet.',
                     s.who, CASE s.kind WHEN 'budget' THEN 'spend' ELSE 'use' END, s.month_name)
            WHEN NOT s.forecast_enough THEN
              format('%s %s forecast for %s is held back: it stands on too little history yet (confidence %s, %s days).',
                     s.who, CASE s.kind WHEN 'budget' THEN 'spend' ELSE 'use' END, s.month_name,
                     s.forecast_confidence, s.forecast_basis_days)
            ELSE
              format('%s %s forecast to reach %s by the end of %s (80 %% interval %s to %s), %s %% of the %s %s; %s.',
                     s.who, CASE s.kind WHEN 'budget' THEN 'spend is' ELSE 'use is' END,
                     tollgate.budget_amount_display(s.forecast, s.unit), s.month_name,
                     tollgate.budget_amount_display(s.forecast_low, s.unit),
                     tollgate.budget_amount_display(s.forecast_high, s.unit), s.forecast_pct,
                     tollgate.budget_amount_display(s.amount, s.unit),
                     CASE s.kind WHEN 'budget' THEN 'budget' ELSE 'quota' END,
                     CASE WHEN s.forecast_passed IS NOT NULL
                          THEN format('the %s threshold is passed',
                                      tollgate.budget_threshold_display(s.thresholds[s.forecast_passed], s.unit))
                          WHEN s.has_forecast THEN 'no forecast threshold is passed'
                          ELSE 'it has no thresholds on the forecast' END)
          END,
          jsonb_strip_nulls(jsonb_build_object(
            CASE s.kind WHEN 'budget' THEN 'currency' ELSE 'unit' END, s.unit,
            s.kind, tollgate.budget_amount_text(s.amount, s.unit),
            CASE s.kind WHEN 'budget' THEN 'actual' ELSE 'used' END,
            tollgate.budget_amount_text(s.actual, s.unit),
            'forecast', tollgate.budget_amount_text(s.forecast, s.unit),
            'low', tollgate.budget_amount_text(s.forecast_low, s.unit),
            'high', tollgate.budget_amount_text(s.forecast_high, s.unit),
            'percent', s.forecast_pct::text,
            'confidence', s.forecast_confidence,
            'basis_days', s.forecast_basis_days,
            'as_of', s.forecast_as_of,
            'month', s.month_key,
            'threshold_amount', tollgate.budget_amount_text(s.threshold_amounts[s.forecast_passed], s.unit),
            'resets_at', s.month_end)))::tollgate.alert_candidate
  FROM s
$$;

-- Rights. Everyone reads (0004's default privileges grant SELECT on new tables to the viewer;
-- said again here); nobody writes the tables but through the functions, which check who
-- calls: every role may call them and hear why it may not change a budget.
REVOKE ALL ON tollgate.budgets, tollgate.provider_quotas, tollgate.budget_forecasts FROM PUBLIC;
GRANT SELECT ON tollgate.budgets, tollgate.provider_quotas, tollgate.budget_forecasts
  TO tollgate_viewer;

REVOKE ALL ON FUNCTION tollgate.budgets_notify_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.set_budget(text, numeric, text, text[], numeric[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.delete_budget(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.set_quota(text, text, numeric, numeric, boolean, text[], numeric[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.delete_quota(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tollgate.store_budget_forecast(text, bigint, date, timestamptz, text, numeric,
                                                      numeric, numeric, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  tollgate.set_budget(text, numeric, text, text[], numeric[], text[]),
  tollgate.delete_budget(bigint),
  tollgate.set_quota(text, text, numeric, numeric, boolean, text[], numeric[], text[]),
  tollgate.delete_quota(bigint),
  tollgate.store_budget_forecast(text, bigint, date, timestamptz, text, numeric, numeric, numeric,
                                 integer, text)
TO tollgate_viewer;
