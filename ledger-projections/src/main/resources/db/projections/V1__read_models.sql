-- Read models built from the event topics, in their own database (ProjectionDatabase.migrate; history
-- table projections_schema_history). Table names differ from the journal's, so the two schemas could
-- share one database, but they are meant to live apart: read models can be dropped and rebuilt from the
-- topics at any time, the journal never.
-- Every table leads with ledger_id, as in the journal, except dead_letters: a record that cannot be
-- decoded has no ledger.

-- Exactly-once apply: an event changes a read model only in the transaction that inserts its id here.
CREATE TABLE applied_events (
    ledger_id   uuid NOT NULL,
    read_model  text NOT NULL CHECK (read_model IN ('balances', 'statements', 'daily-balances', 'asset-totals')),
    event_id    uuid NOT NULL,
    PRIMARY KEY (ledger_id, read_model, event_id)
);

-- BALANCES: one row per account. Rows are replaced only by a higher account version, so redelivered or
-- out-of-order events never move a balance backwards. asset and normal_side are null only while the
-- account's AccountOpened event has not been applied yet, which happens when a rebuild races the live
-- projector; status CLOSED is final.
CREATE TABLE account_balances (
    ledger_id       uuid   NOT NULL,
    account_id      uuid   NOT NULL,
    asset           text,
    normal_side     text   CHECK (normal_side IN ('DEBIT', 'CREDIT')),
    status          text   NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
    debits_posted   bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    debits_pending  bigint NOT NULL,
    credits_pending bigint NOT NULL,
    -- Account version of the last applied posting (0: none yet).
    version         bigint NOT NULL CHECK (version >= 0),
    -- Highest ledger sequence applied to this row.
    last_seq        bigint NOT NULL,
    PRIMARY KEY (ledger_id, account_id)
);

-- STATEMENTS: one line per posting of an account, with the balances after it.
CREATE TABLE statement_lines (
    ledger_id             uuid        NOT NULL,
    account_id            uuid        NOT NULL,
    account_version       bigint      NOT NULL CHECK (account_version >= 1),
    entry_id              uuid        NOT NULL,
    entry_seq             bigint      NOT NULL,
    line_no               int         NOT NULL,
    kind                  text        NOT NULL,
    side                  text        NOT NULL CHECK (side IN ('DEBIT', 'CREDIT')),
    asset                 text        NOT NULL,
    posted_amount         bigint      NOT NULL,
    pending_delta         bigint      NOT NULL,
    debits_posted_after   bigint      NOT NULL,
    credits_posted_after  bigint      NOT NULL,
    debits_pending_after  bigint      NOT NULL,
    credits_pending_after bigint      NOT NULL,
    created_at            timestamptz NOT NULL,
    metadata              jsonb       NOT NULL,
    PRIMARY KEY (ledger_id, account_id, account_version)
);

-- DAILY_BALANCES: the closing balance of each account on each UTC day it had postings, that is the
-- balance after its highest account version of that day.
CREATE TABLE daily_balances (
    ledger_id       uuid   NOT NULL,
    account_id      uuid   NOT NULL,
    day             date   NOT NULL,
    debits_posted   bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    debits_pending  bigint NOT NULL,
    credits_pending bigint NOT NULL,
    version         bigint NOT NULL CHECK (version >= 1),
    last_seq        bigint NOT NULL,
    PRIMARY KEY (ledger_id, account_id, day)
);

-- ASSET_TOTALS: per ledger and asset, the four totals over all accounts and the number of accounts
-- opened. Additive: correct only because applied_events lets each posting in exactly once.
CREATE TABLE asset_totals (
    ledger_id       uuid   NOT NULL,
    asset           text   NOT NULL,
    debits_posted   bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    debits_pending  bigint NOT NULL,
    credits_pending bigint NOT NULL,
    accounts        bigint NOT NULL,
    last_seq        bigint NOT NULL,
    PRIMARY KEY (ledger_id, asset)
);

-- Highest ledger sequence applied per ledger and read model (lastAppliedSeq, a metric).
CREATE TABLE model_progress (
    ledger_id   uuid   NOT NULL,
    read_model  text   NOT NULL,
    last_seq    bigint NOT NULL,
    PRIMARY KEY (ledger_id, read_model)
);

-- Read-your-writes watermark: every event of the ledger with seq <= projected_seq was applied to every
-- read model. projected_seq is null until the ledger's first sequence is known (see Watermarks).
CREATE TABLE ledger_watermarks (
    ledger_id     uuid        PRIMARY KEY,
    projected_seq bigint      CHECK (projected_seq >= 0),
    first_seen_at timestamptz NOT NULL,
    advanced_at   timestamptz
);

-- Copies applied of each sequence above the watermark: one row per (sequence, account). A sequence is
-- complete when it has copies_expected rows; rows at or below the watermark are deleted.
CREATE TABLE seq_copies (
    ledger_id       uuid   NOT NULL,
    seq             bigint NOT NULL,
    account_id      uuid   NOT NULL,
    copies_expected int    NOT NULL CHECK (copies_expected >= 1),
    PRIMARY KEY (ledger_id, seq, account_id)
);

-- Records that could not be applied. The id is derived from (topic, partition, offset), so a
-- redelivered bad record does not create a second dead letter.
CREATE TABLE dead_letters (
    id          uuid        PRIMARY KEY,
    topic       text        NOT NULL,
    partition   int         NOT NULL,
    "offset"    bigint      NOT NULL,
    record_key  bytea,
    payload     bytea,
    reason      text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('UNRESOLVED', 'RETRIED')),
    created_at  timestamptz NOT NULL,
    retried_at  timestamptz,
    UNIQUE (topic, partition, "offset")
);
CREATE INDEX dead_letters_newest_first ON dead_letters (created_at DESC, id);
