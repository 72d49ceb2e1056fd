package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireAsset;
import static dev.creditledger.core.PostingStateMachine.requireOpen;

import dev.creditledger.core.EntryDraft.Line;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules of grants, lots of credit with their own remaining amount and expiry: issuing one
 * (IssueGrant), expiring one (ExpireGrant), and what every other rule does to the grants of an account it
 * debits: draw them down soonest expiry first ({@link GrantState#SPEND_ORDER}), reserve for a hold and
 * settle the reservation at capture, void or expiry, restore them when a spend is reversed, and expire
 * first whatever reached its expiry with credit left (each as its own GRANT_EXPIRY entry).
 *
 * What can go wrong: the account is not credit-normal, the expiry is not after now, the account has
 * {@link Limits#GRANTS_ACTIVE_PER_ACCOUNT_MAX} active grants already, or the grant to expire is unknown or not
 * due. A grant named by a loaded transfer's draws but not loaded itself is a loading bug
 * (IllegalStateException), not a rejection. An expiry is never refused for a balance constraint.
 */
final class GrantRules {
    private final PostingStateMachine core;
    private final LedgerState state;
    private final Instant now;

    GrantRules(PostingStateMachine core) {
        this.core = core;
        this.state = core.state();
        this.now = core.now();
    }

    CommandResult issue(UUID ledgerId, Command.IssueGrant g) {
        var account = core.requireAccount(ledgerId, g.accountId());
        var from = core.requireAccount(ledgerId, g.fromAccountId());
        requireOpen(account);
        requireOpen(from);
        requireAsset(account, g.asset());
        requireAsset(from, g.asset());
        if (account.account().normalSide() != Side.CREDIT) {
            throw new Rejection(Reason.GRANT_ACCOUNT_NOT_CREDIT_NORMAL, "account " + g.accountId()
                    + " is debit-normal; grants are given to credit-normal accounts");
        }
        if (g.expiresAt() != null && !now.isBefore(g.expiresAt())) {
            throw new Rejection(Reason.GRANT_EXPIRY_INVALID, "grant expiry " + g.expiresAt()
                    + " is not after the time it is made, " + now);
        }
        long active = state.grantsOf(g.accountId()).stream().filter(x -> x.status() == GrantStatus.ACTIVE).count();
        if (active >= Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX) {
            throw new Rejection(Reason.GRANT_LIMIT_REACHED, "account " + g.accountId() + " has " + active
                    + " active grants, the most GRANTS_ACTIVE_PER_ACCOUNT_MAX " + Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX + " allows");
        }
        var breakageId = openBreakageAccountIfMissing(ledgerId, g.asset());
        sweepExpired(ledgerId, g.fromAccountId());
        List<GrantChange> grantChanges = new ArrayList<>();
        draw(g.fromAccountId(), g.amountMinor(), GrantChangeKind.CONSUMED, grantChanges);
        grantChanges.add(new GrantChange(g.grantId(), g.accountId(), GrantChangeKind.GRANTED, g.amountMinor()));
        var lines = List.of(
                new Line(g.fromAccountId(), Side.DEBIT, g.amountMinor(), 0),
                new Line(g.accountId(), Side.CREDIT, g.amountMinor(), 0));
        var entry = core.writeEntry(EntryDraft.of(ledgerId, g.grantId(), EntryKind.GRANT, g.metadata(), lines)
                .withTransfer(g.fromAccountId(), g.accountId(), g.amountMinor(), g.asset())
                .withExpiry(g.expiresAt()).withGrantChanges(grantChanges));
        core.putGrant(GrantState.made(g.grantId(), ledgerId, g.accountId(), g.asset(), g.amountMinor(), g.expiresAt(), g.source(),
                g.metadata(), breakageId, entry.seq(), now));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult expire(UUID ledgerId, Command.ExpireGrant x) {
        var grant = state.grant(ledgerId, x.grantId());
        if (grant == null) {
            throw new Rejection(Reason.GRANT_NOT_FOUND, "grant " + x.grantId() + " does not exist in this ledger");
        }
        if (!grant.expiredAt(now) || grant.remainingMinor() == 0) {
            throw new Rejection(Reason.GRANT_NOT_EXPIRED, "grant " + x.grantId() + (grant.expiresAt() == null ? " has no expiry"
                    : grant.expiredAt(now) ? " has nothing left to expire" : " expires at " + grant.expiresAt()));
        }
        var entry = expireRemainder(ledgerId, grant);
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /**
     * Draws up to {@code amountMinor} from the account's spendable grants in {@link GrantState#SPEND_ORDER},
     * as {@code kind} (CONSUMED or RESERVED), and answers what it drew from each. What the grants do not
     * cover comes from the rest of the balance; whether the balance allows it is checked by writeEntry.
     */
    List<GrantDraw> draw(UUID accountId, long amountMinor, GrantChangeKind kind, List<GrantChange> changes) {
        var grants = state.grantsOf(accountId);
        if (grants.isEmpty()) {
            return List.of();
        }
        var spendable = grants.stream().filter(g -> g.remainingMinor() > 0 && !g.expiredAt(now))
                .sorted(GrantState.SPEND_ORDER).toList();
        List<GrantDraw> draws = new ArrayList<>();
        long left = amountMinor;
        for (var grant : spendable) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, grant.remainingMinor());
            change(grant, kind, take, changes);
            draws.add(new GrantDraw(grant.grantId(), take));
            left -= take;
        }
        return draws;
    }

    /**
     * Settles a hold's reservations: the first {@code capturedMinor} of them, in the order they were made,
     * are consumed; the rest is released. Answers what was consumed (what a reversal can give back).
     */
    List<GrantDraw> settleReservations(TransferState hold, long capturedMinor, List<GrantChange> changes) {
        List<GrantDraw> consumed = new ArrayList<>();
        long toCapture = capturedMinor;
        for (var draw : hold.draws()) {
            var grant = requireGrant(hold.ledgerId(), draw.grantId());
            long capture = Math.min(toCapture, draw.amountMinor());
            if (capture > 0) {
                change(grant, GrantChangeKind.CAPTURED, capture, changes);
                consumed.add(new GrantDraw(draw.grantId(), capture));
                grant = state.grant(hold.ledgerId(), draw.grantId());
            }
            if (draw.amountMinor() > capture) {
                change(grant, GrantChangeKind.RELEASED, draw.amountMinor() - capture, changes);
            }
            toCapture -= capture;
        }
        return consumed;
    }

    /**
     * Gives back to the grants a transfer consumed up to {@code amountMinor}, the last drawn first (so a
     * partial refund returns the credit that would have lasted longest). Answers what stays restorable.
     */
    List<GrantDraw> restore(TransferState original, long amountMinor, List<GrantChange> changes) {
        List<GrantDraw> remaining = new ArrayList<>(original.draws());
        long left = amountMinor;
        for (int i = remaining.size() - 1; i >= 0 && left > 0; i--) {
            var draw = remaining.get(i);
            long restore = Math.min(left, draw.amountMinor());
            change(requireGrant(original.ledgerId(), draw.grantId()), GrantChangeKind.RESTORED, restore, changes);
            left -= restore;
            if (restore == draw.amountMinor()) {
                remaining.remove(i);
            } else {
                remaining.set(i, new GrantDraw(draw.grantId(), draw.amountMinor() - restore));
            }
        }
        return remaining;
    }

    /** Expires, each as its own GRANT_EXPIRY entry, the grants of the account that reached their expiry with credit left. */
    void sweepExpired(UUID ledgerId, UUID accountId) {
        var due = state.grantsOf(accountId).stream().filter(g -> g.remainingMinor() > 0 && g.expiredAt(now))
                .sorted(GrantState.SPEND_ORDER).toList();
        for (var grant : due) {
            expireRemainder(ledgerId, grant);
        }
    }

    /**
     * Moves what is left of a grant to its breakage account. Balance constraints are not checked: the
     * entry only takes back credit the grant gave, and an expiry is never refused.
     */
    private Entry expireRemainder(UUID ledgerId, GrantState grant) {
        long amount = grant.remainingMinor();
        core.requireAccount(ledgerId, grant.accountId());
        core.requireAccount(ledgerId, grant.expiryAccountId());
        List<GrantChange> changes = new ArrayList<>();
        change(grant, GrantChangeKind.EXPIRED, amount, changes);
        var lines = List.of(
                new Line(grant.accountId(), Side.DEBIT, amount, 0),
                new Line(grant.expiryAccountId(), Side.CREDIT, amount, 0));
        var entryId = SystemAccounts.grantExpiryEntryId(grant.grantId(), state.lastSeq(ledgerId) + 1);
        return core.writeEntry(EntryDraft.of(ledgerId, entryId, EntryKind.GRANT_EXPIRY, Map.of(), lines)
                .withTransfer(grant.accountId(), grant.expiryAccountId(), amount, grant.asset())
                .withReference(grant.grantId()).withGrantChanges(changes).withoutConstraintCheck());
    }

    /** The breakage account of the asset, opened by this command when the ledger does not have it yet. */
    private UUID openBreakageAccountIfMissing(UUID ledgerId, String asset) {
        return core.openSystemAccountIfMissing(ledgerId, SystemAccounts.breakageAccountId(ledgerId, asset),
                SystemAccounts.breakageAccountCode(asset), asset, "breakage");
    }

    GrantState requireGrant(UUID ledgerId, UUID grantId) {
        var grant = state.grant(ledgerId, grantId);
        if (grant == null) {
            throw new IllegalStateException("grant " + grantId + " of ledger " + ledgerId + " was not loaded");
        }
        return grant;
    }

    void change(GrantState grant, GrantChangeKind kind, long amountMinor, List<GrantChange> changes) {
        core.putGrant(grant.apply(kind, amountMinor));
        changes.add(new GrantChange(grant.grantId(), grant.accountId(), kind, amountMinor));
    }
}
