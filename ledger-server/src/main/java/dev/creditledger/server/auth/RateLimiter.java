package dev.creditledger.server.auth;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets (Bucket4j, in this instance's memory) for two limits:
 * <ul>
 *   <li>each API key may send {@code ratePerSecond} requests per second (its own rate, or the service's
 *       default), with bursts of one second's worth; beyond it the request is refused with the time until
 *       the next token;</li>
 *   <li>each remote address may present {@code badKeysPerMinute} unknown or revoked keys per minute; beyond
 *       it, keys this instance has not seen valid in the last ten minutes are refused from that address
 *       without a database read until the bucket refills, while keys it has seen keep working.</li>
 * </ul>
 * With several instances each counts on its own, so a key's rate across N instances is up to N times
 * its limit. At most {@code addressesMax} addresses are tracked ({@value #ADDRESSES_MAX} in the service;
 * the least recently seen is forgotten, and with it its count).
 */
public final class RateLimiter {

    /** Remote addresses whose failed authentications are counted at most. */
    public static final int ADDRESSES_MAX = 100_000;

    private final int defaultRatePerSecond;
    private final int badKeysPerMinute;
    private final Map<UUID, KeyBucket> keyBuckets = new ConcurrentHashMap<>();
    private final Map<String, Bucket> addressBuckets;

    private record KeyBucket(int ratePerSecond, Bucket bucket) {}

    public RateLimiter(int defaultRatePerSecond, int badKeysPerMinute) {
        this(defaultRatePerSecond, badKeysPerMinute, ADDRESSES_MAX);
    }

    RateLimiter(int defaultRatePerSecond, int badKeysPerMinute, int addressesMax) {
        if (defaultRatePerSecond < 1 || badKeysPerMinute < 1 || addressesMax < 1) {
            throw new IllegalArgumentException("rate limits must be positive: " + defaultRatePerSecond + ", " + badKeysPerMinute
                    + ", " + addressesMax);
        }
        this.defaultRatePerSecond = defaultRatePerSecond;
        this.badKeysPerMinute = badKeysPerMinute;
        this.addressBuckets = new LinkedHashMap<>(1_024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > addressesMax;
            }
        };
    }

    /**
     * Takes one request from the key's bucket.
     *
     * @param ratePerSecond the key's own rate, or null for the default
     * @return empty when the request may go on, otherwise how long until it could
     */
    public Optional<Duration> takeRequest(UUID keyId, Integer ratePerSecond) {
        int rate = ratePerSecond == null ? defaultRatePerSecond : ratePerSecond;
        // The common case reads without a lock: compute() would serialise every request of a key on its map bin.
        var entry = keyBuckets.get(keyId);
        if (entry == null || entry.ratePerSecond() != rate) {
            entry = keyBuckets.compute(keyId, (id, existing) ->
                    existing != null && existing.ratePerSecond() == rate ? existing : new KeyBucket(rate, perSecond(rate)));
        }
        return take(entry.bucket());
    }

    /** Whether the address may present a key this instance does not know; empty when it may. */
    public Optional<Duration> mayTryUnknownKey(String address) {
        Bucket bucket;
        synchronized (addressBuckets) {
            bucket = addressBuckets.get(address);
        }
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    }

    /** Counts an unknown or revoked key presented from the address. */
    public void failedAuthentication(String address) {
        Bucket bucket;
        synchronized (addressBuckets) {
            bucket = addressBuckets.computeIfAbsent(address, a -> Bucket.builder()
                    .addLimit(limit -> limit.capacity(badKeysPerMinute).refillGreedy(badKeysPerMinute, Duration.ofMinutes(1)))
                    .build());
        }
        bucket.tryConsume(1);
    }

    private static Bucket perSecond(int rate) {
        return Bucket.builder().addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1))).build();
    }

    private static Optional<Duration> take(Bucket bucket) {
        var probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
