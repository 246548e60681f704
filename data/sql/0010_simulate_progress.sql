-- 0010_simulate_progress.sql — what `tollgatectl simulate --history` has written, day by day.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A history back-fill writes each day in its own transaction, and the same transaction
-- adds one row here for what it wrote. So a day is written whole or not at all, this table
-- says which days are in, and a rerun with the same options skips them: whatever stopped a
-- run (a lost connection, a refused COPY, Ctrl+C), running it again adds exactly the rows
-- a run that never stopped would have added, and never a row twice.
--
-- A run is named by what decides its rows (docs/architecture.md, "The database", and
-- src/core/tg-traffic-model.h): the seed, the mean rows per day, and the range of days,
-- since the runaway user's spike is placed inside the range. --jobs is not part of it:
-- a day's rows are the same whichever connection writes them.
--
-- History stops at the current time, so the last day of a range that ends today is written
-- up to the moment the run started: a row here covers [written_from, written_until) of its
-- day, and a later run of the same range writes the rest of that day from written_until.
-- The primary key ends with written_from: two runs of the same options that start at once
-- both try to add the piece from the same instant, the second waits for the first's
-- transaction (unique index), and writes nothing when the first committed.

CREATE TABLE tollgate.simulate_progress (
  seed          bigint NOT NULL CHECK (seed >= 0),
  rows_per_day  float8 NOT NULL CHECK (rows_per_day > 0),
  first_day     date NOT NULL,
  n_days        integer NOT NULL CHECK (n_days >= 1),
  day           date NOT NULL,
  written_from  timestamptz NOT NULL,
  written_until timestamptz NOT NULL,
  rows          bigint NOT NULL CHECK (rows >= 0),
  calls         bigint NOT NULL CHECK (calls >= rows),
  written_at    timestamptz NOT NULL DEFAULT now(),
  written_by    name NOT NULL DEFAULT session_user,
  PRIMARY KEY (seed, rows_per_day, first_day, n_days, day, written_from),
  CHECK (day >= first_day AND day < first_day + n_days),
  CHECK (written_from < written_until),
  CHECK (written_from >= day::timestamp AT TIME ZONE 'UTC'
         AND written_until <= (day + 1)::timestamp AT TIME ZONE 'UTC')
);

COMMENT ON TABLE tollgate.simulate_progress IS
  'Days (or the first part of today) that tollgatectl simulate --history has written, per run.';

-- Written by whoever may write simulated usage: the owner, or a role a DBA grants
-- INSERT on tollgate.api_usage_tracking and these two rights (tollgatectl simulate names
-- every right it lacks before it writes anything). Readable by the viewer, like every
-- table (0004's default privileges).
REVOKE ALL ON tollgate.simulate_progress FROM PUBLIC;
GRANT SELECT ON tollgate.simulate_progress TO tollgate_viewer;
