package dev.creditledger.projections;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JDBC helpers of this module: timestamps as UTC, and metadata, which is stored as jsonb but travels as
 * two sorted text arrays (as in the journal), so no JSON library is involved in either direction.
 */
final class Jdbc {
    private Jdbc() {}

    /** Placeholder building a jsonb object from the two arrays bound by {@link #setMetadata}. */
    static final String METADATA_PARAM = "jsonb_object(?::text[], ?::text[])";

    /** Select-list fragment giving the keys and values of {@code metadata}, sorted by key. */
    static final String METADATA_COLUMNS = "ARRAY(SELECT k FROM jsonb_object_keys(metadata) k ORDER BY k) AS md_keys, "
            + "ARRAY(SELECT metadata->>k FROM jsonb_object_keys(metadata) k ORDER BY k) AS md_values";

    static int setMetadata(PreparedStatement ps, int index, Map<String, String> metadata) throws SQLException {
        var sorted = new TreeMap<>(metadata);
        ps.setArray(index, ps.getConnection().createArrayOf("text", sorted.keySet().toArray()));
        ps.setArray(index + 1, ps.getConnection().createArrayOf("text", sorted.values().toArray()));
        return index + 2;
    }

    static Map<String, String> metadata(ResultSet rs) throws SQLException {
        var keys = (String[]) rs.getArray("md_keys").getArray();
        var values = (String[]) rs.getArray("md_values").getArray();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            metadata.put(keys[i], values[i]);
        }
        return metadata;
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }
}
