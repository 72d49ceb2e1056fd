package dev.creditledger.bench.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client against a scripted server on 127.0.0.1: the exact bytes of a request, keep-alive reuse,
 * and a new connection after the server answers {@code Connection: close}.
 */
class HttpConnectionTest {

    @Test
    void sendsTheRequestBytesReusesTheConnectionAndReconnectsAfterClose() throws Exception {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        try (var server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            var thread = Thread.ofPlatform().daemon().start(() -> serve(server, requests));
            try (var connection = new HttpConnection("http://127.0.0.1:" + server.getLocalPort(), "secret", 5_000)) {
                var first = connection.post("/v1/transfers", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
                var second = connection.get("/v1/views/totals");
                var third = connection.get("/v1/views/totals");
                assertThat(first.status()).isEqualTo(201);
                assertThat(first.ledgerSeq()).isEqualTo(1);
                assertThat(second.closesConnection()).isTrue();
                assertThat(third.ledgerSeq()).isEqualTo(1); // the first answer of the second connection
                assertThat(connection.socketsOpened()).isEqualTo(2);
            }
            thread.join(5_000);
        }
        assertThat(requests.getFirst()).isEqualTo("POST /v1/transfers HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + requests.getFirst().split("Host: 127.0.0.1:")[1].split("\r\n")[0] + "\r\n"
                + "Accept: application/json\r\n"
                + "Authorization: Bearer secret\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 7\r\n"
                + "\r\n"
                + "{\"a\":1}");
        assertThat(requests.get(1)).startsWith("GET /v1/views/totals HTTP/1.1\r\n").endsWith("\r\n\r\n").doesNotContain("Content-Length");
        assertThat(requests).hasSize(3);
    }

    /** Two connections: the first answers two requests, the second of them with Connection: close; the second answers one. */
    private static void serve(ServerSocket server, List<String> requests) {
        try {
            for (int connection = 0; connection < 2; connection++) {
                try (var socket = server.accept()) {
                    var in = socket.getInputStream();
                    var out = socket.getOutputStream();
                    int answers = connection == 0 ? 2 : 1;
                    for (int i = 1; i <= answers; i++) {
                        requests.add(readRequest(in));
                        boolean close = connection == 0 && i == 2;
                        out.write(("HTTP/1.1 201 \r\nLedger-Seq: " + i + "\r\n" + (close ? "Connection: close\r\n" : "")
                                + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        int contentLength = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            bytes.write(b);
            var text = bytes.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                for (var line : text.split("\r\n")) {
                    if (line.startsWith("Content-Length: ")) {
                        contentLength = Integer.parseInt(line.substring(16));
                    }
                }
                bytes.write(in.readNBytes(contentLength));
                return bytes.toString(StandardCharsets.US_ASCII);
            }
        }
    }
}
