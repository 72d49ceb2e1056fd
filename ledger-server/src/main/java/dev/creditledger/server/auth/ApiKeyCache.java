package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKey;
import dev.creditledger.postgres.LedgerAdmin;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the API keys that authenticated recently, so that a request costs no database read: a key
 * found live in the database is trusted for {@code ttl} after it was read. Keys are looked up by the
 * SHA-256 of the presented secret, as they are stored.
 *
 * Revocation takes effect at once on the instance that revokes the key ({@link #evict}) and within
 * {@code ttl} on every other instance, which re-reads the key from the database when its entry expires.
 * Unknown and revoked keys are never remembered, so they always cost a database read (and can be
 * throttled, as any failed authentication).
 *
 * What can go wrong: a key revoked through another instance or directly in the database keeps working
 * here for up to {@code ttl}. At most {@code keysMax} keys are remembered; past that, the table is
 * emptied and refilled from the database.
 */
public final class ApiKeyCache {

    /** How long a key read from the database is trusted: the bound on revocation through another instance. */
    public static final Duration TTL_DEFAULT = Duration.ofSeconds(1);
    /** Keys remembered at most. */
    public static final int KEYS_MAX_DEFAULT = 10_000;

    private record Entry(ApiKey key, long readAtNanos) {}

    private final LedgerAdmin admin;
    private final long ttlNanos;
    private final int keysMax;
    private final Map<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    public ApiKeyCache(LedgerAdmin admin, Duration ttl, int keysMax) {
        if (ttl.isNegative() || keysMax < 1) {
            throw new IllegalArgumentException("ttl must not be negative and keysMax must be positive: " + ttl + ", " + keysMax);
        }
        this.admin = admin;
        this.ttlNanos = ttl.toNanos();
        this.keysMax = keysMax;
    }

    /**
     * Whether the secret matched a live key when this cache last read it from the database, within
     * {@code window}: a key this instance knows, even if it must be read again before it is trusted.
     * Never reads the database.
     */
    public boolean knownWithin(String secret, Duration window) {
        var entry = entries.get(ByteBuffer.wrap(LedgerAdmin.sha256(secret)));
        return entry != null && System.nanoTime() - entry.readAtNanos() < window.toNanos();
    }

    /** The live key matching a presented secret. */
    public Optional<ApiKey> authenticate(String secret) {
        var hash = ByteBuffer.wrap(LedgerAdmin.sha256(secret));
        long now = System.nanoTime();
        var entry = entries.get(hash);
        if (entry != null && now - entry.readAtNanos() < ttlNanos) {
            return Optional.of(entry.key());
        }
        var key = admin.authenticate(secret);
        if (key.isEmpty()) {
            entries.remove(hash);
            return key;
        }
        if (entries.size() >= keysMax) {
            entries.clear();
        }
        entries.put(hash, new Entry(key.get(), now));
        return key;
    }

    /** Forgets a key at once: called when this instance revokes it. */
    public void evict(UUID keyId) {
        entries.values().removeIf(entry -> entry.key().id().equals(keyId));
    }
}
