-- Escrow per order (issue 8): what a buyer paid into escrow for one order, and what was released to the
-- seller or refunded. `escrows` is materialised state written by the engine under the ledger lock; the
-- journal holds the ESCROW_FUND, ESCROW_RELEASE and ESCROW_REFUND entries it is recomputed from
-- (release and refund entries reference the funding entry).

ALTER TABLE entries DROP CONSTRAINT entries_kind_check; -- named by V4
ALTER TABLE entries ADD CONSTRAINT entries_kind_check
    CHECK (kind IN ('TRANSFER', 'HOLD', 'CAPTURE', 'VOID', 'EXPIRY', 'ENTRY', 'REVERSAL', 'GRANT', 'GRANT_EXPIRY',
                    'ESCROW_FUND', 'ESCROW_RELEASE', 'ESCROW_REFUND'));

CREATE TABLE escrows (
    ledger_id         uuid        NOT NULL,
    order_id          text        NOT NULL CHECK (length(order_id) BETWEEN 1 AND 128),
    -- The id of the ESCROW_FUND entry.
    id                uuid        NOT NULL,
    buyer_account_id  uuid        NOT NULL,
    seller_account_id uuid        NOT NULL,
    escrow_account_id uuid        NOT NULL,
    asset             text        NOT NULL,
    amount            bigint      NOT NULL CHECK (amount > 0),
    released          bigint      NOT NULL CHECK (released >= 0),
    refunded          bigint      NOT NULL CHECK (refunded >= 0),
    status            text        NOT NULL CHECK (status IN ('HELD', 'RELEASED', 'REFUNDED')),
    created_seq       bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (ledger_id, order_id),
    CHECK (released + refunded <= amount),
    CHECK (status = CASE WHEN released > 0 THEN 'RELEASED' WHEN refunded = amount THEN 'REFUNDED' ELSE 'HELD' END)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX escrows_by_id ON escrows (ledger_id, id);
