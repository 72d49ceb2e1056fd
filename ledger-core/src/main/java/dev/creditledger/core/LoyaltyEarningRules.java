package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireAsset;

import java.time.Instant;
import java.util.UUID;

/**
 * The rules of earning loyalty points (EarnPoints): the program account's {@link LoyaltyRule} turns a spend
 * into points (whole units of spend times the points per unit), and the points are issued to the member as a
 * grant from the program account by {@link GrantRules}, expiring as the rule says.
 *
 * What can go wrong: the program or member account is unknown; the program account holds another asset or
 * defines no rule; the spend earns no whole point, or more points than AMOUNT_MINOR_MAX; and then whatever
 * refuses the grant (a closed or debit-normal member account, the program account cannot pay, too many
 * active grants).
 */
final class LoyaltyEarningRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final Instant now;

    LoyaltyEarningRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.now = core.now();
    }

    /** Earning is a grant of the points the program's rule gives for the spend, from the program to the member. */
    CommandResult earn(UUID ledgerId, Command.EarnPoints e) {
        var program = core.requireAccount(ledgerId, e.programAccountId());
        core.requireAccount(ledgerId, e.memberAccountId());
        requireAsset(program, e.asset());
        var rule = LoyaltyRule.of(program.account().metadata()).orElseThrow(() -> new Rejection(Reason.LOYALTY_RULE_MISSING,
                "account " + e.programAccountId() + " defines no loyalty rule (" + LoyaltyRule.POINTS_PER_UNIT + ", "
                        + LoyaltyRule.UNIT_MINOR + ")"));
        long units = e.spendMinor() / rule.unitMinor();
        if (units > Limits.AMOUNT_MINOR_MAX / rule.pointsPerUnit()) {
            throw new Rejection(Reason.AMOUNT_EXCEEDS_LIMIT, "a spend of " + e.spendMinor() + " earns more than AMOUNT_MINOR_MAX points");
        }
        long points = units * rule.pointsPerUnit();
        if (points == 0) {
            throw new Rejection(Reason.EARN_BELOW_ONE_POINT, "a spend of " + e.spendMinor() + " is less than the rule's unit of "
                    + rule.unitMinor());
        }
        return grants.issue(ledgerId, new Command.IssueGrant(e.grantId(), e.memberAccountId(), e.programAccountId(), points,
                e.asset(), rule.expiryFrom(now), "loyalty:earn", e.metadata()));
    }
}
