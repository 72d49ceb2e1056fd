package dev.creditledger.core;

import java.math.BigInteger;
import java.util.UUID;

/**
 * One crossing of a low-balance alert threshold by one journal entry: the account's available balance
 * (posted minus pending outflows) was {@code availableBefore} before the entry and {@code availableAfter}
 * after it, on the other side of {@code thresholdMinor}. The available balances are exact (they can
 * leave the 64-bit range when totals are near it, see {@link AlertThresholds}).
 */
public record BalanceAlert(
        UUID accountId,
        long thresholdMinor,
        AlertDirection direction,
        BigInteger availableBefore,
        BigInteger availableAfter) {}
