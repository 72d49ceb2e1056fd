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
 * The journal's hashes recomputed as an auditor would: from the canonical form that docs/operations.md ("Daily
 * closes", "The journal's hash chain") describes, with an implementation of its own written from that text (one
 * plain query per journal table, the lines put in order and hashed here), never the service's code. Each stored
 * {@code daily_closes.journal_sha256} must equal the day's hash; each {@code entries.chain_hash} the link of its
 * lines after the previous entry's; {@code ledgers.chain_head} and each close's {@code chain_head} the link at
 * their sequence. The days hold every kind of line and every absent value: an account with and without an
 * overdraft limit, a closed account, entries with and without a reference and an idempotency key, a multi-leg
 * entry, and postings with a negative pending delta (a capture and a void). And an entry changed behind the
 * service's back (its triggers off) is found by {@code ledger verify} at its sequence.
 */
class JournalHashesIT {

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
        var ledger = writeTwoDays();
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
                .anyMatch(l -> l.contains("|CLOSE|"))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|TRANSFER|") && l.endsWith("|-|fund-alice|1\n"))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|CAPTURE|") && l.endsWith("|capture-1\n"))
                .anyMatch(l -> l.contains("|ENTRY|") && l.contains("|ENTRY|0|-|-\n"))
                .anyMatch(l -> l.contains("|POSTING|2|") && l.contains("|CREDIT|USD|30|0\n"))
                .anyMatch(l -> l.contains("|POSTING|") && l.endsWith("|-300\n"));
    }

    @Test
    void everyEntryStoresTheDocumentedLinkOfItsLinesAndTheHeadsAreTheLinksAtTheirSequence() throws Exception {
        var ledger = writeTwoDays();
        long lastSeq;
        byte[] ledgerHead;
        Map<Long, byte[]> stored = new java.util.HashMap<>();
        try (var connection = dataSource.getConnection()) {
            try (var ps = connection.prepareStatement("SELECT last_seq, chain_head FROM ledgers WHERE id = ?")) {
                ps.setObject(1, ledger);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    lastSeq = rs.getLong(1);
                    ledgerHead = rs.getBytes(2);
                }
            }
            query(connection, "SELECT seq, chain_hash FROM entries WHERE ledger_id = ? AND seq BETWEEN ? AND ?", ledger, 1, Long.MAX_VALUE,
                    row -> stored.put(row.seq(), row.rs().getBytes(2)));
        }
        // The chain from the documented form: 32 zero bytes, then each entry's ENTRY and POSTING lines after the previous link.
        var link = new byte[32];
        Map<Long, byte[]> links = new java.util.TreeMap<>();
        List<String> entryLines = new ArrayList<>();
        long entrySeq = -1;
        for (var line : canonicalJournal(ledger, 1, lastSeq)) {
            long seq = Long.parseLong(line.substring(0, line.indexOf('|')));
            if (line.startsWith(seq + "|ENTRY|")) {
                if (!entryLines.isEmpty()) {
                    link = chained(link, entryLines);
                    links.put(entrySeq, link);
                }
                entryLines = new ArrayList<>(List.of(line));
                entrySeq = seq;
            } else if (line.startsWith(seq + "|POSTING|")) {
                entryLines.add(line);
            }
        }
        link = chained(link, entryLines);
        links.put(entrySeq, link);

        assertThat(stored.keySet()).isEqualTo(links.keySet());
        links.forEach((seq, expected) -> assertThat(HexFormat.of().formatHex(stored.get(seq))).as("the link of sequence %d", seq)
                .isEqualTo(HexFormat.of().formatHex(expected)));
        assertThat(HexFormat.of().formatHex(ledgerHead)).as("the ledger's head is its last entry's link").isEqualTo(HexFormat.of().formatHex(link));
        for (var close : storedCloses(ledger)) {
            var atClose = ((java.util.TreeMap<Long, byte[]>) links).floorEntry((long) close[2]);
            assertThat(HexFormat.of().formatHex((byte[]) close[4])).as("the head recorded by the close of %s", close[0])
                    .isEqualTo(HexFormat.of().formatHex(atClose.getValue()));
        }
        assertThat(new LedgerVerifier(dataSource).verify(List.of(ledger)).differences()).isEmpty();

        // An amount changed behind the service's back: verify names the entry, and the close of its day.
        long tampered = links.keySet().stream().skip(2).findFirst().orElseThrow();
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE entries DISABLE TRIGGER entries_append_only");
            statement.execute("UPDATE entries SET amount = amount + 1 WHERE ledger_id = '" + ledger + "' AND seq = " + tampered);
            statement.execute("ALTER TABLE entries ENABLE TRIGGER entries_append_only");
        }
        assertThat(new LedgerVerifier(dataSource).verify(List.of(ledger)).differences())
                .anyMatch(d -> d.contains("hash chain: 1 of " + links.size() + " entries' links differ") && d.contains("sequence " + tampered + " "))
                .anyMatch(d -> d.contains("the journal hash differs"));
    }

    private static byte[] chained(byte[] previous, List<String> lines) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        digest.update(previous);
        for (var line : lines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }

    /** Two days of every kind of change, both closed; the ledger's id. */
    private UUID writeTwoDays() {
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
        return ledger;
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
                "SELECT close_date, first_seq, last_seq, journal_sha256, chain_head FROM daily_closes WHERE ledger_id = ? ORDER BY close_date")) {
            ps.setObject(1, ledger);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    closes.add(new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4), rs.getBytes(5)});
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
