package dev.creditledger.bench.load;

import java.util.List;

/**
 * {@code multileg}: {@code POST /v1/entries} with one debit and two credits that balance it, among three
 * distinct random accounts. One entry is one journal entry with three postings.
 */
public final class MultiLegWorkload implements HttpWorkload {

    private final Accounts accounts;

    public MultiLegWorkload(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String name() {
        return "multileg";
    }

    @Override
    public List<String> series() {
        return List.of("entry");
    }

    @Override
    public String unit() {
        return "entries";
    }

    @Override
    public void execute(ClientContext client, OpOutcome outcome) {
        var random = client.random();
        int debit = random.nextInt(accounts.size());
        int credit1 = accounts.otherThan(random, debit);
        int credit2;
        do {
            credit2 = accounts.otherThan(random, debit);
        } while (credit2 == credit1);
        var body = Bodies.entry(client.text(), accounts.id(debit), accounts.id(credit1), Accounts.amount(random), accounts.id(credit2),
                Accounts.amount(random), client.nextKey());
        if (client.send("POST", "/v1/entries", ClientContext.bytes(body), outcome, 1, 1) != null) {
            outcome.units = 1;
        }
    }
}
