package dev.creditledger.server.tracing;

import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.core.trace.TraceSpan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's {@link SpanSink}: every recorded span goes to the memory store (when there is one, for the
 * console) and to the OTLP exporter (when an endpoint is configured). Recording never blocks: spans wait in
 * a bounded queue that one daemon thread, {@code ledger-span-export}, sends in batches; when the queue is
 * full (the collector is down or slower than the ledger) the span is dropped and counted
 * ({@code ledger_trace_spans_dropped_total}). With neither destination the sink is disabled and the
 * components build no span at all.
 */
public final class SpanExport implements SpanSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpanExport.class);
    static final int QUEUE_SPANS_MAX = 16_384;
    static final int EXPORT_BATCH_MAX = 512;
    private static final long EXPORT_WAIT_MS = 500;

    private final MemoryTraces memory;
    private final SpanExporter exporter;
    private final Resource resource;
    private final BlockingQueue<TraceSpan> queue;
    private final Counter dropped;
    private final Counter exported;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param memory   the memory store, or null
     * @param exporter the OTLP exporter, or null
     */
    public SpanExport(MemoryTraces memory, SpanExporter exporter, Resource resource, MeterRegistry registry) {
        this.memory = memory;
        this.exporter = exporter;
        this.resource = resource;
        this.dropped = Counter.builder("ledger.trace.spans.dropped")
                .description("Spans not exported because the export queue was full").register(registry);
        this.exported = Counter.builder("ledger.trace.spans.exported")
                .description("Spans the OTLP exporter sent and the collector accepted").register(registry);
        this.queue = exporter == null ? null : new ArrayBlockingQueue<>(QUEUE_SPANS_MAX);
        this.thread = exporter == null ? null : Thread.ofPlatform().name("ledger-span-export").daemon(true).start(this::run);
    }

    public Optional<MemoryTraces> memory() {
        return Optional.ofNullable(memory);
    }

    @Override
    public boolean enabled() {
        return memory != null || exporter != null;
    }

    @Override
    public void record(TraceSpan span) {
        try {
            if (memory != null) {
                memory.add(span);
            }
            if (queue != null && !queue.offer(span)) {
                dropped.increment();
            }
        } catch (RuntimeException e) {
            log.debug("span not recorded", e);
        }
    }

    private void run() {
        List<TraceSpan> batch = new ArrayList<>(EXPORT_BATCH_MAX);
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(EXPORT_WAIT_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, EXPORT_BATCH_MAX - 1);
                export(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("span export failed: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void export(List<TraceSpan> batch) {
        List<SpanData> data = new ArrayList<>(batch.size());
        batch.forEach(span -> data.add(new LedgerSpanData(span, resource)));
        var result = exporter.export(data).join(10, TimeUnit.SECONDS);
        if (result.isSuccess()) {
            exported.increment(data.size());
        } else {
            dropped.increment(data.size());
            log.warn("the trace collector did not accept {} spans", data.size());
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
