package dev.creditledger.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules of reversing any posted journal entry ({@link Command.ReverseEntry}, ADR 0018): a correction is
 * a new REVERSAL entry whose {@code referenceId} is the original's id, never a change of the original.
 *
 * How, per kind of the original:
 * <ul>
 *   <li>TRANSFER, HOLD and CAPTURE are reversed as their transfer is ({@link Command.ReverseTransfer}, the same
 *       code): the transfer state's {@code reversedMinor} grows and the reversal references the transfer (a
 *       capture's hold), so {@code /v1/entries/{id}/reverse} and {@code /v1/transfers/{id}/reverse} agree.
 *       A pending, voided or expired hold is refused TRANSFER_NOT_POSTED.</li>
 *   <li>ENTRY, USAGE, GRANT and the escrow entries are reversed per posting: the original's postings are grouped
 *       by account and side, and what is left of each group is its posted amount minus what the REVERSAL entries
 *       that already reference the original took back (read from the journal through
 *       {@link LedgerState#reversalsOf}, not from a counter). A reversal takes back all that is left, the same
 *       amount of every group, or the amounts it names; what it takes must balance per asset.</li>
 *   <li>VOID, EXPIRY, GRANT_EXPIRY and REVERSAL entries are refused ENTRY_NOT_REVERSIBLE, with the reason and what
 *       to do instead in the detail.</li>
 * </ul>
 * Grants: what the reversal credits back to an account the original debited gives back the grants the original
 * consumed there, the last drawn first (as a transfer's refund does), never more than the original consumed less
 * what earlier reversals gave back; what it debits draws the account's grants like any debit, except that a
 * GRANT's reversal takes back its own grant (CONSUMED), and only what remains of it (GRANT_ALREADY_USED). Escrow:
 * reversing a funding is a refund to the buyer, reversing a refund holds that money again, and an escrow release
 * is reversed whole only, holding the order again; each is refused when the escrow's state contradicts it.
 *
 * What can go wrong: every refusal is a {@link Rejection} with a named reason, thrown before
 * or after partial changes (lazy grant expiries); the state machine undoes the command whole. An original whose
 * transfer, grant or escrow was not loaded is a loader defect and throws {@link IllegalStateException}.
 */
final class EntryReversals {

    private final PostingStateMachine machine;
    private final LedgerState state;
    private final GrantRules grants;
    private final TransferRules transfers;

    EntryReversals(PostingStateMachine machine, GrantRules grants, TransferRules transfers) {
        this.machine = machine;
        this.state = machine.state();
        this.grants = grants;
        this.transfers = transfers;
    }

    /** All of an original's postings on one account and side, what earlier reversals took back and what this one takes. */
    private static final class Leg {
        final UUID accountId;
        final Side side;
        final String asset;
        long postedMinor;
        long reversedMinor;
        long requestedMinor;

        Leg(UUID accountId, Side side, String asset) {
            this.accountId = accountId;
            this.side = side;
            this.asset = asset;
        }

        long leftMinor() {
            return postedMinor - reversedMinor;
        }
    }

    CommandResult reverse(UUID ledgerId, Command.ReverseEntry r) {
        var original = state.entry(ledgerId, r.originalId());
        if (original == null) {
            throw reject(Reason.ENTRY_NOT_FOUND, "entry " + r.originalId() + " does not exist in this ledger");
        }
        return switch (original.kind()) {
            case VOID, EXPIRY -> throw reject(Reason.ENTRY_NOT_REVERSIBLE, "entry " + original.id() + " is a " + original.kind()
                    + ": it released hold " + original.referenceId() + " and posted nothing, so there is no money to move back; "
                    + "to move the amount, post a new transfer");
            case REVERSAL -> throw reject(Reason.ENTRY_NOT_REVERSIBLE, "entry " + original.id() + " is itself a reversal (of "
                    + original.referenceId() + "); a reversal is not reversed: post the movement again as a new entry");
            case GRANT_EXPIRY -> throw reject(Reason.ENTRY_NOT_REVERSIBLE, "entry " + original.id() + " expired what remained of grant "
                    + original.referenceId() + "; expired credit is not revived (ADR 0009): issue a new grant to give credit back");
            case TRANSFER, HOLD -> reverseTransfer(ledgerId, r, original.id());
            case CAPTURE -> reverseTransfer(ledgerId, r, original.referenceId());
            case ENTRY, USAGE, GRANT, ESCROW_FUND, ESCROW_RELEASE, ESCROW_REFUND -> reversePostings(ledgerId, r, original);
        };
    }

    /** A transfer, hold or capture: the transfer reversal itself, with named postings turned into its one amount. */
    private CommandResult reverseTransfer(UUID ledgerId, Command.ReverseEntry r, UUID transferId) {
        var transfer = state.transfer(ledgerId, transferId);
        if (transfer == null) {
            throw new IllegalStateException("transfer " + transferId + " of entry " + r.originalId() + " was not loaded");
        }
        if (transfer.status() != TransferStatus.POSTED) {
            throw reject(Reason.TRANSFER_NOT_POSTED, transfer.status() == TransferStatus.PENDING
                    ? "hold " + transferId + " is pending and has posted nothing yet: capture or void it instead"
                    : "hold " + transferId + " was " + transfer.status() + " and posted nothing: there is nothing to reverse");
        }
        Long amount = r.amountMinor();
        if (r.postings() != null) {
            long debit = 0;
            long credit = 0;
            for (var line : r.postings()) {
                if (line.accountId().equals(transfer.fromAccountId()) && line.side() == Side.DEBIT) {
                    debit = line.amountMinor();
                } else if (line.accountId().equals(transfer.toAccountId()) && line.side() == Side.CREDIT) {
                    credit = line.amountMinor();
                } else {
                    throw reject(Reason.REVERSAL_EXCEEDS_ORIGINAL, "transfer " + transferId + " has no " + line.side()
                            + " posting on account " + line.accountId());
                }
            }
            if (debit != credit) {
                throw reject(Reason.REVERSAL_NOT_BALANCED, "a transfer is reversed by the same amount on both postings, not "
                        + debit + " of the DEBIT and " + credit + " of the CREDIT");
            }
            amount = debit;
        }
        return transfers.reverse(ledgerId, new Command.ReverseTransfer(r.entryId(), transferId, amount, r.metadata()));
    }

    private CommandResult reversePostings(UUID ledgerId, Command.ReverseEntry r, Entry original) {
        var legs = legs(ledgerId, original);
        choose(r, original, legs);
        var escrow = checkEscrow(ledgerId, original, legs);
        for (var leg : legs.values()) {
            if (leg.requestedMinor > 0) {
                PostingStateMachine.requireOpen(machine.requireAccount(ledgerId, leg.accountId));
            }
        }
        // The reversal debits what the original credited: those accounts' expired grants expire first, as before any debit.
        for (var leg : legs.values()) {
            if (leg.side == Side.CREDIT && leg.requestedMinor > 0) {
                grants.sweepExpired(ledgerId, leg.accountId);
            }
        }
        GrantState grant = null;
        if (original.kind() == EntryKind.GRANT) {
            grant = grants.requireGrant(ledgerId, original.id());
            long take = legs.get(key(grant.accountId(), Side.CREDIT)).requestedMinor;
            if (take > grant.remainingMinor()) {
                throw reject(Reason.GRANT_ALREADY_USED, "grant " + grant.grantId() + " has " + grant.remainingMinor() + " of "
                        + grant.amountMinor() + " remaining (consumed " + grant.consumedMinor() + ", reserved " + grant.reservedMinor()
                        + ", expired " + grant.expiredMinor() + "): its reversal takes back at most what remains, not " + take);
            }
        }
        List<GrantChange> changes = new ArrayList<>();
        for (var leg : legs.values()) {
            if (leg.side == Side.CREDIT && leg.requestedMinor > 0) {
                if (grant != null && leg.accountId.equals(grant.accountId())) {
                    grants.change(grant, GrantChangeKind.CONSUMED, leg.requestedMinor, changes);
                } else {
                    grants.draw(leg.accountId, leg.requestedMinor, GrantChangeKind.CONSUMED, changes);
                }
            }
        }
        for (var leg : legs.values()) {
            if (leg.side == Side.DEBIT && leg.requestedMinor > 0) {
                restoreGrants(ledgerId, original, leg, changes);
            }
        }
        var entry = write(ledgerId, r, original, legs, changes);
        if (escrow != null) {
            machine.putEscrow(switch (original.kind()) {
                case ESCROW_FUND -> escrow.withRefunded(escrow.refundedMinor() + legs.get(key(escrow.buyerAccountId(), Side.DEBIT)).requestedMinor);
                case ESCROW_REFUND -> escrow.withRefunded(escrow.refundedMinor() - legs.get(key(escrow.buyerAccountId(), Side.CREDIT)).requestedMinor);
                default -> escrow.withReleased(0);
            });
        }
        // What the reversal gave back to grants that expired since the original expires now (ADR 0009's refund rule).
        for (var leg : legs.values()) {
            if (leg.side == Side.DEBIT && leg.requestedMinor > 0) {
                grants.sweepExpired(ledgerId, leg.accountId);
            }
        }
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** The original's posting groups in the order of their first posting, with what its earlier reversals took back. */
    private Map<String, Leg> legs(UUID ledgerId, Entry original) {
        Map<String, Leg> legs = new LinkedHashMap<>();
        for (var p : original.postings()) {
            if (p.postedMinor() > 0) {
                var leg = legs.computeIfAbsent(key(p.accountId(), p.side()), k -> new Leg(p.accountId(), p.side(), p.asset()));
                leg.postedMinor = Math.addExact(leg.postedMinor, p.postedMinor());
            }
        }
        for (var reversal : state.reversalsOf(ledgerId, original.id())) {
            for (var p : reversal.postings()) {
                var leg = legs.get(key(p.accountId(), opposite(p.side())));
                if (leg == null) {
                    throw new IllegalStateException("reversal " + reversal.id() + " posts to account " + p.accountId()
                            + " on a side entry " + original.id() + " has no posting to reverse");
                }
                leg.reversedMinor = Math.addExact(leg.reversedMinor, p.postedMinor());
            }
        }
        return legs;
    }

    /** Sets what the reversal takes back of each group; refuses more than is left, and amounts that do not balance. */
    private void choose(Command.ReverseEntry r, Entry original, Map<String, Leg> legs) {
        if (r.postings() != null) {
            for (var line : r.postings()) {
                var leg = legs.get(key(line.accountId(), line.side()));
                if (leg == null) {
                    throw reject(Reason.REVERSAL_EXCEEDS_ORIGINAL, "entry " + original.id() + " has no " + line.side()
                            + " posting on account " + line.accountId());
                }
                leg.requestedMinor = line.amountMinor();
            }
        } else {
            boolean anyLeft = false;
            for (var leg : legs.values()) {
                leg.requestedMinor = r.amountMinor() != null ? r.amountMinor() : leg.leftMinor();
                anyLeft |= leg.leftMinor() > 0;
            }
            if (!anyLeft) {
                throw reject(Reason.REVERSAL_EXCEEDS_ORIGINAL, "entry " + original.id() + " is reversed in full already");
            }
        }
        for (var leg : legs.values()) {
            if (leg.requestedMinor > leg.leftMinor()) {
                throw reject(Reason.REVERSAL_EXCEEDS_ORIGINAL, "the " + leg.side + " posting of account " + leg.accountId + " in entry "
                        + original.id() + " posted " + leg.postedMinor + " and " + leg.reversedMinor
                        + " of it is reversed already; cannot take back " + leg.requestedMinor);
            }
        }
        Map<String, long[]> debitsAndCredits = new LinkedHashMap<>();
        for (var leg : legs.values()) {
            var totals = debitsAndCredits.computeIfAbsent(leg.asset, a -> new long[2]);
            int slot = leg.side == Side.DEBIT ? 0 : 1;
            totals[slot] = Math.addExact(totals[slot], leg.requestedMinor);
        }
        for (var e : debitsAndCredits.entrySet()) {
            if (e.getValue()[0] != e.getValue()[1]) {
                throw reject(Reason.REVERSAL_NOT_BALANCED, e.getKey() + ": the reversal would take back " + e.getValue()[0]
                        + " of the debits and " + e.getValue()[1] + " of the credits"
                        + (r.amountMinor() != null ? "; an amount takes back the same of every posting, so name the postings "
                        + "of an entry with more than one debit or credit" : ""));
            }
        }
    }

    /** The escrow an escrow entry's reversal changes, once its state allows the reversal; null for other kinds. */
    private EscrowState checkEscrow(UUID ledgerId, Entry original, Map<String, Leg> legs) {
        return switch (original.kind()) {
            case ESCROW_FUND -> {
                var escrow = requireEscrow(ledgerId, original.id());
                if (escrow.status() == EscrowStatus.RELEASED) {
                    throw reject(Reason.ESCROW_ALREADY_RELEASED, "order '" + escrow.orderId()
                            + "' was released to the seller: reverse the release first");
                }
                if (escrow.status() == EscrowStatus.REFUNDED) {
                    throw reject(Reason.ESCROW_REFUNDED, "order '" + escrow.orderId() + "' was refunded in full: nothing is held to give back");
                }
                long back = legs.get(key(escrow.buyerAccountId(), Side.DEBIT)).requestedMinor;
                if (back > escrow.heldMinor()) {
                    throw reject(Reason.REFUND_EXCEEDS_ESCROW, "reversing " + back + " of the funding of order '" + escrow.orderId()
                            + "' gives it back to the buyer, but the order holds " + escrow.heldMinor());
                }
                yield escrow;
            }
            case ESCROW_REFUND -> {
                var escrow = requireEscrow(ledgerId, original.referenceId());
                if (escrow.status() == EscrowStatus.RELEASED) {
                    throw reject(Reason.ESCROW_ALREADY_RELEASED, "order '" + escrow.orderId()
                            + "' was released to the seller: a refund cannot be held again after the release");
                }
                yield escrow;
            }
            case ESCROW_RELEASE -> {
                for (var leg : legs.values()) {
                    if (leg.requestedMinor != leg.postedMinor) {
                        throw reject(Reason.REVERSAL_MUST_BE_WHOLE, "an escrow release is reversed whole (the order then holds "
                                + "everything again) or not at all: reverse it without an amount or postings");
                    }
                }
                var escrow = requireEscrow(ledgerId, original.referenceId());
                if (escrow.releasedMinor() != original.amountMinor()) {
                    throw new IllegalStateException("escrow " + escrow.orderId() + " released " + escrow.releasedMinor()
                            + " but its release " + original.id() + " moved " + original.amountMinor());
                }
                yield escrow;
            }
            default -> null;
        };
    }

    /**
     * Gives back to the grants the original consumed on the leg's account what the reversal credits it, the last
     * drawn first. What earlier reversals gave back was taken from the end too, so what is still restorable is the
     * original's draws of the account less that total, from the end.
     */
    private void restoreGrants(UUID ledgerId, Entry original, Leg leg, List<GrantChange> changes) {
        List<GrantChange> draws = new ArrayList<>();
        for (var c : original.grantChanges()) {
            if (c.kind() == GrantChangeKind.CONSUMED && c.accountId().equals(leg.accountId)) {
                draws.add(c);
            }
        }
        if (draws.isEmpty()) {
            return;
        }
        long restoredBefore = 0;
        for (var reversal : state.reversalsOf(ledgerId, original.id())) {
            for (var c : reversal.grantChanges()) {
                if (c.kind() == GrantChangeKind.RESTORED && c.accountId().equals(leg.accountId)) {
                    restoredBefore += c.amountMinor();
                }
            }
        }
        long[] restorable = draws.stream().mapToLong(GrantChange::amountMinor).toArray();
        for (int i = restorable.length - 1; i >= 0 && restoredBefore > 0; i--) {
            long taken = Math.min(restoredBefore, restorable[i]);
            restorable[i] -= taken;
            restoredBefore -= taken;
        }
        long left = leg.requestedMinor;
        for (int i = restorable.length - 1; i >= 0 && left > 0; i--) {
            long restore = Math.min(left, restorable[i]);
            if (restore > 0) {
                grants.change(grants.requireGrant(ledgerId, draws.get(i).grantId()), GrantChangeKind.RESTORED, restore, changes);
                left -= restore;
            }
        }
    }

    /**
     * Writes the REVERSAL entry: line 0 is its first debit and line 1 its first credit (so {@code fromAccountId} and
     * {@code toAccountId} mean what they mean for every transfer-shaped entry), then the other groups in the
     * original's order. Its amount is the total it debits when it moves one asset, 0 otherwise (like a multi-leg entry).
     */
    private Entry write(UUID ledgerId, Command.ReverseEntry r, Entry original, Map<String, Leg> legs, List<GrantChange> changes) {
        List<Leg> taken = legs.values().stream().filter(l -> l.requestedMinor > 0).toList();
        var firstDebit = taken.stream().filter(l -> l.side == Side.CREDIT).findFirst().orElseThrow();
        var firstCredit = taken.stream().filter(l -> l.side == Side.DEBIT).findFirst().orElseThrow();
        List<EntryDraft.Line> lines = new ArrayList<>(taken.size());
        lines.add(line(firstDebit));
        lines.add(line(firstCredit));
        long debits = 0;
        for (var leg : taken) {
            if (leg != firstDebit && leg != firstCredit) {
                lines.add(line(leg));
            }
            if (leg.side == Side.CREDIT) {
                debits = Math.addExact(debits, leg.requestedMinor);
            }
        }
        boolean oneAsset = taken.stream().map(l -> l.asset).distinct().count() == 1;
        return machine.writeEntry(EntryDraft.of(ledgerId, r.entryId(), EntryKind.REVERSAL, r.metadata(), lines)
                .withTransfer(firstDebit.accountId, firstCredit.accountId, oneAsset ? debits : 0, firstDebit.asset)
                .withReference(original.id()).withGrantChanges(changes));
    }

    private static EntryDraft.Line line(Leg leg) {
        return new EntryDraft.Line(leg.accountId, opposite(leg.side), leg.requestedMinor, 0);
    }

    private EscrowState requireEscrow(UUID ledgerId, UUID escrowId) {
        var escrow = state.escrowById(ledgerId, escrowId);
        if (escrow == null) {
            throw new IllegalStateException("escrow " + escrowId + " of ledger " + ledgerId + " was not loaded");
        }
        return escrow;
    }

    private static String key(UUID accountId, Side side) {
        return accountId + "/" + side;
    }

    private static Side opposite(Side side) {
        return side == Side.DEBIT ? Side.CREDIT : Side.DEBIT;
    }

    private static Rejection reject(Reason reason, String detail) {
        return new Rejection(reason, detail);
    }
}
