package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Multi-leg entries, assets, and administration (ledgers, keys, verification) over HTTP. */
class AdminAssetsEntriesApiIT extends E2eTestBase {

    @Test
    void multiLegEntryOfThreePostingsMovesEachAccount() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var fee = account(ledger, "{\"asset\":\"USD\"}");
        var created = post("/v1/entries", ledger.writeKey(), "{\"postings\":[" + posting(a, "DEBIT", 500, "USD") + ","
                + posting(b, "CREDIT", 450, "USD") + "," + posting(fee, "CREDIT", 50, "USD") + "],\"metadata\":{\"kind\":\"sale\"}}").expect(201);
        var body = created.body();
        assertThat(body.get("type").asString()).isEqualTo("ENTRY");
        assertThat(body.get("metadata").get("kind").asString()).isEqualTo("sale");
        assertThat(body.get("seq").asLong()).isPositive();
        var postings = body.get("postings");
        assertThat(postings.size()).isEqualTo(3);
        assertPosting(postings.get(0), a, "DEBIT", 500);
        assertPosting(postings.get(1), b, "CREDIT", 450);
        assertPosting(postings.get(2), fee, "CREDIT", 50);
        assertThat(postings.get(0).get("accountVersion").asLong()).isPositive();
        assertThat(get("/v1/entries/" + created.id(), ledger.readKey()).expect(200).body()).isEqualTo(body);
        assertThat(postedBalance(ledger, a)).isEqualTo(-500);
        assertThat(postedBalance(ledger, b)).isEqualTo(450);
        assertThat(postedBalance(ledger, fee)).isEqualTo(50);
        // An entry is not a transfer.
        assertProblem(get("/v1/transfers/" + created.id(), ledger.readKey()), 404, "TRANSFER_NOT_FOUND");
        var line = get("/v1/accounts/" + fee + "/statement", ledger.readKey()).expect(200).body().get("lines").get(0);
        assertThat(line.get("type").asString()).isEqualTo("ENTRY");
        assertThat(line.get("balance").asLong()).isEqualTo(50);
    }

    @Test
    void entryBalancedPerAssetAcrossTwoAssets() {
        var ledger = newLedger();
        var usdA = account(ledger, "{\"asset\":\"USD\"}");
        var usdB = account(ledger, "{\"asset\":\"USD\"}");
        var eurA = account(ledger, "{\"asset\":\"EUR\"}");
        var eurB = account(ledger, "{\"asset\":\"EUR\"}");
        post("/v1/entries", ledger.writeKey(), "{\"postings\":[" + posting(usdA, "DEBIT", 100, "USD") + "," + posting(usdB, "CREDIT", 100, "USD")
                + "," + posting(eurA, "CREDIT", 90, "EUR") + "," + posting(eurB, "DEBIT", 90, "EUR") + "]}").expect(201);
        assertThat(postedBalance(ledger, usdB)).isEqualTo(100);
        assertThat(postedBalance(ledger, eurA)).isEqualTo(90);
        var before = snapshot(ledger);
        assertProblem(post("/v1/entries", ledger.writeKey(), "{\"postings\":[" + posting(usdA, "DEBIT", 100, "USD") + ","
                + posting(eurA, "CREDIT", 100, "EUR") + "]}"), 400, "ENTRY_NOT_BALANCED");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    @Test
    void assetsListedAndAdminDefinesACustomAsset() {
        var ledger = newLedger();
        var assets = get("/v1/assets", ledger.readKey()).expect(200).body();
        assertThat(exponents(assets)).containsAllEntriesOf(Map.of("USD", 2, "EUR", 2, "GBP", 2, "JPY", 0)).containsKeys("CREDITS", "POINTS");
        assertThat(assets.size()).isEqualTo(6);

        var gems = post("/v1/assets", ledger.adminKey(), "{\"code\":\"GEMS\",\"exponent\":0}").expect(201).body();
        assertThat(gems.get("code").asString()).isEqualTo("GEMS");
        assertThat(gems.get("exponent").asInt()).isZero();
        assertThat(exponents(get("/v1/assets", ledger.readKey()).body())).containsEntry("GEMS", 0).hasSize(7);
        var x = account(ledger, "{\"asset\":\"GEMS\"}");
        var y = account(ledger, "{\"asset\":\"GEMS\"}");
        transfer(ledger, x, y, 7, "GEMS").expect(201);
        assertThat(postedBalance(ledger, y)).isEqualTo(7);

        assertProblem(post("/v1/assets", ledger.writeKey(), "{\"code\":\"RUBY\",\"exponent\":0}"), 403, "FORBIDDEN");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"GEMS\",\"exponent\":2}"), 409, "ASSET_ALREADY_EXISTS");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"gems\",\"exponent\":0}"), 400, "ASSET_INVALID");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"TOOLONGASSETCODE1\",\"exponent\":0}"), 400, "ASSET_INVALID");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"WIDE\",\"exponent\":19}"), 400, "ASSET_INVALID");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"NEG\",\"exponent\":-1}"), 400, "ASSET_INVALID");
        assertProblem(post("/v1/assets", ledger.adminKey(), "{\"code\":\"HALF\",\"exponent\":1.5}"), 400, "MALFORMED_JSON");
        post("/v1/assets", ledger.adminKey(), "{\"code\":\"FINE18\",\"exponent\":18}").expect(201);
        assertThat(exponents(get("/v1/assets", ledger.readKey()).body())).containsEntry("FINE18", 18).doesNotContainKeys("RUBY", "WIDE", "NEG")
                .hasSize(8);
        // The asset belongs to its ledger only.
        assertProblem(post("/v1/accounts", newLedger().writeKey(), "{\"asset\":\"GEMS\"}"), 404, "ASSET_NOT_FOUND");
    }

    @Test
    void operatorCreatesAndListsLedgers() {
        var name = "adm-" + UUID.randomUUID().toString().substring(0, 8);
        var created = post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + name + "\"}").expect(201).body();
        assertThat(created.get("name").asString()).isEqualTo(name);
        assertThat(created.get("lastSeq").asLong()).isZero();
        assertThat(created.get("createdAt").asString()).isNotBlank();
        var listed = get("/v1/admin/ledgers", OPERATOR_KEY).expect(200).body();
        assertThat(listed.findValuesAsString("name")).contains(name);
        var count = listed.size();
        assertProblem(post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + name + "\"}"), 409, "LEDGER_NAME_TAKEN");
        assertProblem(post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"Upper Case\"}"), 400, "LEDGER_NAME_INVALID");
        assertProblem(post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + "n".repeat(65) + "\"}"), 400, "LEDGER_NAME_INVALID");
        assertProblem(post("/v1/admin/ledgers", OPERATOR_KEY, "{}"), 400, "VALIDATION_FAILED");
        post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + ("m" + UUID.randomUUID().toString().replace("-", "")).repeat(2).substring(0, 64) + "\"}")
                .expect(201);
        assertThat(get("/v1/admin/ledgers", OPERATOR_KEY).body().size()).isEqualTo(count + 1);
    }

    @Test
    void keysAreCreatedListedWithoutSecretsAndRevoked() {
        var ledger = newLedger();
        var created = post("/v1/admin/ledgers/" + ledger.id() + "/keys", ledger.adminKey(), "{\"role\":\"read\",\"name\":\"dashboard\"}")
                .expect(201).body();
        var secret = created.get("key").asString();
        assertThat(created.get("role").asString()).isEqualTo("read");
        assertThat(created.get("name").asString()).isEqualTo("dashboard");
        assertThat(created.get("ledgerId").asString()).isEqualTo(ledger.id().toString());
        assertThat(secret).startsWith(created.get("prefix").asString());
        assertThat(created.has("revokedAt")).isFalse();
        get("/v1/accounts", secret).expect(200);

        var list = get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).expect(200);
        assertThat(list.body().size()).isEqualTo(4); // read, write, admin of newLedger() and this one
        assertThat(list.body().findValues("key")).isEmpty();
        for (var key : new String[] {secret, ledger.readKey(), ledger.writeKey(), ledger.adminKey()}) {
            assertThat(list.raw()).doesNotContain(key);
        }
        assertThat(list.body().findValuesAsString("role")).containsExactlyInAnyOrder("read", "write", "admin", "read");
        assertThat(get("/v1/admin/ledgers/" + ledger.id() + "/keys", ledger.adminKey()).expect(200).raw()).isEqualTo(list.raw());

        var keyId = created.get("id").asString();
        call("DELETE", "/v1/admin/ledgers/" + ledger.id() + "/keys/" + keyId, ledger.adminKey(), null, Map.of()).expect(204);
        assertProblem(get("/v1/accounts", secret), 401, "UNAUTHORIZED");
        var revoked = get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).body();
        for (var key : revoked) {
            assertThat(key.has("revokedAt")).as(key.toString()).isEqualTo(key.get("id").asString().equals(keyId));
        }
        assertProblem(call("DELETE", "/v1/admin/ledgers/" + ledger.id() + "/keys/" + UUID.randomUUID(), OPERATOR_KEY, null, Map.of()),
                404, "NOT_FOUND");
        assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"owner\"}"), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"name\":\"" + "x".repeat(129) + "\"}"),
                400, "VALIDATION_FAILED");
        assertProblem(post("/v1/admin/ledgers/" + UUID.randomUUID() + "/keys", OPERATOR_KEY, "{\"role\":\"read\"}"), 404, "NOT_FOUND");
        assertThat(get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).body().size()).isEqualTo(4);
    }

    @Test
    void aKeyNameHasAtMostApiKeyNameLengthMaxStorableCharacters() {
        var ledger = newLedger();
        var longest = "x".repeat(dev.creditledger.core.Limits.API_KEY_NAME_LENGTH_MAX);
        assertThat(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"name\":\"" + longest + "\"}")
                .expect(201).body().get("name").asString()).isEqualTo(longest);
        assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"name\":\"" + longest + "x\"}"),
                400, "VALIDATION_FAILED");
        assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"name\":\"a\\u0000b\"}"),
                400, "VALIDATION_FAILED");
        assertThat(get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).body().size()).as("the ledger's 3 keys and the one named").isEqualTo(4);
    }

    @Test
    void verifyIsCleanForTheOperatorAndForALedgerAdmin() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        transfer(ledger, a, b, 10, "USD").expect(201);
        var all = post("/v1/admin/verify", OPERATOR_KEY, null).expect(200).body();
        assertThat(all.get("clean").asBoolean()).isTrue();
        assertThat(all.get("differences").size()).isZero();
        assertThat(all.get("ledgers").asInt()).isGreaterThanOrEqualTo(1);
        var own = post("/v1/admin/verify", ledger.adminKey(), null).expect(200).body();
        assertThat(own.get("clean").asBoolean()).isTrue();
        assertThat(own.get("ledgers").asInt()).isEqualTo(1);
        assertThat(own.get("accounts").asLong()).isEqualTo(2);
        assertThat(own.get("entries").asLong()).isEqualTo(1);
    }

    private static String posting(UUID account, String side, long amount, String asset) {
        return "{\"account\":\"" + account + "\",\"side\":\"" + side + "\",\"amount\":" + amount + ",\"asset\":\"" + asset + "\"}";
    }

    private static void assertPosting(JsonNode posting, UUID account, String side, long amount) {
        assertThat(posting.get("account").asString()).isEqualTo(account.toString());
        assertThat(posting.get("side").asString()).isEqualTo(side);
        assertThat(posting.get("amount").asLong()).isEqualTo(amount);
        assertThat(posting.get("asset").asString()).isEqualTo("USD");
        assertThat(posting.get("pendingDelta").asLong()).isZero();
    }

    private static Map<String, Integer> exponents(JsonNode assets) {
        var map = new java.util.HashMap<String, Integer>();
        assets.forEach(asset -> map.put(asset.get("code").asString(), asset.get("exponent").asInt()));
        return map;
    }
}
