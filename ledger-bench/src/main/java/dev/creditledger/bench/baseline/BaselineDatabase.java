package dev.creditledger.bench.baseline;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The baseline's database, {@code bench_baseline}, on the same PostgreSQL server as the journal (so it
 * has the same fsync and synchronous_commit settings, disks and cores). It is created through the
 * {@code postgres} database if missing; {@link #reset} recreates its two tables before each baseline run:
 * {@code baseline_accounts(id int primary key, balance bigint not null)} with N rows and
 * {@code baseline_journal(id bigserial primary key, debit_account int, credit_account int, amount bigint,
 * created_at timestamptz default now())}.
 *
 * What can go wrong: the JDBC URL must name a database in its path ({@code jdbc:postgresql://h:p/db});
 * the user needs the right to create a database.
 */
public final class BaselineDatabase {

    public static final String DATABASE = "bench_baseline";

    private final String url;
    private final String user;
    private final String password;

    private BaselineDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Creates {@code bench_baseline} on the server of {@code journalUrl} if it does not exist. */
    public static BaselineDatabase onServerOf(String journalUrl, String user, String password) throws SQLException {
        try (var connection = DriverManager.getConnection(withDatabase(journalUrl, "postgres"), user, password);
             var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (var rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        }
        return new BaselineDatabase(withDatabase(journalUrl, DATABASE), user, password);
    }

    /** The same URL with another database in its path (the query, if any, is kept). */
    public static String withDatabase(String jdbcUrl, String database) {
        int query = jdbcUrl.indexOf('?');
        var base = query >= 0 ? jdbcUrl.substring(0, query) : jdbcUrl;
        var rest = query >= 0 ? jdbcUrl.substring(query) : "";
        int slash = base.lastIndexOf('/');
        if (!base.startsWith("jdbc:postgresql://") || slash < "jdbc:postgresql://".length()) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, got " + jdbcUrl);
        }
        return base.substring(0, slash + 1) + database + rest;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Drops and recreates both tables, with accounts 1..N at balance 0. */
    public void reset(int accounts) throws SQLException {
        try (var connection = DriverManager.getConnection(url, user, password); var statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS baseline_journal");
            statement.execute("DROP TABLE IF EXISTS baseline_accounts");
            statement.execute("CREATE TABLE baseline_accounts (id int PRIMARY KEY, balance bigint NOT NULL)");
            statement.execute("""
                    CREATE TABLE baseline_journal (id bigserial PRIMARY KEY, debit_account int NOT NULL, credit_account int NOT NULL,
                        amount bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())""");
            statement.execute("INSERT INTO baseline_accounts (id, balance) SELECT g, 0 FROM generate_series(1, " + accounts + ") g");
            statement.execute("ANALYZE baseline_accounts");
        }
    }

    public long journalRows() throws SQLException {
        try (var connection = DriverManager.getConnection(url, user, password); var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT count(*) FROM baseline_journal")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The sum of all balances: every transfer moves an amount from one account to another, so it stays 0. */
    public long balanceSum() throws SQLException {
        try (var connection = DriverManager.getConnection(url, user, password); var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT coalesce(sum(balance), 0) FROM baseline_accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
