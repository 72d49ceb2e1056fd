package dev.creditledger.kafka;

import dev.creditledger.core.Account;
import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Balance;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.GrantChange;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.IsoInstants;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads one event from Jackson's token stream straight into a {@link LedgerEvent}, with no tree: the loop behind
 * {@link EventCodec}'s decoding. Fields may come in any order; unknown ones, objects and arrays included, are
 * skipped; JSON {@code null} is the same as an absent field. A required field missing, a value of the wrong JSON
 * type, or a string that is not the UUID, instant or name it should be is an {@link UndecodableEventException}
 * naming the field. Syntax errors are Jackson's exceptions, which the codec reports as "not JSON".
 *
 * The body ({@code account}, {@code entry} or {@code alert}) is built with the header's ledger, sequence and
 * account, so it is read as it arrives once the header is complete, which is always so for what {@code EventJson}
 * writes. A body that arrives earlier is skipped, and read in a second pass over the payload with the header
 * known. A body the event's type does not use is skipped like any unknown field.
 *
 * Problems are reported as they are met, so a payload with several may be refused for another of them than the
 * tree decoder this replaced named first; the schema version and the type are checked as soon as they are read.
 */
final class EventReader {
    private final JsonParser parser;
    /** The header a first pass has read, or null in the first pass. */
    private final EventHeader knownHeader;

    private UUID eventId;
    private String typeName;
    private boolean schemaVersionRead;
    private UUID ledgerId;
    private Long ledgerSeq;
    private Instant occurredAt;
    private UUID accountId;
    private EventHeader header;
    private LedgerEvent event;

    private EventReader(JsonParser parser, EventHeader knownHeader) {
        this.parser = parser;
        this.knownHeader = knownHeader;
    }

    /**
     * Reads the event in the payload, and refuses anything but white space after it.
     *
     * @param payload opens a new parser over the whole payload; a second is opened only if the body came early
     */
    static LedgerEvent read(Supplier<JsonParser> payload) {
        EventReader first;
        try (var parser = payload.get()) {
            first = new EventReader(parser, null);
            first.readRoot();
            var trailing = parser.nextToken();
            if (trailing != null) {
                throw new UndecodableEventException("the payload is not JSON: " + trailing + " after the event's object");
            }
        }
        var header = first.completeHeader();
        if (header.type() == EventType.ACCOUNT_CLOSED) {
            return new LedgerEvent.AccountClosed(header, header.accountId());
        }
        if (first.event != null) {
            return first.event;
        }
        try (var parser = payload.get()) {
            var second = new EventReader(parser, header);
            second.readRoot();
            if (second.event == null) {
                throw new UndecodableEventException(bodyName(header.type()) + " is missing");
            }
            return second.event;
        }
    }

