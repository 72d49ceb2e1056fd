package dev.creditledger.server;

import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.Problems;
import dev.creditledger.core.Limits;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies larger than {@link Limits#REQUEST_BODY_BYTES_MAX}: at once when Content-Length says
 * so, and while reading when a chunked body grows past it. Either way the answer is 413
 * REQUEST_TOO_LARGE and nothing is queued.
 */
public final class BodySizeLimitFilter extends OncePerRequestFilter {

    /** Raised while reading a chunked body that exceeds the limit; mapped to 413 by the exception handler. */
    public static final class BodyTooLargeException extends IOException {
        public BodyTooLargeException() {
            super("the request body exceeds REQUEST_BODY_BYTES_MAX " + Limits.REQUEST_BODY_BYTES_MAX + " bytes");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > Limits.REQUEST_BODY_BYTES_MAX) {
            Problems.write(request, response, ApiError.REQUEST_TOO_LARGE,
                    "the request body exceeds REQUEST_BODY_BYTES_MAX " + Limits.REQUEST_BODY_BYTES_MAX + " bytes");
            return;
        }
        chain.doFilter(new LimitedRequest(request), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        LimitedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            var in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) count(1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) count(n);
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > Limits.REQUEST_BODY_BYTES_MAX) {
                        throw new BodyTooLargeException();
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
