package dev.creditledger.kafka;

import dev.creditledger.core.events.EventLog;
import dev.creditledger.core.events.EncodedEvent;
import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.core.trace.TraceSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the event log (the journal itself, ADR 0006) to Kafka (ADR 0005). One step ({@link #publishOnce()}) claims the
 * oldest unpublished events of one ledger, sends them in ledger-sequence order with an idempotent
 * producer, waits until Kafka acknowledged every one, and only then moves the ledger's published mark.
 * {@link #start()} runs such steps on one thread until {@link #close()}, with a pause when there is
 * nothing to do and an exponential backoff after failures. Nothing is ever deleted: the journal is kept.
 *
 * Delivery is at-least-once: a crash or a failure after Kafka acknowledged and before the mark moved sends
 * the same events again, with the same event ids, and consumers deduplicate by id. Several relays (in
 * one process or many) may run against one database: a claim holds its ledger exclusively, so each
 * ledger's events still leave in order.
 *
 * Every step reports to the {@link RelayListener} (published or failed) whether the loop or a caller
 * ran it.
 *
 * What can go wrong: an unreachable broker, a refused record or a missing acknowledgement fails the step
 * with {@link KafkaUnavailableException}, after at most {@link #SEND_BLOCK_MAX} blocked in send plus
 * {@code deliveryTimeout} waiting; the claim is then released unmarked and the producer replaced (after
 * an expired batch an idempotent producer may bump its epoch and carry on, and we do not want to reason
 * about what it then writes). A database failure surfaces as the event log's own exception. A record Kafka
 * refuses for good (too large, not authorised) stops its ledger until an operator intervenes; the relay
 * keeps retrying and reporting it. A sequence missing from the journal (the ledger's last sequence is past
 * its mark but no row holds the next one) is reported as a failure too, by the event log.
 */
public final class EventRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

    /** Longest a send may block waiting for topic metadata or buffer space (never longer than deliveryTimeout). */
    public static final Duration SEND_BLOCK_MAX = Duration.ofSeconds(5);
    /** Batching delay of the producer: small, because every claim waits for its own acknowledgements. */
    static final int LINGER_MS = 5;
    /**
     * Largest producer batch per partition: a claim of 1,000 events of about 1 KB over a few partitions
     * fits in one batch per partition (Kafka's default, 16 KB, would split it into several requests).
     */
    static final int BATCH_BYTES_MAX = 256 * 1024;
    /** Beyond deliveryTimeout, how long to wait for the producer to complete its futures before giving up on it. */
    static final Duration ACK_WAIT_GRACE = Duration.ofSeconds(2);
    /** How long a database step of a claim (claim, mark) is expected to take at most, for close's wait. */
    private static final Duration DATABASE_STEP_WAIT = Duration.ofSeconds(10);
    private static final Duration PRODUCER_CLOSE_WAIT = Duration.ofSeconds(5);
    private static final AtomicInteger instances = new AtomicInteger();

    private final EventLog events;
    private final KafkaSettings kafka;
    private final RelaySettings settings;
    private final RelayListener listener;
    private final SpanSink spans;
    private final String clientId;
    /** Held for a whole publication step: the producer and the topic check belong to it. */
    private final ReentrantLock publishing = new ReentrantLock();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile KafkaProducer<String, String> producer;
    private boolean topicsReady;
    private Thread loop;
    private volatile boolean closed;

    public EventRelay(EventLog events, KafkaSettings kafka, RelaySettings settings, RelayListener listener) {
        this(events, kafka, settings, listener, SpanSink.NONE);
    }

    /**
     * @param spans where each traced event's publication is recorded, as a producer span under the span of
     *              the request that caused it; the record then carries the publication span's context, so
     *              that a consumer's span is its child
     */
    public EventRelay(EventLog events, KafkaSettings kafka, RelaySettings settings, RelayListener listener, SpanSink spans) {
        this.events = events;
        this.kafka = kafka;
        this.settings = settings;
        this.listener = listener;
        this.spans = spans;
        this.clientId = kafka.topicPrefix() + "-relay-" + instances.incrementAndGet();
    }

    /**
     * Starts one platform thread, {@code ledger-relay}, that publishes until {@link #close()}. It is a
     * daemon: stopping in the middle of a claim is always safe (the claim is released unmarked and sent
     * again), so the relay never needs to keep a JVM alive.
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the relay is closed");
        }
        if (loop != null) {
            throw new IllegalStateException("the relay is already running");
        }
        loop = Thread.ofPlatform().name("ledger-relay").daemon(true).unstarted(this::run);
        loop.start();
        log.info("event relay started: topics {}.*, at most {} events per claim", kafka.topicPrefix(), settings.eventsPerClaimMax());
    }

    /**
     * Claims at most one ledger's batch, publishes it and marks it.
     *
     * @return events published, 0 when no ledger had unpublished events that another relay did not hold
     * @throws KafkaUnavailableException when Kafka did not acknowledge every event; the claim was released unmarked
     * @throws RuntimeException          whatever the event log throws when the database fails; nothing was marked
     */
    public int publishOnce() {
        publishing.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the relay is closed");
            }
            Optional<EventLog.Claim> next;
            try {
                next = events.claimNext(settings.eventsPerClaimMax());
            } catch (RuntimeException e) {
                listener.publishFailed(e);
                throw e;
            }
            if (next.isEmpty()) {
                return 0;
            }
            // Closing the claim after markPublished does nothing; on any failure it releases the claim unmarked.
            try (var claim = next.get()) {
                var records = claim.events();
                try {
                    ensureTopics();
                    send(claim.ledgerId(), records);
                    claim.markPublished();
                } catch (RuntimeException e) {
                    listener.publishFailed(e);
                    throw e;
                }
                listener.published(records.size());
                return records.size();
            }
        } finally {
            publishing.unlock();
        }
    }

    /** Stops the loop (waiting for a claim in progress to finish or fail), then closes the producer. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = loop;
        }
        closing.countDown();
        var stepWaitMax = TopicProvisioner.CREATE_WAIT.plus(SEND_BLOCK_MAX).plus(settings.deliveryTimeout()).plus(ACK_WAIT_GRACE)
                .plus(DATABASE_STEP_WAIT);
        boolean locked = false;
        try {
            if (running != null && running != Thread.currentThread()) {
                running.join(stepWaitMax);
                if (running.isAlive()) {
                    log.warn("the relay thread did not stop within {}; closing its producer under it", stepWaitMax);
                }
            }
            // publishOnce may also be running on a caller's thread.
            locked = publishing.tryLock(stepWaitMax.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeProducer(PRODUCER_CLOSE_WAIT);
        } finally {
            if (locked) {
                publishing.unlock();
            }
        }
        log.info("event relay stopped");
    }

    private void run() {
        int failures = 0;
        long failingSinceNanos = 0;
        while (!closed) {
            Duration pause;
            try {
                pause = publishOnce() > 0 ? Duration.ZERO : settings.idlePoll();
                if (failures > 0) {
                    log.info("event relay publishing again after {} failed attempts in {} ms", failures,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSinceNanos));
                    failures = 0;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                failures++;
                if (failures == 1) {
                    // One warning per streak: a broker that is down for an hour must not flood the log.
                    failingSinceNanos = System.nanoTime();
                    log.warn("event relay cannot publish; retrying with backoff up to {} (logged again only after it recovers)",
                            settings.backoffMax(), e);
                }
                pause = settings.backoff().after(failures);
            }
            if (!pause.isZero() && sleepUnlessClosed(pause)) {
                break;
            }
        }
    }

    /** @return true when the relay was closed while sleeping */
    private boolean sleepUnlessClosed(Duration pause) {
        try {
            return closing.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Topics are created at the first publication, not at start, so a relay can start while Kafka is down. */
    private void ensureTopics() {
        if (!topicsReady) {
            var wait = settings.deliveryTimeout().compareTo(TopicProvisioner.CREATE_WAIT) < 0
                    ? settings.deliveryTimeout() : TopicProvisioner.CREATE_WAIT;
            TopicProvisioner.ensureTopics(kafka, wait);
            topicsReady = true;
        }
    }

    /**
     * Sends every record in order, then waits until each is acknowledged; any failure replaces the producer.
     *
     * A send that cannot get the topic's metadata blocks for max.block.ms and then returns an already
     * failed future instead of throwing. The callback notices the first failure (in send or later, in
     * the background) and no further record is sent: with the broker down, a claim of a thousand events
     * would otherwise block a thousand times max.block.ms.
     */
    private void send(UUID ledgerId, List<EncodedEvent> records) {
        var from = records.getFirst().ledgerSeq();
        var to = records.getLast().ledgerSeq();
        var producer = producer();
        var firstFailure = new AtomicReference<Exception>();
        Callback onCompletion = (metadata, exception) -> {
            if (exception != null) {
                firstFailure.compareAndSet(null, exception);
            }
        };
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        var traced = spans.enabled() ? new PublishSpan[records.size()] : null;
        var sentAt = Instant.now();
        try {
            for (int i = 0; i < records.size(); i++) {
                if (firstFailure.get() != null) {
                    break;
                }
                var record = records.get(i);
                var traceparent = record.traceparent();
                if (traced != null) {
                    var parent = TraceContext.parse(traceparent);
                    if (parent != null && parent.sampled()) {
                        traced[i] = new PublishSpan(parent.child(), parent.spanId());
                        traceparent = traced[i].context().traceparent();
                    }
                }
                acks.add(producer.send(EventRecords.toRecord(record, kafka, traceparent), onCompletion));
            }
            if (firstFailure.get() != null) {
                throw new ExecutionException(firstFailure.get());
            }
            // The producer completes every future within deliveryTimeout; the grace covers a request in flight.
            long deadline = System.nanoTime() + settings.deliveryTimeout().plus(ACK_WAIT_GRACE).toNanos();
            for (var ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            discardProducer();
            throw new KafkaUnavailableException(failure(ledgerId, from, to, records.size()) + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            discardProducer();
            throw new KafkaUnavailableException(failure(ledgerId, from, to, records.size()) + " within "
                    + settings.deliveryTimeout().plus(ACK_WAIT_GRACE), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discardProducer();
            throw new KafkaUnavailableException(failure(ledgerId, from, to, records.size()) + ": interrupted", e);
        } catch (RuntimeException e) {
            // send itself threw: a serialisation error, a closed producer.
            discardProducer();
            throw new KafkaUnavailableException(failure(ledgerId, from, to, records.size()) + ": " + e, e);
        }
        if (traced != null) {
            // Outside the try: the claim was acknowledged, and nothing about its spans may make it look failed.
            try {
                recordSpans(records, traced, acks, sentAt, Instant.now());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
                log.debug("spans of a claim not recorded", e);
            }
        }
    }

    /** The producer span of one traced event: its own context, sent on with the event, and the span it descends from. */
    private record PublishSpan(TraceContext context, String parentSpanId) {}

    /**
     * One producer span per traced event: from the claim's first send to the acknowledgement of the whole
     * claim (the relay waits for all of them together), with the topic, partition and offset Kafka gave it.
     */
    private void recordSpans(List<EncodedEvent> records, PublishSpan[] traced, List<Future<RecordMetadata>> acks,
                             Instant sentAt, Instant ackedAt) throws ExecutionException, InterruptedException {
        for (int i = 0; i < records.size(); i++) {
            if (traced[i] == null) {
                continue;
            }
            var record = records.get(i);
            var metadata = acks.get(i).get();
            var span = traced[i].context();
            spans.record(new TraceSpan(span.traceId(), span.spanId(), traced[i].parentSpanId(), "ledger.publish",
                    TraceSpan.Kind.PRODUCER, sentAt, ackedAt, Map.of(
                            "messaging.system", "kafka",
                            "messaging.destination.name", metadata.topic(),
                            "messaging.destination.partition.id", Integer.toString(metadata.partition()),
                            "messaging.kafka.offset", metadata.offset(),
                            "messaging.message.id", record.eventId().toString(),
                            "ledger.id", record.ledgerId().toString(),
                            "ledger.seq", record.ledgerSeq())));
        }
    }

    private static String failure(UUID ledgerId, long from, long to, int events) {
        return "Kafka did not acknowledge the " + events + " events of ledger " + ledgerId + ", sequences " + from + " to " + to;
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    Map<String, Object> producerConfig() {
        long deliveryTimeoutMs = settings.deliveryTimeout().toMillis();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // Idempotence with at most 5 requests in flight keeps each partition in send order across retries.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeoutMs);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms; half leaves room for one retry.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (deliveryTimeoutMs / 2));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(SEND_BLOCK_MAX.toMillis(), deliveryTimeoutMs));
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES_MAX);
        return config;
    }

    private void discardProducer() {
        // Zero wait: the claim is abandoned, so its unsent records are failed rather than sent late.
        closeProducer(Duration.ZERO);
    }

    private void closeProducer(Duration wait) {
        var current = producer;
        producer = null;
        if (current != null) {
            try {
                current.close(wait);
            } catch (RuntimeException e) {
                log.warn("the Kafka producer did not close cleanly: {}", e.toString());
            }
        }
    }
}
