package dev.creditledger.server.events;

import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.kafka.EventRelay;
import dev.creditledger.kafka.TopicProvisioner;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.projections.Projector;
import dev.creditledger.server.LedgerProperties;
import dev.creditledger.server.Role;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import dev.creditledger.postgres.Clusters;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the relays (one per cluster) and the projector when this process has those roles, after the context is ready,
 * and stops them before the connection pools close. A role that lacks its configuration (Kafka, or the
 * read-model database) fails the start with a message that names the missing setting.
 */
public final class EventPipeline implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventPipeline.class);

    private final LedgerProperties properties;
    private final Clusters clusters;
    private final ProjectionsAccess projections;
    private final EventMetrics metrics;
    private final Clock clock;
    private final SpanSink spans;
    private final List<EventRelay> relays = new ArrayList<>();
    private Projector projector;
    private volatile boolean running;

    public EventPipeline(LedgerProperties properties, Clusters clusters, ProjectionsAccess projections, EventMetrics metrics,
                         Clock clock, SpanSink spans) {
        this.spans = spans;
        this.properties = properties;
        this.clusters = clusters;
        this.projections = projections;
        this.metrics = metrics;
        this.clock = clock;
        if ((properties.runs(Role.RELAY) || properties.runs(Role.PROJECTOR)) && !properties.kafka().configured()) {
            throw new IllegalStateException("the relay and projector roles need Kafka: set ledger.kafka.bootstrap-servers "
                    + "(LEDGER_KAFKA_BOOTSTRAP), or run only --roles api,worker");
        }
        if (properties.runs(Role.PROJECTOR) && projections.dataSource().isEmpty()) {
            throw new IllegalStateException("the projector role needs the read-model database: set ledger.projections.url "
                    + "(LEDGER_PROJECTIONS_DB_URL)");
        }
    }

    @Override
    public synchronized void start() {
        if (properties.runs(Role.RELAY) || properties.runs(Role.PROJECTOR)) {
            try {
                TopicProvisioner.ensureTopics(properties.kafka().settings());
            } catch (RuntimeException e) {
                // The relay creates them itself once the broker answers; the projector waits for them.
                log.warn("could not create the event topics yet ({}); the relay retries", e.getMessage());
            }
        }
        if (properties.runs(Role.RELAY)) {
            // One relay per cluster: each tails its own journals, so a cluster that does not answer delays only its events.
            for (var cluster : clusters.all()) {
                var relay = new EventRelay(new JournalEventLog(cluster.dataSource()), properties.kafka().settings(),
                        properties.relay().settings(), metrics.relayListener(), spans);
                relay.start();
                relays.add(relay);
            }
        }
        if (properties.runs(Role.PROJECTOR)) {
            projector = new Projector(projections.dataSource().orElseThrow(), properties.kafka().settings(),
                    properties.projections().settings(), metrics.projectorListener(), spans);
            projector.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (projector != null) {
            projector.close();
            projector = null;
        }
        relays.forEach(EventRelay::close);
        relays.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Consumer lag per partition of this process's projector; empty when it runs no projector. */
    public synchronized Map<TopicPartition, Long> projectorLag() {
        return Optional.ofNullable(projector).map(Projector::lag).orElse(Map.of());
    }
}
