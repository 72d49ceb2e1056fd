package dev.creditledger.bench.load;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code batch}: {@code POST /v1/transfers/batch} with {@code batchSize} random transfers, each with its
 * own idempotency key. Throughput counts transfers (accepted items), not requests. The per-item results
 * are checked: one result per item, in order, each either 201 with a transfer (whose {@code seq} is
 * acknowledged) or a problem, and {@code accepted} equal to the 201s.
 *
 * What can go wrong: a response that breaks those rules counts as inconsistent, which fails the run;
 * an unknown outcome (timeout, 5xx) counts all {@code batchSize} entries as unknown.
 */
public final class BatchWorkload implements HttpWorkload {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Accounts accounts;
    private final int batchSize;

    public BatchWorkload(Accounts accounts, int batchSize) {
        this.accounts = accounts;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return "batch";
    }

    @Override
    public List<String> series() {
        return List.of("batch");
    }

    @Override
    public String unit() {
        return "transfers";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        var body = client.text().append("{\"transfers\":[");
        for (int i = 0; i < batchSize; i++) {
            if (i > 0) {
                body.append(',');
            }
            int from = random.nextInt(accounts.size());
            int to = accounts.otherThan(random, from);
            Bodies.transfer(body, accounts.id(from), accounts.id(to), Accounts.amount(random), client.nextKey());
        }
        body.append("]}");
        var response = client.send("POST", "/v1/transfers/batch", ClientContext.bytes(body), outcome, 0, batchSize);
        if (response == null) {
            return;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(response.body());
        } catch (JacksonException e) {
            outcome.inconsistentResponses++;
            outcome.fail("a batch response is not JSON: " + e.getOriginalMessage());
            return;
        }
        var results = tree.path("results");
        long now = System.nanoTime();
        int accepted = 0;
        int rejected = 0;
        boolean consistent = results.isArray() && results.size() == batchSize;
        for (int i = 0; consistent && i < results.size(); i++) {
            var item = results.get(i);
            int status = item.path("status").asInt(-1);
            boolean hasTransfer = item.hasNonNull("transfer");
            consistent = item.path("index").asInt(-1) == i && (status == 201) == hasTransfer;
            if (hasTransfer) {
                accepted++;
                client.acks().acknowledged(item.path("transfer").path("seq").asLong(0), now);
            } else {
                rejected++;
            }
        }
        consistent = consistent && tree.path("accepted").asInt(-1) == accepted && tree.path("rejected").asInt(-1) == rejected;
        if (!consistent) {
            outcome.inconsistentResponses++;
            outcome.fail("a batch response's per-item results disagree with its " + batchSize + " items or its counts");
            return;
        }
        outcome.entriesAcknowledged += accepted;
        outcome.units = accepted;
        if (rejected > 0) {
            outcome.itemsRejected += rejected;
            outcome.fail("a batch refused " + rejected + " of " + batchSize + " items");
        }
    }
}
