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
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference model of {@link EventCodec}'s streaming decoder: the tree decoder it replaced, kept as it was (a
 * Jackson {@code JsonNode} tree, then a walk over it) so that tests can drive both with the same payloads and
 * compare. Slow and obviously faithful to the schema, which is what a reference should be. It lets the last of
 * duplicate fields win, where the streaming decoder refuses them.
 */
final class TreeEventDecoder {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TreeEventDecoder() {}

    static LedgerEvent decode(String payload) {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JacksonException e) {
            throw new UndecodableEventException("the payload is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UndecodableEventException("the payload is not a JSON object");
        }
        long version = integer(root, "schemaVersion");
        if (version != EventType.SCHEMA_VERSION) {
            throw new UndecodableEventException("schemaVersion " + version + " is not " + EventType.SCHEMA_VERSION);
        }
        EventType type;
        try {
            type = EventType.ofTypeName(text(root, "type"));
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(e.getMessage());
        }
        var header = new EventHeader(uuid(root, "eventId"), type, uuid(root, "ledgerId"), integer(root, "ledgerSeq"),
                instant(root, "occurredAt"), uuid(root, "accountId"));
        return switch (type) {
            case ACCOUNT_OPENED -> new LedgerEvent.AccountOpened(header, account(object(root, "account"), header));
            case ACCOUNT_CLOSED -> new LedgerEvent.AccountClosed(header, header.accountId());
            case BALANCE_THRESHOLD_CROSSED -> thresholdCrossed(object(root, "alert"), header);
            default -> {
                var entry = entry(object(root, "entry"), header);
                if (EventType.of(entry.kind()) != type) {
                    throw new UndecodableEventException("type " + type.typeName() + " does not match entry.kind " + entry.kind());
                }
                yield new LedgerEvent.EntryPosted(header, entry);
            }
        };
    }

    private static Account account(JsonNode a, EventHeader header) {
        return new Account(uuid(a, "id"), header.ledgerId(), nullableText(a, "code"), text(a, "asset"),
                side(a, "normalSide"), nullableInteger(a, "overdraftLimitMinor"), metadata(a), instant(a, "createdAt"),
                header.ledgerSeq());
    }

    private static Entry entry(JsonNode e, EventHeader header) {
        List<Posting> postings = new ArrayList<>();
        for (var p : array(e, "postings")) {
            var b = object(p, "balanceAfter");
            postings.add(new Posting(uuid(p, "accountId"), text(p, "asset"), side(p, "side"), integer(p, "postedMinor"),
                    integer(p, "pendingDeltaMinor"),
                    new Balance(integer(b, "debitsPosted"), integer(b, "creditsPosted"), integer(b, "debitsPending"),
                            integer(b, "creditsPending")),
                    integer(p, "accountVersion")));
        }
        EntryKind kind = entryKind(e, "kind");
        return new Entry(uuid(e, "id"), header.ledgerId(), header.ledgerSeq(), kind, nullableUuid(e, "fromAccountId"),
                nullableUuid(e, "toAccountId"), integer(e, "amountMinor"), nullableText(e, "asset"),
                nullableUuid(e, "referenceId"), nullableInstant(e, "expiresAt"), metadata(e), instant(e, "createdAt"), postings,
                grantChanges(e), balanceAlerts(e));
    }

    private static LedgerEvent thresholdCrossed(JsonNode a, EventHeader header) {
        EntryKind kind = entryKind(a, "entryKind");
        return new LedgerEvent.BalanceThresholdCrossed(header, uuid(a, "entryId"), kind, text(a, "asset"),
                balanceAlert(a, header.accountId()));
    }

    private static BalanceAlert balanceAlert(JsonNode a, UUID accountId) {
        AlertDirection direction;
        try {
            direction = AlertDirection.valueOf(text(a, "direction"));
        } catch (IllegalArgumentException unknown) {
            throw new UndecodableEventException("direction " + a.get("direction") + " is not DOWN or UP");
        }
        return new BalanceAlert(accountId, integer(a, "thresholdMinor"), direction, bigInteger(a, "availableBeforeMinor"),
                bigInteger(a, "availableAfterMinor"));
    }

