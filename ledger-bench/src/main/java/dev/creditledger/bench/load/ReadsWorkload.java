package dev.creditledger.bench.load;

import java.util.List;

/**
 * {@code reads}: writes beside reads. Half the operations are random transfers (series {@code write}),
 * a quarter {@code GET /v1/accounts/{id}/balance} and a quarter
 * {@code GET /v1/accounts/{id}/statement?limit=20} (series {@code read}), so reads and writes are
 * reported separately. The journal endpoints are read, which are always current.
 */
public final class ReadsWorkload implements HttpWorkload {

    public static final int STATEMENT_LIMIT = 20;
    static final int WRITE = 0;
    static final int READ = 1;

    private final Accounts accounts;

    public ReadsWorkload(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String name() {
        return "reads";
    }

    @Override
    public List<String> series() {
        return List.of("write", "read");
    }

    @Override
    public String unit() {
        return "requests";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        int choice = random.nextInt(4);
        if (choice < 2) {
            outcome.series = WRITE;
            int from = random.nextInt(accounts.size());
            int to = accounts.otherThan(random, from);
            var body = Bodies.transfer(client.text(), accounts.id(from), accounts.id(to), Accounts.amount(random), client.nextKey());
            if (client.send("POST", "/v1/transfers", ClientContext.bytes(body), outcome, 1, 1) != null) {
                outcome.units = 1;
            }
            return;
        }
        outcome.series = READ;
        var path = choice == 2 ? "/v1/accounts/" + accounts.any(random) + "/balance"
                : "/v1/accounts/" + accounts.any(random) + "/statement?limit=" + STATEMENT_LIMIT;
        if (client.send("GET", path, null, outcome, 0, 0) != null) {
            outcome.units = 1;
        }
    }
}
