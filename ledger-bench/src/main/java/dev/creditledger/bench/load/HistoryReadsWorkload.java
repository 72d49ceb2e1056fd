package dev.creditledger.bench.load;

import java.time.Instant;
import java.util.List;

/**
 * {@code history-reads}: reads against a ledger with a loaded history ({@code --history N}). Half the
 * operations are {@code GET /v1/accounts/{id}/statement?limit=20} (series {@code statement}), half
 * {@code GET /v1/accounts/{id}/balance?asOf=<a random instant inside the loaded history>} (series
 * {@code balanceAsOf}), each reported with its own percentiles. Nothing is written.
 */
public final class HistoryReadsWorkload implements HttpWorkload {

    static final int STATEMENT = 0;
    static final int BALANCE_AS_OF = 1;

    private final Accounts accounts;
    private final Instant historyStart;
    private final long historyMillis;

    public HistoryReadsWorkload(Accounts accounts, Instant historyStart, Instant historyEnd) {
        this.accounts = accounts;
        this.historyStart = historyStart;
        this.historyMillis = Math.max(1, historyEnd.toEpochMilli() - historyStart.toEpochMilli());
    }

    @Override
    public String name() {
        return "history-reads";
    }

    @Override
    public List<String> series() {
        return List.of("statement", "balanceAsOf");
    }

    @Override
    public String unit() {
        return "reads";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        String path;
        if (random.nextBoolean()) {
            outcome.series = STATEMENT;
            path = "/v1/accounts/" + accounts.any(random) + "/statement?limit=" + ReadsWorkload.STATEMENT_LIMIT;
        } else {
            outcome.series = BALANCE_AS_OF;
            var asOf = historyStart.plusMillis(random.nextLong(historyMillis));
            path = "/v1/accounts/" + accounts.any(random) + "/balance?asOf=" + asOf;
        }
        if (client.send("GET", path, null, outcome, 0, 0) != null) {
            outcome.units = 1;
        }
    }
}
