package dev.creditledger.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hashes a request for idempotency: SHA-256 over the operation (method, route and path variables) and
 * the canonical JSON of the parsed body, with object keys sorted and the idempotency key itself left
 * out. Whitespace or key order do not change the hash; any change of a value does.
 *
 * Stored hashes outlive the code that made them (ADR 0004), so a field's name in the canonical JSON is part of
 * the hash: a body that names its asset is hashed in its {@code hashed()} form ({@link Requests}), which keeps the
 * name its hashes were first stored with (ADR 0019).
 */
public final class RequestHasher {
    private final JsonMapper mapper;

    public RequestHasher(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public String hash(String operation, Object body) {
        var canonical = new StringBuilder(operation).append('\n');
        if (body != null) {
            appendCanonical(mapper.valueToTree(body), canonical, true);
        }
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void appendCanonical(JsonNode node, StringBuilder out, boolean root) {
        if (node.isObject()) {
            var fields = new TreeMap<String, JsonNode>();
            for (var entry : node.properties()) {
                if (!(root && entry.getKey().equals("idempotencyKey")) && !entry.getValue().isNull()) {
                    fields.put(entry.getKey(), entry.getValue());
                }
            }
            out.append('{');
            fields.forEach((key, value) -> {
                out.append(mapper.writeValueAsString(key)).append(':');
                appendCanonical(value, out, false);
                out.append(',');
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (var element : node) {
                appendCanonical(element, out, false);
                out.append(',');
            }
            out.append(']');
        } else {
            out.append(mapper.writeValueAsString(node));
        }
    }
}
