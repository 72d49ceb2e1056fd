package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Balance;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.GrantChange;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the journal back into domain records: entries with their postings by id, and every change of
 * a ledger (accounts opened, accounts closed, entries) by sequence for the relay. The one place that knows
 * how a row becomes a record: an entry's source, destination and asset are not stored, they are those
 * of its first two postings (every transfer-shaped entry debits its source on line 0 and credits its
 * destination on line 1), and a posting finds its entry through the bucketed index on its sequence.
 */
final class JournalReader {
    private JournalReader() {}

    /** An entry as journaled, with what the request that created it carried. */
    record JournalEntry(Entry entry, String idempotencyKey, String traceparent) {}

    /** An account as opened, with the trace context of the request that opened it. */
    record OpenedAccount(Account account, String traceparent) {}

    /** An account closure. */
    record ClosedAccount(UUID accountId, long seq, Instant closedAt, String traceparent) {}

    private static final String ENTRY_COLUMNS = "e.ledger_id, e.seq, e.id, e.kind, e.amount, e.reference_id, e.expires_at, "
            + "e.created_at, e.idempotency_key, e.traceparent, " + Sql.metadataColumns("e");

    private static final String POSTING_COLUMNS = "p.entry_seq, p.line_no, p.account_id, p.asset, p.side, p.posted_amount, "
            + "p.pending_delta, p.debits_posted_after, p.credits_posted_after, p.debits_pending_after, "
            + "p.credits_pending_after, p.account_version";

    private static final String GRANT_CHANGE_COLUMNS = "g.entry_seq, g.change_no, g.grant_id, g.account_id, g.kind, g.amount";

    private static final String ALERT_COLUMNS = "x.entry_seq, x.alert_no, x.account_id, x.threshold, x.direction, "
            + "x.available_before, x.available_after";

    /** Joins a posting to its entry {@code e} through the bucketed index on the sequence. */
    static final String POSTINGS_OF_ENTRY = "p.ledger_id = e.ledger_id AND p.entry_seq / 32 = e.seq / 32 AND p.entry_seq = e.seq";

