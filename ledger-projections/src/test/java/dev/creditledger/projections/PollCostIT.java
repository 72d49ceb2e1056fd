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
 * level, one pipeline of eleven statements, the commit) for a poll of 13 events and for one of 2,000.
 * A per-event statement anywhere in the projector makes the second number grow with the poll and fails
 * this test.
 */
class PollCostIT {

    /**
     * balances, statement lines, daily balances; asset totals: ensure, lock, move; model progress; the
     * watermarks: ensure, lock, copies, move.
     */
    static final int STATEMENTS_PER_POLL = 11;

    @Test
    void aPollCostsThreeRoundTripsAndElevenStatementsWhateverItsSize() throws Exception {
        try (var stack = TestStack.create("poll_cost"); var deadLetters = new DeadLetterPublisher(stack.kafka)) {
            var counting = new CountingDataSource(stack.projections);
            var applier = new BatchApplier(counting, deadLetters, ProjectorHooks.NONE);

            var smallCopies = DedupeByOrderIT.history(stack, "small").copies();
            assertThat(smallCopies).hasSize(DedupeByOrderIT.EVENTS);
            assertCost(counting, applier, stack.records(smallCopies));

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
            var largeRecords = stack.records(largeCopies);
            assertCost(counting, applier, largeRecords);
            // Delivered again, it costs the same and changes nothing.
            var before = stack.snapshot();
            assertCost(counting, applier, largeRecords);
            assertThat(stack.snapshot()).isEqualTo(before);
            assertThat(stack.check().differences()).isEmpty();
        }
    }

    static void assertCost(CountingDataSource counting, BatchApplier applier, List<ConsumerRecord<byte[], byte[]>> poll)
            throws java.sql.SQLException {
        counting.reset();
        assertThat(applier.apply(poll).deadLetters()).isEmpty();
        assertThat(counting.calls()).as("%d events", poll.size()).containsExactly(
                "setTransactionIsolation", "execute (" + STATEMENTS_PER_POLL + " statements)", "commit");
    }
}
