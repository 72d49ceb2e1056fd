-- A lean journal that is also the event log (ADR 0006).
--
-- 1. The journal itself is the event log: the relay reads each ledger's accounts, closures and entries
--    by their gap-free, commit-ordered sequence and encodes the events from those rows, so no change
--    is written twice. The outbox table of JSON copies goes; its cursors stay, renamed.
-- 2. Rows carry only what cannot be derived: an entry's source, destination and asset are those of
--    its postings; a posting finds its entry by sequence; a posted transfer that was never reversed
--    has no transfer_states row (its state is implied by its entry).
-- 3. Indexes are sized for the write path. Postings are found through two bucketed, deduplicated
--    indexes (32 postings of an account, or 32 sequences of a ledger, share one index key) instead of
--    one unique index entry each; uniqueness is enforced where rows are born (entries by sequence and
--    by id), and `ledger verify` checks that every account's versions are exactly 1..n.
-- 4. Foreign keys on the journal's high-volume tables go: each one cost a trigger call per row. Every
--    posting is written by the engine in the same statement as its entry, for accounts it loaded under
--    the ledger lock; `ledger verify` checks that every posting names an existing account and entry.
-- 5. Idempotency records are small: digests of the key and of the request, the result, and the ledger
--    sequence of what the request created (the subject is found from it).

-- ---- the event log: cursors of the relay over the journal ----
DROP TABLE outbox;
ALTER TABLE outbox_cursors RENAME TO event_cursors;
ALTER TABLE event_cursors DROP COLUMN events_published;
ALTER TABLE event_cursors RENAME CONSTRAINT outbox_cursors_pkey TO event_cursors_pkey;
ALTER TABLE event_cursors RENAME CONSTRAINT outbox_cursors_ledger_id_fkey TO event_cursors_ledger_id_fkey;
ALTER TABLE event_cursors RENAME CONSTRAINT outbox_cursors_published_seq_check TO event_cursors_published_seq_check;
DROP TRIGGER ledgers_open_outbox_cursor ON ledgers;
DROP FUNCTION open_outbox_cursor();
CREATE FUNCTION open_event_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_cursors (ledger_id, published_seq) VALUES (NEW.id, NEW.last_seq);
    RETURN NEW;
END
$$;
CREATE TRIGGER ledgers_open_event_cursor AFTER INSERT ON ledgers
    FOR EACH ROW EXECUTE FUNCTION open_event_cursor();

-- The W3C trace context (version 00: 16-byte trace id, 8-byte parent id, 1 flag byte) of the request
-- behind each journal row, carried into its events.
ALTER TABLE accounts ADD COLUMN traceparent bytea CHECK (length(traceparent) = 25);
ALTER TABLE account_closures ADD COLUMN traceparent bytea CHECK (length(traceparent) = 25);

-- ---- entries and postings, rebuilt with their columns in an order that wastes no alignment ----
ALTER TABLE transfer_states DROP CONSTRAINT transfer_states_ledger_id_transfer_id_fkey;
ALTER TABLE entries RENAME TO entries_v2;
ALTER TABLE postings RENAME TO postings_v2;
ALTER TABLE entries_v2 RENAME CONSTRAINT entries_pkey TO entries_v2_pkey;
ALTER TABLE entries_v2 RENAME CONSTRAINT entries_ledger_id_seq_key TO entries_v2_ledger_id_seq_key;
ALTER INDEX entries_by_reference RENAME TO entries_v2_by_reference;

CREATE TABLE entries (
    ledger_id       uuid        NOT NULL,
    seq             bigint      NOT NULL,
    id              uuid        NOT NULL,
    -- TRANSFER, HOLD: the amount; CAPTURE: the captured amount; VOID, EXPIRY: the released amount;
    -- REVERSAL: the amount moved back; ENTRY: 0. Source, destination and asset are those of the postings.
    amount          bigint      NOT NULL CHECK (amount >= 0),
    created_at      timestamptz NOT NULL,
    -- The hold a capture, void or expiry resolves, or the transfer a reversal reverses.
    reference_id    uuid,
    expires_at      timestamptz,
    kind            text        NOT NULL CHECK (kind IN ('TRANSFER', 'HOLD', 'CAPTURE', 'VOID', 'EXPIRY', 'ENTRY', 'REVERSAL')),
    -- NULL when the entry has no metadata.
    metadata        jsonb,
    -- The key of the request that created the entry, when it had one.
    idempotency_key text        CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- The W3C trace context (version 00: 16-byte trace id, 8-byte parent id, 1 flag byte) of that request.
    traceparent     bytea       CHECK (length(traceparent) = 25),
    PRIMARY KEY (ledger_id, id),
    UNIQUE (ledger_id, seq)
);
CREATE INDEX entries_by_reference ON entries (ledger_id, reference_id) WHERE reference_id IS NOT NULL;
INSERT INTO entries (ledger_id, seq, id, amount, created_at, reference_id, expires_at, kind, metadata, idempotency_key)
SELECT e.ledger_id, e.seq, e.id, e.amount, e.created_at, e.reference_id, e.expires_at, e.kind, NULLIF(e.metadata, '{}'), k.key
FROM entries_v2 e
LEFT JOIN idempotency_keys k ON k.ledger_id = e.ledger_id AND k.subject_id = e.id AND k.result_code = 'ACCEPTED';

