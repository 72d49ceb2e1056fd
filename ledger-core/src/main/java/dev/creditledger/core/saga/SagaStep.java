package dev.creditledger.core.saga;

/**
 * The steps of a transfer between ledgers, each one command on one ledger with an idempotency key of its own
 * ({@code saga:<id>:<step>}), so running a step again replays its first outcome instead of doing it twice.
 */
public enum SagaStep {
    /** A hold on the source ledger: from the source account to the in-transit account towards the destination. */
    RESERVE,
    /** A transfer on the destination ledger: from the in-transit account from the source to the destination account. */
    CREDIT,
    /** The capture of the hold on the source ledger: the money has left for good. */
    CAPTURE,
    /** The void of the hold on the source ledger: the compensation of a credit that did not happen. */
    VOID;

    /** The idempotency key of this step of a saga, the same at every attempt. */
    public String key(java.util.UUID sagaId) {
        return "saga:" + sagaId + ":" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
