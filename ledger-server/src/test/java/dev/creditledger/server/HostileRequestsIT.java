package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hostile-input kit: generates requests against every write endpoint, each a valid-looking request
 * with one thing made wrong (a field removed, of the wrong type, out of range, an unknown or foreign id,
 * a string with NUL, a lone surrogate, SQL or script injection, odd Unicode, truncated or invalid JSON,
 * invalid UTF-8, deep nesting, a huge body, a wrong content type, broken percent-escapes in the path or
 * query), plus random combinations of them. The targets are chosen so that their state refuses any valid
 * request (an empty noOverdraft payer, a voided hold, a fully reversed transfer or entry, a released escrow, a
 * closed account, an unknown asset), so every request must be refused, whatever field the mutation hit.
 *
 * Checks: zero 5xx, every answer arrives (no connection reset before one), every refusal is
 * application/problem+json with a code, and the ledger's journal is unchanged (accounts, balances,
 * versions and last sequence). Size: {@code ledger.hostile.requests} (2,000 in {@code ./ledger test}; the
 * full kit, {@code ./ledger hostile}, sends 10,000).
 */
class HostileRequestsIT extends E2eTestBase {

    private static final int REQUESTS = Integer.getInteger("ledger.hostile.requests", 2_000);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that must never matter: injection, NUL, surrogates, direction overrides, huge, odd. */
    private static final List<String> HOSTILE_STRINGS = List.of(
            "'; DROP TABLE entries; --", "\" OR 1=1 --", "1); DELETE FROM balances; --", "<script>alert(1)</script>",
            "${jndi:ldap://x/a}", "{{7*7}}", "../../etc/passwd", "a\u0000b", "\u0000", "\uD800", "\uDFFF", "\u202Eevil",
            "\uFEFF", "\u200B", "e\u0301", "\uD83D\uDCB0", "%00", "%s%s%s%n", "\\u0000", " ", "", "x".repeat(70_000),
            "\r\nX-Injected: 1", "null", "NaN", "-0", "0x10", "１２３");

    /** One generated request. */
    private record Probe(String method, String path, String contentType, byte[] body, String what) {}

    /** One write endpoint: its path and a body that its target's state refuses. */
    private record Endpoint(String path, ObjectNode body) {}