CREATE TABLE postings (
    ledger_id             uuid        NOT NULL,
    account_id            uuid        NOT NULL,
    -- The account's n-th posting has version n: versions are dense, 1..n.
    account_version       bigint      NOT NULL CHECK (account_version >= 1),
    entry_seq             bigint      NOT NULL,
    posted_amount         bigint      NOT NULL CHECK (posted_amount >= 0),
    pending_delta         bigint      NOT NULL,
    debits_posted_after   bigint      NOT NULL,
    credits_posted_after  bigint      NOT NULL,
    debits_pending_after  bigint      NOT NULL,
    credits_pending_after bigint      NOT NULL,
    created_at            timestamptz NOT NULL,
    line_no               smallint    NOT NULL CHECK (line_no >= 0),
    side                  text        NOT NULL CHECK (side IN ('DEBIT', 'CREDIT')),
    asset                 text        NOT NULL
);
INSERT INTO postings (ledger_id, account_id, account_version, entry_seq, posted_amount, pending_delta, debits_posted_after,
                      credits_posted_after, debits_pending_after, credits_pending_after, created_at, line_no, side, asset)
SELECT ledger_id, account_id, account_version, entry_seq, posted_amount, pending_delta, debits_posted_after,
       credits_posted_after, debits_pending_after, credits_pending_after, created_at, line_no, side, asset FROM postings_v2;
-- An account's statement: versions are dense, so version v lives under key v / 32.
CREATE INDEX postings_by_account ON postings (ledger_id, account_id, (account_version / 32));
-- An entry's postings, and the relay's reads by sequence: sequence s lives under key s / 32.
CREATE INDEX postings_by_entry ON postings (ledger_id, (entry_seq / 32));

DROP TABLE postings_v2;
DROP TABLE entries_v2;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();

-- The last version of an account whose posting was made at or before an instant (0 when none):
-- a binary search over the dense versions 1..last_version, whose times never decrease.
CREATE FUNCTION posting_version_at(p_ledger_id uuid, p_account_id uuid, p_last_version bigint, p_at timestamptz)
    RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    low bigint := 0;
    high bigint := p_last_version;
    middle bigint;
    made_at timestamptz;
BEGIN
    WHILE low < high LOOP
        middle := (low + high + 1) / 2;
        SELECT created_at INTO made_at FROM postings
        WHERE ledger_id = p_ledger_id AND account_id = p_account_id
          AND account_version / 32 = middle / 32 AND account_version = middle;
        IF made_at IS NULL OR made_at > p_at THEN
            high := middle - 1;
        ELSE
            low := middle;
        END IF;
    END LOOP;
    RETURN low;
END
$$;

-- ---- transfer states: only holds and reversed transfers have a row ----
DELETE FROM transfer_states WHERE NOT is_hold AND reversed_amount = 0;

-- ---- idempotency ----
CREATE TABLE idempotency (
    ledger_id      uuid        NOT NULL,
    -- The first 128 bits of SHA-256 of the key: fixed-size index entries whatever the key's length.
    key_digest     uuid        NOT NULL,
    -- The first 128 bits of SHA-256 of the request hash: the same request gives the same digest.
    request_digest uuid        NOT NULL,
    -- Accepted: the ledger sequence of what the request created (an account, closure or entry).
    seq            bigint,
    created_at     timestamptz NOT NULL,
    -- NULL when the request was accepted, otherwise the name of the rejection reason.
    rejection      text,
    -- Rejected: the detail given with the reason.
    detail         text,
    PRIMARY KEY (ledger_id, key_digest),
    CHECK ((rejection IS NULL) = (seq IS NOT NULL))
);
INSERT INTO idempotency (ledger_id, key_digest, request_digest, rejection, seq, detail, created_at)
SELECT ledger_id, encode(substr(sha256(convert_to(key, 'UTF8')), 1, 16), 'hex')::uuid,
       encode(substr(sha256(convert_to(request_hash, 'UTF8')), 1, 16), 'hex')::uuid,
       CASE WHEN result_code = 'ACCEPTED' THEN NULL ELSE result_code END,
       CASE WHEN result_code = 'ACCEPTED' THEN seq END,
       detail, created_at
FROM idempotency_keys;
DROP TABLE idempotency_keys;

-- ---- materialised state is updated in place: leave room for HOT updates ----
ALTER TABLE balances SET (fillfactor = 70);
ALTER TABLE ledgers SET (fillfactor = 50);
ALTER TABLE event_cursors SET (fillfactor = 50);
