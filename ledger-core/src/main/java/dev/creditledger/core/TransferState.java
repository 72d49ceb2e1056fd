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
 * @param draws         what the transfer holds of the source account's grants, in the order they were
 *                      drawn: a pending hold's reservations, or what a posted transfer consumed and a
 *                      reversal can still give back (empty when the source account has no grants)
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
        Instant expiresAt,
        java.util.List<GrantDraw> draws) {

    public TransferState {
        draws = java.util.List.copyOf(draws);
    }

    public TransferState(UUID transferId, UUID ledgerId, UUID fromAccountId, UUID toAccountId, String asset,
                         long amountMinor, boolean hold, TransferStatus status, long postedMinor, long reversedMinor,
                         Instant expiresAt) {
        this(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold, status, postedMinor,
                reversedMinor, expiresAt, java.util.List.of());
    }

    public TransferState withStatus(TransferStatus newStatus, long newPostedMinor) {
        return new TransferState(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold,
                newStatus, newPostedMinor, reversedMinor, expiresAt, draws);
    }

    public TransferState withReversed(long newReversedMinor) {
        return new TransferState(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold,
                status, postedMinor, newReversedMinor, expiresAt, draws);
    }

    public TransferState withDraws(java.util.List<GrantDraw> newDraws) {
        return new TransferState(transferId, ledgerId, fromAccountId, toAccountId, asset, amountMinor, hold,
                status, postedMinor, reversedMinor, expiresAt, newDraws);
    }

    public long reversibleMinor() {
        return postedMinor - reversedMinor;
    }
}
