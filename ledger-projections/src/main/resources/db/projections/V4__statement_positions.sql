-- Where each statement line's event was read from (partition and offset of the events topic), when the
-- relay published it (the record's timestamp) and when the projector applied it: a transfer's journey
-- (GET /v1/transfers/{id}/journey) reads them. Null for lines applied before this version; published_at
-- is also null for a line applied by a dead letter's retry (the dead letter keeps no timestamp).
ALTER TABLE statement_lines ADD COLUMN kafka_partition int;
ALTER TABLE statement_lines ADD COLUMN kafka_offset bigint;
ALTER TABLE statement_lines ADD COLUMN published_at timestamptz;
ALTER TABLE statement_lines ADD COLUMN applied_at timestamptz;
