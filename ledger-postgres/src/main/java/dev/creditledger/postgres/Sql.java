package dev.creditledger.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Small JDBC helpers shared by the engine and the queries: timestamps, arrays, and metadata, which is
 * stored as jsonb but travels as two text arrays so that no JSON library is needed in this module.
 */
final class Sql {
    private Sql() {}

    /** Select-list fragment giving the keys and values of {@code alias.metadata}, sorted by key. */
    static String metadataColumns(String alias) {
        return "ARRAY(SELECT k FROM jsonb_object_keys(" + alias + ".metadata) k ORDER BY k) AS md_keys, "
                + "ARRAY(SELECT " + alias + ".metadata->>k FROM jsonb_object_keys(" + alias + ".metadata) k ORDER BY k) AS md_values";
    }

    /** Placeholder building a jsonb object from the two arrays bound by {@link #setMetadata}. */
    static final String METADATA_PARAM = "jsonb_object(?::text[], ?::text[])";

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
        ps.setObject(index, offsetDateTime(instant));
    }

    static OffsetDateTime offsetDateTime(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    static java.sql.Array uuidArray(Connection connection, Collection<UUID> ids) throws SQLException {
        return connection.createArrayOf("uuid", ids.toArray());
    }

    static java.sql.Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
