package dev.creditledger.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.core.trace.TraceSpan;
import dev.creditledger.server.LedgerProperties;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The tracing settings at their edges, the OTLP endpoint as the OpenTelemetry variables define it, the memory bound. */
class TracingSettingsTest {

    @Test
    void memorySpansRangeFromZeroToAMillion() {
        assertThat(new LedgerProperties.Tracing(null).memorySpans()).isZero();
        assertThat(new LedgerProperties.Tracing(LedgerProperties.Tracing.MEMORY_SPANS_MAX).memorySpans()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> new LedgerProperties.Tracing(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledger.tracing.memory-spans");
        assertThatThrownBy(() -> new LedgerProperties.Tracing(1_000_001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTracesEndpointWinsOverTheBaseEndpointWhichGetsV1Traces() {
        assertThat(TracingConfiguration.tracesEndpoint(new MockEnvironment())).isNull();
        assertThat(TracingConfiguration.tracesEndpoint(new MockEnvironment().withProperty("otel.exporter.otlp.endpoint",
                "http://collector:4318"))).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingConfiguration.tracesEndpoint(new MockEnvironment().withProperty("otel.exporter.otlp.endpoint",
                "http://collector:4318/"))).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingConfiguration.tracesEndpoint(new MockEnvironment()
                .withProperty("otel.exporter.otlp.endpoint", "http://collector:4318")
                .withProperty("otel.exporter.otlp.traces.endpoint", "http://tempo:4318/custom"))).isEqualTo("http://tempo:4318/custom");
    }

    @Test
    void theMemoryStoreForgetsWholeOldestTracesBeyondItsBound() {
        var memory = new MemoryTraces(3);
        memory.add(span("a".repeat(32), 1));
        memory.add(span("a".repeat(32), 2));
        memory.add(span("b".repeat(32), 3));
        assertThat(memory.size()).isEqualTo(3);
        memory.add(span("c".repeat(32), 4));
        assertThat(memory.find("a".repeat(32))).isEmpty();
        assertThat(memory.find("b".repeat(32))).hasSize(1);
        assertThat(memory.find("c".repeat(32))).hasSize(1);
        assertThat(memory.size()).isEqualTo(2);
        assertThatThrownBy(() -> new MemoryTraces(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TraceSpan span(String traceId, int second) {
        var at = Instant.ofEpochSecond(second);
        return new TraceSpan(traceId, "0123456789abcdef", null, "s" + second, TraceSpan.Kind.INTERNAL, at, at, Map.of());
    }
}
