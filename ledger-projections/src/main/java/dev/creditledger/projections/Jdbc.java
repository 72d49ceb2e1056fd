package dev.creditledger.projections;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * JDBC helpers of this module for reading: timestamps as UTC, and metadata, which is stored as jsonb (the
 * writers send it as JSON text from {@code JsonText}) and read back as two sorted text arrays, so no JSON
 * library is involved in either direction.
 */
final class Jdbc {
    private Jdbc() {}

    /** Select-list fragment giving the keys and values of {@code metadata}, sorted by key. */
    static final String METADATA_COLUMNS = "ARRAY(SELECT k FROM jsonb_object_keys(metadata) k ORDER BY k) AS md_keys, "
            + "ARRAY(SELECT metadata->>k FROM jsonb_object_keys(metadata) k ORDER BY k) AS md_values";

    static Map<String, String> metadata(ResultSet rs) throws SQLException {
        var keys = (String[]) rs.getArray("md_keys").getArray();
        var values = (String[]) rs.getArray("md_values").getArray();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            metadata.put(keys[i], values[i]);
        }
        return metadata;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }
}
