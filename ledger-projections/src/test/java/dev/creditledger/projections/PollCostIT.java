package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.core.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * What one poll costs the read-model database, whatever its size: three round trips (the isolation
 * level, one pipeline of eleven statements, the commit) for a poll of 13 events and for one of 2,000
 * (whose pipeline opens with a twelfth, the choice of custom plans for a large poll),
 * and for polls that leave a hundred sequences incomplete and then complete them. A per-event statement
 * anywhere in the projector makes the second number grow with the poll and fails this test. The
 * watermark's rows follow what is incomplete: none for a poll whose sequences all complete in it, one
 * copy per incomplete sequence otherwise.
 */
class PollCostIT {

    /**
     * balances, statement lines, daily balances; asset totals: ensure, lock, move; model progress; the
     * watermarks: ensure, lock, record (copies and runs, reading what was recorded before), move.
     */
    static final int STATEMENTS_PER_POLL = 11;

    @Test
    void aPollCostsThreeRoundTripsAndElevenStatementsWhateverItsSize() throws Exception {
        try (var stack = TestStack.create("poll_cost"); var deadLetters = new DeadLetterPublisher(stack.kafka)) {
            var counting = new CountingDataSource(stack.projections);
            var applier = new BatchApplier(counting, deadLetters, ProjectorHooks.NONE);

            var small = DedupeByOrderIT.history(stack, "small");
            var smallCopies = small.copies();
            assertThat(smallCopies).hasSize(DedupeByOrderIT.EVENTS);
            assertCost(counting, applier, stack.records(smallCopies));
            assertWatermarkRows(stack, small.ledger(), "watermark 9 copies 0 runs 0");

            var large = stack.ledger("large");
            var issuer = stack.account(large, "USD", null);
            List<UUID> users = new ArrayList<>();
            List<Command> commands = new ArrayList<>();
            for (int i = 0; i < 49; i++) {
                users.add(stack.ids.next());
                commands.add(new Command.CreateAccount(users.getLast(), null, "USD", Side.CREDIT, null, Map.of()));
            }
            // Opened before the transfers are queued: submissions run on several batchers at once.
            stack.postAll(large, commands, 100);
            commands.clear();
            for (int i = 0; i < 975; i++) {
                int from = i % 49;
                int to = (from + 1 + (i / 49) % 48) % 49;
                commands.add(stack.transfer(i % 2 == 0 ? issuer : users.get(from), users.get(to), 1 + i % 13));
            }
            stack.postAll(large, commands, 100);
            var largeCopies = WatermarkIT.journal(stack, large);
            assertThat(largeCopies).hasSize(2_000);
            assertThat(stack.lastSeq(large)).as("50 openings, 975 transfers").isEqualTo(1_025);
            var largeRecords = stack.records(largeCopies);
            assertCost(counting, applier, largeRecords);
            assertWatermarkRows(stack, large, "watermark 1025 copies 0 runs 0");
            // Delivered again, it costs the same and changes nothing.
            var before = stack.snapshot();
            assertCost(counting, applier, largeRecords);
            assertThat(stack.snapshot()).isEqualTo(before);
            assertWatermarkRows(stack, large, "watermark 1025 copies 0 runs 0");

            // Ten accounts opened (sequences 1-10), then 100 transfers (11-110). The first poll holds every
            // opening and the first copy of every transfer: one copy of each transfer waits; the second
            // poll brings the other copies. Both cost the same.
            var split = stack.ledger("split");
            List<UUID> accounts = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                accounts.add(stack.account(split, "USD", null));
            }
            commands.clear();
            for (int i = 0; i < 100; i++) {
                commands.add(stack.transfer(accounts.get(i % 10), accounts.get((i + 1 + (i / 10) % 9) % 10), 1));
            }
            stack.postAll(split, commands, 20);
            assertThat(stack.lastSeq(split)).isEqualTo(110);
            var splitCopies = WatermarkIT.journal(stack, split);
            assertCost(counting, applier, stack.records(splitCopies.stream().filter(c -> c.part() == 0).toList()));
            assertWatermarkRows(stack, split, "watermark 10 copies 100 runs 0");
            assertCost(counting, applier, stack.records(splitCopies.stream().filter(c -> c.part() == 1).toList()));
            assertWatermarkRows(stack, split, "watermark 110 copies 0 runs 0");
            assertThat(stack.check().differences()).isEmpty();
        }
    }

    /** The ledger's watermark and how many seq_copies and seq_ranges rows it has. */
    static void assertWatermarkRows(TestStack stack, UUID ledger, String expected) {
        var where = " WHERE ledger_id = '" + ledger + "'";
        assertThat("watermark " + stack.queries.projectedSeq(ledger) + " copies " + stack.count("SELECT count(*) FROM seq_copies" + where)
                + " runs " + stack.count("SELECT count(*) FROM seq_ranges" + where)).isEqualTo(expected);
    }

    static void assertCost(CountingDataSource counting, BatchApplier applier, List<ConsumerRecord<byte[], byte[]>> poll)
            throws java.sql.SQLException {
        counting.reset();
        assertThat(applier.apply(poll).deadLetters()).isEmpty();
        int statements = STATEMENTS_PER_POLL + (poll.size() >= ApplyTransaction.CUSTOM_PLANS_EVENTS_MIN ? 1 : 0);
        assertThat(counting.calls()).as("%d events", poll.size()).containsExactly(
                "setTransactionIsolation", "execute (" + statements + " statements)", "commit");
    }
}
