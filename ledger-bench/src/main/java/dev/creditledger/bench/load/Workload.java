package dev.creditledger.bench.load;

import java.util.List;

/**
 * One kind of traffic, as the loops and the report see it: its name, its latency series and what its
 * throughput counts. What one operation does is the {@link LoadClient}'s business (HTTP for the
 * service, JDBC for the baseline).
 */
public interface Workload {

    String name();

    /** Names of the latency series; {@link OpOutcome#series} indexes this list. */
    List<String> series();

    /** What a unit of throughput is: transfers, entries, operations, reads. */
    String unit();
}