    @Test
    void hostileRequestsAreRefusedWithProblemsAndChangeNothing() {
        var ledger = newLedger();
        var funded = account(ledger, "{\"asset\":\"USD\"}");
        var empty = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var receiver = account(ledger, "{\"asset\":\"USD\"}");
        var credits = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\",\"overdraftLimit\":0}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        var noRule = account(ledger, "{\"asset\":\"POINTS\"}");
        var member = account(ledger, "{\"asset\":\"POINTS\",\"noOverdraft\":true}");
        var closed = account(ledger, "{\"asset\":\"USD\"}");
        post("/v1/accounts/" + closed + "/close", ledger.writeKey(), null).expect(201);
        var hold = hold(ledger, funded, receiver, 50, null).expect(201).id();
        post("/v1/transfers/" + hold + "/void", ledger.writeKey(), null).expect(201);
        var reversed = transfer(ledger, funded, receiver, 100, "USD").expect(201).id();
        post("/v1/transfers/" + reversed + "/reverse", ledger.writeKey(), null).expect(201);
        var order = "order-" + UUID.randomUUID();
        post("/v1/escrows", ledger.writeKey(), "{\"orderId\":\"" + order + "\",\"buyer\":\"" + funded + "\",\"seller\":\"" + receiver
                + "\",\"amount\":10,\"asset\":\"USD\"}").expect(201);
        post("/v1/escrows/" + order + "/release", ledger.writeKey(), "{}").expect(201);
        var corrected = post("/v1/entries", ledger.writeKey(), "{\"postings\":[{\"account\":\"" + funded
                + "\",\"side\":\"DEBIT\",\"amount\":30,\"asset\":\"USD\"},{\"account\":\"" + receiver
                + "\",\"side\":\"CREDIT\",\"amount\":30,\"asset\":\"USD\"}]}").expect(201).id();
        post("/v1/entries/" + corrected + "/reverse", ledger.writeKey(), null).expect(201);
        var foreign = account(newLedger(), "{\"asset\":\"USD\"}");

        var endpoints = List.of(
                new Endpoint("/v1/accounts", object("asset", "ZZZ", "code", "c-" + UUID.randomUUID(), "metadata", object("k", "v"))),
                new Endpoint("/v1/transfers", transferBody(empty, receiver)),
                new Endpoint("/v1/transfers/batch", batch(transferBody(empty, receiver))),
                new Endpoint("/v1/transfers/" + hold + "/capture", object("amount", 10, "metadata", object("k", "v"))),
                new Endpoint("/v1/transfers/" + hold + "/void", object("metadata", object("k", "v"))),
                new Endpoint("/v1/transfers/" + reversed + "/reverse", object("amount", 1, "metadata", object("k", "v"))),
                new Endpoint("/v1/entries", entry(empty, receiver)),
                new Endpoint("/v1/entries/" + corrected + "/reverse", object("amount", 1, "metadata", object("k", "v"))),
                new Endpoint("/v1/grants", object("account", credits.toString(), "from", overage.toString(), "amount", 5,
                        "asset", "CREDITS", "source", "plan", "metadata", object("k", "v"))),
                new Endpoint("/v1/usage", object("account", credits.toString(), "overageAccount", overage.toString(),
                        "revenueAccount", revenue.toString(), "amount", 5, "asset", "CREDITS")),
                new Endpoint("/v1/escrows", object("orderId", order, "buyer", empty.toString(), "seller", receiver.toString(),
                        "amount", 10, "asset", "USD")),
                new Endpoint("/v1/escrows/" + order + "/release", object("fee", 1, "feeAccount", receiver.toString())),
                new Endpoint("/v1/escrows/" + order + "/refund", object("amount", 1)),
                new Endpoint("/v1/loyalty/earn", object("member", member.toString(), "program", noRule.toString(), "spend", 1000)),
                new Endpoint("/v1/accounts/" + closed + "/alert-thresholds", object("thresholds", array(10, 20))));

        var probes = generate(endpoints, foreign, new Random(20261202L));
        assertThat(probes).hasSizeGreaterThanOrEqualTo(REQUESTS);
        var before = snapshot(ledger);
        long lastSeq = lastSeq(ledger);
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        List<String> findings = new ArrayList<>();
        for (var probe : probes) {
            var answer = send(ledger.writeKey(), probe);
            byStatus.merge(answer.status() == 0 ? "no answer" : Integer.toString(answer.status()), 1, Integer::sum);
            if (answer.status() == 0 || answer.status() >= 500) {
                findings.add(answer.status() + " for " + probe.what() + ": " + abbreviate(answer.body()));
            } else if (answer.status() < 400 && !(answer.status() == 200 && probe.path().endsWith("/batch")
                    && answer.body().contains("\"accepted\":0"))) {
                findings.add("accepted (" + answer.status() + ") " + probe.what() + ": " + abbreviate(answer.body()));
            } else if (answer.status() >= 400 && (!answer.contentType().startsWith("application/problem+json")
                    || !answer.body().contains("\"code\":"))) {
                findings.add(answer.status() + " without a problem body for " + probe.what() + ": " + answer.contentType() + " "
                        + abbreviate(answer.body()));
            }
        }
        System.out.printf("hostile requests: %d sent, answers by status %s, %d findings%n", probes.size(), byStatus, findings.size());
        assertThat(findings).as("hostile requests that were not refused cleanly, of %d", probes.size()).isEmpty();
        assertThat(lastSeq(ledger)).isEqualTo(lastSeq);
        assertThat(snapshot(ledger)).as("the journal is unchanged").isEqualTo(before);
    }

    // ---- generation ----

