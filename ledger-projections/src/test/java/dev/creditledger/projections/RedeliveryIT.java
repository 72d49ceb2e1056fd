package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.devstack.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every event delivered twice (as after a relay crash between producing and marking): the second
 * copies are consumed and change nothing, the additive asset totals included. Nothing records event
 * ids: the read models recognise the copies by their account versions.
 */
class RedeliveryIT {

    @Test
    void theSameEventsTwiceChangeNothing() throws InterruptedException {
        try (var stack = TestStack.create("redelivery")) {
            var ledger = stack.ledger("redelivery");
            var issuer = stack.account(ledger, "USD", null);
            List<java.util.UUID> users = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                users.add(stack.account(ledger, "USD", 0L));
            }
            List<Command> commands = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                commands.add(stack.transfer(issuer, users.get(i % users.size()), 100 + i));
            }
            stack.postAll(ledger, commands, 10);
            var hold = stack.post(ledger, new Command.PostTransfer(stack.ids.next(), users.get(0), users.get(1), 50, "USD", true, null,
                    Map.of())).entry();
            stack.post(ledger, new Command.CaptureHold(stack.ids.next(), hold.id(), null, Map.of()));
            long lastSeq = stack.lastSeq(ledger);
            int published = stack.publisher.publishAll();

            var consumed = new AtomicInteger();
            stack.projector(stack.settings().withPollRecordsMax(25), new CountingListener(consumed), ProjectorHooks.NONE);
            stack.awaitProjected(ledger, lastSeq, Duration.ofSeconds(60));
            var before = stack.snapshot();
            assertThat(stack.check().differences()).isEmpty();

            int again = stack.publisher.republishAll();
            assertThat(again).isEqualTo(published);
            Await.until(Duration.ofSeconds(60), "every copy consumed a second time", () -> consumed.get() >= 2 * published);
            assertThat(consumed.get()).as("every copy was consumed a second time").isEqualTo(2 * published);

            // Every table of every model, the asset totals' per-account snapshots included, is as it was.
            assertThat(stack.snapshot()).isEqualTo(before);
            assertThat(stack.count("SELECT count(*) FROM seq_copies")).isZero();
            assertThat(stack.count("SELECT count(*) FROM dead_letters")).isZero();
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
            assertThat(stack.check().differences()).isEmpty();
        }
    }

    /** Counts the records of committed batches. */
    record CountingListener(AtomicInteger consumed) implements ProjectorListener {
        @Override
        public void applied(int events, long nanos) {
            consumed.addAndGet(events);
        }

        @Override
        public void deadLettered(String reason) {
        }

        @Override
        public void failed(Exception cause) {
        }
    }
}
