package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.postgres.Columns;
import dev.creditledger.postgres.Pipeline;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-your-writes watermark of each ledger: the highest sequence S such that every event of the
 * ledger with a sequence up to S has been applied to every read model.
 *
 * How: the copies of one sequence are spread over partitions (one per account an entry touches), and
 * every copy says how many there are ({@link EventCopies}). At the end of each transaction, whatever the
 * number of ledgers and copies, four statements in the transaction's pipeline: ensure the touched
 * ledgers' {@code ledger_watermarks} rows exist; lock them (ascending ledger order, so concurrent
 * projector instances neither deadlock nor miss each other's copies: whoever locks last counts
 * everything committed before it, because the next statement reads with a new READ COMMITTED snapshot);
 * record the transaction's applied copies in {@code seq_copies} (keyed by sequence and account, so
 * redelivery adds nothing; a copy at or below the watermark is a redelivery and is not recorded, which
 * is exact because nobody can move a locked watermark); then move each watermark over every following
 * sequence whose copies are all there, and delete the copies it passed. Moving looks at most
 * {@link #ADVANCE_WINDOW_SEQS_MAX} sequences past the watermark per statement; a longer run of complete
 * sequences (a lagging partition caught up) costs one more statement per window. When the sequence
 * right after the watermark is incomplete, which is the usual case while a copy is in another
 * partition, one index look-up settles it and no window is read.
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

    /** Sequences examined per statement while advancing; a longer run of complete sequences takes several statements. */
    static final int ADVANCE_WINDOW_SEQS_MAX = 10_000;

    private static final String RECORD_COPIES = """
            WITH recorded AS (
                INSERT INTO seq_copies (ledger_id, seq, account_id, copies_expected)
                SELECT c.ledger_id, c.seq, c.account_id, c.copies_expected
                FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::int[]) AS c(ledger_id, seq, account_id, copies_expected)
                JOIN ledger_watermarks w ON w.ledger_id = c.ledger_id
                WHERE w.projected_seq IS NULL OR c.seq > w.projected_seq
                ORDER BY c.ledger_id, c.seq, c.account_id
                ON CONFLICT (ledger_id, seq, account_id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM recorded""";

    private static final String ENSURE = """
            WITH ensured AS (
                INSERT INTO ledger_watermarks (ledger_id, projected_seq, first_seen_at)
                SELECT l.ledger_id, NULL, now() FROM unnest(?::uuid[]) AS l(ledger_id)
                ORDER BY l.ledger_id
                ON CONFLICT (ledger_id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM ensured""";

    private static final String LOCK = """
            SELECT ledger_id FROM ledger_watermarks WHERE ledger_id = ANY (?::uuid[]) ORDER BY ledger_id FOR UPDATE""";

    /**
     * For each ledger: where its watermark starts (the watermark, or when unset the history-start rule),
     * then the end of the run of complete sequences after it, within one window; the watermark moves
     * there and the copies it passed are deleted. A sequence is complete when it has as many copies as
     * each of them expects. Within the window, the complete sequences numbered by rank r are the
     * contiguous run start+1, start+2, ... exactly as long as seq - r = start. The copies are deleted by
     * an index range scan per ledger, (start, reached], found in a lateral subquery that the planner may
     * not flatten (OFFSET 0): flattened into a join, its range on join columns is estimated at a third of
     * the table and planned as a scan of all of it.
     */
    private static final String MOVE = """
            WITH locked AS (
                SELECT w.ledger_id, w.projected_seq, w.first_seen_at <= now() - make_interval(secs => ?) AS grace_over
                FROM ledger_watermarks w WHERE w.ledger_id = ANY (?::uuid[])),
            started AS (
                SELECT w.ledger_id, w.projected_seq, l.lowest,
                       CASE WHEN w.projected_seq IS NOT NULL THEN w.projected_seq
                            WHEN l.lowest = 1 THEN 0
                            WHEN l.lowest > 1 AND w.grace_over THEN l.lowest - 1 END AS start
                FROM locked w
                LEFT JOIN LATERAL (SELECT min(c.seq) AS lowest FROM seq_copies c
                                   WHERE c.ledger_id = w.ledger_id AND w.projected_seq IS NULL) l ON true),
            target AS (
                SELECT s.ledger_id, s.projected_seq, s.lowest, s.start,
                       CASE WHEN s.start IS NULL THEN NULL
                            WHEN (SELECT count(*) >= max(c.copies_expected) FROM seq_copies c
                                  WHERE c.ledger_id = s.ledger_id AND c.seq = s.start + 1) IS NOT TRUE THEN s.start
                            ELSE (SELECT coalesce(max(k.seq), s.start) FROM (
                                      SELECT x.seq, x.seq - row_number() OVER (ORDER BY x.seq) AS shift FROM (
                                          SELECT c.seq FROM seq_copies c
                                          WHERE c.ledger_id = s.ledger_id AND c.seq > s.start AND c.seq <= s.start + ?
                                          GROUP BY c.seq HAVING count(*) >= max(c.copies_expected)) x) k
                                  WHERE k.shift = s.start) END AS reached
                FROM started s),
            moved AS (
                UPDATE ledger_watermarks w SET projected_seq = t.reached, advanced_at = now()
                FROM target t
                WHERE w.ledger_id = ANY (?::uuid[]) AND w.ledger_id = t.ledger_id
                  AND t.reached IS NOT NULL AND t.reached IS DISTINCT FROM t.projected_seq
                RETURNING 1),
            cleaned AS (
                DELETE FROM seq_copies c
                WHERE c.ctid = ANY (ARRAY(
                    SELECT p.ctid FROM target t CROSS JOIN LATERAL (
                        SELECT s.ctid FROM seq_copies s
                        WHERE s.ledger_id = t.ledger_id AND s.seq > t.start AND s.seq <= t.reached
                        OFFSET 0) p
                    WHERE t.reached > t.start))
                RETURNING 1)
            SELECT t.ledger_id, t.projected_seq, t.lowest, t.start, t.reached,
                   (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM cleaned) AS cleaned
            FROM target t""";

    private Watermarks() {}

    /**
     * Adds to the pipeline the statements that record the applied events' copies and advance the
     * watermarks of their ledgers and of {@code ledgers}; once the pipeline ran, {@link Advance#finish}
     * completes what one window could not and says whether a ledger has not started.
     */
    static Advance advance(Collection<UUID> ledgers, List<LedgerEvent> applied, Duration historyStartGrace, Pipeline pipeline) {
        var touched = new TreeSet<>(ledgers);
        applied.forEach(event -> touched.add(event.header().ledgerId()));
        var advance = new Advance(historyStartGrace);
        if (!touched.isEmpty()) {
            var ids = touched.toArray(UUID[]::new);
            pipeline.add(ENSURE, (ps, index) -> Columns.at(ps, index).uuids(ids).next(), Pipeline.NOTHING_TO_READ);
            pipeline.add(LOCK, (ps, index) -> Columns.at(ps, index).uuids(ids).next(), Pipeline.NOTHING_TO_READ);
            recordCopies(applied, pipeline);
            advance.addMove(pipeline, ids);
        }
        return advance;
    }

    /** One row per copy (ledger, sequence, account), recorded unless the watermark is past it. */
    private static void recordCopies(List<LedgerEvent> events, Pipeline pipeline) {
        record Copy(UUID ledgerId, long seq, UUID accountId) {}
        var copies = new LinkedHashSet<Copy>();
        List<Integer> expected = new ArrayList<>();
        for (var event : events) {
            var h = event.header();
            if (copies.add(new Copy(h.ledgerId(), h.ledgerSeq(), h.accountId()))) {
                expected.add(EventCopies.expected(event));
            }
        }
        if (copies.isEmpty()) {
            return;
        }
        int n = copies.size();
        var ledgerId = new UUID[n];
        var seq = new long[n];
        var accountId = new UUID[n];
        var copiesExpected = new int[n];
        int i = 0;
        for (var copy : copies) {
            ledgerId[i] = copy.ledgerId();
            seq[i] = copy.seq();
            accountId[i] = copy.accountId();
            copiesExpected[i] = expected.get(i);
            i++;
        }
        pipeline.add(RECORD_COPIES, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).longs(seq).uuids(accountId)
                .ints(copiesExpected).next(), Pipeline.NOTHING_TO_READ);
    }

    /**
     * Advances the watermarks of the given ledgers inside the caller's transaction (one round trip, more
     * only when a run of complete sequences is longer than a window).
     *
     * @return true when one of them has not started yet (its first sequence is still unknown)
     */
    static boolean advance(Connection connection, Collection<UUID> ledgers, Duration historyStartGrace) throws SQLException {
        var pipeline = new Pipeline();
        var advance = advance(ledgers, List.of(), historyStartGrace, pipeline);
        pipeline.run(connection);
        return advance.finish(connection);
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

    /** The answer of the advancing statements: which ledgers have not started, which filled their window. */
    static final class Advance {
        private final Duration historyStartGrace;
        private final Set<UUID> unstarted = new TreeSet<>();
        private Set<UUID> windowFull = new TreeSet<>();

        private Advance(Duration historyStartGrace) {
            this.historyStartGrace = historyStartGrace;
        }

        private void addMove(Pipeline pipeline, UUID[] ids) {
            pipeline.add(MOVE, (ps, index) -> Columns.at(ps, index).scalar(historyStartGrace.toMillis() / 1000.0).uuids(ids)
                    .scalar((long) ADVANCE_WINDOW_SEQS_MAX).uuids(ids).next(), rs -> {
                while (rs.next()) {
                    var ledgerId = Jdbc.uuid(rs, "ledger_id");
                    long start = rs.getLong("start");
                    if (rs.wasNull()) {
                        unstarted.add(ledgerId);
                        continue;
                    }
                    rs.getLong("projected_seq");
                    boolean startedNow = rs.wasNull();
                    long lowest = rs.getLong("lowest");
                    if (startedNow && lowest > 1) {
                        log.info("ledger {} showed no sequence 1 within {} s: its events are taken to start at sequence {}",
                                ledgerId, historyStartGrace.toSeconds(), lowest);
                    }
                    if (rs.getLong("reached") - start >= ADVANCE_WINDOW_SEQS_MAX) {
                        windowFull.add(ledgerId);
                    }
                }
            });
        }

        /**
         * Moves on, one statement per window, the ledgers whose run of complete sequences filled a window.
         *
         * @return true when one of the ledgers has not started yet (its first sequence is still unknown)
         */
        boolean finish(Connection connection) throws SQLException {
            while (!windowFull.isEmpty()) {
                var ids = windowFull.toArray(UUID[]::new);
                windowFull = new TreeSet<>();
                var pipeline = new Pipeline();
                addMove(pipeline, ids);
                pipeline.run(connection);
            }
            return !unstarted.isEmpty();
        }
    }
}
