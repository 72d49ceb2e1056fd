package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.EventCodec;
import dev.creditledger.kafka.UndecodableEventException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a record's value into an event the read models can apply: strict UTF-8, the strict codec, and
 * the few facts the models rely on (the header's account is the account opened, or one the entry
 * touches). Anything else is an {@link UndecodableEventException} naming the problem, which the
 * projector dead-letters instead of guessing.
 */
final class RecordDecoder {
    private RecordDecoder() {}

    static LedgerEvent decode(byte[] value) {
        if (value == null) {
            throw new UndecodableEventException("the record has no value");
        }
        String payload;
        try {
            payload = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new UndecodableEventException("the payload is not UTF-8");
        }
        var event = EventCodec.decode(payload);
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
