package dev.creditledger.kafka;

/**
 * Kafka did not do what the relay asked in time: the broker is unreachable, refused a request, or did
 * not acknowledge every record. Nothing was marked as published; the events will be sent again.
 */
public final class KafkaUnavailableException extends RuntimeException {
    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
