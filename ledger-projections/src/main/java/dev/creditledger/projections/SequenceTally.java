package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A transaction's applied copies grouped by (ledger, sequence), in memory, for the watermark
 * ({@link Watermarks}). A sequence with as many distinct accounts' copies as each copy says there are
 * ({@link EventCopies}) is complete within the transaction and needs no row: consecutive complete
 * sequences of a ledger are collapsed into runs. The copies of every other sequence are listed, one per
 * (ledger, sequence, account), for the database to count together with the copies earlier transactions
 * recorded.
 *
 * What can go wrong: copies of one sequence that disagree on how many there are (which the engine never
 * produces) are counted against the highest figure, as the database counts them.
 *
 * @param completeRuns  runs of consecutive sequences complete within the transaction, by ledger, then sequence
 * @param partialCopies the copies of the other sequences, by ledger, sequence, then account
 */
record SequenceTally(List<Run> completeRuns, List<Copy> partialCopies) {

    /** Consecutive sequences {@code firstSeq..lastSeq} of one ledger. */
    record Run(UUID ledgerId, long firstSeq, long lastSeq) {}

    /** One account's copy of a sequence, and how many copies the sequence has in all. */
    record Copy(UUID ledgerId, long seq, UUID accountId, int copiesExpected) {}

    /** The accounts whose copy of one sequence arrived, and how many there are in all. */
    private static final class Arrived {
        final Set<UUID> accounts = new HashSet<>();
        int copiesExpected;

        boolean complete() {
            return accounts.size() >= copiesExpected;
        }
    }

    static SequenceTally of(List<LedgerEvent> events) {
        var byLedger = new TreeMap<UUID, TreeMap<Long, Arrived>>();
        for (var event : events) {
            var header = event.header();
            var arrived = byLedger.computeIfAbsent(header.ledgerId(), ledger -> new TreeMap<>())
                    .computeIfAbsent(header.ledgerSeq(), seq -> new Arrived());
            arrived.accounts.add(header.accountId());
            arrived.copiesExpected = Math.max(arrived.copiesExpected, EventCopies.expected(event));
        }
        List<Run> runs = new ArrayList<>();
        List<Copy> partial = new ArrayList<>();
        for (var ledger : byLedger.entrySet()) {
            var ledgerId = ledger.getKey();
            Run open = null;
            for (Map.Entry<Long, Arrived> sequence : ledger.getValue().entrySet()) {
                long seq = sequence.getKey();
                var arrived = sequence.getValue();
                if (!arrived.complete()) {
                    for (var accountId : new TreeSet<>(arrived.accounts)) {
                        partial.add(new Copy(ledgerId, seq, accountId, arrived.copiesExpected));
                    }
                } else if (open != null && open.lastSeq() == seq - 1) {
                    open = new Run(ledgerId, open.firstSeq(), seq);
                } else {
                    if (open != null) {
                        runs.add(open);
                    }
                    open = new Run(ledgerId, seq, seq);
                }
            }
            if (open != null) {
                runs.add(open);
            }
        }
        return new SequenceTally(List.copyOf(runs), List.copyOf(partial));
    }
}
