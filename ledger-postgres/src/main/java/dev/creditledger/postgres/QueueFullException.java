package dev.creditledger.postgres;

/** The engine's queue holds queueSubmissionsMax submissions already (or the engine is stopping); retry later. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
