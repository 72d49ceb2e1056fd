package dev.creditledger.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code holds}: a hold ({@code pending: true, timeoutSeconds: 600}) between two random accounts, then
 * {@code POST /v1/transfers/{id}/capture} of part of it. Two requests and two journal entries per
 * operation; the operation's latency covers both. The hold's id is read from its response without a
 * JSON mapper (the first {@code "id":"...")} field).
 *
 * What can go wrong: when the hold is refused or its outcome is unknown, no capture is sent and the
 * operation counts as failed.
 */
public final class HoldsWorkload implements HttpWorkload {

    public static final long HOLD_AMOUNT_MINOR_MIN = 2;

    private final Accounts accounts;

    public HoldsWorkload(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String name() {
        return "holds";
    }

    @Override
    public List<String> series() {
        return List.of("hold+capture");
    }

    @Override
    public String unit() {
        return "operations";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        int from = random.nextInt(accounts.size());
        int to = accounts.otherThan(random, from);
        long amount = Math.max(HOLD_AMOUNT_MINOR_MIN, Accounts.amount(random));
        var hold = client.send("POST", "/v1/transfers",
                ClientContext.bytes(Bodies.hold(client.text(), accounts.id(from), accounts.id(to), amount, client.nextKey())), outcome, 1, 1);
        if (hold == null) {
            return;
        }
        var holdId = stringField(hold.body(), "id");
        if (holdId == null) {
            outcome.inconsistentResponses++;
            outcome.fail("a hold's response has no id");
            return;
        }
        long captured = 1 + random.nextLong(amount - 1); // part of it: 1 to amount - 1
        var capture = client.send("POST", "/v1/transfers/" + holdId + "/capture",
                ClientContext.bytes(Bodies.capture(client.text(), captured, client.nextKey())), outcome, 1, 1);
        if (capture != null) {
            outcome.units = 1;
        }
    }

    /** The value of the first {@code "name":"value"} in compact JSON, or null. */
    static String stringField(byte[] json, String name) {
        var text = new String(json, StandardCharsets.UTF_8);
        var marker = "\"" + name + "\":\"";
        int start = text.indexOf(marker);
        if (start < 0) {
            return null;
        }
        start += marker.length();
        int end = text.indexOf('"', start);
        return end < 0 ? null : text.substring(start, end);
    }
}
