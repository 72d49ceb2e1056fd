package dev.creditledger.postgres;

import dev.creditledger.core.Balance;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Sums an account's postings over a period by entry kind and side: what the invoicing summary of a credits
 * account (and of its overage account) is made of. The period [from, to) becomes a range of the account's
 * versions by binary search (versions are dense and their times never decrease), so a summary reads only
 * the period's postings, through the bucketed index, in one statement per account.
 */
public final class PeriodSummaries {

    private final JournalRouter journals;

    public PeriodSummaries(JournalRouter journals) {
        this.journals = journals;
    }

    /** One account's postings of a period: posted totals by entry kind and side, and its balances at both ends. */
    public record Sums(Balance opening, Balance closing, Map<EntryKind, long[]> postedByKind) {
        /** What entries of this kind credited ([1]) or debited ([0]) the account in the period. */
        public long posted(EntryKind kind, Side side) {
            var sums = postedByKind.get(kind);
            return sums == null ? 0 : sums[side == Side.DEBIT ? 0 : 1];
        }
    }

    public Sums sums(UUID ledgerId, UUID accountId, Instant from, Instant to) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
            long low = LedgerQueries.versionAt(connection, ledgerId, accountId, from.minusNanos(1_000));
            long high = LedgerQueries.versionAt(connection, ledgerId, accountId, to.minusNanos(1_000));
            Map<EntryKind, long[]> byKind = new EnumMap<>(EntryKind.class);
            if (high > low) {
                try (var ps = connection.prepareStatement("SELECT e.kind, p.side, sum(p.posted_amount) AS posted FROM postings p "
                        + "JOIN entries e ON e.ledger_id = p.ledger_id AND e.seq = p.entry_seq WHERE " + LedgerQueries.VERSION_RANGE
                        + " GROUP BY e.kind, p.side")) {
                    LedgerQueries.bindVersionRange(ps, 1, ledgerId, accountId, low, high);
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            var sums = byKind.computeIfAbsent(EntryKind.valueOf(rs.getString("kind")), k -> new long[2]);
                            sums[Side.valueOf(rs.getString("side")) == Side.DEBIT ? 0 : 1] = rs.getLong("posted");
                        }
                    }
                }
            }
            return new Sums(LedgerQueries.balanceAtVersion(connection, ledgerId, accountId, low),
                    LedgerQueries.balanceAtVersion(connection, ledgerId, accountId, high), byKind);
        });
    }

}
