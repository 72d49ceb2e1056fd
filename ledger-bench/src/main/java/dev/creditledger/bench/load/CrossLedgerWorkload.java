package dev.creditledger.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code cross-cluster}: {@code POST /v1/transfers} with {@code toLedger}, from a random account of the client's ledger
 * to a random account of a linked ledger on another cluster: each one a saga (reserve, credit, post; ADR 0021),
 * answered 201 when it completed within the request or 202 while the worker finishes it. Acknowledged is either; the
 * saga ids are kept so the suite can wait for every one to complete. One instance per client (it keeps that client's
 * sagas).
 */
public final class CrossLedgerWorkload implements HttpWorkload {

    private static final String SAGA_ID_FIELD = "\"sagaId\":\"";

    private final Accounts from;
    private final UUID toLedger;
    private final Accounts to;
    private final List<UUID> sagas = new ArrayList<>();

    public CrossLedgerWorkload(Accounts from, UUID toLedger, Accounts to) {
        this.from = from;
        this.toLedger = toLedger;
        this.to = to;
    }

    @Override
    public String name() {
        return "cross-cluster";
    }

    @Override
    public List<String> series() {
        return List.of("transfer");
    }

    @Override
    public String unit() {
        return "transfers";
    }

    /** The sagas acknowledged so far (read once the loop has ended). */
    public synchronized List<UUID> sagas() {
        return List.copyOf(sagas);
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        var body = client.text().append("{\"from\":\"").append(from.any(random)).append("\",\"to\":\"").append(to.any(random))
                .append("\",\"toLedger\":\"").append(toLedger).append("\",\"amount\":").append(Accounts.amount(random))
                .append(",\"asset\":\"").append(Bodies.ASSET).append("\",\"idempotencyKey\":\"").append(client.nextKey()).append("\"}");
        // A saga writes on both ledgers: its journal entries are not counted against one ledger's sequence.
        var response = client.send("POST", "/v1/transfers", ClientContext.bytes(body), outcome, 0, 0);
        if (response != null) {
            outcome.units = 1;
            var text = new String(response.body(), StandardCharsets.UTF_8);
            int at = text.indexOf(SAGA_ID_FIELD);
            if (at >= 0) {
                synchronized (this) {
                    sagas.add(UUID.fromString(text.substring(at + SAGA_ID_FIELD.length(), at + SAGA_ID_FIELD.length() + 36)));
                }
            } else {
                outcome.inconsistentResponses++;
                outcome.fail("a transfer between ledgers answered " + response.status() + " without a sagaId");
            }
        }
    }
}
