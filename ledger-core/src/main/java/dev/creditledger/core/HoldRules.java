package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireOpen;

import dev.creditledger.core.EntryDraft.Line;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules of resolving a hold (a pending transfer, placed by {@link TransferRules}): capture all or part
 * of it, void it, or expire it once its timeout passed. Each releases the whole reserved amount on both
 * accounts, posts what is captured, settles the grants the hold reserved (captured part consumed, the rest
 * released) and then expires what the release gave back to grants that expired meanwhile.
 *
 * What can go wrong: the transfer is unknown, was posted at once, or is no longer pending; a capture or void
 * comes after the timeout, or an expiry before it; a capture exceeds the held amount; for a capture, either
 * account is closed (a void or an expiry releases money to a closed account all the same).
 */
final class HoldRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final LedgerState state;
    private final Instant now;

    HoldRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.state = core.state();
        this.now = core.now();
    }

    CommandResult capture(UUID ledgerId, Command.CaptureHold c) {
        return resolve(ledgerId, c.entryId(), c.holdId(), EntryKind.CAPTURE, c.amountMinor(), c.metadata());
    }

    CommandResult voidHold(UUID ledgerId, Command.VoidHold v) {
        return resolve(ledgerId, v.entryId(), v.holdId(), EntryKind.VOID, null, v.metadata());
    }

    CommandResult expire(UUID ledgerId, Command.ExpireHold x) {
        return resolve(ledgerId, x.entryId(), x.holdId(), EntryKind.EXPIRY, null, Map.of());
    }

    /** Captures (all or part), voids or expires a hold: releases the reserved amount and posts the captured part. */
    private CommandResult resolve(UUID ledgerId, UUID entryId, UUID holdId, EntryKind kind, Long requestedMinor,
                                  Map<String, String> metadata) {
        var hold = state.transfer(ledgerId, holdId);
        if (hold == null) {
            throw new Rejection(Reason.TRANSFER_NOT_FOUND, "transfer " + holdId + " does not exist in this ledger");
        }
        if (!hold.hold()) {
            throw new Rejection(Reason.TRANSFER_NOT_A_HOLD, "transfer " + holdId + " was posted at once, it is not a hold");
        }
        if (hold.status() != TransferStatus.PENDING) {
            throw new Rejection(Reason.HOLD_NOT_PENDING, "hold " + holdId + " is already " + hold.status());
        }
        boolean pastExpiry = hold.expiresAt() != null && !now.isBefore(hold.expiresAt());
        if (kind == EntryKind.EXPIRY && !pastExpiry) {
            throw new Rejection(Reason.HOLD_NOT_EXPIRED, "hold " + holdId + (hold.expiresAt() == null
                    ? " has no timeout" : " expires at " + hold.expiresAt()));
        }
        if (kind != EntryKind.EXPIRY && pastExpiry) {
            throw new Rejection(Reason.HOLD_EXPIRED, "hold " + holdId + " expired at " + hold.expiresAt());
        }
        long captured = 0;
        if (kind == EntryKind.CAPTURE) {
            captured = requestedMinor == null ? hold.amountMinor() : requestedMinor;
            if (captured > hold.amountMinor()) {
                throw new Rejection(Reason.CAPTURE_EXCEEDS_HOLD,
                        "capture of " + captured + " exceeds the held " + hold.amountMinor());
            }
        }
        var from = core.requireAccount(ledgerId, hold.fromAccountId());
        var to = core.requireAccount(ledgerId, hold.toAccountId());
        if (kind == EntryKind.CAPTURE) {
            requireOpen(from);
            requireOpen(to);
        }
        long released = -hold.amountMinor();
        List<GrantChange> grantChanges = new ArrayList<>();
        var consumedDraws = grants.settleReservations(hold, captured, grantChanges);
        var lines = List.of(
                new Line(from.account().id(), Side.DEBIT, captured, released),
                new Line(to.account().id(), Side.CREDIT, captured, released));
        long entryAmount = kind == EntryKind.CAPTURE ? captured : hold.amountMinor();
        var entry = core.writeEntry(EntryDraft.of(ledgerId, entryId, kind, metadata, lines)
                .withTransfer(hold.fromAccountId(), hold.toAccountId(), entryAmount, hold.asset())
                .withReference(holdId).withGrantChanges(grantChanges));
        core.putTransfer(hold.withStatus(statusAfter(kind), captured).withDraws(consumedDraws));
        // What the hold released to grants that expired meanwhile expires now.
        grants.sweepExpired(ledgerId, hold.fromAccountId());
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** The status a hold takes when an entry of this kind resolves it. */
    private static TransferStatus statusAfter(EntryKind resolution) {
        return switch (resolution) {
            case CAPTURE -> TransferStatus.POSTED;
            case VOID -> TransferStatus.VOIDED;
            case EXPIRY -> TransferStatus.EXPIRED;
            case TRANSFER, HOLD, ENTRY, REVERSAL, GRANT, GRANT_EXPIRY, ESCROW_FUND, ESCROW_RELEASE, ESCROW_REFUND, USAGE ->
                    throw new IllegalArgumentException(resolution + " does not resolve a hold");
        };
    }
}
