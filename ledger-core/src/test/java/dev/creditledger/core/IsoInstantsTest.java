package dev.creditledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    private static String written(Instant instant) {
        return IsoInstants.append(new StringBuilder(), instant).toString();
    }

    @Test
    void writesWhatToStringWritesAtEveryPrecisionAndEdge() {
        for (var instant : new Instant[] {
                Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(0, 999_999_999),
                Instant.parse("2026-12-07T15:33:23Z"), Instant.parse("2026-12-07T15:33:23.100Z"),
                Instant.parse("2026-12-07T15:33:23.000100Z"), Instant.parse("2026-12-07T15:33:23.000000100Z"),
                Instant.parse("2024-02-29T23:59:59.999999Z"), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.MIN, Instant.MAX}) {
            assertThat(written(instant)).as("%s", instant).isEqualTo(instant.toString());
        }
    }

    @Test
    void writesWhatToStringWritesForRandomInstants() {
        var random = new SplittableRandom(17);
        for (int i = 0; i < 100_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0000 to 9999
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            var instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(written(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void readsWhatParseReadsAndRefusesWhatItRefuses() {
        var random = new SplittableRandom(23);
        for (int i = 0; i < 100_000; i++) {
            var instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L), random.nextInt(1_000_000_000));
            var text = instant.toString();
            assertThat(IsoInstants.parse(text)).isEqualTo(instant);
            // Every fraction length of 1 to 9 digits, as parse accepts them.
            int digits = 1 + random.nextInt(9);
            var shorter = text.substring(0, 19) + "." + String.format("%09d", instant.getNano()).substring(0, digits) + "Z";
            assertThat(IsoInstants.parse(shorter)).isEqualTo(Instant.parse(shorter));
        }
        for (var text : new String[] {
                "2026-12-07T15:33:23Z", "2026-12-07T15:33:23.1Z", "2024-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
                "2026-12-07T23:59:60Z", "2026-12-07T24:00:00Z", "2026-12-07T15:33:23.Z", "+10000-01-01T00:00:00Z", "2026-12-07t15:33:23z", "2026-12-07T15:33:23+01:00"}) {
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (var text : new String[] {
                "", "2026-12-07", "2026-12-07T15:33:23", "2026-12-07T15:33:23.1234567890Z",
                "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-32T00:00:00Z",
                "2026-12-07T15:60:00Z", "2026-12-07T15:33:61Z", "2026-12-07 15:33:23Z", "2026-12-07T15:33:2aZ",
                "-001-12-07T15:33:23Z", "2026-12-07T15:33:23.-1Z"}) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> IsoInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void appendsToWhatIsAlreadyThere() {
        assertThat(IsoInstants.append(new StringBuilder("at "), Instant.EPOCH).toString()).isEqualTo("at 1970-01-01T00:00:00Z");
    }
}
