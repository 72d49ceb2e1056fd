package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A transfer's journey and its trace, end to end on the shared service (which keeps spans in memory, as
 * {@code ledger dev} does): the journey's steps come from the journal and the read models and agree with
 * what Kafka holds; the spans of the request's trace form one tree from the HTTP request to each read model.
 */
class JourneyIT extends E2eTestBase {

    private static final String TRACE_ID = "5af7183fb1d4cf5f6d7e8d9c0a1b2c3d";
    private static final String CALLER_SPAN = "a1b2c3d4e5f60718";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTransfersJourneyGoesFromReceivedToEveryReadModelAndMatchesKafka() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\"}");
        var sentAt = Instant.now();
        var transfer = call("POST", "/v1/transfers", ledger.writeKey(), transferJson(issuer, alice, 500, "USD"),
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")).expect(201);
        long seq = Long.parseLong(transfer.headers().firstValue("Ledger-Seq").orElseThrow());

        var journey = awaitCompleteJourney(ledger, transfer.id());
        assertThat(journey.get("transferId").asString()).isEqualTo(transfer.id().toString());
        assertThat(journey.get("kind").asString()).isEqualTo("TRANSFER");
        assertThat(journey.get("traceId").asString()).isEqualTo(TRACE_ID);
        var received = Instant.parse(journey.get("received").get("at").asString());
        var committed = journey.get("committed");
        assertThat(received).isBetween(sentAt.minusSeconds(1), Instant.parse(committed.get("at").asString()).plusMillis(1));
        assertThat(committed.get("sequence").asLong()).isEqualTo(seq);
        assertThat(committed.get("batchSize").asInt()).isBetween(1, 10_000);
        assertThat(committed.get("elapsedMs").asLong()).isGreaterThanOrEqualTo(0);

        // One publication per account copy of the entry's event, at the partition and offset Kafka holds it.
        var records = recordsOf(ledger.id(), "ledger.transfer.v1", 2);
        Map<String, ConsumerRecord<String, String>> byAccount = new HashMap<>();
        records.forEach(r -> byAccount.put(r.key(), r));
        var published = journey.get("published");
        assertThat(published.size()).isEqualTo(2);
        for (var p : published) {
            var record = byAccount.get(p.get("accountId").asString());
            assertThat(record).as("a record of account %s", p.get("accountId").asString()).isNotNull();
            assertThat(p.get("topic").asString()).isEqualTo(record.topic());
            assertThat(p.get("partition").asInt()).isEqualTo(record.partition());
            assertThat(p.get("offset").asLong()).isEqualTo(record.offset());
            assertThat(Instant.parse(p.get("at").asString())).isEqualTo(Instant.ofEpochMilli(record.timestamp()));
        }

        List<String> models = new ArrayList<>();
        for (var applied : journey.get("applied")) {
            models.add(applied.get("readModel").asString());
            assertThat(applied.get("applied").asBoolean()).isTrue();
            assertThat(Instant.parse(applied.get("at").asString())).isAfterOrEqualTo(received);
        }
        assertThat(models).containsExactly("balances", "statements", "daily-balances", "asset-totals");
    }

    @Test
    void theTraceIsOneTreeFromTheRequestToTheProjector() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\"}");
        var traceId = UUID.randomUUID().toString().replace("-", "");
        var transfer = call("POST", "/v1/transfers", ledger.writeKey(), transferJson(issuer, alice, 700, "USD"),
                Map.of("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01")).expect(201);
        awaitCompleteJourney(ledger, transfer.id());

        var spans = awaitSpans(traceId, 8);
        Map<String, JsonNode> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.get("spanId").asString(), s));
        var server = single(spans, "POST /v1/transfers");
        assertThat(server.get("kind").asString()).isEqualTo("SERVER");
        assertThat(server.get("parentSpanId").asString()).isEqualTo(CALLER_SPAN);
        assertThat(server.get("attributes").get("http.response.status_code").asLong()).isEqualTo(201);
        for (var name : List.of("ledger.queue", "ledger.batch", "ledger.commit")) {
            assertThat(single(spans, name).get("parentSpanId").asString()).as(name).isEqualTo(server.get("spanId").asString());
        }
        assertThat(single(spans, "ledger.batch").get("attributes").get("ledger.batch.commands").asLong()).isGreaterThanOrEqualTo(1);
        var publications = named(spans, "ledger.publish");
        var applications = named(spans, "ledger.project");
        assertThat(publications).hasSize(2);
        assertThat(applications).hasSize(2);
        for (var publish : publications) {
            assertThat(publish.get("parentSpanId").asString()).isEqualTo(server.get("spanId").asString());
        }
        for (var project : applications) {
            var parent = byId.get(project.get("parentSpanId").asString());
            assertThat(parent).as("the projector's span hangs under a publication").isNotNull();
            assertThat(parent.get("name").asString()).isEqualTo("ledger.publish");
            assertThat(project.get("attributes").get("messaging.kafka.offset").asLong())
                    .isEqualTo(parent.get("attributes").get("messaging.kafka.offset").asLong());
        }
    }

    @Test
    void unknownTransfersOtherLedgersAndBadTraceIdsAreProblems() {
        var ledger = newLedger();
        var other = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\"}");
        var transfer = transfer(ledger, issuer, alice, 5, "USD").expect(201);
        assertProblem(get("/v1/transfers/" + UUID.randomUUID() + "/journey", ledger.readKey()), 404, "NOT_FOUND");
        assertProblem(get("/v1/transfers/" + transfer.id() + "/journey", other.readKey()), 404, "NOT_FOUND");
        assertProblem(get("/v1/transfers/not-a-uuid/journey", ledger.readKey()), 400, "VALIDATION_FAILED");
        assertProblem(get("/v1/transfers/" + transfer.id() + "/journey", null), 401, "UNAUTHORIZED");
        assertProblem(get("/v1/admin/traces/" + "0".repeat(31) + "1", OPERATOR_KEY), 404, "TRACE_NOT_FOUND");
        assertProblem(get("/v1/admin/traces/NOT-HEX", OPERATOR_KEY), 400, "VALIDATION_FAILED");
        assertProblem(get("/v1/admin/traces/" + "ab".repeat(16), ledger.adminKey()), 403, "FORBIDDEN");
    }

    private JsonNode awaitCompleteJourney(TestLedger ledger, UUID transferId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode journey;
        do {
            journey = get("/v1/transfers/" + transferId + "/journey", ledger.readKey()).expect(200).body();
            if (journey.get("complete").asBoolean()) {
                return journey;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the journey did not complete within " + WAIT + ": " + journey);
    }

    private List<JsonNode> awaitSpans(String traceId, int expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> spans = List.of();
        do {
            var response = get("/v1/admin/traces/" + traceId, OPERATOR_KEY);
            if (response.status() == 200) {
                spans = new ArrayList<>();
                response.body().get("spans").forEach(spans::add);
                if (spans.size() >= expected) {
                    return spans;
                }
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the trace has " + spans.size() + " spans, not " + expected + ": " + spans);
    }

    private static List<JsonNode> named(List<JsonNode> spans, String name) {
        return spans.stream().filter(s -> s.get("name").asString().equals(name)).toList();
    }

    private static JsonNode single(List<JsonNode> spans, String name) {
        var found = named(spans, name);
        assertThat(found).as("spans named %s", name).hasSize(1);
        return found.getFirst();
    }

    private static void sleep() {
        try {
            Thread.sleep(100); // the poll interval of the two loops above, each bounded by WAIT
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
