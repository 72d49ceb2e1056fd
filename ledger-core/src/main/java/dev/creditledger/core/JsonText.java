package dev.creditledger.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * The few pieces of JSON the domain writes itself (event payloads, metadata stored as jsonb), so that
 * no JSON library is needed below the server: RFC 8259 string escapes and a flat object of strings
 * with its keys sorted, so the same map always gives the same text.
 */
public final class JsonText {
    private JsonText() {}

    /** Appends {@code value} as a JSON string. */
    public static StringBuilder string(StringBuilder json, String value) {
        if (!needsEscape(value)) {
            // The common case (ids, codes, names): copied whole rather than char by char.
            return json.append('"').append(value).append('"');
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    private static boolean needsEscape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** Appends {@code map} as a JSON object of strings, keys in sorted order. */
    public static StringBuilder object(StringBuilder json, Map<String, String> map) {
        json.append('{');
        boolean first = true;
        for (var e : new TreeMap<>(map).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, e.getKey()).append(':');
            string(json, e.getValue());
        }
        return json.append('}');
    }

    /** {@code map} as a JSON object of strings, keys in sorted order. */
    public static String object(Map<String, String> map) {
        return object(new StringBuilder(16 + 32 * map.size()), map).toString();
    }
}
