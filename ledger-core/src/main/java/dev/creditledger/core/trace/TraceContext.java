package dev.creditledger.core.trace;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C {@code traceparent} (version 00) taken apart: trace id, parent span id, sampled flag. The ledger
 * stores one with every journal row and carries it in every event's headers; {@link #child} makes the
 * context of a new span under it, which is what the next step passes on.
 *
 * @param traceId  32 lowercase hex digits, not all zeros
 * @param spanId   16 lowercase hex digits, not all zeros: the span the context names
 * @param flags    2 hex digits; bit 0 is "sampled"
 */
public record TraceContext(String traceId, String spanId, String flags) {

    private static final Pattern VALID = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    /** The context a valid version-00 traceparent names, or null for null or anything else. */
    public static TraceContext parse(String traceparent) {
        if (traceparent == null || !VALID.matcher(traceparent).matches()) {
            return null;
        }
        return new TraceContext(traceparent.substring(3, 35), traceparent.substring(36, 52), traceparent.substring(53, 55));
    }

    /** A new trace, sampled, with a new root span id. */
    public static TraceContext newTrace() {
        var random = ThreadLocalRandom.current();
        String traceId;
        do {
            traceId = hex(random.nextLong()) + hex(random.nextLong());
        } while (traceId.equals("0".repeat(32)));
        return new TraceContext(traceId, newSpanId(), "01");
    }

    /** A new span id: 16 hex digits, never all zeros. */
    public static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return hex(id);
    }

    /** The context of a new span in the same trace, child of this one. */
    public TraceContext child() {
        return new TraceContext(traceId, newSpanId(), flags);
    }

    /** Whether the trace's origin asked for it to be recorded (flag bit 0). */
    public boolean sampled() {
        return (Character.digit(flags.charAt(1), 16) & 1) == 1;
    }

    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String hex(long value) {
        var digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
