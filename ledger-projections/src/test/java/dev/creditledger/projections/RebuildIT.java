package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.core.Side;
import dev.creditledger.devstack.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A rebuild from the topics gives exactly the rows the live projector built, row for row, on a history
 * of 10,000 transfers plus holds and multi-leg entries; and a rebuild that runs while the live
 * projector applies new events converges to what the journal says.
 */
class RebuildIT {

    static final int TRANSFERS = 10_000;
    static final int USERS = 50;

    /**
     * The reset of a model locks its tables while live transactions write them. A live transaction that
     * wrote the model's first table and is about to write the next must not deadlock with a reset that
     * waits for it: the reset takes the tables' locks in the order the live statements write them.
     */
    @Test
    void theResetWaitsForALiveTransactionWithoutDeadlock() throws Exception {
        try (var stack = TestStack.create("rebuild_reset")) {
            var rebuilder = new ProjectionRebuilder(stack.projections, stack.kafka);
            // The order in which a live transaction's statements write each model's tables.
            Map<ReadModel, List<String>> liveOrder = Map.of(
                    ReadModel.BALANCES, List.of("account_balances"),
                    ReadModel.STATEMENTS, List.of("statement_lines"),
                    ReadModel.DAILY_BALANCES, List.of("daily_balances"),
                    ReadModel.ASSET_TOTALS, List.of("asset_total_accounts", "asset_totals"));
            for (var model : ReadModel.values()) {
                var tables = liveOrder.get(model);
                assertThat(ModelWriter.of(model).tables()).containsExactlyInAnyOrderElementsOf(tables);
                try (var live = stack.projections.getConnection(); var thread = Executors.newSingleThreadExecutor();
                     var statement = live.createStatement()) {
                    live.setAutoCommit(false);
                    // Writing a table, even no row of it, holds a lock that the reset must wait for.
                    statement.execute("DELETE FROM " + tables.getFirst() + " WHERE false");
                    var reset = CompletableFuture.supplyAsync(() -> rebuilder.rebuild(model), thread);
                    AssetTotalsRaceIT.awaitWaitingForALock(stack, reset);
                    for (var table : tables.subList(1, tables.size())) {
                        statement.execute("DELETE FROM " + table + " WHERE false");
                    }
                    live.commit();
                    assertThat(reset.get(60, TimeUnit.SECONDS).eventsRead()).as("%s rebuilt from empty topics", model).isZero();
                }
            }
        }
    }

    @Test
    void rebuildEqualsLiveRowForRow() throws InterruptedException {
        try (var stack = TestStack.create("rebuild")) {
            var ledger = stack.ledger("rebuild");
            var issuer = stack.account(ledger, "USD", null);
            var pointsIssuer = stack.account(ledger, "POINTS", null);
            List<UUID> users = new ArrayList<>();
            List<UUID> points = new ArrayList<>();
            List<Command> opening = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                var user = stack.ids.next();
                var pointsAccount = stack.ids.next();
                users.add(user);
                points.add(pointsAccount);
                opening.add(new Command.CreateAccount(user, null, "USD", Side.CREDIT, 0L, Map.of("n", Integer.toString(i))));
                opening.add(new Command.CreateAccount(pointsAccount, null, "POINTS", Side.CREDIT, 0L, Map.of()));
            }
            stack.postAll(ledger, opening, 100);

            long started = System.nanoTime();
            List<Command> transfers = new ArrayList<>();
            for (int i = 0; i < TRANSFERS; i++) {
                // Funding first, then users paying each other; amounts stay within what was funded.
                transfers.add(i < USERS * 4 ? stack.transfer(issuer, users.get(i % USERS), 100_000)
                        : stack.transfer(users.get(i % USERS), users.get((i * 7 + 3) % USERS), 1 + i % 97));
            }
            // The funding is posted before the payments are queued: submissions run on several batchers at
            // once, so a payment queued with its funding could be applied first and refused.
            stack.postAll(ledger, transfers.subList(0, USERS * 4), 500);
            stack.postAll(ledger, transfers.subList(USERS * 4, TRANSFERS), 500);
            List<Command> more = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                more.add(new Command.PostTransfer(stack.ids.next(), users.get(i % USERS), users.get((i + 1) % USERS), 10 + i, "USD",
                        true, null, Map.of("hold", Integer.toString(i))));
                more.add(new Command.PostEntry(stack.ids.next(), List.of(
                        new Command.PostingLine(pointsIssuer, Side.DEBIT, 30, "POINTS"),
                        new Command.PostingLine(points.get(i % USERS), Side.CREDIT, 20, "POINTS"),
                        new Command.PostingLine(points.get((i + 1) % USERS), Side.CREDIT, 10, "POINTS")), Map.of("grant", "x")));
            }
            var holds = stack.postAll(ledger, more, 50).stream().filter(r -> r.entry().kind() == dev.creditledger.core.EntryKind.HOLD).toList();
            List<Command> resolutions = new ArrayList<>();
            for (int i = 0; i < holds.size(); i++) {
                var hold = holds.get(i).entry().id();
                resolutions.add(i % 2 == 0 ? new Command.CaptureHold(stack.ids.next(), hold, null, Map.of())
                        : new Command.VoidHold(stack.ids.next(), hold, Map.of()));
            }
            stack.postAll(ledger, resolutions, 50);
            long lastSeq = stack.lastSeq(ledger);
            int events = stack.publisher.publishAll();
            System.out.printf("history: %d sequences, %d events, posted and published in %d ms%n", lastSeq, events,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());

