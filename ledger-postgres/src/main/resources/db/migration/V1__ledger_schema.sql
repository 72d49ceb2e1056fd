-- Credit Ledger schema, version 1.
-- Every table leads with ledger_id and no write-path statement spans two ledgers, so the schema can be
-- distributed by ledger. Journal tables (accounts, entries, postings, account_closures) are append-only:
-- triggers at the end of this file reject UPDATE, DELETE and TRUNCATE. Balances, transfer_states and
-- ledgers.last_seq are materialised state that `ledger verify` recomputes from the journal.

CREATE TABLE ledgers (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    -- Sequence of the last accepted command; batches lock this row, so numbers are gap-free and commit-ordered.
    last_seq    bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    -- Time of the last batch; batch times never go backwards within a ledger.
    last_at     timestamptz NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE assets (
    ledger_id   uuid        NOT NULL REFERENCES ledgers (id),
    code        text        NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{0,15}$'),
    exponent    int         NOT NULL CHECK (exponent BETWEEN 0 AND 18),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, code)
);

CREATE TABLE api_keys (
    ledger_id   uuid        NOT NULL REFERENCES ledgers (id),
    id          uuid        NOT NULL,
    name        text,
    role        text        NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    -- SHA-256 of the whole key; keys are 256-bit random secrets, so a fast hash is enough.
    key_hash    bytea       NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    PRIMARY KEY (ledger_id, id)
);

CREATE TABLE accounts (
    ledger_id       uuid        NOT NULL REFERENCES ledgers (id),
    id              uuid        NOT NULL,
    code            text        CHECK (length(code) BETWEEN 1 AND 128),
    asset           text        NOT NULL,
    normal_side     text        NOT NULL CHECK (normal_side IN ('DEBIT', 'CREDIT')),
    overdraft_limit bigint      CHECK (overdraft_limit >= 0),
    metadata        jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    seq             bigint      NOT NULL,
    PRIMARY KEY (ledger_id, id),
    UNIQUE (ledger_id, code),
    UNIQUE (ledger_id, seq),
    FOREIGN KEY (ledger_id, asset) REFERENCES assets (ledger_id, code)
);
CREATE INDEX accounts_by_metadata ON accounts USING gin (metadata jsonb_path_ops);

CREATE TABLE account_closures (
    ledger_id   uuid        NOT NULL,
    account_id  uuid        NOT NULL,
    seq         bigint      NOT NULL,
    closed_at   timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, account_id),
    UNIQUE (ledger_id, seq),
    FOREIGN KEY (ledger_id, account_id) REFERENCES accounts (ledger_id, id)
);

CREATE TABLE balances (
    ledger_id       uuid        NOT NULL,
    account_id      uuid        NOT NULL,
    debits_posted   bigint      NOT NULL CHECK (debits_posted >= 0),
    credits_posted  bigint      NOT NULL CHECK (credits_posted >= 0),
    debits_pending  bigint      NOT NULL CHECK (debits_pending >= 0),
    credits_pending bigint      NOT NULL CHECK (credits_pending >= 0),
    -- Number of postings on the account; the n-th posting has account_version n.
    version         bigint      NOT NULL CHECK (version >= 0),
    status          text        NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, account_id),
    FOREIGN KEY (ledger_id, account_id) REFERENCES accounts (ledger_id, id)
);

CREATE TABLE entries (
    ledger_id       uuid        NOT NULL REFERENCES ledgers (id),
    id              uuid        NOT NULL,
    seq             bigint      NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('TRANSFER', 'HOLD', 'CAPTURE', 'VOID', 'EXPIRY', 'ENTRY', 'REVERSAL')),
    from_account_id uuid,
    to_account_id   uuid,
    amount          bigint      NOT NULL CHECK (amount >= 0),
    asset           text,
    reference_id    uuid,
    expires_at      timestamptz,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, id),
    UNIQUE (ledger_id, seq)
);
CREATE INDEX entries_by_reference ON entries (ledger_id, reference_id) WHERE reference_id IS NOT NULL;

CREATE TABLE postings (
    ledger_id           uuid        NOT NULL,
    account_id          uuid        NOT NULL,
    account_version     bigint      NOT NULL CHECK (account_version >= 1),
    entry_id            uuid        NOT NULL,
    line_no             int         NOT NULL,
    entry_seq           bigint      NOT NULL,
    side                text        NOT NULL CHECK (side IN ('DEBIT', 'CREDIT')),
    asset               text        NOT NULL,
    posted_amount       bigint      NOT NULL CHECK (posted_amount >= 0),
    pending_delta       bigint      NOT NULL,
    debits_posted_after   bigint    NOT NULL,
    credits_posted_after  bigint    NOT NULL,
    debits_pending_after  bigint    NOT NULL,
    credits_pending_after bigint    NOT NULL,
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, account_id, account_version),
    UNIQUE (ledger_id, entry_id, line_no),
    FOREIGN KEY (ledger_id, entry_id) REFERENCES entries (ledger_id, id),
    FOREIGN KEY (ledger_id, account_id) REFERENCES accounts (ledger_id, id)
);
CREATE INDEX postings_by_time ON postings (ledger_id, account_id, created_at);

CREATE TABLE transfer_states (
    ledger_id       uuid        NOT NULL,
    transfer_id     uuid        NOT NULL,
    from_account_id uuid        NOT NULL,
    to_account_id   uuid        NOT NULL,
    asset           text        NOT NULL,
    amount          bigint      NOT NULL CHECK (amount > 0),
    is_hold         boolean     NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'POSTED', 'VOIDED', 'EXPIRED')),
    posted_amount   bigint      NOT NULL CHECK (posted_amount >= 0),
    reversed_amount bigint      NOT NULL CHECK (reversed_amount >= 0 AND reversed_amount <= posted_amount),
    expires_at      timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, transfer_id),
    FOREIGN KEY (ledger_id, transfer_id) REFERENCES entries (ledger_id, id)
);
CREATE INDEX transfer_states_expiring ON transfer_states (expires_at) WHERE status = 'PENDING' AND expires_at IS NOT NULL;

CREATE TABLE idempotency_keys (
    ledger_id       uuid        NOT NULL REFERENCES ledgers (id),
    key             text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    text        NOT NULL,
    -- 'ACCEPTED' or the name of the rejection reason.
    result_code     text        NOT NULL,
    subject_id      uuid,
    seq             bigint,
    detail          text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, key)
);

CREATE FUNCTION reject_journal_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER accounts_append_only BEFORE UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER account_closures_append_only BEFORE UPDATE OR DELETE ON account_closures
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER account_closures_no_truncate BEFORE TRUNCATE ON account_closures
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION reject_journal_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION reject_journal_change();
