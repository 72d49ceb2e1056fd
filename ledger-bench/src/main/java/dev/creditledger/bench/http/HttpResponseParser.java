package dev.creditledger.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads HTTP/1.1 responses from a keep-alive connection: the status line, the headers the kit needs
 * ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection}, {@code Ledger-Seq},
 * {@code Ledger-Projected-Seq}) and the body, delimited by its length, by chunks, or (neither given) by
 * the end of the connection. It keeps its own buffer, so a response may arrive in any number of reads,
 * split anywhere, and bytes of the next response stay buffered for the next call.
 *
 * What can go wrong: a malformed or over-long status line, header or chunk size is an
 * {@link IOException} (the caller must close the connection: its framing is lost); so is the end of the
 * stream in the middle of a response ({@link EOFException}). Interim 1xx responses are skipped.
 */
public final class HttpResponseParser {

    public static final int BUFFER_BYTES = 16 * 1024;
    public static final int LINE_BYTES_MAX = 8 * 1024;
    public static final int HEADERS_MAX = 100;
    public static final int BODY_BYTES_MAX = 64 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;

    public HttpResponseParser(InputStream in) {
        this.in = in;
    }

    /** Reads the next complete response. */
    public HttpResponse read(boolean headRequest) throws IOException {
        while (true) {
            var statusLine = readLine();
            if (statusLine == null) {
                throw new EOFException("the connection closed before a response");
            }
            int status = parseStatus(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            long seq = HttpResponse.HEADER_ABSENT;
            long projected = HttpResponse.HEADER_ABSENT;
            for (int headers = 0; ; headers++) {
                var line = readLine();
                if (line == null) {
                    throw new EOFException("the connection closed inside the headers");
                }
                if (line.isEmpty()) {
                    break;
                }
                if (headers >= HEADERS_MAX) {
                    throw new IOException("more than HEADERS_MAX " + HEADERS_MAX + " headers");
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + line);
                }
                var name = line.substring(0, colon).trim();
                var value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    contentLength = parseLong(value, "Content-Length");
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).endsWith("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = value.equalsIgnoreCase("close");
                } else if (name.equalsIgnoreCase("Ledger-Seq")) {
                    seq = parseLong(value, "Ledger-Seq");
                } else if (name.equalsIgnoreCase("Ledger-Projected-Seq")) {
                    projected = parseLong(value, "Ledger-Projected-Seq");
                }
            }
            if (status >= 100 && status < 200) {
                continue; // interim response (100 Continue, 103 Early Hints): the real one follows
            }
            byte[] body;
            if (headRequest || status == 204 || status == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = readChunked();
            } else if (contentLength >= 0) {
                if (contentLength > BODY_BYTES_MAX) {
                    throw new IOException("a body of " + contentLength + " bytes is over BODY_BYTES_MAX " + BODY_BYTES_MAX);
                }
                body = readExactly((int) contentLength);
            } else {
                body = readToEnd();
                close = true;
            }
            return new HttpResponse(status, body, seq, projected, close);
        }
    }

    private static int parseStatus(String line) throws IOException {
        // "HTTP/1.1 201 Created" (the reason phrase may be empty or absent)
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("malformed status line: " + line);
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line: " + line);
        }
    }

    private static long parseLong(String value, String header) throws IOException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException("malformed " + header + ": " + value);
        }
    }

    private byte[] readChunked() throws IOException {
        var body = new byte[256];
        int size = 0;
        while (true) {
            var line = readLine();
            if (line == null) {
                throw new EOFException("the connection closed inside a chunked body");
            }
            int extension = line.indexOf(';');
            var hex = (extension >= 0 ? line.substring(0, extension) : line).trim();
            int chunk;
            try {
                chunk = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + line);
            }
            if (chunk < 0 || size + (long) chunk > BODY_BYTES_MAX) {
                throw new IOException("a chunked body over BODY_BYTES_MAX " + BODY_BYTES_MAX);
            }
            if (chunk == 0) {
                // Trailers, if any, end with an empty line.
                String trailer;
                do {
                    trailer = readLine();
                    if (trailer == null) {
                        throw new EOFException("the connection closed inside the trailers");
                    }
                } while (!trailer.isEmpty());
                return Arrays.copyOf(body, size);
            }
            if (size + chunk > body.length) {
                body = Arrays.copyOf(body, Math.max(body.length * 2, size + chunk));
            }
            readFully(body, size, chunk);
            size += chunk;
            var end = readLine();
            if (end == null || !end.isEmpty()) {
                throw new IOException("a chunk is not followed by CRLF");
            }
        }
    }

    private byte[] readExactly(int length) throws IOException {
        var body = new byte[length];
        readFully(body, 0, length);
        return body;
    }

    private void readFully(byte[] target, int offset, int length) throws IOException {
        int copied = 0;
        while (copied < length) {
            if (position == limit && !fill()) {
                throw new EOFException("the connection closed after " + copied + " of " + length + " body bytes");
            }
            int n = Math.min(length - copied, limit - position);
            System.arraycopy(buffer, position, target, offset + copied, n);
            position += n;
            copied += n;
        }
    }

    private byte[] readToEnd() throws IOException {
        var body = new byte[256];
        int size = 0;
        while (position < limit || fill()) {
            int n = limit - position;
            if (size + (long) n > BODY_BYTES_MAX) {
                throw new IOException("a body over BODY_BYTES_MAX " + BODY_BYTES_MAX);
            }
            if (size + n > body.length) {
                body = Arrays.copyOf(body, Math.max(body.length * 2, size + n));
            }
            System.arraycopy(buffer, position, body, size, n);
            size += n;
            position = limit;
        }
        return Arrays.copyOf(body, size);
    }

    /** A line without its CRLF (a bare LF is accepted), or null at the end of the stream before any byte. */
    private String readLine() throws IOException {
        var line = new StringBuilder(64);
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                throw new EOFException("the connection closed inside a line");
            }
            any = true;
            byte b = buffer[position++];
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            if (line.length() >= LINE_BYTES_MAX) {
                throw new IOException("a line over LINE_BYTES_MAX " + LINE_BYTES_MAX + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    /** Reads more bytes into an empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** For tests and diagnostics: bytes received but not consumed yet. */
    int buffered() {
        return limit - position;
    }
}
