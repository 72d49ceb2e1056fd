package dev.creditledger.core.events;

import dev.creditledger.core.BatchOutcome;
import dev.creditledger.core.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Derives the events of a batch from what the state machine produced: one per account opened or closed,
 * one per account an entry touches, and one per alert threshold an entry crossed. Pure and
 * deterministic, so the same journal always yields the same events with the same ids.
 */
public final class LedgerEvents {
    private LedgerEvents() {}

    /** The events of one ledger's part of a batch, in ledger sequence order. */
    public static List<LedgerEvent> of(BatchOutcome outcome) {
        List<LedgerEvent> events = new ArrayList<>();
        for (var account : outcome.createdAccounts()) {
            events.add(new LedgerEvent.AccountOpened(EventHeader.of(EventType.ACCOUNT_OPENED, account.ledgerId(),
                    account.seq(), account.createdAt(), account.id()), account));
        }
        for (var closure : outcome.closedAccounts()) {
            events.add(new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, closure.ledgerId(),
                    closure.seq(), closure.closedAt(), closure.accountId()), closure.accountId()));
        }
        for (var entry : outcome.entries()) {
            events.addAll(of(entry));
            events.addAll(alertsOf(entry));
        }
        events.sort(Comparator.comparingLong(e -> e.header().ledgerSeq()));
        return events;
    }

    /** One event per account the entry touches, in the order of its postings. */
    public static List<LedgerEvent> of(Entry entry) {
        var type = EventType.of(entry.kind());
        var accounts = new LinkedHashSet<UUID>();
        entry.postings().forEach(p -> accounts.add(p.accountId()));
        List<LedgerEvent> events = new ArrayList<>(accounts.size());
        for (var accountId : accounts) {
            events.add(new LedgerEvent.EntryPosted(EventHeader.of(type, entry.ledgerId(), entry.seq(), entry.createdAt(),
                    accountId), entry));
        }
        return events;
    }

    /**
     * One alert event per threshold the entry crossed ({@link Entry#balanceAlerts()}), in that order; they
     * follow the entry's own events in the relay's order for the sequence.
     */
    public static List<LedgerEvent> alertsOf(Entry entry) {
        if (entry.balanceAlerts().isEmpty()) {
            return List.of();
        }
        List<LedgerEvent> events = new ArrayList<>(entry.balanceAlerts().size());
        for (var alert : entry.balanceAlerts()) {
            String asset = entry.postings().stream().filter(p -> p.accountId().equals(alert.accountId()))
                    .findFirst().orElseThrow().asset();
            events.add(new LedgerEvent.BalanceThresholdCrossed(EventHeader.ofAlert(entry.ledgerId(), entry.seq(),
                    entry.createdAt(), alert.accountId(), alert.thresholdMinor()), entry.id(), entry.kind(), asset, alert));
        }
        return events;
    }
}
