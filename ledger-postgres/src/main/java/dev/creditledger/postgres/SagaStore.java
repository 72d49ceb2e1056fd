package dev.creditledger.postgres;

import dev.creditledger.core.saga.SagaStatus;
import dev.creditledger.core.saga.SagaStep;
import dev.creditledger.core.saga.StepState;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The sagas' state in PostgreSQL (ADR 0021): each saga on its source ledger's cluster, beside that ledger's journal.
 * Every change is one short transaction; a driver takes a saga with a lease rather than a lock held across steps,
 * so a driver waiting for another cluster holds no connection, and a driver that dies loses its lease when it
 * expires. Recorded step outcomes never go back: a step DONE or REFUSED stays so.
 */
public final class SagaStore {

    private static final String COLUMNS = "ledger_id, id, status, idempotency_key, request_digest, from_account, to_ledger, to_account, "
            + "amount, asset, " + Sql.metadataColumns() + ", hold_id, credit_id, deadline, next_attempt_at, problem_code, problem_detail, "
            + "traceparent, created_at, updated_at";

    private final Clusters clusters;

    public SagaStore(Clusters clusters) {
        this.clusters = clusters;
    }

    /**
     * Inserts a new saga, or finds the one its idempotency key already started (the caller compares the request
     * digests). The saga answered is the stored one.
     */
    public Saga insertOrFind(Saga saga) {
        var home = clusters.dataSourceFor(saga.ledgerId());
        try (var connection = home.getConnection()) {
            connection.setAutoCommit(false);
            // FOR SHARE waits for a move's fence and is refused after it: a saga is copied by the move, or not started here.
            try (var fence = connection.prepareStatement("SELECT move_state, moved_to FROM ledgers WHERE id = ? FOR SHARE")) {
                fence.setObject(1, saga.ledgerId());
                try (var rs = fence.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        connection.rollback();
                        clusters.directory().forget(saga.ledgerId());
                        throw new LedgerMovedException(saga.ledgerId(), rs.getString(1), rs.getString(2));
                    }
                }
            }
            insert(connection, saga);
            connection.commit();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not record the saga: " + e.getMessage(), e);
        }
        var stored = saga.idempotencyKey() == null ? find(saga.ledgerId(), saga.id()) : findByKey(saga.ledgerId(), saga.idempotencyKey());
        return stored.orElseThrow(() -> new StorageUnavailableException("the saga just written is not there", null));
    }

    private static void insert(Connection connection, Saga saga) throws SQLException {
        try (var ps = connection.prepareStatement("""
                     INSERT INTO sagas (ledger_id, id, status, idempotency_key, request_digest, from_account, to_ledger, to_account,
                         amount, asset, metadata, hold_id, credit_id, deadline, next_attempt_at, traceparent, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, """ + Sql.METADATA_PARAM + """
                     , ?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (ledger_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING""")) {
            int i = 1;
            ps.setObject(i++, saga.ledgerId());
            ps.setObject(i++, saga.id());
            ps.setString(i++, saga.status().name());
            ps.setString(i++, saga.idempotencyKey());
            ps.setObject(i++, saga.requestDigest());
            ps.setObject(i++, saga.fromAccount());
            ps.setObject(i++, saga.toLedger());
            ps.setObject(i++, saga.toAccount());
            ps.setLong(i++, saga.amount());
            ps.setString(i++, saga.asset());
            i = Sql.setMetadata(ps, i, saga.metadata());
            ps.setObject(i++, saga.holdId());
            ps.setObject(i++, saga.creditId());
            Sql.setInstant(ps, i++, saga.deadline());
            Sql.setInstant(ps, i++, saga.nextAttemptAt());
            ps.setString(i++, saga.traceparent());
            Sql.setInstant(ps, i++, saga.createdAt());
            Sql.setInstant(ps, i, saga.updatedAt());
            ps.executeUpdate();
        }
    }

    public Optional<Saga> find(UUID ledgerId, UUID sagaId) {
        return ReadOnly.run(clusters.dataSourceFor(ledgerId), connection -> one(connection, "ledger_id = ? AND id = ?", ledgerId, sagaId));
    }

    public Optional<Saga> findByKey(UUID ledgerId, String idempotencyKey) {
        return ReadOnly.run(clusters.dataSourceFor(ledgerId),
                connection -> one(connection, "ledger_id = ? AND idempotency_key = ?", ledgerId, idempotencyKey));
    }

    /** True when the hold is a saga's reserve: only the saga may capture or void it. */
    public boolean ownsHold(UUID ledgerId, UUID holdId) {
        return ReadOnly.run(clusters.dataSourceFor(ledgerId), connection -> Sql.firstNumber(connection,
                "SELECT count(*) FROM sagas WHERE ledger_id = ? AND hold_id = ?", ledgerId, holdId).orElse(0) > 0);
    }

    /** A saga of any ledger (the operator's view), looked for on every cluster that answers. */
    public Optional<Saga> findAnywhere(UUID sagaId) {
        for (var cluster : clusters.all()) {
            try {
                var found = ReadOnly.run(cluster.dataSource(), connection -> one(connection, "id = ?", sagaId));
                if (found.isPresent()) {
                    return found;
                }
            } catch (StorageUnavailableException e) {
                // A cluster that is down may hold it; the others are still looked at.
            }
        }
        return Optional.empty();
    }

    /**
     * Takes the saga for {@code until} if it is unfinished and nobody holds it (or their lease expired); false when
     * another driver has it or it is finished.
     */
    public boolean lease(UUID ledgerId, UUID sagaId, Instant now, Instant until) {
        return update(ledgerId, "UPDATE sagas SET lease_until = ? WHERE ledger_id = ? AND id = ? AND status IN ('PENDING', 'COMPENSATING') "
                + "AND (lease_until IS NULL OR lease_until < ?)", until, ledgerId, sagaId, now) == 1;
    }

    /** Gives the saga back, to be driven again from {@code nextAttemptAt} (now: at once), with the problem that stopped it. */
    public void release(UUID ledgerId, UUID sagaId, Instant now, Instant nextAttemptAt, String problemCode, String problemDetail) {
        update(ledgerId, "UPDATE sagas SET lease_until = NULL, next_attempt_at = ?, updated_at = ?, problem_code = coalesce(?, problem_code), "
                + "problem_detail = coalesce(?, problem_detail) WHERE ledger_id = ? AND id = ?", nextAttemptAt, now, problemCode, problemDetail,
                ledgerId, sagaId);
    }

    public void setStatus(UUID ledgerId, UUID sagaId, SagaStatus status, Instant now) {
        update(ledgerId, "UPDATE sagas SET status = ?, updated_at = ? WHERE ledger_id = ? AND id = ?", status.name(), now, ledgerId, sagaId);
    }

    /**
     * Records one attempt of a step: its state (a step DONE or REFUSED keeps that state), what it wrote and why it
     * was refused. An attempt whose outcome is unknown is recorded PENDING, with the problem that hid it.
     */
    public void recordAttempt(UUID ledgerId, UUID sagaId, SagaStep step, StepState state, UUID entryLedger, UUID entryId, Long seq,
                              String problemCode, String problemDetail, Instant now) {
        update(ledgerId, """
                INSERT INTO saga_steps (ledger_id, saga_id, step, state, attempts, first_at, last_at, entry_ledger, entry_id, seq,
                    problem_code, problem_detail)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (ledger_id, saga_id, step) DO UPDATE SET
                    attempts = saga_steps.attempts + 1, last_at = excluded.last_at,
                    state = CASE WHEN saga_steps.state = 'PENDING' THEN excluded.state ELSE saga_steps.state END,
                    entry_ledger = coalesce(saga_steps.entry_ledger, excluded.entry_ledger),
                    entry_id = coalesce(saga_steps.entry_id, excluded.entry_id), seq = coalesce(saga_steps.seq, excluded.seq),
                    problem_code = excluded.problem_code, problem_detail = excluded.problem_detail""",
                ledgerId, sagaId, step.name(), state.name(), now, now, entryLedger, entryId, seq, problemCode, problemDetail);
    }

    /** Unfinished sagas of one cluster due to be driven and held by nobody, oldest due first. */
    public List<UUID[]> due(Cluster cluster, Instant now, int limit) {
        return ReadOnly.run(cluster.dataSource(), connection -> {
            try (var ps = connection.prepareStatement("SELECT ledger_id, id FROM sagas WHERE status IN ('PENDING', 'COMPENSATING') "
                    + "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT ?")) {
                Sql.setInstant(ps, 1, now);
                Sql.setInstant(ps, 2, now);
                ps.setInt(3, limit);
                List<UUID[]> due = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new UUID[] {Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "id")});
                    }
                }
                return due;
            }
        });
    }

    /** Unfinished sagas of one cluster past their deadline: stuck, waiting for a cluster that does not answer. */
    public long stuck(Cluster cluster, Instant now) {
        return ReadOnly.run(cluster.dataSource(), connection -> Sql.firstNumber(connection,
                "SELECT count(*) FROM sagas WHERE status IN ('PENDING', 'COMPENSATING') AND deadline < ?", now).orElse(0));
    }

    private int update(UUID ledgerId, String sql, Object... parameters) {
        try (var connection = clusters.dataSourceFor(ledgerId).getConnection(); var ps = connection.prepareStatement(sql)) {
            bind(ps, parameters);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not update the saga: " + e.getMessage(), e);
        }
    }

    private static void bind(java.sql.PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof Instant instant) {
                Sql.setInstant(ps, i + 1, instant);
            } else {
                ps.setObject(i + 1, parameters[i]);
            }
        }
    }

    private static Optional<Saga> one(Connection connection, String where, Object... parameters) throws SQLException {
        Saga saga;
        try (var ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM sagas WHERE " + where)) {
            bind(ps, parameters);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                saga = saga(rs, Map.of());
            }
        }
        Map<SagaStep, Saga.Step> steps = new EnumMap<>(SagaStep.class);
        try (var ps = connection.prepareStatement("SELECT step, state, attempts, first_at, last_at, entry_ledger, entry_id, seq, problem_code, "
                + "problem_detail FROM saga_steps WHERE ledger_id = ? AND saga_id = ?")) {
            ps.setObject(1, saga.ledgerId());
            ps.setObject(2, saga.id());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var step = SagaStep.valueOf(rs.getString("step"));
                    steps.put(step, new Saga.Step(step, StepState.valueOf(rs.getString("state")), rs.getInt("attempts"),
                            Sql.instant(rs, "first_at"), Sql.instant(rs, "last_at"), Sql.uuid(rs, "entry_ledger"), Sql.uuid(rs, "entry_id"),
                            rs.getObject("seq") == null ? null : rs.getLong("seq"), rs.getString("problem_code"), rs.getString("problem_detail")));
                }
            }
        }
        return Optional.of(new Saga(saga.ledgerId(), saga.id(), saga.status(), saga.idempotencyKey(), saga.requestDigest(), saga.fromAccount(),
                saga.toLedger(), saga.toAccount(), saga.amount(), saga.asset(), saga.metadata(), saga.holdId(), saga.creditId(),
                saga.deadline(), saga.nextAttemptAt(), saga.problemCode(), saga.problemDetail(), saga.traceparent(), saga.createdAt(),
                saga.updatedAt(), steps));
    }

    private static Saga saga(ResultSet rs, Map<SagaStep, Saga.Step> steps) throws SQLException {
        return new Saga(Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "id"), SagaStatus.valueOf(rs.getString("status")),
                rs.getString("idempotency_key"), Sql.uuid(rs, "request_digest"), Sql.uuid(rs, "from_account"), Sql.uuid(rs, "to_ledger"),
                Sql.uuid(rs, "to_account"), rs.getLong("amount"), rs.getString("asset"), Sql.metadata(rs), Sql.uuid(rs, "hold_id"),
                Sql.uuid(rs, "credit_id"), Sql.instant(rs, "deadline"), Sql.instant(rs, "next_attempt_at"), rs.getString("problem_code"),
                rs.getString("problem_detail"), rs.getString("traceparent"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), steps);
    }
}
