package dev.creditledger.server.api;

import dev.creditledger.core.Limits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Checks of request fields that JSON parsing cannot express: required fields, nulls in maps, paging. */
final class Inputs {
    private Inputs() {}

    static <T> T required(T value, String field) {
        if (value == null) {
            throw ApiException.validation("'" + field + "' is required");
        }
        return value;
    }

    /**
     * The asset a body names: its {@code asset} field, or the deprecated alias {@code currency} (ADR 0019). Both
     * given must be equal, or the request is refused (ASSET_ALIAS_CONFLICT) rather than one silently winning;
     * neither given is a missing field. {@code field} is the path of {@code asset} in the body, for the refusal.
     */
    static String asset(String asset, String currencyAlias, String field) {
        if (asset != null && currencyAlias != null && !asset.equals(currencyAlias)) {
            throw ApiException.of(ApiError.ASSET_ALIAS_CONFLICT, "'" + field + "' and its deprecated alias '"
                    + field.substring(0, field.length() - "asset".length()) + "currency' differ; send '" + field + "' alone");
        }
        return required(asset != null ? asset : currencyAlias, field);
    }

    static <T> T body(T body) {
        if (body == null) {
            throw ApiException.of(ApiError.MALFORMED_JSON, "a JSON body is required");
        }
        return body;
    }

    /** Null-free copy; the limits on metadata are checked by the core's validator (METADATA_INVALID). */
    static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        for (var entry : metadata.entrySet()) {
            if (entry.getValue() == null) {
                throw ApiException.validation("metadata value of '" + entry.getKey() + "' is null; values are strings");
            }
        }
        return new LinkedHashMap<>(metadata);
    }

    static int limit(Integer limit) {
        if (limit == null) {
            return Limits.PAGE_SIZE_DEFAULT;
        }
        if (limit < 1 || limit > Limits.PAGE_SIZE_MAX) {
            throw ApiException.validation("limit must be between 1 and PAGE_SIZE_MAX " + Limits.PAGE_SIZE_MAX);
        }
        return limit;
    }

    static UUID uuidCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            return UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("cursor '" + cursor + "' is not one this API returned");
        }
    }

    static long versionCursor(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            long version = Long.parseLong(cursor);
            if (version < 0) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw ApiException.validation("cursor '" + cursor + "' is not one this API returned");
        }
    }
}
