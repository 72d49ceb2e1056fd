package dev.creditledger.chaos;

import java.util.UUID;

/**
 * What one sending of an {@link Op} got: acknowledged (2xx, with the entry id and amount of the answer),
 * rejected (4xx, with its problem code), or unknown (no answer: timeout, connection refused or reset; or a
 * 5xx). {@code retryAfter} records whether a 503 carried Retry-After. {@code replay} marks the kit's own
 * second sending of an answered operation, which must get the same answer.
 */
record OpResult(Op op, Outcome outcome, int status, String code, UUID entryId, Long amountMinor, boolean retryAfter,
                String instance, boolean replay, String failure) {

    /** The three outcomes a client can observe. */
    enum Outcome { ACKNOWLEDGED, REJECTED, UNKNOWN }

    /** Statuses the service may answer with in an outage; any other 5xx is a defect. */
    static boolean isOutageStatus(int status) {
        return status == 503;
    }
}
