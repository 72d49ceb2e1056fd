-- Per-key rate limits (issue 9): requests per second an API key may send, on each service instance.
-- NULL: the service's default (ledger.rate-limit.per-key-per-second).
ALTER TABLE api_keys ADD COLUMN rate_per_second integer CHECK (rate_per_second >= 1);
