package dev.creditledger.postgres;

import dev.creditledger.core.BatchOutcome;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Submission;
import dev.creditledger.core.events.EventJson;
import dev.creditledger.core.events.LedgerEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes what one ledger's part of a batch produced, with one batched statement per table (the driver
 * rewrites them into multi-row INSERTs). Journal rows are inserted, never updated; materialised state
 * (balances, transfer states, the ledger's last sequence) is upserted with its final value only. The
 * events of the batch go to the outbox in the same transaction, so an event exists exactly when its
 * change committed.
 */
final class BatchWriter {
    private BatchWriter() {}

    static void write(Connection connection, UUID ledgerId, List<Submission> submissions, BatchOutcome outcome, Instant now)
            throws SQLException {
        insertAccounts(connection, outcome);
        insertClosures(connection, ledgerId, submissions, outcome, now);
        upsertBalances(connection, outcome, now);
        insertEntries(connection, outcome);
        insertPostings(connection, outcome);
        upsertTransferStates(connection, outcome, now);
        insertIdempotencyRecords(connection, outcome);
        insertOutbox(connection, submissions, outcome, now);
        advanceLedger(connection, ledgerId, outcome, now);
    }

    private static void insertAccounts(Connection connection, BatchOutcome outcome) throws SQLException {
        if (outcome.createdAccounts().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO accounts (ledger_id, id, code, asset, normal_side, overdraft_limit, "
                + "metadata, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, " + Sql.METADATA_PARAM + ", ?, ?)")) {
            for (var a : outcome.createdAccounts()) {
                ps.setObject(1, a.ledgerId());
                ps.setObject(2, a.id());
                ps.setString(3, a.code());
                ps.setString(4, a.asset());
                ps.setString(5, a.normalSide().name());
                Sql.setNullableLong(ps, 6, a.overdraftLimitMinor());
                int next = Sql.setMetadata(ps, 7, a.metadata());
                Sql.setInstant(ps, next, a.createdAt());
                ps.setLong(next + 1, a.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertClosures(Connection connection, UUID ledgerId, List<Submission> submissions, BatchOutcome outcome,
                                       Instant now) throws SQLException {
        try (var ps = connection.prepareStatement(
                "INSERT INTO account_closures (ledger_id, account_id, seq, closed_at) VALUES (?, ?, ?, ?)")) {
            boolean any = false;
            for (int s = 0; s < submissions.size(); s++) {
                var requests = submissions.get(s).requests();
                for (int r = 0; r < requests.size(); r++) {
                    if (requests.get(r).command() instanceof Command.CloseAccount close
                            && outcome.results().get(s).get(r) instanceof CommandResult.Accepted accepted && !accepted.replayed()) {
                        ps.setObject(1, ledgerId);
                        ps.setObject(2, close.accountId());
                        ps.setLong(3, accepted.seq());
                        Sql.setInstant(ps, 4, now);
                        ps.addBatch();
                        any = true;
                    }
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    private static void upsertBalances(Connection connection, BatchOutcome outcome, Instant now) throws SQLException {
        if (outcome.changedAccounts().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO balances (ledger_id, account_id, debits_posted, credits_posted, "
                + "debits_pending, credits_pending, version, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (ledger_id, account_id) DO UPDATE SET debits_posted = EXCLUDED.debits_posted, "
                + "credits_posted = EXCLUDED.credits_posted, debits_pending = EXCLUDED.debits_pending, "
                + "credits_pending = EXCLUDED.credits_pending, version = EXCLUDED.version, status = EXCLUDED.status, "
                + "updated_at = EXCLUDED.updated_at")) {
            for (var state : outcome.changedAccounts()) {
                var b = state.balance();
                ps.setObject(1, state.account().ledgerId());
                ps.setObject(2, state.account().id());
                ps.setLong(3, b.debitsPosted());
                ps.setLong(4, b.creditsPosted());
                ps.setLong(5, b.debitsPending());
                ps.setLong(6, b.creditsPending());
                ps.setLong(7, state.version());
                ps.setString(8, state.status().name());
                Sql.setInstant(ps, 9, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertEntries(Connection connection, BatchOutcome outcome) throws SQLException {
        if (outcome.entries().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO entries (ledger_id, id, seq, kind, from_account_id, to_account_id, "
                + "amount, asset, reference_id, expires_at, metadata, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + Sql.METADATA_PARAM + ", ?)")) {
            for (var e : outcome.entries()) {
                ps.setObject(1, e.ledgerId());
                ps.setObject(2, e.id());
                ps.setLong(3, e.seq());
                ps.setString(4, e.kind().name());
                ps.setObject(5, e.fromAccountId());
                ps.setObject(6, e.toAccountId());
                ps.setLong(7, e.amountMinor());
                ps.setString(8, e.asset());
                ps.setObject(9, e.referenceId());
                Sql.setInstant(ps, 10, e.expiresAt());
                int next = Sql.setMetadata(ps, 11, e.metadata());
                Sql.setInstant(ps, next, e.createdAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertPostings(Connection connection, BatchOutcome outcome) throws SQLException {
        if (outcome.entries().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO postings (ledger_id, account_id, account_version, entry_id, line_no, "
                + "entry_seq, side, asset, posted_amount, pending_delta, debits_posted_after, credits_posted_after, "
                + "debits_pending_after, credits_pending_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (var e : outcome.entries()) {
                for (int line = 0; line < e.postings().size(); line++) {
                    var p = e.postings().get(line);
                    ps.setObject(1, e.ledgerId());
                    ps.setObject(2, p.accountId());
                    ps.setLong(3, p.accountVersion());
                    ps.setObject(4, e.id());
                    ps.setInt(5, line);
                    ps.setLong(6, e.seq());
                    ps.setString(7, p.side().name());
                    ps.setString(8, p.asset());
                    ps.setLong(9, p.postedMinor());
                    ps.setLong(10, p.pendingDeltaMinor());
                    ps.setLong(11, p.balanceAfter().debitsPosted());
                    ps.setLong(12, p.balanceAfter().creditsPosted());
                    ps.setLong(13, p.balanceAfter().debitsPending());
                    ps.setLong(14, p.balanceAfter().creditsPending());
                    Sql.setInstant(ps, 15, e.createdAt());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void upsertTransferStates(Connection connection, BatchOutcome outcome, Instant now) throws SQLException {
        if (outcome.changedTransfers().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO transfer_states (ledger_id, transfer_id, from_account_id, to_account_id, "
                + "asset, amount, is_hold, status, posted_amount, reversed_amount, expires_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ledger_id, transfer_id) DO UPDATE SET "
                + "status = EXCLUDED.status, posted_amount = EXCLUDED.posted_amount, "
                + "reversed_amount = EXCLUDED.reversed_amount, updated_at = EXCLUDED.updated_at")) {
            for (var t : outcome.changedTransfers()) {
                ps.setObject(1, t.ledgerId());
                ps.setObject(2, t.transferId());
                ps.setObject(3, t.fromAccountId());
                ps.setObject(4, t.toAccountId());
                ps.setString(5, t.asset());
                ps.setLong(6, t.amountMinor());
                ps.setBoolean(7, t.hold());
                ps.setString(8, t.status().name());
                ps.setLong(9, t.postedMinor());
                ps.setLong(10, t.reversedMinor());
                Sql.setInstant(ps, 11, t.expiresAt());
                Sql.setInstant(ps, 12, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertIdempotencyRecords(Connection connection, BatchOutcome outcome) throws SQLException {
        if (outcome.newIdempotencyRecords().isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("INSERT INTO idempotency_keys (ledger_id, key, request_hash, result_code, "
                + "subject_id, seq, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (var r : outcome.newIdempotencyRecords()) {
                ps.setObject(1, r.ledgerId());
                ps.setString(2, r.key());
                ps.setString(3, r.requestHash());
                switch (r.result()) {
                    case CommandResult.Accepted a -> {
                        ps.setString(4, Rows.ACCEPTED);
                        ps.setObject(5, a.subjectId());
                        ps.setLong(6, a.seq());
                        ps.setString(7, null);
                    }
                    case CommandResult.Rejected rejected -> {
                        ps.setString(4, rejected.reason().name());
                        ps.setObject(5, null);
                        ps.setNull(6, java.sql.Types.BIGINT);
                        ps.setString(7, rejected.detail());
                    }
                }
                Sql.setInstant(ps, 8, r.createdAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertOutbox(Connection connection, List<Submission> submissions, BatchOutcome outcome, Instant now)
            throws SQLException {
        var events = LedgerEvents.of(submissions, outcome, now);
        if (events.isEmpty()) {
            return;
        }
        var traceparents = traceparentsBySeq(submissions, outcome);
        try (var ps = connection.prepareStatement("INSERT INTO outbox (ledger_id, seq, part, event_id, event_type, account_id, "
                + "occurred_at, payload, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long previousSeq = -1;
            int part = 0;
            for (var event : events) {
                var h = event.header();
                part = h.ledgerSeq() == previousSeq ? part + 1 : 0;
                previousSeq = h.ledgerSeq();
                ps.setObject(1, h.ledgerId());
                ps.setLong(2, h.ledgerSeq());
                ps.setInt(3, part);
                ps.setObject(4, h.eventId());
                ps.setString(5, h.type().typeName());
                ps.setObject(6, h.accountId());
                Sql.setInstant(ps, 7, h.occurredAt());
                ps.setString(8, EventJson.encode(event));
                ps.setString(9, traceparents.get(h.ledgerSeq()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The trace context of the submission behind each new sequence number. */
    private static Map<Long, String> traceparentsBySeq(List<Submission> submissions, BatchOutcome outcome) {
        Map<Long, String> traceparents = new HashMap<>();
        for (int s = 0; s < submissions.size(); s++) {
            var traceparent = submissions.get(s).traceparent();
            if (traceparent == null) {
                continue;
            }
            for (var result : outcome.results().get(s)) {
                if (result instanceof CommandResult.Accepted a && !a.replayed()) {
                    traceparents.put(a.seq(), traceparent);
                }
            }
        }
        return traceparents;
    }

    private static void advanceLedger(Connection connection, UUID ledgerId, BatchOutcome outcome, Instant now) throws SQLException {
        Long lastSeq = outcome.lastSeqByLedger().get(ledgerId);
        if (lastSeq == null) {
            return;
        }
        try (var ps = connection.prepareStatement("UPDATE ledgers SET last_seq = ?, last_at = ? WHERE id = ?")) {
            ps.setLong(1, lastSeq);
            Sql.setInstant(ps, 2, now);
            ps.setObject(3, ledgerId);
            ps.executeUpdate();
        }
    }
}
