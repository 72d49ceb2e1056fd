package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.server.tracing.SpanExport;
import dev.creditledger.postgres.EscrowQueries;
import dev.creditledger.postgres.ExplainQueries;
import dev.creditledger.postgres.AlertStore;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.IdempotencyRetention;
import dev.creditledger.postgres.PeriodSummaries;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.postgres.PostgresPostingEngine;
import dev.creditledger.server.api.AccountReads;
import dev.creditledger.server.api.CommandGateway;
import dev.creditledger.server.api.TransferRequests;
import dev.creditledger.server.api.ReadYourWrites;
import dev.creditledger.server.api.RequestHasher;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.server.api.LedgerJson;
import dev.creditledger.server.auth.ApiKeyCache;
import dev.creditledger.server.auth.AuthInterceptor;
import dev.creditledger.server.auth.Authenticator;
import dev.creditledger.server.auth.RateLimiter;
import dev.creditledger.server.console.EngineListeners;
import dev.creditledger.server.console.RecentBatches;
import dev.creditledger.server.events.EventMetrics;
import dev.creditledger.server.events.EventPipeline;
import dev.creditledger.server.grpc.GrpcServer;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.worker.ExpiryWorker;
import dev.creditledger.server.worker.ReconciliationWorker;
import dev.creditledger.postgres.JournalReconciler;
import dev.creditledger.postgres.DailyCloser;
import dev.creditledger.projections.ReadModelReconciler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring Boot application: wires the posting engine, queries, admin and verifier from
 * ledger-postgres to the HTTP API, the gRPC API, auth, metrics and the hold expiry worker, and the event pipeline
 * (event relay, projector, read-model queries). Which of them run is decided by the process's
 * {@link Role}s. Migrations run before the engine starts. How the databases and Kafka are reached
 * (embedded for {@code ledger dev}, external for {@code ledger serve}) is decided by {@link LedgerMain}
 * through ordinary Spring properties.
 */
