package dev.creditledger.core;

import static dev.creditledger.core.PostingStateMachine.requireOpen;

import java.util.UUID;

/**
 * The rules of an account's own commands: opening one (CreateAccount) in an asset the ledger defines, under
 * an id and a code nobody holds, and closing one (CloseAccount) whose balances are all zero, after expiring
 * the grants that are due (a grant expiry can empty an account that holds only expired credit).
 *
 * What can go wrong: the asset is not defined, the id exists or the code is taken; the account to close is
 * unknown or closed already, still has an active grant, or has a posted balance or pending totals.
 */
final class AccountRules {
    private final PostingStateMachine core;
    private final GrantRules grants;
    private final LedgerState state;

    AccountRules(PostingStateMachine core, GrantRules grants) {
        this.core = core;
        this.grants = grants;
        this.state = core.state();
    }

    CommandResult create(UUID ledgerId, Command.CreateAccount c) {
        if (state.asset(ledgerId, c.asset()) == null) {
            throw new Rejection(Reason.ASSET_NOT_FOUND, "asset " + c.asset() + " is not defined in this ledger");
        }
        if (state.accountIdExists(c.accountId())) {
            throw new Rejection(Reason.ACCOUNT_ALREADY_EXISTS, "account " + c.accountId() + " already exists");
        }
        if (c.code() != null && state.accountIdByCode(ledgerId, c.code()) != null) {
            throw new Rejection(Reason.ACCOUNT_CODE_TAKEN, "account code '" + c.code() + "' is taken in this ledger");
        }
        var account = core.openAccount(ledgerId, c.accountId(), c.code(), c.asset(), c.normalSide(), c.overdraftLimitMinor(),
                c.metadata(), c.alertThresholds());
        return new CommandResult.Accepted(account.id(), account.seq(), false);
    }

    CommandResult close(UUID ledgerId, Command.CloseAccount c) {
        requireOpen(core.requireAccount(ledgerId, c.accountId()));
        grants.sweepExpired(ledgerId, c.accountId());
        var account = core.requireAccount(ledgerId, c.accountId());
        var liveGrants = state.grantsOf(c.accountId()).stream().filter(g -> g.status() == GrantStatus.ACTIVE).count();
        if (liveGrants > 0) {
            throw new Rejection(Reason.ACCOUNT_BALANCE_NOT_ZERO, "account " + c.accountId() + " has " + liveGrants
                    + " active grant(s) with credit left or reserved");
        }
        if (!account.balance().isZero()) {
            throw new Rejection(Reason.ACCOUNT_BALANCE_NOT_ZERO, "account " + c.accountId()
                    + " has a posted balance of " + account.balance().posted(account.account().normalSide())
                    + " and pending totals " + account.balance().debitsPending() + "/" + account.balance().creditsPending());
        }
        var closure = core.closeAccount(account);
        return new CommandResult.Accepted(c.accountId(), closure.seq(), false);
    }
}
