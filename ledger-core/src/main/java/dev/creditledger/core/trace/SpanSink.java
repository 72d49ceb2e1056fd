package dev.creditledger.core.trace;

/**
 * Where the components that a write passes through (posting engine, relay, projector) hand the spans they
 * measured. The server decides what happens to them: exported with OTLP, kept in a bounded memory store
 * for the console, or nothing ({@link #NONE}, the default), in which case no span is even built.
 * Implementations are called on hot threads: they must not block and must never throw.
 */
public interface SpanSink {

    /** False when spans are thrown away: callers skip building them. */
    boolean enabled();

    void record(TraceSpan span);

    SpanSink NONE = new SpanSink() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void record(TraceSpan span) {}
    };
}
