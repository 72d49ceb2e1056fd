package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.kafka.TopicProvisioner;
import dev.creditledger.postgres.EngineListener;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything a projections test needs, on the shared embedded PostgreSQL and Kafka of the test kit
 * ({@link TestInfrastructure}): a migrated journal
 * database with a posting engine, a separate migrated projections database, a fresh topic prefix with
 * its topics, and the test publisher.
 */
final class TestStack implements AutoCloseable {
    private static final int POOL_SIZE_MAX = 10;

    final String name;
    private final String projectionsDatabase;
    final HikariDataSource journal;
    final HikariDataSource projections;
    final KafkaSettings kafka;
    final PostgresPostingEngine engine;
    final LedgerAdmin admin;
    final TestPublisher publisher;
    final ProjectionQueries queries;
    final IdGenerator ids = new IdGenerator(Clock.systemUTC());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private TestStack(String purpose, Duration projectionsConnectionTimeout) {
        name = TestInfrastructure.freshDatabaseName(purpose);
        journal = dataSource("j_" + name, Duration.ofSeconds(30));
        LedgerDatabase.migrate(journal);
        projectionsDatabase = "p_" + name;
        projections = dataSource(projectionsDatabase, projectionsConnectionTimeout);
        ProjectionDatabase.migrate(projections);
        kafka = new KafkaSettings(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.freshTopicPrefix(), 4, (short) 1);
        TopicProvisioner.ensureTopics(kafka);
        engine = new PostgresPostingEngine(journal, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE);
        admin = new LedgerAdmin(journal, Clock.systemUTC());
        publisher = new TestPublisher(journal, kafka);
        queries = new ProjectionQueries(projections);
    }

    static TestStack create(String purpose) {
        return new TestStack(purpose, Duration.ofSeconds(30));
    }

    /** With a short connection timeout for the projections pool, for tests that take the database away. */
    static TestStack create(String purpose, Duration projectionsConnectionTimeout) {
        return new TestStack(purpose, projectionsConnectionTimeout);
    }

    String projectionsDatabase() {
        return projectionsDatabase;
    }

    private static HikariDataSource dataSource(String database, Duration connectionTimeout) {
        return TestInfrastructure.database(database, POOL_SIZE_MAX, connectionTimeout, Map.of());
    }

    /** A projector on this stack's topics with its own consumer group; closed with the stack. */
    Projector projector(ProjectorSettings settings, ProjectorListener listener, ProjectorHooks hooks) {
        var projector = new Projector(projections, kafka, settings, listener, hooks);
        closeables.add(projector);
        projector.start();
        return projector;
    }

    ProjectorSettings settings() {
        return ProjectorSettings.defaults().withGroupId("g-" + kafka.topicPrefix());
    }

    UUID ledger(String ledgerName) {
        return admin.createLedger(ledgerName).id();
    }

    long lastSeq(UUID ledgerId) {
        return admin.ledger(ledgerId).orElseThrow().lastSeq();
    }

    PostedResult post(UUID ledgerId, Command command) {
        var result = engine.submit(Submission.single(new Request(ledgerId, null, command))).join().getFirst();
        assertThat(result.result()).as("%s", command).isInstanceOf(CommandResult.Accepted.class);
        return result;
    }

    /** Posts many commands in submissions of up to {@code perSubmission}, all queued before any is awaited. */
    List<PostedResult> postAll(UUID ledgerId, List<Command> commands, int perSubmission) {
        List<java.util.concurrent.CompletableFuture<List<PostedResult>>> futures = new ArrayList<>();
        for (int from = 0; from < commands.size(); from += perSubmission) {
            var requests = commands.subList(from, Math.min(commands.size(), from + perSubmission)).stream()
                    .map(c -> new Request(ledgerId, null, c)).toList();
            futures.add(engine.submit(new Submission(requests, false)));
        }
        List<PostedResult> results = new ArrayList<>();
        for (var future : futures) {
            for (var result : future.join()) {
                assertThat(result.result()).isInstanceOf(CommandResult.Accepted.class);
                results.add(result);
            }
        }
        return results;
    }

    UUID account(UUID ledgerId, String asset, Long overdraftLimit) {
        var id = ids.next();
        post(ledgerId, new Command.CreateAccount(id, null, asset, Side.CREDIT, overdraftLimit, Map.of()));
        return id;
    }

    Command transfer(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(ids.next(), from, to, amount, "USD", false, null, Map.of());
    }

    /** The record a relay would have produced for the copy, at the given offset of partition 0. */
    org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record(WatermarkIT.Copy copy, long offset) {
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>(kafka.topic(copy.type().topic()), 0, offset,
                copy.accountId().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                copy.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The records of the copies, at offsets 0, 1, 2... */
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records(List<WatermarkIT.Copy> copies) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(copies.size());
        for (var copy : copies) {
            records.add(record(copy, records.size()));
        }
        return records;
    }

    /** Waits (in steps of the await limit) until the ledger's watermark reaches {@code seq}. */
    void awaitProjected(UUID ledgerId, long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (queries.awaitSeq(ledgerId, seq, Duration.ofSeconds(5))) {
                    return;
                }
            } catch (ProjectionUnavailableException e) {
                // The pool is still reconnecting after a test took the database away: ask again.
                assertThat(System.nanoTime()).as("projections database answers again: %s", e).isLessThan(deadline);
                continue;
            }
            assertThat(System.nanoTime()).as("watermark of %s reaches %d (it is %d)", ledgerId, seq, queries.projectedSeq(ledgerId))
                    .isLessThan(deadline);
        }
    }

    /**
     * Every model's rows (of all its tables, the asset totals' per-account snapshots included), ordered by
     * key, one string per row with every column but {@code applied_at}: when a statement line was applied is a
     * fact of that application (a rebuild applies it again, later), not of the model's content. Where its event
     * was read from (partition, offset, record time) is compared: a rebuild reads the same records.
     */
    Map<ReadModel, List<String>> snapshot() {
        Map<ReadModel, List<String>> snapshot = new HashMap<>();
        for (var model : ReadModel.values()) {
            List<String> rows = new ArrayList<>();
            for (var table : ModelWriter.of(model).tables()) {
                // The first two or three columns of every model table are its primary key.
                rows.addAll(rows("SELECT '" + table + "' AS table_name, * FROM " + table + " ORDER BY 2, 3, 4"));
            }
            snapshot.put(model, rows);
        }
        return snapshot;
    }

    List<String> rows(String sql) {
        try (var c = projections.getConnection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            List<String> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    if (rs.getMetaData().getColumnLabel(i).equals("applied_at")) {
                        continue;
                    }
                    row.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) {
        try (var c = projections.getConnection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void execute(javax.sql.DataSource dataSource, String sql) {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    CheckReport check() {
        return new ProjectionChecker(journal, projections).check();
    }

    @Override
    public void close() {
        for (var closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Best effort: the next test uses fresh databases and topics anyway.
            }
        }
        engine.close();
        publisher.close();
        journal.close();
        projections.close();
    }
}
