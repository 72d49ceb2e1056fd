package dev.creditledger.bench.load;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The bench ledger's accounts, as the id strings the bodies need, with the random choices the
 * workloads make: distinct pairs and triples, and amounts from {@link #AMOUNT_MINOR_MIN} to
 * {@link #AMOUNT_MINOR_MAX}. Index 0 is the hot account of the {@code hot} workload.
 */
public record Accounts(List<String> ids) {

    public static final long AMOUNT_MINOR_MIN = 1;
    public static final long AMOUNT_MINOR_MAX = 100;
    public static final int ACCOUNTS_MIN = 3;

    public Accounts {
        ids = List.copyOf(ids);
        if (ids.size() < ACCOUNTS_MIN) {
            throw new IllegalArgumentException("the workloads need at least ACCOUNTS_MIN " + ACCOUNTS_MIN + " accounts");
        }
    }

    public int size() {
        return ids.size();
    }

    public String id(int index) {
        return ids.get(index);
    }

    public String any(SplittableRandom random) {
        return ids.get(random.nextInt(ids.size()));
    }

    /** An index other than {@code other}. */
    public int otherThan(SplittableRandom random, int other) {
        int i = random.nextInt(ids.size() - 1);
        return i >= other ? i + 1 : i;
    }

    public static long amount(SplittableRandom random) {
        return random.nextLong(AMOUNT_MINOR_MIN, AMOUNT_MINOR_MAX + 1);
    }
}
