package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.kafka.UndecodableEventException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one read model from the event topics: in one transaction, empties the model's tables and
 * forgets its progress; then reads every partition of the three event topics from the beginning up to
 * the end offsets taken right after that reset, with a consumer that has no group (assign and seek, so
 * no offsets move), and applies each batch to this model only, with the same set-based statements as
 * the live projector, in transactions of at most {@link #BATCH_RECORDS_MAX} records.
 *
 * The live projector may keep running meanwhile. Every model deduplicates by the account versions the
 * events carry and commutes: balances and daily balances keep the highest account version whatever the
 * order, statement lines are inserted if absent, asset totals move each account's snapshot only to a
 * higher version (adding the difference), and an account's status, asset and side are set by whichever
 * event comes first. So whichever of the two applies an event first, the other's copy changes nothing,
 * and the model converges to the same rows. When both apply the same account at the same moment, the
 * asset totals lock its snapshot row and compute the difference from what the other committed
 * ({@link AssetTotalsWriter}). The reset locks the model's tables against writers (SHARE ROW EXCLUSIVE,
 * which readers pass) so that no live transaction can have applied an event to the model half before and
 * half after it; it locks them in the order the live statements write them, or the two would deadlock. Events published after the end offsets are the live projector's to apply. The
 * watermarks are the live projector's alone: a rebuild does not move them, so during a rebuild the
 * watermark promises more than the model being rebuilt holds.
 *
 * What can go wrong: records that cannot be applied are skipped and counted (the live projector
 * dead-letters them); a batch that fails transiently is retried up to {@link #BATCH_ATTEMPTS_MAX}
 * times, after which the rebuild stops with a {@link ProjectionUnavailableException}, leaving the model
 * partly rebuilt until the next rebuild or until the live projector catches up with new events only.
 */
public final class ProjectionRebuilder {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuilder.class);

    public static final int BATCH_RECORDS_MAX = 2_000;
    public static final int BATCH_ATTEMPTS_MAX = 5;
    public static final int SKIP_REASONS_MAX = 20;
    static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final DataSource projections;
    private final KafkaSettings kafka;

    public ProjectionRebuilder(DataSource projections, KafkaSettings kafka) {
        this.projections = projections;
        this.kafka = kafka;
    }

    public RebuildReport rebuild(ReadModel model) {
        long started = System.nanoTime();
        reset(model);
        long read = 0;
        long applied = 0;
        long skipped = 0;
        List<String> reasons = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : kafka.eventTopics()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Taken after the reset committed: every event the live projector applied before the reset
            // (and that the reset erased) is below these offsets, so the rebuild reads it again.
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            List<TopicPartition> done = new ArrayList<>();
            for (var partition : partitions) {
                if (consumer.position(partition) >= ends.get(partition)) {
                    done.add(partition);
                }
            }
            consumer.pause(done);
            while (done.size() < partitions.size()) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                for (var record : consumer.poll(POLL_TIMEOUT)) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        batch.add(record);
                    }
                }
                for (var partition : partitions) {
                    if (!done.contains(partition) && consumer.position(partition) >= ends.get(partition)) {
                        done.add(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                for (int from = 0; from < batch.size(); from += BATCH_RECORDS_MAX) {
                    var slice = batch.subList(from, Math.min(batch.size(), from + BATCH_RECORDS_MAX));
                    var outcome = applyWithRetries(model, slice);
                    read += slice.size();
                    applied += outcome.applied;
                    skipped += outcome.reasons.size();
                    for (var reason : outcome.reasons) {
                        if (reasons.size() < SKIP_REASONS_MAX) {
                            reasons.add(reason);
                        }
                    }
                }
            }
        }
        var report = new RebuildReport(model, read, applied, skipped, reasons, Duration.ofNanos(System.nanoTime() - started));
        log.info("rebuilt {}: {} events read, {} applied, {} skipped in {} ms", model.cliName(), read, applied, skipped,
                report.duration().toMillis());
        return report;
    }

    private void reset(ReadModel model) {
        var writer = ModelWriter.of(model);
        try (var connection = projections.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (var statement = connection.createStatement()) {
                    for (var table : writer.tables()) {
                        statement.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
                    }
                    for (var table : writer.tables()) {
                        statement.execute("DELETE FROM " + table);
                    }
                }
                try (var ps = connection.prepareStatement("DELETE FROM model_progress WHERE read_model = ?")) {
                    ps.setString(1, model.cliName());
                    ps.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not reset " + model.cliName() + ": " + e.getMessage(), e);
        }
    }

    private record Outcome(long applied, List<String> reasons) {}

    private Outcome applyWithRetries(ReadModel model, List<ConsumerRecord<byte[], byte[]>> records) {
        for (int attempt = 1; ; attempt++) {
            try {
                return apply(model, records);
            } catch (SQLException e) {
                if (attempt >= BATCH_ATTEMPTS_MAX) {
                    throw new ProjectionUnavailableException("rebuild of " + model.cliName() + " failed after "
                            + BATCH_ATTEMPTS_MAX + " attempts: " + e.getMessage(), e);
                }
                log.warn("rebuild batch failed (attempt {} of {}): {}", attempt, BATCH_ATTEMPTS_MAX, e.toString());
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis() * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ProjectionUnavailableException("rebuild interrupted", interrupted);
                }
            }
        }
    }

    /**
     * Applies the batch with the set-based statements; if an event fails for a reason of its own, applies
     * the batch again with a savepoint per event to skip just that one (see {@link ApplyTransaction}).
     * Transient failures are thrown for a retry of the whole batch.
     */
    private Outcome apply(ReadModel model, List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
        var fast = attempt(model, records, false);
        return fast != null ? fast : attempt(model, records, true);
    }

    /** @return null when the set-based statements failed on an event for a reason of its own */
    private Outcome attempt(ReadModel model, List<ConsumerRecord<byte[], byte[]>> records, boolean isolated) throws SQLException {
        try (var tx = ApplyTransaction.begin(projections, Set.of(model), false)) {
            List<String> reasons = new ArrayList<>();
            List<LedgerEvent> events = new ArrayList<>(records.size());
            List<RecordPosition> positions = new ArrayList<>(records.size());
            for (var record : records) {
                var position = RecordPosition.of(record);
                String where = record.topic() + "-" + record.partition() + "@" + record.offset() + ": ";
                LedgerEvent event;
                try {
                    event = RecordDecoder.decode(record.value());
                } catch (UndecodableEventException e) {
                    reasons.add(where + "undecodable: " + e.getMessage());
                    continue;
                }
                if (!isolated) {
                    events.add(event);
                    positions.add(position);
                } else if (tx.applyIsolated(event, position) instanceof ApplyTransaction.Outcome.Refused refused) {
                    reasons.add(where + refused.reason());
                } else {
                    events.add(event);
                    positions.add(position);
                }
            }
            try {
                if (!isolated) {
                    tx.apply(events, positions);
                }
                tx.finish(List.of(), Watermarks.HISTORY_START_GRACE);
            } catch (SQLException e) {
                if (isolated || SqlFailures.isTransient(e)) {
                    throw e;
                }
                return null;
            } catch (RuntimeException e) {
                if (isolated) {
                    throw e;
                }
                return null;
            }
            tx.commit();
            return new Outcome(events.size(), reasons);
        }
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "ledger-rebuild",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH_RECORDS_MAX,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
}
