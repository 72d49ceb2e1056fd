package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.DailyCloser;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.IdempotencyRetention;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.postgres.JournalReconciler;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.postgres.PostgresPostingEngine;
import dev.creditledger.projections.ReadModel;
import dev.creditledger.projections.ReadModelReconciler;
import dev.creditledger.server.events.EventMetrics;
import dev.creditledger.server.events.EventPipeline;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.worker.ExpiryWorker;
import dev.creditledger.server.worker.ReconciliationWorker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
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
 * Every role: the event metrics' refresh (the relay's backlog where this instance runs the relay, the
 * projector's lag and the read models' progress). A task that fails is logged and runs again at its next
 * interval; it never stops the others.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SchedulingConfiguration.class);
    private static final Duration EVENT_METRICS_REFRESH = Duration.ofSeconds(5);

    private final LedgerProperties properties;
    private final ExpiryWorker expiryWorker;
    private final DailyCloser closer;
    private final ReconciliationWorker reconciliation;
    private final IdempotencyRetention idempotencyRetention;
    private final EventMetrics eventMetrics;
    private final EventPipeline eventPipeline;
    private final ProjectionsAccess projections;
    private final DataSource dataSource;
    private final Clock clock;

    SchedulingConfiguration(LedgerProperties properties, ExpiryWorker expiryWorker, DailyCloser closer, ReconciliationWorker reconciliation,
                            IdempotencyRetention idempotencyRetention, EventMetrics eventMetrics, EventPipeline eventPipeline,
                            ProjectionsAccess projections, DataSource dataSource, Clock clock) {
        this.properties = properties;
        this.expiryWorker = expiryWorker;
        this.closer = closer;
        this.reconciliation = reconciliation;
        this.idempotencyRetention = idempotencyRetention;
        this.eventMetrics = eventMetrics;
        this.eventPipeline = eventPipeline;
        this.projections = projections;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Bean
    static ExpiryWorker expiryWorker(LedgerQueries queries, GrantQueries grants, PostgresPostingEngine engine, IdGenerator ids,
                                     Clock clock, LedgerProperties properties, MeterRegistry registry) {
        return new ExpiryWorker(queries, grants, engine, ids, clock, properties.expiry().batchSizeMax(), registry);
    }

    /** Named {@code reconciliation}: its health indicator is {@code reconciliation}, in the readiness group. */
    @Bean
    static ReconciliationWorker reconciliation(DataSource dataSource, LedgerVerifier verifier, ProjectionsAccess projections, Clock clock,
                                               LedgerProperties properties, MeterRegistry registry) {
        return new ReconciliationWorker(new JournalReconciler(dataSource), verifier,
                projections.dataSource().map(read -> new ReadModelReconciler(dataSource, read)), clock,
                Duration.ofMillis(properties.reconciliation().fullIntervalMs()), registry);
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
            registrar.addFixedDelayTask(this::purgeIdempotency, Duration.ofMillis(properties.idempotency().purgeIntervalMs()));
        }
        var events = properties.runs(Role.RELAY) ? new JournalEventLog(dataSource) : null;
        Supplier<Map<ReadModel, Long>> readModelProgress = projections.queries()
                .<Supplier<Map<ReadModel, Long>>>map(q -> q::lastAppliedSeq).orElse(null);
        registrar.addFixedDelayTask(() -> eventMetrics.refresh(events, clock, eventPipeline::projectorLag, readModelProgress),
                EVENT_METRICS_REFRESH);
    }

    /** Closes the days that ended (plus the grace) in each ledger's time zone and are not closed yet; several workers may race, one wins each day. */
    private void closeDueDays() {
        try {
            int closed = closer.closeDue();
            if (closed > 0) {
                log.info("closed {} ledger days", closed);
            }
        } catch (RuntimeException e) {
            log.warn("daily close failed, tried again in {} ms: {}", properties.closes().intervalMs(), e.getMessage());
        }
    }

    private void purgeIdempotency() {
        try {
            long deleted = idempotencyRetention.purge();
            if (deleted > 0) {
                log.info("forgot {} idempotency records older than {} days", deleted, properties.idempotency().retentionDays());
            }
        } catch (RuntimeException e) {
            log.warn("idempotency purge failed, tried again in {} ms: {}", properties.idempotency().purgeIntervalMs(), e.getMessage());
        }
    }
}
