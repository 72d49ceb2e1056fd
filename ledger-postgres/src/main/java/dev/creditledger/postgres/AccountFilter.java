package dev.creditledger.postgres;

import java.util.Map;

/** Filters of the account list; null or empty means "any". Metadata matches when it contains every pair. */
public record AccountFilter(String asset, String code, Map<String, String> metadata) {
    public AccountFilter {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
