package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.Accounts;
import dev.creditledger.bench.load.Workload;
import java.util.List;

/**
 * {@code grpc-stream}: {@code random} transfers pipelined over {@code Transfers.StreamTransfers} calls, each keeping a
 * window of requests sent and unanswered ({@link StreamLoop}, {@link StreamClient}). One transfer is one journal
 * entry, and throughput counts transfers, not calls.
 */
public record GrpcStreamWorkload(Accounts accounts) implements Workload {

    @Override
    public String name() {
        return "grpc-stream";
    }

    @Override
    public List<String> series() {
        return List.of("transfer");
    }

    @Override
    public String unit() {
        return "transfers";
    }
}
