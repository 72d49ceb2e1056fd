package dev.creditledger.server.events;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.projections.DeadLetters;
import dev.creditledger.projections.ProjectionDatabase;
import dev.creditledger.projections.ProjectionQueries;
import dev.creditledger.server.LedgerProperties;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The read-model database, when this process is configured with one ({@code ledger.projections.url}).
 * It is a separate connection pool from the journal's, deliberately not a {@code DataSource} bean: the
 * journal's pool stays the only one Spring knows. The schema is migrated when the pool opens.
 */
public final class ProjectionsAccess implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final ProjectionQueries queries;
    private final DeadLetters deadLetters;

    private ProjectionsAccess(HikariDataSource dataSource, ProjectionQueries queries, DeadLetters deadLetters) {
        this.dataSource = dataSource;
        this.queries = queries;
        this.deadLetters = deadLetters;
    }

    public static ProjectionsAccess open(LedgerProperties properties) {
        var projections = properties.projections();
        if (!projections.configured()) {
            return new ProjectionsAccess(null, null, null);
        }
        var config = new HikariConfig();
        config.setPoolName("projections");
        config.setJdbcUrl(projections.url());
        config.setUsername(projections.username() == null ? "postgres" : projections.username());
        config.setPassword(projections.password() == null ? "" : projections.password());
        config.setMaximumPoolSize(10);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        var dataSource = new HikariDataSource(config);
        ProjectionDatabase.migrate(dataSource);
        var deadLetters = properties.kafka().configured() ? new DeadLetters(dataSource, properties.kafka().settings()) : null;
        return new ProjectionsAccess(dataSource, new ProjectionQueries(dataSource), deadLetters);
    }

    public Optional<DataSource> dataSource() {
        return Optional.ofNullable(dataSource);
    }

    public Optional<ProjectionQueries> queries() {
        return Optional.ofNullable(queries);
    }

    public Optional<DeadLetters> deadLetters() {
        return Optional.ofNullable(deadLetters);
    }

    @Override
    public void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
