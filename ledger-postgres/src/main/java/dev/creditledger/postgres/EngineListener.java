package dev.creditledger.postgres;

/** Hooks for metrics; the server binds them to Micrometer. Called on batcher threads: keep them cheap. */
public interface EngineListener {
    void batchCommitted(int submissions, int commands, long durationNanos);

    void batchFailed(int submissions, int commands, Throwable cause);

    /** A batch failed for a transient reason before its commit and runs again ({@code attempt} 1 is the first retry). */
    default void batchRetried(int submissions, int commands, int attempt, Throwable cause) {}

    EngineListener NONE = new EngineListener() {
        @Override
        public void batchCommitted(int submissions, int commands, long durationNanos) {}

        @Override
        public void batchFailed(int submissions, int commands, Throwable cause) {}
    };
}
