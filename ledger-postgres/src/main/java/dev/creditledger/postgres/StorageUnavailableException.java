package dev.creditledger.postgres;

/**
 * The batch transaction failed (database down, connection lost). Nothing of the batch was committed,
 * unless the connection broke during the commit itself; either way a retry with the same idempotency
 * key is safe and gives the one true answer.
 */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
