package dev.creditledger.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The tests' one way to wait: it returns as soon as the condition holds, fails naming what it awaited, and watches a window. */
class AwaitTest {

    @Test
    void untilReturnsOnceTheConditionHoldsAndFailsAfterTheDeadlineNamingWhatItAwaited() {
        var polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(10), "three polls", () -> polls.incrementAndGet() >= 3);
        assertThat(polls.get()).isEqualTo(3);
        assertThat(Await.until(Duration.ofSeconds(10), "a value", polls::incrementAndGet, v -> v >= 5)).isEqualTo(5);

        long started = System.nanoTime();
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), "what never happens", () -> false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("what never happens");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(50), "a value above 100", () -> 7, v -> v > 100))
                .isInstanceOf(AssertionError.class).hasMessageContaining("a value above 100").hasMessageContaining("last: 7");
    }

    @Test
    void holdsForWatchesTheWholeWindowAndFailsTheFirstTimeTheInvariantBreaks() {
        long started = System.nanoTime();
        Await.holdsFor(Duration.ofMillis(100), "always true", () -> true);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(100));

        var checks = new AtomicInteger();
        assertThatThrownBy(() -> Await.holdsFor(Duration.ofSeconds(10), "true for three checks", () -> checks.incrementAndGet() <= 3))
                .isInstanceOf(AssertionError.class).hasMessageContaining("true for three checks");
        assertThat(checks.get()).as("stopped at the first break, long before the window ended").isEqualTo(4);
    }
}
