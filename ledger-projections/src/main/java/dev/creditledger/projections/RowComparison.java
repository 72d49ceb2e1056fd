package dev.creditledger.projections;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Compares two result sets row by row as a merge join: both queries order by the same key columns
 * (the first {@code keyColumns} of the select list), in an order this class reproduces (uuids as
 * PostgreSQL orders them, by unsigned bytes; text in the "C" collation). Rows stream through with a
 * bounded fetch size, so a ledger of any size is compared in constant memory. Columns are compared by
 * name; a difference is reported in words.
 */
final class RowComparison {

    static final int FETCH_ROWS = 1_000;

    private record Row(List<Object> key, Map<String, Object> values) {}

    private RowComparison() {}

    /**
     * @param what         the noun for one row, e.g. "statement line"
     * @param differences  receives each difference
     * @return the number of journal rows compared
     */
    static long compare(String what, PreparedStatement journal, PreparedStatement projection, int keyColumns,
                        Consumer<String> differences) throws SQLException {
        journal.setFetchSize(FETCH_ROWS);
        projection.setFetchSize(FETCH_ROWS);
        long rows = 0;
        try (var j = journal.executeQuery(); var p = projection.executeQuery()) {
            var a = next(j, keyColumns);
            var b = next(p, keyColumns);
            while (a != null || b != null) {
                int order = a == null ? 1 : b == null ? -1 : compareKeys(a.key(), b.key());
                if (order < 0) {
                    differences.accept(what + " " + describe(j, a) + " is in the journal but missing from the projection");
                    a = next(j, keyColumns);
                    rows++;
                } else if (order > 0) {
                    differences.accept(what + " " + describe(p, b) + " is in the projection but not in the journal");
                    b = next(p, keyColumns);
                } else {
                    for (var column : a.values().entrySet()) {
                        var projected = b.values().get(column.getKey());
                        if (!Objects.equals(column.getValue(), projected)) {
                            differences.accept(what + " " + describe(j, a) + ": " + column.getKey() + " is " + projected
                                    + " in the projection but " + column.getValue() + " in the journal");
                        }
                    }
                    a = next(j, keyColumns);
                    b = next(p, keyColumns);
                    rows++;
                }
            }
        }
        return rows;
    }

    private static Row next(ResultSet rs, int keyColumns) throws SQLException {
        if (!rs.next()) {
            return null;
        }
        var md = rs.getMetaData();
        List<Object> key = new ArrayList<>(keyColumns);
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            var value = value(rs, i, md.getColumnTypeName(i));
            if (i <= keyColumns) {
                key.add(value);
            } else {
                values.put(md.getColumnLabel(i), value);
            }
        }
        return new Row(key, values);
    }

    /** One Java type per SQL type, the same on both sides. */
    private static Object value(ResultSet rs, int i, String type) throws SQLException {
        return switch (type) {
            case "timestamptz" -> {
                var t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case "date" -> rs.getObject(i, LocalDate.class);
            case "jsonb", "json" -> rs.getString(i);
            default -> {
                var v = rs.getObject(i);
                if (v instanceof BigDecimal d) {
                    yield d.longValueExact();
                }
                yield v instanceof Number n ? (Object) n.longValue() : v;
            }
        };
    }

    private static String describe(ResultSet rs, Row row) throws SQLException {
        var md = rs.getMetaData();
        var text = new StringBuilder("(");
        for (int i = 0; i < row.key().size(); i++) {
            text.append(i == 0 ? "" : ", ").append(md.getColumnLabel(i + 1)).append(' ').append(row.key().get(i));
        }
        return text.append(')').toString();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            var x = a.get(i);
            var y = b.get(i);
            int order;
            if (x instanceof UUID u && y instanceof UUID v) {
                order = Long.compareUnsigned(u.getMostSignificantBits(), v.getMostSignificantBits());
                if (order == 0) {
                    order = Long.compareUnsigned(u.getLeastSignificantBits(), v.getLeastSignificantBits());
                }
            } else {
                order = ((Comparable) x).compareTo(y);
            }
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }
}
