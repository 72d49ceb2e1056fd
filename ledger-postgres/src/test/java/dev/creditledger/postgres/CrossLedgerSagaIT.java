package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Backoff;
import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.saga.SagaStatus;
import dev.creditledger.core.saga.SagaStep;
import dev.creditledger.core.saga.StepState;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transfers between ledgers on two clusters (two databases of the test PostgreSQL), driven by the {@link SagaRunner}
 * (ADR 0021): completed, refused at the source, compensated when the destination refuses, a crash between every
 * pair of steps (the step's effect done and its record lost) ending exactly once, and a destination that is taken
 * away past the deadline: compensated when the credit never landed, completed when it landed but its answer was lost.
 * After each, both ledgers verify clean and the money in transit matches (what was credited was captured).
 */
class CrossLedgerSagaIT {

    private static final Duration DEADLINE = Duration.ofMinutes(1);
    private static String destinationDatabase;
    private static HikariDataSource source;
    private static HikariDataSource destination;
    private static Clusters clusters;
    private static PostingEngines engines;
    private static SettableClock clock;
    private static SagaRunner runner;
    private static LedgerAdmin admin;
    private static LedgerLinks links;
    private static final IdGenerator ids = new IdGenerator(java.time.Clock.systemUTC());

    @BeforeAll
    static void start() {
        source = TestInfrastructure.freshDatabase("saga_source", ds -> {});
        destinationDatabase = TestInfrastructure.freshDatabaseName("saga_destination");
        // A short connection timeout: the destination taken away answers "unavailable" within a second.
        destination = TestInfrastructure.database(destinationDatabase, 10, Duration.ofSeconds(1), Map.of());
        clusters = new Clusters(List.of(new Cluster("main", "", source), new Cluster("c2", "", destination))).migrate();
        clock = new SettableClock(Instant.now());
        engines = new PostingEngines(clusters, c -> new PostgresPostingEngine(c.dataSource(), clock, new EngineSettings(1_000, 1_000, 1),
                EngineListener.NONE));
        links = new LedgerLinks(clusters, clock);
        runner = new SagaRunner(clusters, engines, new SagaStore(clusters), links, clock, ids,
                new SagaRunner.Settings(DEADLINE, Duration.ofSeconds(30), Duration.ofSeconds(5),
                        new Backoff(Duration.ofMillis(1), Duration.ofMillis(10)), null));
        admin = new LedgerAdmin(clusters, clock);
    }

    @AfterAll
    static void stop() {
        engines.close();
        source.close();
        destination.close();
    }

    /** A source ledger on main with a funded account (1,000 USD minor units, no overdraft), linked to a destination on c2. */
    private record Pair(UUID from, UUID payer, UUID to, UUID payee) {}

    private Pair pair() {
        var name = UUID.randomUUID().toString().substring(0, 8);
        var from = admin.createLedger("src-" + name, LedgerAdmin.UTC, "main").id();
        var to = admin.createLedger("dst-" + name, LedgerAdmin.UTC, "c2").id();
        var issuer = open(from, null);
        var payer = open(from, 0L);
        submit(from, null, new Command.PostTransfer(ids.next(), issuer, payer, 1_000, "USD", false, null, Map.of()));
        var payee = open(to, 0L);
        assertThat(links.link(from, to)).isTrue();
        return new Pair(from, payer, to, payee);
    }

    @Test
    void aTransferBetweenLedgersOnTwoClustersCompletesOnce() {
        var p = pair();
        var started = runner.start(p.from(), new IdempotencyKey("pay-1", "h1"), p.payer(), p.to(), p.payee(), 300, "USD", Map.of("order", "A-1"), null);
        var saga = runner.drive(p.from(), started.saga().id(), Duration.ofSeconds(10));
        assertThat(saga.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(saga.stepStates()).containsExactlyInAnyOrderEntriesOf(Map.of(SagaStep.RESERVE, StepState.DONE, SagaStep.CREDIT, StepState.DONE,
                SagaStep.CAPTURE, StepState.DONE));
        saga.steps().values().forEach(step -> assertThat(step.attempts()).as("%s", step.step()).isEqualTo(1));
        assertThat(saga.steps().get(SagaStep.CREDIT).entryLedger()).isEqualTo(p.to());
        assertThat(posted(p.from(), p.payer())).isEqualTo(700);
        assertThat(posted(p.to(), p.payee())).isEqualTo(300);
        var replay = runner.start(p.from(), new IdempotencyKey("pay-1", "h1"), p.payer(), p.to(), p.payee(), 300, "USD", Map.of("order", "A-1"), null);
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.saga().id()).isEqualTo(saga.id());
        assertThatThrownBy(() -> runner.start(p.from(), new IdempotencyKey("pay-1", "other"), p.payer(), p.to(), p.payee(), 5, "USD", Map.of(), null))
                .isInstanceOfSatisfying(LedgerRejection.class, e -> assertThat(e.violation().reason()).isEqualTo(Reason.IDEMPOTENCY_KEY_REUSED));
        assertClean();
    }

    @Test
    void withoutALinkTheOtherLedgersAccountDoesNotExist() {
        var p = pair();
        assertThat(links.unlink(p.from(), p.to())).isTrue();
        assertThatThrownBy(() -> runner.start(p.from(), null, p.payer(), p.to(), p.payee(), 1, "USD", Map.of(), null))
                .isInstanceOfSatisfying(LedgerRejection.class, e -> assertThat(e.violation().reason()).isEqualTo(Reason.ACCOUNT_NOT_FOUND));
        // One way: the destination may not send back.
        links.link(p.from(), p.to());
        assertThatThrownBy(() -> runner.start(p.to(), null, p.payee(), p.from(), p.payer(), 1, "USD", Map.of(), null))
                .isInstanceOf(LedgerRejection.class);
    }

    @Test
    void aReserveRefusedFailsAndADestinationRefusalCompensates() {
        var p = pair();
        var tooMuch = runner.drive(p.from(), runner.start(p.from(), null, p.payer(), p.to(), p.payee(), 5_000, "USD", Map.of(), null).saga().id(),
                Duration.ofSeconds(10));
        assertThat(tooMuch.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(tooMuch.steps().get(SagaStep.RESERVE).problemCode()).isEqualTo("INSUFFICIENT_FUNDS");

        var nowhere = UUID.randomUUID();
        var refused = runner.drive(p.from(), runner.start(p.from(), null, p.payer(), p.to(), nowhere, 200, "USD", Map.of(), null).saga().id(),
                Duration.ofSeconds(10));
        assertThat(refused.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(refused.steps().get(SagaStep.CREDIT).problemCode()).isEqualTo("ACCOUNT_NOT_FOUND");
        assertThat(refused.state(SagaStep.VOID)).isEqualTo(StepState.DONE);
        assertThat(posted(p.from(), p.payer())).isEqualTo(1_000);
        assertThat(available(p.from(), p.payer())).as("the reserve released").isEqualTo(1_000);
        assertClean();
    }

    @Test
    void aCrashBetweenAnyTwoStepsEndsCompletedExactlyOnce() {
        var forward = List.of(SagaStep.RESERVE, SagaStep.CREDIT, SagaStep.CAPTURE);
        for (int done = 1; done <= forward.size(); done++) {
            var p = pair();
            var saga = runner.start(p.from(), null, p.payer(), p.to(), p.payee(), 100, "USD", Map.of(), null).saga();
            // Every step up to `done` took effect on its ledger, and the instance died before recording it.
            for (var step : forward.subList(0, done)) {
                assertThat(runner.perform(saga, step).state()).as("the effect of %s", step).isEqualTo(StepState.DONE);
            }
            var finished = runner.drive(p.from(), saga.id(), Duration.ofSeconds(10));
            assertThat(finished.status()).as("after a crash with %d steps done", done).isEqualTo(SagaStatus.COMPLETED);
            assertThat(posted(p.from(), p.payer())).isEqualTo(900);
            assertThat(posted(p.to(), p.payee())).as("credited once after a crash with %d steps done", done).isEqualTo(100);
            assertThat(entriesOf(p.to(), p.payee())).isEqualTo(1);
        }
        assertClean();
    }

    @Test
    void aDestinationAwayPastTheDeadlineCompensatesOnlyWhenTheCreditNeverLanded() {
        var never = pair();
        var landed = pair();
        var neverSaga = runner.start(never.from(), null, never.payer(), never.to(), never.payee(), 50, "USD", Map.of(), null).saga();
        var landedSaga = runner.start(landed.from(), null, landed.payer(), landed.to(), landed.payee(), 70, "USD", Map.of(), null).saga();
        // The second saga's credit commits, and its answer is lost with the instance that sent it.
        assertThat(runner.perform(landedSaga, SagaStep.RESERVE).state()).isEqualTo(StepState.DONE);
        assertThat(runner.perform(landedSaga, SagaStep.CREDIT).state()).isEqualTo(StepState.DONE);

        TestInfrastructure.setConnectionsAllowed(destinationDatabase, false);
        try {
            for (var saga : List.of(neverSaga, landedSaga)) {
                var waiting = runner.drive(saga.ledgerId(), saga.id(), Duration.ofSeconds(10));
                assertThat(waiting.status()).isEqualTo(SagaStatus.PENDING);
                assertThat(waiting.state(SagaStep.RESERVE)).isEqualTo(StepState.DONE);
                assertThat(waiting.state(SagaStep.CREDIT)).as("unknown while the destination is away").isEqualTo(StepState.PENDING);
            }
            clock.set(clock.instant().plus(DEADLINE).plusSeconds(1));
            assertThat(runner.stuck().get("main")).isGreaterThanOrEqualTo(2);
            var compensating = runner.drive(never.from(), neverSaga.id(), Duration.ofSeconds(10));
            assertThat(compensating.status()).as("past the deadline, still away: it cannot know, so it waits").isEqualTo(SagaStatus.COMPENSATING);
        } finally {
            TestInfrastructure.setConnectionsAllowed(destinationDatabase, true);
        }
        // The destination's pool reconnects on its own; the worker drives again until then.
        var compensated = driveUntilFinished(never.from(), neverSaga.id());
        assertThat(compensated.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(compensated.steps().get(SagaStep.CREDIT).problemCode()).isEqualTo("SAGA_DEADLINE_PASSED");
        assertThat(available(never.from(), never.payer())).isEqualTo(1_000);
        assertThat(posted(never.to(), never.payee())).isZero();

        var completed = driveUntilFinished(landed.from(), landedSaga.id());
        assertThat(completed.status()).as("the credit landed: the saga completes rather than compensates").isEqualTo(SagaStatus.COMPLETED);
        assertThat(posted(landed.from(), landed.payer())).isEqualTo(930);
        assertThat(posted(landed.to(), landed.payee())).isEqualTo(70);
        assertClean();
    }

    @Test
    void verifyNamesASagaWhoseRecordDisagreesWithTheJournals() {
        var p = pair();
        var saga = runner.start(p.from(), null, p.payer(), p.to(), p.payee(), 10, "USD", Map.of(), null).saga();
        var store = new SagaStore(clusters);
        store.setStatus(p.from(), saga.id(), SagaStatus.COMPLETED, clock.instant());
        assertThat(ClusterVerification.verifyAll(clusters).differences())
                .anySatisfy(d -> assertThat(d).contains(saga.id().toString()).contains("COMPLETED but its reserve is NONE"));
        // A saga that never reserved anything, recorded as failed, is what it says.
        store.setStatus(p.from(), saga.id(), SagaStatus.FAILED, clock.instant());
        assertClean();
    }

    /** Drives as the worker does, pass after pass, until the saga is finished (at most 30 s). */
    private static Saga driveUntilFinished(UUID ledger, UUID sagaId) {
        return Await.until(Duration.ofSeconds(30), "saga " + sagaId + " finished",
                () -> runner.drive(ledger, sagaId, Duration.ofSeconds(10)), saga -> saga.status().finished());
    }

    private void assertClean() {
        var report = ClusterVerification.verifyAll(clusters);
        assertThat(report.differences()).isEmpty();
    }

    private UUID open(UUID ledger, Long overdraftLimit) {
        var id = ids.next();
        submit(ledger, null, new Command.CreateAccount(id, null, "USD", Side.CREDIT, overdraftLimit, Map.of()));
        return id;
    }

    private void submit(UUID ledger, IdempotencyKey key, Command command) {
        var result = engines.submit(Submission.single(new Request(ledger, key, command))).join().getFirst().result();
        assertThat(result).isInstanceOf(dev.creditledger.core.CommandResult.Accepted.class);
    }

    private long posted(UUID ledger, UUID account) {
        return new LedgerQueries(clusters).account(ledger, account).orElseThrow().balance().posted(Side.CREDIT);
    }

    private long available(UUID ledger, UUID account) {
        return new LedgerQueries(clusters).account(ledger, account).orElseThrow().balance().available(Side.CREDIT);
    }

    private long entriesOf(UUID ledger, UUID account) {
        return new LedgerQueries(clusters).entriesOfAccount(ledger, account, 0, 100).items().size();
    }
}
