package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import dev.creditledger.devstack.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Asset totals are additive, so two transactions that apply the same account at the same moment (the
 * live projector and a rebuild running beside it) must neither count a difference twice nor lose one,
 * and must not deadlock. Here the live applier (every model, in publication order) and two rebuild
 * appliers (asset totals only: one newest first, one shuffled, with other poll sizes) apply the same
 * events at once, in {@value #ROUNDS} rounds: first from empty read models, then each time after the
 * asset totals were reset as a rebuild resets them. Afterwards the checker, which compares every total and account count with the
 * sums of the journal's balances, finds no difference, and the totals are those counted by hand.
 * Small polls make the appliers meet on the same accounts often, which shows a lock order that can
 * deadlock at once; a lost update shows only when two transactions meet in a narrow window, so the second
 * test sets that window up on purpose.
 */
class AssetTotalsRaceIT {

    static final int USERS_PER_ASSET = 8;
    static final int TRANSFERS = 1_200;
    static final int ROUNDS = 4;

    @Test
    void aRebuildRacingTheLiveProjectorCountsEveryAccountOnce() throws Exception {
        try (var stack = TestStack.create("totals_race"); var deadLetters = new DeadLetterPublisher(stack.kafka)) {
            var ledger = stack.ledger("race");
            // Two assets, so that the totals rows are locked in (ledger, asset) order across several rows.
            long usdPosted = 0;
            long pointsPosted = 0;
            var usdIssuer = stack.account(ledger, "USD", null);
            var pointsIssuer = stack.account(ledger, "POINTS", null);
            List<UUID> usd = new ArrayList<>();
            List<UUID> points = new ArrayList<>();
            List<Command> opening = new ArrayList<>();
            for (int i = 0; i < USERS_PER_ASSET; i++) {
                usd.add(stack.ids.next());
                points.add(stack.ids.next());
                opening.add(new Command.CreateAccount(usd.getLast(), null, "USD", Side.CREDIT, null, Map.of()));
                opening.add(new Command.CreateAccount(points.getLast(), null, "POINTS", Side.CREDIT, null, Map.of()));
            }
            stack.postAll(ledger, opening, 16);
            var random = new Random(7);
            List<Command> commands = new ArrayList<>();
            for (int i = 0; i < TRANSFERS; i++) {
                long amount = 1 + random.nextInt(50);
                int from = i % USERS_PER_ASSET;
                int to = (from + 1 + random.nextInt(USERS_PER_ASSET - 1)) % USERS_PER_ASSET;
                if (i % 3 == 0) {
                    commands.add(new Command.PostTransfer(stack.ids.next(), i % 2 == 0 ? usdIssuer : usd.get(from), usd.get(to), amount,
                            "USD", false, null, Map.of()));
                    usdPosted += amount;
                } else {
                    commands.add(new Command.PostTransfer(stack.ids.next(), points.get(from), i % 2 == 0 ? pointsIssuer : points.get(to),
                            amount, "POINTS", false, null, Map.of()));
                    pointsPosted += amount;
                }
            }
            // A few holds, so that pending totals move up and back down.
            for (int i = 0; i < 20; i++) {
                commands.add(new Command.PostTransfer(stack.ids.next(), usd.get(i % USERS_PER_ASSET), usdIssuer, 5, "USD", true, null,
                        Map.of()));
            }
            var holds = stack.postAll(ledger, commands, 20).stream()
                    .filter(r -> r.entry().kind() == EntryKind.HOLD).toList();
            List<Command> captures = new ArrayList<>();
            for (int i = 0; i < holds.size(); i += 2) {
                captures.add(new Command.CaptureHold(stack.ids.next(), holds.get(i).entry().id(), null, Map.of()));
                usdPosted += 5;
            }
            stack.postAll(ledger, captures, 20);
            long lastSeq = stack.lastSeq(ledger);
            var copies = WatermarkIT.journal(stack, ledger);

            for (int round = 1; round <= ROUNDS; round++) {
                if (round > 1) {
                    // As a rebuild's reset leaves them: no totals, no snapshots.
                    stack.execute(stack.projections, "DELETE FROM asset_totals; DELETE FROM asset_total_accounts");
                }
                var live = stack.records(copies);
                var newestFirst = stack.records(copies.reversed());
                var shuffled = new ArrayList<>(live);
                Collections.shuffle(shuffled, new Random(round));
                var start = new CyclicBarrier(3);
                // Threads of their own: the common pool has a single thread on two cores.
                try (var threads = Executors.newFixedThreadPool(3)) {
                    var applying = List.of(
                            CompletableFuture.runAsync(() -> live(stack, deadLetters, live, 8, start), threads),
                            CompletableFuture.runAsync(() -> rebuild(stack, newestFirst, 6, start), threads),
                            CompletableFuture.runAsync(() -> rebuild(stack, shuffled, 10, start), threads));
                    CompletableFuture.allOf(applying.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                }

                assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
                assertThat(stack.check().differences()).as("round %d", round).isEmpty();
                // Each transfer and capture added its amount to both sides; the holds' pending amounts were
                // captured (half) or are still pending (the other half, 10 holds of 5 on each side).
                var totals = stack.queries.assetTotals(ledger);
                assertThat(totals).extracting(t -> t.asset() + " " + t.debitsPosted() + "/" + t.creditsPosted() + " pending "
                        + t.debitsPending() + "/" + t.creditsPending() + " accounts " + t.accounts()).containsExactly(
                        "POINTS " + pointsPosted + "/" + pointsPosted + " pending 0/0 accounts " + (USERS_PER_ASSET + 1),
                        "USD " + usdPosted + "/" + usdPosted + " pending 50/50 accounts " + (USERS_PER_ASSET + 1));
            }
        }
    }

    /**
     * The gap the lock closes: another applier holds alice's snapshot row (it locked it and has not moved
     * it yet) when this one brings her version 2. This one must wait for the lock before it reads the
     * snapshot; reading first would compute 300 - 100 from version 1 and add it after the other moved
     * her to version 3, 800 in all. The other applier is played by hand here, statement by statement,
     * because the projector's own statements travel in one round trip and cannot be paused in between.
     */
    @Test
    void anApplierWaitsForAnotherThatLockedTheAccountBeforeReadingItsSnapshot() throws Exception {
        try (var stack = TestStack.create("totals_locked_first")) {
            var ledger = stack.ledger("locked-first");
            var issuer = stack.account(ledger, "USD", null);
            var alice = stack.account(ledger, "USD", 0L);
            for (long amount : new long[] {100, 200, 300}) {
                stack.post(ledger, stack.transfer(issuer, alice, amount));
            }
            var alices = alicesCopies(stack, ledger, alice);
            applyAssetTotals(stack, List.of(alices.get(0)));
            assertThat(credits(stack, ledger)).isEqualTo(100);

            var where = " WHERE ledger_id = '" + ledger + "' AND account_id = '" + alice + "'";
            try (var other = stack.projections.getConnection(); var thread = Executors.newSingleThreadExecutor()) {
                other.setAutoCommit(false);
                try (var statement = other.createStatement()) {
                    statement.execute("SELECT 1 FROM asset_total_accounts" + where + " FOR UPDATE");
                    var second = CompletableFuture.runAsync(() -> applyAssetTotals(stack, List.of(alices.get(1))), thread);
                    awaitWaitingForALock(stack, second);
                    // The other applier's move: alice from version 1 to 3, and the difference into the total.
                    statement.execute("UPDATE asset_total_accounts SET version = 3, credits_posted = 600" + where);
                    statement.execute("UPDATE asset_totals SET credits_posted = credits_posted + 500 WHERE ledger_id = '" + ledger + "'");
                    other.commit();
                    second.get(20, TimeUnit.SECONDS);
                }
            }
            assertThat(credits(stack, ledger)).as("alice's credits posted after version 3, counted once").isEqualTo(600);
        }
    }

    static List<dev.creditledger.core.events.LedgerEvent> alicesCopies(TestStack stack, UUID ledger, UUID alice) {
        var copies = WatermarkIT.journal(stack, ledger).stream().filter(c -> c.accountId().equals(alice) && c.seq() >= 3)
                .map(c -> RecordDecoder.decode(c.payload().getBytes(StandardCharsets.UTF_8))).toList();
        assertThat(copies).hasSize(3);
        return copies;
    }

    static void awaitWaitingForALock(TestStack stack, CompletableFuture<?> waiter) throws InterruptedException {
        Await.until(Duration.ofSeconds(20), "the second applier waits for a lock", () -> {
            assertThat(waiter).as("the second applier waits for the first").isNotDone();
            return stack.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0;
        });
    }

    static void applyAssetTotals(TestStack stack, List<dev.creditledger.core.events.LedgerEvent> events) {
        try (var tx = ApplyTransaction.begin(stack.projections, Set.of(ReadModel.ASSET_TOTALS), false)) {
            tx.apply(events);
            tx.finish(List.of(), Watermarks.HISTORY_START_GRACE);
            tx.commit();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long credits(TestStack stack, UUID ledger) {
        return stack.queries.assetTotals(ledger).getFirst().creditsPosted();
    }

    /** The live projector's way: every model and the watermarks, a poll per transaction. */
    static void live(TestStack stack, DeadLetterPublisher deadLetters, List<ConsumerRecord<byte[], byte[]>> records, int pollSize,
                     CyclicBarrier start) {
        await(start);
        var applier = new BatchApplier(stack.projections, deadLetters, ProjectorHooks.NONE);
        for (int from = 0; from < records.size(); from += pollSize) {
            try {
                var result = applier.apply(records.subList(from, Math.min(records.size(), from + pollSize)));
                assertThat(result.deadLetters()).isEmpty();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the live applier failed (a deadlock would show here)", e);
            }
        }
    }

    /** The rebuild's way: asset totals only, no watermarks, a batch per transaction; a deadlock would throw. */
    static void rebuild(TestStack stack, List<ConsumerRecord<byte[], byte[]>> records, int batchSize, CyclicBarrier start) {
        await(start);
        for (int from = 0; from < records.size(); from += batchSize) {
            var events = records.subList(from, Math.min(records.size(), from + batchSize)).stream()
                    .map(r -> RecordDecoder.decode(r.value())).toList();
            applyAssetTotals(stack, events);
        }
    }

    static void await(CyclicBarrier start) {
        try {
            start.await(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
