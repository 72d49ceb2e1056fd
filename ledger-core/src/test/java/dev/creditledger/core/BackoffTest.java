package dev.creditledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pauses double from the first and stop at the longest, whatever the number of failures. */
class BackoffTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(25), Duration.ofSeconds(1));

    @Test
    void pausesDoubleFromTheFirstUpToTheLongest() {
        assertThat(BACKOFF.after(1)).isEqualTo(Duration.ofMillis(25));
        assertThat(BACKOFF.after(2)).isEqualTo(Duration.ofMillis(50));
        assertThat(BACKOFF.after(6)).isEqualTo(Duration.ofMillis(800));
        assertThat(BACKOFF.after(7)).isEqualTo(Duration.ofSeconds(1));
        assertThat(BACKOFF.after(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aLongestPauseBelowTheFirstIsNeverExceeded() {
        var backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(10));
        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(10));
        assertThat(backoff.after(40)).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void hugePausesStopAtTheLongestInsteadOfOverflowing() {
        var backoff = new Backoff(Duration.ofSeconds(Long.MAX_VALUE / 4), Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE / 4));
        assertThat(backoff.after(10)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Test
    void nonPositivePausesAndFailureCountsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BACKOFF.after(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
