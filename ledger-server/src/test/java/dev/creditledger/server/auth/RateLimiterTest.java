package dev.creditledger.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The limits of {@link RateLimiter} at their edges, without a clock of its own: each test stays within one refill. */
class RateLimiterTest {

    @Test
    void aKeyMaySendItsRateInABurstAndTheNextRequestIsToldWhenToComeBack() {
        var limits = new RateLimiter(1_000, 10);
        var key = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(limits.takeRequest(key, 3)).as("request %d of 3", i + 1).isEmpty();
        }
        var wait = limits.takeRequest(key, 3);
        assertThat(wait).isPresent();
        assertThat(wait.get()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(limits.takeRequest(UUID.randomUUID(), 3)).as("another key has its own bucket").isEmpty();
    }

    @Test
    void aKeyWithoutItsOwnRateGetsTheDefault() {
        var limits = new RateLimiter(2, 10);
        var key = UUID.randomUUID();
        assertThat(limits.takeRequest(key, null)).isEmpty();
        assertThat(limits.takeRequest(key, null)).isEmpty();
        assertThat(limits.takeRequest(key, null)).isPresent();
    }

    @Test
    void anAddressMayPresentBadKeysUpToItsBudgetThenWaits() {
        var limits = new RateLimiter(1_000, 5);
        for (int i = 0; i < 5; i++) {
            assertThat(limits.mayTryUnknownKey("10.0.0.1")).as("before bad key %d", i + 1).isEmpty();
            limits.failedAuthentication("10.0.0.1");
        }
        var wait = limits.mayTryUnknownKey("10.0.0.1");
        assertThat(wait).isPresent();
        assertThat(wait.get()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(limits.mayTryUnknownKey("10.0.0.2")).as("another address").isEmpty();
    }

    @Test
    void atMostAddressesMaxAddressesAreRememberedTheLeastRecentlySeenIsForgotten() {
        var limits = new RateLimiter(1_000, 1, 2);
        limits.failedAuthentication("a");
        limits.failedAuthentication("b");
        assertThat(limits.mayTryUnknownKey("a")).isPresent();
        assertThat(limits.mayTryUnknownKey("b")).isPresent();
        limits.failedAuthentication("c"); // a third address: the least recently seen (a) is forgotten
        assertThat(limits.mayTryUnknownKey("a")).isEmpty();
        assertThat(limits.mayTryUnknownKey("b")).isPresent();
        assertThat(limits.mayTryUnknownKey("c")).isPresent();
    }
}
