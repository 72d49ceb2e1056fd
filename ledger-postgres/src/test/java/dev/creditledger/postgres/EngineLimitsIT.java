package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's limits at their edges: queueSubmissionsMax and batchCommandsMax. */
class EngineLimitsIT {
    private static final int QUEUE_SUBMISSIONS_MAX = 3;
    private static final int BATCH_COMMANDS_MAX = 5;

    static HikariDataSource dataSource;
    static PostgresPostingEngine engine;
    static UUID ledger;

    @BeforeAll
    static void start() {
        dataSource = TestInfrastructure.freshDatabase("limits", LedgerDatabase::migrate);
        engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(),
                new EngineSettings(QUEUE_SUBMISSIONS_MAX, BATCH_COMMANDS_MAX, 1), EngineListener.NONE);
        ledger = new LedgerAdmin(dataSource, Clock.systemUTC()).createLedger("limits").id();
    }

    @AfterAll
    static void stop() {
        engine.close();
        dataSource.close();
    }

    private static Submission openAccounts(int count) {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(new Request(ledger, null, new Command.CreateAccount(UUID.randomUUID(), null, "USD", Side.CREDIT, null, Map.of())));
        }
        return new Submission(requests, false);
    }

    @Test
    void aSubmissionOfBatchCommandsMaxIsAcceptedAndOneMoreIsRefused() {
        var results = engine.submit(openAccounts(BATCH_COMMANDS_MAX)).join();
        assertThat(results).hasSize(BATCH_COMMANDS_MAX).allMatch(r -> r.result() instanceof CommandResult.Accepted);
        assertThatThrownBy(() -> engine.submit(openAccounts(BATCH_COMMANDS_MAX + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchCommandsMax");
    }

    @Test
    void theQueueHoldsQueueSubmissionsMaxAndRefusesOneMore() throws Exception {
        // Hold the ledger row so the only batcher blocks inside its first batch; everything after it queues.
        try (var blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (var lock = blocker.prepareStatement("SELECT 1 FROM ledgers WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, ledger);
                lock.executeQuery();
            }
            List<CompletableFuture<List<PostedResult>>> accepted = Collections.synchronizedList(new ArrayList<>());
            accepted.add(engine.submit(openAccounts(1)));
            Await.until(Duration.ofSeconds(10), "the batcher has taken the first submission and waits for the lock",
                    () -> engine.queueDepth() == 0);
            for (int i = 0; i < QUEUE_SUBMISSIONS_MAX; i++) {
                accepted.add(engine.submit(openAccounts(1)));
            }
            assertThat(engine.queueDepth()).isEqualTo(QUEUE_SUBMISSIONS_MAX);
            assertThatThrownBy(() -> engine.submit(openAccounts(1)))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("queueSubmissionsMax");
            blocker.rollback();
            for (var future : accepted) {
                assertThat(future.join().getFirst().result()).isInstanceOf(CommandResult.Accepted.class);
            }
        }
    }
}
