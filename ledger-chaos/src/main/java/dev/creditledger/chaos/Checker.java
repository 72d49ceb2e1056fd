package dev.creditledger.chaos;

import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.projections.ProjectionChecker;
import dev.creditledger.projections.ProjectionQueries;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Proves, after a fault, what the recording load saw against what the journal, Kafka and the read models
 * hold. For one ledger, with the load paused:
 * <ul>
 *   <li>every acknowledged operation is in the journal exactly once (one entry with its idempotency key), as
 *       acknowledged: the entry id of the answer, the kind, amount, accounts and referred hold or transfer
 *       of the request; every answer with that key named the same entry;</li>
 *   <li>every rejected operation left no entry; an operation both acknowledged and refused is a finding;</li>
 *   <li>every operation whose outcome is unknown is there at most once, and if there, as requested;</li>
 *   <li>no entry the load did not send; a hold captured or voided at most once; reversals never beyond the
 *       reversed transfer; no noOverdraft account ever below zero (every posting's balance after);</li>
 *   <li>the trial balance per asset is zero; the verifier ({@link LedgerVerifier}) finds every balance equal
 *       to the journal and the sequence whole;</li>
 *   <li>every answer that was a 5xx was a 503 with Retry-After;</li>
 *   <li>once the relay has published everything, every journal change has exactly one event id per account
 *       on Kafka, and Kafka has no event of a change the journal does not have;</li>
 *   <li>once the projector has caught up, every read model equals the journal ({@link ProjectionChecker}).</li>
 *   <li>The expiry worker writes while the load is paused (grants expire); the checks are made so that its
 *       entries can neither hide a difference nor make one up: events are compared up to the sequence the
 *       relay had published, and the read models again after each catch-up.</li>
 * </ul>
 */
final class Checker {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Checker.class);
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(180);
    private static final int EXAMPLES_MAX = 5;
    static final int READ_MODEL_ATTEMPTS = 5;

    private final DataSource journal;
    private final DataSource projections;
    private final EventTally events;

    Checker(DataSource journal, DataSource projections, EventTally events) {
        this.journal = journal;
        this.projections = projections;
        this.events = events;
    }

    /** What one check found, and what it counted. */
    record Result(List<String> findings, long keys, long acknowledged, long rejected, long unknown, long unknownPresent,
                  long entries, long lastSeq, long eventRecords, long eventRedeliveries, Map<String, Long> unknownCauses) {

        Result withFindingsFirst(List<String> earlier) {
            var all = new ArrayList<>(earlier);
            all.addAll(findings);
            return new Result(List.copyOf(all), keys, acknowledged, rejected, unknown, unknownPresent, entries, lastSeq, eventRecords,
                    eventRedeliveries, unknownCauses);
        }
    }

    /** Why sendings got no answer: the exception, or the status and problem code of a 5xx. */
    static Map<String, Long> unknownCauses(List<OpResult> results) {
        return results.stream().filter(r -> r.outcome() == OpResult.Outcome.UNKNOWN)
                .collect(Collectors.groupingBy(r -> r.status() == 0 ? r.failure() : r.status() + " " + r.code(), java.util.TreeMap::new,
                        Collectors.counting()));
    }

    Result check(ChaosLedger ledger, List<OpResult> results, Set<UUID> noOverdraftAccounts) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        List<String> findings = new ArrayList<>();
        Map<String, List<OpResult>> byKey = results.stream()
                .collect(Collectors.groupingBy(r -> r.op().key(), LinkedHashMap::new, Collectors.toList()));
        results.stream().filter(r -> r.status() >= 500 && !(OpResult.isOutageStatus(r.status()) && r.retryAfter()))
                .limit(EXAMPLES_MAX).forEach(r -> findings.add(r.op().kind() + " " + r.op().key() + " answered " + r.status()
                        + (r.retryAfter() ? "" : " without Retry-After") + " " + r.code()));
        try (var connection = journal.getConnection()) {
            connection.setReadOnly(true);
            var entries = entries(connection, ledger.id());
            var counts = ExactlyOnceRules.checkOperations(byKey, entries, findings);
            ExactlyOnceRules.checkEntries(entries, byKey.keySet(), findings);
            checkNeverOverdrawn(connection, ledger.id(), noOverdraftAccounts, findings);
            checkTrialBalance(connection, ledger.id(), findings);
            new LedgerVerifier(journal).verify(List.of(ledger.id())).differences().stream().limit(EXAMPLES_MAX)
                    .forEach(d -> findings.add("verify: " + d));
            long journalChecked = System.nanoTime();
            long lastSeq = awaitRelay(connection, ledger.id(), findings);
            long relayCaughtUp = System.nanoTime();
            checkEvents(connection, ledger.id(), lastSeq, findings);
            long eventsChecked = System.nanoTime();
            checkReadModels(connection, findings);
            log.info("checked {} operations: journal {} ms, relay catch-up {} ms, events {} ms, read models {} ms", byKey.size(),
                    (journalChecked - started) / 1_000_000, (relayCaughtUp - journalChecked) / 1_000_000,
                    (eventsChecked - relayCaughtUp) / 1_000_000, (System.nanoTime() - eventsChecked) / 1_000_000);
            return new Result(List.copyOf(findings), byKey.size(), counts[0], counts[1], counts[2], counts[3], entries.size(), lastSeq,
                    events.records(), events.redeliveries(), unknownCauses(results));
        }
    }

    private static Map<UUID, ExactlyOnceRules.JournalEntry> entries(Connection connection, UUID ledgerId) throws SQLException {
        Map<Long, Map<String, UUID>> sides = new HashMap<>();
        try (var ps = connection.prepareStatement("SELECT entry_seq, side, account_id FROM postings WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    sides.computeIfAbsent(rs.getLong(1), seq -> new HashMap<>()).put(rs.getString(2), rs.getObject(3, UUID.class));
                }
            }
        }
        Map<UUID, ExactlyOnceRules.JournalEntry> entries = new LinkedHashMap<>();
        try (var ps = connection.prepareStatement("SELECT id, seq, kind, amount, reference_id, idempotency_key, metadata->>'chaosOp' "
                + "FROM entries WHERE ledger_id = ? ORDER BY seq")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(2);
                    entries.put(rs.getObject(1, UUID.class), new ExactlyOnceRules.JournalEntry(rs.getObject(1, UUID.class), seq, rs.getString(3),
                            rs.getLong(4), rs.getObject(5, UUID.class), rs.getString(6), rs.getString(7), sides.getOrDefault(seq, Map.of())));
                }
            }
        }
        return entries;
    }

    private static void checkNeverOverdrawn(Connection connection, UUID ledgerId, Set<UUID> accounts, List<String> findings)
            throws SQLException {
        try (var ps = connection.prepareStatement("SELECT account_id, account_version, credits_posted_after - debits_posted_after "
                + "- debits_pending_after AS available FROM postings WHERE ledger_id = ? AND account_id = ANY (?) "
                + "AND credits_posted_after - debits_posted_after - debits_pending_after < 0 LIMIT " + EXAMPLES_MAX)) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, connection.createArrayOf("uuid", accounts.toArray()));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.add("noOverdraft account " + rs.getObject(1) + " went to " + rs.getLong(3) + " at version " + rs.getLong(2));
                }
            }
        }
    }

    private static void checkTrialBalance(Connection connection, UUID ledgerId, List<String> findings) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT a.asset, sum(b.credits_posted) - sum(b.debits_posted), "
                + "sum(b.credits_pending) - sum(b.debits_pending) FROM balances b JOIN accounts a "
                + "ON a.ledger_id = b.ledger_id AND a.id = b.account_id WHERE b.ledger_id = ? GROUP BY a.asset")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) != 0 || rs.getLong(3) != 0) {
                        findings.add("trial balance of " + rs.getString(1) + ": posted " + rs.getLong(2) + ", pending " + rs.getLong(3));
                    }
                }
            }
        }
    }

    /** Waits until the relay has published the ledger's last sequence; returns that sequence. */
    private static long awaitRelay(Connection connection, UUID ledgerId, List<String> findings) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
        while (true) {
            try (var ps = connection.prepareStatement("SELECT l.last_seq, c.published_seq FROM ledgers l "
                    + "JOIN event_cursors c ON c.ledger_id = l.id WHERE l.id = ?")) {
                ps.setObject(1, ledgerId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    long last = rs.getLong(1);
                    long published = rs.getLong(2);
                    if (published >= last) {
                        return last;
                    }
                    if (System.nanoTime() > deadline) {
                        findings.add("the relay published up to seq " + published + " of " + last + " within "
                                + CATCH_UP_WAIT.toSeconds() + " s");
                        return last;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * Every journal change up to {@code lastSeq} (published, as the relay's mark says) has one event id per account it
     * touches on Kafka, and Kafka has nothing else up to there.
     */
    private void checkEvents(Connection connection, UUID ledgerId, long lastSeq, List<String> findings) throws SQLException {
        if (!events.readToEnd()) {
            findings.add("Kafka's event topics could not be read to their end");
        }
        Set<String> expected = new HashSet<>();
        for (var sql : List.of("SELECT seq, id FROM accounts WHERE ledger_id = ? AND seq <= ?",
                "SELECT seq, account_id FROM account_closures WHERE ledger_id = ? AND seq <= ?",
                "SELECT DISTINCT entry_seq, account_id FROM postings WHERE ledger_id = ? AND entry_seq <= ?")) {
            try (var ps = connection.prepareStatement(sql)) {
                ps.setObject(1, ledgerId);
                ps.setLong(2, lastSeq);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expected.add(rs.getLong(1) + "/" + rs.getObject(2));
                    }
                }
            }
        }
        // The expiry worker writes while the load is paused: changes after lastSeq may or may not be published yet.
        var seen = events.changesOf(ledgerId.toString()).keySet().stream()
                .filter(change -> Long.parseLong(change.substring(0, change.indexOf('/'))) <= lastSeq).collect(Collectors.toSet());
        var missing = expected.stream().filter(change -> !seen.contains(change)).limit(EXAMPLES_MAX).toList();
        var extra = seen.stream().filter(change -> !expected.contains(change)).limit(EXAMPLES_MAX).toList();
        if (!missing.isEmpty()) {
            findings.add("journal changes without an event on Kafka (seq/account): " + missing);
        }
        if (!extra.isEmpty()) {
            findings.add("events on Kafka of no journal change (seq/account): " + extra);
        }
        events.conflicts().stream().limit(EXAMPLES_MAX).forEach(findings::add);
    }

    /**
     * The read models equal the journal once the projector has caught up with every ledger. The expiry worker
     * keeps writing while the load is paused, so a comparison can catch an event in flight: a difference
     * counts only if it is still there after {@link #READ_MODEL_ATTEMPTS} catch-ups.
     */
    private void checkReadModels(Connection connection, List<String> findings) throws SQLException {
        var queries = new ProjectionQueries(projections);
        List<String> differences = List.of();
        for (int attempt = 1; attempt <= READ_MODEL_ATTEMPTS; attempt++) {
            for (var ledger : lastSeqs(connection).entrySet()) {
                if (!awaitProjected(queries, ledger.getKey(), ledger.getValue())) {
                    findings.add("the read models of ledger " + ledger.getKey() + " reached seq " + queries.projectedSeq(ledger.getKey())
                            + " of " + ledger.getValue() + " within " + CATCH_UP_WAIT.toSeconds() + " s");
                    return;
                }
            }
            differences = new ProjectionChecker(journal, projections).check().differences();
            if (differences.isEmpty()) {
                return;
            }
        }
        differences.stream().limit(EXAMPLES_MAX).forEach(d -> findings.add("read model: " + d));
    }

    private static boolean awaitProjected(ProjectionQueries queries, UUID ledgerId, long seq) {
        long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (queries.awaitSeq(ledgerId, seq, ProjectionQueries.AWAIT_TIMEOUT_MAX)) {
                return true;
            }
        }
        return false;
    }

    private static Map<UUID, Long> lastSeqs(Connection connection) throws SQLException {
        Map<UUID, Long> seqs = new LinkedHashMap<>();
        try (var ps = connection.prepareStatement("SELECT id, last_seq FROM ledgers"); var rs = ps.executeQuery()) {
            while (rs.next()) {
                seqs.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return seqs;
    }
}
