package dev.creditledger.core;

import java.time.Instant;
import java.util.UUID;

/**
 * The funds one order holds in escrow: what the buyer paid in, what was released to the seller (with the
 * platform's fee) and what was refunded to the buyer. {@code held = amount - released - refunded}. A
 * release takes everything still held, once; refunds take part or all of it, until a release.
 *
 * @param escrowId the id of the entry that funded it (releases and refunds reference it)
 * @param orderId  the client's order id, unique in the ledger
 */
public record EscrowState(
        UUID escrowId,
        UUID ledgerId,
        String orderId,
        UUID buyerAccountId,
        UUID sellerAccountId,
        UUID escrowAccountId,
        String asset,
        long amountMinor,
        long releasedMinor,
        long refundedMinor,
        long createdSeq,
        Instant createdAt) {

    public EscrowState {
        if (releasedMinor < 0 || refundedMinor < 0 || releasedMinor + refundedMinor > amountMinor) {
            throw new IllegalStateException("escrow " + orderId + " released " + releasedMinor + " and refunded " + refundedMinor
                    + " of " + amountMinor);
        }
    }

    public long heldMinor() {
        return amountMinor - releasedMinor - refundedMinor;
    }

    public EscrowStatus status() {
        if (releasedMinor > 0) {
            return EscrowStatus.RELEASED;
        }
        return refundedMinor == amountMinor ? EscrowStatus.REFUNDED : EscrowStatus.HELD;
    }

    public EscrowState withReleased(long released) {
        return new EscrowState(escrowId, ledgerId, orderId, buyerAccountId, sellerAccountId, escrowAccountId, asset, amountMinor,
                released, refundedMinor, createdSeq, createdAt);
    }

    public EscrowState withRefunded(long refunded) {
        return new EscrowState(escrowId, ledgerId, orderId, buyerAccountId, sellerAccountId, escrowAccountId, asset, amountMinor,
                releasedMinor, refunded, createdSeq, createdAt);
    }
}
