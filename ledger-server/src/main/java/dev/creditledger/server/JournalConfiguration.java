package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.AlertStore;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.EscrowQueries;
import dev.creditledger.postgres.ExplainQueries;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerLinks;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.PeriodSummaries;
import dev.creditledger.postgres.PostgresPostingEngine;
import dev.creditledger.postgres.PostingEngines;
import dev.creditledger.postgres.SagaRunner;
import dev.creditledger.postgres.SagaStore;
import dev.creditledger.server.console.EngineListeners;
import dev.creditledger.server.console.RecentBatches;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.tracing.SpanExport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The journal's side of the service (ledger-postgres): the clock and ids, the clusters (migrated when they are
 * made, so every bean that touches the journal's tables takes them as a parameter), a posting engine per cluster,
 * the queries routed by ledger, admin, and the work done per cluster (closes, expiry scans, idempotency retention,
 * reconciliation). Which roles use them is decided elsewhere: the beans exist in every role.
 */
@Configuration(proxyBeanMethods = false)
class JournalConfiguration {

    @Bean
    static Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    static IdGenerator idGenerator(Clock clock) {
        return new IdGenerator(clock);
    }

    /** The last batches of this instance's engine, for the operator console ({@code GET /v1/admin/status}). */
    @Bean
    static RecentBatches recentBatches(Clock clock) {
        return new RecentBatches(clock);
    }

    /** The pools of the configured clusters; closed after every bean that uses them. */
    @Bean(destroyMethod = "close")
    static ClusterPools clusterPools(DataSource dataSource, LedgerProperties properties, MeterRegistry registry) {
        return ClusterPools.open(dataSource, properties, registry);
    }

    /** Every cluster, migrated and checked to be the cluster it is configured as before any bean uses it. */
    @Bean
    static Clusters clusters(ClusterPools pools) {
        return pools.clusters().migrate();
    }

    @Bean(destroyMethod = "close")
    static PostingEngines postingEngines(Clusters clusters, Clock clock, LedgerProperties properties, MeterRegistry registry,
                                         RecentBatches recentBatches, SpanExport spans) {
        var listener = new EngineListeners(List.of(new EngineMetrics(registry), recentBatches));
        var engines = new PostingEngines(clusters, cluster -> new PostgresPostingEngine(cluster.dataSource(), clock,
                properties.engine().settings(), listener, spans));
        Gauge.builder("ledger.queue.depth", engines, PostingEngines::queueDepth)
                .description("Submissions waiting for a batcher, over every cluster's engine").register(registry);
        return engines;
    }

    @Bean
    static LedgerAdmin ledgerAdmin(Clusters clusters, Clock clock) {
        return new LedgerAdmin(clusters, clock);
    }

    @Bean
    static LedgerQueries ledgerQueries(Clusters clusters) {
        return new LedgerQueries(clusters);
    }

    @Bean
    static GrantQueries grantQueries(Clusters clusters) {
        return new GrantQueries(clusters);
    }

    @Bean
    static AlertStore alertStore(Clusters clusters) {
        return new AlertStore(clusters);
    }

    @Bean
    static PeriodSummaries periodSummaries(Clusters clusters) {
        return new PeriodSummaries(clusters);
    }

    @Bean
    static EscrowQueries escrowQueries(Clusters clusters) {
        return new EscrowQueries(clusters);
    }

    @Bean
    static ExplainQueries explainQueries(Clusters clusters, LedgerQueries queries) {
        return new ExplainQueries(clusters, queries);
    }

    @Bean
    static SagaStore sagaStore(Clusters clusters) {
        return new SagaStore(clusters);
    }

    @Bean
    static LedgerLinks ledgerLinks(Clusters clusters, Clock clock) {
        return new LedgerLinks(clusters, clock);
    }

    /** Transfers between ledgers (ADR 0021): started by the api role, finished by whichever role drives them first. */
    @Bean
    static SagaRunner sagaRunner(Clusters clusters, PostingEngines engines, SagaStore store, LedgerLinks links, Clock clock, IdGenerator ids,
                                 LedgerProperties properties) {
        return new SagaRunner(clusters, engines, store, links, clock, ids, properties.sagas().settings());
    }

    /** Every cluster's state, probed on a schedule; the {@code clusters} health indicator (bean name minus its suffix). */
    @Bean
    static ClusterHealth clustersHealthIndicator(Clusters clusters, Clock clock) {
        return new ClusterHealth(clusters, clock);
    }

    /** Closes, expiry scans, the idempotency purge, reconciliation and verification, per cluster. */
    @Bean
    static ClusterJournals clusterJournals(Clusters clusters, Clock clock, LedgerProperties properties, ProjectionsAccess projections) {
        return new ClusterJournals(clusters, clock, properties, projections.dataSource());
    }
}
