package dev.creditledger.core.events;

import dev.creditledger.core.Account;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import java.util.UUID;

/**
 * A committed change of a ledger, as published to the event streams. Every event is read from the journal
 * rows that the change wrote (ADR 0006), so an event exists if and only if its change committed.
 * An entry produces one event per account it touches, each keyed by that account, so that every
 * account's events are complete and in order within each topic. Across topics there is no
 * order; {@code ledgerSeq} and the postings' {@code accountVersion} order them when it matters.
 */
public sealed interface LedgerEvent {

    EventHeader header();

    /** An account was opened. */
    record AccountOpened(EventHeader header, Account account) implements LedgerEvent {}

    /** An account was closed; it accepts no more postings. */
    record AccountClosed(EventHeader header, UUID accountId) implements LedgerEvent {}

    /**
     * A journal entry was written: a transfer, a hold and its resolution, a reversal or a multi-leg entry.
     * The entry carries every posting with the balances after it; {@code header().accountId()} says which
     * account's stream this copy belongs to.
     */
    record EntryPosted(EventHeader header, Entry entry) implements LedgerEvent {}

    /**
     * An entry moved an account's available balance across one of its low-balance alert thresholds
     * ({@link dev.creditledger.core.AlertThresholds}). {@code entryId} and {@code entryKind} name the entry;
     * its full content is in the entry's own events.
     */
    record BalanceThresholdCrossed(EventHeader header, UUID entryId, EntryKind entryKind, String asset, BalanceAlert alert)
            implements LedgerEvent {}
}
