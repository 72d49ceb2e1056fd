package dev.creditledger.bench.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal HTTP/1.1 keep-alive client over one blocking socket, for one thread at a time. It costs
 * little CPU, which matters because the load generator shares the machine's cores with the server:
 * the header bytes that never change (Host, Authorization, Accept, Content-Type) are built once, each
 * request is the request line, those bytes, a Content-Length and the JSON body, written with one
 * write; the response is read by {@link HttpResponseParser}.
 *
 * What can go wrong: any {@link IOException} (refused, reset, timeout after {@code timeoutMs}, closed
 * by the server) closes the socket, because a response that may still arrive would be read as the
 * answer to the next request; the next request opens a new connection. A connection idle for longer
 * than {@link #IDLE_REUSE_MS_MAX} is reopened before use, because the server may have closed it
 * (Tomcat's keep-alive timeout is 20 s) and a write to it would end as an unknown outcome.
 */
public final class HttpConnection implements AutoCloseable {

    public static final int CONNECT_TIMEOUT_MS = 5_000;
    public static final long IDLE_REUSE_MS_MAX = 10_000;
    private static final byte[] HTTP_VERSION_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_TYPE_JSON = "Content-Type: application/json\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final int timeoutMs;
    private final byte[] fixedHeaders;
    private byte[] request = new byte[4096];
    private Socket socket;
    private OutputStream out;
    private HttpResponseParser parser;
    private long lastUsedNanos;
    private long opened;

    /**
     * @param baseUrl     {@code http://host:port}
     * @param bearerToken the API key sent as {@code Authorization: Bearer}, or null for none
     * @param timeoutMs   how long a read may block before the request counts as unknown
     */
    public HttpConnection(String baseUrl, String bearerToken, int timeoutMs) {
        var uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the kit speaks plain HTTP to a host: " + baseUrl);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.timeoutMs = timeoutMs;
        var headers = new StringBuilder().append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Accept: application/json\r\n");
        if (bearerToken != null) {
            headers.append("Authorization: Bearer ").append(bearerToken).append("\r\n");
        }
        this.fixedHeaders = headers.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public HttpResponse get(String path) throws IOException {
        return send("GET", path, null);
    }

    public HttpResponse post(String path, byte[] jsonBody) throws IOException {
        return send("POST", path, jsonBody);
    }

    /** Sends one request and reads its response; on any failure the connection is closed and the error thrown. */
    public HttpResponse send(String method, String path, byte[] jsonBody) throws IOException {
        try {
            ensureOpen();
            int size = encode(method, path, jsonBody);
            out.write(request, 0, size);
            out.flush();
            var response = parser.read("HEAD".equals(method));
            lastUsedNanos = System.nanoTime();
            if (response.closesConnection()) {
                close();
            }
            return response;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How many sockets this connection has opened (the server closes keep-alive connections after some requests). */
    public long socketsOpened() {
        return opened;
    }

    private void ensureOpen() throws IOException {
        if (socket != null && System.nanoTime() - lastUsedNanos > IDLE_REUSE_MS_MAX * 1_000_000L) {
            close();
        }
        if (socket == null) {
            var s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                s.setSoTimeout(timeoutMs);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            out = new BufferedOutputStream(s.getOutputStream(), 8192);
            parser = new HttpResponseParser(s.getInputStream());
            lastUsedNanos = System.nanoTime();
            opened++;
        }
    }

    private int encode(String method, String path, byte[] body) {
        int size = 0;
        size = put(size, method);
        request = ensure(request, size + 1);
        request[size++] = ' ';
        size = put(size, path);
        size = put(size, HTTP_VERSION_CRLF);
        size = put(size, fixedHeaders);
        if (body != null) {
            size = put(size, CONTENT_TYPE_JSON);
            size = put(size, CONTENT_LENGTH);
            size = put(size, Integer.toString(body.length));
            size = put(size, CRLF);
        }
        size = put(size, CRLF);
        if (body != null) {
            size = put(size, body);
        }
        return size;
    }

    private int put(int size, String ascii) {
        request = ensure(request, size + ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            request[size++] = (byte) ascii.charAt(i);
        }
        return size;
    }

    private int put(int size, byte[] bytes) {
        request = ensure(request, size + bytes.length);
        System.arraycopy(bytes, 0, request, size, bytes.length);
        return size + bytes.length;
    }

    private static byte[] ensure(byte[] buffer, int needed) {
        return needed <= buffer.length ? buffer : Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a socket that is already broken: nothing more to do.
            }
            socket = null;
            out = null;
            parser = null;
        }
    }
}
