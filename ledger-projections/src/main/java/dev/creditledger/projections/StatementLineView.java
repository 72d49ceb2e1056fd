package dev.creditledger.projections;

import dev.creditledger.core.Balance;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One posting of an account with the account's balances after it (amounts in minor units).
 *
 * @param lineNo   the posting's position in its entry
 * @param metadata the entry's metadata
 */
public record StatementLineView(
        UUID ledgerId,
        UUID accountId,
        long accountVersion,
        UUID entryId,
        long entrySeq,
        int lineNo,
        EntryKind kind,
        Side side,
        String asset,
        long postedMinor,
        long pendingDeltaMinor,
        long debitsPostedAfter,
        long creditsPostedAfter,
        long debitsPendingAfter,
        long creditsPendingAfter,
        Instant createdAt,
        Map<String, String> metadata) {

    public StatementLineView {
        metadata = Map.copyOf(metadata);
    }

    public Balance balanceAfter() {
        return new Balance(debitsPostedAfter, creditsPostedAfter, debitsPendingAfter, creditsPendingAfter);
    }
}
