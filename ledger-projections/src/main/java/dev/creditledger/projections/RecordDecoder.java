package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.EventCodec;
import dev.creditledger.kafka.UndecodableEventException;

/**
 * Turns a record's value into an event the read models can apply: the strict codec, reading the record's
 * bytes directly (it refuses any that are not UTF-8), and the few facts the models rely on (the header's
 * account is the account opened, or one the entry touches). Anything else is an
 * {@link UndecodableEventException} naming the problem, which the projector dead-letters instead of guessing.
 */
final class RecordDecoder {
    private RecordDecoder() {}

    static LedgerEvent decode(byte[] value) {
        if (value == null) {
            throw new UndecodableEventException("the record has no value");
        }
        var event = EventCodec.decode(value);
        var header = event.header();
        switch (event) {
            case LedgerEvent.AccountOpened opened -> {
                if (!opened.account().id().equals(header.accountId())) {
                    throw new UndecodableEventException("account.id " + opened.account().id() + " is not the header's accountId "
                            + header.accountId());
                }
            }
            case LedgerEvent.AccountClosed closed -> { }
            case LedgerEvent.BalanceThresholdCrossed crossed ->
                    throw new UndecodableEventException("a " + header.type().typeName() + " event belongs on the alert topic, "
                            + "not on a journal topic");
            case LedgerEvent.EntryPosted posted -> {
                if (posted.entry().postings().stream().noneMatch(p -> p.accountId().equals(header.accountId()))) {
                    throw new UndecodableEventException("entry " + posted.entry().id() + " has no posting of the header's accountId "
                            + header.accountId());
                }
                if (posted.entry().postings().stream().anyMatch(p -> p.accountVersion() < 1)) {
                    throw new UndecodableEventException("entry " + posted.entry().id() + " has a posting with accountVersion below 1");
                }
            }
        }
        return event;
    }
}
