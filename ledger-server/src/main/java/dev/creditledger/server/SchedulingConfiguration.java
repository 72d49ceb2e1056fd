package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.events.EventLog;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.postgres.PostingEngines;
import dev.creditledger.postgres.SagaRunner;
import dev.creditledger.projections.ReadModel;
import dev.creditledger.server.events.EventMetrics;
import dev.creditledger.server.events.EventPipeline;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.worker.ExpiryWorker;
import dev.creditledger.server.worker.ReconciliationWorker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * What runs on a schedule. The worker role: expiry of holds and grants, daily closes, continuous
 * reconciliation and the idempotency purge, each every its own interval and each skipped when disabled.
 * Every role: the probe of every cluster ({@link ClusterHealth}), the event metrics' refresh (the relay's backlog where this instance runs the relay, the
 * projector's lag and the read models' progress). A task that fails is logged and runs again at its next
 * interval; it never stops the others.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SchedulingConfiguration.class);
    private static final Duration EVENT_METRICS_REFRESH = Duration.ofSeconds(5);
    /** How often every cluster is probed for the health endpoint and {@code GET /v1/admin/clusters}. */
    static final Duration CLUSTER_PROBE_INTERVAL = Duration.ofSeconds(5);

    private final LedgerProperties properties;
    private final ExpiryWorker expiryWorker;
    private final ClusterJournals journals;
    private final ReconciliationWorker reconciliation;
    private final EventMetrics eventMetrics;
    private final EventPipeline eventPipeline;
    private final ProjectionsAccess projections;
    private final Clusters clusters;
    private final ClusterHealth clusterHealth;
    private final SagaRunner sagas;
    private final SagaMetrics sagaMetrics;
    /** Unfinished sagas one pass drives at most per cluster; the next pass takes the rest. */
    static final int SAGAS_PER_CLUSTER_PASS_MAX = 100;
    private final Clock clock;

    SchedulingConfiguration(LedgerProperties properties, ExpiryWorker expiryWorker, ClusterJournals journals, ReconciliationWorker reconciliation,
                            EventMetrics eventMetrics, EventPipeline eventPipeline, ProjectionsAccess projections, Clusters clusters, ClusterHealth clusterHealth, SagaRunner sagas,
                            SagaMetrics sagaMetrics, Clock clock) {
        this.properties = properties;
        this.expiryWorker = expiryWorker;
        this.journals = journals;
        this.reconciliation = reconciliation;
        this.eventMetrics = eventMetrics;
        this.eventPipeline = eventPipeline;
        this.projections = projections;
        this.clusters = clusters;
        this.clusterHealth = clusterHealth;
        this.sagas = sagas;
        this.sagaMetrics = sagaMetrics;
        this.clock = clock;
    }

    @Bean
    static ExpiryWorker expiryWorker(ClusterJournals journals, PostingEngines engine, IdGenerator ids,
                                     Clock clock, LedgerProperties properties, MeterRegistry registry) {
        return new ExpiryWorker(journals.all().stream().map(ClusterJournals.ClusterJournal::expiry).toList(), engine, ids, clock,
                properties.expiry().batchSizeMax(), registry);
    }

    /** Named {@code reconciliation}: its health indicator is {@code reconciliation}, in the readiness group. */
    @Bean
    static ReconciliationWorker reconciliation(ClusterJournals journals, Clock clock, LedgerProperties properties, MeterRegistry registry) {
        return new ReconciliationWorker(journals.all().stream().map(j -> new ReconciliationWorker.Cluster(j.cluster().name(),
                j.reconciler(), j.verifier(), j.readModels())).toList(), clock,
                Duration.ofMillis(properties.reconciliation().fullIntervalMs()), registry);
    }

    /** Named so that its health indicator is {@code sagas}. */
    @Bean
    static SagaMetrics sagasHealthIndicator(MeterRegistry registry) {
        return new SagaMetrics(registry);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (properties.runs(Role.WORKER) && properties.expiry().enabled()) {
            registrar.addFixedDelayTask(expiryWorker::expireDue, Duration.ofMillis(properties.expiry().intervalMs()));
        }
        if (properties.runs(Role.WORKER) && properties.closes().enabled()) {
            registrar.addFixedDelayTask(this::closeDueDays, Duration.ofMillis(properties.closes().intervalMs()));
        }
        if (properties.runs(Role.WORKER) && properties.reconciliation().enabled()) {
            registrar.addFixedDelayTask(reconciliation::pass, Duration.ofMillis(properties.reconciliation().intervalMs()));
        }
        if (properties.runs(Role.WORKER)) {
            registrar.addFixedDelayTask(this::driveSagas, Duration.ofMillis(properties.sagas().intervalMs()));
        }
        if (properties.runs(Role.WORKER)) {
            registrar.addFixedDelayTask(this::purgeIdempotency, Duration.ofMillis(properties.idempotency().purgeIntervalMs()));
        }
        registrar.addFixedDelayTask(clusterHealth::refresh, CLUSTER_PROBE_INTERVAL);
        registrar.addFixedDelayTask(() -> sagaMetrics.refresh(sagas.stuck()), CLUSTER_PROBE_INTERVAL);
        List<EventLog> events = properties.runs(Role.RELAY)
                ? clusters.all().stream().<EventLog>map(c -> new JournalEventLog(c.dataSource())).toList() : List.of();
        Supplier<Map<ReadModel, Long>> readModelProgress = projections.queries()
                .<Supplier<Map<ReadModel, Long>>>map(q -> q::lastAppliedSeq).orElse(null);
        registrar.addFixedDelayTask(() -> eventMetrics.refresh(events, clock, eventPipeline::projectorLag, readModelProgress),
                EVENT_METRICS_REFRESH);
    }

    /**
     * Closes the days that ended (plus the grace) in each ledger's time zone and are not closed yet, cluster by
     * cluster (one that fails does not stop the others); several workers may race, one wins each day.
     */
    private void closeDueDays() {
        for (var journal : journals.all()) {
            try {
                int closed = journal.closer().closeDue();
                if (closed > 0) {
                    log.info("closed {} ledger days on cluster {}", closed, journal.cluster().name());
                }
            } catch (RuntimeException e) {
                log.warn("daily close on cluster {} failed, tried again in {} ms: {}", journal.cluster().name(),
                        properties.closes().intervalMs(), e.getMessage());
            }
        }
    }

    /** Drives the transfers between ledgers that are due (started and left unfinished, or waiting for a cluster). */
    private void driveSagas() {
        try {
            sagaMetrics.driven(sagas.driveDue(SAGAS_PER_CLUSTER_PASS_MAX));
        } catch (RuntimeException e) {
            log.warn("saga pass failed, tried again in {} ms: {}", properties.sagas().intervalMs(), e.getMessage());
        }
    }

    private void purgeIdempotency() {
        for (var journal : journals.all()) {
            try {
                long deleted = journal.retention().purge();
                if (deleted > 0) {
                    log.info("forgot {} idempotency records older than {} days on cluster {}", deleted,
                            properties.idempotency().retentionDays(), journal.cluster().name());
                }
            } catch (RuntimeException e) {
                log.warn("idempotency purge on cluster {} failed, tried again in {} ms: {}", journal.cluster().name(),
                        properties.idempotency().purgeIntervalMs(), e.getMessage());
            }
        }
    }
}
