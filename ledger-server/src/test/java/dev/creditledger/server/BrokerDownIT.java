package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.postgres.JournalEventLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The broker goes away while transfers keep coming: every write still succeeds (the journal is in
 * PostgreSQL; the relay's backlog grows), a read-your-writes query answers 503 PROJECTION_BEHIND once its wait limit passes, and
 * after the broker is back every event is delivered and every read model equals the journal. This class
 * runs its own service (own databases, own private broker) so stopping the broker disturbs no other test.
 */
@DirtiesContext
class BrokerDownIT extends E2eTestBase {

    private static final int WRITERS = 4;
    /** Transfers accepted before the broker stops, while it is down, and after it is back, at least. */
    private static final int WRITES_PER_PHASE = 50;
    private static final Duration WAIT_MAX = Duration.ofSeconds(60);
    private static EmbeddedKafkaBroker broker;

    @Autowired
    private DataSource journal;

    /** This class's service gets its own databases and a private broker (see ApiTestBase.OWN_SERVICE). */
    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        broker = EmbeddedKafkaBroker.start(null, 0);
        // The service of this class is closed after it (DirtiesContext); the broker goes when the JVM ends.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-down-it-stop"));
        OWN_SERVICE.set(registry -> {
            service(registry, "broker_down", broker);
            registry.add("ledger.projections.read-wait-ms-max", () -> "300");
        });
    }

    @Test
    void writesSucceedWhileTheBrokerIsDownAndEverythingArrivesAfterwards() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\"}");
        var running = new AtomicBoolean(true);
        var failures = new ConcurrentLinkedQueue<String>();
        var accepted = new AtomicLong();
        var lastSeq = new AtomicLong();
        var done = new CountDownLatch(WRITERS);
        try (var pool = Executors.newFixedThreadPool(WRITERS)) {
            for (int w = 0; w < WRITERS; w++) {
                pool.submit(() -> {
                    try {
                        while (running.get()) {
                            var response = transfer(ledger, issuer, wallet, 1, "CREDITS");
                            if (response.status() == 201) {
                                accepted.incrementAndGet();
                                lastSeq.accumulateAndGet(response.body().get("seq").asLong(), Math::max);
                            } else {
                                failures.add(response.raw());
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            try {
                Await.until(WAIT_MAX, "the writers' first transfers accepted", () -> accepted.get() >= WRITES_PER_PHASE);
                broker.stop();
                long acceptedWhenStopped = accepted.get();
                Await.until(WAIT_MAX, "writes accepted while the broker is down",
                        () -> accepted.get() >= acceptedWhenStopped + WRITES_PER_PHASE);

                var behind = get("/v1/views/accounts/" + wallet + "/balance?minSeq=" + lastSeq.get(), ledger.readKey()).expect(503);
                assertThat(behind.code()).isEqualTo("PROJECTION_BEHIND");
                assertThat(behind.headers().firstValue("Retry-After")).isPresent();
                assertThat(new JournalEventLog(journal).backlog().changes()).as("changes waiting to be published").isPositive();

                broker.start();
                long acceptedWhenStarted = accepted.get();
                Await.until(WAIT_MAX, "writes accepted after the broker is back",
                        () -> accepted.get() >= acceptedWhenStarted + WRITES_PER_PHASE);
            } finally {
                // Whatever failed above, the writers stop, so the pool can close and the failure shows.
                running.set(false);
                broker.start();
            }
            done.await();
        }
        assertThat(failures).as("writes refused while the broker was away").isEmpty();

        awaitProjectionsCaughtUp();
        var balance = get("/v1/views/accounts/" + wallet + "/balance?minSeq=" + lastSeq.get(), ledger.readKey()).expect(200);
        assertThat(balance.body().get("balance").get("posted").asLong()).isEqualTo(accepted.get());
        assertThat(postedBalance(ledger, wallet)).isEqualTo(accepted.get());
        List.of(issuer, wallet).forEach(a -> assertThat(get("/v1/views/accounts/" + a + "/statement?limit=1000", ledger.readKey())
                .expect(200).body().get("lines").size()).isGreaterThan(0));
    }
}
