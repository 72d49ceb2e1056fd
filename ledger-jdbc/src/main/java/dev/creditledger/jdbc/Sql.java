package dev.creditledger.jdbc;

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
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Small JDBC helpers shared by the journal (engine, queries, verifier) and the read models: timestamps as
 * UTC, nullable numbers, arrays, a query's single number, and metadata, which is stored as jsonb but travels
 * as two sorted text arrays so that no JSON library is needed in either direction.
 */
public final class Sql {
    private Sql() {}

    /** Select-list fragment giving the keys and values of {@code alias.metadata}, sorted by key, read by {@link #metadata}. */
    public static String metadataColumns(String alias) {
        return metadataColumnsOf(alias + ".metadata");
    }

    /** Select-list fragment giving the keys and values of the unqualified column {@code metadata}, sorted by key. */
    public static String metadataColumns() {
        return metadataColumnsOf("metadata");
    }

    private static String metadataColumnsOf(String column) {
        return "ARRAY(SELECT k FROM jsonb_object_keys(" + column + ") k ORDER BY k) AS md_keys, "
                + "ARRAY(SELECT " + column + "->>k FROM jsonb_object_keys(" + column + ") k ORDER BY k) AS md_values";
    }

    /** Placeholder building a jsonb object from the two arrays bound by {@link #setMetadata}. */
    public static final String METADATA_PARAM = "jsonb_object(?::text[], ?::text[])";

    public static int setMetadata(PreparedStatement ps, int index, Map<String, String> metadata) throws SQLException {
        var sorted = new TreeMap<>(metadata);
        ps.setArray(index, ps.getConnection().createArrayOf("text", sorted.keySet().toArray()));
        ps.setArray(index + 1, ps.getConnection().createArrayOf("text", sorted.values().toArray()));
        return index + 2;
    }

    public static Map<String, String> metadata(ResultSet rs) throws SQLException {
        var keys = (String[]) rs.getArray("md_keys").getArray();
        var values = (String[]) rs.getArray("md_values").getArray();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            metadata.put(keys[i], values[i]);
        }
        return metadata;
    }

    public static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, offsetDateTime(instant));
    }

    public static OffsetDateTime offsetDateTime(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    public static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    public static java.sql.Array uuidArray(Connection connection, Collection<UUID> ids) throws SQLException {
        return connection.createArrayOf("uuid", ids.toArray());
    }

    public static java.sql.Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }

    /**
     * The number in the first column of the query's first row, or empty when it answers no row. Parameters
     * are bound in order; an {@link Instant} as a UTC timestamp, anything else as JDBC's {@code setObject}.
     */
    public static OptionalLong firstNumber(Connection connection, String sql, Object... parameters) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof Instant instant) {
                    setInstant(ps, i + 1, instant);
                } else {
                    ps.setObject(i + 1, parameters[i]);
                }
            }
            try (var rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
