package dev.creditledger.projections;

import java.util.UUID;

/**
 * Totals of one asset over all accounts of a ledger (amounts in minor units). Double entry makes
 * debitsPosted equal creditsPosted and debitsPending equal creditsPending.
 *
 * @param accounts accounts of this asset ever opened, closed ones included
 * @param lastSeq  the highest ledger sequence applied to these totals
 */
public record AssetTotalView(
        UUID ledgerId,
        String asset,
        long debitsPosted,
        long creditsPosted,
        long debitsPending,
        long creditsPending,
        long accounts,
        long lastSeq) {
}
