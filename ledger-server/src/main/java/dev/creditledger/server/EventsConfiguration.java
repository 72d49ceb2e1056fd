package dev.creditledger.server;

import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.server.api.ReadYourWrites;
import dev.creditledger.server.events.EventMetrics;
import dev.creditledger.server.events.EventPipeline;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.tracing.SpanExport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The event side: the read models' database (when configured), the event pipeline (the relay and the
 * projector, each started only in its role), their metrics, and read-your-writes over the read models.
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

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
    static EventPipeline eventPipeline(LedgerProperties properties, Clusters clusters, ProjectionsAccess projections,
                                       EventMetrics metrics, Clock clock, SpanExport spans) {
        return new EventPipeline(properties, clusters, projections, metrics, clock, spans);
    }
}