    private void readRoot() {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new UndecodableEventException("the payload is not a JSON object");
        }
        String name;
        while ((name = nextField()) != null) {
            switch (name) {
                case "eventId" -> eventId = uuid(name);
                case "type" -> typeName = text(name);
                case "schemaVersion" -> {
                    long version = required(integer(name), name);
                    if (version != EventType.SCHEMA_VERSION) {
                        throw new UndecodableEventException("schemaVersion " + version + " is not " + EventType.SCHEMA_VERSION);
                    }
                    schemaVersionRead = true;
                }
                case "ledgerId" -> ledgerId = uuid(name);
                case "ledgerSeq" -> ledgerSeq = integer(name);
                case "occurredAt" -> occurredAt = instant(name);
                case "accountId" -> accountId = uuid(name);
                case "account", "entry", "alert" -> {
                    var headerSoFar = headerSoFar();
                    if (headerSoFar != null && name.equals(bodyName(headerSoFar.type()))) {
                        event = body(headerSoFar);
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    /** The header once all its fields are read (in a second pass, the one the first read), or null before. */
    private EventHeader headerSoFar() {
        if (knownHeader != null) {
            return knownHeader;
        }
        if (header == null && schemaVersionRead && typeName != null && eventId != null && ledgerId != null && ledgerSeq != null
                && occurredAt != null && accountId != null) {
            header = completeHeader();
        }
        return header;
    }

    /** The header, or an exception naming the first of its fields missing, in the order the tree decoder checked them. */
    private EventHeader completeHeader() {
        if (!schemaVersionRead) {
            throw missing("schemaVersion");
        }
        EventType type;
        try {
            type = EventType.ofTypeName(required(typeName, "type"));
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(e.getMessage());
        }
        return new EventHeader(required(eventId, "eventId"), type, required(ledgerId, "ledgerId"), required(ledgerSeq, "ledgerSeq"),
                required(occurredAt, "occurredAt"), required(accountId, "accountId"));
    }

    /** The field holding the body of an event of this type; null for a type without a body. */
    private static String bodyName(EventType type) {
        return switch (type) {
            case ACCOUNT_OPENED -> "account";
            case ACCOUNT_CLOSED -> null;
            case BALANCE_THRESHOLD_CROSSED -> "alert";
            case TRANSFER_POSTED, HOLD_PLACED, HOLD_CAPTURED, HOLD_VOIDED, HOLD_EXPIRED, TRANSFER_REVERSED, GRANT_ISSUED,
                 GRANT_EXPIRED, ESCROW_FUNDED, ESCROW_RELEASED, ESCROW_REFUNDED, USAGE_RECORDED, ENTRY_POSTED -> "entry";
        };
    }

    private LedgerEvent body(EventHeader header) {
        return switch (header.type()) {
            case ACCOUNT_OPENED -> new LedgerEvent.AccountOpened(header, account(header));
            case ACCOUNT_CLOSED -> throw new IllegalStateException("an account.closed event has no body");
            case BALANCE_THRESHOLD_CROSSED -> thresholdCrossed(header);
            case TRANSFER_POSTED, HOLD_PLACED, HOLD_CAPTURED, HOLD_VOIDED, HOLD_EXPIRED, TRANSFER_REVERSED, GRANT_ISSUED,
                 GRANT_EXPIRED, ESCROW_FUNDED, ESCROW_RELEASED, ESCROW_REFUNDED, USAGE_RECORDED, ENTRY_POSTED -> {
                var entry = entry(header);
                if (EventType.of(entry.kind()) != header.type()) {
                    throw new UndecodableEventException("type " + header.type().typeName() + " does not match entry.kind " + entry.kind());
                }
                yield new LedgerEvent.EntryPosted(header, entry);
            }
        };
    }

    private Account account(EventHeader header) {
        requireObject("account");
        UUID id = null;
        String code = null;
        String asset = null;
        Side normalSide = null;
        Long overdraftLimitMinor = null;
        Map<String, String> metadata = null;
        Instant createdAt = null;
        String name;
        while ((name = nextField()) != null) {
            switch (name) {
                case "id" -> id = uuid(name);
                case "code" -> code = text(name);
                case "asset" -> asset = text(name);
                case "normalSide" -> normalSide = side(name);
                case "overdraftLimitMinor" -> overdraftLimitMinor = integer(name);
                case "metadata" -> metadata = metadata(name);
                case "createdAt" -> createdAt = instant(name);
                default -> parser.skipChildren();
            }
        }
        return new Account(required(id, "id"), header.ledgerId(), code, required(asset, "asset"), required(normalSide, "normalSide"),
                overdraftLimitMinor, required(metadata, "metadata"), required(createdAt, "createdAt"), header.ledgerSeq());
    }

    private Entry entry(EventHeader header) {
        requireObject("entry");
        UUID id = null;
        EntryKind kind = null;
        UUID fromAccountId = null;
        UUID toAccountId = null;
        Long amountMinor = null;
        String asset = null;
        UUID referenceId = null;
        Instant expiresAt = null;
        Map<String, String> metadata = null;
        Instant createdAt = null;
        List<Posting> postings = null;
        List<GrantChange> grantChanges = null;
        List<BalanceAlert> balanceAlerts = null;
        String name;
        while ((name = nextField()) != null) {
            switch (name) {
                case "id" -> id = uuid(name);
                case "kind" -> kind = entryKind(name);
                case "fromAccountId" -> fromAccountId = uuid(name);
                case "toAccountId" -> toAccountId = uuid(name);
                case "amountMinor" -> amountMinor = integer(name);
                case "asset" -> asset = text(name);
                case "referenceId" -> referenceId = uuid(name);
                case "expiresAt" -> expiresAt = instant(name);
                case "metadata" -> metadata = metadata(name);
                case "createdAt" -> createdAt = instant(name);
                case "postings" -> postings = postings(name);
                case "grantChanges" -> grantChanges = grantChanges(name);
                case "balanceAlerts" -> balanceAlerts = balanceAlerts(name);
                default -> parser.skipChildren();
            }
        }
        // Events written before grants and alert thresholds existed have neither list: they changed and crossed none.
        return new Entry(required(id, "id"), header.ledgerId(), header.ledgerSeq(), required(kind, "kind"), fromAccountId, toAccountId,
                required(amountMinor, "amountMinor"), asset, referenceId, expiresAt, required(metadata, "metadata"),
                required(createdAt, "createdAt"), required(postings, "postings"), grantChanges == null ? List.of() : grantChanges,
                balanceAlerts == null ? List.of() : balanceAlerts);
    }

    private List<Posting> postings(String name) {
        if (!startArray(name)) {
            return null;
        }
        List<Posting> postings = new ArrayList<>(2);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            requireObject(name + "[]");
            UUID accountId = null;
            String asset = null;
            Side side = null;
            Long postedMinor = null;
            Long pendingDeltaMinor = null;
            Balance balanceAfter = null;
            Long accountVersion = null;
            String field;
            while ((field = nextField()) != null) {
                switch (field) {
                    case "accountId" -> accountId = uuid(field);
                    case "asset" -> asset = text(field);
                    case "side" -> side = side(field);
                    case "postedMinor" -> postedMinor = integer(field);
                    case "pendingDeltaMinor" -> pendingDeltaMinor = integer(field);
                    case "balanceAfter" -> balanceAfter = balance(field);
                    case "accountVersion" -> accountVersion = integer(field);
                    default -> parser.skipChildren();
                }
            }
            postings.add(new Posting(required(accountId, "accountId"), required(asset, "asset"), required(side, "side"),
                    required(postedMinor, "postedMinor"), required(pendingDeltaMinor, "pendingDeltaMinor"),
                    required(balanceAfter, "balanceAfter"), required(accountVersion, "accountVersion")));
        }
        return postings;
    }

    private Balance balance(String name) {
        if (!startObject(name)) {
            return null;
        }
        Long debitsPosted = null;
        Long creditsPosted = null;
        Long debitsPending = null;
        Long creditsPending = null;
        String field;
        while ((field = nextField()) != null) {
            switch (field) {
                case "debitsPosted" -> debitsPosted = integer(field);
                case "creditsPosted" -> creditsPosted = integer(field);
                case "debitsPending" -> debitsPending = integer(field);
                case "creditsPending" -> creditsPending = integer(field);
                default -> parser.skipChildren();
            }
        }
        return new Balance(required(debitsPosted, "debitsPosted"), required(creditsPosted, "creditsPosted"),
                required(debitsPending, "debitsPending"), required(creditsPending, "creditsPending"));
    }

    private List<GrantChange> grantChanges(String name) {
        if (!startArray(name)) {
            return null;
        }
        List<GrantChange> changes = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            requireObject(name + "[]");
            UUID grantId = null;
            UUID accountId = null;
            GrantChangeKind kind = null;
            Long amountMinor = null;
            String field;
            while ((field = nextField()) != null) {
                switch (field) {
                    case "grantId" -> grantId = uuid(field);
                    case "accountId" -> accountId = uuid(field);
                    case "kind" -> kind = grantChangeKind(field);
                    case "amountMinor" -> amountMinor = integer(field);
                    default -> parser.skipChildren();
                }
            }
            changes.add(new GrantChange(required(grantId, "grantId"), required(accountId, "accountId"), required(kind, "kind"),
                    required(amountMinor, "amountMinor")));
        }
        return changes;
    }

    private List<BalanceAlert> balanceAlerts(String name) {
        if (!startArray(name)) {
            return null;
        }
        List<BalanceAlert> alerts = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            requireObject(name + "[]");
            UUID accountId = null;
            var crossing = new Crossing();
            String field;
            while ((field = nextField()) != null) {
                if (field.equals("accountId")) {
                    accountId = uuid(field);
                } else if (!crossing.read(field)) {
                    parser.skipChildren();
                }
            }
            alerts.add(crossing.alert(required(accountId, "accountId")));
        }
        return alerts;
    }

    private LedgerEvent thresholdCrossed(EventHeader header) {
        requireObject("alert");
        UUID entryId = null;
        EntryKind entryKind = null;
        String asset = null;
        var crossing = new Crossing();
        String name;
        while ((name = nextField()) != null) {
            switch (name) {
                case "entryId" -> entryId = uuid(name);
                case "entryKind" -> entryKind = entryKind(name);
                case "asset" -> asset = text(name);
                default -> {
                    if (!crossing.read(name)) {
                        parser.skipChildren();
                    }
                }
            }
        }
        return new LedgerEvent.BalanceThresholdCrossed(header, required(entryId, "entryId"), required(entryKind, "entryKind"),
                required(asset, "asset"), crossing.alert(header.accountId()));
    }

    /** What an alert says in both places it is read: the threshold, the direction, the balance before and after. */
    private final class Crossing {
        private Long thresholdMinor;
        private AlertDirection direction;
        private BigInteger availableBeforeMinor;
        private BigInteger availableAfterMinor;

        /** Reads the current field if it is one of the crossing's; false if it is not. */
        boolean read(String name) {
            switch (name) {
                case "thresholdMinor" -> thresholdMinor = integer(name);
                case "direction" -> direction = direction(name);
                case "availableBeforeMinor" -> availableBeforeMinor = bigInteger(name);
                case "availableAfterMinor" -> availableAfterMinor = bigInteger(name);
                default -> {
                    return false;
                }
            }
            return true;
        }

        BalanceAlert alert(UUID accountId) {
            return new BalanceAlert(accountId, required(thresholdMinor, "thresholdMinor"), required(direction, "direction"),
                    required(availableBeforeMinor, "availableBeforeMinor"), required(availableAfterMinor, "availableAfterMinor"));
        }
    }

    private Map<String, String> metadata(String name) {
        if (!startObject(name)) {
            return null;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        String key;
        while ((key = nextField()) != null) {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw new UndecodableEventException("metadata." + key + " is not a string");
            }
            metadata.put(key, parser.getString());
        }
        return metadata;
    }

    // The value readers below read the current token as the field's value: null for JSON null, else the value or an
    // exception naming the field. Whether a null is allowed is for the caller to say, with required().

    private String text(String name) {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> parser.getString();
            case VALUE_NULL -> null;
            default -> throw new UndecodableEventException(name + " is not a string");
        };
    }

