package dev.creditledger.core;

import java.util.List;

/**
 * An account with its current balances, status, version and low-balance alert thresholds. The version
 * counts the postings on the account (the n-th posting has version n), so it orders the account's
 * statement and detects lost updates. The thresholds are settings, not journal: they can change without
 * a posting ({@link AlertThresholds}), and are kept in descending order.
 */
public record AccountState(Account account, Balance balance, AccountStatus status, long version, List<Long> alertThresholds) {

    public AccountState {
        alertThresholds = AlertThresholds.normalize(alertThresholds);
    }

    public AccountState(Account account, Balance balance, AccountStatus status, long version) {
        this(account, balance, status, version, List.of());
    }

    public static AccountState opened(Account account, List<Long> alertThresholds) {
        return new AccountState(account, Balance.ZERO, AccountStatus.OPEN, 0, alertThresholds);
    }

    public static AccountState opened(Account account) {
        return opened(account, List.of());
    }

    public AccountState withBalance(Balance newBalance, long newVersion) {
        return new AccountState(account, newBalance, status, newVersion, alertThresholds);
    }

    public AccountState closed() {
        return new AccountState(account, balance, AccountStatus.CLOSED, version, alertThresholds);
    }
}
