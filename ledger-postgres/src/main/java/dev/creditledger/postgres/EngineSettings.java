package dev.creditledger.postgres;

import dev.creditledger.core.Limits;

/**
 * Limits of the posting engine.
 *
 * @param queueSubmissionsMax submissions waiting for a writer, in all ledgers' lanes together; one more is refused (HTTP 503)
 * @param batchCommandsMax    commands applied in one database transaction; a submission is never split,
 *                            so it is also the largest submission accepted
 * @param batchers            writer threads: each holds one ledger's lane at a time and runs its batches (ADR 0014)
 * @param transientRetriesMax times a batch that failed for a transient reason before its commit was sent
 *                            (serialization failure, deadlock, lock or statement timeout, lost or unavailable
 *                            connection) is run again before its callers get 503; 0 never retries
 */
public record EngineSettings(int queueSubmissionsMax, int batchCommandsMax, int batchers, int transientRetriesMax) {

    public static final int QUEUE_SUBMISSIONS_MAX_DEFAULT = 10_000;
    /**
     * The largest batch request the API accepts ({@link Limits#TRANSFERS_PER_REQUEST_MAX}): a submission is never
     * split, so by default the engine takes one whole in one transaction. It is the same fact, so it is not written twice.
     */
    public static final int BATCH_COMMANDS_MAX_DEFAULT = Limits.TRANSFERS_PER_REQUEST_MAX;
    public static final int BATCHERS_DEFAULT = 2;
    public static final int TRANSIENT_RETRIES_MAX_DEFAULT = 3;

    public static EngineSettings defaults() {
        return new EngineSettings(QUEUE_SUBMISSIONS_MAX_DEFAULT, BATCH_COMMANDS_MAX_DEFAULT, BATCHERS_DEFAULT);
    }

    public EngineSettings {
        if (queueSubmissionsMax < 1 || batchCommandsMax < 1 || batchers < 1 || transientRetriesMax < 0) {
            throw new IllegalArgumentException("engine limits must be positive (retries zero or more): " + this);
        }
    }

    /** With the default number of transient retries. */
    public EngineSettings(int queueSubmissionsMax, int batchCommandsMax, int batchers) {
        this(queueSubmissionsMax, batchCommandsMax, batchers, TRANSIENT_RETRIES_MAX_DEFAULT);
    }
}