    /** Events written before alert thresholds existed have no balanceAlerts field: they crossed none. */
    private static List<BalanceAlert> balanceAlerts(JsonNode e) {
        var node = e.get("balanceAlerts");
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<BalanceAlert> alerts = new ArrayList<>();
        for (var a : array(e, "balanceAlerts")) {
            alerts.add(balanceAlert(a, uuid(a, "accountId")));
        }
        return alerts;
    }

    private static EntryKind entryKind(JsonNode parent, String name) {
        try {
            return EntryKind.valueOf(text(parent, name));
        } catch (IllegalArgumentException unknown) {
            throw new UndecodableEventException(name + " " + parent.get(name) + " is not an entry kind");
        }
    }

    /** Events written before grants existed have no grantChanges field: they changed no grant. */
    private static List<GrantChange> grantChanges(JsonNode e) {
        var node = e.get("grantChanges");
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<GrantChange> changes = new ArrayList<>();
        for (var c : array(e, "grantChanges")) {
            GrantChangeKind kind;
            try {
                kind = GrantChangeKind.valueOf(text(c, "kind"));
            } catch (IllegalArgumentException unknown) {
                throw new UndecodableEventException("grantChanges.kind " + c.get("kind") + " is not a grant change kind");
            }
            changes.add(new GrantChange(uuid(c, "grantId"), uuid(c, "accountId"), kind, integer(c, "amountMinor")));
        }
        return changes;
    }

    private static Map<String, String> metadata(JsonNode parent) {
        var node = object(parent, "metadata");
        Map<String, String> metadata = new LinkedHashMap<>();
        for (var field : node.properties()) {
            if (!field.getValue().isString()) {
                throw new UndecodableEventException("metadata." + field.getKey() + " is not a string");
            }
            metadata.put(field.getKey(), field.getValue().asString());
        }
        return metadata;
    }

    private static JsonNode required(JsonNode parent, String name) {
        var node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new UndecodableEventException(name + " is missing");
        }
        return node;
    }

    private static JsonNode object(JsonNode parent, String name) {
        var node = required(parent, name);
        if (!node.isObject()) {
            throw new UndecodableEventException(name + " is not an object");
        }
        return node;
    }

    private static JsonNode array(JsonNode parent, String name) {
        var node = required(parent, name);
        if (!node.isArray()) {
            throw new UndecodableEventException(name + " is not an array");
        }
        return node;
    }

    private static String text(JsonNode parent, String name) {
        var node = required(parent, name);
        if (!node.isString()) {
            throw new UndecodableEventException(name + " is not a string");
        }
        return node.asString();
    }

    private static String nullableText(JsonNode parent, String name) {
        var node = parent.get(name);
        return node == null || node.isNull() ? null : text(parent, name);
    }

    private static long integer(JsonNode parent, String name) {
        var node = required(parent, name);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new UndecodableEventException(name + " is not a 64-bit integer");
        }
        return node.asLong();
    }

    private static BigInteger bigInteger(JsonNode parent, String name) {
        var node = required(parent, name);
        if (!node.isIntegralNumber()) {
            throw new UndecodableEventException(name + " is not an integer");
        }
        return node.bigIntegerValue();
    }

    private static Long nullableInteger(JsonNode parent, String name) {
        var node = parent.get(name);
        return node == null || node.isNull() ? null : integer(parent, name);
    }

    private static UUID uuid(JsonNode parent, String name) {
        try {
            return UUID.fromString(text(parent, name));
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " is not a UUID");
        }
    }

    private static UUID nullableUuid(JsonNode parent, String name) {
        var node = parent.get(name);
        return node == null || node.isNull() ? null : uuid(parent, name);
    }

    private static Instant instant(JsonNode parent, String name) {
        try {
            return Instant.parse(text(parent, name));
        } catch (java.time.format.DateTimeParseException e) {
            throw new UndecodableEventException(name + " is not an ISO-8601 instant");
        }
    }

    private static Instant nullableInstant(JsonNode parent, String name) {
        var node = parent.get(name);
        return node == null || node.isNull() ? null : instant(parent, name);
    }

    private static Side side(JsonNode parent, String name) {
        try {
            return Side.valueOf(text(parent, name));
        } catch (IllegalArgumentException e) {
            throw new UndecodableEventException(name + " is not DEBIT or CREDIT");
        }
    }
}
