package dev.creditledger.bench.load;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.http.HttpResponse;
import dev.creditledger.bench.measure.AckLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One client of the service: its workload, its connection, its own random numbers, its idempotency-key counter
 * and a reusable text buffer for bodies. {@link #send} performs one request and classifies it into
 * the operation's outcome; acknowledged writes report their {@code Ledger-Seq} to the {@link AckLog}.
 * Used by one thread only.
 */
public final class ClientContext implements LoadClient {

    public static final int FAILURE_BODY_CHARS_MAX = 200;

    private final HttpWorkload workload;
    private final HttpConnection connection;
    private final SplittableRandom random;
    private final AckLog acks;
    private final String keyPrefix;
    private final StringBuilder text = new StringBuilder(256);
    private long keys;

    public ClientContext(HttpWorkload workload, HttpConnection connection, SplittableRandom random, AckLog acks, String keyPrefix) {
        this.workload = workload;
        this.connection = connection;
        this.random = random;
        this.acks = acks;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public void execute(OpOutcome outcome) {
        workload.execute(this, outcome);
    }

    public SplittableRandom random() {
        return random;
    }

    public AckLog acks() {
        return acks;
    }

    /** A fresh idempotency key, unique in the run. */
    public String nextKey() {
        return keyPrefix + "-" + (keys++);
    }

    /** The reusable text buffer, emptied. */
    public StringBuilder text() {
        text.setLength(0);
        return text;
    }

    public static byte[] bytes(CharSequence json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends one request and classifies it. Returns the response when acknowledged (2xx), else null.
     *
     * @param entriesIfAcknowledged journal entries a 2xx means were written
     * @param entriesIfUnknown      journal entries that may have been written when the outcome is unknown
     */
    public HttpResponse send(String method, String path, byte[] body, OpOutcome outcome, long entriesIfAcknowledged,
                             long entriesIfUnknown) {
        HttpResponse response;
        try {
            response = connection.send(method, path, body);
        } catch (IOException e) {
            outcome.requestsUnknown++;
            outcome.entriesUnknown += entriesIfUnknown;
            outcome.fail(method + " " + route(path) + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            return null;
        }
        if (response.acknowledged()) {
            outcome.requestsAcknowledged++;
            outcome.entriesAcknowledged += entriesIfAcknowledged;
            if (response.ledgerSeq() > 0) {
                acks.acknowledged(response.ledgerSeq(), System.nanoTime());
            }
            return response;
        }
        if (response.refused()) {
            outcome.requestsRejected++;
        } else {
            outcome.requestsUnknown++;
            outcome.entriesUnknown += entriesIfUnknown;
        }
        var bodyText = response.bodyText();
        outcome.fail(method + " " + route(path) + " answered " + response.status() + " "
                + (bodyText.length() > FAILURE_BODY_CHARS_MAX ? bodyText.substring(0, FAILURE_BODY_CHARS_MAX) : bodyText)
                        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>"));
        return null;
    }

    /** The path with ids and the query left out, so failures of one kind group together. */
    static String route(String path) {
        int query = path.indexOf('?');
        var p = query >= 0 ? path.substring(0, query) : path;
        return p.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}");
    }

    @Override
    public long socketsOpened() {
        return connection == null ? 0 : connection.socketsOpened();
    }

    @Override
    public void connect() throws IOException {
        if (connection != null) {
            connection.get("/actuator/health/liveness");
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
