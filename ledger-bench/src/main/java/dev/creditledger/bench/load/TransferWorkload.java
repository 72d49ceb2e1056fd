package dev.creditledger.bench.load;

import java.util.List;

/**
 * {@code random}: {@code POST /v1/transfers} between two distinct random accounts. {@code hot}: the same,
 * but one side of every transfer is the hot account (index 0), debited or credited at random, which
 * makes every transfer contend for one balance row. One transfer is one journal entry.
 */
public final class TransferWorkload implements HttpWorkload {

    private final String name;
    private final Accounts accounts;
    private final boolean hot;

    private TransferWorkload(String name, Accounts accounts, boolean hot) {
        this.name = name;
        this.accounts = accounts;
        this.hot = hot;
    }

    public static TransferWorkload random(Accounts accounts) {
        return new TransferWorkload("random", accounts, false);
    }

    public static TransferWorkload hot(Accounts accounts) {
        return new TransferWorkload("hot", accounts, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> series() {
        return List.of("transfer");
    }

    @Override
    public String unit() {
        return "transfers";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        int from;
        int to;
        if (hot) {
            int other = accounts.otherThan(random, 0);
            boolean hotDebited = random.nextBoolean();
            from = hotDebited ? 0 : other;
            to = hotDebited ? other : 0;
        } else {
            from = random.nextInt(accounts.size());
            to = accounts.otherThan(random, from);
        }
        var body = Bodies.transfer(client.text(), accounts.id(from), accounts.id(to), Accounts.amount(random), client.nextKey());
        if (client.send("POST", "/v1/transfers", ClientContext.bytes(body), outcome, 1, 1) != null) {
            outcome.units = 1;
        }
    }
}
