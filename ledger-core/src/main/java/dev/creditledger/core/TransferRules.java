package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireAsset;
import static dev.creditledger.core.PostingStateMachine.requireOpen;

import dev.creditledger.core.EntryDraft.Line;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rules of moving money between accounts a client names: a transfer posted at once or placed as a hold
 * (PostTransfer; {@link HoldRules} resolves the hold), a multi-leg entry (PostEntry), and the reversal of all or
 * part of a posted transfer (ReverseTransfer). Every debit draws on the debited account's grants first, after
 * expiring those that are due; a reversal draws on the grants of the account it debits and restores, last
 * drawn first, the grants the original transfer consumed.
 *
 * What can go wrong: an account is unknown, closed or of another asset; a balance constraint refuses the
 * debit (checked when the entry is written); the transfer to reverse is unknown or not posted, or the
 * reversal exceeds what is left to reverse.
 */
final class TransferRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final LedgerState state;
    private final Instant now;

    TransferRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.state = core.state();
        this.now = core.now();
    }

    CommandResult post(UUID ledgerId, Command.PostTransfer t) {
        var from = core.requireAccount(ledgerId, t.from());
        var to = core.requireAccount(ledgerId, t.to());
        requireOpen(from);
        requireOpen(to);
        requireAsset(from, t.asset());
        requireAsset(to, t.asset());
        grants.sweepExpired(ledgerId, t.from());
        List<GrantChange> grantChanges = new ArrayList<>();
        var draws = grants.draw(t.from(), t.amountMinor(), t.pending() ? GrantChangeKind.RESERVED : GrantChangeKind.CONSUMED,
                grantChanges);
        long posted = t.pending() ? 0 : t.amountMinor();
        long pending = t.pending() ? t.amountMinor() : 0;
        var lines = List.of(
                new Line(from.account().id(), Side.DEBIT, posted, pending),
                new Line(to.account().id(), Side.CREDIT, posted, pending));
        var expiresAt = t.pending() && t.holdTimeout() != null ? now.plus(t.holdTimeout()) : null;
        var entry = core.writeEntry(EntryDraft.of(ledgerId, t.transferId(), t.pending() ? EntryKind.HOLD : EntryKind.TRANSFER,
                        t.metadata(), lines)
                .withTransfer(t.from(), t.to(), t.amountMinor(), t.asset()).withExpiry(expiresAt).withGrantChanges(grantChanges));
        core.putTransfer(new TransferState(t.transferId(), ledgerId, t.from(), t.to(), t.asset(), t.amountMinor(), t.pending(),
                t.pending() ? TransferStatus.PENDING : TransferStatus.POSTED, posted, 0, expiresAt, draws));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult postEntry(UUID ledgerId, Command.PostEntry e) {
        List<Line> lines = new ArrayList<>(e.postings().size());
        for (var requested : e.postings()) {
            var account = core.requireAccount(ledgerId, requested.accountId());
            requireOpen(account);
            requireAsset(account, requested.asset());
            lines.add(new Line(requested.accountId(), requested.side(), requested.amountMinor(), 0));
        }
        List<GrantChange> grantChanges = new ArrayList<>();
        for (var line : lines) {
            if (line.side() == Side.DEBIT) {
                grants.sweepExpired(ledgerId, line.accountId());
            }
        }
        for (var line : lines) {
            if (line.side() == Side.DEBIT) {
                grants.draw(line.accountId(), line.postedMinor(), GrantChangeKind.CONSUMED, grantChanges);
            }
        }
        var entry = core.writeEntry(EntryDraft.of(ledgerId, e.entryId(), EntryKind.ENTRY, e.metadata(), lines)
                .withGrantChanges(grantChanges));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult reverse(UUID ledgerId, Command.ReverseTransfer r) {
        var original = state.transfer(ledgerId, r.transferId());
        if (original == null) {
            throw new Rejection(Reason.TRANSFER_NOT_FOUND, "transfer " + r.transferId() + " does not exist in this ledger");
        }
        if (original.status() != TransferStatus.POSTED) {
            throw new Rejection(Reason.TRANSFER_NOT_POSTED, "transfer " + r.transferId() + " is " + original.status());
        }
        long amount = r.amountMinor() == null ? original.reversibleMinor() : r.amountMinor();
        if (amount <= 0 || amount > original.reversibleMinor()) {
            throw new Rejection(Reason.REVERSAL_EXCEEDS_ORIGINAL, "transfer " + r.transferId() + " posted "
                    + original.postedMinor() + " and " + original.reversedMinor() + " is reversed already; cannot reverse "
                    + (r.amountMinor() == null ? "the rest" : amount));
        }
        var originalFrom = core.requireAccount(ledgerId, original.fromAccountId());
        var originalTo = core.requireAccount(ledgerId, original.toAccountId());
        requireOpen(originalFrom);
        requireOpen(originalTo);
        grants.sweepExpired(ledgerId, original.toAccountId());
        List<GrantChange> grantChanges = new ArrayList<>();
        grants.draw(original.toAccountId(), amount, GrantChangeKind.CONSUMED, grantChanges);
        var stillRestorable = grants.restore(original, amount, grantChanges);
        var lines = List.of(
                new Line(original.toAccountId(), Side.DEBIT, amount, 0),
                new Line(original.fromAccountId(), Side.CREDIT, amount, 0));
        var entry = core.writeEntry(EntryDraft.of(ledgerId, r.entryId(), EntryKind.REVERSAL, r.metadata(), lines)
                .withTransfer(original.toAccountId(), original.fromAccountId(), amount, original.asset())
                .withReference(original.transferId()).withGrantChanges(grantChanges));
        core.putTransfer(original.withReversed(original.reversedMinor() + amount).withDraws(stillRestorable));
        // What the refund restored to grants that expired since the spend expires now (docs: the refund rule).
        grants.sweepExpired(ledgerId, original.fromAccountId());
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }
}
