package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Posts commands to one ledger through the real engine, insists that each is accepted, and derives from
 * the engine's answers the events the relay should publish (independently of the journal's tables).
 */
final class LedgerScript {
    private static final IdGenerator ids = new IdGenerator(Clock.systemUTC());

    private final PostgresPostingEngine engine;
    final UUID ledgerId;
    /** Events derivable from the answers: accounts opened and entries, by event id. */
    final Map<UUID, LedgerEvent> expected = new LinkedHashMap<>();
    /** Accounts closed, by event id (the close time is the batch's, which the answer does not carry). */
    final Map<UUID, UUID> closed = new LinkedHashMap<>();

    LedgerScript(PostgresPostingEngine engine, UUID ledgerId) {
        this.engine = engine;
        this.ledgerId = ledgerId;
    }

    PostedResult post(Command command, String traceparent) {
        var result = engine.submit(new Submission(List.of(new Request(ledgerId, null, command)), false, traceparent))
                .join().getFirst();
        assertThat(result.result()).as("result of %s", command).isInstanceOf(CommandResult.Accepted.class);
        var seq = ((CommandResult.Accepted) result.result()).seq();
        switch (command) {
            case Command.CreateAccount c -> {
                var account = result.account();
                var event = new LedgerEvent.AccountOpened(EventHeader.of(EventType.ACCOUNT_OPENED, ledgerId, seq,
                        account.createdAt(), account.id()), account);
                expected.put(event.header().eventId(), event);
            }
            case Command.CloseAccount c -> closed.put(EventHeader.eventId(ledgerId, seq, c.accountId()), c.accountId());
            default -> {
                LedgerEvents.of(result.entry()).forEach(e -> expected.put(e.header().eventId(), e));
                LedgerEvents.alertsOf(result.entry()).forEach(e -> expected.put(e.header().eventId(), e));
            }
        }
        return result;
    }

    PostedResult post(Command command) {
        return post(command, null);
    }

    UUID openAccount(Long overdraftLimitMinor) {
        var id = ids.next();
        post(new Command.CreateAccount(id, null, "USD", Side.CREDIT, overdraftLimitMinor, Map.of("owner", "test")));
        return id;
    }

    UUID transfer(UUID from, UUID to, long amountMinor) {
        return post(new Command.PostTransfer(ids.next(), from, to, amountMinor, "USD", false, null, Map.of())).entry().id();
    }

    UUID hold(UUID from, UUID to, long amountMinor) {
        return post(new Command.PostTransfer(ids.next(), from, to, amountMinor, "USD", true, null, Map.of())).entry().id();
    }

    static UUID nextId() {
        return ids.next();
    }
}
