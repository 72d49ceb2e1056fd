-- Transfers between ledgers as durable two-step sagas (issue 19, ADR 0021).
--
-- ledger_links (used on the catalog cluster only): the operator's one-way authority for the ledger `from_ledger`
-- to send money to accounts of `to_ledger`. Configuration, not journal: a link is removed by deleting its row.
CREATE TABLE ledger_links (
    from_ledger uuid        NOT NULL REFERENCES ledger_directory (ledger_id),
    to_ledger   uuid        NOT NULL REFERENCES ledger_directory (ledger_id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (from_ledger, to_ledger),
    CHECK (from_ledger <> to_ledger)
);

-- A saga lives on its source ledger's cluster, beside the source ledger's journal. Its state is mutable (like
-- transfer_states); what it did is in the journals of both ledgers, each leg carrying the saga id in its metadata.
CREATE TABLE sagas (
    ledger_id        uuid        NOT NULL REFERENCES ledgers (id),
    id               uuid        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'COMPENSATING', 'COMPENSATED', 'FAILED')),
    -- The client's idempotency key of the request that started it, and the digest of that request.
    idempotency_key  text        CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_digest   uuid        NOT NULL,
    from_account     uuid        NOT NULL,
    to_ledger        uuid        NOT NULL,
    to_account       uuid        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    asset            text        NOT NULL,
    metadata         jsonb       NOT NULL DEFAULT '{}',
    -- The hold on the source ledger and the credit on the destination: ids chosen when the saga starts.
    hold_id          uuid        NOT NULL,
    credit_id        uuid        NOT NULL,
    -- After this instant a credit not yet done is no longer attempted: the saga compensates.
    deadline         timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    -- A driver holds the saga until this instant; another takes it over after (steps are idempotent).
    lease_until      timestamptz,
    problem_code     text,
    problem_detail   text,
    traceparent      text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, id)
);
CREATE UNIQUE INDEX sagas_by_key ON sagas (ledger_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX sagas_by_id ON sagas (id);
-- Capture and void through the API refuse a hold a saga owns (HOLD_OWNED_BY_SAGA).
CREATE UNIQUE INDEX sagas_by_hold ON sagas (ledger_id, hold_id);
CREATE INDEX sagas_due ON sagas (next_attempt_at) WHERE status IN ('PENDING', 'COMPENSATING');

-- Each step of a saga: how often it was tried, when, and what it wrote on which ledger (or why it was refused).
CREATE TABLE saga_steps (
    ledger_id      uuid        NOT NULL,
    saga_id        uuid        NOT NULL,
    step           text        NOT NULL CHECK (step IN ('RESERVE', 'CREDIT', 'CAPTURE', 'VOID')),
    state          text        NOT NULL CHECK (state IN ('PENDING', 'DONE', 'REFUSED')),
    attempts       int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    first_at       timestamptz,
    last_at        timestamptz,
    entry_ledger   uuid,
    entry_id       uuid,
    seq            bigint,
    problem_code   text,
    problem_detail text,
    PRIMARY KEY (ledger_id, saga_id, step),
    FOREIGN KEY (ledger_id, saga_id) REFERENCES sagas (ledger_id, id)
);
