package dev.creditledger.server;

import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.Problems;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report for requests it refuses before any servlet sees them (a path that is not UTF-8
 * once decoded, an encoded NUL in the path, a request line or headers too long): the same
 * application/problem+json with a stable code as every other refusal, instead of Tomcat's HTML page.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var error = switch (status) {
            case 404 -> ApiError.NOT_FOUND;
            case 405 -> ApiError.METHOD_NOT_ALLOWED;
            case 413 -> ApiError.REQUEST_TOO_LARGE;
            case 414 -> ApiError.URI_TOO_LONG;
            case 431 -> ApiError.HEADERS_TOO_LARGE;
            default -> status >= 500 ? ApiError.INTERNAL_ERROR : ApiError.MALFORMED_REQUEST;
        };
        try {
            response.resetBuffer();
            int kept = response.getStatus();
            Problems.write(request, response, error, "the server could not read this request (HTTP " + kept + ")");
            response.setStatus(kept);
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response committed: nothing more can be said.
        }
    }
}
