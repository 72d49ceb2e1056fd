package dev.creditledger.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Fixed-size digests of variable-length strings, stored as {@code uuid} (16 bytes, no length header):
 * the first 128 bits of SHA-256. Idempotency keys (up to 255 characters) and request hashes are
 * stored and indexed this way; a collision needs about 2^64 keys in one ledger.
 */
final class Digests {
    private Digests() {}

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    static UUID digest128(String value) {
        var digest = SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8));
        var buffer = ByteBuffer.wrap(digest);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
