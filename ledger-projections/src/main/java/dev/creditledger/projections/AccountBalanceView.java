package dev.creditledger.projections;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Balance;
import dev.creditledger.core.Side;
import java.util.UUID;

/**
 * An account's balances as projected (amounts in minor units).
 *
 * @param asset      null only while the account's opening event has not been applied (during a rebuild)
 * @param normalSide null in the same case
 * @param version    account version of the last applied posting, 0 before the first
 * @param lastSeq    the highest ledger sequence applied to this account
 */
public record AccountBalanceView(
        UUID ledgerId,
        UUID accountId,
        String asset,
        Side normalSide,
        AccountStatus status,
        long debitsPosted,
        long creditsPosted,
        long debitsPending,
        long creditsPending,
        long version,
        long lastSeq) {

    public Balance balance() {
        return new Balance(debitsPosted, creditsPosted, debitsPending, creditsPending);
    }
}
