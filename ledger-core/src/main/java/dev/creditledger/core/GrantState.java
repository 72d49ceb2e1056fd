package dev.creditledger.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

/**
 * A grant: credit given to one account as its own lot, with its own expiry. Its amount is always the
 * sum of four parts: remaining (spendable), reserved (by pending holds), consumed and expired. Debits of
 * the account draw its grants down in {@link #SPEND_ORDER}; at {@code expiresAt} what remains moves to
 * {@code expiryAccountId} (the ledger's breakage account for the asset).
 *
 * @param createdSeq the ledger sequence of the entry that made the grant; it breaks ties of equal expiry
 */
public record GrantState(
        UUID grantId,
        UUID ledgerId,
        UUID accountId,
        String asset,
        long amountMinor,
        long remainingMinor,
        long reservedMinor,
        long consumedMinor,
        long expiredMinor,
        Instant expiresAt,
        String source,
        Map<String, String> metadata,
        UUID expiryAccountId,
        long createdSeq,
        Instant createdAt) {

    /**
     * The order in which debits draw grants: the soonest expiry first, grants without expiry after every
     * grant with one, and among equal expiries the grant made first (lowest sequence).
     */
    public static final Comparator<GrantState> SPEND_ORDER = Comparator
            .comparing(GrantState::expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparingLong(GrantState::createdSeq);

    public GrantState {
        metadata = Map.copyOf(metadata);
        if (remainingMinor < 0 || reservedMinor < 0 || consumedMinor < 0 || expiredMinor < 0
                || amountMinor != remainingMinor + reservedMinor + consumedMinor + expiredMinor) {
            throw new IllegalStateException("grant " + grantId + " parts do not add up to its amount " + amountMinor
                    + ": remaining " + remainingMinor + ", reserved " + reservedMinor + ", consumed " + consumedMinor
                    + ", expired " + expiredMinor);
        }
    }

    public static GrantState made(UUID grantId, UUID ledgerId, UUID accountId, String asset, long amountMinor,
                                  Instant expiresAt, String source, Map<String, String> metadata, UUID expiryAccountId,
                                  long createdSeq, Instant createdAt) {
        return new GrantState(grantId, ledgerId, accountId, asset, amountMinor, amountMinor, 0, 0, 0, expiresAt, source,
                metadata, expiryAccountId, createdSeq, createdAt);
    }

    public GrantStatus status() {
        if (expiredMinor > 0) {
            return GrantStatus.EXPIRED;
        }
        return remainingMinor + reservedMinor == 0 ? GrantStatus.CONSUMED : GrantStatus.ACTIVE;
    }

    /** Whether the grant has reached its expiry at {@code now}: a grant is spendable strictly before {@code expiresAt}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * The grant after {@code change}; throws when the part it takes from is too small. A switch expression, so a
     * new kind of change does not compile until it is given its effect here.
     */
    public GrantState apply(GrantChangeKind kind, long amount) {
        return switch (kind) {
            case GRANTED -> throw new IllegalArgumentException("a grant is made once, by GrantState.made");
            case CONSUMED -> withParts(remainingMinor - amount, reservedMinor, consumedMinor + amount, expiredMinor);
            case RESERVED -> withParts(remainingMinor - amount, reservedMinor + amount, consumedMinor, expiredMinor);
            case RELEASED -> withParts(remainingMinor + amount, reservedMinor - amount, consumedMinor, expiredMinor);
            case CAPTURED -> withParts(remainingMinor, reservedMinor - amount, consumedMinor + amount, expiredMinor);
            case RESTORED -> withParts(remainingMinor + amount, reservedMinor, consumedMinor - amount, expiredMinor);
            case EXPIRED -> withParts(remainingMinor - amount, reservedMinor, consumedMinor, expiredMinor + amount);
        };
    }

    private GrantState withParts(long remaining, long reserved, long consumed, long expired) {
        return new GrantState(grantId, ledgerId, accountId, asset, amountMinor, remaining, reserved, consumed, expired,
                expiresAt, source, metadata, expiryAccountId, createdSeq, createdAt);
    }
}
