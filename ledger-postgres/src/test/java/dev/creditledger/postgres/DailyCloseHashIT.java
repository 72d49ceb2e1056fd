package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal hash of a daily close, recomputed as an auditor would: from the canonical form that
 * docs/operations.md ("Daily closes") describes, with an implementation of its own written from that text (one
 * plain query per journal table, the lines put in order and hashed here), never DailyCloser's query. Each stored
 * {@code daily_closes.journal_sha256} must equal it. The days hold every kind of line and every absent value: an
 * account with and without an overdraft limit, a closed account, entries with and without a reference and an
 * idempotency key, a multi-leg entry, and postings with a negative pending delta (a capture and a void).
 */
class DailyCloseHashIT {

    private static final Instant DAY_ONE = Instant.parse("2031-05-01T09:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);

    private HikariDataSource dataSource;
    private SettableClock clock;
    private PostgresPostingEngine engine;
    private IdGenerator ids;

    @BeforeEach
    void start() {
        dataSource = TestInfrastructure.freshDatabase("close_hash", LedgerDatabase::migrate);
        clock = new SettableClock(DAY_ONE);
        ids = new IdGenerator(clock);
        engine = new PostgresPostingEngine(dataSource, clock, EngineSettings.defaults(), EngineListener.NONE);
    }

    @AfterEach
    void stop() {
        engine.close();
        dataSource.close();
    }

    @Test
    void theStoredHashOfEachDayEqualsTheHashOfItsDocumentedCanonicalJournal() throws Exception {
        var ledger = new LedgerAdmin(dataSource, clock).createLedger("audited").id();
        var issuer = open(ledger, null);
        var alice = open(ledger, 0L);
        var bob = open(ledger, 500L);
        post(ledger, "fund-alice|1", new Command.PostTransfer(ids.next(), issuer, alice, 1_000, "USD", false, null, Map.of()));
        var captured = post(ledger, null, new Command.PostTransfer(ids.next(), alice, bob, 300, "USD", true, null, Map.of()));
        var voided = post(ledger, null, new Command.PostTransfer(ids.next(), alice, bob, 50, "USD", true, null, Map.of()));

        clock.set(DAY_ONE.plus(Duration.ofDays(1)));
        post(ledger, "capture-1", new Command.CaptureHold(ids.next(), captured, 120L, Map.of()));
        post(ledger, null, new Command.VoidHold(ids.next(), voided, Map.of()));
        var paid = post(ledger, null, new Command.PostTransfer(ids.next(), alice, bob, 80, "USD", false, null, Map.of()));
        post(ledger, null, new Command.ReverseTransfer(ids.next(), paid, 30L, Map.of()));
        post(ledger, null, new Command.PostEntry(ids.next(), List.of(
                new Command.PostingLine(issuer, Side.DEBIT, 70, "USD"),
                new Command.PostingLine(alice, Side.CREDIT, 40, "USD"),
                new Command.PostingLine(bob, Side.CREDIT, 30, "USD")), Map.of()));
        var idle = open(ledger, null);
        post(ledger, null, new Command.CloseAccount(idle));

        clock.set(DAY_ONE.plus(Duration.ofDays(2)).plus(GRACE));
        assertThat(new DailyCloser(dataSource, clock, GRACE).closeDue()).isEqualTo(2);

        List<Object[]> closes = storedCloses(ledger);
        assertThat(closes).hasSize(2);
        for (var close : closes) {
            long first = (long) close[1];
            long last = (long) close[2];
            assertThat(last).as("the day of %s has changes", close[0]).isGreaterThanOrEqualTo(first);
            var lines = canonicalJournal(ledger, first, last);
            assertThat(lines).as("one line per change, and one per posting").hasSizeGreaterThan((int) (last - first));
            assertThat(HexFormat.of().formatHex((byte[]) close[3])).as("journal hash of %s:%n%s", close[0], String.join("", lines))
                    .isEqualTo(HexFormat.of().formatHex(sha256(lines)));
        }
        // Every kind of line and every absent value appeared in the days just checked.
        var all = new ArrayList<String>();
        closes.forEach(close -> all.addAll(canonicalJournal(ledger, (long) close[1], (long) close[2])));
        assertThat(all).anyMatch(l -> l.contains("|ACCOUNT|") && l.endsWith("|-\n"))
                .anyMatch(l -> l.contains("|ACCOUNT|") && l.endsWith("|500\n"))
                .anyMatch(l -> l.contains("|CLOSE|" + idle))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|TRANSFER|") && l.endsWith("|-|fund-alice|1\n"))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|CAPTURE|") && l.contains("|" + captured + "|capture-1\n"))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|ENTRY|0|-|-\n"))
                .anyMatch(l -> l.contains("|POSTING|2|") && l.contains("|CREDIT|USD|30|0\n"))
                .anyMatch(l -> l.contains("|POSTING|") && l.endsWith("|-300\n"));
    }

    // ---- the canonical journal, from docs/operations.md alone ------------------------------------------------

    /** One line of the canonical journal with the keys that order it: seq, then an entry before its postings by line_no. */
    private record Line(long seq, int postingLine, String text) {}

    private List<String> canonicalJournal(UUID ledger, long first, long last) {
        List<Line> lines = new ArrayList<>();
        try (var connection = dataSource.getConnection()) {
            query(connection, "SELECT seq, id, asset, normal_side, overdraft_limit FROM accounts WHERE ledger_id = ? AND seq BETWEEN ? AND ?",
                    ledger, first, last, row -> lines.add(new Line(row.seq(), -1,
                            join(row.seq(), "ACCOUNT", row.text(2), row.text(3), row.text(4), row.text(5)))));
            query(connection, "SELECT seq, account_id FROM account_closures WHERE ledger_id = ? AND seq BETWEEN ? AND ?",
                    ledger, first, last, row -> lines.add(new Line(row.seq(), -1, join(row.seq(), "CLOSE", row.text(2)))));
            query(connection, "SELECT seq, id, kind, amount, reference_id, idempotency_key FROM entries"
                            + " WHERE ledger_id = ? AND seq BETWEEN ? AND ?",
                    ledger, first, last, row -> lines.add(new Line(row.seq(), -1,
                            join(row.seq(), "ENTRY", row.text(2), row.text(3), row.text(4), row.text(5), row.text(6)))));
            query(connection, "SELECT entry_seq, line_no, account_id, side, asset, posted_amount, pending_delta FROM postings"
                            + " WHERE ledger_id = ? AND entry_seq BETWEEN ? AND ?",
                    ledger, first, last, row -> lines.add(new Line(row.seq(), Integer.parseInt(row.text(2)),
                            join(row.seq(), "POSTING", row.text(2), row.text(3), row.text(4), row.text(5), row.text(6), row.text(7)))));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        lines.sort(Comparator.comparingLong(Line::seq).thenComparingInt(Line::postingLine));
        return lines.stream().map(Line::text).toList();
    }

    /** The fields joined by {@code |}, absent ones written {@code -}, ending in a line feed. */
    private static String join(long seq, String... fields) {
        var line = new StringBuilder(Long.toString(seq));
        for (var field : fields) {
            line.append('|').append(field == null ? "-" : field);
        }
        return line.append('\n').toString();
    }

    private record Row(java.sql.ResultSet rs) {
        long seq() throws SQLException {
            return rs.getLong(1);
        }

        /** The column as PostgreSQL writes it as text (UUIDs lower-case with hyphens, numbers in decimal), or null. */
        String text(int column) throws SQLException {
            return rs.getString(column);
        }
    }

    private interface RowAction {
        void accept(Row row) throws SQLException;
    }

    private static void query(Connection connection, String sql, UUID ledger, long first, long last, RowAction action) throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledger);
            ps.setLong(2, first);
            ps.setLong(3, last);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    action.accept(new Row(rs));
                }
            }
        }
    }

    private static byte[] sha256(List<String> lines) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        for (var line : lines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }

    // ---- the journal under test ---------------------------------------------------------------------------

    private List<Object[]> storedCloses(UUID ledger) throws SQLException {
        List<Object[]> closes = new ArrayList<>();
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(
                "SELECT close_date, first_seq, last_seq, journal_sha256 FROM daily_closes WHERE ledger_id = ? ORDER BY close_date")) {
            ps.setObject(1, ledger);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    closes.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)});
                }
            }
        }
        return closes;
    }

    private UUID open(UUID ledger, Long overdraftLimit) {
        return post(ledger, null, new Command.CreateAccount(ids.next(), null, "USD", Side.CREDIT, overdraftLimit, Map.of()));
    }

    private UUID post(UUID ledger, String idempotencyKey, Command command) {
        var key = idempotencyKey == null ? null : new IdempotencyKey(idempotencyKey, "hash-of-" + idempotencyKey);
        var result = engine.submit(Submission.single(new Request(ledger, key, command))).join().getFirst();
        assertThat(result.result()).as("%s", command).isInstanceOf(CommandResult.Accepted.class);
        return result.entry() != null ? result.entry().id() : result.account().id();
    }
}
