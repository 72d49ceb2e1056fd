package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.server.events.ProjectionsAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code ledger projections check}, {@code ledger projections rebuild NAME} and {@code ledger events tail}, run for
 * real: each is the production main class ({@link LedgerMain}) in a process of its own, configured only by the
 * README's {@code LEDGER_*} variables, against this class's service (its own journal and read-model databases on
 * the embedded PostgreSQL, its own topics on the embedded Kafka broker). A read-model row changed behind the
 * projector's back makes {@code check} exit 1 naming the account; {@code rebuild balances} replays the topics and
 * {@code check} exits 0 again. {@code events tail} prints a transfer's events, one line per account copy with
 * its topic, partition, offset, type, sequence and account, and stops on a signal as on Ctrl-C.
 */
@DirtiesContext
class ProjectionsAndEventsCommandsIT extends E2eTestBase {

    private static final String DATABASE = "cli_commands";
    private static final String TOPIC_PREFIX = "cli";
    private static final Duration COMMAND_WAIT = Duration.ofSeconds(120);

    @Autowired
    private DataSource journal;
    @Autowired
    private ProjectionsAccess projections;

    /** This class's service gets its own databases and topics (see ApiTestBase.OWN_SERVICE): the commands see only it. */
    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            service(registry, DATABASE, TestInfrastructure.kafka());
            registry.add("ledger.kafka.topic-prefix", () -> TOPIC_PREFIX);
        });
    }

    @Test
    void projectionsCheckFindsACorruptedReadModelAndRebuildRepairsIt() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var wallet = account(ledger, "{\"asset\":\"USD\"}");
        transfer(ledger, issuer, wallet, 900, "USD").expect(201);
        awaitProjectionsCaughtUp();

        var clean = run("projections", "check");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("read models equal the journal");

        update(projections.dataSource().orElseThrow(),
                "UPDATE account_balances SET credits_posted = credits_posted + 1 WHERE account_id = ?", wallet);
        var corrupted = run("projections", "check");
        assertThat(corrupted.exitCode()).as(corrupted.toString()).isEqualTo(1);
        assertThat(corrupted.out()).contains("differences").contains(wallet.toString());

        var rebuilt = run("projections", "rebuild", "balances");
        assertThat(rebuilt.exitCode()).as(rebuilt.toString()).isZero();
        assertThat(rebuilt.out()).contains("rebuilt balances");
        var repaired = run("projections", "check");
        assertThat(repaired.exitCode()).as(repaired.toString()).isZero();
        assertThat(repaired.out()).contains("read models equal the journal");

        var unknown = run("projections", "rebuild", "no-such-model");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    }

    @Test
    void eventsTailPrintsATransfersEventsAndStopsOnASignal() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var wallet = account(ledger, "{\"asset\":\"USD\"}");
        var transfer = transfer(ledger, issuer, wallet, 120, "USD").expect(201);
        var transferId = transfer.id();
        long seq = transfer.body().get("seq").asLong();
        var topic = TOPIC_PREFIX + ".transfer.v1";

        var process = start("events", "tail", "--topic", "transfer", "--from-beginning");
        try {
            var out = collect(process.getInputStream());
            var err = collect(process.getErrorStream());
            Await.until(Duration.ofSeconds(60), "events tail prints both copies of transfer " + transferId + "; stderr: " + err,
                    () -> out.with(transferId.toString()).size() == 2);
            assertThat(err.toString()).contains("watching " + topic);
            var line = Pattern.compile(Pattern.quote(topic) + "/\\d+@\\d+  \\S+  seq " + seq + "  account ("
                    + issuer + "|" + wallet + ")  \\{.*\\}");
            assertThat(out.with(transferId.toString())).allSatisfy(l -> assertThat(l).matches(line))
                    .anySatisfy(l -> assertThat(l).contains("account " + issuer))
                    .anySatisfy(l -> assertThat(l).contains("account " + wallet));
        } finally {
            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook wakes the consumer up
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("events tail stops on a signal").isTrue();
    }

    // ---- the command as a process -------------------------------------------------------------------------

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Result run(String... arguments) throws Exception {
        var process = start(arguments);
        var out = collect(process.getInputStream());
        var err = collect(process.getErrorStream());
        if (!process.waitFor(COMMAND_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ledger " + String.join(" ", arguments) + " did not end within " + COMMAND_WAIT);
        }
        // The readers end once they have read the streams the process closed.
        return new Result(process.exitValue(), out.all(), err.all());
    }

    /**
     * The production main class in a JVM of its own, on this test's class path, with the README's variables only:
     * the service's databases, the broker and this class's topic prefix; LEDGER_HOME is an empty directory, so no
     * running {@code ledger dev} is found instead.
     */
    private Process start(String... arguments) throws IOException {
        var url = ((HikariDataSource) journal).getJdbcUrl();
        Map<String, String> environment = new HashMap<>();
        environment.put("LEDGER_DB_URL", url);
        environment.put("LEDGER_DB_USER", TestInfrastructure.postgres().user());
        environment.put("LEDGER_PROJECTIONS_DB_URL", TestInfrastructure.databaseUrl(DATABASE + "_projections"));
        environment.put("LEDGER_PROJECTIONS_DB_USER", TestInfrastructure.postgres().user());
        environment.put("LEDGER_KAFKA_BOOTSTRAP", TestInfrastructure.kafka().bootstrapServers());
        environment.put("LEDGER_KAFKA_TOPIC_PREFIX", TOPIC_PREFIX);
        environment.put("LEDGER_HOME", Files.createTempDirectory("ledger-cli-home").toString());
        var classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", classPath, LedgerMain.class.getName()));
        command.addAll(List.of(arguments));
        var builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("LEDGER_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** A stream's lines, read as they come on a thread of their own. */
    record Output(List<String> lines, Thread reader) {
        List<String> with(String text) {
            synchronized (lines) {
                return lines.stream().filter(l -> l.contains(text)).toList();
            }
        }

        /** Every line, once the stream has ended. */
        String all() throws InterruptedException {
            assertThat(reader.join(Duration.ofSeconds(30))).as("the stream ended").isTrue();
            return String.join("\n", lines);
        }

        @Override
        public String toString() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    private static Output collect(InputStream stream) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        var reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // The process ended.
            }
        });
        return new Output(lines, reader);
    }

    private static void update(DataSource dataSource, String sql, UUID account) throws Exception {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, account);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
