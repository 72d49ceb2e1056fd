package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The broker goes away while transfers keep coming: every write still succeeds (the outbox is in
 * PostgreSQL), a read-your-writes query answers 503 PROJECTION_BEHIND once its wait limit passes, and
 * after the broker is back every event is delivered and every read model equals the journal. This class
 * runs its own service (own databases, own private broker) so stopping the broker disturbs no other test.
 */
class BrokerDownIT extends E2eTestBase {

    private static final int WRITERS = 4;
    private static EmbeddedKafkaBroker broker;

    @Autowired
    private MeterRegistry registry;

    @DynamicPropertySource
    static void ownBrokerAndDatabases(DynamicPropertyRegistry registry) {
        var postgres = EmbeddedPostgresServer.shared();
        broker = EmbeddedKafkaBroker.start(null, 0);
        // The cached service of this class keeps using the broker until the JVM ends; then it goes too.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-down-it-stop"));
        registry.add("spring.datasource.url", () -> postgres.createDatabase("broker_down"));
        registry.add("ledger.projections.url", () -> postgres.createDatabase("broker_down_projections"));
        registry.add("ledger.kafka.bootstrap-servers", broker::bootstrapServers);
        registry.add("ledger.projections.read-wait-ms-max", () -> "300");
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
            Thread.sleep(1_000);
            broker.stop();
            long acceptedWhenStopped = accepted.get();
            Thread.sleep(3_000);
            assertThat(accepted.get()).as("writes accepted while the broker is down").isGreaterThan(acceptedWhenStopped);

            var behind = get("/v1/views/accounts/" + wallet + "/balance?minSeq=" + lastSeq.get(), ledger.readKey()).expect(503);
            assertThat(behind.code()).isEqualTo("PROJECTION_BEHIND");
            assertThat(behind.headers().firstValue("Retry-After")).isPresent();
            assertThat(registry.counter("ledger.outbox.publish.failures").count()).isPositive();

            broker.start();
            Thread.sleep(1_000);
            running.set(false);
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
