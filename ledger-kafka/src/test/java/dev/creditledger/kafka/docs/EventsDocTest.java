package dev.creditledger.kafka.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.EventCodec;
import dev.creditledger.kafka.UndecodableEventException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps docs/events.md, the encoder ({@code EventJson}) and the decoder ({@link EventCodec}) in step.
 *
 * The document has one section per event type, headed {@code ### `<type name>`}, holding exactly one
 * {@code ```json example} block (a payload) and one {@code ```json schema} block (a JSON Schema, draft
 * 2020-12, for that type's payload). This test checks that every type has both; that every example
 * decodes to its type and re-encodes to the same JSON, fields in the same order; that every example is
 * what the real state machine and encoder produce today ({@link DocScenario}); that every example, and
 * every event of that scenario, validates against its schema with a real validator; that the schemas
 * list and require every field, in the encoder's order; and that the validator really rejects broken
 * payloads, so none of these checks can pass vacuously.
 *
 * The published schemas are open (a consumer must accept fields added to schema version 1 later), so
 * the test validates against a closed copy of each schema, with {@code additionalProperties: false} on
 * every object that lists properties: a field the encoder writes and the document does not list fails.
 *
 * To regenerate the examples after a change to the encoder or the state machine, run with
 * {@code -Devents.doc.print=true}; the test writes them to {@code target/events-doc-examples.md}.
 */
class EventsDocTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern TYPE_HEADING = Pattern.compile("^###\\s+`(ledger\\.[a-z]+\\.[a-z_]+)`\\s*$");
    private static final String EXAMPLE_FENCE = "```json example";
    private static final String SCHEMA_FENCE = "```json schema";
    private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    /** One event type's section of the document. */
    private record Section(EventType type, List<String> examples, List<String> schemas) {}

    private static Path doc;
    private static Map<EventType, Section> sections;

    @BeforeAll
    static void readDocument() throws IOException {
        doc = locateDocument();
        sections = parse(Files.readAllLines(doc, StandardCharsets.UTF_8));
    }

    @Test
    void everyEventTypeHasOneExampleAndOneSchema() {
        assertThat(sections.keySet()).as("event types with a section in %s", doc).containsExactlyInAnyOrder(EventType.values());
        for (var section : sections.values()) {
            assertThat(section.examples()).as("```json example blocks of %s", section.type().typeName()).hasSize(1);
            assertThat(section.schemas()).as("```json schema blocks of %s", section.type().typeName()).hasSize(1);
        }
    }

    @Test
    void examplesDecodeToTheirTypeAndReencodeToTheSameJson() {
        for (var section : sections.values()) {
            var name = section.type().typeName();
            var example = section.examples().getFirst();
            LedgerEvent decoded;
            try {
                decoded = EventCodec.decode(example);
            } catch (UndecodableEventException e) {
                decoded = fail("the " + name + " example does not decode: " + e.getMessage());
            }
            assertThat(decoded.header().type()).as("type of the %s example", name).isEqualTo(section.type());

            var expected = tree(example);
            var reencoded = tree(EventCodec.encode(decoded));
            assertThat(reencoded).as("the %s example re-encoded", name).isEqualTo(expected);
            assertSameFieldOrder(name, "$", expected, reencoded);

            var h = decoded.header();
            var derived = decoded instanceof LedgerEvent.BalanceThresholdCrossed crossed
                    ? EventHeader.ofAlert(h.ledgerId(), h.ledgerSeq(), h.occurredAt(), h.accountId(), crossed.alert().thresholdMinor()).eventId()
                    : EventHeader.eventId(h.ledgerId(), h.ledgerSeq(), h.accountId());
            assertThat(h.eventId()).as("eventId of the %s example is the one derived from ledger, seq and account", name)
                    .isEqualTo(derived);
        }
    }

    /** The page says its examples come from the real state machine and encoder; this keeps that true. */
    @Test
    void examplesAreWhatTheScenarioProducesToday() {
        var shown = DocScenario.shown();
        for (var section : sections.values()) {
            assertThat(tree(section.examples().getFirst()))
                    .as("the %s example differs from what DocScenario produces today; regenerate it with -Devents.doc.print=true",
                            section.type().typeName())
                    .isEqualTo(tree(EventCodec.encode(shown.get(section.type()))));
        }
    }

    @Test
    void examplesValidateAgainstTheirSchemas() {
        for (var section : sections.values()) {
            assertValid(section.type(), section.examples().getFirst(), "the example");
        }
    }

    @Test
    void eventsTheEncoderWritesTodayValidateAgainstTheSchemas() {
        var events = DocScenario.events();
        var covered = EnumSet.noneOf(EventType.class);
        for (var event : events) {
            covered.add(event.header().type());
            assertValid(event.header().type(), EventCodec.encode(event),
                    "the encoded " + event.header().type().typeName() + " of account " + event.header().accountId()
                            + " at seq " + event.header().ledgerSeq());
        }
        assertThat(covered).as("event types the scenario produces").containsExactlyInAnyOrder(EventType.values());
    }

    /** Nullable fields are present with null: a schema must require every property it lists. */
    @Test
    void schemasAreDraft202012AndRequireEveryPropertyTheyList() {
        for (var section : sections.values()) {
            var name = section.type().typeName();
            var schema = tree(section.schemas().getFirst());
            assertThat(schema.path("$schema").asString()).as("$schema of %s", name).isEqualTo(DIALECT);
            assertThat(schema.path("properties").path("type").path("const").asString()).as("type const of %s", name)
                    .isEqualTo(name);
            forEachObjectSchema(schema, "$", (path, objectSchema) -> {
                List<String> listed = new ArrayList<>(objectSchema.get("properties").propertyNames());
                List<String> required = new ArrayList<>();
                objectSchema.path("required").forEach(r -> required.add(r.asString()));
                assertThat(required).as("required of %s at %s, in the order of properties", name, path)
                        .containsExactlyElementsOf(listed);
            });
        }
    }

    /** The schemas list the fields in the order the encoder writes them, as the examples do. */
    @Test
    void schemasListFieldsInTheEncodersOrder() {
        for (var event : DocScenario.events()) {
            var type = event.header().type();
            var schema = tree(sections.get(type).schemas().getFirst());
            assertSchemaOrder(type.typeName(), "$", schema, schema, tree(EventCodec.encode(event)));
        }
    }

    /** Guards the guards: if the validator accepted anything, the checks above would prove nothing. */
    @Test
    void schemasRejectBrokenPayloads() {
        for (var event : DocScenario.shown().values()) {
            var type = event.header().type();
            var valid = (ObjectNode) tree(EventCodec.encode(event));
            assertInvalid(type, valid, p -> p.remove("ledgerSeq"), "ledgerSeq missing");
            assertInvalid(type, valid, p -> p.put("ledgerSeq", "7"), "ledgerSeq a string");
            assertInvalid(type, valid, p -> p.put("eventId", "not-a-uuid"), "eventId not a UUID");
            assertInvalid(type, valid, p -> p.put("occurredAt", "yesterday"), "occurredAt not a time");
            assertInvalid(type, valid, p -> p.put("schemaVersion", 2), "schemaVersion 2");
            assertInvalid(type, valid, p -> p.put("type", "ledger.account.renamed"), "an unknown type");
            assertInvalid(type, valid, p -> p.put("surprise", true), "a field the document does not list");
            if (valid.has("entry")) {
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("entry")).put("amountMinor", 12.5), "a fractional amount");
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("entry").get("postings").get(0)).remove("balanceAfter"),
                        "a posting without balanceAfter");
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("entry").get("metadata")).put("n", 1), "a metadata number");
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("entry")).remove("referenceId"), "a nullable field absent");
            }
            if (valid.has("alert")) {
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("alert")).put("direction", "SIDEWAYS"), "an unknown direction");
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("alert")).remove("thresholdMinor"), "a threshold absent");
            }
            if (valid.has("account")) {
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("account")).put("normalSide", "LEFT"), "an unknown side");
                assertInvalid(type, valid, p -> ((ObjectNode) p.get("account")).remove("code"), "a nullable field absent");
            }
        }
    }

    /** Writes the payloads of {@link DocScenario#shown()}, pretty-printed, for pasting into docs/events.md. */
    @Test
    @EnabledIfSystemProperty(named = "events.doc.print", matches = "true")
    void printExamples() throws IOException {
        var out = new StringBuilder();
        for (var entry : DocScenario.shown().entrySet()) {
            out.append("### `").append(entry.getKey().typeName()).append("`\n\n").append(EXAMPLE_FENCE).append('\n')
                    .append(pretty(tree(EventCodec.encode(entry.getValue())), "")).append("\n```\n\n");
        }
        var target = Path.of(System.getProperty("basedir", ".")).resolve("target/events-doc-examples.md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, out, StandardCharsets.UTF_8);
        System.out.println("wrote " + target.toAbsolutePath());
    }

    // ---- the document ----

    /** docs/events.md at the repository root: found from the module directory, or any directory below the root. */
    private static Path locateDocument() {
        var start = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (var dir = start; dir != null; dir = dir.getParent()) {
            var candidate = dir.resolve("docs/events.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return fail("docs/events.md not found in " + start + " or any directory above it");
    }

    private static Map<EventType, Section> parse(List<String> lines) {
        Map<EventType, Section> parsed = new EnumMap<>(EventType.class);
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i);
            if (line.startsWith("```")) {
                var info = line.strip();
                int start = i + 1;
                do {
                    i++;
                    if (i == lines.size()) {
                        return fail("the code block opened at line " + start + " is not closed");
                    }
                } while (!lines.get(i).strip().equals("```"));
                var body = String.join("\n", lines.subList(start, i));
                if (info.equals(EXAMPLE_FENCE) || info.equals(SCHEMA_FENCE)) {
                    if (current == null) {
                        return fail(info + " block at line " + start + " is outside an event type's section"
                                + " (a section starts with a heading ### `<type name>`)");
                    }
                    (info.equals(EXAMPLE_FENCE) ? current.examples() : current.schemas()).add(body);
                }
            } else if (line.startsWith("#")) {
                var heading = TYPE_HEADING.matcher(line);
                if (heading.matches()) {
                    var type = EventType.ofTypeName(heading.group(1));
                    if (parsed.containsKey(type)) {
                        return fail("a second section for " + type.typeName() + " at line " + (i + 1));
                    }
                    current = new Section(type, new ArrayList<>(), new ArrayList<>());
                    parsed.put(type, current);
                } else {
                    current = null;
                }
            }
        }
        return parsed;
    }

    // ---- validation ----

    private static void assertValid(EventType type, String payload, String what) {
        var errors = closedSchema(type).validate(tree(payload));
        assertThat(errors).as("%s does not match the %s schema in %s", what, type.typeName(), doc).isEmpty();
    }

    private static void assertInvalid(EventType type, ObjectNode valid, Consumer<ObjectNode> breakIt, String what) {
        var broken = valid.deepCopy();
        breakIt.accept(broken);
        List<Error> errors = closedSchema(type).validate(broken);
        assertThat(errors).as("the %s schema accepts %s", type.typeName(), what).isNotEmpty();
    }

    /** The type's schema with {@code additionalProperties: false} on every object schema that lists properties. */
    private static Schema closedSchema(EventType type) {
        var schema = tree(sections.get(type).schemas().getFirst());
        forEachObjectSchema(schema, "$", (path, objectSchema) -> {
            if (!objectSchema.has("additionalProperties")) {
                objectSchema.put("additionalProperties", false);
            }
        });
        return SCHEMAS.getSchema(schema);
    }

    /** Visits every schema object that has {@code properties}, wherever it is nested. */
    private static void forEachObjectSchema(JsonNode node, String path, BiConsumer<String, ObjectNode> visit) {
        if (node instanceof ObjectNode object) {
            if (object.path("properties").isObject()) {
                visit.accept(path, object);
            }
            for (var name : List.copyOf(object.propertyNames())) {
                forEachObjectSchema(object.get(name), path + "/" + name, visit);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                forEachObjectSchema(node.get(i), path + "/" + i, visit);
            }
        }
    }

    private static void assertSchemaOrder(String type, String path, JsonNode root, JsonNode schema, JsonNode instance) {
        while (schema.has("$ref")) {
            schema = root.at(schema.get("$ref").asString().substring(1));
        }
        if (instance.isObject() && schema.path("properties").isObject()) {
            var properties = schema.get("properties");
            assertThat(List.copyOf(properties.propertyNames())).as("properties of the %s schema at %s", type, path)
                    .containsExactlyElementsOf(List.copyOf(instance.propertyNames()));
            for (var name : instance.propertyNames()) {
                assertSchemaOrder(type, path + "." + name, root, properties.get(name), instance.get(name));
            }
        } else if (instance.isArray() && schema.has("items")) {
            for (int i = 0; i < instance.size(); i++) {
                assertSchemaOrder(type, path + "[" + i + "]", root, schema.get("items"), instance.get(i));
            }
        }
    }

    // ---- JSON helpers ----

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }

    private static void assertSameFieldOrder(String type, String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            assertThat(List.copyOf(actual.propertyNames())).as("field order of the %s example at %s", type, path)
                    .containsExactlyElementsOf(List.copyOf(expected.propertyNames()));
            for (var name : expected.propertyNames()) {
                assertSameFieldOrder(type, path + "." + name, expected.get(name), actual.get(name));
            }
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameFieldOrder(type, path + "[" + i + "]", expected.get(i), actual.get(i));
            }
        }
    }

    /** Two-space indentation, {@code "name": value}, empty objects and arrays on one line. */
    private static String pretty(JsonNode node, String indent) {
        var inner = indent + "  ";
        if (node.isObject() && !node.isEmpty()) {
            List<String> fields = new ArrayList<>();
            for (var name : node.propertyNames()) {
                fields.add(inner + JSON.writeValueAsString(name) + ": " + pretty(node.get(name), inner));
            }
            return "{\n" + String.join(",\n", fields) + "\n" + indent + "}";
        }
        if (node.isArray() && !node.isEmpty()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(inner + pretty(item, inner)));
            return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
        }
        return JSON.writeValueAsString(node);
    }
}
