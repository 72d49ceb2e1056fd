package dev.creditledger.core;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The immutable definition of an account: which ledger and asset it belongs to, its normal side, its
 * optional code, its balance constraint and its metadata. What changes over time (balances, status)
 * lives in {@link AccountState}.
 *
 * @param normalSide          the side on which the balance grows: CREDIT for wallets and liabilities
 *                            (the default), DEBIT for assets such as cash
 * @param overdraftLimitMinor how far the available balance may fall below zero: {@code null} means no
 *                            constraint (an issuing or funding account), {@code 0} means no overdraft
 */
public record Account(
        UUID id,
        UUID ledgerId,
        String code,
        String asset,
        Side normalSide,
        Long overdraftLimitMinor,
        Map<String, String> metadata,
        Instant createdAt,
        long seq) {

    public Account {
        metadata = Map.copyOf(metadata);
    }

    public boolean noOverdraft() {
        return overdraftLimitMinor != null && overdraftLimitMinor == 0;
    }
}
