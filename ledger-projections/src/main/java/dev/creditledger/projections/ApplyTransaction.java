package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One read-model transaction: applies events exactly once to a set of read models and, at commit,
 * writes each model's progress and (for the live projector and retries) advances the ledgers'
 * watermarks.
 *
 * Exactly once: for each event the ids (model, event) are inserted into {@code applied_events} with
 * ON CONFLICT DO NOTHING, and only the models whose row was inserted are applied, in the same
 * transaction; a redelivered event inserts nothing and changes nothing.
 *
 * Two ways to apply: {@link #apply} without a savepoint, where any failure aborts the transaction (the
 * fast path: no subtransaction per event, which would cost a round trip each and, beyond 64 per
 * transaction, slow down every snapshot in the cluster), and {@link #applyIsolated} under a savepoint,
 * where a failure that belongs to the event is rolled back alone and reported as a refusal. Callers
 * try the first and redo the batch with the second when it fails.
 *
 * What can go wrong: transient failures ({@link SqlFailures#isTransient}) are thrown; closing without
 * {@link #commit} rolls everything back.
 */
final class ApplyTransaction implements AutoCloseable {

    /** What happened to one event. */
    sealed interface Outcome {
        /** Applied; {@code changed} holds the models that had not seen it (empty for a redelivery). */
        record Applied(Set<ReadModel> changed) implements Outcome {}

        /** Not applied: the event violates something in the read models; nothing of it was kept. */
        record Refused(String reason) implements Outcome {}
    }

    private record Progress(UUID ledgerId, ReadModel model) {}

    private static final String CLAIM = """
            INSERT INTO applied_events (ledger_id, read_model, event_id)
            SELECT ?, m, ? FROM unnest(?::text[]) AS m
            ON CONFLICT (ledger_id, read_model, event_id) DO NOTHING RETURNING read_model""";

    private final Connection connection;
    private final PreparedCache sql;
    private final List<ModelWriter> writers = new ArrayList<>();
    private final java.sql.Array modelNames;
    private final boolean watermarks;
    private final Map<Progress, Long> progress = new HashMap<>();
    private final Set<UUID> ledgers = new TreeSet<>();
    private boolean committed;

    private ApplyTransaction(Connection connection, Set<ReadModel> models, boolean watermarks) throws SQLException {
        this.connection = connection;
        this.sql = new PreparedCache(connection);
        this.watermarks = watermarks;
        for (var model : EnumSet.copyOf(models)) {
            writers.add(ModelWriter.of(model));
        }
        this.modelNames = connection.createArrayOf("text", models.stream().sorted().map(ReadModel::cliName).toArray());
    }

    /**
     * Opens a transaction.
     *
     * @param watermarks whether applied copies count toward the ledgers' watermarks: true for the live
     *                   projector and retries, false for a rebuild (which applies one model only)
     */
    static ApplyTransaction begin(DataSource dataSource, Set<ReadModel> models, boolean watermarks) throws SQLException {
        var connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return new ApplyTransaction(connection, models, watermarks);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    /** Applies one event; any failure is thrown and leaves the transaction unusable. */
    Set<ReadModel> apply(LedgerEvent event) throws SQLException {
        var h = event.header();
        var claim = sql.get(CLAIM);
        claim.setObject(1, h.ledgerId());
        claim.setObject(2, h.eventId());
        claim.setArray(3, modelNames);
        Set<ReadModel> fresh = EnumSet.noneOf(ReadModel.class);
        try (var rs = claim.executeQuery()) {
            while (rs.next()) {
                fresh.add(ReadModel.ofName(rs.getString(1)));
            }
        }
        for (var writer : writers) {
            if (fresh.contains(writer.model())) {
                writer.apply(sql, event);
            }
        }
        if (watermarks) {
            Watermarks.recordCopy(sql, event);
        }
        // Bookkeeping comes last, after every statement succeeded: a refused event leaves none behind.
        for (var model : fresh) {
            progress.merge(new Progress(h.ledgerId(), model), h.ledgerSeq(), Math::max);
        }
        ledgers.add(h.ledgerId());
        return fresh;
    }

    /**
     * Applies one event under a savepoint. A failure that belongs to the event is rolled back to the
     * savepoint and returned as {@link Outcome.Refused}; a transient failure is thrown.
     */
    Outcome applyIsolated(LedgerEvent event) throws SQLException {
        var savepoint = connection.setSavepoint();
        try {
            var fresh = apply(event);
            connection.releaseSavepoint(savepoint);
            return new Outcome.Applied(fresh);
        } catch (SQLException e) {
            if (SqlFailures.isTransient(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            return new Outcome.Refused("refused by the read models: " + SqlFailures.describe(e));
        } catch (RuntimeException e) {
            connection.rollback(savepoint);
            return new Outcome.Refused("refused by the read models: " + e);
        }
    }

    /**
     * Writes the models' progress, advances the watermarks and commits.
     *
     * @return true when a ledger's watermark has not started yet (its first sequence is still unknown)
     */
    boolean commit(Duration historyStartGrace) throws SQLException {
        for (var e : progress.entrySet().stream()
                .sorted((a, b) -> {
                    int byLedger = a.getKey().ledgerId().compareTo(b.getKey().ledgerId());
                    return byLedger != 0 ? byLedger : a.getKey().model().compareTo(b.getKey().model());
                }).toList()) {
            var ps = sql.get("""
                    INSERT INTO model_progress AS p (ledger_id, read_model, last_seq) VALUES (?, ?, ?)
                    ON CONFLICT (ledger_id, read_model) DO UPDATE SET last_seq = GREATEST(p.last_seq, EXCLUDED.last_seq)""");
            ps.setObject(1, e.getKey().ledgerId());
            ps.setString(2, e.getKey().model().cliName());
            ps.setLong(3, e.getValue());
            ps.executeUpdate();
        }
        boolean unstarted = watermarks && Watermarks.advance(connection, ledgers, historyStartGrace);
        connection.commit();
        committed = true;
        return unstarted;
    }

    @Override
    public void close() {
        sql.close();
        try {
            if (!committed) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // A broken connection: PostgreSQL rolls the transaction back when the session ends.
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing more to release.
        }
    }
}
