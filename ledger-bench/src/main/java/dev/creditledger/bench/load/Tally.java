package dev.creditledger.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums of {@link OpOutcome}s: operations, units per latency series, requests and entries by outcome,
 * and the first failures seen (at most {@link #FAILURES_KEPT_MAX}). One per thread while running,
 * merged after.
 */
public final class Tally {

    public static final int FAILURES_KEPT_MAX = 5;

    public long operations;
    public long unsent;
    public final long[] unitsBySeries;
    public long requestsAcknowledged;
    public long requestsRejected;
    public long requestsUnknown;
    public long entriesAcknowledged;
    public long entriesUnknown;
    public long itemsRejected;
    public long inconsistentResponses;
    public final Map<String, Long> failures = new LinkedHashMap<>();

    public Tally(int series) {
        this.unitsBySeries = new long[series];
    }

    public void add(OpOutcome o) {
        operations++;
        unitsBySeries[o.series] += o.units;
        requestsAcknowledged += o.requestsAcknowledged;
        requestsRejected += o.requestsRejected;
        requestsUnknown += o.requestsUnknown;
        entriesAcknowledged += o.entriesAcknowledged;
        entriesUnknown += o.entriesUnknown;
        itemsRejected += o.itemsRejected;
        inconsistentResponses += o.inconsistentResponses;
        if (o.failure != null) {
            noteFailure(o.failure, 1);
        }
    }

    public void add(Tally other) {
        operations += other.operations;
        unsent += other.unsent;
        for (int i = 0; i < unitsBySeries.length; i++) {
            unitsBySeries[i] += other.unitsBySeries[i];
        }
        requestsAcknowledged += other.requestsAcknowledged;
        requestsRejected += other.requestsRejected;
        requestsUnknown += other.requestsUnknown;
        entriesAcknowledged += other.entriesAcknowledged;
        entriesUnknown += other.entriesUnknown;
        itemsRejected += other.itemsRejected;
        inconsistentResponses += other.inconsistentResponses;
        other.failures.forEach(this::noteFailure);
    }

    private void noteFailure(String failure, long count) {
        // Failures differ in ids; the first FAILURES_KEPT_MAX kinds with their counts are enough to diagnose.
        if (failures.containsKey(failure) || failures.size() < FAILURES_KEPT_MAX) {
            failures.merge(failure, count, Long::sum);
        }
    }

    public long units() {
        long sum = 0;
        for (long u : unitsBySeries) {
            sum += u;
        }
        return sum;
    }

    /** Anything that is not a clean acknowledgement: rejections, unknown outcomes, refused batch items, odd answers, unsent requests. */
    public long failuresCount() {
        return requestsRejected + requestsUnknown + itemsRejected + inconsistentResponses + unsent;
    }
}
