package dev.creditledger.projections;

import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The highest ledger sequence applied per ledger and read model ({@code model_progress}, read by
 * {@link ProjectionQueries#lastAppliedSeq}, a metric). Collected in memory while a transaction applies
 * events and written with ONE upsert before it commits; the upsert only raises a row, so a redelivered
 * batch leaves it as it was.
 *
 * What can go wrong: nothing reads it to decide what to apply, so a wrong value misreports the metric
 * only; a rebuild deletes its model's rows and writes them again.
 */
final class ModelProgress {

    private static final String UPSERT = """
            WITH progressed AS (
                INSERT INTO model_progress AS p (ledger_id, read_model, last_seq)
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::bigint[]) AS n(ledger_id, read_model, last_seq)
                ORDER BY n.ledger_id, n.read_model
                ON CONFLICT (ledger_id, read_model) DO UPDATE SET last_seq = EXCLUDED.last_seq
                WHERE p.last_seq < EXCLUDED.last_seq
                RETURNING 1)
            SELECT count(*) FROM progressed""";

    private final Set<ReadModel> models;
    private final Map<UUID, Long> highestSeqByLedger = new HashMap<>();

    ModelProgress(Set<ReadModel> models) {
        this.models = EnumSet.copyOf(models);
    }

    void applied(UUID ledgerId, long seq) {
        highestSeqByLedger.merge(ledgerId, seq, Math::max);
    }

    /** Adds the upsert to the pipeline, unless nothing was applied. */
    void write(Pipeline pipeline) {
        if (highestSeqByLedger.isEmpty()) {
            return;
        }
        int n = highestSeqByLedger.size() * models.size();
        var ledgerId = new UUID[n];
        var model = new String[n];
        var lastSeq = new long[n];
        int i = 0;
        for (var e : highestSeqByLedger.entrySet()) {
            for (var m : models) {
                ledgerId[i] = e.getKey();
                model[i] = m.cliName();
                lastSeq[i] = e.getValue();
                i++;
            }
        }
        pipeline.add(UPSERT, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).texts(model).longs(lastSeq).next(),
                Pipeline.NOTHING_TO_READ);
    }
}
