package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.available;
import static dev.creditledger.core.PostingStateMachine.requireAsset;
import static dev.creditledger.core.PostingStateMachine.requireOpen;

import dev.creditledger.core.EntryDraft.Line;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rules of usage-based billing (RecordUsage): usage is charged to a revenue account; the customer's
 * account pays what its available balance allows (its grants first, after expiring those that are due) and
 * never goes below zero for usage; the rest is owed as overage on the overage account, whose balance
 * constraint is the overage limit. One USAGE entry of two or three postings records it.
 *
 * What can go wrong: one of the three accounts is unknown, closed or of another asset; the overage would go
 * beyond the overage account's limit (OVERAGE_LIMIT_EXCEEDED), in which case nothing is charged.
 */
final class UsageRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final LedgerState state;

    UsageRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.state = core.state();
    }

    CommandResult record(UUID ledgerId, Command.RecordUsage u) {
        var account = core.requireAccount(ledgerId, u.accountId());
        var overage = core.requireAccount(ledgerId, u.overageAccountId());
        var revenue = core.requireAccount(ledgerId, u.revenueAccountId());
        for (var a : List.of(account, overage, revenue)) {
            requireOpen(a);
            requireAsset(a, u.asset());
        }
        grants.sweepExpired(ledgerId, u.accountId());
        var walletAvailable = available(state.account(ledgerId, u.accountId())).max(BigInteger.ZERO);
        long fromAccount = walletAvailable.min(BigInteger.valueOf(u.amountMinor())).longValueExact();
        long owed = u.amountMinor() - fromAccount;
        Long limit = overage.account().overdraftLimitMinor();
        if (owed > 0 && limit != null) {
            var after = available(state.account(ledgerId, u.overageAccountId())).subtract(BigInteger.valueOf(owed));
            if (after.compareTo(BigInteger.valueOf(-limit)) < 0) {
                throw new Rejection(Reason.OVERAGE_LIMIT_EXCEEDED, "usage of " + u.amountMinor() + ": " + fromAccount
                        + " from account " + u.accountId() + ", " + owed + " as overage would leave overage account "
                        + u.overageAccountId() + " at " + after + ", beyond its limit of " + limit);
            }
        }
        List<GrantChange> grantChanges = new ArrayList<>();
        grants.draw(u.accountId(), fromAccount, GrantChangeKind.CONSUMED, grantChanges);
        // Line 0 is the payer and line 1 the revenue, as in every transfer-shaped entry; the overage, when the
        // account paid part, is line 2.
        List<Line> lines = new ArrayList<>();
        lines.add(fromAccount > 0 ? new Line(u.accountId(), Side.DEBIT, fromAccount, 0) : new Line(u.overageAccountId(), Side.DEBIT, owed, 0));
        lines.add(new Line(u.revenueAccountId(), Side.CREDIT, u.amountMinor(), 0));
        if (fromAccount > 0 && owed > 0) {
            lines.add(new Line(u.overageAccountId(), Side.DEBIT, owed, 0));
        }
        var entry = core.writeEntry(EntryDraft.of(ledgerId, u.entryId(), EntryKind.USAGE, u.metadata(), lines)
                .withTransfer(lines.getFirst().accountId(), u.revenueAccountId(), u.amountMinor(), u.asset())
                .withGrantChanges(grantChanges));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }
}
