package dev.creditledger.core;

import java.util.UUID;

/**
 * One line of a journal entry: the change it made to one account, and the account's balances after it.
 * Storing the balances after each posting makes statements and point-in-time balances index look-ups.
 *
 * @param postedMinor       amount added to the posted total of {@code side} (zero or more)
 * @param pendingDeltaMinor signed change of the pending total of {@code side}: positive when a hold is
 *                          placed, negative when it is released
 * @param accountVersion    the account's version after this posting (its n-th posting has version n)
 */
public record Posting(
        UUID accountId,
        String asset,
        Side side,
        long postedMinor,
        long pendingDeltaMinor,
        Balance balanceAfter,
        long accountVersion) {
}
