package dev.creditledger.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors;
import dev.creditledger.grpc.v1.AccountsProto;
import dev.creditledger.grpc.v1.CommonProto;
import dev.creditledger.grpc.v1.TransfersProto;
import dev.creditledger.server.ApiTestBase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * One word, {@code asset} (ADR 0019), without a server: how a body's {@code asset} and its deprecated alias
 * {@code currency} resolve, that the two spellings hash the same and as the stored hashes of before the rename
 * do, that no gRPC message has a {@code currency} field, and that the tests' check of every answer would catch
 * one. (The HTTP side, endpoint by endpoint, is CurrencyAliasIT.)
 */
class AssetWordTest {

    private static final JsonMapper MAPPER = LedgerJson.mapper();
    private static final RequestHasher HASHER = new RequestHasher(MAPPER);
    private static final String A = "0193a1c2-0000-7000-8000-000000000001";
    private static final String B = "0193a1c2-0000-7000-8000-000000000002";
    private static final String C = "0193a1c2-0000-7000-8000-000000000003";

    @Test
    void eitherNameGivesTheAssetAndTwoDifferentValuesAreRefused() {
        assertThat(Inputs.asset("USD", null, "asset")).isEqualTo("USD");
        assertThat(Inputs.asset(null, "USD", "asset")).isEqualTo("USD");
        assertThat(Inputs.asset("USD", "USD", "asset")).isEqualTo("USD");
        assertThatThrownBy(() -> Inputs.asset(null, null, "asset")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("VALIDATION_FAILED");
            assertThat(e.getMessage()).contains("'asset' is required");
        });
        assertThatThrownBy(() -> Inputs.asset("USD", "usd", "asset")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("ASSET_ALIAS_CONFLICT");
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.getMessage()).contains("'asset'", "'currency'");
        });
        assertThatThrownBy(() -> Inputs.asset("USD", "EUR", "postings[2].asset")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getMessage()).contains("'postings[2].asset'", "'postings[2].currency'"));
    }

    /**
     * The hash of a transfer is the one stored before the rename, written down here because stored hashes (kept
     * for the idempotency retention) were made by the earlier code: SHA-256 of the operation and the canonical
     * body, in which the asset was {@code currency}.
     */
    @Test
    void aTransferHashesAsBeforeTheRenameWhicheverNameItUses() throws Exception {
        var before = sha256(TransferRequests.CREATE_OPERATION + "\n{\"amount\":1234,\"currency\":\"USD\",\"from\":\"" + A
                + "\",\"metadata\":{\"order\":\"42\",},\"to\":\"" + B + "\",}");
        for (var name : List.of("\"asset\":\"USD\"", "\"currency\":\"USD\"", "\"currency\":\"USD\",\"asset\":\"USD\"")) {
            var body = MAPPER.readValue("{\"from\":\"" + A + "\",\"to\":\"" + B + "\",\"amount\":1234," + name
                    + ",\"metadata\":{\"order\":\"42\"},\"idempotencyKey\":\"k\"}", Requests.CreateTransfer.class);
            assertThat(HASHER.hash(TransferRequests.CREATE_OPERATION, body.hashed())).as(name).isEqualTo(before);
        }
    }

    /**
     * Every body that names an asset hashes the same with {@code asset}, with {@code currency} and with both, and the
     * same as its JSON as the service parsed it before the rename (accounts read {@code asset}, the others
     * {@code currency}), so a retry across the upgrade replays.
     */
    @Test
    void everyBodyHashesTheSameWhicheverNameItUsesAndAsBeforeTheRename() {
        assertHashes("POST /v1/accounts", Requests.CreateAccount.class, Requests.CreateAccount::hashed,
                n -> "{" + n + ",\"code\":\"wallet:alice\",\"noOverdraft\":true}", "asset");
        assertHashes("POST /v1/entries", Requests.CreateEntry.class, Requests.CreateEntry::hashed,
                n -> "{\"postings\":[{\"account\":\"" + A + "\",\"side\":\"DEBIT\",\"amount\":5," + n + "},{\"account\":\"" + B
                        + "\",\"side\":\"CREDIT\",\"amount\":5," + n + "}]}", "currency");
        assertHashes("POST /v1/grants", Requests.CreateGrant.class, Requests.CreateGrant::hashed,
                n -> "{\"account\":\"" + A + "\",\"from\":\"" + B + "\",\"amount\":10," + n + ",\"source\":\"plan\"}", "currency");
        assertHashes("POST /v1/escrows", Requests.FundEscrow.class, Requests.FundEscrow::hashed,
                n -> "{\"orderId\":\"o-1\",\"buyer\":\"" + A + "\",\"seller\":\"" + B + "\",\"amount\":10," + n + "}", "currency");
        assertHashes("POST /v1/usage", Requests.RecordUsage.class, Requests.RecordUsage::hashed,
                n -> "{\"account\":\"" + A + "\",\"overageAccount\":\"" + B + "\",\"revenueAccount\":\"" + C + "\",\"amount\":3," + n
                        + "}", "currency");
    }

    private static <T> void assertHashes(String operation, Class<T> type, Function<T, Object> hashed, Function<String, String> body,
                                         String nameBeforeTheRename) {
        var before = HASHER.hash(operation, MAPPER.readTree(body.apply("\"" + nameBeforeTheRename + "\":\"USD\"")));
        for (var name : List.of("\"asset\":\"USD\"", "\"currency\":\"USD\"", "\"asset\":\"USD\",\"currency\":\"USD\"")) {
            var parsed = MAPPER.readValue(body.apply(name), type);
            assertThat(HASHER.hash(operation, hashed.apply(parsed))).as("%s with %s", operation, name).isEqualTo(before);
        }
        // Guard: the hash does see the asset's value.
        assertThat(HASHER.hash(operation, hashed.apply(MAPPER.readValue(body.apply("\"asset\":\"EUR\""), type)))).isNotEqualTo(before);
    }

    /** Field numbers are the wire format; names are what clients read. No ledger.v1 message names a field currency. */
    @Test
    void noGrpcMessageHasACurrencyField() {
        List<Descriptors.FieldDescriptor> fields = new ArrayList<>();
        for (var file : List.of(AccountsProto.getDescriptor(), CommonProto.getDescriptor(), TransfersProto.getDescriptor())) {
            file.getMessageTypes().forEach(message -> collect(message, fields));
        }
        assertThat(fields).as("fields of ledger.v1").hasSizeGreaterThan(20);
        assertThat(fields).filteredOn(f -> f.getName().equals("asset")).extracting(f -> f.getContainingType().getName())
                .contains("CreateTransferRequest", "Transfer");
        assertThat(fields).filteredOn(f -> f.getName().contains("currency")).isEmpty();
        assertThat(TransfersProto.getDescriptor().findMessageTypeByName("CreateTransferRequest").findFieldByName("asset").getNumber())
                .as("the field number of CreateTransferRequest.asset, its identity on the wire").isEqualTo(4);
    }

    private static void collect(Descriptors.Descriptor message, List<Descriptors.FieldDescriptor> into) {
        into.addAll(message.getFields());
        message.getNestedTypes().forEach(nested -> collect(nested, into));
    }

    /** The check every API test applies to every answer finds a currency field at any depth, and ignores values. */
    @Test
    void theAnswerCheckOfTheApiTestsFindsCurrencyAtAnyDepth() {
        var nested = MAPPER.readTree("{\"items\":[{\"asset\":\"USD\"},{\"postings\":[{\"Currency\":\"USD\"}]}],\"x\":{\"currencyCode\":1}}");
        assertThat(ApiTestBase.currencyFields(nested, "$")).containsExactly("$.items[1].postings[0].Currency", "$.x.currencyCode");
        assertThatThrownBy(() -> ApiTestBase.assertAnswerSaysAsset("/v1/transfers", nested)).isInstanceOf(AssertionError.class);
        var clean = MAPPER.readTree("{\"asset\":\"USD\",\"detail\":\"'asset' and its deprecated alias 'currency' differ\"}");
        ApiTestBase.assertAnswerSaysAsset("/v1/transfers", clean);
        ApiTestBase.assertAnswerSaysAsset("/v3/api-docs", nested);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
