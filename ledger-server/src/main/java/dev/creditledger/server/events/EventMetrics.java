package dev.creditledger.server.events;

import dev.creditledger.core.events.EventLog;
import dev.creditledger.kafka.RelayListener;
import dev.creditledger.projections.ProjectorListener;
import dev.creditledger.projections.ReadModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics of the event pipeline:
 * <ul>
 *   <li>{@code ledger.relay.backlog.changes} and {@code ledger.relay.backlog.age.seconds}: committed
 *       changes not yet published and how long ago the oldest was committed (refreshed by
 *       {@link #refresh}; one query per ledger with a backlog, never a count of events);</li>
 *   <li>{@code ledger.relay.published} and {@code ledger.relay.failures}: publish rate and errors;</li>
 *   <li>{@code ledger.projection.applied} (with its timer), {@code ledger.projection.dead.letters},
 *       {@code ledger.projection.failures};</li>
 *   <li>{@code ledger.projection.lag} per topic and partition, and {@code ledger.projection.last.seq} per
 *       read model.</li>
 * </ul>
 * Gauges that need a query are refreshed on a schedule rather than at scrape time, so a slow database
 * never slows the scrape.
 */
public final class EventMetrics {

    private static final Logger log = LoggerFactory.getLogger(EventMetrics.class);

    private final Counter published;
    private final Counter publishFailures;
    private final Counter applied;
    private final Timer applyDuration;
    private final Counter deadLetters;
    private final Counter projectorFailures;
    private final AtomicLong backlogChanges = new AtomicLong();
    private final AtomicLong backlogAgeMs = new AtomicLong();
    private final MultiGauge lag;
    private final MultiGauge lastSeq;

    public EventMetrics(MeterRegistry registry) {
        published = Counter.builder("ledger.relay.published").description("Events the relay published to Kafka").register(registry);
        publishFailures = Counter.builder("ledger.relay.failures")
                .description("Relay attempts that failed; the events stay unpublished and are retried").register(registry);
        Gauge.builder("ledger.relay.backlog.changes", backlogChanges, AtomicLong::get)
                .description("Ledger changes committed but not yet published (each is one event per account it touches)")
                .register(registry);
        Gauge.builder("ledger.relay.backlog.age.seconds", backlogAgeMs, ms -> ms.get() / 1000.0)
                .description("How long ago the oldest unpublished change was committed").register(registry);
        applied = Counter.builder("ledger.projection.applied").description("Events applied to the read models").register(registry);
        applyDuration = Timer.builder("ledger.projection.apply.duration").description("Time to apply one poll of events")
                .register(registry);
        deadLetters = Counter.builder("ledger.projection.dead.letters").description("Events sent to the dead-letter topic")
                .register(registry);
        projectorFailures = Counter.builder("ledger.projection.failures")
                .description("Projector batches that failed and were retried").register(registry);
        lag = MultiGauge.builder("ledger.projection.lag").description("Records not yet consumed, per partition")
                .register(registry);
        lastSeq = MultiGauge.builder("ledger.projection.last.seq").description("Highest ledger sequence applied, per read model")
                .register(registry);
    }

    public RelayListener relayListener() {
        return new RelayListener() {
            @Override
            public void published(int events) {
                published.increment(events);
            }

            @Override
            public void publishFailed(Exception cause) {
                publishFailures.increment();
            }
        };
    }

    public ProjectorListener projectorListener() {
        return new ProjectorListener() {
            @Override
            public void applied(int events, long nanos) {
                applied.increment(events);
                applyDuration.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void deadLettered(String reason) {
                deadLetters.increment();
            }

            @Override
            public void failed(Exception cause) {
                projectorFailures.increment();
            }
        };
    }

    /**
     * Re-reads what the gauges show; each source is optional and a failing one is skipped with a debug log. The
     * backlog is summed over the event logs of every cluster (none where this instance runs no relay); a cluster
     * that does not answer is left out of the sum.
     */
    public void refresh(List<EventLog> events, Clock clock, Supplier<java.util.Map<TopicPartition, Long>> lagSource,
                        Supplier<java.util.Map<ReadModel, Long>> lastSeqSource) {
        if (!events.isEmpty()) {
            long changes = 0;
            java.time.Instant oldest = null;
            for (var eventLog : events) {
                try {
                    var backlog = eventLog.backlog();
                    changes += backlog.changes();
                    if (backlog.oldestOccurredAt() != null && (oldest == null || backlog.oldestOccurredAt().isBefore(oldest))) {
                        oldest = backlog.oldestOccurredAt();
                    }
                } catch (RuntimeException e) {
                    log.debug("event backlog of a cluster not measured: {}", e.getMessage());
                }
            }
            backlogChanges.set(changes);
            backlogAgeMs.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis()));
        }
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        lagSource.get().forEach((tp, records) -> lagRows.add(MultiGauge.Row.of(
                Tags.of("topic", tp.topic(), "partition", String.valueOf(tp.partition())), records)));
        lag.register(lagRows, true);
        if (lastSeqSource != null) {
            try {
                List<MultiGauge.Row<?>> seqRows = new ArrayList<>();
                lastSeqSource.get().forEach((model, seq) -> seqRows.add(MultiGauge.Row.of(Tags.of("model", model.cliName()), seq)));
                lastSeq.register(seqRows, true);
            } catch (RuntimeException e) {
                log.debug("read-model sequences not measured: {}", e.getMessage());
            }
        }
    }
}
