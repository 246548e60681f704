-- 0009_refresher_lock.sql — the refresher's lock is never waited for on someone's open
-- transaction, and a refresher that cannot have it says who holds it.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- refresh_rollups() and recompute_rollups() (0006) take turns on a transaction-level
-- advisory lock. They used to wait for it without bound: a viewer who ran
--   BEGIN; SELECT pg_advisory_xact_lock(hashtext('tollgate.refresh_rollups'));
-- and went to lunch stopped every refresh and every change of the reporting currency
-- (change_setting() in 0007 rebuilds through recompute_rollups()) until the transaction
-- ended. Now they take the lock with tollgate.take_refresher_lock() below:
--
--  - free: taken at once, as before;
--  - held by a session that is running a statement (another refresher at work, a
--    rebuild): waited for, as long as the caller's lock_timeout allows (tollgatectl and
--    the worker set 10 s; a session without one waits until the holder is done), so that
--    refreshers still take turns;
--  - held by a session that is idle in its transaction, or still held when the caller's
--    lock_timeout ends: an error at once, lock_not_available (SQLSTATE 55P03), that
--    names the holder — "the refresher is busy: held by pid 4242 (user ann, application
--    psql, idle in transaction) since 2026-03-01 12:00:00 UTC" — as far as the calling
--    user may see it: the process id, user and application of any session, its state
--    and since when only to members of its role or of pg_read_all_stats, as in
--    pg_stat_activity.
--
-- What each caller does with the error is the caller's (docs/reliability.md,
-- "Connections and waiting"): the worker's periodic refresh skips the tick quietly and
-- tries again at the next; `tollgatectl refresh` exits 1 with the message;
-- `tollgatectl refresh --follow` says it once and keeps trying; a change of the reporting
-- currency fails with it, changing nothing.
--
-- The two functions are those of 0006 with one line changed; 0006 is applied and
-- checksummed, so they are replaced here whole.

-- Takes the refresher's transaction lock, as described above. Called by the two
-- SECURITY DEFINER functions below (so it runs as their owner, who sees every session in
-- pg_stat_activity); what the message shows is limited to what the session user may see.
CREATE FUNCTION tollgate.take_refresher_lock()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  lock_key constant bigint := hashtext('tollgate.refresh_rollups');
  holder record;
  waited boolean := false;
  looks integer := 0;
  who text;
BEGIN
  IF pg_try_advisory_xact_lock(lock_key) THEN
    RETURN;
  END IF;

  LOOP
    -- An advisory lock on a bigint key shows in pg_locks as its high half (classid) and
    -- low half (objid), objsubid 1, in the database it was taken in.
    SELECT l.pid, a.usename, a.application_name, a.state,
           coalesce(a.xact_start, a.backend_start) AS since,
           coalesce(pg_has_role(session_user, a.usesysid, 'MEMBER')
                    OR pg_has_role(session_user, 'pg_read_all_stats', 'MEMBER'), false) AS visible
    INTO holder
    FROM pg_locks l
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
      AND ((l.classid::bigint << 32) | l.objid::bigint) = lock_key
      AND l.pid IS DISTINCT FROM pg_backend_pid()
    ORDER BY l.pid
    LIMIT 1;

    IF NOT FOUND THEN
      -- Let go between the two looks: try again (a few times: a stream of short
      -- refreshers could take it each time).
      IF pg_try_advisory_xact_lock(lock_key) THEN
        RETURN;
      END IF;
      looks := looks + 1;
      IF looks < 10 THEN
        CONTINUE;
      END IF;
      holder := NULL;
      EXIT;
    END IF;

    EXIT WHEN waited OR holder.state IS DISTINCT FROM 'active';

    -- At work: wait for it, within the caller's lock_timeout.
    BEGIN
      PERFORM pg_advisory_xact_lock(lock_key);
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      waited := true;
    END;
  END LOOP;

  IF holder IS NULL THEN
    who := 'another session';
  ELSIF holder.pid IS NULL THEN
    who := 'a prepared transaction (see pg_prepared_xacts)';
  ELSIF holder.visible THEN
    who := format('pid %s (user %s, application %s, %s) since %s', holder.pid,
                  coalesce(holder.usename::text, 'unknown'),
                  coalesce(nullif(holder.application_name, ''), 'unnamed'),
                  coalesce(holder.state, 'state unknown'),
                  coalesce(to_char(holder.since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
                           'an unknown time'));
  ELSE
    who := format('pid %s (user %s, application %s)', holder.pid,
                  coalesce(holder.usename::text, 'unknown'),
                  coalesce(nullif(holder.application_name, ''), 'unnamed'));
  END IF;

  RAISE EXCEPTION 'the refresher is busy: held by %', who
    USING ERRCODE = 'lock_not_available',
          HINT = CASE WHEN waited
                      THEN 'It is still at work; try again when it is done.'
                      ELSE 'The rollups are refreshed once that transaction ends: end it, '
                           'or ask its owner to.' END;
END
$$;

REVOKE ALL ON FUNCTION tollgate.take_refresher_lock() FROM PUBLIC;

CREATE OR REPLACE FUNCTION tollgate.refresh_rollups(p_max_rows integer DEFAULT 1000000,
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

  PERFORM tollgate.take_refresher_lock();

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

CREATE OR REPLACE FUNCTION tollgate.recompute_rollups(p_from timestamptz)
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
  PERFORM tollgate.take_refresher_lock();
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
