package dev.creditledger.core.events;

import dev.creditledger.core.Account;
import dev.creditledger.core.Balance;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.GrantChange;
import dev.creditledger.core.IsoInstants;
import dev.creditledger.core.JsonText;
import dev.creditledger.core.Posting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON payload of every event: the one place its fields are written (docs/events.md documents them
 * and the codec in ledger-kafka reads them back; a round-trip test keeps the three in step).
 *
 * Field order is fixed and metadata keys are sorted, so the same event always encodes to the same bytes.
 * Amounts are JSON integers in minor units; times are ISO-8601 UTC with microseconds at most; absent
 * optional values are written as {@code null}.
 */
public final class EventJson {
    private EventJson() {}

    public static String encode(LedgerEvent event) {
        return encode(event, new IdentityHashMap<>());
    }

    /**
     * Encodes several events; the copies of one entry (events holding the same {@link Entry} object, as
     * {@link LedgerEvents#of(Entry)} makes them) share the encoding of the entry, which is most of each.
     */
    public static List<String> encodeAll(List<LedgerEvent> events) {
        Map<Entry, String> entries = new IdentityHashMap<>();
        List<String> encoded = new ArrayList<>(events.size());
        for (var event : events) {
            encoded.add(encode(event, entries));
        }
        return encoded;
    }

    private static String encode(LedgerEvent event, Map<Entry, String> entries) {
        var json = new StringBuilder(1024);
        var h = event.header();
        json.append('{');
        field(json, "eventId", h.eventId()).append(',');
        field(json, "type", h.type().typeName()).append(',');
        name(json, "schemaVersion").append(EventType.SCHEMA_VERSION).append(',');
        field(json, "ledgerId", h.ledgerId()).append(',');
        name(json, "ledgerSeq").append(h.ledgerSeq()).append(',');
        field(json, "occurredAt", h.occurredAt()).append(',');
        field(json, "accountId", h.accountId());
        switch (event) {
            case LedgerEvent.AccountOpened opened -> account(json.append(','), opened.account());
            case LedgerEvent.AccountClosed closed -> { }
            case LedgerEvent.EntryPosted posted -> json.append(',').append(entries.computeIfAbsent(posted.entry(), EventJson::entry));
            case LedgerEvent.BalanceThresholdCrossed crossed -> alert(json.append(','), crossed);
        }
        return json.append('}').toString();
    }

    private static void account(StringBuilder json, Account a) {
        name(json, "account").append('{');
        field(json, "id", a.id()).append(',');
        field(json, "code", a.code()).append(',');
        field(json, "asset", a.asset()).append(',');
        field(json, "normalSide", a.normalSide().name()).append(',');
        name(json, "overdraftLimitMinor").append(a.overdraftLimitMinor() == null ? "null" : a.overdraftLimitMinor().toString()).append(',');
        metadata(json, a.metadata()).append(',');
        field(json, "createdAt", a.createdAt());
        json.append('}');
    }

    private static void alert(StringBuilder json, LedgerEvent.BalanceThresholdCrossed crossed) {
        var a = crossed.alert();
        name(json, "alert").append('{');
        field(json, "entryId", crossed.entryId()).append(',');
        field(json, "entryKind", crossed.entryKind().name()).append(',');
        field(json, "asset", crossed.asset()).append(',');
        crossing(json, a).append('}');
    }

