package dev.creditledger.projections;

/** The projections database (or, for rebuilds, the broker) could not answer; nothing was changed. */
public final class ProjectionUnavailableException extends RuntimeException {
    public ProjectionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
