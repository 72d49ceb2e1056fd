package dev.creditledger.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A journal entry as written: immutable, balanced per asset, numbered by the ledger sequence.
 * Transfer-shaped entries (TRANSFER, HOLD, CAPTURE, VOID, EXPIRY, REVERSAL, GRANT, GRANT_EXPIRY) also carry their source,
 * destination, amount and asset; {@code referenceId} names the hold a capture, void or expiry
 * resolves, or the transfer a reversal reverses.
 *
 * @param amountMinor for CAPTURE the captured amount, for VOID and EXPIRY the released amount;
 *                    zero for multi-leg entries
 * @param grantChanges what the entry did to grants, in order (empty for most entries)
 * @param balanceAlerts the low-balance alert thresholds the entry crossed, in the order of the accounts'
 *                      first postings and then as {@link AlertThresholds} orders them (empty for most entries)
 */
public record Entry(
        UUID id,
        UUID ledgerId,
        long seq,
        EntryKind kind,
        UUID fromAccountId,
        UUID toAccountId,
        long amountMinor,
        String asset,
        UUID referenceId,
        Instant expiresAt,
        Map<String, String> metadata,
        Instant createdAt,
        List<Posting> postings,
        List<GrantChange> grantChanges,
        List<BalanceAlert> balanceAlerts) {

    public Entry {
        metadata = Map.copyOf(metadata);
        postings = List.copyOf(postings);
        grantChanges = List.copyOf(grantChanges);
        balanceAlerts = List.copyOf(balanceAlerts);
    }

    public Entry(UUID id, UUID ledgerId, long seq, EntryKind kind, UUID fromAccountId, UUID toAccountId, long amountMinor,
                 String asset, UUID referenceId, Instant expiresAt, Map<String, String> metadata, Instant createdAt,
                 List<Posting> postings, List<GrantChange> grantChanges) {
        this(id, ledgerId, seq, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt, metadata,
                createdAt, postings, grantChanges, List.of());
    }

    public Entry(UUID id, UUID ledgerId, long seq, EntryKind kind, UUID fromAccountId, UUID toAccountId, long amountMinor,
                 String asset, UUID referenceId, Instant expiresAt, Map<String, String> metadata, Instant createdAt,
                 List<Posting> postings) {
        this(id, ledgerId, seq, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt, metadata,
                createdAt, postings, List.of());
    }
}
