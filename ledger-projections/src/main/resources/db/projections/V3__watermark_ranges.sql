-- The watermark's bookkeeping in proportion to what is incomplete, not to the number of events (ADR 0007).
-- Until now every applied copy was a seq_copies row until the watermark passed its sequence. From now on a
-- sequence whose copies all arrive in one transaction writes no row; seq_copies holds only the copies of
-- sequences still incomplete, and complete sequences that the watermark cannot reach yet (a lower one is
-- still incomplete) are kept as runs in seq_ranges.

-- SEQ_RANGES: per ledger, the runs of consecutive complete sequences above its watermark, one row per
-- maximal run. Runs never overlap nor touch (two runs that come to touch are merged into one row), and no
-- run starts right after a started watermark (the watermark moves over it in the same transaction). A
-- sequence above the watermark is in a run, or has its copies applied so far in seq_copies, or has none
-- applied yet: never two of these.
CREATE TABLE seq_ranges (
    ledger_id uuid   NOT NULL,
    first_seq bigint NOT NULL CHECK (first_seq >= 1),
    last_seq  bigint NOT NULL,
    PRIMARY KEY (ledger_id, first_seq),
    CHECK (last_seq >= first_seq)
);

-- Conversion of the state the previous projector left. It recorded copies only above the watermark, under
-- the watermark row's lock, so nothing should lie at or below it; clear it anyway, the rest relies on it.
DELETE FROM seq_copies c USING ledger_watermarks w WHERE c.ledger_id = w.ledger_id AND c.seq <= w.projected_seq;

-- Its complete sequences above the watermark (those after an incomplete one, and every complete one of a
-- ledger whose watermark has not started) become runs: within a ledger, consecutive complete sequences
-- share seq - row_number().
INSERT INTO seq_ranges (ledger_id, first_seq, last_seq)
SELECT ledger_id, min(seq), max(seq)
FROM (SELECT ledger_id, seq, seq - row_number() OVER (PARTITION BY ledger_id ORDER BY seq) AS run
      FROM (SELECT ledger_id, seq FROM seq_copies GROUP BY ledger_id, seq
            HAVING count(*) >= max(copies_expected)) complete) numbered
GROUP BY ledger_id, run;

DELETE FROM seq_copies c USING seq_ranges r
WHERE c.ledger_id = r.ledger_id AND c.seq BETWEEN r.first_seq AND r.last_seq;

-- The previous projector moved each watermark over every complete sequence after it in the transaction
-- that completed them, so no run should start right after a watermark. Should one, the watermark moves
-- over it now rather than waiting for the ledger's next event.
WITH reachable AS (
    DELETE FROM seq_ranges r USING ledger_watermarks w
    WHERE r.ledger_id = w.ledger_id AND r.first_seq = w.projected_seq + 1
    RETURNING r.ledger_id, r.last_seq)
UPDATE ledger_watermarks w SET projected_seq = r.last_seq, advanced_at = now()
FROM reachable r WHERE w.ledger_id = r.ledger_id;

-- Check what the projector relies on from now on: no run touches or overlaps the next one of its ledger,
-- none is reachable from its watermark, and no copy left in seq_copies belongs to a complete sequence.
DO $$
DECLARE
    touching bigint;
    reachable bigint;
    complete bigint;
BEGIN
    SELECT count(*) INTO touching FROM (
        SELECT first_seq, lag(last_seq) OVER (PARTITION BY ledger_id ORDER BY first_seq) AS previous_last
        FROM seq_ranges) r
    WHERE r.first_seq <= r.previous_last + 1;
    SELECT count(*) INTO reachable FROM seq_ranges r JOIN ledger_watermarks w USING (ledger_id)
    WHERE r.first_seq <= w.projected_seq + 1;
    SELECT count(*) INTO complete FROM (SELECT 1 FROM seq_copies GROUP BY ledger_id, seq
                                        HAVING count(*) >= max(copies_expected)) c;
    IF touching + reachable + complete > 0 THEN
        RAISE EXCEPTION 'seq_ranges converted wrongly: % touching, % reachable, % complete sequences left in seq_copies',
            touching, reachable, complete;
    END IF;
END $$;
