package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One word, {@code asset} (ADR 0019): every body that names an asset reads {@code asset}, and accepts
 * {@code currency} as a deprecated input alias. For each family of endpoints that takes it: the alias alone is
 * accepted and answered as {@code asset}; a retry that spells the asset the other way replays (the two spellings
 * hash the same); both names with different values are refused with ASSET_ALIAS_CONFLICT and write nothing. And
 * the OpenAPI document describes no answer with a {@code currency} field, while it documents the alias as a
 * deprecated request property. (That no answer of any test carries {@code currency} is checked on every call by
 * {@link ApiTestBase}.)
 */
class CurrencyAliasIT extends E2eTestBase {

    /** A request body with the asset named by {@code assetFields}, e.g. {@code "asset":"USD"}. */
    private interface Body extends Function<String, String> {}

    @Test
    void accounts() {
        var ledger = newLedger();
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/accounts", fields -> "{" + fields + ",\"code\":\"alias-account\"}",
                "EUR", answer -> answer.get("asset"));
    }

    @Test
    void transfers() {
        var ledger = newLedger();
        var from = account(ledger, "{\"asset\":\"USD\"}");
        var to = account(ledger, "{\"asset\":\"USD\"}");
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/transfers",
                fields -> "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":25," + fields + "}", "USD",
                answer -> answer.get("asset"));
        assertThat(postedBalance(ledger, to)).as("one transfer, however its retries spelled the asset").isEqualTo(25);
    }

    /** In a batch each transfer is checked on its own: the one that names the asset twice differently is refused alone. */
    @Test
    void transfersInABatch() {
        var ledger = newLedger();
        var from = account(ledger, "{\"asset\":\"USD\"}");
        var to = account(ledger, "{\"asset\":\"USD\"}");
        var item = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":5,";
        var batch = post("/v1/transfers/batch", ledger.writeKey(), "{\"transfers\":[" + item + "\"currency\":\"USD\"},"
                + item + "\"asset\":\"USD\",\"currency\":\"EUR\"}," + item + "\"asset\":\"USD\",\"currency\":\"USD\"}]}").body();
        var results = batch.get("results");
        assertThat(results).as("%s", batch).hasSize(3);
        assertThat(results.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(results.get(0).get("transfer").get("asset").asString()).isEqualTo("USD");
        assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).get("error").get("code").asString()).isEqualTo("ASSET_ALIAS_CONFLICT");
        assertThat(results.get(2).get("status").asInt()).as("both names, the same value").isEqualTo(201);
        assertThat(postedBalance(ledger, to)).isEqualTo(10);
    }

    @Test
    void entries() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        // The alias is per posting: the first posting names the asset with `asset`, the second as the test says.
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/entries",
                fields -> "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":7,\"asset\":\"USD\"},"
                        + "{\"account\":\"" + b + "\",\"side\":\"CREDIT\",\"amount\":7," + fields + "}]}", "USD",
                answer -> answer.get("postings").get(1).get("asset"));
        var conflict = post("/v1/entries", ledger.writeKey(), "{\"postings\":[{\"account\":\"" + a
                + "\",\"side\":\"DEBIT\",\"amount\":7,\"asset\":\"USD\",\"currency\":\"EUR\"},{\"account\":\"" + b
                + "\",\"side\":\"CREDIT\",\"amount\":7,\"asset\":\"USD\"}]}");
        assertProblem(conflict, 400, "ASSET_ALIAS_CONFLICT");
        assertThat(conflict.body().get("detail").asString()).contains("postings[0].asset", "postings[0].currency");
    }

    @Test
    void grants() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/grants",
                fields -> "{\"account\":\"" + wallet + "\",\"from\":\"" + plan + "\",\"amount\":100," + fields + "}", "CREDITS",
                answer -> answer.get("asset"));
        assertThat(postedBalance(ledger, wallet)).isEqualTo(100);
    }

    @Test
    void escrows() {
        var ledger = newLedger();
        var buyer = account(ledger, "{\"asset\":\"USD\"}");
        var seller = account(ledger, "{\"asset\":\"USD\"}");
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/escrows",
                fields -> "{\"orderId\":\"ord-alias\",\"buyer\":\"" + buyer + "\",\"seller\":\"" + seller + "\",\"amount\":40,"
                        + fields + "}", "USD", answer -> answer.get("asset"));
        assertThat(get("/v1/escrows/ord-alias", ledger.readKey()).expect(200).body().get("asset").asString()).isEqualTo("USD");
    }

    @Test
    void usage() {
        var ledger = newLedger();
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\"}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        aliasAcceptedReplayedAndConflictRefused(ledger, "/v1/usage", fields -> "{\"account\":\"" + wallet + "\",\"overageAccount\":\""
                + overage + "\",\"revenueAccount\":\"" + revenue + "\",\"amount\":3," + fields + "}", "CREDITS",
                answer -> answer.get("postings").get(0).get("asset"));
        assertThat(postedBalance(ledger, revenue)).isEqualTo(3);
    }

    /**
     * The alias alone is accepted (201) and answered as {@code asset}; the same key with {@code asset}, and then
     * with both names equal, replays that answer; both names with different values are refused before anything is
     * written, and so is the alias's conflict in the other order.
     */
    private void aliasAcceptedReplayedAndConflictRefused(TestLedger ledger, String path, Body body, String asset,
                                                        Function<JsonNode, JsonNode> assetOfAnswer) {
        var key = "alias-" + UUID.randomUUID();
        var made = post(path, ledger.writeKey(), body.apply("\"currency\":\"" + asset + "\""), key).expect(201);
        assertThat(assetOfAnswer.apply(made.body())).as("asset in %s", made.raw()).isNotNull();
        assertThat(assetOfAnswer.apply(made.body()).asString()).isEqualTo(asset);

        for (var spelling : List.of("\"asset\":\"" + asset + "\"", "\"asset\":\"" + asset + "\",\"currency\":\"" + asset + "\"")) {
            var replay = post(path, ledger.writeKey(), body.apply(spelling), key).expect(201);
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).as("replay of %s", spelling).contains("true");
            assertThat(replay.body()).isEqualTo(made.body());
        }

        var before = snapshot(ledger);
        for (var conflict : List.of("\"asset\":\"" + asset + "\",\"currency\":\"GBP\"", "\"currency\":\"GBP\",\"asset\":\"" + asset + "\"")) {
            var refused = assertProblem(post(path, ledger.writeKey(), body.apply(conflict)), 400, "ASSET_ALIAS_CONFLICT");
            assertThat(refused.body().get("detail").asString()).contains("asset' and its deprecated alias '", "currency' differ");
        }
        // The refusal comes before the key is looked up, even for a key already answered.
        assertProblem(post(path, ledger.writeKey(), body.apply("\"asset\":\"" + asset + "\",\"currency\":\"GBP\""), key), 400,
                "ASSET_ALIAS_CONFLICT");
        assertThat(snapshot(ledger)).as("nothing written by the refusals").isEqualTo(before);
    }

    /**
     * No schema that an answer uses (followed through $ref, items, properties, additionalProperties and
     * compositions) has a property naming {@code currency}; the request schemas that take the alias document it
     * as deprecated, beside {@code asset}.
     */
    @Test
    void theOpenApiDocumentAnswersNoCurrencyAndDocumentsTheAliasAsDeprecated() {
        var document = get(API_DOCS_PATH, null).expect(200).body();
        var schemas = document.get("components").get("schemas");
        List<JsonNode> answered = new ArrayList<>();
        List<JsonNode> requested = new ArrayList<>();
        for (var pathItem : document.get("paths")) {
            for (var operation : pathItem) {
                if (operation.has("responses")) {
                    operation.get("responses").forEach(response -> contentSchemas(response, answered));
                }
                if (operation.has("requestBody")) {
                    contentSchemas(operation.get("requestBody"), requested);
                }
            }
        }
        var answerSchemas = reachable(answered, schemas);
        // Guards: the walk finds the answers that used to say currency, and it would see a currency property.
        assertThat(answerSchemas).contains("TransferJson", "EntryJson", "PostingJson", "GrantJson", "EscrowJson", "PeriodSummaryJson");
        for (var name : answerSchemas) {
            assertThat(ApiTestBase.currencyFields(schemas.get(name).path("properties"), name))
                    .as("properties of the answer schema %s", name).isEmpty();
        }
        for (var name : List.of("TransferJson", "PostingJson", "GrantJson", "EscrowJson", "PeriodSummaryJson", "AccountJson")) {
            assertThat(schemas.get(name).get("properties").has("asset")).as("%s has asset", name).isTrue();
        }

        var requestSchemas = reachable(requested, schemas);
        for (var name : List.of("CreateAccount", "CreateTransfer", "PostingLine", "CreateGrant", "FundEscrow", "RecordUsage")) {
            assertThat(requestSchemas).contains(name);
            var properties = schemas.get(name).get("properties");
            assertThat(properties.has("asset")).as("%s has asset", name).isTrue();
            assertThat(properties.get("asset").path("deprecated").asBoolean(false)).as("%s.asset is not deprecated", name).isFalse();
            assertThat(properties.get("currency").get("deprecated").asBoolean()).as("%s.currency is deprecated", name).isTrue();
            assertThat(properties.get("currency").get("description").asString()).contains("Deprecated alias of 'asset'");
        }
    }

    /** The schema of each content type of a response or request body. */
    private static void contentSchemas(JsonNode responseOrBody, List<JsonNode> into) {
        if (responseOrBody.has("content")) {
            responseOrBody.get("content").forEach(media -> {
                if (media.has("schema")) {
                    into.add(media.get("schema"));
                }
            });
        }
    }

    /** The names of the component schemas reachable from these schemas. */
    private static Set<String> reachable(List<JsonNode> roots, JsonNode components) {
        Set<String> names = new HashSet<>();
        var todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            var node = todo.pop();
            if (node.isObject() && node.has("$ref")) {
                var name = node.get("$ref").asString().substring("#/components/schemas/".length());
                if (names.add(name)) {
                    todo.push(components.get(name));
                }
            }
            if (node.isObject() || node.isArray()) {
                node.forEach(todo::push);
            }
        }
        return names;
    }
}
