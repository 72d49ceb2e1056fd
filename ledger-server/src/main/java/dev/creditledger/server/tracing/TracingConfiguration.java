package dev.creditledger.server.tracing;

import dev.creditledger.server.LedgerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Where the service's spans go, from the standard OpenTelemetry variables and one ledger setting:
 * <ul>
 *   <li>{@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL), or {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the
 *   collector's base URL, to which {@code /v1/traces} is added): export with OTLP over HTTP (protobuf) to
 *   Jaeger, Tempo or any collector. {@code OTEL_EXPORTER_OTLP_PROTOCOL} may only be {@code http/protobuf};
 *   {@code OTEL_SERVICE_NAME} names the service (default {@value #SERVICE_NAME_DEFAULT}).</li>
 *   <li>{@code ledger.tracing.memory-spans}: keep that many recent spans in memory for the console.</li>
 * </ul>
 * With neither (the production default), nothing is traced: no span is built.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TracingConfiguration.class);
    static final String SERVICE_NAME_DEFAULT = "credit-ledger";
    static final String PROTOCOL_SUPPORTED = "http/protobuf";

    @Bean(destroyMethod = "close")
    static SpanExport spanExport(LedgerProperties properties, Environment environment, MeterRegistry registry) {
        var endpoint = tracesEndpoint(environment);
        var protocol = environment.getProperty("otel.exporter.otlp.protocol", PROTOCOL_SUPPORTED);
        if (endpoint != null && !protocol.equals(PROTOCOL_SUPPORTED)) {
            throw new IllegalStateException("OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol + " is not supported; the ledger exports "
                    + PROTOCOL_SUPPORTED + " (the collector's port 4318)");
        }
        var serviceName = environment.getProperty("otel.service.name", SERVICE_NAME_DEFAULT);
        var resource = Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
        var exporter = endpoint == null ? null
                : OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10)).build();
        int memorySpans = properties.tracing().memorySpans();
        var memory = memorySpans == 0 ? null : new MemoryTraces(memorySpans);
        if (exporter != null || memory != null) {
            log.info("tracing: {}{}", exporter == null ? "" : "OTLP to " + endpoint + " as " + serviceName,
                    memory == null ? "" : (exporter == null ? "" : ", and ") + "the last " + memorySpans + " spans in memory");
        }
        return new SpanExport(memory, exporter, resource, registry);
    }

    /** The traces URL the OTel variables give, or null when neither is set. */
    static String tracesEndpoint(Environment environment) {
        var traces = environment.getProperty("otel.exporter.otlp.traces.endpoint");
        if (traces != null && !traces.isBlank()) {
            return traces.strip();
        }
        var base = environment.getProperty("otel.exporter.otlp.endpoint");
        if (base == null || base.isBlank()) {
            return null;
        }
        base = base.strip();
        return (base.endsWith("/") ? base : base + "/") + "v1/traces";
    }
}
