package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.devstack.FreePorts;
import dev.creditledger.devstack.TestInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stopped as {@code pg_ctl stop -m immediate} does (SIGQUIT to the postmaster: no checkpoint,
 * every backend gone) under a running service, then started again on the same data: while it is down,
 * writes and reads answer 503 with Retry-After within a few seconds, never 500; once it is back the
 * service recovers by itself, and everything acknowledged before the stop is still there.
 */
@DirtiesContext
class DatabaseDownIT extends ApiTestBase {

    private static Path data;
    private static int port;
    private static EmbeddedPostgresServer postgres;

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) throws IOException {
        data = Files.createTempDirectory("database-down-pg");
        port = FreePorts.one();
        postgres = EmbeddedPostgresServer.start(data, port, true);
        postgres.createDatabase("down_journal");
        postgres.createDatabase("down_projections");
        OWN_SERVICE.set(registry -> {
            service(registry, "unused_down", TestInfrastructure.kafka());
            registry.add("spring.datasource.url", () -> postgres.jdbcUrl("down_journal"));
            registry.add("spring.datasource.username", postgres::user);
            registry.add("ledger.projections.url", () -> postgres.jdbcUrl("down_projections"));
            // Its own topics on the shared broker: the shared service's projector must not read this service's events.
            registry.add("ledger.kafka.topic-prefix", () -> "down");
        });
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void whileTheDatabaseIsDownRequestsAnswer503AndTheServiceRecoversByItself() throws Exception {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        for (int i = 0; i < 20; i++) {
            transfer(ledger, a, b, 10, "USD").expect(201);
        }

        EmbeddedPostgresServer.stopImmediately(data);
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            var write = transfer(ledger, a, b, 1, "USD");
            assertProblem(write, 503, "STORAGE_UNAVAILABLE");
            assertThat(write.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered within the pool's connection timeout")
                    .isLessThan(Duration.ofSeconds(20));
            var read = get("/v1/accounts/" + b, ledger.readKey());
            assertThat(read.status()).as(read.raw()).isEqualTo(503);
            assertThat(read.headers().firstValue("Retry-After")).isPresent();
        }

        postgres.close(); // releases this JVM's lock on the data directory; the postmaster is already gone
        postgres = EmbeddedPostgresServer.start(data, port, true);
        Response recovered = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            recovered = transfer(ledger, a, b, 5, "USD");
            if (recovered.status() == 201) {
                break;
            }
            Thread.sleep(500); // the poll interval of this loop, bounded by its deadline
        }
        assertThat(recovered).isNotNull();
        assertThat(recovered.status()).as("a write once the database is back: %s", recovered.raw()).isEqualTo(201);
        assertThat(postedBalance(ledger, b)).as("20 acknowledged before the stop, one after").isEqualTo(20 * 10 + 5);
        assertVerifyClean();
    }
}
