package dev.creditledger.postgres;

import java.util.UUID;

/**
 * A batch found its ledger's copy on this cluster fenced by a move (ADR 0022): nothing of it was written. The
 * service answers 503 with Retry-After, and the posting engines route the ledger again from the directory, which
 * names the new cluster once the move switched it.
 */
public final class LedgerMovedException extends StorageUnavailableException {
    private final UUID ledgerId;

    public LedgerMovedException(UUID ledgerId, String moveState, String movedTo) {
        super("ledger " + ledgerId + " is " + moveState + (movedTo == null ? "" : " (to cluster " + movedTo + ")") + " here; retry", null);
        this.ledgerId = ledgerId;
    }

    public UUID ledgerId() {
        return ledgerId;
    }
}
