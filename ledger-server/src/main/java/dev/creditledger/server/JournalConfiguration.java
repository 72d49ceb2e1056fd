package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.AlertStore;
import dev.creditledger.postgres.DailyCloser;
import dev.creditledger.postgres.EscrowQueries;
import dev.creditledger.postgres.ExplainQueries;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.IdempotencyRetention;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.postgres.PeriodSummaries;
import dev.creditledger.postgres.PostgresPostingEngine;
import dev.creditledger.server.console.EngineListeners;
import dev.creditledger.server.console.RecentBatches;
import dev.creditledger.server.tracing.SpanExport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The journal's side of the service (ledger-postgres): the clock and ids, the posting engine (the migrations run
 * when it is made, so a bean that touches the journal's tables when it starts takes the engine as a parameter, as
 * {@link #ledgerAdmin} does), the queries, admin, verifier, daily closes and idempotency retention. Which roles use
 * them is decided elsewhere: the beans exist in every role.
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

    @Bean(destroyMethod = "close")
    static PostgresPostingEngine postingEngine(DataSource dataSource, Clock clock, LedgerProperties properties, MeterRegistry registry,
                                               RecentBatches recentBatches, SpanExport spans) {
        LedgerDatabase.migrate(dataSource);
        var listener = new EngineListeners(List.of(new EngineMetrics(registry), recentBatches));
        var engine = new PostgresPostingEngine(dataSource, clock, properties.engine().settings(), listener, spans);
        Gauge.builder("ledger.queue.depth", engine, PostgresPostingEngine::queueDepth)
                .description("Submissions waiting for a batcher").register(registry);
        return engine;
    }

    @Bean
    static LedgerAdmin ledgerAdmin(DataSource dataSource, Clock clock, PostgresPostingEngine migratedFirst) {
        return new LedgerAdmin(dataSource, clock);
    }

    @Bean
    static LedgerQueries ledgerQueries(DataSource dataSource) {
        return new LedgerQueries(dataSource);
    }

    @Bean
    static LedgerVerifier ledgerVerifier(DataSource dataSource) {
        return new LedgerVerifier(dataSource);
    }

    @Bean
    static GrantQueries grantQueries(DataSource dataSource) {
        return new GrantQueries(dataSource);
    }

    @Bean
    static AlertStore alertStore(DataSource dataSource) {
        return new AlertStore(dataSource);
    }

    @Bean
    static PeriodSummaries periodSummaries(DataSource dataSource) {
        return new PeriodSummaries(dataSource);
    }

    @Bean
    static EscrowQueries escrowQueries(DataSource dataSource) {
        return new EscrowQueries(dataSource);
    }

    @Bean
    static ExplainQueries explainQueries(DataSource dataSource, LedgerQueries queries) {
        return new ExplainQueries(dataSource, queries);
    }

    @Bean
    static DailyCloser dailyCloser(DataSource dataSource, Clock clock, LedgerProperties properties) {
        return new DailyCloser(dataSource, clock, Duration.ofMillis(properties.closes().graceMs()));
    }

    @Bean
    static IdempotencyRetention idempotencyRetention(DataSource dataSource, Clock clock, LedgerProperties properties) {
        return new IdempotencyRetention(dataSource, clock, Duration.ofDays(properties.idempotency().retentionDays()),
                LedgerProperties.Idempotency.PURGE_CHUNK_ROWS);
    }
}
