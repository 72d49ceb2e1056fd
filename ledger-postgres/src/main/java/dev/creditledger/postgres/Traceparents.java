package dev.creditledger.postgres;

import dev.creditledger.core.trace.TraceContext;
import java.util.HexFormat;

/**
 * Stores a W3C {@code traceparent} (version 00) in 25 bytes instead of its 55 characters: the 16-byte
 * trace id, the 8-byte parent id and the flags byte. A value that is not a valid version-00 trace
 * context ({@link TraceContext#isValid}) is not stored (null); the transports only pass valid ones on.
 */
final class Traceparents {
    private Traceparents() {}

    static final int PACKED_BYTES = 25;
    private static final HexFormat HEX = HexFormat.of();

    static byte[] pack(String traceparent) {
        if (!TraceContext.isValid(traceparent)) {
            return null;
        }
        return HEX.parseHex(traceparent.substring(3, 35) + traceparent.substring(36, 52) + traceparent.substring(53, 55));
    }

    static String unpack(byte[] packed) {
        if (packed == null || packed.length != PACKED_BYTES) {
            return null;
        }
        var hex = HEX.formatHex(packed);
        return "00-" + hex.substring(0, 32) + "-" + hex.substring(32, 48) + "-" + hex.substring(48, 50);
    }
}
