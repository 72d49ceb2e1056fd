package dev.creditledger.postgres;

import java.util.List;

/** What {@code ledger verify} found: counts of what it checked and every difference, in words. */
public record VerificationReport(int ledgers, long accounts, long entries, List<String> differences) {
    public VerificationReport {
        differences = List.copyOf(differences);
    }

    public boolean clean() {
        return differences.isEmpty();
    }
}
