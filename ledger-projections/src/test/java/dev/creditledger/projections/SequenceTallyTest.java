package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a transaction's copies say about each sequence, before the database is asked: the sequences whose
 * copies are all here, as runs, and the copies of the others.
 *
 * <pre>
 *  ledger  seq  event                   copies here              verdict
 *  L1       1   account closed (1 copy)  x                        complete
 *  L1       2   transfer x -> y          x, y, and x again        complete
 *  L1       3   transfer x -> y          x twice                  incomplete: one distinct account of two
 *  L1       4   transfer x -> y          y, x                     complete
 *  L1       5   transfer x -> y          x, y                     complete
 *  L1       7   account closed           y                        complete (6 absent: a new run)
 *  L2      10   transfer x -> y          y, x                     complete
 *  L2      11   transfer x -> y          y                        incomplete
 *
 *  runs: L1 1-2, L1 4-5, L1 7-7, L2 10-10; copies: L1 3 x (of 2), L2 11 y (of 2)
 * </pre>
 */
class SequenceTallyTest {

    static final UUID L1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID L2 = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final UUID X = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID Y = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @Test
    void completeSequencesBecomeRunsAndTheOthersCopies() {
        List<LedgerEvent> events = new ArrayList<>();
        // Given in no particular order, the second ledger first.
        events.add(transfer(L2, 11).get(1));
        events.add(transfer(L1, 5).get(0));
        events.add(closed(L1, 7, Y));
        events.add(transfer(L2, 10).get(1));
        events.add(transfer(L1, 2).get(0));
        events.add(transfer(L1, 3).get(0));
        events.add(transfer(L1, 4).get(1));
        events.add(closed(L1, 1, X));
        events.add(transfer(L1, 2).get(1));
        events.add(transfer(L1, 3).get(0));
        events.add(transfer(L1, 4).get(0));
        events.add(transfer(L2, 10).get(0));
        events.add(transfer(L1, 5).get(1));
        events.add(transfer(L1, 2).get(0));

        var tally = SequenceTally.of(events);

        assertThat(tally.completeRuns()).containsExactly(
                new SequenceTally.Run(L1, 1, 2), new SequenceTally.Run(L1, 4, 5), new SequenceTally.Run(L1, 7, 7),
                new SequenceTally.Run(L2, 10, 10));
        assertThat(tally.partialCopies()).containsExactly(
                new SequenceTally.Copy(L1, 3, X, 2), new SequenceTally.Copy(L2, 11, Y, 2));
    }

    @Test
    void nothingAppliedIsNothingToRecord() {
        var tally = SequenceTally.of(List.of());
        assertThat(tally.completeRuns()).isEmpty();
        assertThat(tally.partialCopies()).isEmpty();
    }

    static List<LedgerEvent> transfer(UUID ledger, long seq) {
        return WatermarkIT.transferCopies(ledger, seq, X, Y);
    }

    static LedgerEvent closed(UUID ledger, long seq, UUID account) {
        return new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, ledger, seq, Instant.parse("2026-12-01T10:00:00Z"),
                account), account);
    }
}