    /** Whole entries of one ledger by id (unknown ids are left out), in no particular order. */
    static Map<UUID, JournalEntry> entriesById(Connection connection, UUID ledgerId, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, List<Posting>> postings = new HashMap<>();
        Map<Long, List<GrantChange>> grantChanges = new HashMap<>();
        Map<Long, List<BalanceAlert>> alerts = new HashMap<>();
        List<EntryRow> rows = new ArrayList<>();
        var idArray = Sql.uuidArray(connection, ids);
        new Pipeline()
                .add("SELECT " + ENTRY_COLUMNS + " FROM entries e WHERE e.ledger_id = ? AND e.id = ANY(?)", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, idArray);
                    return i + 2;
                }, rs -> readEntries(rs, rows))
                .add("SELECT " + POSTING_COLUMNS + " FROM entries e JOIN postings p ON " + POSTINGS_OF_ENTRY
                        + " WHERE e.ledger_id = ? AND e.id = ANY(?) ORDER BY p.entry_seq, p.line_no", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, idArray);
                    return i + 2;
                }, rs -> readPostings(rs, postings))
                .add("SELECT " + GRANT_CHANGE_COLUMNS + " FROM entries e JOIN grant_changes g ON g.ledger_id = e.ledger_id "
                        + "AND g.entry_seq = e.seq WHERE e.ledger_id = ? AND e.id = ANY(?) ORDER BY g.entry_seq, g.change_no", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, idArray);
                    return i + 2;
                }, rs -> readGrantChanges(rs, grantChanges))
                .add("SELECT " + ALERT_COLUMNS + " FROM entries e JOIN balance_alerts x ON x.ledger_id = e.ledger_id "
                        + "AND x.entry_seq = e.seq WHERE e.ledger_id = ? AND e.id = ANY(?) ORDER BY x.entry_seq, x.alert_no", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, idArray);
                    return i + 2;
                }, rs -> readAlerts(rs, alerts))
                .run(connection);
        Map<UUID, JournalEntry> entries = new HashMap<>();
        for (var row : rows) {
            var entry = row.toEntry(postings.getOrDefault(row.seq, List.of()), grantChanges.getOrDefault(row.seq, List.of()),
                    alerts.getOrDefault(row.seq, List.of()));
            entries.put(entry.entry().id(), entry);
        }
        return entries;
    }

    /**
     * Adds to a pipeline the three statements that read the entries of one ledger with the given ids and the
     * REVERSAL entries that reference them (through {@code entries_by_reference}), with their postings and grant
     * changes (their alerts are left out); the pipeline's run fills {@code into} in sequence order. What a batch's
     * reversals need (ADR 0018): the originals, and what earlier reversals already took back of them.
     */
    static void addEntriesAndReversals(Pipeline pipeline, UUID ledgerId, java.sql.Array ids, List<Entry> into) {
        List<EntryRow> rows = new ArrayList<>();
        Map<Long, List<Posting>> postings = new HashMap<>();
        Map<Long, List<GrantChange>> grantChanges = new HashMap<>();
        var which = "e.ledger_id = ? AND (e.id = ANY(?) OR (e.reference_id = ANY(?) AND e.kind = 'REVERSAL'))";
        Pipeline.Binder bind = (ps, i) -> {
            ps.setObject(i, ledgerId);
            ps.setArray(i + 1, ids);
            ps.setArray(i + 2, ids);
            return i + 3;
        };
        pipeline.add("SELECT " + ENTRY_COLUMNS + " FROM entries e WHERE " + which + " ORDER BY e.seq", bind, rs -> readEntries(rs, rows))
                .add("SELECT " + POSTING_COLUMNS + " FROM entries e JOIN postings p ON " + POSTINGS_OF_ENTRY + " WHERE " + which
                        + " ORDER BY p.entry_seq, p.line_no", bind, rs -> readPostings(rs, postings))
                .add("SELECT " + GRANT_CHANGE_COLUMNS + " FROM entries e JOIN grant_changes g ON g.ledger_id = e.ledger_id "
                        + "AND g.entry_seq = e.seq WHERE " + which + " ORDER BY g.entry_seq, g.change_no", bind, rs -> {
                    readGrantChanges(rs, grantChanges);
                    // The last of the three: every row is read, so the entries can be put together.
                    for (var row : rows) {
                        into.add(row.toEntry(postings.getOrDefault(row.seq, List.of()), grantChanges.getOrDefault(row.seq, List.of()),
                                List.of()).entry());
                    }
                });
    }

    /** Every change of a ledger in a range of sequences, each kind in sequence order. */
    record Changes(List<OpenedAccount> opened, List<ClosedAccount> closed, List<JournalEntry> entries) {}

    /**
     * The accounts opened, accounts closed and entries of one ledger with a sequence in
     * {@code (afterSeq, toSeq]}: six statements in one round trip.
     */
    static Changes changesBySeq(Connection connection, UUID ledgerId, long afterSeq, long toSeq) throws SQLException {
        List<OpenedAccount> opened = new ArrayList<>();
        List<ClosedAccount> closed = new ArrayList<>();
        Map<Long, List<Posting>> postings = new HashMap<>();
        Map<Long, List<GrantChange>> grantChanges = new HashMap<>();
        Map<Long, List<BalanceAlert>> alerts = new HashMap<>();
        List<EntryRow> rows = new ArrayList<>();
        new Pipeline()
                .add("SELECT " + Rows.ACCOUNT_COLUMNS + ", a.traceparent FROM accounts a WHERE a.ledger_id = ? AND a.seq > ? AND a.seq <= ? "
                        + "ORDER BY a.seq", (ps, i) -> bindRange(ps, i, ledgerId, afterSeq, toSeq), rs -> {
                    while (rs.next()) {
                        opened.add(new OpenedAccount(account(rs), Traceparents.unpack(rs.getBytes("traceparent"))));
                    }
                })
                .add("SELECT account_id, seq, closed_at, traceparent FROM account_closures WHERE ledger_id = ? AND seq > ? AND seq <= ? "
                        + "ORDER BY seq", (ps, i) -> bindRange(ps, i, ledgerId, afterSeq, toSeq), rs -> {
                    while (rs.next()) {
                        closed.add(new ClosedAccount(Sql.uuid(rs, "account_id"), rs.getLong("seq"), Sql.instant(rs, "closed_at"),
                                Traceparents.unpack(rs.getBytes("traceparent"))));
                    }
                })
                .add("SELECT " + ENTRY_COLUMNS + " FROM entries e WHERE e.ledger_id = ? AND e.seq > ? AND e.seq <= ? ORDER BY e.seq",
                        (ps, i) -> bindRange(ps, i, ledgerId, afterSeq, toSeq), rs -> readEntries(rs, rows))
                .add("SELECT " + POSTING_COLUMNS + " FROM postings p WHERE p.ledger_id = ? AND p.entry_seq > ? AND p.entry_seq <= ? "
                        + "AND p.entry_seq / 32 BETWEEN ? AND ? ORDER BY p.entry_seq, p.line_no", (ps, i) -> {
                    i = bindRange(ps, i, ledgerId, afterSeq, toSeq);
                    ps.setLong(i, (afterSeq + 1) / 32);
                    ps.setLong(i + 1, toSeq / 32);
                    return i + 2;
                }, rs -> readPostings(rs, postings))
                .add("SELECT " + GRANT_CHANGE_COLUMNS + " FROM grant_changes g WHERE g.ledger_id = ? AND g.entry_seq > ? "
                        + "AND g.entry_seq <= ? ORDER BY g.entry_seq, g.change_no",
                        (ps, i) -> bindRange(ps, i, ledgerId, afterSeq, toSeq), rs -> readGrantChanges(rs, grantChanges))
                .add("SELECT " + ALERT_COLUMNS + " FROM balance_alerts x WHERE x.ledger_id = ? AND x.entry_seq > ? "
                        + "AND x.entry_seq <= ? ORDER BY x.entry_seq, x.alert_no",
                        (ps, i) -> bindRange(ps, i, ledgerId, afterSeq, toSeq), rs -> readAlerts(rs, alerts))
                .run(connection);
        List<JournalEntry> entries = new ArrayList<>(rows.size());
        for (var row : rows) {
            entries.add(row.toEntry(postings.getOrDefault(row.seq, List.of()), grantChanges.getOrDefault(row.seq, List.of()),
                    alerts.getOrDefault(row.seq, List.of())));
        }
        return new Changes(opened, closed, entries);
    }

    /** An account definition from a row with the columns of {@link Rows#ACCOUNT_COLUMNS}. */
    static Account account(ResultSet rs) throws SQLException {
        return new Account(Sql.uuid(rs, "id"), Sql.uuid(rs, "ledger_id"), rs.getString("code"), rs.getString("asset"),
                Side.valueOf(rs.getString("normal_side")), Sql.nullableLong(rs, "overdraft_limit"), Sql.metadata(rs),
                Sql.instant(rs, "created_at"), rs.getLong("seq"));
    }

    private static int bindRange(java.sql.PreparedStatement ps, int i, UUID ledgerId, long afterSeq, long toSeq) throws SQLException {
        ps.setObject(i, ledgerId);
        ps.setLong(i + 1, afterSeq);
        ps.setLong(i + 2, toSeq);
        return i + 3;
    }

    /** The stored columns of an entry, before its postings are attached. */
    private record EntryRow(UUID ledgerId, long seq, UUID id, EntryKind kind, long amount, UUID referenceId, Instant expiresAt,
                            Instant createdAt, Map<String, String> metadata, String idempotencyKey, String traceparent) {

        JournalEntry toEntry(List<Posting> postings, List<GrantChange> grantChanges, List<BalanceAlert> alerts) {
            boolean transferShaped = kind != EntryKind.ENTRY && postings.size() >= 2;
            var entry = new Entry(id, ledgerId, seq, kind, transferShaped ? postings.get(0).accountId() : null,
                    transferShaped ? postings.get(1).accountId() : null, amount, transferShaped ? postings.get(0).asset() : null,
                    referenceId, expiresAt, metadata, createdAt, postings, grantChanges, alerts);
            return new JournalEntry(entry, idempotencyKey, traceparent);
        }
    }

    private static void readEntries(ResultSet rs, List<EntryRow> rows) throws SQLException {
        while (rs.next()) {
            rows.add(new EntryRow(Sql.uuid(rs, "ledger_id"), rs.getLong("seq"), Sql.uuid(rs, "id"), EntryKind.valueOf(rs.getString("kind")),
                    rs.getLong("amount"), Sql.uuid(rs, "reference_id"), Sql.instant(rs, "expires_at"), Sql.instant(rs, "created_at"),
                    Sql.metadata(rs), rs.getString("idempotency_key"), Traceparents.unpack(rs.getBytes("traceparent"))));
        }
    }

    private static void readPostings(ResultSet rs, Map<Long, List<Posting>> postings) throws SQLException {
        while (rs.next()) {
            postings.computeIfAbsent(rs.getLong("entry_seq"), s -> new ArrayList<>()).add(new Posting(
                    Sql.uuid(rs, "account_id"), rs.getString("asset"), Side.valueOf(rs.getString("side")),
                    rs.getLong("posted_amount"), rs.getLong("pending_delta"),
                    new Balance(rs.getLong("debits_posted_after"), rs.getLong("credits_posted_after"),
                            rs.getLong("debits_pending_after"), rs.getLong("credits_pending_after")),
                    rs.getLong("account_version")));
        }
    }

    private static void readGrantChanges(ResultSet rs, Map<Long, List<GrantChange>> changes) throws SQLException {
        while (rs.next()) {
            changes.computeIfAbsent(rs.getLong("entry_seq"), s -> new ArrayList<>()).add(new GrantChange(
                    Sql.uuid(rs, "grant_id"), Sql.uuid(rs, "account_id"), GrantChangeKind.valueOf(rs.getString("kind")),
                    rs.getLong("amount")));
        }
    }

    private static void readAlerts(ResultSet rs, Map<Long, List<BalanceAlert>> alerts) throws SQLException {
        while (rs.next()) {
            alerts.computeIfAbsent(rs.getLong("entry_seq"), s -> new ArrayList<>()).add(alert(rs));
        }
    }

    /** A crossing from a row with the columns of {@code balance_alerts}. */
    static BalanceAlert alert(ResultSet rs) throws SQLException {
        return new BalanceAlert(Sql.uuid(rs, "account_id"), rs.getLong("threshold"),
                AlertDirection.valueOf(rs.getString("direction")), rs.getBigDecimal("available_before").toBigIntegerExact(),
                rs.getBigDecimal("available_after").toBigIntegerExact());
    }

    /** Keeps the order of the given ids; ids without an entry are left out. */
    static List<JournalEntry> inOrder(Collection<UUID> ids, Map<UUID, JournalEntry> entries) {
        Map<UUID, JournalEntry> ordered = new LinkedHashMap<>();
        for (var id : ids) {
            var entry = entries.get(id);
            if (entry != null) {
                ordered.put(id, entry);
            }
        }
        return List.copyOf(ordered.values());
    }
}
