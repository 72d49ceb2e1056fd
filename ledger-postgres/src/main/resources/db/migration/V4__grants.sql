-- Grants: credit given to an account as a lot with its own remaining amount and expiry (issue 8).
--
-- A grant's amount is always split into remaining (spendable), reserved (by pending holds), consumed and
-- expired. Debits of the account draw its grants down, soonest expiry first; at its expiry what remains
-- moves to the ledger's breakage account for the asset. `grants` is materialised state, written by the
-- engine under the ledger lock like balances; `grant_changes` is journal: one row per change an entry
-- made to a grant, never updated, from which `ledger verify` recomputes every grant.

-- The check on kind was created with the table in V3, while the V2 table still held the name
-- entries_kind_check, so its name is not fixed: find it by what it checks.
DO $$
DECLARE
    kind_check text;
BEGIN
    SELECT conname INTO STRICT kind_check FROM pg_constraint
    WHERE conrelid = 'entries'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%kind%';
    EXECUTE format('ALTER TABLE entries DROP CONSTRAINT %I', kind_check);
END
$$;
ALTER TABLE entries ADD CONSTRAINT entries_kind_check
    CHECK (kind IN ('TRANSFER', 'HOLD', 'CAPTURE', 'VOID', 'EXPIRY', 'ENTRY', 'REVERSAL', 'GRANT', 'GRANT_EXPIRY'));

CREATE TABLE grants (
    ledger_id         uuid        NOT NULL,
    id                uuid        NOT NULL,
    account_id        uuid        NOT NULL,
    asset             text        NOT NULL,
    amount            bigint      NOT NULL CHECK (amount > 0),
    remaining         bigint      NOT NULL CHECK (remaining >= 0),
    reserved          bigint      NOT NULL CHECK (reserved >= 0),
    consumed          bigint      NOT NULL CHECK (consumed >= 0),
    expired           bigint      NOT NULL CHECK (expired >= 0),
    -- NULL: the grant never expires.
    expires_at        timestamptz,
    source            text        CHECK (length(source) BETWEEN 1 AND 128),
    -- NULL when the grant has no metadata.
    metadata          jsonb,
    -- Where what remains goes at expiry: the ledger's breakage account for the asset.
    expiry_account_id uuid        NOT NULL,
    -- The ledger sequence of the GRANT entry that made it; it orders grants of equal expiry.
    created_seq       bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    status            text        NOT NULL CHECK (status IN ('ACTIVE', 'CONSUMED', 'EXPIRED')),
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, id),
    CHECK (amount = remaining + reserved + consumed + expired),
    CHECK (status = CASE WHEN expired > 0 THEN 'EXPIRED' WHEN remaining + reserved = 0 THEN 'CONSUMED' ELSE 'ACTIVE' END)
) WITH (fillfactor = 80);
-- What a batch loads for the accounts it touches: their active grants.
CREATE INDEX grants_active_by_account ON grants (ledger_id, account_id) WHERE status = 'ACTIVE';
-- An account's grants, newest first, for listing.
CREATE INDEX grants_by_account ON grants (ledger_id, account_id, created_seq);
-- What the expiry worker looks for: grants past their expiry with credit left.
CREATE INDEX grants_due ON grants (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;

CREATE TABLE grant_changes (
    ledger_id  uuid     NOT NULL,
    -- The entry that made the change.
    entry_seq  bigint   NOT NULL,
    grant_id   uuid     NOT NULL,
    account_id uuid     NOT NULL,
    -- The n-th change of the entry (an entry can change several grants, and one grant twice).
    change_no  int      NOT NULL CHECK (change_no >= 0),
    kind       text     NOT NULL CHECK (kind IN ('GRANTED', 'CONSUMED', 'RESERVED', 'RELEASED', 'CAPTURED', 'RESTORED', 'EXPIRED')),
    amount     bigint   NOT NULL CHECK (amount > 0),
    PRIMARY KEY (ledger_id, entry_seq, change_no)
);
CREATE INDEX grant_changes_by_grant ON grant_changes (ledger_id, grant_id);
CREATE TRIGGER grant_changes_append_only BEFORE UPDATE OR DELETE ON grant_changes
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER grant_changes_no_truncate BEFORE TRUNCATE ON grant_changes
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();

-- What a transfer holds of its source account's grants, in the order drawn: a pending hold's
-- reservations, or what a posted transfer consumed that a reversal can still give back. A transfer
-- that drew grants has a transfer_states row even when it is neither a hold nor reversed.
ALTER TABLE transfer_states ADD COLUMN draw_grant_ids uuid[];
ALTER TABLE transfer_states ADD COLUMN draw_amounts bigint[];
ALTER TABLE transfer_states ADD CONSTRAINT transfer_states_draws_check
    CHECK (coalesce(cardinality(draw_grant_ids), 0) = coalesce(cardinality(draw_amounts), 0));
