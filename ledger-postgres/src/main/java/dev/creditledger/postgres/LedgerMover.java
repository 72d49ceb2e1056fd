package dev.creditledger.postgres;

import dev.creditledger.core.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a ledger to another cluster online (ADR 0022), in five steps:
 * <ol>
 *   <li><b>prepare</b>: the ledger's row on the target, INCOMING (nothing but this class writes or reads it);</li>
 *   <li><b>copy</b> while the ledger keeps taking writes: its append-only journal rows by sequence, in rounds, until a
 *       round has little left;</li>
 *   <li><b>fence</b>: the source copy becomes MOVED_AWAY in one short transaction that waits for the batch in flight;
 *       from then a batch on the source refuses (503 with Retry-After, and the engines route again);</li>
 *   <li><b>catch up</b>: the journal rows written since the last round, the daily closes, and the whole of the mutable
 *       state (balances, transfer states, idempotency records, grants, escrows, sagas, the relay's cursor, assets);</li>
 *   <li><b>prove and switch</b>: the two copies' last sequence, their journal's hash chain head (the source's as its
 *       writer kept it, the target's recomputed link by link from the copied rows, ADR 0023) and a digest of every state
 *       table are compared; equal, the target turns live and the directory names it (one version up); different, the
 *       source is unfenced and the move fails, nothing switched.</li>
 * </ol>
 * The journal is proved as it is copied, range by range ({@link JournalProof}): the canonical journal's SHA-256 of each
 * copied range on both copies, and the target's chain walked on, so the fence only proves the last range.
 * Rows are copied with PostgreSQL's binary COPY, column by column as the source names them. A table of the schema
 * that this class does not know refuses the move, so a future table is never left behind silently.
 *
 * What can go wrong: either cluster unavailable (the move fails; before the switch the source is unfenced, and a
 * later move resumes the copy where it stopped); a ledger with transfers between ledgers still in flight as their
 * source (refused: they would have to be moved mid-step); a target that holds an old copy of the ledger (refused).
 */
public final class LedgerMover {

    private static final Logger log = LoggerFactory.getLogger(LedgerMover.class);

    /** Append-only journal tables and the sequence column they are copied by. */
    static final Map<String, String> JOURNAL_TABLES = orderedMap("accounts", "seq", "account_closures", "seq", "entries", "seq",
            "postings", "entry_seq", "grant_changes", "entry_seq", "balance_alerts", "entry_seq");
    /** Append-only tables of the daily closes, copied by the close date. */
    static final List<String> CLOSE_TABLES = List.of("daily_closes", "daily_close_balances", "daily_close_totals");
    /** Mutable state, copied whole once the source is fenced, in an order that satisfies the foreign keys. */
    static final List<String> STATE_TABLES = List.of("balances", "transfer_states", "idempotency", "grants", "escrows",
            "event_cursors", "sagas", "saga_steps");
    /** Rows only ever added, keyed by a code, that the journal refers to: copied before it, and again under the fence. */
    static final String ASSETS = "assets";
    /** Tables with a ledger_id that are not a ledger's own data on its cluster: the catalog's. */
    static final List<String> CATALOG_TABLES = List.of("ledger_directory", "api_keys");
    /** A copy round that leaves at most this many sequences to copy under the fence ends the online copy. */
    static final long FENCE_SEQUENCES_MAX = 1_000;
    static final int COPY_ROUNDS_MAX = 10;

    /**
     * What a move did: the clusters, the last sequence and the journal's chain head both copies share (lower-case hex), and
     * how long each part took.
     */
    public record Report(UUID ledgerId, String from, String to, long lastSeq, String chainHead, long rowsCopied, Duration copy,
                         Duration fence) {}

    private final Clusters clusters;

    public LedgerMover(Clusters clusters) {
        this.clusters = clusters;
    }

    public Report move(UUID ledgerId, String targetName) {
        var entry = clusters.directory().entryOf(ledgerId).filter(ClusterDirectory.Entry::ready)
                .orElseThrow(() -> new LedgerRejection(Reason.LEDGER_NOT_FOUND, "no ledger " + ledgerId));
        var source = clusters.clusterOf(entry.placement());
        var target = clusters.named(targetName).orElseThrow(() -> new LedgerRejection(Reason.CLUSTER_NOT_FOUND,
                "no cluster is named '" + targetName + "'; the clusters are " + String.join(", ", clusters.names())));
        if (source.name().equals(target.name())) {
            throw new LedgerRejection(Reason.LEDGER_MOVE_REFUSED, "ledger " + ledgerId + " already lives on cluster " + targetName);
        }
        long started = System.nanoTime();
        try (var from = source.dataSource().getConnection(); var to = target.dataSource().getConnection()) {
            checkSchemaIsKnown(from);
            refuseSagasInFlight(from, ledgerId);
            prepare(from, to, ledgerId);
            long rows = copyAssets(from, to, ledgerId);
            long copied = maxSeq(to, ledgerId);
            var journal = new JournalProof(ledgerId);
            journal.check(from, to, copied); // what an earlier attempt copied
            for (int round = 0; round < COPY_ROUNDS_MAX; round++) {
                long last = lastSeq(from, ledgerId);
                rows += copyJournal(from, to, ledgerId, copied, last);
                journal.check(from, to, last);
                long behind = lastSeq(from, ledgerId) - last;
                copied = last;
                if (behind <= FENCE_SEQUENCES_MAX) {
                    break;
                }
            }
            long fenced = System.nanoTime();
            fence(from, ledgerId, target.name());
            try {
                long last = lastSeq(from, ledgerId);
                rows += copyAssets(from, to, ledgerId);
                rows += copyJournal(from, to, ledgerId, copied, last);
                journal.check(from, to, last);
                rows += copyCloses(from, to, ledgerId);
                rows += copyState(from, to, ledgerId);
                var proof = prove(from, to, ledgerId, last, journal);
                to.setAutoCommit(true);
                execute(to, "UPDATE ledgers SET move_state = NULL, moved_to = NULL WHERE id = ?", ledgerId);
                if (!clusters.directory().switchCluster(ledgerId, source.name(), target.name())) {
                    throw new IllegalStateException("the directory no longer places ledger " + ledgerId + " on " + source.name());
                }
                var fence = Duration.ofNanos(System.nanoTime() - fenced);
                var report = new Report(ledgerId, source.name(), target.name(), last, proof, rows, Duration.ofNanos(fenced - started), fence);
                log.info("ledger {} moved from {} to {}: {} rows, sequence {}, chain head {}; copy {} ms, fence {} ms", ledgerId, source.name(),
                        target.name(), rows, last, proof, report.copy().toMillis(), fence.toMillis());
                return report;
            } catch (SQLException | RuntimeException e) {
                unfence(source, ledgerId);
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new StorageUnavailableException("the move of ledger " + ledgerId + " failed: " + e.getMessage(), e);
        }
    }

    /** Every table with a ledger_id must be one this class copies (or the catalog's). */
    private static void checkSchemaIsKnown(Connection from) throws SQLException {
        List<String> unknown = new ArrayList<>();
        try (var ps = from.prepareStatement("SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                + "AND column_name = 'ledger_id' ORDER BY 1"); var rs = ps.executeQuery()) {
            while (rs.next()) {
                var table = rs.getString(1);
                if (!JOURNAL_TABLES.containsKey(table) && !CLOSE_TABLES.contains(table) && !STATE_TABLES.contains(table)
                        && !CATALOG_TABLES.contains(table) && !table.equals(ASSETS)) {
                    unknown.add(table);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("the move does not know the tables " + unknown + ": refusing rather than leaving them behind");
        }
    }

    private static void refuseSagasInFlight(Connection from, UUID ledgerId) throws SQLException {
        long inFlight = dev.creditledger.jdbc.Sql.firstNumber(from,
                "SELECT count(*) FROM sagas WHERE ledger_id = ? AND status IN ('PENDING', 'COMPENSATING')", ledgerId).orElse(0);
        if (inFlight > 0) {
            throw new LedgerRejection(Reason.LEDGER_MOVE_REFUSED, "ledger " + ledgerId + " is the source of " + inFlight
                    + " transfers between ledgers still in flight; move it once they finished");
        }
    }

    /** The ledger's row on the target, INCOMING with no sequence yet (or the one an earlier attempt left). */
    private static void prepare(Connection from, Connection to, UUID ledgerId) throws SQLException, IOException {
        String state = null;
        boolean exists = false;
        try (var ps = to.prepareStatement("SELECT move_state FROM ledgers WHERE id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    state = rs.getString(1);
                }
            }
        }
        if (exists && !"INCOMING".equals(state)) {
            throw new LedgerRejection(Reason.LEDGER_MOVE_REFUSED, "the target cluster holds another copy of ledger " + ledgerId
                    + " (" + (state == null ? "live" : state) + "); moving back to a cluster it left is not supported yet");
        }
        if (!exists) {
            var row = copyOut(from, "SELECT id, name, 0::bigint, created_at, created_at, close_time_zone, 'INCOMING'::text, NULL::text FROM ledgers WHERE id = '"
                    + ledgerId + "'");
            copyIn(to, "ledgers (id, name, last_seq, last_at, created_at, close_time_zone, move_state, moved_to)", row);
        }
        to.setAutoCommit(true);
    }

    /** The journal rows of sequences {@code after + 1} to {@code upTo}, table by table; how many rows. */
    private static long copyJournal(Connection from, Connection to, UUID ledgerId, long after, long upTo) throws SQLException, IOException {
        if (upTo <= after) {
            return 0;
        }
        long rows = 0;
        to.setAutoCommit(false);
        for (var table : JOURNAL_TABLES.entrySet()) {
            var columns = columns(from, table.getKey());
            var data = copyOut(from, "SELECT " + columns + " FROM " + table.getKey() + " WHERE ledger_id = '" + ledgerId + "' AND "
                    + table.getValue() + " > " + after + " AND " + table.getValue() + " <= " + upTo);
            rows += copyIn(to, table.getKey() + " (" + columns + ")", data);
        }
        to.commit();
        to.setAutoCommit(true);
        return rows;
    }

    /** The assets the target does not have yet (assets are only ever added). */
    private static long copyAssets(Connection from, Connection to, UUID ledgerId) throws SQLException, IOException {
        List<String> present = new ArrayList<>();
        try (var ps = to.prepareStatement("SELECT code FROM assets WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        var columns = columns(from, ASSETS);
        var missing = present.isEmpty() ? "" : " AND code NOT IN (" + String.join(", ", present.stream().map(c -> "'" + c + "'").toList()) + ")";
        return copyIn(to, ASSETS + " (" + columns + ")", copyOut(from, "SELECT " + columns + " FROM " + ASSETS + " WHERE ledger_id = '"
                + ledgerId + "'" + missing));
    }

    /** The daily closes the target does not have yet (they are append-only, keyed by date). */
    private static long copyCloses(Connection from, Connection to, UUID ledgerId) throws SQLException, IOException {
        var lastCopied = dev.creditledger.jdbc.Sql.firstNumber(to,
                "SELECT coalesce(max(close_date) - DATE '1970-01-01', -1) FROM daily_closes WHERE ledger_id = ?", ledgerId).orElse(-1);
        long rows = 0;
        to.setAutoCommit(false);
        for (var table : CLOSE_TABLES) {
            var columns = columns(from, table);
            var data = copyOut(from, "SELECT " + columns + " FROM " + table + " WHERE ledger_id = '" + ledgerId + "' AND close_date > DATE '1970-01-01' + "
                    + lastCopied);
            rows += copyIn(to, table + " (" + columns + ")", data);
        }
        to.commit();
        to.setAutoCommit(true);
        return rows;
    }

    /** The whole mutable state, replacing what the target has, and the ledger row's sequence; one transaction. */
    private static long copyState(Connection from, Connection to, UUID ledgerId) throws SQLException, IOException {
        long rows = 0;
        to.setAutoCommit(false);
        for (var table : STATE_TABLES.reversed()) {
            execute(to, "DELETE FROM " + table + " WHERE ledger_id = ?", ledgerId);
        }
        for (var table : STATE_TABLES) {
            var columns = columns(from, table);
            rows += copyIn(to, table + " (" + columns + ")", copyOut(from, "SELECT " + columns + " FROM " + table + " WHERE ledger_id = '"
                    + ledgerId + "'"));
        }
        try (var ps = from.prepareStatement("SELECT last_seq, last_at, chain_head FROM ledgers WHERE id = ?");
             var update = to.prepareStatement("UPDATE ledgers SET last_seq = ?, last_at = ?, chain_head = ? WHERE id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                update.setLong(1, rs.getLong(1));
                update.setObject(2, rs.getObject(2));
                update.setBytes(3, rs.getBytes(3));
                update.setObject(4, ledgerId);
                update.executeUpdate();
            }
        }
        to.commit();
        to.setAutoCommit(true);
        return rows;
    }

    /**
     * The journal's proof, built range by range as it is copied: each range's canonical SHA-256 on both copies, and the
     * target's hash chain walked on from the rows it received, each link checked against the one the source stored.
     */
    private static final class JournalProof {
        private final UUID ledgerId;
        private final List<String> differences = new ArrayList<>();
        /** The target's chain link after sequence {@link #proved}. */
        private byte[] link = CanonicalJournal.genesis();
        private long proved;

        JournalProof(UUID ledgerId) {
            this.ledgerId = ledgerId;
        }

        /** Proves sequences after those proved up to {@code upTo}, which both copies hold. */
        void check(Connection from, Connection to, long upTo) throws SQLException {
            if (upTo <= proved) {
                return;
            }
            if (!java.util.Arrays.equals(CanonicalJournal.sha256(from, ledgerId, proved + 1, upTo),
                    CanonicalJournal.sha256(to, ledgerId, proved + 1, upTo))) {
                differences.add("the canonical journal of sequences " + (proved + 1) + ".." + upTo + " differs");
            }
            link = CanonicalJournal.walk(to, ledgerId, proved + 1, upTo, link, (seq, stored, recomputed) -> {
                if (!java.util.Arrays.equals(stored, recomputed)) {
                    differences.add("the chain link of sequence " + seq + " differs from its rows on the target");
                }
            });
            proved = upTo;
        }
    }

    /**
     * Equal is proved: the last sequence, the journal (range by range, {@link JournalProof}), the chain head the source's
     * writer kept against the one recomputed on the target, and a digest of every state table; returns the head.
     */
    private static String prove(Connection from, Connection to, UUID ledgerId, long last, JournalProof journal) throws SQLException {
        List<String> differences = new ArrayList<>(journal.differences);
        if (lastSeq(to, ledgerId) != last || journal.proved != last) {
            differences.add("last sequence " + lastSeq(to, ledgerId) + " on the target (" + journal.proved + " proved), " + last
                    + " on the source");
        }
        var sourceHead = chainHead(from, ledgerId);
        if (!java.util.Arrays.equals(sourceHead, journal.link)) {
            differences.add("chain head " + HexFormat.of().formatHex(journal.link) + " on the target, " + HexFormat.of().formatHex(sourceHead)
                    + " on the source");
        }
        for (var table : concat(concat(STATE_TABLES, CLOSE_TABLES), List.of(ASSETS))) {
            var sql = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM (SELECT " + columns(from, table) + " FROM " + table
                    + " WHERE ledger_id = ?) t";
            var a = text(from, sql, ledgerId);
            var b = text(to, sql, ledgerId);
            if (!a.equals(b)) {
                differences.add(table + " differs");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalStateException("the copy of ledger " + ledgerId + " is not equal to the original: " + differences);
        }
        return HexFormat.of().formatHex(sourceHead);
    }

    /** The ledger's chain head as its writer kept it ({@link CanonicalJournal#genesis()} before its first entry). */
    private static byte[] chainHead(Connection connection, UUID ledgerId) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT chain_head FROM ledgers WHERE id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                var head = rs.next() ? rs.getBytes(1) : null;
                return head == null ? CanonicalJournal.genesis() : head;
            }
        }
    }

    private static void fence(Connection from, UUID ledgerId, String target) throws SQLException {
        from.setAutoCommit(true);
        try (var ps = from.prepareStatement("UPDATE ledgers SET move_state = 'MOVED_AWAY', moved_to = ? WHERE id = ? AND move_state IS NULL")) {
            ps.setString(1, target);
            ps.setObject(2, ledgerId);
            if (ps.executeUpdate() != 1) {
                throw new LedgerRejection(Reason.LEDGER_MOVE_REFUSED, "ledger " + ledgerId + " is already being moved");
            }
        }
        // Waits for the relay's claim in flight, so the cursor copied with the state is the last one the source relay moved.
        execute(from, "SELECT published_seq FROM event_cursors WHERE ledger_id = ? FOR UPDATE", ledgerId);
    }

    private static void unfence(Cluster source, UUID ledgerId) {
        try (var connection = source.dataSource().getConnection()) {
            execute(connection, "UPDATE ledgers SET move_state = NULL, moved_to = NULL WHERE id = ? AND move_state = 'MOVED_AWAY'", ledgerId);
            log.warn("the move of ledger {} failed: the source copy on {} takes writes again", ledgerId, source.name());
        } catch (SQLException e) {
            log.error("the move of ledger {} failed and its source copy on {} could not be unfenced: run the move again", ledgerId,
                    source.name(), e);
        }
    }

    private static long lastSeq(Connection connection, UUID ledgerId) throws SQLException {
        return dev.creditledger.jdbc.Sql.firstNumber(connection, "SELECT last_seq FROM ledgers WHERE id = ?", ledgerId).orElse(0);
    }

    /** The highest sequence the target's journal holds already (an earlier attempt's copy), or 0. */
    private static long maxSeq(Connection to, UUID ledgerId) throws SQLException {
        long entries = dev.creditledger.jdbc.Sql.firstNumber(to, "SELECT coalesce(max(seq), 0) FROM entries WHERE ledger_id = ?", ledgerId).orElse(0);
        long accounts = dev.creditledger.jdbc.Sql.firstNumber(to, "SELECT coalesce(max(seq), 0) FROM accounts WHERE ledger_id = ?", ledgerId).orElse(0);
        long closures = dev.creditledger.jdbc.Sql.firstNumber(to, "SELECT coalesce(max(seq), 0) FROM account_closures WHERE ledger_id = ?", ledgerId)
                .orElse(0);
        // A round is one transaction, so the target holds every sequence up to the highest it holds.
        return Math.max(entries, Math.max(accounts, closures));
    }

    private static String columns(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (var ps = connection.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                + "AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return String.join(", ", columns);
    }

    private static byte[] copyOut(Connection connection, String select) throws SQLException, IOException {
        var out = new ByteArrayOutputStream();
        connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)", out);
        return out.toByteArray();
    }

    private static long copyIn(Connection connection, String tableAndColumns, byte[] data) throws SQLException, IOException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + tableAndColumns + " FROM STDIN (FORMAT binary)",
                new ByteArrayInputStream(data));
    }

    private static void execute(Connection connection, String sql, UUID ledgerId) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            ps.execute();
        }
    }

    private static String text(Connection connection, String sql, UUID ledgerId) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
