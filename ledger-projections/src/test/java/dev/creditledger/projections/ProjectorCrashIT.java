package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The projector stopped where it hurts: in the middle of a batch's transaction, between the database
 * commit and the offset commit, and with its database taken away. A new projector in the same group
 * (or the same one, once the database is back) must end with every event applied once: the checker
 * (which compares the additive asset totals with the journal) is clean and the watermark is the last
 * sequence.
 */
class ProjectorCrashIT {

    /** Longer than the projector's 200 ms between polls (ProjectorSettings.defaults), so a further delivery would show. */
    private static final Duration EXTRA_RECORDS_WINDOW = Duration.ofMillis(500);

    /** Stands for a crash: an Error ends the projector's thread without committing anything further. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String where) {
            super("simulated crash " + where);
        }
    }

    @Test
    void crashInTheMiddleOfABatchAppliesNothingTwiceAndSkipsNothing() {
        try (var stack = TestStack.create("crash_mid")) {
            var history = history(stack, "crash-mid");
            var consumedBeforeCrash = new AtomicInteger();
            var commits = new AtomicInteger();
            var crashed = new AtomicInteger();
            var crashing = stack.projector(stack.settings().withPollRecordsMax(50), new RedeliveryIT.CountingListener(consumedBeforeCrash),
                    new ProjectorHooks() {
                        @Override
                        public void afterEventApplied(int eventsInBatch) {
                            // After two committed batches, in the first batch that reaches 10 events, with those
                            // 10 applied inside its transaction.
                            if (commits.get() >= 2 && eventsInBatch == 10 && crashed.getAndIncrement() == 0) {
                                throw new SimulatedCrash("after 10 events of a batch");
                            }
                        }

                        @Override
                        public void afterDatabaseCommit() {
                            commits.incrementAndGet();
                        }
                    });
            awaitStopped(crashing);
            assertThat(crashed.get()).isEqualTo(1);
            int committed = consumedBeforeCrash.get();
            assertThat(committed).isBetween(2, history.events() - 10);
            // Only the committed batches are in: the crashed batch's applied events were rolled back.
            assertThat(stack.count("SELECT count(*) FROM statement_lines")).isEqualTo(committedStatementLines(stack));
            assertThat(stack.queries.projectedSeq(history.ledger())).isLessThan(history.lastSeq());

            var consumedAfter = new AtomicInteger();
            stack.projector(stack.settings().withPollRecordsMax(50), new RedeliveryIT.CountingListener(consumedAfter), ProjectorHooks.NONE);
            stack.awaitProjected(history.ledger(), history.lastSeq(), Duration.ofSeconds(60));
            // The new instance starts at the committed offsets: exactly the records not yet committed.
            assertThat(awaitCount(consumedAfter, history.events() - committed)).isEqualTo(history.events() - committed);
            assertThatEverythingIsAppliedOnce(stack, history);
        }
    }

    @Test
    void crashBetweenDatabaseCommitAndOffsetCommitIsDeduplicated() {
        try (var stack = TestStack.create("crash_commit")) {
            var history = history(stack, "crash-commit");
            var consumedBeforeCrash = new AtomicInteger();
            var commits = new AtomicInteger();
            var crashing = stack.projector(stack.settings().withPollRecordsMax(50), new RedeliveryIT.CountingListener(consumedBeforeCrash),
                    new ProjectorHooks() {
                        @Override
                        public void afterDatabaseCommit() {
                            if (commits.incrementAndGet() == 3) {
                                throw new SimulatedCrash("after the third database commit");
                            }
                        }
                    });
            awaitStopped(crashing);
            int committed = consumedBeforeCrash.get();
            // The third batch is in the database although its offsets were never committed.
            assertThat(stack.count("SELECT count(*) FROM statement_lines")).isGreaterThan(committedStatementLines(stack));

            var consumedAfter = new AtomicInteger();
            stack.projector(stack.settings().withPollRecordsMax(50), new RedeliveryIT.CountingListener(consumedAfter), ProjectorHooks.NONE);
            stack.awaitProjected(history.ledger(), history.lastSeq(), Duration.ofSeconds(60));
            // The third batch was delivered again...
            assertThat(awaitCount(consumedAfter, history.events() - committed)).isEqualTo(history.events() - committed);
            // ...and changed nothing the second time.
            assertThatEverythingIsAppliedOnce(stack, history);
        }
    }

    @Test
    void databaseOutageIsRetriedFromTheBatchStart() throws Exception {
        try (var stack = TestStack.create("outage", Duration.ofMillis(500))) {
            var failures = new AtomicInteger();
            var consumed = new AtomicInteger();
            var settings = new ProjectorSettings("g-" + stack.kafka.topicPrefix(), 50, Duration.ofMillis(100), Duration.ofMillis(400),
                    ProjectorSettings.SESSION_TIMEOUT_DEFAULT);
            stack.projector(settings, new ProjectorListener() {
                @Override
                public void applied(int events, long nanos) {
                    consumed.addAndGet(events);
                }

                @Override
                public void deadLettered(String reason) {
                }

                @Override
                public void failed(Exception cause) {
                    failures.incrementAndGet();
                }
            }, ProjectorHooks.NONE);

            var history = history(stack, "outage", false);
            setConnectionsAllowed(stack.projectionsDatabase(), false);
            try {
                stack.publisher.publishAll();
                Await.until(Duration.ofSeconds(30), "four batches failed while the database was away", () -> failures.get() >= 4);
                assertThat(consumed.get()).isZero();
            } finally {
                setConnectionsAllowed(stack.projectionsDatabase(), true);
            }
            stack.awaitProjected(history.ledger(), history.lastSeq(), Duration.ofSeconds(60));
            // Every failed batch was sought back to its start, so every record was consumed, once.
            assertThat(awaitCount(consumed, history.events())).isEqualTo(history.events());
            assertThatEverythingIsAppliedOnce(stack, history);
        }
    }

    record History(UUID ledger, long lastSeq, int events, long usdPosted) {}

    static History history(TestStack stack, String name) {
        return history(stack, name, true);
    }

    /** 20 accounts, 120 transfers, 10 holds (5 captured, 5 voided): 300 events. */
    static History history(TestStack stack, String name, boolean publish) {
        var ledger = stack.ledger(name);
        var issuer = stack.account(ledger, "USD", null);
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            users.add(stack.account(ledger, "USD", 0L));
        }
        List<Command> commands = new ArrayList<>();
        long posted = 0;
        for (int i = 0; i < 120; i++) {
            commands.add(stack.transfer(issuer, users.get(i % users.size()), 1_000 + i));
            posted += 1_000 + i;
        }
        stack.postAll(ledger, commands, 20);
        for (int i = 0; i < 10; i++) {
            var hold = stack.post(ledger, new Command.PostTransfer(stack.ids.next(), users.get(i), users.get(i + 1), 10, "USD", true,
                    null, Map.of())).entry();
            if (i % 2 == 0) {
                stack.post(ledger, new Command.CaptureHold(stack.ids.next(), hold.id(), null, Map.of()));
                posted += 10;
            } else {
                stack.post(ledger, new Command.VoidHold(stack.ids.next(), hold.id(), Map.of()));
            }
        }
        int events = 20 + 2 * (120 + 20);
        if (publish) {
            assertThat(stack.publisher.publishAll()).isEqualTo(events);
        }
        return new History(ledger, stack.lastSeq(ledger), events, posted);
    }

    static void assertThatEverythingIsAppliedOnce(TestStack stack, History history) {
        var usd = stack.queries.assetTotals(history.ledger()).getFirst();
        assertThat(List.of(usd.debitsPosted(), usd.creditsPosted(), usd.debitsPending(), usd.creditsPending(), usd.accounts()))
                .containsExactly(history.usdPosted(), history.usdPosted(), 0L, 0L, 20L);
        // One line per posting: 140 entries (120 transfers, 10 holds, 10 captures or voids) of two postings each.
        assertThat(stack.count("SELECT count(*) FROM statement_lines")).isEqualTo(2L * 140);
        assertThat(stack.count("SELECT count(*) FROM asset_total_accounts")).isEqualTo(20);
        assertThat(stack.queries.projectedSeq(history.ledger())).isEqualTo(history.lastSeq());
        assertThat(stack.check().differences()).isEmpty();
    }

    /**
     * The statement lines the records below the consumer group's committed offsets hold (one per posting
     * of each entry event's own account), read back from the topics.
     */
    static long committedStatementLines(TestStack stack) {
        var bootstrap = Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        try (var admin = Admin.create(bootstrap);
             var consumer = new KafkaConsumer<>(bootstrap, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var committed = admin.listConsumerGroupOffsets(stack.settings().groupId()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            long lines = 0;
            for (var e : committed.entrySet()) {
                long end = e.getValue().offset();
                consumer.assign(List.of(e.getKey()));
                consumer.seekToBeginning(List.of(e.getKey()));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (consumer.position(e.getKey()) < end) {
                    assertThat(System.nanoTime()).as("read %s up to %d", e.getKey(), end).isLessThan(deadline);
                    for (var record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.offset() < end && RecordDecoder.decode(record.value()) instanceof LedgerEvent.EntryPosted posted) {
                            lines += OwnPostings.of(posted).size();
                        }
                    }
                }
            }
            return lines;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the committed records", e);
        }
    }

    /**
     * The listener hears of a batch after its offsets are committed, a moment after the watermark moved:
     * waits for the expected count, then proves that no record beyond it is consumed within {@link #EXTRA_RECORDS_WINDOW}.
     */
    static int awaitCount(AtomicInteger count, int expected) {
        Await.until(Duration.ofSeconds(20), expected + " records consumed (" + count.get() + " so far)", () -> count.get() >= expected);
        // A record delivered twice would come in the projector's next poll (200 ms at most between polls): watching the
        // count for longer than that shows it; the watermark and every row were already checked to be complete.
        Await.holdsFor(EXTRA_RECORDS_WINDOW, "no record consumed beyond the expected " + expected, () -> count.get() <= expected);
        return count.get();
    }

    static void awaitStopped(Projector projector) {
        Await.until(Duration.ofSeconds(60), "the crashed projector's thread ended", () -> !projector.running());
    }

    /** Takes the database away for real: no new connections, and every open one is terminated. */
    static void setConnectionsAllowed(String database, boolean allowed) {
        TestInfrastructure.setConnectionsAllowed(database, allowed);
    }
}
