package dev.creditledger.core;

/**
 * An account with its current balances, status and version. The version counts the postings on the
 * account (the n-th posting has version n), so it orders the account's statement and detects lost updates.
 */
public record AccountState(Account account, Balance balance, AccountStatus status, long version) {

    public static AccountState opened(Account account) {
        return new AccountState(account, Balance.ZERO, AccountStatus.OPEN, 0);
    }

    public AccountState withBalance(Balance newBalance, long newVersion) {
        return new AccountState(account, newBalance, status, newVersion);
    }

    public AccountState closed() {
        return new AccountState(account, balance, AccountStatus.CLOSED, version);
    }
}
