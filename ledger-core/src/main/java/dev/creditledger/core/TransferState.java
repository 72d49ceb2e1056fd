package dev.creditledger.core;

import java.time.Instant;
import java.util.UUID;

/**
 * The current state of a transfer or hold, derived from its entry and the entries that followed it
 * (capture, void, expiry, reversals). It is materialised so that capture and reversal checks need one
 * look-up, like balances; the journal remains the truth it can be recomputed from.
 *
 * @param postedMinor   what the transfer has posted: its amount, or a hold's captured amount
 * @param reversedMinor total of the reversals so far; never more than {@code postedMinor}
 */
public record TransferState(
        UUID transferId,
        UUID ledgerId,
        UUID fromAccountId,
        UUID toAccountId,
        String asset,
        long amountMinor,
        boolean hold,
        TransferStatus status,
        long postedMinor,
        long reversedMinor,
        Instant expiresAt) {

    public TransferState withStatus(TransferStatus newStatus, long newPostedMinor) {
        return new TransferState(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold,
                newStatus, newPostedMinor, reversedMinor, expiresAt);
    }

    public TransferState withReversed(long newReversedMinor) {
        return new TransferState(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold,
                status, postedMinor, newReversedMinor, expiresAt);
    }

    public long reversibleMinor() {
        return postedMinor - reversedMinor;
    }
}
