package dev.creditledger.postgres;

/**
 * Limits of the posting engine.
 *
 * @param queueSubmissionsMax submissions waiting for a batcher; one more is refused (HTTP 503)
 * @param batchCommandsMax    commands applied in one database transaction; a submission is never split,
 *                            so it is also the largest submission accepted
 * @param batchers            threads that each run one batch transaction at a time
 */
public record EngineSettings(int queueSubmissionsMax, int batchCommandsMax, int batchers) {

    public static final int QUEUE_SUBMISSIONS_MAX_DEFAULT = 10_000;
    public static final int BATCH_COMMANDS_MAX_DEFAULT = 8_190;
    public static final int BATCHERS_DEFAULT = 2;

    public static EngineSettings defaults() {
        return new EngineSettings(QUEUE_SUBMISSIONS_MAX_DEFAULT, BATCH_COMMANDS_MAX_DEFAULT, BATCHERS_DEFAULT);
    }

    public EngineSettings {
        if (queueSubmissionsMax < 1 || batchCommandsMax < 1 || batchers < 1) {
            throw new IllegalArgumentException("engine limits must be positive: " + this);
        }
    }
}
