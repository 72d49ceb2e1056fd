package dev.creditledger.bench;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.stack.BenchLedger;
import dev.creditledger.bench.stack.Stack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's calls the checks make: {@code POST /v1/admin/verify}, which recomputes every balance
 * from the journal and checks the trial balance, the transfer states and the sequences of every
 * ledger. It can take long on a big journal, hence its own timeout.
 */
final class AdminCalls {

    record Verification(boolean clean, long ledgers, long accounts, long entries, List<String> differences) {}

    private AdminCalls() {}

    static Verification verify(Stack stack) throws IOException {
        try (var connection = new HttpConnection(stack.baseUrl(), stack.adminKey(), BenchDefaults.VERIFY_TIMEOUT_MS)) {
            var body = BenchLedger.expect(connection.post("/v1/admin/verify", new byte[0]), 200, "POST /v1/admin/verify");
            List<String> differences = new ArrayList<>();
            body.path("differences").forEach(d -> differences.add(d.asString()));
            return new Verification(body.path("clean").asBoolean(false), body.path("ledgers").asLong(0), body.path("accounts").asLong(0),
                    body.path("entries").asLong(0), differences);
        }
    }
}
