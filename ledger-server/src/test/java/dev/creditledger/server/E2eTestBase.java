package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.projections.ProjectionChecker;
import dev.creditledger.server.events.ProjectionsAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the end-to-end test classes. After the last test of a class the whole journal must verify
 * clean, and once the projector has caught up with every ledger, every read model must equal what the
 * journal implies (ProjectionChecker).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class E2eTestBase extends ApiTestBase {

    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(60);

    @Autowired
    private LedgerAdmin admin;
    @Autowired
    private ProjectionsAccess projections;
    @Autowired
    private DataSource journal;

    @AfterAll
    void journalVerifiesCleanAfterTheClass() {
        assertVerifyClean();
    }

    @AfterAll
    void readModelsEqualTheJournalAfterTheClass() {
        awaitProjectionsCaughtUp();
        var report = new ProjectionChecker(journal, projections.dataSource().orElseThrow()).check();
        assertThat(report.differences()).as("read models against the journal").isEmpty();
    }

    /** Waits until the read models of every ledger reached the ledger's last sequence. */
    protected void awaitProjectionsCaughtUp() {
        var queries = projections.queries().orElseThrow();
        for (var ledger : admin.ledgers()) {
            var current = admin.ledger(ledger.id()).orElseThrow();
            assertThat(queries.awaitSeq(current.id(), current.lastSeq(), CATCH_UP_WAIT))
                    .as("read models of ledger %s reach seq %d (at %d)", current.name(), current.lastSeq(),
                            queries.projectedSeq(current.id()))
                    .isTrue();
        }
    }

    /**
     * The records of one ledger on a topic, from its beginning: waits until {@code expected} have arrived
     * (at most 30 s), then keeps reading for {@code settle} more, so a caller can also assert that no
     * record beyond them arrives.
     */
    protected static List<ConsumerRecord<String, String>> recordsOf(UUID ledgerId, String topic, int expected, Duration settle) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers());
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Long settledAt = null;
            while (System.nanoTime() < deadline && (settledAt == null || System.nanoTime() < settledAt)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (("/ledgers/" + ledgerId).equals(header(record, "ce_source"))) {
                        found.add(record);
                    }
                }
                if (settledAt == null && found.size() >= expected) {
                    settledAt = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return found;
    }

    protected static List<ConsumerRecord<String, String>> recordsOf(UUID ledgerId, String topic, int expected) {
        return recordsOf(ledgerId, topic, expected, Duration.ZERO);
    }

    protected static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
