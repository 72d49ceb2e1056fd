package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Balance;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The edges of the streaming decoder, each from the bytes (the projector's path) and from a string: what it refuses
 * (with the message naming the problem) that the tree decoder it replaced ({@link TreeEventDecoder}) refused too, and
 * the one deliberate difference, fields given twice.
 */
class EventCodecEdgesTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final UUID LEDGER = UUID.fromString("0192f5a0-0000-7000-8000-000000000001");
    private static final UUID ALICE = UUID.fromString("0192f5a0-0000-7000-8000-00000000000a");
    private static final UUID BOB = UUID.fromString("0192f5a0-0000-7000-8000-00000000000b");
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30.123456Z");

    private static final LedgerEvent TRANSFER = LedgerEvents.of(new Entry(UUID.fromString("0192f5a0-0000-7000-8000-0000000000ee"),
            LEDGER, 3, EntryKind.TRANSFER, ALICE, BOB, 5, "USD", null, null, Map.of("order", "o-1"), AT, List.of(
            new Posting(ALICE, "USD", Side.DEBIT, 5, 0, new Balance(5, 0, 0, 0), 1),
            new Posting(BOB, "USD", Side.CREDIT, 5, 0, new Balance(0, 5, 0, 0), 1)))).getFirst();
    private static final String TRANSFER_JSON = EventCodec.encode(TRANSFER);
    private static final LedgerEvent CROSSED = new LedgerEvent.BalanceThresholdCrossed(
            EventHeader.ofAlert(LEDGER, 4, AT, ALICE, 100), UUID.fromString("0192f5a0-0000-7000-8000-0000000000ef"), EntryKind.TRANSFER,
            "USD", new BalanceAlert(ALICE, 100, AlertDirection.DOWN, BigInteger.valueOf(150), BigInteger.valueOf(50)));

    @Test
    void aFieldGivenTwiceIsRefusedAtEveryDepthWhereTheTreeDecoderLetTheLastWin() {
        for (var twice : List.of(
                TRANSFER_JSON.replace("\"ledgerSeq\":3,", "\"ledgerSeq\":3,\"ledgerSeq\":3,"),
                TRANSFER_JSON.replace("\"side\":\"DEBIT\",", "\"side\":\"DEBIT\",\"side\":\"CREDIT\","),
                TRANSFER_JSON.replace("\"debitsPosted\":5,", "\"debitsPosted\":5,\"debitsPosted\":5,"),
                TRANSFER_JSON.replace("\"order\":\"o-1\"", "\"order\":\"o-1\",\"order\":\"o-2\""),
                TRANSFER_JSON.replace("{\"eventId\"", "{\"note\":1,\"note\":2,\"eventId\""))) {
            assertThat(twice).isNotEqualTo(TRANSFER_JSON);
            assertThat(TreeEventDecoder.decode(twice)).isNotNull();
            assertThatThrownBy(() -> EventCodec.decode(bytes(twice))).isInstanceOf(UndecodableEventException.class)
                    .hasMessageContaining("Duplicate Object property");
            assertThatThrownBy(() -> EventCodec.decode(twice)).hasMessageContaining("Duplicate Object property");
        }
    }

    @Test
    void eachKindOfFieldRefusesAValueOfTheWrongJsonType() {
        record Case(String pointer, String value, String message) {}
        var cases = List.of(
                new Case("/type", "5", "type is not a string"),
                new Case("/eventId", "5", "eventId is not a string"),
                new Case("/eventId", "\"not-a-uuid\"", "eventId is not a UUID"),
                new Case("/occurredAt", "\"yesterday\"", "occurredAt is not an ISO-8601 instant"),
                new Case("/occurredAt", "1732184130", "occurredAt is not a string"),
                new Case("/ledgerSeq", "\"3\"", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "3.0", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "3e0", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "true", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "{}", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "[3]", "ledgerSeq is not a 64-bit integer"),
                new Case("/ledgerSeq", "null", "ledgerSeq is missing"),
                new Case("/schemaVersion", "\"1\"", "schemaVersion is not a 64-bit integer"),
                new Case("/entry", "\"{}\"", "entry is not an object"),
                new Case("/entry", "[]", "entry is not an object"),
                new Case("/entry/asset", "5", "asset is not a string"),
                new Case("/entry/asset", "[\"USD\"]", "asset is not a string"),
                new Case("/entry/kind", "\"TRANSFERS\"", "kind \"TRANSFERS\" is not an entry kind"),
                new Case("/entry/referenceId", "7", "referenceId is not a string"),
                new Case("/entry/expiresAt", "\"soon\"", "expiresAt is not an ISO-8601 instant"),
                new Case("/entry/metadata", "[]", "metadata is not an object"),
                new Case("/entry/metadata/order", "1", "metadata.order is not a string"),
                new Case("/entry/metadata/order", "null", "metadata.order is not a string"),
                new Case("/entry/postings", "{}", "postings is not an array"),
                new Case("/entry/postings/0", "5", "postings[] is not an object"),
                new Case("/entry/postings/0/side", "\"LEFT\"", "side is not DEBIT or CREDIT"),
                new Case("/entry/postings/0/balanceAfter", "[]", "balanceAfter is not an object"),
                new Case("/entry/postings/0/balanceAfter/creditsPending", "false", "creditsPending is not a 64-bit integer"),
                new Case("/entry/grantChanges", "{}", "grantChanges is not an array"),
                new Case("/entry/grantChanges", "[{\"grantId\":\"" + BOB + "\",\"accountId\":\"" + BOB
                        + "\",\"kind\":\"TAKEN\",\"amountMinor\":1}]", "grantChanges.kind \"TAKEN\" is not a grant change kind"),
                new Case("/entry/balanceAlerts", "\"none\"", "balanceAlerts is not an array"),
                new Case("/entry/balanceAlerts", "[{\"accountId\":\"" + BOB + "\",\"thresholdMinor\":1,\"direction\":\"DOWN\","
                        + "\"availableBeforeMinor\":1.5,\"availableAfterMinor\":0}]", "availableBeforeMinor is not an integer"));
        for (var c : cases) {
            assertRefused(with(TRANSFER_JSON, c.pointer(), c.value()), c.message());
        }
    }

    @Test
    void aRequiredFieldMissingIsNamed() {
        for (var pointer : List.of("/schemaVersion", "/type", "/eventId", "/ledgerId", "/ledgerSeq", "/occurredAt", "/accountId", "/entry",
                "/entry/id", "/entry/kind", "/entry/amountMinor", "/entry/metadata", "/entry/createdAt", "/entry/postings",
                "/entry/postings/1/accountId", "/entry/postings/1/balanceAfter", "/entry/postings/1/balanceAfter/debitsPending")) {
            var name = pointer.substring(pointer.lastIndexOf('/') + 1);
            assertRefused(with(TRANSFER_JSON, pointer, null), name + " is missing");
        }
    }

    @Test
    void integersAreSixtyFourBitsExceptTheBalancesAroundACrossing() {
        assertThat(decodeBoth(with(TRANSFER_JSON, "/entry/amountMinor", "9223372036854775807"))).isNotNull();
        assertThat(decodeBoth(with(TRANSFER_JSON, "/entry/amountMinor", "-9223372036854775808"))).isNotNull();
        assertRefused(with(TRANSFER_JSON, "/entry/amountMinor", "9223372036854775808"), "amountMinor is not a 64-bit integer");
        assertRefused(with(TRANSFER_JSON, "/entry/amountMinor", "-9223372036854775809"), "amountMinor is not a 64-bit integer");
        assertRefused(with(TRANSFER_JSON, "/ledgerSeq", "1" + "0".repeat(40)), "ledgerSeq is not a 64-bit integer");
        assertRefused(with(TRANSFER_JSON, "/schemaVersion", "4294967297"), "schemaVersion 4294967297 is not 1");

        var crossed = EventCodec.encode(CROSSED);
        var beyond = "-" + "9".repeat(30);
        var decoded = (LedgerEvent.BalanceThresholdCrossed) decodeBoth(with(crossed, "/alert/availableAfterMinor", beyond));
        assertThat(decoded.alert().availableAfter()).isEqualTo(new BigInteger(beyond));
        assertRefused(with(crossed, "/alert/thresholdMinor", "9".repeat(20)), "thresholdMinor is not a 64-bit integer");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWhereverTheyAre() {
        var valid = bytes(TRANSFER_JSON);
        for (var invalid : List.of("c080", "c1bf", "e08080", "e09fbf", "f0808080", "eda080", "edbfbf", "f4908080", "f5808080", "80", "bf",
                "c3", "e282", "f09f98", "ff", "fe")) {
            var inValue = splice(valid, "o-1", HexFormat.of().parseHex(invalid));
            var inName = splice(valid, "order", HexFormat.of().parseHex(invalid));
            for (var payload : List.of(inValue, inName)) {
                assertThatThrownBy(() -> EventCodec.decode(payload)).as(invalid).isInstanceOf(UndecodableEventException.class)
                        .hasMessage("the payload is not UTF-8");
            }
        }
        var truncated = Arrays.copyOf(valid, valid.length + 1);
        truncated[valid.length] = (byte) 0xC3;
        assertThatThrownBy(() -> EventCodec.decode(truncated)).hasMessage("the payload is not UTF-8");

        var astral = splice(valid, "o-1", "😀€ü".getBytes(StandardCharsets.UTF_8));
        assertThat(((LedgerEvent.EntryPosted) EventCodec.decode(astral)).entry().metadata().get("order")).isEqualTo("o-1😀€ü");
    }

    @Test
    void otherEncodingsAndAByteOrderMarkAreRefusedNotGuessed() {
        for (var encoding : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
                Charset.forName("UTF-32"))) {
            var payload = TRANSFER_JSON.getBytes(encoding);
            assertThatThrownBy(() -> EventCodec.decode(payload)).as(encoding.name()).isInstanceOf(UndecodableEventException.class);
        }
        var marked = new ByteArrayOutputStream();
        marked.writeBytes(HexFormat.of().parseHex("efbbbf"));
        marked.writeBytes(bytes(TRANSFER_JSON));
        assertThatThrownBy(() -> EventCodec.decode(marked.toByteArray())).hasMessageContaining("byte order mark");
        assertThatThrownBy(() -> TreeEventDecoder.decode("\uFEFF" + TRANSFER_JSON)).isInstanceOf(UndecodableEventException.class);
    }

    @Test
    void nothingButWhiteSpaceMayFollowTheObject() {
        for (var trailing : List.of(" x", "{}", "]", "}", ",", "1", "\"\"", "null", TRANSFER_JSON)) {
            assertRefused(TRANSFER_JSON + trailing, "not JSON");
        }
        assertThat(decodeBoth(TRANSFER_JSON + " \n\t\r")).isEqualTo(TRANSFER);
        assertThat(decodeBoth(" \n" + TRANSFER_JSON)).isEqualTo(TRANSFER);
    }

    @Test
    void anEmptyPayloadOrAnotherValueIsNotAnObject() {
        for (var payload : List.of("", "   ", "\n", "null", "[]", "5", "\"event\"", "true")) {
            assertRefused(payload, "the payload is not a JSON object");
        }
        assertRefused("{", "not JSON");
        assertRefused("{\"eventId\":", "not JSON");
        assertRefused(TRANSFER_JSON.substring(0, TRANSFER_JSON.length() - 1), "not JSON");
    }

    @Test
    void aBodyBeforeItsHeaderIsReadInASecondPass() {
        var tree = (ObjectNode) MAPPER.readTree(TRANSFER_JSON);
        var reordered = MAPPER.createObjectNode();
        reordered.set("entry", tree.get("entry"));
        reordered.setAll(tree);
        assertThat(MAPPER.writeValueAsString(reordered)).startsWith("{\"entry\":");
        assertThat(decodeBoth(MAPPER.writeValueAsString(reordered))).isEqualTo(TRANSFER);

        reordered.remove("accountId");
        assertRefused(MAPPER.writeValueAsString(reordered), "accountId is missing");
    }

    @Test
    void aBodyTheTypeDoesNotUseIsSkippedLikeAnyUnknownField() {
        var closed = EventCodec.encode(new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, LEDGER, 9, AT, ALICE), ALICE));
        for (var foreign : List.of("\"entry\":5", "\"account\":{\"id\":7}", "\"alert\":[]")) {
            var first = "{" + foreign + "," + closed.substring(1);
            var last = closed.substring(0, closed.length() - 1) + "," + foreign + "}";
            assertThat(decodeBoth(first)).isEqualTo(decodeBoth(last)).isEqualTo(EventCodec.decode(closed));
        }
        assertThat(decodeBoth(with(TRANSFER_JSON, "/alert", "{\"direction\":\"SIDEWAYS\"}"))).isEqualTo(TRANSFER);
    }

    @Test
    void olderEventsWithoutGrantChangesOrBalanceAlertsHaveNone() {
        for (var pointer : List.of("/entry/grantChanges", "/entry/balanceAlerts")) {
            assertThat(decodeBoth(with(TRANSFER_JSON, pointer, null))).isEqualTo(TRANSFER);
            assertThat(decodeBoth(with(TRANSFER_JSON, pointer, "null"))).isEqualTo(TRANSFER);
        }
    }

    /** Decodes from bytes and from a string, checks the two agree with each other and with the tree decoder. */
    private static LedgerEvent decodeBoth(String json) {
        var fromBytes = EventCodec.decode(bytes(json));
        assertThat(EventCodec.decode(json)).isEqualTo(fromBytes);
        assertThat(TreeEventDecoder.decode(json)).as("the tree decoder").isEqualTo(fromBytes);
        return fromBytes;
    }

    /** Refused from bytes and from a string with the message, and refused by the tree decoder too. */
    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> EventCodec.decode(bytes(json))).as(json).isInstanceOf(UndecodableEventException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> EventCodec.decode(json)).as(json).isInstanceOf(UndecodableEventException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> TreeEventDecoder.decode(json)).as("the tree decoder, " + json)
                .isInstanceOf(UndecodableEventException.class);
    }

    /** The payload with the value at the pointer replaced (or added), or removed when the value is null. */
    private static String with(String json, String pointer, String value) {
        var root = MAPPER.readTree(json);
        var at = JsonPointer.compile(pointer);
        var parent = root.at(at.head());
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                assertThat(object.remove(at.last().getMatchingProperty())).as(pointer).isNotNull();
            } else {
                object.set(at.last().getMatchingProperty(), MAPPER.readTree(value));
            }
        } else {
            var array = (ArrayNode) parent;
            if (value == null) {
                array.remove(at.last().getMatchingIndex());
            } else {
                array.set(at.last().getMatchingIndex(), MAPPER.readTree(value));
            }
        }
        return MAPPER.writeValueAsString(root);
    }

    /** The payload's bytes with the given bytes put right after the first occurrence of the marker. */
    private static byte[] splice(byte[] payload, String marker, byte[] inserted) {
        var text = new String(payload, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(marker) + marker.length();
        var spliced = new ByteArrayOutputStream();
        spliced.write(payload, 0, at);
        spliced.writeBytes(inserted);
        spliced.write(payload, at, payload.length - at);
        return spliced.toByteArray();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
