-- 0003_prices.sql — default price book and exchange rates.
-- Copyright 2026 The Tollgate Authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Defaults only: they let a new installation show plausible costs on day one. Finance
-- edits them to the company's contracts (tiers, commitments, discounts) by adding rows
-- with a later effective_from, which keeps the history of what was in force when.
--
-- Every default takes effect on 2024-01-01 00:00 UTC so that it covers any history a
-- new installation imports or simulates. Where a list price was published later (the
-- model below), the comment says when.
--
-- The price book holds one unit price per rule and knows no tiers or free allowances;
-- where a provider has them the comment says which step of the ladder we took.
--
-- bill_failed answers "is a call without a 2xx answer billed?". A non-2xx answer is an
-- authentication error, a quota or rate limit refusal (401/402/403/429), a bad request
-- or a server error, or no answer at all (response_status 0). None of the six providers
-- meters those, so every default is false; each row says why.

INSERT INTO tollgate.price_book
  (provider, api_endpoint, request_type, unit, unit_price, currency, bill_failed,
   effective_from, source) VALUES

  -- Geoscape (AU): the platform records the credits each call consumed in credit_cost,
  -- so the price is per credit. Geoscape sells credits through the Geoscape Hub, whose
  -- price list is only visible after signing in: we could NOT check a published
  -- per-credit price. 0.10 AUD per credit reproduces the story card's own example
  -- (EPC-16.3, updated 2025-01-02: 1,247 calls → 124.70 AUD at one credit per call).
  -- Replace it with the contract price. Failed requests consume no credits (and the
  -- platform records credit_cost 0 for them), so nothing is billed for failures.
  ('geoscape', NULL, NULL, 'credit', 0.10, 'AUD', false,
   '2024-01-01 00:00+00', 'Estimate from story card EPC-16.3 example (2025-01-02); Geoscape Hub price list not public'),

  -- SmartyStreets (US): billed in lookups, one per address submitted (a batch of 100
  -- addresses is 100 lookups: the platform writes call_count accordingly). Smarty sells
  -- monthly or annual lookup subscriptions rather than a per-lookup price, so this is an
  -- ASSUMED effective rate at 250,000 lookups a month (the quota in 0002), not a figure
  -- read from smarty.com/pricing. Every address submitted counts as a lookup (Smarty
  -- docs, "Lookup calculations", read 2026-11); one that does not verify still counts,
  -- but it is answered with 200 and an empty result, so it is a success here. Requests
  -- refused with 401/402/429 or failed with 5xx process no address and use no lookup.
  ('smarty_streets', NULL, NULL, 'call', 0.004, 'USD', false,
   '2024-01-01 00:00+00', 'Assumed effective rate at 250k lookups/month; check smarty.com/pricing and your subscription'),

  -- HERE (EU): Geocoding & Search on the HERE Base Plan: the first 30,000 transactions a
  -- month are free, then 0.83 USD per 1,000 transactions (here.com/pricing as listed in
  -- 2024; not re-checked here). We take the paid step: 0.00083 USD per transaction; at the
  -- 250,000-call quota the free 30,000 are worth about 25 USD a month, which an admin may
  -- book as a credit. HERE counts a transaction per request (per address in a batch
  -- geocode: here.com/pricing/supplemental-pricing). We assume requests it refuses
  -- (401/403/429) or fails (5xx) are not charged; the HERE usage report will tell.
  ('here', NULL, NULL, 'call', 0.00083, 'USD', false,
   '2024-01-01 00:00+00', 'here.com/pricing, Base Plan, Geocoding & Search 0.83 USD per 1,000 after 30,000 free/month (2024)'),

  -- Postcodes.io (EU backup): a free, open-source UK postcode API with no
  -- authentication and no charge (postcodes.io/docs, read 2026-11). A zero price keeps
  -- it in the cost reports as free rather than "unpriced".
  ('postcodes_io', NULL, NULL, 'call', 0, 'GBP', false,
   '2024-01-01 00:00+00', 'postcodes.io/docs: free public API (read 2026-11)'),

  -- Canada Post AddressComplete (CA): prepaid lookups in tiers from about 0.116 CAD (300
  -- lookups) down to 0.04 CAD (500,000 lookups). We take the 100,000-lookup step, 0.07
  -- CAD, matching the quota in 0002 (canadapost-postescanada.ca/ac/pricing as transcribed
  -- by API Evangelist, 2026-06-13; not checked against Canada Post's own page). A lookup
  -- is drawn from the prepaid balance when an address is returned; a refused or failed
  -- request returns none, so failures are not billed.
  ('canada_post', NULL, NULL, 'call', 0.07, 'CAD', false,
   '2024-01-01 00:00+00', 'canadapost-postescanada.ca/ac/pricing, 100,000-lookup tier (via API Evangelist transcription, 2026-06-13)'),

  -- OpenAI: priced per token, input (usage.prompt_tokens) and output
  -- (usage.completion_tokens) apart. Default model gpt-4o-mini: 0.15 USD per 1M input
  -- tokens and 0.60 USD per 1M output tokens (openai.com/api/pricing; list price since
  -- the model's release on 2024-07-18), i.e. 0.00000015 and 0.0000006 USD per token.
  -- Admins add rows per model (request_type) for dearer models. A request that fails
  -- with 4xx/5xx is not charged; tokens are counted from response_data, so a call
  -- without an answer costs nothing whatever bill_failed says.
  ('openai', NULL, NULL, 'input_token', 0.00000015, 'USD', false,
   '2024-01-01 00:00+00', 'openai.com/api/pricing, gpt-4o-mini 0.15 USD per 1M input tokens (released 2024-07-18)'),
  ('openai', NULL, NULL, 'output_token', 0.0000006, 'USD', false,
   '2024-01-01 00:00+00', 'openai.com/api/pricing, gpt-4o-mini 0.60 USD per 1M output tokens (released 2024-07-18)');

-- Exchange rates into the default reporting currency (AUD), effective on the same day
-- as the prices. They are the Reserve Bank of Australia's 4 pm rates of the last
-- business day of 2023 (RBA statistical table F11, 29 December 2023: 1 AUD = 0.6812 USD,
-- 0.5355 GBP, 0.9009 CAD, 0.6164 EUR, to the best of our reading; verify against the
-- table), inverted to "one unit of the foreign currency in AUD" and rounded to 4 places.
-- The reverse directions are not stored: converting from AUD divides by these.
INSERT INTO tollgate.exchange_rates (from_currency, to_currency, effective_from, rate, source) VALUES
  ('USD', 'AUD', '2024-01-01', 1.4680, 'RBA F11, 29 Dec 2023: 1 AUD = 0.6812 USD (inverted)'),
  ('GBP', 'AUD', '2024-01-01', 1.8674, 'RBA F11, 29 Dec 2023: 1 AUD = 0.5355 GBP (inverted)'),
  ('CAD', 'AUD', '2024-01-01', 1.1100, 'RBA F11, 29 Dec 2023: 1 AUD = 0.9009 CAD (inverted)'),
  ('EUR', 'AUD', '2024-01-01', 1.6223, 'RBA F11, 29 Dec 2023: 1 AUD = 0.6164 EUR (inverted)');
