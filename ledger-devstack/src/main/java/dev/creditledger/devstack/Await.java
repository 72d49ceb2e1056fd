package dev.creditledger.devstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tests' one way to wait: polls a condition every {@link #POLL_INTERVAL_MS} until it holds or a deadline
 * passes, and then fails with what was awaited. A fixed sleep is not synchronisation: it is too short on a
 * busy machine and too long on an idle one; a test waits for the condition it needs, and
 * a test that must show that something does not happen watches for it during a stated window ({@link #holdsFor}).
 */
public final class Await {

    public static final long POLL_INTERVAL_MS = 20;

    private Await() {}

    /** Waits until the condition holds; an AssertionError naming {@code what} once {@code wait} has passed. */
    public static void until(Duration wait, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + wait + ": " + what);
            }
            pause(POLL_INTERVAL_MS);
        }
    }

    /**
     * Waits until the condition holds, and returns the value it last read; an AssertionError naming {@code what}
     * and the last value once {@code wait} has passed.
     */
    public static <T> T until(Duration wait, String what, Supplier<T> value, Predicate<? super T> condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            T current = value.get();
            if (condition.test(current)) {
                return current;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + wait + ": " + what + " (last: " + current + ")");
            }
            pause(POLL_INTERVAL_MS);
        }
    }

    /**
     * Proves that something does NOT happen within a window: checks the invariant every {@link #POLL_INTERVAL_MS}
     * for the whole of {@code window}, and fails with {@code what} the first time it does not hold. Waiting out a
     * window is the point here, so the caller says why the window is long enough.
     */
    public static void holdsFor(Duration window, String what, BooleanSupplier invariant) {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!invariant.getAsBoolean()) {
                throw new AssertionError("did not hold for " + window + ": " + what);
            }
            pause(POLL_INTERVAL_MS);
        } while (System.nanoTime() - end < 0);
        if (!invariant.getAsBoolean()) {
            throw new AssertionError("did not hold for " + window + ": " + what);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
