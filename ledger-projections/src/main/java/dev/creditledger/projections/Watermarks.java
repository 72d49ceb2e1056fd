package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * every copy says how many there are ({@link EventCopies}). The transaction's applied copies are grouped
 * in memory ({@link SequenceTally}): a sequence whose copies all arrived in this transaction is complete
 * without any row. The database keeps only what is incomplete at the end of a transaction: in
 * {@code seq_copies} the copies applied so far of each incomplete sequence above the watermark, and in
 * {@code seq_ranges} the complete sequences the watermark cannot reach yet (a lower sequence is still
 * incomplete), as runs of consecutive sequences, one row per run, merged as they come to touch. So the
 * cost follows what is incomplete, not the number of events: a transaction whose sequences all complete
 * in it writes one run and deletes it again.
 *
 * At the end of each transaction, whatever the number of ledgers and copies, four statements in the
 * transaction's pipeline: ensure the touched ledgers' {@code ledger_watermarks} rows exist; lock them
 * (ascending ledger order, so concurrent projector instances neither deadlock nor miss each other's
 * copies: whoever locks last counts everything committed before it, because the next statement reads
 * with a new READ COMMITTED snapshot, and nobody changes {@code seq_copies} or {@code seq_ranges} of a
 * ledger without that lock); {@link #RECORD}, which counts the incomplete sequences' copies with the ones
 * recorded before (a sequence completed across transactions or across instances is recognised there),
 * records the copies of the sequences still incomplete, and merges the newly complete sequences into the
 * runs; then {@link #MOVE}, which moves each watermark over the run right after it. Copies at or below
 * the watermark, or of a sequence in a run, are redeliveries and are not recorded, which is exact because
 * nobody can move a locked watermark; a redelivered complete sequence merges into the run it is in.
 * What can go wrong: an instance of the earlier projector, which recorded every copy and knew no runs,
 * running beside this one would leave the sequences it completes in {@code seq_copies}, never counted
 * again, and stall the watermark there; all of them must stop before the first instance of this one
 * runs migration V3.
 *
 * Where a ledger starts: its first sequence is 1 for every ledger created after events existed (migration
 * V2); such a ledger's watermark starts at 0 and the rule above is exact. A ledger whose history predates
 * them publishes only from some S above 1, and nothing in the events says what S is. The rule
 * chosen: while sequence 1 has not been seen, the ledger's start is unknown and its watermark stays
 * unset (projectedSeq answers 0); once the ledger's first copy is {@link #HISTORY_START_GRACE} old, the
 * lowest sequence seen by then (the lowest recorded copy or run) is taken as its first, and the watermark
 * starts just below it. What can go wrong: if a partition holding a lower sequence of such a ledger lags
 * more than the grace period, that sequence is applied when it arrives but the watermark will already
 * have claimed it; the checker still compares the read models in full.
 */
final class Watermarks {

    private static final Logger log = LoggerFactory.getLogger(Watermarks.class);

    /** How long a ledger that has not shown sequence 1 waits before its lowest sequence seen is taken as its first. */
    static final Duration HISTORY_START_GRACE = Duration.ofSeconds(30);

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
     * Records what the transaction completed or left incomplete, under the watermark rows' locks, reading
     * what earlier transactions recorded. Parameters: the incomplete sequences' copies (ledger, sequence,
     * account, copies expected) and the runs complete within the transaction (ledger, first, last).
     *
     * {@code incoming}: the incomplete sequences' copies that are not redeliveries (above the watermark,
     * outside every run; the run a sequence may be in is the one starting closest below it). {@code tally}:
     * each of those sequences counted with its copies recorded before; the complete ones join the runs, the
     * copies of the others are recorded. {@code fresh}: the sequences complete now, the transaction's runs
     * (cut at the watermark) and the sequences completed across transactions; the copies recorded of them
     * are deleted. Then {@code fresh} and the stored runs that overlap or touch it (those starting within
     * one of its span per ledger, and the run before) are merged into islands of consecutive sequences:
     * an island keeps the stored row that starts where it starts, extended to its end, or is inserted when
     * none does; the island's other stored rows are deleted. Inserted, extended and deleted rows never share
     * a key, which data-modifying CTEs of one statement need. Look-ups go through lateral subqueries the
     * planner may not flatten (OFFSET 0), so that each is an index scan on the ledger and sequence rather
     * than a join planned on a guess of the arrays' sizes, and the rows found are then changed by
     * {@code ctid}: joined on their keys instead, the copies' delete was planned as a scan of the whole
     * {@code seq_copies} table, and the runs' update as one of the whole {@code seq_ranges} table.
     */
    private static final String RECORD = """
            WITH incoming AS (
                SELECT c.ledger_id, c.seq, c.account_id, c.copies_expected
                FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::int[]) AS c(ledger_id, seq, account_id, copies_expected)
                JOIN ledger_watermarks w ON w.ledger_id = c.ledger_id
                WHERE (w.projected_seq IS NULL OR c.seq > w.projected_seq)
                  AND coalesce((SELECT r.last_seq FROM seq_ranges r
                                WHERE r.ledger_id = c.ledger_id AND r.first_seq <= c.seq
                                ORDER BY r.first_seq DESC LIMIT 1), 0) < c.seq),
            tally AS (
                SELECT t.ledger_id, t.seq, count(DISTINCT t.account_id) >= max(t.copies_expected) AS complete
                FROM (SELECT i.ledger_id, i.seq, i.account_id, i.copies_expected FROM incoming i
                      UNION ALL
                      SELECT p.ledger_id, p.seq, p.account_id, p.copies_expected
                      FROM (SELECT DISTINCT i.ledger_id, i.seq FROM incoming i) s
                      CROSS JOIN LATERAL (SELECT c.ledger_id, c.seq, c.account_id, c.copies_expected FROM seq_copies c
                                          WHERE c.ledger_id = s.ledger_id AND c.seq = s.seq OFFSET 0) p) t
                GROUP BY t.ledger_id, t.seq),
            recorded AS (
                INSERT INTO seq_copies (ledger_id, seq, account_id, copies_expected)
                SELECT i.ledger_id, i.seq, i.account_id, i.copies_expected
                FROM incoming i JOIN tally t ON t.ledger_id = i.ledger_id AND t.seq = i.seq
                WHERE NOT t.complete
                ORDER BY i.ledger_id, i.seq, i.account_id
                ON CONFLICT (ledger_id, seq, account_id) DO NOTHING
                RETURNING 1),
            fresh AS (
                SELECT r.ledger_id, CASE WHEN w.projected_seq IS NULL THEN r.first_seq
                                         ELSE greatest(r.first_seq, w.projected_seq + 1) END AS first_seq, r.last_seq
                FROM unnest(?::uuid[], ?::bigint[], ?::bigint[]) AS r(ledger_id, first_seq, last_seq)
                JOIN ledger_watermarks w ON w.ledger_id = r.ledger_id
                WHERE w.projected_seq IS NULL OR r.last_seq > w.projected_seq
                UNION ALL
                SELECT t.ledger_id, t.seq, t.seq FROM tally t WHERE t.complete),
            released AS (
                DELETE FROM seq_copies c
                WHERE c.ctid = ANY (ARRAY(
                    SELECT p.ctid FROM fresh f CROSS JOIN LATERAL (
                        SELECT s.ctid FROM seq_copies s
                        WHERE s.ledger_id = f.ledger_id AND s.seq BETWEEN f.first_seq AND f.last_seq
                        OFFSET 0) p))
                RETURNING 1),
            spans AS (
                SELECT f.ledger_id, min(f.first_seq) AS lo, max(f.last_seq) AS hi FROM fresh f GROUP BY f.ledger_id),
            stored AS (
                SELECT r.row_id, r.ledger_id, r.first_seq, r.last_seq
                FROM spans x CROSS JOIN LATERAL (
                    SELECT s.ctid AS row_id, s.ledger_id, s.first_seq, s.last_seq FROM seq_ranges s
                    WHERE s.ledger_id = x.ledger_id AND s.first_seq BETWEEN x.lo - 1 AND x.hi + 1 OFFSET 0) r
                UNION ALL
                SELECT r.row_id, r.ledger_id, r.first_seq, r.last_seq
                FROM spans x CROSS JOIN LATERAL (
                    SELECT s.ctid AS row_id, s.ledger_id, s.first_seq, s.last_seq FROM seq_ranges s
                    WHERE s.ledger_id = x.ledger_id AND s.first_seq < x.lo - 1
                    ORDER BY s.first_seq DESC LIMIT 1) r
                WHERE r.last_seq >= x.lo - 1),
            members AS (
                SELECT m.row_id, m.ledger_id, m.first_seq, m.last_seq, m.stored,
                       m.first_seq > coalesce(max(m.last_seq) OVER (PARTITION BY m.ledger_id ORDER BY m.first_seq, m.last_seq, m.stored
                                                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1,
                                              m.first_seq - 1) AS opens
                FROM (SELECT s.row_id, s.ledger_id, s.first_seq, s.last_seq, true AS stored FROM stored s
                      UNION ALL
                      SELECT NULL::tid, f.ledger_id, f.first_seq, f.last_seq, false FROM fresh f) m),
            numbered AS (
                SELECT m.row_id, m.ledger_id, m.first_seq, m.last_seq, m.stored,
                       count(*) FILTER (WHERE m.opens) OVER (PARTITION BY m.ledger_id ORDER BY m.first_seq, m.last_seq, m.stored
                                                             ROWS UNBOUNDED PRECEDING) AS island
                FROM members m),
            islands AS (
                SELECT n.ledger_id, n.island, min(n.first_seq) AS first_seq, max(n.last_seq) AS last_seq
                FROM numbered n GROUP BY n.ledger_id, n.island),
            placed AS (
                SELECT n.row_id, n.first_seq = i.first_seq AS kept, n.last_seq, i.last_seq AS island_last_seq
                FROM numbered n JOIN islands i ON i.ledger_id = n.ledger_id AND i.island = n.island
                WHERE n.stored),
            inserted AS (
                INSERT INTO seq_ranges (ledger_id, first_seq, last_seq)
                SELECT i.ledger_id, i.first_seq, i.last_seq FROM islands i
                WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.ledger_id = i.ledger_id AND s.first_seq = i.first_seq)
                ORDER BY i.ledger_id, i.first_seq
                RETURNING 1),
            extended AS (
                UPDATE seq_ranges r SET last_seq = p.island_last_seq
                FROM placed p
                WHERE r.ctid = ANY (ARRAY(SELECT k.row_id FROM placed k WHERE k.kept AND k.last_seq <> k.island_last_seq))
                  AND r.ctid = p.row_id
                RETURNING 1),
            absorbed AS (
                DELETE FROM seq_ranges r
                WHERE r.ctid = ANY (ARRAY(SELECT p.row_id FROM placed p WHERE NOT p.kept))
                RETURNING 1)
            SELECT (SELECT count(*) FROM recorded) AS recorded, (SELECT count(*) FROM released) AS released,
                   (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM extended) AS extended,
                   (SELECT count(*) FROM absorbed) AS absorbed""";

    /**
     * For each ledger: where its watermark starts (the watermark, or when unset the history-start rule,
     * on the lowest sequence recorded as a copy or in a run), then whether its lowest run starts right
     * after that; if so the watermark moves to the run's end and the run is deleted. Runs never touch, so
     * the next one cannot be reached, and no copy lies within a run, so nothing else is passed.
     */
    private static final String MOVE = """
            WITH locked AS (
                SELECT w.ledger_id, w.projected_seq, w.first_seen_at <= now() - make_interval(secs => ?) AS grace_over
                FROM ledger_watermarks w WHERE w.ledger_id = ANY (?::uuid[])),
            lowest AS (
                SELECT w.ledger_id, w.projected_seq, w.grace_over, r.first_seq, r.last_seq,
                       CASE WHEN w.projected_seq IS NULL THEN least(r.first_seq, (SELECT min(c.seq) FROM seq_copies c
                                                                            WHERE c.ledger_id = w.ledger_id)) END AS lowest
                FROM locked w
                LEFT JOIN LATERAL (SELECT s.first_seq, s.last_seq FROM seq_ranges s WHERE s.ledger_id = w.ledger_id
                                   ORDER BY s.first_seq LIMIT 1) r ON true),
            started AS (
                SELECT l.ledger_id, l.projected_seq, l.lowest, l.first_seq, l.last_seq,
                       CASE WHEN l.projected_seq IS NOT NULL THEN l.projected_seq
                            WHEN l.lowest = 1 THEN 0
                            WHEN l.lowest > 1 AND l.grace_over THEN l.lowest - 1 END AS start
                FROM lowest l),
            target AS (
                SELECT s.ledger_id, s.projected_seq, s.lowest, s.start, s.first_seq,
                       CASE WHEN s.first_seq <= s.start + 1 THEN greatest(s.start, s.last_seq) ELSE s.start END AS reached
                FROM started s),
            moved AS (
                UPDATE ledger_watermarks w SET projected_seq = t.reached, advanced_at = now()
                FROM target t
                WHERE w.ledger_id = ANY (?::uuid[]) AND w.ledger_id = t.ledger_id
                  AND t.reached IS NOT NULL AND t.reached IS DISTINCT FROM t.projected_seq
                RETURNING 1),
            passed AS (
                DELETE FROM seq_ranges r USING target t
                WHERE r.ledger_id = t.ledger_id AND r.first_seq = t.first_seq AND t.first_seq <= t.start + 1
                RETURNING 1)
            SELECT t.ledger_id, t.projected_seq, t.lowest, t.start, t.reached,
                   (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM passed) AS passed
            FROM target t""";

    private Watermarks() {}

    /**
     * Adds to the pipeline the statements that record the applied events' copies and advance the
     * watermarks of their ledgers and of {@code ledgers}; once the pipeline ran, {@link Advance#unstarted}
     * says whether a ledger has not started.
     */
    static Advance advance(Collection<UUID> ledgers, List<LedgerEvent> applied, Duration historyStartGrace, Pipeline pipeline) {
        var touched = new TreeSet<>(ledgers);
        applied.forEach(event -> touched.add(event.header().ledgerId()));
        var advance = new Advance(historyStartGrace);
        if (!touched.isEmpty()) {
            var ids = touched.toArray(UUID[]::new);
            pipeline.add(ENSURE, (ps, index) -> Columns.at(ps, index).uuids(ids).next(), Pipeline.NOTHING_TO_READ);
            pipeline.add(LOCK, (ps, index) -> Columns.at(ps, index).uuids(ids).next(), Pipeline.NOTHING_TO_READ);
            if (!applied.isEmpty()) {
                record(SequenceTally.of(applied), pipeline);
            }
            advance.addMove(pipeline, ids);
        }
        return advance;
    }

    private static void record(SequenceTally tally, Pipeline pipeline) {
        var copies = tally.partialCopies();
        int n = copies.size();
        var copyLedgerId = new UUID[n];
        var copySeq = new long[n];
        var copyAccountId = new UUID[n];
        var copiesExpected = new int[n];
        for (int i = 0; i < n; i++) {
            var copy = copies.get(i);
            copyLedgerId[i] = copy.ledgerId();
            copySeq[i] = copy.seq();
            copyAccountId[i] = copy.accountId();
            copiesExpected[i] = copy.copiesExpected();
        }
        var runs = tally.completeRuns();
        int m = runs.size();
        var runLedgerId = new UUID[m];
        var runFirstSeq = new long[m];
        var runLastSeq = new long[m];
        for (int i = 0; i < m; i++) {
            var run = runs.get(i);
            runLedgerId[i] = run.ledgerId();
            runFirstSeq[i] = run.firstSeq();
            runLastSeq[i] = run.lastSeq();
        }
        pipeline.add(RECORD, (ps, index) -> Columns.at(ps, index).uuids(copyLedgerId).longs(copySeq).uuids(copyAccountId)
                .ints(copiesExpected).uuids(runLedgerId).longs(runFirstSeq).longs(runLastSeq).next(), Pipeline.NOTHING_TO_READ);
    }

    /**
     * Advances the watermarks of the given ledgers inside the caller's transaction, in one round trip.
     *
     * @return true when one of them has not started yet (its first sequence is still unknown)
     */
    static boolean advance(Connection connection, Collection<UUID> ledgers, Duration historyStartGrace) throws SQLException {
        var pipeline = new Pipeline();
        var advance = advance(ledgers, List.of(), historyStartGrace, pipeline);
        pipeline.run(connection);
        return advance.unstarted();
    }

    /** Ledgers whose watermark has not started, in ascending order. */
    static List<UUID> unstarted(Connection connection) throws SQLException {
        List<UUID> ledgers = new ArrayList<>();
        try (var ps = connection.prepareStatement(
                "SELECT ledger_id FROM ledger_watermarks WHERE projected_seq IS NULL ORDER BY ledger_id");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                ledgers.add(Sql.uuid(rs, "ledger_id"));
            }
        }
        return ledgers;
    }

    /** The answer of the moving statement: which ledgers have not started. */
    static final class Advance {
        private final Duration historyStartGrace;
        private final Set<UUID> unstarted = new TreeSet<>();

        private Advance(Duration historyStartGrace) {
            this.historyStartGrace = historyStartGrace;
        }

        private void addMove(Pipeline pipeline, UUID[] ids) {
            pipeline.add(MOVE, (ps, index) -> Columns.at(ps, index).scalar(historyStartGrace.toMillis() / 1000.0).uuids(ids)
                    .uuids(ids).next(), rs -> {
                while (rs.next()) {
                    var ledgerId = Sql.uuid(rs, "ledger_id");
                    rs.getLong("start");
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
                }
            });
        }

        /** Once the pipeline ran: true when one of the ledgers has not started yet (its first sequence is still unknown). */
        boolean unstarted() {
            return !unstarted.isEmpty();
        }
    }
}
