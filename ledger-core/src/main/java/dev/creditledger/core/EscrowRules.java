package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireAsset;
import static dev.creditledger.core.PostingStateMachine.requireOpen;

import dev.creditledger.core.EntryDraft.Line;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rules of marketplace escrow, one escrow per order: the buyer funds it into the ledger's escrow account
 * of the asset (FundEscrow; the account is opened by the first escrow of its asset, and the buyer's grants
 * are drawn first); it is then released whole to the seller minus the platform's fee (ReleaseEscrow), or
 * refunded to the buyer in one or more parts (RefundEscrow).
 *
 * What can go wrong: an account is unknown, closed or of another asset; the order already has an escrow;
 * the order has none, or it was released or refunded in full already; the fee is not less than what is held;
 * a refund exceeds what is held; the buyer cannot pay (a balance constraint, checked when the entry is written).
 */
final class EscrowRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final LedgerState state;
    private final Instant now;

    EscrowRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.state = core.state();
        this.now = core.now();
    }

    CommandResult fund(UUID ledgerId, Command.FundEscrow f) {
        var buyer = core.requireAccount(ledgerId, f.buyer());
        var seller = core.requireAccount(ledgerId, f.seller());
        requireOpen(buyer);
        requireOpen(seller);
        requireAsset(buyer, f.asset());
        requireAsset(seller, f.asset());
        if (state.escrow(ledgerId, f.orderId()) != null) {
            throw new Rejection(Reason.ESCROW_ALREADY_EXISTS, "order '" + f.orderId() + "' already has an escrow");
        }
        var escrowAccount = core.openSystemAccountIfMissing(ledgerId, SystemAccounts.escrowAccountId(ledgerId, f.asset()),
                SystemAccounts.escrowAccountCode(f.asset()), f.asset(), "escrow");
        grants.sweepExpired(ledgerId, f.buyer());
        List<GrantChange> grantChanges = new ArrayList<>();
        grants.draw(f.buyer(), f.amountMinor(), GrantChangeKind.CONSUMED, grantChanges);
        var lines = List.of(
                new Line(f.buyer(), Side.DEBIT, f.amountMinor(), 0),
                new Line(escrowAccount, Side.CREDIT, f.amountMinor(), 0));
        var entry = core.writeEntry(EntryDraft.of(ledgerId, f.entryId(), EntryKind.ESCROW_FUND, f.metadata(), lines)
                .withTransfer(f.buyer(), escrowAccount, f.amountMinor(), f.asset()).withGrantChanges(grantChanges));
        core.putEscrow(new EscrowState(f.entryId(), ledgerId, f.orderId(), f.buyer(), f.seller(), escrowAccount, f.asset(),
                f.amountMinor(), 0, 0, entry.seq(), now));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult release(UUID ledgerId, Command.ReleaseEscrow r) {
        var escrow = requireHeldEscrow(ledgerId, r.orderId());
        long held = escrow.heldMinor();
        if (r.feeMinor() >= held) {
            throw new Rejection(Reason.ESCROW_FEE_TOO_HIGH, "fee " + r.feeMinor() + " is not less than the " + held + " held");
        }
        var seller = core.requireAccount(ledgerId, escrow.sellerAccountId());
        requireOpen(seller);
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(escrow.escrowAccountId(), Side.DEBIT, held, 0));
        lines.add(new Line(escrow.sellerAccountId(), Side.CREDIT, held - r.feeMinor(), 0));
        if (r.feeMinor() > 0) {
            var fees = core.requireAccount(ledgerId, r.feeAccountId());
            requireOpen(fees);
            requireAsset(fees, escrow.asset());
            lines.add(new Line(r.feeAccountId(), Side.CREDIT, r.feeMinor(), 0));
        }
        var entry = core.writeEntry(EntryDraft.of(ledgerId, r.entryId(), EntryKind.ESCROW_RELEASE, r.metadata(), lines)
                .withTransfer(escrow.escrowAccountId(), escrow.sellerAccountId(), held, escrow.asset())
                .withReference(escrow.escrowId()));
        core.putEscrow(escrow.withReleased(held));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult refund(UUID ledgerId, Command.RefundEscrow r) {
        var escrow = requireHeldEscrow(ledgerId, r.orderId());
        long amount = r.amountMinor() == null ? escrow.heldMinor() : r.amountMinor();
        if (amount > escrow.heldMinor()) {
            throw new Rejection(Reason.REFUND_EXCEEDS_ESCROW, "refund of " + amount + " exceeds the " + escrow.heldMinor()
                    + " order '" + r.orderId() + "' holds");
        }
        requireOpen(core.requireAccount(ledgerId, escrow.buyerAccountId()));
        var lines = List.of(
                new Line(escrow.escrowAccountId(), Side.DEBIT, amount, 0),
                new Line(escrow.buyerAccountId(), Side.CREDIT, amount, 0));
        var entry = core.writeEntry(EntryDraft.of(ledgerId, r.entryId(), EntryKind.ESCROW_REFUND, r.metadata(), lines)
                .withTransfer(escrow.escrowAccountId(), escrow.buyerAccountId(), amount, escrow.asset())
                .withReference(escrow.escrowId()));
        core.putEscrow(escrow.withRefunded(escrow.refundedMinor() + amount));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** The order's escrow when it still holds something: refused when it is unknown, released or refunded in full. */
    private EscrowState requireHeldEscrow(UUID ledgerId, String orderId) {
        var escrow = state.escrow(ledgerId, orderId);
        if (escrow == null) {
            throw new Rejection(Reason.ESCROW_NOT_FOUND, "order '" + orderId + "' has no escrow in this ledger");
        }
        return switch (escrow.status()) {
            case HELD -> escrow;
            case RELEASED -> throw new Rejection(Reason.ESCROW_ALREADY_RELEASED, "order '" + orderId + "' was released to the seller");
            case REFUNDED -> throw new Rejection(Reason.ESCROW_REFUNDED, "order '" + orderId + "' was refunded in full");
        };
    }
}
