package dev.creditledger.core.trace;

import java.util.concurrent.ThreadLocalRandom;

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

    /** The length of a version-00 traceparent: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
    public static final int LENGTH = 55;

    /** The context a valid version-00 traceparent names, or null for null or anything else. */
    public static TraceContext parse(String traceparent) {
        if (!isValid(traceparent)) {
            return null;
        }
        return new TraceContext(traceparent.substring(3, 35), traceparent.substring(36, 52), traceparent.substring(53, 55));
    }

    /**
     * Whether a value is a valid version-00 traceparent: {@code 00-}, a trace id of 32 lowercase hex digits
     * and a span id of 16, neither all zeros, and 2 hex digits of flags, dash-separated. A loop over the
     * characters rather than a regular expression: every journal row's context is checked on the write path
     * and again by the relay.
     */
    public static boolean isValid(String traceparent) {
        if (traceparent == null || traceparent.length() != LENGTH || traceparent.charAt(0) != '0' || traceparent.charAt(1) != '0'
                || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
            return false;
        }
        return lowerHexNotAllZeros(traceparent, 3, 35) && lowerHexNotAllZeros(traceparent, 36, 52)
                && isLowerHex(traceparent.charAt(53)) && isLowerHex(traceparent.charAt(54));
    }

    private static boolean lowerHexNotAllZeros(String value, int from, int to) {
        boolean allZeros = true;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!isLowerHex(c)) {
                return false;
            }
            allZeros &= c == '0';
        }
        return !allZeros;
    }

    private static boolean isLowerHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
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
