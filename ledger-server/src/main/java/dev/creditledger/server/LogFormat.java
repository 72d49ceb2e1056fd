package dev.creditledger.server;

import java.util.Locale;
import java.util.Map;

/**
 * The format of the service's log lines, chosen by one setting, {@value #VARIABLE}: {@code json} (Spring Boot's
 * structured logging in the Elastic Common Schema: one JSON object per line, with the request's
 * {@code traceId}, {@code requestId} and {@code ledgerId} as fields) or {@code text} (readable lines). {@code ledger
 * serve} writes JSON unless told otherwise, {@code ledger dev} text.
 */
public enum LogFormat {
    TEXT,
    JSON;

    public static final String VARIABLE = "LEDGER_LOG_FORMAT";

    /** The format the variable names, or {@code fallback} when it is not set; an unknown name is refused. */
    public static LogFormat from(String value, LogFormat fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + " must be json or text, not '" + value + "'");
        }
    }

    /** The Spring properties that select this format on the console. */
    public Map<String, Object> properties() {
        return this == JSON ? Map.of("logging.structured.format.console", "ecs") : Map.of();
    }
}
