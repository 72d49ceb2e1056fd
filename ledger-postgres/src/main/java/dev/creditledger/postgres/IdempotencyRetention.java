package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Forgets idempotency records older than the retention period: a request retried with its key within
 * the period replays its first answer; one retried later is a new request (it is applied again if it
 * is valid then). The journal keeps each entry's idempotency key regardless, for "what happened to my
 * credit?". Deletes in chunks of {@code chunkRows}, so it never holds many row locks or a long
 * transaction; several instances may run it at once (a row deleted by one is skipped by the other).
 */
public final class IdempotencyRetention {

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration retention;
    private final int chunkRows;

    public IdempotencyRetention(DataSource dataSource, Clock clock, Duration retention, int chunkRows) {
        if (retention.isNegative() || retention.isZero() || chunkRows < 1) {
            throw new IllegalArgumentException("retention must be positive and chunkRows at least 1: " + retention + ", " + chunkRows);
        }
        this.dataSource = dataSource;
        this.clock = clock;
        this.retention = retention;
        this.chunkRows = chunkRows;
    }

    /** Deletes every record older than the retention, one chunk per transaction; returns how many. */
    public long purge() {
        var cutoff = clock.instant().minus(retention);
        long deleted = 0;
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("""
                     DELETE FROM idempotency WHERE ctid = ANY(ARRAY(
                         SELECT ctid FROM idempotency WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED))""")) {
            for (int rows; ; ) {
                Sql.setInstant(ps, 1, cutoff);
                ps.setInt(2, chunkRows);
                rows = ps.executeUpdate();
                deleted += rows;
                if (rows < chunkRows) {
                    return deleted;
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not purge idempotency records: " + e.getMessage(), e);
        }
    }
}
