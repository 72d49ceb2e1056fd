package dev.creditledger.server;

import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.PostingEngines;
import dev.creditledger.server.api.AccountReads;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.postgres.SagaRunner;
import dev.creditledger.postgres.SagaStore;
import dev.creditledger.server.api.CommandGateway;
import dev.creditledger.server.api.CrossLedgerTransfers;
import dev.creditledger.server.api.LedgerJson;
import dev.creditledger.server.api.RequestHasher;
import dev.creditledger.server.api.TransferRequests;
import dev.creditledger.server.auth.ApiKeyCache;
import dev.creditledger.server.auth.AuthInterceptor;
import dev.creditledger.server.auth.Authenticator;
import dev.creditledger.server.auth.RateLimiter;
import dev.creditledger.server.grpc.GrpcServer;
import dev.creditledger.server.tracing.SpanExport;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The APIs' side: what turns a request into a command and back (hashing, the gateway to the engine, the
 * account reads), API keys, rate limits and the bad-key throttle shared by HTTP and gRPC, the gRPC server,
 * strict JSON, the servlet filters (body size, query string, trace context), problems for what Tomcat refuses
 * itself, and the interceptor that authenticates every {@code /v1} request, or refuses it on an instance that
 * does not run the api role.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final LedgerProperties properties;
    private final Authenticator authenticator;

    WebConfiguration(LedgerProperties properties, Authenticator authenticator) {
        this.properties = properties;
        this.authenticator = authenticator;
    }

    @Bean
    static RequestHasher requestHasher(JsonMapper mapper) {
        return new RequestHasher(mapper);
    }

    @Bean
    static CommandGateway commandGateway(PostingEngines engine, RequestHasher hasher, LedgerProperties properties,
                                         MeterRegistry registry) {
        return new CommandGateway(engine, hasher, Duration.ofMillis(properties.writeTimeoutMs()), new WriteMetrics(registry));
    }

    @Bean
    static TransferRequests transferRequests(CommandGateway gateway, IdGenerator ids, SagaStore sagas) {
        return new TransferRequests(gateway, ids, sagas);
    }

    @Bean
    static CrossLedgerTransfers crossLedgerTransfers(CommandGateway gateway, SagaRunner sagas, LedgerProperties properties) {
        return new CrossLedgerTransfers(gateway, sagas, Duration.ofMillis(properties.writeTimeoutMs()));
    }

    @Bean
    static AccountReads accountReads(LedgerQueries queries) {
        return new AccountReads(queries);
    }

    @Bean
    static ApiKeyCache apiKeyCache(LedgerAdmin admin, LedgerProperties properties) {
        return new ApiKeyCache(admin, Duration.ofMillis(properties.auth().keyCacheMs()), ApiKeyCache.KEYS_MAX_DEFAULT);
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

    /**
     * Requests Tomcat refuses before any servlet (an undecodable path, an encoded NUL) are answered with a
     * problem too ({@link ProblemErrorReportValve}); ordered last, so it replaces Boot's error report valve.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
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
}
