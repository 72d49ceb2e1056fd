package dev.creditledger.core;

import java.time.Instant;
import java.util.List;

/**
 * What one caller hands to the posting engine: one or more requests of ONE ledger, answered together.
 * When {@code atomic} is true they are all applied or none is (a failure rejects the others with
 * {@link Reason#LINKED_COMMAND_FAILED}); otherwise each stands alone.
 *
 * @param traceparent the W3C trace context of the request that caused the submission, or null; it is
 *                    stored with the submission's events so a consumer can continue the trace
 * @param receivedAt  when the request behind it reached the service, or null (the engine then takes the
 *                    moment it queued the submission); stored with each entry for the transfer's journey
 */
public record Submission(List<Request> requests, boolean atomic, String traceparent, Instant receivedAt) {
    public Submission(List<Request> requests, boolean atomic) {
        this(requests, atomic, null, null);
    }

    public Submission(List<Request> requests, boolean atomic, String traceparent) {
        this(requests, atomic, traceparent, null);
    }

    public Submission {
        requests = List.copyOf(requests);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("a submission needs at least one request");
        }
        var ledgerId = requests.getFirst().ledgerId();
        if (requests.stream().anyMatch(r -> !r.ledgerId().equals(ledgerId))) {
            throw new IllegalArgumentException("all requests of a submission belong to one ledger");
        }
    }

    public static Submission single(Request request) {
        return new Submission(List.of(request), false);
    }

    public java.util.UUID ledgerId() {
        return requests.getFirst().ledgerId();
    }
}