    private Long integer(String name) {
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new UndecodableEventException(name + " is not a 64-bit integer");
                }
                yield parser.getLongValue();
            }
            case VALUE_NULL -> null;
            default -> throw new UndecodableEventException(name + " is not a 64-bit integer");
        };
    }

    private BigInteger bigInteger(String name) {
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT -> parser.getBigIntegerValue();
            case VALUE_NULL -> null;
            default -> throw new UndecodableEventException(name + " is not an integer");
        };
    }

    private UUID uuid(String name) {
        var text = text(name);
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " is not a UUID");
        }
    }

    private Instant instant(String name) {
        var text = text(name);
        try {
            return text == null ? null : IsoInstants.parse(text);
        } catch (DateTimeParseException e) {
            throw new UndecodableEventException(name + " is not an ISO-8601 instant");
        }
    }

    private Side side(String name) {
        var text = text(name);
        try {
            return text == null ? null : Side.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " is not DEBIT or CREDIT");
        }
    }

    private EntryKind entryKind(String name) {
        var text = text(name);
        try {
            return text == null ? null : EntryKind.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " \"" + text + "\" is not an entry kind");
        }
    }

    private GrantChangeKind grantChangeKind(String name) {
        var text = text(name);
        try {
            return text == null ? null : GrantChangeKind.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException("grantChanges." + name + " \"" + text + "\" is not a grant change kind");
        }
    }

    private AlertDirection direction(String name) {
        var text = text(name);
        try {
            return text == null ? null : AlertDirection.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " \"" + text + "\" is not DOWN or UP");
        }
    }

    /** Moves to the next field's value and returns its name, or returns null at the end of the object. */
    private String nextField() {
        var name = parser.nextName();
        if (name != null) {
            parser.nextToken();
        }
        return name;
    }

    /** Whether the current value is an object (then its fields come next), false for JSON null, else an exception. */
    private boolean startObject(String name) {
        return switch (parser.currentToken()) {
            case START_OBJECT -> true;
            case VALUE_NULL -> false;
            default -> throw new UndecodableEventException(name + " is not an object");
        };
    }

    private void requireObject(String name) {
        if (!startObject(name)) {
            throw missing(name);
        }
    }

    /** Whether the current value is an array (then its elements come next), false for JSON null, else an exception. */
    private boolean startArray(String name) {
        return switch (parser.currentToken()) {
            case START_ARRAY -> true;
            case VALUE_NULL -> false;
            default -> throw new UndecodableEventException(name + " is not an array");
        };
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw missing(name);
        }
        return value;
    }

    private static UndecodableEventException missing(String name) {
        return new UndecodableEventException(name + " is missing");
    }
}
