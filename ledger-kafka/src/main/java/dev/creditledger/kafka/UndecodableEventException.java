package dev.creditledger.kafka;

/** A record whose payload is not a valid event of this schema version; the message names the problem. */
public final class UndecodableEventException extends RuntimeException {
    public UndecodableEventException(String message) {
        super(message);
    }
}
