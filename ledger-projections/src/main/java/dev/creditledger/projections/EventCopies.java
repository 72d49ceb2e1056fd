package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;

/**
 * How many events share a ledger sequence, read from any one of them: one for an account opened or
 * closed, one per account touched for an entry. The fan-out itself is defined once, in
 * {@link LedgerEvents#of(dev.creditledger.core.Entry)}; this only counts it.
 */
final class EventCopies {
    private EventCopies() {}

    static int expected(LedgerEvent event) {
        return switch (event) {
            case LedgerEvent.AccountOpened opened -> 1;
            case LedgerEvent.AccountClosed closed -> 1;
            case LedgerEvent.EntryPosted posted -> LedgerEvents.of(posted.entry()).size();
            case LedgerEvent.BalanceThresholdCrossed crossed ->
                    throw new IllegalArgumentException("alert events are not journal changes: RecordDecoder refuses them");
        };
    }
}
