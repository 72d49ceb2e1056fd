package dev.creditledger.server.api;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Says, for people, what was wrong with an unreadable JSON body: where, and what was expected. */
final class JsonErrors {
    private JsonErrors() {}

    static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (cause instanceof DatabindException databind) {
            var path = databind.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                    .orElse("body");
            return "invalid value at '" + path + "': " + databind.getOriginalMessage();
        }
        if (cause != null && cause.getMessage() != null) {
            var message = cause.getMessage();
            int newline = message.indexOf('\n');
            return "malformed JSON: " + (newline > 0 ? message.substring(0, newline) : message);
        }
        return "the request body is missing or is not valid JSON";
    }
}
