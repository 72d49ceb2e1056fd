package dev.creditledger.projections;

import java.util.List;

/**
 * What {@link ProjectionChecker#check} found.
 *
 * @param differences      every difference in words, at most {@link ProjectionChecker#DIFFERENCES_MAX} of them
 * @param differencesTotal how many there were in all
 * @param ledgers          ledgers compared
 * @param accounts         journal accounts compared with BALANCES
 * @param statementLines   journal postings compared with STATEMENTS
 * @param dailyBalances    journal closing balances (account and UTC day) compared with DAILY_BALANCES
 * @param assetTotals      journal (ledger, asset) totals compared with ASSET_TOTALS
 */
public record CheckReport(List<String> differences, long differencesTotal, int ledgers, long accounts, long statementLines,
                          long dailyBalances, long assetTotals) {

    public CheckReport {
        differences = List.copyOf(differences);
    }

    public boolean clean() {
        return differencesTotal == 0;
    }
}
