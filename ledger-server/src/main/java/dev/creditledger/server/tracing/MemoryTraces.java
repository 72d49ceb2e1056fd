package dev.creditledger.server.tracing;

import dev.creditledger.core.trace.TraceSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The last spans recorded, kept in memory for the console when no tracing backend is configured (what
 * {@code ledger dev} does). Bounded by a number of spans: when full, the oldest traces are forgotten whole.
 * Thread-safe; every method holds one lock for a short time.
 */
public final class MemoryTraces {

    private final int spansMax;
    private final LinkedHashMap<String, List<TraceSpan>> traces = new LinkedHashMap<>();
    private int spans;

    public MemoryTraces(int spansMax) {
        if (spansMax < 1) {
            throw new IllegalArgumentException("spansMax must be at least 1");
        }
        this.spansMax = spansMax;
    }

    public synchronized void add(TraceSpan span) {
        traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
        spans++;
        var oldest = traces.entrySet().iterator();
        while (spans > spansMax && oldest.hasNext()) {
            spans -= oldest.next().getValue().size();
            oldest.remove();
        }
    }

    /** The trace's spans in the order they started (empty when it is unknown or was forgotten). */
    public synchronized List<TraceSpan> find(String traceId) {
        var found = traces.get(traceId);
        if (found == null) {
            return List.of();
        }
        var sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(TraceSpan::start));
        return sorted;
    }

    public synchronized int size() {
        return spans;
    }
}
