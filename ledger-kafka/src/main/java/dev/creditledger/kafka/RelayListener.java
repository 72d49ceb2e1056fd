package dev.creditledger.kafka;

/**
 * Hooks for metrics; the server binds them to Micrometer. Called on the thread that runs the relay:
 * keep them cheap, and never throw.
 */
public interface RelayListener {

    /** A claim of {@code events} events was acknowledged by Kafka and marked as published. */
    void published(int events);

    /** An attempt to publish failed; nothing was marked, and the events will be sent again. */
    void publishFailed(Exception cause);

    RelayListener NONE = new RelayListener() {
        @Override
        public void published(int events) {}

        @Override
        public void publishFailed(Exception cause) {}
    };
}
