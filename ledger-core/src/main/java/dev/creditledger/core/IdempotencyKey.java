package dev.creditledger.core;

/**
 * A client's idempotency key and the hash of the request it came with. The same key with the same
 * hash replays the first result; the same key with another hash is rejected with
 * {@link Reason#IDEMPOTENCY_KEY_REUSED}.
 */
public record IdempotencyKey(String key, String requestHash) {
    public IdempotencyKey {
        if (key == null || key.isEmpty() || key.length() > Limits.IDEMPOTENCY_KEY_LENGTH_MAX || requestHash == null) {
            throw new IllegalArgumentException("invalid idempotency key");
        }
    }
}
