-- Daily closes in a time zone per ledger (issue 10): a ledger's days are the calendar days of its close time zone,
-- an IANA zone id (Europe/Paris) or UTC, chosen when the ledger is created and fixed from then on (a change would
-- make its closed days overlap or leave gaps). Every ledger until now closed UTC days. Each close records the zone
-- it was made in, so the instants its day spans can be recomputed.
ALTER TABLE ledgers ADD COLUMN close_time_zone text NOT NULL DEFAULT 'UTC'
    CHECK (length(close_time_zone) BETWEEN 1 AND 64);
ALTER TABLE daily_closes ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
