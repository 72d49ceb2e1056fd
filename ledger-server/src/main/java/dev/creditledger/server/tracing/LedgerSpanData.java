package dev.creditledger.server.tracing;

import dev.creditledger.core.trace.TraceSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.List;

/**
 * A {@link TraceSpan} as OpenTelemetry span data, which is what an OTLP exporter sends. The ledger measures
 * its steps itself (the batch of many requests, the relay's claim, the projector's poll) and records each
 * as a finished span, so it hands the SDK's exporter data rather than going through a live tracer.
 * A span whose {@code error} attribute is true gets the ERROR status.
 */
record LedgerSpanData(TraceSpan span, Resource resource) implements SpanData {

    static final String ERROR_ATTRIBUTE = "error";
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.creditledger");

    @Override
    public String getName() {
        return span.name();
    }

    @Override
    public SpanKind getKind() {
        return switch (span.kind()) {
            case SERVER -> SpanKind.SERVER;
            case INTERNAL -> SpanKind.INTERNAL;
            case PRODUCER -> SpanKind.PRODUCER;
            case CONSUMER -> SpanKind.CONSUMER;
        };
    }

    @Override
    public SpanContext getSpanContext() {
        return SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    }

    @Override
    public SpanContext getParentSpanContext() {
        return span.parentSpanId() == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(span.traceId(), span.parentSpanId(), TraceFlags.getSampled(),
                        TraceState.getDefault());
    }

    @Override
    public StatusData getStatus() {
        return Boolean.TRUE.equals(span.attributes().get(ERROR_ATTRIBUTE)) ? StatusData.error() : StatusData.unset();
    }

    @Override
    public long getStartEpochNanos() {
        return nanos(span.start());
    }

    @Override
    public Attributes getAttributes() {
        AttributesBuilder builder = Attributes.builder();
        span.attributes().forEach((key, value) -> {
            switch (value) {
                case Long l -> builder.put(key, l);
                case Integer i -> builder.put(key, (long) i);
                case Double d -> builder.put(key, d);
                case Boolean b -> builder.put(key, b);
                default -> builder.put(key, String.valueOf(value));
            }
        });
        return builder.build();
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return nanos(span.end());
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return span.attributes().size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(SCOPE.getName(), null);
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    public Resource getResource() {
        return resource;
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
