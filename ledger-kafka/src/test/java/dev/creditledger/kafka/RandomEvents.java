package dev.creditledger.kafka;

import dev.creditledger.core.Account;
import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Balance;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.GrantChange;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Seeded random events of every kind {@code EventJson} writes: accounts opened (with and without code and overdraft
 * limit) and closed, entries of every kind with one to four postings, grant changes and balance alerts, and
 * threshold crossings. Strings mix escapes, non-ASCII and astral characters; numbers reach both ends of 64 bits.
 */
final class RandomEvents {
    private static final String[] STRING_PARTS = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "ü", "€", "日本", "😀", "\u2028"};

    private final Random random;

    RandomEvents(long seed) {
        this.random = new Random(seed);
    }

    LedgerEvent next() {
        return switch (random.nextInt(4)) {
            case 0 -> accountOpened();
            case 1 -> accountClosed();
            case 2 -> thresholdCrossed();
            default -> entryPosted();
        };
    }

    LedgerEvent accountOpened() {
        var id = uuid();
        var ledger = uuid();
        long seq = seq();
        var account = new Account(id, ledger, random.nextBoolean() ? null : string(), asset(), side(),
                random.nextBoolean() ? null : (Long) amount(), metadata(), instant(), seq);
        return new LedgerEvent.AccountOpened(EventHeader.of(EventType.ACCOUNT_OPENED, ledger, seq, instant(), id), account);
    }

    LedgerEvent accountClosed() {
        var id = uuid();
        return new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, uuid(), seq(), instant(), id), id);
    }

    LedgerEvent thresholdCrossed() {
        var alert = balanceAlert(uuid());
        var header = EventHeader.ofAlert(uuid(), seq(), instant(), alert.accountId(), alert.thresholdMinor());
        return new LedgerEvent.BalanceThresholdCrossed(header, uuid(), entryKind(), asset(), alert);
    }

    LedgerEvent entryPosted() {
        var kind = entryKind();
        List<Posting> postings = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            postings.add(new Posting(uuid(), asset(), side(), amount(), amount(), new Balance(amount(), amount(), amount(), amount()),
                    1 + random.nextInt(1_000_000)));
        }
        List<GrantChange> grantChanges = new ArrayList<>();
        for (int i = 0, n = random.nextInt(3); i < n; i++) {
            grantChanges.add(new GrantChange(uuid(), uuid(), GrantChangeKind.values()[random.nextInt(GrantChangeKind.values().length)],
                    amount()));
        }
        List<BalanceAlert> balanceAlerts = new ArrayList<>();
        for (int i = 0, n = random.nextInt(3); i < n; i++) {
            balanceAlerts.add(balanceAlert(uuid()));
        }
        var entry = new Entry(uuid(), uuid(), seq(), kind, nullableUuid(), nullableUuid(), amount(), random.nextBoolean() ? null : asset(),
                nullableUuid(), random.nextBoolean() ? null : instant(), metadata(), instant(), postings, grantChanges, balanceAlerts);
        var copies = LedgerEvents.of(entry);
        return copies.get(random.nextInt(copies.size()));
    }

    private BalanceAlert balanceAlert(UUID accountId) {
        return new BalanceAlert(accountId, amount(), random.nextBoolean() ? AlertDirection.DOWN : AlertDirection.UP, bigAmount(),
                bigAmount());
    }

    private EntryKind entryKind() {
        return EntryKind.values()[random.nextInt(EntryKind.values().length)];
    }

    private Side side() {
        return random.nextBoolean() ? Side.DEBIT : Side.CREDIT;
    }

    private UUID uuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    private UUID nullableUuid() {
        return random.nextBoolean() ? null : uuid();
    }

    private long seq() {
        return 1 + (random.nextLong() >>> 1) % 1_000_000_000L;
    }

    /** Small, large, zero, negative, and both ends of a long. */
    private long amount() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> random.nextLong();
            case 4 -> -random.nextInt(10_000);
            default -> random.nextInt(1_000_000);
        };
    }

    /** Balances before and after a crossing can go beyond 64 bits (the sum of several longs). */
    private BigInteger bigAmount() {
        var value = BigInteger.valueOf(amount());
        return random.nextInt(4) == 0 ? value.multiply(BigInteger.TEN.pow(1 + random.nextInt(20))) : value;
    }

    private Instant instant() {
        return Instant.ofEpochSecond(1_600_000_000L + random.nextInt(400_000_000), random.nextInt(1_000_000) * 1_000L)
                .truncatedTo(random.nextBoolean() ? ChronoUnit.SECONDS : ChronoUnit.MICROS);
    }

    private String asset() {
        return random.nextInt(8) == 0 ? string() : List.of("USD", "EUR", "JPY", "credits").get(random.nextInt(4));
    }

    private String string() {
        var text = new StringBuilder();
        for (int i = 0, n = random.nextInt(12); i < n; i++) {
            text.append(STRING_PARTS[random.nextInt(STRING_PARTS.length)]);
        }
        return text.toString();
    }

    private Map<String, String> metadata() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            metadata.put(string(), string());
        }
        return metadata;
    }
}