    private static String entry(Entry e) {
        var json = new StringBuilder(768);
        name(json, "entry").append('{');
        field(json, "id", e.id()).append(',');
        field(json, "kind", e.kind().name()).append(',');
        field(json, "fromAccountId", e.fromAccountId()).append(',');
        field(json, "toAccountId", e.toAccountId()).append(',');
        name(json, "amountMinor").append(e.amountMinor()).append(',');
        field(json, "asset", e.asset()).append(',');
        field(json, "referenceId", e.referenceId()).append(',');
        field(json, "expiresAt", e.expiresAt()).append(',');
        metadata(json, e.metadata()).append(',');
        field(json, "createdAt", e.createdAt()).append(',');
        name(json, "postings").append('[');
        for (int i = 0; i < e.postings().size(); i++) {
            posting(json.append(i == 0 ? "" : ","), e.postings().get(i));
        }
        json.append("],");
        name(json, "grantChanges").append('[');
        for (int i = 0; i < e.grantChanges().size(); i++) {
            grantChange(json.append(i == 0 ? "" : ","), e.grantChanges().get(i));
        }
        json.append("],");
        name(json, "balanceAlerts").append('[');
        for (int i = 0; i < e.balanceAlerts().size(); i++) {
            balanceAlert(json.append(i == 0 ? "" : ","), e.balanceAlerts().get(i));
        }
        return json.append("]}").toString();
    }

    private static void balanceAlert(StringBuilder json, BalanceAlert a) {
        json.append('{');
        field(json, "accountId", a.accountId()).append(',');
        crossing(json, a).append('}');
    }

    /** What an alert says in both places it is written: the threshold, the direction, the balance before and after. */
    private static StringBuilder crossing(StringBuilder json, BalanceAlert a) {
        name(json, "thresholdMinor").append(a.thresholdMinor()).append(',');
        field(json, "direction", a.direction().name()).append(',');
        name(json, "availableBeforeMinor").append(a.availableBefore()).append(',');
        return name(json, "availableAfterMinor").append(a.availableAfter());
    }

    private static void grantChange(StringBuilder json, GrantChange c) {
        json.append('{');
        field(json, "grantId", c.grantId()).append(',');
        field(json, "accountId", c.accountId()).append(',');
        field(json, "kind", c.kind().name()).append(',');
        name(json, "amountMinor").append(c.amountMinor());
        json.append('}');
    }

    private static void posting(StringBuilder json, Posting p) {
        json.append('{');
        field(json, "accountId", p.accountId()).append(',');
        field(json, "asset", p.asset()).append(',');
        field(json, "side", p.side().name()).append(',');
        name(json, "postedMinor").append(p.postedMinor()).append(',');
        name(json, "pendingDeltaMinor").append(p.pendingDeltaMinor()).append(',');
        name(json, "accountVersion").append(p.accountVersion()).append(',');
        balance(json, p.balanceAfter());
        json.append('}');
    }

    private static void balance(StringBuilder json, Balance b) {
        name(json, "balanceAfter").append('{');
        name(json, "debitsPosted").append(b.debitsPosted()).append(',');
        name(json, "creditsPosted").append(b.creditsPosted()).append(',');
        name(json, "debitsPending").append(b.debitsPending()).append(',');
        name(json, "creditsPending").append(b.creditsPending());
        json.append('}');
    }

    private static StringBuilder metadata(StringBuilder json, Map<String, String> metadata) {
        return JsonText.object(name(json, "metadata"), metadata);
    }

    /** A text field: escaped, since codes, assets and metadata come from users. */
    private static StringBuilder field(StringBuilder json, String name, String value) {
        name(json, name);
        return value == null ? json.append("null") : JsonText.string(json, value);
    }

    /** A UUID field: hex digits and dashes, nothing to escape. */
    private static StringBuilder field(StringBuilder json, String name, UUID value) {
        name(json, name);
        return value == null ? json.append("null") : json.append('"').append(value).append('"');
    }

    /** An instant field, as {@link Instant#toString()} writes it: digits and ISO-8601 punctuation, nothing to escape. */
    private static StringBuilder field(StringBuilder json, String name, Instant value) {
        name(json, name);
        return value == null ? json.append("null") : IsoInstants.append(json.append('"'), value).append('"');
    }

    /** A field name: every name is a constant of this class in plain ASCII letters, so it is written without an escape scan. */
    private static StringBuilder name(StringBuilder json, String name) {
        return json.append('"').append(name).append("\":");
    }
}
