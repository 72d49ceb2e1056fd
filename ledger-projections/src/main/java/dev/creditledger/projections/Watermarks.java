package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-your-writes watermark of each ledger: the highest sequence S such that every event of the
 * ledger with a sequence up to S has been applied to every read model.
 *
 * How: the copies of one sequence are spread over partitions (one per account an entry touches), and
 * every copy says how many there are ({@link EventCopies}). Each applied copy is recorded once in
 * {@code seq_copies} (keyed by sequence and account, so redelivery adds nothing); at the end of each
 * transaction the ledger's {@code ledger_watermarks} row is locked (ledgers in ascending order, so
 * concurrent projector instances neither deadlock nor miss each other's copies: whoever locks last
 * counts everything committed before it) and the watermark moves over every following sequence whose
 * copies are all there. Rows at or below the watermark are deleted; a copy at or below it is a
 * redelivery and is not recorded.
 *
 * Where a ledger starts: its first sequence is 1 for every ledger created after the outbox existed;
 * such a ledger's watermark starts at 0 and the rule above is exact. A ledger whose history predates
 * the outbox publishes only from some S above 1, and nothing in the events says what S is. The rule
 * chosen: while sequence 1 has not been seen, the ledger's start is unknown and its watermark stays
 * unset (projectedSeq answers 0); once the ledger's first copy is {@link #HISTORY_START_GRACE} old, the
 * lowest sequence seen by then is taken as its first, and the watermark starts just below it. What can
 * go wrong: if a partition holding a lower sequence of such a ledger lags more than the grace period,
 * that sequence is applied when it arrives but the watermark will already have claimed it; the
 * checker still compares the read models in full.
 */
final class Watermarks {

    private static final Logger log = LoggerFactory.getLogger(Watermarks.class);

    /** How long a ledger that has not shown sequence 1 waits before its lowest sequence seen is taken as its first. */
    static final Duration HISTORY_START_GRACE = Duration.ofSeconds(30);

    /** Sequences examined per query while advancing; a longer run of complete sequences takes several queries. */
    static final int ADVANCE_WINDOW_SEQS_MAX = 10_000;

    private static final String RECORD_COPY = """
            INSERT INTO seq_copies (ledger_id, seq, account_id, copies_expected)
            SELECT ?, ?, ?, ? WHERE NOT EXISTS (
                SELECT 1 FROM ledger_watermarks w WHERE w.ledger_id = ? AND w.projected_seq >= ?)
            ON CONFLICT (ledger_id, seq, account_id) DO NOTHING""";

    private Watermarks() {}

    /** Records one applied copy of the event's sequence, unless the watermark is already past it. */
    static void recordCopy(PreparedCache sql, LedgerEvent event) throws SQLException {
        var h = event.header();
        var ps = sql.get(RECORD_COPY);
        ps.setObject(1, h.ledgerId());
        ps.setLong(2, h.ledgerSeq());
        ps.setObject(3, h.accountId());
        ps.setInt(4, EventCopies.expected(event));
        ps.setObject(5, h.ledgerId());
        ps.setLong(6, h.ledgerSeq());
        ps.executeUpdate();
    }

    /**
     * Advances the watermarks of the given ledgers inside the caller's transaction.
     *
     * @return true when one of them has not started yet (its first sequence is still unknown)
     */
    static boolean advance(Connection connection, Collection<UUID> ledgers, Duration historyStartGrace) throws SQLException {
        boolean unstarted = false;
        for (var ledgerId : ledgers.stream().sorted().toList()) {
            unstarted |= !advance(connection, ledgerId, historyStartGrace);
        }
        return unstarted;
    }

