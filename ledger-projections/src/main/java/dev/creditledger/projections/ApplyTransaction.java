package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.PlanChoice;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * One read-model transaction: applies events to a set of read models with set-based statements, and
 * before the commit writes each model's progress, the dead letters and (for the live projector and
 * retries) the ledgers' watermarks.
 *
 * Exactly once without event ids: every model deduplicates by the account versions the events carry
 * ({@link ModelWriter}), so applying an event again, in this transaction or a later one, changes nothing.
 *
 * Two ways to apply. {@link #apply} adds a whole poll's statements to the transaction's pipeline, which
 * {@link #finish} sends together with the progress, dead letters, the copies for the watermarks and the
 * watermarks' advance: one round trip for the poll, whatever its size; any failure aborts the
 * transaction. {@link #applyIsolated} applies one event under a savepoint, in round trips of its own
 * (savepoint, statements, release), and a failure that belongs to the event is rolled back alone and
 * reported as a refusal. Callers try the first (no subtransaction, which would cost round trips and,
 * beyond 64 per transaction, slow down every snapshot in the cluster) and redo the batch with the second
 * when it fails, to find the event at fault.
 *
 * What can go wrong: transient failures ({@link SqlFailures#isTransient}) are thrown; closing without
 * {@link #commit} rolls everything back.
 */
final class ApplyTransaction implements AutoCloseable {

    /** What happened to one event applied alone. */
    sealed interface Outcome {
        /** Applied, or found applied already: either way the models now reflect it. */
        record Applied() implements Outcome {}

        /** Not applied: the event violates something in the read models; nothing of it was kept. */
        record Refused(String reason) implements Outcome {}
    }

    /**
     * From this many events in one transaction on, its statements are planned for their real row counts
     * ({@link PlanChoice#custom}): the generic plans' guess of 10 rows per array makes the watermark statement's
     * joins quadratic in the events (150 ms for 1,474 events, about 120 ns per pair). Planning a poll's statements
     * costs about 3.3 ms (pg_stat_statements with track_planning, 8 clients), which the quadratic join exceeds from
     * about 230 events on; below that, the generic plan is cheaper.
     */
    static final int CUSTOM_PLANS_EVENTS_MIN = 256;

    private final Connection connection;
    private final List<ModelWriter> writers = new ArrayList<>();
    private final boolean watermarks;
    private final ModelProgress progress;
    private final List<LedgerEvent> applied = new ArrayList<>();
    private Pipeline pending = new Pipeline();
    private boolean committed;

    private ApplyTransaction(Connection connection, Set<ReadModel> models, boolean watermarks) {
        this.connection = connection;
        this.watermarks = watermarks;
        this.progress = new ModelProgress(models);
        for (var model : EnumSet.copyOf(models)) {
            writers.add(ModelWriter.of(model));
        }
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
            // The watermark and the asset totals lock rows and then read them in the next statement: that
            // statement must see what was committed while it waited, which READ COMMITTED guarantees.
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

    /** Adds the statements that apply the events; they run with {@link #finish}. */
    void apply(List<LedgerEvent> events) {
        apply(events, null);
    }

    /** As {@link #apply(List)}, with where each event was read from ({@link ModelWriter#write(List, List, Pipeline)}). */
    void apply(List<LedgerEvent> events, List<RecordPosition> positions) {
        if (pending.isEmpty() && events.size() >= CUSTOM_PLANS_EVENTS_MIN) {
            PlanChoice.custom(pending);
        }
        addStatements(events, positions, pending);
        applied(events);
    }

    /**
     * Applies one event under a savepoint, in its own round trip. A failure that belongs to the event is
     * rolled back to the savepoint and returned as {@link Outcome.Refused}; a transient failure is thrown.
     */
    Outcome applyIsolated(LedgerEvent event) throws SQLException {
        return applyIsolated(event, null);
    }

    /** As {@link #applyIsolated(LedgerEvent)}, with where the event was read from (null when unknown). */
    Outcome applyIsolated(LedgerEvent event, RecordPosition position) throws SQLException {
        var statements = new Pipeline();
        var savepoint = connection.setSavepoint();
        try {
            addStatements(List.of(event), Collections.singletonList(position), statements);
            statements.run(connection);
            connection.releaseSavepoint(savepoint);
            applied(List.of(event));
            return new Outcome.Applied();
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
     * Runs what {@link #apply} added, then writes the dead letters and the models' progress, records what
     * the applied copies completed or left incomplete and advances the watermarks: all in one round trip.
     *
     * @return true when a ledger's watermark has not started yet (its first sequence is still unknown)
     */
    boolean finish(List<DeadLetterStore.Letter> letters, Duration historyStartGrace) throws SQLException {
        var statements = pending;
        pending = new Pipeline();
        // Dead letters before the progress row, as a retry of one (DeadLetters) takes them: the same order
        // of locks in both, so a retry racing a redelivery of the same record waits instead of deadlocking.
        DeadLetterStore.write(letters, statements);
        progress.write(statements);
        var advance = watermarks ? Watermarks.advance(List.of(), applied, historyStartGrace, statements) : null;
        statements.run(connection);
        return advance != null && advance.unstarted();
    }

    void commit() throws SQLException {
        connection.commit();
        committed = true;
    }

    private void addStatements(List<LedgerEvent> events, List<RecordPosition> positions, Pipeline statements) {
        for (var writer : writers) {
            writer.write(events, positions, statements);
        }
    }

    /**
     * Bookkeeping for {@link #finish}, once the events' statements are known to apply (or to be rolled
     * back as a whole): their progress and, for the watermarks, their copies, recorded at the end under
     * the watermark rows' locks.
     */
    private void applied(List<LedgerEvent> events) {
        for (var event : events) {
            progress.applied(event.header().ledgerId(), event.header().ledgerSeq());
        }
        if (watermarks) {
            applied.addAll(events);
        }
    }

    @Override
    public void close() {
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
