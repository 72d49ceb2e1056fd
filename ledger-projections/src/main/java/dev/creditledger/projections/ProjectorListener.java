package dev.creditledger.projections;

/**
 * What the projector reports, for metrics and logs. Called on the projector's thread: implementations
 * must be quick and must not throw.
 */
public interface ProjectorListener {

    /** A poll's records were committed: {@code events} records (redelivered ones included) in {@code nanos}. */
    void applied(int events, long nanos);

    /** A record could not be applied and was written to the dead letters and the dead-letter topic. */
    void deadLettered(String reason);

    /** A batch failed as a whole (database or broker unavailable); it will be retried after a pause. */
    void failed(Exception cause);

    ProjectorListener NONE = new ProjectorListener() {
        @Override
        public void applied(int events, long nanos) {
        }

        @Override
        public void deadLettered(String reason) {
        }

        @Override
        public void failed(Exception cause) {
        }
    };
}
