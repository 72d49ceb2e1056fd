package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The watermark's bookkeeping against a naive reference model, driven by the same seeded random polls:
 * two ledgers of {@value #SEQS} sequences with one to three copies each, delivered in polls that take a
 * random handful of the copies not yet delivered (so sequences stay incomplete across polls and gaps
 * open and close) together with redeliveries of copies already applied. After every poll the tables
 * must hold exactly what the model says: the watermark is the highest S with every copy of every
 * sequence up to S delivered; {@code seq_copies} holds the delivered copies of the incomplete sequences
 * above it; {@code seq_ranges} holds the maximal runs of complete sequences above it. Only the watermark
 * is applied (the events are made up); {@link WatermarkRangesIT} covers the projector's whole path.
 */
class WatermarkModelIT {

    static final int SEQS = 150;
    static final int POLLS_MIN = 40;

    record Copy(UUID ledgerId, long seq, UUID accountId) {}

    @Test
    void theTablesMatchTheModelAfterEveryPoll() throws SQLException {
        try (var stack = TestStack.create("watermark_model")) {
            for (long seed : new long[] {1, 2, 3}) {
                run(stack, new Random(seed));
            }
        }
    }

    private static void run(TestStack stack, Random random) throws SQLException {
        var accounts = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<UUID> ledgers = List.of(UUID.randomUUID(), UUID.randomUUID());
        // Every copy of every sequence, and its event.
        Map<Copy, LedgerEvent> all = new LinkedHashMap<>();
        Map<UUID, Map<Long, Integer>> copiesOf = new TreeMap<>();
        for (var ledger : ledgers) {
            for (long seq = 1; seq <= SEQS; seq++) {
                int copies = seq == 1 ? 1 : 1 + random.nextInt(3);
                for (var event : events(ledger, seq, accounts.subList(0, copies))) {
                    all.put(new Copy(ledger, seq, event.header().accountId()), event);
                }
                copiesOf.computeIfAbsent(ledger, l -> new TreeMap<>()).put(seq, copies);
            }
        }
        List<Copy> pending = new ArrayList<>(all.keySet());
        List<Copy> delivered = new ArrayList<>();
        int polls = 0;
        boolean severalRuns = false;
        boolean copiesWithRuns = false;
        while (!pending.isEmpty() || polls < POLLS_MIN) {
            List<LedgerEvent> poll = new ArrayList<>();
            // Mostly the next copies in order, some from anywhere: a partition running ahead or lagging.
            int fresh = Math.min(pending.size(), random.nextInt(25));
            for (int i = 0; i < fresh; i++) {
                int at = random.nextInt(4) == 0 ? random.nextInt(pending.size()) : random.nextInt(Math.min(pending.size(), 30));
                var copy = pending.remove(at);
                delivered.add(copy);
                poll.add(all.get(copy));
            }
            int again = delivered.isEmpty() ? 0 : random.nextInt(6);
            for (int i = 0; i < again; i++) {
                poll.add(all.get(delivered.get(random.nextInt(delivered.size()))));
            }
            Collections.shuffle(poll, random);
            polls++;
            if (poll.isEmpty()) {
                continue;
            }
            try (var tx = ApplyTransaction.begin(stack.projections, EnumSet.noneOf(ReadModel.class), true)) {
                tx.apply(poll);
                // A grace period longer than the test: a ledger starts only once sequence 1 is seen.
                tx.finish(List.of(), Duration.ofHours(1));
                tx.commit();
            }
            for (var ledger : ledgers) {
                var expected = expected(ledger, copiesOf.get(ledger), new HashSet<>(delivered));
                assertThat(actual(stack, ledger)).as("poll %d, ledger %s", polls, ledger).isEqualTo(expected);
                var runs = expected.substring(expected.indexOf("| runs ["));
                severalRuns |= runs.contains(",");
                copiesWithRuns |= !expected.contains("copies []") && !runs.equals("| runs []");
            }
        }
        for (var ledger : ledgers) {
            assertThat(actual(stack, ledger)).isEqualTo("watermark " + SEQS + " | copies [] | runs []");
        }
        // A run that never held a gap, or never had several runs at once, did not exercise the rules.
        assertThat(severalRuns).as("several runs at once").isTrue();
        assertThat(copiesWithRuns).as("incomplete copies below runs").isTrue();
    }

    /** The naive model: everything recomputed from the set of copies delivered so far. */
    static String expected(UUID ledger, Map<Long, Integer> copiesOf, Set<Copy> delivered) {
        Map<Long, List<UUID>> arrived = new TreeMap<>();
        for (var copy : delivered) {
            if (copy.ledgerId().equals(ledger)) {
                arrived.computeIfAbsent(copy.seq(), s -> new ArrayList<>()).add(copy.accountId());
            }
        }
        if (!arrived.containsKey(1L)) {
            // Sequence 1 not seen and the grace period not over: the watermark is not set, and every
            // delivered sequence is recorded, complete ones as runs.
            return state("unset", ledger, 0, copiesOf, arrived);
        }
        long watermark = 0;
        while (watermark < copiesOf.size() && complete(watermark + 1, copiesOf, arrived)) {
            watermark++;
        }
        return state(Long.toString(watermark), ledger, watermark, copiesOf, arrived);
    }

    private static String state(String watermark, UUID ledger, long above, Map<Long, Integer> copiesOf,
                                Map<Long, List<UUID>> arrived) {
        List<String> copies = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        long runFirst = -1;
        long runLast = -1;
        for (var e : arrived.entrySet()) {
            long seq = e.getKey();
            if (seq <= above) {
                continue;
            }
            if (complete(seq, copiesOf, arrived)) {
                if (runFirst >= 0 && runLast == seq - 1) {
                    runLast = seq;
                } else {
                    if (runFirst >= 0) {
                        runs.add(runFirst + "-" + runLast);
                    }
                    runFirst = seq;
                    runLast = seq;
                }
            } else {
                e.getValue().stream().map(UUID::toString).sorted().forEach(account -> copies.add(seq + " " + account));
            }
        }
        if (runFirst >= 0) {
            runs.add(runFirst + "-" + runLast);
        }
        return "watermark " + watermark + " | copies " + copies + " | runs " + runs;
    }

    private static boolean complete(long seq, Map<Long, Integer> copiesOf, Map<Long, List<UUID>> arrived) {
        return arrived.getOrDefault(seq, List.of()).size() == copiesOf.get(seq);
    }

    static String actual(TestStack stack, UUID ledger) {
        var where = " WHERE ledger_id = '" + ledger + "'";
        var watermark = stack.rows("SELECT coalesce(projected_seq::text, 'unset') AS w FROM ledger_watermarks" + where);
        return "watermark " + (watermark.isEmpty() ? "unset" : watermark.getFirst().substring("w=".length()))
                + " | copies " + stack.rows("SELECT seq || ' ' || account_id AS c FROM seq_copies" + where
                        + " ORDER BY seq, account_id::text").stream().map(row -> row.substring("c=".length())).toList()
                + " | runs " + stack.rows("SELECT first_seq || '-' || last_seq AS r FROM seq_ranges" + where + " ORDER BY first_seq")
                        .stream().map(row -> row.substring("r=".length())).toList();
    }

    /** The copies of one sequence: an account closed when it has one, else an entry touching the accounts. */
    static List<LedgerEvent> events(UUID ledger, long seq, List<UUID> accounts) {
        var at = Instant.parse("2026-12-01T10:00:00Z");
        if (accounts.size() == 1) {
            var account = accounts.getFirst();
            return List.of(new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, ledger, seq, at, account), account));
        }
        List<Posting> postings = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            boolean debit = i == 0;
            long amount = debit ? accounts.size() - 1 : 1;
            postings.add(new Posting(accounts.get(i), "USD", debit ? Side.DEBIT : Side.CREDIT, amount, 0,
                    new Balance(debit ? amount : 0, debit ? 0 : amount, 0, 0), seq));
        }
        var entry = new Entry(UUID.randomUUID(), ledger, seq, EntryKind.ENTRY, null, null, 0, "USD", null, null, Map.of(), at,
                postings);
        var events = LedgerEvents.of(entry);
        assertThat(events).hasSize(accounts.size());
        return events;
    }
}
