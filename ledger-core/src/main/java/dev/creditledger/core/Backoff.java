package dev.creditledger.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The pause before the next attempt after consecutive failures: {@code first} after one failure, doubling
 * after each further one, never above {@code max} (nor above {@code max} when {@code first} already is).
 * The one rule for the engine's retries of a batch, the relay's publishing and the projector's polling.
 *
 * @param first the pause after the first failure, positive
 * @param max   the longest pause, positive
 */
public record Backoff(Duration first, Duration max) {

    /** Doublings counted at most: beyond, every pause is {@code max} anyway for any sensible pair. */
    static final int DOUBLINGS_MAX = 30;

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("a backoff's pauses must be positive: first " + first + ", max " + max);
        }
    }

    /** The pause after {@code failures} consecutive failures (1 or more). */
    public Duration after(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be 1 or more: " + failures);
        }
        Duration pause;
        try {
            pause = first.multipliedBy(1L << Math.min(failures - 1, DOUBLINGS_MAX));
        } catch (ArithmeticException beyondDuration) {
            return max;
        }
        return pause.compareTo(max) > 0 ? max : pause;
    }
}