@SpringBootApplication
@EnableConfigurationProperties(LedgerProperties.class)
@EnableScheduling
@OpenAPIDefinition(info = @Info(title = "Credit Ledger API", version = "v1",
        description = "A double-entry ledger for credits, wallets, escrow and loyalty points. Amounts are integers in the "
                + "asset's minor unit. Every write accepts an Idempotency-Key."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "An API key of a ledger, or the operator key for /v1/admin")
public class LedgerApplication implements WebMvcConfigurer, SchedulingConfigurer {

    private static final Duration EVENT_METRICS_REFRESH = Duration.ofSeconds(5);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LedgerApplication.class);
    private final LedgerProperties properties;
    private final Authenticator authenticator;
    private final ExpiryWorker expiryWorker;
    private final EventMetrics eventMetrics;
    private final EventPipeline eventPipeline;
    private final ProjectionsAccess projections;
    private final DataSource dataSource;
    private final Clock clock;
    private final IdempotencyRetention idempotencyRetention;
    private final ReconciliationWorker reconciliation;
    private final DailyCloser closer;

    public LedgerApplication(LedgerProperties properties, Authenticator authenticator, ExpiryWorker expiryWorker,
                             EventMetrics eventMetrics, EventPipeline eventPipeline, ProjectionsAccess projections,
                             DataSource dataSource, Clock clock, IdempotencyRetention idempotencyRetention,
                             ReconciliationWorker reconciliation, DailyCloser closer) {
        this.reconciliation = reconciliation;
        this.closer = closer;
        this.properties = properties;
        this.authenticator = authenticator;
        this.expiryWorker = expiryWorker;
        this.eventMetrics = eventMetrics;
        this.eventPipeline = eventPipeline;
        this.projections = projections;
        this.dataSource = dataSource;
        this.clock = clock;
        this.idempotencyRetention = idempotencyRetention;
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

    /** Closes the UTC days that ended (plus the grace) and are not closed yet; several workers may race, one wins each day. */
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
    static ApiKeyCache apiKeyCache(LedgerAdmin admin, LedgerProperties properties) {
        return new ApiKeyCache(admin, Duration.ofMillis(properties.auth().keyCacheMs()), ApiKeyCache.KEYS_MAX_DEFAULT);
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
    static RequestHasher requestHasher(JsonMapper mapper) {
        return new RequestHasher(mapper);
    }

    @Bean
    static CommandGateway commandGateway(PostgresPostingEngine engine, RequestHasher hasher, LedgerProperties properties,
                                         MeterRegistry registry) {
        return new CommandGateway(engine, hasher, Duration.ofMillis(properties.writeTimeoutMs()), new WriteMetrics(registry));
    }

    @Bean
    static TransferRequests transferRequests(CommandGateway gateway, IdGenerator ids) {
        return new TransferRequests(gateway, ids);
    }

    @Bean
    static AccountReads accountReads(LedgerQueries queries) {
        return new AccountReads(queries);
    }

    /** Keys, rate limits and the bad-key throttle, shared by the HTTP API and the gRPC API (counted once for both). */
    @Bean
    static Authenticator authenticator(ApiKeyCache keys, LedgerProperties properties) {
        var limits = new RateLimiter(properties.rateLimit().perKeyPerSecond(), properties.rateLimit().badKeysPerAddressPerMinute());
        return new Authenticator(keys, properties.adminKey(), limits);
    }

    /** The gRPC API (docs/grpc.md) on {@code ledger.grpc.port}, for the api role; none when the port is 0. */
    @Bean
    static GrpcServer grpcServer(LedgerProperties properties, CommandGateway gateway, TransferRequests transfers, AccountReads reads,
                                 Authenticator authenticator) {
        int port = properties.runs(Role.API) ? properties.grpc().port() : 0;
        return new GrpcServer(port, gateway, transfers, reads, authenticator);
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
    static ExpiryWorker expiryWorker(LedgerQueries queries, GrantQueries grants, PostgresPostingEngine engine, IdGenerator ids,
                                     Clock clock, LedgerProperties properties, MeterRegistry registry) {
        return new ExpiryWorker(queries, grants, engine, ids, clock, properties.expiry().batchSizeMax(), registry);
    }

    @Bean
    static DailyCloser dailyCloser(DataSource dataSource, Clock clock, LedgerProperties properties) {
        return new DailyCloser(dataSource, clock, Duration.ofMillis(properties.closes().graceMs()));
    }

    /** Named {@code reconciliation}: its health indicator is {@code reconciliation}, in the readiness group. */
    @Bean
    static ReconciliationWorker reconciliation(DataSource dataSource, LedgerVerifier verifier, ProjectionsAccess projections, Clock clock,
                                               LedgerProperties properties, MeterRegistry registry) {
        return new ReconciliationWorker(new JournalReconciler(dataSource), verifier,
                projections.dataSource().map(read -> new ReadModelReconciler(dataSource, read)), clock,
                Duration.ofMillis(properties.reconciliation().fullIntervalMs()), registry);
    }

    @Bean(destroyMethod = "close")
    static ProjectionsAccess projectionsAccess(LedgerProperties properties) {
        return ProjectionsAccess.open(properties);
    }

    @Bean
    static ReadYourWrites readYourWrites(ProjectionsAccess projections, LedgerAdmin admin, LedgerProperties properties) {
        return new ReadYourWrites(projections, admin, Duration.ofMillis(properties.projections().readWaitMsMax()));
    }

    @Bean
    static EventMetrics eventMetrics(MeterRegistry registry) {
        return new EventMetrics(registry);
    }

    @Bean
    static EventPipeline eventPipeline(LedgerProperties properties, DataSource dataSource, ProjectionsAccess projections,
                                       EventMetrics metrics, Clock clock, PostgresPostingEngine migratedFirst, SpanExport spans) {
        return new EventPipeline(properties, dataSource, projections, metrics, clock, spans);
    }

    /** Strict JSON: money must never be moved by a typo, a fraction, a quoted number or a duplicated key ({@link LedgerJson}). */
    @Bean
    static JsonMapperBuilderCustomizer strictJson() {
        return LedgerJson::strict;
    }

    @Bean
    static FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter() {
        var registration = new FilterRegistrationBean<>(new BodySizeLimitFilter());
        registration.addUrlPatterns("/v1/*");
        return registration;
    }

    /**
     * Requests Tomcat refuses before any servlet (an undecodable path, an encoded NUL) are answered with a
     * problem too ({@link ProblemErrorReportValve}); ordered last, so it replaces Boot's error report valve.
     */
    @Bean
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
    static org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory>
            problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    @Bean
    static FilterRegistrationBean<QueryStringFilter> queryStringFilter() {
        var registration = new FilterRegistrationBean<>(new QueryStringFilter());
        registration.addUrlPatterns("/v1/*");
        return registration;
    }

    @Bean
    static FilterRegistrationBean<TraceContextFilter> traceContextFilter(SpanExport spans) {
        var registration = new FilterRegistrationBean<>(new TraceContextFilter(spans));
        registration.addUrlPatterns("/v1/*");
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        if (!properties.runs(Role.API)) {
            registry.addInterceptor(new HandlerInterceptor() {
                @Override
                public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                    throw ApiException.of(ApiError.ROLE_NOT_SERVED, "this instance runs the roles " + properties.roles());
                }
            }).addPathPatterns("/v1/**");
            return;
        }
        registry.addInterceptor(new AuthInterceptor(authenticator)).addPathPatterns("/v1/**");
    }

    @Bean
    static IdempotencyRetention idempotencyRetention(DataSource dataSource, Clock clock, LedgerProperties properties) {
        return new IdempotencyRetention(dataSource, clock, Duration.ofDays(properties.idempotency().retentionDays()),
                LedgerProperties.Idempotency.PURGE_CHUNK_ROWS);
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
        registrar.addFixedDelayTask(() -> eventMetrics.refresh(events, clock, eventPipeline::projectorLag,
                projections.queries().<java.util.function.Supplier<java.util.Map<dev.creditledger.projections.ReadModel, Long>>>map(
                        q -> q::lastAppliedSeq).orElse(null)), EVENT_METRICS_REFRESH);
    }
}
