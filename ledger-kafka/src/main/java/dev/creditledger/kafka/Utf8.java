package dev.creditledger.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are well-formed UTF-8 without decoding them: the check the event decoder runs before it
 * hands a payload's bytes to Jackson, whose byte parser lets overlong forms (such as {@code C0 80} for NUL)
 * and code points above U+10FFFF through. Well-formed means the byte sequences of Unicode's table 3-7, which
 * is also what the JDK's UTF-8 decoder accepts when told to report malformed input: no overlong forms, no
 * encoded surrogates (U+D800 to U+DFFF), nothing above U+10FFFF, no stray or missing continuation bytes.
 *
 * ASCII, most of an event, is checked eight bytes at a time.
 */
final class Utf8 {
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    private Utf8() {}

    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int length = bytes.length;
        while (i < length) {
            while (i + Long.BYTES <= length && ((long) EIGHT_BYTES.get(bytes, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i == length) {
                return true;
            }
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            // The lead byte fixes how many continuation bytes follow, and the range of the first of them:
            // narrower than 80..BF where a wider range would allow an overlong form, a surrogate or more than U+10FFFF.
            int continuations;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuations = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuations = 2;
                if (lead == 0xE0) {
                    secondMin = 0xA0;
                } else if (lead == 0xED) {
                    secondMax = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuations = 3;
                if (lead == 0xF0) {
                    secondMin = 0x90;
                } else if (lead == 0xF4) {
                    secondMax = 0x8F;
                }
            } else {
                return false;
            }
            if (i + continuations >= length) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return false;
            }
            for (int k = 2; k <= continuations; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += continuations + 1;
        }
        return true;
    }
}
