-- Idempotency records are kept for a retention period (issue 9; ledger.idempotency.retention-days), then
-- deleted by the worker in small chunks, oldest first. Rows arrive in time order, so a BRIN index finds
-- the old ones cheaply without a B-tree entry per write.
CREATE INDEX idempotency_by_created ON idempotency USING brin (created_at);
