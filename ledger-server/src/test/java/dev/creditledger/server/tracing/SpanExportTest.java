package dev.creditledger.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.trace.TraceSpan;
import dev.creditledger.devstack.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The export queue at its edge: while the collector does not answer, {@link SpanExport#QUEUE_SPANS_MAX} spans wait
 * and the next one is dropped and counted, without blocking the caller; once the collector answers, every queued
 * span is exported in batches of at most {@link SpanExport#EXPORT_BATCH_MAX}.
 */
class SpanExportTest {

    @Test
    void aFullQueueDropsAndCountsTheNextSpanAndTheQueuedOnesAreExportedLater() throws Exception {
        var collectorCalled = new CountDownLatch(1);
        var collectorAnswers = new CountDownLatch(1);
        var exported = new AtomicInteger();
        var largestBatch = new AtomicInteger();
        SpanExporter stuckCollector = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                collectorCalled.countDown();
                try {
                    collectorAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exported.addAndGet(spans.size());
                largestBatch.accumulateAndGet(spans.size(), Math::max);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        var registry = new SimpleMeterRegistry();
        var export = new SpanExport(null, stuckCollector, Resource.getDefault(), registry);
        try {
            export.record(span());                                   // taken by the exporter thread, which then waits
            assertThat(collectorCalled.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < SpanExport.QUEUE_SPANS_MAX; i++) {
                export.record(span());
            }
            assertThat(registry.counter("ledger.trace.spans.dropped").count()).as("a full queue, nothing dropped yet").isZero();
            export.record(span());
            assertThat(registry.counter("ledger.trace.spans.dropped").count()).as("one beyond the queue").isEqualTo(1);

            collectorAnswers.countDown();
            Await.until(Duration.ofSeconds(30), "every queued span exported", () -> exported.get() >= SpanExport.QUEUE_SPANS_MAX + 1);
            assertThat(exported.get()).isEqualTo(SpanExport.QUEUE_SPANS_MAX + 1);
            assertThat(registry.counter("ledger.trace.spans.exported").count()).isEqualTo(SpanExport.QUEUE_SPANS_MAX + 1);
            assertThat(largestBatch.get()).isEqualTo(SpanExport.EXPORT_BATCH_MAX);
        } finally {
            collectorAnswers.countDown();
            export.close();
        }
    }

    private static TraceSpan span() {
        var now = Instant.now();
        return new TraceSpan("ab".repeat(16), "0123456789abcdef", null, "test", TraceSpan.Kind.INTERNAL, now, now, Map.of());
    }
}
