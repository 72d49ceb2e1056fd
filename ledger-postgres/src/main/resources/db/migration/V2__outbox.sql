-- Transactional outbox. The posting engine writes one row per event in the batch's transaction, so an
-- event exists exactly when its change committed. Rows are keyed by the ledger sequence, which is
-- gap-free and commit-ordered per ledger (ADR 0002): the relay reads each ledger's rows after its
-- published mark in sequence order and cannot skip a row that commits late (ADR 0005).

CREATE TABLE outbox (
    ledger_id   uuid        NOT NULL REFERENCES ledgers (id),
    seq         bigint      NOT NULL,
    -- Copies of one sequence (one per account an entry touches), in posting order.
    part        int         NOT NULL CHECK (part >= 0),
    event_id    uuid        NOT NULL,
    event_type  text        NOT NULL,
    -- The Kafka record key: each account's events stay in order in one partition.
    account_id  uuid        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     text        NOT NULL,
    traceparent text,
    PRIMARY KEY (ledger_id, seq, part)
);
CREATE INDEX outbox_by_time ON outbox (occurred_at);

-- The relay's mark per ledger: every event with seq <= published_seq was acknowledged by Kafka.
-- Relays lock a ledger's row (FOR UPDATE SKIP LOCKED) while they publish it, so one ledger is
-- published by one relay at a time and its events leave in order.
CREATE TABLE outbox_cursors (
    ledger_id        uuid        PRIMARY KEY REFERENCES ledgers (id),
    published_seq    bigint      NOT NULL CHECK (published_seq >= 0),
    published_at     timestamptz,
    -- When a relay last claimed the ledger, published or not: claims go to the least recently tried
    -- ledger first, so a ledger whose publication keeps failing cannot starve the others.
    attempted_at     timestamptz,
    events_published bigint      NOT NULL DEFAULT 0
);

-- History written before the outbox existed has no events; its ledgers start publishing after it.
INSERT INTO outbox_cursors (ledger_id, published_seq) SELECT id, last_seq FROM ledgers;

CREATE FUNCTION open_outbox_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_cursors (ledger_id, published_seq) VALUES (NEW.id, NEW.last_seq);
    RETURN NEW;
END
$$;

CREATE TRIGGER ledgers_open_outbox_cursor AFTER INSERT ON ledgers
    FOR EACH ROW EXECUTE FUNCTION open_outbox_cursor();