            long live = System.nanoTime();
            stack.projector(stack.settings(), ProjectorListener.NONE, ProjectorHooks.NONE);
            stack.awaitProjected(ledger, lastSeq, Duration.ofMinutes(5));
            System.out.printf("live projector: %d events in %d ms%n", events, Duration.ofNanos(System.nanoTime() - live).toMillis());
            long checking = System.nanoTime();
            assertThat(stack.check().differences()).isEmpty();
            System.out.printf("checker: %d ms%n", Duration.ofNanos(System.nanoTime() - checking).toMillis());
            var before = stack.snapshot();
            assertThat(before.get(ReadModel.STATEMENTS)).hasSize(2 * TRANSFERS + 2 * 100 + 3 * 100 + 2 * 100);

            var rebuilder = new ProjectionRebuilder(stack.projections, stack.kafka);
            for (var model : ReadModel.values()) {
                var report = rebuilder.rebuild(model);
                System.out.printf("rebuild %s: %d events read, %d applied, %d skipped in %d ms%n", model.cliName(),
                        report.eventsRead(), report.eventsApplied(), report.eventsSkipped(), report.duration().toMillis());
                assertThat(report.eventsRead()).isEqualTo(events);
                assertThat(report.eventsApplied()).isEqualTo(events);
                assertThat(report.eventsSkipped()).isZero();
                assertThat(stack.snapshot().get(model)).as("%s after its rebuild", model).isEqualTo(before.get(model));
            }
            assertThat(stack.snapshot()).isEqualTo(before);
            assertThat(stack.check().differences()).isEmpty();

            // A rebuild while the live projector applies new events converges all the same. Asset totals
            // are the hard case: additive, so any event applied twice or lost would show.
            var rebuildDone = new AtomicBoolean();
            var rounds = new AtomicInteger();
            var concurrent = CompletableFuture.runAsync(() -> {
                // A round of 100 transfers every 20 ms, at most 200, for as long as the rebuild runs (the
                // set-based rebuild of this history takes well under a second).
                while (!rebuildDone.get() && rounds.get() < 200) {
                    List<Command> batch = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        int from = (rounds.get() + i) % USERS;
                        batch.add(stack.transfer(users.get(from), users.get((from + 1 + i % (USERS - 1)) % USERS), 1));
                    }
                    stack.postAll(ledger, batch, 100);
                    stack.publisher.publishAll();
                    rounds.incrementAndGet();
                    try {
                        Thread.sleep(20); // the pace of this background load (a round every 20 ms), not a wait
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            Await.until(Duration.ofSeconds(60), "the first round of the concurrent load", () -> rounds.get() >= 1 || concurrent.isDone());
            if (concurrent.isDone()) {
                concurrent.join();
            }
            int roundsAtStart = rounds.get();
            var during = rebuilder.rebuild(ReadModel.ASSET_TOTALS);
            int roundsAtEnd = rounds.get();
            rebuildDone.set(true);
            concurrent.join();
            assertThat(roundsAtEnd).as("rounds of new transfers posted and published while the rebuild ran").isGreaterThan(roundsAtStart);
            long finalSeq = stack.lastSeq(ledger);
            long catchingUp = System.nanoTime();
            stack.awaitProjected(ledger, finalSeq, Duration.ofMinutes(2));
            System.out.printf("live projector caught up in %d ms after %d rounds%n", Duration.ofNanos(System.nanoTime() - catchingUp).toMillis(),
                    rounds.get());
            System.out.printf("rebuild asset-totals during live traffic: %d events read, %d applied in %d ms%n",
                    during.eventsRead(), during.eventsApplied(), during.duration().toMillis());
            assertThat(stack.check().differences()).isEmpty();
        }
    }
}
