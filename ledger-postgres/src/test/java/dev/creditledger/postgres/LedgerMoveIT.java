package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger moved from one cluster to another under a load of writes (ADR 0022): every write acknowledged before,
 * during and after the move is on the new cluster exactly once (the writers retry each write with its key while the
 * fence answers them "moved"), the state moved with it (a hold made before the move is captured after it), the
 * directory names the new cluster one version up, verify is clean on both, and the fence is measured.
 */
class LedgerMoveIT {

    private static HikariDataSource main;
    private static HikariDataSource other;
    private static Clusters clusters;
    private static PostingEngines engines;
    private static LedgerAdmin admin;
    private static final IdGenerator ids = new IdGenerator(Clock.systemUTC());

    @BeforeAll
    static void start() {
        main = TestInfrastructure.freshDatabase("move_main", ds -> {});
        other = TestInfrastructure.freshDatabase("move_other", ds -> {});
        clusters = new Clusters(List.of(new Cluster("main", "", main), new Cluster("c2", "", other))).migrate();
        engines = new PostingEngines(clusters, c -> new PostgresPostingEngine(c.dataSource(), Clock.systemUTC(),
                new EngineSettings(10_000, 1_000, 1), EngineListener.NONE));
        admin = new LedgerAdmin(clusters, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        engines.close();
        main.close();
        other.close();
    }

    @Test
    void aLedgerMovedUnderLoadKeepsEveryAcknowledgedWriteOnce() throws Exception {
        var ledger = admin.createLedger("moving", LedgerAdmin.UTC, "main").id();
        var issuer = open(ledger, null);
        var wallet = open(ledger, null);
        var holder = open(ledger, 0L);
        accept(ledger, null, new Command.PostTransfer(ids.next(), issuer, holder, 500, "USD", false, null, Map.of()));
        var hold = ids.next();
        accept(ledger, null, new Command.PostTransfer(hold, holder, issuer, 200, "USD", true, null, Map.of()));

        var acknowledged = ConcurrentHashMap.<String>newKeySet();
        var refusedWhileMoving = new AtomicInteger();
        var running = new AtomicBoolean(true);
        var writers = new Thread[3];
        for (int w = 0; w < writers.length; w++) {
            int writer = w;
            writers[w] = Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    var key = "move-" + writer + "-" + i;
                    while (true) {
                        try {
                            var result = engines.submit(Submission.single(new Request(ledger, new IdempotencyKey(key, "h"),
                                    new Command.PostTransfer(ids.next(), issuer, wallet, 1, "USD", false, null, Map.of())))).join().getFirst();
                            assertThat(result.result()).isInstanceOf(CommandResult.Accepted.class);
                            acknowledged.add(key);
                            break;
                        } catch (java.util.concurrent.CompletionException e) {
                            assertThat(e.getCause()).isInstanceOf(StorageUnavailableException.class);
                            refusedWhileMoving.incrementAndGet();
                        }
                    }
                }
            });
        }
        Await.until(Duration.ofSeconds(30), "writes before the move", () -> acknowledged.size() >= 300);
        var report = new LedgerMover(clusters).move(ledger, "c2");
        int atSwitch = acknowledged.size();
        Await.until(Duration.ofSeconds(30), "writes after the move", () -> acknowledged.size() >= atSwitch + 300);
        running.set(false);
        for (var writer : writers) {
            writer.join();
        }

        assertThat(report.from()).isEqualTo("main");
        assertThat(report.to()).isEqualTo("c2");
        assertThat(report.chainHead()).hasSize(64);
        System.out.printf("ledger moved: %d rows, sequence %d, copy %d ms, fence %d ms, %d writes refused by the fence and retried%n",
                report.rowsCopied(), report.lastSeq(), report.copy().toMillis(), report.fence().toMillis(), refusedWhileMoving.get());
        assertThat(clusters.directory().entryOf(ledger).orElseThrow().placement()).isEqualTo(new dev.creditledger.core.placement.Placement("c2", 2));
        var queries = new LedgerQueries(clusters);
        assertThat(queries.account(ledger, wallet).orElseThrow().balance().posted(Side.CREDIT)).as("each acknowledged write once")
                .isEqualTo(acknowledged.size());
        // The state moved: the hold made on the old cluster is captured on the new one, once.
        accept(ledger, null, new Command.CaptureHold(ids.next(), hold, null, Map.of()));
        assertThat(queries.account(ledger, holder).orElseThrow().balance().posted(Side.CREDIT)).isEqualTo(300);
        assertThat(ClusterVerification.verifyAll(clusters).differences()).isEmpty();
        assertThat(new LedgerVerifier(other).verify(List.of(ledger)).differences()).isEmpty();

        assertThatThrownBy(() -> new LedgerMover(clusters).move(ledger, "c2"))
                .isInstanceOfSatisfying(LedgerRejection.class, e -> assertThat(e.violation().reason()).isEqualTo(Reason.LEDGER_MOVE_REFUSED));
        assertThatThrownBy(() -> new LedgerMover(clusters).move(ledger, "main")).as("the old copy stays where it was")
                .isInstanceOfSatisfying(LedgerRejection.class, e -> assertThat(e.violation().reason()).isEqualTo(Reason.LEDGER_MOVE_REFUSED));
    }

    private UUID open(UUID ledger, Long overdraftLimit) {
        var id = ids.next();
        accept(ledger, null, new Command.CreateAccount(id, null, "USD", Side.CREDIT, overdraftLimit, Map.of()));
        return id;
    }

    private void accept(UUID ledger, IdempotencyKey key, Command command) {
        var result = engines.submit(Submission.single(new Request(ledger, key, command))).join().getFirst().result();
        assertThat(result).as("%s", command).isInstanceOf(CommandResult.Accepted.class);
    }
}
