-- Deduplicate by what is already ordered instead of by event id (ADR 0007). Each account's events carry
-- its version, so "applied up to here" is one number per account and model, kept in the model's own
-- rows: balances and daily balances are replaced only by a higher version, statement lines are inserted
-- if absent. Asset totals are additive, so they get their own record of what they counted per account.

DROP TABLE applied_events;

-- ASSET_TOTAL_ACCOUNTS: what asset_totals counted of each account, its snapshot: the account's totals
-- after its highest version applied to the model. An event moves the snapshot only to a higher version
-- and adds (new totals - snapshot totals) to its asset's row, so asset_totals always equals the sum of
-- the latest snapshots, whatever the order or repetition of events. A row is created at the account's
-- first appearance (account opened, or a posting, whichever comes first) with version -1, which means
-- "not counted yet": the same transaction then moves it to version 0 or more and adds one to the asset's
-- account count, so a committed row always has a version of 0 (opened, no posting yet) or more.
CREATE TABLE asset_total_accounts (
    ledger_id       uuid   NOT NULL,
    account_id      uuid   NOT NULL,
    asset           text   NOT NULL,
    version         bigint NOT NULL CHECK (version >= -1),
    debits_posted   bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    debits_pending  bigint NOT NULL,
    credits_pending bigint NOT NULL,
    PRIMARY KEY (ledger_id, account_id)
);

-- Backfill. Until now the live projector applied every event to balances and asset totals in the same
-- transaction, so each account's balance row says exactly what asset_totals counted of it. A row without
-- an asset saw neither its opening nor a posting, so asset_totals counted nothing of it.
INSERT INTO asset_total_accounts (ledger_id, account_id, asset, version, debits_posted, credits_posted, debits_pending,
                                  credits_pending)
SELECT ledger_id, account_id, asset, version, debits_posted, credits_posted, debits_pending, credits_pending
FROM account_balances WHERE asset IS NOT NULL;

-- The old model counted an account when its account.opened event arrived; the new one counts it at its
-- first appearance, so an account whose postings were applied before its opening (normal_side is set by
-- the opening only) is counted now, and its opening will add nothing when it arrives.
INSERT INTO asset_totals AS t (ledger_id, asset, debits_posted, credits_posted, debits_pending, credits_pending, accounts,
                               last_seq)
SELECT ledger_id, asset, 0, 0, 0, 0, count(*), max(last_seq)
FROM account_balances WHERE asset IS NOT NULL AND normal_side IS NULL
GROUP BY ledger_id, asset
ON CONFLICT (ledger_id, asset) DO UPDATE SET accounts = t.accounts + EXCLUDED.accounts;

-- The watermark's copies: the event-id projector recorded them without holding the watermark row's lock,
-- so a redelivered copy could land at or below a watermark that another instance was moving, and every
-- advance deleted all copies up to the watermark to clear such leftovers. The projector now records
-- copies under that lock and deletes only the range a watermark passes, so clear the leftovers once.
DELETE FROM seq_copies c USING ledger_watermarks w WHERE c.ledger_id = w.ledger_id AND c.seq <= w.projected_seq;

-- Check: the totals must now equal the sums of the snapshots. They do unless a rebuild of one of the two
-- models was interrupted before this migration; the projector cannot repair that on its own, so say so
-- (without failing the start: the read models stay usable, and a rebuild repairs them).
DO $$
DECLARE
    differing bigint;
BEGIN
    SELECT count(*) INTO differing
    FROM asset_totals t
    FULL JOIN (SELECT ledger_id, asset, sum(debits_posted)::bigint AS debits_posted, sum(credits_posted)::bigint AS credits_posted,
                      sum(debits_pending)::bigint AS debits_pending, sum(credits_pending)::bigint AS credits_pending,
                      count(*) AS accounts
               FROM asset_total_accounts GROUP BY ledger_id, asset) s USING (ledger_id, asset)
    WHERE (t.debits_posted, t.credits_posted, t.debits_pending, t.credits_pending, t.accounts)
          IS DISTINCT FROM (s.debits_posted, s.credits_posted, s.debits_pending, s.credits_pending, s.accounts);
    IF differing > 0 THEN
        RAISE WARNING '% asset totals differ from the sums of their accounts; run: ledger projections rebuild asset-totals',
            differing;
    END IF;
END $$;
