-- 0004_roles.sql — the four Tollgate roles and what each may do.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Rights are enforced here, by PostgreSQL, not by the UI greying out buttons. People log
-- in with their own LOGIN roles, which an administrator makes members of one of:
--
--   tollgate_viewer   reads usage, prices, configuration and the audit log; no API keys
--   tollgate_finance  viewer + prices, exchange rates, cost centres and cost-centre
--                     assignments of users and features
--   tollgate_ops      viewer + provider API keys, providers and regions (failover)
--   tollgate_admin    all of the above + settings, users, features; partition upkeep
--
-- finance, ops and admin are members of viewer, and admin of finance and ops, so each
-- role inherits the rights of those below it and every grant is written once, to the
-- lowest role that needs it. The group roles are NOLOGIN: nobody signs in as a group.

-- Roles are cluster-wide, but migrations run per database, and several databases of one
-- cluster may be migrated at the same moment (the tests do exactly that). Two concurrent
-- CREATE ROLE of the same name make the later one fail on pg_authid's unique index, and
-- two concurrent GRANTs of the same membership fail on pg_auth_members'. So:
--   1. Lock pg_authid. It is a shared catalogue, so the lock is cluster-wide and holds
--      until this migration's transaction ends: the second migrator waits here and then
--      sees the roles the first one committed. EXCLUSIVE mode blocks other role changes
--      but not logins, which only read pg_authid.
--   2. A role that may create roles without being superuser (CREATEROLE) may not lock a
--      catalogue: it goes on unserialised, and then a duplicate created concurrently is
--      not an error either, because the role or membership it wanted now exists.
-- Existing roles are left as they are: an administrator may have adjusted them.
DO $roles$
DECLARE
  role_name text;
  membership record;
BEGIN
  BEGIN
    LOCK TABLE pg_catalog.pg_authid IN EXCLUSIVE MODE;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'Not superuser: creating Tollgate roles without the cluster-wide lock';
  END;

  FOREACH role_name IN ARRAY ARRAY['tollgate_viewer', 'tollgate_finance', 'tollgate_ops', 'tollgate_admin']
  LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created by a concurrent migration of another database
      END;
    END IF;
  END LOOP;

  FOR membership IN
    SELECT * FROM (VALUES ('tollgate_viewer',  'tollgate_finance'),
                          ('tollgate_viewer',  'tollgate_ops'),
                          ('tollgate_viewer',  'tollgate_admin'),
                          ('tollgate_finance', 'tollgate_admin'),
                          ('tollgate_ops',     'tollgate_admin')) AS m (group_role, member_role)
  LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members am
                   JOIN pg_catalog.pg_roles g ON g.oid = am.roleid
                   JOIN pg_catalog.pg_roles u ON u.oid = am.member
                   WHERE g.rolname = membership.group_role AND u.rolname = membership.member_role) THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', membership.group_role, membership.member_role);
      EXCEPTION WHEN unique_violation THEN
        NULL; -- granted by a concurrent migration of another database
      END;
    END IF;
  END LOOP;
END
$roles$;

-- Everything below is per database.

-- Nobody reaches the schema by accident: only the four roles (and their members) and
-- the roles a DBA grants explicitly, such as the platform's writer.
REVOKE ALL ON SCHEMA tollgate FROM PUBLIC;
GRANT USAGE ON SCHEMA tollgate TO tollgate_viewer;

-- Viewer: read everything except the API key metadata (labels, keyring ids, expiry
-- dates tell an attacker which secrets to go after). The version table is readable so
-- that every client can check the schema version it meets. Reading the partitioned
-- usage table through its parent needs no grant on the partitions.
GRANT SELECT ON
  tollgate.schema_migrations,
  tollgate.api_usage_tracking,
  tollgate.providers,
  tollgate.regions,
  tollgate.price_book,
  tollgate.exchange_rates,
  tollgate.settings,
  tollgate.cost_centres,
  tollgate.users,
  tollgate.features
TO tollgate_viewer;

-- Nobody but the owner writes tollgate.api_usage_tracking: the platform writes it, and
-- Tollgate only reads it. A DBA gives the platform's own writer role what it needs:
--   GRANT USAGE ON SCHEMA tollgate TO platform_writer;
--   GRANT INSERT ON tollgate.api_usage_tracking TO platform_writer;
--   GRANT USAGE ON SEQUENCE tollgate.api_usage_tracking_api_usage_id_seq TO platform_writer;
-- (PostgreSQL draws identity values for an INSERT without checking the sequence's
-- rights, but a writer that reserves ids ahead with nextval(), e.g. for a COPY batch,
-- needs USAGE.) No UPDATE or DELETE: usage rows are facts.

-- Finance: prices and exchange rates, cost centres, and which cost centre a user or a
-- feature is charged to — but no other column of users or features (names, e-mail
-- addresses and tiers belong to the administrators).
GRANT INSERT, UPDATE, DELETE ON
  tollgate.price_book,
  tollgate.exchange_rates,
  tollgate.cost_centres
TO tollgate_finance;
GRANT UPDATE (cost_centre) ON tollgate.users, tollgate.features TO tollgate_finance;

-- Ops: provider API keys (rotation, retirement), and the providers and regions, which
-- is where failover happens. Ops may add a provider or a region and remove a region,
-- but not remove a provider: usage rows and prices keep referring to its slug, so a
-- provider that is no longer used is disabled (providers.enabled) instead.
GRANT SELECT, INSERT, UPDATE, DELETE ON tollgate.api_keys TO tollgate_ops;
GRANT INSERT, UPDATE ON tollgate.providers TO tollgate_ops;
GRANT INSERT, UPDATE, DELETE ON tollgate.regions TO tollgate_ops;

-- Admin: every configuration table, and keeping the usage partitions ready. Not ALL
-- PRIVILEGES: TRUNCATE would empty a table without firing the row triggers that write
-- the audit log (0005), and TRIGGER and REFERENCES are for schema changes, which are
-- the migrations' business.
GRANT SELECT, INSERT, UPDATE, DELETE ON
  tollgate.settings,
  tollgate.users,
  tollgate.features,
  tollgate.providers,
  tollgate.regions,
  tollgate.price_book,
  tollgate.exchange_rates,
  tollgate.cost_centres,
  tollgate.api_keys
TO tollgate_admin;
GRANT EXECUTE ON FUNCTION tollgate.maintain_usage_partitions() TO tollgate_admin;

-- Identity sequences of the tables these roles insert into. PostgreSQL does not check
-- them for the identity default itself, but code that asks for the next value
-- (nextval, pg_get_serial_sequence + currval) does.
GRANT USAGE ON SEQUENCE tollgate.price_book_price_id_seq TO tollgate_finance;
GRANT USAGE ON SEQUENCE tollgate.api_keys_key_id_seq TO tollgate_ops;
-- admin inherits both through its memberships of finance and ops.

-- Tables that later migrations create (budgets, alerts, rollups …) are readable by the
-- viewer from the start. This applies to objects created by the role running the
-- migrations, which owns the schema's objects. Later migrations still grant explicitly
-- (and revoke, for a table that must stay hidden like api_keys) so that each file says
-- who may do what.
ALTER DEFAULT PRIVILEGES IN SCHEMA tollgate GRANT SELECT ON TABLES TO tollgate_viewer;
