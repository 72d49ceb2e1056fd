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

    /** A cleanup deleted {@code rows} published outbox rows (0 when there was nothing old enough). */
    void cleaned(int rows);

    RelayListener NONE = new RelayListener() {
        @Override
        public void published(int events) {}

        @Override
        public void publishFailed(Exception cause) {}

        @Override
        public void cleaned(int rows) {}
    };
}