    /** Ledgers whose watermark has not started, in ascending order. */
    static List<UUID> unstarted(Connection connection) throws SQLException {
        List<UUID> ledgers = new ArrayList<>();
        try (var ps = connection.prepareStatement(
                "SELECT ledger_id FROM ledger_watermarks WHERE projected_seq IS NULL ORDER BY ledger_id");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                ledgers.add(Jdbc.uuid(rs, "ledger_id"));
            }
        }
        return ledgers;
    }

    /** @return false when the ledger's first sequence is still unknown */
    private static boolean advance(Connection connection, UUID ledgerId, Duration historyStartGrace) throws SQLException {
        try (var ps = connection.prepareStatement("""
                INSERT INTO ledger_watermarks (ledger_id, projected_seq, first_seen_at) VALUES (?, NULL, now())
                ON CONFLICT (ledger_id) DO NOTHING""")) {
            ps.setObject(1, ledgerId);
            ps.executeUpdate();
        }
        Long projected;
        boolean graceOver;
        try (var ps = connection.prepareStatement("""
                SELECT projected_seq, first_seen_at <= now() - make_interval(secs => ?) AS grace_over
                FROM ledger_watermarks WHERE ledger_id = ? FOR UPDATE""")) {
            ps.setDouble(1, historyStartGrace.toMillis() / 1000.0);
            ps.setObject(2, ledgerId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong("projected_seq");
                projected = rs.wasNull() ? null : value;
                graceOver = rs.getBoolean("grace_over");
            }
        }
        long start;
        if (projected != null) {
            start = projected;
        } else {
            long lowest = lowestSeen(connection, ledgerId);
            if (lowest == 1) {
                start = 0;
            } else if (lowest > 1 && graceOver) {
                start = lowest - 1;
                log.info("ledger {} showed no sequence 1 within {} s: its events are taken to start at sequence {}",
                        ledgerId, historyStartGrace.toSeconds(), lowest);
            } else {
                return false;
            }
        }
        long reached = walk(connection, ledgerId, start);
        if (projected == null || reached != projected) {
            try (var ps = connection.prepareStatement(
                    "UPDATE ledger_watermarks SET projected_seq = ?, advanced_at = now() WHERE ledger_id = ?")) {
                ps.setLong(1, reached);
                ps.setObject(2, ledgerId);
                ps.executeUpdate();
            }
            try (var ps = connection.prepareStatement("DELETE FROM seq_copies WHERE ledger_id = ? AND seq <= ?")) {
                ps.setObject(1, ledgerId);
                ps.setLong(2, reached);
                ps.executeUpdate();
            }
        }
        return true;
    }

    private static long lowestSeen(Connection connection, UUID ledgerId) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT min(seq) AS lowest FROM seq_copies WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                long lowest = rs.getLong("lowest");
                return rs.wasNull() ? 0 : lowest;
            }
        }
    }

    /** Moves from {@code from} over every following complete sequence; returns the last one reached. */
    private static long walk(Connection connection, UUID ledgerId, long from) throws SQLException {
        // The common case is that the next sequence is incomplete (a copy is still in another partition):
        // one cheap look-up settles it before any window is read.
        if (!complete(connection, ledgerId, from + 1)) {
            return from;
        }
        long reached = from;
        while (true) {
            int rows = 0;
            boolean gap = false;
            try (var ps = connection.prepareStatement("""
                    SELECT seq, count(*) AS copies, max(copies_expected) AS expected FROM seq_copies
                    WHERE ledger_id = ? AND seq > ? GROUP BY seq ORDER BY seq LIMIT ?""")) {
                ps.setObject(1, ledgerId);
                ps.setLong(2, reached);
                ps.setInt(3, ADVANCE_WINDOW_SEQS_MAX);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        if (gap) {
                            continue;
                        }
                        long seq = rs.getLong("seq");
                        if (seq == reached + 1 && rs.getLong("copies") >= rs.getLong("expected")) {
                            reached = seq;
                        } else {
                            gap = true;
                        }
                    }
                }
            }
            if (gap || rows < ADVANCE_WINDOW_SEQS_MAX) {
                return reached;
            }
        }
    }

    private static boolean complete(Connection connection, UUID ledgerId, long seq) throws SQLException {
        try (var ps = connection.prepareStatement("""
                SELECT count(*) AS copies, max(copies_expected) AS expected FROM seq_copies WHERE ledger_id = ? AND seq = ?""")) {
            ps.setObject(1, ledgerId);
            ps.setLong(2, seq);
            try (var rs = ps.executeQuery()) {
                rs.next();
                long expected = rs.getLong("expected");
                return !rs.wasNull() && rs.getLong("copies") >= expected;
            }
        }
    }
}
