-- 0002_reference.sql — the providers, the regions and their failover pairs, default settings.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later

-- Quotas are the monthly allowance of a mid-sized paid plan; admins edit them to match
-- their own contracts. Postcodes.io is free and has no quota.
INSERT INTO tollgate.providers
  (slug, display_name, home_region, currency, billing_unit, monthly_quota, quota_unit) VALUES
  ('geoscape',       'Geoscape',      'AU', 'AUD', 'credit', 250000,    'credits'),
  ('smarty_streets', 'SmartyStreets', 'US', 'USD', 'call',   250000,    'calls'),
  ('here',           'HERE',          'EU', 'USD', 'call',   250000,    'calls'),
  ('postcodes_io',   'Postcodes.io',  'EU', 'GBP', 'call',   NULL,      'calls'),
  ('canada_post',    'Canada Post',   'CA', 'CAD', 'call',   100000,    'calls'),
  ('openai',         'OpenAI',        'US', 'USD', 'token',  250000000, 'tokens');

-- The story card's primary/backup pairs. The primary is active until a failover.
INSERT INTO tollgate.regions
  (code, display_name, time_zone, primary_provider, backup_provider, active_provider) VALUES
  ('AU', 'Australia',     'Australia/Sydney', 'geoscape',       'smarty_streets', 'geoscape'),
  ('US', 'United States', 'America/New_York', 'smarty_streets', 'here',           'smarty_streets'),
  ('EU', 'Europe',        'Europe/Berlin',    'here',           'postcodes_io',   'here'),
  ('CA', 'Canada',        'America/Toronto',  'canada_post',    'smarty_streets', 'canada_post');

INSERT INTO tollgate.settings (key, value) VALUES
  ('billing-timezone', 'UTC'),
  ('reporting-currency', 'AUD');
