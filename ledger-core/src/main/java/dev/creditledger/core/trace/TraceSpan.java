package dev.creditledger.core.trace;

import java.time.Instant;
import java.util.Map;

/**
 * One finished step of a write's journey, recorded after the fact with the times it began and ended: the
 * HTTP request, the wait in the posting queue, the batch transaction, its commit, the relay's publication of
 * one event, a projector's application of it. Spans of one write share its trace id and point at their
 * parent span, as OpenTelemetry and W3C trace context define them; the server turns them into OpenTelemetry
 * span data ({@code ledger-server}'s tracing package).
 *
 * @param traceId      32 lowercase hex digits
 * @param spanId       16 lowercase hex digits
 * @param parentSpanId 16 lowercase hex digits, or null for a root span
 * @param attributes   values are String, Long, Integer, Boolean or Double
 */
public record TraceSpan(String traceId, String spanId, String parentSpanId, String name, Kind kind, Instant start,
                        Instant end, Map<String, Object> attributes) {

    /** The OpenTelemetry span kinds the ledger uses. */
    public enum Kind { SERVER, INTERNAL, PRODUCER, CONSUMER }

    public TraceSpan {
        attributes = Map.copyOf(attributes);
        if (end.isBefore(start)) {
            end = start;
        }
    }
}
