package dev.creditledger.projections;

import dev.creditledger.core.Balance;
import java.time.LocalDate;
import java.util.UUID;

/**
 * An account's closing balance on one UTC day with postings: the balances after its last posting of
 * that day (amounts in minor units). Days without postings have no row; their closing balance is that
 * of the latest earlier day.
 *
 * @param version the account version of that last posting
 */
public record DailyBalanceView(
        UUID ledgerId,
        UUID accountId,
        LocalDate day,
        long debitsPosted,
        long creditsPosted,
        long debitsPending,
        long creditsPending,
        long version) {

    public Balance balance() {
        return new Balance(debitsPosted, creditsPosted, debitsPending, creditsPending);
    }
}
