package dev.creditledger.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response parser against responses written out by hand, whole and split into arbitrary reads. */
class HttpResponseParserTest {

    static final String CREATED = "HTTP/1.1 201 \r\n"
            + "Ledger-Seq: 42\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 13\r\n"
            + "\r\n"
            + "{\"id\":\"abc\"}\n";

    static final String CHUNKED = "HTTP/1.1 200 OK\r\n"
            + "transfer-encoding: chunked\r\n"
            + "ledger-projected-seq: 7\r\n"
            + "\r\n"
            + "5;name=value\r\n"
            + "hello\r\n"
            + "7\r\n"
            + ", world\r\n"
            + "0\r\n"
            + "Trailer-One: x\r\n"
            + "\r\n";

    static HttpResponseParser parser(String text, int readSize) {
        return new HttpResponseParser(new SplitStream(text.getBytes(StandardCharsets.ISO_8859_1), readSize));
    }

    @Test
    void contentLengthBodyWithTheLedgerSeqHeader() throws IOException {
        var response = parser(CREATED, Integer.MAX_VALUE).read(false);
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.ledgerSeq()).isEqualTo(42);
        assertThat(response.projectedSeq()).isEqualTo(HttpResponse.HEADER_ABSENT);
        assertThat(response.bodyText()).isEqualTo("{\"id\":\"abc\"}\n");
        assertThat(response.closesConnection()).isFalse();
        assertThat(response.acknowledged()).isTrue();
    }

    @Test
    void chunkedBodyWithAnExtensionAndTrailers() throws IOException {
        var response = parser(CHUNKED, Integer.MAX_VALUE).read(false);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.projectedSeq()).isEqualTo(7);
        assertThat(response.bodyText()).isEqualTo("hello, world"); // 5 + 7 bytes
    }

    @Test
    void responsesSplitIntoOneByteReadsParseTheSame() throws IOException {
        for (int readSize : new int[] {1, 2, 3, 7, 16}) {
            var p = parser(CREATED + CHUNKED, readSize);
            var first = p.read(false);
            var second = p.read(false);
            assertThat(first.bodyText()).as("read size %d", readSize).isEqualTo("{\"id\":\"abc\"}\n");
            assertThat(first.ledgerSeq()).isEqualTo(42);
            assertThat(second.bodyText()).as("read size %d", readSize).isEqualTo("hello, world");
            assertThat(second.projectedSeq()).isEqualTo(7);
        }
    }

    @Test
    void twoResponsesInOneReadLeaveTheSecondBuffered() throws IOException {
        var p = parser(CREATED + CREATED, Integer.MAX_VALUE);
        p.read(false);
        assertThat(p.buffered()).isEqualTo(CREATED.length());
        assertThat(p.read(false).status()).isEqualTo(201);
        assertThat(p.buffered()).isZero();
    }

    @Test
    void interimResponsesAreSkippedAndConnectionCloseIsReported() throws IOException {
        var text = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}";
        var response = parser(text, 5).read(false);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.closesConnection()).isTrue();
        assertThat(response.acknowledged()).isFalse();
        assertThat(response.refused()).isFalse();
    }

    @Test
    void withoutLengthOrChunksTheBodyEndsWithTheConnection() throws IOException {
        var response = parser("HTTP/1.1 200 OK\r\n\r\nuntil the end", 4).read(false);
        assertThat(response.bodyText()).isEqualTo("until the end");
        assertThat(response.closesConnection()).isTrue();
    }

    @Test
    void noBodyForNoContentAndHead() throws IOException {
        assertThat(parser("HTTP/1.1 204 No Content\r\n\r\n", 3).read(false).body()).isEmpty();
        assertThat(parser("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 3).read(true).body()).isEmpty();
    }

    @Test
    void aConnectionClosedMidResponseIsAnEofError() {
        assertThatThrownBy(() -> parser("", 1).read(false)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> parser("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 2).read(false))
                .isInstanceOf(EOFException.class).hasMessageContaining("5 of 10");
        assertThatThrownBy(() -> parser("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 2).read(false))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void malformedFramingIsAnError() {
        assertThatThrownBy(() -> parser("SMTP ready\r\n\r\n", 64).read(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("status line");
        assertThatThrownBy(() -> parser("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", 64).read(false))
                .hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> parser("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64).read(false))
                .hasMessageContaining("chunk size");
        assertThatThrownBy(() -> parser("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n", 64).read(false))
                .hasMessageContaining("CRLF");
    }

    /** An input stream that hands out at most {@code readSize} bytes per read, like a slow network. */
    static final class SplitStream extends InputStream {
        private final ByteArrayInputStream in;
        private final int readSize;

        SplitStream(byte[] bytes, int readSize) {
            this.in = new ByteArrayInputStream(bytes);
            this.readSize = readSize;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, readSize));
        }
    }
}
