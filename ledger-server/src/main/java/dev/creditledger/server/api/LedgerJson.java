package dev.creditledger.server.api;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one definition of the service's strict JSON: money must never be moved by a typo (unknown
 * fields), a fraction, a quoted number, trailing garbage or a duplicated key. The Spring application
 * applies {@link #strict} to Boot's mapper builder ({@code WebConfiguration.strictJson()}); code
 * outside Spring (the codec benchmark, tools) takes {@link #mapper()}.
 *
 * What can differ: Boot's builder also registers the modules it finds and its ProblemDetail mix-in,
 * and honours {@code spring.jackson.*} properties; {@link #mapper()} starts from Jackson's defaults.
 * Request and transfer bodies use neither, so both decode and encode them the same way.
 */
public final class LedgerJson {
    private LedgerJson() {}

    /** Applies the strict settings to a builder and returns it. */
    public static JsonMapper.Builder strict(JsonMapper.Builder builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** A new mapper with the strict settings on Jackson's defaults. */
    public static JsonMapper mapper() {
        return strict(JsonMapper.builder()).build();
    }
}
