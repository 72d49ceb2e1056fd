package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8#isWellFormed} against the JDK's strict UTF-8 decoder (the check the projector ran before, by decoding
 * every payload to a string), as the reference: every sequence of one and two bytes, every three-byte sequence with a
 * three-byte lead, and seeded random four-byte sequences, each also placed at every offset of a sixteen-byte ASCII
 * run, so that both the eight-byte ASCII path and the byte path meet it at every alignment.
 */
class Utf8Test {
    private static final int RANDOM_SEQUENCES = 200_000;
    private static final int ASCII_RUN_BYTES = 16;

    private final CharsetDecoder reference = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int wellFormed;
    private int illFormed;

    @Test
    void agreesWithTheJdkOnEveryShortSequence() {
        for (int a = 0; a < 256; a++) {
            check(a);
            for (int b = 0; b < 256; b++) {
                check(a, b);
            }
        }
        for (int a = 0xE0; a <= 0xEF; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    check(a, b, c);
                }
            }
        }
        var random = new Random(7);
        for (int i = 0; i < RANDOM_SEQUENCES; i++) {
            // Four-byte leads and the bytes around them, continuation bytes most of the time.
            check(0xEE + random.nextInt(10), continuationMostly(random), continuationMostly(random), continuationMostly(random));
        }
        // Guards: the reference accepted and refused plenty, so the agreement is not on one side only.
        assertThat(wellFormed).isGreaterThan(100_000);
        assertThat(illFormed).isGreaterThan(100_000);
    }

    @Test
    void placesEachSequenceAtEveryAlignment() {
        int[][] sequences = {{0xC3, 0xBC}, {0xE2, 0x82, 0xAC}, {0xF0, 0x9F, 0x98, 0x80}, {0xC0, 0x80}, {0xE0, 0x80, 0x80},
                {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0x80}, {0xC3}, {0xFF}};
        for (var sequence : sequences) {
            for (int offset = 0; offset <= ASCII_RUN_BYTES; offset++) {
                var bytes = new byte[ASCII_RUN_BYTES + sequence.length];
                Arrays.fill(bytes, (byte) 'a');
                for (int k = 0; k < sequence.length; k++) {
                    bytes[offset + k] = (byte) sequence[k];
                }
                assertThat(Utf8.isWellFormed(bytes)).as("%s at %d", Arrays.toString(sequence), offset).isEqualTo(reference(bytes));
            }
        }
    }

    @Test
    void refusesOverlongFormsSurrogatesAndBeyondUnicode() {
        assertThat(Utf8.isWellFormed(bytes(0xC0, 0x80))).as("overlong NUL").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xC1, 0xBF))).as("overlong U+007F").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xE0, 0x9F, 0xBF))).as("overlong U+07FF").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xF0, 0x8F, 0xBF, 0xBF))).as("overlong U+FFFF").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xED, 0xA0, 0x80))).as("surrogate U+D800").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xED, 0xBF, 0xBF))).as("surrogate U+DFFF").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xF4, 0x90, 0x80, 0x80))).as("U+110000").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xF5, 0x80, 0x80, 0x80))).as("lead F5").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xE2, 0x82))).as("truncated").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xED, 0x9F, 0xBF))).as("U+D7FF").isTrue();
        assertThat(Utf8.isWellFormed(bytes(0xF4, 0x8F, 0xBF, 0xBF))).as("U+10FFFF").isTrue();
        assertThat(Utf8.isWellFormed(new byte[0])).as("nothing").isTrue();
    }

    private void check(int... sequence) {
        var bytes = bytes(sequence);
        boolean expected = reference(bytes);
        assertThat(Utf8.isWellFormed(bytes)).as(HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(expected);
        if (expected) {
            wellFormed++;
        } else {
            illFormed++;
        }
    }

    private boolean reference(byte[] bytes) {
        try {
            reference.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int continuationMostly(Random random) {
        return random.nextInt(8) == 0 ? random.nextInt(256) : 0x80 + random.nextInt(0x40);
    }

    private static byte[] bytes(int... values) {
        var bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
