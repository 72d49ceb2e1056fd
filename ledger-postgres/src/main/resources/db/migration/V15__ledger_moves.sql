-- Moving a ledger to another cluster online (issue 19, ADR 0022). A ledger's row on a cluster says whether that
-- copy is live: NULL is live; INCOMING is a copy being made by a move (nothing but the mover writes it, and nothing
-- reads, verifies, closes, expires or publishes it); MOVED_AWAY is the copy a move left behind, frozen: a batch that
-- finds it refuses (the service answers 503 with Retry-After and routes again from the directory), and it is kept,
-- unchanged, as the evidence the move compared.
ALTER TABLE ledgers ADD COLUMN move_state text CHECK (move_state IN ('INCOMING', 'MOVED_AWAY'));
ALTER TABLE ledgers ADD COLUMN moved_to text CHECK (length(moved_to) BETWEEN 1 AND 64);
