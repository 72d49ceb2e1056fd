package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streaming decoder ({@link EventCodec}) against the tree decoder it replaced ({@link TreeEventDecoder}), driven by
 * the same seeded random events ({@link RandomEvents}): every event {@code EventJson} writes decodes to itself from bytes
 * and from a string, with its fields in any order and unknown fields at every depth; and every payload made from one by
 * random mutations (a field or element removed, set to null, given a value of another JSON type, moved; an unknown field
 * added) is accepted by both decoders, as equal events, or refused by both.
 */
class StreamingDecoderModelTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final int EVENTS_PER_TEST = 3_000;
    private static final int MUTATIONS_PER_PAYLOAD_MAX = 3;
    /** Values a mutation puts in place of another: every JSON type, and strings and numbers at the edges of what the schema reads. */
    private static final List<String> VALUES = List.of("null", "true", "\"\"", "\"x\"", "\"0192f5a0-0000-7000-8000-00000000000a\"",
            "\"2026-11-21T10:15:30Z\"", "\"DEBIT\"", "\"TRANSFER\"", "\"DOWN\"", "\"GRANTED\"", "\"ledger.account.opened\"",
            "\"ledger.hold.placed\"", "0", "1", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1.5",
            "1e3", "{}", "[]", "[1]", "{\"a\":[{}]}");

    @Test
    void everyEventRoundTripsFromBytesAndFromAString() {
        var events = new RandomEvents(1);
        for (int i = 0; i < EVENTS_PER_TEST; i++) {
            var event = events.next();
            var json = EventCodec.encode(event);
            assertThat(EventCodec.decode(json.getBytes(StandardCharsets.UTF_8))).as(json).isEqualTo(event);
            assertThat(EventCodec.decode(json)).as(json).isEqualTo(event);
        }
    }

    @Test
    void fieldOrderAndUnknownFieldsDoNotMatter() {
        var events = new RandomEvents(2);
        var random = new Random(2);
        for (int i = 0; i < EVENTS_PER_TEST; i++) {
            var event = events.next();
            var shuffled = shuffleAndExtend((ObjectNode) MAPPER.readTree(EventCodec.encode(event)), random, false);
            var json = MAPPER.writeValueAsString(shuffled);
            assertThat(EventCodec.decode(json.getBytes(StandardCharsets.UTF_8))).as(json).isEqualTo(event);
        }
    }

    @Test
    void mutatedPayloadsAreAcceptedOrRefusedAsByTheTreeDecoder() {
        var events = new RandomEvents(3);
        var random = new Random(3);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < EVENTS_PER_TEST; i++) {
            var root = (ObjectNode) MAPPER.readTree(EventCodec.encode(events.next()));
            for (int m = 0, n = 1 + random.nextInt(MUTATIONS_PER_PAYLOAD_MAX); m < n; m++) {
                mutate(root, random);
            }
            var json = MAPPER.writeValueAsString(root);
            var expected = outcome(() -> TreeEventDecoder.decode(json));
            assertThat(outcome(() -> EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))).as(json).isEqualTo(expected);
            assertThat(outcome(() -> EventCodec.decode(json))).as(json).isEqualTo(expected);
            if (expected instanceof LedgerEvent) {
                accepted++;
            } else {
                refused++;
            }
        }
        // Guards: the mutations make payloads of both outcomes, so the comparison compares something on each side.
        assertThat(accepted).as("mutated payloads both decoders accepted").isGreaterThan(EVENTS_PER_TEST / 20);
        assertThat(refused).as("mutated payloads both decoders refused").isGreaterThan(EVENTS_PER_TEST / 4);
    }

    /** The event, or "refused" for an UndecodableEventException; any other exception fails the test. */
    private static Object outcome(Supplier<LedgerEvent> decode) {
        try {
            return decode.get();
        } catch (UndecodableEventException e) {
            return "refused";
        }
    }

    /** A copy with the fields of every object in a random order and, outside metadata, unknown fields of every JSON type added. */
    private static ObjectNode shuffleAndExtend(ObjectNode object, Random random, boolean isMetadata) {
        var names = new ArrayList<>(object.propertyNames());
        if (!isMetadata) {
            names.add("unknown" + random.nextInt(1000));
            names.add("unknownNested");
        }
        Collections.shuffle(names, random);
        var copy = MAPPER.createObjectNode();
        for (var name : names) {
            var value = object.get(name);
            if (value != null) {
                copy.set(name, shuffleAndExtend(value, random, name.equals("metadata")));
            } else if (name.equals("unknownNested")) {
                // Known names inside an unknown field are not read: this "entry" would be refused where it belongs.
                copy.set(name, MAPPER.readTree("{\"entry\":{\"kind\":5},\"a\":[1,[{\"b\":null}],\"]}\"]}"));
            } else {
                copy.set(name, value(random));
            }
        }
        return copy;
    }

    private static JsonNode shuffleAndExtend(JsonNode value, Random random, boolean isMetadata) {
        if (value instanceof ObjectNode object) {
            return shuffleAndExtend(object, random, isMetadata);
        }
        if (value instanceof ArrayNode array) {
            var copy = MAPPER.createArrayNode();
            array.forEach(element -> copy.add(shuffleAndExtend(element, random, false)));
            return copy;
        }
        return value;
    }

    /** One random change at a random place in the tree. */
    private static void mutate(ObjectNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        var container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            var names = new ArrayList<>(object.propertyNames());
            if (names.isEmpty() || random.nextInt(8) == 0) {
                object.set("unknown" + random.nextInt(1000), value(random));
                return;
            }
            var name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.putNull(name);
                case 2 -> object.set(name, value(random));
                default -> {
                    // Move the field to the front: the order changes, the content does not.
                    var moved = object.remove(name);
                    var rest = object.deepCopy();
                    object.removeAll();
                    object.set(name, moved);
                    object.setAll(rest);
                }
            }
        } else {
            var array = (ArrayNode) container;
            if (array.isEmpty()) {
                array.add(value(random));
                return;
            }
            int index = random.nextInt(array.size());
            switch (random.nextInt(3)) {
                case 0 -> array.remove(index);
                case 1 -> array.set(index, value(random));
                default -> array.add(array.get(index).deepCopy());
            }
        }
    }

    private static void collectContainers(JsonNode node, List<JsonNode> containers) {
        if (node.isContainer()) {
            containers.add(node);
            node.forEach(child -> collectContainers(child, containers));
        }
    }

    private static JsonNode value(Random random) {
        return MAPPER.readTree(VALUES.get(random.nextInt(VALUES.size())));
    }
}
