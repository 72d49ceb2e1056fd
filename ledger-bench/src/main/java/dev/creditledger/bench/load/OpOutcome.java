package dev.creditledger.bench.load;

/**
 * What one operation did, filled in by the workload and reset before the next: which latency series it
 * belongs to, how many units of work it completed, and how its requests and journal entries ended.
 * A request is acknowledged (2xx), rejected (4xx: nothing written) or unknown (timeout, reset, 5xx: it
 * may or may not have been written). Reused by one thread, never shared.
 */
public final class OpOutcome {
    public int series;
    public long units;
    public long requestsAcknowledged;
    public long requestsRejected;
    public long requestsUnknown;
    public long entriesAcknowledged;
    public long entriesUnknown;
    public long itemsRejected;
    public long inconsistentResponses;
    public String failure;

    public void reset() {
        series = 0;
        units = 0;
        requestsAcknowledged = 0;
        requestsRejected = 0;
        requestsUnknown = 0;
        entriesAcknowledged = 0;
        entriesUnknown = 0;
        itemsRejected = 0;
        inconsistentResponses = 0;
        failure = null;
    }

    /** Remembers the first failure of the operation, for the report. */
    public void fail(String detail) {
        if (failure == null) {
            failure = detail;
        }
    }

    public boolean failed() {
        return requestsRejected + requestsUnknown + itemsRejected + inconsistentResponses > 0;
    }
}
