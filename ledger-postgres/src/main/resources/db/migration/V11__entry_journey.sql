-- What a transfer's journey (GET /v1/transfers/{id}/journey) needs from the journal that nothing else
-- records: when the request behind each entry reached the service, and the size of the batch transaction
-- that committed it. Null for entries written before this version and for entries no request asked for
-- (credit expired inside another command's batch).
ALTER TABLE entries ADD COLUMN received_at timestamptz;
ALTER TABLE entries ADD COLUMN batch_size int CHECK (batch_size >= 1);
