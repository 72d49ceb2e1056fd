package dev.creditledger.bench.http;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP response as the kit needs it: the status, the body, the two ledger headers, and whether the
 * server is closing the connection.
 *
 * @param ledgerSeq          the {@code Ledger-Seq} header (the sequence a write committed at), or -1 when absent
 * @param projectedSeq       the {@code Ledger-Projected-Seq} header (how far the read models are), or -1 when absent
 * @param closesConnection   {@code Connection: close}, or a body delimited by the end of the connection
 */
public record HttpResponse(int status, byte[] body, long ledgerSeq, long projectedSeq, boolean closesConnection) {

    public static final long HEADER_ABSENT = -1;

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** 2xx: the server acknowledged the request. */
    public boolean acknowledged() {
        return status >= 200 && status < 300;
    }

    /** 4xx: the server refused the request; nothing was written. */
    public boolean refused() {
        return status >= 400 && status < 500;
    }
}
