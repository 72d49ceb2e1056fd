package dev.creditledger.postgres;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as stored: never the secret itself, only its first characters to recognise it by.
 *
 * @param ratePerSecond requests per second the key may send to one service instance; null for the
 *                      service's default
 */
public record ApiKey(UUID id, UUID ledgerId, String name, ApiKeyRole role, String prefix, Instant createdAt, Instant revokedAt,
                     Integer ratePerSecond) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