    private List<Probe> generate(List<Endpoint> endpoints, UUID foreign, Random random) {
        List<Probe> probes = new ArrayList<>();
        for (var endpoint : endpoints) {
            var fields = fieldPaths(endpoint.body(), "");
            for (var field : fields) {
                for (var value : wrongValues(field, foreign)) {
                    probes.add(json(endpoint, replaced(endpoint.body(), field, value), field + " = " + abbreviate(value.toString())));
                }
                probes.add(json(endpoint, removed(endpoint.body(), field), "without " + field));
            }
            var text = endpoint.body().toString();
            for (int cut : new int[] {1, text.length() / 3, text.length() / 2, text.length() - 1}) {
                probes.add(raw(endpoint.path(), "application/json", text.substring(0, cut), "truncated at " + cut));
            }
            probes.add(raw(endpoint.path(), "application/json", text.replaceFirst("\\{", "{\"surprise\":1,"), "an unknown field"));
            probes.add(raw(endpoint.path(), "application/json", duplicateFirstField(text), "a duplicated field"));
            probes.add(raw(endpoint.path(), "application/json", "[".repeat(20_000) + "]".repeat(20_000), "deep nesting"));
            probes.add(raw(endpoint.path(), "application/json", "{\"k\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}", "a 9 MiB body"));
            probes.add(new Probe("POST", endpoint.path(), "application/json", invalidUtf8(text), "invalid UTF-8 in the body"));
            probes.add(raw(endpoint.path(), "text/plain", text, "text/plain"));
            probes.add(raw(endpoint.path(), "application/xml", "<x/>", "XML"));
            probes.add(raw(endpoint.path() + "?limit=%FF%FE", "application/json", text, "invalid UTF-8 in the query"));
            probes.add(raw(endpoint.path().replaceFirst("/v1/", "/v1/%FF/"), "application/json", text, "invalid UTF-8 in the path"));
            probes.add(raw(endpoint.path() + "%00", "application/json", text, "NUL in the path"));
        }
        while (probes.size() < REQUESTS) {
            var endpoint = endpoints.get(random.nextInt(endpoints.size()));
            var fields = fieldPaths(endpoint.body(), "");
            var body = endpoint.body().deepCopy();
            var what = new StringBuilder("combined:");
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                var field = fields.get(random.nextInt(fields.size()));
                var values = wrongValues(field, foreign);
                var value = values.get(random.nextInt(values.size()));
                body = replaced(body, field, value);
                what.append(' ').append(field).append(" = ").append(abbreviate(value.toString()));
            }
            probes.add(json(endpoint, body, what.toString()));
        }
        return probes;
    }

    /** Values that are wrong for a field whatever else the request says: types, ranges, ids, hostile strings. */
    private static List<JsonNode> wrongValues(String field, UUID foreign) {
        List<JsonNode> values = new ArrayList<>(List.of(NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(),
                NODES.numberNode(1.5), NODES.numberNode(new java.math.BigDecimal("1e400")),
                NODES.numberNode(new java.math.BigInteger("9223372036854775808")),
                NODES.numberNode(new java.math.BigInteger("-9223372036854775809"))));
        var last = field.substring(field.lastIndexOf('.') + 1);
        switch (last) {
            case "amount", "spend", "fee" -> values.addAll(List.of(NODES.numberNode(0), NODES.numberNode(-1),
                    NODES.numberNode(1_000_000_000_000_000_001L), NODES.stringNode("12")));
            case "account", "from", "to", "buyer", "seller", "feeAccount", "overageAccount", "revenueAccount", "member", "program" ->
                    values.addAll(List.of(NODES.stringNode(UUID.randomUUID().toString()), NODES.stringNode(foreign.toString()),
                            NODES.stringNode("not-a-uuid"), NODES.stringNode(""), NODES.stringNode("00000000-0000-0000-0000-00000000000\u0000"),
                            NODES.numberNode(12)));
            // Refused on every endpoint: an account's own asset must stay invalid too ("EUR", which mismatches a USD
            // account's transfer, would open an account), so "ZZY" (not defined) stands for the mismatch.
            case "asset" -> values.addAll(List.of(NODES.stringNode("usd"), NODES.stringNode("ZZY"), NODES.stringNode("A".repeat(17)),
                    NODES.numberNode(840)));
            case "side" -> values.addAll(List.of(NODES.stringNode("UP"), NODES.stringNode(""), NODES.numberNode(0)));
            case "thresholds", "postings", "transfers" -> values.addAll(List.of(NODES.stringNode("x"), NODES.numberNode(3)));
            case "metadata" -> values.addAll(List.of(NODES.stringNode("x"), NODES.numberNode(3), object("k", 12), object("k", object("n", "x"))));
            default -> values.add(NODES.numberNode(12));
        }
        if (!last.equals("metadata") && !last.equals("thresholds") && !last.equals("postings") && !last.equals("transfers")) {
            HOSTILE_STRINGS.forEach(s -> values.add(NODES.stringNode(s)));
        } else if (last.equals("metadata")) {
            HOSTILE_STRINGS.forEach(s -> values.add(object(s.isEmpty() ? "k" : s, s)));
        }
        return values;
    }

    private static List<String> fieldPaths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        if (node instanceof ObjectNode object) {
            for (var name : object.propertyNames()) {
                var path = prefix.isEmpty() ? name : prefix + "." + name;
                paths.add(path);
                if (object.get(name) instanceof ArrayNode array && !array.isEmpty() && array.get(0).isObject()) {
                    paths.addAll(fieldPaths(array.get(0), path + ".0"));
                }
            }
        }
        return paths;
    }

    /** The body with the field at {@code path} set to {@code value}; unchanged when an earlier mutation removed its parent. */
    private static ObjectNode replaced(ObjectNode body, String path, JsonNode value) {
        var copy = body.deepCopy();
        var parts = path.split("\\.");
        JsonNode parent = copy;
        for (int i = 0; i < parts.length - 1 && parent != null; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        if (parent instanceof ObjectNode object) {
            object.set(parts[parts.length - 1], value);
        }
        return copy;
    }

    private static ObjectNode removed(ObjectNode body, String path) {
        var copy = body.deepCopy();
        var parts = path.split("\\.");
        JsonNode parent = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        ((ObjectNode) parent).remove(parts[parts.length - 1]);
        return copy;
    }

    private static String duplicateFirstField(String text) {
        int colon = text.indexOf(':');
        int comma = text.indexOf(',');
        return comma < 0 || colon < 0 ? text + "x" : "{" + text.substring(1, comma) + "," + text.substring(1);
    }

    private static byte[] invalidUtf8(String text) {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        var out = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, out, 0, 2);
        out[2] = (byte) 0xC3;
        out[3] = (byte) 0x28;
        System.arraycopy(bytes, 2, out, 4, bytes.length - 2);
        return out;
    }

    private static Probe json(Endpoint endpoint, ObjectNode body, String what) {
        return raw(endpoint.path(), "application/json", body.toString(), endpoint.path() + " " + what);
    }

    private static Probe raw(String path, String contentType, String body, String what) {
        return new Probe(path.endsWith("/alert-thresholds") ? "PUT" : "POST", path, contentType, body.getBytes(StandardCharsets.UTF_8),
                what.startsWith("/") ? what : path + " " + what);
    }

    private static ObjectNode object(Object... pairs) {
        var node = NODES.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            var value = pairs[i + 1];
            node.set((String) pairs[i], value instanceof JsonNode j ? j : value instanceof Integer n ? NODES.numberNode(n)
                    : NODES.stringNode(value.toString()));
        }
        return node;
    }

    private static ArrayNode array(int... values) {
        var node = NODES.arrayNode();
        for (var v : values) {
            node.add(v);
        }
        return node;
    }

    private static ObjectNode transferBody(UUID from, UUID to) {
        return object("from", from.toString(), "to", to.toString(), "amount", 10, "asset", "USD", "metadata", object("k", "v"));
    }

    private static ObjectNode batch(ObjectNode transfer) {
        var transfers = NODES.arrayNode();
        transfers.add(transfer);
        return object("transfers", transfers);
    }

    private static ObjectNode entry(UUID debit, UUID credit) {
        var postings = NODES.arrayNode();
        postings.add(object("account", debit.toString(), "side", "DEBIT", "amount", 10, "asset", "USD"));
        postings.add(object("account", credit.toString(), "side", "CREDIT", "amount", 10, "asset", "USD"));
        return object("postings", postings, "metadata", object("k", "v"));
    }

    // ---- sending ----

    private record Answer(int status, String contentType, String body) {}

    private Answer send(String key, Probe probe) {
        URI uri;
        try {
            uri = URI.create("http://localhost:" + port + probe.path());
        } catch (IllegalArgumentException unsendable) {
            return sendRaw(key, probe);
        }
        var request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key).header("Content-Type", probe.contentType())
                .method(probe.method(), HttpRequest.BodyPublishers.ofByteArray(probe.body())).build();
        try {
            var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (java.io.IOException e) {
            return new Answer(0, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** For paths an HTTP client refuses to send: the request line as raw bytes. */
    private Answer sendRaw(String key, Probe probe) {
        var head = probe.method() + " " + probe.path() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: " + probe.contentType() + "\r\nContent-Length: " + probe.body().length + "\r\nConnection: close\r\n\r\n";
        var answer = rawHttp(head + new String(probe.body(), StandardCharsets.UTF_8));
        if (answer.isEmpty()) {
            return new Answer(0, "", "");
        }
        int status = Integer.parseInt(answer.substring(9, 12));
        var contentType = answer.lines().filter(l -> l.toLowerCase().startsWith("content-type:")).findFirst()
                .map(l -> l.substring(13).trim()).orElse("");
        return new Answer(status, contentType, answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + ")" : s;
    }
}
