package dev.creditledger.postgres;

import dev.creditledger.core.Reason;
import dev.creditledger.core.Violation;

/** An administrative operation (outside the posting engine) was refused for a named reason. */
public final class LedgerRejection extends RuntimeException {
    private final Violation violation;

    public LedgerRejection(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.violation = new Violation(reason, detail);
    }

    public Violation violation() {
        return violation;
    }
}
