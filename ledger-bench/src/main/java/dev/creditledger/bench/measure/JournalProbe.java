package dev.creditledger.bench.measure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Looks at the journal database directly, through the JDBC URL the service writes to: how many
 * journal entries the bench ledger has ({@code SELECT count(*) FROM entries WHERE ledger_id = ?}), the
 * size of every table with its indexes and TOAST ({@code pg_total_relation_size}), PostgreSQL's
 * settings, and the postmaster's pid (the parent of this connection's backend).
 *
 * Only this database is measured: the read models live in {@code ledger_projections} and are not
 * journal bytes. What can go wrong: the count reads the schema's {@code entries} table, so it must
 * follow the schema if the journal is redesigned; sizes move in 8 KiB pages, so a short run's bytes per
 * entry are coarse; the postmaster's pid is only meaningful when PostgreSQL runs on this machine.
 */
public final class JournalProbe implements AutoCloseable {

    private final Connection connection;

    public JournalProbe(String url, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(url, user, password);
        this.connection.setAutoCommit(true);
    }

    public long entries(UUID ledgerId) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT count(*) FROM entries WHERE ledger_id = ?")) {
            statement.setObject(1, ledgerId);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Bytes of every ordinary or partitioned table (with its indexes, TOAST and forks), by name. */
    public Map<String, Long> tableBytes() throws SQLException {
        var sizes = new TreeMap<String, Long>();
        try (var statement = connection.createStatement();
             var rs = statement.executeQuery("""
                     SELECT n.nspname, c.relname, pg_total_relation_size(c.oid)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg_toast%'""")) {
            while (rs.next()) {
                var name = "public".equals(rs.getString(1)) ? rs.getString(2) : rs.getString(1) + "." + rs.getString(2);
                sizes.put(name, rs.getLong(3));
            }
        }
        return sizes;
    }

    public String setting(String name) throws SQLException {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a setting name: " + name);
        }
        try (var statement = connection.createStatement(); var rs = statement.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The postmaster's pid, when PostgreSQL runs on this machine. */
    /** The entries of these ledgers in this database. */
    public long entriesOf(java.util.List<java.util.UUID> ledgers) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT count(*) FROM entries WHERE ledger_id = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("uuid", ledgers.toArray()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public OptionalLong postmasterPid() throws SQLException {
        try (var statement = connection.createStatement(); var rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long backend = rs.getLong(1);
            return ProcStat.cpu(backend).filter(c -> c.parentPid() > 1)
                    .map(c -> OptionalLong.of(c.parentPid())).orElse(OptionalLong.empty());
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
