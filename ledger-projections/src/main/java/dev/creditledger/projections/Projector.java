package dev.creditledger.projections;

import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.core.trace.TraceSpan;
import dev.creditledger.kafka.EventRecords;
import dev.creditledger.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live projector: one consumer thread ({@value #THREAD_NAME}) that reads the three event topics in
 * a consumer group and applies every poll's records to all read models in one transaction
 * ({@link BatchApplier}).
 *
 * Order of commits: the database transaction first (events applied, dead letters stored and produced),
 * then the consumer offsets. A crash between the two redelivers the batch, and the read models'
 * dedupe by account version makes the redelivery change nothing; a crash before the first commits
 * nothing. So no event is skipped and none is applied twice.
 *
 * When the database or the broker fails, the batch is rolled back, every partition of the batch is
 * sought back to the batch's first offset (which is the last committed one), the listener hears
 * {@link ProjectorListener#failed}, and the batch is retried after a pause that starts at
 * {@link ProjectorSettings#BACKOFF_FIRST} and doubles up to {@link ProjectorSettings#backoffMax()}, for
 * as long as the failure lasts. A record that cannot be applied is dead-lettered and never blocks its
 * partition. An {@link Error} ends the thread without committing anything further; the consumer leaves
 * the group, so another instance takes over its partitions.
 *
 * The thread is a daemon: stopping the JVM at any point is as safe as a crash. {@link #close()} lets the
 * current batch finish and returns within the poll timeout after that.
 */
public final class Projector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Projector.class);

    public static final String THREAD_NAME = "ledger-projector";
    /** How long {@link #close()} waits for the thread to finish its batch. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** Partitions whose lag the consumer does not know yet are asked for their end offsets at most this often. */
    static final Duration LAG_REFRESH_INTERVAL = Duration.ofSeconds(1);
    /** Ledgers whose watermark waits for its start are looked at again at most this often. */
    static final Duration UNSTARTED_SWEEP_INTERVAL = Duration.ofSeconds(1);

    /**
     * A fetch waits for this much data (about 64 events) or for {@link #FETCH_WAIT_MS_MAX}: under load the
     * broker answers fewer, larger fetches (each fetch costs the broker and the consumer CPU whatever its
     * size); idle, an event waits at most that long, well inside the read-your-writes wait.
     */
    static final int FETCH_BYTES_MIN = 64 * 1024;
    static final int FETCH_WAIT_MS_MAX = 50;

    private static final AtomicInteger instances = new AtomicInteger();
    /** Every read model's name, as the projector's spans list them: one transaction applies a poll to all of them. */
    private static final String READ_MODEL_NAMES = Arrays.stream(ReadModel.values())
            .map(ReadModel::cliName).collect(Collectors.joining(","));

    private final DataSource projections;
    private final KafkaSettings kafka;
    private final ProjectorSettings settings;
    private final ProjectorListener listener;
    private final ProjectorHooks hooks;
    private final SpanSink spans;
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final String clientId = THREAD_NAME + "-" + instances.incrementAndGet();
    private volatile boolean running = true;
    private Thread thread;
    private long lastLagRefreshNanos;
    private long lastSweepNanos;
    private boolean unstartedLedgers = true;

    public Projector(DataSource projections, KafkaSettings kafka, ProjectorSettings settings, ProjectorListener listener) {
        this(projections, kafka, settings, listener, ProjectorHooks.NONE, SpanSink.NONE);
    }

    /**
     * @param spans where each traced event's application is recorded, as a consumer span under the relay's
     *              publication span (the record's {@code traceparent})
     */
    public Projector(DataSource projections, KafkaSettings kafka, ProjectorSettings settings, ProjectorListener listener,
                     SpanSink spans) {
        this(projections, kafka, settings, listener, ProjectorHooks.NONE, spans);
    }

    Projector(DataSource projections, KafkaSettings kafka, ProjectorSettings settings, ProjectorListener listener,
              ProjectorHooks hooks) {
        this(projections, kafka, settings, listener, hooks, SpanSink.NONE);
    }

    private Projector(DataSource projections, KafkaSettings kafka, ProjectorSettings settings, ProjectorListener listener,
                      ProjectorHooks hooks, SpanSink spans) {
        this.projections = projections;
        this.kafka = kafka;
        this.settings = settings;
        this.listener = listener;
        this.hooks = hooks;
        this.spans = spans;
    }

    /** Starts the consumer thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the projector was started already");
        }
        thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(this::run);
    }

    /** The latest known lag (records not yet consumed) per assigned partition; a snapshot. */
    public Map<TopicPartition, Long> lag() {
        return Map.copyOf(lag);
    }

    /** Whether the consumer thread is alive (false before start, after close, or after an Error ended it). */
    public synchronized boolean running() {
        return thread != null && thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        stopping.countDown();
        Thread toJoin;
        synchronized (this) {
            toJoin = thread;
        }
        if (toJoin == null) {
            return;
        }
        try {
            toJoin.join(CLOSE_WAIT.toMillis());
            if (toJoin.isAlive()) {
                log.warn("the projector did not stop within {} s", CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try (var consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var deadLetters = new DeadLetterPublisher(kafka)) {
            var applier = new BatchApplier(projections, deadLetters, hooks);
            consumer.subscribe(kafka.eventTopics(), new LagCleaner());
            int failures = 0;
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(settings.pollTimeout());
                } catch (KafkaException e) {
                    var delay = settings.backoff().after(++failures);
                    log.warn("polling failed; retrying in {} ms: {}", delay.toMillis(), e.toString());
                    listener.failed(e);
                    pause(delay);
                    continue;
                }
                refreshLag(consumer);
                if (records.isEmpty()) {
                    sweepUnstartedLedgers();
                    continue;
                }
                long started = System.nanoTime();
                var startedAt = Instant.now();
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                try {
                    var result = applier.apply(batch);
                    var appliedAt = Instant.now();
                    hooks.afterDatabaseCommit();
                    consumer.commitSync(nextOffsets(records));
                    failures = 0;
                    unstartedLedgers |= result.unstartedLedgers();
                    listener.applied(batch.size(), System.nanoTime() - started);
                    if (spans.enabled()) {
                        recordSpans(batch, result, startedAt, appliedAt);
                    }
                    result.deadLetters().forEach(letter -> {
                        log.warn("dead-lettered {}-{}@{}: {}", letter.topic(), letter.partition(), letter.offset(), letter.reason());
                        listener.deadLettered(letter.reason());
                    });
                } catch (Exception e) {
                    var delay = settings.backoff().after(++failures);
                    log.warn("a batch of {} records failed; retrying in {} ms: {}", batch.size(), delay.toMillis(), e.toString());
                    listener.failed(e);
                    seekToBatchStart(consumer, records);
                    pause(delay);
                }
            }
        } catch (Error fatal) {
            log.error("the projector stopped on an error; nothing after the last committed batch was kept", fatal);
        } catch (RuntimeException fatal) {
            log.error("the projector stopped", fatal);
            listener.failed(fatal);
        } finally {
            lag.clear();
        }
    }

    /**
     * One consumer span per traced record that was applied (not dead-lettered): the poll's transaction,
     * which applies it to every read model at once.
     */
    private void recordSpans(List<ConsumerRecord<byte[], byte[]>> batch, BatchApplier.Result result, Instant start, Instant end) {
        try {
            recordSpansOf(batch, result, start, end);
        } catch (RuntimeException e) {
            // The poll is applied and committed: its spans must not make it look failed.
            log.debug("spans of a poll not recorded", e);
        }
    }

    private void recordSpansOf(List<ConsumerRecord<byte[], byte[]>> batch, BatchApplier.Result result, Instant start, Instant end) {
        var lettered = new HashSet<String>();
        result.deadLetters().forEach(l -> lettered.add(l.partition() + "@" + l.offset() + "@" + l.topic()));
        for (var record : batch) {
            var parent = TraceContext.parse(EventRecords.header(record.headers(), EventRecords.TRACEPARENT));
            if (parent == null || !parent.sampled()
                    || lettered.contains(record.partition() + "@" + record.offset() + "@" + record.topic())) {
                continue;
            }
            spans.record(new TraceSpan(parent.traceId(), TraceContext.newSpanId(), parent.spanId(), "ledger.project",
                    TraceSpan.Kind.CONSUMER, start, end, Map.of(
                            "messaging.system", "kafka",
                            "messaging.destination.name", record.topic(),
                            "messaging.destination.partition.id", Integer.toString(record.partition()),
                            "messaging.kafka.offset", record.offset(),
                            "messaging.batch.message_count", (long) batch.size(),
                            "ledger.read_models", READ_MODEL_NAMES)));
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.pollRecordsMax());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
        // Fewer, larger fetches: the broker answers once FETCH_BYTES_MIN are ready or FETCH_WAIT_MS_MAX passed.
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_BYTES_MIN);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_WAIT_MS_MAX);
        return config;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (var partition : records.partitions()) {
            var partitionRecords = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(partitionRecords.getLast().offset() + 1));
        }
        return offsets;
    }

    /** The batch's first offsets are where the consumer was after the last commit: nothing of the batch is lost. */
    private static void seekToBatchStart(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        var assigned = consumer.assignment();
        for (var partition : records.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
        }
    }

    private void pause(Duration backoff) {
        try {
            stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void refreshLag(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> unknown = new ArrayList<>();
        for (var partition : consumer.assignment()) {
            var current = consumer.currentLag(partition);
            if (current.isPresent()) {
                lag.put(partition, current.getAsLong());
            } else {
                unknown.add(partition);
            }
        }
        long now = System.nanoTime();
        if (unknown.isEmpty() || now - lastLagRefreshNanos < LAG_REFRESH_INTERVAL.toNanos()) {
            return;
        }
        lastLagRefreshNanos = now;
        try {
            var ends = consumer.endOffsets(unknown, LAG_REFRESH_INTERVAL);
            for (var partition : unknown) {
                lag.put(partition, Math.max(0, ends.get(partition) - consumer.position(partition, LAG_REFRESH_INTERVAL)));
            }
        } catch (KafkaException e) {
            // Lag is a metric: an unanswered look-up leaves the last known values.
            log.debug("could not refresh the lag: {}", e.toString());
        }
    }

    /**
     * A ledger whose first sequence is not known yet (see {@link Watermarks}) starts after a grace period,
     * which may end while no new event of it arrives: look at such ledgers again while idle.
     */
    private void sweepUnstartedLedgers() {
        long now = System.nanoTime();
        if (!unstartedLedgers || now - lastSweepNanos < UNSTARTED_SWEEP_INTERVAL.toNanos()) {
            return;
        }
        lastSweepNanos = now;
        try (var connection = projections.getConnection()) {
            connection.setAutoCommit(false);
            try {
                var ledgers = Watermarks.unstarted(connection);
                unstartedLedgers = !ledgers.isEmpty() && Watermarks.advance(connection, ledgers, hooks.historyStartGrace());
                connection.commit();
            } catch (java.sql.SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (java.sql.SQLException e) {
            log.debug("could not look at unstarted watermarks: {}", e.toString());
        }
    }

    /** Forgets the lag of partitions this instance no longer owns. */
    private final class LagCleaner implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(lag::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(lag::remove);
        }
    }
}
