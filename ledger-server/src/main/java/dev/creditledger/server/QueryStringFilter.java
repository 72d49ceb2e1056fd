package dev.creditledger.server;

import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string that cannot mean anything before any handler reads it: a malformed
 * percent-escape, bytes that are not UTF-8 once decoded, or a control character (U+0000 to U+001F,
 * U+007F) in a name or value. Each is 400 MALFORMED_QUERY. Without this, the servlet container decodes
 * such bytes into replacement characters that surface as server errors, and a NUL reaches PostgreSQL,
 * which refuses it as if the database had failed.
 */
public final class QueryStringFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var query = request.getQueryString();
        var problem = query == null ? null : problem(query);
        if (problem != null) {
            Problems.write(request, response, ApiError.MALFORMED_QUERY, problem);
            return;
        }
        chain.doFilter(request, response);
    }

    /** What is wrong with a raw query string, or null when every name and value decodes cleanly. */
    static String problem(String query) {
        for (var pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            var name = eq < 0 ? pair : pair.substring(0, eq);
            var problem = problemOf(name, "a parameter name");
            if (problem == null && eq >= 0) {
                problem = problemOf(pair.substring(eq + 1), "the value of '" + printable(name) + "'");
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String problemOf(String encoded, String what) {
        var bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0
                        || Character.digit(encoded.charAt(i + 2), 16) < 0) {
                    return what + " has a malformed percent-escape";
                }
                bytes.write(Character.digit(encoded.charAt(i + 1), 16) * 16 + Character.digit(encoded.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0x7f) {
                // A raw non-ASCII character in the request line; the container has read it as one byte.
                bytes.write(c & 0xff);
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return what + " is not UTF-8 once percent-decoded";
        }
        if (decoded.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            return what + " has a control character";
        }
        return null;
    }

    /** A name for a detail message: escapes kept as they were sent, at most 64 characters. */
    private static String printable(String encodedName) {
        var visible = encodedName.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f) ? encodedName : "?";
        return visible.length() > 64 ? visible.substring(0, 64) + "..." : visible;
    }
}
