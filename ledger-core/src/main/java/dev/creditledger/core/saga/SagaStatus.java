package dev.creditledger.core.saga;

/** Where a saga stands (ADR 0021). PENDING and COMPENSATING still have steps to run; the others are final. */
public enum SagaStatus {
    /** Moving forward: reserve, credit, capture. */
    PENDING,
    /** Every step done: the money left the source and reached the destination. */
    COMPLETED,
    /** The credit was refused or its deadline passed: the saga is undoing the reserve. */
    COMPENSATING,
    /** The reserve was voided: nothing moved. */
    COMPENSATED,
    /** The reserve itself was refused (for example INSUFFICIENT_FUNDS): nothing moved, nothing to undo. */
    FAILED;

    public boolean finished() {
        return switch (this) {
            case PENDING, COMPENSATING -> false;
            case COMPLETED, COMPENSATED, FAILED -> true;
        };
    }
}
